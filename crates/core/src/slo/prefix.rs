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
        let (counted_inc, total_inc) = (counted_inc.get(..steps).unwrap_or(&[]), total_inc.get(..steps).unwrap_or(&[]));
        // Resizing writes only the entries the buffers did not have; every entry is written below.
        self.bad.resize(steps + 1, 0.0);
        self.total.resize(steps + 1, 0.0);
        let (Some((b0, bad)), Some((t0, total))) = (self.bad.split_first_mut(), self.total.split_first_mut()) else {
            return;
        };
        (*b0, *t0) = (0.0, 0.0);
        match counted {
            Counted::Bad => prefix_sums(bad, total, counted_inc, total_inc, |c, _| c),
            Counted::Good => prefix_sums(bad, total, counted_inc, total_inc, |c, t| t - c),
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

/// One fused pass: `bad[k]` and `total[k]` = the sums of `bad_of(counted, total)` and of `total`
/// over steps `0..=k`, over pre-sized buffers (no per-step capacity check), generic over `bad_of`
/// so the good/bad choice is made once. Four steps at a time: their partial sums do not depend on
/// the running sum, so only one add per four steps waits for the previous one (a sequential
/// prefix sum is bound by the add latency, one step per add). For whole-number counts (below
/// 2^53) every partial sum is exact, so the result is the sequential one bit for bit; fractional
/// counts may differ from a sequential sum in the last bits.
#[inline(always)]
fn prefix_sums(bad: &mut [f64], total: &mut [f64], counted_inc: &[f64], total_inc: &[f64], bad_of: impl Fn(f64, f64) -> f64) {
    let (mut pb, mut pt) = (0.0, 0.0);
    let mut bo = bad.chunks_exact_mut(4);
    let mut to = total.chunks_exact_mut(4);
    let mut ci = counted_inc.chunks_exact(4);
    let mut ti = total_inc.chunks_exact(4);
    for (((bo, to), c), t) in (&mut bo).zip(&mut to).zip(&mut ci).zip(&mut ti) {
        let (Ok(bo), Ok(to), Ok(c), Ok(t)) =
            (<&mut [f64; 4]>::try_from(bo), <&mut [f64; 4]>::try_from(to), <&[f64; 4]>::try_from(c), <&[f64; 4]>::try_from(t))
        else {
            continue; // chunks_exact: never taken
        };
        let b = [bad_of(c[0], t[0]), bad_of(c[1], t[1]), bad_of(c[2], t[2]), bad_of(c[3], t[3])];
        let (b01, t01) = (b[0] + b[1], t[0] + t[1]);
        let (b012, t012) = (b01 + b[2], t01 + t[2]);
        let (b0123, t0123) = (b012 + b[3], t012 + t[3]);
        *bo = [pb + b[0], pb + b01, pb + b012, pb + b0123];
        *to = [pt + t[0], pt + t01, pt + t012, pt + t0123];
        pb += b0123;
        pt += t0123;
    }
    let tails = bo.into_remainder().iter_mut().zip(to.into_remainder().iter_mut());
    for ((b, t), (&c, &ti)) in tails.zip(ci.remainder().iter().zip(ti.remainder())) {
        pb += bad_of(c, ti);
        pt += ti;
        *b = pb;
        *t = pt;
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

    #[test]
    fn four_at_a_time_equals_a_sequential_sum_at_every_length() {
        // Whole numbers: every partial sum is exact, so the result is bit-identical to summing
        // step by step; lengths around the 4-step chunks, and inputs of unequal length.
        for n in 0..=13usize {
            let c: Vec<f64> = (0..n + 2).map(|k| ((k * 7919) % 13) as f64).collect();
            let t: Vec<f64> = (0..n).map(|k| (100 + (k * 104_729) % 97) as f64).collect();
            for counted in [Counted::Bad, Counted::Good] {
                let p = PrefixCounts::from_increments(counted, &c, &t);
                assert_eq!(p.steps(), n);
                let (mut pb, mut pt) = (0.0, 0.0);
                for k in 0..n {
                    pb += if counted == Counted::Bad { c[k] } else { t[k] - c[k] };
                    pt += t[k];
                    assert_eq!(p.window(k, k + 1), (pb, pt), "n {n}, step {k}, {counted:?}");
                }
            }
        }
    }

    #[test]
    fn fractional_counts_stay_within_rounding_of_a_sequential_sum() {
        let c: Vec<f64> = (0..1_001).map(|k| f64::from(k % 10) * 0.1).collect();
        let t: Vec<f64> = (0..1_001).map(|k| 1.0 + f64::from(k % 7) / 3.0).collect();
        let p = PrefixCounts::from_increments(Counted::Bad, &c, &t);
        let (sb, st): (f64, f64) = (c.iter().sum(), t.iter().sum());
        let (b, tt) = p.window(1_000, 1_001);
        assert!((b - sb).abs() <= 1e-12 * sb && (tt - st).abs() <= 1e-12 * st, "{b} vs {sb}, {tt} vs {st}");
    }
}
