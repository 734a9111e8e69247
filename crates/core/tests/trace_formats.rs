//! Every trace format decodes into the same model, with the format named: the OTLP, Tempo and
//! Zipkin fixtures in `tests/fixtures/` (expected values read off the files), and hand-made bodies
//! for shapes no fixture holds (Tempo v2 `PARTIAL`, Jaeger v3 chunks, old OTLP keys, enum names).

mod trace_fixtures;

use sightline_core::trace::formats::tempo::decode_tempo_search;
use sightline_core::trace::{
    decode_traces, flags, AttrValue, SpanKind, SpanStatus, Trace, TraceError, TraceFormat,
    TraceWarning,
};
use trace_fixtures::fixture;

fn one(dir: &str, name: &str, format: TraceFormat) -> Trace {
    let d = decode_traces(&fixture(dir, name)).unwrap();
    assert_eq!(d.format, format, "{name}");
    assert_eq!(d.traces.len(), 1, "{name}");
    d.traces.into_iter().next().unwrap()
}

fn text(t: &Trace, i: u32, key: &str) -> Option<String> {
    let s = t.span(i)?;
    s.attribute(key).map(|v| s.value_text(v))
}

#[test]
fn tempo_batches_with_base64_ids_and_enum_names() {
    let t = one(
        "tempo",
        "kiali-bookinfo-trace-by-id.json",
        TraceFormat::TempoV1,
    );
    // O6VWCcPN5JZJzXfR+dzZNg== (base64, with '+').
    assert_eq!(t.trace_id(), 0x3ba55609c3cde49649cd77d1f9dcd936);
    assert_eq!(t.len(), 8);
    assert_eq!(t.roots(), &[0]);
    let root = t.span(0).unwrap();
    assert_eq!(root.span_id(), 0x49cd77d1f9dcd936);
    assert_eq!(root.service(), "istio-ingressgateway.istio-system");
    assert_eq!(root.kind(), SpanKind::Client);
    assert_eq!(root.duration_ns(), 11_932_000);
    assert_eq!(t.str(root.events()[0].name), "cr");
    assert_eq!(text(&t, 0, "http.status_code").as_deref(), Some("200"));
    // productpage is split over two batches; both halves name the same service.
    assert_eq!(t.span(1).unwrap().service(), "productpage.bookinfo");
    assert_eq!(t.span(1).unwrap().kind(), SpanKind::Server);
    assert_eq!(
        t.depth(),
        6,
        "ingress → productpage → reviews client → reviews → ratings client → ratings"
    );
    assert_eq!(t.service_names().len(), 5);
    assert_eq!(
        t.span(1).unwrap().status(),
        SpanStatus::Unset,
        "status: {{}}"
    );
}

#[test]
fn tempo_search_lists_summaries_and_matched_spans() {
    let s = decode_tempo_search(&fixture("tempo", "kiali-bookinfo-search.json")).unwrap();
    assert!(!s.traces.is_empty());
    let first = &s.traces[0];
    assert_eq!(first.trace_id, 0x100cb753c787ed5657c8d88dafc176ed);
    assert_eq!(first.root_service, "istio-ingressgateway.istio-system");
    assert_eq!(first.start_ns, 1_701_778_055_570_888_000);
    assert_eq!(first.duration_ns, Some(9_000_000));
    let m = &first.matched[0];
    assert_eq!((m.span_id, m.duration_ns), (0x2e6ca056f5fc6fdc, 556_000));
    assert!(m
        .attributes
        .contains(&("service.name".to_string(), "reviews.bookinfo".to_string())));
    // decode_traces says what it is instead of pretending it is a trace.
    let err = decode_traces(&fixture("tempo", "kiali-bookinfo-search.json")).unwrap_err();
    assert!(err.to_string().contains("Tempo search"), "{err}");
    // Stripped leading zeros in a search id are padded.
    let s = decode_tempo_search(
        br#"{"traces":[{"traceID":"2f3e0cee77ae5dc9c17ade3689eb2e5","durationMs":557}]}"#,
    )
    .unwrap();
    assert_eq!(s.traces[0].trace_id, 0x02f3e0cee77ae5dc9c17ade3689eb2e5);
}

