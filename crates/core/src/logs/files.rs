//! Log files that are not Loki or OTLP answers: NDJSON (one JSON object per line), a JSON array of
//! such objects, and plain text lines — mixed freely, line by line.
//!
//! Per JSON record: time from the first of `timestamp`, `@timestamp`, `time`, `ts`, `date`,
//! `datetime` — an RFC 3339 string (also `2024-01-15 10:00:00.123` and a trailing `Z`-less form,
//! read as UTC), or a number whose magnitude says its unit (< 10¹¹ s, < 10¹⁴ ms, < 10¹⁷ µs, else
//! ns); the stream = `{service_name=…}` from the first of `service`, `service.name`,
//! `service_name`, `app` (else no labels); the line = the record's text as it was in the file.
//! Per text line: a leading timestamp (`2024-01-15T10:00:00Z …`, `2024-01-15 10:00:00,123 …`) is
//! read when present. Lines with no readable time are kept (shown without a time) and counted.
//! Blank lines are skipped and counted.

use chrono::{DateTime, NaiveDateTime};
use serde_json::{Map, Value};

use super::model::{LogBuilder, NO_TIME};
use crate::series::Labels;

const TIME_KEYS: [&str; 6] = ["timestamp", "@timestamp", "time", "ts", "date", "datetime"];
const SERVICE_KEYS: [&str; 4] = ["service", "service.name", "service_name", "app"];

/// Counts of what [`push_lines`] saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineCounts {
    pub json: usize,
    pub text: usize,
    pub blank: usize,
    pub without_time: usize,
}

/// Appends every line of `text` (NDJSON and/or plain text).
pub fn push_lines(text: &str, builder: &mut LogBuilder) -> LineCounts {
    let mut counts = LineCounts::default();
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            counts.blank += 1;
            continue;
        }
        let trimmed = line.trim();
        let record = if trimmed.starts_with('{') { serde_json::from_str::<Map<String, Value>>(trimmed).ok() } else { None };
        match record {
            Some(map) => {
                counts.json += 1;
                push_record(&map, line, builder, &mut counts);
            }
            None => {
                counts.text += 1;
                let ts = leading_time(line).unwrap_or(NO_TIME);
                counts.without_time += usize::from(ts == NO_TIME);
                let stream = builder.stream(Labels::default());
                builder.push(ts, line, stream, None, Vec::new());
            }
        }
    }
    counts
}

/// Appends the records of a JSON array (each object's compact JSON becomes its line; other
/// values become text lines).
pub fn push_array(items: &[Value], builder: &mut LogBuilder) -> LineCounts {
    let mut counts = LineCounts::default();
    for item in items {
        match item {
            Value::Object(map) => {
                counts.json += 1;
                push_record(map, &item.to_string(), builder, &mut counts);
            }
            other => {
                counts.text += 1;
                counts.without_time += 1;
                let text = match other {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let stream = builder.stream(Labels::default());
                builder.push(NO_TIME, &text, stream, None, Vec::new());
            }
        }
    }
    counts
}

fn push_record(map: &Map<String, Value>, line: &str, builder: &mut LogBuilder, counts: &mut LineCounts) {
    let ts = TIME_KEYS.iter().find_map(|k| map.get(*k).and_then(time_value)).unwrap_or(NO_TIME);
    counts.without_time += usize::from(ts == NO_TIME);
    let service = SERVICE_KEYS.iter().find_map(|k| map.get(*k).and_then(Value::as_str));
    let labels = match service {
        Some(s) => Labels([("service_name".to_string(), s.to_string())].into_iter().collect()),
        None => Labels::default(),
    };
    let stream = builder.stream(labels);
    builder.push(ts, line, stream, None, Vec::new());
}

/// A JSON time value in ns (see the module documentation for the rules).
pub fn time_value(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_time_text(s).or_else(|| s.trim().parse::<f64>().ok().and_then(number_time)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => number_time_int(i),
            None => n.as_f64().and_then(number_time),
        },
        _ => None,
    }
}

fn number_time_int(n: i64) -> Option<i64> {
    let a = n.unsigned_abs();
    Some(if a < 100_000_000_000 {
        n.checked_mul(1_000_000_000)?
    } else if a < 100_000_000_000_000 {
        n.checked_mul(1_000_000)?
    } else if a < 100_000_000_000_000_000 {
        n.checked_mul(1_000)?
    } else {
        n
    })
}

