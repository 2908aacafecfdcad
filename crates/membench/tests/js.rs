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

/// `host-grow1-at` in the engines: one request, the engine's clock around its loop of
/// `memory.grow(1)` (shorter than the request seen from here), the last grow's old size back,
/// on an unshared and on a shared memory; `grow1-at` on a shared memory too.
#[test]
fn host_grows_are_timed_inside_the_engine_on_unshared_and_shared_memories() {
    use membench::contiguous::MaxDecl;
    let grows = u64::from(grow::AT_GROWS);
    for id in ["node-v8", "deno-v8", "bun-jsc"] {
        let Some((_, rt)) = engine(id, "default") else {
            continue;
        };
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
            let (old, elapsed) = instance.grow_repeat_timed(1, grows).unwrap();
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
            let err = format!("{:#}", instance.grow_repeat_timed(1, 1).unwrap_err());
            assert!(
                err.contains("host grow 1 of 1") && err.contains("RangeError"),
                "{name}: {err}"
            );
            // The pattern itself, and the guest's grows on the same kind of memory.
            let mut instance = p.fresh().unwrap();
            p.run(instance.as_mut())
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let g = grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(4096), variant).unwrap();
            let mut instance = g.fresh().unwrap();
            g.run(instance.as_mut())
                .unwrap_or_else(|e| panic!("{name} grow1-at: {e:#}"));
        }
    }
}
