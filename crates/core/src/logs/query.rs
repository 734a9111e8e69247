//! Loki requests and the Logs page's URL state.
//!
//! Requests (wire-formats.md §3): `GET /loki/api/v1/query_range?query=&start=&end=&limit=&direction=`
//! with `start`/`end` as integer Unix ns (`start` inclusive, `end` exclusive), `direction=backward`
//! (newest first, Loki's default) and the line limit (Grafana's default 1,000; Loki's server cap
//! 5,000 by default); `GET /loki/api/v1/labels` and `/loki/api/v1/label/<name>/values`. The
//! tenant (`X-Scope-OrgID`) and credentials travel as headers, never here.
//!
//! URL state: `lds` (log source; absent = the demo), `lq` (LogQL as typed), `llimit` (line limit,
//! default [`DEFAULT_LINE_LIMIT`], 1–[`MAX_LINE_LIMIT`]), `ltab` (`patterns` for the patterns
//! tab). The time range is the page's shared `from`/`to`.

use crate::urlencoding::encode_pairs;

/// Lines asked for when the URL names no limit (Grafana's Loki default).
pub const DEFAULT_LINE_LIMIT: u32 = 1000;
/// The largest line limit accepted (Loki's default `max_entries_limit_per_query` is 5,000; a
/// server configured higher can send more).
pub const MAX_LINE_LIMIT: u32 = 50_000;
/// The query the page starts with on the demo source.
pub const DEMO_LOG_QUERY: &str = r#"{job="shop"}"#;

/// A Loki log (or metric) range query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pub query: String,
    pub start_ns: i64,
    pub end_ns: i64,
    pub limit: u32,
}

impl LogQuery {
    /// The API path.
    pub fn path(&self) -> &'static str {
        "/loki/api/v1/query_range"
    }

    /// Query parameters, in a fixed order.
    pub fn params(&self) -> Vec<(String, String)> {
        vec![
            ("query".into(), self.query.clone()),
            ("start".into(), self.start_ns.to_string()),
            ("end".into(), self.end_ns.to_string()),
            ("limit".into(), self.limit.to_string()),
            ("direction".into(), "backward".into()),
        ]
    }

    /// The full URL below `base`.
    pub fn url(&self, base: &str) -> String {
        format!("{}{}?{}", base.trim_end_matches('/'), self.path(), encode_pairs(&self.params()))
    }

    /// Checks the LogQL text before sending: not empty, and a log query starts with a stream
    /// selector `{…}` (metric queries start with a function or aggregation). The server checks
    /// the rest and its message is shown as is.
    pub fn validate(&self) -> Result<(), String> {
        let q = self.query.trim();
        if q.is_empty() {
            return Err(r#"Enter a LogQL query, for example {service_name="payments"}."#.into());
        }
        let opens = q.matches('{').count();
        let closes = q.matches('}').count();
        if opens == 0 || opens != closes {
            return Err("A LogQL query needs a stream selector in braces, such as {job=\"shop\"}.".into());
        }
        if self.end_ns <= self.start_ns {
            return Err("The time range is empty: its end is not after its start.".into());
        }
        Ok(())
    }
}

/// The server-side volume query of a log query, as Grafana's logs volume asks it:
/// `sum by (level, detected_level) (count_over_time(<query> [<bucket>]))` over the range, with
/// the step equal to the bucket width ([`super::volume::bucket_width`] for `max_buckets`), and
/// `start` one bucket after the aligned range start so the first point counts the first bucket.
/// `None` for a metric query (it has no log lines to count).
pub fn volume_request(query: &str, start_ns: i64, end_ns: i64, max_buckets: usize) -> Option<VolumeRequest> {
    let q = query.trim();
    if !q.starts_with('{') {
        return None;
    }
    let width = super::volume::bucket_width(start_ns, end_ns, max_buckets);
    let first = start_ns.div_euclid(width).saturating_mul(width);
    let secs = width / 1_000_000_000;
    let logql = format!("sum by (level, detected_level) (count_over_time({q} [{secs}s]))");
    let params = vec![
        ("query".to_string(), logql),
        ("start".to_string(), first.saturating_add(width).to_string()),
        ("end".to_string(), end_ns.saturating_add(width - 1).div_euclid(width).saturating_mul(width).to_string()),
        ("step".to_string(), format!("{secs}s")),
    ];
    Some(VolumeRequest { params, first_ns: first, width_ns: width })
}

