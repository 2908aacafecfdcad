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
use clap::{Parser, Subcommand, ValueEnum};
use membench::matrix::{self, Scope};
use membench::record;

mod bench;
mod compare;
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
fn refuse(error: anyhow::Error) -> anyhow::Error {
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
        Command::List { family, full } => {
            let scope = if full { Scope::Full } else { Scope::Default };
            let specs = matrix::bench_runtimes(scope);
            for line in membench::runtimes::js::missing() {
                println!("# {line}");
            }
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
                    .iter()
                    .map(|c| c.key(&specs).id())
                    .collect(),
            };
            for id in ids {
                println!("{id}");
            }
        }
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
            check_fits_in_memory(touch_mib).map_err(refuse)?;
            verify(
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
        Command::Spec { runtime, json } => spec(runtime, json)?,
        Command::Collect {
            target,
            fragmentation,
            verify,
            out,
            onto,
            run,
            allow_mixed,
        } => {
            let results = match onto {
                Some(onto) => {
                    membench_report::with_verify(read_results(&onto).map_err(refuse)?, &verify)?
                }
                None => {
                    membench_report::collect_run(&target, &fragmentation, &verify, run.as_deref())?
                }
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
        }
        Command::Render {
            input,
            out,
            machines,
            allow_mixed,
        } => {
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
        }
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

fn verify(
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

/// What `membench spec --json` writes: the runs, and what they were measured against.
#[derive(serde::Serialize)]
struct SpecReport {
    suite: &'static str,
    files: &'static [&'static str],
    deviations: &'static [membench::spec::Deviation],
    runs: Vec<membench::spec::SpecRun>,
}

fn spec(runtime: Option<String>, json: Option<PathBuf>) -> Result<()> {
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

/// `reports/<machine>/`: the folder of the machine the collected run measured on (this machine
/// when no case carries a run stamp).
fn machine_dir(results: &membench_report::Results) -> PathBuf {
    let machine = results
        .rows
        .iter()
        .find_map(|r| Some(r.run()?.machine.clone()))
        .unwrap_or_else(membench::record::Machine::current);
    PathBuf::from("reports").join(machine.slug())
}

fn read_results(path: &std::path::Path) -> Result<membench_report::Results> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `--runtime`, compiled; refused when it is not a regular expression or selects none of `ids`
/// (a typo would otherwise run nothing and report success).
fn runtime_filter<'a>(
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

/// Refuses a `--touch-mib` above half the memory this machine has available now
/// (`MemAvailable`): past that the release check would measure the kernel reclaiming other
/// pages (or swapping), not the runtime releasing its own. Where `/proc/meminfo` cannot be read
/// the clap range is the only bound.
fn check_fits_in_memory(touch_mib: u32) -> Result<()> {
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