#[test]
fn zipkin_shared_spans_become_client_then_server() {
    let t = one("zipkin", "yelp.json", TraceFormat::ZipkinV2);
    assert_eq!(
        t.trace_id(),
        0xa03ee8fff1dcd9b9,
        "64-bit trace id, left-padded"
    );
    assert_eq!(t.len(), 16);
    assert_eq!(t.roots(), &[0]);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    // The client half of 668ed78ad94b35a1 (service "unknown") now parents its server half.
    let client = t.spans().find(|s| s.service() == "unknown").unwrap();
    let server = t
        .spans()
        .find(|s| s.span_id() == 0x668ed78ad94b35a1)
        .unwrap();
    assert_eq!(server.parent(), Some(client.index()));
    assert_eq!(server.service(), "yelp_main/api_proxy");
    assert_eq!(client.kind(), SpanKind::Client);
    assert_ne!(client.span_id(), 0x668ed78ad94b35a1);
    assert_eq!(
        text(&t, client.index(), "zipkin.id").as_deref(),
        Some("668ed78ad94b35a1")
    );
    assert_eq!(
        server.attribute("zipkin.shared"),
        Some(AttrValue::Bool(true))
    );
    // Children naming the shared id hang under the server half.
    let txn = t
        .spans()
        .find(|s| s.operation() == "txn: user_get_basic_and_scout_info")
        .unwrap();
    assert_eq!(txn.parent(), Some(server.index()));
    // The root is a shared server span without a client half: kept as it is.
    assert_eq!(t.span(0).unwrap().span_id(), 0x2e8cfb154b59a41f);
}

#[test]
fn zipkin_orphans_kinds_errors_and_endpoints() {
    let t = one(
        "zipkin",
        "messaging2-missing-parents.json",
        TraceFormat::ZipkinV2,
    );
    assert_eq!(t.len(), 11);
    assert_eq!(t.roots().len(), 7);
    assert_eq!(
        t.spans().filter(|s| s.flags() & flags::ORPHAN != 0).count(),
        6
    );
    assert!(t
        .warnings()
        .contains(&TraceWarning::OrphanSpans { count: 6 }));
    let t = one("zipkin", "messaging-kafka.json", TraceFormat::ZipkinV2);
    assert_eq!(t.len(), 28);
    assert_eq!(
        t.kinds()
            .iter()
            .filter(|&&k| k == SpanKind::Producer)
            .count(),
        9
    );
    assert_eq!(
        t.kinds()
            .iter()
            .filter(|&&k| k == SpanKind::Consumer)
            .count(),
        7
    );
    assert_eq!(t.error_count(), 3, "spans with an `error` tag");
    let t = one("zipkin", "messaging-128bit.json", TraceFormat::ZipkinV2);
    assert_eq!(t.trace_id(), 0x5aab74dbb904746bb33447baae403ed6);
    let t = one("zipkin", "envoy.json", TraceFormat::ZipkinV2);
    let s = t.span(0).unwrap();
    assert_eq!(s.service(), "", "no serviceName in localEndpoint");
    assert!(s
        .resource_attributes()
        .iter()
        .any(|a| t.str(a.key) == "net.host.ip"));
}

#[test]
fn otlp_files_collector_exports_and_ndjson_lines() {
    let t = one(
        "otlp",
        "otlp-proto-example-trace.json",
        TraceFormat::OtlpJson,
    );
    assert_eq!(
        t.trace_id(),
        0x5b8efff798038103d269b633813fc60c,
        "upper-case hex"
    );
    let s = t.span(0).unwrap();
    assert_eq!(
        (s.span_id(), s.parent_span_id()),
        (0xeee19b7ec3c1b174, Some(0xeee19b7ec3c1b173))
    );
    assert_eq!(s.flags() & flags::ORPHAN, flags::ORPHAN);
    assert_eq!(
        (s.kind(), s.duration_ns(), s.service()),
        (SpanKind::Server, 1_000_000_000, "my.service")
    );

    let t = one(
        "otlp",
        "collector-fileexport-traces.json",
        TraceFormat::OtlpJson,
    );
    assert_eq!(
        t.span_ids(),
        &[0xd58cf2d702a061e0, 0xcd7cf7bf939930b7],
        "parentSpanId \"\" is a root"
    );
    assert_eq!(t.parents(), &[u32::MAX, 0]);
    assert_eq!(t.kinds(), &[SpanKind::Internal, SpanKind::Internal]);
    let child = t.span(1).unwrap();
    assert_eq!(child.duration_ns(), 6_020);
    assert_eq!(t.str(child.events()[0].name), "Sub span event");
    assert_eq!(text(&t, 1, "lemons").as_deref(), Some("five"));

    // Four lines, one span each; parents only resolve once the lines are merged.
    let d = decode_traces(&fixture("otlp", "nodejs-traces-multi.jsonl")).unwrap();
    assert_eq!(
        (d.format, d.documents, d.traces.len()),
        (TraceFormat::OtlpJson, 4, 1)
    );
    let t = &d.traces[0];
    let ops: Vec<&str> = t.spans().map(|s| s.operation()).collect();
    assert_eq!(ops, vec!["main", "info", "ohboy.do", "ohboy.do"]);
    assert_eq!(t.parents(), &[u32::MAX, 0, 1, 1]);
    assert_eq!(t.duration_ns(), 176_321_958);
}

