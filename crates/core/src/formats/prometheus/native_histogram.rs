//! Native histogram samples as query results carry them, and their quantiles.
//!
//! Wire shape (wire-formats.md §2.4; Prometheus' `marshalHistogram`): a vector sample has
//! `"histogram": [ts, h]`, a matrix series `"histograms": [[ts, h], …]`, with
//! `h = {"count": "12", "sum": "3.5", "buckets": [[rule, "lower", "upper", "count"], …]}`. Buckets
//! come in ascending value order (negative, zero, positive), empty buckets are left out, and the
//! boundary rule says which ends are closed: 0 `(l, u]` (positive and custom buckets), 1 `[l, u)`
//! (negative), 2 `(l, u)`, 3 `[l, u]` (the zero bucket). The JSON does not carry the schema.
//!
//! - [`decode_native_sample`] / [`decode_native_sample_bytes`] decode one `[ts, h]` pair, so the
//!   query decoder can call them per sample; [`decode_native_histogram`] decodes `h` alone;
//!   [`decode_native_series`] reads every native histogram series of a whole `query`/`query_range`
//!   response (float samples are ignored there; the float decoder has them).
//! - [`native_quantile`] is Prometheus 3's `HistogramQuantile` (`promql/quantile.go`): `rank =
//!   q·count` walked upwards for `q < 0.5` (or when `sum` is NaN), `(1−q)·count` walked downwards
//!   otherwise; inside the bucket, **exponential interpolation** for exponential schemas
//!   (positive: `2^(log₂l + (log₂u − log₂l)·f)`; negative: mirrored), **linear** in the zero bucket
//!   and for custom buckets. The zero bucket's lower end counts as 0 when the histogram has only
//!   positive buckets (upper end 0 when only negative). Custom buckets: a rank in the
//!   `(−Inf, u]` bucket gives `u` when `u ≤ 0`, else interpolates from 0; a rank in the
//!   `(l, +Inf]` bucket gives `l`. [`native_quantile_with`] with [`NativeInterpolation::Linear`]
//!   reproduces earlier releases, which interpolated linearly in every bucket (pinned against
//!   answers captured from Prometheus 2.42).
//! - Custom-bucket (NHCB, schema −53) histograms are recognised by an infinite bound, or by bounds
//!   that do not sit on one exponential schema's grid ([`NativeHistogram::custom_buckets`]); a
//!   custom layout whose present buckets happen to be powers of one base cannot be told apart —
//!   set the field when the schema is known.
//!
//! Contract: numbers are strings or JSON numbers (`"NaN"`, `"+Inf"` allowed); a sample that is not
//! `[ts, {…}]`, or a bucket that is not `[rule, lower, upper, count]`, is a [`PromError::Decode`]
//! naming what is wrong. `q` NaN or a histogram with `count = 0` → NaN; `q < 0` → −Inf, `q > 1` →
//! +Inf. Nothing panics.

use serde_json::Value;

use super::decode::QueryResponse;
use super::error::PromError;
use super::exemplars::{decode_envelope_value, json_kind, labels_of, number_of, seconds_to_ms};
use crate::series::Labels;

/// Which ends of a bucket are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoundaryRule {
    /// 0: `(lower, upper]` — positive and custom buckets.
    OpenLeft,
    /// 1: `[lower, upper)` — negative buckets.
    OpenRight,
    /// 2: `(lower, upper)`.
    OpenBoth,
    /// 3: `[lower, upper]` — the zero bucket.
    ClosedBoth,
}

impl BoundaryRule {
    /// The rule for its wire code (0..=3).
    pub fn from_code(code: u64) -> Option<BoundaryRule> {
        Some(match code {
            0 => BoundaryRule::OpenLeft,
            1 => BoundaryRule::OpenRight,
            2 => BoundaryRule::OpenBoth,
            3 => BoundaryRule::ClosedBoth,
            _ => return None,
        })
    }
}

/// One bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeBucket {
    pub boundary: BoundaryRule,
    pub lower: f64,
    pub upper: f64,
    /// Observations in this bucket (not cumulative); a float after `rate`.
    pub count: f64,
}

impl NativeBucket {
    /// The zero bucket: it straddles 0 (or is `[−0, 0]` with a zero threshold of 0).
    pub fn is_zero_bucket(&self) -> bool {
        (self.lower < 0.0 && self.upper > 0.0) || (self.lower == 0.0 && self.upper == 0.0)
    }
}

/// One native histogram, buckets in ascending value order.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogram {
    pub count: f64,
    pub sum: f64,
    pub buckets: Vec<NativeBucket>,
    /// Custom (NHCB) buckets rather than an exponential schema; set by the decoder from the bounds
    /// (see the module doc), overridable when the schema is known.
    pub custom_buckets: bool,
}

/// One `[ts, h]` sample.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeSample {
    pub t_ms: i64,
    pub histogram: NativeHistogram,
}

/// A series of native histogram samples.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeSeries {
    pub labels: Labels,
    pub samples: Vec<NativeSample>,
}

