//! The log lines, newest first, as text (never HTML), virtualised: only the rows in view (plus a
//! margin) are in the DOM, so 50,000 lines scroll as smoothly as 50. Each row shows the time, the
//! level (coloured) and the line on one line; a click selects it for [`super::log_details`].

use leptos::html::Div;
use leptos::prelude::*;
use sightline_core::format::format_log_time;
use sightline_core::logs::LogStore;
use sightline_core::row_window::row_window;
use std::sync::Arc;

/// Row height in CSS pixels (the stylesheet's `.log-row` height).
pub const ROW_PX: f64 = 20.0;
/// Height of the scrolling box.
pub const VIEW_PX: f64 = 480.0;
const MARGIN_ROWS: usize = 10;

/// The rows of `store` listed in `rows` (indices, already filtered), in that order.
#[component]
pub fn LogLines(store: Arc<LogStore>, rows: Arc<Vec<usize>>, selected: RwSignal<Option<usize>>, utc: bool) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0f64);
    let list_ref = NodeRef::<Div>::new();
    let total = rows.len();
    let window = Memo::new(move |_| row_window(scroll_top.get(), VIEW_PX, ROW_PX, MARGIN_ROWS, total));
    let fmt = move |t: i64| if utc { format_log_time(t, &chrono::Utc) } else { format_log_time(t, &chrono::Local) };
    let visible = move || {
        let (a, b) = window.get();
        let store = store.clone();
        rows[a..b]
            .iter()
            .enumerate()
            .map(|(k, &row)| {
                let pos = a + k;
                let level = store.levels().get(row).copied().unwrap_or_default();
                let time = fmt(store.timestamps().get(row).copied().unwrap_or(sightline_core::logs::NO_TIME));
                let text = store.line(row).to_string();
                view! {
                    <div
                        class=format!("log-row lvl-{}", level.as_str())
                        class:selected=move || selected.get() == Some(row)
                        data-testid="log-row"
                        data-row=row
                        style:top=format!("{}px", pos as f64 * ROW_PX)
                        on:click=move |_| selected.set(Some(row))
                    >
                        <span class="log-time">{time}</span>
                        <span class=format!("log-level lvl-{}", level.as_str())>{level.as_str()}</span>
                        <span class="log-text">{text}</span>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div
            class="log-lines"
            data-testid="log-lines"
            data-total=total
            node_ref=list_ref
            style:height=format!("{}px", VIEW_PX)
            style:overflow-y="auto"
            on:scroll=move |_| {
                if let Some(el) = list_ref.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            }
        >
            <div class="log-lines-inner" style:height=format!("{}px", total as f64 * ROW_PX)>{visible}</div>
        </div>
    }
}
