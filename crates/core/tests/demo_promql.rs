//! The demo's PromQL evaluator on tiny in-memory series with hand-computed answers.

// In a module so that `cargo test -p sightline-core demo` selects these tests.
mod demo {
    use sightline_core::demo::promql::{
        bucket_quantile, eval_instant, eval_range, ErrorKind, EvalError, MemorySource, QueryValue, MAX_NESTING,
    };
    use sightline_core::series::{InstantSample, Labels, Series};

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().copied().collect()
    }

    /// A series with samples at `t_s` seconds.
    fn series(pairs: &[(&str, &str)], points: &[(i64, f64)]) -> Series {
        Series {
            labels: labels(pairs),
            t_ms: points.iter().map(|p| p.0 * 1000).collect(),
            values: points.iter().map(|p| p.1).collect(),
        }
    }

    /// Counter `c{job="a"}` 10, 20, 30, 40 at 15 s … 60 s (and 0 at 0 s), counter `c{job="b"}` with a
    /// reset (10, 20, 5, 15), gauge `g` 10, 40, 20, 30.
    fn source() -> MemorySource {
        MemorySource::new(vec![
            series(&[("__name__", "c"), ("job", "a")], &[(0, 0.0), (15, 10.0), (30, 20.0), (45, 30.0), (60, 40.0)]),
            series(&[("__name__", "c"), ("job", "b")], &[(15, 10.0), (30, 20.0), (45, 5.0), (60, 15.0)]),
            series(&[("__name__", "g"), ("job", "a")], &[(15, 10.0), (30, 40.0), (45, 20.0), (60, 30.0)]),
        ])
    }

    fn vector(src: &MemorySource, q: &str, t_s: i64) -> Vec<InstantSample> {
        match eval_instant(src, q, t_s * 1000) {
            Ok(QueryValue::Vector(v)) => v,
            other => panic!("{q}: expected a vector, got {other:?}"),
        }
    }

    /// The value of the only sample of `q` whose labels contain `(k, v)`.
    fn value_of(src: &MemorySource, q: &str, t_s: i64, k: &str, v: &str) -> f64 {
        let out = vector(src, q, t_s);
        let hits: Vec<&InstantSample> = out.iter().filter(|s| s.labels.get(k) == Some(v)).collect();
        assert_eq!(hits.len(), 1, "{q}: {out:?}");
        hits[0].value
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    fn err(src: &MemorySource, q: &str) -> EvalError {
        match eval_instant(src, q, 60_000) {
            Err(e) => e,
            Ok(v) => panic!("{q}: expected an error, got {v:?}"),
        }
    }

    #[test]
    fn increase_extrapolates_to_the_window_edges_like_prometheus() {
        let src = source();
        // Window (0 s, 60 s]: 10 → 40 over 45 s, 15 s to the start (< 1.1 × 15 s), 0 s to the end:
        // 30 × (45 + 15 + 0) / 45 = 40.
        assert!(close(value_of(&src, "increase(c[1m])", 60, "job", "a"), 40.0));
        assert!(close(value_of(&src, "rate(c[1m])", 60, "job", "a"), 40.0 / 60.0));
    }

    #[test]
    fn rate_adds_the_value_before_a_counter_reset() {
        let src = source();
        // 10, 20, 5, 15: (15 − 10) + 20 = 25, × 60 / 45.
        assert!(close(value_of(&src, "increase(c[1m])", 60, "job", "b"), 25.0 * 60.0 / 45.0));
        assert!(close(value_of(&src, "rate(c[1m])", 60, "job", "b"), 25.0 / 45.0));
    }

    #[test]
    fn counter_extrapolation_stops_at_zero() {
        let src =
            MemorySource::new(vec![series(&[("__name__", "c")], &[(15, 2.0), (30, 12.0), (45, 22.0), (60, 32.0)])]);
        // The zero point is 45 × 2 / 30 = 3 s before the first sample, closer than the 15 s edge:
        // 30 × (45 + 3) / 45 = 32.
        let v = vector(&src, "increase(c[1m])", 60);
        assert!(close(v[0].value, 32.0), "{v:?}");
    }

    #[test]
    fn a_series_ending_early_is_extrapolated_by_half_an_interval() {
        let src = source();
        // At 100 s over (0, 100]: last sample 40 s before the end (≥ 16.5 s) → 7.5 s:
        // 30 × (45 + 15 + 7.5) / 45 = 45.
        assert!(close(value_of(&src, "increase(c[100s])", 100, "job", "a"), 45.0));
    }

    #[test]
    fn rate_needs_two_samples_in_the_window() {
        let src = source();
        assert!(vector(&src, "rate(c[10s])", 60).is_empty());
    }

    #[test]
    fn irate_and_delta_follow_prometheus() {
        let src = source();
        // Last two samples 5 → 15: 10 / 15 s; across the reset (20 → 5) at 45 s: 5 / 15 s.
        assert!(close(value_of(&src, "irate(c[1m])", 60, "job", "b"), 10.0 / 15.0));
        assert!(close(value_of(&src, "irate(c[1m])", 45, "job", "b"), 5.0 / 15.0));
        // delta of the gauge 10, 40, 20, 30: 20 × 60 / 45 (no reset handling).
        assert!(close(value_of(&src, "delta(g[1m])", 60, "job", "a"), 20.0 * 60.0 / 45.0));
    }

    #[test]
    fn over_time_functions_reduce_the_window() {
        let src = source();
        for (q, want) in [
            ("avg_over_time(g[1m])", 25.0),
            ("sum_over_time(g[1m])", 100.0),
            ("min_over_time(g[1m])", 10.0),
            ("max_over_time(g[1m])", 40.0),
            ("count_over_time(g[1m])", 4.0),
            ("count_over_time(g[30s])", 2.0),
        ] {
            let v = vector(&src, q, 60);
            assert_eq!(v.len(), 1, "{q}");
            assert!(close(v[0].value, want), "{q}: {} != {want}", v[0].value);
            assert_eq!(v[0].labels, labels(&[("job", "a")]), "{q} drops the metric name");
        }
    }

    #[test]
    fn instant_selectors_look_back_five_minutes() {
        let src = source();
        assert_eq!(vector(&src, "g", 60 + 299).len(), 1);
        assert!(vector(&src, "g", 60 + 300).is_empty(), "the lookback window is left-open");
        let v = vector(&src, "g", 50);
        assert_eq!(v[0].value, 20.0, "the latest sample at or before t");
        assert_eq!(v[0].t_ms, 50_000, "instant samples carry the evaluation time");
    }

    #[test]
    fn offset_shifts_the_evaluation_time() {
        let src = source();
        assert_eq!(value_of(&src, "g offset 30s", 60, "job", "a"), 40.0);
        assert_eq!(value_of(&src, "g offset -15s", 45, "job", "a"), 30.0);
    }

    #[test]
    fn matchers_support_equality_and_anchored_regexes() {
        let src = source();
        assert_eq!(vector(&src, r#"c{job="a"}"#, 60).len(), 1);
        assert_eq!(vector(&src, r#"c{job!="a"}"#, 60).len(), 1);
        assert_eq!(vector(&src, r#"{__name__=~"c|g"}"#, 60).len(), 3);
        assert!(vector(&src, r#"{__name__=~"."}"#, 60).len() == 3, "single-letter names match");
        assert!(vector(&src, r#"c{job=~"a.+"}"#, 60).is_empty(), "regexes are fully anchored");
        assert_eq!(vector(&src, r#"c{job!~"b"}"#, 60).len(), 1);
        assert_eq!(vector(&src, r#"c{missing=""}"#, 60).len(), 2, "a missing label matches the empty string");
    }

    #[test]
    fn aggregations_group_by_and_without() {
        let src = source();
        let v = vector(&src, "sum(c)", 60);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].labels, Labels::default());
        assert_eq!(v[0].value, 55.0);
        let v = vector(&src, "sum by (job) ({__name__=~\"c|g\"})", 60);
        assert_eq!(
            v.iter().map(|s| (s.labels.get("job").unwrap(), s.value)).collect::<Vec<_>>(),
            [("a", 70.0), ("b", 15.0)]
        );
        let v = vector(&src, "max without (job) (c)", 60);
        assert_eq!(v[0].labels, Labels::default(), "without drops the metric name");
        assert_eq!(v[0].value, 40.0);
        assert_eq!(vector(&src, "min(c)", 60)[0].value, 15.0);
        assert_eq!(vector(&src, "avg(c)", 60)[0].value, 27.5);
        assert_eq!(vector(&src, "count by (__name__) ({job=\"a\"})", 60).len(), 2);
    }

    #[test]
    fn topk_keeps_full_labels_and_orders_by_value() {
        let src = source();
        let v = vector(&src, "topk(2, {__name__=~\"c|g\"})", 60);
        let got: Vec<(Option<&str>, f64)> = v.iter().map(|s| (s.labels.metric_name(), s.value)).collect();
        assert_eq!(got, [(Some("c"), 40.0), (Some("g"), 30.0)]);
        let v = vector(&src, "bottomk(1, c)", 60);
        assert_eq!(v[0].value, 15.0);
        assert!(vector(&src, "topk(0, c)", 60).is_empty());
    }

    #[test]
    fn arithmetic_drops_the_name_and_comparisons_filter() {
        let src = source();
        let v = vector(&src, "c * 2", 60);
        assert_eq!(v.iter().map(|s| s.value).collect::<Vec<_>>(), [80.0, 30.0]);
        assert!(v.iter().all(|s| s.labels.metric_name().is_none()));
        let v = vector(&src, "c > 20", 60);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].labels.metric_name(), Some("c"), "filtering keeps the name");
        let v = vector(&src, "30 < c", 60);
        assert_eq!(v[0].value, 40.0, "the vector's value is kept when the scalar is on the left");
        let v = vector(&src, "c > bool 20", 60);
        assert_eq!(v.iter().map(|s| s.value).collect::<Vec<_>>(), [1.0, 0.0]);
        assert!(v.iter().all(|s| s.labels.metric_name().is_none()));
        assert_eq!(vector(&src, "c % 7", 60)[0].value, 5.0);
        assert_eq!(vector(&src, "-c", 60)[0].value, -40.0);
        assert!(vector(&src, "c / 0", 60)[0].value.is_infinite());
    }

    #[test]
    fn vector_matching_is_one_to_one_on_labels_without_the_name() {
        let src = source();
        // c{job="a"} / g{job="a"} at 60 s = 40 / 30; c{job="b"} has no partner.
        let v = vector(&src, "c / g", 60);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].labels, labels(&[("job", "a")]));
        assert!(close(v[0].value, 40.0 / 30.0));
        let v = vector(&src, "c - on(job) g", 60);
        assert_eq!(v[0].value, 10.0);
        let v = vector(&src, "c{job=\"a\"} >= ignoring(job) sum(g)", 60);
        assert_eq!(v.len(), 1, "40 ≥ 30");
        assert_eq!(v[0].labels, labels(&[("__name__", "c")]), "ignoring drops the ignored labels");
        let e = err(&src, "c >= ignoring(job) sum(g)");
        assert_eq!(
            e.message,
            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
        );
        let e = err(&src, "c + on() c");
        assert_eq!(e.kind, ErrorKind::Execution);
        assert!(e.message.starts_with("found duplicate series for the match group"), "{}", e.message);
    }

    #[test]
    fn scalar_queries_return_scalars() {
        let src = source();
        match eval_instant(&src, "(1 + 2) * 3 - 2 ^ 2", 60_000) {
            Ok(QueryValue::Scalar { t_ms: 60_000, value }) => assert_eq!(value, 5.0),
            other => panic!("{other:?}"),
        }
        match eval_instant(&src, "\"hello\"", 60_000) {
            Ok(QueryValue::String { value, .. }) => assert_eq!(value, "hello"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bare_range_selector_returns_raw_samples() {
        let src = source();
        match eval_instant(&src, "g[30s]", 60_000) {
            Ok(QueryValue::Matrix(m)) => {
                assert_eq!(m.len(), 1);
                assert_eq!(m[0].t_ms, [45_000, 60_000]);
                assert_eq!(m[0].labels.metric_name(), Some("g"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn range_queries_evaluate_every_step() {
        let src = source();
        let out = eval_range(&src, "g", 0, 60_000, 15_000).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].t_ms, [15_000, 30_000, 45_000, 60_000], "a step without data has no point");
        assert_eq!(out[0].values, [10.0, 40.0, 20.0, 30.0]);
        let out = eval_range(&src, "2", 0, 30_000, 15_000).unwrap();
        assert_eq!(out[0].labels, Labels::default());
        assert_eq!(out[0].values, [2.0, 2.0, 2.0]);
        let e = eval_range(&src, "g[1m]", 0, 60_000, 15_000).unwrap_err();
        assert_eq!(
            e.message,
            "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"
        );
    }

    #[test]
    fn histogram_quantile_interpolates_within_the_bucket() {
        // The reference vectors of algorithms.md §3.1.
        let buckets = [("0.1", 50.0), ("0.25", 80.0), ("0.5", 95.0), ("1", 99.0), ("+Inf", 100.0)];
        let src = MemorySource::new(
            buckets
                .iter()
                .flat_map(|&(le, c)| {
                    [
                        series(&[("__name__", "h_bucket"), ("job", "x"), ("le", le)], &[(60, c)]),
                        series(&[("__name__", "h_bucket"), ("job", "y"), ("le", le)], &[(60, c * 2.0)]),
                    ]
                })
                .collect(),
        );
        for (q, want) in [(0.5, 0.1), (0.9, 0.25 + 0.25 * 10.0 / 15.0), (0.95, 0.5), (0.99, 1.0), (0.995, 1.0)] {
            let v = vector(&src, &format!("histogram_quantile({q}, h_bucket)"), 60);
            assert_eq!(v.len(), 2, "one result per job");
            assert_eq!(v[0].labels, labels(&[("job", "x")]), "le and the name are dropped");
            for s in &v {
                assert!(close(s.value, want), "q={q}: {} != {want}", s.value);
            }
            let v = vector(&src, &format!("histogram_quantile({q}, sum by (le) (h_bucket))"), 60);
            assert!(close(v[0].value, want));
        }
        let v = vector(&src, "histogram_quantile(1.5, h_bucket)", 60);
        assert_eq!(v[0].value, f64::INFINITY);
    }

    #[test]
    fn bucket_quantile_repairs_non_monotonic_buckets_and_needs_inf() {
        let mut b = vec![(f64::INFINITY, 10.0), (1.0, 10.0), (0.5, 12.0)];
        // Sorted: 0.5:12, 1:10 → forced to 12, +Inf:10 → 12; rank 6 falls in the first bucket.
        assert!(close(bucket_quantile(0.5, &mut b), 0.25));
        assert!(bucket_quantile(0.5, &mut vec![(1.0, 10.0), (2.0, 20.0)]).is_nan(), "no +Inf bucket");
        assert!(bucket_quantile(0.5, &mut vec![(f64::INFINITY, 0.0), (1.0, 0.0)]).is_nan(), "no observations");
        assert_eq!(bucket_quantile(-0.1, &mut vec![(f64::INFINITY, 1.0)]), f64::NEG_INFINITY);
    }

    #[test]
    fn unsupported_constructs_are_execution_errors_naming_them() {
        let src = source();
        for (q, what) in [
            ("abs(g)", "the function \"abs\""),
            ("quantile(0.9, g)", "the aggregation \"quantile\""),
            ("g and c", "the operator \"and\""),
            ("rate(c[5m:1m])", "subqueries"),
            ("g @ 60", "the @ modifier"),
            ("c * on(job) group_left g", "group_left/group_right (many-to-one matching)"),
        ] {
            let e = err(&src, q);
            assert_eq!(e.kind, ErrorKind::Execution, "{q}");
            assert_eq!(e.kind.http_status(), 422);
            assert!(
                e.message.starts_with(&format!("the demo source does not support {what}; supported: ")),
                "{q}: {}",
                e.message
            );
        }
    }

    #[test]
    fn parse_errors_are_bad_data_with_the_parser_text() {
        let src = source();
        let e = err(&src, "sum(");
        assert_eq!(e.kind, ErrorKind::BadData);
        let parser_text = promql_parser::parser::parse("sum(").unwrap_err();
        assert_eq!(e.message, format!("invalid parameter \"query\": {parser_text}"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = source();
        let deep = format!("{}g{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
        assert_eq!(err(&src, &deep).kind, ErrorKind::Execution);
        let ok = format!("{}g{}", "(".repeat(MAX_NESTING - 2), ")".repeat(MAX_NESTING - 2));
        assert_eq!(vector(&src, &ok, 60).len(), 1);
        let chain = format!("g{}", " + 1".repeat(200));
        assert_eq!(err(&src, &chain).kind, ErrorKind::Execution, "long operator chains nest too");
    }

    #[test]
    fn series_with_the_same_labels_after_dropping_the_name_collide() {
        let src = source();
        let e = err(&src, "rate({job=\"a\"}[1m])");
        assert_eq!(e.message, "vector cannot contain metrics with the same labelset");
    }
}
