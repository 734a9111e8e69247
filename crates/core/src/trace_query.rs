//! Building trace-backend requests (pure: paths and query parameters, no transport) for Jaeger's
//! query API (`/api/…`), Grafana Tempo (`/api/search`, `/api/traces/{id}`, `/api/v2/traces/{id}`)
//! and Zipkin v2 (`/api/v2/…`), and decoding their small listing answers (service and operation
//! names, Tempo search summaries, dependency links). Whole traces are decoded by the core's trace
//! decoder, not here.
//!
//! Units on the wire differ per backend (reference: wire-formats.md §1): Jaeger search `start`/
//! `end` are µs and `minDuration`/`maxDuration` Go duration strings; Jaeger `/api/dependencies`
//! takes ms; Tempo search `start`/`end` are Unix seconds and durations Go strings; Zipkin's
//! `endTs`/`lookback` are ms and `minDuration`/`maxDuration` µs. In this module every time is
//! `i64` ms since the epoch and every duration `u64` ns; conversion happens only in
//! [`TraceRequest::params`]. Parameters come out in a fixed order, so equal requests give equal
//! URLs. Trace ids are lower-cased and must be hex; user text never reaches a path unescaped.

use serde::Deserialize;

use crate::urlencoding::encode_pairs;

/// Which trace API a source speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceApi {
    /// Jaeger query service, legacy JSON API (`/api/services`, `/api/traces`, …).
    Jaeger,
    /// Grafana Tempo HTTP API.
    Tempo,
    /// Zipkin v2 API.
    Zipkin,
}

/// A trace search, in the units of this module (ms, ns).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceSearch {
    /// Service name; empty = any (Jaeger requires one).
    pub service: String,
    /// Operation (span name); empty = any.
    pub operation: String,
    /// Tag/attribute filters as `key=value` pairs.
    pub tags: Vec<(String, String)>,
    pub min_duration_ns: Option<u64>,
    pub max_duration_ns: Option<u64>,
    /// Most traces to return.
    pub limit: u32,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Tempo only: a TraceQL query; when set it replaces service/operation/tags.
    pub traceql: String,
}

/// One request to a trace backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceRequest {
    /// Service names.
    Services,
    /// Operation (span) names of one service.
    Operations { service: String },
    /// Traces matching a search (Jaeger and Zipkin answer full traces; Tempo summaries).
    Search(TraceSearch),
    /// One trace by id (hex). Tempo: `v2` selects `/api/v2/traces/{id}`.
    Trace { id: String, v2: bool },
    /// Service dependency links over `[end_ms − lookback_ms, end_ms]` (Jaeger, Zipkin).
    Dependencies { end_ms: i64, lookback_ms: i64 },
}

