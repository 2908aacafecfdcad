//! Turns a collected run into the published report: charts (SVG + PNG), `REPORT.md` with tables and
//! findings computed from the same numbers, the seed-claims table, and `results.csv`. Rendering
//! reads only the `Results` it is given, so re-rendering committed results reproduces the files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::charts::{self, Bar, BarPanel, Chart, Frame, Line};
use crate::collect::{Results, Row};

const NATIVE: &str = "native-rustc";

/// The id parts the report groups by: `<family>/<pattern>/<size>/<runtime>/<variant>[@<strategy>]`.
struct Id<'a> {
    family: &'a str,
    pattern: &'a str,
    size: &'a str,
    runtime: &'a str,
    variant: &'a str,
    strategy: Option<&'a str>,
}

impl Id<'_> {
    /// `runtime` or `runtime @strategy`: how charts name a configuration.
    fn label(&self) -> String {
        match self.strategy {
            Some(s) => format!("{} @{s}", self.runtime),
            None => self.runtime.to_string(),
        }
    }
}

fn parse(id: &str) -> Option<Id<'_>> {
    let family = id.split('/').next()?;
    // `instantiate/<pages>/...` has no pattern part: the family is the pattern.
    let (pattern, mut it) = match family {
        "instantiate" => (family, id.splitn(4, '/').skip(1)),
        _ => {
            let mut it = id.splitn(5, '/').skip(1);
            (it.next()?, it)
        }
    };
    let (size, runtime, rest) = (it.next()?, it.next()?, it.next()?);
    let (variant, strategy) = match rest.split_once('@') {
        Some((v, s)) => (v, Some(s)),
        None => (rest, None),
    };
    Some(Id {
        family,
        pattern,
        size,
        runtime,
        variant,
        strategy,
    })
}

/// The rows of one family, with their parsed ids.
fn family_rows<'a>(results: &'a Results, family: &str) -> Vec<(Id<'a>, &'a Row)> {
    results
        .rows
        .iter()
        .filter_map(|r| parse(&r.id).map(|id| (id, r)))
        .filter(|(id, _)| id.family == family)
        .collect()
}

fn footer(results: &Results) -> String {
    let e = &results.environment;
    format!(
        "{} · {} cores · {} · commit {} · {}",
        e.cpu,
        e.cores,
        charts::si_bytes(e.memory_bytes as f64),
        e.commit,
        e.date
    )
}

/// Renders everything into `out` (`reports/`).
pub fn render(results: &Results, out: &Path) -> Result<()> {
    let charts_dir = out.join("charts");
    std::fs::create_dir_all(&charts_dir)
        .with_context(|| format!("creating {}", charts_dir.display()))?;
    // Charts of an earlier render that this one does not redraw would be stale: remove them.
    for entry in std::fs::read_dir(&charts_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "svg" || e == "png") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    let mut md = String::new();
    environment_block(results, &mut md);
    contiguous(results, &charts_dir, &mut md)?;
    grow(results, &charts_dir, &mut md)?;
    instantiate(results, &charts_dir, &mut md)?;
    wasted(results, &charts_dir, &mut md)?;
    seed_claims(results, &mut md);
    spec_conformance(results, &mut md);
    failures(results, &mut md);
    std::fs::write(out.join("REPORT.md"), md).context("writing REPORT.md")?;
    write_csv(results, &out.join("results.csv"))?;
    Ok(())
}

fn environment_block(results: &Results, md: &mut String) {
    let e = &results.environment;
    let _ = writeln!(md, "# wasm-memory-bench report\n");
    let _ =
        writeln!(
        md,
        "Every figure below was measured in one run on the machine described here; criterion's \
         point estimate is shown with its {:.0} % confidence interval. Raw data: \
         [results.json](results.json), [results.csv](results.csv).\n",
        results.rows.iter().find_map(|r| r.estimate).map_or(95.0, |e| e.confidence * 100.0)
    );
    let _ = writeln!(md, "## Environment\n\n| | |\n|---|---|");
    let _ = writeln!(md, "| CPU | {} ({} logical cores) |", e.cpu, e.cores);
    let _ = writeln!(md, "| Caches | {} |", e.caches.join(", "));
    let _ = writeln!(
        md,
        "| Memory | {} |",
        charts::si_bytes(e.memory_bytes as f64)
    );
    let _ = writeln!(md, "| Kernel | {} |", e.kernel);
    let _ = writeln!(md, "| rustc (host and wasm32 guests) | {} |", e.rustc);
    for (k, v) in &e.versions {
        let _ = writeln!(md, "| {k} | {v} |");
    }
    let _ = writeln!(md, "| Commit | {} |", e.commit);
    let _ = writeln!(md, "| Collected | {} |\n", e.date);
}

