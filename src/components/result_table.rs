//! The table view of an instant query (vector, scalar or string result): one row per series with
//! its labels, value and timestamp — the non-graphical view Prometheus' "Table" tab gives.

use leptos::prelude::*;
use sightline_core::format::{format_datetime_ms, format_value};
use sightline_core::series::InstantSample;

/// One table row, formatted.
#[derive(Clone)]
pub struct Row {
    pub series: String,
    pub value: String,
    pub time: String,
}

/// Formats instant samples into rows (sorted by series name for a stable order).
pub fn rows(samples: &[InstantSample], format_time: impl Fn(i64) -> String) -> Vec<Row> {
    let mut rows: Vec<Row> = samples
        .iter()
        .map(|s| Row { series: s.labels.display_name(), value: format_value(s.value), time: format_time(s.t_ms) })
        .collect();
    rows.sort_by(|a, b| a.series.cmp(&b.series));
    rows
}

/// Formats with the core's datetime format in UTC or local time.
pub fn time_formatter(utc: bool) -> impl Fn(i64) -> String {
    move |t| if utc { format_datetime_ms(t, &chrono::Utc) } else { format_datetime_ms(t, &chrono::Local) }
}

/// The result table.
#[component]
pub fn ResultTable(
    /// Rows to show.
    rows: Vec<Row>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="result-row">
                    <td class="series-cell">{r.series}</td>
                    <td class="num">{r.value}</td>
                    <td class="time-cell">{r.time}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="result-table" data-testid="result-table">
            <thead>
                <tr>
                    <th scope="col">"Series"</th>
                    <th scope="col" class="num">"Value"</th>
                    <th scope="col">"Time"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
