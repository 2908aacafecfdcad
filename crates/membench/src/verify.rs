//! The seed's claims, checked on one runtime × strategy: pages and limits honoured, growth past the
//! maximum refused, whether a maximum makes the engine reserve ahead (a finding, not a pass/fail),
//! memory released when instances go away, and isolation (loads and stores of every width at the
//! edge of memory, a canary in host memory, a second instance, a reused pool slot).
//!
//! Each check returns an outcome with the figures behind it, so a table can show what each
//! configuration really does.

use anyhow::{ensure, Context, Result};
use serde::{Deserialize, Serialize};

use crate::contiguous::{MaxDecl, MemoryVariant};
use crate::grow;
use crate::module::{MemoryDecl, MemoryPlan, PAGE};
use crate::procfs;
use crate::runtime::{is_trap, Compiled, Runtime, RuntimeSpec};

/// What a check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The claim held (or the property was verified).
    Held,
    /// The claim did not hold here: a finding, reported with its figures.
    DidNotHold,
    /// The check does not apply to this configuration.
    NotApplicable,
    /// The check could not run (an error that is not the claim's answer).
    Error,
}

/// One check on one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `pages-and-limits`, `grow-past-maximum`, `reserve-ahead`, `released-on-drop`, `isolation`,
    /// `fresh-memory-is-zero`.
    pub check: String,
    /// What it found.
    pub outcome: Outcome,
    /// The figures behind it.
    pub detail: String,
}

/// The checks of one runtime × strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// `<runtime>-<engine>`.
    pub runtime: String,
    /// The strategy.
    pub strategy: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

/// How many instantiate/touch/drop cycles `released-on-drop` makes, and how much each touches.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Cycles (the figure is 1000).
    pub cycles: u32,
    /// Bytes touched per cycle (64 MiB).
    pub touch_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cycles: 1000,
            touch_bytes: 64 << 20,
        }
    }
}

fn compile(rt: &dyn Runtime, plan: MemoryPlan) -> Result<Box<dyn Compiled>> {
    rt.compile(&grow::guest(plan)?)
}

fn outcome(result: Result<(bool, String)>) -> (Outcome, String) {
    match result {
        Ok((true, d)) => (Outcome::Held, d),
        Ok((false, d)) => (Outcome::DidNotHold, d),
        Err(e) => (Outcome::Error, format!("{e:#}")),
    }
}

/// Runs every check on `spec`.
pub fn verify(spec: &RuntimeSpec, options: Options) -> Verdict {
    let mut checks = Vec::new();
    let mut push = |name: &str, (outcome, detail): (Outcome, String)| {
        checks.push(Check {
            check: name.into(),
            outcome,
            detail,
        })
    };
    match spec.build() {
        Err(e) => push("build", (Outcome::Error, format!("{e:#}"))),
        Ok(rt) => {
            let rt = rt.as_ref();
            push("pages-and-limits", outcome(pages_and_limits(rt)));
            push("grow-past-maximum", outcome(grow_past_maximum(rt, spec)));
            push("reserve-ahead", outcome(reserve_ahead(rt)));
            push("released-on-drop", outcome(released_on_drop(rt, options)));
            push("isolation", outcome(isolation(rt)));
            push("fresh-memory-is-zero", outcome(fresh_memory_is_zero(rt)));
        }
    }
    Verdict {
        runtime: spec.id.into(),
        strategy: spec.strategy.clone(),
        checks,
    }
}

/// Claim 1: a page is 64 KiB; `initial` and `maximum` are honoured, defined or imported.
fn pages_and_limits(rt: &dyn Runtime) -> Result<(bool, String)> {
    let mut seen = Vec::new();
    for decl in [MemoryDecl::Defined, MemoryDecl::Imported] {
        for maximum in [None, Some(9)] {
            let plan = MemoryPlan {
                decl,
                initial: 3,
                maximum,
            };
            let mut i = compile(rt, plan)?.instantiate()?;
            let info = i.memory()?;
            let size = i.call("size", [0, 0, 0])?;
            ensure!(
                info.size_bytes == 3 * 65536 && size == 3 && info.maximum_pages == maximum,
                "{plan:?}: {} bytes, memory.size {size}, maximum {:?}",
                info.size_bytes,
                info.maximum_pages
            );
            // The last byte of the last page is addressable, the next is not.
            i.call("store_u8", [3 * 65536 - 1, 1, 0])?;
            ensure!(
                i.call("load_u8", [3 * 65536, 0, 0]).is_err(),
                "byte 3 × 65536 is addressable"
            );
            seen.push(format!(
                "{}:{:?}",
                if decl == MemoryDecl::Defined {
                    "defined"
                } else {
                    "imported"
                },
                maximum
            ));
        }
    }
    Ok((
        true,
        format!(
            "3 pages = 196608 bytes, maxima honoured ({})",
            seen.join(", ")
        ),
    ))
}

