//! Turns a collected run into the published report: charts (SVG + PNG), `REPORT.md` with tables and
//! findings computed from the same numbers, `SUMMARY.md` (the headline table and findings as
//! generated sentences), and `results.csv`. Rendering reads only the `Results` it is given, so
//! re-rendering committed results reproduces the files.
//!
//! Rows are grouped by their typed identity ([`CaseKey`]); an id is shown, never parsed. Every
//! comparison (× native, faster/slower, with/without a maximum) comes from
//! [`crate::stats::compare`], with its bootstrap interval.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use membench::case::{size_id, CaseKey, Family, GuestBuild};
use membench::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use membench::grow::GrowPattern;
use membench::module::MemoryDecl;
use membench::record::{FailureKind, RunStamp};

use crate::charts::{self, Axis, Chart, DotPanel, DotRow, Frame, Line, Mark, Shape, Unit};
use crate::collect::{Reason, Results, Row, Source};
use crate::stats::{self, Comparison, Verdict};

/// The native baseline's memory variant: a host buffer.
const NATIVE_VARIANT: &str = "host-buffer";
const PAGE: u64 = 65536;

fn variant(maximum: MaxDecl) -> String {
    MemoryVariant::new(MemoryDecl::Defined, maximum).id()
}

/// `defined-max`, the variant the runtimes are compared in.
fn max() -> String {
    variant(MaxDecl::Exact)
}

fn nomax() -> String {
    variant(MaxDecl::None)
}

fn max4g() -> String {
    variant(MaxDecl::Large)
}

fn is_native(k: &CaseKey) -> bool {
    k.variant == NATIVE_VARIANT
}

/// The variant each runtime is compared in: `defined-max`, or native's host buffer.
fn main_variant(k: &CaseKey) -> bool {
    is_native(k) || k.variant == max()
}

/// Every contiguous pattern by the name keys carry: lets first-touch patterns be matched to
/// their warm counterpart through the typed pattern, not by cutting strings.
fn patterns() -> BTreeMap<String, Pattern> {
    let mut out = BTreeMap::new();
    for kernel in Kernel::ALL {
        for width in Width::ALL {
            for touch in [Touch::Warm, Touch::FirstTouch] {
                let p = Pattern {
                    kernel,
                    width,
                    touch,
                };
                out.insert(p.to_string(), p);
            }
        }
    }
    out
}

fn grow1_at() -> &'static str {
    GrowPattern::Grow1At(0).name()
}

fn host_grow1_at() -> &'static str {
    GrowPattern::HostGrow1At(0).name()
}

/// `imported-max`: the unshared twin of [`imported_shared_max`].
fn imported_max() -> String {
    MemoryVariant::new(MemoryDecl::Imported, MaxDecl::Exact).id()
}

/// `imported-shared-max`: `new WebAssembly.Memory({initial, maximum, shared: true})`, imported.
fn imported_shared_max() -> String {
    MemoryVariant::imported_shared(MaxDecl::Exact).id()
}

/// How comparisons are taken.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Measure {
    /// Time per iteration.
    Time,
    /// Time per byte (throughput, inverted).
    PerByte,
}

/// The results with their keyed rows and a cache of comparisons (each is a bootstrap).
struct Ctx<'a> {
    results: &'a Results,
    rows: Vec<(&'a CaseKey, &'a Row)>,
    patterns: BTreeMap<String, Pattern>,
    cache: RefCell<HashMap<(usize, usize, Measure), Option<Comparison>>>,
}

impl<'a> Ctx<'a> {
    fn new(results: &'a Results) -> Self {
        Self {
            results,
            rows: results.keyed().collect(),
            patterns: patterns(),
            cache: RefCell::new(HashMap::new()),
        }
    }

    fn family(&self, family: Family) -> Vec<(&'a CaseKey, &'a Row)> {
        self.rows
            .iter()
            .filter(|(k, _)| k.family == family)
            .copied()
            .collect()
    }

    fn find(&self, pred: impl Fn(&CaseKey) -> bool) -> Option<&'a Row> {
        self.rows.iter().find(|(k, _)| pred(k)).map(|(_, r)| *r)
    }

    fn is_first_touch(&self, k: &CaseKey) -> bool {
        k.family == Family::Contiguous
            && self
                .patterns
                .get(&k.pattern)
                .is_some_and(|p| p.touch == Touch::FirstTouch)
    }

    /// The warm pattern of a first-touch one.
    fn warm_of(&self, pattern: &str) -> Option<String> {
        let p = self.patterns.get(pattern)?;
        Some(
            Pattern {
                touch: Touch::Warm,
                ..*p
            }
            .to_string(),
        )
    }

    /// A's time (per iteration or per byte) ÷ B's, bootstrapped over both cases' samples.
    fn compare(&self, a: &Row, b: &Row, measure: Measure) -> Option<Comparison> {
        let key = (a as *const Row as usize, b as *const Row as usize, measure);
        if let Some(c) = self.cache.borrow().get(&key) {
            return *c;
        }
        let c = match measure {
            Measure::Time => stats::compare(&a.per_iteration_ns()?, &b.per_iteration_ns()?),
            Measure::PerByte => stats::compare(&a.ns_per_byte()?, &b.ns_per_byte()?),
        };
        self.cache.borrow_mut().insert(key, c);
        c
    }

    /// Throughput of `a` ÷ throughput of `b` (so > 1 is faster), with the interval; the verdict
    /// says whether `a` is faster than `b`.
    fn throughput_ratio(&self, a: &Row, b: &Row) -> Option<Comparison> {
        self.compare(a, b, Measure::PerByte).map(|c| Comparison {
            verdict: c.verdict,
            ..c.inverse()
        })
    }

    /// The native case of the same pattern, size and build (native's default strategy).
    fn native_of(&self, k: &CaseKey) -> Option<&'a Row> {
        self.find(|n| {
            is_native(n)
                && n.strategy.default
                && n.family == k.family
                && n.pattern == k.pattern
                && n.size_bytes == k.size_bytes
                && n.build == k.build
        })
    }

    /// Throughput ÷ native's of the same pattern, size and build.
    fn vs_native(&self, k: &CaseKey, row: &Row) -> Option<Comparison> {
        let native = self.native_of(k)?;
        if std::ptr::eq(native, row) {
            return None;
        }
        self.throughput_ratio(row, native)
    }

    /// Run stamps of `rows`.
    fn stamps(rows: &[(&'a CaseKey, &'a Row)]) -> Vec<&'a RunStamp> {
        rows.iter().filter_map(|(_, r)| r.run()).collect()
    }
}

/// The run(s) behind some figures, in one sentence: id, commit, start, machine.
fn run_line(stamps: &[&RunStamp]) -> String {
    if stamps.is_empty() {
        return "These figures carry no run stamp.".into();
    }
    // One entry per distinct run × commit × machine, with the span of its processes' starts.
    let mut runs: BTreeMap<(String, String, String), (String, String)> = BTreeMap::new();
    let mut machines: BTreeMap<String, &RunStamp> = BTreeMap::new();
    for s in stamps {
        let m = machine_line(s);
        machines.insert(m.clone(), s);
        let e = runs
            .entry((s.id.clone(), s.commit.clone(), m))
            .or_insert_with(|| (s.started.clone(), s.started.clone()));
        if s.started < e.0 {
            e.0 = s.started.clone();
        }
        if s.started > e.1 {
            e.1 = s.started.clone();
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|((id, commit, machine), (first, last))| {
            let started = if first == last {
                format!("started {first}")
            } else {
                format!("its processes started {first} – {last}")
            };
            format!("run `{id}` at commit `{commit}`, {started}, on {machine}")
        })
        .collect();
    let head = if parts.len() == 1 {
        "Measured in one run"
    } else {
        "Measured in several runs"
    };
    format!("{head}: {}.", parts.join("; "))
}

fn machine_line(s: &RunStamp) -> String {
    let m = &s.machine;
    format!(
        "{} ({} logical cores; {}; {} memory; kernel {})",
        m.cpu,
        m.cores,
        m.caches.join(", "),
        charts::bytes(m.memory_bytes as f64),
        m.kernel
    )
}

/// A chart's footer: the run(s) its figures come from.
fn footer(stamps: &[&RunStamp]) -> String {
    let ids: BTreeSet<&str> = stamps.iter().map(|s| s.id.as_str()).collect();
    let commits: BTreeSet<&str> = stamps.iter().map(|s| s.commit.as_str()).collect();
    let started = stamps
        .iter()
        .map(|s| s.started.as_str())
        .min()
        .unwrap_or("?");
    let machine = stamps.first().map_or_else(String::new, |s| {
        format!(
            "{} · {} cores · {}",
            s.machine.cpu,
            s.machine.cores,
            charts::bytes(s.machine.memory_bytes as f64)
        )
    });
    format!(
        "run {} · commit {} · started {started} · {machine}",
        ids.into_iter().collect::<Vec<_>>().join(", "),
        commits.into_iter().collect::<Vec<_>>().join(", "),
    )
}

/// Renders everything into `out` (`reports/`).
pub fn render(results: &Results, out: &Path) -> Result<()> {
    let charts_dir = out.join("charts");
    std::fs::create_dir_all(&charts_dir)
        .with_context(|| format!("creating {}", charts_dir.display()))?;
    // Charts of an earlier render that this one does not redraw would be stale: remove them.
    for entry in std::fs::read_dir(&charts_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "svg" || e == "png") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    let ctx = Ctx::new(results);
    let mut md = String::new();
    header(&ctx, &mut md);
    contiguous(&ctx, &charts_dir, &mut md)?;
    first_touch(&ctx, &mut md);
    grow(&ctx, &charts_dir, &mut md)?;
    instantiate(&ctx, &charts_dir, &mut md)?;
    wasted(results, &charts_dir, &mut md)?;
    seed_claims(&ctx, &mut md);
    spec_conformance(results, &mut md);
    without_figures(&ctx, &mut md);
    left_out(results, &mut md);
    std::fs::write(out.join("REPORT.md"), md).context("writing REPORT.md")?;
    std::fs::write(out.join("SUMMARY.md"), summary(&ctx)).context("writing SUMMARY.md")?;
    write_csv(&ctx, &out.join("results.csv"))?;
    Ok(())
}

fn header(ctx: &Ctx, md: &mut String) {
    let results = ctx.results;
    let e = &results.environment;
    let _ = writeln!(md, "# wasm-memory-bench report\n");
    let _ = writeln!(
        md,
        "The headline table and findings, as generated sentences: [SUMMARY.md](SUMMARY.md). Raw \
         data: [results.json](results.json) (with criterion's samples), \
         [results.csv](results.csv).\n"
    );
    let _ = writeln!(
        md,
        "Each section names the run its figures come from (commit, start, machine). Times are \
         criterion's estimates with criterion's {:.0} % confidence interval. Every comparison (× \
         native, first touch ÷ warm, with against without a maximum, one strategy against \
         another) is the ratio of the two cases' mean times per iteration, with a {:.0} % \
         bootstrap interval ({} resamples of both cases' samples), and says faster or slower only \
         when that interval excludes 1; otherwise it says no difference.\n",
        results
            .rows
            .iter()
            .find_map(|r| r.estimate)
            .map_or(95.0, |e| e.confidence * 100.0),
        stats::CONFIDENCE * 100.0,
        stats::RESAMPLES
    );
    let _ = writeln!(md, "## Runs\n");
    let benches: Vec<&RunStamp> = results.rows.iter().filter_map(Row::run).collect();
    let _ = writeln!(
        md,
        "- Benches (`cargo bench`, timed by criterion): {} ({} cases collected{})",
        run_line(&benches),
        results.rows.len(),
        match results.left_out.len() {
            0 => String::new(),
            n => format!(
                "; {n} found on disk were left out, see [Left out](#left-out-of-this-collection)"
            ),
        }
    );
    let _ = writeln!(
        md,
        "- Memory figures (`membench measure`): {}",
        fragmentation_line(results)
    );
    let _ = writeln!(
        md,
        "- Verdicts (`membench verify`): {}\n",
        verify_line(results)
    );
    let _ = writeln!(
        md,
        "## Where the results were collected\n\n| | |\n|---|---|"
    );
    let _ = writeln!(md, "| CPU | {} ({} logical cores) |", e.cpu, e.cores);
    let _ = writeln!(md, "| Caches | {} |", e.caches.join(", "));
    let _ = writeln!(md, "| Memory | {} |", charts::bytes(e.memory_bytes as f64));
    let _ = writeln!(md, "| Kernel | {} |", e.kernel);
    let _ = writeln!(md, "| rustc (host and wasm32 guests) | {} |", e.rustc);
    for (k, v) in &e.versions {
        let _ = writeln!(md, "| {k} | {v} |");
    }
    let _ = writeln!(md, "| Commit | {} |", e.commit);
    let _ = writeln!(md, "| Collected | {} |\n", e.date);
}

fn fragmentation_line(results: &Results) -> String {
    if results.fragmentation.is_empty() {
        return "not in these results.".into();
    }
    match (
        &results.fragmentation_run,
        &results.fragmentation_environment,
    ) {
        (Some(run), _) => run_line(&[run]),
        (None, Some(e)) => format!(
            "no run stamp; written at commit `{}` on {} ({}, {} logical cores).",
            e.commit, e.date, e.cpu, e.cores
        ),
        (None, None) => "no run stamp, and no environment beside the figures.".into(),
    }
}

fn verify_line(results: &Results) -> String {
    if results.verify.is_empty() {
        return "not in these results.".into();
    }
    match (&results.verify_run, &results.verify_environment) {
        (Some(run), _) => run_line(&[run]),
        (None, Some(e)) => format!(
            "no run stamp; added to these results at commit `{}` on {} ({}, {} logical cores).",
            e.commit, e.date, e.cpu, e.cores
        ),
        (None, None) => format!(
            "no run stamp; collected with the benches at commit `{}` on {}.",
            results.environment.commit, results.environment.date
        ),
    }
}

/// Why a row has no figure, in a word.
fn status(row: &Row) -> &'static str {
    match (row.estimate, row.failure_kind()) {
        (_, Some(FailureKind::Failed)) => "failed",
        (_, Some(FailureKind::Unsupported)) => "unsupported",
        (_, Some(FailureKind::Finding)) => "finding",
        (_, Some(FailureKind::NotInstalled)) => "not installed",
        (Some(_), None) => "measured",
        (None, None) => "missing",
    }
}

