//! SLIs from traces: the valid events are the spans of one service (and operation) in the traces
//! a search returned; the good ones end within a latency threshold, or are not errors.
//!
//! Spans are counted per evaluation step by their **end** time (a request counts when it
//! completes, as a counter is incremented then) and written as two cumulative counter series
//! (good, valid) sampled at every covered grid time, so [`SliEvents::ratio`] and everything after
//! it — budget, burn rates, alert tiers, coverage — apply unchanged, in exact mode.
//!
//! The counts are over the **fetched** traces only: a search returns at most its limit, and
//! backends may sample. The caller says from when the fetched traces are complete
//! (`covered_from_ms`: the search's start when it returned fewer traces than its limit, else the
//! earliest fetched trace); steps before it have no data, so coverage says how much of the window
//! the traces speak for, and [`TraceCounts`] carries the numbers the UI shows.

use crate::counters::EvalGrid;
use super::step_series::cumulative;
use crate::series::Series;
use crate::trace::Trace;

/// What makes a span good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanGood {
    /// Its duration is at most this many ns.
    Within { threshold_ns: u64 },
    /// It is not marked as an error (OTel status error, or Jaeger's `error` tag).
    NotError,
}

/// Which spans count, and which of them are good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanSli<'a> {
    pub service: &'a str,
    /// Operation (span name); empty = every operation of the service.
    pub operation: &'a str,
    pub good: SpanGood,
}

/// Spans counted for a trace SLI, and the counter series built from them.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceCounts {
    /// Traces looked at.
    pub traces: usize,
    /// Matching spans counted (ending inside the covered grid).
    pub spans: u64,
    /// Of those, good.
    pub good: u64,
    /// Matching spans left out because they end outside `(covered_from, grid end]`.
    pub outside: u64,
    /// Cumulative good spans at each covered grid time (and one baseline before).
    pub good_series: Series,
    /// Cumulative matching spans, sampled like `good_series`.
    pub total_series: Series,
}

