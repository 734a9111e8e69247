//! Exact quantiles of raw samples, several in one call, without sorting and without copying the
//! input (algorithms.md §2.1–2.2).
//!
//! Contract of [`quantiles`]:
//! - Order: the finite samples in ascending IEEE total order (`f64::total_cmp`, so `−0.0` sorts
//!   before `+0.0`), 0-based `x[0..n)`.
//! - [`QuantileMethod::Linear`] (the default; Hyndman–Fan type 7 — Prometheus
//!   `quantile_over_time`, d3-array `quantile`, numpy's default): `h = (n−1)·q`, `j = ⌊h⌋`,
//!   result `x[j] + (h−j)·(x[j+1] − x[j])` (`x[j]` when `h` is whole). [`QuantileMethod::NearestRank`]:
//!   `x[⌈q·n⌉ − 1]` (`x[0]` for `q = 0`), always a value that occurred. `h` and `q·n` are computed
//!   in `f64`. Results equal a full sort's bit for bit.
//! - `NaN` and `±Inf` samples are excluded and counted ([`Quantiles::nan`],
//!   [`Quantiles::infinite`]); no finite sample → [`Quantiles::values`] is `None` ("no data").
//!   A `q` that is NaN or outside `[0, 1]` is a [`QuantileError`].
//! - Algorithm (n > [`SMALL`]): two-pass radix selection. Each `f64` maps to a `u64` key that is
//!   monotonic in total order. Pass 1 counts the top 16 key bits (sign, exponent, 4 mantissa bits)
//!   in four interleaved sub-histograms (no store-to-load chains on repeated buckets); prefix sums
//!   find the bucket of every needed rank. Non-finite values land exactly in the 32 edge buckets,
//!   so they are counted for free (one extra pass, only when there are any, tells NaN from ±Inf).
//!   Pass 2 gathers the elements of the needed buckets (branchless); selection
//!   (`select_nth_unstable_by(total_cmp)`) then runs inside each bucket only.
//! - Cost: two streaming reads of the input, O(65,536) for the counters, plus a selection over the
//!   gathered buckets (for smooth data each bucket holds ≤ ~2 % of n). Memory: 1.3 MiB of counters
//!   and tables plus the gathered elements. Small inputs (≤ [`SMALL`] samples) copy the finite
//!   values and select directly.

use std::fmt;

/// Inputs up to this many samples are copied and selected directly (the radix path's fixed cost
/// of clearing 1 MiB of counters is not worth it below this).
pub const SMALL: usize = 16_384;

const BUCKETS: usize = 1 << 16;
const LANES: usize = 4;
/// Samples per pass-1 chunk, so that no `u32` lane counter can overflow (≤ 2^29 per lane).
const CHUNK: usize = 1 << 31;
/// Buckets of `−Inf` and negative NaNs (below every finite key) and of `+Inf` and positive NaNs
/// (above every finite key); finite values fill exactly `FIRST_FINITE..=LAST_FINITE`.
const FIRST_FINITE: usize = 0x0010;
const LAST_FINITE: usize = 0xFFEF;

/// How a quantile is read from the sorted samples; see the module doc.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QuantileMethod {
    /// Linear interpolation between closest ranks (Hyndman–Fan type 7), shown as "linear (type 7)".
    #[default]
    Linear,
    /// The nearest-rank definition `x[⌈q·n⌉ − 1]`: always a sample that occurred.
    NearestRank,
}

/// The quantiles of one call, with the sample size and what was excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    /// One value per requested `q`, in request order; `None` when no sample was finite.
    pub values: Option<Vec<f64>>,
    /// How many finite samples the quantiles describe.
    pub n: usize,
    /// How many `NaN` samples were excluded.
    pub nan: usize,
    /// How many `+Inf`/`−Inf` samples were excluded.
    pub infinite: usize,
}

/// A requested quantile that is not a number in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileError {
    /// Position of the offending value in the request.
    pub index: usize,
    /// The offending value.
    pub q: f64,
}

impl fmt::Display for QuantileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "quantile {} is not between 0 and 1 (write p99 as 0.99)", self.q)
    }
}

impl std::error::Error for QuantileError {}

