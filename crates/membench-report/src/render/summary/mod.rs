//! `REPORT.md`: the post's questions, each answered first in two or three sentences generated from
//! the results, with one chart and a link to its detail page. At most [`MAX_LINES`] lines.

use super::*;
use crate::charts::{Axis, Category, Chart, DotPanel, Frame, Unit};
use plotters::style::RGBColor;

mod claims;
mod grow_cost;
mod load_store;
mod memory;
mod spread;

use claims::*;
use grow_cost::*;
use load_store::*;
use memory::*;
use spread::*;

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
