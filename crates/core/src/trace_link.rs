//! Links from metrics to traces: the view an exemplar's trace id opens.
//!
//! Contract: [`trace_link_query`] is the query string (without `?`) of the current view moved to
//! the Traces page with `trace=<id>`: every other parameter of the view is kept (source, range,
//! theme, …) so going back restores Explore as it was; an existing `trace` parameter is replaced;
//! the id is percent-encoded as any value. [`trace_param`] reads the id back from a query string.
//! Pure and total.

use crate::urlencoding::{encode_pairs, parse_query};
use crate::viewstate::{Page, ViewState};

/// The URL parameter holding the trace id (`?page=traces&trace=<id>`).
pub const TRACE_PARAM: &str = "trace";

/// The query string of `view` on the Traces page showing `trace_id`; see the module doc.
pub fn trace_link_query(view: &ViewState, trace_id: &str) -> String {
    let on_traces = ViewState { page: Page::Traces, ..view.clone() };
    let mut pairs: Vec<(String, String)> =
        parse_query(&on_traces.to_query()).into_iter().filter(|(k, _)| k != TRACE_PARAM).collect();
    pairs.push((TRACE_PARAM.to_string(), trace_id.to_string()));
    encode_pairs(&pairs)
}

/// The `trace` parameter of a query string (with or without `?`), if present and non-empty.
pub fn trace_param(query: &str) -> Option<String> {
    parse_query(query).into_iter().find(|(k, v)| k == TRACE_PARAM && !v.is_empty()).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_moves_to_traces_and_keeps_the_view() {
        let view = ViewState::from_query("?ds=prom&q=rate(x[5m])&from=now-1h&theme=dark");
        let q = trace_link_query(&view, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert!(q.starts_with("page=traces&ds=prom&q=rate%28x%5B5m%5D%29&from=now-1h"), "{q}");
        assert!(q.ends_with("&trace=4bf92f3577b34da6a3ce929d0e0e4736"), "{q}");
        assert_eq!(ViewState::from_query(&q).page, Page::Traces);
        assert_eq!(trace_param(&q).as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert_eq!(ViewState::from_query(&q).ds, "prom");
    }

    #[test]
    fn ids_are_encoded_and_replaced() {
        let view = ViewState::default();
        let q = trace_link_query(&view, "a b&c");
        assert_eq!(q, "page=traces&trace=a+b%26c");
        assert_eq!(trace_param(&q).as_deref(), Some("a b&c"));
        assert_eq!(trace_param("?page=traces"), None);
        assert_eq!(trace_param("trace="), None);
    }
}
