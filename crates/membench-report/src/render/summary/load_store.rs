//! The first question: how fast does each runtime load and store, against native.

use super::*;

/// (a) What a load or store costs per runtime: throughput ÷ native's at 1 MiB.
pub(super) fn load_store(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(md, "## What does a load or store cost per runtime?\n");
    let rows = headline_rows(ctx);
    if rows.is_empty() {
        let _ = writeln!(
            md,
            "No contiguous results at 1 MiB in this run. Details: [contiguous.md](contiguous.md).\n"
        );
        return Ok(());
    }
    let build = if rows.iter().any(|(k, _)| k.build == GuestBuild::Scalar) {
        GuestBuild::Scalar
    } else {
        rows[0].0.build
    };
    let mut runtimes: Vec<&CaseKey> = Vec::new();
    for (k, _) in &rows {
        if !is_native(k) && !runtimes.iter().any(|r| r.runtime == k.runtime) {
            runtimes.push(k);
        }
    }
    runtimes.sort_by_key(|k| k.runtime.clone());
    // The chart: one panel per headline pattern of the main build.
    let panels: Vec<DotPanel> = HEADLINE_PATTERNS
        .iter()
        .filter(|p| {
            rows.iter()
                .any(|(k, _)| k.build == build && k.pattern == **p)
        })
        .map(|pattern| DotPanel {
            title: pattern.to_string(),
            rows: runtimes
                .iter()
                .filter_map(|rt| {
                    let (k, r) = rows.iter().find(|(k, _)| {
                        k.build == build && k.pattern == *pattern && k.runtime == rt.runtime
                    })?;
                    Some(dot_row(k, r, ctx.vs_native(k, r)))
                })
                .collect(),
        })
        .collect();
    let name = "summary-load-store";
    let n = runtimes.len() as u32;
    charts::write_both(
        dir,
        name,
        (1400, 200 + 20 * n),
        &Chart::Dots {
            frame: Frame {
                title: format!(
                    "What does a load or store cost? Throughput ÷ native's, warm memory, 1 MiB working set, {build} build"
                ),
                footer: footer(&Ctx::stamps(&rows)),
            },
            panels,
            cols: HEADLINE_PATTERNS.len(),
            axis: Axis {
                label: "throughput ÷ native's (log scale)".into(),
                unit: Unit::Ratio,
            },
            reference: Some((1.0, "native".into())),
            legend: Some(NATIVE_RATIO_LEGEND.into()),
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    for pattern in &HEADLINE_PATTERNS {
        if let Some(s) = headline_sentence(ctx, &rows, build, pattern) {
            let _ = writeln!(md, "- {s}");
        }
    }
    let _ = writeln!(md);
    // The table: a row per runtime, a column per pattern × build.
    let columns: Vec<(GuestBuild, &CasePattern)> = [GuestBuild::Scalar, GuestBuild::Simd128]
        .into_iter()
        .flat_map(|b| HEADLINE_PATTERNS.iter().map(move |p| (b, p)))
        .filter(|(b, p)| rows.iter().any(|(k, _)| k.build == *b && k.pattern == **p))
        .collect();
    let header: Vec<String> = columns
        .iter()
        .map(|(b, p)| match b {
            GuestBuild::Scalar => format!("`{p}`"),
            other => format!("`{p}` {other}"),
        })
        .collect();
    let _ = writeln!(
        md,
        "| throughput ÷ native's | {} |\n|---|{}",
        header.join(" | "),
        "---|".repeat(columns.len())
    );
    for rt in &runtimes {
        let cells: Vec<String> = columns
            .iter()
            .map(|(b, p)| {
                rows.iter()
                    .find(|(k, _)| k.build == *b && k.pattern == **p && k.runtime == rt.runtime)
                    .map_or("–".into(), |(k, r)| match ctx.vs_native(k, r) {
                        Some(c) => c.label(),
                        None => status(r).into(),
                    })
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", rt.runtime, cells.join(" | "));
    }
    let natives: Vec<String> = columns
        .iter()
        .map(|(b, p)| {
            let t = rows
                .iter()
                .find(|(k, _)| is_native(k) && k.build == *b && k.pattern == **p)
                .map_or("missing".into(), |(_, r)| throughput(r));
            format!("`{p}` {b} {t}")
        })
        .collect();
    let _ = writeln!(
        md,
        "\nNative's own throughput: {}. Every pattern, working set and runtime, first touch, and \
         the memory variants and strategies: [contiguous.md](contiguous.md).\n",
        natives.join(", ")
    );
    // One sentence per memory kind against its 32-bit twin, and one on a shared memory against
    // the same memory unshared, each linking its section.
    let kinds: Vec<String> = contiguous::compared_kinds()
        .filter_map(|build| contiguous::kind_summary(ctx, build))
        .chain(contiguous::shared_summary(ctx))
        .collect();
    if !kinds.is_empty() {
        let _ = writeln!(
            md,
            "Other kinds of memory, each against its twin (throughput ÷ the twin's; a memory \
             kind runs one WebAssembly text, its twin over a 32-bit memory of 64 KiB pages):\n"
        );
        for sentence in kinds {
            let _ = writeln!(md, "- {sentence}");
        }
        let _ = writeln!(md);
    }
    Ok(())
}
