//! A panel's `query_range` request sent from the background worker (see `crate::offload::jobs`):
//! the request as the worker gets it, and a failure it reports as the same [`TransportError`] the
//! page's own fetch gives, so the panel shows the same message whichever thread sent it.
//!
//! Why `query_range` always goes to the worker (when it is on, for a network source): the size of
//! an answer is unknown until its body is read, and reading a large body is itself a long
//! main-thread task; for a small answer the detour costs one message each way and a frame of
//! about the answer's column size. Other requests (instant queries, label lists, the two legs of
//! an expression, which must run at the same time) stay on the page.

use sightline_core::datasource::DataSource;
use sightline_core::offload::{FetchFailure, FetchRequest};

use super::{credential_headers, TransportError, REQUEST_TIMEOUT_MS};

/// The GET of `url` with `source`'s credential headers, for the worker. A relative source URL is
/// resolved against the page first (the worker's own base is its script).
pub fn request(source: &DataSource, url: &str, with_native: bool) -> FetchRequest {
    let absolute = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| web_sys::Url::new_with_base(url, &base).ok())
        .map_or_else(|| url.to_string(), |u| u.href());
    FetchRequest {
        url: absolute,
        method: "GET".into(),
        body: None,
        headers: credential_headers(source).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        timeout_ms: REQUEST_TIMEOUT_MS,
        with_native,
    }
}

/// The worker's failure to get `url` as the page's own fetch reports it.
pub fn transport_error(source: &DataSource, url: String, failure: FetchFailure) -> TransportError {
    match failure {
        FetchFailure::Network { detail } => {
            TransportError::Network { detail, url, headers: credential_headers(source).into_iter().map(|(k, _)| k).collect() }
        }
        FetchFailure::Timeout { ms } => TransportError::Timeout { secs: ms / 1000, url },
    }
}
