//! `membench measure`: the memory figures of the fragmentation family (or of guests given as files),
//! one record per runtime × allocator × workload, written atomically after every case so an
//! interrupted run keeps everything it measured.
//!
//! Modules given with `--wasm` are read and checked against the guest ABI before anything runs: a
//! module that cannot be measured is a mistake in the command, refused once (exit code 2) with
//! everything wrong in every module named, not six failed cases per module. A case that fails
//! while running (a trap, a runaway call, a runtime error) is kept in the output with its cause,
//! the run goes on, and the command exits 1 at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use membench::fragmentation::{self, FragRecord, Workload};
use membench::matrix;
use membench::record::{self, FailureKind, NotMeasured};
use membench::runtime::GuestModule;
use serde::Serialize;

/// What `membench measure` is asked.
#[derive(clap::Args)]
pub struct Options {
    /// Measure these modules (`.wasm`, or `.wat` text) instead of the built-in allocator guests.
    /// Each must export its one memory as `memory` and `run(i32, i32, i32) -> i64` (see
    /// guest-modules/README.md); one that does not is refused before anything runs.
    #[arg(long)]
    pub wasm: Vec<PathBuf>,
    /// The first argument `run` gets for a `--wasm` module: the workload index (0 to 2^31 - 1, so
    /// a guest reading it as the wasm type i32 sees the same number as one reading u32).
    #[arg(long, default_value_t = 0, requires = "wasm", value_parser = clap::value_parser!(u32).range(0..=i32::MAX as i64))]
    pub workload: u32,
    /// The second argument `run` gets for a `--wasm` module: the scale (0 to 2^31 - 1, as
    /// `--workload`).
    #[arg(long, default_value_t = 1, requires = "wasm", value_parser = clap::value_parser!(u32).range(0..=i32::MAX as i64))]
    pub scale: u32,
    /// Only runtime ids (`<runtime>-<engine>`) matching this regular expression.
    #[arg(long)]
    pub runtime: Option<String>,
    /// Where to write the JSON (atomically, after every case).
    #[arg(long, default_value = "target/fragmentation.json")]
    pub out: PathBuf,
    /// Also write the records as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// For `--wasm` modules: the seconds a call may run on wasmtime (epoch interruption) before it
    /// is stopped and the case reported as failed, so a guest that never returns does not stop
    /// the run. 1 to 3600: 0 would stop every call at once, and a safeguard of more than an hour
    /// per case no longer guards a run.
    #[arg(long, default_value_t = 60, requires = "wasm", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub deadline: u64,
    /// For `--wasm` modules: the operators a call may execute on wasmer (metering) and wasmi
    /// (fuel) before it is stopped, the same safeguard where there is no clock. 1 to 10^13: 0
    /// would stop every call before its first operator, and 10^13 is already hours of
    /// interpretation, the counterpart of `--deadline`'s hour.
    #[arg(long, default_value_t = 20_000_000_000, requires = "wasm", value_parser = clap::value_parser!(u64).range(1..=10_000_000_000_000))]
    pub fuel: u64,
}

#[derive(Serialize)]
struct Output<'a> {
    /// The run these figures come from (commit, start, machine), captured when it ran.
    run: &'a membench::record::RunStamp,
    methods: BTreeMap<&'static str, &'static str>,
    environment: &'a membench_report::collect::Environment,
    records: &'a [FragRecord],
}

/// One case to run: a guest (or why it could not be loaded), a workload, a runtime index. (A
/// `--wasm` module always loads: one that does not is refused before any case is made.)
struct Case {
    id: String,
    /// The memory variant, from the case's key (never parsed back out of `id`).
    variant: String,
    allocator: String,
    guest: std::result::Result<GuestModule, String>,
    workload: Workload,
    runtime: usize,
}

/// The exports `measure` calls when a guest has them (see `fragmentation::measure`). Checked like
/// the required ones when present: the runtimes call them with the ABI's one type, so one of
/// another type would silently read as absent.
const OPTIONAL_EXPORTS: [&str; 2] = ["live_bytes", "peak_live_bytes"];

/// Reads a `--wasm` module and checks it against the guest ABI. The error lists every problem
/// found, one per line.
fn load(path: &Path) -> Result<GuestModule> {
    let wasm = read_module(path)?;
    let problems = membench::module::guest_abi_problems(
        &wasm,
        &fragmentation::REQUIRED_EXPORTS,
        &OPTIONAL_EXPORTS,
    );
    if !problems.is_empty() {
        anyhow::bail!(
            "does not follow the guest ABI:\n    - {}",
            problems.join("\n    - ")
        );
    }
    GuestModule::as_is(&file_name(path), wasm, &fragmentation::REQUIRED_EXPORTS)
}

