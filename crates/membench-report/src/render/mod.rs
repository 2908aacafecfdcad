//! Turns a collected run into the published report of one machine: `REPORT.md`, the summary that
//! answers the post's questions first (each in a few generated sentences with one chart), the
//! detail pages it links ([`PAGES`]: the long tables, one per runtime-engine or strategy), the
//! charts (SVG + PNG) and `results.csv`; and, over several machines' results, the cross-machine
//! page [`render_machines`]. Rendering reads only the `Results` it is given, so re-rendering
//! committed results reproduces the files.
//!
//! Rows are grouped by their typed identity ([`CaseKey`]); an id is shown, never parsed. Every
//! comparison (× native, faster/slower, with/without a maximum) comes from
//! [`crate::stats::compare`], with its bootstrap interval.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use membench_data::case::{size_id, CaseKey, CasePattern, CaseVariant, Family, GuestBuild};
use membench_data::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use membench_data::grow::GrowKind;
use membench_data::memory::MemoryDecl;
use membench_data::record::{FailureKind, RunStamp};

use crate::charts::{self, Axis, Chart, DotPanel, DotRow, Frame, Mark, Shape, Unit};
use crate::collect::{Results, Row};
use crate::stats::{self, Comparison, Verdict};

mod cases;
mod contiguous;
mod grow;
mod instantiate;
mod machines;
mod summary;
mod verify;
mod wasted;

pub use grow::grow_lines;
pub use machines::render_machines;
pub use summary::MAX_LINES;

const PAGE: u64 = 65536;

fn variant(maximum: MaxDecl) -> CaseVariant {
    MemoryVariant::new(MemoryDecl::Defined, maximum).into()
}

/// `defined-max`, the variant the runtimes are compared in.
fn max() -> CaseVariant {
    variant(MaxDecl::Exact)
}

fn nomax() -> CaseVariant {
    variant(MaxDecl::None)
}

fn max4g() -> CaseVariant {
    variant(MaxDecl::Large)
}

/// The native baseline: its contiguous cases run on a host buffer, its grow and instantiate cases
/// under the wasm variants' names, so the runtime id decides, not the variant.
fn is_native(k: &CaseKey) -> bool {
    k.variant == CaseVariant::HostBuffer || k.runtime.starts_with("native-")
}

/// The variant each runtime is compared in: `defined-max`, or native's host buffer.
fn main_variant(k: &CaseKey) -> bool {
    is_native(k) || k.variant == max()
}

/// The headline patterns, at the headline working set (`summary::HEADLINE_SIZE`).
static HEADLINE_PATTERNS: [CasePattern; 3] = [
    warm(Kernel::SeqRead, Width::I64),
    warm(Kernel::RandomRead, Width::I64),
    warm(Kernel::SeqWrite, Width::I64),
];

const fn warm(kernel: Kernel, width: Width) -> CasePattern {
    CasePattern::Contiguous(Pattern {
        kernel,
        width,
        touch: Touch::Warm,
    })
}
fn grow1_at() -> CasePattern {
    CasePattern::Grow(GrowKind::Grow1At)
}

fn host_grow1_at() -> CasePattern {
    CasePattern::Grow(GrowKind::HostGrow1At)
}

/// `imported-max`: the unshared twin of [`imported_shared_max`].
fn imported_max() -> CaseVariant {
    MemoryVariant::new(MemoryDecl::Imported, MaxDecl::Exact).into()
}

/// `imported-shared-max`: `new WebAssembly.Memory({initial, maximum, shared: true})`, imported.
fn imported_shared_max() -> CaseVariant {
    MemoryVariant::imported_shared(MaxDecl::Exact).into()
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
    cache: RefCell<HashMap<(usize, usize, Measure), Option<Comparison>>>,
}

