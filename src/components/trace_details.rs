//! Details of one span, as text: service, operation, ids, kind, timing (start offset, duration,
//! self time, critical-path time, each with its definition), status, build flags (orphan, outside
//! its parent …), attributes, resource attributes, events/logs with their attributes, and links.
//! Links open the span's service around its time (±5 min) in Explore (request rate) and on the
//! Logs page (`{service_name="…"}` on the log source last chosen there, the demo by default).

use leptos::prelude::*;
use sightline_core::trace::{flags, Trace};
use sightline_core::trace_rows::attr_text;
use std::sync::Arc;

use super::trace_list::duration_text;
use crate::state::use_app_state;

fn kv_table(rows: Vec<(String, String)>, testid: &'static str) -> impl IntoView {
    view! {
        <table class="kv" data-testid=testid>
            <tbody>
                {rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// The details of `span` in `trace`.
#[component]
pub fn SpanDetails(
    /// The trace.
    trace: Arc<Trace>,
    /// The span's index.
    span: u32,
    /// Self time of every span (ns).
    self_ns: Arc<Vec<u64>>,
    /// Critical-path time of every span (ns).
    critical_ns: Arc<Vec<u64>>,
) -> impl IntoView {
    let state = use_app_state();
    let Some(s) = trace.span(span) else {
        return view! { <p class="panel-message">"No such span."</p> }.into_any();
    };
    let t0 = trace.start_ns();
    let i = span as usize;
    let mut flag_notes = Vec::new();
    if s.flags() & flags::ORPHAN != 0 {
        flag_notes.push("its parent is not in the trace (shown as an extra root)");
    }
    if s.flags() & flags::OUTSIDE_PARENT != 0 {
        flag_notes.push("it starts before or ends after its parent (clock skew or asynchronous work)");
    }
    if s.flags() & flags::DUPLICATE_ID != 0 {
        flag_notes.push("another span has the same span id");
    }
    if s.flags() & flags::CYCLE_CUT != 0 {
        flag_notes.push("its parent link formed a cycle and was cut");
    }
    let timing = vec![
        ("Start".to_string(), format!("+{} after the trace started", duration_text(s.start_ns().saturating_sub(t0)))),
        ("Duration".to_string(), duration_text(s.duration_ns())),
        (
            "Self time".to_string(),
            format!(
                "{} (duration minus the union of its children's intervals)",
                duration_text(self_ns.get(i).copied().unwrap_or(0))
            ),
        ),
        (
            "Critical-path time".to_string(),
            format!(
                "{} (time on the critical path during which this span itself holds the trace up)",
                duration_text(critical_ns.get(i).copied().unwrap_or(0))
            ),
        ),
    ];
    let mut ident = vec![
        ("Service".to_string(), s.service().to_string()),
        ("Operation".to_string(), s.operation().to_string()),
        ("Span id".to_string(), format!("{:016x}", s.span_id())),
        (
            "Parent span id".to_string(),
            s.parent_span_id().map(|p| format!("{p:016x}")).unwrap_or_else(|| "— (root)".into()),
        ),
        ("Kind".to_string(), s.kind().as_str().to_string()),
        (
            "Status".to_string(),
            if s.status_message().is_empty() {
                s.status().as_str().to_string()
            } else {
                format!("{}: {}", s.status().as_str(), s.status_message())
            },
        ),
    ];
    if s.is_error() {
        ident.push(("Error".to_string(), "yes".to_string()));
    }
    let attrs: Vec<(String, String)> = s.attributes().iter().map(|a| attr_text(&trace, a)).collect();
    let resource: Vec<(String, String)> = s.resource_attributes().iter().map(|a| attr_text(&trace, a)).collect();
    let events: Vec<(String, String)> = s
        .events()
        .iter()
        .map(|e| {
            let fields: Vec<String> =
                s.event_attributes(e).iter().map(|a| attr_text(&trace, a)).map(|(k, v)| format!("{k}={v}")).collect();
            (format!("+{} {}", duration_text(e.time_ns.saturating_sub(t0)), trace.str(e.name)), fields.join("  "))
        })
        .collect();
    let links: Vec<(String, String)> = s
        .links()
        .iter()
        .map(|l| (format!("{:?}", l.ref_type), format!("trace {:032x} span {:016x}", l.trace_id, l.span_id)))
        .collect();
    let service = s.service().to_string();
    let (from_ms, to_ms) =
        ((s.start_ns() / 1_000_000) as i64 - 5 * 60_000, (s.end_ns() / 1_000_000) as i64 + 5 * 60_000);
    let logs_service = service.clone();
    let open_logs = move |_| {
        let query = sightline_core::logs::query::service_query(&logs_service);
        state.update_view(|v| {
            v.page = sightline_core::viewstate::Page::Logs;
            v.logs.query = query;
            v.logs.tab = sightline_core::logs::query::LogTab::Lines;
            v.from = from_ms.to_string();
            v.to = to_ms.to_string();
        });
    };
    let log_source = state.view.with_untracked(|v| if v.logs.source.is_empty() { "demo".to_string() } else { v.logs.source.clone() });
    let explore = move |_| {
        let service = service.clone();
        state.update_view(|v| {
            v.page = sightline_core::viewstate::Page::Explore;
            v.query = format!("sum by (route, status) (rate(http_requests_total{{service=\"{service}\"}}[1m]))");
            v.from = from_ms.to_string();
            v.to = to_ms.to_string();
        });
    };
    view! {
        <div class="span-details" data-testid="span-details">
            <h3>{format!("{}: {}", s.service(), s.operation())}</h3>
            {kv_table(ident, "span-ident")}
            {kv_table(timing, "span-timing")}
            {(!flag_notes.is_empty()).then(|| view! {
                <ul class="panel-warnings">{flag_notes.into_iter().map(|n| view! { <li>{format!("Note: {n}.")}</li> }).collect_view()}</ul>
            })}
            <h4>"Attributes"</h4>
            {if attrs.is_empty() { view! { <p class="hint">"None."</p> }.into_any() } else { kv_table(attrs, "span-attributes").into_any() }}
            <h4>"Resource"</h4>
            {if resource.is_empty() { view! { <p class="hint">"None."</p> }.into_any() } else { kv_table(resource, "span-resource").into_any() }}
            <h4>"Events / logs"</h4>
            {if events.is_empty() { view! { <p class="hint">"None."</p> }.into_any() } else { kv_table(events, "span-events").into_any() }}
            <h4>"Links"</h4>
            {if links.is_empty() { view! { <p class="hint">"None."</p> }.into_any() } else { kv_table(links, "span-links").into_any() }}
            <p>
                <button class="link" data-testid="span-explore" on:click=explore>
                    "Open this service's request rate in Explore (±5 min around the span)"
                </button>
            </p>
            <p>
                <button class="link" data-testid="span-logs" on:click=open_logs>
                    "Open this service's logs (±5 min around the span)"
                </button>
                <span class="hint">{format!(" — on the log source '{log_source}' (choose another on the Logs page)")}</span>
            </p>
        </div>
    }
    .into_any()
}
