//! The JavaScript engines (node, deno, bun, and the headless browsers Chromium, Firefox and
//! WebKitGTK) behind the runtime trait: what only they have, an engine process driven over a pipe
//! or a page over a WebSocket. (What only the browsers have is in `tests/browsers.rs`.) (The cross-runtime properties, the same results as native,
//! traps, declared limits, refused signatures, run on them in `tests/contiguous.rs`.)
//!
//! An engine that is not installed is skipped with a note, unless `MEMBENCH_REQUIRE_ALL=1` (CI).

use std::time::{Duration, Instant};

use membench::case::GuestBuild;
use membench::contiguous::{Kernel, MemoryVariant, Pattern, Touch, Width};
use membench::grow::{self, GrowPattern};
use membench::runtime::{Runtime, RuntimeSpec};
use membench::runtimes::js;

/// The engine × switch with this id and slug, built, or `None` when it is not installed.
fn engine(id: &str, slug: &str) -> Option<(RuntimeSpec, Box<dyn Runtime>)> {
    let spec = js::specs()
        .into_iter()
        .find(|s| s.id == id && s.slug == slug)
        .unwrap_or_else(|| panic!("no {id} @{slug} in the matrix"));
    let rt = spec
        .build_optional()
        .unwrap_or_else(|e| panic!("{id} @{slug}: {e:#}"))?;
    Some((spec, rt))
}

/// Address space one fresh instance of a 16-page memory with an exact maximum adds to the engine
/// process, bytes (`VmSize` of `/proc/<pid>/status`, around the instantiation).
fn reservation(rt: &dyn Runtime) -> u64 {
    let variant = MemoryVariant::ALL[1];
    let p = grow::Prepared::new(rt, GrowPattern::GrowFail(16), variant).unwrap();
    let (footprint, _instance) = p.footprint().unwrap();
    footprint.reserved_virtual_bytes
}

const GIB: u64 = 1 << 30;

/// Every engine's id, each at its default strategy in the tests that run one configuration each.
const EVERY_ENGINE: [&str; 6] = [
    "node-v8",
    "deno-v8",
    "bun-jsc",
    "chromium-v8",
    "firefox-spidermonkey",
    "webkitgtk-jsc",
];

/// Each memory switch changes the reservation a new memory gets, as the engine documents it: V8's
/// trap handler reserves ~10 GiB per memory and without it a memory with a maximum reserves about
/// its maximum; JSC's fast memory reserves ~4 GiB and without it nothing ahead; deno's V8 runs
/// without the trap handler (`js-host/NOTES.md`).
#[test]
fn each_memory_switch_changes_the_reservation_it_claims_to() {
    for (id, slug, at_least, below) in [
        ("node-v8", "default", 8 * GIB, u64::MAX),
        ("node-v8", "no-trap-handler", 0, GIB),
        ("deno-v8", "default", 0, GIB),
        ("bun-jsc", "default", 4 * GIB, u64::MAX),
        ("bun-jsc", "no-fast-memory", 0, GIB),
    ] {
        let Some((_, rt)) = engine(id, slug) else {
            continue;
        };
        let reserved = reservation(rt.as_ref());
        assert!(
            reserved >= at_least && reserved < below,
            "{id} @{slug}: one 16-page memory reserved {reserved} bytes, expected [{at_least}, {below})"
        );
    }
}

/// Every switch is one the engine accepts (an unknown flag or JSC option makes the engine exit at
/// start, which fails here) and runs the guest.
#[test]
fn every_switch_starts_its_engine_and_runs_the_guest() {
    for spec in js::specs() {
        let Some(rt) = spec
            .build_optional()
            .unwrap_or_else(|e| panic!("{} @{} does not start: {e:#}", spec.id, spec.slug))
        else {
            continue;
        };
        assert!(rt.version().contains("clock"), "{}", rt.version());
        let p = grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(16), MemoryVariant::ALL[1])
            .unwrap();
        let mut instance = p.fresh().unwrap();
        ran_or_too_short(
            &format!("{} @{}", spec.id, spec.slug),
            p.run(instance.as_mut()),
        );
    }
}

/// A grow pattern ran and its outcome held: measured, or a region shorter than 100 ticks of the
/// engine's clock (a browser's `performance.now`), which is a finding naming the clock, never a
/// figure (`runtime::enough_ticks`; the outcome is checked before).
fn ran_or_too_short(name: &str, ran: anyhow::Result<Duration>) {
    if let Err(e) = ran {
        let text = format!("{e:#}");
        assert!(
            membench::record::NotMeasured::of(&e) == membench::record::FailureKind::Finding
                && text.contains("fewer than 100 ticks"),
            "{name}: {text}"
        );
    }
}

