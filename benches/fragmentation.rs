//! `fragmentation/<workload>/<allocator>/<runtime>-<engine>/defined-nomax`: the time of one run of
//! each workload through each guest allocator, on a fresh instance per iteration (memory only
//! grows, so a reused instance would measure a different thing). The memory figures of the same
//! cases come from `membench measure --family fragmentation`, not from here.

mod support;

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use membench::fragmentation::SEED;
use membench::matrix;
use membench::record::{CaseRecord, Versions};
use membench::runtime::Compiled;
use support::{check, fail, Runner};

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let mut runner = Runner::new();
    let cases = matrix::fragmentation(&runner.specs);
    let mut group = criterion.benchmark_group("fragmentation");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(300));
    group.sampling_mode(SamplingMode::Flat);
    for case in &cases {
        let id = case.id(&runner.specs);
        let mut compiled: Option<Box<dyn Compiled>> = None;
        group.throughput(Throughput::Elements(1));
        runner.case(&mut group, case.runtime, &id, |b, spec, runtime| {
            let c = compiled.get_or_insert_with(|| {
                let guest = check(case.allocator.guest());
                support::write_record(&CaseRecord {
                    id: id.clone(),
                    family: "fragmentation".into(),
                    runtime: spec.id.into(),
                    strategy: spec.strategy.clone(),
                    pattern: format!("{}/{}", case.workload.id, case.allocator.id()),
                    size_bytes: u64::from(case.workload.scale),
                    memory_variant: "defined-nomax".into(),
                    initial_pages: guest.memory.initial,
                    maximum_pages: guest.memory.maximum,
                    per: "call".into(),
                    bytes_per_iteration: 0,
                    grows: None,
                    capped_at_pages: None,
                    ran_pages: None,
                    footprint: None,
                    versions: Versions::for_runtime(runtime.version()),
                });
                check(runtime.compile(&guest))
            });
            let w = case.workload;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut instance = check(c.instantiate());
                    let start = Instant::now();
                    let allocations = check(instance.call("run", [w.index, w.scale, SEED]));
                    total += start.elapsed();
                    if allocations == u64::MAX {
                        fail(format!("the guest does not know workload {}", w.id));
                    }
                }
                total
            });
        });
    }
    group.finish();
    runner.summary("fragmentation");
    criterion.final_summary();
}