/// `1.055 µs [1.034 µs – 1.073 µs]`, or why there is none.
fn ci(row: &Row) -> String {
    match row.estimate.filter(|_| row.failure.is_none()) {
        Some(e) => format!(
            "{} [{} – {}]",
            charts::time(e.point_ns),
            charts::time(e.lower_ns),
            charts::time(e.upper_ns)
        ),
        None => status(row).into(),
    }
}

fn throughput(row: &Row) -> String {
    match row.throughput().filter(|_| row.failure.is_none()) {
        Some(t) => charts::bytes_per_second(t),
        None => "–".into(),
    }
}

/// `0.512× [0.498–0.527]` or `–`.
fn ratio_cell(c: Option<Comparison>) -> String {
    c.map_or("–".into(), |c| c.label())
}

/// A throughput comparison in words: above, below or no different from the reference.
fn throughput_verdict(c: Option<Comparison>, reference: &str) -> String {
    match c.map(|c| c.verdict) {
        Some(Verdict::Faster) => format!("faster than {reference}"),
        Some(Verdict::Slower) => format!("slower than {reference}"),
        Some(Verdict::NoDifference) => format!("no difference from {reference}"),
        None => "–".into(),
    }
}

/// The size as a heading shows it (`1MiB`), from the key.
fn size_heading(bytes: u64) -> String {
    size_id(bytes)
}

/// A ratio's row: the dot with its interval, and the ratio and verdict written beside it.
fn dot_row(label: String, row: &Row, c: Option<Comparison>) -> DotRow {
    let marks = c
        .map(|c| {
            vec![Mark {
                value: c.ratio,
                interval: Some((c.lower, c.upper)),
                shape: Shape::Dot,
            }]
        })
        .unwrap_or_default();
    let note = match (c, status(row)) {
        (Some(c), _) => format!("{}× {}", stats::ratio_digits(c.ratio), c.verdict),
        (None, "measured") => "no samples".into(),
        (None, s) => s.into(),
    };
    DotRow {
        label,
        marks,
        span: None,
        note: Some(note),
        alert: c.is_none(),
    }
}

/// Contiguous throughput against native of the same pattern, size and build.
fn contiguous(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Contiguous access: load/store throughput against native\n"
    );
    let rows: Vec<(&CaseKey, &Row)> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| !ctx.is_first_touch(k))
        .collect();
    if rows.is_empty() {
        let _ = writeln!(md, "No contiguous results in this run.\n");
        return Ok(());
    }
    let stamps = Ctx::stamps(&rows);
    let _ = writeln!(md, "{}\n", run_line(&stamps));
    let _ = writeln!(
        md,
        "Throughput of each runtime divided by native's for the same pattern, working set and \
         guest build (scalar wasm against the scalar native copy, `simd128` wasm against the \
         vectorised native build), warm memory. The runtimes' memory is declared with an exact \
         maximum (`defined-max`); native is the same guest source over a host buffer. Dots: the \
         ratio; whiskers: its 95 % bootstrap interval over both cases' samples; the line: native \
         (1×).\n"
    );
    let main: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, _)| k.strategy.default && main_variant(k))
        .copied()
        .collect();
    let groups: BTreeSet<(u64, GuestBuild)> =
        main.iter().map(|(k, _)| (k.size_bytes, k.build)).collect();
    for (size, build) in groups {
        let size_name = size_heading(size);
        let name = match build {
            GuestBuild::Scalar => format!("contiguous-{size_name}"),
            other => format!("contiguous-{size_name}-{other}"),
        };
        let in_group: Vec<(&CaseKey, &Row)> = main
            .iter()
            .filter(|(k, _)| k.size_bytes == size && k.build == build)
            .copied()
            .collect();
        let pattern_names: BTreeSet<&str> =
            in_group.iter().map(|(k, _)| k.pattern.as_str()).collect();
        let _ = writeln!(
            md,
            "### {size_name}, {build} build\n\n![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
        let _ = writeln!(
            md,
            "| pattern | runtime | time per call | throughput | throughput ÷ native's [95 % interval] | |\n|---|---|---|---|---|---|"
        );
        let mut panels = Vec::new();
        let mut found: Vec<(String, String, Comparison)> = Vec::new();
        for pattern in &pattern_names {
            let mut dots = Vec::new();
            let mut of_pattern: Vec<(&CaseKey, &Row)> = in_group
                .iter()
                .filter(|(k, _)| k.pattern == *pattern)
                .copied()
                .collect();
            of_pattern.sort_by_key(|(k, _)| (!is_native(k), k.runtime_label()));
            for (k, row) in &of_pattern {
                let c = ctx.vs_native(k, row);
                let cell = if is_native(k) {
                    "1 (reference)".to_string()
                } else {
                    ratio_cell(c)
                };
                let _ = writeln!(
                    md,
                    "| {pattern} | {} | {} | {} | {cell} | {} |",
                    k.runtime_label(),
                    ci(row),
                    throughput(row),
                    if is_native(k) {
                        String::new()
                    } else {
                        throughput_verdict(c, "native")
                    }
                );
                if !is_native(k) {
                    let mut dot = dot_row(k.runtime_label(), row, c);
                    if c.is_none() && status(row) == "measured" && ctx.native_of(k).is_none() {
                        dot.note = Some("no native case".into());
                    }
                    dots.push(dot);
                    if let Some(c) = c {
                        found.push((pattern.to_string(), k.runtime_label(), c));
                    }
                }
            }
            panels.push(DotPanel {
                title: pattern.to_string(),
                rows: dots,
            });
        }
        let _ = writeln!(md);
        for pattern in ["seq-read-i64", "random-read-i64", "seq-write-i64"] {
            let mut of: Vec<&(String, String, Comparison)> =
                found.iter().filter(|f| f.0 == pattern).collect();
            of.sort_by(|a, b| b.2.ratio.total_cmp(&a.2.ratio));
            if let (Some(best), Some(worst)) = (of.first(), of.last()) {
                let _ = writeln!(
                    md,
                    "- **{pattern}, {size_name}, {build}**: fastest {} at {} native's throughput, \
                     slowest {} at {}.",
                    best.1,
                    best.2.label(),
                    worst.1,
                    worst.2.label(),
                );
            }
        }
        let _ = writeln!(md);
        let height = 140 + 34 * panels.len().div_ceil(2) as u32 * 8;
        charts::write_both(
            dir,
            &name,
            (1400, height.max(600)),
            &Chart::Dots {
                frame: Frame {
                    title: format!(
                        "How close to native does each runtime load and store? (warm memory, {size_name} working set, {build} wasm vs {build} native)"
                    ),
                    footer: footer(&Ctx::stamps(&in_group)),
                },
                panels,
                cols: 2,
                axis: Axis {
                    label: format!(
                        "throughput ÷ native's ({build} build both sides; log scale)"
                    ),
                    unit: Unit::Ratio,
                },
                reference: Some((1.0, "native".into())),
                legend: Some(
                    "dot: ratio of mean times per byte; whisker: 95 % bootstrap interval over both cases' samples; line: native (1×)"
                        .into(),
                ),
            },
        )?;
    }
    variants_and_strategies(ctx, &rows, md);
    Ok(())
}

