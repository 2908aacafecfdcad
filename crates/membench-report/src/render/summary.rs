//! `REPORT.md`: the post's questions, each answered first in two or three sentences generated from
//! the results, with one chart and a link to its detail page. At most [`MAX_LINES`] lines.

use super::*;
use crate::charts::{Axis, Category, Chart, DotPanel, Frame, Unit};
use plotters::style::RGBColor;

/// The summary's length limit, in lines.
pub const MAX_LINES: usize = 150;

/// The headline working set: 1 MiB.
pub(super) const HEADLINE_SIZE: u64 = 1 << 20;

pub(super) fn page(ctx: &Ctx, dir: &Path) -> Result<String> {
    let results = ctx.results;
    let mut md = String::new();
    let _ = writeln!(md, "# wasm-memory-bench: what this machine's run says\n");
    let benches: Vec<&RunStamp> = results.rows.iter().filter_map(Row::run).collect();
    let count = |kind| {
        results
            .rows
            .iter()
            .filter(|r| r.failure_kind() == Some(kind))
            .count()
    };
    let _ = writeln!(
        md,
        "{} {} cases measured; {} failed, {} unsupported by their engine, {} not in our binding, \
         {} findings, {} left out ([cases.md](cases.md)). Every sentence and figure below is generated from \
         [results.json](results.json) ([results.csv](results.csv)). A ratio carries its {:.0} % \
         bootstrap interval and says faster or slower only when that interval excludes 1. Other \
         machines: [MACHINES.md](../MACHINES.md).\n",
        short_run(&benches),
        results
            .rows
            .iter()
            .filter(|r| r.estimate.is_some() && r.failure.is_none())
            .count(),
        count(FailureKind::Failed),
        count(FailureKind::Unsupported),
        count(FailureKind::Binding),
        count(FailureKind::Finding),
        results.left_out.len(),
        stats::CONFIDENCE * 100.0,
    );
    without_figures(results, &mut md);
    load_store(ctx, dir, &mut md)?;
    grow_question(ctx, dir, &mut md)?;
    memory_question(ctx, dir, &mut md)?;
    claims_question(ctx, dir, &mut md)?;
    spread_question(ctx, dir, &mut md)?;
    let _ = writeln!(md, "## Detail pages\n");
    for (file, title) in PAGES {
        let _ = writeln!(md, "- [{title}]({file})");
    }
    Ok(md)
}

/// Why a row has no figure, as the summary counts it; `None` for a measured row.
fn missing_reason(row: &Row) -> Option<&'static str> {
    match (row.estimate, row.failure_kind()) {
        (_, Some(FailureKind::Failed)) => Some("failed"),
        (_, Some(FailureKind::Unsupported)) => Some("unsupported by the engine"),
        (_, Some(FailureKind::Binding)) => Some("not in our binding"),
        (_, Some(FailureKind::Finding)) => Some("a finding, not a figure"),
        (_, Some(FailureKind::NotInstalled)) => Some("not installed"),
        (Some(_), None) => None,
        (None, None) => Some("not measured (no estimate)"),
    }
}

/// What the run has no figures for: each runtime-engine of the matrix that is not in it, and per
/// runtime the cases without a figure, counted by why (failed, unsupported, a finding, not
/// installed, not measured). Nothing when every case of every matrix runtime has a figure.
fn without_figures(results: &Results, md: &mut String) {
    let mut per: BTreeMap<&str, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for row in &results.rows {
        let (Some(k), Some(why)) = (row.key.as_ref(), missing_reason(row)) else {
            continue;
        };
        *per.entry(k.runtime.as_str())
            .or_default()
            .entry(why)
            .or_default() += 1;
    }
    let present: BTreeSet<&str> = results
        .rows
        .iter()
        .filter_map(|r| Some(r.key.as_ref()?.runtime.as_str()))
        .collect();
    let absent: Vec<&str> = membench_data::runtimes::ids()
        .filter(|id| !present.contains(id))
        .collect();
    if per.is_empty() && absent.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "## What this run has no figures for
"
    );
    if !absent.is_empty() {
        let _ = writeln!(
            md,
            "- Not in this run at all (no case of theirs was collected: not measured): {}.",
            absent.join(", ")
        );
    }
    for (runtime, reasons) in &per {
        let parts: Vec<String> = reasons
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        let _ = writeln!(
            md,
            "- {runtime}: {} case{} without a figure: {}.",
            reasons.values().sum::<usize>(),
            if reasons.values().sum::<usize>() == 1 {
                ""
            } else {
                "s"
            },
            parts.join(", ")
        );
    }
    let _ = writeln!(
        md,
        "\nEach case and its cause: [cases.md](cases.md#cases-without-a-figure).\n"
    );
}

