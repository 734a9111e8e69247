//! Value units: which unit a series is in, and how a value in that unit is written on an axis, in a
//! legend or in a table cell, with an automatically chosen scale (`0.00042 s` → `420 µs`,
//! `1536 B` → `1.5 KiB`, ratio `0.9995` → `99.95%`).
//!
//! Contract:
//! - A [`Unit`] names what the raw number means; the number itself is never changed by choosing a
//!   unit (ratios stay 0–1 in data and become percent only when formatted, algorithms.md §1, E16).
//! - Identifiers ([`Unit::as_str`], [`Unit::parse`]) are Grafana's unit ids (`s`, `ms`, `µs`,
//!   `bytes`, `decbytes`, `binBps`, `reqps`, `ops`, `percent`, `percentunit`, `none`), so a URL's
//!   `unit=` and a Grafana dashboard's `unit` mean the same thing. `us` is accepted for `µs`
//!   (and [`Unit::Microseconds`] is written `us` to keep URLs ASCII).
//! - Scales: durations step ns → µs → ms → s → min → h → d; bytes in IEC steps of 1024
//!   (`KiB`, `MiB` …, [`Unit::Bytes`], [`Unit::BytesPerSecond`]) or SI steps of 1000 (`kB`, `MB` …,
//!   [`Unit::BytesSi`]); per-second throughputs in SI steps glued to the number (`1.2k req/s`; never milli); percentages
//!   and [`Unit::None`] are not scaled. The scale is the largest step not above `|v|`, judged after
//!   rounding to the six significant digits of [`crate::format::format_value`] (so 999.9999 ms is
//!   `1 s`, not `1000 ms`); zero keeps the unit's own suffix.
//! - The number part is [`crate::format::format_value`] (six significant digits). Non-finite
//!   values are written `NaN`, `+Inf`, `-Inf`, without a unit suffix.
//! - For an axis, pick one [`Scale`] for all ticks with [`Scale::for_value`] (pass the largest
//!   `|tick|`) and format every tick with [`Scale::format`].
//! - Nothing here panics; everything is O(1) except [`guess_from_metric_name`], O(len(name)).

use std::fmt;
use std::str::FromStr;

use crate::format::format_value;

/// What a value means, and so how it is scaled and suffixed for display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A plain number (Grafana `none`).
    #[default]
    None,
    /// Nanoseconds (`ns`).
    Nanoseconds,
    /// Microseconds (`µs`).
    Microseconds,
    /// Milliseconds (`ms`).
    Milliseconds,
    /// Seconds (`s`), Prometheus' base unit of time.
    Seconds,
    /// Bytes, scaled in IEC steps of 1024 (`bytes`: B, KiB, MiB …).
    Bytes,
    /// Bytes, scaled in SI steps of 1000 (`decbytes`: B, kB, MB …).
    BytesSi,
    /// Bytes per second, IEC steps (`binBps`: B/s, KiB/s …).
    BytesPerSecond,
    /// Requests per second (`reqps`: req/s, k req/s …).
    RequestsPerSecond,
    /// Operations (events) per second (`ops`: ops/s, k ops/s …).
    OpsPerSecond,
    /// A percentage already in 0–100 (`percent`).
    PercentHundred,
    /// A ratio in 0–1 shown as a percentage (`percentunit`: 0.9995 → 99.95%).
    PercentUnit,
}

/// A unit identifier that is not one of [`Unit::ALL`]'s ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitParseError {
    /// The identifier as given.
    pub input: String,
}

impl fmt::Display for UnitParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Unit::ALL.iter().map(|u| u.as_str()).collect();
        write!(f, "unknown unit \"{}\" (known units: {})", self.input, known.join(", "))
    }
}

impl std::error::Error for UnitParseError {}

impl Unit {
    /// Every unit, in menu order.
    pub const ALL: [Unit; 12] = [
        Unit::None,
        Unit::Nanoseconds,
        Unit::Microseconds,
        Unit::Milliseconds,
        Unit::Seconds,
        Unit::Bytes,
        Unit::BytesSi,
        Unit::BytesPerSecond,
        Unit::RequestsPerSecond,
        Unit::OpsPerSecond,
        Unit::PercentHundred,
        Unit::PercentUnit,
    ];

