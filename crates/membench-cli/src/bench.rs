//! `membench bench`: a user's own export, timed on every runtime-engine × strategy by criterion with
//! the settings of the built-in families, under each memory variant the module's memory can be
//! rewritten to. A table (and optionally a chart) of the time per call with its interval, and each
//! case against the fastest through the report's one verdict function.
//!
//! What is timed is the export alone, called through a resolved handle on a warm instance, in a
//! loop the runtime times ([`membench::runtime::Instance::call_timed`]: an engine in another process
//! times it with its own clock). Compiling, instantiating, resolving and a first untimed call stay
//! outside. A guest whose measured region needs setup first (fresh data, a reset allocator) puts
//! it in a second export named with `--setup`: it is called before every timed call, untimed, and
//! each call is then timed on its own.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use criterion::{Criterion, SamplingMode};
use membench::contiguous::{MaxDecl, MemoryVariant, LARGE_MAX_PAGES};
use membench::matrix;
use membench::module::{MemoryDecl, MemoryPlan};
use membench::record::{self, FailureKind, NotMeasured, RunStamp};
use membench::runtime::{Export, GuestModule, Instance, RuntimeSpec};
use membench_report::charts::{self, Axis, Chart, DotPanel, DotRow, Frame, Mark, Shape, Unit};
use membench_report::collect::{Estimate, Samples};
use membench_report::stats::{self, Comparison};
use serde::Serialize;

/// What `membench bench` is asked.
#[derive(clap::Args)]
pub struct Options {
    /// The module (`.wasm`, or `.wat` text). Its export must have the guest ABI's signature
    /// `(i32, i32, i32) -> i64` (guest-modules/README.md).
    #[arg(long)]
    pub wasm: PathBuf,
    /// The export to time.
    #[arg(long)]
    pub export: String,
    /// Its three arguments, comma-separated (fewer are padded with 0): e.g. `--args 1048576,8`.
    #[arg(long, value_delimiter = ',', num_args = 1, default_value = "0,0,0")]
    pub args: Vec<u32>,
    /// An export with the same signature and arguments called before every timed call, untimed:
    /// the guest's setup, kept outside its measured region.
    #[arg(long)]
    pub setup: Option<String>,
    /// Only runtime ids (`<runtime>-<engine>`) matching this regular expression.
    #[arg(long)]
    pub runtime: Option<String>,
    /// Every host memory strategy of every runtime, not only each runtime's default.
    #[arg(long)]
    pub all_strategies: bool,
    /// Only the memory as the module declares it, not its rewritten variants.
    #[arg(long)]
    pub as_declared: bool,
    /// Where criterion's output, `bench.json` and the chart go.
    #[arg(long, default_value = "target/membench-bench")]
    pub out: PathBuf,
    /// Also draw the times as a chart (`<out>/<module>-<export>.svg` and `.png`).
    #[arg(long)]
    pub chart: bool,
}

/// One case: a runtime-engine under a strategy, a memory variant, and what came of it.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// criterion's id, `bench/<module>/<export>/<runtime>/<variant>[@<strategy>]`.
    pub id: String,
    /// `<runtime>-<engine>`.
    pub runtime: String,
    /// The strategy's knobs, as the runtime names them.
    pub strategy: String,
    /// The runtime crate's (or engine's) version.
    pub version: String,
    /// `as-declared`, or the variant the memory was rewritten to.
    pub variant: String,
    /// The memory the case ran with.
    pub memory: MemoryPlan,
    /// criterion's estimate of the time of one call.
    pub estimate: Option<Estimate>,
    /// criterion's samples behind it.
    pub samples: Option<Samples>,
    /// Against the fastest case: this case's time ÷ the fastest's, bootstrapped.
    pub vs_fastest: Option<Comparison>,
    /// Why there is no figure, and of what kind.
    pub failure: Option<(FailureKind, String)>,
}

#[derive(Serialize)]
struct Output<'a> {
    run: &'a RunStamp,
    module: String,
    export: &'a str,
    args: [u32; 3],
    setup: Option<&'a str>,
    timed: &'static str,
    cases: &'a [Outcome],
}

