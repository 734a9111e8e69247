//! Explore: a PromQL editor (range or instant query) above the query panel. The editor text is
//! local until "Run query" (or Shift/Ctrl+Enter) commits it to the URL, which runs the panel.

use leptos::prelude::*;
use sightline_core::units::Unit;
use sightline_core::viewstate::{AnalysisKind, ChartStyle, InstantStyle, QueryMode};

use crate::components::analysis::AnalysisPanel;
use crate::components::panel::QueryPanel;
use crate::components::panel_view::style_label;
use crate::state::use_app_state;

/// The Explore page.
#[component]
pub fn ExplorePage() -> impl IntoView {
    let state = use_app_state();
    let committed = Memo::new(move |_| state.view.with(|v| v.query.clone()));
    let draft = RwSignal::new(committed.get_untracked());
    // A new committed query (history navigation, source switch) replaces the draft.
    Effect::new(move |_| draft.set(committed.get()));
    let embed = Memo::new(move |_| state.view.with(|v| v.embed));

    // Query B and the expression between A and B (client-side), committed with A on Run.
    let committed_b = Memo::new(move |_| state.view.with(|v| (v.query_b.clone(), v.expression.clone())));
    let draft_b = RwSignal::new(committed_b.get_untracked().0);
    let draft_expr = RwSignal::new(committed_b.get_untracked().1);
    let show_b = RwSignal::new(!draft_b.get_untracked().is_empty());
    Effect::new(move |_| {
        let (b, e) = committed_b.get();
        draft_b.set(b);
        draft_expr.set(e);
    });

    let run = move || {
        let (text, b, e) = (draft.get_untracked(), draft_b.get_untracked(), draft_expr.get_untracked());
        if state.view.with_untracked(|v| v.query == text && v.query_b == b && v.expression == e) {
            state.refresh_tick.update(|t| *t += 1);
        } else {
            state.update_view(|v| {
                v.query = text;
                v.query_b = b;
                v.expression = e;
            });
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.shift_key() || ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            run();
        }
    };

    view! {
        <section class="page explore">
            <Show when=move || !embed.get()>
                <div class="query-editor">
                    <label class="sr-only" for="query-input">"PromQL query"</label>
                    <textarea
                        id="query-input"
                        data-testid="query-input"
                        rows="2"
                        spellcheck="false"
                        placeholder="PromQL, e.g. sum by (service) (rate(http_requests_total[5m]))"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=on_keydown
                    ></textarea>
                    <Show
                        when=move || show_b.get()
                        fallback=move || view! {
                            <button class="link-button add-query" data-testid="add-query-b" on:click=move |_| show_b.set(true)>
                                "+ Query B and an expression (A / B, A − B …, computed in the browser)"
                            </button>
                        }
                    >
                        <label class="sr-only" for="query-b">"Query B"</label>
                        <textarea
                            id="query-b"
                            data-testid="query-b"
                            rows="1"
                            spellcheck="false"
                            placeholder="Query B, e.g. sum by (service) (rate(http_requests_total[5m]))"
                            prop:value=move || draft_b.get()
                            on:input=move |ev| draft_b.set(event_target_value(&ev))
                            on:keydown=on_keydown
                        ></textarea>
                        <label class="inline">
                            "Expression "
                            <input
                                data-testid="expr-input"
                                type="text"
                                class="narrow-wide"
                                placeholder="A / B"
                                title="One operation between the queries: A / B, A - B, A + B, A * B. Series are matched by label set (or one-to-many when a side has one series), samples by timestamp; unmatched series are reported."
                                prop:value=move || draft_expr.get()
                                on:input=move |ev| draft_expr.set(event_target_value(&ev))
                                on:keydown=on_keydown
                            />
                        </label>
                    </Show>
                    <div class="row">
                        <select
                            data-testid="query-mode"
                            aria-label="Query type"
                            on:change=move |ev| {
                                let mode = if event_target_value(&ev) == "instant" { QueryMode::Instant } else { QueryMode::Range };
                                state.update_view(|v| v.mode = mode);
                            }
                        >
                            <option value="range" selected=move || state.view.with(|v| v.mode == QueryMode::Range)>"Range (chart)"</option>
                            <option value="instant" selected=move || state.view.with(|v| v.mode == QueryMode::Instant)>"Instant (one time)"</option>
                        </select>
                        <Show when=move || state.view.with(|v| v.mode == QueryMode::Range)>
                            <select
                                data-testid="chart-style"
                                aria-label="Chart style"
                                on:change=move |ev| {
                                    let style = ChartStyle::parse(&event_target_value(&ev)).unwrap_or_default();
                                    state.update_view(|v| v.style = style);
                                }
                            >
                                {ChartStyle::ALL
                                    .into_iter()
                                    .map(|c| {
                                        view! { <option value=c.as_str() selected=move || state.view.with(|v| v.style == c)>{style_label(c)}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </Show>
                        <Show when=move || state.view.with(|v| v.mode == QueryMode::Instant)>
                            <select
                                data-testid="instant-style"
                                aria-label="Instant result display"
                                on:change=move |ev| {
                                    let style = InstantStyle::parse(&event_target_value(&ev)).unwrap_or_default();
                                    state.update_view(|v| v.instant_style = style);
                                }
                            >
                                {InstantStyle::ALL
                                    .into_iter()
                                    .map(|c| {
                                        let label = match c {
                                            InstantStyle::Table => "Table",
                                            InstantStyle::Bars => "Bars",
                                        };
                                        view! { <option value=c.as_str() selected=move || state.view.with(|v| v.instant_style == c)>{label}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </Show>
                        <select
                            data-testid="unit-picker"
                            aria-label="Unit"
                            title="The unit of the values; Auto guesses it from the metric name (Prometheus naming conventions)"
                            on:change=move |ev| {
                                let unit = Unit::parse(&event_target_value(&ev)).ok();
                                state.update_view(|v| v.unit = unit);
                            }
                        >
                            <option value="auto" selected=move || state.view.with(|v| v.unit.is_none())>"Unit: auto"</option>
                            {Unit::ALL
                                .into_iter()
                                .map(|u| view! { <option value=u.as_str() selected=move || state.view.with(|v| v.unit == Some(u))>{u.label()}</option> })
                                .collect_view()}
                        </select>
                        <button class="primary" data-testid="run-query" on:click=move |_| run()>"Run query"</button>
                        <span class="hint">"Shift+Enter runs the query"</span>
                    </div>
                    <AnalysisControls/>
                </div>
            </Show>
            <QueryPanel/>
            <Show when=move || state.view.with(|v| v.analyze.is_some())>
                <AnalysisPanel/>
            </Show>
        </section>
    }
}

/// The analysis row: which client-side analysis of the raw samples to run, and its parameters.
#[component]
fn AnalysisControls() -> impl IntoView {
    let state = use_app_state();
    let kind = Memo::new(move |_| state.view.with(|v| v.analyze));
    view! {
        <div class="row">
            <select
                data-testid="analysis-kind"
                aria-label="Analysis of raw samples"
                title="Computed in the browser from the raw samples the selector matches"
                on:change=move |ev| {
                    let kind = AnalysisKind::parse(&event_target_value(&ev));
                    state.update_view(|v| v.analyze = kind);
                }
            >
                <option value="none" selected=move || kind.get().is_none()>"No analysis"</option>
                <option value="percentiles" selected=move || kind.get() == Some(AnalysisKind::Percentiles)>"Exact percentiles (raw samples)"</option>
                <option value="histogram" selected=move || kind.get() == Some(AnalysisKind::Histogram)>"histogram_quantile in the browser"</option>
            </select>
            <Show when=move || kind.get() == Some(AnalysisKind::Histogram)>
                <label class="inline">
                    "q "
                    <input
                        data-testid="analysis-q"
                        type="number"
                        min="0"
                        max="1"
                        step="0.01"
                        class="narrow"
                        prop:value=move || state.view.with(|v| v.analysis_q.to_string())
                        on:change=move |ev| {
                            if let Some(q) = event_target_value(&ev).parse::<f64>().ok().filter(|q| (0.0..=1.0).contains(q)) {
                                state.update_view(|v| v.analysis_q = q);
                            }
                        }
                    />
                </label>
                <label class="inline">
                    "by "
                    <input
                        data-testid="analysis-by"
                        type="text"
                        placeholder="le only; or service, route"
                        prop:value=move || state.view.with(|v| v.analysis_by.clone())
                        on:change=move |ev| {
                            let by = event_target_value(&ev);
                            state.update_view(|v| v.analysis_by = by);
                        }
                    />
                </label>
            </Show>
            <Show when=move || kind.get().is_some()>
                <label class="inline" title="Fetch every raw sample even past the 10M-sample budget (may be slow)">
                    <input
                        type="checkbox"
                        data-testid="analysis-exact"
                        prop:checked=move || state.view.with(|v| v.force_exact)
                        on:change=move |ev| {
                            let exact = event_target_checked(&ev);
                            state.update_view(|v| v.force_exact = exact);
                        }
                    />
                    " Exact anyway"
                </label>
            </Show>
        </div>
    }
}
