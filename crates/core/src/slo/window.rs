//! SLO windows: rolling (`28d`, `7d`, `30d` … ending now) or calendar (this day, week, month,
//! quarter or year in a time zone), resolved at a given `now` (algorithms.md §6.7, OpenSLO
//! `timeWindow`).
//!
//! A resolved window is two instants in epoch ms. Events are counted over the left-open interval
//! `(start_ms, end_ms]`, the convention of [`crate::counters`] (a counter's increase at an instant
//! belongs to the interval ending there), so adjacent periods share no event.
//! Calendar periods use the actual length of the period (months differ) as the budget period.
//! Calendar arithmetic reuses [`crate::time::TimeExpr`] (`now/M` …) in any [`chrono::TimeZone`]
//! (UTC, a fixed offset, the browser's local zone, or a named IANA zone through
//! [`super::zone::NamedZone`], whose offsets the app asks the browser for). Weeks start on Monday (ISO 8601), as in the time grammar.

use std::fmt;

use chrono::{Datelike, TimeZone};

use super::SloError;
use crate::time::expr::DateOp;
use crate::time::{format_prom_duration, parse_prom_duration, CalendarUnit, TimeExpr};

/// A calendar period of an SLO window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarPeriod {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl CalendarPeriod {
    /// English name (`month`).
    pub fn name(self) -> &'static str {
        match self {
            CalendarPeriod::Day => "day",
            CalendarPeriod::Week => "week",
            CalendarPeriod::Month => "month",
            CalendarPeriod::Quarter => "quarter",
            CalendarPeriod::Year => "year",
        }
    }
}

/// An SLO's time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SloWindow {
    /// The last `duration_ms` up to now (OpenSLO `isRolling: true`).
    Rolling { duration_ms: i64 },
    /// The calendar period containing now (OpenSLO `calendar`).
    Calendar(CalendarPeriod),
}

/// Longest accepted window: 5 years (an SLO period, not an archive).
const MAX_WINDOW_MS: u64 = 5 * 366 * 86_400_000;

impl SloWindow {
    /// A rolling window from a Prometheus duration (`28d`, `4w`, `30d`, `1h`).
    pub fn parse_rolling(text: &str) -> Result<SloWindow, SloError> {
        let bad = |reason: String| SloError::Syntax { field: "window", text: text.to_string(), reason };
        let ms = parse_prom_duration(text).map_err(|e| bad(e.to_string()))?;
        if ms == 0 || ms > MAX_WINDOW_MS {
            return Err(SloError::OutOfRange {
                field: "window",
                text: text.to_string(),
                reason: "a window must be longer than 0 and at most 5 years".to_string(),
            });
        }
        Ok(SloWindow::Rolling { duration_ms: ms as i64 })
    }

    /// A calendar window: OpenSLO's `1d`, `1w`, `1M`, `1Q`, `1Y` (also `day`, `week`, `month`,
    /// `quarter`, `year`). Only one-period lengths are calendar-aligned.
    pub fn parse_calendar(text: &str) -> Result<SloWindow, SloError> {
        let t = text.trim();
        let unit = t.strip_prefix('1').unwrap_or(t);
        let period = match unit {
            "d" | "D" | "day" => CalendarPeriod::Day,
            "w" | "W" | "week" => CalendarPeriod::Week,
            "M" | "month" => CalendarPeriod::Month,
            "Q" | "q" | "quarter" => CalendarPeriod::Quarter,
            "y" | "Y" | "year" => CalendarPeriod::Year,
            _ => {
                return Err(SloError::Syntax {
                    field: "window",
                    text: text.to_string(),
                    reason: "expected a calendar period: 1d, 1w, 1M, 1Q or 1Y (or day, week, month, quarter, year)"
                        .to_string(),
                })
            }
        };
        Ok(SloWindow::Calendar(period))
    }

    /// The window at `now_ms` in `tz`: `(now − duration, now]` for a rolling window, the whole
    /// calendar period containing `now_ms` for a calendar window.
    pub fn resolve<Tz: TimeZone>(&self, now_ms: i64, tz: &Tz) -> Result<ResolvedWindow, SloError> {
        match *self {
            SloWindow::Rolling { duration_ms } => Ok(ResolvedWindow {
                start_ms: now_ms.saturating_sub(duration_ms),
                end_ms: now_ms,
                now_ms,
            }),
            SloWindow::Calendar(period) => {
                let out = || SloError::OutOfRange {
                    field: "window",
                    text: format!("calendar {}", period.name()),
                    reason: "the period lies outside the representable calendar".to_string(),
                };
                let (unit, back_months) = match period {
                    CalendarPeriod::Day => (CalendarUnit::Day, 0),
                    CalendarPeriod::Week => (CalendarUnit::Week, 0),
                    CalendarPeriod::Month => (CalendarUnit::Month, 0),
                    CalendarPeriod::Year => (CalendarUnit::Year, 0),
                    CalendarPeriod::Quarter => {
                        let local = tz.timestamp_millis_opt(now_ms).single().ok_or_else(out)?;
                        (CalendarUnit::Month, i64::from(local.month0() % 3))
                    }
                };
                let mut ops = vec![DateOp::Round(unit)];
                if back_months > 0 {
                    ops.push(DateOp::Add { amount: -back_months, unit: CalendarUnit::Month });
                }
                let start_ms = TimeExpr::Relative(ops.clone()).resolve("window", now_ms, tz, false).map_err(|_| out())?;
                let (amount, step_unit) = if period == CalendarPeriod::Quarter { (3, CalendarUnit::Month) } else { (1, unit) };
                ops.push(DateOp::Add { amount, unit: step_unit });
                // Round again: when the period began after a gap at midnight (01:00 local), one
                // period later is 01:00 too, but the next period begins at its own midnight.
                ops.push(DateOp::Round(unit));
                let end_ms = TimeExpr::Relative(ops).resolve("window", now_ms, tz, false).map_err(|_| out())?;
                Ok(ResolvedWindow { start_ms, end_ms, now_ms })
            }
        }
    }
}

impl fmt::Display for SloWindow {
    /// `rolling 28d`, `calendar month`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SloWindow::Rolling { duration_ms } => write!(f, "rolling {}", format_prom_duration((*duration_ms).max(0) as u64)),
            SloWindow::Calendar(p) => write!(f, "calendar {}", p.name()),
        }
    }
}

/// A window resolved to instants: the period `(start_ms, end_ms]` and the `now_ms` it was
/// resolved at (for a calendar window `now_ms` may lie before `end_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResolvedWindow {
    pub start_ms: i64,
    pub end_ms: i64,
    pub now_ms: i64,
}

impl ResolvedWindow {
    /// The budget period: the whole window's length (a calendar month's actual length).
    pub fn period_ms(&self) -> i64 {
        self.end_ms.saturating_sub(self.start_ms).max(0)
    }

    /// The end of the part that has happened: `min(now, end)`, at least `start`.
    pub fn evaluated_end_ms(&self) -> i64 {
        self.now_ms.min(self.end_ms).max(self.start_ms)
    }

    /// How much of the period has elapsed at `now_ms`.
    pub fn elapsed_ms(&self) -> i64 {
        self.evaluated_end_ms().saturating_sub(self.start_ms)
    }
}
