//! The fragmentation family: deterministic alloc/free workloads through real guest allocators, and
//! a true account of the memory they cost: what linear memory had to grow to against what the
//! program really held, what is resident, and what the runtime reserved.
//!
//! These figures are not timings: [`measure`] reads them once per case (criterion times the same
//! workloads separately, in `benches/fragmentation.rs`).

use anyhow::{bail, ensure, Context, Result};
use serde::Serialize;

use crate::module::MemoryPlan;
use crate::procfs;
use crate::runtime::{Compiled, GuestModule, MemoryInfo, Runtime};

pub use membench_data::fragmentation::{Allocator, Figures, FragRecord};

/// The guest built with this allocator.
pub fn wasm(allocator: Allocator) -> &'static [u8] {
    match allocator {
        Allocator::Dlmalloc => guest_artifacts::FRAG_DLMALLOC,
        Allocator::Talc => guest_artifacts::FRAG_TALC,
        Allocator::LolAlloc => guest_artifacts::FRAG_LOL,
        Allocator::Bump => guest_artifacts::FRAG_BUMP,
        Allocator::BumpBytes => guest_artifacts::FRAG_BUMP_BYTES,
    }
}

/// The guest as the runtimes take it: its memory as the linker declared it, in pages of
/// 1 byte for [`Allocator::BumpBytes`] (the same bytes: `initial` × 65536 one-byte pages).
pub fn guest(allocator: Allocator) -> Result<GuestModule> {
    let guest = GuestModule::as_is(allocator.id(), wasm(allocator).to_vec(), &REQUIRED_EXPORTS)?;
    match allocator {
        Allocator::BumpBytes => GuestModule::new(
            allocator.id(),
            wasm(allocator),
            MemoryPlan {
                page_size_log2: Some(0),
                ..guest.memory
            },
            None,
        ),
        _ => Ok(guest),
    }
}

/// Compiles a fragmentation guest. A runtime that refuses a guest whose memory has a custom page
/// size while it compiles the same guest with 64 KiB pages lacks the custom-page-sizes proposal:
/// a typed *unsupported* error with the engine's own words, not a failure.
pub fn compile(runtime: &dyn Runtime, guest: &GuestModule) -> Result<Box<dyn Compiled>> {
    match runtime.compile(guest) {
        Err(e) if guest.memory.page_size_log2.is_some() => {
            let plan = MemoryPlan {
                page_size_log2: None,
                ..guest.memory
            };
            runtime
                .compile(&GuestModule::new(&guest.name, &guest.wasm, plan, None)?)
                .context("the same guest with 64 KiB pages does not compile either")?;
            Err(crate::record::NotMeasured::unsupported(format!(
                "{} refuses a memory of {}-byte pages (custom-page-sizes) and compiles the same \
                 guest with 64 KiB pages: {e:#}",
                runtime.id(),
                guest.memory.page_bytes()
            ))
            .into())
        }
        other => other,
    }
}

/// What a guest must export to be measured: the workload entry point (`live_bytes` and
/// `peak_live_bytes` are optional).
pub const REQUIRED_EXPORTS: [&str; 1] = ["run"];

/// A workload and the scale the default matrix runs it at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Workload {
    /// Its id (`guest_frag::WORKLOADS`).
    pub id: &'static str,
    /// The first argument of `run`.
    pub index: u32,
    /// The second argument of `run` (see `guest_frag::run` for what it scales).
    pub scale: u32,
}

/// The workloads at the scales the matrix uses: churn ×1, mixed ×4, sawtooth to 16 MiB,
/// vec-doubling to 16 MiB, peak-release of 256 MiB.
pub const WORKLOADS: [Workload; 5] = [
    Workload {
        id: "churn",
        index: 0,
        scale: 1,
    },
    Workload {
        id: "mixed",
        index: 1,
        scale: 4,
    },
    Workload {
        id: "sawtooth",
        index: 2,
        scale: 16,
    },
    Workload {
        id: "vec-doubling",
        index: 3,
        scale: 16,
    },
    Workload {
        id: "peak-release",
        index: 4,
        scale: 256,
    },
];

/// The known-answer workload: `scale` blocks of exactly 64 KiB, never freed.
pub const FIXED_64K: Workload = Workload {
    id: "fixed-64k",
    index: 5,
    scale: 16,
};

/// The seed every workload runs with.
pub const SEED: u32 = 7;

