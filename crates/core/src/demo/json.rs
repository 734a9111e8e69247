//! Writing Prometheus HTTP API JSON exactly as Prometheus formats it.
//!
//! Contract: sample timestamps are seconds with the milliseconds written only when non-zero
//! (`1435781451.781`, `1435781430`, `0.500` style as Prometheus' `marshalTimestamp`); sample values
//! are strings: `"NaN"`, `"+Inf"`, `"-Inf"`, or the shortest text that round-trips, never in
//! exponent form (Go's `strconv.FormatFloat(v, 'f', -1, 64)`); label sets are objects with
//! keys in byte order. Strings are escaped as JSON requires.

use std::io::Write;

use crate::series::{InstantSample, Labels, Series};

/// The output buffer: JSON is built as bytes (always valid UTF-8: only `&str` and ASCII go in).
pub(crate) type Out = Vec<u8>;

pub(crate) fn push_str(out: &mut Out, s: &str) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b if b < 0x20 => {
                let _ = write!(out, "\\u{:04x}", b);
            }
            b => out.push(b),
        }
    }
    out.push(b'"');
}

/// A sample value as Prometheus writes it (inside quotes).
pub(crate) fn push_value(out: &mut Out, v: f64) {
    out.push(b'"');
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v == f64::INFINITY {
        out.extend_from_slice(b"+Inf");
    } else if v == f64::NEG_INFINITY {
        out.extend_from_slice(b"-Inf");
    } else if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        // Integers (most demo values: counters, bytes) without the float formatter.
        if v < 0.0 {
            out.push(b'-');
        }
        push_u64(out, v.abs() as u64);
    } else {
        let _ = write!(out, "{v}");
    }
    out.push(b'"');
}

