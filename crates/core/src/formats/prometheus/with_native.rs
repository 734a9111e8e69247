//! One call for a `query`/`query_range` answer that may hold native histograms: the float result
//! as [`decode_response`] gives it, plus every native histogram series
//! ([`decode_native_series`]).
//!
//! Contract: the body is read a second time only when the float decoder reported native histogram
//! samples (its "… not shown yet" warning), so float-only answers cost what they cost before. When
//! native series are returned, that warning is removed (they are shown) and matrix series left
//! without float samples (they held only histograms) are dropped from the float result. Errors are
//! the float decoder's, or the native decoder's when only the histograms are malformed.

use super::decode::{decode_response, QueryResponse, ResultData};
use super::error::PromError;
use super::native_histogram::{decode_native_series, NativeSeries};

/// The float result and the native histogram series of one response; see the module doc.
pub fn decode_response_with_native(
    http_status: u16,
    body: &[u8],
) -> Result<(QueryResponse, Vec<NativeSeries>), PromError> {
    add_native(decode_response(http_status, body)?, http_status, body)
}

/// Whether `resp` (a float result of [`decode_response`]) reported native histogram samples, so
/// that [`add_native`] has to read the body again.
pub fn has_native(resp: &QueryResponse) -> bool {
    resp.warnings.iter().any(|w| is_not_shown_warning(w))
}

/// The second half of [`decode_response_with_native`], for a float result decoded elsewhere (in
/// the background worker) from the same `body`.
pub fn add_native(mut resp: QueryResponse, http_status: u16, body: &[u8]) -> Result<(QueryResponse, Vec<NativeSeries>), PromError> {
    let Some(at) = resp.warnings.iter().position(|w| is_not_shown_warning(w)) else {
        return Ok((resp, Vec::new()));
    };
    let native = decode_native_series(http_status, body)?.data;
    if !native.is_empty() {
        resp.warnings.remove(at);
        if let ResultData::Matrix(series) = &mut resp.data {
            series.retain(|s| !s.is_empty());
        }
    }
    Ok((resp, native))
}

fn is_not_shown_warning(w: &str) -> bool {
    w.contains("native histogram sample") && w.ends_with("not shown yet")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"__name__":"lat"},"histograms":[[1700000000,{"count":"4","sum":"6","buckets":[[0,"1","2","2"],[0,"2","4","2"]]}],
                                                  [1700000015,{"count":"0","sum":"0"}]]},
        {"metric":{"__name__":"up"},"values":[[1700000000,"1"]]}]}}"#;

    #[test]
    fn native_series_come_out_beside_the_floats() {
        let (resp, native) = decode_response_with_native(200, MATRIX.as_bytes()).unwrap();
        assert!(resp.warnings.is_empty(), "{:?}", resp.warnings);
        let ResultData::Matrix(series) = &resp.data else { panic!("matrix expected") };
        assert_eq!(series.len(), 1, "the histogram-only series is not an empty float series");
        assert_eq!(series[0].labels.metric_name(), Some("up"));
        assert_eq!(native.len(), 1);
        assert_eq!(native[0].samples.len(), 2);
        assert_eq!(native[0].samples[0].t_ms, 1_700_000_000_000);
        assert_eq!(native[0].samples[0].histogram.buckets.len(), 2);
    }

    #[test]
    fn float_answers_are_unchanged_and_vectors_work() {
        let floats = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}}"#;
        let (resp, native) = decode_response_with_native(200, floats.as_bytes()).unwrap();
        assert_eq!(resp, decode_response(200, floats.as_bytes()).unwrap());
        assert!(native.is_empty());
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"job":"a"},"histogram":[1,{"count":"1","sum":"1","buckets":[[0,"0.5","1","1"]]}]}]}}"#;
        let (resp, native) = decode_response_with_native(200, vector.as_bytes()).unwrap();
        assert!(resp.warnings.is_empty());
        assert_eq!(native.len(), 1);
        assert_eq!(native[0].labels.get("job"), Some("a"));
    }

    #[test]
    fn malformed_histograms_are_an_error_not_a_panic() {
        let bad = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{},"histogram":[1,{"count":"x"}]}]}}"#;
        assert!(decode_response_with_native(200, bad.as_bytes()).is_err());
    }
}
