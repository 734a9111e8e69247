//! OTLP/JSON logs (`{"resourceLogs":[{"resource":…,"scopeLogs":[{"scope":…,"logRecords":[…]}]}]}`,
//! also the older `instrumentationLibraryLogs`) into a [`LogStore`].
//!
//! Per record: time = `timeUnixNano`, else `observedTimeUnixNano` (both decimal strings or
//! numbers; `0`/absent means none); the line = the body (a string body as is, any other value
//! as compact JSON of its plain value); the stream = the resource attributes; metadata = the
//! record attributes (nested values as JSON text), `scope`, `traceId`, `spanId` (when not empty)
//! and `severity_text`; the level = `severityNumber` by OTLP's ranges, else `severityText`.

use serde_json::{Map, Value};

use super::level;
use super::model::{LogBuilder, LogStore, NO_TIME};
use crate::series::Labels;

/// Decodes an OTLP/JSON logs document. `Err` when it has no `resourceLogs` array.
pub fn decode_otlp_logs(doc: &Value, builder: &mut LogBuilder) -> Result<(), String> {
    let resources = doc
        .get("resourceLogs")
        .and_then(Value::as_array)
        .ok_or_else(|| "no resourceLogs array".to_string())?;
    for rl in resources {
        let labels = Labels(attributes(rl.get("resource").and_then(|r| r.get("attributes"))).into_iter().collect());
        let stream = builder.stream(labels);
        let scopes = rl.get("scopeLogs").or_else(|| rl.get("instrumentationLibraryLogs")).and_then(Value::as_array);
        for sl in scopes.into_iter().flatten() {
            let scope = sl
                .get("scope")
                .or_else(|| sl.get("instrumentationLibrary"))
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            for rec in sl.get("logRecords").and_then(Value::as_array).into_iter().flatten() {
                push_record(rec, scope, stream, builder);
            }
        }
    }
    Ok(())
}

/// [`decode_otlp_logs`] into a fresh store.
pub fn otlp_logs_store(doc: &Value) -> Result<LogStore, String> {
    let mut b = LogBuilder::default();
    decode_otlp_logs(doc, &mut b)?;
    Ok(b.finish())
}

fn push_record(rec: &Value, scope: Option<&str>, stream: u32, builder: &mut LogBuilder) {
    let time = nanos(rec.get("timeUnixNano")).or_else(|| nanos(rec.get("observedTimeUnixNano"))).unwrap_or(NO_TIME);
    let mut meta = attributes(rec.get("attributes"));
    if let Some(s) = scope {
        meta.push(("scope".into(), s.to_string()));
    }
    for (key, name) in [("traceId", "traceId"), ("spanId", "spanId")] {
        if let Some(id) = rec.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()) {
            meta.push((name.into(), id.to_ascii_lowercase()));
        }
    }
    let text = rec.get("severityText").and_then(Value::as_str).filter(|s| !s.is_empty());
    if let Some(t) = text {
        meta.push(("severity_text".into(), t.to_string()));
    }
    let number = rec.get("severityNumber").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
    let lvl = number.and_then(level::from_otlp_severity).or_else(|| text.and_then(level::parse));
    let body = rec.get("body").map(any_value).unwrap_or(Value::Null);
    let line = match body {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    builder.push(time, &line, stream, lvl, meta);
}

fn nanos(v: Option<&Value>) -> Option<i64> {
    let n = match v? {
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        Value::Number(n) => n.as_i64()?,
        _ => return None,
    };
    (n != 0).then_some(n)
}

/// Attributes (`[{"key":…,"value":{…}}]`) as text pairs.
fn attributes(v: Option<&Value>) -> Vec<(String, String)> {
    let Some(list) = v.and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .filter_map(|kv| {
            let key = kv.get("key")?.as_str()?.to_string();
            let value = match kv.get("value").map(any_value).unwrap_or(Value::Null) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            Some((key, value))
        })
        .collect()
}

