//! Query strings (`application/x-www-form-urlencoded`, as browsers and Prometheus use them), by
//! way of the `form_urlencoded` crate: a space becomes `+`, bytes outside `A–Z a–z 0–9 * - . _`
//! become `%XX`. Decoding is tolerant: a malformed `%` escape is kept literally and invalid UTF-8
//! is replaced (U+FFFD), so no input can fail or panic.

/// Encodes key/value pairs as `k=v&k2=v2`, in the given order.
pub fn encode_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k.as_ref(), v.as_ref());
    }
    out.finish()
}

/// Parses a query string (with or without the leading `?`) into decoded pairs, in order.
/// Empty segments are skipped; a key without `=` has an empty value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_promql_with_braces_quotes_and_spaces() {
        assert_eq!(encode_pairs(&[("q", r#"rate(x{a="b c"}[5m])"#)]), "q=rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29");
        assert_eq!(encode_pairs(&[("a", "é"), ("b", "1&2")]), "a=%C3%A9&b=1%262");
    }

    #[test]
    fn decode_keeps_malformed_escapes_literally() {
        assert_eq!(parse_query("a=100%&b=%zz%4&c=a+b%2Bc"), vec![
            ("a".to_string(), "100%".to_string()),
            ("b".to_string(), "%zz%4".to_string()),
            ("c".to_string(), "a b+c".to_string()),
        ]);
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
        fn parse_inverts_encode(k in "[^\u{0}]{1,8}", v in ".*") {
            prop_assert_eq!(parse_query(&encode_pairs(&[(&k, &v)])), vec![(k, v)]);
        }

        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = parse_query(&s);
        }
    }
}
