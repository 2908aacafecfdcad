//! The chart shapes the report uses, drawn with plotters into SVG and PNG alike. Text uses an
//! embedded DejaVu Sans (registered for the bitmap backend), so a machine without system fonts
//! renders the same PNG; SVG carries its text as text.
//!
//! Values on a log axis are drawn as dots (with their interval as whiskers), never as bars: a bar
//! on a log axis starts at an arbitrary floor and its length means nothing. A ratio chart draws its
//! reference (1×) as a line and each ratio as a lollipop from it. Every axis is labelled at round
//! values of its own unit ([`Unit`]).

use std::path::Path;
use std::sync::Once;

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The embedded font (DejaVu Sans; its licence is in `assets/DejaVuSans-LICENSE`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary; failure is impossible.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// What an axis measures: decides its tick positions and how values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A ratio (`0.5×`, `1×`), ticks at 1-2-5 steps.
    Ratio,
    /// A time in nanoseconds (`500 ns`, `2 µs`), ticks at 1-2-5 steps.
    Time,
    /// Bytes, in binary units at round values (`64 KiB`, `1 MiB`, `4 GiB`), ticks at powers of 2.
    Bytes,
    /// A count of 64 KiB pages, ticks at powers of 2.
    Pages,
}

impl Unit {
    /// A value as this unit writes it.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Ratio => format!("{}×", sig(v, 3)),
            Unit::Time => time(v),
            Unit::Bytes => bytes(v),
            Unit::Pages => format!("{v:.0}"),
        }
    }

    /// Tick positions between `min` and `max` (both positive) on a log axis.
    pub fn ticks(self, min: f64, max: f64) -> Vec<f64> {
        match self {
            Unit::Ratio | Unit::Time => decade_ticks(min, max),
            Unit::Bytes => power_of_two_ticks(min, max, &[1, 2, 5, 10]),
            Unit::Pages => power_of_two_ticks(min, max, &[1, 2, 4, 8]),
        }
    }
}

/// Ticks at 1, 2 and 5 × 10^k (only 1 × 10^k over more than three decades, 1..9 × 10^k within
/// less than one).
fn decade_ticks(min: f64, max: f64) -> Vec<f64> {
    let span = (max / min).log10();
    let mantissas: &[f64] = if span > 3.0 {
        &[1.0]
    } else if span > 0.8 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    };
    let mut out = Vec::new();
    let (lo, hi) = (min.log10().floor() as i32, max.log10().ceil() as i32);
    for k in lo..=hi {
        for m in mantissas {
            let v = m * 10f64.powi(k);
            if v >= min && v <= max {
                out.push(v);
            }
        }
    }
    out
}

/// Ticks at 2^(step·k), with the smallest step of `steps` that gives at most eight ticks.
fn power_of_two_ticks(min: f64, max: f64, steps: &[i32]) -> Vec<f64> {
    let (lo, hi) = (min.log2().ceil() as i32, max.log2().floor() as i32);
    for &step in steps {
        let first = lo.div_euclid(step) * step + if lo.rem_euclid(step) == 0 { 0 } else { step };
        let ticks: Vec<f64> = (first..=hi)
            .step_by(step as usize)
            .map(|e| 2f64.powi(e))
            .collect();
        if ticks.len() <= 8 || step == *steps.last().unwrap_or(&1) {
            return ticks;
        }
    }
    Vec::new()
}

/// `v` with `digits` significant digits, trailing zeros dropped (`1.5`, `200`, `0.0123`).
pub fn sig(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A time in nanoseconds with four significant digits: `705.6 ns`, `1.055 µs`, `2 ms`.
pub fn time(ns: f64) -> String {
    let (v, unit) = match ns.abs() {
        v if v >= 1e9 => (ns / 1e9, "s"),
        v if v >= 1e6 => (ns / 1e6, "ms"),
        v if v >= 1e3 => (ns / 1e3, "µs"),
        _ => (ns, "ns"),
    };
    format!("{} {unit}", sig(v, 4))
}

/// Bytes in binary units, exact when round (`64 KiB`, `4 GiB`), else three significant digits
/// (`1.06 MiB`).
pub fn bytes(b: f64) -> String {
    const UNITS: [(f64, &str); 4] = [
        (1099511627776.0, "TiB"),
        (1073741824.0, "GiB"),
        (1048576.0, "MiB"),
        (1024.0, "KiB"),
    ];
    for (size, unit) in UNITS {
        if b.abs() >= size {
            return format!("{} {unit}", sig(b / size, 3));
        }
    }
    format!("{b:.0} B")
}

/// A bytes-per-second figure: `25 GiB/s`.
pub fn bytes_per_second(b: f64) -> String {
    format!("{}/s", bytes(b))
}

/// How a mark is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A filled circle in the row's colour.
    Dot,
    /// An open circle in the row's colour (a figure with a caveat, e.g. a capped case).
    Hollow,
    /// A dark square.
    Square,
    /// A red vertical tick.
    Tick,
}

