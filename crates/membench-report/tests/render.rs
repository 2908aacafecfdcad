//! Rendering a small fixture of collected results: `REPORT.md` is a summary of at most 150 lines
//! linking every detail page, every chart is written, the tables carry the fixture's numbers, a
//! missing case shows as missing (never as zero), normalisation uses native of the same pattern,
//! size and build, every verdict comes from the bootstrap comparison, rows are grouped by their
//! keys (never by parsing ids), capped grow cases are shown where they ran, a runtime keeps its
//! colour in every chart, the between-run spread shows when measured, the cross-machine page
//! compares machines, and rendering twice gives the same bytes.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;
use membench_data::case::{Family, GuestBuild};
use membench_data::fragmentation::{Figures, FragRecord};
use membench_data::grow::Footprint;
use membench_data::record::{FailureKind, FirstTouch};
use membench_report::charts::{hex, runtime_color, shade};
use membench_report::collect::{Environment, Row};
use membench_report::render::{grow_lines, MAX_LINES, PAGES};
use membench_report::runs::{FamilySpread, Spread};
use membench_report::{render, render_machines, Results};

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
        reserved_basis: membench_data::procfs::ReservedBasis::Mappings,
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
        fragmentation: vec![membench_data::fragmentation::FragRecord {
            id: "fragmentation/sawtooth/talc/wasmtime-cranelift/defined-nomax".into(),
            runtime: WASMTIME.into(),
            strategy: "default".into(),
            memory_variant: "defined-nomax".into(),
            allocator: "talc".into(),
            workload: "sawtooth".into(),
            scale: 16,
            figures: Some(membench_data::fragmentation::Figures {
                reserved_basis: membench_data::procfs::ReservedBasis::Mappings,
                linear_bytes: 3 << 20,
                linear_peak_bytes: 3 << 20,
                peak_live_bytes: Some(2 << 20),
                live_bytes_end: Some(0),
                resident_bytes: Some(1 << 20),
                resident_unsupported: None,
                reserved_virtual_bytes: 4 << 30,
                rss_delta_bytes: 0,
                fixed_bytes: Some(0),
                waste_bytes: Some(1 << 20),
                resident_per_live: Some(0.5),
                reserved_per_linear: 1365.0,
                allocations: 10,
            }),
            failure: None,
            failure_kind: None,
            runtime_version: "48.0.0".into(),
        }],
        fragmentation_run: Some(stamp("frag-run", "2026-11-27T01:00:00Z")),
        fragmentation_environment: None,
        verify: Vec::new(),
        verify_run: None,
        verify_environment: None,
        spread: None,
    }
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("membench-render-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A rendered report: `REPORT.md` and every detail page by file name.
struct Rendered {
    report: String,
    pages: BTreeMap<String, String>,
}

impl Rendered {
    fn page(&self, file: &str) -> &str {
        self.pages.get(file).unwrap_or_else(|| panic!("{file}"))
    }
}

fn read_pages(dir: &std::path::Path) -> Rendered {
    Rendered {
        report: std::fs::read_to_string(dir.join("REPORT.md")).unwrap(),
        pages: PAGES
            .iter()
            .map(|(file, _)| {
                let text = std::fs::read_to_string(dir.join(file))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                (file.to_string(), text)
            })
            .collect(),
    }
}

fn render_pages(results: &Results, name: &str) -> Rendered {
    let dir = out_dir(name);
    render(results, &dir).unwrap();
    let pages = read_pages(&dir);
    std::fs::remove_dir_all(dir).unwrap();
    pages
}

/// The text after `heading` up to the next heading of the same level.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let at = md
        .find(heading)
        .unwrap_or_else(|| panic!("{heading}: {md}"));
    let level = heading.split(' ').next().unwrap();
    let body = &md[at + heading.len()..];
    let end = body
        .match_indices(&format!("\n{level} "))
        .map(|(i, _)| i)
        .next()
        .unwrap_or(body.len());
    &body[..end]
}

