//! The time-series chart component: a `<canvas>` sized for HiDPI, redrawn when the data, the
//! theme, the legend selection or the window size changes; a hover readout listing every visible
//! series' value at the pointer's time (sorted by value, as Grafana's tooltip), with a crosshair;
//! drag across the plot to zoom the view to the selected times (absolute range, as Grafana);
//! a PNG download of the canvas; and a text summary for screen readers. Many lines are drawn in
//! slices of about `offload::slices::SLICE_MS` with the page's event loop running in between, so a large result
//! never blocks the page while it draws.

use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use sightline_core::format::format_datetime_ms;
use sightline_core::promql_info::guess_unit;
use sightline_core::stats::anomaly::recent_vs_baseline;
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::formats::prometheus::ResultData;
use sightline_core::series::Series;
use crate::sources::query::Resolved;
use sightline_core::viewstate::{ChartStyle, Theme, TimeZoneChoice};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

use super::exemplars::ExemplarLayer;
use super::legend::Legend;
use super::panel_view::use_panel_view;
use super::panel::PanelData;
use crate::charts::canvas::{fit_to_css_size, observe_resize, observed_css_size, PlotGeometry};
use crate::charts::palette::{self, css, series_color};
use crate::charts::timeseries::{draw_frame, draw_lines, prepare, prepare_bands, prepare_one, ChartSpec, PreparedBand, PreparedLine, MAX_BANDS};
use crate::offload::slices;
use crate::state::{browser, theme, use_app_state};

/// What the hover readout shows.
#[derive(Clone, PartialEq)]
struct Hover {
    x_css: f64,
    time: String,
    /// (colour, series name, formatted value), sorted by value, largest first.
    rows: Vec<(String, String, String)>,
}

/// Largest number of series listed in the hover readout.
const HOVER_ROWS: usize = 12;