impl<'a> Ctx<'a> {
    fn new(results: &'a Results) -> Self {
        Self {
            results,
            rows: results.keyed().collect(),
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
        k.pattern
            .contiguous()
            .is_some_and(|p| p.touch == Touch::FirstTouch)
    }

    /// The warm pattern of a first-touch one.
    fn warm_of(&self, pattern: &CasePattern) -> Option<CasePattern> {
        Some(CasePattern::Contiguous(pattern.contiguous()?.warm()))
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

    /// `a` against `b` by `measure`: throughput ÷ throughput for [`Measure::PerByte`] (above 1 is
    /// faster), time ÷ time for [`Measure::Time`] (below 1 is faster). Either way the verdict
    /// says whether `a` is faster, so "slower" and "faster" read the same for both.
    fn twin_ratio(&self, a: &Row, b: &Row, measure: Measure) -> Option<Comparison> {
        match measure {
            Measure::PerByte => self.throughput_ratio(a, b),
            Measure::Time => self.compare(a, b, Measure::Time),
        }
    }

    /// The rows of `family` that `is_kind` picks, each beside its twin (the row of the same
    /// pattern, size, runtime and strategy that `is_twin(kind, twin)` accepts: the same case but
    /// for its build or its memory variant) and the kind's ratio to the twin by `measure`
    /// ([`Ctx::twin_ratio`]); in runtime order (native first), then pattern, size and variant.
    fn twin_pairs(
        &self,
        family: Family,
        is_kind: impl Fn(&CaseKey) -> bool,
        is_twin: impl Fn(&CaseKey, &CaseKey) -> bool,
        measure: Measure,
    ) -> Vec<TwinPair<'a>> {
        let rows = self.family(family);
        let mut out: Vec<TwinPair<'a>> = rows
            .iter()
            .filter(|(k, _)| is_kind(k))
            .map(|(k, row)| {
                let twin = rows
                    .iter()
                    .find(|(t, _)| {
                        t.pattern == k.pattern
                            && t.size_bytes == k.size_bytes
                            && t.runtime == k.runtime
                            && t.strategy == k.strategy
                            && is_twin(k, t)
                    })
                    .map(|(_, t)| *t);
                let c = twin.and_then(|t| self.twin_ratio(row, t, measure));
                (*k, *row, twin, c)
            })
            .collect();
        out.sort_by_key(|(k, ..)| (runtime_order(k), k.pattern.clone(), k.size_bytes, k.variant));
        out
    }
}

/// A case beside its twin (the same case but for one thing: its build, or its memory variant) and
/// the comparison of the two ([`Ctx::twin_pairs`]).
type TwinPair<'a> = (&'a CaseKey, &'a Row, Option<&'a Row>, Option<Comparison>);

/// How a case is spoken of against its twin. Every twin comparison (a memory kind against its
/// 32-bit twin, a 64-bit memory's grow against a 32-bit one's, a shared memory against the same
/// memory unshared) writes its sentences, tables and chart with the same functions over these
/// words ([`twin_findings`], [`twin_summary`], [`twin_tables`], [`twin_chart`]).
struct TwinWords {
    /// The kind as a sentence's subject: `the 64-bit memory`.
    subject: &'static str,
    /// The twin as a sentence names it: `the 32-bit twin`.
    twin: &'static str,
    /// What a runtime without the kind refuses: `a 64-bit memory`.
    refused: &'static str,
    /// What the ratio divides: throughput ([`Measure::PerByte`]; above 1 is faster) or time per
    /// iteration ([`Measure::Time`]; below 1 is faster).
    measure: Measure,
}

impl TwinWords {
    /// What the ratio is of, after its figures: `of the 32-bit twin's throughput`.
    fn of_twin(&self) -> String {
        match self.measure {
            Measure::PerByte => format!("of {}'s throughput", self.twin),
            Measure::Time => format!("{}'s time", self.twin),
        }
    }

    /// The verb before the ratio: a throughput ratio "ran at", a time ratio "took".
    fn verb(&self) -> &'static str {
        match self.measure {
            Measure::PerByte => "ran at",
            Measure::Time => "took",
        }
    }
}

/// Native first, then by runtime label.
fn runtime_order(k: &CaseKey) -> (bool, String) {
    (!is_native(k), k.runtime_label())
}

