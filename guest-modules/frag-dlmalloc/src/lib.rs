//! The fragmentation workloads through dlmalloc (`GlobalDlmalloc`, Rust's default allocator for wasm32). Only the wasm32 build has content: natively the
//! allocator would not be the guest's.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod guest {
    use guest_abi as _;
    use guest_frag::Counting;

    #[global_allocator]
    static ALLOC: Counting<dlmalloc::GlobalDlmalloc> = Counting::new(dlmalloc::GlobalDlmalloc);

    guest_frag::exports!(ALLOC);
}
