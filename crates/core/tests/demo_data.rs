//! The demo data: determinism, counter behaviour, histogram consistency, the incident.

// In a module so that `cargo test -p sightline-core demo` selects these tests.
mod demo {
    use std::collections::BTreeMap;

    use sightline_core::demo::{incident_window_ms, series_catalog, DemoBackend, SCRAPE_INTERVAL_MS};
    use sightline_core::formats::prometheus::{decode_response, ResultData};
    use sightline_core::series::{InstantSample, Labels, Series};

    /// 2025-06-15 18:05:45.678 UTC.
    const NOW_MS: i64 = 1_750_010_745_678;
    const DAY_MS: i64 = 86_400_000;

    fn params(pairs: &[(&str, String)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn secs(ms: i64) -> String {
        format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
    }

    fn instant_raw(backend: &DemoBackend, query: &str, t_ms: i64) -> ResultData {
        let r =
            backend.respond("/api/v1/query", &params(&[("query", query.to_string()), ("time", secs(t_ms))]), NOW_MS);
        assert_eq!(r.status, 200, "{query}: {}", String::from_utf8_lossy(&r.body));
        decode_response(r.status, &r.body).unwrap().data
    }

    fn vector(query: &str, t_ms: i64) -> Vec<InstantSample> {
        match instant_raw(&DemoBackend::default(), query, t_ms) {
            ResultData::Vector(v) => v,
            other => panic!("{query}: {other:?}"),
        }
    }

    fn matrix(query: &str, t_ms: i64) -> Vec<Series> {
        match instant_raw(&DemoBackend::default(), query, t_ms) {
            ResultData::Matrix(m) => m,
            other => panic!("{query}: {other:?}"),
        }
    }

    /// Sample values keyed by the value of `label`.
    fn by(query: &str, t_ms: i64, label: &str) -> BTreeMap<String, f64> {
        vector(query, t_ms).into_iter().map(|s| (s.labels.get(label).unwrap_or("").to_string(), s.value)).collect()
    }

    fn scalar_of(query: &str, t_ms: i64) -> f64 {
        let v = vector(query, t_ms);
        assert_eq!(v.len(), 1, "{query}: {v:?}");
        v[0].value
    }

    fn range_body(backend: &DemoBackend, query: &str, now_ms: i64) -> Vec<u8> {
        let p = params(&[
            ("query", query.to_string()),
            ("start", secs(now_ms - 6 * 3_600_000)),
            ("end", secs(now_ms)),
            ("step", "60".to_string()),
        ]);
        let r = backend.respond("/api/v1/query_range", &p, now_ms);
        assert_eq!(r.status, 200);
        r.body
    }

    #[test]
    fn same_seed_and_now_give_identical_bytes() {
        let q = "sum by (service, status) (rate(http_requests_total[5m]))";
        let a = range_body(&DemoBackend::new(7), q, NOW_MS);
        let b = range_body(&DemoBackend::new(7), q, NOW_MS);
        assert_eq!(a, b);
    }

    #[test]
    fn different_seeds_give_different_data() {
        let q = "sum by (service) (rate(http_requests_total[5m]))";
        assert_ne!(range_body(&DemoBackend::new(1), q, NOW_MS), range_body(&DemoBackend::new(2), q, NOW_MS));
    }

    #[test]
    fn a_sample_does_not_depend_on_the_query_window() {
        // Counters are sums since midnight: any window must see the same values at the same times.
        let t = NOW_MS - 2 * 3_600_000;
        let short = matrix("http_requests_total{instance=\"frontend-0\",route=\"/\",status=\"200\"}[1m]", t);
        let long = matrix("http_requests_total{instance=\"frontend-0\",route=\"/\",status=\"200\"}[3h]", t);
        let (s, l) = (&short[0], &long[0]);
        let offset = l.len() - s.len();
        assert_eq!(&l.t_ms[offset..], &s.t_ms[..]);
        assert_eq!(&l.values[offset..], &s.values[..]);
    }

    #[test]
    fn samples_are_every_15_seconds_and_never_after_now() {
        for s in matrix("{__name__=~\"up|http_requests_total\"}[10m]", NOW_MS + 3_600_000) {
            assert!(s.t_ms.iter().all(|t| t % SCRAPE_INTERVAL_MS == 0));
            assert!(s.t_ms.windows(2).all(|w| w[1] - w[0] == SCRAPE_INTERVAL_MS));
            assert!(*s.t_ms.last().unwrap() <= NOW_MS);
            assert!(*s.t_ms.last().unwrap() > NOW_MS - SCRAPE_INTERVAL_MS);
        }
    }

    #[test]
    fn counters_grow_within_a_day_and_restart_at_midnight() {
        let midnight = NOW_MS - NOW_MS.rem_euclid(DAY_MS);
        let t = midnight + 3_600_000;
        let counters = "{__name__=~\"http_requests_total|http_request_duration_seconds_.*|process_cpu_seconds_total|orders_total|checkout_.*\",instance=~\".*-0\"}";
        let series = matrix(&format!("{counters}[2h]"), t);
        assert!(series.len() > 100, "{}", series.len());
        let mut saw_growth = 0;
        for s in &series {
            let name = s.labels.display_name();
            let at_midnight = s.t_ms.iter().position(|&x| x == midnight).unwrap();
            assert_eq!(s.values[at_midnight], 0.0, "{name} restarts from 0 at 00:00 UTC");
            for (i, w) in s.values.windows(2).enumerate() {
                if i + 1 != at_midnight {
                    assert!(w[1] >= w[0], "{name} decreased at {}", s.t_ms[i + 1]);
                }
            }
            if s.values[at_midnight - 1] > 0.0 && s.values.last() > Some(&0.0) {
                saw_growth += 1;
            }
        }
        assert!(saw_growth > series.len() / 2, "most counters have counted something");
        // rate() sees the restart as a reset, not as a negative rate.
        let rate = scalar_of("sum(rate(http_requests_total[5m]))", midnight + 60_000);
        assert!(rate > 100.0, "{rate}");
    }

    #[test]
    fn request_counts_are_whole_numbers() {
        for s in vector(
            "{__name__=~\"http_requests_total|http_request_duration_seconds_(bucket|count)|orders_total|checkout_.*\"}",
            NOW_MS,
        ) {
            assert_eq!(s.value.fract(), 0.0, "{}", s.labels.display_name());
        }
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_match_count_and_requests() {
        for t in [NOW_MS, incident_window_ms(NOW_MS).0 + 600_000] {
            let buckets = vector("http_request_duration_seconds_bucket", t);
            let counts = vector("http_request_duration_seconds_count", t);
            let requests = vector("sum by (instance, job, route, service) (http_requests_total)", t);
            let key = |l: &Labels| format!("{}|{}", l.get("instance").unwrap(), l.get("route").unwrap());
            let mut groups: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
            for b in &buckets {
                let le: f64 = match b.labels.get("le").unwrap() {
                    "+Inf" => f64::INFINITY,
                    x => x.parse().unwrap(),
                };
                groups.entry(key(&b.labels)).or_default().push((le, b.value));
            }
            assert_eq!(groups.len(), 20);
            let count: BTreeMap<String, f64> = counts.iter().map(|s| (key(&s.labels), s.value)).collect();
            let req: BTreeMap<String, f64> = requests.iter().map(|s| (key(&s.labels), s.value)).collect();
            for (k, mut g) in groups {
                g.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
                assert_eq!(g.len(), 12);
                assert!(g.windows(2).all(|w| w[0].1 <= w[1].1), "{k}: buckets must be monotone in le: {g:?}");
                let inf = g.last().unwrap().1;
                assert_eq!(inf, count[&k], "{k}: +Inf bucket == _count");
                assert_eq!(inf, req[&k], "{k}: _count == sum of http_requests_total over statuses");
            }
        }
    }

    #[test]
    fn business_counters_agree_with_requests() {
        let started = by("checkout_started_total", NOW_MS, "instance");
        let checkout_requests = by("sum by (instance) (http_requests_total{route=\"/checkout\"})", NOW_MS, "instance");
        assert_eq!(started, checkout_requests);
        let completed = by("checkout_completed_total", NOW_MS, "instance");
        let orders = by("sum by (instance) (orders_total)", NOW_MS, "instance");
        assert_eq!(completed, orders);
        let ratio =
            scalar_of("sum(rate(checkout_completed_total[30m])) / sum(rate(checkout_started_total[30m]))", NOW_MS);
        assert!((0.7..=0.8).contains(&ratio), "{ratio}");
    }

    #[test]
    fn incident_window_is_stable_within_the_hour_and_in_the_default_view() {
        let (start, end) = incident_window_ms(NOW_MS);
        assert_eq!(end - start, 20 * 60_000);
        assert_eq!(incident_window_ms(NOW_MS - NOW_MS.rem_euclid(3_600_000)), (start, end));
        assert_eq!(incident_window_ms(NOW_MS - NOW_MS.rem_euclid(3_600_000) + 3_599_999), (start, end));
        for now in [NOW_MS, NOW_MS - NOW_MS.rem_euclid(3_600_000), NOW_MS - NOW_MS.rem_euclid(3_600_000) + 3_599_999] {
            let (s, e) = incident_window_ms(now);
            assert!(now - s <= 160 * 60_000 && now - s >= 100 * 60_000, "{}", (now - s) / 60_000);
            assert!(now - e >= 80 * 60_000 && now - s <= 6 * 3_600_000);
        }
    }

    #[test]
    fn the_incident_shows_in_payments_errors_only() {
        let (start, end) = incident_window_ms(NOW_MS);
        let during = start + 12 * 60_000;
        let before = start - 60 * 60_000;
        let q = "sum by (service) (rate(http_requests_total{status=~\"5..\"}[5m]))";
        let (d, b) = (by(q, during, "service"), by(q, before, "service"));
        assert!(
            d["payments"] > 20.0 * b["payments"].max(0.01),
            "payments 5xx: {} during vs {} before",
            d["payments"],
            b["payments"]
        );
        for svc in ["frontend", "checkout", "catalog", "cart"] {
            let (x, y) = (d.get(svc).copied().unwrap_or(0.0), b.get(svc).copied().unwrap_or(0.0));
            assert!(x < 3.0 * y.max(0.05), "{svc} 5xx must not spike: {x} during vs {y} before");
        }
        let ratio = scalar_of(
            "sum(rate(http_requests_total{service=\"payments\",status=~\"5..\"}[5m])) / sum(rate(http_requests_total{service=\"payments\"}[5m]))",
            during,
        );
        assert!((0.15..=0.25).contains(&ratio), "payments error ratio during the incident: {ratio}");
        let after =
            scalar_of("sum(rate(http_requests_total{service=\"payments\",status=~\"5..\"}[5m]))", end + 10 * 60_000);
        assert!(after < 0.2 * d["payments"], "the incident ends");
    }

    #[test]
    fn the_incident_slows_payments_and_drops_checkout_completion() {
        let (start, _) = incident_window_ms(NOW_MS);
        let during = start + 15 * 60_000;
        let before = start - 60 * 60_000;
        let p50 = "histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{service=\"payments\"}[5m])))";
        let (d, b) = (scalar_of(p50, during), scalar_of(p50, before));
        assert!(d > 3.0 * b, "payments p50 {d} during vs {b} before");
        let completion = "sum(rate(checkout_completed_total[5m])) / sum(rate(checkout_started_total[5m]))";
        let (d, b) = (scalar_of(completion, during), scalar_of(completion, before));
        assert!(d < 0.62 && b > 0.7, "completion {d} during vs {b} before");
    }

    #[test]
    fn traffic_follows_a_daily_shape() {
        let midnight = NOW_MS - NOW_MS.rem_euclid(DAY_MS);
        let q = "sum(rate(http_requests_total[10m]))";
        let peak = scalar_of(q, midnight + 15 * 3_600_000);
        let trough = scalar_of(q, midnight + 3 * 3_600_000 + 600_000);
        assert!(peak > 2.0 * trough, "{peak} vs {trough}");
    }

    #[test]
    fn the_catalog_is_modest_and_sorted() {
        let n = series_catalog().len();
        assert!((200..=400).contains(&n), "{n}");
        assert!(series_catalog().windows(2).all(|w| w[0] < w[1]));
        assert_eq!(vector("up", NOW_MS).len(), 10);
        assert_eq!(vector("http_requests_total", NOW_MS).len(), 50);
        assert_eq!(vector("{__name__=~\".+\"}", NOW_MS).len(), n);
    }
}
