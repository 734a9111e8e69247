//! A time range ([`TimeRange`]: from + to in the Grafana dialect), its resolution to epoch ms,
//! its description ("Last 6 hours"), zoom out, shift, and Grafana's quick ranges.

use chrono::TimeZone;

use super::expr::{CalendarUnit, DateOp, TimeExpr};
use super::TimeError;

/// A range as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    pub from: TimeExpr,
    pub to: TimeExpr,
}

/// A range resolved to epoch ms: `start_ms < end_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedRange {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl ResolvedRange {
    /// Length in ms (always positive).
    pub fn span_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

/// One of Grafana's quick ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuickRange {
    pub from: &'static str,
    pub to: &'static str,
    pub label: &'static str,
}

const fn quick(from: &'static str, to: &'static str, label: &'static str) -> QuickRange {
    QuickRange { from, to, label }
}

/// Grafana's quick ranges, in its order.
pub const QUICK_RANGES: &[QuickRange] = &[
    quick("now-5m", "now", "Last 5 minutes"),
    quick("now-15m", "now", "Last 15 minutes"),
    quick("now-30m", "now", "Last 30 minutes"),
    quick("now-1h", "now", "Last 1 hour"),
    quick("now-3h", "now", "Last 3 hours"),
    quick("now-6h", "now", "Last 6 hours"),
    quick("now-12h", "now", "Last 12 hours"),
    quick("now-24h", "now", "Last 24 hours"),
    quick("now-2d", "now", "Last 2 days"),
    quick("now-7d", "now", "Last 7 days"),
    quick("now-30d", "now", "Last 30 days"),
    quick("now-90d", "now", "Last 90 days"),
    quick("now-6M", "now", "Last 6 months"),
    quick("now-1y", "now", "Last 1 year"),
    quick("now-1d/d", "now-1d/d", "Yesterday"),
    quick("now/d", "now/d", "Today"),
    quick("now/d", "now", "Today so far"),
    quick("now-1w/w", "now-1w/w", "Previous week"),
    quick("now/w", "now/w", "This week"),
    quick("now/w", "now", "This week so far"),
    quick("now-1M/M", "now-1M/M", "Previous month"),
    quick("now/M", "now/M", "This month"),
    quick("now/M", "now", "This month so far"),
    quick("now/y", "now/y", "This year"),
    quick("now/y", "now", "This year so far"),
];

impl TimeRange {
    /// Parses both ends.
    pub fn parse(from: &str, to: &str) -> Result<TimeRange, TimeError> {
        Ok(TimeRange { from: TimeExpr::parse("from", from)?, to: TimeExpr::parse("to", to)? })
    }

    /// True when either end moves with `now` (such ranges re-resolve on refresh).
    pub fn is_relative(&self) -> bool {
        self.from.is_relative() || self.to.is_relative()
    }

    /// Resolves at `now_ms` in `tz`; fails unless from < to.
    pub fn resolve<Tz: TimeZone>(&self, now_ms: i64, tz: &Tz) -> Result<ResolvedRange, TimeError> {
        let start_ms = self.from.resolve("from", now_ms, tz, false)?;
        let end_ms = self.to.resolve("to", now_ms, tz, true)?;
        if start_ms >= end_ms {
            return Err(TimeError::Order { from_ms: start_ms, to_ms: end_ms });
        }
        Ok(ResolvedRange { start_ms, end_ms })
    }

    /// Doubles the span around its centre (Grafana's zoom out). A range ending at plain `now`
    /// stays relative (`now-6h` → `now-12h`) so it keeps following `now`; others become absolute.
    pub fn zoom_out<Tz: TimeZone>(&self, now_ms: i64, tz: &Tz) -> Result<TimeRange, TimeError> {
        let r = self.resolve(now_ms, tz)?;
        let span = r.span_ms();
        if self.to == TimeExpr::now() {
            let doubled = span.checked_mul(2).ok_or(TimeError::OutOfRange { field: "from", text: self.from.to_string() })?;
            return Ok(TimeRange { from: now_minus(doubled), to: TimeExpr::now() });
        }
        let start = r.start_ms.saturating_sub(span / 2);
        let end = r.end_ms.saturating_add(span - span / 2);
        Ok(TimeRange { from: TimeExpr::Epoch(start), to: TimeExpr::Epoch(end) })
    }

    /// Moves the range by half its span, back or forward; the result is absolute.
    pub fn shift<Tz: TimeZone>(&self, now_ms: i64, tz: &Tz, forward: bool) -> Result<TimeRange, TimeError> {
        let r = self.resolve(now_ms, tz)?;
        let half = r.span_ms() / 2;
        let by = if forward { half } else { -half };
        Ok(TimeRange {
            from: TimeExpr::Epoch(r.start_ms.saturating_add(by)),
            to: TimeExpr::Epoch(r.end_ms.saturating_add(by)),
        })
    }
}

/// `now-<span>` in the largest unit that divides `span_ms` exactly (`s m h d`), else ms rounded
/// up to whole seconds.
fn now_minus(span_ms: i64) -> TimeExpr {
    let secs = (span_ms + 999) / 1000;
    let (amount, unit) = [(86_400, CalendarUnit::Day), (3_600, CalendarUnit::Hour), (60, CalendarUnit::Minute)]
        .into_iter()
        .find(|(len, _)| secs % len == 0)
        .map(|(len, unit)| (secs / len, unit))
        .unwrap_or((secs, CalendarUnit::Second));
    TimeExpr::Relative(vec![DateOp::Add { amount: -amount, unit }])
}

/// A short human description: the quick-range label when it is one, "Last 2 hours" for any
/// `now-<n><unit>` → `now`, otherwise "from to to" with epoch-ms ends shown as date-times in `tz`
/// (`2024-01-15 10:00:00`, as Grafana shows them).
pub fn describe<Tz: TimeZone>(range: &TimeRange, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (from, to) = (range.from.to_string(), range.to.to_string());
    if let Some(q) = QUICK_RANGES.iter().find(|q| q.from == from && q.to == to) {
        return q.label.to_string();
    }
    if range.to == TimeExpr::now() {
        if let TimeExpr::Relative(ops) = &range.from {
            if let [DateOp::Add { amount, unit }] = ops.as_slice() {
                if *amount < 0 {
                    let n = amount.unsigned_abs();
                    return format!("Last {n} {}", unit.name(n != 1));
                }
            }
        }
    }
    let end = |e: &TimeExpr, text: String| match e {
        TimeExpr::Epoch(ms) => crate::format::format_datetime_ms(*ms, tz),
        _ => text,
    };
    format!("{} to {}", end(&range.from, from), end(&range.to, to))
}
