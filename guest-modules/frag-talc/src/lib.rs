//! The fragmentation workloads through talc (`talc::wasm::new_wasm_dynamic_allocator`, its documented wasm setup). Only the wasm32 build has content: natively the
//! allocator would not be the guest's.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod guest {
    use guest_abi as _;
    use guest_frag::Counting;

    #[global_allocator]
    static ALLOC: Counting<talc::wasm::WasmDynamicTalc> =
        Counting::new(talc::wasm::new_wasm_dynamic_allocator());

    guest_frag::exports!(ALLOC);
}
