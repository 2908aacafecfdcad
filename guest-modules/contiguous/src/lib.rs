//! Contiguous-access guest patterns.
//!
//! One source, two builds: for `wasm32-unknown-unknown` it is a `no_std` cdylib whose exports the
//! runtimes call; natively it is an rlib linked into the host as the baseline, running the very same
//! loops over a host buffer (see `guest_abi`). The hot loop of every pattern runs here, inside the
//! guest, so one host call covers many passes over the working set.
//!
//! Every kernel is `extern "C" fn(addr: u32, len: u32, passes: u32) -> u64` and returns a checksum
//! of what it read (or of what it wrote), so its work cannot be optimised away and every runtime can be
//! checked against native.
//!
//! # Safety (every kernel, `fill` and `checksum`)
//! `[addr, addr+len)` lies inside the memory, `addr` is aligned to the element width, and for the
//! random kernels `len / width` is a power of two. In wasm a violation traps (or masks within the
//! range); natively it is undefined behaviour, so the native host checks each export's
//! `guest_abi::native::Span` before every call.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![allow(clippy::missing_safety_doc)] // the contract is stated once, above

use guest_abi::at;

/// Seed of the deterministic fill and of the random patterns, shared by every build.
pub const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// The distance in bytes between two accesses of the `stride64` patterns: one cache line.
pub const STRIDE_LINE: u32 = 64;
/// The distance in bytes between two accesses of the `stride4k` patterns: one 4 KiB page.
pub const STRIDE_PAGE: u32 = 4096;

macro_rules! kernels {
    ($t:ty, $w:literal,
     $seq_read:ident, $seq_write:ident, $copy:ident, $s64_read:ident, $s4k_read:ident,
     $rand_read:ident, $rand_write:ident) => {
        /// Reads every element of `[addr, addr+len)` once per pass.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $seq_read(addr: u32, len: u32, passes: u32) -> u64 {
            let n = (len / $w) as usize;
            let p = at::<$t>(addr);
            let mut acc = 0u64;
            for pass in 0..passes as u64 {
                for i in 0..n {
                    // SAFETY: the host keeps `[addr, addr+len)` inside the memory (wasm traps otherwise,
                    // the native adapter checks the span before calling).
                    let v = unsafe { p.add(i).read() } as u64;
                    acc = acc.wrapping_add(v ^ pass);
                }
            }
            acc
        }

        /// Writes every element of `[addr, addr+len)` once per pass.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $seq_write(addr: u32, len: u32, passes: u32) -> u64 {
            let n = (len / $w) as usize;
            let p = at::<$t>(addr);
            for pass in 0..passes as u64 {
                for i in 0..n {
                    // SAFETY: as in the read kernel.
                    unsafe { p.add(i).write((i as u64 ^ pass) as $t) };
                }
                // Each pass's stores stay observable: no compiler may drop all but the last.
                core::hint::black_box(p);
            }
            n as u64 * passes as u64
        }

        /// Copies the first half of `[addr, addr+len)` onto the second, adding the pass number to each
        /// element so the loop stays a load/store loop and never becomes a `memcpy` call.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $copy(addr: u32, len: u32, passes: u32) -> u64 {
            let n = (len / 2 / $w) as usize;
            let src = at::<$t>(addr);
            let dst = at::<$t>(addr + len / 2);
            for pass in 0..passes as u64 {
                for i in 0..n {
                    // SAFETY: as in the read kernel; the halves do not overlap.
                    unsafe { dst.add(i).write(src.add(i).read().wrapping_add(pass as $t)) };
                }
                core::hint::black_box(dst);
            }
            n as u64 * passes as u64
        }

        /// Reads one element every 64 bytes (one per cache line).
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $s64_read(addr: u32, len: u32, passes: u32) -> u64 {
            strided::<$t>(addr, len, passes, STRIDE_LINE)
        }

        /// Reads one element every 4096 bytes (one per page).
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $s4k_read(addr: u32, len: u32, passes: u32) -> u64 {
            strided::<$t>(addr, len, passes, STRIDE_PAGE)
        }

        /// Reads `len / width` elements per pass at pseudo-random indices (xorshift, fixed seed).
        /// `len` must be a power of two.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $rand_read(addr: u32, len: u32, passes: u32) -> u64 {
            let n = (len / $w) as u64;
            let mask = n.wrapping_sub(1);
            let p = at::<$t>(addr);
            let mut x = SEED;
            let mut acc = 0u64;
            for _ in 0..passes as u64 * n {
                x = xorshift(x);
                // SAFETY: the index is masked to `[0, n)` and `n` elements fit in the span.
                let v = unsafe { p.add((x & mask) as usize).read() } as u64;
                acc = acc.wrapping_add(v);
            }
            acc
        }

        /// Writes `len / width` elements per pass at pseudo-random indices. `len` must be a power
        /// of two.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub unsafe extern "C" fn $rand_write(addr: u32, len: u32, passes: u32) -> u64 {
            let n = (len / $w) as u64;
            let mask = n.wrapping_sub(1);
            let p = at::<$t>(addr);
            let mut x = SEED;
            for _ in 0..passes {
                for _ in 0..n {
                    x = xorshift(x);
                    // SAFETY: as in the random read kernel.
                    unsafe { p.add((x & mask) as usize).write(x as $t) };
                }
                core::hint::black_box(p);
            }
            x
        }
    };
}

