//! Rendering a small fixture of collected results: every chart is written, the tables carry the
//! fixture's numbers, a missing case shows as missing (never as zero), normalisation uses native
//! from the same results, and rendering twice gives the same bytes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use membench::grow::Footprint;
use membench::record::{CaseRecord, Versions};
use membench_report::collect::{Environment, Estimate, Row};
use membench_report::{render, Results};

fn record(id: &str, bytes: u64, footprint: Option<Footprint>) -> CaseRecord {
    let parts: Vec<&str> = id.split('/').collect();
    CaseRecord {
        id: id.into(),
        family: parts[0].into(),
        runtime: parts[parts.len() - 2].into(),
        strategy: "default".into(),
        pattern: parts[1].into(),
        size_bytes: 1 << 20,
        memory_variant: parts[parts.len() - 1].into(),
        initial_pages: 17,
        maximum_pages: Some(17),
        per: "call".into(),
        bytes_per_iteration: bytes,
        grows: None,
        capped_at_pages: None,
        ran_pages: None,
        footprint,
        versions: Versions::for_runtime("0"),
    }
}

fn row(id: &str, ns: Option<f64>, footprint: Option<Footprint>) -> Row {
    Row {
        id: id.into(),
        record: Some(record(id, 4 << 20, footprint)),
        estimate: ns.map(|ns| Estimate {
            point_ns: ns,
            lower_ns: ns * 0.9,
            upper_ns: ns * 1.1,
            confidence: 0.95,
        }),
        failure: None,
    }
}

