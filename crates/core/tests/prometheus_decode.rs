//! Decoding Prometheus HTTP API responses: envelopes, errors, result types and sample quirks.

use proptest::prelude::*;
use sightline_core::formats::prometheus::{
    decode_build_info, decode_label_sets, decode_response, decode_string_list, ErrorKind, PromError, ResultData,
};
use sightline_core::series::Series;

fn matrix(body: &str) -> Vec<Series> {
    match decode_response(200, body.as_bytes()) {
        Ok(resp) => match resp.data {
            ResultData::Matrix(s) => s,
            other => panic!("not a matrix: {other:?}"),
        },
        Err(e) => panic!("{e}"),
    }
}

fn one_series(values: &str) -> Series {
    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"__name__":"m"}},"values":{values}}}]}}}}"#
    );
    let mut s = matrix(&body);
    assert_eq!(s.len(), 1);
    s.remove(0)
}

#[test]
fn special_value_strings_become_non_finite_floats() {
    let s = one_series(r#"[[1,"NaN"],[2,"+Inf"],[3,"-Inf"],[4,"1"],[5,"-0.5"],[6,"1e-300"]]"#);
    assert!(s.values[0].is_nan());
    assert_eq!(s.values[1], f64::INFINITY);
    assert_eq!(s.values[2], f64::NEG_INFINITY);
    assert_eq!(&s.values[3..], &[1.0, -0.5, 1e-300]);
    assert_eq!(s.non_finite_count(), 3);
}

#[test]
fn float_second_timestamps_round_to_exact_milliseconds() {
    let s = one_series(
        r#"[[1435781430.781,"0"],[1435781445.001,"0"],[1435781460.999,"1"],[1435781461,"1"],[1435781462.5,"1"]]"#,
    );
    assert_eq!(
        s.t_ms,
        vec![1_435_781_430_781, 1_435_781_445_001, 1_435_781_460_999, 1_435_781_461_000, 1_435_781_462_500]
    );
}

#[test]
fn huge_and_tiny_values_are_kept_exactly() {
    let max_digits = format!("{}", f64::MAX); // 309 digits, no exponent: Go's 'f' format
    let s = one_series(&format!(
        r#"[[1,"9223372036854"],[2,"9223372036854775807"],[3,"1.7976931348623157e308"],[4,"5e-324"],[5,"{max_digits}"],[6,"-0"]]"#
    ));
    assert_eq!(s.values, vec![9_223_372_036_854.0, 9_223_372_036_854_775_807.0, f64::MAX, 5e-324, f64::MAX, -0.0]);
    assert!(s.values[5].is_sign_negative());
}

#[test]
fn bare_json_numbers_are_accepted_as_values_and_timestamps() {
    let s = one_series(r#"[[1.5,2],[2,-3.25],["3","4"]]"#);
    assert_eq!(s.t_ms, vec![1500, 2000, 3000]);
    assert_eq!(s.values, vec![2.0, -3.25, 4.0]);
}

#[test]
fn escaped_value_strings_are_decoded() {
    let s = one_series(r#"[[1,"\u0031.5"],[2,"\u004eaN"]]"#);
    assert_eq!(s.values[0], 1.5);
    assert!(s.values[1].is_nan());
}

#[test]
fn unsorted_samples_are_sorted_stably_by_time() {
    let s = one_series(r#"[[3,"3"],[1,"1"],[2,"2"]]"#);
    assert_eq!(s.t_ms, vec![1000, 2000, 3000]);
    assert_eq!(s.values, vec![1.0, 2.0, 3.0]);
    let s = one_series(r#"[[2,"1"],[1,"2"],[2,"3"],[1,"4"]]"#);
    assert_eq!(s.t_ms, vec![1000, 1000, 2000, 2000]);
    assert_eq!(s.values, vec![2.0, 4.0, 1.0, 3.0]);
}

#[test]
fn duplicate_timestamps_in_order_are_kept_as_they_are() {
    let s = one_series(r#"[[1,"1"],[1,"2"],[2,"3"]]"#);
    assert_eq!(s.t_ms, vec![1000, 1000, 2000]);
    assert_eq!(s.values, vec![1.0, 2.0, 3.0]);
}

#[test]
fn empty_result_is_no_data_not_an_error() {
    for body in [
        r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":null}}"#,
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
    ] {
        let resp = decode_response(200, body.as_bytes()).unwrap();
        assert!(resp.data.is_empty(), "{body}");
    }
    let s = one_series("[]");
    assert!(s.is_empty());
    let s = one_series("null");
    assert!(s.is_empty());
}

#[test]
fn matrix_keeps_series_order_labels_and_unknown_fields_are_ignored() {
    let body = r#"{"status":"success","isPartial":false,"data":{"stats":{"x":[1,{"y":2}]},"resultType":"matrix","result":[
        {"metric":{"__name__":"up","job":"node","instance":"localhost:9091"},"values":[[1435781430.781,"0"],[1435781445.781,"0"]],"extra":[1,2]},
        {"metric":{"__name__":"up","job":"a\"b\\c\n"},"values":[[1435781460.781,"1"]]}
    ]},"warnings":["w1"],"infos":["PromQL info: metric might not be a counter"]}"#;
    let resp = decode_response(200, body.as_bytes()).unwrap();
    assert_eq!(resp.warnings, vec!["w1"]);
    assert_eq!(resp.infos, vec!["PromQL info: metric might not be a counter"]);
    let ResultData::Matrix(series) = resp.data else { panic!() };
    assert_eq!(series[0].labels.display_name(), r#"up{instance="localhost:9091", job="node"}"#);
    assert_eq!(series[0].t_ms, vec![1_435_781_430_781, 1_435_781_445_781]);
    assert_eq!(series[1].labels.get("job"), Some("a\"b\\c\n"));
}

#[test]
fn result_before_result_type_still_decodes() {
    let body = r#"{"data":{"result":[{"metric":{},"value":[1,"2"]}],"resultType":"vector"},"status":"success"}"#;
    let resp = decode_response(200, body.as_bytes()).unwrap();
    let ResultData::Vector(v) = resp.data else { panic!() };
    assert_eq!((v[0].t_ms, v[0].value), (1000, 2.0));
}

#[test]
fn vector_result_decodes_instant_samples() {
    let body = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"value":[1435781451.781,"1"]},
        {"metric":{"__name__":"up","job":"node","instance":"localhost:9100"},"value":[1435781451.781,"NaN"]}]}}"#;
    let ResultData::Vector(v) = decode_response(200, body.as_bytes()).unwrap().data else { panic!() };
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].t_ms, 1_435_781_451_781);
    assert_eq!(v[0].value, 1.0);
    assert_eq!(v[0].labels.get("job"), Some("prometheus"));
    assert!(v[1].value.is_nan());
}

