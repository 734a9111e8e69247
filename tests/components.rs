//! Component tests in headless Chromium (wasm-bindgen-test): mount the real app or a component into
//! a fresh element, act through the DOM, and assert on the DOM and on canvas pixels.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use sightline::charts::palette;
use sightline::charts::timeseries::{draw, ChartSpec, PreparedLine};
use sightline::components::legend::{click, Legend};
use sightline_core::series::Series;
use sightline_core::units::Unit;
use sightline_core::viewstate::{ChartStyle, Theme, TimeZoneChoice};
use std::collections::BTreeSet;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A fresh, visible host element 1000 px wide.
fn host() -> HtmlElement {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    el.set_attribute("style", "width:1000px").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

fn set_url_query(query: &str) {
    let w = web_sys::window().unwrap();
    let path = w.location().pathname().unwrap();
    w.history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{query}"))).unwrap();
}

fn query(host: &HtmlElement, selector: &str) -> Option<web_sys::Element> {
    host.query_selector(selector).ok().flatten()
}

fn query_all(host: &HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let Ok(list) = host.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok()).collect()
}

fn count(host: &HtmlElement, selector: &str) -> u32 {
    host.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
}

/// Polls until `pred` holds or `timeout_ms` passes.
async fn wait_until(timeout_ms: u32, mut pred: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while waited < timeout_ms {
        if pred() {
            return true;
        }
        TimeoutFuture::new(50).await;
        waited += 50;
    }
    pred()
}

fn panel_state(host: &HtmlElement) -> String {
    query(host, "[data-testid=panel]").and_then(|p| p.get_attribute("data-state")).unwrap_or_default()
}

/// Pixels whose colour differs from the top-left pixel (the background).
fn painted_pixels(canvas: &HtmlCanvasElement) -> usize {
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    let data = ctx.get_image_data(0.0, 0.0, w, h).unwrap().data();
    let bg = [data[0], data[1], data[2]];
    data.chunks_exact(4).filter(|px| px[0] != bg[0] || px[1] != bg[1] || px[2] != bg[2]).count()
}

fn mount_app(query_string: &str) -> HtmlElement {
    set_url_query(query_string);
    let el = host();
    leptos::mount::mount_to(el.clone(), sightline::App).forget();
    el
}

#[wasm_bindgen_test]
async fn app_renders_the_demo_chart_with_legend_and_pixels() {
    let el = mount_app("");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "panel state: {}", panel_state(&el));
    assert!(count(&el, "[data-testid=legend-item]") >= 3, "demo query groups by service");
    let legend = el.text_content().unwrap_or_default();
    assert!(legend.contains("{service=\"payments\"}"), "legend shows label sets: {legend}");
    let canvas: HtmlCanvasElement = query(&el, "[data-testid=chart]").unwrap().unchecked_into();
    assert!(wait_until(2_000, || painted_pixels(&canvas) > 2_000).await, "chart drawn: {} px", painted_pixels(&canvas));
    el.remove();
}

