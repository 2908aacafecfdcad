//! The runtimes memory-constrained hosts pick (tinywasm, stitch; WAMR and wasm3 with the
//! `c-runtimes` feature): a guest that grows its memory in a callee and then uses the new page in
//! the caller, the pattern every guest allocator follows (the allocator grows, its caller writes).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use membench::matrix;
use membench::runtime::{is_trap, GuestModule};

/// Counts the allocations (and reallocations) made by a thread while it has counting switched on:
/// the other tests of this binary run on other threads and are not counted.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
std::thread_local! {
    static COUNT_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn counted() -> bool {
    COUNT_HERE.try_with(|c| c.get()).unwrap_or(false)
}

// SAFETY: forwards to the system allocator; counting has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
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
        if counted() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What `f` returns and how many allocations it made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    COUNT_HERE.with(|c| c.set(true));
    let out = f();
    COUNT_HERE.with(|c| c.set(false));
    (out, ALLOCATIONS.load(Ordering::SeqCst) - before)
}

/// `run` calls a helper that returns `run`'s first argument. In the helper, a block the
/// arguments never enter (`b = 0`) holds a long body (`BODY` stores), so compiling the helper
/// costs far more than running it, and no call touches the memory.
fn lazy_compile_guest() -> GuestModule {
    const BODY: usize = 2000;
    let stores: String = (0..BODY)
        .map(|i| {
            format!(
                "(i64.store (i32.const {}) (local.get $acc))\n",
                (i % 8000) * 8
            )
        })
        .collect();
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (func $helper (param $a i32) (param $b i32) (result i64)
    (local $acc i64)
    (local.set $acc (i64.extend_i32_u (local.get $a)))
    (if (local.get $b) (then {stores}))
    (local.get $acc))
  (func (export "run") (param $a i32) (param $b i32) (param $c i32) (result i64)
    (call $helper (local.get $a) (local.get $b))))"#
    );
    let wasm = wat::parse_str(wat).unwrap();
    GuestModule::as_is("lazy-compile", wasm, &["run"]).unwrap()
}

/// `direct` grows and stores to the new page in one function; `nested` has a callee grow and
/// the caller store. Both return the value stored (7).
const GROW_THEN_STORE: &str = r#"(module
  (memory (export "memory") 1)
  (func $grow (result i32) (memory.grow (i32.const 1)))
  (func (export "direct") (param i32 i32 i32) (result i64)
    (local $old i32)
    (local.set $old (memory.grow (i32.const 1)))
    (i32.store (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7))
    (i64.extend_i32_u (i32.load (i32.mul (local.get $old) (i32.const 65536)))))
  (func (export "nested") (param i32 i32 i32) (result i64)
    (local $old i32)
    (local.set $old (call $grow))
    (i32.store (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7))
    (i64.extend_i32_u (i32.load (i32.mul (local.get $old) (i32.const 65536))))))"#;

/// Runtimes known to get `nested` wrong, and how. A runtime listed here that gets it right fails
/// the test, so the entry (and the fragmentation test's exclusion that cites it) goes.
///
/// stitch 0.1.0 keeps the memory's data pointer and size in each frame's registers (`md`, `ms`)
/// and, on `memory.grow`, rewrites them only in the frames it walks on its stack
/// (`Mem::grow_with_stack`, src/mem.rs); the caller of a function that grew still bounds-checks
/// against the old size, so its store to the new page traps as out of bounds. Every guest
/// allocator grows in a callee, so stitch cannot run the fragmentation workloads.
const NESTED_GROW_TRAPS: &[&str] = &["stitch-interpreter"];

#[test]
fn a_page_grown_in_a_callee_is_usable_in_its_caller() {
    let wasm = wat::parse_str(GROW_THEN_STORE).unwrap();
    let guest = GuestModule::as_is("grow-then-store", wasm, &["direct", "nested"]).unwrap();
    let mut ran = 0;
    for spec in matrix::constrained_runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let compiled = rt.compile(&guest).unwrap();
        let mut instance = compiled.instantiate().unwrap();
        assert_eq!(instance.call("direct", [0, 0, 0]).unwrap(), 7, "{name}");
        let mut instance = compiled.instantiate().unwrap();
        let nested = instance.call("nested", [0, 0, 0]);
        if NESTED_GROW_TRAPS.contains(&spec.id) {
            let err = nested.expect_err(&format!(
                "{name}: no longer traps: remove it from NESTED_GROW_TRAPS"
            ));
            assert!(is_trap(&err), "{name}: {err:#}");
            assert!(
                format!("{err:#}").contains("out of bounds memory access"),
                "{name}: {err:#}"
            );
        } else {
            assert_eq!(nested.unwrap(), 7, "{name}");
        }
        ran += 1;
    }
    // tinywasm's four backends and stitch, at least.
    assert!(ran >= 5, "{ran} configurations ran");
}

