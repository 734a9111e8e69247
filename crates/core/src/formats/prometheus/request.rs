//! Building Prometheus HTTP API requests (pure: the app only does the transport).
//!
//! Times go in as `i64` milliseconds since the Unix epoch and leave as Unix seconds with up to
//! three decimals and no trailing zeros (`1435781451.781`, `1435781451`, step `15` or `0.5`), a
//! form every Prometheus-compatible server accepts. Query strings and POST bodies are
//! `application/x-www-form-urlencoded` ([`crate::urlencoding`]). Parameters come out in a fixed
//! order, so equal requests give equal URLs (cache hits, stable tests).

use super::exemplars::{exemplars_request_params, EXEMPLARS_PATH};
use crate::urlencoding::encode_pairs;

/// One request to a Prometheus-compatible API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromRequest {
    /// `GET|POST /api/v1/query_range`: a matrix over `[start_ms, end_ms]` every `step_ms`.
    Range { query: String, start_ms: i64, end_ms: i64, step_ms: i64 },
    /// `GET|POST /api/v1/query`: an instant vector, scalar or string at `time_ms` (server "now"
    /// when `None`).
    Instant { query: String, time_ms: Option<i64> },
    /// `GET /api/v1/label/<label>/values` (metric names: `__name__`).
    LabelValues { label: String },
    /// `GET /api/v1/labels`: every label name.
    Labels,
    /// `GET|POST /api/v1/series`: label sets matching any of `matchers` (`match[]`).
    Series { matchers: Vec<String>, start_ms: i64, end_ms: i64 },
    /// `GET /api/v1/status/buildinfo`: the cheap "Save & test" probe.
    BuildInfo,
    /// `GET|POST /api/v1/query_exemplars`: exemplars of the series `query` selects in
    /// `[start_ms, end_ms]` (see [`super::exemplars`]).
    Exemplars { query: String, start_ms: i64, end_ms: i64 },
}

impl PromRequest {
    /// The path below the data source's base URL, e.g. `/api/v1/query_range`. For
    /// [`PromRequest::LabelValues`] it holds the label name: as is when it is a classic name
    /// (`[a-zA-Z_:][a-zA-Z0-9_:]*`), otherwise in Prometheus' `U__` "values escaping" (`http.code`
    /// → `U__http_2e_code`), which Prometheus 3 requires for names containing `/`.
    pub fn path(&self) -> String {
        match self {
            PromRequest::Range { .. } => "/api/v1/query_range".to_string(),
            PromRequest::Instant { .. } => "/api/v1/query".to_string(),
            PromRequest::LabelValues { label } => format!("/api/v1/label/{}/values", escape_label_name(label)),
            PromRequest::Labels => "/api/v1/labels".to_string(),
            PromRequest::Series { .. } => "/api/v1/series".to_string(),
            PromRequest::BuildInfo => "/api/v1/status/buildinfo".to_string(),
            PromRequest::Exemplars { .. } => EXEMPLARS_PATH.to_string(),
        }
    }

    /// Query parameters (not yet encoded), in a fixed order. `match[]` repeats once per matcher.
    pub fn params(&self) -> Vec<(String, String)> {
        let p = |k: &str, v: String| (k.to_string(), v);
        match self {
            PromRequest::Range { query, start_ms, end_ms, step_ms } => vec![
                p("query", query.clone()),
                p("start", format_seconds(*start_ms)),
                p("end", format_seconds(*end_ms)),
                p("step", format_seconds(*step_ms)),
            ],
            PromRequest::Instant { query, time_ms } => {
                let mut out = vec![p("query", query.clone())];
                if let Some(t) = time_ms {
                    out.push(p("time", format_seconds(*t)));
                }
                out
            }
            PromRequest::LabelValues { .. } | PromRequest::Labels | PromRequest::BuildInfo => Vec::new(),
            PromRequest::Series { matchers, start_ms, end_ms } => {
                let mut out: Vec<(String, String)> = matchers.iter().map(|m| p("match[]", m.clone())).collect();
                out.push(p("start", format_seconds(*start_ms)));
                out.push(p("end", format_seconds(*end_ms)));
                out
            }
            PromRequest::Exemplars { query, start_ms, end_ms } => exemplars_request_params(query, *start_ms, *end_ms).1,
        }
    }