#[wasm_bindgen_test]
async fn unknown_source_shows_an_error_in_the_panel_and_the_header_keeps_working() {
    let el = mount_app("?ds=nowhere&q=up");
    assert!(wait_until(5_000, || panel_state(&el) == "error").await);
    let msg = query(&el, "[data-testid=panel-error]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(msg.contains("no data source called 'nowhere'"), "{msg}");
    assert!(query(&el, "[data-testid=ds-picker]").is_some());
    el.remove();
}

#[wasm_bindgen_test]
async fn bad_demo_query_shows_the_parser_error() {
    let el = mount_app("?q=sum(");
    assert!(wait_until(5_000, || panel_state(&el) == "error").await, "state {}", panel_state(&el));
    let msg = query(&el, "[data-testid=panel-error]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(!msg.is_empty());
    el.remove();
}

#[wasm_bindgen_test]
async fn instant_query_renders_a_table() {
    let el = mount_app("?mode=instant&q=sum%20by%20(service)%20(rate(http_requests_total%5B5m%5D))");
    assert!(wait_until(5_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert_eq!(count(&el, "[data-testid=result-row]"), 5, "one row per demo service");
    el.remove();
}

#[wasm_bindgen_test]
async fn unbuilt_pages_say_so() {
    let el = mount_app("?page=alerts");
    assert!(wait_until(2_000, || query(&el, "[data-testid=page-not-built]").is_some()).await);
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("not built yet"), "{text}");
    el.remove();
}

#[wasm_bindgen_test]
async fn demo_dashboard_runs_each_panel_with_its_own_query_and_style() {
    let el = mount_app("?page=dashboards");
    assert!(wait_until(2_000, || count(&el, "[data-testid=dash-panel]") == 6).await, "the demo dashboard has 6 panels");
    assert!(
        wait_until(20_000, || query_all(&el, "[data-testid=panel]").iter().all(|p| p.get_attribute("data-state").as_deref() == Some("data"))).await,
        "every panel loads its data"
    );
    // Panel styles: lines (canvas chart), heatmap, stacked, stat tiles — each from its own definition.
    assert_eq!(count(&el, "[data-testid=heatmap]"), 1, "one heatmap panel");
    assert!(count(&el, "[data-testid=stat-tile]") >= 1, "the stat panel shows tiles");
    let titles: Vec<String> = query_all(&el, ".panel-title").iter().map(|t| t.text_content().unwrap_or_default()).collect();
    assert_eq!(titles[0], "Requests by service");
    el.remove();

    let el = mount_app("?page=dashboards&board=%7Bnot%20json");
    assert!(wait_until(2_000, || query(&el, "[data-testid=dash-error]").is_some()).await, "a bad board says so");
    assert!(query(&el, "[data-testid=dash-add]").is_some(), "and the toolbar still works");
    el.remove();
}

#[wasm_bindgen_test]
async fn logs_page_lists_demo_lines_newest_first_with_their_volume() {
    let el = mount_app("?page=logs&llimit=50");
    assert!(wait_until(10_000, || count(&el, "[data-testid=log-row]") > 0).await, "no log rows");
    let summary = query(&el, "[data-testid=log-summary]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(summary.starts_with("50 line(s) from 'demo'"), "{summary}");
    assert!(query(&el, "[data-testid=log-limit-note]").is_some(), "the limit of 50 is reached on the demo");
    assert!(wait_until(10_000, || query(&el, "[data-testid=log-volume]").is_some()).await, "no volume chart");
    let origin = query(&el, "[data-testid=log-volume]").and_then(|e| e.get_attribute("data-origin")).unwrap_or_default();
    assert_eq!(origin, "server", "the demo answers the volume query");
    el.remove();
}

#[wasm_bindgen_test]
async fn theme_toggle_sets_the_document_theme() {
    let el = mount_app("?theme=light&page=settings");
    let root = document().document_element().unwrap();
    assert!(wait_until(2_000, || root.get_attribute("data-theme").as_deref() == Some("light")).await);
    let button: HtmlElement = query(&el, "[data-testid=theme-toggle]").unwrap().unchecked_into();
    button.click();
    assert!(wait_until(2_000, || root.get_attribute("data-theme").as_deref() == Some("dark")).await);
    assert!(web_sys::window().unwrap().location().search().unwrap().contains("theme=dark"));
    el.remove();
}

#[wasm_bindgen_test]
async fn legend_click_isolates_and_second_click_shows_all() {
    let el = host();
    let hidden = RwSignal::new(BTreeSet::new());
    let series: Arc<Vec<Series>> = Arc::new(
        ["a", "b", "c"]
            .iter()
            .zip([1.0, 2.0, 4.0])
            .map(|(name, v)| Series { labels: [("s", *name)].into_iter().collect(), t_ms: vec![0, 1, 2], values: vec![v, v * 2.0, v * 3.0] })
            .collect(),
    );
    leptos::mount::mount_to(el.clone(), move || view! { <Legend series=series.clone() hidden=hidden theme=Theme::Light unit=Unit::Seconds/> }).forget();
    // Statistics are shown with their unit: series c has mean 8 s and max 12 s.
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("8 s") && text.contains("12 s"), "{text}");
    let first: HtmlElement = query(&el, "[data-testid=legend-item]").unwrap().unchecked_into();
    first.click();
    TimeoutFuture::new(0).await;
    assert_eq!(hidden.get_untracked(), BTreeSet::from([1, 2]));
    first.click();
    TimeoutFuture::new(0).await;
    assert!(hidden.get_untracked().is_empty());
    el.remove();
}

#[wasm_bindgen_test]
fn legend_ctrl_click_toggles_one_series() {
    let mut hidden = BTreeSet::new();
    click(&mut hidden, 1, 3, true);
    assert_eq!(hidden, BTreeSet::from([1]));
    click(&mut hidden, 1, 3, true);
    assert!(hidden.is_empty());
}

#[wasm_bindgen_test]
fn draw_paints_series_colour_on_a_detached_canvas() {
    let canvas: HtmlCanvasElement = document().create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(400);
    canvas.set_height(200);
    let pal = palette::for_theme(Theme::Light);
    let line = sightline_core::downsample::M4Line { t_ms: vec![0, 500_000, 1_000_000], values: vec![1.0, 5.0, 2.0], hidden_non_finite: 0 };
    let lines = vec![PreparedLine { color_index: 0, line }];
    let spec = ChartSpec { lines: &lines, bands: &[], start_ms: 0, end_ms: 1_000_000, step_ms: 15_000, tz: TimeZoneChoice::Utc, palette: &pal, dpr: 1.0, width_css: 800.0, style: ChartStyle::Lines, unit: Unit::None };
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).unwrap();
    let geometry = draw(&backend.into_drawing_area(), &spec).unwrap();
    assert!(geometry.right_px > geometry.left_px);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let data = ctx.get_image_data(0.0, 0.0, 400.0, 200.0).unwrap().data();
    let c = palette::series_color(&pal, 0);
    let line_px = data.chunks_exact(4).filter(|p| p[0] == c.0 && p[1] == c.1 && p[2] == c.2).count();
    assert!(line_px > 50, "series-colour pixels: {line_px}");
}

fn mouse(canvas: &HtmlCanvasElement, kind: &str, client_x: f64, client_y: f64) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x(client_x as i32);
    init.set_client_y(client_y as i32);
    init.set_button(0);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
}

fn url_param(name: &str) -> Option<String> {
    let search = web_sys::window().unwrap().location().search().unwrap();
    sightline_core::urlencoding::parse_query(&search).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

#[wasm_bindgen_test]
async fn dragging_across_the_chart_zooms_to_the_selected_absolute_range() {
    let el = mount_app("?from=now-6h&to=now");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    let canvas: HtmlCanvasElement = query(&el, "[data-testid=chart]").unwrap().unchecked_into();
    assert!(wait_until(2_000, || painted_pixels(&canvas) > 2_000).await);
    // The test page has no stylesheet: give the canvas the app's CSS size. The chart must follow
    // the new size (ResizeObserver) or pointer positions would map to the wrong times.
    canvas.set_attribute("style", "display:block;width:1000px;height:320px").unwrap();
    assert!(wait_until(2_000, || canvas.width() == 1000).await, "backing store follows the CSS size: {}", canvas.width());
    let rect = canvas.get_bounding_client_rect();
    let y = rect.top() + rect.height() / 2.0;
    let (x0, x1) = (rect.left() + rect.width() * 0.4, rect.left() + rect.width() * 0.6);
    mouse(&canvas, "mousedown", x0, y);
    mouse(&canvas, "mousemove", (x0 + x1) / 2.0, y);
    assert!(wait_until(1_000, || query(&el, ".zoom-selection").is_some()).await, "the selection is shown while dragging");
    mouse(&canvas, "mousemove", x1, y);
    mouse(&canvas, "mouseup", x1, y);
    assert!(wait_until(2_000, || url_param("from").is_some_and(|f| f.bytes().all(|b| b.is_ascii_digit()))).await);
    let from: i64 = url_param("from").unwrap().parse().unwrap();
    let to: i64 = url_param("to").unwrap().parse().unwrap();
    // A fifth of the canvas width; the plot area is a little narrower than the canvas, so the
    // selected span is a little more than a fifth of 6 h.
    let span_h = (to - from) as f64 / 3_600_000.0;
    assert!((1.2..1.6).contains(&span_h), "selected {span_h} h");
    // A plain click does not zoom.
    mouse(&canvas, "mousedown", x0, y);
    mouse(&canvas, "mouseup", x0 + 1.0, y);
    TimeoutFuture::new(200).await;
    assert_eq!(url_param("from").unwrap().parse::<i64>().unwrap(), from);
    el.remove();
}

fn analysis_state(host: &HtmlElement) -> String {
    query(host, "[data-testid=analysis]").and_then(|p| p.get_attribute("data-state")).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn histogram_quantile_in_the_browser_charts_one_series_per_kept_label() {
    let el = mount_app("?q=http_request_duration_seconds_bucket&analyze=histogram&aby=service&from=now-1h");
    assert!(wait_until(15_000, || analysis_state(&el) == "data").await, "analysis state {}", analysis_state(&el));
    let section = query(&el, "[data-testid=analysis]").unwrap();
    let items = || section.query_selector_all("[data-testid=legend-item]").map(|l| l.length()).unwrap_or(0);
    assert!(wait_until(5_000, || items() == 5).await, "one quantile series per service, got {}", items());
    let plan = query(&el, "[data-testid=analysis-plan]").and_then(|p| p.text_content()).unwrap_or_default();
    assert!(plan.starts_with("exact:"), "{plan}");
    let equivalent = query(&el, "[data-testid=analysis-equivalent]").and_then(|p| p.text_content()).unwrap_or_default();
    assert!(equivalent.contains("sum by (le, service)"), "{equivalent}");
    el.remove();
}

#[wasm_bindgen_test]
async fn exact_percentiles_need_a_plain_selector_and_pool_all_series() {
    let el = mount_app("?q=sum(process_resident_memory_bytes)&analyze=percentiles&from=now-1h");
    assert!(wait_until(10_000, || analysis_state(&el) == "error").await, "analysis state {}", analysis_state(&el));
    el.remove();
    let el = mount_app("?q=process_resident_memory_bytes&analyze=percentiles&from=now-1h");
    assert!(wait_until(15_000, || analysis_state(&el) == "data").await, "analysis state {}", analysis_state(&el));
    let rows = count(&el, "[data-testid=percentile-row]");
    assert!(rows >= 5, "{rows} rows");
    let all = query(&el, "[data-testid=percentile-all]").and_then(|r| r.text_content()).unwrap_or_default();
    assert!(all.contains("All series"), "{all}");
    el.remove();
}

#[wasm_bindgen_test]
async fn anomaly_band_toggle_sets_the_url_and_lists_flags() {
    let el = mount_app("?q=sum%20by%20(service)%20(rate(http_requests_total%7Bservice%3D%22payments%22%7D%5B5m%5D))");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert!(query(&el, "[data-testid=anomaly-flags]").is_none());
    let toggle: HtmlElement = query(&el, "[data-testid=band-toggle]").unwrap().unchecked_into();
    toggle.click();
    assert!(wait_until(2_000, || query(&el, "[data-testid=anomaly-flags]").is_some()).await, "flags shown with the band");
    assert_eq!(url_param("band").as_deref(), Some("1"));
    el.remove();
}

#[wasm_bindgen_test]
async fn expression_between_two_queries_is_computed_in_the_browser() {
    let a = "sum%20by%20(service)%20(rate(http_requests_total%7Bstatus%3D~%225..%22%7D%5B5m%5D))";
    let b = "sum%20by%20(service)%20(rate(http_requests_total%5B5m%5D))";
    let el = mount_app(&format!("?q={a}&qb={b}&expr=A%2FB&from=now-1h"));
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert_eq!(count(&el, "[data-testid=legend-item]"), 5, "one error ratio per service");
    let title = query(&el, ".panel-title").and_then(|t| t.text_content()).unwrap_or_default();
    assert!(title.starts_with("A/B"), "{title}");
    el.remove();
    let el = mount_app(&format!("?q={a}&qb={b}&expr=A%2FC"));
    assert!(wait_until(5_000, || panel_state(&el) == "error").await, "state {}", panel_state(&el));
    let msg = query(&el, "[data-testid=panel-error]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(msg.contains("no query C"), "{msg}");
    el.remove();
}

const HEATMAP_QUERY: &str = "?style=heatmap&from=now-1h&q=sum%20by%20(le)%20(rate(http_request_duration_seconds_bucket%5B5m%5D))";

#[wasm_bindgen_test]
async fn heatmap_paints_bucket_cells_and_reads_out_the_hovered_cell() {
    let el = mount_app(HEATMAP_QUERY);
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert!(wait_until(2_000, || query(&el, "[data-testid=heatmap]").is_some()).await, "heatmap shown for style=heatmap");
    let canvas: HtmlCanvasElement = query(&el, "[data-testid=heatmap]").unwrap().unchecked_into();
    // The test page has no stylesheet: give the canvas the app's CSS size.
    canvas.set_attribute("style", "display:block;width:1000px;height:320px").unwrap();
    assert!(wait_until(2_000, || canvas.width() >= 1000).await, "backing store follows the CSS size: {}", canvas.width());
    assert!(wait_until(2_000, || painted_pixels(&canvas) > 20_000).await, "cells painted: {} px", painted_pixels(&canvas));
    let caption = query(&el, "[data-testid=heatmap-caption]").and_then(|c| c.text_content()).unwrap_or_default();
    assert!(caption.contains("logarithmic") && caption.contains("buckets"), "{caption}");
    let summary = query(&el, "[data-testid=heatmap-summary]").and_then(|c| c.text_content()).unwrap_or_default();
    assert!(summary.contains("Most observations fell in ("), "{summary}");
    // Hover the middle of the plot: time, bucket range and value.
    let rect = canvas.get_bounding_client_rect();
    mouse(&canvas, "mousemove", rect.left() + rect.width() * 0.5, rect.top() + rect.height() * 0.5);
    assert!(wait_until(1_000, || query(&el, "[data-testid=heatmap-readout]").is_some()).await, "hover readout appears");
    let readout = query(&el, "[data-testid=heatmap-readout]").and_then(|r| r.text_content()).unwrap_or_default();
    assert!(readout.contains("Bucket (") && readout.contains(']') && readout.contains("Value"), "{readout}");
    mouse(&canvas, "mouseleave", 0.0, 0.0);
    assert!(wait_until(1_000, || query(&el, "[data-testid=heatmap-readout]").is_none()).await, "readout hides on leave");
    el.remove();
}

#[wasm_bindgen_test]
async fn heatmap_of_series_without_le_explains_what_it_needs() {
    let el = mount_app("?style=heatmap&from=now-1h&q=sum%20by%20(service)%20(rate(http_requests_total%5B5m%5D))");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    let msg = query(&el, "[data-testid=heatmap-needs-buckets]").and_then(|m| m.text_content()).unwrap_or_default();
    assert!(msg.contains("sum by (le) (rate(x_bucket[5m]))"), "{msg}");
    assert!(query(&el, "[data-testid=heatmap]").is_none());
    el.remove();
}

#[wasm_bindgen_test]
async fn stat_style_shows_one_tile_per_series_with_a_sparkline() {
    let el = mount_app("?style=stat&from=now-1h&q=sum%20by%20(service)%20(rate(http_requests_total%5B5m%5D))");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert!(wait_until(2_000, || count(&el, "[data-testid=stat-tile]") > 0).await);
    let status = query(&el, "[data-testid=panel-status]").and_then(|s| s.text_content()).unwrap_or_default();
    let series: u32 = status.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert_eq!(count(&el, "[data-testid=stat-tile]"), series, "{status}");
    assert_eq!(series, 5, "one series per demo service");
    let tile = query(&el, "[data-testid=stat-tile]").unwrap();
    let text = tile.text_content().unwrap_or_default();
    assert!(text.contains("req/s") && text.contains("min ") && text.contains("max "), "{text}");
    let d = tile.query_selector("svg path[fill=none]").unwrap().and_then(|p| p.get_attribute("d")).unwrap_or_default();
    assert!(d.starts_with('M') && d.matches('L').count() > 10, "sparkline path: {d}");
    el.remove();
}

#[wasm_bindgen_test]
async fn bars_style_sorts_instant_rows_by_value() {
    let el = mount_app("?mode=instant&istyle=bars&q=sum%20by%20(service)%20(rate(http_requests_total%5B5m%5D))");
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert!(wait_until(2_000, || count(&el, "[data-testid=bar-row]") == 5).await, "one bar per demo service");
    let rows = el.query_selector_all("[data-testid=bar-row]").unwrap();
    let values: Vec<f64> = (0..rows.length())
        .filter_map(|i| rows.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("data-value")?.parse().ok())
        .collect();
    assert_eq!(values.len(), 5);
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "largest first: {values:?}");
    // The largest bar fills the track.
    let first = query(&el, "[data-testid=bar-row] .bar-fill").and_then(|b| b.get_attribute("style")).unwrap_or_default();
    assert!(first.contains("width:100.000%"), "{first}");
    // Switching back to the table keeps the query and shows the table.
    let select: web_sys::HtmlSelectElement = query(&el, "[data-testid=instant-style]").unwrap().unchecked_into();
    select.set_value("table");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert!(wait_until(2_000, || count(&el, "[data-testid=result-row]") == 5).await);
    assert_eq!(url_param("istyle"), None);
    el.remove();
}

fn slo_tile_text(el: &HtmlElement, id: &str, testid: &str) -> String {
    query(el, &format!("[data-testid=slo-tile][data-slo={id}] [data-testid={testid}]")).and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn slo_page_shows_demo_tiles_with_status_and_budget() {
    let el = mount_app("?page=slos&ds=demo");
    assert!(wait_until(3_000, || count(&el, "[data-testid=slo-tile]") == 7).await, "one tile per demo SLO (five from metrics, one from traces, one from logs)");
    let done = || count(&el, "[data-testid=slo-tile][data-state=loading]") == 0;
    assert!(wait_until(240_000, done).await, "tiles finished loading");
    assert_eq!(count(&el, "[data-testid=slo-tile][data-state=error]"), 0, "{}", el.text_content().unwrap_or_default());
    for tile in ["payments-availability", "checkout-success", "catalog-availability", "frontend-latency", "frontend-page-load", "payments-charge-traces", "payments-logs"] {
        let status = slo_tile_text(&el, tile, "slo-status");
        assert!(["healthy", "warning", "critical", "breached"].contains(&status.as_str()), "{tile}: status {status:?}");
        let remaining = query(&el, &format!("[data-testid=slo-tile][data-slo={tile}] [data-testid=slo-remaining]"))
            .and_then(|e| e.get_attribute("data-value"))
            .and_then(|v| v.parse::<f64>().ok());
        assert!(remaining.is_some_and(f64::is_finite), "{tile}: numeric remaining budget");
        assert!(!slo_tile_text(&el, tile, "slo-coverage").is_empty(), "{tile}: coverage");
        assert!(slo_tile_text(&el, tile, "slo-derivation").contains("SLI and budget:"), "{tile}: derivation");
    }
    // The payments incident (~20 % errors for 20 minutes, 1 h 40 min to 2 h 40 min ago) burns the
    // budget: the 6 h window's burn is far above 1×, and a tier would have fired in the last day.
    let burn = slo_tile_text(&el, "payments-availability", "slo-burn");
    let rate: f64 = burn.split('×').next().and_then(|b| b.trim().parse().ok()).unwrap_or(0.0);
    assert!(rate > 6.0, "payments burns fast after the incident: {burn}");
    let history = slo_tile_text(&el, "payments-availability", "slo-history");
    assert!(history.contains("Would have fired"), "{history}");
    el.remove();
}

#[wasm_bindgen_test]
async fn slo_page_names_a_missing_source_instead_of_showing_tiles() {
    let el = mount_app("?page=slos&ds=nowhere");
    assert!(wait_until(2_000, || query(&el, "[data-testid=page-slos]").is_some()).await);
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("no data source called 'nowhere'"), "{text}");
    el.remove();
}

#[wasm_bindgen_test]
async fn demo_exemplars_are_points_that_open_their_trace() {
    let q = "?q=histogram_quantile%280.99%2C+sum+by+%28le%29+%28rate%28http_request_duration_seconds_bucket%5B5m%5D%29%29%29&from=now-1h&to=now";
    let el = mount_app(q);
    assert!(wait_until(10_000, || panel_state(&el) == "data").await, "state {}", panel_state(&el));
    assert!(wait_until(5_000, || count(&el, "[data-testid=exemplar]") >= 100).await, "markers: {}", count(&el, "[data-testid=exemplar]"));
    let status = query(&el, "[data-testid=exemplar-status]").and_then(|s| s.text_content()).unwrap_or_default();
    assert!(status.contains("exemplars"), "status: {status}");
    let marker: HtmlElement = query(&el, "[data-testid=exemplar]").unwrap().unchecked_into();
    let trace = marker.get_attribute("data-trace-id").unwrap_or_default();
    assert_eq!(trace.len(), 32, "trace id {trace}");
    marker.click();
    assert!(wait_until(2_000, || url_param("trace").as_deref() == Some(trace.as_str())).await, "url {:?}", url_param("trace"));
    assert_eq!(url_param("page").as_deref(), Some("traces"));
    assert!(url_param("q").is_some_and(|q| q.starts_with("histogram_quantile")), "the query is kept");
    el.remove();
}

/// Types `value` into the input or textarea `selector` (an `input` event, as a user would).
fn type_into(host: &HtmlElement, selector: &str, value: &str) {
    let el = query(host, selector).unwrap_or_else(|| panic!("no {selector}"));
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn click_on(host: &HtmlElement, selector: &str) {
    query(host, selector).unwrap_or_else(|| panic!("no {selector}")).unchecked_into::<HtmlElement>().click();
}

#[wasm_bindgen_test]
async fn slo_form_reports_fields_and_a_share_link_adds_a_user_slo() {
    use sightline_core::slo::spec::{AlertingSpec, BudgetingSpec, CountedSpec, SliSpec, SloSpec, WindowSpec};
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(sightline_core::slo::store::STORAGE_KEY).unwrap();
    let shared = SloSpec {
        id: "shared-checkout".into(),
        name: "Shared checkout".into(),
        service: "checkout".into(),
        description: String::new(),
        sli: SliSpec::Ratio {
            counted: CountedSpec::Bad,
            events: r#"http_requests_total{service="checkout",status=~"5.."}"#.into(),
            total: r#"http_requests_total{service="checkout"}"#.into(),
        },
        objective: "99.5".into(),
        window: WindowSpec::Rolling { duration: "1d".into() },
        budgeting: BudgetingSpec::Occurrences,
        alerting: AlertingSpec::default(),
    };
    let link = sightline_core::urlencoding::encode_pairs(&[
        ("page", "slos"),
        ("ds", "demo"),
        ("slodefs", &sightline_core::slo::store::to_json(&[shared])),
    ]);
    let el = mount_app(&format!("?{link}"));
    assert!(wait_until(3_000, || query(&el, "[data-testid=slo-shared-add]").is_some()).await, "the share link is offered");
    click_on(&el, "[data-testid=slo-shared-add]");
    assert!(wait_until(3_000, || count(&el, "[data-testid=slo-tile][data-slo=shared-checkout][data-user]") == 1).await, "the shared SLO is a user tile");
    assert!(storage.get_item(sightline_core::slo::store::STORAGE_KEY).unwrap().unwrap_or_default().contains("shared-checkout"), "stored");
    assert!(wait_until(20_000, || count(&el, "[data-testid=slo-tile][data-slo=shared-checkout][data-state=data]") == 1).await, "computed");

    // The form: empty selectors and a bad objective are reported next to their fields.
    click_on(&el, "[data-testid=slo-new]");
    assert!(wait_until(2_000, || query(&el, "[data-testid=slo-form]").is_some()).await);
    type_into(&el, "[data-testid=slo-f-name]", "Broken");
    type_into(&el, "[data-testid=slo-f-objective]", "abc");
    click_on(&el, "[data-testid=slo-f-save]");
    assert!(wait_until(2_000, || query(&el, "[data-testid=slo-err-objective]").is_some()).await, "objective error");
    assert!(query(&el, "[data-testid=slo-err-sli\\.events]").is_some(), "events selector error");
    assert!(query(&el, "[data-testid=slo-err-sli\\.total]").is_some(), "total selector error");
    assert_eq!(count(&el, "[data-testid=slo-tile][data-user]"), 1, "nothing saved");

    // Filter by text keeps only the match; sorting by name puts "Catalog availability" first.
    type_into(&el, "[data-testid=slo-filter]", "shared");
    assert!(wait_until(2_000, || count(&el, "[data-testid=slo-tile]") == 1).await, "filtered to one tile");
    type_into(&el, "[data-testid=slo-filter]", "");
    assert!(wait_until(2_000, || count(&el, "[data-testid=slo-tile]") == 8).await, "seven examples and the shared SLO");
    let select: web_sys::HtmlSelectElement = query(&el, "[data-testid=slo-sort]").unwrap().unchecked_into();
    select.set_value("name");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert!(
        wait_until(2_000, || query(&el, "[data-testid=slo-tile]").and_then(|t| t.get_attribute("data-slo")).as_deref() == Some("catalog-availability")).await,
        "sorted by name"
    );
    storage.remove_item(sightline_core::slo::store::STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_latency_threshold_between_bucket_edges_is_interpolated_and_flagged() {
    use sightline_core::slo::spec::{AlertingSpec, BudgetingSpec, SliSpec, SloSpec, WindowSpec};
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let spec = SloSpec {
        id: "frontend-200ms".into(),
        name: "Frontend 200 ms".into(),
        service: "frontend".into(),
        description: String::new(),
        sli: SliSpec::Latency { buckets: r#"http_request_duration_seconds_bucket{service="frontend"}"#.into(), threshold: "0.2".into() },
        objective: "95".into(),
        window: WindowSpec::Rolling { duration: "1d".into() },
        budgeting: BudgetingSpec::Occurrences,
        alerting: AlertingSpec::default(),
    };
    let key = sightline_core::slo::store::STORAGE_KEY;
    storage.set_item(key, &sightline_core::slo::store::to_json(&[spec])).unwrap();
    let el = mount_app("?page=slos&ds=demo");
    let tile = "[data-testid=slo-tile][data-slo=frontend-200ms]";
    assert!(wait_until(30_000, || count(&el, &format!("{tile}[data-state=data]")) == 1).await, "{}", el.text_content().unwrap_or_default());
    let warning = query(&el, &format!("{tile} .panel-warnings")).and_then(|w| w.text_content()).unwrap_or_default();
    assert!(warning.contains("not a bucket edge") && warning.contains("le=0.1") && warning.contains("le=0.25"), "{warning}");
    storage.remove_item(key).unwrap();
}

#[wasm_bindgen_test]
async fn traces_page_searches_the_demo_and_opens_a_trace_with_its_waterfall() {
    let el = mount_app("?page=traces&tsvc=checkout&tlimit=3");
    assert!(wait_until(5_000, || count(&el, "[data-testid=trace-row]") == 3).await, "three demo checkout traces");
    let row: HtmlElement = query(&el, "[data-testid=trace-row]").unwrap().unchecked_into();
    row.click();
    assert!(wait_until(5_000, || query(&el, "[data-testid=trace-summary]").is_some()).await, "the trace view opens");
    assert_eq!(query(&el, "[data-testid=trace-spans]").and_then(|e| e.text_content()).as_deref(), Some("5"));
    let canvas: HtmlCanvasElement = query(&el, "[data-testid=trace-waterfall-canvas]").unwrap().unchecked_into();
    assert!(wait_until(3_000, || painted_pixels(&canvas) > 200).await, "the waterfall is drawn");
    assert!(count(&el, "[data-testid=bottleneck-row]") >= 1, "a checkout trace has bottlenecks");
    el.remove();
}

/// A store of `n` lines, the last one holding markup (which must stay text).
fn log_store(n: usize) -> Arc<sightline_core::logs::LogStore> {
    let mut b = sightline_core::logs::LogBuilder::default();
    let s = b.stream(Default::default());
    for i in 0..n {
        let text = if i + 1 == n { "<b>not bold</b> level=error".to_string() } else { format!("level=info msg=\"line {i}\"") };
        b.push(1_700_000_000_000_000_000 + i as i64, &text, s, None, vec![]);
    }
    Arc::new(b.finish())
}

#[wasm_bindgen_test]
async fn log_lines_render_only_the_rows_in_view_and_follow_the_scroll() {
    use sightline::components::log_lines::{LogLines, ROW_PX};
    let store = log_store(10_000);
    let rows: Arc<Vec<usize>> = Arc::new((0..store.len()).collect());
    let selected = RwSignal::new(None::<usize>);
    let el = host();
    let (s, r) = (store.clone(), rows.clone());
    leptos::mount::mount_to(el.clone(), move || view! { <LogLines store=s.clone() rows=r.clone() selected=selected utc=true/> }).forget();
    assert!(wait_until(2_000, || count(&el, "[data-testid=log-row]") > 0).await);
    let shown = count(&el, "[data-testid=log-row]");
    assert!((20..=60).contains(&shown), "{shown} rows in the DOM for 10,000 lines");
    // The newest line (the markup one) is first, as text.
    let first = query(&el, "[data-testid=log-row]").unwrap();
    assert!(first.text_content().unwrap_or_default().contains("<b>not bold</b>"));
    assert_eq!(count(&el, "[data-testid=log-row] b"), 0, "markup in a line is never parsed");
    // Scroll to the middle: the rows in the DOM move with it.
    let list: HtmlElement = query(&el, "[data-testid=log-lines]").unwrap().unchecked_into();
    list.set_scroll_top((5_000.0 * ROW_PX) as i32);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    let first_row = || query(&el, "[data-testid=log-row]").and_then(|e| e.get_attribute("data-row")).and_then(|r| r.parse::<usize>().ok());
    assert!(wait_until(2_000, || first_row().is_some_and(|r| (4_900..5_000).contains(&r))).await, "first row {:?}", first_row());
    assert!(count(&el, "[data-testid=log-row]") <= 60);
    // A click selects the line.
    let row: HtmlElement = query(&el, "[data-testid=log-row]").unwrap().unchecked_into();
    row.click();
    assert_eq!(selected.get_untracked(), first_row());
    el.remove();
}

#[wasm_bindgen_test]
async fn a_long_legend_lays_out_only_the_rows_in_view_and_sorts_all_of_them() {
    use sightline::components::legend::{ROW_PX, VIRTUAL_FROM_ROWS};
    let el = host();
    // The test page has no stylesheet: give the legend its scrolling box.
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(".legend { display: block; max-height: 220px; overflow-y: auto; } .legend.virtual tr.legend-item td { height: 20px; box-sizing: border-box; overflow: hidden; white-space: nowrap; }"));
    el.append_child(&style).unwrap();
    let n = 100;
    assert!(n > VIRTUAL_FROM_ROWS);
    let hidden = RwSignal::new(BTreeSet::new());
    let series: Arc<Vec<Series>> = Arc::new(
        (0..n)
            .map(|k| Series { labels: [("s", format!("{k:03}"))].into_iter().collect(), t_ms: vec![0, 1], values: vec![k as f64, k as f64 + 1.0] })
            .collect(),
    );
    leptos::mount::mount_to(el.clone(), move || view! { <Legend series=series.clone() hidden=hidden theme=Theme::Light unit=Unit::None/> }).forget();
    assert!(wait_until(2_000, || count(&el, "[data-testid=legend-item]") > 0).await);
    // 220 px of 20 px rows (parts of 12) plus twice the 10-row margin: 32 of 100 rows laid out.
    assert_eq!(count(&el, "[data-testid=legend-item]"), 32);
    let table = query(&el, "table.legend").unwrap();
    assert_eq!(table.get_attribute("aria-rowcount").as_deref(), Some("101"));
    let line = query(&el, "[data-testid=legend-count]").and_then(|p| p.text_content()).unwrap_or_default();
    assert!(line.starts_with("100 series"), "{line}");
    let row_at = |position: usize| {
        query(&el, &format!("[data-testid=legend-item][aria-rowindex=\"{}\"]", position + 2)).and_then(|r| r.text_content()).unwrap_or_default()
    };
    assert!(row_at(0).contains("s=\"000\""), "{}", row_at(0));
    // Sorting by Max (descending) orders all 100 series, not the rows laid out.
    let max_header: HtmlElement = el
        .query_selector_all("th .link-button")
        .ok()
        .and_then(|list| (0..list.length()).filter_map(|i| list.item(i)).find(|b| b.text_content().unwrap_or_default().starts_with("Max")))
        .unwrap()
        .unchecked_into();
    max_header.click();
    assert!(wait_until(2_000, || row_at(0).contains("s=\"099\"")).await, "{}", row_at(0));
    // Scrolled to row 50: the rows there are laid out, the first ones are not.
    table.set_scroll_top((50.0 * ROW_PX) as i32);
    table.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    assert!(wait_until(2_000, || row_at(50).contains("s=\"049\"")).await, "row 50: {}", row_at(50));
    assert!(row_at(0).is_empty(), "row 0 is still laid out");
    assert!(count(&el, "[data-testid=legend-item]") <= 32);
    el.remove();
}
