//! `contiguous.md`: warm load/store throughput against native (a chart per working set and build,
//! a table per runtime-engine), the memory variants and strategies (a table per runtime-engine ×
//! strategy), each memory kind against its 32-bit twin (a section per kind: memory64, 1-byte
//! pages, a second memory), a shared memory against the same memory unshared, and first touch (a
//! table per runtime-engine).

use super::*;

/// The warm contiguous rows (no first touch) of the Rust guest's builds, which compare with native;
/// the memory-kind twins compare with each other ([`memory_kinds`]).
fn warm<'a>(ctx: &Ctx<'a>) -> Vec<(&'a CaseKey, &'a Row)> {
    ctx.family(Family::Contiguous)
        .into_iter()
        .filter(|(k, _)| !ctx.is_first_touch(k) && !GuestBuild::MEMORY_KINDS.contains(&k.build))
        .collect()
}

/// The memory kinds compared with a twin: every one of [`GuestBuild::MEMORY_KINDS`] that has a
/// baseline (memory64, 1-byte pages, a second memory), in that order.
pub(super) fn compared_kinds() -> impl Iterator<Item = GuestBuild> {
    GuestBuild::MEMORY_KINDS
        .into_iter()
        .filter(|b| b.baseline().is_some())
}

/// How the report speaks of one memory kind. The kinds differ in these words alone: their section,
/// chart and sentences are one function over them ([`memory_kind`], [`kind_summary`]), and the
/// grow family's 64-bit twin is named with memory64's ([`super::grow`]).
pub(super) struct KindWords {
    /// What the kind is, after its id in the heading: `a 64-bit memory`.
    pub what: &'static str,
    /// What it is compared with, ending the heading: `the same code on a 32-bit one`.
    pub against: &'static str,
    /// The memory the kind's twin runs over, in the section's first sentence: `a 64-bit one`.
    pub over: &'static str,
    /// The one thing the twins differ in.
    difference: &'static str,
    /// Why that may cost something on each access.
    why: &'static str,
    /// The kind against its twin in sentences (`the 64-bit memory`, `the 32-bit twin`, refusing
    /// `a 64-bit memory`), by throughput.
    pub pair: TwinWords,
    /// The chart's question.
    question: &'static str,
}

/// The words of a kind compared with a twin; `None` for the builds that are not.
pub(super) fn kind_words(build: GuestBuild) -> Option<KindWords> {
    let pair = |subject, twin, refused| TwinWords {
        subject,
        twin,
        refused,
        measure: Measure::PerByte,
    };
    Some(match build {
        GuestBuild::Memory64 => KindWords {
            what: "a 64-bit memory",
            against: "the same code on a 32-bit one",
            over: "a 64-bit one",
            difference: "the address type",
            why: "A 64-bit address cannot be kept in bounds by a guard region, so an engine \
                  checks it on every access.",
            pair: pair("the 64-bit memory", "the 32-bit twin", "a 64-bit memory"),
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
            pair: pair(
                "the memory of 1-byte pages",
                "the 64 KiB-page twin",
                "1-byte pages",
            ),
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
            pair: pair(
                "the second memory",
                "the one-memory twin",
                "a second memory",
            ),
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

/// The warm rows of `build`, each with its twin of [`GuestBuild::baseline`] (same pattern, size,
/// runtime, strategy and variant) and the kind's throughput ÷ the twin's.
fn kind_pairs<'a>(ctx: &Ctx<'a>, build: GuestBuild) -> Vec<TwinPair<'a>> {
    let baseline = build.baseline();
    ctx.twin_pairs(
        Family::Contiguous,
        |k| k.build == build && !ctx.is_first_touch(k),
        |k, t| Some(t.build) == baseline && t.variant == k.variant,
        Measure::PerByte,
    )
}

/// The pairs the headline figures come from: default strategies, `defined-max`, 1 MiB.
fn headline_pairs<'p, 'a>(pairs: &'p [TwinPair<'a>]) -> Vec<&'p TwinPair<'a>> {
    pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.variant == max() && k.size_bytes == 1 << 20)
        .collect()
}