    /// The full GET URL: `base_url` (with or without a trailing `/`, possibly with a sub-path such
    /// as `http://host/prometheus` or a same-origin path such as `/prometheus`) + [`Self::path`] +
    /// `?` + the encoded parameters (no `?` when there are none).
    pub fn url(&self, base_url: &str) -> String {
        let base = base_url.trim().trim_end_matches('/');
        let query = self.form_body();
        let path = self.path();
        let mut url = String::with_capacity(base.len() + path.len() + 1 + query.len());
        url.push_str(base);
        url.push_str(&path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        url
    }

    /// The `application/x-www-form-urlencoded` body for a POST to [`Self::path`] (use it for long
    /// queries; every endpoint here except `label/<name>/values` and `status/buildinfo` accepts POST).
    pub fn form_body(&self) -> String {
        encode_pairs(&self.params())
    }
}

/// Milliseconds as Unix seconds with up to three decimals and no trailing zeros:
/// `1435781451781` → `"1435781451.781"`, `15000` → `"15"`, `500` → `"0.5"`, `-1500` → `"-1.5"`.
pub fn format_seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    let (secs, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        return format!("{sign}{secs}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{secs}.{}", frac.trim_end_matches('0'))
}

/// A label name for a URL path, as Prometheus' `EscapeName(name, ValueEncodingEscaping)` does it:
/// names matching `[a-zA-Z_:][a-zA-Z0-9_:]*` as they are; otherwise `U__` followed by the name with
/// `_` doubled, letters, `:` and (not first) digits as is, anything else `_<hex code point>_`.
fn escape_label_name(name: &str) -> String {
    let legacy = |c: char, i: usize| c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit());
    if !name.is_empty() && name.chars().enumerate().all(|(i, c)| legacy(c, i)) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 8);
    out.push_str("U__");
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            out.push_str("__");
        } else if legacy(c, i) {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_seconds_keeps_milliseconds_and_trims_zeros() {
        assert_eq!(format_seconds(1_435_781_451_781), "1435781451.781");
        assert_eq!(format_seconds(1_435_781_451_000), "1435781451");
        assert_eq!(format_seconds(1_435_781_451_100), "1435781451.1");
        assert_eq!(format_seconds(1_435_781_451_010), "1435781451.01");
        assert_eq!(format_seconds(15_000), "15");
        assert_eq!(format_seconds(500), "0.5");
        assert_eq!(format_seconds(7), "0.007");
        assert_eq!(format_seconds(0), "0");
        assert_eq!(format_seconds(-1500), "-1.5");
        assert_eq!(format_seconds(i64::MIN), "-9223372036854775.808");
    }

    #[test]
    fn exemplars_request_carries_query_and_range() {
        let req = PromRequest::Exemplars { query: "rate(x_bucket[5m])".into(), start_ms: 1_000, end_ms: 61_500 };
        assert_eq!(req.path(), "/api/v1/query_exemplars");
        assert_eq!(
            req.url("http://p:9090/"),
            "http://p:9090/api/v1/query_exemplars?query=rate%28x_bucket%5B5m%5D%29&start=1&end=61.5"
        );
    }

    #[test]
    fn label_names_outside_the_classic_set_use_values_escaping() {
        assert_eq!(escape_label_name("job"), "job");
        assert_eq!(escape_label_name("__name__"), "__name__");
        assert_eq!(escape_label_name("http.status_code"), "U__http_2e_status__code");
        assert_eq!(escape_label_name("a/b c"), "U__a_2f_b_20_c");
        assert_eq!(escape_label_name("1abc"), "U___31_abc");
        assert_eq!(escape_label_name("ns:label"), "ns:label");
        assert_eq!(escape_label_name("é"), "U___e9_");
    }
}
