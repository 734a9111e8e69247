//! No query or parameter can make the demo backend panic (a panic would kill the WASM app): every
//! answer is a JSON envelope with a Prometheus status.

// In a module so that `cargo test -p sightline-core demo` selects these tests.
mod demo {
    use proptest::prelude::*;
    use sightline_core::demo::DemoBackend;

    /// Ten minutes after midnight UTC: counters have little history to sum, so cases run fast.
    const NOW_MS: i64 = 1_749_946_200_000;

    fn check(path: &str, params: &[(String, String)]) {
        let r = DemoBackend::new(3).respond(path, params, NOW_MS);
        assert!(matches!(r.status, 200 | 400 | 404 | 422), "{path} {params:?}: {}", r.status);
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("always JSON");
        let ok = if r.status == 200 { "success" } else { "error" };
        assert_eq!(v["status"], ok, "{path} {params:?}");
    }

    fn instant(query: &str) {
        check("/api/v1/query", &[("query".to_string(), query.to_string())]);
    }

    fn range(query: &str, start: &str, end: &str, step: &str) {
        let p = [("query", query), ("start", start), ("end", end), ("step", step)];
        check("/api/v1/query_range", &p.map(|(k, v)| (k.to_string(), v.to_string())));
    }

    const FRAGMENTS: &[&str] = &[
        "rate(",
        "irate(",
        "increase(",
        "delta(",
        "avg_over_time(",
        "max_over_time(",
        "sum_over_time(",
        "count_over_time(",
        "histogram_quantile(",
        "abs(",
        "sum",
        "avg",
        "min",
        "max",
        "count",
        "topk(",
        "bottomk(",
        "quantile(",
        " by ",
        " without ",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "[5m]",
        "[1m:15s]",
        "[1e400]",
        "[0x7fffffffffffffffff]",
        "[99999999999y]",
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "up",
        "le",
        "service",
        "status",
        "=",
        "!=",
        "=~",
        "!~",
        "\"5..\"",
        "\"payments\"",
        "\".*\"",
        "\"(\"",
        "'a'",
        "`b`",
        "\"",
        "+",
        "-",
        "*",
        "/",
        "%",
        "^",
        "==",
        "!=",
        ">",
        "<",
        ">=",
        "<=",
        " bool ",
        " on(",
        " ignoring(",
        " group_left ",
        " and ",
        " or ",
        " unless ",
        " offset ",
        " offset -",
        "1e400",
        "Inf",
        "NaN",
        "-Inf",
        "0.9",
        "2",
        "0",
        "-1",
        "1e308",
        " @ ",
        "start()",
        "end()",
        "#c\n",
        " ",
        "\n",
    ];

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_query_strings_never_panic(q in ".{0,200}") {
            instant(&q);
        }

        #[test]
        fn promql_like_token_soup_never_panics(q in soup()) {
            instant(&q);
            range(&q, "1749945600", "1749946200", "60");
        }

        #[test]
        fn arbitrary_range_parameters_never_panic(
            start in prop_oneof![Just("1749945600".to_string()), ".{0,24}", any::<f64>().prop_map(|f| f.to_string())],
            end in prop_oneof![Just("1749946200".to_string()), ".{0,24}", any::<i64>().prop_map(|i| i.to_string())],
            step in prop_oneof![Just("60".to_string()), Just("1e-9".to_string()), ".{0,12}", any::<f64>().prop_map(|f| f.to_string())],
        ) {
            range("sum(rate(http_requests_total[5m]))", &start, &end, &step);
        }

        #[test]
        fn arbitrary_paths_and_params_never_panic(
            path in prop_oneof![Just("/api/v1/".to_string()), ".{0,40}"].prop_flat_map(|p| (Just(p), ".{0,20}")),
            key in prop_oneof![Just("match[]".to_string()), Just("time".to_string()), ".{0,8}"],
            value in prop_oneof![soup(), ".{0,40}"],
        ) {
            let full = format!("{}{}", path.0, path.1);
            check(&full, &[(key.clone(), value.clone())]);
            check(&format!("/api/v1/label/{}/values", path.1), &[(key, value)]);
        }
    }

    #[test]
    fn inputs_that_crash_promql_parser_are_refused_first() {
        // promql-parser 0.11 panics on these (`Duration::from_secs_f64` out of range).
        for q in [
            "up[1e400]",
            "up[1e30]",
            "up offset 1e400",
            "up offset Inf",
            "up offset -1e400",
            "rate(up[5m] offset 1e20)",
            "up[18446744073709551616]",
            "up[5m:1e400]",
            "up[0x1ffffffffffffffffff]",
        ] {
            let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), q.into())], NOW_MS);
            assert_eq!(r.status, 400, "{q}: {}", String::from_utf8_lossy(&r.body));
        }
    }

    #[test]
    fn very_long_or_deep_queries_are_refused_without_overflowing_the_stack() {
        let chain = format!("1{}", "+1".repeat(100_000));
        let parens = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let unary = format!("{}1", "-".repeat(100_000));
        let selectors = format!("up{}", " + up".repeat(2_000));
        for q in [chain, parens, unary, selectors] {
            let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), q.clone())], NOW_MS);
            assert_eq!(r.status, 422, "{}", &q[..40]);
        }
        // Long string literals do not count towards the limit.
        let long_regex = format!("up{{job=~\"{}\"}}", "a|".repeat(20_000) + "cart");
        let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), long_regex)], NOW_MS);
        assert_eq!(r.status, 200);
    }

    #[test]
    fn a_maximal_query_just_under_the_limits_still_answers() {
        // A browser tab gives WASM about 1 MiB of stack: run there.
        let worker = std::thread::Builder::new().stack_size(1 << 20).spawn(maximal_queries).unwrap();
        worker.join().expect("no stack overflow on a 1 MiB stack");
    }

    fn maximal_queries() {
        // 4,096 characters of `1+1+…`: the deepest AST the guard lets through must neither overflow the
        // stack while parsing nor while being dropped.
        let q = format!("1{}", "+1".repeat(2_047));
        let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), q)], NOW_MS);
        assert_eq!(r.status, 422, "too deep for the evaluator, but refused cleanly");
        let q = format!("{}up", "-".repeat(4_094));
        let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), q)], NOW_MS);
        assert_eq!(r.status, 422);
        // The parser folds `-` into number literals, so this one is a plain (very negated) scalar.
        let q = format!("{}1", "-".repeat(4_095));
        let r = DemoBackend::default().respond("/api/v1/query", &[("query".into(), q)], NOW_MS);
        assert_eq!(r.status, 200);
    }

    #[test]
    fn extreme_clocks_and_times_never_panic() {
        for now in [i64::MIN, -1, 0, i64::MAX] {
            for (path, query) in [
                ("/api/v1/query", "sum by (service) (rate(http_requests_total[5m]))"),
                ("/api/v1/query", "histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m] offset 1h))"),
                ("/api/v1/query", "process_cpu_seconds_total offset -5m"),
            ] {
                let r = DemoBackend::default().respond(path, &[("query".into(), query.into())], now);
                assert!(matches!(r.status, 200 | 422), "{now} {query}: {}", String::from_utf8_lossy(&r.body));
            }
            let p = [("query", "rate(up[1m])"), ("start", "-1e13"), ("end", "1e13"), ("step", "5e9")];
            let r = DemoBackend::default().respond("/api/v1/query_range", &p.map(|(k, v)| (k.into(), v.into())), now);
            assert!(matches!(r.status, 200 | 422), "{now}: {}", String::from_utf8_lossy(&r.body));
        }
    }
}
