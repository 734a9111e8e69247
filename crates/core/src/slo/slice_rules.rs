//! Prometheus rules for the time-slice budgeting methods (OpenSLO `Timeslices`,
//! `RatioTimeslices`), as Sightline computes them ([`super::budget`]): one recording rule per
//! slice, in its own rule group evaluated once per slice, and the period's error ratio as
//! `1 − avg_over_time` of it.
//!
//! - Timeslices: `slo:slice_good:bool<slice>` is `1` when the slice's good ratio
//!   `(total − bad) / total` is at least the slice target, `0` when not;
//!   `1 − avg_over_time(…[period])` is then bad slices / slices with events.
//! - RatioTimeslices: `slo:slice_sli:ratio<slice>` is the slice's good ratio; the average over
//!   the period is the mean of the slice ratios.
//!
//! Slices without valid events get no sample (`and on() sum(rate(total[slice])) > 0`), so they
//! count neither way, as in Sightline. What differs is said by [`caveat`]: Prometheus chooses
//! when in the slice interval a group is evaluated, so slice boundaries can be shifted against
//! Sightline's (which end at the evaluation time), and the period average only covers the time
//! since the rules were loaded.

use super::budget::BudgetingMethod;
use super::selector::sum_rate;
use super::spec::{duration_text, SliDef, SloDefinition};
use super::Counted;

/// The per-slice recording rule of a time-slice method: its record name, expression, and the
/// slice length the group is evaluated at.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceRule {
    pub record: String,
    pub expr: String,
    pub interval: String,
}

/// The slice rule of `def`, `None` for Occurrences.
pub fn slice_rule(def: &SloDefinition) -> Option<SliceRule> {
    let (slice_ms, target) = match def.method {
        BudgetingMethod::Occurrences => return None,
        BudgetingMethod::Timeslices { slice_ms, target } => (slice_ms, Some(target)),
        BudgetingMethod::RatioTimeslices { slice_ms } => (slice_ms, None),
    };
    let slice = duration_text(slice_ms);
    let good = good_ratio_expr(&def.sli, &slice);
    let (_, total) = def.sli.selectors();
    let has_events = format!("and on() {} > 0", sum_rate(total, &slice));
    Some(match target {
        Some(t) => SliceRule {
            record: format!("slo:slice_good:bool{slice}"),
            expr: format!(
                "({good}) >= bool {}\n{has_events}",
                t.ratio().to_decimal_string(18)
            ),
            interval: slice,
        },
        None => SliceRule {
            record: format!("slo:slice_sli:ratio{slice}"),
            expr: format!("{good}\n{has_events}"),
            interval: slice,
        },
    })
}

/// The good ratio over `window`, clamped to [0, 1] as Sightline clamps it.
fn good_ratio_expr(sli: &SliDef, window: &str) -> String {
    let (events, total) = sli.selectors();
    let total_rate = sum_rate(total, window);
    match sli.counted() {
        Counted::Good => format!("clamp({} / {total_rate}, 0, 1)", sum_rate(events, window)),
        Counted::Bad => format!(
            "1 - clamp({} / {total_rate}, 0, 1)",
            sum_rate(events, window)
        ),
    }
}

/// The period's error ratio from the slice rule: `1 − avg_over_time(<slice record>[period])`.
pub fn period_error_expr(def: &SloDefinition, rule: &SliceRule, period: &str) -> String {
    format!(
        "1 - avg_over_time({}{{sightline_id=\"{}\"}}[{period}])",
        rule.record, def.spec.id
    )
}

/// What the slice rules do not match exactly, for the file's header and the UI.
pub fn caveat(def: &SloDefinition, rule: &SliceRule, group: &str) -> String {
    format!(
        "budgeting method {}: {} is recorded once per {} by the group {group} and the period's error ratio is 1 − avg_over_time of it, as Sightline computes it; Prometheus chooses when in each {} the group runs, so slice boundaries can be shifted against Sightline's, the period average covers only the time since these rules were loaded, and a slice must span at least two scrapes; the burn-rate alerts use ratios of sums, as Sightline's do",
        def.method.name(),
        rule.record,
        rule.interval,
        rule.interval
    )
}
