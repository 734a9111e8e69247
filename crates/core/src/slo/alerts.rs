//! Multiwindow, multi-burn-rate alerts (algorithms.md §6.5–6.6): tiers, the shipped presets with
//! their derivations, the "would have fired" timeline over a grid, and status bands.
//!
//! A tier `(f, long, short)` fires at `t` when **`b(long) > f` and `b(short) > f`** (and, with a
//! `for:` duration, has done so at every grid time of the last `for_ms`); tiers are OR'ed. The
//! comparison is made on error ratios against the exact threshold `f × B` converted to `f64` once
//! (`e > 0.0144` for 14.4 × 1/1000), so a burn of exactly the factor does not fire (Sloth's
//! `14.4 * 0.0009999999999999432` fires there). A window without valid events never fires.
//! The factor for "budget share p consumed within the long window" is `f = p × period / long`,
//! and a firing tier has consumed `f × long / period` of the budget.
//!
//! Presets: Google SRE workbook (Table 5-8, 30 d: 14.4× 1h/5m, 6× 6h/30m, 1× 3d/6h, plus the
//! common 3× 1d/2h), Sloth 28 d (`google-28d.yaml`: factors derived from the same budget shares
//! over 28 d), Pyrra (`slo/rules.go: Windows`: factors 14/7/2/1, windows scaled from the SLO
//! window and rounded to the minute, with `for:`), and custom tiers.
//!
//! Evaluating every tier at every grid time is O(steps) per window with the prefix sums of
//! [`SliEvents`] (exact mode); Prometheus mode evaluates `increase()` per window in O(n + steps).

use super::events::{SliEvents, WindowCounts};
use super::objective::Ratio;
use super::SloError;
use crate::time::format_prom_duration;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

/// How urgent a tier is. Google: page / ticket; Pyrra and Grafana: critical / warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Ticket,
    Page,
}

impl Severity {
    /// `page (critical)` / `ticket (warning)`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Page => "page (critical)",
            Severity::Ticket => "ticket (warning)",
        }
    }
}

/// Where a tier's factor comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactorOrigin {
    /// Derived: `factor = share × design_period / long` (Google, Sloth, custom by share).
    BudgetShare { share: Ratio, design_period_ms: i64 },
    /// Given as a number (Pyrra's 14/7/2/1, custom by factor).
    Fixed,
}

/// One alert tier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tier {
    pub name: String,
    pub severity: Severity,
    pub long_ms: i64,
    pub short_ms: i64,
    /// Burn-rate factor, exact.
    pub factor: Ratio,
    /// The condition must hold this long before firing (Prometheus `for:`); 0 = at once.
    pub for_ms: i64,
    pub origin: FactorOrigin,
}

fn dur(ms: i64) -> String {
    format_prom_duration(ms.max(0) as u64)
}

fn hours(ms: i64) -> String {
    Ratio::new(ms.max(0) as u64, HOUR as u64).map_or_else(|| "?".to_string(), |r| r.to_decimal_string(3))
}

impl Tier {
    /// A tier consuming `share` of the budget within `long_ms` over `period_ms`:
    /// `factor = share × period / long`.
    pub fn from_budget_share(
        name: &str,
        severity: Severity,
        share: Ratio,
        period_ms: i64,
        long_ms: i64,
        short_ms: i64,
    ) -> Result<Tier, SloError> {
        check_windows(long_ms, short_ms, period_ms)?;
        let factor = share
            .checked_mul(Ratio::new(period_ms as u64, long_ms as u64).ok_or(SloError::Overflow)?)
            .ok_or(SloError::Overflow)?;
        if factor == Ratio::ZERO {
            return Err(SloError::Tier { reason: "the budget share must be above 0".to_string() });
        }
        Ok(Tier {
            name: name.to_string(),
            severity,
            long_ms,
            short_ms,
            factor,
            for_ms: 0,
            origin: FactorOrigin::BudgetShare { share, design_period_ms: period_ms },
        })
    }

    /// A tier with a given factor.
    pub fn from_factor(name: &str, severity: Severity, factor: Ratio, long_ms: i64, short_ms: i64, for_ms: i64) -> Result<Tier, SloError> {
        check_windows(long_ms, short_ms, i64::MAX)?;
        if factor == Ratio::ZERO || for_ms < 0 {
            return Err(SloError::Tier { reason: "the factor must be above 0 and `for` not negative".to_string() });
        }
        Ok(Tier { name: name.to_string(), severity, long_ms, short_ms, factor, for_ms, origin: FactorOrigin::Fixed })
    }

