//! OTLP/JSON traces (wire-formats.md §6) and the shapes that embed them: plain `resourceSpans`
//! (files, collector exports), Jaeger `/api/v3` (`{"result":{"resourceSpans":…}}`, possibly
//! several streamed chunks), Tempo v1 (`batches`, base64 ids, enum names) and Tempo v2
//! (`{"trace":{…},"status":"PARTIAL"}`).
//!
//! Tolerances: `scopeSpans` or the older `instrumentationLibrarySpans`; ids in hex (any case,
//! leading zeros stripped or not) or base64; `kind` and `status.code` as integers or enum names;
//! 64-bit integers as strings or numbers; empty objects (`"resource": {}`, `"status": {}`); an
//! empty or all-zero `parentSpanId` means root. The service is the **resource** attribute
//! `service.name` (E35), `""` when absent. `end < start` gives duration 0 and a warning. OTel
//! links become [`Link`]s with [`RefType::FollowsFrom`] (OpenTracing's FOLLOWS_FROM maps to
//! links in OTel). Arrays and key-value lists in attributes are kept as text.

use std::collections::HashMap;

use serde::Deserialize;

use super::wire::{null_as_empty, opt_text, opt_u64, Scalar};
use crate::trace::builder::{EventInput, ResourceId, SpanInput, TraceBuilder, TraceWarning};
use crate::trace::decode::TraceSet;
use crate::trace::ids::{parse_span_id, parse_trace_id};
use crate::trace::model::{Attr, AttrValue, Link, RefType, SpanKind, SpanStatus};