/// A headline pair's group: its pattern, at 1 MiB on the default strategies.
fn by_pattern(k: &CaseKey) -> (u64, String) {
    (0, format!("`{}`, 1 MiB, default strategies", k.pattern))
}

/// The columns of a contiguous twin table: pattern and working set (and variant, when the twins
/// share it), throughput.
fn columns<'f>(
    case: &'f str,
    cells: fn(&CaseKey) -> String,
    names: (&'f str, &'f str),
    ratio: &'f str,
) -> TwinColumns<'f> {
    TwinColumns {
        case,
        cells,
        figure: |_, row| throughput(row),
        names,
        ratio,
    }
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
        words.pair.subject,
    );
    let headline = headline_pairs(&pairs);
    for sentence in twin_findings(&words.pair, &headline, &pairs, &by_pattern) {
        let _ = writeln!(md, "- {sentence}");
    }
    let _ = writeln!(md);
    twin_chart(
        dir,
        md,
        &words.pair,
        &headline,
        &|k| (0, k.pattern.to_string()),
        TwinChart {
            name: build.id(),
            title: format!(
                "{} ({build} ÷ {}, warm, 1 MiB)",
                words.question, words.against
            ),
            axis: format!("throughput of the {build} twin ÷ the {baseline} twin's (log scale)"),
            reference: baseline.to_string(),
        },
    )?;
    let (twin, kind) = (format!("`{baseline}`"), format!("`{build}`"));
    twin_tables(
        md,
        &pairs,
        &columns(
            "pattern | working set | variant",
            |k| {
                format!(
                    "`{}` | {} | `{}`",
                    k.pattern,
                    size_heading(k.size_bytes),
                    k.variant
                )
            },
            (&twin, &kind),
            &format!("{build} ÷ {baseline}"),
        ),
    );
    Ok(())
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
    let clause = twin_summary(&words.pair, &headline_pairs(&pairs), &pairs, |k| {
        format!("{} `{}`", k.runtime_label(), k.pattern)
    });
    Some(format!(
        "[{build}](contiguous.md#{}), {}, 1 MiB, default strategies: {clause}.",
        anchor(&kind_heading(build, &words)),
        words.what,
    ))
}

/// The shared section's heading.
const SHARED_HEADING: &str = "A shared memory against the same memory unshared";

/// The shared memory against the same memory unshared, in sentences, by throughput.
const SHARED_WORDS: TwinWords = TwinWords {
    subject: "the shared memory",
    twin: "the unshared twin",
    refused: "a shared memory",
    measure: Measure::PerByte,
};

/// The warm rows on a shared memory (`imported-shared-max`), each beside the same case on the same
/// memory unshared (`imported-max`: same pattern, size, runtime, strategy and build), and the
/// shared case's throughput ÷ the unshared one's.
fn shared_pairs<'a>(ctx: &Ctx<'a>) -> Vec<TwinPair<'a>> {
    let (shared, unshared) = (imported_shared_max(), imported_max());
    ctx.twin_pairs(
        Family::Contiguous,
        |k| k.variant == shared && !ctx.is_first_touch(k),
        |k, t| t.variant == unshared && t.build == k.build,
        Measure::PerByte,
    )
}

/// The shared pairs the headline figures come from: default strategies, 1 MiB.
fn shared_headline<'p, 'a>(pairs: &'p [TwinPair<'a>]) -> Vec<&'p TwinPair<'a>> {
    pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.size_bytes == 1 << 20)
        .collect()
}

