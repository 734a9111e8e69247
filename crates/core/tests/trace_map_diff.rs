//! Service map and structural trace diff on the petclinic Jaeger fixtures (values read off the
//! files: µs there, ns here) and on hand-made traces.

mod trace_fixtures;

use sightline_core::trace::diff::{diff_traces, Change};
use sightline_core::trace::service_map::service_map;
use sightline_core::trace::{decode_traces, Trace};

fn trace(name: &str) -> Trace {
    trace_fixtures::jaeger_trace(name)
}

#[test]
fn one_trace_map_has_an_edge_where_the_service_changes() {
    let m = service_map([&trace("petclinic-normal.json")]);
    assert_eq!(m.traces, 1);
    let nodes: Vec<(&str, usize, bool)> = m
        .nodes
        .iter()
        .map(|n| (&*n.service, n.spans, n.inferred))
        .collect();
    assert_eq!(
        nodes,
        vec![("api-gateway", 2, false), ("customers-service", 3, false)]
    );
    assert_eq!(m.edges.len(), 1);
    let e = &m.edges[0];
    assert_eq!(
        (&*e.caller, &*e.callee, e.calls, e.errors, e.inferred),
        ("api-gateway", "customers-service", 1, 0, false)
    );
    assert_eq!((e.p50_ns, e.p95_ns), (1_739_000.0, 1_739_000.0));
}

#[test]
fn many_traces_pool_calls_and_take_exact_p95() {
    let m = service_map([
        &trace("petclinic-normal.json"),
        &trace("petclinic-span-longer-than-parent.json"),
    ]);
    assert_eq!(m.traces, 2);
    let e = &m.edges[0];
    // Latencies 1739; 7229, 7229, 1500, 3500 µs → sorted 1500 1739 3500 7229 7229.
    assert_eq!(e.calls, 5);
    assert_eq!(e.p50_ns, 3_500_000.0);
    assert_eq!(e.p95_ns, 7_229_000.0);
    assert_eq!(e.error_rate, 0.0);
}

#[test]
fn client_spans_without_children_infer_their_peer() {
    let body = br#"{"traceID":"1","processes":{"p":{"serviceName":"shop"}},"spans":[
        {"spanID":"1","operationName":"GET /","startTime":1,"duration":100,"processID":"p","tags":[{"key":"span.kind","type":"string","value":"server"}]},
        {"spanID":"2","operationName":"SELECT","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":2,"duration":10,"processID":"p",
         "tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"peer.service","type":"string","value":"postgres"},{"key":"error","type":"bool","value":true}]},
        {"spanID":"3","operationName":"SELECT","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":20,"duration":30,"processID":"p",
         "tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"peer.service","type":"string","value":"postgres"}]}]}"#;
    let t = decode_traces(body).unwrap().traces.remove(0);
    let m = service_map([&t]);
    let nodes: Vec<(&str, usize, bool)> = m
        .nodes
        .iter()
        .map(|n| (&*n.service, n.spans, n.inferred))
        .collect();
    assert_eq!(nodes, vec![("postgres", 0, true), ("shop", 3, false)]);
    let e = &m.edges[0];
    assert_eq!(
        (
            &*e.caller,
            &*e.callee,
            e.calls,
            e.errors,
            e.error_rate,
            e.inferred
        ),
        ("shop", "postgres", 2, 1, 0.5, true)
    );
    assert_eq!(e.p50_ns, 20_000.0);
}

/// (parent node, depth, service, operation, count in A, count in B, change).
type Row<'a> = (Option<u32>, u32, &'a str, &'a str, usize, usize, Change);

#[test]
fn diff_of_petclinic_traces_counts_per_ancestral_path() {
    let a = trace("petclinic-normal.json");
    let b = trace("petclinic-span-longer-than-parent.json");
    let d = diff_traces(&a, &b);
    let rows: Vec<Row> = d
        .iter()
        .map(|n| {
            (
                n.parent,
                n.depth,
                &*n.service,
                &*n.operation,
                n.a.count,
                n.b.count,
                n.change(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                None,
                0,
                "api-gateway",
                "GET /api/customer/owners/8/pets/10",
                1,
                1,
                Change::Same
            ),
            (
                Some(0),
                1,
                "api-gateway",
                "GET /owners/8/pets/10",
                1,
                1,
                Change::Same
            ),
            (
                Some(1),
                2,
                "customers-service",
                "GET /owners/8/pets/10",
                1,
                4,
                Change::CountChanged
            ),
            (
                Some(2),
                3,
                "customers-service",
                "HikariProxyPreparedStatement.executeQuery",
                2,
                2,
                Change::Same
            ),
        ]
    );
    assert_eq!(d[0].duration_delta_ns(), (12_887 - 4_902) * 1000);
    assert_eq!(d[2].count_delta(), 3);
    assert_eq!(d[2].b.duration_ns, (7229 + 7229 + 1500 + 3500) * 1000);
    assert_eq!(d[3].a.duration_ns, (52 + 21) * 1000);
    assert_eq!(d[3].b.duration_ns, (415 + 143) * 1000);
    // Self time of the root: A 2403 µs (see trace_stats); B 12887 − 9521.
    assert_eq!((d[0].a.self_ns, d[0].b.self_ns), (2_403_000, 3_366_000));
}

#[test]
fn diff_of_a_trace_with_itself_is_all_same_and_paths_only_on_one_side_are_marked() {
    let a = trace("petclinic-normal.json");
    let d = diff_traces(&a, &a);
    assert!(d.iter().all(|n| n.change() == Change::Same
        && n.duration_delta_ns() == 0
        && n.self_delta_ns() == 0));
    let other = trace("ui-model-warnings-followsfrom.json");
    let d = diff_traces(&a, &other);
    assert_eq!(
        d.iter().filter(|n| n.change() == Change::OnlyInA).count(),
        4
    );
    assert_eq!(
        d.iter().filter(|n| n.change() == Change::OnlyInB).count(),
        5
    );
}