/// The range of the kind's ratio to its twin over `of` (labelled comparisons), and who is slower,
/// no different and faster: `the 64-bit memory ran at 0.8× [..] (a) to 1.0× [..] (b) of the
/// 32-bit twin's throughput; slower on 1 (a); no different on 1 (b)`. Names are listed when a
/// verdict has at most `names` of them (all when `None`), otherwise counted.
fn range_and_verdicts(
    words: &TwinWords,
    mut of: Vec<(String, Comparison)>,
    names: Option<usize>,
) -> Option<String> {
    of.sort_by(|a, b| a.1.ratio.total_cmp(&b.1.ratio));
    let (lo, hi) = (of.first()?, of.last()?);
    let list = |name: &str, v: Verdict| {
        let with: Vec<&str> = of
            .iter()
            .filter(|(_, c)| c.verdict == v)
            .map(|(r, _)| r.as_str())
            .collect();
        match with.len() {
            0 => None,
            n if names.is_some_and(|max| n > max) => Some(format!("{name} on {n}")),
            n => Some(format!("{name} on {n} ({})", with.join(", "))),
        }
    };
    let verdicts: Vec<String> = [
        list("slower", Verdict::Slower),
        list("no different", Verdict::NoDifference),
        list("faster", Verdict::Faster),
    ]
    .into_iter()
    .flatten()
    .collect();
    let range = if of.len() == 1 {
        format!("{} ({})", lo.1.label(), lo.0)
    } else {
        format!("{} ({}) to {} ({})", lo.1.label(), lo.0, hi.1.label(), hi.0)
    };
    Some(format!(
        "{} {} {range} {}; {}",
        words.subject,
        words.verb(),
        words.of_twin(),
        verdicts.join("; ")
    ))
}

/// The first of `ranked` (best first, each a name with its interval) and the others whose
/// interval overlaps the first's: a "highest" or "cheapest" is named alone only where no
/// interval overlaps its own.
fn top_with_ties(ranked: &[(String, f64, f64)]) -> Option<(String, Vec<String>)> {
    let (name, lo, hi) = ranked.first()?;
    let tied = ranked[1..]
        .iter()
        .filter(|(_, l, h)| l <= hi && h >= lo)
        .map(|(n, ..)| n.clone())
        .collect();
    Some((name.clone(), tied))
}

/// The clause naming a top's ties, after its figure: nothing, `, tied with b (their intervals
/// overlap)` or `, tied with b, c and d (their intervals overlap its)`.
fn tie_clause(tied: &[String]) -> String {
    match tied {
        [] => String::new(),
        [one] => format!(", tied with {one} (their intervals overlap)"),
        [rest @ .., last] => format!(
            ", tied with {} and {last} (their intervals overlap its)",
            rest.join(", ")
        ),
    }
}

/// [`top_with_ties`] from both ends of `ranked`: the best and the worst, each with its ties.
type Ends = ((String, Vec<String>), (String, Vec<String>));
fn ends_with_ties(mut ranked: Vec<(String, f64, f64)>) -> Option<Ends> {
    let best = top_with_ties(&ranked)?;
    ranked.reverse();
    Some((best, top_with_ties(&ranked)?))
}

/// The runtimes without a figure for the kind because it cannot run there, of one `kind`
/// (*unsupported*: the engine refuses it; *binding*: our crate cannot ask for it), each with the
/// words of whoever refused.
fn refusals(pairs: &[TwinPair], kind: FailureKind) -> BTreeMap<String, String> {
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
fn binding_gap(cause: &str) -> String {
    let line = cause.lines().next().unwrap_or("");
    let prefix = format!("{}: ", FailureKind::Binding);
    let gap = line.split_once(&prefix).map_or(line, |(_, gap)| gap);
    format!("“{}”", cut_at_word(gap.trim(), 160))
}

/// The engine's own words from an *unsupported* cause: the end of the error chain, from the
/// clause where the engine's own message starts, on one line; never cut inside a quote or a
/// bracket (a debug form's `21 }`), and when long, cut at a word.
fn refusal_reason(cause: &str) -> String {
    let line = cause.lines().next().unwrap_or("");
    // The engine's own clause is the last one after ": ", unless that is too short to say
    // anything alone ("8" after "unexpected bits set in flags: ") or starts inside a bracket or
    // a quote (`ParseError { message: "…", offset: 21 }`): then the clauses before it join in.
    let clauses: Vec<&str> = line.split(": ").collect();
    let mut from = clauses.len().saturating_sub(1);
    while from > 0 {
        let tail = clauses[from..].join(": ");
        if tail.chars().count() >= 30 && balanced(&tail) {
            break;
        }
        from -= 1;
    }
    let words = clauses[from..].join(": ");
    format!("“{}”", cut_at_word(words.trim(), 160))
}

/// Whether every bracket `text` closes it opened, and its double quotes pair up.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && text.matches('"').count().is_multiple_of(2)
}

