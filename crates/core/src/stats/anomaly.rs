//! Anomaly rules over one series (algorithms.md §12): a rolling mean ± k·σ band, and the
//! "recent p95 vs baseline p95" comparison.
//!
//! **Band** ([`anomaly_band`]). For each index `i` the window is the `w` sample positions *before*
//! `i`, `[i − w, i)`: trailing, and excluding the point under test from its own mean and σ (the
//! E11 correction). Over the finite values of the window (`n` of them): `mean = Σx / n`,
//! σ = √(Σx²/n − mean²) — the **population** standard deviation (÷ n), as the X-Ray rule that
//! algorithms.md §12 follows — and `lower/upper = mean ∓ k·σ`, with `k = 2` by default (the
//! CloudWatch console's ±2 standard deviations). The window is positional (with a regular query
//! step it spans `w · step` of time); non-finite values inside it are skipped, so `n ≤ w`.
//! Where `n < min_count` (including the first `min_count` points) the band is `NaN` at `i`.
//!
//! Cost: O(n) time and memory, O(1) per index. Prefix sums of the count, of `x − c` and of
//! `(x − c)²` over finite values are restarted at every block of `w` positions, and each block is
//! shifted by its own first finite value `c` (variance is shift-invariant). A window spans at most
//! two blocks; the older block's part is rebased onto the newer block's shift exactly
//! (`Σ(x−c′) = Σ(x−c) + n·(c−c′)`, `Σ(x−c′)² = Σ(x−c)² + 2(c−c′)·Σ(x−c) + n·(c−c′)²`). So rounding
//! depends only on values within `2w` positions — not on the series' offset (timestamps, byte
//! counters) nor on its length — and a constant window has σ exactly 0. Rounding can still make
//! `Σx²/n − mean²` slightly negative; it is clamped to 0. Squares that overflow (`|x − c|`
//! above ~1e154) make the band non-finite.
//!
//! **Recent vs baseline** ([`recent_vs_baseline`]). Recent = the last `recent_n` samples; baseline
//! = the `baseline_n` samples just before them (disjoint windows, E11). Each window's p95 is the
//! exact type-7 quantile of its finite samples ([`crate::stats::percentile::quantiles`]);
//! `ratio = recent_p95 / baseline_p95` by IEEE division (a zero baseline gives `+Inf`, or `NaN`
//! when both are 0) and `flagged = ratio > 2`. Each window must hold at least `min_count` finite
//! samples, else its p95, the ratio and the flag are "no data". Meant for non-negative values
//! (latencies): a negative baseline p95 never flags.
//!
//! Nothing here panics on any input.

use crate::stats::percentile::{quantiles, QuantileMethod};
use std::fmt;

/// Parameters of [`anomaly_band`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandParams {
    /// Window length in sample positions (before the point under test). At least 1.
    pub window: usize,
    /// Band half-width in population standard deviations. Finite and ≥ 0.
    pub k: f64,
    /// Fewest finite values a window needs for a band value. Between 1 and `window`.
    pub min_count: usize,
}

impl Default for BandParams {
    /// A 60-point window (one hour at a 1-minute step), ±2σ, at least 10 finite values.
    fn default() -> Self {
        BandParams { window: 60, k: 2.0, min_count: 10 }
    }
}

/// Band parameters that cannot describe a band.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum BandError {
    /// The window is 0 points: choose at least 1 (typically ≥ 10).
    EmptyWindow,
    /// `k` is negative or not finite: use a finite number ≥ 0, e.g. 2.
    InvalidK(f64),
    /// `min_count` is 0 or larger than the window: choose between 1 and the window length.
    InvalidMinCount { min_count: usize, window: usize },
}

impl fmt::Display for BandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BandError::EmptyWindow => write!(f, "the anomaly band window is empty (choose at least 1 point)"),
            BandError::InvalidK(k) => write!(f, "the band width {k} is not a finite number ≥ 0 (try 2)"),
            BandError::InvalidMinCount { min_count, window } => {
                write!(f, "the minimum sample count {min_count} must be between 1 and the window length {window}")
            }
        }
    }
}

