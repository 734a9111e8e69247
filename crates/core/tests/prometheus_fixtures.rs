//! Every captured Prometheus API response in `tests/fixtures/prometheus/` decodes to what it holds.

use sightline_core::formats::prometheus::{decode_label_sets, decode_response, decode_string_list, ResultData};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "fixtures", "prometheus", name].iter().collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn jaeger_matrix_with_integer_seconds_and_big_value_decodes() {
    let resp = decode_response(200, &fixture("jaeger-service-calls-matrix.json")).unwrap();
    let ResultData::Matrix(series) = resp.data else { panic!("not a matrix: {:?}", resp.data) };
    assert_eq!(series.len(), 1);
    let s = &series[0];
    assert_eq!(s.labels.get("service_name"), Some("emailservice"));
    assert_eq!(s.labels.metric_name(), None);
    assert_eq!(s.t_ms, vec![1_620_351_786_000]);
    assert_eq!(s.values, vec![9_223_372_036_854.0]);
    assert!(resp.warnings.is_empty() && resp.infos.is_empty());
}

#[test]
fn jaeger_matrix_with_two_labels_keeps_both() {
    let resp = decode_response(200, &fixture("jaeger-span-name-matrix.json")).unwrap();
    let ResultData::Matrix(series) = resp.data else { panic!("not a matrix") };
    assert_eq!(series[0].labels.display_name(), r#"{service_name="emailservice", span_name="/OrderResult"}"#);
    assert_eq!(series[0].len(), 1);
}

#[test]
fn status_warning_is_success_with_warnings_and_no_data() {
    let resp = decode_response(200, &fixture("jaeger-warning-empty-matrix.json")).unwrap();
    assert_eq!(resp.data, ResultData::Matrix(vec![]));
    assert!(resp.data.is_empty());
    assert_eq!(resp.warnings, vec!["warning0".to_string(), "warning1".to_string()]);
}

#[test]
fn label_names_fixture_decodes_to_strings() {
    let resp = decode_string_list(200, &fixture("demo-labels.json")).unwrap();
    assert_eq!(resp.data, vec!["__name__", "env", "instance", "job", "state"]);
}

#[test]
fn metric_names_fixture_decodes_to_strings() {
    let names = decode_string_list(200, &fixture("demo-metric-names.json")).unwrap().data;
    assert_eq!(names.len(), 17);
    assert_eq!(names.first().map(String::as_str), Some("ALERTS"));
    assert_eq!(names.last().map(String::as_str), Some("alertmanager_http_request_duration_seconds_sum"));
}

#[test]
fn series_fixture_decodes_to_label_sets() {
    let resp = decode_label_sets(200, &fixture("demo-series.json")).unwrap();
    assert_eq!(resp.data.len(), 2);
    assert_eq!(resp.data[0].metric_name(), Some("alertmanager_alerts"));
    assert_eq!(resp.data[0].get("state"), Some("active"));
    assert_eq!(resp.data[1].get("state"), Some("suppressed"));
    assert_eq!(resp.data[1].get("instance"), Some("demo.do.prometheus.io:9093"));
}
