//! Routing and parameter handling of the demo's Prometheus HTTP API.
//!
//! Contract: parameters are read as Prometheus' `web/api/v1/api.go` reads them (first value of a
//! key; `match[]` repeats; times are Unix seconds with decimals or RFC 3339; steps are seconds with
//! decimals or Prometheus durations such as `15s`), checks run in Prometheus' order with its
//! error texts, and every answer is a JSON envelope. Metadata endpoints ignore `start`/`end`
//! beyond validating them: every demo series exists at all times.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, VectorSelector};

use super::data::{series_catalog, DemoSource, METADATA};
use super::promql::{self, EvalError, QueryValue};
use super::{json, DemoResponse};

struct ApiError {
    status: u16,
    error_type: &'static str,
    message: String,
}

impl ApiError {
    fn bad_data(message: impl Into<String>) -> Self {
        ApiError { status: 400, error_type: "bad_data", message: message.into() }
    }

    fn invalid_param(name: &str, message: impl std::fmt::Display) -> Self {
        ApiError::bad_data(format!("invalid parameter \"{name}\": {message}"))
    }
}

impl From<EvalError> for ApiError {
    fn from(e: EvalError) -> Self {
        ApiError { status: e.kind.http_status(), error_type: e.kind.error_type(), message: e.message }
    }
}

const ENDPOINTS: &str = "/api/v1/query, /api/v1/query_range, /api/v1/labels, /api/v1/label/<name>/values, \
                         /api/v1/series, /api/v1/metadata, /api/v1/status/buildinfo";

pub(super) fn respond(seed: u64, path: &str, params: &[(String, String)], now_ms: i64) -> DemoResponse {
    match route(seed, path, params, now_ms) {
        Ok(body) => DemoResponse { status: 200, body },
        Err(e) => DemoResponse { status: e.status, body: json::error(e.error_type, &e.message) },
    }
}

fn route(seed: u64, path: &str, params: &[(String, String)], now_ms: i64) -> Result<Vec<u8>, ApiError> {
    let clean = path.split('?').next().unwrap_or("");
    let rest = clean.find("/api/v1/").and_then(|i| clean.get(i + "/api/v1/".len()..)).map(|r| r.trim_end_matches('/'));
    match rest {
        Some("query") => query(seed, params, now_ms),
        Some("query_range") => query_range(seed, params, now_ms),
        Some("labels") => labels(params),
        Some("series") => series(params),
        Some("metadata") => Ok(metadata(params)),
        Some("status/buildinfo") => Ok(buildinfo()),
        Some("query_exemplars") => query_exemplars(seed, params, now_ms),
        Some(r) if r.starts_with("label/") && r.ends_with("/values") && r.len() >= "label//values".len() => {
            let name = r.get("label/".len()..r.len() - "/values".len()).unwrap_or("");
            label_values(name, params)
        }
        _ => Err(ApiError {
            status: 404,
            error_type: "not_found",
            message: format!("unknown API endpoint {clean:?}; the demo source answers {ENDPOINTS}"),
        }),
    }
}

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Prometheus' `parseTime`: Unix seconds (decimals allowed, rounded to the ms) or RFC 3339.
fn parse_time(s: &str) -> Result<i64, String> {
    let fail = || format!("cannot parse {s:?} to a valid timestamp");
    if let Ok(t) = s.parse::<f64>() {
        if !t.is_finite() || t.abs() > 1e15 {
            return Err(fail());
        }
        let secs = t.trunc();
        let frac_ms = ((t - secs) * 1000.0).round();
        return Ok(secs as i64 * 1000 + frac_ms as i64);
    }
    chrono::DateTime::parse_from_rfc3339(s).map(|d| d.timestamp_millis()).map_err(|_| fail())
}

/// The floats that convert to an i64 without overflow (`-2^63 ≤ x < 2^63`).
const I64_RANGE_F64: std::ops::Range<f64> = -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;

/// Prometheus' `parseDuration` for `step`: seconds (decimals allowed) or a duration string.
/// Returns nanoseconds.
fn parse_step_ns(s: &str) -> Result<i64, String> {
    if let Ok(d) = s.parse::<f64>() {
        let ns = d * 1e9;
        if ns.is_nan() {
            return Ok(0);
        }
        if !(I64_RANGE_F64).contains(&ns) {
            return Err(format!("cannot parse {s:?} to a valid duration. It overflows int64"));
        }
        return Ok(ns as i64);
    }
    let fail = || format!("cannot parse {s:?} to a valid duration");
    let d = promql_parser::util::parse_duration(s).map_err(|_| fail())?;
    i64::try_from(d.as_nanos()).map_err(|_| format!("cannot parse {s:?} to a valid duration. It overflows int64"))
}

