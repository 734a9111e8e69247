//! SLOs: one tile per example SLO of the demo source ([`demo_catalog`]), computed in the browser
//! with the core's SLO module — SLI over the window, error budget remaining, the fastest burn rate
//! of the Google SRE workbook tiers, the status band and the data coverage.
//!
//! How a tile is computed (its derivation text says which mode was used):
//! - **Alert tiers** (always exact): the raw samples of both selectors over the last
//!   `3 d + 24 h` (the tiers' longest lookback plus a day of history) are fetched in chunked
//!   range-selector queries ([`raw_chunks`], [`range_selector_requests`], [`fetch_raw`]), turned
//!   into [`SliEvents`] (exact, 1-minute grid) and evaluated with [`would_have_fired`].
//! - **SLI and budget over the window**: exact from the same raw samples when the whole window
//!   fits [`TILE_SAMPLE_BUDGET`] raw samples ([`slo_report`]); otherwise Prometheus-compatible:
//!   the sum of the daily `sum(increase(sel[1d]))` values of one `query_range` at 1-day steps
//!   (extrapolated at each day's edges), with coverage = days that returned a value.
//!
//! Only the demo source has SLOs: definitions (create, edit, import) are not built yet, and any
//! other source says so. One failing tile shows its own error; the others carry on.

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::format::group_thousands;
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::demo::SCRAPE_INTERVAL_MS;
use sightline_core::counters::EvalGrid;
use sightline_core::formats::prometheus::{PromRequest, ResultData};
use sightline_core::plan::{range_selector_requests, raw_chunks};
use sightline_core::series::Series;
use sightline_core::slo::catalog::{demo_catalog, CatalogSlo, SliKind};
use sightline_core::slo::{
    budget_consumed, google_sre_workbook, lookback_ms, slo_report, would_have_fired, BudgetingMethod, CountMode, Counted,
    Coverage, ResolvedWindow, Severity, SliEvents, SloError, Status, StatusPolicy, TierTimeline, WindowCounts,
};
use sightline_core::time::format_prom_duration;
use std::sync::Arc;

use crate::sources::query::{run, PanelError};
use crate::sources::raw::{count_series, fetch_raw};
use crate::state::{browser, use_app_state};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// The evaluation grid's step (≥ the demo's 15 s scrape interval, ≤ the 5 min shortest tier window).
const GRID_STEP_MS: i64 = MINUTE_MS;
/// Alert history shown per tile.
const HISTORY_MS: i64 = DAY_MS;
/// Raw samples (series × scrapes) one tile may pull to compute its whole window exactly. Five
/// tiles load at once; 1M samples is ~26 MB of JSON and about a second of decoding in WASM.
pub const TILE_SAMPLE_BUDGET: u64 = 1_000_000;

