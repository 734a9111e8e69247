//! The "… source" select of a page that reads its own kind of source (Traces, Logs): the demo and
//! the configured sources of the kinds the page reads, the one named in the view selected (the
//! demo when the view names none). Choosing one calls `on_pick` with its name, empty for the
//! demo, so the view keeps the demo as its default.

use leptos::prelude::*;
use sightline_core::datasource::SourceKind;
use sightline_core::viewstate::{ViewState, DEMO_SOURCE};

use crate::state::use_app_state;

/// The select.
#[component]
pub fn PageSourcePicker(
    /// The label before the select ("Trace source ").
    label: &'static str,
    testid: &'static str,
    /// Which kinds the page reads.
    accepts: fn(SourceKind) -> bool,
    /// The source name the view holds (empty = the demo).
    current: fn(&ViewState) -> String,
    /// Called with the chosen name (empty for the demo).
    on_pick: Callback<String>,
) -> impl IntoView {
    let state = use_app_state();
    let options = Memo::new(move |_| {
        state.sources.with(|s| {
            s.all()
                .iter()
                .filter(|d| accepts(d.kind))
                .map(|d| (d.name.clone(), format!("{} ({})", d.name, d.kind.as_str())))
                .collect::<Vec<_>>()
        })
    });
    let selected = Memo::new(move |_| {
        let n = state.view.with(current);
        if n.is_empty() {
            DEMO_SOURCE.to_string()
        } else {
            n
        }
    });
    view! {
        <label class="inline">
            {label}
            <select
                data-testid=testid
                prop:value=move || selected.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    on_pick.run(if v == DEMO_SOURCE { String::new() } else { v });
                }
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(name, label)| {
                            let n = name.clone();
                            view! { <option value=name selected=move || selected.get() == n>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}
