//! Grow-heavy guest patterns: `memory.grow` called from the guest's own loop, so a criterion
//! iteration times the grows and nothing of the host call around them.
//!
//! Natively the same loops grow a host memory (`mmap` reservation or `Vec`) through the hook the
//! native host installs (see `guest_abi::native::set_memory`).
#![cfg_attr(target_arch = "wasm32", no_std)]

use guest_abi::{at, memory_grow, memory_size, PAGE};

/// Grows the memory `count` times by `delta` pages; with `touch` set, writes one byte into every
/// new page right after its grow (what an allocator does with fresh memory). Returns how many grows
/// succeeded: `count`, or fewer if a grow returned -1 (the loop stops there).
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn grow_many(delta: u32, count: u32, touch: u32) -> u64 {
    for i in 0..count {
        let old = memory_grow(delta);
        if old == u32::MAX {
            return i as u64;
        }
        if touch != 0 {
            for page in 0..delta {
                // SAFETY: the page was just added to the memory.
                unsafe { at::<u8>((old + page) * PAGE).write(1) };
            }
        }
    }
    count as u64
}

/// Calls `memory.grow(delta)` `count` times where every call must fail (the host picks `delta` past
/// the maximum). Returns how many returned -1, so the host can check all of them did.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn grow_fail(delta: u32, count: u32, _unused: u32) -> u64 {
    let mut failed = 0;
    for _ in 0..count {
        if memory_grow(delta) == u32::MAX {
            failed += 1;
        }
    }
    failed
}

/// `memory.grow(delta)` once: the old size in pages, or `u32::MAX` (-1 as i32) on failure.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn grow(delta: u32, _b: u32, _c: u32) -> u64 {
    memory_grow(delta) as u64
}

/// `memory.size` in pages.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn size(_a: u32, _b: u32, _c: u32) -> u64 {
    memory_size() as u64
}

/// The sum of the bytes in `[addr, addr+len)`: zero over pages no one wrote.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn sum_bytes(addr: u32, len: u32, _unused: u32) -> u64 {
    let p = at::<u8>(addr);
    let mut sum = 0u64;
    for i in 0..len as usize {
        // SAFETY: a wasm access out of bounds traps; the native host refuses such a call.
        sum += unsafe { p.add(i).read() } as u64;
    }
    sum
}

guest_abi::byte_exports!();

/// The native build's export table, by wasm export name.
#[cfg(not(target_arch = "wasm32"))]
pub mod native {
    use super::*;

    guest_abi::native_exports!(
        None grow_many, None grow_fail, None grow, None size,
        AddrLen sum_bytes, Byte load_u8, Byte store_u8,
    );
}