/// The chart, its hover readout and its legend for a matrix result.
#[component]
pub fn TimeSeriesChart(
    /// The decoded result (must be a matrix; anything else draws nothing).
    data: Arc<PanelData>,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<Canvas>::new();
    let hidden = RwSignal::new(BTreeSet::<usize>::new());
    let geometry = RwSignal::new(None::<PlotGeometry>);
    let draw_error = RwSignal::new(None::<String>);
    let hover = RwSignal::new(None::<Hover>);
    let resize_tick = RwSignal::new(0u32);
    // Drag-to-zoom: (start, current) pointer x in CSS pixels while the button is down.
    let drag = RwSignal::new(None::<(f64, f64)>);
    let theme_now = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    // The chosen unit, else the one guessed from the query's metric name — except for an
    // expression between queries, whose unit is not the metric's (a ratio has none).
    let unit_hint = data.unit_hint;
    let panel_view = use_panel_view();
    let unit = Memo::new(move |_| {
        panel_view.view.with(|v| {
            v.unit.or(unit_hint).unwrap_or_else(|| if v.expression.trim().is_empty() { guess_unit(&v.query) } else { Unit::None })
        })
    });
    let band_on = Memo::new(move |_| panel_view.view.with(|v| v.band));
    let series: Arc<Vec<Series>> = Arc::new(match &data.response.data {
        ResultData::Matrix(s) => s.clone(),
        _ => Vec::new(),
    });
    let names: Arc<Vec<String>> = Arc::new(series.iter().map(|s| s.labels.display_name()).collect());
    let resolved = data.resolved;
    let tz = data.tz;

    // Redraw whenever the canvas' CSS size changes (window resize, a legend or scrollbar
    // appearing): the backing store must follow it or pointer positions map to the wrong times.
    observe_resize(canvas_ref, resize_tick);

    let draw_series = series.clone();
    let draw_generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        resize_tick.track();
        let theme = theme_now.get();
        let hidden_now = hidden.get();
        let Some(canvas) = canvas_ref.get() else { return };
        // Drawn once the canvas' observer has reported its size (it bumps `resize_tick`), so the
        // first draw does not force a layout of the page.
        if observed_css_size(&canvas).is_none() {
            return;
        }
        let dpr = browser::device_pixel_ratio();
        let (width_px, _) = fit_to_css_size(&canvas, dpr);
        let style = panel_view.view.with(|v| v.style);
        let window = (resolved.start_ms, resolved.end_ms, resolved.step_ms);
        let bands = if band_on.get() {
            prepare_bands(&draw_series, |i| !hidden_now.contains(&i), (resolved.start_ms, resolved.end_ms), width_px)
        } else {
            Vec::new()
        };
        draw_generation.update_value(|g| *g += 1);
        let mine = draw_generation.get_value();
        let unit_now = unit.get();
        let finish = move |lines: Vec<PreparedLine>, bands: Vec<PreparedBand>| {
            let drawing = Rc::new(Drawing { lines, bands, resolved, tz, theme, dpr, width_px, style, unit: unit_now });
            start_drawing(canvas, drawing, (draw_generation, mine), geometry, draw_error);
        };
        // Stacking needs every visible series at once; otherwise the M4 reduction of many series
        // is spread over slices too, and the chart is drawn when all are reduced.
        if style == ChartStyle::Stacked {
            finish(prepare(&draw_series, |i| !hidden_now.contains(&i), true, window, width_px), bands);
            return;
        }
        let visible: Vec<usize> = (0..draw_series.len()).filter(|i| !hidden_now.contains(i)).collect();
        let mut lines = Vec::with_capacity(visible.len());
        let samples: usize = draw_series.iter().map(Series::len).sum();
        if slices::small(samples) {
            lines.extend(visible.iter().filter_map(|&i| draw_series.get(i).map(|s| prepare_one(s, i, window, width_px))));
            finish(lines, bands);
            return;
        }
        if slices::start_inline(samples) && reduce_some(&draw_series, &visible, &mut lines, window, width_px) {
            finish(lines, bands);
            return;
        }
        let draw_series = draw_series.clone();
        spawn_local(async move {
            loop {
                slices::yield_now().await;
                if draw_generation.try_get_value() != Some(mine) {
                    return;
                }
                if reduce_some(&draw_series, &visible, &mut lines, window, width_px) {
                    finish(lines, bands);
                    return;
                }
            }
        });
    });

    let hover_series = series.clone();
    let hover_names = names.clone();
    let on_move = move |ev: ev::MouseEvent| {
        let Some(g) = geometry.get_untracked() else { return };
        if drag.get_untracked().is_some() {
            drag.update(|d| {
                if let Some((_, current)) = d {
                    *current = f64::from(ev.offset_x());
                }
            });
        }
        let Some(t) = g.time_at(f64::from(ev.offset_x())) else {
            hover.set(None);
            state.hover_time.set(None);
            return;
        };
        state.hover_time.set(Some(t));
        let palette = palette::for_theme(theme_now.get_untracked());
        let hidden_now = hidden.get_untracked();
        let tolerance = resolved.step_ms.max(1).saturating_mul(2);
        let mut values: Vec<(f64, String, String, String)> = Vec::new();
        let mut snapped = None;
        for (i, s) in hover_series.iter().enumerate().filter(|(i, _)| !hidden_now.contains(i)) {
            if let Some((ts, v)) = nearest(s, t, tolerance) {
                snapped.get_or_insert(ts);
                let name = hover_names.get(i).cloned().unwrap_or_default();
                values.push((v, css(series_color(&palette, i)), name, format_with_unit(v, unit.get_untracked())));
            }
        }
        values.sort_by(|a, b| b.0.total_cmp(&a.0));
        let at = snapped.unwrap_or(t);
        let time = match tz {
            TimeZoneChoice::Utc => format!("{} UTC", format_datetime_ms(at, &chrono::Utc)),
            TimeZoneChoice::Browser => format_datetime_ms(at, &chrono::Local),
        };
        let more = values.len().saturating_sub(HOVER_ROWS);
        let mut rows: Vec<(String, String, String)> = values.into_iter().take(HOVER_ROWS).map(|(_, c, n, v)| (c, n, v)).collect();
        if more > 0 {
            rows.push((String::new(), format!("… and {more} more series"), String::new()));
        }
        hover.set(Some(Hover { x_css: g.x_css_of(at), time, rows }));
    };

    let flag_series = series.clone();
    let summary = {
        let n = series.len();
        let points: usize = series.iter().map(|s| s.len()).sum();
        format!("Line chart of {n} series, {points} points. Use the legend to isolate a series; the table view is available with an instant query.")
    };

    view! {
        <div class="chart-wrap">
            <canvas
                class="chart"
                data-testid="chart"
                node_ref=canvas_ref
                role="img"
                aria-label=summary
                on:mousemove=on_move
                on:mousedown=move |ev: ev::MouseEvent| {
                    let x = f64::from(ev.offset_x());
                    let inside = geometry.get_untracked().and_then(|g| g.time_at(x)).is_some();
                    if ev.button() == 0 && inside {
                        ev.prevent_default();
                        drag.set(Some((x, x)));
                    }
                }
                on:mouseup=move |_| {
                    let Some((a, b)) = drag.get_untracked() else { return };
                    drag.set(None);
                    let Some(g) = geometry.get_untracked() else { return };
                    if let Some((from, to)) = zoom_selection(&g, a, b) {
                        state.update_view(|v| {
                            v.from = from.to_string();
                            v.to = to.to_string();
                        });
                    }
                }
                on:mouseleave=move |_| {
                    hover.set(None);
                    drag.set(None);
                    state.hover_time.set(None);
                }
            ></canvas>
            {move || drag.get().filter(|(a, b)| (a - b).abs() >= MIN_DRAG_CSS).map(|(a, b)| {
                view! { <div class="zoom-selection" style=format!("left:{:.1}px;width:{:.1}px", a.min(b), (a - b).abs())></div> }
            })}
            <button
                class="icon-button chart-download"
                title="Download the chart as PNG"
                aria-label="Download the chart as PNG"
                on:click=move |_| {
                    let url = canvas_ref.get_untracked().and_then(|c| c.to_data_url_with_type("image/png").ok());
                    if !url.is_some_and(|u| browser::download(&u, "sightline-chart.png")) {
                        draw_error.set(Some("The browser refused to export the chart as PNG.".into()));
                    }
                }
            >"PNG"</button>
            {move || hover.get().map(|h| {
                let rows = h.rows.into_iter().map(|(color, name, value)| view! {
                    <li>
                        <span class="swatch" style=format!("background:{color}")></span>
                        <span class="hover-name">{name}</span>
                        <span class="num">{value}</span>
                    </li>
                }).collect_view();
                view! {
                    <div class="crosshair" style=format!("left:{:.1}px", h.x_css)></div>
                    <div class="hover-readout" data-testid="hover-readout" role="status">
                        <div class="hover-time">{h.time}</div>
                        <ul>{rows}</ul>
                    </div>
                }
            })}
            // The crosshair of another chart's pointer (shared crosshair, as Grafana's Mod+O).
            {move || {
                let own = hover.with(|h| h.is_some());
                let g = geometry.get()?;
                let t = state.hover_time.get().filter(|t| !own && (g.start_ms..=g.end_ms).contains(t))?;
                Some(view! { <div class="crosshair shared" style=format!("left:{:.1}px", g.x_css_of(t))></div> })
            }}
            <ExemplarLayer geometry=geometry unit=unit tz=tz y_of=Arc::new(|g: &PlotGeometry, v: f64| g.y_css_of(v))/>
            {move || draw_error.get().map(|e| view! { <p class="panel-error" role="alert">{e}</p> })}
            <label class="inline chart-band" title="Rolling mean ± 2σ over the 60 points before each point (CloudWatch-style band), for up to 3 visible series">
                <input
                    type="checkbox"
                    data-testid="band-toggle"
                    prop:checked=move || band_on.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        panel_view.set_band.run(on);
                    }
                />
                " Anomaly band"
            </label>
        </div>
        <Show when=move || band_on.get()>
            <AnomalyFlags series=flag_series.clone() hidden=hidden unit=unit/>
        </Show>
        <Legend series=series.clone() hidden=hidden theme=theme_now unit=unit/>
    }
}

