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

use crate::formats::prometheus::PromRequest;
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
}
