//! OpenSLO v1 import and export (`apiVersion: openslo/v1`, `kind: SLO` and `kind: SLI`
//! documents in one multi-document YAML stream).
//!
//! Export writes, per SLO, an SLI document (`<id>-sli`: a `ratioMetric` with `counter: true`
//! and Prometheus `metricSource`s whose `spec.query` is the selector) and an SLO document that
//! refers to it with `indicatorRef`, with `timeWindow`, `budgetingMethod` and one objective
//! (`target` as the exact decimal fraction, plus `timeSliceTarget`/`timeSliceWindow` for the
//! time-slice methods). A latency SLI is written as good = the `le` bucket, total = the `+Inf`
//! bucket, and read back as latency. The alert preset or custom tiers travel in the SLO's
//! `metadata.annotations` (`sightline/alerting`, JSON), which other tools ignore.
//!
//! Import reads SLO documents with an inline `indicator` or an `indicatorRef` to an SLI document
//! of the same stream. Refused with a message: `thresholdMetric`, `ratioMetric` with
//! `counter: false` or `rawType`, metric sources other than Prometheus, queries that are not a
//! counter selector (optionally in `rate`/`increase`/`sum`). Only the first objective is read and
//! `calendar.startTime` is not used (periods align to calendar boundaries); both are noted.

use std::collections::BTreeMap;

use promql_parser::parser::VectorSelector;
use serde_norway::Value;

use super::selector::counter_selector_of_query;
use super::spec::{
    AlertingSpec, BudgetingSpec, CountedSpec, SliDef, SliSpec, SloDefinition, SloSpec, WindowSpec,
};
use super::yaml::{emit_stream, number, seq, At, Map};

/// The API version written and read.
pub const API_VERSION: &str = "openslo/v1";
/// Annotation carrying the alerting choice.
pub const ALERTING_ANNOTATION: &str = "sightline/alerting";

/// SLOs read from a stream, with notes on what was not carried over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub specs: Vec<SloSpec>,
    pub notes: Vec<String>,
}

fn metric_source(query: &str) -> Value {
    Map::new()
        .with(
            "metricSource",
            Map::new()
                .with("type", "Prometheus")
                .with("spec", Map::new().with("query", query)),
        )
        .into()
}

/// The SLI document for `def`, whose Prometheus selectors are `(events, total)`.
fn sli_document(def: &SloDefinition, (events, total): (&str, &str)) -> Value {
    let key = match def.sli {
        SliDef::Ratio {
            counted: super::Counted::Bad,
            ..
        } => "bad",
        _ => "good",
    };
    let ratio = Map::new()
        .with("counter", true)
        .with(key, metric_source(events))
        .with("total", metric_source(total));
    Map::new()
        .with("apiVersion", API_VERSION)
        .with("kind", "SLI")
        .with(
            "metadata",
            Map::new().with("name", format!("{}-sli", def.spec.id)),
        )
        .with(
            "spec",
            Map::new()
                .with_nonempty("description", &def.sli.describe())
                .with("ratioMetric", ratio),
        )
        .into()
}

