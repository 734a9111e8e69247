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
//! - Algorithm (n > [`SMALL`]): radix selection over the top 16 bits of each value (sign,
//!   exponent, 4 mantissa bits), so only the few buckets holding the needed ranks are ever
//!   selected in. A sample (up to 1,024 evenly spaced runs of 64 values) predicts those buckets
//!   with a 3σ margin; **one pass** then counts every bucket (four interleaved sub-histograms, so
//!   repeated buckets never wait on one counter) and copies the predicted buckets' samples without
//!   a branch per sample. When no value has the sign bit set (checked exactly by the histogram),
//!   buckets of raw bit patterns are ordered and this is the whole scan. Otherwise (negative
//!   values, `−0.0`) a second histogram pass runs over order-preserving keys; and when the
//!   prediction missed a bucket or under-counted it, one more pass gathers the exact buckets —
//!   never a wrong answer, only a slower one. Samples are gathered as their order-preserving
//!   `u64` patterns, and selection (`select_nth_unstable`, integer compares) runs inside each
//!   needed bucket. Non-finite values land in dedicated edge buckets, so they
//!   are counted for free (one extra pass, only when there are any, tells NaN from ±Inf).
//! - Cost: for non-negative data one streaming read of the input, plus O(65,536) for the counters
//!   and a selection over the needed buckets (for smooth data each holds ≤ ~2 % of n). Memory:
//!   1.4 MiB of counters and tables plus the gathered samples. Small inputs (≤ [`SMALL`]) copy
//!   the finite values and select directly.

use std::fmt;

/// Inputs up to this many samples are copied and selected directly (the radix path's fixed cost
/// of clearing 1 MiB of counters is not worth it below this).
pub const SMALL: usize = 16_384;

const BUCKETS: usize = 1 << 16;
const LANES: usize = 4;
/// Samples per pass-1 chunk, so that no `u32` lane counter can overflow (≤ 2^29 per lane).
const CHUNK: usize = 1 << 31;

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
/// first so each selection works on a shrinking prefix; pushes `(base + rank, key)`.
fn select_ranks(buf: &mut [u64], ranks: &[usize], base: usize, out: &mut Vec<(usize, u64)>) {
    let mut bound = buf.len();
    for &r in ranks.iter().rev() {
        let Some(prefix) = buf.get_mut(..bound) else { return };
        if r >= prefix.len() {
            continue;
        }
        let (_, &mut k, _) = prefix.select_nth_unstable(r);
        out.push((base + r, k));
        bound = r;
    }
}

/// The small-input path: copy the finite samples' keys and select.
fn by_selection(values: &[f64], qs: &[f64], method: QuantileMethod) -> Quantiles {
    let mut finite: Vec<u64> = values.iter().filter(|x| x.is_finite()).map(|&x| key(x)).collect();
    let nan = values.iter().filter(|x| x.is_nan()).count();
    let (n, infinite) = (finite.len(), values.len() - finite.len() - nan);
    if n == 0 {
        return Quantiles { values: None, n, nan, infinite };
    }
    let ranks = needed_ranks(qs, n, method);
    let mut found = Vec::with_capacity(ranks.len());
    select_ranks(&mut finite, &ranks, 0, &mut found);
    Quantiles { values: assemble(qs, n, method, &resolve::<false>(found)), n, nan, infinite }
}

/// Turns `(rank, key)` pairs into `(rank, value)` pairs sorted by rank.
fn resolve<const RAW: bool>(mut found: Vec<(usize, u64)>) -> Vec<(usize, f64)> {
    found.sort_unstable_by_key(|p| p.0);
    found.into_iter().map(|(r, k)| (r, from_ordered::<RAW>(k))).collect()
}

/// A `u64` key monotonic in `f64::total_cmp` order: positive values get the sign bit set,
/// negative values have every bit inverted.
#[inline(always)]
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ ((((b as i64) >> 63) as u64) | (1 << 63))
}

