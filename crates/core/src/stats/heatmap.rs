//! A latency heatmap from classic histogram buckets over time: the cumulative `le` series of a
//! range query (`sum by (le) (rate(x_bucket[5m]))`, or raw `x_bucket` series) turned into a grid
//! of per-bucket counts, one column per time step and one row per bucket, as Grafana's heatmap
//! panel does with "Format: heatmap" and "Data: buckets".
//!
//! Contract of [`heatmap`]:
//! - **Groups**: series are grouped by their labels minus `le` ([`bucket_groups`], sorted). The
//!   [`GroupChoice`] takes one group or sums every group bound by bound and step by step (a sum
//!   counts the groups that have a finite value there, like PromQL's `sum`; NaN when none does).
//!   Series whose `le` label is missing or not a number (`NaN` included) are skipped and counted
//!   in [`Heatmap::skipped`]. Two series of one group with the same bound (`0.1` and `0.10`) are
//!   added together, as Prometheus' `histogram_quantile` coalesces them.
//! - **Bounds**: the union of the chosen groups' upper bounds, ascending; `+Inf` is last when
//!   present. A group lacking a bound contributes nothing to it.
//! - **Time**: the union of the chosen series' timestamps, ascending (a `query_range` result is
//!   already on one grid). A series without a sample at a step is missing there.
//! - **De-cumulation** per step: the cell of bucket `j` is the count in `(bounds[j-1], bounds[j]]`
//!   = `cum[j] − cum[j-1]`; the first bucket's cell is `cum[0]`. A negative difference (buckets
//!   scraped at slightly different instants, a counter reset caught in one bucket only) is
//!   clamped to 0 and counted in [`Heatmap::clamped`]; so is a negative first bucket.
//! - **Missing and non-finite**: a cell is `NaN` when its cumulative value or (for `j > 0`) the one
//!   below is missing or not finite — drawn as an empty cell, never as 0.
//! - **Units**: cells keep the input's unit (observations, or observations per second under
//!   `rate`); bounds keep the `le` unit (seconds for `_seconds_bucket`).
//! - [`Heatmap::max`] is the largest finite cell, 0 when there is none.
//! - Cost O(n log n) in the number of samples (sorting the time union), O(steps × buckets) memory;
//!   never panics on any input.

use crate::series::{Labels, Series};

/// Per-bucket counts over time; see the module doc.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heatmap {
    /// Upper bounds of the buckets, ascending, `+Inf` last when present.
    pub bounds: Vec<f64>,
    /// The time of each step (ms since the Unix epoch), ascending.
    pub t_ms: Vec<i64>,
    /// Counts, row-major by time: the cell of step `s` and bucket `b` is
    /// `cells[s * bounds.len() + b]`. `NaN` = missing.
    pub cells: Vec<f64>,
    /// Largest finite cell (0 when there is none).
    pub max: f64,
    /// How many negative differences were clamped to 0.
    pub clamped: usize,
    /// How many input series were skipped for a missing or non-numeric `le` label.
    pub skipped: usize,
}

/// Which groups (label sets minus `le`) the heatmap shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum GroupChoice {
    /// Every group, summed bucket by bucket.
    #[default]
    Sum,
    /// Only the group with these labels (as returned by [`bucket_groups`]).
    One(Labels),
}

/// Why no heatmap could be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeatmapError {
    /// No series has a numeric `le` label: the query does not return histogram buckets. Query
    /// cumulative bucket series, e.g. `sum by (le) (rate(x_bucket[5m]))`.
    NoBuckets,
    /// [`GroupChoice::One`] names a group that is not in the result; pick one of
    /// [`bucket_groups`].
    UnknownGroup,
}

impl std::fmt::Display for HeatmapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeatmapError::NoBuckets => write!(
                f,
                "the heatmap needs histogram bucket series (with an `le` label); try `sum by (le) (rate(x_bucket[5m]))`"
            ),
            HeatmapError::UnknownGroup => write!(f, "the chosen series group is not in the result; pick another group"),
        }
    }
}

impl std::error::Error for HeatmapError {}

impl Heatmap {
    /// Number of buckets (rows).
    pub fn buckets(&self) -> usize {
        self.bounds.len()
    }

    /// Number of time steps (columns).
    pub fn steps(&self) -> usize {
        self.t_ms.len()
    }

    /// The cell of step `step` and bucket `bucket`; `None` out of range.
    pub fn cell(&self, step: usize, bucket: usize) -> Option<f64> {
        if bucket >= self.bounds.len() {
            return None;
        }
        self.cells.get(step.checked_mul(self.bounds.len())?.checked_add(bucket)?).copied()
    }

