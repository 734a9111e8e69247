//! The one entry point for trace bytes: [`decode_traces`] sniffs the format from the top-level
//! keys (wire-formats.md §8), decodes every JSON document in the body (one, several
//! concatenated — Jaeger v3's streamed chunks —, or one per line — NDJSON), merges spans of the
//! same trace id across documents, and builds one [`Trace`] per trace id, in order of first
//! appearance.
//!
//! Sniffing, per JSON document (an array: per element):
//! `resourceSpans` → OTLP/JSON; `result.resourceSpans` → Jaeger API v3; `batches` → Tempo v1;
//! `trace` (+ `status`, `PARTIAL` becomes a trace warning) → Tempo v2; `{}` → Tempo's empty
//! trace; `data` → Jaeger query API; `traceID` + `spans` → a Jaeger trace; `traceId` + `id` →
//! Zipkin v2 spans (an array of arrays: several Zipkin traces). A Tempo search result, a
//! Prometheus/Loki response or anything else is a [`TraceError::UnknownShape`] saying what it
//! is.
//!
//! Errors are values: malformed JSON is a [`TraceError::Json`] with line and column, a backend's
//! error envelope a [`TraceError::Api`], a JSON document that holds no traces a
//! [`TraceError::UnknownShape`] naming what was found. An empty result (`{"data":[]}`) is not an
//! error: it decodes to no traces with a warning.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::de::{
    value::MapAccessDeserializer, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;

use super::builder::TraceBuilder;
use super::formats::jaeger::{
    self, null_as_empty_map, JaegerApiError, JaegerProcess, JaegerSpan, JaegerTrace,
};
use super::formats::otlp::{self, ResourceSpans};
use super::formats::wire::{null_as_empty, opt_i64, opt_text, OneOrMany, Scalar};
use super::formats::zipkin::{self, ZipkinSpan};
use super::model::Trace;

/// The format a body was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceFormat {
    /// Jaeger query API JSON: `{data:[trace…]}`, a bare trace object or an array of traces.
    JaegerJson,
    /// Jaeger API v3: OTLP/JSON in `{"result":…}` chunks.
    JaegerV3,
    /// OTLP/JSON `{"resourceSpans":…}` (files, collector exports).
    OtlpJson,
    /// Tempo `/api/traces/{id}` v1: `{"batches":…}` (also its empty answer `{}`).
    TempoV1,
    /// Tempo `/api/v2/traces/{id}`: `{"trace":{…},"status":…}`.
    TempoV2,
    /// Zipkin v2 span arrays.
    ZipkinV2,
}

impl TraceFormat {
    /// The name shown to the user ("Detected: …").
    pub fn label(self) -> &'static str {
        match self {
            TraceFormat::JaegerJson => "Jaeger JSON",
            TraceFormat::JaegerV3 => "Jaeger API v3 (OTLP)",
            TraceFormat::OtlpJson => "OTLP/JSON",
            TraceFormat::TempoV1 => "Tempo (batches)",
            TraceFormat::TempoV2 => "Tempo v2",
            TraceFormat::ZipkinV2 => "Zipkin v2",
        }
    }
}

/// Why trace bytes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceError {
    /// The body is not valid JSON (or a value has an impossible type) at `line`:`column`
    /// (1-based; 0 when unknown).
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    /// The backend answered with an error envelope (Jaeger `errors[]`).
    Api { code: Option<i64>, message: String },
    /// The body is JSON but holds no traces in a known format.
    UnknownShape { detail: String },
    /// The body is empty.
    Empty,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::Json {
                message,
                line,
                column,
            } => {
                write!(
                    f,
                    "not valid trace JSON at line {line}, column {column}: {message}"
                )
            }
            TraceError::Api {
                code: Some(code),
                message,
            } => write!(f, "the backend answered with error {code}: {message}"),
            TraceError::Api {
                code: None,
                message,
            } => write!(f, "the backend answered with an error: {message}"),
            TraceError::UnknownShape { detail } => {
                write!(f, "no traces in a known format: {detail}")
            }
            TraceError::Empty => f.write_str("the response is empty"),
        }
    }
}

impl std::error::Error for TraceError {}

/// A serde error as a [`TraceError::Json`].
pub(crate) fn json_error(e: &serde_json::Error) -> TraceError {
    TraceError::Json {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    }
}

/// The traces of a body and what was recognised.
#[derive(Clone, Debug)]
pub struct DecodedTraces {
    /// One per trace id, in order of first appearance.
    pub traces: Vec<Trace>,
    /// The format of the (first) document.
    pub format: TraceFormat,
    /// How many JSON documents the body held (more than 1: NDJSON or concatenated chunks).
    pub documents: usize,
    /// Body-level notes for the user (no traces found, spans without a trace id …); per-trace
    /// warnings are on each [`Trace`].
    pub warnings: Vec<String>,
}

