//! Everything the trace view shows about one trace besides the spans themselves, computed in one
//! call: the critical path ([`super::critical_path`], its sections sorted by span for drawing),
//! self times and bottlenecks ([`super::self_time`]) and the per-(service, operation) statistics
//! table of that trace ([`super::stats`]). The page runs it for small traces; the background
//! worker runs the same function for large ones and sends the result back in a frame
//! (`crate::offload`), so both give identical numbers.
//!
//! Contract: O(n log n) in the trace's spans, no recursion, no panic on any trace (a trace whose
//! columns are inconsistent gets an empty critical path, as [`super::critical_path`] does).

use super::critical_path::{critical_path, Section};
use super::model::Trace;
use super::self_time::{bottlenecks, self_times, Bottleneck};
use super::stats::{operation_stats_with, OperationStats};

/// The analyses of one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceAnalysis {
    /// Critical-path sections sorted by (span, start) (`crate::trace_rows::sections_of` finds a
    /// span's sections in it).
    pub sections: Vec<Section>,
    /// Total length of the critical path (ns).
    pub critical_total_ns: u64,
    /// Spans on no critical path (non-blocking subtrees, spans entirely outside their parent).
    pub excluded_spans: usize,
    /// Self time of each span (ns), indexed like the spans.
    pub self_ns: Vec<u64>,
    /// Critical-path time of each span (ns), indexed like the spans.
    pub critical_ns: Vec<u64>,
    /// Spans on the critical path ranked by their critical-path time.
    pub bottlenecks: Vec<Bottleneck>,
    /// The statistics table of this trace, sorted by (service, operation).
    pub stats: Vec<OperationStats>,
}

impl TraceAnalysis {
    /// Runs every analysis on `trace`.
    pub fn of(trace: &Trace) -> TraceAnalysis {
        let cp = critical_path(trace);
        let self_ns = self_times(trace);
        let ranked = bottlenecks(trace, &cp, &self_ns);
        let stats = operation_stats_with([(trace, &self_ns, &cp.per_span_ns)]);
        TraceAnalysis {
            sections: crate::trace_rows::sections_by_span(&cp.sections),
            critical_total_ns: cp.total_ns(),
            excluded_spans: cp.excluded_spans,
            self_ns,
            critical_ns: cp.per_span_ns,
            bottlenecks: ranked,
            stats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::decode_traces;
    use crate::trace::stats::operation_stats;

    #[test]
    fn one_call_gives_what_each_analysis_gives_alone() {
        let body = include_bytes!("../../../../tests/fixtures/jaeger/petclinic-normal.json");
        let trace = decode_traces(body).unwrap().traces.remove(0);
        let a = TraceAnalysis::of(&trace);
        let cp = critical_path(&trace);
        assert_eq!(a.critical_total_ns, cp.total_ns());
        assert_eq!(a.sections.len(), cp.sections.len());
        assert_eq!(
            a.sections,
            crate::trace_rows::sections_by_span(&cp.sections)
        );
        assert_eq!(a.self_ns, self_times(&trace));
        assert_eq!(a.critical_ns, cp.per_span_ns);
        assert_eq!(a.bottlenecks, bottlenecks(&trace, &cp, &self_times(&trace)));
        assert_eq!(a.stats, operation_stats([&trace]));
        assert!(a.critical_total_ns > 0 && !a.stats.is_empty());
    }

    #[test]
    fn an_empty_trace_has_empty_analyses() {
        let a = TraceAnalysis::of(&Trace::default());
        assert_eq!(a, TraceAnalysis::default());
    }
}
