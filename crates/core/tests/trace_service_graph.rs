//! The layered layout of a service map: hand-worked layers, orders and routes for a chain, a
//! diamond, a cycle, self-calls, disconnected services and 0 or 1 services; the geometry of the
//! drawing; the layout of a real fixture trace's map; and properties over random graphs (every
//! forward edge goes strictly right, reversed edges close cycles, layers are permutations).

mod trace_fixtures;

use proptest::prelude::*;
use sightline_core::trace::service_graph::{
    layered_layout, map_edges, place, EdgeRoute, GraphLayout, Sizes,
};
use sightline_core::trace::service_map::service_map;

use EdgeRoute::{Back, Forward, Invalid, SelfLoop};

const SIZES: Sizes = Sizes {
    node_w: 100.0,
    node_h: 40.0,
    col_gap: 200.0,
    row_gap: 20.0,
    margin: 10.0,
};

#[test]
fn no_services_give_an_empty_layout_and_drawing() {
    let l = layered_layout(0, &[]);
    assert_eq!(l, GraphLayout::default());
    let p = place(&l, &[], SIZES);
    assert!(p.nodes.is_empty() && p.edges.is_empty());
    assert_eq!((p.width, p.height), (0.0, 0.0));
}

#[test]
fn one_service_is_one_box_in_layer_zero() {
    let l = layered_layout(1, &[]);
    assert_eq!(l.layer, vec![0]);
    assert_eq!(l.layers, vec![vec![0]]);
    let p = place(&l, &[], SIZES);
    // margin + loop room above (28) = 38.
    assert_eq!(p.nodes, vec![(10.0, 38.0)]);
    assert_eq!(p.width, 120.0);
    assert_eq!(p.height, 38.0 + 40.0 + 10.0);
}

#[test]
fn a_chain_takes_one_layer_per_hop() {
    // 2 → 0 → 1 (indices are name order, not call order).
    let edges = [(2, 0), (0, 1)];
    let l = layered_layout(3, &edges);
    assert_eq!(l.layer, vec![1, 2, 0]);
    assert_eq!(l.layers, vec![vec![2], vec![0], vec![1]]);
    assert_eq!(l.routes, vec![Forward, Forward]);
}

#[test]
fn a_diamond_puts_both_branches_in_the_middle_layer() {
    // 0 → 1, 0 → 2, 1 → 3, 2 → 3, plus a shortcut 0 → 3 that must not pull 3 left.
    let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)];
    let l = layered_layout(4, &edges);
    assert_eq!(l.layer, vec![0, 1, 1, 2]);
    assert_eq!(l.layers, vec![vec![0], vec![1, 2], vec![3]]);
    assert!(l.routes.iter().all(|&r| r == Forward));
}

#[test]
fn a_cycle_is_broken_at_the_edge_back_to_the_first_service_searched() {
    // 0 → 1 → 2 → 0: no service without callers, so the search starts at 0 and 2 → 0 is reversed.
    let edges = [(0, 1), (1, 2), (2, 0)];
    let l = layered_layout(3, &edges);
    assert_eq!(l.routes, vec![Forward, Forward, Back]);
    assert_eq!(l.layer, vec![0, 1, 2]);
}

#[test]
fn a_cycle_below_an_entry_point_is_broken_below_it() {
    // 3 (the only service without callers) → 1 → 2 → 1, and 2 → 0.
    let edges = [(3, 1), (1, 2), (2, 1), (2, 0)];
    let l = layered_layout(4, &edges);
    assert_eq!(l.routes, vec![Forward, Forward, Back, Forward]);
    assert_eq!(l.layer, vec![3, 1, 2, 0]);
}

#[test]
fn mutual_calls_keep_one_direction_forward() {
    let edges = [(1, 0), (0, 1)];
    let l = layered_layout(2, &edges);
    assert_eq!(l.routes, vec![Back, Forward]);
    assert_eq!(l.layer, vec![0, 1]);
}

