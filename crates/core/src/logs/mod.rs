//! Logs: a columnar store of log lines and everything the Logs page computes from it.
//!
//! - [`model`]: [`LogStore`] (times in ns, text in one buffer, interned stream labels, levels,
//!   per-line metadata), built by [`LogBuilder`].
//! - [`loki`]: Loki `query_range`/`query` answers (`streams` → store; metric queries → series).
//! - [`otlp`]: OTLP/JSON logs. [`files`]: NDJSON, JSON arrays and plain text lines.
//! - [`decode_log_file`]: format detection for a dropped or picked file (says what it detected).
//! - [`level`]: how a line's level is found. [`fields`]: JSON/logfmt fields, message, trace id.
//! - [`volume`]: lines per level per time bucket. [`patterns`]: Drain-style templates.
//! - [`query`]: Loki requests (LogQL, range, limit, direction) and the Logs page's URL state.

pub mod fields;
pub mod files;
pub mod level;
pub mod loki;
pub mod model;
pub mod otlp;
pub mod patterns;
pub mod query;
pub mod volume;

pub use model::{Level, LogBuilder, LogStore, NO_TIME};

/// The formats a log file is recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// A saved Loki `query_range` answer (`streams`).
    Loki,
    /// OTLP/JSON logs (`resourceLogs`).
    Otlp,
    /// One JSON object per line.
    Ndjson,
    /// A JSON array of log objects.
    JsonArray,
    /// Plain text lines.
    Text,
    /// NDJSON and text lines mixed.
    Mixed,
}

impl LogFormat {
    /// The name the page shows ("Detected: …").
    pub fn label(self) -> &'static str {
        match self {
            LogFormat::Loki => "Loki query answer",
            LogFormat::Otlp => "OTLP/JSON logs",
            LogFormat::Ndjson => "NDJSON",
            LogFormat::JsonArray => "JSON array of log records",
            LogFormat::Text => "plain text lines",
            LogFormat::Mixed => "NDJSON and text lines (mixed)",
        }
    }
}

/// A decoded log file.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLogs {
    pub store: LogStore,
    pub format: LogFormat,
    /// What was unusual (lines without a time, skipped blank lines, …).
    pub notes: Vec<String>,
}

/// Decodes a log file of any supported format (see [`LogFormat`]); the format is detected from
/// the content, not the file name. `Err` says why nothing could be read.
pub fn decode_log_file(bytes: &[u8]) -> Result<DecodedLogs, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text ({e})"))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    // A whole-document JSON value (a Loki answer, OTLP, an array) unless the first line is a
    // complete object by itself and more lines follow (NDJSON).
    let first_line = trimmed.lines().next().unwrap_or("");
    let ndjson_like = first_line.len() < trimmed.len()
        && first_line.trim().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(first_line.trim()).is_ok();
    if !ndjson_like && (trimmed.starts_with('{') || trimmed.starts_with('[')) {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(trimmed) {
            return decode_document(&doc, trimmed.as_bytes());
        }
    }
    let mut builder = LogBuilder::default();
    let counts = files::push_lines(trimmed, &mut builder);
    let format = match (counts.json, counts.text) {
        (_, 0) => LogFormat::Ndjson,
        (0, _) => LogFormat::Text,
        _ => LogFormat::Mixed,
    };
    Ok(DecodedLogs { store: builder.finish(), format, notes: count_notes(counts) })
}

fn decode_document(doc: &serde_json::Value, bytes: &[u8]) -> Result<DecodedLogs, String> {
    use serde_json::Value;
    if doc.get("resourceLogs").is_some() {
        let mut builder = LogBuilder::default();
        otlp::decode_otlp_logs(doc, &mut builder)?;
        return Ok(DecodedLogs { store: builder.finish(), format: LogFormat::Otlp, notes: Vec::new() });
    }
    if doc.get("data").and_then(|d| d.get("resultType")).is_some() {
        return match loki::decode_loki(200, bytes).map_err(|e| e.to_string())? {
            loki::LokiAnswer::Streams { store, notes } => Ok(DecodedLogs { store, format: LogFormat::Loki, notes }),
            loki::LokiAnswer::Metric(_) => {
                Err("this is a Loki metric query answer (series, not log lines); open metric answers on the Explore page".into())
            }
        };
    }
    if doc.get("resourceSpans").is_some() || doc.get("batches").is_some() {
        return Err("this is a trace file (spans, not log lines); import it on the Traces page".into());
    }
    let mut builder = LogBuilder::default();
    let (counts, format) = match doc {
        Value::Array(items) => (files::push_array(items, &mut builder), LogFormat::JsonArray),
        Value::Object(_) => {
            let text = String::from_utf8_lossy(bytes);
            (files::push_lines(&text.replace('\n', " "), &mut builder), LogFormat::Ndjson)
        }
        _ => return Err("the file is a single JSON value, not log records".into()),
    };
    Ok(DecodedLogs { store: builder.finish(), format, notes: count_notes(counts) })
}

fn count_notes(c: files::LineCounts) -> Vec<String> {
    let mut notes = Vec::new();
    if c.without_time > 0 {
        notes.push(format!("{} line(s) carry no readable time; they are listed last and left out of the volume chart.", c.without_time));
    }
    if c.blank > 0 {
        notes.push(format!("{} blank line(s) skipped.", c.blank));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn detects_each_format() {
        let d = decode_log_file(&fixture("loki/netobserv-streams-flow-records.json")).unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::Loki, 50));
        let d = decode_log_file(&fixture("otlp/otlp-proto-example-logs.json")).unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::Otlp, 1));
        let d = decode_log_file(b"{\"msg\":\"a\",\"ts\":1}\n{\"msg\":\"b\",\"ts\":2}\n").unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::Ndjson, 2));
        let d = decode_log_file(b"{\n  \"msg\": \"pretty\",\n  \"ts\": 1\n}\n").unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::Ndjson, 1));
        let d = decode_log_file(b"[{\"msg\":\"a\"},{\"msg\":\"b\"}]").unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::JsonArray, 2));
        let d = decode_log_file(b"hello\nworld\n").unwrap();
        assert_eq!((d.format, d.store.len()), (LogFormat::Text, 2));
        assert_eq!(d.notes.len(), 1, "{:?}", d.notes);
        let d = decode_log_file(b"{\"msg\":\"a\"}\nplain\n").unwrap();
        assert_eq!(d.format, LogFormat::Mixed);
    }

    #[test]
    fn refuses_what_is_not_logs_and_says_why() {
        assert!(decode_log_file(b"").unwrap_err().contains("empty"));
        assert!(decode_log_file(&[0xff, 0xfe, 0x00]).unwrap_err().contains("UTF-8"));
        assert!(decode_log_file(&fixture("loki/netobserv-matrix-app.json")).unwrap_err().contains("metric"));
        assert!(decode_log_file(&fixture("otlp/otlp-proto-example-trace.json")).unwrap_err().contains("Traces page"));
        assert!(decode_log_file(b"42").is_ok(), "a bare number is a text line");
    }
}
