//! The chart legend: one entry per series with its colour and display name. Click isolates a
//! series (click again to show all), Ctrl/⌘-click toggles one series — as in Grafana. Names are
//! rendered as text, never as HTML.

use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

use sightline_core::viewstate::Theme;

use crate::charts::palette::{self, css, series_color};

/// Which series are hidden, by index.
pub type Hidden = RwSignal<BTreeSet<usize>>;

/// Applies a legend click to the hidden set.
pub fn click(hidden: &mut BTreeSet<usize>, index: usize, count: usize, toggle_one: bool) {
    if toggle_one {
        if !hidden.remove(&index) {
            hidden.insert(index);
        }
        return;
    }
    let isolated = !hidden.contains(&index) && hidden.len() + 1 == count;
    hidden.clear();
    if !isolated {
        hidden.extend((0..count).filter(|&i| i != index));
    }
}

/// The legend for `names`, coloured by the palette of `theme` (recoloured when it changes).
#[component]
pub fn Legend(
    /// Series display names, in chart order.
    names: Arc<Vec<String>>,
    /// Hidden series indices (shared with the chart).
    hidden: Hidden,
    /// The effective theme, whose palette colours the swatches.
    #[prop(into)]
    theme: Signal<Theme>,
) -> impl IntoView {
    let count = names.len();
    let items = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let color = move || format!("background:{}", css(series_color(&palette::for_theme(theme.get()), i)));
            let name = name.clone();
            view! {
                <li
                    class="legend-item"
                    class:hidden=move || hidden.with(|h| h.contains(&i))
                    data-testid="legend-item"
                    role="button"
                    tabindex="0"
                    title="Click to isolate, Ctrl/⌘-click to toggle"
                    on:click=move |ev| {
                        let toggle = ev.ctrl_key() || ev.meta_key();
                        hidden.update(|h| click(h, i, count, toggle));
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            hidden.update(|h| click(h, i, count, false));
                        }
                    }
                >
                    <span class="swatch" style=color></span>
                    <span class="legend-name">{name}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="legend" aria-label="Series">{items}</ul> }
}
