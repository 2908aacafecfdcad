//! The one place that says what runs: runtimes × strategies × patterns × sizes × memory variants.
//!
//! Benches, tests and the CLI all enumerate cases from here, so a runtime or pattern added here
//! appears everywhere at once. The full product is large; [`Scope::Default`] is the subset a default
//! `cargo bench` runs on a 2-core machine in about ten minutes, and [`Scope::Full`]
//! (`MEMBENCH_FULL=1`) is everything.

use serde::{Deserialize, Serialize};

use crate::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use crate::fragmentation::{self, Allocator, Workload};
use crate::grow::{self, GrowPattern};
use crate::module::MemoryDecl;
use crate::runtime::RuntimeSpec;
use crate::runtimes::{native, wasmer, wasmi, wasmtime};

/// Every runtime-engine × strategy in the matrix, native baseline first.
pub fn runtimes() -> Vec<RuntimeSpec> {
    let mut all = native::specs();
    all.extend(wasmtime::specs());
    all.extend(wasmer::specs());
    all.extend(wasmi::specs());
    all
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
            native: false,
            interpreter,
            grow_bound_pages: None,
            memory_limit_pages: None,
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

/// Working-set sizes of the contiguous family, in bytes.
pub const SIZES: [u64; 4] = [16 << 10, 1 << 20, 32 << 20, 256 << 20];

/// `16KiB`, `1MiB`, ...: sizes as they appear in ids.
pub fn size_id(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{}GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{}MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{}KiB", b >> 10),
        b => format!("{b}B"),
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
}

impl ContiguousCase {
    /// `contiguous/<pattern>-<width>/<size>/<runtime>-<engine>/<memory-variant>`, where the
    /// variant carries `@<strategy>` when the strategy is not the runtime's default.
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        let spec = &runtimes[self.runtime];
        format!(
            "contiguous/{}/{}/{}/{}",
            self.pattern,
            size_id(self.size),
            spec.id,
            variant_id(spec, self.variant)
        )
    }
}

/// A memory variant as it appears in ids: `defined-max`, ..., `host-buffer` for native, followed by
/// `@<strategy>` for a strategy other than the runtime's default.
pub fn variant_id(spec: &RuntimeSpec, variant: Option<MemoryVariant>) -> String {
    let base = match variant {
        Some(v) => v.id(),
        None => "host-buffer".to_string(),
    };
    if spec.is_default() {
        base
    } else {
        format!("{base}@{}", spec.strategy)
    }
}

/// The contiguous cases of `scope`, over `runtimes`.
///
/// `Full` is every pattern (7 kernels × 2 widths, warm) × every size × every runtime × every memory
/// variant, plus first-touch writes and reads at every size. `Default` keeps every warm pattern on
/// every runtime at 16 KiB, 1 MiB and 32 MiB with a declared maximum (`defined-max`); all four
/// memory variants for `seq-read-i64`, `seq-write-i64` and `random-read-i64` at 1 MiB; and
/// first-touch `seq-write-i64` / `seq-read-i64` at 1 MiB and 32 MiB. 256 MiB is `Full` only.
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
                let variants: Vec<Option<MemoryVariant>> = if spec.native {
                    vec![None]
                } else if spec.is_default() {
                    MemoryVariant::ALL.into_iter().map(Some).collect()
                } else {
                    STRATEGY_VARIANTS.into_iter().map(Some).collect()
                };
                for variant in variants {
                    let case = ContiguousCase {
                        pattern: *pattern,
                        size,
                        runtime,
                        variant,
                    };
                    let keep = match scope {
                        Scope::Full => true,
                        Scope::Default if spec.is_default() => in_default(&case, defined_max),
                        Scope::Default => in_default_strategy(&case),
                    };
                    if keep {
                        cases.push(case);
                    }
                }
            }
        }
    }
    cases
}

/// The maximum variants every non-default strategy runs with: none, exact, much larger.
pub const STRATEGY_VARIANTS: [MemoryVariant; 3] = [
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None),
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact),
    MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Large),
];

/// Under a non-default strategy, the default scope keeps the loads and stores bounds checks affect
/// most: warm `seq-read-i64`, `seq-write-i64` and `random-read-i64` at 1 MiB, every maximum variant.
fn in_default_strategy(case: &ContiguousCase) -> bool {
    let p = case.pattern;
    p.touch == Touch::Warm
        && p.width == Width::I64
        && matches!(
            p.kernel,
            Kernel::SeqRead | Kernel::SeqWrite | Kernel::RandomRead
        )
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
    /// The memory declaration: defined, with no / exact / 4 GiB maximum.
    pub variant: MemoryVariant,
}

