//! Tables of trace analyses (computed by the core, shown as text): bottlenecks of one trace, the
//! per-(service, operation) statistics over one trace or many, and a service map drawn as a table
//! of caller → callee edges. Every column header carries its definition in a tooltip.

use leptos::prelude::*;
use sightline_core::trace::self_time::Bottleneck;
use sightline_core::trace::stats::{operation_stats, OperationStats};
use sightline_core::trace::Trace;
use std::sync::Arc;

use super::trace_list::duration_text;

fn percent(share: Option<f64>) -> String {
    share.map(|s| format!("{:.1} %", s * 100.0)).unwrap_or_else(|| "—".into())
}

fn ns_f(v: f64) -> String {
    duration_text(v.max(0.0).round() as u64)
}

/// Column header with its definition.
fn th(label: &'static str, title: &'static str) -> impl IntoView {
    view! { <th scope="col" title=title>{label}</th> }
}

/// Bottlenecks: spans on the critical path ranked by the time they alone hold the trace up.
#[component]
pub fn BottlenecksTable(
    /// The trace.
    trace: Arc<Trace>,
    /// The ranked bottlenecks (core: `self_time::bottlenecks`).
    rows: Arc<Vec<Bottleneck>>,
    /// Called with a span index when a row is clicked.
    on_select: impl Fn(u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shown: Vec<Bottleneck> = rows.iter().take(20).copied().collect();
    let more = rows.len().saturating_sub(shown.len());
    view! {
        <table class="trace-table" data-testid="trace-bottlenecks">
            <thead>
                <tr>
                    {th("Span", "Service: operation of the span.")}
                    {th("Critical-path time", "Time on the critical path during which this span itself (not a child) is what the trace waits for (Jaeger's critical-path definition).")}
                    {th("Share of trace", "Critical-path time ÷ trace duration (latest span end − earliest span start).")}
                    {th("Self time", "Span duration minus the union of its children's intervals clipped to the span.")}
                </tr>
            </thead>
            <tbody>
                {shown
                    .into_iter()
                    .map(|b| {
                        let name = trace.span(b.span).map(|s| format!("{}: {}", s.service(), s.operation())).unwrap_or_default();
                        view! {
                            <tr data-testid="bottleneck-row" on:click=move |_| on_select(b.span)>
                                <td>{name}</td>
                                <td class="num" data-testid="bottleneck-critical" data-ns=b.critical_ns.to_string()>{duration_text(b.critical_ns)}</td>
                                <td class="num" data-testid="bottleneck-share" data-share=b.share.map(|s| s.to_string()).unwrap_or_default()>{percent(b.share)}</td>
                                <td class="num">{duration_text(b.self_ns)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(more > 0).then(|| view! { <p class="hint">{format!("{more} more span(s) with a smaller share are not listed.")}</p> })}
    }
}

/// The per-(service, operation) statistics table over `traces`, largest self total first.
#[component]
pub fn OperationStatsTable(
    /// One trace or a search's traces.
    traces: Vec<Arc<Trace>>,
) -> impl IntoView {
    let mut rows: Vec<OperationStats> = operation_stats(traces.iter().map(|t| t.as_ref()));
    rows.sort_by(|a, b| b.self_total_ns.cmp(&a.self_total_ns).then_with(|| (&a.service, &a.operation).cmp(&(&b.service, &b.operation))));
    let n = traces.len();
    view! {
        <table class="trace-table" data-testid="trace-stats">
            <thead>
                <tr>
                    {th("Service", "The span's service.")}
                    {th("Operation", "The span's name.")}
                    {th("Count", "Number of spans with this service and operation.")}
                    {th("Traces", "Number of traces with at least one such span.")}
                    {th("Total", "Sum of the spans' durations.")}
                    {th("Self total", "Sum of the spans' self times (duration minus the union of their children's intervals).")}
                    {th("Self %", "Self total ÷ the summed duration of the traces looked at.")}
                    {th("Min", "Shortest span duration.")}
                    {th("Avg", "Mean span duration.")}
                    {th("Max", "Longest span duration.")}
                    {th("p50", "Exact median of the span durations (linear interpolation between closest ranks).")}
                    {th("p95", "Exact 95th percentile of the span durations (linear interpolation between closest ranks).")}
                    {th("p99", "Exact 99th percentile of the span durations (linear interpolation between closest ranks).")}
                    {th("Errors", "Spans with error status or an error=true tag.")}
                    {th("Error rate", "Errors ÷ count.")}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        view! {
                            <tr data-testid="stats-row">
                                <td data-testid="stats-service">{r.service.to_string()}</td>
                                <td data-testid="stats-operation">{r.operation.to_string()}</td>
                                <td class="num" data-testid="stats-count">{r.count}</td>
                                <td class="num">{r.traces}</td>
                                <td class="num" data-testid="stats-total" data-ns=r.total_ns.to_string()>{duration_text(r.total_ns)}</td>
                                <td class="num" data-testid="stats-self" data-ns=r.self_total_ns.to_string()>{duration_text(r.self_total_ns)}</td>
                                <td class="num">{percent(r.self_share)}</td>
                                <td class="num">{duration_text(r.min_ns)}</td>
                                <td class="num">{ns_f(r.avg_ns)}</td>
                                <td class="num">{duration_text(r.max_ns)}</td>
                                <td class="num">{ns_f(r.p50_ns)}</td>
                                <td class="num" data-testid="stats-p95" data-ns=r.p95_ns.to_string()>{ns_f(r.p95_ns)}</td>
                                <td class="num">{ns_f(r.p99_ns)}</td>
                                <td class="num">{r.error_count}</td>
                                <td class="num">{percent(Some(r.error_rate))}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="hint">{format!("Over {n} trace(s).")}</p>
    }
}
