//! `membench`: wires the library to a command line. It lists what the matrix runs, collects a run
//! (criterion's estimates + case records + this machine's environment) into one JSON file, and
//! renders that file into charts and `REPORT.md`.
//!
//! Exit codes, so a script can tell "asked wrongly" from "ran, and something failed":
//! 0 everything ran and held; 1 something ran and failed (a case, a check, a spec run), after every
//! result was written; 2 the command was refused before anything ran (a malformed command line, a
//! number out of its range, a `--runtime` pattern that selects nothing, a module that cannot be
//! measured, an input that cannot be read, an output that cannot be written).

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::builder::TypedValueParser as _;
use clap::{Parser, Subcommand};
use membench::case::Family;
use membench::record;

mod bench;
mod collect;
mod compare;
mod list;
mod measure;
mod render;
mod spec;
mod verify;

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

/// `--family`: the families' own ids (one enum, `membench::case::Family`), offered in `--help`.
fn family_arg() -> impl clap::builder::TypedValueParser<Value = Family> {
    clap::builder::PossibleValuesParser::new(Family::ALL.map(Family::id)).try_map(|s| s.parse())
}

#[derive(Subcommand)]
enum Command {
    /// Print the ids of the cases a family runs (what `cargo bench` would run).
    List {
        /// The family.
        #[arg(long, value_parser = family_arg())]
        family: Family,
        /// The full matrix instead of the default subset.
        #[arg(long)]
        full: bool,
    },
    /// Measure memory figures (linear, live, resident, reserved, RSS) of the fragmentation
    /// family, or of any `.wasm`/`.wat` guest given with `--wasm`, and write them as JSON (and CSV).
    Measure {
        /// The family (only `fragmentation` has memory figures; the others are timed by criterion).
        #[arg(long, value_parser = family_arg(), default_value = "fragmentation")]
        family: Family,
        #[command(flatten)]
        options: measure::Options,
    },
    /// Check the seed's claims on every runtime × strategy (pages and limits, growth past the
    /// maximum, reserving ahead, release on drop, isolation, fresh memory) and print a table.
    Verify {
        /// Instantiate/touch/drop cycles of the release check (1 to 10000). 150 keeps the whole run
        /// near four minutes on 2 cores; `--cycles 1000` is the full count (about 70 s per
        /// configuration), so 10000 is already over ten minutes per configuration.
        #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        cycles: u32,
        /// MiB touched per cycle (1 to 4095: the guest gets the byte count as a 32-bit argument and
        /// the memory is one page larger, which must stay within a 32-bit memory's 4 GiB). It must
        /// also be at most half the memory this machine has available, or the check measures
        /// reclaim and swapping rather than release.
        #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4095))]
        touch_mib: u32,
        /// Only runtime ids (`<runtime>-<engine>`) matching this regular expression.
        #[arg(long)]
        runtime: Option<String>,
        /// Also write the verdicts as JSON here (atomically).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Leave out the spec's memory tests (`membench spec` runs them alone).
        #[arg(long)]
        no_spec: bool,
    },
    /// Run the WebAssembly spec's memory tests (wasm-v2 `memory*.wast`, `address`, `align`,
    /// `memory_copy`, `memory_fill`, `memory_init`) on every wasm runtime × strategy and every
    /// installed JavaScript engine × switch, under both maximum variants, and print the counts
    /// per file.
    Spec {
        /// Only runtime ids (`<runtime>-<engine>`) matching this regular expression.
        #[arg(long)]
        runtime: Option<String>,
        /// Also write the runs and the deviation list as JSON here (atomically).
        #[arg(long)]
        json: Option<PathBuf>,
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
        /// The verdicts `membench verify --json` wrote (included when the file exists).
        #[arg(long, default_value = "target/verify.json")]
        verify: PathBuf,
        /// Where to write the collected results; default `reports/<machine>/results.json`, the
        /// folder of the machine the run measured on (`membench machine` prints its name).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Keep the measurements of these collected results and replace only their verdicts
        /// with `--verify` (stamped with this commit), e.g. to add a new `membench verify` to a
        /// published run without re-running the benches.
        #[arg(long)]
        onto: Option<PathBuf>,
        /// The run to collect (the `run.id` its records carry); default: the run started last.
        /// Records, failures and estimates of other runs are left out and listed.
        #[arg(long)]
        run: Option<String>,
        /// Write results from more than one commit (benches, memory figures, verdicts) or from
        /// a `+dirty` tree; refused otherwise, since a reference run comes from one clean commit.
        #[arg(long)]
        allow_mixed: bool,
    },
    /// Render charts, REPORT.md (the summary), the detail pages and results.csv from collected
    /// results, without measuring.
    Render {
        /// Collected results; default `reports/<this machine>/results.json`.
        #[arg(long)]
        input: Option<PathBuf>,
        /// The report directory; default the folder `--input` is in.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write DIR/MACHINES.md, the headline figures of every machine folder
        /// DIR/<machine>/results.json side by side (`just render` passes `reports`).
        #[arg(long)]
        machines: Option<PathBuf>,
        /// Render results from more than one commit or a `+dirty` tree, every page saying so;
        /// refused otherwise.
        #[arg(long)]
        allow_mixed: bool,
    },
    /// Print this machine's folder name under reports/ (CPU model, cores, cache sizes).
    Machine,
    /// Compare two collected runs (`results.json`) case by case: B's time ÷ A's with a 95 %
    /// bootstrap interval over both runs' samples and the report's verdict, then a summary. Exits 1
    /// when a case is slower in B by more than `--threshold` with 95 % confidence.
    Compare {
        /// The baseline run.
        a: PathBuf,
        /// The run compared with it.
        b: PathBuf,
        /// The regression that fails the command, in percent: a case whose interval's lower bound
        /// is above 1 + threshold/100 (0 to 1000).
        #[arg(long, default_value_t = 10.0)]
        threshold: f64,
        /// Print only the cases that differ (faster or slower), not every case.
        #[arg(long)]
        changed: bool,
    },
    /// How far repeated runs of the same cases on one machine move: per family, the point
    /// estimates' spread between the runs against criterion's interval within a run. With
    /// `--into`, the spread is stored in that results.json, and its report shows it.
    Spread {
        /// Two or more collected runs (`results.json`) of the same cases on one machine.
        #[arg(required = true, num_args = 2..)]
        runs: Vec<PathBuf>,
        /// Store the spread in this collected run (atomically), for `membench render`.
        #[arg(long)]
        into: Option<PathBuf>,
    },
    /// Time your own module's export on every runtime-engine (default strategies; all with
    /// `--all-strategies`) and memory variant, with criterion, and print a table with intervals.
    Bench {
        #[command(flatten)]
        options: bench::Options,
    },
}

