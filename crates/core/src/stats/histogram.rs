//! Prometheus' `histogram_quantile` over classic (`le`) buckets, as `promql/quantile.go`
//! (`bucketQuantile`, `coalesceBuckets`, `ensureMonotonicAndIgnoreSmallDeltas`) and
//! `util/almost` of Prometheus 3.x — one histogram at a time ([`bucket_quantile`]) or columnar
//! over many steps ([`BucketLayout`]).
//!
//! Contract (both forms give the same bits):
//! - `q` NaN → NaN, `q < 0` → −Inf, `q > 1` → +Inf.
//! - Buckets are sorted by upper bound; equal bounds are merged (counts summed in input order).
//!   A highest bound that is not +Inf, or no bucket at all → NaN.
//! - One repair pass in bound order (`ensureMonotonicAndIgnoreSmallDeltas`): a count equal to the
//!   last kept count is left alone; one that differs from it by a relative `1e-12`
//!   (`almost.Equal`: `|a−b| / (|a|+|b|) < 1e-12`, or `|a−b| < 1e-12·MIN_POSITIVE` near zero) or
//!   that is smaller is set to it; otherwise it becomes the last kept count. (Prometheus 2.4x did
//!   the same in two passes with `|a−b|/b ≤ 1e-12`; results differ only on such tiny deltas.)
//! - Fewer than 2 buckets or 0 observations (the +Inf count) → NaN. `rank = q · observations`;
//!   the rank's bucket is Go's `sort.Search` over all but the +Inf bucket; a rank in the +Inf
//!   bucket returns the largest finite bound; a rank in a lowest bucket with bound ≤ 0 returns that
//!   bound; otherwise linear interpolation inside the bucket (the lowest starts at 0).
//! - Cost: [`bucket_quantile`] sorts (O(b log b)) and allocates per call. [`BucketLayout`] sorts
//!   and merges the bounds once per series; each step is then O(b) with no allocation.

use std::cmp::Ordering;

/// Prometheus' `smallDeltaTolerance`.
const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

/// The `q`-quantile of cumulative buckets `(upper_bound, count)`, in any order (the vector is
/// sorted and merged in place).
pub fn bucket_quantile(q: f64, buckets: &mut Vec<(f64, f64)>) -> f64 {
    if let Some(special) = special_q(q) {
        return special;
    }
    buckets.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    if buckets.last().map(|b| b.0) != Some(f64::INFINITY) {
        return f64::NAN;
    }
    buckets.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    let bounds: Vec<f64> = buckets.iter().map(|b| b.0).collect();
    let counts: Vec<f64> = buckets.iter().map(|b| b.1).collect();
    let mut scratch = vec![0.0; counts.len()];
    sorted_quantile(q, &bounds, &counts, &mut scratch)
}

/// The result for a `q` outside `[0, 1]`, `None` for a `q` inside it.
fn special_q(q: f64) -> Option<f64> {
    if q.is_nan() {
        Some(f64::NAN)
    } else if q < 0.0 {
        Some(f64::NEG_INFINITY)
    } else if q > 1.0 {
        Some(f64::INFINITY)
    } else {
        None
    }
}

/// Prometheus' `almost.Equal(a, b, epsilon)`, with the division skipped when the answer is plain.
#[inline]
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    if (a.is_nan() && b.is_nan()) || a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < f64::MIN_POSITIVE {
        return diff < epsilon * f64::MIN_POSITIVE;
    }
    let denom = abs_sum.min(f64::MAX);
    // The quotient is at least ~2·epsilon here, so it cannot be below epsilon after rounding.
    if diff >= 2.0 * epsilon * denom {
        return false;
    }
    diff / denom < epsilon
}

/// Go's `sort.Search(n, f)`: the smallest `i` in `[0, n)` with `f(i)` (or `n`), probing exactly as
/// Go does so that even non-monotonic input (NaN counts) gives Prometheus' answer.
#[inline]
fn go_search(n: usize, f: impl Fn(usize) -> bool) -> usize {
    let (mut i, mut j) = (0usize, n);
    while i < j {
        let h = i + (j - i) / 2;
        if !f(h) {
            i = h + 1;
        } else {
            j = h;
        }
    }
    i
}

