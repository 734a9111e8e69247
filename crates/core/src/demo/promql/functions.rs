//! Range-vector functions (`rate`, `irate`, `increase`, `delta`, `*_over_time`) evaluated at
//! every step over one series' raw samples, with Prometheus 3 semantics.
//!
//! Contract:
//! - The window of a step at `t` (already shifted by `offset`) is `(t − range, t]`.
//! - `rate`/`increase`/`delta` need ≥ 2 samples and follow `extrapolatedRate`
//!   (`promql/functions.go`): counter resets add the value before the drop; each side is
//!   extrapolated to the window edge when within 1.1 × the average sample interval, else by half an
//!   interval; a counter is never extrapolated below zero. `irate` uses the last two samples.
//! - `sum_over_time`/`avg_over_time` use Prometheus' Kahan–Neumaier summation (`avg` starts from the
//!   first value and falls back to an incremental mean on overflow); `min`/`max_over_time` ignore
//!   NaN unless every value is NaN.
//! - Cost: one pass over the samples plus O(window) per step for windows up to
//!   [`DIRECT_WINDOW_MAX`] samples (exactly Prometheus' arithmetic); larger `_over_time` windows are
//!   reduced from precomputed blocks of [`BLOCK`] samples (O(window / BLOCK + BLOCK) per step).
//!   Counter-reset corrections use a precomputed list of reset positions, so `rate(x[30d])` is
//!   O(log n) per step.

use crate::counters::extrapolation_factor;

/// Largest `_over_time` window (in samples) reduced sample by sample.
pub const DIRECT_WINDOW_MAX: usize = 512;
/// Block size of the block-wise reduction.
pub const BLOCK: usize = 64;

/// The supported range functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeFn {
    Rate,
    Irate,
    Increase,
    Delta,
    AvgOverTime,
    MaxOverTime,
    MinOverTime,
    SumOverTime,
    CountOverTime,
}

impl RangeFn {
    /// The function called `name`, if supported.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "rate" => RangeFn::Rate,
            "irate" => RangeFn::Irate,
            "increase" => RangeFn::Increase,
            "delta" => RangeFn::Delta,
            "avg_over_time" => RangeFn::AvgOverTime,
            "max_over_time" => RangeFn::MaxOverTime,
            "min_over_time" => RangeFn::MinOverTime,
            "sum_over_time" => RangeFn::SumOverTime,
            "count_over_time" => RangeFn::CountOverTime,
            _ => return None,
        })
    }

    fn uses_blocks(self) -> bool {
        matches!(self, RangeFn::AvgOverTime | RangeFn::MaxOverTime | RangeFn::MinOverTime | RangeFn::SumOverTime)
    }
}

/// Prometheus' `kahansum.Inc`: adds `inc` to `sum` with Neumaier's compensation `c`.
pub fn kahan_inc(inc: f64, sum: f64, c: f64) -> (f64, f64) {
    let t = sum + inc;
    let c = if t.is_infinite() {
        0.0
    } else if sum.abs() >= inc.abs() {
        c + ((sum - t) + inc)
    } else {
        c + ((inc - t) + sum)
    };
    (t, c)
}

/// Evaluates `f` over the samples `(ts, vs)` (sorted by time) at every time in `eval_ts`
/// (ascending), each window being `(t − range_ms, t]`.
pub fn over_steps(f: RangeFn, ts: &[i64], vs: &[f64], eval_ts: &[i64], range_ms: i64) -> Vec<Option<f64>> {
    let n = ts.len().min(vs.len());
    let ts = ts.get(..n).unwrap_or_default();
    let vs = vs.get(..n).unwrap_or_default();
    let resets: Vec<usize> = if matches!(f, RangeFn::Rate | RangeFn::Increase) {
        (1..n).filter(|&i| matches!((vs.get(i), vs.get(i - 1)), (Some(c), Some(p)) if c < p)).collect()
    } else {
        Vec::new()
    };
    let blocks = if f.uses_blocks() && n > DIRECT_WINDOW_MAX { Some(Blocks::new(vs)) } else { None };
    let range_secs = range_ms as f64 / 1000.0;
    let mut lo = 0usize;
    let mut hi = 0usize;
    let mut out = Vec::with_capacity(eval_ts.len());
    for &t in eval_ts {
        let start = t.saturating_sub(range_ms);
        while ts.get(hi).is_some_and(|&x| x <= t) {
            hi += 1;
        }
        while ts.get(lo).is_some_and(|&x| x <= start) {
            lo += 1;
        }
        if lo >= hi {
            out.push(None);
            continue;
        }
        let (Some(wt), Some(wv)) = (ts.get(lo..hi), vs.get(lo..hi)) else {
            out.push(None);
            continue;
        };
        let v = match f {
            RangeFn::Rate => extrapolated_rate(wt, wv, vs, &resets, lo, hi, start, t, true, Some(range_secs)),
            RangeFn::Increase => extrapolated_rate(wt, wv, vs, &resets, lo, hi, start, t, true, None),
            RangeFn::Delta => extrapolated_rate(wt, wv, vs, &resets, lo, hi, start, t, false, None),
            RangeFn::Irate => irate(wt, wv),
            RangeFn::CountOverTime => Some(wv.len() as f64),
            RangeFn::SumOverTime => Some(match &blocks {
                Some(b) if wv.len() > DIRECT_WINDOW_MAX => b.sum(vs, lo, hi),
                _ => sum_direct(wv),
            }),
            RangeFn::AvgOverTime => Some(match &blocks {
                Some(b) if wv.len() > DIRECT_WINDOW_MAX => b.avg(vs, lo, hi),
                _ => avg_direct(wv),
            }),
            RangeFn::MaxOverTime => Some(match &blocks {
                Some(b) if wv.len() > DIRECT_WINDOW_MAX => b.extreme(vs, lo, hi, true),
                _ => extreme(wv, true),
            }),
            RangeFn::MinOverTime => Some(match &blocks {
                Some(b) if wv.len() > DIRECT_WINDOW_MAX => b.extreme(vs, lo, hi, false),
                _ => extreme(wv, false),
            }),
        };
        out.push(v);
    }
    out
}

