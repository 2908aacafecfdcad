//! The identity of a measured case, typed end to end.
//!
//! A [`CaseKey`] says everything that distinguishes one case from another: family, pattern, size,
//! runtime-engine, strategy, memory variant, guest build, and where the case really ran (a
//! strategy's cap may shrink a grow case). Criterion ids are *formatted* from it
//! ([`CaseKey::id`]) and stored beside it in every record, and the report groups rows by its
//! fields; nothing parses an id back.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::allocator::Allocator;
use crate::contiguous::{MemoryVariant, Pattern};
use crate::grow::GrowKind;

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
    /// Every family, in report order.
    pub const ALL: [Family; 4] = [
        Family::Contiguous,
        Family::Grow,
        Family::Instantiate,
        Family::Fragmentation,
    ];

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

impl std::str::FromStr for Family {
    type Err = String;
    fn from_str(id: &str) -> Result<Self, String> {
        Family::ALL
            .into_iter()
            .find(|f| f.id() == id)
            .ok_or_else(|| {
                format!("`{id}` is no family (contiguous, grow, instantiate, fragmentation)")
            })
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
    /// What runs: `seq-read-i64`, `first-touch-seq-write-i64`, `grow1-at`, `pre-linked`,
    /// `churn-dlmalloc`, ... (stored as that string).
    pub pattern: CasePattern,
    /// The size the matrix lists, in bytes (a working set, or a memory size in pages × 65536); for
    /// the fragmentation family, the workload's scale factor.
    pub size_bytes: u64,
    /// `<runtime>-<engine>`, e.g. `wasmtime-cranelift`.
    pub runtime: String,
    /// The host memory strategy.
    pub strategy: StrategyKey,
    /// The memory variant: `defined-max`, ..., or `host-buffer` for the native baseline (stored
    /// as that string).
    pub variant: CaseVariant,
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
        format!("{}/{}", self.family, self.name())
    }

    /// The id without its family: the benchmark's name inside its family's criterion group.
    pub fn name(&self) -> String {
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
            "{}/{}/{}{build}/{}{strategy}",
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

/// What a case runs, typed by family. Records store it as the id segment it formats to
/// (`seq-read-i64`, `grow1-at`, `pre-linked`, `churn-dlmalloc`), and reading one back parses that
/// segment: a name this version does not know is an error naming it, never a case no chart finds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum CasePattern {
    /// A contiguous-access pattern.
    Contiguous(Pattern),
    /// A grow pattern; its size is the key's.
    Grow(GrowKind),
    /// Instantiating a module linked before the clock starts.
    PreLinked,
    /// A fragmentation workload through one allocator.
    Fragmentation(FragPattern),
}

/// A fragmentation workload through one guest allocator: `churn-dlmalloc`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FragPattern {
    /// The workload's id (`churn`, `peak-release`, ...).
    pub workload: String,
    /// The allocator the guest was built with.
    pub allocator: Allocator,
}

impl CasePattern {
    /// The contiguous pattern, for a contiguous case.
    pub fn contiguous(&self) -> Option<Pattern> {
        match self {
            CasePattern::Contiguous(p) => Some(*p),
            _ => None,
        }
    }

    /// The grow pattern's kind, for a grow case.
    pub fn grow(&self) -> Option<GrowKind> {
        match self {
            CasePattern::Grow(g) => Some(*g),
            _ => None,
        }
    }

    /// The workload and allocator, for a fragmentation case.
    pub fn fragmentation(&self) -> Option<&FragPattern> {
        match self {
            CasePattern::Fragmentation(f) => Some(f),
            _ => None,
        }
    }

    /// Parses an id segment ([`CasePattern`]'s `Display`).
    pub fn parse(name: &str) -> Result<CasePattern, String> {
        if let Some(p) = Pattern::from_name(name) {
            return Ok(CasePattern::Contiguous(p));
        }
        if let Some(g) = GrowKind::from_name(name) {
            return Ok(CasePattern::Grow(g));
        }
        if name == "pre-linked" {
            return Ok(CasePattern::PreLinked);
        }
        // The longest allocator id first: `bump-bytes` ends in `bytes`, not in `bump`.
        let mut allocators = Allocator::ALL;
        allocators.sort_by_key(|a| std::cmp::Reverse(a.id().len()));
        for allocator in allocators {
            if let Some(workload) = name
                .strip_suffix(allocator.id())
                .and_then(|w| w.strip_suffix('-'))
            {
                if !workload.is_empty() {
                    return Ok(CasePattern::Fragmentation(FragPattern {
                        workload: workload.to_string(),
                        allocator,
                    }));
                }
            }
        }
        Err(format!(
            "`{name}` is no pattern this version knows (a contiguous pattern such as \
             `seq-read-i64`, a grow pattern such as `grow1-at`, `pre-linked`, or \
             `<workload>-<allocator>`)"
        ))
    }
}

impl fmt::Display for CasePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CasePattern::Contiguous(p) => p.fmt(f),
            CasePattern::Grow(g) => g.fmt(f),
            CasePattern::PreLinked => f.write_str("pre-linked"),
            CasePattern::Fragmentation(p) => write!(f, "{}-{}", p.workload, p.allocator.id()),
        }
    }
}