/// How each figure is read; written beside the figures in every output file.
pub const METHODS: [(&str, &str); 10] = [
    ("linear_bytes", "memory.size x the page size (65536, or 1 for bump-bytes) through the runtime's memory API, after the workload"),
    ("linear_peak_bytes", "equal to linear_bytes: a wasm memory never shrinks"),
    ("peak_live_bytes", "the guest's own counter (a wrapper around its global allocator), at its maximum"),
    ("live_bytes_end", "the same counter after the workload"),
    ("resident_bytes", "present pages in /proc/<pid>/pagemap over the memory's range [base, base + linear_bytes) in the process holding it"),
    ("reserved_virtual_bytes", "growth of VmSize in /proc/<pid>/status of the process holding the memory from before instantiation to after the workload, at least linear_bytes; for a heap-backed memory (wasmi), which maps nothing of its own, linear_bytes: a lower bound (see reserved_basis)"),
    ("reserved_basis", "mappings: reserved_virtual_bytes is the VmSize growth; heap-buffer-at-least-linear: the memory is a heap buffer whose capacity is not exposed, and reserved_virtual_bytes is its linear size, a lower bound; reserved-before-at-least-linear: VmSize grew by less than the memory (it lives in address space reserved before instantiation, e.g. a pool), and reserved_virtual_bytes is its linear size, a lower bound"),
    ("rss_delta_bytes", "growth of VmRSS in /proc/<pid>/status across the workload (process-wide cross-check)"),
    ("fixed_bytes", "memory.size x the page size on the fresh instance, before the workload's first allocation: the guest's own stack and statics, which no allocator chose"),
    ("waste_bytes", "linear_bytes - fixed_bytes - peak_live_bytes: what the allocator grew beyond what the program held at once (linear memory grows in whole 64 KiB pages, so differences below 65536 B say nothing of an allocator)"),
];

/// Runs `workload` once on a fresh instance of `guest` and reads every figure.
pub fn measure(runtime: &dyn Runtime, guest: &GuestModule, workload: Workload) -> Result<Figures> {
    measure_with(runtime, guest, workload, |_| ()).map(|(figures, ())| figures)
}

/// [`measure`], then `inspect` on the memory while the instance is still alive (right after the
/// figures are read), so a caller can cross-check them against another source.
pub fn measure_with<T>(
    runtime: &dyn Runtime,
    guest: &GuestModule,
    workload: Workload,
    inspect: impl FnOnce(&MemoryInfo) -> T,
) -> Result<(Figures, T)> {
    let compiled = compile(runtime, guest)?;
    // Process-wide figures of the process holding the memory (an engine's, for the JS engines).
    let process = compiled.process();
    // From a collected heap where memory is garbage collected: a memory dropped earlier and freed
    // meanwhile would show as a smaller reservation of this one.
    runtime.collect_garbage()?;
    let before = procfs::read_of(process)?;
    let mut instance = compiled.instantiate()?;
    let after_instantiate = procfs::read_of(process)?;
    let fixed = instance.memory()?.size_bytes;
    let allocations = instance
        .call("run", [workload.index, workload.scale, SEED])
        .with_context(|| format!("running workload {}", workload.id))?;
    if allocations == u64::MAX {
        bail!(
            "the guest does not know workload {} (index {})",
            workload.id,
            workload.index
        );
    }
    let after_run = procfs::read_of(process)?;
    let info = instance.memory()?;
    let optional =
        |instance: &mut dyn crate::runtime::Instance, name: &str| -> Result<Option<u64>> {
            match instance.call(name, [0, 0, 0]) {
                Ok(v) => Ok(Some(v)),
                Err(e) if crate::runtime::is_trap(&e) => Err(e),
                Err(_) => Ok(None),
            }
        };
    let peak_live = optional(instance.as_mut(), "peak_live_bytes")?;
    let live_end = optional(instance.as_mut(), "live_bytes")?;
    // Where the memory cannot be located (an engine in another process that gave no mapping of
    // its own, or two candidates), the other figures still stand.
    let (resident, resident_unsupported) = match info.range("the memory's resident pages") {
        Ok(range) => (Some(procfs::resident_in(range)?), None),
        Err(e) if crate::record::NotMeasured::of(&e) == crate::record::FailureKind::Unsupported => {
            (None, Some(format!("{e:#}")))
        }
        Err(e) => return Err(e),
    };
    ensure!(info.size_bytes > 0, "the memory reports size 0");
    let (reserved, reserved_basis) = if info.heap_backed {
        // A heap buffer maps nothing of its own: VmSize may not move at all (freed heap is
        // reused). The buffer holds at least the memory's bytes; its capacity is not exposed.
        (
            info.size_bytes,
            procfs::ReservedBasis::HeapBufferAtLeastLinear,
        )
    } else {
        match after_run.virtual_bytes.saturating_sub(before.virtual_bytes) {
            // Less than the memory itself: it lives in address space reserved before
            // instantiation (a pool of slots), or something else was unmapped meanwhile.
            grown if grown < info.size_bytes => (
                info.size_bytes,
                procfs::ReservedBasis::ReservedBeforeAtLeastLinear,
            ),
            grown => (grown, procfs::ReservedBasis::Mappings),
        }
    };
    let figures = Figures {
        linear_bytes: info.size_bytes,
        linear_peak_bytes: info.size_bytes,
        peak_live_bytes: peak_live,
        live_bytes_end: live_end,
        resident_bytes: resident,
        resident_unsupported,
        reserved_virtual_bytes: reserved,
        reserved_basis,
        rss_delta_bytes: after_run.resident_bytes as i64 - after_instantiate.resident_bytes as i64,
        fixed_bytes: Some(fixed),
        waste_bytes: peak_live.map(|p| info.size_bytes.saturating_sub(fixed).saturating_sub(p)),
        resident_per_live: peak_live
            .filter(|p| *p > 0)
            .zip(resident)
            .map(|(p, r)| r as f64 / p as f64),
        reserved_per_linear: reserved as f64 / info.size_bytes as f64,
        allocations,
    };
    let inspected = inspect(&info);
    Ok((figures, inspected))
}
