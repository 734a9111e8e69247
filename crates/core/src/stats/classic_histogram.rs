//! Client-side `histogram_quantile` from raw classic `_bucket` counter series: the exact analogue
//! of `histogram_quantile(q, sum by (le, by…) (rate(x_bucket[w])))` evaluated by Prometheus over a
//! `query_range` grid.
//!
//! Pipeline, each step as Prometheus does it:
//! 1. per bucket series, `rate` over the window with [`crate::counters`]' Prometheus-compatible
//!    mode (left-open windows, extrapolation, reset handling; a series with < 2 samples in a window
//!    contributes nothing at that step);
//! 2. sum the rates by `le` plus the grouping labels (`by = None` keeps every label but `le` and
//!    `__name__`, i.e. `histogram_quantile(q, rate(x_bucket[w]))` without aggregation);
//! 3. per group and step, [`crate::stats::histogram::bucket_quantile`] over the `(le, rate)` pairs
//!    present at that step (NaN when the `+Inf` bucket is missing, as in Prometheus).
//!
//! Contract: series whose `le` label is missing or not a number are skipped with one warning (as
//! Prometheus' "bad bucket label" annotation); a group has a point at a step only when at least one
//! of its buckets has a rate there; output series are sorted by labels and carry only the grouping
//! labels; `q` outside `[0, 1]` gives ±Inf and NaN gives NaN, as in PromQL. Cost O(n + groups ×
//! buckets × steps). Sums are plain left-to-right additions in input order (recent Prometheus
//! releases sum with Kahan compensation; the difference is far below the 1e-9 relative agreement
//! the tests pin against captured Prometheus answers).

use std::collections::BTreeMap;

use crate::counters::{rate_series, EvalGrid};
use crate::series::{Labels, Series};
use crate::stats::histogram::bucket_quantile;

/// The result: one series per group, plus warnings for skipped input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassicQuantile {
    pub series: Vec<Series>,
    pub warnings: Vec<String>,
}

/// `histogram_quantile(q, sum by (le, by…) (rate(buckets[window_ms])))` at every time of `grid`
/// (`by = None`: no aggregation, grouping by all labels except `le` and `__name__`).
pub fn histogram_quantile_classic(
    q: f64,
    buckets: &[Series],
    window_ms: i64,
    grid: EvalGrid,
    by: Option<&[String]>,
) -> ClassicQuantile {
    let steps = grid.len();
    let times: Vec<i64> = grid.times().collect();
    // group labels → le text → (parsed bound, per-step sum, per-step presence)
    let mut groups: BTreeMap<Labels, BTreeMap<String, BucketSums>> = BTreeMap::new();
    let mut bad_le = 0usize;
    for s in buckets {
        let Some(le_text) = s.labels.get("le") else {
            bad_le += 1;
            continue;
        };
        let Some(bound) = parse_go_float(le_text) else {
            bad_le += 1;
            continue;
        };
        let key = group_labels(&s.labels, by);
        let rates = rate_series(s, window_ms, grid);
        let sums = groups.entry(key).or_default().entry(le_text.to_string()).or_insert_with(|| BucketSums {
            bound,
            sum: vec![0.0; steps],
            present: vec![false; steps],
        });
        let mut idx = 0usize;
        for (&t, &v) in rates.t_ms.iter().zip(&rates.values) {
            // Rate points are a subsequence of the grid: advance to t.
            while times.get(idx).is_some_and(|&g| g < t) {
                idx += 1;
            }
            if let (Some(sum), Some(present)) = (sums.sum.get_mut(idx), sums.present.get_mut(idx)) {
                *sum += v;
                *present = true;
            }
        }
    }
    let mut out = ClassicQuantile::default();
    if bad_le > 0 {
        out.warnings.push(format!(
            "{bad_le} series without a numeric \"le\" label were ignored (they are not classic histogram buckets)"
        ));
    }
    let mut scratch: Vec<(f64, f64)> = Vec::new();
    for (labels, by_le) in groups {
        let mut series = Series { labels, t_ms: Vec::new(), values: Vec::new() };
        for (i, &t) in times.iter().enumerate() {
            scratch.clear();
            for b in by_le.values() {
                if b.present.get(i) == Some(&true) {
                    scratch.push((b.bound, b.sum.get(i).copied().unwrap_or(0.0)));
                }
            }
            if scratch.is_empty() {
                continue;
            }
            series.t_ms.push(t);
            series.values.push(bucket_quantile(q, &mut scratch));
        }
        if !series.is_empty() {
            out.series.push(series);
        }
    }
    out
}

struct BucketSums {
    bound: f64,
    sum: Vec<f64>,
    present: Vec<bool>,
}

/// The labels a bucket series is grouped under.
fn group_labels(labels: &Labels, by: Option<&[String]>) -> Labels {
    match by {
        Some(by) => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| k.as_str() != "le" && by.iter().any(|b| b == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| k.as_str() != "le" && k.as_str() != "__name__")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}

/// Go's `strconv.ParseFloat` for the spellings `le` labels use (`0.25`, `1e-3`, `+Inf`, `Inf`,
/// `-Inf`, `NaN`, case-insensitive specials).
fn parse_go_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['+', '-']);
    let negative = s.starts_with('-');
    if t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("infinity") {
        return Some(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    s.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_spellings_parse_like_go() {
        assert_eq!(parse_go_float("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_go_float("inf"), Some(f64::INFINITY));
        assert_eq!(parse_go_float("-Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_go_float("0.25"), Some(0.25));
        assert_eq!(parse_go_float("1e-3"), Some(0.001));
        assert!(parse_go_float("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_go_float("fast"), None);
        assert_eq!(parse_go_float(""), None);
    }
}
