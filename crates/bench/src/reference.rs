//! Plain reference implementations that every timed result is checked against before it is
//! timed: a full sort for percentiles, per-point column arithmetic for M4, a line-by-line port of
//! Prometheus' `bucketQuantile` for histogram quantiles, the generator's own columns for JSON, and
//! window-by-window sums for burn rates.
//! Slow on purpose; they are never timed.

use sightline_core::formats::prometheus::{QueryResponse, ResultData};

use crate::inputs::PromJson;

/// Percentiles read from a full sort (total order, non-finite values excluded).
#[derive(Debug, Clone, PartialEq)]
pub struct SortedPercentiles {
    /// Linear interpolation (type 7).
    pub linear: Vec<f64>,
    /// Nearest rank `x[⌈q·n⌉ − 1]`.
    pub nearest_rank: Vec<f64>,
    /// Grafana's reducer `x[round((n−1)·q)]`.
    pub grafana: Vec<f64>,
}

/// Sorts a copy of `values` and reads `qs` by each definition.
pub fn percentiles_by_sort(values: &[f64], qs: &[f64]) -> SortedPercentiles {
    let mut x: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    x.sort_unstable_by(f64::total_cmp);
    let n = x.len();
    let at = |i: usize| x.get(i.min(n.saturating_sub(1))).copied().unwrap_or(f64::NAN);
    let linear = qs
        .iter()
        .map(|&q| {
            let h = n.saturating_sub(1) as f64 * q;
            let j = h.floor() as usize;
            if h > j as f64 && j + 1 < n {
                at(j) + (h - j as f64) * (at(j + 1) - at(j))
            } else {
                at(j)
            }
        })
        .collect();
    let nearest_rank = qs.iter().map(|&q| at(((q * n as f64).ceil() as usize).saturating_sub(1))).collect();
    let grafana = qs.iter().map(|&q| at((n.saturating_sub(1) as f64 * q).round() as usize)).collect();
    SortedPercentiles { linear, nearest_rank, grafana }
}

/// M4 by the definition (algorithms.md §4.2): per point, its column `⌊(t−t0)·w/(t1−t0)⌋`; runs
/// broken at non-finite values and gaps; per column of a run the first, first minimum, first
/// maximum and last point, in input order; runs separated by a NaN entry.
pub fn m4(t: &[i64], v: &[f64], t0: i64, t1: i64, w: u32, gap: Option<i64>) -> (Vec<i64>, Vec<f64>) {
    let column = |ti: i64| -> i128 {
        if ti <= t0 {
            return 0;
        }
        let c = (i128::from(ti) - i128::from(t0)) * i128::from(w) / (i128::from(t1) - i128::from(t0));
        c.min(i128::from(w) - 1)
    };
    let (mut ot, mut ov) = (Vec::new(), Vec::new());
    let mut pending: Option<i64> = None;
    // The open column: (column, first, min, max, last) as (index, t, v).
    type P = (usize, i64, f64);
    let mut open: Option<(i128, P, P, P, P)> = None;
    let flush =
        |open: &mut Option<(i128, P, P, P, P)>, ot: &mut Vec<i64>, ov: &mut Vec<f64>, pending: &mut Option<i64>| {
            if let Some((_, first, min, max, last)) = open.take() {
                let mut keep = vec![first, min, max, last];
                keep.sort_by_key(|p| p.0);
                keep.dedup_by_key(|p| p.0);
                for p in keep {
                    if let Some(bt) = pending.take() {
                        ot.push(bt);
                        ov.push(f64::NAN);
                    }
                    ot.push(p.1);
                    ov.push(p.2);
                }
            }
        };
    let mut prev_t: Option<i64> = None;
    for (i, (&ti, &vi)) in t.iter().zip(v).enumerate() {
        let gap_break = matches!((gap, prev_t), (Some(g), Some(p)) if g > 0 && ti.saturating_sub(p) > g);
        if !vi.is_finite() || gap_break {
            flush(&mut open, &mut ot, &mut ov, &mut pending);
            if !ot.is_empty() && pending.is_none() {
                pending = Some(ti);
            }
        }
        if !vi.is_finite() {
            prev_t = None;
            continue;
        }
        prev_t = Some(ti);
        let c = column(ti);
        let p = (i, ti, vi);
        match open.as_mut() {
            Some((oc, _, min, max, last)) if *oc == c => {
                if vi < min.2 {
                    *min = p;
                }
                if vi > max.2 {
                    *max = p;
                }
                *last = p;
            }
            _ => {
                flush(&mut open, &mut ot, &mut ov, &mut pending);
                open = Some((c, p, p, p, p));
            }
        }
    }
    flush(&mut open, &mut ot, &mut ov, &mut pending);
    (ot, ov)
}

