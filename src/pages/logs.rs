//! The Logs page: pick a log source (the demo, or a Loki source from Settings), run a LogQL query
//! over the header's time range, or import log files; see the volume by level, the lines (newest
//! first, virtualised, filterable), a line's details with a link to its trace, and the patterns.
//! A metric LogQL query is drawn as a chart. Imported files stay in this tab only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::formats::prometheus::QueryResponse;
use sightline_core::logs::loki::LokiAnswer;
use sightline_core::logs::query::{LogQuery, LogTab, DEFAULT_LINE_LIMIT, MAX_LINE_LIMIT};
use sightline_core::logs::volume::{volume, Volume};
use sightline_core::logs::{decode_log_file, Level, LogStore};
use sightline_core::viewstate::{QueryMode, TimeZoneChoice};
use std::sync::Arc;

use crate::components::chart::TimeSeriesChart;
use crate::components::file_drop::{FileDrop, FileDropIds};
use crate::components::source_picker::PageSourcePicker;
use crate::components::log_details::LogDetails;
use crate::components::log_lines::LogLines;
use crate::components::log_patterns::LogPatterns;
use crate::components::log_volume::{LogVolumeChart, VolumeOrigin};
use crate::components::panel::PanelData;
use crate::sources::logs as transport;
use crate::sources::query::{resolve_range, PanelError, QuerySpec, Resolved};
use crate::state::{browser, use_app_state};

/// Loaded log lines with where they came from.
#[derive(Clone)]
pub struct LoadedLogs {
    pub store: Arc<LogStore>,
    /// "from 'demo'" or "from file app.log (NDJSON)".
    pub origin: String,
    pub notes: Vec<String>,
    pub volume: Option<(Volume, VolumeOrigin)>,
    /// The line limit, when the source returned that many lines (older ones were not loaded).
    pub limit_reached: Option<u32>,
    pub from_file: bool,
}

#[derive(Clone)]
enum Outcome {
    Idle,
    Running,
    Lines(Arc<LoadedLogs>),
    Metric(Arc<PanelData>),
    Failed(PanelError),
}

/// The source the page reads logs from: `lds`, or the demo when absent.
fn log_source() -> Memo<Result<DataSource, String>> {
    use_app_state().page_source(|v| v.logs.source.clone())
}

/// Volume counted in the browser over the loaded lines.
fn loaded_volume(store: &LogStore, range: Option<(i64, i64)>, reason: String) -> Option<(Volume, VolumeOrigin)> {
    let (start, end) = range.or_else(|| store.time_span().map(|(a, b)| (a, b.saturating_add(1))))?;
    let v = volume(store, start, end, transport::VOLUME_BUCKETS);
    Some((v, VolumeOrigin::Loaded { lines: store.len(), reason }))
}

