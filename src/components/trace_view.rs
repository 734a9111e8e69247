//! The trace view (`?page=traces&trace=<id>`): finds the trace among imported files and the last
//! search's results, else fetches it from the trace source; then shows its summary and warnings,
//! a plain alert when the backend sent it incomplete (Tempo v2 PARTIAL), the waterfall with the
//! critical path, the selected span's details, the bottlenecks, and the per-(service, operation)
//! statistics. The waterfall and the service map are built in later tasks than the rest
//! ([`Later`]), so a 100k-span trace is not shown in one long task. The analyses are the core's,
//! computed once per trace: with the decoding when it ran in the background worker, else here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::datasource::DataSource;
use sightline_core::trace::analysis::TraceAnalysis;
use sightline_core::trace::critical_path::Section;
use sightline_core::trace::self_time::Bottleneck;
use sightline_core::trace::stats::OperationStats;
use sightline_core::trace::Trace;
use sightline_core::trace_query::normalize_trace_id;
use std::sync::Arc;

use super::later::Later;
use super::trace_details::SpanDetails;
use super::trace_list::duration_text;
use super::trace_partial::{partial_message, PartialTraceNotice};
use super::trace_search::SearchCache;
use super::trace_tables::{BottlenecksTable, OperationStatsRows, ServiceMapTable, TraceDiffTable};
use super::trace_waterfall::TraceWaterfall;
use crate::pages::traces::Imported;
use crate::sources::query::PanelError;
use crate::sources::traces::fetch_trace;
use crate::state::use_app_state;

/// One trace and its analyses.
pub struct Analysis {
    pub trace: Arc<Trace>,
    /// Critical-path sections sorted by span.
    pub sections: Arc<Vec<Section>>,
    pub critical_total_ns: u64,
    pub excluded_spans: usize,
    pub self_ns: Arc<Vec<u64>>,
    pub critical_ns: Arc<Vec<u64>>,
    pub bottlenecks: Arc<Vec<Bottleneck>>,
    /// The statistics table of this trace.
    pub stats: Arc<Vec<OperationStats>>,
}

impl Analysis {
    /// `trace` with its analyses: `done` when they were made with the decoding (in the background
    /// worker), else the core's analyses run here.
    pub fn new(trace: Arc<Trace>, done: Option<Arc<TraceAnalysis>>) -> Analysis {
        let a = done.unwrap_or_else(|| Arc::new(TraceAnalysis::of(&trace)));
        Analysis {
            sections: Arc::new(a.sections.clone()),
            critical_total_ns: a.critical_total_ns,
            excluded_spans: a.excluded_spans,
            critical_ns: Arc::new(a.critical_ns.clone()),
            self_ns: Arc::new(a.self_ns.clone()),
            bottlenecks: Arc::new(a.bottlenecks.clone()),
            stats: Arc::new(a.stats.clone()),
            trace,
        }
    }
}

/// A trace with id `id` already in this tab (imported files, then the last search's results),
/// with its analyses when they were made with the decoding.
fn find_loaded(id: &str) -> Option<(Arc<Trace>, Option<Arc<TraceAnalysis>>)> {
    let want = format!("{:0>32}", normalize_trace_id(id).ok()?);
    let matches = |t: &&Arc<Trace>| format!("{:032x}", t.trace_id()) == want;
    let imported = use_context::<Imported>().and_then(|i| i.0.get_untracked());
    if let Some(l) = imported.as_ref() {
        if let Some(k) = l.traces.iter().position(|t| matches(&t)) {
            return l.traces.get(k).map(|t| (t.clone(), l.analyses.get(k).cloned()));
        }
    }
    let cached = use_context::<SearchCache>().and_then(|c| c.0.get_untracked());
    cached.as_ref().and_then(|r| r.traces.iter().find(matches)).map(|t| (t.clone(), None))
}

#[derive(Clone)]
enum Load {
    Loading,
    Done(Arc<Analysis>),
    Failed(PanelError),
}

