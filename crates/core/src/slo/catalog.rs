//! The built-in example SLOs of the demo source, as data: what each one measures (selectors of
//! the good/bad and total counters, or of the latency buckets), its objective and its window, as
//! the texts a user would type. Parsing them is the caller's job ([`CatalogSlo::objective`],
//! [`CatalogSlo::window`]); a test checks that every entry parses.
//!
//! The issue's seed SLOs are mapped onto the demo shop (services `frontend`, `checkout`,
//! `payments`, `catalog`, `cart`; see [`crate::demo::data`]):
//!
//! | issue seed | demo SLO |
//! |---|---|
//! | user-service availability 99.9 % over 30 d | `catalog` availability 99.9 % over 30 d (the demo has no user service; catalog is the read path every visitor hits) |
//! | latency 95 % under 200 ms | `frontend` latency 95 % ≤ 250 ms over 28 d (200 ms is not a bucket edge of the demo's histogram — 0.1 and 0.25 are —, so the nearest edge above keeps the SLI exact instead of interpolated) |
//! | payment availability 99.95 % | `payments` availability 99.95 % over 30 d (bad = 5xx; 402 "payment declined" is a valid answer, not an error) |
//! | checkout success 99.5 % over 7 d | `checkout` `/checkout` success 99.5 % over 7 d (bad = 5xx) |
//! | page load 95 % under 2 s over 24 h | `frontend` requests 95 % ≤ 2.5 s over 24 h (the demo has server-side request latency only, no browser page-load timing; 2.5 s is the bucket edge nearest 2 s) |
//!
//! One more shows an SLI from traces (issue 6 asks for span duration/status SLIs): `payments`
//! `POST /charge` spans that are not errors, 99 % over 1 d, counted over the demo traces a search
//! returns. And one an SLI from logs: `payments` log lines not at level `error`, 99 % over 1 d,
//! counted per minute by the demo's Loki API.
//!
//! Every entry is an Occurrences (ratio of sums) SLO with a rolling window.
//! [`demo_catalog`] returns them in a fixed order.

use super::events::Counted;
use super::objective::Objective;
use super::window::SloWindow;
use super::selector::{parse_selector, without};
use super::spec::{AlertingSpec, BudgetingSpec, CountedSpec, SliSpec, SloSpec, TraceGoodSpec, WindowSpec};
use super::SloError;

/// What an SLI counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SliKind {
    /// A ratio of `events` (good or bad per `counted`) to `total`, both counter selectors.
    Ratio { counted: Counted, events: &'static str, total: &'static str },
    /// A latency SLI from cumulative histogram buckets: `good` selects the bucket whose `le` is
    /// `threshold_le` (seconds), `total` the `+Inf` bucket of the same series.
    Latency { threshold_le: f64, good: &'static str, total: &'static str },
    /// Spans of `service` / `operation` in the demo traces: good when not an error.
    TracesNotError { service: &'static str, operation: &'static str },
    /// Lines of the LogQL log query `selector` in the demo logs: bad when they pass `bad` too.
    LogsBad { selector: &'static str, bad: &'static str },
}

impl SliKind {
    /// `ratio` or `latency`.
    pub fn label(&self) -> &'static str {
        match self {
            SliKind::Ratio { .. } => "ratio",
            SliKind::Latency { .. } => "latency",
            SliKind::TracesNotError { .. } => "traces",
            SliKind::LogsBad { .. } => "logs",
        }
    }

    /// The two selectors: (good-or-bad events, total events); `None` for an SLI from traces or
    /// logs.
    pub fn selectors(&self) -> Option<(&'static str, &'static str)> {
        match *self {
            SliKind::Ratio { events, total, .. } => Some((events, total)),
            SliKind::Latency { good, total, .. } => Some((good, total)),
            SliKind::TracesNotError { .. } | SliKind::LogsBad { .. } => None,
        }
    }

    /// Whether the first selector counts good or bad events.
    pub fn counted(&self) -> Counted {
        match *self {
            SliKind::Ratio { counted, .. } => counted,
            SliKind::Latency { .. } | SliKind::TracesNotError { .. } => Counted::Good,
            SliKind::LogsBad { .. } => Counted::Bad,
        }
    }
}

