//! UI state shared by every page: the URL-backed [`ViewState`](sightline_core::viewstate::ViewState),
//! the configured data sources, and the refresh tick. [`AppState`] is a small `Copy` handle put in
//! context once by the app; pages read and write through it.

pub mod browser;
pub mod storage;
pub mod theme;

use leptos::prelude::*;
use sightline_core::datasource::{DataSource, DataSourceList};
use sightline_core::viewstate::ViewState;

/// Handles to the app-wide signals.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The whole view state; mirrored into the URL.
    pub view: RwSignal<ViewState>,
    /// Configured data sources (demo first); persisted by [`storage`].
    pub sources: RwSignal<DataSourceList>,
    /// Bumped by auto-refresh and by "Run": queries re-resolve relative ranges and run again.
    pub refresh_tick: RwSignal<u64>,
    /// Problems met while loading stored settings, shown on the Settings page.
    pub storage_problems: RwSignal<Vec<String>>,
    /// The time under the pointer on any chart (the shared crosshair), `None` when none is hovered.
    pub hover_time: RwSignal<Option<i64>>,
}

impl AppState {
    /// Creates the state from the current URL and the stored data sources.
    pub fn new() -> AppState {
        let (sources, problems) = storage::load_sources();
        AppState {
            view: RwSignal::new(ViewState::from_query(&browser::location_search())),
            sources: RwSignal::new(sources),
            refresh_tick: RwSignal::new(0),
            storage_problems: RwSignal::new(problems),
            hover_time: RwSignal::new(None),
        }
    }

    /// The selected data source, if it exists.
    pub fn selected_source(&self) -> Option<DataSource> {
        let name = self.view.with(|v| v.ds.clone());
        self.sources.with(|s| s.find(&name).cloned())
    }

    /// A memo of the source a page reads from: the one named by `name_of(view)`, or the built-in
    /// demo when that name is empty. `Err` carries a name no source has.
    pub fn page_source(&self, name_of: fn(&ViewState) -> String) -> Memo<Result<DataSource, String>> {
        let (view, sources) = (self.view, self.sources);
        Memo::new(move |_| {
            let name = view.with(name_of);
            if name.is_empty() {
                return Ok(DataSource::demo());
            }
            sources.with(|s| s.find(&name).cloned()).ok_or(name)
        })
    }

    /// Changes the view state (recorded as a new browser history entry by the URL sync).
    pub fn update_view(&self, f: impl FnOnce(&mut ViewState)) {
        self.view.update(f);
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// The app state from context. The app provides it before any page renders.
pub fn use_app_state() -> AppState {
    use_context::<AppState>().unwrap_or_else(|| {
        // Components rendered outside the app (tests) get a fresh state rather than a panic.
        let state = AppState::new();
        provide_context(state);
        state
    })
}
