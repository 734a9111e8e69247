//! The offloadable work of the app, each with its threshold: decoding a `query`/`query_range`
//! response body (in the worker above `sightline_core::offload::DECODE_IN_WORKER_BYTES`) and the
//! exact-percentile table (above `PERCENTILES_IN_WORKER_SAMPLES`). Below the thresholds, or when
//! the worker cannot start, the main thread runs the same core function, so the numbers are the
//! same either way. Each path logs one `console.info` line with its size and time.
//!
//! A panel's `query_range` request can also be sent from the worker ([`fetch_query`]): the browser
//! then reads the body there, and the page only receives the decoded answer frame, which it reads
//! a few series per task ([`read_answer`]) so no task holds the whole frame.
//!
//! `localStorage["sightline.offload"] = "main"` keeps every job on the main thread (to compare
//! the two paths).

use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::formats::prometheus::native_histogram::NativeSeries;
use sightline_core::formats::prometheus::with_native::{add_native, has_native};
use sightline_core::formats::prometheus::{decode_response_with_native, PromError, QueryResponse};
use sightline_core::offload::{decode_in_worker, encode_job, encode_percentile_job, execute, percentiles_in_worker, Job, Outcome};
use sightline_core::offload::{open_outcome, FetchFailure, FetchRequest, Opened};
use sightline_core::series::Series;
use sightline_core::stats::percentile::QuantileMethod;
use sightline_core::stats::percentile_table::{percentile_table_of_columns, PercentileTable};
use std::sync::Arc;

use super::client::{run, Answer, OffloadError};
use super::slices;
use crate::sources::query::PanelError;
use crate::sources::Body;
use crate::state::storage;

/// The storage key of the diagnostic switch (`"main"`: no worker).
pub const SWITCH_KEY: &str = "sightline.offload";

pub(super) fn worker_allowed() -> bool {
    storage::get_local(SWITCH_KEY).as_deref() != Some("main")
}

pub(super) fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

pub(super) fn log(what: &str, size: String, start: f64, worker: bool) {
    let place = if worker { "in the background worker" } else { "on the main thread" };
    web_sys::console::info_1(&format!("sightline: {what} ({size}) {place} in {:.0} ms", now() - start).into());
}

pub(super) fn worker_failed(e: OffloadError) -> PanelError {
    PanelError { kind: "Background worker".into(), message: e.to_string() }
}

/// Decodes a `query`/`query_range` response. `Ok(None)`: superseded while decoding.
pub async fn decode_query(status: u16, body: Body, abort: Option<&web_sys::AbortSignal>) -> Result<Option<QueryResponse>, PanelError> {
    let job = Job::DecodeQuery { status };
    let start = now();
    let outcome = match body {
        Body::Bytes(bytes) => execute(&job, &bytes),
        Body::Buffer(buffer) => {
            let len = buffer.byte_length() as usize;
            let size = format!("{:.1} MB", len as f64 / 1e6);
            let mut worker_result = None;
            if decode_in_worker(len) && worker_allowed() {
                match run(|id| encode_job(id, &job), Some(buffer.clone()), abort).await {
                    Ok(answer) => worker_result = Some(read_answer(&answer.frame).await.unwrap_or_else(failed_outcome)),
                    Err(OffloadError::Cancelled) => return Ok(None),
                    Err(OffloadError::Unavailable(why)) => {
                        web_sys::console::warn_1(&format!("sightline: decoding on the main thread: {why}").into())
                    }
                    Err(e) => return Err(worker_failed(e)),
                }
            }
            let in_worker = worker_result.is_some();
            let outcome = worker_result.unwrap_or_else(|| execute(&job, &bytes_of(&buffer)));
            log("decoded a response", size, start, in_worker);
            // Reading the worker's answer was one task; showing it is the next.
            slices::yield_now().await;
            outcome
        }
    };
    match outcome {
        Outcome::Decoded(resp) => Ok(Some(resp)),
        Outcome::Failed { kind, message } => Err(PanelError { kind, message }),
        Outcome::Percentiles(_) | Outcome::Traces(_) | Outcome::FetchFailed(_) => {
            Err(worker_failed(OffloadError::Failed("it answered a decode job with something else".into())))
        }
    }
}