/// `Run `id` at commit `c`, started …, on CPU (n logical cores, memory).`: the run line, short.
pub(super) fn short_run(stamps: &[&RunStamp]) -> String {
    let Some(first) = stamps.iter().min_by(|a, b| a.started.cmp(&b.started)) else {
        return "These figures carry no run stamp.".into();
    };
    let ids: BTreeSet<&str> = stamps.iter().map(|s| s.id.as_str()).collect();
    let commits: BTreeSet<&str> = stamps.iter().map(|s| s.commit.as_str()).collect();
    let m = &first.machine;
    let join = |v: BTreeSet<&str>| {
        v.into_iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Run {} at commit {}, started {}, on {} ({} logical cores, {}).",
        join(ids),
        join(commits),
        first.started,
        m.cpu,
        m.cores,
        charts::bytes(m.memory_bytes as f64)
    )
}

/// The warm headline rows: 1 MiB, the headline patterns, each runtime's default strategy in the
/// main variant.
pub(super) fn headline_rows<'a>(ctx: &Ctx<'a>) -> Vec<(&'a CaseKey, &'a Row)> {
    ctx.family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| {
            k.size_bytes == HEADLINE_SIZE
                && HEADLINE_PATTERNS.contains(&k.pattern)
                && k.strategy.default
                && main_variant(k)
                && !GuestBuild::MEMORY_KINDS.contains(&k.build)
        })
        .collect()
}

/// The headline sentence of one pattern and build: the range against native, and who is faster
/// than or no different from native.
pub(super) fn headline_sentence(
    ctx: &Ctx,
    rows: &[(&CaseKey, &Row)],
    build: GuestBuild,
    pattern: &CasePattern,
) -> Option<String> {
    let mut of: Vec<(String, Comparison)> = rows
        .iter()
        .filter(|(k, _)| k.build == build && k.pattern == *pattern && !is_native(k))
        .filter_map(|(k, r)| Some((k.runtime_label(), ctx.vs_native(k, r)?)))
        .collect();
    of.sort_by(|a, b| b.1.ratio.total_cmp(&a.1.ratio));
    let (best, worst) = (of.first()?, of.last()?);
    let with = |v: Verdict| -> Vec<&str> {
        of.iter()
            .filter(|(_, c)| c.verdict == v)
            .map(|(n, _)| n.as_str())
            .collect()
    };
    let ((highest, high_ties), (lowest, low_ties)) = ends_with_ties(
        of.iter()
            .map(|(n, c)| (n.clone(), c.lower, c.upper))
            .collect(),
    )?;
    let mut s = format!(
        "`{pattern}`, 1 MiB, {build} build: the runtimes reach {} to {} of native's throughput \
         (highest {highest}{}; lowest {lowest}{}).",
        best.1.label(),
        worst.1.label(),
        tie_clause(&high_ties),
        tie_clause(&low_ties),
    );
    let (faster, same) = (with(Verdict::Faster), with(Verdict::NoDifference));
    if !faster.is_empty() {
        let _ = write!(s, " Faster than native: {}.", faster.join(", "));
    }
    if !same.is_empty() {
        let _ = write!(s, " No difference from native: {}.", same.join(", "));
    }
    Some(s)
}

