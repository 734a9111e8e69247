//! The app header: navigation, data-source picker, time-range picker, refresh picker and theme
//! toggle. Every control writes the URL-backed view state; nothing here holds its own copy.

use leptos::prelude::*;
use sightline_core::time::REFRESH_CHOICES;
use sightline_core::viewstate::{Page, DEMO_SOURCE};

use super::time_picker::TimePicker;
use crate::state::{theme, use_app_state};

/// The header bar shown on every page outside embed mode.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_app_state();
    let current = Memo::new(move |_| state.view.with(|v| v.page));
    let nav = Page::ALL
        .into_iter()
        .map(|page| {
            let href = move || {
                let mut v = state.view.get();
                v.page = page;
                format!("?{}", v.to_query())
            };
            view! {
                <a
                    class="nav-link"
                    data-testid=format!("nav-{}", page.as_str())
                    href=href
                    aria-current=move || (current.get() == page).then_some("page")
                    on:click=move |ev| {
                        ev.prevent_default();
                        state.update_view(|v| v.page = page);
                    }
                >
                    {page.title()}
                </a>
            }
        })
        .collect_view();
    view! {
        <header class="app-header">
            <span class="brand">"Sightline"</span>
            <nav class="nav" aria-label="Pages">{nav}</nav>
            <div class="controls">
                <SourcePicker/>
                <TimePicker/>
                <RefreshPicker/>
                <ThemeToggle/>
            </div>
        </header>
    }
}

/// Selects the metrics data source by name (Prometheus-compatible sources and the demo; trace and
/// log sources are picked on their own pages).
#[component]
fn SourcePicker() -> impl IntoView {
    let state = use_app_state();
    let selected = Memo::new(move |_| state.view.with(|v| v.ds.clone()));
    let options = move || {
        let mut names: Vec<(String, String)> =
            state.sources.with(|s| {
                s.all()
                    .iter()
                    .filter(|d| d.kind.serves_metrics())
                    .map(|d| (d.name.clone(), format!("{} ({})", d.name, d.kind.as_str())))
                    .collect()
            });
        let sel = selected.get();
        if !names.iter().any(|(n, _)| *n == sel) {
            let kind = state.sources.with(|s| s.find(&sel).map(|d| d.kind.as_str()));
            let label = match kind {
                Some(kind) => format!("{sel} ({kind}: not a metrics source)"),
                None => format!("{sel} (not configured)"),
            };
            names.push((sel.clone(), label));
        }
        names
            .into_iter()
            .map(|(name, label)| {
                let is_sel = name == sel;
                view! { <option value=name.clone() selected=is_sel>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="control">
            <span class="control-label">"Source"</span>
            <select
                data-testid="ds-picker"
                aria-label="Data source"
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    state.update_view(|v| {
                        let was_demo = v.ds == DEMO_SOURCE;
                        v.ds = name;
                        if was_demo && v.query == sightline_core::viewstate::DEMO_DEFAULT_QUERY {
                            v.query.clear();
                        }
                    });
                }
            >
                {options}
            </select>
        </label>
    }
}

/// Auto-refresh interval (Grafana's list).
#[component]
fn RefreshPicker() -> impl IntoView {
    let state = use_app_state();
    let current = Memo::new(move |_| state.view.with(|v| v.refresh.clone()));
    let options = move || {
        let cur = current.get();
        REFRESH_CHOICES
            .iter()
            .map(|choice| {
                let text = choice.to_string();
                let is_sel = text == cur;
                view! { <option value=text.clone() selected=is_sel>{text.clone()}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="control">
            <span class="control-label">"Refresh"</span>
            <select
                data-testid="refresh-picker"
                aria-label="Auto-refresh interval"
                title="Relative ranges re-run at this interval; paused while the tab is hidden; absolute ranges never refresh"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.update_view(|v| v.refresh = value);
                }
            >
                {options}
            </select>
        </label>
    }
}

/// Switches light ↔ dark; the choice goes into the URL and is remembered.
#[component]
fn ThemeToggle() -> impl IntoView {
    let state = use_app_state();
    let current = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    view! {
        <button
            class="icon-button"
            data-testid="theme-toggle"
            aria-label=move || format!("Switch to {} theme", current.get().toggled().as_str())
            title=move || format!("Switch to {} theme", current.get().toggled().as_str())
            on:click=move |_| {
                let next = current.get_untracked().toggled();
                theme::store(next);
                state.update_view(|v| v.theme = Some(next));
            }
        >
            {move || if current.get() == sightline_core::viewstate::Theme::Dark { "☀" } else { "☾" }}
        </button>
    }
}