/// Runs the view's query on `source`.
async fn run_query(source: DataSource, outcome: RwSignal<Outcome>, generation: StoredValue<u64>, mine: u64) {
    let state = use_app_state();
    let (logs, spec) = state.view.with_untracked(|v| {
        (v.logs.clone(), QuerySpec { query: String::new(), mode: QueryMode::Range, from: v.from.clone(), to: v.to.clone(), tz: v.tz })
    });
    let stale = move || generation.get_value() != mine;
    let range = match resolve_range(&spec, browser::now_ms()) {
        Ok(r) => r,
        Err(e) => return outcome.set(Outcome::Failed(e)),
    };
    let q = LogQuery {
        query: logs.effective_query(),
        start_ns: range.start_ms.saturating_mul(1_000_000),
        end_ns: range.end_ms.saturating_mul(1_000_000),
        limit: logs.limit,
    };
    if q.query.trim().is_empty() {
        return outcome.set(Outcome::Idle);
    }
    let answer = transport::query(&source, &q, None).await;
    if stale() {
        return;
    }
    match answer {
        Err(e) => outcome.set(Outcome::Failed(e)),
        Ok(None) => {}
        Ok(Some(LokiAnswer::Metric(response))) => {
            let step_ms = answer_step_ms(&response).unwrap_or(((range.end_ms - range.start_ms) / 250).max(1000));
            outcome.set(Outcome::Metric(Arc::new(metric_panel(response, range.start_ms, range.end_ms, step_ms, spec.tz))));
        }
        Ok(Some(LokiAnswer::Streams { store, notes })) => {
            let store = Arc::new(store);
            let loaded = LoadedLogs {
                limit_reached: (store.len() >= q.limit as usize).then_some(q.limit),
                store: store.clone(),
                origin: format!("from '{}'", source.name),
                notes,
                volume: None,
                from_file: false,
            };
            outcome.set(Outcome::Lines(Arc::new(loaded.clone())));
            let vol = transport::volume(&source, &q).await;
            if stale() {
                return;
            }
            let volume = match vol {
                Ok(Some(v)) => Some((v, VolumeOrigin::Server)),
                Ok(None) => None,
                Err(e) => loaded_volume(&store, Some((q.start_ns, q.end_ns)), format!("the source's count failed: {}", e.message)),
            };
            outcome.set(Outcome::Lines(Arc::new(LoadedLogs { volume, ..loaded })));
        }
    }
}

/// The step of a metric answer: the smallest gap between consecutive points of a series (Loki
/// chooses the step when the request names none).
fn answer_step_ms(response: &QueryResponse) -> Option<i64> {
    let sightline_core::formats::prometheus::ResultData::Matrix(series) = &response.data else { return None };
    series.iter().flat_map(|s| s.t_ms.windows(2).map(|w| w[1] - w[0])).filter(|d| *d > 0).min()
}

fn metric_panel(response: QueryResponse, start_ms: i64, end_ms: i64, step_ms: i64, tz: TimeZoneChoice) -> PanelData {
    PanelData {
        response,
        resolved: Resolved { start_ms, end_ms, step_ms },
        mode: QueryMode::Range,
        tz,
        unit_hint: Some(sightline_core::units::Unit::None),
        native: None,
    }
}

