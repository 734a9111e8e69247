//! Client-side analysis of the raw samples a selector query matches, below the query panel:
//!
//! - **Exact percentiles**: every raw sample in the range (fetched at the scrape resolution in
//!   chunks of ≤ 11,000 points per series, as the core's planner decides), p50…p99.9 per series
//!   and over all series pooled, by linear interpolation between closest ranks or nearest rank.
//! - **histogram_quantile in the browser**: Prometheus' `histogram_quantile(q, sum by (le, …)
//!   (rate(x_bucket[w])))` computed from the raw `_bucket` counters — or, when the raw samples
//!   would exceed the planner's budget, that same query sent to the server — charted with the
//!   plan and the equivalent PromQL shown, so the numbers can be checked against the backend.
//!
//! `data-state` on the section is `loading`, `data` or `error`, as on the query panel.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::counters::EvalGrid;
use sightline_core::export::exact_value;
use sightline_core::formats::prometheus::{QueryResponse, ResultData};
use sightline_core::plan::{plan, promql_duration, Analysis, Plan, PlanRequest};
use sightline_core::promql_info::plain_selector;
use sightline_core::series::Series;
use sightline_core::stats::classic_histogram::histogram_quantile_classic;
use sightline_core::stats::percentile::QuantileMethod;
use sightline_core::stats::percentile_table::{PercentileTable, TABLE_QUANTILES};
use sightline_core::time::{align_range, choose_step_ms};
use sightline_core::promql_info::guess_unit;
use sightline_core::stats::percentile::Quantiles;
use sightline_core::units::{format_with_unit, guess_from_metric_name, Unit};
use sightline_core::viewstate::{AnalysisKind, QueryMode};
use std::sync::Arc;

use super::chart::TimeSeriesChart;
use super::panel::PanelData;
use crate::sources::query::{resolve_range, run, PanelError, QuerySpec, Resolved, DEFAULT_SCRAPE_MS};
use crate::sources::raw::{count_series, fetch_raw};
use crate::state::{use_app_state, AppState};

/// Width assumed for the histogram chart's step (the analysis spans the page like the panel).
const CHART_WIDTH_PX: u32 = 1100;

/// What the analysis shows.
#[derive(Clone)]
enum Outcome {
    Loading(String),
    Percentiles { series: Arc<Vec<Series>>, plan: String },
    Histogram { data: Arc<PanelData>, plan: String, equivalent: String, warnings: Vec<String> },
    Error(PanelError),
}

/// Everything one analysis run depends on.
#[derive(Clone, PartialEq)]
struct Spec {
    kind: AnalysisKind,
    query: QuerySpec,
    q: f64,
    by: Vec<String>,
    force_exact: bool,
}

/// The analysis section for the current view.
#[component]
pub fn AnalysisPanel() -> impl IntoView {
    let state = use_app_state();
    let spec = Memo::new(move |_| {
        state.view.with(|v| {
            v.analyze.map(|kind| Spec {
                kind,
                query: QuerySpec { query: v.query.clone(), mode: QueryMode::Range, from: v.from.clone(), to: v.to.clone(), tz: v.tz },
                q: v.analysis_q,
                by: v.analysis_by.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
                force_exact: v.force_exact,
            })
        })
    });
    let outcome = RwSignal::new(Outcome::Loading(String::new()));
    let generation = StoredValue::new(0u64);

    Effect::new(move |_| {
        state.refresh_tick.track();
        let Some(spec) = spec.get() else { return };
        let source_name = state.view.with_untracked(|v| v.ds.clone());
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        outcome.set(Outcome::Loading("Planning…".into()));
        spawn_local(async move {
            let result = compute(state, &source_name, &spec, outcome).await;
            if generation.get_value() == mine {
                outcome.set(result.unwrap_or_else(Outcome::Error));
            }
        });
    });

    let method = RwSignal::new(QuantileMethod::Linear);
    let data_state = move || match &*outcome.read() {
        Outcome::Loading(_) => "loading",
        Outcome::Error(_) => "error",
        _ => "data",
    };
    let title = move || match spec.get().map(|s| s.kind) {
        Some(AnalysisKind::Histogram) => "histogram_quantile computed in the browser",
        _ => "Exact percentiles over raw samples",
    };
    view! {
        <section class="panel analysis" data-testid="analysis" data-state=data_state>
            <div class="panel-header"><span class="panel-title">{title}</span></div>
            {move || match outcome.get() {
                Outcome::Loading(step) => view! { <p class="panel-message" role="status">{step}</p> }.into_any(),
                Outcome::Error(e) => view! {
                    <div class="panel-error" role="alert">
                        <span class="badge error">{e.kind.clone()}</span>
                        <span data-testid="analysis-error">{e.message.clone()}</span>
                    </div>
                }.into_any(),
                Outcome::Percentiles { series, plan } => view! {
                    <p class="hint" data-testid="analysis-plan">{plan}</p>
                    <MethodPicker method=method/>
                    <PercentileView series=series method=method/>
                }.into_any(),
                Outcome::Histogram { data, plan, equivalent, warnings } => view! {
                    <p class="hint" data-testid="analysis-plan">{plan}</p>
                    <p class="hint">"Equivalent PromQL: " <code data-testid="analysis-equivalent">{equivalent}</code></p>
                    {(!warnings.is_empty()).then(|| view! { <p class="panel-warnings" role="status">{warnings.join("; ")}</p> })}
                    <TimeSeriesChart data=data/>
                }.into_any(),
            }}
        </section>
    }
}