/// One example SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogSlo {
    /// Stable identifier (`payments-availability`).
    pub id: &'static str,
    pub name: &'static str,
    /// What it measures, in one sentence.
    pub description: &'static str,
    /// The issue's seed SLO this one stands for, and how it was mapped.
    pub seed: &'static str,
    pub sli: SliKind,
    /// As typed: `99.95%`.
    pub objective: &'static str,
    /// A rolling window as a Prometheus duration: `30d`.
    pub window: &'static str,
}

impl CatalogSlo {
    /// The parsed objective.
    pub fn objective(&self) -> Result<Objective, SloError> {
        Objective::parse(self.objective)
    }

    /// The parsed (rolling) window.
    pub fn window(&self) -> Result<SloWindow, SloError> {
        SloWindow::parse_rolling(self.window)
    }
}

impl CatalogSlo {
    /// The example as a user SLO definition (Occurrences, rolling window, Google SRE tiers), so
    /// the demo's examples and user SLOs are computed and shown by the same code.
    pub fn to_spec(&self) -> SloSpec {
        let sli = match self.sli {
            SliKind::Ratio {
                counted,
                events,
                total,
            } => SliSpec::Ratio {
                counted: if counted == Counted::Good {
                    CountedSpec::Good
                } else {
                    CountedSpec::Bad
                },
                events: events.to_string(),
                total: total.to_string(),
            },
            SliKind::Latency {
                threshold_le, good, ..
            } => SliSpec::Latency {
                buckets: parse_selector(good)
                    .map(|vs| without(&vs, "le").0.to_string())
                    .unwrap_or_else(|_| good.to_string()),
                threshold: threshold_le.to_string(),
            },
            SliKind::TracesNotError { service, operation } => SliSpec::Traces {
                service: service.to_string(),
                operation: operation.to_string(),
                good: TraceGoodSpec::NotError,
                threshold: String::new(),
                source: String::new(),
            },
            SliKind::LogsBad { selector, bad } => SliSpec::Logs {
                selector: selector.to_string(),
                bad: bad.to_string(),
                source: String::new(),
            },
        };
        SloSpec {
            id: self.id.to_string(),
            name: self.name.to_string(),
            service: String::new(),
            description: self.description.to_string(),
            sli,
            objective: self.objective.to_string(),
            window: WindowSpec::Rolling {
                duration: self.window.to_string(),
            },
            budgeting: BudgetingSpec::Occurrences,
            alerting: AlertingSpec::default(),
        }
    }
}

