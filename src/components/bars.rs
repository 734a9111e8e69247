//! The bars display for instant vector results (Grafana's bar gauge, horizontal): one row per
//! series, sorted by value (largest first), with a bar whose width is a percentage of the track
//! and the unit-formatted value as text (three significant digits; the exact value in its
//! tooltip).
//!
//! Definitions ([`bar_extents`]): the track spans `[min(0, smallest finite), max(0, largest
//! finite)]`, so every bar starts at zero — positive bars grow right from the zero line, negative
//! bars grow left to it. `NaN` and `±Inf` get no bar, only their text (`NaN`, `+Inf`, `-Inf`);
//! they sort after the finite values (`+Inf` first among them). All-zero results draw no bars.
//! Names and values reach the page as text, never as HTML.

use leptos::prelude::*;
use sightline_core::promql_info::guess_unit;
use sightline_core::series::InstantSample;
use sightline_core::units::{format_with_unit, Unit};
use std::cmp::Ordering;

use crate::charts::palette::{self, css, series_color};
use crate::charts::short::format_short;
use super::panel_view::use_panel_view;
use crate::state::{theme, use_app_state};

/// Where one bar sits on its track, in percent of the track width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarExtent {
    /// Left edge, 0–100.
    pub left_pct: f64,
    /// Width, 0–100.
    pub width_pct: f64,
}

/// The bar of each value (`None` for non-finite values), and the zero line's position in percent;
/// see the module doc.
pub fn bar_extents(values: &[f64]) -> (Vec<Option<BarExtent>>, f64) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = hi - lo;
    let pos = |v: f64| if span > 0.0 && span.is_finite() { ((v - lo) / span * 100.0).clamp(0.0, 100.0) } else { 0.0 };
    let zero = pos(0.0);
    let bars = values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return None;
            }
            let p = pos(v);
            Some(BarExtent { left_pct: p.min(zero), width_pct: (p - zero).abs() })
        })
        .collect();
    (bars, zero)
}

/// Sort order of the rows: finite values largest first, then `+Inf`, `-Inf`, `NaN`; ties by name.
fn by_value(a: (&str, f64), b: (&str, f64)) -> Ordering {
    let rank = |v: f64| match v {
        v if v.is_finite() => 0,
        f64::INFINITY => 1,
        f64::NEG_INFINITY => 2,
        _ => 3,
    };
    rank(a.1).cmp(&rank(b.1)).then_with(|| b.1.total_cmp(&a.1)).then_with(|| a.0.cmp(b.0))
}

/// One row, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub name: String,
    pub value: f64,
    /// The value to three significant digits ([`format_short`]).
    pub text: String,
    /// The exact value (tooltip).
    pub exact: String,
    pub bar: Option<BarExtent>,
    /// Index in the original (label-sorted) result, for the series colour.
    pub color_index: usize,
}

/// The rows of `samples`, sorted by value; see the module doc.
pub fn bar_rows(samples: &[InstantSample], unit: Unit) -> (Vec<BarRow>, f64) {
    let mut named: Vec<(String, f64)> = samples.iter().map(|s| (s.labels.display_name(), s.value)).collect();
    // Colours follow the label order, as in the chart and its legend.
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sorted: Vec<(usize, String, f64)> = named.into_iter().enumerate().map(|(i, (n, v))| (i, n, v)).collect();
    sorted.sort_by(|a, b| by_value((&a.1, a.2), (&b.1, b.2)));
    let values: Vec<f64> = sorted.iter().map(|r| r.2).collect();
    let (bars, zero) = bar_extents(&values);
    let rows = sorted
        .into_iter()
        .zip(bars)
        .map(|((color_index, name, value), bar)| BarRow { name, value, text: format_short(value, unit), exact: format_with_unit(value, unit), bar, color_index })
        .collect();
    (rows, zero)
}

/// Horizontal bars for an instant vector.
#[component]
pub fn BarsView(
    /// The instant samples to show.
    samples: Vec<InstantSample>,
) -> impl IntoView {
    let state = use_app_state();
    let theme_now = Memo::new(move |_| theme::effective(state.view.with(|v| v.theme)));
    let panel_view = use_panel_view().view;
    let unit = Memo::new(move |_| panel_view.with(|v| v.unit.unwrap_or_else(|| guess_unit(&v.query))));
    let body = move || {
        let (rows, zero) = bar_rows(&samples, unit.get());
        let pal = palette::for_theme(theme_now.get());
        let has_negative = rows.iter().any(|r| r.value < 0.0 && r.value.is_finite());
        rows.into_iter()
            .map(|r| {
                let color = css(series_color(&pal, r.color_index));
                let bar = r.bar.map(|b| {
                    view! { <div class="bar-fill" style=format!("left:{:.3}%;width:{:.3}%;background:{color}", b.left_pct, b.width_pct)></div> }
                });
                let zero_line = has_negative.then(|| view! { <div class="bar-zero" style=format!("left:{zero:.3}%")></div> });
                let title = r.name.clone();
                view! {
                    <li class="bar-row" data-testid="bar-row" data-value=r.value.to_string() class:non-finite=!r.value.is_finite()>
                        <span class="bar-name" title=title>{r.name}</span>
                        <div class="bar-track" aria-hidden="true">{zero_line}{bar}</div>
                        <span class="bar-value num" title=r.exact>{r.text}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! { <ul class="bars" data-testid="bars" aria-label="Values by series, largest first">{body}</ul> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_bars_start_at_zero_and_scale_to_the_largest() {
        let (bars, zero) = bar_extents(&[10.0, 5.0, 0.0]);
        assert_eq!(zero, 0.0);
        assert_eq!(bars[0], Some(BarExtent { left_pct: 0.0, width_pct: 100.0 }));
        assert_eq!(bars[1], Some(BarExtent { left_pct: 0.0, width_pct: 50.0 }));
        assert_eq!(bars[2], Some(BarExtent { left_pct: 0.0, width_pct: 0.0 }));
    }

    #[test]
    fn rows_sort_largest_first_with_non_finite_last() {
        let sample = |name: &str, value: f64| InstantSample { labels: [("s", name)].into_iter().collect(), t_ms: 0, value };
        let samples = [sample("a", 1.0), sample("b", f64::NAN), sample("c", 7.0), sample("d", -2.0), sample("e", f64::INFINITY)];
        let (rows, _) = bar_rows(&samples, Unit::None);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["{s=\"c\"}", "{s=\"a\"}", "{s=\"d\"}", "{s=\"e\"}", "{s=\"b\"}"]);
        assert_eq!(rows[3].text, "+Inf");
        assert!(rows[3].bar.is_none());
    }

    #[test]
    fn negative_bars_grow_left_from_the_zero_line_and_non_finite_get_none() {
        let (bars, zero) = bar_extents(&[3.0, -1.0, f64::NAN, f64::INFINITY]);
        assert_eq!(zero, 25.0);
        assert_eq!(bars[0], Some(BarExtent { left_pct: 25.0, width_pct: 75.0 }));
        assert_eq!(bars[1], Some(BarExtent { left_pct: 0.0, width_pct: 25.0 }));
        assert_eq!(bars[2], None);
        assert_eq!(bars[3], None);
    }
}
