//! Counter arithmetic on raw samples: exact increases with reset handling, and Prometheus'
//! `increase()` / `rate()` reproduced bit for bit (`extrapolatedRate` in `promql/functions.go`).
//!
//! Two modes, always labelled in the UI (algorithms.md §5):
//!
//! - **Exact** ([`increase_exact`]): no extrapolation. A drop between consecutive samples is a
//!   counter reset and the new value counts from 0 (`d = v` instead of `v − prev`). Non-finite
//!   values are skipped (Prometheus' staleness marker is a NaN). The window is left-open
//!   `(from, to]` and its baseline is the last sample at or before `from`, so increases over
//!   adjacent windows add up to the increase over their union.
//! - **Prometheus-compatible** ([`increase_prometheus`], [`rate_prometheus`], [`rate_series`]):
//!   Prometheus ≥ 3.0 semantics. The window of an evaluation at `t` is left-open `(t − w, t]`
//!   (Prometheus 3.0 made range selectors left-open; 2.x used the closed `[t − w, t]`, so a sample
//!   exactly at `t − w` is the only place the two disagree). At least 2 samples are needed
//!   (`None` otherwise, Prometheus returns no point). The raw increase `last − first` plus, for
//!   each drop, the value before the drop, is extrapolated towards the window edges: a side whose
//!   gap to the edge is below `1.1 ×` the average sample interval is extended to the edge, else
//!   by half an average interval; then the start side is clamped so the counter would not go
//!   below zero (the order of these two steps is Prometheus 3's, PR #13725; 2.x clamped first).
//!   Samples are used as given: a NaN value propagates, as in Prometheus. `rate` is per second.
//!
//! Timestamps are `i64` ms, non-decreasing; columns of unequal length use their common prefix.
//! Nothing here panics on any input.

use crate::series::Series;

/// Evaluation times `start_ms, start_ms + step_ms, …` up to and including `end_ms` (the grid of a
/// `query_range`). A non-positive step or `end_ms < start_ms` gives no time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalGrid {
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
}

impl EvalGrid {
    /// The evaluation times, ascending.
    pub fn times(&self) -> impl Iterator<Item = i64> {
        let EvalGrid { start_ms, end_ms, step_ms } = *self;
        let n = if step_ms <= 0 || end_ms < start_ms {
            0
        } else {
            ((i128::from(end_ms) - i128::from(start_ms)) / i128::from(step_ms) + 1) as u64
        };
        (0..n).map_while(move |k| i64::try_from(i128::from(start_ms) + i128::from(k) * i128::from(step_ms)).ok())
    }

