//! Rendering a small fixture of collected results: every chart is written, the tables carry the
//! fixture's numbers, a missing case shows as missing (never as zero), normalisation uses native
//! of the same pattern, size and build, every verdict comes from the bootstrap comparison, rows are
//! grouped by their keys (never by parsing ids), capped grow cases are shown where they ran, and
//! rendering twice gives the same bytes.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;
use membench::case::{Family, GuestBuild};
use membench::grow::Footprint;
use membench::record::{FailureKind, FirstTouch};
use membench_report::collect::{Environment, Row};
use membench_report::render::grow_lines;
use membench_report::{render, Results};

const NATIVE: &str = "native-rustc";
const WASMTIME: &str = "wasmtime-cranelift";
const BYTES: u64 = 4 << 20;

fn instantiate(runtime: &str, slug: &str, variant: &str, ns: f64, reserved: u64) -> Row {
    let k = key(
        Family::Instantiate,
        "pre-linked",
        16 * PAGE,
        runtime,
        slug,
        variant,
        GuestBuild::Scalar,
    );
    let mut r = row(k, Some(ns), 0);
    let rec = r.record.as_mut().unwrap();
    rec.timed = "Store::new + InstancePre::instantiate".into();
    rec.footprint = Some(Footprint {
        reserved_basis: membench::procfs::ReservedBasis::Mappings,
        reserved_virtual_bytes: reserved,
        resident_bytes: 4096,
        instantiate_ns: ns as u64,
    });
    r
}

