//! Decoding Prometheus HTTP API responses (status + body bytes) into the core model.
//!
//! One decoder per endpoint family, because the shape of `data` depends on the endpoint and an
//! empty `[]` cannot tell label names from label sets:
//!
//! | endpoint | decoder | `data` |
//! |---|---|---|
//! | `query_range`, `query` | [`decode_response`] | [`ResultData`] (matrix, vector, scalar, string) |
//! | `labels`, `label/<name>/values` | [`decode_string_list`] | `Vec<String>` |
//! | `series` | [`decode_label_sets`] | `Vec<Labels>` |
//! | `status/buildinfo` | [`decode_build_info`] | [`BuildInfo`] |
//!
//! Contract:
//! - Envelope: `"status":"error"` → [`PromError::Api`] with Prometheus' message verbatim (whatever
//!   the HTTP status); a non-2xx status without an error envelope → [`PromError::Http`] with a text
//!   excerpt; an undecodable or empty 2xx body → [`PromError::Decode`]. `"status":"success"`,
//!   `"warning"` (Jaeger's test data) or any other non-error status is a success; `warnings` and
//!   `infos` are kept. Unknown fields are ignored.
//! - Timestamps: JSON numbers (float or integer seconds; decimal strings are accepted too) →
//!   `i64` ms, rounded to the nearest ms (`1435781451.781` → `1435781451781`).
//! - Values: strings `"1"`, `"NaN"`, `"+Inf"`, `"-Inf"`, `"9223372036854"` or bare JSON numbers →
//!   `f64`; non-finite values are kept. A string that is not a number is a decode error.
//! - Matrix: series keep the server's order; samples keep their order, except that a series whose
//!   timestamps go backwards is sorted by time (stable), so [`Series`] stays non-decreasing.
//! - Empty results (`"result": []` or `null`) are `Ok` with no series: "No data", not an error.
//! - Native histograms (`histograms` in a matrix, `histogram` in a vector) are accepted but not
//!   decoded here: they are counted and reported as one warning ("N native histogram samples are
//!   not shown yet"); a vector sample that has only a histogram is left out.
//!   [`super::with_native::decode_response_with_native`] decodes them too and drops the warning.
//! - Cost: one pass over the bytes; samples go straight into the `Vec<i64>`/`Vec<f64>` columns
//!   (value strings are parsed from the borrowed input, no per-sample allocation), so peak memory
//!   is about the body plus the columns. A successful matrix in the usual shape is read by
//!   the `fast` module's byte scanner (~500 MB/s in WASM, ~3× serde); any other body, or anything
//!   unusual in it, goes through serde with identical results.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

use super::error::{body_excerpt, PromError};
use crate::series::{InstantSample, Labels, Series};

/// A successful response: the decoded `data` plus the server's `warnings` and `infos` (shown as a
/// badge on the panel), and the decoder's own warnings (appended to `warnings`).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResponse<T = ResultData> {
    pub data: T,
    pub warnings: Vec<String>,
    pub infos: Vec<String>,
}

impl<T> QueryResponse<T> {
    /// The same response with `data` transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> QueryResponse<U> {
        QueryResponse { data: f(self.data), warnings: self.warnings, infos: self.infos }
    }
}

/// The `data` of `query` / `query_range`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultData {
    /// `resultType: matrix` (range queries).
    Matrix(Vec<Series>),
    /// `resultType: vector` (instant queries).
    Vector(Vec<InstantSample>),
    /// `resultType: scalar`.
    Scalar { t_ms: i64, value: f64 },
    /// `resultType: string`.
    String { t_ms: i64, value: String },
}

impl ResultData {
    /// True when there is nothing to show ("No data"): no series, or no samples in any series.
    pub fn is_empty(&self) -> bool {
        match self {
            ResultData::Matrix(series) => series.iter().all(Series::is_empty),
            ResultData::Vector(samples) => samples.is_empty(),
            ResultData::Scalar { .. } | ResultData::String { .. } => false,
        }
    }
}

/// `data` of `status/buildinfo` (fields a server does not send are empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BuildInfo {
    pub version: String,
    pub revision: String,
    pub branch: String,
    #[serde(rename = "goVersion")]
    pub go_version: String,
}

/// Decodes a `query` or `query_range` response (what every data panel asks for). A successful
/// matrix in the usual shape takes the `fast` module's byte scanner (same result, about 3× faster);
/// everything else goes through serde.
pub fn decode_response(http_status: u16, body: &[u8]) -> Result<QueryResponse, PromError> {
    if (200..300).contains(&http_status) {
        if let Some(resp) = super::fast::matrix(body) {
            return Ok(resp);
        }
    }
    decode_response_serde(http_status, body)
}

