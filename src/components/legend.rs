//! The chart legend as a table (Grafana's table legend): one row per series with its colour, its
//! display name and statistics of the loaded samples — mean, min, max, last and exact p50/p95/p99
//! (core [`legend_rows`]) — each column header explaining its definition. Click a row to isolate
//! the series (click again to show all), Ctrl/⌘-click to toggle one — as in Grafana; click a
//! column header to sort. Names are rendered as text, never as HTML. The statistics of many
//! series are computed in slices, so the page stays responsive while they are.
//!
//! A legend of more than [`VIRTUAL_FROM_ROWS`] series is virtualised: only the rows in its
//! scrolling box (and a margin) are laid out, between spacer rows as tall as the rows left out,
//! so a 180-series answer does not lay out 180 rows in one task. Sorting orders all rows; a line
//! under the table gives the number of series, and `aria-rowcount`/`aria-rowindex` the positions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::row_window::row_window;
use sightline_core::series::Series;
use sightline_core::stats::legend::{legend_rows, LegendRow};
use sightline_core::units::{format_with_unit, Unit};
use sightline_core::viewstate::Theme;
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::charts::palette::{self, css, series_color};
use crate::offload::slices;

/// Legends with more series than this lay out only the rows in view.
pub const VIRTUAL_FROM_ROWS: usize = 40;
/// Row height of a virtualised legend in CSS px (the stylesheet's `.legend.virtual` row height).
pub const ROW_PX: f64 = 20.0;
/// The legend's scrolling height until it is first scrolled (the stylesheet's `max-height`).
const VIEW_PX: f64 = 220.0;
/// Rows laid out above and below the view.
const MARGIN_ROWS: usize = 10;

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

/// A statistic column: header, definition (the header's tooltip), value of a row.
type Column = (&'static str, &'static str, fn(&LegendRow) -> Option<f64>);

/// The statistic columns, in display order.
const COLUMNS: [Column; 7] = [
    ("Mean", "Arithmetic mean of the finite samples loaded for this series (n).", |r| r.summary.mean),
    ("Min", "Smallest finite sample.", |r| r.summary.min),
    ("Max", "Largest finite sample.", |r| r.summary.max),
    ("Last", "Last finite sample in the range.", |r| r.summary.last.map(|(_, v)| v)),
    ("p50", "Exact median of the loaded samples: linear interpolation between closest ranks (Hyndman–Fan type 7, as Prometheus quantile_over_time). Over the query's points at its step, not a percentile of raw requests.", |r| quantile(r, 0)),
    ("p95", "Exact 95th percentile of the loaded samples (type 7 linear interpolation).", |r| quantile(r, 1)),
    ("p99", "Exact 99th percentile of the loaded samples (type 7 linear interpolation).", |r| quantile(r, 2)),
];

fn quantile(r: &LegendRow, i: usize) -> Option<f64> {
    r.quantiles.as_ref().and_then(|q| q.get(i).copied())
}

