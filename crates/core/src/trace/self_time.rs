//! Self time of each span and the bottlenecks of a trace (algorithms.md §8, §7.3, §9).
//!
//! - **Self time** of a span = its duration minus the length of the union of its children's
//!   intervals clipped to the span, floored at 0 (jaeger-ui `compute-span-self-time.ts`). All
//!   children count, non-blocking ones included. One sweep over each span's children (already
//!   sorted by start): O(n) per trace.
//! - **Bottlenecks** are the spans with critical-path time (their self time *on the critical
//!   path*, [`super::critical_path::CriticalPath::per_span_ns`]), ranked by it, descending (ties
//!   by span order), each with its share of the trace duration (0–1; `None` for a zero-length
//!   trace).

use super::critical_path::CriticalPath;
use super::model::Trace;

/// Self time (ns) of every span, indexed like the trace's spans.
pub fn self_times(trace: &Trace) -> Vec<u64> {
    let (starts, ends) = (trace.starts_ns(), trace.ends_ns());
    (0..trace.len() as u32)
        .map(|i| {
            let (Some(&s), Some(&e)) = (starts.get(i as usize), ends.get(i as usize)) else {
                return 0;
            };
            let mut prev_end = s;
            let mut covered = 0u64;
            for &c in trace.children(i) {
                let (Some(&c_start), Some(&c_end)) = (starts.get(c as usize), ends.get(c as usize))
                else {
                    continue;
                };
                if c_start >= e {
                    break;
                }
                if c_end <= prev_end {
                    continue;
                }
                let lo = prev_end.max(c_start);
                let hi = c_end.min(e);
                covered += hi - lo;
                prev_end = hi;
                if prev_end >= e {
                    break;
                }
            }
            (e - s).saturating_sub(covered)
        })
        .collect()
}

/// A span on the critical path, with the time it alone holds the trace up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bottleneck {
    /// Index of the span in the trace.
    pub span: u32,
    /// Critical-path time of the span (ns).
    pub critical_ns: u64,
    /// Self time of the span (ns), for comparison.
    pub self_ns: u64,
    /// `critical_ns / trace duration` (0–1); `None` when the trace lasts 0 ns.
    pub share: Option<f64>,
}

/// Spans with critical-path time, ranked by it (descending, ties by span order).
pub fn bottlenecks(trace: &Trace, path: &CriticalPath, self_ns: &[u64]) -> Vec<Bottleneck> {
    let duration = trace.duration_ns();
    let mut out: Vec<Bottleneck> = path
        .per_span_ns
        .iter()
        .enumerate()
        .filter(|(_, &cp)| cp > 0)
        .map(|(i, &critical_ns)| Bottleneck {
            span: i as u32,
            critical_ns,
            self_ns: self_ns.get(i).copied().unwrap_or(0),
            share: (duration > 0).then(|| critical_ns as f64 / duration as f64),
        })
        .collect();
    out.sort_by(|a, b| b.critical_ns.cmp(&a.critical_ns).then(a.span.cmp(&b.span)));
    out
}
