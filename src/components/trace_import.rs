//! Trace files, fully offline: drop files on the box or pick them. The files' texts are joined
//! (one document after another) and decoded by the core, which detects the format (OTLP/JSON,
//! Tempo `batches`, Jaeger, Zipkin, NDJSON …) and merges spans of one trace across files and
//! lines; the box says which format it detected. Nothing is uploaded. The imported traces are
//! listed and open like search results.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use wasm_bindgen::JsCast;

use super::trace_list::TraceList;
use crate::pages::traces::Imported;
use crate::sources::traces::{decode, LoadedTraces};
use crate::state::use_app_state;

/// Reads every file's text (in order) and joins them with newlines.
async fn read_files(files: web_sys::FileList) -> Result<(Vec<u8>, Vec<String>), String> {
    let mut body = Vec::new();
    let mut names = Vec::new();
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .map_err(|_| format!("The browser could not read {}.", file.name()))?;
        body.extend_from_slice(text.as_string().unwrap_or_default().as_bytes());
        body.push(b'\n');
        names.push(file.name());
    }
    Ok((body, names))
}

/// The import box and the imported traces' list.
#[component]
pub fn TraceImport() -> impl IntoView {
    let state = use_app_state();
    let imported = use_context::<Imported>().unwrap_or_else(|| Imported(RwSignal::new(None)));
    let message = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(false);

    let load = move |files: Option<web_sys::FileList>| {
        let Some(files) = files.filter(|f| f.length() > 0) else { return };
        message.set(Some((true, "Reading…".into())));
        spawn_local(async move {
            let outcome = match read_files(files).await {
                Err(e) => Err(e),
                Ok((body, names)) => decode(&body).map(|l| (l, names)).map_err(|e| e.message),
            };
            match outcome {
                Ok((loaded, names)) => {
                    let text = format!(
                        "Detected: {}. {} trace(s), {} span(s) from {}.",
                        loaded.format,
                        loaded.traces.len(),
                        loaded.traces.iter().map(|t| t.len()).sum::<usize>(),
                        names.join(", ")
                    );
                    message.set(Some((true, text)));
                    imported.0.set(Some(Arc::new(loaded)));
                }
                Err(e) => message.set(Some((false, e))),
            }
        });
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        load(ev.data_transfer().and_then(|d| d.files()));
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        load(input.and_then(|i| i.files()));
    };
    let open = move |id: String| state.update_view(|v| v.traces.trace = id);
    view! {
        <div
            class="trace-import"
            class:dragging=move || dragging.get()
            data-testid="trace-import"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label>
                "Open trace files (OTLP/JSON, Tempo, Jaeger, Zipkin, NDJSON) — or drop them here. They are read in this browser only. "
                <input type="file" multiple accept=".json,.jsonl,.ndjson,.txt,application/json" data-testid="trace-file" on:change=on_pick/>
            </label>
            {move || message.get().map(|(ok, m)| view! {
                <p class=if ok { "form-ok" } else { "form-error" } role="status" data-testid="trace-import-status">{m}</p>
            })}
        </div>
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