/// Runs the analysis; progress goes to `outcome` as it happens.
async fn compute(state: AppState, source_name: &str, spec: &Spec, outcome: RwSignal<Outcome>) -> Result<Outcome, PanelError> {
    let source = state
        .sources
        .with_untracked(|s| s.find(source_name).cloned())
        .ok_or_else(|| PanelError { kind: "Data source".into(), message: format!("There is no data source called '{source_name}'.") })?;
    let selector = plain_selector(&spec.query.query).ok_or_else(|| PanelError {
        kind: "Needs a selector".into(),
        message: "Raw samples exist only for a plain selector such as http_request_duration_seconds_bucket{service=\"cart\"}; \
                  this query computes new series. The legend above summarizes its points at the chart's step."
            .into(),
    })?;
    let range = resolve_range(&spec.query, crate::state::browser::now_ms())?;
    let scrape = DEFAULT_SCRAPE_MS;
    outcome.set(Outcome::Loading("Counting the matching series…".into()));
    let series_count = count_series(&source, &selector, range.start_ms, range.end_ms).await?;
    match spec.kind {
        AnalysisKind::Percentiles => {
            let request = PlanRequest {
                analysis: Analysis::Increase { selector: selector.clone(), by: Vec::new() },
                start_ms: range.start_ms,
                end_ms: range.end_ms,
                scrape_ms: scrape,
                series: series_count,
                width_px: CHART_WIDTH_PX,
                force_exact: spec.force_exact,
            };
            let Plan::Exact(exact) = plan(&request) else {
                return Err(PanelError {
                    kind: "Too many samples".into(),
                    message: format!(
                        "{series_count} series over this range hold more raw samples than exact mode fetches (10M); \
                         narrow the range or the selector, or tick \"Exact anyway\"."
                    ),
                });
            };
            let description = Plan::Exact(exact.clone()).describe();
            outcome.set(Outcome::Loading(format!("Fetching raw samples: {description}")));
            let Some((series, _warnings)) = fetch_raw(&source, &exact.requests, (range.start_ms, range.end_ms), None).await? else {
                return Err(PanelError { kind: "Cancelled".into(), message: "The analysis was replaced by a newer one.".into() });
            };
            Ok(Outcome::Percentiles { series: Arc::new(series), plan: format!("{description}; {series_count} series") })
        }
        AnalysisKind::Histogram => {
            if !selector.split('{').next().is_some_and(|name| name.trim().ends_with("_bucket")) {
                return Err(PanelError {
                    kind: "Needs buckets".into(),
                    message: "histogram_quantile needs the classic histogram's _bucket series, e.g. http_request_duration_seconds_bucket.".into(),
                });
            }
            let step = choose_step_ms(range.span_ms(), CHART_WIDTH_PX, scrape);
            let (start, end) = align_range(range.start_ms, range.end_ms, step);
            let window = step.saturating_add(scrape).max(scrape * 4);
            let grid = EvalGrid { start_ms: start, end_ms: end, step_ms: step };
            let request = PlanRequest {
                analysis: Analysis::HistogramQuantile { selector: selector.clone(), q: spec.q, by: spec.by.clone(), window_ms: Some(window) },
                start_ms: start.saturating_sub(window),
                end_ms: end,
                scrape_ms: scrape,
                series: series_count,
                width_px: CHART_WIDTH_PX,
                force_exact: spec.force_exact,
            };
            let chosen = plan(&request);
            let by_text: String = std::iter::once("le").chain(spec.by.iter().map(String::as_str)).collect::<Vec<_>>().join(", ");
            let equivalent = format!("histogram_quantile({}, sum by ({by_text}) (rate({selector}[{}])))", spec.q, promql_duration(window));
            let description = chosen.describe();
            outcome.set(Outcome::Loading(format!("Fetching: {description}")));
            let (series, warnings, resolved) = match &chosen {
                Plan::Exact(exact) => {
                    let Some((raw, mut warnings)) = fetch_raw(&source, &exact.requests, (request.start_ms, request.end_ms), None).await? else {
                        return Err(PanelError { kind: "Cancelled".into(), message: "The analysis was replaced by a newer one.".into() });
                    };
                    let result = histogram_quantile_classic(spec.q, &raw, window, grid, Some(&spec.by));
                    warnings.extend(result.warnings);
                    (result.series, warnings, Resolved { start_ms: start, end_ms: end, step_ms: step })
                }
                Plan::ServerSide(server) => {
                    let Some(resp) = run(&source, &server.request, None).await? else {
                        return Err(PanelError { kind: "Cancelled".into(), message: "The analysis was replaced by a newer one.".into() });
                    };
                    let series = match resp.data {
                        ResultData::Matrix(s) => s,
                        _ => Vec::new(),
                    };
                    (series, resp.warnings, Resolved { start_ms: start, end_ms: end, step_ms: server.step_ms })
                }
            };
            let tz = state.view.with_untracked(|v| v.tz);
            let response = QueryResponse { data: ResultData::Matrix(series), warnings: Vec::new(), infos: Vec::new() };
            // A quantile of a histogram has the unit of the observed values (`_seconds` → s).
            let metric = selector.split('{').next().unwrap_or_default().trim();
            let unit_hint = Some(guess_from_metric_name(metric, false));
            let data = Arc::new(PanelData { response, resolved, mode: QueryMode::Range, tz, unit_hint, native: None });
            Ok(Outcome::Histogram { data, plan: description, equivalent, warnings })
        }
    }
}

