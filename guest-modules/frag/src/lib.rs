//! Fragmentation workloads, run through whichever global allocator the guest crate that uses this
//! one installs (dlmalloc, talc, lol_alloc, or the bump allocator here), plus [`Counting`], the
//! wrapper that keeps the live-bytes figure, so "live" is known rather than guessed.
//!
//! Every workload is deterministic (seeded xorshift), so every allocator and runtime sees the same
//! sequence of operations. [`exports!`] defines the guest ABI exports in the allocator crate.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use guest_abi::{memory_grow, memory_size, PAGE};

/// Counts the bytes the program holds (requested sizes) and their peak.
pub struct Counting<A> {
    inner: A,
    live: AtomicUsize,
    peak: AtomicUsize,
}

impl<A> Counting<A> {
    /// Wraps `inner`.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            live: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Bytes held now.
    pub fn live(&self) -> usize {
        self.live.load(Relaxed)
    }

    /// The most bytes held at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Relaxed)
    }

    fn add(&self, n: usize) {
        let live = self.live.load(Relaxed) + n;
        self.live.store(live, Relaxed);
        if live > self.peak.load(Relaxed) {
            self.peak.store(live, Relaxed);
        }
    }

    fn sub(&self, n: usize) {
        self.live.store(self.live.load(Relaxed) - n, Relaxed);
    }
}

// SAFETY: forwards to `inner` unchanged; the counters are only bookkeeping.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            self.add(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { self.inner.dealloc(ptr, layout) };
        self.sub(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if p == ptr {
            // Resized in place: one block, old size then new.
            self.sub(layout.size());
            self.add(new_size);
        } else if !p.is_null() {
            // Moved: the old and the new block were both held during the copy.
            self.add(new_size);
            self.sub(layout.size());
        }
        p
    }
}

/// An allocator that never frees: it takes memory from the end of linear memory, growing it by
/// whole pages as needed. The floor for speed, the ceiling for waste.
///
/// `PAGE_BYTES` is the page size of the memory it runs in: 65536 for a wasm 1.0 memory
/// ([`Bump`]), or 1 for a memory declared with 1-byte pages (the custom-page-sizes proposal,
/// [`BumpBytes`]), where `memory.size` counts bytes and `memory.grow(n)` adds exactly `n` bytes.
/// Nothing else differs, so the two waste the same but for the rounding up to a page.
pub struct PagedBump<const PAGE_BYTES: usize> {
    next: AtomicUsize,
    end: AtomicUsize,
}

/// The bump allocator over 64 KiB pages.
pub type Bump = PagedBump<{ PAGE as usize }>;
/// The bump allocator over 1-byte pages: it grows memory by the bytes it needs, no more.
pub type BumpBytes = PagedBump<1>;

impl<const PAGE_BYTES: usize> PagedBump<PAGE_BYTES> {
    /// A bump allocator that starts at the end of memory at its first allocation.
    pub const fn new() -> Self {
        Self {
            next: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
        }
    }
}

