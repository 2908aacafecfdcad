//! `membench verify`: the seed's claims on every runtime × strategy, a table per configuration and
//! the verdicts as JSON.

use std::path::PathBuf;

use anyhow::Result;

use crate::{record, refuse, runtime_filter};
use membench::matrix;

pub(crate) fn verify(
    options: membench::verify::Options,
    runtime: Option<String>,
    json: Option<PathBuf>,
) -> Result<()> {
    use membench::verify;
    // Every configuration the benches know, the JavaScript engines' switches included (an engine
    // that is not installed is a row saying how to install it).
    let specs = matrix::bench_runtimes(matrix::Scope::Full);
    let filter = runtime_filter(runtime.as_deref(), specs.iter().map(|s| s.id))?;
    if let Some(path) = &json {
        // Refuse an unwritable destination before anything runs.
        record::write_json_atomic(path, &VerifyOutput::new(&[])).map_err(refuse)?;
    }
    let mut verdicts = Vec::new();
    let mut failures = 0;
    for spec in specs {
        if filter.as_ref().is_some_and(|f| !f.is_match(spec.id)) {
            continue;
        }
        eprintln!("verifying {} ({})", spec.id, spec.strategy);
        let verdict = verify::verify(&spec, options);
        for c in &verdict.checks {
            println!(
                "{:<20} {:<70} {:<22} {:<13} {}",
                verdict.runtime,
                verdict.strategy,
                c.check,
                c.outcome.label(),
                c.detail
            );
            failures += usize::from(c.is_failure());
        }
        verdicts.push(verdict);
        if let Some(path) = &json {
            record::write_json_atomic(path, &VerifyOutput::new(&verdicts))?;
        }
    }
    summary(&verdicts);
    anyhow::ensure!(
        failures == 0,
        "{failures} correctness checks failed (table above)"
    );
    Ok(())
}

/// The verdicts as one configuration × check table of outcomes, after the detailed rows.
fn summary(verdicts: &[membench::verify::Verdict]) {
    let Some(first) = verdicts.first() else {
        return;
    };
    let checks: Vec<&str> = first.checks.iter().map(|c| c.check.as_str()).collect();
    let width = |check: &str| check.len().max("known deviation".len());
    let mut header = format!("\n{:<92}", "configuration");
    for check in &checks {
        header += &format!(" {:<w$}", check, w = width(check));
    }
    println!("{header}");
    for v in verdicts {
        let mut row = format!("{:<92}", format!("{} {}", v.runtime, v.strategy));
        for check in &checks {
            let label = v
                .checks
                .iter()
                .find(|c| c.check == *check)
                .map_or("–", |c| c.outcome.label());
            row += &format!(" {:<w$}", label, w = width(check));
        }
        println!("{row}");
    }
}

/// Refuses a `--touch-mib` above half the memory this machine has available now
/// (`MemAvailable`): past that the release check would measure the kernel reclaiming other
/// pages (or swapping), not the runtime releasing its own. Where `/proc/meminfo` cannot be read
/// the clap range is the only bound.
pub(crate) fn check_fits_in_memory(touch_mib: u32) -> Result<()> {
    let Ok(meminfo) = std::fs::read_to_string("/proc/meminfo") else {
        return Ok(());
    };
    let available_kib = meminfo.lines().find_map(|line| {
        line.strip_prefix("MemAvailable:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse::<u64>()
            .ok()
    });
    if let Some(kib) = available_kib {
        let available_mib = kib >> 10;
        anyhow::ensure!(
            u64::from(touch_mib) <= available_mib / 2,
            "--touch-mib {touch_mib}: this machine has {available_mib} MiB available, so at most \
             {} MiB can be touched per cycle (half of it)",
            available_mib / 2
        );
    }
    Ok(())
}

/// What `membench verify --json` writes: the verdicts and the run they come from (commit, start,
/// machine), captured when it ran, so a report can state it.
#[derive(serde::Serialize)]
struct VerifyOutput<'a> {
    run: &'static membench::record::RunStamp,
    verdicts: &'a [membench::verify::Verdict],
}

impl<'a> VerifyOutput<'a> {
    fn new(verdicts: &'a [membench::verify::Verdict]) -> Self {
        Self {
            run: membench::record::RunStamp::current(),
            verdicts,
        }
    }
}
