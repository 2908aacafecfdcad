//! The twin comparisons (one build or memory kind against another on the same runtime): their
//! findings, summaries, tables and charts, shared by the pages that compare twins.

use super::*;

/// A case beside its twin (the same case but for one thing: its build, or its memory variant) and
/// the comparison of the two ([`Ctx::twin_pairs`]).
pub(super) type TwinPair<'a> = (&'a CaseKey, &'a Row, Option<&'a Row>, Option<Comparison>);

/// How a case is spoken of against its twin. Every twin comparison (a memory kind against its
/// 32-bit twin, a 64-bit memory's grow against a 32-bit one's, a shared memory against the same
/// memory unshared) writes its sentences, tables and chart with the same functions over these
/// words ([`twin_findings`], [`twin_summary`], [`twin_tables`], [`twin_chart`]).
pub(super) struct TwinWords {
    /// The kind as a sentence's subject: `the 64-bit memory`.
    pub(super) subject: &'static str,
    /// The twin as a sentence names it: `the 32-bit twin`.
    pub(super) twin: &'static str,
    /// What a runtime without the kind refuses: `a 64-bit memory`.
    pub(super) refused: &'static str,
    /// What the ratio divides: throughput ([`Measure::PerByte`]; above 1 is faster) or time per
    /// iteration ([`Measure::Time`]; below 1 is faster).
    pub(super) measure: Measure,
}

impl TwinWords {
    /// What the ratio is of, after its figures: `of the 32-bit twin's throughput`.
    pub(super) fn of_twin(&self) -> String {
        match self.measure {
            Measure::PerByte => format!("of {}'s throughput", self.twin),
            Measure::Time => format!("{}'s time", self.twin),
        }
    }

    /// The verb before the ratio: a throughput ratio "ran at", a time ratio "took".
    pub(super) fn verb(&self) -> &'static str {
        match self.measure {
            Measure::PerByte => "ran at",
            Measure::Time => "took",
        }
    }
}

/// The runtimes without a figure for the kind because it cannot run there, of one `kind`
/// (*unsupported*: the engine refuses it; *binding*: our crate cannot ask for it), each with the
/// words of whoever refused.
pub(super) fn refusals(pairs: &[TwinPair], kind: FailureKind) -> BTreeMap<String, String> {
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    for (k, row, ..) in pairs {
        if let (Some(found), Some(f)) = (row.failure_kind(), &row.failure) {
            if found == kind {
                refused
                    .entry(k.runtime.clone())
                    .or_insert_with(|| match kind {
                        FailureKind::Binding => binding_gap(&f.cause),
                        _ => refusal_reason(&f.cause),
                    });
            }
        }
    }
    refused
}

/// What our binding lacks, from a *binding* cause: the adapter's whole sentence after the kind
/// (it names the crate, its version and the missing call, which the last clause alone would
/// drop), on one line.
pub(super) fn binding_gap(cause: &str) -> String {
    let line = cause.lines().next().unwrap_or("");
    let prefix = format!("{}: ", FailureKind::Binding);
    let gap = line.split_once(&prefix).map_or(line, |(_, gap)| gap);
    format!("“{}”", cut_at_word(gap.trim(), 160))
}

/// A headline group of twin pairs, as [`twin_findings`] and [`twin_chart`] take it: the pair's
/// place among the groups and its name (a pattern, a size).
pub(super) type Group<'f> = &'f dyn Fn(&CaseKey) -> (u64, String);

/// `headline` split by `group`, in the groups' order.
pub(super) fn grouped<'p, 'a>(
    headline: &[&'p TwinPair<'a>],
    group: Group,
) -> BTreeMap<(u64, String), Vec<&'p TwinPair<'a>>> {
    let mut out: BTreeMap<(u64, String), Vec<&TwinPair>> = BTreeMap::new();
    for p in headline {
        out.entry(group(p.0)).or_default().push(*p);
    }
    out
}

/// Sentences on a kind against its twin: per group of `headline` (named by `group`: `` `seq-read-i64`,
/// 1 MiB, default strategies ``), the range of the ratio and the verdicts; then the runtimes among
/// `pairs` that refuse the kind, with their words.
pub(super) fn twin_findings(
    words: &TwinWords,
    headline: &[&TwinPair],
    pairs: &[TwinPair],
    group: Group,
) -> Vec<String> {
    let mut out = Vec::new();
    for ((_, name), of) in grouped(headline, group) {
        let of: Vec<(String, Comparison)> = of
            .iter()
            .filter_map(|(k, _, _, c)| Some((k.runtime_label(), (*c)?)))
            .collect();
        if let Some(s) = range_and_verdicts(words, of, None) {
            out.push(format!("{name}: {s}."));
        }
    }
    let list = |refused: BTreeMap<String, String>| -> String {
        let list: Vec<String> = refused
            .iter()
            .map(|(r, why)| format!("{r} ({why})"))
            .collect();
        list.join("; ")
    };
    let refused = refusals(pairs, FailureKind::Unsupported);
    if !refused.is_empty() {
        out.push(format!(
            "Refuse {} while they run {}: {}.",
            words.refused,
            words.twin,
            list(refused)
        ));
    }
    let binding = refusals(pairs, FailureKind::Binding);
    if !binding.is_empty() {
        out.push(format!(
            "Not measured because our binding cannot ask for {} (a gap in this benchmark, not \
             the engine's refusal): {}.",
            words.refused,
            list(binding)
        ));
    }
    out
}

