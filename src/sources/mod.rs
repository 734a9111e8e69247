//! Transport: sends a request built by the core to a data source and returns the raw response.
//! Request building and decoding are the core's; here only the network (gloo-net fetch with an
//! `AbortController` and a timeout) or, for the demo source, the in-process demo backend — which
//! answers with the same bytes a real Prometheus would, so both take the same decoding path.
//!
//! Credentials go only into request headers (`Authorization`, `X-Scope-OrgID`), never into URLs.

use futures::future::{select, Either};
use gloo_net::http::Request;
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::demo::DemoBackend;
use sightline_core::formats::prometheus::PromRequest;
use std::fmt;

pub mod query;
pub mod expression;
pub mod raw;
pub mod exemplars;
pub mod traces;
pub mod logs;
pub mod worker_fetch;

use crate::state::browser;

/// Seed of the built-in demo source (fixed, so every visitor sees the same demo).
pub const DEMO_SEED: u64 = 42;
/// Time allowed for one request before it is abandoned.
pub const REQUEST_TIMEOUT_MS: u32 = 30_000;

/// A response as it arrived: HTTP status and body bytes.
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    /// The browser refused or could not complete the request: CORS, DNS, refused connection, TLS.
    Network { detail: String, url: String, headers: Vec<&'static str> },
    /// No answer within the timeout.
    Timeout { secs: u32, url: String },
    /// Superseded by a newer request (not shown to the user).
    Aborted,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Network { detail, url, headers } => {
                write!(
                    f,
                    "The data source could not be reached ({detail}). This is usually CORS — the server does not allow \
                     requests from this page's origin — or the server is down or the URL is wrong. Prometheus allows any \
                     origin by default; for other servers put a reverse proxy in front that sends \
                     Access-Control-Allow-Origin."
                )?;
                if !headers.is_empty() {
                    write!(
                        f,
                        " This source sends {}, so the browser first asks the server (a CORS preflight) whether that \
                         header is allowed: Prometheus allows Authorization but not X-Scope-OrgID, and VictoriaMetrics \
                         allows neither; a proxy must answer the preflight with Access-Control-Allow-Headers.",
                        headers.join(" and ")
                    )?;
                }
                write!(f, " URL: {url}")
            }
            TransportError::Timeout { secs, url } => {
                write!(f, "No answer within {secs} s; try a shorter range or a simpler query. URL: {url}")
            }
            TransportError::Aborted => write!(f, "The request was replaced by a newer one."),
        }
    }
}