/// Why a request cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(pub String);

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TraceRequest {
    /// The path below the source's base URL.
    pub fn path(&self, api: TraceApi) -> Result<String, RequestError> {
        Ok(match (api, self) {
            (TraceApi::Jaeger, TraceRequest::Services) => "/api/services".into(),
            (TraceApi::Jaeger, TraceRequest::Operations { service }) => {
                format!("/api/services/{}/operations", escape_segment(service))
            }
            (TraceApi::Jaeger, TraceRequest::Search(_)) => "/api/traces".into(),
            (TraceApi::Jaeger, TraceRequest::Trace { id, .. }) => format!("/api/traces/{}", normalize_trace_id(id)?),
            (TraceApi::Jaeger, TraceRequest::Dependencies { .. }) => "/api/dependencies".into(),
            (TraceApi::Tempo, TraceRequest::Services) => "/api/search/tag/service.name/values".into(),
            (TraceApi::Tempo, TraceRequest::Operations { .. }) => "/api/search/tag/name/values".into(),
            (TraceApi::Tempo, TraceRequest::Search(_)) => "/api/search".into(),
            (TraceApi::Tempo, TraceRequest::Trace { id, v2: false }) => {
                format!("/api/traces/{}", normalize_trace_id(id)?)
            }
            (TraceApi::Tempo, TraceRequest::Trace { id, v2: true }) => {
                format!("/api/v2/traces/{}", normalize_trace_id(id)?)
            }
            (TraceApi::Tempo, TraceRequest::Dependencies { .. }) => return Err(RequestError(
                "Tempo has no dependency API (its service graph is written to a metrics store); the service map is \
                     computed from loaded traces instead."
                    .into(),
            )),
            (TraceApi::Zipkin, TraceRequest::Services) => "/api/v2/services".into(),
            (TraceApi::Zipkin, TraceRequest::Operations { .. }) => "/api/v2/spans".into(),
            (TraceApi::Zipkin, TraceRequest::Search(_)) => "/api/v2/traces".into(),
            (TraceApi::Zipkin, TraceRequest::Trace { id, .. }) => format!("/api/v2/trace/{}", normalize_trace_id(id)?),
            (TraceApi::Zipkin, TraceRequest::Dependencies { .. }) => "/api/v2/dependencies".into(),
        })
    }

    /// Query parameters (not yet encoded), in a fixed order.
    pub fn params(&self, api: TraceApi) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut p = |k: &str, v: String| out.push((k.to_string(), v));
        match (api, self) {
            (TraceApi::Jaeger, TraceRequest::Search(s)) => {
                p("service", s.service.clone());
                if !s.operation.is_empty() {
                    p("operation", s.operation.clone());
                }
                if !s.tags.is_empty() {
                    let map: serde_json::Map<String, serde_json::Value> =
                        s.tags.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
                    p("tags", serde_json::Value::Object(map).to_string());
                }
                if let Some(d) = s.min_duration_ns {
                    p("minDuration", format_go_duration(d));
                }
                if let Some(d) = s.max_duration_ns {
                    p("maxDuration", format_go_duration(d));
                }
                p("limit", s.limit.to_string());
                p("start", s.start_ms.saturating_mul(1000).to_string());
                p("end", s.end_ms.saturating_mul(1000).to_string());
            }
            (TraceApi::Jaeger, TraceRequest::Dependencies { end_ms, lookback_ms }) => {
                p("endTs", end_ms.to_string());
                p("lookback", lookback_ms.to_string());
            }
            (TraceApi::Tempo, TraceRequest::Search(s)) => {
                if !s.traceql.trim().is_empty() {
                    p("q", s.traceql.trim().to_string());
                } else {
                    let mut tags: Vec<(String, String)> = Vec::new();
                    if !s.service.is_empty() {
                        tags.push(("service.name".into(), s.service.clone()));
                    }
                    if !s.operation.is_empty() {
                        tags.push(("name".into(), s.operation.clone()));
                    }
                    tags.extend(s.tags.iter().cloned());
                    if !tags.is_empty() {
                        p("tags", format_logfmt(&tags));
                    }
                }
                if let Some(d) = s.min_duration_ns {
                    p("minDuration", format_go_duration(d));
                }
                if let Some(d) = s.max_duration_ns {
                    p("maxDuration", format_go_duration(d));
                }
                p("limit", s.limit.to_string());
                p("start", s.start_ms.div_euclid(1000).to_string());
                p("end", (s.end_ms.saturating_add(999)).div_euclid(1000).to_string());
            }
            (TraceApi::Zipkin, TraceRequest::Operations { service }) => p("serviceName", service.clone()),
            (TraceApi::Zipkin, TraceRequest::Search(s)) => {
                if !s.service.is_empty() {
                    p("serviceName", s.service.clone());
                }
                if !s.operation.is_empty() {
                    p("spanName", s.operation.clone());
                }
                if !s.tags.is_empty() {
                    let q: Vec<String> = s.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    p("annotationQuery", q.join(" and "));
                }
                if let Some(d) = s.min_duration_ns {
                    p("minDuration", (d / 1000).to_string());
                }
                if let Some(d) = s.max_duration_ns {
                    p("maxDuration", (d / 1000).to_string());
                }
                p("endTs", s.end_ms.to_string());
                p("lookback", s.end_ms.saturating_sub(s.start_ms).max(0).to_string());
                p("limit", s.limit.to_string());
            }
            (TraceApi::Zipkin, TraceRequest::Dependencies { end_ms, lookback_ms }) => {
                p("endTs", end_ms.to_string());
                p("lookback", lookback_ms.to_string());
            }
            _ => {}
        }
        out
    }

    /// The full URL below `base` (no trailing slash expected).
    pub fn url(&self, api: TraceApi, base: &str) -> Result<String, RequestError> {
        let path = self.path(api)?;
        let params = self.params(api);
        let base = base.trim_end_matches('/');
        Ok(if params.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{}", encode_pairs(&params)) })
    }
}