/// [`decode_response`] without the fast path (its reference in tests).
pub(super) fn decode_response_serde(http_status: u16, body: &[u8]) -> Result<QueryResponse, PromError> {
    decode_envelope::<RawQuery, _>(http_status, body, RawQuery::finish)
}

/// Decodes a `labels` or `label/<name>/values` response (`data: null` is an empty list).
pub fn decode_string_list(http_status: u16, body: &[u8]) -> Result<QueryResponse<Vec<String>>, PromError> {
    decode_envelope::<Vec<String>, _>(http_status, body, |d, _| Ok(d))
}

/// Decodes a `series` response (`data: null` is an empty list).
pub fn decode_label_sets(http_status: u16, body: &[u8]) -> Result<QueryResponse<Vec<Labels>>, PromError> {
    decode_envelope::<Vec<BTreeMap<String, String>>, _>(http_status, body, |d, _| {
        Ok(d.into_iter().map(Labels).collect())
    })
}

/// Decodes a `status/buildinfo` response.
pub fn decode_build_info(http_status: u16, body: &[u8]) -> Result<QueryResponse<BuildInfo>, PromError> {
    decode_envelope::<BuildInfo, _>(http_status, body, |d, _| Ok(d))
}

// ---------------------------------------------------------------------------------------------
// Envelope

#[derive(Deserialize)]
#[serde(bound(deserialize = "D: Deserialize<'de> + Default"))]
struct Envelope<D> {
    status: Option<String>,
    /// `None` when absent; `"data": null` is `Some(D::default())` (an empty list or result).
    #[serde(default, deserialize_with = "null_as_default")]
    data: Option<D>,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    error: Option<String>,
    warnings: Option<Vec<String>>,
    infos: Option<Vec<String>>,
}

fn null_as_default<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Some(Option::<T>::deserialize(d)?.unwrap_or_default()))
}

impl<D> Envelope<D> {
    fn api_error(&mut self, http_status: u16) -> Option<PromError> {
        (self.status.as_deref() == Some("error")).then(|| PromError::Api {
            error_type: self.error_type.take().unwrap_or_else(|| "unknown".to_string()),
            message: self.error.take().unwrap_or_default(),
            http_status,
        })
    }
}

/// Shared envelope logic; `finish` turns the raw `data` into the result (it may add warnings) or
/// says why it cannot.
fn decode_envelope<D, T>(
    http_status: u16,
    body: &[u8],
    finish: impl FnOnce(D, &mut Vec<String>) -> Result<T, String>,
) -> Result<QueryResponse<T>, PromError>
where
    D: de::DeserializeOwned + Default,
{
    let success = (200..300).contains(&http_status);
    let http_error = || PromError::Http { status: http_status, body_excerpt: body_excerpt(body) };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(if success {
            PromError::Decode { detail: "the response body is empty".to_string() }
        } else {
            http_error()
        });
    }
    let mut env = match serde_json::from_slice::<Envelope<D>>(body) {
        Ok(env) => env,
        Err(e) => {
            // An error envelope whose `data` has an unexpected shape is still an API error.
            if let Ok(mut env) = serde_json::from_slice::<Envelope<IgnoredAny>>(body) {
                if let Some(err) = env.api_error(http_status) {
                    return Err(err);
                }
            }
            return Err(if success {
                PromError::Decode { detail: describe_json_error(&e, body) }
            } else {
                http_error()
            });
        }
    };
    if let Some(err) = env.api_error(http_status) {
        return Err(err);
    }
    if !success {
        return Err(http_error());
    }
    let Some(data) = env.data else {
        return Err(PromError::Decode { detail: "the response has no \"data\" field".to_string() });
    };
    let mut warnings = env.warnings.unwrap_or_default();
    let data = finish(data, &mut warnings).map_err(|detail| PromError::Decode { detail })?;
    Ok(QueryResponse { data, warnings, infos: env.infos.unwrap_or_default() })
}

/// serde's message (with line and column) plus a hint when the cause is recognisable.
fn describe_json_error(e: &serde_json::Error, body: &[u8]) -> String {
    let starts_html = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    if starts_html {
        return format!(
            "{e}: the body is HTML, not JSON (\u{201c}{}\u{201d}). Check that the data source URL is the Prometheus \
             base URL, without /api/v1",
            body_excerpt(body)
        );
    }
    match e.classify() {
        serde_json::error::Category::Eof => format!("{e}: the response was cut off; retry, or narrow the time range"),
        _ => format!("{e}. Check that the data source speaks the Prometheus HTTP API"),
    }
}