/// The SLO document for `def`, referring to its SLI document.
fn slo_document(def: &SloDefinition) -> Value {
    let s = &def.spec;
    let window = match &s.window {
        WindowSpec::Rolling { duration } => Map::new()
            .with("duration", duration.trim())
            .with("isRolling", true),
        WindowSpec::Calendar { period, time_zone } => Map::new()
            .with("duration", period.trim())
            .with("isRolling", false)
            .with(
                "calendar",
                Map::new()
                    .with("startTime", "2020-01-01 00:00:00")
                    .with("timeZone", time_zone.trim()),
            ),
    };
    let target = def.objective.ratio().to_decimal_string(18);
    let mut objective = Map::new()
        .with("displayName", format!("{}", def.objective))
        .with("target", number(&target));
    let method = match &s.budgeting {
        BudgetingSpec::Occurrences => "Occurrences",
        BudgetingSpec::Timeslices {
            slice,
            slice_target,
        } => {
            objective = objective
                .with("timeSliceTarget", number(slice_target))
                .with("timeSliceWindow", slice.trim());
            "Timeslices"
        }
        BudgetingSpec::RatioTimeslices { slice } => {
            objective = objective.with("timeSliceWindow", slice.trim());
            "RatioTimeslices"
        }
    };
    let alerting = serde_json::to_string(&s.alerting).unwrap_or_default();
    Map::new()
        .with("apiVersion", API_VERSION)
        .with("kind", "SLO")
        .with(
            "metadata",
            Map::new()
                .with("name", s.id.as_str())
                .with("displayName", s.name.as_str())
                .with(
                    "annotations",
                    Map::new().with(ALERTING_ANNOTATION, alerting),
                ),
        )
        .with(
            "spec",
            Map::new()
                .with_nonempty("description", &s.description)
                .with_nonempty("service", &s.service)
                .with("indicatorRef", format!("{}-sli", s.id))
                .with("timeWindow", seq(vec![window.into()]))
                .with("budgetingMethod", method)
                .with("objectives", seq(vec![objective.into()])),
        )
        .into()
}

/// OpenSLO v1 YAML for `defs`: an SLI and an SLO document per SLO.
pub fn export(defs: &[SloDefinition]) -> String {
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    for d in defs {
        let selectors = match d.export_selectors() {
            Ok(s) => s,
            Err(note) => {
                skipped.push(note);
                continue;
            }
        };
        let mut comments = vec![format!(
            "{} — exported by Sightline as OpenSLO v1 (SLI + SLO documents)",
            d.spec.name
        )];
        comments.extend(d.zone_note());
        if matches!(d.spec.window, WindowSpec::Calendar { .. }) {
            comments.push("calendar.startTime is required by OpenSLO; Sightline aligns periods to calendar boundaries and ignores it".to_string());
        }
        docs.push((comments, sli_document(d, selectors)));
        docs.push((vec![], slo_document(d)));
    }
    super::yaml::with_leading_comments(skipped, emit_stream(&docs))
}

fn child<'a>(at: At<'a>, key: &str, path: &'a mut String) -> Option<At<'a>> {
    *path = at.path_of(key);
    at.get(key).map(|value| At {
        value,
        path: path.as_str(),
    })
}

/// The SLI of an indicator spec (`ratioMetric` …).
fn read_indicator(spec: At<'_>) -> Result<SliSpec, String> {
    if spec.get("thresholdMetric").is_some() {
        return Err(format!(
            "{}: thresholdMetric is not supported: Sightline computes request-based SLIs (a ratio of counters); write the SLI as a ratioMetric",
            spec.path
        ));
    }
    let mut p = String::new();
    let ratio = child(spec, "ratioMetric", &mut p)
        .ok_or_else(|| format!("{}: ratioMetric is missing", spec.path))?;
    if ratio.get("rawType").is_some() || ratio.get("raw").is_some() {
        return Err(format!(
            "{}: raw ratios are not supported; give good or bad and total counters",
            ratio.path
        ));
    }
    if ratio.opt_bool("counter")? == Some(false) {
        return Err(format!(
            "{}: counter: false (gauges) is not supported; Sightline counts events from counters",
            ratio.path
        ));
    }
    let query = |key: &str| -> Result<Option<VectorSelector>, String> {
        let Some(m) = ratio.get(key) else {
            return Ok(None);
        };
        let path = ratio.path_of(key);
        let at = At {
            value: m,
            path: &path,
        };
        let src_path = at.path_of("metricSource");
        let src = At {
            value: at
                .get("metricSource")
                .ok_or_else(|| format!("{path}.metricSource is missing"))?,
            path: &src_path,
        };
        if let Some(t) = src.opt_str("type")? {
            if !t.eq_ignore_ascii_case("prometheus") {
                return Err(format!("{}: metric source type {t:?} is not supported; only Prometheus queries can be imported", src.path));
            }
        }
        let spec_path = src.path_of("spec");
        let inner = At {
            value: src
                .get("spec")
                .ok_or_else(|| format!("{spec_path} is missing"))?,
            path: &spec_path,
        };
        let q = inner.str("query")?;
        counter_selector_of_query(&q)
            .map(Some)
            .map_err(|e| format!("{}: {e}", inner.path_of("query")))
    };
    let total = query("total")?.ok_or_else(|| format!("{}.total is missing", ratio.path))?;
    match (query("good")?, query("bad")?) {
        (Some(good), None) => Ok(SliSpec::from_selectors(CountedSpec::Good, &good, &total)),
        (None, Some(bad)) => Ok(SliSpec::from_selectors(CountedSpec::Bad, &bad, &total)),
        _ => Err(format!("{}: give exactly one of good and bad", ratio.path)),
    }
}

