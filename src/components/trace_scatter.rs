//! Search results as a scatter plot (plotters on a HiDPI canvas): one point per trace at its start
//! time (x) and duration (y, log-free linear axis from 0), red when the trace has errors. A click
//! opens the nearest trace within 10 CSS pixels; the canvas' title explains the axes.

use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use sightline_core::trace_rows::TraceSummaryRow;
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::TimeZoneChoice;
use std::sync::Arc;

use crate::charts::canvas::{fit_to_css_size, observe_resize};
use crate::charts::time_axis;
use crate::charts::palette;
use crate::state::{browser, theme, use_app_state};

/// Draws the scatter; returns each row's point in CSS pixels.
fn draw_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    rows: &[TraceSummaryRow],
    p: &palette::Palette,
    (dpr, tz): (f64, TimeZoneChoice),
) -> Result<Vec<(f64, f64)>, String> {
    let px = |v: f64| (v * dpr).round() as u32;
    root.fill(&p.background).map_err(|e| e.to_string())?;
    // x: start times in ms, padded by 3 % each side, on the charts' wall-clock axis.
    let ms = |ns: u64| i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX);
    let t0 = rows.iter().map(|r| ms(r.start_ns)).min().unwrap_or(0);
    let t1 = rows.iter().map(|r| ms(r.start_ns)).max().unwrap_or(0).max(t0.saturating_add(1));
    let pad = ((t1 - t0) / 33).max(1);
    let (x0, x1) = (t0.saturating_sub(pad), t1.saturating_add(pad));
    let width_css = f64::from(root.dim_in_pixel().0) / dpr;
    // No tick in the outer 3 % (the padding), where a centred label would be cut at the edge.
    let ticks: Vec<i64> = time_axis::ticks(x0, x1, width_css, tz).into_iter().filter(|t| (t0..=t1).contains(t)).collect();
    let y_max = rows.iter().map(|r| r.duration_ns).max().unwrap_or(1).max(1) as f64 * 1.1;
    let font = ("sans-serif", 12.0 * dpr).into_font().color(&p.text);
    let mut chart = ChartBuilder::on(root)
        .margin(px(8.0))
        .x_label_area_size(px(24.0))
        .y_label_area_size(px(70.0))
        .build_cartesian_2d((x0..x1).with_key_points(ticks), 0.0..y_max)
        .map_err(|e| e.to_string())?;
    let x_fmt = |t: &i64| time_axis::label(*t, x1 - x0, tz);
    let y_fmt = |ns: &f64| format_with_unit(*ns, Unit::Nanoseconds);
    chart
        .configure_mesh()
        .x_labels(12)
        .y_labels(5)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font)
        .light_line_style(p.grid.mix(0.5))
        .bold_line_style(p.grid)
        .axis_style(p.axis)
        .draw()
        .map_err(|e| e.to_string())?;
    let ok = palette::series_color(p, 0);
    let bad = RGBColor(214, 39, 40);
    let points: Vec<(i64, f64, bool)> = rows
        .iter()
        .map(|r| (ms(r.start_ns), r.duration_ns as f64, r.errors.unwrap_or(0) > 0))
        .collect();
    chart
        .draw_series(
            points.iter().map(|&(x, y, err)| {
                Circle::new((x, y), px(4.0), if err { bad.filled() } else { ok.mix(0.8).filled() })
            }),
        )
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(points
        .iter()
        .map(|&(x, y, _)| {
            let (bx, by) = chart.backend_coord(&(x, y));
            (f64::from(bx) / dpr, f64::from(by) / dpr)
        })
        .collect())
}

/// The scatter plot.
#[component]
pub fn TraceScatter(
    /// The traces plotted.
    rows: Arc<Vec<TraceSummaryRow>>,
    /// Called with a trace id when a point is clicked.
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<Canvas>::new();
    let resize_tick = RwSignal::new(0u32);
    let points = StoredValue::new(Vec::<(f64, f64)>::new());
    let draw_error = RwSignal::new(None::<String>);
    observe_resize(canvas_ref, resize_tick);
    let draw_rows = rows.clone();
    Effect::new(move |_| {
        resize_tick.track();
        let (th, tz) = state.view.with(|v| (theme::effective(v.theme), v.tz));
        let Some(canvas) = canvas_ref.get() else { return };
        let dpr = browser::device_pixel_ratio();
        fit_to_css_size(&canvas, dpr);
        let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
            draw_error.set(Some("The browser gave no 2D drawing context for the scatter plot.".into()));
            return;
        };
        match draw_scatter(&backend.into_drawing_area(), &draw_rows, &palette::for_theme(th), (dpr, tz)) {
            Ok(p) => {
                points.set_value(p);
                draw_error.set(None);
            }
            Err(e) => draw_error.set(Some(format!("The scatter plot could not be drawn: {e}"))),
        }
    });
    let click = move |ev: ev::MouseEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let nearest = points.with_value(|pts| {
            pts.iter()
                .enumerate()
                .map(|(i, (px, py))| (i, (px - x).hypot(py - y)))
                .filter(|(_, d)| *d <= 10.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i)
        });
        if let Some(row) = nearest.and_then(|i| rows.get(i)) {
            on_open(row.trace_id.clone());
        }
    };
    view! {
        <canvas
            class="trace-scatter"
            data-testid="trace-scatter"
            node_ref=canvas_ref
            on:click=click
            title="One point per trace: x = start time, y = trace duration (latest span end minus earliest span start). Red: the trace has error spans. Click a point to open the trace."
        ></canvas>
        {move || draw_error.get().map(|e| view! { <p class="panel-error">{e}</p> })}
    }
}
