//! Details of the selected log line: the whole line (wrapped), its exact time in ns, the stream
//! labels, per-line metadata (Loki structured metadata, OTLP attributes) and the fields parsed
//! from the line (JSON or logfmt, named), and — when the line carries a trace id — a link that
//! opens that trace on the Traces page. Everything is shown as text.

use leptos::prelude::*;
use sightline_core::format::format_log_time;
use sightline_core::logs::fields::{extract, trace_id};
use sightline_core::logs::LogStore;
use std::sync::Arc;

use super::exemplars::open_trace;
use crate::state::use_app_state;

fn pairs_table(title: &'static str, testid: &'static str, pairs: Vec<(String, String)>) -> impl IntoView {
    (!pairs.is_empty()).then(|| {
        view! {
            <h4>{title}</h4>
            <table class="log-fields" data-testid=testid>
                <tbody>
                    {pairs.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// The details of row `row` of `store`.
#[component]
pub fn LogDetails(store: Arc<LogStore>, row: usize, utc: bool) -> impl IntoView {
    let state = use_app_state();
    let line = store.line(row).to_string();
    let t = store.timestamps().get(row).copied().unwrap_or(sightline_core::logs::NO_TIME);
    let time = if utc { format_log_time(t, &chrono::Utc) } else { format_log_time(t, &chrono::Local) };
    let exact = if t == sightline_core::logs::NO_TIME { "no time".to_string() } else { format!("{t} ns since the Unix epoch") };
    let level = store.levels().get(row).copied().unwrap_or_default();
    let labels: Vec<(String, String)> = store.stream_of(row).map(|l| l.0.clone().into_iter().collect()).unwrap_or_default();
    let meta = store.metadata(row).to_vec();
    let (syntax, fields) = extract(&line);
    let trace = trace_id(&line, &meta);
    let fields_title = match syntax.as_str() {
        "JSON" => "Fields (parsed as JSON)",
        "logfmt" => "Fields (parsed as logfmt)",
        _ => "Fields",
    };
    view! {
        <section class="log-details" data-testid="log-details">
            <h3>"Line details"</h3>
            <p>
                <span title=exact.clone() data-testid="log-details-time">{time}</span>
                " · level "
                <span class=format!("log-level lvl-{}", level.as_str())>{level.as_str()}</span>
                <span class="hint">" (level: a level label or field, else a level word at the start of a text line)"</span>
            </p>
            <pre class="log-full" data-testid="log-details-line">{line.clone()}</pre>
            {trace.map(|id| {
                let open_id = id.clone();
                view! {
                    <p>
                        <button class="link" data-testid="log-trace-link" on:click=move |_| open_trace(state, &open_id)>
                            {format!("Open trace {id}")}
                        </button>
                    </p>
                }
            })}
            {pairs_table("Stream labels", "log-labels", labels)}
            {pairs_table("Metadata", "log-metadata", meta)}
            {(!fields.is_empty()).then(|| pairs_table(fields_title, "log-parsed", fields))}
        </section>
    }
}