fn ci(row: &Row) -> String {
    match (row.estimate, &row.failure) {
        (Some(e), _) => format!(
            "{} [{} – {}]",
            charts::si_time(e.point_ns),
            charts::si_time(e.lower_ns),
            charts::si_time(e.upper_ns)
        ),
        (None, Some(_)) => "failed".into(),
        (None, None) => "missing".into(),
    }
}

/// Contiguous throughput normalised to native of the same run (same pattern and size).
fn contiguous(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Contiguous access: load/store throughput against native\n"
    );
    let rows: Vec<(Id, &Row)> = family_rows(results, "contiguous")
        .into_iter()
        .filter(|(id, _)| id.strategy.is_none())
        .collect();
    if rows.is_empty() {
        let _ = writeln!(md, "No contiguous results in this run.\n");
        return Ok(());
    }
    let native: BTreeMap<(&str, &str), &Row> = rows
        .iter()
        .filter(|(id, _)| id.runtime == NATIVE)
        .map(|(id, r)| ((id.pattern, id.size), *r))
        .collect();
    let sizes: BTreeSet<&str> = rows.iter().map(|(id, _)| id.size).collect();
    let mut sizes: Vec<&str> = sizes.into_iter().collect();
    sizes.sort_by_key(|s| size_bytes(s));
    let _ = writeln!(
        md,
        "Throughput of each runtime divided by native's for the same pattern and working set, \
         from the same run (the runtimes' memory is declared with an exact maximum, `defined-max`; \
         native is the same guest source over a host buffer). Whiskers: the runtime's confidence \
         interval over native's point estimate.\n"
    );
    for size in &sizes {
        let mut panels = Vec::new();
        let patterns: BTreeSet<&str> = rows
            .iter()
            .filter(|(id, _)| id.size == *size && !id.pattern.starts_with("first-touch"))
            .map(|(id, _)| id.pattern)
            .collect();
        let _ = writeln!(
            md,
            "### {size}\n\n![contiguous {size}](charts/contiguous-{size}.png) ([SVG](charts/contiguous-{size}.svg))\n"
        );
        let _ = writeln!(
            md,
            "| pattern | runtime | time per call | throughput | × native |\n|---|---|---|---|---|"
        );
        for pattern in &patterns {
            let base = native.get(&(*pattern, *size)).and_then(|r| r.estimate);
            let mut bars = Vec::new();
            for (id, row) in rows.iter().filter(|(id, _)| {
                id.size == *size
                    && id.pattern == *pattern
                    && matches!(id.variant, "defined-max" | "host-buffer")
            }) {
                let ratio = match (base, row.estimate) {
                    (Some(n), Some(e)) => Some((
                        n.point_ns / e.point_ns,
                        (n.point_ns / e.upper_ns, n.point_ns / e.lower_ns),
                    )),
                    _ => None,
                };
                bars.push(Bar {
                    label: id.runtime.to_string(),
                    value: ratio.map(|r| r.0),
                    interval: ratio.map(|r| r.1),
                    inner: None,
                    marker: None,
                });
                let _ = writeln!(
                    md,
                    "| {pattern} | {} | {} | {} | {} |",
                    id.runtime,
                    ci(row),
                    row.throughput()
                        .map_or("–".into(), |t| format!("{}/s", charts::si_bytes(t))),
                    ratio.map_or("–".into(), |r| format!("{:.3}", r.0))
                );
            }
            panels.push(BarPanel {
                title: pattern.to_string(),
                bars,
            });
        }
        let _ = writeln!(md);
        findings_contiguous(&panels, size, md);
        let height = 120 + 60 * panels.len().div_ceil(2) as u32 * 3;
        charts::write_both(
            dir,
            &format!("contiguous-{size}"),
            (1400, height.max(600)),
            &Chart::Bars {
                frame: Frame {
                    title: format!(
                        "How close to native does each runtime load and store? (warm memory, {size} working set)"
                    ),
                    footer: footer(results),
                },
                panels,
                cols: 2,
                axis: "throughput ÷ native throughput (log)".into(),
                format: |v| format!("{v:.2}×"),
            },
        )?;
    }
    let _ = writeln!(md, "### Memory variants and strategies\n");
    let _ = writeln!(
        md,
        "The same patterns under each declared-memory variant (`defined`/`imported`, without a \
         maximum, with an exact one, with 4 GiB) and each host strategy (`@<knobs>`).\n"
    );
    let _ = writeln!(md, "| id | time per call | throughput |\n|---|---|---|");
    for row in results.rows.iter().filter(|r| {
        parse(&r.id).is_some_and(|id| {
            id.family == "contiguous"
                && (id.strategy.is_some() || !matches!(id.variant, "defined-max" | "host-buffer"))
        })
    }) {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} |",
            row.id,
            ci(row),
            row.throughput()
                .map_or("–".into(), |t| format!("{}/s", charts::si_bytes(t)))
        );
    }
    let _ = writeln!(md);
    Ok(())
}