/// The timed figure is the engine's own: shorter than the request as seen from here (which adds
/// the pipe and the JSON), and longer for more calls.
#[test]
fn a_timed_call_is_timed_inside_the_engine() {
    for id in EVERY_ENGINE {
        let Some((_, rt)) = engine(id, "default") else {
            continue;
        };
        let pattern = Pattern {
            kernel: Kernel::SeqRead,
            width: Width::I64,
            touch: Touch::Warm,
        };
        let mut p = membench::contiguous::Prepared::new(
            rt.as_ref(),
            pattern,
            MemoryVariant::ALL[1],
            1 << 20,
            GuestBuild::Scalar,
        )
        .unwrap();
        // Past a tiering engine's first calls (V8's Liftoff, then TurboFan).
        p.run_warm_timed(30).unwrap();
        let start = Instant::now();
        let one = p.run_warm_timed(1).unwrap();
        let seen_from_here = start.elapsed();
        assert!(one < seen_from_here, "{id}: {one:?} >= {seen_from_here:?}");
        // Fastest of 5 each: one call caught by a collection or a tier-up is not the call.
        let one = (0..5)
            .map(|_| p.run_warm_timed(1).unwrap())
            .fold(one, Duration::min);
        let many = (0..5)
            .map(|_| p.run_warm_timed(50).unwrap())
            .fold(Duration::MAX, Duration::min);
        assert!(many > one * 10, "{id}: 50 calls {many:?}, 1 call {one:?}");
    }
}

/// A grow past the maximum from the host is JavaScript's `RangeError`, and the memory is unchanged
/// and still grows within its maximum.
#[test]
fn a_grow_past_the_maximum_is_a_range_error_and_the_memory_survives() {
    for id in EVERY_ENGINE {
        let Some((_, rt)) = engine(id, "default") else {
            continue;
        };
        let plan = MemoryVariant::ALL[1].plan_pages(2, 4);
        let guest = grow::guest(plan).unwrap();
        let mut instance = rt.compile(&guest).unwrap().instantiate().unwrap();
        let err = instance.grow(3).unwrap_err();
        assert!(format!("{err:#}").contains("RangeError"), "{id}: {err:#}");
        assert_eq!(instance.memory().unwrap().size_bytes, 2 * 65536, "{id}");
        assert_eq!(instance.grow(2).unwrap(), 2, "{id}");
        assert_eq!(instance.memory().unwrap().size_bytes, 4 * 65536, "{id}");
    }
}

/// Whether `pid` is a process that runs: not gone, and not a zombie waiting for its parent (a
/// browser's page process, orphaned when its browser is killed, waits for whoever adopts it).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// No engine outlives the runtime that started it (for a browser, the process that ran its page).
#[test]
fn dropping_the_runtime_stops_its_engine() {
    for id in EVERY_ENGINE {
        let Some((_, rt)) = engine(id, "default") else {
            continue;
        };
        let plan = MemoryVariant::ALL[1].plan_pages(1, 1);
        let compiled = rt.compile(&grow::guest(plan).unwrap()).unwrap();
        let pid = compiled
            .process()
            .expect("an engine runs in a process of its own");
        assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
        drop(compiled);
        drop(rt);
        // WebKit's web process is not our child: MiniBrowser, which we kill and reap, ends it
        // as it exits, a moment later. Gone within 5 s, or the engine outlived its runtime.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while running(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(
            !running(pid),
            "{id}: process {pid} is still running 5 s after the drop"
        );
    }
}

