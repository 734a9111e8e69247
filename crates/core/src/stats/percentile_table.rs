//! The exact-percentile table of a set of raw series: per series and over all of them together
//! (the pooled samples, not an average of per-series percentiles — those are not percentiles of
//! anything).
//!
//! Contract: as [`super::percentile::quantiles`] (non-finite samples excluded and counted; a
//! series without finite samples has `values: None`); the quantiles are validated once, so an
//! invalid `q` fails the whole table. Rows keep the input order. O(total samples); pooling copies
//! the samples once.

use super::percentile::{quantiles, QuantileError, QuantileMethod, Quantiles};
use crate::series::Series;

/// The quantiles offered by the exact-percentile analysis (p50, p90, p95, p99, p99.9).
pub const TABLE_QUANTILES: [f64; 5] = [0.5, 0.9, 0.95, 0.99, 0.999];

/// Per-series and pooled quantiles.
#[derive(Debug, Clone, PartialEq)]
pub struct PercentileTable {
    /// One entry per input series, in input order.
    pub rows: Vec<Quantiles>,
    /// Over every sample of every series.
    pub all: Quantiles,
}

/// The table of `qs` over `series` by `method`.
pub fn percentile_table(series: &[Series], qs: &[f64], method: QuantileMethod) -> Result<PercentileTable, QuantileError> {
    let columns: Vec<&[f64]> = series.iter().map(|s| s.values.as_slice()).collect();
    percentile_table_of_columns(&columns, qs, method)
}

/// [`percentile_table`] over bare value columns (one per series, in order).
pub fn percentile_table_of_columns(columns: &[&[f64]], qs: &[f64], method: QuantileMethod) -> Result<PercentileTable, QuantileError> {
    let rows = columns.iter().map(|c| quantiles(c, qs, method)).collect::<Result<Vec<_>, _>>()?;
    let total: usize = columns.iter().map(|c| c.len()).sum();
    let mut pooled = Vec::with_capacity(total);
    for c in columns {
        pooled.extend_from_slice(c);
    }
    let all = quantiles(&pooled, qs, method)?;
    Ok(PercentileTable { rows, all })
}
