//! `histogram_quantile` over classic (`le`) buckets, as Prometheus' `promql/quantile.go`.
//!
//! Contract:
//! - [`bucket_quantile`]: `q` NaN → NaN, `q < 0` → −Inf, `q > 1` → +Inf; buckets are sorted by
//!   upper bound, equal bounds merged, float noise up to a relative 1e-12 flattened and the
//!   counts forced monotonic; a highest bound that is not +Inf, fewer than 2 buckets or 0
//!   observations → NaN; a rank in the +Inf bucket returns the largest finite bound; a rank in a
//!   lowest bucket with bound ≤ 0 returns that bound; otherwise linear interpolation inside the
//!   bucket (the lowest bucket starts at 0).
//! - [`histogram_quantile`] groups the input series by their labels minus `__name__` and `le`
//!   (which is also the output label set); series whose `le` is missing or not a number are
//!   ignored. A group has a point at a step when any of its buckets has one.
//! - Cost: O(b log b) per group and step for b buckets.

use std::collections::BTreeMap;

use super::VSeries;
use crate::series::Labels;

/// The `q`-quantile of cumulative buckets `(upper_bound, count)`, in any order.
pub fn bucket_quantile(q: f64, buckets: &mut Vec<(f64, f64)>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    buckets.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    match buckets.last() {
        Some(&(ub, _)) if ub == f64::INFINITY => {}
        _ => return f64::NAN,
    }
    coalesce(buckets);
    correct_precision_errors(buckets, 1e-12);
    ensure_monotonic(buckets);
    let n = buckets.len();
    if n < 2 {
        return f64::NAN;
    }
    let Some(&(_, observations)) = buckets.last() else { return f64::NAN };
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    // First bucket among all but the last whose count reaches the rank (sort.Search).
    let b = buckets.get(..n - 1).map_or(0, |head| head.partition_point(|&(_, c)| c < rank));
    if b == n - 1 {
        return buckets.get(n - 2).map_or(f64::NAN, |x| x.0);
    }
    let Some(&(end, mut count)) = buckets.get(b) else { return f64::NAN };
    if b == 0 && end <= 0.0 {
        return end;
    }
    let mut start = 0.0;
    if let Some(&(prev_ub, prev_count)) = b.checked_sub(1).and_then(|p| buckets.get(p)) {
        start = prev_ub;
        count -= prev_count;
        rank -= prev_count;
    }
    start + (end - start) * (rank / count)
}

fn coalesce(buckets: &mut Vec<(f64, f64)>) {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    for &(ub, c) in buckets.iter() {
        match out.last_mut() {
            Some(last) if last.0 == ub => last.1 += c,
            _ => out.push((ub, c)),
        }
    }
    *buckets = out;
}

fn correct_precision_errors(buckets: &mut [(f64, f64)], tolerance: f64) {
    let Some(&(_, mut prev)) = buckets.first() else { return };
    for b in buckets.iter_mut().skip(1) {
        let curr = b.1;
        let delta = (curr - prev).abs();
        if delta == 0.0 {
            continue;
        }
        if delta / curr <= tolerance {
            b.1 = prev;
        } else {
            prev = curr;
        }
    }
}

fn ensure_monotonic(buckets: &mut [(f64, f64)]) {
    let Some(&(_, mut max)) = buckets.first() else { return };
    for b in buckets.iter_mut().skip(1) {
        if b.1 > max {
            max = b.1;
        } else if b.1 < max {
            b.1 = max;
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_quantile_matches_the_reference_vectors() {
        let base = vec![(0.1, 50.0), (0.25, 80.0), (0.5, 95.0), (1.0, 99.0), (f64::INFINITY, 100.0)];
        for (q, want) in [(0.5, 0.1), (0.9, 0.416_666_666_666_666_7), (0.95, 0.5), (0.99, 1.0), (0.995, 1.0)] {
            let got = bucket_quantile(q, &mut base.clone());
            assert!((got - want).abs() < 1e-12, "q={q}: {got} != {want}");
        }
    }
}
