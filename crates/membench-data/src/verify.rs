//! The verdicts of `membench verify` as the schema records them: which check, what it found, and
//! the typed figures behind the findings (reservations, memory kinds).

use serde::{Deserialize, Serialize};

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
    /// The claim did not hold, as a listed `Deviation` (`membench::spec`) says (an upstream bug or a
    /// runtime that implements a later spec); the detail names it.
    KnownDeviation,
}

/// Which check: serialised as its kebab-case name (`pages-and-limits`, ...), the name records and
/// tables have always used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    /// The engine could not be built (the only check then).
    Build,
    /// Claim 1: a page is 64 KiB; `initial` and `maximum` are honoured.
    PagesAndLimits,
    /// Claim 2: growing past the maximum fails and leaves the memory usable.
    GrowPastMaximum,
    /// Claim 3, a finding: what a declared maximum does to the reservation ([`Reservation`]).
    ReserveAhead,
    /// Claim 4: memory is released when its instance goes away.
    ReleasedOnDrop,
    /// Claim 4 with the host keeping a handle to the memory after dropping the instance.
    ReleasedWithHandleKept,
    /// Claim 5: out-of-bounds accesses trap; a canary and a second instance stay intact.
    Isolation,
    /// Claim 5 at the edges: every width, an empty memory, the whole 32-bit range.
    IsolationEdges,
    /// A new instance reads zeros where the previous one wrote.
    FreshMemoryIsZero,
    /// The spec's memory tests (`membench::spec`).
    SpecConformance,
    /// The JS API only: `memory.grow` detaches the old `ArrayBuffer` and throws `RangeError` past
    /// the maximum.
    DetachedOnGrow,
    /// The JS API only: how many live memories an engine makes, and where its reservation per
    /// memory changes.
    ManyMemories,
    /// A finding beyond the post's wasm 1.0 model: whether a memory of 1-byte pages
    /// (custom-page-sizes) is taken, and grows by one byte (`verify/kind.rs`).
    PageSize,
    /// A finding beyond the model: whether a 64-bit memory (memory64) is taken and grows past
    /// 4 GiB, and what it reserves.
    FourGib,
    /// A finding beyond the model: whether a module may have a second memory (multi-memory), and
    /// what the second one reserves.
    OneMemory,
}

impl CheckId {
    /// Every check, in the order `membench::verify::verify` runs them (`build` only replaces them all).
    pub const ALL: [CheckId; 15] = [
        CheckId::Build,
        CheckId::PagesAndLimits,
        CheckId::GrowPastMaximum,
        CheckId::ReserveAhead,
        CheckId::ReleasedOnDrop,
        CheckId::ReleasedWithHandleKept,
        CheckId::Isolation,
        CheckId::IsolationEdges,
        CheckId::FreshMemoryIsZero,
        CheckId::SpecConformance,
        CheckId::DetachedOnGrow,
        CheckId::ManyMemories,
        CheckId::PageSize,
        CheckId::FourGib,
        CheckId::OneMemory,
    ];

    /// The name, as serialised: `pages-and-limits`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Build => "build",
            CheckId::PagesAndLimits => "pages-and-limits",
            CheckId::GrowPastMaximum => "grow-past-maximum",
            CheckId::ReserveAhead => "reserve-ahead",
            CheckId::ReleasedOnDrop => "released-on-drop",
            CheckId::ReleasedWithHandleKept => "released-with-handle-kept",
            CheckId::Isolation => "isolation",
            CheckId::IsolationEdges => "isolation-edges",
            CheckId::FreshMemoryIsZero => "fresh-memory-is-zero",
            CheckId::SpecConformance => "spec-conformance",
            CheckId::DetachedOnGrow => "detached-on-grow",
            CheckId::ManyMemories => "many-memories",
            CheckId::PageSize => "page-size",
            CheckId::FourGib => "four-gib",
            CheckId::OneMemory => "one-memory",
        }
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl PartialEq<str> for CheckId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One check on one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Which check.
    pub check: CheckId,
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
    /// The spec's memory tests, per maximum variant (empty when not run, or for native).
    #[serde(default)]
    pub spec: Vec<crate::spec::SpecRun>,
    /// What the `reserve-ahead` check measured, classified (`None` when it could not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_ahead: Option<ReserveAhead>,
    /// What the runtime does with each memory kind beyond the post's wasm 1.0 model
    /// (`page-size`, `four-gib`, `one-memory`), typed for tables: empty in records written
    /// before these checks, and for the native baseline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<(CheckId, KindAnswer)>,
}

