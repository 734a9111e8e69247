//! SLI over a period, error budget, burn rate and time to exhaustion (algorithms.md §6.2–6.4,
//! OpenSLO `budgetingMethod`).
//!
//! Definitions (B = 1 − objective, exact):
//! - **Occurrences** (OpenSLO; Pyrra's formula): `SLI = Σgood / Σvalid` over the period — a ratio
//!   of sums.
//! - **Timeslices** (OpenSLO): the period is cut into slices of `slice_ms`; a slice is good when
//!   its own ratio is at least `timeSliceTarget` (a per-slice criterion, not the objective, E44);
//!   `SLI = good slices / slices with events`.
//! - **RatioTimeslices** (OpenSLO): `SLI = mean of the slice ratios` (a mean of ratios, which
//!   weights quiet slices like busy ones; Sloth's 30-day SLI is of this kind over 5-minute ratios).
//! - consumed `= (1 − SLI) / B = e / B` (no `max(0, …)`, E41); remaining `= 1 − consumed`, negative on
//!   overspend; budget in time `= B × period`; in events `= B × valid events`.
//! - burn rate `b(W) = e(W) / B`; budget consumed in `W` at `b` = `b · W / period`;
//!   time to exhaustion `= remaining · period / b`, only when `b > 0` and remaining > 0, stating
//!   the window `b` was measured over (E42).
//!
//! No data (no valid event, no slice with events) is `None` everywhere, never 100 % (E43); the
//! report carries the data coverage (share of the period with data) so a young SLO reads
//! "12 of 30 days covered". Slices are aligned to the end of the measured interval and a partial
//! slice at its start is left out.

use super::events::{CountMode, SliEvents, WindowCounts};
use super::objective::{Objective, Ratio, SliceTarget};
use super::window::ResolvedWindow;
use super::SloError;

/// How the SLI and the budget are computed over the period (OpenSLO `budgetingMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BudgetingMethod {
    /// Ratio of sums of events.
    Occurrences,
    /// Share of good slices; a slice is good when its ratio ≥ `target`.
    Timeslices { slice_ms: i64, target: SliceTarget },
    /// Mean of the slice ratios.
    RatioTimeslices { slice_ms: i64 },
}

impl BudgetingMethod {
    /// The OpenSLO name.
    pub fn name(&self) -> &'static str {
        match self {
            BudgetingMethod::Occurrences => "Occurrences",
            BudgetingMethod::Timeslices { .. } => "Timeslices",
            BudgetingMethod::RatioTimeslices { .. } => "RatioTimeslices",
        }
    }

    /// How the SLI is formed, for display next to the number.
    pub fn describe(&self) -> String {
        match self {
            BudgetingMethod::Occurrences => "ratio of sums: good events / valid events over the period".to_string(),
            BudgetingMethod::Timeslices { slice_ms, target } => format!(
                "time slices: good {} slices / slices with events; a slice is good when its ratio ≥ {}",
                crate::time::format_prom_duration((*slice_ms).max(0) as u64),
                target.ratio().to_decimal_string(18)
            ),
            BudgetingMethod::RatioTimeslices { slice_ms } => format!(
                "mean of ratios: mean of the {} slice ratios (quiet slices weigh like busy ones)",
                crate::time::format_prom_duration((*slice_ms).max(0) as u64)
            ),
        }
    }
}

/// Slice tallies of the time-slice methods.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SliceCounts {
    pub slice_ms: i64,
    /// Slices meeting the slice target (Timeslices) — for RatioTimeslices, slices with events.
    pub good: usize,
    /// Slices missing the slice target (Timeslices only).
    pub bad: usize,
    /// Slices with data but no valid event (left out of the SLI).
    pub empty: usize,
    /// Slices without data (left out of the SLI).
    pub no_data: usize,
}

/// The SLI over one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SliMeasure {
    /// The SLI in `[0, 1]`; `None` = no data.
    pub sli: Option<f64>,
    /// The error ratio `1 − SLI`, computed directly (bad / valid) rather than as `1 − SLI`, so
    /// it carries no `1 − 0.999` rounding; `None` = no data.
    pub error_ratio: Option<f64>,
    /// Event counts over the interval (all methods).
    pub counts: WindowCounts,
    /// Slice tallies (time-slice methods).
    pub slices: Option<SliceCounts>,
}

