//! Raw samples of a selector over a range: how many series it matches (`/api/v1/series`), then
//! the chunked range-selector queries the core's planner chose, merged per label set in time
//! order. Chunks tile the range without overlap (core `plan::raw_chunks`), so concatenation keeps
//! every sample exactly once.

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

/// The raw samples of the chunk `requests` (range-selector instant queries, oldest first), merged
/// per label set, with the warnings the source sent. `Ok(None)`: superseded.
pub async fn fetch_raw(
    source: &DataSource,
    requests: &[PromRequest],
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
            entry.t_ms.extend_from_slice(&s.t_ms);
            entry.values.extend_from_slice(&s.values);
        }
    }
    Ok(Some((merged.into_values().collect(), warnings)))
}