/// Claim 2: growing past the maximum fails: -1 in the guest, an error on the host, the memory
/// unchanged and usable.
fn grow_past_maximum(rt: &dyn Runtime, spec: &RuntimeSpec) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact).plan_pages(2, 4);
    let mut i = compile(rt, plan)?.instantiate()?;
    i.call("store_u8", [65536, 42, 0])?;
    ensure!(
        i.call("grow", [3, 0, 0])? == u64::from(u32::MAX),
        "guest grow past the maximum did not return -1"
    );
    let err = i
        .grow(3)
        .err()
        .context("host grow past the maximum succeeded")?;
    ensure!(
        !is_trap(&err),
        "host grow failure was a trap, not an error value"
    );
    ensure!(
        i.call("size", [0, 0, 0])? == 2,
        "the failed grows changed the size"
    );
    ensure!(
        i.call("load_u8", [65536, 0, 0])? == 42,
        "the failed grows changed the contents"
    );
    ensure!(
        i.call("grow", [2, 0, 0])? == 2,
        "growing up to the maximum failed afterwards"
    );
    let limit = spec
        .memory_limit_pages
        .map(|p| {
            format!(
                "; the host limit of {p} pages also refuses grows past it below a larger maximum"
            )
        })
        .unwrap_or_default();
    Ok((true, format!("guest -1, host error \"{err:#}\"{limit}")))
}

/// Claim 3, a finding: does declaring a maximum make the engine reserve more address space up
/// front? Compares one instance's `VmSize` growth with a 4 GiB maximum against none.
fn reserve_ahead(rt: &dyn Runtime) -> Result<(bool, String)> {
    let reserved = |maximum: MaxDecl| -> Result<u64> {
        let plan = MemoryVariant::new(MemoryDecl::Defined, maximum).plan_pages(16, 16);
        let compiled = compile(rt, plan)?;
        let (footprint, _instance) = grow::footprint(compiled.as_ref())?;
        Ok(footprint.reserved_virtual_bytes)
    };
    let (none, exact, large) = (
        reserved(MaxDecl::None)?,
        reserved(MaxDecl::Exact)?,
        reserved(MaxDecl::Large)?,
    );
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    Ok((
        large as f64 > 1.5 * none as f64,
        format!(
            "VmSize growth for a 16-page memory: {:.1} MiB without a maximum, {:.1} MiB with an exact one, {:.1} MiB with 4 GiB",
            mib(none),
            mib(exact),
            mib(large)
        ),
    ))
}

/// Claim 4: memory is released when its instance goes away. `cycles` × (instantiate, touch
/// `touch_bytes`, drop), then RSS and VmSize must be back within a small tolerance.
fn released_on_drop(rt: &dyn Runtime, o: Options) -> Result<(bool, String)> {
    let pages = o.touch_bytes / PAGE;
    let plan =
        MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None).plan_pages(pages + 1, pages + 1);
    let compiled = compile(rt, plan)?;
    let cycle = || -> Result<()> {
        let mut i = compiled.instantiate()?;
        i.call("touch_pages", [PAGE as u32, o.touch_bytes as u32, 4096])?;
        Ok(())
    };
    // Warm up allocator caches and pools, so the baseline includes steady-state overhead.
    for _ in 0..3 {
        cycle()?;
    }
    let start = procfs::read()?;
    for _ in 0..o.cycles {
        cycle()?;
    }
    let end = procfs::read()?;
    let rss = end.resident_bytes as i64 - start.resident_bytes as i64;
    let vm = end.virtual_bytes as i64 - start.virtual_bytes as i64;
    let tolerance = (o.touch_bytes / 2) as i64;
    Ok((
        rss < tolerance && vm < tolerance,
        format!(
            "{} cycles touching {} MiB each: RSS {:+.1} MiB, VmSize {:+.1} MiB (tolerance {} MiB)",
            o.cycles,
            o.touch_bytes >> 20,
            rss as f64 / (1 << 20) as f64,
            vm as f64 / (1 << 20) as f64,
            tolerance >> 20
        ),
    ))
}

