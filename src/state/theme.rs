//! The colour theme: the URL's `theme` wins (for embeds and shared links), then the stored choice,
//! then the system preference. The effective theme is written to `<html data-theme=…>`, where the
//! CSS custom properties of `style/main.css` and the chart palette pick it up.

use super::{browser, storage};
use sightline_core::viewstate::Theme;

/// The theme to show for a URL choice.
pub fn effective(url_choice: Option<Theme>) -> Theme {
    url_choice
        .or_else(|| storage::get_local(storage::THEME_KEY).as_deref().and_then(Theme::parse))
        .unwrap_or(if browser::prefers_dark() { Theme::Dark } else { Theme::Light })
}

/// Writes the theme onto the document element.
pub fn apply(theme: Theme) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.as_str());
    }
}

/// Remembers an explicit choice.
pub fn store(theme: Theme) {
    storage::set_local(storage::THEME_KEY, theme.as_str());
}
