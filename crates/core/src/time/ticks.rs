//! Time-axis ticks at round wall-clock instants (every 15 min, every hour, midnight, …) in the
//! chosen time zone, as Grafana and the Prometheus UI place them, instead of arbitrary numbers of
//! milliseconds.

use chrono::{Offset, TimeZone};

/// Candidate tick spacings in ms, finest first.
const SPACINGS: [i64; 21] = [
    1_000, 2_000, 5_000, 10_000, 15_000, 30_000, // seconds
    60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, // minutes
    3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, // hours
    86_400_000, 172_800_000, 604_800_000, 2_592_000_000, // days, a week, 30 days
];

/// Ticks in `[start_ms, end_ms]`: the finest spacing from the list above that gives at most
/// `max_ticks` ticks, aligned to multiples of the spacing in `tz`'s wall-clock time (so hourly ticks
/// fall on the hour in a +05:30 zone too). At most `max_ticks` instants, ascending.
pub fn time_ticks<Tz: TimeZone>(start_ms: i64, end_ms: i64, max_ticks: usize, tz: &Tz) -> Vec<i64> {
    if end_ms <= start_ms || max_ticks == 0 {
        return Vec::new();
    }
    let span = end_ms - start_ms;
    let max = i64::try_from(max_ticks).unwrap_or(i64::MAX);
    let spacing = SPACINGS.iter().copied().find(|s| span / s < max).unwrap_or_else(|| {
        // Longer than the list covers: whole multiples of 30 days.
        let days30 = SPACINGS[SPACINGS.len() - 1];
        (span / max / days30 + 1) * days30
    });
    // Local wall-clock offset at the start of the range (ms); a DST change inside the range shifts
    // later ticks by the change, which is what every chart library does too.
    let offset_ms = tz.offset_from_utc_datetime(&naive_utc(start_ms)).fix().local_minus_utc() as i64 * 1000;
    let first = (start_ms + offset_ms).div_euclid(spacing) * spacing - offset_ms;
    let first = if first < start_ms { first + spacing } else { first };
    let mut ticks = Vec::new();
    let mut t = first;
    while t <= end_ms && ticks.len() < max_ticks {
        ticks.push(t);
        t += spacing;
    }
    ticks
}

fn naive_utc(ms: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().naive_utc()
}
