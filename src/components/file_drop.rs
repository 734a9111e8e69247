//! A file box: pick files or drop them on it. The files' texts are read in this browser (nothing
//! is uploaded), joined in order with a newline between them, and handed to `on_load`, whose
//! answer (ok or not, and a sentence) is shown under the box. Used by the trace and log imports.

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
    on_load: Callback<(Vec<u8>, Vec<String>), (bool, String)>,
) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let dragging = RwSignal::new(false);
    let load = move |files: Option<web_sys::FileList>| {
        let Some(files) = files.filter(|f| f.length() > 0) else { return };
        message.set(Some((true, "Reading…".into())));
        spawn_local(async move {
            let outcome = match read_files(files).await {
                Err(e) => (false, e),
                Ok(read) => on_load.run(read),
            };
            message.set(Some(outcome));
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
