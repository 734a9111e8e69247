//! A sortable list of traces (search results or imported files): start, root service and
//! operation, duration, spans, errors, services. A click on a row opens the trace. Sorting is the
//! core's ([`sort_summaries`]); column headers toggle the order.

use leptos::prelude::*;
use sightline_core::format::format_datetime_ms;
use sightline_core::trace_rows::{sort_summaries, SortKey, TraceSummaryRow};
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::TimeZoneChoice;
use std::sync::Arc;

use crate::state::use_app_state;

/// A duration in ns as text (`12.3 ms`).
pub fn duration_text(ns: u64) -> String {
    format_with_unit(ns as f64, Unit::Nanoseconds)
}

/// An epoch-ns time as a date-time in the view's time zone.
pub fn time_text(ns: u64, tz: TimeZoneChoice) -> String {
    let ms = (ns / 1_000_000) as i64;
    match tz {
        TimeZoneChoice::Utc => format_datetime_ms(ms, &chrono::Utc),
        TimeZoneChoice::Browser => format_datetime_ms(ms, &chrono::Local),
    }
}

fn count_text(n: Option<usize>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
}

/// The list.
#[component]
pub fn TraceList(
    /// The rows, in the backend's order.
    rows: Arc<Vec<TraceSummaryRow>>,
    /// Called with a trace id when a row is clicked.
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let sort = RwSignal::new((SortKey::Start, true));
    let sorted = Memo::new(move |_| {
        let (key, desc) = sort.get();
        let mut r = (*rows).clone();
        sort_summaries(&mut r, key, desc);
        r
    });
    let header = move |label: &'static str, key: SortKey, title: &'static str| {
        let arrow = move || match sort.get() {
            (k, true) if k == key => " ▼",
            (k, false) if k == key => " ▲",
            _ => "",
        };
        view! {
            <th scope="col" title=title>
                <button
                    class="link"
                    data-testid="trace-sort"
                    on:click=move |_| sort.update(|(k, d)| {
                        if *k == key {
                            *d = !*d;
                        } else {
                            *k = key;
                            *d = true;
                        }
                    })
                >
                    {label}
                    {arrow}
                </button>
            </th>
        }
    };
    view! {
        <table class="trace-list" data-testid="trace-list">
            <thead>
                <tr>
                    {header("Start", SortKey::Start, "When the trace's earliest span started.")}
                    {header("Root", SortKey::Service, "Service and operation of the trace's first root span.")}
                    {header("Duration", SortKey::Duration, "Latest span end minus earliest span start.")}
                    {header("Spans", SortKey::Spans, "Number of spans in the trace (— when the backend sent only a summary).")}
                    {header("Errors", SortKey::Errors, "Spans with error status or an error=true tag.")}
                    <th scope="col" title="Distinct services with a span in the trace.">"Services"</th>
                    <th scope="col">"Trace id"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let tz = state.view.with(|v| v.tz);
                    sorted
                        .get()
                        .into_iter()
                        .map(|r| {
                            let id = r.trace_id.clone();
                            let has_errors = r.errors.unwrap_or(0) > 0;
                            view! {
                                <tr data-testid="trace-row" class:error-row=has_errors on:click=move |_| on_open(id.clone())>
                                    <td>{time_text(r.start_ns, tz)}</td>
                                    <td>{format!("{}: {}", r.root_service, r.root_operation)}</td>
                                    <td class="num" data-testid="trace-row-duration">{duration_text(r.duration_ns)}</td>
                                    <td class="num">{count_text(r.spans)}</td>
                                    <td class="num">{count_text(r.errors)}</td>
                                    <td class="num">{count_text(r.services)}</td>
                                    <td class="mono" data-testid="trace-row-id">{r.trace_id.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}
