//! Native histogram results made displayable: quantile lines over time, per-series instant rows,
//! cumulative `le` series for the latency heatmap, and which interpolation a server uses.
//!
//! Input is the decoder's [`HistogramSeries`] (one label set + native samples in time order, see
//! [`crate::formats::prometheus::native_histogram`]). Contract:
//! - [`quantile_lines`]: one float [`Series`] per (input series, q), labelled with the input's
//!   labels plus `quantile="<q>"`, ordered by input series then by `qs`; the value at each sample
//!   is [`native_quantile_with`] of that sample — Prometheus' `histogram_quantile(q, h)` for the
//!   given interpolation (NaN for a histogram without observations, as Prometheus answers).
//! - [`instant_rows`]: the last sample of each series with its count, sum and quantiles.
//! - [`cumulative_buckets`]: the classic shape of a native histogram series, so the heatmap of
//!   classic buckets draws it unchanged. The edges are the union over all samples of every
//!   bucket's lower and upper bound (ascending); one `le` series per edge whose value at a sample
//!   is the number of observations ≤ the edge (observations of a bucket are ≤ its upper bound).
//!   Empty buckets are absent from the JSON, so an edge no bucket of a sample covers gets the
//!   count below it (a 0 cell, not a gap). When an edge falls strictly inside a bucket of a sample
//!   (the schema changed over time), the bucket's observations are split at the edge as
//!   [`native_quantile`](crate::formats::prometheus::native_quantile) assumes they are spread:
//!   exponentially inside exponential buckets (in proportion to `log|x|`), linearly in the zero
//!   bucket and in custom buckets. The lowest edge gets a series of zeros so the heatmap's first
//!   band starts at it rather than at 0. Several input series become several label groups (each
//!   keeps its labels), which the heatmap offers to pick or sum.
//! - [`interpolation_for_version`]: Prometheus ≥ 3.0 interpolates exponentially inside
//!   exponential buckets (prometheus/prometheus#14677); 2.x linearly. Unknown or non-Prometheus
//!   versions get the current behaviour.
//! - Cost: O(samples × buckets) for quantiles and rows; O(samples × (buckets + edges)) for the
//!   cumulative series. Nothing panics on any input (NaN and infinite bounds included).

use crate::formats::prometheus::native_histogram::{
    native_quantile_with, NativeBucket, NativeHistogram, NativeInterpolation, NativeSeries,
};
use crate::series::{Labels, Series};

/// A series of native histogram samples (the model's name for the decoder's [`NativeSeries`]).
pub type HistogramSeries = NativeSeries;

/// The quantiles a native histogram panel shows by default.
pub const DEFAULT_QUANTILES: [f64; 3] = [0.5, 0.9, 0.99];

/// One instant row: a series' last native sample.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeRow {
    pub labels: Labels,
    pub t_ms: i64,
    /// Observations (after `rate`: per second).
    pub count: f64,
    /// Sum of the observations; NaN when the server sent none.
    pub sum: f64,
    /// One per requested q, in the order asked.
    pub quantiles: Vec<f64>,
}

/// The label value for `q` (`0.5`, `0.99`), as Prometheus prints floats.
pub fn quantile_label(q: f64) -> String {
    format!("{q}")
}

/// Quantile lines of every series for every q; see the module doc.
pub fn quantile_lines(series: &[HistogramSeries], qs: &[f64], interpolation: NativeInterpolation) -> Vec<Series> {
    let mut out = Vec::with_capacity(series.len() * qs.len());
    for s in series {
        for &q in qs {
            let mut labels = s.labels.clone();
            labels.0.insert("quantile".to_string(), quantile_label(q));
            let t_ms = s.samples.iter().map(|p| p.t_ms).collect();
            let values = s.samples.iter().map(|p| native_quantile_with(q, &p.histogram, interpolation)).collect();
            out.push(Series { labels, t_ms, values });
        }
    }
    out
}