fn fixture(native_ns: f64) -> Results {
    let fp = |v| {
        Some(Footprint {
            reserved_virtual_bytes: v,
            resident_bytes: 4096,
            instantiate_ns: 1000,
        })
    };
    Results {
        environment: Environment {
            cpu: "Fixture CPU".into(),
            cores: 2,
            caches: vec!["L1d 32K".into()],
            memory_bytes: 1 << 30,
            kernel: "6.0".into(),
            rustc: "rustc 1.95.0".into(),
            versions: BTreeMap::from([("wasmtime".to_string(), "48.0.0".to_string())]),
            commit: "abc123".into(),
            date: "2026-11-27T00:00:00Z".into(),
        },
        rows: vec![
            row(
                "contiguous/seq-read-i64/1MiB/native-rustc/host-buffer",
                Some(native_ns),
                None,
            ),
            row(
                "contiguous/seq-read-i64/1MiB/wasmtime-cranelift/defined-max",
                Some(200_000.0),
                None,
            ),
            row(
                "contiguous/seq-read-i64/1MiB/wasmi-interpreter/defined-max",
                None,
                None,
            ),
            row(
                "grow/grow1-at/1/wasmtime-cranelift/defined-max",
                Some(500.0),
                None,
            ),
            row(
                "grow/grow1-at/4096/wasmtime-cranelift/defined-max",
                Some(700.0),
                None,
            ),
            row(
                "grow/grow1-at/4096/wasmtime-cranelift/defined-nomax",
                Some(1700.0),
                None,
            ),
            row(
                "instantiate/16/wasmtime-cranelift/defined-nomax",
                Some(9000.0),
                fp(1 << 20),
            ),
            row(
                "instantiate/16/wasmtime-cranelift/defined-max4g",
                Some(9000.0),
                fp(8 << 30),
            ),
            row(
                "instantiate/16/wasmtime-cranelift/defined-max",
                Some(9100.0),
                fp(4 << 30),
            ),
        ],
        fragmentation: vec![membench::fragmentation::FragRecord {
            id: "fragmentation/sawtooth/talc/wasmtime-cranelift/defined-nomax".into(),
            runtime: "wasmtime-cranelift".into(),
            strategy: "default".into(),
            memory_variant: "defined-nomax".into(),
            allocator: "talc".into(),
            workload: "sawtooth".into(),
            scale: 16,
            figures: Some(membench::fragmentation::Figures {
                linear_bytes: 3 << 20,
                linear_peak_bytes: 3 << 20,
                peak_live_bytes: Some(2 << 20),
                live_bytes_end: Some(0),
                resident_bytes: 1 << 20,
                reserved_virtual_bytes: 4 << 30,
                rss_delta_bytes: 0,
                waste_bytes: Some(1 << 20),
                resident_per_live: Some(0.5),
                reserved_per_linear: 1365.0,
                allocations: 10,
            }),
            failure: None,
            runtime_version: "48.0.0".into(),
        }],
        verify: Vec::new(),
        verify_environment: None,
    }
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("membench-render-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn renders_every_chart_and_a_report_with_the_fixture_numbers() {
    let dir = out_dir("all");
    render(&fixture(100_000.0), &dir).unwrap();
    for chart in [
        "contiguous-1MiB",
        "grow-cost",
        "grow-cost-strategies",
        "instantiate",
        "reserved",
    ] {
        for ext in ["svg", "png"] {
            let path = dir.join("charts").join(format!("{chart}.{ext}"));
            assert!(
                std::fs::metadata(&path).unwrap().len() > 1000,
                "{}",
                path.display()
            );
        }
    }
    let md = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    // wasmtime takes twice native's time: 0.500 of native's throughput.
    assert!(
        md.contains("| seq-read-i64 | wasmtime-cranelift | 200.000 µs"),
        "{md}"
    );
    assert!(md.contains("| 0.500 |"), "{md}");
    // The unmeasured case is missing, not zero.
    assert!(
        md.contains("| seq-read-i64 | wasmi-interpreter | missing | – | – |"),
        "{md}"
    );
    assert!(md.contains("Fixture CPU"));
    // The seed's claims are computed from the fixture: 8 GiB vs 1 MiB reserved, 700 ns vs 1.7 µs.
    assert!(
        md.contains("held (8.00 GiB with 4 GiB max, 1.00 MiB without)"),
        "{md}"
    );
    assert!(
        md.contains("held (700.000 ns with max, 1.700 µs without)"),
        "{md}"
    );
    assert!(
        md.contains("- **sawtooth** waste (linear − peak live): talc 1.00 MiB."),
        "{md}"
    );
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + fixture(1.0).rows.len());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_spec_table_shows_counts_and_every_assertion_that_did_not_pass() {
    use membench::spec::{Counts, Failure, MaxVariant, SpecRun};
    use membench::verify::{Check, Outcome, Verdict};
    let mut results = fixture(100_000.0);
    let totals = Counts {
        passed: 5459,
        known_deviation: 3,
        text_format: 49,
        ..Counts::default()
    };
    results.verify = vec![Verdict {
        runtime: "wasmer-singlepass".into(),
        strategy: "MemoryStyle::Dynamic{offset_guard_size=65536}".into(),
        checks: vec![Check {
            check: "spec-conformance".into(),
            outcome: Outcome::Held,
            detail: "fixture".into(),
        }],
        spec: vec![SpecRun {
            runtime: "wasmer-singlepass".into(),
            strategy: "MemoryStyle::Dynamic{offset_guard_size=65536}".into(),
            variant: MaxVariant::Max4g,
            totals,
            files: vec![("memory_grow.wast".into(), totals)],
            failures: vec![Failure {
                file: "memory_grow.wast".into(),
                line: 18,
                kind: "known-deviation".into(),
                detail: "returned [I32(3)], expected a trap".into(),
            }],
        }],
    }];
    results.verify_environment = Some(results.environment.clone());
    let dir = out_dir("spec");
    render(&results, &dir).unwrap();
    let md = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    assert!(
        md.contains("| wasmer-singlepass @`MemoryStyle::Dynamic{offset_guard_size=65536}` | max-4g-added | 5459 | 0 | 3 | 0 | 0 | 49 |"),
        "{md}"
    );
    assert!(
        md.contains("- `memory_grow.wast:18` (known-deviation, 1 configuration(s): wasmer-singlepass @ MemoryStyle::Dynamic{offset_guard_size=65536}): returned [I32(3)], expected a trap"),
        "{md}"
    );
    assert!(
        md.contains("ran apart from the benches, at commit `abc123`"),
        "{md}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn normalisation_uses_native_from_the_same_results() {
    let dir = out_dir("native");
    render(&fixture(50_000.0), &dir).unwrap();
    let md = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    assert!(md.contains("| 0.250 |"), "{md}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let (a, b) = (out_dir("a"), out_dir("b"));
    render(&fixture(100_000.0), &a).unwrap();
    render(&fixture(100_000.0), &b).unwrap();
    for file in [
        "REPORT.md",
        "results.csv",
        "charts/grow-cost.png",
        "charts/contiguous-1MiB.svg",
    ] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    std::fs::remove_dir_all(a).unwrap();
    std::fs::remove_dir_all(b).unwrap();
}
