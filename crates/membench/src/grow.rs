//! The grow-heavy family: `memory.grow` in the guest's own loop (many small grows, one big grow,
//! grow-then-touch, the cost of a grow against the current size, failing grows), the same
//! `grow(1)` against size made by the host (`Memory::grow`; `memory.grow(1)` from JavaScript),
//! and a host-side grow past the maximum.
//!
//! A grow cannot be undone, so every timed call gets a fresh instance, created outside the timing.
//! Criterion's time for a grow case is the time **per grow** (the call's time divided by the grows
//! it made), so ids, charts and the seed's question all speak of one grow.

use std::fmt;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};

use crate::case::GuestBuild;
use crate::contiguous::{MemoryVariant, LARGE_MAX_PAGES};
use crate::module::{MemoryPlan, PAGE};
use crate::procfs;
use crate::record::FailureKind;
use crate::runtime::{Compiled, GuestModule, Instance, Runtime, RuntimeSpec};

/// How many grows a `grow*-at` case makes from its starting size: few enough that the size stays
/// close to where it started, enough to average one grow's cost.
pub const AT_GROWS: u32 = 8;
/// How many failing grows a `grow-fail` case makes in one call.
pub const FAIL_GROWS: u32 = 1000;
/// The size at which the failing-grow cases run, in pages.
pub const FAIL_AT: u64 = 16;

/// A grow-heavy pattern and its size, in pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "pattern", content = "pages")]
pub enum GrowPattern {
    /// `grow(1)` from 1 page until the memory has this many pages.
    Grow1(u64),
    /// One `grow` from 1 page to this many pages.
    GrowBig(u64),
    /// `grow(1)` from 1 page to this many, writing one byte in each new page right after its grow.
    GrowTouch(u64),
    /// [`AT_GROWS`] × `grow(1)` starting at this many pages.
    Grow1At(u64),
    /// [`AT_GROWS`] × `grow(16)` starting at this many pages.
    Grow16At(u64),
    /// [`AT_GROWS`] × `grow(1)` starting at this many pages, made by the host
    /// ([`Instance::grow_repeat_timed`]: the runtime's `Memory::grow`, or `memory.grow(1)` from
    /// JavaScript timed by the engine's clock): [`GrowPattern::Grow1At`] from the other side.
    HostGrow1At(u64),
    /// [`FAIL_GROWS`] × `memory.grow` past the maximum in the guest (each returns -1), at this size.
    GrowFail(u64),
    /// [`FAIL_GROWS`] × host-side `Memory::grow` past the maximum (each an error value, or a
    /// `RangeError` in JavaScript), at this size: [`GrowPattern::GrowFail`] from the other side.
    HostGrowFail(u64),
}

impl GrowPattern {
    /// Whether the host grows the memory (`Memory::grow` in the runtime's API) rather than the
    /// guest (`memory.grow`).
    pub fn host(self) -> bool {
        matches!(
            self,
            GrowPattern::HostGrow1At(_) | GrowPattern::HostGrowFail(_)
        )
    }

