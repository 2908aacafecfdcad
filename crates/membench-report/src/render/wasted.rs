//! `wasted.md`: what linear memory grew to against what the guest held, per allocator ×
//! workload; a chart and a table per runtime-engine; and what a 64 KiB page wastes by itself, the
//! bump allocator over 64 KiB pages against the same allocator over 1-byte pages.

use super::*;
use crate::charts::{Axis, Chart, DotPanel, Frame, Unit};
use membench_data::fragmentation::{Allocator, Figures, FragRecord};
use membench_data::record::FailureKind;

pub(super) fn page(ctx: &Ctx, dir: &Path) -> Result<String> {
    let mut md = String::new();
    page_head(&mut md, "wasted.md", &fragmentation_line(ctx.results));
    // The memory figures are not timed: a spread shows here only when it covers the family.
    let timed = ctx.results.spread.as_ref().is_some_and(|s| {
        s.families
            .iter()
            .any(|f| f.family == Family::Fragmentation.id())
    });
    if timed {
        let _ = writeln!(
            md,
            "{}\n",
            spread_line(ctx.results, Family::Fragmentation.id())
        );
    }
    wasted(ctx.results, dir, &mut md)?;
    page_sizes(&ctx.results.fragmentation, &mut md);
    Ok(md)
}

/// One 64 KiB page: linear memory grows by whole pages, so two allocators' waste differs
/// meaningfully only by more than this.
const PAGE_BYTES: u64 = 65536;

/// The allocator's waste of a case: linear − fixed pages − peak live. A record from before the
/// fixed pages were measured counts them as waste: its figure is only an upper bound (`true`).
pub(super) fn allocator_waste(f: &Figures) -> Option<(u64, bool)> {
    let w = f.waste_bytes?;
    Some((w, f.fixed_bytes.is_none()))
}

/// A waste figure: `120 KiB`, or `≤ 160 KiB` where the fixed pages were not recorded apart.
fn waste_words(f: &Figures) -> String {
    match allocator_waste(f) {
        Some((w, false)) => charts::bytes(w as f64),
        Some((w, true)) => format!("≤ {}", charts::bytes(w as f64)),
        None => "–".into(),
    }
}

