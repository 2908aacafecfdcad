//! The memory a case runs with, as the schema records it: where it is declared and its limits.

use serde::{Deserialize, Serialize};

/// The size of a wasm page, in bytes.
pub const PAGE: u64 = 65536;

/// Where the guest's memory is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemoryDecl {
    /// The module defines its memory (memory section).
    Defined,
    /// The host creates the memory and the module imports it as `env.memory`.
    Imported,
}

/// The memory a case runs with: where it is declared and its limits, in pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryPlan {
    /// Defined by the module or imported from the host.
    pub decl: MemoryDecl,
    /// `initial`, in 64 KiB pages.
    pub initial: u64,
    /// `maximum`, in 64 KiB pages; `None` declares no maximum.
    pub maximum: Option<u64>,
    /// A shared memory (the threads proposal; limits flag `0x03`): what
    /// `new WebAssembly.Memory({initial, maximum, shared: true})` creates. It must declare a
    /// maximum. Absent from records written before it existed: unshared.
    #[serde(default)]
    pub shared: bool,
    /// A 64-bit memory (the memory64 proposal; limits flag `0x04`): addresses are `i64`, and no
    /// guard region can stand in for the bounds check of every access. Only a module that defines
    /// its memory gets one here (the hosts create 32-bit memories). Absent from older records:
    /// 32-bit.
    #[serde(default)]
    pub memory64: bool,
    /// The page size, as log2 of its bytes, of a memory declared with the custom-page-sizes
    /// proposal: `Some(0)` for 1-byte pages, where `memory.size` counts bytes and `memory.grow(n)`
    /// adds `n` bytes; `None` for wasm 1.0's 64 KiB pages. `initial` and `maximum` stay in 64 KiB
    /// units whatever it is, so two plans of the same bytes compare alike: the declaration
    /// converts them (`membench::module::memory_type`). Only a module that defines its memory gets one
    /// here. Absent from older records: 64 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size_log2: Option<u8>,
}

impl MemoryPlan {
    /// The size of one page of this memory, in bytes.
    pub fn page_bytes(&self) -> u64 {
        1 << self.page_size_log2.unwrap_or(16)
    }
}