/// (a) What a load or store costs per runtime: throughput ÷ native's at 1 MiB.
fn load_store(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(md, "## What does a load or store cost per runtime?\n");
    let rows = headline_rows(ctx);
    if rows.is_empty() {
        let _ = writeln!(
            md,
            "No contiguous results at 1 MiB in this run. Details: [contiguous.md](contiguous.md).\n"
        );
        return Ok(());
    }
    let build = if rows.iter().any(|(k, _)| k.build == GuestBuild::Scalar) {
        GuestBuild::Scalar
    } else {
        rows[0].0.build
    };
    let mut runtimes: Vec<&CaseKey> = Vec::new();
    for (k, _) in &rows {
        if !is_native(k) && !runtimes.iter().any(|r| r.runtime == k.runtime) {
            runtimes.push(k);
        }
    }
    runtimes.sort_by_key(|k| k.runtime.clone());
    // The chart: one panel per headline pattern of the main build.
    let panels: Vec<DotPanel> = HEADLINE_PATTERNS
        .iter()
        .filter(|p| {
            rows.iter()
                .any(|(k, _)| k.build == build && k.pattern == **p)
        })
        .map(|pattern| DotPanel {
            title: pattern.to_string(),
            rows: runtimes
                .iter()
                .filter_map(|rt| {
                    let (k, r) = rows.iter().find(|(k, _)| {
                        k.build == build && k.pattern == *pattern && k.runtime == rt.runtime
                    })?;
                    Some(dot_row(k, r, ctx.vs_native(k, r)))
                })
                .collect(),
        })
        .collect();
    let name = "summary-load-store";
    let n = runtimes.len() as u32;
    charts::write_both(
        dir,
        name,
        (1400, 200 + 20 * n),
        &Chart::Dots {
            frame: Frame {
                title: format!(
                    "What does a load or store cost? Throughput ÷ native's, warm memory, 1 MiB working set, {build} build"
                ),
                footer: footer(&Ctx::stamps(&rows)),
            },
            panels,
            cols: HEADLINE_PATTERNS.len(),
            axis: Axis {
                label: "throughput ÷ native's (log scale)".into(),
                unit: Unit::Ratio,
            },
            reference: Some((1.0, "native".into())),
            legend: Some(
                "dot: ratio of mean times per byte; whisker: 95 % bootstrap interval over both cases' samples; line: native (1×)"
                    .into(),
            ),
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    for pattern in &HEADLINE_PATTERNS {
        if let Some(s) = headline_sentence(ctx, &rows, build, pattern) {
            let _ = writeln!(md, "- {s}");
        }
    }
    let _ = writeln!(md);
    // The table: a row per runtime, a column per pattern × build.
    let columns: Vec<(GuestBuild, &CasePattern)> = [GuestBuild::Scalar, GuestBuild::Simd128]
        .into_iter()
        .flat_map(|b| HEADLINE_PATTERNS.iter().map(move |p| (b, p)))
        .filter(|(b, p)| rows.iter().any(|(k, _)| k.build == *b && k.pattern == **p))
        .collect();
    let header: Vec<String> = columns
        .iter()
        .map(|(b, p)| match b {
            GuestBuild::Scalar => format!("`{p}`"),
            other => format!("`{p}` {other}"),
        })
        .collect();
    let _ = writeln!(
        md,
        "| throughput ÷ native's | {} |\n|---|{}",
        header.join(" | "),
        "---|".repeat(columns.len())
    );
    for rt in &runtimes {
        let cells: Vec<String> = columns
            .iter()
            .map(|(b, p)| {
                rows.iter()
                    .find(|(k, _)| k.build == *b && k.pattern == **p && k.runtime == rt.runtime)
                    .map_or("–".into(), |(k, r)| match ctx.vs_native(k, r) {
                        Some(c) => c.label(),
                        None => status(r).into(),
                    })
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", rt.runtime, cells.join(" | "));
    }
    let natives: Vec<String> = columns
        .iter()
        .map(|(b, p)| {
            let t = rows
                .iter()
                .find(|(k, _)| is_native(k) && k.build == *b && k.pattern == **p)
                .map_or("missing".into(), |(_, r)| throughput(r));
            format!("`{p}` {b} {t}")
        })
        .collect();
    let _ = writeln!(
        md,
        "\nNative's own throughput: {}. Every pattern, working set and runtime, first touch, and \
         the memory variants and strategies: [contiguous.md](contiguous.md).\n",
        natives.join(", ")
    );
    // One sentence per memory kind against its 32-bit twin, and one on a shared memory against
    // the same memory unshared, each linking its section.
    let kinds: Vec<String> = contiguous::compared_kinds()
        .filter_map(|build| contiguous::kind_summary(ctx, build))
        .chain(contiguous::shared_summary(ctx))
        .collect();
    if !kinds.is_empty() {
        let _ = writeln!(
            md,
            "Other kinds of memory, each against its twin (throughput ÷ the twin's; a memory \
             kind runs one WebAssembly text, its twin over a 32-bit memory of 64 KiB pages):\n"
        );
        for sentence in kinds {
            let _ = writeln!(md, "- {sentence}");
        }
        let _ = writeln!(md);
    }
    Ok(())
}

/// Configurations where a declared maximum made `grow(1)` at 4096 pages faster, slower or no
/// different, for default (`true`) or non-default strategies: the sentence, or none.
pub(super) fn max_sentence(ctx: &Ctx, default: bool, list: bool) -> Option<String> {
    let at: Vec<(&CaseKey, &Row)> = grow::grow1_rows(ctx)
        .into_iter()
        .filter(|(k, _)| k.strategy.default == default)
        .collect();
    let (faster, slower, same) = grow::max_vs_nomax(ctx, &at, 4096);
    let total = faster.len() + slower.len() + same.len();
    if total == 0 {
        return None;
    }
    let what = if default { "default" } else { "non-default" };
    let names = |v: &[String]| {
        if v.is_empty() || !list {
            String::new()
        } else {
            format!(": {}", v.join("; "))
        }
    };
    Some(format!(
        "A declared maximum made `grow(1)` at 4096 pages faster in {} of {total} {what} \
         configurations{}; slower in {}{}; no different in {}.",
        faster.len(),
        names(&faster),
        slower.len(),
        names(&slower),
        same.len()
    ))
}

/// (b) What a grow costs, and whether a declared maximum helps.
fn grow_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## What does a grow cost, and does a declared maximum help?\n"
    );
    let at = grow::grow1_rows(ctx);
    if at.is_empty() {
        let _ = writeln!(
            md,
            "No `grow(1)` results in this run. Details: [grow.md](grow.md).\n"
        );
        return Ok(());
    }
    let defaults: Vec<(&CaseKey, &Row)> = at
        .iter()
        .filter(|(k, _)| k.strategy.default)
        .copied()
        .collect();
    let configs = configurations(defaults.iter().map(|(k, _)| *k));
    let get = |c: &CaseKey, pages: u64, variant: &CaseVariant| {
        defaults
            .iter()
            .find(|(k, _)| {
                k.runtime == c.runtime && k.size_bytes == pages * PAGE && k.variant == *variant
            })
            .map(|(k, r)| (*k, *r))
    };
    let panel = |pages: u64| DotPanel {
        title: format!(
            "grow(1) at {pages} page{}",
            if pages == 1 { "" } else { "s" }
        ),
        rows: configs
            .iter()
            .map(|c| {
                let mut marks = Vec::new();
                // The open circle first: a dot at the same value shows inside it.
                for (variant, shape) in [(nomax(), Shape::Hollow), (max(), Shape::Dot)] {
                    if let Some(e) = get(c, pages, &variant)
                        .and_then(|(_, r)| r.estimate.filter(|_| r.failure.is_none()))
                    {
                        marks.push(Mark {
                            value: e.point_ns,
                            interval: Some((e.lower_ns, e.upper_ns)),
                            shape,
                        });
                    }
                }
                let cmp = match (get(c, pages, &max()), get(c, pages, &nomax())) {
                    (Some((_, m)), Some((_, n))) => ctx.compare(m, n, Measure::Time),
                    _ => None,
                };
                let capped = get(c, pages, &max())
                    .filter(|(k, _)| k.capped())
                    .map_or(String::new(), |(k, _)| {
                        format!(", ran at {} pages", k.ran_bytes / PAGE)
                    });
                DotRow {
                    label: c.runtime_label(),
                    alert: marks.is_empty(),
                    note: Some(match cmp {
                        Some(cmp) => format!(
                            "max ÷ none {}× {}{capped}",
                            stats::ratio_digits(cmp.ratio),
                            cmp.verdict
                        ),
                        None if marks.is_empty() => get(c, pages, &max())
                            .map_or("missing", |(_, r)| status(r))
                            .into(),
                        None => format!("no comparison{capped}"),
                    }),
                    marks,
                    span: None,
                }
            })
            .collect(),
    };
    let name = "summary-grow";
    let n = configs.len() as u32;
    if n > 0 {
        charts::write_both(
        dir,
        name,
        (1400, 200 + 20 * n),
        &Chart::Dots {
            frame: Frame {
                title: "What does one grow(1) cost, and does a declared maximum help? (default strategies)".into(),
                footer: footer(&Ctx::stamps(&defaults)),
            },
            panels: vec![panel(1), panel(4096)],
            cols: 2,
            axis: Axis {
                label: "time per grow(1) (log)".into(),
                unit: Unit::Time,
            },
            reference: None,
            legend: Some(
                "filled dot: exact maximum declared; open circle: no maximum; whisker: criterion's 95 % interval; note: time with ÷ without a maximum, by the bootstrap verdict"
                    .into(),
            ),
        },
    )?;
        let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    }
    if let Some(s) = grow::cheapest_and_dearest(&at) {
        let _ = writeln!(md, "- {s}");
    }
    for (default, list) in [(true, true), (false, false)] {
        if let Some(s) = max_sentence(ctx, default, list) {
            let _ = writeln!(md, "- {s}");
        }
    }
    if let Some(s) = grow::memory64_summary(ctx) {
        let _ = writeln!(md, "- {s}");
    }
    let _ = writeln!(md, "\n{}\n", grow::detail_line(ctx));
    Ok(())
}

/// (c) How much memory is reserved and how much is wasted.
fn memory_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## How much memory is reserved, and how much is wasted?\n"
    );
    let mut inst = ctx.family(Family::Instantiate);
    inst.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
        )
    });
    let records = &ctx.results.fragmentation;
    // Panel 1: the address space one memory adds, per runtime, default strategy, `defined-max`.
    let reserved_rows: Vec<DotRow> = inst
        .iter()
        .filter(|(k, _)| k.variant == max() && k.strategy.default)
        .map(|(k, r)| super::instantiate::reserved_row(k, r))
        .collect();
    // Panel 2: peak live → linear memory per workload and allocator, over every runtime.
    let mut waste: BTreeMap<(String, String), (u64, u64, BTreeSet<u64>)> = BTreeMap::new();
    // Some records count the fixed pages as waste (written before they were measured apart).
    let mut bound = false;
    let mut order: Vec<(String, String)> = Vec::new();
    for r in records {
        let Some(f) = r.figures.as_ref() else {
            continue;
        };
        let key = (r.workload.clone(), r.allocator.clone());
        if !order.contains(&key) {
            order.push(key.clone());
        }
        let e = waste.entry(key).or_insert((0, 0, BTreeSet::new()));
        // Peak live plus the guest's fixed pages: the line from it to linear memory is the
        // allocator's waste alone.
        e.0 =
            e.0.max(f.peak_live_bytes.unwrap_or(0) + f.fixed_bytes.unwrap_or(0));
        e.1 = e.1.max(f.linear_bytes);
        if let Some((w, _)) = wasted::allocator_waste(f) {
            e.2.insert(w);
        }
        bound |= f.fixed_bytes.is_none();
    }
    let at_most = if bound { "≤ " } else { "" };
    let waste_rows: Vec<DotRow> = order
        .iter()
        .map(|key| {
            let (live, linear, w) = &waste[key];
            DotRow {
                label: format!("{} / {}", key.0, key.1),
                marks: vec![
                    Mark {
                        value: *live as f64,
                        interval: None,
                        shape: Shape::Square,
                    },
                    Mark {
                        value: *linear as f64,
                        interval: None,
                        shape: Shape::Dot,
                    },
                ],
                span: (*live > 0).then_some((*live as f64, *linear as f64)),
                note: Some(match (w.first(), w.last()) {
                    (Some(lo), Some(hi)) if lo == hi => {
                        format!("waste {}{}", at_most, charts::bytes(*lo as f64))
                    }
                    (Some(lo), Some(hi)) => format!(
                        "waste {at_most}{}–{}",
                        charts::bytes(*lo as f64),
                        charts::bytes(*hi as f64)
                    ),
                    _ => "waste –".into(),
                }),
                alert: false,
            }
        })
        .collect();
    let mut panels = Vec::new();
    if !reserved_rows.is_empty() {
        panels.push(DotPanel {
            title: "address space one 16-page memory adds (defined-max, default strategy)".into(),
            rows: reserved_rows,
        });
    }
    if !waste_rows.is_empty() {
        panels.push(DotPanel {
            title: "peak live + fixed pages (square) → linear memory (dot), over every runtime"
                .into(),
            rows: waste_rows,
        });
    }
    if !panels.is_empty() {
        let name = "summary-memory";
        let tallest = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        let mut stamps = Ctx::stamps(&inst);
        stamps.extend(ctx.results.fragmentation_run.iter());
        let cols = panels.len();
        charts::write_both(
            dir,
            name,
            (1400, 200 + 22 * tallest),
            &Chart::Dots {
                frame: Frame {
                    title: "How much address space does a memory reserve, and how much memory does the guest waste?".into(),
                    footer: footer(&stamps),
                },
                panels,
                cols,
                axis: Axis {
                    label: "bytes (log)".into(),
                    unit: Unit::Bytes,
                },
                reference: None,
                legend: Some(format!(
                    "left: VmSize growth across one instantiation; right: the guest's peak live bytes and the linear memory it grew to (the line is the waste, labelled above it)\n{}",
                    instantiate::BASIS_LEGEND
                )),
            },
        )?;
        let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    }
    if let Some(first) = instantiate::instantiate_findings(ctx, &inst)
        .into_iter()
        .next()
    {
        let _ = writeln!(md, "- {first}");
    }
    let reserve: Vec<String> = [
        instantiate::reserved_range(&inst),
        instantiate::reservation_finding(&inst),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !reserve.is_empty() {
        let _ = writeln!(md, "- {}", reserve.join(" "));
    }
    if let Some(s) = wasted::waste_finding(records, "sawtooth") {
        let _ = writeln!(md, "- {s}");
    }
    if let Some(s) = wasted::page_size_finding(records) {
        let _ = writeln!(
            md,
            "- [{}](wasted.md#{}): {s}",
            wasted::PAGE_SIZES_HEADING,
            anchor(wasted::PAGE_SIZES_HEADING)
        );
    }
    let _ = writeln!(
        md,
        "\nInstantiation and reservation per strategy and variant: \
         [instantiate.md](instantiate.md); every workload, allocator and runtime: \
         [wasted.md](wasted.md).\n"
    );
    Ok(())
}

