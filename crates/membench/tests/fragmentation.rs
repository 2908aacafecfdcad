//! Known answers for the fragmentation family on every wasm runtime-engine (the JavaScript
//! engines' memories read from their process): a bump allocator's
//! waste is exactly its computed value, apart from the guest's fixed pages; a moving realloc
//! holds both blocks; every allocated block is written, so its pages are resident; the resident figure agrees with figures read another way
//! (the kernel's Rss of the mappings holding the memory above it, the process's RSS growth below
//! it) and counts the touched pages of a mostly untouched memory, no more; the reserved figure is
//! never below the memory's size, heap buffers included; freeing everything does not shrink linear
//! memory; and modules that do not follow the guest ABI are refused with what is missing.

use membench::fragmentation::{self, Allocator, Figures, Workload, FIXED_64K};
use membench::matrix;
use membench::module::PAGE;
use membench::procfs::{self, ReservedBasis};
use membench::record::{FailureKind, NotMeasured};
use membench::runtime::{GuestModule, MemoryInfo, Runtime};

/// Address-space and resident figures are process-wide: tests that read them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every wasm runtime-engine under its default strategy, the JavaScript engines included (their
/// memory is found in the engine's process and read from `/proc/<pid>/`), those installed. Not
/// stitch: a page grown in a callee traps in its caller there, so no allocator runs on it
/// (`tests/constrained.rs` checks that it still does).
fn wasm_runtimes() -> Vec<Box<dyn Runtime>> {
    matrix::bench_runtimes(matrix::Scope::Default)
        .into_iter()
        .filter(|s| s.is_default() && !s.native && s.id != "stitch-interpreter")
        .filter_map(|s| s.build_optional().unwrap())
        .collect()
}

/// Whether `rt` runs `allocator`'s guest: every runtime here runs the 64 KiB-page ones, and
/// those with the custom-page-sizes proposal the 1-byte-page one ([`Allocator::BumpBytes`]); a
/// refusal must be the typed *unsupported*.
fn runs(rt: &dyn Runtime, allocator: Allocator) -> bool {
    let guest = fragmentation::guest(allocator).unwrap();
    match fragmentation::compile(rt, &guest) {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(allocator, Allocator::BumpBytes, "{}: {e:#}", rt.id());
            assert_eq!(
                NotMeasured::of(&e),
                FailureKind::Unsupported,
                "{}: {e:#}",
                rt.id()
            );
            false
        }
    }
}

/// The same bump allocator over 1-byte pages makes the same allocations at the same addresses
/// and grows memory to exactly where the last one ends; over 64 KiB pages it grows to the next
/// page boundary past it. So on every runtime with custom page sizes, for every workload, the
/// 64 KiB memory is the 1-byte one rounded up to a page, and live bytes are equal. The runtimes
/// without the proposal (wasmer, WAMR, every JavaScript engine) refuse it as *unsupported*.
///
#[test]
fn a_byte_granular_bump_grows_to_the_byte_where_the_paged_one_rounds_up() {
    with_main_thread_stack(byte_granular_bump);
}

/// Runs `test` on a thread with the main thread's 8 MiB of stack, as the benches and `membench
/// measure` run their cases: wasmi 2.0 on stable Rust keeps one host stack frame per
/// `memory.grow` executed until the call returns (its "tail" dispatch's `memory_grow` handler is
/// not compiled to a tail call), and a bump allocator over 1-byte pages grows memory at nearly
/// every allocation: `sawtooth` overflows a test thread's 2 MiB there, not 8 MiB.
fn with_main_thread_stack(test: fn()) {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(test)
        .unwrap()
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn byte_granular_bump() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bytes = fragmentation::guest(Allocator::BumpBytes).unwrap();
    assert_eq!(bytes.memory.page_size_log2, Some(0));
    assert_eq!(
        bytes.memory.initial,
        fragmentation::guest(Allocator::Bump)
            .unwrap()
            .memory
            .initial
    );
    let mut refused = Vec::new();
    for rt in wasm_runtimes() {
        if !runs(rt.as_ref(), Allocator::BumpBytes) {
            refused.push(rt.id().to_string());
            continue;
        }
        for workload in fragmentation::WORKLOADS.into_iter().chain([FIXED_64K]) {
            let name = format!("{} {}", rt.id(), workload.id);
            let paged = fragmentation::guest(Allocator::Bump).unwrap();
            let paged = fragmentation::measure(rt.as_ref(), &paged, workload).unwrap();
            let exact = fragmentation::measure(rt.as_ref(), &bytes, workload).unwrap();
            assert_eq!(exact.allocations, paged.allocations, "{name}");
            assert_eq!(exact.peak_live_bytes, paged.peak_live_bytes, "{name}");
            assert_eq!(
                exact.linear_bytes.next_multiple_of(PAGE),
                paged.linear_bytes,
                "{name}: {exact:?} {paged:?}"
            );
        }
    }
    let expected: Vec<String> = wasm_runtimes()
        .iter()
        .filter(|rt| {
            rt.js().is_some() || rt.id().starts_with("wasmer-") || rt.id().starts_with("wamr-")
        })
        .map(|rt| rt.id().to_string())
        .collect();
    assert_eq!(refused, expected);
}

