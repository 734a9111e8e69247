//! The demo source's logs: a fake Loki living in the core, consistent with the demo's traces and
//! metrics (same services, the same incident; every line carries its span's trace id; see
//! [`lines`]).
//!
//! [`DemoBackend::respond_logs`] takes the path and decoded query parameters a real Loki would
//! get and answers with the bytes of Loki's JSON (wire-formats.md §3), which the app decodes with
//! the same code as a real Loki's answer.
//!
//! Endpoints (anything before `/loki/api/v1/` is ignored): `query_range` (`query`, `start`, `end`
//! as Unix ns integers, float seconds or RFC 3339; `limit`, default 100; `direction`, default
//! `backward`; `step` for metric queries, default Loki's `max(1 s, range / 250)`), `labels`,
//! `label/<name>/values`. The LogQL subset is [`logql`]'s; anything else is answered 400 with a
//! plain-text message, as Loki does. Log queries look at most [`MAX_SCAN_SLOTS`] trace slots,
//! newest first (backward) or oldest first (forward); metric queries at most that many over the
//! whole range (a longer range is refused). Deterministic in `(seed, path, params, now_ms)`.

pub mod lines;
pub mod logql;

use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::traces::shapes::SLOT_MS;
use super::{incident_window_ms, DemoBackend, DemoResponse};
use lines::{slot_lines, DemoLine, LABEL_NAMES};
use logql::{DemoQuery, LogSelector};

/// The most trace slots one request looks at (about 11.5 days).
pub const MAX_SCAN_SLOTS: i64 = 100_000;
const MS_NS: i64 = 1_000_000;

impl DemoBackend {
    /// Answers a Loki HTTP API request (see the module documentation).
    pub fn respond_logs(&self, path: &str, params: &[(String, String)], now_ms: i64) -> DemoResponse {
        match route(self.seed(), path, params, now_ms) {
            Ok(v) => DemoResponse { status: 200, body: v.to_string().into_bytes() },
            Err((status, msg)) => DemoResponse { status, body: msg.into_bytes() },
        }
    }
}

type ApiResult = Result<Value, (u16, String)>;

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
}

fn route(seed: u64, path: &str, params: &[(String, String)], now_ms: i64) -> ApiResult {
    let clean = path.split('?').next().unwrap_or("");
    let rest = clean.find("/loki/api/v1/").and_then(|i| clean.get(i + "/loki/api/v1/".len()..)).unwrap_or("");
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["query_range"] => query_range(seed, params, now_ms),
        ["labels"] => Ok(json!({"status": "success", "data": LABEL_NAMES})),
        ["label", name, "values"] => Ok(json!({"status": "success", "data": label_values(name)})),
        _ => Err((404, "404 page not found\n".into())),
    }
}

fn label_values(name: &str) -> Vec<String> {
    let services = crate::demo::data::SERVICES;
    let mut v: Vec<String> = match name {
        "job" => vec!["shop".into()],
        "service_name" => services.iter().map(|s| s.to_string()).collect(),
        "instance" => services.iter().flat_map(|s| [format!("{s}-0"), format!("{s}-1")]).collect(),
        "level" => ["error", "info", "warn"].map(String::from).to_vec(),
        _ => Vec::new(),
    };
    v.sort();
    v
}

/// A Loki time parameter in ns: an integer is ns, a number with a fraction is seconds, else
/// RFC 3339.
fn parse_time(s: &str) -> Result<i64, (u16, String)> {
    let s = s.trim();
    let fail = || (400, format!("invalid time {s:?}: expected Unix nanoseconds, seconds or RFC 3339"));
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n);
    }
    if let Ok(x) = s.parse::<f64>() {
        return if x.is_finite() && x.abs() < 9.2e9 { Ok((x * 1e9).round() as i64) } else { Err(fail()) };
    }
    chrono::DateTime::parse_from_rfc3339(s).ok().and_then(|d| d.timestamp_nanos_opt()).ok_or_else(fail)
}

fn query_range(seed: u64, params: &[(String, String)], now_ms: i64) -> ApiResult {
    let text = param(params, "query").ok_or((400, "query parameter is required".to_string()))?;
    let now_ns = now_ms.saturating_mul(MS_NS);
    let end = param(params, "end").map(parse_time).transpose()?.unwrap_or(now_ns).min(now_ns.saturating_add(1));
    let start = param(params, "start").map(parse_time).transpose()?.unwrap_or(end.saturating_sub(3_600 * 1_000_000_000));
    if end < start {
        return Err((400, "the end timestamp must not be before the start time".into()));
    }
    let query = logql::parse(text).map_err(|m| (400, m))?;
    let incident = incident_window_ms(now_ms);
    match query {
        DemoQuery::Logs(selector) => {
            let limit = match param(params, "limit") {
                None => 100,
                Some(l) => l.trim().parse::<usize>().map_err(|_| (400, format!("invalid limit {l:?}")))?,
            };
            let forward = param(params, "direction") == Some("forward");
            // Only traces whose slot is over exist in the demo's trace API: their lines only.
            let end = end.min(last_complete_slot_end(now_ms));
            Ok(streams(&log_lines(seed, &selector, start, end, limit, forward, incident), forward))
        }
        DemoQuery::Count { selector, range_ns, sum_by } => {
            let step = match param(params, "step") {
                Some(s) => parse_step(s)?,
                None => ((end - start) / 250).max(1_000_000_000),
            };
            let lines_end = last_complete_slot_end(now_ms);
            count_matrix(seed, &selector, (start, end, step), range_ns, sum_by.as_deref(), (incident, lines_end))
        }
    }
}

