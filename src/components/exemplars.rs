//! Exemplars drawn over a chart: one small marker per exemplar at (its time, its value), a hover
//! readout with value, time, series, labels and trace id, and a click that opens the trace on the
//! Traces page (`?page=traces&trace=<id>`, the rest of the view kept). Under the chart a status
//! line says how many were found, or why there are none (a notice, not an error).
//!
//! Definitions: x is the exemplar's timestamp on the chart's time axis; y is its value on the
//! chart's value axis (time series) or the bucket band containing it (heatmap). A value above the
//! axis is pinned to the top edge (below: bottom) and drawn hollow; the readout gives the real
//! value. At most [`MAX_MARKERS`] markers are drawn (evenly thinned beyond, and the status says so).
//!
//! The panel provides the exemplars through [`ExemplarContext`]; charts outside a query panel get
//! none.

use leptos::prelude::*;
use sightline_core::export::exact_value;
use sightline_core::format::format_datetime_ms;
use sightline_core::formats::prometheus::Exemplar;
use sightline_core::trace_link::{trace_link_query, trace_param};
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::{TimeZoneChoice, ViewState};
use std::sync::Arc;
use std::time::Duration;

use crate::charts::canvas::PlotGeometry;
use crate::sources::exemplars::ExemplarOutcome;
use crate::state::{browser, use_app_state, AppState};

/// The panel's exemplars (`None` while loading or when not asked for).
#[derive(Clone, Copy)]
pub struct ExemplarContext(pub RwSignal<Option<ExemplarOutcome>>);

/// Largest number of markers drawn.
pub const MAX_MARKERS: usize = 1000;

/// Maps a value to a CSS y offset on a drawn chart; `None` when off the axis.
pub type YOf = Arc<dyn Fn(&PlotGeometry, f64) -> Option<f64> + Send + Sync>;

/// One placed marker.
#[derive(Clone, PartialEq)]
struct Marker {
    x: f64,
    y: f64,
    off_axis: bool,
    exemplar: Exemplar,
}

/// Opens `trace_id` on the Traces page, keeping the rest of the view.
pub fn open_trace(state: AppState, trace_id: &str) {
    let query = state.view.with_untracked(|v| trace_link_query(v, trace_id));
    let next = ViewState::from_query(&query);
    let view_keeps_trace = trace_param(&next.to_query()).is_some();
    state.view.set(next);
    if !view_keeps_trace {
        // The view state does not carry `trace` (yet): after the URL sync has written the view,
        // put the full link back in place of that history entry.
        set_timeout(move || browser::set_location_query(&query, false), Duration::ZERO);
    }
}

/// Where the readout goes: right of the marker on the left half of the plot, left of it on the
/// right half (so it never runs off the chart).
fn readout_position(x: f64, y: f64, g: Option<PlotGeometry>) -> String {
    let middle = g.map_or(f64::INFINITY, |g| f64::from(g.left_px + g.right_px) / 2.0 / g.dpr);
    if x > middle {
        format!("right:calc(100% - {:.1}px);left:auto;top:{:.1}px", x - 10.0, y + 10.0)
    } else {
        format!("left:{:.1}px;top:{:.1}px", x + 10.0, y + 10.0)
    }
}

