//! Transport for trace requests: the core builds a [`TraceRequest`] for the source's API; here it
//! is sent (network, or the in-process demo, which answers Jaeger's API with real-shaped bytes)
//! and the answer's HTTP status checked. Decoding is the core's (a large trace's in the background
//! worker, `crate::offload::trace_jobs`). Every failure becomes a
//! [`PanelError`] with a message for the user.

use sightline_core::datasource::DataSource;
use sightline_core::offload::trace_frame::{not_traces_message, NOT_TRACES};
use sightline_core::trace_query::{decode_name_list, http_error, TraceApi, TraceRequest};

use super::query::PanelError;
use super::{fetch_url_buffered, Body, BufferedResponse, TransportError};

/// The trace API of `source`, or why it has none.
pub fn api_of(source: &DataSource) -> Result<TraceApi, PanelError> {
    source.kind.trace_api().ok_or_else(|| PanelError {
        kind: "Not a trace source".into(),
        message: format!(
            "'{}' is a {} source; pick a Jaeger, Tempo or Zipkin source, or the demo, for traces.",
            source.name,
            source.kind.as_str()
        ),
    })
}

/// Sends `req` to `source` and returns the body of a 2xx answer. `Ok(None)`: superseded.
pub async fn send(
    source: &DataSource,
    req: &TraceRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<Vec<u8>>, PanelError> {
    Ok(send_buffered(source, req, abort).await?.map(|body| match body {
        Body::Bytes(bytes) => bytes,
        Body::Buffer(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
    }))
}

/// [`send`], keeping a network answer's body as the browser's `ArrayBuffer` (so a large trace can
/// go to the background worker without being copied into the page's memory). `Ok(None)`:
/// superseded.
pub async fn send_buffered(
    source: &DataSource,
    req: &TraceRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<Body>, PanelError> {
    let api = api_of(source)?;
    let raw = if source.kind == sightline_core::datasource::SourceKind::Demo {
        let path = req.path(api).map_err(|e| PanelError { kind: "Request".into(), message: e.to_string() })?;
        let raw = super::demo_answer(|demo, now| demo.respond_traces(&path, &req.params(api), now)).await;
        Ok(BufferedResponse { status: raw.status, body: Body::Bytes(raw.body) })
    } else {
        let url =
            req.url(api, &source.url).map_err(|e| PanelError { kind: "Request".into(), message: e.to_string() })?;
        fetch_url_buffered(source, url, abort).await
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(TransportError::Aborted) => return Ok(None),
        Err(e @ TransportError::Network { .. }) => {
            return Err(PanelError { kind: "Network or CORS".into(), message: e.to_string() })
        }
        Err(e @ TransportError::Timeout { .. }) => {
            return Err(PanelError { kind: "Timeout".into(), message: e.to_string() })
        }
    };
    if !(200..300).contains(&raw.status) {
        // Only an error answer is read here (to quote it); a success body stays where it is.
        let body = match &raw.body {
            Body::Bytes(bytes) => bytes.clone(),
            Body::Buffer(buffer) => js_sys::Uint8Array::new(buffer).to_vec(),
        };
        if let Some(message) = http_error(raw.status, &body) {
            return Err(PanelError { kind: format!("HTTP {}", raw.status), message });
        }
    }
    Ok(Some(raw.body))
}

/// Service names of `source` (sorted).
pub async fn services(source: &DataSource) -> Result<Vec<String>, PanelError> {
    names(source, &TraceRequest::Services).await
}

/// Operation names of `service` on `source` (sorted).
pub async fn operations(source: &DataSource, service: &str) -> Result<Vec<String>, PanelError> {
    names(source, &TraceRequest::Operations { service: service.to_string() }).await
}

async fn names(source: &DataSource, req: &TraceRequest) -> Result<Vec<String>, PanelError> {
    let body = send(source, req, None).await?.unwrap_or_default();
    decode_name_list(&body).map_err(|message| PanelError { kind: "Unexpected answer".into(), message })
}

/// Traces decoded from one body (a backend answer or a file), shared behind `Arc`s.
#[derive(Debug, Clone)]
pub struct LoadedTraces {
    pub traces: Vec<std::sync::Arc<sightline_core::trace::Trace>>,
    /// Each trace's analyses when they were made with the decoding (in the background worker,
    /// for large bodies): empty, or one per trace. Otherwise the trace view makes them.
    pub analyses: Vec<std::sync::Arc<sightline_core::trace::analysis::TraceAnalysis>>,
    /// The detected format's name ("Jaeger JSON", "OTLP/JSON", …).
    pub format: String,
    /// Body-level notes (per-trace warnings stay on each trace).
    pub notes: Vec<String>,
}

/// Decodes trace bytes with the core's format detection.
pub fn decode(body: &[u8]) -> Result<LoadedTraces, PanelError> {
    let decoded = sightline_core::trace::decode_traces(body).map_err(|e| PanelError {
        kind: NOT_TRACES.into(),
        message: not_traces_message(&e),
    })?;
    Ok(LoadedTraces {
        traces: decoded.traces.into_iter().map(std::sync::Arc::new).collect(),
        analyses: Vec::new(),
        format: decoded.format.label().to_string(),
        notes: decoded.warnings,
    })
}

/// Loads one trace by id. `Ok(None)`: superseded.
pub async fn fetch_trace(
    source: &DataSource,
    id: &str,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<LoadedTraces>, PanelError> {
    let Some(body) = send_buffered(source, &source.trace_by_id(id), abort).await? else {
        return Ok(None);
    };
    let Some(loaded) = crate::offload::trace_jobs::decode_traces(body, abort).await? else {
        return Ok(None);
    };
    if loaded.traces.is_empty() {
        return Err(PanelError {
            kind: "Not found".into(),
            message: format!("The source '{}' has no trace with id {id} (it answered with no spans).", source.name),
        });
    }
    Ok(Some(loaded))
}

/// A search's results: one summary row per trace, and the traces themselves when the backend sent
/// them whole (Jaeger, Zipkin; Tempo sends summaries only).
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub rows: Vec<sightline_core::trace_rows::TraceSummaryRow>,
    pub traces: Vec<std::sync::Arc<sightline_core::trace::Trace>>,
    pub notes: Vec<String>,
}

/// Runs a search. `Ok(None)`: superseded.
pub async fn search(
    source: &DataSource,
    search: &sightline_core::trace_query::TraceSearch,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<SearchResults>, PanelError> {
    let api = api_of(source)?;
    let Some(body) = send_buffered(source, &TraceRequest::Search(search.clone()), abort).await? else {
        return Ok(None);
    };
    let small = match &body {
        Body::Bytes(bytes) => bytes.len() < 64,
        Body::Buffer(buffer) => buffer.byte_length() < 64,
    };
    if api == TraceApi::Tempo || small {
        let body = match body {
            Body::Bytes(bytes) => bytes,
            Body::Buffer(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        };
        return search_answer(api, &body);
    }
    // Whole traces (Jaeger, Zipkin, the demo): a large answer is decoded and analysed in the
    // background worker.
    let Some(loaded) = crate::offload::trace_jobs::decode_traces(body, abort).await? else { return Ok(None) };
    Ok(Some(rows_of(loaded)))
}

/// A search answer already in the page: Tempo's summaries, or a small answer of whole traces.
fn search_answer(api: TraceApi, body: &[u8]) -> Result<Option<SearchResults>, PanelError> {
    if api == TraceApi::Tempo {
        let (hits, skipped) = sightline_core::trace_query::decode_tempo_search(body)
            .map_err(|message| PanelError { kind: "Unexpected answer".into(), message })?;
        let mut notes = Vec::new();
        if skipped > 0 {
            notes.push(format!("{skipped} result(s) without a valid trace id were left out."));
        }
        let rows = hits
            .into_iter()
            .map(|h| sightline_core::trace_rows::TraceSummaryRow {
                trace_id: h.trace_id,
                root_service: h.root_service,
                root_operation: h.root_name,
                start_ns: h.start_ns,
                duration_ns: h.duration_ns,
                spans: None,
                errors: None,
                services: None,
            })
            .collect();
        return Ok(Some(SearchResults { rows, traces: Vec::new(), notes }));
    }
    // An empty Zipkin answer is `[]`, which is no trace format: it is simply no results.
    if body.iter().filter(|b| !b.is_ascii_whitespace()).eq(b"[]".iter()) {
        return Ok(Some(SearchResults::default()));
    }
    decode(body).map(|loaded| Some(rows_of(loaded)))
}

/// One summary row per decoded trace.
fn rows_of(loaded: LoadedTraces) -> SearchResults {
    let rows = loaded.traces.iter().map(|t| sightline_core::trace_rows::summarize(t)).collect();
    SearchResults { rows, traces: loaded.traces, notes: loaded.notes }
}