/// The legend table for `series` (names from their labels), coloured by `theme`'s palette.
#[component]
pub fn Legend(
    /// Series in chart order.
    series: Arc<Vec<Series>>,
    /// Hidden series indices (shared with the chart).
    hidden: Hidden,
    /// The effective theme, whose palette colours the swatches.
    #[prop(into)]
    theme: Signal<Theme>,
    /// The unit values are shown in.
    #[prop(into)]
    unit: Signal<Unit>,
) -> impl IntoView {
    let count = series.len();
    let names: Arc<Vec<String>> = Arc::new(series.iter().map(|s| s.labels.display_name()).collect());
    let rows = statistics(series.clone());
    // When every row's statistics were ready (the page's `performance.now()`), for load timings.
    let stats_ms = Memo::new(move |_| rows.with(Option::is_some).then(|| web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())));
    // (column, descending); None = chart order.
    let sort = RwSignal::new(None::<(usize, bool)>);
    let virtualised = count > VIRTUAL_FROM_ROWS;
    let table_ref = NodeRef::<leptos::html::Table>::new();
    // Scroll offset and height of the table's box.
    let view_box = RwSignal::new((0.0f64, VIEW_PX));
    let window = Memo::new(move |_| match virtualised {
        true => view_box.with(|&(top, height)| row_window(top, height, ROW_PX, MARGIN_ROWS, count)),
        false => (0, count),
    });
    let spacer = move |rows: usize| {
        virtualised.then(|| {
            view! { <tr class="legend-spacer" aria-hidden="true" style:height=format!("{}px", rows as f64 * ROW_PX)><td colspan="9"></td></tr> }
        })
    };
    let order = move |rows: &[LegendRow]| {
        let mut idx: Vec<usize> = (0..count).collect();
        if let Some((col, desc)) = sort.get() {
            if let Some((_, _, value)) = COLUMNS.get(col) {
                idx.sort_by(|&a, &b| {
                    let va = rows.get(a).and_then(value).unwrap_or(f64::NEG_INFINITY);
                    let vb = rows.get(b).and_then(value).unwrap_or(f64::NEG_INFINITY);
                    if desc { vb.total_cmp(&va) } else { va.total_cmp(&vb) }
                });
            }
        }
        idx
    };
    let headers = COLUMNS
        .iter()
        .enumerate()
        .map(|(c, (title, definition, _))| {
            let arrow = move || match sort.get() {
                Some((col, true)) if col == c => " ↓",
                Some((col, false)) if col == c => " ↑",
                _ => "",
            };
            view! {
                <th class="num" scope="col" title=*definition aria-sort=move || match sort.get() {
                    Some((col, true)) if col == c => "descending",
                    Some((col, false)) if col == c => "ascending",
                    _ => "none",
                }>
                    <button class="link-button" on:click=move |_| sort.update(|s| *s = next_sort(*s, c))>{*title}{arrow}</button>
                </th>
            }
        })
        .collect_view();
    let body = move || {
        let Some(rows) = rows.get() else {
            return view! { <tr><td colspan="9" data-testid="legend-computing">"Computing statistics…"</td></tr> }.into_any();
        };
        let (first, last) = window.get();
        let shown = order(&rows)
            .get(first..last)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let position = first + k;
                let name = names.get(i).cloned().unwrap_or_default();
                let row = rows.get(i).cloned();
                let color = move || format!("background:{}", css(series_color(&palette::for_theme(theme.get()), i)));
                let cells = COLUMNS
                    .iter()
                    .map(|(_, _, value)| {
                        let v = row.as_ref().and_then(value);
                        view! { <td class="num">{move || v.map(|v| format_with_unit(v, unit.get())).unwrap_or_else(|| "–".into())}</td> }
                    })
                    .collect_view();
                let (n, excluded) = row.as_ref().map(|r| (r.summary.count, r.summary.non_finite())).unwrap_or((0, 0));
                let n_title = format!("{n} finite samples; {excluded} NaN/±Inf excluded");
                view! {
                    <tr
                        class="legend-item"
                        class:hidden=move || hidden.with(|h| h.contains(&i))
                        data-testid="legend-item"
                        aria-rowindex=position + 2
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
                        <td class="legend-name"><span class="swatch" style=color></span>{name}</td>
                        {cells}
                        <td class="num" title=n_title>{n}</td>
                    </tr>
                }
            })
            .collect_view();
        view! { {spacer(first)} {shown} {spacer(count.saturating_sub(last))} }.into_any()
    };
    let count_line = virtualised.then(|| {
        view! {
            <p class="legend-count" data-testid="legend-count">
                {format!("{count} series: scroll the legend to see them all (only the rows in view are laid out; sorting orders all of them).")}
            </p>
        }
    });
    view! {
        <table
            class="legend"
            class:virtual=virtualised
            aria-label="Series and their statistics"
            aria-rowcount=count + 1
            data-stats-ms=move || stats_ms.get().map(|ms| format!("{ms:.1}"))
            node_ref=table_ref
            on:scroll=move |_| {
                if let Some(el) = table_ref.get_untracked().filter(|_| virtualised) {
                    view_box.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
                }
            }
        >
            <thead>
                <tr>
                    <th scope="col">"Series"</th>
                    {headers}
                    <th class="num" scope="col" title="Finite samples loaded for this series (the statistics' sample size)">"n"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        {count_line}
    }
}

/// Header clicks cycle: descending → ascending → chart order.
fn next_sort(current: Option<(usize, bool)>, col: usize) -> Option<(usize, bool)> {
    match current {
        Some((c, true)) if c == col => Some((col, false)),
        Some((c, false)) if c == col => None,
        _ => Some((col, true)),
    }
}

/// The legend rows of `series`, computed in slices of at most `offload::slices::SLICE_MS` per
/// task: immediately when they fit in one slice (the usual case), otherwise the signal is `None`
/// until the last slice is done. A large result starts in a task of its own
/// (`slices::start_inline`).
fn statistics(series: Arc<Vec<Series>>) -> RwSignal<Option<Arc<Vec<LegendRow>>>> {
    let mut done: Vec<LegendRow> = Vec::with_capacity(series.len());
    let samples: usize = series.iter().map(Series::len).sum();
    let complete = if slices::small(samples) {
        done.extend(legend_rows(&series));
        true
    } else {
        slices::start_inline(samples) && fill_rows(&series, &mut done)
    };
    let rows = RwSignal::new(complete.then(|| Arc::new(std::mem::take(&mut done))));
    if !complete {
        spawn_local(async move {
            loop {
                slices::yield_now().await;
                if rows.is_disposed() {
                    return;
                }
                if fill_rows(&series, &mut done) {
                    rows.set(Some(Arc::new(done)));
                    return;
                }
            }
        });
    }
    rows
}

/// Appends rows to `done` for one slice; true when every series has its row.
fn fill_rows(series: &[Series], done: &mut Vec<LegendRow>) -> bool {
    let mut more = slices::budget();
    while let Some(s) = series.get(done.len()) {
        done.extend(legend_rows(std::slice::from_ref(s)));
        if !more() {
            break;
        }
    }
    done.len() >= series.len()
}