/// The memory variants a module is timed under: as declared, and, when it defines its memory (so
/// the declaration can be rewritten), defined and imported without a maximum and with the 4 GiB
/// one. An exact maximum is not among them: how far a user's module grows is not known here, and
/// one it declares itself is `as-declared`. A 64-bit memory or one of custom pages is timed as
/// declared only: its code addresses and grows it in its own kind, which a rewritten 32-bit
/// memory of 64 KiB pages would not validate or would change.
pub fn variants(declared: &MemoryPlan, as_declared: bool) -> Vec<(String, MemoryPlan)> {
    let mut out = vec![("as-declared".to_string(), *declared)];
    if as_declared
        || declared.decl != MemoryDecl::Defined
        || declared.shared
        || declared.memory64
        || declared.page_size_log2.is_some()
    {
        return out;
    }
    for decl in [MemoryDecl::Defined, MemoryDecl::Imported] {
        for max in [MaxDecl::None, MaxDecl::Large] {
            let v = MemoryVariant::new(decl, max);
            let plan = v.plan_pages(declared.initial, declared.initial);
            if declared.initial <= LARGE_MAX_PAGES {
                out.push((v.id(), plan));
            }
        }
    }
    out
}

fn load(path: &Path, exports: &[&str]) -> Result<(String, Vec<u8>)> {
    let wasm = crate::measure::read_module(path)?;
    let problems = membench::module::guest_abi_problems(&wasm, exports, &[]);
    anyhow::ensure!(
        problems.is_empty(),
        "does not follow the guest ABI:\n    - {}",
        problems.join("\n    - ")
    );
    Ok((crate::measure::file_name(path), wasm))
}

/// The module's case on one runtime, ready to time: its warm instance and resolved exports.
struct Ready {
    instance: Box<dyn Instance>,
    export: Export,
    setup: Option<Export>,
}

fn prepare(
    rt: &dyn membench::runtime::Runtime,
    guest: &GuestModule,
    export: &str,
    setup: Option<&str>,
    args: [u32; 3],
) -> Result<Ready> {
    let compiled = rt.compile(guest).context("compiling")?;
    let mut instance = compiled.instantiate().context("instantiating")?;
    let setup = setup
        .map(|s| {
            instance
                .export(s)
                .with_context(|| format!("resolving `{s}`"))
        })
        .transpose()?;
    let export_handle = instance
        .export(export)
        .with_context(|| format!("resolving `{export}`"))?;
    // One untimed round, so a trap or a missing import is this case's error, not criterion's panic.
    if let Some(s) = setup {
        instance.call_export(s, args).context("the setup call")?;
    }
    instance
        .call_export(export_handle, args)
        .context("the first, untimed call")?;
    Ok(Ready {
        instance,
        export: export_handle,
        setup,
    })
}

/// `iters` timed calls: one region for the loop, or, with a setup export, each call timed alone
/// after its untimed setup.
fn timed(ready: &mut Ready, args: [u32; 3], iters: u64) -> Result<Duration> {
    match ready.setup {
        None => Ok(ready.instance.call_timed(ready.export, args, iters)?.1),
        Some(setup) => {
            let mut total = Duration::ZERO;
            for _ in 0..iters.max(1) {
                ready.instance.call_export(setup, args)?;
                total += ready.instance.call_timed(ready.export, args, 1)?.1;
            }
            Ok(total)
        }
    }
}

