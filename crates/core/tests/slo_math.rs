//! Hand-computed cases for `slo`: objectives, windows, events, budgets, burn rates, alert presets
//! and the "would have fired" timeline.

use chrono::{FixedOffset, TimeZone, Utc};
use sightline_core::counters::{increase_prometheus, EvalGrid};
use sightline_core::series::{Labels, Series};
use sightline_core::slo::*;

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

/// A counter sampled at `k · step` (k = 0..=n) starting at 0 and growing by `inc[k−1]`.
fn counter(labels: &[(&str, &str)], step_ms: i64, inc: &[f64]) -> Series {
    let mut t_ms = vec![0];
    let mut values = vec![0.0];
    let mut v = 0.0;
    for (k, d) in inc.iter().enumerate() {
        v += d;
        t_ms.push((k as i64 + 1) * step_ms);
        values.push(v);
    }
    Series { labels: labels.iter().copied().collect::<Labels>(), t_ms, values }
}

/// The grid whose step k covers `((k)·step, (k+1)·step]`, for `n` steps.
fn grid(step_ms: i64, n: usize) -> EvalGrid {
    EvalGrid { start_ms: step_ms, end_ms: n as i64 * step_ms, step_ms }
}

#[test]
fn objective_is_an_exact_decimal() {
    let o = Objective::parse("99.9").unwrap();
    assert_eq!(o.ratio(), Ratio::new(999, 1000).unwrap());
    assert_eq!(o.budget(), Ratio::new(1, 1000).unwrap());
    assert_eq!(o.budget().to_f64(), 0.001);
    assert_eq!(o.budget().to_decimal_string(18), "0.001");
    assert_eq!(o.percent_text(), "99.9");
    assert_eq!(o.to_string(), "99.9%");
    let p = Objective::parse("99.95%").unwrap();
    assert_eq!(p.budget(), Ratio::new(5, 10_000).unwrap());
    assert_eq!(p.budget().to_decimal_string(18), "0.0005");
    assert_eq!(Objective::parse("99.9 %").unwrap(), o);
    assert_eq!(Objective::parse("99.90").unwrap(), o);
    assert_eq!(Objective::parse("0.999").unwrap(), o, "a value below 1 without % is a fraction");
    assert_eq!(Objective::parse_fraction("0.999").unwrap(), o);
    assert_eq!(Objective::parse_percent("99.9").unwrap(), o);
    assert_eq!(Objective::from_openslo_target(0.999).unwrap(), o);
    assert_eq!(Objective::from_openslo_target_percent(99.95).unwrap(), p);
    assert_eq!(Objective::parse("95").unwrap().budget(), Ratio::new(1, 20).unwrap());
    assert_eq!(Objective::parse("0").unwrap().budget(), Ratio::ONE);
}

#[test]
fn objective_errors_say_what_is_wrong() {
    assert!(matches!(Objective::parse(""), Err(SloError::Empty { .. })));
    assert!(matches!(Objective::parse("100"), Err(SloError::OutOfRange { .. })));
    assert!(matches!(Objective::parse("100%"), Err(SloError::OutOfRange { .. })));
    assert!(matches!(Objective::parse_fraction("1"), Err(SloError::OutOfRange { .. })));
    assert!(matches!(Objective::parse("-1"), Err(SloError::Syntax { .. })));
    assert!(matches!(Objective::parse("1e3"), Err(SloError::Syntax { .. })));
    assert!(matches!(Objective::parse("abc"), Err(SloError::Syntax { .. })));
    assert!(matches!(Objective::parse("."), Err(SloError::Syntax { .. })));
    assert!(matches!(Objective::parse_fraction("99%"), Err(SloError::Syntax { .. })));
    assert!(matches!(Objective::parse("99.99999999999999999"), Err(SloError::TooPrecise { .. })));
    assert!(matches!(Objective::from_openslo_target(f64::NAN), Err(SloError::Syntax { .. })));
    let msg = Objective::parse("100").unwrap_err().to_string();
    assert!(msg.contains("below 100 %"), "{msg}");
}

