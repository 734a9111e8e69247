//! A strict JSON byte cursor for the decoders' fast paths (the Prometheus `query_range` matrix,
//! the Loki `streams` answer): one pass over the body, no tree, no per-element visitor.
//!
//! Contract: every method returns `None` at anything it does not accept, and the caller then
//! leaves the whole body to its serde decoder, so the cursor may be stricter than JSON but never
//! looser. What it accepts:
//! - whitespace: space, tab, CR, LF (as serde_json);
//! - object keys: strings without escapes or control characters;
//! - [`Cursor::string`]: a string without escapes; [`Cursor::string_into`] unescapes every JSON
//!   escape exactly (`\uXXXX` incl. surrogate pairs; a lone surrogate, an unknown escape, a raw
//!   control character or invalid UTF-8 is `None`);
//! - [`Cursor::skip_value`]: any JSON value, checked as strictly as serde_json checks it, without
//!   recursion (nesting deeper than [`MAX_DEPTH`] is `None`).

/// Deepest nesting skipped in an unknown value.
pub(crate) const MAX_DEPTH: usize = 64;

/// A position in a JSON body.
pub(crate) struct Cursor<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) i: usize,
    /// The body as text when it was checked to be UTF-8 up front (one fast pass), so strings
    /// are sliced from it without checking each again.
    text: Option<&'a str>,
}

/// Eight copies of a byte.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}
const LO: u64 = splat(0x01);
const HI: u64 = splat(0x80);

