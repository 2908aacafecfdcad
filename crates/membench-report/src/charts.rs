//! The chart shapes the report uses, drawn with plotters into SVG and PNG alike. Text uses an
//! embedded DejaVu Sans (registered for the bitmap backend), so a machine without system fonts
//! renders the same PNG; SVG carries its text as text.

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

/// One horizontal bar with its confidence interval; `value: None` is drawn as "missing".
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The category, written left of the bar.
    pub label: String,
    /// The value, if measured.
    pub value: Option<f64>,
    /// Lower and upper bounds of its interval.
    pub interval: Option<(f64, f64)>,
    /// A part of the value drawn darker inside the bar (live bytes inside linear memory).
    pub inner: Option<f64>,
    /// A value marked with a tick on the bar (resident bytes).
    pub marker: Option<f64>,
}

/// A panel of horizontal bars on a log axis.
#[derive(Clone, Debug)]
pub struct BarPanel {
    /// The panel's title.
    pub title: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// A point of a line: `(x, y, (lower, upper))`.
pub type Point = (f64, f64, (f64, f64));

/// One line of a log-log line chart.
#[derive(Clone, Debug)]
pub struct Line {
    /// The legend entry.
    pub label: String,
    /// Points `(x, y, (lower, upper))`.
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
    /// The footer: machine, commit, date.
    pub footer: String,
}

/// A chart: its frame and what is drawn inside it.
#[derive(Clone, Debug)]
pub enum Chart {
    /// Panels of horizontal bars on a log axis.
    Bars {
        /// Title and footer.
        frame: Frame,
        /// The panels.
        panels: Vec<BarPanel>,
        /// Panels per row.
        cols: usize,
        /// The value axis's label, with its unit.
        axis: String,
        /// How values are written.
        format: fn(f64) -> String,
    },
    /// A log-log line chart.
    Lines {
        /// Title and footer.
        frame: Frame,
        /// The lines.
        lines: Vec<Line>,
        /// The x axis's label, with its unit.
        x_axis: String,
        /// The y axis's label, with its unit.
        y_axis: String,
    },
}

impl Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        match self {
            Chart::Bars {
                frame: f,
                panels,
                cols,
                axis,
                format,
            } => bar_panels(&frame(root, f)?, panels, *cols, axis, format),
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

/// Bars on a log axis, one panel per entry, in a grid of `cols` columns.
pub fn bar_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[BarPanel],
    cols: usize,
    axis: &str,
    format: &fn(f64) -> String,
) -> Result<()> {
    let rows = panels.len().div_ceil(cols).max(1);
    let cells = area.split_evenly((rows, cols));
    let values = panels
        .iter()
        .flat_map(|p| p.bars.iter())
        .flat_map(|b| {
            let (lo, hi) = b.interval.unwrap_or((f64::NAN, f64::NAN));
            [b.value, Some(lo), Some(hi)]
        })
        .flatten()
        .filter(|v| v.is_finite() && *v > 0.0);
    let (min, max) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (min, max) = if min > max {
        (0.1, 10.0)
    } else {
        (min / 2.0, max * 3.0)
    };
    for (panel, cell) in panels.iter().zip(cells.iter()) {
        let n = panel.bars.len().max(1);
        let labels: Vec<String> = panel.bars.iter().map(|b| b.label.clone()).collect();
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
        let mut chart = ChartBuilder::on(cell)
            .caption(&panel.title, (FAMILY, 15))
            .margin(6)
            .x_label_area_size(34)
            .y_label_area_size((widest * 7 + 16).clamp(120, 640))
            .build_cartesian_2d((min..max).log_scale(), (0..n).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(axis)
            .x_labels(6)
            .x_label_formatter(&|v| format(*v))
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FAMILY, 12))
            .draw()
            .map_err(err)?;
        for (i, bar) in panel.bars.iter().enumerate() {
            let color = Palette99::pick(i).mix(0.85);
            match bar.value {
                Some(v) if v > 0.0 => {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [
                                (min, SegmentValue::Exact(i)),
                                (v, SegmentValue::Exact(i + 1)),
                            ],
                            color.filled(),
                        )))
                        .map_err(err)?;
                    if let Some(inner) = bar.inner.filter(|v| *v > 0.0) {
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [
                                    (min, SegmentValue::Exact(i)),
                                    (inner.min(v), SegmentValue::Exact(i + 1)),
                                ],
                                RGBColor(40, 40, 120).mix(0.55).filled(),
                            )))
                            .map_err(err)?;
                    }
                    if let Some(mark) = bar.marker.filter(|v| *v > 0.0) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![
                                    (mark, SegmentValue::Exact(i)),
                                    (mark, SegmentValue::Exact(i + 1)),
                                ],
                                RED.stroke_width(3),
                            )))
                            .map_err(err)?;
                    }
                    if let Some((lo, hi)) = bar.interval.filter(|(l, h)| *l > 0.0 && *h > 0.0) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![
                                    (lo, SegmentValue::CenterOf(i)),
                                    (hi, SegmentValue::CenterOf(i)),
                                ],
                                BLACK.stroke_width(2),
                            )))
                            .map_err(err)?;
                    }
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format(v),
                            (v, SegmentValue::CenterOf(i)),
                            (FAMILY, 11).into_font(),
                        )))
                        .map_err(err)?;
                }
                Some(0.0) => {
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format(0.0),
                            (min, SegmentValue::CenterOf(i)),
                            (FAMILY, 11).into_font(),
                        )))
                        .map_err(err)?;
                }
                _ => {
                    chart
                        .draw_series(std::iter::once(Text::new(
                            "missing".to_string(),
                            (min, SegmentValue::CenterOf(i)),
                            (FAMILY, 11).into_font().color(&RED),
                        )))
                        .map_err(err)?;
                }
            }
        }
    }
    Ok(())
}

