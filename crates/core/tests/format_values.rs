//! Display formatting of values and instants.

use chrono::{FixedOffset, Utc};
use sightline_core::format::{format_datetime_ms, format_time_ms, format_value};

#[test]
fn values() {
    let cases: &[(f64, &str)] = &[
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
        (0.0, "0"),
        (-0.0, "0"),
        (2.0, "2"),
        (1234.5678, "1234.57"),
        (0.123456789, "0.123457"),
        (-42.5, "-42.5"),
        (0.00012, "0.00012"),
        (0.000012, "1.2e-5"),
        (1e20, "1e20"),
        (123456789.0, "123456789"),
    ];
    for (v, want) in cases {
        assert_eq!(format_value(*v), *want, "{v}");
    }
}

#[test]
fn instants() {
    let t = 1_705_312_800_000; // 2024-01-15 10:00:00 UTC
    assert_eq!(format_datetime_ms(t, &Utc), "2024-01-15 10:00:00");
    assert_eq!(format_datetime_ms(t + 250, &Utc), "2024-01-15 10:00:00.250");
    let plus2 = FixedOffset::east_opt(7200).unwrap();
    assert_eq!(format_datetime_ms(t, &plus2), "2024-01-15 12:00:00");
    assert_eq!(format_time_ms(t + 5_000, &Utc, 60_000), "10:00:05");
    assert_eq!(format_time_ms(t, &Utc, 6 * 3_600_000), "10:00");
    assert_eq!(format_time_ms(t, &Utc, 7 * 86_400_000), "01-15 10:00");
    // Out of chrono's range: the raw number, not a panic.
    assert_eq!(format_datetime_ms(i64::MAX, &Utc), i64::MAX.to_string());
}