/// Claim 5: loads and stores of 1, 2, 4 and 8 bytes at the last valid address succeed and one byte
/// further trap, at the initial size and after a grow; a canary in host memory and a second
/// instance's memory are unchanged by it all.
fn isolation(rt: &dyn Runtime) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Large).plan_pages(2, 2);
    let compiled = compile(rt, plan)?;
    let canary: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let mut other = compiled.instantiate()?;
    other.call("store_n", [65536 - 8, 8, 0x5A])?;
    let other_before = other.call("sum_bytes", [0, 2 * 65536, 0])?;
    let mut i = compiled.instantiate()?;
    let mut probes = 0;
    for grown in [false, true] {
        if grown {
            ensure!(i.call("grow", [3, 0, 0])? == 2, "grow by 3 pages failed");
        }
        let end = i.memory()?.size_bytes as u32;
        for width in [1u32, 2, 4, 8] {
            let last = end - width;
            i.call("store_n", [last, width, 0xA5])?;
            let v = i.call("load_n", [last, width, 0])?;
            ensure!(
                v & 0xFF == 0xA5,
                "width {width} at {last}: read back {v:#x}"
            );
            for (export, args) in [
                ("load_n", [last + 1, width, 0]),
                ("store_n", [last + 1, width, 0xEE]),
            ] {
                let err = i.call(export, args).err().with_context(|| {
                    format!("{export} of {width} bytes at {} (one past the last valid address) did not trap", last + 1)
                })?;
                ensure!(
                    is_trap(&err),
                    "{export} out of bounds was not a trap: {err:#}"
                );
                probes += 1;
            }
        }
    }
    ensure!(
        canary.iter().enumerate().all(|(k, b)| *b == k as u8),
        "the host canary changed"
    );
    ensure!(
        other.call("sum_bytes", [0, 2 * 65536, 0])? == other_before,
        "the other instance's memory changed"
    );
    Ok((
        true,
        format!("{probes} out-of-bounds accesses (widths 1, 2, 4, 8; at 2 and 5 pages) trapped; canary and second instance intact; 16-byte (SIMD) accesses not checked: guests are built without simd128"),
    ))
}

/// A new instance reads zeros where the previous one wrote a secret (with the pooling allocator,
/// the same slot is reused).
fn fresh_memory_is_zero(rt: &dyn Runtime) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None).plan_pages(4, 4);
    let compiled = compile(rt, plan)?;
    let secret_at = [65536 * 2 + 100, 65536 * 3 + 65535];
    {
        let mut a = compiled.instantiate()?;
        for addr in secret_at {
            a.call("store_u8", [addr, 0x77, 0])?;
        }
        a.call("grow", [2, 0, 0])?;
        a.call("store_u8", [65536 * 5 + 7, 0x77, 0])?;
    }
    let mut b = compiled.instantiate()?;
    let mut seen = 0u64;
    for addr in secret_at {
        seen += b.call("load_u8", [addr, 0, 0])?;
    }
    b.call("grow", [2, 0, 0])?;
    seen += b.call("sum_bytes", [65536, 5 * 65536, 0])?;
    Ok((
        seen == 0,
        format!(
            "the next instance read {seen} non-zero byte value(s) where the previous one wrote"
        ),
    ))
}

impl Outcome {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Held => "held",
            Outcome::DidNotHold => "did not hold",
            Outcome::NotApplicable => "n/a",
            Outcome::Error => "ERROR",
        }
    }
}

/// True for the checks whose "did not hold" is a correctness failure rather than a finding.
pub fn is_correctness(check: &str) -> bool {
    !matches!(check, "reserve-ahead")
}
