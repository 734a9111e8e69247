//! Regression tests of the right answer for each SLO mistake of the source documents
//! (algorithms.md §14, E-numbers) and for peers' known SLO defects (peers.md §11).

use chrono::Utc;
use sightline_core::counters::EvalGrid;
use sightline_core::series::{Labels, Series};
use sightline_core::slo::*;

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

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

fn grid(step_ms: i64, n: usize) -> EvalGrid {
    EvalGrid { start_ms: step_ms, end_ms: n as i64 * step_ms, step_ms }
}

fn report_for(objective: &str, total: &[Series], bad: &[Series], step: i64, n: usize, window: &str) -> SloReport {
    let ev = SliEvents::ratio(Counted::Bad, bad, total, grid(step, n), CountMode::Exact).unwrap();
    let w = SloWindow::parse_rolling(window).unwrap().resolve(n as i64 * step, &Utc).unwrap();
    slo_report(Objective::parse(objective).unwrap(), BudgetingMethod::Occurrences, w, &ev, &[HOUR], HOUR).unwrap()
}

/// E41: `consumed = max(0, target − current)` is 0 until a breach. 99.9 % target, 99.95 % actual
/// is 50 % consumed.
#[test]
fn e41_budget_is_consumed_before_any_breach() {
    let t = [counter(&[], HOUR, &[10_000.0; 24])];
    let b = [counter(&[], HOUR, &[5.0; 24])];
    let r = report_for("99.9", &t, &b, HOUR, 24, "1d");
    assert!((r.consumed.unwrap() - 0.5).abs() < 1e-12, "{:?}", r.consumed);
    assert!((r.remaining.unwrap() - 0.5).abs() < 1e-12);
}

/// E42: "burn rate = error rate × 24 × 30" gives 1.44 for 0.2 % errors whatever the SLO, and a
/// TTE of ~0.07 h from percentage points. Right: b = e / (1 − SLO) = 2.0 at 99.9 %; a full budget
/// lasts 15 days (360 h).
#[test]
fn e42_burn_rate_is_error_ratio_over_budget() {
    let budget = Objective::parse("99.9").unwrap().budget();
    let b = burn_rate(0.002, budget);
    assert!((b - 2.0).abs() < 1e-12);
    assert!((0.002f64 * 24.0 * 30.0 - 1.44).abs() < 1e-12, "the seed's number, for the record");
    let tte = time_to_exhaustion_ms(1.0, 30 * DAY, b).unwrap();
    assert!((tte - (360 * HOUR) as f64).abs() < 1e-3);
    // The same 0.2 % at 99 % is burn 0.2: the burn rate depends on the SLO.
    assert!((burn_rate(0.002, Objective::parse("99").unwrap().budget()) - 0.2).abs() < 1e-12);
}

/// E43: no data → 100 % compliance, full budget, HEALTHY. Right: an explicit "no data" state,
/// coverage shown, `None` for TTE.
#[test]
fn e43_missing_data_is_no_data_not_perfect() {
    let empty: [Series; 0] = [];
    let r = report_for("99.9", &empty, &empty, MIN, 60, "1h");
    assert_eq!((r.measured.sli, r.consumed, r.remaining, r.exhaustion), (None, None, None, None));
    assert_eq!(r.coverage.covered_ms, 0);
    assert_eq!(StatusPolicy::default().classify(r.remaining, None), Status::NoData);
    // A series that exists but only carries NaN (staleness markers) is no data too.
    let nan = [Series { labels: Labels::default(), t_ms: vec![0, MIN, 2 * MIN], values: vec![f64::NAN; 3] }];
    let r = report_for("99.9", &nan, &nan, MIN, 2, "2m");
    assert_eq!(r.measured.sli, None);
    // A tiny TTE is still a TTE (not treated as absent).
    assert!(time_to_exhaustion_ms(1e-9, 30 * DAY, 1000.0).is_some_and(|t| t > 0.0));
}