/// What a runtime does with a memory kind a newer proposal brings (the findings of
/// `membench`'s `verify/kind.rs`): the same answer the check's detail gives in a sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "answer")]
pub enum KindAnswer {
    /// It takes the kind: its key figures, each a short clause ("grew to 4097.0 MiB").
    Taken {
        /// The key figures.
        figures: Vec<String>,
    },
    /// It takes the kind but stops short of what the kind allows (a 64-bit memory that does not
    /// grow past 4 GiB): why, and the figures it has.
    StoppedShort {
        /// What stopped it.
        why: String,
        /// The key figures.
        figures: Vec<String>,
    },
    /// It refuses the kind while it takes the same module without it: the engine's own words.
    Refused {
        /// The engine's error.
        words: String,
    },
}

impl KindAnswer {
    /// Whether the post's wasm 1.0 model holds here: refused, or stopped short.
    pub fn keeps_the_model(&self) -> bool {
        !matches!(self, KindAnswer::Taken { .. })
    }
}

impl Verdict {
    /// The check with this id, when it ran.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == id)
    }
}

/// What declaring a maximum does to the address space one instance reserves: the finding of
/// `reserve-ahead`, from the new mappings a 16-page memory adds with no maximum, an exact maximum
/// (16 pages) and a 4 GiB one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reservation {
    /// The reservation follows the declared maximum: the 4 GiB maximum reserves about 4 GiB more
    /// than the exact one (the seed's claim; e.g. the native `mmap` strategy).
    DeclaredMaximum,
    /// The same reservation whatever the maximum, more than twice what the memory uses (e.g.
    /// wasmtime's default 4 GiB + guards, wasmer's static style).
    Fixed,
    /// At most twice what the memory uses, whatever the maximum (e.g. wasmer's dynamic style,
    /// wasmtime without reservation, a heap buffer).
    OnlyUsed,
    /// Instantiation adds less than the memory's own size: the memory sits in address space
    /// reserved before (a slot of wasmtime's pooling allocator, reserved when the engine was built).
    ReservedBeforeInstantiation,
    /// None of the above; the figures say what happened.
    Unclassified,
}

impl Reservation {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Reservation::DeclaredMaximum => "reserves the declared maximum",
            Reservation::Fixed => "fixed reservation whatever the maximum",
            Reservation::OnlyUsed => "reserves only what is used",
            Reservation::ReservedBeforeInstantiation => "reserved before instantiation (pool)",
            Reservation::Unclassified => "unclassified",
        }
    }

    /// Classifies the address space one instance added (signed: other frees may lower it) with no
    /// maximum, an exact maximum of `exact_maximum_bytes` and a maximum of `large_maximum_bytes`,
    /// for a memory of `used_bytes`.
    pub fn classify(
        used_bytes: u64,
        exact_maximum_bytes: u64,
        large_maximum_bytes: u64,
        [none, exact, large]: [i64; 3],
    ) -> Reservation {
        let used = used_bytes as i64;
        let (lo, hi) = (none.min(exact).min(large), none.max(exact).max(large));
        let maxima_apart = large_maximum_bytes as i64 - exact_maximum_bytes as i64;
        if (large - exact) as f64 >= 0.9 * maxima_apart as f64 {
            Reservation::DeclaredMaximum
        } else if hi < used / 2 {
            Reservation::ReservedBeforeInstantiation
        } else if lo >= used / 2 && hi <= 2 * used {
            Reservation::OnlyUsed
        } else if lo > 2 * used && hi - lo <= (hi / 10).max(1 << 20) {
            Reservation::Fixed
        } else {
            Reservation::Unclassified
        }
    }
}

