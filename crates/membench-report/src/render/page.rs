//! The parts every page has: its head and run line, the machine and environment, the footer,
//! the lines that point to the memory figures and verdicts.

use super::*;

/// The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, spaces as
/// `-`; so the summary links a section by the heading a page writes, never by a typed anchor.
pub(super) fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The run(s) behind some figures, in one sentence: id, commit, start, machine.
pub(super) fn run_line(stamps: &[&RunStamp]) -> String {
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

pub(super) fn machine_line(s: &RunStamp) -> String {
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
pub(super) fn footer(stamps: &[&RunStamp]) -> String {
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

/// A detail page's head: its title, the way back to the summary, and the run its figures come
/// from.
pub(super) fn page_head(md: &mut String, file: &str, run: &str) {
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
pub(super) fn spread_line(results: &Results, family: &str) -> String {
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

/// Writes one table per group, each under its own heading: `rows` are (group, row), in order;
/// a group's rows stay together in the order they come.
pub(super) fn grouped_tables(
    md: &mut String,
    level: &str,
    header: &str,
    rows: Vec<(String, String)>,
) {
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
pub(super) fn environment_table(results: &Results, md: &mut String) {
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
pub(super) fn method(results: &Results) -> String {
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
pub(super) fn runs_list(results: &Results, md: &mut String) {
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

pub(super) fn fragmentation_line(results: &Results) -> String {
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

pub(super) fn verify_line(results: &Results) -> String {
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

/// A ratio's row: the dot with its interval, and the ratio and verdict written beside it.
pub(super) fn dot_row(k: &CaseKey, row: &Row, c: Option<Comparison>) -> DotRow {
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