#[test]
fn ratio_prints_exact_decimals_and_marks_rounding() {
    assert_eq!(Ratio::new(72, 5).unwrap().to_decimal_string(4), "14.4");
    assert_eq!(Ratio::new(14, 15).unwrap().to_decimal_string(4), "≈0.9333");
    assert_eq!(Ratio::new(2, 3).unwrap().to_decimal_string(4), "≈0.6667");
    assert_eq!(Ratio::new(999_999, 1_000_000).unwrap().to_decimal_string(3), "≈1");
    assert_eq!(Ratio::new(1, 48).unwrap().to_percent_string(3), "≈2.083");
    assert_eq!(Ratio::new(1, 50).unwrap().to_percent_string(3), "2");
    assert_eq!(Ratio::new(3, 0), None);
    assert!(Ratio::new(1, 3).unwrap() < Ratio::new(1, 2).unwrap());
    assert_eq!(Ratio::new(2, 4).unwrap().to_string(), "1/2");
}

#[test]
fn slice_target_compares_without_division() {
    let t = SliceTarget::parse("0.999").unwrap();
    assert!(t.is_met(999.0, 1000.0));
    assert!(!t.is_met(998.0, 1000.0));
    assert!(!t.is_met(0.0, 0.0), "no event is not a met target");
    assert_eq!(SliceTarget::parse("100%").unwrap().ratio(), Ratio::ONE);
    assert_eq!(SliceTarget::parse("1").unwrap().ratio(), Ratio::ONE);
    assert!(SliceTarget::parse("0").is_err());
    assert!(SliceTarget::parse("101%").is_err());
}

#[test]
fn rolling_window_ends_now() {
    let w = SloWindow::parse_rolling("28d").unwrap();
    assert_eq!(w, SloWindow::Rolling { duration_ms: 28 * DAY });
    assert_eq!(w.to_string(), "rolling 28d");
    let r = w.resolve(100 * DAY, &Utc).unwrap();
    assert_eq!((r.start_ms, r.end_ms, r.period_ms(), r.elapsed_ms()), (72 * DAY, 100 * DAY, 28 * DAY, 28 * DAY));
    assert!(SloWindow::parse_rolling("0d").is_err());
    assert!(SloWindow::parse_rolling("thirty days").is_err());
}

#[test]
fn calendar_month_uses_its_actual_length_in_the_time_zone() {
    let now = Utc.with_ymd_and_hms(2024, 2, 15, 12, 0, 0).unwrap().timestamp_millis();
    let w = SloWindow::parse_calendar("1M").unwrap();
    assert_eq!(w.to_string(), "calendar month");
    let r = w.resolve(now, &Utc).unwrap();
    assert_eq!(r.start_ms, Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap().timestamp_millis());
    assert_eq!(r.end_ms, Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap().timestamp_millis());
    assert_eq!(r.period_ms(), 29 * DAY, "February 2024 has 29 days");
    assert_eq!(r.elapsed_ms(), 14 * DAY + 12 * HOUR);
    // At 23:30 UTC on Jan 31, it is already February in UTC+2.
    let tz = FixedOffset::east_opt(2 * 3600).unwrap();
    let late = Utc.with_ymd_and_hms(2024, 1, 31, 23, 30, 0).unwrap().timestamp_millis();
    let r = w.resolve(late, &tz).unwrap();
    assert_eq!(r.start_ms, tz.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap().timestamp_millis());
    assert_eq!(r.period_ms(), 29 * DAY);
}

