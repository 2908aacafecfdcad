//! The spec's memory tests on every wasm runtime × strategy × maximum variant of the matrix: no
//! assertion fails outside the listed deviations, no listed deviation has gone stale, and every file
//! really ran (its assertions were counted, not skipped).

use membench::matrix;
use membench::spec::{self, MaxVariant};

#[test]
fn every_configuration_passes_the_spec_memory_tests() {
    let mut bad = Vec::new();
    let mut configurations = 0;
    for rs in matrix::runtimes().into_iter().filter(|s| !s.native) {
        let rt = rs.build().expect("the engine builds");
        for variant in MaxVariant::ALL {
            let t = std::time::Instant::now();
            let run = spec::run_suite(rt.as_ref(), rs.id, &rs.strategy, variant);
            eprintln!(
                "{} {} {}: {:?} in {:.1?}",
                rs.id,
                rs.strategy,
                variant.label(),
                run.totals,
                t.elapsed()
            );
            configurations += 1;
            for (file, counts) in &run.files {
                if counts.passed < 4 {
                    bad.push(format!(
                        "{} {} {variant:?} {file}: only {counts:?}",
                        rs.id, rs.strategy
                    ));
                }
            }
            if run.totals.failed + run.totals.stale_deviation + run.totals.unsupported > 0 {
                bad.push(format!(
                    "{} {} {variant:?}: {:?}\n{:#?}",
                    rs.id, rs.strategy, run.totals, run.failures
                ));
            }
        }
    }
    assert!(configurations >= 36, "{configurations} configurations ran");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