#[test]
fn self_calls_are_loops_outside_the_layering() {
    let edges = [(0, 0), (0, 1), (1, 1)];
    let l = layered_layout(2, &edges);
    assert_eq!(l.routes, vec![SelfLoop, Forward, SelfLoop]);
    assert_eq!(l.layer, vec![0, 1]);
    let p = place(&l, &edges, SIZES);
    let lp = p.edges[0].as_ref().unwrap();
    // From 35 % to 65 % of the top side of box 0 at (10, 38), rising 28 px.
    assert_eq!((lp.start, lp.end), ((45.0, 38.0), (75.0, 38.0)));
    assert_eq!((lp.c1, lp.c2), ((45.0, 10.0), (75.0, 10.0)));
    assert_eq!(lp.label, (60.0, 38.0 - 0.75 * 28.0 - 6.0));
}

#[test]
fn disconnected_services_start_in_layer_zero() {
    // 0 and 3 alone; 1 → 2.
    let edges = [(1, 2)];
    let l = layered_layout(4, &edges);
    assert_eq!(l.layer, vec![0, 0, 1, 0]);
    assert_eq!(l.layers[0].len(), 3);
    assert_eq!(l.layers[1], vec![2]);
}

#[test]
fn edges_naming_missing_services_are_not_drawn() {
    let edges = [(0, 5), (usize::MAX, 0), (0, 1)];
    let l = layered_layout(2, &edges);
    assert_eq!(l.routes, vec![Invalid, Invalid, Forward]);
    let p = place(&l, &edges, SIZES);
    assert!(p.edges[0].is_none() && p.edges[1].is_none() && p.edges[2].is_some());
}

#[test]
fn barycenter_uncrosses_two_parallel_chains() {
    // Layer 0: 0, 1; layer 1 starts in index order 2, 3 but 0 → 3 and 1 → 2, so the sweep swaps.
    let edges = [(0, 3), (1, 2)];
    let l = layered_layout(4, &edges);
    assert_eq!(l.layers, vec![vec![0, 1], vec![3, 2]]);
    assert_eq!(l.order, vec![0, 1, 1, 0]);
}

#[test]
fn forward_edges_run_from_right_side_to_left_side_with_the_label_mid_gap() {
    // 0 → 1 → 2 and 0 → 2 (two layers long).
    let edges = [(0, 1), (1, 2), (0, 2)];
    let l = layered_layout(3, &edges);
    let p = place(&l, &edges, SIZES);
    // Columns every 300 px from x = 10; one row, y = 38.
    assert_eq!(p.nodes, vec![(10.0, 38.0), (310.0, 38.0), (610.0, 38.0)]);
    let e = p.edges[0].as_ref().unwrap();
    assert_eq!(
        (e.start, e.end, e.label),
        ((110.0, 58.0), (310.0, 58.0), (210.0, 58.0))
    );
    assert_eq!(e.arrow, [(310.0, 58.0), (302.0, 62.0), (302.0, 54.0)]);
    assert_eq!(e.svg_d(), "M110.0 58.0 C110.0 58.0 310.0 58.0 310.0 58.0");
    assert_eq!(e.svg_arrow(), "310.0,58.0 302.0,62.0 302.0,54.0");
    // The long edge's label sits in the first gap after its caller, not on box 1.
    let long = p.edges[2].as_ref().unwrap();
    assert_eq!(long.label, (210.0, 58.0));
    assert_eq!(p.width, 2.0 * 10.0 + 3.0 * 300.0 - 200.0);
}