/// The demo source's example SLOs, in display order.
pub fn demo_catalog() -> Vec<CatalogSlo> {
    vec![
        CatalogSlo {
            id: "payments-availability",
            name: "Payments availability",
            description: "Share of payments requests (charge and refund) answered without a 5xx server error.",
            seed: "payment availability 99.95 %",
            sli: SliKind::Ratio {
                counted: Counted::Bad,
                events: r#"http_requests_total{service="payments",status=~"5.."}"#,
                total: r#"http_requests_total{service="payments"}"#,
            },
            objective: "99.95%",
            window: "30d",
        },
        CatalogSlo {
            id: "checkout-success",
            name: "Checkout success",
            description: "Share of POST /checkout requests answered without a 5xx server error.",
            seed: "checkout success 99.5 % over 7 d",
            sli: SliKind::Ratio {
                counted: Counted::Bad,
                events: r#"http_requests_total{service="checkout",route="/checkout",status=~"5.."}"#,
                total: r#"http_requests_total{service="checkout",route="/checkout"}"#,
            },
            objective: "99.5%",
            window: "7d",
        },
        CatalogSlo {
            id: "catalog-availability",
            name: "Catalog availability",
            description: "Share of catalog requests answered without a 5xx server error.",
            seed: "user-service availability 99.9 % over 30 d (the demo has no user service; catalog stands in)",
            sli: SliKind::Ratio {
                counted: Counted::Bad,
                events: r#"http_requests_total{service="catalog",status=~"5.."}"#,
                total: r#"http_requests_total{service="catalog"}"#,
            },
            objective: "99.9%",
            window: "30d",
        },
        CatalogSlo {
            id: "frontend-latency",
            name: "Frontend latency",
            description: "Share of frontend requests served within 250 ms (histogram bucket le=\"0.25\").",
            seed: "latency 95 % under 200 ms (200 ms is not a bucket edge; 250 ms is the nearest edge above)",
            sli: SliKind::Latency {
                threshold_le: 0.25,
                good: r#"http_request_duration_seconds_bucket{service="frontend",le="0.25"}"#,
                total: r#"http_request_duration_seconds_bucket{service="frontend",le="+Inf"}"#,
            },
            objective: "95%",
            window: "28d",
        },
        CatalogSlo {
            id: "frontend-page-load",
            name: "Frontend page load",
            description: "Share of frontend requests served within 2.5 s (server-side time; the demo has no browser timings).",
            seed: "page load 95 % under 2 s over 24 h (2.5 s is the bucket edge nearest 2 s)",
            sli: SliKind::Latency {
                threshold_le: 2.5,
                good: r#"http_request_duration_seconds_bucket{service="frontend",le="2.5"}"#,
                total: r#"http_request_duration_seconds_bucket{service="frontend",le="+Inf"}"#,
            },
            objective: "95%",
            window: "24h",
        },
        CatalogSlo {
            id: "payments-charge-traces",
            name: "Payments charges (from traces)",
            description: "Share of payments POST /charge spans not marked as errors, in the demo traces a search returns.",
            seed: "SLIs from traces (span status)",
            sli: SliKind::TracesNotError { service: "payments", operation: "POST /charge" },
            objective: "99%",
            window: "1d",
        },
        CatalogSlo {
            id: "payments-logs",
            name: "Payments log errors (from logs)",
            description: "Share of payments log lines not at level error, counted per minute by the demo's Loki API.",
            seed: "SLIs from logs (level)",
            sli: SliKind::LogsBad { selector: r#"{service_name="payments"}"#, bad: r#"| level="error""# },
            objective: "99%",
            window: "1d",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::data::LE_BOUNDS;

    #[test]
    fn every_catalog_objective_and_window_parses() {
        for slo in demo_catalog() {
            let o = slo.objective();
            assert!(o.is_ok(), "{}: objective {:?}: {o:?}", slo.id, slo.objective);
            let w = slo.window();
            assert!(matches!(w, Ok(SloWindow::Rolling { .. })), "{}: window {:?}: {w:?}", slo.id, slo.window);
        }
    }

    #[test]
    fn catalog_ids_are_unique_and_windows_are_the_seeds() {
        let cat = demo_catalog();
        let mut ids: Vec<_> = cat.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), cat.len());
        let payments = cat.iter().find(|s| s.id == "payments-availability").unwrap();
        assert_eq!(payments.objective().unwrap().budget().to_decimal_string(18), "0.0005");
        assert_eq!(payments.window().unwrap(), SloWindow::Rolling { duration_ms: 30 * 86_400_000 });
    }

    #[test]
    fn latency_thresholds_are_bucket_edges_named_in_the_selector() {
        for slo in demo_catalog() {
            if let SliKind::Latency { threshold_le, good, total } = slo.sli {
                assert!(LE_BOUNDS.contains(&threshold_le), "{}: {threshold_le} is not a demo bucket edge", slo.id);
                assert!(good.contains(&format!("le=\"{threshold_le}\"")), "{}: {good}", slo.id);
                assert!(total.contains("le=\"+Inf\""), "{}: {total}", slo.id);
            }
        }
    }

    #[test]
    fn every_example_is_a_valid_definition_with_the_same_selectors() {
        for slo in demo_catalog() {
            let d = slo
                .to_spec()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e:?}", slo.id));
            let (Some((ev, tot)), Some(sel)) = (d.sli.metric_selectors(), slo.sli.selectors()) else {
                assert!(matches!(slo.sli, SliKind::TracesNotError { .. } | SliKind::LogsBad { .. }), "{}", slo.id);
                continue;
            };
            let norm = |s: &str| parse_selector(s).unwrap().to_string();
            assert_eq!(
                (ev, tot),
                (
                    norm(sel.0).as_str(),
                    norm(sel.1).as_str()
                ),
                "{}",
                slo.id
            );
        }
    }

    #[test]
    fn selectors_name_existing_demo_series() {
        let catalog = crate::demo::series_catalog();
        for slo in demo_catalog() {
            for sel in slo.sli.selectors().into_iter().flat_map(|(e, t)| [e, t]) {
                let metric = sel.split('{').next().unwrap_or_default();
                assert!(catalog.iter().any(|l| l.get("__name__") == Some(metric)), "{}: {metric}", slo.id);
            }
        }
    }
}
