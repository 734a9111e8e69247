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

/// Offers `text` as a file download named `filename` with MIME type `mime` (through a Blob URL,
/// so large exports do not go through a giant data: URL). Returns false when the browser refused.
pub fn download_text(text: &str, filename: &str, mime: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return false };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return false };
    let ok = download(&url, filename);
    // Give the download time to start before the object URL is released.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    ok
}
