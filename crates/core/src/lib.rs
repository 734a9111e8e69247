//! `sightline-core`: everything Sightline computes from bytes and numbers, with no browser
//! dependency (no leptos, web-sys, js-sys, gloo or wasm-bindgen), so it is tested natively in
//! seconds and can serve other programs (a CLI, a worker, a server-side checker).
//!
//! Modules, one concept each:
//! - [`time`]: the Grafana time grammar (`now-6h`, `now/d`, absolute), resolved ranges, step choice.
//! - [`series`]: the columnar series model (labels + `i64` ms timestamps + `f64` values).
//! - [`counters`]: counter increases and rates on raw samples, exact and Prometheus-compatible.
//! - [`plan`]: exact (raw samples, client-side) vs server-side pre-aggregation, and raw chunking.
//! - [`envelope`]: per-pixel-column extremes of a band (anomaly bands) for drawing.
//! - [`stack`]: running sums across series for stacked charts.
//! - [`downsample`]: M4 reduction (first/min/max/last per pixel column) before drawing.
//! - [`slo`]: SLO objectives (exact decimals), SLIs, error budgets, burn rates, MWMBR alert presets.
//! - [`stats`]: exact quantiles by radix selection and Prometheus' `histogram_quantile` (one-call
//!   and columnar).
//! - [`formats`]: wire formats; [`formats::prometheus`] builds Prometheus HTTP API requests and
//!   decodes their responses into the model.
//! - [`demo`]: the built-in demo backend: a seeded generator that answers Prometheus HTTP API
//!   requests with real response bytes, decoded by the same code path as a real backend.
//! - [`format`]: number formatting for display (`NaN`, `∞`, SI prefixes).
//! - [`expr`]: client-side arithmetic between two queries of a panel (`A / B`), label matching.
//! - [`export`]: downloads of loaded data (CSV of series and instant vectors).
//! - [`promql_info`]: what a PromQL query selects (metric name, under `rate`), for unit guessing.
//! - [`units`]: value units (s, bytes, req/s, percent …), their scaling for display and guessing
//!   them from Prometheus metric names.
//! - [`viewstate`]: the URL ⇄ typed view state (page, source, query, range, theme, embed).
//! - [`datasource`]: data-source configuration, validation and secret-free storage form.
//! - [`urlencoding`]: query-string encoding and decoding.
//! - [`offload`]: jobs for the background worker (binary frames) and the work both threads run.
//! - [`trace_link`]: the view an exemplar's trace id opens (`?page=traces&trace=<id>`).
//! - [`trace`]: the columnar span store of a trace, tolerant decoding of trace formats (Jaeger …)
//!   into it.
//! - [`logs`]: the columnar log store, Loki/OTLP/NDJSON decoding, levels, fields, volume,
//!   patterns and Loki requests.
//! - [`row_window`]: which rows of a long, virtualised list to lay out.
//! - [`dashboard`]: dashboards of PromQL panels (JSON in the URL) and Grafana dashboard import.

pub mod counters;
pub mod dashboard;
pub mod datasource;
pub mod demo;
pub mod downsample;
pub mod envelope;
pub mod export;
pub mod expr;
pub mod format;
pub mod formats;
pub mod plan;
pub mod promql_info;
pub mod series;
pub mod slo;
pub mod stack;
pub mod stats;
pub mod time;
pub mod trace_link;
pub mod units;
pub mod urlencoding;
pub mod viewstate;
pub mod trace_query;
pub mod trace_view;
pub mod offload;
pub mod trace;
pub mod trace_rows;
pub mod logs;
pub mod row_window;