/// An unreadable answer as the failure the panel shows.
fn failed_outcome(e: OffloadError) -> Outcome {
    Outcome::Failed { kind: "Background worker".into(), message: e.to_string() }
}

/// Reads an answer frame: a matrix a few series per task, yielding to the page between slices of
/// at most [`slices::SLICE_MS`]; anything else at once.
pub async fn read_answer(frame: &[u8]) -> Result<Outcome, OffloadError> {
    let unreadable = |e: sightline_core::offload::FrameError| OffloadError::Failed(e.to_string());
    let mut matrix = match open_outcome(frame).map_err(unreadable)? {
        Opened::Whole(_, outcome) => return Ok(outcome),
        Opened::Matrix(m) => m,
    };
    // The answer's copy into this thread's memory was the task so far; reading starts in the next.
    slices::yield_now().await;
    while !matrix.read_some(slices::budget()).map_err(unreadable)? {
        slices::yield_now().await;
    }
    matrix.finish().map(|(_, outcome)| outcome).map_err(unreadable)
}

/// Starts the background worker ahead of the first request (unless it is switched off), for a
/// page that will send `query_range` requests to a network source.
pub fn prepare_worker() {
    if worker_allowed() {
        super::client::start_early();
    }
}

/// What became of a request sent from the background worker.
pub enum WorkerFetch {
    /// No worker (switched off, or it could not start): the page sends the request itself.
    Unavailable,
    /// No response (network, CORS, timeout).
    Transport(FetchFailure),
    /// A response: the decoded answer with its native histogram series, or the panel's error;
    /// `Ok(None)`: superseded.
    Answer(Result<Option<(QueryResponse, Vec<NativeSeries>)>, PanelError>),
}

/// Sends `req` from the background worker, which reads and decodes the body there (see the
/// module doc). `abort` cancels it (the worker, and with it the request, is stopped).
pub async fn fetch_query(req: FetchRequest, abort: Option<&web_sys::AbortSignal>) -> WorkerFetch {
    if !worker_allowed() {
        return WorkerFetch::Unavailable;
    }
    let start = now();
    let Answer { frame, body } = match run(|id| encode_job(id, &Job::FetchQuery(req)), None, abort).await {
        Ok(answer) => answer,
        Err(OffloadError::Cancelled) => return WorkerFetch::Answer(Ok(None)),
        Err(OffloadError::Unavailable(why)) => {
            web_sys::console::warn_1(&format!("sightline: sending the request from the main thread: {why}").into());
            return WorkerFetch::Unavailable;
        }
        Err(e) => return WorkerFetch::Answer(Err(worker_failed(e))),
    };
    let frame_size = format!("{:.1} MB answer frame", frame.len() as f64 / 1e6);
    let outcome = read_answer(&frame).await.unwrap_or_else(failed_outcome);
    drop(frame);
    match &outcome {
        Outcome::FetchFailed(_) => log("the request failed", "no response".into(), start, true),
        _ => log("fetched and decoded a response", frame_size, start, true),
    }
    // Reading the answer took its slices; showing it is the next task.
    slices::yield_now().await;
    let resp = match outcome {
        Outcome::Decoded(resp) => resp,
        Outcome::FetchFailed(failure) => return WorkerFetch::Transport(failure),
        Outcome::Failed { kind, message } => return WorkerFetch::Answer(Err(PanelError { kind, message })),
        Outcome::Percentiles(_) | Outcome::Traces(_) => {
            return WorkerFetch::Answer(Err(worker_failed(OffloadError::Failed("it answered a request with something else".into()))))
        }
    };
    let answer = match body {
        // A decoded answer had a 2xx status (the decoder turns any other into an error), so the
        // native histogram decoder gets 200 for the same body.
        Some(body) if has_native(&resp) => {
            add_native(resp, 200, &bytes_of(&body)).map_err(|e| PanelError { kind: e.kind_label(), message: e.to_string() })
        }
        _ => Ok((resp, Vec::new())),
    };
    WorkerFetch::Answer(answer.map(Some))
}

