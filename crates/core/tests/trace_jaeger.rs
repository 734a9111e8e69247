//! Jaeger JSON decoding into the columnar trace model, checked against the captured fixtures in
//! `tests/fixtures/jaeger/` (expected values read off the files by hand) and hand-made cases.

mod trace_fixtures;

use sightline_core::trace::formats::jaeger::{
    decode_dependencies, decode_operations, decode_services, Dependency, Operation,
};
use sightline_core::trace::{
    decode_traces, flags, AttrValue, RefType, SpanKind, SpanStatus, TraceError, TraceFormat,
    TraceWarning,
};

fn fixture(name: &str) -> Vec<u8> {
    trace_fixtures::fixture("jaeger", name)
}

fn ids(t: &sightline_core::trace::Trace) -> Vec<u64> {
    t.span_ids().to_vec()
}

#[test]
fn petclinic_trace_decodes_in_pre_order_with_services_and_kinds() {
    let d = decode_traces(&fixture("petclinic-normal.json")).unwrap();
    assert_eq!(d.format, TraceFormat::JaegerJson);
    assert_eq!(d.documents, 1);
    assert_eq!(d.traces.len(), 1);
    let t = &d.traces[0];
    assert_eq!(t.trace_id(), 0x4766f1209f70a5e2e55417fc296fd101);
    assert_eq!(
        ids(t),
        vec![
            0x150c193cf155b46b,
            0x22be69e72cbcde0b,
            0xe821b549888cbc3b,
            0x4085dddb47429851,
            0x622a5079b565623e
        ]
    );
    assert_eq!(t.parents(), &[u32::MAX, 0, 1, 2, 2]);
    assert_eq!(t.depths(), &[0, 1, 2, 3, 3]);
    assert_eq!(t.subtree_ends(), &[5, 5, 5, 4, 5]);
    assert_eq!(t.roots(), &[0]);
    assert_eq!(t.children(2), &[3, 4]);
    assert_eq!(t.start_ns(), 1_579_070_675_083_000_000);
    assert_eq!(t.duration_ns(), 4_902_000);
    let root = t.span(0).unwrap();
    assert_eq!(root.service(), "api-gateway");
    assert_eq!(root.operation(), "GET /api/customer/owners/8/pets/10");
    assert_eq!(root.kind(), SpanKind::Server);
    assert_eq!(t.span(1).unwrap().kind(), SpanKind::Client);
    let db = t.span(3).unwrap();
    assert_eq!(db.service(), "customers-service");
    assert_eq!(db.kind(), SpanKind::Unspecified);
    assert_eq!(db.start_ns(), 1_579_070_675_085_059_000);
    assert_eq!(db.duration_ns(), 21_000);
    assert_eq!(db.end_ns(), 1_579_070_675_085_080_000);
    let sql = db.attribute("sql").map(|v| db.value_text(v));
    assert_eq!(sql.as_deref(), Some("select * from test"));
    assert_eq!(t.service_names(), vec!["api-gateway", "customers-service"]);
    assert_eq!(t.error_count(), 0);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
}

#[test]
fn stripped_leading_zeros_and_children_outside_their_parent_are_tolerated() {
    let d = decode_traces(&fixture("petclinic-span-longer-than-parent.json")).unwrap();
    let t = &d.traces[0];
    // 15-hex-digit and 14-digit span ids are left-padded, so parent links resolve.
    assert_eq!(
        ids(t),
        vec![
            0xab496a7591486ffd,
            0x6745965d0b964193,
            0x04b52eb0cabcb50a,
            0xafa59bdef0fc2561,
            0xd72e44f0b9a0a6ce,
            0x00a0000000000000,
            0x1,
            0x2
        ]
    );
    assert_eq!(t.parents(), &[u32::MAX, 0, 1, 2, 2, 1, 1, 1]);
    assert_eq!(t.roots(), &[0]);
    let outside: Vec<u32> = t
        .spans()
        .filter(|s| s.flags() & flags::OUTSIDE_PARENT != 0)
        .map(|s| s.index())
        .collect();
    assert_eq!(
        outside,
        vec![6, 7],
        "the spans ending 0.4 ms and 2.8 ms after their parent"
    );
    assert!(t
        .warnings()
        .contains(&TraceWarning::SpansOutsideParent { count: 2 }));
    // Trace duration runs to the latest end (a child past the root's end), not the root's end.
    assert_eq!(t.duration_ns(), 13_940_000);
}

