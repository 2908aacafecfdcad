//! `instantiate.md`: how long instantiating a 16-page memory takes under each strategy, and how
//! much address space it reserves with and without a maximum; a table per runtime-engine.

use super::*;
use crate::charts::{Axis, Chart, DotPanel, Frame, Unit};

pub(super) fn page(ctx: &Ctx, dir: &Path) -> Result<String> {
    let mut md = String::new();
    let rows = ctx.family(Family::Instantiate);
    page_head(&mut md, "instantiate.md", &run_line(&Ctx::stamps(&rows)));
    let _ = writeln!(
        md,
        "{}\n",
        spread_line(ctx.results, Family::Instantiate.id())
    );
    instantiate(ctx, dir, &mut md)?;
    Ok(md)
}

/// Instantiate time and the virtual address space one memory reserves, per strategy.
fn instantiate(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    let mut rows = ctx.family(Family::Instantiate);
    if rows.is_empty() {
        let _ = writeln!(md, "No instantiate results in this run.\n");
        return Ok(());
    }
    rows.sort_by_key(|(k, _)| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
            k.variant,
        )
    });
    let stamps = Ctx::stamps(&rows);
    // What each timed region holds is the adapter's own (a pre-linked instantiation, or parsing
    // and linking too, as stitch and wasm3 do): per runtime, from each case record's `timed`.
    let mut timed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (k, r) in &rows {
        if let Some(rec) = r.record.as_ref() {
            timed
                .entry(k.runtime.as_str())
                .or_default()
                .insert(rec.timed.as_str());
        }
    }
    let mut by_words: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (runtime, words) in &timed {
        let words: Vec<String> = words.iter().map(|t| format!("\"{t}\"")).collect();
        by_words
            .entry(words.join(" or "))
            .or_default()
            .push(runtime);
    }
    let _ = writeln!(
        md,
        "Each case instantiates a module with one 16-page memory. What the timed region holds \
         is each adapter's own, as its case records name it (the table's \"timed\" column); \
         where the regions differ (parsing or linking inside the clock), the runtimes are not \
         timed on the same work:\n"
    );
    for (words, runtimes) in &by_words {
        let _ = writeln!(md, "- {}: {words}", runtimes.join(", "));
    }
    let _ = writeln!(md);
    let time_rows: Vec<DotRow> = rows
        .iter()
        .filter(|(k, _)| k.variant == max())
        .map(|(k, r)| {
            let e = r.estimate.filter(|_| r.failure.is_none());
            DotRow {
                label: k.runtime_label(),
                marks: e
                    .map(|e| {
                        vec![Mark {
                            value: e.point_ns,
                            interval: Some((e.lower_ns, e.upper_ns)),
                            shape: Shape::Dot,
                        }]
                    })
                    .unwrap_or_default(),
                span: None,
                note: Some(match e {
                    Some(e) => charts::time(e.point_ns),
                    None => status(r).into(),
                }),
                alert: e.is_none(),
            }
        })
        .collect();
    let mut reserve_panels = Vec::new();
    for variant in [nomax(), max(), max4g()] {
        reserve_panels.push(DotPanel {
            title: format!("virtual address space one 16-page memory adds ({variant})"),
            rows: rows
                .iter()
                .filter(|(k, _)| k.variant == variant)
                .map(|(k, r)| reserved_row(k, r))
                .collect(),
        });
    }
    let n = time_rows.len() as u32;
    charts::write_both(
        dir,
        "instantiate",
        (1400, 220 + 28 * n),
        &Chart::Dots {
            frame: Frame {
                title: "How long does instantiating a 16-page memory take under each strategy?"
                    .into(),
                footer: footer(&stamps),
            },
            panels: vec![DotPanel {
                title: "instantiate (defined-max); each timed region as its adapter names it"
                    .into(),
                rows: time_rows,
            }],
            cols: 1,
            axis: Axis {
                label: "time per instantiation (log)".into(),
                unit: Unit::Time,
            },
            reference: None,
            legend: Some("dot: criterion's estimate; whisker: its 95 % confidence interval".into()),
        },
    )?;
    charts::write_both(
        dir,
        "reserved",
        (1400, 220 + 3 * 28 * n),
        &Chart::Dots {
            frame: Frame {
                title:
                    "How much address space does one memory reserve, with and without a maximum?"
                        .into(),
                footer: footer(&stamps),
            },
            panels: reserve_panels,
            cols: 1,
            axis: Axis {
                label: "VmSize growth across one instantiation (log)".into(),
                unit: Unit::Bytes,
            },
            reference: None,
            legend: Some(BASIS_LEGEND.into()),
        },
    )?;
    let _ = writeln!(
        md,
        "## Instantiation time\n\n![instantiate](charts/instantiate.png) ([SVG](charts/instantiate.svg))\n"
    );
    for line in instantiate_findings(ctx, &rows) {
        let _ = writeln!(md, "- {line}");
    }
    let _ = writeln!(
        md,
        "\n## Reserved address space\n\n![reserved](charts/reserved.png) ([SVG](charts/reserved.svg))\n"
    );
    if let Some(line) = reservation_finding(&rows) {
        let _ = writeln!(md, "- {line}\n");
    }
    let table = rows
        .iter()
        .map(|(k, row)| {
            let f = row.record.as_ref().and_then(|r| r.footprint);
            let vs_default = default_strategy_of(ctx, k)
                .filter(|d| !std::ptr::eq(*d, *row))
                .and_then(|d| ctx.compare(row, d, Measure::Time))
                .map_or("–".into(), |c| format!("{}, {}", c.label(), c.verdict));
            let strategy = if k.strategy.default {
                format!("{} (default)", k.strategy.slug)
            } else {
                format!("{} (`{}`)", k.strategy.slug, k.strategy.knobs)
            };
            (
                k.runtime.clone(),
                format!(
                    "| {strategy} | {} | {} | {} | {} | {} | {vs_default} |",
                    k.variant,
                    row.record.as_ref().map_or("–", |r| r.timed.as_str()),
                    ci(row),
                    f.map_or("–".into(), |f| charts::bytes(
                        f.reserved_virtual_bytes as f64
                    )),
                    f.map_or("–".into(), |f| charts::bytes(f.resident_bytes as f64)),
                ),
            )
        })
        .collect();
    let _ = writeln!(md, "## Per runtime-engine\n");
    grouped_tables(
        md,
        "###",
        "| strategy | variant | timed | time per instantiation | virtual reserved | resident added | time ÷ the runtime's default strategy [95 % interval] |\n|---|---|---|---|---|---|---|",
        table,
    );
    Ok(())
}

