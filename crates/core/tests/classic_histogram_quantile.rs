//! Client-side `histogram_quantile(q, sum by (le) (rate(x_bucket[w])))` from raw bucket counters
//! equals real Prometheus' answer (captured from Prometheus 2.42 in
//! `tests/fixtures/prometheus/captured-2.42/`, see PROVENANCE.md) to 1e-9 relative.

use sightline_core::counters::EvalGrid;
use sightline_core::formats::prometheus::{decode_response, ResultData};
use sightline_core::series::{Labels, Series};
use sightline_core::stats::classic_histogram::histogram_quantile_classic;
use std::path::PathBuf;

fn matrix(name: &str) -> Vec<Series> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "prometheus", "captured-2.42", name]
        .iter()
        .collect();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match decode_response(200, &bytes).unwrap().data {
        ResultData::Matrix(m) => m,
        other => panic!("{name}: not a matrix: {other:?}"),
    }
}

fn assert_matches_prometheus(mine: &[Series], prom: &[Series], what: &str) {
    assert_eq!(mine.len(), prom.len(), "{what}: series count");
    for (m, p) in mine.iter().zip(prom) {
        assert_eq!(m.labels, p.labels, "{what}");
        assert_eq!(m.t_ms, p.t_ms, "{what}: times");
        for ((t, a), b) in m.t_ms.iter().zip(&m.values).zip(&p.values) {
            assert!((a - b).abs() <= 1e-9 * b.abs(), "{what} at {t}: got {a}, Prometheus {b}");
        }
    }
}

#[test]
fn p90_over_all_instances_matches_prometheus() {
    let raw = matrix("classic-raw-buckets.json");
    let grid = EvalGrid { start_ms: 1_700_000_120_000, end_ms: 1_700_001_140_000, step_ms: 30_000 };
    let mine = histogram_quantile_classic(0.9, &raw, 60_000, grid, Some(&[]));
    assert!(mine.warnings.is_empty());
    let prom = matrix("classic-quantile-0.9.json");
    assert_eq!(prom[0].len(), 35);
    assert_matches_prometheus(&mine.series, &prom, "histogram_quantile(0.9, sum by (le) (rate(…[1m])))");
}

#[test]
fn p99_over_five_minutes_matches_prometheus() {
    let raw = matrix("classic-raw-buckets.json");
    let grid = EvalGrid { start_ms: 1_700_000_360_000, end_ms: 1_700_001_140_000, step_ms: 60_000 };
    let mine = histogram_quantile_classic(0.99, &raw, 300_000, grid, Some(&[]));
    assert_matches_prometheus(&mine.series, &matrix("classic-quantile-0.99-5m.json"), "p99 [5m]");
}

#[test]
fn median_by_instance_matches_prometheus() {
    let raw = matrix("classic-raw-buckets.json");
    let grid = EvalGrid { start_ms: 1_700_000_120_000, end_ms: 1_700_001_140_000, step_ms: 30_000 };
    let mine = histogram_quantile_classic(0.5, &raw, 60_000, grid, Some(&["instance".to_string()]));
    let prom = matrix("classic-quantile-0.5-by-instance.json");
    assert_eq!(prom.len(), 2);
    assert_matches_prometheus(&mine.series, &prom, "histogram_quantile(0.5, sum by (le, instance) (…))");
}

fn bucket(instance: &str, le: &str, values: &[f64]) -> Series {
    Series {
        labels: [("__name__", "x_bucket"), ("instance", instance), ("le", le)].into_iter().collect(),
        t_ms: (0..values.len() as i64).map(|i| i * 10_000).collect(),
        values: values.to_vec(),
    }
}

