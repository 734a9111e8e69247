//! Native histogram results in the query panel.
//!
//! - Range queries: p50/p90/p99 per step (core `quantile_lines`) on the time-series chart, or —
//!   with `style=heatmap` — the latency heatmap of the native buckets (core `cumulative_buckets`
//!   drawn by the classic heatmap), with a table of each series' last sample below.
//! - Instant queries: the table — count, sum, p50, p90, p99 per series.
//! - The definition (Prometheus' `histogram_quantile` on each sample, and which interpolation the
//!   source's version uses) is stated under the display.
//!
//! Count, sum and quantile cells show rounded readouts and carry the exact value in `data-value`
//! (shortest round-trip decimal); count and sum also show it on hover.

use leptos::prelude::*;
use sightline_core::export::csv::{instant_csv, series_csv};
use sightline_core::export::exact_value;
use sightline_core::format::format_value;
use sightline_core::series::InstantSample;
use sightline_core::formats::prometheus::native_histogram::NativeInterpolation;
use sightline_core::formats::prometheus::ResultData;
use sightline_core::series::HistogramSeries;
use sightline_core::stats::native::{
    cumulative_buckets, instant_rows, interpolation_definition, quantile_label, quantile_lines, DEFAULT_QUANTILES,
};
use sightline_core::units::format_with_unit;
use sightline_core::viewstate::{ChartStyle, QueryMode, TimeZoneChoice};
use std::sync::Arc;

use super::chart::TimeSeriesChart;
use super::heatmap::{guessed_units, HeatmapChart};
use super::panel::PanelData;
use super::result_table::time_formatter;
use super::panel_view::use_panel_view;

/// The native histogram series of a result and how their quantiles are computed.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeData {
    pub series: Vec<HistogramSeries>,
    pub interpolation: NativeInterpolation,
    /// The source's reported version (`None`: the demo, or unknown).
    pub version: Option<String>,
}

impl NativeData {
    /// Number of native samples.
    pub fn samples(&self) -> usize {
        self.series.iter().map(|s| s.samples.len()).sum()
    }
}

/// The CSV of what the native display shows: the quantile lines (range) or one row per series and
/// quantile (instant), labelled `quantile="<q>"` (core CSV rules: exact values, sorted labels).
pub fn native_csv(native: &NativeData, mode: QueryMode) -> String {
    match mode {
        QueryMode::Range => series_csv(&quantile_lines(&native.series, &DEFAULT_QUANTILES, native.interpolation)),
        QueryMode::Instant => {
            let samples: Vec<InstantSample> = instant_rows(&native.series, &DEFAULT_QUANTILES, native.interpolation)
                .into_iter()
                .flat_map(|r| {
                    let (labels, t_ms) = (r.labels, r.t_ms);
                    r.quantiles.into_iter().zip(DEFAULT_QUANTILES).map(move |(value, q)| {
                        let mut labels = labels.clone();
                        labels.0.insert("quantile".to_string(), quantile_label(q));
                        InstantSample { labels, t_ms, value }
                    })
                })
                .collect();
            instant_csv(&samples)
        }
    }
}

/// The display of a result holding native histograms.
#[component]
pub fn NativeHistogramView(data: Arc<PanelData>, native: Arc<NativeData>) -> impl IntoView {
    let panel_view = use_panel_view().view;
    let heatmap_style = Memo::new(move |_| panel_view.with(|v| v.style == ChartStyle::Heatmap));
    let definition = {
        let mut text = format!("Quantiles: {}.", interpolation_definition(native.interpolation));
        match &native.version {
            Some(v) => text.push_str(&format!(" Source version: {v}.")),
            None => text.push_str(" Source version not reported; Prometheus 3 rules are used."),
        }
        text.push_str(" Heatmap rows are the native buckets' own bounds; blank = no observations.");
        text
    };
    let range = data.mode == QueryMode::Range;
    // Quantiles are in the unit of the observations (seconds for `…_seconds`), not the query's.
    let observation_unit = panel_view.with_untracked(|v| v.unit.unwrap_or_else(|| guessed_units(&v.query).0));
    let derived = |series| {
        Arc::new(PanelData {
            response: sightline_core::formats::prometheus::QueryResponse { data: ResultData::Matrix(series), warnings: Vec::new(), infos: Vec::new() },
            resolved: data.resolved,
            mode: QueryMode::Range,
            tz: data.tz,
            unit_hint: Some(observation_unit),
            native: None,
        })
    };
    let lines = range.then(|| derived(quantile_lines(&native.series, &DEFAULT_QUANTILES, native.interpolation)));
    let buckets = range.then(|| derived(cumulative_buckets(&native.series)));
    let display = move || match (&lines, &buckets) {
        (Some(_), Some(b)) if heatmap_style.get() => view! { <HeatmapChart data=b.clone()/> }.into_any(),
        (Some(l), _) => view! { <TimeSeriesChart data=l.clone()/> }.into_any(),
        _ => ().into_any(),
    };
    view! {
        <div class="native-histograms" data-testid="native-histograms">
            {display}
            <NativeTable native=native.clone() tz=data.tz/>
            <p class="native-definition" data-testid="native-definition">{definition}</p>
        </div>
    }
}

/// Count, sum and quantiles of each series' last sample.
#[component]
fn NativeTable(native: Arc<NativeData>, tz: TimeZoneChoice) -> impl IntoView {
    let panel_view = use_panel_view().view;
    let unit = Memo::new(move |_| panel_view.with(|v| v.unit.unwrap_or_else(|| guessed_units(&v.query).0)));
    let rows = instant_rows(&native.series, &DEFAULT_QUANTILES, native.interpolation);
    let fmt = time_formatter(tz == TimeZoneChoice::Utc);
    let heads = DEFAULT_QUANTILES
        .iter()
        .map(|q| {
            let name = format!("p{}", (q * 1000.0).round() / 10.0);
            let title = format!("histogram_quantile({}, h) of the last sample (definition below)", quantile_label(*q));
            view! { <th scope="col" class="num" title=title>{name}</th> }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|r| {
            let cells = r
                .quantiles
                .iter()
                .zip(DEFAULT_QUANTILES)
                .map(|(v, q)| {
                    let v = *v;
                    view! {
                        <td class="num" data-testid="native-quantile" data-q=quantile_label(q) data-value=exact_value(v)>
                            {move || format_with_unit(v, unit.get())}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="native-row" data-t-ms=r.t_ms.to_string()>
                    <td class="series-cell">{r.labels.display_name()}</td>
                    <td class="num" data-testid="native-count" data-value=exact_value(r.count) title=exact_value(r.count)>{format_value(r.count)}</td>
                    <td class="num" data-testid="native-sum" data-value=exact_value(r.sum) title=exact_value(r.sum)>{move || format_with_unit(r.sum, unit.get())}</td>
                    {cells}
                    <td class="time-cell">{fmt(r.t_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="result-table native-table" data-testid="native-table">
            <thead>
                <tr>
                    <th scope="col">"Native histogram series"</th>
                    <th scope="col" class="num" title="Observations in the last sample (per second under rate)">"Count"</th>
                    <th scope="col" class="num" title="Sum of the observations in the last sample (per second under rate)">"Sum"</th>
                    {heads}
                    <th scope="col">"Time"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
