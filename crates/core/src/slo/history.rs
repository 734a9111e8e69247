//! Series for an SLO's charts, from the events of its evaluation grid (O(steps) with the prefix
//! sums of [`SliEvents`]):
//! - **SLI over time**: at each shown grid time `t`, the SLI (ratio of sums) of the SLO window
//!   ending at `t`, as far as the grid reaches back; and the objective as a flat line.
//! - **Budget burn-down**: at each grid time `t` after the window's start, the budget remaining
//!   over `(start, t]`: `1 − (bad / total) / B` — 1 before any error, 0 when the errors so far
//!   equal the budget, negative on overspend.
//! - **Burn rates per tier**: each tier's long-window burn rate and its factor (the threshold).
//!
//! At most `max_points` points per series: every `k`-th grid time, `k = ⌈steps / max_points⌉`,
//! always ending on the last grid time. No data is a NaN (a gap), never a value.

use super::alerts::TierTimeline;
use super::events::SliEvents;
use super::objective::Ratio;
use crate::series::{Labels, Series};

/// The chart series of one SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct SloHistory {
    /// `SLI` and `objective`.
    pub sli: Vec<Series>,
    /// `budget remaining`.
    pub remaining: Vec<Series>,
    /// Per tier: `<tier> burn over <long>` and `<tier> factor`.
    pub burn: Vec<Series>,
    /// Spacing of the shown points (ms): the grid step times the thinning factor, so a chart
    /// knows a gap from the regular spacing.
    pub step_ms: i64,
}

fn named(name: &str) -> Labels {
    let mut l = Labels::default();
    l.0.insert("__name__".to_string(), name.to_string());
    l
}

/// Every how many grid times one is shown.
fn thinning(steps: usize, max_points: usize) -> usize {
    steps.div_ceil(max_points.max(1)).max(1)
}

/// Indices of the shown grid times: every `k`-th ([`thinning`]), ending on the last.
fn shown(steps: usize, max_points: usize) -> Vec<usize> {
    if steps == 0 {
        return Vec::new();
    }
    let k = thinning(steps, max_points);
    let last = steps - 1;
    let mut idx: Vec<usize> = (0..=last).rev().step_by(k).collect();
    idx.reverse();
    idx
}

fn series(name: &str, t: &[i64], values: Vec<f64>) -> Series {
    Series {
        labels: named(name),
        t_ms: t.to_vec(),
        values,
    }
}

