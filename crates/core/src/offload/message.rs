//! The offload messages and their frames ([`super::frame`]): a [`Job`] goes from the page to the
//! background worker, an [`Outcome`] comes back; both carry the job's id.
//!
//! - [`Job::DecodeQuery`]: decode a `query`/`query_range` response. Only the HTTP status is in the
//!   frame; the body travels next to it as its own transferred buffer, so it is never copied into
//!   a frame or turned into a JS string.
//! - [`Job::PercentileTable`]: the exact-percentile table over value columns.
//! - [`Job::FetchQuery`]: send a `query_range` request from the worker ([`super::fetch`]), then
//!   decode its answer as [`Job::DecodeQuery`] does; a request that got no response ends as
//!   [`Outcome::FetchFailed`].
//! - [`Outcome::Decoded`]: the decoded response, columnar (labels, then the `i64` timestamp and
//!   `f64` value columns of each series). [`Outcome::Percentiles`]: the table.
//!   [`Outcome::Failed`]: the error kind and message the panel shows.
//! - [`Job::DecodeTraces`] (body sent separately) and [`Outcome::Traces`]: a trace body's traces
//!   as columnar span stores with their analyses (layout in [`super::trace_frame`]).
//!
//! Decoding is as strict as [`super::frame::Reader`]: malformed frames are a [`FrameError`].

use super::fetch::{read_failure, read_request, write_failure, write_request, FetchFailure, FetchRequest};
use super::frame::{FrameError, Reader, Writer};
use super::trace_frame::{read_analysed, write_analysed, AnalysedTraces};
use crate::formats::prometheus::{QueryResponse, ResultData};
use crate::series::{InstantSample, Labels, Series};
use crate::stats::percentile::{QuantileMethod, Quantiles};
use crate::stats::percentile_table::PercentileTable;

/// Work for the background worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Decode a `query`/`query_range` response with this HTTP status (body sent separately).
    DecodeQuery { status: u16 },
    /// The `qs` quantiles by `method` of each column and of all of them pooled.
    PercentileTable { qs: Vec<f64>, method: QuantileMethod, columns: Vec<Vec<f64>> },
    /// Decode a trace body (sent separately, like [`Job::DecodeQuery`]'s) and analyse every trace
    /// in it (`super::trace_frame`).
    DecodeTraces,
    /// Send this request from the worker and decode its answer.
    FetchQuery(FetchRequest),
}

/// What a job produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Decoded(QueryResponse),
    Percentiles(PercentileTable),
    /// The job failed: the error's kind (a badge) and message, as the panel shows them.
    Failed {
        kind: String,
        message: String,
    },
    /// The traces of a body with their analyses.
    Traces(Box<AnalysedTraces>),
    /// A [`Job::FetchQuery`] got no response.
    FetchFailed(FetchFailure),
}

const JOB_DECODE: u8 = 1;
const JOB_PERCENTILES: u8 = 2;
const JOB_FETCH: u8 = 3;
const OUT_DECODED: u8 = 11;
const OUT_PERCENTILES: u8 = 12;
const OUT_FAILED: u8 = 13;
const JOB_TRACES: u8 = 30;
const OUT_TRACES: u8 = 40;
const OUT_FETCH_FAILED: u8 = 14;

const DATA_MATRIX: u8 = 0;
const DATA_VECTOR: u8 = 1;
const DATA_SCALAR: u8 = 2;
const DATA_STRING: u8 = 3;

/// The frame of job `id`.
pub fn encode_job(id: u32, job: &Job) -> Vec<u8> {
    match job {
        Job::DecodeQuery { status } => {
            let mut w = Writer::new(JOB_DECODE, 6);
            w.u32(id);
            w.u16(*status);
            w.finish()
        }
        Job::PercentileTable { qs, method, columns } => {
            let cols: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
            encode_percentile_job(id, qs, *method, &cols)
        }
        Job::DecodeTraces => {
            let mut w = Writer::new(JOB_TRACES, 4);
            w.u32(id);
            w.finish()
        }
        Job::FetchQuery(req) => {
            let mut w = Writer::new(JOB_FETCH, 64 + req.url.len());
            w.u32(id);
            write_request(&mut w, req);
            w.finish()
        }
    }
}

/// The frame of a [`Job::PercentileTable`] straight from borrowed columns (no copy of the
/// columns besides the frame itself).
pub fn encode_percentile_job(id: u32, qs: &[f64], method: QuantileMethod, columns: &[&[f64]]) -> Vec<u8> {
    let bytes: usize = columns.iter().map(|c| 4 + 8 * c.len()).sum();
    let mut w = Writer::new(JOB_PERCENTILES, 16 + 8 * qs.len() + bytes);
    w.u32(id);
    w.f64s(qs);
    w.u8(method_code(method));
    w.len(columns.len());
    for c in columns {
        w.f64s(c);
    }
    w.finish()
}

