//! `membench collect`: criterion's estimates, the case records, the memory figures and the
//! verdicts of one run, into one `results.json` (written atomically).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{machine_dir, read_results, refuse};

/// Collects the run `run` (default: the last one started) from `target` and the two files, or
/// replaces only the verdicts of `onto`; refuses a mixed or dirty reference unless `allow_mixed`.
pub(crate) fn run(
    target: &Path,
    fragmentation: &Path,
    verify: &Path,
    out: Option<PathBuf>,
    onto: Option<PathBuf>,
    run: Option<&str>,
    allow_mixed: bool,
) -> Result<()> {
    let results = match onto {
        Some(onto) => membench_report::with_verify(read_results(&onto).map_err(refuse)?, verify)?,
        None => membench_report::collect_run(target, fragmentation, verify, run)?,
    };
    membench_report::check_reference(&results, allow_mixed)?;
    let out = out.unwrap_or_else(|| machine_dir(&results).join("results.json"));
    // Refuse an unwritable destination with its cause, before anything is replaced.
    membench_report::write_results(&out, &results)
        .with_context(|| format!("writing {}", out.display()))?;
    let measured = results.rows.iter().filter(|r| r.estimate.is_some()).count();
    eprintln!(
        "collected {} cases ({measured} measured) of run {} into {}",
        results.rows.len(),
        results.run_id.as_deref().unwrap_or("(none)"),
        out.display()
    );
    for line in results.left_out_summary() {
        eprintln!("{line}");
    }
    for l in results.left_out.iter().take(20) {
        eprintln!("  left out {} ({}) {}", l.id, l.reason.label(), l.detail);
    }
    if results.left_out.len() > 20 {
        eprintln!(
            "  ... {} more, listed in {}",
            results.left_out.len() - 20,
            out.display()
        );
    }
    Ok(())
}
