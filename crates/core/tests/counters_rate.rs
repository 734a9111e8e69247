//! Counter arithmetic: exact increases, and Prometheus' `rate`/`increase` pinned against hand
//! computations, properties, and real Prometheus answers captured in
//! `tests/fixtures/prometheus/captured-2.42/` (see PROVENANCE.md).

use proptest::prelude::*;
use sightline_core::counters::{
    counter_series, increase_exact, increase_prometheus, rate_prometheus, rate_series, CounterFn, EvalGrid,
};
use sightline_core::formats::prometheus::{decode_response, ResultData};
use sightline_core::series::{Labels, Series};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "prometheus", "captured-2.42", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn matrix(name: &str) -> Vec<Series> {
    match decode_response(200, &fixture(name)).unwrap().data {
        ResultData::Matrix(m) => m,
        other => panic!("{name}: not a matrix: {other:?}"),
    }
}

fn assert_close(got: f64, want: f64, what: &str) {
    let tol = 1e-9 * want.abs().max(1e-300);
    assert!((got - want).abs() <= tol, "{what}: got {got}, Prometheus {want}");
}

/// The captured raw bucket samples, by labels.
fn raw_buckets() -> Vec<Series> {
    matrix("classic-raw-buckets.json")
}

fn assert_series_match(mine: &[Series], prom: &[Series], what: &str) {
    assert_eq!(mine.len(), prom.len(), "{what}: series count");
    for p in prom {
        let m = mine.iter().find(|m| m.labels == p.labels).unwrap_or_else(|| panic!("{what}: no series {:?}", p.labels));
        assert_eq!(m.t_ms, p.t_ms, "{what}: times of {}", p.labels.display_name());
        for ((t, a), b) in m.t_ms.iter().zip(&m.values).zip(&p.values) {
            assert_close(*a, *b, &format!("{what} {} at {t}", p.labels.display_name()));
        }
    }
}

#[test]
fn rate_series_equals_prometheus_rate_over_the_captured_buckets() {
    let grid = EvalGrid { start_ms: 1_700_000_120_000, end_ms: 1_700_001_140_000, step_ms: 30_000 };
    let mine: Vec<Series> = raw_buckets().iter().map(|s| rate_series(s, 60_000, grid)).collect();
    let prom = matrix("classic-rate-1m.json");
    assert_eq!(prom.len(), 12);
    assert_series_match(&mine, &prom, "rate(req_duration_seconds_bucket[1m])");
}

#[test]
fn rate_at_the_end_of_the_data_extrapolates_half_an_interval() {
    // Windows running past the last sample: the end side exceeds 1.1 × the average interval.
    let grid = EvalGrid { start_ms: 1_700_001_140_000, end_ms: 1_700_001_245_000, step_ms: 15_000 };
    let raw: Vec<Series> = raw_buckets().into_iter().filter(|s| s.labels.get("le") == Some("0.1")).collect();
    let mine: Vec<Series> = raw.iter().map(|s| rate_series(s, 60_000, grid)).collect();
    assert_series_match(&mine, &matrix("classic-rate-1m-tail.json"), "rate(…{le=\"0.1\"}[1m]) at the tail");
    // After 1700001245 the last window holds < 2 samples: no point, as Prometheus answered.
    assert!(mine.iter().all(|s| s.t_ms.last() == Some(&1_700_001_230_000)));
}

#[test]
fn increase_series_equals_prometheus_increase_including_the_reset() {
    let grid = EvalGrid { start_ms: 1_700_000_120_000, end_ms: 1_700_001_140_000, step_ms: 30_000 };
    let raw: Vec<Series> = raw_buckets().into_iter().filter(|s| s.labels.get("le") == Some("+Inf")).collect();
    let mine: Vec<Series> = raw.iter().map(|s| counter_series(s, 120_000, grid, CounterFn::Increase)).collect();
    assert_series_match(&mine, &matrix("classic-increase-2m.json"), "increase(…{le=\"+Inf\"}[2m])");
}

#[test]
fn single_evaluations_agree_with_the_series_form() {
    let raw = raw_buckets();
    let s = &raw[0];
    let grid = EvalGrid { start_ms: 1_700_000_000_000, end_ms: 1_700_001_300_000, step_ms: 7_000 };
    let series = rate_series(s, 45_000, grid);
    let mut k = 0;
    for t in grid.times() {
        match rate_prometheus(&s.t_ms, &s.values, t, 45_000) {
            Some(v) => {
                assert_eq!(series.t_ms.get(k), Some(&t));
                assert_eq!(series.values.get(k).map(|x| x.to_bits()), Some(v.to_bits()), "at {t}");
                k += 1;
            }
            None => assert!(!series.t_ms.contains(&t)),
        }
    }
    assert_eq!(k, series.len());
}

