//! Step choice and alignment (`step = max(ceil(range/width), scrape, range cap, 1 s)`), and the
//! Prometheus duration grammar.

use proptest::prelude::*;
use sightline_core::time::{align_range, choose_step_ms, format_prom_duration, parse_prom_duration, MAX_POINTS_PER_SERIES};

const H: i64 = 3_600_000;

#[test]
fn step_follows_the_pixel_width() {
    // 6 h over 1200 px: 18 s per pixel.
    assert_eq!(choose_step_ms(6 * H, 1200, 15_000), 18_000);
    // 1 h over 1200 px: 3 s per pixel, but never below the 15 s scrape interval.
    assert_eq!(choose_step_ms(H, 1200, 15_000), 15_000);
    // 5 min, tiny scrape: never below 1 s.
    assert_eq!(choose_step_ms(300_000, 2000, 0), 1_000);
    // Rounded up to whole seconds: 7 h / 1000 px = 25.2 s.
    assert_eq!(choose_step_ms(7 * H, 1000, 15_000), 26_000);
    // Zero width is treated as one pixel, not a division by zero.
    assert_eq!(choose_step_ms(H, 0, 15_000), H);
}

#[test]
fn step_caps_points_per_series() {
    // 30 days over a 20,000-px-wide chart with a 1 s scrape: the 11,000-point cap wins.
    let range = 30 * 24 * H;
    let step = choose_step_ms(range, 20_000, 1_000);
    assert_eq!(step, 236_000); // ceil(2_592_000_000 / 10_998) = 235_679 → 236 s
}

#[test]
fn alignment_floors_both_ends_to_the_step() {
    assert_eq!(align_range(1_005, 9_999, 1_000), (1_000, 9_000));
    assert_eq!(align_range(-1_500, 2_000, 1_000), (-2_000, 2_000));
    assert_eq!(align_range(5, 7, 0), (5, 7));
}

#[test]
fn durations() {
    let cases: &[(&str, u64)] = &[
        ("15s", 15_000),
        ("1h30m", 5_400_000),
        ("500ms", 500),
        ("1m500ms", 60_500),
        ("2d", 172_800_000),
        ("1w", 604_800_000),
        ("1y", 31_536_000_000),
        ("0s", 0),
    ];
    for (text, ms) in cases {
        assert_eq!(parse_prom_duration(text).unwrap(), *ms, "{text}");
    }
    for bad in ["", "h", "5", "5x", "30m1h", "1h1h", "1.5h", "-5m", "99999999999999999999y"] {
        assert!(parse_prom_duration(bad).is_err(), "{bad}");
    }
    assert_eq!(format_prom_duration(5_400_000), "1h30m");
    assert_eq!(format_prom_duration(15_000), "15s");
    assert_eq!(format_prom_duration(0), "0s");
    assert_eq!(format_prom_duration(90_061_001), "1d1h1m1s1ms");
}

proptest! {
    /// After alignment a range query never asks for more than 11,000 points per series, and the
    /// step is never finer than one pixel, the scrape interval or 1 s.
    #[test]
    fn aligned_queries_stay_under_the_point_limit(
        start in -1_000_000_000_000i64..4_000_000_000_000,
        range in 1i64..(400 * 24 * H),
        width in 0u32..20_000,
        scrape in 0i64..120_000,
    ) {
        let step = choose_step_ms(range, width, scrape);
        prop_assert!(step >= 1_000 && step >= scrape && step % 1_000 == 0);
        prop_assert!(step >= range / i64::from(width.max(1)));
        let (s, e) = align_range(start, start + range, step);
        prop_assert!(s <= start && e <= start + range && s <= e);
        let points = (e - s) / step + 1;
        prop_assert!(points <= MAX_POINTS_PER_SERIES, "{} points", points);
    }

    #[test]
    fn durations_round_trip(ms in 0u64..10_000_000_000_000) {
        prop_assert_eq!(parse_prom_duration(&format_prom_duration(ms)).unwrap(), ms);
    }
}

mod ticks {
    use chrono::{FixedOffset, TimeZone, Utc};
    use sightline_core::time::time_ticks;

    #[test]
    fn six_hours_get_hourly_ticks_on_the_hour() {
        let start = Utc.with_ymd_and_hms(2024, 1, 15, 10, 13, 7).unwrap().timestamp_millis();
        let end = start + 6 * 3_600_000;
        let ticks = time_ticks(start, end, 8, &Utc);
        let hour = |h| Utc.with_ymd_and_hms(2024, 1, 15, h, 0, 0).unwrap().timestamp_millis();
        assert_eq!(ticks, (11..=16).map(hour).collect::<Vec<_>>());
    }

    #[test]
    fn ticks_align_to_the_local_hour_in_a_half_hour_zone() {
        let tz = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let start = tz.with_ymd_and_hms(2024, 1, 15, 10, 10, 0).unwrap().timestamp_millis();
        let ticks = time_ticks(start, start + 3 * 3_600_000, 4, &tz);
        let local = |h| tz.with_ymd_and_hms(2024, 1, 15, h, 0, 0).unwrap().timestamp_millis();
        assert_eq!(ticks, vec![local(11), local(12), local(13)]);
    }

    #[test]
    fn tick_counts_stay_within_the_limit() {
        for span in [1_000i64, 59_000, 3_600_000, 86_400_000 * 3, 86_400_000 * 400, 86_400_000 * 40_000] {
            for max in [1usize, 3, 5, 8, 12] {
                let ticks = time_ticks(1_700_000_000_000, 1_700_000_000_000 + span, max, &Utc);
                assert!(ticks.len() <= max, "span {span} max {max}: {}", ticks.len());
                // With room for five or more, some round instant always falls inside the range.
                assert!(max < 5 || !ticks.is_empty(), "span {span} max {max}: no ticks");
                assert!(ticks.windows(2).all(|w| w[0] < w[1]));
            }
        }
        assert!(time_ticks(5, 5, 8, &Utc).is_empty());
    }
}