#[test]
fn calendar_week_quarter_and_year() {
    // 2024-05-10 is a Friday.
    let now = Utc.with_ymd_and_hms(2024, 5, 10, 8, 0, 0).unwrap().timestamp_millis();
    let ms = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap().timestamp_millis();
    let week = SloWindow::parse_calendar("week").unwrap().resolve(now, &Utc).unwrap();
    assert_eq!((week.start_ms, week.end_ms), (ms(2024, 5, 6), ms(2024, 5, 13)));
    let q = SloWindow::parse_calendar("1Q").unwrap().resolve(now, &Utc).unwrap();
    assert_eq!((q.start_ms, q.end_ms), (ms(2024, 4, 1), ms(2024, 7, 1)));
    assert_eq!(q.period_ms(), 91 * DAY);
    let y = SloWindow::parse_calendar("1Y").unwrap().resolve(now, &Utc).unwrap();
    assert_eq!(y.period_ms(), 366 * DAY);
    let d = SloWindow::parse_calendar("1d").unwrap().resolve(now, &Utc).unwrap();
    assert_eq!((d.start_ms, d.end_ms), (ms(2024, 5, 10), ms(2024, 5, 11)));
    assert!(SloWindow::parse_calendar("2M").is_err());
}

#[test]
fn exact_events_handle_resets_and_sum_windows_in_o1() {
    // total: samples every minute; a reset after minute 3 (value drops from 30 to 5).
    let total = Series {
        labels: Labels::default(),
        t_ms: vec![0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN],
        values: vec![0.0, 10.0, 20.0, 30.0, 5.0, 15.0],
    };
    let bad = Series {
        labels: Labels::default(),
        t_ms: vec![0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN],
        values: vec![0.0, 0.0, 1.0, 1.0, 0.0, 2.0],
    };
    let (totals, bads) = ([total], [bad]);
    let ev = SliEvents::ratio(Counted::Bad, &bads, &totals, grid(MIN, 5), CountMode::Exact).unwrap();
    // Per-minute totals 10, 10, 10, 5 (reset: counts from 0), 10; bad 0, 1, 0, 0 (reset), 2.
    let all = ev.counts_at(5 * MIN, 5 * MIN).unwrap();
    assert_eq!((all.bad, all.total, all.steps, all.covered_steps), (3.0, 45.0, 5, 5));
    let last2 = ev.counts_at(5 * MIN, 2 * MIN).unwrap();
    assert_eq!((last2.bad, last2.total), (2.0, 15.0));
    // A window end between grid times uses the grid time before it.
    assert_eq!(ev.counts_at(5 * MIN - 1, 2 * MIN).unwrap().total, 15.0);
    assert_eq!(ev.counts_at(0, MIN), None, "before the grid");
    let series = ev.window_series(2 * MIN);
    let totals: Vec<f64> = series.iter().map(|c| c.total).collect();
    assert_eq!(totals, vec![10.0, 20.0, 20.0, 15.0, 15.0]);
    assert_eq!(series.first().unwrap().covered_steps, 1, "the first window starts before the grid");
    assert_eq!(ev.mode().label(), "exact from samples");
}

#[test]
fn good_counter_gives_bad_as_total_minus_good() {
    let total = counter(&[], MIN, &[100.0, 100.0, 100.0]);
    let good = counter(&[], MIN, &[100.0, 98.0, 99.0]);
    let (t, g) = ([total], [good]);
    let ev = SliEvents::ratio(Counted::Good, &g, &t, grid(MIN, 3), CountMode::Exact).unwrap();
    let c = ev.counts_at(3 * MIN, 3 * MIN).unwrap();
    assert_eq!((c.bad, c.total, c.good()), (3.0, 300.0, 297.0));
    assert_eq!(c.error_ratio(), Some(0.01));
}