/// The contiguous cases in other memory variants and strategies, against the runtime's default
/// strategy in `defined-max`.
fn variants_and_strategies(ctx: &Ctx, rows: &[(&CaseKey, &Row)], md: &mut String) {
    let _ = writeln!(md, "### Memory variants and strategies\n");
    let _ = writeln!(
        md,
        "The same patterns under each declared-memory variant (`defined`/`imported`, without a \
         maximum, with an exact one, with 4 GiB) and each host strategy (`@<slug>`; the knobs are \
         in the table), against the same runtime's default strategy with `defined-max` (the time \
         ratio: below 1 is faster).\n"
    );
    let _ = writeln!(
        md,
        "| pattern | size | build | runtime @ strategy | knobs | variant | time per call | throughput | ÷ native's | time ÷ default, defined-max [95 % interval] | |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut others: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, _)| !(k.strategy.default && main_variant(k)))
        .copied()
        .collect();
    others.sort_by_key(|(k, _)| {
        (
            k.pattern.clone(),
            k.size_bytes,
            k.build,
            k.runtime.clone(),
            k.strategy.slug.clone(),
            k.variant.clone(),
        )
    });
    for (k, row) in others {
        let base = ctx.find(|b| {
            b.family == k.family
                && b.pattern == k.pattern
                && b.size_bytes == k.size_bytes
                && b.build == k.build
                && b.runtime == k.runtime
                && b.strategy.default
                && main_variant(b)
        });
        let c = base.and_then(|b| ctx.compare(row, b, Measure::PerByte));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | `{}` | {} | {} | {} | {} | {} | {} |",
            k.pattern,
            size_heading(k.size_bytes),
            k.build,
            k.runtime_label(),
            k.strategy.knobs,
            k.variant,
            ci(row),
            throughput(row),
            ratio_cell(ctx.vs_native(k, row)),
            ratio_cell(c),
            c.map_or(String::new(), |c| c.verdict.to_string()),
        );
    }
    let _ = writeln!(md);
}

/// First-touch throughput beside the warm one of the same case, and the runtimes that have none.
fn first_touch(ctx: &Ctx, md: &mut String) {
    let _ = writeln!(
        md,
        "## First touch: loads and stores into memory nothing has touched yet\n"
    );
    let mut rows: Vec<(&CaseKey, &Row)> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| ctx.is_first_touch(k))
        .collect();
    if rows.is_empty() {
        let _ = writeln!(md, "No first-touch results in this run.\n");
        return;
    }
    rows.sort_by_key(|(k, _)| {
        (
            k.size_bytes,
            k.pattern.clone(),
            k.build,
            !is_native(k),
            k.runtime_label(),
        )
    });
    let _ = writeln!(md, "{}\n", run_line(&Ctx::stamps(&rows)));
    let _ = writeln!(
        md,
        "Each first-touch call runs once over a fresh instance's working set, which was checked \
         (`/proc/<pid>/pagemap`, outside the timing) to be non-resident before the call. Beside it, the warm \
         figure of the same pattern, size, runtime, strategy, variant and build; the ratio is \
         first-touch throughput ÷ warm throughput.\n"
    );
    let _ = writeln!(
        md,
        "| pattern | size | runtime @ strategy | build | first-touch time per call | first-touch throughput | warm throughput | first touch ÷ warm [95 % interval] | resident before the call |\n|---|---|---|---|---|---|---|---|---|"
    );
    let mut findings = Vec::new();
    for (k, row) in &rows {
        if matches!(
            row.failure_kind(),
            Some(FailureKind::Finding | FailureKind::Unsupported)
        ) {
            findings.push((*k, *row));
        }
        let warm_pattern = ctx.warm_of(&k.pattern);
        let warm = ctx.find(|w| {
            Some(&w.pattern) == warm_pattern.as_ref()
                && w.family == k.family
                && w.size_bytes == k.size_bytes
                && w.runtime == k.runtime
                && w.strategy == k.strategy
                && w.variant == k.variant
                && w.build == k.build
        });
        let c = warm.and_then(|w| ctx.throughput_ratio(row, w));
        let resident = row
            .record
            .as_ref()
            .and_then(|r| r.first_touch)
            .map_or("–".into(), |f| {
                if f.untouched() {
                    format!(
                        "none of {} in {} instances",
                        charts::bytes(f.working_set_bytes as f64),
                        f.checked
                    )
                } else {
                    format!(
                        "up to {} of {} in {} instances",
                        charts::bytes(f.max_resident_before_bytes as f64),
                        charts::bytes(f.working_set_bytes as f64),
                        f.checked
                    )
                }
            });
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {resident} |",
            k.pattern,
            size_heading(k.size_bytes),
            k.runtime_label(),
            k.build,
            ci(row),
            throughput(row),
            warm.map_or("–".into(), throughput),
            match c {
                Some(c) => format!("{} ({})", c.label(), throughput_verdict(Some(c), "warm")),
                None => "–".into(),
            }
        );
    }
    let _ = writeln!(md);
    if !findings.is_empty() {
        let _ = writeln!(
            md,
            "No first-touch figure, and why (a finding: measuring it would publish a wrong \
             figure; unsupported: the engine refuses the case):\n"
        );
        for (k, row) in findings {
            let f = row.failure.as_ref();
            let _ = writeln!(
                md,
                "- **{}** ({}, {}, {}): {}: {}",
                k.runtime_label(),
                k.pattern,
                size_heading(k.size_bytes),
                k.build,
                f.map_or(FailureKind::Failed, |f| f.kind),
                f.map_or("", |f| f.cause.as_str())
            );
        }
        let _ = writeln!(md);
    }
}

/// A grow row's size note: `ran at 56 pages (capped from 4096)` for a capped case.
fn capped_note(k: &CaseKey, row: &Row) -> Option<String> {
    k.capped().then(|| {
        let cap = row
            .record
            .as_ref()
            .and_then(|r| r.capped_at_pages)
            .map_or(String::new(), |c| format!(", cap {c} pages"));
        format!(
            "ran at {} pages (capped from {}{cap})",
            k.ran_bytes / PAGE,
            k.size_bytes / PAGE
        )
    })
}

/// `ci` with the capped note.
fn grow_cell(k: &CaseKey, row: &Row) -> String {
    match capped_note(k, row) {
        Some(note) => format!("{} — {note}", ci(row)),
        None => ci(row),
    }
}

/// The grow family: cost of one grow against the memory's current size.
fn grow(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Grow: what one `memory.grow` costs, and whether a maximum helps\n"
    );
    let rows = ctx.family(Family::Grow);
    if rows.is_empty() {
        let _ = writeln!(md, "No grow results in this run.\n");
        return Ok(());
    }
    let _ = writeln!(md, "{}\n", run_line(&Ctx::stamps(&rows)));
    let at: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, _)| k.pattern == grow1_at() && (k.variant == max() || k.variant == nomax()))
        .copied()
        .collect();
    for (name, default) in [("grow-cost", true), ("grow-cost-strategies", false)] {
        let lines = grow_lines(
            at.iter()
                .filter(|(k, _)| k.strategy.default == default)
                .copied(),
        );
        let title = if default {
            "Does a grow get dearer as memory grows, and does a declared maximum help? (default strategies)"
        } else {
            "The same under each non-default host memory strategy"
        };
        let _ = writeln!(
            md,
            "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
        let in_chart: Vec<(&CaseKey, &Row)> = at
            .iter()
            .filter(|(k, _)| k.strategy.default == default)
            .copied()
            .collect();
        charts::write_both(
            dir,
            name,
            (1400, 900),
            &Chart::Lines {
                frame: Frame {
                    title: title.into(),
                    footer: footer(&Ctx::stamps(&in_chart)),
                },
                lines,
                x_axis: Axis {
                    label: "memory size before the grow, where the case ran (pages of 64 KiB, log); open circle: capped case".into(),
                    unit: Unit::Pages,
                },
                y_axis: Axis {
                    label: "time per grow(1) (log)".into(),
                    unit: Unit::Time,
                },
            },
        )?;
    }
    let _ = writeln!(
        md,
        "Solid: memory declared with an exact maximum; dashed: without a maximum. Each point is \
         drawn at the size the case ran at; an open circle is a capped case (the strategy moves \
         memory on every grow, so the case ran smaller than listed), and cases capped to the same \
         size are drawn once.\n"
    );
    findings_grow(ctx, &at, md);
    let _ = writeln!(
        md,
        "| runtime @ strategy | grow(1) at 1 page, max | at 1 page, no max | at 4096 pages, max | at 4096 pages, no max | max ÷ no max at 4096 pages [95 % interval] |\n|---|---|---|---|---|---|"
    );
    let configs = configurations(rows.iter().map(|(k, _)| *k));
    for c in &configs {
        let get = |pages: u64, variant: &str| {
            at.iter()
                .find(|(k, _)| {
                    k.runtime == c.runtime
                        && k.strategy == c.strategy
                        && k.size_bytes == pages * PAGE
                        && k.variant == variant
                })
                .copied()
        };
        let cell = |pages: u64, variant: &str| {
            get(pages, variant).map_or("missing".into(), |(k, r)| grow_cell(k, r))
        };
        let verdict = match (get(4096, &max()), get(4096, &nomax())) {
            (Some((k, m)), Some((_, n))) => match ctx.compare(m, n, Measure::Time) {
                Some(cmp) => format!(
                    "{}, {}{}",
                    cmp.label(),
                    cmp.verdict,
                    if k.capped() {
                        format!(" (at {} pages, capped)", k.ran_bytes / PAGE)
                    } else {
                        String::new()
                    }
                ),
                None => "–".into(),
            },
            _ => "–".into(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {verdict} |",
            c.runtime_label(),
            cell(1, &max()),
            cell(1, &nomax()),
            cell(4096, &max()),
            cell(4096, &nomax()),
        );
    }
    host_and_shared_grows(ctx, &rows, md);
    let _ = writeln!(md, "\n### Every grow case\n\nTime is per grow; a capped case ran at a smaller size than listed because the strategy moves memory on every grow.\n");
    let _ = writeln!(
        md,
        "| pattern | listed pages | ran at (pages) | runtime @ strategy | variant | time per grow | grows per call | note |\n|---|---|---|---|---|---|---|---|"
    );
    let mut all = rows.clone();
    all.sort_by_key(|(k, _)| {
        (
            k.pattern.clone(),
            k.size_bytes,
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.variant.clone(),
        )
    });
    for (k, row) in all {
        let rec = row.record.as_ref();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            k.pattern,
            k.size_bytes / PAGE,
            k.ran_bytes / PAGE,
            k.runtime_label(),
            k.variant,
            ci(row),
            rec.and_then(|r| r.grows)
                .map_or("–".into(), |g| g.to_string()),
            capped_note(k, row).unwrap_or_default(),
        );
    }
    let _ = writeln!(md);
    Ok(())
}

/// A cell of the host/shared tables: the figure, or why there is none (an unsupported case with
/// the engine's refusal).
fn grow_or_why(found: Option<(&CaseKey, &Row)>) -> String {
    match found {
        None => "missing".into(),
        Some((k, r)) => match (&r.failure, r.estimate) {
            (Some(f), _) if f.kind == FailureKind::Unsupported => {
                format!("unsupported ({})", f.cause.replace('|', "/"))
            }
            _ => grow_cell(k, r),
        },
    }
}

