//! The contiguous-access family: sequential, strided and random loads and stores over a working set,
//! on warm memory, and first-touch writes and reads on memory no one has touched yet.
//!
//! This module knows how to prepare and run one case; which cases exist is [`crate::matrix`]'s call.

use std::cell::Cell;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};

use crate::case::GuestBuild;
use crate::module::{MemoryPlan, PAGE};
use crate::record::{FirstTouch, NotMeasured};
use crate::runtime::{self, Compiled, Export, GuestModule, Instance, Runtime};

/// The bytes a warm case moves per host call, at least: with passes over small working sets this
/// keeps the host-call overhead (tens of ns) far below 1 % of the call.
pub const MIN_BYTES_PER_CALL: u64 = 4 << 20;

pub use membench_data::contiguous::{
    Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width, LARGE_MAX_PAGES,
};

/// Bytes loaded or stored by one pass of `kernel` over `size` bytes with elements of `width`
/// bytes (the strides are the guest's own constants).
pub fn bytes_per_pass(kernel: Kernel, size: u64, width: Width) -> u64 {
    match kernel {
        Kernel::SeqRead | Kernel::SeqWrite | Kernel::RandomRead | Kernel::RandomWrite => size,
        Kernel::Copy => size / 2,
        Kernel::Stride64Read => size / u64::from(guest_contiguous::STRIDE_LINE) * width.bytes(),
        Kernel::Stride4kRead => size / u64::from(guest_contiguous::STRIDE_PAGE) * width.bytes(),
    }
}

/// How many passes one call of `pattern` makes over `size` bytes.
pub fn passes(pattern: &Pattern, size: u64) -> u32 {
    match pattern.touch {
        Touch::FirstTouch => 1,
        Touch::Warm => {
            let per_pass = bytes_per_pass(pattern.kernel, size, pattern.width).max(1);
            MIN_BYTES_PER_CALL.div_ceil(per_pass).max(1) as u32
        }
    }
}

/// Bytes loaded or stored by one call of `pattern` over `size` bytes: criterion's
/// `Throughput::Bytes`.
pub fn bytes_per_call(pattern: &Pattern, size: u64) -> u64 {
    bytes_per_pass(pattern.kernel, size, pattern.width) * u64::from(passes(pattern, size))
}

/// The guest's own memory: what the linker declared for stack and static data. Working sets start
/// right after it, where the guest itself never writes.
pub fn static_pages() -> Result<u64> {
    Ok(crate::module::declared_memory(guest_artifacts::CONTIGUOUS)?.initial)
}

/// The contiguous guest in `build`, rewritten for `plan`, with its native counterpart: the scalar
/// copy of the kernels for the scalar wasm build, the (auto-vectorised) host build for `simd128`.
pub fn guest(build: GuestBuild, plan: MemoryPlan) -> Result<GuestModule> {
    let (wasm, native) = match build {
        GuestBuild::Scalar => (
            guest_artifacts::CONTIGUOUS,
            crate::runtimes::native::scalar_contiguous()?,
        ),
        GuestBuild::Simd128 => (
            guest_artifacts::CONTIGUOUS_SIMD128,
            guest_contiguous::native::BUILD,
        ),
        GuestBuild::Memory32
        | GuestBuild::Memory64
        | GuestBuild::PageSize1
        | GuestBuild::SecondMemory => {
            let plan = MemoryPlan {
                memory64: build == GuestBuild::Memory64,
                page_size_log2: (build == GuestBuild::PageSize1).then_some(0),
                ..plan
            };
            return GuestModule::new("contiguous-wat", &memory_kind_wasm(build)?, plan, None);
        }
    };
    GuestModule::new("contiguous", wasm, plan, Some(native))
}

/// The WebAssembly text of the memory-kind twins: one text, the address type substituted.
const MEMORY_KINDS_WAT: &str = include_str!("../../../guest-modules/wat/contiguous.wat");

