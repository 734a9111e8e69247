//! The query planner for exact analytics: fetch raw samples and compute client-side ("exact"), or
//! let the server pre-aggregate ("server-side") when the raw data would be too big.
//!
//! - [`raw_chunks`] splits a range into `query_range`-shaped chunks `(start_ms, end_ms, step_ms)`
//!   at the scrape interval, each with at most [`MAX_POINTS_PER_SERIES`] (11,000) points per
//!   series — Prometheus' own cap. Chunk points are the multiples of the step inside
//!   `[start_ms, end_ms]`; chunks are contiguous (`next.start = end + step`), never overlap and
//!   together cover exactly those points. [`range_selector_requests`] turns them into instant
//!   queries of a range selector, which return the raw samples themselves (no lookback
//!   resampling), chunk `i` covering the left-open window `(start − step, end]`.
//! - [`plan`] estimates the raw point count (`series × points`) and chooses [`Plan::Exact`] when
//!   it fits [`EXACT_POINT_BUDGET`] (or `force_exact` is set), else [`Plan::ServerSide`] with the
//!   PromQL that pre-aggregates on the server (e.g. `histogram_quantile` over
//!   `sum by (le) (rate(x[w]))`), at the chart's step.
//! - [`Plan::describe`] is the one-line explanation shown next to the result.
//!
//! Invalid input (a non-positive scrape interval, an empty or inverted range) gives no chunk and
//! an exact plan with nothing to fetch, never a panic.

use crate::format::group_thousands;
use crate::formats::prometheus::PromRequest;
use crate::time::step::{choose_step_ms, MAX_POINTS_PER_SERIES};

/// Raw points (series × samples) an exact analysis may pull into the page. 10M f64 values are
/// 80 MB (plus 80 MB of `i64` timestamps); one pass over them costs ~8 ms at ~10 GB/s, and their
/// `query_range` JSON (~26 B per point, ~260 MB) parses in about a second in WASM
/// (performance.md §1, §5). Beyond that the page would stall for seconds and approach the 4 GiB
/// wasm32 ceiling, so the planner asks the server to aggregate instead.
pub const EXACT_POINT_BUDGET: u64 = 10_000_000;

/// Chunk requests an exact plan may issue: at ~100 ms to 1 s per round trip, 256 chunks are
/// 30 s to 4 min of fetching — the most a user waits for an exact answer. (30 days at 15 s is
/// 16 chunks.)
pub const MAX_EXACT_CHUNKS: usize = 256;

/// Splits `[start_ms, end_ms]` into `(chunk_start_ms, chunk_end_ms, step_ms)` with
/// `step_ms = scrape_ms`. Chunk bounds are multiples of the step (so equal requests hit caches);
/// the first starts at the first multiple ≥ `start_ms`, the last ends at the last multiple
/// ≤ `end_ms`; each holds at most 11,000 points; `next.start = previous.end + step`.
/// Empty when `scrape_ms ≤ 0` or no multiple of the step lies in the range.
pub fn raw_chunks(start_ms: i64, end_ms: i64, scrape_ms: i64) -> Vec<(i64, i64, i64)> {
    let mut out = Vec::new();
    if scrape_ms <= 0 || end_ms < start_ms {
        return out;
    }
    let step = i128::from(scrape_ms);
    let first = ceil_to(i128::from(start_ms), step);
    let last = i128::from(end_ms).div_euclid(step) * step;
    let span = i128::from(MAX_POINTS_PER_SERIES - 1) * step;
    let mut s = first;
    while s <= last {
        let e = (s + span).min(last);
        let (Ok(s64), Ok(e64)) = (i64::try_from(s), i64::try_from(e)) else { break };
        out.push((s64, e64, scrape_ms));
        s = e + step;
    }
    out
}

/// Points `(end − start)/step + 1` of one chunk (0 for an invalid chunk).
pub fn chunk_points(chunk: (i64, i64, i64)) -> u64 {
    let (s, e, step) = chunk;
    if step <= 0 || e < s {
        return 0;
    }
    u64::try_from((i128::from(e) - i128::from(s)) / i128::from(step) + 1).unwrap_or(u64::MAX)
}

/// One instant query per chunk of `selector[<end − start + step>]` at the chunk's end: the raw
/// samples in `(start − step, end]`, so consecutive chunks tile the range without gap or overlap.
pub fn range_selector_requests(selector: &str, chunks: &[(i64, i64, i64)]) -> Vec<PromRequest> {
    chunks
        .iter()
        .map(|&(s, e, step)| {
            let width = e.saturating_sub(s).saturating_add(step);
            PromRequest::Instant { query: format!("{selector}[{}]", promql_duration(width)), time_ms: Some(e) }
        })
        .collect()
}

