//! M4 downsampling: what is kept, how lines break, and the size bound.

use proptest::prelude::*;
use sightline_core::downsample::{m4, M4Line};

/// The column formula of algorithms.md §4.2, exact.
fn column(t: i64, t0: i64, t1: i64, w: u32) -> i64 {
    let c = (i128::from(t) - i128::from(t0)) * i128::from(w) / (i128::from(t1) - i128::from(t0));
    let c = if t < t0 { 0 } else { c };
    c.clamp(0, i128::from(w) - 1) as i64
}

/// Straightforward reference: split into runs, then per column of each run keep the first, the
/// first minimum, the first maximum and the last point, deduplicated, in input order.
fn reference(t: &[i64], v: &[f64], t0: i64, t1: i64, w: u32, gap: Option<i64>) -> (Vec<i64>, Vec<f64>) {
    // (timestamp of the break that started the run, its points as (index, t, v))
    type Run = (Option<i64>, Vec<(usize, i64, f64)>);
    let mut runs: Vec<Run> = vec![(None, vec![])];
    let mut prev: Option<i64> = None;
    for (i, (&ti, &vi)) in t.iter().zip(v).enumerate() {
        let gap_break = matches!((gap, prev), (Some(g), Some(p)) if g > 0 && ti.saturating_sub(p) > g);
        if !vi.is_finite() || gap_break {
            if !runs.last().unwrap().1.is_empty() {
                runs.push((Some(ti), vec![]));
            } else if runs.last().unwrap().0.is_none() && runs.len() > 1 {
                runs.last_mut().unwrap().0 = Some(ti);
            }
        }
        if vi.is_finite() {
            runs.last_mut().unwrap().1.push((i, ti, vi));
            prev = Some(ti);
        } else {
            prev = None;
        }
    }
    let (mut ot, mut ov) = (vec![], vec![]);
    for (k, (brk, run)) in runs.iter().enumerate() {
        if run.is_empty() {
            continue;
        }
        if k > 0 && !ot.is_empty() {
            ot.push(brk.unwrap());
            ov.push(f64::NAN);
        }
        let mut start = 0;
        while start < run.len() {
            let c = column(run[start].1, t0, t1, w);
            let mut end = start;
            while end < run.len() && column(run[end].1, t0, t1, w) == c {
                end += 1;
            }
            let g = &run[start..end];
            let mut min = g[0];
            let mut max = g[0];
            for &p in g {
                if p.2 < min.2 {
                    min = p;
                }
                if p.2 > max.2 {
                    max = p;
                }
            }
            let mut keep = vec![g[0], min, max, g[g.len() - 1]];
            keep.sort_by_key(|p| p.0);
            keep.dedup_by_key(|p| p.0);
            for p in keep {
                ot.push(p.1);
                ov.push(p.2);
            }
            start = end;
        }
    }
    (ot, ov)
}