pub fn run(o: Options) -> Result<()> {
    use crate::refuse;
    if o.args.is_empty() || o.args.len() > 3 {
        return Err(refuse(anyhow::anyhow!(
            "--args takes one to three numbers, comma-separated; got {}",
            o.args.len()
        )));
    }
    let mut args = [0u32; 3];
    args[..o.args.len()].copy_from_slice(&o.args);
    let mut exports = vec![o.export.as_str()];
    exports.extend(o.setup.as_deref());
    let (name, wasm) = load(&o.wasm, &exports)
        .with_context(|| format!("cannot time {}", o.wasm.display()))
        .map_err(refuse)?;
    let declared = membench::module::declared_memory(&wasm)
        .with_context(|| format!("reading the memory of {}", o.wasm.display()))
        .map_err(refuse)?;
    let scope = if o.all_strategies {
        matrix::Scope::Full
    } else {
        matrix::Scope::Default
    };
    let specs: Vec<RuntimeSpec> = matrix::bench_runtimes(scope)
        .into_iter()
        .filter(|s| !s.native && (o.all_strategies || s.is_default()))
        .collect();
    let filter = crate::runtime_filter(o.runtime.as_deref(), specs.iter().map(|s| s.id))?;
    let criterion_dir = o.out.join("criterion");
    std::fs::create_dir_all(&criterion_dir)
        .with_context(|| format!("cannot create {}", criterion_dir.display()))
        .map_err(refuse)?;

    let mut guests = Vec::new();
    for (variant, plan) in variants(&declared, o.as_declared) {
        let guest = if variant == "as-declared" {
            GuestModule::as_is(&name, wasm.clone(), &exports)
        } else {
            GuestModule::new(&name, &wasm, plan, None)
        };
        guests.push((variant, plan, guest.map_err(|e| format!("{e:#}"))));
    }

    let started = SystemTime::now();
    // criterion's HTML report draws with plotters, which has no font until one is registered.
    charts::register_font();
    let mut criterion = Criterion::default()
        .output_directory(&criterion_dir)
        .nresamples(stats::CRITERION_RESAMPLES)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100));
    let mut outcomes = Vec::new();
    for spec in specs
        .iter()
        .filter(|s| filter.as_ref().is_none_or(|f| f.is_match(s.id)))
    {
        let built = spec.build();
        for (variant, plan, guest) in &guests {
            let strategy = if spec.default {
                String::new()
            } else {
                format!("@{}", spec.slug)
            };
            let id = format!("{name}/{}/{}/{variant}{strategy}", o.export, spec.id);
            let mut outcome = Outcome {
                id: format!("bench/{id}"),
                runtime: spec.id.to_string(),
                strategy: spec.strategy.clone(),
                version: built
                    .as_ref()
                    .map_or("unknown".into(), |r| r.version().to_string()),
                variant: variant.clone(),
                memory: *plan,
                estimate: None,
                samples: None,
                vs_fastest: None,
                failure: None,
            };
            let ready = match (&built, guest) {
                (Err(e), _) => Err((NotMeasured::of(e), format!("{e:#}"))),
                (_, Err(e)) => Err((FailureKind::Unsupported, e.clone())),
                (Ok(rt), Ok(guest)) => {
                    prepare(rt.as_ref(), guest, &o.export, o.setup.as_deref(), args)
                        .map_err(|e| (NotMeasured::of(&e), format!("{e:#}")))
                }
            };
            match ready {
                Err(failure) => {
                    eprintln!("not timed ({}) {id}: {}", failure.0, failure.1);
                    outcome.failure = Some(failure);
                }
                Ok(mut ready) => {
                    let mut group = criterion.benchmark_group("bench");
                    group.sampling_mode(if spec.interpreter {
                        SamplingMode::Flat
                    } else {
                        SamplingMode::Auto
                    });
                    group.measurement_time(Duration::from_millis(if spec.interpreter {
                        700
                    } else {
                        350
                    }));
                    let mut error = None;
                    group.bench_function(&id, |b| {
                        b.iter_custom(|iters| match timed(&mut ready, args, iters) {
                            Ok(d) => d,
                            Err(e) => {
                                error.get_or_insert_with(|| format!("{e:#}"));
                                Duration::from_nanos(1)
                            }
                        })
                    });
                    group.finish();
                    if let Some(e) = error {
                        eprintln!("FAILED {id}: {e}");
                        outcome.failure = Some((FailureKind::Failed, e));
                    }
                }
            }
            outcomes.push(outcome);
        }
    }

    // criterion's index of every case (`<out>/criterion/report/index.html`).
    criterion.final_summary();
    // criterion's estimates of this run (anything older in the directory is another run's).
    let measured = membench_report::collect::criterion_outputs(&criterion_dir)?;
    for outcome in outcomes.iter_mut().filter(|o| o.failure.is_none()) {
        let m = measured
            .get(&outcome.id)
            .filter(|m| m.written.is_some_and(|w| w >= started));
        outcome.estimate = m.map(|m| m.estimate);
        outcome.samples = m.and_then(|m| m.samples.clone());
        if outcome.estimate.is_none() {
            outcome.failure = Some((
                FailureKind::Failed,
                "criterion wrote no estimate for it".into(),
            ));
        }
    }
    rank(&mut outcomes);
    print_table(&outcomes, &name, &o.export, args);

    let output = Output {
        run: RunStamp::current(),
        module: name.clone(),
        export: &o.export,
        args,
        setup: o.setup.as_deref(),
        timed: if o.setup.is_some() {
            "each call of the export alone, after an untimed call of the setup export, warm instance"
        } else {
            "a loop of calls of the export through a resolved handle, warm instance"
        },
        cases: &outcomes,
    };
    let json = o.out.join("bench.json");
    record::write_json_atomic(&json, &output)?;
    eprintln!("wrote {}", json.display());
    if o.chart {
        let stem = format!("{}-{}", name.replace('.', "_"), o.export);
        chart(&outcomes, &o.out, &stem, &name, &o.export)?;
        eprintln!("wrote {}", o.out.join(format!("{stem}.svg")).display());
    }
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.failure, Some((FailureKind::Failed, _))))
        .count();
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} cases failed (listed above, and in {})",
        outcomes.len(),
        json.display()
    );
    Ok(())
}

