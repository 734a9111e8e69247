//! The browser's time-zone data behind named-zone SLO windows, in headless Chromium: offsets from
//! `Intl.DateTimeFormat`, an unknown name refused with the browser's reason, and a calendar month
//! in Europe/Berlin across the spring change.
#![cfg(target_arch = "wasm32")]

use sightline::pages::slo_zone::{resolve_named, IntlZone};
use sightline_core::slo::zone::ZoneRules;
use sightline_core::slo::{CalendarPeriod, SloWindow};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 2026-01-15T12:00:00Z and 2026-07-15T12:00:00Z.
const JANUARY: i64 = 1_768_478_400_000;
const JULY: i64 = 1_784_116_800_000;

#[wasm_bindgen_test]
fn berlin_is_60_minutes_ahead_in_january_and_120_in_july() {
    let berlin = IntlZone::new("Europe/Berlin").expect("Chromium knows Europe/Berlin");
    assert_eq!(berlin.offset_seconds_at(JANUARY), Ok(3_600));
    assert_eq!(berlin.offset_seconds_at(JULY), Ok(7_200));
    let kathmandu = IntlZone::new("Asia/Kathmandu").expect("Chromium knows Asia/Kathmandu");
    assert_eq!(kathmandu.offset_seconds_at(JANUARY), Ok(20_700));
    let new_york = IntlZone::new("America/New_York").expect("Chromium knows America/New_York");
    assert_eq!(new_york.offset_seconds_at(JANUARY), Ok(-18_000));
}

#[wasm_bindgen_test]
fn an_unknown_zone_is_refused_with_a_message() {
    let e = IntlZone::new("Mars/Olympus_Mons")
        .err()
        .expect("no such zone");
    assert!(
        e.contains("does not know the time zone \"Mars/Olympus_Mons\""),
        "{e}"
    );
}

#[wasm_bindgen_test]
fn a_berlin_month_across_the_spring_change_is_an_hour_short() {
    // 2026-03-15T12:00Z: March runs from 1 March 00:00 CET (28 Feb 23:00 UTC) to 1 April 00:00
    // CEST (31 March 22:00 UTC).
    let w = resolve_named(
        &SloWindow::Calendar(CalendarPeriod::Month),
        1_773_576_000_000,
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(w.start_ms, 1_772_319_600_000);
    assert_eq!(w.end_ms, 1_774_994_400_000);
    assert_eq!(w.period_ms(), (31 * 24 - 1) * 3_600_000);
}