/// `extrapolatedRate` for floats. `wt`/`wv` are the window's samples, which are
/// `all[lo..hi]`; `resets` lists every `i` with `all[i] < all[i − 1]`. `rate_secs` is the range
/// in seconds for `rate` (`None` for `increase`/`delta`).
// Mirrors the inputs of Prometheus' extrapolatedRate (window, resets, range, kind); one private call site.
#[allow(clippy::too_many_arguments)]
fn extrapolated_rate(
    wt: &[i64],
    wv: &[f64],
    all: &[f64],
    resets: &[usize],
    lo: usize,
    hi: usize,
    range_start: i64,
    range_end: i64,
    is_counter: bool,
    rate_secs: Option<f64>,
) -> Option<f64> {
    if wv.len() < 2 {
        return None;
    }
    let (first_t, last_t) = (*wt.first()?, *wt.last()?);
    let (first_v, last_v) = (*wv.first()?, *wv.last()?);
    let mut result = last_v - first_v;
    if is_counter {
        let from = resets.partition_point(|&i| i <= lo);
        let to = resets.partition_point(|&i| i < hi);
        for &i in resets.get(from..to).unwrap_or_default() {
            if let Some(prev) = i.checked_sub(1).and_then(|p| all.get(p)) {
                result += *prev;
            }
        }
    }
    let mut factor = extrapolation_factor(result, (first_t, first_v), last_t, wv.len(), (range_start, range_end), is_counter);
    if let Some(secs) = rate_secs {
        factor /= secs;
    }
    Some(result * factor)
}

/// `irate`: per-second rate between the last two samples (a drop counts as a reset from 0).
fn irate(wt: &[i64], wv: &[f64]) -> Option<f64> {
    let n = wv.len();
    if n < 2 {
        return None;
    }
    let (t0, t1) = (*wt.get(n - 2)?, *wt.get(n - 1)?);
    let (v0, v1) = (*wv.get(n - 2)?, *wv.get(n - 1)?);
    let dt = t1.saturating_sub(t0);
    if dt == 0 {
        return None;
    }
    let diff = if v1 < v0 { v1 } else { v1 - v0 };
    Some(diff / (dt as f64 / 1000.0))
}

fn sum_direct(v: &[f64]) -> f64 {
    let (mut sum, mut c) = (0.0, 0.0);
    for &x in v {
        (sum, c) = kahan_inc(x, sum, c);
    }
    if sum.is_infinite() {
        sum
    } else {
        sum + c
    }
}

/// Prometheus' `avg_over_time` (and `avg` aggregation) arithmetic.
pub(crate) struct MeanAcc {
    sum: f64,
    count: f64,
    mean: f64,
    c: f64,
    incremental: bool,
}

impl MeanAcc {
    pub(crate) fn new(first: f64) -> Self {
        MeanAcc { sum: first, count: 1.0, mean: 0.0, c: 0.0, incremental: false }
    }

    pub(crate) fn add(&mut self, x: f64) {
        self.count += 1.0;
        if !self.incremental {
            let (s, c) = kahan_inc(x, self.sum, self.c);
            if !s.is_infinite() {
                self.sum = s;
                self.c = c;
                return;
            }
            self.incremental = true;
            self.mean = self.sum / (self.count - 1.0);
            self.c /= self.count - 1.0;
        }
        let q = (self.count - 1.0) / self.count;
        (self.mean, self.c) = kahan_inc(x / self.count, q * self.mean, q * self.c);
    }

    pub(crate) fn value(&self) -> f64 {
        if self.incremental {
            self.mean + self.c
        } else {
            self.sum / self.count + self.c / self.count
        }
    }
}

fn avg_direct(v: &[f64]) -> f64 {
    let mut it = v.iter();
    let Some(&first) = it.next() else { return f64::NAN };
    let mut acc = MeanAcc::new(first);
    for &x in it {
        acc.add(x);
    }
    acc.value()
}

