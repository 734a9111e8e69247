//! Loki `query_range` / `query` answers (wire-formats.md §3): a log query's `streams` go into a
//! [`LogStore`]; a metric query's `matrix` / `vector` is decoded by the Prometheus decoder (the
//! shapes are identical), so the Logs page can chart it.
//!
//! Contract:
//! - One serde pass; each line's text is appended straight into the store's text buffer (no
//!   per-line `String`); stream labels are interned.
//! - Entries are `[ts, line]` or `[ts, line, metadata]`; `metadata` (Loki's structured metadata
//!   and parsed labels, `{"structuredMetadata":{…},"parsed":{…}}` or a flat map) becomes per-line
//!   metadata pairs; extra elements are ignored and counted.
//! - Timestamps are decimal strings of Unix ns (numbers are accepted too); an unreadable one keeps
//!   the line without a time and is counted in a note. Nothing is dropped silently.
//! - `"result": []` or `null` is an empty store (no lines), not an error. Errors (non-2xx, the
//!   error envelope, an undecodable body) are [`PromError`]s with the server's text.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

use super::model::{LogBuilder, LogStore, NO_TIME};
use crate::formats::prometheus::{decode_response, PromError, QueryResponse};
use crate::series::Labels;

/// What a Loki query answered.
#[derive(Debug, Clone, PartialEq)]
pub enum LokiAnswer {
    /// A log query: the lines, and notes about anything unusual in them.
    Streams { store: LogStore, notes: Vec<String> },
    /// A metric query: series or an instant vector, as from Prometheus.
    Metric(QueryResponse),
}

const NOT_STREAMS: &str = "sightline: not a streams result";

/// Decodes a Loki query answer (see the module documentation).
pub fn decode_loki(http_status: u16, body: &[u8]) -> Result<LokiAnswer, PromError> {
    if !(200..300).contains(&http_status) {
        return Err(decode_response(http_status, body).err().unwrap_or(PromError::Http {
            status: http_status,
            body_excerpt: crate::formats::prometheus::error::body_excerpt(body),
        }));
    }
    let mut state = State { builder: LogBuilder::with_capacity(body.len() / 200, body.len() / 2), ..State::default() };
    let mut de = serde_json::Deserializer::from_slice(body);
    let outcome = EnvelopeSeed(&mut state).deserialize(&mut de).and_then(|()| de.end());
    match outcome {
        Ok(()) => {}
        Err(e) if e.to_string().starts_with(NOT_STREAMS) => return decode_response(http_status, body).map(LokiAnswer::Metric),
        Err(e) => {
            // Let the Prometheus decoder phrase envelope errors and bad bodies the same way.
            return Err(decode_response(http_status, body).err().unwrap_or(PromError::Decode { detail: e.to_string() }));
        }
    }
    if state.status.as_deref() == Some("error") || state.result_type.as_deref().is_some_and(|t| t != "streams") {
        return decode_response(http_status, body).map(LokiAnswer::Metric);
    }
    if state.result_type.is_none() {
        return Err(PromError::Decode { detail: "the answer has no data.resultType; it is not a Loki query answer".into() });
    }
    let mut notes = Vec::new();
    if state.bad_ts > 0 {
        notes.push(format!("{} line(s) had an unreadable timestamp; they are kept and shown without a time.", state.bad_ts));
    }
    if state.missing_line > 0 {
        notes.push(format!("{} entr(ies) had no log line; they are kept as empty lines.", state.missing_line));
    }
    if state.extra_elements > 0 {
        notes.push(format!("{} entr(ies) had more than three elements; the extra elements were ignored.", state.extra_elements));
    }
    Ok(LokiAnswer::Streams { store: state.builder.finish(), notes })
}

#[derive(Default)]
struct State {
    builder: LogBuilder,
    status: Option<String>,
    result_type: Option<String>,
    bad_ts: usize,
    missing_line: usize,
    extra_elements: usize,
}

