//! Stacking series for a stacked chart: each series is drawn on top of the sum of the ones before
//! it, at equal timestamps (range-query results share one step grid).
//!
//! Contract: the output has the same series, labels and timestamps as the input; each value is
//! the running sum of the finite values of this and the earlier series at that timestamp. A
//! series' own missing or non-finite value stays NaN (its line breaks there) but adds nothing to
//! the series above it — Grafana's "null as zero" for stacking. O(total points · log) with one
//! `BTreeMap` of running sums keyed by timestamp.

use std::collections::BTreeMap;

use crate::series::Series;

/// The stacked copy of `series`, in the given order.
pub fn stack(series: &[Series]) -> Vec<Series> {
    let mut base: BTreeMap<i64, f64> = BTreeMap::new();
    series
        .iter()
        .map(|s| {
            let values = s
                .t_ms
                .iter()
                .zip(&s.values)
                .map(|(t, v)| {
                    let below = base.entry(*t).or_insert(0.0);
                    if v.is_finite() {
                        *below += v;
                        *below
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            Series { labels: s.labels.clone(), t_ms: s.t_ms.clone(), values }
        })
        .collect()
}