#[test]
fn series_are_summed_after_their_own_increase() {
    // Two instances; instance b restarts (reset) — per-series handling keeps its events.
    let a = counter(&[("instance", "a")], MIN, &[10.0, 10.0]);
    let b = Series { labels: [("instance", "b")].into_iter().collect(), t_ms: vec![0, MIN, 2 * MIN], values: vec![50.0, 60.0, 4.0] };
    let totals = [a, b];
    let ev = SliEvents::ratio(Counted::Bad, &[], &totals, grid(MIN, 2), CountMode::Exact).unwrap();
    let c = ev.counts_at(2 * MIN, 2 * MIN).unwrap();
    assert_eq!(c.total, 10.0 + 10.0 + 10.0 + 4.0);
    assert_eq!(c.bad, 0.0);
    assert_eq!(ev.warnings().len(), 1, "the missing bad series is reported");
}

#[test]
fn prometheus_mode_is_sum_of_increase() {
    // 15 s scrapes of a counter growing 1/s with 1 % errors; step 1 min.
    let n = 40;
    let t: Vec<i64> = (0..=n).map(|k| 7_500 + k * 15_000).collect();
    let total = Series { labels: Labels::default(), t_ms: t.clone(), values: t.iter().map(|&x| x as f64 / 1000.0).collect() };
    let bad = Series { labels: Labels::default(), t_ms: t.clone(), values: t.iter().map(|&x| x as f64 / 100_000.0).collect() };
    let g = EvalGrid { start_ms: MIN, end_ms: 10 * MIN, step_ms: MIN };
    let (tt, bb) = ([total.clone()], [bad.clone()]);
    let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, g, CountMode::Prometheus).unwrap();
    let c = ev.counts_at(10 * MIN, 5 * MIN).unwrap();
    assert_eq!(c.total, increase_prometheus(&total.t_ms, &total.values, 10 * MIN, 5 * MIN).unwrap());
    assert_eq!(c.bad, increase_prometheus(&bad.t_ms, &bad.values, 10 * MIN, 5 * MIN).unwrap());
    // A linear counter is extrapolated to exactly its rate × window.
    assert!((c.total - 300.0).abs() < 1e-9, "{}", c.total);
    let series = ev.window_series(5 * MIN);
    let last = series.last().unwrap();
    assert_eq!((last.total, last.bad), (c.total, c.bad));
    // Exact mode agrees on a linear counter.
    let ex = SliEvents::ratio(Counted::Bad, &bb, &tt, g, CountMode::Exact).unwrap();
    assert!((ex.counts_at(10 * MIN, 5 * MIN).unwrap().total - 300.0).abs() < 1e-9);
    assert_eq!(CountMode::Prometheus.label(), "Prometheus-compatible increase (extrapolated)");
}

fn buckets(step: i64) -> Vec<Series> {
    // Per minute: 50 requests ≤ 0.1, 80 ≤ 0.25, 95 ≤ 0.5, 100 in all.
    let b = |le: &str, per: f64| counter(&[("le", le)], step, &[per, per]);
    vec![b("0.1", 50.0), b("0.25", 80.0), b("0.5", 95.0), b("+Inf", 100.0)]
}

#[test]
fn latency_sli_at_a_bucket_edge_is_exact() {
    let b = buckets(MIN);
    let ev = SliEvents::latency(&b, 0.25, grid(MIN, 2), CountMode::Exact).unwrap();
    let th = ev.latency_threshold().unwrap();
    assert!(!th.interpolated);
    assert_eq!((th.lower_le, th.upper_le), (0.25, 0.25));
    let c = ev.counts_at(2 * MIN, 2 * MIN).unwrap();
    assert_eq!((c.good(), c.total), (160.0, 200.0));
    assert!(ev.warnings().is_empty());
}

