//! Heavy work moved off the page's main thread: the messages between the page and its background
//! worker (a Web Worker running this same core), as compact binary frames, and the one function
//! both sides run.
//!
//! - [`frame`]: the byte layer (little-endian scalars, strings, whole `f64`/`i64` columns), strict
//!   on input.
//! - [`message`]: [`Job`] (page → worker) and [`Outcome`] (worker → page) and their frames.
//! - [`trace_frame`]: traces with their analyses in frames, and the trace job.
//! - [`execute`]: the work itself ([`execute()`]), identical on both threads, and the worker's
//!   frame-in/frame-out step ([`handle_frame`]).
//!
//! - [`sliced`]: an answer frame read a few series at a time, for the page's main thread.
//! - [`fetch`]: a request the worker sends itself, so large bodies are read off the page.
//!
//! When to offload is decided here too, so the rule is one place: [`decode_in_worker`] for
//! response bodies, [`percentiles_in_worker`] for percentile tables, [`traces_in_worker`] for
//! trace bodies. Below those sizes the main
//! thread is faster than the round trip (a copy into a frame and back).

pub mod execute;
pub mod fetch;
pub mod frame;
pub mod message;
pub mod trace_frame;
pub mod sliced;

pub use execute::{execute, handle_frame};
pub use fetch::{FetchFailure, FetchRequest};
pub use frame::FrameError;
pub use trace_frame::{analyse_trace_body, AnalysedTraces};
pub use message::{decode_job, decode_outcome, encode_job, encode_outcome, encode_percentile_job, Job, Outcome};
pub use sliced::{frame_id, open_outcome, MatrixReader, Opened};

/// Response bodies larger than this many bytes are decoded in the worker (~5 MB).
pub const DECODE_IN_WORKER_BYTES: usize = 5_000_000;

/// Percentile tables over more than this many samples in total are computed in the worker.
pub const PERCENTILES_IN_WORKER_SAMPLES: usize = 1_000_000;

/// Whether a response body of `bytes` is decoded in the worker.
pub fn decode_in_worker(bytes: usize) -> bool {
    bytes > DECODE_IN_WORKER_BYTES
}

/// Whether a percentile table over `samples` values in total is computed in the worker.
pub fn percentiles_in_worker(samples: usize) -> bool {
    samples > PERCENTILES_IN_WORKER_SAMPLES
}

/// Trace bodies larger than this many bytes are decoded and analysed in the worker (~1 MB: about
/// 2,000 Jaeger spans, well below the ~10k spans at which the work is felt on the page).
pub const TRACES_IN_WORKER_BYTES: usize = 1_000_000;

/// Whether a trace body of `bytes` is decoded and analysed in the worker.
pub fn traces_in_worker(bytes: usize) -> bool {
    bytes > TRACES_IN_WORKER_BYTES
}
