//! The seed's claims on every runtime × strategy of the matrix (with fewer release cycles than
//! `membench verify` makes, to keep the test short): every correctness check holds, and the
//! reserve-ahead finding is measured, whichever way it goes.

use membench::matrix;
use membench::verify::{self, Outcome};

#[test]
fn every_configuration_passes_the_seed_checks() {
    let options = verify::Options {
        cycles: 20,
        touch_bytes: 16 << 20,
    };
    let mut failed = Vec::new();
    for spec in matrix::runtimes() {
        let verdict = verify::verify(&spec, options);
        assert_eq!(
            verdict.checks.len(),
            6,
            "{} {}: {:?}",
            spec.id,
            spec.strategy,
            verdict.checks
        );
        for c in verdict.checks {
            let bad = match c.outcome {
                Outcome::Error => true,
                Outcome::DidNotHold => verify::is_correctness(&c.check),
                Outcome::Held | Outcome::NotApplicable => false,
            };
            if bad {
                failed.push(format!(
                    "{} {} {}: {}",
                    spec.id, spec.strategy, c.check, c.detail
                ));
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
