//! The one place that says what runs: runtimes × strategies × patterns × sizes × memory variants.
//!
//! Benches, tests and the CLI all enumerate cases from here, so a runtime or pattern added here
//! appears everywhere at once. The full product is large; [`Scope::Default`] is the subset a default
//! `cargo bench` runs on a 2-core machine in about fifteen minutes, and [`Scope::Full`]
//! (`MEMBENCH_FULL=1`) is everything.

use serde::{Deserialize, Serialize};

pub use crate::case::size_id;
use crate::case::{CaseKey, CasePattern, CaseVariant, Family, FragPattern, GuestBuild};
use crate::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use crate::fragmentation::{self, Allocator, Workload};
use crate::grow::{self, GrowPattern};
use crate::module::MemoryDecl;
use crate::runtime::RuntimeSpec;
use crate::runtimes::{native, stitch, tinywasm, wamr, wasm3, wasmer, wasmi, wasmtime};

/// Which group of runtimes an adapter's specs belong to: what the default scope runs of them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    /// The Rust-embedded engines and the native baseline: every strategy in every scope.
    Embedded,
    /// The runtimes embedded and IoT hosts pick for their memory footprint: tinywasm and stitch
    /// (pure Rust), WAMR and wasm3 (C; built only with the `c-runtimes` feature, else their rows
    /// say "not built" and how to build them). Their default strategy by default.
    Constrained,
    /// The JavaScript engines and browsers, out of this process. Their default by default.
    Js,
}

/// Every adapter's runtime-engines × strategies, in matrix order, with its group: the one list of
/// runtimes (adding one is a line here).
fn adapters() -> Vec<(Group, Vec<RuntimeSpec>)> {
    vec![
        (Group::Embedded, native::specs()),
        (Group::Embedded, wasmtime::specs()),
        (Group::Embedded, wasmer::specs()),
        (Group::Embedded, wasmi::specs()),
        (Group::Constrained, tinywasm::specs()),
        (Group::Constrained, stitch::specs()),
        (Group::Constrained, wamr::specs()),
        (Group::Constrained, wasm3::specs()),
        (Group::Js, crate::runtimes::js::specs()),
    ]
}

fn of_groups(groups: &[Group]) -> Vec<RuntimeSpec> {
    adapters()
        .into_iter()
        .filter(|(g, _)| groups.contains(g))
        .flat_map(|(_, specs)| specs)
        .collect()
}

/// Every runtime-engine × strategy that runs in this process, native baseline first: the
/// Rust-embedded engines, then the runtimes memory-constrained hosts pick
/// ([`constrained_runtimes`]).
pub fn runtimes() -> Vec<RuntimeSpec> {
    of_groups(&[Group::Embedded, Group::Constrained])
}

/// The runtimes embedded and IoT hosts pick for their memory footprint (see `Group::Constrained`).
pub fn constrained_runtimes() -> Vec<RuntimeSpec> {
    of_groups(&[Group::Constrained])
}

/// [`runtimes`] and the JavaScript engines (node, deno, bun and the browsers;
/// [`crate::runtimes::js`]): what the bench families run. The default scope has every strategy
/// of the Rust-embedded engines and the default strategy of the others; the full matrix has every
/// strategy of every runtime. The engines run out of this process, so the figures that read a
/// memory's pages where it lives (`measure`'s per-page figures, `verify`'s canaries) are recorded
/// as unsupported on them; the spec runner drives them over their pipe.
pub fn bench_runtimes(scope: Scope) -> Vec<RuntimeSpec> {
    adapters()
        .into_iter()
        .flat_map(|(group, specs)| {
            specs
                .into_iter()
                .filter(move |s| group == Group::Embedded || scope == Scope::Full || s.is_default())
        })
        .collect()
}

/// Every wasm runtime-engine with the mechanism that stops a runaway guest: wasmtime's epoch
/// interruption (a `deadline` per call, every engine), wasmer's metering middleware and wasmi's fuel
/// (`fuel` operators per call). For guests of unknown behaviour (`membench measure --wasm`), whose
/// memory figures these knobs do not change; the benchmark matrix never uses them, since they change
/// the code being timed.
pub fn guarded_runtimes(deadline: std::time::Duration, fuel: u64) -> Vec<RuntimeSpec> {
    use wasmer::{Wasmer, WasmerCompiler};
    use wasmi::Wasmi;
    use wasmtime::{Wasmtime, WasmtimeEngine};
    let spec = |id: &'static str, interpreter: bool, build: crate::runtime::BuildRuntime| {
        let strategy =
            build().map_or_else(|e| format!("unbuilt: {e:#}"), |r| r.strategy().to_string());
        RuntimeSpec {
            id,
            strategy,
            slug: "guarded",
            default: true,
            native: false,
            interpreter,
            grow_bound_pages: None,
            memory_limit_pages: None,
            out_of_process: false,
            build,
        }
    };
    let mut all = Vec::new();
    for (engine, id) in [
        (WasmtimeEngine::Cranelift, "wasmtime-cranelift"),
        (WasmtimeEngine::Winch, "wasmtime-winch"),
        (WasmtimeEngine::Pulley, "wasmtime-pulley"),
    ] {
        all.push(spec(
            id,
            engine == WasmtimeEngine::Pulley,
            Box::new(move || Ok(Box::new(Wasmtime::with_deadline(engine, deadline)?))),
        ));
    }
    for (compiler, id) in [
        (WasmerCompiler::Cranelift, "wasmer-cranelift"),
        (WasmerCompiler::Singlepass, "wasmer-singlepass"),
    ] {
        all.push(spec(
            id,
            false,
            Box::new(move || Ok(Box::new(Wasmer::with_metering(compiler, fuel)))),
        ));
    }
    all.push(spec(
        "wasmi-interpreter",
        true,
        Box::new(move || Ok(Box::new(Wasmi::with_fuel(fuel)))),
    ));
    all
}