/// What the user asked to compute.
#[derive(Debug, Clone, PartialEq)]
pub enum Analysis {
    /// `histogram_quantile(q, sum by (le, by…) (rate(selector[window])))` over classic `_bucket`
    /// series (`selector` selects the buckets, e.g. `http_duration_seconds_bucket{job="api"}`).
    HistogramQuantile { selector: String, q: f64, by: Vec<String>, window_ms: Option<i64> },
    /// `sum by (by…) (rate(selector[window]))`.
    Rate { selector: String, by: Vec<String>, window_ms: Option<i64> },
    /// `sum by (by…) (increase(selector[range]))` over the whole range (SLO windows).
    Increase { selector: String, by: Vec<String> },
}

impl Analysis {
    /// The raw series the exact path fetches.
    pub fn selector(&self) -> &str {
        match self {
            Analysis::HistogramQuantile { selector, .. }
            | Analysis::Rate { selector, .. }
            | Analysis::Increase { selector, .. } => selector,
        }
    }
}

/// Inputs of [`plan`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    pub analysis: Analysis,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The scrape interval of the selected series (the raw resolution).
    pub scrape_ms: i64,
    /// How many raw series the selector matches (from `/api/v1/series`, or an estimate).
    pub series: u64,
    /// The chart width, for the server-side step.
    pub width_px: u32,
    /// Fetch raw samples whatever their number.
    pub force_exact: bool,
}

/// The decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Fetch raw samples in chunks and compute client-side.
    Exact(ExactPlan),
    /// Let the server aggregate.
    ServerSide(ServerPlan),
}

/// Raw samples in chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactPlan {
    /// `(start_ms, end_ms, step_ms)` per chunk (see [`raw_chunks`]).
    pub chunks: Vec<(i64, i64, i64)>,
    pub scrape_ms: i64,
    pub series: u64,
    /// Estimated raw points, `series × points`.
    pub points: u64,
    /// True when `force_exact` overrode the budget.
    pub forced: bool,
    /// One range-selector instant query per chunk ([`range_selector_requests`]).
    pub requests: Vec<PromRequest>,
}

/// Why the planner chose the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerReason {
    /// The raw points exceed [`EXACT_POINT_BUDGET`].
    TooManyPoints,
    /// More than [`MAX_EXACT_CHUNKS`] chunk requests would be needed.
    TooManyChunks,
}

/// A pre-aggregating query.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerPlan {
    /// The PromQL sent as a range query.
    pub query: String,
    pub step_ms: i64,
    /// The rate window used (`None` for [`Analysis::Increase`], which spans the whole range).
    pub window_ms: Option<i64>,
    /// What an exact plan would have fetched.
    pub exact_points: u64,
    pub reason: ServerReason,
    pub request: PromRequest,
}

/// Chooses between [`Plan::Exact`] and [`Plan::ServerSide`]; see the module doc.
pub fn plan(req: &PlanRequest) -> Plan {
    let chunks = raw_chunks(req.start_ms, req.end_ms, req.scrape_ms);
    let per_series: u64 = chunks.iter().map(|&c| chunk_points(c)).sum();
    let points = per_series.saturating_mul(req.series);
    let reason = if points > EXACT_POINT_BUDGET {
        Some(ServerReason::TooManyPoints)
    } else if chunks.len() > MAX_EXACT_CHUNKS {
        Some(ServerReason::TooManyChunks)
    } else {
        None
    };
    match reason {
        Some(reason) if !req.force_exact => Plan::ServerSide(server_plan(req, points, reason)),
        _ => {
            let requests = range_selector_requests(req.analysis.selector(), &chunks);
            Plan::Exact(ExactPlan {
                chunks,
                scrape_ms: req.scrape_ms,
                series: req.series,
                points,
                forced: reason.is_some(),
                requests,
            })
        }
    }
}

