//! `membench`: wires the library to a command line. It lists what the matrix runs, collects a run
//! (criterion's estimates + case records + this machine's environment) into one JSON file, and
//! renders that file into charts and `REPORT.md`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use membench::matrix::{self, Scope};
use membench::record;

#[derive(Parser)]
#[command(
    name = "membench",
    version,
    about = "WebAssembly linear-memory benchmarks: matrix, results, report"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Family {
    Contiguous,
    Grow,
    Instantiate,
}

#[derive(Subcommand)]
enum Command {
    /// Print the ids of the cases a family runs (what `cargo bench` would run).
    List {
        /// The family.
        #[arg(long, value_enum)]
        family: Family,
        /// The full matrix instead of the default subset.
        #[arg(long)]
        full: bool,
    },
    /// Gather the latest run (criterion estimates, case records, failures) and this machine's
    /// environment into one JSON file.
    Collect {
        /// The cargo target directory the benches wrote to.
        #[arg(long, default_value = "target")]
        target: PathBuf,
        /// Where to write the collected results.
        #[arg(long, default_value = "reports/results.json")]
        out: PathBuf,
    },
    /// Render charts, REPORT.md and results.csv from collected results, without measuring.
    Render {
        /// Collected results.
        #[arg(long, default_value = "reports/results.json")]
        input: PathBuf,
        /// The report directory.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::List { family, full } => {
            let scope = if full { Scope::Full } else { Scope::Default };
            let specs = matrix::runtimes();
            let ids: Vec<String> = match family {
                Family::Contiguous => matrix::contiguous(scope, &specs)
                    .iter()
                    .map(|c| c.id(&specs))
                    .collect(),
                Family::Grow => matrix::grow(scope, &specs)
                    .iter()
                    .map(|c| c.id(&specs))
                    .collect(),
                Family::Instantiate => matrix::instantiate(&specs)
                    .into_iter()
                    .map(|c| c.2)
                    .collect(),
            };
            for id in ids {
                println!("{id}");
            }
        }
        Command::Collect { target, out } => {
            let results = membench_report::collect(&target)?;
            // Refuse an unwritable destination with its cause, before anything is replaced.
            record::write_json_atomic(&out, &results)
                .with_context(|| format!("writing {}", out.display()))?;
            let measured = results.rows.iter().filter(|r| r.estimate.is_some()).count();
            eprintln!(
                "collected {} cases ({measured} measured) into {}",
                results.rows.len(),
                out.display()
            );
        }
        Command::Render { input, out } => {
            let text = std::fs::read_to_string(&input)
                .with_context(|| format!("reading {}", input.display()))?;
            let results: membench_report::Results = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", input.display()))?;
            membench_report::render(&results, &out)?;
            eprintln!(
                "rendered {} cases into {}",
                results.rows.len(),
                out.display()
            );
        }
    }
    Ok(())
}
