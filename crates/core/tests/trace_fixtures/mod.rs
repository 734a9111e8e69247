//! Fixture access shared by the trace test files (`trace_*.rs`): the captured responses in the
//! repository's `tests/fixtures/<backend>/`.
// Each test file uses a subset of these helpers; the others would warn as unused there.
#![allow(dead_code)]

use std::path::PathBuf;

use sightline_core::trace::{decode_traces, Trace};

/// `tests/fixtures/<dir>`.
pub fn fixture_dir(dir: &str) -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "tests",
        "fixtures",
        dir,
    ]
    .iter()
    .collect()
}

/// The bytes of `tests/fixtures/<dir>/<name>`.
pub fn fixture(dir: &str, name: &str) -> Vec<u8> {
    let path = fixture_dir(dir).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first trace of `tests/fixtures/jaeger/<name>`.
pub fn jaeger_trace(name: &str) -> Trace {
    decode_traces(&fixture("jaeger", name))
        .unwrap()
        .traces
        .remove(0)
}