#[test]
fn latency_threshold_between_edges_is_interpolated_and_flagged() {
    let b = buckets(MIN);
    let ev = SliEvents::latency(&b, 0.2, grid(MIN, 2), CountMode::Exact).unwrap();
    let th = ev.latency_threshold().unwrap();
    assert!(th.interpolated);
    assert_eq!((th.lower_le, th.upper_le), (0.1, 0.25));
    // good = 50 + (80 − 50) · (0.2 − 0.1)/(0.25 − 0.1) = 70 per minute.
    let c = ev.counts_at(2 * MIN, 2 * MIN).unwrap();
    assert!((c.good() - 140.0).abs() < 1e-9, "{}", c.good());
    assert!(ev.warnings().iter().any(|w| w.contains("not a bucket edge")));
    // Below the lowest edge: between 0 and 0.1.
    let low = SliEvents::latency(&b, 0.05, grid(MIN, 2), CountMode::Exact).unwrap();
    assert_eq!(low.latency_threshold().unwrap().lower_le, 0.0);
    assert!((low.counts_at(2 * MIN, 2 * MIN).unwrap().good() - 50.0).abs() < 1e-9);
    // Prometheus mode interpolates the same way.
    let p = SliEvents::latency(&b, 0.2, grid(MIN, 2), CountMode::Prometheus).unwrap();
    let pc = p.counts_at(2 * MIN, 2 * MIN).unwrap();
    assert!((pc.good() / pc.total - 0.7).abs() < 1e-9);
}

#[test]
fn latency_threshold_errors() {
    let b = buckets(MIN);
    assert!(matches!(SliEvents::latency(&b, 1.0, grid(MIN, 2), CountMode::Exact), Err(SloError::Threshold { .. })));
    assert!(matches!(SliEvents::latency(&b, 0.0, grid(MIN, 2), CountMode::Exact), Err(SloError::Threshold { .. })));
    assert!(matches!(SliEvents::latency(&b, f64::NAN, grid(MIN, 2), CountMode::Exact), Err(SloError::Threshold { .. })));
    let no_inf = b.get(..3).unwrap();
    assert!(matches!(SliEvents::latency(no_inf, 0.25, grid(MIN, 2), CountMode::Exact), Err(SloError::NoInfBucket)));
    let empty_grid = EvalGrid { start_ms: 10, end_ms: 0, step_ms: MIN };
    assert!(matches!(SliEvents::latency(&b, 0.25, empty_grid, CountMode::Exact), Err(SloError::Grid { .. })));
}

/// 30 days at 1 hour: `total` per hour, `bad` per hour.
fn month(total_per_h: f64, bad_per_h: impl Fn(usize) -> f64) -> (Series, Series) {
    let n = 30 * 24;
    let t = counter(&[], HOUR, &vec![total_per_h; n]);
    let b = counter(&[], HOUR, &(0..n).map(bad_per_h).collect::<Vec<_>>());
    (t, b)
}

