//! The guest ABI every guest crate shares, in its wasm build and its native build.
//!
//! Every export is `extern "C" fn(u32, u32, u32) -> u64`: a wasm signature of
//! `(i32, i32, i32) -> i64` that every runtime calls the same typed way. Addresses are `u32` guest
//! addresses in both builds: in wasm they index linear memory, natively they are offsets from a base
//! the host sets per thread with [`native::set_memory_base`], so the same loop runs over a host buffer.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The address guest address 0 maps to: linear memory starts at 0 in wasm.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn base() -> usize {
    0
}

#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn base() -> usize {
    native::BASE.with(|b| b.get())
}

/// A raw pointer to guest address `addr`.
#[inline(always)]
pub fn at<T>(addr: u32) -> *mut T {
    (base() + addr as usize) as *mut T
}

/// The guest memory's page size, in bytes.
pub const PAGE: u32 = 65536;

/// `memory.grow` of linear memory 0 by `delta` pages: the old size in pages, or `u32::MAX` when the
/// memory cannot grow. Natively, the host's memory grows through the hook it installed with
/// [`native::set_memory`].
#[inline(always)]
pub fn memory_grow(delta: u32) -> u32 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_grow(0, delta as usize) as u32
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        native::grow(delta)
    }
}

/// `memory.size` of linear memory 0, in pages.
#[inline(always)]
pub fn memory_size() -> u32 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u32
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        native::grow(0)
    }
}

/// Defines `load_u8` and `store_u8` in a guest: the byte accesses the host uses to probe the edge of
/// memory (an access one byte past it must trap) and to read and plant values.
#[macro_export]
macro_rules! byte_exports {
    () => {
        /// Reads the byte at `addr`.
        #[cfg_attr(target_arch = "wasm32", no_mangle)]
        pub extern "C" fn load_u8(addr: u32, _len: u32, _unused: u32) -> u64 {
            // SAFETY: a wasm access out of bounds traps; the native host refuses such a call.
            unsafe { core::ptr::read_volatile($crate::at::<u8>(addr)) as u64 }
        }

        /// Writes `value` at `addr`.
        #[cfg_attr(target_arch = "wasm32", no_mangle)]
        pub extern "C" fn store_u8(addr: u32, value: u32, _unused: u32) -> u64 {
            // SAFETY: as in `load_u8`.
            unsafe { core::ptr::write_volatile($crate::at::<u8>(addr), value as u8) };
            0
        }
    };
}

/// The native side of the baseline: where guest address 0 is, and the export table type.
#[cfg(not(target_arch = "wasm32"))]
pub mod native {
    use std::cell::Cell;

    std::thread_local! {
        pub(crate) static BASE: Cell<usize> = const { Cell::new(0) };
        static MEMORY: Cell<Option<(*mut (), GrowFn)>> = const { Cell::new(None) };
    }

    /// Grows the host memory at `memory` by `delta` pages, returning the old size in pages or
    /// `u32::MAX`, and re-points guest address 0 with [`set_memory_base`] if the memory moved.
    pub type GrowFn = unsafe fn(memory: *mut (), delta: u32) -> u32;

    /// Makes guest address 0 refer to `ptr` for calls made from this thread. Per thread, so tests
    /// running in parallel each see their own buffer.
    pub fn set_memory_base(ptr: *mut u8) {
        BASE.with(|b| b.set(ptr as usize));
    }

    /// Installs the memory the guest runs over on this thread: its base, and how it grows.
    /// `memory` must stay valid, and be used by nothing else, until the next call returns.
    pub fn set_memory(base: *mut u8, memory: *mut (), grow: GrowFn) {
        set_memory_base(base);
        MEMORY.with(|m| m.set(Some((memory, grow))));
    }

    pub(crate) fn grow(delta: u32) -> u32 {
        match MEMORY.with(|m| m.get()) {
            // SAFETY: `set_memory`'s contract: the host keeps `memory` valid during the call.
            Some((memory, grow)) => unsafe { grow(memory, delta) },
            None => u32::MAX,
        }
    }

    /// Which bytes of memory a call touches, derived from its arguments, so the native host can
    /// refuse an out-of-range call the way a wasm runtime traps (natively it would be undefined
    /// behaviour).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Span {
        /// `[a0, a0 + a1)`.
        AddrLen,
        /// `[a0, a0 + 1)`.
        Byte,
        /// No memory.
        None,
    }

    impl Span {
        /// The byte range `[start, end)` a call with `args` touches, if any.
        pub fn range(self, args: [u32; 3]) -> Option<(u64, u64)> {
            let a0 = u64::from(args[0]);
            match self {
                Span::AddrLen => Some((a0, a0 + u64::from(args[1]))),
                Span::Byte => Some((a0, a0 + 1)),
                Span::None => None,
            }
        }
    }

    /// A guest export as native code: its wasm export name, the memory it touches, the function.
    #[derive(Clone, Copy)]
    pub struct Export {
        /// The export name, identical to the wasm build's.
        pub name: &'static str,
        /// The memory it touches, derived from the arguments.
        pub span: Span,
        /// The function itself.
        pub func: extern "C" fn(u32, u32, u32) -> u64,
    }

    /// Builds a guest's `EXPORTS` table from `Span name` pairs.
    #[macro_export]
    macro_rules! native_exports {
        ($($span:ident $f:ident),* $(,)?) => {
            /// Every export of this guest, by wasm export name.
            pub const EXPORTS: &[$crate::native::Export] = &[
                $($crate::native::Export {
                    name: stringify!($f),
                    span: $crate::native::Span::$span,
                    func: $f,
                }),*
            ];
        };
    }
}