/// The guest's own pages (stack and statics: its memory before the first allocation) are the
/// fixed figure, not the allocator's waste: a bump allocator handing out whole 64 KiB blocks
/// wastes nothing beyond them.
#[test]
fn a_bump_allocator_of_whole_pages_wastes_nothing_beyond_the_fixed_pages() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let guest = fragmentation::guest(Allocator::Bump).unwrap();
    let initial = guest.memory.initial;
    for rt in wasm_runtimes() {
        let f = fragmentation::measure(rt.as_ref(), &guest, FIXED_64K).unwrap();
        let blocks = u64::from(FIXED_64K.scale);
        assert_eq!(f.linear_bytes, (initial + blocks) * PAGE, "{}", rt.id());
        assert_eq!(f.peak_live_bytes, Some(blocks * 65536), "{}", rt.id());
        assert_eq!(f.fixed_bytes, Some(initial * PAGE), "{}", rt.id());
        assert_eq!(f.waste_bytes, Some(0), "{}", rt.id());
        assert_eq!(f.allocations, blocks, "{}", rt.id());
    }
}

/// A `realloc` that moves holds the old block and the new one during the copy, so both count
/// in peak live: `vec-doubling` to 16 MiB through a bump allocator (every realloc moves) peaks
/// at the last doubling, 8 MiB copied into 16 MiB.
#[test]
fn a_moving_realloc_counts_both_blocks_in_peak_live() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let doubling = fragmentation::WORKLOADS[3];
    assert_eq!((doubling.id, doubling.scale), ("vec-doubling", 16));
    let guest = fragmentation::guest(Allocator::Bump).unwrap();
    for rt in wasm_runtimes() {
        let f = fragmentation::measure(rt.as_ref(), &guest, doubling).unwrap();
        assert_eq!(f.peak_live_bytes, Some(24 << 20), "{}: {f:?}", rt.id());
    }
}

/// Slack for the independent figures: RSS and smaps are process-wide and count in OS pages, and a
/// call's host side (lazy trampolines, the allocator's own pages) makes a little resident too.
const SLACK: u64 = 2 << 20;

/// What `measure_with` reads beside the figures: the kernel's own count (`Rss` in
/// `/proc/<pid>/smaps`) of the mappings holding the memory, and how the memory lives.
fn independently(info: &MemoryInfo) -> (u64, Holder) {
    let holder = match (info.heap_backed, info.process) {
        (true, _) => Holder::HeapBuffer,
        (false, None) => Holder::OwnMapping,
        (false, Some(_)) => Holder::EngineMapping,
    };
    match info.range("smaps") {
        Ok(range) => (procfs::rss_of_mappings_overlapping(range).unwrap(), holder),
        // Only a memory in an engine's process may not be located (two candidates appeared, or
        // it is a heap buffer there: WebKit's past its fast memories), or a heap buffer whose
        // runtime gives no address (tinywasm).
        Err(e) => {
            assert!(
                info.process.is_some() || (info.heap_backed && info.base.is_none()),
                "{e:#}"
            );
            (0, Holder::Unlocated)
        }
    }
}

/// How the memory lives, for which independent figures apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A heap buffer in this process: it may be handed out already resident.
    HeapBuffer,
    /// A mapping of its own in this process, where nothing else runs during the workload.
    OwnMapping,
    /// A mapping of its own in an engine's process, where the engine's own heap and its
    /// optimising compiler (tiering up during the workload) make pages resident too.
    EngineMapping,
    /// In an engine's process, but not located among the mappings that appeared with it: no
    /// resident figure.
    Unlocated,
}