fn findings_contiguous(panels: &[BarPanel], size: &str, md: &mut String) {
    for panel in panels
        .iter()
        .filter(|p| p.title == "seq-read-i64" || p.title == "random-read-i64")
    {
        let mut wasm: Vec<(&str, f64)> = panel
            .bars
            .iter()
            .filter(|b| b.label != NATIVE)
            .filter_map(|b| b.value.map(|v| (b.label.as_str(), v)))
            .collect();
        wasm.sort_by(|a, b| b.1.total_cmp(&a.1));
        if let (Some(best), Some(worst)) = (wasm.first(), wasm.last()) {
            let _ = writeln!(
                md,
                "- **{}, {size}**: fastest runtime {} at {:.2}× native, slowest {} at {:.3}× native \
                 ({:.0}× apart).",
                panel.title,
                best.0,
                best.1,
                worst.0,
                worst.1,
                best.1 / worst.1
            );
        }
    }
    let _ = writeln!(md);
}

fn size_bytes(s: &str) -> u64 {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n.parse().unwrap_or(0);
    match unit {
        "KiB" => n << 10,
        "MiB" => n << 20,
        "GiB" => n << 30,
        _ => n,
    }
}

/// The grow family: cost of one grow against the memory's current size.
fn grow(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Grow: what one `memory.grow` costs, and whether a maximum helps\n"
    );
    let rows = family_rows(results, "grow");
    if rows.is_empty() {
        let _ = writeln!(md, "No grow results in this run.\n");
        return Ok(());
    }
    for (name, default) in [("grow-cost", true), ("grow-cost-strategies", false)] {
        let mut series: BTreeMap<(String, &str), Vec<charts::Point>> = BTreeMap::new();
        for (id, row) in rows
            .iter()
            .filter(|(id, _)| id.pattern == "grow1-at" && (id.strategy.is_none() == default))
        {
            let (Some(e), Ok(pages)) = (row.estimate, id.size.parse::<f64>()) else {
                continue;
            };
            // A capped case ran at a smaller size: plot it where it ran.
            let pages = row
                .record
                .as_ref()
                .map(|r| r.key.ran_bytes / 65536)
                .map_or(pages, |p| p as f64);
            if !matches!(id.variant, "defined-max" | "defined-nomax") {
                continue;
            }
            let key = id.label();
            series.entry((key, id.variant)).or_default().push((
                pages,
                e.point_ns,
                (e.lower_ns, e.upper_ns),
            ));
        }
        let keys: Vec<String> = series
            .keys()
            .map(|k| k.0.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let lines: Vec<Line> = series
            .into_iter()
            .map(|((key, variant), mut points)| {
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                Line {
                    color: keys.iter().position(|k| *k == key).unwrap_or(0),
                    label: format!(
                        "{key} ({})",
                        if variant == "defined-max" {
                            "max"
                        } else {
                            "no max, dashed"
                        }
                    ),
                    dashed: variant == "defined-nomax",
                    points,
                }
            })
            .collect();
        let title = if default {
            "Does a grow get dearer as memory grows, and does a declared maximum help? (default strategies)"
        } else {
            "The same under each non-default host memory strategy"
        };
        let _ = writeln!(
            md,
            "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
        charts::write_both(
            dir,
            name,
            (1400, 900),
            &Chart::Lines {
                frame: Frame {
                    title: title.into(),
                    footer: footer(results),
                },
                lines,
                x_axis: "memory size before the grow (pages of 64 KiB, log)".into(),
                y_axis: "time per grow(1) (log)".into(),
            },
        )?;
    }
    let _ = writeln!(
        md,
        "Solid: memory declared with an exact maximum; dashed: without a maximum. Capped cases are drawn at the size they ran at.\n"
    );
    findings_grow(&rows, md);
    // Findings: grow(1) at 4096 pages, with and without a maximum, per runtime × strategy.
    let _ = writeln!(md, "| runtime @ strategy | grow(1) at 1 page, max | at 1 page, no max | at 4096 pages, max | at 4096 pages, no max |\n|---|---|---|---|---|");
    let find = |rt: &str, strat: Option<&str>, size: &str, variant: &str| {
        rows.iter()
            .find(|(id, _)| {
                id.pattern == "grow1-at"
                    && id.runtime == rt
                    && id.strategy == strat
                    && id.size == size
                    && id.variant == variant
            })
            .map(|(_, r)| ci(r))
            .unwrap_or_else(|| "missing".into())
    };
    let configs: BTreeSet<(&str, Option<&str>)> = rows
        .iter()
        .map(|(id, _)| (id.runtime, id.strategy))
        .collect();
    for (rt, strat) in &configs {
        let _ = writeln!(
            md,
            "| {rt}{} | {} | {} | {} | {} |",
            strat.map(|s| format!(" @`{s}`")).unwrap_or_default(),
            find(rt, *strat, "1", "defined-max"),
            find(rt, *strat, "1", "defined-nomax"),
            find(rt, *strat, "4096", "defined-max"),
            find(rt, *strat, "4096", "defined-nomax"),
        );
    }
    let _ = writeln!(md, "\n### Every grow case\n\nTime is per grow; `capped` cases ran smaller because the strategy moves memory on every grow.\n");
    let _ = writeln!(md, "| id | time per grow | grows per call | capped at | ran at (pages) |\n|---|---|---|---|---|");
    for (_, row) in &rows {
        let rec = row.record.as_ref();
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} |",
            row.id,
            ci(row),
            rec.and_then(|r| r.grows)
                .map_or("–".into(), |g| g.to_string()),
            rec.and_then(|r| r.capped_at_pages)
                .map_or("–".into(), |c| c.to_string()),
            rec.map(|r| r.key.ran_bytes / 65536)
                .map_or("–".into(), |c| c.to_string()),
        );
    }
    let _ = writeln!(md);
    Ok(())
}

