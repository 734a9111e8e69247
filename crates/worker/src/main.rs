//! `sightline-worker`: the page's background worker (a Trunk `data-type="worker"` target, started
//! by the app as `sightline-worker_loader.js`). It answers each message with one message:
//!
//! - in: a JS array `[frame, body]` — `frame` an `ArrayBuffer` holding a
//!   `sightline_core::offload` job frame, `body` the response body's `ArrayBuffer` (transferred by
//!   the page, never a JS string) or `undefined`;
//! - out: an `ArrayBuffer` holding the outcome frame, transferred back; or, for a request job
//!   whose answer the page must also read itself (native histograms), the array
//!   `[frame, body]` with both transferred.
//!
//! A request job (`Job::FetchQuery`) is sent from here ([`fetch`]), so a large body is read off
//! the page's main thread; every other job is `sightline_core::offload::handle_frame`, the same
//! code the page runs itself for small jobs. When it is ready the worker posts the string
//! `"ready"` once, so the page never sends a job before the handler exists. It keeps no state
//! between jobs (the page sends one job at a time).

mod fetch;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use sightline_core::offload::{decode_job, handle_frame, Job};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let (frame, body) = message_parts(&ev.data());
        if let Ok((id, Job::FetchQuery(req))) = decode_job(&frame) {
            let scope = reply_to.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (out, body) = fetch::fetch_and_decode(&scope, id, &req).await;
                reply(&scope, &out, body.as_ref());
            });
            return;
        }
        reply(&reply_to, &handle_frame(&frame, &body), None);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// The job frame and body bytes of a message (empty when missing, which `handle_frame` answers
/// with a failure frame).
fn message_parts(data: &JsValue) -> (Vec<u8>, Vec<u8>) {
    let Some(parts) = data.dyn_ref::<Array>() else {
        return (Vec::new(), Vec::new());
    };
    let bytes = |v: JsValue| v.dyn_into::<ArrayBuffer>().map(|b| Uint8Array::new(&b).to_vec()).unwrap_or_default();
    (bytes(parts.get(0)), bytes(parts.get(1)))
}

/// Posts an outcome frame (and a body) back, transferring the buffers.
fn reply(scope: &DedicatedWorkerGlobalScope, frame: &[u8], body: Option<&ArrayBuffer>) {
    let buffer = Uint8Array::from(frame).buffer();
    // A failed post leaves the page waiting for this job; the page gives up on it when the
    // worker errors or the job is superseded.
    let _ = match body {
        Some(body) => scope.post_message_with_transfer(&Array::of2(&buffer, body), &Array::of2(&buffer, body)),
        None => scope.post_message_with_transfer(&buffer, &Array::of1(&buffer)),
    };
}
