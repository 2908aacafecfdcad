//! The identity of a measured case, typed end to end.
//!
//! A [`CaseKey`] says everything that distinguishes one case from another: family, pattern, size,
//! runtime-engine, strategy, memory variant, guest build, and where the case really ran (a
//! strategy's cap may shrink a grow case). Criterion ids are *formatted* from it
//! ([`CaseKey::id`]) and stored beside it in every record, and the report groups rows by its
//! fields; nothing parses an id back.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which family of the benchmark a case belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Loads and stores over a working set.
    Contiguous,
    /// `memory.grow` patterns.
    Grow,
    /// Instantiating a pre-linked module.
    Instantiate,
    /// Allocator churn inside the guest.
    Fragmentation,
}

impl Family {
    /// The family's id: the first segment of every bench id.
    pub fn id(self) -> &'static str {
        match self {
            Family::Contiguous => "contiguous",
            Family::Grow => "grow",
            Family::Instantiate => "instantiate",
            Family::Fragmentation => "fragmentation",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How the guest's code was compiled: the vectorisation policy, the same for a wasm guest and for
/// the native baseline it is compared with, so "× native" compares like with like.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum GuestBuild {
    /// No vector instructions: the wasm guest without `simd128`; natively, a copy of the kernels
    /// compiled with LLVM's loop and SLP vectorisers off (`-C no-vectorize-loops
    /// -C no-vectorize-slp`).
    #[default]
    Scalar,
    /// Vectorised: the wasm guest built with `-C target-feature=+simd128` (LLVM auto-vectorises to
    /// wasm SIMD); natively, the host build with the vectorisers on (SSE2 on x86-64).
    Simd128,
    /// The kernels written in WebAssembly text over a 32-bit memory: the twin of
    /// [`GuestBuild::Memory64`], generated from the same text (`guest-modules/wat/contiguous.wat`).
    /// No native build: it is compared with its 64-bit twin, not with native.
    Memory32,
    /// The same text over a 64-bit memory (the memory64 proposal): `i64` addresses, so no guard
    /// region can replace a bounds check.
    Memory64,
    /// The same text over a 32-bit memory of 1-byte pages (the custom-page-sizes proposal): the
    /// same bytes, but a memory that may end at any byte, so engines check bounds explicitly.
    #[serde(rename = "bytepage")]
    PageSize1,
    /// The same text with every load and store on a module's second memory (the multi-memory
    /// proposal): the module defines a 1-page memory 0 it never touches, and the working set lies
    /// in memory 1, which some engines reach through the instance rather than a register.
    #[serde(rename = "multimem")]
    SecondMemory,
}

impl GuestBuild {
    /// The builds of the Rust guest, each with its native counterpart.
    pub const ALL: [GuestBuild; 2] = [GuestBuild::Scalar, GuestBuild::Simd128];
    /// The memory-kind twins: the same WebAssembly text over a 32-bit memory (the baseline of
    /// the others), a 64-bit one, one of 1-byte pages, and a module's second memory.
    pub const MEMORY_KINDS: [GuestBuild; 4] = [
        GuestBuild::Memory32,
        GuestBuild::Memory64,
        GuestBuild::PageSize1,
        GuestBuild::SecondMemory,
    ];

    /// `scalar`, `simd128`, `memory32`, `memory64`, `bytepage` or `multimem` (short: ids stay
    /// within criterion's 100 characters).
    pub fn id(self) -> &'static str {
        match self {
            GuestBuild::Scalar => "scalar",
            GuestBuild::Simd128 => "simd128",
            GuestBuild::Memory32 => "memory32",
            GuestBuild::Memory64 => "memory64",
            GuestBuild::PageSize1 => "bytepage",
            GuestBuild::SecondMemory => "multimem",
        }
    }

    /// The build a runtime that refuses this one is checked against, so its refusal reads as
    /// *unsupported* (the engine lacks the proposal) and not as a failure: the scalar guest for
    /// `simd128`, the 32-bit twin for the other memory kinds.
    pub fn baseline(self) -> Option<GuestBuild> {
        match self {
            GuestBuild::Simd128 => Some(GuestBuild::Scalar),
            GuestBuild::Memory64 | GuestBuild::PageSize1 | GuestBuild::SecondMemory => {
                Some(GuestBuild::Memory32)
            }
            GuestBuild::Scalar | GuestBuild::Memory32 => None,
        }
    }

    /// The proposal the build needs beyond the one it is checked against, for the refusal's
    /// wording.
    pub fn proposal(self) -> &'static str {
        match self {
            GuestBuild::Simd128 => "simd128",
            GuestBuild::Memory64 => "memory64",
            GuestBuild::PageSize1 => "custom-page-sizes",
            GuestBuild::SecondMemory => "multi-memory",
            GuestBuild::Scalar | GuestBuild::Memory32 => "wasm 2.0",
        }
    }
}