fn parse_step(s: &str) -> Result<i64, (u16, String)> {
    let t = s.trim();
    let secs = t.strip_suffix('s').unwrap_or(t);
    let mult = match t.chars().last() {
        Some('m') => 60.0,
        Some('h') => 3600.0,
        _ => 1.0,
    };
    let num = if mult > 1.0 { &t[..t.len() - 1] } else { secs };
    num.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0 && *x < 1e7)
        .map(|x| (x * mult * 1e9).round() as i64)
        .ok_or((400, format!("invalid step {s:?}")))
}

/// The end (ns) of the newest slot that is over at `now_ms`: lines of later traces are not yet
/// logged (their traces are not yet in the demo's trace API either).
fn last_complete_slot_end(now_ms: i64) -> i64 {
    now_ms.div_euclid(SLOT_MS).saturating_mul(SLOT_MS).saturating_mul(MS_NS)
}

fn slot_of(ns: i64) -> i64 {
    ns.div_euclid(MS_NS).div_euclid(SLOT_MS)
}

/// Matching lines in `[start, end)`, newest first (or oldest first), at most `limit`.
fn log_lines(seed: u64, sel: &LogSelector, start: i64, end: i64, limit: usize, forward: bool, incident: (i64, i64)) -> Vec<DemoLine> {
    // A line ends after its trace's slot starts: look one slot earlier than `start`.
    let (first, last) = (slot_of(start) - 1, slot_of(end));
    let mut out: Vec<DemoLine> = Vec::new();
    let mut scanned = 0;
    let mut k = if forward { first } else { last };
    let mut extra = 0;
    while (first..=last).contains(&k) && scanned < MAX_SCAN_SLOTS {
        if k >= 0 {
            out.extend(slot_lines(seed, k, incident).into_iter().filter(|l| l.ts_ns >= start && l.ts_ns < end && sel.matches(l)));
        }
        scanned += 1;
        // Traces last well under a slot, so two more slots settle the order at the cut.
        if out.len() >= limit {
            extra += 1;
            if extra > 2 {
                break;
            }
        }
        k += if forward { 1 } else { -1 };
    }
    if forward {
        out.sort_by_key(|l| l.ts_ns);
    } else {
        out.sort_by_key(|l| std::cmp::Reverse(l.ts_ns));
    }
    out.truncate(limit);
    out
}

/// Loki's `streams` answer: one stream per label set, entries in the requested order.
fn streams(lines: &[DemoLine], _forward: bool) -> Value {
    let mut by_stream: BTreeMap<BTreeMap<String, String>, Vec<Value>> = BTreeMap::new();
    for l in lines {
        by_stream.entry(l.labels()).or_default().push(json!([l.ts_ns.to_string(), l.text]));
    }
    let result: Vec<Value> = by_stream.into_iter().map(|(labels, values)| json!({"stream": labels, "values": values})).collect();
    json!({"status": "success", "data": {"resultType": "streams", "result": result, "stats": {}}})
}

