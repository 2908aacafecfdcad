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

/// The native side of the baseline: where guest address 0 is, and the export table type.
#[cfg(not(target_arch = "wasm32"))]
pub mod native {
    use std::cell::Cell;

    std::thread_local! {
        pub(crate) static BASE: Cell<usize> = const { Cell::new(0) };
    }

    /// Makes guest address 0 refer to `ptr` for calls made from this thread. Per thread, so tests
    /// running in parallel each see their own buffer.
    pub fn set_memory_base(ptr: *mut u8) {
        BASE.with(|b| b.set(ptr as usize));
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