/// Checks a user-entered trace id (hex, 1–32 digits, surrounding space ignored) and returns it
/// lower-cased and left-padded to 16 or 32 digits, the form every backend accepts.
pub fn normalize_trace_id(id: &str) -> Result<String, RequestError> {
    let t = id.trim();
    if t.is_empty() || t.len() > 32 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(RequestError(format!("A trace id is 1 to 32 hexadecimal digits; {t:?} is not one.")));
    }
    let width = if t.len() <= 16 { 16 } else { 32 };
    Ok(format!("{:0>width$}", t.to_ascii_lowercase()))
}

/// Percent-encodes a path segment: every byte except `A–Z a–z 0–9 - . _ ~`.
fn escape_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Tempo's `tags` parameter: logfmt `key=value`, values quoted when they hold a space, `=` or `"`.
fn format_logfmt(pairs: &[(String, String)]) -> String {
    let quote = |v: &str| {
        if v.is_empty() || v.contains([' ', '=', '"']) {
            format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            v.to_string()
        }
    };
    pairs.iter().map(|(k, v)| format!("{k}={}", quote(v))).collect::<Vec<_>>().join(" ")
}

/// A Go duration string for `ns`, in the largest unit that keeps it an integer (`1500ms`,
/// `250us`, `7ns`, `2s`).
pub fn format_go_duration(ns: u64) -> String {
    for (unit, len) in
        [("h", 3_600_000_000_000u64), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)]
    {
        if ns >= len && ns % len == 0 {
            return format!("{}{unit}", ns / len);
        }
    }
    format!("{ns}ns")
}

/// Parses a span duration as typed: one or more `<number><unit>` parts (`100ms`, `1.5s`, `1m30s`,
/// `250us`/`250µs`, `7ns`); decimals allowed. Returns ns.
pub fn parse_span_duration(text: &str) -> Result<u64, RequestError> {
    let fail = || RequestError(format!("{text:?} is not a duration; write it like 100ms, 1.5s, 250us or 1m30s."));
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(fail());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let number: f64 = rest.get(..n).and_then(|s| s.parse().ok()).ok_or_else(fail)?;
        rest = rest.get(n..).unwrap_or("");
        let units: [(&str, f64); 8] = [
            ("ns", 1.0),
            ("us", 1e3),
            ("µs", 1e3),
            ("ms", 1e6),
            ("s", 1e9),
            ("m", 60e9),
            ("h", 3600e9),
            ("d", 86400e9),
        ];
        // Longest unit name first, so `ms` wins over `m`.
        let (name, scale) = units
            .iter()
            .filter(|(name, _)| rest.starts_with(name))
            .max_by_key(|(name, _)| name.len())
            .ok_or_else(fail)?;
        rest = rest.get(name.len()..).unwrap_or("");
        total += number * scale;
    }
    if !total.is_finite() || total >= u64::MAX as f64 {
        return Err(fail());
    }
    Ok(total.round() as u64)
}

/// Parses tag filters typed as `key=value` pairs separated by spaces or newlines (a value may be
/// quoted to hold spaces: `http.url="/a b"`). Returns the pairs in order.
pub fn parse_tag_filters(text: &str) -> Result<Vec<(String, String)>, RequestError> {
    let mut out = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        let key = key.trim().to_string();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(RequestError(format!(
                "Write tag filters as key=value pairs separated by spaces; {key:?} is not a key."
            )));
        }
        let value: String = if chars.peek() == Some(&'"') {
            chars.next();
            let mut v = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => v.extend(chars.next()),
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => v.push(c),
                }
            }
            if !closed {
                return Err(RequestError(format!("The quoted value of tag {key:?} has no closing quote.")));
            }
            v
        } else {
            chars.by_ref().take_while(|c| !c.is_whitespace()).collect()
        };
        out.push((key, value));
    }
}

/// A search hit as Tempo summarises it (Jaeger and Zipkin return whole traces instead, which the
/// trace decoder reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSummary {
    /// 32 lower-case hex digits (leading zeros restored).
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: u64,
    pub duration_ns: u64,
}

