//! A request the background worker sends itself ([`FetchRequest`], carried by
//! [`super::Job::FetchQuery`]) and how a failed one is reported back ([`FetchFailure`]), so the
//! browser reads a large response body in the worker and the page's main thread never holds it.
//!
//! Contract:
//! - The page builds the request exactly as it would send it: absolute URL (resolved against the
//!   page, so a relative source URL means the same in the worker), method, optional body, headers.
//!   Credentials travel only in `headers` (`Authorization`, `X-Scope-OrgID`), never in the URL.
//! - `timeout_ms` covers sending the request and reading the whole body, as on the main thread.
//! - A failure is a [`FetchFailure`] with the browser's own detail ("TypeError: Failed to
//!   fetch"); the page turns it into the same message its own fetch gives (URL and credential
//!   headers are added there, from what it sent).
//! - `with_native`: the page also needs the body when the answer holds native histograms (they
//!   are decoded on the page from the same bytes); the worker then sends the body back beside the
//!   answer frame (transferred, not copied).

use super::frame::{FrameError, Reader, Writer};

/// One HTTP request for the worker to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// Absolute URL, without credentials.
    pub url: String,
    /// `GET` or `POST`.
    pub method: String,
    /// Request body (a POST form), if any.
    pub body: Option<String>,
    /// Header name and value pairs (credentials go here).
    pub headers: Vec<(String, String)>,
    /// Time allowed for the response and its whole body.
    pub timeout_ms: u32,
    /// Send the body back when the answer holds native histogram samples.
    pub with_native: bool,
}

/// Why the worker got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// The browser refused or could not complete the request (CORS, DNS, refused connection,
    /// TLS, an aborted body): the browser's error as "Name: message".
    Network { detail: String },
    /// No complete answer within the request's `timeout_ms`.
    Timeout { ms: u32 },
}

const FAIL_NETWORK: u8 = 0;
const FAIL_TIMEOUT: u8 = 1;

pub(super) fn write_request(w: &mut Writer, req: &FetchRequest) {
    w.str(&req.url);
    w.str(&req.method);
    match &req.body {
        Some(b) => {
            w.u8(1);
            w.str(b);
        }
        None => w.u8(0),
    }
    w.len(req.headers.len());
    for (k, v) in &req.headers {
        w.str(k);
        w.str(v);
    }
    w.u32(req.timeout_ms);
    w.u8(u8::from(req.with_native));
}

pub(super) fn read_request(r: &mut Reader<'_>) -> Result<FetchRequest, FrameError> {
    let url = r.str("request URL")?;
    let method = r.str("request method")?;
    let body = match r.u8("request body present")? {
        0 => None,
        1 => Some(r.str("request body")?),
        tag => return Err(FrameError::UnknownTag { field: "request body present", tag }),
    };
    let n = r.count(8, "request headers")?;
    let mut headers = Vec::with_capacity(n);
    for _ in 0..n {
        let k = r.str("header name")?;
        let v = r.str("header value")?;
        headers.push((k, v));
    }
    let timeout_ms = r.u32("request timeout")?;
    let with_native = match r.u8("with native histograms")? {
        0 => false,
        1 => true,
        tag => return Err(FrameError::UnknownTag { field: "with native histograms", tag }),
    };
    Ok(FetchRequest { url, method, body, headers, timeout_ms, with_native })
}

pub(super) fn write_failure(w: &mut Writer, f: &FetchFailure) {
    match f {
        FetchFailure::Network { detail } => {
            w.u8(FAIL_NETWORK);
            w.str(detail);
        }
        FetchFailure::Timeout { ms } => {
            w.u8(FAIL_TIMEOUT);
            w.u32(*ms);
        }
    }
}

pub(super) fn read_failure(r: &mut Reader<'_>) -> Result<FetchFailure, FrameError> {
    match r.u8("fetch failure")? {
        FAIL_NETWORK => Ok(FetchFailure::Network { detail: r.str("fetch failure detail")? }),
        FAIL_TIMEOUT => Ok(FetchFailure::Timeout { ms: r.u32("fetch timeout")? }),
        tag => Err(FrameError::UnknownTag { field: "fetch failure", tag }),
    }
}
