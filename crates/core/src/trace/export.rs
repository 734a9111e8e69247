//! Export of loaded traces as OTLP/JSON (wire-formats.md §8: "export loaded traces back as
//! OTLP/JSON with hex ids and integer enums so any viewer can read them"), the format every
//! backend and viewer accepts, and which [`super::decode_traces`] reads back to the same spans.
//!
//! Contract: one `resourceSpans` entry per (trace, resource), spans in the trace's pre-order; ids
//! as zero-padded lower-case hex; times as decimal-string ns; `kind` and `status.code` as
//! integers; integer attributes as decimal strings (`intValue`), floats as numbers (non-finite
//! ones as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, as the proto3 JSON mapping says).
//! An orphan keeps the parent id it named. Events and links are kept; a span's parent edge of
//! type FOLLOWS_FROM is exported as a plain parent (OTLP has no reference types).

use serde_json::{json, Map, Value};

use super::ids::{span_id_hex, trace_id_hex};
use super::model::{Attr, AttrValue, SpanKind, SpanStatus, Trace};

fn kind_code(k: SpanKind) -> u8 {
    match k {
        SpanKind::Unspecified => 0,
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

fn status_code(s: SpanStatus) -> u8 {
    match s {
        SpanStatus::Unset => 0,
        SpanStatus::Ok => 1,
        SpanStatus::Error => 2,
    }
}

fn any_value(t: &Trace, v: AttrValue) -> Value {
    match v {
        AttrValue::Str(id) => json!({ "stringValue": t.str(id) }),
        AttrValue::Bool(b) => json!({ "boolValue": b }),
        AttrValue::Int(i) => json!({ "intValue": i.to_string() }),
        AttrValue::Float(f) if f.is_finite() => json!({ "doubleValue": f }),
        AttrValue::Float(f) if f.is_nan() => json!({ "doubleValue": "NaN" }),
        AttrValue::Float(f) if f > 0.0 => json!({ "doubleValue": "Infinity" }),
        AttrValue::Float(_) => json!({ "doubleValue": "-Infinity" }),
    }
}

fn attributes(t: &Trace, attrs: &[Attr]) -> Value {
    Value::Array(
        attrs
            .iter()
            .map(|a| json!({ "key": t.str(a.key), "value": any_value(t, a.value) }))
            .collect(),
    )
}

/// The traces as one OTLP/JSON `{"resourceSpans":[…]}` document.
pub fn to_otlp_json(traces: &[Trace]) -> String {
    let mut resource_spans: Vec<Value> = Vec::new();
    for t in traces {
        let trace_id = trace_id_hex(t.trace_id());
        // Spans grouped by resource, in order of first appearance.
        let mut groups: Vec<(u32, Vec<Value>)> = Vec::new();
        for s in t.spans() {
            let i = s.index() as usize;
            let resource = t.resource_of.get(i).copied().unwrap_or(0);
            let mut span = Map::new();
            span.insert("traceId".into(), json!(trace_id));
            span.insert("spanId".into(), json!(span_id_hex(s.span_id())));
            span.insert(
                "parentSpanId".into(),
                json!(s.parent_span_id().map(span_id_hex).unwrap_or_default()),
            );
            span.insert("name".into(), json!(s.operation()));
            span.insert("kind".into(), json!(kind_code(s.kind())));
            span.insert("startTimeUnixNano".into(), json!(s.start_ns().to_string()));
            span.insert("endTimeUnixNano".into(), json!(s.end_ns().to_string()));
            span.insert("attributes".into(), attributes(t, s.attributes()));
            let events: Vec<Value> = s
                .events()
                .iter()
                .map(|e| {
                    json!({ "timeUnixNano": e.time_ns.to_string(), "name": t.str(e.name),
                            "attributes": attributes(t, s.event_attributes(e)) })
                })
                .collect();
            span.insert("events".into(), Value::Array(events));
            let links: Vec<Value> = s
                .links()
                .iter()
                .map(|l| json!({ "traceId": trace_id_hex(l.trace_id), "spanId": span_id_hex(l.span_id) }))
                .collect();
            span.insert("links".into(), Value::Array(links));
            let mut status = Map::new();
            status.insert("code".into(), json!(status_code(s.status())));
            if !s.status_message().is_empty() {
                status.insert("message".into(), json!(s.status_message()));
            }
            span.insert("status".into(), Value::Object(status));
            match groups.iter_mut().find(|(r, _)| *r == resource) {
                Some((_, spans)) => spans.push(Value::Object(span)),
                None => groups.push((resource, vec![Value::Object(span)])),
            }
        }
        for (resource, spans) in groups {
            let res = t.resources.get(resource as usize);
            let attrs: &[Attr] = res
                .and_then(|r| {
                    t.resource_attrs
                        .get(r.attrs_start as usize..r.attrs_end as usize)
                })
                .unwrap_or(&[]);
            let service = res.map_or("", |r| t.str(r.service));
            let mut resource_attrs = attributes(t, attrs);
            if !attrs.iter().any(|a| t.str(a.key) == "service.name") {
                if let Value::Array(list) = &mut resource_attrs {
                    list.insert(
                        0,
                        json!({ "key": "service.name", "value": { "stringValue": service } }),
                    );
                }
            }
            resource_spans.push(json!({
                "resource": { "attributes": resource_attrs },
                "scopeSpans": [{ "scope": { "name": "sightline-export" }, "spans": spans }],
            }));
        }
    }
    json!({ "resourceSpans": resource_spans }).to_string()
}