/// A module file's bytes: binary as it is, or WebAssembly text (a file named `*.wat`) parsed.
pub fn read_module(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).context("cannot read it")?;
    if path.extension().is_some_and(|e| e == "wat") {
        Ok(wat::parse_bytes(&bytes)
            .context("cannot parse it as WebAssembly text")?
            .into_owned())
    } else {
        Ok(bytes)
    }
}

/// A module's name in case ids and records: its file name.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or("module".into(), |n| n.to_string_lossy().into_owned())
}

/// Loads every `--wasm` module, or refuses them all at once: one message names every module that
/// cannot be measured and everything wrong with each, so one round of fixes is enough.
fn load_all(paths: &[PathBuf]) -> Result<Vec<GuestModule>> {
    let mut guests = Vec::new();
    let mut refused = Vec::new();
    for path in paths {
        match load(path) {
            Ok(guest) => guests.push(guest),
            Err(e) => refused.push(format!("  {}: {e:#}", path.display())),
        }
    }
    // Case ids and records name a module by its file name; two of one name would be one module.
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        let name = file_name(path);
        if !seen.insert(name.clone()) {
            refused.push(format!(
                "  {}: another --wasm module has the file name `{name}`, and case ids name a module by its file name",
                path.display()
            ));
        }
    }
    if !refused.is_empty() {
        anyhow::bail!(
            "cannot measure the modules given with --wasm (guest-modules/README.md describes the guest ABI):\n{}",
            refused.join("\n")
        );
    }
    Ok(guests)
}

/// Refuses an output path that cannot be written, before anything runs.
fn check_writable(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let probe = path.with_extension("probe.tmp");
    std::fs::write(&probe, b"").with_context(|| format!("cannot write to {}", dir.display()))?;
    std::fs::remove_file(&probe).ok();
    Ok(())
}

pub fn run(o: Options) -> Result<()> {
    use crate::refuse;
    // Everything the command line can get wrong is refused here, before any case runs.
    let guests = load_all(&o.wasm).map_err(refuse)?;
    // Built-in guests are known to finish and run under the matrix's own strategies; a module from
    // a file may not, so it runs where a runaway call is stopped.
    let specs = if o.wasm.is_empty() {
        // Every configuration the benches know, the JavaScript engines' switches included: their
        // memory is found in the engine's process and read from `/proc/<pid>/` like any other.
        matrix::bench_runtimes(matrix::Scope::Full)
    } else {
        matrix::guarded_runtimes(std::time::Duration::from_secs(o.deadline), o.fuel)
    };
    let filter = crate::runtime_filter(o.runtime.as_deref(), specs.iter().map(|s| s.id))?;
    check_writable(&o.out).map_err(refuse)?;
    if let Some(csv) = &o.csv {
        check_writable(csv).map_err(refuse)?;
    }
    let mut cases = Vec::new();
    if o.wasm.is_empty() {
        for c in matrix::fragmentation(&specs) {
            cases.push(Case {
                id: c.id(&specs),
                variant: c.key(&specs).variant.to_string(),
                allocator: c.allocator.id().into(),
                guest: membench::fragmentation::guest(c.allocator).map_err(|e| format!("{e:#}")),
                workload: c.workload,
                runtime: c.runtime,
            });
        }
    } else {
        let workload = Workload {
            id: "custom",
            index: o.workload,
            scale: o.scale,
        };
        for (path, guest) in o.wasm.iter().zip(guests) {
            let name = file_name(path);
            for (runtime, spec) in specs.iter().enumerate() {
                cases.push(Case {
                    id: format!(
                        "fragmentation/custom-{}-{}/{name}/{}/as-declared",
                        o.workload, o.scale, spec.id
                    ),
                    variant: "as-declared".into(),
                    allocator: name.clone(),
                    guest: Ok(guest.clone()),
                    workload,
                    runtime,
                });
            }
        }
    }
    cases.retain(|c| {
        filter
            .as_ref()
            .is_none_or(|f| f.is_match(specs[c.runtime].id))
    });

    let environment = membench_report::collect::environment();
    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    // Each runtime is built once, at its first case; a build that failed says why, and of what
    // kind (an engine that is not installed is not a failure of the run).
    type Built = std::result::Result<Box<dyn membench::runtime::Runtime>, (FailureKind, String)>;
    let mut built: Vec<Option<Built>> = specs.iter().map(|_| None).collect();
    let mut records: Vec<FragRecord> = Vec::new();
    let mut failed = 0;
    let mut skipped = 0;
    let mut not_measured = 0;
    for case in &cases {
        bar.set_message(case.id.clone());
        let spec = &specs[case.runtime];
        let runtime = built[case.runtime].get_or_insert_with(|| {
            spec.build()
                .map_err(|e| (NotMeasured::of(&e), format!("{e:#}")))
        });
        let outcome = match (&*runtime, &case.guest) {
            // A panic inside a runtime fails this case with its message; the run goes on.
            (Ok(rt), Ok(guest)) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                fragmentation::measure(rt.as_ref(), guest, case.workload)
            }))
            .unwrap_or_else(|panic| {
                Err(anyhow::anyhow!(
                    "panicked: {}",
                    record::panic_message(panic.as_ref())
                ))
            })
            .map_err(|e| (NotMeasured::of(&e), format!("{e:#}"))),
            (Err((kind, e)), _) => Err((*kind, format!("building {}: {e}", spec.id))),
            (_, Err(e)) => Err((FailureKind::Failed, e.clone())),
        };
        match &outcome {
            // An optional engine (node, deno, bun) that is missing: its rows say how to install
            // it, and the run is not failed for it.
            Err((FailureKind::NotInstalled, _)) => skipped += 1,
            // A runtime without what the case needs (1-byte pages): a row with its words.
            Err((
                kind @ (FailureKind::Unsupported | FailureKind::Binding | FailureKind::Finding),
                e,
            )) => {
                not_measured += 1;
                bar.println(format!("not measured ({kind}) {}: {e}", case.id));
            }
            Err((_, e)) => {
                failed += 1;
                bar.println(format!("FAILED {}: {e}", case.id));
            }
            Ok(_) => {}
        }
        let (figures, failure) = match outcome {
            Ok(figures) => (Some(figures), None),
            Err(failure) => (None, Some(failure)),
        };
        records.push(FragRecord {
            id: case.id.clone(),
            runtime: spec.id.into(),
            strategy: spec.strategy.clone(),
            memory_variant: case.variant.clone(),
            allocator: case.allocator.clone(),
            workload: case.workload.id.into(),
            scale: case.workload.scale,
            runtime_version: runtime.as_ref().map_or("unknown", |r| r.version()).into(),
            figures,
            failure_kind: failure.as_ref().map(|(kind, _)| *kind),
            failure: failure.map(|(_, e)| e),
        });
        let output = Output {
            run: membench::record::RunStamp::current(),
            methods: fragmentation::METHODS.into_iter().collect(),
            environment: &environment,
            records: &records,
        };
        record::write_json_atomic(&o.out, &output)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(path) = &o.csv {
        write_csv(path, &records)?;
    }
    eprintln!(
        "measured {} cases ({failed} failed, {not_measured} unsupported, not in our binding or findings, {skipped} on engines not installed) into {}",
        records.len(),
        o.out.display()
    );
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} cases failed (each is listed above, with its cause, and kept in {})",
        records.len(),
        o.out.display()
    );
    Ok(())
}