#[test]
fn budget_report_occurrences() {
    // 99.95 % actual against 99.9 %: half the budget (5 bad per 10,000).
    let (t, b) = month(10_000.0, |_| 5.0);
    let (tt, bb) = ([t], [b]);
    let g = grid(HOUR, 30 * 24);
    let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, g, CountMode::Exact).unwrap();
    let o = Objective::parse("99.9").unwrap();
    let w = SloWindow::parse_rolling("30d").unwrap().resolve(30 * DAY, &Utc).unwrap();
    let r = slo_report(o, BudgetingMethod::Occurrences, w, &ev, &[HOUR, 6 * HOUR], HOUR).unwrap();
    assert!((r.measured.sli.unwrap() - 0.9995).abs() < 1e-15);
    assert!((r.consumed.unwrap() - 0.5).abs() < 1e-12);
    assert!((r.remaining.unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(r.budget_time_ms, 2_592_000.0, "99.9 % over 30 d = 43.2 min");
    assert!((r.budget_events.unwrap() - 7_200.0).abs() < 1e-9);
    assert_eq!(r.coverage.share(), 1.0);
    assert_eq!(r.coverage.label(), "30 of 30 days covered");
    let b1h = r.burn_rates.first().unwrap();
    assert!((b1h.rate.unwrap() - 0.5).abs() < 1e-12);
    // TTE at 0.5× with half the budget left: 0.5 · 30 d / 0.5 = 30 d.
    let ex = r.exhaustion.unwrap();
    assert_eq!(ex.burn_window_ms, HOUR);
    assert!((ex.tte_ms - (30 * DAY) as f64).abs() < 1.0);
    assert_eq!(r.method.name(), "Occurrences");
}

#[test]
fn burn_rate_and_time_to_exhaustion() {
    let b = Objective::parse("99.9").unwrap().budget();
    // 0.2 % errors at 99.9 %: burn 2, a full budget lasts 15 days.
    assert!((burn_rate(0.002, b) - 2.0).abs() < 1e-12);
    assert!((time_to_exhaustion_ms(1.0, 30 * DAY, 2.0).unwrap() - (15 * DAY) as f64).abs() < 1e-3);
    // 14.4× exhausts a 30-day budget in 50 h.
    assert!((time_to_exhaustion_ms(1.0, 30 * DAY, 14.4).unwrap() - (50 * HOUR) as f64).abs() < 1e-3);
    assert_eq!(time_to_exhaustion_ms(0.5, 30 * DAY, 0.0), None, "not burning");
    assert_eq!(time_to_exhaustion_ms(-0.1, 30 * DAY, 2.0), None, "already exhausted");
    // 14.4 over 1 h consumes 2 % of a 30-day budget.
    assert!((budget_consumed_in(14.4, HOUR, 30 * DAY) - 0.02).abs() < 1e-15);
}

#[test]
fn timeslices_and_ratio_timeslices() {
    // Two 1-hour slices: A 10/1000 errors, B 5/10.
    let t = counter(&[], HOUR, &[1000.0, 10.0]);
    let b = counter(&[], HOUR, &[10.0, 5.0]);
    let (tt, bb) = ([t], [b]);
    let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, grid(HOUR, 2), CountMode::Exact).unwrap();
    let occ = measure(&BudgetingMethod::Occurrences, &ev, 0, 2 * HOUR).unwrap();
    assert!((occ.error_ratio.unwrap() - 15.0 / 1010.0).abs() < 1e-15, "ratio of sums 1.485 %");
    let rts = measure(&BudgetingMethod::RatioTimeslices { slice_ms: HOUR }, &ev, 0, 2 * HOUR).unwrap();
    assert!((rts.error_ratio.unwrap() - 0.255).abs() < 1e-15, "mean of ratios 25.5 %");
    let target = SliceTarget::parse("0.99").unwrap();
    let ts = measure(&BudgetingMethod::Timeslices { slice_ms: HOUR, target }, &ev, 0, 2 * HOUR).unwrap();
    assert_eq!(ts.sli, Some(0.5), "slice A meets 99 % (990/1000), B does not");
    let s = ts.slices.unwrap();
    assert_eq!((s.good, s.bad, s.empty, s.no_data), (1, 1, 0, 0));
    // A slice that is not a multiple of the step is refused.
    let odd = BudgetingMethod::RatioTimeslices { slice_ms: 90 * MIN };
    assert!(matches!(measure(&odd, &ev, 0, 2 * HOUR), Err(SloError::Slice { .. })));
    assert!(BudgetingMethod::Timeslices { slice_ms: 5 * MIN, target }.describe().contains("≥ 0.99"));
}

