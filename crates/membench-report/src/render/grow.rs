//! `grow.md`: what one `memory.grow` costs against the memory's size, with and without a declared
//! maximum, from the guest and from the host, on a shared memory, and on a 64-bit memory against
//! the same code on a 32-bit one; every grow case in a table per runtime-engine × strategy.

use super::contiguous::kind_words;
use super::*;
use crate::charts::Line;

pub(super) fn page(ctx: &Ctx, dir: &Path) -> Result<String> {
    let mut md = String::new();
    let rows = ctx.family(Family::Grow);
    page_head(&mut md, "grow.md", &run_line(&Ctx::stamps(&rows)));
    let _ = writeln!(md, "{}\n", spread_line(ctx.results, Family::Grow.id()));
    grow(ctx, dir, &mut md)?;
    Ok(md)
}

/// The grow rows of the Rust guest (`scalar`), which every table and chart but the twins' are of:
/// the twins of `guest-modules/wat/grow.wat` (`memory32`, `memory64`) are other code, compared
/// with each other only ([`memory64`]).
pub(super) fn scalar_rows<'a>(ctx: &Ctx<'a>) -> Vec<(&'a CaseKey, &'a Row)> {
    ctx.family(Family::Grow)
        .into_iter()
        .filter(|(k, _)| k.build == GuestBuild::Scalar)
        .collect()
}

/// The Rust guest's `grow1-at` rows with an exact maximum or none: the grow-cost charts' and
/// tables' cases.
pub(super) fn grow1_rows<'a>(ctx: &Ctx<'a>) -> Vec<(&'a CaseKey, &'a Row)> {
    scalar_rows(ctx)
        .into_iter()
        .filter(|(k, _)| k.pattern == grow1_at() && (k.variant == max() || k.variant == nomax()))
        .collect()
}

/// A grow row's size note: `ran at 56 pages (capped from 4096)` for a capped case.
pub(super) fn capped_note(k: &CaseKey, row: &Row) -> Option<String> {
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
    let rows = scalar_rows(ctx);
    if rows.is_empty() {
        let _ = writeln!(md, "No grow results in this run.\n");
        return memory64(ctx, dir, md);
    }
    let _ = writeln!(md, "## One `grow(1)` against the memory's size\n");
    let at = grow1_rows(ctx);
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
        "### At 1 and 4096 pages, with and without a maximum\n\n| runtime @ strategy | grow(1) at 1 page, max | at 1 page, no max | at 4096 pages, max | at 4096 pages, no max | max ÷ no max at 4096 pages [95 % interval] |\n|---|---|---|---|---|---|"
    );
    let configs = configurations(rows.iter().map(|(k, _)| *k));
    for c in &configs {
        let get = |pages: u64, variant: &CaseVariant| {
            at.iter()
                .find(|(k, _)| {
                    k.runtime == c.runtime
                        && k.strategy == c.strategy
                        && k.size_bytes == pages * PAGE
                        && k.variant == *variant
                })
                .copied()
        };
        let cell = |pages: u64, variant: &CaseVariant| {
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
    memory64(ctx, dir, md)?;
    let twins = if ctx
        .family(Family::Grow)
        .iter()
        .any(|(k, _)| k.build == TWIN)
    {
        format!(
            "The Rust guest's cases (the {TWIN} twins are in [their section](#{})). ",
            anchor(&twin_heading())
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        md,
        "\n## Every grow case, per runtime-engine × strategy\n\n{twins}Time is per grow; a \
         capped case ran at a smaller size than listed because the strategy moves memory on every \
         grow.\n"
    );
    let mut all = rows.clone();
    all.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.pattern.clone(),
            k.size_bytes,
            k.variant,
        )
    });
    let table = all
        .iter()
        .map(|(k, row)| {
            let rec = row.record.as_ref();
            (
                k.runtime_label(),
                format!(
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    k.pattern,
                    k.size_bytes / PAGE,
                    k.ran_bytes / PAGE,
                    k.variant,
                    ci(row),
                    rec.and_then(|r| r.grows)
                        .map_or("–".into(), |g| g.to_string()),
                    capped_note(k, row).unwrap_or_default(),
                ),
            )
        })
        .collect();
    grouped_tables(
        md,
        "###",
        "| pattern | listed pages | ran at (pages) | variant | time per grow | grows per call | note |\n|---|---|---|---|---|---|---|",
        table,
    );
    Ok(())
}