/// How to interpolate inside an exponential bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeInterpolation {
    /// Prometheus 3: exponential inside exponential buckets, linear in the zero bucket and for
    /// custom buckets.
    Exponential,
    /// Earlier releases (e.g. Prometheus 2.42): linear everywhere.
    Linear,
}

/// Decodes `{"count", "sum", "buckets"}`.
pub fn decode_native_histogram(v: &Value) -> Result<NativeHistogram, PromError> {
    let obj = v.as_object().ok_or_else(|| decode_err(format!("a native histogram should be an object, found {}", json_kind(v))))?;
    let count = match obj.get("count") {
        Some(c) => number_of(c).ok_or_else(|| decode_err(format!("native histogram \"count\" is not a number: {c}")))?,
        None => return Err(decode_err("native histogram without \"count\"".to_string())),
    };
    let sum = match obj.get("sum") {
        Some(s) => number_of(s).ok_or_else(|| decode_err(format!("native histogram \"sum\" is not a number: {s}")))?,
        None => f64::NAN,
    };
    let mut buckets = Vec::new();
    match obj.get("buckets") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for b in list {
                buckets.push(decode_bucket(b)?);
            }
        }
        Some(other) => return Err(decode_err(format!("native histogram \"buckets\" should be a list, found {}", json_kind(other)))),
    }
    let custom_buckets = looks_custom(&buckets);
    Ok(NativeHistogram { count, sum, buckets, custom_buckets })
}

/// Decodes one `[ts, {…}]` sample (the value of `"histogram"`, or one element of `"histograms"`).
pub fn decode_native_sample(v: &Value) -> Result<NativeSample, PromError> {
    let pair = v.as_array().ok_or_else(|| decode_err(format!("a native histogram sample should be [time, histogram], found {}", json_kind(v))))?;
    let (Some(ts), Some(h), 2) = (pair.first(), pair.get(1), pair.len()) else {
        return Err(decode_err(format!("a native histogram sample should be [time, histogram], found {} elements", pair.len())));
    };
    let t_ms = seconds_to_ms(ts).ok_or_else(|| decode_err(format!("native histogram sample time is not a time in seconds: {ts}")))?;
    Ok(NativeSample { t_ms, histogram: decode_native_histogram(h)? })
}

/// [`decode_native_sample`] from the raw bytes of one `[ts, {…}]`.
pub fn decode_native_sample_bytes(bytes: &[u8]) -> Result<NativeSample, PromError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| decode_err(format!("native histogram sample: {e}")))?;
    decode_native_sample(&v)
}

/// Every native histogram series in a `query` (vector: `"histogram"`) or `query_range` (matrix:
/// `"histograms"`) response, in the server's order; series without native histograms are left out.
pub fn decode_native_series(http_status: u16, body: &[u8]) -> Result<QueryResponse<Vec<NativeSeries>>, PromError> {
    let (data, warnings, infos) = decode_envelope_value(http_status, body)?;
    let result = match data.get("result") {
        None | Some(Value::Null) => return Ok(QueryResponse { data: Vec::new(), warnings, infos }),
        Some(Value::Array(r)) => r,
        Some(other) => return Err(decode_err(format!("\"result\" should be a list, found {}", json_kind(other)))),
    };
    let mut out = Vec::new();
    for s in result {
        let mut samples = Vec::new();
        if let Some(one) = s.get("histogram") {
            samples.push(decode_native_sample(one)?);
        }
        match s.get("histograms") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for one in list {
                    samples.push(decode_native_sample(one)?);
                }
            }
            Some(other) => return Err(decode_err(format!("\"histograms\" should be a list, found {}", json_kind(other)))),
        }
        if !samples.is_empty() {
            out.push(NativeSeries { labels: labels_of(s.get("metric")), samples });
        }
    }
    Ok(QueryResponse { data: out, warnings, infos })
}

/// Prometheus 3's `histogram_quantile(q, h)` for a native histogram; see the module doc.
pub fn native_quantile(q: f64, h: &NativeHistogram) -> f64 {
    native_quantile_with(q, h, NativeInterpolation::Exponential)
}