/// Marks an error as a refusal: the command's input is wrong and nothing ran. `main` exits 2 for it,
/// as clap does for a malformed command line; any other error exits 1.
#[derive(Debug)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refused before anything ran")
    }
}

/// `error`, marked as a refusal (exit code 2).
pub(crate) fn refuse(error: anyhow::Error) -> anyhow::Error {
    error.context(Refused)
}

fn main() -> ExitCode {
    // Before any thread starts: `measure`, `verify` and `bench --wasm` time engines, and no error
    // made inside a timed region may capture a backtrace (the environment is recorded first).
    membench::record::quiet_library_backtraces();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<Refused>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::List { family, full } => list::run(family, full),
        Command::Measure { family, options } => {
            if family != Family::Fragmentation {
                return Err(refuse(anyhow::anyhow!(
                    "only the fragmentation family has memory figures to measure; the others are timed by `cargo bench`"
                )));
            }
            measure::run(options)?;
        }
        Command::Verify {
            cycles,
            touch_mib,
            runtime,
            json,
            no_spec,
        } => {
            verify::check_fits_in_memory(touch_mib).map_err(refuse)?;
            verify::verify(
                membench::verify::Options {
                    cycles,
                    touch_bytes: u64::from(touch_mib) << 20,
                    spec: !no_spec,
                    many_memories: membench::verify::MANY_MEMORIES,
                },
                runtime,
                json,
            )?
        }
        Command::Spec { runtime, json } => spec::spec(runtime, json)?,
        Command::Collect {
            target,
            fragmentation,
            verify,
            out,
            onto,
            run,
            allow_mixed,
        } => collect::run(
            &target,
            &fragmentation,
            &verify,
            out,
            onto,
            run.as_deref(),
            allow_mixed,
        )?,
        Command::Render {
            input,
            out,
            machines,
            allow_mixed,
        } => render::run(input, out, machines, allow_mixed)?,
        Command::Machine => println!("{}", membench::record::Machine::current().slug()),
        Command::Compare {
            a,
            b,
            threshold,
            changed,
        } => {
            if !(0.0..=1000.0).contains(&threshold) {
                return Err(refuse(anyhow::anyhow!(
                    "--threshold {threshold}: a percentage from 0 to 1000"
                )));
            }
            let ra = read_results(&a).map_err(refuse)?;
            let rb = read_results(&b).map_err(refuse)?;
            compare::compare(&ra, &rb, threshold / 100.0, changed)?
        }
        Command::Spread { runs, into } => {
            let results = runs
                .iter()
                .map(|p| read_results(p))
                .collect::<Result<Vec<_>>>()
                .map_err(refuse)?;
            compare::spread(&results, into.as_deref())?
        }
        Command::Bench { options } => bench::run(options)?,
    }
    Ok(())
}

/// `reports/<machine>/`: the folder of the machine the collected run measured on (this machine
/// when no case carries a run stamp).
pub(crate) fn machine_dir(results: &membench_report::Results) -> PathBuf {
    let machine = results
        .rows
        .iter()
        .find_map(|r| Some(r.run()?.machine.clone()))
        .unwrap_or_else(membench::record::Machine::current);
    PathBuf::from("reports").join(machine.slug())
}

pub(crate) fn read_results(path: &std::path::Path) -> Result<membench_report::Results> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `--runtime`, compiled; refused when it is not a regular expression or selects none of `ids`
/// (a typo would otherwise run nothing and report success).
pub(crate) fn runtime_filter<'a>(
    pattern: Option<&str>,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Option<regex::Regex>> {
    let Some(pattern) = pattern else {
        return Ok(None);
    };
    let filter = regex::Regex::new(pattern)
        .context("--runtime is not a regular expression")
        .map_err(refuse)?;
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.dedup();
    if !ids.iter().any(|id| filter.is_match(id)) {
        return Err(refuse(anyhow::anyhow!(
            "--runtime `{pattern}` matches none of the runtime ids: {}",
            ids.join(", ")
        )));
    }
    Ok(Some(filter))
}