/// Checks `f`'s resident and reserved figures against figures read another way: resident (pagemap
/// over the memory's range) must not exceed the kernel's Rss of the mappings holding that range
/// (so pages pagemap does not see as resident, or a range past the memory, would show), and, for a
/// memory of its own mapping, must cover what the workload made resident in the whole process (so
/// a range that misses part of the memory, or a pagemap that counts too little, would show).
fn assert_figures_hold(name: &str, f: &Figures, smaps_rss: u64, holder: Holder) {
    // A memory that exists reserves at least its own bytes, wherever it lives.
    assert!(f.linear_bytes <= f.reserved_virtual_bytes, "{name}: {f:?}");
    let Some(resident) = f.resident_bytes else {
        assert!(
            holder == Holder::Unlocated && f.resident_unsupported.is_some(),
            "{name}: no resident figure for a memory that was located: {f:?}"
        );
        return;
    };
    assert!(holder != Holder::Unlocated, "{name}: {f:?}");
    assert!(resident <= f.linear_bytes, "{name}: {f:?}");
    assert!(
        resident <= smaps_rss + SLACK,
        "{name}: pagemap counts {resident} resident, more than the Rss of the mappings holding the memory ({smaps_rss}): {f:?}",
    );
    match holder {
        // A heap buffer may be handed out already resident, so the process RSS need not grow.
        Holder::HeapBuffer | Holder::Unlocated => {}
        Holder::OwnMapping => assert!(
            resident + SLACK >= f.rss_delta_bytes.max(0) as u64,
            "{name}: the workload made {} bytes resident in the process, pagemap counts only {resident} in the memory: {f:?}",
            f.rss_delta_bytes,
        ),
        // A memory carved from a region the engine reserved at start (JSC's in WebKit) shares
        // that mapping with the page's other memories, which a page that cannot force a
        // collection may still hold: the mapping's Rss is theirs too, no lower bound.
        Holder::EngineMapping if f.reserved_basis == ReservedBasis::ReservedBeforeAtLeastLinear => {}
        // The engine's process grows for its own reasons; the mappings holding the memory are
        // the memory (and at most a page beside it), so their Rss bounds it from below too.
        Holder::EngineMapping => assert!(
            resident + SLACK >= smaps_rss,
            "{name}: the mappings holding the memory have {smaps_rss} bytes resident, pagemap counts only {resident} in the memory: {f:?}",
        ),
    }
    let basis = match holder {
        Holder::HeapBuffer => ReservedBasis::HeapBufferAtLeastLinear,
        // A browser's engine carves memories out of a region it reserved at start (V8's sandbox,
        // JSC's region in WebKit): VmSize need not grow by the memory.
        Holder::EngineMapping if f.reserved_basis == ReservedBasis::ReservedBeforeAtLeastLinear => {
            ReservedBasis::ReservedBeforeAtLeastLinear
        }
        _ => ReservedBasis::Mappings,
    };
    assert_eq!(f.reserved_basis, basis, "{name}: {f:?}");
}

#[test]
fn resident_and_reserved_agree_with_independent_figures_for_every_case() {
    with_main_thread_stack(resident_and_reserved_agree);
}

fn resident_and_reserved_agree() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for rt in wasm_runtimes() {
        for allocator in Allocator::ALL.into_iter().filter(|a| runs(rt.as_ref(), *a)) {
            let guest = fragmentation::guest(allocator).unwrap();
            for workload in fragmentation::WORKLOADS {
                let (f, (smaps_rss, holder)) =
                    fragmentation::measure_with(rt.as_ref(), &guest, workload, independently)
                        .unwrap();
                let name = format!("{} {} {}", rt.id(), allocator.id(), workload.id);
                assert_figures_hold(&name, &f, smaps_rss, holder);
                let live = f.peak_live_bytes.unwrap();
                assert!(live <= f.linear_bytes, "{name}: {f:?}");
            }
        }
    }
}

/// A guest whose `run(touched, pages, _)` grows its memory by `pages` pages and writes one byte
/// into each of the first `touched` of them: a known number of touched pages in a memory that is
/// mostly untouched.
fn sparse_toucher() -> GuestModule {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "run") (param i32 i32 i32) (result i64) (local $old i32) (local $i i32)
               (local.set $old (memory.grow (local.get 1)))
               (block $done (loop $next
                 (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
                 (i32.store8
                   (i32.mul (i32.add (local.get $old) (local.get $i)) (i32.const 65536))
                   (i32.const 1))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $next)))
               (i64.extend_i32_u (local.get 0))))"#,
    )
    .unwrap();
    GuestModule::as_is("sparse", wasm, &fragmentation::REQUIRED_EXPORTS).unwrap()
}

