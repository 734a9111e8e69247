//! The one entry point for trace bytes: [`decode_traces`] sniffs the format from the top-level
//! keys (wire-formats.md §8), decodes every JSON document in the body (one, several
//! concatenated, or one per line — NDJSON), merges spans of the same trace id across documents,
//! and builds one [`Trace`] per trace id, in order of first appearance.
//!
//! Errors are values: malformed JSON is a [`TraceError::Json`] with line and column, a backend's
//! error envelope a [`TraceError::Api`], a JSON document that holds no traces a
//! [`TraceError::UnknownShape`] naming what was found. An empty result (`{"data":[]}`) is not an
//! error: it decodes to no traces with a warning.

use std::collections::HashMap;
use std::fmt;

use std::collections::BTreeMap;

use serde::de::{value::MapAccessDeserializer, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::builder::TraceBuilder;
use super::formats::jaeger::{
    self, null_as_empty_map, JaegerApiError, JaegerProcess, JaegerSpan, JaegerTrace,
};
use super::formats::wire::{null_as_empty, opt_text, OneOrMany};
use super::model::Trace;

/// The format a body was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceFormat {
    /// Jaeger query API JSON: `{data:[trace…]}`, a bare trace object or an array of traces.
    JaegerJson,
}

impl TraceFormat {
    /// The name shown to the user ("Detected: …").
    pub fn label(self) -> &'static str {
        match self {
            TraceFormat::JaegerJson => "Jaeger JSON",
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
    Object(Box<ObjectDoc>),
    Array(Vec<ArrayItem>),
}

/// Every top-level key the trace formats use; which ones are present decides the format.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ObjectDoc {
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
}

/// An element of a top-level array.
enum ArrayItem {
    Object(Box<ObjectDoc>),
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
                Ok(Doc::Object(Box::new(ObjectDoc::deserialize(
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
                f.write_str("a trace object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ArrayItem, A::Error> {
                Ok(ArrayItem::Object(Box::new(ObjectDoc::deserialize(
                    MapAccessDeserializer::new(map),
                )?)))
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
    for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<Doc>() {
        let doc = doc.map_err(|e| json_error(&e))?;
        documents += 1;
        let f = match doc {
            Doc::Object(o) => add_object(&mut set, *o)?,
            Doc::Array(items) => {
                let mut f = None;
                for ArrayItem::Object(o) in items {
                    f = f.or(Some(add_object(&mut set, *o)?));
                }
                f.unwrap_or(TraceFormat::JaegerJson)
            }
        };
        format.get_or_insert(f);
    }
    let mut warnings = Vec::new();
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

fn add_object(set: &mut TraceSet, o: ObjectDoc) -> Result<TraceFormat, TraceError> {
    let has_data = o.data.as_ref().is_some_and(|d| !d.0.is_empty());
    if let Some(e) = jaeger::api_error(&o.errors).filter(|_| !has_data) {
        return Err(e);
    }
    if let Some(OneOrMany(traces)) = o.data {
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
    Err(TraceError::UnknownShape {
        detail: "expected Jaeger JSON (\"data\" or \"traceID\" + \"spans\")".to_string(),
    })
}