/// Ordered as the strings records store, so tables sorted by pattern keep their order.
impl Ord for CasePattern {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for CasePattern {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<CasePattern> for String {
    fn from(p: CasePattern) -> String {
        p.to_string()
    }
}

impl std::str::FromStr for CasePattern {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        CasePattern::parse(name)
    }
}

impl TryFrom<String> for CasePattern {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        CasePattern::parse(&name)
    }
}

/// Which memory a case runs on: a wasm memory variant, or the native baseline's host buffer.
/// Stored as `defined-max`, ..., `host-buffer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum CaseVariant {
    /// A wasm memory declared as the variant says.
    Memory(MemoryVariant),
    /// The native baseline's contiguous cases: a buffer the host allocates.
    HostBuffer,
}

impl CaseVariant {
    /// The wasm memory variant, unless this is the host buffer.
    pub fn memory(self) -> Option<MemoryVariant> {
        match self {
            CaseVariant::Memory(v) => Some(v),
            CaseVariant::HostBuffer => None,
        }
    }

    /// Parses `defined-max`, ..., `host-buffer`.
    pub fn parse(id: &str) -> Result<CaseVariant, String> {
        if id == "host-buffer" {
            return Ok(CaseVariant::HostBuffer);
        }
        MemoryVariant::from_id(id)
            .map(CaseVariant::Memory)
            .ok_or_else(|| {
                format!(
                "`{id}` is no memory variant this version knows (`defined-nomax`, `defined-max`, \
                 `defined-max4g`, `imported-…`, `imported-shared-…`, `host-buffer`)"
            )
            })
    }
}

impl From<MemoryVariant> for CaseVariant {
    fn from(v: MemoryVariant) -> Self {
        CaseVariant::Memory(v)
    }
}

impl fmt::Display for CaseVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseVariant::Memory(v) => f.write_str(&v.id()),
            CaseVariant::HostBuffer => f.write_str("host-buffer"),
        }
    }
}

/// Ordered as the strings records store.
impl Ord for CaseVariant {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for CaseVariant {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<CaseVariant> for String {
    fn from(v: CaseVariant) -> String {
        v.to_string()
    }
}

impl std::str::FromStr for CaseVariant {
    type Err = String;
    fn from_str(id: &str) -> Result<Self, String> {
        CaseVariant::parse(id)
    }
}

impl TryFrom<String> for CaseVariant {
    type Error = String;
    fn try_from(id: String) -> Result<Self, String> {
        CaseVariant::parse(&id)
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
            pattern: "seq-read-i64".parse().unwrap(),
            size_bytes: 1 << 20,
            runtime: "wasmtime-cranelift".into(),
            strategy: StrategyKey {
                slug: if default { "default" } else { "bounds-checked" }.into(),
                knobs: "memory_reservation=0,memory_guard_size=0".into(),
                default,
            },
            variant: "defined-max".parse().unwrap(),
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

    /// Every pattern and variant the matrix can name reads back as itself from the string a
    /// record stores; a name no version wrote is refused, saying which.
    #[test]
    fn patterns_and_variants_round_trip_through_their_stored_strings() {
        let mut patterns: Vec<CasePattern> = Pattern::all().map(CasePattern::Contiguous).collect();
        patterns.extend(GrowKind::ALL.map(CasePattern::Grow));
        patterns.push(CasePattern::PreLinked);
        for allocator in Allocator::ALL {
            for workload in ["churn", "peak-release", "vec-doubling"] {
                patterns.push(CasePattern::Fragmentation(FragPattern {
                    workload: workload.into(),
                    allocator,
                }));
            }
        }
        for p in &patterns {
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(json, format!("\"{p}\""));
            assert_eq!(
                &serde_json::from_str::<CasePattern>(&json).unwrap(),
                p,
                "{p}"
            );
        }
        let bytes: CasePattern = "peak-release-bump-bytes".parse().unwrap();
        assert_eq!(
            bytes
                .fragmentation()
                .map(|f| (f.workload.as_str(), f.allocator)),
            Some(("peak-release", Allocator::BumpBytes))
        );
        let err = serde_json::from_str::<CasePattern>("\"seq-read-i16\"").unwrap_err();
        assert!(
            err.to_string().contains("`seq-read-i16` is no pattern"),
            "{err}"
        );

        for id in [
            "defined-nomax",
            "defined-max",
            "defined-max4g",
            "imported-nomax",
        ] {
            let v: CaseVariant = id.parse().unwrap();
            assert_eq!(v.to_string(), id);
            assert!(v.memory().is_some());
        }
        let shared: CaseVariant = "imported-shared-max".parse().unwrap();
        assert!(shared.memory().is_some_and(|v| v.shared));
        assert_eq!(
            "host-buffer".parse::<CaseVariant>(),
            Ok(CaseVariant::HostBuffer)
        );
        assert!("defined-maximum".parse::<CaseVariant>().is_err());
    }

    /// Keys sort as their stored strings did, so every table keeps its row order.
    #[test]
    fn typed_fields_sort_as_their_strings() {
        let mut typed: Vec<CasePattern> = [
            "seq-read-i64",
            "copy-i32",
            "grow1-at",
            "churn-talc",
            "pre-linked",
        ]
        .map(|p| p.parse().unwrap())
        .to_vec();
        typed.sort();
        let names: Vec<String> = typed.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            [
                "churn-talc",
                "copy-i32",
                "grow1-at",
                "pre-linked",
                "seq-read-i64"
            ]
        );
    }
}
