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

/// Registers the embedded font as plotters' `sans-serif`. With plotters' `ab_glyph` text (this
/// workspace turns it on) there is no system font lookup, so every plotters user in the process
/// needs it first: these charts, and criterion's own HTML report, whose plots panic with
/// `FontUnavailable` without it (the benches and `membench bench` call this before criterion runs).
pub fn register_font() {
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
    /// A fraction written as a percentage (`0.05` is `5 %`), ticks at 1-2-5 steps.
    Percent,
}

impl Unit {
    /// A value as this unit writes it.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Ratio => format!("{}×", sig(v, 3)),
            Unit::Time => time(v),
            Unit::Bytes => bytes(v),
            Unit::Pages => format!("{v:.0}"),
            Unit::Percent => format!("{} %", sig(v * 100.0, 3)),
        }
    }

    /// Tick positions between `min` and `max` (both positive) on a log axis.
    pub fn ticks(self, min: f64, max: f64) -> Vec<f64> {
        match self {
            Unit::Ratio | Unit::Time | Unit::Percent => decade_ticks(min, max),
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
    /// An open circle in the row's colour, larger than a dot so a dot at the same value shows
    /// inside it (a figure with a caveat, or a second figure of the row).
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

impl DotRow {
    /// The row's colour: its runtime-engine's when the label names one ([`label_runtime`]),
    /// else a neutral one.
    pub fn color(&self) -> RGBColor {
        label_runtime(&self.label).map_or(NEUTRAL, runtime_color)
    }
}

/// The runtime-engine a row label names: the label up to its strategy (`wasmtime-cranelift@pooling`)
/// or its first space (`node-v8 · defined-max`) when that is a known id
/// ([`membench_data::runtimes::RUNTIMES`]); a label that is nothing but an unknown id (`foo-interp`, with a `-` and
/// no space) names that id. Any other label (`churn / dlmalloc`, `contiguous`) names none.
pub fn label_runtime(label: &str) -> Option<&str> {
    let end = label.find(['@', ' ', '(']).unwrap_or(label.len());
    let head = &label[..end];
    if membench_data::runtimes::find(head).is_some() {
        return Some(head);
    }
    let id = label.split('@').next().unwrap_or(label);
    (id.contains('-')
        && !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
    .then_some(id)
}

/// Where a row's note is written ([`note_anchor`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NoteAt {
    /// At the axis's start: the row has no mark.
    Start,
    /// Centred above the row's span, at its middle on the log axis: the note labels the span
    /// (the waste between peak live and linear memory), not whichever mark lies rightmost.
    OnSpan(f64),
    /// Left of the leftmost mark (the marks sit in the right part of the axis).
    LeftOf(f64),
    /// Right of the rightmost mark.
    RightOf(f64),
}

/// Where `row`'s note goes: on its span when it has one; else right of its marks, or left of
/// them when `in_right_part` says the rightmost end lies where the text would run out of the
/// panel; at the axis's start without marks.
pub fn note_anchor(row: &DotRow, in_right_part: impl Fn(f64) -> bool) -> NoteAt {
    let drawn: Vec<&Mark> = row.marks.iter().filter(|m| m.value > 0.0).collect();
    if drawn.is_empty() {
        return NoteAt::Start;
    }
    if let Some((a, b)) = row.span.filter(|(a, b)| *a > 0.0 && *b > 0.0) {
        return NoteAt::OnSpan((a * b).sqrt());
    }
    let (left, right) = drawn
        .iter()
        .map(|m| {
            m.interval.map_or((m.value, m.value), |(l, h)| {
                (l.min(m.value), h.max(m.value))
            })
        })
        .fold((f64::MAX, f64::MIN), |(a, b), (l, h)| (a.min(l), b.max(h)));
    if in_right_part(right) {
        NoteAt::LeftOf(left)
    } else {
        NoteAt::RightOf(right)
    }
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
    /// The line's colour: its runtime-engine's ([`runtime_color`]), shaded per strategy.
    pub color: RGBColor,
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
    /// A grid of coloured cells (which claim held where).
    Grid {
        /// Title and footer.
        frame: Frame,
        /// Row labels, each with its runtime-engine's colour as a swatch.
        rows: Vec<(String, Option<RGBColor>)>,
        /// Column labels.
        columns: Vec<String>,
        /// Per row, per column: the category (an index into `categories`), or none.
        cells: Vec<Vec<Option<usize>>>,
        /// What each colour means.
        categories: Vec<Category>,
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
                    // One line of text per line of the legend.
                    Some(text) => {
                        let lines: Vec<&str> = text.lines().collect();
                        let (top, rest) = body.split_vertically(4 + 16 * lines.len() as u32);
                        for (i, line) in lines.iter().enumerate() {
                            top.draw(&Text::new(
                                line.to_string(),
                                (12, 2 + 16 * i as i32),
                                (FAMILY, 12).into_font().color(&RGBColor(60, 60, 60)),
                            ))
                            .map_err(err)?;
                        }
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
            Chart::Grid {
                frame: f,
                rows,
                columns,
                cells,
                categories,
            } => grid(&frame(root, f)?, rows, columns, cells, categories),
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
        Unit::Ratio | Unit::Time | Unit::Percent if max / min < 2.5 => (min / 1.5, max * 1.5),
        _ => (min, max),
    }
}

/// The colours of runtime ids the list ([`membench_data::runtimes::RUNTIMES`], each with its own
/// colour) does not know yet: an unknown id is hashed to one of these, so it too keeps its colour
/// from render to render.
const SPARE: [(u8, u8, u8); 7] = [
    (100, 100, 230),
    (230, 90, 150),
    (60, 180, 120),
    (150, 150, 150),
    (90, 60, 30),
    (0, 160, 230),
    (170, 0, 170),
];

/// The runtime-engines the matrix knows, in the list's order.
pub fn known_runtimes() -> impl Iterator<Item = &'static str> {
    membench_data::runtimes::ids()
}

/// The colour of palette slot `i`: the list's runtimes, then the spare colours.
pub fn color(i: usize) -> RGBColor {
    let known = &membench_data::runtimes::RUNTIMES;
    let (r, g, b) = match known.get(i % (known.len() + SPARE.len())) {
        Some(rt) => rt.colour,
        None => SPARE[(i % (known.len() + SPARE.len())) - known.len()],
    };
    RGBColor(r, g, b)
}

/// The colour of a runtime-engine id (`wasmtime-cranelift`; a `@strategy` suffix is ignored), the
/// same in every chart: a known id has its own colour, an unknown one is hashed (FNV-1a) to one
/// of the spare colours, so it too keeps its colour from render to render.
pub fn runtime_color(id: &str) -> RGBColor {
    let id = id.split('@').next().unwrap_or(id);
    match membench_data::runtimes::find(id) {
        Some((i, _)) => color(i),
        None => {
            let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            let known = membench_data::runtimes::RUNTIMES.len();
            color(known + (hash % SPARE.len() as u64) as usize)
        }
    }
}

/// `colour` made lighter (`step` > 0) or darker (`step` < 0) by a fifth per step: the strategies
/// of one runtime-engine share its hue.
pub fn shade(colour: RGBColor, step: i32) -> RGBColor {
    let f = |c: u8| -> u8 {
        let c = f64::from(c);
        let t = (f64::from(step.unsigned_abs()) * 0.2).min(0.8);
        let v = if step >= 0 {
            c + (255.0 - c) * t
        } else {
            c * (1.0 - t)
        };
        v.round().clamp(0.0, 255.0) as u8
    };
    RGBColor(f(colour.0), f(colour.1), f(colour.2))
}

/// The colour rows without their own colour are drawn in.
const NEUTRAL: RGBColor = RGBColor(60, 90, 140);

/// `#1f77b4`: how the SVG writes a colour.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
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
            .margin_right(28)
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
            let color = row.color();
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
                            Circle::new(p, 7, WHITE.filled()),
                            Circle::new(p, 7, color.stroke_width(2)),
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
                let width = (text.chars().count() as f64 * 6.2) as i32 + 10;
                let element = match note_anchor(row, |v| at(v) > 0.6) {
                    NoteAt::Start => EmptyElement::at((min, y)) + Text::new(text, (8, -6), font),
                    NoteAt::OnSpan(mid) => {
                        // Above the line, centred on it, in a smaller face: the span's label; never
                        // left of the axis, where the row names are.
                        let font = (FAMILY, 10).into_font().color(&colour);
                        let room =
                            chart.backend_coord(&(mid, y)).0 - chart.backend_coord(&(min, y)).0;
                        let dx = (-width / 2 + 5).max(-room + 2);
                        EmptyElement::at((mid, y)) + Text::new(text, (dx, -16), font)
                    }
                    NoteAt::LeftOf(left) => {
                        EmptyElement::at((left, y)) + Text::new(text, (-width, -6), font)
                    }
                    NoteAt::RightOf(right) => {
                        EmptyElement::at((right, y)) + Text::new(text, (8, -6), font)
                    }
                };
                chart.draw_series(std::iter::once(element)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// A log-log line chart with interval whiskers, and its legend in a column to the right of the
/// plot (one entry per line, never over the data, its rows as tall as the area allows).
pub fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
    x_axis: &Axis,
    y_axis: &Axis,
) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let widest = lines
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0) as u32;
    let legend_w = (widest * 7 + 48).clamp(160, w / 2);
    let (plot, legend) = area.split_horizontally(w - legend_w);
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.x));
    let ys = lines.iter().flat_map(|l| {
        l.points
            .iter()
            .flat_map(|p| [p.y, p.interval.0, p.interval.1])
    });
    let (x0, x1) = log_range(xs, x_axis.unit, (1.5, 1.5));
    let (y0, y1) = log_range(ys, y_axis.unit, (2.0, 2.0));
    let (xu, yu) = (x_axis.unit, y_axis.unit);
    let mut chart = ChartBuilder::on(&plot)
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
        let color = line.color.to_rgba();
        let style = ShapeStyle::from(&color).stroke_width(2);
        let pts: Vec<(f64, f64)> = line.points.iter().map(|p| (p.x, p.y)).collect();
        if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(pts.clone(), 8, 5, style))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts.clone(), style))
                .map_err(err)?;
        }
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
    // The legend: a swatch (solid or dashed, as drawn) and the label, top to bottom.
    let n = lines.len().max(1) as i32;
    let row_h = ((h as i32 - 30) / n).clamp(8, 18);
    let font_px = (row_h - 4).clamp(7, 12);
    for (i, line) in lines.iter().enumerate() {
        let y = 16 + row_h * i as i32;
        let style = ShapeStyle::from(&line.color).stroke_width(2);
        let segments: Vec<(i32, i32)> = if line.dashed {
            vec![(4, 10), (14, 20), (24, 30)]
        } else {
            vec![(4, 30)]
        };
        for (a, b) in segments {
            legend
                .draw(&PathElement::new(vec![(a, y), (b, y)], style))
                .map_err(err)?;
        }
        legend
            .draw(&Text::new(
                line.label.clone(),
                (36, y - font_px / 2 - 1),
                (FAMILY, font_px).into_font().color(&BLACK),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// One cell category of a grid chart: its name (in the legend) and colour.
#[derive(Clone, Debug)]
pub struct Category {
    /// The legend's name for it (`held`, `did not hold`, ...).
    pub name: String,
    /// The cell colour.
    pub color: RGBColor,
}

/// How wide a character of a grid's 11 px column header is taken to be, in pixels (DejaVu Sans'
/// widest lower-case letters and digits run to about 7 px at that size).
pub const HEADER_CHAR_W: i32 = 7;

/// The line (0 = top) each column header goes on: the first line where it, centred at its
/// column's centre and `char_w` pixels a character wide, keeps 8 px clear of the header before
/// it on that line. Column names longer than their column stay readable, never drawn over one
/// another.
pub fn header_lines(columns: &[String], centres: &[i32], char_w: i32) -> Vec<usize> {
    // The right end of the last header on each line.
    let mut ends: Vec<i32> = Vec::new();
    columns
        .iter()
        .zip(centres)
        .map(|(name, cx)| {
            let width = name.chars().count() as i32 * char_w;
            let (left, right) = (cx - width / 2, cx + width - width / 2);
            let line = match ends.iter().position(|end| left >= end + 8) {
                Some(line) => line,
                None => {
                    ends.push(i32::MIN / 2);
                    ends.len() - 1
                }
            };
            ends[line] = right;
            line
        })
        .collect()
}

/// A grid of coloured cells: a row per configuration, a column per check, each cell one category.
pub fn grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(String, Option<RGBColor>)],
    columns: &[String],
    cells: &[Vec<Option<usize>>],
    categories: &[Category],
) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let widest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0) as i32;
    let label_w = (widest * 7 + 30).clamp(120, w / 2);
    let ncols = columns.len().max(1) as i32;
    let cell_w = (w - label_w - 12) / ncols;
    let centres: Vec<i32> = (0..columns.len() as i32)
        .map(|j| label_w + cell_w * j + cell_w / 2)
        .collect();
    let lines = header_lines(columns, &centres, HEADER_CHAR_W);
    let line_count = lines.iter().max().map_or(1, |l| l + 1) as i32;
    let (legend_h, header_h) = (24, 18 * line_count + 8);
    let nrows = rows.len().max(1) as i32;
    let cell_h = ((h - legend_h - header_h - 6) / nrows).clamp(4, 22);
    let font = |px: i32, c: &RGBColor| (FAMILY, px).into_font().color(c);
    // The legend: one swatch per category.
    let mut x = 12;
    for c in categories {
        area.draw(&Rectangle::new([(x, 4), (x + 14, 18)], c.color.filled()))
            .map_err(err)?;
        area.draw(&Text::new(c.name.clone(), (x + 20, 4), font(12, &BLACK)))
            .map_err(err)?;
        x += 20 + c.name.chars().count() as i32 * 7 + 24;
    }
    // Column headers, each centred over its column, on as many lines as it takes for no two on
    // one line to overlap ([`header_lines`]).
    for ((name, cx), line) in columns.iter().zip(&centres).zip(&lines) {
        let width = name.chars().count() as i32 * HEADER_CHAR_W;
        area.draw(&Text::new(
            name.clone(),
            (cx - width / 2, legend_h + 4 + 18 * *line as i32),
            font(11, &BLACK),
        ))
        .map_err(err)?;
    }
    let top = legend_h + header_h;
    for (i, (label, swatch)) in rows.iter().enumerate() {
        let y = top + cell_h * i as i32;
        if let Some(c) = swatch {
            area.draw(&Rectangle::new(
                [(4, y + 2), (10, y + cell_h - 2)],
                c.filled(),
            ))
            .map_err(err)?;
        }
        area.draw(&Text::new(
            label.clone(),
            (16, y + (cell_h - 11) / 2),
            font(11.min(cell_h - 2).max(6), &BLACK),
        ))
        .map_err(err)?;
        for (j, cell) in cells.get(i).into_iter().flatten().enumerate() {
            let x = label_w + cell_w * j as i32;
            let fill = cell
                .and_then(|c| categories.get(c))
                .map_or(WHITE, |c| c.color);
            area.draw(&Rectangle::new(
                [(x + 1, y + 1), (x + cell_w - 1, y + cell_h - 1)],
                fill.filled(),
            ))
            .map_err(err)?;
        }
    }
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
    fn rows_take_the_colour_of_the_runtime_their_label_names() {
        assert_eq!(
            label_runtime("wasmtime-cranelift@pooling"),
            Some("wasmtime-cranelift")
        );
        assert_eq!(label_runtime("node-v8 · defined-max"), Some("node-v8"));
        assert_eq!(label_runtime("newvm-jit"), Some("newvm-jit"));
        assert_eq!(label_runtime("vec-doubling / bump"), None);
        assert_eq!(label_runtime("contiguous"), None);
        let row = |label: &str| DotRow {
            label: label.into(),
            marks: Vec::new(),
            span: None,
            note: None,
            alert: false,
        };
        assert_eq!(row("bun-jsc@x").color(), runtime_color("bun-jsc"));
        assert_eq!(row("churn / talc").color(), NEUTRAL);
        assert_eq!(Unit::Percent.format(0.05), "5 %");
        let labels: Vec<String> = Unit::Percent
            .ticks(0.004, 0.3)
            .iter()
            .map(|t| Unit::Percent.format(*t))
            .collect();
        assert_eq!(labels, ["0.5 %", "1 %", "2 %", "5 %", "10 %", "20 %"]);
    }

    /// The claims grid's headers at the width the summary draws it: the old two alternating lines
    /// put `reserve-ahead` over `released-with-handle-kept`; no two headers on one line may
    /// overlap.
    #[test]
    fn grid_headers_never_overlap_on_a_line() {
        let columns: Vec<String> = [
            "pages-and-limits",
            "grow-past-maximum",
            "reserve-ahead",
            "released-on-drop",
            "released-with-handle-kept",
            "isolation",
            "isolation-edges",
            "fresh-memory-is-zero",
            "spec-conformance",
            "detached-on-grow",
            "many-memories",
        ]
        .map(String::from)
        .to_vec();
        let (label_w, cell_w) = (700, 48);
        let centres: Vec<i32> = (0..columns.len() as i32)
            .map(|j| label_w + cell_w * j + cell_w / 2)
            .collect();
        let extent = |j: usize| {
            let w = columns[j].chars().count() as i32 * HEADER_CHAR_W;
            (centres[j] - w / 2, centres[j] + w - w / 2)
        };
        let overlapping = |lines: &[usize]| {
            (0..columns.len()).any(|a| {
                (a + 1..columns.len()).any(|b| {
                    let ((l1, r1), (l2, r2)) = (extent(a), extent(b));
                    lines[a] == lines[b] && l1 < r2 && l2 < r1
                })
            })
        };
        let alternating: Vec<usize> = (0..columns.len()).map(|j| j % 2).collect();
        assert!(
            overlapping(&alternating),
            "the fixture shows the old defect"
        );
        let lines = header_lines(&columns, &centres, HEADER_CHAR_W);
        assert!(!overlapping(&lines), "{lines:?}");
        // Short names that fit stay on one line.
        let short: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(header_lines(&short, &[10, 60, 110], 7), [0, 0, 0]);
    }

    /// A waste row's note labels the waste (the span from peak live to linear memory), not the
    /// resident tick drawn right of it, which the old placement put it beside.
    #[test]
    fn a_span_is_labelled_on_the_span() {
        let mark = |value: f64, shape| Mark {
            value,
            interval: None,
            shape,
        };
        let (live, linear, resident) = (1048576.0, 4194304.0, 8388608.0);
        let row = DotRow {
            label: "churn / talc".into(),
            marks: vec![
                mark(live, Shape::Square),
                mark(linear, Shape::Dot),
                mark(resident, Shape::Tick),
            ],
            span: Some((live, linear)),
            note: Some("waste 3 MiB".into()),
            alert: false,
        };
        assert_eq!(note_anchor(&row, |_| false), NoteAt::OnSpan(2097152.0));
        assert_eq!(note_anchor(&row, |_| true), NoteAt::OnSpan(2097152.0));
        let plain = DotRow { span: None, ..row };
        assert_eq!(note_anchor(&plain, |_| false), NoteAt::RightOf(resident));
        assert_eq!(note_anchor(&plain, |_| true), NoteAt::LeftOf(live));
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
