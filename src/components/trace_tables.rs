//! Tables of trace analyses (computed by the core, shown as text): bottlenecks of one trace, the
//! per-(service, operation) statistics over one trace or many, the service map (drawn as a graph
//! by [`super::service_graph`], with the table of caller → callee edges below it as the
//! accessible view), and the structural diff of two traces. Every column header carries its
//! definition in a tooltip.

use leptos::prelude::*;
use sightline_core::trace::diff::{diff_traces, Change};
use sightline_core::trace::self_time::Bottleneck;
use sightline_core::trace::service_map::service_map;
use sightline_core::trace::stats::{operation_stats, OperationStats};
use sightline_core::trace::Trace;
use std::sync::Arc;

use super::service_graph::ServiceMapGraph;
use super::trace_list::duration_text;

/// A 0–1 share as a percentage with one decimal (`12.5 %`); `—` for none.
pub(crate) fn percent(share: Option<f64>) -> String {
    share.map(|s| format!("{:.1} %", s * 100.0)).unwrap_or_else(|| "—".into())
}

/// A duration in (fractional) ns as text, rounded to whole ns.
pub(crate) fn ns_f(v: f64) -> String {
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
    let rows = Arc::new(operation_stats(traces.iter().map(|t| t.as_ref())));
    view! { <OperationStatsRows rows=rows traces=traces.len()/> }
}

/// The statistics table of rows already computed (`stats::operation_stats`) over `traces`
/// trace(s), largest self total first.
#[component]
pub fn OperationStatsRows(
    /// The rows, in any order.
    rows: Arc<Vec<OperationStats>>,
    /// How many traces they are over.
    traces: usize,
) -> impl IntoView {
    let mut rows: Vec<OperationStats> = rows.to_vec();
    rows.sort_by(|a, b| {
        b.self_total_ns.cmp(&a.self_total_ns).then_with(|| (&a.service, &a.operation).cmp(&(&b.service, &b.operation)))
    });
    let n = traces;
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
                                <td class="num" data-testid="stats-errors">{r.error_count}</td>
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

/// The service map of `traces`: the graph, then the same caller → callee edges as a table, with
/// the services and their span counts.
#[component]
pub fn ServiceMapTable(
    /// One trace or a search's traces.
    traces: Vec<Arc<Trace>>,
) -> impl IntoView {
    let map = service_map(traces.iter().map(|t| t.as_ref()));
    let nodes = map.nodes.iter().map(|n| {
        let mut text = format!("{} ({} spans, {} errors)", n.service, n.spans, n.errors);
        if n.inferred {
            text.push_str(" — inferred from client spans");
        }
        text
    });
    let nodes: Vec<String> = nodes.collect();
    view! {
        <ServiceMapGraph map=map.clone()/>
        <p class="hint">
            {format!("From {} trace(s). Services: {}.", map.traces, nodes.join("; "))}
        </p>
        <table class="trace-table" data-testid="trace-service-map">
            <thead>
                <tr>
                    {th("Caller", "Service of the parent span.")}
                    {th("Callee", "Service of the child span (or the peer a client span names, when inferred).")}
                    {th("Calls", "Child spans whose parent belongs to another service.")}
                    {th("Errors", "Calls whose child span is an error.")}
                    {th("Error rate", "Errors ÷ calls.")}
                    {th("p50", "Exact median of the calls' durations (the child span's duration).")}
                    {th("p95", "Exact 95th percentile of the calls' durations.")}
                </tr>
            </thead>
            <tbody>
                {map.edges
                    .into_iter()
                    .map(|e| {
                        let callee = if e.inferred { format!("{} (inferred)", e.callee) } else { e.callee.to_string() };
                        view! {
                            <tr data-testid="service-edge">
                                <td>{e.caller.to_string()}</td>
                                <td>{callee}</td>
                                <td class="num" data-testid="edge-calls">{e.calls}</td>
                                <td class="num">{e.errors}</td>
                                <td class="num">{percent(Some(e.error_rate))}</td>
                                <td class="num">{ns_f(e.p50_ns)}</td>
                                <td class="num">{ns_f(e.p95_ns)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// A signed duration (`+1.2 ms`, `−300 µs`, with the Unicode minus).
fn signed_duration(ns: i128) -> String {
    let abs = u64::try_from(ns.unsigned_abs()).unwrap_or(u64::MAX);
    match ns.signum() {
        -1 => format!("\u{2212}{}", duration_text(abs)),
        1 => format!("+{}", duration_text(abs)),
        _ => "0".to_string(),
    }
}

/// The structural diff of trace A (the open one) and trace B, as an indented table.
#[component]
pub fn TraceDiffTable(
    /// Trace A.
    a: Arc<Trace>,
    /// Trace B.
    b: Arc<Trace>,
) -> impl IntoView {
    let nodes = diff_traces(&a, &b);
    view! {
        <table class="trace-table" data-testid="trace-diff">
            <thead>
                <tr>
                    {th("Path", "Span nodes matched by their ancestral path of (service, operation) pairs from the root.")}
                    {th("Change", "Only in A, only in B, span count changed, or the same count.")}
                    {th("Count A → B", "Spans at this path in A and in B.")}
                    {th("Duration Δ", "Summed span duration at this path in B minus in A.")}
                    {th("Self Δ", "Summed self time at this path in B minus in A.")}
                    {th("Duration A", "Summed span duration at this path in A.")}
                    {th("Duration B", "Summed span duration at this path in B.")}
                </tr>
            </thead>
            <tbody>
                {nodes
                    .into_iter()
                    .map(|n| {
                        let change = match n.change() {
                            Change::OnlyInA => "only in A",
                            Change::OnlyInB => "only in B",
                            Change::CountChanged => "count changed",
                            Change::Same => "same count",
                        };
                        let pad = format!("padding-left:{}px", 8 + 14 * n.depth.min(30));
                        view! {
                            <tr data-testid="diff-row" data-change=change>
                                <td style=pad>{format!("{}: {}", n.service, n.operation)}</td>
                                <td>{change}</td>
                                <td class="num">{format!("{} → {}", n.a.count, n.b.count)}</td>
                                <td class="num">{signed_duration(n.duration_delta_ns())}</td>
                                <td class="num">{signed_duration(n.self_delta_ns())}</td>
                                <td class="num">{duration_text(n.a.duration_ns)}</td>
                                <td class="num">{duration_text(n.b.duration_ns)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