impl std::error::Error for BandError {}

/// The band, aligned index for index with the input; `NaN` where a window had too few values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Band {
    /// `mean − k·σ`.
    pub lower: Vec<f64>,
    /// `mean + k·σ`.
    pub upper: Vec<f64>,
    /// The window mean.
    pub mean: Vec<f64>,
}

impl Band {
    /// Indices of the finite values strictly outside `[lower, upper]`, ascending. Values where the
    /// band is `NaN` are never outside.
    pub fn outside(&self, values: &[f64]) -> Vec<usize> {
        values
            .iter()
            .zip(self.lower.iter().zip(&self.upper))
            .enumerate()
            .filter(|(_, (&v, (&lo, &hi)))| v.is_finite() && (v < lo || v > hi))
            .map(|(i, _)| i)
            .collect()
    }
}

/// The trailing mean ± k·σ band of `values`; see the module doc for the definition.
pub fn anomaly_band(values: &[f64], params: &BandParams) -> Result<Band, BandError> {
    let BandParams { window, k, min_count } = *params;
    if window == 0 {
        return Err(BandError::EmptyWindow);
    }
    if !(k.is_finite() && k >= 0.0) {
        return Err(BandError::InvalidK(k));
    }
    if min_count == 0 || min_count > window {
        return Err(BandError::InvalidMinCount { min_count, window });
    }
    let sums = BlockSums::new(values, window);
    let len = values.len();
    let mut band =
        Band { lower: Vec::with_capacity(len), upper: Vec::with_capacity(len), mean: Vec::with_capacity(len) };
    for i in 0..len {
        let start = i.saturating_sub(window);
        match sums.window(start, i) {
            Some((n, m, var)) if n >= min_count => {
                let sd = var.sqrt();
                band.mean.push(m);
                band.lower.push(m - k * sd);
                band.upper.push(m + k * sd);
            }
            _ => {
                band.mean.push(f64::NAN);
                band.lower.push(f64::NAN);
                band.upper.push(f64::NAN);
            }
        }
    }
    Ok(band)
}

/// Count, sum and sum of squares of finite values, as prefix sums restarted at every block of
/// `block` positions, each block shifted by its first finite value (see the module doc).
struct BlockSums {
    block: usize,
    /// Entry `j`: `(count, Σ(x − shift), Σ(x − shift)²)` over `[block_start(j), j)`.
    prefix: Vec<(usize, f64, f64)>,
    /// Per block: its shift and its totals.
    blocks: Vec<(f64, (usize, f64, f64))>,
}

impl BlockSums {
    fn new(values: &[f64], block: usize) -> BlockSums {
        let block = block.max(1);
        let mut prefix = Vec::with_capacity(values.len() + 1);
        let mut blocks = Vec::with_capacity(values.len() / block + 1);
        for chunk in values.chunks(block) {
            let shift = chunk.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
            let mut acc = (0usize, 0.0f64, 0.0f64);
            for &v in chunk {
                prefix.push(acc);
                if v.is_finite() {
                    let d = v - shift;
                    acc = (acc.0 + 1, acc.1 + d, acc.2 + d * d);
                }
            }
            blocks.push((shift, acc));
        }
        // Entry `len` starts a new (empty) block when `len` is a multiple of `block`, else it
        // continues the last block.
        let tail = if values.len() % block == 0 { (0, 0.0, 0.0) } else { blocks.last().map_or((0, 0.0, 0.0), |b| b.1) };
        prefix.push(tail);
        BlockSums { block, prefix, blocks }
    }

    fn shift(&self, b: usize) -> f64 {
        self.blocks.get(b).map_or(0.0, |x| x.0)
    }

