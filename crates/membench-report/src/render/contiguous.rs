//! `contiguous.md`: warm load/store throughput against native (a chart per working set and build,
//! a table per runtime-engine), the memory variants and strategies (a table per runtime-engine ×
//! strategy), each memory kind against its 32-bit twin (a section per kind: memory64, 1-byte
//! pages, a second memory), and first touch (a table per runtime-engine).

use super::*;
use crate::charts::{Axis, Chart, DotPanel, Frame, Unit};

/// The warm contiguous rows (no first touch) of the Rust guest's builds, which compare with native;
/// the memory-kind twins compare with each other ([`memory_kinds`]).
fn warm<'a>(ctx: &Ctx<'a>) -> Vec<(&'a CaseKey, &'a Row)> {
    ctx.family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| !ctx.is_first_touch(k) && !GuestBuild::MEMORY_KINDS.contains(&k.build))
        .collect()
}

/// A memory-kind row, its 32-bit twin (same pattern, size, runtime, strategy and variant) and the
/// kind's throughput ÷ the twin's.
type KindPair<'a> = (&'a CaseKey, &'a Row, Option<&'a Row>, Option<Comparison>);

/// The memory kinds compared with a twin: every one of [`GuestBuild::MEMORY_KINDS`] that has a
/// baseline (memory64, 1-byte pages, a second memory), in that order.
pub(super) fn compared_kinds() -> impl Iterator<Item = GuestBuild> {
    GuestBuild::MEMORY_KINDS
        .into_iter()
        .filter(|b| b.baseline().is_some())
}

/// How the report speaks of one memory kind. The kinds differ in these words alone: their section,
/// chart and sentences are one function over them ([`memory_kind`], [`kind_findings`],
/// [`kind_summary`]).
struct KindWords {
    /// What the kind is, after its id in the heading: `a 64-bit memory`.
    what: &'static str,
    /// What it is compared with, ending the heading: `the same code on a 32-bit one`.
    against: &'static str,
    /// The memory the kind's twin runs over, in the section's first sentence: `a 64-bit one`.
    over: &'static str,
    /// The one thing the twins differ in.
    difference: &'static str,
    /// Why that may cost something on each access.
    why: &'static str,
    /// The kind as a sentence's subject: `the 64-bit memory`.
    subject: &'static str,
    /// The twin as a sentence names it: `the 32-bit twin`.
    twin: &'static str,
    /// What a runtime without the proposal refuses: `a 64-bit memory`.
    refused: &'static str,
    /// The chart's question.
    question: &'static str,
}

/// The words of a kind compared with a twin; `None` for the builds that are not.
fn kind_words(build: GuestBuild) -> Option<KindWords> {
    Some(match build {
        GuestBuild::Memory64 => KindWords {
            what: "a 64-bit memory",
            against: "the same code on a 32-bit one",
            over: "a 64-bit one",
            difference: "the address type",
            why: "A 64-bit address cannot be kept in bounds by a guard region, so an engine \
                  checks it on every access.",
            subject: "the 64-bit memory",
            twin: "the 32-bit twin",
            refused: "a 64-bit memory",
            question: "What does a 64-bit memory cost each load and store?",
        },
        GuestBuild::PageSize1 => KindWords {
            what: "1-byte pages (custom-page-sizes)",
            against: "the same code on 64 KiB pages",
            over: "a 32-bit memory of 1-byte pages",
            difference: "the page size the memory declares (the same bytes: 65536 one-byte pages \
                         for each 64 KiB page)",
            why: "A memory of 1-byte pages may end at any byte, so no guard region past its last \
                  page keeps an access in bounds: an engine checks it explicitly.",
            subject: "the memory of 1-byte pages",
            twin: "the 64 KiB-page twin",
            refused: "1-byte pages",
            question: "What do 1-byte pages cost each load and store?",
        },
        GuestBuild::SecondMemory => KindWords {
            what: "a second memory (multi-memory)",
            against: "the same code on a module's only memory",
            over: "the second of two 32-bit memories",
            difference: "the memory every load and store names (memory 1; memory 0 is a 1-page \
                         memory nothing touches)",
            why: "An engine may keep memory 0's base and bound at hand and reach any other \
                  memory through the instance, a load more per access.",
            subject: "the second memory",
            twin: "the one-memory twin",
            refused: "a second memory",
            question: "What does a second memory cost each load and store?",
        },
        _ => return None,
    })
}

