//! The page of one SLO (`?page=slos&slo=<id>`): its numbers with their definitions, the budget
//! burn-down over the window, the SLI over time against the objective, the burn rates of every
//! tier against their factors (charts drawn by the app's canvas chart, from the core's
//! [`sightline_core::slo::history`] series), the tiers' table, the "would have fired" alert
//! timeline, and the derivation panel (queries sent, counts received, arithmetic).
//!
//! The charts span the evaluation grid that was fetched: the whole elapsed window when it was
//! computed exactly, else the alert tiers' lookback plus a day — the page says which.

use leptos::prelude::*;
use sightline_core::datasource::DataSource;
use sightline_core::formats::prometheus::{QueryResponse, ResultData};
use sightline_core::series::Series;
use sightline_core::slo::StatusPolicy;
use sightline_core::time::format_prom_duration;
use sightline_core::units::Unit;
use sightline_core::viewstate::QueryMode;
use std::sync::Arc;

use super::slo_compute::{pct, utc, SloOutcome, GRID_STEP_MS};
use super::slos::{sli_text, start_compute, SloEntry, TileState};
use crate::components::chart::TimeSeriesChart;
use crate::components::panel::PanelData;
use crate::sources::query::Resolved;
use crate::state::{browser, use_app_state};

fn dur(ms: f64) -> String {
    if !ms.is_finite() || ms <= 0.0 {
        return "—".to_string();
    }
    format_prom_duration((ms / 1000.0).round() as u64 * 1000)
}

/// The per-SLO page.
#[component]
pub fn SloDetail(source: DataSource, entry: Option<SloEntry>, id: String) -> impl IntoView {
    let state = use_app_state();
    let back = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        state.update_view(|v| v.slo.clear());
    };
    let Some(entry) = entry else {
        return view! {
            <a href="?page=slos" data-testid="slo-back" on:click=back>"← All SLOs"</a>
            <p class="panel-error" role="alert" data-testid="slo-missing">{format!("There is no SLO with the id '{id}' on this source.")}</p>
        }
        .into_any();
    };
    let tile = RwSignal::new(TileState::Loading("Waiting…".into()));
    let generation = StoredValue::new(0u64);
    {
        let (source, entry) = (source.clone(), entry.clone());
        Effect::new(move |_| {
            state.refresh_tick.track();
            generation.update_value(|g| *g += 1);
            start_compute(
                source.clone(),
                &entry,
                tile,
                browser::now_ms(),
                generation,
                generation.get_value(),
            );
        });
    }
    let head = entry.def.as_ref().ok().map(|d| {
        (
            d.objective.to_string(),
            d.window.to_string(),
            d.sli.describe(),
            d.spec.description.clone(),
            d.method.describe(),
            d.zone_note(),
            d.alerts.name.clone(),
        )
    });
    let data_state = move || match &*tile.read() {
        TileState::Loading(_) => "loading",
        TileState::Error(_) => "error",
        TileState::Done(_) => "data",
    };
    view! {
        <div class="slo-detail" data-testid="slo-detail" data-slo=entry.id.clone() data-state=data_state>
            <a href="?page=slos" data-testid="slo-back" on:click=back>"← All SLOs"</a>
            <h1 data-testid="slo-detail-name">{entry.name.clone()}</h1>
            {head.map(|(obj, win, sli, desc, method, zone, preset)| view! {
                <p class="slo-target">
                    <span data-testid="slo-objective" title="The objective: the share of valid events that must be good over the window">{format!("Objective {obj}")}</span>
                    {format!(" · {win} · {method} · alert tiers: {preset}")}
                </p>
                <p class="hint">{desc}</p>
                <p class="hint" title="What is counted">{sli}</p>
                {zone.map(|z| view! { <p class="hint" data-testid="slo-zone">{z}</p> })}
            })}
            {move || match tile.get() {
                TileState::Loading(step) => view! { <p class="panel-message" role="status"><span class="spinner"></span>" "{step}</p> }.into_any(),
                TileState::Error(e) => view! {
                    <div class="panel-error" role="alert" data-testid="slo-error"><span class="badge error">{e.kind.clone()}</span>" "<span>{e.message.clone()}</span></div>
                }.into_any(),
                TileState::Done(r) => detail_body(r).into_any(),
            }}
        </div>
    }
    .into_any()
}

