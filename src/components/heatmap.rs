//! The latency heatmap panel display for range results made of cumulative histogram buckets
//! (`le` series): the core's de-cumulated [`heatmap`] drawn on a canvas (see
//! [`crate::charts::heatmap`] for the colour scale and axes), a group picker when the buckets
//! come in several label sets (summed by default), a hover readout (time, bucket `(a, b]`,
//! value) with the hovered cell outlined, a caption stating the colour scale, and a text summary
//! for screen readers.
//!
//! Units: bucket bounds take the view's unit, else the one the metric name implies
//! (`…_seconds_bucket` → seconds); cell values are counts of observations, per second when the
//! query takes a `rate` (`req/s` for request metrics, `ops/s` otherwise).

use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use sightline_core::format::format_datetime_ms;
use sightline_core::formats::prometheus::ResultData;
use sightline_core::promql_info::query_info;
use sightline_core::series::{Labels, Series};
use sightline_core::stats::heatmap::{bucket_groups, heatmap, GroupChoice, Heatmap, HeatmapError};
use sightline_core::units::{format_with_unit, guess_from_metric_name, Unit};
use sightline_core::viewstate::TimeZoneChoice;
use std::sync::Arc;
use wasm_bindgen::JsCast;

use super::exemplars::ExemplarLayer;
use super::panel::PanelData;
use super::panel_view::use_panel_view;
use crate::charts::canvas::{fit_to_css_size, observe_resize, PlotGeometry};
use crate::charts::heatmap::{band_css, bucket_at, bucket_of_value, bucket_range_label, draw, ColorScale, HeatmapSpec};
use crate::charts::palette;
use crate::charts::short::format_short;
use crate::state::{browser, theme, use_app_state};

/// The units of the bucket bounds and of the cell values that `query` implies.
pub fn guessed_units(query: &str) -> (Unit, Unit) {
    let info = query_info(query);
    let Some(metric) = info.metric else { return (Unit::None, Unit::None) };
    let bound = guess_from_metric_name(&metric, false);
    let base = metric.strip_suffix("_bucket").unwrap_or(&metric);
    let value = if info.per_second { guess_from_metric_name(&format!("{base}_count"), true) } else { Unit::None };
    (bound, value)
}

/// What the hover readout shows.
#[derive(Clone, PartialEq)]
struct Hover {
    time: String,
    range: String,
    value: String,
    /// Outline of the hovered cell in CSS px: left, top, width, height.
    outline: (f64, f64, f64, f64),
    /// Readout position: CSS px from the left, or from the right when the pointer is on the right.
    anchor: (f64, f64, bool),
}

