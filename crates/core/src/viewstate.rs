//! The view state that lives in the URL: which page, data source, query, time range, refresh,
//! theme and embed mode. Reloading a page or opening a copied link reproduces the view.
//!
//! [`ViewState::from_query`] parses a query string once into typed values; unknown parameters are
//! ignored and unknown values fall back to defaults (a shared link never fails to open).
//! [`ViewState::to_query`] writes only the parameters that differ from the defaults, in a fixed
//! order, so links are short and deterministic. Credentials are never part of the view state.
//!
//! Parameters (schema v1): `page`, `ds`, `q`, `mode` (`range`|`instant`), `from`, `to` (Grafana
//! time grammar, see [`crate::time`]), `tz` (`browser`|`utc`), `refresh` (`off`, `30s`, …),
//! `theme` (`light`|`dark`), `embed` (present, or `v1`: hide the chrome), `style`
//! (`lines`|`area`|`stacked`|`heatmap`|`stat`: how a range result is drawn), `istyle`
//! (`table`|`bars`: how an instant vector is shown), `unit` (a [`crate::units::Unit`] id
//! such as `s`, `bytes`, `reqps`; absent = guessed from the query's metric name), `analyze`
//! (`percentiles`|`histogram`: a client-side analysis of the query's raw samples), `aq` (the
//! histogram quantile, default 0.99), `aby` (comma-separated labels the histogram keeps), `exact`
//! (fetch raw samples even past the planner's budget), `band` (draw the anomaly band), `qb`
//! (a second query, B) and `expr` (a client-side expression between A and B, such as `A / B`).
//! The Traces page's parameters are [`crate::trace_view`]'s, the Logs page's
//! [`crate::logs::query`]'s.

use crate::units::Unit;
use crate::urlencoding::{encode_pairs, parse_query};

/// The pages of the app, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Explore,
    Logs,
    Traces,
    Slos,
    Dashboards,
    Alerts,
    Settings,
}

impl Page {
    /// Every page, in navigation order.
    pub const ALL: [Page; 7] =
        [Page::Explore, Page::Logs, Page::Traces, Page::Slos, Page::Dashboards, Page::Alerts, Page::Settings];

    /// The URL and test-id spelling (`explore`, `slos`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Page::Explore => "explore",
            Page::Logs => "logs",
            Page::Traces => "traces",
            Page::Slos => "slos",
            Page::Dashboards => "dashboards",
            Page::Alerts => "alerts",
            Page::Settings => "settings",
        }
    }

    /// The navigation label.
    pub fn title(self) -> &'static str {
        match self {
            Page::Explore => "Explore",
            Page::Logs => "Logs",
            Page::Traces => "Traces",
            Page::Slos => "SLOs",
            Page::Dashboards => "Dashboards",
            Page::Alerts => "Alerts",
            Page::Settings => "Settings",
        }
    }

    fn parse(s: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Range query (a chart over time) or instant query (a table at one time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryMode {
    #[default]
    Range,
    Instant,
}

impl QueryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryMode::Range => "range",
            QueryMode::Instant => "instant",
        }
    }
}

/// How a range result is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartStyle {
    #[default]
    Lines,
    /// Lines filled down to zero.
    Area,
    /// Each series drawn on top of the ones before it (filled); the readout keeps each series'
    /// own value.
    Stacked,
    /// A heatmap of cumulative histogram buckets (`le` series) over time.
    Heatmap,
    /// One tile per series: the last value, large, with a sparkline.
    Stat,
}

impl ChartStyle {
    pub const ALL: [ChartStyle; 5] =
        [ChartStyle::Lines, ChartStyle::Area, ChartStyle::Stacked, ChartStyle::Heatmap, ChartStyle::Stat];

    pub fn as_str(self) -> &'static str {
        match self {
            ChartStyle::Lines => "lines",
            ChartStyle::Area => "area",
            ChartStyle::Stacked => "stacked",
            ChartStyle::Heatmap => "heatmap",
            ChartStyle::Stat => "stat",
        }
    }

    pub fn parse(s: &str) -> Option<ChartStyle> {
        ChartStyle::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How an instant (vector) result is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InstantStyle {
    /// One row per series with labels, value and time.
    #[default]
    Table,
    /// Horizontal bars per series, sorted by value.
    Bars,
}

impl InstantStyle {
    pub const ALL: [InstantStyle; 2] = [InstantStyle::Table, InstantStyle::Bars];

    pub fn as_str(self) -> &'static str {
        match self {
            InstantStyle::Table => "table",
            InstantStyle::Bars => "bars",
        }
    }

    pub fn parse(s: &str) -> Option<InstantStyle> {
        InstantStyle::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A client-side analysis of the raw samples a selector query matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisKind {
    /// Exact percentiles of every raw sample, per series and over all series.
    Percentiles,
    /// `histogram_quantile` computed in the browser from raw classic `_bucket` counters.
    Histogram,
}

impl AnalysisKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisKind::Percentiles => "percentiles",
            AnalysisKind::Histogram => "histogram",
        }
    }

    pub fn parse(s: &str) -> Option<AnalysisKind> {
        match s {
            "percentiles" => Some(AnalysisKind::Percentiles),
            "histogram" => Some(AnalysisKind::Histogram),
            _ => None,
        }
    }
}

