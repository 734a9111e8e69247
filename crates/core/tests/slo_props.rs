//! Property tests of `slo`: budget consumed + remaining = 1; burn rate 1 exhausts the budget
//! exactly at the window's end; O(1) prefix-sum windows equal direct sums; exact decimals round
//! trip; nothing panics on arbitrary counters.

use chrono::Utc;
use proptest::prelude::*;
use sightline_core::counters::{increase_exact, EvalGrid};
use sightline_core::series::{Labels, Series};
use sightline_core::slo::*;

const MIN: i64 = 60_000;

fn counter(step_ms: i64, inc: &[f64]) -> Series {
    let mut t_ms = vec![0];
    let mut values = vec![0.0];
    let mut v = 0.0;
    for (k, d) in inc.iter().enumerate() {
        v += d;
        t_ms.push((k as i64 + 1) * step_ms);
        values.push(v);
    }
    Series { labels: Labels::default(), t_ms, values }
}

fn grid(step_ms: i64, n: usize) -> EvalGrid {
    EvalGrid { start_ms: step_ms, end_ms: n as i64 * step_ms, step_ms }
}

fn objectives() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["90", "95", "99", "99.5", "99.9", "99.95", "99.99", "99.999", "0.999", "97.3%"])
}

proptest! {
    #[test]
    fn consumed_plus_remaining_is_one(
        steps in prop::collection::vec((0u32..10_000, 0u32..100), 1..200),
        objective in objectives(),
    ) {
        let n = steps.len();
        let total: Vec<f64> = steps.iter().map(|(t, _)| f64::from(*t)).collect();
        let bad: Vec<f64> = steps.iter().map(|(t, b)| f64::from(*t) * f64::from(*b) / 100.0).map(f64::floor).collect();
        let (tt, bb) = ([counter(MIN, &total)], [counter(MIN, &bad)]);
        let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, grid(MIN, n), CountMode::Exact).unwrap();
        let w = ResolvedWindow { start_ms: 0, end_ms: n as i64 * MIN, now_ms: n as i64 * MIN };
        let r = slo_report(Objective::parse(objective).unwrap(), BudgetingMethod::Occurrences, w, &ev, &[MIN], MIN).unwrap();
        match (r.consumed, r.remaining) {
            (Some(c), Some(rem)) => {
                prop_assert!((c + rem - 1.0).abs() < 1e-12);
                prop_assert!(c >= 0.0);
            }
            (None, None) => prop_assert_eq!(total.iter().sum::<f64>(), 0.0),
            other => prop_assert!(false, "consumed and remaining disagree on data: {:?}", other),
        }
    }

    #[test]
    fn burn_rate_one_exhausts_the_budget_exactly_at_the_window_end(
        multiples in prop::collection::vec(1u64..50, 1..300),
        objective in objectives(),
    ) {
        let o = Objective::parse(objective).unwrap();
        let b = o.budget();
        // Each step: total a multiple of the budget's denominator, bad = total × B exactly.
        let total: Vec<f64> = multiples.iter().map(|m| (m * b.den()) as f64).collect();
        let bad: Vec<f64> = multiples.iter().map(|m| (m * b.num()) as f64).collect();
        let n = total.len();
        let (tt, bb) = ([counter(MIN, &total)], [counter(MIN, &bad)]);
        let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, grid(MIN, n), CountMode::Exact).unwrap();
        let period = n as i64 * MIN;
        let w = SloWindow::Rolling { duration_ms: period }.resolve(period, &Utc).unwrap();
        let r = slo_report(o, BudgetingMethod::Occurrences, w, &ev, &[period], period).unwrap();
        prop_assert_eq!(r.burn_rates.first().and_then(|x| x.rate), Some(1.0));
        prop_assert_eq!(r.consumed, Some(1.0));
        prop_assert_eq!(r.remaining, Some(0.0));
        prop_assert!(r.exhaustion.is_none(), "exhausted, nothing left to exhaust");
        // Burning at 1 from a full budget: consumed grows as elapsed / period and reaches 1 at the end.
        for k in 1..n {
            prop_assert!(budget_consumed_in(1.0, k as i64 * MIN, period) < 1.0);
        }
        prop_assert_eq!(budget_consumed_in(1.0, period, period), 1.0);
        prop_assert_eq!(time_to_exhaustion_ms(1.0, period, 1.0), Some(period as f64));
    }

    #[test]
    fn prefix_sum_windows_equal_direct_sums(
        inc in prop::collection::vec(0u32..1000, 1..200),
        reset_at in prop::collection::vec(any::<bool>(), 200),
        window_steps in 1usize..50,
    ) {
        // A counter that restarts from 0 where reset_at says (when that is a visible drop); its
        // per-step increase is then the sample value itself.
        let n = inc.len();
        let mut t_ms = vec![0];
        let mut values = vec![0.0];
        let mut expected = Vec::with_capacity(n);
        let mut v = 0.0;
        for (k, d) in inc.iter().enumerate() {
            let d = f64::from(*d);
            if reset_at.get(k).copied().unwrap_or(false) && d < v {
                v = d;
            } else {
                v += d;
            }
            expected.push(d);
            t_ms.push((k as i64 + 1) * MIN);
            values.push(v);
        }
        let s = Series { labels: Labels::default(), t_ms, values };
        let tt = [s.clone()];
        let ev = SliEvents::ratio(Counted::Bad, &tt, &tt, grid(MIN, n), CountMode::Exact).unwrap();
        let series = ev.window_series(window_steps as i64 * MIN);
        for (i, c) in series.iter().enumerate() {
            let lo = (i + 1).saturating_sub(window_steps);
            let direct: f64 = expected.get(lo..=i).unwrap().iter().sum();
            prop_assert_eq!(c.total, direct);
            prop_assert_eq!(c.bad, direct);
            let at = ev.counts_at((i as i64 + 1) * MIN, window_steps as i64 * MIN).unwrap();
            prop_assert_eq!(at, *c);
        }
        // Adjacent steps add up to the increase over the whole range.
        let whole = ev.counts_at(n as i64 * MIN, n as i64 * MIN).unwrap().total;
        prop_assert_eq!(Some(whole), increase_exact(&s.t_ms, &s.values, 0, n as i64 * MIN));
    }

    #[test]
    fn objective_round_trips_exactly(seed in 0u64..1_000_000, scale in 1u32..7) {
        let den = 10u64.pow(scale);
        let num = seed % den;
        // As a fraction: "0.<digits>".
        let frac = format!("0.{:0width$}", num, width = scale as usize);
        let o = Objective::parse_fraction(&frac).unwrap();
        prop_assert_eq!(o.ratio(), Ratio::new(num, den).unwrap());
        // budget + objective = 1, exactly.
        let sum_num = u128::from(o.budget().num()) * u128::from(o.ratio().den()) + u128::from(o.ratio().num()) * u128::from(o.budget().den());
        prop_assert_eq!(sum_num, u128::from(o.budget().den()) * u128::from(o.ratio().den()));
        // The percentage text reads back to the same objective.
        prop_assert_eq!(Objective::parse_percent(&o.percent_text()).unwrap(), o);
    }

    #[test]
    fn arbitrary_counters_never_panic(
        samples in prop::collection::vec((0i64..100, prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -10.0f64..1e6]), 0..80),
        le in prop::sample::select(vec!["0.1", "0.25", "+Inf", "x", "NaN"]),
        step in 1i64..30,
        window in -5i64..200,
        threshold in -1.0f64..2.0,
    ) {
        let mut t_ms: Vec<i64> = samples.iter().map(|(t, _)| t * 1000).collect();
        t_ms.sort_unstable();
        let values: Vec<f64> = samples.iter().map(|(_, v)| *v).collect();
        let s = Series { labels: [("le", le)].into_iter().collect(), t_ms, values };
        let inf = Series { labels: [("le", "+Inf")].into_iter().collect(), ..s.clone() };
        let all = [s.clone(), inf];
        let g = EvalGrid { start_ms: 0, end_ms: 100_000, step_ms: step * 1000 };
        for mode in [CountMode::Exact, CountMode::Prometheus] {
            if let Ok(ev) = SliEvents::ratio(Counted::Good, std::slice::from_ref(&s), &all, g, mode) {
                let _ = ev.counts_at(100_000, window * 1000);
                let _ = ev.window_series(window * 1000);
                let w = ResolvedWindow { start_ms: 0, end_ms: 100_000, now_ms: 100_000 };
                for method in [
                    BudgetingMethod::Occurrences,
                    BudgetingMethod::RatioTimeslices { slice_ms: step * 2000 },
                    BudgetingMethod::Timeslices { slice_ms: step * 1000, target: SliceTarget::parse("0.9").unwrap() },
                ] {
                    if let Ok(r) = slo_report(Objective::parse("99.9").unwrap(), method, w, &ev, &[window * 1000], 10_000) {
                        if let Some(sli) = r.measured.sli {
                            prop_assert!((0.0..=1.0).contains(&sli));
                        }
                    }
                }
                let _ = would_have_fired(&google_sre_workbook().tiers, &ev, Ratio::new(1, 1000).unwrap());
            }
            if let Ok(ev) = SliEvents::latency(&all, threshold, g, mode) {
                let _ = ev.window_series(window * 1000);
            }
        }
    }
}
