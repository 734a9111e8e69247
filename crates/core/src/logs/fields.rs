//! Fields of one log line, extracted on demand: a JSON object line's keys (sorted by name; nested
//! objects flattened with `_`, as LogQL's `| json` does; arrays kept as JSON text), or logfmt
//! `key=value` / `key="quoted value"` pairs. Also the line's message (for patterns) and the trace
//! id it carries (for the link to the trace). Iterative (an explicit stack), so deeply nested
//! input cannot overflow the stack; serde_json's own depth limit bounds the parse.

use serde_json::{Map, Value};

/// How a line's fields were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSyntax {
    Json,
    Logfmt,
    /// Neither: the line is plain text.
    Text,
}

impl FieldSyntax {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldSyntax::Json => "JSON",
            FieldSyntax::Logfmt => "logfmt",
            FieldSyntax::Text => "text",
        }
    }
}

/// The fields of `line`: logfmt pairs in the line's order, JSON keys sorted by name (flattened).
pub fn extract(line: &str) -> (FieldSyntax, Vec<(String, String)>) {
    let t = line.trim();
    if t.starts_with('{') {
        if let Ok(map) = serde_json::from_str::<Map<String, Value>>(t) {
            return (FieldSyntax::Json, flatten(map));
        }
    }
    let pairs = logfmt(t);
    if pairs.len() >= 2 {
        (FieldSyntax::Logfmt, pairs)
    } else {
        (FieldSyntax::Text, Vec::new())
    }
}

/// Flattens a JSON object: `{"a":{"b":1}}` → `a_b = 1`; strings unquoted, other scalars as JSON
/// text, arrays as compact JSON.
pub fn flatten(map: Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // (prefix, remaining entries) frames; entries are consumed front to back.
    let mut stack: Vec<(String, std::vec::IntoIter<(String, Value)>)> =
        vec![(String::new(), map.into_iter().collect::<Vec<_>>().into_iter())];
    while let Some((prefix, mut rest)) = stack.pop() {
        let Some((k, v)) = rest.next() else { continue };
        let key = if prefix.is_empty() { k } else { format!("{prefix}_{k}") };
        stack.push((prefix, rest));
        match v {
            Value::Object(inner) => stack.push((key, inner.into_iter().collect::<Vec<_>>().into_iter())),
            Value::String(s) => out.push((key, s)),
            other => out.push((key, other.to_string())),
        }
    }
    out
}

/// logfmt pairs of `line` (words without `=` are skipped; a quoted value may hold spaces and
/// `\"`).
pub fn logfmt(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let key_start = i;
        while i < b.len() && b[i] != b'=' && b[i] != b' ' {
            i += 1;
        }
        if i >= b.len() || b[i] == b' ' {
            continue; // a bare word
        }
        let key = &line[key_start..i];
        i += 1; // '='
        let value = if i < b.len() && b[i] == b'"' {
            i += 1;
            let mut v = String::new();
            let mut seg = i;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    v.push_str(line.get(seg..i).unwrap_or(""));
                    let c = line.get(i + 1..).and_then(|r| r.chars().next()).unwrap_or('\\');
                    v.push(c);
                    i += 1 + c.len_utf8();
                    seg = i;
                } else {
                    i += 1;
                }
            }
            v.push_str(line.get(seg..i.min(b.len())).unwrap_or(""));
            i += 1; // closing quote
            v
        } else {
            let start = i;
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
            line[start..i].to_string()
        };
        if !key.is_empty() {
            out.push((key.to_string(), value));
        }
    }
    out
}

/// The first of `keys` that is a logfmt key of `line`, with its value.
pub fn logfmt_value(line: &str, keys: &[&str]) -> Option<String> {
    if !line.contains('=') {
        return None;
    }
    let pairs = logfmt(line);
    keys.iter().find_map(|k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()))
}

/// The first of `keys` that is a top-level string field of a JSON object line. Cheap when no key
/// occurs in the text at all (no parse).
pub fn json_top_string(line: &str, keys: &[&str]) -> Option<String> {
    if !keys.iter().any(|k| line.contains(k)) {
        return None;
    }
    let map: Map<String, Value> = serde_json::from_str(line.trim()).ok()?;
    keys.iter().find_map(|k| map.get(*k).and_then(Value::as_str).map(str::to_string))
}