/// The module of a memory-kind build ([`GuestBuild::MEMORY_KINDS`]): `guest-modules/wat/contiguous.wat`
/// with its placeholders filled in and parsed: the address type (`i32` or `i64`), the page size,
/// and which memory the loads and stores name. Each kind differs from the 32-bit twin in one of
/// these alone.
pub fn memory_kind_wasm(build: GuestBuild) -> Result<Vec<u8>> {
    let bits32 = ("i32", "", ("", ""), ("(i32.wrap_i64 ", ")"));
    let ((a, mem, ext, wrap), pages, (mem0, m)) = match build {
        GuestBuild::Memory32 => (bits32, "", ("", "")),
        GuestBuild::Memory64 => (
            ("i64", "i64", ("(i64.extend_i32_u ", ")"), ("", "")),
            "",
            ("", ""),
        ),
        GuestBuild::PageSize1 => (bits32, " (pagesize 1)", ("", "")),
        GuestBuild::SecondMemory => (bits32, "", ("(memory 1)", " 1")),
        other => bail!("{other} is not a memory-kind build"),
    };
    crate::module::wat_template(
        &format!("guest-modules/wat/contiguous.wat for {build}"),
        MEMORY_KINDS_WAT,
        &[
            ("{A}", a),
            ("{MEM0}", mem0),
            ("{MEM}", mem),
            ("{PAGES}", pages),
            ("{M}", m),
            ("{ext}", ext.0),
            ("{/ext}", ext.1),
            ("{wrap}", wrap.0),
            ("{/wrap}", wrap.1),
        ],
    )
}

/// A fresh instance for a first-touch sample, its export resolved and its working set checked.
pub struct Fresh {
    instance: Box<dyn Instance>,
    export: Export,
    /// The working set: guest address and length.
    working_set: (u32, u32),
}

impl Fresh {
    /// Bytes of the working set resident now (`/proc/<pid>/pagemap` over its range in the process
    /// holding the memory).
    pub fn resident_working_set(&mut self) -> Result<u64> {
        let info = self.instance.memory()?;
        let memory = info.range("first touch (the working set's residency before the call)")?;
        let (addr, len) = self.working_set;
        crate::procfs::resident_in(memory.sub(addr as usize, len as usize))
    }
}

/// A case ready to run: compiled, and (when warm) instantiated with its memory touched.
pub struct Prepared {
    compiled: Box<dyn Compiled>,
    warm: Option<(Box<dyn Instance>, Export)>,
    /// The export the timed call runs.
    pub export: String,
    /// The arguments of the timed call: address, length, passes.
    pub args: [u32; 3],
    /// The memory the case runs with.
    pub plan: MemoryPlan,
    /// First-touch cases: the most working-set bytes found resident before a timed call.
    resident_before: Cell<u64>,
    /// First-touch cases: how many fresh instances were checked.
    checked: Cell<u64>,
}

impl Prepared {
    /// Compiles the contiguous guest (`build`) for `runtime` with `variant`'s memory sized for
    /// `size`; for a warm case instantiates it and writes every byte of the working set once, for
    /// a first-touch case checks that a fresh instance's working set is not resident.
    ///
    /// A `simd128` guest the engine refuses while it takes the scalar one, and a first-touch case
    /// whose memory arrives already resident, are [`NotMeasured`] (findings, not failures).
    pub fn new(
        runtime: &dyn Runtime,
        pattern: Pattern,
        variant: MemoryVariant,
        size: u64,
        build: GuestBuild,
    ) -> Result<Self> {
        ensure!(
            size.is_power_of_two() && size <= u64::from(u32::MAX / 2),
            "working set of {size} bytes: must be a power of two below 2 GiB"
        );
        let static_pages = static_pages()?;
        let plan = variant.plan(static_pages, size);
        let guest = guest(build, plan)?;
        let plan = guest.memory;
        // A shared memory a runtime refuses is *unsupported*, with the engine's words.
        let compiled = crate::runtime::compile_for_plan(runtime, plan, |plan| {
            Ok(if plan == guest.memory {
                guest.clone()
            } else {
                self::guest(build, plan)?
            })
        });
        let compiled = match (compiled, build.baseline()) {
            (Ok(compiled), _) => compiled,
            // Already typed (a shared memory refused): the build is not what was refused.
            (Err(e), _) if NotMeasured::of(&e) != crate::record::FailureKind::Failed => {
                return Err(e)
            }
            (Err(e), Some(baseline)) => {
                runtime.compile(&self::guest(baseline, variant.plan(static_pages, size))?)?;
                return Err(crate::runtime::build_refused(
                    runtime.id(),
                    build,
                    baseline,
                    &e,
                ));
            }
            (Err(e), None) => return Err(e),
        };
        let addr = (static_pages * PAGE) as u32;
        let args = [addr, size as u32, passes(&pattern, size)];
        let mut prepared = Self {
            compiled,
            warm: None,
            export: pattern.export(),
            args,
            plan,
            resident_before: Cell::new(0),
            checked: Cell::new(0),
        };
        match pattern.touch {
            Touch::Warm => {
                let mut instance = prepared.compiled.instantiate()?;
                instance
                    .call("fill", [addr, size as u32, 0])
                    .context("warming the working set")?;
                let export = instance.export(&prepared.export)?;
                prepared.warm = Some((instance, export));
            }
            Touch::FirstTouch => {
                // Two in a row: the second sees what the first left behind (a pool's slot, an
                // allocator's freed block), as every sample after the first does.
                drop(prepared.fresh()?);
                drop(prepared.fresh()?);
            }
        }
        Ok(prepared)
    }