/// `grow(1)` from the host next to `grow(1)` from the guest (the same 8 grows, through the
/// runtime's `Memory::grow` or JavaScript's `memory.grow(1)`), and on a shared memory next to the
/// same imported memory unshared, at 4096 pages (and 1 page for host against guest).
fn host_and_shared_grows(ctx: &Ctx, rows: &[(&CaseKey, &Row)], md: &mut String) {
    let find = |c: &CaseKey, pattern: &str, pages: u64, variant: &str| {
        rows.iter()
            .find(|(k, _)| {
                k.runtime == c.runtime
                    && k.strategy == c.strategy
                    && k.pattern == pattern
                    && k.size_bytes == pages * PAGE
                    && k.variant == variant
            })
            .copied()
    };
    let ratio = |a: Option<(&CaseKey, &Row)>, b: Option<(&CaseKey, &Row)>| match (a, b) {
        (Some((_, a)), Some((_, b))) => ctx
            .compare(a, b, Measure::Time)
            .map_or("–".into(), |c| format!("{}, {}", c.label(), c.verdict)),
        _ => "–".into(),
    };
    let host_configs: Vec<&CaseKey> = configurations(
        rows.iter()
            .filter(|(k, _)| k.pattern == host_grow1_at())
            .map(|(k, _)| *k),
    );
    if !host_configs.is_empty() {
        let _ = writeln!(
            md,
            "\n### `grow(1)` from the host next to `grow(1)` from the guest\n\n\
             The same {} grows of one page from the same size, made by the guest (`grow1-at`: \
             `memory.grow` in its loop) and by the host (`host-grow1-at`: the runtime's \
             `Memory::grow`, or `memory.grow(1)` from JavaScript, the loop timed by the engine's \
             own clock); time per grow, memory declared with an exact maximum. A ratio below 1 \
             means the host's grow is cheaper.\n",
            membench::grow::AT_GROWS
        );
        let _ = writeln!(
            md,
            "| runtime @ strategy | guest, at 1 page | host, at 1 page | guest, at 4096 pages | host, at 4096 pages | host ÷ guest at 4096 pages [95 % interval] |\n|---|---|---|---|---|---|"
        );
        for c in &host_configs {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                c.runtime_label(),
                grow_or_why(find(c, grow1_at(), 1, &max())),
                grow_or_why(find(c, host_grow1_at(), 1, &max())),
                grow_or_why(find(c, grow1_at(), 4096, &max())),
                grow_or_why(find(c, host_grow1_at(), 4096, &max())),
                ratio(
                    find(c, host_grow1_at(), 4096, &max()),
                    find(c, grow1_at(), 4096, &max())
                ),
            );
        }
    }
    let shared = imported_shared_max();
    let shared_configs: Vec<&CaseKey> = configurations(
        rows.iter()
            .filter(|(k, _)| k.variant == shared)
            .map(|(k, _)| *k),
    );
    if !shared_configs.is_empty() {
        let unshared = imported_max();
        let _ = writeln!(
            md,
            "\n### `grow(1)` on a shared memory\n\n\
             A memory the host creates and the guest imports, with an exact maximum, unshared \
             (`{unshared}`) and shared (`{shared}`: `new WebAssembly.Memory({{initial, maximum, \
             shared: true}})`), at 4096 pages; time per grow. A shared memory is never moved, and \
             V8 does not count it as external memory that may start a garbage collection when it \
             grows. A runtime that refuses shared memories shows its refusal.\n"
        );
        let _ = writeln!(
            md,
            "| runtime @ strategy | guest, unshared | guest, shared | shared ÷ unshared (guest) [95 % interval] | host, unshared | host, shared | shared ÷ unshared (host) [95 % interval] |\n|---|---|---|---|---|---|---|"
        );
        for c in &shared_configs {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                c.runtime_label(),
                grow_or_why(find(c, grow1_at(), 4096, &unshared)),
                grow_or_why(find(c, grow1_at(), 4096, &shared)),
                ratio(
                    find(c, grow1_at(), 4096, &shared),
                    find(c, grow1_at(), 4096, &unshared)
                ),
                grow_or_why(find(c, host_grow1_at(), 4096, &unshared)),
                grow_or_why(find(c, host_grow1_at(), 4096, &shared)),
                ratio(
                    find(c, host_grow1_at(), 4096, &shared),
                    find(c, host_grow1_at(), 4096, &unshared)
                ),
            );
        }
    }
}

/// The grow-cost chart's lines: one per runtime @ strategy × variant, each point at the size the
/// case ran (`key.ran_bytes`), hollow when capped, one point per
/// size (a case capped to a size another case of the line also ran at is not drawn twice).
pub fn grow_lines<'a>(rows: impl Iterator<Item = (&'a CaseKey, &'a Row)>) -> Vec<Line> {
    // (runtime @ strategy, variant) → ran bytes → the case drawn there.
    type Series<'a> = BTreeMap<(String, String), BTreeMap<u64, (&'a CaseKey, &'a Row)>>;
    let mut series: Series = BTreeMap::new();
    for (k, row) in rows {
        if row.estimate.is_none() || row.failure.is_some() {
            continue;
        }
        let line = series
            .entry((k.runtime_label(), k.variant.clone()))
            .or_default();
        // At one x, keep the case listed closest to where it ran.
        match line.get(&k.ran_bytes) {
            Some((held, _)) if held.size_bytes <= k.size_bytes => {}
            _ => {
                line.insert(k.ran_bytes, (k, row));
            }
        }
    }
    let labels: Vec<String> = series
        .keys()
        .map(|k| k.0.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    series
        .into_iter()
        .map(|((label, variant), points)| {
            let dashed = variant != max();
            Line {
                color: labels.iter().position(|l| *l == label).unwrap_or(0),
                label: format!(
                    "{label} ({})",
                    if dashed { "no max, dashed" } else { "max" }
                ),
                dashed,
                points: points
                    .into_values()
                    .filter_map(|(k, r)| {
                        let e = r.estimate?;
                        Some(charts::Point {
                            x: (k.ran_bytes / PAGE) as f64,
                            y: e.point_ns,
                            interval: (e.lower_ns, e.upper_ns),
                            hollow: k.capped(),
                        })
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Sentences from the grow table: the cheapest and dearest `grow(1)` at 4096 pages among cases
/// that ran there, the capped cases, and what a declared maximum changed (by the verdict).
fn findings_grow(ctx: &Ctx, at: &[(&CaseKey, &Row)], md: &mut String) {
    let measured = |pages: u64, variant: &str| -> Vec<(&CaseKey, &Row)> {
        at.iter()
            .filter(|(k, r)| {
                k.size_bytes == pages * PAGE
                    && k.variant == variant
                    && r.estimate.is_some()
                    && r.failure.is_none()
            })
            .copied()
            .collect()
    };
    let listed = measured(4096, &max());
    let mut ran: Vec<(&CaseKey, &Row)> = listed
        .iter()
        .filter(|(k, _)| !k.capped())
        .copied()
        .collect();
    ran.sort_by(|a, b| {
        let t = |r: &Row| r.estimate.map_or(f64::MAX, |e| e.point_ns);
        t(a.1).total_cmp(&t(b.1))
    });
    if let (Some(lo), Some(hi)) = (ran.first(), ran.last()) {
        let _ = writeln!(
            md,
            "- `grow(1)` at 4096 pages with a maximum, among the cases that ran there: cheapest {} ({}), dearest {} ({}).",
            lo.0.runtime_label(),
            ci(lo.1),
            hi.0.runtime_label(),
            ci(hi.1)
        );
    }
    let capped: Vec<String> = listed
        .iter()
        .filter(|(k, _)| k.capped())
        .map(|(k, r)| {
            format!(
                "{} {} ({})",
                k.runtime_label(),
                capped_note(k, r).unwrap_or_default(),
                ci(r)
            )
        })
        .collect();
    if !capped.is_empty() {
        let _ = writeln!(
            md,
            "- Listed at 4096 pages but capped, because the strategy moves memory on every grow: {}.",
            capped.join("; ")
        );
    }
    let (faster, slower, same) = max_vs_nomax(ctx, at, 4096);
    let names = |v: &[String]| {
        if v.is_empty() {
            String::new()
        } else {
            format!(" ({})", v.join(", "))
        }
    };
    let _ = writeln!(
        md,
        "- With a declared maximum, `grow(1)` at 4096 pages was faster in {} configurations{}, \
         slower in {}{}, and no different in {} (ratio of mean times with its 95 % bootstrap \
         interval; the table's last column).\n",
        faster.len(),
        names(&faster),
        slower.len(),
        names(&slower),
        same.len()
    );
}

/// Configurations where `grow(1)` at `pages` (as listed) was faster, slower or no different with
/// a maximum than without, by the verdict function.
fn max_vs_nomax(
    ctx: &Ctx,
    at: &[(&CaseKey, &Row)],
    pages: u64,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut faster, mut slower, mut same) = (Vec::new(), Vec::new(), Vec::new());
    for (k, m) in at
        .iter()
        .filter(|(k, _)| k.size_bytes == pages * PAGE && k.variant == max())
    {
        let n = at.iter().find(|(n, _)| {
            n.size_bytes == k.size_bytes
                && n.variant == nomax()
                && n.runtime == k.runtime
                && n.strategy == k.strategy
        });
        let Some(c) = n.and_then(|(_, n)| ctx.compare(m, n, Measure::Time)) else {
            continue;
        };
        let entry = if k.capped() {
            format!(
                "{} {} (ran at {} pages)",
                k.runtime_label(),
                c.label(),
                k.ran_bytes / PAGE
            )
        } else {
            format!("{} {}", k.runtime_label(), c.label())
        };
        match c.verdict {
            Verdict::Faster => faster.push(entry),
            Verdict::Slower => slower.push(entry),
            Verdict::NoDifference => same.push(entry),
        }
    }
    (faster, slower, same)
}

/// Instantiate time and the virtual address space one memory reserves, per strategy.
fn instantiate(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Instantiation and reserved address space per strategy\n"
    );
    let mut rows = ctx.family(Family::Instantiate);
    if rows.is_empty() {
        let _ = writeln!(md, "No instantiate results in this run.\n");
        return Ok(());
    }
    rows.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.variant.clone(),
        )
    });
    let stamps = Ctx::stamps(&rows);
    let _ = writeln!(md, "{}\n", run_line(&stamps));
    let timed: BTreeSet<&str> = rows
        .iter()
        .filter_map(|(_, r)| r.record.as_ref().map(|r| r.timed.as_str()))
        .collect();
    let _ = writeln!(
        md,
        "Each case instantiates a module linked before timing, with one 16-page memory; the \
         timed region is what each adapter names (the table's \"timed\" column: {}).\n",
        timed
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let time_rows: Vec<DotRow> = rows
        .iter()
        .filter(|(k, _)| k.variant == max())
        .map(|(k, r)| {
            let e = r.estimate.filter(|_| r.failure.is_none());
            DotRow {
                label: k.runtime_label(),
                marks: e
                    .map(|e| {
                        vec![Mark {
                            value: e.point_ns,
                            interval: Some((e.lower_ns, e.upper_ns)),
                            shape: Shape::Dot,
                        }]
                    })
                    .unwrap_or_default(),
                span: None,
                note: Some(match e {
                    Some(e) => charts::time(e.point_ns),
                    None => status(r).into(),
                }),
                alert: e.is_none(),
            }
        })
        .collect();
    let mut reserve_panels = Vec::new();
    for variant in [nomax(), max(), max4g()] {
        reserve_panels.push(DotPanel {
            title: format!("virtual address space one 16-page memory adds ({variant})"),
            rows: rows
                .iter()
                .filter(|(k, _)| k.variant == variant)
                .map(|(k, r)| {
                    let v = r.record.as_ref().and_then(|r| r.footprint);
                    DotRow {
                        label: k.runtime_label(),
                        marks: v
                            .filter(|f| f.reserved_virtual_bytes > 0)
                            .map(|f| {
                                vec![Mark {
                                    value: f.reserved_virtual_bytes as f64,
                                    interval: None,
                                    shape: Shape::Dot,
                                }]
                            })
                            .unwrap_or_default(),
                        span: None,
                        note: Some(v.map_or(status(r).into(), |f| {
                            let b = charts::bytes(f.reserved_virtual_bytes as f64);
                            match f.reserved_basis {
                                _ if f.reserved_virtual_bytes == 0 => {
                                    format!("{b} (not on a log axis)")
                                }
                                membench::procfs::ReservedBasis::Mappings => b,
                                basis => format!("≥ {b} ({})", basis.label()),
                            }
                        })),
                        alert: v.is_none(),
                    }
                })
                .collect(),
        });
    }
    let n = time_rows.len() as u32;
    charts::write_both(
        dir,
        "instantiate",
        (1400, 220 + 28 * n),
        &Chart::Dots {
            frame: Frame {
                title: "How long does instantiating a 16-page memory take under each strategy?"
                    .into(),
                footer: footer(&stamps),
            },
            panels: vec![DotPanel {
                title: "instantiate, pre-linked module (defined-max)".into(),
                rows: time_rows,
            }],
            cols: 1,
            axis: Axis {
                label: "time per instantiation (log)".into(),
                unit: Unit::Time,
            },
            reference: None,
            legend: Some("dot: criterion's estimate; whisker: its 95 % confidence interval".into()),
        },
    )?;
    charts::write_both(
        dir,
        "reserved",
        (1400, 220 + 3 * 28 * n),
        &Chart::Dots {
            frame: Frame {
                title:
                    "How much address space does one memory reserve, with and without a maximum?"
                        .into(),
                footer: footer(&stamps),
            },
            panels: reserve_panels,
            cols: 1,
            axis: Axis {
                label: "VmSize growth across one instantiation (log)".into(),
                unit: Unit::Bytes,
            },
            reference: None,
            legend: None,
        },
    )?;
    let _ = writeln!(
        md,
        "![instantiate](charts/instantiate.png) ([SVG](charts/instantiate.svg))\n"
    );
    for line in instantiate_findings(ctx, &rows) {
        let _ = writeln!(md, "- {line}");
    }
    let _ = writeln!(
        md,
        "\n![reserved](charts/reserved.png) ([SVG](charts/reserved.svg))\n"
    );
    let _ = writeln!(
        md,
        "| runtime @ strategy | variant | timed | time per instantiation | virtual reserved | resident added | time ÷ the runtime's default strategy [95 % interval] |\n|---|---|---|---|---|---|---|"
    );
    for (k, row) in &rows {
        let f = row.record.as_ref().and_then(|r| r.footprint);
        let vs_default = default_strategy_of(ctx, k)
            .filter(|d| !std::ptr::eq(*d, *row))
            .and_then(|d| ctx.compare(row, d, Measure::Time))
            .map_or("–".into(), |c| format!("{}, {}", c.label(), c.verdict));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {vs_default} |",
            k.runtime_label(),
            k.variant,
            row.record.as_ref().map_or("–", |r| r.timed.as_str()),
            ci(row),
            f.map_or("–".into(), |f| charts::bytes(
                f.reserved_virtual_bytes as f64
            )),
            f.map_or("–".into(), |f| charts::bytes(f.resident_bytes as f64)),
        );
    }
    let _ = writeln!(md);
    Ok(())
}

/// The same case under the runtime's default strategy.
fn default_strategy_of<'a>(ctx: &Ctx<'a>, k: &CaseKey) -> Option<&'a Row> {
    ctx.find(|d| {
        d.family == k.family
            && d.pattern == k.pattern
            && d.size_bytes == k.size_bytes
            && d.runtime == k.runtime
            && d.variant == k.variant
            && d.build == k.build
            && d.strategy.default
    })
}