/// The Logs page.
#[component]
pub fn LogsPage() -> impl IntoView {
    let state = use_app_state();
    let source = log_source();
    let outcome = RwSignal::new(Outcome::Idle);
    let run = RwSignal::new(1u32);
    let generation = StoredValue::new(0u64);
    let draft = RwSignal::new(state.view.with_untracked(|v| v.logs.effective_query()));
    let limit_draft = RwSignal::new(state.view.with_untracked(|v| v.logs.limit.to_string()));
    let range_key = Memo::new(move |_| state.view.with(|v| (v.from.clone(), v.to.clone(), v.tz)));
    let utc = Memo::new(move |_| state.view.with(|v| v.tz == TimeZoneChoice::Utc));
    let filter = RwSignal::new(String::new());
    let level_filter = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<usize>);

    Effect::new(move |_| {
        run.track();
        state.refresh_tick.track();
        range_key.track();
        let Ok(src) = source.get() else { return };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        selected.set(None);
        outcome.set(Outcome::Running);
        spawn_local(run_query(src, outcome, generation, mine));
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let limit = limit_draft.get_untracked().trim().parse::<u32>().ok().filter(|n| (1..=MAX_LINE_LIMIT).contains(n));
        state.update_view(|v| {
            v.logs.query = draft.get_untracked();
            v.logs.limit = limit.unwrap_or(DEFAULT_LINE_LIMIT);
        });
        limit_draft.set(limit.unwrap_or(DEFAULT_LINE_LIMIT).to_string());
        run.update(|r| *r += 1);
    };
    let on_file = Callback::new(move |(body, names): (Vec<u8>, Vec<String>)| match decode_log_file(&body) {
        Ok(decoded) => {
            generation.update_value(|g| *g += 1);
            let store = Arc::new(decoded.store);
            let text = format!("Detected: {}. {} line(s) from {}.", decoded.format.label(), store.len(), names.join(", "));
            selected.set(None);
            outcome.set(Outcome::Lines(Arc::new(LoadedLogs {
                volume: loaded_volume(&store, None, "a file".into()),
                origin: format!("from {} ({})", names.join(", "), decoded.format.label()),
                notes: decoded.notes,
                limit_reached: None,
                store,
                from_file: true,
            })));
            (true, text)
        }
        Err(e) => (false, format!("The file could not be read as logs: {e}.")),
    });
    let tab = Memo::new(move |_| state.view.with(|v| v.logs.tab));

    view! {
        <section class="page logs" data-testid="page-logs">
            <h1>"Logs"</h1>
            <form class="log-query" data-testid="log-form" on:submit=submit>
                <PageSourcePicker
                    label="Log source "
                    testid="log-source"
                    accepts=SourceKind::serves_logs
                    current=|v| v.logs.source.clone()
                    on_pick=Callback::new(move |name: String| {
                        state.update_view(|s| s.logs.source = name);
                        draft.set(state.view.with_untracked(|v| v.logs.effective_query()));
                    })
                />
                <label class="grow">
                    "LogQL "
                    <input
                        class="log-query-input"
                        data-testid="log-query"
                        spellcheck="false"
                        placeholder="{service_name=\"payments\"} |= \"error\""
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Line limit "
                    <input class="num-input" data-testid="log-limit" inputmode="numeric" prop:value=move || limit_draft.get() on:input=move |ev| limit_draft.set(event_target_value(&ev))/>
                </label>
                <button type="submit" data-testid="log-run">"Run query"</button>
            </form>
            <p class="hint">"Time range: the header's. Lines come newest first; the line limit keeps the newest (Loki caps it at 5,000 unless configured higher). A metric query (count_over_time, rate …) is drawn as a chart."</p>
            <FileDrop
                prompt="Open log files (NDJSON, JSON, OTLP/JSON logs, a saved Loki answer, plain text) — or drop them here. They are read in this browser only. "
                accept=".json,.jsonl,.ndjson,.log,.txt,application/json,text/plain"
                ids=FileDropIds { area: "log-import", input: "log-file", status: "log-import-status" }
                on_load=on_file
            />
            {move || match source.get() {
                Err(name) => view! {
                    <p class="panel-error" role="alert" data-testid="log-error">
                        {format!("There is no data source called '{name}'. Add it in Settings or pick another log source.")}
                    </p>
                }.into_any(),
                Ok(_) => match outcome.get() {
                    Outcome::Idle => view! {
                        <p class="panel-message" data-testid="log-idle">"Enter a LogQL query, for example {service_name=\"payments\"} |= \"error\", and run it — or open a log file."</p>
                    }.into_any(),
                    Outcome::Running => view! { <p class="panel-message" data-testid="log-loading">"Loading…"</p> }.into_any(),
                    Outcome::Failed(e) => view! {
                        <p class="panel-error" role="alert" data-testid="log-error"><strong>{e.kind}</strong>": "{e.message}</p>
                    }.into_any(),
                    Outcome::Metric(data) => view! {
                        <div data-testid="log-metric"><TimeSeriesChart data=data/></div>
                    }.into_any(),
                    Outcome::Lines(loaded) => view! {
                        <LoadedView loaded=loaded tab=tab filter=filter level_filter=level_filter selected=selected utc=utc run=run/>
                    }.into_any(),
                },
            }}
        </section>
    }
}

