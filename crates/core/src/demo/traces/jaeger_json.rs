//! Jaeger's legacy JSON (`model/json/model.go` through `structuredResponse`) for the demo's
//! traces, listings and errors: the same shape a real Jaeger query service sends
//! (wire-formats.md §4.1), with µs times, 32-hex trace ids, 16-hex span ids, `processes` keyed by
//! `p1`, `p2`, … and typed tags (`string`, `bool`, `int64`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::shapes::{DemoSpan, DemoTrace, Kind};
use crate::demo::data::mix;

fn envelope(data: Value, total: usize) -> Vec<u8> {
    json!({"data": data, "total": total, "limit": 0, "offset": 0, "errors": null}).to_string().into_bytes()
}

/// `{"data":null,…,"errors":[{"code":…,"msg":…}]}`.
pub(super) fn error(status: u16, msg: &str) -> Vec<u8> {
    json!({"data": null, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": status, "msg": msg}]})
        .to_string()
        .into_bytes()
}

/// A list of names (services, operations).
pub(super) fn names(list: &[String]) -> Vec<u8> {
    envelope(json!(list), list.len())
}

/// Dependency links with call counts, ordered by (parent, child).
pub(super) fn dependencies(counts: &BTreeMap<(&'static str, &'static str), u64>) -> Vec<u8> {
    let links: Vec<Value> = counts.iter().map(|((p, c), n)| json!({"parent": p, "child": c, "callCount": n})).collect();
    let total = links.len();
    envelope(Value::Array(links), total)
}

pub(crate) fn span_id(k: i64, i: usize) -> String {
    format!("{:016x}", mix((k as u64) ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
}

/// A span's tag as text, for search filters: `span.kind`, `http.method`, `http.route`,
/// `http.status_code`, `error` (only on failed spans).
pub(super) fn tag_value(s: &DemoSpan, key: &str) -> Option<String> {
    match key {
        "span.kind" => Some(kind_name(s.kind).to_string()),
        "http.method" => Some(s.method.to_string()),
        "http.route" => Some(s.route.to_string()),
        "http.status_code" => Some(s.status.to_string()),
        "error" if s.error => Some("true".to_string()),
        _ => None,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Server => "server",
        Kind::Client => "client",
    }
}

/// Traces in Jaeger's envelope.
pub(super) fn traces(traces: &[DemoTrace]) -> Vec<u8> {
    let data: Vec<Value> = traces.iter().map(trace).collect();
    let total = data.len();
    envelope(Value::Array(data), total)
}

fn trace(t: &DemoTrace) -> Value {
    let id = t.trace_id.clone();
    let span_id = |i: usize| match (&t.root_span_id, i) {
        (Some(root), 0) => root.clone(),
        _ => span_id(t.slot, i),
    };
    let mut processes: BTreeMap<(&str, u8), String> = BTreeMap::new();
    for s in &t.spans {
        let n = processes.len() + 1;
        processes.entry((s.service, s.instance)).or_insert_with(|| format!("p{n}"));
    }
    let spans: Vec<Value> = t
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut tags = vec![
                json!({"key": "span.kind", "type": "string", "value": kind_name(s.kind)}),
                json!({"key": "http.method", "type": "string", "value": s.method}),
                json!({"key": "http.route", "type": "string", "value": s.route}),
                json!({"key": "http.status_code", "type": "int64", "value": s.status}),
            ];
            let mut logs = Vec::new();
            if s.error {
                tags.push(json!({"key": "error", "type": "bool", "value": true}));
                logs.push(json!({"timestamp": s.start_us + s.duration_us, "fields": [
                    {"key": "event", "type": "string", "value": "error"},
                    {"key": "message", "type": "string", "value": format!("{} {} answered {}", s.method, s.route, s.status)},
                ]}));
            }
            let references: Vec<Value> = s
                .parent
                .map(|p| vec![json!({"refType": "CHILD_OF", "traceID": id, "spanID": span_id(p)})])
                .unwrap_or_default();
            json!({
                "traceID": id,
                "spanID": span_id(i),
                "flags": 1,
                "operationName": s.operation(),
                "references": references,
                "startTime": s.start_us,
                "duration": s.duration_us,
                "tags": tags,
                "logs": logs,
                "processID": processes.get(&(s.service, s.instance)).cloned().unwrap_or_default(),
                "warnings": null,
            })
        })
        .collect();
    let procs: serde_json::Map<String, Value> = processes
        .iter()
        .map(|((service, inst), pid)| {
            (
                pid.clone(),
                json!({"serviceName": service, "tags": [{"key": "hostname", "type": "string", "value": format!("{service}-{inst}")}]}),
            )
        })
        .collect();
    json!({"traceID": id, "spans": spans, "processes": procs, "warnings": null})
}