// ---------------------------------------------------------------------------------------------
// query / query_range `data`

#[derive(Default, Deserialize)]
struct RawQuery {
    #[serde(rename = "resultType")]
    result_type: Option<String>,
    result: Option<RawResult>,
}

impl RawQuery {
    fn finish(self, warnings: &mut Vec<String>) -> Result<ResultData, String> {
        let result = self.result.unwrap_or_default();
        let result_type = self.result_type.unwrap_or_default();
        let histograms: usize = result.series.iter().map(|s| s.histograms).sum();
        let need_series = |what: &str| {
            if result.plain.is_empty() {
                Ok(())
            } else {
                Err(format!("a {what} result must be a list of series, not a plain [time, value] pair"))
            }
        };
        let data = match result_type.as_str() {
            "matrix" => {
                need_series("matrix")?;
                ResultData::Matrix(result.series.into_iter().map(RawSeries::into_series).collect())
            }
            "vector" => {
                need_series("vector")?;
                let mut out = Vec::with_capacity(result.series.len());
                for s in result.series {
                    match s.value {
                        Some((t_ms, value)) => out.push(InstantSample { labels: Labels(s.labels), t_ms, value }),
                        None if s.histograms > 0 => {}
                        None => {
                            return Err(format!(
                                "a vector sample of {} has no \"value\"",
                                Labels(s.labels).display_name()
                            ))
                        }
                    }
                }
                ResultData::Vector(out)
            }
            "scalar" | "string" => {
                if !result.series.is_empty() {
                    return Err(format!("a {result_type} result must be a [time, value] pair, not a list of series"));
                }
                let [t, v] = <[Plain; 2]>::try_from(result.plain)
                    .map_err(|_| format!("a {result_type} result must be a [time, value] pair"))?;
                let t_ms = t.to_ms()?;
                if result_type == "scalar" {
                    ResultData::Scalar { t_ms, value: v.to_value()? }
                } else {
                    ResultData::String { t_ms, value: v.into_text() }
                }
            }
            "" => return Err("the response has no \"resultType\"".to_string()),
            other => return Err(format!("unknown resultType \"{other}\" (expected matrix, vector, scalar or string)")),
        };
        if histograms > 0 {
            warnings.push(if histograms == 1 {
                "1 native histogram sample is not shown yet".to_string()
            } else {
                format!("{histograms} native histogram samples are not shown yet")
            });
        }
        Ok(data)
    }
}

/// `result`: either a list of series objects (matrix, vector) or a plain `[time, value]` pair
/// (scalar, string). Kept apart here because `resultType` may come after `result`.
#[derive(Default)]
struct RawResult {
    series: Vec<RawSeries>,
    plain: Vec<Plain>,
}

/// One element of a scalar/string pair.
enum Plain {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
}

impl Plain {
    fn to_ms(&self) -> Result<i64, String> {
        let ms = match self {
            Plain::Unsigned(s) => unsigned_secs_to_ms(*s),
            Plain::Signed(s) => signed_secs_to_ms(*s),
            Plain::Float(s) => float_secs_to_ms(*s),
            Plain::Text(s) => s.parse::<f64>().ok().and_then(float_secs_to_ms),
        };
        ms.ok_or_else(|| "the result's timestamp is not a valid time in seconds".to_string())
    }

    fn to_value(&self) -> Result<f64, String> {
        match self {
            Plain::Unsigned(v) => Ok(*v as f64),
            Plain::Signed(v) => Ok(*v as f64),
            Plain::Float(v) => Ok(*v),
            Plain::Text(s) => parse_sample_value(s).ok_or_else(|| format!("invalid sample value \"{s}\"")),
        }
    }

    fn into_text(self) -> String {
        match self {
            Plain::Unsigned(v) => v.to_string(),
            Plain::Signed(v) => v.to_string(),
            Plain::Float(v) => v.to_string(),
            Plain::Text(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for RawResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ResultVisitor)
    }
}

struct ResultVisitor;

impl<'de> Visitor<'de> for ResultVisitor {
    type Value = RawResult;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of series or a [time, value] pair")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawResult, A::Error> {
        let mut out = RawResult::default();
        let mut hint = 0usize;
        while let Some(elem) = seq.next_element_seed(ElemSeed { hint })? {
            match elem {
                Elem::Series(s) => {
                    hint = s.t_ms.len();
                    out.series.push(s);
                }
                Elem::Plain(p) => {
                    if out.plain.len() >= 2 {
                        return Err(de::Error::custom("a [time, value] pair has more than two elements"));
                    }
                    out.plain.push(p);
                }
            }
            if !out.series.is_empty() && !out.plain.is_empty() {
                return Err(de::Error::custom("the result mixes series objects and plain values"));
            }
        }
        Ok(out)
    }
}