#[test]
fn ui_model_fixture_keeps_duplicate_ids_follows_from_links_and_warnings() {
    let d = decode_traces(&fixture("ui-model-warnings-followsfrom.json")).unwrap();
    let t = &d.traces[0];
    assert_eq!(t.trace_id(), 1);
    let ops: Vec<&str> = t.spans().map(|s| s.operation()).collect();
    assert_eq!(
        ops,
        vec![
            "test-general-conversion",
            "some-operation",
            "reference-test",
            "preserveParentID-test",
            "some-operation"
        ]
    );
    assert_eq!(ids(t), vec![2, 3, 4, 5, 2]);
    assert_eq!(t.parents(), &[u32::MAX, 0, 0, 2, u32::MAX]);
    assert_eq!(t.roots(), &[0, 4]);
    assert_eq!(
        t.span(0).unwrap().flags() & flags::DUPLICATE_ID,
        flags::DUPLICATE_ID
    );
    assert_eq!(
        t.span(4).unwrap().flags() & flags::DUPLICATE_ID,
        flags::DUPLICATE_ID
    );
    assert!(t
        .warnings()
        .contains(&TraceWarning::DuplicateSpanIds { count: 2 }));
    assert!(t.warnings().contains(&TraceWarning::Backend {
        message: "some trace warning".into(),
        count: 1
    }));
    assert!(t.warnings().contains(&TraceWarning::Backend {
        message: "some span warning".into(),
        count: 2
    }));
    // The parent is the CHILD_OF reference inside the trace; the others become links.
    let r = t.span(2).unwrap();
    assert_eq!(r.parent_span_id(), Some(2));
    assert_eq!(r.ref_type(), RefType::ChildOf);
    let links: Vec<(u128, u64, RefType)> = r
        .links()
        .iter()
        .map(|l| (l.trace_id, l.span_id, l.ref_type))
        .collect();
    assert_eq!(
        links,
        vec![(0xff, 0xff, RefType::ChildOf), (1, 2, RefType::FollowsFrom)]
    );
    // Tag types: int64 (also as a string beyond 2^53), bool, float64, binary.
    let e = t.span(4).unwrap();
    assert!(e.is_error());
    assert_eq!(e.status(), SpanStatus::Error);
    assert_eq!(e.service(), "service-x");
    assert_eq!(e.attribute("peer.ipv4"), Some(AttrValue::Int(23456)));
    assert_eq!(e.attribute("error"), Some(AttrValue::Bool(true)));
    assert_eq!(e.attribute("temperature"), Some(AttrValue::Float(72.5)));
    assert_eq!(
        e.attribute("javascript_limit"),
        Some(AttrValue::Int(9_223_372_036_854_775_222))
    );
    assert_eq!(
        e.attribute("blob").map(|v| e.value_text(v)).as_deref(),
        Some("AAAwOQ==")
    );
    // Logs become events named by their `event` field.
    let a = t.span(0).unwrap();
    assert_eq!(a.events().len(), 2);
    assert_eq!(t.str(a.events()[0].name), "some-event");
    assert_eq!(a.events()[0].time_ns, 1_485_467_191_639_875_000);
    let x = a.event_attributes(&a.events()[1]);
    assert_eq!(
        (t.str(x[0].key), x[0].value),
        ("x", AttrValue::Str(t.find_str("y").unwrap()))
    );
    assert_eq!(t.error_count(), 1);
}

