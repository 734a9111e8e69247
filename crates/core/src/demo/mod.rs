//! The built-in demo data source: a fake Prometheus server living in the core.
//!
//! The app sends [`DemoBackend::respond`] the same request it would send a real backend (path and
//! decoded query parameters) and gets back an HTTP status and the bytes of a real Prometheus HTTP
//! API JSON response, which it decodes with the same decoder as a real backend's.
//!
//! Contract:
//! - Endpoints: `/api/v1/query_range`, `/api/v1/query`, `/api/v1/labels`,
//!   `/api/v1/label/<name>/values`, `/api/v1/series`, `/api/v1/metadata`,
//!   `/api/v1/status/buildinfo`, `/api/v1/query_exemplars` ([`exemplars`]; the demo has no
//!   native histograms) (anything before `/api/v1/` in the path is ignored). Any other
//!   path is 404 with Prometheus' error envelope (`errorType` `not_found`).
//! - Errors are Prometheus' envelope `{"status":"error","errorType":…,"error":…}`: 400 `bad_data`
//!   for bad parameters and parse errors (Prometheus' own texts, e.g. the 11,000-point rule;
//!   parse errors carry `promql-parser`'s text), 422 `execution` for queries the demo evaluator
//!   does not support ("the demo source does not support …; supported: …"), see [`promql`].
//! - Deterministic: the answer depends only on `(seed, path, params, now_ms)`; `now_ms` is always
//!   passed in (the demo never reads a clock). No sample is later than `now_ms`.
//! - The data: a small shop (see [`data`] for the series and their consistency rules), scraped
//!   every 15 s, counters restarting at 00:00 UTC daily, with one incident
//!   ([`incident_window_ms`]) during which `payments` fails ~20 % of requests with 500/503, its
//!   latency rises ×5 (checkout's ×1.8) and checkout completion drops from ~76 % to ~50 %.
//! - Never panics on any input; cost is bounded by [`promql::MAX_SAMPLES`] and the 11,000-point
//!   rule.

mod api;
pub mod data;
pub mod exemplars;
mod json;
pub mod promql;

pub use data::{series_catalog, SCRAPE_INTERVAL_MS};

/// The seed used when none is given (the app's demo source uses it too).
pub const DEFAULT_SEED: u64 = 42;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;

/// The demo's incident, `[start_ms, end_ms)`: it starts 100 minutes before `now_ms` floored to
/// the hour and lasts 20 minutes, so it is always between about 1 h 40 min and 2 h 40 min ago
/// (inside the default 6 h view) and does not move while the hour does not change. Logs and
/// traces of the demo use the same window.
pub fn incident_window_ms(now_ms: i64) -> (i64, i64) {
    let start = now_ms.div_euclid(HOUR_MS).saturating_mul(HOUR_MS).saturating_sub(100 * MINUTE_MS);
    (start, start.saturating_add(20 * MINUTE_MS))
}

/// The demo backend. Cheap to create; holds only the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoBackend {
    seed: u64,
}

impl Default for DemoBackend {
    /// A backend with [`DEFAULT_SEED`].
    fn default() -> Self {
        DemoBackend::new(DEFAULT_SEED)
    }
}

/// An HTTP answer: status and body bytes (always a Prometheus JSON envelope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

impl DemoBackend {
    /// A backend whose noise is derived from `seed`.
    pub fn new(seed: u64) -> Self {
        DemoBackend { seed }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Answers a Prometheus HTTP API request. `path` like `"/api/v1/query_range"`; `params` the
    /// decoded key/value pairs of the query string or form body (the first value of a key counts,
    /// except `match[]` which may repeat); `now_ms` the current time.
    pub fn respond(&self, path: &str, params: &[(String, String)], now_ms: i64) -> DemoResponse {
        api::respond(self.seed, path, params, now_ms)
    }
}
pub mod traces;
pub mod logs;
