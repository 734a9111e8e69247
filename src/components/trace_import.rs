//! Trace files, fully offline: drop files on the box or pick them. The files' bytes are joined
//! (one document after another, never made a JS string) and decoded by the core — a large import
//! in the background worker, with its analyses (`crate::offload::trace_jobs`) —, which detects
//! the format (OTLP/JSON, Tempo `batches`, Jaeger, Zipkin, NDJSON …) and merges spans of one
//! trace across files and lines; the box says which format it detected. Nothing is uploaded. The
//! imported traces are listed and open like search results.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

use super::file_drop::{DropStatus, FileDrop, FileDropIds, OnFiles};
use super::trace_list::TraceList;
use crate::pages::traces::Imported;
use crate::offload::trace_jobs::decode_traces;
use crate::sources::traces::LoadedTraces;
use crate::sources::Body;
use crate::state::use_app_state;

/// The import box and the imported traces' list.
#[component]
pub fn TraceImport() -> impl IntoView {
    let state = use_app_state();
    let imported = use_context::<Imported>().unwrap_or_else(|| Imported(RwSignal::new(None)));
    let on_buffer = Callback::new(
        move |(buffer, names, status): (js_sys::ArrayBuffer, Vec<String>, DropStatus)| {
            spawn_local(async move {
                let outcome = match decode_traces(Body::Buffer(buffer), None).await {
                    Ok(Some(loaded)) => {
                        let text = format!(
                            "Detected: {}. {} trace(s), {} span(s) from {}.",
                            loaded.format,
                            loaded.traces.len(),
                            loaded.traces.iter().map(|t| t.len()).sum::<usize>(),
                            names.join(", ")
                        );
                        imported.0.set(Some(Arc::new(loaded)));
                        (true, text)
                    }
                    Ok(None) => return,
                    Err(e) => (false, e.message),
                };
                status.set(Some(outcome));
            });
        },
    );
    let open = move |id: String| state.update_view(|v| v.traces.trace = id);
    view! {
        <FileDrop
            prompt="Open trace files (OTLP/JSON, Tempo, Jaeger, Zipkin, NDJSON) — or drop them here. They are read in this browser only. "
            accept=".json,.jsonl,.ndjson,.txt,application/json"
            ids=FileDropIds { area: "trace-import", input: "trace-file", status: "trace-import-status" }
            on_files=OnFiles::Buffer(on_buffer)
        />
        {move || imported.0.get().map(|loaded: Arc<LoadedTraces>| {
            let rows = Arc::new(loaded.traces.iter().map(|t| sightline_core::trace_rows::summarize(t)).collect::<Vec<_>>());
            let notes = loaded.notes.clone();
            view! {
                {(!notes.is_empty()).then(|| view! {
                    <ul class="panel-warnings">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                })}
                <div data-testid="trace-imported"><TraceList rows=rows on_open=open/></div>
            }
        })}
    }
}