/// The chart series; `window_start_ms` is the start of the SLO period for the burn-down.
pub fn slo_history(
    events: &SliEvents<'_>,
    objective: f64,
    budget: Ratio,
    period_ms: i64,
    window_start_ms: i64,
    timelines: &[TierTimeline],
    max_points: usize,
) -> SloHistory {
    let b = budget.to_f64();
    let times: Vec<i64> = events.grid().times().collect();
    let idx = shown(times.len(), max_points);
    let t: Vec<i64> = idx.iter().filter_map(|&i| times.get(i).copied()).collect();
    let rolling = events.window_series(period_ms);
    let sli: Vec<f64> = idx
        .iter()
        .map(|&i| {
            rolling
                .get(i)
                .and_then(|c| c.error_ratio())
                .map_or(f64::NAN, |e| 1.0 - e)
        })
        .collect();
    let remaining: Vec<f64> = t
        .iter()
        .map(|&ti| {
            if ti <= window_start_ms {
                return f64::NAN;
            }
            events
                .counts_at(ti, ti - window_start_ms)
                .and_then(|c| c.error_ratio())
                .map_or(f64::NAN, |e| 1.0 - e / b)
        })
        .collect();
    let mut burn = Vec::new();
    for tl in timelines {
        let long = crate::time::format_prom_duration(tl.tier.long_ms.max(0) as u64);
        let v: Vec<f64> = idx
            .iter()
            .map(|&i| tl.long_burn.get(i).copied().flatten().unwrap_or(f64::NAN))
            .collect();
        burn.push(series(&format!("{} burn over {long}", tl.tier.name), &t, v));
        burn.push(series(
            &format!("{} factor", tl.tier.name),
            &t,
            vec![tl.tier.factor.to_f64(); t.len()],
        ));
    }
    let k = i64::try_from(thinning(times.len(), max_points)).unwrap_or(i64::MAX);
    SloHistory {
        step_ms: events.grid().step_ms.saturating_mul(k),
        sli: vec![
            series("SLI", &t, sli),
            series("objective", &t, vec![objective; t.len()]),
        ],
        remaining: vec![series("budget remaining", &t, remaining)],
        burn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counters::EvalGrid;
    use crate::slo::events::{CountMode, Counted};
    use crate::slo::{google_sre_workbook, would_have_fired};

    const MIN: i64 = 60_000;

    fn counter(name: &str, per_min: impl Fn(i64) -> f64, minutes: i64) -> Series {
        let mut v = 0.0;
        let mut t = Vec::new();
        let mut values = Vec::new();
        for m in 0..=minutes {
            if m > 0 {
                v += per_min(m);
            }
            t.push(m * MIN);
            values.push(v);
        }
        Series {
            labels: named(name),
            t_ms: t,
            values,
        }
    }

    #[test]
    fn shown_indices_end_on_the_last_step() {
        assert_eq!(shown(10, 4), vec![0, 3, 6, 9]);
        assert_eq!(shown(3, 10), vec![0, 1, 2]);
        assert!(shown(0, 5).is_empty());
        assert_eq!((thinning(10, 4), thinning(3, 10), thinning(5760, 1500)), (3, 1, 4));
    }

    /// 100 requests a minute; 1 bad a minute during minutes 61–120 (1 %). SLO 99 % (B = 0.01)
    /// over a 1-day window starting at 0: remaining is 1 until minute 60, then
    /// 1 − (k / (100·(60+k))) / 0.01 at minute 60 + k: 1 − 60/120 = 0.5 at minute 120.
    #[test]
    fn burn_down_and_sli_follow_the_hand_computation() {
        let total = vec![counter("t", |_| 100.0, 180)];
        let bad = vec![counter(
            "b",
            |m| if (61..=120).contains(&m) { 1.0 } else { 0.0 },
            180,
        )];
        let grid = EvalGrid {
            start_ms: MIN,
            end_ms: 180 * MIN,
            step_ms: MIN,
        };
        let ev = SliEvents::ratio(Counted::Bad, &bad, &total, grid, CountMode::Exact).unwrap();
        let budget = Ratio::new(1, 100).unwrap();
        let tl = would_have_fired(&google_sre_workbook().tiers, &ev, budget).unwrap();
        let h = slo_history(&ev, 0.99, budget, 86_400_000, 0, &tl, 1000);
        assert_eq!(h.step_ms, MIN, "180 steps shown one by one");
        assert_eq!(slo_history(&ev, 0.99, budget, 86_400_000, 0, &tl, 50).step_ms, 4 * MIN);
        let at = |s: &Series, m: i64| s.values[s.t_ms.iter().position(|&t| t == m * MIN).unwrap()];
        assert_eq!(at(&h.remaining[0], 60), 1.0);
        assert!((at(&h.remaining[0], 120) - 0.5).abs() < 1e-12);
        assert!((at(&h.remaining[0], 180) - (1.0 - (60.0 / 18000.0) / 0.01)).abs() < 1e-12);
        assert!((at(&h.sli[0], 120) - (1.0 - 60.0 / 12000.0)).abs() < 1e-12);
        assert_eq!(at(&h.sli[1], 120), 0.99);
        assert_eq!(h.burn.len(), 8);
        // The fast tier's 1 h burn at minute 120: 60 bad of 6000 = 1 % = 1× the budget rate.
        assert!(
            (at(&h.burn[0], 120) - 1.0).abs() < 1e-12,
            "{}",
            at(&h.burn[0], 120)
        );
        assert_eq!(at(&h.burn[1], 120), 14.4);
    }
}
