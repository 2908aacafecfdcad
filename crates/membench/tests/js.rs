//! The JavaScript engines (node, deno, bun) behind the runtime trait: what only they have, an
//! engine process driven over a pipe. (The cross-runtime properties, the same results as native,
//! traps, declared limits, refused signatures, run on them in `tests/contiguous.rs`.)
//!
//! An engine that is not installed is skipped with a note, unless `MEMBENCH_REQUIRE_JS=1` (CI).

use std::time::Instant;

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
        p.run(instance.as_mut())
            .unwrap_or_else(|e| panic!("{} @{}: {e:#}", spec.id, spec.slug));
    }
}

/// The timed figure is the engine's own: shorter than the request as seen from here (which adds
/// the pipe and the JSON), and longer for more calls.
#[test]
fn a_timed_call_is_timed_inside_the_engine() {
    for id in ["node-v8", "deno-v8", "bun-jsc"] {
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
        p.run_warm_timed(3).unwrap();
        let start = Instant::now();
        let one = p.run_warm_timed(1).unwrap();
        let seen_from_here = start.elapsed();
        assert!(one < seen_from_here, "{id}: {one:?} >= {seen_from_here:?}");
        let many = p.run_warm_timed(50).unwrap();
        assert!(many > one * 10, "{id}: 50 calls {many:?}, 1 call {one:?}");
    }
}

/// A grow past the maximum from the host is JavaScript's `RangeError`, and the memory is unchanged
/// and still grows within its maximum.
#[test]
fn a_grow_past_the_maximum_is_a_range_error_and_the_memory_survives() {
    for id in ["node-v8", "deno-v8", "bun-jsc"] {
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

/// No engine outlives the runtime that started it.
#[test]
fn dropping_the_runtime_stops_its_engine() {
    for id in ["node-v8", "deno-v8", "bun-jsc"] {
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
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{id}: process {pid} is still there"
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
            v.checks
                .iter()
                .find(|x| x.check == c)
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
        let i = store.instantiate(&wasm).unwrap();
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