/// `text` whole when it has at most `max` characters; else cut at the last word break before
/// `max` that lies outside every quote and bracket, with `…`; whole when there is none.
fn cut_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| i)
        .rfind(|i| balanced(&head[..*i]) && head[..*i].matches('\'').count().is_multiple_of(2));
    match cut {
        Some(i) if i > 0 => format!("{}…", head[..i].trim_end_matches([',', ';', ':'])),
        _ => text.to_string(),
    }
}

/// A headline group of twin pairs, as [`twin_findings`] and [`twin_chart`] take it: the pair's
/// place among the groups and its name (a pattern, a size).
type Group<'f> = &'f dyn Fn(&CaseKey) -> (u64, String);

/// `headline` split by `group`, in the groups' order.
fn grouped<'p, 'a>(
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
fn twin_findings(
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
fn twin_summary(
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
struct TwinColumns<'f> {
    /// The header cells naming the case: `pattern | working set | variant`.
    case: &'f str,
    /// Those cells of a key.
    cells: fn(&CaseKey) -> String,
    /// A row's figure: its throughput, its time per grow.
    figure: fn(&CaseKey, &Row) -> String,
    /// The twin's and the kind's columns: `` `memory32` ``, `` `memory64` ``.
    names: (&'f str, &'f str),
    /// The ratio's column: `memory64 ÷ memory32`.
    ratio: &'f str,
}

/// One table per runtime-engine × strategy of a kind beside its twin: the case, the twin's figure
/// and the kind's (`refused` when the engine refuses the kind), the ratio with its interval and the
/// verdict (or why there is none).
fn twin_tables(md: &mut String, pairs: &[TwinPair], columns: &TwinColumns) {
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
struct TwinChart<'f> {
    /// The chart's file name.
    name: &'f str,
    /// Its title.
    title: String,
    /// The ratio axis' label.
    axis: String,
    /// The reference line's label: the twin (`memory32`).
    reference: String,
}

/// A dot chart of a kind's ratio to its twin: a panel per group of `headline` (`group` names the
/// panel), a row per runtime, the twin at 1×; with its image line on the page. Nothing when
/// `headline` is empty.
fn twin_chart(
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

/// The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, spaces as
/// `-`; so the summary links a section by the heading a page writes, never by a typed anchor.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
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

/// The detail pages, in the order the summary links them: file name and title.
pub const PAGES: [(&str, &str); 7] = [
    (
        "contiguous.md",
        "Load/store throughput, first touch, memory variants and strategies",
    ),
    (
        "grow.md",
        "Grow: what one `memory.grow` costs, and whether a maximum helps",
    ),
    (
        "instantiate.md",
        "Instantiation and reserved address space per strategy",
    ),
    (
        "wasted.md",
        "Wasted memory: linear memory against what the guest held",
    ),
    ("verify.md", "The seed's claims, per runtime × strategy"),
    ("spec.md", "Spec conformance: the WebAssembly memory tests"),
    (
        "cases.md",
        "Runs, environment, cases without a figure, and what was left out",
    ),
];

/// How [`render_with`] treats results that are not one clean reference run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Render results from more than one commit, or a `+dirty` one, saying so on every page
    /// (`--allow-mixed`); otherwise they are refused ([`crate::collect::check_reference`]).
    pub allow_mixed: bool,
}

/// Renders one machine's report into `out` (`reports/<machine>/`): the summary `REPORT.md`, the
/// detail pages ([`PAGES`]), the charts and `results.csv`. Refuses results that are not one clean
/// commit ([`render_with`] with `allow_mixed` renders them, and says so on every page).
pub fn render(results: &Results, out: &Path) -> Result<()> {
    render_with(results, out, Options::default())
}

/// The line every page of a mixed run carries under its title.
fn mixed_line(results: &Results) -> Option<String> {
    crate::collect::reference_problem(results).map(|p| {
        format!(
            "**Not one clean reference run**: {p}. Rendered with `--allow-mixed`: figures from \
             different code states are compared below as if they were one."
        )
    })
}

/// `md` with `line` after its title (its first paragraph).
fn after_title(md: String, line: &str) -> String {
    match md.find("\n\n") {
        Some(at) => format!("{}\n\n{line}{}", &md[..at], &md[at..]),
        None => format!("{line}\n\n{md}"),
    }
}

/// [`render`], with `options`.
pub fn render_with(results: &Results, out: &Path, options: Options) -> Result<()> {
    crate::collect::check_reference(results, options.allow_mixed)?;
    let mixed = mixed_line(results);
    let mark = |md: String| match &mixed {
        Some(line) => after_title(md, line),
        None => md,
    };
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
    // REPORT.md is the summary now: an earlier render's SUMMARY.md would be stale.
    let stale = out.join("SUMMARY.md");
    if stale.exists() {
        std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
    }
    let ctx = Ctx::new(results);
    let pages = [
        contiguous::page(&ctx, &charts_dir)?,
        grow::page(&ctx, &charts_dir)?,
        instantiate::page(&ctx, &charts_dir)?,
        wasted::page(&ctx, &charts_dir)?,
        verify::page(&ctx),
        verify::spec_page(&ctx),
        cases::page(&ctx),
    ];
    for ((file, _), md) in PAGES.iter().zip(pages) {
        std::fs::write(out.join(file), mark(md)).with_context(|| format!("writing {file}"))?;
    }
    let summary = mark(summary::page(&ctx, &charts_dir)?);
    std::fs::write(out.join("REPORT.md"), summary).context("writing REPORT.md")?;
    write_csv(&ctx, &out.join("results.csv"))?;
    Ok(())
}

/// A detail page's head: its title, the way back to the summary, and the run its figures come
/// from.
fn page_head(md: &mut String, file: &str, run: &str) {
    let title = PAGES
        .iter()
        .find(|(f, _)| *f == file)
        .map_or(file, |(_, t)| t);
    let _ = writeln!(
        md,
        "# {title}
"
    );
    let _ = writeln!(
        md,
        "[← Summary](REPORT.md) · [all pages](REPORT.md#detail-pages)\n\n{run}\n"
    );
}

/// One sentence on how far this family's figures moved between repeated runs on this machine,
/// beside criterion's within-run interval; or how to measure it.
fn spread_line(results: &Results, family: &str) -> String {
    let Some(spread) = &results.spread else {
        return "Between-run spread: not measured for these results (`membench spread` runs the \
                cases again and records how far they move)."
            .into();
    };
    match spread.families.iter().find(|f| f.family == family) {
        Some(f) => format!(
            "Between {} runs on this machine the point estimates of this family moved by median \
             {}, at most {} (`{}`), against criterion's median within-run half-width {}; {} of \
             {} cases' intervals were disjoint across runs.",
            spread.runs.len(),
            percent(f.median_between),
            percent(f.max_between),
            f.max_case,
            percent(f.median_within),
            f.disjoint,
            f.cases
        ),
        None => format!(
            "Between-run spread: the {} runs compared had no case of this family in common.",
            spread.runs.len()
        ),
    }
}

/// `5.2 %` from `0.052`.
fn percent(v: f64) -> String {
    if v.is_finite() {
        format!("{} %", charts::sig(v * 100.0, 2))
    } else {
        "–".into()
    }
}

/// Writes one table per group, each under its own heading: `rows` are (group, row), in order;
/// a group's rows stay together in the order they come.
fn grouped_tables(md: &mut String, level: &str, header: &str, rows: Vec<(String, String)>) {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (group, row) in rows {
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, v)) => v.push(row),
            None => groups.push((group, vec![row])),
        }
    }
    for (group, rows) in groups {
        let _ = writeln!(md, "{level} {group}\n\n{header}");
        for row in rows {
            let _ = writeln!(md, "{row}");
        }
        let _ = writeln!(md);
    }
}

