//! The third question: what memory each runtime and allocator costs (reserved, resident, wasted).

use super::*;

/// (c) How much memory is reserved and how much is wasted.
pub(super) fn memory_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## How much memory is reserved, and how much is wasted?\n"
    );
    let mut inst = ctx.family(Family::Instantiate);
    inst.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
        )
    });
    let records = &ctx.results.fragmentation;
    // Panel 1: the address space one memory adds, per runtime, default strategy, `defined-max`.
    let reserved_rows: Vec<DotRow> = inst
        .iter()
        .filter(|(k, _)| k.variant == max() && k.strategy.default)
        .map(|(k, r)| super::instantiate::reserved_row(k, r))
        .collect();
    // Panel 2: peak live → linear memory per workload and allocator, over every runtime.
    let mut waste: BTreeMap<(String, String), (u64, u64, BTreeSet<u64>)> = BTreeMap::new();
    // Some records count the fixed pages as waste (written before they were measured apart).
    let mut bound = false;
    let mut order: Vec<(String, String)> = Vec::new();
    for r in records {
        let Some(f) = r.figures.as_ref() else {
            continue;
        };
        let key = (r.workload.clone(), r.allocator.clone());
        if !order.contains(&key) {
            order.push(key.clone());
        }
        let e = waste.entry(key).or_insert((0, 0, BTreeSet::new()));
        // Peak live plus the guest's fixed pages: the line from it to linear memory is the
        // allocator's waste alone.
        e.0 =
            e.0.max(f.peak_live_bytes.unwrap_or(0) + f.fixed_bytes.unwrap_or(0));
        e.1 = e.1.max(f.linear_bytes);
        if let Some((w, _)) = wasted::allocator_waste(f) {
            e.2.insert(w);
        }
        bound |= f.fixed_bytes.is_none();
    }
    let at_most = if bound { "≤ " } else { "" };
    let waste_rows: Vec<DotRow> = order
        .iter()
        .map(|key| {
            let (live, linear, w) = &waste[key];
            DotRow {
                label: format!("{} / {}", key.0, key.1),
                marks: vec![
                    Mark {
                        value: *live as f64,
                        interval: None,
                        shape: Shape::Square,
                    },
                    Mark {
                        value: *linear as f64,
                        interval: None,
                        shape: Shape::Dot,
                    },
                ],
                span: (*live > 0).then_some((*live as f64, *linear as f64)),
                note: Some(match (w.first(), w.last()) {
                    (Some(lo), Some(hi)) if lo == hi => {
                        format!("waste {}{}", at_most, charts::bytes(*lo as f64))
                    }
                    (Some(lo), Some(hi)) => format!(
                        "waste {at_most}{}–{}",
                        charts::bytes(*lo as f64),
                        charts::bytes(*hi as f64)
                    ),
                    _ => "waste –".into(),
                }),
                alert: false,
            }
        })
        .collect();
    let mut panels = Vec::new();
    if !reserved_rows.is_empty() {
        panels.push(DotPanel {
            title: "address space one 16-page memory adds (defined-max, default strategy)".into(),
            rows: reserved_rows,
        });
    }
    if !waste_rows.is_empty() {
        panels.push(DotPanel {
            title: "peak live + fixed pages (square) → linear memory (dot), over every runtime"
                .into(),
            rows: waste_rows,
        });
    }
    if !panels.is_empty() {
        let name = "summary-memory";
        let tallest = panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        let mut stamps = Ctx::stamps(&inst);
        stamps.extend(ctx.results.fragmentation_run.iter());
        let cols = panels.len();
        charts::write_both(
            dir,
            name,
            (1400, 200 + 22 * tallest),
            &Chart::Dots {
                frame: Frame {
                    title: "How much address space does a memory reserve, and how much memory does the guest waste?".into(),
                    footer: footer(&stamps),
                },
                panels,
                cols,
                axis: Axis {
                    label: "bytes (log)".into(),
                    unit: Unit::Bytes,
                },
                reference: None,
                legend: Some(format!(
                    "left: VmSize growth across one instantiation; right: the guest's peak live bytes and the linear memory it grew to (the line is the waste, labelled above it)\n{}",
                    instantiate::BASIS_LEGEND
                )),
            },
        )?;
        let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    }
    if let Some(first) = instantiate::instantiate_findings(ctx, &inst)
        .into_iter()
        .next()
    {
        let _ = writeln!(md, "- {first}");
    }
    let reserve: Vec<String> = [
        instantiate::reserved_range(&inst),
        instantiate::reservation_finding(&inst),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !reserve.is_empty() {
        let _ = writeln!(md, "- {}", reserve.join(" "));
    }
    if let Some(s) = wasted::waste_finding(records, "sawtooth") {
        let _ = writeln!(md, "- {s}");
    }
    if let Some(s) = wasted::page_size_finding(records) {
        let _ = writeln!(
            md,
            "- [{}](wasted.md#{}): {s}",
            wasted::PAGE_SIZES_HEADING,
            anchor(wasted::PAGE_SIZES_HEADING)
        );
    }
    let _ = writeln!(
        md,
        "\nInstantiation and reservation per strategy and variant: \
         [instantiate.md](instantiate.md); every workload, allocator and runtime: \
         [wasted.md](wasted.md).\n"
    );
    Ok(())
}