fn read_window(spec: At<'_>, notes: &mut Vec<String>, id: &str) -> Result<WindowSpec, String> {
    let tw_path = spec.path_of("timeWindow");
    let tw = spec
        .get("timeWindow")
        .ok_or_else(|| format!("{tw_path} is missing"))?;
    let (first, first_path) = match tw {
        Value::Sequence(items) => (
            items.first().ok_or_else(|| format!("{tw_path} is empty"))?,
            format!("{tw_path}[0]"),
        ),
        other => (other, tw_path.clone()),
    };
    let w = At {
        value: first,
        path: &first_path,
    };
    let duration = w.str("duration")?;
    let rolling = w.opt_bool("isRolling")?.unwrap_or(false);
    if rolling {
        return Ok(WindowSpec::Rolling { duration });
    }
    let cal_path = w.path_of("calendar");
    let zone = match w.get("calendar") {
        Some(c) => {
            let cal = At {
                value: c,
                path: &cal_path,
            };
            if cal.get("startTime").is_some() {
                notes.push(format!(
                    "{id}: calendar.startTime is not used; periods align to calendar boundaries"
                ));
            }
            cal.opt_str("timeZone")?
                .unwrap_or_else(|| "UTC".to_string())
        }
        None => {
            notes.push(format!(
                "{id}: calendar window without a time zone: UTC is used"
            ));
            "UTC".to_string()
        }
    };
    Ok(WindowSpec::Calendar {
        period: duration,
        time_zone: zone,
    })
}