/// Spans being collected, grouped by trace id.
#[derive(Debug, Default)]
pub(crate) struct TraceSet {
    builders: Vec<TraceBuilder>,
    index: HashMap<u128, usize>,
    pub(crate) skipped_without_trace_id: usize,
    /// Body-level notes (errors a backend sent beside data).
    pub(crate) notes: Vec<String>,
}

impl TraceSet {
    /// The builder of trace `id` (created on first use).
    pub(crate) fn builder(&mut self, id: u128) -> &mut TraceBuilder {
        let next = self.builders.len();
        let i = *self.index.entry(id).or_insert(next);
        if i == next {
            self.builders.push(TraceBuilder::new(id));
        }
        let last = self.builders.len() - 1;
        let i = i.min(last);
        &mut self.builders[i]
    }

    fn finish(self) -> Vec<Trace> {
        self.builders.into_iter().map(TraceBuilder::build).collect()
    }
}

/// A top-level JSON document: an object or an array.
enum Doc {
    Object(Box<AnyObject>),
    Array(Vec<ArrayItem>),
}

/// Every key the trace formats use at the top level or in an array element; which ones are
/// present decides the format. Zipkin's span keys are flattened in (only they are buffered).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnyObject {
    data: Option<OneOrMany<JaegerTrace>>,
    #[serde(deserialize_with = "null_as_empty")]
    errors: Vec<JaegerApiError>,
    #[serde(rename = "traceID", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(deserialize_with = "null_as_empty")]
    spans: Vec<JaegerSpan>,
    #[serde(deserialize_with = "null_as_empty_map")]
    processes: BTreeMap<String, JaegerProcess>,
    #[serde(deserialize_with = "null_as_empty")]
    warnings: Vec<String>,
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<Vec<ResourceSpans>>,
    batches: Option<Vec<ResourceSpans>>,
    trace: Option<TraceBody>,
    result: Option<TraceBody>,
    status: Option<Scalar>,
    #[serde(deserialize_with = "opt_text")]
    message: Option<String>,
    error: Option<ApiErrorBody>,
    traces: Option<IgnoredAny>,
    #[serde(flatten)]
    zipkin: ZipkinSpan,
}

/// `{resourceSpans|batches: […]}` inside Tempo v2's `trace` or Jaeger v3's `result`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TraceBody {
    #[serde(
        rename = "resourceSpans",
        alias = "batches",
        deserialize_with = "null_as_empty"
    )]
    resource_spans: Vec<ResourceSpans>,
}

/// gRPC-gateway error (Jaeger v3): `{"error":{"httpCode":404,"message":"…"}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiErrorBody {
    #[serde(rename = "httpCode", alias = "code", deserialize_with = "opt_i64")]
    code: Option<i64>,
    #[serde(deserialize_with = "opt_text")]
    message: Option<String>,
}

