//! The create/edit form of a user SLO. Every field is text as typed; "Save" validates the whole
//! definition with the core ([`SloSpec::validate`]) and shows each problem under its field
//! (`data-testid="slo-err-<field>"`), or hands the spec to `on_save`.

use leptos::prelude::*;
use sightline_core::datasource::SourceKind;
use sightline_core::slo::spec::{
    slugify, tiers_from_lines, tiers_to_lines, AlertingSpec, BudgetingSpec, CountedSpec,
    FieldError, PresetName, SliSpec, SloSpec, TraceGoodSpec, WindowSpec,
};

use crate::state::use_app_state;

/// An empty definition for "New SLO".
pub fn blank_spec() -> SloSpec {
    SloSpec {
        id: String::new(),
        name: String::new(),
        service: String::new(),
        description: String::new(),
        sli: SliSpec::Ratio {
            counted: CountedSpec::Bad,
            events: String::new(),
            total: String::new(),
        },
        objective: "99.9".into(),
        window: WindowSpec::Rolling {
            duration: "30d".into(),
        },
        budgeting: BudgetingSpec::Occurrences,
        alerting: AlertingSpec::default(),
    }
}

/// The form's fields as signals.
#[derive(Clone, Copy)]
struct Fields {
    id: RwSignal<String>,
    name: RwSignal<String>,
    service: RwSignal<String>,
    description: RwSignal<String>,
    /// `bad`, `good` or `latency`.
    kind: RwSignal<String>,
    events: RwSignal<String>,
    total: RwSignal<String>,
    buckets: RwSignal<String>,
    threshold: RwSignal<String>,
    /// Service and operation of a trace SLI.
    span_service: RwSignal<String>,
    span_operation: RwSignal<String>,
    /// Valid-lines query and bad-lines pipeline of a log SLI.
    log_selector: RwSignal<String>,
    log_bad: RwSignal<String>,
    /// The trace or log source the SLI reads, by name; empty = the page's source.
    sli_source: RwSignal<String>,
    objective: RwSignal<String>,
    /// `rolling` or `calendar`.
    window_kind: RwSignal<String>,
    duration: RwSignal<String>,
    period: RwSignal<String>,
    time_zone: RwSignal<String>,
    /// `occurrences`, `timeslices` or `ratio_timeslices`.
    method: RwSignal<String>,
    slice: RwSignal<String>,
    slice_target: RwSignal<String>,
    /// A preset key or `custom`.
    alerting: RwSignal<String>,
    tiers: RwSignal<String>,
}

impl Fields {
    fn from_spec(s: &SloSpec) -> Fields {
        let (span_service, span_operation) = match &s.sli {
            SliSpec::Traces {
                service, operation, ..
            } => (service.clone(), operation.clone()),
            _ => (String::new(), String::new()),
        };
        let (log_selector, log_bad) = match &s.sli {
            SliSpec::Logs { selector, bad, .. } => (selector.clone(), bad.clone()),
            _ => (String::new(), "| level=\"error\"".to_string()),
        };
        let (kind, events, total, buckets, threshold) = match &s.sli {
            SliSpec::Ratio {
                counted,
                events,
                total,
            } => (
                if *counted == CountedSpec::Good {
                    "good"
                } else {
                    "bad"
                },
                events.clone(),
                total.clone(),
                String::new(),
                "0.25".to_string(),
            ),
            SliSpec::Latency { buckets, threshold } => (
                "latency",
                String::new(),
                String::new(),
                buckets.clone(),
                threshold.clone(),
            ),
            SliSpec::Traces {
                good, threshold, ..
            } => (
                if *good == TraceGoodSpec::Latency {
                    "traces_latency"
                } else {
                    "traces_status"
                },
                String::new(),
                String::new(),
                String::new(),
                threshold.clone(),
            ),
            SliSpec::Logs { .. } => ("logs", String::new(), String::new(), String::new(), "0.25".to_string()),
        };
        let (window_kind, duration, period, tz) = match &s.window {
            WindowSpec::Rolling { duration } => (
                "rolling",
                duration.clone(),
                "1M".to_string(),
                "UTC".to_string(),
            ),
            WindowSpec::Calendar { period, time_zone } => (
                "calendar",
                "30d".to_string(),
                period.clone(),
                time_zone.clone(),
            ),
        };
        let (method, slice, slice_target) = match &s.budgeting {
            BudgetingSpec::Occurrences => ("occurrences", "5m".to_string(), "0.95".to_string()),
            BudgetingSpec::Timeslices {
                slice,
                slice_target,
            } => ("timeslices", slice.clone(), slice_target.clone()),
            BudgetingSpec::RatioTimeslices { slice } => {
                ("ratio_timeslices", slice.clone(), "0.95".to_string())
            }
        };
        let (alerting, tiers) = match &s.alerting {
            AlertingSpec::Preset { preset } => (
                preset.key().to_string(),
                "fast; page; 14.4; 1h; 5m\nslow; ticket; 1; 3d; 6h".to_string(),
            ),
            AlertingSpec::Custom { tiers } => ("custom".to_string(), tiers_to_lines(tiers)),
        };
        Fields {
            id: RwSignal::new(s.id.clone()),
            name: RwSignal::new(s.name.clone()),
            service: RwSignal::new(s.service.clone()),
            description: RwSignal::new(s.description.clone()),
            kind: RwSignal::new(kind.to_string()),
            events: RwSignal::new(events),
            total: RwSignal::new(total),
            buckets: RwSignal::new(buckets),
            threshold: RwSignal::new(threshold),
            span_service: RwSignal::new(span_service),
            span_operation: RwSignal::new(span_operation),
            log_selector: RwSignal::new(log_selector),
            log_bad: RwSignal::new(log_bad),
            sli_source: RwSignal::new(s.sli.source_name().unwrap_or_default().to_string()),
            objective: RwSignal::new(s.objective.clone()),
            window_kind: RwSignal::new(window_kind.to_string()),
            duration: RwSignal::new(duration),
            period: RwSignal::new(period),
            time_zone: RwSignal::new(tz),
            method: RwSignal::new(method.to_string()),
            slice: RwSignal::new(slice),
            slice_target: RwSignal::new(slice_target),
            alerting: RwSignal::new(alerting),
            tiers: RwSignal::new(tiers),
        }
    }

