//! Runs one panel query end to end: resolve the time range and step (core), build the request
//! (core), send it ([`super::send`]), decode the answer (core). Every failure becomes a
//! [`PanelError`] with its kind and a message written for the user; nothing here panics.

use chrono::{Local, Utc};
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::formats::prometheus::{PromRequest, QueryResponse};
use sightline_core::series::HistogramSeries;
use sightline_core::time::{self, ResolvedRange, TimeRange};
use sightline_core::viewstate::{QueryMode, TimeZoneChoice};

use super::{send, send_buffered, worker_fetch, RawResponse, TransportError};
use crate::offload::jobs::WorkerFetch;

/// Minimum step: the usual scrape interval (Grafana's default "min interval").
pub const DEFAULT_SCRAPE_MS: i64 = 15_000;

/// What a panel asks for, before the clock is read.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySpec {
    pub query: String,
    pub mode: QueryMode,
    pub from: String,
    pub to: String,
    pub tz: TimeZoneChoice,
}

/// The resolved request parameters shown beside the result ("which window, which step").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    pub start_ms: i64,
    pub end_ms: i64,
    /// Range queries: the step; instant queries: 0.
    pub step_ms: i64,
}

/// Why a panel has no result.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelError {
    /// Short kind shown as a badge: "Query error", "HTTP 502", "Network or CORS", …
    pub kind: String,
    pub message: String,
}

/// Resolves `spec`'s range at `now_ms` in its time zone.
pub fn resolve_range(spec: &QuerySpec, now_ms: i64) -> Result<ResolvedRange, PanelError> {
    let range = TimeRange::parse(&spec.from, &spec.to).map_err(time_error)?;
    match spec.tz {
        TimeZoneChoice::Utc => range.resolve(now_ms, &Utc),
        TimeZoneChoice::Browser => range.resolve(now_ms, &Local),
    }
    .map_err(time_error)
}

fn time_error(e: time::TimeError) -> PanelError {
    PanelError { kind: "Time range".into(), message: e.to_string() }
}

/// Builds the request for `spec` over `range`, choosing the step from `width_px`.
pub fn build_request(spec: &QuerySpec, range: ResolvedRange, width_px: u32) -> (PromRequest, Resolved) {
    match spec.mode {
        QueryMode::Range => {
            let span = range.end_ms - range.start_ms;
            let step_ms = time::choose_step_ms(span, width_px, DEFAULT_SCRAPE_MS);
            let (start_ms, end_ms) = time::align_range(range.start_ms, range.end_ms, step_ms);
            let req = PromRequest::Range { query: spec.query.clone(), start_ms, end_ms, step_ms };
            (req, Resolved { start_ms, end_ms, step_ms })
        }
        QueryMode::Instant => {
            let req = PromRequest::Instant { query: spec.query.clone(), time_ms: Some(range.end_ms) };
            (req, Resolved { start_ms: range.end_ms, end_ms: range.end_ms, step_ms: 0 })
        }
    }
}

/// Sends and decodes (a large body in the background worker, see [`crate::offload`]). `Ok(None)`
/// means the request was superseded (show nothing new).
pub async fn run(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<QueryResponse>, PanelError> {
    let raw = match send_buffered(source, req, abort).await {
        Ok(raw) => raw,
        Err(e) => return transport_error(e),
    };
    crate::offload::jobs::decode_query(raw.status, raw.body, abort).await
}

/// [`run`], with the native histogram series of the answer beside the float result. A
/// `query_range` request to a network source is sent from the background worker when it is on
/// ([`super::worker_fetch`]); otherwise, or when the worker cannot start, from here.
pub async fn run_with_native(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<(QueryResponse, Vec<HistogramSeries>)>, PanelError> {
    if matches!(req, PromRequest::Range { .. }) && source.kind != SourceKind::Demo {
        let url = req.url(&source.url);
        match crate::offload::jobs::fetch_query(worker_fetch::request(source, &url, true), abort).await {
            WorkerFetch::Unavailable => {}
            WorkerFetch::Transport(failure) => return transport_error(worker_fetch::transport_error(source, url, failure)),
            WorkerFetch::Answer(answer) => return answer,
        }
    }
    let raw = match send_buffered(source, req, abort).await {
        Ok(raw) => raw,
        Err(e) => return transport_error(e),
    };
    crate::offload::jobs::decode_query_with_native(raw.status, raw.body, abort).await
}

/// Sends `req`; transport failures become panel errors. `Ok(None)`: superseded.
pub async fn send_for_panel(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<RawResponse>, PanelError> {
    match send(source, req, abort).await {
        Ok(raw) => Ok(Some(raw)),
        Err(e) => transport_error(e),
    }
}

/// A transport failure as the panel shows it; `Ok(None)` for a superseded request.
fn transport_error<T>(e: TransportError) -> Result<Option<T>, PanelError> {
    match e {
        TransportError::Aborted => Ok(None),
        e @ TransportError::Network { .. } => Err(PanelError { kind: "Network or CORS".into(), message: e.to_string() }),
        e @ TransportError::Timeout { .. } => Err(PanelError { kind: "Timeout".into(), message: e.to_string() }),
    }
}
