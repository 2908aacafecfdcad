//! The one place that says what runs: runtimes × strategies × patterns × sizes × memory variants.
//!
//! Benches, tests and the CLI all enumerate cases from here, so a runtime or pattern added here
//! appears everywhere at once. The full product is large; [`Scope::Default`] is the subset a default
//! `cargo bench` runs on a 2-core machine in about ten minutes, and [`Scope::Full`]
//! (`MEMBENCH_FULL=1`) is everything.

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::contiguous::{Kernel, MemoryVariant, Pattern, Touch, Width};
use crate::module::MemoryDecl;
use crate::runtime::Runtime;
use crate::runtimes::{
    native::Native,
    wasmer::{Wasmer, WasmerCompiler},
    wasmi::Wasmi,
    wasmtime::{Wasmtime, WasmtimeEngine},
};

/// A runtime-engine under a strategy, before it is built (building an engine can fail, and a
/// failure must be reported for that runtime while the others run).
pub struct RuntimeSpec {
    /// `<runtime>-<engine>`, as [`Runtime::id`] returns it.
    pub id: &'static str,
    /// The host memory strategy, as [`Runtime::strategy`] returns it.
    pub strategy: &'static str,
    /// Whether this is the native baseline rather than a wasm runtime.
    pub native: bool,
    /// Whether the engine interprets (wasmi, Pulley): such runtimes get sampling settings that keep
    /// their slow cases within time instead of being dropped.
    pub interpreter: bool,
    build: fn() -> Result<Box<dyn Runtime>>,
}

impl RuntimeSpec {
    /// Builds the engine.
    pub fn build(&self) -> Result<Box<dyn Runtime>> {
        (self.build)()
    }
}

/// Every runtime-engine × strategy in the matrix.
pub fn runtimes() -> Vec<RuntimeSpec> {
    fn wasmtime(engine: WasmtimeEngine) -> Result<Box<dyn Runtime>> {
        Ok(Box::new(Wasmtime::new(engine, "default", |_| {})?))
    }
    vec![
        RuntimeSpec {
            id: "native-rustc",
            strategy: "mmap",
            native: true,
            interpreter: false,
            build: || Ok(Box::new(Native)),
        },
        RuntimeSpec {
            id: "wasmtime-cranelift",
            strategy: "default",
            native: false,
            interpreter: false,
            build: || wasmtime(WasmtimeEngine::Cranelift),
        },
        RuntimeSpec {
            id: "wasmtime-winch",
            strategy: "default",
            native: false,
            interpreter: false,
            build: || wasmtime(WasmtimeEngine::Winch),
        },
        RuntimeSpec {
            id: "wasmtime-pulley",
            strategy: "default",
            native: false,
            interpreter: true,
            build: || wasmtime(WasmtimeEngine::Pulley),
        },
        RuntimeSpec {
            id: "wasmer-cranelift",
            strategy: "default",
            native: false,
            interpreter: false,
            build: || Ok(Box::new(Wasmer::new(WasmerCompiler::Cranelift, "default", None))),
        },
        RuntimeSpec {
            id: "wasmer-singlepass",
            strategy: "default",
            native: false,
            interpreter: false,
            build: || Ok(Box::new(Wasmer::new(WasmerCompiler::Singlepass, "default", None))),
        },
        RuntimeSpec {
            id: "wasmi-interpreter",
            strategy: "default",
            native: false,
            interpreter: true,
            build: || Ok(Box::new(Wasmi::new("default", &wasmi::Config::default()))),
        },
    ]
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
    /// `contiguous/<pattern>-<width>/<size>/<runtime>-<engine>/<memory-variant>`; the native
    /// baseline's variant is `host-buffer`.
    pub fn id(&self, runtimes: &[RuntimeSpec]) -> String {
        format!(
            "contiguous/{}/{}/{}/{}",
            self.pattern,
            size_id(self.size),
            runtimes[self.runtime].id,
            variant_id(self.variant)
        )
    }
}

/// A memory variant as it appears in ids: `defined-max`, ..., or `host-buffer` for native.
pub fn variant_id(variant: Option<MemoryVariant>) -> String {
    match variant {
        Some(v) => v.plan(0, 0).variant(),
        None => "host-buffer".to_string(),
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
    let defined_max = MemoryVariant::new(MemoryDecl::Defined, true);
    let mut cases = Vec::new();
    for pattern in warm.iter().chain(&first_touch) {
        for size in SIZES {
            for (runtime, spec) in runtimes.iter().enumerate() {
                let variants: Vec<Option<MemoryVariant>> = if spec.native {
                    vec![None]
                } else {
                    MemoryVariant::ALL.into_iter().map(Some).collect()
                };
                for variant in variants {
                    let case = ContiguousCase {
                        pattern: *pattern,
                        size,
                        runtime,
                        variant,
                    };
                    if scope == Scope::Full || in_default(&case, defined_max) {
                        cases.push(case);
                    }
                }
            }
        }
    }
    cases
}

fn in_default(case: &ContiguousCase, defined_max: MemoryVariant) -> bool {
    let p = case.pattern;
    let main_variant = case.variant.is_none() || case.variant == Some(defined_max);
    match p.touch {
        Touch::FirstTouch => main_variant && matches!(case.size, s if s == 1 << 20 || s == 32 << 20),
        Touch::Warm => {
            if case.size > 32 << 20 {
                return false;
            }
            let variant_axis = p.width == Width::I64
                && matches!(p.kernel, Kernel::SeqRead | Kernel::SeqWrite | Kernel::RandomRead)
                && case.size == 1 << 20;
            main_variant || variant_axis
        }
    }
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
        for r in 0..rts.len() {
            for k in Kernel::ALL {
                assert!(default.iter().any(|c| c.runtime == r && c.pattern.kernel == k));
            }
        }
        // All four memory variants appear for every wasm runtime.
        for v in MemoryVariant::ALL {
            let n = default.iter().filter(|c| c.variant == Some(v)).count();
            assert!(n >= rts.len() - 1, "{v:?}: {n}");
        }
        assert!(default.iter().all(|c| c.size <= 32 << 20));
    }

    #[test]
    fn size_ids() {
        assert_eq!(size_id(16 << 10), "16KiB");
        assert_eq!(size_id(256 << 20), "256MiB");
        assert_eq!(size_id(1 << 30), "1GiB");
    }
}
