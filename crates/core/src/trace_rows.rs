//! What the Traces page shows, computed from the trace model without a browser: the waterfall's
//! visible rows under collapsed spans, the minimap's per-pixel-row extents, the critical-path
//! sections of one span, time-axis ticks, attribute text, and one-line summaries of search
//! results with their sort orders.
//!
//! Contract: O(n) per call over a trace's columns (sorting summaries O(n log n)), no recursion, no
//! panic on any input (a `collapsed` slice shorter than the trace means "not collapsed"). Times are
//! ns since the epoch; offsets are ns from the trace's start.

use crate::trace::critical_path::Section;
use crate::trace::{Attr, AttrValue, Trace};

/// The spans shown as waterfall rows, in pre-order: every span except the descendants of a
/// collapsed span (the collapsed span itself stays visible).
pub fn visible_rows(trace: &Trace, collapsed: &[bool]) -> Vec<u32> {
    let ends = trace.subtree_ends();
    let n = trace.len();
    let mut out = Vec::with_capacity(n);
    let mut i = 0usize;
    while i < n {
        out.push(i as u32);
        let next = if collapsed.get(i).copied().unwrap_or(false) {
            ends.get(i).map(|&e| e as usize).unwrap_or(i + 1)
        } else {
            i + 1
        };
        // A malformed subtree end can never move backwards or stall the walk.
        i = next.max(i + 1);
    }
    out
}

/// Extent of the spans that fall into one minimap pixel row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimapBin {
    pub start_ns: u64,
    pub end_ns: u64,
    pub error: bool,
}

/// Splits `rows` into `bins` equal groups (the minimap's pixel rows) and returns, per group, the
/// earliest start and latest end of its spans and whether one of them is an error; `None` for a
/// group without rows (more bins than rows).
pub fn minimap_bins(trace: &Trace, rows: &[u32], bins: usize) -> Vec<Option<MinimapBin>> {
    let mut out = vec![None::<MinimapBin>; bins];
    if bins == 0 || rows.is_empty() {
        return out;
    }
    let (starts, ends, errors) = (trace.starts_ns(), trace.ends_ns(), trace.errors());
    for (r, &span) in rows.iter().enumerate() {
        let b = r * bins / rows.len();
        let i = span as usize;
        let (Some(&s), Some(&e)) = (starts.get(i), ends.get(i)) else { continue };
        let err = errors.get(i).copied().unwrap_or(false);
        if let Some(slot) = out.get_mut(b) {
            *slot = Some(match *slot {
                None => MinimapBin { start_ns: s, end_ns: e, error: err },
                Some(m) => MinimapBin { start_ns: m.start_ns.min(s), end_ns: m.end_ns.max(e), error: m.error || err },
            });
        }
    }
    out
}

/// Critical-path sections sorted by span (then start), for [`sections_of`].
pub fn sections_by_span(sections: &[Section]) -> Vec<Section> {
    let mut s = sections.to_vec();
    s.sort_by_key(|x| (x.span, x.start_ns));
    s
}

/// The sections of `span` in a list sorted by [`sections_by_span`] (binary search).
pub fn sections_of(sorted: &[Section], span: u32) -> &[Section] {
    let lo = sorted.partition_point(|s| s.span < span);
    let hi = sorted.partition_point(|s| s.span <= span);
    sorted.get(lo..hi).unwrap_or(&[])
}

/// A "nice" tick step (1, 2 or 5 × 10^k ns) giving at most `max_ticks` ticks over `span_ns`.
pub fn tick_step_ns(span_ns: u64, max_ticks: u64) -> u64 {
    let raw = span_ns / max_ticks.max(1);
    let mut pow = 1u64;
    while pow <= raw / 10 {
        pow = pow.saturating_mul(10);
    }
    [1u64, 2, 5, 10].iter().map(|m| m.saturating_mul(pow)).find(|&s| s >= raw).unwrap_or(pow.saturating_mul(10)).max(1)
}

/// An attribute as `(key, value)` text.
pub fn attr_text(trace: &Trace, attr: &Attr) -> (String, String) {
    let value = match attr.value {
        AttrValue::Str(id) => trace.str(id).to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(f) => f.to_string(),
    };
    (trace.str(attr.key).to_string(), value)
}

/// One search result or imported trace, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSummaryRow {
    /// 32 lower-case hex digits.
    pub trace_id: String,
    pub root_service: String,
    pub root_operation: String,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Spans, errors and services; `None` when the backend sent only a summary (Tempo search).
    pub spans: Option<usize>,
    pub errors: Option<usize>,
    pub services: Option<usize>,
}

