//! `fragmentation/<workload>-<allocator>/x<scale>/<runtime>-<engine>/defined-nomax`: the time of one run of
//! each workload through each guest allocator, on a fresh instance per iteration (memory only
//! grows, so a reused instance would measure a different thing). The memory figures of the same
//! cases come from `membench measure --family fragmentation`, not from here.

mod support;

use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use membench::case::Family;
use membench::fragmentation::SEED;
use membench::matrix;
use membench::record::CaseRecord;
use membench::runtime::Compiled;
use support::{check, fail, Runner};

fn main() {
    let mut criterion = support::criterion();
    let mut runner = Runner::new();
    let cases = matrix::fragmentation(&runner.specs);
    let mut group = criterion.benchmark_group(Family::Fragmentation.id());
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(50));
    group.measurement_time(Duration::from_millis(300));
    group.sampling_mode(SamplingMode::Flat);
    for case in &cases {
        let key = case.key(&runner.specs);
        let mut compiled: Option<Box<dyn Compiled>> = None;
        group.throughput(Throughput::Elements(1));
        runner.case(&mut group, case.runtime, &key, |b, _spec, runtime| {
            let c = compiled.get_or_insert_with(|| {
                let guest = check(membench::fragmentation::guest(case.allocator));
                support::write_record(&CaseRecord::new(
                    key.clone(),
                    "one `run` call through a resolved export, on a fresh instance made outside the timing",
                    guest.memory,
                    "call",
                    0,
                    runtime.version(),
                ));
                check(membench::fragmentation::compile(runtime, &guest))
            });
            let w = case.workload;
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut instance = check(c.instantiate());
                    let run = check(instance.export("run"));
                    // Timed by the runtime: in-process, around the call; an engine in another
                    // process times it with its own clock (the pipe stays outside).
                    let (allocations, elapsed) =
                        check(instance.call_timed(run, [w.index, w.scale, SEED], 1));
                    total += elapsed;
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
