//! Import and export of user SLOs: paste or pick a YAML file (OpenSLO v1 or Sloth `prometheus/v1`,
//! recognised by the core), preview what will be added and why anything is refused; export the
//! stored SLOs as OpenSLO, Sloth, Prometheus rules or the Sightline JSON file (download or copy);
//! and share links, whose definitions are offered for adding — never added silently.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::slo::spec::{SloDefinition, SloSpec};
use sightline_core::slo::store::{from_json, import_text, to_json, upsert};
use sightline_core::slo::{openslo, rules, sloth};
use wasm_bindgen::JsCast;

use super::slo_defs;
use crate::state::{browser, use_app_state};

/// Offers the SLOs of a share link (`slodefs`) for adding.
#[component]
pub fn SharedLinkBanner(
    user: RwSignal<Vec<SloSpec>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let state = use_app_state();
    let shared = Memo::new(move |_| state.view.with(|v| v.slodefs.clone()));
    let clear = move || state.update_view(|v| v.slodefs.clear());
    move || {
        let json = shared.get();
        if json.is_empty() {
            return None;
        }
        Some(match from_json(&json) {
            Err(e) => view! {
                <div class="panel-error" role="alert" data-testid="slo-shared">
                    {format!("This link's SLO definitions cannot be read: {e}")}
                    " " <button on:click=move |_| clear()>"Dismiss"</button>
                </div>
            }
            .into_any(),
            Ok(list) => {
                let n = list.len();
                let names = list
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <div class="panel-message" role="status" data-testid="slo-shared">
                        {format!("This link shares {n} SLO definition(s): {names}. ")}
                        <button class="primary" data-testid="slo-shared-add" on:click=move |_| {
                            let list = list.clone();
                            let problem = slo_defs::update(user, |l| for s in list { upsert(l, s) });
                            message.set(Some(problem.map_or((true, format!("Added {n} shared SLO(s).")), |p| (false, p))));
                            clear();
                        }>"Add to my SLOs"</button>
                        " " <button on:click=move |_| clear()>"Dismiss"</button>
                    </div>
                }
                .into_any()
            }
        })
    }
}

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExportKind {
    OpenSlo,
    Sloth,
    Rules,
    Json,
}

impl ExportKind {
    const ALL: [(ExportKind, &'static str, &'static str); 4] = [
        (ExportKind::OpenSlo, "openslo", "OpenSLO v1 YAML"),
        (ExportKind::Sloth, "sloth", "Sloth prometheus/v1 YAML"),
        (
            ExportKind::Rules,
            "rules",
            "Prometheus recording + alerting rules",
        ),
        (ExportKind::Json, "json", "Sightline SLO file (JSON)"),
    ];

    fn file(self) -> (&'static str, &'static str) {
        match self {
            ExportKind::OpenSlo => ("slos.openslo.yaml", "application/yaml"),
            ExportKind::Sloth => ("slos.sloth.yaml", "application/yaml"),
            ExportKind::Rules => ("slos.rules.yml", "application/yaml"),
            ExportKind::Json => ("slos.sightline.json", "application/json"),
        }
    }
}

/// What the rules export cannot express for each stored SLO, `<id>: <caveat>`.
fn rules_caveats(specs: &[SloSpec]) -> Vec<String> {
    specs
        .iter()
        .filter_map(|s| s.validate().ok())
        .flat_map(|d| {
            rules::caveats(&d)
                .into_iter()
                .map(move |c| format!("{}: {c}", d.spec.id))
        })
        .collect()
}

fn export_text(kind: ExportKind, specs: &[SloSpec]) -> String {
    let defs: Vec<SloDefinition> = specs.iter().filter_map(|s| s.validate().ok()).collect();
    match kind {
        ExportKind::OpenSlo => openslo::export(&defs),
        ExportKind::Sloth => sloth::export(&defs),
        ExportKind::Rules => rules::rules_yaml(&defs),
        ExportKind::Json => to_json(specs),
    }
}

fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let navigator = js_sys::Reflect::get(&w, &"navigator".into()).ok();
    let clipboard = navigator
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined());
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (clipboard, write) {
        (Some(c), Some(f)) => f.call1(&c, &text.into()).is_ok(),
        _ => false,
    }
}

/// Reads the first file of a file input as text.
async fn read_file(input: web_sys::HtmlInputElement) -> Result<String, String> {
    let file = js_sys::Reflect::get(&input, &"files".into())
        .ok()
        .and_then(|files| js_sys::Reflect::get(&files, &0.into()).ok())
        .filter(|f| !f.is_undefined() && !f.is_null())
        .ok_or_else(|| "no file chosen".to_string())?;
    let text_fn = js_sys::Reflect::get(&file, &"text".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("this browser cannot read files")?;
    let promise = text_fn
        .call0(&file)
        .map_err(|_| "the file could not be read".to_string())?;
    let promise: js_sys::Promise = promise
        .dyn_into()
        .map_err(|_| "the file could not be read".to_string())?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| "the file is not text".to_string())
}

