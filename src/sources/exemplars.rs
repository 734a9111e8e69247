//! Exemplars for a panel: `query_exemplars` for the panel's query and range (core request and
//! decoder), and which interpolation the source's `histogram_quantile` uses on native histograms
//! (from `status/buildinfo`'s version).
//!
//! Exemplars are an extra: any failure — a 404 from a backend without the endpoint, a CORS refusal
//! (VictoriaMetrics 1.79 sends no CORS header on it), an error envelope — becomes a short
//! [`ExemplarOutcome::Unavailable`] notice, never a panel error.

use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::formats::prometheus::native_histogram::NativeInterpolation;
use sightline_core::formats::prometheus::{decode_build_info, decode_exemplars, Exemplar, PromError, PromRequest};
use sightline_core::stats::native::interpolation_for_version;
use std::sync::Arc;

use super::{send, TransportError};

/// What the exemplar request gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ExemplarOutcome {
    /// Exemplars (possibly none) and the decoder's or server's warnings.
    Loaded { exemplars: Arc<Vec<Exemplar>>, warnings: Vec<String> },
    /// Why there are none to show (a notice, not an error).
    Unavailable(String),
}

/// Fetches the exemplars of `query` in `[start_ms, end_ms]`; `None` when superseded.
pub async fn fetch_exemplars(
    source: &DataSource,
    query: &str,
    start_ms: i64,
    end_ms: i64,
    abort: Option<&web_sys::AbortSignal>,
) -> Option<ExemplarOutcome> {
    let req = PromRequest::Exemplars { query: query.to_string(), start_ms, end_ms };
    let raw =
        match send(source, &req, abort).await {
            Ok(raw) => raw,
            Err(TransportError::Aborted) => return None,
            Err(TransportError::Timeout { secs, .. }) => {
                return Some(ExemplarOutcome::Unavailable(format!("Exemplars: no answer within {secs} s.")))
            }
            Err(TransportError::Network { .. }) => return Some(ExemplarOutcome::Unavailable(
                "Exemplars could not be fetched: the source refused the request (often CORS: VictoriaMetrics does not \
                 allow cross-origin calls to query_exemplars) or is unreachable."
                    .into(),
            )),
        };
    Some(match decode_exemplars(raw.status, &raw.body) {
        Ok(resp) => {
            let mut warnings = resp.warnings;
            warnings.extend(resp.infos.into_iter().map(|i| format!("info: {i}")));
            ExemplarOutcome::Loaded { exemplars: Arc::new(resp.data), warnings }
        }
        Err(e) => ExemplarOutcome::Unavailable(unavailable_text(&e)),
    })
}

fn unavailable_text(e: &PromError) -> String {
    match e {
        PromError::Http { status: 404, .. } => {
            "This source has no exemplar endpoint (query_exemplars answered 404).".into()
        }
        PromError::Api { error_type, .. } if error_type == "not_found" => {
            "This source has no exemplar endpoint (query_exemplars: not found).".into()
        }
        other => format!("Exemplars are not available from this source: {other}"),
    }
}

/// The interpolation the source uses inside exponential native buckets, and the version it
/// reported (`None` for the demo, or when the version could not be read).
pub async fn source_interpolation(source: &DataSource) -> (NativeInterpolation, Option<String>) {
    if source.kind == SourceKind::Demo {
        return (NativeInterpolation::Exponential, None);
    }
    let Ok(raw) = send(source, &PromRequest::BuildInfo, None).await else {
        return (NativeInterpolation::Exponential, None);
    };
    match decode_build_info(raw.status, &raw.body) {
        Ok(resp) if !resp.data.version.is_empty() => {
            (interpolation_for_version(&resp.data.version), Some(resp.data.version))
        }
        _ => (NativeInterpolation::Exponential, None),
    }
}
