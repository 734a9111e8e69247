//! Sightline, the app: a Leptos (CSR) single-page app that moves data between the user, the
//! network and `sightline-core`. Analytics, wire formats and the demo source live in the core;
//! this crate holds UI state ([`state`]), transport ([`sources`]), pages, components and charts.

pub mod charts;
pub mod components;
pub mod offload;
pub mod pages;
pub mod sources;
pub mod state;

mod app;
pub use app::App;
