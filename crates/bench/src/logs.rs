//! JSON-LOKI: a Loki `query_range` answer of log lines (`streams`) decoded into the app's columnar
//! log store — its seeded input, the kernel (exactly the app's call) and the check against an
//! independent reading of the same bytes (serde_json `Value`, sorted newest first).

use std::fmt::Write as _;

use serde_json::Value;
use sightline_core::formats::prometheus::PromError;
use sightline_core::logs::loki::{decode_loki, LokiAnswer};
use sightline_core::logs::LogStore;

use crate::rng::Rng;

/// The workload ids of performance.md §9 (5,000 lines is Loki's default cap; 100k a large page).
pub const LOKI_5K: &str = "JSON-LOKI-5k";
pub const LOKI_100K: &str = "JSON-LOKI-100k";
/// Line counts of the two workloads at full scale.
pub const LOKI_LINES: [(&str, usize); 2] = [(LOKI_5K, 5_000), (LOKI_100K, 100_000)];
/// The seed of both inputs.
pub const SEED_LOKI: u64 = 0x5EED_0006;

const STREAMS: usize = 20;
/// The newest line's time (ns): 2023-11-14T22:13:20Z.
const T0_NS: i64 = 1_700_000_000_000_000_000;

/// A Loki answer body and what it must decode to.
#[derive(Debug, Clone, PartialEq)]
pub struct LokiJson {
    pub body: Vec<u8>,
    pub lines: usize,
    /// Total bytes of the lines' text (unescaped).
    pub text_bytes: usize,
}

/// `lines` logfmt lines (about 170 bytes, a quoted message with escaped quotes in one line of
/// ten) in 20 streams (`app`, `namespace`, `pod`, `level`), round robin, times 1.234567 ms apart,
/// newest first within each stream as Loki sends them.
pub fn loki_json(lines: usize, seed: u64) -> LokiJson {
    let mut rng = Rng::new(seed);
    let mut per_stream: Vec<String> = vec![String::new(); STREAMS];
    let mut text_bytes = 0;
    const LEVELS: [&str; 4] = ["info", "info", "warn", "error"];
    for i in 0..lines {
        let s = i % STREAMS;
        let r = rng.next_u64();
        let ts = T0_NS - (i as i64) * 1_234_567;
        let msg = if r % 10 == 0 { r#"request \"GET /api/v1/items\" failed"# } else { "request completed" };
        let line = format!(
            r#"level={} ts=2023-11-14T22:13:{:02}.{:03}Z caller=handler.go:{} msg="{}" status={} duration_ms={}.{} trace_id={:016x}{:016x}"#,
            LEVELS[s % 4],
            (i / 1000) % 60,
            i % 1000,
            r % 400,
            msg,
            [200, 200, 404, 500][(r >> 8) as usize % 4],
            (r >> 16) % 2000,
            (r >> 32) % 10,
            rng.next_u64(),
            rng.next_u64()
        );
        text_bytes += line.len();
        let out = &mut per_stream[s];
        if !out.is_empty() {
            out.push(',');
        }
        // The line is written as a JSON string (quotes and backslashes escaped).
        let _ = write!(out, "[\"{ts}\",{}]", Value::from(line));
    }
    let mut body = String::with_capacity(lines * 200 + 4096);
    body.push_str(r#"{"status":"success","data":{"resultType":"streams","result":["#);
    for (s, values) in per_stream.iter().enumerate() {
        if s > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"stream":{{"app":"shop","namespace":"prod","pod":"shop-{s:02}","level":"{}"}},"values":[{values}]}}"#,
            LEVELS[s % 4]
        );
    }
    body.push_str(r#"],"stats":{"summary":{"bytesProcessedPerSecond":0,"totalEntriesReturned":0}}}}"#);
    LokiJson { body: body.into_bytes(), lines, text_bytes }
}

/// The kernel: the app's Loki decoder on the whole body.
pub fn loki(body: &[u8]) -> Result<LokiAnswer, PromError> {
    decode_loki(200, body)
}

/// The decoded store vs an independent reading (serde_json `Value`; entries sorted newest first,
/// stable): the same lines, times and stream labels, row by row.
pub fn check_loki(got: &Result<LokiAnswer, PromError>, want: &LokiJson) -> Result<String, String> {
    let store: &LogStore = match got {
        Ok(LokiAnswer::Streams { store, .. }) => store,
        Ok(LokiAnswer::Metric(_)) => return Err("decoded as a metric answer".into()),
        Err(e) => return Err(format!("decode failed: {e}")),
    };
    let doc: Value = serde_json::from_slice(&want.body).map_err(|e| e.to_string())?;
    let mut rows: Vec<(i64, &str, &str)> = Vec::new();
    for stream in doc["data"]["result"].as_array().into_iter().flatten() {
        let pod = stream["stream"]["pod"].as_str().unwrap_or("");
        for v in stream["values"].as_array().into_iter().flatten() {
            let ts = v[0].as_str().and_then(|t| t.parse().ok()).ok_or("bad timestamp in the input")?;
            rows.push((ts, v[1].as_str().unwrap_or(""), pod));
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    if store.len() != want.lines || rows.len() != want.lines || store.text_bytes() != want.text_bytes {
        return Err(format!("{} lines / {} bytes decoded, {} / {} expected", store.len(), store.text_bytes(), want.lines, want.text_bytes));
    }
    for (i, (ts, line, pod)) in rows.iter().enumerate() {
        let same = store.timestamps()[i] == *ts && store.line(i) == *line && store.stream_of(i).and_then(|l| l.get("pod")) == Some(*pod);
        if !same {
            return Err(format!("row {i} differs from the reference"));
        }
    }
    Ok(format!("{} lines ({} bytes of text) equal an independent serde_json reading, newest first", want.lines, want.text_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_input_decodes_and_the_check_notices_a_difference() {
        let j = loki_json(250, SEED_LOKI);
        check_loki(&loki(&j.body), &j).unwrap();
        let mut wrong = j.clone();
        wrong.text_bytes += 1;
        assert!(check_loki(&loki(&j.body), &wrong).is_err());
        assert_eq!(loki_json(250, SEED_LOKI), j, "seeded");
    }
}