/// A resolved call allocates nothing, the first on a fresh instance included, on every
/// constrained runtime: no argument or result `Vec` (tinywasm's `FunctionTyped::call` and wamrx's
/// `Func::call` made two per call before their vendored patches) and no compilation (stitch
/// compiled each function on its first call, per instance, before the vendored
/// `Instance::compile_all`). wasm3 compiles in C (`malloc`), which this counter does not see: its
/// first calls are timed in [`a_first_call_on_a_fresh_instance_compiles_nothing`].
#[test]
fn a_call_on_a_fresh_instance_allocates_nothing() {
    let guest = lazy_compile_guest();
    let mut ran = 0;
    for spec in matrix::constrained_runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let compiled = rt.compile(&guest).unwrap();
        // One call on a first instance sets up what a runtime keeps per thread (stitch's stack,
        // WAMR's thread environment).
        let mut warm = compiled.instantiate().unwrap();
        let run = warm.export("run").unwrap();
        assert_eq!(warm.call_export(run, [5, 0, 0]).unwrap(), 5, "{name}");
        for round in 0..3 {
            let mut fresh = compiled.instantiate().unwrap();
            let run = fresh.export("run").unwrap();
            let (first, allocated) = allocations(|| fresh.call_export(run, [7, 0, 0]));
            assert_eq!(first.unwrap(), 7, "{name}");
            assert_eq!(
                allocated, 0,
                "{name}, round {round}: the first call on a fresh instance allocated {allocated} \
                 times"
            );
            let (last, allocated) = allocations(|| {
                let mut last = 0;
                for i in 0..100 {
                    last = fresh.call_export(run, [i, 0, 0]).unwrap();
                }
                last
            });
            assert_eq!(last, 99, "{name}");
            assert_eq!(
                allocated, 0,
                "{name}: 100 calls allocated {allocated} times"
            );
        }
        ran += 1;
    }
    assert!(ran >= 5, "{ran} configurations ran");
}

/// The first call of `run` on an instance that compiles lazily, through the runtime's own API
/// (stitch compiles `run` and its helper in it; wasm3 compiles `run` when it is looked up and the
/// helper in the call): what a first call cost before the adapters compiled ahead. `None` for the
/// runtimes that compile when they load a module.
fn lazily_compiled_first_call(runtime: &str, wasm: &[u8]) -> Option<Duration> {
    match runtime {
        "stitch-interpreter" => {
            use makepad_stitch::{Engine, Linker, Module, Store, Val};
            let engine = Engine::new();
            let module = Module::new(&engine, wasm).unwrap();
            let mut store = Store::new(engine);
            let instance = Linker::new().instantiate(&mut store, &module).unwrap();
            let run = instance.exported_func("run").unwrap();
            let mut out = [Val::I64(0)];
            let args = [Val::I32(3), Val::I32(0), Val::I32(0)];
            let start = Instant::now();
            run.call(&mut store, &args, &mut out).unwrap();
            let elapsed = start.elapsed();
            assert_eq!(out[0], Val::I64(3));
            Some(elapsed)
        }
        #[cfg(feature = "c-runtimes")]
        "wasm3-interpreter" => {
            use wasm3x::{Config, Engine, Linker, Module, Store};
            let engine = Engine::new(&Config::new());
            let module = Module::new(&engine, wasm).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate_and_start(&mut store, &module)
                .unwrap();
            let run = instance
                .get_typed_func::<(i32, i32, i32), i64>(&store, "run")
                .unwrap();
            let start = Instant::now();
            let out = run.call(&mut store, (3, 0, 0)).unwrap();
            let elapsed = start.elapsed();
            assert_eq!(out, 3);
            Some(elapsed)
        }
        _ => None,
    }
}

/// On every constrained runtime, the first call on a fresh instance takes about as long as the
/// second: nothing in it compiles. Before the adapters compiled ahead (`Instance::compile_all`
/// of the vendored stitch and wasm3x), stitch's first call compiled `run` and its helper, and
/// wasm3's the helper; each round also times that lazily compiled first call through the
/// runtime's own API, so the test shows it tells the two apart. Side by side, a fresh instance
/// per round, medians over the rounds, with a margin for a first call's cold caches.
#[test]
fn a_first_call_on_a_fresh_instance_compiles_nothing() {
    let guest = lazy_compile_guest();
    const ROUNDS: usize = 41;
    let mut lazy_checked = 0;
    for spec in matrix::constrained_runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let compiled = rt.compile(&guest).unwrap();
        let (mut first, mut second, mut lazy) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let mut fresh = compiled.instantiate().unwrap();
            let run = fresh.export("run").unwrap();
            let (a, t1) = fresh.call_timed(run, [3, 0, 0], 1).unwrap();
            let (b, t2) = fresh.call_timed(run, [3, 0, 0], 1).unwrap();
            assert_eq!((a, b), (3, 3), "{name}");
            first.push(t1);
            second.push(t2);
            lazy.extend(lazily_compiled_first_call(spec.id, &guest.wasm));
        }
        let median = |mut v: Vec<Duration>| {
            v.sort();
            v.get(v.len() / 2).copied()
        };
        let (first, second) = (median(first).unwrap(), median(second).unwrap());
        let bound = second * 4 + Duration::from_micros(20);
        let lazy = median(lazy);
        let report = format!(
            "{name}, medians of {ROUNDS} rounds: first call on a fresh instance {first:?}, \
             second {second:?}, a first call that compiles {lazy:?}; bound {bound:?}"
        );
        eprintln!("{report}");
        if let Some(lazy) = lazy {
            assert!(
                lazy > bound,
                "the guest compiles too fast to tell: {report}"
            );
            lazy_checked += 1;
        }
        assert!(first <= bound, "a first call compiles: {report}");
    }
    // stitch at least (and wasm3's two stacks with `c-runtimes`).
    assert!(lazy_checked >= 1, "{lazy_checked}");
}