#[test]
fn hand_computed_quantile_from_two_instances() {
    // Samples every 10 s at 0..30 s; evaluation at 30 s over 30 s: the window (0, 30] holds the
    // samples at 10, 20, 30 s (sampled 20 s, to_start 10 s < 1.1 · 10 s, to_end 0), then the
    // zero clamp: to_start = min(10, 20 · first/Δ). Increases (× 1/30 s for the rate):
    //   a 0.1: 0→20, clamp 0 → 20;  a 0.5: 0→40 → 40;  a +Inf: 0→40 → 40
    //   b 0.1: 5→5, Δ 0 → 0;  b 0.5: 5→25, clamp 5 → 20 · 25/20 = 25;  b +Inf: 5→45, clamp 2.5 → 40 · 22.5/20 = 45
    // Summed: 0.1 → 20, 0.5 → 65, +Inf → 85. q = 0.5: rank 42.5 in (0.1, 0.5]:
    // 0.1 + 0.4 · (42.5 − 20)/(65 − 20) = 0.3.
    let series = vec![
        bucket("a", "0.1", &[0.0, 0.0, 10.0, 20.0]),
        bucket("a", "0.5", &[0.0, 0.0, 20.0, 40.0]),
        bucket("a", "+Inf", &[0.0, 0.0, 20.0, 40.0]),
        bucket("b", "0.1", &[5.0, 5.0, 5.0, 5.0]),
        bucket("b", "0.5", &[5.0, 5.0, 15.0, 25.0]),
        bucket("b", "+Inf", &[5.0, 5.0, 25.0, 45.0]),
    ];
    let grid = EvalGrid { start_ms: 30_000, end_ms: 30_000, step_ms: 1 };
    let got = histogram_quantile_classic(0.5, &series, 30_000, grid, Some(&[]));
    assert_eq!(got.series.len(), 1);
    assert_eq!(got.series[0].labels, Labels::default());
    assert!((got.series[0].values[0] - 0.3).abs() < 1e-12, "{:?}", got.series[0].values);
    // Without aggregation: one result per instance. a: rank 20 of 40, reached by the first bucket:
    // 0 + 0.1 · 20/20 = 0.1. b: rank 22.5 of 45 in (0.1, 0.5] with 0 below: 0.1 + 0.4 · 22.5/25 = 0.46.
    let per = histogram_quantile_classic(0.5, &series, 30_000, grid, None);
    let values: Vec<(String, f64)> =
        per.series.iter().map(|s| (s.labels.get("instance").unwrap_or("").to_string(), s.values[0])).collect();
    assert_eq!(values.len(), 2);
    assert!((values[0].1 - 0.1).abs() < 1e-12 && values[0].0 == "a", "{values:?}");
    assert!((values[1].1 - 0.46).abs() < 1e-12 && values[1].0 == "b", "{values:?}");
}

#[test]
fn missing_inf_bucket_is_nan_and_bad_le_is_reported() {
    let series = vec![
        bucket("a", "0.1", &[0.0, 1.0, 2.0, 3.0]),
        bucket("a", "0.5", &[0.0, 2.0, 4.0, 6.0]),
        bucket("a", "fast", &[0.0, 2.0, 4.0, 6.0]),
    ];
    let grid = EvalGrid { start_ms: 30_000, end_ms: 30_000, step_ms: 1 };
    let got = histogram_quantile_classic(0.5, &series, 30_000, grid, Some(&[]));
    assert_eq!(got.warnings.len(), 1);
    assert!(got.series[0].values[0].is_nan());
}

#[test]
fn q_outside_the_unit_interval_follows_promql_and_empty_input_is_no_data() {
    let series = vec![bucket("a", "0.1", &[0.0, 1.0, 2.0]), bucket("a", "+Inf", &[0.0, 2.0, 4.0])];
    let grid = EvalGrid { start_ms: 20_000, end_ms: 20_000, step_ms: 1 };
    assert_eq!(histogram_quantile_classic(-0.1, &series, 30_000, grid, Some(&[])).series[0].values, vec![f64::NEG_INFINITY]);
    assert_eq!(histogram_quantile_classic(1.5, &series, 30_000, grid, Some(&[])).series[0].values, vec![f64::INFINITY]);
    assert!(histogram_quantile_classic(f64::NAN, &series, 30_000, grid, Some(&[])).series[0].values[0].is_nan());
    assert!(histogram_quantile_classic(0.5, &[], 30_000, grid, None).series.is_empty());
    // A window with fewer than 2 samples per bucket has no point at all.
    let early = EvalGrid { start_ms: 0, end_ms: 0, step_ms: 1 };
    assert!(histogram_quantile_classic(0.5, &series, 30_000, early, None).series.is_empty());
}