fn read_slo(
    doc: At<'_>,
    slis: &BTreeMap<String, &Value>,
    notes: &mut Vec<String>,
) -> Result<SloSpec, String> {
    let mut mp = String::new();
    let meta = child(doc, "metadata", &mut mp).ok_or_else(|| "metadata is missing".to_string())?;
    let id = meta.str("name")?;
    let name = meta.opt_str("displayName")?.unwrap_or_else(|| id.clone());
    let mut sp = String::new();
    let spec = child(doc, "spec", &mut sp).ok_or_else(|| "spec is missing".to_string())?;
    let sli = if let Some(ind) = spec.get("indicator") {
        let ip = spec.path_of("indicator");
        read_indicator_doc(At {
            value: ind,
            path: &ip,
        })?
    } else {
        let r = spec
            .str("indicatorRef")
            .map_err(|_| format!("{}: give an indicator or an indicatorRef", spec.path))?;
        let sli_doc = slis.get(&r).ok_or_else(|| {
            format!(
                "{}: no SLI document named {r:?} in this file",
                spec.path_of("indicatorRef")
            )
        })?;
        read_indicator_doc(At {
            value: sli_doc,
            path: "",
        })?
    };
    let window = read_window(spec, notes, &id)?;
    let obj_path = spec.path_of("objectives");
    let objectives = match spec.get("objectives") {
        Some(Value::Sequence(items)) if !items.is_empty() => items,
        _ => return Err(format!("{obj_path}: at least one objective is required")),
    };
    if objectives.len() > 1 {
        notes.push(format!(
            "{id}: only the first of {} objectives is imported",
            objectives.len()
        ));
    }
    let first_path = format!("{obj_path}[0]");
    let o = At {
        value: objectives.first().unwrap_or(&Value::Null),
        path: &first_path,
    };
    let objective = match (
        o.opt_number_text("target")?,
        o.opt_number_text("targetPercent")?,
    ) {
        (Some(t), _) => t,
        (None, Some(p)) => format!("{p}%"),
        (None, None) => return Err(format!("{first_path}: target or targetPercent is required")),
    };
    let method = spec.opt_str("budgetingMethod")?.unwrap_or_else(|| {
        notes.push(format!("{id}: no budgetingMethod: Occurrences is used"));
        "Occurrences".to_string()
    });
    let slice = || {
        o.opt_str("timeSliceWindow").and_then(|s| {
            s.ok_or_else(|| format!("{first_path}.timeSliceWindow is required for {method}"))
        })
    };
    let budgeting = match method.as_str() {
        "Occurrences" => BudgetingSpec::Occurrences,
        "Timeslices" => BudgetingSpec::Timeslices {
            slice: slice()?,
            slice_target: o.opt_number_text("timeSliceTarget")?.ok_or_else(|| {
                format!("{first_path}.timeSliceTarget is required for Timeslices")
            })?,
        },
        "RatioTimeslices" => BudgetingSpec::RatioTimeslices { slice: slice()? },
        other => {
            return Err(format!(
            "{}: unknown budgetingMethod {other:?} (Occurrences, Timeslices or RatioTimeslices)",
            spec.path_of("budgetingMethod")
        ))
        }
    };
    let alerting = meta
        .get("annotations")
        .and_then(|a| a.as_mapping())
        .and_then(|a| a.get(ALERTING_ANNOTATION))
        .and_then(Value::as_str)
        .and_then(|j| serde_json::from_str::<AlertingSpec>(j).ok())
        .unwrap_or_default();
    Ok(SloSpec {
        id,
        name,
        service: spec.opt_str("service")?.unwrap_or_default(),
        description: spec.opt_str("description")?.unwrap_or_default(),
        sli,
        objective,
        window,
        budgeting,
        alerting,
    })
}

/// An indicator given as `{metadata, spec}` (inline or an SLI document).
fn read_indicator_doc(ind: At<'_>) -> Result<SliSpec, String> {
    let mut p = String::new();
    let spec = child(ind, "spec", &mut p).ok_or_else(|| {
        format!(
            "{}: the indicator has no spec",
            if ind.path.is_empty() { "SLI" } else { ind.path }
        )
    })?;
    read_indicator(spec)
}