    /// The identifier used in URLs (`unit=s`): Grafana's unit id (`us` for microseconds).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::None => "none",
            Unit::Nanoseconds => "ns",
            Unit::Microseconds => "us",
            Unit::Milliseconds => "ms",
            Unit::Seconds => "s",
            Unit::Bytes => "bytes",
            Unit::BytesSi => "decbytes",
            Unit::BytesPerSecond => "binBps",
            Unit::RequestsPerSecond => "reqps",
            Unit::OpsPerSecond => "ops",
            Unit::PercentHundred => "percent",
            Unit::PercentUnit => "percentunit",
        }
    }

    /// A human name for menus.
    pub fn label(self) -> &'static str {
        match self {
            Unit::None => "None",
            Unit::Nanoseconds => "Nanoseconds (ns)",
            Unit::Microseconds => "Microseconds (µs)",
            Unit::Milliseconds => "Milliseconds (ms)",
            Unit::Seconds => "Seconds (s)",
            Unit::Bytes => "Bytes (IEC: KiB, MiB)",
            Unit::BytesSi => "Bytes (SI: kB, MB)",
            Unit::BytesPerSecond => "Bytes/sec (IEC)",
            Unit::RequestsPerSecond => "Requests/sec",
            Unit::OpsPerSecond => "Ops/sec",
            Unit::PercentHundred => "Percent (0–100)",
            Unit::PercentUnit => "Percent (0.0–1.0)",
        }
    }

    /// Parses a unit identifier: [`Unit::as_str`]'s ids, `µs` for microseconds, and the empty
    /// string for [`Unit::None`]. Case-sensitive, as Grafana's ids are (`Bps` ≠ `bps`).
    pub fn parse(s: &str) -> Result<Unit, UnitParseError> {
        let s = s.trim();
        if s.is_empty() || s == "short" {
            return Ok(Unit::None);
        }
        if s == "µs" || s == "μs" {
            return Ok(Unit::Microseconds);
        }
        Unit::ALL.iter().copied().find(|u| u.as_str() == s).ok_or_else(|| UnitParseError { input: s.to_string() })
    }
}

impl FromStr for Unit {
    type Err = UnitParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::parse(s)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a unit's ladder: values at least `step` (in the ladder's base) use `suffix`.
struct Step {
    step: f64,
    suffix: &'static str,
    spaced: bool,
}

const fn st(step: f64, suffix: &'static str) -> Step {
    Step { step, suffix, spaced: true }
}

/// A step whose suffix starts with an SI prefix glued to the number (`1.2k req/s`).
const fn glued(step: f64, suffix: &'static str) -> Step {
    Step { step, suffix, spaced: false }
}

const TIME: [Step; 7] =
    [st(1e-9, "ns"), st(1e-6, "µs"), st(1e-3, "ms"), st(1.0, "s"), st(60.0, "min"), st(3600.0, "h"), st(86400.0, "d")];
const KI: f64 = 1024.0;
const IEC_BYTES: [Step; 7] = [
    st(1.0, "B"),
    st(KI, "KiB"),
    st(KI * KI, "MiB"),
    st(KI * KI * KI, "GiB"),
    st(KI * KI * KI * KI, "TiB"),
    st(KI * KI * KI * KI * KI, "PiB"),
    st(KI * KI * KI * KI * KI * KI, "EiB"),
];
const SI_BYTES: [Step; 7] =
    [st(1.0, "B"), st(1e3, "kB"), st(1e6, "MB"), st(1e9, "GB"), st(1e12, "TB"), st(1e15, "PB"), st(1e18, "EB")];
const IEC_BYTES_PER_SEC: [Step; 7] = [
    st(1.0, "B/s"),
    st(KI, "KiB/s"),
    st(KI * KI, "MiB/s"),
    st(KI * KI * KI, "GiB/s"),
    st(KI * KI * KI * KI, "TiB/s"),
    st(KI * KI * KI * KI * KI, "PiB/s"),
    st(KI * KI * KI * KI * KI * KI, "EiB/s"),
];
const REQ_PER_SEC: [Step; 7] = [
    st(1.0, "req/s"),
    glued(1e3, "k req/s"),
    glued(1e6, "M req/s"),
    glued(1e9, "G req/s"),
    glued(1e12, "T req/s"),
    glued(1e15, "P req/s"),
    glued(1e18, "E req/s"),
];
const OPS_PER_SEC: [Step; 7] = [
    st(1.0, "ops/s"),
    glued(1e3, "k ops/s"),
    glued(1e6, "M ops/s"),
    glued(1e9, "G ops/s"),
    glued(1e12, "T ops/s"),
    glued(1e15, "P ops/s"),
    glued(1e18, "E ops/s"),
];

