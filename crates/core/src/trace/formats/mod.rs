//! Trace wire formats, one module per backend, each turning its JSON into spans for the
//! [`super::TraceBuilder`]; [`wire`] holds the serde helpers they share.

pub mod jaeger;
pub mod wire;
