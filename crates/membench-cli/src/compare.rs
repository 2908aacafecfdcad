//! `membench compare` and `membench spread`: runs against runs, printed for a person and, for
//! `compare`, an exit code for CI (see [`membench_report::runs`] for what is computed).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use membench_report::runs::{self, Spread};
use membench_report::stats::Verdict;
use membench_report::Results;

/// Prints run B against run A case by case, then a summary; an error (exit 1) when a case
/// regressed past `threshold` (0.10 = 10 %) with 95 % confidence.
pub fn compare(a: &Results, b: &Results, threshold: f64, changed_only: bool) -> Result<()> {
    let cmp = runs::compare_runs(a, b);
    let run = |r: &Results| r.run_id.clone().unwrap_or_else(|| "(no run id)".into());
    println!(
        "B ({}) against A ({}): B's mean time per iteration ÷ A's, 95 % bootstrap interval over \
         both runs' samples; faster/slower only when the interval excludes 1.",
        run(b),
        run(a)
    );
    if cmp.machines_differ {
        println!(
            "The runs are from different machines: every ratio compares the machines as well as \
             the code."
        );
    }
    for case in &cmp.cases {
        match &case.outcome {
            Ok(c) if changed_only && c.verdict == Verdict::NoDifference => {}
            Ok(c) => println!("{:<90} {:<26} {}", case.id, c.label(), c.verdict),
            Err(_) if changed_only => {}
            Err(why) => println!("{:<90} not compared: {why}", case.id),
        }
    }
    let (faster, slower, same, not) = cmp.counts();
    println!(
        "\n{} cases: {faster} faster in B, {slower} slower, {same} no different, {not} not \
         compared (in one run only, or without samples).",
        cmp.cases.len()
    );
    let regressions = cmp.regressions(threshold);
    if regressions.is_empty() {
        println!(
            "No case is slower in B by more than {}% with 95 % confidence.",
            threshold * 100.0
        );
        return Ok(());
    }
    println!(
        "{} cases are slower in B by more than {}% with 95 % confidence:",
        regressions.len(),
        threshold * 100.0
    );
    for (id, c) in &regressions {
        println!("  {id}: {}", c.label());
    }
    anyhow::bail!(
        "{} regressions past the {}% threshold (listed above)",
        regressions.len(),
        threshold * 100.0
    )
}

/// Prints the spread of `runs` per family, and stores it in `into` when given.
pub fn spread(runs: &[Results], into: Option<&Path>) -> Result<()> {
    let Some(spread) = runs::spread(runs) else {
        anyhow::bail!(
            "no case was measured in all {} runs: give runs of the same cases",
            runs.len()
        );
    };
    print_spread(&spread);
    if let Some(path) = into {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut results: Results =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        results.spread = Some(spread);
        membench_report::write_results(path, &results)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("stored the spread in {}", path.display());
    }
    Ok(())
}

fn print_spread(s: &Spread) {
    let ids: Vec<&str> = s.runs.iter().map(|r| r.id.as_str()).collect();
    println!(
        "{} runs ({}): per family, how far each case's point estimate moved between the runs \
         (max ÷ min − 1) against criterion's interval half-width within a run.",
        s.runs.len(),
        ids.join(", ")
    );
    println!(
        "{:<14} {:>6} {:>16} {:>14} {:>18} {:>10}  most-moved case",
        "family", "cases", "median between", "max between", "median within", "disjoint"
    );
    for f in &s.families {
        println!(
            "{:<14} {:>6} {:>15.1}% {:>13.1}% {:>17.1}% {:>10}  {}",
            f.family,
            f.cases,
            f.median_between * 100.0,
            f.max_between * 100.0,
            f.median_within * 100.0,
            f.disjoint,
            f.max_case
        );
    }
}

/// Every `dir/<machine>/results.json`, read, with its folder name, sorted by name.
pub fn machine_folders(dir: &Path) -> Result<Vec<(String, Results)>> {
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.join("results.json").is_file())
        .collect();
    entries.sort();
    for p in entries {
        let results = crate::read_results(&p.join("results.json"))?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.push((name, results));
    }
    Ok(found)
}
