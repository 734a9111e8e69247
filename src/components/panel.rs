//! The query panel: runs the view's query against the selected source whenever the query, range,
//! source or refresh tick changes, and shows the outcome — chart + legend, heatmap of histogram
//! buckets or stat tiles (range queries, by `style`), table or bars (instant queries, by
//! `istyle`), "No data", warnings, or an error with its kind. Changing the display does not
//! re-run the query. The previous result stays
//! visible, dimmed, while a new one loads; a superseded request is aborted and its answer ignored.
//!
//! `data-state` on the panel element is one of `idle`, `loading`, `data`, `empty`, `error`.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::formats::prometheus::{QueryResponse, ResultData};
use sightline_core::export::csv::{instant_csv, push_field, series_csv};
use sightline_core::series::InstantSample;
use sightline_core::time::format_prom_duration;
use sightline_core::units::Unit;
use sightline_core::stats::heatmap::has_buckets;
use sightline_core::viewstate::{ChartStyle, InstantStyle, QueryMode, TimeZoneChoice};
use std::sync::Arc;

use super::bars::BarsView;
use super::exemplars::ExemplarContext;
use super::native::{native_csv, NativeData, NativeHistogramView};
use super::chart::TimeSeriesChart;
use super::heatmap::HeatmapChart;
use super::panel_view::use_panel_view;
use super::stat::StatTiles;
use super::result_table::{rows, time_formatter, ResultTable};
use crate::sources::expression::{self, run_expression};
use crate::sources::exemplars::{fetch_exemplars, source_interpolation, ExemplarOutcome};
use crate::sources::query::{build_request, resolve_range, run_with_native, PanelError, QuerySpec, Resolved};
use crate::state::{browser, use_app_state};

/// A decoded result with what produced it.
pub struct PanelData {
    pub response: QueryResponse,
    pub resolved: Resolved,
    pub mode: QueryMode,
    pub tz: TimeZoneChoice,
    /// The unit of the values when the producer knows it (an analysis); otherwise the chart uses
    /// the view's unit or guesses it from the query.
    pub unit_hint: Option<Unit>,
    /// The native histogram series of the answer, when it had any.
    pub native: Option<Arc<NativeData>>,
}

impl PanelData {
    fn is_empty(&self) -> bool {
        if self.native.as_ref().is_some_and(|n| n.samples() > 0) {
            return false;
        }
        match &self.response.data {
            ResultData::Matrix(s) => s.is_empty(),
            ResultData::Vector(v) => v.is_empty(),
            _ => false,
        }
    }

    /// "3 series · 1,083 points · step 30s" — what the panel shows under its title.
    fn summary(&self) -> String {
        let floats = self.float_summary();
        match &self.native {
            Some(n) if n.samples() > 0 => {
                let samples = if n.samples() == 1 { "1 histogram sample".to_string() } else { format!("{} histogram samples", n.samples()) };
                let native = format!("{} native histogram series · {samples}", n.series.len());
                if self.float_is_empty() {
                    match self.mode {
                        QueryMode::Range => format!("{native} · step {}", format_prom_duration(self.resolved.step_ms.max(0) as u64)),
                        QueryMode::Instant => format!("{native} · instant query"),
                    }
                } else {
                    format!("{native} · {floats}")
                }
            }
            _ => floats,
        }
    }

    fn float_is_empty(&self) -> bool {
        match &self.response.data {
            ResultData::Matrix(s) => s.is_empty(),
            ResultData::Vector(v) => v.is_empty(),
            _ => false,
        }
    }

    fn float_summary(&self) -> String {
        match &self.response.data {
            ResultData::Matrix(series) => {
                let points: usize = series.iter().map(|s| s.len()).sum();
                let non_finite: usize = series.iter().map(|s| s.non_finite_count()).sum();
                let mut text = format!(
                    "{} series · {} points · step {}",
                    series.len(),
                    points,
                    format_prom_duration(self.resolved.step_ms.max(0) as u64)
                );
                if non_finite > 0 {
                    text.push_str(&format!(" · {non_finite} NaN/±Inf values not drawn"));
                }
                text
            }
            ResultData::Vector(v) => format!("{} series · instant query", v.len()),
            ResultData::Scalar { .. } => "scalar · instant query".to_string(),
            ResultData::String { .. } => "string · instant query".to_string(),
        }
    }
}