/// A list of `ResourceSpans` (the body of `resourceSpans` / `batches`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResourceSpans {
    resource: OtlpResource,
    #[serde(
        rename = "scopeSpans",
        alias = "instrumentationLibrarySpans",
        deserialize_with = "null_as_empty"
    )]
    scope_spans: Vec<ScopeSpans>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtlpResource {
    #[serde(deserialize_with = "null_as_empty")]
    attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ScopeSpans {
    #[serde(deserialize_with = "null_as_empty")]
    spans: Vec<OtlpSpan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtlpSpan {
    #[serde(rename = "traceId", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(rename = "spanId", deserialize_with = "opt_text")]
    span_id: Option<String>,
    #[serde(rename = "parentSpanId", deserialize_with = "opt_text")]
    parent_span_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    name: Option<String>,
    kind: Scalar,
    #[serde(rename = "startTimeUnixNano", deserialize_with = "opt_u64")]
    start: Option<u64>,
    #[serde(rename = "endTimeUnixNano", deserialize_with = "opt_u64")]
    end: Option<u64>,
    #[serde(deserialize_with = "null_as_empty")]
    attributes: Vec<KeyValue>,
    #[serde(deserialize_with = "null_as_empty")]
    events: Vec<OtlpEvent>,
    #[serde(deserialize_with = "null_as_empty")]
    links: Vec<OtlpLink>,
    status: OtlpStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtlpEvent {
    #[serde(rename = "timeUnixNano", deserialize_with = "opt_u64")]
    time: Option<u64>,
    #[serde(deserialize_with = "opt_text")]
    name: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtlpLink {
    #[serde(rename = "traceId", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(rename = "spanId", deserialize_with = "opt_text")]
    span_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtlpStatus {
    code: Scalar,
    #[serde(deserialize_with = "opt_text")]
    message: Option<String>,
}

/// `{key, value: AnyValue}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct KeyValue {
    #[serde(deserialize_with = "opt_text")]
    key: Option<String>,
    value: AnyValue,
}

/// OTLP `AnyValue`: exactly one of its fields is set (none for an empty value).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnyValue {
    #[serde(rename = "stringValue")]
    string_value: Option<Scalar>,
    #[serde(rename = "boolValue")]
    bool_value: Option<Scalar>,
    #[serde(rename = "intValue")]
    int_value: Option<Scalar>,
    #[serde(rename = "doubleValue")]
    double_value: Option<Scalar>,
    #[serde(rename = "bytesValue")]
    bytes_value: Option<Scalar>,
    #[serde(rename = "arrayValue")]
    array_value: Option<serde_json::Value>,
    #[serde(rename = "kvlistValue")]
    kvlist_value: Option<serde_json::Value>,
}

/// The text of a nested `arrayValue` / `kvlistValue`: one level of scalars rendered plainly
/// (`[a, 1, true]`, `{k=v}`), deeper structure as compact JSON.
fn nested_text(v: &serde_json::Value, is_list: bool) -> String {
    let values = v.get("values").and_then(|x| x.as_array());
    let Some(values) = values else {
        return String::new();
    };
    let scalar = |item: &serde_json::Value| -> String {
        let Some(obj) = item.as_object() else {
            return item.to_string();
        };
        match obj.iter().next() {
            Some((_, serde_json::Value::String(s))) => s.clone(),
            Some((_, other)) if !other.is_object() && !other.is_array() => other.to_string(),
            _ => item.to_string(),
        }
    };
    let parts: Vec<String> = values
        .iter()
        .map(|item| {
            if is_list {
                let key = item.get("key").and_then(|k| k.as_str()).unwrap_or("");
                let value = item.get("value").map(&scalar).unwrap_or_default();
                format!("{key}={value}")
            } else {
                scalar(item)
            }
        })
        .collect();
    if is_list {
        format!("{{{}}}", parts.join(", "))
    } else {
        format!("[{}]", parts.join(", "))
    }
}

/// An `AnyValue` as one plain value (arrays, maps and bytes as text).
enum Plain {
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
}

fn plain(v: &AnyValue) -> Plain {
    if let Some(s) = &v.string_value {
        return Plain::Str(s.text());
    }
    if let Some(x) = &v.bool_value {
        return match x {
            Scalar::Bool(t) => Plain::Bool(*t),
            other => Plain::Bool(other.text().eq_ignore_ascii_case("true")),
        };
    }
    if let Some(i) = v.int_value.as_ref().and_then(Scalar::as_i64) {
        return Plain::Int(i);
    }
    let double = match &v.double_value {
        Some(Scalar::Float(f)) => Some(*f),
        Some(Scalar::Int(i)) => Some(*i as f64),
        Some(Scalar::UInt(u)) => Some(*u as f64),
        Some(Scalar::Str(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    if let Some(f) = double {
        return Plain::Float(f);
    }
    if let Some(bytes) = &v.bytes_value {
        return Plain::Str(bytes.text());
    }
    if let Some(a) = &v.array_value {
        return Plain::Str(nested_text(a, false));
    }
    if let Some(l) = &v.kvlist_value {
        return Plain::Str(nested_text(l, true));
    }
    Plain::Str(String::new())
}

fn any_value(b: &mut TraceBuilder, v: &AnyValue) -> AttrValue {
    match plain(v) {
        Plain::Str(s) => AttrValue::Str(b.intern(&s)),
        Plain::Bool(x) => AttrValue::Bool(x),
        Plain::Int(i) => AttrValue::Int(i),
        Plain::Float(f) => AttrValue::Float(f),
    }
}

impl KeyValue {
    /// The key (`""` when absent).
    pub(crate) fn key(&self) -> &str {
        self.key.as_deref().unwrap_or("")
    }

    /// The value as text (numbers in Rust's shortest round-trip form).
    pub(crate) fn value_text(&self) -> String {
        match plain(&self.value) {
            Plain::Str(s) => s,
            Plain::Bool(x) => x.to_string(),
            Plain::Int(i) => i.to_string(),
            Plain::Float(f) => f.to_string(),
        }
    }
}

/// Attributes of an OTLP key-value list (used for resources, spans and events).
pub(crate) fn attrs(b: &mut TraceBuilder, kvs: &[KeyValue]) -> Vec<Attr> {
    kvs.iter()
        .map(|kv| {
            let key = b.intern(kv.key.as_deref().unwrap_or(""));
            Attr {
                key,
                value: any_value(b, &kv.value),
            }
        })
        .collect()
}

fn kind_of(k: &Scalar) -> SpanKind {
    match k {
        Scalar::Int(_) | Scalar::UInt(_) => SpanKind::from_otlp(k.as_i64().unwrap_or(0)),
        other => SpanKind::parse(&other.text()),
    }
}

fn status_of(code: &Scalar) -> SpanStatus {
    let t = code.text();
    let t = t.trim();
    let t = t.strip_prefix("STATUS_CODE_").unwrap_or(t);
    match t.to_ascii_uppercase().as_str() {
        "1" | "OK" => SpanStatus::Ok,
        "2" | "ERROR" => SpanStatus::Error,
        _ => SpanStatus::Unset,
    }
}

/// Adds every span of `batches` to `set`. `partial` (Tempo v2 `PARTIAL`) is recorded on every
/// trace touched.
pub(crate) fn add_resource_spans(
    set: &mut TraceSet,
    batches: &[ResourceSpans],
    partial: Option<&str>,
) {
    for rs in batches {
        let service_text = rs
            .resource
            .attributes
            .iter()
            .find(|kv| kv.key.as_deref() == Some("service.name"))
            .and_then(|kv| kv.value.string_value.as_ref())
            .map(Scalar::text)
            .unwrap_or_default();
        let mut resources: HashMap<u128, ResourceId> = HashMap::new();
        for span in rs.scope_spans.iter().flat_map(|s| s.spans.iter()) {
            let Some(trace_id) = span.trace_id.as_deref().and_then(parse_trace_id) else {
                set.skipped_without_trace_id += 1;
                continue;
            };
            let b = set.builder(trace_id);
            let resource = *resources.entry(trace_id).or_insert_with(|| {
                let service = b.intern(&service_text);
                let resource_attrs = attrs(b, &rs.resource.attributes);
                if let Some(message) = partial {
                    b.warn(TraceWarning::Partial {
                        message: message.to_string(),
                    });
                }
                b.add_resource(service, &resource_attrs)
            });
            add_span(b, span, resource);
        }
    }
}

fn add_span(b: &mut TraceBuilder, span: &OtlpSpan, resource: ResourceId) {
    let Some(span_id) = span.span_id.as_deref().and_then(parse_span_id) else {
        b.warn(TraceWarning::SkippedSpans {
            count: 1,
            reason: "no valid span id",
        });
        return;
    };
    let start_ns = span.start.unwrap_or(0);
    let end_ns = span.end.unwrap_or(start_ns);
    if end_ns < start_ns {
        b.warn(TraceWarning::NegativeDurations { count: 1 });
    }
    let status = status_of(&span.status.code);
    let operation = b.intern(span.name.as_deref().unwrap_or(""));
    let status_message = b.intern(span.status.message.as_deref().unwrap_or(""));
    let span_attrs = attrs(b, &span.attributes);
    let events = span
        .events
        .iter()
        .map(|e| {
            let name = b.intern(e.name.as_deref().unwrap_or(""));
            EventInput {
                time_ns: e.time.unwrap_or(0),
                name,
                attrs: attrs(b, &e.attributes),
            }
        })
        .collect();
    let links = span
        .links
        .iter()
        .filter_map(|l| {
            Some(Link {
                trace_id: l.trace_id.as_deref().and_then(parse_trace_id)?,
                span_id: l.span_id.as_deref().and_then(parse_span_id)?,
                ref_type: RefType::FollowsFrom,
            })
        })
        .collect();
    b.add_span(SpanInput {
        span_id,
        parent_span_id: span.parent_span_id.as_deref().and_then(parse_span_id),
        ref_type: RefType::ChildOf,
        start_ns,
        duration_ns: end_ns.saturating_sub(start_ns),
        resource,
        operation,
        kind: kind_of(&span.kind),
        status,
        status_message,
        error_tag: false,
        attrs: span_attrs,
        events,
        links,
    });
}
