//! `grow/<pattern>/<size>/<runtime>-<engine>/<variant>[@<strategy>]`: the time of **one grow**
//! (each timed call's time divided by the grows it made) for every runtime × strategy × maximum
//! variant, and `instantiate/pre-linked/16/...`: the time to instantiate a pre-linked 16-page
//! memory under each of them.
//!
//! Every timed call runs on a fresh instance made outside the timing (a grow cannot be undone).
//! Each case's record (in `target/membench/cases/`) carries its grows, bytes gained, cap if its
//! strategy moves memory on grow, and what one instance reserves (virtual) and makes resident.

mod support;

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use membench::case::Family;
use membench::grow::{self, Prepared};
use membench::matrix::{self, Scope};
use membench::record::CaseRecord;
use support::{check, fail, Runner};

fn main() {
    let mut criterion = support::criterion();
    let mut runner = Runner::new();
    grow_family(&mut criterion, &mut runner);
    instantiate_family(&mut criterion, &mut runner);
    runner.summary("grow/instantiate");
    criterion.final_summary();
}

fn grow_family(criterion: &mut Criterion, runner: &mut Runner) {
    let cases = matrix::grow(Scope::from_env(), &runner.specs);
    let mut group = criterion.benchmark_group(Family::Grow.id());
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(250));
    group.sampling_mode(SamplingMode::Flat);
    for case in &cases {
        let key = case.key(&runner.specs);
        let bounded = grow::bound(&runner.specs[case.runtime], case.pattern);
        let pattern = bounded.runs;
        group.throughput(Throughput::Bytes(pattern.bytes_per_grow()));
        let mut prepared: Option<Prepared> = None;
        runner.case(&mut group, case.runtime, &key, |b, _spec, runtime| {
            let p = prepared.get_or_insert_with(|| {
                let p = check(Prepared::with_build(runtime, pattern, case.variant, case.build));
                let (footprint, _instance) = check(p.footprint());
                let mut record = CaseRecord::new(
                    key.clone(),
                    pattern.timed(),
                    p.plan,
                    "grow",
                    pattern.bytes_per_grow(),
                    runtime.version(),
                );
                record.grows = Some(pattern.grows());
                record.capped_at_pages = bounded.capped_at;
                record.footprint = Some(footprint);
                support::write_record(&record);
                if let Some(cap) = bounded.capped_at {
                    eprintln!(
                        "note: {} capped at {cap} pages (ran {pattern}): this strategy moves memory on grow",
                        key.id()
                    );
                }
                p
            });
            let grows = u32::try_from(pattern.grows()).unwrap_or_else(|e| fail(e));
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut instance = check(p.fresh());
                    total += check(p.run(instance.as_mut()));
                    drop(instance);
                }
                total / grows
            });
        });
    }
    group.finish();
}

fn instantiate_family(criterion: &mut Criterion, runner: &mut Runner) {
    let mut group = criterion.benchmark_group(Family::Instantiate.id());
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(200));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(1));
    for case in matrix::instantiate(&runner.specs) {
        let key = case.key(&runner.specs);
        let mut prepared: Option<Prepared> = None;
        let pattern = grow::GrowPattern::GrowFail(matrix::INSTANTIATE_PAGES);
        runner.case(&mut group, case.runtime, &key, |b, _spec, rt| {
            let p = prepared.get_or_insert_with(|| {
                let p = check(Prepared::new(rt, pattern, case.variant));
                let (footprint, _instance) = check(p.footprint());
                let mut record = CaseRecord::new(
                    key.clone(),
                    p.timed_instantiation(),
                    p.plan,
                    "instantiate",
                    0,
                    rt.version(),
                );
                record.footprint = Some(footprint);
                support::write_record(&record);
                p
            });
            // One instance alive at a time (a pool has a fixed number of slots). The adapter
            // times the instantiation alone (module linked beforehand where the runtime can);
            // the memory lookup and the drop are not timed.
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (instance, elapsed) = check(p.instantiate_timed());
                    total += elapsed;
                    drop(instance);
                }
                total
            });
        });
    }
    group.finish();
}
