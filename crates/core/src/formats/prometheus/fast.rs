//! A fast path for the answer every chart asks for: a successful `query_range` matrix in the
//! `[ts,"value"]` shape. A byte scanner writes samples straight into the columns — no serde
//! visitor per element, one pass over the body.
//!
//! Contract: [`matrix`] returns exactly what the serde decoder ([`super::decode`]) returns for the
//! same body, or `None` and leaves the body to it. It accepts only a strict subset of JSON:
//! - top level `status` (a string other than `"error"`), `data`, `warnings`, `infos`, and other
//!   keys (not `error`/`errorType`) whose values are plain JSON (no escaped strings, no number
//!   exponents); `data` holds `resultType: "matrix"`
//!   and `result`, a list of objects with `metric` (string → string) and `values`, plus other keys
//!   with plain values; no key twice;
//! - strings without escapes or control characters; timestamps as JSON numbers — integers of up
//!   to 15 digits, or decimals with up to 12 integer and 3 fraction digits, which give exact
//!   milliseconds by integer arithmetic (the serde path rounds `secs · 1000` to the same value);
//! - values as strings read by the same [`super::decode::parse_sample_value`]; `[t, v]` pairs of
//!   exactly two elements; timestamps that never go backwards within a series.
//!
//! Anything else — errors, other result types, native histograms, `null`s, escapes, exponents,
//! unsorted series, trailing bytes, invalid JSON — returns `None` (at the cost of the bytes
//! scanned so far), so every message and repair stays the serde decoder's.

use std::collections::BTreeMap;

use super::decode::{parse_sample_value, QueryResponse, ResultData};
use crate::formats::json_cursor::Cursor;
use crate::series::{Labels, Series};

/// Decodes a successful matrix body, or `None` when the serde decoder must handle it.
pub(super) fn matrix(body: &[u8]) -> Option<QueryResponse> {
    let mut c = Cursor::new(body);
    let (mut status, mut data, mut warnings, mut infos) = (false, None, None, None);
    c.object(|c, key| {
        match key {
            "status" if !status => {
                status = true;
                (c.string()? != "error").then_some(())
            }
            "data" if data.is_none() => {
                data = Some(c.data()?);
                Some(())
            }
            "warnings" if warnings.is_none() => {
                warnings = Some(c.string_list()?);
                Some(())
            }
            "infos" if infos.is_none() => {
                infos = Some(c.string_list()?);
                Some(())
            }
            // Keys the envelope knows (a duplicate is serde's error) and a second copy of ours.
            "status" | "data" | "warnings" | "infos" | "errorType" | "error" => None,
            _ => c.skip_plain(0),
        }
    })?;
    c.ws();
    if c.i != body.len() {
        return None;
    }
    Some(QueryResponse {
        data: ResultData::Matrix(data?),
        warnings: warnings.unwrap_or_default(),
        infos: infos.unwrap_or_default(),
    })
}