/// The heatmap, its caption and hover readout for a matrix result of bucket series.
#[component]
pub fn HeatmapChart(
    /// The decoded result (a matrix of `le` series; anything else shows a message).
    data: Arc<PanelData>,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<Canvas>::new();
    let geometry = RwSignal::new(None::<PlotGeometry>);
    let draw_error = RwSignal::new(None::<String>);
    let hover = RwSignal::new(None::<Hover>);
    let resize_tick = RwSignal::new(0u32);
    let theme_now = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    let panel_view = use_panel_view().view;
    let units = Memo::new(move |_| {
        panel_view.with(|v| {
            let (bound, value) = guessed_units(&v.query);
            (v.unit.unwrap_or(bound), value)
        })
    });
    let series: Arc<Vec<Series>> = Arc::new(match &data.response.data {
        ResultData::Matrix(s) => s.clone(),
        _ => Vec::new(),
    });
    let groups: Arc<Vec<Labels>> = Arc::new(bucket_groups(&series));
    let choice = RwSignal::new(GroupChoice::Sum);
    let built_from = series.clone();
    let built = Memo::new(move |_| choice.with(|c| heatmap(&built_from, c).map(Arc::new)));
    let resolved = data.resolved;
    let tz = data.tz;

    observe_resize(canvas_ref, resize_tick);

    Effect::new(move |_| {
        resize_tick.track();
        let theme = theme_now.get();
        let (bound_unit, value_unit) = units.get();
        let Some(canvas) = canvas_ref.get() else { return };
        let Ok(h) = built.get() else {
            geometry.set(None);
            return;
        };
        let dpr = browser::device_pixel_ratio();
        let (width, height) = fit_to_css_size(&canvas, dpr);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            draw_error.set(Some("The browser gave no 2D drawing context for the heatmap.".into()));
            return;
        };
        let palette = palette::for_theme(theme);
        let spec = HeatmapSpec {
            heatmap: &h,
            start_ms: resolved.start_ms,
            end_ms: resolved.end_ms,
            step_ms: resolved.step_ms,
            tz,
            palette: &palette,
            theme,
            dpr,
            bound_unit,
            value_unit,
        };
        match draw(&ctx, width, height, &spec) {
            Ok(g) => {
                geometry.set(Some(g));
                draw_error.set(None);
            }
            Err(e) => draw_error.set(Some(format!("The heatmap could not be drawn: {e}"))),
        }
    });

    let on_move = move |ev: ev::MouseEvent| {
        let (Some(g), Ok(h)) = (geometry.get_untracked(), built.get_untracked()) else { return };
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let (Some(t), Some(b)) = (g.time_at(x), bucket_at(&g, h.buckets(), y)) else {
            hover.set(None);
            state.hover_time.set(None);
            return;
        };
        let Some(step) = h.nearest_step(t) else { return };
        let Some(&at) = h.t_ms.get(step) else { return };
        state.hover_time.set(Some(at));
        let (bound_unit, value_unit) = units.get_untracked();
        let value = match h.cell(step, b) {
            Some(v) if v.is_finite() => format_with_unit(v, value_unit),
            _ => "no data".to_string(),
        };
        let time = match tz {
            TimeZoneChoice::Utc => format!("{} UTC", format_datetime_ms(at, &chrono::Utc)),
            TimeZoneChoice::Browser => format_datetime_ms(at, &chrono::Local),
        };
        let half = resolved.step_ms.max(1) / 2;
        let (l, r) = (f64::from(g.left_px) / g.dpr, f64::from(g.right_px) / g.dpr);
        let x0 = g.x_css_of(at - half).clamp(l, r);
        let x1 = g.x_css_of(at + half).clamp(l, r).max(x0 + 1.0);
        let (top, bottom) = band_css(&g, h.buckets(), b);
        let width_css = canvas_ref.get_untracked().map_or(0.0, |c| f64::from(c.client_width()));
        let on_right = x > width_css / 2.0;
        let anchor = if on_right { (width_css - x + 14.0, y + 10.0, true) } else { (x + 14.0, y + 10.0, false) };
        hover.set(Some(Hover {
            time,
            range: bucket_range_label(&h, b, bound_unit),
            value,
            outline: (x0, top, x1 - x0, bottom - top),
            anchor,
        }));
    };

    let caption = move || {
        let Ok(h) = built.get() else { return String::new() };
        let (_, value_unit) = units.get();
        let mut text = caption_text(&h, &ColorScale::for_heatmap(&h, theme_now.get()), value_unit);
        let info = panel_view.with(|v| query_info(&v.query));
        if !info.per_second && info.metric.is_some_and(|m| m.ends_with("_bucket")) {
            text.push_str(" · these are counter totals since each process started: wrap the selector in rate(…[5m]) to see observations per second");
        }
        text
    };
    let summary = move || match built.get() {
        Ok(h) => {
            let (bound_unit, value_unit) = units.get();
            summary_text(&h, bound_unit, value_unit, tz)
        }
        Err(e) => e.to_string(),
    };
    let group_names: Vec<(usize, String)> = groups.iter().map(|g| g.display_name()).enumerate().collect();
    let picker_groups = groups.clone();
    let picker = (groups.len() > 1).then(move || {
        let n = group_names.len();
        let options = group_names
            .into_iter()
            .map(|(i, name)| view! { <option value=i.to_string()>{name}</option> })
            .collect_view();
        view! {
            <label class="inline heatmap-group">
                "Buckets of "
                <select
                    data-testid="heatmap-group"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let picked = v.parse::<usize>().ok().and_then(|i| picker_groups.get(i).cloned());
                        choice.set(picked.map_or(GroupChoice::Sum, GroupChoice::One));
                    }
                >
                    <option value="sum">{format!("all {n} series groups, summed")}</option>
                    {options}
                </select>
            </label>
        }
    });

    view! {
        <div class="chart-wrap heatmap-wrap">
            {picker}
            <canvas
                class="chart heatmap"
                data-testid="heatmap"
                node_ref=canvas_ref
                role="img"
                aria-label=summary
                on:mousemove=on_move
                on:mouseleave=move |_| {
                    hover.set(None);
                    state.hover_time.set(None);
                }
            ></canvas>
            {move || hover.get().map(|h| {
                let (l, t, w, ht) = h.outline;
                let (ax, ay, right) = h.anchor;
                let pos = if right { format!("right:{ax:.1}px;top:{ay:.1}px") } else { format!("left:{ax:.1}px;top:{ay:.1}px") };
                view! {
                    <div class="heatmap-outline" style=format!("left:{l:.1}px;top:{t:.1}px;width:{w:.1}px;height:{ht:.1}px")></div>
                    <div class="hover-readout heatmap-readout" data-testid="heatmap-readout" role="status" style=pos>
                        <div class="hover-time">{h.time}</div>
                        <div>"Bucket " <span class="num">{h.range}</span></div>
                        <div>"Value " <strong class="num">{h.value}</strong></div>
                    </div>
                }
            })}
            <ExemplarLayer
                geometry=geometry
                unit=Signal::derive(move || units.get().0)
                tz=tz
                y_of=Arc::new(move |g: &PlotGeometry, v: f64| {
                    let h = built.get_untracked().ok()?;
                    let b = bucket_of_value(&h, v)?;
                    let (top, bottom) = band_css(g, h.buckets(), b);
                    Some((top + bottom) / 2.0)
                })
            />
            {move || draw_error.get().map(|e| view! { <p class="panel-error" role="alert">{e}</p> })}
            {move || built.get().err().map(|e| view! { <p class="panel-message" role="alert">{message(&e)}</p> })}
            <p class="heatmap-caption" data-testid="heatmap-caption">{caption}</p>
            <p class="sr-only" data-testid="heatmap-summary">{summary}</p>
        </div>
    }
}