/// `count_over_time` at each step (optionally summed by labels); zero points are left out, as
/// Loki does.
fn count_matrix(
    seed: u64,
    sel: &LogSelector,
    (start, end, step): (i64, i64, i64),
    range_ns: i64,
    sum_by: Option<&[String]>,
    (incident, lines_end): ((i64, i64), i64),
) -> ApiResult {
    let points = (end - start) / step + 1;
    if points > 11_000 {
        return Err((400, "maximum of series (11000) reached for a single query; use a larger step".into()));
    }
    if range_ns / step > 1_000 {
        return Err((400, "the range of count_over_time is more than 1000 steps; use a larger step".into()));
    }
    let (first, last) = (slot_of(start - range_ns) - 1, slot_of(end));
    if last - first > MAX_SCAN_SLOTS {
        return Err((400, format!("the demo source answers metric queries over at most {} days", MAX_SCAN_SLOTS * SLOT_MS / 86_400_000)));
    }
    let mut series: BTreeMap<BTreeMap<String, String>, BTreeMap<i64, u64>> = BTreeMap::new();
    for k in first.max(0)..=last {
        for l in slot_lines(seed, k, incident) {
            if l.ts_ns >= lines_end || !sel.matches(&l) {
                continue;
            }
            let labels: BTreeMap<String, String> = match sum_by {
                None => l.labels(),
                Some(by) => by.iter().filter_map(|n| Some((n.clone(), l.label(n)?))).collect(),
            };
            // Step points t with t - range < ts <= t.
            let lo = (l.ts_ns - start + step - 1).div_euclid(step).max(0);
            let hi = (l.ts_ns - start + range_ns - 1).div_euclid(step).min(points - 1);
            let counts = series.entry(labels).or_default();
            for i in lo..=hi {
                *counts.entry(i).or_default() += 1;
            }
        }
    }
    let result: Vec<Value> = series
        .into_iter()
        .map(|(labels, counts)| {
            let values: Vec<Value> = counts
                .into_iter()
                .map(|(i, n)| {
                    let t = start + i * step;
                    json!([t as f64 / 1e9, n.to_string()])
                })
                .collect();
            json!({"metric": labels, "values": values})
        })
        .collect();
    Ok(json!({"status": "success", "data": {"resultType": "matrix", "result": result, "stats": {}}}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::loki::{decode_loki, LokiAnswer};

    const NOW_MS: i64 = 1_705_320_000_000;

    fn get(path: &str, params: &[(&str, &str)]) -> DemoResponse {
        let p: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        DemoBackend::new(42).respond_logs(path, &p, NOW_MS)
    }

    fn lines_of(resp: &DemoResponse) -> crate::logs::LogStore {
        match decode_loki(resp.status, &resp.body).unwrap() {
            LokiAnswer::Streams { store, .. } => store,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn newest_lines_first_up_to_the_limit_through_the_real_decoder() {
        let end = (NOW_MS * MS_NS).to_string();
        let start = ((NOW_MS - 3_600_000) * MS_NS).to_string();
        let r = get("/loki/api/v1/query_range", &[("query", r#"{job="shop"}"#), ("start", &start), ("end", &end), ("limit", "50")]);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let s = lines_of(&r);
        assert_eq!(s.len(), 50);
        assert!(s.timestamps().windows(2).all(|w| w[0] >= w[1]));
        assert!(s.timestamps()[0] < NOW_MS * MS_NS);
        assert!((0..s.len()).all(|i| crate::logs::fields::trace_id(s.line(i), s.metadata(i)).is_some()));
        // Every demo line's trace opens in the demo's Jaeger API.
        let id = crate::logs::fields::trace_id(s.line(0), &[]).unwrap();
        let t = DemoBackend::new(42).respond_traces(&format!("/api/traces/{id}"), &[], NOW_MS);
        assert_eq!(t.status, 200);
    }

    #[test]
    fn incident_errors_are_in_payments_logs() {
        let (a, b) = incident_window_ms(NOW_MS);
        let (start, end) = ((a * MS_NS).to_string(), (b * MS_NS).to_string());
        let r = get("/loki/api/v1/query_range", &[("query", r#"{service_name="payments", level="error"}"#), ("start", &start), ("end", &end), ("limit", "5000")]);
        let s = lines_of(&r);
        assert!(s.len() >= 3, "{}", s.len());
        assert!((0..s.len()).all(|i| s.line(i).starts_with("level=error")));
        assert!((0..s.len()).any(|i| s.line(i).contains("card processor timed out")));
    }

    #[test]
    fn volume_counts_equal_the_lines() {
        let end_ms = NOW_MS - NOW_MS % 60_000;
        let start_ms = end_ms - 3_600_000;
        let (start, end) = ((start_ms * MS_NS).to_string(), (end_ms * MS_NS).to_string());
        let lines = lines_of(&get("/loki/api/v1/query_range", &[("query", r#"{job="shop"}"#), ("start", &start), ("end", &end), ("limit", "100000")]));
        let r = get(
            "/loki/api/v1/query_range",
            &[("query", r#"sum by (level) (count_over_time({job="shop"}[60s]))"#), ("start", &((start_ms + 60_000) * MS_NS).to_string()), ("end", &end), ("step", "60")],
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let LokiAnswer::Metric(resp) = decode_loki(200, &r.body).unwrap() else { panic!() };
        let crate::formats::prometheus::ResultData::Matrix(series) = resp.data else { panic!() };
        let total: f64 = series.iter().flat_map(|s| s.values.iter()).sum();
        // Step points cover (start, end] in 60 s windows; lines are [start, end): equal unless a
        // line sits exactly on a boundary.
        let on_boundary = lines.timestamps().iter().filter(|&&t| t == start_ms * MS_NS).count();
        let after_end = 0;
        assert_eq!(total as usize + on_boundary, lines.len() + after_end);
        assert!(series.iter().all(|s| s.labels.0.keys().all(|k| k == "level")));
    }

    #[test]
    fn errors_are_plain_text_like_lokis() {
        let r = get("/loki/api/v1/query_range", &[("query", "rate({job=\"shop\"}[1m])")]);
        assert_eq!(r.status, 400);
        assert!(String::from_utf8_lossy(&r.body).contains("demo source supports"));
        assert!(decode_loki(r.status, &r.body).unwrap_err().to_string().contains("demo source supports"));
        assert_eq!(get("/loki/api/v1/query_range", &[]).status, 400);
        assert_eq!(get("/loki/api/v1/nope", &[]).status, 404);
        let l = get("/loki/api/v1/label/service_name/values", &[]);
        assert_eq!(crate::formats::prometheus::decode_string_list(l.status, &l.body).unwrap().data.len(), 5);
    }
}
