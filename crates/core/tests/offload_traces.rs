//! Traces through the offload frames: every captured trace body (Jaeger, Jaeger v3, OTLP, Tempo,
//! Zipkin) decoded and analysed in "the worker" ([`handle_frame`]) and read back on "the page"
//! ([`decode_outcome`]) equals the same work done directly ([`analyse_trace_body`]), column for
//! column; a body that is not traces fails with the page's message; malformed frames (every
//! truncation, corrupted bytes, inconsistent columns) are errors, never panics.

use proptest::prelude::*;
use sightline_core::offload::trace_frame::NOT_TRACES;
use sightline_core::offload::{
    analyse_trace_body, decode_outcome, encode_job, encode_outcome, execute, handle_frame, Job,
    Outcome,
};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const BODIES: [&str; 8] = [
    "jaeger/petclinic-normal.json",
    "jaeger/petclinic-span-longer-than-parent.json",
    "jaeger/ui-model-warnings-followsfrom.json",
    "jaeger/api-v3-get-trace.json",
    "otlp/collector-fileexport-traces.json",
    "otlp/nodejs-traces-multi.jsonl",
    "tempo/kiali-bookinfo-trace-by-id.json",
    "zipkin/",
];

fn bodies() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for p in BODIES {
        if let Some(dir) = p.strip_suffix('/') {
            let base = format!("{}/../../tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<_> = std::fs::read_dir(&base)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for f in files
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "json"))
            {
                out.push((f.display().to_string(), std::fs::read(&f).unwrap()));
            }
        } else {
            out.push((p.to_string(), fixture(p)));
        }
    }
    out
}

fn worker_step(id: u32, body: &[u8]) -> Vec<u8> {
    handle_frame(&encode_job(id, &Job::DecodeTraces), body)
}

#[test]
fn every_captured_trace_body_comes_back_from_the_worker_as_the_page_would_compute_it() {
    let mut traces = 0;
    for (name, body) in bodies() {
        let direct = analyse_trace_body(&body).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let (id, outcome) =
            decode_outcome(&worker_step(7, &body)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(id, 7);
        let Outcome::Traces(got) = outcome else {
            panic!("{name}: {outcome:?}")
        };
        assert_eq!(*got, direct, "{name}");
        assert_eq!(
            execute(&Job::DecodeTraces, &body),
            Outcome::Traces(Box::new(direct.clone())),
            "{name}"
        );
        for (t, a) in &got.traces {
            assert_eq!(a.self_ns.len(), t.len());
            assert!(t.layout_ok());
        }
        traces += got.traces.len();
    }
    assert!(traces >= 10, "only {traces} traces in the fixtures");
}

#[test]
fn a_body_that_is_not_traces_fails_with_the_panels_message() {
    for body in [
        &b"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"[..],
        b"{not json",
        b"",
    ] {
        let (_, outcome) = decode_outcome(&worker_step(1, body)).unwrap();
        let Outcome::Failed { kind, message } = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(kind, NOT_TRACES);
        assert!(
            message.starts_with("The data could not be read as traces: "),
            "{message}"
        );
    }
}

#[test]
fn the_job_frame_round_trips() {
    let frame = encode_job(42, &Job::DecodeTraces);
    assert_eq!(
        sightline_core::offload::decode_job(&frame).unwrap(),
        (42, Job::DecodeTraces)
    );
    let mut longer = frame.clone();
    longer.push(0);
    assert!(sightline_core::offload::decode_job(&longer).is_err());
}

#[test]
fn every_truncation_of_a_trace_frame_is_an_error() {
    let body = fixture("jaeger/ui-model-warnings-followsfrom.json");
    let frame = worker_step(3, &body);
    for cut in 0..frame.len() {
        assert!(
            decode_outcome(&frame[..cut]).is_err(),
            "a frame cut at {cut} of {} bytes was read",
            frame.len()
        );
    }
}

#[test]
fn inconsistent_columns_are_rejected() {
    let body = fixture("jaeger/petclinic-normal.json");
    let Outcome::Traces(mut set) = execute(&Job::DecodeTraces, &body) else {
        panic!()
    };
    // An analysis with one self time too few for its trace.
    let mut short = set.clone();
    short.traces[0].1.self_ns.pop();
    assert!(decode_outcome(&encode_outcome(1, &Outcome::Traces(short))).is_err());
    // A critical-path section naming a span past the end.
    let n = set.traces[0].0.len() as u32;
    let mut far = set.clone();
    far.traces[0].1.sections[0].span = n;
    assert!(decode_outcome(&encode_outcome(1, &Outcome::Traces(far))).is_err());
    // A bottleneck naming a span past the end.
    set.traces[0].1.bottlenecks[0].span = n + 5;
    assert!(decode_outcome(&encode_outcome(1, &Outcome::Traces(set))).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Corrupting bytes of a real trace frame never panics (it may still read, as other valid
    /// numbers, when only times or ids were hit).
    #[test]
    fn corrupted_trace_frames_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let body = fixture("jaeger/petclinic-span-longer-than-parent.json");
        let mut frame = worker_step(5, &body);
        for (at, byte) in flips {
            let i = at.index(frame.len());
            frame[i] ^= byte | 1;
        }
        if let Ok((_, Outcome::Traces(set))) = decode_outcome(&frame) {
            for (t, a) in &set.traces {
                prop_assert!(t.is_empty() || t.layout_ok());
                prop_assert_eq!(a.self_ns.len(), t.len());
            }
        }
    }
}