    /// `grow-1`, `grow-big`, ...: the pattern part of the id.
    pub fn name(self) -> &'static str {
        match self {
            GrowPattern::Grow1(_) => "grow-1",
            GrowPattern::GrowBig(_) => "grow-big",
            GrowPattern::GrowTouch(_) => "grow-touch",
            GrowPattern::Grow1At(_) => "grow1-at",
            GrowPattern::Grow16At(_) => "grow16-at",
            GrowPattern::HostGrow1At(_) => "host-grow1-at",
            GrowPattern::GrowFail(_) => "grow-fail",
            GrowPattern::HostGrowFail(_) => "host-grow-fail",
        }
    }

    /// The size parameter, in pages.
    pub fn pages(self) -> u64 {
        match self {
            GrowPattern::Grow1(p)
            | GrowPattern::GrowBig(p)
            | GrowPattern::GrowTouch(p)
            | GrowPattern::Grow1At(p)
            | GrowPattern::Grow16At(p)
            | GrowPattern::HostGrow1At(p)
            | GrowPattern::GrowFail(p)
            | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// The same pattern at another size.
    pub fn with_pages(self, pages: u64) -> Self {
        match self {
            GrowPattern::Grow1(_) => GrowPattern::Grow1(pages),
            GrowPattern::GrowBig(_) => GrowPattern::GrowBig(pages),
            GrowPattern::GrowTouch(_) => GrowPattern::GrowTouch(pages),
            GrowPattern::Grow1At(_) => GrowPattern::Grow1At(pages),
            GrowPattern::Grow16At(_) => GrowPattern::Grow16At(pages),
            GrowPattern::HostGrow1At(_) => GrowPattern::HostGrow1At(pages),
            GrowPattern::GrowFail(_) => GrowPattern::GrowFail(pages),
            GrowPattern::HostGrowFail(_) => GrowPattern::HostGrowFail(pages),
        }
    }

    /// The memory's initial size, in pages.
    pub fn initial(self) -> u64 {
        match self {
            GrowPattern::Grow1(_) | GrowPattern::GrowBig(_) | GrowPattern::GrowTouch(_) => 1,
            GrowPattern::Grow1At(p)
            | GrowPattern::Grow16At(p)
            | GrowPattern::HostGrow1At(p)
            | GrowPattern::GrowFail(p)
            | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// The size the memory ends at when every grow succeeds, in pages (the exact maximum).
    pub fn final_pages(self) -> u64 {
        match self {
            GrowPattern::Grow1(p) | GrowPattern::GrowBig(p) | GrowPattern::GrowTouch(p) => p,
            GrowPattern::Grow1At(p) | GrowPattern::HostGrow1At(p) => p + u64::from(AT_GROWS),
            GrowPattern::Grow16At(p) => p + 16 * u64::from(AT_GROWS),
            GrowPattern::GrowFail(p) | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// How many grows one call makes (failed ones included).
    pub fn grows(self) -> u64 {
        match self {
            GrowPattern::Grow1(p) | GrowPattern::GrowTouch(p) => p - 1,
            GrowPattern::GrowBig(_) => 1,
            GrowPattern::Grow1At(_) | GrowPattern::Grow16At(_) | GrowPattern::HostGrow1At(_) => {
                u64::from(AT_GROWS)
            }
            GrowPattern::GrowFail(_) | GrowPattern::HostGrowFail(_) => u64::from(FAIL_GROWS),
        }
    }

    /// What a case of this pattern times, for its record.
    pub fn timed(self) -> &'static str {
        match self {
            GrowPattern::HostGrow1At(_) => {
                "the host's loop of grows alone (Instance::grow_repeat_timed: the runtime's \
                 Memory::grow, or memory.grow(1) from JavaScript timed by the engine's clock), on \
                 a fresh instance made outside the timing; divided by the grows"
            }
            GrowPattern::HostGrowFail(_) => {
                "the host's loop of grows past the maximum, each refused, the runtime's \
                 Memory::grow alone (Instance::grows_refused_timed: any context of ours is built \
                 after the clock, and no library backtrace is captured; memory.grow from \
                 JavaScript timed by the engine's clock, each RangeError caught), on a fresh \
                 instance made outside the timing; divided by the grows"
            }
            _ => {
                "the guest call making the grows (export resolved before the clock starts), on a \
                 fresh instance made outside the timing; divided by the grows"
            }
        }
    }

    /// Bytes the memory gains per grow (0 for failing grows).
    pub fn bytes_per_grow(self) -> u64 {
        let gained = (self.final_pages() - self.initial()) * PAGE;
        gained / self.grows()
    }

    /// The pages a failing grow asks for: one past the maximum, whatever the maximum is.
    fn failing_delta(plan: &MemoryPlan) -> u64 {
        plan.maximum.unwrap_or(LARGE_MAX_PAGES) - plan.initial + 1
    }
}

/// `grow-1/4096`.
impl fmt::Display for GrowPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.name(), self.pages())
    }
}

/// What a case really runs after its strategy's cap: the requested pattern, the one that runs, and
/// whether they differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounded {
    /// The pattern the matrix lists (and the id names).
    pub requested: GrowPattern,
    /// The pattern that runs: smaller when the strategy's grows move the memory.
    pub runs: GrowPattern,
    /// The cap in pages, when it applied.
    pub capped_at: Option<u64>,
}

/// Applies a strategy's cap: a strategy whose grows copy the memory runs a pattern no larger than
/// `spec.grow_bound_pages`, and says so.
pub fn bound(spec: &RuntimeSpec, pattern: GrowPattern) -> Bounded {
    match spec.grow_bound_pages {
        Some(cap) if pattern.final_pages() > cap => {
            let shrink = pattern.final_pages() - pattern.pages();
            let runs = pattern.with_pages(cap.saturating_sub(shrink).max(2));
            Bounded {
                requested: pattern,
                runs,
                capped_at: Some(cap),
            }
        }
        _ => Bounded {
            requested: pattern,
            runs: pattern,
            capped_at: None,
        },
    }
}

/// A grow case ready to run: compiled, with its expected outcome.
pub struct Prepared {
    compiled: Box<dyn Compiled>,
    /// The pattern that runs.
    pub pattern: GrowPattern,
    /// The memory it runs with.
    pub plan: MemoryPlan,
}

