//! Exemplars: `GET|POST /api/v1/query_exemplars?query=&start=&end=` — the metric → trace links
//! (a bucket sample annotated with the trace id of one request it counted).
//!
//! - [`exemplars_request_params`]: path and parameters (times: `i64` ms in, Unix seconds with up
//!   to three decimals out, as [`super::PromRequest`] does; [`super::PromRequest::Exemplars`]
//!   uses it).
//! - [`decode_exemplars`]: status + body → one [`Exemplar`] per entry of
//!   `data: [{seriesLabels, exemplars: [{labels, value, timestamp}]}]`.
//!
//! Contract: the envelope is handled as by the other Prometheus decoders (`"status":"error"` →
//! [`PromError::Api`], non-2xx without an error envelope → [`PromError::Http`], a 2xx body that is
//! not JSON or whose `data` is not a list → [`PromError::Decode`]); `data: null` or `[]` is "no
//! exemplars" (`Ok`, empty). Values are strings (`"0.067"`, `"NaN"`, `"+Inf"`) or numbers;
//! timestamps float (or string) seconds → `i64` ms, rounded to the nearest ms. One malformed
//! exemplar (no value, no timestamp) is skipped and counted in one warning; it does not fail the
//! panel. The trace id is the first non-empty of the labels `trace_id`, `traceID`, `traceId`; an
//! all-zero id (an unsampled span context) is treated as absent. Output is sorted by series labels,
//! then time (stable), whatever the server's order. Unknown fields are ignored.

use serde_json::Value;

use super::decode::QueryResponse;
use super::error::{body_excerpt, PromError};
use super::request::format_seconds;
use crate::series::Labels;

/// One exemplar.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    /// The labels of the series the exemplar belongs to (e.g. a `_bucket` series with its `le`).
    pub series_labels: Labels,
    /// The exemplar's own labels (`trace_id`, `span_id`, …).
    pub labels: Labels,
    /// The observed value (e.g. a request's duration).
    pub value: f64,
    /// When it was observed, ms since the Unix epoch.
    pub t_ms: i64,
    /// From `trace_id`, `traceID` or `traceId`; `None` when absent, empty or all zeros.
    pub trace_id: Option<String>,
}

/// Label names that carry a trace id, in order of preference (OpenTelemetry / OpenMetrics
/// `trace_id`, Jaeger / Grafana `traceID`, camel case `traceId`).
pub const TRACE_ID_LABELS: [&str; 3] = ["trace_id", "traceID", "traceId"];

/// The endpoint's path below the data source's base URL.
pub const EXEMPLARS_PATH: &str = "/api/v1/query_exemplars";

/// `("/api/v1/query_exemplars", [("query", …), ("start", …), ("end", …)])`.
pub fn exemplars_request_params(query: &str, start_ms: i64, end_ms: i64) -> (String, Vec<(String, String)>) {
    (
        EXEMPLARS_PATH.to_string(),
        vec![
            ("query".to_string(), query.to_string()),
            ("start".to_string(), format_seconds(start_ms)),
            ("end".to_string(), format_seconds(end_ms)),
        ],
    )
}

/// Decodes a `query_exemplars` response; see the module doc.
pub fn decode_exemplars(http_status: u16, body: &[u8]) -> Result<QueryResponse<Vec<Exemplar>>, PromError> {
    let (data, mut warnings, infos) = decode_envelope_value(http_status, body)?;
    let entries = match data {
        Value::Null => Vec::new(),
        Value::Array(entries) => entries,
        other => {
            return Err(PromError::Decode {
                detail: format!("\"data\" should be a list of series with exemplars, found {}", json_kind(&other)),
            })
        }
    };
    let mut out = Vec::new();
    let mut skipped = 0usize;
    for entry in &entries {
        let series_labels = labels_of(entry.get("seriesLabels"));
        let Some(list) = entry.get("exemplars").and_then(Value::as_array) else {
            if entry.get("exemplars").is_some_and(|e| !e.is_null()) {
                skipped += 1;
            }
            continue;
        };
        for ex in list {
            let value = ex.get("value").and_then(number_of);
            let t_ms = ex.get("timestamp").and_then(seconds_to_ms);
            let (Some(value), Some(t_ms)) = (value, t_ms) else {
                skipped += 1;
                continue;
            };
            let labels = labels_of(ex.get("labels"));
            let trace_id = trace_id_of(&labels);
            out.push(Exemplar { series_labels: series_labels.clone(), labels, value, t_ms, trace_id });
        }
    }
    if skipped > 0 {
        warnings.push(format!("{skipped} malformed exemplars (no value or timestamp) were skipped"));
    }
    out.sort_by(|a, b| a.series_labels.cmp(&b.series_labels).then(a.t_ms.cmp(&b.t_ms)));
    Ok(QueryResponse { data: out, warnings, infos })
}

