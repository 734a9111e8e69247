//! Log level detection. The rule, in order (the Logs page shows it):
//! 1. a per-line metadata or stream label named `level`, `detected_level`, `severity`, `lvl` or
//!    `severity_text` (OTLP severity is mapped by the decoder before this);
//! 2. a JSON line's top-level `level`, `severity`, `lvl`, `loglevel` or `log.level` string;
//! 3. a logfmt `level=` / `lvl=` / `severity=` pair;
//! 4. a standalone level word (`ERROR`, `WARN`, `WARNING`, `INFO`, `DEBUG`, `TRACE`, `FATAL`,
//!    `CRITICAL`, upper case, optionally in brackets) among the first eight words of a text line;
//! 5. otherwise [`Level::Unknown`] — nothing is guessed from other words in the message.

use super::fields;
use super::model::Level;
use crate::series::Labels;

const LEVEL_KEYS: [&str; 5] = ["level", "detected_level", "severity", "lvl", "severity_text"];
const FIELD_KEYS: [&str; 6] = ["level", "severity", "lvl", "loglevel", "log.level", "levelname"];

/// Parses a level name (case-insensitive; common aliases and syslog names included).
pub fn parse(name: &str) -> Option<Level> {
    let n = name.trim().to_ascii_lowercase();
    Some(match n.as_str() {
        "trace" | "trc" => Level::Trace,
        "debug" | "dbg" | "d" => Level::Debug,
        "info" | "information" | "informational" | "notice" | "inf" | "i" => Level::Info,
        "warn" | "warning" | "wrn" | "w" => Level::Warn,
        "error" | "err" | "eror" | "e" => Level::Error,
        "fatal" | "critical" | "crit" | "panic" | "emerg" | "emergency" | "alert" | "ftl" => Level::Fatal,
        _ => return None,
    })
}

/// OTLP `severityNumber` ranges (1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error,
/// 21–24 fatal); 0 or out of range is unspecified.
pub fn from_otlp_severity(number: i64) -> Option<Level> {
    Some(match number {
        1..=4 => Level::Trace,
        5..=8 => Level::Debug,
        9..=12 => Level::Info,
        13..=16 => Level::Warn,
        17..=20 => Level::Error,
        21..=24 => Level::Fatal,
        _ => return None,
    })
}

/// The level a stream's labels name (rule 1, stream half), if any.
pub fn from_labels(labels: &Labels) -> Option<Level> {
    LEVEL_KEYS.iter().find_map(|key| labels.get(key).and_then(parse))
}

/// The level of one line by the module's rule.
pub fn detect(line: &str, stream: Option<&Labels>, meta: &[(String, String)]) -> Level {
    detect_with(line, stream.and_then(from_labels), meta)
}

/// [`detect`] with the stream's level already looked up ([`from_labels`]).
pub fn detect_with(line: &str, stream_level: Option<Level>, meta: &[(String, String)]) -> Level {
    for (k, v) in meta {
        if LEVEL_KEYS.contains(&k.as_str()) {
            if let Some(l) = parse(v) {
                return l;
            }
        }
    }
    if let Some(l) = stream_level {
        return l;
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('{') {
        if let Some(l) = fields::json_top_string(trimmed, &FIELD_KEYS).and_then(|v| parse(&v)) {
            return l;
        }
        return Level::Unknown;
    }
    if let Some(l) = fields::logfmt_value(trimmed, &["level", "lvl", "severity"]).and_then(|v| parse(&v)) {
        return l;
    }
    for word in trimmed.split_whitespace().take(8) {
        let w = word.trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | ':' | ',' | '-' | '|'));
        if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_uppercase()) {
            let l = match w {
                "ERROR" => Some(Level::Error),
                "WARN" | "WARNING" => Some(Level::Warn),
                "INFO" => Some(Level::Info),
                "DEBUG" => Some(Level::Debug),
                "TRACE" => Some(Level::Trace),
                "FATAL" | "CRITICAL" => Some(Level::Fatal),
                _ => None,
            };
            if let Some(l) = l {
                return l;
            }
        }
    }
    Level::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_in_order() {
        let labels = Labels([("level".to_string(), "warn".to_string())].into_iter().collect());
        let meta = vec![("severity_text".to_string(), "ERROR".to_string())];
        assert_eq!(detect("INFO hello", Some(&labels), &meta), Level::Error, "metadata first");
        assert_eq!(detect("INFO hello", Some(&labels), &[]), Level::Warn, "then stream labels");
        assert_eq!(detect(r#"{"msg":"x","level":"DEBUG"}"#, None, &[]), Level::Debug);
        assert_eq!(detect(r#"{"msg":"ERROR in text"}"#, None, &[]), Level::Unknown, "JSON without a level field");
        assert_eq!(detect(r#"ts=1 level=error msg="boom""#, None, &[]), Level::Error);
        assert_eq!(detect("2024-01-15 10:00:00 - app - WARNING - disk low", None, &[]), Level::Warn);
        assert_eq!(detect("[ERROR] failed", None, &[]), Level::Error);
        assert_eq!(detect("an error happened", None, &[]), Level::Unknown, "lower-case words are not levels");
        assert_eq!(detect("", None, &[]), Level::Unknown);
    }

    #[test]
    fn names_and_otlp_numbers() {
        assert_eq!(parse("Information"), Some(Level::Info));
        assert_eq!(parse("CRITICAL"), Some(Level::Fatal));
        assert_eq!(parse("verbose"), None);
        assert_eq!(from_otlp_severity(9), Some(Level::Info));
        assert_eq!(from_otlp_severity(10), Some(Level::Info));
        assert_eq!(from_otlp_severity(17), Some(Level::Error));
        assert_eq!(from_otlp_severity(0), None);
        assert_eq!(from_otlp_severity(99), None);
    }
}
