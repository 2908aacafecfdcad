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

/// Loads `width` bytes (1, 2, 4 or 8) at `addr` with the load of that width; returns them
/// zero-extended. The isolation checks call it at the last valid address and one byte past it.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn load_n(addr: u32, width: u32, _unused: u32) -> u64 {
    // SAFETY: a wasm access out of bounds traps; the native host refuses such a call.
    unsafe {
        match width {
            1 => core::ptr::read_volatile(at::<u8>(addr)) as u64,
            2 => core::ptr::read_unaligned(at::<u16>(addr)) as u64,
            4 => core::ptr::read_unaligned(at::<u32>(addr)) as u64,
            _ => core::ptr::read_unaligned(at::<u64>(addr)),
        }
    }
}

/// Stores the low `width` bytes (1, 2, 4 or 8) of `value` at `addr` with the store of that width.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn store_n(addr: u32, width: u32, value: u32) -> u64 {
    let v = u64::from(value as u8) * 0x0101_0101_0101_0101;
    // SAFETY: as in `load_n`.
    unsafe {
        match width {
            1 => core::ptr::write_volatile(at::<u8>(addr), v as u8),
            2 => core::ptr::write_unaligned(at::<u16>(addr), v as u16),
            4 => core::ptr::write_unaligned(at::<u32>(addr), v as u32),
            _ => core::ptr::write_unaligned(at::<u64>(addr), v),
        }
    }
    0
}

/// Writes one byte every `stride` bytes of `[addr, addr+len)`, so every OS page of the range
/// becomes resident (the memory-release check touches 64 MiB this way).
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn touch_pages(addr: u32, len: u32, stride: u32) -> u64 {
    let p = at::<u8>(addr);
    let stride = stride.max(1) as usize;
    let mut touched = 0;
    let mut i = 0;
    while i < len as usize {
        // SAFETY: as in `load_n`.
        unsafe { core::ptr::write_volatile(p.add(i), 1) };
        touched += 1;
        i += stride;
    }
    touched
}

guest_abi::byte_exports!();

/// The native build's export table, by wasm export name.
#[cfg(not(target_arch = "wasm32"))]
pub mod native {
    use super::*;

    guest_abi::native_exports!(
        None grow_many, None grow_fail, None grow, None size,
        AddrLen sum_bytes, Byte load_u8, Byte store_u8,
        AddrLen load_n, AddrLen store_n, AddrLen touch_pages,
    );
}
