//! Transport for log requests: the core builds the Loki request; here it is sent (network, or the
//! in-process demo, which answers Loki's API with real-shaped bytes) and decoded by the core's
//! Loki decoder. Every failure becomes a [`PanelError`] for the Logs page. The tenant and
//! credentials go only into headers ([`super::fetch_url`]).

use sightline_core::datasource::DataSource;
use sightline_core::formats::prometheus::ResultData;
use sightline_core::logs::loki::{decode_loki, LokiAnswer};
use sightline_core::logs::query::{volume_request, LogQuery};
use sightline_core::logs::volume::{volume_from_series, Volume};
use sightline_core::series::Series;
use sightline_core::urlencoding::encode_pairs;

use super::query::PanelError;
use super::{fetch_url, RawResponse, TransportError};

/// Buckets of the volume chart, at most.
pub const VOLUME_BUCKETS: usize = 120;

fn check_kind(source: &DataSource) -> Result<(), PanelError> {
    if source.kind.serves_logs() {
        Ok(())
    } else {
        Err(PanelError {
            kind: "Not a log source".into(),
            message: format!("'{}' is a {} source; pick a Loki source, or the demo, for logs.", source.name, source.kind.as_str()),
        })
    }
}

/// GETs `path?params` from `source`. `Ok(None)`: superseded.
async fn get(
    source: &DataSource,
    path: &str,
    params: &[(String, String)],
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<RawResponse>, PanelError> {
    check_kind(source)?;
    let raw = if source.kind == sightline_core::datasource::SourceKind::Demo {
        Ok(super::demo_answer(|demo, now| demo.respond_logs(path, params, now)).await)
    } else {
        let url = format!("{}{path}?{}", source.url.trim_end_matches('/'), encode_pairs(params));
        fetch_url(source, url, abort).await
    };
    match raw {
        Ok(raw) => Ok(Some(raw)),
        Err(TransportError::Aborted) => Ok(None),
        Err(e @ TransportError::Network { .. }) => Err(PanelError {
            kind: "Network or CORS".into(),
            message: format!("{e} Loki sends no CORS headers itself; serve it through a proxy that does."),
        }),
        Err(e @ TransportError::Timeout { .. }) => Err(PanelError { kind: "Timeout".into(), message: e.to_string() }),
    }
}

fn decode(raw: &RawResponse) -> Result<LokiAnswer, PanelError> {
    decode_loki(raw.status, &raw.body).map_err(|e| PanelError { kind: e.kind_label(), message: e.to_string() })
}

/// Runs a log (or metric) query. `Ok(None)`: superseded.
pub async fn query(source: &DataSource, q: &LogQuery, abort: Option<&web_sys::AbortSignal>) -> Result<Option<LokiAnswer>, PanelError> {
    q.validate().map_err(|message| PanelError { kind: "Query".into(), message })?;
    let Some(raw) = get(source, q.path(), &q.params(), abort).await? else { return Ok(None) };
    decode(&raw).map(Some)
}

/// The server-side volume of a log query over its range. `Ok(None)`: not a log query, or
/// superseded. An error here is shown as a note; the lines stay.
pub async fn volume(source: &DataSource, q: &LogQuery) -> Result<Option<Volume>, PanelError> {
    let Some(req) = volume_request(&q.query, q.start_ns, q.end_ns, VOLUME_BUCKETS) else { return Ok(None) };
    let series = metric_range(source, &req.params, "the volume query").await?;
    Ok(series.map(|s| volume_from_series(&s, req.first_ns, req.width_ns, q.end_ns)))
}

/// The series a metric `query_range` request (`params`) answers; `what` names the query in
/// errors. `Ok(None)`: superseded.
pub async fn metric_range(
    source: &DataSource,
    params: &[(String, String)],
    what: &str,
) -> Result<Option<Vec<Series>>, PanelError> {
    let Some(raw) = get(source, "/loki/api/v1/query_range", params, None).await? else { return Ok(None) };
    match decode(&raw)? {
        LokiAnswer::Metric(resp) => match resp.data {
            ResultData::Matrix(series) => Ok(Some(series)),
            _ => Err(PanelError { kind: "Unexpected answer".into(), message: format!("{what} did not answer a matrix") }),
        },
        LokiAnswer::Streams { .. } => {
            Err(PanelError { kind: "Unexpected answer".into(), message: format!("{what} answered log lines") })
        }
    }
}

/// Label names of a log source (for the query helper). Errors are shown next to the field.
pub async fn labels(source: &DataSource) -> Result<Vec<String>, PanelError> {
    let Some(raw) = get(source, "/loki/api/v1/labels", &[], None).await? else { return Ok(Vec::new()) };
    sightline_core::formats::prometheus::decode_string_list(raw.status, &raw.body)
        .map(|r| r.data)
        .map_err(|e| PanelError { kind: e.kind_label(), message: e.to_string() })
}