/// A cell of the host/shared tables: the figure, or why there is none (an unsupported case with
/// the engine's refusal, a binding's gap with the crate's).
fn grow_or_why(found: Option<(&CaseKey, &Row)>) -> String {
    match found {
        None => "missing".into(),
        Some((k, r)) => match (&r.failure, r.estimate) {
            (Some(f), _) if f.kind == FailureKind::Unsupported => {
                format!("unsupported ({})", f.cause.replace('|', "/"))
            }
            (Some(f), _) if f.kind == FailureKind::Binding => {
                format!("not in our binding ({})", f.cause.replace('|', "/"))
            }
            _ => grow_cell(k, r),
        },
    }
}

/// `grow(1)` from the host next to `grow(1)` from the guest (the same 8 grows, through the
/// runtime's `Memory::grow` or JavaScript's `memory.grow(1)`), and on a shared memory next to the
/// same imported memory unshared, at 4096 pages (and 1 page for host against guest).
fn host_and_shared_grows(ctx: &Ctx, rows: &[(&CaseKey, &Row)], md: &mut String) {
    let find = |c: &CaseKey, pattern: CasePattern, pages: u64, variant: &CaseVariant| {
        rows.iter()
            .find(|(k, _)| {
                k.runtime == c.runtime
                    && k.strategy == c.strategy
                    && k.pattern == pattern
                    && k.size_bytes == pages * PAGE
                    && k.variant == *variant
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
            "\n## `grow(1)` from the host next to `grow(1)` from the guest\n\n\
             The same {} grows of one page from the same size, made by the guest (`grow1-at`: \
             `memory.grow` in its loop) and by the host (`host-grow1-at`: the runtime's \
             `Memory::grow`, or `memory.grow(1)` from JavaScript, the loop timed by the engine's \
             own clock); time per grow, memory declared with an exact maximum. A ratio below 1 \
             means the host's grow is cheaper.\n",
            membench_data::grow::AT_GROWS
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
            "\n## `grow(1)` on a shared memory\n\n\
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

/// The grow twins' build: the same text over a 64-bit memory, against its 32-bit twin
/// ([`GuestBuild::baseline`]).
const TWIN: GuestBuild = GuestBuild::Memory64;

/// `1 page`, `4096 pages`.
fn pages(n: u64) -> String {
    format!("{n} page{}", if n == 1 { "" } else { "s" })
}

/// The twins' section heading, without the `##`: memory64's words from the contiguous family's.
fn twin_heading() -> String {
    kind_words(TWIN).map_or_else(
        || TWIN.to_string(),
        |w| format!("{TWIN}: {}'s grow against {}", w.what, w.against),
    )
}

/// The twins in sentences: memory64's words, by time per grow (lower is faster).
fn twin_words() -> Option<TwinWords> {
    let words = kind_words(TWIN)?;
    Some(TwinWords {
        subject: "a grow of the 64-bit memory",
        measure: Measure::Time,
        ..words.pair
    })
}

/// Every `memory64` grow row beside its `memory32` twin (same pattern, size, runtime, strategy and
/// variant), and its time per grow ÷ the twin's.
fn twin_pairs<'a>(ctx: &Ctx<'a>) -> Vec<TwinPair<'a>> {
    let baseline = TWIN.baseline();
    ctx.twin_pairs(
        Family::Grow,
        |k| k.build == TWIN,
        |k, t| Some(t.build) == baseline && t.variant == k.variant,
        Measure::Time,
    )
}

/// The twin pairs the headline figures come from: `grow1-at` with an exact maximum on the default
/// strategies, at every size it ran.
fn twin_headline<'p, 'a>(pairs: &'p [TwinPair<'a>]) -> Vec<&'p TwinPair<'a>> {
    pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.variant == max() && k.pattern == grow1_at())
        .collect()
}

