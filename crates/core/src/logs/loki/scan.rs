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
    // One UTF-8 check of the whole body (fast) instead of one per string.
    let mut c = Cursor::utf8(std::str::from_utf8(body).ok()?);
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

/// A timestamp string as the serde decoder reads it (`trim`, then `i64`), with a quick path
/// for plain digits (Loki's decimal nanoseconds).
#[inline(always)]
fn parse_ns(s: &str) -> Option<i64> {
    let digits = s.as_bytes();
    // Up to 19 digits fit in a u64 without overflow; i64 then decides.
    if (1..=19).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) {
        let v = digits.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        return i64::try_from(v).ok();
    }
    s.trim().parse::<i64>().ok()
}

/// One entry `[ts, line, metadata, …]` (see the module documentation).
#[inline]
fn read_entry(c: &mut Cursor<'_>, state: &mut State) -> Option<()> {
    c.eat(b'[')?;
    let (mut n, mut ts, mut meta) = (0usize, None, Vec::new());
    if c.peek()? != b']' {
        loop {
            match n {
                0 => ts = parse_ns(c.string()?),
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

#[cfg(test)]
mod tests {
    use super::parse_ns;
    use proptest::prelude::*;

    #[test]
    fn timestamps_read_as_the_serde_decoder_reads_them() {
        for s in ["9223372036854775807", "9223372036854775808", "99999999999999999999", "0001", " 7 ", "+6", "-5", "", "1.5", "1e3"] {
            assert_eq!(parse_ns(s), s.trim().parse::<i64>().ok(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn the_quick_path_equals_parse(s in "[0-9]{0,21}|[ +-]?[0-9]{1,20} ?") {
            prop_assert_eq!(parse_ns(&s), s.trim().parse::<i64>().ok());
        }
    }
}