/// Allocators that can be told apart on `per` (each one's waste over the runtimes, lowest to
/// highest): in ascending order, groups whose neighbours lie more than a page apart. Within a
/// group no allocator is ranked above another.
fn waste_groups<'a>(per: &BTreeMap<&'a str, BTreeSet<u64>>) -> Vec<Vec<(&'a str, u64, u64)>> {
    let mut ranges: Vec<(&str, u64, u64)> = per
        .iter()
        .filter_map(|(a, w)| Some((*a, *w.first()?, *w.last()?)))
        .collect();
    ranges.sort_by_key(|(a, lo, hi)| (*lo, *hi, *a));
    let mut groups: Vec<Vec<(&str, u64, u64)>> = Vec::new();
    for r in ranges {
        match groups.last_mut() {
            // Not more than a page above the highest figure of the group below: not told apart.
            Some(g) if r.1 <= g.iter().map(|x| x.2).max().unwrap_or(0) + PAGE_BYTES => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups
}

/// Allocator waste (linear − the guest's fixed pages − peak live) per allocator on `workload`,
/// over every runtime: `talc 1 MiB` or a range; then which allocators waste more than which,
/// only by differences over one 64 KiB page (linear memory grows by pages), and which are the
/// same to within a page.
pub(super) fn waste_finding(
    records: &[membench_data::fragmentation::FragRecord],
    workload: &str,
) -> Option<String> {
    let mut per: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    let mut bound = false;
    for r in records.iter().filter(|r| r.workload == workload) {
        if let Some((w, upper)) = r.figures.as_ref().and_then(allocator_waste) {
            per.entry(r.allocator.as_str()).or_default().insert(w);
            bound |= upper;
        }
    }
    if per.is_empty() {
        return None;
    }
    let parts: Vec<String> = per
        .iter()
        .map(|(a, w)| match (w.first(), w.last()) {
            (Some(lo), Some(hi)) if lo == hi => format!("{a} {}", charts::bytes(*lo as f64)),
            (Some(lo), Some(hi)) => format!(
                "{a} {}–{}",
                charts::bytes(*lo as f64),
                charts::bytes(*hi as f64)
            ),
            _ => format!("{a} –"),
        })
        .collect();
    let names = |g: &[(&str, u64, u64)]| g.iter().map(|x| x.0).collect::<Vec<_>>().join(", ");
    let groups = waste_groups(&per);
    let mut ranked: Vec<String> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if g.len() > 1 {
            let spread =
                g.iter().map(|x| x.2).max().unwrap_or(0) - g.iter().map(|x| x.1).min().unwrap_or(0);
            ranked.push(if spread <= PAGE_BYTES {
                format!("{} the same to within a page", names(g))
            } else {
                format!(
                    "{} not told apart (each within a page of another)",
                    names(g)
                )
            });
        }
        if i > 0 {
            ranked.push(format!(
                "{} wastes more than {} (by over a page)",
                names(g),
                names(&groups[i - 1])
            ));
        }
    }
    let what = if bound {
        "waste (linear − peak live; records without the guest's fixed pages apart: at most the \
         allocator's)"
    } else {
        "allocator waste (linear − the guest's fixed pages − peak live)"
    };
    let ranking = if ranked.is_empty() {
        String::new()
    } else {
        format!(
            " Compared only by differences over one 64 KiB page (linear memory grows by pages): \
             {}.",
            ranked.join("; ")
        )
    };
    Some(format!(
        "**{workload}** {what}: {}.{ranking}",
        parts.join(", ")
    ))
}

/// Wasted memory per allocator × workload: live inside linear memory, resident and reserved.
fn wasted(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let records = &results.fragmentation;
    if records.is_empty() {
        let _ = writeln!(
            md,
            "No fragmentation figures in this run (`membench measure --family fragmentation`).\n"
        );
        return Ok(());
    }
    let _ = writeln!(
        md,
        "For each workload and allocator: the guest's own peak live bytes plus its fixed pages \
         (the stack and statics, the linear memory before the workload's first allocation, \
         which no allocator chose; dark square), the linear memory after the workload \
         (`memory.size` × the page size: 64 KiB, or 1 byte for `bump-bytes`; dot; the line \
         between them is the allocator's waste, labelled above it) and what is resident \
         (`/proc/<pid>/pagemap`, red tick), on a log axis. Reserved address space is in the \
         table. Memory never shrinks, so the end size is the peak size. Linear memory grows in \
         whole 64 KiB pages, so an allocator is said to waste more than another only when the \
         difference exceeds 65536 B; otherwise they are the same to within a page. A record \
         from before the fixed pages were measured apart shows its waste as an upper bound \
         (`≤`). One chart and one table per runtime-engine.\n"
    );
    // Findings: waste per allocator on sawtooth and mixed, over every runtime.
    for workload in ["sawtooth", "mixed"] {
        if let Some(line) = waste_finding(records, workload) {
            let _ = writeln!(md, "- {line}");
        }
    }
    let _ = writeln!(md);
    let footer = match (
        &results.fragmentation_run,
        &results.fragmentation_environment,
    ) {
        (Some(run), _) => self::footer(&[run]),
        (None, Some(e)) => format!(
            "no run stamp · commit {} · {} · {} · {} cores",
            e.commit, e.date, e.cpu, e.cores
        ),
        (None, None) => "no run stamp".into(),
    };
    let runtimes: BTreeSet<&str> = records.iter().map(|r| r.runtime.as_str()).collect();
    for rt in &runtimes {
        // A runtime none of whose cases has a figure gets no chart (an axis over nothing says
        // nothing): the sentence says so and the table below gives each case's cause.
        if records
            .iter()
            .filter(|r| r.runtime == *rt)
            .all(|r| r.figures.is_none())
        {
            let _ = writeln!(
                md,
                "## {rt}\n\nNo case of {rt} has a figure, so no chart is drawn; each case's cause \
                 is in the table.\n"
            );
            table(md, records, rt);
            continue;
        }
        let rows: Vec<DotRow> = records
            .iter()
            .filter(|r| r.runtime == *rt)
            .map(|r| {
                let f = r.figures.as_ref();
                let mut marks = Vec::new();
                // Peak live plus the fixed pages: the line from it to linear memory is the
                // allocator's waste alone.
                let held = f.and_then(|f| Some(f.peak_live_bytes? + f.fixed_bytes.unwrap_or(0)));
                if let Some(f) = f {
                    if let Some(live) = held {
                        marks.push(Mark {
                            value: live as f64,
                            interval: None,
                            shape: Shape::Square,
                        });
                    }
                    marks.push(Mark {
                        value: f.linear_bytes as f64,
                        interval: None,
                        shape: Shape::Dot,
                    });
                    if let Some(resident) = f.resident_bytes {
                        marks.push(Mark {
                            value: resident as f64,
                            interval: None,
                            shape: Shape::Tick,
                        });
                    }
                }
                DotRow {
                    label: format!("{} / {}", r.workload, r.allocator),
                    span: f.and_then(|f| Some((held? as f64, f.linear_bytes as f64))),
                    note: Some(match f {
                        Some(f) => format!("waste {}", waste_words(f)),
                        None => "failed".into(),
                    }),
                    alert: f.is_none(),
                    marks,
                }
            })
            .collect();
        let name = format!("wasted-{rt}");
        let n = rows.len() as u32;
        charts::write_both(
            dir,
            &name,
            (1400, 180 + 26 * n),
            &Chart::Dots {
                frame: Frame {
                    title: format!(
                        "How much memory does each allocator make the guest hold on to? ({rt})"
                    ),
                    footer: footer.clone(),
                },
                panels: vec![DotPanel {
                    title: "peak live + fixed pages (square) → linear memory (dot): the allocator's waste; resident (red tick)".into(),
                    rows,
                }],
                cols: 1,
                axis: Axis {
                    label: "bytes (log)".into(),
                    unit: Unit::Bytes,
                },
                reference: None,
                legend: None,
            },
        )?;
        let _ = writeln!(
            md,
            "## {rt}\n\n![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
        table(md, records, rt);
    }
    Ok(())
}

/// The heading of the page-size comparison, which the summary links.
pub(super) const PAGE_SIZES_HEADING: &str = "1-byte pages against 64 KiB pages";

/// A `bump` case and its `bump-bytes` twin (same runtime, strategy, variant, workload and scale),
/// both with figures.
struct PagePair<'a> {
    bump: &'a FragRecord,
    pages: &'a Figures,
    bytes: &'a Figures,
}

impl PagePair<'_> {
    /// What the 64 KiB page adds: `bump`'s linear bytes − `bump-bytes`' (signed: a runtime could
    /// show the opposite).
    fn added(&self) -> i128 {
        self.pages.linear_bytes as i128 - self.bytes.linear_bytes as i128
    }
}

