//! The page's side of the background worker: starts it on first use (`sightline-worker_loader.js`
//! next to the page, so a sub-path build finds it), waits for its `"ready"`, and sends it one job
//! at a time — the worker is one thread, so queueing here loses nothing and keeps every queued
//! job's buffers with the page until they are sent.
//!
//! - [`start_early`] starts the worker before the first job (when a page will send one soon).
//! - Cancelling ([`run`]'s abort signal fires): a queued job is dropped; the job in flight is
//!   stopped by terminating the worker, and a fresh one starts for whatever is queued next.
//! - A worker that does not start (script missing, load error, no `"ready"` within
//!   [`START_TIMEOUT_MS`]) is marked broken for this page: every job then gets
//!   [`OffloadError::Unavailable`] without being sent, and the caller runs it on the main thread.
//! - A worker that fails during a job (an error event) fails that job with
//!   [`OffloadError::Failed`] (its buffers were already transferred) and is replaced.
//! - The answer comes back as its frame bytes ([`Answer`]), checked to be for the job asked; the
//!   caller reads it (in slices, for a large matrix: `super::jobs`).

use futures::channel::oneshot;
use futures::future::{select, Either};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use sightline_core::offload::{decode_outcome, frame_id, Outcome};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, ErrorEvent, Event, MessageEvent, Worker};

/// The worker's loader script (Trunk's loader shim for the `sightline-worker` binary), resolved
/// against the page's base URL.
pub const WORKER_SCRIPT: &str = "sightline-worker_loader.js";

/// How long the worker may take to say it is ready before the page stops waiting for it.
pub const START_TIMEOUT_MS: u32 = 10_000;

/// Why a job did not run in the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum OffloadError {
    /// No worker: it could not start. The job was not sent; run it on the main thread.
    Unavailable(String),
    /// The job was superseded (its abort signal fired).
    Cancelled,
    /// The worker failed during the job or answered something unreadable.
    Failed(String),
}

impl fmt::Display for OffloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OffloadError::Unavailable(why) => write!(f, "the background worker is not available ({why})"),
            OffloadError::Cancelled => write!(f, "the work was replaced by newer work"),
            OffloadError::Failed(why) => write!(f, "the background worker failed: {why}"),
        }
    }
}

/// The worker's answer to a job: its outcome frame, and the response body when the worker sends
/// it back too (a request job whose answer holds native histograms).
pub struct Answer {
    pub frame: Vec<u8>,
    pub body: Option<ArrayBuffer>,
}

type Reply = oneshot::Sender<Result<Answer, OffloadError>>;

struct Pending {
    id: u32,
    frame: Vec<u8>,
    body: Option<ArrayBuffer>,
    reply: Reply,
}

enum Phase {
    Idle,
    Starting(Worker),
    Ready(Worker),
    Broken(String),
}

/// The event handlers of the current worker (kept alive while it lives).
type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(Event)>);

struct Client {
    phase: Phase,
    /// Bumped for every worker started, so events of a replaced worker are ignored.
    generation: u32,
    queue: VecDeque<Pending>,
    in_flight: Option<(u32, Reply)>,
    next_id: u32,
    handlers: Option<Handlers>,
}

thread_local! {
    static CLIENT: RefCell<Client> = const { RefCell::new(Client {
        phase: Phase::Idle,
        generation: 0,
        queue: VecDeque::new(),
        in_flight: None,
        next_id: 1,
        handlers: None,
    }) };
}

/// Runs a job in the worker: `frame(id)` encodes it (see `sightline_core::offload`), `body` is a
/// response body to transfer with it. `abort` cancels it.
pub async fn run(
    frame: impl FnOnce(u32) -> Vec<u8>,
    body: Option<ArrayBuffer>,
    abort: Option<&AbortSignal>,
) -> Result<Answer, OffloadError> {
    if abort.is_some_and(AbortSignal::aborted) {
        return Err(OffloadError::Cancelled);
    }
    let (reply, answer) = oneshot::channel();
    let id = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let id = c.next_id;
        c.next_id = c.next_id.wrapping_add(1).max(1);
        c.queue.push_back(Pending { id, frame: frame(id), body, reply });
        id
    });
    pump();
    let Some(signal) = abort else {
        return answer.await.unwrap_or(Err(OffloadError::Cancelled));
    };
    let (fired, on_fire) = oneshot::channel::<()>();
    let fired = RefCell::new(Some(fired));
    let listener = Closure::<dyn FnMut()>::new(move || {
        if let Some(tx) = fired.borrow_mut().take() {
            let _ = tx.send(());
        }
    });
    let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
    let result = match select(answer, on_fire).await {
        Either::Left((answer, _)) => answer.unwrap_or(Err(OffloadError::Cancelled)),
        Either::Right(_) => {
            cancel(id);
            Err(OffloadError::Cancelled)
        }
    };
    let _ = signal.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
    result
}

/// Starts the worker now, if none is running or starting and none failed to start, so that the
/// first job does not wait for its start-up.
pub fn start_early() {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if matches!(c.phase, Phase::Idle) {
            c.start_worker();
        }
    });
}

