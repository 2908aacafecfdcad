//! What every bench family shares: building each runtime once (lazily, so a filter that selects
//! none of its cases never builds it), preparing a case the first time criterion runs it, and
//! turning a failing case into a report with its cause while the run goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};

use criterion::measurement::WallTime;
use criterion::{Bencher, BenchmarkGroup};
use membench::matrix;
use membench::record::{self, Failure};
use membench::runtime::{Runtime, RuntimeSpec};

/// Carries a case's error out of criterion's closure so the loop can report it and go on.
struct CaseFailed(String);

/// Ends the current case with `err` as its cause.
pub fn fail(err: impl std::fmt::Display) -> ! {
    std::panic::panic_any(CaseFailed(err.to_string()))
}

/// Unwraps a case's result, failing the case (not the run) on error.
pub fn check<T>(result: anyhow::Result<T>) -> T {
    result.unwrap_or_else(|e| fail(format!("{e:#}")))
}

/// The runtimes of the matrix, each built at most once.
pub struct Runner {
    /// The matrix's runtime specs.
    pub specs: Vec<RuntimeSpec>,
    built: Vec<Option<Result<Box<dyn Runtime>, String>>>,
    failed: usize,
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
        let specs = matrix::runtimes();
        let built = specs.iter().map(|_| None).collect();
        Self {
            specs,
            built,
            failed: 0,
            total: 0,
        }
    }

    /// Registers case `id` (`<group>/<name>`) in `group`. `bench` runs each time criterion calls the
    /// benchmark, with the case's runtime spec and runtime (built on first use); a failure at any point (runtime,
    /// preparation, trap, wrong result) is printed and written to `target/membench/failures/`.
    pub fn case(
        &mut self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        runtime: usize,
        id: &str,
        mut bench: impl FnMut(&mut Bencher<'_>, &RuntimeSpec, &dyn Runtime),
    ) {
        self.total += 1;
        let (_, name) = id.split_once('/').expect("ids are <group>/<name>");
        let spec = &self.specs[runtime];
        let built = &mut self.built[runtime];
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            group.bench_function(name, |b| {
                let rt = built.get_or_insert_with(|| spec.build().map_err(|e| format!("{e:#}")));
                match rt {
                    Ok(rt) => bench(b, spec, rt.as_ref()),
                    Err(e) => fail(format!("building {} ({}): {e}", spec.id, spec.strategy)),
                }
            });
        }));
        if let Err(payload) = outcome {
            let cause = match payload.downcast::<CaseFailed>() {
                Ok(f) => f.0,
                Err(panic) => format!("panicked: {}", record::panic_message(panic.as_ref())),
            };
            eprintln!("FAILED {id}: {cause}");
            self.failed += 1;
            let path = record::results_dir()
                .join("failures")
                .join(record::file_name(id));
            if let Err(e) = record::write_json_atomic(
                &path,
                &Failure {
                    id: id.to_string(),
                    cause,
                },
            ) {
                eprintln!("  (could not record the failure: {e:#})");
            }
        }
    }

    /// Prints how many cases failed.
    pub fn summary(&self, family: &str) {
        if self.failed > 0 {
            eprintln!(
                "{} of {} {family} cases failed; causes above and in {}",
                self.failed,
                self.total,
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