/// [`decode_query`] with the native histogram series of the answer (core
/// `decode_response_with_native`). In the worker case the worker gets a copy of the body (one
/// memcpy by the browser, outside WASM memory) and this side keeps the original for the second
/// read that only answers holding native histograms need.
pub async fn decode_query_with_native(
    status: u16,
    body: Body,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<(QueryResponse, Vec<NativeSeries>)>, PanelError> {
    let prom_error = |e: PromError| PanelError { kind: e.kind_label(), message: e.to_string() };
    let (bytes, size) = match body {
        Body::Buffer(buffer) if decode_in_worker(buffer.byte_length() as usize) && worker_allowed() => {
            let kept = buffer.slice(0);
            let Some(resp) = decode_query(status, Body::Buffer(buffer), abort).await? else { return Ok(None) };
            if !has_native(&resp) {
                return Ok(Some((resp, Vec::new())));
            }
            return add_native(resp, status, &bytes_of(&kept)).map(Some).map_err(prom_error);
        }
        Body::Buffer(buffer) => (bytes_of(&buffer), Some(buffer.byte_length())),
        Body::Bytes(bytes) => (bytes, None),
    };
    let start = now();
    let result = decode_response_with_native(status, &bytes).map(Some).map_err(prom_error);
    if let Some(len) = size {
        log("decoded a response", format!("{:.1} MB", f64::from(len) / 1e6), start, false);
    }
    result
}

pub(super) fn bytes_of(buffer: &ArrayBuffer) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}

/// The exact-percentile table of `qs` over `series` (per series and pooled).
pub async fn percentile_table(series: &[Series], qs: &[f64], method: QuantileMethod) -> Result<PercentileTable, String> {
    let columns: Vec<&[f64]> = series.iter().map(|s| s.values.as_slice()).collect();
    let total: usize = columns.iter().map(|c| c.len()).sum();
    let start = now();
    let size = format!("{total} samples");
    if percentiles_in_worker(total) && worker_allowed() {
        let answer = match run(|id| encode_percentile_job(id, qs, method, &columns), None, None).await {
            Ok(answer) => read_answer(&answer.frame).await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(Outcome::Percentiles(table)) => {
                log("computed percentiles", size, start, true);
                return Ok(table);
            }
            Ok(Outcome::Failed { message, .. }) => return Err(message),
            Ok(Outcome::Decoded(_) | Outcome::Traces(_) | Outcome::FetchFailed(_)) => {
                return Err(OffloadError::Failed("it answered a percentile job with something else".into()).to_string())
            }
            Err(OffloadError::Unavailable(why)) => {
                web_sys::console::warn_1(&format!("sightline: percentiles on the main thread: {why}").into())
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    let table = percentile_table_of_columns(&columns, qs, method).map_err(|e| e.to_string());
    log("computed percentiles", size, start, false);
    table
}

/// The percentile table of `series` as a signal that follows `method`: `None` while it is being
/// computed; a newer method's table replaces an older one's even if that finishes later.
pub fn percentile_table_signal(
    series: Arc<Vec<Series>>,
    qs: &'static [f64],
    method: RwSignal<QuantileMethod>,
) -> ReadSignal<Option<Result<PercentileTable, String>>> {
    let table = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let m = method.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        table.set(None);
        let series = series.clone();
        spawn_local(async move {
            let result = percentile_table(&series, qs, m).await;
            if generation.try_get_value() == Some(mine) {
                table.set(Some(result));
            }
        });
    });
    table.read_only()
}