/// A volume request: its `query_range` parameters, the first bucket's start and the width (ns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRequest {
    pub params: Vec<(String, String)>,
    pub first_ns: i64,
    pub width_ns: i64,
}

/// `/loki/api/v1/label/<name>/values` (the name percent-encoded).
pub fn label_values_path(name: &str) -> String {
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("/loki/api/v1/label/{enc}/values")
}

/// A LogQL string literal for `value` (quotes and backslashes escaped).
pub fn logql_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The query for the logs of one service (`{service_name="…"}`), the link target of a span.
pub fn service_query(service: &str) -> String {
    format!("{{service_name={}}}", logql_string(service))
}

/// Which tab of the Logs page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogTab {
    #[default]
    Lines,
    Patterns,
}

/// The Logs page's view state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogView {
    /// Log source name; empty = the built-in demo.
    pub source: String,
    /// LogQL as typed; empty = the demo's default on the demo source.
    pub query: String,
    pub limit: u32,
    pub tab: LogTab,
}

impl Default for LogView {
    fn default() -> Self {
        LogView { source: String::new(), query: String::new(), limit: DEFAULT_LINE_LIMIT, tab: LogTab::Lines }
    }
}

impl LogView {
    /// Reads the log parameters from decoded query pairs; others are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> LogView {
        let mut v = LogView::default();
        for (key, value) in pairs {
            match key.as_str() {
                "lds" => v.source = value.trim().to_string(),
                "lq" => v.query = value.clone(),
                "llimit" => {
                    if let Some(n) = value.trim().parse::<u32>().ok().filter(|n| (1..=MAX_LINE_LIMIT).contains(n)) {
                        v.limit = n;
                    }
                }
                "ltab" if value == "patterns" => v.tab = LogTab::Patterns,
                _ => {}
            }
        }
        v
    }

    /// The parameters that differ from the default, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.source.is_empty() {
            out.push(("lds", self.source.clone()));
        }
        if !self.query.is_empty() {
            out.push(("lq", self.query.clone()));
        }
        if self.limit != DEFAULT_LINE_LIMIT {
            out.push(("llimit", self.limit.to_string()));
        }
        if self.tab == LogTab::Patterns {
            out.push(("ltab", "patterns".into()));
        }
        out
    }

    /// The query to run: as typed, or the demo's default when empty on the demo source.
    pub fn effective_query(&self) -> String {
        if self.query.trim().is_empty() && self.source.is_empty() {
            DEMO_LOG_QUERY.to_string()
        } else {
            self.query.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urlencoding::parse_query;

    #[test]
    fn range_query_uses_nanoseconds_and_backward_direction() {
        let q = LogQuery { query: r#"{app="a"} |= "x""#.into(), start_ns: 1_000_000_000, end_ns: 2_000_000_000, limit: 1000 };
        assert_eq!(
            q.url("http://loki:3100/"),
            "http://loki:3100/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D+%7C%3D+%22x%22&start=1000000000&end=2000000000&limit=1000&direction=backward"
        );
        assert!(q.validate().is_ok());
        assert!(LogQuery { query: " ".into(), ..q.clone() }.validate().is_err());
        assert!(LogQuery { query: "rate(x[5m])".into(), ..q.clone() }.validate().is_err());
        assert!(LogQuery { start_ns: 3_000_000_000, ..q }.validate().is_err());
    }

    #[test]
    fn helpers_escape() {
        assert_eq!(label_values_path("service name"), "/loki/api/v1/label/service%20name/values");
        assert_eq!(service_query(r#"a"b\c"#), r#"{service_name="a\"b\\c"}"#);
    }

    #[test]
    fn view_round_trips_and_rejects_bad_limits() {
        let v = LogView::from_pairs(&parse_query("lds=loki&lq=%7Ba%3D%22b%22%7D&llimit=500&ltab=patterns"));
        assert_eq!(v, LogView { source: "loki".into(), query: r#"{a="b"}"#.into(), limit: 500, tab: LogTab::Patterns });
        let back: Vec<(String, String)> = v.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        assert_eq!(LogView::from_pairs(&back), v);
        for bad in ["0", "x", "50001"] {
            assert_eq!(LogView::from_pairs(&parse_query(&format!("llimit={bad}"))).limit, DEFAULT_LINE_LIMIT);
        }
        assert!(LogView::default().pairs().is_empty());
        assert_eq!(LogView::default().effective_query(), DEMO_LOG_QUERY);
        assert_eq!(LogView { source: "loki".into(), ..LogView::default() }.effective_query(), "");
    }
}