/// The job id and job of a frame.
pub fn decode_job(frame: &[u8]) -> Result<(u32, Job), FrameError> {
    let (tag, mut r) = Reader::open(frame)?;
    let id = r.u32("job id")?;
    let job = match tag {
        JOB_DECODE => Job::DecodeQuery { status: r.u16("HTTP status")? },
        JOB_PERCENTILES => {
            let qs = r.f64s("quantiles")?;
            let method = method_of(r.u8("quantile method")?)?;
            let n = r.count(4, "columns")?;
            let mut columns = Vec::with_capacity(n);
            for _ in 0..n {
                columns.push(r.f64s("column")?);
            }
            Job::PercentileTable { qs, method, columns }
        }
        JOB_TRACES => Job::DecodeTraces,
        JOB_FETCH => Job::FetchQuery(read_request(&mut r)?),
        tag => return Err(FrameError::UnknownTag { field: "job", tag }),
    };
    r.end()?;
    Ok((id, job))
}

/// The frame of job `id`'s outcome.
pub fn encode_outcome(id: u32, outcome: &Outcome) -> Vec<u8> {
    match outcome {
        Outcome::Decoded(resp) => {
            let mut w = Writer::new(OUT_DECODED, response_size_hint(&resp.data));
            w.u32(id);
            strings(&mut w, &resp.warnings);
            strings(&mut w, &resp.infos);
            write_data(&mut w, &resp.data);
            w.finish()
        }
        Outcome::Percentiles(table) => {
            let mut w = Writer::new(OUT_PERCENTILES, 64 * (table.rows.len() + 1));
            w.u32(id);
            w.len(table.rows.len());
            for q in &table.rows {
                write_quantiles(&mut w, q);
            }
            write_quantiles(&mut w, &table.all);
            w.finish()
        }
        Outcome::Failed { kind, message } => {
            let mut w = Writer::new(OUT_FAILED, 8 + kind.len() + message.len());
            w.u32(id);
            w.str(kind);
            w.str(message);
            w.finish()
        }
        Outcome::Traces(set) => {
            let spans: usize = set.traces.iter().map(|(t, _)| t.len()).sum();
            let mut w = Writer::new(OUT_TRACES, 160 * spans);
            w.u32(id);
            write_analysed(&mut w, set);
            w.finish()
        }
        Outcome::FetchFailed(failure) => {
            let mut w = Writer::new(OUT_FETCH_FAILED, 64);
            w.u32(id);
            write_failure(&mut w, failure);
            w.finish()
        }
    }
}

/// The job id and outcome of a frame.
pub fn decode_outcome(frame: &[u8]) -> Result<(u32, Outcome), FrameError> {
    match super::sliced::open_outcome(frame)? {
        super::sliced::Opened::Whole(id, outcome) => Ok((id, outcome)),
        super::sliced::Opened::Matrix(mut m) => {
            while !m.read_some(|| true)? {}
            m.finish()
        }
    }
}

/// A matrix answer's reader positioned at its series count, with the answer's warnings and infos.
pub(super) type MatrixStart<'a> = (Reader<'a>, Vec<String>, Vec<String>);

/// The job id and outcome of a frame, except that a matrix answer is left to
/// [`super::sliced`], which reads it series by series (`Err`).
pub(super) fn open_frame(frame: &[u8]) -> Result<(u32, Result<Outcome, MatrixStart<'_>>), FrameError> {
    let (tag, mut r) = Reader::open(frame)?;
    let id = r.u32("job id")?;
    let outcome = match tag {
        OUT_DECODED => {
            let warnings = read_strings(&mut r, "warnings")?;
            let infos = read_strings(&mut r, "infos")?;
            let data = match r.u8("result type")? {
                DATA_MATRIX => return Ok((id, Err((r, warnings, infos)))),
                tag => read_data_of(tag, &mut r)?,
            };
            Outcome::Decoded(QueryResponse { data, warnings, infos })
        }
        OUT_PERCENTILES => {
            let n = r.count(25, "percentile rows")?;
            let mut rows = Vec::with_capacity(n);
            for _ in 0..n {
                rows.push(read_quantiles(&mut r)?);
            }
            let all = read_quantiles(&mut r)?;
            Outcome::Percentiles(PercentileTable { rows, all })
        }
        OUT_FAILED => Outcome::Failed { kind: r.str("error kind")?, message: r.str("error message")? },
        OUT_TRACES => Outcome::Traces(Box::new(read_analysed(&mut r)?)),
        OUT_FETCH_FAILED => Outcome::FetchFailed(read_failure(&mut r)?),
        tag => return Err(FrameError::UnknownTag { field: "outcome", tag }),
    };
    r.end()?;
    Ok((id, Ok(outcome)))
}

fn method_code(m: QuantileMethod) -> u8 {
    match m {
        QuantileMethod::Linear => 0,
        QuantileMethod::NearestRank => 1,
    }
}