/// An element of a top-level array.
enum ArrayItem {
    Object(Box<AnyObject>),
    /// A Zipkin trace (array of spans) inside an array of traces.
    Spans(Vec<ZipkinSpan>),
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Doc;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object or array of traces")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Doc, A::Error> {
                Ok(Doc::Object(Box::new(AnyObject::deserialize(
                    MapAccessDeserializer::new(map),
                )?)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Doc::Array(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ArrayItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ArrayItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a trace object, a span object or an array of spans")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ArrayItem, A::Error> {
                Ok(ArrayItem::Object(Box::new(AnyObject::deserialize(
                    MapAccessDeserializer::new(map),
                )?)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ArrayItem, A::Error> {
                let mut spans = Vec::new();
                while let Some(span) = seq.next_element()? {
                    spans.push(span);
                }
                Ok(ArrayItem::Spans(spans))
            }
        }
        d.deserialize_any(V)
    }
}

/// Decodes trace bytes of any supported format (see the module doc).
pub fn decode_traces(bytes: &[u8]) -> Result<DecodedTraces, TraceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(TraceError::Empty);
    }
    let mut set = TraceSet::default();
    let mut format: Option<TraceFormat> = None;
    let mut documents = 0usize;
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Doc>();
    let mut doc_start = 0usize;
    while let Some(doc) = stream.next() {
        let doc = doc.map_err(|e| json_error(&e))?;
        let doc_end = stream.byte_offset();
        let raw = bytes.get(doc_start..doc_end).unwrap_or(&[]);
        doc_start = doc_end;
        documents += 1;
        let f = match doc {
            Doc::Object(o) => add_object(&mut set, *o, raw)?,
            Doc::Array(items) => add_array(&mut set, items)?,
        };
        format.get_or_insert(f);
    }
    let mut warnings = std::mem::take(&mut set.notes);
    if set.skipped_without_trace_id > 0 {
        warnings.push(format!(
            "{} span(s) without a valid trace id were skipped",
            set.skipped_without_trace_id
        ));
    }
    let traces = set.finish();
    if traces.is_empty() {
        warnings.push("No traces found".to_string());
    }
    Ok(DecodedTraces {
        traces,
        format: format.unwrap_or(TraceFormat::JaegerJson),
        documents,
        warnings,
    })
}

/// Adds the elements of a top-level array: Jaeger traces, OTLP documents, Zipkin spans or Zipkin
/// traces (arrays of spans). An empty array is Jaeger's empty list.
fn add_array(set: &mut TraceSet, items: Vec<ArrayItem>) -> Result<TraceFormat, TraceError> {
    let mut format = None;
    let mut zipkin: Vec<ZipkinSpan> = Vec::new();
    for item in items {
        let f = match item {
            ArrayItem::Spans(spans) => {
                zipkin.extend(spans);
                TraceFormat::ZipkinV2
            }
            ArrayItem::Object(o) if o.zipkin.looks_like_span() && o.trace_id.is_none() => {
                zipkin.push(o.zipkin);
                TraceFormat::ZipkinV2
            }
            ArrayItem::Object(o) => add_object(set, *o, b"")?,
        };
        format.get_or_insert(f);
    }
    zipkin::add_spans(set, &zipkin);
    Ok(format.unwrap_or(TraceFormat::JaegerJson))
}

/// Adds one JSON object (see the module doc for the sniffing order). `raw` is its text, used
/// only to recognise `{}`.
fn add_object(set: &mut TraceSet, o: AnyObject, raw: &[u8]) -> Result<TraceFormat, TraceError> {
    if let Some(e) = o.error {
        return Err(TraceError::Api {
            code: e.code,
            message: e.message.unwrap_or_default(),
        });
    }
    let has_data = o.data.as_ref().is_some_and(|d| !d.0.is_empty());
    match jaeger::api_error(&o.errors) {
        Some(e) if !has_data => return Err(e),
        // Jaeger answers a multi-id lookup with the traces it found and an error per missing one.
        Some(e) => set.notes.push(format!("the backend also reported: {e}")),
        None => {}
    }
    if let Some(batches) = o.resource_spans {
        otlp::add_resource_spans(set, &batches, None);
        return Ok(TraceFormat::OtlpJson);
    }
    if let Some(result) = o.result {
        otlp::add_resource_spans(set, &result.resource_spans, None);
        return Ok(TraceFormat::JaegerV3);
    }
    if let Some(batches) = o.batches {
        otlp::add_resource_spans(set, &batches, None);
        return Ok(TraceFormat::TempoV1);
    }
    if let Some(trace) = o.trace {
        let status = o.status.as_ref().map(Scalar::text).unwrap_or_default();
        let partial = status
            .eq_ignore_ascii_case("PARTIAL")
            .then(|| o.message.clone().unwrap_or_default());
        otlp::add_resource_spans(set, &trace.resource_spans, partial.as_deref());
        return Ok(TraceFormat::TempoV2);
    }
    if let Some(OneOrMany(traces)) = o.data {
        let all_empty = traces
            .iter()
            .all(|t| t.trace_id.is_none() && t.spans.is_empty());
        if all_empty && !traces.is_empty() && o.status.is_some() {
            return Err(TraceError::UnknownShape {
                detail:
                    "this is a Prometheus or Loki API response (\"status\" + \"data\"), not traces"
                        .to_string(),
            });
        }
        for t in traces {
            jaeger::add_trace(set, t);
        }
        return Ok(TraceFormat::JaegerJson);
    }
    if o.trace_id.is_some() || !o.spans.is_empty() {
        let trace = JaegerTrace {
            trace_id: o.trace_id,
            spans: o.spans,
            processes: o.processes,
            warnings: o.warnings,
        };
        jaeger::add_trace(set, trace);
        return Ok(TraceFormat::JaegerJson);
    }
    if o.zipkin.looks_like_span() {
        zipkin::add_spans(set, std::slice::from_ref(&o.zipkin));
        return Ok(TraceFormat::ZipkinV2);
    }
    if o.traces.is_some() {
        return Err(TraceError::UnknownShape {
            detail: "this is a Tempo search result (trace summaries); fetch each trace by id"
                .to_string(),
        });
    }
    if !raw.is_empty() && !raw.contains(&b':') {
        return Ok(TraceFormat::TempoV1); // `{}`: Tempo's answer for a trace it does not have
    }
    Err(TraceError::UnknownShape {
        detail: "expected OTLP \"resourceSpans\", Tempo \"batches\"/\"trace\", Jaeger \"data\"/\"traceID\" or Zipkin spans".to_string(),
    })
}
