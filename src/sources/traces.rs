//! Transport for trace requests: the core builds a [`TraceRequest`] for the source's API; here it
//! is sent (network, or the in-process demo, which answers Jaeger's API with real-shaped bytes)
//! and the answer's HTTP status checked. Decoding is the core's. Every failure becomes a
//! [`PanelError`] with a message for the user.

use sightline_core::datasource::DataSource;
use sightline_core::demo::DemoBackend;
use sightline_core::trace_query::{decode_name_list, http_error, TraceApi, TraceRequest};

use super::query::PanelError;
use super::{fetch_url, RawResponse, TransportError, DEMO_SEED};
use crate::state::browser;

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
    let api = api_of(source)?;
    let raw = if source.kind == sightline_core::datasource::SourceKind::Demo {
        let path = req.path(api).map_err(|e| PanelError { kind: "Request".into(), message: e.to_string() })?;
        let resp = DemoBackend::new(DEMO_SEED).respond_traces(&path, &req.params(api), browser::now_ms());
        Ok(RawResponse { status: resp.status, body: resp.body })
    } else {
        let url =
            req.url(api, &source.url).map_err(|e| PanelError { kind: "Request".into(), message: e.to_string() })?;
        fetch_url(source, url, abort).await
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
    if let Some(message) = http_error(raw.status, &raw.body) {
        return Err(PanelError { kind: format!("HTTP {}", raw.status), message });
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
