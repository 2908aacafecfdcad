//! What every bench family shares: building each runtime once (lazily, so a filter that selects
//! none of its cases never builds it), preparing a case the first time criterion runs it, and
//! turning a failing case into a report with its cause while the run goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};

use criterion::measurement::WallTime;
use criterion::{Bencher, BenchmarkGroup};
use membench::case::CaseKey;
use membench::matrix;
use membench::record::{self, Failure, FailureKind, NotMeasured, RunStamp};
use membench::runtime::{Runtime, RuntimeSpec};

/// Carries a case's error out of criterion's closure so the loop can report it and go on.
struct CaseFailed(FailureKind, String);

/// The criterion every family runs with: its command line applied (`--test`, a filter), the
/// project's bootstrap resamples ([`membench_report::stats::CRITERION_RESAMPLES`]), and the font
/// its HTML report (`target/criterion/report/index.html`) draws with.
pub fn criterion() -> criterion::Criterion {
    // First, before anything is timed or any thread starts: no error made in a timed region
    // captures a backtrace, and the environment that can change a figure is recorded.
    membench::record::quiet_library_backtraces();
    membench_report::charts::register_font();
    criterion::Criterion::default()
        .nresamples(membench_report::stats::CRITERION_RESAMPLES)
        .configure_from_args()
}

/// Ends the current case with `err` as its cause (a failure).
// Each bench compiles this module; the contiguous bench ends no case by hand.
#[allow(dead_code)]
pub fn fail(err: impl std::fmt::Display) -> ! {
    std::panic::panic_any(CaseFailed(FailureKind::Failed, err.to_string()))
}

/// Unwraps a case's result, ending the case (not the run) on error: as unsupported or a finding
/// when the error is a [`NotMeasured`], else as a failure.
pub fn check<T>(result: anyhow::Result<T>) -> T {
    result.unwrap_or_else(|e| {
        std::panic::panic_any(CaseFailed(NotMeasured::of(&e), format!("{e:#}")))
    })
}

/// A runtime as built for the cases, or why it could not be, with the kind of the failure.
type Built = Result<Box<dyn Runtime>, (FailureKind, String)>;

/// The runtimes of the matrix, each built at most once.
pub struct Runner {
    /// The matrix's runtime specs.
    pub specs: Vec<RuntimeSpec>,
    /// Each runtime once built, or why it could not be (with the kind: an engine that is not
    /// installed or not built is a "not installed" row, not a failure).
    built: Vec<Option<Built>>,
    failed: usize,
    not_measured: usize,
    total: usize,
}

impl Runner {
    /// The matrix's runtimes, none built yet. Silences the panic hook for failed cases (their cause
    /// is printed once, by [`Runner::case`]).
    pub fn new() -> Self {
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<CaseFailed>() {
                default_hook(info);
            }
        }));
        let specs = matrix::bench_runtimes(matrix::Scope::from_env());
        let built = specs.iter().map(|_| None).collect();
        Self {
            specs,
            built,
            failed: 0,
            not_measured: 0,
            total: 0,
        }
    }

    /// Registers the case `key` in `group` (whose name is the key's family). `bench` runs each
    /// time criterion calls the benchmark, with the case's runtime spec and runtime (built on first
    /// use); a failure at any point (runtime, preparation, trap, wrong result) is printed and
    /// written to `target/membench/failures/`, with its kind.
    pub fn case(
        &mut self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        runtime: usize,
        key: &CaseKey,
        mut bench: impl FnMut(&mut Bencher<'_>, &RuntimeSpec, &dyn Runtime),
    ) {
        self.total += 1;
        let id = key.id();
        let name = key.name();
        let spec = &self.specs[runtime];
        let built = &mut self.built[runtime];
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            group.bench_function(&name, |b| {
                let rt = built.get_or_insert_with(|| {
                    spec.build()
                        .map_err(|e| (NotMeasured::of(&e), format!("{e:#}")))
                });
                match rt {
                    Ok(rt) => bench(b, spec, rt.as_ref()),
                    Err((kind, e)) => std::panic::panic_any(CaseFailed(
                        *kind,
                        format!("building {} ({}): {e}", spec.id, spec.strategy),
                    )),
                }
            });
        }));
        if let Err(payload) = outcome {
            let (kind, cause) = match payload.downcast::<CaseFailed>() {
                Ok(f) => (f.0, f.1),
                Err(panic) => (
                    FailureKind::Failed,
                    format!("panicked: {}", record::panic_message(panic.as_ref())),
                ),
            };
            match kind {
                FailureKind::Failed => {
                    eprintln!("FAILED {id}: {cause}");
                    self.failed += 1;
                }
                other => {
                    eprintln!("not measured ({other}) {id}: {cause}");
                    self.not_measured += 1;
                }
            }
            let path = record::results_dir()
                .join("failures")
                .join(record::file_name(&id));
            let failure = Failure {
                id: id.clone(),
                cause,
                kind,
                key: Some(key.clone()),
                run: Some(RunStamp::current().clone()),
            };
            if let Err(e) = record::write_json_atomic(&path, &failure) {
                eprintln!("  (could not record the failure: {e:#})");
            }
        }
    }

    /// Prints how many cases failed or were not measured.
    pub fn summary(&self, family: &str) {
        if self.failed + self.not_measured > 0 {
            eprintln!(
                "{family}: {} of {} cases failed, {} not measured (unsupported or a finding); \
                 causes above and in {}",
                self.failed,
                self.total,
                self.not_measured,
                record::results_dir().join("failures").display()
            );
        }
    }
}

/// Writes a case's record, and clears any failure recorded for it by an earlier run.
pub fn write_record(record: &membench::record::CaseRecord) {
    let dir = record::results_dir();
    check(record::write_json_atomic(
        &dir.join("cases").join(record::file_name(&record.id)),
        record,
    ));
    let _ = std::fs::remove_file(dir.join("failures").join(record::file_name(&record.id)));
}
