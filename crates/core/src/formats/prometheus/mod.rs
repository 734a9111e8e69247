//! The Prometheus HTTP API (`/api/v1`) as spoken by Prometheus, VictoriaMetrics, Thanos, Mimir and
//! Cortex: request building and response decoding. No transport: the app sends what
//! [`PromRequest`] describes and hands the status and body bytes back to a decoder here.
//!
//! - [`request`]: [`PromRequest`] → path, query parameters, URL, POST form body. Times are `i64`
//!   milliseconds since the Unix epoch in, Unix seconds with up to 3 decimals on the wire.
//! - [`decode`]: status + bytes → [`QueryResponse`] or [`PromError`]. One function per endpoint
//!   family: [`decode_response`] for `query`/`query_range` ([`ResultData`]), [`decode_string_list`]
//!   for `labels` and `label/<name>/values`, [`decode_label_sets`] for `series`,
//!   [`decode_build_info`] for `status/buildinfo`.
//! - [`error`]: [`PromError`], whose `Display` is the text shown in the panel that failed.
//! - [`exemplars`]: `query_exemplars` parameters and [`decode_exemplars`] → [`Exemplar`]s with trace ids.
//! - [`native_histogram`]: native histogram samples ([`decode_native_sample`]) and [`native_quantile`].
//! - [`with_native`]: [`decode_response_with_native`], floats and native histograms of one answer.
//!
//! Contract of the decoders: sample timestamps (float or integer seconds) become `i64` ms, rounded
//! to the nearest ms; sample values (`"1"`, `"NaN"`, `"+Inf"`, `"-Inf"`, or bare JSON numbers)
//! become `f64` and non-finite values are kept; an empty result is `Ok` with no series ("No data");
//! `warnings` and `infos` are kept, and `"status":"warning"` is a success with warnings; unknown
//! fields are ignored; nothing panics on any input.

pub mod decode;
pub mod error;
pub mod exemplars;
mod fast;
pub mod native_histogram;
pub mod request;
pub mod with_native;

pub use decode::{
    decode_build_info, decode_label_sets, decode_response, decode_string_list, BuildInfo, QueryResponse, ResultData,
};
pub use error::{ErrorKind, PromError};
pub use exemplars::{decode_exemplars, exemplars_request_params, Exemplar};
pub use native_histogram::{decode_native_sample, native_quantile, NativeHistogram};
pub use request::{format_seconds, PromRequest};
pub use with_native::decode_response_with_native;