#[test]
fn jaeger_v3_chunks_are_concatenated() {
    let t = one("jaeger", "api-v3-get-trace.json", TraceFormat::JaegerV3);
    let s = t.span(0).unwrap();
    assert_eq!(
        (
            t.trace_id(),
            s.span_id(),
            s.kind(),
            s.status(),
            s.is_error()
        ),
        (1, 2, SpanKind::Server, SpanStatus::Error, true)
    );
    let chunk = |id: u32, parent: &str| {
        format!(
            r#"{{"result":{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"api"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"00000000000000000000000000000abc","spanId":"{id:016x}","parentSpanId":"{parent}","name":"s{id}","kind":3,"startTimeUnixNano":"{}","endTimeUnixNano":{}}}]}}]}}]}}}}"#,
            1000 + id,
            2000 - id
        )
    };
    let body = format!("{}{}", chunk(2, "0000000000000001"), chunk(1, ""));
    let d = decode_traces(body.as_bytes()).unwrap();
    assert_eq!(
        (d.format, d.documents, d.traces.len()),
        (TraceFormat::JaegerV3, 2, 1)
    );
    assert_eq!(d.traces[0].span_ids(), &[1, 2]);
    assert_eq!(
        d.traces[0].span(1).unwrap().duration_ns(),
        996,
        "end time as a bare number"
    );
    let err =
        decode_traces(br#"{"error":{"grpcCode":5,"httpCode":404,"message":"trace not found"}}"#)
            .unwrap_err();
    assert_eq!(
        err,
        TraceError::Api {
            code: Some(404),
            message: "trace not found".into()
        }
    );
}

#[test]
fn tempo_v2_partial_old_otlp_keys_and_empty_traces() {
    let body = br#"{"trace":{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
        "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"x"},"spans":[
          {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"GET /","kind":"SPAN_KIND_SERVER",
           "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
           "attributes":[{"key":"n","value":{"intValue":"9007199254740993"}},{"key":"d","value":{"doubleValue":0.5}},
                         {"key":"b","value":{"boolValue":true}},{"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}}],
           "status":{"code":"STATUS_CODE_ERROR","message":"boom"}},
          {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXM=","parentSpanId":"7uGbfsPBsXQ=","name":"late",
           "startTimeUnixNano":"1544712660500000000","endTimeUnixNano":"1544712660400000000","kind":"SPAN_KIND_INTERNAL"}]}]}]},
        "status":"PARTIAL","message":"Trace exceeds maximum size"}"#;
    let d = decode_traces(body).unwrap();
    assert_eq!(d.format, TraceFormat::TempoV2);
    let t = &d.traces[0];
    assert_eq!(t.trace_id(), 0x5b8efff798038103d269b633813fc60c);
    assert!(t.warnings().contains(&TraceWarning::Partial {
        message: "Trace exceeds maximum size".into()
    }));
    assert!(t
        .warnings()
        .contains(&TraceWarning::NegativeDurations { count: 1 }));
    let s = t.span(0).unwrap();
    assert_eq!(
        (s.kind(), s.status(), s.status_message(), s.is_error()),
        (SpanKind::Server, SpanStatus::Error, "boom", true)
    );
    assert_eq!(
        s.attribute("n"),
        Some(AttrValue::Int(9_007_199_254_740_993)),
        "int64 beyond 2^53 exactly"
    );
    assert_eq!(s.attribute("d"), Some(AttrValue::Float(0.5)));
    assert_eq!(s.attribute("b"), Some(AttrValue::Bool(true)));
    assert_eq!(text(t, 0, "a").as_deref(), Some("[x, 2]"));
    assert_eq!(t.span(1).unwrap().duration_ns(), 0);
    // Tempo's answer for a trace it does not have.
    let d = decode_traces(b"{}").unwrap();
    assert_eq!((d.format, d.traces.len()), (TraceFormat::TempoV1, 0));
    assert_eq!(d.warnings, vec!["No traces found".to_string()]);
}

