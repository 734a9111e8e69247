//! One end of a time range in the Grafana dialect, [`TimeExpr`], and its resolution to epoch ms.
//!
//! Grammar (Grafana's datemath, which Pyrra and SigNoz copy):
//! - `now` followed by any number of operations, applied left to right: `-<n><unit>` and
//!   `+<n><unit>` step back or forward (`n` defaults to 1), `/<unit>` rounds to the start of the
//!   unit (in `from`) or to its last millisecond (in `to`). Units: `s m h d w M y`; `M` is a
//!   calendar month and `y` a calendar year; `d` and `w` are calendar days (wall-clock time is kept
//!   across a daylight-saving change), `s m h` are fixed lengths.
//! - Absolute: epoch milliseconds (`1705312800000`, the URL form), RFC 3339 with an offset
//!   (`2024-01-15T10:00:00Z`), or a wall-clock date-time in the chosen zone: `2024-01-15 10:00:00`,
//!   `2024-01-15 10:00`, `2024-01-15T10:00:00`, `2024-01-15`.
//!
//! Wall-clock times that do not exist (spring-forward gap) move one hour later; ambiguous ones
//! (fall-back) take the earlier instant.

use std::fmt;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike};

use super::TimeError;

/// A calendar unit of the time grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CalendarUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl CalendarUnit {
    /// The unit letter (`s m h d w M y`).
    pub fn letter(self) -> char {
        match self {
            CalendarUnit::Second => 's',
            CalendarUnit::Minute => 'm',
            CalendarUnit::Hour => 'h',
            CalendarUnit::Day => 'd',
            CalendarUnit::Week => 'w',
            CalendarUnit::Month => 'M',
            CalendarUnit::Year => 'y',
        }
    }

    fn from_letter(c: char) -> Option<CalendarUnit> {
        Some(match c {
            's' => CalendarUnit::Second,
            'm' => CalendarUnit::Minute,
            'h' => CalendarUnit::Hour,
            'd' => CalendarUnit::Day,
            'w' => CalendarUnit::Week,
            'M' => CalendarUnit::Month,
            'y' => CalendarUnit::Year,
            _ => return None,
        })
    }

    /// English name, singular or plural (for range descriptions).
    pub fn name(self, plural: bool) -> &'static str {
        let (one, many) = match self {
            CalendarUnit::Second => ("second", "seconds"),
            CalendarUnit::Minute => ("minute", "minutes"),
            CalendarUnit::Hour => ("hour", "hours"),
            CalendarUnit::Day => ("day", "days"),
            CalendarUnit::Week => ("week", "weeks"),
            CalendarUnit::Month => ("month", "months"),
            CalendarUnit::Year => ("year", "years"),
        };
        if plural {
            many
        } else {
            one
        }
    }
}

/// One operation after `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOp {
    /// Step by `amount` units (negative = back in time).
    Add { amount: i64, unit: CalendarUnit },
    /// Round to the unit: start of the period in `from`, its last millisecond in `to`.
    Round(CalendarUnit),
}

/// One end of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeExpr {
    /// `now` followed by operations.
    Relative(Vec<DateOp>),
    /// An instant in epoch milliseconds.
    Epoch(i64),
    /// A wall-clock date-time, read in the chosen time zone when resolved.
    WallClock(NaiveDateTime),
}

/// At most this many operations after `now` (no real expression comes close).
const MAX_OPS: usize = 32;

impl TimeExpr {
    /// `now`.
    pub fn now() -> TimeExpr {
        TimeExpr::Relative(Vec::new())
    }

    /// Parses `text`; `field` (`from`/`to`) names the field in error messages.
    pub fn parse(field: &'static str, text: &str) -> Result<TimeExpr, TimeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TimeError::Empty { field });
        }
        let syntax = |reason: &str| TimeError::Syntax { field, text: text.to_string(), reason: reason.to_string() };
        if let Some(rest) = text.strip_prefix("now") {
            return parse_ops(rest).map(TimeExpr::Relative).map_err(|r| syntax(&r));
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse::<i64>().map(TimeExpr::Epoch).map_err(|_| syntax("epoch milliseconds too large"));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Ok(TimeExpr::Epoch(dt.timestamp_millis()));
        }
        for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(TimeExpr::WallClock(dt));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(TimeExpr::WallClock(d.and_time(NaiveTime::MIN)));
        }
        Err(syntax("expected now-6h, now/d, 2024-01-15 10:00:00 or epoch milliseconds"))
    }

    /// True for expressions that move with `now`.
    pub fn is_relative(&self) -> bool {
        matches!(self, TimeExpr::Relative(_))
    }

    /// Resolves to epoch ms at `now_ms` in `tz`. `round_up` is true for the `to` end: rounding
    /// then goes to the last millisecond of the period.
    pub fn resolve<Tz: TimeZone>(
        &self,
        field: &'static str,
        now_ms: i64,
        tz: &Tz,
        round_up: bool,
    ) -> Result<i64, TimeError> {
        let out_of_range = || TimeError::OutOfRange { field, text: self.to_string() };
        match self {
            TimeExpr::Epoch(ms) => Ok(*ms),
            TimeExpr::WallClock(naive) => localize(tz, *naive).map(|d| d.timestamp_millis()).ok_or_else(out_of_range),
            TimeExpr::Relative(ops) => {
                let mut at = tz.timestamp_millis_opt(now_ms).single().ok_or_else(out_of_range)?;
                for op in ops {
                    at = apply(tz, at, *op, round_up).ok_or_else(out_of_range)?;
                }
                Ok(at.timestamp_millis())
            }
        }
    }
}

