//! The time-series chart. [`prepare`] stacks the visible series when the style asks for it (core
//! [`stack`]) and reduces each with the core's M4 to at most four points per pixel column (NaN,
//! ±Inf and gaps break the line; hidden values are counted), and [`draw`] renders prepared lines on
//! any plotters backend — as lines, filled areas, or stacked bands — and returns the plot geometry
//! used for the hover readout. [`draw_frame`] and [`draw_lines`] are its two halves, so that many
//! lines can be drawn over several tasks without blocking the page.
//!
//! Axes: x is the resolved query range in the selected time zone; y starts at 0 when every value is
//! non-negative (counts, rates, latencies), otherwise spans the finite data, with 5 % headroom.

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi64};
use plotters::coord::Shift;
use plotters::prelude::*;
use sightline_core::downsample::{m4, M4Line};
use sightline_core::envelope::{envelope, EnvelopeRun};
use sightline_core::stack::stack;
use sightline_core::stats::anomaly::{anomaly_band, BandParams};
use sightline_core::units::{Scale, Unit};
use sightline_core::series::Series;
use sightline_core::viewstate::{ChartStyle, TimeZoneChoice};

use super::canvas::PlotGeometry;
use super::time_axis;
use super::palette::{series_color, Palette};

/// One series ready to draw: M4-reduced points (a NaN value separates runs) and its colour index.
pub struct PreparedLine {
    pub color_index: usize,
    pub line: M4Line,
}

/// The anomaly band of one series, reduced to its pixel-column envelope.
pub struct PreparedBand {
    pub color_index: usize,
    pub runs: Vec<EnvelopeRun>,
}

/// Bands are drawn for at most this many visible series (more would hide the lines).
pub const MAX_BANDS: usize = 3;

/// The anomaly bands (core `anomaly_band`, rolling mean ± 2σ over the 60 points before each
/// point) of the visible series, when there are at most [`MAX_BANDS`] of them.
pub fn prepare_bands(series: &[Series], visible: impl Fn(usize) -> bool, (start_ms, end_ms): (i64, i64), width_px: u32) -> Vec<PreparedBand> {
    let shown: Vec<usize> = (0..series.len()).filter(|&i| visible(i)).collect();
    if shown.len() > MAX_BANDS {
        return Vec::new();
    }
    shown
        .into_iter()
        .filter_map(|i| {
            let s = series.get(i)?;
            let band = anomaly_band(&s.values, &BandParams::default()).ok()?;
            Some(PreparedBand { color_index: i, runs: envelope(&s.t_ms, &band.lower, &band.upper, start_ms, end_ms, width_px) })
        })
        .collect()
}

/// Everything [`draw`] needs besides the backend.
pub struct ChartSpec<'a> {
    pub lines: &'a [PreparedLine],
    /// Anomaly bands drawn under the lines (empty when off).
    pub bands: &'a [PreparedBand],
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    pub tz: TimeZoneChoice,
    pub palette: &'a Palette,
    /// Backing-store pixels per CSS pixel (fonts and strokes scale by it).
    pub dpr: f64,
    /// The chart's width in CSS pixels (sets how many time ticks fit).
    pub width_css: f64,
    pub style: ChartStyle,
    /// The value unit of the y axis.
    pub unit: Unit,
}

/// Reduces the visible series for a plot `width_px` backing pixels wide. `visible(i)` says whether
/// series `i` is shown (legend isolation); `stacked` stacks the visible ones first. Lines are
/// broken across gaps longer than two steps.
pub fn prepare(
    series: &[Series],
    visible: impl Fn(usize) -> bool,
    stacked: bool,
    (start_ms, end_ms, step_ms): (i64, i64, i64),
    width_px: u32,
) -> Vec<PreparedLine> {
    let shown: Vec<usize> = (0..series.len()).filter(|&i| visible(i)).collect();
    let stacked_series = if stacked {
        let picked: Vec<Series> = shown.iter().filter_map(|&i| series.get(i).cloned()).collect();
        Some(stack(&picked))
    } else {
        None
    };
    shown
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            let s = match &stacked_series {
                Some(st) => st.get(k)?,
                None => series.get(i)?,
            };
            Some(prepare_one(s, i, (start_ms, end_ms, step_ms), width_px))
        })
        .collect()
}

