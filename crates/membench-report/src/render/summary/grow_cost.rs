//! The second question: what a grow costs, and what a declared maximum changes.

use super::*;

/// Configurations where a declared maximum made `grow(1)` at 4096 pages faster, slower or no
/// different, for default (`true`) or non-default strategies: the sentence, or none.
pub(super) fn max_sentence(ctx: &Ctx, default: bool, list: bool) -> Option<String> {
    let at: Vec<(&CaseKey, &Row)> = grow::grow1_rows(ctx)
        .into_iter()
        .filter(|(k, _)| k.strategy.default == default)
        .collect();
    let (faster, slower, same) = grow::max_vs_nomax(ctx, &at, 4096);
    let total = faster.len() + slower.len() + same.len();
    if total == 0 {
        return None;
    }
    let what = if default { "default" } else { "non-default" };
    let names = |v: &[String]| {
        if v.is_empty() || !list {
            String::new()
        } else {
            format!(": {}", v.join("; "))
        }
    };
    Some(format!(
        "A declared maximum made `grow(1)` at 4096 pages faster in {} of {total} {what} \
         configurations{}; slower in {}{}; no different in {}.",
        faster.len(),
        names(&faster),
        slower.len(),
        names(&slower),
        same.len()
    ))
}

/// (b) What a grow costs, and whether a declared maximum helps.
pub(super) fn grow_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## What does a grow cost, and does a declared maximum help?\n"
    );
    let at = grow::grow1_rows(ctx);
    if at.is_empty() {
        let _ = writeln!(
            md,
            "No `grow(1)` results in this run. Details: [grow.md](grow.md).\n"
        );
        return Ok(());
    }
    let defaults: Vec<(&CaseKey, &Row)> = at
        .iter()
        .filter(|(k, _)| k.strategy.default)
        .copied()
        .collect();
    let configs = configurations(defaults.iter().map(|(k, _)| *k));
    let get = |c: &CaseKey, pages: u64, variant: &CaseVariant| {
        defaults
            .iter()
            .find(|(k, _)| {
                k.runtime == c.runtime && k.size_bytes == pages * PAGE && k.variant == *variant
            })
            .map(|(k, r)| (*k, *r))
    };
    let panel = |pages: u64| DotPanel {
        title: format!(
            "grow(1) at {pages} page{}",
            if pages == 1 { "" } else { "s" }
        ),
        rows: configs
            .iter()
            .map(|c| {
                let mut marks = Vec::new();
                // The open circle first: a dot at the same value shows inside it.
                for (variant, shape) in [(nomax(), Shape::Hollow), (max(), Shape::Dot)] {
                    if let Some(e) = get(c, pages, &variant)
                        .and_then(|(_, r)| r.estimate.filter(|_| r.failure.is_none()))
                    {
                        marks.push(Mark {
                            value: e.point_ns,
                            interval: Some((e.lower_ns, e.upper_ns)),
                            shape,
                        });
                    }
                }
                let cmp = match (get(c, pages, &max()), get(c, pages, &nomax())) {
                    (Some((_, m)), Some((_, n))) => ctx.compare(m, n, Measure::Time),
                    _ => None,
                };
                let capped = get(c, pages, &max())
                    .filter(|(k, _)| k.capped())
                    .map_or(String::new(), |(k, _)| {
                        format!(", ran at {} pages", k.ran_bytes / PAGE)
                    });
                DotRow {
                    label: c.runtime_label(),
                    alert: marks.is_empty(),
                    note: Some(match cmp {
                        Some(cmp) => format!(
                            "max ÷ none {}× {}{capped}",
                            stats::ratio_digits(cmp.ratio),
                            cmp.verdict
                        ),
                        None if marks.is_empty() => get(c, pages, &max())
                            .map_or("missing", |(_, r)| status(r))
                            .into(),
                        None => format!("no comparison{capped}"),
                    }),
                    marks,
                    span: None,
                }
            })
            .collect(),
    };
    let name = "summary-grow";
    let n = configs.len() as u32;
    if n > 0 {
        charts::write_both(
        dir,
        name,
        (1400, 200 + 20 * n),
        &Chart::Dots {
            frame: Frame {
                title: "What does one grow(1) cost, and does a declared maximum help? (default strategies)".into(),
                footer: footer(&Ctx::stamps(&defaults)),
            },
            panels: vec![panel(1), panel(4096)],
            cols: 2,
            axis: Axis {
                label: "time per grow(1) (log)".into(),
                unit: Unit::Time,
            },
            reference: None,
            legend: Some(
                "filled dot: exact maximum declared; open circle: no maximum; whisker: criterion's 95 % interval; note: time with ÷ without a maximum, by the bootstrap verdict"
                    .into(),
            ),
        },
    )?;
        let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    }
    if let Some(s) = grow::cheapest_and_dearest(&at) {
        let _ = writeln!(md, "- {s}");
    }
    for (default, list) in [(true, true), (false, false)] {
        if let Some(s) = max_sentence(ctx, default, list) {
            let _ = writeln!(md, "- {s}");
        }
    }
    if let Some(s) = grow::memory64_summary(ctx) {
        let _ = writeln!(md, "- {s}");
    }
    let _ = writeln!(md, "\n{}\n", grow::detail_line(ctx));
    Ok(())
}