/// Counts `sli`'s spans in `traces` on `grid`, from `covered_from_ms` on (see the module doc).
pub fn count_spans<'t>(
    traces: impl IntoIterator<Item = &'t Trace>,
    sli: SpanSli<'_>,
    grid: EvalGrid,
    covered_from_ms: i64,
) -> TraceCounts {
    let steps = grid.len();
    let step = grid.step_ms.max(1);
    // The first covered step: the one whose interval (t − step, t] holds covered_from_ms + 1 ms.
    let first = if covered_from_ms < grid.start_ms {
        0
    } else {
        let k = (i128::from(covered_from_ms) - i128::from(grid.start_ms)) / i128::from(step) + 1;
        usize::try_from(k).unwrap_or(usize::MAX).min(steps)
    };
    let from_ms = grid
        .start_ms
        .saturating_add(step.saturating_mul(first as i64))
        .saturating_sub(step);
    let mut good_inc = vec![0u64; steps];
    let mut total_inc = vec![0u64; steps];
    let (mut n_traces, mut spans, mut good, mut outside) = (0usize, 0u64, 0u64, 0u64);
    for t in traces {
        n_traces += 1;
        let Some(service) = t.find_str(sli.service) else {
            continue;
        };
        let operation = if sli.operation.is_empty() {
            None
        } else {
            t.find_str(sli.operation)
        };
        if !sli.operation.is_empty() && operation.is_none() {
            continue;
        }
        let columns = t
            .services()
            .iter()
            .zip(t.operations())
            .zip(t.ends_ns())
            .zip(t.durations_ns())
            .zip(t.errors());
        for ((((svc, op), end_ns), dur_ns), err) in columns {
            if *svc != service || operation.is_some_and(|o| o != *op) {
                continue;
            }
            let end_ms = i64::try_from(end_ns / 1_000_000).unwrap_or(i64::MAX);
            let k = (i128::from(end_ms) - i128::from(grid.start_ms) + i128::from(step) - 1)
                / i128::from(step);
            let slot = usize::try_from(k)
                .ok()
                .filter(|&k| k >= first && k < steps && end_ms > from_ms);
            let Some(k) = slot else {
                outside += 1;
                continue;
            };
            let is_good = match sli.good {
                SpanGood::Within { threshold_ns } => *dur_ns <= threshold_ns,
                SpanGood::NotError => !*err,
            };
            spans += 1;
            total_inc[k] += 1;
            if is_good {
                good += 1;
                good_inc[k] += 1;
            }
        }
    }
    TraceCounts {
        traces: n_traces,
        spans,
        good,
        outside,
        good_series: cumulative("trace_spans_good", &good_inc, first, grid),
        total_series: cumulative("trace_spans_valid", &total_inc, first, grid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::{CountMode, Counted, SliEvents};
    use crate::trace::{SpanInput, SpanStatus, TraceBuilder};

    const MIN: i64 = 60_000;
    const MS_NS: u64 = 1_000_000;

    /// One trace per (service, operation, end ms, duration ms, error).
    fn traces(spans: &[(&str, &str, i64, u64, bool)]) -> Vec<Trace> {
        spans
            .iter()
            .enumerate()
            .map(|(i, &(svc, op, end_ms, dur_ms, err))| {
                let mut b = TraceBuilder::new(i as u128 + 1);
                let s = b.intern(svc);
                let r = b.add_resource(s, &[]);
                let operation = b.intern(op);
                b.add_span(SpanInput {
                    span_id: 1,
                    start_ns: end_ms as u64 * MS_NS - dur_ms * MS_NS,
                    duration_ns: dur_ms * MS_NS,
                    resource: r,
                    operation,
                    status: if err {
                        SpanStatus::Error
                    } else {
                        SpanStatus::Unset
                    },
                    ..SpanInput::default()
                });
                b.build()
            })
            .collect()
    }

    fn grid() -> EvalGrid {
        // Steps end at 10, 11, …, 20 min; step k covers (t_k − 1 min, t_k].
        EvalGrid {
            start_ms: 10 * MIN,
            end_ms: 20 * MIN,
            step_ms: MIN,
        }
    }

    #[test]
    fn spans_count_by_end_time_into_the_ratio_machinery() {
        let ts = traces(&[
            ("api", "GET /x", 12 * MIN, 150, false),     // good, step 2
            ("api", "GET /x", 12 * MIN + 1, 250, false), // slow, step 3
            ("api", "GET /x", 15 * MIN, 100, true),      // fast but an error: good for latency
            ("api", "POST /y", 15 * MIN, 900, false),    // other operation
            ("db", "GET /x", 15 * MIN, 900, false),      // other service
            ("api", "GET /x", 25 * MIN, 100, false),     // after the grid
            ("api", "GET /x", 9 * MIN, 100, false),      // before the grid
        ]);
        let sli = SpanSli {
            service: "api",
            operation: "GET /x",
            good: SpanGood::Within {
                threshold_ns: 200 * MS_NS,
            },
        };
        let c = count_spans(&ts, sli, grid(), 0);
        assert_eq!((c.traces, c.spans, c.good, c.outside), (7, 3, 2, 2));
        let good = [c.good_series];
        let total = [c.total_series];
        let ev = SliEvents::ratio(Counted::Good, &good, &total, grid(), CountMode::Exact).unwrap();
        let w = ev.counts_at(20 * MIN, 10 * MIN).unwrap();
        assert_eq!((w.bad, w.total), (1.0, 3.0));
        // The slow span ended 1 ms into (12, 13]: a window ending at 12 min holds only the first.
        let w = ev.counts_at(12 * MIN, 2 * MIN).unwrap();
        assert_eq!((w.bad, w.total), (0.0, 1.0));
        let w = ev.counts_at(13 * MIN, MIN).unwrap();
        assert_eq!((w.bad, w.total), (1.0, 1.0));

        let avail = SpanSli {
            service: "api",
            operation: "",
            good: SpanGood::NotError,
        };
        let c = count_spans(&ts, avail, grid(), 0);
        assert_eq!((c.spans, c.good), (4, 3), "every api operation; one error");
    }

    #[test]
    fn coverage_starts_where_the_fetched_traces_are_complete() {
        let ts = traces(&[
            ("api", "op", 12 * MIN, 1, false),
            ("api", "op", 17 * MIN, 1, false),
        ]);
        let sli = SpanSli {
            service: "api",
            operation: "op",
            good: SpanGood::NotError,
        };
        // Complete from 15 min: steps ending 16…20 are covered; the 12-min span is left out.
        let c = count_spans(&ts, sli, grid(), 15 * MIN);
        assert_eq!((c.spans, c.outside), (1, 1));
        let good = [c.good_series];
        let total = [c.total_series];
        let ev = SliEvents::ratio(Counted::Good, &good, &total, grid(), CountMode::Exact).unwrap();
        let w = ev.counts_at(20 * MIN, 10 * MIN).unwrap();
        assert_eq!(w.total, 1.0);
        assert_eq!((w.covered_steps, w.steps), (5, 10));
    }

    #[test]
    fn no_matching_span_is_no_data_not_a_perfect_sli() {
        let ts = traces(&[("db", "q", 12 * MIN, 1, false)]);
        let sli = SpanSli {
            service: "api",
            operation: "",
            good: SpanGood::NotError,
        };
        let c = count_spans(&ts, sli, grid(), 0);
        let good = [c.good_series];
        let total = [c.total_series];
        let ev = SliEvents::ratio(Counted::Good, &good, &total, grid(), CountMode::Exact).unwrap();
        assert_eq!(
            ev.counts_at(20 * MIN, 10 * MIN).unwrap().error_ratio(),
            None
        );
        let empty = count_spans(std::iter::empty(), sli, grid(), i64::MAX);
        assert!(empty.total_series.t_ms.is_empty());
    }
}
