//! The Grafana time grammar: parsing, resolution in UTC and in a fixed-offset zone, rounding,
//! calendar units, descriptions, zoom and shift. Expected instants are hand-computed.

use chrono::{FixedOffset, TimeZone, Utc};
use proptest::prelude::*;
use sightline_core::time::{describe, RefreshInterval, TimeError, TimeExpr, TimeRange, QUICK_RANGES};

/// Epoch ms of a UTC wall-clock time.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap().timestamp_millis()
}

/// Wednesday 2024-03-13 14:37:21.500 UTC.
fn now() -> i64 {
    utc(2024, 3, 13, 14, 37, 21) + 500
}

fn from_utc(text: &str) -> i64 {
    TimeExpr::parse("from", text).unwrap().resolve("from", now(), &Utc, false).unwrap()
}

fn to_utc(text: &str) -> i64 {
    TimeExpr::parse("to", text).unwrap().resolve("to", now(), &Utc, true).unwrap()
}

#[test]
fn relative_steps_and_rounding_in_utc() {
    let cases: &[(&str, i64)] = &[
        ("now", now()),
        ("now-6h", now() - 6 * 3_600_000),
        ("now-5m", now() - 300_000),
        ("now+1d", now() + 86_400_000),
        ("now-d", now() - 86_400_000),
        ("now/d", utc(2024, 3, 13, 0, 0, 0)),
        ("now/h", utc(2024, 3, 13, 14, 0, 0)),
        ("now/m", utc(2024, 3, 13, 14, 37, 0)),
        ("now/s", utc(2024, 3, 13, 14, 37, 21)),
        ("now/w", utc(2024, 3, 11, 0, 0, 0)), // Monday
        ("now/M", utc(2024, 3, 1, 0, 0, 0)),
        ("now/y", utc(2024, 1, 1, 0, 0, 0)),
        ("now-1M/M", utc(2024, 2, 1, 0, 0, 0)),
        ("now-1d/d", utc(2024, 3, 12, 0, 0, 0)),
        ("now-1y", utc(2023, 3, 13, 14, 37, 21) + 500),
        ("now/d+8h", utc(2024, 3, 13, 8, 0, 0)),
        ("now-1w/w", utc(2024, 3, 4, 0, 0, 0)),
    ];
    for (text, want) in cases {
        assert_eq!(from_utc(text), *want, "{text}");
    }
}

#[test]
fn rounding_in_to_goes_to_the_last_millisecond_of_the_period() {
    assert_eq!(to_utc("now/d"), utc(2024, 3, 14, 0, 0, 0) - 1);
    assert_eq!(to_utc("now-1M/M"), utc(2024, 3, 1, 0, 0, 0) - 1);
    assert_eq!(to_utc("now/w"), utc(2024, 3, 18, 0, 0, 0) - 1);
    assert_eq!(to_utc("now/y"), utc(2025, 1, 1, 0, 0, 0) - 1);
    assert_eq!(to_utc("now"), now());
}

#[test]
fn month_arithmetic_is_calendar_and_clamps_to_month_end() {
    let mar31 = utc(2024, 3, 31, 12, 0, 0);
    let e = TimeExpr::parse("from", "now-1M").unwrap();
    assert_eq!(e.resolve("from", mar31, &Utc, false).unwrap(), utc(2024, 2, 29, 12, 0, 0));
}

#[test]
fn rounding_follows_the_time_zone() {
    // 2024-03-13 14:37 UTC is 2024-03-14 00:07 at +09:30.
    let tz = FixedOffset::east_opt(9 * 3600 + 1800).unwrap();
    let e = TimeExpr::parse("from", "now/d").unwrap();
    let want = tz.with_ymd_and_hms(2024, 3, 14, 0, 0, 0).unwrap().timestamp_millis();
    assert_eq!(e.resolve("from", now(), &tz, false).unwrap(), want);
    let wall = TimeExpr::parse("from", "2024-01-15 10:00:00").unwrap();
    assert_eq!(wall.resolve("from", now(), &tz, false).unwrap(), utc(2024, 1, 15, 0, 30, 0));
}

#[test]
fn absolute_forms() {
    assert_eq!(from_utc("1705312800000"), 1_705_312_800_000);
    assert_eq!(from_utc("2024-01-15 10:00:00"), utc(2024, 1, 15, 10, 0, 0));
    assert_eq!(from_utc("2024-01-15 10:00"), utc(2024, 1, 15, 10, 0, 0));
    assert_eq!(from_utc("2024-01-15T10:00:00"), utc(2024, 1, 15, 10, 0, 0));
    assert_eq!(from_utc("2024-01-15"), utc(2024, 1, 15, 0, 0, 0));
    assert_eq!(from_utc("2024-01-15T10:00:00+02:00"), utc(2024, 1, 15, 8, 0, 0));
    assert_eq!(from_utc(" now-1h "), now() - 3_600_000);
}

#[test]
fn refusals_name_the_field_and_the_problem() {
    let bad = ["", "   ", "later", "now-", "now-6x", "now*2", "now/", "2024-13-45", "now-99999999999999999999h", "1h"];
    for text in bad {
        let err = TimeExpr::parse("from", text).unwrap_err();
        assert!(err.to_string().starts_with("from"), "{text}: {err}");
    }
    assert!(matches!(TimeExpr::parse("to", "").unwrap_err(), TimeError::Empty { field: "to" }));
    // Parses but overflows the calendar: an error, not a panic.
    let huge = TimeExpr::parse("from", "now-999999999999y").unwrap();
    assert!(huge.resolve("from", now(), &Utc, false).is_err());
}