/// The trace view for the URL's `trace` id, read from `source` when not already loaded.
#[component]
pub fn TraceViewer(
    /// The trace source.
    source: DataSource,
) -> impl IntoView {
    let state = use_app_state();
    let id = Memo::new(move |_| state.view.with(|v| v.traces.trace.clone()));
    let load = RwSignal::new(Load::Loading);
    let generation = StoredValue::new(0u64);
    let pending = StoredValue::new(None::<web_sys::AbortController>);
    let view_source = source.clone();
    Effect::new(move |_| {
        let id = id.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if let Some((t, done)) = find_loaded(&id) {
            load.set(Load::Done(Arc::new(Analysis::new(t, done))));
            return;
        }
        load.set(Load::Loading);
        let source = source.clone();
        // A newer trace id aborts this load (its request, or its job in the background worker).
        let controller = web_sys::AbortController::new().ok();
        if let Some(old) = pending.try_update_value(|p| std::mem::replace(p, controller.clone())).flatten() {
            old.abort();
        }
        spawn_local(async move {
            let signal = controller.as_ref().map(|c| c.signal());
            let result = fetch_trace(&source, &id, signal.as_ref()).await;
            if generation.get_value() != mine {
                return;
            }
            match result {
                Ok(Some(loaded)) => match loaded.traces.first().cloned() {
                    Some(t) => load.set(Load::Done(Arc::new(Analysis::new(t, loaded.analyses.first().cloned())))),
                    None => {
                        load.set(Load::Failed(PanelError { kind: "Not found".into(), message: "No spans.".into() }))
                    }
                },
                Ok(None) => {}
                Err(e) => load.set(Load::Failed(e)),
            }
        });
    });
    view! {
        <div class="trace-view" data-testid="trace-view">
            {move || match load.get() {
                Load::Loading => view! { <p class="panel-message" data-testid="trace-loading">"Loading the trace…"</p> }.into_any(),
                Load::Failed(e) => view! {
                    <p class="panel-error" role="alert" data-testid="trace-error">
                        <span class="badge error">{e.kind.clone()}</span>
                        " "
                        {e.message.clone()}
                    </p>
                }
                    .into_any(),
                Load::Done(a) => view! { <TraceAnalysisView analysis=a source=view_source.clone()/> }.into_any(),
            }}
        </div>
    }
}