fn method_of(code: u8) -> Result<QuantileMethod, FrameError> {
    match code {
        0 => Ok(QuantileMethod::Linear),
        1 => Ok(QuantileMethod::NearestRank),
        tag => Err(FrameError::UnknownTag { field: "quantile method", tag }),
    }
}

fn response_size_hint(data: &ResultData) -> usize {
    match data {
        ResultData::Matrix(series) => series.iter().map(|s| 64 + 16 * s.len()).sum(),
        ResultData::Vector(v) => 64 * v.len(),
        ResultData::Scalar { .. } | ResultData::String { .. } => 64,
    }
}

fn strings(w: &mut Writer, list: &[String]) {
    w.len(list.len());
    for s in list {
        w.str(s);
    }
}

fn read_strings(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<String>, FrameError> {
    let n = r.count(4, field)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(r.str(field)?);
    }
    Ok(out)
}

fn write_labels(w: &mut Writer, labels: &Labels) {
    w.len(labels.0.len());
    for (k, v) in &labels.0 {
        w.str(k);
        w.str(v);
    }
}

fn read_labels(r: &mut Reader<'_>) -> Result<Labels, FrameError> {
    let n = r.count(8, "labels")?;
    let mut out = std::collections::BTreeMap::new();
    for _ in 0..n {
        let k = r.str("label name")?;
        let v = r.str("label value")?;
        out.insert(k, v);
    }
    Ok(Labels(out))
}

fn write_data(w: &mut Writer, data: &ResultData) {
    match data {
        ResultData::Matrix(series) => {
            w.u8(DATA_MATRIX);
            w.len(series.len());
            for s in series {
                write_labels(w, &s.labels);
                w.i64s(&s.t_ms);
                w.f64s(&s.values);
            }
        }
        ResultData::Vector(samples) => {
            w.u8(DATA_VECTOR);
            w.len(samples.len());
            for s in samples {
                write_labels(w, &s.labels);
                w.i64(s.t_ms);
                w.f64(s.value);
            }
        }
        ResultData::Scalar { t_ms, value } => {
            w.u8(DATA_SCALAR);
            w.i64(*t_ms);
            w.f64(*value);
        }
        ResultData::String { t_ms, value } => {
            w.u8(DATA_STRING);
            w.i64(*t_ms);
            w.str(value);
        }
    }
}

/// The `data` of result type `tag` (already read).
fn read_data_of(tag: u8, r: &mut Reader<'_>) -> Result<ResultData, FrameError> {
    Ok(match tag {
        DATA_MATRIX => {
            let n = read_series_count(r)?;
            let mut series = Vec::with_capacity(n);
            for _ in 0..n {
                series.push(read_series(r)?);
            }
            ResultData::Matrix(series)
        }
        DATA_VECTOR => {
            let n = r.count(20, "samples")?;
            let mut samples = Vec::with_capacity(n);
            for _ in 0..n {
                let labels = read_labels(r)?;
                samples.push(InstantSample { labels, t_ms: r.i64("sample time")?, value: r.f64("sample value")? });
            }
            ResultData::Vector(samples)
        }
        DATA_SCALAR => ResultData::Scalar { t_ms: r.i64("scalar time")?, value: r.f64("scalar value")? },
        DATA_STRING => ResultData::String { t_ms: r.i64("string time")?, value: r.str("string value")? },
        tag => return Err(FrameError::UnknownTag { field: "result type", tag }),
    })
}

/// The number of series of a matrix.
pub(super) fn read_series_count(r: &mut Reader<'_>) -> Result<usize, FrameError> {
    r.count(12, "series")
}

/// One series of a matrix: labels, then its two columns of equal length.
pub(super) fn read_series(r: &mut Reader<'_>) -> Result<Series, FrameError> {
    let labels = read_labels(r)?;
    let t_ms = r.i64s("timestamps")?;
    let values = r.f64s("values")?;
    if t_ms.len() != values.len() {
        return Err(FrameError::Invalid { field: "series (columns of different lengths)" });
    }
    Ok(Series { labels, t_ms, values })
}

fn write_quantiles(w: &mut Writer, q: &Quantiles) {
    match &q.values {
        Some(v) => {
            w.u8(1);
            w.f64s(v);
        }
        None => w.u8(0),
    }
    for n in [q.n, q.nan, q.infinite] {
        w.i64(i64::try_from(n).unwrap_or(i64::MAX));
    }
}

fn read_quantiles(r: &mut Reader<'_>) -> Result<Quantiles, FrameError> {
    let values = match r.u8("quantiles present")? {
        0 => None,
        1 => Some(r.f64s("quantile values")?),
        tag => return Err(FrameError::UnknownTag { field: "quantiles present", tag }),
    };
    let mut count = |field| r.i64(field).and_then(|n| usize::try_from(n).map_err(|_| FrameError::Invalid { field }));
    Ok(Quantiles { values, n: count("sample count")?, nan: count("NaN count")?, infinite: count("infinite count")? })
}
