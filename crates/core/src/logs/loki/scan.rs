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

/// A timestamp: a string read as the serde decoder reads it (`trim`, then `i64`; `None` inside
/// when unreadable), with a quick path for 1–19 plain digits (Loki's decimal nanoseconds), read
/// in the same pass as the string.
#[inline(always)]
fn timestamp(c: &mut Cursor<'_>) -> Option<Option<i64>> {
    c.eat(b'"')?;
    let start = c.i;
    // Up to 19 digits fit in a u64 without overflow; i64 then decides. Eight at a time first.
    let mut v = 0u64;
    for _ in 0..2 {
        match c.b.get(c.i..c.i + 8).and_then(|w| w.try_into().ok()).and_then(|w| eight_digits(u64::from_le_bytes(w))) {
            Some(d) => {
                v = v * 100_000_000 + d;
                c.i += 8;
            }
            None => break,
        }
    }
    while let Some(&d @ b'0'..=b'9') = c.b.get(c.i) {
        if c.i - start == 19 {
            break;
        }
        v = v * 10 + u64::from(d - b'0');
        c.i += 1;
    }
    if c.i > start && c.b.get(c.i) == Some(&b'"') {
        c.i += 1;
        return Some(i64::try_from(v).ok());
    }
    c.i = start - 1;
    Some(parse_ns(c.string()?))
}

/// Eight ASCII digits read little-endian (the first digit in the lowest byte) as their value;
/// `None` unless all eight are digits. The multiply-and-shift reduction of simdjson: pairs, then
/// fours, then the eight.
#[inline(always)]
fn eight_digits(w: u64) -> Option<u64> {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // Every byte 0x30–0x3F, and still so after adding 6 (so at most 0x39); no carries cross bytes.
    if w & HIGH_NIBBLES != ZEROS || w.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES != ZEROS {
        return None;
    }
    let v = w - ZEROS;
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    let v = (v & MASK).wrapping_mul(100 + (1_000_000 << 32)).wrapping_add(((v >> 16) & MASK).wrapping_mul(1 + (10_000 << 32)));
    Some(v >> 32)
}

/// What the serde decoder makes of a timestamp string.
fn parse_ns(s: &str) -> Option<i64> {
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
                0 => ts = timestamp(c)?,
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
    use super::*;
    use proptest::prelude::*;

    fn read(s: &str) -> Option<Option<i64>> {
        let json = serde_json::to_string(s).unwrap();
        let mut c = Cursor::utf8(&json);
        let ts = timestamp(&mut c)?;
        c.at_end().then_some(ts)
    }

    #[test]
    fn timestamps_read_as_the_serde_decoder_reads_them() {
        for s in ["9223372036854775807", "9223372036854775808", "99999999999999999999", "0001", " 7 ", "+6", "-5", "", "1.5", "1e3", "12a"]
        {
            assert_eq!(read(s), Some(s.trim().parse::<i64>().ok()), "{s:?}");
        }
        assert_eq!(read("tab\tin"), None, "escaped: left to serde");
    }

    #[test]
    fn eight_digits_at_once() {
        let read = |s: &[u8; 8]| eight_digits(u64::from_le_bytes(*s));
        assert_eq!(read(b"12345678"), Some(12_345_678));
        assert_eq!(read(b"00000000"), Some(0));
        assert_eq!(read(b"99999999"), Some(99_999_999));
        for bad in [b"1234567:", b"/2345678", b"1234 678", b"12345\x0067", b"1234567\xb9"] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn eight_bytes_read_as_digits_exactly(w in any::<[u8; 8]>(), n in 0u64..100_000_000) {
            let want = std::str::from_utf8(&w).ok().filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse().ok());
            prop_assert_eq!(eight_digits(u64::from_le_bytes(w)), want);
            let digits: [u8; 8] = format!("{n:08}").into_bytes().try_into().unwrap();
            prop_assert_eq!(eight_digits(u64::from_le_bytes(digits)), Some(n));
        }

        #[test]
        fn the_quick_path_equals_parse(s in "[0-9]{0,21}|[ +-]?[0-9]{1,20} ?") {
            prop_assert_eq!(read(&s), Some(s.trim().parse::<i64>().ok()));
        }
    }
}
