//! The Dashboards page: a grid of PromQL panels on the page's range and source. The dashboard
//! lives in the URL (`board=`), so the link is the dashboard — copy it to share or bookmark it;
//! nothing is stored elsewhere. On the demo source a link without one shows the demo dashboard.
//! Panels are added, edited, moved and removed here; a dashboard is exported as JSON and
//! imported from Sightline's JSON or Grafana's dashboard JSON, with a note for everything that
//! did not carry over. In embed mode (`embed=v1`) only the panels are shown.

use leptos::prelude::*;
use sightline_core::dashboard::{self, Dashboard, PanelDef, PanelEdit, MAX_PANELS};
use sightline_core::viewstate::{ChartStyle, DEMO_SOURCE};

use super::dash_panel::{DashPanel, PanelEditor};
use crate::state::{browser, use_app_state};

/// The dashboard of the URL: `Ok(None)` when there is none (and the source is not the demo).
fn current(board: &str, on_demo: bool) -> Result<Option<Dashboard>, String> {
    if board.trim().is_empty() {
        return Ok(on_demo.then(dashboard::demo));
    }
    dashboard::parse(board).map(|i| Some(i.dashboard))
}

/// The Dashboards page.
#[component]
pub fn DashboardsPage() -> impl IntoView {
    let state = use_app_state();
    let parsed = Memo::new(move |_| state.view.with(|v| current(&v.board, v.ds == DEMO_SOURCE)));
    let embed = Memo::new(move |_| state.view.with(|v| v.embed));
    let adding = RwSignal::new(false);
    let importing = RwSignal::new(false);
    let import_text = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let notes = RwSignal::new(Vec::<String>::new());

    // Every change writes the whole dashboard back into the URL (a new history entry).
    let save = move |d: Dashboard| match d.validate() {
        Ok(()) => {
            message.set(None);
            state.update_view(|v| v.board = d.to_json());
        }
        Err(e) => message.set(Some((true, e))),
    };
    let base = move || parsed.get_untracked().ok().flatten().unwrap_or_default();
    let edit = Callback::new(move |(index, change): (usize, PanelEdit)| {
        let mut d = base();
        d.apply(index, change);
        save(d);
    });
    let add = Callback::new(move |p: PanelDef| {
        let mut d = base();
        if d.panels.len() >= MAX_PANELS {
            message.set(Some((true, format!("A dashboard holds at most {MAX_PANELS} panels."))));
            return;
        }
        d.panels.push(p);
        adding.set(false);
        save(d);
    });
    let do_import = move || match dashboard::parse(&import_text.get_untracked()) {
        Ok(imported) => {
            let n = imported.dashboard.panels.len();
            notes.set(imported.notes);
            importing.set(false);
            import_text.set(String::new());
            message.set(Some((false, format!("Imported '{}': {n} panels.", imported.dashboard.title))));
            state.update_view(|v| v.board = imported.dashboard.to_json());
        }
        Err(e) => message.set(Some((true, e))),
    };
    let export = move |_| {
        if let Ok(Some(d)) = parsed.get_untracked() {
            browser::download_text(&d.to_json(), "sightline-dashboard.json", "application/json");
        }
    };
    let set_title = move |ev: leptos::ev::Event| {
        let mut d = base();
        d.title = event_target_value(&ev).trim().to_string();
        save(d);
    };
    let title = move || match parsed.get() {
        Ok(Some(d)) if !d.title.is_empty() => d.title,
        _ => "Dashboard".to_string(),
    };

    let toolbar = move || {
        view! {
            <div class="dash-toolbar">
                <label class="sr-only" for="dash-title">"Dashboard title"</label>
                <input id="dash-title" class="dash-title" data-testid="dash-title" type="text" prop:value=title on:change=set_title/>
                <button data-testid="dash-add" on:click=move |_| adding.update(|a| *a = !*a)>"Add panel"</button>
                <button data-testid="dash-import" on:click=move |_| importing.update(|a| *a = !*a)>"Import JSON"</button>
                <button data-testid="dash-export" on:click=export disabled=move || !matches!(parsed.get(), Ok(Some(_)))
                    title="Download this dashboard as Sightline JSON (no data source, no credentials)">"Export JSON"</button>
                <span class="hint">"The link is the dashboard: copy it to share or bookmark it. Range and source are the header's."</span>
            </div>
            <Show when=move || importing.get()>
                <div class="dash-import">
                    <label for="dash-import-text">"Paste a Sightline dashboard or a Grafana dashboard (JSON model or the API's export)"</label>
                    <textarea id="dash-import-text" rows="6" spellcheck="false" data-testid="dash-import-text"
                        prop:value=move || import_text.get() on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                    <button class="primary" data-testid="dash-import-run" on:click=move |_| do_import()>"Import (replaces this dashboard)"</button>
                </div>
            </Show>
            <Show when=move || adding.get()>
                <PanelEditor
                    initial=PanelDef { title: String::new(), query: String::new(), style: ChartStyle::Lines, unit: None }
                    submit_label="Add panel"
                    on_submit=add
                    on_cancel=Callback::new(move |_| adding.set(false))
                />
            </Show>
        }
    };

    let status = move || {
        message.get().map(|(is_error, text)| {
            view! { <p class=if is_error { "panel-error" } else { "dash-message" } role=if is_error { "alert" } else { "status" } data-testid="dash-message">{text}</p> }
        })
    };
    let note_list = move || {
        let n = notes.get();
        (!n.is_empty()).then(|| {
            view! {
                <div class="panel-warnings" data-testid="dash-notes" role="status">
                    <span class="badge warn">"Not carried over"</span>
                    <ul>{n.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    // One cell per panel, keyed by position and definition: editing one panel re-runs only its
    // query.
    let cells = move || match parsed.get() {
        Ok(Some(d)) => d.panels.into_iter().enumerate().map(|(i, p)| (format!("{i}\u{1}{:?}", p), i, p)).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let body = move || match parsed.get() {
        Err(e) => Some(view! {
            <div class="panel-error" role="alert" data-testid="dash-error">
                <span class="badge error">"Dashboard"</span>
                <span>{format!("This link's dashboard could not be read: {e} Import a dashboard or add a panel to start a new one.")}</span>
            </div>
        }.into_any()),
        Ok(None) => Some(view! {
            <p class="panel-message" data-testid="dash-empty">
                "No dashboard in this link yet. Add a panel, or import a Sightline or Grafana dashboard (JSON)."
            </p>
        }.into_any()),
        Ok(Some(d)) if d.panels.is_empty() => Some(view! { <p class="panel-message" data-testid="dash-empty">"This dashboard has no panels. Add one."</p> }.into_any()),
        Ok(Some(_)) => None,
    };

    view! {
        <section class="page dashboards" data-testid="page-dashboards">
            <Show when=move || !embed.get()>
                {toolbar}
            </Show>
            {status}
            {note_list}
            {body}
            <div class="dash-grid">
                <For each=cells key=|(k, _, _)| k.clone() let:((_, i, p))>
                    <DashPanel index=i def=p edit=edit/>
                </For>
            </div>
        </section>
    }
}
