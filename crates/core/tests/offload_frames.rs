//! The offload frames between the page and the background worker: every job and outcome survives
//! an encode/decode round trip bit for bit; the worker's step on a real response body equals the
//! main thread's decode; malformed frames (every truncation, corrupted tags, random bytes) are
//! errors, never panics.

use proptest::prelude::*;
use sightline_core::formats::prometheus::{decode_response, QueryResponse, ResultData};
use sightline_core::offload::{decode_job, decode_outcome, encode_job, encode_outcome, execute, handle_frame, Job, Outcome};
use sightline_core::series::{InstantSample, Labels, Series};
use sightline_core::stats::percentile::QuantileMethod;
use sightline_core::stats::percentile_table::{percentile_table, TABLE_QUANTILES};

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

fn matrix() -> QueryResponse {
    QueryResponse {
        data: ResultData::Matrix(vec![
            Series {
                labels: labels(&[("__name__", "up"), ("job", "api \"x\"")]),
                t_ms: vec![1_000, 2_000, 3_000],
                values: vec![1.0, f64::NAN, -0.0],
            },
            Series { labels: Labels::default(), t_ms: vec![], values: vec![] },
        ]),
        warnings: vec!["a warning".into()],
        infos: vec!["ïnfo".into()],
    }
}

/// Equality that tells NaN payloads and −0.0 apart (the frames copy raw bits).
fn same_bits(a: &Outcome, b: &Outcome) -> bool {
    format!("{a:?}") == format!("{b:?}")
        && match (a, b) {
            (Outcome::Decoded(x), Outcome::Decoded(y)) => match (&x.data, &y.data) {
                (ResultData::Matrix(p), ResultData::Matrix(q)) => {
                    p.iter().zip(q).all(|(s, t)| s.values.iter().map(|v| v.to_bits()).eq(t.values.iter().map(|v| v.to_bits())))
                }
                _ => true,
            },
            _ => true,
        }
}

#[test]
fn every_result_type_round_trips() {
    let outcomes = [
        Outcome::Decoded(matrix()),
        Outcome::Decoded(QueryResponse {
            data: ResultData::Vector(vec![InstantSample { labels: labels(&[("a", "b")]), t_ms: -5, value: f64::INFINITY }]),
            warnings: vec![],
            infos: vec![],
        }),
        Outcome::Decoded(QueryResponse { data: ResultData::Scalar { t_ms: 7, value: 1.5 }, warnings: vec![], infos: vec![] }),
        Outcome::Decoded(QueryResponse { data: ResultData::String { t_ms: 7, value: "ok".into() }, warnings: vec![], infos: vec![] }),
        Outcome::Failed { kind: "HTTP 502".into(), message: "bad gateway".into() },
    ];
    for (id, o) in outcomes.iter().enumerate() {
        let frame = encode_outcome(id as u32, o);
        let (back_id, back) = decode_outcome(&frame).unwrap();
        assert_eq!(back_id, id as u32);
        assert!(same_bits(o, &back), "{o:?} came back as {back:?}");
    }
}

#[test]
fn jobs_round_trip() {
    let jobs = [
        Job::DecodeQuery { status: 200 },
        Job::DecodeQuery { status: 503 },
        Job::PercentileTable { qs: vec![0.5, 0.99], method: QuantileMethod::NearestRank, columns: vec![vec![1.0, 2.0], vec![]] },
    ];
    for (id, j) in jobs.iter().enumerate() {
        assert_eq!(decode_job(&encode_job(id as u32 + 40, j)).unwrap(), (id as u32 + 40, j.clone()));
    }
}

#[test]
fn worker_step_on_a_real_body_equals_the_main_thread_decode() {
    let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"__name__":"up","instance":"a:9090"},"values":[[1700000000,"1"],[1700000015.5,"NaN"],[1700000030,"+Inf"]]},
        {"metric":{"instance":"b"},"values":[[1700000000,"0.25"]]}]},"warnings":["w"]}"#;
    let frame = handle_frame(&encode_job(9, &Job::DecodeQuery { status: 200 }), body);
    let (id, outcome) = decode_outcome(&frame).unwrap();
    assert_eq!(id, 9);
    let direct = Outcome::Decoded(decode_response(200, body).unwrap());
    assert!(same_bits(&outcome, &direct));
    let Outcome::Decoded(resp) = outcome else { panic!() };
    let ResultData::Matrix(series) = resp.data else { panic!() };
    assert_eq!(series[0].t_ms, vec![1_700_000_000_000, 1_700_000_015_500, 1_700_000_030_000]);
    assert_eq!(resp.warnings, vec!["w".to_string()]);
}

