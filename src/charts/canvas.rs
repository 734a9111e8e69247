//! Canvas plumbing: sizing the backing store for HiDPI screens (plotters-canvas does not), and
//! mapping a pointer position back to a time on the drawn x axis.

use web_sys::HtmlCanvasElement;

/// The plot area inside the canvas, in backing-store pixels, and the x range drawn there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotGeometry {
    pub left_px: i32,
    pub right_px: i32,
    pub top_px: i32,
    pub bottom_px: i32,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Backing-store pixels per CSS pixel.
    pub dpr: f64,
}

impl PlotGeometry {
    /// The time under a pointer at CSS offset `x_css` (from the canvas' left edge), or `None`
    /// outside the plot area.
    pub fn time_at(&self, x_css: f64) -> Option<i64> {
        let x = x_css * self.dpr;
        let (l, r) = (f64::from(self.left_px), f64::from(self.right_px));
        if !(l..=r).contains(&x) || r <= l {
            return None;
        }
        let frac = (x - l) / (r - l);
        Some(self.start_ms + ((self.end_ms - self.start_ms) as f64 * frac).round() as i64)
    }

    /// The CSS x offset of time `t_ms` (for the crosshair).
    pub fn x_css_of(&self, t_ms: i64) -> f64 {
        let span = (self.end_ms - self.start_ms).max(1) as f64;
        let frac = (t_ms - self.start_ms) as f64 / span;
        (f64::from(self.left_px) + frac * f64::from(self.right_px - self.left_px)) / self.dpr
    }
}

/// Sizes the canvas backing store to its CSS size × `dpr`; returns the backing size in pixels.
/// A canvas that is not laid out yet (zero size) gets a minimal 1×1 store.
pub fn fit_to_css_size(canvas: &HtmlCanvasElement, dpr: f64) -> (u32, u32) {
    let w = (f64::from(canvas.client_width().max(1)) * dpr).round().max(1.0) as u32;
    let h = (f64::from(canvas.client_height().max(1)) * dpr).round().max(1.0) as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    (w, h)
}
