//! Legend statistics (`stats::summary`): hand-computed cases for every field, non-finite and
//! empty input, counter resets, and agreement with a naive two-pass reference on random data.

use proptest::prelude::*;
use sightline_core::series::{Labels, Series};
use sightline_core::stats::summary::{summarize, Summary};

fn secs(n: usize) -> Vec<i64> {
    (0..n as i64).map(|i| i * 1000).collect()
}

#[test]
fn textbook_values_give_mean_5_and_population_stddev_2() {
    let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
    let s = summarize(&secs(8), &v);
    assert_eq!(s.count, 8);
    assert_eq!(s.non_finite(), 0);
    assert_eq!(s.min, Some(2.0));
    assert_eq!(s.max, Some(9.0));
    assert_eq!(s.sum, Some(40.0));
    assert_eq!(s.mean, Some(5.0));
    assert_eq!(s.variance, Some(4.0));
    assert_eq!(s.stddev, Some(2.0));
    assert_eq!(s.range, Some(7.0));
    assert_eq!(s.first, Some((0, 2.0)));
    assert_eq!(s.last, Some((7000, 9.0)));
    assert_eq!(s.difference, Some(7.0));
    assert_eq!(s.delta, Some(7.0));
    assert_eq!(s.rate_per_sec, Some(1.0));
}

#[test]
fn delta_counts_the_value_after_a_counter_reset() {
    let s = summarize(&[0, 10_000, 20_000, 30_000], &[10.0, 15.0, 3.0, 8.0]);
    assert_eq!(s.delta, Some(13.0)); // 5 + 3 (restart from 0) + 5
    assert_eq!(s.difference, Some(-2.0));
    assert_eq!(s.rate_per_sec, Some(13.0 / 30.0));
}

#[test]
fn delta_counts_every_one_of_consecutive_resets() {
    // Prometheus-style: 5 + 2 + 2 = 9 (Grafana's reducer would say 4).
    let s = summarize(&secs(4), &[10.0, 5.0, 2.0, 4.0]);
    assert_eq!(s.delta, Some(9.0));
}

#[test]
fn non_finite_values_are_excluded_and_counted() {
    let v = [f64::NAN, 1.0, f64::INFINITY, 3.0, f64::NEG_INFINITY, f64::NAN];
    let s = summarize(&secs(6), &v);
    assert_eq!(s.count, 2);
    assert_eq!(s.nan, 2);
    assert_eq!(s.infinite, 2);
    assert_eq!(s.non_finite(), 4);
    assert_eq!(s.first, Some((1000, 1.0)));
    assert_eq!(s.last, Some((3000, 3.0)));
    assert_eq!(s.mean, Some(2.0));
    assert_eq!(s.max, Some(3.0));
    assert_eq!(s.delta, Some(2.0));
    assert_eq!(s.rate_per_sec, Some(1.0));
}

#[test]
fn empty_and_all_nan_input_are_no_data() {
    assert_eq!(summarize(&[], &[]), Summary::default());
    let s = summarize(&secs(3), &[f64::NAN; 3]);
    assert_eq!(s.count, 0);
    assert_eq!(s.nan, 3);
    assert_eq!((s.min, s.max, s.mean, s.sum, s.stddev, s.last), (None, None, None, None, None, None));
}

#[test]
fn one_value_has_statistics_but_no_change() {
    let s = summarize(&[42], &[-3.5]);
    assert_eq!((s.min, s.max, s.mean, s.sum), (Some(-3.5), Some(-3.5), Some(-3.5), Some(-3.5)));
    assert_eq!(s.stddev, Some(0.0));
    assert_eq!((s.delta, s.difference, s.rate_per_sec), (None, None, None));
}

#[test]
fn rate_is_none_when_samples_share_one_timestamp() {
    let s = summarize(&[5, 5], &[1.0, 2.0]);
    assert_eq!(s.delta, Some(1.0));
    assert_eq!(s.rate_per_sec, None);
}

#[test]
fn variance_is_stable_for_large_offsets() {
    let v = [1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0];
    let s = summarize(&secs(4), &v);
    assert_eq!(s.mean, Some(1e9 + 10.0));
    let var = s.variance.unwrap();
    assert!((var - 22.5).abs() < 1e-9, "{var}");
}

#[test]
fn mismatched_columns_read_the_common_prefix() {
    let s = summarize(&[0, 1000], &[1.0, 2.0, 3.0]);
    assert_eq!(s.count, 2);
    assert_eq!(s.last, Some((1000, 2.0)));
}

#[test]
fn summary_of_series_equals_summarize() {
    let series = Series { labels: Labels::default(), t_ms: vec![0, 1, 2], values: vec![1.0, 2.0, 4.0] };
    assert_eq!(Summary::of(&series), summarize(&series.t_ms, &series.values));
}

fn sample() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1e6..1e6f64,
        1 => Just(f64::NAN),
        1 => prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ]
}

proptest! {
    #[test]
    fn agrees_with_a_naive_two_pass_reference(values in prop::collection::vec(sample(), 0..200)) {
        let t: Vec<i64> = (0..values.len() as i64).map(|i| i * 15_000).collect();
        let s = summarize(&t, &values);
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        prop_assert_eq!(s.count, finite.len());
        prop_assert_eq!(s.count + s.non_finite(), values.len());
        if finite.is_empty() {
            prop_assert_eq!(s.mean, None);
            return Ok(());
        }
        let n = finite.len() as f64;
        let mean = finite.iter().sum::<f64>() / n;
        let var = finite.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let scale = finite.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        prop_assert!((s.mean.unwrap() - mean).abs() <= 1e-9 * scale);
        prop_assert!((s.variance.unwrap() - var).abs() <= 1e-9 * scale * scale);
        let (lo, hi) = (s.min.unwrap(), s.max.unwrap());
        prop_assert!(lo <= s.mean.unwrap() + 1e-9 * scale && s.mean.unwrap() <= hi + 1e-9 * scale);
        prop_assert_eq!(s.first.map(|p| p.1), finite.first().copied());
        prop_assert_eq!(s.last.map(|p| p.1), finite.last().copied());
        // Delta is non-negative for non-negative counters and never below the difference.
        if finite.iter().all(|&v| v >= 0.0) {
            if let (Some(d), Some(diff)) = (s.delta, s.difference) {
                prop_assert!(d >= 0.0);
                prop_assert!(d >= diff - 1e-9 * scale);
            }
        }
    }
}

mod legend_rows {
    use sightline_core::series::Series;
    use sightline_core::stats::legend::legend_rows;

    #[test]
    fn rows_combine_summary_and_exact_percentiles() {
        let s = Series { labels: Default::default(), t_ms: (0..5).collect(), values: vec![1.0, 2.0, f64::NAN, 3.0, 4.0] };
        let empty = Series { labels: Default::default(), t_ms: vec![0], values: vec![f64::NAN] };
        let rows = legend_rows(&[s, empty]);
        assert_eq!(rows[0].summary.count, 4);
        assert_eq!(rows[0].summary.nan, 1);
        // Type 7 over [1, 2, 3, 4]: p50 = 2.5, p95 = 3.85, p99 = 3.97.
        let q = rows[0].quantiles.clone().unwrap();
        assert!((q[0] - 2.5).abs() < 1e-12 && (q[1] - 3.85).abs() < 1e-12 && (q[2] - 3.97).abs() < 1e-12, "{q:?}");
        assert_eq!(rows[1].quantiles, None);
        assert_eq!(rows[1].summary.mean, None);
    }
}