/// The markers and readout over a chart whose geometry is `geometry`.
#[component]
pub fn ExemplarLayer(
    geometry: RwSignal<Option<PlotGeometry>>,
    #[prop(into)] unit: Signal<Unit>,
    tz: TimeZoneChoice,
    y_of: YOf,
) -> impl IntoView {
    let state = use_app_state();
    let Some(ExemplarContext(outcome)) = use_context::<ExemplarContext>() else {
        return ().into_any();
    };
    let hovered = RwSignal::new(None::<Marker>);
    let markers = Memo::new(move |_| {
        let Some(g) = geometry.get() else { return (Vec::new(), 0usize) };
        let Some(ExemplarOutcome::Loaded { exemplars, .. }) = outcome.get() else { return (Vec::new(), 0) };
        let in_range: Vec<&Exemplar> = exemplars.iter().filter(|e| (g.start_ms..=g.end_ms).contains(&e.t_ms)).collect();
        let every = in_range.len().div_ceil(MAX_MARKERS).max(1);
        let (top, bottom) = (f64::from(g.top_px) / g.dpr, f64::from(g.bottom_px) / g.dpr);
        let placed = in_range
            .iter()
            .step_by(every)
            .map(|e| {
                let (y, off_axis) = match y_of(&g, e.value) {
                    Some(y) => (y, false),
                    None if e.value < g.y_lo => (bottom, true),
                    None => (top, true),
                };
                Marker { x: g.x_css_of(e.t_ms), y, off_axis, exemplar: (*e).clone() }
            })
            .collect::<Vec<_>>();
        (placed, in_range.len())
    });
    let describe = move |e: &Exemplar| {
        let time = match tz {
            TimeZoneChoice::Utc => format!("{} UTC", format_datetime_ms(e.t_ms, &chrono::Utc)),
            TimeZoneChoice::Browser => format_datetime_ms(e.t_ms, &chrono::Local),
        };
        (format_with_unit(e.value, unit.get_untracked()), time)
    };
    let status = move || match outcome.get() {
        None => "Exemplars: loading…".to_string(),
        Some(ExemplarOutcome::Unavailable(why)) => why,
        Some(ExemplarOutcome::Loaded { exemplars, warnings }) => {
            let (drawn, in_range) = markers.with(|(m, n)| (m.len(), *n));
            let mut text = if exemplars.is_empty() {
                "No exemplars for this query in this range.".to_string()
            } else {
                format!(
                    "{in_range} exemplars (◆ at their time and value; hollow = outside the value axis, pinned to its edge). \
                     Hover for labels and trace id; click to open the trace."
                )
            };
            if drawn < in_range {
                text.push_str(&format!(" {drawn} of them drawn (evenly thinned)."));
            }
            for w in warnings {
                text.push_str(&format!(" {w}."));
            }
            text
        }
    };
    view! {
        <div
            class="exemplar-layer"
            data-testid="exemplar-layer"
            data-start-ms=move || geometry.get().map(|g| g.start_ms.to_string())
            data-end-ms=move || geometry.get().map(|g| g.end_ms.to_string())
        >
            <For
                each=move || markers.get().0.into_iter().enumerate()
                key=|(i, m)| (*i, m.exemplar.t_ms, m.exemplar.trace_id.clone())
                let:item
            >
                {
                    let (_, m) = item;
                    let trace = m.exemplar.trace_id.clone();
                    let (value, time) = describe(&m.exemplar);
                    let label = format!(
                        "Exemplar {value} at {time}{}",
                        trace.as_ref().map(|t| format!(", trace {t}")).unwrap_or_default()
                    );
                    let hover_m = m.clone();
                    view! {
                        <button
                            class="exemplar-marker"
                            class:off-axis=m.off_axis
                            data-testid="exemplar"
                            data-trace-id=trace.clone().unwrap_or_default()
                            data-value=exact_value(m.exemplar.value)
                            data-t-ms=m.exemplar.t_ms.to_string()
                            style=format!("left:{:.1}px;top:{:.1}px", m.x, m.y)
                            aria-label=label
                            disabled=trace.is_none()
                            on:mouseenter=move |_| hovered.set(Some(hover_m.clone()))
                            on:mouseleave=move |_| hovered.set(None)
                            on:focus={
                                let m = m.clone();
                                move |_| hovered.set(Some(m.clone()))
                            }
                            on:blur=move |_| hovered.set(None)
                            on:click=move |ev| {
                                ev.stop_propagation();
                                if let Some(t) = &trace {
                                    open_trace(state, t);
                                }
                            }
                        ></button>
                    }
                }
            </For>
            {move || hovered.get().map(|m| {
                let (value, time) = describe(&m.exemplar);
                let labels = m.exemplar.labels.0.iter().map(|(k, v)| view! { <li>{format!("{k}={v}")}</li> }).collect_view();
                view! {
                    <div class="hover-readout exemplar-readout" data-testid="exemplar-readout" role="status"
                        style=readout_position(m.x, m.y, geometry.get_untracked())>
                        <div class="hover-time">{time}</div>
                        <div>"Exemplar value " <strong class="num">{value}</strong></div>
                        <div class="hover-name">{m.exemplar.series_labels.display_name()}</div>
                        <ul>{labels}</ul>
                        <div>{match &m.exemplar.trace_id {
                            Some(t) => format!("Trace {t} — click to open"),
                            None => "No trace id in this exemplar's labels".to_string(),
                        }}</div>
                    </div>
                }
            })}
        </div>
        <p class="exemplar-status" data-testid="exemplar-status" role="status">{status}</p>
    }
    .into_any()
}