/// The bits of `x` in an order that matches its value: the raw pattern (`RAW`, monotonic for
/// values without the sign bit) or its [`key`] (any value).
#[inline(always)]
fn ordered<const RAW: bool>(x: f64) -> u64 {
    if RAW {
        x.to_bits()
    } else {
        key(x)
    }
}

/// The value of an [`ordered`] pattern.
#[inline(always)]
fn from_ordered<const RAW: bool>(k: u64) -> f64 {
    if RAW || k >> 63 == 1 {
        f64::from_bits(if RAW { k } else { k ^ (1 << 63) })
    } else {
        f64::from_bits(!k)
    }
}

/// The bucket of `x`: the top 16 bits of [`ordered`].
#[inline(always)]
fn bucket<const RAW: bool>(x: f64) -> usize {
    (ordered::<RAW>(x) >> 48) as usize
}

/// The buckets that hold finite values: raw patterns of non-negative finite values end at
/// `0x7FEF` (above: +Inf and positive NaNs); keys run from `−MAX` (`0x0010`) to `MAX` (`0xFFEF`).
fn finite_buckets<const RAW: bool>() -> std::ops::RangeInclusive<usize> {
    if RAW {
        0x0000..=0x7FEF
    } else {
        0x0010..=0xFFEF
    }
}

/// Four interleaved sub-histograms in one array (lane `k` of bucket `b` at `b + k·BUCKETS`), so
/// consecutive samples never wait on the same counter and one base pointer serves all four.
type Lanes = [u32; LANES * BUCKETS];

/// Adds the lanes into `total` and clears them.
fn drain(lanes: &mut Lanes, total: &mut [u64]) {
    for lane in lanes.chunks_exact(BUCKETS) {
        total.iter_mut().zip(lane).for_each(|(t, &c)| *t += u64::from(c));
    }
    lanes.fill(0);
}

/// One pass over `values`: counts every bucket into a histogram and, when `want` is given, copies
/// the samples of the marked buckets into `out` in input order without a branch per sample (`out`
/// has one scratch slot at the end; samples beyond its capacity are dropped). Returns the
/// histogram and how many samples were marked (more than `out.len() − 1` means it overflowed).
fn scan<const RAW: bool>(values: &[f64], want: Option<&[u8; BUCKETS]>, out: &mut [u64]) -> (Vec<u64>, usize) {
    let mut total = vec![0u64; BUCKETS];
    let mut flat = vec![0u32; LANES * BUCKETS];
    let Ok(lanes) = <&mut Lanes>::try_from(flat.as_mut_slice()) else {
        // Unreachable: `flat` has exactly the lanes' length. Count directly, gather nothing.
        values.iter().for_each(|&x| total[bucket::<RAW>(x)] += 1);
        return (total, usize::MAX);
    };
    let last = out.len().saturating_sub(1);
    let mut len = 0usize;
    for chunk in values.chunks(CHUNK) {
        let quads = chunk.chunks_exact(LANES);
        let tail = quads.remainder();
        match (want, out.get_mut(..=last)) {
            (Some(want), Some(out)) => {
                for q in quads {
                    for (k, &x) in q.iter().enumerate() {
                        let o = ordered::<RAW>(x);
                        let b = (o >> 48) as usize;
                        lanes[b + k * BUCKETS] += 1;
                        out[len.min(last)] = o;
                        len += usize::from(want[b]);
                    }
                }
                for &x in tail {
                    let o = ordered::<RAW>(x);
                    let b = (o >> 48) as usize;
                    lanes[b] += 1;
                    out[len.min(last)] = o;
                    len += usize::from(want[b]);
                }
            }
            _ => {
                for q in quads {
                    for (k, &x) in q.iter().enumerate() {
                        lanes[bucket::<RAW>(x) + k * BUCKETS] += 1;
                    }
                }
                for &x in tail {
                    lanes[bucket::<RAW>(x)] += 1;
                }
            }
        }
        drain(lanes, &mut total);
    }
    (total, len)
}