/// The outcome categories of the claims grid, and each outcome's slot.
fn outcome_categories() -> (Vec<Category>, fn(membench_data::verify::Outcome) -> usize) {
    use membench_data::verify::Outcome;
    let cats = [
        ("held", RGBColor(44, 160, 44)),
        ("did not hold", RGBColor(230, 120, 20)),
        ("known deviation", RGBColor(148, 103, 189)),
        ("n/a", RGBColor(215, 215, 215)),
        ("error", RGBColor(200, 0, 0)),
    ]
    .into_iter()
    .map(|(name, color)| Category {
        name: name.into(),
        color,
    })
    .collect();
    fn slot(o: Outcome) -> usize {
        match o {
            Outcome::Held => 0,
            Outcome::DidNotHold => 1,
            Outcome::KnownDeviation => 2,
            Outcome::NotApplicable => 3,
            Outcome::Error => 4,
        }
    }
    (cats, slot)
}

/// The capability grid's file name.
const KINDS_CHART: &str = "summary-kinds";

/// The capability grid's categories ([`verify::TAKES_CATEGORIES`]), in colours that say nothing
/// of right or wrong (blues and greys, none of the claims' green, orange or red).
fn kind_categories() -> Vec<Category> {
    let colours = [
        RGBColor(49, 130, 189),
        RGBColor(158, 202, 225),
        RGBColor(99, 99, 99),
        RGBColor(189, 189, 189),
    ];
    verify::TAKES_CATEGORIES
        .iter()
        .zip(colours)
        .map(|(name, color)| Category {
            name: name.to_string(),
            color,
        })
        .chain(std::iter::once(Category {
            name: "no answer (n/a, error, not run)".into(),
            color: RGBColor(245, 245, 245),
        }))
        .collect()
}