/// The default quantile of the histogram analysis.
pub const DEFAULT_ANALYSIS_Q: f64 = 0.99;

/// Colour theme. `None` in the view state means "follow the stored or system preference".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// Which clock times are shown and calendar rounding (`now/d`) is done in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeZoneChoice {
    /// The browser's local time zone (Grafana's default).
    #[default]
    Browser,
    Utc,
}

impl TimeZoneChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeZoneChoice::Browser => "browser",
            TimeZoneChoice::Utc => "utc",
        }
    }
}

/// The name of the always-present built-in demo data source.
pub const DEMO_SOURCE: &str = "demo";
/// Default range start (Grafana's dashboard default).
pub const DEFAULT_FROM: &str = "now-6h";
/// Default range end.
pub const DEFAULT_TO: &str = "now";
/// The query shown on the demo source when the URL names none.
pub const DEMO_DEFAULT_QUERY: &str = "sum by (service) (rate(http_requests_total[5m]))";

/// The whole view state of the app, as carried by the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    pub page: Page,
    /// Data-source name; [`DEMO_SOURCE`] by default.
    pub ds: String,
    /// The PromQL query text, as typed.
    pub query: String,
    pub mode: QueryMode,
    /// Range start and end as typed, in the Grafana time grammar (validated when resolved).
    pub from: String,
    pub to: String,
    pub tz: TimeZoneChoice,
    /// Auto-refresh as typed (`off`, `30s`, …; validated by [`crate::time`]).
    pub refresh: String,
    pub theme: Option<Theme>,
    /// Embed mode: no header or navigation, only the content.
    pub embed: bool,
    pub style: ChartStyle,
    /// How an instant vector result is shown.
    pub instant_style: InstantStyle,
    /// The value unit; `None` = guess from the query.
    pub unit: Option<Unit>,
    pub analyze: Option<AnalysisKind>,
    /// The histogram analysis' quantile, in `[0, 1]`.
    pub analysis_q: f64,
    /// Labels the histogram analysis keeps (besides `le`), as typed: `service, route`.
    pub analysis_by: String,
    /// Fetch raw samples even when the planner would pre-aggregate on the server.
    pub force_exact: bool,
    /// Draw the anomaly band (rolling mean ± 2σ) of the visible series.
    pub band: bool,
    /// A second query (B) for a client-side expression.
    pub query_b: String,
    /// The client-side expression between A and B (`A / B`); empty = show A.
    pub expression: String,
    /// The Traces page's parameters (`tds`, `trace`, `cmp`, `tsvc`, …; see [`crate::trace_view`]).
    pub traces: crate::trace_view::TraceView,
    /// The SLO whose page is shown (`?page=slos&slo=<id>`); empty = the SLO overview.
    pub slo: String,
    /// SLO definitions shared by a link (the storage JSON of `slo::store`); empty = none.
    pub slodefs: String,
    /// The Logs page's parameters (`lds`, `lq`, `llimit`, `ltab`; see [`crate::logs::query`]).
    pub logs: crate::logs::query::LogView,
    /// The Dashboards page's dashboard (`board=`, the JSON of [`crate::dashboard::Dashboard`]);
    /// empty = the demo dashboard (on the demo source) or none.
    pub board: String,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            page: Page::Explore,
            ds: DEMO_SOURCE.to_string(),
            query: DEMO_DEFAULT_QUERY.to_string(),
            mode: QueryMode::Range,
            from: DEFAULT_FROM.to_string(),
            to: DEFAULT_TO.to_string(),
            tz: TimeZoneChoice::Browser,
            refresh: "off".to_string(),
            theme: None,
            embed: false,
            style: ChartStyle::Lines,
            instant_style: InstantStyle::Table,
            unit: None,
            analyze: None,
            analysis_q: DEFAULT_ANALYSIS_Q,
            analysis_by: String::new(),
            force_exact: false,
            band: false,
            query_b: String::new(),
            expression: String::new(),
            traces: crate::trace_view::TraceView::default(),
            slo: String::new(),
            slodefs: String::new(),
            logs: crate::logs::query::LogView::default(),
            board: String::new(),
        }
    }
}

