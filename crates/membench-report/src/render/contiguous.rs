//! `contiguous.md`: warm load/store throughput against native (a chart per working set and build,
//! a table per runtime-engine), the memory variants and strategies (a table per runtime-engine ×
//! strategy), and first touch (a table per runtime-engine).

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

/// The warm memory64 rows, each with its 32-bit twin (same pattern, size, runtime, strategy and
/// variant) and 64-bit throughput ÷ 32-bit throughput.
pub(super) fn memory64_pairs<'a>(
    ctx: &Ctx<'a>,
) -> Vec<(&'a CaseKey, &'a Row, Option<&'a Row>, Option<Comparison>)> {
    let family = ctx.family(Family::Contiguous);
    let mut out: Vec<_> = family
        .iter()
        .filter(|(k, _)| k.build == GuestBuild::Memory64 && !ctx.is_first_touch(k))
        .map(|(k, row)| {
            let twin = family
                .iter()
                .find(|(t, _)| {
                    t.build == GuestBuild::Memory32
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

/// memory64 against its 32-bit twin: a chart of the default strategies at 1 MiB, a table per
/// runtime-engine × strategy, and which runtimes refuse a 64-bit memory, with their words.
fn memory_kinds(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let pairs = memory64_pairs(ctx);
    let _ = writeln!(
        md,
        "## memory64: a 64-bit memory against the same code on a 32-bit one
"
    );
    if pairs.is_empty() {
        let _ = writeln!(
            md,
            "No memory64 cases in this run.
"
        );
        return Ok(());
    }
    let _ = writeln!(
        md,
        "The kernels of `guest-modules/wat/contiguous.wat`, generated twice from one text: over a \
         32-bit memory (`memory32`) and over a 64-bit one (`memory64`), the same loops but for the \
         address type. A 64-bit address cannot be kept in bounds by a guard region, so an engine \
         checks it on every access; the ratio is the 64-bit twin's throughput ÷ the 32-bit twin's \
         on the same runtime, strategy, size and memory variant, with its 95 % bootstrap interval \
         (below 1: the 64-bit memory is slower).\n"
    );
    for sentence in memory64_findings(&pairs) {
        let _ = writeln!(md, "- {sentence}");
    }
    let _ = writeln!(md);
    // The chart: default strategies, defined-max, 1 MiB.
    let headline: Vec<_> = pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.variant == max() && k.size_bytes == 1 << 20)
        .collect();
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
        let per_panel = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        charts::write_both(
            dir,
            "memory64",
            (1400, (160 + (60 + 20 * per_panel) * panels.len().div_ceil(2) as u32).max(500)),
            &Chart::Dots {
                frame: Frame {
                    title: "What does a 64-bit memory cost each load and store? (memory64 ÷ the same code on a 32-bit memory, warm, 1 MiB)".into(),
                    footer: footer(
                        &headline.iter().filter_map(|(_, r, ..)| r.run()).collect::<Vec<_>>(),
                    ),
                },
                panels,
                cols: 2,
                axis: Axis {
                    label: "throughput of the memory64 twin ÷ the memory32 twin's (log scale)".into(),
                    unit: Unit::Ratio,
                },
                reference: Some((1.0, "32-bit".into())),
                legend: Some(
                    "dot: ratio of mean times per byte; whisker: 95 % bootstrap interval; line: the 32-bit twin (1×)"
                        .into(),
                ),
            },
        )?;
        let _ = writeln!(
            md,
            "![memory64](charts/memory64.png) ([SVG](charts/memory64.svg))\n"
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
        "| pattern | working set | variant | 32-bit | 64-bit | 64 ÷ 32 | verdict |\n|---|---|---|---|---|---|---|",
        rows,
    );
    Ok(())
}

/// Sentences on memory64: per headline pattern at 1 MiB on the default strategies, the range of
/// 64 ÷ 32 and the verdicts; then the runtimes that refuse a 64-bit memory, with their reason.
pub(super) fn memory64_findings(
    pairs: &[(&CaseKey, &Row, Option<&Row>, Option<Comparison>)],
) -> Vec<String> {
    let mut out = Vec::new();
    let headline: Vec<_> = pairs
        .iter()
        .filter(|(k, ..)| k.strategy.default && k.variant == max() && k.size_bytes == 1 << 20)
        .collect();
    let patterns: BTreeSet<&str> = headline.iter().map(|(k, ..)| k.pattern.as_str()).collect();
    for p in patterns {
        let mut of: Vec<(String, Comparison)> = headline
            .iter()
            .filter(|(k, ..)| k.pattern == p)
            .filter_map(|(k, _, _, c)| Some((k.runtime_label(), (*c)?)))
            .collect();
        if of.is_empty() {
            continue;
        }
        of.sort_by(|a, b| a.1.ratio.total_cmp(&b.1.ratio));
        let by = |v: Verdict| -> Vec<&str> {
            of.iter()
                .filter(|(_, c)| c.verdict == v)
                .map(|(r, _)| r.as_str())
                .collect()
        };
        let (slower, same, faster) = (
            by(Verdict::Slower),
            by(Verdict::NoDifference),
            by(Verdict::Faster),
        );
        let list = |name: &str, v: &[&str]| {
            (!v.is_empty()).then(|| format!("{name} on {} ({})", v.len(), v.join(", ")))
        };
        let verdicts: Vec<String> = [
            list("slower", &slower),
            list("no different", &same),
            list("faster", &faster),
        ]
        .into_iter()
        .flatten()
        .collect();
        let (lo, hi) = (&of[0], &of[of.len() - 1]);
        out.push(format!(
            "`{p}`, 1 MiB, default strategies: the 64-bit memory ran at {} ({}) to {} ({}) of the \
             32-bit twin's throughput; {}.",
            lo.1.label(),
            lo.0,
            hi.1.label(),
            hi.0,
            verdicts.join("; ")
        ));
    }
    let mut refused: BTreeMap<String, String> = BTreeMap::new();
    for (k, row, ..) in pairs {
        if let (Some(FailureKind::Unsupported), Some(f)) = (row.failure_kind(), &row.failure) {
            refused
                .entry(k.runtime.clone())
                .or_insert_with(|| refusal_reason(&f.cause));
        }
    }
    if !refused.is_empty() {
        let list: Vec<String> = refused
            .iter()
            .map(|(r, why)| format!("{r} ({why})"))
            .collect();
        out.push(format!(
            "Refuse a 64-bit memory while they run the 32-bit twin: {}.",
            list.join("; ")
        ));
    }
    out
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