/// The last sample of each series with count, sum and quantiles; series without samples are left
/// out.
pub fn instant_rows(series: &[HistogramSeries], qs: &[f64], interpolation: NativeInterpolation) -> Vec<NativeRow> {
    series
        .iter()
        .filter_map(|s| {
            let last = s.samples.last()?;
            let h = &last.histogram;
            Some(NativeRow {
                labels: s.labels.clone(),
                t_ms: last.t_ms,
                count: h.count,
                sum: h.sum,
                quantiles: qs.iter().map(|&q| native_quantile_with(q, h, interpolation)).collect(),
            })
        })
        .collect()
}

/// Cumulative `le` series of every native series; see the module doc.
pub fn cumulative_buckets(series: &[HistogramSeries]) -> Vec<Series> {
    let mut out = Vec::new();
    for s in series {
        let mut edges: Vec<f64> = s
            .samples
            .iter()
            .flat_map(|p| p.histogram.buckets.iter().flat_map(|b| [b.lower, b.upper]))
            .filter(|e| !e.is_nan())
            .collect();
        edges.sort_by(f64::total_cmp);
        edges.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(s.samples.len()); edges.len()];
        for p in &s.samples {
            cumulate(&p.histogram, &edges, &mut columns);
        }
        let t_ms: Vec<i64> = s.samples.iter().map(|p| p.t_ms).collect();
        for (edge, values) in edges.iter().zip(columns) {
            let mut labels = s.labels.clone();
            labels.0.insert("le".to_string(), le_label(*edge));
            out.push(Series { labels, t_ms: t_ms.clone(), values });
        }
    }
    out
}

/// Pushes the cumulative count at each edge of `h` onto `columns` (one column per edge).
fn cumulate(h: &NativeHistogram, edges: &[f64], columns: &mut [Vec<f64>]) {
    // Buckets are in ascending order; walk them alongside the ascending edges.
    let mut below = 0.0; // observations in buckets entirely ≤ the current edge
    let mut next = 0usize; // first bucket not yet entirely below
    for (&edge, column) in edges.iter().zip(columns.iter_mut()) {
        while let Some(b) = h.buckets.get(next).filter(|b| b.upper <= edge) {
            below += b.count;
            next += 1;
        }
        let partial = h
            .buckets
            .get(next)
            .filter(|b| b.lower < edge && edge < b.upper)
            .map_or(0.0, |b| b.count * fraction_below(b, edge, h.custom_buckets));
        column.push(below + partial);
    }
}

