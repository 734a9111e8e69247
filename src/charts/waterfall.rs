//! Drawing the trace waterfall and its minimap on a 2D canvas (no plotters: rectangles and text
//! only). Only the rows inside the viewport are drawn, so a frame costs O(visible rows), whatever
//! the trace's size; the minimap draws one line per pixel row from precomputed bins.
//!
//! Geometry (CSS pixels, scaled by `dpr` when drawn): a time axis of [`HEADER_H`] on top, then
//! rows of [`ROW_H`]; a label column on the left (indented by depth, with a ▸/▾ toggle for spans
//! with children) and the bars on the right, x proportional to the time since the trace started.

use sightline_core::trace::critical_path::Section;
use sightline_core::trace::Trace;
use sightline_core::trace_rows::{sections_of, tick_step_ns, MinimapBin};
use web_sys::CanvasRenderingContext2d;

use super::palette::{css, series_color, Palette};

/// Height of one row.
pub const ROW_H: f64 = 22.0;
/// Height of the time axis.
pub const HEADER_H: f64 = 24.0;
/// Indentation per depth level in the label column.
pub const INDENT: f64 = 12.0;
/// The largest indentation drawn (deep traces keep room for their labels).
const MAX_INDENT: f64 = 240.0;
/// Colour of error spans and error markers.
pub const ERROR_RGB: &str = "rgb(214, 39, 40)";

/// What one frame shows.
pub struct WaterfallFrame<'a> {
    pub trace: &'a Trace,
    /// Visible rows (span indices, pre-order, collapsed subtrees left out).
    pub rows: &'a [u32],
    pub collapsed: &'a [bool],
    /// Critical-path sections sorted by span.
    pub critical: &'a [Section],
    /// Colour index of each span's service.
    pub service_color: &'a [usize],
    pub selected: Option<u32>,
    pub scroll_top: f64,
    pub width: f64,
    pub height: f64,
    pub dpr: f64,
    pub palette: &'a Palette,
}

/// Width of the label column for a canvas `width` CSS pixels wide.
pub fn label_width(width: f64) -> f64 {
    (width * 0.36).clamp(160.0, 460.0)
}

/// Indentation of a span at `depth`.
pub fn indent_of(depth: u32) -> f64 {
    (f64::from(depth) * INDENT).min(MAX_INDENT)
}

/// The row under CSS offset `y` (from the canvas top), given the scroll position.
pub fn row_at(y: f64, scroll_top: f64) -> Option<usize> {
    let y = y - HEADER_H + scroll_top;
    (y >= 0.0).then(|| (y / ROW_H) as usize)
}

fn duration_label(ns: u64) -> String {
    sightline_core::units::format_with_unit(ns as f64, sightline_core::units::Unit::Nanoseconds)
}

