//! The trace search form (service, operation, tags, min/max duration, limit, and for Tempo a
//! TraceQL query; the time range is the header's) and its results: a duration-vs-time scatter and
//! a sortable list, where a click opens the trace. The form lives in the URL (`tsvc`, `top`,
//! `ttags`, `tmin`, `tmax`, `tlimit`, `tq`); a search runs when the page opens and on "Search".
//! When the backend sends whole traces (Jaeger, Zipkin, the demo), the statistics table covers all
//! of them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::datasource::DataSource;
use sightline_core::trace_query::{parse_span_duration, parse_tag_filters, TraceApi, TraceSearch};
use sightline_core::trace_view::{DEFAULT_TRACE_LIMIT, MAX_TRACE_LIMIT};
use std::sync::Arc;

use super::trace_list::TraceList;
use super::trace_scatter::TraceScatter;
use super::trace_tables::{OperationStatsTable, ServiceMapTable};
use crate::sources::query::{resolve_range, PanelError, QuerySpec};
use crate::sources::traces::{self, SearchResults};
use crate::state::{browser, use_app_state};

/// Search results kept for the trace view (a trace opened from them is not fetched again).
#[derive(Clone, Copy)]
pub struct SearchCache(pub RwSignal<Option<Arc<SearchResults>>>);

#[derive(Clone)]
enum Outcome {
    Idle,
    Running,
    Done(Arc<SearchResults>),
    Failed(PanelError),
}

/// Builds the search from the URL state and the resolved time range; errors name the field.
fn build_search(api: TraceApi, now_ms: i64) -> Result<TraceSearch, PanelError> {
    let state = use_app_state();
    let (t, spec) = state.view.with_untracked(|v| {
        (
            v.traces.clone(),
            QuerySpec { query: String::new(), mode: v.mode, from: v.from.clone(), to: v.to.clone(), tz: v.tz },
        )
    });
    let range = resolve_range(&spec, now_ms)?;
    let field = |name: &str, e: String| PanelError { kind: format!("Search: {name}"), message: e };
    let dur = |name: &str, text: &str| -> Result<Option<u64>, PanelError> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            parse_span_duration(text).map(Some).map_err(|e| field(name, e.to_string()))
        }
    };
    let search = TraceSearch {
        service: t.service.trim().to_string(),
        operation: t.operation.trim().to_string(),
        tags: parse_tag_filters(&t.tags).map_err(|e| field("tags", e.to_string()))?,
        min_duration_ns: dur("min duration", &t.min_duration)?,
        max_duration_ns: dur("max duration", &t.max_duration)?,
        limit: t.limit,
        start_ms: range.start_ms,
        end_ms: range.end_ms,
        traceql: if api == TraceApi::Tempo { t.traceql.clone() } else { String::new() },
    };
    if api == TraceApi::Jaeger && search.service.is_empty() {
        return Err(field("service", "Jaeger searches need a service; pick one.".into()));
    }
    Ok(search)
}