impl Cursor<'_> {
    /// `warnings`/`infos`: a list of strings or `null` (empty).
    fn string_list(&mut self) -> Option<Vec<String>> {
        if self.literal(b"null") {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        self.list(|c| {
            out.push(c.string()?.to_string());
            Some(())
        })?;
        Some(out)
    }

    /// A timestamp in seconds as exact milliseconds (see the module doc for the accepted forms).
    #[inline(always)]
    fn seconds_ms(&mut self) -> Option<i64> {
        self.ws();
        let neg = self.b.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let (mut whole, mut n_whole) = (0i64, 0usize);
        while let Some(&d @ b'0'..=b'9') = self.b.get(self.i) {
            whole = whole * 10 + i64::from(d - b'0');
            n_whole += 1;
            self.i += 1;
            if n_whole > 15 {
                return None;
            }
        }
        if n_whole == 0 || (n_whole > 1 && self.b.get(self.i - n_whole) == Some(&b'0')) {
            return None;
        }
        let mut ms = whole.checked_mul(1000)?;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            let mut scale = 100;
            let mut n_frac = 0;
            while let Some(&d @ b'0'..=b'9') = self.b.get(self.i) {
                if scale == 0 || n_whole > 12 {
                    return None;
                }
                ms += i64::from(d - b'0') * scale;
                scale /= 10;
                n_frac += 1;
                self.i += 1;
            }
            if n_frac == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            return None;
        }
        Some(if neg { -ms } else { ms })
    }

    /// `data`: `resultType` must be `matrix`; `result` a list of series objects.
    fn data(&mut self) -> Option<Vec<Series>> {
        let (mut matrix, mut series) = (None, None);
        self.object(|c, key| match key {
            "resultType" if matrix.is_none() => {
                matrix = Some(c.string()? == "matrix");
                Some(())
            }
            "result" if series.is_none() => {
                let mut out = Vec::new();
                let mut hint = 0;
                c.list(|c| {
                    let s = c.series(hint)?;
                    hint = s.t_ms.len();
                    out.push(s);
                    Some(())
                })?;
                series = Some(out);
                Some(())
            }
            "resultType" | "result" => None,
            _ => c.skip_plain(0),
        })?;
        if matrix? {
            series
        } else {
            None
        }
    }

    /// One series object; `hint` reserves the previous series' length.
    fn series(&mut self, hint: usize) -> Option<Series> {
        let (mut labels, mut columns) = (None, None);
        self.object(|c, key| match key {
            "metric" if labels.is_none() => {
                let mut map = BTreeMap::new();
                c.object(|c, name| {
                    map.insert(name.to_string(), c.string()?.to_string());
                    Some(())
                })?;
                labels = Some(Labels(map));
                Some(())
            }
            "values" if columns.is_none() => {
                columns = Some(c.samples(hint)?);
                Some(())
            }
            "metric" | "values" | "value" | "histograms" | "histogram" => None,
            _ => c.skip_plain(0),
        })?;
        let (t_ms, values) = columns.unwrap_or_default();
        Some(Series { labels: labels.unwrap_or_default(), t_ms, values })
    }

    /// `[[t, "v"], …]` into two columns; `None` if a timestamp goes backwards.
    fn samples(&mut self, hint: usize) -> Option<(Vec<i64>, Vec<f64>)> {
        let (mut t_ms, mut values) = (Vec::with_capacity(hint), Vec::with_capacity(hint));
        let mut prev = i64::MIN;
        self.list(|c| {
            c.eat(b'[')?;
            let t = c.seconds_ms()?;
            c.eat(b',')?;
            let v = parse_sample_value(c.string()?)?;
            c.eat(b']')?;
            if t < prev {
                return None;
            }
            prev = t;
            t_ms.push(t);
            values.push(v);
            Some(())
        })?;
        Some((t_ms, values))
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode::decode_response_serde;
    use super::*;
    use proptest::prelude::*;

    fn same(a: &QueryResponse, b: &QueryResponse) -> bool {
        let (ResultData::Matrix(x), ResultData::Matrix(y)) = (&a.data, &b.data) else { return false };
        a.warnings == b.warnings
            && a.infos == b.infos
            && x.len() == y.len()
            && x.iter().zip(y).all(|(s, t)| {
                s.labels == t.labels
                    && s.t_ms == t.t_ms
                    && s.values.len() == t.values.len()
                    && s.values.iter().zip(&t.values).all(|(p, q)| p.to_bits() == q.to_bits())
            })
    }

    #[test]
    fn the_common_shape_takes_the_fast_path() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a"},"values":[[1435781430.781,"1"],[1435781445,"NaN"],[1435781460.5,"+Inf"]]},{"metric":{},"values":[]}]},"warnings":["w"]}"#;
        let fast = matrix(body).expect("fast path");
        assert!(same(&fast, &decode_response_serde(200, body).unwrap()));
        let ResultData::Matrix(s) = &fast.data else { unreachable!() };
        assert_eq!(s[0].t_ms, vec![1_435_781_430_781, 1_435_781_445_000, 1_435_781_460_500]);
    }

    #[test]
    fn anything_unusual_is_left_to_serde() {
        for body in [
            r#"{"status":"error","errorType":"bad_data","error":"x"}"#,
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"\"q\""},"values":[]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[2,"1"],[1,"2"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1e3,"1"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1.0001,"1"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,1]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"histograms":[]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[]}} x"#,
            r#"{"status":"success","data":null}"#,
            r#"{"status":"success","status":"success","data":{"resultType":"matrix","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[01,"1"]]}]}}"#,
        ] {
            assert!(matrix(body.as_bytes()).is_none(), "{body}");
        }
    }

    /// Bodies from pieces that stress both decoders: spacing, key order, unknown keys, odd numbers
    /// and strings, non-monotonic and duplicated parts.
    fn body() -> impl Strategy<Value = String> {
        let ws = prop::sample::select(vec!["", " ", "\n  ", "\t"]);
        let ts = prop_oneof![
            (0u64..2_000_000_000).prop_map(|s| s.to_string()),
            (0u64..2_000_000_000, 0u32..1000).prop_map(|(s, f)| format!("{s}.{f:03}")),
            (0u64..2_000_000_000, 1u32..10).prop_map(|(s, f)| format!("{s}.{f}")),
            Just("-1.5".to_string()),
            Just("1e9".to_string()),
            Just("1.2345".to_string()),
            Just("0123".to_string()),
            Just("12345678901234567890".to_string()),
        ];
        let value = prop_oneof![
            Just("\"NaN\"".to_string()),
            Just("\"+Inf\"".to_string()),
            Just("\"-Inf\"".to_string()),
            Just("\"Inf\"".to_string()),
            any::<f64>().prop_map(|v| format!("\"{v}\"")),
            (0u32..100_000).prop_map(|v| format!("\"{v}\"")),
            Just("\"1e-7\"".to_string()),
            Just("\"abc\"".to_string()),
            Just("1.5".to_string()),
            Just("\"\\u0031\"".to_string()),
        ];
        let sample = (ts, value, ws.clone()).prop_map(|(t, v, w)| format!("[{w}{t},{w}{v}]"));
        let values = prop::collection::vec(sample, 0..6).prop_map(|v| format!("[{}]", v.join(",")));
        let label = prop_oneof![
            Just("\"job\":\"a\"".to_string()),
            Just("\"instance\":\"h:9100\"".to_string()),
            Just("\"x\":\"é\"".to_string()),
            Just("\"job\":\"b\"".to_string()),
            Just("\"q\":\"a\\\"b\"".to_string()),
        ];
        let metric = prop::collection::vec(label, 0..3).prop_map(|l| format!("{{{}}}", l.join(",")));
        let extra = prop_oneof![
            4 => Just(String::new()),
            1 => Just(",\"extra\":{\"a\":[1,true,null,\"s\"]}".to_string()),
            1 => Just(",\"histograms\":[]".to_string()),
            1 => Just(",\"values\":[]".to_string()),
        ];
        let series = (metric, values, extra, any::<bool>()).prop_map(|(m, v, e, swap)| {
            if swap {
                format!("{{\"values\":{v},\"metric\":{m}{e}}}")
            } else {
                format!("{{\"metric\":{m},\"values\":{v}{e}}}")
            }
        });
        let result = prop::collection::vec(series, 0..4).prop_map(|s| format!("[{}]", s.join(",")));
        let rtype = prop::sample::select(vec!["\"matrix\"", "\"matrix\"", "\"vector\""]);
        let top_extra = prop::sample::select(vec![
            "",
            "",
            ",\"warnings\":[\"w1\",\"w2\"]",
            ",\"infos\":null",
            ",\"stats\":{\"seriesFetched\":\"3\",\"executionTimeMsec\":1}",
            ",\"isPartial\":false",
        ]);
        (result, rtype, top_extra, ws, any::<bool>()).prop_map(|(r, t, x, w, data_first)| {
            let data = format!("{{{w}\"resultType\":{w}{t},\"result\":{r}}}");
            if data_first {
                format!("{{\"data\":{data},\"status\":\"success\"{x}}}{w}")
            } else {
                format!("{w}{{\"status\":\"success\",{w}\"data\":{data}{x}}}")
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_fast_path_equals_serde_whenever_it_answers(body in body()) {
            let serde = decode_response_serde(200, body.as_bytes());
            if let Some(fast) = matrix(body.as_bytes()) {
                let serde = serde.map_err(|e| e.to_string());
                prop_assert!(serde.as_ref().is_ok_and(|s| same(&fast, s)), "{body}\nfast {fast:?}\nserde {serde:?}");
            }
        }
    }
}