/// Address space added, split as in `procfs::Mappings` (in `membench`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reserved {
    /// Bytes mapped without access (reservation, guard).
    pub inaccessible_bytes: i64,
    /// Bytes mapped with access.
    pub accessible_bytes: i64,
}

impl Reserved {
    /// Both together.
    pub fn total(&self) -> i64 {
        self.inaccessible_bytes + self.accessible_bytes
    }
}

impl std::fmt::Display for Reserved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} inaccessible + {} accessible)",
            mib(self.total()),
            mib(self.inaccessible_bytes),
            mib(self.accessible_bytes)
        )
    }
}

/// The figures of `reserve-ahead`, classified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReserveAhead {
    /// What the figures show.
    pub reservation: Reservation,
    /// The memory's size (16 pages).
    pub used_bytes: u64,
    /// Added with no maximum declared.
    pub no_maximum: Reserved,
    /// Added with an exact maximum (16 pages).
    pub exact_maximum: Reserved,
    /// Added with a 4 GiB maximum.
    pub maximum_4g: Reserved,
    /// Where the figures come from: new mappings, or, for a heap-backed memory (which maps nothing
    /// of its own), the heap buffer, at least the memory's size.
    pub basis: crate::procfs::ReservedBasis,
    /// New mappings as `/proc/self/maps` showed them even when `basis` is the heap buffer (then
    /// they are the host allocator's, not the memory's), for no maximum, exact, 4 GiB.
    pub new_mappings: [Reserved; 3],
    /// The same question for a shared memory (imported, `shared: true`, so with an exact or a
    /// 4 GiB maximum): its figures, or the runtime's refusal with the engine's error. `None` in
    /// records written before it was measured. A finding beside the unshared figures: the
    /// check's outcome does not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<SharedReserve>,
}

/// What `reserve-ahead` found for a 16-page shared memory the host creates and the guest imports
/// (`new WebAssembly.Memory({initial, maximum, shared: true})` in JavaScript).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum SharedReserve {
    /// The runtime created it: the address space one instance added.
    Measured {
        /// Classified as the unshared figures are, the exact maximum standing in for "no
        /// maximum" (a shared memory must declare one): [`Reservation::DeclaredMaximum`] when
        /// the 4 GiB maximum reserves about 4 GiB more than the exact one.
        reservation: Reservation,
        /// Added with an exact maximum (16 pages).
        exact_maximum: Reserved,
        /// Added with a 4 GiB maximum.
        maximum_4g: Reserved,
        /// Where the figures come from (as [`ReserveAhead::basis`]).
        basis: crate::procfs::ReservedBasis,
    },
    /// The runtime refuses shared memories (a typed *unsupported*): the engine's own error.
    Refused {
        /// The error, with the engine's message.
        error: String,
    },
    /// Not the engine's answer: our binding cannot hand the guest an imported memory at all
    /// (wamrx's and wasm3x's `Linker`s define only host functions), so whether the engine takes
    /// a shared one is not asked.
    NotInBinding {
        /// The binding's own error (a [`FailureKind::Binding`](crate::record::FailureKind::Binding)): it
        /// names the crate and why.
        why: String,
    },
}

impl SharedReserve {
    /// One clause for the check's detail and the report.
    pub fn describe(&self) -> String {
        match self {
            SharedReserve::Measured {
                reservation: Reservation::ReservedBeforeInstantiation,
                exact_maximum,
                maximum_4g,
                ..
            } => format!(
                "a shared memory (imported, shared: true): {}: what it reserves is not \
                 observable (it lies in address space reserved before it was created; the \
                 mappings changed by {} with an exact maximum, {} with 4 GiB)",
                Reservation::ReservedBeforeInstantiation.label(),
                mib(exact_maximum.total()),
                mib(maximum_4g.total())
            ),
            SharedReserve::Measured {
                reservation,
                exact_maximum,
                maximum_4g,
                ..
            } => format!(
                "a shared memory (imported, shared: true): {}: {exact_maximum} with an exact \
                 maximum (16 pages), {maximum_4g} with 4 GiB",
                reservation.label()
            ),
            SharedReserve::Refused { error } => format!("a shared memory: refused ({error})"),
            SharedReserve::NotInBinding { why } => {
                format!("a shared memory: not supported by the binding ({why})")
            }
        }
    }
}

