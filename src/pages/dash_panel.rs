//! One panel of a dashboard: its own query, style and unit (a [`PanelView`] for the query panel
//! below it) on the page's range and source, with its tools — open in Explore, the embed link,
//! edit, move and remove — and the editor for its definition.

use leptos::prelude::*;
use sightline_core::dashboard::{PanelDef, PanelEdit, MAX_QUERY, MAX_TITLE};
use sightline_core::units::Unit;
use sightline_core::viewstate::{ChartStyle, InstantStyle, Page, QueryMode, ViewState};

use crate::components::panel::QueryPanel;
use crate::components::panel_view::{provide, style_label, PanelView, PanelViewContext};
use crate::state::use_app_state;

/// The Explore view showing `def` on the current range and source (`embed`: the single-panel
/// embed view, without the header and editor).
pub fn explore_view(current: &ViewState, def: &PanelDef, embed: bool) -> ViewState {
    ViewState {
        page: Page::Explore,
        ds: current.ds.clone(),
        query: def.query.clone(),
        mode: QueryMode::Range,
        from: current.from.clone(),
        to: current.to.clone(),
        tz: current.tz,
        theme: current.theme,
        embed,
        style: def.style,
        unit: def.unit,
        ..ViewState::default()
    }
}

/// A dashboard panel; `edit` applies a change to panel `index` of the dashboard.
#[component]
pub fn DashPanel(index: usize, def: PanelDef, edit: Callback<(usize, PanelEdit)>) -> impl IntoView {
    let state = use_app_state();
    let band = RwSignal::new(false);
    let title = def.title.trim().to_string();
    let panel_def = def.clone();
    let view = Memo::new(move |_| {
        state.view.with(|v| PanelView {
            query: panel_def.query.clone(),
            mode: QueryMode::Range,
            from: v.from.clone(),
            to: v.to.clone(),
            tz: v.tz,
            style: panel_def.style,
            instant_style: InstantStyle::Table,
            unit: panel_def.unit,
            band: band.get(),
            query_b: String::new(),
            expression: String::new(),
            title: Some(if title.is_empty() { panel_def.query.clone() } else { title.clone() }),
        })
    });
    provide(PanelViewContext { view: view.into(), set_band: Callback::new(move |on| band.set(on)) });
    let editing = RwSignal::new(false);
    let embed = Memo::new(move |_| state.view.with(|v| v.embed));
    let link_def = StoredValue::new(def.clone());
    let href = move |embed: bool| state.view.with(|v| link_def.with_value(|d| format!("?{}", explore_view(v, d, embed).to_query())));
    let open = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let next = state.view.with_untracked(|v| link_def.with_value(|d| explore_view(v, d, false)));
        state.view.set(next);
    };
    view! {
        <div class="dash-cell" data-testid="dash-panel">
            <Show when=move || !embed.get()>
                <div class="dash-tools">
                    <a class="icon-button" data-testid="dash-explore" href=move || href(false) on:click=open
                        title="Open this panel's query in Explore (range, source and style kept)">"Explore"</a>
                    <a class="icon-button" data-testid="dash-embed" href=move || href(true) target="_blank" rel="noopener"
                        title="This panel alone, for embedding in another page (an iframe): no header, no editor. The link holds no credentials.">"Embed"</a>
                    <button class="icon-button" data-testid="dash-edit" on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                    <button class="icon-button" data-testid="dash-up" title="Move up" aria-label="Move panel up" on:click=move |_| edit.run((index, PanelEdit::Up))>"↑"</button>
                    <button class="icon-button" data-testid="dash-down" title="Move down" aria-label="Move panel down" on:click=move |_| edit.run((index, PanelEdit::Down))>"↓"</button>
                    <button class="icon-button" data-testid="dash-remove" title="Remove this panel" aria-label="Remove panel" on:click=move |_| edit.run((index, PanelEdit::Remove))>"✕"</button>
                </div>
            </Show>
            <Show when=move || editing.get()>
                <PanelEditor
                    initial=def.clone()
                    submit_label="Save panel"
                    on_submit=Callback::new(move |p: PanelDef| {
                        editing.set(false);
                        edit.run((index, PanelEdit::Replace(p)));
                    })
                    on_cancel=Callback::new(move |_| editing.set(false))
                />
            </Show>
            <QueryPanel/>
        </div>
    }
}

/// The form for a panel's title, query, style and unit.
#[component]
pub fn PanelEditor(
    initial: PanelDef,
    submit_label: &'static str,
    on_submit: Callback<PanelDef>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let title = RwSignal::new(initial.title.clone());
    let query = RwSignal::new(initial.query.clone());
    let style = RwSignal::new(initial.style);
    let unit = RwSignal::new(initial.unit);
    let error = RwSignal::new(None::<String>);
    let submit = move || {
        let p = PanelDef { title: title.get_untracked().trim().to_string(), query: query.get_untracked().trim().to_string(), style: style.get_untracked(), unit: unit.get_untracked() };
        if p.query.is_empty() {
            error.set(Some("Enter a PromQL query.".into()));
        } else if p.query.chars().count() > MAX_QUERY || p.title.chars().count() > MAX_TITLE {
            error.set(Some(format!("At most {MAX_TITLE} characters of title and {MAX_QUERY} of query.")));
        } else {
            error.set(None);
            on_submit.run(p);
        }
    };
    view! {
        <form class="dash-editor" data-testid="dash-editor" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label>"Title "
                <input type="text" data-testid="dash-panel-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <label>"PromQL "
                <textarea rows="2" spellcheck="false" data-testid="dash-panel-query" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))></textarea>
            </label>
            <div class="row">
                <select data-testid="dash-panel-style" aria-label="Chart style" on:change=move |ev| style.set(ChartStyle::parse(&event_target_value(&ev)).unwrap_or_default())>
                    {ChartStyle::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected=move || style.get() == c>{style_label(c)}</option> }).collect_view()}
                </select>
                <select data-testid="dash-panel-unit" aria-label="Unit" on:change=move |ev| unit.set(Unit::parse(&event_target_value(&ev)).ok())>
                    <option value="auto" selected=move || unit.get().is_none()>"Unit: auto"</option>
                    {Unit::ALL.into_iter().map(|u| view! { <option value=u.as_str() selected=move || unit.get() == Some(u)>{u.label()}</option> }).collect_view()}
                </select>
                <button type="submit" class="primary" data-testid="dash-panel-save">{submit_label}</button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="panel-error" role="alert">{e}</p> })}
        </form>
    }
}