struct EnvelopeSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Loki API answer object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "status" => self.0.status = map.next_value::<Option<String>>()?,
                "data" => map.next_value_seed(DataSeed(self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct DataSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the data object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "resultType" => self.0.result_type = map.next_value::<Option<String>>()?,
                "result" => {
                    if self.0.result_type.as_deref().is_some_and(|t| t != "streams") {
                        return Err(de::Error::custom(NOT_STREAMS));
                    }
                    map.next_value_seed(ResultSeed(self.0))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ResultSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of streams")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(StreamSeed(self.0))?.is_some() {}
        Ok(())
    }
}

struct StreamSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for StreamSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StreamSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a stream object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let first_row = self.0.builder.len();
        let mut labels: Option<Labels> = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "stream" => {
                    let m = map.next_value::<Option<BTreeMap<String, Value>>>()?.unwrap_or_default();
                    labels = Some(Labels(m.into_iter().map(|(k, v)| (k, value_text(v))).collect()));
                }
                "values" => map.next_value_seed(EntriesSeed(self.0))?,
                "metric" => return Err(de::Error::custom(NOT_STREAMS)),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = self.0.builder.stream(labels.unwrap_or_default());
        self.0.builder.set_stream_from(first_row, id);
        Ok(())
    }
}

fn value_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

struct EntriesSeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of [timestamp, line] entries")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(EntrySeed(self.0))?.is_some() {}
        Ok(())
    }
}

struct EntrySeed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a [timestamp, line] entry")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ts = seq.next_element::<TimestampNs>()?.and_then(|t| t.0);
        let has_line = seq.next_element_seed(AppendStr(self.0.builder.text_mut()))?.is_some();
        let meta = seq.next_element::<Option<Value>>()?.flatten().map(metadata_pairs).unwrap_or_default();
        let mut extra = false;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            extra = true;
        }
        self.0.extra_elements += usize::from(extra);
        self.0.missing_line += usize::from(!has_line);
        if ts.is_none() {
            self.0.bad_ts += 1;
        }
        self.0.builder.end_line(ts.unwrap_or(NO_TIME), u32::MAX, None, meta);
        Ok(())
    }
}

/// Structured metadata and parsed labels as flat pairs.
fn metadata_pairs(v: Value) -> Vec<(String, String)> {
    let Value::Object(map) = v else { return Vec::new() };
    let mut out = Vec::new();
    for (k, v) in map {
        match (k.as_str(), v) {
            ("structuredMetadata" | "parsed", Value::Object(inner)) => {
                out.extend(inner.into_iter().map(|(k, v)| (k, value_text(v))));
            }
            (_, v) => out.push((k, value_text(v))),
        }
    }
    out
}

/// A Unix-ns timestamp: decimal string or JSON integer; `None` when unreadable.
struct TimestampNs(Option<i64>);