/// The fastest and slowest instantiation, and every strategy that changes it (by the verdict).
fn instantiate_findings(ctx: &Ctx, rows: &[(&CaseKey, &Row)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut times: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, r)| {
            k.variant == max() && !is_native(k) && r.estimate.is_some() && r.failure.is_none()
        })
        .copied()
        .collect();
    times.sort_by(|a, b| {
        let t = |r: &Row| r.estimate.map_or(f64::MAX, |e| e.point_ns);
        t(a.1).total_cmp(&t(b.1))
    });
    if let (Some(lo), Some(hi)) = (times.first(), times.last()) {
        let c = ctx.compare(hi.1, lo.1, Measure::Time);
        out.push(format!(
            "Fastest instantiation of a 16-page memory (`defined-max`): {} ({}); slowest: {} ({}), {} the time{}.",
            lo.0.runtime_label(),
            ci(lo.1),
            hi.0.runtime_label(),
            ci(hi.1),
            ratio_cell(c),
            c.map_or(String::new(), |c| format!(", {}", c.verdict)),
        ));
    }
    for (k, row) in rows
        .iter()
        .filter(|(k, _)| k.variant == max() && !k.strategy.default)
    {
        let Some(d) = default_strategy_of(ctx, k) else {
            continue;
        };
        if let Some(c) = ctx.compare(row, d, Measure::Time) {
            out.push(format!(
                "{} instantiates in {} against {} under the default strategy: {} the time, {}.",
                k.runtime_label(),
                charts::time(row.estimate.map_or(f64::NAN, |e| e.point_ns)),
                charts::time(d.estimate.map_or(f64::NAN, |e| e.point_ns)),
                c.label(),
                c.verdict
            ));
        }
    }
    out
}

/// Wasted memory per allocator × workload: live inside linear memory, resident and reserved.
fn wasted(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Wasted memory: what linear memory grew to against what the guest held\n"
    );
    let records = &results.fragmentation;
    if records.is_empty() {
        let _ = writeln!(
            md,
            "No fragmentation figures in this run (`membench measure --family fragmentation`).\n"
        );
        return Ok(());
    }
    let _ = writeln!(md, "{}\n", fragmentation_line(results));
    let _ = writeln!(
        md,
        "For each workload and allocator: the guest's own peak live bytes (dark square), the \
         linear memory after the workload (`memory.size` × 64 KiB, dot; the line between them is \
         the waste) and what is resident (`/proc/<pid>/pagemap`, red tick), on a log axis. Reserved address \
         space is in the table. Memory never shrinks, so the end size is the peak size.\n"
    );
    let footer = match (
        &results.fragmentation_run,
        &results.fragmentation_environment,
    ) {
        (Some(run), _) => self::footer(&[run]),
        (None, Some(e)) => format!(
            "no run stamp · commit {} · {} · {} · {} cores",
            e.commit, e.date, e.cpu, e.cores
        ),
        (None, None) => "no run stamp".into(),
    };
    let runtimes: BTreeSet<&str> = records.iter().map(|r| r.runtime.as_str()).collect();
    for rt in &runtimes {
        let rows: Vec<DotRow> = records
            .iter()
            .filter(|r| r.runtime == *rt)
            .map(|r| {
                let f = r.figures.as_ref();
                let mut marks = Vec::new();
                if let Some(f) = f {
                    if let Some(live) = f.peak_live_bytes {
                        marks.push(Mark {
                            value: live as f64,
                            interval: None,
                            shape: Shape::Square,
                        });
                    }
                    marks.push(Mark {
                        value: f.linear_bytes as f64,
                        interval: None,
                        shape: Shape::Dot,
                    });
                    if let Some(resident) = f.resident_bytes {
                        marks.push(Mark {
                            value: resident as f64,
                            interval: None,
                            shape: Shape::Tick,
                        });
                    }
                }
                DotRow {
                    label: format!("{} / {}", r.workload, r.allocator),
                    span: f.and_then(|f| Some((f.peak_live_bytes? as f64, f.linear_bytes as f64))),
                    note: Some(match f {
                        Some(f) => format!(
                            "waste {}",
                            f.waste_bytes
                                .map_or("–".into(), |w| charts::bytes(w as f64))
                        ),
                        None => "failed".into(),
                    }),
                    alert: f.is_none(),
                    marks,
                }
            })
            .collect();
        let name = format!("wasted-{rt}");
        let n = rows.len() as u32;
        charts::write_both(
            dir,
            &name,
            (1400, 180 + 26 * n),
            &Chart::Dots {
                frame: Frame {
                    title: format!(
                        "How much memory does each allocator make the guest hold on to? ({rt})"
                    ),
                    footer: footer.clone(),
                },
                panels: vec![DotPanel {
                    title: "peak live (square) → linear memory (dot); resident (red tick)".into(),
                    rows,
                }],
                cols: 1,
                axis: Axis {
                    label: "bytes (log)".into(),
                    unit: Unit::Bytes,
                },
                reference: None,
                legend: None,
            },
        )?;
        let _ = writeln!(
            md,
            "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
    }
    // Findings: waste per allocator on sawtooth and mixed, over every runtime.
    for workload in ["sawtooth", "mixed"] {
        let mut per: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
        for r in records.iter().filter(|r| r.workload == workload) {
            if let Some(w) = r.figures.as_ref().and_then(|f| f.waste_bytes) {
                per.entry(r.allocator.as_str()).or_default().insert(w);
            }
        }
        let parts: Vec<String> = per
            .iter()
            .map(|(a, w)| match (w.first(), w.last()) {
                (Some(lo), Some(hi)) if lo == hi => format!("{a} {}", charts::bytes(*lo as f64)),
                (Some(lo), Some(hi)) => format!(
                    "{a} {}–{}",
                    charts::bytes(*lo as f64),
                    charts::bytes(*hi as f64)
                ),
                _ => format!("{a} –"),
            })
            .collect();
        let _ = writeln!(
            md,
            "- **{workload}** waste (linear − peak live): {}.",
            parts.join(", ")
        );
    }
    let _ = writeln!(md, "\n| runtime | workload | allocator | linear | peak live | waste | resident | reserved | resident/live |\n|---|---|---|---|---|---|---|---|---|");
    for r in records {
        let b = |v: Option<u64>| v.map_or("–".into(), |v| charts::bytes(v as f64));
        match &r.figures {
            Some(f) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.runtime,
                    r.workload,
                    r.allocator,
                    b(Some(f.linear_bytes)),
                    b(f.peak_live_bytes),
                    b(f.waste_bytes),
                    b(f.resident_bytes),
                    b(Some(f.reserved_virtual_bytes)),
                    f.resident_per_live
                        .map_or("–".into(), |v| format!("{v:.2}")),
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | failed: {} | | | | | |",
                    r.runtime,
                    r.workload,
                    r.allocator,
                    r.failure.as_deref().unwrap_or("unknown")
                );
            }
        }
    }
    let _ = writeln!(md);
    Ok(())
}

