//! Persistence of settings in Web Storage. Data sources (without secrets) live in `localStorage`
//! under [`SOURCES_KEY`]; `Authorization` values live in `sessionStorage` under [`SECRETS_KEY`]
//! (gone when the tab closes) unless the user opts in to remembering them in `localStorage`.
//! Storage can be unavailable (private mode, embedded frames): then settings last for the session
//! in memory and the Settings page says so.

use sightline_core::datasource::DataSourceList;
use std::collections::BTreeMap;

/// `localStorage` key of the data-source list (schema v1).
pub const SOURCES_KEY: &str = "sightline.datasources.v1";
/// Key of the secrets map (name → Authorization value), in session or local storage.
pub const SECRETS_KEY: &str = "sightline.secrets.v1";
/// `localStorage` key of the stored theme.
pub const THEME_KEY: &str = "sightline.theme";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads a `localStorage` value.
pub fn get_local(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a `localStorage` value; false when storage is unavailable or full.
pub fn set_local(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Loads the data sources and their secrets; returns problems to show.
pub fn load_sources() -> (DataSourceList, Vec<String>) {
    let (mut list, mut problems) = match get_local(SOURCES_KEY) {
        Some(json) => DataSourceList::from_storage_json(&json),
        None => (DataSourceList::default(), Vec::new()),
    };
    if local().is_none() {
        problems.push("This browser does not allow local storage here: data sources last only until the tab closes.".into());
    }
    let mut secrets = BTreeMap::new();
    for storage in [local(), session()].into_iter().flatten() {
        if let Some(json) = storage.get_item(SECRETS_KEY).ok().flatten() {
            if let Ok(map) = serde_json::from_str::<BTreeMap<String, String>>(&json) {
                secrets.extend(map);
            }
        }
    }
    list.attach_secrets(&secrets);
    (list, problems)
}

/// Saves the data sources; secrets go to session storage, or local storage when `remember_secrets`.
/// Returns false when nothing could be stored.
pub fn save_sources(list: &DataSourceList, remember_secrets: bool) -> bool {
    let saved = set_local(SOURCES_KEY, &list.to_storage_json());
    let secrets = serde_json::to_string(&list.secrets()).unwrap_or_else(|_| "{}".into());
    let (keep, clear) = if remember_secrets { (local(), session()) } else { (session(), local()) };
    if let Some(s) = clear {
        let _ = s.remove_item(SECRETS_KEY);
    }
    if let Some(s) = keep {
        let _ = s.set_item(SECRETS_KEY, &secrets);
    }
    saved
}

/// True when secrets are currently remembered in local storage.
pub fn secrets_remembered() -> bool {
    get_local(SECRETS_KEY).is_some()
}