/// Draws one frame of the waterfall.
pub fn draw(ctx: &CanvasRenderingContext2d, f: &WaterfallFrame<'_>) -> Result<(), String> {
    let p = f.palette;
    let d = f.dpr;
    let t = f.trace;
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    ctx.set_transform(d, 0.0, 0.0, d, 0.0, 0.0).map_err(err)?;
    ctx.set_fill_style_str(&css(p.background));
    ctx.fill_rect(0.0, 0.0, f.width, f.height);
    let label_w = label_width(f.width);
    let bar_x0 = label_w + 8.0;
    let bar_w = (f.width - bar_x0 - 70.0).max(20.0);
    let t0 = t.start_ns();
    let total = t.duration_ns().max(1) as f64;
    let x_of = |ns: u64| bar_x0 + (ns.saturating_sub(t0) as f64 / total) * bar_w;
    ctx.set_font("12px sans-serif");
    ctx.set_text_baseline("middle");

    // Rows in the viewport.
    let first = (f.scroll_top / ROW_H).floor().max(0.0) as usize;
    let count = ((f.height - HEADER_H) / ROW_H).ceil() as usize + 1;
    let (starts, ends, depths, errors, subtree_ends) =
        (t.starts_ns(), t.ends_ns(), t.depths(), t.errors(), t.subtree_ends());
    for (r, &span) in f.rows.iter().enumerate().skip(first).take(count) {
        let i = span as usize;
        let y = HEADER_H + r as f64 * ROW_H - f.scroll_top;
        let (Some(&s), Some(&e)) = (starts.get(i), ends.get(i)) else { continue };
        let is_error = errors.get(i).copied().unwrap_or(false);
        if f.selected == Some(span) {
            ctx.set_fill_style_str(&css(p.grid));
            ctx.fill_rect(0.0, y, f.width, ROW_H);
        }
        // Label: toggle, service: operation.
        let indent = indent_of(depths.get(i).copied().unwrap_or(0));
        let has_children = subtree_ends.get(i).is_some_and(|&end| end as usize > i + 1);
        ctx.set_fill_style_str(&css(p.text));
        if has_children {
            let mark = if f.collapsed.get(i).copied().unwrap_or(false) { "▸" } else { "▾" };
            ctx.fill_text(mark, 4.0 + indent, y + ROW_H / 2.0).map_err(err)?;
        }
        let name = t.span(span).map(|sp| format!("{}: {}", sp.service(), sp.operation())).unwrap_or_default();
        if is_error {
            ctx.set_fill_style_str(ERROR_RGB);
            ctx.fill_text("!", label_w - 10.0, y + ROW_H / 2.0).map_err(err)?;
        }
        if is_error {
            ctx.set_fill_style_str(ERROR_RGB);
        } else {
            ctx.set_fill_style_str(&css(p.text));
        }
        let text_x = 18.0 + indent;
        ctx.fill_text_with_max_width(&name, text_x, y + ROW_H / 2.0, (label_w - text_x - 14.0).max(10.0))
            .map_err(err)?;
        // Bar.
        let (x0, x1) = (x_of(s), x_of(e));
        let color = series_color(p, f.service_color.get(i).copied().unwrap_or(0));
        let bar_color = if is_error { ERROR_RGB.to_string() } else { css(color) };
        ctx.set_fill_style_str(&bar_color);
        let bar_top = y + 4.0;
        let bar_h = ROW_H - 8.0;
        ctx.fill_rect(x0, bar_top, (x1 - x0).max(1.0), bar_h);
        // Critical-path sections: a dark band through the middle of the bar.
        ctx.set_fill_style_str("rgba(0, 0, 0, 0.55)");
        for sec in sections_of(f.critical, span) {
            let (a, b) = (x_of(sec.start_ns), x_of(sec.end_ns));
            ctx.fill_rect(a, bar_top + bar_h / 3.0, (b - a).max(1.0), bar_h / 3.0);
        }
        ctx.set_fill_style_str(&css(p.text));
        ctx.fill_text(&duration_label(e.saturating_sub(s)), (x1 + 4.0).min(f.width - 64.0), y + ROW_H / 2.0)
            .map_err(err)?;
    }

    // Time axis on top (drawn last so rows scroll under it).
    ctx.set_fill_style_str(&css(p.background));
    ctx.fill_rect(0.0, 0.0, f.width, HEADER_H);
    ctx.set_fill_style_str(&css(p.axis));
    ctx.fill_rect(0.0, HEADER_H - 1.0, f.width, 1.0);
    let step = tick_step_ns(t.duration_ns().max(1), ((bar_w / 110.0) as u64).max(1));
    let mut tick = 0u64;
    while tick <= t.duration_ns() {
        let x = bar_x0 + tick as f64 / total * bar_w;
        ctx.set_fill_style_str(&css(p.grid));
        ctx.fill_rect(x, HEADER_H - 6.0, 1.0, 6.0);
        ctx.set_fill_style_str(&css(p.text));
        ctx.fill_text(&format!("+{}", duration_label(tick)), x + 2.0, HEADER_H / 2.0).map_err(err)?;
        tick = match tick.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    ctx.fill_text("Service: operation", 6.0, HEADER_H / 2.0).map_err(err)?;
    Ok(())
}

/// Draws the minimap: one line per bin (the extent of the spans in that pixel row), errors red,
/// and the viewport as a translucent box from `view_top` to `view_bottom` (fractions 0–1).
pub fn draw_minimap(
    ctx: &CanvasRenderingContext2d,
    trace: &Trace,
    bins: &[Option<MinimapBin>],
    (width, height, dpr): (f64, f64, f64),
    (view_top, view_bottom): (f64, f64),
    p: &Palette,
) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).map_err(err)?;
    ctx.set_fill_style_str(&css(p.background));
    ctx.fill_rect(0.0, 0.0, width, height);
    let t0 = trace.start_ns();
    let total = trace.duration_ns().max(1) as f64;
    let bin_h = height / bins.len().max(1) as f64;
    let normal = css(series_color(p, 0));
    for (b, bin) in bins.iter().enumerate() {
        let Some(bin) = bin else { continue };
        let x0 = bin.start_ns.saturating_sub(t0) as f64 / total * width;
        let x1 = bin.end_ns.saturating_sub(t0) as f64 / total * width;
        ctx.set_fill_style_str(if bin.error { ERROR_RGB } else { &normal });
        ctx.fill_rect(x0, b as f64 * bin_h, (x1 - x0).max(1.0), bin_h.max(1.0));
    }
    ctx.set_fill_style_str("rgba(128, 128, 128, 0.25)");
    ctx.fill_rect(0.0, view_top * height, width, ((view_bottom - view_top) * height).max(2.0));
    ctx.set_stroke_style_str(&css(p.axis));
    ctx.stroke_rect(0.5, view_top * height + 0.5, width - 1.0, ((view_bottom - view_top) * height).max(2.0) - 1.0);
    Ok(())
}
