//! Prefix sums of per-step bad and total events: any window that is a whole number of steps is
//! two subtractions (algorithms.md §6.6), so burn rates over many windows cost O(steps) once.
//!
//! [`PrefixCounts::from_increments`] is the exact-mode core of [`super::SliEvents`]: per-step
//! increases (good-or-bad and total, as [`super::Counted`] says) → `P[k]` = events in steps
//! `0..k`. [`PrefixCounts::window`] gives the counts of the `w` steps ending at step `end`
//! (clipped at the first step); [`PrefixCounts::burn_rates_at_end`] the burn rates of several
//! windows ending at the last step, as an SLO tile needs them.
//!
//! Contract: bad events are `total − good` when good events are counted (not clamped here;
//! [`super::WindowCounts::error_ratio`] clamps); NaN increments propagate into every later prefix,
//! so callers pass finite increments (the counters module never produces NaN). Nothing panics:
//! out-of-range steps read as the nearest end.

use super::events::{Counted, WindowCounts};

/// Prefix sums of bad and total events over a grid of steps (each of length `steps + 1`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrefixCounts {
    bad: Vec<f64>,
    total: Vec<f64>,
}

impl PrefixCounts {
    /// Prefix sums from per-step increases. `counted` says whether `counted_inc` holds good or
    /// bad events; the shorter of the two slices sets the number of steps.
    pub fn from_increments(counted: Counted, counted_inc: &[f64], total_inc: &[f64]) -> PrefixCounts {
        let mut p = PrefixCounts::default();
        p.refill(counted, counted_inc, total_inc);
        p
    }

    /// [`Self::from_increments`] into this value's buffers (no allocation once they are large
    /// enough: for evaluating many SLOs one after another).
    pub fn refill(&mut self, counted: Counted, counted_inc: &[f64], total_inc: &[f64]) {
        let steps = counted_inc.len().min(total_inc.len());
        let (bad, total) = (&mut self.bad, &mut self.total);
        bad.clear();
        total.clear();
        bad.reserve(steps + 1);
        total.reserve(steps + 1);
        bad.push(0.0);
        total.push(0.0);
        let (mut pb, mut pt) = (0.0, 0.0);
        for (c, t) in counted_inc.iter().zip(total_inc) {
            pb += match counted {
                Counted::Bad => *c,
                Counted::Good => t - c,
            };
            pt += t;
            bad.push(pb);
            total.push(pt);
        }
    }

    /// Number of steps.
    pub fn steps(&self) -> usize {
        self.total.len().saturating_sub(1)
    }

    /// Bad and total events of the `w` steps ending at step `end` (inclusive), clipped to the
    /// grid; `(0, 0)` for an empty grid.
    pub fn window(&self, end: usize, w: usize) -> (f64, f64) {
        let hi = (end + 1).min(self.steps());
        let lo = hi.saturating_sub(w);
        let at = |p: &[f64], k: usize| p.get(k).copied().unwrap_or(0.0);
        (at(&self.bad, hi) - at(&self.bad, lo), at(&self.total, hi) - at(&self.total, lo))
    }

    /// Window counts (coverage left at "every step covered": this type knows no coverage) and
    /// the burn rate `error ratio / budget` of each window of `windows_steps` ending at the last
    /// step. A window without events has no burn rate (`None`), never 0.
    pub fn burn_rates_at_end(&self, windows_steps: &[usize], budget: f64) -> Vec<(WindowCounts, Option<f64>)> {
        let end = self.steps().saturating_sub(1);
        windows_steps
            .iter()
            .map(|&w| {
                let (bad, total) = self.window(end, w);
                let steps = w.min(self.steps());
                let c = WindowCounts { bad, total, steps, covered_steps: steps };
                let rate = c.error_ratio().filter(|_| budget > 0.0).map(|e| e / budget);
                (c, rate)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_differences_of_prefix_sums() {
        let p = PrefixCounts::from_increments(Counted::Bad, &[1.0, 0.0, 2.0, 1.0], &[10.0, 10.0, 10.0, 10.0]);
        assert_eq!(p.steps(), 4);
        assert_eq!(p.window(3, 2), (3.0, 20.0));
        assert_eq!(p.window(3, 10), (4.0, 40.0));
        assert_eq!(p.window(0, 1), (1.0, 10.0));
        assert_eq!(p.window(99, 1), (1.0, 10.0));
    }

    #[test]
    fn good_events_become_bad_as_total_minus_good() {
        let p = PrefixCounts::from_increments(Counted::Good, &[9.0, 10.0], &[10.0, 10.0]);
        assert_eq!(p.window(1, 2), (1.0, 20.0));
    }

    #[test]
    fn burn_rate_is_error_ratio_over_budget_and_none_without_events() {
        let p = PrefixCounts::from_increments(Counted::Bad, &[0.0, 0.0, 1.0], &[0.0, 0.0, 100.0]);
        let r = p.burn_rates_at_end(&[1, 3], 0.001);
        assert!((r[0].1.unwrap() - 10.0).abs() < 1e-9);
        assert!((r[1].1.unwrap() - 10.0).abs() < 1e-9);
        let empty = PrefixCounts::from_increments(Counted::Bad, &[0.0], &[0.0]);
        assert_eq!(empty.burn_rates_at_end(&[1], 0.001)[0].1, None);
        assert_eq!(PrefixCounts::default().window(5, 5), (0.0, 0.0));
    }

    #[test]
    fn refill_replaces_the_previous_steps() {
        let mut p = PrefixCounts::from_increments(Counted::Bad, &[5.0, 5.0, 5.0], &[9.0, 9.0, 9.0]);
        p.refill(Counted::Bad, &[1.0], &[2.0]);
        assert_eq!(p, PrefixCounts::from_increments(Counted::Bad, &[1.0], &[2.0]));
        assert_eq!(p.steps(), 1);
    }
}