impl fmt::Display for TimeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeExpr::Epoch(ms) => write!(f, "{ms}"),
            TimeExpr::WallClock(dt) => write!(f, "{}", dt.format("%Y-%m-%d %H:%M:%S")),
            TimeExpr::Relative(ops) => {
                f.write_str("now")?;
                for op in ops {
                    match op {
                        DateOp::Add { amount, unit } if *amount < 0 => write!(f, "-{}{}", amount.unsigned_abs(), unit.letter())?,
                        DateOp::Add { amount, unit } => write!(f, "+{}{}", amount, unit.letter())?,
                        DateOp::Round(unit) => write!(f, "/{}", unit.letter())?,
                    }
                }
                Ok(())
            }
        }
    }
}

fn parse_ops(mut rest: &str) -> Result<Vec<DateOp>, String> {
    let mut ops = Vec::new();
    while let Some(c) = rest.chars().next() {
        if ops.len() == MAX_OPS {
            return Err(format!("more than {MAX_OPS} operations after now"));
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '+' | '-' => {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let amount: i64 = if digits == 0 {
                    1
                } else {
                    rest[..digits].parse().map_err(|_| "number too large".to_string())?
                };
                rest = &rest[digits..];
                let unit = take_unit(&mut rest)?;
                ops.push(DateOp::Add { amount: if c == '-' { -amount } else { amount }, unit });
            }
            '/' => ops.push(DateOp::Round(take_unit(&mut rest)?)),
            other => return Err(format!("unexpected {other:?} after now; expected -, + or /")),
        }
    }
    Ok(ops)
}

fn take_unit(rest: &mut &str) -> Result<CalendarUnit, String> {
    let c = rest.chars().next().ok_or_else(|| "missing unit (s m h d w M y)".to_string())?;
    let unit = CalendarUnit::from_letter(c).ok_or_else(|| format!("unknown unit {c:?}; use s m h d w M y"))?;
    *rest = &rest[c.len_utf8()..];
    Ok(unit)
}

/// Wall-clock time → instant in `tz`: earlier instant when ambiguous, one hour later in a gap.
fn localize<Tz: TimeZone>(tz: &Tz, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| tz.from_local_datetime(&naive.checked_add_signed(TimeDelta::hours(1))?).earliest())
}

fn apply<Tz: TimeZone>(tz: &Tz, at: DateTime<Tz>, op: DateOp, round_up: bool) -> Option<DateTime<Tz>> {
    match op {
        DateOp::Add { amount, unit } => add(tz, at, amount, unit),
        DateOp::Round(unit) => {
            let start = period_start(tz, &at, unit)?;
            if round_up {
                let next = add(tz, start, 1, unit)?;
                next.checked_sub_signed(TimeDelta::milliseconds(1))
            } else {
                Some(start)
            }
        }
    }
}

fn add<Tz: TimeZone>(tz: &Tz, at: DateTime<Tz>, amount: i64, unit: CalendarUnit) -> Option<DateTime<Tz>> {
    let fixed = |secs: i64| at.clone().checked_add_signed(TimeDelta::try_seconds(amount.checked_mul(secs)?)?);
    let days = |n: i64| {
        let naive = at.naive_local();
        let moved = if n >= 0 {
            naive.checked_add_days(Days::new(n.unsigned_abs()))
        } else {
            naive.checked_sub_days(Days::new(n.unsigned_abs()))
        }?;
        localize(tz, moved)
    };
    let months = |n: i64| {
        let naive = at.naive_local();
        let count = u32::try_from(n.unsigned_abs()).ok()?;
        let moved = if n >= 0 {
            naive.checked_add_months(Months::new(count))
        } else {
            naive.checked_sub_months(Months::new(count))
        }?;
        localize(tz, moved)
    };
    match unit {
        CalendarUnit::Second => fixed(1),
        CalendarUnit::Minute => fixed(60),
        CalendarUnit::Hour => fixed(3600),
        CalendarUnit::Day => days(amount),
        CalendarUnit::Week => days(amount.checked_mul(7)?),
        CalendarUnit::Month => months(amount),
        CalendarUnit::Year => months(amount.checked_mul(12)?),
    }
}

/// The first instant of the `unit`-long period containing `at`, in `tz`.
fn period_start<Tz: TimeZone>(tz: &Tz, at: &DateTime<Tz>, unit: CalendarUnit) -> Option<DateTime<Tz>> {
    let local = at.naive_local();
    let date = local.date();
    let naive = match unit {
        CalendarUnit::Second => local.with_nanosecond(0)?,
        CalendarUnit::Minute => local.with_nanosecond(0)?.with_second(0)?,
        CalendarUnit::Hour => local.with_nanosecond(0)?.with_second(0)?.with_minute(0)?,
        CalendarUnit::Day => date.and_time(NaiveTime::MIN),
        CalendarUnit::Week => {
            let back = u64::from(date.weekday().num_days_from_monday());
            date.checked_sub_days(Days::new(back))?.and_time(NaiveTime::MIN)
        }
        CalendarUnit::Month => date.with_day(1)?.and_time(NaiveTime::MIN),
        CalendarUnit::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1)?.and_time(NaiveTime::MIN),
    };
    localize(tz, naive)
}