/// Sentences computed from the grow table: the cheapest and dearest `grow(1)` at 4096 pages, and
/// how many configurations got cheaper with a declared maximum.
fn findings_grow(rows: &[(Id, &Row)], md: &mut String) {
    let at = |size: &str, variant: &str| -> Vec<(String, f64, f64, f64)> {
        rows.iter()
            .filter(|(id, _)| id.pattern == "grow1-at" && id.size == size && id.variant == variant)
            .filter_map(|(id, r)| {
                let e = r.estimate?;
                let name = id.label();
                Some((name, e.point_ns, e.lower_ns, e.upper_ns))
            })
            .collect()
    };
    let mut max = at("4096", "defined-max");
    max.sort_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(lo), Some(hi)) = (max.first(), max.last()) {
        let _ = writeln!(
            md,
            "- `grow(1)` at 4096 pages with a maximum: cheapest {} ({}), dearest {} ({}).",
            lo.0,
            charts::si_time(lo.1),
            hi.0,
            charts::si_time(hi.1)
        );
    }
    let none = at("4096", "defined-nomax");
    let (mut faster, mut slower, mut same) = (0, 0, 0);
    for m in &max {
        if let Some(n) = none.iter().find(|n| n.0 == m.0) {
            if m.3 < n.2 {
                faster += 1;
            } else if m.2 > n.3 {
                slower += 1;
            } else {
                same += 1;
            }
        }
    }
    let _ = writeln!(
        md,
        "- With a declared maximum, `grow(1)` at 4096 pages was faster (confidence intervals apart) in \
         {faster} configurations, slower in {slower}, and indistinguishable in {same}.\n"
    );
}