/// True when one of the eight bytes of `w` is `"`, `\` or a control character (< 0x20): the
/// word-at-a-time zero-byte test (exact as a yes/no answer, whatever the byte order).
#[inline(always)]
fn has_special(w: u64) -> bool {
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let below_space = w.wrapping_sub(splat(0x20)) & !w & HI;
    (zero(w ^ splat(b'"')) | zero(w ^ splat(b'\\')) | below_space) != 0
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `b`.
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Cursor { b, i: 0, text: None }
    }

    /// A cursor at the start of a body already known to be UTF-8.
    pub(crate) fn utf8(text: &'a str) -> Self {
        Cursor { b: text.as_bytes(), i: 0, text: Some(text) }
    }

    /// The text of `start..end`; `None` when it is not UTF-8 (or not on character boundaries).
    #[inline(always)]
    fn text(&self, start: usize, end: usize) -> Option<&'a str> {
        match self.text {
            Some(t) => t.get(start..end),
            None => std::str::from_utf8(self.b.get(start..end)?).ok(),
        }
    }

    /// Skips whitespace.
    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next non-space byte, not consumed.
    #[inline(always)]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// Consumes `want` (after whitespace) or answers `None`.
    #[inline(always)]
    pub(crate) fn eat(&mut self, want: u8) -> Option<()> {
        (self.peek()? == want).then(|| self.i += 1)
    }

    /// True (and consumed) when the body is at its end but for whitespace.
    pub(crate) fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.b.len()
    }

    /// `{ "key": value, … }`, calling `member` with the cursor at each value.
    pub(crate) fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `[ item, … ]`, calling `item` with the cursor at each element.
    #[inline(always)]
    pub(crate) fn list(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string without escapes or control characters.
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' | 0..=0x1F => return None,
                _ => self.i += 1,
            }
        }
        let s = self.text(start, self.i)?;
        self.i += 1;
        Some(s)
    }

    /// Advances over bytes that need no attention inside a string (eight at a time), stopping at
    /// `"`, `\`, a control character or the end.
    #[inline(always)]
    fn plain_run(&mut self) {
        while let Some(chunk) = self.b.get(self.i..self.i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if has_special(u64::from_ne_bytes(w)) {
                break;
            }
            self.i += 8;
        }
        while let Some(&c) = self.b.get(self.i) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                break;
            }
            self.i += 1;
        }
    }

    /// A JSON string, unescaped and appended to `out`. On `None` part of it may have been
    /// appended (the caller discards `out`).
    #[inline]
    pub(crate) fn string_into(&mut self, out: &mut String) -> Option<()> {
        self.eat(b'"')?;
        loop {
            let start = self.i;
            self.plain_run();
            out.push_str(self.text(start, self.i)?);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => {
                    self.i += 1;
                    self.escape_into(out)?;
                }
                _ => return None,
            }
        }
    }

    /// One escape after its backslash.
    fn escape_into(&mut self, out: &mut String) -> Option<()> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                match first {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low one.
                        if self.b.get(self.i..self.i + 2)? != b"\\u" {
                            return None;
                        }
                        self.i += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    _ => char::from_u32(first)?,
                }
            }
            _ => return None,
        };
        out.push(ch);
        Some(())
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    /// `true`, `false` or `null` when it is next (consumed); otherwise nothing moves.
    pub(crate) fn literal(&mut self, word: &[u8]) -> bool {
        self.ws();
        let hit = self.b.get(self.i..self.i + word.len()) == Some(word);
        if hit {
            self.i += word.len();
        }
        hit
    }

    /// Skips a JSON value that holds no escaped string, validating it as strictly as serde would.
    pub(crate) fn skip_plain(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|c, _| c.skip_plain(depth + 1)),
            b'[' => self.list(|c| c.skip_plain(depth + 1)),
            b't' => self.literal(b"true").then_some(()),
            b'f' => self.literal(b"false").then_some(()),
            b'n' => self.literal(b"null").then_some(()),
            // An exponent may overflow `f64`, which serde reports as an error.
            _ => (!self.number_span()?.iter().any(|&b| b == b'e' || b == b'E')).then_some(()),
        }
    }

    /// Skips any JSON value (escaped strings included; numbers by the grammar alone, as serde
    /// ignores them) with an explicit stack instead of recursion; returns the value's bytes.
    pub(crate) fn skip_value(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        // Closing bytes of the open containers.
        let mut open: Vec<u8> = Vec::new();
        let mut scratch = String::new();
        loop {
            // A value.
            match self.peek()? {
                b'{' | b'[' => {
                    let close = if self.b.get(self.i) == Some(&b'{') { b'}' } else { b']' };
                    self.i += 1;
                    if self.peek()? == close {
                        self.i += 1;
                    } else {
                        if open.len() >= MAX_DEPTH {
                            return None;
                        }
                        open.push(close);
                        if close == b'}' {
                            self.key_colon()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    scratch.clear();
                    self.string_into(&mut scratch)?;
                }
                b't' => self.literal(b"true").then_some(())?,
                b'f' => self.literal(b"false").then_some(())?,
                b'n' => self.literal(b"null").then_some(())?,
                _ => self.number_span().map(drop)?,
            }
            // After a value: close what ends here, then a comma (and the next key) or the end.
            loop {
                let Some(&close) = open.last() else {
                    return self.b.get(start..self.i);
                };
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if close == b'}' {
                            self.key_colon()?;
                        }
                        break;
                    }
                    c if c == close => {
                        self.i += 1;
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// An object key and its colon.
    fn key_colon(&mut self) -> Option<()> {
        self.string()?;
        self.eat(b':')
    }

    /// The span of a JSON number (RFC 8259 grammar), consumed.
    pub(crate) fn number_span(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        let digits = |c: &mut Self| {
            let from = c.i;
            while c.b.get(c.i).is_some_and(u8::is_ascii_digit) {
                c.i += 1;
            }
            c.i > from
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        if !digits(self) || (self.i - int_start > 1 && self.b.get(int_start) == Some(&b'0')) {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        self.b.get(start..self.i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unescape(json: &str) -> Option<String> {
        let mut out = String::new();
        let mut c = Cursor::new(json.as_bytes());
        c.string_into(&mut out)?;
        c.at_end().then_some(out)
    }

    #[test]
    fn every_escape_and_surrogate_pairs() {
        assert_eq!(unescape(r#""a\"b\\c\/d\b\f\n\r\t""#).as_deref(), Some("a\"b\\c/d\u{8}\u{c}\n\r\t"));
        assert_eq!(unescape(r#""\u00e9\u00E9 \u20ac \ud83d\ude00 \u0000""#).as_deref(), Some("éé € 😀 \u{0}"));
        assert_eq!(
            unescape("\"long plain text without anything special, then é and \\n\"").as_deref(),
            Some("long plain text without anything special, then é and \n")
        );
        for bad in [
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\x""#,
            r#""\u12g4""#,
            r#""\u12""#,
            "\"tab\tinside\"",
            "\"unterminated",
            "\"ends in a backslash\\",
        ] {
            assert_eq!(unescape(bad), None, "{bad}");
        }
        let json = r#""plain \"é\" \ud83d\ude00 😀""#;
        let (mut a, mut b) = (String::new(), String::new());
        Cursor::utf8(json).string_into(&mut a).unwrap();
        Cursor::new(json.as_bytes()).string_into(&mut b).unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("plain \"é\" 😀 😀", "plain \"é\" 😀 😀"));
        let mut c = Cursor::new(b"\"\xff\"");
        assert_eq!(c.string_into(&mut String::new()), None, "invalid UTF-8");
    }

    #[test]
    fn skip_value_takes_any_value_and_returns_its_bytes() {
        let mut c = Cursor::new(br#" {"a":[1,-2.5e-3,{"b":"\"x\""},[]],"c":{},"d":null,"e":true} ,"#);
        assert_eq!(c.skip_value(), Some(&br#"{"a":[1,-2.5e-3,{"b":"\"x\""},[]],"c":{},"d":null,"e":true}"#[..]));
        assert_eq!(c.peek(), Some(b','));
        for bad in [r#"{"a":}"#, "[1,]", "[1 2]", r#"{"a" 1}"#, "01", "[", "tru", r#"{"a":1,}"#] {
            assert_eq!(Cursor::new(bad.as_bytes()).skip_value(), None, "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + "1" + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(Cursor::new(deep.as_bytes()).skip_value(), None, "too deep");
        let ok = "[".repeat(MAX_DEPTH) + "1" + &"]".repeat(MAX_DEPTH);
        assert!(Cursor::new(ok.as_bytes()).skip_value().is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any string serde_json writes reads back the same; any JSON text the cursor skips,
        /// serde_json accepts too.
        #[test]
        fn strings_round_trip_and_skip_is_never_looser(s in "\\PC*|[\\x00-\\x7f]*", junk in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,24}") {
            let json = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(unescape(&json), Some(s));
            let mut c = Cursor::new(junk.as_bytes());
            if c.skip_value().is_some() && c.at_end() {
                prop_assert!(serde_json::from_str::<serde::de::IgnoredAny>(&junk).is_ok(), "{}", junk);
            }
        }
    }
}