const MESSAGE_KEYS: [&str; 5] = ["message", "msg", "body", "log", "text"];

/// The message part of a line: a JSON or logfmt `message`/`msg`/`body`/`log` field when there is
/// one, else the whole line.
pub fn message(line: &str) -> std::borrow::Cow<'_, str> {
    let t = line.trim();
    if t.starts_with('{') {
        if let Some(m) = json_top_string(t, &MESSAGE_KEYS) {
            return m.into();
        }
    } else if let Some(m) = logfmt_value(t, &MESSAGE_KEYS) {
        return m.into();
    }
    t.into()
}

const TRACE_KEYS: [&str; 6] = ["trace_id", "traceId", "traceID", "trace.id", "traceid", "otelTraceID"];

/// The trace id a line carries (metadata, JSON field or logfmt pair named like `trace_id`), as
/// lower-case hex, if it is 16 or 32 hex digits and not all zeros.
pub fn trace_id(line: &str, meta: &[(String, String)]) -> Option<String> {
    let from_meta = meta.iter().find(|(k, _)| TRACE_KEYS.contains(&k.as_str())).map(|(_, v)| v.clone());
    let found = from_meta.or_else(|| {
        let t = line.trim();
        if t.starts_with('{') {
            json_top_string(t, &TRACE_KEYS)
        } else {
            logfmt_value(t, &TRACE_KEYS)
        }
    })?;
    let id = found.trim().to_ascii_lowercase();
    let ok = (id.len() == 16 || id.len() == 32)
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && id.bytes().any(|b| b != b'0');
    ok.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
        v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn json_lines_flatten_nested_objects_in_order() {
        let (syntax, f) = extract(r#"{"level":"info","http":{"status":200,"path":"/x"},"tags":["a"],"ok":true}"#);
        assert_eq!(syntax, FieldSyntax::Json);
        assert_eq!(
            pairs(&f),
            [("http_path", "/x"), ("http_status", "200"), ("level", "info"), ("ok", "true"), ("tags", "[\"a\"]")]
        );
    }

    #[test]
    fn logfmt_handles_quotes_escapes_and_bare_words() {
        let (syntax, f) = extract(r#"ts=2024-01-01T00:00:00Z level=warn msg="disk \"sda\" low" bare code=7"#);
        assert_eq!(syntax, FieldSyntax::Logfmt);
        assert_eq!(pairs(&f), [("ts", "2024-01-01T00:00:00Z"), ("level", "warn"), ("msg", "disk \"sda\" low"), ("code", "7")]);
        assert_eq!(extract("just text").0, FieldSyntax::Text);
        assert_eq!(pairs(&logfmt(r#"a="unterminated"#)), [("a", "unterminated")]);
        assert_eq!(pairs(&logfmt("=x a= b")), [("a", "")]);
    }

    #[test]
    fn message_and_trace_id() {
        assert_eq!(message(r#"{"message":"user 1 in","level":"info"}"#), "user 1 in");
        assert_eq!(message(r#"level=info msg="user 2 in""#), "user 2 in");
        assert_eq!(message("  plain line "), "plain line");
        let id = "5B8EFFF798038103D269B633813FC60C";
        assert_eq!(trace_id("x", &[("traceId".into(), id.into())]).as_deref(), Some("5b8efff798038103d269b633813fc60c"));
        assert_eq!(trace_id(&format!(r#"{{"trace_id":"{id}"}}"#), &[]).as_deref(), Some("5b8efff798038103d269b633813fc60c"));
        assert_eq!(trace_id("level=info traceID=00f067aa0ba902b7 msg=x", &[]).as_deref(), Some("00f067aa0ba902b7"));
        assert_eq!(trace_id("trace_id=0000000000000000", &[]), None, "all zeros");
        assert_eq!(trace_id("trace_id=xyz", &[]), None);
        assert_eq!(trace_id("", &[("traceId".into(), String::new())]), None);
    }

    #[test]
    fn deep_json_does_not_overflow() {
        let deep = format!("{}{}", "{\"a\":".repeat(5000), "1".to_string() + &"}".repeat(5000));
        let _ = extract(&deep);
        let ok = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
        let (syntax, f) = extract(&ok);
        assert_eq!(syntax, FieldSyntax::Json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0.len(), 100 + 99);
    }
}
