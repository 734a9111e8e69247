//! Native histograms: decoding real query results (captured from Prometheus 2.42 with
//! `--enable-feature=native-histograms`, see `tests/fixtures/prometheus/captured-2.42/` and
//! PROVENANCE.md) and `histogram_quantile` — Prometheus 2.x's linear interpolation pinned against
//! the captured answers, Prometheus 3's exponential interpolation against hand computations.

use serde_json::json;
use sightline_core::formats::prometheus::native_histogram::{
    decode_native_histogram, decode_native_sample_bytes, decode_native_series, native_quantile_with, BoundaryRule,
    NativeBucket, NativeHistogram, NativeInterpolation,
};
use sightline_core::formats::prometheus::{decode_native_sample, decode_response, native_quantile, ErrorKind, ResultData};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "prometheus", "captured-2.42", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-300)
}

#[test]
fn captured_vector_sample_decodes() {
    let resp = decode_native_series(200, &fixture("native-vector.json")).unwrap();
    assert_eq!(resp.data.len(), 1);
    let s = &resp.data[0];
    assert_eq!(s.labels.metric_name(), Some("rpc_latency_seconds"));
    assert_eq!(s.labels.get("route"), Some("/api"));
    assert_eq!(s.samples.len(), 1);
    let h = &s.samples[0].histogram;
    assert_eq!(s.samples[0].t_ms, 1_796_228_733_000);
    assert_eq!((h.count, h.sum), (1143.0, 342.9));
    assert!(!h.custom_buckets, "schema 0 bounds");
    assert_eq!(h.buckets.len(), 8);
    assert_eq!(h.buckets[0], NativeBucket { boundary: BoundaryRule::OpenRight, lower: -2.0, upper: -1.0, count: 2.0 });
    assert_eq!(h.buckets[2], NativeBucket { boundary: BoundaryRule::ClosedBoth, lower: -0.001, upper: 0.001, count: 130.0 });
    assert_eq!(h.buckets[7], NativeBucket { boundary: BoundaryRule::OpenLeft, lower: 4.0, upper: 8.0, count: 64.0 });
    assert_eq!(h.buckets.iter().map(|b| b.count).sum::<f64>(), h.count);
}

#[test]
fn the_float_decoder_still_reads_the_same_response() {
    // decode.rs counts native histograms and says so; the native decoder is the one that reads them.
    let resp = decode_response(200, &fixture("native-vector.json")).unwrap();
    let ResultData::Vector(v) = resp.data else { panic!() };
    assert!(v.is_empty());
}

#[test]
fn captured_matrix_samples_decode_per_sample() {
    let resp = decode_native_series(200, &fixture("native-matrix-raw.json")).unwrap();
    let samples = &resp.data[0].samples;
    assert_eq!(samples.len(), 5);
    assert!(samples.windows(2).all(|w| w[0].t_ms < w[1].t_ms && w[0].histogram.count <= w[1].histogram.count));
    // The same sample decoded alone, from a JSON value and from bytes.
    let body: serde_json::Value = serde_json::from_slice(&fixture("native-matrix-raw.json")).unwrap();
    let first = &body["data"]["result"][0]["histograms"][0];
    assert_eq!(decode_native_sample(first).unwrap(), samples[0]);
    assert_eq!(decode_native_sample_bytes(first.to_string().as_bytes()).unwrap(), samples[0]);
}

#[test]
fn linear_quantiles_equal_prometheus_2_42() {
    let h = decode_native_series(200, &fixture("native-vector.json")).unwrap().data[0].samples[0].histogram.clone();
    for q in ["0.01", "0.1", "0.25", "0.5", "0.75", "0.9", "0.99"] {
        let resp = decode_response(200, &fixture(&format!("native-quantile-{q}.json"))).unwrap();
        let ResultData::Vector(v) = resp.data else { panic!() };
        let want = v[0].value;
        let got = native_quantile_with(q.parse().unwrap(), &h, NativeInterpolation::Linear);
        assert!(close(got, want), "q={q}: got {got}, Prometheus {want}");
    }
}

#[test]
fn linear_quantiles_of_rates_equal_prometheus_2_42() {
    let rates = decode_native_series(200, &fixture("native-rate-10s.json")).unwrap().data;
    assert_eq!(rates.len(), 1);
    for (q, file) in [(0.9, "native-rate-quantile-0.9.json"), (0.2, "native-rate-quantile-0.2.json")] {
        let ResultData::Matrix(m) = decode_response(200, &fixture(file)).unwrap().data else { panic!() };
        assert_eq!(m[0].t_ms, rates[0].samples.iter().map(|s| s.t_ms).collect::<Vec<_>>());
        for (s, want) in rates[0].samples.iter().zip(&m[0].values) {
            let got = native_quantile_with(q, &s.histogram, NativeInterpolation::Linear);
            assert!(close(got, *want), "q={q} at {}: got {got}, Prometheus {want}", s.t_ms);
        }
    }
}

fn hist(count: f64, sum: f64, buckets: &[(BoundaryRule, f64, f64, f64)], custom: bool) -> NativeHistogram {
    NativeHistogram {
        count,
        sum,
        buckets: buckets.iter().map(|&(boundary, lower, upper, count)| NativeBucket { boundary, lower, upper, count }).collect(),
        custom_buckets: custom,
    }
}

use BoundaryRule::{ClosedBoth, OpenLeft, OpenRight};

#[test]
fn exponential_interpolation_in_positive_buckets() {
    let h = hist(10.0, 15.0, &[(OpenLeft, 1.0, 2.0, 10.0)], false);
    // q ≥ 0.5 walks down: rank (1 − 0.5)·10 = 5, fraction 5/10 → 2^(0 + 1·0.5) = √2.
    assert!(close(native_quantile(0.5, &h), 2f64.sqrt()));
    // q < 0.5 walks up: rank 2.5, fraction 0.25 → 2^0.25.
    assert!(close(native_quantile(0.25, &h), 2f64.powf(0.25)));
    assert!(close(native_quantile_with(0.5, &h, NativeInterpolation::Linear), 1.5));
}

