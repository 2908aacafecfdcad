//! The grow-heavy family: `memory.grow` in the guest's own loop (many small grows, one big grow,
//! grow-then-touch, the cost of a grow against the current size, failing grows), the same
//! `grow(1)` against size made by the host (`Memory::grow`; `memory.grow(1)` from JavaScript),
//! and a host-side grow past the maximum.
//!
//! A grow cannot be undone, so every timed call gets a fresh instance, created outside the timing.
//! Criterion's time for a grow case is the time **per grow** (the call's time divided by the grows
//! it made), so ids, charts and the seed's question all speak of one grow.

use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};

use crate::case::GuestBuild;
use crate::contiguous::{MemoryVariant, LARGE_MAX_PAGES};
use crate::module::MemoryPlan;
use crate::procfs;
use crate::record::FailureKind;
use crate::runtime::{Compiled, GuestModule, Instance, Runtime, RuntimeSpec};

pub use membench_data::grow::{Footprint, GrowPattern, AT_GROWS, FAIL_AT, FAIL_GROWS};

/// The pages a failing grow asks for: one past the maximum, whatever the maximum is.
fn failing_delta(plan: &MemoryPlan) -> u64 {
    plan.maximum.unwrap_or(LARGE_MAX_PAGES) - plan.initial + 1
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
                let delta = failing_delta(&self.plan) as u32;
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
                let delta = failing_delta(&self.plan);
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
    fn a_failing_delta_is_always_one_past_the_maximum() {
        let plan = |maximum| MemoryPlan {
            decl: crate::module::MemoryDecl::Defined,
            initial: 16,
            maximum,
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        assert_eq!(failing_delta(&plan(Some(16))), 1);
        assert_eq!(failing_delta(&plan(None)), LARGE_MAX_PAGES - 15);
    }
}
