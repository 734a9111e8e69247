//! Named time zones (IANA names such as `Europe/Berlin`) for calendar SLO windows, without a
//! zone database in the core or in the app's bundle.
//!
//! [`ZoneRules`] answers one question: the offset from UTC in force at an instant. The app
//! answers it with the browser's `Intl.DateTimeFormat`; native tests answer it with `chrono-tz`
//! (a dev-dependency only). [`NamedZone`] turns any `ZoneRules` into a [`chrono::TimeZone`], so
//! calendar periods ([`SloWindow::resolve`]) are the same code for UTC, fixed offsets and named
//! zones; [`resolve_in_zone`] is the entry point and turns a failing `ZoneRules` into an error.
//!
//! **Wall time → instant** (a calendar boundary such as "1 March 00:00 in Europe/Berlin"): the
//! offsets in force one day before and one day after the wall time are the candidates (real
//! zones change their offset at most once within two days); a candidate `t = wall − offset` holds
//! when the zone's offset at `t` is that offset. Two holding candidates mean the wall time occurs
//! twice (an autumn overlap); none means it is skipped (a spring gap). The calendar code then
//! applies its stated rule ([`crate::time::TimeExpr`]): the **earlier** instant of an overlap,
//! and **one hour later** in a gap — for the one-hour gaps at midnight (Havana, Beirut, Santiago)
//! that is the instant the gap ends, the first instant of the local day.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use chrono::{
    FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};

use super::window::{ResolvedWindow, SloWindow};
use super::SloError;

const DAY_MS: i64 = 86_400_000;

/// A time zone's offsets: what the app asks the browser, and the tests ask `chrono-tz`.
pub trait ZoneRules {
    /// The zone's name as the user gave it (`Europe/Berlin`).
    fn name(&self) -> &str;
    /// Seconds east of UTC in force at the instant `utc_ms` (`3600` for Berlin in January); an
    /// error message when the zone cannot answer.
    fn offset_seconds_at(&self, utc_ms: i64) -> Result<i32, String>;
}

/// A [`ZoneRules`] as a [`chrono::TimeZone`]. chrono's trait cannot fail, so a failing answer is
/// recorded (offset 0 is used meanwhile) and [`NamedZone::failure`] reports it; use
/// [`resolve_in_zone`], which checks it.
#[derive(Clone)]
pub struct NamedZone {
    rules: Rc<dyn ZoneRules>,
    failure: Rc<RefCell<Option<String>>>,
}

impl NamedZone {
    /// Wraps `rules`.
    pub fn new(rules: Rc<dyn ZoneRules>) -> NamedZone {
        NamedZone {
            rules,
            failure: Rc::new(RefCell::new(None)),
        }
    }

    /// The first error the rules returned since this zone was made, if any.
    pub fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    fn offset_at(&self, utc_ms: i64) -> i32 {
        match self.rules.offset_seconds_at(utc_ms) {
            Ok(secs) if FixedOffset::east_opt(secs).is_some() => secs,
            Ok(secs) => {
                self.fail(format!(
                    "the time zone {} answered an offset of {secs} s, beyond ±24 h",
                    self.rules.name()
                ));
                0
            }
            Err(e) => {
                self.fail(e);
                0
            }
        }
    }

    fn fail(&self, message: String) {
        let mut slot = self.failure.borrow_mut();
        if slot.is_none() {
            *slot = Some(message);
        }
    }

    fn offset(&self, secs: i32) -> NamedOffset {
        // `offset_at` only answers offsets within ±24 h, so the fallback to UTC is never taken.
        NamedOffset {
            zone: self.clone(),
            fix: FixedOffset::east_opt(secs).unwrap_or_else(|| Utc.fix()),
        }
    }