/// The summary of a decoded trace: its first root's service and operation, its extent and counts.
pub fn summarize(trace: &Trace) -> TraceSummaryRow {
    let root = trace.roots().first().and_then(|&r| trace.span(r));
    TraceSummaryRow {
        trace_id: format!("{:032x}", trace.trace_id()),
        root_service: root.as_ref().map(|r| r.service().to_string()).unwrap_or_default(),
        root_operation: root.as_ref().map(|r| r.operation().to_string()).unwrap_or_default(),
        start_ns: trace.start_ns(),
        duration_ns: trace.duration_ns(),
        spans: Some(trace.len()),
        errors: Some(trace.error_count()),
        services: Some(trace.service_names().len()),
    }
}

/// Columns a result list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Start,
    Duration,
    Spans,
    Errors,
    Service,
}

/// Sorts `rows` by `key` (descending when `desc`), ties by trace id so the order is stable.
pub fn sort_summaries(rows: &mut [TraceSummaryRow], key: SortKey, desc: bool) {
    rows.sort_by(|a, b| {
        let ord = match key {
            SortKey::Start => a.start_ns.cmp(&b.start_ns),
            SortKey::Duration => a.duration_ns.cmp(&b.duration_ns),
            SortKey::Spans => a.spans.cmp(&b.spans),
            SortKey::Errors => a.errors.cmp(&b.errors),
            SortKey::Service => (&a.root_service, &a.root_operation).cmp(&(&b.root_service, &b.root_operation)),
        };
        let ord = if desc { ord.reverse() } else { ord };
        ord.then_with(|| a.trace_id.cmp(&b.trace_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::decode_traces;

    fn petclinic() -> Trace {
        let body = include_bytes!("../../../tests/fixtures/jaeger/petclinic-normal.json");
        decode_traces(body).unwrap().traces.into_iter().next().unwrap()
    }

    #[test]
    fn collapsing_a_span_hides_exactly_its_descendants() {
        let t = petclinic();
        let n = t.len();
        assert_eq!(visible_rows(&t, &[]), (0..n as u32).collect::<Vec<_>>());
        let root = t.roots()[0] as usize;
        let mut collapsed = vec![false; n];
        collapsed[root] = true;
        let rows = visible_rows(&t, &collapsed);
        let hidden = t.subtree_ends()[root] as usize - root - 1;
        assert_eq!(rows.len(), n - hidden);
        assert!(rows.contains(&(root as u32)));
        // Collapsing a leaf changes nothing.
        let leaf = (0..n).find(|&i| t.subtree_ends()[i] as usize == i + 1).unwrap();
        let mut c = vec![false; n];
        c[leaf] = true;
        assert_eq!(visible_rows(&t, &c).len(), n);
    }

    #[test]
    fn minimap_bins_cover_every_row_once() {
        let t = petclinic();
        let rows = visible_rows(&t, &[]);
        let bins = minimap_bins(&t, &rows, 2);
        let first = bins[0].unwrap();
        assert_eq!(first.start_ns, t.start_ns());
        assert!(bins.iter().all(Option::is_some));
        let many = minimap_bins(&t, &rows, 100);
        assert_eq!(many.iter().filter(|b| b.is_some()).count(), rows.len());
        assert!(minimap_bins(&t, &[], 3).iter().all(Option::is_none));
    }

    #[test]
    fn sections_are_found_per_span() {
        let s = |span, start_ns, end_ns| Section { span, start_ns, end_ns };
        let sorted = sections_by_span(&[s(2, 5, 6), s(1, 0, 1), s(2, 1, 2), s(4, 0, 9)]);
        assert_eq!(sections_of(&sorted, 2), &[s(2, 1, 2), s(2, 5, 6)]);
        assert_eq!(sections_of(&sorted, 3), &[] as &[Section]);
        assert_eq!(sections_of(&sorted, 4), &[s(4, 0, 9)]);
    }

    #[test]
    fn tick_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(tick_step_ns(1_000_000, 10), 100_000);
        assert_eq!(tick_step_ns(1_300_000, 10), 200_000);
        assert_eq!(tick_step_ns(4_100, 10), 500);
        assert_eq!(tick_step_ns(0, 10), 1);
        assert!(tick_step_ns(u64::MAX, 1) >= u64::MAX / 10);
    }

    #[test]
    fn summaries_sort_by_each_key_with_stable_ties() {
        let t = petclinic();
        let a = summarize(&t);
        assert_eq!(a.trace_id, "4766f1209f70a5e2e55417fc296fd101");
        assert_eq!(a.spans, Some(t.len()));
        let mut b = a.clone();
        b.trace_id = "0".repeat(32);
        b.duration_ns = a.duration_ns + 1;
        let mut rows = vec![a.clone(), b.clone()];
        sort_summaries(&mut rows, SortKey::Duration, true);
        assert_eq!(rows[0], b);
        sort_summaries(&mut rows, SortKey::Spans, false);
        assert_eq!(rows[0], b, "equal span counts: ordered by trace id");
    }
}