fn query_range(seed: u64, params: &[(String, String)], now_ms: i64) -> Result<Vec<u8>, ApiError> {
    let start = parse_time(param(params, "start").unwrap_or("")).map_err(|e| ApiError::invalid_param("start", e))?;
    let end = parse_time(param(params, "end").unwrap_or("")).map_err(|e| ApiError::invalid_param("end", e))?;
    if end < start {
        return Err(ApiError::bad_data("end timestamp must not be before start time"));
    }
    let step_ns = parse_step_ns(param(params, "step").unwrap_or("")).map_err(|e| ApiError::invalid_param("step", e))?;
    if step_ns <= 0 {
        return Err(ApiError::bad_data(
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    if (i128::from(end) - i128::from(start)) * 1_000_000 / i128::from(step_ns) > 11_000 {
        return Err(ApiError::bad_data(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ));
    }
    let step_ms = (step_ns / 1_000_000).max(1);
    let source = DemoSource::new(seed, now_ms);
    let series = promql::eval_range(&source, param(params, "query").unwrap_or(""), start, end, step_ms)?;
    Ok(json::success(|out| json::matrix(out, &series)))
}

fn query(seed: u64, params: &[(String, String)], now_ms: i64) -> Result<Vec<u8>, ApiError> {
    let t = match param(params, "time") {
        None | Some("") => now_ms,
        Some(s) => parse_time(s).map_err(|e| ApiError::invalid_param("time", e))?,
    };
    let source = DemoSource::new(seed, now_ms);
    let value = promql::eval_instant(&source, param(params, "query").unwrap_or(""), t)?;
    Ok(json::success(|out| match &value {
        QueryValue::Scalar { t_ms, value } => json::scalar(out, *t_ms, *value),
        QueryValue::String { t_ms, value } => json::string(out, *t_ms, value),
        QueryValue::Vector(samples) => json::vector(out, samples),
        QueryValue::Matrix(series) => json::matrix(out, series),
    }))
}

/// The `match[]` selectors (empty when none was given); validates `start`/`end` when present.
fn selectors(params: &[(String, String)]) -> Result<Vec<VectorSelector>, ApiError> {
    for name in ["start", "end"] {
        if let Some(s) = param(params, name).filter(|s| !s.is_empty()) {
            parse_time(s).map_err(|e| ApiError::invalid_param(name, e))?;
        }
    }
    let mut out = Vec::new();
    for (_, m) in params.iter().filter(|(k, _)| k == "match[]") {
        let expr = promql::parse_query(m).map_err(|e| {
            let message = e.message.replacen("invalid parameter \"query\"", "invalid parameter \"match[]\"", 1);
            ApiError { status: e.kind.http_status(), error_type: e.kind.error_type(), message }
        })?;
        match expr {
            Expr::VectorSelector(vs) if vs.offset.is_none() && vs.at.is_none() => out.push(vs),
            _ => return Err(ApiError::invalid_param("match[]", format!("expected a series selector, got {m:?}"))),
        }
    }
    Ok(out)
}

fn selected(selectors: &[VectorSelector]) -> impl Iterator<Item = &'static crate::series::Labels> + '_ {
    series_catalog()
        .iter()
        .filter(move |l| selectors.is_empty() || selectors.iter().any(|vs| promql::selector_matches(vs, l)))
}

fn labels(params: &[(String, String)]) -> Result<Vec<u8>, ApiError> {
    let sel = selectors(params)?;
    let names: BTreeSet<&str> = selected(&sel).flat_map(|l| l.0.keys().map(String::as_str)).collect();
    Ok(json::success(|out| json::string_list(out, names)))
}

/// Prometheus' `U__` name escaping (`U__http_2e_code` → `http.code`); other names unchanged.
fn unescape_name(name: &str) -> String {
    let Some(rest) = name.strip_prefix("U__") else { return name.to_string() };
    let mut out = String::with_capacity(rest.len());
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        if c != '_' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        let mut closed = false;
        for d in chars.by_ref() {
            if d == '_' {
                closed = true;
                break;
            }
            hex.push(d);
        }
        if !closed {
            return name.to_string();
        }
        if hex.is_empty() {
            out.push('_');
            continue;
        }
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(ch) => out.push(ch),
            None => return name.to_string(),
        }
    }
    out
}

fn label_values(raw_name: &str, params: &[(String, String)]) -> Result<Vec<u8>, ApiError> {
    let name = unescape_name(raw_name);
    if name.is_empty() {
        return Err(ApiError::bad_data(format!("invalid label name: {raw_name:?}")));
    }
    let sel = selectors(params)?;
    let values: BTreeSet<&str> = selected(&sel).filter_map(|l| l.get(&name)).collect();
    Ok(json::success(|out| json::string_list(out, values)))
}

fn series(params: &[(String, String)]) -> Result<Vec<u8>, ApiError> {
    let sel = selectors(params)?;
    if sel.is_empty() {
        return Err(ApiError::bad_data("no match[] parameter provided"));
    }
    Ok(json::success(|out| {
        out.push(b'[');
        for (i, l) in selected(&sel).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::push_labels(out, l);
        }
        out.push(b']');
    }))
}