/// One value on a row, with its interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The value (a mark whose value is not positive is not drawn: the log axis has no place for it).
    pub value: f64,
    /// Lower and upper bounds of its interval, drawn as a whisker.
    pub interval: Option<(f64, f64)>,
    /// How it is drawn.
    pub shape: Shape,
}

/// One row of a dot panel: a category and its marks.
#[derive(Clone, Debug, PartialEq)]
pub struct DotRow {
    /// The category, written left of the axis.
    pub label: String,
    /// The values. None: the row shows `note` instead.
    pub marks: Vec<Mark>,
    /// A line between two values (e.g. live bytes to linear bytes: the waste).
    pub span: Option<(f64, f64)>,
    /// Written beside the marks (or alone on the row when it has none): a figure, `0 B`, or
    /// why there is no figure (`missing`, `failed`, `unsupported`).
    pub note: Option<String>,
    /// The note says why a figure is missing: written in red.
    pub alert: bool,
}

/// A panel of rows sharing the chart's value axis.
#[derive(Clone, Debug)]
pub struct DotPanel {
    /// The panel's title.
    pub title: String,
    /// The rows, top to bottom.
    pub rows: Vec<DotRow>,
}

/// A point of a line: `(x, y)` with y's interval; `hollow` for a point with a caveat.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
    /// y's interval.
    pub interval: (f64, f64),
    /// Drawn as an open circle.
    pub hollow: bool,
}

/// One line of a log-log line chart.
#[derive(Clone, Debug)]
pub struct Line {
    /// The legend entry.
    pub label: String,
    /// The points, in x order, at most one per x.
    pub points: Vec<Point>,
    /// Dashed instead of solid.
    pub dashed: bool,
    /// Colour index shared by lines of the same runtime-engine × strategy.
    pub color: usize,
}

/// Everything every chart carries: the question it answers, and where it was measured.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The title: the question the chart answers.
    pub title: String,
    /// The footer: run, machine, commit, date.
    pub footer: String,
}

/// A value axis: its label (with what is compared) and unit.
#[derive(Clone, Debug)]
pub struct Axis {
    /// The label.
    pub label: String,
    /// The unit.
    pub unit: Unit,
}

/// A chart: its frame and what is drawn inside it.
#[derive(Clone, Debug)]
pub enum Chart {
    /// Panels of rows of dots on a shared log axis.
    Dots {
        /// Title and footer.
        frame: Frame,
        /// The panels.
        panels: Vec<DotPanel>,
        /// Panels per row.
        cols: usize,
        /// The value axis.
        axis: Axis,
        /// A reference value drawn as a vertical line, with its name (`1×`, native); marks are
        /// drawn as lollipops from it.
        reference: Option<(f64, String)>,
        /// What the shapes mean, written under the title.
        legend: Option<String>,
    },
    /// A log-log line chart.
    Lines {
        /// Title and footer.
        frame: Frame,
        /// The lines.
        lines: Vec<Line>,
        /// The x axis.
        x_axis: Axis,
        /// The y axis.
        y_axis: Axis,
    },
}

impl Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        match self {
            Chart::Dots {
                frame: f,
                panels,
                cols,
                axis,
                reference,
                legend,
            } => {
                let body = frame(root, f)?;
                let body = match legend {
                    Some(text) => {
                        let (top, rest) = body.split_vertically(20);
                        top.draw(&Text::new(
                            text.clone(),
                            (12, 2),
                            (FAMILY, 12).into_font().color(&RGBColor(60, 60, 60)),
                        ))
                        .map_err(err)?;
                        rest
                    }
                    None => body,
                };
                dot_panels(&body, panels, *cols, axis, reference.as_ref())
            }
            Chart::Lines {
                frame: f,
                lines: l,
                x_axis,
                y_axis,
            } => lines(&frame(root, f)?, l, x_axis, y_axis),
        }
    }
}

