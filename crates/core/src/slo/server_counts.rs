//! Server-side counting for SLO windows whose raw samples are too many to fetch: the backend
//! sums the events with Prometheus' `increase()` (extrapolated, Sightline's
//! "Prometheus-compatible" mode) over pieces that tile the window exactly.
//!
//! The window `(start, end]` becomes `d` whole days ending at `end` — one `query_range` of
//! `sum(increase(sel[1d]))` at 1-day steps — and the remainder `(start, end − d days]`, one
//! instant `sum(increase(sel[<rest>]))` at `end − d days`. The pieces tile the window (each ends
//! where the next begins), so their sum is Prometheus' estimate for the whole window: a calendar
//! month that began 12 d 5 h ago is 12 daily values plus one 5-hour value. Each piece is
//! extrapolated on its own, as `increase()` does. Coverage counts the pieces whose valid events
//! are above 0.
//!
//! The time-slice methods need every slice: [`slice_grid`] lays the whole slices of the window
//! ending at its end (a partial slice at the start is left out, as in [`super::budget`]),
//! [`slice_increase_requests`] asks `sum(increase(sel[<slice>]))` at every slice end (one
//! `query_range` at the slice as step, chunked), and [`counter_of_increments`] turns the answers
//! back into a counter on that grid, so [`super::SliEvents`] and [`super::measure`] judge each
//! slice as they do with raw samples. A slice without an answer has no data.

use crate::counters::EvalGrid;
use crate::formats::prometheus::PromRequest;
use crate::series::{Labels, Series};
use crate::time::format_prom_duration;

const DAY_MS: i64 = 86_400_000;

/// The requests that count one selector over a window, and the pieces they stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncreasePlan {
    /// Whole days ending at the window's end; `None` when the window is shorter than a day.
    pub daily: Option<PromRequest>,
    /// The remainder before the days; `None` when the window is whole days.
    pub rest: Option<PromRequest>,
    pub days: i64,
    pub rest_ms: i64,
}

/// Plans the counting of `selector` over `(start_ms, end_ms]` (see the module doc). The remainder
/// is written in whole seconds (Prometheus durations); a sub-second remainder is dropped from the
/// window, which only happens for windows not on the minute grid.
pub fn increase_plan(selector: &str, start_ms: i64, end_ms: i64) -> IncreasePlan {
    let span = end_ms.saturating_sub(start_ms).max(0);
    let days = span / DAY_MS;
    let rest_ms = (span % DAY_MS) / 1000 * 1000;
    let daily = (days > 0).then(|| PromRequest::Range {
        query: format!("sum(increase({selector}[1d]))"),
        start_ms: end_ms - (days - 1) * DAY_MS,
        end_ms,
        step_ms: DAY_MS,
    });
    let rest = (rest_ms > 0).then(|| PromRequest::Instant {
        query: format!(
            "sum(increase({selector}[{}]))",
            format_prom_duration(rest_ms as u64)
        ),
        time_ms: Some(end_ms - days * DAY_MS),
    });
    IncreasePlan {
        daily,
        rest,
        days,
        rest_ms,
    }
}

/// The grid of whole `slice_ms` slices of `(start_ms, end_ms]` ending at `end_ms` (one step per
/// slice); `None` when no whole slice fits.
pub fn slice_grid(start_ms: i64, end_ms: i64, slice_ms: i64) -> Option<EvalGrid> {
    if slice_ms <= 0 {
        return None;
    }
    let n = end_ms.saturating_sub(start_ms) / slice_ms;
    (n >= 1).then(|| EvalGrid {
        start_ms: end_ms - (n - 1) * slice_ms,
        end_ms,
        step_ms: slice_ms,
    })
}

/// `sum(increase(selector[<slice>]))` at every time of `grid`, as `query_range` requests of at
/// most `max_points` points each.
pub fn slice_increase_requests(
    selector: &str,
    grid: EvalGrid,
    max_points: i64,
) -> Vec<PromRequest> {
    let query = format!(
        "sum(increase({selector}[{}]))",
        format_prom_duration(grid.step_ms.max(0) as u64)
    );
    let chunk = max_points.max(1).saturating_mul(grid.step_ms.max(1));
    let mut out = Vec::new();
    let mut from = grid.start_ms;
    while grid.step_ms > 0 && from <= grid.end_ms {
        let to = from.saturating_add(chunk - grid.step_ms).min(grid.end_ms);
        out.push(PromRequest::Range {
            query: query.clone(),
            start_ms: from,
            end_ms: to,
            step_ms: grid.step_ms,
        });
        from = to.saturating_add(grid.step_ms);
    }
    out
}