// --- hand-computed cases --------------------------------------------------------------------

#[test]
fn prometheus_window_is_left_open() {
    // A sample exactly at t − w is outside (Prometheus ≥ 3.0); 2.x would have included it.
    let t = [0, 10_000, 20_000];
    let v = [0.0, 10.0, 20.0];
    // Window (0, 20000]: samples at 10 s and 20 s; to_start = 10 s < 11 s → extended; to_zero = 10·10/10 = 10, not smaller.
    // increase = 10 · (10 + 10 + 0)/10 = 20.
    assert_eq!(increase_prometheus(&t, &v, 20_000, 20_000), Some(20.0));
    // Only one sample in (10000, 20000]: no value.
    assert_eq!(increase_prometheus(&t, &v, 20_000, 10_000), None);
}

#[test]
fn prometheus_increase_uses_half_an_interval_when_the_series_starts_late() {
    // Samples at 40, 50, 60 s in a (0, 60] window: to_start = 40 ≥ 1.1·10 → 5; value 100 → 120:
    // to_zero = 20 · 100/20 = 100 (no clamp). increase = 20 · (20 + 5 + 0)/20 = 25.
    let t = [40_000, 50_000, 60_000];
    let v = [100.0, 110.0, 120.0];
    assert_eq!(increase_prometheus(&t, &v, 60_000, 60_000), Some(25.0));
    assert!((rate_prometheus(&t, &v, 60_000, 60_000).unwrap() - 25.0 / 60.0).abs() < 1e-15);
}

#[test]
fn prometheus_3_clamps_to_zero_after_the_threshold_check() {
    // Series starting at 0 well inside the window: to_start = 40 ≥ 11 → avg/2 = 5; then the
    // zero clamp: to_zero = 20 · 2/20 = 2 < 5 → 2. increase = 20 · (20 + 2 + 0)/20 = 22.
    // (Prometheus 2.x clamped first: min(40, 2) = 2 < 11 → also 2 here; they differ only when
    // avg/2 < to_zero < 1.1·avg.)
    let t = [40_000, 50_000, 60_000];
    let v = [2.0, 12.0, 22.0];
    assert_eq!(increase_prometheus(&t, &v, 60_000, 60_000), Some(22.0));
    // to_zero = 20 · 8/20 = 8 lies between avg/2 = 5 and 11: Prometheus 3 keeps 5 (2.x took 8).
    let v = [8.0, 18.0, 28.0];
    assert_eq!(increase_prometheus(&t, &v, 60_000, 60_000), Some(25.0));
}

#[test]
fn prometheus_reset_adds_the_value_before_the_drop() {
    // 10, 20, 5, 15 at 10..40 s in (0, 40]: raw = 15 − 10 + 20 = 25; to_start 10 < 11 → 10;
    // to_zero = 30 · 10/25 = 12 (not smaller); to_end 0. 25 · (30 + 10)/30 = 33.333…
    let t = [10_000, 20_000, 30_000, 40_000];
    let v = [10.0, 20.0, 5.0, 15.0];
    let got = increase_prometheus(&t, &v, 40_000, 40_000).unwrap();
    assert!((got - 100.0 / 3.0).abs() < 1e-12, "{got}");
}

#[test]
fn exact_increase_is_not_extrapolated() {
    let t = [10_000, 20_000, 30_000, 40_000];
    let v = [10.0, 20.0, 5.0, 15.0];
    // No sample at or before 0: 10→20 (10), 20→5 (reset: 5), 5→15 (10).
    assert_eq!(increase_exact(&t, &v, 0, 40_000), Some(25.0));
    assert_eq!(increase_exact(&t, &v, 20_000, 40_000), Some(15.0));
    assert_eq!(increase_exact(&t, &v, 40_000, 90_000), None, "no sample inside");
}

#[test]
fn non_finite_samples_are_skipped_by_the_exact_increase() {
    let t = [0, 10, 20, 30];
    let v = [1.0, f64::NAN, 3.0, f64::INFINITY];
    assert_eq!(increase_exact(&t, &v, -1, 30), Some(2.0));
}

