//! The fragmentation workloads through lol_alloc's free-list allocator (`AssumeSingleThreaded<FreeListAllocator>`). Only the wasm32 build has content: natively the
//! allocator would not be the guest's.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod guest {
    use guest_abi as _;
    use guest_frag::Counting;

    #[global_allocator]
    static ALLOC: Counting<lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator>> =
        Counting::new(
            // SAFETY: wasm32 without the atomics feature has one thread.
            unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) },
        );

    guest_frag::exports!(ALLOC);
}
