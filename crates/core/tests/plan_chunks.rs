//! The query planner: raw chunking at the scrape interval and the exact / server-side decision.

use proptest::prelude::*;
use sightline_core::formats::prometheus::PromRequest;
use sightline_core::plan::{
    chunk_points, plan, raw_chunks, range_selector_requests, Analysis, Plan, PlanRequest, ServerReason,
    EXACT_POINT_BUDGET,
};

const DAY_MS: i64 = 86_400_000;

#[test]
fn thirty_days_at_fifteen_seconds_is_sixteen_chunks() {
    // 30 d / 15 s = 172,800 intervals → 172,801 points → ⌈172,801 / 11,000⌉ = 16 chunks.
    let chunks = raw_chunks(0, 30 * DAY_MS, 15_000);
    assert_eq!(chunks.len(), 16);
    assert_eq!(chunks[0], (0, 10_999 * 15_000, 15_000));
    assert_eq!(chunks[1].0, 11_000 * 15_000);
    assert_eq!(chunks.last().unwrap().1, 30 * DAY_MS);
    assert_eq!(chunks.iter().map(|&c| chunk_points(c)).sum::<u64>(), 172_801);
}

#[test]
fn chunk_bounds_are_aligned_inside_the_range() {
    // [7 s, 100 s] at 15 s: points 15, 30, …, 90 (6 points), one chunk.
    assert_eq!(raw_chunks(7_000, 100_000, 15_000), vec![(15_000, 90_000, 15_000)]);
    // Negative times align on the same grid.
    assert_eq!(raw_chunks(-20_000, 0, 15_000), vec![(-15_000, 0, 15_000)]);
}

#[test]
fn empty_and_invalid_ranges_have_no_chunk() {
    assert!(raw_chunks(1_000, 2_000, 15_000).is_empty(), "no multiple of 15 s inside");
    assert!(raw_chunks(10_000, 0, 1_000).is_empty());
    assert!(raw_chunks(0, 10_000, 0).is_empty());
    assert!(raw_chunks(0, 10_000, -5).is_empty());
    // Extremes do not overflow.
    let c = raw_chunks(i64::MIN, i64::MAX, i64::MAX);
    assert!(!c.is_empty());
}

#[test]
fn range_selector_requests_tile_the_range() {
    let chunks = raw_chunks(0, 30_000 * 15_000, 15_000);
    assert_eq!(chunks.len(), 3);
    let reqs = range_selector_requests("x_total{job=\"a\"}", &chunks);
    assert_eq!(
        reqs[0],
        PromRequest::Instant { query: "x_total{job=\"a\"}[165000s]".to_string(), time_ms: Some(10_999 * 15_000) }
    );
    // Chunk i covers (start − step, end]: the next starts where this one ended.
    let PromRequest::Instant { query, time_ms } = &reqs[1] else { panic!() };
    assert_eq!(query, "x_total{job=\"a\"}[165000s]");
    assert_eq!(*time_ms, Some(21_999 * 15_000));
}

fn request(series: u64, days: i64, force_exact: bool) -> PlanRequest {
    PlanRequest {
        analysis: Analysis::HistogramQuantile {
            selector: "http_duration_seconds_bucket{job=\"api\"}".to_string(),
            q: 0.99,
            by: vec!["service".to_string()],
            window_ms: None,
        },
        start_ms: 0,
        end_ms: days * DAY_MS,
        scrape_ms: 15_000,
        series,
        width_px: 1_000,
        force_exact,
    }
}

#[test]
fn small_queries_are_exact() {
    // 1 day at 15 s = 5,761 points × 12 series = 69,132.
    let p = plan(&request(12, 1, false));
    let Plan::Exact(e) = &p else { panic!("{p:?}") };
    assert_eq!(e.chunks.len(), 1);
    assert_eq!(e.points, 69_132);
    assert!(!e.forced);
    assert_eq!(p.describe(), "exact: 1 chunk of ≤ 11,000 points at 15 s, ~69k samples");
    // 7 days × 30 series: 40,321 × 30 = 1.2M.
    let p = plan(&request(30, 7, false));
    assert_eq!(p.describe(), "exact: 4 chunks of ≤ 11,000 points at 15 s, ~1.2M samples");
}

