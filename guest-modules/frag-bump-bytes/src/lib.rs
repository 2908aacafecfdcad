//! The fragmentation workloads through the bump allocator over 1-byte pages
//! (`guest_frag::BumpBytes`): it grows memory by exactly the bytes it needs. The host declares
//! this guest's memory with 1-byte pages (the custom-page-sizes proposal) and the same bytes as
//! the linker gave it; in a 64 KiB-page memory it would grow 64 KiB per byte asked. Only the
//! wasm32 build has content.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod guest {
    use guest_abi as _;
    use guest_frag::Counting;

    #[global_allocator]
    static ALLOC: Counting<guest_frag::BumpBytes> = Counting::new(guest_frag::BumpBytes::new());

    guest_frag::exports!(ALLOC);
}