#[test]
fn ranges_must_be_ordered() {
    let r = TimeRange::parse("now", "now-1h").unwrap();
    assert!(matches!(r.resolve(now(), &Utc), Err(TimeError::Order { .. })));
    let same = TimeRange::parse("1000", "1000").unwrap();
    assert!(same.resolve(now(), &Utc).is_err());
}

#[test]
fn display_round_trips() {
    for text in ["now", "now-6h", "now/d", "now-1M/M", "now/d+8h", "1705312800000", "2024-01-15 10:00:00"] {
        let e = TimeExpr::parse("from", text).unwrap();
        assert_eq!(e.to_string(), text);
        assert_eq!(TimeExpr::parse("from", &e.to_string()).unwrap(), e);
    }
    assert_eq!(TimeExpr::parse("from", "now-d").unwrap().to_string(), "now-1d");
}

#[test]
fn every_quick_range_resolves_in_order() {
    for q in QUICK_RANGES {
        let r = TimeRange::parse(q.from, q.to).unwrap();
        let res = r.resolve(now(), &Utc).unwrap_or_else(|e| panic!("{}: {e}", q.label));
        assert!(res.start_ms < res.end_ms);
        assert_eq!(describe(&r, &Utc), q.label);
    }
}

#[test]
fn descriptions() {
    let d = |f: &str, t: &str| describe(&TimeRange::parse(f, t).unwrap(), &Utc);
    assert_eq!(d("now-6h", "now"), "Last 6 hours");
    assert_eq!(d("now-2h", "now"), "Last 2 hours");
    assert_eq!(d("now-1m", "now"), "Last 1 minute");
    // Epoch-ms ends (the URL form of an absolute range) read as date-times in the zone.
    assert_eq!(d("1000", "2000"), "1970-01-01 00:00:01 to 1970-01-01 00:00:02");
    let start = utc(2024, 1, 15, 10, 0, 0).to_string();
    assert_eq!(d(&start, "now"), "2024-01-15 10:00:00 to now");
    let plus2 = FixedOffset::east_opt(2 * 3600).unwrap();
    let r = TimeRange::parse(&start, "2024-01-15 12:00:00").unwrap();
    assert_eq!(describe(&r, &plus2), "2024-01-15 12:00:00 to 2024-01-15 12:00:00");
}

#[test]
fn zoom_out_keeps_trailing_now_relative_and_doubles_others() {
    let r = TimeRange::parse("now-6h", "now").unwrap();
    let z = r.zoom_out(now(), &Utc).unwrap();
    assert_eq!((z.from.to_string(), z.to.to_string()), ("now-12h".to_string(), "now".to_string()));
    let r = TimeRange::parse("now-90m", "now").unwrap();
    assert_eq!(r.zoom_out(now(), &Utc).unwrap().from.to_string(), "now-3h");
    let abs = TimeRange::parse("1000000", "2000000").unwrap();
    let z = abs.zoom_out(now(), &Utc).unwrap();
    assert_eq!(z, TimeRange::parse("500000", "2500000").unwrap());
}

#[test]
fn shift_moves_by_half_the_span_and_becomes_absolute() {
    let r = TimeRange::parse("now-1h", "now").unwrap();
    let back = r.shift(now(), &Utc, false).unwrap();
    assert!(!back.is_relative());
    let res = back.resolve(now(), &Utc).unwrap();
    assert_eq!((res.start_ms, res.end_ms), (now() - 5_400_000, now() - 1_800_000));
    let fwd = r.shift(now(), &Utc, true).unwrap().resolve(now(), &Utc).unwrap();
    assert_eq!(fwd.end_ms, now() + 1_800_000);
}

#[test]
fn refresh_intervals() {
    assert_eq!(RefreshInterval::parse("off").unwrap(), RefreshInterval::Off);
    assert_eq!(RefreshInterval::parse("").unwrap(), RefreshInterval::Off);
    assert_eq!(RefreshInterval::parse("30s").unwrap(), RefreshInterval::Every { ms: 30_000 });
    assert_eq!(RefreshInterval::parse("1d").unwrap(), RefreshInterval::Every { ms: 86_400_000 });
    assert!(RefreshInterval::parse("10ms").is_err());
    assert!(RefreshInterval::parse("soon").is_err());
    for choice in sightline_core::time::REFRESH_CHOICES {
        assert!(RefreshInterval::parse(choice).is_ok(), "{choice}");
    }
}

proptest! {
    /// Any text: parse and resolve never panic; what parses displays to text that parses back
    /// to the same expression.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,24}", now_ms in -100_000_000_000_000i64..100_000_000_000_000) {
        if let Ok(e) = TimeExpr::parse("from", &text) {
            let _ = e.resolve("from", now_ms, &Utc, false);
            let _ = e.resolve("to", now_ms, &FixedOffset::west_opt(5 * 3600).unwrap(), true);
            prop_assert_eq!(TimeExpr::parse("from", &e.to_string()).unwrap(), e);
        }
    }

    /// Grammar-shaped text: rounding down never moves later, rounding up never earlier.
    #[test]
    fn round_down_is_before_round_up(ops in proptest::collection::vec(("[-+/]", 0u32..40, "[smhdwMy]"), 0..5)) {
        let mut text = String::from("now");
        for (op, n, unit) in &ops {
            if op == "/" { text.push_str(&format!("/{unit}")); } else { text.push_str(&format!("{op}{n}{unit}")); }
        }
        let e = TimeExpr::parse("from", &text).unwrap();
        let down = e.resolve("from", now(), &Utc, false).unwrap();
        let up = e.resolve("to", now(), &Utc, true).unwrap();
        prop_assert!(down <= up);
    }
}
