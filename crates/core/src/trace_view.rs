//! The Traces page's part of the URL view state (see [`crate::viewstate`]): which trace source,
//! which trace is open (and which one it is compared with), and the search form.
//!
//! Parameters: `tds` (trace data source; absent = the demo), `trace` (open trace id, hex),
//! `cmp` (a second trace id to compare with), `tsvc` (service), `top` (operation), `ttags`
//! (tag filters `key=value …`), `tmin`/`tmax` (duration bounds as typed: `100ms`), `tlimit`
//! (most results, default [`DEFAULT_TRACE_LIMIT`]), `tq` (Tempo TraceQL). Values are kept as
//! typed (validated when a search is built) so a shared link never fails to open; `trace` and
//! `cmp` keep only hex ids (anything else is dropped). Parameters equal to their default are not
//! written, in a fixed order.

/// Results a search asks for when the URL names no limit (Jaeger UI's and Tempo's default).
pub const DEFAULT_TRACE_LIMIT: u32 = 20;
/// The largest limit accepted from a URL.
pub const MAX_TRACE_LIMIT: u32 = 1_500;

/// The Traces page's view state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceView {
    /// Trace source name; empty = the built-in demo.
    pub source: String,
    /// The open trace (hex id), empty = none.
    pub trace: String,
    /// A second trace to compare the open one with.
    pub compare: String,
    pub service: String,
    pub operation: String,
    pub tags: String,
    pub min_duration: String,
    pub max_duration: String,
    pub limit: u32,
    /// Tempo TraceQL, replacing service/operation/tags when set.
    pub traceql: String,
}

impl Default for TraceView {
    fn default() -> Self {
        TraceView {
            source: String::new(),
            trace: String::new(),
            compare: String::new(),
            service: String::new(),
            operation: String::new(),
            tags: String::new(),
            min_duration: String::new(),
            max_duration: String::new(),
            limit: DEFAULT_TRACE_LIMIT,
            traceql: String::new(),
        }
    }
}

fn hex_id(v: &str) -> String {
    let t = v.trim();
    if !t.is_empty() && t.len() <= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        t.to_ascii_lowercase()
    } else {
        String::new()
    }
}

impl TraceView {
    /// Reads the trace parameters from decoded query pairs; others are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> TraceView {
        let mut v = TraceView::default();
        for (key, value) in pairs {
            match key.as_str() {
                "tds" => v.source = value.trim().to_string(),
                "trace" => v.trace = hex_id(value),
                "cmp" => v.compare = hex_id(value),
                "tsvc" => v.service = value.clone(),
                "top" => v.operation = value.clone(),
                "ttags" => v.tags = value.clone(),
                "tmin" => v.min_duration = value.clone(),
                "tmax" => v.max_duration = value.clone(),
                "tlimit" => {
                    if let Some(n) = value.trim().parse::<u32>().ok().filter(|n| (1..=MAX_TRACE_LIMIT).contains(n)) {
                        v.limit = n;
                    }
                }
                "tq" => v.traceql = value.clone(),
                _ => {}
            }
        }
        v
    }

    /// The parameters that differ from the default, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (key, value) in [
            ("tds", &self.source),
            ("trace", &self.trace),
            ("cmp", &self.compare),
            ("tsvc", &self.service),
            ("top", &self.operation),
            ("ttags", &self.tags),
            ("tmin", &self.min_duration),
            ("tmax", &self.max_duration),
        ] {
            if !value.is_empty() {
                out.push((key, value.clone()));
            }
        }
        if self.limit != DEFAULT_TRACE_LIMIT {
            out.push(("tlimit", self.limit.to_string()));
        }
        if !self.traceql.is_empty() {
            out.push(("tq", self.traceql.clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urlencoding::parse_query;

    #[test]
    fn trace_link_opens_a_trace_and_drops_non_hex_ids() {
        let v = TraceView::from_pairs(&parse_query("page=traces&trace=ABC123&cmp=../x"));
        assert_eq!(v.trace, "abc123");
        assert_eq!(v.compare, "");
        assert_eq!(v.pairs(), vec![("trace", "abc123".to_string())]);
    }

    #[test]
    fn limits_outside_the_range_fall_back_to_the_default() {
        for bad in ["0", "-1", "x", "1501"] {
            assert_eq!(TraceView::from_pairs(&parse_query(&format!("tlimit={bad}"))).limit, DEFAULT_TRACE_LIMIT);
        }
        assert_eq!(TraceView::from_pairs(&parse_query("tlimit=100")).limit, 100);
        assert!(TraceView::default().pairs().is_empty());
    }
}
