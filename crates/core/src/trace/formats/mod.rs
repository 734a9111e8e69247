//! Trace wire formats, one module per backend (Jaeger, OTLP — also inside Jaeger v3 and Tempo —,
//! Tempo search, Zipkin), each turning its JSON into spans for the
//! [`super::TraceBuilder`]; [`wire`] holds the serde helpers they share.

pub mod jaeger;
pub mod otlp;
pub mod tempo;
pub mod wire;
pub mod zipkin;
