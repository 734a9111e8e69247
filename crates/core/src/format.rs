//! Formatting numbers and instants for display: values in readouts, tables and axes, and
//! instants on the time axis and in readouts, in the chosen time zone.
//!
//! Values keep six significant digits (no silent rounding to "0" of small numbers: they switch to
//! scientific notation) and spell the non-finite values the way Prometheus does: `NaN`, `+Inf`,
//! `-Inf`.

use chrono::{DateTime, TimeZone};

/// A value for a readout, table cell or axis label.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let magnitude = v.abs().log10().floor();
    if !(-4.0..15.0).contains(&magnitude) {
        return trim_exponent(&format!("{v:.5e}"));
    }
    // Six significant digits, trailing zeros dropped.
    let decimals = (5.0 - magnitude).clamp(0.0, 9.0) as usize;
    trim_zeros(&format!("{v:.decimals$}"))
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// `1.50000e-7` → `1.5e-7`.
fn trim_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
        None => s.to_string(),
    }
}

/// An instant for the time axis of a chart spanning `span_ms`: seconds shown when the span is
/// under 5 minutes, the date when it is over 1 day.
pub fn format_time_ms<Tz: TimeZone>(t_ms: i64, tz: &Tz, span_ms: i64) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let Some(dt) = at(t_ms, tz) else { return t_ms.to_string() };
    let pattern = if span_ms <= 5 * 60_000 {
        "%H:%M:%S"
    } else if span_ms <= 86_400_000 {
        "%H:%M"
    } else {
        "%m-%d %H:%M"
    };
    dt.format(pattern).to_string()
}

/// A log line's time, always to the millisecond (`2024-01-15 10:00:00.123`), so a column of them
/// lines up; `—` for a line without a time ([`crate::logs::NO_TIME`]).
pub fn format_log_time<Tz: TimeZone>(t_ns: i64, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    if t_ns == crate::logs::NO_TIME {
        return "—".to_string();
    }
    let t_ms = t_ns.div_euclid(1_000_000);
    match at(t_ms, tz) {
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        None => t_ns.to_string(),
    }
}

/// An instant in full (`2024-01-15 10:00:00.250`, milliseconds only when not zero).
pub fn format_datetime_ms<Tz: TimeZone>(t_ms: i64, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let Some(dt) = at(t_ms, tz) else { return t_ms.to_string() };
    if t_ms.rem_euclid(1000) == 0 {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
    }
}

fn at<Tz: TimeZone>(t_ms: i64, tz: &Tz) -> Option<DateTime<Tz>> {
    tz.timestamp_millis_opt(t_ms).single()
}

/// A count with thousands separators: `11000` → `11,000`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