/// A kind's section heading, without the `##`: `memory64: a 64-bit memory against the same code
/// on a 32-bit one`.
fn kind_heading(build: GuestBuild, words: &KindWords) -> String {
    format!("{build}: {} against {}", words.what, words.against)
}

/// The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, spaces as
/// `-`; so the summary links a section by the heading this page writes, never by a typed anchor.
pub(super) fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The warm rows of `build`, each with its twin of [`GuestBuild::baseline`] (same pattern, size,
/// runtime, strategy and variant) and the kind's throughput ÷ the twin's.
fn kind_pairs<'a>(ctx: &Ctx<'a>, build: GuestBuild) -> Vec<KindPair<'a>> {
    let family = ctx.family(Family::Contiguous);
    let baseline = build.baseline();
    let mut out: Vec<_> = family
        .iter()
        .filter(|(k, _)| k.build == build && !ctx.is_first_touch(k))
        .map(|(k, row)| {
            let twin = family
                .iter()
                .find(|(t, _)| {
                    Some(t.build) == baseline
                        && t.pattern == k.pattern
                        && t.size_bytes == k.size_bytes
                        && t.runtime == k.runtime
                        && t.strategy == k.strategy
                        && t.variant == k.variant
                })
                .map(|(_, t)| *t);
            let c = twin.and_then(|t| ctx.throughput_ratio(row, t));
            (*k, *row, twin, c)
        })
        .collect();
    out.sort_by_key(|(k, ..)| {
        (
            runtime_order(k),
            k.pattern.clone(),
            k.size_bytes,
            k.variant.clone(),
        )
    });
    out
}

/// The pairs the headline figures come from: default strategies, `defined-max`, 1 MiB.
fn headline_pairs<'p, 'a>(pairs: &'p [KindPair<'a>]) -> Vec<&'p KindPair<'a>> {
    pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.variant == max() && k.size_bytes == 1 << 20)
        .collect()
}

/// Every memory kind against its 32-bit twin, one section each ([`memory_kind`]).
fn memory_kinds(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    for build in compared_kinds() {
        memory_kind(ctx, build, dir, md)?;
    }
    Ok(())
}