/// The same case under the runtime's default strategy.
fn default_strategy_of<'a>(ctx: &Ctx<'a>, k: &CaseKey) -> Option<&'a Row> {
    ctx.find(|d| {
        d.family == k.family
            && d.pattern == k.pattern
            && d.size_bytes == k.size_bytes
            && d.runtime == k.runtime
            && d.variant == k.variant
            && d.build == k.build
            && d.strategy.default
    })
}

/// The fastest and slowest instantiation, and every strategy that changes it (by the verdict).
pub(super) fn instantiate_findings(ctx: &Ctx, rows: &[(&CaseKey, &Row)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut times: Vec<(&CaseKey, &Row)> = rows
        .iter()
        .filter(|(k, r)| {
            k.variant == max() && !is_native(k) && r.estimate.is_some() && r.failure.is_none()
        })
        .copied()
        .collect();
    times.sort_by(|a, b| {
        let t = |r: &Row| r.estimate.map_or(f64::MAX, |e| e.point_ns);
        t(a.1).total_cmp(&t(b.1))
    });
    let ties = ends_with_ties(
        times
            .iter()
            .filter_map(|(k, r)| {
                let e = r.estimate?;
                Some((k.runtime_label(), e.lower_ns, e.upper_ns))
            })
            .collect(),
    );
    if let (Some(lo), Some(hi), Some(((fastest, fast_ties), (slowest, slow_ties)))) =
        (times.first(), times.last(), ties)
    {
        let c = ctx.compare(hi.1, lo.1, Measure::Time);
        out.push(format!(
            "Fastest instantiation of a 16-page memory (`defined-max`): {fastest} ({}){}; slowest: {slowest} ({}){}, {} the time{}.",
            ci(lo.1),
            tie_clause(&fast_ties),
            ci(hi.1),
            tie_clause(&slow_ties),
            ratio_cell(c),
            c.map_or(String::new(), |c| format!(", {}", c.verdict)),
        ));
    }
    for (k, row) in rows
        .iter()
        .filter(|(k, _)| k.variant == max() && !k.strategy.default)
    {
        let Some(d) = default_strategy_of(ctx, k) else {
            continue;
        };
        if let Some(c) = ctx.compare(row, d, Measure::Time) {
            out.push(format!(
                "{} instantiates in {} against {} under the default strategy: {} the time, {}.",
                k.runtime_label(),
                charts::time(row.estimate.map_or(f64::NAN, |e| e.point_ns)),
                charts::time(d.estimate.map_or(f64::NAN, |e| e.point_ns)),
                c.label(),
                c.verdict
            ));
        }
    }
    out
}

/// Whether a 4 GiB maximum makes a memory reserve more address space than none (over 1.5×), per
/// configuration: the seed's claim as the instantiate cases answer it.
pub(super) fn reservation_finding(inst: &[(&CaseKey, &Row)]) -> Option<String> {
    let reserving: Vec<String> = inst
        .iter()
        .filter(|(k, _)| k.variant == max4g())
        .filter_map(|(k, r)| {
            let with = r.record.as_ref()?.footprint?.reserved_virtual_bytes;
            let without = inst
                .iter()
                .find(|(n, _)| {
                    n.variant == nomax() && n.runtime == k.runtime && n.strategy == k.strategy
                })
                .and_then(|(_, n)| n.record.as_ref()?.footprint)?
                .reserved_virtual_bytes;
            (with as f64 > without as f64 * 1.5).then(|| {
                format!(
                    "{} ({} with a 4 GiB maximum, {} without)",
                    k.runtime_label(),
                    charts::bytes(with as f64),
                    charts::bytes(without as f64)
                )
            })
        })
        .collect();
    let compared = inst.iter().filter(|(k, _)| k.variant == max4g()).count();
    (compared > 0).then(|| {
        if reserving.is_empty() {
            format!(
                "None of {compared} configurations reserved more address space for a memory \
                 declaring a 4 GiB maximum than for one declaring none (over 1.5×)."
            )
        } else {
            format!(
                "Reserved more address space with a 4 GiB maximum than without (over 1.5×): {}.",
                reserving.join("; ")
            )
        }
    })
}

/// The least and most address space one 16-page memory added with `defined-max`, over the
/// runtimes' default strategies.
pub(super) fn reserved_range(inst: &[(&CaseKey, &Row)]) -> Option<String> {
    let mut of: Vec<(&CaseKey, u64, bool)> = inst
        .iter()
        .filter(|(k, _)| k.variant == max() && k.strategy.default && !is_native(k))
        .filter_map(|(k, r)| {
            let f = r.record.as_ref()?.footprint?;
            let bound = f.reserved_basis != membench_data::procfs::ReservedBasis::Mappings;
            Some((*k, f.reserved_virtual_bytes, bound))
        })
        .collect();
    of.sort_by_key(|(k, b, _)| (*b, k.runtime.clone()));
    let (lo, hi) = (of.first()?, of.last()?);
    // The figure (`≥` for a lower bound) and the runtimes at it.
    let at = |b: u64| -> String {
        let here: Vec<&(&CaseKey, u64, bool)> = of.iter().filter(|(_, x, _)| *x == b).collect();
        let names: Vec<String> = here
            .iter()
            .map(|h| {
                if h.2 {
                    format!("{}, a lower bound", h.0.runtime)
                } else {
                    h.0.runtime.clone()
                }
            })
            .collect();
        format!("{} ({})", charts::bytes(b as f64), names.join("; "))
    };
    Some(if lo.1 == hi.1 {
        format!(
            "One 16-page memory with an exact maximum added {} of address space under the \
             runtimes' default strategies.",
            at(lo.1)
        )
    } else {
        format!(
            "One 16-page memory with an exact maximum added from {} to {} of address space under \
             the runtimes' default strategies.",
            at(lo.1),
            at(hi.1),
        )
    })
}

/// The dot of the virtual address space one memory added, with the figure (and its basis when it
/// is a lower bound) beside it: one row of the reservation charts here and in the summary.
pub(super) fn reserved_row(k: &CaseKey, r: &Row) -> DotRow {
    let v = r.record.as_ref().and_then(|r| r.footprint);
    DotRow {
        label: k.runtime_label(),
        marks: v
            .filter(|f| f.reserved_virtual_bytes > 0)
            .map(|f| {
                vec![Mark {
                    value: f.reserved_virtual_bytes as f64,
                    interval: None,
                    shape: Shape::Dot,
                }]
            })
            .unwrap_or_default(),
        span: None,
        note: Some(v.map_or(status(r).into(), |f| {
            let b = charts::bytes(f.reserved_virtual_bytes as f64);
            match f.reserved_basis {
                _ if f.reserved_virtual_bytes == 0 => format!("{b} (not on a log axis)"),
                membench_data::procfs::ReservedBasis::Mappings => b,
                basis => format!("≥ {b} ({})", basis_word(basis)),
            }
        })),
        alert: v.is_none(),
    }
}

/// A lower bound's basis in one word, as a chart writes it beside the dot (a long label drawn left
/// of a dot runs over the row names); [`BASIS_LEGEND`] says what each word means.
fn basis_word(basis: membench_data::procfs::ReservedBasis) -> &'static str {
    use membench_data::procfs::ReservedBasis;
    match basis {
        ReservedBasis::Mappings => "mappings",
        ReservedBasis::HeapBufferAtLeastLinear => "heap buffer",
        ReservedBasis::ReservedBeforeAtLeastLinear => "pool",
        ReservedBasis::CarvedSlot => "carved",
    }
}

/// The legend line of every reservation chart: what `≥` and each [`basis_word`] mean.
pub(super) const BASIS_LEGEND: &str = "≥: a lower bound. heap buffer: the memory is a heap \
    buffer, which maps nothing of its own (its linear size). pool: it lies in address space \
    reserved before instantiation (its linear size).\ncarved: carved from a region reserved at \
    start (the distance between consecutive memories).";
