//! A layered left-to-right layout of a service map (Sugiyama-style, without dummy nodes), so the
//! map can be drawn as a graph: every service a box, every call edge an arrow from caller to
//! callee.
//!
//! Steps, all iterative (no recursion over user data) and deterministic:
//! 1. **Cycle breaking**: a depth-first search with an explicit stack, started first from the
//!    nodes without incoming edges, then from any unvisited node, in index order; out-edges are
//!    followed in (target, edge index) order. An edge to a node still on the stack (a back edge)
//!    is *reversed* for the layering. Self-calls (`a → a`) take no part in the layering.
//! 2. **Layering**: longest-path rank over the resulting DAG (Kahn's algorithm): nodes without
//!    predecessors are layer 0, any other node is one more than its highest predecessor.
//! 3. **Ordering within layers**: start in index order, then three barycenter sweeps (down, up,
//!    down): each node's key is the mean centred position of its neighbours in the layers already
//!    swept; a node without such neighbours keeps its own position; stable sort by key.
//! 4. **Geometry** ([`place`]): layers are columns left to right, each centred vertically; a
//!    forward edge is a straight arrow from the caller's right side to the callee's left side with
//!    its label in the first gap after the caller; a reversed (cycle) edge is a curve below the
//!    boxes, a self-call a loop above its box.
//!
//! Cost: O(V + E log E) for the layout (the sort of each node's out-edges and of each layer),
//! O(V + E) for the geometry. Edges whose endpoints are out of range are ignored (not laid out,
//! no path). Empty input gives an empty layout.

use std::collections::VecDeque;

/// How an edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeRoute {
    /// From a lower layer to a higher one: a straight arrow left to right.
    Forward,
    /// Reversed to break a cycle (the callee sits left of the caller): a curve below the boxes.
    Back,
    /// A service calling itself: a loop above its box.
    SelfLoop,
    /// An endpoint is not a node: not drawn.
    Invalid,
}

/// Layers and in-layer order of every node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    /// Layer (column) of each node, 0 = leftmost.
    pub layer: Vec<usize>,
    /// Position of each node inside its layer, 0 = top.
    pub order: Vec<usize>,
    /// Nodes of each layer, top to bottom.
    pub layers: Vec<Vec<usize>>,
    /// Route of each input edge, in input order.
    pub routes: Vec<EdgeRoute>,
}

/// Lays out `n` nodes and the directed `edges` (`(from, to)` node indices); see the module doc.
pub fn layered_layout(n: usize, edges: &[(usize, usize)]) -> GraphLayout {
    let routes = break_cycles(n, edges);
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&routes)
        .filter_map(|(&(a, b), r)| match r {
            EdgeRoute::Forward => Some((a, b)),
            EdgeRoute::Back => Some((b, a)),
            EdgeRoute::SelfLoop | EdgeRoute::Invalid => None,
        })
        .collect();
    let layer = longest_path_layers(n, &dag);
    let count = layer.iter().map(|&l| l + 1).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &l) in layer.iter().enumerate() {
        if let Some(column) = layers.get_mut(l) {
            column.push(v);
        }
    }
    let mut order = vec![0usize; n];
    for column in &layers {
        renumber(column, &mut order);
    }
    let preds = Csr::new(n, dag.iter().map(|&(a, b)| (b, a)));
    let succs = Csr::new(n, dag.iter().copied());
    let down: Vec<usize> = (1..count).collect();
    let up: Vec<usize> = (0..count.saturating_sub(1)).rev().collect();
    for (sweep, neighbours) in [(&down, &preds), (&up, &succs), (&down, &preds)] {
        for &l in sweep {
            barycenter_sort(&mut layers, &layer, l, neighbours, &mut order);
        }
    }
    GraphLayout {
        layer,
        order,
        layers,
        routes,
    }
}