/// One memory kind against its 32-bit twin: the sentences, a chart of the default strategies at
/// 1 MiB, a table per runtime-engine × strategy, and which runtimes refuse the kind, with their
/// words.
fn memory_kind(ctx: &Ctx, build: GuestBuild, dir: &Path, md: &mut String) -> Result<()> {
    let (Some(words), Some(baseline)) = (kind_words(build), build.baseline()) else {
        return Ok(());
    };
    let pairs = kind_pairs(ctx, build);
    let _ = writeln!(md, "## {}\n", kind_heading(build, &words));
    if pairs.is_empty() {
        let _ = writeln!(md, "No {build} cases in this run.\n");
        return Ok(());
    }
    let _ = writeln!(
        md,
        "The kernels of `guest-modules/wat/contiguous.wat`, generated from one text over a 32-bit \
         memory (`{baseline}`) and over {} (`{build}`, the {} proposal), the same loops but for \
         {}. {} The ratio is the `{build}` twin's throughput ÷ the `{baseline}` twin's on the same \
         runtime, strategy, size and memory variant, with its {:.0} % bootstrap interval (below \
         1: {} is slower). A runtime without the proposal refuses the `{build}` guest while it \
         compiles the `{baseline}` one: its case is *unsupported*, shown as refused.\n",
        words.over,
        build.proposal(),
        words.difference,
        words.why,
        stats::CONFIDENCE * 100.0,
        words.subject,
    );
    for sentence in kind_findings(build, &pairs) {
        let _ = writeln!(md, "- {sentence}");
    }
    let _ = writeln!(md);
    // The chart: default strategies, defined-max, 1 MiB.
    let headline = headline_pairs(&pairs);
    let patterns: BTreeSet<&str> = headline.iter().map(|(k, ..)| k.pattern.as_str()).collect();
    let panels: Vec<DotPanel> = patterns
        .iter()
        .map(|p| DotPanel {
            title: p.to_string(),
            rows: headline
                .iter()
                .filter(|(k, ..)| k.pattern == *p)
                .map(|(k, row, _, c)| dot_row(k, row, *c))
                .collect(),
        })
        .collect();
    if !panels.is_empty() {
        let name = build.id();
        let per_panel = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        charts::write_both(
            dir,
            name,
            (1400, (160 + (60 + 20 * per_panel) * panels.len().div_ceil(2) as u32).max(500)),
            &Chart::Dots {
                frame: Frame {
                    title: format!(
                        "{} ({build} ÷ {}, warm, 1 MiB)",
                        words.question, words.against
                    ),
                    footer: footer(
                        &headline.iter().filter_map(|(_, r, ..)| r.run()).collect::<Vec<_>>(),
                    ),
                },
                panels,
                cols: 2,
                axis: Axis {
                    label: format!(
                        "throughput of the {build} twin ÷ the {baseline} twin's (log scale)"
                    ),
                    unit: Unit::Ratio,
                },
                reference: Some((1.0, baseline.to_string())),
                legend: Some(format!(
                    "dot: ratio of mean times per byte; whisker: {:.0} % bootstrap interval; line: {} (1×)",
                    stats::CONFIDENCE * 100.0,
                    words.twin
                )),
            },
        )?;
        let _ = writeln!(
            md,
            "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
    }
    let rows: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, row, twin, c)| {
            (
                format!("`{}`", k.runtime_label()),
                format!(
                    "| `{}` | {} | `{}` | {} | {} | {} | {} |",
                    k.pattern,
                    size_heading(k.size_bytes),
                    k.variant,
                    twin.map_or("–".into(), throughput),
                    match row.failure_kind() {
                        Some(FailureKind::Unsupported) => "refused".into(),
                        _ => throughput(row),
                    },
                    ratio_cell(*c),
                    c.map_or(status(row).to_string(), |c| c.verdict.to_string()),
                ),
            )
        })
        .collect();
    grouped_tables(
        md,
        "###",
        &format!(
            "| pattern | working set | variant | `{baseline}` | `{build}` | {build} ÷ {baseline} [{:.0} % interval] | verdict |\n|---|---|---|---|---|---|---|",
            stats::CONFIDENCE * 100.0
        ),
        rows,
    );
    Ok(())
}

/// The range of the kind's throughput ÷ its twin's over `of` (labelled comparisons), and who is
/// slower, no different and faster: `the 64-bit memory ran at 0.8× [..] (a) to 1.0× [..] (b) of
/// the 32-bit twin's throughput; slower on 1 (a); no different on 1 (b)`. Names are listed when a
/// verdict has at most `names` of them (all when `None`), otherwise counted.
fn range_and_verdicts(
    words: &KindWords,
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
    Some(format!(
        "{} ran at {} ({}) to {} ({}) of {}'s throughput; {}",
        words.subject,
        lo.1.label(),
        lo.0,
        hi.1.label(),
        hi.0,
        words.twin,
        verdicts.join("; ")
    ))
}

/// The runtimes that refuse the kind (its case *unsupported*), each with the engine's words.
fn refusals(pairs: &[KindPair]) -> BTreeMap<String, String> {
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    for (k, row, ..) in pairs {
        if let (Some(FailureKind::Unsupported), Some(f)) = (row.failure_kind(), &row.failure) {
            refused
                .entry(k.runtime.clone())
                .or_insert_with(|| refusal_reason(&f.cause));
        }
    }
    refused
}

