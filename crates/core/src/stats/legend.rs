//! The statistics of a chart's legend table, one row per series: Grafana's legend calculations
//! (mean, min, max, last — see [`super::summary`]) plus exact percentiles of the same samples
//! ([`super::percentile`], linear interpolation between closest ranks, Hyndman–Fan type 7).
//!
//! Contract: the samples are those of the loaded result (a range query's points at its step, or
//! raw samples when the panel loaded raw data); `NaN`/`±Inf` are excluded from every statistic
//! and counted in the summary; a series without finite samples has no percentiles (`None`).
//! O(n) per series.

use super::percentile::{quantiles, QuantileMethod};
use super::summary::{summarize, Summary};
use crate::series::Series;

/// The percentiles shown in the legend, as `q ∈ [0, 1]`.
pub const LEGEND_QUANTILES: [f64; 3] = [0.5, 0.95, 0.99];

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendRow {
    pub summary: Summary,
    /// The [`LEGEND_QUANTILES`] in order; `None` without finite samples.
    pub quantiles: Option<Vec<f64>>,
}

/// The legend rows of `series`, in the same order.
pub fn legend_rows(series: &[Series]) -> Vec<LegendRow> {
    series
        .iter()
        .map(|s| LegendRow {
            summary: summarize(&s.t_ms, &s.values),
            quantiles: quantiles(&s.values, &LEGEND_QUANTILES, QuantileMethod::Linear).ok().and_then(|q| q.values),
        })
        .collect()
}
