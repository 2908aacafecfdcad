//! `membench spec`: the spec's memory tests on every runtime × strategy × maximum variant.

use std::path::PathBuf;

use anyhow::Result;

use crate::{record, refuse, runtime_filter};
use membench::matrix;

/// What `membench spec --json` writes: the runs, and what they were measured against.
#[derive(serde::Serialize)]
struct SpecReport {
    suite: &'static str,
    files: &'static [&'static str],
    deviations: &'static [membench::spec::Deviation],
    runs: Vec<membench::spec::SpecRun>,
}

pub(crate) fn spec(runtime: Option<String>, json: Option<PathBuf>) -> Result<()> {
    use membench::spec::{self, MaxVariant};
    // Every wasm runtime and every JavaScript engine × switch (driven over its pipe).
    let specs: Vec<_> = matrix::bench_runtimes(matrix::Scope::Full)
        .into_iter()
        .filter(|s| !s.native)
        .collect();
    let filter = runtime_filter(runtime.as_deref(), specs.iter().map(|s| s.id))?;
    let mut report = SpecReport {
        suite: spec::SUITE,
        files: spec::FILES,
        deviations: spec::DEVIATIONS,
        runs: Vec::new(),
    };
    if let Some(path) = &json {
        // Refuse an unwritable destination before anything runs.
        record::write_json_atomic(path, &report).map_err(refuse)?;
    }
    let mut failed = 0;
    let row = |runtime: &str, strategy: &str, variant: &str, file: &str, counts: &[String]| {
        let counts: Vec<String> = counts.iter().map(|c| format!("{c:>15}")).collect();
        println!(
            "{runtime:<20} {strategy:<70} {variant:<13} {file:<24} {}",
            counts.join(" ")
        );
    };
    let labels = spec::Counts::LABELS.map(String::from);
    row("runtime", "strategy", "variant", "file", &labels);
    for rs in specs {
        if filter.as_ref().is_some_and(|f| !f.is_match(rs.id)) {
            continue;
        }
        // An optional engine that is not installed is skipped with a note (an error with
        // MEMBENCH_REQUIRE_ALL=1).
        let rt = match rs.build_optional() {
            Ok(Some(rt)) => rt,
            Ok(None) => continue,
            Err(e) => {
                eprintln!(
                    "{} ({}): the engine does not build: {e:#}",
                    rs.id, rs.strategy
                );
                failed += 1;
                continue;
            }
        };
        for variant in MaxVariant::ALL {
            let run = spec::run_suite(rt.as_ref(), rs.id, &rs.strategy, variant);
            let totals = ("all files".to_string(), run.totals);
            for (file, c) in run.files.iter().chain(std::iter::once(&totals)) {
                let values = c.values().map(|v| v.to_string());
                row(rs.id, &rs.strategy, variant.label(), file, &values);
            }
            for f in &run.failures {
                eprintln!("  {}:{} {}: {}", f.file, f.line, f.kind, f.detail);
            }
            failed += u32::from(!run.totals.conforms());
            report.runs.push(run);
            if let Some(path) = &json {
                record::write_json_atomic(path, &report)?;
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} runtime × strategy × variant runs had assertions fail outside the listed deviations (each is listed above)"
    );
    Ok(())
}