#[test]
fn resident_counts_the_touched_pages_of_a_mostly_untouched_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let guest = sparse_toucher();
    // 256 new pages (16 MiB), 32 of them touched (one OS page each, or one huge page with THP).
    let workload = Workload {
        id: "sparse",
        index: 0,
        scale: 256,
    };
    let touched = 32u64;
    let os_page = procfs::page_size() as u64;
    for rt in wasm_runtimes() {
        let (f, (smaps_rss, holder)) = fragmentation::measure_with(
            rt.as_ref(),
            &guest,
            Workload {
                index: touched as u32,
                ..workload
            },
            independently,
        )
        .unwrap_or_else(|e| panic!("{}: {e:#}", rt.id()));
        let name = rt.id().to_string();
        assert_eq!(f.linear_bytes, 257 * PAGE, "{name}");
        assert_figures_hold(&name, &f, smaps_rss, holder);
        let Some(resident) = f.resident_bytes else {
            continue;
        };
        assert!(
            resident >= touched * os_page,
            "{name}: {touched} pages were written, pagemap counts {resident} bytes resident: {f:?}",
        );
        if holder != Holder::HeapBuffer {
            // Nothing but the touched pages (and the first page, which the runtime may initialise)
            // needs to be resident in a fresh mapping: counting the untouched 15 MiB would show.
            assert!(
                resident <= (touched + 1) * PAGE,
                "{name}: only {touched} of 256 pages were written, pagemap counts {resident} bytes resident (smaps Rss {smaps_rss}): {f:?}",
            );
        }
    }
}

#[test]
fn freeing_everything_does_not_shrink_linear_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let peak_release = fragmentation::WORKLOADS[4];
    assert_eq!(peak_release.id, "peak-release");
    for rt in wasm_runtimes() {
        for allocator in Allocator::ALL.into_iter().filter(|a| runs(rt.as_ref(), *a)) {
            let guest = fragmentation::guest(allocator).unwrap();
            let f = fragmentation::measure(rt.as_ref(), &guest, peak_release).unwrap();
            let name = format!("{} {}", rt.id(), allocator.id());
            assert!(f.linear_bytes >= 256 << 20, "{name}: {f:?}");
            assert!(f.live_bytes_end.unwrap() < 1 << 20, "{name}: {f:?}");
            assert!(f.peak_live_bytes.unwrap() >= 256 << 20, "{name}: {f:?}");
            // The workload writes every block it allocates, as a program does, and a wasm
            // memory cannot give pages back: what the peak made resident stays resident.
            if let Some(resident) = f.resident_bytes {
                assert!(
                    resident * 10 >= f.peak_live_bytes.unwrap() * 9,
                    "{name}: {resident} bytes resident after a peak of {:?} live: {f:?}",
                    f.peak_live_bytes
                );
            }
        }
    }
}

#[test]
fn modules_that_do_not_follow_the_guest_abi_are_refused_naming_what_is_missing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let required = &fragmentation::REQUIRED_EXPORTS;
    let err = GuestModule::as_is("junk", b"\0asm\x01\0\0\0\xff".to_vec(), required).unwrap_err();
    assert!(
        format!("{err:#}").contains("not valid WebAssembly"),
        "{err:#}"
    );
    let no_run = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    let err = GuestModule::as_is("no-run", no_run, required).unwrap_err();
    assert!(format!("{err:#}").contains("`run`"), "{err:#}");
    let wrong = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "run") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let err = GuestModule::as_is("wrong", wrong, required).unwrap_err();
    assert!(
        format!("{err:#}").contains("`run` with type (i32, i32, i32) -> i64"),
        "{err:#}"
    );
    let no_memory = wat::parse_str(
        r#"(module (func (export "run") (param i32 i32 i32) (result i64) i64.const 0))"#,
    )
    .unwrap();
    let err = GuestModule::as_is("no-memory", no_memory, required).unwrap_err();
    assert!(format!("{err:#}").contains("no memory"), "{err:#}");
    // A conforming module given as text is measured like the built-in guests.
    let own = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "run") (param i32 i32 i32) (result i64)
               (drop (memory.grow (local.get 1))) (i64.const 1)))"#,
    )
    .unwrap();
    let guest = GuestModule::as_is("own", own, required).unwrap();
    let custom = Workload {
        id: "custom",
        index: 0,
        scale: 3,
    };
    for rt in wasm_runtimes() {
        let f = fragmentation::measure(rt.as_ref(), &guest, custom).unwrap();
        assert_eq!(f.linear_bytes, 4 * PAGE, "{}", rt.id());
        assert_eq!(
            f.peak_live_bytes,
            None,
            "{}: no counter, no figure",
            rt.id()
        );
    }
}
