//! The latency heatmap drawn on a canvas: the core's [`Heatmap`] (per-bucket counts over time) as
//! an RGBA buffer built in Rust and blitted with one `putImageData`, plus time ticks, bucket-bound
//! labels and a colour legend drawn with the 2D context.
//!
//! Definitions:
//! - **x**: the resolved query range; every pixel column shows the steps whose times fall in it
//!   (the largest count per bucket when several do, so a spike is never averaged away), or the
//!   step nearest the column's centre within half a step when the steps are wider than a pixel —
//!   each step's cell is centred on its time.
//! - **y**: one band of equal height per bucket, the lowest bound at the bottom; the labels at the
//!   band edges are the bucket bounds (`(a, b]` is the band between labels `a` and `b`).
//! - **Colour**: the viridis sequential scale (perceptually uniform, colour-blind safe) on a
//!   **logarithmic** scale from the smallest positive cell (floored at `max / 10⁴`, four decades) to
//!   the largest cell. The direction follows the theme so that more observations always mean more
//!   contrast with the panel: light theme yellow → purple, dark theme purple → yellow. Cells that
//!   are 0 or missing (`NaN`) are left as background.
//! - Everything here but [`draw`] is pure and O(pixels + steps); nothing panics on any input.

use chrono::{Local, Utc};
use sightline_core::format::format_time_ms;
use sightline_core::stats::heatmap::Heatmap;
use sightline_core::time::time_ticks;
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::{Theme, TimeZoneChoice};
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

use super::canvas::PlotGeometry;
use super::palette::{css, Palette};
use super::short::format_short;

/// Viridis at nine evenly spaced stops (matplotlib's `_viridis_data`, as R's `viridisLite`
/// prints them), interpolated linearly in between.
const VIRIDIS: [[u8; 3]; 9] = [
    [0x44, 0x01, 0x54],
    [0x47, 0x2d, 0x7b],
    [0x3b, 0x52, 0x8b],
    [0x2c, 0x72, 0x8e],
    [0x21, 0x90, 0x8c],
    [0x27, 0xad, 0x81],
    [0x5d, 0xc8, 0x63],
    [0xaa, 0xdc, 0x32],
    [0xfd, 0xe7, 0x25],
];

/// The viridis colour at `t ∈ [0, 1]` (clamped; NaN reads as 0).
pub fn viridis(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (Some(a), Some(b)) = (VIRIDIS.get(i), VIRIDIS.get(i + 1)) else { return [0, 0, 0] };
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round().clamp(0.0, 255.0) as u8;
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])]
}

/// Largest ratio between the top and the bottom of the colour scale (four decades).
pub const MAX_DECADES: f64 = 4.0;

/// The logarithmic colour scale of one heatmap; see the module doc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorScale {
    /// The value at the bottom of the scale (the smallest positive cell, floored).
    pub lo: f64,
    /// The value at the top of the scale (the largest cell).
    pub hi: f64,
    /// Light theme: the scale runs from viridis' yellow end to its purple end.
    pub reversed: bool,
}

impl ColorScale {
    /// The scale for `h` drawn in `theme`.
    pub fn for_heatmap(h: &Heatmap, theme: Theme) -> ColorScale {
        let hi = if h.max.is_finite() && h.max > 0.0 { h.max } else { 0.0 };
        let floor = hi / 10f64.powf(MAX_DECADES);
        let lo = h.cells.iter().copied().filter(|c| c.is_finite() && *c > 0.0).fold(f64::INFINITY, f64::min);
        let lo = if lo.is_finite() { lo.max(floor).min(hi) } else { hi };
        ColorScale { lo, hi, reversed: theme == Theme::Light }
    }

