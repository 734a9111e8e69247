//! The service map drawn as a graph (SVG): one box per service, one arrow per caller → callee
//! edge labelled "N calls · e % err · p95 X". The layout (layers left to right, order in layers,
//! cycle-breaking, geometry) is the core's [`sightline_core::trace::service_graph`]; here it only
//! becomes SVG elements. All names and numbers are text nodes; every box and arrow carries a
//! `<title>` with each number's definition. Edges with errors and services with error spans are
//! drawn in the error colour; services and calls inferred from client spans are dashed.

use leptos::prelude::*;
use sightline_core::trace::service_graph::{
    layered_layout, map_edges, place, EdgePath, EdgeRoute, Sizes,
};
use sightline_core::trace::service_map::{ServiceEdge, ServiceMap, ServiceNode};

use super::trace_tables::{ns_f, percent};

const NODE_H: f64 = 44.0;
/// Approximate advance of one character of the 12 px bold service-name font.
const CHAR_W: f64 = 7.0;
/// Approximate advance of one character of the 11 px edge-label font.
const LABEL_CHAR_W: f64 = 6.2;
const LABEL_H: f64 = 15.0;
const MIN_NODE_W: f64 = 110.0;
const MAX_NODE_W: f64 = 210.0;

/// Box width for the longest service name, within [110, 210] px.
fn node_width(map: &ServiceMap) -> f64 {
    let longest = map
        .nodes
        .iter()
        .map(|n| n.service.chars().count())
        .max()
        .unwrap_or(0);
    (longest as f64 * CHAR_W + 20.0).clamp(MIN_NODE_W, MAX_NODE_W)
}

/// Room between two layers for the longest edge label, within [120, 320] px.
fn column_gap(map: &ServiceMap) -> f64 {
    let longest = map
        .edges
        .iter()
        .map(|e| edge_label(e).chars().count())
        .max()
        .unwrap_or(0);
    (longest as f64 * LABEL_CHAR_W + 28.0).clamp(120.0, 320.0)
}

/// `name` cut to `max` characters with an ellipsis (the full name is in the box's title).
fn fit(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The label of an edge.
pub fn edge_label(e: &ServiceEdge) -> String {
    format!(
        "{} · {} err · p95 {}",
        counted(e.calls, "call"),
        percent(Some(e.error_rate)),
        ns_f(e.p95_ns)
    )
}

/// `1 call`, `2 calls`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn edge_title(e: &ServiceEdge) -> String {
    let inferred = if e.inferred {
        "\nInferred: the callee is named by client spans' attributes (peer.service, server.address or db.system), not seen as spans."
    } else {
        ""
    };
    format!(
        "{} → {}\nCalls: {} — child spans of {} whose parent span is of {} (parent → child pairs crossing services).\nErrors: {} — calls whose child span is an error; error rate {} = errors ÷ calls.\np95: {} — exact 95th percentile of the calls' durations (the child span's duration; linear interpolation between closest ranks). p50: {}.{inferred}",
        e.caller,
        e.callee,
        e.calls,
        e.callee,
        e.caller,
        e.errors,
        percent(Some(e.error_rate)),
        ns_f(e.p95_ns),
        ns_f(e.p50_ns),
    )
}

fn node_title(n: &ServiceNode) -> String {
    if n.inferred {
        format!(
            "{}\nInferred from client spans that name it; no span of its own.",
            n.service
        )
    } else {
        format!(
            "{}\nSpans: {} — spans of this service.\nErrors: {} — of which with error status or an error=true tag.",
            n.service, n.spans, n.errors
        )
    }
}

/// An SVG `<title>` (the tooltip) holding `text`. Built explicitly: `view!` makes a `<title>`
/// nested in a `<g>` an HTML element, which browsers do not show as a tooltip.
fn svg_title(text: String) -> impl IntoView {
    leptos::svg::title().child(text)
}

