//! Sloth `prometheus/v1` spec import and export (`version: prometheus/v1`, a `service` with a list
//! of `slos`, each with `objective`, `sli.events.{error_query,total_query}` and `alerting`).
//!
//! Export: one document per service. `error_query` counts bad events as Sloth expects:
//! `sum(rate(<bad>[{{.window}}]))`, or `(sum(rate(<total>[{{.window}}])) - sum(rate(<good>[{{.window}}])))`
//! when the SLI counts good events (a latency SLI: total = the `+Inf` bucket, good = the `le`
//! bucket). Sloth has no per-SLO window, budgeting method or tiers: it takes the period from its
//! own configuration (30 d by default) and always uses the Google tiers with a page and a ticket
//! alert, so a comment above the document says what this SLO uses instead.
//!
//! Import: events SLIs whose queries are counter selectors (optionally in `rate`/`increase`
//! inside `sum`), or a difference `total − good`; `sli.raw` and `sli.plugin` are refused.
//! The window becomes rolling 30 d (Sloth's default) and the alerting the Google SRE preset; a
//! disabled `page_alert` or `ticket_alert` keeps only the other severity's tiers (as custom
//! tiers). The id is `<service>-<name>`.

use serde_norway::Value;

use super::alerts::{google_sre_workbook, Severity};
use super::selector::{counter_selector_of_query, difference_of_counters, sum_rate, SLOTH_WINDOW};
use super::spec::{
    slugify, AlertingSpec, BudgetingSpec, CountedSpec, SeveritySpec, SliDef, SliSpec,
    SloDefinition, SloSpec, TierSpec, WindowSpec,
};
use super::yaml::{emit_stream, number, seq, At, Map};
use super::Counted;
use crate::time::format_prom_duration;

/// The spec version written and read.
pub const VERSION: &str = "prometheus/v1";

/// Sloth's default SLO period.
const SLOTH_PERIOD: &str = "30d";

fn error_query(sli: &SliDef, (events, total): (&str, &str)) -> String {
    match sli.counted() {
        Counted::Bad => sum_rate(events, SLOTH_WINDOW),
        Counted::Good => format!(
            "({} - {})",
            sum_rate(total, SLOTH_WINDOW),
            sum_rate(events, SLOTH_WINDOW)
        ),
    }
}

/// `CheckoutSuccess` from `checkout-success`: Sloth's alert name.
fn camel(id: &str) -> String {
    id.split('-')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn differences(d: &SloDefinition) -> Vec<String> {
    let mut out = Vec::new();
    match &d.spec.window {
        WindowSpec::Rolling { duration } if duration.trim() == SLOTH_PERIOD => {}
        w => out.push(format!(
            "this SLO's window is {}; Sloth takes the SLO period from its own configuration (30d by default), so set it to match",
            w.describe()
        )),
    }
    if !matches!(d.spec.budgeting, BudgetingSpec::Occurrences) {
        out.push(format!(
            "budgeting method {} has no Sloth equivalent; Sloth's SLI is a mean of 5-minute ratios",
            d.method.name()
        ));
    }
    if d.spec.alerting != AlertingSpec::default() {
        out.push(format!("alert tiers {} are not expressible per SLO in Sloth, which uses its window file (Google 30d by default)", d.alerts.name));
    }
    out
}

/// An SLO with its Prometheus selectors (events, total).
type Exportable<'a> = (&'a SloDefinition, (&'a str, &'a str));

