//! No input reaches a panic: every trace fixture, truncated at many points and with bytes
//! overwritten (deterministically), goes through `decode_traces` and, when it decodes, through
//! every analysis. Also the extremes of the number range.

mod trace_fixtures;

use sightline_core::trace::critical_path::critical_path;
use sightline_core::trace::diff::diff_traces;
use sightline_core::trace::formats::jaeger::{
    decode_dependencies, decode_operations, decode_services,
};
use sightline_core::trace::formats::tempo::decode_tempo_search;
use sightline_core::trace::self_time::{bottlenecks, self_times};
use sightline_core::trace::service_map::service_map;
use sightline_core::trace::stats::operation_stats;
use sightline_core::trace::{decode_traces, Trace};

fn analyse(traces: &[Trace]) {
    for t in traces {
        assert!(t.layout_ok());
        let cp = critical_path(t);
        let selfs = self_times(t);
        let _ = bottlenecks(t, &cp, &selfs);
        for s in t.spans() {
            let _ = (
                s.attributes(),
                s.resource_attributes(),
                s.events(),
                s.links(),
                s.children(),
            );
        }
    }
    let _ = operation_stats(traces);
    let _ = service_map(traces);
    if let (Some(a), Some(b)) = (traces.first(), traces.last()) {
        let _ = diff_traces(a, b);
    }
}

fn all_fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in ["jaeger", "tempo", "zipkin", "otlp"] {
        let Ok(entries) = std::fs::read_dir(trace_fixtures::fixture_dir(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
}

#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let junk = [
        b'0', b'9', b'"', b'{', b'}', b'[', b']', b',', b':', b'-', b'e', b'x', b'\\', 0xff,
    ];
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 15);
    let mut decoded = 0;
    for bytes in &fixtures {
        for cut in (0..bytes.len()).step_by((bytes.len() / 40).max(1)) {
            let _ = decode_traces(&bytes[..cut]).map(|d| analyse(&d.traces));
        }
        for _ in 0..150 {
            let mut b = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % b.len() as u64) as usize;
                b[at] = junk[(next() % junk.len() as u64) as usize];
            }
            if let Ok(d) = decode_traces(&b) {
                decoded += 1;
                analyse(&d.traces);
            }
            let _ = (
                decode_services(&b),
                decode_operations(&b),
                decode_dependencies(&b),
                decode_tempo_search(&b),
            );
        }
    }
    assert!(
        decoded > 100,
        "most single-byte corruptions of numbers and strings still decode ({decoded})"
    );
}

#[test]
fn extreme_times_and_ids_saturate_instead_of_overflowing() {
    let body = br#"{"traceID":"ffffffffffffffffffffffffffffffff","processes":{"p":{"serviceName":"s"}},"spans":[
        {"spanID":"ffffffffffffffff","operationName":"a","startTime":18446744073709551615,"duration":18446744073709551615,"processID":"p"},
        {"spanID":"1","operationName":"b","references":[{"refType":"CHILD_OF","spanID":"ffffffffffffffff"}],"startTime":"99999999999999999999","duration":-5,"processID":"p"}]}"#;
    let d = decode_traces(body).unwrap();
    let t = &d.traces[0];
    assert_eq!(t.trace_id(), u128::MAX);
    assert_eq!(t.span(0).unwrap().end_ns(), u64::MAX);
    analyse(&d.traces);
    let otlp = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"1","startTimeUnixNano":"18446744073709551615","endTimeUnixNano":"0"}]}]}]}"#;
    let d = decode_traces(otlp).unwrap();
    assert_eq!(d.traces[0].span(0).unwrap().duration_ns(), 0);
    analyse(&d.traces);
}