#[test]
fn exponential_interpolation_in_negative_buckets_is_mirrored() {
    let h = hist(10.0, -15.0, &[(OpenRight, -2.0, -1.0, 10.0)], false);
    // rank 2.5, fraction 0.25: −2^(log₂1 + (log₂2 − log₂1)·(1 − 0.25)) = −2^0.75.
    assert!(close(native_quantile(0.25, &h), -(2f64.powf(0.75))));
    assert!(close(native_quantile_with(0.25, &h, NativeInterpolation::Linear), -1.75));
}

#[test]
fn zero_bucket_is_linear_and_starts_at_zero_without_negative_buckets() {
    let h = hist(8.0, 2.0, &[(ClosedBoth, -0.001, 0.001, 4.0), (OpenLeft, 0.5, 1.0, 4.0)], false);
    // rank 2 in the zero bucket, lower end taken as 0: 0 + 0.001 · 2/4.
    assert!(close(native_quantile(0.25, &h), 0.0005));
    // With a negative bucket too, the zero bucket spans [−0.001, 0.001]: rank 3 − 2 = 1 of 4.
    let h = hist(10.0, 2.0, &[(OpenRight, -1.0, -0.5, 2.0), (ClosedBoth, -0.001, 0.001, 4.0), (OpenLeft, 0.5, 1.0, 4.0)], false);
    assert!(close(native_quantile(0.3, &h), -0.001 + 0.002 * 0.25));
    // Only negative buckets: the zero bucket's upper end is 0.
    let h = hist(8.0, -2.0, &[(OpenRight, -1.0, -0.5, 4.0), (ClosedBoth, -0.001, 0.001, 4.0)], false);
    assert!(close(native_quantile(0.75, &h), -0.001 + 0.001 * 0.5), "rank 2 from the top, upper end 0");
}

#[test]
fn custom_buckets_interpolate_linearly_and_clamp_at_infinite_ends() {
    let h = hist(10.0, 3.0, &[(OpenLeft, f64::NEG_INFINITY, 0.1, 5.0), (OpenLeft, 0.1, 0.5, 3.0), (OpenLeft, 0.5, f64::INFINITY, 2.0)], true);
    assert!(close(native_quantile(0.2, &h), 0.04), "first bucket from 0: 0.1 · 2/5");
    assert_eq!(native_quantile(0.95, &h), 0.5, "+Inf bucket → its lower bound");
    // Walking down: rank (1 − 0.65)·10 = 3.5; 2 in (0.5, +Inf], then 5 ≥ 3.5 in (0.1, 0.5]:
    // rank 5 − 3.5 = 1.5 of 3 → 0.1 + 0.4 · 0.5.
    assert!(close(native_quantile(0.65, &h), 0.3));
    let neg = hist(4.0, -3.0, &[(OpenLeft, f64::NEG_INFINITY, -1.0, 4.0)], true);
    assert_eq!(native_quantile(0.3, &neg), -1.0, "(−Inf, u ≤ 0] → u");
    // The decoder recognises the layout.
    let decoded = decode_native_histogram(&json!({"count":"10","sum":"3","buckets":[[0,"-Inf","0.1","5"],[0,"0.1","0.5","3"],[0,"0.5","+Inf","2"]]})).unwrap();
    assert!(decoded.custom_buckets);
    assert_eq!(native_quantile(0.95, &decoded), 0.5);
}

#[test]
fn special_cases_follow_prometheus() {
    let h = hist(10.0, 15.0, &[(OpenLeft, 1.0, 2.0, 10.0)], false);
    assert_eq!(native_quantile(-0.5, &h), f64::NEG_INFINITY);
    assert_eq!(native_quantile(1.5, &h), f64::INFINITY);
    assert!(native_quantile(f64::NAN, &h).is_nan());
    assert!(native_quantile(0.5, &hist(0.0, 0.0, &[], false)).is_nan());
    // NaN observations: count 12 but 10 in buckets, sum NaN → walk up; rank 11.88 never reached.
    let nan_obs = hist(12.0, f64::NAN, &[(OpenLeft, 1.0, 2.0, 10.0)], false);
    assert_eq!(native_quantile(0.99, &nan_obs), 2.0);
    // No bucket at all but a count: Go's zero-valued bucket, upper bound 0.
    assert_eq!(native_quantile(0.5, &hist(3.0, 1.0, &[], false)), 0.0);
}

#[test]
fn malformed_samples_are_decode_errors() {
    for bad in [
        json!([1, 2, 3]),
        json!({"count": "1"}),
        json!([1.5, {"sum": "1"}]),
        json!([1.5, {"count": "x"}]),
        json!([1.5, {"count": "1", "buckets": [[7, "0", "1", "1"]]}]),
        json!([1.5, {"count": "1", "buckets": [[0, "0", "1"]]}]),
        json!([1.5, {"count": "1", "buckets": {"a": 1}}]),
        json!(["soon", {"count": "1"}]),
    ] {
        let err = decode_native_sample(&bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{bad}");
    }
    assert_eq!(decode_native_sample_bytes(b"[1,").unwrap_err().kind(), ErrorKind::Decode);
    let ok = decode_native_sample(&json!([1.5, {"count": 3, "sum": "NaN"}])).unwrap();
    assert_eq!((ok.t_ms, ok.histogram.count), (1_500, 3.0));
    assert!(ok.histogram.sum.is_nan() && ok.histogram.buckets.is_empty());
}
