//! The wall-clock time axis shared by the charts: round instants (`14:05`, `Dec 03`) about one per
//! 130 CSS pixels, in the view's time zone, and their labels.

use chrono::{Local, Utc};
use sightline_core::format::format_time_ms;
use sightline_core::time::time_ticks;
use sightline_core::viewstate::TimeZoneChoice;

/// Round instants in `[start_ms, end_ms]` for an axis `width_css` pixels wide.
pub fn ticks(start_ms: i64, end_ms: i64, width_css: f64, tz: TimeZoneChoice) -> Vec<i64> {
    let max_ticks = (width_css / 130.0).clamp(2.0, 12.0) as usize;
    match tz {
        TimeZoneChoice::Utc => time_ticks(start_ms, end_ms, max_ticks, &Utc),
        TimeZoneChoice::Browser => time_ticks(start_ms, end_ms, max_ticks, &Local),
    }
}

/// The label of instant `t_ms` on an axis spanning `span_ms` (finer units for shorter spans).
pub fn label(t_ms: i64, span_ms: i64, tz: TimeZoneChoice) -> String {
    match tz {
        TimeZoneChoice::Utc => format_time_ms(t_ms, &Utc, span_ms),
        TimeZoneChoice::Browser => format_time_ms(t_ms, &Local, span_ms),
    }
}
