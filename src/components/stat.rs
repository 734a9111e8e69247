//! The stat display for range results (Grafana's Stat panel): one tile per series with its last
//! finite value in large type (unit-formatted), the series name, min and max over the range, and
//! a sparkline. Tiles show three significant digits ([`format_short`]); the exact last value and
//! its time are in the tooltip. Values come from the core's [`summarize`] (last/min/max of the finite values; NaN
//! and ±Inf are skipped and counted). The sparkline is the series M4-reduced by the core
//! ([`m4`]) to the tile's width, drawn as an inline SVG path whose `d` attribute is built as a
//! string — data only ever reaches the page as attribute values and text, never as HTML.
//!
//! Tiles keep the result's order (sorted by labels) and colours (the chart palette).

use leptos::prelude::*;
use sightline_core::downsample::m4;
use sightline_core::format::format_datetime_ms;
use sightline_core::formats::prometheus::ResultData;
use sightline_core::promql_info::guess_unit;
use sightline_core::stats::summary::summarize;
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::TimeZoneChoice;
use std::sync::Arc;

use super::panel::PanelData;
use crate::charts::palette::{self, css, series_color};
use crate::charts::short::format_short;
use super::panel_view::use_panel_view;
use crate::state::{theme, use_app_state};

/// Width of the sparkline's coordinate space (one M4 column per unit).
const SPARK_W: u32 = 120;
/// Height of the sparkline's coordinate space.
const SPARK_H: f64 = 32.0;
/// Most tiles shown; the rest are counted.
pub const MAX_TILES: usize = 120;

/// The SVG path data of a sparkline for the samples `(t_ms, values)` over `[start_ms, end_ms]`:
/// `(line, area)`, both in a `SPARK_W × SPARK_H` box, y growing downwards, scaled to the finite
/// min–max of the reduced points (a flat series sits in the middle). Non-finite values and gaps
/// longer than `max_gap_ms` break the line. Empty strings when nothing can be drawn.
pub fn sparkline_paths(t_ms: &[i64], values: &[f64], start_ms: i64, end_ms: i64, max_gap_ms: Option<i64>) -> (String, String) {
    let line = m4(t_ms, values, start_ms, end_ms, SPARK_W, max_gap_ms);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in line.values.iter().filter(|v| v.is_finite()) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() || end_ms <= start_ms {
        return (String::new(), String::new());
    }
    let span_t = (end_ms - start_ms) as f64;
    let x = |t: i64| ((t - start_ms) as f64 / span_t * f64::from(SPARK_W)).clamp(0.0, f64::from(SPARK_W));
    // 2 units of padding top and bottom so the stroke is not cut.
    let y = |v: f64| if hi > lo { 2.0 + (hi - v) / (hi - lo) * (SPARK_H - 4.0) } else { SPARK_H / 2.0 };
    let (mut d_line, mut d_area) = (String::new(), String::new());
    for (ts, vs) in line.runs() {
        let points: Vec<(f64, f64)> = ts.iter().zip(vs).map(|(t, v)| (x(*t), y(*v))).collect();
        let (Some(first), Some(last)) = (points.first(), points.last()) else { continue };
        for (i, (px, py)) in points.iter().enumerate() {
            d_line.push_str(&format!("{}{px:.2} {py:.2}", if i == 0 { "M" } else { "L" }));
        }
        if points.len() == 1 {
            // A lone point: a short horizontal tick so it shows.
            d_line.push_str("h1");
        }
        d_area.push_str(&format!("M{:.2} {SPARK_H}", first.0));
        for (px, py) in &points {
            d_area.push_str(&format!("L{px:.2} {py:.2}"));
        }
        d_area.push_str(&format!("L{:.2} {SPARK_H}Z", last.0));
    }
    (d_line, d_area)
}

/// One tile, formatted.
#[derive(Clone, Debug, PartialEq)]
pub struct Tile {
    pub name: String,
    /// The last finite value, three significant digits; `No data` when there is none.
    pub value: String,
    /// "min … · max …", or empty.
    pub range: String,
    /// The exact last value and when it was sampled (tooltip).
    pub at: String,
    pub line: String,
    pub area: String,
    pub color: String,
}

/// The tiles of `series` (at most [`MAX_TILES`]).
fn tiles(data: &PanelData, unit: Unit, colors: impl Fn(usize) -> String) -> Vec<Tile> {
    let ResultData::Matrix(series) = &data.response.data else { return Vec::new() };
    let r = data.resolved;
    let max_gap = (r.step_ms > 0).then(|| r.step_ms.saturating_mul(2));
    series
        .iter()
        .take(MAX_TILES)
        .enumerate()
        .map(|(i, s)| {
            let sum = summarize(&s.t_ms, &s.values);
            let (value, at) = match sum.last {
                Some((t, v)) => (
                    format_short(v, unit),
                    match data.tz {
                        TimeZoneChoice::Utc => format!("{} at {} UTC", format_with_unit(v, unit), format_datetime_ms(t, &chrono::Utc)),
                        TimeZoneChoice::Browser => format!("{} at {}", format_with_unit(v, unit), format_datetime_ms(t, &chrono::Local)),
                    },
                ),
                None => ("No data".to_string(), "no finite value in this range".to_string()),
            };
            let range = match (sum.min, sum.max) {
                (Some(lo), Some(hi)) => format!("min {} · max {}", format_short(lo, unit), format_short(hi, unit)),
                _ => String::new(),
            };
            let (line, area) = sparkline_paths(&s.t_ms, &s.values, r.start_ms, r.end_ms, max_gap);
            Tile { name: s.labels.display_name(), value, range, at, line, area, color: colors(i) }
        })
        .collect()
}

/// The stat tiles of a matrix result.
#[component]
pub fn StatTiles(
    /// The decoded result (a matrix; anything else shows no tile).
    data: Arc<PanelData>,
) -> impl IntoView {
    let state = use_app_state();
    let theme_now = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    let panel_view = use_panel_view().view;
    let unit = Memo::new(move |_| panel_view.with(|v| v.unit.unwrap_or_else(|| guess_unit(&v.query))));
    let total = match &data.response.data {
        ResultData::Matrix(s) => s.len(),
        _ => 0,
    };
    let more = total.saturating_sub(MAX_TILES);
    let body = move || {
        let pal = palette::for_theme(theme_now.get());
        tiles(&data, unit.get(), |i| css(series_color(&pal, i)))
            .into_iter()
            .map(|t| {
                let title = t.name.clone();
                let label = format!("{}: last {}, {}", t.name, t.at, t.range);
                view! {
                    <div class="stat-tile" data-testid="stat-tile" role="group" aria-label=label>
                        <div class="stat-name" title=title>{t.name}</div>
                        <div class="stat-value num" title=t.at>{t.value}</div>
                        <svg class="stat-spark" viewBox=format!("0 0 {SPARK_W} {SPARK_H}") preserveAspectRatio="none" aria-hidden="true">
                            <path d=t.area fill=t.color.clone() fill-opacity="0.18" stroke="none"></path>
                            <path d=t.line fill="none" stroke=t.color stroke-width="1.5" vector-effect="non-scaling-stroke" stroke-linejoin="round"></path>
                        </svg>
                        <div class="stat-range num">{t.range}</div>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div class="stat-grid" data-testid="stat-grid">{body}</div>
        {(more > 0).then(|| view! { <p class="hint">{format!("… and {more} more series; narrow the query to see them as tiles.")}</p> })}
    }
}