/// Sentences on one memory kind: per pattern at 1 MiB on the default strategies, the range of the
/// kind ÷ its twin and the verdicts; then the runtimes that refuse the kind, with their reason.
fn kind_findings(build: GuestBuild, pairs: &[KindPair]) -> Vec<String> {
    let Some(words) = kind_words(build) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let headline = headline_pairs(pairs);
    let patterns: BTreeSet<&str> = headline.iter().map(|(k, ..)| k.pattern.as_str()).collect();
    for p in patterns {
        let of: Vec<(String, Comparison)> = headline
            .iter()
            .filter(|(k, ..)| k.pattern == p)
            .filter_map(|(k, _, _, c)| Some((k.runtime_label(), (*c)?)))
            .collect();
        if let Some(s) = range_and_verdicts(&words, of, None) {
            out.push(format!("`{p}`, 1 MiB, default strategies: {s}."));
        }
    }
    let refused = refusals(pairs);
    if !refused.is_empty() {
        let list: Vec<String> = refused
            .iter()
            .map(|(r, why)| format!("{r} ({why})"))
            .collect();
        out.push(format!(
            "Refuse {} while they run {}: {}.",
            words.refused,
            words.twin,
            list.join("; ")
        ));
    }
    out
}

/// The summary's sentence on one memory kind, linking its section: the range over every pattern
/// at 1 MiB on the default strategies, the verdicts (named when few), and who refuses the kind.
/// `None` when the run has no case of the kind.
pub(super) fn kind_summary(ctx: &Ctx, build: GuestBuild) -> Option<String> {
    let words = kind_words(build)?;
    let pairs = kind_pairs(ctx, build);
    if pairs.is_empty() {
        return None;
    }
    let of: Vec<(String, Comparison)> = headline_pairs(&pairs)
        .iter()
        .filter_map(|(k, _, _, c)| Some((format!("{} `{}`", k.runtime_label(), k.pattern), (*c)?)))
        .collect();
    let figures = range_and_verdicts(&words, of, Some(3))
        .unwrap_or_else(|| "no case measured beside its twin".into());
    let refused = refusals(&pairs);
    let refusers = if refused.is_empty() {
        String::new()
    } else {
        format!(
            "; refused by {}",
            refused.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    Some(format!(
        "[{build}](contiguous.md#{}), {}, 1 MiB, default strategies: {figures}{refusers}.",
        anchor(&kind_heading(build, &words)),
        words.what,
    ))
}

/// The engine's own words from an *unsupported* cause: the last part of the error chain, cut to
/// one line.
fn refusal_reason(cause: &str) -> String {
    let last = cause
        .rsplit(": ")
        .next()
        .unwrap_or(cause)
        .lines()
        .next()
        .unwrap_or("");
    let mut s: String = last.chars().take(90).collect();
    if last.chars().count() > 90 {
        s.push('…');
    }
    format!("“{}”", s.trim())
}

/// Native first, then by runtime label.
fn runtime_order(k: &CaseKey) -> (bool, String) {
    (!is_native(k), k.runtime_label())
}

pub(super) fn page(ctx: &Ctx, dir: &Path) -> Result<String> {
    let mut md = String::new();
    let all = ctx.family(Family::Contiguous);
    page_head(&mut md, "contiguous.md", &run_line(&Ctx::stamps(&all)));
    let _ = writeln!(
        md,
        "{}\n",
        spread_line(ctx.results, Family::Contiguous.id())
    );
    contiguous(ctx, dir, &mut md)?;
    memory_kinds(ctx, dir, &mut md)?;
    first_touch(ctx, &mut md);
    Ok(md)
}

/// The sentence of one headline pattern in one (size, build) group: the fastest and the slowest
/// runtime against native.
fn extremes(found: &[(String, String, Comparison)], pattern: &str) -> Option<String> {
    let mut of: Vec<&(String, String, Comparison)> =
        found.iter().filter(|f| f.0 == pattern).collect();
    of.sort_by(|a, b| b.2.ratio.total_cmp(&a.2.ratio));
    let (best, worst) = (of.first()?, of.last()?);
    Some(format!(
        "fastest {} at {} native's throughput, slowest {} at {}",
        best.1,
        best.2.label(),
        worst.1,
        worst.2.label(),
    ))
}

/// Contiguous throughput against native of the same pattern, size and build.
fn contiguous(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(md, "## Warm memory: throughput against native\n");
    let rows = warm(ctx);
    if rows.is_empty() {
        let _ = writeln!(md, "No contiguous results in this run.\n");
        return Ok(());
    }
    let _ = writeln!(
        md,
        "Throughput of each runtime divided by native's for the same pattern, working set and \
         guest build (scalar wasm against the scalar native copy, `simd128` wasm against the \
         vectorised native build), warm memory. The runtimes' memory is declared with an exact \
         maximum (`defined-max`); native is the same guest source over a host buffer. Dots: the \
         ratio; whiskers: its 95 % bootstrap interval over both cases' samples; the line: native \
         (1×). Every figure is in the [table of its runtime-engine](#per-runtime-engine).\n"
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
        let name = chart_name(size, build);
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
        let mut panels = Vec::new();
        let mut found: Vec<(String, String, Comparison)> = Vec::new();
        for pattern in &pattern_names {
            let mut of_pattern: Vec<(&CaseKey, &Row)> = in_group
                .iter()
                .filter(|(k, _)| k.pattern == *pattern && !is_native(k))
                .copied()
                .collect();
            of_pattern.sort_by_key(|(k, _)| runtime_order(k));
            let mut dots = Vec::new();
            for (k, row) in &of_pattern {
                let c = ctx.vs_native(k, row);
                let mut dot = dot_row(k, row, c);
                if c.is_none() && status(row) == "measured" && ctx.native_of(k).is_none() {
                    dot.note = Some("no native case".into());
                }
                dots.push(dot);
                if let Some(c) = c {
                    found.push((pattern.to_string(), k.runtime_label(), c));
                }
            }
            panels.push(DotPanel {
                title: pattern.to_string(),
                rows: dots,
            });
        }
        for pattern in ["seq-read-i64", "random-read-i64", "seq-write-i64"] {
            if let Some(s) = extremes(&found, pattern) {
                let _ = writeln!(md, "- **{pattern}, {size_name}, {build}**: {s}.");
            }
        }
        let _ = writeln!(md);
        let per_panel = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        let height = 140 + (60 + 20 * per_panel) * panels.len().div_ceil(2) as u32;
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
    per_runtime(ctx, &main, md);
    variants_and_strategies(ctx, &rows, md);
    Ok(())
}

/// The chart of one working set and build: `contiguous-1MiB`, `contiguous-1MiB-simd128`.
pub(super) fn chart_name(size: u64, build: GuestBuild) -> String {
    match build {
        GuestBuild::Scalar => format!("contiguous-{}", size_heading(size)),
        other => format!("contiguous-{}-{other}", size_heading(size)),
    }
}

/// One table per runtime-engine: every warm case of its default strategy with `defined-max`.
fn per_runtime(ctx: &Ctx, main: &[(&CaseKey, &Row)], md: &mut String) {
    let _ = writeln!(md, "## Per runtime-engine\n");
    let _ = writeln!(
        md,
        "Warm memory, each runtime's default strategy with `defined-max` (native: a host \
         buffer); throughput ÷ native's of the same pattern, size and build.\n"
    );
    let mut sorted = main.to_vec();
    sorted.sort_by_key(|(k, _)| (runtime_order(k), k.size_bytes, k.build, k.pattern.clone()));
    let rows = sorted
        .iter()
        .map(|(k, row)| {
            let c = ctx.vs_native(k, row);
            let (cell, verdict) = if is_native(k) {
                ("1 (reference)".to_string(), String::new())
            } else {
                (ratio_cell(c), throughput_verdict(c, "native"))
            };
            (
                k.runtime_label(),
                format!(
                    "| {} | {} | {} | {} | {} | {cell} | {verdict} |",
                    size_heading(k.size_bytes),
                    k.build,
                    k.pattern,
                    ci(row),
                    throughput(row),
                ),
            )
        })
        .collect();
    grouped_tables(
        md,
        "###",
        "| size | build | pattern | time per call | throughput | throughput ÷ native's [95 % interval] | |\n|---|---|---|---|---|---|---|",
        rows,
    );
}

/// The contiguous cases in other memory variants and strategies, against the runtime's default
/// strategy in `defined-max`: one table per runtime-engine × strategy.
fn variants_and_strategies(ctx: &Ctx, rows: &[(&CaseKey, &Row)], md: &mut String) {
    let mut others: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, _)| !(k.strategy.default && main_variant(k)))
        .copied()
        .collect();
    if others.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Memory variants and strategies\n");
    let _ = writeln!(
        md,
        "The same patterns under each declared-memory variant (`defined`/`imported`, without a \
         maximum, with an exact one, with 4 GiB) and each host strategy (`@<slug>`; the knobs are \
         under each heading), against the same runtime's default strategy with `defined-max` (the \
         time ratio: below 1 is faster). One table per runtime-engine × strategy.\n"
    );
    others.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.pattern.clone(),
            k.size_bytes,
            k.build,
            k.variant.clone(),
        )
    });
    let table = others
        .iter()
        .map(|(k, row)| {
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
            (
                format!("{} (`{}`)", k.runtime_label(), k.strategy.knobs),
                format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    k.pattern,
                    size_heading(k.size_bytes),
                    k.build,
                    k.variant,
                    ci(row),
                    throughput(row),
                    ratio_cell(ctx.vs_native(k, row)),
                    ratio_cell(c),
                    c.map_or(String::new(), |c| c.verdict.to_string()),
                ),
            )
        })
        .collect();
    grouped_tables(
        md,
        "###",
        "| pattern | size | build | variant | time per call | throughput | ÷ native's | time ÷ default, defined-max [95 % interval] | |\n|---|---|---|---|---|---|---|---|---|",
        table,
    );
}

