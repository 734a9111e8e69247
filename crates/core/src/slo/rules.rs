//! Prometheus recording and alerting rules for an SLO, equivalent to what Sightline computes, so
//! the same SLO can page when no browser is open (Sloth/Pyrra style).
//!
//! Per SLO one rule group `sightline-slo-<id>`:
//! - `slo:sli_error:ratio_rate<W>` for every tier window W and the SLO period: the error ratio
//!   `bad / total` over W from `sum(rate(…[W]))` (rates over the same window have the same
//!   extrapolation, so the ratio of rates is the ratio of Prometheus' `increase()`s — Sightline's
//!   "Prometheus-compatible" counting mode), clamped to [0, 1] as Sightline clamps it. Good-event
//!   SLIs use `(total − good) / total`. Labels `sightline_id` (and `sightline_service`).
//! - `slo:objective:ratio`, `slo:error_budget:ratio` (exact decimals: 99.9 → 0.001, never
//!   `0.0009999999999999432`) and `slo:error_budget_remaining:ratio = 1 − e(period) / B`.
//! - One alert per tier, `SLOErrorBudgetBurn`, firing when **both** windows' error ratios exceed
//!   `factor × B` (written as one number, the nearest double to the exact product, as Sightline
//!   compares), with the tier's `for:`, `severity` `critical` (page) or `warning` (ticket), and the
//!   factor's derivation in the annotations.
//!
//! - Time-slice budgeting methods get a per-slice recording rule in a second group
//!   `sightline-slo-<id>-slices` evaluated once per slice, and the period's error ratio
//!   `slo:period_sli_error:ratio` from it ([`super::slice_rules`]).
//!
//! What rules cannot express is said in the file's header comment and by [`caveats`] (which the
//! UI shows beside the export): calendar windows (a range selector has a fixed length and PromQL
//! knows only UTC, so the nominal period is used as a rolling one), where slice rules differ from
//! Sightline's slices, and that a latency threshold must be a bucket edge that exists in the data.

use std::collections::BTreeMap;

use serde_norway::Value;

use super::alerts::{Severity, Tier};
use super::selector::sum_rate;
use super::slice_rules::{period_error_expr, slice_rule};
use super::spec::{duration_text, SliDef, SloDefinition};
use super::window::SloWindow;
use super::yaml::{emit_stream, seq, Map};
use super::Counted;

/// The recording rule name for the error ratio over `window` (`slo:sli_error:ratio_rate1h`).
pub fn error_ratio_record(window: &str) -> String {
    format!("slo:sli_error:ratio_rate{window}")
}

/// The period's error ratio under a time-slice budgeting method.
pub const PERIOD_SLICES_RECORD: &str = "slo:period_sli_error:ratio";

/// The name of an SLO's slice rule group.
pub fn slice_group_name(def: &SloDefinition) -> String {
    format!("sightline-slo-{}-slices", def.spec.id)
}

/// The alert name of every tier.
pub const ALERT_NAME: &str = "SLOErrorBudgetBurn";

/// One generated rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Record {
        record: String,
        expr: String,
        labels: BTreeMap<String, String>,
    },
    Alert {
        alert: String,
        expr: String,
        for_: Option<String>,
        labels: BTreeMap<String, String>,
        annotations: BTreeMap<String, String>,
    },
}

fn base_labels(def: &SloDefinition) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    l.insert("sightline_id".to_string(), def.spec.id.clone());
    if !def.spec.service.trim().is_empty() {
        l.insert(
            "sightline_service".to_string(),
            def.spec.service.trim().to_string(),
        );
    }
    l
}

/// The selector that matches a recording rule's output for this SLO.
fn own(def: &SloDefinition, record: &str) -> String {
    format!("{record}{{sightline_id=\"{}\"}}", def.spec.id)
}

fn error_ratio_expr(sli: &SliDef, window: &str) -> String {
    let (events, total) = sli.selectors();
    let total_rate = sum_rate(total, window);
    let bad = match sli.counted() {
        Counted::Bad => sum_rate(events, window),
        Counted::Good => format!("({total_rate} - {})", sum_rate(events, window)),
    };
    format!("clamp({bad} / {total_rate}, 0, 1)")
}

/// The windows that get an error-ratio rule: every tier's long and short window, then the period.
fn windows(def: &SloDefinition) -> Vec<String> {
    let mut ms: Vec<i64> = def
        .alerts
        .tiers
        .iter()
        .flat_map(|t| [t.short_ms, t.long_ms])
        .collect();
    ms.push(def.nominal_period_ms());
    ms.sort_unstable();
    ms.dedup();
    ms.into_iter().map(duration_text).collect()
}

