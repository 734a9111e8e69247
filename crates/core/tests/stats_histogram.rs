//! `histogram_quantile`: the columnar kernel ([`BucketLayout`]) gives the one-call function's bits
//! on any layout (unsorted, duplicated, NaN or missing +Inf bounds) and any counts (decreasing,
//! tiny float deltas, NaN, zero observations).

use proptest::prelude::*;
use sightline_core::stats::{bucket_quantile, BucketLayout};

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn the_columnar_kernel_gives_the_reference_vectors_per_step() {
    let bounds = [0.1, 0.25, 0.5, 1.0, f64::INFINITY];
    let counts = [50.0, 80.0, 95.0, 99.0, 100.0, /* step 2: no observations */ 0.0, 0.0, 0.0, 0.0, 0.0];
    let layout = BucketLayout::new(&bounds);
    let mut out = [0.0; 2];
    layout.quantiles(0.9, &counts, &mut out);
    assert!((out[0] - 0.416_666_666_666_666_7).abs() < 1e-12);
    assert!(out[1].is_nan(), "no observations");
    layout.quantiles(1.5, &counts, &mut out);
    assert_eq!(out, [f64::INFINITY; 2]);
}

#[test]
fn unsorted_and_duplicated_bounds_are_sorted_and_summed() {
    // le=+Inf first, 0.5 twice (summed: 30 + 30 = 60), 1.0 → 80; total 100.
    let layout = BucketLayout::new(&[f64::INFINITY, 0.5, 1.0, 0.5]);
    let mut out = [0.0];
    layout.quantiles(0.5, &[100.0, 30.0, 80.0, 30.0], &mut out);
    let want = bucket_quantile(0.5, &mut vec![(f64::INFINITY, 100.0), (0.5, 30.0), (1.0, 80.0), (0.5, 30.0)]);
    assert_eq!(out[0], want);
    assert!((out[0] - 50.0 / 60.0 * 0.5).abs() < 1e-15);
}

#[test]
fn without_an_inf_bound_every_step_is_nan() {
    let layout = BucketLayout::new(&[1.0, 2.0]);
    let mut out = [0.0; 3];
    layout.quantiles(0.5, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &mut out);
    assert!(out.iter().all(|x| x.is_nan()));
}

fn bound() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => prop::sample::select(vec![-1.0, 0.0, 0.005, 0.01, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]),
        2 => Just(f64::INFINITY),
        1 => Just(f64::NAN),
        1 => -5.0f64..5.0,
    ]
}

fn count() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => (0u32..200).prop_map(f64::from),
        2 => (0u32..200).prop_map(|c| f64::from(c) * (1.0 + 1e-14)),
        1 => Just(1e12 + 1.0),
        1 => Just(1e12),
        1 => Just(f64::NAN),
        1 => 0.0f64..1e6,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn columnar_equals_one_call_bit_for_bit(
        bounds in prop::collection::vec(bound(), 0..8),
        counts in prop::collection::vec(count(), 0..64),
        q in prop_oneof![0.0f64..=1.0, Just(0.0), Just(1.0), Just(-0.5), Just(f64::NAN)],
    ) {
        let layout = BucketLayout::new(&bounds);
        let width = bounds.len();
        let steps = counts.len().checked_div(width).unwrap_or(1);
        let mut out = vec![-7.0; steps];
        layout.quantiles(q, &counts, &mut out);
        for (s, &got) in out.iter().enumerate() {
            let mut buckets: Vec<(f64, f64)> =
                bounds.iter().copied().zip(counts.iter().skip(s * width).copied()).collect();
            let want = bucket_quantile(q, &mut buckets);
            prop_assert!(same(got, want), "step {s}: {got} != {want}");
        }
    }
}

/// Prometheus 3.x `bucketQuantile` ported line by line (sort, coalesce,
/// `ensureMonotonicAndIgnoreSmallDeltas` with `almost.Equal`, `sort.Search`, interpolation).
fn go_bucket_quantile(q: f64, input: &[(f64, f64)]) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    let mut b = input.to_vec();
    b.sort_by(|x, y| x.0.partial_cmp(&y.0).unwrap_or(std::cmp::Ordering::Equal));
    if b.last().map(|x| x.0) != Some(f64::INFINITY) {
        return f64::NAN;
    }
    let mut m: Vec<(f64, f64)> = Vec::new();
    for x in b {
        match m.last_mut() {
            Some(l) if l.0 == x.0 => l.1 += x.1,
            _ => m.push(x),
        }
    }
    let almost = |a: f64, b: f64| {
        if (a.is_nan() && b.is_nan()) || a == b {
            return true;
        }
        let (s, d) = (a.abs() + b.abs(), (a - b).abs());
        if a == 0.0 || b == 0.0 || s < f64::MIN_POSITIVE {
            return d < 1e-12 * f64::MIN_POSITIVE;
        }
        d / s.min(f64::MAX) < 1e-12
    };
    let mut prev = m[0].1;
    for x in m.iter_mut().skip(1) {
        let curr = x.1;
        if curr == prev {
            continue;
        }
        if almost(prev, curr) || curr < prev {
            x.1 = prev;
            continue;
        }
        prev = curr;
    }
    let n = m.len();
    if n < 2 || m[n - 1].1 == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * m[n - 1].1;
    let (mut i, mut j) = (0, n - 1);
    while i < j {
        let h = (i + j) / 2;
        // Go: `!(count >= rank)`, true when either is NaN.
        if m[h].1 < rank || m[h].1.is_nan() || rank.is_nan() {
            i = h + 1;
        } else {
            j = h;
        }
    }
    if i == n - 1 {
        return m[n - 2].0;
    }
    if i == 0 && m[0].0 <= 0.0 {
        return m[0].0;
    }
    let (mut start, mut count) = (0.0, m[i].1);
    if i > 0 {
        start = m[i - 1].0;
        count -= m[i - 1].1;
        rank -= m[i - 1].1;
    }
    start + (m[i].0 - start) * (rank / count)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn both_forms_equal_the_go_code_bit_for_bit(
        bounds in prop::collection::vec(bound(), 1..8),
        counts in prop::collection::vec(count(), 8..64),
        q in prop_oneof![0.0f64..=1.0, Just(0.0), Just(1.0), Just(0.5)],
    ) {
        let width = bounds.len();
        let steps = counts.len() / width;
        let mut out = vec![0.0; steps];
        BucketLayout::new(&bounds).quantiles(q, &counts, &mut out);
        for (s, &got) in out.iter().enumerate() {
            let pairs: Vec<(f64, f64)> = bounds.iter().copied().zip(counts.iter().skip(s * width).copied()).collect();
            let want = go_bucket_quantile(q, &pairs);
            prop_assert!(same(got, want), "columnar step {s}: {got} != Go {want} for {pairs:?}");
            prop_assert!(same(bucket_quantile(q, &mut pairs.clone()), want), "one-call step {s} for {pairs:?}");
        }
    }
}
