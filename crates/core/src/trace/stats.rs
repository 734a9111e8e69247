//! The per-(service, operation) statistics table (algorithms.md §9, jaeger-ui `tableValues.ts`
//! plus what Jaeger lacks), over one trace or over many (a search's traces).
//!
//! Per group: span count, number of traces it occurs in, total / min / avg / max duration, exact
//! p50 / p95 / p99 of durations (linear interpolation between closest ranks, Hyndman–Fan type 7,
//! by [`crate::stats::percentile::quantiles`]), self total (see [`super::self_time`]),
//! critical-path total (see [`super::critical_path`]), `self_share` = self total / the summed
//! duration of the traces looked at (Jaeger's "%" column; `None` when that sum is 0), error count
//! and error rate (errors / count, 0–1). Rows are sorted by (service, operation); the caller
//! re-sorts for display. No group is ever empty, so no statistic is made up.

use std::collections::HashMap;
use std::sync::Arc;

use super::critical_path::critical_path;
use super::model::{StrId, Trace};
use super::self_time::self_times;
use crate::stats::percentile::{quantiles, QuantileMethod};

/// One row of the statistics table. Times in ns.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationStats {
    pub service: Arc<str>,
    pub operation: Arc<str>,
    /// Number of spans.
    pub count: usize,
    /// Number of traces with at least one such span.
    pub traces: usize,
    pub total_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    pub avg_ns: f64,
    pub p50_ns: f64,
    pub p95_ns: f64,
    pub p99_ns: f64,
    pub self_total_ns: u64,
    pub critical_total_ns: u64,
    /// Self total / summed trace durations (0–1), `None` when the traces last 0 ns.
    pub self_share: Option<f64>,
    pub error_count: usize,
    /// `error_count / count` (0–1).
    pub error_rate: f64,
}

#[derive(Default)]
struct Acc {
    durations: Vec<f64>,
    total: u64,
    min: u64,
    max: u64,
    self_total: u64,
    critical_total: u64,
    errors: usize,
    traces: usize,
    last_trace: usize,
}

/// Exact quantiles `qs` of `values` (linear interpolation between closest ranks); NaN when
/// `values` holds no finite number (never the case for span durations, which are integers).
pub(crate) fn exact_quantiles<const N: usize>(values: &[f64], qs: [f64; N]) -> [f64; N] {
    let found = quantiles(values, &qs, QuantileMethod::Linear)
        .ok()
        .and_then(|q| q.values);
    std::array::from_fn(|k| {
        found
            .as_ref()
            .and_then(|v| v.get(k).copied())
            .unwrap_or(f64::NAN)
    })
}

/// The statistics table over `traces` (one or many; see the module doc).
pub fn operation_stats<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> Vec<OperationStats> {
    operation_stats_with(
        traces
            .into_iter()
            .map(|t| (t, self_times(t), critical_path(t).per_span_ns)),
    )
}

/// [`operation_stats`] from analyses already made: each trace with its self times
/// ([`self_times`]) and its critical-path time per span ([`critical_path`]'s `per_span_ns`),
/// indexed like its spans (a missing entry counts as 0).
pub fn operation_stats_with<'a, S: AsRef<[u64]>>(
    traces: impl IntoIterator<Item = (&'a Trace, S, S)>,
) -> Vec<OperationStats> {
    // Groups by (service, operation) text across traces; within a trace by interned ids, so
    // each distinct pair is hashed as text once per trace, not once per span.
    let mut keys: Vec<(Arc<str>, Arc<str>)> = Vec::new();
    let mut accs: Vec<Acc> = Vec::new();
    let mut global: HashMap<(Arc<str>, Arc<str>), usize> = HashMap::new();
    let mut summed_duration: u64 = 0;
    for (ti, (trace, selfs, per_span_critical)) in traces.into_iter().enumerate() {
        let (selfs, per_span_critical) = (selfs.as_ref(), per_span_critical.as_ref());
        summed_duration = summed_duration.saturating_add(trace.duration_ns());
        let mut local: HashMap<(StrId, StrId), usize> = HashMap::new();
        for span in trace.spans() {
            let i = span.index() as usize;
            let (sid, oid) = (
                trace.services().get(i).copied().unwrap_or_default(),
                trace.operations().get(i).copied().unwrap_or_default(),
            );
            let g = *local.entry((sid, oid)).or_insert_with(|| {
                let key: (Arc<str>, Arc<str>) =
                    (Arc::from(trace.str(sid)), Arc::from(trace.str(oid)));
                *global.entry(key.clone()).or_insert_with(|| {
                    keys.push(key);
                    accs.push(Acc {
                        min: u64::MAX,
                        last_trace: usize::MAX,
                        ..Acc::default()
                    });
                    accs.len() - 1
                })
            });
            let Some(acc) = accs.get_mut(g) else { continue };
            let d = span.duration_ns();
            acc.durations.push(d as f64);
            acc.total = acc.total.saturating_add(d);
            acc.min = acc.min.min(d);
            acc.max = acc.max.max(d);
            acc.self_total = acc
                .self_total
                .saturating_add(selfs.get(i).copied().unwrap_or(0));
            acc.critical_total = acc
                .critical_total
                .saturating_add(per_span_critical.get(i).copied().unwrap_or(0));
            acc.errors += usize::from(span.is_error());
            if acc.last_trace != ti {
                acc.last_trace = ti;
                acc.traces += 1;
            }
        }
    }
    let mut rows: Vec<OperationStats> = keys
        .into_iter()
        .zip(accs)
        .map(|((service, operation), acc)| {
            let count = acc.durations.len();
            let [p50, p95, p99] = exact_quantiles(&acc.durations, [0.5, 0.95, 0.99]);
            OperationStats {
                service,
                operation,
                count,
                traces: acc.traces,
                total_ns: acc.total,
                min_ns: acc.min,
                max_ns: acc.max,
                avg_ns: acc.total as f64 / count.max(1) as f64,
                p50_ns: p50,
                p95_ns: p95,
                p99_ns: p99,
                self_total_ns: acc.self_total,
                critical_total_ns: acc.critical_total,
                self_share: (summed_duration > 0)
                    .then(|| acc.self_total as f64 / summed_duration as f64),
                error_count: acc.errors,
                error_rate: acc.errors as f64 / count.max(1) as f64,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.service
            .cmp(&b.service)
            .then_with(|| a.operation.cmp(&b.operation))
    });
    rows
}
