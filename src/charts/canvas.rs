//! Canvas plumbing: sizing the backing store for HiDPI screens (plotters-canvas does not),
//! watching the canvas' CSS size so charts redraw when it changes, and mapping a pointer position
//! back to a time on the drawn x axis.

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
    /// The y values at the bottom and the top of the plot area (time series: the value axis;
    /// heatmap: 0 and the number of bucket bands).
    pub y_lo: f64,
    pub y_hi: f64,
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

    /// The CSS y offset of value `v` on the y axis, or `None` when `v` is outside the axis range
    /// (or not finite).
    pub fn y_css_of(&self, v: f64) -> Option<f64> {
        let span = self.y_hi - self.y_lo;
        if !v.is_finite() || !span.is_finite() || span <= 0.0 || v < self.y_lo || v > self.y_hi {
            return None;
        }
        let frac = (v - self.y_lo) / span;
        Some((f64::from(self.bottom_px) - frac * f64::from(self.bottom_px - self.top_px)) / self.dpr)
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
/// The size comes from the canvas' `ResizeObserver` ([`observe_resize`]) when it has reported one,
/// so that drawing does not force the browser to lay out the page (reading `clientWidth` right
/// after other panels changed the DOM costs a full layout, tens of ms on a busy dashboard).
pub fn fit_to_css_size(canvas: &HtmlCanvasElement, dpr: f64) -> (u32, u32) {
    let (css_w, css_h) = observed_css_size(canvas).unwrap_or_else(|| (f64::from(canvas.client_width()), f64::from(canvas.client_height())));
    let w = (css_w.max(1.0) * dpr).round().max(1.0) as u32;
    let h = (css_h.max(1.0) * dpr).round().max(1.0) as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    (w, h)
}

/// The attribute holding the canvas' CSS content size as its `ResizeObserver` last reported it.
const SIZE_ATTR: &str = "data-css-size";

/// The canvas' CSS content size (width, height) as its `ResizeObserver` last reported it; `None`
/// before the first report or for a canvas nobody observes. Reads no layout.
pub fn observed_css_size(canvas: &HtmlCanvasElement) -> Option<(f64, f64)> {
    let text = canvas.get_attribute(SIZE_ATTR)?;
    let (w, h) = text.split_once(' ')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// Bumps `tick` whenever the canvas' CSS size changes (a `ResizeObserver`, disconnected when the
/// owning component is cleaned up), so a drawing effect tracking `tick` redraws at the new size.
/// The observer records the size it reports on the canvas ([`observed_css_size`]); it reports
/// once as soon as it starts observing, after the browser's next layout.
pub fn observe_resize(canvas_ref: leptos::prelude::NodeRef<leptos::html::Canvas>, tick: leptos::prelude::RwSignal<u32>) {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>);
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else { return };
        if observer.with_value(|o| o.is_some()) {
            return;
        }
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            for entry in entries.iter().filter_map(|e| e.dyn_into::<web_sys::ResizeObserverEntry>().ok()) {
                let rect = entry.content_rect();
                let _ = entry.target().set_attribute(SIZE_ATTR, &format!("{} {}", rect.width(), rect.height()));
            }
            tick.update(|t| *t += 1)
        });
        if let Ok(obs) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            obs.observe(&canvas);
            observer.set_value(Some((obs, callback)));
        }
    });
    on_cleanup(move || {
        observer.with_value(|o| {
            if let Some((obs, _)) = o {
                obs.disconnect();
            }
        })
    });
}
