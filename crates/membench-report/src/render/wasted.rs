//! `wasted.md`: what linear memory grew to against what the guest held, per allocator ×
//! workload; a chart and a table per runtime-engine.

use super::*;
use crate::charts::{Axis, Chart, DotPanel, Frame, Unit};

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
    Ok(md)
}

/// Waste (linear − peak live) per allocator on `workload`, over every runtime: `talc 1 MiB` or
/// a range.
pub(super) fn waste_finding(
    records: &[membench::fragmentation::FragRecord],
    workload: &str,
) -> Option<String> {
    let mut per: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.workload == workload) {
        if let Some(w) = r.figures.as_ref().and_then(|f| f.waste_bytes) {
            per.entry(r.allocator.as_str()).or_default().insert(w);
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
    Some(format!(
        "**{workload}** waste (linear − peak live): {}.",
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
        "For each workload and allocator: the guest's own peak live bytes (dark square), the \
         linear memory after the workload (`memory.size` × 64 KiB, dot; the line between them is \
         the waste) and what is resident (`/proc/<pid>/pagemap`, red tick), on a log axis. Reserved address \
         space is in the table. Memory never shrinks, so the end size is the peak size. One \
         chart and one table per runtime-engine.\n"
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
        let rows: Vec<DotRow> = records
            .iter()
            .filter(|r| r.runtime == *rt)
            .map(|r| {
                let f = r.figures.as_ref();
                let mut marks = Vec::new();
                if let Some(f) = f {
                    if let Some(live) = f.peak_live_bytes {
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
                    span: f.and_then(|f| Some((f.peak_live_bytes? as f64, f.linear_bytes as f64))),
                    note: Some(match f {
                        Some(f) => format!(
                            "waste {}",
                            f.waste_bytes
                                .map_or("–".into(), |w| charts::bytes(w as f64))
                        ),
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
                    title: "peak live (square) → linear memory (dot); resident (red tick)".into(),
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
        let _ = writeln!(md, "| strategy | variant | workload | allocator | linear | peak live | waste | resident | reserved | resident/live |\n|---|---|---|---|---|---|---|---|---|---|");
        for r in records.iter().filter(|r| r.runtime == *rt) {
            let b = |v: Option<u64>| v.map_or("–".into(), |v| charts::bytes(v as f64));
            match &r.figures {
                Some(f) => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                        r.strategy,
                        r.memory_variant,
                        r.workload,
                        r.allocator,
                        b(Some(f.linear_bytes)),
                        b(f.peak_live_bytes),
                        b(f.waste_bytes),
                        b(f.resident_bytes),
                        b(Some(f.reserved_virtual_bytes)),
                        f.resident_per_live
                            .map_or("–".into(), |v| format!("{v:.2}")),
                    );
                }
                None => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | failed: {} | | | | | |",
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
    Ok(())
}