/// A 64-bit memory's grow against the same code's on a 32-bit one: the sentences per size, a
/// chart of the default strategies, a table per runtime-engine × strategy of every pair, and which
/// runtimes refuse a 64-bit memory, with their words.
fn memory64(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let (Some(words), Some(baseline)) = (twin_words(), TWIN.baseline()) else {
        return Ok(());
    };
    let pairs = twin_pairs(ctx);
    if pairs.is_empty() {
        return Ok(());
    }
    let _ = writeln!(
        md,
        "\n## {}\n\n\
         `guest-modules/wat/grow.wat`, one text over a 32-bit memory (`{baseline}`) and over a \
         64-bit one (`{TWIN}`, the {} proposal): the same grows, but for the address type and the \
         page counts `memory.grow` takes and returns. An engine cannot reserve a 64-bit memory's \
         whole range ahead as it may a 32-bit one's, so its grows may take another path. The \
         ratio is the `{TWIN}` twin's time per grow ÷ the `{baseline}` twin's on the same runtime, \
         strategy, pattern, size and variant, with its {:.0} % bootstrap interval (above 1: {} \
         is slower). A runtime without the proposal refuses the `{TWIN}` guest while it compiles \
         the `{baseline}` one: its case is *unsupported*, shown as refused. The twins grow from \
         the guest only, and are in no other table of this page.\n",
        twin_heading(),
        TWIN.proposal(),
        stats::CONFIDENCE * 100.0,
        words.subject,
    );
    let headline = twin_headline(&pairs);
    let by_size = |k: &CaseKey| {
        let n = k.size_bytes / PAGE;
        (
            n,
            format!("`{}` at {}, default strategies", k.pattern, pages(n)),
        )
    };
    for sentence in twin_findings(&words, &headline, &pairs, &by_size) {
        let _ = writeln!(md, "- {sentence}");
    }
    let _ = writeln!(md);
    twin_chart(
        dir,
        md,
        &words,
        &headline,
        &|k| {
            let n = k.size_bytes / PAGE;
            (n, format!("grow(1) at {}", pages(n)))
        },
        TwinChart {
            name: "grow-memory64",
            title: format!(
                "What does a 64-bit memory's grow cost against a 32-bit one's? ({TWIN} ÷ \
                 {baseline}, time per grow(1), exact maximum, default strategies)"
            ),
            axis: format!("time per grow of the {TWIN} twin ÷ the {baseline} twin's (log scale)"),
            reference: baseline.to_string(),
        },
    )?;
    let (twin, kind) = (format!("`{baseline}`"), format!("`{TWIN}`"));
    twin_tables(
        md,
        &pairs,
        &TwinColumns {
            case: "pattern | listed pages | variant",
            cells: |k| {
                format!(
                    "`{}` | {} | `{}`",
                    k.pattern,
                    k.size_bytes / PAGE,
                    k.variant
                )
            },
            figure: grow_cell,
            names: (&twin, &kind),
            ratio: &format!("{TWIN} ÷ {baseline}"),
        },
    );
    Ok(())
}