/// The seed's claims, checked in the engines they were written about (`membench verify`'s checks,
/// with fewer cycles): pages and limits, growth past the maximum (a `RangeError` from JS), the
/// detached buffer, out-of-bounds accesses trapping at every width, fresh memory reading zero, and
/// memory coming back once the collector runs. What a maximum does to the reservation is a
/// finding; for node's default (V8's trap handler) it is a fixed reservation, for deno (no trap
/// handler) it follows the declared maximum.
#[test]
fn the_seed_claims_are_checked_in_the_engines_they_were_written_about() {
    use membench::verify::{self, CheckId, Outcome, Reservation};
    for (id, expected) in [
        ("node-v8", Some(Reservation::Fixed)),
        ("deno-v8", Some(Reservation::DeclaredMaximum)),
        ("bun-jsc", None),
    ] {
        let Some((spec, rt)) = engine(id, "default") else {
            continue;
        };
        drop(rt);
        let options = verify::Options {
            cycles: 20,
            touch_bytes: 16 << 20,
            spec: false,
            many_memories: 64,
        };
        let v = verify::verify(&spec, options);
        let check = |c: CheckId| {
            v.check(c)
                .unwrap_or_else(|| panic!("{id}: no {c} in {:#?}", v.checks))
        };
        for c in [
            CheckId::PagesAndLimits,
            CheckId::GrowPastMaximum,
            CheckId::DetachedOnGrow,
            CheckId::Isolation,
            CheckId::IsolationEdges,
            CheckId::FreshMemoryIsZero,
            CheckId::ReleasedOnDrop,
            CheckId::ReleasedWithHandleKept,
            CheckId::ManyMemories,
        ] {
            let found = check(c);
            assert_eq!(found.outcome, Outcome::Held, "{id} {c}: {}", found.detail);
        }
        assert!(
            check(CheckId::GrowPastMaximum)
                .detail
                .contains("RangeError"),
            "{id}: {}",
            check(CheckId::GrowPastMaximum).detail
        );
        assert!(
            check(CheckId::ReleasedOnDrop)
                .detail
                .contains("forced full collection"),
            "{id}: {}",
            check(CheckId::ReleasedOnDrop).detail
        );
        // A shared memory's reservation is measured in every engine (the JS API has them).
        let reserve = v.reserve_ahead.as_ref().expect("reserve-ahead ran");
        eprintln!(
            "{id} reserve-ahead: {}",
            check(CheckId::ReserveAhead).detail
        );
        match &reserve.shared {
            Some(verify::SharedReserve::Measured {
                exact_maximum,
                maximum_4g,
                ..
            }) => {
                assert!(
                    exact_maximum.total() >= reserve.used_bytes as i64
                        && maximum_4g.total() >= reserve.used_bytes as i64,
                    "{id}: {reserve:?}"
                );
                assert!(
                    check(CheckId::ReserveAhead)
                        .detail
                        .contains("a shared memory (imported, shared: true)"),
                    "{id}: {}",
                    check(CheckId::ReserveAhead).detail
                );
            }
            other => panic!("{id}: shared reserve-ahead {other:?}"),
        }
        if let Some(expected) = expected {
            let found = v
                .reserve_ahead
                .as_ref()
                .expect("reserve-ahead ran")
                .reservation;
            assert_eq!(
                found,
                expected,
                "{id}: {}",
                check(CheckId::ReserveAhead).detail
            );
        }
    }
}

/// Reads `len` bytes at `addr` in process `pid` (root, or a parent, may), as a check from outside
/// that an address found for a memory really is that memory.
fn read_in(pid: u32, addr: usize, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: `local` is our buffer of `len` bytes; the remote side is only read by the kernel.
    let n = unsafe { libc::process_vm_readv(pid as libc::pid_t, &local, 1, &remote, 1, 0) };
    assert_eq!(
        n,
        len as isize,
        "process_vm_readv at {addr:#x} in {pid}: {}",
        std::io::Error::last_os_error()
    );
    buf
}