fn same_values(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

#[test]
fn keeps_global_first_last_min_and_max() {
    let n = 100_000i64;
    let t: Vec<i64> = (0..n).map(|i| i * 10).collect();
    let mut v: Vec<f64> = (0..n).map(|i| (i as f64 / 1000.0).sin()).collect();
    v[12_345] = 42.0;
    v[67_890] = -42.0;
    let line = m4(&t, &v, 0, n * 10, 300, None);
    assert_eq!(line.t_ms.first(), Some(&0));
    assert_eq!(line.t_ms.last(), Some(&((n - 1) * 10)));
    assert!(line.values.contains(&42.0) && line.values.contains(&-42.0));
    assert!(line.len() <= 4 * 300);
    assert_eq!(line.hidden_non_finite, 0);
}

#[test]
fn few_points_per_column_pass_through_unchanged() {
    let t = [0, 10, 20, 30, 40];
    let v = [1.0, 5.0, 2.0, 4.0, 3.0];
    let line = m4(&t, &v, 0, 50, 1000, None);
    assert_eq!(line.t_ms, t);
    assert_eq!(line.values, v);
}

#[test]
fn one_column_keeps_first_min_max_last_in_time_order() {
    let t = [0, 1, 2, 3, 4, 5];
    let v = [3.0, 9.0, 1.0, 1.0, 9.0, 4.0];
    let line = m4(&t, &v, 0, 6, 1, None);
    assert_eq!(line.t_ms, vec![0, 1, 2, 5]);
    assert_eq!(line.values, vec![3.0, 9.0, 1.0, 4.0]);
}

#[test]
fn nan_and_infinities_split_runs_and_are_counted() {
    let t = [0, 1, 2, 3, 4, 5, 6, 7];
    let v = [1.0, 2.0, f64::NAN, f64::INFINITY, 3.0, f64::NEG_INFINITY, 4.0, 5.0];
    let line = m4(&t, &v, 0, 8, 100, None);
    assert_eq!(line.hidden_non_finite, 3);
    assert_eq!(line.t_ms, vec![0, 1, 2, 4, 5, 6, 7]);
    assert!(same_values(&line.values, &[1.0, 2.0, f64::NAN, 3.0, f64::NAN, 4.0, 5.0]));
    let runs: Vec<_> = line.runs().map(|(t, _)| t.to_vec()).collect();
    assert_eq!(runs, vec![vec![0, 1], vec![4], vec![6, 7]]);
}

#[test]
fn a_run_that_shares_a_column_with_the_next_keeps_its_own_extremes() {
    // All in one column: M4 runs per run, so both runs keep their own first/min/max/last.
    let t = [0, 1, 2, 3, 4, 5, 6];
    let v = [1.0, 5.0, 2.0, f64::NAN, 7.0, 0.0, 3.0];
    let line = m4(&t, &v, 0, 100, 1, None);
    assert_eq!(line.t_ms, vec![0, 1, 2, 3, 4, 5, 6]);
    assert!(same_values(&line.values, &[1.0, 5.0, 2.0, f64::NAN, 7.0, 0.0, 3.0]));
}

#[test]
fn leading_and_trailing_non_finite_values_add_no_separator() {
    let line = m4(&[0, 1, 2, 3], &[f64::NAN, 1.0, 2.0, f64::NAN], 0, 4, 10, None);
    assert_eq!(line.t_ms, vec![1, 2]);
    assert_eq!(line.hidden_non_finite, 2);
    let all_nan = m4(&[0, 1], &[f64::NAN, f64::NAN], 0, 4, 10, None);
    assert!(all_nan.is_empty());
    assert_eq!(all_nan.hidden_non_finite, 2);
}

#[test]
fn gaps_longer_than_max_gap_break_the_line() {
    let t = [0, 15, 30, 120, 135, 300];
    let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let line = m4(&t, &v, 0, 400, 400, Some(30));
    assert_eq!(line.t_ms, vec![0, 15, 30, 120, 120, 135, 300, 300]);
    assert!(same_values(&line.values, &[1.0, 2.0, 3.0, f64::NAN, 4.0, 5.0, f64::NAN, 6.0]));
    assert_eq!(line.runs().count(), 3);
    assert_eq!(line.hidden_non_finite, 0);
    // No gap rule, or a non-positive one: one run.
    assert_eq!(m4(&t, &v, 0, 400, 400, None).runs().count(), 1);
    assert_eq!(m4(&t, &v, 0, 400, 400, Some(0)).runs().count(), 1);
}

#[test]
fn points_outside_the_window_are_clamped_into_the_edge_columns() {
    let t = [-1000, -500, 0, 50, 99, 100, 5000];
    let v = [1.0, 9.0, 2.0, 3.0, 4.0, 0.0, 5.0];
    let line = m4(&t, &v, 0, 100, 2, None);
    // Column 0 holds -1000..49 (first -1000, max -500 = 9, min -1000 = 1, last 0 = 2);
    // column 1 holds 50..5000 (first 50, min 100 = 0, max 5000 = 5, last 5000).
    assert_eq!(line.t_ms, vec![-1000, -500, 0, 50, 100, 5000]);
    assert_eq!(line.values, vec![1.0, 9.0, 2.0, 3.0, 0.0, 5.0]);
}

#[test]
fn mismatched_column_lengths_use_the_shorter() {
    let line = m4(&[0, 1, 2, 3], &[1.0, 2.0], 0, 4, 10, None);
    assert_eq!(line.t_ms, vec![0, 1]);
    let line = m4(&[0], &[1.0, 2.0, f64::NAN], 0, 4, 10, None);
    assert_eq!((line.t_ms.as_slice(), line.hidden_non_finite), (&[0i64][..], 0));
}

#[test]
fn zero_width_or_empty_range_draws_nothing_but_counts_hidden_values() {
    let t = [0, 1, 2];
    let v = [1.0, f64::NAN, 2.0];
    for line in [m4(&t, &v, 0, 10, 0, None), m4(&t, &v, 10, 10, 100, None), m4(&t, &v, 10, 0, 100, None)] {
        assert!(line.is_empty());
        assert_eq!(line.hidden_non_finite, 1);
    }
    assert_eq!(m4(&[], &[], 0, 10, 10, None), M4Line::default());
}

#[test]
fn extreme_timestamps_and_windows_do_not_overflow() {
    let t = [i64::MIN, -1, 0, 1, i64::MAX];
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    let line = m4(&t, &v, i64::MIN, i64::MAX, 3, Some(1));
    // Runs [MIN], [-1, 0, 1], [MAX]; the middle run shares one column, where 0 is neither first,
    // last, min nor max.
    let runs: Vec<Vec<i64>> = line.runs().map(|(t, _)| t.to_vec()).collect();
    assert_eq!(runs, vec![vec![i64::MIN], vec![-1, 1], vec![i64::MAX]]);
    // u32::MAX columns over the whole i64 range are still ~2^32 ms wide: -1, 0, 1 share one.
    let line = m4(&t, &v, i64::MIN, i64::MAX, u32::MAX, None);
    assert_eq!(line.t_ms, vec![i64::MIN, -1, 1, i64::MAX]);
}

#[test]
fn unsorted_input_never_panics_and_keeps_every_kept_point_in_input_order() {
    let t = [50, 0, 99, 10, 60, 5];
    let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let line = m4(&t, &v, 0, 100, 2, None);
    assert!(line.len() <= t.len());
    assert_eq!(line.t_ms, t); // every point alternates columns, so every point is kept
}

#[test]
fn ten_million_points_reduce_to_at_most_four_per_column() {
    let n = 10_000_000usize;
    let w = 1920u32;
    let t: Vec<i64> = (0..n as i64).map(|i| 1_700_000_000_000 + i * 15).collect();
    let v: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64).collect();
    let (t0, t1) = (t[0], t[n - 1] + 1);
    let start = std::time::Instant::now();
    let line = m4(&t, &v, t0, t1, w, Some(60));
    let took = start.elapsed();
    assert!(line.len() <= 4 * w as usize, "{} points", line.len());
    assert_eq!(line.runs().count(), 1);
    assert_eq!(line.t_ms.first(), Some(&t0));
    assert_eq!(line.t_ms.last(), Some(&t[n - 1]));
    eprintln!("m4: 10M points → {} in {:?}", line.len(), took);

    // With a NaN every 100,000 points: 100 runs, each ≤ 4 points per column it touches.
    let mut v = v;
    for i in (50_000..n).step_by(100_000) {
        v[i] = f64::NAN;
    }
    let line = m4(&t, &v, t0, t1, w, None);
    assert_eq!(line.hidden_non_finite, 100);
    assert_eq!(line.runs().count(), 101);
    assert!(line.len() <= 4 * w as usize + 4 * 2 * 100 + 100, "{} points", line.len());
}

