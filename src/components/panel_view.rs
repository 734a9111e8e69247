//! What a query panel shows — its query, range, chart style, unit and anomaly band — as one value
//! the panel and its displays (chart, heatmap, stat tiles, bars, native histograms) read. On
//! Explore it is the URL's view; a dashboard panel provides its own with [`provide`], so each
//! panel of a dashboard has its own query and style while sharing the page's range and source.

use leptos::prelude::*;
use sightline_core::units::Unit;
use sightline_core::viewstate::{ChartStyle, InstantStyle, QueryMode, TimeZoneChoice, ViewState};

use crate::state::use_app_state;

/// A panel's query and display choices.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelView {
    pub query: String,
    pub mode: QueryMode,
    pub from: String,
    pub to: String,
    pub tz: TimeZoneChoice,
    pub style: ChartStyle,
    pub instant_style: InstantStyle,
    /// The chosen unit; `None` = guessed from the query's metric name.
    pub unit: Option<Unit>,
    pub band: bool,
    /// Query B and the expression between A and B (Explore only; empty otherwise).
    pub query_b: String,
    pub expression: String,
    /// The panel's title (a dashboard panel's); `None` = the query is the title (Explore).
    pub title: Option<String>,
}

impl PanelView {
    /// Explore's panel: everything from the URL's view.
    pub fn of_view(v: &ViewState) -> PanelView {
        PanelView {
            query: v.query.clone(),
            mode: v.mode,
            from: v.from.clone(),
            to: v.to.clone(),
            tz: v.tz,
            style: v.style,
            instant_style: v.instant_style,
            unit: v.unit,
            band: v.band,
            query_b: v.query_b.clone(),
            expression: v.expression.clone(),
            title: None,
        }
    }
}

/// The panel view in context, and where the anomaly band's checkbox writes.
#[derive(Clone, Copy)]
pub struct PanelViewContext {
    pub view: Signal<PanelView>,
    pub set_band: Callback<bool>,
}

/// Makes `ctx` the panel view of the components below.
pub fn provide(ctx: PanelViewContext) {
    provide_context(ctx);
}

/// The panel view of the enclosing dashboard panel, else Explore's (the URL's view).
pub fn use_panel_view() -> PanelViewContext {
    use_context::<PanelViewContext>().unwrap_or_else(|| {
        let state = use_app_state();
        let view = Memo::new(move |_| state.view.with(PanelView::of_view));
        PanelViewContext {
            view: view.into(),
            set_band: Callback::new(move |on| state.update_view(|v| v.band = on)),
        }
    })
}

/// A chart style's name in menus.
pub fn style_label(style: ChartStyle) -> &'static str {
    match style {
        ChartStyle::Lines => "Lines",
        ChartStyle::Area => "Area",
        ChartStyle::Stacked => "Stacked",
        ChartStyle::Heatmap => "Heatmap (histogram buckets)",
        ChartStyle::Stat => "Stat",
    }
}
