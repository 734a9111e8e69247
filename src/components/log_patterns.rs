//! The patterns tab: the loaded lines grouped into templates ([`sightline_core::logs::patterns`]),
//! largest first, each with its count, share of the loaded lines, level mix, first and last
//! time, and the template as text. How templates are made is stated above the table.

use leptos::prelude::*;
use sightline_core::format::format_log_time;
use sightline_core::logs::patterns::{patterns, MAX_PATTERNS, SIMILARITY};
use sightline_core::logs::{Level, LogStore};
use std::sync::Arc;

/// The most rows shown (the rest are summed in a last line).
const SHOWN: usize = 200;

/// The patterns of `store`.
#[component]
pub fn LogPatterns(store: Arc<LogStore>, utc: bool) -> impl IntoView {
    let found = patterns(&store);
    let total = store.len().max(1);
    let fmt = move |t: Option<i64>| match t {
        None => "—".to_string(),
        Some(t) if utc => format_log_time(t, &chrono::Utc),
        Some(t) => format_log_time(t, &chrono::Local),
    };
    let hidden: usize = found.patterns.iter().skip(SHOWN).map(|p| p.count).sum();
    let hidden_patterns = found.patterns.len().saturating_sub(SHOWN);
    let rows = found
        .patterns
        .iter()
        .take(SHOWN)
        .map(|p| {
            let mix = Level::ALL
                .iter()
                .filter(|l| p.levels[l.index()] > 0)
                .map(|l| view! { <span class=format!("log-level lvl-{}", l.as_str())>{format!("{} {}", l.as_str(), p.levels[l.index()])}</span> })
                .collect_view();
            view! {
                <tr data-testid="log-pattern">
                    <td class="num" data-testid="log-pattern-count">{p.count}</td>
                    <td class="num">{format!("{:.1} %", p.count as f64 * 100.0 / total as f64)}</td>
                    <td>{mix}</td>
                    <td class="time-cell">{fmt(p.first_ns)}</td>
                    <td class="time-cell">{fmt(p.last_ns)}</td>
                    <td class="log-template" data-testid="log-pattern-template">{p.template.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="log-patterns" data-testid="log-patterns">
            <p class="hint">
                {format!(
                    "{} pattern(s) over the {} loaded line(s). Words with a digit (and the values of key=value words with a digit) are variables, shown as <*>; lines with the same word count and first word join the template they share more than {:.0} % of words with (Drain). At most {MAX_PATTERNS} patterns; share = the pattern's lines / loaded lines.",
                    found.patterns.len(),
                    store.len(),
                    SIMILARITY * 100.0
                )}
            </p>
            {(found.unclustered > 0).then(|| view! {
                <p class="panel-warnings">{format!("{} line(s) did not fit within the {MAX_PATTERNS}-pattern cap and are not grouped.", found.unclustered)}</p>
            })}
            <table class="result-table">
                <thead><tr><th>"Lines"</th><th>"Share"</th><th>"Levels"</th><th>"First"</th><th>"Last"</th><th>"Pattern"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {(hidden_patterns > 0).then(|| view! {
                <p class="hint">{format!("{hidden_patterns} smaller pattern(s) with {hidden} line(s) in all are not listed.")}</p>
            })}
        </div>
    }
}