impl ViewState {
    /// Parses a query string (`?page=explore&q=…`). Never fails: unknown or malformed values fall
    /// back to their defaults. A URL without `q` gets the demo query only on the demo source.
    pub fn from_query(query: &str) -> ViewState {
        let mut state = ViewState::default();
        let mut saw_query = false;
        for (key, value) in parse_query(query) {
            match key.as_str() {
                "page" => state.page = Page::parse(&value).unwrap_or_default(),
                "ds" if !value.trim().is_empty() => state.ds = value,
                "q" => {
                    state.query = value;
                    saw_query = true;
                }
                "mode" if value == "instant" => state.mode = QueryMode::Instant,
                "from" if !value.trim().is_empty() => state.from = value,
                "to" if !value.trim().is_empty() => state.to = value,
                "tz" if value == "utc" => state.tz = TimeZoneChoice::Utc,
                "refresh" if !value.trim().is_empty() => state.refresh = value,
                "theme" => state.theme = Theme::parse(&value),
                "embed" => state.embed = value != "0" && value != "false",
                "style" => state.style = ChartStyle::parse(&value).unwrap_or_default(),
                "istyle" => state.instant_style = InstantStyle::parse(&value).unwrap_or_default(),
                "unit" => state.unit = Unit::parse(&value).ok(),
                "analyze" => state.analyze = AnalysisKind::parse(&value),
                "aq" => {
                    if let Some(q) = value.parse::<f64>().ok().filter(|q| (0.0..=1.0).contains(q)) {
                        state.analysis_q = q;
                    }
                }
                "aby" => state.analysis_by = value,
                "exact" => state.force_exact = value != "0" && value != "false",
                "band" => state.band = value != "0" && value != "false",
                "qb" => state.query_b = value,
                "expr" => state.expression = value,
                "slo" => state.slo = value,
                "slodefs" => state.slodefs = value,
                "board" => state.board = value,
                _ => {}
            }
        }
        state.traces = crate::trace_view::TraceView::from_pairs(&parse_query(query));
        state.logs = crate::logs::query::LogView::from_pairs(&parse_query(query));
        if !saw_query && state.ds != DEMO_SOURCE {
            state.query = String::new();
        }
        state
    }