/// The figures of every case of `rt`, one row each (a failed case with its cause).
fn table(md: &mut String, records: &[FragRecord], rt: &str) {
    let _ = writeln!(md, "| strategy | variant | workload | allocator | linear | fixed (stack + statics) | peak live | allocator waste | resident | reserved | resident/live |\n|---|---|---|---|---|---|---|---|---|---|---|");
    for r in records.iter().filter(|r| r.runtime == *rt) {
        let b = |v: Option<u64>| v.map_or("–".into(), |v| charts::bytes(v as f64));
        match &r.figures {
            Some(f) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.strategy,
                    r.memory_variant,
                    r.workload,
                    r.allocator,
                    b(Some(f.linear_bytes)),
                    f.fixed_bytes
                        .map_or("not recorded".into(), |v| charts::bytes(v as f64)),
                    b(f.peak_live_bytes),
                    waste_words(f),
                    b(f.resident_bytes),
                    b(Some(f.reserved_virtual_bytes)),
                    f.resident_per_live
                        .map_or("–".into(), |v| format!("{v:.2}")),
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | failed: {} | | | | | | |",
                    r.strategy,
                    r.memory_variant,
                    r.workload,
                    r.allocator,
                    r.failure.as_deref().unwrap_or("unknown")
                );
            }
        }
    }
    let _ = writeln!(md);
}

