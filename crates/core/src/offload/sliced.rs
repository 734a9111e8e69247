//! Reading an answer frame in slices: a large matrix answer (tens of MB of columns) is turned
//! into series a few at a time, so the page can give its event loop a turn between slices instead
//! of reading the whole frame in one long task.
//!
//! Contract: [`open_outcome`] reads everything but a matrix's series ([`Opened::Whole`] for every
//! other outcome); [`MatrixReader::read_some`] reads at least one series per call and goes on
//! while its `more` callback says so; [`MatrixReader::finish`] checks that every series was read
//! and no byte is left. The result equals [`super::decode_outcome`]'s (which is built on this),
//! and a malformed frame is a [`FrameError`] at whichever call meets it — never a panic. Each
//! series is read once: O(frame length) in total.

use super::frame::{FrameError, Reader};
use super::message::{open_frame, read_series, read_series_count, Outcome};
use crate::formats::prometheus::{QueryResponse, ResultData};
use crate::series::Series;

/// An answer frame after its header.
#[derive(Debug)]
pub enum Opened<'a> {
    /// Job id and the whole outcome (anything but a matrix answer).
    Whole(u32, Outcome),
    /// A matrix answer, still to be read series by series.
    Matrix(MatrixReader<'a>),
}

/// The series of a matrix answer, read a few at a time.
#[derive(Debug)]
pub struct MatrixReader<'a> {
    id: u32,
    r: Reader<'a>,
    warnings: Vec<String>,
    infos: Vec<String>,
    left: usize,
    series: Vec<Series>,
}

/// The job id of an answer frame, without reading the rest.
pub fn frame_id(frame: &[u8]) -> Result<u32, FrameError> {
    let (_, mut r) = Reader::open(frame)?;
    r.u32("job id")
}

/// Opens an answer frame (see the module doc).
pub fn open_outcome(frame: &[u8]) -> Result<Opened<'_>, FrameError> {
    match open_frame(frame)? {
        (id, Ok(outcome)) => Ok(Opened::Whole(id, outcome)),
        (id, Err((mut r, warnings, infos))) => {
            let left = read_series_count(&mut r)?;
            Ok(Opened::Matrix(MatrixReader { id, r, warnings, infos, left, series: Vec::with_capacity(left) }))
        }
    }
}

impl MatrixReader<'_> {
    /// The job id of the answer.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Series read so far and series in the answer.
    pub fn progress(&self) -> (usize, usize) {
        (self.series.len(), self.series.len() + self.left)
    }

    /// Reads one series, then more while `more()` is true; true when every series is read.
    pub fn read_some(&mut self, mut more: impl FnMut() -> bool) -> Result<bool, FrameError> {
        while self.left > 0 {
            self.series.push(read_series(&mut self.r)?);
            self.left -= 1;
            if !more() {
                break;
            }
        }
        Ok(self.left == 0)
    }

    /// The job id and the decoded answer; an error if series are left or bytes follow them.
    pub fn finish(self) -> Result<(u32, Outcome), FrameError> {
        if self.left > 0 {
            return Err(FrameError::Truncated { field: "series" });
        }
        self.r.end()?;
        let resp = QueryResponse { data: ResultData::Matrix(self.series), warnings: self.warnings, infos: self.infos };
        Ok((self.id, Outcome::Decoded(resp)))
    }
}
