//! The Traces page: pick a trace source (the demo, or a Jaeger, Tempo or Zipkin source from
//! Settings), search it or import trace files, and open a trace (`?page=traces&trace=<id>`, also
//! the target of exemplar links) in the trace view. Imported traces stay in this tab only; a trace
//! id in the URL is looked up among them first, then fetched from the source.

use leptos::prelude::*;
use sightline_core::datasource::DataSource;
use std::sync::Arc;

use crate::components::source_picker::PageSourcePicker;
use crate::components::trace_import::TraceImport;
use crate::components::trace_search::{SearchCache, TraceSearchPanel};
use crate::components::trace_view::TraceViewer;
use crate::sources::traces::LoadedTraces;
use crate::state::use_app_state;

/// Traces imported from files in this tab, shared by the import box and the trace view.
#[derive(Clone, Copy)]
pub struct Imported(pub RwSignal<Option<Arc<LoadedTraces>>>);

/// The source the page reads traces from: `tds`, or the demo when absent. `Err` names a missing
/// source.
pub fn trace_source() -> Memo<Result<DataSource, String>> {
    use_app_state().page_source(|v| v.traces.source.clone())
}

/// The Traces page.
#[component]
pub fn TracesPage() -> impl IntoView {
    let state = use_app_state();
    let imported = Imported(RwSignal::new(None));
    provide_context(imported);
    provide_context(SearchCache(RwSignal::new(None)));
    let open_id = Memo::new(move |_| state.view.with(|v| v.traces.trace.clone()));
    let source = trace_source();
    view! {
        <section class="page traces" data-testid="page-traces">
            <h1>"Traces"</h1>
            <div class="row trace-toolbar">
                <PageSourcePicker
                    label="Trace source "
                    testid="trace-source"
                    accepts=|k| k.trace_api().is_some()
                    current=|v| v.traces.source.clone()
                    on_pick=Callback::new(move |name: String| state.update_view(|s| {
                        s.traces.source = name;
                        s.traces.trace.clear();
                        s.traces.compare.clear();
                    }))
                />
                <Show when=move || !open_id.get().is_empty()>
                    <button
                        data-testid="trace-back"
                        on:click=move |_| state.update_view(|s| {
                            s.traces.trace.clear();
                            s.traces.compare.clear();
                        })
                    >
                        "← Search"
                    </button>
                </Show>
            </div>
            {move || match source.get() {
                Err(name) => view! {
                    <p class="panel-error" role="alert">
                        {format!("There is no data source called '{name}'. Add it in Settings or pick another trace source.")}
                    </p>
                }
                    .into_any(),
                Ok(src) => {
                    if open_id.get().is_empty() {
                        view! {
                            <TraceImport/>
                            <TraceSearchPanel source=src/>
                        }
                            .into_any()
                    } else {
                        view! { <TraceViewer source=src/> }.into_any()
                    }
                }
            }}
        </section>
    }
}