/// A drag shorter than this (CSS px) is a click, not a zoom.
const MIN_DRAG_CSS: f64 = 4.0;

/// The time range selected by dragging from `a` to `b` (CSS px), when the drag is long enough and
/// both ends lie on the plot.
fn zoom_selection(g: &PlotGeometry, a: f64, b: f64) -> Option<(i64, i64)> {
    if (a - b).abs() < MIN_DRAG_CSS {
        return None;
    }
    let clamp = |x: f64| x.clamp(f64::from(g.left_px) / g.dpr, f64::from(g.right_px) / g.dpr);
    let (t0, t1) = (g.time_at(clamp(a.min(b)))?, g.time_at(clamp(a.max(b)))?);
    (t0 < t1).then_some((t0, t1))
}

/// The sample of `s` nearest to `t_ms` within `tolerance_ms`, by binary search.
fn nearest(s: &Series, t_ms: i64, tolerance_ms: i64) -> Option<(i64, f64)> {
    let i = s.t_ms.partition_point(|&x| x < t_ms);
    let candidates = [i.checked_sub(1), Some(i)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|j| Some((*s.t_ms.get(j)?, *s.values.get(j)?)))
        .filter(|(ts, _)| (ts - t_ms).abs() <= tolerance_ms)
        .min_by_key(|(ts, _)| (ts - t_ms).abs())
}

