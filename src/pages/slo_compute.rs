//! Computes one SLO in the browser from raw samples, for its tile and its page, on any
//! Prometheus-compatible source (the demo included), with the core's SLO module.
//!
//! - **Alert tiers** (always exact): the raw samples of both selectors over the tiers' longest
//!   lookback plus a day of history are fetched in chunked range-selector queries
//!   ([`raw_chunks`], [`range_selector_requests`], [`fetch_raw`]), turned into [`SliEvents`]
//!   (exact, 1-minute grid) and evaluated with [`would_have_fired`].
//! - **SLI and budget over the window**: exact from the same raw samples when the whole elapsed
//!   window fits [`TILE_SAMPLE_BUDGET`] raw samples ([`slo_report`], any budgeting method);
//!   otherwise Prometheus-compatible, counted by the backend (the tile says so): for Occurrences
//!   ([`increase_plan`]) the daily `sum(increase(sel[1d]))` values of one `query_range` at 1-day
//!   steps ending now, plus one instant `sum(increase(sel[<rest>]))` for the rest of the window
//!   before them (a calendar month so far, a `36h` window), with coverage = pieces that returned
//!   valid events; for the time-slice methods every slice's increase
//!   ([`super::slo_server`]).
//! - The chart series of the SLO page ([`slo_history`]) come from the same grid.
//!
//! Chunk sizes and sample estimates assume a 15 s scrape interval (the derivation says so).

use chrono::{TimeZone, Utc};
use sightline_core::counters::EvalGrid;
use sightline_core::datasource::DataSource;
use sightline_core::format::group_thousands;
use sightline_core::formats::prometheus::{PromRequest, ResultData};
use sightline_core::plan::{range_selector_requests, raw_chunks};
use sightline_core::series::Series;
use sightline_core::slo::history::{slo_history, SloHistory};
use sightline_core::slo::server_counts::increase_plan;
use sightline_core::slo::spec::{SliDef, SloDefinition, Zone};
use sightline_core::slo::{
    budget_consumed, lookback_ms, slo_report, would_have_fired, BudgetingMethod, CountMode,
    Counted, Coverage, ResolvedWindow, SliEvents, SloError, SloWindow, Status, StatusPolicy,
    TierTimeline, WindowCounts,
};
use sightline_core::time::format_prom_duration;

use crate::sources::query::{run, PanelError};
use crate::sources::raw::{count_series, fetch_raw};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// Assumed scrape interval for chunking and sample estimates.
pub const ASSUMED_SCRAPE_MS: i64 = 15_000;
/// The evaluation grid's step (≥ a 15 s scrape interval, ≤ the 5 min shortest tier window).
pub const GRID_STEP_MS: i64 = MINUTE_MS;
/// Alert history shown per tile.
pub const HISTORY_MS: i64 = DAY_MS;
/// Raw samples (series × scrapes) one SLO may pull to compute its whole window exactly. Several
/// tiles load at once; 1M samples is ~26 MB of JSON and about a second of decoding in WASM.
pub const TILE_SAMPLE_BUDGET: u64 = 1_000_000;
/// Window of the time-to-exhaustion burn rate.
pub const TTE_WINDOW_MS: i64 = 3_600_000;
/// Points per chart series on the SLO page.
const CHART_POINTS: usize = 1_500;

/// What a tile and the SLO page show once computed.
#[derive(Debug, Clone, PartialEq)]
pub struct SloOutcome {
    pub status: Status,
    pub sli: Option<f64>,
    pub sli_title: String,
    pub remaining: Option<f64>,
    pub remaining_title: String,
    /// (burn rate, window, tier) of the tier window burning fastest now.
    pub fastest: Option<(f64, i64, String)>,
    pub fastest_title: String,
    pub coverage: String,
    pub coverage_title: String,
    pub firing_now: Vec<String>,
    pub history: Vec<String>,
    pub derivation: String,
    pub warnings: Vec<String>,
    /// Bad and valid events over the window, and the error budget in events.
    pub counts: WindowCounts,
    /// Per tier: (name, severity, long burn now, short burn now, factor, derivation).
    pub tiers: Vec<TierNow>,
    /// Chart series and the grid they span.
    pub charts: SloHistory,
    pub grid_start_ms: i64,
    pub grid_end_ms: i64,
    /// Queries sent, in order, for the derivation panel.
    pub queries: Vec<String>,
    /// Time to exhaustion at the last hour's burn, ms.
    pub tte_ms: Option<f64>,
    /// The error budget in time, `B × period` (99.9 % over 30 d = 43.2 min), ms.
    pub budget_time_ms: f64,
    /// The period's length, ms.
    pub period_ms: i64,
}

