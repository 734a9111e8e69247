//! Anomaly rules (`stats::anomaly`): the trailing mean ± kσ band against hand-computed windows and
//! a naive per-window reference, and the recent-vs-baseline p95 comparison.

use proptest::prelude::*;
use sightline_core::stats::anomaly::{
    anomaly_band, recent_vs_baseline, recent_vs_baseline_with, BandError, BandParams, ComparisonParams,
};

fn params(window: usize, k: f64, min_count: usize) -> BandParams {
    BandParams { window, k, min_count }
}

#[test]
fn band_excludes_the_point_under_test_and_flags_a_spike() {
    let v = [1.0, 2.0, 3.0, 4.0, 100.0];
    let band = anomaly_band(&v, &params(4, 2.0, 4)).unwrap();
    assert_eq!(band.mean.len(), 5);
    assert!(band.mean[..4].iter().all(|m| m.is_nan()), "{:?}", band.mean);
    assert_eq!(band.mean[4], 2.5);
    let sd = 1.25f64.sqrt(); // population variance of 1..4
    assert!((band.upper[4] - (2.5 + 2.0 * sd)).abs() < 1e-12);
    assert!((band.lower[4] - (2.5 - 2.0 * sd)).abs() < 1e-12);
    assert_eq!(band.outside(&v), vec![4]);
}

#[test]
fn band_windows_skip_non_finite_values() {
    let v = [1.0, f64::NAN, 3.0, 5.0];
    let band = anomaly_band(&v, &params(3, 1.0, 2)).unwrap();
    // i = 3: window [1, NaN, 3] → n = 2, mean 2, σ 1.
    assert_eq!((band.lower[3], band.mean[3], band.upper[3]), (1.0, 2.0, 3.0));
    // i = 2: window [1, NaN] → n = 1 < 2.
    assert!(band.mean[2].is_nan());
    assert_eq!(band.outside(&v), vec![3]);
}

#[test]
fn band_is_exact_for_large_offsets() {
    let v = [1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0, 1e9];
    let band = anomaly_band(&v, &params(4, 2.0, 4)).unwrap();
    assert_eq!(band.mean[4], 1e9 + 10.0);
    assert!((band.upper[4] - band.mean[4] - 2.0 * 22.5f64.sqrt()).abs() < 1e-6);
}

#[test]
fn one_point_windows_have_zero_width_exactly() {
    // Regression: with global prefix sums, σ of a one-value window came out ~3e-5, not 0.
    let v = [-529.3440245904075, -992.7980617669162, 85.2728298488341, 655.1209341128343, f64::NAN, 0.0];
    let band = anomaly_band(&v, &params(1, 3.1, 1)).unwrap();
    for i in 1..4 {
        assert_eq!((band.lower[i], band.mean[i], band.upper[i]), (v[i - 1], v[i - 1], v[i - 1]));
    }
    assert!(band.mean[5].is_nan()); // the window before index 5 holds only NaN
}

