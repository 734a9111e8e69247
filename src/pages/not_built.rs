//! The page shown for a section whose feature has not landed yet: it says so plainly and shows
//! no made-up content.

use leptos::prelude::*;
use sightline_core::viewstate::Page;

/// What each unbuilt page will do, in one sentence.
pub fn plan(page: Page) -> &'static str {
    match page {
        Page::Traces => "Traces from Jaeger, Tempo, Zipkin and OTLP files: timeline, critical path, self time and bottlenecks.",
        Page::Slos => "SLOs: compliance, error budgets and multiwindow burn rates, for any Prometheus-compatible backend.",
        Page::Alerts => "Alerts: active alerts and rules from Prometheus and Alertmanager.",
        Page::Explore | Page::Logs | Page::Settings | Page::Dashboards => "",
    }
}

/// "Not built yet" for `page`.
#[component]
pub fn NotBuiltPage(
    /// The page that is not built.
    page: Page,
) -> impl IntoView {
    view! {
        <section class="page not-built" data-testid="page-not-built">
            <h1>{page.title()}</h1>
            <p>{format!("This page is not built yet. It will show: {}", plan(page))}</p>
            <p>"Metrics are available on the Explore page."</p>
        </section>
    }
}