/// The SLI over `(start_ms, end_ms]` with `method`.
pub fn measure(method: &BudgetingMethod, events: &SliEvents<'_>, start_ms: i64, end_ms: i64) -> Result<SliMeasure, SloError> {
    let span = end_ms.saturating_sub(start_ms);
    let counts = if span > 0 { events.counts_at(end_ms, span).unwrap_or_default() } else { WindowCounts::default() };
    let slice_ms = match *method {
        BudgetingMethod::Occurrences => {
            let e = counts.error_ratio();
            return Ok(SliMeasure { sli: e.map(|e| 1.0 - e), error_ratio: e, counts, slices: None });
        }
        BudgetingMethod::Timeslices { slice_ms, .. } | BudgetingMethod::RatioTimeslices { slice_ms } => slice_ms,
    };
    let step = events.grid().step_ms;
    if slice_ms <= 0 || (events.mode() == CountMode::Exact && slice_ms % step.max(1) != 0) {
        return Err(SloError::Slice { slice_ms, step_ms: step });
    }
    let n = usize::try_from(span.max(0) / slice_ms).unwrap_or(0);
    let mut tally = SliceCounts { slice_ms, ..SliceCounts::default() };
    let mut error_sum = 0.0;
    for k in 0..n {
        let slice_end = end_ms - (k as i64) * slice_ms;
        let c = events.counts_at(slice_end, slice_ms).unwrap_or_default();
        if c.covered_steps == 0 {
            tally.no_data += 1;
            continue;
        }
        let Some(e) = c.error_ratio() else {
            tally.empty += 1;
            continue;
        };
        match method {
            BudgetingMethod::Timeslices { target, .. } => {
                if target.is_met(c.total - c.bad.clamp(0.0, c.total), c.total) {
                    tally.good += 1;
                } else {
                    tally.bad += 1;
                }
            }
            _ => {
                tally.good += 1;
                error_sum += e;
            }
        }
    }
    let error_ratio = match method {
        BudgetingMethod::Timeslices { .. } => {
            let all = tally.good + tally.bad;
            (all > 0).then(|| tally.bad as f64 / all as f64)
        }
        _ => (tally.good > 0).then(|| error_sum / tally.good as f64),
    };
    Ok(SliMeasure { sli: error_ratio.map(|e| 1.0 - e), error_ratio, counts, slices: Some(tally) })
}

/// `e / B` with `e = 1 − SLI` the error ratio: the share of the budget spent (> 1 on
/// overspend). Pass the error ratio itself, not `1 − SLI` recomputed in floating point.
pub fn budget_consumed(error_ratio: f64, budget: Ratio) -> f64 {
    error_ratio / budget.to_f64()
}

/// `e / B`: how many times faster than "exactly on budget" errors arrive.
pub fn burn_rate(error_ratio: f64, budget: Ratio) -> f64 {
    error_ratio / budget.to_f64()
}

/// Share of the whole period's budget consumed by burning at `burn` for `window_ms`:
/// `b · W / period`.
pub fn budget_consumed_in(burn: f64, window_ms: i64, period_ms: i64) -> f64 {
    burn * window_ms as f64 / period_ms as f64
}

/// `remaining · period / b` in ms; `None` unless `b > 0` and `remaining > 0` (E43: an absent
/// value is `None`, not 0).
pub fn time_to_exhaustion_ms(remaining: f64, period_ms: i64, burn: f64) -> Option<f64> {
    (burn > 0.0 && remaining > 0.0 && burn.is_finite() && remaining.is_finite() && period_ms > 0)
        .then(|| remaining * period_ms as f64 / burn)
}

/// How much of the period has data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Time with data (covered grid steps × step).
    pub covered_ms: i64,
    /// Time elapsed in the period (`period_ms` for a rolling window).
    pub elapsed_ms: i64,
    /// The whole period.
    pub period_ms: i64,
}

impl Coverage {
    /// `covered / period` in `[0, 1]`.
    pub fn share(&self) -> f64 {
        if self.period_ms <= 0 {
            0.0
        } else {
            (self.covered_ms as f64 / self.period_ms as f64).clamp(0.0, 1.0)
        }
    }

    /// `12 of 30 days covered` (whole days, rounded down; hours below two days).
    pub fn label(&self) -> String {
        const DAY: i64 = 86_400_000;
        const HOUR: i64 = 3_600_000;
        if self.period_ms >= 2 * DAY {
            format!("{} of {} days covered", self.covered_ms / DAY, self.period_ms / DAY)
        } else {
            format!("{} of {} hours covered", self.covered_ms / HOUR, self.period_ms / HOUR)
        }
    }
}