    /// Share of a `period_ms` budget consumed when the tier fires: `factor × long / period`.
    pub fn budget_share(&self, period_ms: i64) -> Option<Ratio> {
        self.factor.checked_mul(Ratio::new(self.long_ms.max(0) as u64, u64::try_from(period_ms).ok()?)?)
    }

    /// The error-ratio threshold `factor × B`, exact.
    pub fn error_ratio_threshold(&self, budget: Ratio) -> Option<Ratio> {
        self.factor.checked_mul(budget)
    }

    /// The derivation shown next to the tier for an SLO period of `period_ms`, e.g.
    /// `factor = budget share × period / long window = 2% × 720 h / 1 h = 14.4`.
    pub fn derivation(&self, period_ms: i64) -> String {
        let f = self.factor.to_decimal_string(4);
        let mut text = match self.origin {
            FactorOrigin::BudgetShare { share, design_period_ms } => format!(
                "factor = budget share × period / long window = {}% × {} h / {} h = {f}",
                share.to_percent_string(4),
                hours(design_period_ms),
                hours(self.long_ms)
            ),
            FactorOrigin::Fixed => match self.budget_share(period_ms) {
                Some(p) => format!(
                    "factor {f} (given) = budget share × period / long window with budget share = {f} × {} h / {} h = {}%",
                    hours(self.long_ms),
                    hours(period_ms),
                    p.to_percent_string(3)
                ),
                None => format!("factor {f} (given)"),
            },
        };
        if let FactorOrigin::BudgetShare { design_period_ms, .. } = self.origin {
            if design_period_ms != period_ms {
                if let Some(p) = self.budget_share(period_ms) {
                    text.push_str(&format!(
                        "; on this SLO's {} period a firing tier has consumed {}% of the budget",
                        dur(period_ms),
                        p.to_percent_string(3)
                    ));
                }
            }
        }
        text
    }

    /// `14.4× over 1h and 5m` (plus `for 2m`).
    pub fn summary(&self) -> String {
        let mut s = format!("{}× over {} and {}", self.factor.to_decimal_string(4), dur(self.long_ms), dur(self.short_ms));
        if self.for_ms > 0 {
            s.push_str(&format!(" for {}", dur(self.for_ms)));
        }
        s
    }
}

fn check_windows(long_ms: i64, short_ms: i64, period_ms: i64) -> Result<(), SloError> {
    if long_ms <= 0 || short_ms <= 0 || short_ms > long_ms || period_ms <= 0 {
        return Err(SloError::Tier {
            reason: "windows must be positive with the short window no longer than the long one".to_string(),
        });
    }
    Ok(())
}

/// Which preset a set of tiers comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PresetId {
    GoogleSre,
    Sloth28d,
    Pyrra,
    Custom,
}

/// A named set of tiers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlertPreset {
    pub id: PresetId,
    pub name: String,
    /// Where the numbers come from.
    pub source: &'static str,
    pub tiers: Vec<Tier>,
}

fn share_tiers(period_ms: i64) -> Result<Vec<Tier>, SloError> {
    Ok(vec![
        Tier::from_budget_share("page, fast", Severity::Page, Ratio::percent(2), period_ms, HOUR, 5 * MINUTE)?,
        Tier::from_budget_share("page, slow", Severity::Page, Ratio::percent(5), period_ms, 6 * HOUR, 30 * MINUTE)?,
        Tier::from_budget_share("ticket, fast", Severity::Ticket, Ratio::percent(10), period_ms, DAY, 2 * HOUR)?,
        Tier::from_budget_share("ticket, slow", Severity::Ticket, Ratio::percent(10), period_ms, 3 * DAY, 6 * HOUR)?,
    ])
}

/// Google SRE workbook, Table 5-8 (30-day SLO): 14.4× 1h/5m (2 %), 6× 6h/30m (5 %), 3× 1d/2h
/// (10 %, the common extension), 1× 3d/6h (10 %). Sloth's `google-30d.yaml` is the same.
pub fn google_sre_workbook() -> AlertPreset {
    AlertPreset {
        id: PresetId::GoogleSre,
        name: "Google SRE workbook (30 d)".to_string(),
        source: "sre.google/workbook/alerting-on-slos, Table 5-8; Sloth google-30d.yaml",
        tiers: share_tiers(30 * DAY).unwrap_or_default(),
    }
}

