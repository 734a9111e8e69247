//! Exact percentiles: the definitions' test vectors (algorithms.md §2.1) and agreement with a
//! full sort on random data, through the public API (small and radix paths).

use proptest::prelude::*;
use sightline_core::stats::percentile::SMALL;
use sightline_core::stats::{quantiles, QuantileError, QuantileMethod};

fn one(values: &[f64], q: f64, method: QuantileMethod) -> f64 {
    quantiles(values, &[q], method).unwrap().values.unwrap()[0]
}

/// Sort-based reference of both definitions.
fn reference(values: &[f64], q: f64, method: QuantileMethod) -> Option<f64> {
    let mut x: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    x.sort_by(f64::total_cmp);
    let n = x.len();
    if n == 0 {
        return None;
    }
    Some(match method {
        QuantileMethod::Linear => {
            let h = (n - 1) as f64 * q;
            let j = h.floor() as usize;
            if j + 1 < n && h > j as f64 {
                x[j] + (h - j as f64) * (x[j + 1] - x[j])
            } else {
                x[j.min(n - 1)]
            }
        }
        QuantileMethod::NearestRank => x[((q * n as f64).ceil() as usize).saturating_sub(1).min(n - 1)],
    })
}

#[test]
fn linear_and_nearest_rank_match_the_reference_table() {
    let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
    let skewed: Vec<f64> = (1..=9).map(f64::from).chain([100.0]).collect();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    for (data, q, linear, nearest) in [
        (&hundred, 0.50, 50.5, 50.0),
        (&hundred, 0.95, 95.05, 95.0),
        (&hundred, 0.99, 99.01, 99.0),
        (&skewed, 0.95, 59.05, 100.0),
        (&skewed, 0.99, 91.81, 100.0),
    ] {
        assert!(close(one(data, q, QuantileMethod::Linear), linear), "linear q={q}");
        assert_eq!(one(data, q, QuantileMethod::NearestRank), nearest, "nearest q={q}");
    }
}

#[test]
fn several_quantiles_come_back_in_request_order() {
    let data: Vec<f64> = (0..1000).rev().map(f64::from).collect();
    let got = quantiles(&data, &[0.99, 0.0, 0.5, 1.0, 0.5], QuantileMethod::Linear).unwrap();
    assert_eq!(got.values, Some(vec![989.01, 0.0, 499.5, 999.0, 499.5]));
    assert_eq!((got.n, got.nan, got.infinite), (1000, 0, 0));
}

#[test]
fn one_sample_is_every_quantile_and_no_finite_sample_is_no_data() {
    let got = quantiles(&[7.0, f64::NAN, f64::INFINITY], &[0.0, 0.5, 1.0], QuantileMethod::Linear).unwrap();
    assert_eq!(got.values, Some(vec![7.0; 3]));
    assert_eq!((got.n, got.nan, got.infinite), (1, 1, 1));
    let none = quantiles(&[f64::NAN, f64::NEG_INFINITY], &[0.5], QuantileMethod::NearestRank).unwrap();
    assert_eq!((none.values, none.n, none.nan, none.infinite), (None, 0, 1, 1));
    assert_eq!(quantiles(&[], &[0.5], QuantileMethod::Linear).unwrap().values, None);
}

#[test]
fn quantiles_outside_zero_to_one_are_errors() {
    for bad in [-0.01, 1.01, f64::NAN, 99.0] {
        let e = quantiles(&[1.0], &[0.5, bad], QuantileMethod::Linear).unwrap_err();
        assert_eq!(e.index, 1);
        assert!(e.to_string().contains("between 0 and 1"), "{e}");
    }
    assert!(matches!(quantiles(&[1.0], &[f64::NAN], QuantileMethod::Linear), Err(QuantileError { index: 0, .. })));
}

#[test]
fn large_inputs_take_the_radix_path_and_equal_a_sort() {
    // Lognormal-like values with repeats, negatives, zeros of both signs and non-finite values.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = SMALL * 8 + 3;
    let values: Vec<f64> = (0..n)
        .map(|i| match next() % 1000 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -0.0,
            3 => 0.0,
            4..=50 => -((next() % 10_000) as f64),
            _ => ((next() >> 11) as f64 / (1u64 << 53) as f64 * 12.0).exp() + (i % 3) as f64,
        })
        .collect();
    let qs = [0.0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0];
    for method in [QuantileMethod::Linear, QuantileMethod::NearestRank] {
        let got = quantiles(&values, &qs, method).unwrap();
        let want: Vec<u64> = qs.iter().map(|&q| reference(&values, q, method).unwrap().to_bits()).collect();
        assert_eq!(got.values.unwrap().iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want, "{method:?}");
        assert_eq!(got.nan, values.iter().filter(|x| x.is_nan()).count());
        assert_eq!(got.infinite, values.iter().filter(|x| x.is_infinite()).count());
    }
}

proptest! {
    #[test]
    fn any_input_equals_a_full_sort(
        values in prop::collection::vec(prop_oneof![
            6 => -1e3f64..1e3,
            1 => prop::num::f64::ANY,
            1 => Just(1.0),
        ], 0..300),
        qs in prop::collection::vec(0.0f64..=1.0, 1..4),
    ) {
        for method in [QuantileMethod::Linear, QuantileMethod::NearestRank] {
            let got = quantiles(&values, &qs, method).unwrap();
            let want: Option<Vec<u64>> = qs.iter().map(|&q| reference(&values, q, method).map(f64::to_bits)).collect();
            prop_assert_eq!(got.values.map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()), want);
        }
    }
}

mod table {
    use sightline_core::series::Series;
    use sightline_core::stats::percentile::QuantileMethod;
    use sightline_core::stats::percentile_table::percentile_table;

    fn s(v: &[f64]) -> Series {
        Series { labels: Default::default(), t_ms: (0..v.len() as i64).collect(), values: v.to_vec() }
    }

    #[test]
    fn pooled_percentiles_are_over_all_samples_not_an_average_of_rows() {
        // a = 1..=4, b = 101..=104 (one NaN): per-series medians 2.5 and 102.5; pooled median of
        // [1,2,3,4,101,102,103,104] is (4 + 101) / 2 = 52.5 by linear interpolation.
        let t = percentile_table(&[s(&[1.0, 2.0, 3.0, 4.0]), s(&[101.0, f64::NAN, 102.0, 103.0, 104.0])], &[0.5, 1.0], QuantileMethod::Linear).unwrap();
        assert_eq!(t.rows[0].values, Some(vec![2.5, 4.0]));
        assert_eq!(t.rows[1].values, Some(vec![102.5, 104.0]));
        assert_eq!(t.rows[1].nan, 1);
        assert_eq!(t.all.values, Some(vec![52.5, 104.0]));
        assert_eq!(t.all.n, 8);
        let nearest = percentile_table(&[s(&[1.0, 2.0, 3.0, 4.0])], &[0.5], QuantileMethod::NearestRank).unwrap();
        assert_eq!(nearest.all.values, Some(vec![2.0]));
        assert!(percentile_table(&[], &[1.5], QuantileMethod::Linear).is_err());
    }
}
