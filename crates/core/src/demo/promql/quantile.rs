//! `histogram_quantile` over classic (`le`) buckets, as Prometheus' `promql/quantile.go`.
//!
//! Contract:
//! - The bucket math is [`crate::stats::histogram::bucket_quantile`] (Prometheus'
//!   `bucketQuantile`, re-exported here for the demo's callers).
//! - `histogram_quantile` groups the input series by their labels minus `__name__` and `le`
//!   (which is also the output label set); series whose `le` is missing or not a number are
//!   ignored. A group has a point at a step when any of its buckets has one.
//! - Cost: O(b log b) per group and step for b buckets.

use std::collections::BTreeMap;

use super::VSeries;
pub use crate::stats::histogram::bucket_quantile;
use crate::series::Labels;

/// Parses an `le` value as Go's `strconv.ParseFloat` would for the usual forms.
fn parse_le(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

pub(crate) fn histogram_quantile(q: &[f64], input: Vec<VSeries>) -> Vec<VSeries> {
    let n_steps = q.len();
    let mut groups: BTreeMap<Labels, Vec<(f64, usize)>> = BTreeMap::new();
    for (i, s) in input.iter().enumerate() {
        let Some(le) = s.labels.get("le").and_then(parse_le) else { continue };
        let mut key = s.labels.clone();
        key.0.remove("__name__");
        key.0.remove("le");
        groups.entry(key).or_default().push((le, i));
    }
    let mut out = Vec::with_capacity(groups.len());
    let mut buckets = Vec::new();
    for (labels, members) in groups {
        let mut points = Vec::with_capacity(n_steps);
        for (s, &qv) in q.iter().enumerate() {
            buckets.clear();
            for &(le, i) in &members {
                if let Some(c) = input.get(i).and_then(|x| x.points.get(s).copied().flatten()) {
                    buckets.push((le, c));
                }
            }
            points.push((!buckets.is_empty()).then(|| bucket_quantile(qv, &mut buckets)));
        }
        out.push(VSeries { labels, points });
    }
    out
}
