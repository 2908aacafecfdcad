//! `grow/<pattern>/<pages>/<runtime>-<engine>/<variant>[@<strategy>]`: the time of **one grow**
//! (each timed call's time divided by the grows it made) for every runtime × strategy × maximum
//! variant, and `instantiate/16/...`: the time to instantiate a 16-page memory under each of them.
//!
//! Every timed call runs on a fresh instance made outside the timing (a grow cannot be undone).
//! Each case's record (in `target/membench/cases/`) carries its grows, bytes gained, cap if its
//! strategy moves memory on grow, and what one instance reserves (virtual) and makes resident.

mod support;

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use membench::grow::{self, Prepared};
use membench::matrix::{self, Scope};
use membench::module::PAGE;
use membench::record::{CaseRecord, Versions};
use support::{check, fail, Runner};

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let mut runner = Runner::new();
    grow_family(&mut criterion, &mut runner);
    instantiate_family(&mut criterion, &mut runner);
    runner.summary("grow/instantiate");
    criterion.final_summary();
}

fn grow_family(criterion: &mut Criterion, runner: &mut Runner) {
    let cases = matrix::grow(Scope::from_env(), &runner.specs);
    let mut group = criterion.benchmark_group("grow");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(250));
    group.sampling_mode(SamplingMode::Flat);
    for case in &cases {
        let id = case.id(&runner.specs);
        let bounded = grow::bound(&runner.specs[case.runtime], case.pattern);
        let pattern = bounded.runs;
        group.throughput(Throughput::Bytes(pattern.bytes_per_grow()));
        let mut prepared: Option<Prepared> = None;
        runner.case(&mut group, case.runtime, &id, |b, spec, runtime| {
            let p = prepared.get_or_insert_with(|| {
                let p = check(Prepared::new(runtime, pattern, case.variant));
                let (footprint, _instance) = check(p.footprint());
                support::write_record(&CaseRecord {
                    id: id.clone(),
                    family: "grow".into(),
                    runtime: spec.id.into(),
                    strategy: spec.strategy.clone(),
                    pattern: case.pattern.name().into(),
                    size_bytes: case.pattern.pages() * PAGE,
                    memory_variant: matrix::variant_id(spec, Some(case.variant)),
                    initial_pages: p.plan.initial,
                    maximum_pages: p.plan.maximum,
                    per: "grow".into(),
                    bytes_per_iteration: pattern.bytes_per_grow(),
                    grows: Some(pattern.grows()),
                    capped_at_pages: bounded.capped_at,
                    ran_pages: Some(pattern.pages()),
                    footprint: Some(footprint),
                    versions: Versions::for_runtime(runtime.version()),
                });
                if let Some(cap) = bounded.capped_at {
                    eprintln!("note: {id} capped at {cap} pages (ran {pattern}): this strategy moves memory on grow");
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
    let mut group = criterion.benchmark_group("instantiate");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(200));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(1));
    for (runtime, variant, id) in matrix::instantiate(&runner.specs) {
        let mut prepared: Option<Prepared> = None;
        let pattern = grow::GrowPattern::GrowFail(matrix::INSTANTIATE_PAGES);
        runner.case(&mut group, runtime, &id, |b, spec, rt| {
            let p = prepared.get_or_insert_with(|| {
                let p = check(Prepared::new(rt, pattern, variant));
                let (footprint, _instance) = check(p.footprint());
                support::write_record(&CaseRecord {
                    id: id.clone(),
                    family: "instantiate".into(),
                    runtime: spec.id.into(),
                    strategy: spec.strategy.clone(),
                    pattern: "instantiate".into(),
                    size_bytes: matrix::INSTANTIATE_PAGES * PAGE,
                    memory_variant: matrix::variant_id(spec, Some(variant)),
                    initial_pages: p.plan.initial,
                    maximum_pages: p.plan.maximum,
                    per: "instantiate".into(),
                    bytes_per_iteration: 0,
                    grows: None,
                    capped_at_pages: None,
                    ran_pages: None,
                    footprint: Some(footprint),
                    versions: Versions::for_runtime(rt.version()),
                });
                p
            });
            // One instance alive at a time (a pool has a fixed number of slots); the drop is not
            // timed.
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = std::time::Instant::now();
                    let instance = check(p.fresh());
                    total += start.elapsed();
                    drop(instance);
                }
                total
            });
        });
    }
    group.finish();
}