#[test]
fn data_envelope_arrays_and_ndjson_hold_the_same_traces() {
    let a = String::from_utf8(fixture("petclinic-normal.json")).unwrap();
    let b = String::from_utf8(fixture("petclinic-span-longer-than-parent.json")).unwrap();
    let one_line = |s: &str| s.replace('\n', " ");
    let bodies = [
        format!("{{\"data\":[{a},{b}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}}"),
        format!("[{a},{b}]"),
        format!("{}\n{}\n", one_line(&a), one_line(&b)),
    ];
    for (i, body) in bodies.iter().enumerate() {
        let d = decode_traces(body.as_bytes()).unwrap();
        assert_eq!(d.format, TraceFormat::JaegerJson);
        assert_eq!(d.documents, if i == 2 { 2 } else { 1 });
        let got: Vec<(u128, usize)> = d.traces.iter().map(|t| (t.trace_id(), t.len())).collect();
        assert_eq!(
            got,
            vec![
                (0x4766f1209f70a5e2e55417fc296fd101, 5),
                (0x9ced30503c58dab894a2d7598b01a87a, 8)
            ],
            "body {i}"
        );
    }
    // `data` holding a single trace object (jaeger-ui accepts it too).
    let d = decode_traces(format!("{{\"data\":{a}}}").as_bytes()).unwrap();
    assert_eq!(d.traces.len(), 1);
}

#[test]
fn the_same_trace_in_two_documents_is_merged_and_identical_copies_dropped() {
    let a = String::from_utf8(fixture("petclinic-normal.json"))
        .unwrap()
        .replace('\n', " ");
    let d = decode_traces(format!("{a}\n{a}\n").as_bytes()).unwrap();
    assert_eq!(d.traces.len(), 1);
    assert_eq!(d.traces[0].len(), 5);
    assert!(d.traces[0]
        .warnings()
        .contains(&TraceWarning::DuplicateSpans { count: 5 }));
}

