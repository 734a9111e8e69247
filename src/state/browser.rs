//! Thin wrappers over browser globals (location, history, time, visibility). Every call is
//! fallible in web-sys; here a missing window or a refused call degrades to a harmless default
//! instead of a panic.

use wasm_bindgen::JsValue;

/// The current `location.search` (with its `?`, or empty).
pub fn location_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Replaces the query string, adding a history entry when `push` is true.
pub fn set_location_query(query: &str, push: bool) {
    let Some(window) = web_sys::window() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let url = if query.is_empty() { path } else { format!("{path}?{query}") };
    let Ok(history) = window.history() else { return };
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// Milliseconds since the Unix epoch, from the browser clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// True while the tab is hidden (auto-refresh pauses).
pub fn document_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false)
}

/// The device pixel ratio (1 when unknown), clamped to a sane range.
pub fn device_pixel_ratio() -> f64 {
    let r = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
    if r.is_finite() { r.clamp(1.0, 4.0) } else { 1.0 }
}

/// True when the system prefers a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// Offers `href` (a data: or blob: URL) as a download named `filename`, through a temporary
/// `<a download>`. Returns false when the browser refused.
pub fn download(href: &str, filename: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Ok(a) = document.create_element("a") else { return false };
    let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else { return false };
    a.set_href(href);
    a.set_download(filename);
    a.click();
    true
}