impl<'de> serde::Deserialize<'de> for TimestampNs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TimestampNs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp in ns")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TimestampNs, E> {
                Ok(TimestampNs(s.trim().parse::<i64>().ok()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<TimestampNs, E> {
                Ok(TimestampNs(Some(n)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<TimestampNs, E> {
                Ok(TimestampNs(i64::try_from(n).ok()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<TimestampNs, E> {
                Ok(TimestampNs(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TimestampNs, E> {
                Ok(TimestampNs(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TimestampNs, E> {
                Ok(TimestampNs(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Appends a JSON string to the text buffer (no intermediate `String` when unescaped); any other
/// JSON value is appended as its JSON text.
struct AppendStr<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for AppendStr<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AppendStr<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log line")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.0.push_str(s);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.0.push_str(&n.to_string());
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        self.0.push_str(&n.to_string());
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        self.0.push_str(&n.to_string());
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.0.push_str(if b { "true" } else { "false" });
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v: Value = serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let v: Value = serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.0.push_str(&v.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::prometheus::ResultData;
    use crate::logs::model::Level;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../../tests/fixtures/loki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn streams(body: &[u8]) -> (LogStore, Vec<String>) {
        match decode_loki(200, body).unwrap() {
            LokiAnswer::Streams { store, notes } => (store, notes),
            other => panic!("not streams: {other:?}"),
        }
    }

    #[test]
    fn captured_flow_records_decode_every_entry_newest_first() {
        let body = fixture("netobserv-streams-flow-records.json");
        let (store, notes) = streams(&body);
        let v: Value = serde_json::from_slice(&body).unwrap();
        let result = v["data"]["result"].as_array().unwrap();
        let expected: usize = result.iter().map(|s| s["values"].as_array().unwrap().len()).sum();
        assert_eq!(expected, 50);
        assert_eq!(store.len(), 50);
        assert_eq!(store.streams().len(), 16);
        assert!(notes.is_empty(), "{notes:?}");
        // Nanosecond precision above 2^53 survives (a JS Number would round it).
        let first = result[0]["values"][0][0].as_str().unwrap().parse::<i64>().unwrap();
        assert_eq!(first, 1708011867120999936);
        assert!(store.timestamps().contains(&first));
        assert!(store.timestamps().windows(2).all(|w| w[0] >= w[1]), "newest first");
        // Every captured line is present verbatim, with its stream's labels.
        let line0 = result[0]["values"][0][1].as_str().unwrap();
        let row = (0..store.len()).find(|&i| store.line(i) == line0).unwrap();
        assert_eq!(store.stream_of(row).unwrap().get("app"), Some("netobserv-flowcollector"));
        assert!(store.levels().iter().all(|&l| l == Level::Unknown), "flow records carry no level");
    }

    #[test]
    fn empty_streams_and_metric_answers() {
        let (store, _) = streams(&fixture("netobserv-streams-empty.json"));
        assert!(store.is_empty());
        match decode_loki(200, &fixture("netobserv-matrix-namespace.json")).unwrap() {
            LokiAnswer::Metric(resp) => match resp.data {
                ResultData::Matrix(series) => {
                    assert_eq!(series.len(), 57);
                    assert_eq!(series.iter().map(|s| s.len()).sum::<usize>(), 350);
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn three_element_entries_keys_in_any_order_and_odd_values() {
        let body = br#"{"data":{"result":[{"values":[["3","c",{"structuredMetadata":{"trace_id":"ab"},"parsed":{"level":"error"}}],["x","bad ts"],["1"],["2","two","m",4]],"stream":{"app":"a"}}],"resultType":"streams"},"status":"success"}"#;
        let (store, notes) = streams(body);
        assert_eq!(store.len(), 4);
        assert_eq!(store.line(0), "c");
        assert_eq!(store.metadata(0), &[("level".into(), "error".into()), ("trace_id".into(), "ab".into())]);
        assert_eq!(store.levels()[0], Level::Error);
        assert_eq!(store.line(1), "two");
        assert_eq!(store.line(2), "");
        assert_eq!(store.line(3), "bad ts");
        assert_eq!(store.timestamps()[3], NO_TIME);
        assert_eq!(store.stream_of(3).unwrap().get("app"), Some("a"), "labels after values still apply");
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn errors_keep_the_servers_text() {
        let e = decode_loki(400, b"parse error at line 1, col 1: syntax error: unexpected IDENTIFIER").unwrap_err();
        assert!(e.to_string().contains("syntax error"), "{e}");
        let e = decode_loki(200, br#"{"status":"error","errorType":"bad_data","error":"bad"}"#).unwrap_err();
        assert!(e.to_string().contains("bad"), "{e}");
        assert!(decode_loki(200, b"{\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"1\",\"x").is_err());
        assert!(decode_loki(200, b"").is_err());
        assert!(decode_loki(200, b"{}").is_err());
    }

    #[test]
    fn truncated_bodies_never_panic() {
        let body = fixture("netobserv-streams-flow-records-sent.json");
        for cut in (0..body.len()).step_by(97) {
            let _ = decode_loki(200, &body[..cut]);
        }
    }
}
