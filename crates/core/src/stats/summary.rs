//! Per-series summary statistics for legends and tables ("legend calcs"), in one pass.
//!
//! [`summarize`] reads a series' two columns once and returns a [`Summary`]. The calculations and
//! their names follow Grafana's standard reducers (`packages/grafana-data/src/transformations/
//! fieldReducer.ts`, documented as "Calculation types"), with Sightline's conventions on top:
//!
//! | field | definition | Grafana name |
//! |---|---|---|
//! | [`Summary::count`] | number of **finite** values | Count (Grafana counts every row, nulls included) |
//! | [`Summary::min`], [`Summary::max`] | smallest / largest finite value | Min, Max |
//! | [`Summary::mean`] | arithmetic mean of the finite values (compensated sum ÷ count) | Mean |
//! | [`Summary::sum`] | sum of the finite values (compensated summation) | Total |
//! | [`Summary::first`], [`Summary::last`] | first / last finite value, with its timestamp | First\*, Last\* (not null) |
//! | [`Summary::range`] | `max − min` | Range |
//! | [`Summary::difference`] | `last − first` | Difference |
//! | [`Summary::delta`] | reset-corrected increase (counters): `Σ dᵢ`, `dᵢ = vᵢ − vᵢ₋₁` when `vᵢ ≥ vᵢ₋₁`, else `vᵢ` | Delta ("cumulative change in value, only counts increments") |
//! | [`Summary::variance`], [`Summary::stddev`] | **population** variance (÷ n) and its square root, by Welford's update | Variance, StdDev (Grafana also ÷ n, also Welford) |
//! | [`Summary::rate_per_sec`] | `delta / ((t_last − t_first) / 1000)`: the counter's increase per second over the span of its finite samples, without extrapolation (algorithms.md §5 "exact mode", not Prometheus' extrapolated `rate`) | — |
//!
//! Contract:
//! - **Non-finite values** (`NaN`, `±Inf`) are not aggregated: they are skipped by every field and
//!   counted in [`Summary::nan`] and [`Summary::infinite`] (algorithms.md §1). Consecutive-value
//!   fields (`delta`, `difference`, rate) pair each finite value with the previous *finite* value.
//! - **Empty input** (no finite value) is "no data": every value field is `None`, never 0.
//!   Fields needing two samples (`delta`, `difference`, `rate_per_sec`) are `None` with fewer than
//!   two finite values; `rate_per_sec` is also `None` when the finite samples span 0 ms.
//! - Delta differs from Grafana's reducer in one corner: Grafana loses the value after a reset
//!   when two drops follow each other; here every drop counts its new value, as Prometheus'
//!   `increase` does. For gauges that go down, `delta` and `rate_per_sec` are not meaningful
//!   (every drop reads as a counter reset); use `difference` for gauges.
//! - Units: values keep the series' unit; `rate_per_sec` is that unit per second; timestamps are
//!   ms since the Unix epoch.
//! - If the two columns differ in length (the model forbids it), only the common prefix is read.
//! - Overflow: finite inputs near `f64::MAX` can make `sum`, `range` or `variance` infinite; the
//!   mean then falls back to Welford's running mean, which stays finite whenever `max − min` does.
//! - O(n) time, O(1) memory; never panics.

use crate::series::Series;

/// Summary statistics of one series; see the module doc for each definition.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// How many values are finite (the sample size of every statistic below).
    pub count: usize,
    /// How many values are `NaN` (excluded).
    pub nan: usize,
    /// How many values are `+Inf` or `−Inf` (excluded).
    pub infinite: usize,
    /// Smallest finite value.
    pub min: Option<f64>,
    /// Largest finite value.
    pub max: Option<f64>,
    /// Mean of the finite values.
    pub mean: Option<f64>,
    /// Sum of the finite values ("Total").
    pub sum: Option<f64>,
    /// First finite value and its timestamp (ms).
    pub first: Option<(i64, f64)>,
    /// Last finite value and its timestamp (ms).
    pub last: Option<(i64, f64)>,
    /// `max − min`.
    pub range: Option<f64>,
    /// `last − first` (needs two finite values).
    pub difference: Option<f64>,
    /// Reset-corrected increase (needs two finite values).
    pub delta: Option<f64>,
    /// Population variance (÷ n).
    pub variance: Option<f64>,
    /// Population standard deviation, `√variance`.
    pub stddev: Option<f64>,
    /// `delta` per second over the time span of the finite samples (needs two finite values
    /// more than 0 ms apart).
    pub rate_per_sec: Option<f64>,
}

impl Summary {
    /// How many values were excluded as `NaN` or `±Inf`.
    pub fn non_finite(&self) -> usize {
        self.nan + self.infinite
    }

    /// The summary of a whole series.
    pub fn of(series: &Series) -> Summary {
        summarize(&series.t_ms, &series.values)
    }
}

/// The summary of the samples `(t_ms[i], values[i])`; see the module doc for the contract.
pub fn summarize(t_ms: &[i64], values: &[f64]) -> Summary {
    let mut s = Summary::default();
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    // Neumaier-compensated sum.
    let mut sum = 0.0_f64;
    let mut compensation = 0.0_f64;
    // Welford.
    let mut mean = 0.0_f64;
    let mut m2 = 0.0_f64;
    let mut delta = 0.0_f64;
    let mut first: Option<(i64, f64)> = None;
    let mut last: Option<(i64, f64)> = None;

    for (&t, &v) in t_ms.iter().zip(values) {
        if v.is_nan() {
            s.nan += 1;
            continue;
        }
        if v.is_infinite() {
            s.infinite += 1;
            continue;
        }
        s.count += 1;
        min = min.min(v);
        max = max.max(v);

        let next = sum + v;
        if sum.abs() >= v.abs() {
            compensation += (sum - next) + v;
        } else {
            compensation += (v - next) + sum;
        }
        sum = next;

        let n = s.count as f64;
        let d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);

        match last {
            None => first = Some((t, v)),
            Some((_, prev)) => delta += if v >= prev { v - prev } else { v },
        }
        last = Some((t, v));
    }

    if s.count == 0 {
        return s;
    }
    let total = sum + compensation;
    s.sum = Some(if total.is_finite() { total } else { sum });
    s.min = Some(min);
    s.max = Some(max);
    // The compensated sum over n is the more accurate mean; Welford's running mean is the
    // fallback when the sum overflows.
    s.mean = Some(if total.is_finite() { total / s.count as f64 } else { mean });
    s.range = Some(max - min);
    let variance = (m2 / s.count as f64).max(0.0);
    s.variance = Some(variance);
    s.stddev = Some(variance.sqrt());
    s.first = first;
    s.last = last;
    if let (Some((t0, v0)), Some((t1, v1))) = (first, last) {
        if s.count >= 2 {
            s.difference = Some(v1 - v0);
            s.delta = Some(delta);
            let span_ms = t1.saturating_sub(t0);
            if span_ms > 0 {
                s.rate_per_sec = Some(delta / (span_ms as f64 / 1000.0));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_no_data() {
        let s = summarize(&[], &[]);
        assert_eq!(s, Summary::default());
        assert_eq!(s.mean, None);
    }

    #[test]
    fn single_value_has_no_delta() {
        let s = summarize(&[5], &[3.0]);
        assert_eq!(s.count, 1);
        assert_eq!(s.mean, Some(3.0));
        assert_eq!(s.stddev, Some(0.0));
        assert_eq!(s.delta, None);
        assert_eq!(s.rate_per_sec, None);
    }
}
