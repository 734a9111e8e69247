//! Tempo search results (`GET /api/search`, wire-formats.md §5.3): trace summaries with the spans
//! each TraceQL spanset matched — not traces (fetch each trace by id and decode it with
//! [`crate::trace::decode_traces`], which reads Tempo's `batches` and v2 `trace` bodies).
//!
//! Tolerances: the older single `spanSet` and the newer `spanSets` (matched spans deduplicated by
//! id, in order of appearance); ids whose leading zeros were stripped (left-padded); 64-bit
//! numbers as strings or numbers; `durationMs` absent (sub-millisecond traces) → `None`.

use serde::Deserialize;

use super::otlp::KeyValue;
use super::wire::{null_as_empty, opt_text, opt_u64};
use crate::trace::decode::{json_error, TraceError};
use crate::trace::ids::{parse_span_id, parse_trace_id};

/// One trace of a search result.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSummary {
    pub trace_id: u128,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: u64,
    /// Whole milliseconds as Tempo reports them, in ns; `None` when Tempo left it out.
    pub duration_ns: Option<u64>,
    /// Spans matched by the query, deduplicated by span id.
    pub matched: Vec<MatchedSpan>,
    /// Total matched spans as Tempo counts them (may exceed `matched.len()`: `spss` limits them).
    pub matched_total: u64,
}

/// A span that matched a TraceQL spanset.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchedSpan {
    pub span_id: u64,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Attributes as (key, text) in the order sent.
    pub attributes: Vec<(String, String)>,
}

/// A decoded `/api/search` answer.
#[derive(Clone, Debug, PartialEq)]
pub struct TempoSearch {
    /// In the order Tempo sent them.
    pub traces: Vec<TraceSummary>,
    pub inspected_traces: Option<u64>,
    pub inspected_bytes: Option<u64>,
    /// Traces skipped because their id was not valid.
    pub skipped: usize,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchDoc {
    traces: Option<Vec<SearchTrace>>,
    metrics: SearchMetrics,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchMetrics {
    #[serde(rename = "inspectedTraces", deserialize_with = "opt_u64")]
    inspected_traces: Option<u64>,
    #[serde(rename = "inspectedBytes", deserialize_with = "opt_u64")]
    inspected_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchTrace {
    #[serde(rename = "traceID", deserialize_with = "opt_text")]
    trace_id: Option<String>,
    #[serde(rename = "rootServiceName", deserialize_with = "opt_text")]
    root_service: Option<String>,
    #[serde(rename = "rootTraceName", deserialize_with = "opt_text")]
    root_name: Option<String>,
    #[serde(rename = "startTimeUnixNano", deserialize_with = "opt_u64")]
    start: Option<u64>,
    #[serde(rename = "durationMs", deserialize_with = "opt_u64")]
    duration_ms: Option<u64>,
    #[serde(rename = "spanSet")]
    span_set: Option<SpanSet>,
    #[serde(rename = "spanSets", deserialize_with = "null_as_empty")]
    span_sets: Vec<SpanSet>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SpanSet {
    #[serde(deserialize_with = "null_as_empty")]
    spans: Vec<SearchSpan>,
    #[serde(deserialize_with = "opt_u64")]
    matched: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchSpan {
    #[serde(rename = "spanID", deserialize_with = "opt_text")]
    span_id: Option<String>,
    #[serde(rename = "startTimeUnixNano", deserialize_with = "opt_u64")]
    start: Option<u64>,
    #[serde(rename = "durationNanos", deserialize_with = "opt_u64")]
    duration: Option<u64>,
    #[serde(deserialize_with = "null_as_empty")]
    attributes: Vec<KeyValue>,
}

/// Decodes a Tempo `/api/search` body.
pub fn decode_tempo_search(bytes: &[u8]) -> Result<TempoSearch, TraceError> {
    let doc: SearchDoc = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    let traces = doc.traces.ok_or(TraceError::UnknownShape {
        detail: "expected a Tempo search result with \"traces\"".to_string(),
    })?;
    let mut out = TempoSearch {
        traces: Vec::with_capacity(traces.len()),
        inspected_traces: doc.metrics.inspected_traces,
        inspected_bytes: doc.metrics.inspected_bytes,
        skipped: 0,
    };
    for t in traces {
        let Some(trace_id) = t.trace_id.as_deref().and_then(parse_trace_id) else {
            out.skipped += 1;
            continue;
        };
        let sets: Vec<&SpanSet> = if t.span_sets.is_empty() {
            t.span_set.iter().collect()
        } else {
            t.span_sets.iter().collect()
        };
        let mut matched: Vec<MatchedSpan> = Vec::new();
        let mut matched_total = 0u64;
        for set in sets {
            matched_total += set.matched.unwrap_or(set.spans.len() as u64);
            for s in &set.spans {
                let Some(span_id) = s.span_id.as_deref().and_then(parse_span_id) else {
                    continue;
                };
                if matched.iter().any(|m| m.span_id == span_id) {
                    continue;
                }
                matched.push(MatchedSpan {
                    span_id,
                    start_ns: s.start.unwrap_or(0),
                    duration_ns: s.duration.unwrap_or(0),
                    attributes: s
                        .attributes
                        .iter()
                        .map(|kv| (kv.key().to_string(), kv.value_text()))
                        .collect(),
                });
            }
        }
        out.traces.push(TraceSummary {
            trace_id,
            root_service: t.root_service.unwrap_or_default(),
            root_name: t.root_name.unwrap_or_default(),
            start_ns: t.start.unwrap_or(0),
            duration_ns: t.duration_ms.map(|ms| ms.saturating_mul(1_000_000)),
            matched,
            matched_total,
        });
    }
    Ok(out)
}