#[test]
fn band_precision_does_not_depend_on_series_offset_or_length() {
    // A counter climbing to ~1e12 with a small wobble: σ of each window is about 1.
    let v: Vec<f64> = (0..200_000).map(|i| 5e6 * i as f64 + if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
    let band = anomaly_band(&v, &params(4, 1.0, 4)).unwrap();
    let i = v.len() - 1;
    let win = &v[i - 4..i];
    let m = win.iter().sum::<f64>() / 4.0;
    let sd = (win.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 4.0).sqrt();
    assert!((band.mean[i] - m).abs() < 1e-3, "{} vs {m}", band.mean[i]);
    assert!((band.upper[i] - band.mean[i] - sd).abs() < 1e-3 * sd, "{} vs {sd}", band.upper[i] - band.mean[i]);
}

#[test]
fn band_of_empty_input_is_empty() {
    let band = anomaly_band(&[], &BandParams::default()).unwrap();
    assert!(band.lower.is_empty() && band.upper.is_empty() && band.mean.is_empty());
}

#[test]
fn invalid_band_parameters_are_errors() {
    assert_eq!(anomaly_band(&[1.0], &params(0, 2.0, 1)), Err(BandError::EmptyWindow));
    assert!(matches!(anomaly_band(&[1.0], &params(3, f64::NAN, 1)), Err(BandError::InvalidK(_))));
    assert!(matches!(anomaly_band(&[1.0], &params(3, -1.0, 1)), Err(BandError::InvalidK(_))));
    assert_eq!(anomaly_band(&[1.0], &params(3, 2.0, 0)), Err(BandError::InvalidMinCount { min_count: 0, window: 3 }));
    assert_eq!(anomaly_band(&[1.0], &params(3, 2.0, 4)), Err(BandError::InvalidMinCount { min_count: 4, window: 3 }));
    assert_eq!(BandParams::default().k, 2.0);
}

#[test]
fn recent_p95_more_than_twice_the_baseline_is_flagged() {
    let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
    v.extend((200..210).map(f64::from));
    let c = recent_vs_baseline(&v, 10, 100);
    assert_eq!(c.baseline_count, 100);
    assert_eq!(c.recent_count, 10);
    assert!((c.baseline_p95.unwrap() - 95.05).abs() < 1e-9);
    assert!((c.recent_p95.unwrap() - 208.55).abs() < 1e-9);
    assert!((c.ratio.unwrap() - 208.55 / 95.05).abs() < 1e-12);
    assert!(c.flagged);
}

#[test]
fn windows_are_disjoint_and_a_small_rise_is_not_flagged() {
    let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
    v.extend([100.0; 10]);
    let c = recent_vs_baseline(&v, 10, 100);
    assert!((c.ratio.unwrap() - 100.0 / 95.05).abs() < 1e-12);
    assert!(!c.flagged);
    // A baseline window larger than what precedes the recent one is truncated.
    let c = recent_vs_baseline(&v, 10, 1000);
    assert_eq!(c.baseline_count, 100);
}

#[test]
fn zero_baseline_gives_infinite_ratio_and_both_zero_gives_nan() {
    let c = recent_vs_baseline(&[0.0, 0.0, 1.0], 1, 2);
    assert_eq!(c.ratio, Some(f64::INFINITY));
    assert!(c.flagged);
    let c = recent_vs_baseline(&[0.0, 0.0, 0.0], 1, 2);
    assert!(c.ratio.unwrap().is_nan());
    assert!(!c.flagged);
}

#[test]
fn too_few_samples_are_no_data() {
    let v: Vec<f64> = (0..30).map(f64::from).collect();
    let c = recent_vs_baseline_with(&v, &ComparisonParams { recent_n: 10, baseline_n: 20, min_count: 15, factor: 2.0 });
    assert_eq!(c.recent_p95, None);
    assert_eq!(c.ratio, None);
    assert!(!c.flagged);
    let c = recent_vs_baseline(&[], 10, 20);
    assert_eq!((c.recent_p95, c.baseline_p95, c.flagged), (None, None, false));
    let c = recent_vs_baseline(&[f64::NAN, 1.0, f64::NAN], 1, 2);
    assert_eq!(c.recent_p95, None);
    assert_eq!(c.baseline_count, 1);
}

/// Naive reference: mean and population σ of the finite values in `[i − w, i)`.
fn naive(values: &[f64], i: usize, w: usize) -> Option<(f64, f64, usize)> {
    let win: Vec<f64> = values[i.saturating_sub(w)..i].iter().copied().filter(|v| v.is_finite()).collect();
    if win.is_empty() {
        return None;
    }
    let n = win.len() as f64;
    let m = win.iter().sum::<f64>() / n;
    let var = win.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    Some((m, var.sqrt(), win.len()))
}

fn sample() -> impl Strategy<Value = f64> {
    prop_oneof![9 => -1e3..1e3f64, 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)]
}

proptest! {
    #[test]
    fn band_matches_a_naive_window_computation(
        values in prop::collection::vec(sample(), 0..150),
        window in 1usize..20,
        min_frac in 0.0f64..1.0,
        k in 0.0f64..4.0,
    ) {
        let min_count = ((window as f64 * min_frac) as usize).clamp(1, window);
        let band = anomaly_band(&values, &params(window, k, min_count)).unwrap();
        prop_assert_eq!(band.mean.len(), values.len());
        prop_assert_eq!(band.lower.len(), values.len());
        for i in 0..values.len() {
            match naive(&values, i, window) {
                Some((m, sd, n)) if n >= min_count => {
                    prop_assert!((band.mean[i] - m).abs() < 1e-6, "i={} {} vs {}", i, band.mean[i], m);
                    prop_assert!((band.upper[i] - (m + k * sd)).abs() < 1e-4);
                    prop_assert!((band.lower[i] - (m - k * sd)).abs() < 1e-4);
                    prop_assert!(band.lower[i] <= band.mean[i] && band.mean[i] <= band.upper[i]);
                }
                _ => prop_assert!(band.mean[i].is_nan() && band.upper[i].is_nan() && band.lower[i].is_nan()),
            }
        }
    }

    #[test]
    fn comparison_never_panics_and_counts_finite_samples(
        values in prop::collection::vec(sample(), 0..100),
        recent_n in 0usize..50,
        baseline_n in 0usize..80,
    ) {
        let c = recent_vs_baseline(&values, recent_n, baseline_n);
        prop_assert!(c.recent_count <= recent_n && c.baseline_count <= baseline_n);
        prop_assert_eq!(c.flagged, c.ratio.is_some_and(|r| r > 2.0) && c.baseline_p95.is_some_and(|b| b >= 0.0));
    }
}
