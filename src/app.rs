//! The app root: creates the [`AppState`], keeps the URL and the view state in step (user changes
//! push a history entry; back/forward restore the view), applies the theme, drives auto-refresh,
//! and shows the header (outside embed mode) and the current page.

use leptos::ev;
use leptos::prelude::*;
use sightline_core::time::RefreshInterval;
use sightline_core::viewstate::{Page, ViewState};
use std::time::Duration;

use crate::components::header::Header;
use crate::pages::explore::ExplorePage;
use crate::pages::not_built::NotBuiltPage;
use crate::pages::settings::SettingsPage;
use crate::pages::slos::SlosPage;
use crate::state::{browser, theme, AppState};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);

    // View state → URL. An identical URL (e.g. after back/forward) is left alone.
    Effect::new(move |_| {
        let query = state.view.with(ViewState::to_query);
        let current = browser::location_search();
        if current.strip_prefix('?').unwrap_or(&current) != query {
            browser::set_location_query(&query, true);
        }
    });
    // URL → view state on back/forward.
    let popstate = window_event_listener(ev::popstate, move |_| {
        state.view.set(ViewState::from_query(&browser::location_search()));
    });
    on_cleanup(move || popstate.remove());

    // Theme onto <html data-theme>.
    Effect::new(move |_| theme::apply(theme::effective(state.view.with(|v| v.theme))));

    // Auto-refresh: relative ranges only, paused while the tab is hidden.
    let refresh = Memo::new(move |_| state.view.with(|v| RefreshInterval::parse(&v.refresh).ok()));
    Effect::new(move |_| {
        let Some(RefreshInterval::Every { ms }) = refresh.get() else { return };
        let handle = set_interval_with_handle(
            move || {
                let relative = state.view.with_untracked(|v| {
                    sightline_core::time::TimeRange::parse(&v.from, &v.to).map(|r| r.is_relative()).unwrap_or(false)
                });
                if relative && !browser::document_hidden() {
                    state.refresh_tick.update(|t| *t += 1);
                }
            },
            Duration::from_millis(ms),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    });

    let page = Memo::new(move |_| state.view.with(|v| v.page));
    let embed = Memo::new(move |_| state.view.with(|v| v.embed));
    view! {
        <div class="app" class:embed=move || embed.get()>
            <Show when=move || !embed.get()>
                <Header/>
            </Show>
            <main class="content">
                {move || match page.get() {
                    Page::Explore => view! { <ExplorePage/> }.into_any(),
                    Page::Settings => view! { <SettingsPage/> }.into_any(),
                    Page::Slos => view! { <SlosPage/> }.into_any(),
                    Page::Traces => view! { <crate::pages::traces::TracesPage/> }.into_any(),
                    Page::Logs => view! { <crate::pages::logs::LogsPage/> }.into_any(),
                    Page::Dashboards => view! { <crate::pages::dashboards::DashboardsPage/> }.into_any(),
                    other => view! { <NotBuiltPage page=other/> }.into_any(),
                }}
            </main>
        </div>
    }
}