#[test]
fn scalar_and_string_results_decode() {
    let body = r#"{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"+Inf"]}}"#;
    assert_eq!(
        decode_response(200, body.as_bytes()).unwrap().data,
        ResultData::Scalar { t_ms: 1_435_781_451_781, value: f64::INFINITY }
    );
    let body = r#"{"status":"success","data":{"resultType":"string","result":[1435781451,"hello \"world\""]}}"#;
    assert_eq!(
        decode_response(200, body.as_bytes()).unwrap().data,
        ResultData::String { t_ms: 1_435_781_451_000, value: "hello \"world\"".to_string() }
    );
}

#[test]
fn native_histograms_are_tolerated_counted_and_reported() {
    let h = r#"{"count":"12","sum":"3.5","buckets":[[0,"0.5","0.7071","3"],[3,"-0.001","0.001","0"]]}"#;
    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[
        {{"metric":{{"__name__":"h"}},"histograms":[[1,{h}],[2,{h}]]}},
        {{"metric":{{"__name__":"f"}},"values":[[1,"1"]],"histograms":[[2,{h}]]}}]}}}}"#
    );
    let resp = decode_response(200, body.as_bytes()).unwrap();
    assert_eq!(resp.warnings, vec!["3 native histogram samples are not shown yet"]);
    let ResultData::Matrix(s) = resp.data else { panic!() };
    assert_eq!(s.len(), 2);
    assert!(s[0].is_empty());
    assert_eq!(s[1].values, vec![1.0]);

    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":[
        {{"metric":{{"__name__":"h"}},"histogram":[1,{h}]}},{{"metric":{{"__name__":"f"}},"value":[1,"2"]}}]}}}}"#
    );
    let resp = decode_response(200, body.as_bytes()).unwrap();
    assert_eq!(resp.warnings, vec!["1 native histogram sample is not shown yet"]);
    let ResultData::Vector(v) = resp.data else { panic!() };
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].labels.metric_name(), Some("f"));
}

