//! The seed's claims on every runtime × strategy of the matrix (with fewer release cycles than
//! `membench verify` makes, to keep the test short): every correctness check holds; the
//! reserve-ahead finding is measured and classified as each configuration really reserves; the
//! isolation checks put their canary right after the memory's reservation wherever the memory
//! has a mapping of its own outside a pool; a check that fails as a listed deviation says (an
//! upstream bug) is reported as such, and a listed deviation that no longer shows fails.
//! (`tests/verify_fake.rs` shows each check failing on the defect it targets.)

use membench::matrix;
use membench::procfs::ReservedBasis;
use membench::runtime::RuntimeSpec;
use membench::verify::{self, CheckId, Outcome, Reservation};

/// What each configuration's reservation is, by what its strategy does.
fn expected_reservation(spec: &RuntimeSpec) -> (Reservation, ReservedBasis) {
    let s = spec.strategy.as_str();
    match spec.id {
        "native-rustc" if s == "mmap" => (Reservation::DeclaredMaximum, ReservedBasis::Mappings),
        // A `Vec` (wasmi, tinywasm, stitch) or `malloc` (wasm3) buffer.
        "native-rustc"
        | "wasmi-interpreter"
        | "tinywasm-interpreter"
        | "stitch-interpreter"
        | "wasm3-interpreter" => (
            Reservation::OnlyUsed,
            ReservedBasis::HeapBufferAtLeastLinear,
        ),
        // WAMR without hardware bounds checks maps the memory's current size and `mremap`s it
        // on grow.
        "wamr-fast-interp" => (Reservation::OnlyUsed, ReservedBasis::Mappings),
        _ if s.contains("Pooling") => (
            Reservation::ReservedBeforeInstantiation,
            ReservedBasis::Mappings,
        ),
        _ if s.contains("memory_reservation_for_growth=0") || s.contains("Dynamic") => {
            (Reservation::OnlyUsed, ReservedBasis::Mappings)
        }
        _ => (Reservation::Fixed, ReservedBasis::Mappings),
    }
}

/// Whether a memory of 1-byte pages is refused: everywhere but wasmtime and wasmi (with
/// `wasm_custom_page_sizes`), tinywasm and wasm3.
fn keeps_64k_pages(spec: &RuntimeSpec) -> bool {
    !(spec.id.starts_with("wasmtime-")
        || matches!(
            spec.id,
            "wasmi-interpreter" | "tinywasm-interpreter" | "wasm3-interpreter"
        ))
}

/// Whether no memory grows past 4 GiB: where memory64 is refused (wasmer, stitch, WAMR, wasm3),
/// where a 64-bit memory without a maximum is capped at 4 GiB (tinywasm), where the strategy
/// caps every memory (wasmtime's pool at 2 GiB, wasmi's `StoreLimits` at 1 GiB), and where a
/// memory may not move out of its 4 GiB reservation (wasmtime's `memory_may_move=false`).
fn keeps_4gib(spec: &RuntimeSpec) -> bool {
    let capped = spec.memory_limit_pages.is_some();
    match spec.id {
        "wasmi-interpreter" => capped,
        id if id.starts_with("wasmtime-") => capped || spec.strategy == "memory_may_move=false",
        _ => true,
    }
}

/// Whether a second memory is refused: stitch, WAMR, wasm3, and wasmtime's pooling allocator
/// (one memory per instance unless configured otherwise).
fn keeps_one_memory(spec: &RuntimeSpec) -> bool {
    matches!(
        spec.id,
        "stitch-interpreter" | "wamr-fast-interp" | "wasm3-interpreter"
    ) || spec.strategy.contains("Pooling")
}