/// One arrow with its label and definition.
fn edge_view(e: &ServiceEdge, path: EdgePath) -> impl IntoView {
    let mut class = String::from("svc-edge");
    if e.errors > 0 {
        class.push_str(" error");
    }
    if e.inferred {
        class.push_str(" inferred");
    }
    if path.route == EdgeRoute::Back {
        class.push_str(" back");
    }
    let (lx, ly) = path.label;
    let label = edge_label(e);
    let label_w = label.chars().count() as f64 * LABEL_CHAR_W + 8.0;
    view! {
        <g
            class=class
            data-testid="svc-graph-edge"
            data-caller=e.caller.to_string()
            data-callee=e.callee.to_string()
            data-calls=e.calls.to_string()
            data-errors=e.errors.to_string()
            data-p95-ns=e.p95_ns.to_string()
        >
            {svg_title(edge_title(e))}
            <path class="svc-edge-line" d=path.svg_d() fill="none"></path>
            <polygon class="svc-edge-arrow" points=path.svg_arrow()></polygon>
            <rect
                class="svc-edge-label-bg"
                x=format!("{:.1}", lx - label_w / 2.0)
                y=format!("{:.1}", ly - LABEL_H / 2.0)
                width=format!("{label_w:.1}")
                height=format!("{LABEL_H:.1}")
                rx="3"
            ></rect>
            <text class="svc-edge-label" data-testid="svc-graph-edge-label" x=format!("{lx:.1}") y=format!("{:.1}", ly + 4.0) text-anchor="middle">
                {label}
            </text>
        </g>
    }
}

/// One service box.
fn node_view(n: &ServiceNode, (x, y): (f64, f64), w: f64) -> impl IntoView {
    let mut class = String::from("svc-node");
    if n.errors > 0 {
        class.push_str(" error");
    }
    if n.inferred {
        class.push_str(" inferred");
    }
    let sub = if n.inferred {
        "inferred".to_string()
    } else {
        format!("{} · {} err", counted(n.spans, "span"), n.errors)
    };
    let max_chars = ((w - 12.0) / CHAR_W).max(4.0) as usize;
    view! {
        <g class=class data-testid="svc-graph-node" data-service=n.service.to_string()>
            {svg_title(node_title(n))}
            <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{w:.1}") height=format!("{NODE_H:.1}") rx="5"></rect>
            <text class="svc-node-name" x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", y + 18.0) text-anchor="middle">
                {fit(&n.service, max_chars)}
            </text>
            <text class="svc-node-sub" x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", y + 35.0) text-anchor="middle">
                {sub}
            </text>
        </g>
    }
}

/// The graph of `map`; nothing when it has no service.
#[component]
pub fn ServiceMapGraph(
    /// The service map (core: `service_map::service_map`).
    map: ServiceMap,
) -> impl IntoView {
    if map.nodes.is_empty() {
        return view! { <p class="hint" data-testid="svc-graph-empty">"No services to draw."</p> }
            .into_any();
    }
    let node_w = node_width(&map);
    let sizes = Sizes {
        node_w,
        node_h: NODE_H,
        col_gap: column_gap(&map),
        row_gap: 28.0,
        margin: 12.0,
    };
    let edges = map_edges(&map);
    let layout = layered_layout(map.nodes.len(), &edges);
    let placed = place(&layout, &edges, sizes);
    let edge_views = map
        .edges
        .iter()
        .zip(placed.edges)
        .filter_map(|(e, p)| p.map(|p| edge_view(e, p)))
        .collect_view();
    let node_views = map
        .nodes
        .iter()
        .zip(placed.nodes.iter().copied())
        .map(|(n, at)| node_view(n, at, node_w))
        .collect_view();
    let (w, h) = (placed.width.ceil(), placed.height.ceil());
    let label = format!(
        "Service map: {} services and {} caller → callee edges from {} trace(s); the table below lists the same edges.",
        map.nodes.len(),
        map.edges.len(),
        map.traces
    );
    view! {
        <div class="svc-graph-wrap">
            <svg
                class="svc-graph"
                data-testid="svc-graph"
                role="img"
                aria-label=label
                width=format!("{w}")
                height=format!("{h}")
                viewBox=format!("0 0 {w} {h}")
            >
                <g class="svc-edges">{edge_views}</g>
                <g class="svc-nodes">{node_views}</g>
            </svg>
        </div>
    }
    .into_any()
}