/// E44: each 5-minute window must reach 99.9 % and the share of good windows is compared with
/// 99.9 % again (the target counted twice). Right: Occurrences (ratio of sums), or Timeslices
/// with its own `timeSliceTarget`.
#[test]
fn e44_timeslices_have_their_own_slice_target() {
    // Twelve 5-minute slices at 99.8 % (2 bad per 1,000).
    let t = [counter(&[], 5 * MIN, &[1000.0; 12])];
    let b = [counter(&[], 5 * MIN, &[2.0; 12])];
    let ev = SliEvents::ratio(Counted::Bad, &b, &t, grid(5 * MIN, 12), CountMode::Exact).unwrap();
    // Occurrences: 99.8 %.
    let occ = measure(&BudgetingMethod::Occurrences, &ev, 0, HOUR).unwrap();
    assert!((occ.sli.unwrap() - 0.998).abs() < 1e-12);
    // Timeslices with slice target 99 %: every slice is good; the SLI is 100 % of slices.
    let target = SliceTarget::parse("99%").unwrap();
    let ts = measure(&BudgetingMethod::Timeslices { slice_ms: 5 * MIN, target }, &ev, 0, HOUR).unwrap();
    assert_eq!(ts.sli, Some(1.0));
    // The seed's double counting (slice target = objective = 99.9 %) would call every slice bad.
    let strict = SliceTarget::parse("0.999").unwrap();
    let ts = measure(&BudgetingMethod::Timeslices { slice_ms: 5 * MIN, target: strict }, &ev, 0, HOUR).unwrap();
    assert_eq!(ts.sli, Some(0.0), "with a 99.9 % slice target every 99.8 % slice is bad — the slice target is its own choice");
}

/// E45: `consumed_hours = window_h · (1 − current/100)` with a 5-minute `current`: one spike
/// consumes "the month". Right: SLI over the whole period (ratio of sums), burn rate per window.
#[test]
fn e45_a_five_minute_spike_is_not_extrapolated_to_the_month() {
    let n = 30 * 24 * 12; // 5-minute steps over 30 days
    let t = [counter(&[], 5 * MIN, &vec![1000.0; n])];
    let mut bad = vec![0.0; n];
    if let Some(last) = bad.last_mut() {
        *last = 500.0; // the last 5 minutes at 50 % errors
    }
    let b = [counter(&[], 5 * MIN, &bad)];
    let ev = SliEvents::ratio(Counted::Bad, &b, &t, grid(5 * MIN, n), CountMode::Exact).unwrap();
    let w = SloWindow::parse_rolling("30d").unwrap().resolve(n as i64 * 5 * MIN, &Utc).unwrap();
    let r = slo_report(Objective::parse("99.9").unwrap(), BudgetingMethod::Occurrences, w, &ev, &[5 * MIN], HOUR).unwrap();
    // 500 bad of 8,640,000 events; budget 8,640 events → 5.787 % consumed, not 100 %+.
    assert!((r.consumed.unwrap() - 500.0 / 8_640.0).abs() < 1e-12);
    // The 5-minute burn rate is 500; that is a rate, not budget consumed.
    assert!((r.burn_rates.first().unwrap().rate.unwrap() - 500.0).abs() < 1e-9);
    assert!((budget_consumed_in(500.0, 5 * MIN, 30 * DAY) - 500.0 / 8_640.0).abs() < 1e-12);
}