/// Instantiate time and the virtual address space one memory reserves, per strategy.
fn instantiate(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Instantiation and reserved address space per strategy\n"
    );
    let rows = family_rows(results, "instantiate");
    if rows.is_empty() {
        let _ = writeln!(md, "No instantiate results in this run.\n");
        return Ok(());
    }
    let label = |id: &Id| id.label();
    let time_bars: Vec<Bar> = rows
        .iter()
        .filter(|(id, _)| id.variant == "defined-max")
        .map(|(id, r)| Bar {
            label: label(id),
            value: r.estimate.map(|e| e.point_ns),
            interval: r.estimate.map(|e| (e.lower_ns, e.upper_ns)),
            inner: None,
            marker: None,
        })
        .collect();
    let mut reserve_panels = Vec::new();
    for variant in ["defined-nomax", "defined-max", "defined-max4g"] {
        reserve_panels.push(BarPanel {
            title: format!("virtual address space one 16-page memory adds ({variant})"),
            bars: rows
                .iter()
                .filter(|(id, _)| id.variant == variant)
                .map(|(id, r)| Bar {
                    label: label(id),
                    value: r
                        .record
                        .as_ref()
                        .and_then(|r| r.footprint)
                        .map(|f| f.reserved_virtual_bytes as f64),
                    interval: None,
                    inner: None,
                    marker: None,
                })
                .collect(),
        });
    }
    let n = time_bars.len() as u32;
    charts::write_both(
        dir,
        "instantiate",
        (1400, 200 + 28 * n),
        &Chart::Bars {
            frame: Frame {
                title: "How long does instantiating a 16-page memory take under each strategy?"
                    .into(),
                footer: footer(results),
            },
            panels: vec![BarPanel {
                title: "instantiate (defined-max)".into(),
                bars: time_bars,
            }],
            cols: 1,
            axis: "time per instantiation (log)".into(),
            format: charts::si_time,
        },
    )?;
    charts::write_both(
        dir,
        "reserved",
        (1400, 200 + 3 * 28 * n),
        &Chart::Bars {
            frame: Frame {
                title:
                    "How much address space does one memory reserve, with and without a maximum?"
                        .into(),
                footer: footer(results),
            },
            panels: reserve_panels,
            cols: 1,
            axis: "VmSize growth across one instantiation (log)".into(),
            format: charts::si_bytes,
        },
    )?;
    let _ = writeln!(
        md,
        "![instantiate](charts/instantiate.png) ([SVG](charts/instantiate.svg))\n"
    );
    let mut times: Vec<(String, f64)> = rows
        .iter()
        .filter(|(id, _)| id.variant == "defined-max" && id.runtime != NATIVE)
        .filter_map(|(id, r)| Some((label(id), r.estimate?.point_ns)))
        .collect();
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(lo), Some(hi)) = (times.first(), times.last()) {
        let _ = writeln!(
            md,
            "- Fastest instantiation of a 16-page memory: {} ({}); slowest: {} ({}), {:.1}× longer.\n",
            lo.0,
            charts::si_time(lo.1),
            hi.0,
            charts::si_time(hi.1),
            hi.1 / lo.1
        );
    }
    let _ = writeln!(
        md,
        "![reserved](charts/reserved.png) ([SVG](charts/reserved.svg))\n"
    );
    let _ = writeln!(
        md,
        "| id | time per instantiation | virtual reserved | resident added |\n|---|---|---|---|"
    );
    for (_, row) in &rows {
        let f = row.record.as_ref().and_then(|r| r.footprint);
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} |",
            row.id,
            ci(row),
            f.map_or("–".into(), |f| charts::si_bytes(
                f.reserved_virtual_bytes as f64
            )),
            f.map_or("–".into(), |f| charts::si_bytes(f.resident_bytes as f64)),
        );
    }
    let _ = writeln!(md);
    Ok(())
}