/// The `qs` quantiles of `values` by `method`; see the module doc for the contract.
pub fn quantiles(values: &[f64], qs: &[f64], method: QuantileMethod) -> Result<Quantiles, QuantileError> {
    if let Some((index, &q)) = qs.iter().enumerate().find(|(_, q)| !(0.0..=1.0).contains(*q)) {
        return Err(QuantileError { index, q });
    }
    if values.len() <= SMALL {
        return Ok(by_selection(values, qs, method));
    }
    Ok(by_radix(values, qs, method))
}

/// The order statistics needed for `q`: rank `j`, and `(j + 1, h − j)` when interpolating.
fn ranks_of(q: f64, n: usize, method: QuantileMethod) -> (usize, Option<(usize, f64)>) {
    let last = n.saturating_sub(1);
    match method {
        QuantileMethod::Linear => {
            let h = last as f64 * q;
            let j = (h.floor() as usize).min(last);
            let frac = h - j as f64;
            (j, (frac > 0.0 && j < last).then_some((j + 1, frac)))
        }
        QuantileMethod::NearestRank => ((((q * n as f64).ceil() as usize).saturating_sub(1)).min(last), None),
    }
}

/// Combines order statistics into the result of one quantile.
fn combine(lo: f64, hi: Option<(f64, f64)>) -> f64 {
    match hi {
        Some((hi, frac)) => lo + frac * (hi - lo),
        None => lo,
    }
}

