//! The timed path holds only what it names: once an export is resolved, calling it performs no
//! lookup and allocates nothing, on every runtime × strategy of the matrix (a lookup by name
//! allocates: wasmtime's `get_typed_func`, a table insert with a `String`), and instantiation is
//! timed by the adapter over the steps it names.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use membench::case::GuestBuild;
use membench::contiguous::MemoryVariant;
use membench::matrix;

/// Counts allocations made by the thread that switched counting on (the test's own thread).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);
std::thread_local! {
    static COUNT_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

// SAFETY: forwards to the system allocator; counting has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) && COUNT_HERE.try_with(|c| c.get()).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) && COUNT_HERE.try_with(|c| c.get()).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    COUNT_HERE.with(|c| c.set(true));
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let out = f();
    COUNTING.store(false, Ordering::SeqCst);
    COUNT_HERE.with(|c| c.set(false));
    (out, ALLOCATIONS.load(Ordering::SeqCst) - before)
}

/// What one call allocates inside a runtime's own call API, which no adapter can avoid: tinywasm's
/// `FunctionTyped::call` and wamrx's `Func::call` collect the arguments and the results into a
/// `Vec` each (tinywasm 0.10.0 src/func.rs, wamrx 0.3.0 src/func.rs). Everywhere else, nothing.
fn allocations_per_call(runtime: &str) -> u64 {
    match runtime {
        "tinywasm-interpreter" | "wamr-fast-interp" => 2,
        _ => 0,
    }
}

#[test]
fn a_resolved_call_allocates_nothing_and_a_lookup_does() {
    let static_pages = membench::contiguous::static_pages().unwrap();
    let plan = MemoryVariant::ALL[1].plan(static_pages, 64 << 10);
    let guest = membench::contiguous::guest(GuestBuild::Scalar, plan).unwrap();
    let addr = (static_pages * 65536) as u32;
    for spec in matrix::runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let mut instance = rt.compile(&guest).unwrap().instantiate().unwrap();
        instance.call("fill", [addr, 64 << 10, 0]).unwrap();
        // Resolving a new name is a lookup: on every wasm runtime it allocates (the table entry's
        // name). The native table is static, so its lookup allocates nothing and is not counted.
        let (export, resolving) = allocations(|| instance.export("seq_read_i64").unwrap());
        if !spec.native {
            assert!(
                resolving > 0,
                "{} {}: the counter saw nothing",
                spec.id,
                spec.strategy
            );
        }
        // The same name again resolves to the same handle.
        assert_eq!(instance.export("seq_read_i64").unwrap(), export);
        let first = instance.call_export(export, [addr, 64 << 10, 2]).unwrap();
        let (again, calling) = allocations(|| {
            let mut last = 0;
            for _ in 0..100 {
                last = instance.call_export(export, [addr, 64 << 10, 2]).unwrap();
            }
            last
        });
        assert_eq!(again, first, "{}", spec.id);
        assert_eq!(
            calling,
            100 * allocations_per_call(spec.id),
            "{} {}: 100 resolved calls allocated {calling} times",
            spec.id,
            spec.strategy
        );
    }
}

#[test]
fn instantiation_is_timed_by_the_adapter_and_named() {
    let plan = MemoryVariant::ALL[1].plan_pages(16, 16);
    let guest = membench::grow::guest(plan).unwrap();
    for spec in matrix::runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let compiled = rt.compile(&guest).unwrap();
        let outer = std::time::Instant::now();
        let (mut instance, timed) = compiled.instantiate_timed().unwrap();
        let whole = outer.elapsed();
        assert!(timed <= whole, "{}: {timed:?} > {whole:?}", spec.id);
        assert!(!compiled.timed_instantiation().is_empty());
        assert_eq!(instance.memory().unwrap().size_bytes, 16 * 65536);
    }
}
