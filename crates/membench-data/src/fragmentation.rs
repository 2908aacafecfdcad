//! The fragmentation family as the schema records it: the memory figures of one case.

use serde::{Deserialize, Serialize};

pub use crate::allocator::Allocator;

/// The memory figures of one case, in bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// `memory.size` × the page size after the workload.
    pub linear_bytes: u64,
    /// The largest linear size (equal to `linear_bytes`: memory never shrinks).
    pub linear_peak_bytes: u64,
    /// The guest's live-bytes counter at its maximum (`None` if the guest has no counter).
    pub peak_live_bytes: Option<u64>,
    /// The counter after the workload.
    pub live_bytes_end: Option<u64>,
    /// Pages of the linear memory backed by RAM; `None` where the memory's pages cannot be told
    /// apart in the process holding it (see `resident_unsupported`).
    pub resident_bytes: Option<u64>,
    /// Why `resident_bytes` is not measured (e.g. a memory in a browser's process that could not
    /// be located among the mappings that appeared with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_unsupported: Option<String>,
    /// Address space the instance added to the process, from before instantiation to after the
    /// workload; for a heap-backed memory, its linear size (a lower bound: see `reserved_basis`).
    /// Never below `linear_bytes`.
    pub reserved_virtual_bytes: u64,
    /// Where `reserved_virtual_bytes` comes from (records without the field were all measured
    /// from mappings).
    #[serde(default)]
    pub reserved_basis: crate::procfs::ReservedBasis,
    /// Process RSS growth across the workload (signed: other frees may lower it).
    pub rss_delta_bytes: i64,
    /// Linear memory before the workload's first allocation (the guest's stack and statics, read
    /// on the fresh instance): not the allocator's, so apart from its waste. `None` in records
    /// from before it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_bytes: Option<u64>,
    /// `linear_bytes − fixed_bytes − peak_live_bytes`: the allocator's waste at the peak.
    pub waste_bytes: Option<u64>,
    /// `resident_bytes / peak_live_bytes`.
    pub resident_per_live: Option<f64>,
    /// `reserved_virtual_bytes / linear_bytes`.
    pub reserved_per_linear: f64,
    /// Allocations the workload made (its return value).
    pub allocations: u64,
}

/// One measured case with its identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FragRecord {
    /// `fragmentation/<workload>/<allocator>/<runtime>-<engine>/<variant>[@<strategy>]`.
    pub id: String,
    /// `<runtime>-<engine>`.
    pub runtime: String,
    /// The host memory strategy.
    pub strategy: String,
    /// The memory variant (`defined-nomax`: as the guest's linker declared it; or `as-declared`
    /// for a module given as a file).
    pub memory_variant: String,
    /// The allocator (or the module's file name).
    pub allocator: String,
    /// The workload.
    pub workload: String,
    /// The workload's scale argument.
    pub scale: u32,
    /// The figures, or `None` when the case failed.
    pub figures: Option<Figures>,
    /// Why the case failed.
    pub failure: Option<String>,
    /// What kind of failure: a failure of the run, or a runtime without what the case needs
    /// (*unsupported*), or an engine not installed. Absent from older records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_kind: Option<crate::record::FailureKind>,
    /// The runtime crate's version.
    pub runtime_version: String,
}
