//! `query_exemplars`: request parameters and decoding of real Prometheus answers (captured from
//! Prometheus 2.42 in `tests/fixtures/prometheus/captured-2.42/`, see PROVENANCE.md).

use sightline_core::formats::prometheus::exemplars::trace_id_of;
use sightline_core::formats::prometheus::{decode_exemplars, exemplars_request_params, ErrorKind, PromError};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "prometheus", "captured-2.42", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn request_params_use_unix_seconds() {
    let (path, params) = exemplars_request_params("rate(x_bucket[5m])", 1_700_000_000_000, 1_700_000_600_500);
    assert_eq!(path, "/api/v1/query_exemplars");
    let want: Vec<(String, String)> = [("query", "rate(x_bucket[5m])"), ("start", "1700000000"), ("end", "1700000600.5")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(params, want);
}

#[test]
fn captured_exemplars_carry_trace_ids_under_all_three_spellings() {
    let resp = decode_exemplars(200, &fixture("exemplars-first-scrapes.json")).unwrap();
    let ex = resp.data;
    assert_eq!(ex.len(), 8);
    // Sorted by series labels: le "+Inf" < "0.1" < "1".
    let first = &ex[0];
    assert_eq!(first.series_labels.get("le"), Some("+Inf"));
    assert_eq!(first.series_labels.metric_name(), Some("http_server_duration_seconds_bucket"));
    assert_eq!(first.trace_id.as_deref(), Some("0e0e47364bf92f3577b34da6a3ce929d"), "traceId");
    assert_eq!(first.value, 2.5);
    assert_eq!(first.t_ms, 1_796_228_478_869);
    let snake = &ex[1];
    assert_eq!(snake.series_labels.get("le"), Some("0.1"));
    assert_eq!(snake.trace_id.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"), "trace_id");
    assert_eq!(snake.labels.get("span_id"), Some("00f067aa0ba902b7"));
    assert_eq!(snake.value, 0.067);
    assert_eq!(snake.t_ms, 1_796_228_473_871);
    let upper = ex.iter().find(|e| e.series_labels.get("le") == Some("1")).unwrap();
    assert_eq!(upper.trace_id.as_deref(), Some("a3ce929d0e0e47364bf92f3577b34da6"), "traceID");
    assert!(ex.windows(2).all(|w| (&w[0].series_labels, w[0].t_ms) <= (&w[1].series_labels, w[1].t_ms)));
}

#[test]
fn exemplars_without_a_trace_label_have_no_trace_id() {
    let ex = decode_exemplars(200, &fixture("exemplars.json")).unwrap().data;
    let jobs: Vec<_> = ex.iter().filter(|e| e.series_labels.metric_name() == Some("jobs_processed_total")).collect();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.iter().all(|e| e.trace_id.is_none() && e.labels.get("request_id") == Some("r-17")));
    assert_eq!(ex.iter().filter(|e| e.trace_id.is_some()).count(), 6);
}

#[test]
fn a_bad_query_is_the_api_error_verbatim() {
    let err = decode_exemplars(400, &fixture("exemplars-bad-query.json")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(
        err,
        PromError::Api {
            error_type: "bad_data".into(),
            message: "1:4: parse error: unexpected end of input inside braces".into(),
            http_status: 400
        }
    );
}

#[test]
fn tolerant_decoding() {
    // null data and empty lists are "no exemplars".
    assert!(decode_exemplars(200, br#"{"status":"success","data":null}"#).unwrap().data.is_empty());
    assert!(decode_exemplars(200, br#"{"status":"success","data":[]}"#).unwrap().data.is_empty());
    // A malformed exemplar is skipped with a warning; numbers and string timestamps are accepted.
    let body = br#"{"status":"success","warnings":["w"],"data":[{"seriesLabels":{"__name__":"x"},"exemplars":[
        {"labels":{"trace_id":"abc"},"value":1.5,"timestamp":"12.3456"},
        {"labels":{"trace_id":"def"},"timestamp":5},
        {"labels":{"trace_id":"0000000000000000"},"value":"NaN","timestamp":7}]}]}"#;
    let resp = decode_exemplars(200, body).unwrap();
    assert_eq!(resp.data.len(), 2);
    assert_eq!(resp.data[0].t_ms, 7_000);
    assert!(resp.data[0].value.is_nan());
    assert_eq!(resp.data[0].trace_id, None, "all-zero ids are absent");
    assert_eq!((resp.data[1].t_ms, resp.data[1].value), (12_346, 1.5));
    assert_eq!(resp.warnings, vec!["w".to_string(), "1 malformed exemplars (no value or timestamp) were skipped".to_string()]);
    // Structural problems are decode errors; proxies are HTTP errors.
    assert_eq!(decode_exemplars(200, br#"{"status":"success","data":{"a":1}}"#).unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(decode_exemplars(200, b"").unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(decode_exemplars(200, br#"{"status":"success","da"#).unwrap_err().kind(), ErrorKind::Decode);
    let proxy = decode_exemplars(502, b"<html><body>Bad Gateway</body></html>").unwrap_err();
    assert_eq!(proxy, PromError::Http { status: 502, body_excerpt: "Bad Gateway".into() });
}

#[test]
fn trace_id_label_preference() {
    let l = [("traceId", "c"), ("traceID", "b")].into_iter().collect();
    assert_eq!(trace_id_of(&l).as_deref(), Some("b"));
}
