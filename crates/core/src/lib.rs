//! `sightline-core`: everything Sightline computes from bytes and numbers, with no browser
//! dependency (no leptos, web-sys, js-sys, gloo or wasm-bindgen), so it is tested natively in
//! seconds and can serve other programs (a CLI, a worker, a server-side checker).
//!
//! Modules, one concept each:
//! - [`time`]: the Grafana time grammar (`now-6h`, `now/d`, absolute), resolved ranges, step choice.
//! - [`series`]: the columnar series model (labels + `i64` ms timestamps + `f64` values).
//! - [`stack`]: running sums across series for stacked charts.
//! - [`downsample`]: M4 reduction (first/min/max/last per pixel column) before drawing.
//! - [`formats`]: wire formats; [`formats::prometheus`] builds Prometheus HTTP API requests and
//!   decodes their responses into the model.
//! - [`demo`]: the built-in demo backend: a seeded generator that answers Prometheus HTTP API
//!   requests with real response bytes, decoded by the same code path as a real backend.
//! - [`format`]: number formatting for display (`NaN`, `∞`, SI prefixes).
//! - [`viewstate`]: the URL ⇄ typed view state (page, source, query, range, theme, embed).
//! - [`datasource`]: data-source configuration, validation and secret-free storage form.
//! - [`urlencoding`]: query-string encoding and decoding.

pub mod datasource;
pub mod demo;
pub mod downsample;
pub mod format;
pub mod formats;
pub mod series;
pub mod stack;
pub mod time;
pub mod urlencoding;
pub mod viewstate;