/// Copies the [`ordered`] patterns of the samples whose bucket is marked into `out` (sized to
/// exactly their count plus one scratch slot), in input order, without a branch per sample.
/// Returns how many were copied.
fn gather<const RAW: bool>(values: &[f64], want: &[u8; BUCKETS], out: &mut [u64]) -> usize {
    let Some(last) = out.len().checked_sub(1) else { return 0 };
    let mut len = 0usize;
    for &x in values {
        let o = ordered::<RAW>(x);
        out[len.min(last)] = o;
        len += usize::from(want[(o >> 48) as usize]);
    }
    len.min(last)
}

/// Samples read to predict the target buckets: up to `SAMPLE_BLOCKS` evenly spaced runs of
/// `SAMPLE_RUN` consecutive values (cheap to read; spread over the whole input; at most a quarter
/// of it).
const SAMPLE_BLOCKS: usize = 1024;
const SAMPLE_RUN: usize = 64;

/// Predicts from a sample which raw buckets hold the needed ranks, with a margin of three standard
/// deviations of the sample rank (plus the neighbours of the first and last). Returns the marked
/// buckets and how many samples they should hold, or `None` when the sample contains a value with
/// the sign bit set (then raw buckets are not ordered: the keyed two-pass path runs instead).
fn predict(values: &[f64], ranks: &[usize]) -> Option<(Vec<u8>, usize)> {
    let n = values.len();
    let blocks = SAMPLE_BLOCKS.min(n / (SAMPLE_RUN * 4));
    if blocks < 16 {
        return None;
    }
    let stride = n / blocks;
    let mut hist = vec![0u32; BUCKETS];
    let mut m = 0usize;
    for b in 0..blocks {
        for &x in values.get(b * stride..b * stride + SAMPLE_RUN).unwrap_or(&[]) {
            let raw = x.to_bits() >> 48;
            if raw >= 0x8000 {
                return None;
            }
            hist[raw as usize] += 1;
            m += 1;
        }
    }
    // Cumulative sample counts: the bucket of sample rank s is the first whose cumulative > s.
    let mut cum = Vec::with_capacity(BUCKETS);
    let mut acc = 0usize;
    for &c in &hist {
        acc += c as usize;
        cum.push(acc);
    }
    let bucket_of = |s: usize| cum.partition_point(|&c| c <= s).min(BUCKETS - 1);
    let mut want = vec![0u8; BUCKETS];
    let mut expected = 0usize;
    for &r in ranks {
        let p = (r as f64 + 0.5) / n as f64;
        let sigma = (m as f64 * p * (1.0 - p)).sqrt();
        let (lo, hi) = (p * m as f64 - 3.0 * sigma - 2.0, p * m as f64 + 3.0 * sigma + 2.0);
        let lo = bucket_of(lo.max(0.0) as usize);
        let hi = bucket_of((hi.max(0.0) as usize).min(m.saturating_sub(1)));
        for (b, w) in want.iter_mut().enumerate().take(hi + 1).skip(lo) {
            if *w == 0 {
                *w = 1;
                expected += hist.get(b).map_or(0, |&c| c as usize);
            }
        }
    }
    Some((want, expected * (n / m.max(1))))
}

/// The large-input path; see the module doc.
fn by_radix(values: &[f64], qs: &[f64], method: QuantileMethod) -> Quantiles {
    let ranks_guess = needed_ranks(qs, values.len(), method);
    if let Some((want, expected)) = predict(values, &ranks_guess) {
        let want_ref = <&[u8; BUCKETS]>::try_from(want.as_slice()).ok();
        let mut gathered = vec![0u64; (expected + expected / 4 + 4096).min(values.len()) + 1];
        let (hist, len) = scan::<true>(values, want_ref, &mut gathered);
        if hist.iter().skip(0x8000).all(|&c| c == 0) {
            let ok = len < gathered.len();
            let pre = ok.then_some((want, gathered, len));
            return finish::<true>(values, &hist, pre, qs, method);
        }
    }
    let (hist, _) = scan::<false>(values, None, &mut []);
    finish::<false>(values, &hist, None, qs, method)
}