/// What one tile shows once computed.
#[derive(Debug, Clone, PartialEq)]
struct TileResult {
    status: Status,
    sli: Option<f64>,
    sli_title: String,
    remaining: Option<f64>,
    remaining_title: String,
    /// (burn rate, window, tier) of the tier window burning fastest now.
    fastest: Option<(f64, i64, String)>,
    fastest_title: String,
    coverage: String,
    coverage_title: String,
    firing_now: Vec<String>,
    history: Vec<String>,
    derivation: String,
    warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum TileState {
    Loading(String),
    Done(Arc<TileResult>),
    Error(PanelError),
}

impl TileState {
    fn remaining(&self) -> Option<f64> {
        match self {
            TileState::Done(r) => r.remaining,
            _ => None,
        }
    }
}

/// The SLO overview page.
#[component]
pub fn SlosPage() -> impl IntoView {
    let state = use_app_state();
    let source = Memo::new(move |_| {
        let name = state.view.with(|v| v.ds.clone());
        state.sources.with(|s| s.find(&name).cloned()).ok_or(name)
    });
    let is_demo = Memo::new(move |_| matches!(source.get(), Ok(DataSource { kind: SourceKind::Demo, .. })));
    view! {
        <section class="page slos" data-testid="page-slos">
            <h1>"SLOs"</h1>
            {move || match source.get() {
                Err(name) => view! {
                    <p class="panel-error" role="alert">{format!("There is no data source called '{name}'. Choose one in the header.")}</p>
                }.into_any(),
                Ok(_) if !is_demo.get() => view! {
                    <p data-testid="slo-not-built" class="panel-message">
                        "SLO definitions (create, edit, import from OpenSLO or Sloth) have not been built yet, so this source has no SLOs. \
                         Only the demo source comes with example SLOs: switch to it to see them."
                    </p>
                }.into_any(),
                Ok(src) => view! { <DemoSlos source=src/> }.into_any(),
            }}
        </section>
    }
}

/// The demo's example SLOs as tiles.
#[component]
fn DemoSlos(
    /// The demo source.
    source: DataSource,
) -> impl IntoView {
    let state = use_app_state();
    let catalog: Arc<Vec<CatalogSlo>> = Arc::new(demo_catalog());
    let tiles: Vec<RwSignal<TileState>> = catalog.iter().map(|_| RwSignal::new(TileState::Loading("Waiting…".into()))).collect();
    let sort_by_budget = RwSignal::new(false);
    let generation = StoredValue::new(0u64);

    {
        let (catalog, tiles) = (catalog.clone(), tiles.clone());
        Effect::new(move |_| {
            state.refresh_tick.track();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let now_ms = browser::now_ms();
            for (slo, tile) in catalog.iter().cloned().zip(tiles.iter().copied()) {
                let source = source.clone();
                tile.set(TileState::Loading("Queued…".into()));
                spawn_local(async move {
                    let progress = move |text: String| {
                        if generation.get_value() == mine {
                            tile.set(TileState::Loading(text));
                        }
                    };
                    let result = compute_tile(&source, &slo, now_ms, progress).await;
                    if generation.get_value() == mine {
                        tile.set(match result {
                            Ok(r) => TileState::Done(Arc::new(r)),
                            Err(e) => TileState::Error(e),
                        });
                    }
                });
            }
        });
    }

    let policy = StatusPolicy::default();
    let order = {
        let tiles = tiles.clone();
        move || {
            let mut idx: Vec<usize> = (0..tiles.len()).collect();
            if sort_by_budget.get() {
                let rem: Vec<Option<f64>> = tiles.iter().map(|t| t.with(TileState::remaining)).collect();
                // Least remaining first; tiles without a number (loading, error, no data) last.
                idx.sort_by(|&a, &b| {
                    let key = |i: usize| rem.get(i).copied().flatten();
                    match (key(a), key(b)) {
                        (Some(x), Some(y)) => x.total_cmp(&y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    }
                });
            }
            idx
        }
    };
    let empty = catalog.is_empty();
    view! {
        <p class="hint">
            "Example SLOs of the demo shop, computed in this browser from the demo's counters. SLO definitions (create, edit, import) are not built yet."
        </p>
        <div class="row slo-toolbar">
            <label class="inline">
                "Sort "
                <select
                    data-testid="slo-sort"
                    on:change=move |ev| sort_by_budget.set(event_target_value(&ev) == "remaining")
                >
                    <option value="catalog" selected=move || !sort_by_budget.get()>"as listed"</option>
                    <option value="remaining" selected=move || sort_by_budget.get()>"by error budget remaining (least first)"</option>
                </select>
            </label>
        </div>
        {empty.then(|| view! { <p class="panel-message">"No SLOs."</p> })}
        <div class="slo-grid">
            {move || {
                order()
                    .into_iter()
                    .filter_map(|i| Some((catalog.get(i)?.clone(), *tiles.get(i)?)))
                    .map(|(slo, tile)| view! { <SloTile slo=slo tile=tile policy=policy/> })
                    .collect_view()
            }}
        </div>
    }
}

/// One SLO tile.
#[component]
fn SloTile(
    /// The SLO definition.
    slo: CatalogSlo,
    /// Its computed state.
    tile: RwSignal<TileState>,
    /// The status bands.
    policy: StatusPolicy,
) -> impl IntoView {
    let data_state = move || match &*tile.read() {
        TileState::Loading(_) => "loading",
        TileState::Error(_) => "error",
        TileState::Done(_) => "data",
    };
    let window_text = slo.window().map(|w| w.to_string()).unwrap_or_else(|_| slo.window.to_string());
    let (ev, tot) = slo.sli.selectors();
    let kind_text = match slo.sli {
        SliKind::Ratio { counted: Counted::Bad, .. } => format!("ratio SLI; bad events: {ev}; valid events: {tot}"),
        SliKind::Ratio { counted: Counted::Good, .. } => format!("ratio SLI; good events: {ev}; valid events: {tot}"),
        SliKind::Latency { threshold_le, .. } => {
            format!("latency SLI: good = requests ≤ {threshold_le} s ({ev}); valid = all requests ({tot})")
        }
    };
    let bands = policy.describe();
    view! {
        <article class="slo-tile" data-testid="slo-tile" data-slo=slo.id data-state=data_state>
            <header class="slo-head">
                <h2 class="slo-name">{slo.name}</h2>
                {move || {
                    let bands = bands.clone();
                    match &*tile.read() {
                        TileState::Done(r) => {
                            let label = r.status.label();
                            view! {
                                <span class=format!("slo-status status-{}", label.replace(' ', "-")) data-testid="slo-status"
                                    data-status=label title=format!("Status bands — {bands}")>{label}</span>
                            }.into_any()
                        }
                        TileState::Loading(_) => view! { <span class="slo-status" data-testid="slo-status" data-status="loading">"loading"</span> }.into_any(),
                        TileState::Error(_) => view! { <span class="slo-status status-error" data-testid="slo-status" data-status="error">"error"</span> }.into_any(),
                    }
                }}
            </header>
            <p class="slo-desc" title=kind_text>{slo.description}</p>
            <p class="slo-target">
                <span title="The objective: the share of valid events that must be good over the window">{format!("Objective {}", slo.objective)}</span>
                " · "
                <span title="The SLO window: a rolling period ending now">{window_text}</span>
            </p>
            {move || match tile.get() {
                TileState::Loading(step) => view! {
                    <p class="panel-message" role="status"><span class="spinner"></span>" "{step}</p>
                }.into_any(),
                TileState::Error(e) => view! {
                    <div class="panel-error" role="alert" data-testid="slo-error">
                        <span class="badge error">{e.kind.clone()}</span>
                        <span>{e.message.clone()}</span>
                    </div>
                }.into_any(),
                TileState::Done(r) => tile_body(&r).into_any(),
            }}
            <p class="hint slo-seed">{format!("Issue seed: {}", slo.seed)}</p>
        </article>
    }
}

fn pct(x: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, x * 100.0).replace('-', "−")
}

fn tile_body(r: &TileResult) -> impl IntoView {
    let sli = r.sli.map_or_else(|| "no data".to_string(), sli_text);
    let remaining = r.remaining.map_or_else(|| "no data".to_string(), |x| pct(x, 1));
    let remaining_value = r.remaining.map(|x| x.to_string());
    let (fastest, fastest_window) = r.fastest.as_ref().map_or_else(
        || ("no data".to_string(), String::new()),
        |(b, w, _)| (format!("{b:.1}×"), format!("over {}", format_prom_duration((*w).max(0) as u64))),
    );
    view! {
        <dl class="slo-numbers">
            <div>
                <dt>"SLI"</dt>
                <dd data-testid="slo-sli" title=r.sli_title.clone() data-value=r.sli.map(|s| s.to_string())>{sli}</dd>
            </div>
            <div>
                <dt>"Budget remaining"</dt>
                <dd data-testid="slo-remaining" title=r.remaining_title.clone() data-value=remaining_value>{remaining}</dd>
            </div>
            <div>
                <dt>"Fastest burn"</dt>
                <dd data-testid="slo-burn" title=r.fastest_title.clone()>{fastest}" "<span class="slo-unit">{fastest_window}</span></dd>
            </div>
        </dl>
        <p class="slo-coverage" data-testid="slo-coverage" title=r.coverage_title.clone()>{r.coverage.clone()}</p>
        {(!r.firing_now.is_empty()).then(|| view! {
            <p class="slo-firing" data-testid="slo-firing">{format!("Firing now: {}", r.firing_now.join("; "))}</p>
        })}
        <p class="slo-history hint" data-testid="slo-history" title="Tiers of the Google SRE workbook preset evaluated every minute over the last 24 h from raw samples (would have fired)">
            {if r.history.is_empty() {
                "No alert tier would have fired in the last 24 h.".to_string()
            } else {
                format!("Would have fired in the last 24 h: {}", r.history.join("; "))
            }}
        </p>
        {(!r.warnings.is_empty()).then(|| view! { <p class="panel-warnings" role="status">{r.warnings.join("; ")}</p> })}
        <details class="slo-derivation-box">
            <summary>"How this was computed"</summary>
            <p class="hint" data-testid="slo-derivation">{r.derivation.clone()}</p>
        </details>
    }
}

fn slo_error(e: SloError) -> PanelError {
    PanelError { kind: "SLO definition".into(), message: e.to_string() }
}

fn utc(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// The SLI as a percentage; never rounds a value below 1 up to `100.000%`.
fn sli_text(sli: f64) -> String {
    let text = pct(sli, 3);
    if sli < 1.0 && text == "100.000%" {
        "> 99.999%".to_string()
    } else {
        text
    }
}

/// Raw samples of `selector` in `[start_ms, end_ms]` at the demo's scrape interval.
async fn raw(source: &DataSource, selector: &str, start_ms: i64, end_ms: i64) -> Result<(Vec<Series>, Vec<String>, usize), PanelError> {
    let chunks = raw_chunks(start_ms, end_ms, SCRAPE_INTERVAL_MS);
    let requests = range_selector_requests(selector, &chunks);
    let n = requests.len();
    let (series, warnings) = fetch_raw(source, &requests, (start_ms, end_ms), None)
        .await?
        .ok_or_else(|| PanelError { kind: "Cancelled".into(), message: "The fetch was replaced by a newer one.".into() })?;
    Ok((series, warnings, n))
}

/// `sum(increase(selector[1d]))` at 1-day steps ending at `end_ms`, `days` points.
async fn daily_increases(source: &DataSource, selector: &str, end_ms: i64, days: i64) -> Result<(Vec<(i64, f64)>, String), PanelError> {
    let query = format!("sum(increase({selector}[1d]))");
    let req = PromRequest::Range { query: query.clone(), start_ms: end_ms - (days - 1) * DAY_MS, end_ms, step_ms: DAY_MS };
    let resp = run(source, &req, None)
        .await?
        .ok_or_else(|| PanelError { kind: "Cancelled".into(), message: "The query was replaced by a newer one.".into() })?;
    let points = match resp.data {
        ResultData::Matrix(s) => s.into_iter().flat_map(|s| s.t_ms.into_iter().zip(s.values)).filter(|(_, v)| v.is_finite()).collect(),
        _ => {
            return Err(PanelError { kind: "Unexpected result".into(), message: format!("{query} did not return a matrix.") });
        }
    };
    Ok((points, query))
}

async fn compute_tile(source: &DataSource, slo: &CatalogSlo, now_ms: i64, progress: impl Fn(String)) -> Result<TileResult, PanelError> {
    let objective = slo.objective().map_err(slo_error)?;
    let window = slo.window().map_err(slo_error)?;
    let budget = objective.budget();
    let tiers = google_sre_workbook().tiers;
    let lookback = lookback_ms(&tiers);
    let (ev_sel, tot_sel) = slo.sli.selectors();

    // The grid ends on the last whole minute; events of step k are those in (t_k − 1 min, t_k].
    let grid_end = now_ms.div_euclid(GRID_STEP_MS) * GRID_STEP_MS;
    let period = window.resolve(grid_end, &Utc).map_err(slo_error)?.period_ms();
    let alert_span = lookback + HISTORY_MS;

    progress("Counting the matching series…".into());
    let full_span = period.max(alert_span);
    let n_ev = count_series(source, ev_sel, grid_end - full_span, grid_end).await?;
    let n_tot = count_series(source, tot_sel, grid_end - full_span, grid_end).await?;
    let per_series = |span: i64| u64::try_from(span / SCRAPE_INTERVAL_MS).unwrap_or(u64::MAX);
    let full_samples = (n_ev + n_tot).saturating_mul(per_series(full_span));
    let exact_window = full_samples <= TILE_SAMPLE_BUDGET;
    let span = if exact_window { full_span } else { alert_span };

    // Raw samples, with one step before the grid as the baseline of the first step's increase.
    let grid = EvalGrid { start_ms: grid_end - span + GRID_STEP_MS, end_ms: grid_end, step_ms: GRID_STEP_MS };
    let fetch_start = grid.start_ms - GRID_STEP_MS;
    let samples = (n_ev + n_tot).saturating_mul(per_series(span));
    progress(format!("Fetching ~{} raw samples over {}…", group_thousands(samples), format_prom_duration(span as u64)));
    let (ev_series, mut warnings, ev_req) = raw(source, ev_sel, fetch_start, grid_end).await?;
    let (tot_series, tot_warnings, tot_req) = raw(source, tot_sel, fetch_start, grid_end).await?;
    warnings.extend(tot_warnings);
    progress("Computing…".into());
    let latency_buckets: Vec<Series>;
    let events = match slo.sli {
        SliKind::Ratio { counted, .. } => SliEvents::ratio(counted, &ev_series, &tot_series, grid, CountMode::Exact),
        SliKind::Latency { threshold_le, .. } => {
            latency_buckets = ev_series.iter().chain(&tot_series).cloned().collect();
            SliEvents::latency(&latency_buckets, threshold_le, grid, CountMode::Exact)
        }
    }
    .map_err(slo_error)?;
    warnings.extend(events.warnings().iter().cloned());

    // Alert tiers: would-have-fired over the grid; "now" is its last time.
    let timelines = would_have_fired(&tiers, &events, budget).map_err(slo_error)?;
    let firing = timelines.iter().filter(|t| t.firing_now()).map(|t| t.tier.severity).max();
    let firing_now: Vec<String> = timelines.iter().filter(|t| t.firing_now()).map(|t| format!("{} ({})", t.tier.name, t.tier.summary())).collect();
    let history = history_text(&timelines, grid_end - HISTORY_MS, grid_end);
    let (fastest, fastest_title) = fastest_burn(&timelines, budget.to_f64(), period);

    let mode_raw = format!(
        "{} series, {} raw samples at 15 s in {} range-selector queries over ({}, {}]",
        n_ev + n_tot,
        group_thousands(ev_series.iter().chain(&tot_series).map(|s| s.t_ms.len() as u64).sum::<u64>()),
        ev_req + tot_req,
        utc(fetch_start),
        utc(grid_end)
    );
    let win = format_prom_duration(period.max(0) as u64);
    let (counts, coverage, sli_mode) = if exact_window {
        let rw = ResolvedWindow { start_ms: grid_end - period, end_ms: grid_end, now_ms: grid_end };
        let report = slo_report(objective, BudgetingMethod::Occurrences, rw, &events, &[], TTE_WINDOW_MS).map_err(slo_error)?;
        let mode = format!(
            "SLI and budget: {} — ratio of sums of the reset-corrected counter increases per 1 min step over the {win} window ending {} ({mode_raw}).",
            CountMode::Exact.label(),
            utc(grid_end)
        );
        (report.measured.counts, report.coverage, mode)
    } else {
        progress("Summing daily increases over the window…".into());
        let days = period / DAY_MS;
        if days < 1 || period % DAY_MS != 0 {
            return Err(PanelError {
                kind: "SLO window".into(),
                message: format!("the {win} window is too long to fetch raw and is not a whole number of days to sum daily increases"),
            });
        }
        let (ev_days, ev_query) = daily_increases(source, ev_sel, grid_end, days).await?;
        let (tot_days, _) = daily_increases(source, tot_sel, grid_end, days).await?;
        let sum = |v: &[(i64, f64)]| v.iter().map(|(_, x)| x).sum::<f64>();
        let (ev_sum, tot_sum) = (sum(&ev_days), sum(&tot_days));
        let covered = tot_days.iter().filter(|(_, v)| *v > 0.0).count();
        let bad = match slo.sli.counted() {
            Counted::Bad => ev_sum,
            Counted::Good => tot_sum - ev_sum,
        };
        let counts = WindowCounts { bad, total: tot_sum, steps: days as usize, covered_steps: covered };
        let coverage = Coverage { covered_ms: covered as i64 * DAY_MS, elapsed_ms: period, period_ms: period };
        let mode = format!(
            "SLI and budget: {} — the sum of {days} daily values of {ev_query} (and the same for the valid events) from one query_range at 1 d steps ending {}, because the raw samples of the whole {win} window (~{}) exceed this page's {}-sample budget per SLO. Alert tiers and burn rates: {} ({mode_raw}).",
            CountMode::Prometheus.label(),
            utc(grid_end),
            group_thousands(full_samples),
            group_thousands(TILE_SAMPLE_BUDGET),
            CountMode::Exact.label(),
        );
        (counts, coverage, mode)
    };
    let e = counts.error_ratio();
    let remaining = e.map(|e| 1.0 - budget_consumed(e, budget));
    let status = policy_classify(remaining, firing);
    let count_text = format!("{:.0} bad of {:.0} valid events", counts.bad.clamp(0.0, counts.total.max(0.0)), counts.total);
    let method = BudgetingMethod::Occurrences.describe();
    Ok(TileResult {
        status,
        sli: e.map(|e| 1.0 - e),
        sli_title: format!("SLI over the last {win}: {method}; {count_text}."),
        remaining,
        remaining_title: format!(
            "Error budget remaining over the last {win} = 1 − (1 − SLI) / (1 − objective) = 1 − error ratio / {}; negative when overspent; {count_text}.",
            budget.to_decimal_string(18)
        ),
        fastest,
        fastest_title,
        coverage: coverage.label(),
        coverage_title: format!(
            "Time of the {win} window with data ({}): {}",
            if exact_window { "1 min steps with an exact counter increase" } else { "days whose sum(increase(…[1d])) of valid events is above 0" },
            pct(coverage.share(), 1)
        ),
        firing_now,
        history,
        derivation: format!(
            "{sli_mode} Burn rate = error ratio over a window / {}; tiers: {} (fires when both its long and short window burn above the factor). Status bands: {}.",
            budget.to_decimal_string(18),
            tiers.iter().map(|t| format!("{}: {}", t.name, t.derivation(period))).collect::<Vec<_>>().join("; "),
            StatusPolicy::default().describe()
        ),
        warnings,
    })
}

/// Window of the time-to-exhaustion burn rate (not shown on the tile yet).
const TTE_WINDOW_MS: i64 = 3_600_000;

fn policy_classify(remaining: Option<f64>, firing: Option<Severity>) -> Status {
    StatusPolicy::default().classify(remaining, firing)
}

/// The highest burn rate over the tiers' long windows at the last grid time, and every tier's
/// long/short burn in the tooltip.
fn fastest_burn(timelines: &[TierTimeline], budget: f64, period_ms: i64) -> (Option<(f64, i64, String)>, String) {
    let mut best: Option<(f64, i64, String)> = None;
    let mut lines = Vec::new();
    for t in timelines {
        let long = t.long_burn.last().copied().flatten();
        let short = t.short_burn.last().copied().flatten();
        let f = t.tier.factor.to_f64();
        let show = |b: Option<f64>| b.map_or_else(|| "no data".to_string(), |b| format!("{b:.2}×"));
        lines.push(format!(
            "{} ({}): {} over {}, {} over {} (fires above {f}× = error ratio {:.4}%); {}",
            t.tier.name,
            t.tier.severity.label(),
            show(long),
            format_prom_duration(t.tier.long_ms.max(0) as u64),
            show(short),
            format_prom_duration(t.tier.short_ms.max(0) as u64),
            t.error_ratio_threshold * 100.0,
            t.tier.derivation(period_ms),
        ));
        if let Some(b) = long {
            if best.as_ref().map_or(true, |(x, _, _)| b > *x) {
                best = Some((b, t.tier.long_ms, t.tier.name.clone()));
            }
        }
    }
    let title = format!(
        "Burn rate = error ratio over the window / error budget ({budget}), now, from raw samples (exact). Fastest of the Google SRE workbook tiers' long windows. {}",
        lines.join(" | ")
    );
    (best, title)
}

/// Firing intervals of each tier that end after `since_ms` (at most the 3 latest per tier), as
/// `page, fast Wed 15:22–15:44 UTC`; an interval reaching `now_ms` ends "now".
fn history_text(timelines: &[TierTimeline], since_ms: i64, now_ms: i64) -> Vec<String> {
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).single().map_or_else(|| ms.to_string(), |t| t.format("%a %H:%M").to_string());
    timelines
        .iter()
        .filter_map(|t| {
            let recent: Vec<_> = t.intervals.iter().filter(|iv| iv.last_ms > since_ms).collect();
            if recent.is_empty() {
                return None;
            }
            let shown: Vec<String> = recent
                .iter()
                .rev()
                .take(3)
                .rev()
                .map(|iv| {
                    let from = if iv.first_ms <= since_ms { "before the last 24 h".to_string() } else { at(iv.first_ms) };
                    let to = if iv.last_ms >= now_ms { "now".to_string() } else { at(iv.last_ms) };
                    format!("{from} – {to}")
                })
                .collect();
            let more = recent.len().saturating_sub(3);
            let more = if more > 0 { format!(" (+{more} earlier)") } else { String::new() };
            Some(format!("{}: {} UTC{more}", t.tier.name, shown.join(", ")))
        })
        .collect()
}