/// Sends `req` to `source`. `abort` cancels it (a newer request replaced it).
pub async fn send(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<RawResponse, TransportError> {
    match source.kind {
        SourceKind::Demo => Ok(demo_answer(|demo, now| demo.respond(&req.path(), &req.params(), now)).await),
        _ => fetch(source, req, abort).await,
    }
}

async fn fetch(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<RawResponse, TransportError> {
    fetch_url(source, req.url(&source.url), abort).await
}

/// GETs `url` with `source`'s headers (`Authorization`, `X-Scope-OrgID`), an abort signal and the
/// timeout; shared by every kind of request (metrics and traces).
pub(crate) async fn fetch_url(
    source: &DataSource,
    url: String,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<RawResponse, TransportError> {
    fetch_with(source, url, abort, |resp| async move {
        let status = resp.status();
        let body = resp.binary().await.map_err(|e| network_detail(&e))?;
        Ok(RawResponse { status, body })
    })
    .await
}

/// GETs `url` as [`fetch_url`] does and reads the response with `read` (which returns an error
/// detail on failure), with the timeout, abort and error mapping every request shares.
async fn fetch_with<T, F, Fut>(
    source: &DataSource,
    url: String,
    abort: Option<&web_sys::AbortSignal>,
    read: F,
) -> Result<T, TransportError>
where
    F: FnOnce(gloo_net::http::Response) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let mut builder = Request::get(&url).abort_signal(abort);
    for (name, value) in credential_headers(source) {
        builder = builder.header(name, value);
    }
    let request = async move {
        let resp = builder.send().await.map_err(|e| network_detail(&e))?;
        read(resp).await
    };
    let timeout = gloo_timers::future::TimeoutFuture::new(REQUEST_TIMEOUT_MS);
    match select(Box::pin(request), timeout).await {
        Either::Left((Ok(resp), _)) => Ok(resp),
        Either::Left((Err(detail), _)) => {
            if abort.is_some_and(|s| s.aborted()) {
                Err(TransportError::Aborted)
            } else {
                let headers = credential_headers(source).into_iter().map(|(name, _)| name).collect();
                Err(TransportError::Network { detail, url, headers })
            }
        }
        Either::Right(_) => Err(TransportError::Timeout { secs: REQUEST_TIMEOUT_MS / 1000, url }),
    }
}

fn network_detail(e: &gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => format!("{}: {}", js.name, js.message),
        other => other.to_string(),
    }
}

/// A response body as it arrived: bytes already in WASM memory (the demo source), or the
/// browser's `ArrayBuffer`, not yet copied anywhere — so a large body can be handed to the
/// background worker without ever passing through the page's memory or a JS string.
pub enum Body {
    Bytes(Vec<u8>),
    Buffer(js_sys::ArrayBuffer),
}

/// A response with its body as a [`Body`].
pub struct BufferedResponse {
    pub status: u16,
    pub body: Body,
}

/// [`send`], keeping a network response's body as the browser's `ArrayBuffer`.
pub async fn send_buffered(
    source: &DataSource,
    req: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<BufferedResponse, TransportError> {
    match source.kind {
        SourceKind::Demo => {
            let raw = send(source, req, abort).await?;
            Ok(BufferedResponse { status: raw.status, body: Body::Bytes(raw.body) })
        }
        _ => fetch_url_buffered(source, req.url(&source.url), abort).await,
    }
}

/// [`fetch_url`], keeping the body as the browser's `ArrayBuffer` ([`Body::Buffer`]).
pub(crate) async fn fetch_url_buffered(
    source: &DataSource,
    url: String,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<BufferedResponse, TransportError> {
    fetch_with(source, url, abort, |resp| async move {
        use wasm_bindgen::JsCast;
        let status = resp.status();
        let raw: web_sys::Response = resp.into();
        let promise = raw.array_buffer().map_err(|e| js_detail(&e))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|e| js_detail(&e))?;
        let buffer = buffer.dyn_into::<js_sys::ArrayBuffer>().map_err(|_| "the response body was not binary".to_string())?;
        Ok(BufferedResponse { status, body: Body::Buffer(buffer) })
    })
    .await
}

/// "Name: message" of a JS exception (as [`network_detail`] gives for gloo's errors).
fn js_detail(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!("{}: {}", String::from(err.name()), String::from(err.message())),
        None => format!("{e:?}"),
    }
}

/// The in-page demo backend's answer: computed in a task of its own (after the page has had a
/// turn to paint and handle input), as a network answer would arrive, so a page sending many demo
/// requests never runs them all in one long task.
pub async fn demo_answer(answer: impl FnOnce(&DemoBackend, i64) -> sightline_core::demo::DemoResponse) -> RawResponse {
    crate::offload::slices::yield_now().await;
    let resp = answer(&DemoBackend::new(DEMO_SEED), browser::now_ms());
    RawResponse { status: resp.status, body: resp.body }
}

/// The headers that carry `source`'s credentials, as (name, value): `Authorization` and
/// `X-Scope-OrgID` when set. Credentials only ever travel in these headers, never in a URL.
pub(crate) fn credential_headers(source: &DataSource) -> Vec<(&'static str, &str)> {
    [("Authorization", source.auth.as_deref()), ("X-Scope-OrgID", source.tenant.as_deref())]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
}