/// How much of the matrix to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The subset that fits a default `cargo bench` (see [`contiguous`]).
    Default,
    /// The full product.
    Full,
}

impl Scope {
    /// `Full` when the environment variable `MEMBENCH_FULL` is `1`, else `Default`.
    pub fn from_env() -> Self {
        match std::env::var("MEMBENCH_FULL").as_deref() {
            Ok("1") => Scope::Full,
            _ => Scope::Default,
        }
    }
}

/// Working-set sizes of the contiguous family, in bytes: in L1, in L2/L3, larger than most L3s,
/// and DRAM-sized (where memory strategies show).
pub const SIZES: [u64; 4] = [16 << 10, 1 << 20, 32 << 20, 256 << 20];

/// The key of a case of `family` on `spec`.
fn key(
    family: Family,
    pattern: CasePattern,
    size_bytes: u64,
    spec: &RuntimeSpec,
    variant: Option<MemoryVariant>,
    build: GuestBuild,
) -> CaseKey {
    CaseKey {
        family,
        pattern,
        size_bytes,
        runtime: spec.id.to_string(),
        strategy: spec.strategy_key(),
        variant: variant.map_or(CaseVariant::HostBuffer, CaseVariant::Memory),
        build,
        ran_bytes: size_bytes,
    }
}

/// One case of the contiguous family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContiguousCase {
    /// Kernel, width, warm or first-touch.
    pub pattern: Pattern,
    /// Working set in bytes.
    pub size: u64,
    /// Index into [`runtimes`].
    pub runtime: usize,
    /// The memory declaration; `None` for the native baseline's host buffer.
    pub variant: Option<MemoryVariant>,
    /// Scalar or vectorised guest code (and the native build with the same policy).
    pub build: GuestBuild,
}

impl ContiguousCase {
    /// The case's identity.
    pub fn key(&self, runtimes: &[RuntimeSpec]) -> CaseKey {
        let spec = &runtimes[self.runtime];
        let pattern = CasePattern::Contiguous(self.pattern);
        key(
            Family::Contiguous,
            pattern,
            self.size,
            spec,
            self.variant,
            self.build,
        )
    }

    /// Its criterion id ([`CaseKey::id`]).
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        self.key(runtimes).id()
    }
}