impl fmt::Display for GuestBuild {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A host memory strategy as ids show it and as records keep it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StrategyKey {
    /// A short name for bench ids and chart labels (`default`, `bounds-checked`, `growth-64MiB`,
    /// `pooling`, ...).
    pub slug: String,
    /// The knobs exactly as the runtime's API spells them
    /// (`memory_reservation=0,memory_guard_size=0`), for records and the report.
    pub knobs: String,
    /// Whether this is the strategy the runtime runs with when not configured. Decided once, by
    /// the adapter that lists the strategy.
    pub default: bool,
}

/// The identity of one case. See the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseKey {
    /// The family.
    pub family: Family,
    /// The pattern's id: `seq-read-i64`, `first-touch-seq-write-i64`, `grow1-at`, `instantiate`,
    /// `churn/dlmalloc`, ...
    pub pattern: String,
    /// The size the matrix lists, in bytes (a working set, or a memory size in pages × 65536); for
    /// the fragmentation family, the workload's scale factor.
    pub size_bytes: u64,
    /// `<runtime>-<engine>`, e.g. `wasmtime-cranelift`.
    pub runtime: String,
    /// The host memory strategy.
    pub strategy: StrategyKey,
    /// The memory variant: `defined-max`, ..., or `host-buffer` for the native baseline.
    pub variant: String,
    /// The guest build.
    pub build: GuestBuild,
    /// The size the case really ran at, in bytes: `size_bytes` unless a strategy's cap shrank it.
    pub ran_bytes: u64,
}

impl CaseKey {
    /// The criterion id:
    /// `<family>/<pattern>/<size>/<runtime-engine>[+simd128]/<variant>[@<strategy slug>]`.
    ///
    /// The strategy appears only when it is not the runtime's default, the build only when it is
    /// not scalar, so the common cases keep short ids (criterion cuts titles at 100 characters).
    pub fn id(&self) -> String {
        let build = match self.build {
            GuestBuild::Scalar => String::new(),
            other => format!("+{other}"),
        };
        let strategy = if self.strategy.default {
            String::new()
        } else {
            format!("@{}", self.strategy.slug)
        };
        format!(
            "{}/{}/{}/{}{build}/{}{strategy}",
            self.family,
            self.pattern,
            self.size_label(),
            self.runtime,
            self.variant
        )
    }

    /// The size segment of the id: a working set (`1MiB`), a memory size in pages for the grow
    /// and instantiate families (`4096`, as `memory.grow` counts), or `x4` (a fragmentation
    /// workload's scale).
    pub fn size_label(&self) -> String {
        match self.family {
            Family::Contiguous => size_id(self.size_bytes),
            Family::Grow | Family::Instantiate => (self.size_bytes / 65536).to_string(),
            Family::Fragmentation => format!("x{}", self.size_bytes),
        }
    }

    /// Whether a strategy's cap made the case run smaller than listed.
    pub fn capped(&self) -> bool {
        self.ran_bytes != self.size_bytes
    }

    /// `<runtime>-<engine>` with `@<slug>` when the strategy is not the default: the label a chart
    /// legend and a table row use.
    pub fn runtime_label(&self) -> String {
        if self.strategy.default {
            self.runtime.clone()
        } else {
            format!("{}@{}", self.runtime, self.strategy.slug)
        }
    }
}

/// `16KiB`, `1MiB`, ...: sizes as they appear in ids.
pub fn size_id(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{}GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{}MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{}KiB", b >> 10),
        b => format!("{b}B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(default: bool, build: GuestBuild) -> CaseKey {
        CaseKey {
            family: Family::Contiguous,
            pattern: "seq-read-i64".into(),
            size_bytes: 1 << 20,
            runtime: "wasmtime-cranelift".into(),
            strategy: StrategyKey {
                slug: if default { "default" } else { "bounds-checked" }.into(),
                knobs: "memory_reservation=0,memory_guard_size=0".into(),
                default,
            },
            variant: "defined-max".into(),
            build,
            ran_bytes: 1 << 20,
        }
    }

    #[test]
    fn ids_carry_the_strategy_slug_and_build_only_when_they_are_not_the_default() {
        assert_eq!(
            key(true, GuestBuild::Scalar).id(),
            "contiguous/seq-read-i64/1MiB/wasmtime-cranelift/defined-max"
        );
        assert_eq!(
            key(false, GuestBuild::Simd128).id(),
            "contiguous/seq-read-i64/1MiB/wasmtime-cranelift+simd128/defined-max@bounds-checked"
        );
    }

    #[test]
    fn size_ids() {
        assert_eq!(size_id(16 << 10), "16KiB");
        assert_eq!(size_id(256 << 20), "256MiB");
        assert_eq!(size_id(1 << 30), "1GiB");
        assert_eq!(size_id(56 << 16), "3584KiB");
    }
}
