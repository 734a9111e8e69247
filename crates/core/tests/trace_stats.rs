//! The per-(service, operation) statistics table on the petclinic Jaeger fixtures, against values
//! computed by hand from the files (µs in the files, ns here).

mod trace_fixtures;

use sightline_core::trace::self_time::self_times;
use sightline_core::trace::stats::operation_stats;
use sightline_core::trace::{decode_traces, Trace};

fn trace(name: &str) -> Trace {
    trace_fixtures::jaeger_trace(name)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn self_times_of_petclinic_are_duration_minus_children() {
    let t = trace("petclinic-normal.json");
    // root 4902 − client 2499; client 2499 − server 1739; server 1739 − 21 − 52; two leaves.
    assert_eq!(
        self_times(&t),
        vec![2_403_000, 760_000, 1_666_000, 21_000, 52_000]
    );
}

#[test]
fn one_trace_table_has_exact_percentiles_and_self_share() {
    let t = trace("petclinic-normal.json");
    let rows = operation_stats([&t]);
    let keys: Vec<(&str, &str, usize)> = rows
        .iter()
        .map(|r| (&*r.service, &*r.operation, r.count))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("api-gateway", "GET /api/customer/owners/8/pets/10", 1),
            ("api-gateway", "GET /owners/8/pets/10", 1),
            ("customers-service", "GET /owners/8/pets/10", 1),
            (
                "customers-service",
                "HikariProxyPreparedStatement.executeQuery",
                2
            ),
        ]
    );
    let db = &rows[3];
    assert_eq!(
        (db.total_ns, db.min_ns, db.max_ns, db.traces),
        (73_000, 21_000, 52_000, 1)
    );
    assert!(close(db.avg_ns, 36_500.0));
    assert!(close(db.p50_ns, 36_500.0));
    assert!(
        close(db.p95_ns, 21_000.0 + 0.95 * 31_000.0),
        "{}",
        db.p95_ns
    );
    assert!(close(db.p99_ns, 21_000.0 + 0.99 * 31_000.0));
    assert_eq!(db.self_total_ns, 73_000);
    assert!(close(db.self_share.unwrap(), 73.0 / 4902.0));
    assert_eq!((db.error_count, db.error_rate), (0, 0.0));
    // The root is on the critical path for its own self time here (no parallelism).
    assert_eq!(rows[0].critical_total_ns, 2_403_000);
}

#[test]
fn many_traces_pool_durations_per_operation() {
    let a = trace("petclinic-normal.json");
    let b = trace("petclinic-span-longer-than-parent.json");
    let rows = operation_stats([&a, &b]);
    let db = rows
        .iter()
        .find(|r| &*r.operation == "HikariProxyPreparedStatement.executeQuery")
        .unwrap();
    // 52, 21 from the first trace; 415, 143 from the second.
    assert_eq!(
        (db.count, db.traces, db.min_ns, db.max_ns),
        (4, 2, 21_000, 415_000)
    );
    assert!(close(db.p50_ns, 97_500.0));
    assert!(close(db.self_share.unwrap(), 631.0 / (4902.0 + 13940.0)));
    // Four spans of customers-service "GET /owners/8/pets/10" in the second trace + one in the first.
    let server = rows
        .iter()
        .find(|r| &*r.service == "customers-service" && &*r.operation == "GET /owners/8/pets/10")
        .unwrap();
    assert_eq!((server.count, server.traces), (5, 2));
}

#[test]
fn errors_are_counted_per_operation() {
    let body = br#"{"traceID":"1","processes":{"p":{"serviceName":"s"}},"spans":[
        {"spanID":"1","operationName":"a","startTime":1,"duration":10,"processID":"p","tags":[{"key":"error","type":"bool","value":true}]},
        {"spanID":"2","operationName":"a","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":2,"duration":3,"processID":"p"},
        {"spanID":"3","operationName":"a","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":5,"duration":3,"processID":"p","tags":[{"key":"error","type":"string","value":"true"}]},
        {"spanID":"4","operationName":"a","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":8,"duration":1,"processID":"p"}]}"#;
    let t = decode_traces(body).unwrap().traces.remove(0);
    let rows = operation_stats([&t]);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].count, rows[0].error_count), (4, 2));
    assert_eq!(rows[0].error_rate, 0.5);
}