/// Sloth `google-28d.yaml`: the same budget shares over 28 d → 13.44×, 5.6×, 2.8×, 0.9333×.
pub fn sloth_28d() -> AlertPreset {
    AlertPreset {
        id: PresetId::Sloth28d,
        name: "Sloth (28 d)".to_string(),
        source: "slok/sloth internal/alert/windows/google-28d.yaml, window.go getBurnRateFactor",
        tiers: share_tiers(28 * DAY).unwrap_or_default(),
    }
}

/// Round `ms` to the nearest minute, halves away from zero (Go's `Duration.Round`).
fn round_minute(ms: i64) -> i64 {
    ((ms + MINUTE / 2) / MINUTE) * MINUTE
}

/// Pyrra (`slo/rules.go: Windows`): factors 14/7/2/1; long windows `window/672`, `/112`, `/28`,
/// `/7` (the slowest is **4 d** on 28 d), short windows `/8064`, `/1344`, `/336`, `/112`, `for:`
/// `/20160`, `/2688`, `/672`, `/224`, each rounded to the minute. Needs `window_ms ≥ 1 d`.
pub fn pyrra(window_ms: i64) -> Result<AlertPreset, SloError> {
    if window_ms < DAY {
        return Err(SloError::Tier { reason: "Pyrra's windows need an SLO window of at least 1 day".to_string() });
    }
    let rows: [(&str, Severity, u64, i64, i64, i64); 4] = [
        ("critical, fast", Severity::Page, 14, 672, 8064, 20160),
        ("critical, slow", Severity::Page, 7, 112, 1344, 2688),
        ("warning, fast", Severity::Ticket, 2, 28, 336, 672),
        ("warning, slow", Severity::Ticket, 1, 7, 112, 224),
    ];
    let tiers = rows
        .iter()
        .map(|&(name, sev, f, long_div, short_div, for_div)| {
            Tier::from_factor(
                name,
                sev,
                Ratio::new(f, 1).ok_or(SloError::Overflow)?,
                round_minute(window_ms / long_div),
                round_minute(window_ms / short_div),
                round_minute(window_ms / for_div),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AlertPreset {
        id: PresetId::Pyrra,
        name: format!("Pyrra ({})", dur(window_ms)),
        source: "pyrra-dev/pyrra slo/rules.go Windows",
        tiers,
    })
}

/// Custom tiers.
pub fn custom(name: &str, tiers: Vec<Tier>) -> AlertPreset {
    AlertPreset { id: PresetId::Custom, name: name.to_string(), source: "custom", tiers }
}

/// The history needed before the first grid time for every window to be complete.
pub fn lookback_ms(tiers: &[Tier]) -> i64 {
    tiers.iter().map(|t| t.long_ms.max(t.short_ms).saturating_add(t.for_ms)).max().unwrap_or(0)
}

/// Grid times (inclusive) during which a tier would have fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiringInterval {
    /// First firing grid time.
    pub first_ms: i64,
    /// Last firing grid time.
    pub last_ms: i64,
}

/// One tier over the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct TierTimeline {
    pub tier: Tier,
    /// `factor × B` as `f64` (the error ratio above which the windows fire).
    pub error_ratio_threshold: f64,
    /// Burn rate over the long window at each grid time; `None` = no data.
    pub long_burn: Vec<Option<f64>>,
    /// Burn rate over the short window at each grid time.
    pub short_burn: Vec<Option<f64>>,
    /// Whether the tier would have fired at each grid time.
    pub firing: Vec<bool>,
    /// The same as intervals, ascending.
    pub intervals: Vec<FiringInterval>,
}

impl TierTimeline {
    /// True when the tier fires at the last grid time.
    pub fn firing_now(&self) -> bool {
        self.firing.last().copied().unwrap_or(false)
    }
}

