//! Jaeger query API, legacy JSON (wire-formats.md §4.1): traces (`{data:[trace…]}`, a bare trace
//! object, an array of traces — the shapes jaeger-ui's file loader accepts), `/api/services`,
//! `/api/services/{s}/operations` (and `/api/operations`, `/api/v3/operations`) and
//! `/api/dependencies`.
//!
//! Conversion rules:
//! - Times are **microseconds** (number or decimal string) → ns.
//! - Service = `processes[span.processID].serviceName` (or an embedded `span.process`).
//! - Parent = the first `CHILD_OF` reference within the trace, else the first `FOLLOWS_FROM`
//!   within the trace (edge marked [`RefType::FollowsFrom`]), else the first reference at all
//!   (a parent outside the trace makes the span an orphan). Every other reference becomes a
//!   [`Link`]. Without references, a `parentSpanID` field is used when present.
//! - Kind from the `span.kind` tag; error from the `error` tag (`true` or `"true"`) or
//!   `otel.status_code = ERROR`; status message from `otel.status_description`. All tags stay
//!   attributes, typed by their declared `type` (`int64` strings become integers).
//! - Logs become events named by their `event` field; span and trace `warnings` are collapsed
//!   into one [`TraceWarning::Backend`] per distinct message.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::wire::{null_as_empty, opt_text, opt_u64, Scalar};
use crate::trace::builder::{EventInput, ResourceId, SpanInput, TraceBuilder, TraceWarning};
use crate::trace::decode::{json_error, TraceError, TraceSet};
use crate::trace::ids::{parse_span_id, parse_trace_id};
use crate::trace::model::{Attr, AttrValue, Link, RefType, SpanKind, SpanStatus};

/// One Jaeger trace object (`{traceID, spans, processes, warnings}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JaegerTrace {
    #[serde(rename = "traceID", deserialize_with = "opt_text")]
    pub trace_id: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    pub spans: Vec<JaegerSpan>,
    #[serde(deserialize_with = "null_as_empty_map")]
    pub processes: BTreeMap<String, JaegerProcess>,
    #[serde(deserialize_with = "null_as_empty")]
    pub warnings: Vec<String>,
}