/// The address found for a JS engine's memory (the mapping that appeared when it was created) is
/// that memory: bytes the guest stores read back there from outside the engine, before and after
/// a grow, its pages read as resident once written and not before, and it is found wherever the
/// engine gives the memory a mapping of its own (everywhere but JSC without fast memory, whose
/// memories are heap buffers: there the figures are typed unsupported, never guessed).
#[test]
fn a_js_memory_is_found_where_the_engine_put_it() {
    use membench::contiguous::MaxDecl;
    use membench::module::{MemoryDecl, PAGE};
    for spec in js::specs() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} @{}", spec.id, spec.slug);
        for decl in [MemoryDecl::Defined, MemoryDecl::Imported] {
            let plan = MemoryVariant::new(decl, MaxDecl::Large).plan_pages(16, 64);
            let compiled = rt.compile(&grow::guest(plan).unwrap()).unwrap();
            let mut i = compiled.instantiate().unwrap();
            let info = i.memory().unwrap();
            let pid = info.process.expect("an engine process");
            let Some(base) = info.base else {
                assert_eq!(
                    spec.slug, "no-fast-memory",
                    "{name} {decl:?}: the memory was not found"
                );
                let err = info.range("residency").unwrap_err();
                assert!(
                    format!("{err:#}").contains("no mapping of its own"),
                    "{err:#}"
                );
                continue;
            };
            let range = info.range("residency").unwrap();
            assert_eq!((range.process, range.len), (Some(pid), 16 * PAGE as usize));
            // Untouched memory is not resident; the pages the guest writes are.
            assert_eq!(
                membench::procfs::resident_in(range).unwrap(),
                0,
                "{name} {decl:?}"
            );
            for (page, value) in [(3u32, 0xA5u32), (15, 0x5A)] {
                let addr = page * PAGE as u32 + 8;
                i.call("store_n", [addr, 8, value]).unwrap();
                assert_eq!(
                    read_in(pid, base + addr as usize, 8),
                    vec![value as u8; 8],
                    "{name} {decl:?}: page {page}"
                );
            }
            let resident = membench::procfs::resident_in(range).unwrap();
            assert!(
                (2 * 4096..=4 * PAGE).contains(&resident),
                "{name} {decl:?}: {resident} bytes resident after writing 2 pages"
            );
            // Grown in place: still found, and the new pages are there.
            i.grow(16).unwrap();
            let grown = i.memory().unwrap();
            assert_eq!(grown.base, Some(base), "{name} {decl:?}: moved on grow");
            let addr = 31 * PAGE as u32;
            i.call("store_n", [addr, 8, 0x77]).unwrap();
            assert_eq!(read_in(pid, base + addr as usize, 8), vec![0x77; 8]);
        }
    }
}

/// A benchmark makes a fresh instance per sample and drops it; JSC gives fast memory to 8 live
/// memories and dropped ones hold theirs until collected. The adapter collects every few
/// instantiations, so the 40th fresh instance in a row still gets what the first got: a fast
/// memory (a mapping of its own), not the heap buffer past the cap.
#[test]
fn fresh_instances_in_a_row_keep_getting_fresh_process_memory() {
    for (id, slug) in [("bun-jsc", "default"), ("node-v8", "default")] {
        let Some((_, rt)) = engine(id, slug) else {
            continue;
        };
        let p = grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(16), MemoryVariant::ALL[1])
            .unwrap();
        for k in 0..40 {
            let mut instance = p.fresh().unwrap();
            let info = instance.memory().unwrap();
            assert!(
                info.base.is_some(),
                "{id} @{slug}: fresh instance {k} has no mapping of its own"
            );
        }
    }
}

/// Every JS configuration that is installed, built.
fn every_configuration() -> Vec<(RuntimeSpec, Box<dyn Runtime>)> {
    js::specs()
        .into_iter()
        .filter_map(|rs| {
            let rt = rs
                .build_optional()
                .unwrap_or_else(|e| panic!("{} @{}: {e:#}", rs.id, rs.slug))?;
            Some((rs, rt))
        })
        .collect()
}