/// Max (`max = true`) or min as Prometheus' `compareOverTime`: NaN only if all values are NaN.
fn extreme(v: &[f64], max: bool) -> f64 {
    let mut it = v.iter();
    let Some(&first) = it.next() else { return f64::NAN };
    let mut best = first;
    for &x in it {
        let better = if max { x > best } else { x < best };
        if better || best.is_nan() {
            best = x;
        }
    }
    best
}

/// Per-block summaries for large windows.
struct Blocks {
    /// Kahan sum and compensation per block of [`BLOCK`] samples.
    sums: Vec<(f64, f64)>,
    max: Vec<f64>,
    min: Vec<f64>,
}

impl Blocks {
    fn new(vs: &[f64]) -> Self {
        let mut sums = Vec::with_capacity(vs.len() / BLOCK + 1);
        let mut max = Vec::with_capacity(vs.len() / BLOCK + 1);
        let mut min = Vec::with_capacity(vs.len() / BLOCK + 1);
        for chunk in vs.chunks(BLOCK) {
            let (mut s, mut c) = (0.0, 0.0);
            for &x in chunk {
                (s, c) = kahan_inc(x, s, c);
            }
            sums.push((s, c));
            max.push(extreme(chunk, true));
            min.push(extreme(chunk, false));
        }
        Blocks { sums, max, min }
    }

    /// Splits `lo..hi` into a head of single samples, whole blocks, and a tail.
    fn split(lo: usize, hi: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>, std::ops::Range<usize>) {
        let first_block = lo.div_ceil(BLOCK);
        let last_block = hi / BLOCK;
        if first_block >= last_block {
            return (lo..hi, 0..0, hi..hi);
        }
        (lo..first_block * BLOCK, first_block..last_block, last_block * BLOCK..hi)
    }

    fn sum_parts(&self, vs: &[f64], lo: usize, hi: usize) -> (f64, f64) {
        let (head, blocks, tail) = Self::split(lo, hi);
        let (mut s, mut c) = (0.0, 0.0);
        for &x in vs.get(head).unwrap_or_default() {
            (s, c) = kahan_inc(x, s, c);
        }
        for &(bs, bc) in self.sums.get(blocks).unwrap_or_default() {
            (s, c) = kahan_inc(bs, s, c);
            c += bc;
        }
        for &x in vs.get(tail).unwrap_or_default() {
            (s, c) = kahan_inc(x, s, c);
        }
        (s, c)
    }

    fn sum(&self, vs: &[f64], lo: usize, hi: usize) -> f64 {
        let (s, c) = self.sum_parts(vs, lo, hi);
        if s.is_infinite() {
            s
        } else {
            s + c
        }
    }

    fn avg(&self, vs: &[f64], lo: usize, hi: usize) -> f64 {
        let (s, c) = self.sum_parts(vs, lo, hi);
        if s.is_infinite() {
            // Overflow: fall back to the exact incremental mean.
            return avg_direct(vs.get(lo..hi).unwrap_or_default());
        }
        let n = (hi - lo) as f64;
        s / n + c / n
    }

    fn extreme(&self, vs: &[f64], lo: usize, hi: usize, max: bool) -> f64 {
        let (head, blocks, tail) = Self::split(lo, hi);
        let block_vals = if max { &self.max } else { &self.min };
        let parts = vs
            .get(head)
            .unwrap_or_default()
            .iter()
            .chain(block_vals.get(blocks).unwrap_or_default())
            .chain(vs.get(tail).unwrap_or_default());
        let mut best = f64::NAN;
        for &x in parts {
            let better = if max { x > best } else { x < best };
            if better || best.is_nan() {
                best = x;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
use super::*;

    #[test]
    fn block_reduction_matches_direct_on_integers() {
        let vs: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let ts: Vec<i64> = (0..5000).map(|i| i * 15_000).collect();
        let eval: Vec<i64> = (0..50).map(|i| 40_000_000 + i * 600_000).collect();
        let range = 3_600_000 * 12;
        for f in [RangeFn::SumOverTime, RangeFn::AvgOverTime, RangeFn::MaxOverTime, RangeFn::MinOverTime] {
            let blocked = over_steps(f, &ts, &vs, &eval, range);
            for (t, got) in eval.iter().zip(blocked) {
                let lo = ts.partition_point(|&x| x <= t - range);
                let hi = ts.partition_point(|&x| x <= *t);
                let w = &vs[lo..hi];
                let want = match f {
                    RangeFn::SumOverTime => sum_direct(w),
                    RangeFn::AvgOverTime => avg_direct(w),
                    RangeFn::MaxOverTime => extreme(w, true),
                    _ => extreme(w, false),
                };
                let got = got.unwrap();
                assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{f:?} {got} {want}");
            }
        }
    }

    #[test]
    fn extreme_ignores_nan_unless_all_nan() {
        assert_eq!(extreme(&[f64::NAN, 1.0, 3.0, f64::NAN], true), 3.0);
        assert_eq!(extreme(&[f64::NAN, 1.0, 3.0], false), 1.0);
        assert!(extreme(&[f64::NAN, f64::NAN], true).is_nan());
    }
}