/// `0.0144` for 14.4 × 1/1000: the nearest double to the exact product, in shortest form.
fn threshold_text(tier: &Tier, def: &SloDefinition) -> String {
    match tier.error_ratio_threshold(def.objective.budget()) {
        Some(r) => format!("{}", r.to_f64()),
        None => format!("{}", tier.factor.to_f64() * def.objective.budget().to_f64()),
    }
}

/// Every rule of `def`, in file order.
pub fn rules(def: &SloDefinition) -> Vec<Rule> {
    let labels = base_labels(def);
    let period = duration_text(def.nominal_period_ms());
    let budget = def.objective.budget().to_decimal_string(18);
    let mut out: Vec<Rule> = windows(def)
        .into_iter()
        .map(|w| Rule::Record {
            record: error_ratio_record(&w),
            expr: error_ratio_expr(&def.sli, &w),
            labels: labels.clone(),
        })
        .collect();
    out.push(Rule::Record {
        record: "slo:objective:ratio".into(),
        expr: format!("vector({})", def.objective.ratio().to_decimal_string(18)),
        labels: labels.clone(),
    });
    out.push(Rule::Record {
        record: "slo:error_budget:ratio".into(),
        expr: format!("vector({budget})"),
        labels: labels.clone(),
    });
    let period_error = match slice_rule(def) {
        Some(rule) => {
            out.push(Rule::Record {
                record: PERIOD_SLICES_RECORD.into(),
                expr: period_error_expr(def, &rule, &period),
                labels: labels.clone(),
            });
            own(def, PERIOD_SLICES_RECORD)
        }
        None => own(def, &error_ratio_record(&period)),
    };
    out.push(Rule::Record {
        record: "slo:error_budget_remaining:ratio".into(),
        expr: format!("1 - {period_error} / {budget}"),
        labels: labels.clone(),
    });
    let period_ms = def.nominal_period_ms();
    for t in &def.alerts.tiers {
        let (long, short) = (duration_text(t.long_ms), duration_text(t.short_ms));
        let thr = threshold_text(t, def);
        let mut l = labels.clone();
        l.insert(
            "severity".into(),
            if t.severity == Severity::Page {
                "critical"
            } else {
                "warning"
            }
            .into(),
        );
        l.insert("tier".into(), t.name.clone());
        l.insert("long_window".into(), long.clone());
        l.insert("short_window".into(), short.clone());
        let mut a = BTreeMap::new();
        a.insert(
            "summary".into(),
            format!(
                "{}: error budget burning {}× over {long} and {short} ({})",
                def.spec.name,
                t.factor.to_decimal_string(4),
                t.severity.label()
            ),
        );
        a.insert(
            "description".into(),
            format!(
                "Fires when the error ratio over both {long} and {short} exceeds factor × budget = {} × {budget} = {thr}. {}",
                t.factor.to_decimal_string(4),
                t.derivation(period_ms)
            ),
        );
        out.push(Rule::Alert {
            alert: ALERT_NAME.into(),
            expr: format!(
                "{} > {thr}\nand\n{} > {thr}",
                own(def, &error_ratio_record(&long)),
                own(def, &error_ratio_record(&short))
            ),
            for_: (t.for_ms > 0).then(|| duration_text(t.for_ms)),
            labels: l,
            annotations: a,
        });
    }
    out
}

fn map_of(m: &BTreeMap<String, String>) -> Value {
    m.iter()
        .fold(Map::new(), |acc, (k, v)| acc.with(k, v.as_str()))
        .into()
}

fn rule_value(r: &Rule) -> Value {
    match r {
        Rule::Record {
            record,
            expr,
            labels,
        } => Map::new()
            .with("record", record.as_str())
            .with("expr", expr.as_str())
            .with("labels", map_of(labels))
            .into(),
        Rule::Alert {
            alert,
            expr,
            for_,
            labels,
            annotations,
        } => {
            let mut m = Map::new()
                .with("alert", alert.as_str())
                .with("expr", expr.as_str());
            if let Some(f) = for_ {
                m = m.with("for", f.as_str());
            }
            m.with("labels", map_of(labels))
                .with("annotations", map_of(annotations))
                .into()
        }
    }
}

