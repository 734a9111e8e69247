//! The demo source's traces: a fake Jaeger query service (legacy JSON API) living in the core,
//! consistent with the demo metrics (same services, routes, latencies, statuses and incident; see
//! [`shapes`]).
//!
//! [`DemoBackend::respond_traces`] takes the path and decoded query parameters a real Jaeger
//! would get and answers with the bytes of Jaeger's `structuredResponse` envelope
//! (`{"data":…,"total":…,"limit":0,"offset":0,"errors":null}`, wire-formats.md §4.1), which the
//! app decodes with the same code as a real Jaeger's answer.
//!
//! Endpoints (anything before `/api/` is ignored): `/api/services`,
//! `/api/services/{service}/operations`, `/api/traces?service=&operation=&tags=&minDuration=&maxDuration=&limit=&start=&end=`
//! (µs; `service` required, as in Jaeger), `/api/traces/{id}`, `/api/dependencies?endTs=&lookback=`
//! (ms). Unknown paths are 404 and bad parameters 400, with Jaeger's `errors` array.
//! Search semantics: a trace matches when one of its spans has the service (and operation, and
//! every tag, and a duration inside the bounds), as Jaeger's span-level index does; newest first;
//! at most [`MAX_SCAN_SLOTS`] slots are looked at (the window's newest ones).
//! `/api/traces/{id}` also answers the trace ids of the demo's exemplars (`/api/v1/query_exemplars`):
//! a trace rooted at the exemplar's endpoint, at its time, with its span id, lasting at least the
//! exemplar's latency — so an exemplar clicked in Explore opens a matching trace.
//! Deterministic in `(seed, path, params, now_ms)`; never panics.

pub(crate) mod jaeger_json;
pub(crate) mod shapes;

use std::collections::BTreeMap;

use super::{incident_window_ms, DemoBackend, DemoResponse};
use crate::trace_query::parse_span_duration;
use shapes::{DemoTrace, SHAPES, SLOT_MS};

/// The most slots a search or dependency request looks at (about 11.5 days of demo traces).
pub const MAX_SCAN_SLOTS: i64 = 100_000;

impl DemoBackend {
    /// Answers a Jaeger query API request (see the module documentation).
    pub fn respond_traces(&self, path: &str, params: &[(String, String)], now_ms: i64) -> DemoResponse {
        match route(self.seed(), path, params, now_ms) {
            Ok(body) => DemoResponse { status: 200, body },
            Err((status, msg)) => DemoResponse { status, body: jaeger_json::error(status, &msg) },
        }
    }
}

type ApiResult = Result<Vec<u8>, (u16, String)>;

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

fn route(seed: u64, path: &str, params: &[(String, String)], now_ms: i64) -> ApiResult {
    let clean = path.split('?').next().unwrap_or("");
    let rest = clean.find("/api/").and_then(|i| clean.get(i + "/api/".len()..)).unwrap_or("").trim_end_matches('/');
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["services"] => Ok(jaeger_json::names(&services())),
        ["services", service, "operations"] => Ok(jaeger_json::names(&operations(service))),
        ["traces"] => search(seed, params, now_ms),
        ["traces", id] => trace_by_id(seed, id, now_ms),
        ["dependencies"] => dependencies(seed, params, now_ms),
        _ => Err((404, format!("404 page not found: {clean}"))),
    }
}

fn services() -> Vec<String> {
    let mut all: Vec<String> = SHAPES.iter().map(|s| s.service.to_string()).collect();
    all.extend(["catalog", "cart", "payments"].map(String::from));
    all.sort();
    all.dedup();
    all
}

fn operations(service: &str) -> Vec<String> {
    let mut ops = shapes::operations(service);
    ops.sort();
    ops.dedup();
    ops
}

fn parse_us(params: &[(String, String)], key: &str) -> Result<Option<i64>, (u16, String)> {
    param(params, key)
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| (400, format!("unable to parse param '{key}': {v:?} is not an integer")))
        })
        .transpose()
}

