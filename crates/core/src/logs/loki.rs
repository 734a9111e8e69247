//! Loki `query_range` / `query` answers (wire-formats.md §3): a log query's `streams` go into a
//! [`LogStore`]; a metric query's `matrix` / `vector` is decoded by the Prometheus decoder (the
//! shapes are identical), so the Logs page can chart it.
//!
//! Contract:
//! - One pass: a byte scanner ([`scan`]) reads the common shape, copying each line's text
//!   (unescaped) straight into the store's text buffer; any other shape goes to the serde decoder
//!   here, which appends the same way and answers identically. Stream labels are interned; each
//!   stream's entries arrive sorted, so ordering is a merge (see [`super::model::order`]).
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

mod scan;

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
    decode_with(http_status, body, true)
}

/// [`decode_loki`], with or without the byte scanner ([`scan`]) tried first: both give the same
/// answer (the tests compare them).
fn decode_with(http_status: u16, body: &[u8], try_scan: bool) -> Result<LokiAnswer, PromError> {
    if !(200..300).contains(&http_status) {
        return Err(decode_response(http_status, body).err().unwrap_or(PromError::Http {
            status: http_status,
            body_excerpt: crate::formats::prometheus::error::body_excerpt(body),
        }));
    }
    let scanned = if try_scan { scan::streams(body) } else { None };
    let state = match scanned {
        Some(state) => state,
        None => match decode_serde(http_status, body)? {
            Some(state) => state,
            None => return decode_response(http_status, body).map(LokiAnswer::Metric),
        },
    };
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

/// The serde decoder: the decoded `streams`, or `None` for an answer the Prometheus decoder
/// reads (a metric query or the error envelope).
fn decode_serde(http_status: u16, body: &[u8]) -> Result<Option<State>, PromError> {
    let mut state = State { builder: LogBuilder::with_capacity(body.len() / 200, body.len() / 2), ..State::default() };
    let mut de = serde_json::Deserializer::from_slice(body);
    let outcome = EnvelopeSeed(&mut state).deserialize(&mut de).and_then(|()| de.end());
    match outcome {
        Ok(()) => {}
        Err(e) if e.to_string().starts_with(NOT_STREAMS) => return Ok(None),
        Err(e) => {
            // Let the Prometheus decoder phrase envelope errors and bad bodies the same way.
            return Err(decode_response(http_status, body).err().unwrap_or(PromError::Decode { detail: e.to_string() }));
        }
    }
    if state.status.as_deref() == Some("error") || state.result_type.as_deref().is_some_and(|t| t != "streams") {
        return Ok(None);
    }
    if state.result_type.is_none() {
        return Err(PromError::Decode { detail: "the answer has no data.resultType; it is not a Loki query answer".into() });
    }
    Ok(Some(state))
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

    /// Both paths on one body: the same answer or the same error.
    fn both(body: &[u8]) -> Result<LokiAnswer, PromError> {
        let scanned = decode_with(200, body, true);
        assert_eq!(scanned, decode_with(200, body, false), "{}", String::from_utf8_lossy(body));
        scanned
    }

    #[test]
    fn the_scanner_equals_serde_on_every_json_fixture() {
        let root = format!("{}/../../tests/fixtures", env!("CARGO_MANIFEST_DIR"));
        let mut streams_read = 0;
        for dir in std::fs::read_dir(&root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let body = std::fs::read(&path).unwrap();
                    let _ = both(&body);
                    if path.to_string_lossy().contains("streams") {
                        assert!(scan::streams(&body).is_some(), "{path:?} takes the scanner");
                        streams_read += 1;
                    }
                }
            }
        }
        assert_eq!(streams_read, 3);
    }

    #[test]
    fn the_scanner_takes_escapes_metadata_odd_entries_and_both_directions() {
        let bodies: [&str; 6] = [
            // Every escape, surrogate pairs, non-ASCII text, labels with escapes.
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"a\"q\"","x":"\u00e9"},"values":[["2","\"q\" \\ \/ \b\f\n\r\t \u0041\u00e9\u20ac\ud83d\ude00 é 😀"],["1",""]]}]}}"#,
            // Metadata (both forms), extra elements, missing lines, odd timestamps, null parts.
            r#"{"data":{"result":[{"values":[["3","c",{"structuredMetadata":{"trace_id":"ab"},"parsed":{"level":"error"}}],["x","bad ts"],["1"],[],["2","two",null,4,[5]],[" 7 ","m",{"k":1.5e3}]],"stream":{"app":"a"}},{"stream":null,"values":null},{"values":[]}],"resultType":"streams","stats":{"a":[1,-2.5e-3,"\n"]}},"status":"success"}"#,
            // Forward direction (oldest first) and an unsorted stream; equal times across streams.
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"s":"1"},"values":[["1","a"],["2","b"],["2","c"],["5","d"]]},{"stream":{"s":"2"},"values":[["5","e"],["1","f"],["3","g"]]},{"stream":{"s":"1"},"values":[["2","h"]]}]}}"#,
            // Empty and null results.
            r#"{"status":"success","data":{"resultType":"streams","result":[]}}"#,
            r#" {"status":"success","data":{"result":null,"resultType":"streams"}} "#,
            // Timestamps beyond i64 and with signs.
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["9223372036854775808","big"],["-5","neg"],["+6","plus"],["1.5","frac"]]}]}}"#,
        ];
        for body in bodies {
            assert!(scan::streams(body.as_bytes()).is_some(), "scanned: {body}");
            assert!(matches!(both(body.as_bytes()), Ok(LokiAnswer::Streams { .. })), "{body}");
        }
        let (store, _) = streams(bodies[0].as_bytes());
        assert_eq!(store.line(0), "\"q\" \\ / \u{8}\u{c}\n\r\t Aé€😀 é 😀");
        assert_eq!(store.stream_of(0).unwrap().get("app"), Some("a\"q\""));
        let (store, notes) = streams(bodies[2].as_bytes());
        let lines: Vec<&str> = (0..store.len()).map(|i| store.line(i)).collect();
        assert_eq!(lines, ["d", "e", "g", "b", "c", "h", "a", "f"]);
        assert!(notes.is_empty());
    }

    #[test]
    fn shapes_the_scanner_leaves_to_serde_decode_as_before() {
        for body in [
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[[1,"number ts"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["1",42]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"n":1},"values":[]}]}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["1","a"]],"values":[["2","b"]]}]}}"#,
            r#"{"status":"success","status":"success","data":{"resultType":"streams","result":[]}}"#,
            r#"{"status":"error","errorType":"bad_data","error":"bad"}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}"#,
            r#"{"status":"success","data":{"result":[{"metric":{},"values":[[1,"1"]]}],"resultType":"matrix"}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[]}} x"#,
            r#"{"status":"success","data":null}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["1","\ud800"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[["1","a\x"]]}]}}"#,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"1\",\"tab\there\"]]}]}}",
        ] {
            assert!(scan::streams(body.as_bytes()).is_none(), "left to serde: {body}");
            let _ = both(body.as_bytes());
        }
        assert!(scan::streams(b"{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"1\",\"\xff\"]]}]}}").is_none());
    }

    mod random {
        use super::*;
        use proptest::prelude::*;
        use serde_json::json;

        /// A `streams` answer serialised by serde_json from random streams: any text (escapes,
        /// non-ASCII, control characters), 2- or 3-element entries, sorted or not.
        fn body() -> impl Strategy<Value = String> {
            let text = prop_oneof![
                3 => "[ -~]{0,40}",
                1 => "\\PC{0,12}",
                1 => "[\\x00-\\x1f\"\\\\/]{0,6}",
            ];
            let ts = prop_oneof![
                8 => (0i64..1_000).prop_map(|t| (1_700_000_000_000_000_000 + t).to_string()),
                1 => Just("x".to_string()),
                1 => (0i64..5).prop_map(|t| t.to_string()),
            ];
            let meta = prop_oneof![
                3 => Just(None),
                1 => ("[a-z]{1,4}", text.clone()).prop_map(|(k, v)| Some(json!({"structuredMetadata": {k: v}}))),
                1 => Just(Some(json!({"level": "warn", "n": 1}))),
            ];
            let entry = (ts, text.clone(), meta).prop_map(|(t, l, m)| match m {
                Some(m) => json!([t, l, m]),
                None => json!([t, l]),
            });
            let labels = prop::collection::btree_map("[a-z_]{1,5}", text, 0..3);
            let stream = (labels, prop::collection::vec(entry, 0..12), 0u8..3).prop_map(|(l, mut v, how)| {
                let key = |e: &serde_json::Value| e[0].as_str().unwrap_or("").to_string();
                match how {
                    0 => v.sort_by_key(|e| std::cmp::Reverse(key(e))),
                    1 => v.sort_by_key(key),
                    _ => {}
                }
                json!({"stream": l, "values": v})
            });
            (prop::collection::vec(stream, 0..6), any::<bool>()).prop_map(|(streams, pretty)| {
                let doc = json!({"status": "success", "data": {"resultType": "streams", "result": streams, "stats": {"x": 1.5}}});
                if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            #[test]
            fn random_answers_decode_identically_through_both_paths(body in body()) {
                prop_assert!(scan::streams(body.as_bytes()).is_some(), "{}", body);
                prop_assert!(matches!(both(body.as_bytes()), Ok(LokiAnswer::Streams { .. })), "streams");
            }

            #[test]
            fn truncated_or_damaged_bodies_are_errors_or_equal_never_panics(body in body(), cut in 0.0f64..1.0, pos in 0.0f64..1.0, byte in any::<u8>()) {
                let bytes = body.as_bytes();
                let end = ((bytes.len() as f64) * cut) as usize;
                let truncated = &bytes[..end.min(bytes.len().saturating_sub(1))];
                prop_assert!(scan::streams(truncated).is_none());
                prop_assert!(both(truncated).is_err());
                let mut damaged = bytes.to_vec();
                let at = ((damaged.len() as f64) * pos) as usize;
                if let Some(b) = damaged.get_mut(at) {
                    *b = byte;
                }
                let _ = both(&damaged);
            }
        }
    }
}