/// The contiguous cases of `scope`, over `runtimes`.
///
/// `Full` is every pattern (7 kernels × 2 widths, warm) × every size × every runtime × every memory
/// variant (the shared one, [`CONTIGUOUS_SHARED`], in the scalar build) × both guest builds, plus first-touch
/// writes and reads at every size. `Default` keeps, in the scalar build: every warm pattern on
/// every runtime at 16 KiB, 1 MiB and 32 MiB with a declared maximum (`defined-max`), and
/// `seq-read-*` / `seq-write-*` at 256 MiB; all four memory variants and the shared one (on
/// default strategies) for `seq-read-i64`, `seq-write-i64` and `random-read-i64` at 1 MiB; first-touch
/// `seq-write-i64` / `seq-read-i64` at 1 MiB and 32 MiB; and in the `simd128` build, `seq-read-i64`,
/// `seq-write-i64` and `copy-i64` at 1 MiB and 256 MiB on every runtime's default strategy
/// (`defined-max`).
pub fn contiguous(scope: Scope, runtimes: &[RuntimeSpec]) -> Vec<ContiguousCase> {
    let warm: Vec<Pattern> = Kernel::ALL
        .iter()
        .flat_map(|&kernel| {
            Width::ALL.map(|width| Pattern {
                kernel,
                width,
                touch: Touch::Warm,
            })
        })
        .collect();
    let first_touch = [Kernel::SeqWrite, Kernel::SeqRead].map(|kernel| Pattern {
        kernel,
        width: Width::I64,
        touch: Touch::FirstTouch,
    });
    let defined_max = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact);
    let mut cases = Vec::new();
    for pattern in warm.iter().chain(&first_touch) {
        for size in SIZES {
            for (runtime, spec) in runtimes.iter().enumerate() {
                // Every wasm runtime-engine × strategy also runs on a shared memory
                // ([`CONTIGUOUS_SHARED`]); the default scope keeps it on default strategies.
                let variants: Vec<Option<MemoryVariant>> = if spec.native {
                    vec![None]
                } else if spec.is_default() {
                    MemoryVariant::ALL
                        .into_iter()
                        .chain([CONTIGUOUS_SHARED])
                        .map(Some)
                        .collect()
                } else {
                    STRATEGY_VARIANTS
                        .into_iter()
                        .chain([CONTIGUOUS_SHARED])
                        .map(Some)
                        .collect()
                };
                for variant in variants {
                    for build in GuestBuild::ALL {
                        let case = ContiguousCase {
                            pattern: *pattern,
                            size,
                            runtime,
                            variant,
                            build,
                        };
                        let keep = match (scope, build) {
                            // The shared memory with the scalar build only: it asks what sharing
                            // changes, which the vectorised build would not answer otherwise.
                            (_, GuestBuild::Simd128) if variant == Some(CONTIGUOUS_SHARED) => false,
                            (Scope::Full, _) => true,
                            (Scope::Default, GuestBuild::Simd128) => {
                                spec.is_default() && in_default_simd(&case, defined_max)
                            }
                            (Scope::Default, GuestBuild::Scalar) if spec.is_default() => {
                                in_default(&case, defined_max)
                            }
                            (Scope::Default, GuestBuild::Scalar) => {
                                in_default_strategy(&case) && variant != Some(CONTIGUOUS_SHARED)
                            }
                            // Not in `GuestBuild::ALL`: the memory kinds are listed below.
                            (
                                Scope::Default,
                                GuestBuild::Memory32
                                | GuestBuild::Memory64
                                | GuestBuild::PageSize1
                                | GuestBuild::SecondMemory,
                            ) => false,
                        };
                        if keep {
                            cases.push(case);
                        }
                    }
                }
            }
        }
    }
    // The memory kinds (issue 15): the same WebAssembly text over a 32-bit and a 64-bit memory,
    // on every wasm runtime-engine (native has no such twin), defined by the module (the hosts
    // create 32-bit memories only).
    for pattern in warm
        .iter()
        .chain(&first_touch)
        .filter(|p| MEMORY_KIND_KERNELS.contains(&p.kernel) && p.width == Width::I64)
    {
        for size in SIZES {
            for (runtime, spec) in runtimes.iter().enumerate().filter(|(_, s)| !s.native) {
                for variant in STRATEGY_VARIANTS {
                    for build in GuestBuild::MEMORY_KINDS {
                        let case = ContiguousCase {
                            pattern: *pattern,
                            size,
                            runtime,
                            variant: Some(variant),
                            build,
                        };
                        if scope == Scope::Full || in_default_memory_kind(&case, spec, defined_max)
                        {
                            cases.push(case);
                        }
                    }
                }
            }
        }
    }
    cases
}

/// The shared memory the contiguous family also runs on: the host creates it with an exact
/// maximum and `shared: true`, the guest imports it (`imported-shared-max`), beside the same memory
/// unshared (`imported-max`). A shared memory never moves, so an engine may compile its accesses
/// as it would under a fixed reservation; a runtime that refuses shared memories records the case
/// as *unsupported*, with the engine's error.
pub const CONTIGUOUS_SHARED: MemoryVariant = MemoryVariant::imported_shared(MaxDecl::Exact);

/// The kernels the memory-kind twins have (`guest-modules/wat/contiguous.wat`), all on `i64`.
pub const MEMORY_KIND_KERNELS: [Kernel; 5] = [
    Kernel::SeqRead,
    Kernel::SeqWrite,
    Kernel::Copy,
    Kernel::RandomRead,
    Kernel::RandomWrite,
];

/// The memory kinds in the default scope answer one headline question, what a 64-bit address, a
/// 1-byte page or a second memory costs each load and store: warm sequential and random loads and
/// sequential stores at 1 MiB (in cache, so code generation sets the pace), with an exact
/// maximum, on each runtime's default strategy. Every size, strategy and variant is in the full
/// matrix.
fn in_default_memory_kind(
    case: &ContiguousCase,
    spec: &RuntimeSpec,
    defined_max: MemoryVariant,
) -> bool {
    let p = case.pattern;
    spec.is_default()
        && case.variant == Some(defined_max)
        && case.size == 1 << 20
        && p.touch == Touch::Warm
        && matches!(
            p.kernel,
            Kernel::SeqRead | Kernel::RandomRead | Kernel::SeqWrite
        )
}

/// The maximum variants every non-default strategy runs with: none, exact, much larger.
pub const STRATEGY_VARIANTS: [MemoryVariant; 3] = [
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None),
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact),
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Large),
];