/// The loaded lines: summary, notes, volume, tabs, list or patterns, details.
#[component]
fn LoadedView(
    loaded: Arc<LoadedLogs>,
    tab: Memo<LogTab>,
    filter: RwSignal<String>,
    level_filter: RwSignal<String>,
    selected: RwSignal<Option<usize>>,
    utc: Memo<bool>,
    run: RwSignal<u32>,
) -> impl IntoView {
    let state = use_app_state();
    let store = loaded.store.clone();
    let n = store.len();
    let rows = {
        let store = store.clone();
        Memo::new(move |_| {
            let needle = filter.get().to_lowercase();
            let level = level_filter.get();
            Arc::new(
                (0..store.len())
                    .filter(|&i| level.is_empty() || store.levels().get(i).is_some_and(|l| l.as_str() == level))
                    .filter(|&i| needle.is_empty() || store.line(i).to_lowercase().contains(&needle))
                    .collect::<Vec<usize>>(),
            )
        })
    };
    let summary = if n == 0 {
        "No log lines match this query in this time range.".to_string()
    } else {
        format!("{n} line(s) {}, newest first.", loaded.origin)
    };
    let limit_note = loaded.limit_reached.map(|limit| {
        format!("The line limit ({limit}) was reached: only the newest {limit} lines of the range are loaded, so the list and the patterns cover {}; the volume chart counts the whole range when the source can. Narrow the range or the query, or raise the limit.",
            store.time_span().map(|_| "the newest part of the range only").unwrap_or("part of the range"))
    });
    // A browser-side count of no lines says nothing: only the source's count is shown then.
    let volume = loaded.volume.clone().filter(|(_, origin)| n > 0 || *origin == VolumeOrigin::Server);
    let utc_now = utc.get_untracked();
    let from_file = loaded.from_file;
    let list_store = store.clone();
    let details_store = store.clone();
    let patterns_store = store.clone();
    view! {
        <div class="log-result" data-testid="log-result" data-lines=n>
            <p class="panel-summary" data-testid="log-summary">{summary}</p>
            {from_file.then(|| view! {
                <button data-testid="log-back" on:click=move |_| run.update(|r| *r += 1)>"Show the query's results again"</button>
            })}
            {limit_note.map(|t| view! { <p class="panel-warnings" data-testid="log-limit-note">{t}</p> })}
            {(!loaded.notes.is_empty()).then(|| view! {
                <ul class="panel-warnings">{loaded.notes.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
            })}
            {volume.map(|(v, origin)| view! { <LogVolumeChart volume=v origin=origin utc=utc_now/> })}
            {(n > 0).then(move || view! {
                <div class="tabs" role="tablist">
                    <button role="tab" data-testid="log-tab-lines" class:active=move || tab.get() == LogTab::Lines
                        on:click=move |_| state.update_view(|v| v.logs.tab = LogTab::Lines)>"Lines"</button>
                    <button role="tab" data-testid="log-tab-patterns" class:active=move || tab.get() == LogTab::Patterns
                        on:click=move |_| state.update_view(|v| v.logs.tab = LogTab::Patterns)>"Patterns"</button>
                </div>
                {move || match tab.get() {
                    LogTab::Patterns => view! { <LogPatterns store=patterns_store.clone() utc=utc.get()/> }.into_any(),
                    LogTab::Lines => {
                        let list_store = list_store.clone();
                        let details_store = details_store.clone();
                        view! {
                            <div class="row log-filters">
                                <label>"Filter loaded lines "
                                    <input data-testid="log-filter" placeholder="text" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
                                </label>
                                <label>"Level "
                                    <select data-testid="log-level-filter" prop:value=move || level_filter.get() on:change=move |ev| level_filter.set(event_target_value(&ev))>
                                        <option value="">"all"</option>
                                        {Level::ALL.iter().map(|l| view! { <option value=l.as_str()>{l.as_str()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <span class="hint" data-testid="log-shown">{move || format!("{} of {n} line(s) shown", rows.get().len())}</span>
                            </div>
                            {move || view! { <LogLines store=list_store.clone() rows=rows.get() selected=selected utc=utc.get()/> }}
                            {move || selected.get().map(|row| view! { <LogDetails store=details_store.clone() row=row utc=utc.get()/> })}
                        }.into_any()
                    }
                }}
            })}
        </div>
    }
}