/// The summary's line pointing at `grow.md`: it names (and links) only the sections the page has,
/// so "on a 64-bit one" stands only where a 64-bit section exists.
pub(super) fn detail_line(ctx: &Ctx) -> String {
    let rows = scalar_rows(ctx);
    let mut parts = vec!["Every size, strategy and variant".to_string()];
    if rows.iter().any(|(k, _)| k.pattern == host_grow1_at()) {
        parts.push(format!(
            "[grows from the host](grow.md#{})",
            anchor("`grow(1)` from the host next to `grow(1)` from the guest")
        ));
    }
    if rows.iter().any(|(k, _)| k.variant == imported_shared_max()) {
        parts.push(format!(
            "[on a shared memory](grow.md#{})",
            anchor("`grow(1)` on a shared memory")
        ));
    }
    if twin_words().is_some() && !twin_pairs(ctx).is_empty() {
        parts.push(format!(
            "[on a 64-bit one](grow.md#{})",
            anchor(&twin_heading())
        ));
    }
    let list = match parts.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
        [] => String::new(),
    };
    format!("{list}: [grow.md](grow.md).")
}

/// The summary's sentence on the grow twins, linking their section: the range over `grow1-at` with
/// an exact maximum on the default strategies, the verdicts, and who refuses a 64-bit memory.
/// `None` when the run has no twin.
pub(super) fn memory64_summary(ctx: &Ctx) -> Option<String> {
    let words = twin_words()?;
    let pairs = twin_pairs(ctx);
    if pairs.is_empty() {
        return None;
    }
    let clause = twin_summary(&words, &twin_headline(&pairs), &pairs, |k| {
        format!("{} at {}", k.runtime_label(), pages(k.size_bytes / PAGE))
    });
    Some(format!(
        "[{TWIN}](grow.md#{}): `grow(1)` of a 64-bit memory against the same code on a 32-bit \
         one, exact maximum, default strategies: {clause}.",
        anchor(&twin_heading())
    ))
}