/// Drops job `id`: from the queue, or by replacing the worker that is running it.
fn cancel(id: u32) {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.queue.retain(|p| p.id != id);
        if c.in_flight.as_ref().is_some_and(|(running, _)| *running == id) {
            c.in_flight = None;
            c.stop_worker();
        }
    });
    pump();
}

/// Moves the queue forward: starts a worker when jobs wait and there is none, sends the next job
/// when the worker is idle, fails everything when the worker cannot start.
fn pump() {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.queue.is_empty() {
            return;
        }
        match &c.phase {
            Phase::Broken(why) => {
                let why = why.clone();
                for p in c.queue.drain(..) {
                    let _ = p.reply.send(Err(OffloadError::Unavailable(why.clone())));
                }
            }
            Phase::Idle => c.start_worker(),
            Phase::Starting(_) => {}
            Phase::Ready(worker) => {
                if c.in_flight.is_some() {
                    return;
                }
                let worker = worker.clone();
                let Some(p) = c.queue.pop_front() else { return };
                let frame = Uint8Array::from(p.frame.as_slice()).buffer();
                let message = Array::of2(&frame, p.body.as_ref().map_or(&JsValue::UNDEFINED, |b| b.as_ref()));
                let transfer = match &p.body {
                    Some(body) => Array::of2(&frame, body),
                    None => Array::of1(&frame),
                };
                match worker.post_message_with_transfer(&message, &transfer) {
                    Ok(()) => c.in_flight = Some((p.id, p.reply)),
                    Err(e) => {
                        let _ = p.reply.send(Err(OffloadError::Failed(format!("the job could not be sent ({e:?})"))));
                    }
                }
            }
        }
    });
}

impl Client {
    fn start_worker(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let url = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .and_then(|base| web_sys::Url::new_with_base(WORKER_SCRIPT, &base).ok())
            .map(|u| u.href());
        let Some(worker) = url.and_then(|u| Worker::new(&u).ok()) else {
            self.phase = Phase::Broken("the browser refused to start a Web Worker".into());
            // `pump` is running and drains the queue on its next call.
            wasm_bindgen_futures::spawn_local(async { pump() });
            return;
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| on_message(generation, ev.data()));
        let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            let detail = ev.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).filter(|m| !m.is_empty());
            ev.prevent_default();
            on_error(generation, detail.unwrap_or_else(|| "its script could not be loaded".into()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.handlers = Some((on_message, on_error));
        self.phase = Phase::Starting(worker);
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(START_TIMEOUT_MS).await;
            on_start_timeout(generation);
        });
    }

    fn stop_worker(&mut self) {
        if let Phase::Starting(w) | Phase::Ready(w) = &self.phase {
            w.terminate();
        }
        self.phase = Phase::Idle;
        self.handlers = None;
    }
}

fn on_message(generation: u32, data: JsValue) {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.generation != generation {
            return;
        }
        if data.as_string().as_deref() == Some("ready") {
            if let Phase::Starting(w) = &c.phase {
                c.phase = Phase::Ready(w.clone());
            }
            return;
        }
        let Some((id, reply)) = c.in_flight.take() else { return };
        let _ = reply.send(answer_of(id, data));
    });
    pump();
}

/// The answer to job `id` in a worker message: a frame, or `[frame, body]`.
fn answer_of(id: u32, data: JsValue) -> Result<Answer, OffloadError> {
    let (frame, body) = match data.dyn_into::<Array>() {
        Ok(parts) => (parts.get(0), parts.get(1).dyn_into::<ArrayBuffer>().ok()),
        Err(data) => (data, None),
    };
    let Ok(frame) = frame.dyn_into::<ArrayBuffer>() else {
        return Err(OffloadError::Failed("it answered with something other than a frame".into()));
    };
    let frame = Uint8Array::new(&frame).to_vec();
    match frame_id(&frame) {
        Ok(got) if got == id => Ok(Answer { frame, body }),
        Ok(got) => match decode_outcome(&frame) {
            Ok((_, Outcome::Failed { message, .. })) => Err(OffloadError::Failed(message)),
            _ => Err(OffloadError::Failed(format!("it answered job {got} instead of job {id}"))),
        },
        Err(e) => Err(OffloadError::Failed(e.to_string())),
    }
}

fn on_error(generation: u32, detail: String) {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.generation != generation {
            return;
        }
        match c.phase {
            Phase::Starting(_) => {
                c.stop_worker();
                c.phase = Phase::Broken(detail);
            }
            _ => {
                if let Some((_, reply)) = c.in_flight.take() {
                    let _ = reply.send(Err(OffloadError::Failed(detail)));
                }
                c.stop_worker();
            }
        }
    });
    pump();
}

fn on_start_timeout(generation: u32) {
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.generation == generation && matches!(c.phase, Phase::Starting(_)) {
            c.stop_worker();
            c.phase = Phase::Broken(format!("it did not start within {} s", START_TIMEOUT_MS / 1000));
        }
    });
    pump();
}