#[test]
fn every_error_type_keeps_prometheus_message_verbatim() {
    let cases = [
        (400, "bad_data", r#"invalid parameter \"query\": 1:8: parse error: unexpected end of input"#, "The source rejected the query (bad_data): invalid parameter \"query\": 1:8: parse error: unexpected end of input"),
        (422, "execution", "found duplicate series for the match group", "The source could not execute the query (execution): found duplicate series for the match group"),
        (503, "timeout", "query timed out in expression evaluation", "The query timed out in the source (timeout): query timed out in expression evaluation — try a shorter time range or a simpler query."),
        (499, "canceled", "context canceled", "The source canceled the query (canceled): context canceled"),
        (500, "internal", "expanding series: out of memory", "The source failed with an internal error (internal): expanding series: out of memory"),
        (404, "not_found", "rule group not found", "The source did not find what was asked for (not_found): rule group not found"),
        (406, "not_acceptable", "unsupported format", "The source refused the request (not_acceptable): unsupported format"),
        (400, "some_new_type", "something", "The source returned an error (some_new_type): something"),
    ];
    for (status, error_type, wire_message, shown) in cases {
        let body = format!(r#"{{"status":"error","errorType":"{error_type}","error":"{wire_message}"}}"#);
        let err = decode_response(status, body.as_bytes()).unwrap_err();
        let message = wire_message.replace("\\\"", "\"");
        assert_eq!(err, PromError::Api { error_type: error_type.to_string(), message, http_status: status });
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.to_string(), shown);
    }
}

#[test]
fn resolution_limit_error_suggests_a_larger_step() {
    let body = br#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}"#;
    let err = decode_response(400, body).unwrap_err();
    assert!(err.is_resolution_limit());
    assert!(err.to_string().starts_with("The source rejected the query (bad_data): exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"));
    assert!(err.to_string().ends_with("choose a larger step or a shorter time range."));
}

#[test]
fn error_envelope_wins_over_status_code_and_odd_data() {
    let body =
        br#"{"status":"error","errorType":"execution","error":"boom","data":{"resultType":"nonsense","result":7}}"#;
    let err = decode_response(200, body).unwrap_err();
    assert_eq!(err, PromError::Api { error_type: "execution".into(), message: "boom".into(), http_status: 200 });
    let err = decode_string_list(422, br#"{"status":"error","error":"no type"}"#).unwrap_err();
    assert_eq!(err, PromError::Api { error_type: "unknown".into(), message: "no type".into(), http_status: 422 });
}

#[test]
fn html_502_from_a_proxy_is_an_http_error_with_its_text() {
    let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let err = decode_response(502, body).unwrap_err();
    assert_eq!(err, PromError::Http { status: 502, body_excerpt: "502 Bad Gateway 502 Bad Gateway nginx".into() });
    assert_eq!(err.kind(), ErrorKind::Http);
    assert_eq!(
        err.to_string(),
        "HTTP 502 Bad Gateway from the data source (the data source or a proxy in front of it is unavailable or too slow; \
         retry later): 502 Bad Gateway 502 Bad Gateway nginx"
    );
}

#[test]
fn long_non_json_error_bodies_are_cut_to_an_excerpt() {
    let body = "x".repeat(100_000);
    let PromError::Http { status, body_excerpt } = decode_response(500, body.as_bytes()).unwrap_err() else { panic!() };
    assert_eq!(status, 500);
    assert_eq!(body_excerpt.chars().count(), 301);
}

#[test]
fn non_2xx_json_that_is_not_an_error_envelope_is_an_http_error() {
    let err = decode_response(401, br#"{"message":"invalid token"}"#).unwrap_err();
    assert_eq!(err, PromError::Http { status: 401, body_excerpt: r#"{"message":"invalid token"}"#.into() });
    assert!(err.to_string().contains("check the data source's credentials"));
    let err = decode_response(503, br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Http);
}

#[test]
fn empty_bodies_are_errors_of_the_right_kind() {
    let err = decode_response(200, b"").unwrap_err();
    assert_eq!(err, PromError::Decode { detail: "the response body is empty".into() });
    assert_eq!(err.to_string(), "The response is not valid Prometheus API JSON: the response body is empty");
    let err = decode_response(502, b"  \n").unwrap_err();
    assert_eq!(err, PromError::Http { status: 502, body_excerpt: String::new() });
    assert!(err.to_string().ends_with("with an empty body."));
}

#[test]
fn truncated_json_is_a_decode_error_with_position() {
    let body = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"#;
    let err = decode_response(200, body).unwrap_err();
    let PromError::Decode { detail } = &err else { panic!("{err:?}") };
    assert!(detail.contains("line 1 column"), "{detail}");
    assert!(detail.contains("cut off"), "{detail}");
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn html_with_status_200_is_a_decode_error_that_names_the_url_problem() {
    let err = decode_response(200, b"<!doctype html><html><head><title>Grafana</title></head><body></body></html>")
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("The response is not valid Prometheus API JSON: expected value at line 1 column 1"),
        "{msg}"
    );
    assert!(msg.contains("HTML") && msg.contains("Grafana") && msg.contains("base URL"), "{msg}");
}

#[test]
fn invalid_sample_value_is_a_decode_error_with_position() {
    let body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\n\"values\":[[1,\"abc\"]]}]}}";
    let PromError::Decode { detail } = decode_response(200, body.as_bytes()).unwrap_err() else { panic!() };
    assert!(detail.contains("invalid sample value \"abc\""), "{detail}");
    assert!(detail.contains("line 2 column"), "{detail}");
}

#[test]
fn structural_surprises_are_decode_errors_not_panics() {
    for body in [
        r#"{"status":"success"}"#,
        r#"{"status":"success","data":{"resultType":"matrix"}}"#.replace("matrix\"", "heatmap\"").as_str(),
        r#"{"status":"success","data":{"result":[]}}"#,
        r#"{"status":"success","data":{"resultType":"scalar","result":[]}}"#,
        r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2",3]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[1,"2"]}}"#,
        r#"{"status":"success","data":{"resultType":"scalar","result":[{"metric":{}}]}}"#,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1]]}]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1e300,"1"]]}]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[18446744073709551615,"1"]]}]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[true,"1"]]}]}}"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1}}]}}"#,
        r#"[]"#,
        r#"{"status":"success","data":{"resultType":"matrix","result":[]}} trailing"#,
    ] {
        let err = decode_response(200, body.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body}: {err}");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn extra_elements_in_a_sample_pair_are_ignored() {
    let s = one_series(r#"[[1,"1",{"meta":1}],[2,"2"]]"#);
    assert_eq!(s.values, vec![1.0, 2.0]);
}

#[test]
fn missing_status_with_data_is_accepted() {
    let resp = decode_string_list(200, br#"{"data":["a","b"]}"#).unwrap();
    assert_eq!(resp.data, vec!["a", "b"]);
    assert!(decode_string_list(200, br#"{"status":"success","data":null}"#).unwrap().data.is_empty());
    assert!(decode_label_sets(200, br#"{"status":"success","data":[]}"#).unwrap().data.is_empty());
}

#[test]
fn build_info_decodes_version() {
    let body = br#"{"status":"success","data":{"version":"2.53.0","revision":"abc","branch":"HEAD","buildUser":"root@x","buildDate":"20240101","goVersion":"go1.22.4"}}"#;
    let info = decode_build_info(200, body).unwrap().data;
    assert_eq!((info.version.as_str(), info.go_version.as_str()), ("2.53.0", "go1.22.4"));
    assert!(decode_build_info(200, br#"{"status":"success","data":{}}"#).unwrap().data.version.is_empty());
}

#[test]
fn error_kinds_have_badge_labels() {
    let api = decode_response(400, br#"{"status":"error","errorType":"bad_data","error":"x"}"#).unwrap_err();
    assert_eq!((api.kind_label(), api.kind().as_str()), ("Query error".to_string(), "Query error"));
    assert_eq!(decode_response(502, b"<h1>x</h1>").unwrap_err().kind_label(), "HTTP 502");
    assert_eq!(decode_response(200, b"{").unwrap_err().kind_label(), "Invalid response");
}

const VALID: &str = r#"{"status":"success","warnings":["w"],"data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a\"b"},"values":[[1435781430.781,"0"],[1435781445.781,"NaN"],[1435781460.781,"+Inf"]],"histograms":[[1,{"count":"1","buckets":[[0,"0","1","1"]]}]]}]}}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512), status in 0u16..1000) {
        let _ = decode_response(status, &body);
        let _ = decode_string_list(status, &body);
        let _ = decode_label_sets(status, &body);
        let _ = decode_build_info(status, &body);
    }

    #[test]
    fn decoding_mutated_valid_bodies_never_panics(cut in 0usize..VALID.len(), pos in 0usize..VALID.len(), byte in any::<u8>()) {
        let mut body = VALID.as_bytes().to_vec();
        if let Some(b) = body.get_mut(pos) {
            *b = byte;
        }
        let _ = decode_response(200, &body);
        let _ = decode_response(200, &VALID.as_bytes()[..cut]);
        let _ = decode_response(500, &body[..cut]);
    }

    #[test]
    fn json_shaped_noise_never_panics(body in r#"[\[\]{}",:0-9.eE+\-a-zNI \\]{0,200}"#) {
        let _ = decode_response(200, body.as_bytes());
        let wrapped = format!(r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"values":{body}}}]}}}}"#);
        let _ = decode_response(200, wrapped.as_bytes());
    }
}