/// Under a non-default strategy, the default scope keeps the accesses bounds checks affect most, a
/// sequential and a random load: warm `seq-read-i64` and `random-read-i64` at 1 MiB, every maximum
/// variant (stores are checked the same way; the full matrix has them).
fn in_default_strategy(case: &ContiguousCase) -> bool {
    let p = case.pattern;
    p.touch == Touch::Warm
        && p.width == Width::I64
        && matches!(p.kernel, Kernel::SeqRead | Kernel::RandomRead)
        && case.size == 1 << 20
}

/// The vectorised build in the default scope: the sequential kernels a vectoriser changes most,
/// in cache (at 256 MiB memory bandwidth, not code generation, sets the pace; the full matrix
/// has it).
fn in_default_simd(case: &ContiguousCase, defined_max: MemoryVariant) -> bool {
    let p = case.pattern;
    let main_variant = case.variant.is_none() || case.variant == Some(defined_max);
    main_variant
        && p.touch == Touch::Warm
        && p.width == Width::I64
        && matches!(p.kernel, Kernel::SeqRead | Kernel::SeqWrite | Kernel::Copy)
        && case.size == 1 << 20
}

fn in_default(case: &ContiguousCase, defined_max: MemoryVariant) -> bool {
    let p = case.pattern;
    let main_variant = case.variant.is_none() || case.variant == Some(defined_max);
    match p.touch {
        Touch::FirstTouch => {
            main_variant && matches!(case.size, s if s == 1 << 20 || s == 32 << 20)
        }
        Touch::Warm => {
            if case.size > 32 << 20 {
                return main_variant && matches!(p.kernel, Kernel::SeqRead | Kernel::SeqWrite);
            }
            // At 32 MiB the access width changes little that 16 KiB and 1 MiB do not show: i64
            // only, to keep the default run within its time.
            if case.size == 32 << 20 && p.width != Width::I64 {
                return false;
            }
            let variant_axis = p.width == Width::I64
                && matches!(
                    p.kernel,
                    Kernel::SeqRead | Kernel::SeqWrite | Kernel::RandomRead
                )
                && case.size == 1 << 20;
            main_variant || variant_axis
        }
    }
}

/// One case of the grow family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowCase {
    /// Pattern and size (as listed; a strategy's cap may shrink what runs, see [`grow::bound`]).
    pub pattern: GrowPattern,
    /// Index into [`runtimes`].
    pub runtime: usize,
    /// The memory declaration: defined, with no / exact / 4 GiB maximum; for the grow-against-size
    /// patterns also imported, unshared or shared, with an exact maximum ([`SHARED_VARIANTS`]).
    pub variant: MemoryVariant,
    /// The Rust grow guest (`scalar`), or a memory-kind twin ([`grow::BUILDS`]).
    pub build: GuestBuild,
}

impl GrowCase {
    /// The case's identity; `ran_bytes` says where it really runs after the strategy's cap.
    pub fn key(&self, runtimes: &[RuntimeSpec]) -> CaseKey {
        let spec = &runtimes[self.runtime];
        let pattern = CasePattern::Grow(self.pattern.kind());
        let size = self.pattern.pages() * crate::module::PAGE;
        let mut key = key(
            Family::Grow,
            pattern,
            size,
            spec,
            Some(self.variant),
            self.build,
        );
        key.ran_bytes = grow::bound(spec, self.pattern).runs.pages() * crate::module::PAGE;
        key
    }

    /// Its criterion id ([`CaseKey::id`]): `grow/<pattern>/<pages>/...`, the size as listed.
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        self.key(runtimes).id()
    }
}

/// Page counts of the grow family: where many-grow cases end, and where grow-at cases start.
pub const GROW_TO: [u64; 3] = [256, 4096, 16384];
/// Starting sizes of the grow-cost-against-size cases, pages.
pub const GROW_AT: [u64; 5] = [1, 16, 256, 4096, 16384];

/// The memory variants `grow1-at` and `host-grow1-at` also run with, beside
/// [`STRATEGY_VARIANTS`]: a memory the host creates and the guest imports, with an exact maximum,
/// unshared and shared (`new WebAssembly.Memory({initial, maximum, shared: true})`). A shared
/// memory cannot move, and V8 does not account it as external memory that may start a garbage
/// collection on growth: the pair isolates what sharing changes in a grow. A runtime that refuses
/// shared memories records its shared cases as *unsupported*, with the engine's error.
pub const SHARED_VARIANTS: [MemoryVariant; 2] = [
    MemoryVariant::new(MemoryDecl::Imported, MaxDecl::Exact),
    MemoryVariant::imported_shared(MaxDecl::Exact),
];