/// A kind against its twin in one clause for the summary: the range over `headline` (each pair
/// named by `label`), the verdicts (named when at most three), and who among `pairs` refuses the
/// kind.
pub(super) fn twin_summary(
    words: &TwinWords,
    headline: &[&TwinPair],
    pairs: &[TwinPair],
    label: impl Fn(&CaseKey) -> String,
) -> String {
    let of: Vec<(String, Comparison)> = headline
        .iter()
        .filter_map(|(k, _, _, c)| Some((label(k), (*c)?)))
        .collect();
    let figures = range_and_verdicts(words, of, Some(3))
        .unwrap_or_else(|| "no case measured beside its twin".into());
    let names = |kind| {
        refusals(pairs, kind)
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut clause = figures;
    for (kind, words) in [
        (FailureKind::Unsupported, "refused by"),
        (FailureKind::Binding, "not in our binding for"),
    ] {
        let names = names(kind);
        if !names.is_empty() {
            clause = format!("{clause}; {words} {names}");
        }
    }
    clause
}

/// The columns of [`twin_tables`]: the cells that name a pair's case, and the figures' columns.
pub(super) struct TwinColumns<'f> {
    /// The header cells naming the case: `pattern | working set | variant`.
    pub(super) case: &'f str,
    /// Those cells of a key.
    pub(super) cells: fn(&CaseKey) -> String,
    /// A row's figure: its throughput, its time per grow.
    pub(super) figure: fn(&CaseKey, &Row) -> String,
    /// The twin's and the kind's columns: `` `memory32` ``, `` `memory64` ``.
    pub(super) names: (&'f str, &'f str),
    /// The ratio's column: `memory64 ÷ memory32`.
    pub(super) ratio: &'f str,
}

/// One table per runtime-engine × strategy of a kind beside its twin: the case, the twin's figure
/// and the kind's (`refused` when the engine refuses the kind), the ratio with its interval and the
/// verdict (or why there is none).
pub(super) fn twin_tables(md: &mut String, pairs: &[TwinPair], columns: &TwinColumns) {
    let rows: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, row, twin, c)| {
            let twin = twin.map_or("–".into(), |t| (columns.figure)(k, t));
            let kind = match row.failure_kind() {
                Some(FailureKind::Unsupported) => "refused".into(),
                Some(FailureKind::Binding) => "not in our binding".into(),
                _ => (columns.figure)(k, row),
            };
            (
                format!("`{}`", k.runtime_label()),
                format!(
                    "| {} | {twin} | {kind} | {} | {} |",
                    (columns.cells)(k),
                    ratio_cell(*c),
                    c.map_or(status(row).to_string(), |c| c.verdict.to_string()),
                ),
            )
        })
        .collect();
    let (twin, kind) = columns.names;
    let figures = columns.case.matches('|').count() + 5;
    grouped_tables(
        md,
        "###",
        &format!(
            "| {} | {twin} | {kind} | {} [{:.0} % interval] | verdict |\n|{}",
            columns.case,
            columns.ratio,
            stats::CONFIDENCE * 100.0,
            "---|".repeat(figures)
        ),
        rows,
    );
}

/// The words of a twin chart ([`twin_chart`]).
pub(super) struct TwinChart<'f> {
    /// The chart's file name.
    pub(super) name: &'f str,
    /// Its title.
    pub(super) title: String,
    /// The ratio axis' label.
    pub(super) axis: String,
    /// The reference line's label: the twin (`memory32`).
    pub(super) reference: String,
}

/// A dot chart of a kind's ratio to its twin: a panel per group of `headline` (`group` names the
/// panel), a row per runtime, the twin at 1×; with its image line on the page. Nothing when
/// `headline` is empty.
pub(super) fn twin_chart(
    dir: &Path,
    md: &mut String,
    words: &TwinWords,
    headline: &[&TwinPair],
    group: Group,
    chart: TwinChart,
) -> Result<()> {
    let panels: Vec<DotPanel> = grouped(headline, group)
        .into_iter()
        .map(|((_, title), of)| DotPanel {
            title,
            rows: of
                .iter()
                .map(|(k, row, _, c)| dot_row(k, row, *c))
                .collect(),
        })
        .collect();
    if panels.is_empty() {
        return Ok(());
    }
    let per_panel = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
    let times = match words.measure {
        Measure::PerByte => "mean times per byte",
        Measure::Time => "mean times",
    };
    charts::write_both(
        dir,
        chart.name,
        (
            1400,
            (160 + (60 + 20 * per_panel) * panels.len().div_ceil(2) as u32).max(500),
        ),
        &Chart::Dots {
            frame: Frame {
                title: chart.title,
                footer: footer(
                    &headline
                        .iter()
                        .filter_map(|(_, r, ..)| r.run())
                        .collect::<Vec<_>>(),
                ),
            },
            panels,
            cols: 2,
            axis: Axis {
                label: chart.axis,
                unit: Unit::Ratio,
            },
            reference: Some((1.0, chart.reference)),
            legend: Some(format!(
                "dot: ratio of {times}; whisker: {:.0} % bootstrap interval; line: {} (1×)",
                stats::CONFIDENCE * 100.0,
                words.twin
            )),
        },
    )?;
    let name = chart.name;
    let _ = writeln!(
        md,
        "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
    );
    Ok(())
}