/// What the panel shows.
#[derive(Clone)]
enum Outcome {
    Idle,
    Data(Arc<PanelData>),
    Error(PanelError),
}

/// The panel for the current view's query.
#[component]
pub fn QueryPanel() -> impl IntoView {
    let state = use_app_state();
    let panel_view = use_panel_view().view;
    let spec = Memo::new(move |_| {
        panel_view.with(|v| QuerySpec { query: v.query.clone(), mode: v.mode, from: v.from.clone(), to: v.to.clone(), tz: v.tz })
    });
    // Query B and the expression, when both are set (range mode only).
    let expression = Memo::new(move |_| {
        panel_view.with(|v| (!v.query_b.trim().is_empty() && !v.expression.trim().is_empty()).then(|| (v.query_b.clone(), v.expression.clone())))
    });
    let source_name = Memo::new(move |_| state.view.with(|v| v.ds.clone()));
    let source = Memo::new(move |_| {
        let name = source_name.get();
        state.sources.with(|s| s.find(&name).cloned())
    });
    let outcome = RwSignal::new(Outcome::Idle);
    let loading = RwSignal::new(false);
    let generation = StoredValue::new(0u64);
    let abort = StoredValue::new_local(None::<web_sys::AbortController>);
    let panel_ref = NodeRef::<Div>::new();
    let exemplars = RwSignal::new(None::<ExemplarOutcome>);
    provide_context(ExemplarContext(exemplars));
    // A network source's range queries are sent from the background worker: start it now, not
    // with the first query.
    Effect::new(move |_| {
        if source.with(|s| s.as_ref().is_some_and(|s| s.kind != sightline_core::datasource::SourceKind::Demo)) {
            crate::offload::jobs::prepare_worker();
        }
    });

    Effect::new(move |_| {
        let spec = spec.get();
        let source = source.get();
        state.refresh_tick.track();
        abort.update_value(|a| {
            if let Some(c) = a.take() {
                c.abort();
            }
        });
        generation.update_value(|g| *g += 1);
        let my_generation = generation.get_value();
        exemplars.set(None);
        if spec.query.trim().is_empty() {
            loading.set(false);
            outcome.set(Outcome::Idle);
            return;
        }
        let Some(source) = source else {
            loading.set(false);
            outcome.set(Outcome::Error(PanelError {
                kind: "Data source".into(),
                message: format!(
                    "There is no data source called '{}' in this browser. Add it on the Settings page, or pick another source.",
                    source_name.get_untracked()
                ),
            }));
            return;
        };
        let range = match resolve_range(&spec, browser::now_ms()) {
            Ok(r) => r,
            Err(e) => {
                loading.set(false);
                outcome.set(Outcome::Error(e));
                return;
            }
        };
        // The plot is the panel width minus the y-axis labels; the step follows its pixel width.
        let width_px = panel_ref.get_untracked().map(|p| p.client_width() - 70).unwrap_or(800).max(100) as u32;
        let (request, resolved) = build_request(&spec, range, width_px);
        // With an expression: query B over the same range and step, and the parsed expression.
        let with_b = match (expression.get(), spec.mode) {
            (None, _) => None,
            (Some(_), QueryMode::Instant) => {
                loading.set(false);
                outcome.set(Outcome::Error(PanelError {
                    kind: "Expression".into(),
                    message: "Expressions between queries work on range queries; switch to Range.".into(),
                }));
                return;
            }
            (Some((query_b, text)), QueryMode::Range) => match expression::parse(&text) {
                Ok(expr) => Some((expr, build_request(&QuerySpec { query: query_b, ..spec.clone() }, range, width_px).0)),
                Err(e) => {
                    loading.set(false);
                    outcome.set(Outcome::Error(e));
                    return;
                }
            },
        };
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        abort.set_value(controller);
        loading.set(true);
        spawn_local(async move {
            let result = match &with_b {
                Some((expr, request_b)) => {
                    run_expression(&source, *expr, &request, request_b, signal.as_ref()).await.map(|r| r.map(|r| (r, Vec::new())))
                }
                None => run_with_native(&source, &request, signal.as_ref()).await,
            };
            if generation.get_value() != my_generation {
                return;
            }
            let native = match &result {
                Ok(Some((_, series))) if !series.is_empty() => {
                    let (interpolation, version) = source_interpolation(&source).await;
                    Some(Arc::new(NativeData { series: series.clone(), interpolation, version }))
                }
                _ => None,
            };
            if generation.get_value() != my_generation {
                return;
            }
            let fetch_exemplars_now = matches!(result, Ok(Some(_))) && with_b.is_none() && spec.mode == QueryMode::Range;
            match result {
                Ok(None) => return,
                Ok(Some((response, _))) => outcome.set(Outcome::Data(Arc::new(PanelData {
                    response,
                    resolved,
                    mode: spec.mode,
                    tz: spec.tz,
                    unit_hint: None,
                    native,
                }))),
                Err(e) => outcome.set(Outcome::Error(e)),
            }
            loading.set(false);
            if with_b.is_some() {
                exemplars.set(Some(ExemplarOutcome::Unavailable(
                    "Exemplars are not fetched for expressions between queries.".into(),
                )));
            }
            if fetch_exemplars_now {
                let got = fetch_exemplars(&source, &spec.query, resolved.start_ms, resolved.end_ms, signal.as_ref()).await;
                if let (Some(got), true) = (got, generation.get_value() == my_generation) {
                    exemplars.set(Some(got));
                }
            }
        });
    });

    let data_state = move || {
        if loading.get() {
            return "loading";
        }
        match &*outcome.read() {
            Outcome::Idle => "idle",
            Outcome::Error(_) => "error",
            Outcome::Data(d) if d.is_empty() => "empty",
            Outcome::Data(_) => "data",
        }
    };

    view! {
        <div
            class="panel"
            class:loading=move || loading.get()
            data-testid="panel"
            data-state=data_state
            aria-busy=move || loading.get().to_string()
            node_ref=panel_ref
        >
            <div class="panel-header">
                <span class="panel-title" title=move || panel_view.with(|v| v.title.is_some().then(|| v.query.clone()))>
                    {move || match (expression.get(), panel_view.with(|v| v.title.clone())) {
                        (_, Some(title)) => title,
                        (Some((_, text)), None) => format!("{text}   (A: {}   B: {})", spec.with(|s| s.query.clone()), panel_view.with(|v| v.query_b.clone())),
                        (None, None) => spec.with(|s| s.query.clone()),
                    }}
                </span>
                <span class="panel-status" data-testid="panel-status" title="Step: the panel's pixel width sets the resolution (range ÷ width), never finer than the 15 s scrape interval and never more than 11,000 points per series">
                    {move || match &*outcome.read() {
                        Outcome::Data(d) => d.summary(),
                        _ => String::new(),
                    }}
                </span>
                <Show when=move || loading.get()>
                    <span class="spinner" role="progressbar" aria-label="Loading"></span>
                </Show>
            </div>
            {move || match outcome.get() {
                Outcome::Idle => view! {
                    <p class="panel-message" data-testid="panel-idle">"Enter a PromQL query and press Run query (or Shift+Enter)."</p>
                }.into_any(),
                Outcome::Error(e) => view! {
                    <div class="panel-error" role="alert">
                        <span class="badge error">{e.kind.clone()}</span>
                        <span data-testid="panel-error">{e.message.clone()}</span>
                    </div>
                }.into_any(),
                Outcome::Data(d) => view! { <PanelBody data=d/> }.into_any(),
            }}
        </div>
    }
}

