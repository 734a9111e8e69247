//! Trace and span identifiers as integers (`u128` trace ids, `u64` span ids), parsed from every
//! spelling the backends use (wire-formats.md §10 rows 3–6):
//! - hex, case-insensitive, possibly with leading zeros stripped (Tempo search) or only 64 bits
//!   wide (Zipkin, old Jaeger clients): left-padded, so `"1"` and `"0000…01"` are the same id;
//! - base64 of the 16/8 id bytes (Tempo `batches`, proto3 JSON mapping), standard or URL-safe
//!   alphabet, with or without `=` padding.
//!
//! Hex text is also valid base64, so the spelling is decided by shape: text containing `=`, `+`,
//! `/`, `-` or `_` is base64; text of hex digits only that fits the id is hex; any other text is
//! tried as base64. An all-zero id means "absent" (OTel `INVALID_SPAN`, E32) and parses as
//! `None`, as does text that is neither spelling. Nothing here panics on any input.

/// Parses a trace id (hex up to 32 digits or base64 of up to 16 bytes). `None` for empty,
/// all-zero or malformed text.
pub fn parse_trace_id(text: &str) -> Option<u128> {
    parse_id(text.trim(), 16).filter(|&id| id != 0)
}

/// Parses a span id (hex up to 16 digits or base64 of up to 8 bytes). `None` for empty,
/// all-zero or malformed text.
pub fn parse_span_id(text: &str) -> Option<u64> {
    parse_id(text.trim(), 8)
        .and_then(|id| u64::try_from(id).ok())
        .filter(|&id| id != 0)
}

/// A trace id as 32 lower-case hex digits (the form every backend accepts in a URL).
pub fn trace_id_hex(id: u128) -> String {
    format!("{id:032x}")
}

/// A span id as 16 lower-case hex digits.
pub fn span_id_hex(id: u64) -> String {
    format!("{id:016x}")
}

fn parse_id(text: &str, max_bytes: usize) -> Option<u128> {
    if text.is_empty() {
        return None;
    }
    let base64_marked = text
        .bytes()
        .any(|b| matches!(b, b'=' | b'+' | b'/' | b'-' | b'_'));
    let all_hex = text.bytes().all(|b| b.is_ascii_hexdigit());
    if !base64_marked && all_hex && text.len() <= max_bytes * 2 {
        return u128::from_str_radix(text, 16).ok();
    }
    let bytes = decode_base64(text)?;
    if bytes.is_empty() || bytes.len() > max_bytes {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b)),
    )
}

/// Decodes standard or URL-safe base64, padding optional. `None` on any other character or an
/// impossible length.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for b in body.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_parse_case_insensitively_and_left_padded() {
        assert_eq!(
            parse_trace_id("5B8EFFF798038103D269B633813FC60C"),
            Some(0x5b8efff798038103d269b633813fc60c)
        );
        assert_eq!(parse_trace_id("1"), Some(1));
        assert_eq!(parse_trace_id("0000000000000001"), Some(1));
        assert_eq!(parse_span_id("eee19b7ec3c1b174"), Some(0xeee19b7ec3c1b174));
        assert_eq!(parse_span_id("ff"), Some(0xff));
    }

    #[test]
    fn base64_ids_parse_to_the_same_integers_as_hex() {
        // W47/95gDgQPSabYzgT/GDA== is base64 of 5b8efff798038103d269b633813fc60c.
        assert_eq!(
            parse_trace_id("W47/95gDgQPSabYzgT/GDA=="),
            Some(0x5b8efff798038103d269b633813fc60c)
        );
        assert_eq!(parse_span_id("7uGbfsPBsXQ="), Some(0xeee19b7ec3c1b174));
        assert_eq!(parse_span_id("7uGbfsPBsXQ"), Some(0xeee19b7ec3c1b174));
    }

    #[test]
    fn zero_empty_and_malformed_ids_are_absent() {
        assert_eq!(parse_trace_id(""), None);
        assert_eq!(parse_trace_id("00000000000000000000000000000000"), None);
        assert_eq!(parse_span_id("0000000000000000"), None);
        assert_eq!(parse_span_id("not an id!"), None);
        assert_eq!(
            parse_span_id("0123456789abcdef01"),
            None,
            "too long for a span id"
        );
        assert_eq!(
            parse_span_id("AAAAAAAAAAAAAAAAAAAAAA=="),
            None,
            "16 bytes is not a span id"
        );
    }

    #[test]
    fn hex_formatting_pads_to_full_width() {
        assert_eq!(trace_id_hex(1), "00000000000000000000000000000001");
        assert_eq!(span_id_hex(0xff), "00000000000000ff");
    }
}