/// Every needed rank, ascending and distinct.
fn needed_ranks(qs: &[f64], n: usize, method: QuantileMethod) -> Vec<usize> {
    let mut ranks: Vec<usize> = qs
        .iter()
        .flat_map(|&q| {
            let (j, hi) = ranks_of(q, n, method);
            std::iter::once(j).chain(hi.map(|(k, _)| k))
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    ranks
}

/// Assembles the answer from `(rank, value)` pairs sorted by rank.
fn assemble(qs: &[f64], n: usize, method: QuantileMethod, found: &[(usize, f64)]) -> Option<Vec<f64>> {
    let value_at = |r: usize| found.binary_search_by_key(&r, |&(k, _)| k).ok().and_then(|i| found.get(i)).map(|p| p.1);
    qs.iter()
        .map(|&q| {
            let (j, hi) = ranks_of(q, n, method);
            let hi = match hi {
                Some((k, frac)) => Some((value_at(k)?, frac)),
                None => None,
            };
            Some(combine(value_at(j)?, hi))
        })
        .collect()
}

/// Selects the elements of `buf` at `ranks` (ascending, distinct, all `< buf.len()`), largest
/// first so each selection works on a shrinking prefix; pushes `(base + rank, value)`.
fn select_ranks(buf: &mut [f64], ranks: &[usize], base: usize, out: &mut Vec<(usize, f64)>) {
    let mut bound = buf.len();
    for &r in ranks.iter().rev() {
        let Some(prefix) = buf.get_mut(..bound) else { return };
        if r >= prefix.len() {
            continue;
        }
        let (_, &mut v, _) = prefix.select_nth_unstable_by(r, f64::total_cmp);
        out.push((base + r, v));
        bound = r;
    }
}

/// The small-input path: copy the finite samples and select.
fn by_selection(values: &[f64], qs: &[f64], method: QuantileMethod) -> Quantiles {
    let mut finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let nan = values.iter().filter(|x| x.is_nan()).count();
    let (n, infinite) = (finite.len(), values.len() - finite.len() - nan);
    if n == 0 {
        return Quantiles { values: None, n, nan, infinite };
    }
    let ranks = needed_ranks(qs, n, method);
    let mut found = Vec::with_capacity(ranks.len());
    select_ranks(&mut finite, &ranks, 0, &mut found);
    found.sort_unstable_by_key(|p| p.0);
    Quantiles { values: assemble(qs, n, method, &found), n, nan, infinite }
}

/// A `u64` key monotonic in `f64::total_cmp` order: positive values get the sign bit set,
/// negative values have every bit inverted.
#[inline(always)]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ ((((b as i64) >> 63) as u64) | (1 << 63))
}

#[inline(always)]
fn bucket(x: f64) -> usize {
    (key(x) >> 48) as usize
}

/// Pass 1: how many samples fall into each of the 65,536 buckets.
fn histogram(values: &[f64]) -> Vec<u64> {
    let mut total = vec![0u64; BUCKETS];
    let mut flat = vec![0u32; LANES * BUCKETS];
    for chunk in values.chunks(CHUNK) {
        let mut lanes = flat.chunks_exact_mut(BUCKETS).filter_map(|l| <&mut [u32; BUCKETS]>::try_from(l).ok());
        let (Some(l0), Some(l1), Some(l2), Some(l3)) = (lanes.next(), lanes.next(), lanes.next(), lanes.next()) else {
            // Unreachable: `flat` holds exactly four lanes.
            chunk.iter().for_each(|&x| total[bucket(x)] += 1);
            continue;
        };
        let quads = chunk.chunks_exact(LANES);
        for &x in quads.remainder() {
            l0[bucket(x)] += 1;
        }
        for q in quads {
            if let &[a, b, c, d] = q {
                l0[bucket(a)] += 1;
                l1[bucket(b)] += 1;
                l2[bucket(c)] += 1;
                l3[bucket(d)] += 1;
            }
        }
        for lane in flat.chunks_exact(BUCKETS) {
            total.iter_mut().zip(lane).for_each(|(t, &c)| *t += u64::from(c));
        }
        flat.fill(0);
    }
    total
}

/// Pass 2: copies the samples whose bucket is marked in `want` into `out` (sized to exactly the
/// marked buckets' total plus one scratch slot), in input order, without a branch per sample.
/// Returns how many were copied.
fn gather(values: &[f64], want: &[u8; BUCKETS], out: &mut [f64]) -> usize {
    let Some(last) = out.len().checked_sub(1) else { return 0 };
    let mut len = 0usize;
    for &x in values {
        out[len.min(last)] = x;
        len += usize::from(want[bucket(x)]);
    }
    len.min(last)
}

/// The large-input path; see the module doc.
fn by_radix(values: &[f64], qs: &[f64], method: QuantileMethod) -> Quantiles {
    let hist = histogram(values);
    let edge: u64 = hist.iter().take(FIRST_FINITE).chain(hist.iter().skip(LAST_FINITE + 1)).sum();
    let (nan, infinite) = if edge == 0 {
        (0, 0)
    } else {
        let nan = values.iter().filter(|x| x.is_nan()).count();
        (nan, edge as usize - nan)
    };
    let n = values.len() - nan - infinite;
    if n == 0 {
        return Quantiles { values: None, n, nan, infinite };
    }

    // Locate each needed rank: its bucket and the count of finite samples below that bucket.
    let ranks = needed_ranks(qs, n, method);
    let mut targets: Vec<(usize, usize, Vec<usize>)> = Vec::new(); // (bucket, below, ranks within)
    let mut below = 0usize;
    let mut next = ranks.iter().copied().peekable();
    for (b, &count) in hist.iter().enumerate().take(LAST_FINITE + 1).skip(FIRST_FINITE) {
        let count = count as usize;
        while let Some(r) = next.next_if(|&r| r < below + count) {
            match targets.last_mut() {
                Some(t) if t.0 == b => t.2.push(r - below),
                _ => targets.push((b, below, vec![r - below])),
            }
        }
        below += count;
    }

    // Gather the target buckets, then group them by bucket (counting scatter over few elements).
    let mut want = vec![0u8; BUCKETS];
    let mut total = 0usize;
    for t in &targets {
        if let Some(w) = want.get_mut(t.0) {
            *w = 1;
        }
        total += hist.get(t.0).map_or(0, |&c| c as usize);
    }
    let Ok(want) = <&[u8; BUCKETS]>::try_from(want.as_slice()) else {
        return by_selection(values, qs, method);
    };
    let mut gathered = vec![0.0f64; total + 1];
    let len = gather(values, want, &mut gathered);
    let mut starts = Vec::with_capacity(targets.len());
    let mut slot_of = vec![0u16; BUCKETS];
    let mut at = 0usize;
    for (i, t) in targets.iter().enumerate() {
        starts.push(at);
        at += hist.get(t.0).map_or(0, |&c| c as usize);
        if let Some(s) = slot_of.get_mut(t.0) {
            *s = u16::try_from(i).unwrap_or(u16::MAX);
        }
    }
    let mut grouped = vec![0.0f64; len];
    let mut cursor = starts.clone();
    for &x in gathered.get(..len).unwrap_or(&[]) {
        let slot = slot_of.get(bucket(x)).map_or(0, |&s| usize::from(s));
        if let Some(c) = cursor.get_mut(slot) {
            if let Some(dst) = grouped.get_mut(*c) {
                *dst = x;
            }
            *c += 1;
        }
    }

    // Select within each bucket.
    let mut found = Vec::with_capacity(ranks.len());
    for (i, (_, below, within)) in targets.iter().enumerate() {
        let start = starts.get(i).copied().unwrap_or(0);
        let end = starts.get(i + 1).copied().unwrap_or(len);
        if let Some(part) = grouped.get_mut(start..end) {
            select_ranks(part, within, *below, &mut found);
        }
    }
    found.sort_unstable_by_key(|p| p.0);
    Quantiles { values: assemble(qs, n, method, &found), n, nan, infinite }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_finite(values: &[f64]) -> Vec<f64> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        v
    }

    fn reference(values: &[f64], q: f64, method: QuantileMethod) -> Option<f64> {
        let x = sorted_finite(values);
        if x.is_empty() {
            return None;
        }
        let (j, hi) = ranks_of(q, x.len(), method);
        Some(combine(x[j], hi.map(|(k, f)| (x[k], f))))
    }

    #[test]
    fn keys_are_monotonic_and_non_finite_values_sit_in_the_edge_buckets() {
        let xs = [f64::NEG_INFINITY, -f64::MAX, -1.0, -f64::MIN_POSITIVE, -0.0, 0.0, 1e-300, 1.0, f64::MAX, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(bucket(-f64::MAX), FIRST_FINITE);
        assert_eq!(bucket(f64::MAX), LAST_FINITE);
        for x in [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::from_bits(0x7FF0_0000_0000_0001)] {
            let b = bucket(x);
            assert!(!(FIRST_FINITE..=LAST_FINITE).contains(&b), "{x} in {b:#x}");
        }
    }

    #[test]
    fn radix_path_handles_non_finite_values_and_counts_them() {
        let mut v: Vec<f64> = (0..40_000).map(|i| ((i * 7919) % 40_000) as f64 / 4.0).collect();
        v[5] = f64::NAN;
        v[6] = f64::INFINITY;
        v[7] = f64::NEG_INFINITY;
        v[8] = -f64::NAN;
        let got = by_radix(&v, &[0.0, 0.5, 0.99, 1.0], QuantileMethod::Linear);
        assert_eq!((got.n, got.nan, got.infinite), (39_996, 2, 2));
        let want: Vec<f64> =
            [0.0, 0.5, 0.99, 1.0].iter().filter_map(|&q| reference(&v, q, QuantileMethod::Linear)).collect();
        assert_eq!(got.values, Some(want));
        let none = by_radix(&[f64::NAN; 20_000], &[0.5], QuantileMethod::Linear);
        assert_eq!((none.values, none.n, none.nan), (None, 0, 20_000));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The radix path on inputs of any size equals a full sort, bit for bit.
        #[test]
        fn radix_path_equals_a_full_sort(
            values in prop::collection::vec(prop_oneof![
                8 => -1e6f64..1e6,
                2 => (0.0f64..1.0).prop_map(|x| (x * 20.0).exp()),
                1 => prop::num::f64::ANY,
                1 => Just(0.0), 1 => Just(-0.0), 1 => Just(3.5),
            ], 1..3000),
            qs in prop::collection::vec(0.0f64..=1.0, 1..5),
        ) {
            for method in [QuantileMethod::Linear, QuantileMethod::NearestRank] {
                let got = by_radix(&values, &qs, method);
                let want: Option<Vec<f64>> = qs.iter().map(|&q| reference(&values, q, method)).collect();
                let bits = |v: &Option<Vec<f64>>| v.as_ref().map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
                prop_assert_eq!(bits(&got.values), bits(&want));
                prop_assert_eq!(got.nan, values.iter().filter(|x| x.is_nan()).count());
                prop_assert_eq!(got.n + got.nan + got.infinite, values.len());
            }
        }
    }
}