/// First-touch throughput beside the warm one of the same case, one table per runtime-engine ×
/// strategy, and the runtimes that have none.
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
    rows.sort_by_key(|(k, _)| (runtime_order(k), k.size_bytes, k.pattern.clone(), k.build));
    let _ = writeln!(
        md,
        "Each first-touch call runs once over a fresh instance's working set, which was checked \
         (`/proc/<pid>/pagemap`, outside the timing) to be non-resident before the call. Beside it, the warm \
         figure of the same pattern, size, runtime, strategy, variant and build; the ratio is \
         first-touch throughput ÷ warm throughput.\n"
    );
    let mut findings = Vec::new();
    let mut table = Vec::new();
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
        table.push((
            k.runtime_label(),
            format!(
                "| {} | {} | {} | {} | {} | {} | {} | {resident} |",
                k.pattern,
                size_heading(k.size_bytes),
                k.build,
                ci(row),
                throughput(row),
                warm.map_or("–".into(), throughput),
                match c {
                    Some(c) => format!("{} ({})", c.label(), throughput_verdict(Some(c), "warm")),
                    None => "–".into(),
                }
            ),
        ));
    }
    grouped_tables(
        md,
        "###",
        "| pattern | size | build | first-touch time per call | first-touch throughput | warm throughput | first touch ÷ warm [95 % interval] | resident before the call |\n|---|---|---|---|---|---|---|---|",
        table,
    );
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