/// The builds of the grow family: the Rust guest (`scalar`), and the memory-kind twins
/// `guest-modules/wat/grow.wat` over a 32-bit and a 64-bit memory, which grow from the guest
/// only (a host grows 32-bit memories here).
pub const BUILDS: [GuestBuild; 3] = [
    GuestBuild::Scalar,
    GuestBuild::Memory32,
    GuestBuild::Memory64,
];

/// The WebAssembly text of the grow twins: one text, the address type substituted.
const GROW_WAT: &str = include_str!("../../../guest-modules/wat/grow.wat");

/// The module of a grow twin: `guest-modules/wat/grow.wat` with its address type filled in and
/// parsed; the two differ only where an address or a page count is typed, widened or narrowed.
pub fn memory_kind_wasm(build: GuestBuild) -> Result<Vec<u8>> {
    let (a, mem, ext, wide) = match build {
        GuestBuild::Memory32 => ("i32", "", ("", ""), ("(i64.extend_i32_u ", ")")),
        GuestBuild::Memory64 => ("i64", "i64", ("(i64.extend_i32_u ", ")"), ("", "")),
        other => bail!("the grow family has no {other} build"),
    };
    crate::module::wat_template(
        &format!("guest-modules/wat/grow.wat for {build}"),
        GROW_WAT,
        &[
            ("{A}", a),
            ("{MEM}", mem),
            ("{ext}", ext.0),
            ("{/ext}", ext.1),
            ("{wide}", wide.0),
            ("{/wide}", wide.1),
        ],
    )
}

/// The grow guest of `build` for `plan`: the Rust guest with its native build, or a twin (64-bit
/// for `memory64`).
pub fn guest_of(build: GuestBuild, plan: MemoryPlan) -> Result<GuestModule> {
    match build {
        GuestBuild::Scalar => guest(plan),
        GuestBuild::Memory32 | GuestBuild::Memory64 => {
            let plan = MemoryPlan {
                memory64: build == GuestBuild::Memory64,
                ..plan
            };
            GuestModule::new("grow-wat", &memory_kind_wasm(build)?, plan, None)
        }
        other => bail!("the grow family has no {other} build"),
    }
}

/// The guest-grow module for `plan`.
pub fn guest(plan: MemoryPlan) -> Result<GuestModule> {
    GuestModule::new(
        "grow",
        guest_artifacts::GROW,
        plan,
        Some(guest_grow::native::BUILD),
    )
}

/// Compiles the grow guest for `plan` on `runtime`. For a shared memory, also instantiates it
/// once (an engine may refuse it when creating it rather than when compiling); when that fails
/// while the same memory unshared compiles and instantiates, the runtime refuses shared memories:
/// a typed *unsupported* error carrying the engine's own error
/// ([`crate::runtime::shared_memory_refused`]), never a failure. Any other error stays an error.
pub fn compile(runtime: &dyn Runtime, plan: MemoryPlan) -> Result<Box<dyn Compiled>> {
    crate::runtime::compile_for_plan(runtime, plan, guest)
}

impl Prepared {
    /// Compiles the grow guest for `runtime` with `variant`'s maximum sized for `pattern`.
    pub fn new(
        runtime: &dyn Runtime,
        pattern: GrowPattern,
        variant: MemoryVariant,
    ) -> Result<Self> {
        Self::with_build(runtime, pattern, variant, GuestBuild::Scalar)
    }

    /// [`Prepared::new`] with the grow guest of `build` ([`BUILDS`]). A runtime that refuses a
    /// twin while it compiles the 32-bit one lacks its proposal: *unsupported*, in its words.
    pub fn with_build(
        runtime: &dyn Runtime,
        pattern: GrowPattern,
        variant: MemoryVariant,
        build: GuestBuild,
    ) -> Result<Self> {
        let plan = variant.plan_pages(pattern.initial(), pattern.final_pages());
        let compiled = match crate::runtime::compile_for_plan(runtime, plan, |p| guest_of(build, p))
        {
            Err(e) if crate::record::NotMeasured::of(&e) == FailureKind::Failed => {
                match build.baseline() {
                    Some(baseline) => {
                        runtime.compile(&guest_of(baseline, plan)?)?;
                        return Err(crate::runtime::build_refused(
                            runtime.id(),
                            build,
                            baseline,
                            &e,
                        ));
                    }
                    None => return Err(e),
                }
            }
            other => other?,
        };
        let plan = MemoryPlan {
            memory64: build == GuestBuild::Memory64,
            ..plan
        };
        Ok(Self {
            compiled,
            pattern,
            plan,
        })
    }