/// A shared memory against the same memory unshared: the sentences per headline pattern, a table
/// per runtime-engine × strategy, and which runtimes refuse shared memories, with their words.
fn shared_memory(ctx: &Ctx, md: &mut String) {
    let pairs = shared_pairs(ctx);
    let _ = writeln!(md, "## {SHARED_HEADING}\n");
    if pairs.is_empty() {
        let _ = writeln!(md, "No shared-memory cases in this run.\n");
        return;
    }
    let (shared, unshared) = (imported_shared_max(), imported_max());
    let _ = writeln!(
        md,
        "The Rust guest's kernels on a memory the host creates with an exact maximum and the \
         guest imports, shared (`{shared}`: `new WebAssembly.Memory({{initial, maximum, shared: \
         true}})`) and unshared (`{unshared}`): the same module and the same plain loads and \
         stores, but for the memory's `shared` flag. A shared memory never moves, so an engine \
         may compile its accesses as under a fixed reservation. The ratio is the shared case's \
         throughput ÷ the unshared one's on the same runtime, strategy, pattern, size and build, \
         with its {:.0} % bootstrap interval (below 1: {} is slower). A runtime that refuses \
         shared memories records its case as *unsupported*, shown as refused.\n",
        stats::CONFIDENCE * 100.0,
        SHARED_WORDS.subject,
    );
    let headline = shared_headline(&pairs);
    for sentence in twin_findings(&SHARED_WORDS, &headline, &pairs, &by_pattern) {
        let _ = writeln!(md, "- {sentence}");
    }
    let _ = writeln!(md);
    let (twin, kind) = (format!("`{unshared}`"), format!("`{shared}`"));
    twin_tables(
        md,
        &pairs,
        &columns(
            "pattern | working set | build",
            |k| {
                format!(
                    "`{}` | {} | {}",
                    k.pattern,
                    size_heading(k.size_bytes),
                    k.build
                )
            },
            (&twin, &kind),
            "shared ÷ unshared",
        ),
    );
}

/// The summary's sentence on a shared memory, linking its section: the range over every pattern at
/// 1 MiB on the default strategies, the verdicts, and who refuses shared memories. `None` when the
/// run has no shared case.
pub(super) fn shared_summary(ctx: &Ctx) -> Option<String> {
    let pairs = shared_pairs(ctx);
    if pairs.is_empty() {
        return None;
    }
    let clause = twin_summary(&SHARED_WORDS, &shared_headline(&pairs), &pairs, |k| {
        format!("{} `{}`", k.runtime_label(), k.pattern)
    });
    Some(format!(
        "[A shared memory](contiguous.md#{}) against the same memory unshared (imported, exact \
         maximum), 1 MiB, default strategies: {clause}.",
        anchor(SHARED_HEADING),
    ))
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
    shared_memory(ctx, &mut md);
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
    let ((fastest, fast_ties), (slowest, slow_ties)) = ends_with_ties(
        of.iter()
            .map(|f| (f.1.clone(), f.2.lower, f.2.upper))
            .collect(),
    )?;
    Some(format!(
        "fastest {fastest} at {} native's throughput{}, slowest {slowest} at {}{}",
        best.2.label(),
        tie_clause(&fast_ties),
        worst.2.label(),
        tie_clause(&slow_ties),
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
        let pattern_names: BTreeSet<&CasePattern> =
            in_group.iter().map(|(k, _)| &k.pattern).collect();
        let _ = writeln!(
            md,
            "### {size_name}, {build} build\n\n![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
        let mut panels = Vec::new();
        let mut found: Vec<(String, String, Comparison)> = Vec::new();
        for pattern in &pattern_names {
            let mut of_pattern: Vec<(&CaseKey, &Row)> = in_group
                .iter()
                .filter(|(k, _)| k.pattern == **pattern && !is_native(k))
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
        for pattern in &HEADLINE_PATTERNS {
            if let Some(s) = extremes(&found, &pattern.to_string()) {
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
                legend: Some(NATIVE_RATIO_LEGEND.into()),
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
         maximum, with an exact one, with 4 GiB; `{}`: imported and shared, with an exact \
         maximum, set against the same memory unshared in [its own section](#{})) and each host \
         strategy (`@<slug>`; the knobs are under each heading), against the same runtime's \
         default strategy with `defined-max` (the time ratio: below 1 is faster). One table per \
         runtime-engine × strategy.\n",
        imported_shared_max(),
        anchor(SHARED_HEADING)
    );
    others.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.pattern.clone(),
            k.size_bytes,
            k.build,
            k.variant,
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
            Some(FailureKind::Finding | FailureKind::Unsupported | FailureKind::Binding)
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
