//! Wire formats Sightline reads. Each submodule owns one backend's API: request building (pure:
//! paths and query parameters, no transport) and tolerant decoding into the core model.

pub mod prometheus;

/// The strict JSON byte cursor shared by the fast paths.
pub(crate) mod json_cursor;