#[test]
fn large_queries_go_server_side_with_the_rewritten_quantile() {
    // 30 days × 60 series = 172,801 × 60 ≈ 10.4M > 10M.
    let p = plan(&request(60, 30, false));
    let Plan::ServerSide(s) = &p else { panic!("{p:?}") };
    assert_eq!(s.reason, ServerReason::TooManyPoints);
    assert_eq!(s.exact_points, 172_801 * 60);
    // step = max(⌈30 d / 1000 px⌉, 15 s, ⌈30 d / 10,998⌉, 1 s) = 2,592 s; window = step + scrape.
    assert_eq!(s.step_ms, 2_592_000);
    assert_eq!(
        s.query,
        "histogram_quantile(0.99, sum by (le, service) (rate(http_duration_seconds_bucket{job=\"api\"}[2607s])))"
    );
    assert_eq!(
        p.describe(),
        "server-side: histogram_quantile(0.99, sum by (le, service) (rate(http_duration_seconds_bucket{job=\"api\"}[2607s]))) at 2592 s steps (exact would need ~10M samples, over the 10M budget)"
    );
    let PromRequest::Range { step_ms, .. } = &s.request else { panic!() };
    assert_eq!(*step_ms, 2_592_000);
}

#[test]
fn force_exact_overrides_the_budget() {
    let p = plan(&request(60, 30, true));
    let Plan::Exact(e) = &p else { panic!("{p:?}") };
    assert!(e.forced && e.points > EXACT_POINT_BUDGET);
    assert_eq!(e.requests.len(), 16);
    assert!(p.describe().ends_with("(forced, over the server-side threshold)"), "{}", p.describe());
}

#[test]
fn rate_and_increase_rewrite_to_sums() {
    let mut r = request(1_000, 30, false);
    r.analysis = Analysis::Rate { selector: "x_total".into(), by: vec![], window_ms: Some(300_000) };
    let Plan::ServerSide(s) = plan(&r) else { panic!() };
    assert_eq!(s.query, "sum (rate(x_total[300s]))");
    r.analysis = Analysis::Increase { selector: "x_total".into(), by: vec!["code".into()] };
    let Plan::ServerSide(s) = plan(&r) else { panic!() };
    assert_eq!(s.query, "sum by (code) (increase(x_total[2592000s]))");
    let PromRequest::Range { start_ms, end_ms, .. } = s.request else { panic!() };
    assert_eq!((start_ms, end_ms), (30 * DAY_MS, 30 * DAY_MS), "one value at the end of the range");
}

#[test]
fn an_empty_range_is_an_exact_plan_with_nothing_to_fetch() {
    let mut r = request(10, 1, false);
    r.end_ms = -1;
    let p = plan(&r);
    assert_eq!(p.describe(), "exact: no sample time in the range");
}

proptest! {
    #[test]
    fn chunks_are_contiguous_aligned_capped_and_cover_the_range(
        start in -10_000_000_000i64..10_000_000_000,
        len in 0i64..5_000_000_000,
        step in 1i64..120_000,
    ) {
        let end = start + len;
        let chunks = raw_chunks(start, end, step);
        let first = start.div_euclid(step) * step + if start.rem_euclid(step) == 0 { 0 } else { step };
        let last = end.div_euclid(step) * step;
        if first > last {
            prop_assert!(chunks.is_empty());
        } else {
            prop_assert_eq!(chunks.first().unwrap().0, first);
            prop_assert_eq!(chunks.last().unwrap().1, last);
            let mut total = 0u64;
            for (i, &(s, e, st)) in chunks.iter().enumerate() {
                prop_assert_eq!(st, step);
                prop_assert!(s <= e);
                prop_assert_eq!(s.rem_euclid(step), 0);
                prop_assert_eq!(e.rem_euclid(step), 0);
                prop_assert!(chunk_points((s, e, st)) <= 11_000);
                if i + 1 < chunks.len() {
                    prop_assert_eq!(chunk_points((s, e, st)), 11_000, "only the last chunk is short");
                    prop_assert_eq!(chunks[i + 1].0, e + step);
                }
                total += chunk_points((s, e, st));
            }
            prop_assert_eq!(total as i64, (last - first) / step + 1);
        }
    }
}