    /// Where `v` sits on the scale, in `[0, 1]`; `None` for 0, negative and non-finite values
    /// (drawn as background).
    pub fn position(&self, v: f64) -> Option<f64> {
        if !v.is_finite() || v <= 0.0 || self.hi <= 0.0 {
            return None;
        }
        if self.hi <= self.lo || self.lo <= 0.0 {
            return Some(1.0);
        }
        Some(((v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())).clamp(0.0, 1.0))
    }

    /// The colour at scale position `t ∈ [0, 1]`.
    pub fn color_at(&self, t: f64) -> [u8; 3] {
        viridis(if self.reversed { 1.0 - t } else { t })
    }

    /// The colour of value `v`, or `None` for background.
    pub fn color(&self, v: f64) -> Option<[u8; 3]> {
        self.position(v).map(|t| self.color_at(t))
    }

    /// The value at scale position `t` (for legend labels).
    pub fn value_at(&self, t: f64) -> f64 {
        if self.lo <= 0.0 || self.hi <= self.lo {
            return self.hi;
        }
        self.lo * (self.hi / self.lo).powf(t.clamp(0.0, 1.0))
    }

    /// Legend ticks as `(position, value)`: the bottom, the top and the powers of ten between.
    pub fn ticks(&self) -> Vec<(f64, f64)> {
        if self.hi <= 0.0 {
            return Vec::new();
        }
        let mut out = vec![(0.0, self.lo)];
        if self.hi > self.lo && self.lo > 0.0 {
            let first = self.lo.log10().floor() as i32 + 1;
            let last = self.hi.log10().ceil() as i32 - 1;
            for e in first..=last.min(first + 8) {
                let v = 10f64.powi(e);
                if let Some(t) = self.position(v) {
                    out.push((t, v));
                }
            }
            out.push((1.0, self.hi));
        }
        out
    }
}

/// For each of `width` pixel columns over `[start_ms, end_ms)`, the steps of `t_ms` shown there as
/// a half-open index range (empty when no step is near); see the module doc for the rule.
pub fn column_steps(t_ms: &[i64], start_ms: i64, end_ms: i64, step_ms: i64, width: u32) -> Vec<(usize, usize)> {
    let span = i128::from(end_ms) - i128::from(start_ms);
    if width == 0 || span <= 0 {
        return Vec::new();
    }
    let w = i128::from(width);
    let half = i128::from(step_ms.max(1)) / 2 + 1;
    (0..w)
        .map(|x| {
            let at = |k: i128| i128::from(start_ms) + span * k / w;
            let (ta, tb) = (at(x), at(x + 1));
            let i0 = t_ms.partition_point(|&t| i128::from(t) < ta);
            let i1 = t_ms.partition_point(|&t| i128::from(t) < tb);
            if i1 > i0 {
                return (i0, i1);
            }
            // No step inside: the nearest one, if this column lies within its cell.
            let centre = (ta + tb) / 2;
            [i0.checked_sub(1), Some(i0)]
                .into_iter()
                .flatten()
                .filter_map(|j| Some((j, (i128::from(*t_ms.get(j)?) - centre).abs())))
                .filter(|(_, d)| *d <= half)
                .min_by_key(|(_, d)| *d)
                .map_or((0, 0), |(j, _)| (j, j + 1))
        })
        .collect()
}