/// The grow cases of `scope`: every runtime-engine × strategy × maximum variant (none, exact,
/// 4 GiB) runs each pattern, and `grow1-at` and `host-grow1-at` also run with an imported memory,
/// unshared and shared ([`SHARED_VARIANTS`]). `Full` runs `grow-1`, `grow-big`, `grow-touch` to
/// 256, 4096 and 16384 pages, `grow1-at`, `host-grow1-at` and `grow16-at` at 1, 16, 256, 4096 and
/// 16384 pages, and the failing grows; `Default` keeps `grow-1` to 256 and 4096, `grow-big` and
/// `grow-touch` to 4096, `grow1-at` at 1, 256 and 4096, `grow16-at` at 4096, and the failing
/// grows, and on each runtime's default strategy only, `host-grow1-at` at 1, 256 and 4096 (with an
/// exact maximum) and the imported (unshared and shared) variants of `grow1-at` and
/// `host-grow1-at` there.
pub fn grow(scope: Scope, runtimes: &[RuntimeSpec]) -> Vec<GrowCase> {
    let mut patterns = Vec::new();
    for to in GROW_TO {
        patterns.extend([
            GrowPattern::Grow1(to),
            GrowPattern::GrowBig(to),
            GrowPattern::GrowTouch(to),
        ]);
    }
    for at in GROW_AT {
        patterns.extend([
            GrowPattern::Grow1At(at),
            GrowPattern::HostGrow1At(at),
            GrowPattern::Grow16At(at),
        ]);
    }
    patterns.extend([
        GrowPattern::GrowFail(grow::FAIL_AT),
        GrowPattern::HostGrowFail(grow::FAIL_AT),
    ]);
    let default = |p: &GrowPattern| match *p {
        GrowPattern::Grow1(to) => to <= 4096,
        GrowPattern::GrowBig(to) | GrowPattern::GrowTouch(to) => to == 4096,
        GrowPattern::Grow1At(at) => matches!(at, 1 | 256 | 4096),
        // What the report sets beside the guest's grows: at 1 and 4096 pages.
        GrowPattern::HostGrow1At(at) => matches!(at, 1 | 4096),
        GrowPattern::Grow16At(at) => at == 4096,
        GrowPattern::GrowFail(_) | GrowPattern::HostGrowFail(_) => true,
    };
    // Under a non-default strategy the default scope keeps what a strategy changes: many grows,
    // one big grow, growth with touching, and a grow's cost against the size it starts at.
    // Failing grows, the 16-page steps and the host's grows run on each runtime's default
    // strategy (and in full).
    let for_strategies = |p: &GrowPattern| {
        matches!(
            p,
            GrowPattern::Grow1(4096)
                | GrowPattern::GrowBig(_)
                | GrowPattern::GrowTouch(_)
                | GrowPattern::Grow1At(_)
        )
    };
    let mut cases = Vec::new();
    for pattern in patterns
        .iter()
        .filter(|p| scope == Scope::Full || default(p))
    {
        for (runtime, spec) in runtimes.iter().enumerate() {
            if scope == Scope::Default && !spec.is_default() && !for_strategies(pattern) {
                continue;
            }
            // Shared against unshared imported memories: in the default scope at 4096 pages on
            // each runtime's default strategy (what the report compares), to keep the default run
            // within its time.
            let imported: &[MemoryVariant] = match pattern {
                GrowPattern::Grow1At(at) | GrowPattern::HostGrow1At(at)
                    if scope == Scope::Full || (spec.is_default() && *at == 4096) =>
                {
                    &SHARED_VARIANTS
                }
                _ => &[],
            };
            // The host's grows in the default scope: with an exact maximum only (what the report
            // sets beside the guest's grows), to keep the default run within its time.
            let defined: &[MemoryVariant] = match pattern {
                GrowPattern::HostGrow1At(_) if scope == Scope::Default => &STRATEGY_VARIANTS[1..2],
                _ => &STRATEGY_VARIANTS,
            };
            for &variant in defined.iter().chain(imported) {
                cases.push(GrowCase {
                    pattern: *pattern,
                    runtime,
                    variant,
                    build: GuestBuild::Scalar,
                });
            }
        }
    }
    // The memory-kind twins (issue 15): the guest's grows of a 32-bit and a 64-bit memory, from
    // the same text, on every wasm runtime-engine, defined by the module (a host grows 32-bit
    // memories here, so the host's patterns are left out).
    for pattern in patterns.iter().filter(|p| !p.host()) {
        for (runtime, spec) in runtimes.iter().enumerate().filter(|(_, s)| !s.native) {
            for variant in STRATEGY_VARIANTS {
                for build in [GuestBuild::Memory32, GuestBuild::Memory64] {
                    let case = GrowCase {
                        pattern: *pattern,
                        runtime,
                        variant,
                        build,
                    };
                    if scope == Scope::Full || in_default_grow_kind(&case, spec) {
                        cases.push(case);
                    }
                }
            }
        }
    }
    cases
}

/// The grow twins in the default scope answer one headline question, what a 64-bit memory's grow
/// costs against a 32-bit one's, small and large: `grow1-at` at 1 and 4096 pages, with an exact
/// maximum, on each runtime's default strategy. Every pattern, strategy and maximum is in the
/// full matrix.
fn in_default_grow_kind(case: &GrowCase, spec: &RuntimeSpec) -> bool {
    spec.is_default()
        && case.variant == MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact)
        && matches!(case.pattern, GrowPattern::Grow1At(1 | 4096))
}