impl<const PAGE_BYTES: usize> Default for PagedBump<PAGE_BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: hands out disjoint ranges of memory that were grown for them and are never reused.
unsafe impl<const PAGE_BYTES: usize> GlobalAlloc for PagedBump<PAGE_BYTES> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (mut next, mut end) = (self.next.load(Relaxed), self.end.load(Relaxed));
        if end == 0 {
            next = memory_size() as usize * PAGE_BYTES;
            end = next;
        }
        let start = (next + layout.align() - 1) & !(layout.align() - 1);
        let stop = start + layout.size();
        if stop > end {
            let pages = (stop - end).div_ceil(PAGE_BYTES);
            if memory_grow(pages as u32) == u32::MAX {
                return core::ptr::null_mut();
            }
            end += pages * PAGE_BYTES;
        }
        self.next.store(stop, Relaxed);
        self.end.store(end, Relaxed);
        guest_abi::at::<u8>(start as u32)
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A block the workload holds: allocated through the global allocator, every byte written (as a
/// program writes what it allocates, so every page it was given is resident: "resident after the
/// peak" then says what the allocator and the engine gave back, not which pages were never
/// touched), freed on drop.
struct Block(Vec<u8>);

impl Block {
    fn new(size: usize) -> Self {
        let mut v = Vec::with_capacity(size);
        v.resize(size, 1);
        // The allocation is observable, so the optimiser cannot elide it.
        core::hint::black_box(v.as_mut_ptr());
        Block(v)
    }
}

/// The workload ids, as the host names them.
pub const WORKLOADS: [&str; 6] = [
    "churn",
    "mixed",
    "sawtooth",
    "vec-doubling",
    "peak-release",
    "fixed-64k",
];

/// Runs workload `id` at `scale` with `seed`; returns how many allocations it made.
///
/// - `churn`: `scale` × 10 000 replacements in a live set of 1024 blocks of 512 B.
/// - `mixed`: `scale` × 1000 short-lived small blocks (16–512 B, 64 alive), with a long-lived
///   4–64 KiB block kept every 16th step (the last 256 kept), the classic fragmenter.
/// - `sawtooth`: blocks of 64–4096 B up to `scale` MiB live, free all but every 16th, up to
///   `scale` MiB again, and again.
/// - `vec-doubling`: a `Vec<u64>` pushed to `scale` MiB.
/// - `peak-release`: `scale` MiB in 1 MiB blocks, all freed, then a small churn.
/// - `fixed-64k`: `scale` blocks of exactly 64 KiB, never freed (a known answer for tests).
pub fn run(id: u32, scale: u32, seed: u32) -> u64 {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ u64::from(seed) << 1 | 1);
    let scale = scale.max(1) as usize;
    let mut allocs = 0u64;
    match id {
        0 => {
            let mut live: Vec<Option<Block>> = (0..1024).map(|_| None).collect();
            for _ in 0..scale * 10_000 {
                let i = rng.below(1024) as usize;
                live[i] = Some(Block::new(512));
                allocs += 1;
            }
        }
        1 => {
            let mut small: Vec<Option<Block>> = (0..64).map(|_| None).collect();
            let mut large: Vec<Block> = Vec::new();
            for step in 0..scale * 1000 {
                small[step % 64] = Some(Block::new(16 + rng.below(497) as usize));
                allocs += 1;
                if step % 16 == 0 {
                    if large.len() == 256 {
                        large.remove(rng.below(256) as usize);
                    }
                    large.push(Block::new(4096 + rng.below(60 * 1024) as usize));
                    allocs += 1;
                }
            }
        }
        2 => {
            let peak = scale << 20;
            let mut blocks: Vec<Block> = Vec::new();
            let mut held = 0usize;
            for _tooth in 0..2 {
                while held < peak {
                    let size = 64 + rng.below(4033) as usize;
                    blocks.push(Block::new(size));
                    held += size;
                    allocs += 1;
                }
                let mut i = 0;
                blocks.retain(|b| {
                    i += 1;
                    let keep = i % 16 == 0;
                    if !keep {
                        held -= b.0.capacity();
                    }
                    keep
                });
            }
        }
        3 => {
            let mut v: Vec<u64> = Vec::new();
            for i in 0..(scale << 20) / 8 {
                v.push(i as u64);
            }
            core::hint::black_box(v.as_mut_ptr());
            allocs = v.len() as u64;
        }
        4 => {
            let mut blocks: Vec<Block> = (0..scale).map(|_| Block::new(1 << 20)).collect();
            allocs += scale as u64;
            blocks.clear();
            let mut live: Vec<Option<Block>> = (0..64).map(|_| None).collect();
            for _ in 0..1000 {
                live[rng.below(64) as usize] = Some(Block::new(256));
                allocs += 1;
            }
        }
        5 => {
            for _ in 0..scale {
                core::mem::forget(Block::new(65536));
                allocs += 1;
            }
        }
        _ => return u64::MAX,
    }
    allocs
}

/// Defines the guest's exports around its global allocator `$alloc` (a `Counting<_>` static):
/// `run(workload, scale, seed)`, `live_bytes`, `peak_live_bytes`, `size`.
#[macro_export]
macro_rules! exports {
    ($alloc:ident) => {
        /// Runs a workload; returns the allocations it made (`u64::MAX`: unknown workload).
        #[no_mangle]
        pub extern "C" fn run(workload: u32, scale: u32, seed: u32) -> u64 {
            $crate::run(workload, scale, seed)
        }

        /// Bytes the program holds now, by the allocator wrapper's count.
        #[no_mangle]
        pub extern "C" fn live_bytes(_a: u32, _b: u32, _c: u32) -> u64 {
            $alloc.live() as u64
        }

        /// The most bytes the program held at once.
        #[no_mangle]
        pub extern "C" fn peak_live_bytes(_a: u32, _b: u32, _c: u32) -> u64 {
            $alloc.peak() as u64
        }

        /// `memory.size` in pages.
        #[no_mangle]
        pub extern "C" fn size(_a: u32, _b: u32, _c: u32) -> u64 {
            $crate::memory_pages() as u64
        }
    };
}

/// `memory.size`, for [`exports!`].
pub fn memory_pages() -> u32 {
    memory_size()
}