/// The plot's pixels as RGBA, `width × height`, row-major from the top; bucket 0 at the bottom.
/// Background where a cell is 0 or missing, and a one-pixel background gap between bands that
/// are at least 6 pixels high.
pub fn render_cells(h: &Heatmap, scale: &ColorScale, columns: &[(usize, usize)], width: u32, height: u32, bg: [u8; 3]) -> Vec<u8> {
    let (w, ht) = (width as usize, height as usize);
    let nb = h.buckets();
    let mut buf = vec![0u8; w.saturating_mul(ht).saturating_mul(4)];
    for px in buf.chunks_exact_mut(4) {
        px.copy_from_slice(&[bg[0], bg[1], bg[2], 255]);
    }
    if nb == 0 || w == 0 || ht == 0 {
        return buf;
    }
    // Colour per (column, bucket).
    let mut colors: Vec<Option<[u8; 3]>> = vec![None; w * nb];
    for (x, &(i0, i1)) in columns.iter().enumerate().take(w) {
        for b in 0..nb {
            let v = (i0..i1).filter_map(|s| h.cell(s, b)).filter(|v| v.is_finite()).fold(f64::NAN, f64::max);
            if let Some(slot) = colors.get_mut(x * nb + b) {
                *slot = scale.color(v);
            }
        }
    }
    let band = ht as f64 / nb as f64;
    let gap = band >= 6.0;
    for y in 0..ht {
        // Row y from the top; bucket index from the bottom.
        let from_bottom = ht - 1 - y;
        let b = ((from_bottom as f64 / band).floor() as usize).min(nb - 1);
        // The top pixel row of each band is the gap (bands are read bottom-up).
        let band_top = (((b + 1) as f64 * band).round() as usize).saturating_sub(1);
        if gap && from_bottom == band_top && b + 1 < nb {
            continue;
        }
        let row = y * w * 4;
        for x in 0..w {
            if let (Some(Some(c)), Some(px)) = (colors.get(x * nb + b), buf.get_mut(row + x * 4..row + x * 4 + 4)) {
                px.copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
    }
    buf
}

/// A bucket bound as an axis label: `+Inf`, or the value in `unit`.
pub fn bound_label(v: f64, unit: Unit) -> String {
    if v == f64::INFINITY {
        "+Inf".into()
    } else {
        format_with_unit(v, unit)
    }
}

/// `(a, b]` of bucket `b`, formatted in `unit`.
pub fn bucket_range_label(h: &Heatmap, bucket: usize, unit: Unit) -> String {
    let (Some(lo), Some(hi)) = (h.lower_bound(bucket), h.bounds.get(bucket)) else { return String::new() };
    let lo = if lo == f64::NEG_INFINITY { "-Inf".to_string() } else { bound_label(lo, unit) };
    format!("({lo}, {}]", bound_label(*hi, unit))
}

/// Everything [`draw`] needs besides the context.
pub struct HeatmapSpec<'a> {
    pub heatmap: &'a Heatmap,
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    pub tz: TimeZoneChoice,
    pub palette: &'a Palette,
    pub theme: Theme,
    /// Backing-store pixels per CSS pixel.
    pub dpr: f64,
    /// The unit of the bucket bounds (`le`), for the y labels.
    pub bound_unit: Unit,
    /// The unit of the cell values, for the colour legend.
    pub value_unit: Unit,
}

/// Draws the heatmap into a `width × height` backing store; returns the plot geometry (for the
/// hover readout). Errors are the browser's, as text.
pub fn draw(ctx: &CanvasRenderingContext2d, width: u32, height: u32, spec: &HeatmapSpec<'_>) -> Result<PlotGeometry, String> {
    let dpr = spec.dpr.max(0.5);
    let p = spec.palette;
    let h = spec.heatmap;
    let px = |css_px: f64| (css_px * dpr).round();
    let end_ms = spec.end_ms.max(spec.start_ms + 1);
    let scale = ColorScale::for_heatmap(h, spec.theme);
    let y_labels: Vec<String> = h.bounds.iter().map(|b| bound_label(*b, spec.bound_unit)).collect();
    let widest_y = y_labels.iter().map(|l| l.chars().count()).max().unwrap_or(3).max(3);
    let legend_ticks = scale.ticks();
    let widest_legend = legend_ticks.iter().map(|(_, v)| format_short(*v, spec.value_unit).chars().count()).max().unwrap_or(3);
    let left = px((widest_y as f64 * 7.0 + 14.0).clamp(40.0, 130.0));
    let right = f64::from(width) - px(12.0 + 12.0 + 8.0 + (widest_legend as f64 * 7.0).clamp(24.0, 110.0));
    let top = px(10.0);
    let bottom = f64::from(height) - px(24.0);
    ctx.set_fill_style_str(&css(p.background));
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    if right - left < 10.0 || bottom - top < 10.0 {
        return Err("the canvas is too small to draw the heatmap".into());
    }
    let (pw, ph) = ((right - left) as u32, (bottom - top) as u32);
    let bg = [p.background.0, p.background.1, p.background.2];
    let columns = column_steps(&h.t_ms, spec.start_ms, end_ms, spec.step_ms, pw);
    let buf = render_cells(h, &scale, &columns, pw, ph, bg);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf), pw, ph).map_err(|e| format!("{e:?}"))?;
    ctx.put_image_data(&image, left, top).map_err(|e| format!("{e:?}"))?;

    let font_px = px(12.0);
    ctx.set_font(&format!("{font_px}px sans-serif"));
    ctx.set_fill_style_str(&css(p.text));
    ctx.set_stroke_style_str(&css(p.axis));
    ctx.set_line_width(px(1.0).max(1.0));

    // Axes.
    ctx.begin_path();
    ctx.move_to(left - 0.5, top);
    ctx.line_to(left - 0.5, bottom + 0.5);
    ctx.line_to(right, bottom + 0.5);
    ctx.stroke();

    // Time ticks.
    let span = end_ms - spec.start_ms;
    let max_ticks = ((right - left) / dpr / 130.0).clamp(2.0, 12.0) as usize;
    let ticks = match spec.tz {
        TimeZoneChoice::Utc => time_ticks(spec.start_ms, end_ms, max_ticks, &Utc),
        TimeZoneChoice::Browser => time_ticks(spec.start_ms, end_ms, max_ticks, &Local),
    };
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    for t in ticks {
        let x = left + (t - spec.start_ms) as f64 / span as f64 * (right - left);
        let label = match spec.tz {
            TimeZoneChoice::Utc => format_time_ms(t, &Utc, span),
            TimeZoneChoice::Browser => format_time_ms(t, &Local, span),
        };
        ctx.begin_path();
        ctx.move_to(x.round() + 0.5, bottom);
        ctx.line_to(x.round() + 0.5, bottom + px(4.0));
        ctx.stroke();
        ctx.fill_text(&label, x, bottom + px(6.0)).map_err(|e| format!("{e:?}"))?;
    }

    // Bucket bounds at the band edges: the first band's lower bound at the bottom, every upper
    // bound at its band's top edge; labels closer than 13 CSS px to the last one drawn are skipped.
    let nb = h.buckets();
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    let band = (bottom - top) / nb.max(1) as f64;
    let mut last_y = f64::INFINITY;
    let mut edge_label = |y: f64, text: &str| -> Result<(), String> {
        if (last_y - y).abs() < px(13.0) {
            return Ok(());
        }
        last_y = y;
        ctx.begin_path();
        ctx.move_to(left - px(4.0), y.round() + 0.5);
        ctx.line_to(left, y.round() + 0.5);
        ctx.stroke();
        ctx.fill_text(text, left - px(6.0), y).map_err(|e| format!("{e:?}"))
    };
    if let Some(lo) = h.lower_bound(0) {
        let text = if lo == f64::NEG_INFINITY { "-Inf".to_string() } else { bound_label(lo, spec.bound_unit) };
        edge_label(bottom, &text)?;
    }
    for (b, label) in y_labels.iter().enumerate() {
        edge_label(bottom - (b + 1) as f64 * band, label)?;
    }

    // Colour legend: a vertical gradient bar right of the plot, its ticks labelled in the value
    // unit (bottom = smallest positive cell shown, top = max).
    let bar_x = right + px(12.0);
    let bar_w = px(12.0).max(1.0) as u32;
    if scale.hi > 0.0 {
        let mut bar = Vec::with_capacity((bar_w as usize).saturating_mul(ph as usize).saturating_mul(4));
        for y in 0..ph {
            let t = 1.0 - f64::from(y) / f64::from(ph.saturating_sub(1).max(1));
            let c = scale.color_at(t);
            for _ in 0..bar_w {
                bar.extend_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&bar), bar_w, ph).map_err(|e| format!("{e:?}"))?;
        ctx.put_image_data(&image, bar_x, top).map_err(|e| format!("{e:?}"))?;
        ctx.set_text_align("left");
        let mut placed: Vec<f64> = Vec::new();
        // Top and bottom first so the powers of ten between give way to them.
        let mut ordered = legend_ticks.clone();
        ordered.sort_by(|a, b| {
            let end = |t: f64| t == 0.0 || t == 1.0;
            end(b.0).cmp(&end(a.0))
        });
        for (t, v) in ordered {
            let y = bottom - t * (bottom - top);
            if placed.iter().any(|p| (p - y).abs() < px(13.0)) {
                continue;
            }
            placed.push(y);
            let label = format_short(v, spec.value_unit);
            ctx.fill_text(&label, bar_x + f64::from(bar_w) + px(4.0), y.clamp(top + px(6.0), bottom - px(6.0)))
                .map_err(|e| format!("{e:?}"))?;
        }
    }

    Ok(PlotGeometry {
        left_px: left as i32,
        right_px: right as i32,
        top_px: top as i32,
        bottom_px: bottom as i32,
        start_ms: spec.start_ms,
        end_ms,
        dpr,
        y_lo: 0.0,
        y_hi: spec.heatmap.buckets() as f64,
    })
}

