//! How figures and verdicts read in sentences and cells: ranges, ties, intervals, refusals cut
//! at a word.

use super::*;

/// The legend of every chart of throughput ÷ native's.
pub(super) const NATIVE_RATIO_LEGEND: &str =
    "dot: ratio of mean times per byte; whisker: 95 % bootstrap interval over both cases' samples; line: native (1×)";

/// The range of the kind's ratio to its twin over `of` (labelled comparisons), and who is slower,
/// no different and faster: `the 64-bit memory ran at 0.8× [..] (a) to 1.0× [..] (b) of the
/// 32-bit twin's throughput; slower on 1 (a); no different on 1 (b)`. Names are listed when a
/// verdict has at most `names` of them (all when `None`), otherwise counted.
pub(super) fn range_and_verdicts(
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
pub(super) fn top_with_ties(ranked: &[(String, f64, f64)]) -> Option<(String, Vec<String>)> {
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
pub(super) fn tie_clause(tied: &[String]) -> String {
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
pub(super) type Ends = ((String, Vec<String>), (String, Vec<String>));

pub(super) fn ends_with_ties(mut ranked: Vec<(String, f64, f64)>) -> Option<Ends> {
    let best = top_with_ties(&ranked)?;
    ranked.reverse();
    Some((best, top_with_ties(&ranked)?))
}

/// The engine's own words from an *unsupported* cause: the end of the error chain, from the
/// clause where the engine's own message starts, on one line; never cut inside a quote or a
/// bracket (a debug form's `21 }`), and when long, cut at a word.
pub(super) fn refusal_reason(cause: &str) -> String {
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
pub(super) fn balanced(text: &str) -> bool {
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
pub(super) fn cut_at_word(text: &str, max: usize) -> String {
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

/// `5.2 %` from `0.052`.
pub(super) fn percent(v: f64) -> String {
    if v.is_finite() {
        format!("{} %", charts::sig(v * 100.0, 2))
    } else {
        "–".into()
    }
}

/// Why a row has no figure, in a word.
pub(super) fn status(row: &Row) -> &'static str {
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
pub(super) fn ci(row: &Row) -> String {
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

pub(super) fn throughput(row: &Row) -> String {
    match row.throughput().filter(|_| row.failure.is_none()) {
        Some(t) => charts::bytes_per_second(t),
        None => "–".into(),
    }
}

/// `0.512× [0.498–0.527]` or `–`.
pub(super) fn ratio_cell(c: Option<Comparison>) -> String {
    c.map_or("–".into(), |c| c.label())
}

/// A throughput comparison in words: above, below or no different from the reference.
pub(super) fn throughput_verdict(c: Option<Comparison>, reference: &str) -> String {
    match c.map(|c| c.verdict) {
        Some(Verdict::Faster) => format!("faster than {reference}"),
        Some(Verdict::Slower) => format!("slower than {reference}"),
        Some(Verdict::NoDifference) => format!("no difference from {reference}"),
        None => "–".into(),
    }
}

/// The size as a heading shows it (`1MiB`), from the key.
pub(super) fn size_heading(bytes: u64) -> String {
    size_id(bytes)
}
