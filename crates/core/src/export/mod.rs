//! Exports of loaded data to files the user downloads (the app turns the bytes into a Blob).
//!
//! - [`csv`]: CSV of range series (one column per series) and of instant vectors (one column per
//!   label).
//!
//! Shared spelling, so every export agrees with the others and with Prometheus:
//! - Values are written **exactly**: the shortest decimal that parses back to the same `f64`
//!   ([`exact_value`]); non-finite values are `NaN`, `+Inf`, `-Inf`, as Prometheus writes them.
//! - Instants are ISO 8601 in UTC with milliseconds ([`iso_utc_ms`]), next to the raw epoch ms.
//! - Output order is deterministic: series sorted by labels, rows by time.
//! - Exports carry only what was loaded: no data-source URL, header or credential ever goes in.

pub mod csv;

use chrono::{DateTime, Utc};

/// The shortest decimal text that parses back to exactly `v` (Rust's round-trip formatting):
/// plain notation for `1e-5 ≤ |v| < 1e16` and zero (`0.1`, `42`, `-0`), exponent notation
/// outside (`1e-7`, `1.5e300`); `NaN`, `+Inf`, `-Inf` for the non-finite values.
pub fn exact_value(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-5..1e16).contains(&magnitude) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// `t_ms` as ISO 8601 UTC with milliseconds (`2024-01-15T10:00:00.250Z`); `None` outside the
/// range of dates chrono represents (about ±262,000 years).
pub fn iso_utc_ms(t_ms: i64) -> Option<String> {
    let dt: DateTime<Utc> = DateTime::from_timestamp_millis(t_ms)?;
    Some(dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}