/// What each configuration does with the memory kinds beyond wasm 1.0, as a grid of its own
/// (`summary-kinds`): taken, taken with a limit, refused by the engine, not supported by our
/// binding. Whether it was drawn (no configuration answers: none).
fn kinds_grid(results: &Results, dir: &Path) -> Result<bool> {
    let answers = verify::kind_answers(results);
    if answers.is_empty() {
        return Ok(false);
    }
    let n = answers.len() as u32;
    charts::write_both(
        dir,
        KINDS_CHART,
        (1400, 170 + 16 * n),
        &Chart::Grid {
            frame: Frame {
                title: "Which memory beyond wasm 1.0 does each runtime take? (membench verify; \
                        capabilities, not claims)"
                    .into(),
                footer: results
                    .verify_run
                    .as_ref()
                    .map_or_else(|| verify_line(results), |r| footer(&[r])),
            },
            rows: answers
                .iter()
                .map(|(v, _)| {
                    (
                        verify::verify_label(v).replace('`', ""),
                        Some(charts::runtime_color(&v.runtime)),
                    )
                })
                .collect(),
            columns: verify::beyond_columns()
                .into_iter()
                .map(String::from)
                .collect(),
            cells: answers
                .iter()
                .map(|(_, takes)| {
                    takes
                        .iter()
                        .map(|t| Some(t.category().unwrap_or(verify::TAKES_CATEGORIES.len())))
                        .collect()
                })
                .collect(),
            categories: kind_categories(),
        },
    )?;
    Ok(true)
}

