//! The notice above a trace that its backend sent incomplete (Tempo v2 `status: "PARTIAL"`,
//! recorded by the core's decoder as [`TraceWarning::Partial`]): shown plainly, as an alert, with
//! the backend's own message as text and what it means for the analyses below it.

use leptos::prelude::*;
use sightline_core::trace::{Trace, TraceWarning};

/// The backend's message when `trace` is partial (`Some("")` when it sent none).
pub fn partial_message(trace: &Trace) -> Option<&str> {
    trace.warnings().iter().find_map(|w| match w {
        TraceWarning::Partial { message } => Some(message.as_str()),
        _ => None,
    })
}

/// The alert; nothing when the trace is complete.
#[component]
pub fn PartialTraceNotice(
    /// The message from [`partial_message`], if any.
    message: Option<String>,
) -> impl IntoView {
    message.map(|m| {
        let said = if m.trim().is_empty() {
            "The backend gave no reason.".to_string()
        } else {
            format!("The backend says: {m}")
        };
        view! {
            <p class="panel-error" role="alert" data-testid="trace-partial">
                <span class="badge error">"Partial trace"</span>
                " The backend marked this trace PARTIAL: some of its spans were not sent, so the durations, critical path, statistics and service map below cover only the spans received. "
                {said}
            </p>
        }
    })
}