/// Wasted memory per allocator × workload: live inside linear memory, resident and reserved.
fn wasted(results: &Results, dir: &Path, md: &mut String) -> Result<()> {
    let _ = writeln!(
        md,
        "## Wasted memory: what linear memory grew to against what the guest held\n"
    );
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
        "Each bar is the linear memory after the workload (`memory.size` × 64 KiB, log scale); the \
         dark part is the guest's own peak live bytes, the rest is waste; the red tick is what is \
         resident (`mincore`). Reserved address space is in the table. Memory never shrinks, so \
         the end size is the peak size.\n"
    );
    let runtimes: BTreeSet<&str> = records.iter().map(|r| r.runtime.as_str()).collect();
    for rt in &runtimes {
        let bars: Vec<Bar> = records
            .iter()
            .filter(|r| r.runtime == *rt)
            .map(|r| Bar {
                label: format!("{} / {}", r.workload, r.allocator),
                value: r.figures.as_ref().map(|f| f.linear_bytes as f64),
                interval: None,
                inner: r
                    .figures
                    .as_ref()
                    .and_then(|f| f.peak_live_bytes)
                    .map(|v| v as f64),
                marker: r.figures.as_ref().map(|f| f.resident_bytes as f64),
            })
            .collect();
        let name = format!("wasted-{rt}");
        let n = bars.len() as u32;
        charts::write_both(
            dir,
            &name,
            (1400, 160 + 26 * n),
            &Chart::Bars {
                frame: Frame {
                    title: format!(
                        "How much memory does each allocator make the guest hold on to? ({rt})"
                    ),
                    footer: footer(results),
                },
                panels: vec![BarPanel {
                    title: "linear memory (bar), peak live (dark), resident (red tick)".into(),
                    bars,
                }],
                cols: 1,
                axis: "bytes (log)".into(),
                format: charts::si_bytes,
            },
        )?;
        let _ = writeln!(
            md,
            "![{name}](charts/{name}.png) ([SVG](charts/{name}.svg))\n"
        );
    }
    // Findings: waste per allocator on sawtooth and mixed, from the first runtime, and whether it
    // is the same on every runtime.
    for workload in ["sawtooth", "mixed"] {
        let mut per: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
        for r in records.iter().filter(|r| r.workload == workload) {
            if let Some(w) = r.figures.as_ref().and_then(|f| f.waste_bytes) {
                per.entry(r.allocator.as_str()).or_default().insert(w);
            }
        }
        let parts: Vec<String> = per
            .iter()
            .map(|(a, w)| match (w.first(), w.last()) {
                (Some(lo), Some(hi)) if lo == hi => format!("{a} {}", charts::si_bytes(*lo as f64)),
                (Some(lo), Some(hi)) => format!(
                    "{a} {}–{}",
                    charts::si_bytes(*lo as f64),
                    charts::si_bytes(*hi as f64)
                ),
                _ => format!("{a} –"),
            })
            .collect();
        let _ = writeln!(
            md,
            "- **{workload}** waste (linear − peak live): {}.",
            parts.join(", ")
        );
    }
    let _ = writeln!(md, "\n| runtime | workload | allocator | linear | peak live | waste | resident | reserved | resident/live |\n|---|---|---|---|---|---|---|---|---|");
    for r in records {
        let b = |v: Option<u64>| v.map_or("–".into(), |v| charts::si_bytes(v as f64));
        match &r.figures {
            Some(f) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.runtime,
                    r.workload,
                    r.allocator,
                    b(Some(f.linear_bytes)),
                    b(f.peak_live_bytes),
                    b(f.waste_bytes),
                    b(Some(f.resident_bytes)),
                    b(Some(f.reserved_virtual_bytes)),
                    f.resident_per_live
                        .map_or("–".into(), |v| format!("{v:.2}")),
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | failed: {} | | | | | |",
                    r.runtime,
                    r.workload,
                    r.allocator,
                    r.failure.as_deref().unwrap_or("unknown")
                );
            }
        }
    }
    let _ = writeln!(md);
    Ok(())
}