/// A log-log line chart with interval whiskers and a legend.
pub fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
    x_axis: &str,
    y_axis: &str,
) -> Result<()> {
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let ys = lines
        .iter()
        .flat_map(|l| l.points.iter().flat_map(|p| [p.1, p.2 .0, p.2 .1]))
        .filter(|v| *v > 0.0);
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (x0, x1) = if x0 > x1 {
        (1.0, 10.0)
    } else {
        (x0 / 1.5, x1 * 1.5)
    };
    let (y0, y1) = if y0 > y1 {
        (1.0, 10.0)
    } else {
        // Headroom above the data for the legend, which grows with the number of lines.
        (y0 / 2.0, y1 * 4.0 * 10f64.powf(lines.len() as f64 / 8.0))
    };
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_axis)
        .y_desc(y_axis)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| si_time(*v))
        .label_style((FAMILY, 12))
        .axis_desc_style((FAMILY, 14))
        .draw()
        .map_err(err)?;
    for line in lines {
        let color = Palette99::pick(line.color).to_rgba();
        let style = ShapeStyle::from(&color).stroke_width(2);
        let pts: Vec<(f64, f64)> = line.points.iter().map(|p| (p.0, p.1)).collect();
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
            .draw_series(line.points.iter().map(|&(x, y, (lo, hi))| {
                ErrorBar::new_vertical(x, lo.max(y0), y, hi.max(y0), style, 6)
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

/// `12.3 ns`, `4.5 µs`, `1.2 ms`, `3.4 s`.
pub fn si_time(ns: f64) -> String {
    match ns {
        v if v >= 1e9 => format!("{:.3} s", v / 1e9),
        v if v >= 1e6 => format!("{:.3} ms", v / 1e6),
        v if v >= 1e3 => format!("{:.3} µs", v / 1e3),
        v => format!("{v:.3} ns"),
    }
}

/// `64 KiB`, `4.0 GiB`.
pub fn si_bytes(b: f64) -> String {
    match b {
        v if v >= (1u64 << 30) as f64 => format!("{:.2} GiB", v / (1u64 << 30) as f64),
        v if v >= (1u64 << 20) as f64 => format!("{:.2} MiB", v / (1u64 << 20) as f64),
        v if v >= 1024.0 => format!("{:.1} KiB", v / 1024.0),
        v => format!("{v:.0} B"),
    }
}
