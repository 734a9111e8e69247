//! The worker's own request (`sightline_core::offload::Job::FetchQuery`): sends it with the
//! worker's `fetch`, reads the body into WASM memory here, decodes it with the same core function
//! the page uses, and answers with the outcome frame — plus the body itself when the page asked
//! for it and the answer holds native histograms (the page decodes those from the same bytes).
//!
//! The timeout covers the response and its whole body (an `AbortController` fires when it runs
//! out, as the page's own fetch gives up after the same time); a failure is a
//! `FetchFailure` carrying the browser's error as "Name: message", which the page turns into the
//! message its own fetch would give. Cancelling is the page's: it terminates this worker, which
//! ends the request with it.

use js_sys::{ArrayBuffer, Uint8Array};
use sightline_core::formats::prometheus::with_native::has_native;
use sightline_core::offload::{encode_outcome, execute, FetchFailure, FetchRequest, Job, Outcome};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response, WorkerGlobalScope};

/// The answer to job `id`: its outcome frame, and the response body when the page needs it too.
pub async fn fetch_and_decode(scope: &WorkerGlobalScope, id: u32, req: &FetchRequest) -> (Vec<u8>, Option<ArrayBuffer>) {
    let start = now(scope);
    let (status, buffer) = match fetch(scope, req).await {
        Ok(got) => got,
        Err(failure) => return (encode_outcome(id, &Outcome::FetchFailed(failure)), None),
    };
    let fetched = now(scope);
    let outcome = execute(&Job::DecodeQuery { status }, &Uint8Array::new(&buffer).to_vec());
    let body_too = req.with_native && matches!(&outcome, Outcome::Decoded(resp) if has_native(resp));
    let frame = encode_outcome(id, &outcome);
    let size = f64::from(buffer.byte_length()) / 1e6;
    let line = format!(
        "sightline: the background worker received {size:.1} MB in {:.0} ms, then decoded it and wrote the answer frame in {:.0} ms",
        fetched - start,
        now(scope) - fetched
    );
    web_sys::console::info_1(&line.into());
    (frame, body_too.then_some(buffer))
}

fn now(scope: &WorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// Sends `req` and reads its whole body, within its timeout.
async fn fetch(scope: &WorkerGlobalScope, req: &FetchRequest) -> Result<(u16, ArrayBuffer), FetchFailure> {
    let network = |e: JsValue| FetchFailure::Network { detail: js_detail(&e) };
    let controller = AbortController::new().map_err(network)?;
    let init = RequestInit::new();
    init.set_method(&req.method);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    let headers = Headers::new().map_err(network)?;
    for (name, value) in &req.headers {
        headers.append(name, value).map_err(network)?;
    }
    init.set_headers(&headers);
    init.set_signal(Some(&controller.signal()));

    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let (timed_out, controller) = (timed_out.clone(), controller.clone());
        Closure::<dyn FnMut()>::new(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let ms = i32::try_from(req.timeout_ms).unwrap_or(i32::MAX);
    let timer = scope.set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.as_ref().unchecked_ref(), ms).ok();
    let failure = |e: JsValue| match timed_out.get() {
        true => FetchFailure::Timeout { ms: req.timeout_ms },
        false => network(e),
    };
    let result = async {
        let resp: Response = JsFuture::from(scope.fetch_with_str_and_init(&req.url, &init)).await.map_err(failure)?.unchecked_into();
        let buffer = JsFuture::from(resp.array_buffer().map_err(failure)?).await.map_err(failure)?;
        let buffer = buffer.dyn_into::<ArrayBuffer>().map_err(|_| network(JsValue::from_str("the response body was not binary")))?;
        Ok((resp.status(), buffer))
    }
    .await;
    if let Some(handle) = timer {
        scope.clear_timeout_with_handle(handle);
    }
    result
}

/// "Name: message" of a JS exception, as the page reports its own fetch errors.
fn js_detail(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!("{}: {}", String::from(err.name()), String::from(err.message())),
        None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}