/// The outcome of "a maximum makes grow(1) at 4096 pages cheaper" for one configuration.
fn cheaper_with_max(ctx: &Ctx, grow: &[(&CaseKey, &Row)], config: &CaseKey) -> String {
    let get = |variant: &str| {
        grow.iter()
            .find(|(k, _)| {
                k.pattern == grow1_at()
                    && k.size_bytes == 4096 * PAGE
                    && k.runtime == config.runtime
                    && k.strategy == config.strategy
                    && k.variant == variant
            })
            .copied()
    };
    let (Some((k, m)), Some((_, n))) = (get(&max()), get(&nomax())) else {
        return "not measured".into();
    };
    let Some(c) = ctx.compare(m, n, Measure::Time) else {
        return format!(
            "not measured (with max: {}, without: {})",
            status(m),
            status(n)
        );
    };
    let time = |r: &Row| charts::time(r.estimate.map_or(f64::NAN, |e| e.point_ns));
    format!(
        "{}: {} with a maximum, {} ({} with, {} without){}",
        if c.verdict == Verdict::Faster {
            "held"
        } else {
            "did not hold"
        },
        c.verdict,
        c.label(),
        time(m),
        time(n),
        capped_note(k, m)
            .map(|n| format!("; {n}"))
            .unwrap_or_default()
    )
}