/// An OTLP `AnyValue` as a plain JSON value (`{"stringValue":"x"}` → `"x"`; arrays and kvlists
/// converted element by element). Iterative: nesting depth is bounded by the JSON parser only.
pub fn any_value(v: &Value) -> Value {
    enum Frame<'a> {
        Array(std::slice::Iter<'a, Value>, Vec<Value>),
        Kv(std::slice::Iter<'a, Value>, Map<String, Value>, Option<String>),
    }
    // Converts scalars directly; containers are walked with an explicit stack.
    fn scalar(v: &Value) -> Result<Value, &Value> {
        let Some(obj) = v.as_object() else { return Ok(v.clone()) };
        if let Some(s) = obj.get("stringValue") {
            return Ok(s.clone());
        }
        if let Some(b) = obj.get("boolValue") {
            return Ok(b.clone());
        }
        if let Some(i) = obj.get("intValue") {
            return Ok(match i {
                Value::String(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| i.clone()),
                other => other.clone(),
            });
        }
        if let Some(d) = obj.get("doubleValue") {
            return Ok(d.clone());
        }
        if let Some(b) = obj.get("bytesValue") {
            return Ok(b.clone());
        }
        if obj.contains_key("arrayValue") || obj.contains_key("kvlistValue") {
            return Err(v);
        }
        Ok(Value::Null)
    }
    let start = match scalar(v) {
        Ok(x) => return x,
        Err(c) => c,
    };
    fn open(c: &Value) -> Frame<'_> {
        if let Some(a) = c.get("arrayValue") {
            let it = a.get("values").and_then(Value::as_array).map(|x| x.iter()).unwrap_or_default();
            Frame::Array(it, Vec::new())
        } else {
            let it = c
                .get("kvlistValue")
                .and_then(|k| k.get("values"))
                .and_then(Value::as_array)
                .map(|x| x.iter())
                .unwrap_or_default();
            Frame::Kv(it, Map::new(), None)
        }
    }
    let mut stack = vec![open(start)];
    loop {
        let Some(top) = stack.last_mut() else { return Value::Null };
        let next = match top {
            Frame::Array(it, _) => it.next().map(|x| (None, x)),
            Frame::Kv(it, _, pending) => it.next().map(|kv| {
                *pending = kv.get("key").and_then(Value::as_str).map(str::to_string);
                (pending.clone(), kv.get("value").unwrap_or(&Value::Null))
            }),
        };
        let done_value = match next {
            Some((_, child)) => match scalar(child) {
                Ok(x) => Some(x),
                Err(c) => {
                    stack.push(open(c));
                    None
                }
            },
            None => {
                let finished = stack.pop().map(|f| match f {
                    Frame::Array(_, out) => Value::Array(out),
                    Frame::Kv(_, out, _) => Value::Object(out),
                });
                match (finished, stack.is_empty()) {
                    (Some(v), true) => return v,
                    (v, _) => v,
                }
            }
        };
        if let Some(val) = done_value {
            match stack.last_mut() {
                Some(Frame::Array(_, out)) => out.push(val),
                Some(Frame::Kv(_, out, pending)) => {
                    if let Some(k) = pending.take() {
                        out.insert(k, val);
                    }
                }
                None => return val,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::model::Level;

    fn fixture(name: &str) -> Value {
        let p = format!("{}/../../tests/fixtures/otlp/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    }

    #[test]
    fn official_example_record() {
        let s = otlp_logs_store(&fixture("otlp-proto-example-logs.json")).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.line(0), "Example log record");
        assert_eq!(s.timestamps()[0], 1544712660300000000);
        assert_eq!(s.levels()[0], Level::Info);
        assert_eq!(s.stream_of(0).unwrap().get("service.name"), Some("my.service"));
        let meta = s.metadata(0);
        let get = |k: &str| meta.iter().find(|(mk, _)| mk == k).map(|(_, v)| v.as_str());
        assert_eq!(get("int.attribute"), Some("10"));
        assert_eq!(get("boolean.attribute"), Some("true"));
        assert_eq!(get("double.attribute"), Some("637.704"));
        assert_eq!(get("array.attribute"), Some(r#"["many","values"]"#));
        assert_eq!(get("map.attribute"), Some(r#"{"some.map.key":"some value"}"#));
        assert_eq!(get("traceId"), Some("5b8efff798038103d269b633813fc60c"));
        assert_eq!(get("scope"), Some("my.library"));
        assert_eq!(
            crate::logs::fields::trace_id(s.line(0), meta).as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
    }

    #[test]
    fn collector_export_uses_observed_time_and_skips_empty_ids() {
        let s = otlp_logs_store(&fixture("collector-fileexport-logs.json")).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.timestamps()[0], 1715753202587469939);
        assert_eq!(s.line(0), "hello from banana. My price is 2.99.");
        assert!(s.metadata(0).iter().all(|(k, _)| k != "traceId"));
        assert_eq!(s.levels()[0], Level::Info);
    }

    #[test]
    fn nested_any_values_and_odd_records() {
        let deep = (0..500).fold(serde_json::json!({"stringValue": "leaf"}), |acc, _| {
            serde_json::json!({"arrayValue": {"values": [acc]}})
        });
        let mut v = any_value(&deep);
        for _ in 0..500 {
            v = v.as_array().and_then(|a| a.first()).cloned().unwrap();
        }
        assert_eq!(v, Value::from("leaf"));
        let doc = serde_json::json!({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"3"}}]}},"severityText":"WARN"}, {}]}]}]});
        let s = otlp_logs_store(&doc).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.line(0), r#"{"a":3}"#);
        assert_eq!(s.levels()[0], Level::Warn);
        assert_eq!(s.timestamps()[0], NO_TIME);
        assert!(otlp_logs_store(&serde_json::json!({"x":1})).is_err());
    }
}
