//! How far repeated runs move, beside criterion's interval within one.

use super::*;

/// (e) How much runs move: the between-run spread per family, beside criterion's interval.
pub(super) fn spread_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(md, "## How much do the figures move from run to run?\n");
    let Some(spread) = &ctx.results.spread else {
        let _ = writeln!(
            md,
            "Not measured for these results: `membench spread` runs the same cases again on this \
             machine and records how far each family's figures move, beside criterion's \
             within-run intervals.\n"
        );
        return Ok(());
    };
    let rows: Vec<DotRow> = spread
        .families
        .iter()
        .map(|f| DotRow {
            label: f.family.clone(),
            marks: vec![
                Mark {
                    value: f.median_between,
                    interval: None,
                    shape: Shape::Dot,
                },
                Mark {
                    value: f.max_between,
                    interval: None,
                    shape: Shape::Hollow,
                },
                Mark {
                    value: f.median_within,
                    interval: None,
                    shape: Shape::Square,
                },
            ],
            span: Some((f.median_between, f.max_between)),
            note: Some(format!(
                "median {}, max {}, within {}",
                percent(f.median_between),
                percent(f.max_between),
                percent(f.median_within)
            )),
            alert: false,
        })
        .collect();
    let name = "summary-spread";
    let n = rows.len() as u32;
    let stamps: Vec<&RunStamp> = spread.runs.iter().collect();
    charts::write_both(
        dir,
        name,
        (1400, 220 + 24 * n),
        &Chart::Dots {
            frame: Frame {
                title: format!(
                    "How far do the figures move between {} runs on this machine, against criterion's interval?",
                    spread.runs.len()
                ),
                footer: footer(&stamps),
            },
            panels: vec![DotPanel {
                title: "per family: median (dot) and largest (circle) move of a case's point estimate; criterion's median half-width (square)".into(),
                rows,
            }],
            cols: 1,
            axis: Axis {
                label: "relative move, max ÷ min − 1 (log)".into(),
                unit: Unit::Percent,
            },
            reference: None,
            legend: None,
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    let ids: Vec<String> = spread.runs.iter().map(|r| format!("`{}`", r.id)).collect();
    let worst = spread
        .families
        .iter()
        .max_by(|a, b| a.max_between.total_cmp(&b.max_between));
    let _ = writeln!(
        md,
        "- Between {} runs on this machine ({}): per family, the median and the largest move of \
         a case's point estimate from run to run (max ÷ min − 1), beside criterion's median \
         half-width within one run.{}\n",
        spread.runs.len(),
        ids.join(", "),
        worst.map_or(String::new(), |w| format!(
            " The largest move of all: {} (`{}`).",
            percent(w.max_between),
            w.max_case
        ))
    );
    let _ = writeln!(
        md,
        "| family | cases in every run | median move | largest move | criterion's median half-width | cases whose intervals do not all overlap |\n|---|---|---|---|---|---|"
    );
    for f in &spread.families {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            f.family,
            f.cases,
            percent(f.median_between),
            percent(f.max_between),
            percent(f.median_within),
            f.disjoint
        );
    }
    let _ = writeln!(md);
    Ok(())
}