#[test]
fn google_and_sloth_factors_are_derived_exactly() {
    let factors = |p: &AlertPreset| p.tiers.iter().map(|t| t.factor).collect::<Vec<_>>();
    let r = |n, d| Ratio::new(n, d).unwrap();
    let g = google_sre_workbook();
    assert_eq!(factors(&g), vec![r(72, 5), r(6, 1), r(3, 1), r(1, 1)]);
    let windows: Vec<(i64, i64)> = g.tiers.iter().map(|t| (t.long_ms, t.short_ms)).collect();
    assert_eq!(windows, vec![(HOUR, 5 * MIN), (6 * HOUR, 30 * MIN), (DAY, 2 * HOUR), (3 * DAY, 6 * HOUR)]);
    let s = sloth_28d();
    assert_eq!(factors(&s), vec![r(336, 25), r(28, 5), r(14, 5), r(14, 15)]);
    let shown: Vec<String> = s.tiers.iter().map(|t| t.factor.to_decimal_string(4)).collect();
    assert_eq!(shown, vec!["13.44", "5.6", "2.8", "≈0.9333"]);
    let fast = g.tiers.first().unwrap();
    assert_eq!(fast.derivation(30 * DAY), "factor = budget share × period / long window = 2% × 720 h / 1 h = 14.4");
    assert_eq!(fast.budget_share(30 * DAY), Some(r(1, 50)));
    assert!(fast.derivation(28 * DAY).contains("consumed ≈2.143% of the budget"), "{}", fast.derivation(28 * DAY));
    assert_eq!(fast.summary(), "14.4× over 1h and 5m");
    assert_eq!(lookback_ms(&g.tiers), 3 * DAY);
}

#[test]
fn pyrra_windows_scale_with_the_slo_window() {
    let p = pyrra(28 * DAY).unwrap();
    let got: Vec<(u64, i64, i64, i64)> = p.tiers.iter().map(|t| (t.factor.num(), t.long_ms, t.short_ms, t.for_ms)).collect();
    assert_eq!(
        got,
        vec![
            (14, HOUR, 5 * MIN, 2 * MIN),
            (7, 6 * HOUR, 30 * MIN, 15 * MIN),
            (2, DAY, 2 * HOUR, HOUR),
            (1, 4 * DAY, 6 * HOUR, 3 * HOUR),
        ]
    );
    let p30 = pyrra(30 * DAY).unwrap();
    let windows: Vec<(i64, i64)> = p30.tiers.iter().map(|t| (t.long_ms, t.short_ms)).collect();
    assert_eq!(
        windows,
        vec![
            (HOUR + 4 * MIN, 5 * MIN),
            (6 * HOUR + 26 * MIN, 32 * MIN),
            (25 * HOUR + 43 * MIN, 2 * HOUR + 9 * MIN),
            (4 * DAY + 6 * HOUR + 51 * MIN, 6 * HOUR + 26 * MIN),
        ]
    );
    let crit = p.tiers.first().unwrap();
    assert_eq!(crit.budget_share(28 * DAY).unwrap().to_percent_string(3), "≈2.083");
    assert!(crit.derivation(28 * DAY).contains("14 × 1 h / 672 h = ≈2.083%"), "{}", crit.derivation(28 * DAY));
    assert!(pyrra(HOUR).is_err());
}

#[test]
fn custom_tiers_are_validated() {
    let r = |n, d| Ratio::new(n, d).unwrap();
    assert!(Tier::from_budget_share("x", Severity::Page, r(1, 50), 30 * DAY, 5 * MIN, HOUR).is_err(), "short > long");
    assert!(Tier::from_factor("x", Severity::Page, Ratio::ZERO, HOUR, 5 * MIN, 0).is_err());
    let t = Tier::from_factor("x", Severity::Ticket, r(5, 1), 2 * HOUR, 10 * MIN, 0).unwrap();
    let preset = custom("mine", vec![t]);
    assert_eq!(preset.id, PresetId::Custom);
}

/// One day at 1 minute with 10,000 requests per minute and an outage of 5 % errors from minute
/// 600 to 659.
fn outage_day() -> (Series, Series) {
    let n = 24 * 60;
    let t = counter(&[], MIN, &vec![10_000.0; n]);
    let b = counter(&[], MIN, &(0..n).map(|k| if (600..660).contains(&k) { 500.0 } else { 0.0 }).collect::<Vec<_>>());
    (t, b)
}