/// Burn rate over one window ending now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnRate {
    pub window_ms: i64,
    /// `e(W) / B`; `None` = no data.
    pub rate: Option<f64>,
    pub counts: WindowCounts,
}

/// When the budget runs out at the current burn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exhaustion {
    /// The window the burn rate was measured over (say it: "at the last 1 h's burn").
    pub burn_window_ms: i64,
    pub burn_rate: f64,
    /// `remaining · period / b`.
    pub tte_ms: f64,
    /// `now + tte`.
    pub at_ms: i64,
}

/// Everything shown for one SLO at one `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct SloReport {
    pub objective: Objective,
    /// `1 − objective`, exact.
    pub budget: Ratio,
    pub method: BudgetingMethod,
    pub count_mode: CountMode,
    pub window: ResolvedWindow,
    /// The SLI over the elapsed part of the period.
    pub measured: SliMeasure,
    /// `(1 − SLI) / B`; `None` = no data.
    pub consumed: Option<f64>,
    /// `1 − consumed` (negative on overspend).
    pub remaining: Option<f64>,
    /// `B × period` in ms (99.9 % over 30 d = 43.2 min).
    pub budget_time_ms: f64,
    /// `B × valid events` so far (Occurrences); `None` without events.
    pub budget_events: Option<f64>,
    pub coverage: Coverage,
    pub burn_rates: Vec<BurnRate>,
    /// At the burn of `tte_window_ms`; `None` when not burning, exhausted or without data.
    pub exhaustion: Option<Exhaustion>,
}

/// The report for `objective` over `window` (resolved at its `now_ms`): SLI, budget, burn rates
/// over each of `burn_windows_ms` ending now, and the time to exhaustion at the burn of
/// `tte_window_ms`. Burn rates use the same budgeting method as the SLI.
pub fn slo_report(
    objective: Objective,
    method: BudgetingMethod,
    window: ResolvedWindow,
    events: &SliEvents<'_>,
    burn_windows_ms: &[i64],
    tte_window_ms: i64,
) -> Result<SloReport, SloError> {
    let budget = objective.budget();
    let b = budget.to_f64();
    let start = window.start_ms;
    let end = window.evaluated_end_ms();
    let now = window.now_ms;
    let measured = measure(&method, events, start, end)?;
    let consumed = measured.error_ratio.map(|e| budget_consumed(e, budget));
    let remaining = consumed.map(|c| 1.0 - c);
    let period_ms = window.period_ms();
    let (covered_steps, _) = events.covered_steps_between(start, end);
    let step = events.grid().step_ms.max(0);
    let coverage = Coverage {
        covered_ms: (covered_steps as i64).saturating_mul(step).min(window.elapsed_ms()),
        elapsed_ms: window.elapsed_ms(),
        period_ms,
    };
    let rate_over = |w: i64| -> Result<BurnRate, SloError> {
        let m = measure(&method, events, now.saturating_sub(w), now)?;
        Ok(BurnRate { window_ms: w, rate: m.error_ratio.map(|e| burn_rate(e, budget)), counts: m.counts })
    };
    let burn_rates = burn_windows_ms.iter().map(|&w| rate_over(w)).collect::<Result<Vec<_>, _>>()?;
    let tte_rate = rate_over(tte_window_ms)?;
    let exhaustion = match (remaining, tte_rate.rate) {
        (Some(r), Some(br)) => time_to_exhaustion_ms(r, period_ms, br).map(|tte| Exhaustion {
            burn_window_ms: tte_window_ms,
            burn_rate: br,
            tte_ms: tte,
            at_ms: now.saturating_add(tte.min(i64::MAX as f64) as i64),
        }),
        _ => None,
    };
    let budget_events = (matches!(method, BudgetingMethod::Occurrences) && measured.counts.total > 0.0)
        .then_some(b * measured.counts.total);
    Ok(SloReport {
        objective,
        budget,
        method,
        count_mode: events.mode(),
        window,
        measured,
        consumed,
        remaining,
        budget_time_ms: Ratio::from_u128(u128::from(budget.num()) * period_ms as u128, u128::from(budget.den()))
            .map_or(b * period_ms as f64, Ratio::to_f64),
        budget_events,
        coverage,
        burn_rates,
        exhaustion,
    })
}
