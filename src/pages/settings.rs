//! Settings: the data-source list. Add or edit a source — Prometheus-compatible, a Jaeger,
//! Tempo or Zipkin trace backend, or Loki — (name, URL, optional `Authorization` value and
//! `X-Scope-OrgID` tenant; for Tempo, v1 or v2 trace-by-id endpoint), test it, remove it. Secrets stay
//! in session storage unless "Remember credentials on this device" is ticked, and never appear in
//! a URL. The health check runs the instant query `1+1`, as Grafana's does, which proves the
//! URL, CORS, auth and the query API in one request; for a trace source it lists the services,
//! for Loki its label names.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::formats::prometheus::{PromRequest, ResultData};

use crate::sources::query::run;
use crate::state::{browser, storage, use_app_state};

/// The Settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_app_state();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let auth = RwSignal::new(String::new());
    let tenant = RwSignal::new(String::new());
    let kind = RwSignal::new(SourceKind::Prometheus.as_str().to_string());
    let tempo_v2 = RwSignal::new(false);
    let remember = RwSignal::new(storage::secrets_remembered());
    let form_message = RwSignal::new(None::<(bool, String)>);

    let persist = move || {
        let ok = state.sources.with_untracked(|s| storage::save_sources(s, remember.get_untracked()));
        if !ok {
            form_message.set(Some((false, "Saved for this tab only: the browser refused local storage.".into())));
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let source = DataSource {
            name: name.get_untracked(),
            kind: SourceKind::parse_user(&kind.get_untracked()).unwrap_or(SourceKind::Prometheus),
            url: url.get_untracked(),
            tenant: Some(tenant.get_untracked()),
            auth: Some(auth.get_untracked()),
            tempo_v2: tempo_v2.get_untracked(),
        };
        let mut result = Ok(());
        state.sources.update(|s| result = s.upsert(source));
        match result {
            Ok(()) => {
                form_message.set(Some((true, format!("Saved '{}'.", name.get_untracked().trim()))));
                persist();
                name.set(String::new());
                url.set(String::new());
                auth.set(String::new());
                tenant.set(String::new());
                tempo_v2.set(false);
            }
            Err(e) => form_message.set(Some((false, e))),
        }
    };

    let rows = move || {
        state
            .sources
            .get()
            .all()
            .iter()
            .cloned()
            .map(|s| view! { <SourceRow source=s edit=(name, url, tenant, auth) edit_kind=kind edit_tempo_v2=tempo_v2 on_change=persist/> })
            .collect_view()
    };

    view! {
        <section class="page settings">
            <h1>"Data sources"</h1>
            {move || {
                let problems = state.storage_problems.get();
                (!problems.is_empty()).then(|| view! {
                    <ul class="panel-warnings" role="status">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                })
            }}
            <table class="sources">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"URL"</th>
                        <th scope="col">"Tenant"</th>
                        <th scope="col">"Auth"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h2>"Add or edit a data source"</h2>
            <form class="source-form" on:submit=save>
                <label>"Name" <input data-testid="ds-name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>
                    "Kind"
                    <select data-testid="ds-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {SourceKind::USER_KINDS
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k.as_str()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>"URL" <input data-testid="ds-url" placeholder="http://127.0.0.1:9090 or /prometheus" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/></label>
                <label>"Authorization header (optional)" <input data-testid="ds-auth" type="password" autocomplete="off" placeholder="Bearer …" prop:value=move || auth.get() on:input=move |ev| auth.set(event_target_value(&ev))/></label>
                <label>"X-Scope-OrgID tenant (optional)" <input data-testid="ds-tenant" prop:value=move || tenant.get() on:input=move |ev| tenant.set(event_target_value(&ev))/></label>
                <Show when=move || kind.get() == SourceKind::Tempo.as_str()>
                    <label class="inline" title="Tempo's /api/v2/traces/{id} wraps the trace with a status; PARTIAL (a truncated trace) is then shown above the trace. v1 (/api/traces/{id}) is what every Tempo version answers.">
                        <input type="checkbox" data-testid="ds-tempo-v2" prop:checked=move || tempo_v2.get() on:change=move |ev| tempo_v2.set(event_target_checked(&ev))/>
                        " Read traces by id with Tempo's v2 API (/api/v2/traces/{id}: says when a trace is incomplete)"
                    </label>
                </Show>
                <label class="inline">
                    <input type="checkbox" data-testid="ds-remember" prop:checked=move || remember.get() on:change=move |ev| {
                        remember.set(event_target_checked(&ev));
                        persist();
                    }/>
                    " Remember credentials on this device (stored unencrypted in local storage; otherwise they last until the tab closes)"
                </label>
                <button type="submit" class="primary" data-testid="ds-save">"Save data source"</button>
                {move || form_message.get().map(|(ok, m)| view! { <p class=if ok { "form-ok" } else { "form-error" } role="status">{m}</p> })}
            </form>
            <p class="hint">
                "CORS: the browser calls the source directly. Prometheus and VictoriaMetrics allow any origin by default \
                 (but a preflight for Authorization passes only on Prometheus, and for X-Scope-OrgID on neither); "
                "Loki, Tempo and most gateways need a reverse proxy that sends Access-Control-Allow-Origin and answers "
                "preflight requests for Authorization and X-Scope-OrgID — or serve Sightline and the API from one origin and use a path like /prometheus as the URL."
            </p>
        </section>
    }
}