fn chart(series: Vec<Series>, r: &SloOutcome, unit: Unit) -> Arc<PanelData> {
    let state = use_app_state();
    Arc::new(PanelData {
        response: QueryResponse {
            data: ResultData::Matrix(series),
            warnings: Vec::new(),
            infos: Vec::new(),
        },
        resolved: Resolved {
            start_ms: r.grid_start_ms,
            end_ms: r.grid_end_ms,
            // The shown points' spacing: a longer gap between them is missing data.
            step_ms: r.charts.step_ms,
        },
        mode: QueryMode::Range,
        tz: state.view.with_untracked(|v| v.tz),
        unit_hint: Some(unit),
        native: None,
    })
}

fn detail_body(r: Arc<SloOutcome>) -> impl IntoView {
    let sli = r.sli.map_or_else(|| "no data".to_string(), sli_text);
    let remaining = r
        .remaining
        .map_or_else(|| "no data".to_string(), |x| pct(x, 2));
    let consumed = r
        .remaining
        .map_or_else(|| "no data".to_string(), |x| pct(1.0 - x, 2));
    let tte = r.tte_ms.map_or_else(|| "—".to_string(), dur);
    let budget_events = r.budget_time_ms / r.period_ms.max(1) as f64 * r.counts.total;
    let budget_text = format!("{} · {budget_events:.0} events", dur(r.budget_time_ms));
    let budget_title = format!(
        "(1 − objective) × period = {} of the {} window; × {:.0} valid events so far = {budget_events:.0} bad events allowed",
        dur(r.budget_time_ms),
        format_prom_duration(r.period_ms.max(0) as u64),
        r.counts.total
    );
    let span = format_prom_duration((r.grid_end_ms - r.grid_start_ms + GRID_STEP_MS).max(0) as u64);
    let sli_chart = chart(r.charts.sli.clone(), &r, Unit::PercentUnit);
    let remaining_chart = chart(r.charts.remaining.clone(), &r, Unit::PercentUnit);
    let burn_chart = chart(r.charts.burn.clone(), &r, Unit::None);
    let tiers = r.tiers.clone();
    let timeline = r.tiers.clone();
    let queries = r.queries.clone();
    let counts = format!(
        "Counts received over the window: {:.0} bad and {:.0} valid events ({} of the window's grid steps with data).",
        r.counts.bad.clamp(0.0, r.counts.total.max(0.0)),
        r.counts.total,
        r.coverage
    );
    view! {
        <dl class="slo-numbers slo-detail-numbers" data-grid-end=r.grid_end_ms.to_string()>
            <div><dt>"SLI"</dt><dd data-testid="slo-sli" title=r.sli_title.clone() data-value=r.sli.map(|s| s.to_string())>{sli}</dd></div>
            <div><dt>"Budget remaining"</dt><dd data-testid="slo-remaining" title=r.remaining_title.clone() data-value=r.remaining.map(|s| s.to_string())>{remaining}</dd></div>
            <div><dt>"Budget consumed"</dt><dd data-testid="slo-consumed" title="(1 − SLI) / (1 − objective): the share of the error budget spent over the window (above 100 % when overspent)">{consumed}</dd></div>
            <div><dt>"Error budget"</dt><dd data-testid="slo-budget" title=budget_title>{budget_text}</dd></div>
            <div><dt>"Time to exhaustion"</dt><dd data-testid="slo-tte" title="remaining × period / burn rate over the last 1 h; shown only while burning with budget left">{tte}</dd></div>
            <div><dt>"Status"</dt><dd data-testid="slo-status" data-status=r.status.label() title=StatusPolicy::default().describe()>{r.status.label()}</dd></div>
            <div><dt>"Coverage"</dt><dd data-testid="slo-coverage" title=r.coverage_title.clone()>{r.coverage.clone()}</dd></div>
        </dl>
        {(!r.warnings.is_empty()).then(|| view! { <p class="panel-warnings" role="status">{r.warnings.join("; ")}</p> })}
        <p class="hint">{format!("Charts span the fetched evaluation grid: {span} ending {}.", utc(r.grid_end_ms))}</p>
        <h2>"Error budget burn-down"</h2>
        <p class="hint">"Budget remaining over the SLO window from its start up to each minute: 1 − (bad / valid events so far) / (1 − objective)."</p>
        <div class="slo-chart" data-testid="slo-chart-budget"><TimeSeriesChart data=remaining_chart/></div>
        <h2>"SLI over time"</h2>
        <p class="hint">"The SLI (ratio of sums) of the SLO window ending at each minute, as far as the fetched data reaches, against the objective."</p>
        <div class="slo-chart" data-testid="slo-chart-sli"><TimeSeriesChart data=sli_chart/></div>
        <h2>"Burn rates per tier"</h2>
        <p class="hint">"Each tier's long-window burn rate (error ratio / budget) and its factor: a tier fires when both its long and short windows burn above the factor."</p>
        <div class="slo-chart" data-testid="slo-chart-burn"><TimeSeriesChart data=burn_chart/></div>
        <table class="slo-tiers" data-testid="slo-tiers">
            <thead><tr><th>"Tier"</th><th>"Severity"</th><th>"Long window burn"</th><th>"Short window burn"</th><th>"Factor"</th><th>"Error ratio threshold"</th><th>"Now"</th></tr></thead>
            <tbody>
                {tiers.into_iter().map(|t| {
                    let show = |b: Option<f64>| b.map_or_else(|| "no data".to_string(), |b| format!("{b:.2}×"));
                    view! {
                        <tr data-testid="slo-tier" data-tier=t.name.clone()>
                            <td title=t.summary.clone()>{t.name.clone()}</td>
                            <td>{t.severity.clone()}</td>
                            <td data-testid="slo-tier-long" data-value=t.long_burn.map(|b| b.to_string()) title="error ratio over the long window / budget">{show(t.long_burn)}</td>
                            <td data-testid="slo-tier-short" data-value=t.short_burn.map(|b| b.to_string()) title="error ratio over the short window / budget">{show(t.short_burn)}</td>
                            <td title=t.derivation.clone()>{format!("{}×", t.factor)}</td>
                            <td title="factor × budget">{format!("{:.4}%", t.error_ratio_threshold * 100.0)}</td>
                            <td data-testid="slo-tier-firing">{if t.firing_now { "firing" } else { "—" }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h2>"Would have fired"</h2>
        <ul class="slo-timeline" data-testid="slo-timeline">
            {timeline.into_iter().map(|t| {
                let text = if t.intervals.is_empty() {
                    format!("{}: never in the fetched range", t.name)
                } else {
                    format!("{}: {}", t.name, t.intervals.iter().map(|(a, b)| format!("{} – {}", utc(*a), utc(*b))).collect::<Vec<_>>().join(", "))
                };
                view! { <li data-tier=t.name.clone()>{text}</li> }
            }).collect_view()}
        </ul>
        <details class="slo-derivation-box" open>
            <summary>"Derivation: queries sent, counts received, arithmetic"</summary>
            <ol class="hint" data-testid="slo-queries">{queries.into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}</ol>
            <p class="hint" data-testid="slo-counts">{counts}</p>
            <p class="hint" data-testid="slo-derivation">{r.derivation.clone()}</p>
        </details>
    }
}