/// What the rules do not express for `def`, for the header comment.
pub fn caveats(def: &SloDefinition) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rule) = slice_rule(def) {
        out.push(super::slice_rules::caveat(
            def,
            &rule,
            &slice_group_name(def),
        ));
    }
    if let SloWindow::Calendar(p) = def.window {
        out.push(format!(
            "{}: not expressible in Prometheus rules — a range selector has a fixed length and PromQL's calendar functions know only UTC — so the period rules use the nominal {} as a rolling window: slo:error_budget_remaining:ratio is the budget left over the last {}, not in this calendar {}",
            def.spec.window.describe(),
            duration_text(def.nominal_period_ms()),
            duration_text(def.nominal_period_ms()),
            p.name()
        ));
    }
    if let SliDef::Latency { threshold_le, .. } = def.sli {
        out.push(format!("latency threshold {threshold_le} s: the le bucket must exist in the data (a threshold between bucket edges matches no series here)"));
    }
    out
}

/// The rule file (YAML) for `defs`, one group per SLO.
pub fn rules_yaml(defs: &[SloDefinition]) -> String {
    let mut comments = vec![
        "Prometheus recording and alerting rules generated by Sightline. Error ratios are ratios of sum(rate(...[W])), i.e. of".to_string(),
        "Prometheus increase() over W (Sightline's Prometheus-compatible counting mode); a tier fires when both its windows exceed factor × budget.".to_string(),
    ];
    for d in defs {
        comments.extend(
            caveats(d)
                .into_iter()
                .map(|c| format!("{}: {c}", d.spec.id)),
        );
    }
    let groups: Vec<Value> = defs
        .iter()
        .flat_map(|d| {
            let slices = slice_rule(d).map(|r| {
                let rule = Rule::Record {
                    record: r.record,
                    expr: r.expr,
                    labels: base_labels(d),
                };
                Map::new()
                    .with("name", slice_group_name(d))
                    .with("interval", r.interval)
                    .with("rules", seq(vec![rule_value(&rule)]))
                    .into()
            });
            let main: Value = Map::new()
                .with("name", format!("sightline-slo-{}", d.spec.id))
                .with("rules", seq(rules(d).iter().map(rule_value).collect()))
                .into();
            slices.into_iter().chain(std::iter::once(main))
        })
        .collect();
    emit_stream(&[(comments, Map::new().with("groups", seq(groups)).into())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::spec::tests::ratio_spec;
    use crate::slo::spec::{AlertingSpec, PresetName, SliSpec, WindowSpec};
    use crate::slo::yaml::parse_documents;

    #[test]
    fn thresholds_are_exact_products_not_float_noise() {
        let mut s = ratio_spec();
        s.objective = "99.9".into();
        let def = s.validate().unwrap();
        let text = rules_yaml(&[def]);
        assert!(text.contains("> 0.0144"), "{text}");
        assert!(text.contains("> 0.006\n"), "{text}");
        assert!(text.contains("vector(0.001)"), "{text}");
        assert!(!text.contains("0.000999999"), "{text}");
    }

    #[test]
    fn every_tier_window_and_the_period_get_a_recording_rule() {
        let def = ratio_spec().validate().unwrap();
        let recs: Vec<String> = rules(&def)
            .into_iter()
            .filter_map(|r| match r {
                Rule::Record { record, .. } if record.starts_with("slo:sli_error") => Some(record),
                _ => None,
            })
            .collect();
        let want: Vec<String> = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"]
            .iter()
            .map(|w| error_ratio_record(w))
            .collect();
        assert_eq!(recs, want);
    }

    #[test]
    fn good_event_slis_subtract_from_the_total_and_pyrra_tiers_carry_for() {
        let mut s = ratio_spec();
        s.sli = SliSpec::Latency {
            buckets: r#"h_bucket{job="api"}"#.into(),
            threshold: "0.25".into(),
        };
        s.window = WindowSpec::Rolling {
            duration: "28d".into(),
        };
        s.alerting = AlertingSpec::Preset {
            preset: PresetName::Pyrra,
        };
        let def = s.validate().unwrap();
        let all = rules(&def);
        let first = match &all[0] {
            Rule::Record { expr, .. } => expr.clone(),
            _ => panic!(),
        };
        assert!(first.starts_with("clamp((sum(rate(h_bucket{job=\"api\",le=\"+Inf\"}[5m])) - sum(rate(h_bucket{job=\"api\",le=\"0.25\"}[5m])))"), "{first}");
        let fors: Vec<Option<String>> = all
            .iter()
            .filter_map(|r| {
                if let Rule::Alert { for_, .. } = r {
                    Some(for_.clone())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(
            fors,
            [
                Some("2m".into()),
                Some("15m".into()),
                Some("1h".into()),
                Some("3h".into())
            ]
        );
        let text = rules_yaml(&[def]);
        assert!(text.contains("le bucket must exist"), "{text}");
        let docs = parse_documents(&text).unwrap();
        assert_eq!(
            docs[0]["groups"][0]["rules"][11]["labels"]["severity"],
            Value::from("critical")
        );
    }
}