/// Is `twin` the same case as `r` but for the allocator?
fn same_case(r: &FragRecord, twin: &FragRecord) -> bool {
    twin.runtime == r.runtime
        && twin.strategy == r.strategy
        && twin.memory_variant == r.memory_variant
        && twin.workload == r.workload
        && twin.scale == r.scale
}

/// Every `bump` case with figures whose `bump-bytes` twin has figures too, in the records' order.
fn page_pairs(records: &[FragRecord]) -> Vec<PagePair<'_>> {
    records
        .iter()
        .filter(|r| r.allocator == Allocator::Bump.id())
        .filter_map(|r| {
            let bytes = records
                .iter()
                .find(|t| t.allocator == Allocator::BumpBytes.id() && same_case(r, t))?;
            Some(PagePair {
                bump: r,
                pages: r.figures.as_ref()?,
                bytes: bytes.figures.as_ref()?,
            })
        })
        .collect()
}

fn bytes_or_dash(v: Option<u64>) -> String {
    v.map_or("–".into(), |v| charts::bytes(v as f64))
}

/// What 64 KiB pages add over 1-byte pages, over every runtime with both guests: the range per
/// workload, and the workload where they add the most with its figures. `None` without a pair.
pub(super) fn page_size_finding(records: &[FragRecord]) -> Option<String> {
    let pairs = page_pairs(records);
    let most = pairs.iter().max_by_key(|p| p.added())?;
    let least = pairs.iter().map(PagePair::added).min()?;
    let runtimes: BTreeSet<&str> = pairs.iter().map(|p| p.bump.runtime.as_str()).collect();
    let on: BTreeSet<&str> = pairs
        .iter()
        .filter(|p| p.bump.workload == most.bump.workload && p.added() == most.added())
        .map(|p| p.bump.runtime.as_str())
        .collect();
    let range = if least == most.added() {
        format!("{} on every workload", charts::bytes(least as f64))
    } else {
        format!(
            "{} to {} per workload",
            charts::bytes(least as f64),
            charts::bytes(most.added() as f64)
        )
    };
    Some(format!(
        "the same bump allocator over 64 KiB pages (`{}`) and over 1-byte pages (`{}`, grown by \
         the bytes it needs), on {} runtime{}: 64 KiB pages added {range} to the linear memory; \
         the most on **{}**, {} ({} of `{}`'s {}, against {} over 1-byte pages; waste {} against \
         {}), on {}.",
        Allocator::Bump.id(),
        Allocator::BumpBytes.id(),
        runtimes.len(),
        if runtimes.len() == 1 { "" } else { "s" },
        most.bump.workload,
        charts::bytes(most.added() as f64),
        percent(most.added() as f64 / most.pages.linear_bytes.max(1) as f64),
        Allocator::Bump.id(),
        charts::bytes(most.pages.linear_bytes as f64),
        charts::bytes(most.bytes.linear_bytes as f64),
        waste_words(most.pages),
        waste_words(most.bytes),
        on.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

/// The runtimes with `bump` figures but no `bump-bytes` figure for some of those cases, each with
/// how many and the first cause the records carry, with its kind (a runtime without
/// custom-page-sizes is *unsupported* and says it refuses 1-byte pages, in the engine's words). A
/// `bump` case without figures compares nothing either way, so it is not counted.
fn page_size_gaps(records: &[FragRecord]) -> Vec<String> {
    type Gap<'a> = (usize, usize, Option<(&'a str, Option<FailureKind>)>);
    let mut gaps: BTreeMap<&str, Gap> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.allocator == Allocator::Bump.id() && r.figures.is_some())
    {
        let twin = records
            .iter()
            .find(|t| t.allocator == Allocator::BumpBytes.id() && same_case(r, t));
        let e = gaps.entry(r.runtime.as_str()).or_insert((0, 0, None));
        e.1 += 1;
        match twin {
            Some(t) if t.figures.is_some() => {}
            Some(t) => {
                e.0 += 1;
                e.2 = e.2.or(t.failure.as_deref().map(|c| (c, t.failure_kind)));
            }
            None => e.0 += 1,
        }
    }
    gaps.into_iter()
        .filter(|(_, (missing, ..))| *missing > 0)
        .map(|(rt, (missing, of, cause))| {
            let words = match cause {
                Some((c, kind)) => {
                    let line = c.lines().next().unwrap_or("");
                    let mut s: String = line.chars().take(240).collect();
                    if line.chars().count() > 240 {
                        s.push('…');
                    }
                    // Records written before the kind was kept say only their words.
                    let kind = kind.map(|k| format!(" ({k})")).unwrap_or_default();
                    format!("{kind}: “{}”", s.trim())
                }
                None => ": no `bump-bytes` record".into(),
            };
            format!("**{rt}**, no figure for {missing} of {of} cases{words}")
        })
        .collect()
}