const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n` in decimal. Hot (every timestamp and most values), so it avoids `div`
/// instructions, which the size-optimised release build would otherwise emit: `n / 100` for
/// `n < 2^32` is `(n × 0x51EB851F) >> 37`, exact over that range.
fn push_u64(out: &mut Out, n: u64) {
    match u32::try_from(n) {
        Ok(small) => push_u32(out, small),
        Err(_) => {
            let (high, low) = (n / 100_000_000, (n % 100_000_000) as u32);
            push_u64(out, high);
            // Zero-padded 8 digits.
            let mut buf = [b'0'; 10];
            let start = write_u32(&mut buf, low);
            let digits = buf.len() - start;
            for _ in digits..8 {
                out.push(b'0');
            }
            out.extend_from_slice(buf.get(start..).unwrap_or_default());
        }
    }
}

fn push_u32(out: &mut Out, n: u32) {
    let mut buf = [b'0'; 10];
    let start = write_u32(&mut buf, n);
    out.extend_from_slice(buf.get(start..).unwrap_or_default());
}

/// Writes `n` right-aligned into `buf`; returns where the digits start.
fn write_u32(buf: &mut [u8; 10], mut n: u32) -> usize {
    let mut i = buf.len();
    while n >= 100 {
        let q = ((u64::from(n) * 0x51EB_851F) >> 37) as u32;
        let r = (n - q * 100) as usize;
        n = q;
        i -= 2;
        if let (Some(dst), Some(src)) = (buf.get_mut(i..i + 2), DIGIT_PAIRS.get(r * 2..r * 2 + 2)) {
            dst.copy_from_slice(src);
        }
    }
    if n >= 10 {
        i -= 2;
        let r = n as usize;
        if let (Some(dst), Some(src)) = (buf.get_mut(i..i + 2), DIGIT_PAIRS.get(r * 2..r * 2 + 2)) {
            dst.copy_from_slice(src);
        }
    } else {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + n as u8;
        }
    }
    i
}

/// A timestamp in ms as Prometheus' `marshalTimestamp` writes it.
pub(crate) fn push_ts(out: &mut Out, t_ms: i64) {
    if t_ms < 0 {
        out.push(b'-');
    }
    let abs = t_ms.unsigned_abs();
    push_u64(out, abs / 1000);
    let frac = abs % 1000;
    if frac != 0 {
        out.extend_from_slice(&[
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ]);
    }
}

pub(crate) fn push_labels(out: &mut Out, labels: &Labels) {
    out.push(b'{');
    for (i, (k, v)) in labels.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, k);
        out.push(b':');
        push_str(out, v);
    }
    out.push(b'}');
}

fn push_pair(out: &mut Out, t_ms: i64, v: f64) {
    out.push(b'[');
    push_ts(out, t_ms);
    out.push(b',');
    push_value(out, v);
    out.push(b']');
}

/// `{"status":"success","data":<data>}` around `data`, written by `f`.
pub(crate) fn success(f: impl FnOnce(&mut Out)) -> Vec<u8> {
    let mut out = b"{\"status\":\"success\",\"data\":".to_vec();
    f(&mut out);
    out.push(b'}');
    out
}

/// Prometheus' error envelope.
pub(crate) fn error(error_type: &str, message: &str) -> Vec<u8> {
    let mut out = b"{\"status\":\"error\",\"errorType\":".to_vec();
    push_str(&mut out, error_type);
    out.extend_from_slice(b",\"error\":");
    push_str(&mut out, message);
    out.push(b'}');
    out
}

pub(crate) fn matrix(out: &mut Out, series: &[Series]) {
    let points: usize = series.iter().map(Series::len).sum();
    out.reserve(points.saturating_mul(24).saturating_add(series.len().saturating_mul(160)));
    out.extend_from_slice(b"{\"resultType\":\"matrix\",\"result\":[");
    for (i, s) in series.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"metric\":");
        push_labels(out, &s.labels);
        out.extend_from_slice(b",\"values\":[");
        for (j, (&t, &v)) in s.t_ms.iter().zip(&s.values).enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_pair(out, t, v);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}");
}

pub(crate) fn vector(out: &mut Out, samples: &[InstantSample]) {
    out.extend_from_slice(b"{\"resultType\":\"vector\",\"result\":[");
    for (i, s) in samples.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"metric\":");
        push_labels(out, &s.labels);
        out.extend_from_slice(b",\"value\":");
        push_pair(out, s.t_ms, s.value);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

pub(crate) fn scalar(out: &mut Out, t_ms: i64, v: f64) {
    out.extend_from_slice(b"{\"resultType\":\"scalar\",\"result\":");
    push_pair(out, t_ms, v);
    out.push(b'}');
}

pub(crate) fn string(out: &mut Out, t_ms: i64, s: &str) {
    out.extend_from_slice(b"{\"resultType\":\"string\",\"result\":[");
    push_ts(out, t_ms);
    out.push(b',');
    push_str(out, s);
    out.extend_from_slice(b"]}");
}

pub(crate) fn string_list<'a>(out: &mut Out, items: impl IntoIterator<Item = &'a str>) {
    out.push(b'[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, s);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_values_are_written_as_prometheus_does() {
        let mut s = Out::new();
        for t in [1_435_781_451_781, 1_435_781_430_000, 500, -1_500, 5] {
            push_ts(&mut s, t);
            s.push(b' ');
        }
        assert_eq!(String::from_utf8(s).unwrap(), "1435781451.781 1435781430 0.500 -1.500 0.005 ");
        let mut v = Out::new();
        for x in [1.0, 0.1 + 0.2, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21, 1e-7, -0.0, -3.0, 0.0] {
            push_value(&mut v, x);
        }
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "\"1\"\"0.30000000000000004\"\"NaN\"\"+Inf\"\"-Inf\"\"1000000000000000000000\"\"0.0000001\"\"-0\"\"-3\"\"0\""
        );
    }

    #[test]
    fn strings_are_escaped() {
        let mut s = Out::new();
        push_str(&mut s, "a\"b\\c\nd\u{1}é");
        assert_eq!(String::from_utf8(s).unwrap(), "\"a\\\"b\\\\c\\nd\\u0001é\"");
    }

    #[test]
    fn integers_are_written_exactly() {
        for n in [0u64, 7, 10, 99, 100, 101, 4_294_967_295, 4_294_967_296, 100_000_000, 123_456_789_012_345, u64::MAX] {
            let mut s = Out::new();
            push_u64(&mut s, n);
            assert_eq!(String::from_utf8(s).unwrap(), n.to_string());
        }
        for n in (0..2_000_000u32).step_by(7).chain([u32::MAX, u32::MAX - 1, 999_999_999, 1_000_000_000]) {
            let mut s = Out::new();
            push_u32(&mut s, n);
            assert_eq!(String::from_utf8(s).unwrap(), n.to_string());
        }
    }
}