#[test]
fn renders_every_chart_and_pages_with_the_fixture_numbers() {
    let dir = out_dir("all");
    render(&fixture(100_000.0), &dir).unwrap();
    for chart in [
        "summary-load-store",
        "summary-grow",
        "summary-memory",
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
    let r = read_pages(&dir);
    let contiguous = r.page("contiguous.md");
    // One table per runtime-engine: wasmtime takes twice native's time: half native's
    // throughput, and slower, with an interval.
    let wasmtime = section(contiguous, "### wasmtime-cranelift");
    assert!(
        wasmtime.contains(
            "| 1MiB | scalar | seq-read-i64 | 200 µs [180 µs – 220 µs] | 19.5 GiB/s | 0.500× ["
        ),
        "{contiguous}"
    );
    assert!(wasmtime.contains("| slower than native |"), "{wasmtime}");
    assert!(
        section(contiguous, "### native-rustc").contains("| 1MiB | scalar | seq-read-i64 | 100 µs"),
        "{contiguous}"
    );
    // The unmeasured case is missing, not zero.
    assert!(
        section(contiguous, "### wasmi-interpreter")
            .contains("| 1MiB | scalar | seq-read-i64 | missing | – | – | – |"),
        "{contiguous}"
    );
    // The seed's claims are computed from the fixture: 8 GiB vs 1 MiB reserved; 700 ns vs 1.7 µs
    // is faster by the bootstrap verdict.
    let verify = r.page("verify.md");
    assert!(
        verify.contains("held (8 GiB with 4 GiB max, 1 MiB without)"),
        "{verify}"
    );
    assert!(
        verify.contains("held: faster with a maximum, 0.412× ["),
        "{verify}"
    );
    assert!(
        r.page("wasted.md")
            .contains("- **sawtooth** allocator waste (linear − the guest's fixed pages − peak live): talc 1 MiB."),
        "{}",
        r.page("wasted.md")
    );
    // The instantiate tables say what the adapter timed, and compare strategies by the verdict.
    let inst = r.page("instantiate.md");
    assert!(
        section(inst, "### wasmtime-cranelift")
            .contains("| Store::new + InstancePre::instantiate |"),
        "{inst}"
    );
    assert!(
        inst.contains("wasmtime-cranelift@pooling instantiates in 4 µs against 9.1 µs under the default strategy: 0.440× ["),
        "{inst}"
    );
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + fixture(1.0).rows.len());
    // REPORT.md is the summary now: no SUMMARY.md beside it.
    assert!(!dir.join("SUMMARY.md").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

/// A fixture with every known runtime-engine, many patterns and strategies: the summary still fits.
fn large_fixture() -> Results {
    let mut results = fixture(100_000.0);
    let patterns = [
        "seq-read-i64",
        "random-read-i64",
        "seq-write-i64",
        "copy-i64",
        "seq-read-i32",
    ];
    for (i, rt) in membench_data::runtimes::ids().enumerate() {
        if rt == NATIVE {
            continue;
        }
        for p in patterns {
            for build in [GuestBuild::Scalar, GuestBuild::Simd128] {
                let k = contiguous(p, rt, build);
                if results.rows.iter().any(|r| r.id == k.id()) {
                    continue;
                }
                results
                    .rows
                    .push(row(k, Some(150_000.0 + 1000.0 * i as f64), BYTES));
            }
        }
        for (pages, variant) in [
            (1, "defined-max"),
            (4096, "defined-max"),
            (4096, "defined-nomax"),
        ] {
            let k = grow1_at(pages, rt, "default", variant);
            if !results.rows.iter().any(|r| r.id == k.id()) {
                results.rows.push(row(k, Some(600.0 + i as f64), PAGE));
            }
        }
        for variant in ["defined-nomax", "defined-max", "defined-max4g"] {
            let r = instantiate(rt, "default", variant, 5000.0 + i as f64, 1 << 30);
            if !results.rows.iter().any(|x| x.id == r.id) {
                results.rows.push(r);
            }
        }
    }
    for p in patterns {
        for build in [GuestBuild::Scalar, GuestBuild::Simd128] {
            let k = contiguous(p, NATIVE, build);
            if !results.rows.iter().any(|r| r.id == k.id()) {
                results.rows.push(row(k, Some(100_000.0), BYTES));
            }
        }
    }
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    results
}

#[test]
fn the_report_is_a_short_summary_linking_every_detail_page() {
    for (name, results) in [
        ("short", fixture(100_000.0)),
        ("short-large", large_fixture()),
    ] {
        let r = render_pages(&results, name);
        let lines = r.report.lines().count();
        assert!(lines <= MAX_LINES, "{name}: {lines} lines\n{}", r.report);
        assert_eq!(MAX_LINES, 150);
        // Answers first: the questions, in order, each with a chart and a link to its page.
        let mut at = 0;
        for (question, chart, page) in [
            (
                "## What does a load or store cost per runtime?",
                "summary-load-store",
                "contiguous.md",
            ),
            (
                "## What does a grow cost, and does a declared maximum help?",
                "summary-grow",
                "grow.md",
            ),
            (
                "## How much memory is reserved, and how much is wasted?",
                "summary-memory",
                "instantiate.md",
            ),
            ("## Which of the post's claims hold where?", "", "verify.md"),
            ("## How much do the figures move from run to run?", "", ""),
        ] {
            let found = r.report[at..]
                .find(question)
                .unwrap_or_else(|| panic!("{question} after byte {at}: {}", r.report));
            at += found;
            let body = section(&r.report, question);
            if !chart.is_empty() {
                assert!(
                    body.contains(&format!("![{chart}](charts/{chart}.png)")),
                    "{question}: {body}"
                );
            }
            if !page.is_empty() {
                assert!(body.contains(&format!("]({page})")), "{question}: {body}");
            }
        }
        // Every detail page exists, is linked from the summary and leads back to it.
        for (file, _) in PAGES {
            assert!(
                r.report.contains(&format!("]({file})")),
                "{file}: {}",
                r.report
            );
            assert!(
                r.page(file).contains("[← Summary](REPORT.md)"),
                "{file}: {}",
                r.page(file)
            );
        }
    }
}

#[test]
fn every_page_names_its_run_and_no_sentence_claims_a_single_run_for_everything() {
    let r = render_pages(&fixture(100_000.0), "runs");
    let benches = "run `run-a` at commit `abc123`, started 2026-11-27T00:00:00Z, on Fixture CPU";
    for file in [
        "contiguous.md",
        "grow.md",
        "instantiate.md",
        "verify.md",
        "cases.md",
    ] {
        let page = r.page(file);
        assert!(
            !page.contains("Every figure below was measured in one run"),
            "{page}"
        );
        assert!(page.contains(benches), "{file}: {page}");
    }
    // The fragmentation figures come from their own run.
    let wasted = r.page("wasted.md");
    assert!(
        wasted.contains("run `frag-run` at commit `abc123`, started 2026-11-27T01:00:00Z"),
        "{wasted}"
    );
    assert!(
        r.report.contains(
            "Run `run-a` at commit `abc123`, started 2026-11-27T00:00:00Z, on Fixture CPU"
        ),
        "{}",
        r.report
    );
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
    let r = render_pages(&results, "noisy");
    let verify = r.page("verify.md");
    assert!(
        verify.contains("did not hold: no difference with a maximum, 0.78"),
        "{verify}"
    );
    assert!(!verify.contains("held: faster"), "{verify}");
    assert!(
        r.report.contains(
            "faster in 0 of 1 non-default configurations; slower in 0; no different in 1"
        ),
        "{}",
        r.report
    );
}

#[test]
fn a_capped_grow_case_is_labelled_and_plotted_where_it_ran() {
    let results = fixture(100_000.0);
    let r = render_pages(&results, "capped");
    let grow = r.page("grow.md");
    assert!(
        section(grow, "### wasmtime-cranelift@growth-0")
            .contains("ran at 56 pages (capped from 4096, cap 64 pages)"),
        "{grow}"
    );
    // The dearest grow "at 4096 pages" is among the cases that ran there, not the capped one.
    let dearest = grow
        .lines()
        .find(|l| l.contains("cheapest") && l.contains("4096 pages"))
        .unwrap();
    assert!(!dearest.contains("growth-0"), "{dearest}");
    assert!(
        r.report.contains(dearest.trim_start_matches("- ")),
        "{}",
        r.report
    );
    assert!(grow.contains("Listed at 4096 pages but capped"), "{grow}");
    assert!(
        grow.contains(
            "wasmtime-cranelift@growth-0 ran at 56 pages (capped from 256 and 4096, cap 64 pages)"
        ),
        "{grow}"
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
    let r = render_pages(&results, "garbage");
    assert!(
        section(r.page("contiguous.md"), "### wasmtime-cranelift").contains(
            "| 1MiB | scalar | seq-read-i64 | 200 µs [180 µs – 220 µs] | 19.5 GiB/s | 0.500× ["
        ),
        "{}",
        r.page("contiguous.md")
    );
    assert!(
        r.page("verify.md")
            .contains("held: faster with a maximum, 0.412× ["),
        "{}",
        r.page("verify.md")
    );
    assert!(
        r.page("grow.md")
            .contains("ran at 56 pages (capped from 4096"),
        "{}",
        r.page("grow.md")
    );
    assert!(
        r.report.contains("`seq-read-i64` scalar 39.1 GiB/s"),
        "{}",
        r.report
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
    let r = read_pages(&dir);
    let contiguous = r.page("contiguous.md");
    assert!(
        contiguous.contains("### 1MiB, simd128 build"),
        "{contiguous}"
    );
    // Against the simd128 native (50 µs): 0.5, not 1.0 as against the scalar native (100 µs).
    assert!(
        section(contiguous, "### wasmtime-cranelift").contains(
            "| 1MiB | simd128 | seq-read-i64 | 100 µs [90 µs – 110 µs] | 39.1 GiB/s | 0.500× ["
        ),
        "{contiguous}"
    );
    assert!(dir.join("charts/contiguous-1MiB-simd128.png").exists());
    // The summary's table has a column for the simd128 build, with the same ratio.
    let table_row = r
        .report
        .lines()
        .find(|l| l.starts_with("| wasmtime-cranelift |"))
        .unwrap();
    assert!(
        r.report.contains("| `seq-read-i64` simd128 |")
            && table_row.matches("0.500× [").count() == 2,
        "{}",
        r.report
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
    let mut imported = contiguous("seq-read-i64", "wamr-fast-interp", scalar);
    imported.variant = "imported-max".parse().unwrap();
    results.rows.push(not_measured(
        imported,
        FailureKind::Binding,
        "not in our binding: wamrx 0.3.0's Linker defines only host functions",
    ));
    let r = render_pages(&results, "first-touch");
    let first = section(r.page("contiguous.md"), "## First touch");
    assert!(
        section(first, "### wasmtime-cranelift").contains("| first-touch-seq-write-i64 | 1MiB | scalar | 400 µs [360 µs – 440 µs] | 9.77 GiB/s | 39.1 GiB/s | 0.250× ["),
        "{first}"
    );
    assert!(first.contains("none of 1 MiB in 12 instances"), "{first}");
    assert!(
        first.contains("- **wasmi-interpreter** (first-touch-seq-write-i64, 1MiB, scalar): finding: wasmi's memory is a zeroed Vec"),
        "{first}"
    );
    let cases = r.page("cases.md");
    assert!(
        cases.contains(
            "0 cases failed; 1 are not supported by their engine; 1 are not in our binding \
             (the crate we drive the engine through cannot ask for them); 1 are findings"
        ),
        "{cases}"
    );
    let unsupported = section(cases, "### Unsupported by the engine");
    assert!(
        unsupported.contains("#### wasmer-singlepass") && !unsupported.contains("wamr"),
        "{cases}"
    );
    // A gap in our binding is listed as ours, never among the engines' refusals.
    assert!(
        section(cases, "### Not in our binding").contains("#### wamr-fast-interp"),
        "{cases}"
    );
    assert!(!cases.contains("### Failed"), "{cases}");
    assert!(
        r.report
            .contains("0 failed, 1 unsupported by their engine, 1 not in our binding, 1 findings"),
        "{}",
        r.report
    );
}

#[test]
fn the_summary_is_generated_from_the_results() {
    let r = render_pages(&fixture(100_000.0), "summary");
    assert!(
        r.report.contains("| wasmi-interpreter | missing |"),
        "{}",
        r.report
    );
    assert!(
        r.report.contains("| wasmtime-cranelift | 0.500× ["),
        "{}",
        r.report
    );
    assert!(
        r.report
            .contains("Native's own throughput: `seq-read-i64` scalar 39.1 GiB/s"),
        "{}",
        r.report
    );
    assert!(
        r.report
            .contains("faster in 1 of 1 default configurations: wasmtime-cranelift 0.412× ["),
        "{}",
        r.report
    );
    assert!(
        r.page("grow.md").contains("One `grow(1)`, with and without a declared maximum (range of criterion's estimates over the two; default strategies): wasmtime-cranelift 500 ns at 1 page, 700 ns–1.7 µs at 4096 pages."),
        "{}",
        r.page("grow.md")
    );
    assert!(
        r.report.contains("Reserved more address space with a 4 GiB maximum than without (over 1.5×): wasmtime-cranelift (8 GiB with a 4 GiB maximum, 1 MiB without)."),
        "{}",
        r.report
    );
    assert!(
        r.report
            .contains("- **sawtooth** allocator waste (linear − the guest's fixed pages − peak live): talc 1 MiB."),
        "{}",
        r.report
    );
    // A different result gives a different sentence: nothing is typed in by hand.
    let other = render_pages(&fixture(50_000.0), "summary-other");
    assert!(
        other.report.contains("| wasmtime-cranelift | 0.250× [")
            && other.report.contains("`seq-read-i64` scalar 78.1 GiB/s"),
        "{}",
        other.report
    );
}

#[test]
fn a_runtime_keeps_its_colour_in_every_chart() {
    // A fixed slot per known runtime-engine: all different, the strategy ignored.
    let colours: Vec<String> = membench_data::runtimes::ids()
        .map(|r| hex(runtime_color(r)))
        .collect();
    let distinct: std::collections::BTreeSet<&String> = colours.iter().collect();
    assert_eq!(
        distinct.len(),
        membench_data::runtimes::RUNTIMES.len(),
        "{colours:?}"
    );
    assert_eq!(
        runtime_color("wasmtime-cranelift@pooling"),
        runtime_color(WASMTIME)
    );
    // An unknown id gets a slot of its own, the same on every call, apart from the known ones.
    let unknown = runtime_color("newvm-jit");
    assert_eq!(unknown, runtime_color("newvm-jit"));
    assert!(!colours.contains(&hex(unknown)), "{}", hex(unknown));
    // The same colour in the summary's charts and the detail page's.
    let dir = out_dir("colours");
    render(&fixture(100_000.0), &dir).unwrap();
    let wasmtime = hex(runtime_color(WASMTIME));
    for chart in [
        "summary-load-store",
        "summary-grow",
        "summary-memory",
        "contiguous-1MiB",
        "instantiate",
    ] {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{chart}.svg"))).unwrap();
        assert!(svg.contains(&wasmtime), "{chart} lacks {wasmtime}");
    }
    std::fs::remove_dir_all(dir).unwrap();
    // The grow lines: the runtime's colour for its default strategy, a shade of it for others.
    let results = fixture(100_000.0);
    let rows: Vec<_> = results
        .rows
        .iter()
        .map(|r| (r.key.as_ref().unwrap(), r))
        .collect();
    let lines = grow_lines(rows.iter().copied());
    let colour = |label: &str| lines.iter().find(|l| l.label == label).unwrap().color;
    assert_eq!(colour("wasmtime-cranelift (max)"), runtime_color(WASMTIME));
    assert_eq!(
        colour("wasmtime-cranelift (no max, dashed)"),
        runtime_color(WASMTIME)
    );
    assert_eq!(
        colour("wasmtime-cranelift@growth-0 (max)"),
        shade(runtime_color(WASMTIME), -1)
    );
}

fn spread() -> Spread {
    Spread {
        runs: vec![run_a(), stamp("run-b", "2026-11-28T00:00:00Z")],
        families: vec![FamilySpread {
            family: "grow".into(),
            cases: 5,
            median_between: 0.031,
            max_between: 0.12,
            max_case: "grow/grow1-at/4096/wasmtime-cranelift/defined-max".into(),
            median_within: 0.01,
            disjoint: 2,
        }],
    }
}

#[test]
fn the_between_run_spread_shows_when_measured_and_says_how_to_measure_it_otherwise() {
    let without = render_pages(&fixture(100_000.0), "no-spread");
    assert!(
        section(
            &without.report,
            "## How much do the figures move from run to run?"
        )
        .contains("`membench spread`"),
        "{}",
        without.report
    );
    assert!(
        without.page("grow.md").contains("`membench spread`"),
        "{}",
        without.page("grow.md")
    );
    let mut results = fixture(100_000.0);
    results.spread = Some(spread());
    let dir = out_dir("spread");
    render(&results, &dir).unwrap();
    let r = read_pages(&dir);
    let s = section(
        &r.report,
        "## How much do the figures move from run to run?",
    );
    assert!(s.contains("| grow | 5 | 3.1 % | 12 % | 1 % | 2 |"), "{s}");
    assert!(
        s.contains("![summary-spread](charts/summary-spread.png)"),
        "{s}"
    );
    assert!(dir.join("charts/summary-spread.svg").exists());
    assert!(
        r.page("grow.md").contains("Between 2 runs on this machine the point estimates of this family moved by median 3.1 %, at most 12 % (`grow/grow1-at/4096/wasmtime-cranelift/defined-max`), against criterion's median within-run half-width 1 %; 2 of 5 cases' intervals were disjoint across runs."),
        "{}",
        r.page("grow.md")
    );
    // A family the spread did not cover says so.
    assert!(
        r.page("contiguous.md")
            .contains("had no case of this family in common"),
        "{}",
        r.page("contiguous.md")
    );
    assert!(r.report.lines().count() <= MAX_LINES);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_machines_page_says_whether_each_conclusion_holds_on_every_machine() {
    let a = fixture(100_000.0);
    // Machine B: another CPU, and a native twice as slow, so wasmtime is faster than native there.
    let mut b = fixture(300_000.0);
    for row in &mut b.rows {
        if let Some(rec) = row.record.as_mut() {
            rec.run.machine.cpu = "Other CPU".into();
        }
    }
    let dir = out_dir("machines");
    render_machines(
        &[
            ("machine-a".to_string(), a.clone()),
            ("machine-b".to_string(), b),
        ],
        &dir,
    )
    .unwrap();
    let md = std::fs::read_to_string(dir.join("MACHINES.md")).unwrap();
    assert!(md.contains("- [machine-a](machine-a/REPORT.md): "), "{md}");
    assert!(md.contains("on Other CPU"), "{md}");
    let seq = section(&md, "## Throughput ÷ native's, `seq-read-i64`");
    assert!(seq.contains("| runtime | machine-a | machine-b |"), "{seq}");
    assert!(
        seq.contains("| wasmtime-cranelift | 0.500× [") && seq.contains("slower | 1.50× ["),
        "{seq}"
    );
    assert!(
        seq.contains("The verdict differs between machines for wasmtime-cranelift (slower than native on machine-a, faster than native on machine-b)."),
        "{seq}"
    );
    assert!(
        seq.contains("The highest is wasmtime-cranelift on every machine."),
        "{seq}"
    );
    // The grow and instantiate headlines, the same on both machines.
    let grow = section(&md, "## `grow(1)` at 4096 pages");
    assert!(
        grow.contains("Faster with a maximum on every machine: wasmtime-cranelift.")
            && grow.contains("No runtime's verdict differs between machines."),
        "{grow}"
    );
    assert!(
        section(&md, "## Instantiation").contains("| wasmtime-cranelift | 9.1 µs ["),
        "{md}"
    );
    // One machine: the page says so and lists its values.
    render_machines(&[("machine-a".to_string(), a)], &dir).unwrap();
    let one = std::fs::read_to_string(dir.join("MACHINES.md")).unwrap();
    assert!(
        one.contains("Only one machine's results are here (`machine-a`)"),
        "{one}"
    );
    assert!(one.contains("| runtime | machine-a |"), "{one}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_spec_table_shows_counts_and_every_assertion_that_did_not_pass() {
    use membench_data::spec::{Counts, Failure, MaxVariant, SpecRun};
    use membench_data::verify::{Check, Outcome, Verdict};
    let mut results = fixture(100_000.0);
    let totals = Counts {
        passed: 5459,
        known_deviation: 3,
        text_format: 49,
        ..Counts::default()
    };
    results.verify = vec![Verdict {
        reserve_ahead: None,
        kinds: Vec::new(),
        runtime: "wasmer-singlepass".into(),
        strategy: "MemoryStyle::Dynamic{offset_guard_size=65536}".into(),
        checks: vec![Check {
            check: membench_data::verify::CheckId::SpecConformance,
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
    // Added later at the benches' commit (another commit would be a mixed run, refused).
    let mut later = results.environment.clone();
    later.commit = "abc123".into();
    results.verify_environment = Some(later);
    let r = render_pages(&results, "spec");
    let spec = r.page("spec.md");
    assert!(
        section(spec, "### wasmer-singlepass").contains(
            "| MemoryStyle::Dynamic{offset_guard_size=65536} | max-4g-added | 5459 | 0 | 3 | 0 | 0 | 49 |"
        ),
        "{spec}"
    );
    assert!(
        spec.contains("- `memory_grow.wast:18` (known-deviation, 1 configuration(s): wasmer-singlepass @ MemoryStyle::Dynamic{offset_guard_size=65536}): returned [I32(3)], expected a trap"),
        "{spec}"
    );
    assert!(
        spec.contains("no run stamp; added to these results at commit `abc123`"),
        "{spec}"
    );
    // The summary answers the claims question from the verdicts, with the spec in one sentence.
    let claims = section(&r.report, "## Which of the post's claims hold where?");
    assert!(
        claims.contains("`spec-conformance` (1)")
            && claims
                .contains("1 of 1 configurations passed every assertion but the listed deviations")
            && claims.contains("5459 assertions passed, 0 failed, 3 were known deviations"),
        "{claims}"
    );
    assert!(
        claims.contains("![summary-claims](charts/summary-claims.png)"),
        "{claims}"
    );
    // With its own stamp, verify names its run.
    results.verify_run = Some(stamp("verify-run", "2026-11-29T00:00:00Z"));
    let r = render_pages(&results, "spec-stamped");
    assert!(
        r.page("spec.md")
            .contains("run `verify-run` at commit `abc123`, started 2026-11-29T00:00:00Z"),
        "{}",
        r.page("spec.md")
    );
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let (a, b) = (out_dir("a"), out_dir("b"));
    render(&fixture(100_000.0), &a).unwrap();
    render(&fixture(100_000.0), &b).unwrap();
    let mut files: Vec<String> = PAGES.iter().map(|(f, _)| f.to_string()).collect();
    files.extend(
        [
            "REPORT.md",
            "results.csv",
            "charts/grow-cost.png",
            "charts/summary-grow.png",
            "charts/summary-load-store.svg",
            "charts/contiguous-1MiB.svg",
        ]
        .map(String::from),
    );
    for file in files {
        assert_eq!(
            std::fs::read(a.join(&file)).unwrap(),
            std::fs::read(b.join(&file)).unwrap(),
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
    use membench_data::verify::{Check, CheckId, Outcome, Reservation, ReserveAhead, Reserved};
    use membench_data::verify::{SharedReserve, Verdict};
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
        kinds: Vec::new(),
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
            basis: membench_data::procfs::ReservedBasis::Mappings,
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
                basis: membench_data::procfs::ReservedBasis::Mappings,
            },
        ),
        verdict(
            WASMTIME,
            SharedReserve::Refused {
                error: "threads must be enabled for shared memories".into(),
            },
        ),
    ];
    let r = render_pages(&results, "host-shared");
    let md = r.page("grow.md");
    let host = &md[md.find("## `grow(1)` from the host").expect("host table")..];
    let line = host.lines().find(|l| l.starts_with("| node-v8 |")).unwrap();
    assert!(line.contains("2 µs [") && line.contains("4 µs ["), "{line}");
    assert!(line.contains("0.5"), "host ÷ guest: {line}");
    let shared = &md[md
        .find("## `grow(1)` on a shared memory")
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
    let verify = r.page("verify.md");
    let reserve = &verify[verify
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

/// memory64 against its 32-bit twin: the ratio of the twins' throughputs with its verdict on the
/// detail page and in the summary, and a runtime that refuses a 64-bit memory named with its own
/// words; the twins never enter the "× native" figures (they have no native counterpart).
#[test]
fn memory64_is_compared_with_its_32_bit_twin_and_refusals_are_named() {
    let mut results = fixture(100_000.0);
    let (m32, m64) = (GuestBuild::Memory32, GuestBuild::Memory64);
    // wasmtime: the 64-bit twin takes 1.25× the time (0.8× the throughput).
    results.rows.push(row(
        contiguous("seq-read-i64", WASMTIME, m32),
        Some(100_000.0),
        BYTES,
    ));
    results.rows.push(row(
        contiguous("seq-read-i64", WASMTIME, m64),
        Some(125_000.0),
        BYTES,
    ));
    // wasmi: the same time.
    results.rows.push(row(
        contiguous("seq-read-i64", "wasmi-interpreter", m32),
        Some(2e6),
        BYTES,
    ));
    results.rows.push(row(
        contiguous("seq-read-i64", "wasmi-interpreter", m64),
        Some(2e6),
        BYTES,
    ));
    // wasmer refuses it.
    results.rows.push(row(
        contiguous("seq-read-i64", "wasmer-cranelift", m32),
        Some(1e5),
        BYTES,
    ));
    results.rows.push(not_measured(
        contiguous("seq-read-i64", "wasmer-cranelift", m64),
        FailureKind::Unsupported,
        "wasmer-cranelift refuses the memory64 guest (memory64) and compiles the memory32 one: \
         Validation error: memory64 must be enabled for 64-bit memories",
    ));
    let r = render_pages(&results, "memory64");
    let page = r.page("contiguous.md");
    let body = section(
        page,
        "## memory64: a 64-bit memory against the same code on a 32-bit one",
    );
    assert!(body.contains("![memory64](charts/memory64.png)"), "{body}");
    let wasmtime = section(body, &format!("### `{WASMTIME}`"));
    let line = wasmtime
        .lines()
        .find(|l| l.starts_with("| `seq-read-i64` | 1MiB | `defined-max` |"))
        .unwrap_or_else(|| panic!("{wasmtime}"));
    assert!(
        line.contains("0.800×") && line.ends_with("| slower |"),
        "{line}"
    );
    let wasmi = section(body, "### `wasmi-interpreter`");
    assert!(wasmi.contains("no difference"), "{wasmi}");
    assert!(
        body.contains("wasmer-cranelift (“memory64 must be enabled for 64-bit memories”)"),
        "{body}"
    );
    // The section says it per pattern, with the figures.
    let sentence = body
        .lines()
        .find(|l| l.starts_with("- `seq-read-i64`, 1 MiB, default strategies: the 64-bit memory"))
        .unwrap_or_else(|| panic!("{body}"));
    assert!(
        sentence.contains("0.800×") && sentence.contains("slower on 1 (wasmtime-cranelift)"),
        "{sentence}"
    );
    assert!(
        sentence.contains("no different on 1 (wasmi-interpreter)"),
        "{sentence}"
    );
    // The summary says it in one sentence with the figures, and links the section by its anchor.
    let sentence = r
        .report
        .lines()
        .find(|l| {
            l.starts_with(
                "- [memory64](contiguous.md#memory64-a-64-bit-memory-against-the-same-code-on-a-32-bit-one), \
                 a 64-bit memory, 1 MiB, default strategies: the 64-bit memory ran at 0.800× [",
            )
        })
        .unwrap_or_else(|| panic!("{}", r.report));
    assert!(
        sentence.contains("slower on 1 (wasmtime-cranelift `seq-read-i64`)")
            && sentence.contains("no different on 1 (wasmi-interpreter `seq-read-i64`)")
            && sentence.ends_with("; refused by wasmer-cranelift."),
        "{sentence}"
    );
    // A kind without cases has no summary sentence, and its section says so.
    assert!(!r.report.contains("- [bytepage]"), "{}", r.report);
    assert!(
        section(
            page,
            "## bytepage: 1-byte pages (custom-page-sizes) against the same code on 64 KiB pages"
        )
        .contains("No bytepage cases in this run."),
        "{page}"
    );
    // No twin appears in a table against native.
    let native_tables = section(page, "## Warm memory: throughput against native");
    assert!(!native_tables.contains("memory64") && !native_tables.contains("memory32"));
}

/// 1-byte pages and a second memory, each against its 32-bit twin, in a section of its own built
/// like memory64's: the ratio and verdict per runtime, the chart, a refusing runtime named with the
/// engine's words; and one sentence per kind in the summary, linking its section.
#[test]
fn every_memory_kind_is_compared_with_its_32_bit_twin_in_a_section_of_its_own() {
    let mut results = fixture(100_000.0);
    let (m32, bytepage, multimem) = (
        GuestBuild::Memory32,
        GuestBuild::PageSize1,
        GuestBuild::SecondMemory,
    );
    let mut add = |runtime: &str, build: GuestBuild, ns: f64| {
        results.rows.push(row(
            contiguous("seq-read-i64", runtime, build),
            Some(ns),
            BYTES,
        ));
    };
    // wasmtime: 1-byte pages take 1.25× the time (0.8× the throughput); a second memory the same.
    add(WASMTIME, m32, 100_000.0);
    add(WASMTIME, bytepage, 125_000.0);
    add(WASMTIME, multimem, 100_000.0);
    // wasmi: 1-byte pages the same; a second memory twice the time (0.5× the throughput).
    add("wasmi-interpreter", m32, 2e6);
    add("wasmi-interpreter", bytepage, 2e6);
    add("wasmi-interpreter", multimem, 4e6);
    // wasmer: refuses 1-byte pages; a second memory in 0.8× the time (1.25× the throughput).
    add("wasmer-cranelift", m32, 100_000.0);
    add("wasmer-cranelift", multimem, 80_000.0);
    results.rows.push(not_measured(
        contiguous("seq-read-i64", "wasmer-cranelift", bytepage),
        FailureKind::Unsupported,
        "wasmer-cranelift refuses the bytepage guest (custom-page-sizes) and compiles the memory32 \
         one: Validation error: custom page sizes proposal not enabled (at offset 0xb)",
    ));
    let dir = out_dir("memory-kinds");
    render(&results, &dir).unwrap();
    let r = read_pages(&dir);
    for chart in ["bytepage", "multimem"] {
        assert!(
            std::fs::metadata(dir.join(format!("charts/{chart}.png")))
                .unwrap()
                .len()
                > 1000,
            "{chart}"
        );
    }
    // memory64 has no case here: no chart, and its section says so.
    assert!(!dir.join("charts/memory64.png").exists());
    std::fs::remove_dir_all(&dir).unwrap();
    let page = r.page("contiguous.md");
    assert!(
        section(
            page,
            "## memory64: a 64-bit memory against the same code on a 32-bit one"
        )
        .contains("No memory64 cases in this run."),
        "{page}"
    );
    // The line of one runtime in a kind's table: pattern, size and variant, then the figures.
    let line = |body: &str, runtime: &str| -> String {
        section(body, &format!("### `{runtime}`"))
            .lines()
            .find(|l| l.starts_with("| `seq-read-i64` | 1MiB | `defined-max` |"))
            .unwrap_or_else(|| panic!("{runtime}: {body}"))
            .to_string()
    };
    let bytes = section(
        page,
        "## bytepage: 1-byte pages (custom-page-sizes) against the same code on 64 KiB pages",
    );
    assert!(
        bytes.contains("![bytepage](charts/bytepage.png)"),
        "{bytes}"
    );
    assert!(
        bytes.contains("| `memory32` | `bytepage` | bytepage ÷ memory32 [95 % interval] |"),
        "{bytes}"
    );
    let l = line(bytes, WASMTIME);
    assert!(l.contains("| 0.800× [") && l.ends_with("| slower |"), "{l}");
    let l = line(bytes, "wasmi-interpreter");
    assert!(l.ends_with("| no difference |"), "{l}");
    let l = line(bytes, "wasmer-cranelift");
    assert!(l.contains("| refused | – | unsupported |"), "{l}");
    assert!(
        bytes.contains(
            "- `seq-read-i64`, 1 MiB, default strategies: the memory of 1-byte pages ran at 0.800× ["
        ),
        "{bytes}"
    );
    assert!(
        bytes.contains(
            "- Refuse 1-byte pages while they run the 64 KiB-page twin: wasmer-cranelift \
             (“custom page sizes proposal not enabled (at offset 0xb)”)."
        ),
        "{bytes}"
    );
    let multi = section(
        page,
        "## multimem: a second memory (multi-memory) against the same code on a module's only memory",
    );
    assert!(
        multi.contains("![multimem](charts/multimem.png)"),
        "{multi}"
    );
    let l = line(multi, "wasmi-interpreter");
    assert!(l.contains("| 0.500× [") && l.ends_with("| slower |"), "{l}");
    let l = line(multi, "wasmer-cranelift");
    assert!(l.contains("| 1.25× [") && l.ends_with("| faster |"), "{l}");
    assert!(line(multi, WASMTIME).ends_with("| no difference |"));
    assert!(!multi.contains("Refuse"), "{multi}");
    // The summary: one sentence per kind, linking its section by the anchor of its heading.
    let sentence = |kind: &str| -> String {
        r.report
            .lines()
            .find(|l| l.starts_with(&format!("- [{kind}](contiguous.md#")))
            .unwrap_or_else(|| panic!("{kind}: {}", r.report))
            .to_string()
    };
    let s = sentence("bytepage");
    assert!(
        s.starts_with(
            "- [bytepage](contiguous.md#bytepage-1-byte-pages-custom-page-sizes-against-the-same-code-on-64-kib-pages), \
             1-byte pages (custom-page-sizes), 1 MiB, default strategies: the memory of 1-byte pages ran at 0.800× ["
        ) && s.contains("(wasmtime-cranelift `seq-read-i64`) to 1.00× [")
            && s.contains("of the 64 KiB-page twin's throughput; slower on 1 (wasmtime-cranelift `seq-read-i64`); no different on 1 (wasmi-interpreter `seq-read-i64`)")
            && s.ends_with("; refused by wasmer-cranelift."),
        "{s}"
    );
    let s = sentence("multimem");
    assert!(
        s.starts_with(
            "- [multimem](contiguous.md#multimem-a-second-memory-multi-memory-against-the-same-code-on-a-modules-only-memory), \
             a second memory (multi-memory), 1 MiB, default strategies: the second memory ran at 0.500× ["
        ) && s.contains("(wasmi-interpreter `seq-read-i64`) to 1.25× [")
            && s.contains("faster on 1 (wasmer-cranelift `seq-read-i64`)")
            && !s.contains("refused"),
        "{s}"
    );
    assert!(!r.report.contains("- [memory64]"), "{}", r.report);
    // The twins never enter a table against native.
    let native_tables = section(page, "## Warm memory: throughput against native");
    for build in ["memory32", "bytepage", "multimem"] {
        assert!(!native_tables.contains(build), "{build}: {native_tables}");
    }
}

/// A fragmentation record with figures: `linear` bytes of linear memory for `live` peak live bytes.
fn frag(runtime: &str, allocator: &str, workload: &str, linear: u64, live: u64) -> FragRecord {
    FragRecord {
        id: format!("fragmentation/{workload}/{allocator}/{runtime}/defined-nomax"),
        runtime: runtime.into(),
        strategy: "default".into(),
        memory_variant: "defined-nomax".into(),
        allocator: allocator.into(),
        workload: workload.into(),
        scale: 16,
        figures: Some(Figures {
            reserved_basis: membench_data::procfs::ReservedBasis::Mappings,
            linear_bytes: linear,
            linear_peak_bytes: linear,
            peak_live_bytes: Some(live),
            live_bytes_end: Some(0),
            resident_bytes: Some(linear),
            resident_unsupported: None,
            reserved_virtual_bytes: linear,
            rss_delta_bytes: 0,
            fixed_bytes: Some(0),
            waste_bytes: Some(linear - live),
            resident_per_live: Some(linear as f64 / live as f64),
            reserved_per_linear: 1.0,
            allocations: 10,
        }),
        failure: None,
        failure_kind: None,
        runtime_version: "1.0.0".into(),
    }
}

/// `bump` against `bump-bytes`: per runtime with both, each one's linear memory and waste per
/// workload and what the 64 KiB page adds; the largest difference in a sentence, on the page and in
/// the summary; a runtime without a `bump-bytes` figure named with its record's words.
#[test]
fn one_byte_pages_are_compared_with_64_kib_pages_per_runtime_and_workload() {
    const MIB: u64 = 1 << 20;
    let mut results = fixture(100_000.0);
    for rt in [WASMTIME, "wasmi-interpreter"] {
        // sawtooth: 2 MiB live; 64 KiB pages end at 2 MiB + 64 KiB, 1-byte pages 1 KiB past it:
        // the 64 KiB page adds 63 KiB. mixed: 1 MiB live; 64 KiB against 48 KiB past it: 16 KiB.
        results.fragmentation.extend([
            frag(rt, "bump", "sawtooth", 2 * MIB + 65536, 2 * MIB),
            frag(rt, "bump-bytes", "sawtooth", 2 * MIB + 1024, 2 * MIB),
            frag(rt, "bump", "mixed", MIB + 65536, MIB),
            frag(rt, "bump-bytes", "mixed", MIB + 49152, MIB),
        ]);
    }
    // wasmer has bump's figures; its bump-bytes case was refused.
    let cause = "wasmer-cranelift refuses a memory of 1-byte pages (custom-page-sizes) and \
                 compiles the same guest with 64 KiB pages: custom page sizes are not enabled";
    results.fragmentation.extend([
        frag(
            "wasmer-cranelift",
            "bump",
            "sawtooth",
            2 * MIB + 65536,
            2 * MIB,
        ),
        FragRecord {
            figures: None,
            failure: Some(cause.into()),
            failure_kind: Some(membench_data::record::FailureKind::Unsupported),
            ..frag("wasmer-cranelift", "bump-bytes", "sawtooth", 0, 0)
        },
    ]);
    let r = render_pages(&results, "page-sizes");
    let wasted = r.page("wasted.md");
    let body = section(wasted, "## 1-byte pages against 64 KiB pages");
    for rt in [WASMTIME, "wasmi-interpreter"] {
        let table = section(body, &format!("### {rt}"));
        assert!(
            table.contains(
                "| strategy | variant | workload | peak live | `bump` linear | `bump-bytes` linear | `bump` waste | `bump-bytes` waste | what 64 KiB pages add |"
            ),
            "{table}"
        );
        assert!(
            table.contains(
                "| default | defined-nomax | sawtooth | 2 MiB | 2.06 MiB | 2 MiB | 64 KiB | 1 KiB | 63 KiB |"
            ),
            "{table}"
        );
        assert!(
            table.contains(
                "| default | defined-nomax | mixed | 1 MiB | 1.06 MiB | 1.05 MiB | 64 KiB | 48 KiB | 16 KiB |"
            ),
            "{table}"
        );
    }
    // wasmer has no pair: no table, and the note names it with its record's words.
    assert!(!body.contains("### wasmer-cranelift"), "{body}");
    assert!(
        body.contains(&format!(
            "- Without a `bump-bytes` figure (a runtime without custom-page-sizes refuses the \
             guest): **wasmer-cranelift**, no figure for 1 of 1 cases (unsupported): “{cause}”."
        )),
        "{body}"
    );
    let finding = "the same bump allocator over 64 KiB pages (`bump`) and over 1-byte pages \
                   (`bump-bytes`, grown by the bytes it needs), on 2 runtimes: 64 KiB pages added \
                   16 KiB to 63 KiB per workload to the linear memory; the most on **sawtooth**, \
                   63 KiB (3 % of `bump`'s 2.06 MiB, against 2 MiB over 1-byte pages; waste 64 KiB \
                   against 1 KiB), on wasmi-interpreter, wasmtime-cranelift.";
    assert!(body.contains(&format!("- T{}", &finding[1..])), "{body}");
    // The summary carries the same sentence in its memory question, linking the section.
    let memory = section(
        &r.report,
        "## How much memory is reserved, and how much is wasted?",
    );
    assert!(
        memory.contains(&format!(
            "- [1-byte pages against 64 KiB pages](wasted.md#1-byte-pages-against-64-kib-pages): {finding}"
        )),
        "{memory}"
    );
    assert!(r.report.lines().count() <= MAX_LINES);
    // Without bump-bytes records, neither the section nor the sentence.
    let plain = render_pages(&fixture(100_000.0), "page-sizes-none");
    assert!(!plain.page("wasted.md").contains("1-byte pages"));
    assert!(!plain.report.contains("1-byte pages"));
}

/// A `grow1-at` row of `build` at `pages` on `runtime`'s default strategy, `defined-max`.
fn grow_twin(pages: u64, runtime: &str, build: GuestBuild) -> membench_data::case::CaseKey {
    key(
        Family::Grow,
        "grow1-at",
        pages * PAGE,
        runtime,
        "default",
        "defined-max",
        build,
    )
}

/// The grow twins (the same text over a 32-bit and a 64-bit memory) are compared with each other
/// in a section of their own, time per grow with its verdict (a 64-bit grow that takes longer is
/// "slower"), with the refusing runtime named in its words and one sentence in the summary; the
/// Rust guest's grow tables, charts' sentences and claims are what they were without the twins
/// (whose ids sort before the Rust guest's, so a lookup that does not check the build finds them
/// first).
#[test]
fn memory64_grows_are_compared_with_their_32_bit_twin_apart_from_the_rust_guest() {
    let (m32, m64) = (GuestBuild::Memory32, GuestBuild::Memory64);
    let mut results = fixture(100_000.0);
    results.rows.extend([
        // wasmtime: a 64-bit grow takes twice the 32-bit one's time at 4096 pages, the same at 1.
        row(grow_twin(4096, WASMTIME, m32), Some(500.0), PAGE),
        row(grow_twin(4096, WASMTIME, m64), Some(1000.0), PAGE),
        row(grow_twin(1, WASMTIME, m32), Some(300.0), PAGE),
        row(grow_twin(1, WASMTIME, m64), Some(300.0), PAGE),
        // wasmi: 0.8× the time at 4096 pages.
        row(
            grow_twin(4096, "wasmi-interpreter", m32),
            Some(1000.0),
            PAGE,
        ),
        row(grow_twin(4096, "wasmi-interpreter", m64), Some(800.0), PAGE),
        // wasmer refuses a 64-bit memory.
        row(grow_twin(4096, "wasmer-cranelift", m32), Some(900.0), PAGE),
        not_measured(
            grow_twin(4096, "wasmer-cranelift", m64),
            FailureKind::Unsupported,
            "wasmer-cranelift refuses the memory64 guest and compiles the memory32 one: \
             Validation error: memory64 must be enabled for 64-bit memories",
        ),
    ]);
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let dir = out_dir("grow-memory64");
    render(&results, &dir).unwrap();
    assert!(
        std::fs::metadata(dir.join("charts/grow-memory64.png"))
            .unwrap()
            .len()
            > 1000
    );
    let r = read_pages(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let plain = render_pages(&fixture(100_000.0), "grow-memory64-none");
    let md = r.page("grow.md");
    let body = section(
        md,
        "## memory64: a 64-bit memory's grow against the same code on a 32-bit one",
    );
    assert!(
        body.contains("![grow-memory64](charts/grow-memory64.png)"),
        "{body}"
    );
    // Per runtime, every pair with its ratio and verdict: time per grow, lower is faster.
    let line = |runtime: &str, pages: u64| -> String {
        section(body, &format!("### `{runtime}`"))
            .lines()
            .find(|l| l.starts_with(&format!("| `grow1-at` | {pages} | `defined-max` |")))
            .unwrap_or_else(|| panic!("{runtime} {pages}: {body}"))
            .to_string()
    };
    let l = line(WASMTIME, 4096);
    assert!(
        l.contains("| 500 ns [") && l.contains("| 1 µs [") && l.contains("| 2.00× ["),
        "{l}"
    );
    assert!(l.ends_with("| slower |"), "{l}");
    assert!(line(WASMTIME, 1).ends_with("| no difference |"));
    let l = line("wasmi-interpreter", 4096);
    assert!(l.contains("| 0.800× [") && l.ends_with("| faster |"), "{l}");
    let l = line("wasmer-cranelift", 4096);
    assert!(l.contains("| refused | – | unsupported |"), "{l}");
    // The sentences, per size, and the refusal in the engine's words.
    let sentence = body
        .lines()
        .find(|l| l.starts_with("- `grow1-at` at 4096 pages, default strategies: "))
        .unwrap_or_else(|| panic!("{body}"));
    assert!(
        sentence.contains("a grow of the 64-bit memory took 0.800× [")
            && sentence.contains("(wasmi-interpreter) to 2.00× [")
            && sentence.contains("(wasmtime-cranelift) the 32-bit twin's time; ")
            && sentence.contains("slower on 1 (wasmtime-cranelift)")
            && sentence.ends_with("faster on 1 (wasmi-interpreter)."),
        "{sentence}"
    );
    assert!(
        body.contains(
            "- `grow1-at` at 1 page, default strategies: a grow of the 64-bit memory took 1.00× ["
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "- Refuse a 64-bit memory while they run the 32-bit twin: wasmer-cranelift \
             (“memory64 must be enabled for 64-bit memories”)."
        ),
        "{body}"
    );
    // The Rust guest's grow tables are what they were: the twins leak into none of them.
    // (This section runs to the next `## `: its charts' sentences and the table at 1 and 4096
    // pages.)
    let heading = "## One `grow(1)` against the memory's size";
    assert_eq!(
        section(md, heading),
        section(plain.page("grow.md"), heading)
    );
    let every = |md: &str| -> String {
        let s = section(md, "## Every grow case, per runtime-engine × strategy");
        s[s.find("### ").unwrap()..].to_string()
    };
    assert_eq!(every(md), every(plain.page("grow.md")));
    assert!(
        section(md, "## Every grow case, per runtime-engine × strategy").contains(
            "(the memory64 twins are in [their section](#memory64-a-64-bit-memorys-grow-against-the-same-code-on-a-32-bit-one))"
        ),
        "{md}"
    );
    assert_eq!(
        section(r.page("verify.md"), "## From the benches"),
        section(plain.page("verify.md"), "## From the benches")
    );
    // The summary: the grow question as before, and one sentence more, with the figures.
    let question = "## What does a grow cost, and does a declared maximum help?";
    let grow = section(&r.report, question);
    let twin: Vec<&str> = grow
        .lines()
        .filter(|l| l.starts_with("- [memory64](grow.md#"))
        .collect();
    assert_eq!(twin.len(), 1, "{grow}");
    assert!(
        twin[0].starts_with(
            "- [memory64](grow.md#memory64-a-64-bit-memorys-grow-against-the-same-code-on-a-32-bit-one): \
             `grow(1)` of a 64-bit memory against the same code on a 32-bit one, exact maximum, \
             default strategies: a grow of the 64-bit memory took 0.800× ["
        ) && twin[0].contains("slower on 1 (wasmtime-cranelift at 4096 pages)")
            && twin[0].contains("no different on 1 (wasmtime-cranelift at 1 page)")
            && twin[0].ends_with("; refused by wasmer-cranelift."),
        "{}",
        twin[0]
    );
    // The line to grow.md links the 64-bit section only where there is one.
    let link = "[on a 64-bit one](grow.md#memory64-a-64-bit-memorys-grow-against-the-same-code-on-a-32-bit-one)";
    let detail = |l: &&str| l.starts_with("Every size, strategy and variant");
    let plain_grow = section(&plain.report, question);
    assert!(
        grow.lines().any(|l| detail(&l) && l.contains(link)),
        "{grow}"
    );
    assert!(
        plain_grow
            .lines()
            .any(|l| detail(&l) && !l.contains("64-bit")),
        "{plain_grow}"
    );
    let without: Vec<&str> = grow
        .lines()
        .filter(|l| *l != twin[0] && !detail(l))
        .collect();
    assert_eq!(
        without,
        plain_grow
            .lines()
            .filter(|l| !detail(l))
            .collect::<Vec<_>>()
    );
    assert!(r.report.lines().count() <= MAX_LINES);
}

/// A shared memory against the same memory unshared (imported, exact maximum): the throughput
/// ratio and verdict per runtime, the refusing runtime named in its words, one sentence in the
/// summary; the memory-variants table still lists the shared case, and no table against native
/// does.
#[test]
fn a_shared_memory_is_compared_with_the_same_memory_unshared() {
    let scalar = GuestBuild::Scalar;
    let imported = |runtime: &str, variant: &str| {
        key(
            Family::Contiguous,
            "seq-read-i64",
            1 << 20,
            runtime,
            "default",
            variant,
            scalar,
        )
    };
    let mut results = fixture(100_000.0);
    results.rows.extend([
        // wasmtime: the shared memory takes twice the time: half the throughput.
        row(imported(WASMTIME, "imported-max"), Some(100_000.0), BYTES),
        row(
            imported(WASMTIME, "imported-shared-max"),
            Some(200_000.0),
            BYTES,
        ),
        // node: the same.
        row(imported("node-v8", "imported-max"), Some(150_000.0), BYTES),
        row(
            imported("node-v8", "imported-shared-max"),
            Some(150_000.0),
            BYTES,
        ),
        // wasmer refuses it.
        row(
            imported("wasmer-cranelift", "imported-max"),
            Some(120_000.0),
            BYTES,
        ),
        not_measured(
            imported("wasmer-cranelift", "imported-shared-max"),
            FailureKind::Unsupported,
            "wasmer-cranelift refuses a shared memory: instantiating: RuntimeError: shared \
             memories are not supported",
        ),
        // WAMR's crate cannot import any memory: a gap in our binding, not WAMR's refusal.
        not_measured(
            imported("wamr-fast-interp", "imported-max"),
            FailureKind::Binding,
            "not in our binding: wamrx 0.3.0's Linker defines only host functions: a module \
             cannot import a memory",
        ),
        not_measured(
            imported("wamr-fast-interp", "imported-shared-max"),
            FailureKind::Binding,
            "not in our binding: wamrx 0.3.0's Linker defines only host functions: a module \
             cannot import a memory",
        ),
    ]);
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let r = render_pages(&results, "shared-contiguous");
    let page = r.page("contiguous.md");
    let body = section(page, "## A shared memory against the same memory unshared");
    let line = |runtime: &str| -> String {
        section(body, &format!("### `{runtime}`"))
            .lines()
            .find(|l| l.starts_with("| `seq-read-i64` | 1MiB | scalar |"))
            .unwrap_or_else(|| panic!("{runtime}: {body}"))
            .to_string()
    };
    assert!(
        body.contains(
            "| pattern | working set | build | `imported-max` | `imported-shared-max` | shared ÷ unshared [95 % interval] | verdict |"
        ),
        "{body}"
    );
    let l = line(WASMTIME);
    assert!(l.contains("| 0.500× [") && l.ends_with("| slower |"), "{l}");
    assert!(line("node-v8").ends_with("| no difference |"));
    assert!(
        line("wasmer-cranelift").contains("| refused | – | unsupported |"),
        "{body}"
    );
    let sentence = body
        .lines()
        .find(|l| {
            l.starts_with(
                "- `seq-read-i64`, 1 MiB, default strategies: the shared memory ran at 0.500× [",
            )
        })
        .unwrap_or_else(|| panic!("{body}"));
    assert!(
        sentence.contains("(wasmtime-cranelift) to 1.00× [")
            && sentence.contains("(node-v8) of the unshared twin's throughput; slower on 1 (wasmtime-cranelift); no different on 1 (node-v8)."),
        "{sentence}"
    );
    assert!(
        body.contains(
            "- Refuse a shared memory while they run the unshared twin: wasmer-cranelift \
             (“shared memories are not supported”)."
        ),
        "{body}"
    );
    // The binding's gap is said as ours, apart from the engines' refusals.
    assert!(
        body.contains(
            "- Not measured because our binding cannot ask for a shared memory (a gap in this \
             benchmark, not the engine's refusal): wamr-fast-interp (“wamrx 0.3.0's Linker \
             defines only host functions: a module cannot import a memory”)."
        ),
        "{body}"
    );
    assert!(
        line("wamr-fast-interp").contains("| not in our binding |"),
        "{body}"
    );
    // The memory-variants table still lists both variants, labelled, the refusal as unsupported.
    let variants = section(page, "## Memory variants and strategies");
    let wasmer = section(variants, "### wasmer-cranelift (`default`)");
    assert!(
        wasmer.contains("| seq-read-i64 | 1MiB | scalar | imported-shared-max | unsupported |")
            && wasmer.contains("| seq-read-i64 | 1MiB | scalar | imported-max | 120 µs ["),
        "{variants}"
    );
    // Against native, only `defined-max`.
    assert!(!section(page, "## Per runtime-engine").contains("imported"));
    // The summary says it in one sentence, linking the section.
    let sentence = r
        .report
        .lines()
        .find(|l| {
            l.starts_with(
                "- [A shared memory](contiguous.md#a-shared-memory-against-the-same-memory-unshared) \
                 against the same memory unshared (imported, exact maximum), 1 MiB, default \
                 strategies: the shared memory ran at 0.500× [",
            )
        })
        .unwrap_or_else(|| panic!("{}", r.report));
    assert!(
        sentence.contains("slower on 1 (wasmtime-cranelift `seq-read-i64`)")
            && sentence.ends_with(
                "; refused by wasmer-cranelift; not in our binding for wamr-fast-interp."
            ),
        "{sentence}"
    );
    assert!(r.report.lines().count() <= MAX_LINES);
}

/// `page-size`, `four-gib`, `one-memory` and `reserve-ahead`'s shared memory as one table of
/// which runtime takes which kind of memory beyond wasm 1.0: "yes" with the key figures where the
/// finding "did not hold", "refused" with the engine's words in a note where it held by a refusal,
/// a strategy that answers otherwise than its runtime's default listed; the findings are said not
/// to be defects, and the summary says it in one sentence.
#[test]
fn which_runtime_takes_which_kind_of_memory_beyond_wasm_1() {
    use membench_data::verify::{Check, CheckId, Outcome, Reservation, ReserveAhead, Reserved};
    use membench_data::verify::{KindAnswer, SharedReserve, Verdict};
    let mib = |m: i64| Reserved {
        inaccessible_bytes: (m - 1) << 20,
        accessible_bytes: 1 << 20,
    };
    let verdict = |runtime: &str,
                   strategy: &str,
                   checks: [(CheckId, Outcome, &str); 3],
                   shared: Option<SharedReserve>,
                   kinds: Vec<(CheckId, KindAnswer)>| Verdict {
        kinds,
        runtime: runtime.into(),
        strategy: strategy.into(),
        checks: std::iter::once(Check {
            check: CheckId::Isolation,
            outcome: Outcome::Held,
            detail: "fixture".into(),
        })
        .chain(checks.into_iter().map(|(check, outcome, detail)| Check {
            check,
            outcome,
            detail: detail.into(),
        }))
        .collect(),
        spec: Vec::new(),
        reserve_ahead: Some(ReserveAhead {
            reservation: Reservation::Fixed,
            used_bytes: 16 * PAGE,
            no_maximum: mib(4096),
            exact_maximum: mib(4096),
            maximum_4g: mib(4096),
            basis: membench_data::procfs::ReservedBasis::Mappings,
            new_mappings: [mib(4096); 3],
            shared,
        }),
    };
    let (page, four, one) = (CheckId::PageSize, CheckId::FourGib, CheckId::OneMemory);
    let (held, not) = (Outcome::Held, Outcome::DidNotHold);
    let grew =
        "a 64-bit memory (memory64) grew from 16 to 65552 pages (4097.0 MiB), past the 4 GiB \
                of a 32-bit one, and its last byte was written and read back; one instance of a \
                16-page 64-bit memory added 16384.0 MiB (16383.0 MiB inaccessible + 1.0 MiB \
                accessible)";
    let bytes =
        "a memory of 1-byte pages (custom-page-sizes): memory.grow(1) took it from 65536 to \
                 65537 bytes, its last byte loads and the next one traps";
    let second =
        "a module with two 16-page memories (multi-memory) instantiates: one memory added \
                  4096.0 MiB (4095.0 MiB inaccessible + 1.0 MiB accessible), two added 8192.0 MiB \
                  (8190.0 MiB inaccessible + 2.0 MiB accessible), so the second added 4096.0 MiB \
                  (4095.0 MiB inaccessible + 1.0 MiB accessible)";
    let na = "not a wasm runtime";
    let taken = |figures: &[&str]| KindAnswer::Taken {
        figures: figures.iter().map(|f| f.to_string()).collect(),
    };
    let refused = |words: &str| KindAnswer::Refused {
        words: words.into(),
    };
    let grew_figures = taken(&[
        "grew from 16 to 65552 pages (4097.0 MiB)",
        "one 16-page instance added 16384.0 MiB",
    ]);
    let bytes_figures = taken(&["grow(1) took it from 65536 to 65537 bytes"]);
    let second_figures = taken(&["the second added 4096.0 MiB"]);
    let pooling = "allocation_strategy=Pooling,max_memory_size=2GiB";
    let mut results = fixture(100_000.0);
    results.verify = vec![
        verdict(
            NATIVE,
            "mmap",
            [
                (page, Outcome::NotApplicable, na),
                (four, Outcome::NotApplicable, na),
                (one, Outcome::NotApplicable, na),
            ],
            None,
            Vec::new(),
        ),
        verdict(
            WASMTIME,
            "default",
            [(page, not, bytes), (four, not, grew), (one, not, second)],
            Some(SharedReserve::Refused {
                error: "threads must be enabled for shared memories".into(),
            }),
            vec![
                (page, bytes_figures.clone()),
                (four, grew_figures.clone()),
                (one, second_figures.clone()),
            ],
        ),
        verdict(
            WASMTIME,
            pooling,
            [
                (page, not, bytes),
                (
                    four,
                    held,
                    "4 GiB at most here: a 64-bit memory is taken (one instance of a 16-page \
                     64-bit memory added 0.0 MiB (0.0 MiB inaccessible + 0.0 MiB accessible), less \
                     than the memory itself: it sits in address space reserved before (a pool)), \
                     but memory.grow by 65536 pages from 16 returned -1",
                ),
                (
                    one,
                    held,
                    "one memory per module here: a second memory (multi-memory) is refused: \
                     instantiating: defined memories count of 2 exceeds the per-module limit of 1",
                ),
            ],
            Some(SharedReserve::Refused {
                error: "threads must be enabled for shared memories".into(),
            }),
            vec![
                (page, bytes_figures.clone()),
                (
                    four,
                    KindAnswer::StoppedShort {
                        why: "memory.grow by 65536 pages from 16 returned -1".into(),
                        figures: vec!["one 16-page instance added 0.0 MiB".into()],
                    },
                ),
                (
                    one,
                    refused(
                        "instantiating: defined memories count of 2 exceeds the per-module \
                         limit of 1",
                    ),
                ),
            ],
        ),
        verdict(
            "wasmer-cranelift",
            "default",
            [
                (
                    page,
                    held,
                    "pages are 64 KiB here: a memory of 1-byte pages (custom-page-sizes) is \
                     refused: Validation error: custom page sizes proposal not enabled",
                ),
                (
                    four,
                    held,
                    "4 GiB at most here: a 64-bit memory (memory64) is refused: Validation \
                     error: memory64 must be enabled for 64-bit memories",
                ),
                (one, not, second),
            ],
            Some(SharedReserve::Measured {
                reservation: Reservation::Fixed,
                exact_maximum: mib(6144),
                maximum_4g: mib(6144),
                basis: membench_data::procfs::ReservedBasis::Mappings,
            }),
            vec![
                (
                    page,
                    refused("Validation error: custom page sizes proposal not enabled"),
                ),
                (
                    four,
                    refused("Validation error: memory64 must be enabled for 64-bit memories"),
                ),
                (one, second_figures),
            ],
        ),
    ];
    let r = render_pages(&results, "beyond");
    let verify = r.page("verify.md");
    let body = section(
        verify,
        "### Beyond the post's wasm 1.0 memory: which runtime takes which kind",
    );
    assert!(
        body.contains(
            "| runtime | shared memory | memory64 (past 4 GiB?) | 1-byte pages | second memory |"
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "| wasmtime-cranelift | refused [1] | yes: grew from 16 to 65552 pages (4097.0 MiB); \
             one 16-page instance added 16384.0 MiB | yes: grow(1) took it from 65536 to 65537 \
             bytes | yes: the second added 4096.0 MiB |"
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "| wasmer-cranelift | yes: one 16-page memory adds 6 GiB (6 GiB with a 4 GiB maximum) \
             | refused [2] | refused [3] | yes: the second added 4096.0 MiB |"
        ),
        "{body}"
    );
    // Native answers none: no row.
    assert!(!body.contains("| native-rustc |"), "{body}");
    // The pooling allocator answers otherwise for memory64 and a second memory only.
    assert!(
        body.contains(&format!(
            "- wasmtime-cranelift @`{pooling}`: a 64-bit memory: yes, not past 4 GiB (memory.grow \
             by 65536 pages from 16 returned -1); a second memory: refused [4]\n"
        )),
        "{body}"
    );
    for note in [
        "- [1] refused by the engine: “threads must be enabled for shared memories”",
        "- [2] refused by the engine: “memory64 must be enabled for 64-bit memories”",
        "- [3] refused by the engine: “custom page sizes proposal not enabled”",
        "- [4] refused by the engine: “defined memories count of 2 exceeds the per-module limit of 1”",
    ] {
        assert!(body.contains(note), "{note}: {body}");
    }
    // The checks are findings, not failures.
    assert!(
        verify.contains(
            "`page-size`, `four-gib`, `one-memory` are findings, not correctness claims: \"did \
             not hold\" there says what the runtime does"
        ),
        "{verify}"
    );
    // The summary: one sentence from the same answers; the checks leave the other lists.
    let claims = section(&r.report, "## Which of the post's claims hold where?");
    assert!(
        claims.contains(
            "- [Beyond the post's wasm 1.0 memory: which runtime takes which kind](verify.md#beyond-the-posts-wasm-10-memory-which-runtime-takes-which-kind), \
             on the default strategies of 2 runtime-engines (each counted once per kind): a \
             shared memory: taken by 1 (wasmer-cranelift), refused by the engine on 1 \
             (wasmtime-cranelift); a 64-bit memory: taken by 1 (wasmtime-cranelift), refused by \
             the engine on 1 (wasmer-cranelift); 1-byte pages: taken by 1 (wasmtime-cranelift), \
             refused by the engine on 1 (wasmer-cranelift); a second memory: taken by 2 \
             (wasmtime-cranelift, wasmer-cranelift).\n"
        ),
        "{claims}"
    );
    for id in ["`four-gib`", "`page-size`", "`one-memory`"] {
        assert_eq!(claims.matches(id).count(), 0, "{id}: {claims}");
    }
    assert!(claims.contains("`isolation` (4)"), "{claims}");
    assert!(r.report.lines().count() <= MAX_LINES);
}

/// A verdict whose kinds beyond wasm 1.0 are `kinds` and whose shared memory is `shared`; one
/// correctness check held, so the claims grid has a column.
fn kind_verdict(
    runtime: &str,
    shared: Option<membench_data::verify::SharedReserve>,
    kinds: Vec<(
        membench_data::verify::CheckId,
        membench_data::verify::KindAnswer,
    )>,
) -> membench_data::verify::Verdict {
    use membench_data::verify::{Check, CheckId, Outcome, Reservation, ReserveAhead, Reserved};
    let mib = |m: i64| Reserved {
        inaccessible_bytes: (m - 1) << 20,
        accessible_bytes: 1 << 20,
    };
    let checks = std::iter::once(Check {
        check: CheckId::Isolation,
        outcome: Outcome::Held,
        detail: "fixture".into(),
    })
    .chain(kinds.iter().map(|(id, answer)| Check {
        check: *id,
        outcome: if answer.keeps_the_model() {
            Outcome::Held
        } else {
            Outcome::DidNotHold
        },
        detail: "fixture".into(),
    }))
    .collect();
    membench_data::verify::Verdict {
        runtime: runtime.into(),
        strategy: "default".into(),
        checks,
        spec: Vec::new(),
        reserve_ahead: Some(ReserveAhead {
            reservation: Reservation::Fixed,
            used_bytes: 16 * PAGE,
            no_maximum: mib(4096),
            exact_maximum: mib(4096),
            maximum_4g: mib(4096),
            basis: membench_data::procfs::ReservedBasis::Mappings,
            new_mappings: [mib(4096); 3],
            shared,
        }),
        kinds,
    }
}

/// Renders `results` into a fresh folder and keeps it, for tests that read the charts too.
fn render_kept(results: &Results, name: &str) -> (Rendered, PathBuf) {
    let dir = out_dir(name);
    render(results, &dir).unwrap();
    (read_pages(&dir), dir)
}

/// Item 4 of issue 23: the kinds beyond wasm 1.0 are capabilities, not claims. The claims grid
/// has none of their columns (it painted `page-size` orange where a runtime takes 1-byte pages);
/// they get a grid of their own whose categories say taken, taken with a limit, refused by the
/// engine, not supported by our binding, in colours that are none of the claims'.
#[test]
fn capabilities_have_their_own_grid_in_neutral_colours() {
    use membench_data::verify::{CheckId, KindAnswer, SharedReserve};
    let mut results = fixture(100_000.0);
    results.verify = vec![
        kind_verdict(
            WASMTIME,
            None,
            vec![
                (
                    CheckId::PageSize,
                    KindAnswer::Taken {
                        figures: vec!["grow(1) took it from 65536 to 65537 bytes".into()],
                    },
                ),
                (
                    CheckId::FourGib,
                    KindAnswer::StoppedShort {
                        why: "memory.grow by 65536 pages from 16 returned -1".into(),
                        figures: Vec::new(),
                    },
                ),
            ],
        ),
        kind_verdict(
            "wamr-fast-interp",
            Some(SharedReserve::NotInBinding {
                why: "unsupported: wamrx 0.3.0's Linker defines only host functions: a module \
                      cannot import a memory"
                    .into(),
            }),
            vec![(
                CheckId::OneMemory,
                KindAnswer::Refused {
                    words: "WAMR loading two-memories: WASM module load failed: multiple memories"
                        .into(),
                },
            )],
        ),
    ];
    let (r, dir) = render_kept(&results, "kinds-grid");
    let claims = std::fs::read_to_string(dir.join("charts/summary-claims.svg")).unwrap();
    for id in ["page-size", "four-gib", "one-memory"] {
        assert!(!claims.contains(id), "{id} in the claims grid");
    }
    assert!(claims.contains("isolation"), "{claims}");
    let kinds = std::fs::read_to_string(dir.join("charts/summary-kinds.svg")).unwrap();
    for category in [
        "taken",
        "taken, with a limit",
        "refused by the engine",
        "not supported by the binding",
    ] {
        assert!(kinds.contains(category), "{category}");
    }
    for claims_colour in ["#2CA02C", "#E67814", "#C80000"] {
        assert!(
            !kinds.contains(claims_colour),
            "{claims_colour} in the kinds grid"
        );
    }
    assert!(r
        .report
        .contains("![summary-kinds](charts/summary-kinds.png)"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Item 4: a gap of our binding is never the engine's refusal, in the typed data and the words;
/// item 5: the summary's counts per kind partition the runtimes (the old sentence said "taken by
/// 2, 1 not past 4 GiB, refused by 1", which reads as 4 of 3).
#[test]
fn a_binding_gap_is_its_own_category_and_the_counts_partition_the_runtimes() {
    use membench_data::verify::{CheckId, KindAnswer, SharedReserve};
    let taken = || KindAnswer::Taken {
        figures: vec!["grew from 16 to 65552 pages (4097.0 MiB)".into()],
    };
    let mut results = fixture(100_000.0);
    results.verify = vec![
        kind_verdict(WASMTIME, None, vec![(CheckId::FourGib, taken())]),
        kind_verdict(
            "tinywasm-interpreter",
            None,
            vec![(
                CheckId::FourGib,
                KindAnswer::StoppedShort {
                    why: "memory.grow by 65536 pages from 16 returned -1".into(),
                    figures: Vec::new(),
                },
            )],
        ),
        kind_verdict(
            "wasm3-interpreter",
            Some(SharedReserve::NotInBinding {
                why: "unsupported: wasm3x 0.2.1's Linker defines only host functions: a module \
                      cannot import a memory"
                    .into(),
            }),
            vec![(
                CheckId::FourGib,
                KindAnswer::Refused {
                    words: "wasm3 compiling memory64: wasm3 error: malformed Wasm binary".into(),
                },
            )],
        ),
    ];
    let r = render_pages(&results, "binding-gap");
    let verify = r.page("verify.md");
    assert!(
        verify.contains("| wasm3-interpreter | not supported by the binding [1] | refused [2] |"),
        "{verify}"
    );
    assert!(
        verify.contains(
            "- [1] not supported by the binding (wasm3x 0.2.1's Linker defines only host \
             functions: a module cannot import a memory)"
        ),
        "{verify}"
    );
    assert!(
        verify.contains(
            "| not supported by the binding: wasm3x 0.2.1's Linker defines only host functions: \
             a module cannot import a memory | – | – |"
        ),
        "{verify}"
    );
    let claims = section(&r.report, "## Which of the post's claims hold where?");
    assert!(
        claims.contains(
            "on the default strategies of 3 runtime-engines (each counted once per kind): a \
             shared memory: not supported by the binding on 1 (wasm3-interpreter), not answered \
             on 2 (wasmtime-cranelift, tinywasm-interpreter); a 64-bit memory: taken by 1 \
             (wasmtime-cranelift), taken (not past 4 GiB) by 1 (tinywasm-interpreter), refused \
             by the engine on 1 (wasm3-interpreter);"
        ),
        "{claims}"
    );
}

/// Item 4: where a memory lies in address space reserved before it (a negative or zero change
/// of the mappings), the report says "not observable", never "adds 0 B" or a negative MiB.
#[test]
fn a_reservation_that_cannot_be_observed_is_never_printed_as_a_figure() {
    use membench_data::verify::{Reservation, Reserved, SharedReserve};
    let carved = Reserved {
        inaccessible_bytes: -1_114_112,
        accessible_bytes: 1_114_112,
    };
    let mut results = fixture(100_000.0);
    results.verify = vec![kind_verdict(
        "chromium-v8",
        Some(SharedReserve::Measured {
            reservation: Reservation::ReservedBeforeInstantiation,
            exact_maximum: carved,
            maximum_4g: carved,
            basis: membench_data::procfs::ReservedBasis::Mappings,
        }),
        Vec::new(),
    )];
    let r = render_pages(&results, "not-observable");
    let verify = r.page("verify.md");
    assert!(!verify.contains("-1.1 MiB"), "{verify}");
    assert!(!verify.contains("adds 0 B"), "{verify}");
    assert!(
        verify.contains(
            "| chromium-v8 | yes: what one 16-page memory reserves is not observable (in address \
             space reserved before it was created) |"
        ),
        "{verify}"
    );
    assert!(
        verify.contains(
            "| reserved before instantiation (pool) | not observable (in address space reserved \
             before it was created) | not observable (in address space reserved before it was \
             created) |"
        ),
        "{verify}"
    );
}

/// Item 5: "fastest" is named alone only where no other interval overlaps its own; otherwise the
/// sentence says which tie.
#[test]
fn a_fastest_whose_interval_overlaps_another_is_a_tie() {
    let mut results = fixture(100_000.0);
    results.rows.retain(|r| {
        r.key
            .as_ref()
            .is_some_and(|k| k.family != Family::Instantiate)
    });
    for (runtime, ns) in [
        (WASMTIME, 1000.0),
        ("wasmer-cranelift", 1050.0),
        ("node-v8", 9000.0),
    ] {
        results
            .rows
            .push(instantiate(runtime, "default", "defined-max", ns, 1 << 20));
    }
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let r = render_pages(&results, "ties");
    let line = r
        .report
        .lines()
        .find(|l| l.starts_with("- Fastest instantiation"))
        .unwrap_or_else(|| panic!("{}", r.report));
    assert!(
        line.starts_with(
            "- Fastest instantiation of a 16-page memory (`defined-max`): wasmtime-cranelift (1 µs"
        ) && line.contains(
            "), tied with wasmer-cranelift (their intervals overlap); slowest: node-v8 (9 µs"
        ),
        "{line}"
    );
    // node-v8's interval overlaps no other: the slowest has no tie.
    assert!(
        !line.contains("node-v8 (9 µs [8.1 µs – 9.9 µs]), tied"),
        "{line}"
    );
}

/// Item 5: the summary links "on a 64-bit one" only when grow.md has that section; instantiate.md
/// says what each runtime's timed region holds, from its records, never "a module linked before
/// timing" for all.
#[test]
fn the_summary_links_only_sections_that_exist_and_timed_regions_are_per_runtime() {
    let mut results = fixture(100_000.0);
    let mut stitch = instantiate(
        "stitch-interpreter",
        "default",
        "defined-max",
        3000.0,
        1 << 20,
    );
    stitch.record.as_mut().unwrap().timed = "decode + link + instantiate".into();
    results.rows.push(stitch);
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let r = render_pages(&results, "links-and-timed");
    assert!(
        !r.page("grow.md").contains("## memory64"),
        "fixture has no twins"
    );
    assert!(!r.report.contains("64-bit one"), "{}", r.report);
    let inst = r.page("instantiate.md");
    assert!(!inst.contains("linked before timing"), "{inst}");
    assert!(
        inst.contains("- stitch-interpreter: \"decode + link + instantiate\"\n"),
        "{inst}"
    );
    assert!(
        inst.contains("- wasmtime-cranelift: \"Store::new + InstancePre::instantiate\"\n"),
        "{inst}"
    );
}

/// Item 5: a lower bound's label beside its dot is one word (the long basis, drawn left of the
/// dot, ran over the runtime names in `summary-memory.png`); the legend says what it means.
#[test]
fn reservation_labels_are_short_and_the_legend_explains_them() {
    let mut results = fixture(100_000.0);
    let mut carved = instantiate("chromium-v8", "default", "defined-max", 5000.0, 8 << 30);
    carved
        .record
        .as_mut()
        .unwrap()
        .footprint
        .as_mut()
        .unwrap()
        .reserved_basis = membench_data::procfs::ReservedBasis::CarvedSlot;
    results.rows.push(carved);
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let (_, dir) = render_kept(&results, "short-labels");
    let svg = std::fs::read_to_string(dir.join("charts/summary-memory.svg")).unwrap();
    assert!(svg.contains("≥ 8 GiB (carved)"), "{svg}");
    assert!(
        !svg.contains(membench_data::procfs::ReservedBasis::CarvedSlot.label()),
        "the long label is on the chart"
    );
    assert!(svg.contains("carved: carved from a region reserved at start"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Item 2: the guest's fixed pages are a column apart, not waste; allocators are contrasted only
/// by differences over one 64 KiB page, and the page says so.
#[test]
fn waste_is_the_allocators_and_differences_within_a_page_are_no_ranking() {
    let mut results = fixture(100_000.0);
    let with_fixed = |allocator: &str, linear: u64, live: u64| {
        let mut r = frag(WASMTIME, allocator, "sawtooth", linear, live);
        let f = r.figures.as_mut().unwrap();
        f.fixed_bytes = Some(128 << 10);
        f.waste_bytes = Some(linear - (128 << 10) - live);
        r
    };
    results.fragmentation = vec![
        // Waste 100 KiB, 130 KiB (the same to within a page) and 15 MiB.
        with_fixed("talc", (2 << 20) + (228 << 10), 2 << 20),
        with_fixed("dlmalloc", (2 << 20) + (258 << 10), 2 << 20),
        with_fixed("bump", (17 << 20) + (128 << 10), 2 << 20),
    ];
    let r = render_pages(&results, "fixed-pages");
    let wasted = r.page("wasted.md");
    assert!(
        wasted.contains(
            "| linear | fixed (stack + statics) | peak live | allocator waste | resident |"
        ),
        "{wasted}"
    );
    assert!(
        wasted.contains("| 2.22 MiB | 128 KiB | 2 MiB | 100 KiB |"),
        "{wasted}"
    );
    let line = "- **sawtooth** allocator waste (linear − the guest's fixed pages − peak live): \
                bump 15 MiB, dlmalloc 130 KiB, talc 100 KiB. Compared only by differences over \
                one 64 KiB page (linear memory grows by pages): talc, dlmalloc the same to within \
                a page; bump wastes more than talc, dlmalloc (by over a page).";
    assert!(wasted.contains(line), "{wasted}");
    assert!(
        wasted.contains("only when the difference exceeds 65536 B"),
        "{wasted}"
    );
    // A record without the fixed pages apart counts them as waste: an upper bound.
    results.fragmentation = vec![frag(WASMTIME, "talc", "sawtooth", 3 << 20, 2 << 20)];
    results.fragmentation[0]
        .figures
        .as_mut()
        .unwrap()
        .fixed_bytes = None;
    let old = render_pages(&results, "fixed-pages-old");
    assert!(
        old.page("wasted.md")
            .contains("| 3 MiB | not recorded | 2 MiB | ≤ 1 MiB |"),
        "{}",
        old.page("wasted.md")
    );
}

/// Item 6: a reference run from more than one commit, or a `+dirty` one, is refused unless told;
/// told, every page says so, naming the commits.
#[test]
fn a_mixed_or_dirty_reference_run_is_refused_unless_told_and_then_every_page_says_so() {
    let mut results = fixture(100_000.0);
    let mut dirty = stamp("frag-run", "2026-11-27T01:00:00Z");
    dirty.commit = "fe777762b606+dirty".into();
    results.fragmentation_run = Some(dirty);
    let dir = out_dir("mixed");
    let err = render(&results, &dir).unwrap_err().to_string();
    assert!(
        err.contains("`abc123` (benches)") && err.contains("`fe777762b606+dirty` (memory figures)"),
        "{err}"
    );
    assert!(err.contains("--allow-mixed"), "{err}");
    membench_report::render_with(
        &results,
        &dir,
        membench_report::render::Options { allow_mixed: true },
    )
    .unwrap();
    let r = read_pages(&dir);
    for (file, md) in std::iter::once(("REPORT.md", &r.report))
        .chain(r.pages.iter().map(|(f, md)| (f.as_str(), md)))
    {
        assert!(
            md.contains("**Not one clean reference run**")
                && md.contains("`abc123` (benches); `fe777762b606+dirty` (memory figures)"),
            "{file}: {md}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
    // One clean commit: no such line.
    let clean = render_pages(&fixture(100_000.0), "clean");
    assert!(!clean.report.contains("Not one clean reference run"));
}

/// Item 6: REPORT.md lists the matrix's runtimes without figures, and per runtime the cases
/// without a figure counted by why.
#[test]
fn the_summary_lists_what_has_no_figures_and_why() {
    let mut results = fixture(100_000.0);
    results.rows.push(not_measured(
        grow1_at(1, "wasmer-singlepass", "default", "defined-max"),
        FailureKind::Unsupported,
        "wasmer-singlepass refuses simd128",
    ));
    results.rows.sort_by(|a, b| a.id.cmp(&b.id));
    let r = render_pages(&results, "no-figures");
    let part = section(&r.report, "## What this run has no figures for");
    assert!(
        part.contains("- wasmer-singlepass: 1 case without a figure: 1 unsupported by the engine."),
        "{part}"
    );
    assert!(
        part.contains(
            "- wasmi-interpreter: 1 case without a figure: 1 not measured (no estimate)."
        ),
        "{part}"
    );
    let absent = part
        .lines()
        .find(|l| l.starts_with("- Not in this run at all"))
        .unwrap_or_else(|| panic!("{part}"));
    for id in ["stitch-interpreter", "tinywasm-interpreter", "node-v8"] {
        assert!(absent.contains(id), "{absent}");
    }
    assert!(!absent.contains(WASMTIME), "{absent}");
}

/// A runtime none of whose fragmentation cases has a figure gets no chart (an axis over nothing),
/// and the page says so beside its table of causes; a runtime with figures keeps its chart.
#[test]
fn a_runtime_whose_every_fragmentation_case_failed_gets_a_sentence_not_an_empty_chart() {
    let mut results = fixture(100_000.0);
    let cause = "stitch traps: a page grown in a callee traps in its caller";
    results.fragmentation.extend([
        frag(WASMTIME, "bump", "sawtooth", 2 << 20, 1 << 20),
        FragRecord {
            figures: None,
            failure: Some(cause.into()),
            failure_kind: Some(membench_data::record::FailureKind::Failed),
            ..frag("stitch-interpreter", "bump", "sawtooth", 0, 0)
        },
    ]);
    let dir = out_dir("all-failed");
    render(&results, &dir).unwrap();
    let r = read_pages(&dir);
    let stitch = section(r.page("wasted.md"), "## stitch-interpreter");
    assert!(
        stitch.contains("No case of stitch-interpreter has a figure, so no chart is drawn")
            && stitch.contains(cause)
            && !stitch.contains("!["),
        "{stitch}"
    );
    assert!(!dir.join("charts/wasted-stitch-interpreter.png").exists());
    assert!(dir.join(format!("charts/wasted-{WASMTIME}.png")).exists());
    std::fs::remove_dir_all(dir).unwrap();
}