#[test]
fn zipkin_lists_of_traces_and_other_apis_are_told_apart() {
    let a = String::from_utf8(fixture("zipkin", "simple-db-p6.json")).unwrap();
    let b = String::from_utf8(fixture("zipkin", "envoy.json")).unwrap();
    let d = decode_traces(format!("[{a},{b}]").as_bytes()).unwrap();
    assert_eq!(d.format, TraceFormat::ZipkinV2);
    let sizes: Vec<usize> = d.traces.iter().map(Trace::len).collect();
    assert_eq!(sizes, vec![5, 1]);
    let prom = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
    let err = decode_traces(prom).unwrap_err();
    assert!(err.to_string().contains("Prometheus or Loki"), "{err}");
    assert!(matches!(
        decode_traces(b"[1,2]"),
        Err(TraceError::Json { .. })
    ));
}

/// (span id, parent index, service, operation, kind, error, start ns, end ns).
type SpanShape = (u64, Option<u32>, String, String, SpanKind, bool, u64, u64);

#[test]
fn one_span_store_for_every_format() {
    // The same shape decodes identically from Jaeger, OTLP and Zipkin.
    let jaeger = br#"{"traceID":"ab","spans":[{"spanID":"1","operationName":"root","startTime":10,"duration":5,"processID":"p","tags":[{"key":"span.kind","type":"string","value":"server"}]},
        {"spanID":"2","operationName":"call","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":11,"duration":2,"processID":"p","tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"error","type":"bool","value":true}]}],
        "processes":{"p":{"serviceName":"svc"}}}"#;
    let otlp = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[
        {"traceId":"ab","spanId":"2","parentSpanId":"1","name":"call","kind":3,"startTimeUnixNano":11000,"endTimeUnixNano":"13000","status":{"code":2}},
        {"traceId":"ab","spanId":"1","name":"root","kind":2,"startTimeUnixNano":"10000","endTimeUnixNano":"15000"}]}]}]}"#;
    let zipkin = br#"[{"traceId":"ab","id":"2","parentId":"1","name":"call","kind":"CLIENT","timestamp":11,"duration":2,"localEndpoint":{"serviceName":"svc"},"tags":{"error":""}},
        {"traceId":"ab","id":"1","name":"root","kind":"SERVER","timestamp":10,"duration":5,"localEndpoint":{"serviceName":"svc"}}]"#;
    let shape = |t: &Trace| -> Vec<SpanShape> {
        t.spans()
            .map(|s| {
                (
                    s.span_id(),
                    s.parent(),
                    s.service().into(),
                    s.operation().into(),
                    s.kind(),
                    s.is_error(),
                    s.start_ns(),
                    s.end_ns(),
                )
            })
            .collect()
    };
    let expected = shape(&decode_traces(jaeger).unwrap().traces[0]);
    assert_eq!(
        expected[1],
        (
            2,
            Some(0),
            "svc".into(),
            "call".into(),
            SpanKind::Client,
            true,
            11_000,
            13_000
        )
    );
    assert_eq!(shape(&decode_traces(otlp).unwrap().traces[0]), expected);
    assert_eq!(shape(&decode_traces(zipkin).unwrap().traces[0]), expected);
}

#[test]
fn exported_otlp_reads_back_to_the_same_spans() {
    use sightline_core::trace::export::to_otlp_json;
    let files = [
        ("jaeger", "petclinic-normal.json"),
        ("jaeger", "ui-model-warnings-followsfrom.json"),
        ("tempo", "kiali-bookinfo-trace-by-id.json"),
        ("zipkin", "yelp.json"),
        ("zipkin", "messaging2-missing-parents.json"),
        ("otlp", "collector-fileexport-traces.json"),
    ];
    for (dir, name) in files {
        let original = decode_traces(&fixture(dir, name)).unwrap().traces;
        let exported = to_otlp_json(&original);
        let again = decode_traces(exported.as_bytes()).unwrap();
        assert_eq!(again.format, TraceFormat::OtlpJson);
        assert_eq!(again.traces.len(), original.len(), "{name}");
        for (a, b) in original.iter().zip(&again.traces) {
            let shape = |t: &Trace| -> Vec<(SpanShape, Vec<String>, usize, usize)> {
                t.spans()
                    .map(|s| {
                        let attrs = s
                            .attributes()
                            .iter()
                            .map(|a| format!("{}={:?}", t.str(a.key), s.value_text(a.value)))
                            .collect();
                        let span = (
                            s.span_id(),
                            s.parent(),
                            s.service().into(),
                            s.operation().into(),
                            s.kind(),
                            s.is_error(),
                            s.start_ns(),
                            s.end_ns(),
                        );
                        (span, attrs, s.events().len(), s.links().len())
                    })
                    .collect()
            };
            assert_eq!(a.trace_id(), b.trace_id(), "{name}");
            assert_eq!(shape(a), shape(b), "{name}");
        }
    }
}
