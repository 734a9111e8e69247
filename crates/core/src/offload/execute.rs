//! What the background worker does with a [`Job`] — and what the page does itself when the job is
//! small or no worker could start: one function, so both paths give the same numbers.

use super::message::{Job, Outcome};
use crate::formats::prometheus::decode_response;
use crate::stats::percentile_table::percentile_table_of_columns;

/// Runs `job`; `body` is the response body of a [`Job::DecodeQuery`] or [`Job::DecodeTraces`]
/// (ignored otherwise).
/// Failures become [`Outcome::Failed`] with the kind and message the panel shows.
pub fn execute(job: &Job, body: &[u8]) -> Outcome {
    match job {
        Job::DecodeQuery { status } => match decode_response(*status, body) {
            Ok(resp) => Outcome::Decoded(resp),
            Err(e) => Outcome::Failed { kind: e.kind_label(), message: e.to_string() },
        },
        // The request itself is sent by the worker's network code, which then runs
        // `Job::DecodeQuery` on the answer; a fetch job reaching here was not sent.
        Job::FetchQuery(_) => {
            Outcome::Failed { kind: "Background worker".into(), message: "a request job reached the worker without being sent".into() }
        }
        Job::PercentileTable { qs, method, columns } => {
            let cols: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
            match percentile_table_of_columns(&cols, qs, *method) {
                Ok(table) => Outcome::Percentiles(table),
                Err(e) => Outcome::Failed { kind: "Percentiles".into(), message: e.to_string() },
            }
        }
        Job::DecodeTraces => match super::trace_frame::analyse_trace_body(body) {
            Ok(set) => Outcome::Traces(Box::new(set)),
            Err((kind, message)) => Outcome::Failed { kind, message },
        },
    }
}

/// The worker's whole step: decode the job frame, run it, encode the outcome frame. A malformed
/// job frame becomes a [`Outcome::Failed`] for job id 0 (the page drops outcomes it did not ask
/// for, and a job it asked for then fails as "the worker answered something else").
pub fn handle_frame(frame: &[u8], body: &[u8]) -> Vec<u8> {
    match super::message::decode_job(frame) {
        Ok((id, job)) => super::message::encode_outcome(id, &execute(&job, body)),
        Err(e) => super::message::encode_outcome(0, &Outcome::Failed { kind: "Background worker".into(), message: e.to_string() }),
    }
}