#[test]
fn degenerate_inputs_give_no_value_and_no_panic() {
    assert_eq!(increase_prometheus(&[], &[], 0, 1000), None);
    assert_eq!(rate_prometheus(&[1, 2], &[1.0], 5, 10), None, "columns of unequal length use the prefix");
    assert_eq!(rate_prometheus(&[1, 2], &[1.0, 2.0], 5, 0), None, "non-positive window");
    assert_eq!(increase_exact(&[5, 1], &[1.0, 2.0], 0, 10), Some(1.0));
    let s = Series { labels: Labels::default(), t_ms: vec![i64::MIN, i64::MAX], values: vec![0.0, 1.0] };
    let grid = EvalGrid { start_ms: i64::MAX - 10, end_ms: i64::MAX, step_ms: 5 };
    let _ = rate_series(&s, i64::MAX, grid);
    assert!(EvalGrid { start_ms: 10, end_ms: 0, step_ms: 1 }.is_empty());
    assert!(EvalGrid { start_ms: 0, end_ms: 10, step_ms: 0 }.is_empty());
}

#[test]
fn rate_series_drops_the_metric_name() {
    let s = Series {
        labels: [("__name__", "x_total"), ("job", "a")].into_iter().collect(),
        t_ms: vec![0, 10_000, 20_000],
        values: vec![0.0, 10.0, 20.0],
    };
    let r = rate_series(&s, 30_000, EvalGrid { start_ms: 20_000, end_ms: 20_000, step_ms: 1 });
    assert_eq!(r.labels.display_name(), r#"{job="a"}"#);
    assert_eq!(r.t_ms, vec![20_000]);
}

// --- properties ----------------------------------------------------------------------------

fn counter() -> impl Strategy<Value = (Vec<i64>, Vec<f64>)> {
    prop::collection::vec((1i64..30_000, 0u32..100, any::<bool>()), 0..80).prop_map(|steps| {
        let (mut t, mut v) = (Vec::new(), Vec::new());
        let (mut now, mut val) = (0i64, 0f64);
        for (dt, inc, reset) in steps {
            now += dt;
            val = if reset { f64::from(inc) } else { val + f64::from(inc) };
            t.push(now);
            v.push(val);
        }
        (t, v)
    })
}

proptest! {
    #[test]
    fn exact_increases_of_adjacent_windows_add_up((t, v) in counter(), a in 0i64..1_500_000, b in 0i64..1_500_000, c in 0i64..1_500_000) {
        let mut w = [a, b, c];
        w.sort();
        let [a, b, c] = w;
        if let (Some(x), Some(y)) = (increase_exact(&t, &v, a, b), increase_exact(&t, &v, b, c)) {
            let whole = increase_exact(&t, &v, a, c).unwrap();
            prop_assert!((x + y - whole).abs() <= 1e-9 * whole.abs().max(1.0));
        }
    }

    #[test]
    fn exact_increase_of_a_reset_free_counter_is_last_minus_baseline((t, v) in counter()) {
        let monotone = v.windows(2).all(|w| w[1] >= w[0]);
        if monotone && v.len() >= 2 {
            let got = increase_exact(&t, &v, i64::MIN, i64::MAX).unwrap();
            prop_assert_eq!(got, v[v.len() - 1] - v[0]);
        }
    }

    #[test]
    fn rate_series_equals_pointwise_rate((t, v) in counter(), window in 1i64..120_000, step in 1i64..40_000, start in 0i64..200_000) {
        let s = Series { labels: Labels::default(), t_ms: t.clone(), values: v.clone() };
        let grid = EvalGrid { start_ms: start, end_ms: start + 60 * step, step_ms: step };
        let series = rate_series(&s, window, grid);
        let pointwise: Vec<(i64, u64)> = grid.times().filter_map(|x| rate_prometheus(&t, &v, x, window).map(|r| (x, r.to_bits()))).collect();
        let got: Vec<(i64, u64)> = series.t_ms.iter().zip(&series.values).map(|(&x, r)| (x, r.to_bits())).collect();
        prop_assert_eq!(got, pointwise);
    }

    #[test]
    fn prometheus_increase_of_a_counter_is_never_negative((t, v) in counter(), eval in 0i64..2_000_000, window in 1i64..500_000) {
        if let Some(x) = increase_prometheus(&t, &v, eval, window) {
            prop_assert!(x >= 0.0, "{}", x);
        }
    }
}