/// One row per claim of the seed, one column per runtime × strategy.
fn seed_claims(ctx: &Ctx, md: &mut String) {
    let _ = writeln!(md, "## The seed's claims, per runtime × strategy\n");
    let grow = ctx.family(Family::Grow);
    let inst = ctx.family(Family::Instantiate);
    let configs = configurations(grow.iter().chain(&inst).map(|(k, _)| *k));
    if configs.is_empty() {
        let _ = writeln!(md, "No grow or instantiate results in this run.\n");
    } else {
        let mut stamps = Ctx::stamps(&grow);
        stamps.extend(Ctx::stamps(&inst));
        let _ = writeln!(md, "{}\n", run_line(&stamps));
        let _ = writeln!(md, "| runtime @ strategy | growing past the maximum fails (-1 in guest, error on host) | a maximum makes the engine reserve ahead | a maximum makes grow(1) at 4096 pages cheaper |\n|---|---|---|---|");
    }
    let fail_patterns = [
        GrowPattern::GrowFail(0).name(),
        GrowPattern::HostGrowFail(0).name(),
    ];
    for c in &configs {
        // Growth past the maximum fails: the bench checks every failing grow's outcome; a case
        // that ran to an estimate held, a recorded failure did not.
        let cells: Vec<&Row> = grow
            .iter()
            .filter(|(k, _)| {
                fail_patterns.contains(&k.pattern.as_str())
                    && k.size_bytes == membench::grow::FAIL_AT * PAGE
                    && k.runtime == c.runtime
                    && k.strategy == c.strategy
            })
            .map(|(_, r)| *r)
            .collect();
        let past_max = if cells
            .iter()
            .any(|r| r.failure_kind() == Some(FailureKind::Failed))
        {
            "did not hold".to_string()
        } else if !cells.is_empty() && cells.iter().all(|r| r.estimate.is_some()) {
            format!("held ({} cases)", cells.len())
        } else {
            let why: BTreeSet<&str> = cells.iter().map(|r| status(r)).collect();
            format!(
                "not measured ({})",
                why.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        let reserved = |v: &str| {
            inst.iter()
                .find(|(k, _)| k.runtime == c.runtime && k.strategy == c.strategy && k.variant == v)
                .and_then(|(_, r)| r.record.as_ref()?.footprint)
                .map(|f| f.reserved_virtual_bytes)
        };
        let ahead = match (reserved(&nomax()), reserved(&max4g())) {
            (Some(none), Some(max)) => format!(
                "{} ({} with 4 GiB max, {} without)",
                if max as f64 > none as f64 * 1.5 {
                    "held"
                } else {
                    "did not hold"
                },
                charts::bytes(max as f64),
                charts::bytes(none as f64)
            ),
            _ => "not measured".into(),
        };
        let _ = writeln!(
            md,
            "| {}{} | {past_max} | {ahead} | {} |",
            c.runtime_label(),
            if c.strategy.default {
                String::new()
            } else {
                format!(" (`{}`)", c.strategy.knobs)
            },
            cheaper_with_max(ctx, &grow, c)
        );
    }
    let results = ctx.results;
    if !results.verify.is_empty() {
        let _ = writeln!(md, "\n### Checked by `membench verify`\n");
        let _ = writeln!(md, "{}\n", verify_line(results));
        let checks: Vec<&str> = results.verify[0]
            .checks
            .iter()
            .map(|c| c.check.as_str())
            .collect();
        let _ = writeln!(md, "| runtime @ strategy | {} |", checks.join(" | "));
        let _ = writeln!(md, "|---|{}", "---|".repeat(checks.len()));
        for v in &results.verify {
            let cells: Vec<String> = v
                .checks
                .iter()
                .map(|c| {
                    format!(
                        "{} <sub>{}</sub>",
                        c.outcome.label(),
                        c.detail.replace('|', "/")
                    )
                })
                .collect();
            let strategy = if v.strategy == "default" {
                String::new()
            } else {
                format!(" @`{}`", v.strategy)
            };
            let _ = writeln!(md, "| {}{strategy} | {} |", v.runtime, cells.join(" | "));
        }
        reserve_ahead_shared(results, md);
    }
    let _ = writeln!(
        md,
        "\n\"held\" for the reservation means the memory with a 4 GiB maximum added over 1.5× the \
         address space of the one without (columns from the instantiate table above); for the grow \
         cost, that the verdict is \"faster\": the 95 % bootstrap interval of the ratio of mean \
         times (with ÷ without a maximum) lies wholly below 1.\n"
    );
}

/// `reserve-ahead`'s figures with a shared memory beside the unshared ones: what one 16-page
/// memory added with an exact and a 4 GiB maximum, or the runtime's refusal.
fn reserve_ahead_shared(results: &Results, md: &mut String) {
    use membench::verify::SharedReserve;
    let measured: Vec<_> = results
        .verify
        .iter()
        .filter_map(|v| Some((v, v.reserve_ahead.as_ref()?)))
        .collect();
    if measured.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n### What a memory reserves, unshared and shared (`reserve-ahead`)\n\n\
         Address space one 16-page memory added (new mappings of the process holding it, the \
         median of three instances): defined unshared, and imported shared (`shared: true`, which \
         requires a maximum). The seed's claim (\"held\") is judged on the unshared memory; the \
         shared columns are a finding.\n"
    );
    let _ = writeln!(
        md,
        "| runtime @ strategy | unshared: classified | exact maximum | 4 GiB maximum | shared: classified | exact maximum | 4 GiB maximum |\n|---|---|---|---|---|---|---|"
    );
    for (v, r) in measured {
        let strategy = if v.strategy == "default" {
            String::new()
        } else {
            format!(" @`{}`", v.strategy)
        };
        let shared = match &r.shared {
            None => "not measured | – | –".to_string(),
            Some(SharedReserve::Refused { error }) => {
                format!("refused: {} | – | –", error.replace('|', "/"))
            }
            Some(SharedReserve::Measured {
                reservation,
                exact_maximum,
                maximum_4g,
                ..
            }) => format!("{} | {exact_maximum} | {maximum_4g}", reservation.label()),
        };
        let _ = writeln!(
            md,
            "| {}{strategy} | {} | {} | {} | {shared} |",
            v.runtime,
            r.reservation.label(),
            r.exact_maximum,
            r.maximum_4g
        );
    }
}

/// The spec's memory tests per runtime × strategy × maximum variant, and every deviation seen.
fn spec_conformance(results: &Results, md: &mut String) {
    let runs: Vec<&membench::spec::SpecRun> = results.verify.iter().flat_map(|v| &v.spec).collect();
    if runs.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Spec conformance: the WebAssembly memory tests\n");
    let _ = writeln!(md, "{}\n", verify_line(results));
    let _ = writeln!(
        md,
        "Suite: {}, files {}. \"max-4g-added\" runs every module with `maximum 65536` added to \
         each defined memory that declares none. Text-format assertions are refused by the `wast` \
         parser before any runtime sees them.\n",
        membench::spec::SUITE,
        membench::spec::FILES.join(", ")
    );
    let labels = membench::spec::Counts::LABELS;
    let _ = writeln!(
        md,
        "| runtime @ strategy | variant | {} |\n|---|---|{}",
        labels.join(" | "),
        "---|".repeat(labels.len())
    );
    for r in &runs {
        let strategy = if r.strategy == "default" {
            String::new()
        } else {
            format!(" @`{}`", r.strategy)
        };
        let cells: Vec<String> = r.totals.values().iter().map(u32::to_string).collect();
        let _ = writeln!(
            md,
            "| {}{strategy} | {} | {} |",
            r.runtime,
            r.variant.label(),
            cells.join(" | ")
        );
    }
    // Every assertion that did not pass, grouped by where it is, with the configurations it hit.
    let mut seen: BTreeMap<(String, usize, String), BTreeSet<String>> = BTreeMap::new();
    for r in &runs {
        for f in &r.failures {
            seen.entry((f.file.clone(), f.line, f.kind.clone()))
                .or_default()
                .insert(format!("{} @ {}", r.runtime, r.strategy));
        }
    }
    if !seen.is_empty() {
        let _ = writeln!(md, "\n### Assertions that did not pass\n");
        for ((file, line, kind), configs) in &seen {
            let detail = runs
                .iter()
                .flat_map(|r| &r.failures)
                .find(|f| &f.file == file && f.line == *line && &f.kind == kind)
                .map(|f| f.detail.replace('|', "/"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- `{file}:{line}` ({kind}, {} configuration(s): {}): {detail}",
                configs.len(),
                configs.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let _ = writeln!(md);
}

/// Cases of the run without a figure: failed, unsupported, findings, missing.
fn without_figures(ctx: &Ctx, md: &mut String) {
    let rows = &ctx.results.rows;
    let of = |kind: FailureKind| -> Vec<&Row> {
        rows.iter()
            .filter(|r| r.failure_kind() == Some(kind))
            .collect()
    };
    let (failed, unsupported, findings, not_installed) = (
        of(FailureKind::Failed),
        of(FailureKind::Unsupported),
        of(FailureKind::Finding),
        of(FailureKind::NotInstalled),
    );
    let missing: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failure.is_none() && r.estimate.is_none())
        .collect();
    let _ = writeln!(md, "## Cases without a figure\n");
    let _ = writeln!(
        md,
        "{} cases failed; {} are not supported by their engine; {} are findings (measuring them \
         would publish a wrong figure); {} have no estimate.\n",
        failed.len(),
        unsupported.len(),
        findings.len(),
        missing.len()
    );
    // An engine that is not installed is one line (its cause names the install command), not one
    // per case.
    if !not_installed.is_empty() {
        let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &not_installed {
            let cause = r.failure.as_ref().map_or("", |f| f.cause.as_str());
            *causes.entry(cause).or_default() += 1;
        }
        let _ = writeln!(
            md,
            "### Engines not installed on the measuring machine
"
        );
        for (cause, cases) in causes {
            let _ = writeln!(md, "- {cause} ({cases} cases without a figure)");
        }
        let _ = writeln!(md);
    }
    for (title, list) in [
        ("Failed", &failed),
        ("Unsupported by the engine", &unsupported),
        ("Findings", &findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {title}\n");
        for r in list.iter() {
            let _ = writeln!(
                md,
                "- `{}`: {}",
                r.id,
                r.failure.as_ref().map_or("", |f| f.cause.as_str())
            );
        }
        let _ = writeln!(md);
    }
    if !missing.is_empty() {
        let _ = writeln!(md, "### No estimate\n");
        for r in &missing {
            let _ = writeln!(md, "- `{}`", r.id);
        }
        let _ = writeln!(md);
    }
}

/// What `collect` found on disk and did not collect.
fn left_out(results: &Results, md: &mut String) {
    let _ = writeln!(md, "## Left out of this collection\n");
    if results.left_out.is_empty() {
        let _ = writeln!(
            md,
            "Nothing: every record, failure and estimate found belonged to run `{}`.\n",
            results.run_id.as_deref().unwrap_or("?")
        );
        return;
    }
    let _ = writeln!(
        md,
        "The results above are the cases of run `{}` only. These were found beside them and left \
         out:\n",
        results.run_id.as_deref().unwrap_or("?")
    );
    let mut counts: BTreeMap<(Source, Reason), usize> = BTreeMap::new();
    for l in &results.left_out {
        *counts.entry((l.source, l.reason)).or_default() += 1;
    }
    let _ = writeln!(md, "| what | why | how many |\n|---|---|---|");
    for ((source, reason), n) in counts {
        let source = match source {
            Source::Record => "case record",
            Source::Failure => "failure record",
            Source::Estimate => "criterion estimate",
        };
        let _ = writeln!(md, "| {source} | {} | {n} |", reason.label());
    }
    let _ = writeln!(md, "\n<details><summary>Every id left out</summary>\n");
    for l in &results.left_out {
        let _ = writeln!(
            md,
            "- `{}` ({}{})",
            l.id,
            l.reason.label(),
            if l.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", l.detail)
            }
        );
    }
    let _ = writeln!(md, "\n</details>\n");
}

/// `SUMMARY.md`: the headline table and findings, every figure from the results.
fn summary(ctx: &Ctx) -> String {
    let results = ctx.results;
    let mut md = String::new();
    let _ = writeln!(md, "# wasm-memory-bench: what the run says\n");
    let _ = writeln!(
        md,
        "Generated by `membench render` from [results.json](results.json); every figure and \
         sentence below comes from it. The full report, with every case: [REPORT.md](REPORT.md). \
         Ratios are of mean times per iteration, with a {:.0} % bootstrap interval over both \
         cases' samples; \"faster\"/\"slower\" only when the interval excludes 1.\n",
        stats::CONFIDENCE * 100.0
    );
    let benches: Vec<&RunStamp> = results.rows.iter().filter_map(Row::run).collect();
    let _ = writeln!(md, "{}\n", run_line(&benches));
    headline_table(ctx, &mut md);
    let _ = writeln!(md, "## Findings\n");
    for line in headline_findings(ctx) {
        let _ = writeln!(md, "- {line}");
    }
    let _ = writeln!(md);
    md
}

/// Throughput ÷ native's for the headline patterns at 1 MiB, per default wasm runtime, per build.
fn headline_table(ctx: &Ctx, md: &mut String) {
    const PATTERNS: [&str; 3] = ["seq-read-i64", "random-read-i64", "seq-write-i64"];
    const SIZE: u64 = 1 << 20;
    let rows: Vec<(&CaseKey, &Row)> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| {
            k.size_bytes == SIZE
                && PATTERNS.contains(&k.pattern.as_str())
                && k.strategy.default
                && main_variant(k)
        })
        .collect();
    let builds: BTreeSet<GuestBuild> = rows.iter().map(|(k, _)| k.build).collect();
    for build in builds {
        let runtimes: BTreeSet<String> = rows
            .iter()
            .filter(|(k, _)| k.build == build && !is_native(k))
            .map(|(k, _)| k.runtime.clone())
            .collect();
        if runtimes.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "## Throughput ÷ native's, 1 MiB working set, {build} build (warm, `defined-max`, each runtime's default strategy)\n"
        );
        let _ = writeln!(
            md,
            "| pattern | {} |\n|---|{}",
            runtimes.iter().cloned().collect::<Vec<_>>().join(" | "),
            "---|".repeat(runtimes.len())
        );
        for pattern in PATTERNS {
            let native = rows
                .iter()
                .find(|(k, _)| is_native(k) && k.build == build && k.pattern == pattern);
            let Some(_) = rows
                .iter()
                .find(|(k, _)| k.build == build && k.pattern == pattern)
            else {
                continue;
            };
            let cells: Vec<String> = runtimes
                .iter()
                .map(|rt| {
                    rows.iter()
                        .find(|(k, _)| k.build == build && k.pattern == pattern && &k.runtime == rt)
                        .map_or("–".into(), |(k, r)| match ctx.vs_native(k, r) {
                            Some(c) => c.label(),
                            None => status(r).into(),
                        })
                })
                .collect();
            let _ = writeln!(
                md,
                "| `{pattern}` (native {build}: {}) | {} |",
                native.map_or("missing".into(), |(_, r)| throughput(r)),
                cells.join(" | ")
            );
        }
        let _ = writeln!(md);
    }
}

/// The headline findings as sentences with their figures.
fn headline_findings(ctx: &Ctx) -> Vec<String> {
    let mut out = Vec::new();
    // Contiguous: the spread against native, per headline pattern and build, at 1 MiB.
    let contiguous: Vec<(&CaseKey, &Row)> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| {
            k.size_bytes == 1 << 20
                && k.strategy.default
                && main_variant(k)
                && !is_native(k)
                && !ctx.is_first_touch(k)
        })
        .collect();
    let keys: BTreeSet<(GuestBuild, &str)> = contiguous
        .iter()
        .filter(|(k, _)| {
            ["seq-read-i64", "random-read-i64", "seq-write-i64"].contains(&k.pattern.as_str())
        })
        .map(|(k, _)| (k.build, k.pattern.as_str()))
        .collect();
    for (build, pattern) in keys {
        let mut of: Vec<(String, Comparison)> = contiguous
            .iter()
            .filter(|(k, _)| k.build == build && k.pattern == pattern)
            .filter_map(|(k, r)| Some((k.runtime_label(), ctx.vs_native(k, r)?)))
            .collect();
        of.sort_by(|a, b| b.1.ratio.total_cmp(&a.1.ratio));
        let (Some(best), Some(worst)) = (of.first(), of.last()) else {
            continue;
        };
        let faster: Vec<&str> = of
            .iter()
            .filter(|(_, c)| c.verdict == Verdict::Faster)
            .map(|(n, _)| n.as_str())
            .collect();
        let same: Vec<&str> = of
            .iter()
            .filter(|(_, c)| c.verdict == Verdict::NoDifference)
            .map(|(n, _)| n.as_str())
            .collect();
        let mut s = format!(
            "`{pattern}`, 1 MiB, {build} build: the runtimes reach {} to {} of native's throughput \
             (highest {}, lowest {}).",
            best.1.label(),
            worst.1.label(),
            best.0,
            worst.0
        );
        if !faster.is_empty() {
            let _ = write!(s, " Faster than native: {}.", faster.join(", "));
        }
        if !same.is_empty() {
            let _ = write!(s, " No difference from native: {}.", same.join(", "));
        }
        out.push(s);
    }
    // Grow: cost range per default runtime at 1 and 4096 pages, with and without a maximum.
    let grow = ctx.family(Family::Grow);
    let at: Vec<(&CaseKey, &Row)> = grow
        .iter()
        .filter(|(k, _)| k.pattern == grow1_at() && (k.variant == max() || k.variant == nomax()))
        .copied()
        .collect();
    // Per default configuration: the range over both variants at each size it ran at unchanged.
    let mut per_runtime: BTreeMap<String, BTreeMap<u64, Vec<f64>>> = BTreeMap::new();
    for (k, r) in &at {
        if !(k.size_bytes == PAGE || k.size_bytes == 4096 * PAGE) || k.capped() {
            continue;
        }
        if let Some(e) = r
            .estimate
            .filter(|_| r.failure.is_none() && k.strategy.default)
        {
            per_runtime
                .entry(k.runtime_label())
                .or_default()
                .entry(k.size_bytes / PAGE)
                .or_default()
                .push(e.point_ns);
        }
    }
    let defaults: Vec<String> = per_runtime
        .iter()
        .map(|(label, sizes)| {
            let parts: Vec<String> = sizes
                .iter()
                .map(|(pages, v)| {
                    let lo = v.iter().copied().fold(f64::MAX, f64::min);
                    let hi = v.iter().copied().fold(f64::MIN, f64::max);
                    let unit = if *pages == 1 { "page" } else { "pages" };
                    if lo == hi {
                        format!("{} at {pages} {unit}", charts::time(lo))
                    } else {
                        format!(
                            "{}–{} at {pages} {unit}",
                            charts::time(lo),
                            charts::time(hi)
                        )
                    }
                })
                .collect();
            format!("{label} {}", parts.join(", "))
        })
        .collect();
    if !defaults.is_empty() {
        out.push(format!(
            "One `grow(1)`, with and without a declared maximum (range of criterion's estimates \
             over the two; default strategies): {}.",
            defaults.join("; ")
        ));
    }
    for (default, what) in [(true, "default"), (false, "non-default")] {
        let of: Vec<(&CaseKey, &Row)> = at
            .iter()
            .filter(|(k, _)| k.strategy.default == default)
            .copied()
            .collect();
        let (faster, slower, same) = max_vs_nomax(ctx, &of, 4096);
        let total = faster.len() + slower.len() + same.len();
        if total == 0 {
            continue;
        }
        let list = |v: &[String]| {
            if v.is_empty() {
                String::new()
            } else {
                format!(": {}", v.join("; "))
            }
        };
        out.push(format!(
            "A declared maximum made `grow(1)` at 4096 pages faster in {} of {total} {what} \
             configurations{}; slower in {}{}; no different in {}.",
            faster.len(),
            list(&faster),
            slower.len(),
            list(&slower),
            same.len()
        ));
    }
    // Capped: per configuration, where it ran and what was listed.
    let mut capped: BTreeMap<(String, u64, Option<u64>), BTreeSet<u64>> = BTreeMap::new();
    for (k, r) in at.iter().filter(|(k, _)| k.capped()) {
        let cap = r.record.as_ref().and_then(|r| r.capped_at_pages);
        capped
            .entry((k.runtime_label(), k.ran_bytes / PAGE, cap))
            .or_default()
            .insert(k.size_bytes / PAGE);
    }
    if !capped.is_empty() {
        let parts: Vec<String> = capped
            .iter()
            .map(|((label, ran, cap), listed)| {
                let listed: Vec<String> = listed.iter().map(u64::to_string).collect();
                format!(
                    "{label} ran at {ran} pages (capped from {}{})",
                    listed.join(" and "),
                    cap.map_or(String::new(), |c| format!(", cap {c} pages"))
                )
            })
            .collect();
        out.push(format!(
            "Strategies that move memory on every grow ran capped; their `grow(1)` figures are of \
             the size they ran at: {}.",
            parts.join("; ")
        ));
    }
    // Instantiate: the spread, and the strategies that change it, by the verdict.
    let mut inst = ctx.family(Family::Instantiate);
    inst.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
        )
    });
    if let Some(first) = instantiate_findings(ctx, &inst).into_iter().next() {
        out.push(first);
    }
    let mut by_verdict: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (k, row) in inst
        .iter()
        .filter(|(k, _)| k.variant == max() && !k.strategy.default)
    {
        let Some(d) = default_strategy_of(ctx, k) else {
            continue;
        };
        if let Some(c) = ctx.compare(row, d, Measure::Time) {
            let t = |r: &Row| charts::time(r.estimate.map_or(f64::NAN, |e| e.point_ns));
            by_verdict
                .entry(c.verdict.label())
                .or_default()
                .push(format!(
                    "{} {} ({} against {})",
                    k.runtime_label(),
                    c.label(),
                    t(row),
                    t(d)
                ));
        }
    }
    if !by_verdict.is_empty() {
        let parts: Vec<String> = [Verdict::Faster, Verdict::Slower, Verdict::NoDifference]
            .iter()
            .filter_map(|v| {
                let list = by_verdict.get(v.label())?;
                Some(format!(
                    "{} in {} ({})",
                    v.label(),
                    list.len(),
                    list.join("; ")
                ))
            })
            .collect();
        out.push(format!(
            "Instantiation against the runtime's default strategy (time ratio, `defined-max`): {}.",
            parts.join("; ")
        ));
    }
    // Reservation ahead of a maximum.
    let reserving: Vec<String> = inst
        .iter()
        .filter(|(k, _)| k.variant == max4g())
        .filter_map(|(k, r)| {
            let with = r.record.as_ref()?.footprint?.reserved_virtual_bytes;
            let without = inst
                .iter()
                .find(|(n, _)| {
                    n.variant == nomax() && n.runtime == k.runtime && n.strategy == k.strategy
                })
                .and_then(|(_, n)| n.record.as_ref()?.footprint)?
                .reserved_virtual_bytes;
            (with as f64 > without as f64 * 1.5).then(|| {
                format!(
                    "{} ({} with a 4 GiB maximum, {} without)",
                    k.runtime_label(),
                    charts::bytes(with as f64),
                    charts::bytes(without as f64)
                )
            })
        })
        .collect();
    let compared = inst.iter().filter(|(k, _)| k.variant == max4g()).count();
    if compared > 0 {
        out.push(if reserving.is_empty() {
            format!(
                "None of {compared} configurations reserved more address space for a memory \
                 declaring a 4 GiB maximum than for one declaring none (over 1.5×)."
            )
        } else {
            format!(
                "Reserved more address space with a 4 GiB maximum than without (over 1.5×): {}.",
                reserving.join("; ")
            )
        });
    }
    // First touch, at the smallest size measured (REPORT.md has every size).
    let smallest = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, r)| ctx.is_first_touch(k) && r.estimate.is_some())
        .map(|(k, _)| k.size_bytes)
        .min();
    let ft: Vec<String> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, r)| {
            ctx.is_first_touch(k)
                && k.strategy.default
                && r.estimate.is_some()
                && Some(k.size_bytes) == smallest
        })
        .filter_map(|(k, r)| {
            let warm_pattern = ctx.warm_of(&k.pattern)?;
            let warm = ctx.find(|w| {
                w.pattern == warm_pattern
                    && w.size_bytes == k.size_bytes
                    && w.runtime == k.runtime
                    && w.strategy == k.strategy
                    && w.variant == k.variant
                    && w.build == k.build
            })?;
            let c = ctx.throughput_ratio(r, warm)?;
            Some(format!(
                "{} {} {}: {}",
                k.runtime_label(),
                k.pattern,
                size_heading(k.size_bytes),
                c.label()
            ))
        })
        .collect();
    if !ft.is_empty() {
        out.push(format!(
            "First touch ÷ warm throughput, same pattern, size, runtime and build (default \
             strategies; every size in REPORT.md): {}.",
            ft.join("; ")
        ));
    }
    let no_ft: Vec<String> = ctx
        .family(Family::Contiguous)
        .into_iter()
        .filter(|(k, r)| ctx.is_first_touch(k) && r.failure_kind() == Some(FailureKind::Finding))
        .map(|(k, r)| {
            format!(
                "{} ({}, {}): {}",
                k.runtime_label(),
                k.pattern,
                size_heading(k.size_bytes),
                r.failure.as_ref().map_or("", |f| f.cause.as_str())
            )
        })
        .collect();
    if !no_ft.is_empty() {
        out.push(format!(
            "No first-touch figure, by finding: {}.",
            no_ft.join("; ")
        ));
    }
    // Cases without a figure, and what was left out.
    let count = |kind| {
        results_rows(ctx)
            .filter(|r| r.failure_kind() == Some(kind))
            .count()
    };
    out.push(format!(
        "{} cases measured; {} failed, {} unsupported by their engine, {} findings; {} found on \
         disk were left out of this collection (other runs, no record).",
        results_rows(ctx)
            .filter(|r| r.estimate.is_some() && r.failure.is_none())
            .count(),
        count(FailureKind::Failed),
        count(FailureKind::Unsupported),
        count(FailureKind::Finding),
        ctx.results.left_out.len()
    ));
    out
}