pub(crate) fn null_as_empty_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, JaegerProcess>, D::Error> {
    Ok(Option::<BTreeMap<String, JaegerProcess>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JaegerSpan {
    #[serde(rename = "traceID", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(rename = "spanID", deserialize_with = "opt_text")]
    span_id: Option<String>,
    #[serde(rename = "parentSpanID", deserialize_with = "opt_text")]
    parent_span_id: Option<String>,
    #[serde(rename = "operationName", deserialize_with = "opt_text")]
    operation_name: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    references: Vec<JaegerRef>,
    #[serde(rename = "startTime", deserialize_with = "opt_u64")]
    start_time: Option<u64>,
    #[serde(deserialize_with = "opt_u64")]
    duration: Option<u64>,
    #[serde(deserialize_with = "null_as_empty")]
    tags: Vec<JaegerKv>,
    #[serde(deserialize_with = "null_as_empty")]
    logs: Vec<JaegerLog>,
    #[serde(rename = "processID", deserialize_with = "opt_text")]
    process_id: Option<String>,
    process: Option<JaegerProcess>,
    #[serde(deserialize_with = "null_as_empty")]
    warnings: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JaegerRef {
    #[serde(rename = "refType", deserialize_with = "opt_text")]
    ref_type: Option<String>,
    #[serde(rename = "traceID", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(rename = "spanID", deserialize_with = "opt_text")]
    span_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JaegerKv {
    #[serde(deserialize_with = "opt_text")]
    key: Option<String>,
    #[serde(rename = "type", deserialize_with = "opt_text")]
    value_type: Option<String>,
    value: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JaegerLog {
    #[serde(deserialize_with = "opt_u64")]
    timestamp: Option<u64>,
    #[serde(deserialize_with = "null_as_empty")]
    fields: Vec<JaegerKv>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JaegerProcess {
    #[serde(rename = "serviceName", deserialize_with = "opt_text")]
    service_name: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    tags: Vec<JaegerKv>,
}

fn us_to_ns(us: Option<u64>) -> u64 {
    us.unwrap_or(0).saturating_mul(1000)
}

/// A Jaeger tag as a typed attribute, by its declared `type` first, then by its JSON type.
fn kv_attr(b: &mut TraceBuilder, kv: &JaegerKv) -> Attr {
    let key = b.intern(kv.key.as_deref().unwrap_or(""));
    let declared = match kv.value_type.as_deref().unwrap_or("") {
        t if t.eq_ignore_ascii_case("int64") => "int64",
        t if t.eq_ignore_ascii_case("float64") => "float64",
        t if t.eq_ignore_ascii_case("bool") => "bool",
        _ => "",
    };
    let value = match (declared, &kv.value) {
        ("int64", v) if v.as_i64().is_some() => AttrValue::Int(v.as_i64().unwrap_or(0)),
        ("float64", Scalar::Float(f)) => AttrValue::Float(*f),
        ("float64", Scalar::Int(i)) => AttrValue::Float(*i as f64),
        ("float64", Scalar::UInt(u)) => AttrValue::Float(*u as f64),
        ("float64", Scalar::Str(s)) if s.trim().parse::<f64>().is_ok() => {
            AttrValue::Float(s.trim().parse().unwrap_or(0.0))
        }
        ("bool", Scalar::Str(s))
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
        {
            AttrValue::Bool(s.eq_ignore_ascii_case("true"))
        }
        (_, Scalar::Bool(v)) => AttrValue::Bool(*v),
        (_, Scalar::Int(i)) => AttrValue::Int(*i),
        (_, Scalar::UInt(u)) => {
            i64::try_from(*u).map_or_else(|_| AttrValue::Float(*u as f64), AttrValue::Int)
        }
        (_, Scalar::Float(f)) => AttrValue::Float(*f),
        (_, Scalar::Str(s)) => AttrValue::Str(b.intern(s)),
        (_, other) => AttrValue::Str(b.intern(&other.text())),
    };
    Attr { key, value }
}

fn is_true(v: &Scalar) -> bool {
    match v {
        Scalar::Bool(b) => *b,
        Scalar::Str(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Adds one Jaeger trace object to `set` (merging with spans of the same trace id already there).
pub(crate) fn add_trace(set: &mut TraceSet, trace: JaegerTrace) {
    let id = trace
        .trace_id
        .as_deref()
        .and_then(parse_trace_id)
        .or_else(|| {
            trace
                .spans
                .iter()
                .find_map(|s| s.trace_id.as_deref().and_then(parse_trace_id))
        });
    let Some(trace_id) = id else {
        set.skipped_without_trace_id += trace.spans.len();
        return;
    };
    let b = set.builder(trace_id);
    let mut resources: BTreeMap<&str, ResourceId> = BTreeMap::new();
    for (pid, process) in &trace.processes {
        let r = add_process(b, process);
        resources.insert(pid.as_str(), r);
    }
    let mut fallback: Option<ResourceId> = None;
    for message in &trace.warnings {
        b.warn(TraceWarning::Backend {
            message: message.clone(),
            count: 1,
        });
    }
    for span in &trace.spans {
        let resource = match (
            &span.process,
            span.process_id.as_deref().and_then(|p| resources.get(p)),
        ) {
            (_, Some(&r)) => r,
            (Some(p), None) => add_process(b, p),
            (None, None) => *fallback.get_or_insert_with(|| {
                let empty = b.intern("");
                b.add_resource(empty, &[])
            }),
        };
        add_span(b, trace_id, span, resource);
    }
}

fn add_process(b: &mut TraceBuilder, p: &JaegerProcess) -> ResourceId {
    let service = b.intern(p.service_name.as_deref().unwrap_or(""));
    let attrs: Vec<Attr> = p.tags.iter().map(|kv| kv_attr(b, kv)).collect();
    b.add_resource(service, &attrs)
}

fn add_span(b: &mut TraceBuilder, trace_id: u128, span: &JaegerSpan, resource: ResourceId) {
    let Some(span_id) = span.span_id.as_deref().and_then(parse_span_id) else {
        b.warn(TraceWarning::SkippedSpans {
            count: 1,
            reason: "no valid span id",
        });
        return;
    };
    let refs: Vec<Link> = span
        .references
        .iter()
        .filter_map(|r| {
            let span_id = r.span_id.as_deref().and_then(parse_span_id)?;
            let ref_trace = r
                .trace_id
                .as_deref()
                .and_then(parse_trace_id)
                .unwrap_or(trace_id);
            let ref_type = match r.ref_type.as_deref() {
                Some(t) if t.eq_ignore_ascii_case("FOLLOWS_FROM") => RefType::FollowsFrom,
                _ => RefType::ChildOf,
            };
            Some(Link {
                trace_id: ref_trace,
                span_id,
                ref_type,
            })
        })
        .collect();
    let in_trace = |l: &&Link, t: RefType| l.trace_id == trace_id && l.ref_type == t;
    let parent_pos = refs
        .iter()
        .position(|l| in_trace(&l, RefType::ChildOf))
        .or_else(|| refs.iter().position(|l| in_trace(&l, RefType::FollowsFrom)))
        .or(if refs.is_empty() { None } else { Some(0) });
    let (parent_span_id, ref_type) = match parent_pos.and_then(|p| refs.get(p)) {
        Some(l) => (Some(l.span_id), l.ref_type),
        None => (
            span.parent_span_id.as_deref().and_then(parse_span_id),
            RefType::ChildOf,
        ),
    };
    let links: Vec<Link> = refs
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != parent_pos)
        .map(|(_, l)| *l)
        .collect();
    let mut kind = SpanKind::Unspecified;
    let mut error_tag = false;
    let mut status = SpanStatus::Unset;
    let mut status_message = None;
    for kv in &span.tags {
        match kv.key.as_deref() {
            Some("span.kind") => {
                kind = match &kv.value {
                    Scalar::Str(s) => SpanKind::parse(s),
                    other => SpanKind::parse(&other.text()),
                }
            }
            Some("error") => error_tag |= is_true(&kv.value),
            Some("otel.status_code") => {
                let t = kv.value.text();
                if t.eq_ignore_ascii_case("ERROR") {
                    status = SpanStatus::Error;
                } else if t.eq_ignore_ascii_case("OK") {
                    status = SpanStatus::Ok;
                }
            }
            Some("otel.status_description") => status_message = Some(kv.value.text()),
            _ => {}
        }
    }
    if error_tag && status == SpanStatus::Unset {
        status = SpanStatus::Error;
    }
    let attrs: Vec<Attr> = span.tags.iter().map(|kv| kv_attr(b, kv)).collect();
    let events: Vec<EventInput> = span
        .logs
        .iter()
        .map(|log| {
            let name_text = log
                .fields
                .iter()
                .find(|f| f.key.as_deref() == Some("event"))
                .map(|f| f.value.text());
            let name = b.intern(name_text.as_deref().unwrap_or(""));
            let attrs = log.fields.iter().map(|kv| kv_attr(b, kv)).collect();
            EventInput {
                time_ns: us_to_ns(log.timestamp),
                name,
                attrs,
            }
        })
        .collect();
    for message in &span.warnings {
        b.warn(TraceWarning::Backend {
            message: message.clone(),
            count: 1,
        });
    }
    let operation = b.intern(span.operation_name.as_deref().unwrap_or(""));
    let status_message = b.intern(status_message.as_deref().unwrap_or(""));
    b.add_span(SpanInput {
        span_id,
        parent_span_id,
        ref_type,
        start_ns: us_to_ns(span.start_time),
        duration_ns: us_to_ns(span.duration),
        resource,
        operation,
        kind,
        status,
        status_message,
        error_tag,
        attrs,
        events,
        links,
    });
}

/// An entry of Jaeger's `errors` array.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JaegerApiError {
    #[serde(deserialize_with = "super::wire::opt_i64")]
    pub code: Option<i64>,
    #[serde(deserialize_with = "opt_text")]
    pub msg: Option<String>,
}

/// The first API error of a Jaeger envelope as a [`TraceError::Api`], if any.
pub(crate) fn api_error(errors: &[JaegerApiError]) -> Option<TraceError> {
    let first = errors.first()?;
    let mut message = first.msg.clone().unwrap_or_default();
    if errors.len() > 1 {
        message.push_str(&format!(" (and {} more error(s))", errors.len() - 1));
    }
    Some(TraceError::Api {
        code: first.code,
        message,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListEnvelope {
    data: Option<Vec<OperationItem>>,
    services: Option<Vec<String>>,
    operations: Option<Vec<OperationItem>>,
    #[serde(deserialize_with = "null_as_empty")]
    errors: Vec<JaegerApiError>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OperationItem {
    Name(String),
    Full {
        name: String,
        #[serde(rename = "spanKind", default, deserialize_with = "opt_text")]
        span_kind: Option<String>,
    },
}

fn decode_list(bytes: &[u8]) -> Result<Vec<OperationItem>, TraceError> {
    let env: ListEnvelope = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    if let Some(e) = api_error(&env.errors) {
        return Err(e);
    }
    if let Some(services) = env.services {
        return Ok(services.into_iter().map(OperationItem::Name).collect());
    }
    env.data.or(env.operations).ok_or(TraceError::UnknownShape {
        detail: "expected a Jaeger list response with a \"data\" array".to_string(),
    })
}

/// Decodes `/api/services` (`{"data":["a","b"]}`) or `/api/v3/services` (`{"services":[…]}`):
/// the service names, sorted and deduplicated.
pub fn decode_services(bytes: &[u8]) -> Result<Vec<String>, TraceError> {
    let mut out: Vec<String> = decode_list(bytes)?
        .into_iter()
        .map(|item| match item {
            OperationItem::Name(n) | OperationItem::Full { name: n, .. } => n,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// An operation of a service, with its span kind when the endpoint reports it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Operation {
    pub name: String,
    /// `None` when the endpoint lists names only (`/api/services/{s}/operations`) or sends an
    /// empty kind.
    pub span_kind: Option<SpanKind>,
}

/// Decodes `/api/services/{s}/operations` (names), `/api/operations?service=…` (`{name,
/// spanKind}` objects) or `/api/v3/operations` (`{"operations":[…]}`), sorted by name then kind,
/// deduplicated.
pub fn decode_operations(bytes: &[u8]) -> Result<Vec<Operation>, TraceError> {
    let mut out: Vec<Operation> = decode_list(bytes)?
        .into_iter()
        .map(|item| match item {
            OperationItem::Name(name) => Operation {
                name,
                span_kind: None,
            },
            OperationItem::Full { name, span_kind } => Operation {
                name,
                span_kind: span_kind
                    .filter(|k| !k.trim().is_empty())
                    .map(|k| SpanKind::parse(&k)),
            },
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// One edge of Jaeger's dependency graph: `parent` calls `child` `call_count` times.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct Dependency {
    pub parent: String,
    pub child: String,
    #[serde(rename = "callCount", default)]
    pub call_count: u64,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DependenciesDoc {
    Bare(Vec<Dependency>),
    Envelope {
        #[serde(default, deserialize_with = "null_as_empty")]
        data: Vec<Dependency>,
        #[serde(default, deserialize_with = "null_as_empty")]
        errors: Vec<JaegerApiError>,
    },
}

/// Decodes `/api/dependencies` (`{"data":[{parent, child, callCount}]}`, or the bare array
/// jaeger-ui keeps as sample data), sorted by (parent, child).
pub fn decode_dependencies(bytes: &[u8]) -> Result<Vec<Dependency>, TraceError> {
    let doc: DependenciesDoc = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    let mut deps = match doc {
        DependenciesDoc::Bare(d) => d,
        DependenciesDoc::Envelope { data, errors } => {
            if let Some(e) = api_error(&errors) {
                return Err(e);
            }
            data
        }
    };
    deps.sort();
    Ok(deps)
}
