//! The seed's claims on every runtime × strategy of the matrix (with fewer release cycles than
//! `membench verify` makes, to keep the test short): every correctness check holds, and the
//! reserve-ahead finding is measured, whichever way it goes; a check that fails as a listed deviation
//! says (an upstream bug) is reported as such, and a listed deviation that no longer shows fails.

use membench::matrix;
use membench::verify;

#[test]
fn every_configuration_passes_the_seed_checks() {
    let options = verify::Options {
        cycles: 20,
        touch_bytes: 16 << 20,
        // tests/spec.rs runs the spec's tests on every configuration.
        spec: false,
    };
    let mut failed = Vec::new();
    for spec in matrix::runtimes() {
        let verdict = verify::verify(&spec, options);
        assert_eq!(
            verdict.checks.len(),
            8,
            "{} {}: {:?}",
            spec.id,
            spec.strategy,
            verdict.checks
        );
        // A check that fails as a listed deviation says (an upstream bug) is not a failure; a
        // stale entry in that list comes back as an error.
        for c in verdict.checks.iter().filter(|c| c.is_failure()) {
            failed.push(format!(
                "{} {} {}: {}",
                spec.id, spec.strategy, c.check, c.detail
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