    /// The query string (without `?`) holding every parameter that differs from the default,
    /// in a fixed order. An empty string means "all defaults".
    pub fn to_query(&self) -> String {
        let d = ViewState::default();
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if self.page != d.page {
            pairs.push(("page", self.page.as_str()));
        }
        if self.ds != d.ds {
            pairs.push(("ds", &self.ds));
        }
        let default_query = if self.ds == DEMO_SOURCE { DEMO_DEFAULT_QUERY } else { "" };
        if self.query != default_query {
            pairs.push(("q", &self.query));
        }
        if self.mode != d.mode {
            pairs.push(("mode", self.mode.as_str()));
        }
        if self.from != d.from {
            pairs.push(("from", &self.from));
        }
        if self.to != d.to {
            pairs.push(("to", &self.to));
        }
        if self.tz != d.tz {
            pairs.push(("tz", self.tz.as_str()));
        }
        if self.refresh != d.refresh {
            pairs.push(("refresh", &self.refresh));
        }
        if let Some(theme) = self.theme {
            pairs.push(("theme", theme.as_str()));
        }
        if self.embed {
            pairs.push(("embed", "v1"));
        }
        if self.style != d.style {
            pairs.push(("style", self.style.as_str()));
        }
        if self.instant_style != d.instant_style {
            pairs.push(("istyle", self.instant_style.as_str()));
        }
        if let Some(unit) = self.unit {
            pairs.push(("unit", unit.as_str()));
        }
        if let Some(kind) = self.analyze {
            pairs.push(("analyze", kind.as_str()));
        }
        let q_text = self.analysis_q.to_string();
        if self.analysis_q != d.analysis_q {
            pairs.push(("aq", &q_text));
        }
        if !self.analysis_by.is_empty() {
            pairs.push(("aby", &self.analysis_by));
        }
        if self.force_exact {
            pairs.push(("exact", "1"));
        }
        if self.band {
            pairs.push(("band", "1"));
        }
        if !self.query_b.is_empty() {
            pairs.push(("qb", &self.query_b));
        }
        if !self.expression.is_empty() {
            pairs.push(("expr", &self.expression));
        }
        let trace_pairs = self.traces.pairs();
        pairs.extend(trace_pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if !self.slo.is_empty() {
            pairs.push(("slo", &self.slo));
        }
        if !self.slodefs.is_empty() {
            pairs.push(("slodefs", &self.slodefs));
        }
        let log_pairs = self.logs.pairs();
        pairs.extend(log_pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if !self.board.is_empty() {
            pairs.push(("board", &self.board));
        }
        encode_pairs(&pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_query_is_the_default_view_on_the_demo_source() {
        let s = ViewState::from_query("");
        assert_eq!(s, ViewState::default());
        assert_eq!(s.query, DEMO_DEFAULT_QUERY);
        assert_eq!(s.to_query(), "");
    }

    #[test]
    fn other_source_without_query_starts_empty() {
        let s = ViewState::from_query("?ds=prom");
        assert_eq!(s.query, "");
        assert_eq!(s.to_query(), "ds=prom");
    }

    #[test]
    fn round_trips_every_parameter() {
        let s = ViewState {
            page: Page::Settings,
            ds: "prom".into(),
            query: r#"rate(x{a="b c"}[5m])"#.into(),
            mode: QueryMode::Instant,
            from: "now-3h".into(),
            to: "1705312800000".into(),
            tz: TimeZoneChoice::Utc,
            refresh: "30s".into(),
            theme: Some(Theme::Dark),
            embed: true,
            style: ChartStyle::Stacked,
            instant_style: InstantStyle::Bars,
            unit: Some(Unit::Bytes),
            analyze: Some(AnalysisKind::Histogram),
            analysis_q: 0.9,
            analysis_by: "service".into(),
            force_exact: true,
            band: true,
            query_b: "up".into(),
            expression: "A/B".into(),
            traces: crate::trace_view::TraceView::default(),
            slo: "payments-availability".into(),
            slodefs: "{}".into(),
            logs: crate::logs::query::LogView::default(),
            board: "{\"t\":1}".into(),
        };
        let q = s.to_query();
        assert_eq!(
            q,
            "page=settings&ds=prom&q=rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29&mode=instant&from=now-3h&to=1705312800000&tz=utc&refresh=30s&theme=dark&embed=v1&style=stacked&istyle=bars&unit=bytes&analyze=histogram&aq=0.9&aby=service&exact=1&band=1&qb=up&expr=A%2FB&slo=payments-availability&slodefs=%7B%7D&board=%7B%22t%22%3A1%7D"
        );
        assert_eq!(ViewState::from_query(&q), s);
    }

    #[test]
    fn every_chart_style_round_trips_through_the_url() {
        for style in ChartStyle::ALL {
            let s = ViewState { style, ..ViewState::default() };
            let back = ViewState::from_query(&s.to_query());
            assert_eq!(back.style, style, "{}", s.to_query());
        }
        assert_eq!(ViewState::from_query("style=heatmap").style, ChartStyle::Heatmap);
        assert_eq!(ViewState::from_query("style=stat").style, ChartStyle::Stat);
        assert_eq!(ViewState::from_query("style=pie").style, ChartStyle::Lines);
    }

    #[test]
    fn instant_style_defaults_to_table_and_round_trips_bars() {
        assert_eq!(ViewState::from_query("").instant_style, InstantStyle::Table);
        let s = ViewState::from_query("mode=instant&istyle=bars");
        assert_eq!(s.instant_style, InstantStyle::Bars);
        assert_eq!(s.to_query(), "mode=instant&istyle=bars");
        assert_eq!(ViewState::from_query(&s.to_query()), s);
        // The default is not written; unknown values fall back to the table.
        assert_eq!(ViewState { instant_style: InstantStyle::Table, ..s.clone() }.to_query(), "mode=instant");
        assert_eq!(ViewState::from_query("istyle=pie").instant_style, InstantStyle::Table);
    }

    #[test]
    fn unknown_values_fall_back_to_defaults() {
        let s = ViewState::from_query("page=nope&mode=weird&theme=pink&tz=mars&from=&unknown=1");
        assert_eq!(s.page, Page::Explore);
        assert_eq!(s.mode, QueryMode::Range);
        assert_eq!(s.theme, None);
        assert_eq!(s.tz, TimeZoneChoice::Browser);
        assert_eq!(s.from, DEFAULT_FROM);
    }

    #[test]
    fn bare_embed_flag_enables_embed_mode() {
        assert!(ViewState::from_query("?embed").embed);
        assert!(ViewState::from_query("?embed=v1").embed);
        assert!(!ViewState::from_query("?embed=0").embed);
    }

    proptest! {
        #[test]
        fn any_query_string_parses_and_round_trips(s in ".*") {
            let state = ViewState::from_query(&s);
            prop_assert_eq!(ViewState::from_query(&state.to_query()), state);
        }
    }

    #[test]
    fn traces_page_link_round_trips_its_parameters() {
        let q = "page=traces&tds=jaeger&trace=4766f1209f70a5e2e55417fc296fd101&tsvc=api-gateway&tmin=100ms&tlimit=50";
        let s = ViewState::from_query(q);
        assert_eq!(s.page, Page::Traces);
        assert_eq!(s.traces.trace, "4766f1209f70a5e2e55417fc296fd101");
        assert_eq!(s.traces.limit, 50);
        assert_eq!(s.to_query(), q);
    }
}