fn results_rows<'a>(ctx: &Ctx<'a>) -> std::slice::Iter<'a, Row> {
    ctx.results.rows.iter()
}

fn write_csv(ctx: &Ctx, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record([
        "id",
        "family",
        "pattern",
        "size_bytes",
        "ran_bytes",
        "runtime",
        "strategy",
        "strategy_knobs",
        "strategy_default",
        "variant",
        "build",
        "run_id",
        "commit",
        "started",
        "timed",
        "initial_pages",
        "maximum_pages",
        "per",
        "bytes_per_iteration",
        "grows",
        "capped_at_pages",
        "reserved_virtual_bytes",
        "resident_bytes",
        "time_ns",
        "time_ns_lower",
        "time_ns_upper",
        "samples",
        "throughput_bytes_per_s",
        "throughput_vs_native",
        "throughput_vs_native_lower",
        "throughput_vs_native_upper",
        "failure_kind",
        "failure",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for row in &ctx.results.rows {
        let r = row.record.as_ref();
        let k = row.key.as_ref();
        let f = r.and_then(|r| r.footprint);
        let run = row.run();
        let measured = row.estimate.filter(|_| row.failure.is_none());
        let native = k
            .filter(|k| k.family == Family::Contiguous && !is_native(k))
            .and_then(|k| ctx.vs_native(k, row));
        w.write_record([
            row.id.clone(),
            opt(k.map(|k| k.family.to_string())),
            opt(k.map(|k| k.pattern.clone())),
            opt(k.map(|k| k.size_bytes.to_string())),
            opt(k.map(|k| k.ran_bytes.to_string())),
            opt(k.map(|k| k.runtime.clone())),
            opt(k.map(|k| k.strategy.slug.clone())),
            opt(k.map(|k| k.strategy.knobs.clone())),
            opt(k.map(|k| k.strategy.default.to_string())),
            opt(k.map(|k| k.variant.clone())),
            opt(k.map(|k| k.build.to_string())),
            opt(run.map(|s| s.id.clone())),
            opt(run.map(|s| s.commit.clone())),
            opt(run.map(|s| s.started.clone())),
            opt(r.map(|r| r.timed.clone())),
            opt(r.map(|r| r.initial_pages.to_string())),
            opt(r.and_then(|r| r.maximum_pages).map(|v| v.to_string())),
            opt(r.map(|r| r.per.clone())),
            opt(r.map(|r| r.bytes_per_iteration.to_string())),
            opt(r.and_then(|r| r.grows).map(|v| v.to_string())),
            opt(r.and_then(|r| r.capped_at_pages).map(|v| v.to_string())),
            opt(f.map(|f| f.reserved_virtual_bytes.to_string())),
            opt(f.map(|f| f.resident_bytes.to_string())),
            opt(measured.map(|e| e.point_ns.to_string())),
            opt(measured.map(|e| e.lower_ns.to_string())),
            opt(measured.map(|e| e.upper_ns.to_string())),
            opt(row.samples.as_ref().map(|s| s.times.len().to_string())),
            opt(row
                .throughput()
                .filter(|_| row.failure.is_none())
                .map(|t| t.to_string())),
            opt(native.map(|c| c.ratio.to_string())),
            opt(native.map(|c| c.lower.to_string())),
            opt(native.map(|c| c.upper.to_string())),
            opt(row.failure.as_ref().map(|f| f.kind.to_string())),
            opt(row.failure.as_ref().map(|f| f.cause.clone())),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One key per runtime × strategy among `keys`, in report order: by runtime, its default strategy
/// first, then by slug.
fn configurations<'a>(keys: impl Iterator<Item = &'a CaseKey>) -> Vec<&'a CaseKey> {
    let mut configs: Vec<&CaseKey> = Vec::new();
    for k in keys {
        if !configs
            .iter()
            .any(|c| c.runtime == k.runtime && c.strategy == k.strategy)
        {
            configs.push(k);
        }
    }
    configs.sort_by_key(|k| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
        )
    });
    configs
}