/// Everything after the histogram: exclusions, the bucket of each rank, the samples of those
/// buckets (already gathered by a predicted pass, or by one more pass), selection.
fn finish<const RAW: bool>(
    values: &[f64],
    hist: &[u64],
    pre: Option<(Vec<u8>, Vec<u64>, usize)>,
    qs: &[f64],
    method: QuantileMethod,
) -> Quantiles {
    let finite = finite_buckets::<RAW>();
    let total_finite: u64 = hist.get(finite.clone()).map_or(0, |h| h.iter().sum());
    let non_finite = values.len() - total_finite as usize;
    let nan = if non_finite == 0 { 0 } else { values.iter().filter(|x| x.is_nan()).count() };
    let (n, infinite) = (total_finite as usize, non_finite - nan);
    if n == 0 {
        return Quantiles { values: None, n, nan, infinite };
    }

    // The bucket of each needed rank and the count of finite samples below that bucket.
    let ranks = needed_ranks(qs, n, method);
    let mut targets: Vec<(usize, usize, Vec<usize>)> = Vec::new(); // (bucket, below, ranks within)
    let mut below = 0usize;
    let mut next = ranks.iter().copied().peekable();
    for b in finite {
        let count = hist.get(b).map_or(0, |&c| c as usize);
        while let Some(r) = next.next_if(|&r| r < below + count) {
            match targets.last_mut() {
                Some(t) if t.0 == b => t.2.push(r - below),
                _ => targets.push((b, below, vec![r - below])),
            }
        }
        below += count;
    }

    // The samples of the target buckets: reuse the predicted gather when it covers them all.
    let covered = |want: &[u8]| targets.iter().all(|t| want.get(t.0) == Some(&1));
    let (gathered, len) = match pre {
        Some((want, gathered, len)) if covered(&want) => (gathered, len),
        _ => {
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
            let mut gathered = vec![0u64; total + 1];
            let len = gather::<RAW>(values, want, &mut gathered);
            (gathered, len)
        }
    };

    // Group the target buckets' samples: one branch-free filtering copy per target (the gathered
    // buffer may also hold the prediction's margin buckets).
    let mut starts = Vec::with_capacity(targets.len() + 1);
    let mut at = 0usize;
    for t in &targets {
        starts.push(at);
        at += hist.get(t.0).map_or(0, |&c| c as usize) + 1; // + one scratch slot per target
    }
    starts.push(at);
    let mut grouped = vec![0u64; at];
    let gathered = gathered.get(..len).unwrap_or(&[]);
    for (i, t) in targets.iter().enumerate() {
        let (start, end) = (starts.get(i).copied().unwrap_or(0), starts.get(i + 1).copied().unwrap_or(0));
        let Some(region) = grouped.get_mut(start..end) else { continue };
        let last = region.len().saturating_sub(1);
        let mut k = 0usize;
        for &o in gathered {
            if let Some(slot) = region.get_mut(k.min(last)) {
                *slot = o;
            }
            k += usize::from((o >> 48) as usize == t.0);
        }
    }

    // Select within each bucket.
    let mut found = Vec::with_capacity(ranks.len());
    for (i, (_, below, within)) in targets.iter().enumerate() {
        // Each region ends with its scratch slot, which is not a sample.
        let (start, end) = (starts.get(i).copied().unwrap_or(0), starts.get(i + 1).copied().unwrap_or(0));
        if let Some(part) = grouped.get_mut(start..end.saturating_sub(1)) {
            select_ranks(part, within, *below, &mut found);
        }
    }
    Quantiles { values: assemble(qs, n, method, &resolve::<RAW>(found)), n, nan, infinite }
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
        let xs =
            [f64::NEG_INFINITY, -f64::MAX, -1.0, -f64::MIN_POSITIVE, -0.0, 0.0, 1e-300, 1.0, f64::MAX, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(bucket::<false>(-f64::MAX), *finite_buckets::<false>().start());
        assert_eq!(bucket::<false>(f64::MAX), *finite_buckets::<false>().end());
        assert_eq!(bucket::<true>(f64::MAX), *finite_buckets::<true>().end());
        for x in [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::from_bits(0x7FF0_0000_0000_0001)] {
            let b = bucket::<false>(x);
            assert!(!finite_buckets::<false>().contains(&b), "{x} in {b:#x}");
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

    fn check_all(values: &[f64], qs: &[f64]) -> Result<(), TestCaseError> {
        for method in [QuantileMethod::Linear, QuantileMethod::NearestRank] {
            let got = by_radix(values, qs, method);
            let want: Option<Vec<f64>> = qs.iter().map(|&q| reference(values, q, method)).collect();
            let bits = |v: &Option<Vec<f64>>| v.as_ref().map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
            prop_assert_eq!(bits(&got.values), bits(&want), "{:?}", method);
            prop_assert_eq!(got.nan, values.iter().filter(|x| x.is_nan()).count());
            prop_assert_eq!(got.n + got.nan + got.infinite, values.len());
        }
        Ok(())
    }

    #[test]
    fn the_predicted_single_pass_and_its_fallbacks_equal_a_full_sort() {
        let n = 300_000;
        let smooth: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64 * 0.01 + 1.0).collect();
        // Non-negative: the predicted pass (with +0, +Inf and NaN among the values).
        let mut v = smooth.clone();
        v[3] = 0.0;
        v[4] = f64::INFINITY;
        v[5] = f64::NAN;
        check_all(&v, &[0.0, 0.5, 0.95, 0.99, 1.0]).unwrap();
        // A negative value outside the sample: the raw histogram sees it, the keyed path runs.
        let mut v = smooth.clone();
        v[n / 1024 * 3 + 100] = -5.0;
        check_all(&v, &[0.0, 0.5, 0.99]).unwrap();
        let mut v = smooth.clone();
        v[n - 1] = -0.0;
        check_all(&v, &[0.0, 0.3]).unwrap();
        // The sample sees only 1.0 (every sampled run), the rest differs: prediction misses.
        let stride = n / SAMPLE_BLOCKS.min(n / (SAMPLE_RUN * 4));
        let v: Vec<f64> = (0..n).map(|i| if i % stride < SAMPLE_RUN { 1.0 } else { (i % 977) as f64 }).collect();
        check_all(&v, &[0.01, 0.5, 0.9]).unwrap();
        // The sample spreads out, the rest piles into the median's bucket: the gather buffer
        // (sized from the sample) overflows.
        let v: Vec<f64> = (0..n).map(|i| if i % stride < SAMPLE_RUN { (i % 977) as f64 } else { 488.0 }).collect();
        check_all(&v, &[0.5]).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The radix paths on inputs of any size equal a full sort, bit for bit.
        #[test]
        fn radix_path_equals_a_full_sort(
            values in prop::collection::vec(prop_oneof![
                8 => 0.0f64..1e6,
                2 => (0.0f64..1.0).prop_map(|x| (x * 20.0).exp()),
                1 => -1e6f64..1e6,
                1 => prop::num::f64::ANY,
                1 => Just(0.0), 1 => Just(-0.0), 1 => Just(3.5),
            ], 1..3000).prop_flat_map(|v| {
                let len = v.len();
                (Just(v), 1usize..20, prop::sample::select(vec![1usize, 4, 16]))
                    .prop_map(move |(v, reps, keep)| {
                        // Repeat to reach the sampled sizes; mostly keep only non-negative values.
                        let mut out: Vec<f64> = v.iter().cycle().take(len * reps).copied().collect();
                        if keep > 1 {
                            out.iter_mut().for_each(|x| if x.is_sign_negative() { *x = x.abs() });
                        }
                        out
                    })
            }),
            qs in prop::collection::vec(0.0f64..=1.0, 1..5),
        ) {
            check_all(&values, &qs)?;
        }
    }
}