/// The memory size, in pages, at which instantiation is timed.
pub const INSTANTIATE_PAGES: u64 = 16;

/// One case of the instantiate family: instantiating a pre-linked 16-page memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstantiateCase {
    /// Index into [`runtimes`].
    pub runtime: usize,
    /// Defined, with no / exact / 4 GiB maximum.
    pub variant: MemoryVariant,
}

impl InstantiateCase {
    /// The case's identity: `instantiate/pre-linked/16/...`.
    pub fn key(&self, runtimes: &[RuntimeSpec]) -> CaseKey {
        let size = INSTANTIATE_PAGES * crate::module::PAGE;
        let spec = &runtimes[self.runtime];
        let pattern = CasePattern::PreLinked;
        key(
            Family::Instantiate,
            pattern,
            size,
            spec,
            Some(self.variant),
            GuestBuild::Scalar,
        )
    }
}

/// The instantiate cases: one per runtime × strategy × maximum variant, in every scope.
pub fn instantiate(runtimes: &[RuntimeSpec]) -> Vec<InstantiateCase> {
    let mut cases = Vec::new();
    for runtime in 0..runtimes.len() {
        for variant in STRATEGY_VARIANTS {
            cases.push(InstantiateCase { runtime, variant });
        }
    }
    cases
}

/// One case of the fragmentation family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FragCase {
    /// The workload and its scale.
    pub workload: Workload,
    /// The guest allocator.
    pub allocator: Allocator,
    /// Index into [`runtimes`].
    pub runtime: usize,
}

impl FragCase {
    /// The case's identity. The guests keep the memory their linker declared (defined, no
    /// maximum); the pattern is `<workload>-<allocator>`, the size the workload's scale.
    pub fn key(&self, runtimes: &[RuntimeSpec]) -> CaseKey {
        let spec = &runtimes[self.runtime];
        let pattern = CasePattern::Fragmentation(FragPattern {
            workload: self.workload.id.to_string(),
            allocator: self.allocator,
        });
        let variant = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None);
        let size = u64::from(self.workload.scale);
        key(
            Family::Fragmentation,
            pattern,
            size,
            spec,
            Some(variant),
            GuestBuild::Scalar,
        )
    }

    /// Its criterion id ([`CaseKey::id`]).
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        self.key(runtimes).id()
    }
}