/// Sloth `prometheus/v1` YAML for `defs`, one document per service (SLOs without a service are
/// grouped under `service: sightline`).
pub fn export(defs: &[SloDefinition]) -> String {
    let mut services: Vec<(String, Vec<Exportable<'_>>)> = Vec::new();
    let mut skipped = Vec::new();
    for d in defs {
        let selectors = match d.export_selectors() {
            Ok(s) => s,
            Err(note) => {
                skipped.push(note);
                continue;
            }
        };
        let svc = if d.spec.service.trim().is_empty() {
            "sightline".to_string()
        } else {
            d.spec.service.trim().to_string()
        };
        match services.iter_mut().find(|(s, _)| *s == svc) {
            Some((_, list)) => list.push((d, selectors)),
            None => services.push((svc, vec![(d, selectors)])),
        }
    }
    let docs: Vec<(Vec<String>, Value)> = services
        .into_iter()
        .map(|(svc, list)| {
            let mut comments = vec![format!(
                "Service {svc} — exported by Sightline as a Sloth prometheus/v1 spec"
            )];
            let slos = list
                .iter()
                .map(|&(d, selectors)| {
                    comments.extend(
                        differences(d)
                            .into_iter()
                            .map(|t| format!("{}: {t}", d.spec.id)),
                    );
                    let alerting = Map::new()
                        .with("name", format!("{}SLOBurn", camel(&d.spec.id)))
                        .with(
                            "page_alert",
                            Map::new().with("labels", Map::new().with("severity", "critical")),
                        )
                        .with(
                            "ticket_alert",
                            Map::new().with("labels", Map::new().with("severity", "warning")),
                        );
                    Map::new()
                        .with("name", d.spec.id.as_str())
                        .with("objective", number(&d.objective.percent_text()))
                        .with_nonempty("description", &d.spec.description)
                        .with(
                            "sli",
                            Map::new().with(
                                "events",
                                Map::new().with("error_query", error_query(&d.sli, selectors)).with(
                                    "total_query",
                                    sum_rate(selectors.1, SLOTH_WINDOW),
                                ),
                            ),
                        )
                        .with("alerting", alerting)
                        .into()
                })
                .collect();
            (
                comments,
                Map::new()
                    .with("version", VERSION)
                    .with("service", svc.as_str())
                    .with("slos", seq(slos))
                    .into(),
            )
        })
        .collect();
    super::yaml::with_leading_comments(skipped, emit_stream(&docs))
}

/// Reads one `prometheus/v1` document (already parsed) into specs; notes say what was assumed.
pub fn import(doc: &Value, notes: &mut Vec<String>) -> Result<Vec<SloSpec>, String> {
    let root = At::root(doc);
    let version = root.opt_str("version")?;
    if version.as_deref() != Some(VERSION) {
        return Err(format!(
            "version {:?} is not {VERSION}",
            version.unwrap_or_default()
        ));
    }
    let service = root.str("service")?;
    let slos = match root.get("slos") {
        Some(Value::Sequence(items)) if !items.is_empty() => items,
        _ => return Err("slos: at least one SLO is required".to_string()),
    };
    notes.push(format!(
        "service {service}: Sloth specs carry no window: rolling {SLOTH_PERIOD} (Sloth's default) and the Google SRE workbook tiers are used"
    ));
    slos.iter()
        .enumerate()
        .map(|(i, v)| {
            let path = format!("slos[{i}]");
            read_slo(
                At {
                    value: v,
                    path: &path,
                },
                &service,
                notes,
            )
            .map_err(|e| format!("{path}: {e}"))
        })
        .collect()
}

fn read_slo(at: At<'_>, service: &str, notes: &mut Vec<String>) -> Result<SloSpec, String> {
    let name = at.str("name")?;
    // Sloth's objective is always a percentage (99.9), even below 1 (0.5 means 0.5 %).
    let objective = at
        .opt_number_text("objective")?
        .map(|t| format!("{t}%"))
        .ok_or_else(|| at.path_of("objective") + " is missing")?;
    let sli_path = at.path_of("sli");
    let sli = At {
        value: at
            .get("sli")
            .ok_or_else(|| format!("{sli_path} is missing"))?,
        path: &sli_path,
    };
    if sli.get("raw").is_some() || sli.get("plugin").is_some() {
        return Err(format!("{sli_path}: raw and plugin SLIs are not supported; give events with error_query and total_query"));
    }
    let ev_path = sli.path_of("events");
    let events = At {
        value: sli
            .get("events")
            .ok_or_else(|| format!("{ev_path} is missing"))?,
        path: &ev_path,
    };
    let error_q = events.str("error_query")?;
    let total_q = events.str("total_query")?;
    let total = counter_selector_of_query(&total_q)
        .map_err(|e| format!("{}: {e}", events.path_of("total_query")))?;
    let sli_spec = match difference_of_counters(&error_q)
        .map_err(|e| format!("{}: {e}", events.path_of("error_query")))?
    {
        Some((minuend, good)) => {
            let same_total = minuend.to_string() == total.to_string();
            if !same_total {
                return Err(format!(
                    "{}: an error query A − B is read as total − good, so A must be the total query's selector ({total}), not {minuend}",
                    events.path_of("error_query")
                ));
            }
            SliSpec::from_selectors(CountedSpec::Good, &good, &total)
        }
        None => {
            let bad = counter_selector_of_query(&error_q)
                .map_err(|e| format!("{}: {e}", events.path_of("error_query")))?;
            SliSpec::Ratio {
                counted: CountedSpec::Bad,
                events: bad.to_string(),
                total: total.to_string(),
            }
        }
    };
    let alerting = read_alerting(at, &name, notes)?;
    Ok(SloSpec {
        id: slugify(&format!("{service}-{name}")),
        name: name.clone(),
        service: service.to_string(),
        description: at.opt_str("description")?.unwrap_or_default(),
        sli: sli_spec,
        objective,
        window: WindowSpec::Rolling {
            duration: SLOTH_PERIOD.to_string(),
        },
        budgeting: BudgetingSpec::Occurrences,
        alerting,
    })
}

fn read_alerting(at: At<'_>, name: &str, notes: &mut Vec<String>) -> Result<AlertingSpec, String> {
    let Some(a) = at.get("alerting") else {
        return Ok(AlertingSpec::default());
    };
    let path = at.path_of("alerting");
    let a = At {
        value: a,
        path: &path,
    };
    let disabled = |key: &str| -> Result<bool, String> {
        let p = a.path_of(key);
        match a.get(key) {
            Some(v) => Ok(At { value: v, path: &p }
                .opt_bool("disable")?
                .unwrap_or(false)),
            None => Ok(false),
        }
    };
    let (page_off, ticket_off) = (disabled("page_alert")?, disabled("ticket_alert")?);
    if !page_off && !ticket_off {
        return Ok(AlertingSpec::default());
    }
    notes.push(format!(
        "{name}: disabled {} alerts are left out of the tiers",
        if page_off && ticket_off {
            "page and ticket"
        } else if page_off {
            "page"
        } else {
            "ticket"
        }
    ));
    let tiers = google_sre_workbook()
        .tiers
        .into_iter()
        .filter(|t| {
            !(t.severity == Severity::Page && page_off
                || t.severity == Severity::Ticket && ticket_off)
        })
        .map(|t| TierSpec {
            name: t.name.clone(),
            severity: if t.severity == Severity::Page {
                SeveritySpec::Page
            } else {
                SeveritySpec::Ticket
            },
            factor: t.factor.to_decimal_string(18),
            long: format_prom_duration(t.long_ms.max(0) as u64),
            short: format_prom_duration(t.short_ms.max(0) as u64),
            for_: String::new(),
        })
        .collect();
    Ok(AlertingSpec::Custom { tiers })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::spec::tests::{assert_same, good_ratio_sli, ratio_spec};
    use crate::slo::yaml::parse_documents;

    fn round_trip(spec: SloSpec) {
        let def = spec.validate().unwrap();
        let text = export(std::slice::from_ref(&def));
        let docs = parse_documents(&text).unwrap();
        let mut notes = Vec::new();
        let back = import(&docs[0], &mut notes).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut again = back[0]
            .validate()
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        // Sloth ids are <service>-<name>: the exported name is the id.
        again.spec.id = def.spec.id.clone();
        again.spec.name = def.spec.name.clone();
        assert_same(&def, &again);
    }

    #[test]
    fn ratio_and_latency_slos_round_trip() {
        round_trip(ratio_spec());
        let mut s = ratio_spec();
        s.sli = good_ratio_sli();
        round_trip(s.clone());
        s.sli = SliSpec::Latency {
            buckets: r#"h_bucket{job="api"}"#.into(),
            threshold: "0.4".into(),
        };
        round_trip(s);
    }

    #[test]
    fn objectives_stay_exact_and_differences_are_commented() {
        let mut s = ratio_spec();
        s.window = WindowSpec::Rolling {
            duration: "7d".into(),
        };
        let text = export(&[s.validate().unwrap()]);
        assert!(text.contains("objective: 99.95\n"), "{text}");
        assert!(
            text.contains("# payments-availability: this SLO's window is rolling 7d"),
            "{text}"
        );
        assert!(
            text.contains("error_query: sum(rate(http_requests_total{"),
            "{text}"
        );
        assert!(!text.contains("0.0009999"), "{text}");
    }

    /// The example of Sloth's `prometheus/v1` package documentation (Kubernetes API server):
    /// availability from an error query, latency as `_count − _bucket{le}`, a disabled ticket alert.
    #[test]
    fn the_sloth_documentation_example_imports() {
        let text = r#"
version: "prometheus/v1"
service: "k8s-apiserver"
labels:
  cluster: "valhalla"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(apiserver_request_total{code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(apiserver_request_total[{{.window}}]))
    alerting:
      name: K8sApiserverAvailabilityAlert
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
  - name: "requests-latency"
    objective: 99
    sli:
      events:
        error_query: |
          (
            sum(rate(apiserver_request_duration_seconds_count{verb!="WATCH"}[{{.window}}]))
            -
            sum(rate(apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"}[{{.window}}]))
          )
        total_query: sum(rate(apiserver_request_duration_seconds_count{verb!="WATCH"}[{{.window}}]))
    alerting:
      name: K8sApiserverLatencyAlert
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        disable: true
"#;
        let docs = parse_documents(text).unwrap();
        let mut notes = Vec::new();
        let specs = import(&docs[0], &mut notes).unwrap();
        assert_eq!(specs.len(), 2);
        let a = specs[0].validate().unwrap();
        assert_eq!(a.spec.id, "k8s-apiserver-requests-availability");
        assert_eq!(a.objective.budget().to_decimal_string(18), "0.001");
        assert!(
            matches!(&a.sli, SliDef::Ratio { counted: Counted::Bad, events, .. } if events.contains("(5..|429)"))
        );
        let l = specs[1].validate().unwrap();
        assert!(
            matches!(&l.sli, SliDef::Latency { threshold_le, .. } if *threshold_le == 0.4),
            "{:?}",
            l.sli
        );
        assert_eq!(l.alerts.tiers.len(), 2);
        assert!(l.alerts.tiers.iter().all(|t| t.severity == Severity::Page));
        assert!(
            notes
                .iter()
                .any(|n| n.contains("ticket alerts are left out")),
            "{notes:?}"
        );
    }

    #[test]
    fn unsupported_sloth_specs_are_refused() {
        let base = |sli: &str| {
            format!("version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: 99\n    sli:\n{sli}")
        };
        let err = |t: String| {
            let docs = parse_documents(&t).unwrap();
            import(&docs[0], &mut Vec::new()).unwrap_err()
        };
        assert!(err(base("      raw:\n        error_ratio_query: x")).contains("raw and plugin"));
        assert!(err(base(
            "      events:\n        error_query: sum(rate(b[{{.window}}]))"
        ))
        .contains("total_query is missing"));
        assert!(err(base("      events:\n        error_query: (sum(rate(t2[{{.window}}])) - sum(rate(g[{{.window}}])))\n        total_query: sum(rate(t[{{.window}}]))"))
            .contains("A must be the total query's selector"));
        assert!(err("version: prometheus/v2\nservice: s\n".into()).contains("is not prometheus/v1"));
    }
}
