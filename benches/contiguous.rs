//! `contiguous/<pattern>-<width>/<size>/<runtime>-<engine>[+simd128]/<memory-variant>[@<strategy>]`:
//! load/store throughput of every runtime and the native baseline over the cases
//! [`membench::matrix::contiguous`] lists.
//!
//! Compile, instantiate, warming and export resolution stay outside the timed region: a case is
//! prepared the first time criterion runs it (so a filter such as `-- wasmi` prepares only what it
//! selects), and the timed routine is one guest call through an export resolved beforehand, whose
//! loop runs inside the guest. A first-touch sample runs on a fresh instance whose working set was
//! checked non-resident (untimed). A case that fails to prepare or traps is reported with its cause
//! (and written to `target/membench/failures/`) and the run goes on; an engine refusing `simd128`,
//! or memory that arrives already touched, is recorded as unsupported or a finding.

mod support;

use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use membench::case::Family;
use membench::contiguous::{MemoryVariant, Prepared, Touch};
use membench::matrix::{self, ContiguousCase, Scope};
use membench::record::CaseRecord;
use membench::runtime::RuntimeSpec;
use support::{check, Runner};

fn main() {
    let mut criterion = support::criterion();
    let mut runner = Runner::new();
    let cases = matrix::contiguous(Scope::from_env(), &runner.specs);
    let mut group = criterion.benchmark_group(Family::Contiguous.id());
    for case in &cases {
        let key = case.key(&runner.specs);
        configure(&mut group, &runner.specs[case.runtime], case);
        let mut prepared: Option<Prepared> = None;
        runner.case(&mut group, case.runtime, &key, |b, _spec, runtime| {
            let p = prepared.get_or_insert_with(|| {
                let variant = case.variant.unwrap_or(MemoryVariant::ALL[0]);
                check(Prepared::new(
                    runtime,
                    case.pattern,
                    variant,
                    case.size,
                    case.build,
                ))
            });
            match case.pattern.touch {
                // `iters` calls timed by the runtime: the loop `b.iter` would time in-process,
                // the engine's own clock for an engine in another process.
                Touch::Warm => b.iter_custom(|iters| check(p.run_warm_timed(iters))),
                // One fresh instance per iteration, made and checked outside the timing; the
                // runtime times the one call (the engine's clock for an engine in another
                // process, so the pipe stays outside).
                Touch::FirstTouch => b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let mut fresh = check(p.fresh());
                        total += check(p.run_fresh_timed(&mut fresh));
                    }
                    total
                }),
            }
            // Written after the samples, so a first-touch record holds every residency check.
            let timed = match case.pattern.touch {
                Touch::Warm => "one guest call through a resolved export, warm instance",
                Touch::FirstTouch => {
                    "one guest call through a resolved export, fresh instance (working set checked non-resident, untimed)"
                }
            };
            let mut record = CaseRecord::new(
                key.clone(),
                timed,
                p.plan,
                "call",
                membench::contiguous::bytes_per_call(&case.pattern, case.size),
                runtime.version(),
            );
            record.first_touch = p.first_touch();
            support::write_record(&record);
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
    group.throughput(Throughput::Bytes(membench::contiguous::bytes_per_call(
        &case.pattern,
        case.size,
    )));
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