fn number_time(x: f64) -> Option<i64> {
    if !x.is_finite() {
        return None;
    }
    let a = x.abs();
    let ns = if a < 1e11 {
        x * 1e9
    } else if a < 1e14 {
        x * 1e6
    } else if a < 1e17 {
        x * 1e3
    } else {
        x
    };
    (ns.abs() < 9.2e18).then(|| ns.round() as i64)
}

/// An RFC 3339 time, or `YYYY-MM-DD[ T]HH:MM:SS[.,fraction]` read as UTC, in ns.
pub fn parse_time_text(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.len() < 19 || !t.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return dt.timestamp_nanos_opt();
    }
    let normalised = t.replace(',', ".");
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.fZ"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&normalised, format) {
            return dt.and_utc().timestamp_nanos_opt();
        }
    }
    None
}

/// A timestamp at the start of a text line: the first word, or the first two (date and time).
fn leading_time(line: &str) -> Option<i64> {
    let mut words = line.split_whitespace();
    let first = words.next()?.trim_matches(|c| c == '[' || c == ']');
    if !first.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    parse_time_text(first).or_else(|| {
        let second = words.next()?.trim_matches(|c| c == '[' || c == ']');
        parse_time_text(&format!("{first} {second}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::model::Level;

    #[test]
    fn ndjson_and_text_lines_mix() {
        let text = concat!(
            "{\"timestamp\":\"2024-01-15T10:00:01Z\",\"level\":\"ERROR\",\"message\":\"boom\",\"service\":\"api\"}\n",
            "\n",
            "2024-01-15 10:00:02,500 - app - WARNING - disk low\n",
            "{\"ts\":1705312803,\"msg\":\"s\"}\n",
            "{\"time\":1705312804000,\"msg\":\"ms\"}\r\n",
            "{\"@timestamp\":\"1705312805000000\",\"msg\":\"us as string\"}\n",
            "no time here\n",
            "{not json\n",
        );
        let mut b = LogBuilder::default();
        let counts = push_lines(text, &mut b);
        assert_eq!(counts, LineCounts { json: 4, text: 3, blank: 1, without_time: 2 });
        let s = b.finish();
        let base = 1_705_312_800_000_000_000i64;
        assert_eq!(&s.timestamps()[..5], &[base + 5_000_000_000, base + 4_000_000_000, base + 3_000_000_000, base + 2_500_000_000, base + 1_000_000_000]);
        assert_eq!(s.line(4), r#"{"timestamp":"2024-01-15T10:00:01Z","level":"ERROR","message":"boom","service":"api"}"#);
        assert_eq!(s.levels()[4], Level::Error);
        assert_eq!(s.levels()[3], Level::Warn);
        assert_eq!(s.stream_of(4).unwrap().get("service_name"), Some("api"));
        assert_eq!(s.line(1), r#"{"time":1705312804000,"msg":"ms"}"#, "CR stripped");
        assert_eq!(s.line(5), "no time here");
        assert_eq!(s.line(6), "{not json");
    }

    #[test]
    fn arrays_and_time_units() {
        let items: Vec<Value> = serde_json::from_str(r#"[{"timestamp":1.5},"text",3]"#).unwrap();
        let mut b = LogBuilder::default();
        let c = push_array(&items, &mut b);
        assert_eq!(c, LineCounts { json: 1, text: 2, blank: 0, without_time: 2 });
        let s = b.finish();
        assert_eq!(s.timestamps()[0], 1_500_000_000);
        assert_eq!(time_value(&Value::from(1_705_312_800_000_000_000i64)), Some(1_705_312_800_000_000_000));
        assert_eq!(time_value(&Value::from("2024-01-15T10:00:00.123+01:00")), Some(1_705_309_200_123_000_000));
        assert_eq!(time_value(&Value::from(f64::MAX)), None);
        assert_eq!(time_value(&Value::from(99_999_999_999_999_999i64)), None, "µs that overflow as ns");
        assert_eq!(time_value(&Value::from("soon")), None);
    }
}
