//! Timing of the demo backend on the queries the app sends most (run with
//! `cargo test --release -p sightline-core --test demo_perf -- --ignored --nocapture`).

// In a module so that `cargo test -p sightline-core demo` selects these tests.
mod demo {
    use sightline_core::demo::DemoBackend;
    use std::time::Instant;

    const NOW_MS: i64 = 1_750_012_345_678;

    fn range(query: &str, hours: i64, step_s: i64) -> (u16, usize, f64) {
        let end_s = NOW_MS / 1000;
        let params: Vec<(String, String)> = vec![
            ("query".into(), query.into()),
            ("start".into(), (end_s - hours * 3600).to_string()),
            ("end".into(), end_s.to_string()),
            ("step".into(), step_s.to_string()),
        ];
        let backend = DemoBackend::default();
        let mut best = f64::MAX;
        let mut last = (0, 0);
        for _ in 0..5 {
            let t = Instant::now();
            let r = backend.respond("/api/v1/query_range", &params, NOW_MS);
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            last = (r.status, r.body.len());
        }
        (last.0, last.1, best)
    }

    #[test]
    #[ignore = "timing; run in release"]
    fn range_queries_over_all_request_series_are_fast() {
        for (q, hours, step) in [
            ("count_over_time(http_requests_total[1d])", 0, 60),
            ("count_over_time(http_request_duration_seconds_bucket[1d])", 0, 60),
            ("http_requests_total", 6, 15),
            ("http_requests_total", 24, 60),
            ("rate(http_requests_total[5m])", 6, 15),
            ("rate(http_requests_total[5m])", 24, 60),
            ("sum by (service) (rate(http_requests_total[5m]))", 24, 60),
            ("histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))", 24, 60),
            ("{__name__=~\".+\"}", 24, 60),
            ("avg_over_time(process_resident_memory_bytes[1d])", 24 * 7, 600),
        ] {
            let (status, bytes, ms) = range(q, hours, step);
            println!("{ms:8.2} ms  {status} {bytes:>9} B  {hours:>3} h / {step:>3} s  {q}");
            assert_eq!(status, 200);
        }
    }
}