/// [`native_quantile`] with a chosen interpolation.
pub fn native_quantile_with(q: f64, h: &NativeHistogram, interpolation: NativeInterpolation) -> f64 {
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    if h.count == 0.0 || q.is_nan() {
        return f64::NAN;
    }
    let forward = h.sum.is_nan() || q < 0.5;
    let mut rank = if forward { q * h.count } else { (1.0 - q) * h.count };
    // Go's zero value of histogram.Bucket when there is no bucket at all.
    let mut bucket = NativeBucket { boundary: BoundaryRule::OpenLeft, lower: 0.0, upper: 0.0, count: 0.0 };
    let mut count = 0.0;
    let mut walk = |b: &NativeBucket| {
        if b.count == 0.0 {
            return false;
        }
        bucket = *b;
        count += b.count;
        count >= rank
    };
    if forward {
        for b in &h.buckets {
            if walk(b) {
                break;
            }
        }
    } else {
        for b in h.buckets.iter().rev() {
            if walk(b) {
                break;
            }
        }
    }
    let custom = h.custom_buckets;
    if !custom && bucket.lower < 0.0 && bucket.upper > 0.0 {
        let has_negative = h.buckets.iter().any(|b| !b.is_zero_bucket() && b.upper <= 0.0);
        let has_positive = h.buckets.iter().any(|b| !b.is_zero_bucket() && b.lower >= 0.0);
        if !has_negative && has_positive {
            bucket.lower = 0.0;
        } else if !has_positive && has_negative {
            bucket.upper = 0.0;
        }
    } else if custom {
        if bucket.lower == f64::NEG_INFINITY {
            if bucket.upper <= 0.0 {
                return bucket.upper;
            }
            bucket.lower = 0.0;
        } else if bucket.upper == f64::INFINITY {
            return bucket.lower;
        }
    }
    if count > h.count {
        count = h.count;
    }
    if count < rank {
        return bucket.upper;
    }
    if forward {
        rank -= count - bucket.count;
    } else {
        rank = count - rank;
    }
    let fraction = rank / bucket.count;
    if custom || interpolation == NativeInterpolation::Linear || (bucket.lower <= 0.0 && bucket.upper >= 0.0) {
        return bucket.lower + (bucket.upper - bucket.lower) * fraction;
    }
    let log_lower = bucket.lower.abs().log2();
    let log_upper = bucket.upper.abs().log2();
    if bucket.lower > 0.0 {
        return (log_lower + (log_upper - log_lower) * fraction).exp2();
    }
    -(log_upper + (log_lower - log_upper) * (1.0 - fraction)).exp2()
}

fn decode_bucket(v: &Value) -> Result<NativeBucket, PromError> {
    let bad = || decode_err(format!("a native histogram bucket should be [rule, lower, upper, count], found {v}"));
    let parts = v.as_array().ok_or_else(bad)?;
    let [rule, lower, upper, count] = parts.as_slice() else { return Err(bad()) };
    let boundary = rule.as_u64().and_then(BoundaryRule::from_code).ok_or_else(|| {
        decode_err(format!("native histogram bucket boundary rule should be 0, 1, 2 or 3, found {rule}"))
    })?;
    let (Some(lower), Some(upper), Some(count)) = (number_of(lower), number_of(upper), number_of(count)) else {
        return Err(bad());
    };
    Ok(NativeBucket { boundary, lower, upper, count })
}

/// Exponential schemas run from −4 (base 2^16) to 8 (base 2^(1/256)).
const SCHEMAS: std::ops::RangeInclusive<i32> = -4..=8;

/// True when the bounds cannot come from one exponential schema (see the module doc).
fn looks_custom(buckets: &[NativeBucket]) -> bool {
    if buckets.iter().any(|b| b.lower.is_infinite() || b.upper.is_infinite()) {
        return true;
    }
    let mut schema: Option<i32> = None;
    for b in buckets.iter().filter(|b| !b.is_zero_bucket()) {
        let (lo, hi) = (b.lower.abs().min(b.upper.abs()), b.lower.abs().max(b.upper.abs()));
        if !(lo > 0.0 && hi > lo) || (b.lower < 0.0) != (b.upper <= 0.0) {
            return true;
        }
        // log2 of the bucket's ratio is 2^-schema; the upper bound is an integer power of the base.
        let ratio_log = (hi / lo).log2();
        let s = -ratio_log.log2();
        let s_round = s.round();
        if (s - s_round).abs() > 1e-6 || !SCHEMAS.contains(&(s_round as i32)) {
            return true;
        }
        let s_int = s_round as i32;
        if schema.is_some_and(|known| known != s_int) {
            return true;
        }
        schema = Some(s_int);
        let index = hi.log2() * f64::from(s_int).exp2();
        if (index - index.round()).abs() > 1e-6 {
            return true;
        }
    }
    false
}

fn decode_err(detail: String) -> PromError {
    PromError::Decode { detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(rule: BoundaryRule, lower: f64, upper: f64, count: f64) -> NativeBucket {
        NativeBucket { boundary: rule, lower, upper, count }
    }

    #[test]
    fn exponential_layouts_are_not_custom() {
        let pos = BoundaryRule::OpenLeft;
        assert!(!looks_custom(&[b(pos, 0.5, 1.0, 1.0), b(pos, 1.0, 2.0, 1.0), b(pos, 4.0, 8.0, 1.0)]));
        let r = 2f64.sqrt();
        assert!(!looks_custom(&[b(pos, 1.0, r, 1.0), b(pos, r, 2.0, 1.0)]));
        assert!(!looks_custom(&[b(BoundaryRule::OpenRight, -2.0, -1.0, 1.0), b(BoundaryRule::ClosedBoth, -0.001, 0.001, 1.0)]));
        assert!(looks_custom(&[b(pos, 0.1, 0.25, 1.0)]));
        assert!(looks_custom(&[b(pos, f64::NEG_INFINITY, 0.1, 1.0)]));
        assert!(looks_custom(&[b(pos, 1.0, 2.0, 1.0), b(pos, 2.0, 2.0 * r, 1.0)]), "two schemas");
    }
}