fn write_csv(path: &Path, records: &[FragRecord]) -> Result<()> {
    let tmp = path.with_extension("csv.tmp");
    let mut w =
        csv::Writer::from_path(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    w.write_record([
        "id",
        "runtime",
        "strategy",
        "memory_variant",
        "allocator",
        "workload",
        "scale",
        "linear_bytes",
        "linear_peak_bytes",
        "peak_live_bytes",
        "live_bytes_end",
        "resident_bytes",
        "reserved_virtual_bytes",
        "rss_delta_bytes",
        "fixed_bytes",
        "waste_bytes",
        "resident_per_live",
        "reserved_per_linear",
        "allocations",
        "failure",
    ])?;
    let o = |v: Option<String>| v.unwrap_or_default();
    for r in records {
        let f = r.figures.as_ref();
        w.write_record([
            r.id.clone(),
            r.runtime.clone(),
            r.strategy.clone(),
            r.memory_variant.clone(),
            r.allocator.clone(),
            r.workload.clone(),
            r.scale.to_string(),
            o(f.map(|f| f.linear_bytes.to_string())),
            o(f.map(|f| f.linear_peak_bytes.to_string())),
            o(f.and_then(|f| f.peak_live_bytes).map(|v| v.to_string())),
            o(f.and_then(|f| f.live_bytes_end).map(|v| v.to_string())),
            o(f.and_then(|f| f.resident_bytes.map(|r| r.to_string()))),
            o(f.map(|f| f.reserved_virtual_bytes.to_string())),
            o(f.map(|f| f.rss_delta_bytes.to_string())),
            o(f.and_then(|f| f.fixed_bytes).map(|v| v.to_string())),
            o(f.and_then(|f| f.waste_bytes).map(|v| v.to_string())),
            o(f.and_then(|f| f.resident_per_live)
                .map(|v| format!("{v:.4}"))),
            o(f.map(|f| format!("{:.4}", f.reserved_per_linear))),
            o(f.map(|f| f.allocations.to_string())),
            o(r.failure.clone()),
        ])?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}