/// The fragmentation cases: every workload × allocator on every wasm runtime-engine under its
/// default strategy. The guests' allocators run inside wasm, so there is no native case.
pub fn fragmentation(runtimes: &[RuntimeSpec]) -> Vec<FragCase> {
    let mut cases = Vec::new();
    for workload in fragmentation::WORKLOADS {
        for allocator in Allocator::ALL {
            for (runtime, spec) in runtimes.iter().enumerate() {
                if spec.is_default() && !spec.native {
                    cases.push(FragCase {
                        workload,
                        allocator,
                        runtime,
                    });
                }
            }
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashSet};

    /// The schema's runtime list (ids and chart colours, which the report reads instead of the
    /// matrix) and the matrix name the same runtime-engines in the same order: a runtime added to
    /// one and not the other fails here, not as a chart that silently lacks it.
    #[test]
    fn the_runtime_list_is_the_matrix() {
        let mut matrix: Vec<&str> = Vec::new();
        for spec in bench_runtimes(Scope::Full) {
            if !matrix.contains(&spec.id) {
                matrix.push(spec.id);
            }
        }
        let listed: Vec<&str> = membench_data::runtimes::ids().collect();
        assert_eq!(matrix, listed);
        let default: BTreeSet<&str> = bench_runtimes(Scope::Default)
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(
            default,
            listed.iter().copied().collect(),
            "every runtime runs by default"
        );
    }

    #[test]
    fn ids_are_unique_and_follow_the_documented_shape() {
        let rts = runtimes();
        let cases = contiguous(Scope::Full, &rts);
        let ids: HashSet<String> = cases.iter().map(|c| c.id(&rts)).collect();
        assert_eq!(ids.len(), cases.len());
        assert!(ids.contains("contiguous/seq-read-i64/1MiB/wasmi-interpreter/imported-max"));
        assert!(ids.contains("contiguous/first-touch-seq-write-i64/32MiB/native-rustc/host-buffer"));
        assert!(ids.contains(
            "contiguous/seq-read-i64/256MiB/wasmtime-cranelift+simd128/defined-max@bounds-checked"
        ));
    }

    /// criterion cuts titles past 100 characters (`...`) and numbers clashes (`#2`): every id of
    /// every family, full matrix, must be short enough and unique, so it can be read and filtered.
    #[test]
    fn every_id_fits_criterion_uncut_and_is_unique() {
        let rts = runtimes();
        let mut ids: Vec<String> = contiguous(Scope::Full, &rts)
            .iter()
            .map(|c| c.id(&rts))
            .collect();
        ids.extend(grow(Scope::Full, &rts).iter().map(|c| c.id(&rts)));
        ids.extend(instantiate(&rts).iter().map(|c| c.key(&rts).id()));
        ids.extend(fragmentation(&rts).iter().map(|c| c.id(&rts)));
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        for id in &ids {
            assert!(id.len() <= 100, "{} characters: {id}", id.len());
        }
    }

    #[test]
    fn the_default_strategy_is_decided_once_per_runtime() {
        let rts = runtimes();
        for id in [
            "native-rustc",
            "wasmtime-cranelift",
            "wasmer-cranelift",
            "wasmi-interpreter",
        ] {
            let defaults: Vec<&RuntimeSpec> = rts
                .iter()
                .filter(|s| s.id == id && s.is_default())
                .collect();
            assert_eq!(defaults.len(), 1, "{id}");
        }
        // Slugs name each strategy of a runtime once.
        let slugs: HashSet<(&str, &str)> = rts.iter().map(|s| (s.id, s.slug)).collect();
        assert_eq!(slugs.len(), rts.len());
    }

    #[test]
    fn capped_grow_cases_say_where_they_ran() {
        let rts = runtimes();
        let capped: Vec<CaseKey> = grow(Scope::Default, &rts)
            .iter()
            .map(|c| c.key(&rts))
            .filter(CaseKey::capped)
            .collect();
        assert!(!capped.is_empty());
        for key in &capped {
            assert!(key.ran_bytes < key.size_bytes, "{key:?}");
            let spec = rts
                .iter()
                .find(|s| s.id == key.runtime && s.slug == key.strategy.slug)
                .unwrap();
            let cap = spec.grow_bound_pages.unwrap() * crate::module::PAGE;
            assert!(key.ran_bytes <= cap, "{key:?}");
        }
    }

    #[test]
    fn default_is_a_subset_that_keeps_every_runtime_and_pattern() {
        let rts = runtimes();
        let full = contiguous(Scope::Full, &rts);
        let default = contiguous(Scope::Default, &rts);
        assert!(default.len() < full.len());
        assert!(default.iter().all(|c| full.contains(c)));
        for (r, spec) in rts.iter().enumerate() {
            assert!(
                default.iter().any(|c| c.runtime == r),
                "{} {}",
                spec.id,
                spec.strategy
            );
            if spec.is_default() {
                for k in Kernel::ALL {
                    assert!(default
                        .iter()
                        .any(|c| c.runtime == r && c.pattern.kernel == k));
                }
            }
        }
        // All four memory variants appear for every wasm runtime-engine.
        let engines = rts.iter().filter(|s| s.is_default() && !s.native).count();
        for v in MemoryVariant::ALL {
            let n = default.iter().filter(|c| c.variant == Some(v)).count();
            assert!(n >= engines, "{v:?}: {n}");
        }
        // 256 MiB (DRAM-sized) only for the sequential loads and stores.
        for c in default.iter().filter(|c| c.size == 256 << 20) {
            assert!(
                matches!(
                    c.pattern.kernel,
                    Kernel::SeqRead | Kernel::SeqWrite | Kernel::Copy
                ),
                "{}",
                c.id(&rts)
            );
        }
        assert!(default.iter().any(|c| c.size == 256 << 20
            && c.pattern.kernel == Kernel::SeqRead
            && c.build == GuestBuild::Scalar));
        // What the default leaves to the full matrix to stay within its time: i32 at 32 MiB,
        // `+simd128` beyond 1 MiB, stores under non-default strategies.
        for c in &default {
            let id = c.id(&rts);
            assert!(
                !(c.size == 32 << 20 && c.pattern.width == Width::I32),
                "{id}"
            );
            assert!(
                !(c.build == GuestBuild::Simd128 && c.size != 1 << 20),
                "{id}"
            );
            assert!(
                rts[c.runtime].is_default() || c.pattern.kernel != Kernel::SeqWrite,
                "{id}"
            );
        }
        for excluded in [
            |c: &ContiguousCase| c.size == 32 << 20 && c.pattern.width == Width::I32,
            |c: &ContiguousCase| c.build == GuestBuild::Simd128 && c.size == 256 << 20,
        ] {
            assert!(
                full.iter().any(excluded),
                "the full matrix keeps what the default leaves"
            );
        }
        // Both builds for every default runtime, native included.
        for (r, spec) in rts.iter().enumerate().filter(|(_, s)| s.is_default()) {
            for build in GuestBuild::ALL {
                assert!(
                    default.iter().any(|c| c.runtime == r && c.build == build),
                    "{} {build}",
                    spec.id
                );
            }
        }
        // The memory-kind twins: every default wasm runtime has all four, case for case (the same
        // pattern, size and variant), defined memories only; native has none.
        for (r, spec) in rts.iter().enumerate().filter(|(_, s)| s.is_default()) {
            let of = |build| -> Vec<(Pattern, u64, Option<MemoryVariant>)> {
                default
                    .iter()
                    .filter(|c| c.runtime == r && c.build == build)
                    .map(|c| (c.pattern, c.size, c.variant))
                    .collect()
            };
            let m32 = of(GuestBuild::Memory32);
            for kind in GuestBuild::MEMORY_KINDS {
                assert_eq!(m32, of(kind), "{} {kind}", spec.id);
            }
            let m64 = of(GuestBuild::Memory64);
            assert_eq!(m64.is_empty(), spec.native, "{}", spec.id);
            assert!(m64
                .iter()
                .all(|(_, _, v)| v.is_some_and(|v| v.decl == MemoryDecl::Defined)));
        }
    }

    #[test]
    fn grow_cases_cover_every_strategy_and_maximum_and_include_the_must_show_slice() {
        let rts = runtimes();
        let cases = grow(Scope::Default, &rts);
        let ids: HashSet<String> = cases.iter().map(|c| c.id(&rts)).collect();
        assert_eq!(ids.len(), cases.len());
        for (r, spec) in rts.iter().enumerate() {
            for v in STRATEGY_VARIANTS {
                assert!(
                    cases.iter().any(|c| c.runtime == r
                        && c.variant == v
                        && c.pattern == GrowPattern::Grow1(4096)),
                    "{} {} {v:?}",
                    spec.id,
                    spec.strategy
                );
            }
        }
        assert!(ids.contains("grow/grow-1/4096/wasmtime-cranelift/defined-nomax"));
        assert!(grow(Scope::Full, &rts).len() > cases.len());
        // `host-grow1-at` runs at 1 and 4096 pages on every default strategy only, and the
        // imported (unshared, shared) variants only with grow1-at and host-grow1-at at 4096
        // pages there: what the report compares.
        for (r, spec) in rts.iter().enumerate() {
            let host: BTreeSet<u64> = cases
                .iter()
                .filter(|c| c.runtime == r)
                .filter_map(|c| match c.pattern {
                    GrowPattern::HostGrow1At(at) => Some(at),
                    _ => None,
                })
                .collect();
            let expected: BTreeSet<u64> = if spec.is_default() {
                [1, 4096].into()
            } else {
                BTreeSet::new()
            };
            assert_eq!(host, expected, "{} {}", spec.id, spec.strategy);
            // Of the defined maxima, the host's grows keep the exact one in the default scope.
            let host_variants: BTreeSet<String> = cases
                .iter()
                .filter(|c| c.runtime == r && matches!(c.pattern, GrowPattern::HostGrow1At(_)))
                .map(|c| c.variant.id())
                .collect();
            if spec.is_default() {
                assert_eq!(
                    host_variants,
                    ["defined-max", "imported-max", "imported-shared-max"]
                        .map(String::from)
                        .into(),
                    "{}",
                    spec.id
                );
            }
            for variant in SHARED_VARIANTS {
                let with: BTreeSet<String> = cases
                    .iter()
                    .filter(|c| c.runtime == r && c.variant == variant)
                    .map(|c| c.pattern.to_string())
                    .collect();
                let expected: BTreeSet<String> = if spec.is_default() {
                    [GrowPattern::Grow1At(4096), GrowPattern::HostGrow1At(4096)]
                        .map(|p| p.to_string())
                        .into()
                } else {
                    BTreeSet::new()
                };
                assert_eq!(with, expected, "{} {} {variant:?}", spec.id, spec.strategy);
            }
        }
        assert!(ids.contains("grow/host-grow1-at/4096/wasmtime-cranelift/defined-max"));
        assert!(ids.contains("grow/grow1-at/4096/wasmer-cranelift/imported-shared-max"));
        // The full matrix has host grows and shared memories under every strategy and size.
        let full = grow(Scope::Full, &rts);
        for (r, spec) in rts.iter().enumerate() {
            for at in GROW_AT {
                for variant in STRATEGY_VARIANTS.iter().chain(&SHARED_VARIANTS) {
                    assert!(
                        full.iter().any(|c| c.runtime == r
                            && c.variant == *variant
                            && c.pattern == GrowPattern::HostGrow1At(at)),
                        "{} {} {at} {variant:?}",
                        spec.id,
                        spec.strategy
                    );
                }
            }
        }
        // Failing grows run on every runtime's default strategy, not under the others.
        for (r, spec) in rts.iter().enumerate() {
            let fails = cases
                .iter()
                .any(|c| c.runtime == r && matches!(c.pattern, GrowPattern::GrowFail(_)));
            assert_eq!(fails, spec.is_default(), "{} {}", spec.id, spec.strategy);
            // The cost of one grow against the size it starts at, under every strategy.
            assert!(cases
                .iter()
                .any(|c| c.runtime == r && c.pattern == GrowPattern::Grow1At(4096)));
        }
    }
}