    /// The instants at which wall time `local_ms` (wall clock read as if UTC, ms) occurs: none
    /// (gap), one, or two (overlap, earlier first). See the module doc.
    pub fn instants_of_wall_time(&self, local_ms: i64) -> Vec<(i64, i32)> {
        let mut out: Vec<(i64, i32)> = Vec::with_capacity(2);
        for probe in [
            local_ms.saturating_sub(DAY_MS),
            local_ms.saturating_add(DAY_MS),
        ] {
            let off = self.offset_at(probe);
            let t = local_ms.saturating_sub(i64::from(off) * 1000);
            if self.offset_at(t) == off && !out.iter().any(|&(u, _)| u == t) {
                out.push((t, off));
            }
        }
        out.sort_unstable();
        out
    }
}

impl fmt::Debug for NamedZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NamedZone({})", self.rules.name())
    }
}

/// The offset of a [`NamedZone`] at one instant.
#[derive(Clone, Debug)]
pub struct NamedOffset {
    zone: NamedZone,
    fix: FixedOffset,
}

impl Offset for NamedOffset {
    fn fix(&self) -> FixedOffset {
        self.fix
    }
}

impl fmt::Display for NamedOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fix)
    }
}

impl TimeZone for NamedZone {
    type Offset = NamedOffset;