/// Linear interpolation (default) or nearest rank.
#[component]
fn MethodPicker(method: RwSignal<QuantileMethod>) -> impl IntoView {
    view! {
        <label class="inline">
            "Percentile method "
            <select
                data-testid="percentile-method"
                on:change=move |ev| {
                    method.set(if event_target_value(&ev) == "nearest" { QuantileMethod::NearestRank } else { QuantileMethod::Linear });
                }
            >
                <option value="linear" selected=move || method.get() == QuantileMethod::Linear>
                    "Linear interpolation between closest ranks (type 7, as Prometheus quantile_over_time)"
                </option>
                <option value="nearest" selected=move || method.get() == QuantileMethod::NearestRank>
                    "Nearest rank (always a value that occurred)"
                </option>
            </select>
        </label>
    }
}

/// The percentile table of the fetched raw series.
#[component]
fn PercentileView(series: Arc<Vec<Series>>, method: RwSignal<QuantileMethod>) -> impl IntoView {
    let state = use_app_state();
    let unit = Memo::new(move |_| state.view.with(|v| v.unit.unwrap_or_else(|| guess_unit(&v.query))));
    let names: Vec<String> = series.iter().map(|s| s.labels.display_name()).collect();
    // Over ~1M samples the table is computed in the background worker (crate::offload).
    let table = crate::offload::jobs::percentile_table_signal(series, &TABLE_QUANTILES, method);
    let headers = TABLE_QUANTILES.iter().map(|q| view! { <th class="num" scope="col">{format!("p{}", q * 100.0)}</th> }).collect_view();
    let body = move || match table.get() {
        None => view! { <tr><td data-testid="percentile-computing">"Computing…"</td></tr> }.into_any(),
        Some(Err(e)) => view! { <tr><td>{e}</td></tr> }.into_any(),
        Some(Ok(t)) => rows_view(&t, &names, unit.get()).into_any(),
    };
    view! {
        <table class="result-table percentile-table" data-testid="percentile-table">
            <thead><tr><th scope="col">"Series"</th><th class="num" scope="col" title="Finite raw samples (NaN/±Inf excluded)">"n"</th>{headers}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

fn rows_view(t: &PercentileTable, names: &[String], unit: Unit) -> impl IntoView {
    let cells = move |q: &Quantiles| {
        let values = q.values.clone();
        TABLE_QUANTILES
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let value = values.as_ref().and_then(|v| v.get(i)).copied();
                let text = value.map(|v| format_with_unit(v, unit)).unwrap_or_else(|| "no data".into());
                // The exact value (shortest round-trip decimal) on hover and for scripts.
                let exact = value.map(exact_value);
                view! { <td class="num" title=exact.clone() data-value=exact>{text}</td> }
            })
            .collect_view()
    };
    let mut rows: Vec<_> = t
        .rows
        .iter()
        .zip(names)
        .map(|(q, name)| {
            view! { <tr data-testid="percentile-row"><td>{name.clone()}</td><td class="num">{q.n}</td>{cells(q)}</tr> }.into_any()
        })
        .collect();
    rows.push(
        view! {
            <tr data-testid="percentile-all" class="total-row">
                <td title="Every raw sample of every series above, pooled (not an average of the rows)">"All series (pooled)"</td>
                <td class="num">{t.all.n}</td>
                {cells(&t.all)}
            </tr>
        }
        .into_any(),
    );
    rows
}
