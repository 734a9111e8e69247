//! The demo backend's HTTP API: endpoints, parameters, envelopes, and decoding by the same code
//! that decodes a real Prometheus.

// In a module so that `cargo test -p sightline-core demo` selects these tests.
mod demo {
    use serde_json::Value;
    use sightline_core::demo::{series_catalog, DemoBackend, DemoResponse};
    use sightline_core::formats::prometheus::{
        decode_build_info, decode_label_sets, decode_response, decode_string_list, PromRequest, ResultData,
    };

    /// 2025-06-15 18:05:45.678 UTC.
    const NOW_MS: i64 = 1_750_010_745_678;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn call(path: &str, pairs: &[(&str, &str)]) -> DemoResponse {
        DemoBackend::default().respond(path, &params(pairs), NOW_MS)
    }

    fn json(r: &DemoResponse) -> Value {
        serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&r.body)))
    }

    /// Asserts Prometheus' error envelope (exactly three keys) and returns the message.
    fn error(r: &DemoResponse, status: u16, error_type: &str) -> String {
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
        let v = json(r);
        let obj = v.as_object().unwrap();
        assert_eq!(obj.len(), 3, "{v}");
        assert_eq!(v["status"], "error");
        assert_eq!(v["errorType"], error_type);
        v["error"].as_str().unwrap().to_string()
    }

    fn range_params(query: &str, start: &str, end: &str, step: &str) -> Vec<(String, String)> {
        params(&[("query", query), ("start", start), ("end", end), ("step", step)])
    }

    #[test]
    fn range_query_answers_a_sorted_matrix_with_string_values() {
        let end_s = NOW_MS / 1000;
        let p = range_params(
            "rate(http_requests_total{service=\"payments\"}[5m])",
            &(end_s - 3600).to_string(),
            &end_s.to_string(),
            "60",
        );
        let r = DemoBackend::default().respond("/api/v1/query_range", &p, NOW_MS);
        assert_eq!(r.status, 200);
        let v = json(&r);
        assert_eq!(v["status"], "success");
        assert_eq!(v["data"]["resultType"], "matrix");
        let result = v["data"]["result"].as_array().unwrap();
        assert!(!result.is_empty());
        let keys: Vec<String> = result.iter().map(|s| s["metric"].to_string()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "series are sorted by labels");
        for s in result {
            assert!(s["metric"].get("__name__").is_none(), "rate drops the metric name");
            let values = s["values"].as_array().unwrap();
            assert_eq!(values.len(), 61);
            for pair in values {
                assert!(pair[0].is_number());
                let text = pair[1].as_str().unwrap();
                assert!(text.parse::<f64>().is_ok(), "{text}");
            }
        }
    }

    #[test]
    fn every_response_decodes_with_the_real_backend_decoder() {
        let backend = DemoBackend::default();
        let requests = [
            PromRequest::Range {
                query: "sum by (service) (rate(http_requests_total[5m]))".into(),
                start_ms: NOW_MS - 6 * 3_600_000,
                end_ms: NOW_MS,
                step_ms: 60_000,
            },
            PromRequest::Instant { query: "up".into(), time_ms: None },
            PromRequest::Instant { query: "1 + 1".into(), time_ms: Some(NOW_MS - 1000) },
        ];
        for req in &requests {
            let r = backend.respond(&req.path(), &req.params(), NOW_MS);
            let decoded = decode_response(r.status, &r.body).unwrap_or_else(|e| panic!("{req:?}: {e}"));
            assert!(!decoded.data.is_empty(), "{req:?}");
            assert!(decoded.warnings.is_empty());
        }
        let range = backend.respond(&requests[0].path(), &requests[0].params(), NOW_MS);
        match decode_response(range.status, &range.body).unwrap().data {
            ResultData::Matrix(series) => {
                let services: Vec<&str> = series.iter().map(|s| s.labels.get("service").unwrap()).collect();
                assert_eq!(services, ["cart", "catalog", "checkout", "frontend", "payments"]);
                assert!(series.iter().all(|s| s.len() == 361 && s.t_ms.iter().all(|t| t % 1000 == NOW_MS % 1000)));
            }
            other => panic!("{other:?}"),
        }
        match decode_response(200, &backend.respond("/api/v1/query", &params(&[("query", "up")]), NOW_MS).body)
            .unwrap()
            .data
        {
            ResultData::Vector(v) => {
                assert_eq!(v.len(), 10);
                assert!(v.iter().all(|s| s.value == 1.0 && s.t_ms == NOW_MS));
            }
            other => panic!("{other:?}"),
        }

        let r = backend.respond(&PromRequest::Labels.path(), &PromRequest::Labels.params(), NOW_MS);
        let names = decode_string_list(r.status, &r.body).unwrap().data;
        assert_eq!(
            names,
            ["__name__", "instance", "job", "le", "method", "payment_method", "route", "service", "status"]
        );

        let req = PromRequest::LabelValues { label: "__name__".into() };
        let r = backend.respond(&req.path(), &req.params(), NOW_MS);
        let metrics = decode_string_list(r.status, &r.body).unwrap().data;
        assert!(metrics.contains(&"http_requests_total".to_string()) && metrics.contains(&"up".to_string()));

        let req = PromRequest::Series { matchers: vec!["up".into()], start_ms: NOW_MS - 3_600_000, end_ms: NOW_MS };
        let r = backend.respond(&req.path(), &req.params(), NOW_MS);
        let sets = decode_label_sets(r.status, &r.body).unwrap().data;
        assert_eq!(sets.len(), 10);

        let r = backend.respond(&PromRequest::BuildInfo.path(), &[], NOW_MS);
        assert!(!decode_build_info(r.status, &r.body).unwrap().data.version.is_empty());
    }

    #[test]
    fn label_values_list_each_value_once_sorted() {
        let r = call("/api/v1/label/service/values", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(
            json(&r),
            serde_json::json!({"status":"success","data":["cart","catalog","checkout","frontend","payments"]})
        );
        let r = call("/api/v1/label/status/values", &[("match[]", "http_requests_total{service=\"payments\"}")]);
        assert_eq!(json(&r)["data"], serde_json::json!(["200", "402", "500", "503"]));
        let r = call("/api/v1/label/le/values", &[]);
        assert_eq!(json(&r)["data"].as_array().unwrap().len(), 12);
        let r = call("/api/v1/label/nope/values", &[]);
        assert_eq!(json(&r)["data"], serde_json::json!([]));
        let r = call("/api/v1/label/U__payment_5f_method/values", &[]);
        assert_eq!(
            json(&r)["data"],
            serde_json::json!(["card", "paypal"]),
            "Prometheus 3 escaped names are understood"
        );
    }

    #[test]
    fn series_endpoint_needs_a_matcher_and_filters_by_it() {
        let msg = error(&call("/api/v1/series", &[]), 400, "bad_data");
        assert_eq!(msg, "no match[] parameter provided");
        let r = call(
            "/api/v1/series",
            &[("match[]", "up"), ("match[]", "process_resident_memory_bytes{service=\"cart\"}")],
        );
        let data = json(&r)["data"].as_array().unwrap().clone();
        assert_eq!(data.len(), 12);
        let msg = error(&call("/api/v1/series", &[("match[]", "rate(up[5m])")]), 400, "bad_data");
        assert!(msg.starts_with("invalid parameter \"match[]\""), "{msg}");
        let all = call("/api/v1/series", &[("match[]", "{__name__=~\".+\"}")]);
        assert_eq!(json(&all)["data"].as_array().unwrap().len(), series_catalog().len());
    }

    #[test]
    fn metadata_describes_every_metric_family() {
        let v = json(&call("/api/v1/metadata", &[]));
        let data = v["data"].as_object().unwrap();
        assert_eq!(data["http_requests_total"][0]["type"], "counter");
        assert_eq!(data["http_request_duration_seconds"][0]["type"], "histogram");
        assert_eq!(data["process_resident_memory_bytes"][0]["type"], "gauge");
        let v = json(&call("/api/v1/metadata", &[("metric", "orders_total")]));
        assert_eq!(v["data"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn resolution_over_11000_points_is_refused_with_prometheus_text() {
        let r = DemoBackend::default().respond("/api/v1/query_range", &range_params("up", "0", "11001", "1"), NOW_MS);
        let msg = error(&r, 400, "bad_data");
        assert_eq!(
            msg,
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"
        );
        let ok = DemoBackend::default().respond("/api/v1/query_range", &range_params("up", "0", "11000", "1"), NOW_MS);
        assert_eq!(ok.status, 200, "exactly 11,000 intervals are allowed");
        let e = decode_response(r.status, &r.body).unwrap_err();
        assert!(e.is_resolution_limit());
    }

    #[test]
    fn bad_range_parameters_are_bad_data() {
        let b = DemoBackend::default();
        let cases = [
            (
                range_params("up", "100", "200", "0"),
                "zero or negative query resolution step widths are not accepted. Try a positive integer",
            ),
            (
                range_params("up", "100", "200", "-15"),
                "zero or negative query resolution step widths are not accepted. Try a positive integer",
            ),
            (range_params("up", "200", "100", "15"), "end timestamp must not be before start time"),
            (
                range_params("up", "yesterday", "100", "15"),
                "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp",
            ),
            (
                range_params("up", "100", "200", "fast"),
                "invalid parameter \"step\": cannot parse \"fast\" to a valid duration",
            ),
            (params(&[("query", "up")]), "invalid parameter \"start\": cannot parse \"\" to a valid timestamp"),
        ];
        for (p, want) in cases {
            let r = b.respond("/api/v1/query_range", &p, NOW_MS);
            assert_eq!(error(&r, 400, "bad_data"), want);
        }
        let r = call("/api/v1/query", &[("query", "up"), ("time", "soon")]);
        assert_eq!(
            error(&r, 400, "bad_data"),
            "invalid parameter \"time\": cannot parse \"soon\" to a valid timestamp"
        );
    }

    #[test]
    fn times_and_steps_accept_rfc3339_and_durations() {
        let b = DemoBackend::default();
        let p = range_params("up{instance=\"cart-0\"}", "2025-06-15T17:00:00Z", "2025-06-15T18:00:00.000Z", "5m");
        let r = b.respond("/api/v1/query_range", &p, NOW_MS);
        assert_eq!(r.status, 200);
        let v = json(&r);
        let values = v["data"]["result"][0]["values"].as_array().unwrap();
        assert_eq!(values.len(), 13);
        assert_eq!(values[0][0], serde_json::json!(1_750_006_800));
    }

    #[test]
    fn parse_errors_carry_the_parser_text() {
        let msg = error(&call("/api/v1/query", &[("query", "sum(rate(x[5m])")]), 400, "bad_data");
        let parser = promql_parser::parser::parse("sum(rate(x[5m])").unwrap_err();
        assert_eq!(msg, format!("invalid parameter \"query\": {parser}"));
        let msg = error(&call("/api/v1/query", &[]), 400, "bad_data");
        assert!(msg.starts_with("invalid parameter \"query\": "), "{msg}");
    }

    #[test]
    fn unsupported_functions_are_422_execution_errors() {
        let msg = error(&call("/api/v1/query", &[("query", "predict_linear(up[1h], 3600)")]), 422, "execution");
        assert!(
            msg.starts_with("the demo source does not support the function \"predict_linear\"; supported: rate, irate"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_paths_are_404_in_the_envelope() {
        let msg = error(&call("/api/v1/rules", &[]), 404, "not_found");
        assert!(msg.contains("/api/v1/rules"));
        error(&call("/metrics", &[]), 404, "not_found");
        error(&call("/api/v1/label//values", &[]), 400, "bad_data");
    }

    #[test]
    fn a_base_path_before_api_v1_is_ignored() {
        assert_eq!(call("/prometheus/api/v1/status/buildinfo", &[]).status, 200);
        assert_eq!(call("/api/v1/labels/", &[]).status, 200);
    }

    #[test]
    fn instant_query_defaults_to_now() {
        let v = json(&call("/api/v1/query", &[("query", "up{instance=\"cart-0\"}")]));
        assert_eq!(v["data"]["resultType"], "vector");
        assert_eq!(v["data"]["result"][0]["value"], serde_json::json!([1_750_010_745.678, "1"]));
        let body = String::from_utf8(call("/api/v1/query", &[("query", "up{instance=\"cart-0\"}")]).body).unwrap();
        assert!(body.contains("[1750010745.678,\"1\"]"), "timestamps are written as Prometheus does: {body}");
    }

    #[test]
    fn scalar_and_string_results_use_their_result_types() {
        let v = json(&call("/api/v1/query", &[("query", "1 / 0"), ("time", "100")]));
        assert_eq!(v["data"], serde_json::json!({"resultType":"scalar","result":[100, "+Inf"]}));
        let v = json(&call("/api/v1/query", &[("query", "0 / 0"), ("time", "100.5")]));
        assert_eq!(v["data"]["result"], serde_json::json!([100.5, "NaN"]));
        let v = json(&call("/api/v1/query", &[("query", "\"hi\""), ("time", "100")]));
        assert_eq!(v["data"], serde_json::json!({"resultType":"string","result":[100, "hi"]}));
    }

    #[test]
    fn matrix_series_without_points_are_left_out() {
        // `up` is 1 everywhere, so `> 1` filters every point of every series away.
        let end_s = NOW_MS / 1000;
        let p = range_params("up > 1", &(end_s - 600).to_string(), &end_s.to_string(), "60");
        let r = DemoBackend::default().respond("/api/v1/query_range", &p, NOW_MS);
        assert_eq!(json(&r)["data"]["result"], serde_json::json!([]));
    }

    #[test]
    fn too_large_queries_are_refused_not_attempted() {
        let msg =
            error(&call("/api/v1/query", &[("query", "count_over_time({__name__=~\".+\"}[10y])")]), 422, "execution");
        assert_eq!(msg, "query processing would load too many samples into memory in query execution");
    }
}
