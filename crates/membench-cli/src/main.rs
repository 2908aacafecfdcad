//! `membench`: wires the library to a command line. It lists what the matrix runs, collects a run
//! (criterion's estimates + case records + this machine's environment) into one JSON file, and
//! renders that file into charts and `REPORT.md`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use membench::matrix::{self, Scope};
use membench::record;

mod measure;

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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Family {
    Contiguous,
    Grow,
    Instantiate,
    Fragmentation,
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
    /// Measure memory figures (linear, live, resident, reserved, RSS) of the fragmentation
    /// family, or of any `.wasm`/`.wat` guest given with `--wasm`, and write them as JSON (and CSV).
    Measure {
        /// The family (only `fragmentation` has memory figures; the others are timed by criterion).
        #[arg(long, value_enum, default_value = "fragmentation")]
        family: Family,
        /// Measure these modules instead of the built-in allocator guests. Each must export a
        /// memory and `run(i32, i32, i32) -> i64` (see guest-modules/README.md).
        #[arg(long)]
        wasm: Vec<PathBuf>,
        /// The arguments `run` gets for a `--wasm` module: workload index and scale.
        #[arg(long, default_value_t = 0)]
        workload: u32,
        /// See `--workload`.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Only runtime ids (`<runtime>-<engine>`) matching this regular expression.
        #[arg(long)]
        runtime: Option<String>,
        /// Where to write the JSON (atomically, after every case).
        #[arg(long, default_value = "target/fragmentation.json")]
        out: PathBuf,
        /// Also write the records as CSV here.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Gather the latest run (criterion estimates, case records, failures) and this machine's
    /// environment into one JSON file.
    Collect {
        /// The cargo target directory the benches wrote to.
        #[arg(long, default_value = "target")]
        target: PathBuf,
        /// The memory figures `membench measure` wrote (included when the file exists).
        #[arg(long, default_value = "target/fragmentation.json")]
        fragmentation: PathBuf,
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
                Family::Fragmentation => matrix::fragmentation(&specs)
                    .iter()
                    .map(|c| c.id(&specs))
                    .collect(),
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
        Command::Measure {
            family,
            wasm,
            workload,
            scale,
            runtime,
            out,
            csv,
        } => {
            anyhow::ensure!(
                family == Family::Fragmentation,
                "only the fragmentation family has memory figures to measure; the others are timed by `cargo bench`"
            );
            measure::run(measure::Options {
                wasm,
                workload,
                scale,
                runtime,
                out,
                csv,
            })?;
        }
        Command::Collect {
            target,
            fragmentation,
            out,
        } => {
            let results = membench_report::collect(&target, &fragmentation)?;
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