#[test]
fn errors_travel_as_the_panel_shows_them() {
    let body = br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#;
    let frame = handle_frame(&encode_job(3, &Job::DecodeQuery { status: 400 }), body);
    let (_, outcome) = decode_outcome(&frame).unwrap();
    let e = decode_response(400, body).unwrap_err();
    assert_eq!(outcome, Outcome::Failed { kind: e.kind_label(), message: e.to_string() });
    // A malformed job frame becomes a failure for job 0, not a panic.
    let (id, outcome) = decode_outcome(&handle_frame(b"nonsense", b"")).unwrap();
    assert_eq!(id, 0);
    assert!(matches!(outcome, Outcome::Failed { .. }));
}

#[test]
fn percentile_job_equals_the_table_of_the_series() {
    let series: Vec<Series> = (0..3)
        .map(|k| {
            let values: Vec<f64> = (0..20_000).map(|i| ((i * 7919 + k * 13) % 10_007) as f64 / 3.0).collect();
            Series { labels: labels(&[("k", &k.to_string())]), t_ms: (0..20_000).collect(), values }
        })
        .collect();
    let want = percentile_table(&series, &TABLE_QUANTILES, QuantileMethod::Linear).unwrap();
    let job = Job::PercentileTable {
        qs: TABLE_QUANTILES.to_vec(),
        method: QuantileMethod::Linear,
        columns: series.iter().map(|s| s.values.clone()).collect(),
    };
    let (_, outcome) = decode_outcome(&handle_frame(&encode_job(1, &job), b"")).unwrap();
    assert_eq!(outcome, Outcome::Percentiles(want.clone()));
    assert_eq!(execute(&job, b""), Outcome::Percentiles(want));
    // An invalid quantile is the analysis' error message.
    let bad = Job::PercentileTable { qs: vec![1.5], method: QuantileMethod::Linear, columns: vec![vec![1.0]] };
    assert!(matches!(execute(&bad, b""), Outcome::Failed { ref message, .. } if message.contains("between 0 and 1")));
}

#[test]
fn every_truncation_and_every_corrupted_byte_is_an_error_or_a_valid_message() {
    let frames =
        [encode_outcome(1, &Outcome::Decoded(matrix())), encode_outcome(2, &Outcome::Failed { kind: "k".into(), message: "m".into() })];
    for frame in &frames {
        for cut in 0..frame.len() {
            assert!(decode_outcome(&frame[..cut]).is_err(), "a frame cut at {cut} bytes decoded");
        }
        let mut longer = frame.clone();
        longer.push(0);
        assert!(decode_outcome(&longer).is_err());
        for i in 0..frame.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = frame.clone();
                bad[i] ^= flip;
                let _ = decode_outcome(&bad); // must not panic
            }
        }
    }
    let job = encode_job(5, &Job::PercentileTable { qs: vec![0.5], method: QuantileMethod::Linear, columns: vec![vec![1.0]] });
    for cut in 0..job.len() {
        assert!(decode_job(&job[..cut]).is_err());
    }
    // A job frame is not an outcome frame and vice versa.
    assert!(decode_outcome(&job).is_err());
    assert!(decode_job(&frames[0]).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_outcome(&bytes);
        let _ = decode_job(&bytes);
        let mut framed = b"SLO1".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = decode_outcome(&framed);
        let _ = decode_job(&framed);
    }

    #[test]
    fn random_matrices_round_trip(
        series in proptest::collection::vec(
            (proptest::collection::btree_map("[a-z_]{1,8}", "\\PC{0,12}", 0..4),
             proptest::collection::vec((any::<i64>(), any::<f64>()), 0..50)),
            0..6),
    ) {
        let data = ResultData::Matrix(series.into_iter().map(|(l, points)| Series {
            labels: Labels(l),
            t_ms: points.iter().map(|p| p.0).collect(),
            values: points.iter().map(|p| p.1).collect(),
        }).collect());
        let o = Outcome::Decoded(QueryResponse { data, warnings: vec![], infos: vec![] });
        let (_, back) = decode_outcome(&encode_outcome(77, &o)).unwrap();
        prop_assert!(same_bits(&o, &back));
    }
}