fn fixture(native_ns: f64) -> Results {
    let scalar = GuestBuild::Scalar;
    let mut capped_256 = grow1_at(256, WASMTIME, "growth-0", "defined-max");
    capped_256.ran_bytes = 56 * PAGE;
    let mut capped_4096 = grow1_at(4096, WASMTIME, "growth-0", "defined-max");
    capped_4096.ran_bytes = 56 * PAGE;
    let mut capped_4096_nomax = grow1_at(4096, WASMTIME, "growth-0", "defined-nomax");
    capped_4096_nomax.ran_bytes = 56 * PAGE;
    let mut rows = vec![
        row(
            contiguous("seq-read-i64", NATIVE, scalar),
            Some(native_ns),
            BYTES,
        ),
        row(
            contiguous("seq-read-i64", WASMTIME, scalar),
            Some(200_000.0),
            BYTES,
        ),
        row(
            contiguous("seq-read-i64", "wasmi-interpreter", scalar),
            None,
            BYTES,
        ),
        row(
            grow1_at(1, WASMTIME, "default", "defined-max"),
            Some(500.0),
            PAGE,
        ),
        row(
            grow1_at(4096, WASMTIME, "default", "defined-max"),
            Some(700.0),
            PAGE,
        ),
        row(
            grow1_at(4096, WASMTIME, "default", "defined-nomax"),
            Some(1700.0),
            PAGE,
        ),
        row(
            grow1_at(1, WASMTIME, "growth-0", "defined-max"),
            Some(130_000.0),
            PAGE,
        ),
        row(capped_256, Some(2_400_000.0), PAGE),
        row(capped_4096, Some(2_500_000.0), PAGE),
        row(capped_4096_nomax, Some(2_000_000.0), PAGE),
        instantiate(WASMTIME, "default", "defined-nomax", 9000.0, 1 << 20),
        instantiate(WASMTIME, "default", "defined-max4g", 9000.0, 8 << 30),
        instantiate(WASMTIME, "default", "defined-max", 9100.0, 4 << 30),
        instantiate(WASMTIME, "pooling", "defined-max", 4000.0, 0),
    ];
    for r in &mut rows {
        if let Some(rec) = r.record.as_mut() {
            if rec.key.capped() {
                rec.capped_at_pages = Some(64);
            }
        }
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Results {
        environment: Environment {
            cpu: "Collecting CPU".into(),
            cores: 2,
            caches: vec!["L1d 32K".into()],
            memory_bytes: 1 << 30,
            kernel: "6.0".into(),
            rustc: "rustc 1.95.0".into(),
            versions: BTreeMap::from([("wasmtime".to_string(), "48.0.0".to_string())]),
            commit: "def456".into(),
            date: "2026-11-28T00:00:00Z".into(),
        },
        run_id: Some("run-a".into()),
        rows,
        left_out: Vec::new(),
        fragmentation: vec![membench::fragmentation::FragRecord {
            id: "fragmentation/sawtooth/talc/wasmtime-cranelift/defined-nomax".into(),
            runtime: WASMTIME.into(),
            strategy: "default".into(),
            memory_variant: "defined-nomax".into(),
            allocator: "talc".into(),
            workload: "sawtooth".into(),
            scale: 16,
            figures: Some(membench::fragmentation::Figures {
                reserved_basis: membench::procfs::ReservedBasis::Mappings,
                linear_bytes: 3 << 20,
                linear_peak_bytes: 3 << 20,
                peak_live_bytes: Some(2 << 20),
                live_bytes_end: Some(0),
                resident_bytes: Some(1 << 20),
                resident_unsupported: None,
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
        fragmentation_run: Some(stamp("frag-run", "2026-11-27T01:00:00Z")),
        fragmentation_environment: None,
        verify: Vec::new(),
        verify_run: None,
        verify_environment: None,
    }
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("membench-render-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn render_md(results: &Results, name: &str) -> (String, String) {
    let dir = out_dir(name);
    render(results, &dir).unwrap();
    let md = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    let summary = std::fs::read_to_string(dir.join("SUMMARY.md")).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    (md, summary)
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
        "wasted-wasmtime-cranelift",
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
    // wasmtime takes twice native's time: half native's throughput, and slower, with an interval.
    assert!(
        md.contains("| seq-read-i64 | wasmtime-cranelift | 200 µs [180 µs – 220 µs] | 19.5 GiB/s | 0.500× ["),
        "{md}"
    );
    assert!(md.contains("| slower than native |"), "{md}");
    assert!(
        md.contains("| seq-read-i64 | native-rustc | 100 µs"),
        "{md}"
    );
    // The unmeasured case is missing, not zero.
    assert!(
        md.contains("| seq-read-i64 | wasmi-interpreter | missing | – | – | – |"),
        "{md}"
    );
    // The seed's claims are computed from the fixture: 8 GiB vs 1 MiB reserved; 700 ns vs 1.7 µs
    // is faster by the bootstrap verdict.
    assert!(
        md.contains("held (8 GiB with 4 GiB max, 1 MiB without)"),
        "{md}"
    );
    assert!(md.contains("held: faster with a maximum, 0.412× ["), "{md}");
    assert!(
        md.contains("- **sawtooth** waste (linear − peak live): talc 1 MiB."),
        "{md}"
    );
    // The instantiate table says what the adapter timed, and compares strategies by the verdict.
    assert!(
        md.contains("| Store::new + InstancePre::instantiate |"),
        "{md}"
    );
    assert!(
        md.contains("wasmtime-cranelift@pooling instantiates in 4 µs against 9.1 µs under the default strategy: 0.440× ["),
        "{md}"
    );
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + fixture(1.0).rows.len());
    assert!(dir.join("SUMMARY.md").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_section_names_its_run_and_no_sentence_claims_a_single_run_for_everything() {
    let (md, summary) = render_md(&fixture(100_000.0), "runs");
    assert!(
        !md.contains("Every figure below was measured in one run"),
        "{md}"
    );
    let benches = "run `run-a` at commit `abc123`, started 2026-11-27T00:00:00Z, on Fixture CPU";
    for section in [
        "## Contiguous access",
        "## Grow:",
        "## Instantiation",
        "## The seed's claims",
    ] {
        let body = &md[md.find(section).unwrap()..];
        let body = &body[..body[3..].find("\n## ").map_or(body.len(), |i| i + 3)];
        assert!(body.contains(benches), "{section}: {body}");
    }
    // The fragmentation figures come from their own run.
    let wasted = &md[md.find("## Wasted memory").unwrap()..];
    assert!(
        wasted.contains("run `frag-run` at commit `abc123`, started 2026-11-27T01:00:00Z"),
        "{wasted}"
    );
    assert!(summary.contains(benches), "{summary}");
}

#[test]
fn a_verdict_from_overlapping_samples_is_no_difference_even_when_criterion_intervals_are_apart() {
    // The reference run's pooling case: 805 ns with a maximum against 1027 ns without. criterion's
    // intervals (±10 % here) are apart, which the old report called "held"; the samples are so
    // noisy that the ratio's bootstrap interval contains 1.
    let mut results = fixture(100_000.0);
    results
        .rows
        .retain(|r| r.key.as_ref().unwrap().family != Family::Grow);
    let noisy = |variant: &str, ns: f64| {
        let mut r = row_with_noise(
            grow1_at(4096, WASMTIME, "pooling", variant),
            Some(ns),
            PAGE,
            0.9,
        );
        let s = r.samples.as_mut().unwrap();
        s.iters.truncate(8);
        s.times.truncate(8);
        r
    };
    results.rows.push(noisy("defined-max", 805.0));
    results.rows.push(noisy("defined-nomax", 1027.0));
    let (md, summary) = render_md(&results, "noisy");
    assert!(
        md.contains("did not hold: no difference with a maximum, 0.78"),
        "{md}"
    );
    assert!(!md.contains("held: faster"), "{md}");
    assert!(
        summary.contains(
            "faster in 0 of 1 non-default configurations; slower in 0; no different in 1"
        ),
        "{summary}"
    );
}

#[test]
fn a_capped_grow_case_is_labelled_and_plotted_where_it_ran() {
    let results = fixture(100_000.0);
    let (md, summary) = render_md(&results, "capped");
    assert!(
        md.contains("ran at 56 pages (capped from 4096, cap 64 pages)"),
        "{md}"
    );
    // The dearest grow "at 4096 pages" is among the cases that ran there, not the capped one.
    let dearest = md
        .lines()
        .find(|l| l.contains("cheapest") && l.contains("4096 pages"))
        .unwrap();
    assert!(!dearest.contains("growth-0"), "{dearest}");
    assert!(md.contains("Listed at 4096 pages but capped"), "{md}");
    assert!(
        summary.contains(
            "wasmtime-cranelift@growth-0 ran at 56 pages (capped from 256 and 4096, cap 64 pages)"
        ),
        "{summary}"
    );
    // Plotted at 56 pages, once, as a capped point; the 1-page case where it was listed.
    let rows: Vec<_> = results
        .rows
        .iter()
        .map(|r| (r.key.as_ref().unwrap(), r))
        .collect();
    let lines = grow_lines(rows.iter().copied());
    let line = lines
        .iter()
        .find(|l| l.label == "wasmtime-cranelift@growth-0 (max)")
        .unwrap();
    let xs: Vec<(f64, bool)> = line.points.iter().map(|p| (p.x, p.hollow)).collect();
    assert_eq!(xs, [(1.0, false), (56.0, true)]);
    // The one kept at 56 is the case listed closest to where it ran (256 pages).
    assert_eq!(line.points[1].y, 2_400_000.0);
}

#[test]
fn rows_are_grouped_by_their_keys_and_never_by_parsing_ids() {
    let mut results = fixture(100_000.0);
    for (i, r) in results.rows.iter_mut().enumerate() {
        r.id = format!("garbage {i} without slashes");
        if let Some(rec) = r.record.as_mut() {
            rec.id = r.id.clone();
        }
    }
    let (md, summary) = render_md(&results, "garbage");
    assert!(
        md.contains("| seq-read-i64 | wasmtime-cranelift | 200 µs [180 µs – 220 µs] | 19.5 GiB/s | 0.500× ["),
        "{md}"
    );
    assert!(md.contains("held: faster with a maximum, 0.412× ["), "{md}");
    assert!(md.contains("ran at 56 pages (capped from 4096"), "{md}");
    assert!(
        summary.contains("| `seq-read-i64` (native scalar: 39.1 GiB/s) |"),
        "{summary}"
    );
}

#[test]
fn native_ratios_compare_the_same_build() {
    let mut results = fixture(100_000.0);
    let simd = GuestBuild::Simd128;
    results.rows.push(row(
        contiguous("seq-read-i64", NATIVE, simd),
        Some(50_000.0),
        BYTES,
    ));
    results.rows.push(row(
        contiguous("seq-read-i64", WASMTIME, simd),
        Some(100_000.0),
        BYTES,
    ));
    let dir = out_dir("simd");
    render(&results, &dir).unwrap();
    let md = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    let simd_section = &md[md.find("### 1MiB, simd128 build").unwrap()..];
    // Against the simd128 native (50 µs): 0.5, not 1.0 as against the scalar native (100 µs).
    assert!(
        simd_section.contains(
            "| seq-read-i64 | wasmtime-cranelift | 100 µs [90 µs – 110 µs] | 39.1 GiB/s | 0.500× ["
        ),
        "{simd_section}"
    );
    assert!(dir.join("charts/contiguous-1MiB-simd128.png").exists());
    let summary = std::fs::read_to_string(dir.join("SUMMARY.md")).unwrap();
    assert!(
        summary.contains("1 MiB working set, simd128 build"),
        "{summary}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn first_touch_sits_beside_warm_and_findings_and_unsupported_cases_are_not_failures() {
    let mut results = fixture(100_000.0);
    let scalar = GuestBuild::Scalar;
    results.rows.push(row(
        contiguous("seq-write-i64", WASMTIME, scalar),
        Some(100_000.0),
        BYTES,
    ));
    let mut ft = row(
        contiguous("first-touch-seq-write-i64", WASMTIME, scalar),
        Some(400_000.0),
        BYTES,
    );
    ft.record.as_mut().unwrap().first_touch = Some(FirstTouch {
        working_set_bytes: 1 << 20,
        max_resident_before_bytes: 0,
        checked: 12,
    });
    results.rows.push(ft);
    results.rows.push(not_measured(
        contiguous("first-touch-seq-write-i64", "wasmi-interpreter", scalar),
        FailureKind::Finding,
        "wasmi's memory is a zeroed Vec: it arrives resident, so no first touch is timed",
    ));
    results.rows.push(not_measured(
        contiguous("seq-read-i64", "wasmer-singlepass", GuestBuild::Simd128),
        FailureKind::Unsupported,
        "singlepass does not support simd128",
    ));
    let (md, summary) = render_md(&results, "first-touch");
    let section = &md[md.find("## First touch").unwrap()..md.find("## Grow").unwrap()];
    assert!(
        section.contains("| first-touch-seq-write-i64 | 1MiB | wasmtime-cranelift | scalar | 400 µs [360 µs – 440 µs] | 9.77 GiB/s | 39.1 GiB/s | 0.250× ["),
        "{section}"
    );
    assert!(
        section.contains("none of 1 MiB in 12 instances"),
        "{section}"
    );
    assert!(
        section.contains("- **wasmi-interpreter** (first-touch-seq-write-i64, 1MiB, scalar): finding: wasmi's memory is a zeroed Vec"),
        "{section}"
    );
    assert!(
        md.contains("0 cases failed; 1 are not supported by their engine; 1 are findings"),
        "{md}"
    );
    assert!(md.contains("### Unsupported by the engine"), "{md}");
    assert!(!md.contains("### Failed"), "{md}");
    assert!(
        summary.contains("No first-touch figure, by finding: wasmi-interpreter"),
        "{summary}"
    );
    assert!(
        summary.contains("0 failed, 1 unsupported by their engine, 1 findings"),
        "{summary}"
    );
}

#[test]
fn the_summary_is_generated_from_the_results() {
    let (_, summary) = render_md(&fixture(100_000.0), "summary");
    assert!(
        summary.contains("| pattern | wasmi-interpreter | wasmtime-cranelift |"),
        "{summary}"
    );
    assert!(
        summary.contains("| `seq-read-i64` (native scalar: 39.1 GiB/s) | missing | 0.500× ["),
        "{summary}"
    );
    assert!(
        summary.contains("faster in 1 of 1 default configurations: wasmtime-cranelift 0.412× ["),
        "{summary}"
    );
    assert!(
        summary.contains("One `grow(1)`, with and without a declared maximum (range of criterion's estimates over the two; default strategies): wasmtime-cranelift 500 ns at 1 page, 700 ns–1.7 µs at 4096 pages."),
        "{summary}"
    );
    assert!(
        summary.contains("Reserved more address space with a 4 GiB maximum than without (over 1.5×): wasmtime-cranelift (8 GiB with a 4 GiB maximum, 1 MiB without)."),
        "{summary}"
    );
    // A different result gives a different sentence: nothing is typed in by hand.
    let (_, other) = render_md(&fixture(50_000.0), "summary-other");
    assert!(
        other.contains("| `seq-read-i64` (native scalar: 78.1 GiB/s) | missing | 0.250× ["),
        "{other}"
    );
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
        reserve_ahead: None,
        runtime: "wasmer-singlepass".into(),
        strategy: "MemoryStyle::Dynamic{offset_guard_size=65536}".into(),
        checks: vec![Check {
            check: membench::verify::CheckId::SpecConformance,
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
    let (md, _) = render_md(&results, "spec");
    assert!(
        md.contains("| wasmer-singlepass @`MemoryStyle::Dynamic{offset_guard_size=65536}` | max-4g-added | 5459 | 0 | 3 | 0 | 0 | 49 |"),
        "{md}"
    );
    assert!(
        md.contains("- `memory_grow.wast:18` (known-deviation, 1 configuration(s): wasmer-singlepass @ MemoryStyle::Dynamic{offset_guard_size=65536}): returned [I32(3)], expected a trap"),
        "{md}"
    );
    assert!(
        md.contains("no run stamp; added to these results at commit `def456`"),
        "{md}"
    );
    // With its own stamp, verify names its run.
    results.verify_run = Some(stamp("verify-run", "2026-11-29T00:00:00Z"));
    let (md, _) = render_md(&results, "spec-stamped");
    assert!(
        md.contains("run `verify-run` at commit `abc123`, started 2026-11-29T00:00:00Z"),
        "{md}"
    );
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let (a, b) = (out_dir("a"), out_dir("b"));
    render(&fixture(100_000.0), &a).unwrap();
    render(&fixture(100_000.0), &b).unwrap();
    for file in [
        "REPORT.md",
        "SUMMARY.md",
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

/// `host-grow1-at` sits next to `grow1-at` (with the ratio of the two), the shared memory next to
/// the unshared one (a refusing runtime shows the engine's error), and `reserve-ahead`'s shared
/// figures or refusal are tabled beside the unshared ones.
#[test]
fn host_grows_shared_grows_and_shared_reservations_are_rendered() {
    use membench::verify::{Check, CheckId, Outcome, Reservation, ReserveAhead, Reserved};
    use membench::verify::{SharedReserve, Verdict};
    let mut results = fixture(100_000.0);
    let grow = |pattern: &str, runtime: &str, variant: &str| {
        key(
            Family::Grow,
            pattern,
            4096 * PAGE,
            runtime,
            "default",
            variant,
            GuestBuild::Scalar,
        )
    };
    results.rows.extend([
        row(grow("grow1-at", "node-v8", "defined-max"), Some(4_000.0), 65536),
        row(grow("host-grow1-at", "node-v8", "defined-max"), Some(2_000.0), 65536),
        row(grow("grow1-at", "node-v8", "imported-max"), Some(4_000.0), 65536),
        row(
            grow("grow1-at", "node-v8", "imported-shared-max"),
            Some(1_000.0),
            65536,
        ),
        not_measured(
            grow("grow1-at", WASMTIME, "imported-shared-max"),
            FailureKind::Unsupported,
            "wasmtime-cranelift refuses a shared memory: threads must be enabled for shared memories",
        ),
    ]);
    let mib = |m: i64| Reserved {
        inaccessible_bytes: (m - 1) << 20,
        accessible_bytes: 1 << 20,
    };
    let verdict = |runtime: &str, shared: SharedReserve| Verdict {
        runtime: runtime.into(),
        strategy: "default".into(),
        checks: vec![Check {
            check: CheckId::ReserveAhead,
            outcome: Outcome::DidNotHold,
            detail: "fixture".into(),
        }],
        spec: Vec::new(),
        reserve_ahead: Some(ReserveAhead {
            reservation: Reservation::Fixed,
            used_bytes: 16 * PAGE,
            no_maximum: mib(10240),
            exact_maximum: mib(10240),
            maximum_4g: mib(10240),
            basis: membench::procfs::ReservedBasis::Mappings,
            new_mappings: [mib(10240); 3],
            shared: Some(shared),
        }),
    };
    results.verify = vec![
        verdict(
            "node-v8",
            SharedReserve::Measured {
                reservation: Reservation::Fixed,
                exact_maximum: mib(10240),
                maximum_4g: mib(10240),
                basis: membench::procfs::ReservedBasis::Mappings,
            },
        ),
        verdict(
            WASMTIME,
            SharedReserve::Refused {
                error: "threads must be enabled for shared memories".into(),
            },
        ),
    ];
    let (md, _) = render_md(&results, "host-shared");
    let host = &md[md.find("### `grow(1)` from the host").expect("host table")..];
    let line = host.lines().find(|l| l.starts_with("| node-v8 |")).unwrap();
    assert!(line.contains("2 µs [") && line.contains("4 µs ["), "{line}");
    assert!(line.contains("0.5"), "host ÷ guest: {line}");
    let shared = &md[md
        .find("### `grow(1)` on a shared memory")
        .expect("shared table")..];
    let line = shared
        .lines()
        .find(|l| l.starts_with("| node-v8 |"))
        .unwrap();
    assert!(line.contains("1 µs [") && line.contains("0.25"), "{line}");
    let line = shared
        .lines()
        .find(|l| l.starts_with("| wasmtime-cranelift |"))
        .unwrap();
    assert!(
        line.contains("unsupported (wasmtime-cranelift refuses a shared memory: threads must"),
        "{line}"
    );
    let reserve = &md[md
        .find("unshared and shared (`reserve-ahead`)")
        .expect("reserve table")..];
    assert!(
        reserve.contains("| node-v8 | fixed reservation whatever the maximum | 10240.0 MiB (10239.0 MiB inaccessible + 1.0 MiB accessible) | 10240.0 MiB (10239.0 MiB inaccessible + 1.0 MiB accessible) | fixed reservation whatever the maximum | 10240.0 MiB"),
        "{reserve}"
    );
    assert!(
        reserve.contains("| refused: threads must be enabled for shared memories | – | – |"),
        "{reserve}"
    );
}