    /// The spec as typed; a malformed tier list is an error already.
    fn to_spec(self) -> Result<SloSpec, FieldError> {
        let g = |s: RwSignal<String>| s.get_untracked().trim().to_string();
        let name = g(self.name);
        let id = if g(self.id).is_empty() {
            slugify(&name)
        } else {
            g(self.id)
        };
        let sli = match g(self.kind).as_str() {
            "latency" => SliSpec::Latency {
                buckets: g(self.buckets),
                threshold: g(self.threshold),
            },
            k @ ("traces_latency" | "traces_status") => SliSpec::Traces {
                service: g(self.span_service),
                operation: g(self.span_operation),
                good: if k == "traces_latency" {
                    TraceGoodSpec::Latency
                } else {
                    TraceGoodSpec::NotError
                },
                threshold: g(self.threshold),
                source: g(self.sli_source),
            },
            "logs" => SliSpec::Logs {
                selector: g(self.log_selector),
                bad: g(self.log_bad),
                source: g(self.sli_source),
            },
            k => SliSpec::Ratio {
                counted: if k == "good" {
                    CountedSpec::Good
                } else {
                    CountedSpec::Bad
                },
                events: g(self.events),
                total: g(self.total),
            },
        };
        let window = if g(self.window_kind) == "calendar" {
            WindowSpec::Calendar {
                period: g(self.period),
                time_zone: g(self.time_zone),
            }
        } else {
            WindowSpec::Rolling {
                duration: g(self.duration),
            }
        };
        let budgeting = match g(self.method).as_str() {
            "timeslices" => BudgetingSpec::Timeslices {
                slice: g(self.slice),
                slice_target: g(self.slice_target),
            },
            "ratio_timeslices" => BudgetingSpec::RatioTimeslices {
                slice: g(self.slice),
            },
            _ => BudgetingSpec::Occurrences,
        };
        let alerting = match PresetName::from_key(&g(self.alerting)) {
            Some(preset) => AlertingSpec::Preset { preset },
            None => AlertingSpec::Custom {
                tiers: tiers_from_lines(&self.tiers.get_untracked())?,
            },
        };
        Ok(SloSpec {
            id,
            name,
            service: g(self.service),
            description: g(self.description),
            sli,
            objective: g(self.objective),
            window,
            budgeting,
            alerting,
        })
    }
}