/// Each tier evaluated at every grid time of `events` with budget `B` ("would have fired").
/// Fetch `lookback_ms(tiers)` of history before the viewed range so the first windows are full.
pub fn would_have_fired(tiers: &[Tier], events: &SliEvents<'_>, budget: Ratio) -> Result<Vec<TierTimeline>, SloError> {
    let b = budget.to_f64();
    let times: Vec<i64> = events.grid().times().collect();
    tiers
        .iter()
        .map(|tier| {
            let thr = tier.error_ratio_threshold(budget).ok_or(SloError::Overflow)?.to_f64();
            let long = events.window_series(tier.long_ms);
            let short = events.window_series(tier.short_ms);
            let over = |c: &WindowCounts| c.error_ratio().is_some_and(|e| e > thr);
            let mut firing = Vec::with_capacity(times.len());
            let mut intervals: Vec<FiringInterval> = Vec::new();
            let mut run_start: Option<i64> = None;
            for ((t, l), s) in times.iter().zip(&long).zip(&short) {
                let cond = over(l) && over(s);
                run_start = if cond { run_start.or(Some(*t)) } else { None };
                let fire = run_start.is_some_and(|r| t.saturating_sub(r) >= tier.for_ms);
                firing.push(fire);
                if fire {
                    match intervals.last_mut() {
                        Some(iv) if firing.len() >= 2 && firing.get(firing.len() - 2) == Some(&true) => iv.last_ms = *t,
                        _ => intervals.push(FiringInterval { first_ms: *t, last_ms: *t }),
                    }
                }
            }
            Ok(TierTimeline {
                tier: tier.clone(),
                error_ratio_threshold: thr,
                long_burn: long.iter().map(|c| c.error_ratio().map(|e| e / b)).collect(),
                short_burn: short.iter().map(|c| c.error_ratio().map(|e| e / b)).collect(),
                firing,
                intervals,
            })
        })
        .collect()
}

/// An SLO's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// No valid event in the period (never shown as healthy, E43).
    NoData,
    Healthy,
    Warning,
    Critical,
    /// The SLI is below the objective over the period (remaining budget < 0).
    Breached,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NoData => "no data",
            Status::Healthy => "healthy",
            Status::Warning => "warning",
            Status::Critical => "critical",
            Status::Breached => "breached",
        }
    }
}

/// Thresholds of the status bands. Severity comes from the budget and the burn-rate tiers, never
/// from `(target − current) / target` (E49).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatusPolicy {
    /// Warning at or below this remaining budget (default 0.25).
    pub warning_remaining: f64,
    /// Critical at or below this remaining budget (default 0.10).
    pub critical_remaining: f64,
}

impl Default for StatusPolicy {
    fn default() -> Self {
        StatusPolicy { warning_remaining: 0.25, critical_remaining: 0.10 }
    }
}

impl StatusPolicy {
    /// The thresholds in words, shown with the bands.
    pub fn describe(&self) -> String {
        format!(
            "breached: remaining budget below 0 (SLI below the objective); critical: a page tier firing or remaining ≤ {}%; warning: a ticket tier firing or remaining ≤ {}%; healthy otherwise; no data without valid events",
            self.critical_remaining * 100.0,
            self.warning_remaining * 100.0
        )
    }

    /// The status from the remaining budget and the most severe tier firing (if any).
    pub fn classify(&self, remaining: Option<f64>, firing: Option<Severity>) -> Status {
        let Some(r) = remaining else { return Status::NoData };
        if r < 0.0 {
            Status::Breached
        } else if firing == Some(Severity::Page) || r <= self.critical_remaining {
            Status::Critical
        } else if firing == Some(Severity::Ticket) || r <= self.warning_remaining {
            Status::Warning
        } else {
            Status::Healthy
        }
    }
}

/// A run of grid times with one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusSpan {
    pub status: Status,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// Status bands over the grid: the remaining budget of a rolling period of `period_ms` ending at
/// each grid time (ratio of sums), combined with the tiers firing there.
pub fn status_timeline(
    events: &SliEvents<'_>,
    budget: Ratio,
    period_ms: i64,
    timelines: &[TierTimeline],
    policy: &StatusPolicy,
) -> Vec<StatusSpan> {
    let b = budget.to_f64();
    let rolling = events.window_series(period_ms);
    let mut spans: Vec<StatusSpan> = Vec::new();
    for (i, (t, c)) in events.grid().times().zip(&rolling).enumerate() {
        let remaining = c.error_ratio().map(|e| 1.0 - e / b);
        let firing = timelines.iter().filter(|tl| tl.firing.get(i) == Some(&true)).map(|tl| tl.tier.severity).max();
        let status = policy.classify(remaining, firing);
        match spans.last_mut() {
            Some(s) if s.status == status => s.last_ms = t,
            _ => spans.push(StatusSpan { status, first_ms: t, last_ms: t }),
        }
    }
    spans
}