/// The trace id among `labels` (see [`TRACE_ID_LABELS`]); all-zero ids are absent.
pub fn trace_id_of(labels: &Labels) -> Option<String> {
    TRACE_ID_LABELS
        .iter()
        .filter_map(|name| labels.get(name))
        .map(str::trim)
        .find(|id| !id.is_empty() && !id.chars().all(|c| c == '0' || c == '-'))
        .map(str::to_string)
}

/// The shared envelope rules over a parsed JSON value: `Ok((data, warnings, infos))`.
pub(crate) fn decode_envelope_value(
    http_status: u16,
    body: &[u8],
) -> Result<(Value, Vec<String>, Vec<String>), PromError> {
    let success = (200..300).contains(&http_status);
    let http_error = || PromError::Http { status: http_status, body_excerpt: body_excerpt(body) };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(if success {
            PromError::Decode { detail: "the response body is empty".to_string() }
        } else {
            http_error()
        });
    }
    let mut root: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) if success => {
            let starts_html = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
            let detail = if starts_html {
                format!("{e}: the body is HTML, not JSON (\u{201c}{}\u{201d}). Check that the data source URL is the Prometheus base URL, without /api/v1", body_excerpt(body))
            } else if e.classify() == serde_json::error::Category::Eof {
                format!("{e}: the response was cut off; retry, or narrow the time range")
            } else {
                format!("{e}. Check that the data source speaks the Prometheus HTTP API")
            };
            return Err(PromError::Decode { detail });
        }
        Err(_) => return Err(http_error()),
    };
    if root.get("status").and_then(Value::as_str) == Some("error") {
        return Err(PromError::Api {
            error_type: root.get("errorType").and_then(Value::as_str).unwrap_or("unknown").to_string(),
            message: root.get("error").and_then(Value::as_str).unwrap_or_default().to_string(),
            http_status,
        });
    }
    if !success {
        return Err(http_error());
    }
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let warnings = strings(root.get("warnings"));
    let infos = strings(root.get("infos"));
    let Some(data) = root.get_mut("data").map(Value::take) else {
        return Err(PromError::Decode { detail: "the response has no \"data\" field".to_string() });
    };
    Ok((data, warnings, infos))
}

/// A label object `{"name": "value", …}`; non-string values are skipped.
pub(crate) fn labels_of(v: Option<&Value>) -> Labels {
    v.and_then(Value::as_object)
        .map(|m| Labels(m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()))
        .unwrap_or_default()
}

/// A sample value: a JSON number or one of Prometheus' strings (`"1"`, `"NaN"`, `"+Inf"`, `"-Inf"`).
pub(crate) fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "+Inf" | "Inf" => Some(f64::INFINITY),
            "-Inf" => Some(f64::NEG_INFINITY),
            s => s.parse().ok(),
        },
        _ => None,
    }
}

/// Float (or string, or integer) seconds → ms, rounded to the nearest ms; `None` when not finite
/// or out of range.
pub(crate) fn seconds_to_ms(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return i.checked_mul(1000);
    }
    let secs = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    let ms = (secs * 1000.0).round();
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (ms.is_finite() && (-LIMIT..LIMIT).contains(&ms)).then_some(ms as i64)
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_id_prefers_trace_id_and_ignores_zero_ids() {
        let l: Labels = [("traceID", "abc"), ("trace_id", "def")].into_iter().collect();
        assert_eq!(trace_id_of(&l).as_deref(), Some("def"));
        let zero: Labels = [("trace_id", "00000000000000000000000000000000"), ("traceId", "f00d")].into_iter().collect();
        assert_eq!(trace_id_of(&zero).as_deref(), Some("f00d"));
        assert_eq!(trace_id_of(&Labels::default()), None);
    }

    #[test]
    fn seconds_round_to_the_nearest_millisecond() {
        assert_eq!(seconds_to_ms(&serde_json::json!(1796228473.871)), Some(1_796_228_473_871));
        assert_eq!(seconds_to_ms(&serde_json::json!(1600000000)), Some(1_600_000_000_000));
        assert_eq!(seconds_to_ms(&serde_json::json!("1.5")), Some(1500));
        assert_eq!(seconds_to_ms(&serde_json::json!(1e300)), None);
        assert_eq!(seconds_to_ms(&serde_json::json!(null)), None);
    }
}