    /// How many evaluation times there are.
    pub fn len(&self) -> usize {
        if self.step_ms <= 0 || self.end_ms < self.start_ms {
            return 0;
        }
        let n = (i128::from(self.end_ms) - i128::from(self.start_ms)) / i128::from(self.step_ms) + 1;
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// True when there is no evaluation time.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The exact increase of a counter over the left-open window `(from_ms, to_ms]`: from its last
/// finite sample at or before `from_ms` (or, without one, its first finite sample in the window)
/// to its last finite sample at or before `to_ms`, adding `v` instead of `v − prev` where the
/// value drops (a reset). `None` ("no data") when no finite sample lies in the window or no pair
/// of samples is left to difference.
pub fn increase_exact(t_ms: &[i64], values: &[f64], from_ms: i64, to_ms: i64) -> Option<f64> {
    let n = t_ms.len().min(values.len());
    let (t_ms, values) = (t_ms.get(..n)?, values.get(..n)?);
    // First sample inside the window.
    let lo = t_ms.partition_point(|&t| t <= from_ms);
    let hi = t_ms.partition_point(|&t| t <= to_ms);
    if lo >= hi {
        return None;
    }
    let mut prev = values.get(..lo)?.iter().rev().copied().find(|v| v.is_finite());
    let mut total = 0.0;
    let mut pairs = 0usize;
    let mut seen_in_window = false;
    for &v in values.get(lo..hi)? {
        if !v.is_finite() {
            continue;
        }
        seen_in_window = true;
        if let Some(p) = prev {
            total += if v >= p { v - p } else { v };
            pairs += 1;
        }
        prev = Some(v);
    }
    (seen_in_window && pairs > 0).then_some(total)
}

/// Prometheus' `increase(x[window])` evaluated at `t_ms` over the series' samples: the window is
/// `(t_ms − window_ms, t_ms]`. `None` with fewer than 2 samples in it or a non-positive window.
pub fn increase_prometheus(t_ms: &[i64], values: &[f64], eval_ms: i64, window_ms: i64) -> Option<f64> {
    let (lo, hi) = window_indices(t_ms, values, eval_ms, window_ms)?;
    extrapolated_rate(t_ms, values, lo, hi, eval_ms, window_ms, false)
}

/// Prometheus' `rate(x[window])` at `eval_ms`: [`increase_prometheus`] per second of window.
pub fn rate_prometheus(t_ms: &[i64], values: &[f64], eval_ms: i64, window_ms: i64) -> Option<f64> {
    let (lo, hi) = window_indices(t_ms, values, eval_ms, window_ms)?;
    extrapolated_rate(t_ms, values, lo, hi, eval_ms, window_ms, true)
}

/// Which counter function [`rate_series`] evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterFn {
    /// `rate(x[w])`, per second.
    Rate,
    /// `increase(x[w])`.
    Increase,
}

/// Prometheus' `rate(x[window_ms])` of one series at every time of `grid`, as `query_range`
/// returns it: the labels without `__name__`, and only the times that have a value (at least 2
/// samples in the window). O(n + steps + resets inside windows): two pointers bound each window
/// and a list of reset positions supplies the corrections, summed in Prometheus' order.
pub fn rate_series(series: &Series, window_ms: i64, grid: EvalGrid) -> Series {
    counter_series(series, window_ms, grid, CounterFn::Rate)
}

/// [`rate_series`] for `rate` or `increase`.
pub fn counter_series(series: &Series, window_ms: i64, grid: EvalGrid, func: CounterFn) -> Series {
    let mut labels = series.labels.clone();
    labels.0.remove("__name__");
    let mut out = Series { labels, t_ms: Vec::new(), values: Vec::new() };
    if window_ms <= 0 {
        return out;
    }
    let n = series.t_ms.len().min(series.values.len());
    let (Some(t_ms), Some(values)) = (series.t_ms.get(..n), series.values.get(..n)) else { return out };
    // Positions i ≥ 1 where values[i] < values[i − 1] (NaN compares false, as in Go).
    let resets: Vec<usize> =
        (1..n).filter(|&i| matches!((values.get(i), values.get(i - 1)), (Some(a), Some(b)) if a < b)).collect();
    let (mut lo, mut hi, mut r) = (0usize, 0usize, 0usize);
    for t in grid.times() {
        let start = t.saturating_sub(window_ms);
        while lo < n && t_ms.get(lo).is_some_and(|&x| x <= start) {
            lo += 1;
        }
        if hi < lo {
            hi = lo;
        }
        while hi < n && t_ms.get(hi).is_some_and(|&x| x <= t) {
            hi += 1;
        }
        // First reset position strictly after lo (a reset at lo compares with a sample outside).
        while resets.get(r).is_some_and(|&i| i <= lo) {
            r += 1;
        }
        let reset_slice = resets.get(r..).unwrap_or(&[]);
        let in_window = reset_slice.partition_point(|&i| i < hi);
        if let Some(v) = extrapolate(t_ms, values, lo, hi, reset_slice.get(..in_window).unwrap_or(&[]), t, window_ms, func == CounterFn::Rate) {
            out.t_ms.push(t);
            out.values.push(v);
        }
    }
    out
}

/// `[lo, hi)`: the samples in `(eval_ms − window_ms, eval_ms]`.
fn window_indices(t_ms: &[i64], values: &[f64], eval_ms: i64, window_ms: i64) -> Option<(usize, usize)> {
    if window_ms <= 0 {
        return None;
    }
    let n = t_ms.len().min(values.len());
    let t_ms = t_ms.get(..n)?;
    let start = eval_ms.saturating_sub(window_ms);
    Some((t_ms.partition_point(|&t| t <= start), t_ms.partition_point(|&t| t <= eval_ms)))
}

fn extrapolated_rate(
    t_ms: &[i64],
    values: &[f64],
    lo: usize,
    hi: usize,
    eval_ms: i64,
    window_ms: i64,
    is_rate: bool,
) -> Option<f64> {
    let resets: Vec<usize> = ((lo + 1)..hi)
        .filter(|&i| matches!((values.get(i), values.get(i - 1)), (Some(a), Some(b)) if a < b))
        .collect();
    extrapolate(t_ms, values, lo, hi, &resets, eval_ms, window_ms, is_rate)
}

/// Prometheus 3's `extrapolatedRate` for floats with `isCounter = true`, over samples `[lo, hi)`
/// whose reset positions (each `> lo` and `< hi`, ascending) are `resets`.
// The window, its reset positions and the evaluation point are separate inputs in Prometheus too;
// bundling them into a struct for one private call site would only move the list.
#[allow(clippy::too_many_arguments)]
fn extrapolate(
    t_ms: &[i64],
    values: &[f64],
    lo: usize,
    hi: usize,
    resets: &[usize],
    eval_ms: i64,
    window_ms: i64,
    is_rate: bool,
) -> Option<f64> {
    if hi < lo + 2 {
        return None;
    }
    let (&first_t, &last_t) = (t_ms.get(lo)?, t_ms.get(hi - 1)?);
    let (&first_v, &last_v) = (values.get(lo)?, values.get(hi - 1)?);
    let mut result = last_v - first_v;
    for &i in resets {
        result += values.get(i.checked_sub(1)?).copied()?;
    }
    let mut factor = extrapolation_factor(result, (first_t, first_v), last_t, hi - lo, (eval_ms.saturating_sub(window_ms), eval_ms), true);
    if is_rate {
        factor /= window_ms as f64 / 1000.0;
    }
    Some(result * factor)
}

/// The extrapolation factor of Prometheus' `extrapolatedRate` (multiply the observed change
/// `result` by it, after dividing by the range in seconds for a rate — Prometheus' order, so
/// results match bit for bit): the `samples` samples from `(first_t, first_v)` to `last_t` are
/// extended to the range edges `(range_start, range_end)` (ms) — by at most half an average
/// interval when a sample is farther than 1.1 intervals from an edge, and, for counters, never
/// below the counter's zero point. Shared by the client-side rates and the demo's PromQL
/// evaluator. Needs `samples ≥ 2`.
pub(crate) fn extrapolation_factor(
    result: f64,
    (first_t, first_v): (i64, f64),
    last_t: i64,
    samples: usize,
    (range_start, range_end): (i64, i64),
    is_counter: bool,
) -> f64 {
    // As in Go: int64 differences, then float64 seconds.
    let mut to_start = first_t.saturating_sub(range_start) as f64 / 1000.0;
    let mut to_end = range_end.saturating_sub(last_t) as f64 / 1000.0;
    let sampled = last_t.saturating_sub(first_t) as f64 / 1000.0;
    let avg = sampled / samples.saturating_sub(1).max(1) as f64;
    let threshold = avg * 1.1;
    if to_start >= threshold {
        to_start = avg / 2.0;
    }
    if is_counter {
        let mut to_zero = to_start;
        if result > 0.0 && first_v >= 0.0 {
            to_zero = sampled * (first_v / result);
        }
        if to_zero < to_start {
            to_start = to_zero;
        }
    }
    if to_end >= threshold {
        to_end = avg / 2.0;
    }
    (sampled + to_start + to_end) / sampled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_increase_counts_a_reset_from_zero() {
        let t = [0, 10, 20, 30, 40];
        let v = [5.0, 8.0, 2.0, 4.0, 4.0];
        // (−∞, 40]: no baseline, pairs 5→8 (3), 8→2 (reset: 2), 2→4 (2), 4→4 (0).
        assert_eq!(increase_exact(&t, &v, -1, 40), Some(7.0));
        // (10, 30]: baseline 8 at t=10, then 2 (reset: 2), 4 (2).
        assert_eq!(increase_exact(&t, &v, 10, 30), Some(4.0));
        assert_eq!(increase_exact(&t, &v, 40, 50), None, "no sample inside");
        assert_eq!(increase_exact(&t, &v, -5, 0), None, "one sample, nothing to difference");
    }

    #[test]
    fn prometheus_increase_extrapolates_to_both_edges() {
        // Samples every 10 s at 5..45 s, window (0, 50] s: 5 s to each edge < 1.1 × 10 s.
        let t = [5_000, 15_000, 25_000, 35_000, 45_000];
        let v = [10.0, 20.0, 30.0, 40.0, 50.0];
        // to_zero = 40 · 10/40 = 10 s > 5 s: no clamp. 40 · (40 + 5 + 5)/40 = 50.
        assert_eq!(increase_prometheus(&t, &v, 50_000, 50_000), Some(50.0));
        assert_eq!(rate_prometheus(&t, &v, 50_000, 50_000), Some(1.0));
    }

    #[test]
    fn prometheus_increase_clamps_at_the_counter_zero() {
        // First value 1 with slope 1/s: the counter was 0 one second before the first sample.
        let t = [5_000, 15_000];
        let v = [1.0, 11.0];
        // to_start 5 (< 11), to_zero = 10 · 1/10 = 1 → 1; to_end 5. 10 · (10 + 1 + 5)/10 = 16.
        assert_eq!(increase_prometheus(&t, &v, 20_000, 20_000), Some(16.0));
    }
}
