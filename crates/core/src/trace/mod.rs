//! Traces: the columnar span store ([`model::Trace`], built by [`builder::TraceBuilder`]), id
//! parsing ([`ids`]), decoding of every supported format through one entry point
//! ([`decode::decode_traces`], formats in [`formats`]); analyses: Jaeger's critical path
//! ([`critical_path`]), self time and bottlenecks ([`self_time`]), the per-(service, operation)
//! statistics table ([`stats`]), the service map ([`service_map`]) and its layered drawing layout
//! ([`service_graph`]), and the structural diff of two
//! traces ([`diff`]); export back to OTLP/JSON ([`export`]). [`analysis`] runs the per-trace
//! analyses the trace view shows in one call (on the page or in the background worker).
//!
//! Contract shared by every module here: times are `u64` ns since the Unix epoch, ids are
//! integers, and no function recurses over user data (deep traces cannot overflow the stack)
//! or panics on any input.

pub mod analysis;
pub mod builder;
pub mod critical_path;
pub mod decode;
pub mod diff;
pub mod export;
pub mod formats;
pub mod ids;
pub mod model;
pub mod self_time;
pub mod service_graph;
pub mod service_map;
pub mod stats;

pub use builder::{EventInput, ResourceId, SpanInput, TraceBuilder, TraceWarning};
pub use decode::{decode_traces, DecodedTraces, TraceError, TraceFormat};
pub use model::{
    flags, Attr, AttrValue, Event, Link, RefType, SpanKind, SpanRef, SpanStatus, StrId, Trace,
    NO_PARENT,
};