#[test]
fn every_configuration_passes_the_seed_checks() {
    let options = verify::Options {
        cycles: 20,
        touch_bytes: 16 << 20,
        // tests/spec.rs runs the spec's tests on every configuration.
        spec: false,
        many_memories: 64,
    };
    let mut failed = Vec::new();
    for spec in matrix::runtimes() {
        // WAMR and wasm3 in a build without the `c-runtimes` feature.
        if spec.build_optional().unwrap().is_none() {
            continue;
        }
        let verdict = verify::verify(&spec, options);
        let name = format!("{} {}", spec.id, spec.strategy);
        assert_eq!(verdict.checks.len(), 13, "{name}: {:?}", verdict.checks);
        // The post's wasm 1.0 model where newer proposals break it: each runtime keeps it or
        // not as its proposals and strategy say.
        if !spec.native {
            for (id, kept) in [
                (CheckId::PageSize, keeps_64k_pages(&spec)),
                (CheckId::FourGib, keeps_4gib(&spec)),
                (CheckId::OneMemory, keeps_one_memory(&spec)),
            ] {
                let c = verdict.check(id).unwrap();
                let expected = if kept {
                    Outcome::Held
                } else {
                    Outcome::DidNotHold
                };
                assert_eq!(c.outcome, expected, "{name} {id}: {}", c.detail);
                // The typed answer the report's table reads says the same as the outcome.
                let answer = &verdict.kinds.iter().find(|(k, _)| *k == id).unwrap().1;
                assert_eq!(answer.keeps_the_model(), kept, "{name} {id}: {answer:?}");
            }
        }
        // The two checks only the JS API can be asked say so on every other runtime.
        for js_only in [CheckId::DetachedOnGrow, CheckId::ManyMemories] {
            let c = verdict.checks.iter().find(|c| c.check == js_only).unwrap();
            assert_eq!(c.outcome, Outcome::NotApplicable, "{name}: {c:?}");
        }
        for c in &verdict.checks {
            eprintln!("{name} {}: {}: {}", c.check, c.outcome.label(), c.detail);
        }
        // A check that fails as a listed deviation says (an upstream bug) is not a failure; a
        // stale entry in that list comes back as an error.
        for c in verdict.checks.iter().filter(|c| c.is_failure()) {
            failed.push(format!("{name} {}: {}", c.check, c.detail));
        }

        let reserve = verdict
            .reserve_ahead
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: reserve-ahead did not run: {:?}", verdict.checks));
        let (reservation, basis) = expected_reservation(&spec);
        assert_eq!(
            (reserve.reservation, reserve.basis),
            (reservation, basis),
            "{name}: {reserve:?}"
        );
        let check = verdict
            .checks
            .iter()
            .find(|c| c.check == CheckId::ReserveAhead)
            .unwrap();
        // "Held" is the seed's claim: the reservation follows the declared maximum.
        let held = reservation == Reservation::DeclaredMaximum;
        assert_eq!(check.outcome == Outcome::Held, held, "{name}: {check:?}");
        assert!(
            check.detail.starts_with(reservation.label()),
            "{name}: {check:?}"
        );
        for figure in [
            reserve.no_maximum,
            reserve.exact_maximum,
            reserve.maximum_4g,
        ] {
            match reservation {
                // Never 0 for a memory that exists, heap buffers included.
                Reservation::OnlyUsed => {
                    assert!(
                        figure.total() >= reserve.used_bytes as i64,
                        "{name}: {reserve:?}"
                    )
                }
                Reservation::Fixed => {
                    assert!(figure.total() >= 64 << 20, "{name}: {reserve:?}")
                }
                _ => {}
            }
        }

        // A shared memory: wasmer and wasmtime (Cranelift and Winch, every strategy) create one
        // and its figures are recorded; Pulley, wasmi, tinywasm, stitch and the native baseline
        // refuse it, with the engine's error, named in the check's detail. "Held" does not
        // depend on it (asserted above).
        let has_shared = spec.id.starts_with("wasmer-")
            || (spec.id.starts_with("wasmtime-") && spec.id != "wasmtime-pulley");
        // WAMR's and wasm3's Rust crates cannot import a memory at all: a gap of our binding,
        // never the engine's refusal.
        let binding = ["wamr-", "wasm3-"].iter().any(|p| spec.id.starts_with(p));
        match (&reserve.shared, has_shared) {
            (Some(verify::SharedReserve::Measured { exact_maximum, .. }), true) => {
                assert!(
                    exact_maximum.total() >= reserve.used_bytes as i64,
                    "{name}: {reserve:?}"
                );
                assert!(check
                    .detail
                    .contains("a shared memory (imported, shared: true)"));
            }
            (Some(verify::SharedReserve::NotInBinding { why }), false) if binding => {
                let crate_name = if spec.id.starts_with("wamr-") {
                    "wamrx"
                } else {
                    "wasm3x"
                };
                assert!(
                    why.contains(crate_name) && why.contains("cannot import a memory"),
                    "{name}: {why}"
                );
                assert!(
                    check
                        .detail
                        .contains("a shared memory: not supported by the binding ("),
                    "{name}: {}",
                    check.detail
                );
            }
            (Some(verify::SharedReserve::Refused { error }), false) if !binding => {
                // The engine's own words follow (each engine's are checked in tests/grow.rs).
                assert!(
                    error.contains("refuses a shared memory") || error.contains("no shared memory"),
                    "{name}: {error}"
                );
                assert!(
                    check.detail.contains("a shared memory: refused ("),
                    "{name}: {}",
                    check.detail
                );
            }
            (other, _) => panic!("{name}: shared reserve-ahead {other:?}"),
        }

        // The canary sits right after the reservation of every memory with a mapping of its own
        // outside a pool (where it cannot, the detail says why).
        if basis == ReservedBasis::Mappings
            && reservation != Reservation::ReservedBeforeInstantiation
        {
            let ids: &[CheckId] = if spec.native {
                &[CheckId::Isolation]
            } else {
                &[CheckId::Isolation, CheckId::IsolationEdges]
            };
            for id in ids {
                let c = verdict.checks.iter().find(|c| c.check == *id).unwrap();
                assert!(
                    c.detail
                        .contains("canary right after the reservation at base + 0x"),
                    "{name}: {c:?}"
                );
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
