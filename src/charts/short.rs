//! Short value labels for places where six significant digits are noise — a stat tile's big
//! number, a colour legend's ticks: the value rounded to three significant digits, then written
//! in its unit by the core's [`format_with_unit`] (`217.705 req/s` → `218 req/s`,
//! `0.0188853` → `0.0189`). Non-finite values are written as the core writes them (`NaN`, `+Inf`,
//! `-Inf`). Exact values stay available in readouts and tooltips.

use sightline_core::units::{format_with_unit, Unit};

/// Significant digits kept by [`format_short`].
pub const SHORT_DIGITS: i32 = 3;

/// `v` rounded to `digits` significant digits (non-finite values and 0 unchanged).
pub fn round_significant(v: f64, digits: i32) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let magnitude = v.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    let r = (v * factor).round() / factor;
    if r.is_finite() { r } else { v }
}

/// `v` in `unit`, rounded to [`SHORT_DIGITS`] significant digits.
pub fn format_short(v: f64, unit: Unit) -> String {
    format_with_unit(round_significant(v, SHORT_DIGITS), unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_labels_keep_three_significant_digits() {
        let cases = [
            (217.705, Unit::RequestsPerSecond, "218 req/s"),
            (0.0188853, Unit::None, "0.0189"),
            (41.8386, Unit::None, "41.8"),
            (0.99961, Unit::Seconds, "1 s"),
            (12345.0, Unit::None, "12300"),
            (0.0, Unit::None, "0"),
            (f64::NAN, Unit::None, "NaN"),
            (f64::NEG_INFINITY, Unit::Seconds, "-Inf"),
            (-2.71828e-3, Unit::None, "-0.00272"),
        ];
        for (v, unit, want) in cases {
            assert_eq!(format_short(v, unit), want, "{v}");
        }
    }
}