    /// A new instance for a first-touch sample, with its export resolved. Checks (from `/proc/<pid>/pagemap`,
    /// outside any timing) that none of the working set is resident yet: if some is, the runtime
    /// handed out memory already touched, the timed call would not pay the first touch, and the
    /// case is [`NotMeasured`] (a finding: the runtime's first-touch cost is paid before, at
    /// instantiation).
    pub fn fresh(&self) -> Result<Fresh> {
        let instance = self.compiled.instantiate()?;
        let mut fresh = Fresh {
            export: Export::new(0),
            instance,
            working_set: (self.args[0], self.args[1]),
        };
        fresh.export = fresh.instance.export(&self.export)?;
        let heap_backed = fresh.instance.memory()?.heap_backed;
        let resident = fresh.resident_working_set()?;
        self.checked.set(self.checked.get() + 1);
        self.resident_before
            .set(self.resident_before.get().max(resident));
        if resident > 0 {
            return Err(NotMeasured::finding(format!(
                "first touch unavailable: {resident} of the {} working-set bytes were already resident \
                 in a fresh instance ({}memory): the runtime touches (zero-fills or reuses) memory \
                 before the guest runs, so its first-touch cost is paid at instantiation",
                self.args[1],
                if heap_backed { "heap-backed " } else { "" },
            ))
            .into());
        }
        Ok(fresh)
    }

    /// What the first-touch checks found so far (`None` for a warm case).
    pub fn first_touch(&self) -> Option<FirstTouch> {
        (self.warm.is_none()).then(|| FirstTouch {
            working_set_bytes: u64::from(self.args[1]),
            max_resident_before_bytes: self.resident_before.get(),
            checked: self.checked.get(),
        })
    }

    /// The timed call on the warm instance: one guest call through the resolved export.
    pub fn run_warm(&mut self) -> Result<u64> {
        let (instance, export) = self
            .warm
            .as_mut()
            .context("run_warm on a first-touch case")?;
        instance.call_export(*export, self.args)
    }

    /// `iters` timed calls on the warm instance, timed by the runtime ([`Instance::call_timed`]:
    /// in-process, the loop of calls; an engine in another process, with its own clock).
    ///
    /// A region shorter than [`runtime::MIN_TICKS`] ticks of the runtime's clock (a browser's
    /// coarse `performance.now`) is batched: the calls are repeated in one region until it spans
    /// enough ticks, and the time is scaled back to `iters` calls (each warm call is the same).
    pub fn run_warm_timed(&mut self, iters: u64) -> Result<Duration> {
        let (instance, export) = self
            .warm
            .as_mut()
            .context("run_warm_timed on a first-touch case")?;
        let resolution = instance.clock_resolution();
        runtime::batched(iters, resolution, |repeat| {
            Ok(instance.call_timed(*export, self.args, repeat)?.1)
        })
    }

    /// The call on a fresh instance (first touch), untimed.
    pub fn run_fresh(&self, fresh: &mut Fresh) -> Result<u64> {
        fresh.instance.call_export(fresh.export, self.args)
    }

    /// The timed call on a fresh instance (first touch), timed by the runtime
    /// ([`Instance::call_timed`]: in-process, the call; an engine in another process, with its
    /// own clock, so the pipe stays outside).
    ///
    /// A first touch cannot be batched (a second call is warm): a region shorter than
    /// [`runtime::MIN_TICKS`] ticks of the runtime's clock is not measured.
    pub fn run_fresh_timed(&self, fresh: &mut Fresh) -> Result<Duration> {
        let (_, elapsed) = fresh.instance.call_timed(fresh.export, self.args, 1)?;
        runtime::enough_ticks(
            elapsed,
            fresh.instance.clock_resolution(),
            "a first-touch call",
        )
    }

    /// The warm instance, for checks that read its memory afterwards (tests).
    pub fn warm_instance(&mut self) -> Option<&mut dyn Instance> {
        self.warm
            .as_mut()
            .map(|(i, _)| i.as_mut() as &mut dyn Instance)
    }
}