impl GrowCase {
    /// `grow/<pattern>/<pages>/<runtime>-<engine>/<variant>[@<strategy>]`.
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        let spec = &runtimes[self.runtime];
        format!(
            "grow/{}/{}/{}",
            self.pattern,
            spec.id,
            variant_id(spec, Some(self.variant))
        )
    }
}

/// Page counts of the grow family: where many-grow cases end, and where grow-at cases start.
pub const GROW_TO: [u64; 3] = [256, 4096, 16384];
/// Starting sizes of the grow-cost-against-size cases, pages.
pub const GROW_AT: [u64; 5] = [1, 16, 256, 4096, 16384];

/// The grow cases of `scope`: every runtime-engine × strategy × maximum variant (none, exact,
/// 4 GiB) runs each pattern. `Full` runs `grow-1`, `grow-big`, `grow-touch` to 256, 4096 and 16384
/// pages, `grow1-at` and `grow16-at` at 1, 16, 256, 4096 and 16384 pages, and the failing grows;
/// `Default` keeps `grow-1` to 256 and 4096, `grow-big` and `grow-touch` to 4096, `grow1-at` at 1,
/// 256 and 4096, `grow16-at` at 4096, and the failing grows.
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
        patterns.extend([GrowPattern::Grow1At(at), GrowPattern::Grow16At(at)]);
    }
    patterns.extend([
        GrowPattern::GrowFail(grow::FAIL_AT),
        GrowPattern::HostGrowFail(grow::FAIL_AT),
    ]);
    let default = |p: &GrowPattern| match *p {
        GrowPattern::Grow1(to) => to <= 4096,
        GrowPattern::GrowBig(to) | GrowPattern::GrowTouch(to) => to == 4096,
        GrowPattern::Grow1At(at) => matches!(at, 1 | 256 | 4096),
        GrowPattern::Grow16At(at) => at == 4096,
        GrowPattern::GrowFail(_) | GrowPattern::HostGrowFail(_) => true,
    };
    let mut cases = Vec::new();
    for pattern in patterns
        .iter()
        .filter(|p| scope == Scope::Full || default(p))
    {
        for runtime in 0..runtimes.len() {
            for variant in STRATEGY_VARIANTS {
                cases.push(GrowCase {
                    pattern: *pattern,
                    runtime,
                    variant,
                });
            }
        }
    }
    cases
}

/// The memory size, in pages, at which instantiation is timed.
pub const INSTANTIATE_PAGES: u64 = 16;

/// `instantiate/16/<runtime>-<engine>/<variant>[@<strategy>]`: one per runtime × strategy ×
/// maximum variant, in every scope.
pub fn instantiate(runtimes: &[RuntimeSpec]) -> Vec<(usize, MemoryVariant, String)> {
    let mut cases = Vec::new();
    for (runtime, spec) in runtimes.iter().enumerate() {
        for variant in STRATEGY_VARIANTS {
            let id = format!(
                "instantiate/{INSTANTIATE_PAGES}/{}/{}",
                spec.id,
                variant_id(spec, Some(variant))
            );
            cases.push((runtime, variant, id));
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
    /// `fragmentation/<workload>/<allocator>/<runtime>-<engine>/defined-nomax`: the guests keep the
    /// memory their linker declared (defined, no maximum).
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        let spec = &runtimes[self.runtime];
        format!(
            "fragmentation/{}/{}/{}/{}",
            self.workload.id,
            self.allocator.id(),
            spec.id,
            variant_id(
                spec,
                Some(MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None))
            )
        )
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
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_follow_the_documented_shape() {
        let rts = runtimes();
        let cases = contiguous(Scope::Full, &rts);
        let ids: HashSet<String> = cases.iter().map(|c| c.id(&rts)).collect();
        assert_eq!(ids.len(), cases.len());
        assert!(ids.contains("contiguous/seq-read-i64/1MiB/wasmi-interpreter/imported-max"));
        assert!(ids.contains("contiguous/first-touch-seq-write-i64/32MiB/native-rustc/host-buffer"));
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
        assert!(default.iter().all(|c| c.size <= 32 << 20));
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
    }

    #[test]
    fn size_ids() {
        assert_eq!(size_id(16 << 10), "16KiB");
        assert_eq!(size_id(256 << 20), "256MiB");
        assert_eq!(size_id(1 << 30), "1GiB");
    }
}
