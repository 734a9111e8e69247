//! Raw samples of a selector over a range: how many series it matches (`/api/v1/series`), then
//! the chunked range-selector queries the core's planner chose, merged per label set in time
//! order. The merged series hold exactly the samples with `start_ms ≤ t ≤ end_ms`: backends
//! disagree on whether a range selector's left edge is open (Prometheus ≥ 3, VictoriaMetrics) or
//! closed (Prometheus 2), so a sample on a chunk boundary may arrive twice and is kept once, and
//! samples outside the range are dropped.

use std::collections::BTreeMap;

use sightline_core::datasource::DataSource;
use sightline_core::formats::prometheus::{decode_label_sets, PromRequest, ResultData};
use sightline_core::series::{Labels, Series};

use super::query::{run, PanelError};
use super::{send, TransportError};

/// How many series `selector` matches in `[start_ms, end_ms]`.
pub async fn count_series(source: &DataSource, selector: &str, start_ms: i64, end_ms: i64) -> Result<u64, PanelError> {
    let req = PromRequest::Series { matchers: vec![selector.to_string()], start_ms, end_ms };
    let raw = send(source, &req, None).await.map_err(|e| match e {
        TransportError::Network { .. } => PanelError { kind: "Network or CORS".into(), message: e.to_string() },
        _ => PanelError { kind: "Timeout".into(), message: e.to_string() },
    })?;
    let sets = decode_label_sets(raw.status, &raw.body).map_err(|e| PanelError { kind: e.kind_label(), message: e.to_string() })?;
    Ok(sets.data.len() as u64)
}

/// The raw samples in `[start_ms, end_ms]` of the chunk `requests` (range-selector instant
/// queries, oldest first), merged per label set, with the warnings the source sent.
/// `Ok(None)`: superseded.
pub async fn fetch_raw(
    source: &DataSource,
    requests: &[PromRequest],
    (start_ms, end_ms): (i64, i64),
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<(Vec<Series>, Vec<String>)>, PanelError> {
    let mut merged: BTreeMap<Labels, Series> = BTreeMap::new();
    let mut warnings = Vec::new();
    for req in requests {
        let Some(resp) = run(source, req, abort).await? else { return Ok(None) };
        warnings.extend(resp.warnings);
        let ResultData::Matrix(chunk) = resp.data else {
            return Err(PanelError {
                kind: "Unexpected result".into(),
                message: "A range-selector query did not return a matrix of raw samples.".into(),
            });
        };
        for s in chunk {
            let entry = merged.entry(s.labels.clone()).or_insert_with(|| Series { labels: s.labels, t_ms: Vec::new(), values: Vec::new() });
            for (&t, &v) in s.t_ms.iter().zip(&s.values) {
                let after_last = entry.t_ms.last().map_or(true, |&last| t > last);
                if after_last && (start_ms..=end_ms).contains(&t) {
                    entry.t_ms.push(t);
                    entry.values.push(v);
                }
            }
        }
    }
    Ok(Some((merged.into_values().collect(), warnings)))
}
