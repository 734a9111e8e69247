//! The waterfall of one trace: a virtualised canvas (a sticky canvas inside a scrolling box whose
//! spacer gives the full height; only rows in view are drawn on each scroll), collapse/expand by
//! clicking a span's ▸/▾, selection by clicking a row, the critical path as a dark band through
//! the bars, errors in red, and a minimap of the whole trace (click to jump there).

use leptos::ev;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use sightline_core::trace::critical_path::Section;
use sightline_core::trace::Trace;
use sightline_core::trace_rows::{minimap_bins, visible_rows};
use std::sync::Arc;
use wasm_bindgen::JsCast;

use crate::charts::canvas::{fit_to_css_size, observe_resize};
use crate::charts::palette;
use crate::charts::waterfall::{draw, draw_minimap, indent_of, row_at, WaterfallFrame, HEADER_H, ROW_H};
use crate::state::{browser, theme, use_app_state};

/// Height of the scrolling viewport (CSS pixels).
const VIEW_H: f64 = 520.0;

fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
}

/// Colour index of each span's service (services in sorted order).
fn service_colors(trace: &Trace) -> Vec<usize> {
    let names = trace.service_names();
    trace.spans().map(|s| names.binary_search(&s.service()).unwrap_or(0)).collect()
}

/// The waterfall and its minimap.
#[component]
pub fn TraceWaterfall(
    /// The trace drawn.
    trace: Arc<Trace>,
    /// Critical-path sections sorted by span (`trace_rows::sections_by_span`).
    critical: Arc<Vec<Section>>,
    /// The selected span (set on click; shown highlighted).
    selected: RwSignal<Option<u32>>,
) -> impl IntoView {
    let state = use_app_state();
    let n = trace.len();
    let collapsed = RwSignal::new(vec![false; n]);
    let scroll_top = RwSignal::new(0.0f64);
    let resize_tick = RwSignal::new(0u32);
    let draw_error = RwSignal::new(None::<String>);
    let canvas_ref = NodeRef::<Canvas>::new();
    let minimap_ref = NodeRef::<Canvas>::new();
    let scroll_ref = NodeRef::<Div>::new();
    let colors = Arc::new(service_colors(&trace));
    let rows_trace = trace.clone();
    let rows = Memo::new(move |_| Arc::new(collapsed.with(|c| visible_rows(&rows_trace, c))));
    let total_h = Memo::new(move |_| HEADER_H + rows.with(|r| r.len()) as f64 * ROW_H);
    // The viewport: up to VIEW_H, less for a short trace.
    let view_h = Memo::new(move |_| total_h.get().min(VIEW_H) + 2.0);
    let theme_now = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    observe_resize(canvas_ref, resize_tick);

    // Minimap bins follow the rows (O(n) when rows change, not on scroll).
    let bins_trace = trace.clone();
    let bins = Memo::new(move |_| Arc::new(rows.with(|r| minimap_bins(&bins_trace, r, 60))));

    let draw_trace = trace.clone();
    Effect::new(move |_| {
        resize_tick.track();
        let top = scroll_top.get();
        let rows_now = rows.get();
        let sel = selected.get();
        let p = palette::for_theme(theme_now.get());
        let dpr = browser::device_pixel_ratio();
        let (Some(canvas), Some(minimap)) = (canvas_ref.get(), minimap_ref.get()) else { return };
        let (w, h) = fit_to_css_size(&canvas, dpr);
        let (Some(ctx), Some(mctx)) = (context_2d(&canvas), context_2d(&minimap)) else {
            draw_error.set(Some("The browser gave no 2D drawing context for the waterfall.".into()));
            return;
        };
        let result = collapsed.with(|c| {
            let frame = WaterfallFrame {
                trace: &draw_trace,
                rows: &rows_now,
                collapsed: c,
                critical: &critical,
                service_color: &colors,
                selected: sel,
                scroll_top: top,
                width: f64::from(w) / dpr,
                height: f64::from(h) / dpr,
                dpr,
                palette: &p,
            };
            draw(&ctx, &frame)
        });
        let (mw, mh) = fit_to_css_size(&minimap, dpr);
        let total = total_h.get_untracked().max(1.0);
        let view = ((top / total).clamp(0.0, 1.0), ((top + view_h.get_untracked()) / total).clamp(0.0, 1.0));
        let mini = bins
            .with(|b| draw_minimap(&mctx, &draw_trace, b, (f64::from(mw) / dpr, f64::from(mh) / dpr, dpr), view, &p));
        draw_error.set(result.and(mini).err().map(|e| format!("The waterfall could not be drawn: {e}")));
    });

    let click_trace = trace.clone();
    let on_click = move |ev: ev::MouseEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let Some(r) = row_at(y, scroll_top.get_untracked()) else { return };
        let Some(span) = rows.with_untracked(|rows| rows.get(r).copied()) else { return };
        let i = span as usize;
        let depth = click_trace.depths().get(i).copied().unwrap_or(0);
        let has_children = click_trace.subtree_ends().get(i).is_some_and(|&e| e as usize > i + 1);
        if has_children && x < indent_of(depth) + 16.0 {
            collapsed.update(|c| {
                if let Some(v) = c.get_mut(i) {
                    *v = !*v;
                }
            });
        } else {
            selected.set(Some(span));
        }
    };
    let on_scroll = move |_| {
        if let Some(el) = scroll_ref.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
        }
    };
    let on_minimap = move |ev: ev::MouseEvent| {
        let Some(mini) = minimap_ref.get_untracked() else { return };
        let frac = f64::from(ev.offset_y()) / f64::from(mini.client_height().max(1));
        if let Some(el) = scroll_ref.get_untracked() {
            let target = frac * total_h.get_untracked() - view_h.get_untracked() / 2.0;
            el.set_scroll_top(target.max(0.0) as i32);
        }
    };
    let expand_all = move |_| collapsed.set(vec![false; n]);
    let collapse_trace = trace.clone();
    let collapse_children_of_roots = move |_| {
        let mut c = vec![false; n];
        for &r in collapse_trace.roots() {
            for &child in collapse_trace.children(r) {
                if let Some(v) = c.get_mut(child as usize) {
                    *v = true;
                }
            }
        }
        collapsed.set(c);
    };
    view! {
        <div class="waterfall" data-testid="trace-waterfall">
            <div class="row waterfall-toolbar">
                <button on:click=expand_all data-testid="waterfall-expand">"Expand all"</button>
                <button on:click=collapse_children_of_roots data-testid="waterfall-collapse">"Collapse below level 2"</button>
                <span class="hint" data-testid="waterfall-rows">
                    {move || format!("{} of {} spans shown", rows.with(|r| r.len()), n)}
                </span>
                <span class="hint">
                    "Click ▸/▾ to collapse or expand, a row for its details. Dark band: critical path (Jaeger's definition). Red: error."
                </span>
            </div>
            <canvas
                class="waterfall-minimap"
                data-testid="trace-minimap"
                node_ref=minimap_ref
                on:click=on_minimap
                title="Minimap: every visible row of the trace, one line per pixel row (red where a span failed); the grey box is the part shown below. Click to jump."
            ></canvas>
            <div class="waterfall-scroll" node_ref=scroll_ref on:scroll=on_scroll style=move || format!("height:{}px", view_h.get())>
                <canvas
                    class="waterfall-canvas"
                    data-testid="trace-waterfall-canvas"
                    node_ref=canvas_ref
                    on:click=on_click
                    style=move || format!("height:{}px", view_h.get())
                ></canvas>
                <div style=move || format!("height:{}px", (total_h.get() - view_h.get()).max(0.0))></div>
            </div>
            {move || draw_error.get().map(|e| view! { <p class="panel-error">{e}</p> })}
        </div>
    }
}