fn series_strategy() -> impl Strategy<Value = (Vec<i64>, Vec<f64>)> {
    let value = prop_oneof![
        20 => -1000.0f64..1000.0,
        3 => (-5i32..5).prop_map(f64::from),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
    ];
    (-10_000i64..10_000, proptest::collection::vec((0i64..40, value), 0..400)).prop_map(|(start, steps)| {
        let mut t = start;
        steps
            .into_iter()
            .map(|(dt, v)| {
                t += dt;
                (t, v)
            })
            .unzip()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn output_equals_the_reference_m4(
        (t, v) in series_strategy(),
        lo in -12_000i64..12_000,
        len in 1i64..30_000,
        w in 1u32..64,
        gap in proptest::option::of(-5i64..60),
    ) {
        let line = m4(&t, &v, lo, lo + len, w, gap);
        let (rt, rv) = reference(&t, &v, lo, lo + len, w, gap);
        prop_assert_eq!(&line.t_ms, &rt);
        prop_assert!(same_values(&line.values, &rv), "{:?} != {:?}", line.values, rv);
        prop_assert_eq!(line.hidden_non_finite, v.iter().filter(|x| !x.is_finite()).count());
    }

    #[test]
    fn at_most_four_points_per_column_per_run_in_time_order(
        (t, v) in series_strategy(),
        lo in -12_000i64..12_000,
        len in 1i64..30_000,
        w in 1u32..64,
        gap in proptest::option::of(1i64..60),
    ) {
        let (t0, t1) = (lo, lo + len);
        let line = m4(&t, &v, t0, t1, w, gap);
        prop_assert!(line.t_ms.windows(2).all(|p| p[0] <= p[1]), "not time-ordered");
        prop_assert_eq!(line.t_ms.len(), line.values.len());
        // Separators: never first, never last, never adjacent; every other value is finite.
        let nan_at: Vec<usize> = line.values.iter().enumerate().filter(|(_, x)| x.is_nan()).map(|(i, _)| i).collect();
        prop_assert!(nan_at.iter().all(|&i| i > 0 && i + 1 < line.len()));
        prop_assert!(nan_at.windows(2).all(|p| p[1] > p[0] + 1));
        prop_assert!(line.values.iter().all(|x| x.is_finite() || x.is_nan()));
        for (rt, _) in line.runs() {
            let mut per_col = std::collections::BTreeMap::<i64, usize>::new();
            for &ti in rt {
                *per_col.entry(column(ti, t0, t1, w)).or_default() += 1;
            }
            prop_assert!(per_col.values().all(|&k| k <= 4), "{:?}", per_col);
        }
    }

    #[test]
    fn each_column_keeps_the_input_extremes_of_that_column(
        (t, v) in series_strategy(),
        lo in -12_000i64..12_000,
        len in 1i64..30_000,
        w in 1u32..64,
    ) {
        let (t0, t1) = (lo, lo + len);
        let line = m4(&t, &v, t0, t1, w, None);
        let extremes = |ts: &[i64], vs: &[f64]| {
            let mut m = std::collections::BTreeMap::<i64, (f64, f64)>::new();
            for (&ti, &vi) in ts.iter().zip(vs).filter(|(_, x)| x.is_finite()) {
                let e = m.entry(column(ti, t0, t1, w)).or_insert((vi, vi));
                e.0 = e.0.min(vi);
                e.1 = e.1.max(vi);
            }
            m
        };
        prop_assert_eq!(extremes(&line.t_ms, &line.values), extremes(&t, &v));
    }

    #[test]
    fn arbitrary_inputs_never_panic(
        t in proptest::collection::vec(any::<i64>(), 0..50),
        v in proptest::collection::vec(any::<f64>(), 0..50),
        t0 in any::<i64>(),
        t1 in any::<i64>(),
        w in any::<u32>(),
        gap in proptest::option::of(any::<i64>()),
    ) {
        let line = m4(&t, &v, t0, t1, w, gap);
        prop_assert!(line.len() <= 2 * t.len().min(v.len()));
    }
}

/// Regular-step series (the bulk path): dense columns on a grid, with ties, spikes, the odd
/// non-finite value, a shifted or missing timestamp and windows that do not start on the grid.
fn regular_strategy() -> impl Strategy<Value = (Vec<i64>, Vec<f64>, i64, i64, u32, Option<i64>)> {
    (
        200usize..3000,
        1i64..50,
        -500i64..500,
        prop::collection::vec(prop_oneof![8 => -3.0f64..3.0, 2 => Just(1.0), 1 => Just(f64::NAN), 1 => Just(-0.0)], 64),
        prop::collection::vec((0usize..3000, 0u8..3), 0..3),
        (1u32..40, -100i64..100, 0i64..200, prop::option::of(0i64..3)),
    )
        .prop_map(|(n, step, start, pattern, edits, (w, t0_off, t1_off, gap_mul))| {
            let mut t: Vec<i64> = (0..n as i64).map(|i| start + i * step).collect();
            let mut v: Vec<f64> = (0..n).map(|i| pattern[(i * 7 + i / 13) % pattern.len()] + (i % 5) as f64).collect();
            // Mostly finite: keep NaN only where the pattern put it one time in eight.
            for (i, x) in v.iter_mut().enumerate() {
                if x.is_nan() && i % 8 != 0 {
                    *x = 0.5;
                }
            }
            for (at, kind) in edits {
                let at = at % n;
                match kind {
                    0 => t[at] += 1,
                    1 => v[at] = f64::INFINITY,
                    _ => {
                        t.remove(at);
                        v.remove(at);
                    }
                }
            }
            let t0 = start + t0_off;
            let t1 = start + n as i64 * step + t1_off;
            (t, v, t0, t1, w, gap_mul.map(|g| g * step))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn regular_step_series_equal_the_reference_m4((t, v, t0, t1, w, gap) in regular_strategy()) {
        let got = m4(&t, &v, t0, t1, w, gap);
        let (rt, rv) = reference(&t, &v, t0, t1, w, gap);
        prop_assert_eq!(&got.t_ms, &rt);
        prop_assert!(same_values(&got.values, &rv), "{:?} != {:?}", got.values, rv);
    }
}

#[test]
fn regular_columns_keep_the_first_of_equal_extremes_even_across_signed_zeros() {
    let t: Vec<i64> = (0..2000).map(|i| i * 10).collect();
    let mut v = vec![5.0; 2000];
    v[10] = 0.0;
    v[900] = -0.0;
    v[1500] = -0.0;
    v[20] = 9.0;
    v[1999 - 3] = 9.0;
    let line = m4(&t, &v, 0, 20_000, 1, None);
    let (rt, rv) = reference(&t, &v, 0, 20_000, 1, None);
    assert_eq!(line.t_ms, rt);
    assert!(same_values(&line.values, &rv));
    assert_eq!(line.t_ms, vec![0, 100, 200, 19_990], "first, the first zero (+0 at index 10), the first 9, last");
}
