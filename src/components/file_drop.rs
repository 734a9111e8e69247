//! A file box: pick files or drop them on it. The files are read in this browser (nothing is
//! uploaded), joined in order with a newline between them, and handed over as text bytes
//! (`on_load`, whose answer — ok or not, and a sentence — is shown under the box; the log import)
//! or as one `ArrayBuffer` that never becomes a JS string (`on_files`, which sets the status line
//! itself when done; the trace import, whose large files go to the background worker).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Reads every file's text (in order) and joins them with newlines.
async fn read_files(files: web_sys::FileList) -> Result<(Vec<u8>, Vec<String>), String> {
    let mut body = Vec::new();
    let mut names = Vec::new();
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .map_err(|_| format!("The browser could not read {}.", file.name()))?;
        body.extend_from_slice(text.as_string().unwrap_or_default().as_bytes());
        body.push(b'\n');
        names.push(file.name());
    }
    Ok((body, names))
}

/// Reads every file's bytes (in order) into one `ArrayBuffer`, a newline after each but the last,
/// without ever making them text (one file: its own buffer, not copied).
async fn read_buffer(files: web_sys::FileList) -> Result<(js_sys::ArrayBuffer, Vec<String>), String> {
    let mut parts = Vec::new();
    let mut names = Vec::new();
    for i in 0..files.length() {
        let Some(file) = files.item(i) else { continue };
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .ok()
            .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
            .ok_or_else(|| format!("The browser could not read {}.", file.name()))?;
        parts.push(js_sys::Uint8Array::new(&buffer));
        names.push(file.name());
    }
    if parts.len() == 1 {
        if let Some(only) = parts.pop() {
            return Ok((only.buffer(), names));
        }
    }
    let total: u32 = parts.iter().map(|p| p.length() + 1).sum();
    let joined = js_sys::Uint8Array::new_with_length(total);
    let mut at = 0;
    for p in &parts {
        joined.set(p, at);
        at += p.length();
        joined.fill(b'\n', at, at + 1);
        at += 1;
    }
    Ok((joined.buffer(), names))
}

/// The status line under a [`FileDrop`]: `(ok, sentence)`, `None` before any file.
pub type DropStatus = RwSignal<Option<(bool, String)>>;

/// The handler of files as text bytes and their names, answering `(ok, sentence)`.
pub type OnText = Callback<(Vec<u8>, Vec<String>), (bool, String)>;

/// What a [`FileDrop`] hands the files to.
#[derive(Clone, Copy)]
pub enum OnFiles {
    /// The files' joined text as bytes; answers `(ok, message)` for the status line.
    Text(OnText),
    /// The files' joined bytes as one `ArrayBuffer` (never a JS string) and the status line, which
    /// the callee sets when it is done (it may finish later, e.g. in the background worker).
    Buffer(Callback<(js_sys::ArrayBuffer, Vec<String>, DropStatus)>),
}

/// Test ids of a [`FileDrop`]'s parts: the box, the file input and the status line.
#[derive(Debug, Clone, Copy)]
pub struct FileDropIds {
    pub area: &'static str,
    pub input: &'static str,
    pub status: &'static str,
}

/// The box. `on_load` gets the joined bytes and the file names and returns `(ok, message)`.
#[component]
pub fn FileDrop(
    /// The sentence inviting the user to pick or drop files.
    prompt: &'static str,
    /// The input's `accept` list.
    accept: &'static str,
    ids: FileDropIds,
    /// Gets the files' text (see [`OnFiles::Text`]); or give `on_files`.
    #[prop(optional)]
    on_load: Option<OnText>,
    /// Gets the files as [`OnFiles`] says; used when `on_load` is not given.
    #[prop(optional)]
    on_files: Option<OnFiles>,
) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(false);
    let handler = on_load.map(OnFiles::Text).or(on_files);
    let load = move |files: Option<web_sys::FileList>| {
        let Some(files) = files.filter(|f| f.length() > 0) else { return };
        let Some(handler) = handler else { return };
        message.set(Some((true, "Reading…".into())));
        spawn_local(async move {
            match handler {
                OnFiles::Text(on_load) => {
                    let outcome = match read_files(files).await {
                        Err(e) => (false, e),
                        Ok(read) => on_load.run(read),
                    };
                    message.set(Some(outcome));
                }
                OnFiles::Buffer(on_buffer) => match read_buffer(files).await {
                    Err(e) => message.set(Some((false, e))),
                    Ok((buffer, names)) => on_buffer.run((buffer, names, message)),
                },
            }
        });
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        load(ev.data_transfer().and_then(|d| d.files()));
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        load(input.and_then(|i| i.files()));
    };
    view! {
        <div
            class="file-drop"
            class:dragging=move || dragging.get()
            data-testid=ids.area
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label>
                {prompt}
                <input type="file" multiple accept=accept data-testid=ids.input on:change=on_pick/>
            </label>
            {move || message.get().map(|(ok, m)| view! {
                <p class=if ok { "form-ok" } else { "form-error" } role="status" data-testid=ids.status>{m}</p>
            })}
        </div>
    }
}