/// The display of a matrix result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Display {
    /// Lines, area or stacked: the time-series chart.
    Chart,
    Heatmap,
    Stat,
}

/// Warnings, then the display the view asks for (chart, heatmap, stat tiles, bars or table) or
/// "No data".
#[component]
fn PanelBody(data: Arc<PanelData>) -> impl IntoView {
    let mut warnings: Vec<String> = data.response.warnings.clone();
    warnings.extend(data.response.infos.iter().map(|i| format!("info: {i}")));
    let warnings_view = (!warnings.is_empty()).then(|| {
        let items = warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view();
        view! {
            <div class="panel-warnings" data-testid="panel-warnings" role="status">
                <span class="badge warn">"Warnings"</span>
                <ul>{items}</ul>
            </div>
        }
    });
    // Which display the view asks for; lines, area and stacked are one display (the chart redraws
    // itself), so switching between them does not remount it.
    let state = use_app_state();
    let panel_view = use_panel_view().view;
    let display = Memo::new(move |_| {
        panel_view.with(|v| match v.style {
            ChartStyle::Heatmap => Display::Heatmap,
            ChartStyle::Stat => Display::Stat,
            ChartStyle::Lines | ChartStyle::Area | ChartStyle::Stacked => Display::Chart,
        })
    });
    let instant_style = Memo::new(move |_| panel_view.with(|v| v.instant_style));
    let body_data = data.clone();
    let body = move || {
        let data = body_data.clone();
        if data.is_empty() {
            return view! { <p class="panel-message" data-testid="no-data">"No data: the query matched no series in this range."</p> }.into_any();
        }
        if let Some(native) = data.native.clone().filter(|_| data.float_is_empty()) {
            return view! { <NativeHistogramView data=data.clone() native=native/> }.into_any();
        }
        match &data.response.data {
            ResultData::Matrix(series) => match display.get() {
                Display::Heatmap if !has_buckets(series) => view! {
                    <p class="panel-message" data-testid="heatmap-needs-buckets" role="status">
                        "The heatmap needs histogram bucket series: a range query whose series carry an "
                        <code>"le"</code>
                        " label, such as "
                        <code>"sum by (le) (rate(x_bucket[5m]))"</code>
                        ". This query returned none; choose another chart style or query a "
                        <code>"_bucket"</code>
                        " metric."
                        {(state.view.with(|v| v.ds.clone()) == sightline_core::viewstate::DEMO_SOURCE).then_some(
                            " The demo source has classic histograms only (http_request_duration_seconds_bucket); it cannot produce native histograms, so native heatmaps need a real Prometheus."
                        )}
                    </p>
                }
                .into_any(),
                Display::Heatmap => view! { <HeatmapChart data=data.clone()/> }.into_any(),
                Display::Stat => view! { <StatTiles data=data.clone()/> }.into_any(),
                Display::Chart => view! { <TimeSeriesChart data=data.clone()/> }.into_any(),
            },
            ResultData::Vector(samples) if instant_style.get() == InstantStyle::Bars => {
                view! { <BarsView samples=samples.clone()/> }.into_any()
            }
            ResultData::Vector(samples) => {
                let fmt = time_formatter(data.tz == TimeZoneChoice::Utc);
                view! { <ResultTable rows=rows(samples, fmt)/> }.into_any()
            }
            ResultData::Scalar { t_ms, value } => {
                let sample = InstantSample { labels: Default::default(), t_ms: *t_ms, value: *value };
                let fmt = time_formatter(data.tz == TimeZoneChoice::Utc);
                view! { <ResultTable rows=rows(&[sample], fmt)/> }.into_any()
            }
            ResultData::String { t_ms, value } => {
                let fmt = time_formatter(data.tz == TimeZoneChoice::Utc);
                let row = super::result_table::Row { series: "string".into(), value: value.clone(), time: fmt(*t_ms) };
                view! { <ResultTable rows=vec![row]/> }.into_any()
            }
        }
    };
    let export = move |_| {
        let native_only = data.native.as_ref().filter(|n| n.samples() > 0 && data.float_is_empty());
        let text = match &data.response.data {
            _ if native_only.is_some() => native_only.map(|n| native_csv(n, data.mode)).unwrap_or_default(),
            ResultData::Matrix(series) => series_csv(series),
            ResultData::Vector(samples) => instant_csv(samples),
            ResultData::Scalar { t_ms, value } => {
                instant_csv(&[InstantSample { labels: Default::default(), t_ms: *t_ms, value: *value }])
            }
            ResultData::String { t_ms, value } => {
                let mut out = String::from("value,epoch_ms\r\n");
                push_field(&mut out, value);
                out.push_str(&format!(",{t_ms}\r\n"));
                out
            }
        };
        browser::download_text(&text, "sightline-data.csv", "text/csv;charset=utf-8");
    };
    view! {
        {warnings_view}
        {body}
        <div class="panel-tools">
            <button
                class="icon-button"
                data-testid="export-csv"
                title="Download the loaded data as CSV: exact values (shortest round-trip decimal), UTC times, series sorted by labels"
                on:click=export
            >"CSV"</button>
        </div>
    }
}