/// Adjacency lists in compressed form; each node's list sorted by target.
struct Csr {
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl Csr {
    /// From `(from, to)` pairs with both ends `< n` (others are dropped).
    fn new(n: usize, pairs: impl Iterator<Item = (usize, usize)>) -> Csr {
        let mut pairs: Vec<(usize, usize)> = pairs.filter(|&(a, b)| a < n && b < n).collect();
        pairs.sort_unstable();
        let mut offsets = vec![0usize; n + 1];
        for &(a, _) in &pairs {
            if let Some(o) = offsets.get_mut(a + 1) {
                *o += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        Csr {
            offsets,
            targets: pairs.into_iter().map(|(_, b)| b).collect(),
        }
    }

    fn of(&self, v: usize) -> &[usize] {
        let start = self.offsets.get(v).copied().unwrap_or(0);
        let end = self.offsets.get(v + 1).copied().unwrap_or(start);
        self.targets.get(start..end).unwrap_or(&[])
    }
}

/// Step 1 of the module doc: the route of every edge (`Back` marks the reversed ones).
fn break_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<EdgeRoute> {
    let mut routes: Vec<EdgeRoute> = edges
        .iter()
        .map(|&(a, b)| match (a < n && b < n, a == b) {
            (false, _) => EdgeRoute::Invalid,
            (true, true) => EdgeRoute::SelfLoop,
            (true, false) => EdgeRoute::Forward,
        })
        .collect();
    // Out-edges as edge indices, sorted by (from, to, index).
    let mut out: Vec<usize> = (0..edges.len())
        .filter(|&e| routes.get(e) == Some(&EdgeRoute::Forward))
        .collect();
    out.sort_unstable_by_key(|&e| (edges[e].0, edges[e].1, e));
    let mut offsets = vec![0usize; n + 1];
    let mut has_incoming = vec![false; n];
    for &e in &out {
        let (a, b) = edges[e];
        offsets[a + 1] += 1;
        has_incoming[b] = true;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    const WHITE: u8 = 0;
    const ON_STACK: u8 = 1;
    const DONE: u8 = 2;
    let mut colour = vec![WHITE; n];
    // Stack of (node, next out-edge cursor).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let starts = (0..n)
        .filter(|&v| !has_incoming[v])
        .chain((0..n).filter(|&v| has_incoming[v]));
    for start in starts {
        if colour[start] != WHITE {
            continue;
        }
        colour[start] = ON_STACK;
        stack.push((start, offsets[start]));
        while let Some(top) = stack.last_mut() {
            let (v, cursor) = *top;
            if cursor >= offsets[v + 1] {
                colour[v] = DONE;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let Some(&e) = out.get(cursor) else {
                continue;
            };
            let w = edges[e].1;
            match colour[w] {
                WHITE => {
                    colour[w] = ON_STACK;
                    stack.push((w, offsets[w]));
                }
                ON_STACK => routes[e] = EdgeRoute::Back,
                _ => {}
            }
        }
    }
    routes
}

/// Step 2 of the module doc: longest-path layer of every node over the acyclic `dag`.
fn longest_path_layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let succs = Csr::new(n, dag.iter().copied());
    let mut indegree = vec![0usize; n];
    for &(_, b) in dag {
        if let Some(d) = indegree.get_mut(b) {
            *d += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = queue.pop_front() {
        let next = layer[v] + 1;
        for &w in succs.of(v) {
            layer[w] = layer[w].max(next);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    layer
}

/// Writes each node's position inside its layer `column` into `order`.
fn renumber(column: &[usize], order: &mut [usize]) {
    for (pos, &v) in column.iter().enumerate() {
        if let Some(o) = order.get_mut(v) {
            *o = pos;
        }
    }
}

/// A node's position measured from the centre of its layer (layers are drawn centred).
fn centred(layers: &[Vec<usize>], layer: &[usize], order: &[usize], v: usize) -> f64 {
    let len = layer
        .get(v)
        .and_then(|&l| layers.get(l))
        .map_or(0, |c| c.len());
    order.get(v).copied().unwrap_or(0) as f64 - (len as f64 - 1.0) / 2.0
}

/// Step 3 of the module doc for layer `l`: sorts it by the barycenter of `neighbours`.
fn barycenter_sort(
    layers: &mut [Vec<usize>],
    layer_of: &[usize],
    l: usize,
    neighbours: &Csr,
    order: &mut [usize],
) {
    let Some(column) = layers.get(l) else {
        return;
    };
    let mut keyed: Vec<(f64, usize, usize)> = column
        .iter()
        .enumerate()
        .map(|(pos, &v)| {
            let ns = neighbours.of(v);
            let key = if ns.is_empty() {
                centred(layers, layer_of, order, v)
            } else {
                let sum: f64 = ns
                    .iter()
                    .map(|&u| centred(layers, layer_of, order, u))
                    .sum();
                sum / ns.len() as f64
            };
            (key, pos, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    if let Some(column) = layers.get_mut(l) {
        *column = keyed.into_iter().map(|(_, _, v)| v).collect();
        renumber(column, order);
    }
}

/// Sizes for [`place`], in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sizes {
    pub node_w: f64,
    pub node_h: f64,
    /// Horizontal space between two layers (holds the edge labels).
    pub col_gap: f64,
    /// Vertical space between two boxes of a layer.
    pub row_gap: f64,
    /// Space around the drawing (holds self-call loops).
    pub margin: f64,
}

/// A point in pixels (x right, y down).
pub type Point = (f64, f64);

/// The drawing of one edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub route: EdgeRoute,
    /// Start, two cubic Bézier control points, end (a straight arrow repeats its ends).
    pub start: Point,
    pub c1: Point,
    pub c2: Point,
    pub end: Point,
    /// Where the label's text is centred.
    pub label: Point,
    /// The arrowhead triangle at `end`.
    pub arrow: [Point; 3],
}

impl EdgePath {
    /// The SVG path data (`M … C …`).
    pub fn svg_d(&self) -> String {
        let (s, a, b, e) = (self.start, self.c1, self.c2, self.end);
        format!(
            "M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            s.0, s.1, a.0, a.1, b.0, b.1, e.0, e.1
        )
    }

    /// The arrowhead as SVG `points`.
    pub fn svg_arrow(&self) -> String {
        let [p, q, r] = self.arrow;
        format!(
            "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            p.0, p.1, q.0, q.1, r.0, r.1
        )
    }
}

/// Node boxes and edge paths in pixels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    /// Top-left corner of each node's box.
    pub nodes: Vec<Point>,
    /// One per input edge, in input order (`None` for [`EdgeRoute::Invalid`]).
    pub edges: Vec<Option<EdgePath>>,
    pub width: f64,
    pub height: f64,
}

const ARROW_LEN: f64 = 8.0;
/// How far below the lowest box a reversed edge's curve reaches.
const BACK_DROP: f64 = 36.0;
/// Height of a self-call loop above its box.
const LOOP_RISE: f64 = 28.0;

/// Arrowhead with its tip at `tip`, pointing away from `from`.
fn arrow(from: Point, tip: Point) -> [Point; 3] {
    let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let base = (tip.0 - ux * ARROW_LEN, tip.1 - uy * ARROW_LEN);
    let half = ARROW_LEN / 2.0;
    [
        tip,
        (base.0 - uy * half, base.1 + ux * half),
        (base.0 + uy * half, base.1 - ux * half),
    ]
}

/// Point of the cubic Bézier `p0 p1 p2 p3` at t = ½.
fn bezier_mid(p0: Point, p1: Point, p2: Point, p3: Point) -> Point {
    (
        (p0.0 + 3.0 * p1.0 + 3.0 * p2.0 + p3.0) / 8.0,
        (p0.1 + 3.0 * p1.1 + 3.0 * p2.1 + p3.1) / 8.0,
    )
}

/// A cubic curve from `start` to `end` whose control points lie at height `y` straight above or
/// below the ends; the label at its middle moved by `label_dy`.
fn curve(route: EdgeRoute, start: Point, end: Point, y: f64, label_dy: f64) -> EdgePath {
    let (c1, c2) = ((start.0, y), (end.0, y));
    let mid = bezier_mid(start, c1, c2, end);
    EdgePath {
        route,
        start,
        c1,
        c2,
        end,
        label: (mid.0, mid.1 + label_dy),
        arrow: arrow(c2, end),
    }
}

/// Step 4 of the module doc: boxes and edge paths for `layout` of `edges` (the same slice given
/// to [`layered_layout`]).
pub fn place(layout: &GraphLayout, edges: &[(usize, usize)], sizes: Sizes) -> Placement {
    let rows = layout.layers.iter().map(Vec::len).max().unwrap_or(0);
    let pitch_y = sizes.node_h + sizes.row_gap;
    let pitch_x = sizes.node_w + sizes.col_gap;
    let top = sizes.margin + LOOP_RISE;
    let nodes: Vec<Point> = (0..layout.layer.len())
        .map(|v| {
            let l = layout.layer.get(v).copied().unwrap_or(0);
            let len = layout.layers.get(l).map_or(0, Vec::len);
            let pos = layout.order.get(v).copied().unwrap_or(0);
            let offset = (rows.saturating_sub(len)) as f64 * pitch_y / 2.0;
            (
                sizes.margin + l as f64 * pitch_x,
                top + offset + pos as f64 * pitch_y,
            )
        })
        .collect();
    let body_bottom = if rows == 0 {
        top
    } else {
        top + rows as f64 * pitch_y - sizes.row_gap
    };
    let any_back = layout.routes.contains(&EdgeRoute::Back);
    let bottom = body_bottom + if any_back { BACK_DROP + 16.0 } else { 0.0 };
    let (w, h) = (sizes.node_w, sizes.node_h);
    let paths = edges
        .iter()
        .zip(&layout.routes)
        .map(|(&(a, b), &route)| {
            let (pa, pb) = (*nodes.get(a)?, *nodes.get(b)?);
            Some(match route {
                EdgeRoute::Invalid => return None,
                EdgeRoute::Forward => {
                    let start = (pa.0 + w, pa.1 + h / 2.0);
                    let end = (pb.0, pb.1 + h / 2.0);
                    let dx = end.0 - start.0;
                    let t = if dx > 0.0 {
                        (sizes.col_gap / 2.0 / dx).min(1.0)
                    } else {
                        0.5
                    };
                    let label = (start.0 + dx * t, start.1 + (end.1 - start.1) * t);
                    EdgePath {
                        route,
                        start,
                        c1: start,
                        c2: end,
                        end,
                        label,
                        arrow: arrow(start, end),
                    }
                }
                EdgeRoute::Back => {
                    let start = (pa.0 + w / 2.0, pa.1 + h);
                    let end = (pb.0 + w / 2.0, pb.1 + h);
                    curve(route, start, end, body_bottom + BACK_DROP, 0.0)
                }
                EdgeRoute::SelfLoop => {
                    let start = (pa.0 + w * 0.35, pa.1);
                    let end = (pa.0 + w * 0.65, pa.1);
                    curve(route, start, end, pa.1 - LOOP_RISE, -6.0)
                }
            })
        })
        .collect();
    let columns = layout.layers.len();
    let width = if columns == 0 {
        0.0
    } else {
        2.0 * sizes.margin + columns as f64 * pitch_x - sizes.col_gap
    };
    Placement {
        nodes,
        edges: paths,
        width,
        height: if rows == 0 {
            0.0
        } else {
            bottom + sizes.margin
        },
    }
}

/// The edges of `map` as `(caller, callee)` indices into `map.nodes` (which holds every caller
/// and callee, sorted by service); an edge naming a missing service maps to an out-of-range
/// index and is laid out as [`EdgeRoute::Invalid`].
pub fn map_edges(map: &super::service_map::ServiceMap) -> Vec<(usize, usize)> {
    let index = |name: &str| {
        map.nodes
            .binary_search_by(|n| (*n.service).cmp(name))
            .unwrap_or(usize::MAX)
    };
    map.edges
        .iter()
        .map(|e| (index(&e.caller), index(&e.callee)))
        .collect()
}
