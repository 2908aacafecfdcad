//! The guest allocators the fragmentation guests are built with: what a case key names.

use serde::{Deserialize, Serialize};

/// A guest allocator, as built into one of the `guest-frag-*` guests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Allocator {
    /// `dlmalloc::GlobalDlmalloc`, Rust's default for wasm32.
    Dlmalloc,
    /// `talc::wasm::new_wasm_dynamic_allocator()`.
    Talc,
    /// `lol_alloc::FreeListAllocator` (single-threaded).
    LolAlloc,
    /// A bump allocator that never frees.
    Bump,
    /// The same bump allocator over 1-byte pages (the custom-page-sizes proposal): the guest's
    /// memory is declared with 1-byte pages and the same bytes, and the allocator grows it by the
    /// bytes it needs, where [`Allocator::Bump`] grows whole 64 KiB pages. The pair shows what a
    /// page of 64 KiB wastes by itself.
    #[serde(rename = "bump-bytes")]
    BumpBytes,
}

impl Allocator {
    /// Every allocator.
    pub const ALL: [Allocator; 5] = [
        Allocator::Dlmalloc,
        Allocator::Talc,
        Allocator::LolAlloc,
        Allocator::Bump,
        Allocator::BumpBytes,
    ];

    /// `dlmalloc`, `talc`, `lol_alloc`, `bump`, `bump-bytes`.
    pub fn id(self) -> &'static str {
        match self {
            Allocator::Dlmalloc => "dlmalloc",
            Allocator::Talc => "talc",
            Allocator::LolAlloc => "lol_alloc",
            Allocator::Bump => "bump",
            Allocator::BumpBytes => "bump-bytes",
        }
    }
}