    /// A fresh instance at the pattern's starting size.
    pub fn fresh(&self) -> Result<Box<dyn Instance>> {
        self.compiled.instantiate()
    }

    /// A fresh instance and the time of its instantiation alone (see
    /// [`Compiled::instantiate_timed`]); not measured when that spans fewer than
    /// [`crate::runtime::MIN_TICKS`] ticks of the runtime's clock (each instantiation is timed on
    /// its own, one instance alive at a time, so it is not batched).
    pub fn instantiate_timed(&self) -> Result<(Box<dyn Instance>, Duration)> {
        let (instance, elapsed) = self.compiled.instantiate_timed()?;
        let elapsed = crate::runtime::enough_ticks(
            elapsed,
            self.compiled.clock_resolution(),
            "an instantiation",
        )?;
        Ok((instance, elapsed))
    }

    /// What [`Prepared::instantiate_timed`] times, in the runtime's API terms.
    pub fn timed_instantiation(&self) -> &'static str {
        self.compiled.timed_instantiation()
    }

    /// Runs the pattern once on `instance` (timed) and checks its outcome (not timed): every grow
    /// that should succeed did, every one that should fail did. A grow cannot be undone, so a
    /// region shorter than [`crate::runtime::MIN_TICKS`] ticks of the runtime's clock (a browser's
    /// `performance.now`) cannot be batched on the same instance: it is not measured.
    pub fn run(&self, instance: &mut dyn Instance) -> Result<Duration> {
        let elapsed = self.run_region(instance)?;
        crate::runtime::enough_ticks(
            elapsed,
            instance.clock_resolution(),
            &format!("the timed region of {}", self.pattern),
        )
    }

    fn run_region(&self, instance: &mut dyn Instance) -> Result<Duration> {
        let (export, args, expect) = match self.pattern {
            GrowPattern::Grow1(_) | GrowPattern::Grow1At(_) => (
                "grow_many",
                [1, self.pattern.grows() as u32, 0],
                self.pattern.grows(),
            ),
            GrowPattern::GrowTouch(_) => (
                "grow_many",
                [1, self.pattern.grows() as u32, 1],
                self.pattern.grows(),
            ),
            GrowPattern::Grow16At(_) => ("grow_many", [16, AT_GROWS, 0], u64::from(AT_GROWS)),
            GrowPattern::GrowBig(p) => ("grow_many", [(p - 1) as u32, 1, 0], 1),
            GrowPattern::GrowFail(_) => {
                let delta = GrowPattern::failing_delta(&self.plan) as u32;
                ("grow_fail", [delta, FAIL_GROWS, 0], u64::from(FAIL_GROWS))
            }
            GrowPattern::HostGrow1At(p) => {
                // The host's loop of grows alone is timed (by the engine, for one in another
                // process); the outcome is checked after the clock stops.
                let (last_old, elapsed) = instance.grow_repeat_timed(1, u64::from(AT_GROWS));
                let last_old = last_old?;
                let expect = p + u64::from(AT_GROWS) - 1;
                ensure!(
                    last_old == expect,
                    "{}: the last of {AT_GROWS} host grow(1)s returned old size {last_old}, \
                     expected {expect} (memory plan {:?})",
                    self.pattern,
                    self.plan
                );
                return Ok(elapsed);
            }
            GrowPattern::HostGrowFail(_) => {
                // FAIL_GROWS grows past the maximum, each refused (the memory is left as it was),
                // timed as one region of the runtime's grows alone: their errors are made by the
                // engine, and any context of ours after the clock.
                let delta = GrowPattern::failing_delta(&self.plan);
                let (result, elapsed) = instance.grows_refused_timed(delta, u64::from(FAIL_GROWS));
                result?;
                return Ok(elapsed);
            }
        };
        // Resolved before the clock starts: the timed region is the guest call alone.
        let func = instance.export(export)?;
        let (got, elapsed) = instance.call_timed(func, args, 1)?;
        ensure!(
            got == expect,
            "{}: {export}{args:?} returned {got}, expected {expect} (memory plan {:?})",
            self.pattern,
            self.plan
        );
        Ok(elapsed)
    }
}

/// Virtual address space and resident memory one fresh instance adds to the process, and how long
/// instantiating it took: what a strategy reserves up front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    /// Growth of `VmSize` across one instantiation, bytes; at least the memory's size when the
    /// memory lives where `VmSize` cannot see it grow (see `reserved_basis`): never 0 for a memory
    /// that exists.
    pub reserved_virtual_bytes: u64,
    /// Where `reserved_virtual_bytes` comes from.
    #[serde(default)]
    pub reserved_basis: crate::procfs::ReservedBasis,
    /// Growth of `VmRSS` across one instantiation, bytes.
    pub resident_bytes: u64,
    /// The instantiation's wall time, nanoseconds (one sample; criterion times it properly).
    pub instantiate_ns: u64,
}

