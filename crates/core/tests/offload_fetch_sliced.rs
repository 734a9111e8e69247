//! Two offload additions: the worker's own request ([`Job::FetchQuery`] and
//! [`Outcome::FetchFailed`]) round-trips bit for bit and rejects malformed frames; an answer frame
//! read a few series at a time ([`open_outcome`]) equals the whole-frame decode for every slice
//! size, and every truncation is an error at some call, never a panic.

use proptest::prelude::*;
use sightline_core::formats::prometheus::{QueryResponse, ResultData};
use sightline_core::offload::{
    decode_job, decode_outcome, encode_job, encode_outcome, execute, open_outcome, FetchFailure, FetchRequest, FrameError, Job, Opened,
    Outcome,
};
use sightline_core::series::{Labels, Series};

fn request() -> FetchRequest {
    FetchRequest {
        url: "http://127.0.0.1:9090/api/v1/query_range?query=up&start=1&end=2&step=1".into(),
        method: "GET".into(),
        body: None,
        headers: vec![("Authorization".into(), "Bearer s3cr\u{e9}t".into()), ("X-Scope-OrgID".into(), "team-a".into())],
        timeout_ms: 30_000,
        with_native: true,
    }
}

#[test]
fn fetch_jobs_and_failures_round_trip() {
    let mut post = request();
    post.method = "POST".into();
    post.body = Some("query=sum(rate(x[5m]))".into());
    post.headers.clear();
    post.with_native = false;
    for (id, req) in [request(), post].into_iter().enumerate() {
        let job = Job::FetchQuery(req);
        assert_eq!(decode_job(&encode_job(id as u32 + 1, &job)).unwrap(), (id as u32 + 1, job));
    }
    for failure in [FetchFailure::Network { detail: "TypeError: Failed to fetch".into() }, FetchFailure::Timeout { ms: 30_000 }] {
        let outcome = Outcome::FetchFailed(failure);
        assert_eq!(decode_outcome(&encode_outcome(77, &outcome)).unwrap(), (77, outcome));
    }
}

#[test]
fn a_fetch_job_is_never_run_as_a_decode() {
    let Outcome::Failed { kind, .. } = execute(&Job::FetchQuery(request()), b"{}") else { panic!("a failure expected") };
    assert_eq!(kind, "Background worker");
}

#[test]
fn truncated_or_corrupted_fetch_frames_are_errors() {
    let frame = encode_job(5, &Job::FetchQuery(request()));
    for cut in 0..frame.len() {
        assert!(decode_job(&frame[..cut]).is_err(), "cut at {cut} decoded");
    }
    // The body-present flag is the byte after the method; 2 is no flag.
    let at = 4 + 1 + 4 + 4 + request().url.len() + 4 + 3;
    let mut bad = frame.clone();
    bad[at] = 2;
    assert_eq!(decode_job(&bad).unwrap_err(), FrameError::UnknownTag { field: "request body present", tag: 2 });
    let failure = encode_outcome(1, &Outcome::FetchFailed(FetchFailure::Timeout { ms: 5 }));
    let mut bad = failure.clone();
    bad[9] = 9;
    assert_eq!(decode_outcome(&bad).unwrap_err(), FrameError::UnknownTag { field: "fetch failure", tag: 9 });
}

fn matrix(n: usize, points: usize) -> Outcome {
    let series = (0..n)
        .map(|k| Series {
            labels: [("instance".to_string(), format!("host-{k}"))].into_iter().collect::<Labels>(),
            t_ms: (0..points as i64).map(|i| 1_000 * i + k as i64).collect(),
            values: (0..points).map(|i| if i % 7 == 3 { f64::NAN } else { (i * k) as f64 * 0.5 - 3.0 }).collect(),
        })
        .collect();
    Outcome::Decoded(QueryResponse { data: ResultData::Matrix(series), warnings: vec!["w".into()], infos: vec!["i".into()] })
}

/// Reads `frame` in slices of `per_slice` series; the number of calls made.
fn read_sliced(frame: &[u8], per_slice: usize) -> Result<((u32, Outcome), usize), FrameError> {
    match open_outcome(frame)? {
        Opened::Whole(id, outcome) => Ok(((id, outcome), 0)),
        Opened::Matrix(mut m) => {
            let mut calls = 0;
            loop {
                calls += 1;
                let mut budget = per_slice;
                let done = m.read_some(|| {
                    budget -= 1;
                    budget > 0
                })?;
                if done {
                    return Ok((m.finish()?, calls));
                }
            }
        }
    }
}

#[test]
fn sliced_reading_equals_the_whole_decode() {
    let outcome = matrix(10, 50);
    let frame = encode_outcome(3, &outcome);
    let whole = decode_outcome(&frame).unwrap();
    assert_eq!(format!("{whole:?}"), format!("{:?}", (3, &outcome)));
    for (per_slice, want_calls) in [(1, 10), (3, 4), (10, 1), (100, 1)] {
        let (got, calls) = read_sliced(&frame, per_slice).unwrap();
        assert_eq!(format!("{got:?}"), format!("{whole:?}"), "{per_slice} per slice");
        assert_eq!(calls, want_calls, "{per_slice} per slice");
    }
    // An empty matrix is done at the first call; other outcomes are whole at once.
    let (got, calls) = read_sliced(&encode_outcome(1, &matrix(0, 0)), 1).unwrap();
    assert_eq!((got.0, calls), (1, 1));
    let failed = Outcome::Failed { kind: "HTTP 502".into(), message: "bad gateway".into() };
    assert!(matches!(open_outcome(&encode_outcome(2, &failed)).unwrap(), Opened::Whole(2, Outcome::Failed { .. })));
}

#[test]
fn progress_counts_series_read() {
    let frame = encode_outcome(3, &matrix(4, 2));
    let Opened::Matrix(mut m) = open_outcome(&frame).unwrap() else { panic!("matrix expected") };
    assert_eq!((m.id(), m.progress()), (3, (0, 4)));
    assert!(!m.read_some(|| false).unwrap());
    assert_eq!(m.progress(), (1, 4));
    // Finishing early is an error, not a short answer.
    assert_eq!(m.finish().unwrap_err(), FrameError::Truncated { field: "series" });
}

#[test]
fn every_truncation_of_a_matrix_frame_fails_sliced_too() {
    let frame = encode_outcome(3, &matrix(3, 4));
    for cut in 0..frame.len() {
        assert!(read_sliced(&frame[..cut], 1).is_err(), "cut at {cut} read");
    }
    let mut extra = frame.clone();
    extra.push(0);
    assert_eq!(read_sliced(&extra, 2).unwrap_err(), FrameError::TrailingBytes { count: 1 });
}

proptest! {
    #[test]
    fn random_bytes_never_panic_sliced(bytes in proptest::collection::vec(any::<u8>(), 0..200), per_slice in 1usize..5) {
        let mut frame = b"SLO1\x0b".to_vec();
        frame.extend_from_slice(&bytes);
        let _ = read_sliced(&frame, per_slice);
    }
}

#[test]
fn frame_id_reads_only_the_header() {
    use sightline_core::offload::frame_id;
    assert_eq!(frame_id(&encode_outcome(42, &matrix(2, 3))).unwrap(), 42);
    assert_eq!(frame_id(b"SLO1\x0b\x07\x00\x00\x00garbage").unwrap(), 7);
    assert_eq!(frame_id(b"SLO1\x0b\x07").unwrap_err(), FrameError::Truncated { field: "job id" });
    assert_eq!(frame_id(b"nope").unwrap_err(), FrameError::BadMagic);
}