/// The search form and its results for `source`.
#[component]
pub fn TraceSearchPanel(
    /// The trace source searched.
    source: DataSource,
) -> impl IntoView {
    let state = use_app_state();
    let api = source.kind.trace_api().unwrap_or(TraceApi::Jaeger);
    let cache = use_context::<SearchCache>().unwrap_or_else(|| {
        let c = SearchCache(RwSignal::new(None));
        provide_context(c);
        c
    });
    let services = RwSignal::new(Vec::<String>::new());
    let operations = RwSignal::new(Vec::<String>::new());
    let list_error = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(Outcome::Idle);
    let run = RwSignal::new(0u32);
    let generation = StoredValue::new(0u64);

    // Service list (once per source) and operations (per service).
    {
        let source = source.clone();
        spawn_local(async move {
            match traces::services(&source).await {
                Ok(list) => {
                    // Jaeger needs a service: start with the first when the URL names none.
                    if api == TraceApi::Jaeger && state.view.with_untracked(|v| v.traces.service.is_empty()) {
                        if let Some(first) = list.first().cloned() {
                            state.view.update(|v| v.traces.service = first);
                        }
                    }
                    services.set(list);
                }
                Err(e) => list_error.set(Some(format!("Service list: {}: {}", e.kind, e.message))),
            }
            run.update(|r| *r += 1);
        });
    }
    let service_now = Memo::new(move |_| state.view.with(|v| v.traces.service.clone()));
    {
        let source = source.clone();
        Effect::new(move |_| {
            let svc = service_now.get();
            operations.set(Vec::new());
            if svc.is_empty() || api == TraceApi::Tempo {
                return;
            }
            let source = source.clone();
            spawn_local(async move {
                if let Ok(list) = traces::operations(&source, &svc).await {
                    operations.set(list);
                }
            });
        });
    }

    // The search itself, on every "Search" (and once the service list is known).
    {
        let source = source.clone();
        Effect::new(move |_| {
            if run.get() == 0 {
                return;
            }
            state.refresh_tick.track();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let search = match build_search(api, browser::now_ms()) {
                Ok(s) => s,
                Err(e) => {
                    outcome.set(Outcome::Failed(e));
                    return;
                }
            };
            outcome.set(Outcome::Running);
            let source = source.clone();
            spawn_local(async move {
                let result = traces::search(&source, &search, None).await;
                if generation.get_value() != mine {
                    return;
                }
                match result {
                    Ok(Some(r)) => {
                        let r = Arc::new(r);
                        cache.0.set(Some(r.clone()));
                        outcome.set(Outcome::Done(r));
                    }
                    Ok(None) => {}
                    Err(e) => outcome.set(Outcome::Failed(e)),
                }
            });
        });
    }

    let text_field = move |label: &'static str,
                           testid: &'static str,
                           placeholder: &'static str,
                           get: fn(&sightline_core::trace_view::TraceView) -> String,
                           set: fn(&mut sightline_core::trace_view::TraceView, String)| {
        view! {
            <label>
                {label}
                <input
                    data-testid=testid
                    placeholder=placeholder
                    prop:value=move || state.view.with(|v| get(&v.traces))
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        state.update_view(|v| set(&mut v.traces, value));
                    }
                />
            </label>
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run.update(|r| *r += 1);
    };
    let open = move |id: String| state.update_view(|v| v.traces.trace = id);

    view! {
        <form class="trace-search" data-testid="trace-search" on:submit=submit>
            <label>
                "Service"
                <select
                    data-testid="trace-service"
                    prop:value=move || service_now.get()
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        state.update_view(|v| {
                            v.traces.service = value;
                            v.traces.operation.clear();
                        });
                    }
                >
                    {(api != TraceApi::Jaeger).then(|| view! { <option value="">"any"</option> })}
                    {move || {
                        services
                            .get()
                            .into_iter()
                            .map(|s| {
                                let (sel, label) = (s.clone(), s.clone());
                                view! { <option value=s selected=move || service_now.get() == sel>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "Operation"
                <select
                    data-testid="trace-operation"
                    prop:value=move || state.view.with(|v| v.traces.operation.clone())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        state.update_view(|v| v.traces.operation = value);
                    }
                >
                    <option value="">"any"</option>
                    {move || {
                        let current = state.view.with(|v| v.traces.operation.clone());
                        operations
                            .get()
                            .into_iter()
                            .map(|s| {
                                let selected = s == current;
                                let label = s.clone();
                                view! { <option value=s selected=selected>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            {text_field("Tags", "trace-tags", "error=true http.status_code=500", |t| t.tags.clone(), |t, v| t.tags = v)}
            {text_field("Min duration", "trace-min", "100ms", |t| t.min_duration.clone(), |t, v| t.min_duration = v)}
            {text_field("Max duration", "trace-max", "1.5s", |t| t.max_duration.clone(), |t, v| t.max_duration = v)}
            <label>
                "Limit"
                <input
                    data-testid="trace-limit"
                    type="number"
                    min="1"
                    max=MAX_TRACE_LIMIT.to_string()
                    prop:value=move || state.view.with(|v| v.traces.limit.to_string())
                    on:change=move |ev| {
                        let n = event_target_value(&ev).trim().parse::<u32>().ok().filter(|n| (1..=MAX_TRACE_LIMIT).contains(n));
                        state.update_view(|v| v.traces.limit = n.unwrap_or(DEFAULT_TRACE_LIMIT));
                    }
                />
            </label>
            {(api == TraceApi::Tempo).then(|| text_field("TraceQL (replaces the fields above)", "trace-traceql", "{ status = error }", |t| t.traceql.clone(), |t, v| t.traceql = v))}
            <button type="submit" class="primary" data-testid="trace-run">"Search"</button>
            <span class="hint">"Time range: the header's. Durations like 100ms, 1.5s; tags as key=value pairs."</span>
        </form>
        {move || list_error.get().map(|e| view! { <p class="panel-warnings" role="status">{e}</p> })}
        <div class="trace-results" data-testid="trace-results">
            {move || match outcome.get() {
                Outcome::Idle => view! { <p class="panel-message">"Pick a service and search."</p> }.into_any(),
                Outcome::Running => view! { <p class="panel-message" data-testid="trace-searching">"Searching…"</p> }.into_any(),
                Outcome::Failed(e) => view! {
                    <p class="panel-error" role="alert" data-testid="trace-search-error">
                        <span class="badge error">{e.kind.clone()}</span>
                        " "
                        {e.message.clone()}
                    </p>
                }
                    .into_any(),
                Outcome::Done(r) if r.rows.is_empty() => view! {
                    <p class="panel-message" data-testid="trace-no-results">"No traces match this search in this time range."</p>
                }
                    .into_any(),
                Outcome::Done(r) => {
                    let rows = Arc::new(r.rows.clone());
                    let traces = r.traces.clone();
                    let notes = r.notes.clone();
                    view! {
                        {(!notes.is_empty()).then(|| view! {
                            <ul class="panel-warnings">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                        })}
                        <p class="hint" data-testid="trace-result-count">{format!("{} trace(s).", rows.len())}</p>
                        <TraceScatter rows=rows.clone() on_open=open/>
                        <TraceList rows=rows on_open=open/>
                        {(!traces.is_empty()).then(|| view! {
                            <h2>"Statistics over these traces"</h2>
                            <OperationStatsTable traces=traces.clone()/>
                            <h2>"Service map of these traces"</h2>
                            <ServiceMapTable traces=traces/>
                        })}
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