/// Under the chart while the band is on: which visible series' recent p95 (last sixth of the
/// range) exceeds twice the p95 of the half before it (core `recent_vs_baseline`), and a note when
/// too many series are visible for bands.
#[component]
fn AnomalyFlags(series: Arc<Vec<Series>>, hidden: RwSignal<BTreeSet<usize>>, #[prop(into)] unit: Signal<Unit>) -> impl IntoView {
    let lines = move || {
        let hidden_now = hidden.get();
        let visible: Vec<&Series> = series.iter().enumerate().filter(|(i, _)| !hidden_now.contains(i)).map(|(_, s)| s).collect();
        let mut out: Vec<String> = Vec::new();
        if visible.len() > MAX_BANDS {
            out.push(format!("Bands are drawn for up to {MAX_BANDS} visible series; isolate series in the legend to see theirs."));
        }
        let unit = unit.get();
        for s in &visible {
            let n = s.values.len();
            let c = recent_vs_baseline(&s.values, n / 6, n / 2);
            if let (true, Some(r), Some(b), Some(ratio)) = (c.flagged, c.recent_p95, c.baseline_p95, c.ratio) {
                out.push(format!(
                    "⚑ {}: recent p95 {} is {:.1}× the baseline p95 {}",
                    s.labels.display_name(),
                    format_with_unit(r, unit),
                    ratio,
                    format_with_unit(b, unit)
                ));
            }
        }
        if out.iter().all(|l| !l.starts_with('⚑')) {
            out.push("No visible series has a recent p95 (last sixth of the range) above 2× its baseline p95 (the half before).".into());
        }
        out.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()
    };
    view! { <ul class="anomaly-flags" data-testid="anomaly-flags" role="status">{lines}</ul> }
}

/// Everything one drawing of the chart needs, owned, so that its lines can be drawn over several
/// tasks.
struct Drawing {
    lines: Vec<PreparedLine>,
    bands: Vec<PreparedBand>,
    resolved: Resolved,
    tz: TimeZoneChoice,
    theme: Theme,
    dpr: f64,
    width_px: u32,
    style: ChartStyle,
    unit: Unit,
}