/// The share of `b`'s observations at or below `edge` (strictly inside `b`), under the
/// interpolation [`native_quantile_with`] uses.
fn fraction_below(b: &NativeBucket, edge: f64, custom: bool) -> f64 {
    let linear = || (edge - b.lower) / (b.upper - b.lower);
    let f = if custom || b.is_zero_bucket() || b.lower.is_infinite() || b.upper.is_infinite() {
        linear()
    } else if b.lower > 0.0 {
        (edge.ln() - b.lower.ln()) / (b.upper.ln() - b.lower.ln())
    } else if b.upper < 0.0 {
        // Negative bucket [l, u): mirrored.
        1.0 - ((-edge).ln() - (-b.upper).ln()) / ((-b.lower).ln() - (-b.upper).ln())
    } else {
        linear()
    };
    if f.is_finite() {
        f.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// An edge as an `le` label (`+Inf`, `-Inf`, or the shortest round-trip decimal).
fn le_label(edge: f64) -> String {
    if edge == f64::INFINITY {
        "+Inf".to_string()
    } else if edge == f64::NEG_INFINITY {
        "-Inf".to_string()
    } else {
        format!("{edge}")
    }
}

/// The interpolation a server of `version` (`status/buildinfo`'s `version`, e.g. `2.42.0` or
/// `3.5.0`) uses inside exponential buckets; see the module doc.
pub fn interpolation_for_version(version: &str) -> NativeInterpolation {
    let major = version.trim().trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if m < 3 => NativeInterpolation::Linear,
        _ => NativeInterpolation::Exponential,
    }
}

/// The definition shown beside native histogram quantiles.
pub fn interpolation_definition(interpolation: NativeInterpolation) -> &'static str {
    match interpolation {
        NativeInterpolation::Exponential => {
            "histogram_quantile on each native histogram sample, as Prometheus 3 computes it: the rank q·count is located \
             among the buckets (walked from the low end for q < 0.5, from the high end otherwise), then interpolated \
             exponentially inside an exponential bucket (the observations are assumed to fill a finer histogram evenly), \
             linearly inside the zero bucket and custom buckets"
        }
        NativeInterpolation::Linear => {
            "histogram_quantile on each native histogram sample, as Prometheus 2.x computes it: the rank q·count is \
             located among the buckets, then interpolated linearly inside the bucket (Prometheus 3 interpolates \
             exponentially inside exponential buckets; this source reports a 2.x version)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::prometheus::native_histogram::{BoundaryRule, NativeSample};
    use crate::formats::prometheus::native_quantile;

    fn pos(lower: f64, upper: f64, count: f64) -> NativeBucket {
        NativeBucket { boundary: BoundaryRule::OpenLeft, lower, upper, count }
    }

    fn hist(count: f64, buckets: Vec<NativeBucket>) -> NativeHistogram {
        NativeHistogram { count, sum: 1.0, buckets, custom_buckets: false }
    }

    fn one_series(samples: Vec<(i64, NativeHistogram)>) -> HistogramSeries {
        NativeSeries {
            labels: [("__name__", "lat")].into_iter().collect(),
            samples: samples.into_iter().map(|(t_ms, histogram)| NativeSample { t_ms, histogram }).collect(),
        }
    }

    #[test]
    fn quantile_lines_label_each_q_and_match_the_single_histogram_quantile() {
        let h = hist(4.0, vec![pos(1.0, 2.0, 2.0), pos(2.0, 4.0, 2.0)]);
        let s = one_series(vec![(0, h.clone()), (15_000, hist(0.0, vec![]))]);
        let lines = quantile_lines(&[s], &[0.5, 0.75], NativeInterpolation::Exponential);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].labels.get("quantile"), Some("0.5"));
        assert_eq!(lines[1].labels.get("quantile"), Some("0.75"));
        assert_eq!(lines[0].t_ms, vec![0, 15_000]);
        // Rank 2 of 4 (walked from the top: rank 2 in the (2,4] bucket) lands on the 2 boundary.
        assert_eq!(lines[0].values[0], native_quantile(0.5, &h));
        assert!((lines[0].values[0] - 2.0).abs() < 1e-12);
        // 0.75: from the top, rank 1 of the (2,4] bucket's 2 → fraction 1/2 → 2·2^(1/2).
        assert!((lines[1].values[0] - 2.0 * 2f64.sqrt()).abs() < 1e-12, "{}", lines[1].values[0]);
        assert!(lines[0].values[1].is_nan(), "no observations → NaN");
    }

    #[test]
    fn linear_interpolation_is_used_for_2x_servers() {
        let h = hist(4.0, vec![pos(1.0, 2.0, 2.0), pos(2.0, 4.0, 2.0)]);
        let lines = quantile_lines(&[one_series(vec![(0, h)])], &[0.75], NativeInterpolation::Linear);
        assert!((lines[0].values[0] - 3.0).abs() < 1e-12);
        assert_eq!(interpolation_for_version("2.42.0"), NativeInterpolation::Linear);
        assert_eq!(interpolation_for_version("v2.55.1"), NativeInterpolation::Linear);
        assert_eq!(interpolation_for_version("3.0.0"), NativeInterpolation::Exponential);
        assert_eq!(interpolation_for_version(""), NativeInterpolation::Exponential);
        assert_eq!(interpolation_for_version("demo"), NativeInterpolation::Exponential);
    }

    #[test]
    fn instant_rows_take_the_last_sample() {
        let s = one_series(vec![(0, hist(2.0, vec![pos(1.0, 2.0, 2.0)])), (10, hist(4.0, vec![pos(1.0, 2.0, 4.0)]))]);
        let empty = NativeSeries { labels: Labels::default(), samples: vec![] };
        let rows = instant_rows(&[s, empty], &DEFAULT_QUANTILES, NativeInterpolation::Linear);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].t_ms, rows[0].count, rows[0].sum), (10, 4.0, 1.0));
        // Linear inside (1, 2]: p50 = 1.5, p90 = 1.9, p99 = 1.99.
        let expected = [1.5, 1.9, 1.99];
        for (got, want) in rows[0].quantiles.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn cumulative_buckets_fill_gaps_and_start_at_the_lowest_edge() {
        // Sample 0 has (0.5,1] and (2,4]; (1,2] is empty (absent); sample 1 has (1,2] only.
        let s = one_series(vec![
            (0, hist(5.0, vec![pos(0.5, 1.0, 2.0), pos(2.0, 4.0, 3.0)])),
            (15, hist(1.0, vec![pos(1.0, 2.0, 1.0)])),
        ]);
        let cum = cumulative_buckets(&[s]);
        let les: Vec<&str> = cum.iter().map(|c| c.labels.get("le").unwrap_or("")).collect();
        assert_eq!(les, vec!["0.5", "1", "2", "4"]);
        assert_eq!(cum[0].values, vec![0.0, 0.0]);
        assert_eq!(cum[1].values, vec![2.0, 0.0]);
        assert_eq!(cum[2].values, vec![2.0, 1.0]);
        assert_eq!(cum[3].values, vec![5.0, 1.0]);
        assert!(cum.iter().all(|c| c.labels.get("__name__") == Some("lat")));
        let h = crate::stats::heatmap::heatmap(&cum, &Default::default()).unwrap();
        assert_eq!(h.bounds, vec![0.5, 1.0, 2.0, 4.0]);
        // Rows: (0,0.5] (0,0), (0.5,1] (2,0), (1,2] (0,1), (2,4] (3,0).
        assert_eq!(h.cells, vec![0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn a_coarser_bucket_is_split_at_finer_edges_exponentially() {
        // Schema changed: (1,4] at t=0, (1,2] and (2,4] at t=1.
        let s = one_series(vec![
            (0, hist(4.0, vec![pos(1.0, 4.0, 4.0)])),
            (1, hist(2.0, vec![pos(1.0, 2.0, 1.0), pos(2.0, 4.0, 1.0)])),
        ]);
        let cum = cumulative_buckets(&[s]);
        assert_eq!(cum[1].labels.get("le"), Some("2"));
        // 2 is halfway between 1 and 4 in log scale: half of the 4 observations.
        assert!((cum[1].values[0] - 2.0).abs() < 1e-12);
        assert_eq!(cum[2].values, vec![4.0, 2.0]);
    }

    #[test]
    fn zero_and_negative_buckets_keep_their_order() {
        let h = NativeHistogram {
            count: 6.0,
            sum: 0.0,
            buckets: vec![
                NativeBucket { boundary: BoundaryRule::OpenRight, lower: -2.0, upper: -1.0, count: 1.0 },
                NativeBucket { boundary: BoundaryRule::ClosedBoth, lower: -0.001, upper: 0.001, count: 2.0 },
                pos(1.0, 2.0, 3.0),
            ],
            custom_buckets: false,
        };
        let cum = cumulative_buckets(&[one_series(vec![(0, h)])]);
        let les: Vec<&str> = cum.iter().map(|c| c.labels.get("le").unwrap_or("")).collect();
        assert_eq!(les, vec!["-2", "-1", "-0.001", "0.001", "1", "2"]);
        let values: Vec<f64> = cum.iter().map(|c| c.values[0]).collect();
        assert_eq!(values, vec![0.0, 1.0, 1.0, 3.0, 3.0, 6.0]);
    }

    #[test]
    fn nothing_panics_on_odd_histograms() {
        let odd =
            hist(f64::NAN, vec![pos(f64::NAN, 1.0, 1.0), pos(2.0, f64::INFINITY, f64::INFINITY), pos(1.0, 0.5, -1.0)]);
        let s = one_series(vec![(0, odd)]);
        let _ = cumulative_buckets(std::slice::from_ref(&s));
        let _ = quantile_lines(std::slice::from_ref(&s), &DEFAULT_QUANTILES, NativeInterpolation::Exponential);
        let _ = instant_rows(&[s], &[f64::NAN, -1.0, 2.0], NativeInterpolation::Linear);
    }
}