fn server_plan(req: &PlanRequest, exact_points: u64, reason: ServerReason) -> ServerPlan {
    let range = req.end_ms.saturating_sub(req.start_ms);
    let scrape = req.scrape_ms.max(1);
    let step_ms = choose_step_ms(range, req.width_px, scrape);
    // algorithms.md §4.1: window = max(step + scrape, 4 × scrape) unless given.
    let default_window = step_ms.saturating_add(scrape).max(scrape.saturating_mul(4));
    let by = |labels: &[String], extra: Option<&str>| {
        let mut all: Vec<&str> = extra.into_iter().collect();
        all.extend(labels.iter().map(String::as_str).filter(|l| Some(*l) != extra));
        if all.is_empty() {
            String::new()
        } else {
            format!(" by ({})", all.join(", "))
        }
    };
    let (query, window_ms, start_ms) = match &req.analysis {
        Analysis::HistogramQuantile { selector, q, by: labels, window_ms } => {
            let w = window_ms.filter(|&w| w > 0).unwrap_or(default_window);
            let q = if q.is_finite() { format!("{q}") } else { "NaN".to_string() };
            (
                format!("histogram_quantile({q}, sum{} (rate({selector}[{}])))", by(labels, Some("le")), promql_duration(w)),
                Some(w),
                req.start_ms,
            )
        }
        Analysis::Rate { selector, by: labels, window_ms } => {
            let w = window_ms.filter(|&w| w > 0).unwrap_or(default_window);
            (format!("sum{} (rate({selector}[{}]))", by(labels, None), promql_duration(w)), Some(w), req.start_ms)
        }
        Analysis::Increase { selector, by: labels } => {
            // One value over the whole range, evaluated at its end.
            (
                format!("sum{} (increase({selector}[{}]))", by(labels, None), promql_duration(range.max(1))),
                None,
                req.end_ms,
            )
        }
    };
    let request = PromRequest::Range { query: query.clone(), start_ms, end_ms: req.end_ms, step_ms };
    ServerPlan { query, step_ms, window_ms, exact_points, reason, request }
}

impl Plan {
    /// One line for the UI, e.g. `exact: 3 chunks of ≤ 11,000 points at 15 s, ~1.2M samples`
    /// or `server-side: histogram_quantile(…) at 60 s steps (exact would need ~52M samples, over
    /// the 10M budget)`.
    pub fn describe(&self) -> String {
        match self {
            Plan::Exact(p) => {
                if p.chunks.is_empty() {
                    return "exact: no sample time in the range".to_string();
                }
                let n = p.chunks.len();
                let forced = if p.forced { " (forced, over the server-side threshold)" } else { "" };
                format!(
                    "exact: {n} chunk{} of ≤ {} points at {}, ~{} samples{forced}",
                    if n == 1 { "" } else { "s" },
                    group_thousands(MAX_POINTS_PER_SERIES as u64),
                    human_duration(p.scrape_ms),
                    compact_count(p.points),
                )
            }
            Plan::ServerSide(p) => {
                let why = match p.reason {
                    ServerReason::TooManyPoints => {
                        format!("over the {} budget", compact_count(EXACT_POINT_BUDGET))
                    }
                    ServerReason::TooManyChunks => format!("more than {MAX_EXACT_CHUNKS} chunk requests"),
                };
                format!(
                    "server-side: {} at {} steps (exact would need ~{} samples, {why})",
                    p.query,
                    human_duration(p.step_ms),
                    compact_count(p.exact_points)
                )
            }
        }
    }
}

/// PromQL duration literal: whole seconds as `Ns`, otherwise `Nms`.
pub fn promql_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn ceil_to(x: i128, step: i128) -> i128 {
    let r = x.rem_euclid(step);
    if r == 0 {
        x
    } else {
        x - r + step
    }
}

/// `15 s`, `500 ms`, `1.5 s`.
fn human_duration(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else if ms > 1000 {
        format!("{} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

/// `950`, `12k`, `1.2M`, `3.4G`.
fn compact_count(n: u64) -> String {
    let x = n as f64;
    let (v, unit) = if n >= 1_000_000_000 {
        (x / 1e9, "G")
    } else if n >= 1_000_000 {
        (x / 1e6, "M")
    } else if n >= 1_000 {
        (x / 1e3, "k")
    } else {
        return n.to_string();
    };
    let s = if v < 10.0 { format!("{v:.1}") } else { format!("{v:.0}") };
    format!("{}{unit}", s.trim_end_matches(".0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_compact() {
        assert_eq!(compact_count(950), "950");
        assert_eq!(compact_count(1_200_000), "1.2M");
        assert_eq!(compact_count(12_345), "12k");
        assert_eq!(compact_count(10_000_000), "10M");
        assert_eq!(group_thousands(11_000), "11,000");
        assert_eq!(group_thousands(999), "999");
    }
}