/// Reads every `kind: SLO` of `docs` (parsed YAML documents with `apiVersion: openslo/v1`).
pub fn import(docs: &[Value]) -> Result<Imported, String> {
    let mut slis: BTreeMap<String, &Value> = BTreeMap::new();
    for d in docs {
        let at = At::root(d);
        if at.opt_str("kind")?.as_deref() == Some("SLI") {
            let mut mp = String::new();
            if let Some(name) = child(at, "metadata", &mut mp)
                .map(|m| m.str("name"))
                .transpose()?
            {
                slis.insert(name, d);
            }
        }
    }
    let mut out = Imported::default();
    for (i, d) in docs.iter().enumerate() {
        let at = At::root(d);
        let kind = at.opt_str("kind")?;
        let version = at.opt_str("apiVersion")?;
        if version.as_deref() != Some(API_VERSION) {
            return Err(format!(
                "document {}: apiVersion {:?} is not {API_VERSION}",
                i + 1,
                version.unwrap_or_default()
            ));
        }
        match kind.as_deref() {
            Some("SLO") => out.specs.push(
                read_slo(at, &slis, &mut out.notes)
                    .map_err(|e| format!("document {}: {e}", i + 1))?,
            ),
            Some("SLI") => {}
            other => out.notes.push(format!(
                "document {}: kind {:?} is not imported",
                i + 1,
                other.unwrap_or("?")
            )),
        }
    }
    if out.specs.is_empty() {
        return Err("no kind: SLO document found".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::spec::tests::{assert_same, good_ratio_sli, ratio_spec};
    use crate::slo::spec::{PresetName, SeveritySpec, TierSpec};
    use crate::slo::yaml::parse_documents;

    fn round_trip(spec: SloSpec) {
        let def = spec.validate().unwrap();
        let text = export(std::slice::from_ref(&def));
        let back =
            import(&parse_documents(&text).unwrap()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.specs.len(), 1, "{text}");
        let again = back.specs[0]
            .validate()
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_same(&def, &again);
    }

    #[test]
    fn ratio_latency_calendar_and_timeslice_slos_round_trip() {
        round_trip(ratio_spec());
        let mut s = ratio_spec();
        s.sli = good_ratio_sli();
        s.window = WindowSpec::Calendar {
            period: "1M".into(),
            time_zone: "Europe/Berlin".into(),
        };
        s.budgeting = BudgetingSpec::Timeslices {
            slice: "5m".into(),
            slice_target: "0.95".into(),
        };
        s.alerting = AlertingSpec::Preset {
            preset: PresetName::Pyrra,
        };
        round_trip(s.clone());
        s.sli = SliSpec::Latency {
            buckets: r#"http_request_duration_seconds_bucket{service="frontend"}"#.into(),
            threshold: "0.25".into(),
        };
        s.budgeting = BudgetingSpec::RatioTimeslices { slice: "1h".into() };
        s.alerting = AlertingSpec::Custom {
            tiers: vec![TierSpec {
                name: "fast".into(),
                severity: SeveritySpec::Page,
                factor: "10".into(),
                long: "1h".into(),
                short: "5m".into(),
                for_: "2m".into(),
            }],
        };
        round_trip(s);
    }

    #[test]
    fn exported_documents_are_an_sli_and_an_slo() {
        let text = export(&[ratio_spec().validate().unwrap()]);
        let docs = parse_documents(&text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["kind"], Value::from("SLI"));
        assert_eq!(
            docs[1]["spec"]["indicatorRef"],
            Value::from("payments-availability-sli")
        );
        assert_eq!(
            docs[1]["spec"]["objectives"][0]["target"],
            Value::from(0.9995)
        );
        assert!(
            docs[0]["spec"]["ratioMetric"]["bad"]["metricSource"]["spec"]["query"]
                .as_str()
                .unwrap()
                .contains("5.."),
            "{text}"
        );
    }

    /// An SLO written by hand the way OpenSLO v1 examples write it: an inline indicator, a
    /// rolling window, a target fraction.
    #[test]
    fn a_hand_written_inline_indicator_imports() {
        let text = r#"
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  description: 99 % of checkout requests succeed over a rolling 28-day window.
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: checkout-success-ratio
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: 'sum(rate(http_requests_total{service="checkout",code!~"5.."}[5m]))'
        total:
          metricSource:
            type: Prometheus
            spec:
              query: 'http_requests_total{service="checkout"}'
  objectives:
    - displayName: 99% availability
      target: 0.99
"#;
        let out = import(&parse_documents(text).unwrap()).unwrap();
        let d = out.specs[0].validate().unwrap();
        assert_eq!(d.objective.budget().to_decimal_string(9), "0.01");
        assert_eq!(
            d.window,
            crate::slo::SloWindow::Rolling {
                duration_ms: 28 * 86_400_000
            }
        );
        assert!(
            matches!(&d.sli, SliDef::Ratio { counted: crate::slo::Counted::Good, events, .. } if events.contains("code!~\"5..\""))
        );
        assert_eq!(d.spec.alerting, AlertingSpec::default());
        assert!(out.notes.is_empty(), "{:?}", out.notes);
    }

    #[test]
    fn target_percent_and_a_separate_sli_document_import() {
        let text = r#"
apiVersion: openslo/v1
kind: SLI
metadata: {name: lat}
spec:
  ratioMetric:
    counter: true
    good: {metricSource: {type: Prometheus, spec: {query: 'h_bucket{le="0.5",job="api"}'}}}
    total: {metricSource: {type: Prometheus, spec: {query: 'h_count{job="api"}'}}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: api-latency}
spec:
  indicatorRef: lat
  timeWindow: [{duration: 1w, isRolling: false, calendar: {startTime: "2022-01-01 00:00:00", timeZone: UTC}}]
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.5}, {targetPercent: 99}]
"#;
        let out = import(&parse_documents(text).unwrap()).unwrap();
        let d = out.specs[0].validate().unwrap();
        assert!(
            matches!(&d.sli, SliDef::Latency { threshold_le, .. } if *threshold_le == 0.5),
            "{:?}",
            d.sli
        );
        assert_eq!(d.objective.budget().to_decimal_string(9), "0.005");
        assert_eq!(out.notes.len(), 2, "{:?}", out.notes);
    }

    #[test]
    fn unsupported_documents_are_refused_with_the_reason() {
        let base = |indicator: &str| {
            format!(
                "apiVersion: openslo/v1\nkind: SLO\nmetadata: {{name: a}}\nspec:\n  timeWindow: [{{duration: 7d, isRolling: true}}]\n  budgetingMethod: Occurrences\n  objectives: [{{target: 0.9}}]\n{indicator}"
            )
        };
        let err = |t: String| import(&parse_documents(&t).unwrap()).unwrap_err();
        assert!(err(base(
            "  indicator: {spec: {thresholdMetric: {metricSource: {spec: {query: x}}}}}"
        ))
        .contains("thresholdMetric is not supported"));
        assert!(err(base("  indicatorRef: nope")).contains("no SLI document named \"nope\""));
        assert!(err(base(
            "  indicator: {spec: {ratioMetric: {counter: false, good: {}, total: {}}}}"
        ))
        .contains("counter: false"));
        assert!(err(base("  indicator: {spec: {ratioMetric: {counter: true, good: {metricSource: {type: Datadog, spec: {query: x}}}, total: {metricSource: {type: Datadog, spec: {query: y}}}}}}"))
            .contains("Datadog"));
        assert!(err(base("  indicator: {spec: {ratioMetric: {counter: true, total: {metricSource: {spec: {query: 'sum by (a) (x)'}}}}}}"))
            .contains("cannot import the query"));
        assert!(
            err("apiVersion: openslo/v1alpha\nkind: SLO\n".into()).contains("is not openslo/v1")
        );
        assert!(
            err("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: s}\n".into())
                .contains("no kind: SLO")
        );
    }

    proptest::proptest! {
        /// Any exact objective (up to 6 decimals of a percent) and rolling window survives
        /// OpenSLO export and import unchanged, as does the Sloth spec's objective.
        #[test]
        fn objectives_and_windows_survive_export_and_import(num in 1u64..999_999_999, days in 1u32..400, good in proptest::bool::ANY) {
            let mut s = ratio_spec();
            s.objective = format!("{}%", crate::slo::Ratio::new(num, 10_000_000).unwrap().to_decimal_string(18));
            s.window = WindowSpec::Rolling { duration: format!("{days}d") };
            if good {
                s.sli = good_ratio_sli();
            }
            round_trip(s.clone());
            let def = s.validate().unwrap();
            let sloth_text = crate::slo::sloth::export(std::slice::from_ref(&def));
            let docs = parse_documents(&sloth_text).unwrap();
            let back = crate::slo::sloth::import(&docs[0], &mut Vec::new()).unwrap();
            proptest::prop_assert_eq!(back[0].validate().unwrap().objective, def.objective);
        }
    }
}