/// One unstacked series reduced as [`prepare`] does it, drawn in colour `color_index` (so that
/// many series can be reduced a few at a time).
pub fn prepare_one(s: &Series, color_index: usize, (start_ms, end_ms, step_ms): (i64, i64, i64), width_px: u32) -> PreparedLine {
    let max_gap = if step_ms > 0 { Some(step_ms.saturating_mul(2)) } else { None };
    PreparedLine { color_index, line: m4(&s.t_ms, &s.values, start_ms, end_ms, width_px, max_gap) }
}

/// The y range to draw: from 0 (or the finite minimum if negative) to the finite maximum plus
/// headroom; a flat or empty chart gets a unit-high range.
pub fn y_range(lines: &[PreparedLine], bands: &[PreparedBand]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let line_values = lines.iter().flat_map(|l| l.line.values.iter());
    let band_values = bands.iter().flat_map(|b| b.runs.iter()).flat_map(|r| r.low.iter().chain(&r.high));
    for v in line_values.chain(band_values).filter(|v| v.is_finite()) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let lo = lo.min(0.0);
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if hi.abs() > 0.0 { hi.abs() * 0.1 } else { 1.0 };
        return (lo - if lo < 0.0 { pad } else { 0.0 }, hi + pad);
    }
    (lo, hi + span * 0.05)
}

/// Draws the chart; returns the plot area geometry. Errors are the backend's, as text.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, spec: &ChartSpec<'_>) -> Result<PlotGeometry, String> {
    let geometry = draw_frame(root, spec)?;
    draw_lines(root, spec, 0, |_| true)?;
    Ok(geometry)
}

/// The plot's coordinate system (the same for every call with the same spec and root, so lines
/// drawn in later slices land where one [`draw`] would put them). Draws nothing.
fn chart_on<'a, DB: DrawingBackend + 'a>(root: &'a DrawingArea<DB, Shift>, spec: &ChartSpec<'_>) -> Result<Chart<'a, DB>, String> {
    let (y0, y1) = y_range(spec.lines, spec.bands);
    let end_ms = spec.end_ms.max(spec.start_ms + 1);
    let scale = Scale::for_value(spec.unit, y0.abs().max(y1.abs()));
    // Room for the widest y label (about 7 CSS px per character at 12 px).
    let widest = [y0, y1, (y0 + y1) / 2.0].iter().map(|v| scale.format(*v).chars().count()).max().unwrap_or(4);
    let y_label_px = (widest as f64 * 7.0 + 14.0).clamp(40.0, 140.0);
    let px = |v: f64| (v * spec.dpr).round() as u32;
    let chart = ChartBuilder::on(root)
        .margin(px(8.0))
        .x_label_area_size(px(24.0))
        .y_label_area_size(px(y_label_px))
        .build_cartesian_2d((spec.start_ms..end_ms).with_key_points(x_ticks(spec, end_ms)), y0..y1)
        .map_err(|e| e.to_string())?;
    Ok(Chart { chart, scale, end_ms, y: (y0, y1) })
}

type Coords = Cartesian2d<WithKeyPoints<RangedCoordi64>, RangedCoordf64>;

/// A built chart context with the y scale and the drawn end of the x range.
struct Chart<'a, DB: DrawingBackend> {
    chart: ChartContext<'a, DB, Coords>,
    scale: Scale,
    end_ms: i64,
    /// The y axis range (bottom, top).
    y: (f64, f64),
}

