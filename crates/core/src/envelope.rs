//! The pixel-column envelope of a band (e.g. an anomaly band `lower..upper`) for drawing: per
//! pixel column of `[t0_ms, t1_ms)` the lowest `lower` and the highest `upper` of the samples in
//! it. Filling between these per-column extremes paints exactly the pixels the full-resolution
//! band would, with two values per column whatever the sample count (the fill counterpart of M4).
//!
//! Contract: samples where either bound is not finite are skipped and break the band into runs
//! (columns without samples between two finite ones are bridged, as a line would be); samples
//! outside `[t0_ms, t1_ms)` are ignored;
//! `width_px == 0` or an empty range gives no runs. O(n) for sorted timestamps; never panics.

/// One drawable run of the envelope: column-centre times with their low and high bounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvelopeRun {
    pub t_ms: Vec<i64>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// The envelope runs of the band `(lower[i], upper[i])` at `t_ms[i]`.
pub fn envelope(t_ms: &[i64], lower: &[f64], upper: &[f64], t0_ms: i64, t1_ms: i64, width_px: u32) -> Vec<EnvelopeRun> {
    let mut runs: Vec<EnvelopeRun> = Vec::new();
    if width_px == 0 || t1_ms <= t0_ms {
        return runs;
    }
    let span = i128::from(t1_ms) - i128::from(t0_ms);
    let width = i128::from(width_px);
    let column_of = |t: i64| ((i128::from(t) - i128::from(t0_ms)) * width / span) as i64;
    let centre_of = |c: i64| t0_ms + ((i128::from(c) * span * 2 + span) / (width * 2)) as i64;
    let mut current = EnvelopeRun::default();
    let mut column: Option<i64> = None;
    for ((&t, &lo), &hi) in t_ms.iter().zip(lower).zip(upper) {
        if t < t0_ms || t >= t1_ms {
            continue;
        }
        if !(lo.is_finite() && hi.is_finite()) {
            if !current.t_ms.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            column = None;
            continue;
        }
        let c = column_of(t);
        match column {
            Some(prev) if prev == c => {
                if let (Some(l), Some(h)) = (current.low.last_mut(), current.high.last_mut()) {
                    *l = l.min(lo);
                    *h = h.max(hi);
                }
            }
            _ => push_column(&mut current, centre_of(c), lo, hi),
        }
        column = Some(c);
    }
    if !current.t_ms.is_empty() {
        runs.push(current);
    }
    runs
}

fn push_column(run: &mut EnvelopeRun, t: i64, lo: f64, hi: f64) {
    run.t_ms.push(t);
    run.low.push(lo);
    run.high.push(hi);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bridges_empty_columns_between_finite_samples() {
        let runs = envelope(&[0, 35], &[1.0, 2.0], &[3.0, 4.0], 0, 40, 4);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].t_ms, vec![5, 35]);
    }

    #[test]
    fn keeps_per_column_extremes_and_breaks_at_gaps() {
        // 4 columns of 10 ms over [0, 40); samples every 5 ms; a NaN at t = 20.
        let t: Vec<i64> = (0..8).map(|i| i * 5).collect();
        let lower = [1.0, 0.5, 2.0, 1.5, f64::NAN, 3.0, 2.0, 1.0];
        let upper = [2.0, 3.0, 4.0, 5.0, 9.0, 6.0, 7.0, 4.0];
        let runs = envelope(&t, &lower, &upper, 0, 40, 4);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].t_ms, vec![5, 15]);
        assert_eq!(runs[0].low, vec![0.5, 1.5]);
        assert_eq!(runs[0].high, vec![3.0, 5.0]);
        assert_eq!(runs[1].t_ms, vec![25, 35]);
        assert_eq!(runs[1].low, vec![3.0, 1.0]);
        assert_eq!(runs[1].high, vec![6.0, 7.0]);
    }

    #[test]
    fn degenerate_inputs_give_nothing() {
        assert!(envelope(&[1], &[0.0], &[1.0], 5, 5, 10).is_empty());
        assert!(envelope(&[1], &[0.0], &[1.0], 0, 10, 0).is_empty());
        assert!(envelope(&[], &[], &[], 0, 10, 10).is_empty());
    }

    proptest! {
        #[test]
        fn at_most_one_point_per_column_and_bounds_hold(
            n in 0usize..400, width in 1u32..60, seed in 0u64..1000,
        ) {
            let t: Vec<i64> = (0..n as i64).map(|i| i * 7).collect();
            let lower: Vec<f64> = (0..n).map(|i| ((i as u64 * 31 + seed) % 17) as f64).collect();
            let upper: Vec<f64> = lower.iter().map(|l| l + 3.0).collect();
            let t1 = (n as i64 * 7).max(1);
            let runs = envelope(&t, &lower, &upper, 0, t1, width);
            let points: usize = runs.iter().map(|r| r.t_ms.len()).sum();
            prop_assert!(points <= width as usize);
            for r in &runs {
                prop_assert!(r.low.iter().zip(&r.high).all(|(l, h)| l <= h));
                prop_assert!(r.t_ms.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
}