/// `bump` against `bump-bytes`: per runtime with both, a row per workload with each one's linear
/// memory and waste and what the 64 KiB page adds; a sentence over every runtime; and the
/// runtimes without a `bump-bytes` figure, with the cause their records give.
fn page_sizes(records: &[FragRecord], md: &mut String) {
    if !records
        .iter()
        .any(|r| r.allocator == Allocator::BumpBytes.id())
    {
        return;
    }
    let _ = writeln!(md, "## {PAGE_SIZES_HEADING}\n");
    let _ = writeln!(
        md,
        "`{}` is `{}` with its memory declared in 1-byte pages (the custom-page-sizes proposal) \
         and grown by exactly the bytes it needs, where `{}` grows whole 64 KiB pages: the same \
         allocator, the same peak live bytes, so the difference in linear memory is what the \
         64 KiB page wastes by itself. Waste is the allocator's, as above.\n",
        Allocator::BumpBytes.id(),
        Allocator::Bump.id(),
        Allocator::Bump.id(),
    );
    let mut pairs = page_pairs(records);
    // A table per runtime in the order of the page's sections; its workloads as recorded.
    pairs.sort_by(|a, b| a.bump.runtime.cmp(&b.bump.runtime));
    match page_size_finding(records) {
        Some(s) => {
            // The sentence continues the summary's link; here it opens the line.
            let mut chars = s.chars();
            let first: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .collect();
            let _ = writeln!(md, "- {first}{}", chars.as_str());
        }
        None => {
            let _ = writeln!(
                md,
                "- No runtime has figures for both `{}` and `{}`.",
                Allocator::Bump.id(),
                Allocator::BumpBytes.id()
            );
        }
    }
    let gaps = page_size_gaps(records);
    if !gaps.is_empty() {
        let _ = writeln!(
            md,
            "- Without a `{}` figure (a runtime without custom-page-sizes refuses the guest): {}.",
            Allocator::BumpBytes.id(),
            gaps.join("; ")
        );
    }
    let _ = writeln!(md);
    let rows: Vec<(String, String)> = pairs
        .iter()
        .map(|p| {
            let live = match (p.pages.peak_live_bytes, p.bytes.peak_live_bytes) {
                (a, b) if a == b => bytes_or_dash(a),
                (a, b) => format!(
                    "{} (`{}`: {})",
                    bytes_or_dash(a),
                    Allocator::BumpBytes.id(),
                    bytes_or_dash(b)
                ),
            };
            (
                p.bump.runtime.clone(),
                format!(
                    "| {} | {} | {} | {live} | {} | {} | {} | {} | {} |",
                    p.bump.strategy,
                    p.bump.memory_variant,
                    p.bump.workload,
                    charts::bytes(p.pages.linear_bytes as f64),
                    charts::bytes(p.bytes.linear_bytes as f64),
                    waste_words(p.pages),
                    waste_words(p.bytes),
                    charts::bytes(p.added() as f64),
                ),
            )
        })
        .collect();
    grouped_tables(
        md,
        "###",
        &format!(
            "| strategy | variant | workload | peak live | `{0}` linear | `{1}` linear | `{0}` waste | `{1}` waste | what 64 KiB pages add |\n|---|---|---|---|---|---|---|---|---|",
            Allocator::Bump.id(),
            Allocator::BumpBytes.id()
        ),
        rows,
    );
}