/// The spec store carries every value type bit-exactly, both ways, on every engine × switch:
/// NaNs with payloads (signalling and negative ones too), the extremes of the integers, and a
/// v128, through identity functions and exported globals. A JS Number could not carry them all (the
/// JS API lets an engine hand over any NaN, and bun's JSC and V8's `Global.value` do canonicalise;
/// `js-host/NOTES.md`), and a v128 cannot cross into JS at all: the store goes through a wasm
/// wrapper, and this is what says it works.
#[test]
fn the_spec_store_carries_every_value_type_bit_exactly() {
    use membench::runtime::Val;
    let wasm = wat::parse_str(
        r#"(module
          (func (export "i32") (param i32) (result i32) local.get 0)
          (func (export "i64") (param i64) (result i64) local.get 0)
          (func (export "f32") (param f32) (result f32) local.get 0)
          (func (export "f64") (param f64) (result f64) local.get 0)
          (func (export "v128") (param v128) (result v128) local.get 0)
          (func (export "swap") (param f64 i32 v128 f32) (result f32 v128 i32 f64)
            local.get 3 local.get 2 local.get 1 local.get 0)
          (global (export "g_f32") (mut f32) (f32.const nan:0x200001))
          (global (export "g_f64") f64 (f64.const -nan:0x4000000000123))
          (global (export "g_v128") v128 (v128.const i64x2 0x7ff4000000000001 -2))
          (global (export "g_i64") i64 (i64.const -9223372036854775808)))"#,
    )
    .unwrap();
    let values = [
        Val::I32(i32::MIN),
        Val::I32(-1),
        Val::I64(i64::MIN),
        Val::I64(i64::MAX),
        Val::F32(0x7fa0_0001), // signalling NaN with a payload
        Val::F32(0xffc0_0123), // negative quiet NaN with a payload
        Val::F32(0x8000_0000), // -0.0
        Val::F64(0x7ff4_0000_0000_0001),
        Val::F64(0xfff8_0000_0000_0123),
        Val::V128(0x7ff4_0000_0000_0001_ffff_ffff_7fa0_0001),
    ];
    let mut ran = 0;
    for (rs, rt) in every_configuration() {
        let who = format!("{} @{}", rs.id, rs.slug);
        let mut store = rt.spec_store().unwrap();
        let i = match store.instantiate(&wasm) {
            // A finding, not a store bug: WebKitGTK's JSC without its baseline JIT (BBQ) runs
            // wasm in its interpreter, which has no SIMD, and refuses a module with a v128
            // function ("JIT is disabled, but the entrypoint for 4 requires JIT").
            Err(e) if rs.id == "webkitgtk-jsc" && rs.slug == "no-bbq" => {
                assert!(format!("{e:#}").contains("requires JIT"), "{who}: {e:#}");
                continue;
            }
            other => other.unwrap(),
        };
        for v in values {
            let name = match v {
                Val::I32(_) => "i32",
                Val::I64(_) => "i64",
                Val::F32(_) => "f32",
                Val::F64(_) => "f64",
                Val::V128(_) => "v128",
            };
            let got = store
                .invoke(i, name, &[v])
                .unwrap_or_else(|e| panic!("{who}: {name}: {e:#}"));
            assert_eq!(got, vec![v], "{who}: {name}");
        }
        let args = [
            Val::F64(0x7ff4_0000_0000_0001),
            Val::I32(7),
            Val::V128(u128::MAX - 1),
            Val::F32(0x7fa0_0001),
        ];
        let mut want = args.to_vec();
        want.reverse();
        assert_eq!(store.invoke(i, "swap", &args).unwrap(), want, "{who}: swap");
        for (name, want) in [
            ("g_f32", Val::F32(0x7fa0_0001)),
            ("g_f64", Val::F64(0xfff4_0000_0000_0123)),
            (
                "g_v128",
                Val::V128(((-2i64 as u64 as u128) << 64) | 0x7ff4_0000_0000_0001),
            ),
            ("g_i64", Val::I64(i64::MIN)),
        ] {
            assert_eq!(store.global(i, name).unwrap(), want, "{who}: {name}");
        }
        ran += 1;
    }
    eprintln!("{ran} configurations");
}