/// The grow-cost chart's lines: one per runtime @ strategy × variant, each point at the size the
/// case ran (`key.ran_bytes`), hollow when capped, one point per
/// size (a case capped to a size another case of the line also ran at is not drawn twice).
pub fn grow_lines<'a>(rows: impl Iterator<Item = (&'a CaseKey, &'a Row)>) -> Vec<Line> {
    // (runtime, (not default, strategy), variant) → (runtime @ strategy, ran bytes → the case
    // drawn there).
    type Points<'a> = BTreeMap<u64, (&'a CaseKey, &'a Row)>;
    type Series<'a> = BTreeMap<(String, (bool, String), String), (String, Points<'a>)>;
    let mut series: Series = BTreeMap::new();
    for (k, row) in rows {
        if row.estimate.is_none() || row.failure.is_some() {
            continue;
        }
        let (_, line) = series
            .entry((
                k.runtime.clone(),
                (!k.strategy.default, k.strategy.slug.clone()),
                k.variant.to_string(),
            ))
            .or_insert_with(|| (k.runtime_label(), BTreeMap::new()));
        // At one x, keep the case listed closest to where it ran.
        match line.get(&k.ran_bytes) {
            Some((held, _)) if held.size_bytes <= k.size_bytes => {}
            _ => {
                line.insert(k.ran_bytes, (k, row));
            }
        }
    }
    // Each runtime-engine keeps its colour; its non-default strategies are lighter and darker
    // shades of it, in slug order.
    let mut strategies: BTreeMap<String, BTreeSet<(bool, String)>> = BTreeMap::new();
    for (runtime, strategy, _) in series.keys() {
        strategies
            .entry(runtime.clone())
            .or_default()
            .insert(strategy.clone());
    }
    series
        .into_iter()
        .map(|((runtime, strategy, variant), (label, points))| {
            let dashed = variant != max().to_string();
            let base = charts::runtime_color(&runtime);
            let nth = strategies
                .get(&runtime)
                .and_then(|s| s.iter().position(|x| *x == strategy))
                .unwrap_or(0) as i32;
            // 0 (the default strategy, or the first of the others) keeps the colour itself; then
            // darker, lighter, darker, ...
            let step = if nth % 2 == 1 {
                -(nth + 1) / 2
            } else {
                nth / 2
            };
            Line {
                color: charts::shade(base, step),
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
/// The cheapest and dearest `grow(1)` at 4096 pages with a maximum, among the cases that ran
/// there (not capped).
pub(super) fn cheapest_and_dearest(at: &[(&CaseKey, &Row)]) -> Option<String> {
    let mut ran: Vec<(&CaseKey, &Row)> = at
        .iter()
        .filter(|(k, r)| {
            k.size_bytes == 4096 * PAGE
                && k.variant == max()
                && !is_native(k)
                && !k.capped()
                && r.estimate.is_some()
                && r.failure.is_none()
        })
        .copied()
        .collect();
    ran.sort_by(|a, b| {
        let t = |r: &Row| r.estimate.map_or(f64::MAX, |e| e.point_ns);
        t(a.1).total_cmp(&t(b.1))
    });
    let (lo, hi) = (ran.first()?, ran.last()?);
    // Criterion's intervals: a cheapest whose interval overlaps another's is a tie.
    let ((cheapest, cheap_ties), (dearest, dear_ties)) = ends_with_ties(
        ran.iter()
            .filter_map(|(k, r)| {
                let e = r.estimate?;
                Some((k.runtime_label(), e.lower_ns, e.upper_ns))
            })
            .collect(),
    )?;
    Some(format!(
        "`grow(1)` at 4096 pages with a maximum, among the wasm runtimes that ran there: cheapest {cheapest} ({}){}; dearest {dearest} ({}){}.",
        ci(lo.1),
        tie_clause(&cheap_ties),
        ci(hi.1),
        tie_clause(&dear_ties)
    ))
}

/// Per default configuration: the range of `grow(1)` over both variants at 1 and 4096 pages.
fn grow_range(at: &[(&CaseKey, &Row)]) -> Option<String> {
    let mut per_runtime: BTreeMap<String, BTreeMap<u64, Vec<f64>>> = BTreeMap::new();
    for (k, r) in at {
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
    (!defaults.is_empty()).then(|| {
        format!(
            "One `grow(1)`, with and without a declared maximum (range of criterion's estimates \
             over the two; default strategies): {}.",
            defaults.join("; ")
        )
    })
}

/// Sentences from the grow table: the cheapest and dearest `grow(1)` at 4096 pages among cases
/// that ran there, the range per runtime, the capped cases, and what a declared maximum changed
/// (by the verdict).
fn findings_grow(ctx: &Ctx, at: &[(&CaseKey, &Row)], md: &mut String) {
    let listed: Vec<(&CaseKey, &Row)> = at
        .iter()
        .filter(|(k, r)| {
            k.size_bytes == 4096 * PAGE
                && k.variant == max()
                && r.estimate.is_some()
                && r.failure.is_none()
        })
        .copied()
        .collect();
    for line in [
        cheapest_and_dearest(at),
        grow_range(at),
        capped_sentence(at),
    ]
    .into_iter()
    .flatten()
    {
        let _ = writeln!(md, "- {line}");
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
pub(super) fn max_vs_nomax(
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

/// Per configuration that ran capped: where it ran and what was listed.
fn capped_sentence(at: &[(&CaseKey, &Row)]) -> Option<String> {
    let mut capped: BTreeMap<(String, u64, Option<u64>), BTreeSet<u64>> = BTreeMap::new();
    for (k, r) in at.iter().filter(|(k, _)| k.capped()) {
        let cap = r.record.as_ref().and_then(|r| r.capped_at_pages);
        capped
            .entry((k.runtime_label(), k.ran_bytes / PAGE, cap))
            .or_default()
            .insert(k.size_bytes / PAGE);
    }
    if capped.is_empty() {
        return None;
    }
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
    Some(format!(
        "Strategies that move memory on every grow ran capped; their `grow(1)` figures are of the \
         size they ran at: {}.",
        parts.join("; ")
    ))
}
