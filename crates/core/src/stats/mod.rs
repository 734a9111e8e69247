//! Statistics over raw samples and histograms: exact quantiles by radix selection
//! ([`percentile`]) and Prometheus' `histogram_quantile` over classic `le` buckets
//! ([`histogram`]), one-call and columnar; per-series legend statistics ([`summary`]);
//! anomaly bands and recent-vs-baseline comparison ([`anomaly`]); the legend table's row
//! statistics ([`legend`]); per-series and pooled exact percentiles of raw samples
//! ([`percentile_table`]).
//! [`classic_histogram`]: `histogram_quantile(q, sum by (le) (rate(x_bucket[w])))` computed
//! client-side from raw `_bucket` counters.
//! [`heatmap`]: per-bucket counts over time from cumulative `le` series (the latency heatmap).
//! [`native`]: native histogram results as quantile lines, instant rows and cumulative buckets.
//!
//! Shared contract (algorithms.md §1):
//! - Quantiles are `q ∈ [0, 1]` in code; "p99" is only a label.
//! - Raw samples that are not finite (`NaN`, `±Inf`) are excluded from percentiles and
//!   **counted** ([`percentile::Quantiles::nan`], [`percentile::Quantiles::infinite`]), so the
//!   caller can say how many were hidden. Empty input (no finite sample) is "no data" (`None`),
//!   never 0.
//! - Histogram quantiles follow Prometheus exactly, NaN results included (a histogram with no
//!   observations is NaN, as Prometheus answers).
//! - Nothing here panics on any input, and no kernel allocates per element or per step.

pub mod anomaly;
pub mod classic_histogram;
pub mod heatmap;
pub mod histogram;
pub mod legend;
pub mod native;
pub mod percentile;
pub mod percentile_table;
pub mod summary;

pub use histogram::{bucket_quantile, BucketLayout};
pub use percentile::{quantiles, QuantileError, QuantileMethod, Quantiles};