/// The loaded trace: summary, waterfall, details and tables.
#[component]
fn TraceAnalysisView(
    /// The trace and its analyses.
    analysis: Arc<Analysis>,
    /// Where a trace to compare with is fetched from.
    source: DataSource,
) -> impl IntoView {
    let t = analysis.trace.clone();
    let selected = RwSignal::new(t.roots().first().copied());
    let partial = partial_message(&t).map(str::to_string);
    let warnings: Vec<String> = t
        .warnings()
        .iter()
        .filter(|w| !matches!(w, sightline_core::trace::TraceWarning::Partial { .. }))
        .map(|w| w.message())
        .collect();
    let root = t.roots().first().and_then(|&r| t.span(r)).map(|r| format!("{}: {}", r.service(), r.operation()));
    let share = if t.duration_ns() > 0 {
        format!("{:.1} %", analysis.critical_total_ns as f64 / t.duration_ns() as f64 * 100.0)
    } else {
        "—".to_string()
    };
    let summary = vec![
        ("Trace id", format!("{:032x}", t.trace_id()), "The trace's id (128-bit, hex).", "trace-id"),
        ("Root", root.unwrap_or_default(), "Service and operation of the first root span.", "trace-root"),
        ("Duration", duration_text(t.duration_ns()), "Latest span end minus earliest span start.", "trace-duration"),
        ("Spans", t.len().to_string(), "Spans in the trace after removing identical duplicates.", "trace-spans"),
        ("Services", t.service_names().len().to_string(), "Distinct services with a span in the trace.", "trace-services"),
        ("Depth", t.depth().to_string(), "Levels of the span tree (a root alone is 1).", "trace-depth"),
        ("Errors", t.error_count().to_string(), "Spans with error status or an error=true tag.", "trace-errors"),
        (
            "Critical path",
            format!("{} ({share} of the trace)", duration_text(analysis.critical_total_ns)),
            "Total length of the critical path (Jaeger's definition: per root, walking back from the last-finishing child; FOLLOWS_FROM and producer→consumer children do not block). Share: ÷ trace duration.",
            "trace-critical",
        ),
    ];
    let critical_ns = analysis.critical_total_ns;
    let sections = analysis.sections.len();
    let excluded = analysis.excluded_spans;
    let details_trace = t.clone();
    let (self_ns, crit_ns) = (analysis.self_ns.clone(), analysis.critical_ns.clone());
    let on_select = move |s: u32| selected.set(Some(s));
    let (wf_trace, wf_sections, map_trace) = (t.clone(), analysis.sections.clone(), t.clone());
    view! {
        <PartialTraceNotice message=partial/>
        <dl
            class="trace-summary"
            data-testid="trace-summary"
            data-critical-ns=critical_ns.to_string()
            data-critical-sections=sections.to_string()
        >
            {summary
                .into_iter()
                .map(|(k, v, title, testid)| view! {
                    <div title=title>
                        <dt>{k}</dt>
                        <dd data-testid=testid>{v}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
        {(excluded > 0).then(|| view! {
            <p class="hint">{format!("{excluded} span(s) are not on any critical path: non-blocking (FOLLOWS_FROM, producer→consumer) or entirely outside their parent.")}</p>
        })}
        {(!warnings.is_empty()).then(|| view! {
            <ul class="panel-warnings" data-testid="trace-warnings">{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
        })}
        <Later>
            <TraceWaterfall trace=wf_trace.clone() critical=wf_sections.clone() selected=selected/>
        </Later>
        {move || selected.get().map(|s| view! {
            <SpanDetails trace=details_trace.clone() span=s self_ns=self_ns.clone() critical_ns=crit_ns.clone()/>
        })}
        <h2>"Bottlenecks"</h2>
        <p class="hint">"Spans on the critical path, ranked by the time they alone hold the trace up. Click a row to select the span."</p>
        <BottlenecksTable trace=t.clone() rows=analysis.bottlenecks.clone() on_select=on_select/>
        <h2>"Statistics by service and operation"</h2>
        <OperationStatsRows rows=analysis.stats.clone() traces=1/>
        <h2>"Service map"</h2>
        <Later>
            <ServiceMapTable traces=vec![map_trace.clone()]/>
        </Later>
        <h2>"Compare with another trace"</h2>
        <CompareSection a=t.clone() source=source/>
    }
}

/// A field for a second trace id (`cmp` in the URL) and, once loaded, the diff table.
#[component]
fn CompareSection(
    /// The open trace (A).
    a: Arc<Trace>,
    /// Where trace B is fetched from when not already in this tab.
    source: DataSource,
) -> impl IntoView {
    let state = use_app_state();
    let cmp = Memo::new(move |_| state.view.with(|v| v.traces.compare.clone()));
    let typed = RwSignal::new(cmp.get_untracked());
    let b = RwSignal::new(None::<Result<Arc<Trace>, PanelError>>);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let id = cmp.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if id.is_empty() {
            b.set(None);
            return;
        }
        if let Some((t, _)) = find_loaded(&id) {
            b.set(Some(Ok(t)));
            return;
        }
        let source = source.clone();
        spawn_local(async move {
            let result = fetch_trace(&source, &id, None).await;
            if generation.get_value() != mine {
                return;
            }
            match result {
                Ok(Some(l)) => b.set(l.traces.into_iter().next().map(Ok)),
                Ok(None) => {}
                Err(e) => b.set(Some(Err(e))),
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = typed.get_untracked().trim().to_ascii_lowercase();
        state.update_view(|v| v.traces.compare = id);
    };
    view! {
        <form class="row" on:submit=submit>
            <label class="inline">
                "Trace B id "
                <input data-testid="trace-compare-id" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
            </label>
            <button type="submit" data-testid="trace-compare">"Compare"</button>
            <span class="hint">"A is the open trace. Spans are matched by their path of (service, operation) pairs from the root."</span>
        </form>
        {move || match b.get() {
            None => None,
            Some(Err(e)) => Some(view! {
                <p class="panel-error" role="alert" data-testid="trace-compare-error">
                    <span class="badge error">{e.kind.clone()}</span>
                    " "
                    {e.message.clone()}
                </p>
            }
                .into_any()),
            Some(Ok(bt)) => Some(view! { <TraceDiffTable a=a.clone() b=bt/> }.into_any()),
        }}
    }
}
