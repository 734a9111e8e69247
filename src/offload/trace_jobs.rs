//! Trace bodies, decoded and analysed where it is cheapest for the page: a body larger than
//! `sightline_core::offload::TRACES_IN_WORKER_BYTES` (a backend answer or a file) is transferred
//! as its `ArrayBuffer` to the background worker, which decodes it, builds the span stores and
//! runs every trace's analyses (critical path, self time, bottlenecks, statistics) and sends them
//! back in one frame; the page only reads that frame. A smaller body, or any body when the worker
//! cannot start (or `localStorage["sightline.offload"] = "main"`), is decoded here by the same
//! core code — small ones without the analyses, which the trace view then makes for the trace it
//! opens. Each path logs one `sightline:` console line with its size and time.

use js_sys::ArrayBuffer;
use sightline_core::offload::{
    encode_job, execute, traces_in_worker, AnalysedTraces, Job, Outcome,
};
use std::sync::Arc;

use super::client::{run, OffloadError};
use super::jobs::{bytes_of, log, now, read_answer, worker_allowed, worker_failed};
use super::slices;
use crate::sources::query::PanelError;
use crate::sources::traces::{decode, LoadedTraces};
use crate::sources::Body;

/// Decodes a trace body (see the module doc). `Ok(None)`: superseded while decoding.
pub async fn decode_traces(
    body: Body,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<LoadedTraces>, PanelError> {
    let buffer = match body {
        // A large body made in the page (the demo's answer) goes to the worker as well: one copy.
        Body::Bytes(bytes) if traces_in_worker(bytes.len()) && worker_allowed() => {
            js_sys::Uint8Array::from(bytes.as_slice()).buffer()
        }
        Body::Bytes(bytes) => return decode(&bytes).map(Some),
        Body::Buffer(buffer) => buffer,
    };
    let len = buffer.byte_length() as usize;
    let size = format!("{:.1} MB", len as f64 / 1e6);
    let start = now();
    if !traces_in_worker(len) {
        let loaded = decode(&bytes_of(&buffer));
        log("decoded traces", size, start, false);
        return loaded.map(Some);
    }
    let outcome = match in_worker(&buffer, abort).await {
        Ok(Some(outcome)) => {
            log("decoded and analysed traces", size, start, true);
            // Reading the worker's answer was one task; showing it is the next.
            slices::yield_now().await;
            outcome
        }
        Ok(None) => {
            let outcome = execute(&Job::DecodeTraces, &bytes_of(&buffer));
            log("decoded and analysed traces", size, start, false);
            outcome
        }
        Err(OffloadError::Cancelled) => return Ok(None),
        Err(e) => return Err(worker_failed(e)),
    };
    match outcome {
        Outcome::Traces(set) => Ok(Some(loaded_from(*set))),
        Outcome::Failed { kind, message } => Err(PanelError { kind, message }),
        Outcome::Decoded(_) | Outcome::Percentiles(_) | Outcome::FetchFailed(_) => Err(worker_failed(OffloadError::Failed(
            "it answered a trace job with something else".into(),
        ))),
    }
}

/// The worker's outcome for `buffer`; `Ok(None)` when the job is to run here (the worker is
/// switched off or could not start — the buffer was then not sent).
async fn in_worker(
    buffer: &ArrayBuffer,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<Outcome>, OffloadError> {
    if !worker_allowed() {
        return Ok(None);
    }
    match run(
        |id| encode_job(id, &Job::DecodeTraces),
        Some(buffer.clone()),
        abort,
    )
    .await
    {
        Ok(answer) => read_answer(&answer.frame).await.map(Some),
        Err(OffloadError::Unavailable(why)) => {
            web_sys::console::warn_1(
                &format!("sightline: decoding traces on the main thread: {why}").into(),
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn loaded_from(set: AnalysedTraces) -> LoadedTraces {
    let (traces, analyses) = set
        .traces
        .into_iter()
        .map(|(t, a)| (Arc::new(t), Arc::new(a)))
        .unzip();
    LoadedTraces {
        traces,
        analyses,
        format: set.format.label().to_string(),
        notes: set.warnings,
    }
}
