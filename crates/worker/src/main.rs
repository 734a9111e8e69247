//! `sightline-worker`: the page's background worker (a Trunk `data-type="worker"` target, started
//! by the app as `sightline-worker_loader.js`). It answers each message with one message:
//!
//! - in: a JS array `[frame, body]` — `frame` an `ArrayBuffer` holding a
//!   `sightline_core::offload` job frame, `body` the response body's `ArrayBuffer` (transferred by
//!   the page, never a JS string) or `undefined`;
//! - out: an `ArrayBuffer` holding the outcome frame, transferred back.
//!
//! The work is `sightline_core::offload::handle_frame`, the same code the page runs itself for
//! small jobs. When it is ready the worker posts the string `"ready"` once, so the page never
//! sends a job before the handler exists. It keeps no state between jobs.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use sightline_core::offload::handle_frame;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let out = Uint8Array::from(respond(&ev.data()).as_slice());
        let buffer = out.buffer();
        // A failed post leaves the page waiting for this job; the page gives up on it when the
        // worker errors or the job is superseded.
        let _ = reply_to.post_message_with_transfer(&buffer, &Array::of1(&buffer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// The outcome frame for one message (a malformed message gets a failure frame).
fn respond(data: &JsValue) -> Vec<u8> {
    let Some(parts) = data.dyn_ref::<Array>() else {
        return handle_frame(&[], &[]);
    };
    let bytes = |v: JsValue| v.dyn_into::<ArrayBuffer>().map(|b| Uint8Array::new(&b).to_vec()).unwrap_or_default();
    handle_frame(&bytes(parts.get(0)), &bytes(parts.get(1)))
}