/// The import/export panel.
#[component]
pub fn SloIo(
    user: RwSignal<Vec<SloSpec>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let yaml = RwSignal::new(String::new());
    let preview =
        RwSignal::new(None::<Result<(String, Vec<SloSpec>, Vec<String>, Vec<String>), String>>);
    let export_kind = RwSignal::new(ExportKind::OpenSlo);
    let exported = RwSignal::new(None::<String>);
    let share = RwSignal::new(None::<String>);
    let read = move || {
        preview.set(Some(import_text(&yaml.get_untracked()).map(|imp| {
            let mut ok = Vec::new();
            let mut bad = Vec::new();
            for s in imp.specs {
                match super::slo_zone::check_spec(&s) {
                    Ok(_) => ok.push(s),
                    Err(errs) => bad.push(format!(
                        "{}: {}",
                        s.id,
                        errs.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                    )),
                }
            }
            (imp.format.label().to_string(), ok, bad, imp.notes)
        })));
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move {
            match read_file(input).await {
                Ok(text) => {
                    yaml.set(text);
                    read();
                }
                Err(e) => preview.set(Some(Err(e))),
            }
        });
    };
    let add = move |_| {
        let Some(Ok((_, specs, _, _))) = preview.get_untracked() else {
            return;
        };
        let n = specs.len();
        let problem = slo_defs::update(user, |l| {
            for s in specs {
                upsert(l, s)
            }
        });
        message.set(Some(
            problem.map_or((true, format!("Imported {n} SLO(s).")), |p| (false, p)),
        ));
        preview.set(None);
        yaml.set(String::new());
    };
    let make_export = move || {
        exported.set(Some(
            user.with_untracked(|u| export_text(export_kind.get_untracked(), u)),
        ))
    };
    view! {
        <details class="slo-io" data-testid="slo-io">
            <summary>"Import, export and share"</summary>
            <div class="slo-io-grid">
                <section>
                    <h3>"Import OpenSLO or Sloth YAML"</h3>
                    <textarea data-testid="slo-import-text" rows="8" placeholder="apiVersion: openslo/v1 … or version: prometheus/v1 …"
                        prop:value=move || yaml.get() on:input=move |ev| yaml.set(event_target_value(&ev))></textarea>
                    <div class="row">
                        <button data-testid="slo-import-read" on:click=move |_| read()>"Read"</button>
                        <label class="inline">"or a file " <input type="file" data-testid="slo-import-file" accept=".yaml,.yml,.json" on:change=on_file/></label>
                    </div>
                    {move || preview.get().map(|p| match p {
                        Err(e) => view! { <p class="panel-error" role="alert" data-testid="slo-import-error">{e}</p> }.into_any(),
                        Ok((format, ok, bad, notes)) => {
                            let n = ok.len();
                            view! {
                                <div data-testid="slo-import-preview">
                                    <p>{format!("Read as {format}: {n} SLO(s) ready: {}", ok.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", "))}</p>
                                    {(!bad.is_empty()).then(|| view! { <ul class="panel-error">{bad.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul> })}
                                    {(!notes.is_empty()).then(|| view! { <ul class="panel-warnings" data-testid="slo-import-notes">{notes.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul> })}
                                    <button class="primary" data-testid="slo-import-add" disabled=n == 0 on:click=add>{format!("Add {n} SLO(s)")}</button>
                                </div>
                            }.into_any()
                        }
                    })}
                </section>
                <section>
                    <h3>"Export your SLOs"</h3>
                    <div class="row">
                        <select data-testid="slo-export-kind" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            export_kind.set(ExportKind::ALL.iter().find(|(_, k, _)| *k == v).map_or(ExportKind::OpenSlo, |(e, _, _)| *e));
                            exported.set(None);
                        }>
                            {ExportKind::ALL.iter().map(|(e, k, l)| { let e = *e; view! { <option value=*k selected=move || export_kind.get() == e>{*l}</option> } }).collect_view()}
                        </select>
                        <button data-testid="slo-export-show" on:click=move |_| make_export()>"Show"</button>
                        <button data-testid="slo-export-download" on:click=move |_| {
                            let kind = export_kind.get_untracked();
                            let text = user.with_untracked(|u| export_text(kind, u));
                            let (name, mime) = kind.file();
                            if !browser::download_text(&text, name, mime) {
                                message.set(Some((false, "The browser refused the download.".into())));
                            }
                        }>"Download"</button>
                        <button data-testid="slo-export-copy" on:click=move |_| {
                            let text = user.with_untracked(|u| export_text(export_kind.get_untracked(), u));
                            message.set(Some(if copy_to_clipboard(&text) { (true, "Copied.".into()) } else { (false, "The browser refused the clipboard; use Show and copy the text.".into()) }));
                        }>"Copy"</button>
                    </div>
                    {move || (export_kind.get() == ExportKind::Rules).then(|| {
                        let notes = user.with(|u| rules_caveats(u));
                        (!notes.is_empty()).then(|| view! {
                            <ul class="panel-warnings" data-testid="slo-rules-caveats" title="What Prometheus rules cannot express exactly; the rules file's header says the same">
                                {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                            </ul>
                        })
                    })}
                    {move || exported.get().map(|t| view! { <textarea data-testid="slo-export-text" rows="12" readonly prop:value=t></textarea> })}
                    <h3>"Share"</h3>
                    <p class="hint">"A link that carries your SLO definitions (selectors, objectives, windows, tiers) — never data-source addresses or credentials."</p>
                    <button data-testid="slo-share" on:click=move |_| share.set(Some(user.with_untracked(|u| slo_defs::share_link(u))))>"Make share link"</button>
                    {move || share.get().map(|l| view! { <input data-testid="slo-share-link" readonly prop:value=l/> })}
                </section>
            </div>
        </details>
    }
}
