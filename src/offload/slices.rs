//! Main-thread work in slices: a time budget per task and a way to give the page's event loop a
//! turn between slices, for work that must stay on the main thread (drawing on a canvas) or is
//! cheap per item but large in number (legend statistics of many series).

use std::cell::Cell;

/// Work done in one task before yielding to the page (ms): well under the 50 ms at which the
/// browser reports a long task, leaving room for the rest of the task.
pub const SLICE_MS: f64 = 20.0;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

thread_local! {
    /// When the current task's sliced work began; cleared by a zero-delay timer queued at that
    /// moment, which runs after the current task (and before any later `yield_now` resumes).
    static TASK_START: Cell<Option<f64>> = const { Cell::new(None) };
}

/// The start of the current task's sliced work (the first [`budget`] asked for in this task).
fn task_start() -> f64 {
    TASK_START.with(|t| {
        if let Some(start) = t.get() {
            return start;
        }
        let start = now();
        // The reset closure is freed once it has run (`once_into_js`); if it cannot be scheduled,
        // nothing is recorded and each budget counts from its own start, as before.
        let reset = wasm_bindgen::closure::Closure::once_into_js(|| TASK_START.with(|t| t.set(None)));
        let scheduled = web_sys::window()
            .is_some_and(|w| w.set_timeout_with_callback(wasm_bindgen::JsCast::unchecked_ref(&reset)).is_ok());
        if scheduled {
            t.set(Some(start));
        }
        start
    })
}

/// "Go on" while less than [`SLICE_MS`] has passed since this task's sliced work began: the
/// budget is the task's, shared by every piece of sliced work that runs in it (reading an answer,
/// a legend's statistics, a chart's reduction and drawing), so pieces that happen to run in one
/// task — as a dashboard's panels do when their answers arrive together — still end it in time.
/// A task that starts with its budget spent does one item of work and yields.
pub fn budget() -> impl FnMut() -> bool {
    let start = task_start();
    move || now() - start < SLICE_MS
}

/// Ends the current task; resumes in a new one (a zero-delay timer), after the browser has had a
/// chance to handle input and paint.
pub async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Raster work allowed in one task (backing pixels of line length): drawing calls only record
/// work that the browser then rasterises at the end of the task — in software about 0.1 µs per
/// pixel of a 1.5 px line — so a slice of canvas drawing is bounded by its ink as well as by its
/// time.
pub const INK_PER_SLICE: f64 = 250_000.0;

/// [`budget`] for canvas drawing: "go on" while under [`SLICE_MS`] and under [`INK_PER_SLICE`]
/// pixels of line drawn (`ink` of each line as it is drawn).
pub fn ink_budget() -> impl FnMut(f64) -> bool {
    let mut time = budget();
    let mut total = 0.0;
    move |ink| {
        total += ink;
        total < INK_PER_SLICE && time()
    }
}

/// Samples in total up to which sliced work starts in the task that asked for it (small results
/// appear at once); above it the first slice waits for a task of its own, so a large result's
/// chart, legend and answer reading do not each add a slice to the task that sets them up.
pub const INLINE_SAMPLES: usize = 500_000;

/// Samples in total up to which sliced work is done at once whatever the task's budget: well
/// under a millisecond, and a small legend or chart appears with its panel.
pub const SMALL_SAMPLES: usize = 20_000;

/// Whether work over `samples` values in total is small enough to do at once ([`SMALL_SAMPLES`]).
pub fn small(samples: usize) -> bool {
    samples <= SMALL_SAMPLES
}

/// Whether work over `samples` values in total may start in the current task.
pub fn start_inline(samples: usize) -> bool {
    samples <= INLINE_SAMPLES
}