#[derive(Deserialize)]
struct TempoSearch {
    #[serde(default)]
    traces: Vec<TempoHit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TempoHit {
    #[serde(rename = "traceID", default)]
    trace_id: String,
    #[serde(default)]
    root_service_name: String,
    #[serde(default)]
    root_trace_name: String,
    #[serde(default)]
    start_time_unix_nano: Option<serde_json::Value>,
    #[serde(default)]
    duration_ms: Option<serde_json::Value>,
}

/// A JSON integer given as a number or a decimal string (wire-formats.md §1), without going
/// through `f64` for strings.
fn json_u64(v: Option<&serde_json::Value>) -> Option<u64> {
    match v? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decodes Tempo's `/api/search` answer into summaries. Hits without a valid trace id are
/// skipped and counted in the second value.
pub fn decode_tempo_search(body: &[u8]) -> Result<(Vec<TraceSummary>, usize), String> {
    let not_search = |e: String| format!("The search answer is not Tempo's search JSON: {e}");
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| not_search(e.to_string()))?;
    if !value.is_object() {
        return Err(not_search("expected an object with \"traces\"".into()));
    }
    let parsed: TempoSearch = serde_json::from_value(value).map_err(|e| not_search(e.to_string()))?;
    let mut skipped = 0;
    let mut out = Vec::with_capacity(parsed.traces.len());
    for hit in parsed.traces {
        let Ok(id) = normalize_trace_id(&hit.trace_id) else {
            skipped += 1;
            continue;
        };
        out.push(TraceSummary {
            trace_id: format!("{id:0>32}"),
            root_service: hit.root_service_name,
            root_name: hit.root_trace_name,
            start_ns: json_u64(hit.start_time_unix_nano.as_ref()).unwrap_or(0),
            duration_ns: json_u64(hit.duration_ms.as_ref()).unwrap_or(0).saturating_mul(1_000_000),
        });
    }
    Ok((out, skipped))
}

/// Decodes a list of names: Jaeger's `{"data":[…]}` envelope, Tempo's `{"tagValues":[…]}`, or
/// Zipkin's bare array. Names come back sorted and without duplicates.
pub fn decode_name_list(body: &[u8]) -> Result<Vec<String>, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("The answer is not JSON: {e}"))?;
    let list = match &value {
        serde_json::Value::Array(a) => Some(a),
        serde_json::Value::Object(o) => o.get("data").or_else(|| o.get("tagValues")).and_then(|v| v.as_array()),
        _ => None,
    };
    let Some(list) = list else {
        return Err(jaeger_errors(&value).unwrap_or_else(|| "The answer holds no list of names.".into()));
    };
    let mut names: Vec<String> = list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Jaeger's `errors` array as one message, when present.
pub fn jaeger_errors(value: &serde_json::Value) -> Option<String> {
    let errors = value.get("errors")?.as_array()?;
    let msgs: Vec<String> = errors
        .iter()
        .map(|e| {
            let code = e.get("code").and_then(|c| c.as_i64()).unwrap_or(0);
            let msg = e.get("msg").and_then(|m| m.as_str()).unwrap_or("");
            format!("{code}: {msg}")
        })
        .collect();
    (!msgs.is_empty()).then(|| format!("The trace backend answered with errors: {}", msgs.join("; ")))
}

/// A non-2xx answer as a message for the user (`None` for 2xx): Jaeger's `errors` when the body
/// holds them, else the status and the start of the body as text (at most 200 characters).
pub fn http_error(status: u16, body: &[u8]) -> Option<String> {
    if (200..300).contains(&status) {
        return None;
    }
    if let Some(msg) = serde_json::from_slice::<serde_json::Value>(body).ok().as_ref().and_then(jaeger_errors) {
        return Some(format!("HTTP {status}. {msg}"));
    }
    let text = String::from_utf8_lossy(body);
    let snippet: String = text.trim().chars().take(200).collect();
    Some(if snippet.is_empty() {
        format!("HTTP {status} with an empty body.")
    } else {
        format!("HTTP {status}: {snippet}")
    })
}

/// One service-to-service link from a dependency API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyLink {
    pub parent: String,
    pub child: String,
    #[serde(default)]
    pub call_count: u64,
    /// Zipkin only.
    #[serde(default)]
    pub error_count: u64,
}