    /// The lower bound of bucket `bucket`: the previous upper bound; for the first bucket 0 when
    /// its upper bound is positive, else `-Inf` (Prometheus' `histogram_quantile` convention).
    pub fn lower_bound(&self, bucket: usize) -> Option<f64> {
        let upper = *self.bounds.get(bucket)?;
        match bucket.checked_sub(1).and_then(|b| self.bounds.get(b)) {
            Some(prev) => Some(*prev),
            None => Some(if upper > 0.0 { 0.0 } else { f64::NEG_INFINITY }),
        }
    }

    /// Per bucket, the sum of its finite cells over all steps (where the observations fell).
    pub fn bucket_totals(&self) -> Vec<f64> {
        let n = self.bounds.len();
        let mut totals = vec![0.0; n];
        if n == 0 {
            return totals;
        }
        for row in self.cells.chunks_exact(n) {
            for (t, c) in totals.iter_mut().zip(row) {
                if c.is_finite() {
                    *t += c;
                }
            }
        }
        totals
    }

    /// The step whose time is nearest to `t_ms`; `None` when there is no step.
    pub fn nearest_step(&self, t_ms: i64) -> Option<usize> {
        let i = self.t_ms.partition_point(|&t| t < t_ms);
        [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter(|&j| j < self.t_ms.len())
            .min_by_key(|&j| self.t_ms.get(j).map_or(u64::MAX, |t| t.abs_diff(t_ms)))
    }
}

/// The distinct label sets of the bucket series (labels minus `le`), sorted. Series without a
/// numeric `le` are not bucket series and are left out.
pub fn bucket_groups(series: &[Series]) -> Vec<Labels> {
    let mut groups: Vec<Labels> = series.iter().filter(|s| le_bound(&s.labels).is_some()).map(|s| without_le(&s.labels)).collect();
    groups.sort();
    groups.dedup();
    groups
}

/// True when at least one series has a numeric `le` label.
pub fn has_buckets(series: &[Series]) -> bool {
    series.iter().any(|s| le_bound(&s.labels).is_some())
}

/// Builds the heatmap of `series` for `choice`; see the module doc for the contract.
pub fn heatmap(series: &[Series], choice: &GroupChoice) -> Result<Heatmap, HeatmapError> {
    let mut skipped = 0usize;
    // (bound, series) of the chosen groups.
    let mut chosen: Vec<(f64, &Series)> = Vec::new();
    let mut any_bucket = false;
    for s in series {
        let Some(bound) = le_bound(&s.labels) else {
            skipped += 1;
            continue;
        };
        any_bucket = true;
        let keep = match choice {
            GroupChoice::Sum => true,
            GroupChoice::One(g) => without_le(&s.labels) == *g,
        };
        if keep {
            chosen.push((bound, s));
        }
    }
    if !any_bucket {
        return Err(HeatmapError::NoBuckets);
    }
    if chosen.is_empty() {
        return Err(HeatmapError::UnknownGroup);
    }

    let mut bounds: Vec<f64> = chosen.iter().map(|(b, _)| *b).collect();
    bounds.sort_by(f64::total_cmp);
    bounds.dedup_by(|a, b| a.total_cmp(b).is_eq());
    let mut t_ms: Vec<i64> = chosen.iter().flat_map(|(_, s)| s.t_ms.iter().copied()).collect();
    t_ms.sort_unstable();
    t_ms.dedup();

    let (nb, nt) = (bounds.len(), t_ms.len());
    let Some(size) = nb.checked_mul(nt) else { return Err(HeatmapError::NoBuckets) };
    // Cumulative sums, row-major by time; NaN until a finite value arrives.
    let mut cum = vec![f64::NAN; size];
    for (bound, s) in &chosen {
        let Ok(b) = bounds.binary_search_by(|x| x.total_cmp(bound)) else { continue };
        // Both columns are sorted: walk the time union alongside the series.
        let mut step = 0usize;
        for (&t, &v) in s.t_ms.iter().zip(&s.values) {
            while t_ms.get(step).is_some_and(|&u| u < t) {
                step += 1;
            }
            if t_ms.get(step) != Some(&t) {
                // Unsorted input: find the step the slow way.
                match t_ms.binary_search(&t) {
                    Ok(k) => step = k,
                    Err(_) => continue,
                }
            }
            if !v.is_finite() {
                continue;
            }
            if let Some(c) = cum.get_mut(step * nb + b) {
                *c = if c.is_nan() { v } else { *c + v };
            }
        }
    }

    let mut cells = vec![f64::NAN; size];
    let mut clamped = 0usize;
    let mut max = 0.0_f64;
    if nb > 0 {
        for (row_cum, row) in cum.chunks_exact(nb).zip(cells.chunks_exact_mut(nb)) {
            let mut prev: Option<f64> = None;
            for (j, (&c, out)) in row_cum.iter().zip(row.iter_mut()).enumerate() {
                let below = if j == 0 { Some(0.0) } else { prev };
                prev = c.is_finite().then_some(c);
                let (Some(lo), true) = (below, c.is_finite()) else { continue };
                let mut d = c - lo;
                if !d.is_finite() {
                    continue;
                }
                if d < 0.0 {
                    d = 0.0;
                    clamped += 1;
                }
                *out = d;
                max = max.max(d);
            }
        }
    }
    Ok(Heatmap { bounds, t_ms, cells, max, clamped, skipped })
}

/// The labels of a bucket series without `le`.
fn without_le(labels: &Labels) -> Labels {
    Labels(labels.0.iter().filter(|(k, _)| k.as_str() != "le").map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// The `le` bound of a series, parsed as Go's `strconv.ParseFloat` does (`+Inf`, `inf`, …); `None`
/// when missing, unparsable or NaN.
fn le_bound(labels: &Labels) -> Option<f64> {
    let text = labels.get("le")?.trim();
    let unsigned = text.trim_start_matches(['+', '-']);
    let v = if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }
    } else {
        text.parse::<f64>().ok()?
    };
    (!v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bucket(le: &str, extra: &[(&str, &str)], t_ms: &[i64], values: &[f64]) -> Series {
        let mut labels: Labels = extra.iter().map(|(k, v)| (*k, *v)).collect();
        labels.0.insert("le".into(), le.into());
        Series { labels, t_ms: t_ms.to_vec(), values: values.to_vec() }
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9)
    }

    #[test]
    fn decumulates_sorted_bounds_per_step() {
        // Given out of order, with +Inf spelled as Prometheus does.
        let series = vec![
            bucket("+Inf", &[], &[0, 10], &[10.0, 20.0]),
            bucket("0.1", &[], &[0, 10], &[2.0, 5.0]),
            bucket("0.5", &[], &[0, 10], &[7.0, 12.0]),
        ];
        let h = heatmap(&series, &GroupChoice::Sum).unwrap();
        assert_eq!(h.bounds, vec![0.1, 0.5, f64::INFINITY]);
        assert_eq!(h.t_ms, vec![0, 10]);
        // step 0: (0,0.1]=2, (0.1,0.5]=5, (0.5,+Inf]=3; step 1: 5, 7, 8
        assert!(same(&h.cells, &[2.0, 5.0, 3.0, 5.0, 7.0, 8.0]), "{:?}", h.cells);
        assert_eq!(h.max, 8.0);
        assert_eq!(h.clamped, 0);
        assert_eq!(h.cell(1, 2), Some(8.0));
        assert_eq!(h.cell(2, 0), None);
        assert_eq!(h.lower_bound(0), Some(0.0));
        assert_eq!(h.lower_bound(2), Some(0.5));
        assert_eq!(h.bucket_totals(), vec![7.0, 12.0, 11.0]);
    }

    #[test]
    fn negative_differences_are_clamped_to_zero_and_counted() {
        // Scrape skew: the 0.5 bucket was read before the 0.1 bucket caught up.
        let series = vec![bucket("0.1", &[], &[0], &[6.0]), bucket("0.5", &[], &[0], &[5.0]), bucket("+Inf", &[], &[0], &[9.0])];
        let h = heatmap(&series, &GroupChoice::Sum).unwrap();
        assert!(same(&h.cells, &[6.0, 0.0, 4.0]), "{:?}", h.cells);
        assert_eq!(h.clamped, 1);
    }

    #[test]
    fn missing_and_nan_samples_give_empty_cells_not_zero() {
        let series = vec![
            bucket("1", &[], &[0, 10, 20], &[1.0, f64::NAN, 3.0]),
            bucket("2", &[], &[0, 20], &[4.0, 5.0]),
            bucket("+Inf", &[], &[0, 10, 20], &[4.0, 6.0, 5.0]),
        ];
        let h = heatmap(&series, &GroupChoice::Sum).unwrap();
        // step 10: bucket 1 NaN, bucket 2 missing, +Inf has 6 but its neighbour below is missing.
        assert!(same(&h.cells, &[1.0, 3.0, 0.0, f64::NAN, f64::NAN, f64::NAN, 3.0, 2.0, 0.0]), "{:?}", h.cells);
        assert_eq!(h.max, 3.0);
    }

    #[test]
    fn groups_are_sorted_and_chosen_or_summed() {
        let series = vec![
            bucket("1", &[("service", "b")], &[0], &[1.0]),
            bucket("+Inf", &[("service", "b")], &[0], &[2.0]),
            bucket("1", &[("service", "a")], &[0], &[10.0]),
            bucket("+Inf", &[("service", "a")], &[0], &[30.0]),
        ];
        let groups = bucket_groups(&series);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].get("service"), Some("a"));
        let a = heatmap(&series, &GroupChoice::One(groups[0].clone())).unwrap();
        assert!(same(&a.cells, &[10.0, 20.0]));
        let sum = heatmap(&series, &GroupChoice::Sum).unwrap();
        assert!(same(&sum.cells, &[11.0, 21.0]));
        let missing: Labels = [("service", "zzz")].into_iter().collect();
        assert_eq!(heatmap(&series, &GroupChoice::One(missing)), Err(HeatmapError::UnknownGroup));
    }

    #[test]
    fn series_without_le_are_not_buckets() {
        let plain = Series { labels: [("service", "a")].into_iter().collect(), t_ms: vec![0], values: vec![1.0] };
        assert_eq!(heatmap(std::slice::from_ref(&plain), &GroupChoice::Sum), Err(HeatmapError::NoBuckets));
        assert!(!has_buckets(std::slice::from_ref(&plain)));
        let nan_le = bucket("NaN", &[], &[0], &[1.0]);
        let good = bucket("+Inf", &[], &[0], &[1.0]);
        let h = heatmap(&[plain, nan_le, good], &GroupChoice::Sum).unwrap();
        assert_eq!(h.skipped, 2);
        assert_eq!(h.bounds, vec![f64::INFINITY]);
        assert!(HeatmapError::NoBuckets.to_string().contains("sum by (le)"));
    }

    #[test]
    fn duplicate_bound_spellings_are_added() {
        let series = vec![bucket("0.1", &[], &[0], &[1.0]), bucket("0.10", &[], &[0], &[2.0]), bucket("+Inf", &[], &[0], &[5.0])];
        let h = heatmap(&series, &GroupChoice::Sum).unwrap();
        assert_eq!(h.bounds, vec![0.1, f64::INFINITY]);
        assert!(same(&h.cells, &[3.0, 2.0]));
    }

    #[test]
    fn nearest_step_snaps_to_the_closest_time() {
        let h = heatmap(&[bucket("+Inf", &[], &[0, 10, 20], &[1.0, 1.0, 1.0])], &GroupChoice::Sum).unwrap();
        assert_eq!(h.nearest_step(-5), Some(0));
        assert_eq!(h.nearest_step(14), Some(1));
        assert_eq!(h.nearest_step(16), Some(2));
        assert_eq!(h.nearest_step(99), Some(2));
        assert_eq!(Heatmap::default().nearest_step(0), None);
    }

    /// Cumulative bucket series from per-bucket increments (monotone in `le` by construction).
    fn cumulative(increments: &[Vec<f64>]) -> Vec<Series> {
        let les = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
        let steps = increments.len();
        let t: Vec<i64> = (0..steps as i64).map(|i| i * 15_000).collect();
        (0..les.len())
            .map(|b| {
                let values = increments.iter().map(|row| row.iter().take(b + 1).sum()).collect::<Vec<f64>>();
                bucket(les[b], &[], &t, &values)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn per_step_sum_equals_the_inf_bucket(increments in prop::collection::vec(prop::collection::vec(0.0f64..1e6, 7), 1..40)) {
            let series = cumulative(&increments);
            let h = heatmap(&series, &GroupChoice::Sum).unwrap();
            prop_assert_eq!(h.clamped, 0);
            let inf = series.last().unwrap();
            for (s, row) in h.cells.chunks_exact(h.buckets()).enumerate() {
                prop_assert!(row.iter().all(|c| *c >= 0.0));
                let total: f64 = row.iter().sum();
                let expected = inf.values[s];
                prop_assert!((total - expected).abs() <= 1e-9 * expected.max(1.0), "{} vs {}", total, expected);
            }
        }

        #[test]
        fn any_input_gives_non_negative_cells_and_consistent_shape(
            rows in prop::collection::vec(prop::collection::vec(prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -1e3f64..1e3], 4), 0..20),
        ) {
            let les = ["1", "2", "-3", "+Inf"];
            let t: Vec<i64> = (0..rows.len() as i64).collect();
            let series: Vec<Series> = (0..4).map(|b| bucket(les[b], &[], &t, &rows.iter().map(|r| r[b]).collect::<Vec<_>>())).collect();
            let h = heatmap(&series, &GroupChoice::Sum).unwrap();
            prop_assert_eq!(h.cells.len(), h.buckets() * h.steps());
            prop_assert!(h.cells.iter().all(|c| c.is_nan() || (*c >= 0.0 && c.is_finite())));
            prop_assert!(h.max.is_finite() && h.max >= 0.0);
            prop_assert!(h.bounds.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