/// Draws the background, axes, grid and anomaly bands — everything but the lines — and returns
/// the plot area geometry.
pub fn draw_frame<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, spec: &ChartSpec<'_>) -> Result<PlotGeometry, String> {
    let p = spec.palette;
    root.fill(&p.background).map_err(|e| e.to_string())?;
    let Chart { mut chart, scale, end_ms, y: (y_lo, y_hi) } = chart_on(root, spec)?;
    let font = ("sans-serif", 12.0 * spec.dpr).into_font().color(&p.text);
    let span = end_ms - spec.start_ms;
    let tz = spec.tz;
    let x_fmt = move |t: &i64| time_axis::label(*t, span, tz);
    let y_fmt = move |v: &f64| scale.format(*v);
    chart
        .configure_mesh()
        .x_labels(12)
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font)
        .light_line_style(p.grid.mix(0.5))
        .bold_line_style(p.grid)
        .axis_style(p.axis)
        .draw()
        .map_err(|e| e.to_string())?;
    for band in spec.bands {
        let fill = series_color(p, band.color_index).mix(0.16).filled();
        for run in &band.runs {
            let upper = run.t_ms.iter().copied().zip(run.high.iter().copied());
            let lower = run.t_ms.iter().copied().zip(run.low.iter().copied()).rev();
            let outline: Vec<(i64, f64)> = upper.chain(lower).collect();
            chart.draw_series(std::iter::once(Polygon::new(outline, fill))).map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    Ok(PlotGeometry {
        left_px: xr.start,
        right_px: xr.end,
        top_px: yr.start,
        bottom_px: yr.end,
        start_ms: spec.start_ms,
        end_ms,
        dpr: spec.dpr,
        y_lo,
        y_hi,
    })
}

/// Draws the lines in drawing order from position `from` (stacked bands: the highest first, each
/// filled down to zero, so lower bands paint over the part that is not theirs), asking
/// `more(ink)` after each line whether to go on, where `ink` is the line's length in backing
/// pixels (what the browser's rasteriser pays for, after the drawing calls themselves). Returns the position to continue from (the number of lines
/// when all are drawn), so a caller can spread many lines over several tasks.
pub fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec<'_>,
    from: usize,
    mut more: impl FnMut(f64) -> bool,
) -> Result<usize, String> {
    let count = spec.lines.len();
    if from >= count {
        return Ok(count);
    }
    let Chart { mut chart, .. } = chart_on(root, spec)?;
    let p = spec.palette;
    let stroke = ((1.5 * spec.dpr).round() as u32).max(1);
    let filled = spec.style != ChartStyle::Lines;
    let fill_alpha = if spec.style == ChartStyle::Stacked { 0.85 } else { 0.18 };
    let mut next = from;
    while next < count {
        let position = if spec.style == ChartStyle::Stacked { count - 1 - next } else { next };
        next += 1;
        let Some(prepared) = spec.lines.get(position) else { continue };
        let color = series_color(p, prepared.color_index);
        let style = ShapeStyle::from(color).stroke_width(stroke);
        let mut ink = 0.0;
        for (t, v) in prepared.line.runs() {
            ink += path_length(chart.as_coord_spec(), t, v);
            let points = t.iter().copied().zip(v.iter().copied());
            if filled {
                let fill = color.mix(fill_alpha).filled();
                chart.draw_series(AreaSeries::new(points.clone(), 0.0, fill)).map_err(|e| e.to_string())?;
            }
            chart.draw_series(LineSeries::new(points, style)).map_err(|e| e.to_string())?;
        }
        if !more(ink) {
            break;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(next)
}

/// The length in backing pixels of the polyline through `(t[i], v[i])` (Manhattan, which is
/// what matters for the cost of rasterising it, within a factor of √2).
fn path_length(coords: &Coords, t: &[i64], v: &[f64]) -> f64 {
    let mut pixels = t.iter().zip(v).map(|(&t, &v)| coords.translate(&(t, v)));
    let Some(mut last) = pixels.next() else { return 0.0 };
    let mut length = 0.0;
    for p in pixels {
        length += f64::from((p.0 - last.0).abs()) + f64::from((p.1 - last.1).abs());
        last = p;
    }
    length
}

/// Round wall-clock instants for the time axis ([`time_axis::ticks`]).
fn x_ticks(spec: &ChartSpec, end_ms: i64) -> Vec<i64> {
    time_axis::ticks(spec.start_ms, end_ms, spec.width_css, spec.tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_range_starts_at_zero_for_positive_data_and_handles_empty() {
        let line = M4Line { t_ms: vec![1, 2], values: vec![5.0, 10.0], hidden_non_finite: 0 };
        let l = PreparedLine { color_index: 0, line };
        assert_eq!(y_range(std::slice::from_ref(&l), &[]), (0.0, 10.5));
        assert_eq!(y_range(&[], &[]), (0.0, 1.0));
    }
}