/// The bucket under a pointer at CSS offset `y_css`, or `None` outside the plot.
pub fn bucket_at(g: &PlotGeometry, buckets: usize, y_css: f64) -> Option<usize> {
    let y = y_css * g.dpr;
    let (top, bottom) = (f64::from(g.top_px), f64::from(g.bottom_px));
    if buckets == 0 || !(top..bottom).contains(&y) {
        return None;
    }
    let from_bottom = (bottom - y) / (bottom - top) * buckets as f64;
    Some((from_bottom.floor() as usize).min(buckets - 1))
}

/// The bucket band a value falls in: the first bucket whose upper bound is ≥ `v` and whose lower
/// bound is below it; `None` outside every band.
pub fn bucket_of_value(h: &Heatmap, v: f64) -> Option<usize> {
    if v.is_nan() {
        return None;
    }
    let b = h.bounds.partition_point(|&upper| upper < v);
    let lower = h.lower_bound(b)?;
    (lower < v || (b == 0 && lower == v)).then_some(b)
}

/// The CSS y range `(top, bottom)` of bucket `b`'s band (for the hover outline).
pub fn band_css(g: &PlotGeometry, buckets: usize, b: usize) -> (f64, f64) {
    let (top, bottom) = (f64::from(g.top_px), f64::from(g.bottom_px));
    let band = (bottom - top) / buckets.max(1) as f64;
    ((bottom - (b + 1) as f64 * band) / g.dpr, (bottom - b as f64 * band) / g.dpr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_in_the_band_whose_bounds_hold_them() {
        let h = map(vec![0.0; 3], vec![0.1, 0.5, f64::INFINITY], vec![0]);
        assert_eq!(bucket_of_value(&h, 0.05), Some(0));
        assert_eq!(bucket_of_value(&h, 0.1), Some(0), "upper bounds are inclusive");
        assert_eq!(bucket_of_value(&h, 0.3), Some(1));
        assert_eq!(bucket_of_value(&h, 7.0), Some(2));
        assert_eq!(bucket_of_value(&h, -1.0), None, "below the first band (which starts at 0)");
        assert_eq!(bucket_of_value(&h, f64::NAN), None);
        let g = PlotGeometry { left_px: 0, right_px: 100, top_px: 0, bottom_px: 90, start_ms: 0, end_ms: 1, dpr: 1.0, y_lo: 0.0, y_hi: 3.0 };
        assert_eq!(band_css(&g, 3, 0), (60.0, 90.0));
        assert_eq!(g.y_css_of(1.5), Some(45.0));
        assert_eq!(g.y_css_of(3.5), None);
        assert_eq!(g.y_css_of(f64::NAN), None);
    }

    fn map(cells: Vec<f64>, bounds: Vec<f64>, t_ms: Vec<i64>) -> Heatmap {
        let max = cells.iter().copied().filter(|c| c.is_finite()).fold(0.0, f64::max);
        Heatmap { bounds, t_ms, cells, max, clamped: 0, skipped: 0 }
    }

    #[test]
    fn viridis_ends_are_purple_and_yellow() {
        assert_eq!(viridis(0.0), [0x44, 0x01, 0x54]);
        assert_eq!(viridis(1.0), [0xfd, 0xe7, 0x25]);
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
    }

    #[test]
    fn log_scale_places_decades_evenly_and_hides_zero_and_nan() {
        let h = map(vec![1.0, 10.0, 100.0, 0.0, f64::NAN, 1000.0], vec![1.0, f64::INFINITY], vec![0, 1, 2]);
        let s = ColorScale::for_heatmap(&h, Theme::Dark);
        assert_eq!((s.lo, s.hi), (1.0, 1000.0));
        assert!((s.position(10.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.position(0.0), None);
        assert_eq!(s.position(f64::NAN), None);
        assert_eq!(s.color(1000.0), Some(viridis(1.0)));
        let light = ColorScale::for_heatmap(&h, Theme::Light);
        assert_eq!(light.color(1000.0), Some(viridis(0.0)));
        let ticks: Vec<f64> = s.ticks().into_iter().map(|(_, v)| v).collect();
        assert_eq!(ticks, vec![1.0, 10.0, 100.0, 1000.0]);
    }

    #[test]
    fn scale_floor_is_four_decades_below_the_max() {
        let h = map(vec![1e-9, 1.0], vec![f64::INFINITY], vec![0, 1]);
        let s = ColorScale::for_heatmap(&h, Theme::Dark);
        assert!((s.lo - 1e-4).abs() < 1e-18);
        assert_eq!(s.position(1e-9), Some(0.0));
    }

    #[test]
    fn columns_take_the_steps_inside_or_the_nearest_within_half_a_step() {
        // 4 steps 10 ms apart over [0, 40) on 2 columns: two steps per column.
        assert_eq!(column_steps(&[0, 10, 20, 30], 0, 40, 10, 2), vec![(0, 2), (2, 4)]);
        // Wider steps than pixels: each column shows the step whose cell (centred on its time,
        // one step wide) covers the column's centre; past the last cell the column is empty.
        let c = column_steps(&[0, 100], 0, 200, 100, 4);
        assert_eq!(c, vec![(0, 1), (1, 2), (1, 2), (0, 0)]);
        assert!(column_steps(&[], 0, 10, 1, 3).iter().all(|(a, b)| a == b));
        assert!(column_steps(&[1], 5, 5, 1, 3).is_empty());
    }

    #[test]
    fn render_fills_bands_bottom_up_and_leaves_empty_cells_as_background() {
        // One step, two buckets: the lower has 0 (background), the upper 5.
        let h = map(vec![0.0, 5.0], vec![1.0, f64::INFINITY], vec![0]);
        let s = ColorScale::for_heatmap(&h, Theme::Dark);
        let buf = render_cells(&h, &s, &[(0, 1)], 1, 4, [1, 2, 3]);
        let px = |y: usize| [buf[y * 4], buf[y * 4 + 1], buf[y * 4 + 2]];
        assert_eq!(px(0), viridis(1.0), "top band: the upper bucket");
        assert_eq!(px(3), [1, 2, 3], "bottom band: zero is background");
    }
}
