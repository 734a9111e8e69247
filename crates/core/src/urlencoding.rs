//! `application/x-www-form-urlencoded` encoding and decoding of query strings, as browsers and
//! Prometheus use them: unreserved bytes (`A–Z a–z 0–9 - . _ ~`) stay, a space becomes `+`, every
//! other byte of the UTF-8 text becomes `%XX`. Decoding is tolerant: a malformed `%` escape is kept
//! literally and invalid UTF-8 is replaced (U+FFFD), so no input can fail or panic.

/// Encodes one key or value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for &b in text.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
    out
}

/// Encodes key/value pairs as `k=v&k2=v2`, in the given order.
pub fn encode_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes one key or value (`+` is a space, `%XX` a byte).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (bytes.get(i + 1).and_then(|&h| hex_val(h)), bytes.get(i + 2).and_then(|&l| hex_val(l))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a query string (with or without the leading `?`) into decoded pairs, in order.
/// Empty segments are skipped; a key without `=` has an empty value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .strip_prefix('?')
        .unwrap_or(query)
        .split('&')
        .filter(|seg| !seg.is_empty())
        .map(|seg| match seg.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(seg), String::new()),
        })
        .collect()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_promql_with_braces_quotes_and_spaces() {
        assert_eq!(encode(r#"rate(x{a="b c"}[5m])"#), "rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn decode_keeps_malformed_escapes_literally() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("a+b%2Bc"), "a b+c");
    }

    #[test]
    fn parse_query_handles_leading_question_mark_and_bare_keys() {
        let pairs = parse_query("?embed&from=now-6h&&q=up%7Bjob%3D%22a%22%7D");
        assert_eq!(
            pairs,
            vec![
                ("embed".to_string(), String::new()),
                ("from".to_string(), "now-6h".to_string()),
                ("q".to_string(), r#"up{job="a"}"#.to_string()),
            ]
        );
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(s in ".*") {
            prop_assert_eq!(decode(&encode(&s)), s);
        }

        #[test]
        fn decode_never_panics(s in ".*") {
            let _ = parse_query(&s);
        }
    }
}
