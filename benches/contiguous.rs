//! `contiguous/<pattern>-<width>/<size>/<runtime>-<engine>/<memory-variant>`: load/store throughput
//! of every runtime and the native baseline over the cases [`membench::matrix::contiguous`] lists.
//!
//! Compile, instantiate and warming stay outside the timed region: a case is prepared the first time
//! criterion runs it (so a filter such as `-- wasmi` prepares only what it selects), and the timed
//! routine is one host call whose loop runs inside the guest. A case that fails to prepare or traps
//! is reported with its cause (and written to `target/membench/failures/`) and the run goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use membench::contiguous::{Prepared, Touch};
use membench::matrix::{self, ContiguousCase, RuntimeSpec, Scope};
use membench::record::{self, CaseRecord, Failure, Versions};
use membench::runtime::Runtime;

/// Carries a case's error out of criterion's closure so the loop can report it and go on.
struct CaseFailed(String);

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let specs = matrix::runtimes();
    let cases = matrix::contiguous(Scope::from_env(), &specs);
    let mut runtimes: Vec<Option<Result<Box<dyn Runtime>, String>>> =
        specs.iter().map(|_| None).collect();

    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.payload().is::<CaseFailed>() {
            default_hook(info);
        }
    }));

    let mut group = criterion.benchmark_group("contiguous");
    let mut failed = 0usize;
    for case in &cases {
        let id = case.id(&specs);
        let spec = &specs[case.runtime];
        configure(&mut group, spec, case);
        let mut prepared: Option<Prepared> = None;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            group.bench_function(bench_name(&id), |b| {
                if prepared.is_none() {
                    let runtime = runtimes[case.runtime]
                        .get_or_insert_with(|| spec.build().map_err(|e| format!("{e:#}")));
                    let p = match runtime {
                        Ok(rt) => prepare(rt.as_ref(), spec, case, &id),
                        Err(e) => Err(format!("building {}: {e}", spec.id)),
                    };
                    prepared = Some(p.unwrap_or_else(|e| std::panic::panic_any(CaseFailed(e))));
                }
                let p = prepared.as_mut().expect("prepared above");
                match case.pattern.touch {
                    Touch::Warm => b.iter(|| p.run_warm().unwrap_or_else(|e| fail(e))),
                    Touch::FirstTouch => b.iter_batched_ref(
                        || p.fresh().unwrap_or_else(|e| fail(e)),
                        |instance| p.run_on(instance.as_mut()).unwrap_or_else(|e| fail(e)),
                        BatchSize::PerIteration,
                    ),
                }
            });
        }));
        if let Err(payload) = outcome {
            let cause = match payload.downcast::<CaseFailed>() {
                Ok(f) => f.0,
                Err(other) => format!("panic: {other:?}"),
            };
            eprintln!("FAILED {id}: {cause}");
            failed += 1;
            let path = record::results_dir().join("failures").join(record::file_name(&id));
            if let Err(e) = record::write_json_atomic(&path, &Failure { id, cause }) {
                eprintln!("  (could not record the failure: {e:#})");
            }
        }
    }
    group.finish();
    criterion.final_summary();
    if failed > 0 {
        eprintln!("{failed} of {} contiguous cases failed; see above", cases.len());
    }
}

/// Criterion's id is `group/name`; the group is `contiguous`, so the name is the rest of our id.
fn bench_name(id: &str) -> String {
    id.trim_start_matches("contiguous/").to_string()
}

fn fail(err: anyhow::Error) -> ! {
    std::panic::panic_any(CaseFailed(format!("{err:#}")))
}

/// Sampling per case: fast cases get short windows; interpreters and large working sets sample
/// flat (each sample the same number of iterations) so a slow case stays within time.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    spec: &RuntimeSpec,
    case: &ContiguousCase,
) {
    let bytes = case.pattern.bytes_per_call(case.size);
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    let slow = spec.interpreter || case.size >= 32 << 20 || case.pattern.touch == Touch::FirstTouch;
    if slow {
        group.sampling_mode(SamplingMode::Flat);
        group.measurement_time(Duration::from_millis(1000));
    } else {
        group.sampling_mode(SamplingMode::Auto);
        group.measurement_time(Duration::from_millis(500));
    }
}

/// Compiles and (for warm cases) warms the case, and writes its record.
fn prepare(
    runtime: &dyn Runtime,
    spec: &RuntimeSpec,
    case: &ContiguousCase,
    id: &str,
) -> Result<Prepared, String> {
    let variant = case.variant.unwrap_or(membench::contiguous::MemoryVariant::ALL[0]);
    let prepared = Prepared::new(runtime, case.pattern, variant, case.size)
        .map_err(|e| format!("{e:#}"))?;
    let record = CaseRecord {
        id: id.to_string(),
        family: "contiguous".into(),
        runtime: spec.id.into(),
        strategy: spec.strategy.into(),
        pattern: case.pattern.to_string(),
        size_bytes: case.size,
        memory_variant: matrix::variant_id(case.variant),
        initial_pages: prepared.plan.initial,
        maximum_pages: prepared.plan.maximum,
        args: prepared.args,
        bytes_per_call: case.pattern.bytes_per_call(case.size),
        versions: Versions::for_runtime(runtime.version()),
    };
    let dir = record::results_dir();
    record::write_json_atomic(&dir.join("cases").join(record::file_name(id)), &record)
        .map_err(|e| format!("{e:#}"))?;
    let _ = std::fs::remove_file(dir.join("failures").join(record::file_name(id)));
    Ok(prepared)
}