/// The create/edit form.
#[component]
pub fn SloForm(
    /// The definition to edit (a blank one to create).
    initial: SloSpec,
    /// True when editing an existing SLO (its id is kept).
    editing: bool,
    /// Receives the validated spec.
    on_save: Callback<SloSpec>,
    /// Closes the form.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let state = use_app_state();
    let f = Fields::from_spec(&initial);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let err = move |field: &'static str| {
        move || {
            let msgs: Vec<String> = errors.with(|e| {
                e.iter()
                    .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                    .map(|e| e.message.clone())
                    .collect()
            });
            (!msgs.is_empty()).then(|| {
                view! { <p class="field-error" role="alert" data-testid=format!("slo-err-{field}")>{msgs.join("; ")}</p> }
            })
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match f.to_spec() {
            Err(e) => errors.set(vec![e]),
            Ok(spec) => match super::slo_zone::check_spec(&spec) {
                Ok(_) => {
                    errors.set(Vec::new());
                    on_save.run(spec);
                }
                Err(list) => errors.set(list),
            },
        }
    };
    let text = move |label: &'static str,
                     testid: &'static str,
                     sig: RwSignal<String>,
                     placeholder: &'static str,
                     title: &'static str| {
        view! {
            <label title=title>{label}" "
                <input data-testid=testid placeholder=placeholder prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/>
            </label>
        }
    };
    let select = move |label: &'static str,
                       testid: &'static str,
                       sig: RwSignal<String>,
                       options: Vec<(&'static str, &'static str)>| {
        view! {
            <label>{label}" "
                <select data-testid=testid on:change=move |ev| sig.set(event_target_value(&ev))>
                    {options.into_iter().map(|(v, l)| view! { <option value=v selected=move || sig.get() == v>{l}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let presets: Vec<(&'static str, &'static str)> = PresetName::ALL
        .iter()
        .map(|p| (p.key(), p.label()))
        .chain([("custom", "custom tiers (one per line below)")])
        .collect();
    view! {
        <form class="slo-form" data-testid="slo-form" on:submit=submit>
            <h2>{if editing { "Edit SLO" } else { "New SLO" }}</h2>
            <fieldset>
                <legend>"Identity"</legend>
                {text("Name", "slo-f-name", f.name, "Checkout availability", "Display name")}
                {err("name")}
                <label title="Stable identifier (lowercase letters, digits and -); made from the name when empty">"Id "
                    <input data-testid="slo-f-id" placeholder="made from the name" prop:value=move || f.id.get() prop:readonly=editing on:input=move |ev| f.id.set(event_target_value(&ev))/>
                </label>
                {err("id")}
                {text("Service", "slo-f-service", f.service, "checkout", "The service the SLO belongs to (optional)")}
                {text("Description", "slo-f-description", f.description, "What it measures", "One sentence (optional)")}
            </fieldset>
            <fieldset>
                <legend>"Indicator (SLI)"</legend>
                {select("Kind", "slo-f-kind", f.kind, vec![
                    ("bad", "ratio: bad events / valid events"),
                    ("good", "ratio: good events / valid events"),
                    ("latency", "latency: requests ≤ threshold, from histogram buckets"),
                    ("traces_latency", "traces: spans ≤ threshold / spans (trace source)"),
                    ("traces_status", "traces: spans not in error / spans (trace source)"),
                    ("logs", "logs: bad lines / lines (log source)"),
                ])}
                <Show when=move || f.kind.get().starts_with("traces") || f.kind.get() == "logs">
                    <label title="The data source the SLI reads: the page's source (the demo serves traces and logs), or a configured trace or log source">"SLI source "
                        <select data-testid="slo-f-sli-source" on:change=move |ev| f.sli_source.set(event_target_value(&ev))>
                            <option value="" selected=move || f.sli_source.get().is_empty()>"this page's source"</option>
                            {move || {
                                let logs = f.kind.get() == "logs";
                                let fits = move |k: SourceKind| if logs { k.serves_logs() } else { k.trace_api().is_some() };
                                let mut names: Vec<String> = state.sources.with(|s| s.all().iter().filter(|d| fits(d.kind)).map(|d| d.name.clone()).collect());
                                let current = f.sli_source.get_untracked();
                                if !current.is_empty() && !names.contains(&current) {
                                    names.push(current);
                                }
                                names.into_iter().map(|n| {
                                    let (v, label) = (n.clone(), n.clone());
                                    view! { <option value=n selected=move || f.sli_source.get() == v>{label}</option> }
                                }).collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <Show when=move || f.kind.get() == "logs">
                    <p class="hint" data-testid="slo-f-logs-note">"Counted by the log source per minute: sum(count_over_time(<lines> [60s])) for the valid lines, and the same with the bad pipeline appended. Prometheus rules, OpenSLO and Sloth cannot express it."</p>
                    {text("Lines (LogQL)", "slo-f-log-selector", f.log_selector, "{service_name=\"payments\"}", "The valid events: a LogQL log query — a stream selector, optionally with line filters and parsers")}
                    {err("sli.selector")}
                    {text("Bad lines pipeline", "slo-f-log-bad", f.log_bad, "| level=\"error\"", "Appended to the lines query to select the bad ones: a level (| level=\"error\"), a field (| logfmt | status=~\"5..\") or a line filter (|= \"failed\")")}
                    {err("sli.bad")}
                </Show>
                <Show when=move || f.kind.get().starts_with("traces")>
                    <p class="hint" data-testid="slo-f-traces-note">"Counted over the traces a search of this source returns in the window — at most a fixed number of them, and only what the backend kept (sampling): the SLO shows how many traces and spans it counted and how much of the window they cover. Prometheus rules, OpenSLO and Sloth cannot express it."</p>
                    {text("Service", "slo-f-span-service", f.span_service, "payments", "The service whose spans are counted")}
                    {err("sli.service")}
                    {text("Operation", "slo-f-span-operation", f.span_operation, "POST /charge", "Span name; empty = every operation of the service")}
                </Show>
                <Show when=move || f.kind.get() == "traces_latency">
                    {text("Threshold (seconds)", "slo-f-threshold", f.threshold, "0.25", "Good = spans at most this long")}
                    {err("sli.threshold")}
                </Show>
                <Show when=move || matches!(f.kind.get().as_str(), "bad" | "good")>
                    {text("Events selector", "slo-f-events", f.events, "http_requests_total{code=~\"5..\"}", "Counter selector of the bad (or good) events; Sightline applies increase() and sum() itself")}
                    {err("sli.events")}
                    {text("Valid events selector", "slo-f-total", f.total, "http_requests_total", "Counter selector of all valid events")}
                    {err("sli.total")}
                </Show>
                <Show when=move || f.kind.get() == "latency">
                    {text("Histogram buckets selector", "slo-f-buckets", f.buckets, "http_request_duration_seconds_bucket{service=\"api\"}", "The _bucket series, without an le matcher")}
                    {err("sli.buckets")}
                    {text("Threshold (seconds)", "slo-f-threshold", f.threshold, "0.25", "Good = requests at or under this; use a bucket edge for an exact SLI (a value between edges is interpolated and flagged)")}
                    {err("sli.threshold")}
                </Show>
            </fieldset>
            <fieldset>
                <legend>"Objective and window"</legend>
                {text("Objective", "slo-f-objective", f.objective, "99.9", "99.9, 99.95% or 0.999 — kept exact: 99.9 means a budget of exactly 1/1000")}
                {err("objective")}
                {select("Window", "slo-f-window-kind", f.window_kind, vec![("rolling", "rolling"), ("calendar", "calendar")])}
                <Show when=move || f.window_kind.get() == "rolling">
                    {text("Duration", "slo-f-duration", f.duration, "30d", "A Prometheus duration: 7d, 28d, 30d, 24h")}
                    {err("window.duration")}
                </Show>
                <Show when=move || f.window_kind.get() == "calendar">
                    {text("Period", "slo-f-period", f.period, "1M", "1d, 1w, 1M, 1Q or 1Y")}
                    {err("window.period")}
                    {text("Time zone", "slo-f-tz", f.time_zone, "UTC", "UTC, a fixed offset such as +02:00, or an IANA zone name such as Europe/Berlin (daylight-saving changes included; the browser's time-zone data checks the name and gives the offsets)")}
                    {err("window.time_zone")}
                </Show>
                {select("Budgeting method", "slo-f-method", f.method, vec![
                    ("occurrences", "Occurrences (ratio of sums)"),
                    ("timeslices", "Timeslices (share of good slices)"),
                    ("ratio_timeslices", "RatioTimeslices (mean of slice ratios)"),
                ])}
                <Show when=move || f.method.get() != "occurrences">
                    {text("Slice", "slo-f-slice", f.slice, "5m", "Length of a time slice (a whole number of minutes)")}
                    {err("budgeting.slice")}
                </Show>
                <Show when=move || f.method.get() == "timeslices">
                    {text("Slice target", "slo-f-slice-target", f.slice_target, "0.95", "A slice is good when its own ratio is at least this (distinct from the objective)")}
                    {err("budgeting.slice_target")}
                </Show>
            </fieldset>
            <fieldset>
                <legend>"Alerting (multiwindow, multi-burn-rate)"</legend>
                {select("Tiers", "slo-f-alerting", f.alerting, presets)}
                {err("alerting.preset")}
                <Show when=move || f.alerting.get() == "custom">
                    <label title="One tier per line: name; page or ticket; factor; long window; short window; optional for">"Custom tiers "
                        <textarea data-testid="slo-f-tiers" rows="4" prop:value=move || f.tiers.get() on:input=move |ev| f.tiers.set(event_target_value(&ev))></textarea>
                    </label>
                    {err("alerting.tiers")}
                </Show>
            </fieldset>
            <div class="row">
                <button type="submit" class="primary" data-testid="slo-f-save">"Save"</button>
                <button type="button" data-testid="slo-f-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
            {move || {
                let n = errors.with(Vec::len);
                (n > 0).then(|| view! { <p class="panel-error" role="alert" data-testid="slo-form-errors">{format!("{n} problem(s): see the fields above.")}</p> })
            }}
        </form>
    }
}