/// Prometheus' `bucketQuantile` (promql/quantile.go, 3.x) and `almost.Equal`, line by line, on
/// one step's `(upper_bound, count)` pairs.
pub fn bucket_quantile(q: f64, bounds: &[f64], counts: &[f64]) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    let mut b: Vec<(f64, f64)> = bounds.iter().copied().zip(counts.iter().copied()).collect();
    b.sort_by(|x, y| x.0.partial_cmp(&y.0).unwrap_or(std::cmp::Ordering::Equal));
    if b.last().map(|x| x.0) != Some(f64::INFINITY) {
        return f64::NAN;
    }
    // coalesceBuckets
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for x in b {
        match merged.last_mut() {
            Some(last) if last.0 == x.0 => last.1 += x.1,
            _ => merged.push(x),
        }
    }
    // ensureMonotonicAndIgnoreSmallDeltas
    let almost_equal = |a: f64, b: f64, eps: f64| {
        if a.is_nan() && b.is_nan() || a == b {
            return true;
        }
        let abs_sum = a.abs() + b.abs();
        let diff = (a - b).abs();
        if a == 0.0 || b == 0.0 || abs_sum < f64::MIN_POSITIVE {
            return diff < eps * f64::MIN_POSITIVE;
        }
        diff / abs_sum.min(f64::MAX) < eps
    };
    let mut prev = merged[0].1;
    for bucket in merged.iter_mut().skip(1) {
        let curr = bucket.1;
        if curr == prev {
            continue;
        }
        if almost_equal(prev, curr, 1e-12) {
            bucket.1 = prev;
            continue;
        }
        if curr < prev {
            bucket.1 = prev;
            continue;
        }
        prev = curr;
    }
    let n = merged.len();
    if n < 2 {
        return f64::NAN;
    }
    let observations = merged[n - 1].1;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    // sort.Search(n-1, count >= rank)
    let (mut i, mut j) = (0, n - 1);
    while i < j {
        let h = (i + j) / 2;
        if merged[h].1 < rank || merged[h].1.is_nan() {
            i = h + 1;
        } else {
            j = h;
        }
    }
    let b = i;
    if b == n - 1 {
        return merged[n - 2].0;
    }
    if b == 0 && merged[0].0 <= 0.0 {
        return merged[0].0;
    }
    let (mut start, end, mut count) = (0.0, merged[b].0, merged[b].1);
    if b > 0 {
        start = merged[b - 1].0;
        count -= merged[b - 1].1;
        rank -= merged[b - 1].1;
    }
    start + (end - start) * (rank / count)
}

/// Checks a decoded response against the generator's columns: one matrix series per generated
/// series, every timestamp and value bit-identical (NaN equals NaN).
pub fn check_decoded(got: &QueryResponse, want: &PromJson) -> Result<(), String> {
    let ResultData::Matrix(series) = &got.data else { return Err("not a matrix".into()) };
    if series.len() != want.series {
        return Err(format!("{} series, expected {}", series.len(), want.series));
    }
    let points = want.t_ms.len();
    for (i, s) in series.iter().enumerate() {
        if s.t_ms != want.t_ms {
            return Err(format!("series {i}: timestamps differ"));
        }
        let expected = want.values.get(i * points..(i + 1) * points).unwrap_or(&[]);
        let same = s.values.len() == expected.len()
            && s.values.iter().zip(expected).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        if !same {
            return Err(format!("series {i}: values differ"));
        }
    }
    Ok(())
}

/// Checks two floats for equality within `tol` (absolute for |x| < 1, relative above); NaN equals NaN.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// Burn rates by summing each window's minutes afresh (no prefix sums): for every SLO of
/// `steps` minutes and every window of `w` minutes ending at the last minute,
/// `(bad / total) / budget`, NaN without events.
pub fn burn_rates(bad: &[f64], total: &[f64], steps: usize, windows: &[usize], budget: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if steps == 0 {
        return out;
    }
    for (b, t) in bad.chunks_exact(steps).zip(total.chunks_exact(steps)) {
        for &w in windows {
            let from = steps.saturating_sub(w);
            let sb: f64 = b.iter().skip(from).sum();
            let st: f64 = t.iter().skip(from).sum();
            out.push(if st > 0.0 { (sb / st).clamp(0.0, 1.0) / budget } else { f64::NAN });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_reproduce_the_algorithms_md_vectors() {
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = percentiles_by_sort(&hundred, &[0.5, 0.95, 0.99]);
        assert_eq!(p.nearest_rank, vec![50.0, 95.0, 99.0]);
        assert_eq!(p.grafana, vec![51.0, 95.0, 99.0]);
        assert!(close(p.linear[1], 95.05, 1e-12));
        let bounds = [0.1, 0.25, 0.5, 1.0, f64::INFINITY];
        let counts = [50.0, 80.0, 95.0, 99.0, 100.0];
        assert!(close(bucket_quantile(0.9, &bounds, &counts), 0.416_666_666_666_666_7, 1e-12));
        assert_eq!(bucket_quantile(0.995, &bounds, &counts), 1.0);
        let (t, v) = m4(&[0, 1, 2, 3, 4, 5], &[3.0, 9.0, 1.0, 1.0, 9.0, 4.0], 0, 6, 1, None);
        assert_eq!((t, v), (vec![0, 1, 2, 5], vec![3.0, 9.0, 1.0, 4.0]));
    }
}