/// One pass over a step's counts: whether Prometheus' repair pass surely leaves them as they are,
/// and how many counts before the last are below `rank` (for non-decreasing counts, the index of
/// the first count ≥ rank). "Surely": the counts never decrease, the first is ≥ 0, the last is a
/// normal finite number (or all are equal), and every rise is at least `8e-12 · last` — so each
/// relative delta `|a−b| / (|a|+|b|)` is ≥ 4e-12 and each rise ≥ `MIN_POSITIVE`, and
/// `almost.Equal` is false in both of its branches. NaN is never clean. Branch-free and cheap per
/// bucket; anything else takes the exact pass, so this only decides speed, never the result.
#[inline(always)]
fn clean_and_below(counts: &[f64], rank: f64) -> (bool, usize) {
    let (Some(head), Some(tail)) = (counts.get(..counts.len().saturating_sub(1)), counts.get(1..)) else {
        return (true, 0);
    };
    let first = counts.first().copied().unwrap_or(0.0);
    let last = counts.last().copied().unwrap_or(0.0);
    let threshold = 8.0 * SMALL_DELTA_TOLERANCE * last;
    let (mut rising, mut tiny, mut below) = (true, false, 0usize);
    for (&prev, &curr) in head.iter().zip(tail) {
        let diff = curr - prev;
        rising &= diff >= 0.0;
        tiny |= (diff > 0.0) & (diff < threshold);
        below += usize::from(prev < rank);
    }
    let normal_total = (1e-290..f64::INFINITY).contains(&last);
    let clean = rising & !tiny & (first >= 0.0) & (normal_total | (last == first));
    (clean, below)
}

/// Prometheus' repair pass (`ensureMonotonicAndIgnoreSmallDeltas`), in place.
fn repair(counts: &mut [f64]) {
    let Some(&first) = counts.first() else { return };
    let mut prev = first;
    for c in counts.iter_mut().skip(1) {
        let curr = *c;
        if curr == prev {
            continue;
        }
        if curr < prev || almost_equal(prev, curr, SMALL_DELTA_TOLERANCE) {
            *c = prev;
            continue;
        }
        prev = curr;
    }
}

/// Steps after sorting and merging: repair (into `scratch` when needed) and interpolate.
/// `bounds` are sorted, distinct and end with +Inf; `q` is in `[0, 1]`; `scratch` is at least as
/// long as `counts`.
#[inline(always)]
fn sorted_quantile(q: f64, bounds: &[f64], counts: &[f64], scratch: &mut [f64]) -> f64 {
    let n = bounds.len().min(counts.len());
    let counts = counts.get(..n).unwrap_or(&[]);
    if n < 2 {
        return f64::NAN;
    }
    // The common case first: nothing to repair, then the rank's bucket is a count.
    let observations = counts.get(n - 1).copied().unwrap_or(0.0);
    let mut rank = q * observations;
    let (clean, below) = clean_and_below(counts, rank);
    let (counts, b): (&[f64], usize) = if clean && !rank.is_nan() {
        if observations == 0.0 {
            return f64::NAN;
        }
        (counts, below)
    } else {
        let Some(fixed) = scratch.get_mut(..n) else { return f64::NAN };
        fixed.copy_from_slice(counts);
        repair(fixed);
        let observations = fixed.get(n - 1).copied().unwrap_or(0.0);
        if observations == 0.0 {
            return f64::NAN;
        }
        rank = q * observations;
        let b = go_search(n - 1, |i| fixed.get(i).is_some_and(|&c| c >= rank));
        (fixed, b)
    };
    if b == n - 1 {
        return bounds.get(n - 2).copied().unwrap_or(f64::NAN);
    }
    let (Some(&end), Some(&c_b)) = (bounds.get(b), counts.get(b)) else { return f64::NAN };
    if b == 0 && end <= 0.0 {
        return end;
    }
    let (mut start, mut count) = (0.0, c_b);
    if let (Some(&prev_bound), Some(&prev_count)) = (bounds.get(b.wrapping_sub(1)), counts.get(b.wrapping_sub(1))) {
        start = prev_bound;
        count -= prev_count;
        rank -= prev_count;
    }
    start + (end - start) * (rank / count)
}