    /// `(n, mean, population variance)` of the finite values in `[start, end)`, which must span
    /// at most `block` positions; `None` without finite values.
    fn window(&self, start: usize, end: usize) -> Option<(usize, f64, f64)> {
        let (b0, b1) = (start / self.block, end / self.block);
        let &(c1, s1, q1) = self.prefix.get(end)?;
        let &(c0, s0, q0) = self.prefix.get(start)?;
        let mut shift = self.shift(b1);
        let (n, sum, sq) = if b0 == b1 {
            (c1 - c0, s1 - s0, q1 - q0)
        } else if c1 == 0 {
            // Nothing finite yet in block b1: stay on block b0's shift.
            let &(b0_shift, (tc, ts, tq)) = self.blocks.get(b0)?;
            shift = b0_shift;
            (tc - c0, ts - s0, tq - q0)
        } else {
            // The part in block b0, rebased from that block's shift to block b1's.
            let &(_, (tc, ts, tq)) = self.blocks.get(b0)?;
            let (n0, p0, r0) = (tc - c0, ts - s0, tq - q0);
            let d = self.shift(b0) - shift;
            let n0f = n0 as f64;
            (n0 + c1, p0 + n0f * d + s1, r0 + 2.0 * d * p0 + n0f * d * d + q1)
        };
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let m = sum / nf;
        Some((n, shift + m, (sq / nf - m * m).max(0.0)))
    }
}

/// Parameters of [`recent_vs_baseline_with`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComparisonParams {
    /// Samples in the recent window (the last ones).
    pub recent_n: usize,
    /// Samples in the baseline window (just before the recent one).
    pub baseline_n: usize,
    /// Fewest finite samples each window needs (at least 1 is always required).
    pub min_count: usize,
    /// `flagged` when `ratio > factor` (2 in algorithms.md §12).
    pub factor: f64,
}

/// The p95 of a recent window against that of a baseline window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Type-7 p95 of the recent window's finite samples; `None` below the minimum count.
    pub recent_p95: Option<f64>,
    /// Type-7 p95 of the baseline window's finite samples; `None` below the minimum count.
    pub baseline_p95: Option<f64>,
    /// `recent_p95 / baseline_p95` (IEEE: `+Inf` for a zero baseline); `None` without both.
    pub ratio: Option<f64>,
    /// `ratio > factor` with a non-negative baseline.
    pub flagged: bool,
    /// Finite samples in the recent window.
    pub recent_count: usize,
    /// Finite samples in the baseline window.
    pub baseline_count: usize,
}

/// [`recent_vs_baseline_with`] with a minimum of 1 finite sample per window and factor 2.
pub fn recent_vs_baseline(values: &[f64], recent_n: usize, baseline_n: usize) -> Comparison {
    recent_vs_baseline_with(values, &ComparisonParams { recent_n, baseline_n, min_count: 1, factor: 2.0 })
}

/// Compares the p95 of the last `recent_n` samples with the p95 of the `baseline_n` samples
/// before them; see the module doc. Windows are truncated at the start of `values`.
pub fn recent_vs_baseline_with(values: &[f64], params: &ComparisonParams) -> Comparison {
    let len = values.len();
    let split = len.saturating_sub(params.recent_n);
    let base_start = split.saturating_sub(params.baseline_n);
    let recent = values.get(split..).unwrap_or(&[]);
    let baseline = values.get(base_start..split).unwrap_or(&[]);
    let min_count = params.min_count.max(1);
    let (recent_p95, recent_count) = p95(recent, min_count);
    let (baseline_p95, baseline_count) = p95(baseline, min_count);
    let ratio = match (recent_p95, baseline_p95) {
        (Some(r), Some(b)) => Some(r / b),
        _ => None,
    };
    let flagged = match (ratio, baseline_p95) {
        (Some(r), Some(b)) => b >= 0.0 && r > params.factor,
        _ => false,
    };
    Comparison { recent_p95, baseline_p95, ratio, flagged, recent_count, baseline_count }
}

fn p95(values: &[f64], min_count: usize) -> (Option<f64>, usize) {
    match quantiles(values, &[0.95], QuantileMethod::Linear) {
        Ok(q) if q.n >= min_count => (q.values.and_then(|v| v.first().copied()), q.n),
        Ok(q) => (None, q.n),
        Err(_) => (None, 0),
    }
}
