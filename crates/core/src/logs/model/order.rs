//! The newest-first row order of a log builder's lines: the order a sort by
//! `(Reverse(timestamp), row)` gives, computed by merging when the rows fall into a few runs that
//! are already ordered.
//!
//! Loki sends each stream's entries sorted (newest first for `direction=backward`, oldest first
//! for `forward`) and the streams one after another, so the timestamps are a few monotone runs:
//! merging them is O(n log k) for k runs instead of O(n log n). Ties keep arrival order exactly:
//! within a run equal times are adjacent and leave in row order (a forward run is walked from its
//! end, one group of equal times at a time); across runs the earlier run, whose rows all come
//! first, wins. Anything with more than [`MAX_RUNS`] runs is sorted.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Most runs merged; more are sorted (a heap over many short runs is slower than a sort).
pub const MAX_RUNS: usize = 256;

/// A maximal monotone stretch of rows `start..end`.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    /// Times only grow (walked from the end); otherwise they never grow (walked from the start).
    ascending: bool,
}

/// Row indices newest first; equal times (and rows without a time, `i64::MIN`, which come last)
/// in arrival order.
pub fn newest_first(ts: &[i64]) -> Vec<usize> {
    match runs(ts) {
        Some(runs) => merge(ts, &runs),
        None => {
            let mut order: Vec<usize> = (0..ts.len()).collect();
            // Keys are unique, so an unstable sort is stable here.
            order.sort_unstable_by_key(|&i| (Reverse(ts.get(i).copied().unwrap_or(i64::MIN)), i));
            order
        }
    }
}

/// Splits `ts` into maximal monotone runs; `None` when there are more than [`MAX_RUNS`].
fn runs(ts: &[i64]) -> Option<Vec<Run>> {
    let mut out = Vec::new();
    let (mut start, mut dir) = (0, std::cmp::Ordering::Equal);
    for (i, w) in ts.windows(2).enumerate() {
        let step = w[1].cmp(&w[0]);
        if step.is_ne() && dir.is_ne() && step != dir {
            out.push(Run { start, end: i + 1, ascending: dir.is_gt() });
            if out.len() >= MAX_RUNS {
                return None;
            }
            (start, dir) = (i + 1, std::cmp::Ordering::Equal);
        } else if step.is_ne() {
            dir = step;
        }
    }
    if start < ts.len() {
        out.push(Run { start, end: ts.len(), ascending: dir.is_gt() });
    }
    Some(out)
}

/// The k-way merge of the runs (see the module documentation).
fn merge(ts: &[i64], runs: &[Run]) -> Vec<usize> {
    let mut order = Vec::with_capacity(ts.len());
    // Each run's unconsumed rows; the heap holds (time of the run's next group, Reverse(run)).
    let mut left: Vec<(usize, usize)> = runs.iter().map(|r| (r.start, r.end)).collect();
    let mut heap: BinaryHeap<(i64, Reverse<usize>)> = BinaryHeap::with_capacity(runs.len());
    let head = |run: &Run, (a, b): (usize, usize)| -> Option<i64> {
        if a >= b {
            return None;
        }
        ts.get(if run.ascending { b - 1 } else { a }).copied()
    };
    for (k, run) in runs.iter().enumerate() {
        if let Some(t) = left.get(k).and_then(|&l| head(run, l)) {
            heap.push((t, Reverse(k)));
        }
    }
    while let Some((t, Reverse(k))) = heap.pop() {
        let (Some(run), Some(l)) = (runs.get(k), left.get_mut(k)) else { continue };
        let (a, b) = *l;
        // The run's rows with time `t`, at its newest end.
        let group = if run.ascending {
            let g = ts.get(a..b).map_or(b, |rows| b - rows.iter().rev().take_while(|&&x| x == t).count());
            *l = (a, g);
            g..b
        } else {
            let g = ts.get(a..b).map_or(a, |rows| a + rows.iter().take_while(|&&x| x == t).count());
            *l = (g, b);
            a..g
        };
        order.extend(group);
        if let Some(t) = head(run, *l) {
            heap.push((t, Reverse(k)));
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted(ts: &[i64]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..ts.len()).collect();
        order.sort_by_key(|&i| (Reverse(ts[i]), i));
        order
    }

    #[test]
    fn runs_in_both_directions_merge_with_ties_in_arrival_order() {
        let min = i64::MIN;
        // Stream 1 newest first, stream 2 oldest first, stream 3 newest first with a gap.
        let ts = [9, 7, 7, 5, /* */ 4, 6, 6, 8, /* */ 7, 7, min];
        assert_eq!(runs(&ts).unwrap().len(), 3, "9 7 7 5 4 | 6 6 8 | 7 7 MIN");
        let got = newest_first(&ts);
        assert_eq!(got, vec![0, 7, 1, 2, 8, 9, 5, 6, 3, 4, 10]);
        assert_eq!(got, sorted(&ts));
        assert_eq!(newest_first(&[]), Vec::<usize>::new());
        assert_eq!(newest_first(&[3, 3, 3]), vec![0, 1, 2]);
        assert_eq!(newest_first(&[1, 2, 3]), vec![2, 1, 0]);
        assert_eq!(newest_first(&[1, 1, 2, 2]), vec![2, 3, 0, 1]);
    }

    #[test]
    fn many_runs_are_sorted() {
        let ts: Vec<i64> = (0..2000).map(|i| if i % 2 == 0 { i } else { -i }).collect();
        assert!(runs(&ts).is_none());
        assert_eq!(newest_first(&ts), sorted(&ts));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn equals_the_sort(
            streams in prop::collection::vec((prop::collection::vec(-5i64..5, 0..30), 0u8..3), 0..12),
            shuffled in prop::collection::vec(-3i64..3, 0..600),
        ) {
            // Streams each sorted one way or the other (or not at all), concatenated.
            let mut ts = Vec::new();
            for (mut s, how) in streams {
                match how {
                    0 => s.sort_by_key(|&t| Reverse(t)),
                    1 => s.sort(),
                    _ => {}
                }
                ts.extend(s.into_iter().map(|t| if t == -5 { i64::MIN } else { t }));
            }
            prop_assert_eq!(newest_first(&ts), sorted(&ts));
            prop_assert_eq!(newest_first(&shuffled), sorted(&shuffled));
        }
    }
}
