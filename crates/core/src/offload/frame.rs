//! The byte layer of offload messages: a writer that appends little-endian scalars, UTF-8 strings
//! and whole `f64`/`i64` columns to one `Vec<u8>`, and a reader that takes them back out with a
//! bounds check on every read.
//!
//! Layout: every frame starts with [`MAGIC`] and a one-byte message tag; after that come the
//! message's fields in order. Scalars are fixed-width little-endian; a string or a column is a
//! `u32` count followed by its bytes (`8 × count` for a column). Columns are copied as raw IEEE
//! bits, so NaN payloads and `−0.0` survive a round trip.
//!
//! Contract of [`Reader`]: a truncated frame, a count larger than what is left, invalid UTF-8, a
//! wrong magic or trailing bytes are a [`FrameError`], never a panic, and a count is checked
//! against the remaining bytes before anything is allocated for it. O(frame length).

use std::fmt;

/// The first four bytes of every frame ("Sightline offload", version 1).
pub const MAGIC: [u8; 4] = *b"SLO1";

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The frame does not start with [`MAGIC`] (not an offload frame, or another version).
    BadMagic,
    /// The frame ended inside a field.
    Truncated { field: &'static str },
    /// A tag byte names no known message or variant.
    UnknownTag { field: &'static str, tag: u8 },
    /// A string field holds invalid UTF-8.
    BadUtf8 { field: &'static str },
    /// Bytes were left after the last field.
    TrailingBytes { count: usize },
    /// A field holds a value the message does not allow.
    Invalid { field: &'static str },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::BadMagic => write!(f, "the background worker sent a message in an unknown format"),
            FrameError::Truncated { field } => write!(f, "a background worker message ended early (in {field})"),
            FrameError::UnknownTag { field, tag } => write!(f, "a background worker message has an unknown {field} ({tag})"),
            FrameError::BadUtf8 { field } => write!(f, "a background worker message has invalid text in {field}"),
            FrameError::TrailingBytes { count } => write!(f, "a background worker message has {count} unexpected bytes at its end"),
            FrameError::Invalid { field } => write!(f, "a background worker message has an invalid {field}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Appends fields to a frame.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A frame holding [`MAGIC`] and `tag`, with room for `capacity` more bytes.
    pub fn new(tag: u8, capacity: usize) -> Writer {
        let mut buf = Vec::with_capacity(capacity.saturating_add(MAGIC.len() + 1));
        buf.extend_from_slice(&MAGIC);
        buf.push(tag);
        Writer { buf }
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length (of a string, list or column); lengths above `u32::MAX` are not representable
    /// and are written saturated, which the reader then rejects as truncated.
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A whole `f64` column (count, then raw IEEE bits).
    pub fn f64s(&mut self, col: &[f64]) {
        self.len(col.len());
        self.buf.reserve(col.len() * 8);
        for v in col {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A whole `i64` column.
    pub fn i64s(&mut self, col: &[i64]) {
        self.len(col.len());
        self.buf.reserve(col.len() * 8);
        for v in col {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A whole `u64` column.
    pub fn u64s(&mut self, col: &[u64]) {
        self.len(col.len());
        self.buf.reserve(col.len() * 8);
        for v in col {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A whole `u32` column.
    pub fn u32s(&mut self, col: &[u32]) {
        self.len(col.len());
        self.buf.reserve(col.len() * 4);
        for v in col {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A whole byte column.
    pub fn u8s(&mut self, col: &[u8]) {
        self.len(col.len());
        self.buf.extend_from_slice(col);
    }

    /// The finished frame.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads fields back out of a frame, in the order they were written.
#[derive(Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Checks [`MAGIC`] and returns the message tag and a reader positioned after it.
    pub fn open(frame: &'a [u8]) -> Result<(u8, Reader<'a>), FrameError> {
        let rest = frame.strip_prefix(&MAGIC[..]).ok_or(FrameError::BadMagic)?;
        let (&tag, rest) = rest.split_first().ok_or(FrameError::Truncated { field: "message tag" })?;
        Ok((tag, Reader { rest }))
    }

    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], FrameError> {
        if n > self.rest.len() {
            return Err(FrameError::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], FrameError> {
        self.take(N, field)?.try_into().map_err(|_| FrameError::Truncated { field })
    }

    pub fn u8(&mut self, field: &'static str) -> Result<u8, FrameError> {
        Ok(self.array::<1>(field)?[0])
    }

    pub fn u16(&mut self, field: &'static str) -> Result<u16, FrameError> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    pub fn u32(&mut self, field: &'static str) -> Result<u32, FrameError> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    pub fn i64(&mut self, field: &'static str) -> Result<i64, FrameError> {
        Ok(i64::from_le_bytes(self.array(field)?))
    }

    pub fn f64(&mut self, field: &'static str) -> Result<f64, FrameError> {
        Ok(f64::from_le_bytes(self.array(field)?))
    }

    /// A list length, checked against the bytes left: every item takes at least `min_item_bytes`,
    /// so a count that cannot fit is rejected before a list is allocated for it.
    pub fn count(&mut self, min_item_bytes: usize, field: &'static str) -> Result<usize, FrameError> {
        let n = self.u32(field)? as usize;
        if n.saturating_mul(min_item_bytes.max(1)) > self.rest.len() {
            return Err(FrameError::Truncated { field });
        }
        Ok(n)
    }

    pub fn str(&mut self, field: &'static str) -> Result<String, FrameError> {
        let n = self.u32(field)? as usize;
        let bytes = self.take(n, field)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| FrameError::BadUtf8 { field })
    }

    fn column_bytes(&mut self, field: &'static str) -> Result<&'a [u8], FrameError> {
        let n = self.u32(field)? as usize;
        self.take(n.checked_mul(8).ok_or(FrameError::Truncated { field })?, field)
    }

    /// A whole `f64` column.
    pub fn f64s(&mut self, field: &'static str) -> Result<Vec<f64>, FrameError> {
        let bytes = self.column_bytes(field)?;
        Ok(bytes.chunks_exact(8).map(|c| f64::from_le_bytes(le8(c))).collect())
    }

    /// A whole `i64` column.
    pub fn i64s(&mut self, field: &'static str) -> Result<Vec<i64>, FrameError> {
        let bytes = self.column_bytes(field)?;
        Ok(bytes.chunks_exact(8).map(|c| i64::from_le_bytes(le8(c))).collect())
    }

    /// A whole `u64` column.
    pub fn u64s(&mut self, field: &'static str) -> Result<Vec<u64>, FrameError> {
        let bytes = self.column_bytes(field)?;
        Ok(bytes.chunks_exact(8).map(|c| u64::from_le_bytes(le8(c))).collect())
    }

    /// A whole `u32` column.
    pub fn u32s(&mut self, field: &'static str) -> Result<Vec<u32>, FrameError> {
        let n = self.u32(field)? as usize;
        let bytes = self.take(n.checked_mul(4).ok_or(FrameError::Truncated { field })?, field)?;
        Ok(bytes.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4]))).collect())
    }

    /// A whole byte column.
    pub fn u8s(&mut self, field: &'static str) -> Result<&'a [u8], FrameError> {
        let n = self.u32(field)? as usize;
        self.take(n, field)
    }

    /// Succeeds only when every byte was read.
    pub fn end(self) -> Result<(), FrameError> {
        match self.rest.len() {
            0 => Ok(()),
            count => Err(FrameError::TrailingBytes { count }),
        }
    }
}

/// An 8-byte chunk as an array (`chunks_exact(8)` only yields 8-byte chunks; anything else reads
/// as zero rather than panicking).
#[inline(always)]
fn le8(c: &[u8]) -> [u8; 8] {
    c.try_into().unwrap_or([0; 8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_strings_and_columns_round_trip_bit_for_bit() {
        let mut w = Writer::new(7, 0);
        w.u8(3);
        w.u16(65_535);
        w.u32(123_456);
        w.i64(-5);
        w.f64(-0.0);
        w.str("héllo \"x\"");
        w.f64s(&[1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
        w.i64s(&[i64::MIN, 0, i64::MAX]);
        let frame = w.finish();
        let (tag, mut r) = Reader::open(&frame).unwrap();
        assert_eq!(tag, 7);
        assert_eq!(r.u8("a").unwrap(), 3);
        assert_eq!(r.u16("b").unwrap(), 65_535);
        assert_eq!(r.u32("c").unwrap(), 123_456);
        assert_eq!(r.i64("d").unwrap(), -5);
        assert_eq!(r.f64("e").unwrap().to_bits(), (-0.0f64).to_bits());
        assert_eq!(r.str("f").unwrap(), "héllo \"x\"");
        let col = r.f64s("g").unwrap();
        let bits: Vec<u64> = col.iter().map(|v| v.to_bits()).collect();
        let want: Vec<u64> = [1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0].iter().map(|v| v.to_bits()).collect();
        assert_eq!(bits, want);
        assert_eq!(r.i64s("h").unwrap(), vec![i64::MIN, 0, i64::MAX]);
        r.end().unwrap();
    }

    #[test]
    fn unsigned_and_byte_columns_round_trip_and_reject_short_frames() {
        let mut w = Writer::new(2, 0);
        w.u64s(&[0, u64::MAX, 7]);
        w.u32s(&[u32::MAX, 0, 3]);
        w.u8s(&[1, 2, 255]);
        let frame = w.finish();
        let (_, mut r) = Reader::open(&frame).unwrap();
        assert_eq!(r.u64s("a").unwrap(), vec![0, u64::MAX, 7]);
        assert_eq!(r.u32s("b").unwrap(), vec![u32::MAX, 0, 3]);
        assert_eq!(r.u8s("c").unwrap(), &[1, 2, 255]);
        r.end().unwrap();
        for cut in 5..frame.len() {
            let (_, mut r) = Reader::open(&frame[..cut]).unwrap();
            let all = r.u64s("a").and_then(|_| r.u32s("b")).and_then(|_| r.u8s("c").map(|_| ()));
            assert!(all.is_err(), "a frame cut at {cut} bytes was read");
        }
    }

    #[test]
    fn column_layout_is_count_then_little_endian_bits() {
        let mut w = Writer::new(1, 0);
        w.f64s(&[1.0]);
        let frame = w.finish();
        assert_eq!(&frame[..5], b"SLO1\x01");
        assert_eq!(&frame[5..9], &[1, 0, 0, 0]);
        assert_eq!(&frame[9..], &1.0f64.to_le_bytes());
    }

    #[test]
    fn malformed_frames_are_errors() {
        assert_eq!(Reader::open(b"").unwrap_err(), FrameError::BadMagic);
        assert_eq!(Reader::open(b"SLO2\x01").unwrap_err(), FrameError::BadMagic);
        assert_eq!(Reader::open(b"SLO1").unwrap_err(), FrameError::Truncated { field: "message tag" });
        // A column claiming more values than there are bytes.
        let mut w = Writer::new(1, 0);
        w.u32(1_000_000);
        w.f64(1.0);
        let frame = w.finish();
        let (_, mut r) = Reader::open(&frame).unwrap();
        assert_eq!(r.f64s("values").unwrap_err(), FrameError::Truncated { field: "values" });
        // A huge column count must not overflow or allocate.
        let mut w = Writer::new(1, 0);
        w.u32(u32::MAX);
        let frame = w.finish();
        let (_, mut r) = Reader::open(&frame).unwrap();
        assert!(r.i64s("t").is_err());
        let (_, mut r) = Reader::open(&frame).unwrap();
        assert!(r.count(16, "series").is_err());
        // Invalid UTF-8.
        let mut w = Writer::new(1, 0);
        w.u32(2);
        w.u8(0xff);
        w.u8(0xfe);
        let frame = w.finish();
        let (_, mut r) = Reader::open(&frame).unwrap();
        assert_eq!(r.str("label").unwrap_err(), FrameError::BadUtf8 { field: "label" });
        // Trailing bytes.
        let frame = Writer::new(1, 0).finish();
        let mut with_extra = frame.clone();
        with_extra.push(0);
        let (_, r) = Reader::open(&with_extra).unwrap();
        assert_eq!(r.end().unwrap_err(), FrameError::TrailingBytes { count: 1 });
    }
}
