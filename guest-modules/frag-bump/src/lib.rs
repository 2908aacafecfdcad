//! The fragmentation workloads through a bump allocator that never frees (`guest_frag::Bump`). Only the wasm32 build has content: natively the
//! allocator would not be the guest's.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod guest {
    use guest_abi as _;
    use guest_frag::Counting;

    #[global_allocator]
    static ALLOC: Counting<guest_frag::Bump> = Counting::new(guest_frag::Bump::new());

    guest_frag::exports!(ALLOC);
}