/// Where an engine in another process carves memories out of a region it reserved at start (V8's
/// sandbox in Chromium: `VmSize` does not move when a memory is made), the address space one
/// memory takes: the smallest distance between the memories of three instances made one after
/// another and kept alive, when every one was found and the distance is at least the memory's
/// size (a smaller one would mean they are not laid out one after another). `None` otherwise,
/// and for runtimes in this process (a pool's slots are its configuration, reported as such).
pub fn carved_slot(compiled: &dyn Compiled) -> Result<Option<u64>> {
    if compiled.process().is_none() {
        return Ok(None);
    }
    let mut instances = Vec::new();
    let mut bases = Vec::new();
    let mut size = 0;
    for _ in 0..3 {
        let mut instance = compiled.instantiate()?;
        let info = instance.memory()?;
        size = info.size_bytes;
        let Some(base) = info.base else {
            return Ok(None);
        };
        bases.push(base as u64);
        instances.push(instance);
    }
    let stride = bases
        .windows(2)
        .map(|w| w[0].abs_diff(w[1]))
        .min()
        .unwrap_or(0);
    Ok((stride >= size && size > 0).then_some(stride))
}

/// Instantiates once and measures what that instance added to the process.
pub fn footprint(compiled: &dyn Compiled) -> Result<(Footprint, Box<dyn Instance>)> {
    let process = compiled.process();
    let before = procfs::read_of(process)?;
    let (instance, elapsed) = compiled
        .instantiate_timed()
        .context("instantiating to measure")?;
    let instantiate_ns = elapsed.as_nanos() as u64;
    let after = procfs::read_of(process)?;
    let mut instance = instance;
    let info = instance.memory()?;
    let mapped = after.virtual_bytes.saturating_sub(before.virtual_bytes);
    // A heap buffer (wasmi, native `vec`) maps nothing of its own: whether the allocator took
    // fresh pages for it (glibc maps large blocks until its threshold adapts) depends on what the
    // process freed before, not on the memory. A pool's slot was reserved before. Then the
    // memory's own size is the honest lower bound, not the VmSize delta.
    let (reserved_virtual_bytes, reserved_basis) = match (info.heap_backed, mapped) {
        (true, _) => (
            info.size_bytes,
            procfs::ReservedBasis::HeapBufferAtLeastLinear,
        ),
        (false, m) if m < info.size_bytes => match carved_slot(compiled)? {
            Some(slot) => (slot, procfs::ReservedBasis::CarvedSlot),
            None => (
                info.size_bytes,
                procfs::ReservedBasis::ReservedBeforeAtLeastLinear,
            ),
        },
        (_, m) => (m, procfs::ReservedBasis::Mappings),
    };
    Ok((
        Footprint {
            reserved_virtual_bytes,
            reserved_basis,
            resident_bytes: after.resident_bytes.saturating_sub(before.resident_bytes),
            instantiate_ns,
        },
        instance,
    ))
}

impl Prepared {
    /// See [`footprint`].
    pub fn footprint(&self) -> Result<(Footprint, Box<dyn Instance>)> {
        footprint(self.compiled.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_grows_and_bytes_add_up() {
        let p = GrowPattern::Grow1(4096);
        assert_eq!((p.initial(), p.final_pages(), p.grows()), (1, 4096, 4095));
        assert_eq!(p.bytes_per_grow(), PAGE);
        let big = GrowPattern::GrowBig(256);
        assert_eq!(big.bytes_per_grow(), 255 * PAGE);
        let at = GrowPattern::Grow16At(4096);
        assert_eq!(at.final_pages(), 4096 + 128);
        assert_eq!(at.bytes_per_grow(), 16 * PAGE);
        assert_eq!(GrowPattern::GrowFail(16).bytes_per_grow(), 0);
        assert_eq!(p.to_string(), "grow-1/4096");
    }

    #[test]
    fn a_failing_delta_is_always_one_past_the_maximum() {
        let plan = |maximum| MemoryPlan {
            decl: crate::module::MemoryDecl::Defined,
            initial: 16,
            maximum,
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        assert_eq!(GrowPattern::failing_delta(&plan(Some(16))), 1);
        assert_eq!(
            GrowPattern::failing_delta(&plan(None)),
            LARGE_MAX_PAGES - 15
        );
    }
}