/// A counter on `grid` whose increase in step `k` is the value answered at `t_k` (`points` as
/// (t, value), any order; values at times off the grid or not finite are ignored; a step without
/// a value has no sample, so no data).
pub fn counter_of_increments(points: &[(i64, f64)], grid: EvalGrid) -> Series {
    let mut by_step: Vec<Option<f64>> = vec![None; grid.len()];
    for &(t, v) in points {
        let off = t.saturating_sub(grid.start_ms);
        if v.is_finite() && off >= 0 && grid.step_ms > 0 && off % grid.step_ms == 0 {
            if let Some(slot) = usize::try_from(off / grid.step_ms)
                .ok()
                .and_then(|k| by_step.get_mut(k))
            {
                *slot = Some(slot.unwrap_or(0.0) + v);
            }
        }
    }
    let mut t_ms = vec![grid.start_ms.saturating_sub(grid.step_ms)];
    let mut values = vec![0.0];
    let mut acc = 0.0;
    for (t, v) in grid.times().zip(by_step) {
        if let Some(v) = v {
            acc += v;
            t_ms.push(t);
            values.push(acc);
        }
    }
    Series {
        labels: Labels::default(),
        t_ms,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn whole_days_are_one_range_query() {
        let end = 100 * DAY_MS;
        let p = increase_plan("x_total", end - 30 * DAY_MS, end);
        assert_eq!((p.days, p.rest_ms, p.rest.is_none()), (30, 0, true));
        assert_eq!(
            p.daily,
            Some(PromRequest::Range {
                query: "sum(increase(x_total[1d]))".into(),
                start_ms: end - 29 * DAY_MS,
                end_ms: end,
                step_ms: DAY_MS
            })
        );
    }

    #[test]
    fn a_calendar_month_so_far_is_days_plus_the_rest_before_them() {
        // Began 12 d 5 h 30 min ago: 12 daily values ending now, and 5h30m ending 12 d ago.
        let end = 400 * DAY_MS + 7 * H;
        let start = end - 12 * DAY_MS - 5 * H - 30 * 60_000;
        let p = increase_plan(r#"x_total{code="500"}"#, start, end);
        assert_eq!((p.days, p.rest_ms), (12, 5 * H + 30 * 60_000));
        assert_eq!(
            p.rest,
            Some(PromRequest::Instant {
                query: r#"sum(increase(x_total{code="500"}[5h30m]))"#.into(),
                time_ms: Some(end - 12 * DAY_MS)
            })
        );
        // The pieces tile (start, end]: the rest ends where the first daily range begins.
        let first_day_start = end - 12 * DAY_MS;
        assert_eq!(start + p.rest_ms, first_day_start);
    }

    #[test]
    fn short_and_empty_windows() {
        let p = increase_plan("x", 0, 3 * H);
        assert_eq!((p.days, p.daily, p.rest_ms), (0, None, 3 * H));
        let p = increase_plan("x", 5, 5);
        assert_eq!((p.daily, p.rest), (None, None));
        let p = increase_plan("x", 10, 0);
        assert_eq!((p.days, p.rest_ms), (0, 0));
    }

    #[test]
    fn slices_counted_by_the_backend_are_judged_as_with_raw_samples() {
        use crate::slo::{measure, BudgetingMethod, CountMode, Counted, SliEvents, SliceTarget};
        const M: i64 = 60_000;
        // (start, end] = 23 min: four whole 5-min slices ending at 100 min, the 3-min rest left out.
        let g = slice_grid(77 * M, 100 * M, 5 * M).unwrap();
        assert_eq!((g.start_ms, g.end_ms, g.len()), (85 * M, 100 * M, 4));
        let reqs = slice_increase_requests("x", g, 3);
        assert_eq!(reqs.len(), 2);
        assert_eq!(
            reqs[0],
            PromRequest::Range {
                query: "sum(increase(x[5m]))".into(),
                start_ms: 85 * M,
                end_ms: 95 * M,
                step_ms: 5 * M
            }
        );
        assert!(
            matches!(reqs[1], PromRequest::Range { start_ms, end_ms, .. } if start_ms == 100 * M && end_ms == 100 * M)
        );
        // Per-slice answers: totals 100, 100, (none), 50; bad 0, 10, -, 0 (good ratios 1, 0.9, -, 1).
        let total = counter_of_increments(
            &[(85 * M, 100.0), (90 * M, 100.0), (100 * M, 50.0), (7, 9.0)],
            g,
        );
        let bad = counter_of_increments(&[(90 * M, 10.0), (85 * M, 0.0), (100 * M, 0.0)], g);
        let (t, b) = ([total], [bad]);
        let ev = SliEvents::ratio(Counted::Bad, &b, &t, g, CountMode::Exact).unwrap();
        let target = SliceTarget::parse("0.95").unwrap();
        let m = measure(
            &BudgetingMethod::Timeslices {
                slice_ms: 5 * M,
                target,
            },
            &ev,
            80 * M,
            100 * M,
        )
        .unwrap();
        let s = m.slices.unwrap();
        assert_eq!((s.good, s.bad, s.no_data), (2, 1, 1));
        assert_eq!(m.error_ratio, Some(1.0 / 3.0));
        let m = measure(
            &BudgetingMethod::RatioTimeslices { slice_ms: 5 * M },
            &ev,
            80 * M,
            100 * M,
        )
        .unwrap();
        assert!((m.error_ratio.unwrap() - 0.1 / 3.0).abs() < 1e-15);
    }
}