/// Sorts the timed cases fastest first (the rest after, in order) and compares each with the
/// fastest.
pub fn rank(outcomes: &mut [Outcome]) {
    outcomes.sort_by(|a, b| match (a.estimate, b.estimate) {
        (Some(x), Some(y)) => x.point_ns.total_cmp(&y.point_ns),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    let per_iteration = |o: &Outcome| {
        o.samples
            .as_ref()
            .map(|s| s.per_iteration_ns())
            .filter(|v| !v.is_empty())
    };
    let Some(fastest) = outcomes.first().and_then(per_iteration) else {
        return;
    };
    for o in outcomes.iter_mut() {
        o.vs_fastest = per_iteration(o).and_then(|s| stats::compare(&s, &fastest));
    }
}

fn print_table(outcomes: &[Outcome], module: &str, export: &str, args: [u32; 3]) {
    println!(
        "\n{module} `{export}({}, {}, {})`: time per call, criterion's estimate [95 % interval]; \
         × the fastest, bootstrapped (faster/slower only when the interval excludes 1)\n",
        args[0], args[1], args[2]
    );
    println!(
        "{:<24} {:<14} {:<16} {:>32}  vs fastest",
        "runtime", "strategy", "memory", "time per call"
    );
    for o in outcomes {
        let strategy = if o.strategy == "default" {
            "default".to_string()
        } else {
            o.id.rsplit_once('@')
                .map_or(o.strategy.clone(), |(_, s)| s.to_string())
        };
        let (time, vs) = match (&o.estimate, &o.failure) {
            (_, Some((kind, why))) => (format!("{kind}"), first_line(why)),
            (Some(e), None) => (
                format!(
                    "{} [{} – {}]",
                    charts::time(e.point_ns),
                    charts::time(e.lower_ns),
                    charts::time(e.upper_ns)
                ),
                o.vs_fastest.map_or("–".into(), |c| {
                    if c.ratio == 1.0 && c.lower <= 1.0 && c.upper >= 1.0 {
                        "fastest".into()
                    } else {
                        format!("{} {}", c.label(), c.verdict)
                    }
                }),
            ),
            (None, None) => ("missing".into(), String::new()),
        };
        println!(
            "{:<24} {:<14} {:<16} {time:>32}  {vs}",
            o.runtime, strategy, o.variant
        );
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(100).collect::<String>())
    } else {
        line.to_string()
    }
}

fn chart(outcomes: &[Outcome], dir: &Path, stem: &str, module: &str, export: &str) -> Result<()> {
    let mut panels: Vec<DotPanel> = Vec::new();
    for o in outcomes {
        let row = DotRow {
            label: format!("{} · {}", o.runtime, o.variant),
            marks: o
                .estimate
                .iter()
                .map(|e| Mark {
                    value: e.point_ns,
                    interval: Some((e.lower_ns, e.upper_ns)),
                    shape: Shape::Dot,
                })
                .collect(),
            span: None,
            note: o.failure.as_ref().map(|(k, _)| k.to_string()),
            alert: matches!(o.failure, Some((FailureKind::Failed, _))),
        };
        match panels.iter_mut().find(|p| p.title == o.runtime) {
            Some(p) => p.rows.push(row),
            None => panels.push(DotPanel {
                title: o.runtime.clone(),
                rows: vec![row],
            }),
        }
    }
    let rows: usize = panels.iter().map(|p| p.rows.len() + 2).sum();
    let stamp = RunStamp::current();
    let chart = Chart::Dots {
        frame: Frame {
            title: format!("{module}: time of one call of `{export}`, per runtime and memory"),
            footer: format!(
                "run {} · commit {} · {} · {} cores",
                stamp.id, stamp.commit, stamp.machine.cpu, stamp.machine.cores
            ),
        },
        panels,
        cols: 1,
        axis: Axis {
            label: "time per call (criterion's estimate, 95 % interval)".into(),
            unit: Unit::Time,
        },
        reference: None,
        legend: None,
    };
    charts::write_both(dir, stem, (1000, 120 + 22 * rows as u32), &chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 32-bit memory of 64 KiB pages the module defines is timed under five memories; a 64-bit
    /// one, or one of 1-byte pages, as declared only (a rewrite would change what its code means).
    #[test]
    fn only_a_plain_defined_memory_is_rewritten() {
        let plain = MemoryPlan {
            decl: MemoryDecl::Defined,
            initial: 2,
            maximum: None,
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        let ids = |plan: &MemoryPlan| -> Vec<String> {
            variants(plan, false)
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        assert_eq!(
            ids(&plain),
            [
                "as-declared",
                "defined-nomax",
                "defined-max4g",
                "imported-nomax",
                "imported-max4g"
            ]
        );
        for kind in [
            MemoryPlan {
                memory64: true,
                ..plain
            },
            MemoryPlan {
                page_size_log2: Some(0),
                ..plain
            },
        ] {
            assert_eq!(ids(&kind), ["as-declared"], "{kind:?}");
        }
    }
}