/// One row of the source table, with Test, Edit and Remove.
#[component]
fn SourceRow(
    /// The source shown.
    source: DataSource,
    /// The form fields to fill on Edit: (name, url, tenant, auth).
    edit: (RwSignal<String>, RwSignal<String>, RwSignal<String>, RwSignal<String>),
    /// The form's kind field, set on Edit.
    edit_kind: RwSignal<String>,
    /// The form's Tempo v2 switch, set on Edit.
    edit_tempo_v2: RwSignal<bool>,
    /// Called after a removal so the list is saved.
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let test_result = RwSignal::new(None::<(bool, String)>);
    let is_demo = source.kind == SourceKind::Demo;
    let test_source = source.clone();
    let test = move |_| {
        let source = test_source.clone();
        test_result.set(Some((true, "Testing…".into())));
        spawn_local(async move {
            let started = browser::now_ms();
            let outcome = if source.kind == SourceKind::Loki {
                match crate::sources::logs::labels(&source).await {
                    Ok(names) => (
                        true,
                        format!("Data source is working: {} log labels listed in {} ms.", names.len(), browser::now_ms() - started),
                    ),
                    Err(e) => (false, format!("{}: {}", e.kind, e.message)),
                }
            } else if source.kind.trace_api().is_some() {
                match crate::sources::traces::services(&source).await {
                    Ok(names) => (
                        true,
                        format!("Data source is working: {} services listed in {} ms.", names.len(), browser::now_ms() - started),
                    ),
                    Err(e) => (false, format!("{}: {}", e.kind, e.message)),
                }
            } else {
            let req = PromRequest::Instant { query: "1+1".into(), time_ms: None };
            match run(&source, &req, None).await {
                Ok(Some(resp)) => match resp.data {
                    ResultData::Scalar { value: 2.0, .. } => {
                        (true, format!("Data source is working: 1+1 = 2 in {} ms.", browser::now_ms() - started))
                    }
                    other => (false, format!("The source answered, but 1+1 did not give the scalar 2 ({}).", kind_of(&other))),
                },
                Ok(None) => (false, "The test was cancelled.".into()),
                Err(e) => (false, format!("{}: {}", e.kind, e.message)),
            }
            };
            test_result.set(Some(outcome));
        });
    };
    let (e_name, e_url, e_tenant, e_auth) = edit;
    let edit_source = source.clone();
    let remove_name = source.name.clone();
    view! {
        <tr data-testid="ds-row">
            <td>{source.name.clone()}</td>
            <td>{source.kind.as_str()}{(source.kind == SourceKind::Tempo && source.tempo_v2).then_some(" (v2 by id)")}</td>
            <td class="url-cell">{if is_demo { "built in".to_string() } else { source.url.clone() }}</td>
            <td>{source.tenant.clone().unwrap_or_default()}</td>
            <td>{if source.auth.is_some() { "set" } else { "" }}</td>
            <td class="actions">
                <button data-testid="ds-test" on:click=test>"Test"</button>
                <Show when=move || !is_demo>
                    <button on:click={
                        let s = edit_source.clone();
                        move |_| {
                            e_name.set(s.name.clone());
                            edit_kind.set(s.kind.as_str().to_string());
                            e_url.set(s.url.clone());
                            e_tenant.set(s.tenant.clone().unwrap_or_default());
                            e_auth.set(s.auth.clone().unwrap_or_default());
                            edit_tempo_v2.set(s.tempo_v2);
                        }
                    }>"Edit"</button>
                    <button on:click={
                        let n = remove_name.clone();
                        move |_| {
                            state.sources.update(|s| { s.remove(&n); });
                            on_change();
                        }
                    }>"Remove"</button>
                </Show>
                {move || test_result.get().map(|(ok, m)| view! {
                    <span class=if ok { "form-ok" } else { "form-error" } data-testid="ds-test-result">{m}</span>
                })}
            </td>
        </tr>
    }
}

fn kind_of(data: &ResultData) -> &'static str {
    match data {
        ResultData::Matrix(_) => "a matrix",
        ResultData::Vector(_) => "a vector",
        ResultData::Scalar { .. } => "a different scalar",
        ResultData::String { .. } => "a string",
    }
}