    fn from_offset(offset: &NamedOffset) -> NamedZone {
        offset.zone.clone()
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<NamedOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<NamedOffset> {
        let found = self.instants_of_wall_time(local.and_utc().timestamp_millis());
        match found.as_slice() {
            [(_, o)] => MappedLocalTime::Single(self.offset(*o)),
            [(_, a), (_, b), ..] => MappedLocalTime::Ambiguous(self.offset(*a), self.offset(*b)),
            [] => MappedLocalTime::None,
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> NamedOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> NamedOffset {
        self.offset(self.offset_at(utc.and_utc().timestamp_millis()))
    }
}

/// `window` at `now_ms` in the zone `rules` describes; an error when the rules failed to answer
/// for an instant the calendar arithmetic needed.
pub fn resolve_in_zone(
    window: &SloWindow,
    now_ms: i64,
    rules: Rc<dyn ZoneRules>,
) -> Result<ResolvedWindow, SloError> {
    let name = rules.name().to_string();
    let zone = NamedZone::new(rules);
    let resolved = window.resolve(now_ms, &zone)?;
    match zone.failure() {
        None => Ok(resolved),
        Some(reason) => Err(SloError::OutOfRange {
            field: "time zone",
            text: name,
            reason,
        }),
    }
}

/// Reads an offset as `Intl.DateTimeFormat` writes it with `timeZoneName: "longOffset"` or
/// `"shortOffset"`: `GMT`, `GMT+01:00`, `GMT-05:30`, `GMT+5:45`, `GMT+1` (either minus sign) →
/// seconds east of UTC; `None` for anything else.
pub fn parse_gmt_offset(text: &str) -> Option<i32> {
    let rest = text
        .trim()
        .strip_prefix("GMT")
        .or_else(|| text.trim().strip_prefix("UTC"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, body) = if let Some(b) = rest.strip_prefix('+') {
        (1, b)
    } else if let Some(b) = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('\u{2212}'))
    {
        (-1, b)
    } else {
        return None;
    };
    let (h, m) = body.split_once(':').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::CalendarPeriod;

    /// `ZoneRules` from chrono-tz's copy of the IANA database.
    struct TzRules(chrono_tz::Tz);

    impl ZoneRules for TzRules {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn offset_seconds_at(&self, utc_ms: i64) -> Result<i32, String> {
            let t = Utc
                .timestamp_millis_opt(utc_ms)
                .single()
                .ok_or("out of range")?;
            Ok(self
                .0
                .offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc())
        }
    }

    fn ms(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    /// Resolves through the `ZoneRules` adapter and checks it equals chrono-tz's own zone.
    fn window(period: CalendarPeriod, zone: chrono_tz::Tz, now: &str) -> ResolvedWindow {
        let w = SloWindow::Calendar(period);
        let got = resolve_in_zone(&w, ms(now), Rc::new(TzRules(zone))).unwrap();
        assert_eq!(
            got,
            w.resolve(ms(now), &zone).unwrap(),
            "adapter and chrono-tz differ"
        );
        got
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn berlin_month_across_the_spring_shift_is_an_hour_short() {
        // March 2026: 1 March 00:00 CET (+1) to 1 April 00:00 CEST (+2); clocks went forward on
        // 29 March, so the month is 31 days less one hour.
        let w = window(
            CalendarPeriod::Month,
            chrono_tz::Europe::Berlin,
            "2026-03-15T12:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-02-28T23:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-03-31T22:00:00Z"));
        assert_eq!(w.period_ms(), 31 * 24 * HOUR - HOUR);
        // October 2026: back on 25 October, one hour long.
        let w = window(
            CalendarPeriod::Month,
            chrono_tz::Europe::Berlin,
            "2026-10-31T22:30:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-09-30T22:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-10-31T23:00:00Z"));
        assert_eq!(w.period_ms(), 31 * 24 * HOUR + HOUR);
        // 31 Oct 23:00:01 UTC is already 1 November 00:00:01 in Berlin: the next month.
        let w = window(
            CalendarPeriod::Month,
            chrono_tz::Europe::Berlin,
            "2026-10-31T23:00:01Z",
        );
        assert_eq!(w.start_ms, ms("2026-10-31T23:00:00Z"));
    }

    #[test]
    fn havana_november_starts_in_an_overlap_and_takes_the_earlier_midnight() {
        // Cuba leaves daylight time on the first Sunday of November at 01:00 CDT → 00:00 CST; in
        // 2026 that is 1 November, so "1 November 00:00" happens at 04:00 UTC (CDT, −4) and again
        // at 05:00 UTC (CST, −5). The stated rule takes the earlier.
        let zone = NamedZone::new(Rc::new(TzRules(chrono_tz::America::Havana)));
        let wall = ms("2026-11-01T00:00:00Z");
        let both: Vec<i64> = zone
            .instants_of_wall_time(wall)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(
            both,
            vec![ms("2026-11-01T04:00:00Z"), ms("2026-11-01T05:00:00Z")]
        );
        let w = window(
            CalendarPeriod::Month,
            chrono_tz::America::Havana,
            "2026-11-10T00:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-11-01T04:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-12-01T05:00:00Z"));
        assert_eq!(w.period_ms(), 30 * 24 * HOUR + HOUR);
    }

    #[test]
    fn havana_spring_gap_at_midnight_starts_the_day_when_the_gap_ends() {
        // Second Sunday of March 2026 (8 March): 00:00 CST → 01:00 CDT, so midnight does not
        // exist; the day starts at 01:00 CDT = 05:00 UTC and is 23 hours long.
        let zone = NamedZone::new(Rc::new(TzRules(chrono_tz::America::Havana)));
        assert!(zone
            .instants_of_wall_time(ms("2026-03-08T00:30:00Z"))
            .is_empty());
        let w = window(
            CalendarPeriod::Day,
            chrono_tz::America::Havana,
            "2026-03-08T12:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-03-08T05:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-03-09T04:00:00Z"));
        assert_eq!(w.period_ms(), 23 * HOUR);
    }

    #[test]
    fn berlin_weeks_start_on_monday_and_the_shift_week_is_167_hours() {
        // Sunday 29 March 2026 is in the week Monday 23 March 00:00 CET – Monday 30 March 00:00 CEST.
        let w = window(
            CalendarPeriod::Week,
            chrono_tz::Europe::Berlin,
            "2026-03-29T12:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-03-22T23:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-03-29T22:00:00Z"));
        assert_eq!(w.period_ms(), 167 * HOUR);
        // Sunday 22:30 UTC is already Monday 00:30 CEST: the next week.
        let w = window(
            CalendarPeriod::Week,
            chrono_tz::Europe::Berlin,
            "2026-03-29T22:30:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-03-29T22:00:00Z"));
        assert_eq!(w.period_ms(), 168 * HOUR);
    }

    #[test]
    fn half_and_three_quarter_hour_zones() {
        // Kolkata +05:30: December 2026 starts 30 Nov 18:30 UTC.
        let w = window(
            CalendarPeriod::Month,
            chrono_tz::Asia::Kolkata,
            "2026-12-03T13:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-11-30T18:30:00Z"));
        assert_eq!(w.end_ms, ms("2026-12-31T18:30:00Z"));
        // Kathmandu +05:45: the week of Thursday 3 Dec 2026 starts Monday 30 Nov 00:00 = 29 Nov 18:15 UTC.
        let w = window(
            CalendarPeriod::Week,
            chrono_tz::Asia::Kathmandu,
            "2026-12-03T13:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-11-29T18:15:00Z"));
        assert_eq!(w.end_ms, ms("2026-12-06T18:15:00Z"));
        // 18:14 UTC on a Sunday is still Sunday 23:59 in Kathmandu.
        let w = window(
            CalendarPeriod::Week,
            chrono_tz::Asia::Kathmandu,
            "2026-12-06T18:14:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-11-29T18:15:00Z"));
    }

    #[test]
    fn quarters_and_years_in_a_named_zone() {
        let w = window(
            CalendarPeriod::Quarter,
            chrono_tz::Europe::Berlin,
            "2026-05-01T00:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-03-31T22:00:00Z"));
        assert_eq!(w.end_ms, ms("2026-06-30T22:00:00Z"));
        let w = window(
            CalendarPeriod::Year,
            chrono_tz::America::New_York,
            "2026-07-01T00:00:00Z",
        );
        assert_eq!(w.start_ms, ms("2026-01-01T05:00:00Z"));
        assert_eq!(w.end_ms, ms("2027-01-01T05:00:00Z"));
    }

    #[test]
    fn many_instants_agree_with_chrono_tz() {
        let zones = [
            chrono_tz::Europe::Berlin,
            chrono_tz::America::Havana,
            chrono_tz::America::Santiago,
            chrono_tz::Asia::Beirut,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::Pacific::Chatham,
        ];
        let periods = [
            CalendarPeriod::Day,
            CalendarPeriod::Week,
            CalendarPeriod::Month,
        ];
        let start = ms("2025-01-01T00:00:00Z");
        for zone in zones {
            for period in periods {
                // Every 7 h 13 min over two years hits every transition's neighbourhood.
                let mut t = start;
                while t < start + 730 * 24 * HOUR {
                    let w = SloWindow::Calendar(period);
                    let got = resolve_in_zone(&w, t, Rc::new(TzRules(zone))).unwrap();
                    assert_eq!(
                        got,
                        w.resolve(t, &zone).unwrap(),
                        "{zone} {period:?} at {t}"
                    );
                    assert!(
                        got.start_ms <= t && t < got.end_ms || got.start_ms < t && t <= got.end_ms
                    );
                    t += 7 * HOUR + 13 * 60_000;
                }
            }
        }
    }

    #[test]
    fn intl_offsets_are_read() {
        assert_eq!(parse_gmt_offset("GMT"), Some(0));
        assert_eq!(parse_gmt_offset("GMT+01:00"), Some(3600));
        assert_eq!(parse_gmt_offset("GMT-05:30"), Some(-19_800));
        assert_eq!(parse_gmt_offset("GMT\u{2212}03:00"), Some(-10_800));
        assert_eq!(parse_gmt_offset("GMT+5:45"), Some(20_700));
        assert_eq!(parse_gmt_offset("GMT+13"), Some(46_800));
        for bad in [
            "",
            "CET",
            "GMT+",
            "GMT+1:2:3",
            "GMT+24:00",
            "GMT+01:60",
            "GMT*01",
            "GMT+123",
        ] {
            assert_eq!(parse_gmt_offset(bad), None, "{bad}");
        }
    }

    struct Broken;
    impl ZoneRules for Broken {
        fn name(&self) -> &str {
            "Mars/Olympus"
        }
        fn offset_seconds_at(&self, _: i64) -> Result<i32, String> {
            Err("unknown time zone".to_string())
        }
    }

    #[test]
    fn failing_rules_are_an_error_not_utc() {
        let w = SloWindow::Calendar(CalendarPeriod::Month);
        let e = resolve_in_zone(&w, ms("2026-03-15T00:00:00Z"), Rc::new(Broken)).unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
        assert!(e.to_string().contains("unknown time zone"), "{e}");
    }
}
