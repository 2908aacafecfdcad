//! `contiguous/<pattern>-<width>/<size>/<runtime>-<engine>/<memory-variant>`: load/store throughput
//! of every runtime and the native baseline over the cases [`membench::matrix::contiguous`] lists.
//!
//! Compile, instantiate and warming stay outside the timed region: a case is prepared the first time
//! criterion runs it (so a filter such as `-- wasmi` prepares only what it selects), and the timed
//! routine is one host call whose loop runs inside the guest. A case that fails to prepare or traps
//! is reported with its cause (and written to `target/membench/failures/`) and the run goes on.

mod support;

use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use membench::contiguous::{Prepared, Touch};
use membench::matrix::{self, ContiguousCase, Scope};
use membench::record::{CaseRecord, Versions};
use membench::runtime::RuntimeSpec;
use support::{check, Runner};

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let mut runner = Runner::new();
    let cases = matrix::contiguous(Scope::from_env(), &runner.specs);
    let mut group = criterion.benchmark_group("contiguous");
    for case in &cases {
        let id = case.id(&runner.specs);
        configure(&mut group, &runner.specs[case.runtime], case);
        let record = |prepared: &Prepared, spec: &RuntimeSpec, version: &str| CaseRecord {
            id: id.clone(),
            family: "contiguous".into(),
            runtime: spec.id.into(),
            strategy: spec.strategy.clone(),
            pattern: case.pattern.to_string(),
            size_bytes: case.size,
            memory_variant: matrix::variant_id(spec, case.variant),
            initial_pages: prepared.plan.initial,
            maximum_pages: prepared.plan.maximum,
            per: "call".into(),
            bytes_per_iteration: case.pattern.bytes_per_call(case.size),
            grows: None,
            capped_at_pages: None,
            ran_pages: None,
            footprint: None,
            versions: Versions::for_runtime(version),
        };
        let mut prepared: Option<Prepared> = None;
        runner.case(&mut group, case.runtime, &id, |b, spec, runtime| {
            let p = prepared.get_or_insert_with(|| {
                let variant = case
                    .variant
                    .unwrap_or(membench::contiguous::MemoryVariant::ALL[0]);
                let p = check(Prepared::new(runtime, case.pattern, variant, case.size));
                support::write_record(&record(&p, spec, runtime.version()));
                p
            });
            match case.pattern.touch {
                Touch::Warm => b.iter(|| check(p.run_warm())),
                Touch::FirstTouch => b.iter_batched_ref(
                    || check(p.fresh()),
                    |instance| check(p.run_on(instance.as_mut())),
                    BatchSize::PerIteration,
                ),
            }
        });
    }
    group.finish();
    runner.summary("contiguous");
    criterion.final_summary();
}

/// Sampling per case: fast cases get short windows; interpreters and large working sets sample
/// flat (each sample the same number of iterations) so a slow case stays within time.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    spec: &RuntimeSpec,
    case: &ContiguousCase,
) {
    group.throughput(Throughput::Bytes(case.pattern.bytes_per_call(case.size)));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    let slow = spec.interpreter || case.size >= 32 << 20 || case.pattern.touch == Touch::FirstTouch;
    if slow {
        group.sampling_mode(SamplingMode::Flat);
        group.measurement_time(Duration::from_millis(700));
    } else {
        group.sampling_mode(SamplingMode::Auto);
        group.measurement_time(Duration::from_millis(350));
    }
}