fn search(seed: u64, params: &[(String, String)], now_ms: i64) -> ApiResult {
    let service = param(params, "service").ok_or((400, "parameter 'service' is required".to_string()))?;
    let operation = param(params, "operation");
    let tags: BTreeMap<String, String> = match param(params, "tags") {
        None => BTreeMap::new(),
        Some(t) => {
            let v: serde_json::Value =
                serde_json::from_str(t).map_err(|e| (400, format!("malformed 'tags' parameter: {e}")))?;
            let obj = v.as_object().ok_or((400, "malformed 'tags' parameter: expected a JSON object".to_string()))?;
            obj.iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                .collect()
        }
    };
    let duration_us = |key: &str| -> Result<Option<i64>, (u16, String)> {
        param(params, key)
            .map(|d| {
                parse_span_duration(d)
                    .map(|ns| (ns / 1000) as i64)
                    .map_err(|e| (400, format!("unable to parse param '{key}': {e}")))
            })
            .transpose()
    };
    let min_us = duration_us("minDuration")?;
    let max_us = duration_us("maxDuration")?;
    let limit = match param(params, "limit") {
        None => 20,
        Some(l) => l.trim().parse::<usize>().map_err(|_| (400, format!("unable to parse param 'limit': {l:?}")))?,
    };
    let end_ms = parse_us(params, "end")?.map(|us| us.div_euclid(1000)).unwrap_or(now_ms).min(now_ms);
    let start_ms = parse_us(params, "start")?.map(|us| us.div_euclid(1000)).unwrap_or(end_ms - 3_600_000);

    let incident = incident_window_ms(now_ms);
    let mut found: Vec<DemoTrace> = Vec::new();
    let last = end_ms.div_euclid(SLOT_MS) - 1;
    let first = start_ms.div_euclid(SLOT_MS).max(last - MAX_SCAN_SLOTS + 1);
    let mut k = last;
    while k >= first && found.len() < limit {
        let t = shapes::generate(seed, k, incident);
        let start = t.spans.first().map(|s| s.start_us / 1000).unwrap_or(0);
        let matches = start >= start_ms
            && t.spans.iter().any(|s| {
                s.service == service
                    && operation.map_or(true, |op| op == s.operation())
                    && min_us.map_or(true, |m| s.duration_us >= m)
                    && max_us.map_or(true, |m| s.duration_us <= m)
                    && tags.iter().all(|(key, want)| jaeger_json::tag_value(s, key).as_deref() == Some(want.as_str()))
            });
        if matches {
            found.push(t);
        }
        k -= 1;
    }
    Ok(jaeger_json::traces(&found))
}

fn trace_by_id(seed: u64, id: &str, now_ms: i64) -> ApiResult {
    let not_found = || (404, "trace not found".to_string());
    let id = id.trim().to_ascii_lowercase();
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let (hi, lo) = id.split_at(16);
    let hi = u64::from_str_radix(hi, 16).map_err(|_| not_found())?;
    let k = u64::from_str_radix(lo, 16).map_err(|_| not_found())? as i64;
    let incident = incident_window_ms(now_ms);
    if hi == shapes::id_prefix(seed) && k >= 0 && k.saturating_add(1).saturating_mul(SLOT_MS) <= now_ms {
        return Ok(jaeger_json::traces(&[shapes::generate(seed, k, incident)]));
    }
    exemplar_trace(seed, &id, now_ms).map(|t| jaeger_json::traces(&[t])).ok_or_else(not_found)
}

