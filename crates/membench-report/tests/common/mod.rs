//! Fixture builders shared by the report's tests: keys, run stamps, records and samples.

#![allow(dead_code)]

use membench_data::case::{CaseKey, Family, GuestBuild, StrategyKey};
use membench_data::record::{CaseRecord, Failure, FailureKind, Machine, RunStamp, Versions};
use membench_report::collect::{Estimate, Row, Samples};

pub const PAGE: u64 = 65536;

pub fn stamp(id: &str, started: &str) -> RunStamp {
    RunStamp {
        id: id.into(),
        commit: "abc123".into(),
        started: started.into(),
        machine: Machine {
            cpu: "Fixture CPU".into(),
            cores: 2,
            caches: vec!["L1d 32K".into()],
            memory_bytes: 1 << 30,
            kernel: "6.0".into(),
        },
        environment: Default::default(),
    }
}

pub fn run_a() -> RunStamp {
    stamp("run-a", "2026-11-27T00:00:00Z")
}

pub fn strategy(slug: &str) -> StrategyKey {
    StrategyKey {
        slug: slug.into(),
        knobs: if slug == "default" {
            "default".into()
        } else {
            format!("knobs-of-{slug}")
        },
        default: slug == "default" || slug == "mmap",
    }
}

/// A key; `slug` "default" (or "mmap" for native) is the default strategy.
pub fn key(
    family: Family,
    pattern: &str,
    size_bytes: u64,
    runtime: &str,
    slug: &str,
    variant: &str,
    build: GuestBuild,
) -> CaseKey {
    CaseKey {
        family,
        pattern: pattern.parse().expect("a pattern"),
        size_bytes,
        runtime: runtime.into(),
        strategy: strategy(slug),
        variant: variant.parse().expect("a variant"),
        build,
        ran_bytes: size_bytes,
    }
}

pub fn contiguous(pattern: &str, runtime: &str, build: GuestBuild) -> CaseKey {
    let (slug, variant) = if runtime == "native-rustc" {
        ("mmap", "host-buffer")
    } else {
        ("default", "defined-max")
    };
    key(
        Family::Contiguous,
        pattern,
        1 << 20,
        runtime,
        slug,
        variant,
        build,
    )
}

pub fn grow1_at(pages: u64, runtime: &str, slug: &str, variant: &str) -> CaseKey {
    key(
        Family::Grow,
        "grow1-at",
        pages * PAGE,
        runtime,
        slug,
        variant,
        GuestBuild::Scalar,
    )
}

pub fn record(key: &CaseKey, run: &RunStamp, bytes_per_iteration: u64) -> CaseRecord {
    CaseRecord {
        id: key.id(),
        key: key.clone(),
        run: run.clone(),
        timed: "one guest call through a resolved export".into(),
        initial_pages: 17,
        maximum_pages: Some(17),
        per: "call".into(),
        bytes_per_iteration,
        grows: None,
        capped_at_pages: None,
        footprint: None,
        first_touch: None,
        versions: Versions::for_runtime("0"),
    }
}

/// `n` samples of linear sampling whose per-iteration time averages `mean_ns`, with a deterministic
/// relative noise of up to ±`noise`.
pub fn samples(mean_ns: f64, noise: f64, n: usize) -> Samples {
    let iters: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    let times = iters
        .iter()
        .enumerate()
        .map(|(i, it)| {
            // A fixed zero-mean pattern in [-1, 1].
            let u = ((i * 7919) % 21) as f64 / 10.0 - 1.0;
            it * mean_ns * (1.0 + noise * u)
        })
        .collect();
    Samples {
        sampling_mode: "Linear".into(),
        iters,
        times,
    }
}

/// A measured row (criterion's estimate ±10 %, samples with ±1 % noise), or an unmeasured one.
pub fn row(key: CaseKey, ns: Option<f64>, bytes: u64) -> Row {
    row_with_noise(key, ns, bytes, 0.01)
}

pub fn row_with_noise(key: CaseKey, ns: Option<f64>, bytes: u64, noise: f64) -> Row {
    Row {
        id: key.id(),
        record: Some(record(&key, &run_a(), bytes)),
        estimate: ns.map(|ns| Estimate {
            point_ns: ns,
            lower_ns: ns * 0.9,
            upper_ns: ns * 1.1,
            confidence: 0.95,
        }),
        samples: ns.map(|ns| samples(ns, noise, 100)),
        key: Some(key),
        failure: None,
    }
}

/// A row without a figure, with a failure of `kind`.
pub fn not_measured(key: CaseKey, kind: FailureKind, cause: &str) -> Row {
    Row {
        id: key.id(),
        record: None,
        estimate: None,
        samples: None,
        failure: Some(Failure {
            id: key.id(),
            cause: cause.into(),
            kind,
            key: Some(key.clone()),
            run: Some(run_a()),
        }),
        key: Some(key),
    }
}