/// One row per claim of the seed, one column per runtime × strategy.
fn seed_claims(results: &Results, md: &mut String) {
    let _ = writeln!(md, "## The seed's claims, per runtime × strategy\n");
    let rows: Vec<(Id, &Row)> = results
        .rows
        .iter()
        .filter_map(|r| parse(&r.id).map(|id| (id, r)))
        .collect();
    let configs: BTreeSet<(&str, Option<&str>)> = rows
        .iter()
        .filter(|(id, _)| id.family == "grow" || id.family == "instantiate")
        .map(|(id, _)| (id.runtime, id.strategy))
        .collect();
    if configs.is_empty() {
        let _ = writeln!(md, "No grow or instantiate results in this run.\n");
        return;
    }
    let get =
        |family: &str, pattern: &str, size: &str, rt: &str, strat: Option<&str>, variant: &str| {
            rows.iter()
                .find(|(id, _)| {
                    id.family == family
                        && id.pattern == pattern
                        && id.size == size
                        && id.runtime == rt
                        && id.strategy == strat
                        && id.variant == variant
                })
                .map(|(_, r)| *r)
        };
    let _ = writeln!(md, "| runtime @ strategy | growing past the maximum fails (-1 in guest, error on host) | a maximum makes the engine reserve ahead | a maximum makes grow(1) at 4096 pages cheaper |\n|---|---|---|---|");
    for (rt, strat) in &configs {
        // Claim: growth past the maximum fails. The bench checks every failing grow's outcome; a
        // case that ran to an estimate held, a recorded failure did not.
        let fail_cells: Vec<Option<&Row>> = ["defined-nomax", "defined-max", "defined-max4g"]
            .iter()
            .flat_map(|v| {
                [
                    get("grow", "grow-fail", "16", rt, *strat, v),
                    get("grow", "host-grow-fail", "16", rt, *strat, v),
                ]
            })
            .collect();
        let past_max = if fail_cells
            .iter()
            .any(|r| r.is_some_and(|r| r.failure.is_some()))
        {
            "did not hold".to_string()
        } else if fail_cells
            .iter()
            .all(|r| r.is_some_and(|r| r.estimate.is_some()))
        {
            "held".to_string()
        } else {
            "not measured".to_string()
        };
        // Claim: reserve ahead with a maximum. Compare the virtual reservation with a 4 GiB maximum
        // to the one without.
        let reserved = |v: &str| {
            rows.iter()
                .find(|(id, _)| {
                    id.family == "instantiate"
                        && id.runtime == *rt
                        && id.strategy == *strat
                        && id.variant == v
                })
                .and_then(|(_, r)| r.record.as_ref()?.footprint)
                .map(|f| f.reserved_virtual_bytes)
        };
        let ahead = match (reserved("defined-nomax"), reserved("defined-max4g")) {
            (Some(none), Some(max)) => format!(
                "{} ({} with 4 GiB max, {} without)",
                if max as f64 > none as f64 * 1.5 {
                    "held"
                } else {
                    "did not hold"
                },
                charts::si_bytes(max as f64),
                charts::si_bytes(none as f64)
            ),
            _ => "not measured".into(),
        };
        let cheaper = match (
            get("grow", "grow1-at", "4096", rt, *strat, "defined-max").and_then(|r| r.estimate),
            get("grow", "grow1-at", "4096", rt, *strat, "defined-nomax").and_then(|r| r.estimate),
        ) {
            (Some(max), Some(none)) => format!(
                "{} ({} with max, {} without)",
                if max.upper_ns < none.lower_ns {
                    "held"
                } else {
                    "did not hold"
                },
                charts::si_time(max.point_ns),
                charts::si_time(none.point_ns)
            ),
            _ => "not measured".into(),
        };
        let _ = writeln!(
            md,
            "| {rt}{} | {past_max} | {ahead} | {cheaper} |",
            strat.map(|s| format!(" @`{s}`")).unwrap_or_default()
        );
    }
    if !results.verify.is_empty() {
        let _ = writeln!(md, "\n### Checked by `membench verify`\n");
        if let Some(e) = &results.verify_environment {
            let _ = writeln!(
                md,
                "`membench verify` ran apart from the benches, at commit `{}` on {} ({}, {} cores).\n",
                e.commit, e.date, e.cpu, e.cores
            );
        }
        let checks: Vec<&str> = results.verify[0]
            .checks
            .iter()
            .map(|c| c.check.as_str())
            .collect();
        let _ = writeln!(md, "| runtime @ strategy | {} |", checks.join(" | "));
        let _ = writeln!(md, "|---|{}", "---|".repeat(checks.len()));
        for v in &results.verify {
            let cells: Vec<String> = v
                .checks
                .iter()
                .map(|c| {
                    format!(
                        "{} <sub>{}</sub>",
                        c.outcome.label(),
                        c.detail.replace('|', "/")
                    )
                })
                .collect();
            let strategy = if v.strategy == "default" {
                String::new()
            } else {
                format!(" @`{}`", v.strategy)
            };
            let _ = writeln!(md, "| {}{strategy} | {} |", v.runtime, cells.join(" | "));
        }
    }
    let _ = writeln!(
        md,
        "\n\"held\" for the reservation means the memory with a 4 GiB maximum added over 1.5× the \
         address space of the one without (columns from the instantiate table above); for the grow \
         cost, that the confidence intervals are apart with the maximum faster (grow table above).\n"
    );
}