/// (d) Which of the post's claims hold where; spec conformance in one sentence.
fn claims_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    use membench_data::verify::{CheckId, Outcome};
    let _ = writeln!(md, "## Which of the post's claims hold where?\n");
    let results = ctx.results;
    if results.verify.is_empty() {
        // Without `membench verify`, the benches' answers.
        let claims = verify::bench_claims(ctx);
        if claims.is_empty() {
            let _ = writeln!(
                md,
                "Neither `membench verify` nor the grow and instantiate benches are in these \
                 results. Details: [verify.md](verify.md).\n"
            );
            return Ok(());
        }
        // Held, did not hold, not measured: how many configurations each.
        let tally = |f: fn(&verify::BenchClaims) -> &str| {
            let of = |p: &str| claims.iter().filter(|c| f(c).starts_with(p)).count();
            format!(
                "held in {}, did not hold in {}, not measured in {}",
                of("held"),
                of("did not hold"),
                of("not measured")
            )
        };
        let _ = writeln!(
            md,
            "- From the benches, over {} configurations (`membench verify` is not in these \
             results): growing past the maximum fails: {}; a maximum makes the engine reserve \
             ahead: {}; a maximum makes `grow(1)` at 4096 pages cheaper: {}.\n",
            claims.len(),
            tally(|c| c.past_max.as_str()),
            tally(|c| c.ahead.as_str()),
            tally(|c| c.cheaper.as_str()),
        );
        let _ = writeln!(md, "Every configuration: [verify.md](verify.md).\n");
        return Ok(());
    }
    let checks: Vec<CheckId> = CheckId::ALL
        .into_iter()
        .filter(|id| results.verify.iter().any(|v| v.check(*id).is_some()))
        .collect();
    // The kinds beyond wasm 1.0 are capabilities, not the post's claims: their own grid, in
    // neutral colours ([`kinds_grid`]), never held / did not hold.
    let claims: Vec<CheckId> = checks
        .iter()
        .copied()
        .filter(|id| !verify::beyond_checks().any(|b| b == *id))
        .collect();
    let (categories, slot) = outcome_categories();
    let name = "summary-claims";
    let n = results.verify.len() as u32;
    charts::write_both(
        dir,
        name,
        (1400, 150 + 16 * n),
        &Chart::Grid {
            frame: Frame {
                title: "Which of the post's claims hold where? (membench verify, per runtime × strategy)".into(),
                footer: results
                    .verify_run
                    .as_ref()
                    .map_or_else(|| verify_line(results), |r| footer(&[r])),
            },
            rows: results
                .verify
                .iter()
                .map(|v| {
                    (
                        verify::verify_label(v).replace('`', ""),
                        Some(charts::runtime_color(&v.runtime)),
                    )
                })
                .collect(),
            columns: claims.iter().map(|c| c.as_str().to_string()).collect(),
            cells: results
                .verify
                .iter()
                .map(|v| {
                    claims
                        .iter()
                        .map(|id| v.check(*id).map(|c| slot(c.outcome)))
                        .collect()
                })
                .collect(),
            categories,
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    if kinds_grid(results, dir)? {
        let _ = writeln!(md, "![{KINDS_CHART}](charts/{KINDS_CHART}.png)\n");
    }
    // Per check: how many configurations per outcome, and which did not hold (a few by name). The
    // kinds of memory beyond wasm 1.0 are said in a sentence of their own, when there is one.
    let beyond = verify::beyond_summary(results);
    let mut everywhere = Vec::new();
    let mut somewhere = Vec::new();
    for id in checks
        .iter()
        .filter(|id| beyond.is_none() || !verify::beyond_checks().any(|b| b == **id))
    {
        let of = |o: Outcome| -> Vec<String> {
            results
                .verify
                .iter()
                .filter(|v| v.check(*id).is_some_and(|c| c.outcome == o))
                .map(verify::verify_label)
                .collect()
        };
        let held = of(Outcome::Held);
        let others: Vec<(Outcome, Vec<String>)> =
            [Outcome::DidNotHold, Outcome::KnownDeviation, Outcome::Error]
                .into_iter()
                .map(|o| (o, of(o)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
        if others.is_empty() {
            if !held.is_empty() {
                everywhere.push(format!("`{id}` ({})", held.len()));
            }
            continue;
        }
        let parts: Vec<String> = others
            .iter()
            .map(|(o, v)| {
                if v.len() <= 2 {
                    format!(
                        "{} in {} ({})",
                        o.label().to_lowercase(),
                        v.len(),
                        v.join(", ")
                    )
                } else {
                    format!("{} in {}", o.label().to_lowercase(), v.len())
                }
            })
            .collect();
        somewhere.push(format!(
            "`{id}` held in {}, {}",
            held.len(),
            parts.join(", ")
        ));
    }
    if !everywhere.is_empty() {
        let _ = writeln!(
            md,
            "- Of {} configurations checked, these claims held wherever they apply (configurations \
             where they held): {}.",
            results.verify.len(),
            everywhere.join(", ")
        );
    }
    if !somewhere.is_empty() {
        let _ = writeln!(md, "- Not everywhere: {}.", somewhere.join("; "));
    }
    if let Some(s) = beyond {
        let _ = writeln!(md, "- {s}");
    }
    if let Some(s) = spec_sentence(results) {
        let _ = writeln!(md, "- {s}");
    }
    let _ = writeln!(
        md,
        "\nEvery configuration with its figures, and the claims as the benches answer them: \
         [verify.md](verify.md); the spec's tests per configuration: [spec.md](spec.md).\n"
    );
    Ok(())
}

/// The spec suite in one sentence: how many configurations passed everything but the listed
/// deviations, and the totals.
fn spec_sentence(results: &Results) -> Option<String> {
    let runs: Vec<&membench_data::spec::SpecRun> =
        results.verify.iter().flat_map(|v| &v.spec).collect();
    if runs.is_empty() {
        return None;
    }
    let mut configs: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    let mut total = membench_data::spec::Counts::default();
    for r in &runs {
        let clean = r.totals.failed == 0 && r.totals.stale_deviation == 0;
        *configs
            .entry((r.runtime.as_str(), r.strategy.as_str()))
            .or_insert(true) &= clean;
        total.passed += r.totals.passed;
        total.failed += r.totals.failed;
        total.known_deviation += r.totals.known_deviation;
        total.stale_deviation += r.totals.stale_deviation;
        total.unsupported += r.totals.unsupported;
    }
    let clean = configs.values().filter(|c| **c).count();
    Some(format!(
        "Spec conformance, suite {}: {clean} of {} configurations passed every assertion but \
         the listed deviations, with and without an added maximum; over their {} runs, {} \
         assertions passed, {} failed, {} were known deviations, {} stale, {} unsupported.",
        membench_data::spec::SUITE,
        configs.len(),
        runs.len(),
        total.passed,
        total.failed,
        total.known_deviation,
        total.stale_deviation,
        total.unsupported
    ))
}

/// (e) How much runs move: the between-run spread per family, beside criterion's interval.
fn spread_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(md, "## How much do the figures move from run to run?\n");
    let Some(spread) = &ctx.results.spread else {
        let _ = writeln!(
            md,
            "Not measured for these results: `membench spread` runs the same cases again on this \
             machine and records how far each family's figures move, beside criterion's \
             within-run intervals.\n"
        );
        return Ok(());
    };
    let rows: Vec<DotRow> = spread
        .families
        .iter()
        .map(|f| DotRow {
            label: f.family.clone(),
            marks: vec![
                Mark {
                    value: f.median_between,
                    interval: None,
                    shape: Shape::Dot,
                },
                Mark {
                    value: f.max_between,
                    interval: None,
                    shape: Shape::Hollow,
                },
                Mark {
                    value: f.median_within,
                    interval: None,
                    shape: Shape::Square,
                },
            ],
            span: Some((f.median_between, f.max_between)),
            note: Some(format!(
                "median {}, max {}, within {}",
                percent(f.median_between),
                percent(f.max_between),
                percent(f.median_within)
            )),
            alert: false,
        })
        .collect();
    let name = "summary-spread";
    let n = rows.len() as u32;
    let stamps: Vec<&RunStamp> = spread.runs.iter().collect();
    charts::write_both(
        dir,
        name,
        (1400, 220 + 24 * n),
        &Chart::Dots {
            frame: Frame {
                title: format!(
                    "How far do the figures move between {} runs on this machine, against criterion's interval?",
                    spread.runs.len()
                ),
                footer: footer(&stamps),
            },
            panels: vec![DotPanel {
                title: "per family: median (dot) and largest (circle) move of a case's point estimate; criterion's median half-width (square)".into(),
                rows,
            }],
            cols: 1,
            axis: Axis {
                label: "relative move, max ÷ min − 1 (log)".into(),
                unit: Unit::Percent,
            },
            reference: None,
            legend: None,
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    let ids: Vec<String> = spread.runs.iter().map(|r| format!("`{}`", r.id)).collect();
    let worst = spread
        .families
        .iter()
        .max_by(|a, b| a.max_between.total_cmp(&b.max_between));
    let _ = writeln!(
        md,
        "- Between {} runs on this machine ({}): per family, the median and the largest move of \
         a case's point estimate from run to run (max ÷ min − 1), beside criterion's median \
         half-width within one run.{}\n",
        spread.runs.len(),
        ids.join(", "),
        worst.map_or(String::new(), |w| format!(
            " The largest move of all: {} (`{}`).",
            percent(w.max_between),
            w.max_case
        ))
    );
    let _ = writeln!(
        md,
        "| family | cases in every run | median move | largest move | criterion's median half-width | cases whose intervals do not all overlap |\n|---|---|---|---|---|---|"
    );
    for f in &spread.families {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            f.family,
            f.cases,
            percent(f.median_between),
            percent(f.max_between),
            percent(f.median_within),
            f.disjoint
        );
    }
    let _ = writeln!(md);
    Ok(())
}
