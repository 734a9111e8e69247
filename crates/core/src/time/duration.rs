//! Prometheus durations (`1h30m`, `15s`, `500ms`; grammar `^(y)?(w)?(d)?(h)?(m)?(s)?(ms)?$` with
//! `y` = 365 d and `w` = 7 d, as in Prometheus) and the auto-refresh choices built on them.

use std::fmt::Write;

use super::TimeError;

/// Units of the Prometheus duration grammar, largest first, with their length in ms.
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses a Prometheus duration into ms. Units must appear largest first, each at most once.
pub fn parse_prom_duration(text: &str) -> Result<u64, TimeError> {
    let field = "duration";
    let syntax = |reason: &str| TimeError::Syntax { field, text: text.to_string(), reason: reason.to_string() };
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(TimeError::Empty { field });
    }
    let mut total: u64 = 0;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(syntax("expected a number, as in 1h30m, 15s or 500ms"));
        }
        let n: u64 = rest[..digits].parse().map_err(|_| syntax("number too large"))?;
        rest = &rest[digits..];
        // "ms" must be tried before "m".
        let found = UNITS[next_unit..]
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| rest.starts_with(name))
            .max_by_key(|(_, (name, _))| name.len());
        let Some((offset, (name, len))) = found else {
            return Err(syntax("expected a unit y w d h m s ms, largest first"));
        };
        rest = &rest[name.len()..];
        next_unit += offset + 1;
        total = n.checked_mul(*len).and_then(|v| total.checked_add(v)).ok_or_else(|| syntax("duration too long"))?;
    }
    Ok(total)
}

/// Formats ms as a Prometheus duration (`5400000` → `1h30m`; `0` → `0s`). Years and weeks are not
/// used: `30d` reads better than `4w2d`.
pub fn format_prom_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut rest = ms;
    let mut out = String::new();
    for (name, len) in UNITS.iter().filter(|(name, _)| *name != "y" && *name != "w") {
        if rest >= *len {
            let _ = write!(out, "{}{name}", rest / len);
            rest %= len;
        }
    }
    out
}

/// Auto-refresh choices (Grafana's list).
pub const REFRESH_CHOICES: [&str; 11] = ["off", "5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"];

/// An auto-refresh setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshInterval {
    Off,
    Every { ms: u64 },
}

/// Refreshing faster than this is refused (it would only load the backend).
pub const MIN_REFRESH_MS: u64 = 1_000;

impl RefreshInterval {
    /// `off` (or empty) → [`RefreshInterval::Off`]; a Prometheus duration of at least 1 s → every.
    pub fn parse(text: &str) -> Result<RefreshInterval, TimeError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(RefreshInterval::Off);
        }
        let ms = parse_prom_duration(text)?;
        if ms < MIN_REFRESH_MS {
            return Err(TimeError::Syntax {
                field: "refresh",
                text: text.to_string(),
                reason: "refresh at most once a second".to_string(),
            });
        }
        Ok(RefreshInterval::Every { ms })
    }
}