/// One tier's numbers now.
#[derive(Debug, Clone, PartialEq)]
pub struct TierNow {
    pub name: String,
    pub severity: String,
    pub summary: String,
    pub long_burn: Option<f64>,
    pub short_burn: Option<f64>,
    pub factor: f64,
    pub error_ratio_threshold: f64,
    pub firing_now: bool,
    pub intervals: Vec<(i64, i64)>,
    pub derivation: String,
}

pub(super) fn slo_error(e: SloError) -> PanelError {
    PanelError {
        kind: "SLO definition".into(),
        message: e.to_string(),
    }
}

/// `2026-12-03 07:00 UTC`.
pub fn utc(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// A ratio in percent with a Unicode minus.
pub fn pct(x: f64, decimals: usize) -> String {
    format!("{:.*}%", decimals, x * 100.0).replace('-', "−")
}

/// Raw samples of `selector` in `[start_ms, end_ms]`.
async fn raw(
    source: &DataSource,
    selector: &str,
    start_ms: i64,
    end_ms: i64,
) -> Result<(Vec<Series>, Vec<String>, Vec<String>), PanelError> {
    let chunks = raw_chunks(start_ms, end_ms, ASSUMED_SCRAPE_MS);
    let requests = range_selector_requests(selector, &chunks);
    let texts = requests
        .iter()
        .map(|r| match r {
            PromRequest::Instant {
                query,
                time_ms: Some(t),
            } => format!("GET /api/v1/query?query={query} at {}", utc(*t)),
            PromRequest::Instant {
                query,
                time_ms: None,
            } => format!("GET /api/v1/query?query={query}"),
            other => format!("{other:?}"),
        })
        .collect();
    let (series, warnings) = fetch_raw(source, &requests, (start_ms, end_ms), None)
        .await?
        .ok_or_else(|| PanelError {
            kind: "Cancelled".into(),
            message: "The fetch was replaced by a newer one.".into(),
        })?;
    Ok((series, warnings, texts))
}

/// `selector`'s events over `(start_ms, end_ms]` counted by the backend's `increase()` over the
/// pieces of [`increase_plan`]: (piece length ms, value) for every piece that returned a value,
/// and the queries as text.
async fn server_increase(
    source: &DataSource,
    selector: &str,
    start_ms: i64,
    end_ms: i64,
) -> Result<(Vec<(i64, f64)>, Vec<String>), PanelError> {
    let plan = increase_plan(selector, start_ms, end_ms);
    let mut pieces = Vec::new();
    let mut texts = Vec::new();
    for req in plan.daily.iter().chain(&plan.rest) {
        let resp = run(source, req, None).await?.ok_or_else(|| PanelError {
            kind: "Cancelled".into(),
            message: "The query was replaced by a newer one.".into(),
        })?;
        let unexpected = |query: &str, what: &str| PanelError {
            kind: "Unexpected result".into(),
            message: format!("{query} did not return {what}."),
        };
        match (req, resp.data) {
            (PromRequest::Range { query, .. }, ResultData::Matrix(s)) => {
                texts.push(format!("{query} at 1d steps ending {}", utc(end_ms)));
                pieces.extend(s.into_iter().flat_map(|s| s.values).filter(|v| v.is_finite()).map(|v| (DAY_MS, v)));
            }
            (PromRequest::Instant { query, time_ms }, ResultData::Vector(v)) => {
                texts.push(format!("{query} at {}", utc(time_ms.unwrap_or(end_ms))));
                pieces.extend(v.into_iter().map(|x| x.value).filter(|v| v.is_finite()).map(|v| (plan.rest_ms, v)));
            }
            (PromRequest::Range { query, .. }, _) => return Err(unexpected(query, "a matrix")),
            (PromRequest::Instant { query, .. }, _) => return Err(unexpected(query, "a vector")),
            (other, _) => return Err(unexpected(&format!("{other:?}"), "a result")),
        }
    }
    Ok((pieces, texts))
}

pub(super) fn resolve(def: &SloDefinition, at_ms: i64) -> Result<ResolvedWindow, SloError> {
    match &def.zone {
        Zone::Fixed(o) => def.window.resolve(at_ms, o),
        Zone::Named(name) => super::slo_zone::resolve_named(&def.window, at_ms, name),
        Zone::Utc => def.window.resolve(at_ms, &Utc),
    }
}

/// The zone the window is resolved in, for text.
fn zone_text(def: &SloDefinition) -> String {
    match &def.zone {
        Zone::Fixed(o) => format!("UTC{o}"),
        Zone::Named(name) => name.clone(),
        Zone::Utc => "UTC".to_string(),
    }
}

/// The resolved window and the 1-minute grid of an SLI counted at the source (traces, logs): the
/// whole elapsed window or the alert tiers' lookback plus [`HISTORY_MS`], whichever is longer,
/// ending on the last whole minute before `now_ms`.
pub(super) fn counted_grid(def: &SloDefinition, now_ms: i64) -> Result<(ResolvedWindow, EvalGrid), PanelError> {
    let grid_end = now_ms.div_euclid(GRID_STEP_MS) * GRID_STEP_MS;
    let window = resolve(def, grid_end).map_err(slo_error)?;
    let span = window.elapsed_ms().max(lookback_ms(&def.alerts.tiers) + HISTORY_MS);
    Ok((window, EvalGrid { start_ms: grid_end - span + GRID_STEP_MS, end_ms: grid_end, step_ms: GRID_STEP_MS }))
}

/// Computes `def` at `now_ms`; `progress` receives status lines.
pub async fn compute(
    source: &DataSource,
    def: &SloDefinition,
    now_ms: i64,
    progress: impl Fn(String),
) -> Result<SloOutcome, PanelError> {
    if let SliDef::Logs { .. } = def.sli {
        return super::slo_logs::compute(source, def, now_ms, progress).await;
    }
    let Some((ev_sel, tot_sel)) = def.sli.metric_selectors() else {
        return super::slo_traces::compute(source, def, now_ms, progress).await;
    };
    let lookback = lookback_ms(&def.alerts.tiers);
    let mut queries: Vec<String> = Vec::new();

    // The grid ends on the last whole minute; events of step k are those in (t_k − 1 min, t_k].
    let grid_end = now_ms.div_euclid(GRID_STEP_MS) * GRID_STEP_MS;
    let window = resolve(def, grid_end).map_err(slo_error)?;
    let period = window.period_ms();
    let elapsed = window.elapsed_ms();
    let alert_span = lookback + HISTORY_MS;

    progress("Counting the matching series…".into());
    let full_span = elapsed.max(alert_span);
    let n_ev = count_series(source, ev_sel, grid_end - full_span, grid_end).await?;
    let n_tot = count_series(source, tot_sel, grid_end - full_span, grid_end).await?;
    queries.push(format!(
        "count of series matching {ev_sel} and {tot_sel} over the last {}",
        format_prom_duration(full_span.max(0) as u64)
    ));
    let per_series = |span: i64| u64::try_from(span / ASSUMED_SCRAPE_MS).unwrap_or(u64::MAX);
    let full_samples = (n_ev + n_tot).saturating_mul(per_series(full_span));
    let exact_window = full_samples <= TILE_SAMPLE_BUDGET;
    let span = if exact_window { full_span } else { alert_span };

    // Raw samples, with one step before the grid as the baseline of the first step's increase.
    let grid = EvalGrid {
        start_ms: grid_end - span + GRID_STEP_MS,
        end_ms: grid_end,
        step_ms: GRID_STEP_MS,
    };
    let fetch_start = grid.start_ms - GRID_STEP_MS;
    let samples = (n_ev + n_tot).saturating_mul(per_series(span));
    progress(format!(
        "Fetching ~{} raw samples over {}…",
        group_thousands(samples),
        format_prom_duration(span as u64)
    ));
    let (ev_series, mut warnings, ev_q) = raw(source, ev_sel, fetch_start, grid_end).await?;
    let (tot_series, tot_warnings, tot_q) = raw(source, tot_sel, fetch_start, grid_end).await?;
    queries.extend(ev_q);
    queries.extend(tot_q);
    warnings.extend(tot_warnings);
    progress("Computing…".into());
    let latency_buckets: Vec<Series>;
    let events = match &def.sli {
        SliDef::Ratio { counted, .. } => {
            SliEvents::ratio(*counted, &ev_series, &tot_series, grid, CountMode::Exact)
        }
        SliDef::Latency { threshold_le, buckets, .. } => {
            latency_buckets = if ev_series.is_empty() {
                // No bucket at the threshold: fetch every bucket so the core interpolates between
                // the neighbouring edges and flags it (a warning on the tile names the edges).
                if !exact_window {
                    return Err(PanelError {
                        kind: "Latency threshold".into(),
                        message: format!(
                            "no bucket has le=\"{threshold_le}\", and the window is too long to interpolate from raw buckets; use an existing bucket edge"
                        ),
                    });
                }
                progress("No bucket at the threshold: fetching every bucket to interpolate…".into());
                let (all, w, q) = raw(source, buckets, fetch_start, grid_end).await?;
                warnings.extend(w);
                queries.extend(q);
                all
            } else {
                ev_series.iter().chain(&tot_series).cloned().collect()
            };
            SliEvents::latency(&latency_buckets, *threshold_le, grid, CountMode::Exact)
        }
        // Handed to slo_traces and slo_logs above; they have no selectors to count here.
        SliDef::Traces { .. } | SliDef::Logs { .. } => {
            return Err(PanelError {
                kind: "SLO definition".into(),
                message: "an SLI from traces or logs has no Prometheus selectors".into(),
            })
        }
    }
    .map_err(slo_error)?;
    warnings.extend(events.warnings().iter().cloned());

    let raw_text = format!(
        "{} series, {} raw samples in range-selector queries over ({}, {}] (chunks sized for a 15 s scrape interval)",
        n_ev + n_tot,
        group_thousands(ev_series.iter().chain(&tot_series).map(|s| s.t_ms.len() as u64).sum::<u64>()),
        utc(fetch_start),
        utc(grid_end)
    );
    let win_text = window_text(def, &window);
    let sli = if exact_window {
        window_sli(
            def,
            window,
            &events,
            CountMode::Exact,
            format!("{} over {win_text} from the reset-corrected counter increases per 1 min step ({raw_text})", def.method.describe()),
        )?
    } else {
        let too_many = format!(
            "the raw samples of the whole window (~{}) exceed this page's {}-sample budget",
            group_thousands(full_samples),
            group_thousands(TILE_SAMPLE_BUDGET)
        );
        if let BudgetingMethod::Timeslices { slice_ms, .. }
        | BudgetingMethod::RatioTimeslices { slice_ms } = def.method
        {
            progress("Counting every time slice at the backend…".into());
            let (sli, q) = super::slo_server::slices_at_backend(
                source,
                def,
                window,
                slice_ms,
                (ev_sel, tot_sel),
                &format!("{too_many}. Alert tiers and burn rates: {} ({raw_text})", CountMode::Exact.label()),
            )
            .await?;
            queries.extend(q);
            return outcome(def, window, grid, &events, sli, "slices whose sum(increase(…)) of valid events is above 0", warnings, queries);
        }
        // Whole days ending at the evaluated end, and the rest of the window before them.
        let (start, end) = (window.start_ms, window.evaluated_end_ms());
        let plan = increase_plan(ev_sel, start, end);
        progress("Summing increases over the window at the backend…".into());
        let (ev_pieces, ev_q) = server_increase(source, ev_sel, start, end).await?;
        let (tot_pieces, tot_q) = server_increase(source, tot_sel, start, end).await?;
        let ev_text = ev_q.join(" and ");
        queries.extend(ev_q);
        queries.extend(tot_q);
        let sum = |v: &[(i64, f64)]| v.iter().map(|(_, x)| x).sum::<f64>();
        let (ev_sum, tot_sum) = (sum(&ev_pieces), sum(&tot_pieces));
        let covered: Vec<i64> = tot_pieces.iter().filter(|(_, v)| *v > 0.0).map(|(len, _)| *len).collect();
        let bad = match def.sli.counted() {
            Counted::Bad => ev_sum,
            Counted::Good => tot_sum - ev_sum,
        };
        let pieces = usize::try_from(plan.days).unwrap_or(0) + usize::from(plan.rest_ms > 0);
        let counts = WindowCounts {
            bad,
            total: tot_sum,
            steps: pieces,
            covered_steps: covered.len(),
        };
        let coverage = Coverage {
            covered_ms: covered.iter().sum(),
            elapsed_ms: window.elapsed_ms(),
            period_ms: period,
        };
        let mode = format!(
            "SLI and budget: {} — the sum of {} over {win_text} ({} daily value(s){}), and the same for the valid events, because the raw samples of the whole window (~{}) exceed this page's {}-sample budget. Alert tiers and burn rates: {} ({raw_text}).",
            CountMode::Prometheus.label(),
            ev_text,
            plan.days,
            if plan.rest_ms > 0 { format!(" and the {} before them", format_prom_duration(plan.rest_ms as u64)) } else { String::new() },
            group_thousands(full_samples),
            group_thousands(TILE_SAMPLE_BUDGET),
            CountMode::Exact.label(),
        );
        WindowSli {
            counts,
            coverage,
            mode,
            sli: counts.error_ratio().map(|e| 1.0 - e),
            tte_ms: None,
        }
    };
    let coverage_rule = if exact_window {
        "1 min steps with an exact counter increase"
    } else {
        "pieces (days, and the rest before them) whose sum(increase(…)) of valid events is above 0"
    };
    outcome(def, window, grid, &events, sli, coverage_rule, warnings, queries)
}

/// The SLI over the window and how it was obtained.
pub(super) struct WindowSli {
    pub counts: WindowCounts,
    pub coverage: Coverage,
    /// The derivation's first sentence.
    pub mode: String,
    pub sli: Option<f64>,
    pub tte_ms: Option<f64>,
}

/// `the last 30d` / `this calendar month in Europe/Berlin (… – …, 3d elapsed)`.
pub(super) fn window_text(def: &SloDefinition, window: &ResolvedWindow) -> String {
    match def.window {
        SloWindow::Rolling { .. } => {
            format!("the last {}", format_prom_duration(window.period_ms().max(0) as u64))
        }
        SloWindow::Calendar(p) => format!(
            "this calendar {} in {} ({} – {}, {} elapsed)",
            p.name(),
            zone_text(def),
            utc(window.start_ms),
            utc(window.end_ms),
            format_prom_duration(window.elapsed_ms().max(0) as u64)
        ),
    }
}

/// The SLI over the whole window from `events` (any budgeting method), whose counts were made
/// in `mode`; `how` says what was counted, for the derivation.
pub(super) fn window_sli(
    def: &SloDefinition,
    window: ResolvedWindow,
    events: &SliEvents<'_>,
    mode: CountMode,
    how: String,
) -> Result<WindowSli, PanelError> {
    let report = slo_report(def.objective, def.method, window, events, &[], TTE_WINDOW_MS).map_err(slo_error)?;
    Ok(WindowSli {
        counts: report.measured.counts,
        coverage: report.coverage,
        mode: format!("SLI and budget: {} — {how}.", mode.label()),
        sli: report.measured.sli,
        tte_ms: report.exhaustion.map(|e| e.tte_ms),
    })
}

/// Everything a tile and the SLO page show, from the events on `grid` and the window's SLI.
#[allow(clippy::too_many_arguments)] // the parts of one computation, each named at the call
pub(super) fn outcome(
    def: &SloDefinition,
    window: ResolvedWindow,
    grid: EvalGrid,
    events: &SliEvents<'_>,
    sli: WindowSli,
    coverage_rule: &str,
    warnings: Vec<String>,
    queries: Vec<String>,
) -> Result<SloOutcome, PanelError> {
    let budget = def.objective.budget();
    let tiers = &def.alerts.tiers;
    let period = window.period_ms();
    let grid_end = grid.end_ms;
    let win_text = window_text(def, &window);
    let timelines = would_have_fired(tiers, events, budget).map_err(slo_error)?;
    let firing = timelines
        .iter()
        .filter(|t| t.firing_now())
        .map(|t| t.tier.severity)
        .max();
    let firing_now: Vec<String> = timelines
        .iter()
        .filter(|t| t.firing_now())
        .map(|t| format!("{} ({})", t.tier.name, t.tier.summary()))
        .collect();
    let history = history_text(&timelines, grid_end - HISTORY_MS, grid_end);
    let (fastest, fastest_title) =
        fastest_burn(&timelines, budget.to_f64(), period, &def.alerts.name);
    let tiers_now = tiers_now(&timelines, period);
    let WindowSli {
        counts,
        coverage,
        mode: sli_mode,
        sli: sli_value,
        tte_ms,
    } = sli;
    let e = sli_value.map(|s| 1.0 - s);
    let remaining = e.map(|e| 1.0 - budget_consumed(e, budget));
    let status = StatusPolicy::default().classify(remaining, firing);
    let count_text = format!(
        "{:.0} bad of {:.0} valid events",
        counts.bad.clamp(0.0, counts.total.max(0.0)),
        counts.total
    );
    let method = def.method.describe();
    let charts = slo_history(
        events,
        def.objective.to_f64(),
        budget,
        period,
        window.start_ms,
        &timelines,
        CHART_POINTS,
    );
    Ok(SloOutcome {
        status,
        sli: sli_value,
        sli_title: format!("SLI over {win_text}: {method}; {count_text}."),
        remaining,
        remaining_title: format!(
            "Error budget remaining over {win_text} = 1 − (1 − SLI) / (1 − objective) = 1 − error ratio / {}; negative when overspent; {count_text}.",
            budget.to_decimal_string(18)
        ),
        fastest,
        fastest_title,
        coverage: coverage.label(),
        coverage_title: format!(
            "Time of the window with data ({coverage_rule}): {}",
            pct(coverage.share(), 1)
        ),
        firing_now,
        history,
        derivation: format!(
            "{sli_mode} Burn rate = error ratio over a window / {}; tiers ({}): {} (a tier fires when both its long and short window burn above the factor). Status bands: {}.",
            budget.to_decimal_string(18),
            def.alerts.name,
            tiers.iter().map(|t| format!("{}: {}", t.name, t.derivation(period))).collect::<Vec<_>>().join("; "),
            StatusPolicy::default().describe()
        ),
        warnings,
        counts,
        tiers: tiers_now,
        charts,
        grid_start_ms: grid.start_ms,
        grid_end_ms: grid_end,
        queries,
        tte_ms,
        budget_time_ms: budget.to_f64() * period as f64,
        period_ms: period,
    })
}

fn tiers_now(timelines: &[TierTimeline], period_ms: i64) -> Vec<TierNow> {
    timelines
        .iter()
        .map(|t| TierNow {
            name: t.tier.name.clone(),
            severity: t.tier.severity.label().to_string(),
            summary: t.tier.summary(),
            long_burn: t.long_burn.last().copied().flatten(),
            short_burn: t.short_burn.last().copied().flatten(),
            factor: t.tier.factor.to_f64(),
            error_ratio_threshold: t.error_ratio_threshold,
            firing_now: t.firing_now(),
            intervals: t
                .intervals
                .iter()
                .map(|iv| (iv.first_ms, iv.last_ms))
                .collect(),
            derivation: t.tier.derivation(period_ms),
        })
        .collect()
}

/// The highest burn rate over the tiers' long windows at the last grid time, and every tier's
/// long/short burn in the tooltip.
fn fastest_burn(
    timelines: &[TierTimeline],
    budget: f64,
    period_ms: i64,
    preset: &str,
) -> (Option<(f64, i64, String)>, String) {
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
        "Burn rate = error ratio over the window / error budget ({budget}), now, from raw samples (exact). Fastest of the {preset} tiers' long windows. {}",
        lines.join(" | ")
    );
    (best, title)
}