impl Drawing {
    fn with_spec<R>(&self, f: impl FnOnce(&ChartSpec<'_>) -> R) -> R {
        let palette = palette::for_theme(self.theme);
        f(&ChartSpec {
            lines: &self.lines,
            bands: &self.bands,
            start_ms: self.resolved.start_ms,
            end_ms: self.resolved.end_ms,
            step_ms: self.resolved.step_ms,
            tz: self.tz,
            palette: &palette,
            dpr: self.dpr,
            width_css: f64::from(self.width_px) / self.dpr,
            style: self.style,
            unit: self.unit,
        })
    }
}

/// Why the chart could not be drawn.
enum DrawFailure {
    NoContext,
    Backend(String),
}

impl std::fmt::Display for DrawFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DrawFailure::NoContext => write!(f, "The browser gave no 2D drawing context for the chart."),
            DrawFailure::Backend(e) => write!(f, "The chart could not be drawn: {e}"),
        }
    }
}

/// Reduces (M4) the next visible series into `lines` for one slice; true when all are reduced.
fn reduce_some(series: &[Series], visible: &[usize], lines: &mut Vec<PreparedLine>, window: (i64, i64, i64), width_px: u32) -> bool {
    let mut more = slices::budget();
    while let Some(&i) = visible.get(lines.len()) {
        let Some(s) = series.get(i) else { break };
        lines.push(prepare_one(s, i, window, width_px));
        if !more() {
            break;
        }
    }
    lines.len() >= visible.len()
}

/// Draws the frame and as many lines as fit in one slice now, the rest in later tasks.
fn start_drawing(
    canvas: web_sys::HtmlCanvasElement,
    drawing: Rc<Drawing>,
    generation: (StoredValue<u64>, u64),
    geometry: RwSignal<Option<PlotGeometry>>,
    draw_error: RwSignal<Option<String>>,
) {
    let first = drawing.with_spec(|spec| {
        let area = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(DrawFailure::NoContext)?.into_drawing_area();
        let g = draw_frame(&area, spec).map_err(DrawFailure::Backend)?;
        let next = draw_lines(&area, spec, 0, slices::ink_budget()).map_err(DrawFailure::Backend)?;
        Ok::<_, DrawFailure>((g, next))
    });
    match first {
        Ok((g, next)) => {
            geometry.set(Some(g));
            draw_error.set(None);
            if next < drawing.lines.len() {
                spawn_local(finish_lines(canvas, drawing, next, generation, draw_error));
            } else {
                mark_drawn(&canvas);
            }
        }
        Err(e) => draw_error.set(Some(e.to_string())),
    }
}

/// Draws the lines from `next` on, one slice per task, until all are drawn or a newer drawing
/// (another generation) has started.
async fn finish_lines(
    canvas: web_sys::HtmlCanvasElement,
    drawing: Rc<Drawing>,
    mut next: usize,
    (generation, mine): (StoredValue<u64>, u64),
    draw_error: RwSignal<Option<String>>,
) {
    while next < drawing.lines.len() {
        slices::yield_now().await;
        if generation.try_get_value() != Some(mine) {
            return;
        }
        let step = drawing.with_spec(|spec| {
            let area = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(DrawFailure::NoContext)?.into_drawing_area();
            draw_lines(&area, spec, next, slices::ink_budget()).map_err(DrawFailure::Backend)
        });
        match step {
            Ok(n) => next = n,
            Err(e) => {
                draw_error.set(Some(e.to_string()));
                return;
            }
        }
    }
    mark_drawn(&canvas);
}

/// Records on the canvas when its last line was drawn (`data-drawn-ms`, the page's
/// `performance.now()`), so tests can time a load up to the drawn chart.
fn mark_drawn(canvas: &web_sys::HtmlCanvasElement) {
    let now = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    let _ = canvas.set_attribute("data-drawn-ms", &format!("{now:.1}"));
}
