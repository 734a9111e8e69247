//! Request building for the Prometheus HTTP API: paths, parameters, URLs and POST bodies.

use sightline_core::formats::prometheus::{format_seconds, PromRequest};
use sightline_core::urlencoding::parse_query;

fn range(query: &str) -> PromRequest {
    PromRequest::Range {
        query: query.to_string(),
        start_ms: 1_435_781_430_781,
        end_ms: 1_435_781_460_781,
        step_ms: 15_000,
    }
}

#[test]
fn range_query_url_encodes_promql_and_times_in_seconds() {
    let url = range(r#"rate(x{a="b c"}[5m])"#).url("http://localhost:9090");
    assert_eq!(
        url,
        "http://localhost:9090/api/v1/query_range?query=rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29\
         &start=1435781430.781&end=1435781460.781&step=15"
    );
}

#[test]
fn url_joins_base_with_or_without_trailing_slash_and_sub_path() {
    let req = PromRequest::Labels;
    assert_eq!(req.url("http://h:9090"), "http://h:9090/api/v1/labels");
    assert_eq!(req.url("http://h:9090/"), "http://h:9090/api/v1/labels");
    assert_eq!(req.url("http://h/prometheus"), "http://h/prometheus/api/v1/labels");
    assert_eq!(req.url("http://h/prometheus//"), "http://h/prometheus/api/v1/labels");
    assert_eq!(req.url("/prometheus"), "/prometheus/api/v1/labels");
    assert_eq!(req.url(" http://h "), "http://h/api/v1/labels");
    assert_eq!(req.url(""), "/api/v1/labels");
}

#[test]
fn non_ascii_query_text_is_percent_encoded_as_utf8() {
    let req = PromRequest::Instant { query: r#"up{job="café €"}"#.to_string(), time_ms: None };
    let url = req.url("http://h");
    assert_eq!(url, "http://h/api/v1/query?query=up%7Bjob%3D%22caf%C3%A9+%E2%82%AC%22%7D");
    assert!(url.is_ascii());
}

#[test]
fn encoded_parameters_decode_back_to_the_originals() {
    let q = "sum by (le) (rate(http_duration_seconds_bucket{path=~\"/api/.+\", x=\"a&b=c+d%\"}[5m])) # ü";
    let req = range(q);
    let url = req.url("http://h");
    let (_, query) = url.split_once('?').unwrap();
    assert_eq!(parse_query(query), req.params());
    assert_eq!(parse_query(&req.form_body()), req.params());
    assert_eq!(query, req.form_body());
}

#[test]
fn instant_query_sends_time_only_when_given() {
    let now = PromRequest::Instant { query: "up".into(), time_ms: None };
    assert_eq!(now.params(), vec![("query".to_string(), "up".to_string())]);
    let at = PromRequest::Instant { query: "up".into(), time_ms: Some(1_435_781_451_781) };
    assert_eq!(at.form_body(), "query=up&time=1435781451.781");
    assert_eq!(at.path(), "/api/v1/query");
}

#[test]
fn sub_second_steps_keep_their_decimals() {
    let req = PromRequest::Range { query: "up".into(), start_ms: 0, end_ms: 1000, step_ms: 500 };
    assert_eq!(req.form_body(), "query=up&start=0&end=1&step=0.5");
    let req = PromRequest::Range { query: "up".into(), start_ms: 1, end_ms: 1010, step_ms: 1 };
    assert_eq!(req.form_body(), "query=up&start=0.001&end=1.01&step=0.001");
}

#[test]
fn series_request_repeats_match_for_each_matcher() {
    let req = PromRequest::Series {
        matchers: vec!["up".into(), r#"process_start_time_seconds{job="prometheus"}"#.into()],
        start_ms: 1_000,
        end_ms: 2_000,
    };
    assert_eq!(req.path(), "/api/v1/series");
    assert_eq!(
        req.form_body(),
        "match%5B%5D=up&match%5B%5D=process_start_time_seconds%7Bjob%3D%22prometheus%22%7D&start=1&end=2"
    );
}

#[test]
fn label_values_path_holds_the_label_name() {
    let req = PromRequest::LabelValues { label: "__name__".into() };
    assert_eq!(req.url("http://h/"), "http://h/api/v1/label/__name__/values");
    let dotted = PromRequest::LabelValues { label: "http.status_code".into() };
    assert_eq!(dotted.path(), "/api/v1/label/U__http_2e_status__code/values");
    assert_eq!(PromRequest::LabelValues { label: "a/b".into() }.path(), "/api/v1/label/U__a_2f_b/values");
}

#[test]
fn endpoints_without_parameters_have_no_question_mark() {
    assert_eq!(PromRequest::BuildInfo.url("http://h"), "http://h/api/v1/status/buildinfo");
    assert_eq!(PromRequest::BuildInfo.form_body(), "");
    assert!(PromRequest::Labels.params().is_empty());
}

#[test]
fn seconds_are_formatted_without_float_noise() {
    assert_eq!(format_seconds(1_700_000_000_123), "1700000000.123");
    assert_eq!(format_seconds(1_700_000_000_120), "1700000000.12");
    assert_eq!(format_seconds(60_000), "60");
}
