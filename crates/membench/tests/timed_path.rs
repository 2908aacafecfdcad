//! The timed path holds only what it names: once an export is resolved, calling it performs no
//! lookup and allocates nothing, on every runtime × strategy of the matrix (a lookup by name
//! allocates: wasmtime's `get_typed_func`, a table insert with a `String`), and instantiation is
//! timed by the adapter over the steps it names.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use membench::case::GuestBuild;
use membench::contiguous::MemoryVariant;
use membench::matrix;
use membench::runtime::GuestModule;

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
        let compiled = rt.compile(&guest).unwrap();
        // The first call on a fresh instance, as every first-touch, grow and fragmentation sample
        // makes it: whatever a runtime does lazily per instance on a first call (compiling the
        // function, filling a cache) would be inside those samples' clocks. What it does once per
        // module (wasmi's lazy translation) falls in criterion's warm-up, on an earlier
        // instance, as here.
        let mut first = compiled.instantiate().unwrap();
        first.call("seq_read_i64", [addr, 4096, 2]).unwrap();
        drop(first);
        let mut fresh = compiled.instantiate().unwrap();
        let export = fresh.export("seq_read_i64").unwrap();
        let (_, first_call) = allocations(|| fresh.call_export(export, [addr, 4096, 2]).unwrap());
        assert_eq!(
            first_call, 0,
            "{} {}: the first call on a fresh instance allocated {first_call} times",
            spec.id, spec.strategy
        );
        drop(fresh);
        let mut instance = compiled.instantiate().unwrap();
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
            calling, 0,
            "{} {}: 100 resolved calls allocated {calling} times",
            spec.id, spec.strategy
        );
    }
}

/// A module of 16 pages whose exports follow the guest ABI, with `functions` functions of
/// `body` instructions each: the same instance to make, more code to compile.
fn module_with_code(functions: usize, body: usize) -> GuestModule {
    let mut wat = String::from("(module (memory (export \"memory\") 16)\n");
    for f in 0..functions {
        wat.push_str(&format!(
            "(func (export \"f{f}\") (param i32 i32 i32) (result i64) (local $s i32)\n"
        ));
        for i in 0..body {
            wat.push_str(&format!(
                "(local.set $s (i32.add (local.get $s) (i32.const {i})))\n"
            ));
        }
        wat.push_str("(i64.extend_i32_u (local.get $s)))\n");
    }
    wat.push(')');
    let wasm = wat::parse_str(&wat).unwrap();
    GuestModule::as_is("code", wasm, &[]).unwrap()
}

/// Instantiation is timed over the steps the adapter names, and bounded from above: it does not
/// grow with the module's code (40 functions of 1 instruction against 40 of 2 000, the same
/// memory; fastest of 7 each, in turns: at most 4 times the small one's and 50 µs), so no
/// compiling or parsing hides in it (compiling that code takes milliseconds), unless the
/// adapter's own words for the timed region (`timed_instantiation`, the record's `timed`) say
/// so (wasm3's parse).
#[test]
fn instantiation_is_timed_by_the_adapter_named_and_holds_no_compilation() {
    let (small, large) = (module_with_code(40, 1), module_with_code(40, 2_000));
    // The native baseline runs no wasm.
    for spec in matrix::runtimes().into_iter().filter(|s| !s.native) {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let (small, large) = (rt.compile(&small).unwrap(), rt.compile(&large).unwrap());
        let named = large.timed_instantiation();
        let fastest = |c: &dyn membench::runtime::Compiled| {
            let (instance, timed) = c.instantiate_timed().unwrap();
            drop(instance);
            timed
        };
        let (mut s, mut l) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..7 {
            s = s.min(fastest(small.as_ref()));
            l = l.min(fastest(large.as_ref()));
        }
        let mut instance = large.instantiate().unwrap();
        assert_eq!(instance.memory().unwrap().size_bytes, 16 * 65536, "{name}");
        let says_it_parses = ["parse", "compil"]
            .iter()
            .any(|w| named.to_lowercase().contains(w));
        if !says_it_parses {
            assert!(
                l <= s * 4 + std::time::Duration::from_micros(50),
                "{name}: the timed instantiation ({named}) of a module with 2 000 times the \
                 code takes {l:?} against {s:?}: compiling or parsing is inside the clock"
            );
        }
    }
}

/// With `RUST_BACKTRACE=1` in the environment (as on the machines this runs on), a host grow
/// past the maximum is timed as the engine's refusal alone: the measuring process turns off
/// library backtraces first ([`membench::record::quiet_library_backtraces`], as the benches and
/// the CLI do), and the adapters build any error context after the clock. Before, every
/// in-process row, native included, read 32-36 µs per refused grow: a backtrace captured per
/// grow. Run in a child process, since the standard library decides once per process.
#[test]
fn a_refused_host_grow_captures_no_backtrace_inside_the_clock() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "refused_host_grows_in_a_process_with_rust_backtrace",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RUST_BACKTRACE", "1")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
}

/// Below any backtrace's capture (tens of microseconds) and far above any engine's refusal
/// (well under a microsecond in process).
const REFUSED_GROW_AT_MOST: std::time::Duration = std::time::Duration::from_micros(3);

#[test]
#[ignore = "run by a_refused_host_grow_captures_no_backtrace_inside_the_clock, in a child process"]
fn refused_host_grows_in_a_process_with_rust_backtrace() {
    use membench::contiguous::MaxDecl;
    use membench::grow::{GrowPattern, Prepared};
    assert_eq!(std::env::var("RUST_BACKTRACE").as_deref(), Ok("1"));
    membench::record::quiet_library_backtraces();
    let stamp = membench::record::RunStamp::current();
    assert_eq!(
        stamp.environment.get("RUST_BACKTRACE").map(String::as_str),
        Some("1"),
        "the run records the environment it measured in: {:?}",
        stamp.environment
    );
    let variant = MemoryVariant::new(membench::module::MemoryDecl::Defined, MaxDecl::Exact);
    let pattern = GrowPattern::HostGrowFail(16);
    let mut slow = Vec::new();
    for spec in matrix::runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let p = match Prepared::new(rt.as_ref(), pattern, variant) {
            Ok(p) => p,
            // A runtime without host grows (WAMR's and wasm3's crates) says so.
            Err(e) => {
                assert!(
                    membench::record::NotMeasured::of(&e).cannot_run(),
                    "{name}: {e:#}"
                );
                continue;
            }
        };
        let mut fastest = std::time::Duration::MAX;
        for _ in 0..5 {
            let mut instance = p.fresh().unwrap();
            match p.run(instance.as_mut()) {
                Ok(t) => fastest = fastest.min(t / pattern.grows() as u32),
                Err(e) if membench::record::NotMeasured::of(&e).cannot_run() => break,
                Err(e) => panic!("{name}: {e:#}"),
            }
        }
        if fastest != std::time::Duration::MAX && fastest > REFUSED_GROW_AT_MOST {
            slow.push(format!("{name}: {fastest:?}"));
        }
    }
    assert!(
        slow.is_empty(),
        "a refused host grow took more than {REFUSED_GROW_AT_MOST:?}: {slow:?}"
    );
}