/// How one series' buckets are laid out in each step's counts, sorted and merged once.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketLayout {
    /// Counts per step in the input.
    width: usize,
    plan: Plan,
}

#[derive(Debug, Clone, PartialEq)]
enum Plan {
    /// Every quantile is NaN (no +Inf bound, or no bucket).
    Nan,
    /// Bounds arrive sorted and distinct: a step's counts are used as they are.
    InOrder { bounds: Vec<f64> },
    /// Sorted distinct bounds; group `g` sums the input positions `sources[ends[g−1]..ends[g]]`.
    Merged { bounds: Vec<f64>, sources: Vec<usize>, ends: Vec<usize> },
    /// A bound is NaN: its sorted position is the sort's business, so each step goes through
    /// [`bucket_quantile`] itself (with one reused buffer).
    PerStep { bounds: Vec<f64> },
}

impl BucketLayout {
    /// The layout of steps whose counts arrive in the order of `upper_bounds`.
    pub fn new(upper_bounds: &[f64]) -> BucketLayout {
        let width = upper_bounds.len();
        let plan = if upper_bounds.iter().any(|b| b.is_nan()) {
            Plan::PerStep { bounds: upper_bounds.to_vec() }
        } else if upper_bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max) != f64::INFINITY {
            Plan::Nan
        } else if upper_bounds.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
            Plan::InOrder { bounds: upper_bounds.to_vec() }
        } else {
            let mut order: Vec<usize> = (0..width).collect();
            // Stable, like `bucket_quantile`'s sort, so merged counts are summed in input order.
            order.sort_by(|&a, &b| upper_bounds.get(a).partial_cmp(&upper_bounds.get(b)).unwrap_or(Ordering::Equal));
            let (mut bounds, mut ends) = (Vec::new(), Vec::new());
            for (i, &src) in order.iter().enumerate() {
                let ub = upper_bounds.get(src).copied().unwrap_or(f64::NAN);
                if bounds.last() != Some(&ub) {
                    if i > 0 {
                        ends.push(i);
                    }
                    bounds.push(ub);
                }
            }
            ends.push(order.len());
            Plan::Merged { bounds, sources: order, ends }
        };
        BucketLayout { width, plan }
    }

    /// Counts per step.
    pub fn width(&self) -> usize {
        self.width
    }

    /// `histogram_quantile(q)` of every step: step `s` has its counts at
    /// `counts[s·width .. (s+1)·width]` in the layout's order; its result goes to `out[s]`.
    /// Steps beyond either slice are left alone. One scratch buffer per call; nothing per step.
    pub fn quantiles(&self, q: f64, counts: &[f64], out: &mut [f64]) {
        if self.width == 0 {
            out.fill(special_q(q).unwrap_or(f64::NAN));
            return;
        }
        let steps = counts.chunks_exact(self.width).zip(out.iter_mut());
        if let Some(special) = special_q(q) {
            steps.for_each(|(_, o)| *o = special);
            return;
        }
        match &self.plan {
            Plan::Nan => steps.for_each(|(_, o)| *o = f64::NAN),
            Plan::InOrder { bounds } => {
                let mut scratch = vec![0.0; self.width];
                for (step, o) in steps {
                    *o = sorted_quantile(q, bounds, step, &mut scratch);
                }
            }
            Plan::Merged { bounds, sources, ends } => {
                let (mut merged, mut scratch) = (vec![0.0; bounds.len()], vec![0.0; bounds.len()]);
                for (step, o) in steps {
                    let mut from = 0;
                    for (s, &end) in merged.iter_mut().zip(ends) {
                        let mut group =
                            sources.get(from..end).unwrap_or(&[]).iter().map(|&i| step.get(i).copied().unwrap_or(0.0));
                        *s = group.next().unwrap_or(0.0);
                        group.for_each(|c| *s += c);
                        from = end;
                    }
                    *o = sorted_quantile(q, bounds, &merged, &mut scratch);
                }
            }
            Plan::PerStep { bounds } => {
                let mut buckets = Vec::with_capacity(self.width);
                for (step, o) in steps {
                    buckets.clear();
                    buckets.extend(bounds.iter().copied().zip(step.iter().copied()));
                    *o = bucket_quantile(q, &mut buckets);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_quantile_matches_the_reference_vectors() {
        let base = vec![(0.1, 50.0), (0.25, 80.0), (0.5, 95.0), (1.0, 99.0), (f64::INFINITY, 100.0)];
        for (q, want) in [(0.5, 0.1), (0.9, 0.416_666_666_666_666_7), (0.95, 0.5), (0.99, 1.0), (0.995, 1.0)] {
            let got = bucket_quantile(q, &mut base.clone());
            assert!((got - want).abs() < 1e-12, "q={q}: {got} != {want}");
        }
    }

    #[test]
    fn almost_equal_is_prometheus_util_almost() {
        assert!(almost_equal(1e12, 1e12 + 1.0, 1e-12), "relative 5e-13");
        assert!(!almost_equal(1e12, 1e12 + 4.0, 1e-12), "relative 2e-12");
        assert!(!almost_equal(1.0, 2.0, 1e-12));
        assert!(almost_equal(0.0, 1e-330, 1e-12), "near zero: absolute MIN_POSITIVE·ε");
        assert!(!almost_equal(0.0, 1e-300, 1e-12));
        assert!(almost_equal(f64::NAN, f64::NAN, 1e-12));
        assert!(!almost_equal(f64::NAN, 1.0, 1e-12));
        // At the rounding edge the division decides, as in Go.
        let a = 1e12;
        let b = f64::from_bits((a + 2.0f64).to_bits());
        assert_eq!(almost_equal(a, b, 1e-12), (b - a).abs() / (a + b) < 1e-12);
    }

    #[test]
    fn small_deltas_are_ignored_in_either_direction_and_decreases_are_flattened() {
        // 100 then 100 + 1e-11 (relative 5e-14: ignored), then 90 (decrease → 100), then 200.
        let mut counts = vec![100.0, 100.0 + 1e-11, 90.0, 200.0];
        assert!(!clean_and_below(&counts, 0.0).0);
        let bounds = [1.0, 2.0, 3.0, f64::INFINITY];
        let got = sorted_quantile(0.5, &bounds, &counts, &mut [0.0; 4]);
        repair(&mut counts);
        assert_eq!(counts, vec![100.0, 100.0, 100.0, 200.0]);
        assert_eq!(got, 1.0, "rank 100 reached at the first bucket's edge");
    }

    #[test]
    fn clean_steps_are_exactly_those_the_repair_leaves_alone() {
        for counts in [
            vec![0.0, 0.0, 5.0, 5.0, 9.0, f64::INFINITY],
            vec![-0.0, 1.0, 2.0],
            vec![1e12, 1e12 + 1.0],
            vec![3.0, 2.0],
            vec![0.0, 1e-310],
            vec![1.0, f64::NAN],
            vec![-1.0, 2.0],
            vec![-1e12 - 1.0, -1e12],
            vec![f64::NEG_INFINITY, 1.0, f64::INFINITY],
            vec![1.0, 1.0 + 1e-11, 5.0],
            vec![0.0, 1e-300, 1e-299],
            vec![2.0, f64::NAN, 3.0],
        ] {
            let mut fixed = counts.clone();
            repair(&mut fixed);
            let untouched = fixed.iter().zip(&counts).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(!clean_and_below(&counts, 0.0).0 || untouched, "{counts:?} called clean but repaired to {fixed:?}");
        }
        assert!(clean_and_below(&[0.0, 0.0, 5.0, 5.0, 9.0, 12.0], 0.0).0);
        assert!(clean_and_below(&[0.0, 0.0, 0.0], 0.0).0, "no observations: nothing to repair");
        assert!(!clean_and_below(&[1e12, 1e12 + 1.0], 0.0).0, "a small delta needs the exact pass");
        assert_eq!(clean_and_below(&[1.0, 2.0, 3.0, 4.0], 2.5), (true, 2), "counts before the last below the rank");
    }

    #[test]
    fn go_search_probes_like_go() {
        assert_eq!(go_search(0, |_| true), 0);
        assert_eq!(go_search(5, |i| i >= 3), 3);
        assert_eq!(go_search(5, |_| false), 5);
    }
}