/// Writes `name.svg` and `name.png` in `dir`.
pub fn write_both(dir: &Path, name: &str, size: (u32, u32), chart: &Chart) -> Result<()> {
    register_font();
    let svg = dir.join(format!("{name}.svg"));
    let png = dir.join(format!("{name}.png"));
    {
        let root = SVGBackend::new(&svg, size).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(())
}

fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing: {e:?}")
}

/// Draws the title and footer and returns the area between them.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let (top, rest) = root.split_vertically(40);
    let (body, foot) = rest.split_vertically(h - 40 - 24);
    top.draw(&Text::new(
        frame.title.clone(),
        (12, 10),
        (FAMILY, 20).into_font().color(&BLACK),
    ))
    .map_err(err)?;
    foot.draw(&Text::new(
        frame.footer.clone(),
        (12, 4),
        (FAMILY, 12).into_font().color(&RGBColor(90, 90, 90)),
    ))
    .map_err(err)?;
    Ok(body)
}

/// The log range covering `values` with some room, and its ticks.
fn log_range(values: impl Iterator<Item = f64>, unit: Unit, room: (f64, f64)) -> (f64, f64) {
    let (min, max) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if min > max {
        return (1.0, 10.0);
    }
    let (min, max) = (min / room.0, max * room.1);
    // At least one tick inside: widen a range narrower than a 1-2-5 step.
    match unit {
        Unit::Ratio | Unit::Time if max / min < 2.5 => (min / 1.5, max * 1.5),
        _ => (min, max),
    }
}

/// Distinguishable dark colours (matplotlib's tab10, then darker tones): row and line colours.
const PALETTE: [(u8, u8, u8); 16] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (0, 60, 120),
    (160, 80, 0),
    (0, 100, 0),
    (120, 0, 0),
    (80, 40, 120),
    (60, 60, 60),
];