/// Firing intervals of each tier that end after `since_ms` (at most the 3 latest per tier), as
/// `page, fast Wed 15:22–15:44 UTC`; an interval reaching `now_ms` ends "now".
fn history_text(timelines: &[TierTimeline], since_ms: i64, now_ms: i64) -> Vec<String> {
    let at = |ms: i64| {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map_or_else(|| ms.to_string(), |t| t.format("%a %H:%M").to_string())
    };
    timelines
        .iter()
        .filter_map(|t| {
            let recent: Vec<_> = t
                .intervals
                .iter()
                .filter(|iv| iv.last_ms > since_ms)
                .collect();
            if recent.is_empty() {
                return None;
            }
            let shown: Vec<String> = recent
                .iter()
                .rev()
                .take(3)
                .rev()
                .map(|iv| {
                    let from = if iv.first_ms <= since_ms {
                        "before the last 24 h".to_string()
                    } else {
                        at(iv.first_ms)
                    };
                    let to = if iv.last_ms >= now_ms {
                        "now".to_string()
                    } else {
                        at(iv.last_ms)
                    };
                    format!("{from} – {to}")
                })
                .collect();
            let more = recent.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" (+{more} earlier)")
            } else {
                String::new()
            };
            Some(format!("{}: {} UTC{more}", t.tier.name, shown.join(", ")))
        })
        .collect()
}