fn latency_buckets(per_min: [(&'static str, f64); 4], minutes: usize) -> Vec<Series> {
    per_min.iter().map(|(le, n)| counter(&[("le", le)], MIN, &vec![*n; minutes])).collect()
}

/// E46: latency "budget" from the p95 overshoot (`(0.3 − 0.2)/0.2` → "50 % consumed"). Right:
/// latency SLI = good/valid from buckets, then the standard budget.
#[test]
fn e46_latency_budget_is_the_share_of_slow_requests() {
    // 90 of 100 requests ≤ 0.25 s each minute (p95 above 0.25 s).
    let b = latency_buckets([("0.1", 50.0), ("0.25", 90.0), ("0.5", 99.0), ("+Inf", 100.0)], 60);
    let ev = SliEvents::latency(&b, 0.25, grid(MIN, 60), CountMode::Exact).unwrap();
    let w = SloWindow::parse_rolling("1h").unwrap().resolve(60 * MIN, &Utc).unwrap();
    let r = slo_report(Objective::parse("95").unwrap(), BudgetingMethod::Occurrences, w, &ev, &[], HOUR).unwrap();
    assert!((r.measured.sli.unwrap() - 0.9).abs() < 1e-12);
    // 10 % slow against a 5 % budget: 200 % consumed (breached), not "50 %".
    assert!((r.consumed.unwrap() - 2.0).abs() < 1e-12);
    assert_eq!(StatusPolicy::default().classify(r.remaining, None), Status::Breached);
}

/// E14: latency SLI written as `histogram_quantile(...) < 0.2` (a filter that returns nothing
/// when violated, dropped as "no data"), with 0.2 s not a bucket edge. Right: a ratio over a real
/// edge; a non-edge threshold is flagged with the edges to use.
#[test]
fn e14_latency_sli_is_a_ratio_and_a_non_edge_threshold_is_flagged() {
    // Badly violated: only 20 of 100 requests ≤ 0.25 s. The SLI is still a number.
    let b = latency_buckets([("0.1", 10.0), ("0.25", 20.0), ("0.5", 60.0), ("+Inf", 100.0)], 5);
    let ev = SliEvents::latency(&b, 0.25, grid(MIN, 5), CountMode::Exact).unwrap();
    let c = ev.counts_at(5 * MIN, 5 * MIN).unwrap();
    assert_eq!(c.error_ratio(), Some(0.8));
    let flagged = SliEvents::latency(&b, 0.2, grid(MIN, 5), CountMode::Exact).unwrap();
    let th = flagged.latency_threshold().unwrap();
    assert!(th.interpolated);
    assert_eq!((th.lower_le, th.upper_le), (0.1, 0.25), "the nearest edges to offer");
}

/// E15: `(1 − ratio) · 100 > 0.05` "> 50 % of the budget". An instant 0.05 % error rate is burn
/// 0.5 at 99.9 %: a 30-day budget lasts 60 days; "less than 1 day" needs b > 30 (> 3 % errors).
#[test]
fn e15_an_instant_error_rate_is_a_burn_rate_not_budget_consumed() {
    let budget = Objective::parse("99.9").unwrap().budget();
    let b = burn_rate(0.0005, budget);
    assert!((b - 0.5).abs() < 1e-12);
    assert!((time_to_exhaustion_ms(1.0, 30 * DAY, b).unwrap() - (60 * DAY) as f64).abs() < 1e-3);
    assert!((time_to_exhaustion_ms(1.0, 30 * DAY, burn_rate(0.03, budget)).unwrap() - DAY as f64).abs() < 1e-3);
    // The right alert is MWMBR: at 0.05 % errors no Google tier fires (the lowest factor is 1).
    assert!(google_sre_workbook().tiers.iter().all(|t| t.factor.to_f64() > b));
}

/// E16: `humanizePercentage` on values already × 100 shows 1.5 % as "150%". Ratios stay in 0–1.
#[test]
fn e16_ratios_are_fractions_not_percentages() {
    let t = [counter(&[], MIN, &[1000.0])];
    let b = [counter(&[], MIN, &[15.0])];
    let ev = SliEvents::ratio(Counted::Bad, &b, &t, grid(MIN, 1), CountMode::Exact).unwrap();
    let c = ev.counts_at(MIN, MIN).unwrap();
    assert_eq!(c.error_ratio(), Some(0.015));
    assert_eq!(Objective::parse("99.9").unwrap().to_f64(), 0.999);
}

/// E12: `rate(x{status=~"5.."}) / rate(x)` divides each 5xx series by itself (100 %). Right: sum
/// each side, then divide.
#[test]
fn e12_error_ratio_is_a_ratio_of_sums_across_series() {
    let ok = counter(&[("status", "200")], MIN, &[990.0]);
    let err = counter(&[("status", "500")], MIN, &[10.0]);
    let total = [ok, err.clone()];
    let bad = [err];
    let ev = SliEvents::ratio(Counted::Bad, &bad, &total, grid(MIN, 1), CountMode::Exact).unwrap();
    assert_eq!(ev.counts_at(MIN, MIN).unwrap().error_ratio(), Some(0.01));
}

/// E47: `objective: 99.9%` read as a string (TypeError) and the window fixed at 30 d. Right: a
/// typed, validated objective and any window.
#[test]
fn e47_objective_text_and_window_are_typed_and_validated() {
    assert_eq!(Objective::parse("99.9%").unwrap().budget(), Ratio::new(1, 1000).unwrap());
    assert_eq!(SloWindow::parse_rolling("7d").unwrap(), SloWindow::Rolling { duration_ms: 7 * DAY });
    assert!(Objective::parse("99.9 percent").is_err());
}

/// E48: a p95 in ms checked with `current ≥ 95.0` (the direction reversed). Right: the latency SLI
/// counts requests at or under the threshold as good.
#[test]
fn e48_latency_good_means_at_or_under_the_threshold() {
    // Every request is fast (≤ 0.1 s).
    let b = latency_buckets([("0.1", 100.0), ("0.25", 100.0), ("0.5", 100.0), ("+Inf", 100.0)], 3);
    let ev = SliEvents::latency(&b, 0.5, grid(MIN, 3), CountMode::Exact).unwrap();
    assert_eq!(ev.counts_at(3 * MIN, 3 * MIN).unwrap().error_ratio(), Some(0.0));
}

/// E49: severity from `(target − current)/target` rates 95 % availability against 99.9 % as
/// "high" and 98 % as "medium". Right: severity from budget consumed and burn-rate tiers — both
/// are breached (50× and 20× the budget).
#[test]
fn e49_severity_comes_from_the_budget() {
    let p = StatusPolicy::default();
    for (availability, consumed) in [(0.95, 50.0), (0.98, 20.0)] {
        let e: f64 = 1.0 - availability;
        let c = budget_consumed(e, Objective::parse("99.9").unwrap().budget());
        assert!((c - consumed).abs() < 1e-9);
        assert_eq!(p.classify(Some(1.0 - c), None), Status::Breached);
    }
}

/// E57: failures turned into invented numbers (availability 100, p99 0.0). Right: errors are
/// values and "no data" is explicit.
#[test]
fn e57_failures_are_errors_not_numbers() {
    assert!(Objective::parse("n/a").is_err());
    let b: Vec<Series> = Vec::new();
    assert!(matches!(SliEvents::latency(&b, 0.25, grid(MIN, 1), CountMode::Exact), Err(SloError::NoInfBucket)));
}

/// Sloth prints `14.4 * 0.0009999999999999432`: `(100 − 99.9) / 100` in floating point
/// (algorithms.md §6.1 attributes it to `1 − 0.999`, which is `0.0010000000000000009`). The budget is
/// exactly 1/1000, the threshold exactly 0.0144, and a burn of exactly 14.4 does not fire (it is
/// not above the factor), where Sloth's threshold does.
#[test]
fn sloth_float_artefact_is_gone() {
    let budget = Objective::parse("99.9").unwrap().budget();
    assert_eq!(budget.to_f64(), 0.001);
    let sloth_budget = (100.0 - 99.9f64) / 100.0;
    assert_eq!(sloth_budget, 0.0009999999999999432, "Sloth's number");
    assert_eq!(1.0 - 0.999f64, 0.0010000000000000009, "the other float route is off too");
    let fast = google_sre_workbook().tiers.into_iter().next().unwrap();
    assert_eq!(fast.error_ratio_threshold(budget).unwrap(), Ratio::new(18, 1250).unwrap());
    assert_eq!(fast.error_ratio_threshold(budget).unwrap().to_f64(), 0.0144);
    // 144 bad of 10,000 every minute for an hour: e = 0.0144 exactly, b = 14.4 exactly.
    let t = [counter(&[], MIN, &[10_000.0; 60])];
    let b = [counter(&[], MIN, &[144.0; 60])];
    let ev = SliEvents::ratio(Counted::Bad, &b, &t, grid(MIN, 60), CountMode::Exact).unwrap();
    let tl = would_have_fired(std::slice::from_ref(&fast), &ev, budget).unwrap();
    assert!(!tl.first().unwrap().firing_now(), "b = f is not b > f");
    let sloth_threshold = 14.4 * sloth_budget;
    assert!(0.0144 > sloth_threshold, "Sloth's rule would fire here");
    // The same objective as a fraction and through OpenSLO's float target is still exact.
    assert_eq!(Objective::from_openslo_target(0.999).unwrap().budget(), budget);
    // consumed at e = B is exactly 1 (e / B, not (1 − SLI) / B).
    assert_eq!(budget_consumed(0.001, budget), 1.0);
}

/// Sloth's 30-day SLI is a mean of 5-minute ratios; Pyrra and OpenSLO Occurrences use a ratio of
/// sums. Hour A 10/1000, hour B 5/10: 1.485 % vs 25.5 %. Each number says which it is.
#[test]
fn sloth_mean_of_ratios_differs_from_ratio_of_sums_and_is_labelled() {
    let t = [counter(&[], HOUR, &[1000.0, 10.0])];
    let b = [counter(&[], HOUR, &[10.0, 5.0])];
    let ev = SliEvents::ratio(Counted::Bad, &b, &t, grid(HOUR, 2), CountMode::Exact).unwrap();
    let sums = measure(&BudgetingMethod::Occurrences, &ev, 0, 2 * HOUR).unwrap();
    let means = measure(&BudgetingMethod::RatioTimeslices { slice_ms: HOUR }, &ev, 0, 2 * HOUR).unwrap();
    assert!((sums.error_ratio.unwrap() - 0.014_851_485_148_514_85).abs() < 1e-15);
    assert!((means.error_ratio.unwrap() - 0.255).abs() < 1e-15);
    assert!(BudgetingMethod::Occurrences.describe().contains("ratio of sums"));
    assert!(BudgetingMethod::RatioTimeslices { slice_ms: 5 * MIN }.describe().contains("mean of ratios"));
}

/// Sloth #348: the error budget is NaN until 30 days of data exist. Right: compute over the
/// available part and say how much is covered.
#[test]
fn sloth_348_young_slo_shows_coverage_not_nan() {
    let n = 30 * 24;
    let have = 12 * 24; // data for the last 12 days only
    let t_ms: Vec<i64> = ((n - have)..=n).map(|k| k as i64 * HOUR).collect();
    let total = Series { labels: Labels::default(), t_ms: t_ms.clone(), values: (0..=have).map(|k| k as f64 * 1000.0).collect() };
    let bad = Series { labels: Labels::default(), t_ms, values: (0..=have).map(|k| k as f64 * 0.5).collect() };
    let (tt, bb) = ([total], [bad]);
    let r = report_for("99.9", &tt, &bb, HOUR, n, "30d");
    assert_eq!(r.coverage.label(), "12 of 30 days covered");
    assert!((r.coverage.share() - 0.4).abs() < 1e-12);
    assert!((r.measured.sli.unwrap() - 0.9995).abs() < 1e-12, "an SLI, not NaN");
    assert!((r.remaining.unwrap() - 0.5).abs() < 1e-9);
}

/// Pyrra #1576: remaining budget does not start at 100 % because `increase(…[4w])` sees data
/// outside the rolling window. Right: only events inside `(now − window, now]` count.
#[test]
fn pyrra_1576_events_before_the_window_do_not_count() {
    // Day 1: a total outage; days 2–3: clean. A 2-day window at the end of day 3 is untouched.
    let n = 3 * 24;
    let t = [counter(&[], HOUR, &vec![1000.0; n])];
    let b = [counter(&[], HOUR, &(0..n).map(|k| if k < 24 { 1000.0 } else { 0.0 }).collect::<Vec<_>>())];
    let r = report_for("99.9", &t, &b, HOUR, n, "2d");
    assert_eq!(r.remaining, Some(1.0));
    assert_eq!(r.measured.counts.total, 48_000.0);
}

/// Pyrra #961: users ask for the time-based budget. 99.9 % over 30 days is 43.2 minutes.
#[test]
fn pyrra_961_budget_in_time() {
    let t = [counter(&[], HOUR, &[1.0; 2])];
    let r = report_for("99.9", &t, &t, HOUR, 2, "30d");
    assert_eq!(r.budget_time_ms, 43.2 * 60_000.0);
}