#[test]
fn shorter_layers_are_centred_and_back_edges_curve_below() {
    // 0 → 1, 0 → 2, 2 → 0 (reversed): layer 0 = {0}, layer 1 = {1, 2}.
    let edges = [(0, 1), (0, 2), (2, 0)];
    let l = layered_layout(3, &edges);
    assert_eq!(l.routes, vec![Forward, Forward, Back]);
    let p = place(&l, &edges, SIZES);
    // Two rows (pitch 60): box 0 is centred half a pitch down.
    assert_eq!(p.nodes, vec![(10.0, 68.0), (310.0, 38.0), (310.0, 98.0)]);
    let back = p.edges[2].as_ref().unwrap();
    // Bottom centres of 2 and 0; the curve drops 36 px below the lowest box (bottom 138).
    assert_eq!((back.start, back.end), ((360.0, 138.0), (60.0, 108.0)));
    assert_eq!((back.c1, back.c2), ((360.0, 174.0), (60.0, 174.0)));
    assert_eq!(
        back.label,
        (210.0, (138.0 + 3.0 * 174.0 * 2.0 + 108.0) / 8.0)
    );
    assert_eq!(p.height, 174.0 + 16.0 + 10.0);
}

#[test]
fn the_petclinic_map_is_gateway_then_customers() {
    let t = trace_fixtures::jaeger_trace("petclinic-normal.json");
    let map = service_map([&t]);
    let edges = map_edges(&map);
    assert_eq!(edges, vec![(0, 1)]);
    let l = layered_layout(map.nodes.len(), &edges);
    assert_eq!(&*map.nodes[l.layers[0][0]].service, "api-gateway");
    assert_eq!(&*map.nodes[l.layers[1][0]].service, "customers-service");
}

/// Random graphs of up to 12 nodes and 40 edges (self-calls and duplicates included).
fn graphs() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..12).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..40)))
}

proptest! {
    #[test]
    fn layouts_are_consistent_on_random_graphs((n, edges) in graphs()) {
        let l = layered_layout(n, &edges);
        // Every node is in exactly one layer, at the position `order` says.
        let mut seen = vec![0; n];
        for (i, column) in l.layers.iter().enumerate() {
            prop_assert!(!column.is_empty());
            for (pos, &v) in column.iter().enumerate() {
                seen[v] += 1;
                prop_assert_eq!(l.layer[v], i);
                prop_assert_eq!(l.order[v], pos);
            }
        }
        prop_assert!(seen.iter().all(|&c| c == 1));
        // Forward edges go strictly right, reversed ones strictly left, loops stay.
        for (&(a, b), &r) in edges.iter().zip(&l.routes) {
            match r {
                Forward => prop_assert!(l.layer[a] < l.layer[b]),
                Back => prop_assert!(l.layer[a] > l.layer[b]),
                SelfLoop => prop_assert_eq!(a, b),
                Invalid => prop_assert!(false, "all endpoints are in range"),
            }
        }
        // Longest path: every node past layer 0 has a predecessor exactly one layer left.
        for v in 0..n {
            if l.layer[v] > 0 {
                let has = edges.iter().zip(&l.routes).any(|(&(a, b), &r)| {
                    (r == Forward && b == v && l.layer[a] + 1 == l.layer[v])
                        || (r == Back && a == v && l.layer[b] + 1 == l.layer[v])
                });
                prop_assert!(has, "node {} in layer {} has no predecessor one layer left", v, l.layer[v]);
            }
        }
        // The same input gives the same layout.
        prop_assert_eq!(layered_layout(n, &edges), l.clone());
        let p = place(&l, &edges, SIZES);
        prop_assert_eq!(p.edges.len(), edges.len());
        for &(x, y) in &p.nodes {
            prop_assert!(x >= 0.0 && y >= 0.0 && x + SIZES.node_w <= p.width && y + SIZES.node_h <= p.height);
        }
    }
}

#[test]
fn a_hundred_thousand_deep_chain_with_a_cycle_does_not_overflow_the_stack() {
    let n = 100_000;
    let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
    edges.push((n - 1, 0));
    let l = layered_layout(n, &edges);
    assert_eq!(l.layers.len(), n);
    assert_eq!(l.layer[n - 1], n - 1);
    assert_eq!(l.routes.last(), Some(&Back));
}