/// The trace of a demo exemplar (`/api/v1/query_exemplars` of the demo names these ids): looked up
/// among the last day's exemplars (20 streams × 144 slots), rooted at the exemplar's endpoint.
fn exemplar_trace(seed: u64, id: &str, now_ms: i64) -> Option<DemoTrace> {
    let found =
        super::exemplars::demo_exemplars(seed, now_ms - super::exemplars::MAX_WINDOW_MS, now_ms, now_ms, |_| true);
    for (labels, list) in found {
        let Some(e) = list.into_iter().find(|e| e.trace_id == id) else { continue };
        let service = shapes::static_service(labels.0.get("service")?)?;
        let route = shapes::static_route(labels.0.get("route")?)?;
        return Some(shapes::generate_for_exemplar(
            (service, route),
            e.t_ms,
            e.value,
            (e.trace_id, e.span_id),
            incident_window_ms(now_ms),
        ));
    }
    None
}

fn dependencies(seed: u64, params: &[(String, String)], now_ms: i64) -> ApiResult {
    let int = |key: &str| -> Result<Option<i64>, (u16, String)> {
        param(params, key)
            .map(|v| v.trim().parse::<i64>().map_err(|_| (400, format!("unable to parse param '{key}': {v:?}"))))
            .transpose()
    };
    let end_ms = int("endTs")?.unwrap_or(now_ms).min(now_ms);
    let lookback = int("lookback")?.unwrap_or(86_400_000).max(0);
    let last = end_ms.div_euclid(SLOT_MS) - 1;
    let first = (end_ms - lookback).div_euclid(SLOT_MS).max(last - MAX_SCAN_SLOTS + 1);
    let mut counts: BTreeMap<(&'static str, &'static str), u64> = BTreeMap::new();
    let mut edges = Vec::new();
    for k in first..=last {
        edges.clear();
        shapes::edges(shapes::shape_of(seed, k), &mut edges);
        for e in &edges {
            *counts.entry(*e).or_insert(0) += 1;
        }
    }
    Ok(jaeger_json::dependencies(&counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    fn get(path: &str, params: &[(&str, &str)]) -> (u16, serde_json::Value) {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let r = DemoBackend::new(42).respond_traces(path, &params, NOW);
        (r.status, serde_json::from_slice(&r.body).unwrap())
    }

    #[test]
    fn services_and_operations_list_the_demo_shop() {
        let (status, v) = get("/api/services", &[]);
        assert_eq!(status, 200);
        assert_eq!(v["data"], serde_json::json!(["cart", "catalog", "checkout", "frontend", "payments"]));
        assert_eq!(v["errors"], serde_json::Value::Null);
        let (_, v) = get("/api/services/payments/operations", &[]);
        assert_eq!(v["data"], serde_json::json!(["POST /charge", "POST /refund"]));
    }

    #[test]
    fn search_finds_newest_matching_traces_and_each_opens_by_id() {
        let end = (NOW * 1000).to_string();
        let start = ((NOW - 3_600_000) * 1000).to_string();
        let (status, v) = get(
            "/api/traces",
            &[("service", "payments"), ("operation", "POST /charge"), ("limit", "5"), ("start", &start), ("end", &end)],
        );
        assert_eq!(status, 200);
        let traces = v["data"].as_array().unwrap();
        assert_eq!(traces.len(), 5);
        let mut prev = i64::MAX;
        for t in traces {
            let root_start =
                t["spans"].as_array().unwrap().iter().map(|s| s["startTime"].as_i64().unwrap()).min().unwrap();
            assert!(root_start < prev, "newest first");
            prev = root_start;
            let id = t["traceID"].as_str().unwrap();
            let (status, one) = get(&format!("/api/traces/{id}"), &[]);
            assert_eq!(status, 200);
            assert_eq!(&one["data"][0], t);
        }
    }

    #[test]
    fn search_errors_and_unknown_ids_use_jaegers_envelope() {
        let (status, v) = get("/api/traces", &[]);
        assert_eq!(status, 400);
        assert_eq!(v["errors"][0]["msg"], "parameter 'service' is required");
        let (status, v) = get("/api/traces/00000000000000000000000000000001", &[]);
        assert_eq!(status, 404);
        assert_eq!(v["errors"][0]["code"], 404);
        let (status, _) = get("/api/nope", &[]);
        assert_eq!(status, 404);
        let (status, _) = get("/api/traces", &[("service", "x"), ("minDuration", "fast")]);
        assert_eq!(status, 400);
    }

    #[test]
    fn min_duration_and_tags_filter_spans() {
        let (_, v) = get(
            "/api/traces",
            &[
                ("service", "payments"),
                ("tags", r#"{"error":"true"}"#),
                ("limit", "3"),
                ("start", &((NOW - 86_400_000) * 1000).to_string()),
            ],
        );
        for t in v["data"].as_array().unwrap() {
            let has_error =
                t["spans"].as_array().unwrap().iter().any(|s| {
                    s["tags"].as_array().unwrap().iter().any(|tag| tag["key"] == "error" && tag["value"] == true)
                });
            assert!(has_error);
        }
        let (_, v) = get("/api/traces", &[("service", "frontend"), ("minDuration", "400ms"), ("limit", "3")]);
        for t in v["data"].as_array().unwrap() {
            assert!(t["spans"].as_array().unwrap().iter().any(|s| s["duration"].as_i64().unwrap() >= 400_000));
        }
    }

    #[test]
    fn dependencies_count_calls_between_services() {
        let (status, v) = get("/api/dependencies", &[("endTs", &NOW.to_string()), ("lookback", "3600000")]);
        assert_eq!(status, 200);
        let links = v["data"].as_array().unwrap();
        let pairs: Vec<(String, String)> = links
            .iter()
            .map(|l| (l["parent"].as_str().unwrap().to_string(), l["child"].as_str().unwrap().to_string()))
            .collect();
        assert!(pairs.contains(&("checkout".into(), "payments".into())));
        assert!(pairs.contains(&("frontend".into(), "catalog".into())));
        let total: u64 = links.iter().map(|l| l["callCount"].as_u64().unwrap()).sum();
        assert!(total >= 360, "{total}: one hour has 360 slots, each with at least one call");
    }

    #[test]
    fn demo_answers_decode_through_the_same_trace_decoder_as_a_real_jaeger() {
        let r = DemoBackend::new(42).respond_traces(
            "/api/traces",
            &[("service".to_string(), "checkout".to_string()), ("limit".to_string(), "4".to_string())],
            NOW,
        );
        let decoded = crate::trace::decode_traces(&r.body).unwrap();
        assert_eq!(decoded.traces.len(), 4);
        for t in &decoded.traces {
            assert!(t.warnings().is_empty(), "{:?}", t.warnings());
            assert_eq!(t.roots().len(), 1);
            // checkout → cart and checkout → payments: 2 client spans + 3 server spans.
            assert_eq!(t.len(), 5);
            assert_eq!(t.service_names(), vec!["cart", "checkout", "payments"]);
        }
    }

    #[test]
    fn exemplar_trace_ids_of_the_demo_open_traces_rooted_at_their_endpoint() {
        let found = crate::demo::exemplars::demo_exemplars(42, NOW - 3_600_000, NOW, NOW, |_| true);
        let (labels, list) =
            found.iter().find(|(l, _)| l.0.get("service").map(String::as_str) == Some("checkout")).unwrap();
        let e = &list[0];
        let (status, v) = get(&format!("/api/traces/{}", e.trace_id), &[]);
        assert_eq!(status, 200);
        let trace = &v["data"][0];
        assert_eq!(trace["traceID"], e.trace_id.as_str());
        let root =
            trace["spans"].as_array().unwrap().iter().find(|s| s["references"].as_array().unwrap().is_empty()).unwrap();
        assert_eq!(root["spanID"], e.span_id.as_str());
        assert_eq!(root["operationName"], format!("POST {}", labels.0["route"]));
        assert_eq!(root["startTime"].as_i64().unwrap(), e.t_ms * 1000);
        // The root lasts at least the exemplar's observed latency.
        assert!(root["duration"].as_i64().unwrap() >= (e.value * 1e6).round() as i64);
    }
}
