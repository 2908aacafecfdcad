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
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
        pub extern "C" fn load_u8(addr: u32, _len: u32, _unused: u32) -> u64 {
            // SAFETY: a wasm access out of bounds traps; the native host refuses such a call.
            unsafe { core::ptr::read_volatile($crate::at::<u8>(addr)) as u64 }
        }

        /// Writes `value` at `addr`.
        #[cfg_attr(any(target_arch = "wasm32", membench_export), no_mangle)]
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
    /// C ABI, so a guest build loaded as a shared library (the scalar native copy) can call it.
    pub type GrowFn = unsafe extern "C" fn(memory: *mut (), delta: u32) -> u32;

    /// Makes guest address 0 refer to `ptr` for calls made from this thread. Per thread, so tests
    /// running in parallel each see their own buffer.
    pub extern "C" fn set_memory_base(ptr: *mut u8) {
        BASE.with(|b| b.set(ptr as usize));
    }

    /// Installs the memory the guest runs over on this thread: its base, and how it grows.
    ///
    /// # Safety
    /// `base` must point to a memory at least as large as every guest call made before
    /// [`reset_memory`] touches, and `memory` must stay valid for `grow`, and be used by nothing
    /// else, until then. Hosts pair it with [`reset_memory`] in a guard.
    pub unsafe extern "C" fn set_memory(base: *mut u8, memory: *mut (), grow: GrowFn) {
        set_memory_base(base);
        MEMORY.with(|m| m.set(Some((memory, grow))));
    }

    /// Uninstalls the memory: guest address 0 is null again and grows fail, so no stale pointer
    /// outlives the host's memory.
    pub extern "C" fn reset_memory() {
        set_memory_base(std::ptr::null_mut());
        MEMORY.with(|m| m.set(None));
    }

    /// One native build of a guest: its exports and the functions that point it at a memory (its
    /// own copies, for a build loaded as a shared library, whose thread-locals are its own).
    #[derive(Clone, Copy)]
    pub struct Build {
        /// Every export, by wasm export name.
        pub exports: &'static [Export],
        /// [`set_memory`] of this build.
        pub set_memory: unsafe extern "C" fn(*mut u8, *mut (), GrowFn),
        /// [`set_memory_base`] of this build.
        pub set_memory_base: extern "C" fn(*mut u8),
        /// [`reset_memory`] of this build.
        pub reset_memory: extern "C" fn(),
    }

    pub(crate) fn grow(delta: u32) -> u32 {
        match MEMORY.with(|m| m.get()) {
            // SAFETY: `set_memory`'s contract: the host keeps `memory` valid during the call.
            Some((memory, grow)) => unsafe { grow(memory, delta) },
            None => u32::MAX,
        }
    }

    /// Which bytes of memory a call touches and what its arguments must satisfy, derived from
    /// its arguments, so the native host can refuse a call the way a wasm runtime traps: natively
    /// an out-of-range or misaligned access is undefined behaviour, which is why native exports
    /// are `unsafe`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Span {
        /// `[a0, a0 + a1)`, any alignment.
        AddrLen,
        /// `[a0, a0 + a1)` accessed as elements of `align` bytes: `a0` aligned to them; with
        /// `pow2`, `a1 / align` (the element count the random kernels mask with) a power of two.
        Elements {
            /// Element size and alignment, bytes.
            align: u32,
            /// Whether the element count must be a power of two.
            pow2: bool,
        },
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
                Span::AddrLen | Span::Elements { .. } => Some((a0, a0 + u64::from(args[1]))),
                Span::Byte => Some((a0, a0 + 1)),
                Span::None => None,
            }
        }

        /// Checks every precondition of a call with `args` over a memory of `len` bytes: the
        /// range inside the memory, the alignment, the power-of-two count. `Err` names what fails.
        pub fn check(self, args: [u32; 3], len: u64) -> Result<(), String> {
            if let Some((start, end)) = self.range(args) {
                if end > len {
                    return Err(format!(
                        "out of bounds memory access: [{start}, {end}) past {len} bytes"
                    ));
                }
            }
            if let Span::Elements { align, pow2 } = self {
                if !args[0].is_multiple_of(align) {
                    return Err(format!(
                        "address {} is not aligned to {align} bytes",
                        args[0]
                    ));
                }
                let count = args[1] / align;
                if pow2 && !count.is_power_of_two() {
                    return Err(format!("{count} elements: not a power of two"));
                }
            }
            Ok(())
        }
    }

    /// A guest export as native code: its wasm export name, the memory it touches, the function.
    #[derive(Clone, Copy)]
    pub struct Export {
        /// The export name, identical to the wasm build's.
        pub name: &'static str,
        /// The memory it touches and its preconditions, derived from the arguments.
        pub span: Span,
        /// The function itself. `unsafe`: the caller checks `span` and has installed a memory
        /// with [`set_memory`].
        pub func: unsafe extern "C" fn(u32, u32, u32) -> u64,
    }

    /// Builds a guest's `EXPORTS` table from `Span name` pairs (`(Elements 8 true) name` for a span
    /// with preconditions), and `BUILD`, this build with its memory functions.
    #[macro_export]
    macro_rules! native_exports {
        ($($span:tt $f:ident),* $(,)?) => {
            /// Every export of this guest, by wasm export name.
            pub const EXPORTS: &[$crate::native::Export] = &[
                $($crate::native::Export {
                    name: stringify!($f),
                    span: $crate::native_exports!(@span $span),
                    func: $f,
                }),*
            ];

            /// This native build: the exports and the memory functions of this copy of the ABI.
            pub const BUILD: $crate::native::Build = $crate::native::Build {
                exports: EXPORTS,
                set_memory: $crate::native::set_memory,
                set_memory_base: $crate::native::set_memory_base,
                reset_memory: $crate::native::reset_memory,
            };
        };
        (@span (Elements $align:literal $pow2:ident)) => {
            $crate::native::Span::Elements { align: $align, pow2: $pow2 }
        };
        (@span $span:ident) => {
            $crate::native::Span::$span
        };
    }
}