/// The ladder of a unit and the size of one input unit in the ladder's base (seconds, bytes …).
fn ladder(unit: Unit) -> Option<(&'static [Step], f64)> {
    Some(match unit {
        Unit::Nanoseconds => (&TIME, 1e-9),
        Unit::Microseconds => (&TIME, 1e-6),
        Unit::Milliseconds => (&TIME, 1e-3),
        Unit::Seconds => (&TIME, 1.0),
        Unit::Bytes => (&IEC_BYTES, 1.0),
        Unit::BytesSi => (&SI_BYTES, 1.0),
        Unit::BytesPerSecond => (&IEC_BYTES_PER_SEC, 1.0),
        Unit::RequestsPerSecond => (&REQ_PER_SEC, 1.0),
        Unit::OpsPerSecond => (&OPS_PER_SEC, 1.0),
        Unit::None | Unit::PercentHundred | Unit::PercentUnit => return None,
    })
}

/// The suffix a unit uses for its own magnitude (and for zero).
fn own_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::None => "",
        Unit::Nanoseconds => "ns",
        Unit::Microseconds => "µs",
        Unit::Milliseconds => "ms",
        Unit::Seconds => "s",
        Unit::Bytes | Unit::BytesSi => "B",
        Unit::BytesPerSecond => "B/s",
        Unit::RequestsPerSecond => "req/s",
        Unit::OpsPerSecond => "ops/s",
        Unit::PercentHundred | Unit::PercentUnit => "%",
    }
}

/// A chosen display scale: values are multiplied by `factor` and followed by `suffix`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Multiplier from the raw value to the displayed number (e.g. 1e6 for seconds shown in µs).
    pub factor: f64,
    /// The unit text after the number (`µs`, `KiB`, `%`, or empty).
    pub suffix: &'static str,
    /// Whether a space separates number and suffix (`420 µs`, but `99.95%`).
    pub spaced: bool,
}

impl Scale {
    /// The scale for values of `unit` whose magnitude is about `|reference|` (for an axis, the
    /// largest `|tick|`). A non-finite or zero reference gives the unit's own scale.
    pub fn for_value(unit: Unit, reference: f64) -> Scale {
        match unit {
            Unit::None => return Scale { factor: 1.0, suffix: "", spaced: false },
            Unit::PercentHundred => return Scale { factor: 1.0, suffix: "%", spaced: false },
            Unit::PercentUnit => return Scale { factor: 100.0, suffix: "%", spaced: false },
            _ => {}
        }
        let own = Scale { factor: 1.0, suffix: own_suffix(unit), spaced: true };
        let Some((steps, base)) = ladder(unit) else { return own };
        if !reference.is_finite() || reference == 0.0 {
            return own;
        }
        let magnitude = reference.abs() * base;
        // The largest step not above the magnitude (the first step below all of them) …
        let mut index = steps.iter().rposition(|s| s.step <= magnitude).unwrap_or(0);
        // … or the next one when six significant digits round up to it (999.9999 ms → 1 s).
        if let (Some(here), Some(next)) = (steps.get(index), steps.get(index + 1)) {
            let shown = format_value(magnitude / here.step);
            if shown.parse::<f64>().is_ok_and(|n| n >= next.step / here.step) {
                index += 1;
            }
        }
        match steps.get(index) {
            Some(s) => Scale { factor: base / s.step, suffix: s.suffix, spaced: s.spaced },
            None => own,
        }
    }

    /// `v` in this scale: `420 µs`, `1.5 KiB`, `99.95%`; `NaN`, `+Inf`, `-Inf` bare.
    pub fn format(&self, v: f64) -> String {
        if !v.is_finite() {
            return format_value(v);
        }
        let number = format_value(v * self.factor);
        match (self.suffix.is_empty(), self.spaced) {
            (true, _) => number,
            (false, true) => format!("{number} {}", self.suffix),
            (false, false) => format!("{number}{}", self.suffix),
        }
    }
}

/// `v` in `unit` at the scale that suits `v` itself; see the module doc.
pub fn format_with_unit(v: f64, unit: Unit) -> String {
    Scale::for_value(unit, v).format(v)
}