enum Elem {
    Series(RawSeries),
    Plain(Plain),
}

/// Deserialises one `result` element; `hint` is the previous series' length, reserved up front
/// (range-query series usually have equal lengths), which avoids regrowing the columns.
struct ElemSeed {
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for ElemSeed {
    type Value = Elem;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Elem, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElemSeed {
    type Value = Elem;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a series object, a timestamp or a value")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        Ok(Elem::Plain(Plain::Unsigned(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        Ok(Elem::Plain(Plain::Signed(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        Ok(Elem::Plain(Plain::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Elem, E> {
        Ok(Elem::Plain(Plain::Text(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Elem, E> {
        Ok(Elem::Plain(Plain::Text(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Elem, A::Error> {
        RawSeries::from_map(map, self.hint).map(Elem::Series)
    }
}

/// One series object of a matrix or vector, decoded field by field.
#[derive(Default)]
struct RawSeries {
    labels: BTreeMap<String, String>,
    t_ms: Vec<i64>,
    values: Vec<f64>,
    sorted: bool,
    value: Option<(i64, f64)>,
    histograms: usize,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum SeriesField {
    Metric,
    Values,
    Value,
    Histograms,
    Histogram,
    #[serde(other)]
    Other,
}

impl RawSeries {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A, hint: usize) -> Result<RawSeries, A::Error> {
        let mut s = RawSeries { sorted: true, ..RawSeries::default() };
        while let Some(key) = map.next_key::<SeriesField>()? {
            match key {
                SeriesField::Metric => {
                    s.labels = map.next_value::<Option<BTreeMap<String, String>>>()?.unwrap_or_default();
                }
                SeriesField::Values => {
                    let seed = Columns { t_ms: &mut s.t_ms, values: &mut s.values, hint };
                    let sorted = map.next_value_seed(seed)?;
                    s.sorted &= sorted;
                }
                SeriesField::Value => {
                    s.value = map.next_value::<Option<Point>>()?.map(|p| (p.t_ms, p.value));
                }
                SeriesField::Histograms => s.histograms += map.next_value_seed(CountElements)?,
                SeriesField::Histogram => {
                    if map.next_value::<Option<IgnoredAny>>()?.is_some() {
                        s.histograms += 1;
                    }
                }
                SeriesField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(s)
    }

    fn into_series(self) -> Series {
        let (mut t_ms, mut values) = (self.t_ms, self.values);
        if t_ms.is_empty() {
            if let Some((t, v)) = self.value {
                t_ms.push(t);
                values.push(v);
            }
        }
        if !self.sorted {
            let mut pairs: Vec<(i64, f64)> = t_ms.iter().copied().zip(values.iter().copied()).collect();
            pairs.sort_by_key(|&(t, _)| t);
            (t_ms, values) = pairs.into_iter().unzip();
        }
        Series { labels: Labels(self.labels), t_ms, values }
    }
}

/// Streams `[[t, "v"], …]` (or `null`) into the two columns; returns whether the timestamps were
/// non-decreasing.
struct Columns<'a> {
    t_ms: &'a mut Vec<i64>,
    values: &'a mut Vec<f64>,
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for Columns<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Columns<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of [time, value] samples")
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let reserve = seq.size_hint().unwrap_or(self.hint);
        self.t_ms.reserve(reserve);
        self.values.reserve(reserve);
        let mut sorted = true;
        let mut prev = self.t_ms.last().copied().unwrap_or(i64::MIN);
        while let Some(p) = seq.next_element::<Point>()? {
            sorted &= p.t_ms >= prev;
            prev = p.t_ms;
            self.t_ms.push(p.t_ms);
            self.values.push(p.value);
        }
        // Give back what the hint over-reserved (keeps peak memory near the body size).
        if self.t_ms.capacity() > self.t_ms.len() + self.t_ms.len() / 8 + 16 {
            self.t_ms.shrink_to_fit();
            self.values.shrink_to_fit();
        }
        Ok(sorted)
    }
}

/// Counts the elements of a list (or `null`) without decoding them.
struct CountElements;

impl<'de> DeserializeSeed<'de> for CountElements {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for CountElements {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_none<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

/// One `[time, value]` sample. Elements after the second are ignored.
struct Point {
    t_ms: i64,
    value: f64,
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(PointVisitor)
    }
}

struct PointVisitor;

impl<'de> Visitor<'de> for PointVisitor {
    type Value = Point;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a [time, value] sample")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Point, A::Error> {
        let Some(TimeMs(t_ms)) = seq.next_element()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        let Some(SampleValue(value)) = seq.next_element()? else {
            return Err(de::Error::invalid_length(1, &self));
        };
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Point { t_ms, value })
    }
}

/// A timestamp in seconds (number or decimal string) as ms.
struct TimeMs(i64);

impl<'de> Deserialize<'de> for TimeMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimeVisitor)
    }
}

struct TimeVisitor;

impl TimeVisitor {
    fn check<E: de::Error>(ms: Option<i64>, shown: &dyn fmt::Display) -> Result<TimeMs, E> {
        ms.map(TimeMs).ok_or_else(|| E::custom(format!("timestamp {shown} is not a valid time in seconds")))
    }
}

impl Visitor<'_> for TimeVisitor {
    type Value = TimeMs;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a timestamp in seconds")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeMs, E> {
        Self::check(unsigned_secs_to_ms(v), &v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeMs, E> {
        Self::check(signed_secs_to_ms(v), &v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TimeMs, E> {
        Self::check(float_secs_to_ms(v), &v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeMs, E> {
        Self::check(v.parse::<f64>().ok().and_then(float_secs_to_ms), &format_args!("\"{v}\""))
    }
}

/// A sample value: a Prometheus float string or a bare JSON number.
struct SampleValue(f64);

impl<'de> Deserialize<'de> for SampleValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = SampleValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sample value such as \"1.5\", \"NaN\" or \"+Inf\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<SampleValue, E> {
        Ok(SampleValue(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<SampleValue, E> {
        Ok(SampleValue(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<SampleValue, E> {
        Ok(SampleValue(v))
    }

    // Borrowed strings (no escapes) arrive here through the default `visit_borrowed_str`.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<SampleValue, E> {
        parse_sample_value(v)
            .map(SampleValue)
            .ok_or_else(|| E::custom(format!("invalid sample value \"{}\"", v.chars().take(40).collect::<String>())))
    }
}

/// Parses Go's `strconv.FormatFloat` output plus Prometheus' spellings of the specials.
pub(super) fn parse_sample_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse::<f64>().ok(),
    }
}

/// Whole seconds → ms; `None` when out of `i64` range.
fn signed_secs_to_ms(secs: i64) -> Option<i64> {
    secs.checked_mul(1000)
}

fn unsigned_secs_to_ms(secs: u64) -> Option<i64> {
    i64::try_from(secs).ok().and_then(signed_secs_to_ms)
}

/// Float seconds → ms, rounded to the nearest ms (`1435781451.781` is not exact in binary; the
/// product is within a few µs of the intended ms, so rounding recovers it). `None` when not finite
/// or out of `i64` range.
fn float_secs_to_ms(secs: f64) -> Option<i64> {
    let ms = (secs * 1000.0).round();
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (ms.is_finite() && (-LIMIT..LIMIT).contains(&ms)).then_some(ms as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_seconds_round_to_the_nearest_millisecond() {
        assert_eq!(float_secs_to_ms(1435781451.781), Some(1_435_781_451_781));
        assert_eq!(float_secs_to_ms(1435781451.001), Some(1_435_781_451_001));
        assert_eq!(float_secs_to_ms(0.0005), Some(1));
        assert_eq!(float_secs_to_ms(-1.5), Some(-1500));
        assert_eq!(float_secs_to_ms(f64::NAN), None);
        assert_eq!(float_secs_to_ms(1e300), None);
        assert_eq!(unsigned_secs_to_ms(u64::MAX), None);
        assert_eq!(signed_secs_to_ms(i64::MIN), None);
    }

    #[test]
    fn every_millisecond_of_a_day_survives_the_float_round_trip() {
        // Prometheus writes `secs.mmm`; serde_json reads it as the nearest f64.
        let base: i64 = 1_700_000_000_000;
        for ms in (base..base + 86_400_000).step_by(997) {
            let text = super::super::request::format_seconds(ms);
            let secs: f64 = text.parse().unwrap();
            assert_eq!(float_secs_to_ms(secs), Some(ms), "{text}");
        }
    }
}