#[test]
fn api_errors_bad_json_and_empty_results_are_values() {
    let err = decode_traces(br#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}"#).unwrap_err();
    assert_eq!(
        err,
        TraceError::Api {
            code: Some(404),
            message: "trace not found".into()
        }
    );
    assert!(err.to_string().contains("404"));
    let err = decode_traces(b"{\"data\":[\n{\"traceID\": }]}").unwrap_err();
    assert!(matches!(err, TraceError::Json { line: 2, .. }), "{err:?}");
    assert_eq!(decode_traces(b"  \n").unwrap_err(), TraceError::Empty);
    let d = decode_traces(br#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#).unwrap();
    assert!(d.traces.is_empty());
    assert_eq!(d.warnings, vec!["No traces found".to_string()]);
    assert!(matches!(
        decode_traces(br#"{"hello":"world"}"#),
        Err(TraceError::UnknownShape { .. })
    ));
}

#[test]
fn orphans_cycles_and_self_parents_become_flagged_roots() {
    let span = |id: &str, parent: &str, start: u64| {
        format!(
            r#"{{"traceID":"a","spanID":"{id}","operationName":"op{id}","references":[{{"refType":"CHILD_OF","traceID":"a","spanID":"{parent}"}}],"startTime":{start},"duration":10,"processID":"p"}}"#
        )
    };
    let spans = [
        span("1", "2", 5),
        span("2", "1", 6),
        span("3", "1", 7),
        span("4", "99", 1),
        span("5", "5", 2),
    ]
    .join(",");
    let body = format!(
        r#"{{"traceID":"a","spans":[{spans}],"processes":{{"p":{{"serviceName":"s","tags":[]}}}}}}"#
    );
    let t = &decode_traces(body.as_bytes()).unwrap().traces[0];
    assert_eq!(t.len(), 5);
    // Roots in start order: the orphan 4 (t=1), the self-parent 5 (t=2); then the cycle 1↔2 cut at
    // span 1 (first in arrival), with 2 and 3 below it.
    assert_eq!(ids(t), vec![4, 5, 1, 2, 3]);
    assert_eq!(t.roots(), &[0, 1, 2]);
    assert_eq!(t.parents(), &[u32::MAX, u32::MAX, u32::MAX, 2, 2]);
    assert_eq!(t.span(0).unwrap().flags() & flags::ORPHAN, flags::ORPHAN);
    assert_eq!(
        t.span(1).unwrap().flags() & flags::CYCLE_CUT,
        flags::CYCLE_CUT
    );
    assert_eq!(
        t.span(2).unwrap().flags() & flags::CYCLE_CUT,
        flags::CYCLE_CUT
    );
    assert!(t
        .warnings()
        .contains(&TraceWarning::OrphanSpans { count: 1 }));
    assert!(t
        .warnings()
        .contains(&TraceWarning::ParentCycles { count: 2 }));
    // The orphan keeps the parent id it named.
    assert_eq!(t.span(0).unwrap().parent_span_id(), Some(0x99));
}

#[test]
fn a_chain_of_200k_spans_builds_without_recursion() {
    let n = 200_000u64;
    let mut body =
        String::from(r#"{"traceID":"abc","processes":{"p":{"serviceName":"s"}},"spans":["#);
    for i in 1..=n {
        if i > 1 {
            body.push(',');
        }
        let refs = if i == 1 {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","spanID":"{:x}"}}"#, i - 1)
        };
        body.push_str(&format!(r#"{{"spanID":"{i:x}","operationName":"o","references":[{refs}],"startTime":{i},"duration":{},"processID":"p"}}"#, 2 * n - i));
    }
    body.push_str("]}");
    let t = &decode_traces(body.as_bytes()).unwrap().traces[0];
    assert_eq!(t.len(), n as usize);
    assert_eq!(t.depth(), n as u32);
    assert_eq!(t.subtree_ends()[0], n as u32);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
}

#[test]
fn services_operations_and_dependencies_decode_sorted() {
    assert_eq!(
        decode_services(br#"{"data":["frontend","driver","frontend"],"total":2,"limit":0,"offset":0,"errors":null}"#).unwrap(),
        vec!["driver".to_string(), "frontend".to_string()]
    );
    assert_eq!(
        decode_services(br#"{"services":["b","a"]}"#).unwrap(),
        vec!["a".to_string(), "b".to_string()]
    );
    assert_eq!(
        decode_operations(br#"{"data":["HTTP GET /dispatch","HTTP GET /"],"errors":null}"#)
            .unwrap(),
        vec![
            Operation {
                name: "HTTP GET /".into(),
                span_kind: None
            },
            Operation {
                name: "HTTP GET /dispatch".into(),
                span_kind: None
            }
        ]
    );
    assert_eq!(
        decode_operations(&fixture("api-v3-get-operations.json")).unwrap(),
        vec![Operation {
            name: "get_users".into(),
            span_kind: Some(SpanKind::Server)
        }]
    );
    let deps = decode_dependencies(&fixture("dependencies-small.json")).unwrap();
    assert_eq!(deps.len(), 7);
    assert_eq!(
        deps[0],
        Dependency {
            parent: "Service1".into(),
            child: "Service2".into(),
            call_count: 30489
        }
    );
    assert!(deps.windows(2).all(|w| w[0] <= w[1]));
    let wrapped = decode_dependencies(
        br#"{"data":[{"parent":"a","child":"b","callCount":3}],"errors":null}"#,
    )
    .unwrap();
    assert_eq!(
        wrapped,
        vec![Dependency {
            parent: "a".into(),
            child: "b".into(),
            call_count: 3
        }]
    );
    let err =
        decode_services(br#"{"data":null,"errors":[{"code":500,"msg":"boom"}]}"#).unwrap_err();
    assert_eq!(
        err,
        TraceError::Api {
            code: Some(500),
            message: "boom".into()
        }
    );
}

#[test]
fn errors_beside_data_become_warnings() {
    let a = String::from_utf8(fixture("petclinic-normal.json")).unwrap();
    let body = format!(
        r#"{{"data":[{a}],"errors":[{{"code":404,"msg":"trace not found","traceID":"abc"}}]}}"#
    );
    let d = decode_traces(body.as_bytes()).unwrap();
    assert_eq!(d.traces.len(), 1);
    assert_eq!(
        d.warnings,
        vec![
            "the backend also reported: the backend answered with error 404: trace not found"
                .to_string()
        ]
    );
}