/// Guesses a metric's unit from its name, by Prometheus naming conventions
/// (<https://prometheus.io/docs/practices/naming/>: base units, unit suffix before `_total`).
///
/// `per_second` says the query takes a per-second rate of the metric (`rate`, `irate`); pass
/// `false` for the raw metric and for `increase` (a count, not a rate).
///
/// Heuristics, in order:
/// 1. Histogram and summary suffixes are stripped: `_bucket` (a `histogram_quantile` result keeps
///    the base unit, rated or not), `_sum`, `_count`, and the counter suffix `_total`.
/// 2. The remaining name's suffix gives the base unit: `_seconds` → s, `_milliseconds`/`_ms` → ms,
///    `_microseconds`/`_us` → µs, `_nanoseconds`/`_ns` → ns, `_bytes` → bytes (IEC), `_ratio` →
///    percentunit, `_percent`/`_percentage` → percent; otherwise none.
/// 3. Counters (`_total`, `_sum`, `_count`) under a per-second rate: bytes → `binBps`; time units →
///    none (seconds per second is a dimensionless utilisation, e.g. CPU cores); `_count`, and
///    unit-less `_total`/`_sum`, → `reqps` when the name contains `request`, else `ops`.
/// 4. Anything else under a rate keeps its base unit (the rate of a gauge is a mistake we do not
///    try to label).
///
/// Recording-rule names (`level:metric:operations`) are read by their middle part; when the last
/// part starts with `rate`/`irate` (`job:http_requests:rate5m`) the metric is taken as a counter
/// under a per-second rate (`_total` is dropped in such names by convention).
pub fn guess_from_metric_name(name: &str, per_second: bool) -> Unit {
    let (name, per_second, recording_rule_rate) = match name.rsplit_once(':') {
        Some((head, op)) => {
            let rated = op.starts_with("rate") || op.starts_with("irate");
            let metric = head.rsplit_once(':').map_or(head, |(_, m)| m);
            (metric, per_second || rated, rated)
        }
        None => (name, per_second, false),
    };
    let (stem, counter) = if recording_rule_rate {
        // Recording rules drop `_total` (`job:http_requests:rate5m` from `http_requests_total`).
        (name.strip_suffix("_total").unwrap_or(name), Some(false))
    } else if let Some(s) = name.strip_suffix("_bucket") {
        (s, None)
    } else if let Some(s) = name.strip_suffix("_total") {
        (s, Some(false))
    } else if let Some(s) = name.strip_suffix("_sum") {
        (s, Some(false))
    } else if let Some(s) = name.strip_suffix("_count") {
        (s, Some(true))
    } else {
        (name, None)
    };
    let base = base_unit(stem);
    match counter {
        Some(is_count) if per_second => {
            if is_count {
                return throughput(name);
            }
            match base {
                Unit::Bytes | Unit::BytesSi => Unit::BytesPerSecond,
                Unit::Seconds | Unit::Milliseconds | Unit::Microseconds | Unit::Nanoseconds => Unit::None,
                Unit::None => throughput(name),
                other => other,
            }
        }
        Some(true) => Unit::None,
        _ => base,
    }
}

fn throughput(name: &str) -> Unit {
    if name.contains("request") {
        Unit::RequestsPerSecond
    } else {
        Unit::OpsPerSecond
    }
}

fn base_unit(stem: &str) -> Unit {
    const SUFFIXES: [(&str, Unit); 11] = [
        ("_seconds", Unit::Seconds),
        ("_milliseconds", Unit::Milliseconds),
        ("_ms", Unit::Milliseconds),
        ("_microseconds", Unit::Microseconds),
        ("_us", Unit::Microseconds),
        ("_nanoseconds", Unit::Nanoseconds),
        ("_ns", Unit::Nanoseconds),
        ("_bytes", Unit::Bytes),
        ("_ratio", Unit::PercentUnit),
        ("_percent", Unit::PercentHundred),
        ("_percentage", Unit::PercentHundred),
    ];
    SUFFIXES.iter().find(|(suffix, _)| stem.ends_with(suffix)).map_or(Unit::None, |&(_, unit)| unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_examples() {
        assert_eq!(format_with_unit(0.00042, Unit::Seconds), "420 µs");
        assert_eq!(format_with_unit(1536.0, Unit::Bytes), "1.5 KiB");
        assert_eq!(format_with_unit(0.9995, Unit::PercentUnit), "99.95%");
    }
}