/// The spec store's errors, as the runner tells them apart: a data segment out of bounds traps
/// at instantiation (a `Trap`, worded as the spec words it, the engine's words kept), while an
/// unknown import module and an invalid module are plain errors; an instance of a registered
/// module and the store's own `spectest` are importable.
#[test]
fn the_spec_store_tells_traps_from_link_and_compile_errors() {
    use membench::runtime::{is_trap, Trap, Val};
    let oob = wat::parse_str(r#"(module (memory 1) (data (i32.const 65535) "ab"))"#).unwrap();
    let unlinkable = wat::parse_str(r#"(module (import "nowhere" "f" (func)))"#).unwrap();
    let exporter = wat::parse_str(
        r#"(module (memory (export "mem") 1 2)
             (global (export "g") i32 (i32.const 42)))"#,
    )
    .unwrap();
    let importer = wat::parse_str(
        r#"(module
          (import "exporter" "mem" (memory 1))
          (import "exporter" "g" (global $g i32))
          (import "spectest" "global_i32" (global $s i32))
          (func (export "sum") (result i32) global.get $g global.get $s i32.add)
          (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#,
    )
    .unwrap();
    for (rs, rt) in every_configuration() {
        let who = format!("{} @{}", rs.id, rs.slug);
        let mut store = rt.spec_store().unwrap();
        let e = store.instantiate(&oob).unwrap_err();
        assert!(is_trap(&e), "{who}: {e:#}");
        let trap = e.chain().find_map(|c| c.downcast_ref::<Trap>()).unwrap();
        assert!(
            trap.message.contains("out of bounds memory access"),
            "{who}: {}",
            trap.message
        );
        let e = store.instantiate(&unlinkable).unwrap_err();
        assert!(!is_trap(&e), "{who}: {e:#}");
        let e = store.compile(b"\0asm\x01\0\0\0\x01").unwrap_err();
        assert!(!is_trap(&e), "{who}: {e:#}");
        store.compile(&exporter).unwrap();
        let x = store.instantiate(&exporter).unwrap();
        store.register(x, "exporter").unwrap();
        let i = store.instantiate(&importer).unwrap();
        assert_eq!(
            store.invoke(i, "sum", &[]).unwrap(),
            vec![Val::I32(708)],
            "{who}"
        );
        assert_eq!(
            store.invoke(i, "grow", &[]).unwrap(),
            vec![Val::I32(1)],
            "{who}"
        );
        // The same memory, grown once through the importer, refuses a second page past its maximum.
        assert_eq!(
            store.invoke(i, "grow", &[]).unwrap(),
            vec![Val::I32(-1)],
            "{who}"
        );
    }
}

/// `host-grow1-at` in the engines: one request, the engine's clock around its loop of
/// `memory.grow(1)` (shorter than the request seen from here), the last grow's old size back,
/// on an unshared and on a shared memory; `grow1-at` on a shared memory too.
#[test]
fn host_grows_are_timed_inside_the_engine_on_unshared_and_shared_memories() {
    use membench::contiguous::MaxDecl;
    let grows = u64::from(grow::AT_GROWS);
    for id in EVERY_ENGINE {
        let Some((_, rt)) = engine(id, "default") else {
            continue;
        };
        // This checks the grow op, whatever memory the engine gives: WebKit's fresh instances
        // past its fast memories (held by dropped ones its page cannot collect) are used too.
        rt.js().expect("a JS engine").set_refuse_fallback(false);
        for variant in [
            MemoryVariant::new(membench::module::MemoryDecl::Defined, MaxDecl::Exact),
            MemoryVariant::new(membench::module::MemoryDecl::Imported, MaxDecl::Exact),
            MemoryVariant::imported_shared(MaxDecl::Exact),
        ] {
            let name = format!("{id} {}", variant.id());
            let p = grow::Prepared::new(rt.as_ref(), GrowPattern::HostGrow1At(4096), variant)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let mut instance = p.fresh().unwrap();
            let start = Instant::now();
            let (old, elapsed) = instance.grow_repeat_timed(1, grows);
            let old = old.unwrap();
            let seen_from_here = start.elapsed();
            assert_eq!(old, 4096 + grows - 1, "{name}");
            assert!(
                elapsed < seen_from_here,
                "{name}: {elapsed:?} >= {seen_from_here:?}"
            );
            assert_eq!(
                instance.memory().unwrap().size_bytes,
                (4096 + grows) * 65536,
                "{name}"
            );
            // Past the maximum: a RangeError, after 0 successful grows.
            let err = format!("{:#}", instance.grow_repeat_timed(1, 1).0.unwrap_err());
            assert!(
                err.contains("host grow 1 of 1") && err.contains("RangeError"),
                "{name}: {err}"
            );
            // The pattern itself, and the guest's grows on the same kind of memory (a region the
            // engine's clock is too coarse for is a finding, after the outcome was checked).
            let mut instance = p.fresh().unwrap();
            ran_or_too_short(&name, p.run(instance.as_mut()));
            let g = grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(4096), variant).unwrap();
            let mut instance = g.fresh().unwrap();
            ran_or_too_short(&format!("{name} grow1-at"), g.run(instance.as_mut()));
        }
    }
}

/// Each V8 tier switch does what it claims, asked of V8 itself (`%IsLiftoffFunction`,
/// `%IsTurboFanFunction`): by default and under the memory switches a function runs in Liftoff
/// after its first call; `--no-liftoff` (`turbofan-only`) compiles it with TurboFan at once;
/// `--liftoff-only` keeps it in Liftoff even hot (2 million calls, after which the default tiers
/// up). JSC does not say which tier compiled a function, and the host says so.
#[test]
fn each_v8_tier_switch_compiles_with_the_tier_it_claims() {
    for spec in js::specs() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let js = rt.js().expect("a JS engine");
        let name = format!("{} @{}", spec.id, spec.slug);
        if !matches!(spec.id, "node-v8" | "deno-v8" | "chromium-v8") {
            let err = js.tier_after(1).unwrap_err();
            assert!(
                format!("{err:#}").contains("Unsupported"),
                "{name}: {err:#}"
            );
            continue;
        }
        let once = js.tier_after(1).unwrap();
        let expected = match spec.slug {
            "turbofan-only" => (false, true),
            _ => (true, false),
        };
        assert_eq!(once, expected, "{name}: (liftoff, turbofan) after one call");
        if spec.slug == "liftoff-only" {
            assert_eq!(
                js.tier_after(2_000_000).unwrap(),
                (true, false),
                "{name}: tiered up"
            );
        }
    }
}