fn metadata(params: &[(String, String)]) -> Vec<u8> {
    let metric = param(params, "metric").filter(|m| !m.is_empty());
    json::success(|out| {
        out.push(b'{');
        let mut first = true;
        for (name, kind, help) in METADATA.iter().filter(|m| metric.map_or(true, |x| x == m.0)) {
            if !first {
                out.push(b',');
            }
            first = false;
            json::push_str(out, name);
            out.extend_from_slice(b":[{\"type\":");
            json::push_str(out, kind);
            out.extend_from_slice(b",\"help\":");
            json::push_str(out, help);
            out.extend_from_slice(b",\"unit\":\"\"}]");
        }
        out.push(b'}');
    })
}

/// `query_exemplars`: the exemplars of the series the query's selectors match (see
/// [`super::exemplars`]); `start` defaults to an hour before `end`, `end` to now.
fn query_exemplars(seed: u64, params: &[(String, String)], now_ms: i64) -> Result<Vec<u8>, ApiError> {
    use promql_parser::util::{walk_expr, ExprVisitor};
    struct Selectors(Vec<VectorSelector>);
    impl ExprVisitor for Selectors {
        type Error = ();
        fn pre_visit(&mut self, e: &Expr) -> Result<bool, ()> {
            match e {
                Expr::VectorSelector(vs) => self.0.push(vs.clone()),
                Expr::MatrixSelector(ms) => self.0.push(ms.vs.clone()),
                _ => {}
            }
            Ok(true)
        }
    }
    let time = |name: &str, default: i64| match param(params, name) {
        None | Some("") => Ok(default),
        Some(s) => parse_time(s).map_err(|e| ApiError::invalid_param(name, e)),
    };
    let end = time("end", now_ms)?;
    let start = time("start", end.saturating_sub(3_600_000))?;
    if end < start {
        return Err(ApiError::bad_data("end timestamp must not be before start time"));
    }
    let expr = promql::parse_query(param(params, "query").unwrap_or(""))?;
    let mut found = Selectors(Vec::new());
    let _ = walk_expr(&mut found, &expr);
    let list = super::exemplars::demo_exemplars(seed, start, end, now_ms, |l| {
        found.0.iter().any(|vs| promql::selector_matches(vs, l))
    });
    Ok(json::success(|out| {
        out.push(b'[');
        for (i, (labels, exemplars)) in list.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"seriesLabels\":");
            json::push_labels(out, labels);
            out.extend_from_slice(b",\"exemplars\":[");
            for (j, e) in exemplars.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                let ex_labels: crate::series::Labels =
                    [("span_id", e.span_id.as_str()), ("trace_id", e.trace_id.as_str())].into_iter().collect();
                out.extend_from_slice(b"{\"labels\":");
                json::push_labels(out, &ex_labels);
                out.extend_from_slice(b",\"value\":");
                json::push_value(out, e.value);
                out.extend_from_slice(b",\"timestamp\":");
                json::push_ts(out, e.t_ms);
                out.push(b'}');
            }
            out.extend_from_slice(b"]}");
        }
        out.push(b']');
    }))
}

fn buildinfo() -> Vec<u8> {
    json::success(|out| {
        out.extend_from_slice(
            b"{\"version\":\"3.0.0-sightline-demo\",\"revision\":\"demo\",\"branch\":\"demo\",\
             \"buildUser\":\"sightline\",\"buildDate\":\"\",\"goVersion\":\"none (built-in demo source)\"}",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_like_prometheus() {
        assert_eq!(parse_time("1435781451.781"), Ok(1_435_781_451_781));
        assert_eq!(parse_time("1435781451"), Ok(1_435_781_451_000));
        assert_eq!(parse_time("2015-07-01T20:10:51.781Z"), Ok(1_435_781_451_781));
        assert_eq!(parse_time("x"), Err("cannot parse \"x\" to a valid timestamp".to_string()));
        assert!(parse_time("NaN").is_err());
    }

    #[test]
    fn steps_parse_as_seconds_or_durations() {
        assert_eq!(parse_step_ns("15"), Ok(15_000_000_000));
        assert_eq!(parse_step_ns("0.5"), Ok(500_000_000));
        assert_eq!(parse_step_ns("1m"), Ok(60_000_000_000));
        assert!(parse_step_ns("abc").is_err());
        assert!(parse_step_ns("1e300").is_err());
    }

    #[test]
    fn escaped_label_names_are_unescaped() {
        assert_eq!(unescape_name("U__http_2e_code"), "http.code");
        assert_eq!(unescape_name("U__a__b"), "a_b");
        assert_eq!(unescape_name("service"), "service");
    }
}