/// The environment the results were collected in, as a table.
fn environment_table(results: &Results, md: &mut String) {
    let e = &results.environment;
    let _ = writeln!(md, "| | |\n|---|---|");
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

/// How the report compares: the sentence every page can point to.
fn method(results: &Results) -> String {
    format!(
        "Times are criterion's estimates with criterion's {:.0} % confidence interval. Every \
         comparison (× native, first touch ÷ warm, with against without a maximum, one strategy \
         against another) is the ratio of the two cases' mean times per iteration, with a {:.0} % \
         bootstrap interval ({} resamples of both cases' samples), and says faster or slower only \
         when that interval excludes 1; otherwise it says no difference.",
        results
            .rows
            .iter()
            .find_map(|r| r.estimate)
            .map_or(95.0, |e| e.confidence * 100.0),
        stats::CONFIDENCE * 100.0,
        stats::RESAMPLES
    )
}

/// The runs behind each kind of figure, as list items.
fn runs_list(results: &Results, md: &mut String) {
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
        (_, Some(FailureKind::Binding)) => "not in our binding",
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
fn dot_row(k: &CaseKey, row: &Row, c: Option<Comparison>) -> DotRow {
    let label = k.runtime_label();
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
            opt(k.map(|k| k.pattern.to_string())),
            opt(k.map(|k| k.size_bytes.to_string())),
            opt(k.map(|k| k.ran_bytes.to_string())),
            opt(k.map(|k| k.runtime.clone())),
            opt(k.map(|k| k.strategy.slug.clone())),
            opt(k.map(|k| k.strategy.knobs.clone())),
            opt(k.map(|k| k.strategy.default.to_string())),
            opt(k.map(|k| k.variant.to_string())),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Item 5 of issue 23: the notes read "8" (Firefox) and "21 }" (tinywasm's debug form), and
    /// a long message was cut inside a word and a quote ("(at offse…"). The engine's clause is
    /// whole, or cut at a word outside any quote.
    #[test]
    fn refusal_words_are_never_cut_inside_a_quote_or_a_word() {
        assert_eq!(
            refusal_reason(
                "compiling page-size-1: compile: WebAssembly.CompileError: at offset 27: \
                 unexpected bits set in flags: 8"
            ),
            "“unexpected bits set in flags: 8”"
        );
        assert_eq!(
            refusal_reason(
                "unsupported: tinywasm-interpreter refuses a shared memory: tinywasm parsing \
                 grow: error parsing module: ParseError { message: \"threads must be enabled \
                 for shared memories\", offset: 21 }"
            ),
            "“ParseError { message: \"threads must be enabled for shared memories\", offset: 21 }”"
        );
        let custom = "wasmer-cranelift compiling page-size-1: Validation error: the custom page \
                      sizes proposal must be enabled to customize a memory's page size (at \
                      offset 0x1a)";
        assert_eq!(
            refusal_reason(custom),
            "“the custom page sizes proposal must be enabled to customize a memory's page size \
             (at offset 0x1a)”"
        );
        // Past the limit: cut at a word, never inside the quote.
        let long = format!(
            "compiling x: compile: {} (evaluating 'new WebAssembly.Module(bytes)')",
            "resizable limits flag should be 0x00, 0x01, or 0x03 but 0x08 ".repeat(3)
        );
        let cut = refusal_reason(&long);
        assert!(cut.ends_with("…”"), "{cut}");
        assert!(!cut.contains("'new"), "{cut}");
        let words = cut.trim_start_matches('“').trim_end_matches("…”");
        let after = long[long.find(words).expect("a part of the message") + words.len()..]
            .chars()
            .next();
        assert!(matches!(after, Some(' ' | ',')), "cut inside a word: {cut}");
    }
}
