//! The time-range picker in the Grafana dialect: a button describing the range, and a popover
//! with from/to fields (`now-6h`, `now/d`, `2024-01-15 10:00:00`, epoch ms), Grafana's quick
//! ranges, the time zone, and zoom-out / shift buttons. Invalid input is reported in place and
//! never applied.

use chrono::{Local, Utc};
use leptos::prelude::*;
use sightline_core::time::{self, TimeRange, QUICK_RANGES};
use sightline_core::viewstate::TimeZoneChoice;

use crate::state::{browser, use_app_state};

/// The picker button and its popover.
#[component]
pub fn TimePicker() -> impl IntoView {
    let state = use_app_state();
    let open = RwSignal::new(false);
    let from_text = RwSignal::new(String::new());
    let to_text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);

    let label = Memo::new(move |_| {
        state.view.with(|v| match TimeRange::parse(&v.from, &v.to) {
            Ok(r) => match v.tz {
                TimeZoneChoice::Utc => time::describe(&r, &Utc),
                TimeZoneChoice::Browser => time::describe(&r, &Local),
            },
            Err(_) => format!("{} to {}", v.from, v.to),
        })
    });

    let toggle = move |_| {
        if !open.get_untracked() {
            state.view.with_untracked(|v| {
                from_text.set(v.from.clone());
                to_text.set(v.to.clone());
            });
            problem.set(None);
        }
        open.update(|o| *o = !*o);
    };

    let apply = move |from: String, to: String| match TimeRange::parse(&from, &to).and_then(|r| {
        let now = browser::now_ms();
        match state.view.with_untracked(|v| v.tz) {
            TimeZoneChoice::Utc => r.resolve(now, &Utc),
            TimeZoneChoice::Browser => r.resolve(now, &Local),
        }
    }) {
        Ok(_) => {
            state.update_view(|v| {
                v.from = from.trim().to_string();
                v.to = to.trim().to_string();
            });
            problem.set(None);
            open.set(false);
        }
        Err(e) => problem.set(Some(e.to_string())),
    };

    let move_range = move |zoom: bool, forward: bool| {
        let (from, to, tz) = state.view.with_untracked(|v| (v.from.clone(), v.to.clone(), v.tz));
        let Ok(range) = TimeRange::parse(&from, &to) else { return };
        let now = browser::now_ms();
        let moved = match (zoom, tz) {
            (true, TimeZoneChoice::Utc) => range.zoom_out(now, &Utc),
            (true, TimeZoneChoice::Browser) => range.zoom_out(now, &Local),
            (false, TimeZoneChoice::Utc) => range.shift(now, &Utc, forward),
            (false, TimeZoneChoice::Browser) => range.shift(now, &Local, forward),
        };
        if let Ok(r) = moved {
            state.update_view(|v| {
                v.from = r.from.to_string();
                v.to = r.to.to_string();
            });
        }
    };

    let quick = move || QUICK_RANGES
        .iter()
        .map(|q| {
            let (from, to, label) = (q.from, q.to, q.label);
            view! {
                <li>
                    <button class="link-button" data-testid="quick-range" on:click=move |_| apply(from.to_string(), to.to_string())>
                        {label}
                    </button>
                </li>
            }
        })
        .collect_view();

    view! {
        <div class="time-picker">
            <button class="icon-button" aria-label="Shift the range back" title="Shift back by half the range" on:click=move |_| move_range(false, false)>"‹"</button>
            <button
                class="control-button"
                data-testid="time-picker"
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                on:click=toggle
            >
                {move || label.get()}
                {move || (state.view.with(|v| v.tz) == TimeZoneChoice::Utc).then_some(" UTC")}
            </button>
            <button class="icon-button" aria-label="Shift the range forward" title="Shift forward by half the range" on:click=move |_| move_range(false, true)>"›"</button>
            <button class="icon-button" aria-label="Zoom out" title="Zoom out (double the range)" on:click=move |_| move_range(true, false)>"⊖"</button>
            <Show when=move || open.get()>
                <div class="popover" role="dialog" aria-label="Time range">
                    <form
                        class="range-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            apply(from_text.get_untracked(), to_text.get_untracked());
                        }
                    >
                        <label>
                            "From"
                            <input data-testid="time-from" type="text" prop:value=move || from_text.get() on:input=move |ev| from_text.set(event_target_value(&ev))/>
                        </label>
                        <label>
                            "To"
                            <input data-testid="time-to" type="text" prop:value=move || to_text.get() on:input=move |ev| to_text.set(event_target_value(&ev))/>
                        </label>
                        <p class="hint">"now-6h, now/d (start of today), now-1M/M, 2024-01-15 10:00:00, or epoch ms"</p>
                        {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                        <div class="row">
                            <button type="submit" data-testid="time-apply">"Apply time range"</button>
                            <label class="inline">
                                <input
                                    type="checkbox"
                                    prop:checked=move || state.view.with(|v| v.tz == TimeZoneChoice::Utc)
                                    on:change=move |ev| {
                                        let utc = event_target_checked(&ev);
                                        state.update_view(|v| v.tz = if utc { TimeZoneChoice::Utc } else { TimeZoneChoice::Browser });
                                    }
                                />
                                " UTC"
                            </label>
                        </div>
                    </form>
                    <ul class="quick-ranges">{quick}</ul>
                </div>
            </Show>
        </div>
    }
}