#[test]
fn would_have_fired_timeline() {
    let (t, b) = outage_day();
    let (tt, bb) = ([t], [b]);
    let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, grid(MIN, 24 * 60), CountMode::Exact).unwrap();
    let budget = Objective::parse("99.9").unwrap().budget();
    let tl = would_have_fired(&google_sre_workbook().tiers, &ev, budget).unwrap();
    let fast = tl.first().unwrap();
    assert_eq!(fast.error_ratio_threshold, 0.0144);
    // The outage covers grid times 601..=660 min. The 1 h window exceeds 1.44 % errors with 18
    // outage minutes in it (17 · 500 / 600,000 = 1.42 %, 18 → 1.5 %): from 618. The 5 m window
    // needs 2 outage minutes (1 → 1 %, 2 → 2 %): until 663 (window 659..=663).
    assert_eq!(fast.intervals.len(), 1);
    let iv = fast.intervals.first().unwrap();
    assert_eq!((iv.first_ms, iv.last_ms), (618 * MIN, 663 * MIN));
    assert!((fast.long_burn.get(659).copied().flatten().unwrap() - 50.0).abs() < 1e-9);
    // 6× over 6 h/30 m: the 6 h window needs > 21,600 bad → 44 outage minutes (from 644); the
    // 30 m window > 1,800 bad → 4 outage minutes (until 686, window 657..=686).
    let slow = tl.get(1).unwrap();
    let iv = slow.intervals.first().unwrap();
    assert_eq!((iv.first_ms, iv.last_ms), (644 * MIN, 686 * MIN));
    assert!(!fast.firing_now());
    // Pyrra's `for: 2m` delays the critical tier by 2 minutes.
    let p = pyrra(28 * DAY).unwrap();
    let ptl = would_have_fired(&p.tiers, &ev, budget).unwrap();
    let crit = ptl.first().unwrap().intervals.first().copied().unwrap();
    // 14× over 1 h: > 8,400 bad → 17 outage minutes (617); then 2 m of `for` → 619; the 5 m
    // window (> 700 bad → 2 minutes) holds until 663.
    assert_eq!((crit.first_ms, crit.last_ms), (619 * MIN, 663 * MIN));
}

#[test]
fn status_bands_with_stated_thresholds() {
    let p = StatusPolicy::default();
    assert_eq!(p.classify(None, None), Status::NoData);
    assert_eq!(p.classify(Some(0.9), None), Status::Healthy);
    assert_eq!(p.classify(Some(0.9), Some(Severity::Ticket)), Status::Warning);
    assert_eq!(p.classify(Some(0.9), Some(Severity::Page)), Status::Critical);
    assert_eq!(p.classify(Some(0.25), None), Status::Warning);
    assert_eq!(p.classify(Some(0.1), None), Status::Critical);
    assert_eq!(p.classify(Some(0.0), None), Status::Critical, "exactly on the objective is not a breach");
    assert_eq!(p.classify(Some(-0.01), None), Status::Breached);
    let text = p.describe();
    assert!(text.contains("≤ 10%") && text.contains("≤ 25%") && text.contains("below 0"), "{text}");

    let (t, b) = outage_day();
    let (tt, bb) = ([t], [b]);
    let ev = SliEvents::ratio(Counted::Bad, &bb, &tt, grid(MIN, 24 * 60), CountMode::Exact).unwrap();
    let budget = Objective::parse("99.9").unwrap().budget();
    let tl = would_have_fired(&google_sre_workbook().tiers, &ev, budget).unwrap();
    let spans = status_timeline(&ev, budget, DAY, &tl, &p);
    assert_eq!(spans.first().unwrap().status, Status::Healthy);
    assert_eq!(spans.first().unwrap().first_ms, MIN);
    // The outage burns 30,000 bad of a 1-day budget of 14,400: breached from then on.
    assert_eq!(spans.last().unwrap().status, Status::Breached);
    assert!(spans.iter().any(|s| s.status == Status::Critical));
    assert!(spans.windows(2).all(|w| w[0].last_ms < w[1].first_ms && w[0].status != w[1].status));
}