/// Bytes as MiB to one decimal, the way every check's detail writes them.
pub fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

impl Outcome {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Held => "held",
            Outcome::DidNotHold => "did not hold",
            Outcome::NotApplicable => "n/a",
            Outcome::Error => "ERROR",
            Outcome::KnownDeviation => "known deviation",
        }
    }
}

/// True for the checks whose "did not hold" is a correctness failure rather than a finding.
pub fn is_correctness(check: CheckId) -> bool {
    !matches!(
        check,
        CheckId::ReserveAhead
            | CheckId::ManyMemories
            | CheckId::PageSize
            | CheckId::FourGib
            | CheckId::OneMemory
    )
}

impl Check {
    /// Whether this outcome fails the configuration: an error, or a correctness claim that did not
    /// hold outside the listed deviations.
    pub fn is_failure(&self) -> bool {
        match self.outcome {
            Outcome::Error => true,
            Outcome::DidNotHold => is_correctness(self.check),
            Outcome::Held | Outcome::NotApplicable | Outcome::KnownDeviation => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::PAGE;

    #[test]
    fn check_ids_serialise_as_the_names_records_have_always_used() {
        for id in CheckId::ALL {
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{}\"", id.as_str())
            );
            let back: CheckId = serde_json::from_str(&format!("\"{id}\"")).unwrap();
            assert_eq!(back, id);
            assert!(id == id.as_str());
        }
        let check: Check = serde_json::from_str(
            r#"{"check":"released-with-handle-kept","outcome":"held","detail":"x"}"#,
        )
        .unwrap();
        assert_eq!(check.check, CheckId::ReleasedWithHandleKept);
        assert!(is_correctness(CheckId::Isolation));
        assert!(!is_correctness(CheckId::ReserveAhead));
        // Verdicts written before `reserve_ahead` existed still read.
        let verdict: Verdict =
            serde_json::from_str(r#"{"runtime":"r","strategy":"s","checks":[]}"#).unwrap();
        assert_eq!(verdict.reserve_ahead, None);
    }

    /// The figures the published report had (MiB added with no maximum, an exact 16-page one, and
    /// 4 GiB), and what they are.
    #[test]
    fn reservations_are_classified_from_their_figures() {
        let used = 16 * PAGE;
        let mib = |m: f64| (m * (1 << 20) as f64) as i64;
        let classify =
            |n, e, l| Reservation::classify(used, used, 65536 * PAGE, [mib(n), mib(e), mib(l)]);
        // native mmap: the reservation is the maximum (4 GiB without one).
        assert_eq!(classify(4096.0, 1.0, 4096.0), Reservation::DeclaredMaximum);
        // wasmtime default, wasmer static, wasmtime without reservation but 2 GiB or 64 MiB
        // for growth.
        for t in [4160.0, 8192.0, 2049.0, 65.0] {
            assert_eq!(classify(t, t, t), Reservation::Fixed, "{t}");
        }
        // wasmer dynamic, wasmtime without any reservation.
        assert_eq!(classify(1.06, 1.06, 1.06), Reservation::OnlyUsed);
        assert_eq!(classify(1.0, 1.0, 1.0), Reservation::OnlyUsed);
        // A pool: instantiation maps nothing new.
        assert_eq!(
            classify(0.0, 0.0, 0.0),
            Reservation::ReservedBeforeInstantiation
        );
        // Mixed figures are not forced into a class.
        assert_eq!(classify(1.0, 1.0, 64.0), Reservation::Unclassified);
    }
}