/// Decodes Jaeger's `{"data":[{parent, child, callCount}]}` or Zipkin's bare array of links.
pub fn decode_dependencies(body: &[u8]) -> Result<Vec<DependencyLink>, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("The answer is not JSON: {e}"))?;
    let list = match value {
        serde_json::Value::Object(mut o) => o.remove("data").unwrap_or(serde_json::Value::Null),
        other => other,
    };
    let list: Option<Vec<DependencyLink>> = serde_json::from_value(list).ok();
    list.ok_or_else(|| "The answer holds no dependency links (parent, child, callCount).".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search() -> TraceSearch {
        TraceSearch {
            service: "api gateway".into(),
            operation: "GET /owners".into(),
            tags: vec![("error".into(), "true".into()), ("http.url".into(), "/a b".into())],
            min_duration_ns: Some(100_000_000),
            max_duration_ns: Some(1_500_000_000),
            limit: 20,
            start_ms: 1_700_000_000_000,
            end_ms: 1_700_003_600_500,
            traceql: String::new(),
        }
    }

    #[test]
    fn jaeger_search_uses_microseconds_and_go_durations() {
        let req = TraceRequest::Search(search());
        assert_eq!(
            req.url(TraceApi::Jaeger, "http://j:16686/").unwrap(),
            "http://j:16686/api/traces?service=api+gateway&operation=GET+%2Fowners\
             &tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22%2Fa+b%22%7D&minDuration=100ms&maxDuration=1500ms\
             &limit=20&start=1700000000000000&end=1700003600500000"
        );
        assert_eq!(
            TraceRequest::Operations { service: "api gateway/x".into() }.path(TraceApi::Jaeger).unwrap(),
            "/api/services/api%20gateway%2Fx/operations"
        );
        assert_eq!(
            TraceRequest::Dependencies { end_ms: 5_000, lookback_ms: 3_600_000 }.url(TraceApi::Jaeger, "").unwrap(),
            "/api/dependencies?endTs=5000&lookback=3600000"
        );
    }

    #[test]
    fn tempo_search_uses_seconds_and_logfmt_tags_or_traceql() {
        let req = TraceRequest::Search(search());
        assert_eq!(
            req.params(TraceApi::Tempo),
            vec![
                (
                    "tags".to_string(),
                    r#"service.name="api gateway" name="GET /owners" error=true http.url="/a b""#.to_string()
                ),
                ("minDuration".into(), "100ms".into()),
                ("maxDuration".into(), "1500ms".into()),
                ("limit".into(), "20".into()),
                ("start".into(), "1700000000".into()),
                ("end".into(), "1700003601".into()),
            ]
        );
        let ql = TraceRequest::Search(TraceSearch { traceql: "{ status = error }".into(), ..search() });
        assert_eq!(ql.params(TraceApi::Tempo).first().map(|p| p.1.as_str()), Some("{ status = error }"));
        assert_eq!(
            TraceRequest::Trace { id: "ABC".into(), v2: true }.path(TraceApi::Tempo).unwrap(),
            "/api/v2/traces/0000000000000abc"
        );
        assert!(TraceRequest::Dependencies { end_ms: 0, lookback_ms: 0 }.path(TraceApi::Tempo).is_err());
    }

    #[test]
    fn zipkin_search_uses_microsecond_durations_and_ms_lookback() {
        let req = TraceRequest::Search(search());
        assert_eq!(
            req.url(TraceApi::Zipkin, "/zipkin").unwrap(),
            "/zipkin/api/v2/traces?serviceName=api+gateway&spanName=GET+%2Fowners\
             &annotationQuery=error%3Dtrue+and+http.url%3D%2Fa+b&minDuration=100000&maxDuration=1500000\
             &endTs=1700003600500&lookback=3600500&limit=20"
        );
        assert_eq!(TraceRequest::Services.path(TraceApi::Zipkin).unwrap(), "/api/v2/services");
        assert_eq!(
            TraceRequest::Trace { id: " 5B8EFFF798038103D269B633813FC60C ".into(), v2: false }
                .path(TraceApi::Zipkin)
                .unwrap(),
            "/api/v2/trace/5b8efff798038103d269b633813fc60c"
        );
    }

    #[test]
    fn trace_ids_must_be_hex_and_are_padded() {
        assert!(normalize_trace_id("").is_err());
        assert!(normalize_trace_id("xyz").is_err());
        assert!(normalize_trace_id("../api").is_err());
        assert!(normalize_trace_id(&"a".repeat(33)).is_err());
        assert_eq!(normalize_trace_id("1").unwrap(), "0000000000000001");
        assert_eq!(normalize_trace_id(&"f".repeat(17)).unwrap(), format!("000000000000000{}", "f".repeat(17)));
    }

    #[test]
    fn durations_parse_with_decimals_and_units() {
        assert_eq!(parse_span_duration("100ms").unwrap(), 100_000_000);
        assert_eq!(parse_span_duration("1.5s").unwrap(), 1_500_000_000);
        assert_eq!(parse_span_duration("1m30s").unwrap(), 90_000_000_000);
        assert_eq!(parse_span_duration("250us").unwrap(), 250_000);
        assert_eq!(parse_span_duration("250µs").unwrap(), 250_000);
        assert_eq!(parse_span_duration(" 7ns ").unwrap(), 7);
        for bad in ["", "ms", "10", "1.2.3s", "5x", "1e400s"] {
            assert!(parse_span_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_go_duration(1_500_000_000), "1500ms");
        assert_eq!(format_go_duration(2_000_000_000), "2s");
        assert_eq!(format_go_duration(250_000), "250us");
        assert_eq!(format_go_duration(0), "0ns");
    }

    #[test]
    fn tag_filters_parse_quoted_values() {
        assert_eq!(
            parse_tag_filters(r#" error=true  http.url="/a b" x= "#).unwrap(),
            vec![("error".into(), "true".into()), ("http.url".into(), "/a b".into()), ("x".into(), String::new())]
        );
        assert!(parse_tag_filters("a b").is_err());
        assert!(parse_tag_filters(r#"a="open"#).is_err());
        assert_eq!(parse_tag_filters("").unwrap(), vec![]);
    }

    #[test]
    fn name_lists_and_dependencies_decode_each_envelope() {
        assert_eq!(
            decode_name_list(br#"{"data":["b","a","a"],"total":3,"limit":0,"offset":0,"errors":null}"#).unwrap(),
            vec!["a", "b"]
        );
        assert_eq!(decode_name_list(br#"["z","y"]"#).unwrap(), vec!["y", "z"]);
        assert_eq!(decode_name_list(br#"{"tagValues":["s"]}"#).unwrap(), vec!["s"]);
        let err = decode_name_list(br#"{"data":null,"errors":[{"code":500,"msg":"boom"}]}"#).unwrap_err();
        assert!(err.contains("500: boom"), "{err}");
        let deps = decode_dependencies(br#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#).unwrap();
        assert_eq!(deps, vec![DependencyLink { parent: "a".into(), child: "b".into(), call_count: 3, error_count: 0 }]);
        assert!(decode_dependencies(b"[1]").is_err());
    }

    #[test]
    fn http_errors_quote_jaeger_errors_or_the_body() {
        assert_eq!(http_error(200, b"x"), None);
        assert_eq!(
            http_error(404, br#"{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}"#).unwrap(),
            "HTTP 404. The trace backend answered with errors: 404: trace not found"
        );
        assert_eq!(http_error(404, b"trace not found\n").unwrap(), "HTTP 404: trace not found");
        assert_eq!(http_error(502, b"").unwrap(), "HTTP 502 with an empty body.");
    }

    #[test]
    fn tempo_search_fixture_decodes_to_summaries() {
        let body = include_bytes!("../../../tests/fixtures/tempo/kiali-bookinfo-search.json");
        let (hits, skipped) = decode_tempo_search(body).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(
            hits,
            vec![TraceSummary {
                trace_id: "100cb753c787ed5657c8d88dafc176ed".into(),
                root_service: "istio-ingressgateway.istio-system".into(),
                root_name: "productpage.bookinfo.svc.cluster.local:9080/productpage".into(),
                start_ns: 1_701_778_055_570_888_000,
                duration_ns: 9_000_000,
            }]
        );
        assert!(decode_tempo_search(b"[]").is_err());
        assert_eq!(decode_tempo_search(b"{}").unwrap(), (vec![], 0));
    }
}