/// The user-facing text of a heatmap error.
fn message(e: &HeatmapError) -> String {
    match e {
        HeatmapError::NoBuckets => {
            "The heatmap needs histogram bucket series (series with an `le` label). Try sum by (le) (rate(x_bucket[5m])).".into()
        }
        other => format!("The heatmap could not be built: {other}."),
    }
}

/// The caption under the heatmap: the colour scale and what was clamped or skipped.
pub fn caption_text(h: &Heatmap, scale: &ColorScale, value_unit: Unit) -> String {
    let mut parts = vec![format!("{} buckets × {} steps", h.buckets(), h.steps())];
    if scale.hi > 0.0 {
        parts.push(format!(
            "colour: viridis, logarithmic, {} to {} per cell (more = more contrast)",
            format_short(scale.lo, value_unit),
            format_short(scale.hi, value_unit)
        ));
    } else {
        parts.push("no observations in this range".into());
    }
    parts.push("blank = 0 or no data".into());
    if h.clamped > 0 {
        parts.push(format!("{} negative bucket differences (scrape skew) shown as 0", h.clamped));
    }
    if h.skipped > 0 {
        parts.push(format!("{} series without a numeric le label ignored", h.skipped));
    }
    parts.join(" · ")
}

/// A text equivalent of the heatmap for screen readers: where most observations fell and the
/// largest cell.
pub fn summary_text(h: &Heatmap, bound_unit: Unit, value_unit: Unit, tz: TimeZoneChoice) -> String {
    let mut text = format!("Latency heatmap of {} histogram buckets over {} time steps.", h.buckets(), h.steps());
    let totals = h.bucket_totals();
    let all: f64 = totals.iter().sum();
    if let Some((b, top)) = totals.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).filter(|(_, v)| **v > 0.0 && all > 0.0) {
        text.push_str(&format!(
            " Most observations fell in {} ({:.0}% of all).",
            bucket_range_label(h, b, bound_unit),
            top / all * 100.0
        ));
    }
    let nb = h.buckets().max(1);
    let busiest = h.cells.iter().enumerate().filter(|(_, c)| c.is_finite()).max_by(|a, b| a.1.total_cmp(b.1));
    if let Some((i, v)) = busiest.filter(|(_, v)| **v > 0.0) {
        let (step, b) = (i / nb, i % nb);
        let when = h.t_ms.get(step).map(|t| match tz {
            TimeZoneChoice::Utc => format!("{} UTC", format_datetime_ms(*t, &chrono::Utc)),
            TimeZoneChoice::Browser => format_datetime_ms(*t, &chrono::Local),
        });
        text.push_str(&format!(
            " Largest cell: {} in {} at {}.",
            format_with_unit(*v, value_unit),
            bucket_range_label(h, b, bound_unit),
            when.unwrap_or_default()
        ));
    } else {
        text.push_str(" No observations in this range.");
    }
    text
}