/// The colour of index `i`.
pub fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// Rows of dots on a log axis, one panel per entry, in a grid of `cols` columns; rows run top to
/// bottom in the order given.
pub fn dot_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[DotPanel],
    cols: usize,
    axis: &Axis,
    reference: Option<&(f64, String)>,
) -> Result<()> {
    let rows = panels.len().div_ceil(cols).max(1);
    let cells = area.split_evenly((rows, cols));
    let values = panels
        .iter()
        .flat_map(|p| p.rows.iter())
        .flat_map(|r| {
            r.marks.iter().flat_map(|m| {
                let (lo, hi) = m.interval.unwrap_or((m.value, m.value));
                [m.value, lo, hi]
            })
        })
        .chain(reference.map(|r| r.0));
    let (min, max) = log_range(values, axis.unit, (1.6, 1.6));
    let ticks = axis.unit.ticks(min, max);
    let unit = axis.unit;
    // Where on the axis (0..1) a value lies.
    let at = |v: f64| (v / min).ln() / (max / min).ln();
    for (panel, cell) in panels.iter().zip(cells.iter()) {
        let n = panel.rows.len().max(1);
        let labels: Vec<String> = panel.rows.iter().map(|r| r.label.clone()).collect();
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
        // Row i (top to bottom) spans y in [ROW·(n - i - 1), ROW·(n - i)]; its centre is a y key
        // point (integer y: plotters formats integer axes, with the labels given below).
        const ROW: i32 = 20;
        let rows_y = ROW * n as i32;
        let centre = |i: usize| ROW * (n as i32 - i as i32) - ROW / 2;
        let centres: Vec<i32> = (0..n).map(centre).collect();
        let mut chart = ChartBuilder::on(cell)
            .caption(&panel.title, (FAMILY, 15))
            .margin(6)
            .x_label_area_size(34)
            .y_label_area_size((widest * 7 + 16).clamp(120, 640))
            .build_cartesian_2d(
                (min..max).log_scale().with_key_points(ticks.clone()),
                (0..rows_y).with_key_points(centres),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(axis.label.as_str())
            .x_label_formatter(&|v| unit.format(*v))
            .y_label_formatter(&|y| {
                let i = (rows_y - ROW / 2 - y) / ROW;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| labels.get(i).cloned())
                    .unwrap_or_default()
            })
            .label_style((FAMILY, 12))
            .draw()
            .map_err(err)?;
        if let Some((r, _)) = reference {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*r, 0), (*r, rows_y)],
                    BLACK.stroke_width(2),
                )))
                .map_err(err)?;
        }
        for (i, row) in panel.rows.iter().enumerate() {
            let color = color(i);
            let y = centre(i);
            let (top, bottom) = (y + ROW * 3 / 10, y - ROW * 3 / 10);
            let drawn: Vec<&Mark> = row.marks.iter().filter(|m| m.value > 0.0).collect();
            if let Some((a, b)) = row.span.filter(|(a, b)| *a > 0.0 && *b > 0.0) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(a, y), (b, y)],
                        color.stroke_width(3),
                    )))
                    .map_err(err)?;
            }
            for mark in &drawn {
                if let Some((r, _)) = reference {
                    // The lollipop's stem: from the reference to the value.
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(*r, y), (mark.value, y)],
                            color.mix(0.5).stroke_width(2),
                        )))
                        .map_err(err)?;
                }
                if let Some((lo, hi)) = mark.interval.filter(|(l, h)| *l > 0.0 && *h > 0.0) {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(lo, y), (hi, y)],
                            BLACK.stroke_width(1),
                        )))
                        .map_err(err)?;
                    for end in [lo, hi] {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(end, y - ROW * 3 / 20), (end, y + ROW * 3 / 20)],
                                BLACK.stroke_width(1),
                            )))
                            .map_err(err)?;
                    }
                }
                let p = (mark.value, y);
                match mark.shape {
                    Shape::Dot => chart
                        .draw_series(std::iter::once(Circle::new(p, 5, color.filled())))
                        .map(|_| ()),
                    Shape::Hollow => chart
                        .draw_series([
                            Circle::new(p, 5, WHITE.filled()),
                            Circle::new(p, 5, color.stroke_width(2)),
                        ])
                        .map(|_| ()),
                    Shape::Square => chart
                        .draw_series(std::iter::once(
                            EmptyElement::at(p)
                                + Rectangle::new(
                                    [(-5, -5), (5, 5)],
                                    RGBColor(40, 40, 120).filled(),
                                ),
                        ))
                        .map(|_| ()),
                    Shape::Tick => chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(mark.value, bottom), (mark.value, top)],
                            RED.stroke_width(3),
                        )))
                        .map(|_| ()),
                }
                .map_err(err)?;
            }
            let text = match (&row.note, drawn.is_empty()) {
                (Some(note), _) => Some(note.clone()),
                (None, true) => Some("missing".to_string()),
                (None, false) => None,
            };
            if let Some(text) = text {
                let colour = if row.alert || drawn.is_empty() && row.note.is_none() {
                    RED
                } else {
                    BLACK
                };
                let font = (FAMILY, 11).into_font().color(&colour);
                // Right of the rightmost mark; left of the leftmost one when the marks sit in the
                // right part of the axis (the text would run out of the panel); at the axis's
                // start for a row without marks.
                let ends = drawn.iter().map(|m| {
                    m.interval.map_or((m.value, m.value), |(l, h)| {
                        (l.min(m.value), h.max(m.value))
                    })
                });
                let (left, right) =
                    ends.fold((f64::MAX, f64::MIN), |(a, b), (l, h)| (a.min(l), b.max(h)));
                let element = if drawn.is_empty() {
                    EmptyElement::at((min, y)) + Text::new(text, (8, -6), font)
                } else if at(right) > 0.6 {
                    let width = (text.chars().count() as f64 * 6.2) as i32 + 10;
                    EmptyElement::at((left, y)) + Text::new(text, (-width, -6), font)
                } else {
                    EmptyElement::at((right, y)) + Text::new(text, (8, -6), font)
                };
                chart.draw_series(std::iter::once(element)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// A log-log line chart with interval whiskers and a legend.
pub fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
    x_axis: &Axis,
    y_axis: &Axis,
) -> Result<()> {
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.x));
    let ys = lines.iter().flat_map(|l| {
        l.points
            .iter()
            .flat_map(|p| [p.y, p.interval.0, p.interval.1])
    });
    let (x0, x1) = log_range(xs, x_axis.unit, (1.5, 1.5));
    let (y0, y1) = log_range(ys, y_axis.unit, (2.0, 2.0));
    // Headroom above the data for the legend, which grows with the number of lines.
    let y1 = y1 * 2.0 * 10f64.powf(lines.len() as f64 / 8.0);
    let (xu, yu) = (x_axis.unit, y_axis.unit);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(xu.ticks(x0, x1)),
            (y0..y1).log_scale().with_key_points(yu.ticks(y0, y1)),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_axis.label.as_str())
        .y_desc(y_axis.label.as_str())
        .x_label_formatter(&|v| xu.format(*v))
        .y_label_formatter(&|v| yu.format(*v))
        .label_style((FAMILY, 12))
        .axis_desc_style((FAMILY, 14))
        .draw()
        .map_err(err)?;
    for line in lines {
        let color = color(line.color).to_rgba();
        let style = ShapeStyle::from(&color).stroke_width(2);
        let pts: Vec<(f64, f64)> = line.points.iter().map(|p| (p.x, p.y)).collect();
        let anno = if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(pts.clone(), 8, 5, style))
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(pts.clone(), style))
                .map_err(err)?
        };
        let dashed = line.dashed;
        anno.label(&line.label).legend(move |(x, y)| {
            let end = if dashed { x + 8 } else { x + 20 };
            PathElement::new(vec![(x, y), (end, y)], style)
        });
        chart
            .draw_series(line.points.iter().map(|p| {
                ErrorBar::new_vertical(
                    p.x,
                    p.interval.0.max(y0),
                    p.y,
                    p.interval.1.max(y0),
                    style,
                    6,
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(line.points.iter().flat_map(|p| {
                if p.hollow {
                    vec![
                        Circle::new((p.x, p.y), 6, WHITE.filled()),
                        Circle::new((p.x, p.y), 6, ShapeStyle::from(&color).stroke_width(2)),
                    ]
                } else {
                    vec![Circle::new(
                        (p.x, p.y),
                        3,
                        ShapeStyle::from(&color).filled(),
                    )]
                }
            }))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FAMILY, 11))
        .draw()
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ticks_are_round_binary_values() {
        let ticks = Unit::Bytes.ticks(700.0 * 1024.0, 12.0 * 1048576.0);
        let labels: Vec<String> = ticks.iter().map(|t| Unit::Bytes.format(*t)).collect();
        assert_eq!(labels, ["1 MiB", "2 MiB", "4 MiB", "8 MiB"]);
        let wide = Unit::Bytes.ticks(1000.0, 9e9);
        let labels: Vec<String> = wide.iter().map(|t| Unit::Bytes.format(*t)).collect();
        assert_eq!(labels, ["1 KiB", "32 KiB", "1 MiB", "32 MiB", "1 GiB"]);
    }

    #[test]
    fn time_and_ratio_ticks_are_one_two_five() {
        let labels: Vec<String> = Unit::Time
            .ticks(300.0, 3000.0)
            .iter()
            .map(|t| Unit::Time.format(*t))
            .collect();
        assert_eq!(labels, ["500 ns", "1 µs", "2 µs"]);
        let labels: Vec<String> = Unit::Ratio
            .ticks(0.004, 1.6)
            .iter()
            .map(|t| Unit::Ratio.format(*t))
            .collect();
        assert_eq!(
            labels,
            ["0.005×", "0.01×", "0.02×", "0.05×", "0.1×", "0.2×", "0.5×", "1×"]
        );
    }

    #[test]
    fn values_are_written_in_their_unit() {
        assert_eq!(bytes(976.5625 * 1024.0), "977 KiB");
        assert_eq!(bytes((1 << 20) as f64), "1 MiB");
        assert_eq!(bytes(1.0625 * 1048576.0), "1.06 MiB");
        assert_eq!(bytes(0.0), "0 B");
        assert_eq!(time(705.577), "705.6 ns");
        assert_eq!(time(1055.0), "1.055 µs");
        assert_eq!(time(200_000.0), "200 µs");
        assert_eq!(Unit::Ratio.format(0.5), "0.5×");
        assert_eq!(Unit::Pages.format(4096.0), "4096");
    }
}
