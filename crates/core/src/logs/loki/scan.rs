//! The byte scanner for a Loki `streams` answer: one pass over the body, each line's text
//! unescaped straight into the store's text buffer, no serde visitor per entry.
//!
//! Contract: [`streams`] returns exactly what the serde decoder (the parent module) returns for
//! the same body, or `None` and leaves the body to it. It accepts a strict subset of JSON
//! ([`crate::formats::json_cursor`]):
//! - a top-level object with `status` (a string other than `"error"`), `data` and any other keys
//!   (skipped); `data` holds `resultType: "streams"` and `result` (a list or `null`), plus any
//!   other keys; no key of ours twice, no escaped key;
//! - each stream an object with `stream` (an object of string labels, or `null`) and `values`
//!   (a list or `null`), plus other keys; not `metric`;
//! - each entry a list `[ts, line, metadata, …]` of any length: `ts` a string without escapes
//!   (read as the serde decoder reads it; unreadable → the line is kept without a time), `line` a
//!   string (every escape decoded), `metadata` any JSON value (read by serde_json into the same
//!   pairs), further elements skipped and counted.
//!
//! Anything else — the error envelope, metric answers, non-string lines or timestamps, invalid
//! JSON, trailing bytes — returns `None` (at the cost of the bytes scanned so far), so every
//! message stays the serde decoder's.

use std::collections::BTreeMap;

use super::{metadata_pairs, State};
use crate::formats::json_cursor::Cursor;
use crate::logs::model::{LogBuilder, NO_TIME};
use crate::series::Labels;

/// Decodes a `streams` answer into the decoder's state, or `None` when serde must handle it.
pub(super) fn streams(body: &[u8]) -> Option<State> {
    // Lines are at most as long as the body; reserving it all avoids regrowing a large buffer.
    let mut state = State { builder: LogBuilder::with_capacity(body.len() / 160, body.len()), ..State::default() };
    let mut c = Cursor::new(body);
    let (mut status, mut data) = (false, false);
    c.object(|c, key| match key {
        "status" if !status => {
            status = true;
            (c.string()? != "error").then_some(())
        }
        "data" if !data => {
            data = true;
            read_data(c, &mut state)
        }
        "status" | "data" => None,
        _ => c.skip_value().map(drop),
    })?;
    (data && c.at_end()).then_some(state)
}

/// `data`: `resultType` must be `streams`; `result` a list of streams.
fn read_data(c: &mut Cursor<'_>, state: &mut State) -> Option<()> {
    let (mut is_streams, mut result) = (None, false);
    c.object(|c, key| match key {
        "resultType" if is_streams.is_none() => {
            is_streams = Some(c.string()? == "streams");
            Some(())
        }
        "result" if !result => {
            result = true;
            if c.literal(b"null") {
                return Some(());
            }
            c.list(|c| read_stream(c, state))
        }
        "resultType" | "result" => None,
        _ => c.skip_value().map(drop),
    })?;
    state.result_type = Some("streams".into());
    is_streams?.then_some(())
}

/// One stream object; its lines get the stream's labels wherever `stream` comes.
fn read_stream(c: &mut Cursor<'_>, state: &mut State) -> Option<()> {
    let first_row = state.builder.len();
    let (mut labels, mut values) = (None, false);
    c.object(|c, key| match key {
        "stream" if labels.is_none() => {
            labels = Some(read_labels(c)?);
            Some(())
        }
        "values" if !values => {
            values = true;
            if c.literal(b"null") {
                return Some(());
            }
            c.list(|c| read_entry(c, state))
        }
        "stream" | "values" | "metric" => None,
        _ => c.skip_value().map(drop),
    })?;
    let id = state.builder.stream(labels.unwrap_or_default());
    state.builder.set_stream_from(first_row, id);
    Some(())
}

/// `{"name": "value", …}` or `null`; a repeated name keeps its last value, as serde's map does.
fn read_labels(c: &mut Cursor<'_>) -> Option<Labels> {
    let mut map = BTreeMap::new();
    if c.literal(b"null") {
        return Some(Labels(map));
    }
    c.object(|c, name| {
        let mut value = String::new();
        c.string_into(&mut value)?;
        map.insert(name.to_string(), value);
        Some(())
    })?;
    Some(Labels(map))
}

/// One entry `[ts, line, metadata, …]` (see the module documentation).
#[inline]
fn read_entry(c: &mut Cursor<'_>, state: &mut State) -> Option<()> {
    c.eat(b'[')?;
    let (mut n, mut ts, mut meta) = (0usize, None, Vec::new());
    if c.peek()? != b']' {
        loop {
            match n {
                0 => ts = c.string()?.trim().parse::<i64>().ok(),
                1 => c.string_into(state.builder.text_mut())?,
                2 => {
                    let value = serde_json::from_slice::<Option<serde_json::Value>>(c.skip_value()?).ok()?;
                    meta = value.map(metadata_pairs).unwrap_or_default();
                }
                _ => c.skip_value().map(drop)?,
            }
            n += 1;
            match c.peek()? {
                b',' => c.i += 1,
                b']' => break,
                _ => return None,
            }
        }
    }
    c.i += 1;
    state.extra_elements += usize::from(n > 3);
    state.missing_line += usize::from(n < 2);
    state.bad_ts += usize::from(ts.is_none());
    state.builder.end_line(ts.unwrap_or(NO_TIME), u32::MAX, None, meta);
    Some(())
}
