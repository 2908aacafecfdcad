//! `membench render`: the report pages, charts and `results.csv` of one collected run, and
//! `MACHINES.md` over every machine's folder.

use std::path::PathBuf;

use anyhow::Result;

use crate::{compare, read_results, refuse};

/// Renders `input` (default: this machine's `reports/<machine>/results.json`) into `out`
/// (default: its folder), and `MACHINES.md` into `machines` when given.
pub(crate) fn run(
    input: Option<PathBuf>,
    out: Option<PathBuf>,
    machines: Option<PathBuf>,
    allow_mixed: bool,
) -> Result<()> {
    let input = input.unwrap_or_else(|| {
        PathBuf::from("reports")
            .join(membench::record::Machine::current().slug())
            .join("results.json")
    });
    let results = read_results(&input).map_err(refuse)?;
    let out = out.unwrap_or_else(|| {
        input
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    });
    membench_report::render_with(
        &results,
        &out,
        membench_report::render::Options { allow_mixed },
    )?;
    eprintln!(
        "rendered {} cases into {}",
        results.rows.len(),
        out.display()
    );
    if let Some(dir) = machines {
        let found = compare::machine_folders(&dir)?;
        membench_report::render_machines(&found, &dir)?;
        eprintln!(
            "wrote {} ({} machines)",
            dir.join("MACHINES.md").display(),
            found.len()
        );
    }
    Ok(())
}