#[inline(always)]
fn strided<T: Copy + Into<u64>>(addr: u32, len: u32, passes: u32, stride: u32) -> u64 {
    let n = (len / stride) as usize;
    let step = stride as usize / core::mem::size_of::<T>();
    let p = at::<T>(addr);
    let mut acc = 0u64;
    for pass in 0..passes as u64 {
        for i in 0..n {
            // SAFETY: `i * step` elements of `T` stay below `len` bytes.
            let v: u64 = unsafe { p.add(i * step).read() }.into();
            acc = acc.wrapping_add(v ^ pass);
        }
    }
    acc
}

kernels!(
    u32,
    4,
    seq_read_i32,
    seq_write_i32,
    copy_i32,
    stride64_read_i32,
    stride4k_read_i32,
    random_read_i32,
    random_write_i32
);
kernels!(
    u64,
    8,
    seq_read_i64,
    seq_write_i64,
    copy_i64,
    stride64_read_i64,
    stride4k_read_i64,
    random_read_i64,
    random_write_i64
);

/// Fills `[addr, addr+len)` with a deterministic byte sequence; this is how memory is warmed (every
/// page touched) before a warm case is timed, and what makes checksums comparable across runtimes.
#[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
pub unsafe extern "C" fn fill(addr: u32, len: u32, seed: u32) -> u64 {
    let p = at::<u8>(addr);
    let mut x = SEED ^ seed as u64;
    for i in 0..len as usize {
        if i % 8 == 0 {
            x = xorshift(x);
        }
        // SAFETY: as in the read kernels.
        unsafe { p.add(i).write((x >> ((i % 8) * 8)) as u8) };
    }
    len as u64
}

/// An order-sensitive hash of `[addr, addr+len)` (FNV-1a over bytes), so tests can compare the
/// memory a write pattern left behind across runtimes.
#[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
pub unsafe extern "C" fn checksum(addr: u32, len: u32, _unused: u32) -> u64 {
    let p = at::<u8>(addr);
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for i in 0..len as usize {
        // SAFETY: as in the read kernels.
        h = (h ^ unsafe { p.add(i).read() } as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

guest_abi::byte_exports!();

/// The native build's export table, by wasm export name.
#[cfg(not(target_arch = "wasm32"))]
pub mod native {
    use super::*;

    guest_abi::native_exports!(
        (Elements 4 false) seq_read_i32, (Elements 4 false) seq_write_i32,
        (Elements 4 false) copy_i32, (Elements 4 false) stride64_read_i32,
        (Elements 4 false) stride4k_read_i32,
        (Elements 4 true) random_read_i32, (Elements 4 true) random_write_i32,
        (Elements 8 false) seq_read_i64, (Elements 8 false) seq_write_i64,
        (Elements 8 false) copy_i64, (Elements 8 false) stride64_read_i64,
        (Elements 8 false) stride4k_read_i64,
        (Elements 8 true) random_read_i64, (Elements 8 true) random_write_i64,
        AddrLen fill, AddrLen checksum, Byte load_u8, Byte store_u8,
    );
}

/// The C entry points of the scalar native copy (this source compiled again as a shared library
/// with `--cfg membench_export` and the vectorisers off, by `guest-artifacts`' build script): its
/// thread-locals are its own, so the host points *its* copy at a memory through these.
#[cfg(membench_export)]
pub mod export {
    /// [`guest_abi::native::set_memory`] of this copy.
    ///
    /// # Safety
    /// As for [`guest_abi::native::set_memory`].
    #[no_mangle]
    pub unsafe extern "C" fn membench_set_memory(
        base: *mut u8,
        memory: *mut (),
        grow: guest_abi::native::GrowFn,
    ) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { guest_abi::native::set_memory(base, memory, grow) }
    }

    /// [`guest_abi::native::set_memory_base`] of this copy.
    #[no_mangle]
    pub extern "C" fn membench_set_memory_base(base: *mut u8) {
        guest_abi::native::set_memory_base(base)
    }

    /// [`guest_abi::native::reset_memory`] of this copy.
    #[no_mangle]
    pub extern "C" fn membench_reset_memory() {
        guest_abi::native::reset_memory()
    }
}