/// The spec's memory tests per runtime × strategy × maximum variant, and every deviation seen.
fn spec_conformance(results: &Results, md: &mut String) {
    let runs: Vec<&membench::spec::SpecRun> = results.verify.iter().flat_map(|v| &v.spec).collect();
    if runs.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Spec conformance: the WebAssembly memory tests\n");
    let _ = writeln!(
        md,
        "Suite: {}, files {}. \"max-4g-added\" runs every module with `maximum 65536` added to \
         each defined memory that declares none. Text-format assertions are refused by the `wast` \
         parser before any runtime sees them.\n",
        membench::spec::SUITE,
        membench::spec::FILES.join(", ")
    );
    let labels = membench::spec::Counts::LABELS;
    let _ = writeln!(
        md,
        "| runtime @ strategy | variant | {} |\n|---|---|{}",
        labels.join(" | "),
        "---|".repeat(labels.len())
    );
    for r in &runs {
        let strategy = if r.strategy == "default" {
            String::new()
        } else {
            format!(" @`{}`", r.strategy)
        };
        let cells: Vec<String> = r.totals.values().iter().map(u32::to_string).collect();
        let _ = writeln!(
            md,
            "| {}{strategy} | {} | {} |",
            r.runtime,
            r.variant.label(),
            cells.join(" | ")
        );
    }
    // Every assertion that did not pass, grouped by where it is, with the configurations it hit.
    let mut seen: BTreeMap<(String, usize, String), BTreeSet<String>> = BTreeMap::new();
    for r in &runs {
        for f in &r.failures {
            seen.entry((f.file.clone(), f.line, f.kind.clone()))
                .or_default()
                .insert(format!("{} @ {}", r.runtime, r.strategy));
        }
    }
    if !seen.is_empty() {
        let _ = writeln!(md, "\n### Assertions that did not pass\n");
        for ((file, line, kind), configs) in &seen {
            let detail = runs
                .iter()
                .flat_map(|r| &r.failures)
                .find(|f| &f.file == file && f.line == *line && &f.kind == kind)
                .map(|f| f.detail.replace('|', "/"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- `{file}:{line}` ({kind}, {} configuration(s): {}): {detail}",
                configs.len(),
                configs.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let _ = writeln!(md);
}

fn failures(results: &Results, md: &mut String) {
    let failed: Vec<&Row> = results
        .rows
        .iter()
        .filter(|r| r.failure.is_some())
        .collect();
    let missing = results
        .rows
        .iter()
        .filter(|r| r.failure.is_none() && r.estimate.is_none())
        .count();
    let _ = writeln!(md, "## Failed and missing cases\n");
    let _ = writeln!(
        md,
        "{} cases failed, {missing} have no estimate.\n",
        failed.len()
    );
    for r in failed {
        let _ = writeln!(
            md,
            "- `{}`: {}",
            r.id,
            r.failure.as_deref().unwrap_or_default()
        );
    }
}

fn write_csv(results: &Results, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record([
        "id",
        "family",
        "runtime",
        "strategy",
        "pattern",
        "size_bytes",
        "memory_variant",
        "initial_pages",
        "maximum_pages",
        "per",
        "bytes_per_iteration",
        "grows",
        "capped_at_pages",
        "ran_pages",
        "reserved_virtual_bytes",
        "resident_bytes",
        "time_ns",
        "time_ns_lower",
        "time_ns_upper",
        "throughput_bytes_per_s",
        "failure",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for row in &results.rows {
        let r = row.record.as_ref();
        let f = r.and_then(|r| r.footprint);
        w.write_record([
            row.id.clone(),
            opt(r.map(|r| r.key.family.id().to_string())),
            opt(r.map(|r| r.key.runtime.clone())),
            opt(r.map(|r| r.key.strategy.knobs.clone())),
            opt(r.map(|r| r.key.pattern.clone())),
            opt(r.map(|r| r.key.size_bytes.to_string())),
            opt(r.map(|r| r.key.variant.clone())),
            opt(r.map(|r| r.initial_pages.to_string())),
            opt(r.and_then(|r| r.maximum_pages).map(|v| v.to_string())),
            opt(r.map(|r| r.per.clone())),
            opt(r.map(|r| r.bytes_per_iteration.to_string())),
            opt(r.and_then(|r| r.grows).map(|v| v.to_string())),
            opt(r.and_then(|r| r.capped_at_pages).map(|v| v.to_string())),
            opt(r.map(|r| r.key.ran_bytes / 65536).map(|v| v.to_string())),
            opt(f.map(|f| f.reserved_virtual_bytes.to_string())),
            opt(f.map(|f| f.resident_bytes.to_string())),
            opt(row.estimate.map(|e| e.point_ns.to_string())),
            opt(row.estimate.map(|e| e.lower_ns.to_string())),
            opt(row.estimate.map(|e| e.upper_ns.to_string())),
            opt(row.throughput().map(|t| t.to_string())),
            opt(row.failure.clone()),
        ])?;
    }
    w.flush()?;
    Ok(())
}
