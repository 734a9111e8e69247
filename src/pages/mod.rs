//! One module per page. Pages whose issue has not landed say so plainly ([`not_built`]).

pub mod dash_panel;
pub mod dashboards;
pub mod explore;
pub mod logs;
pub mod not_built;
pub mod settings;
pub mod slos;
pub mod traces;

pub mod slo_compute;
pub mod slo_defs;
pub mod slo_detail;
pub mod slo_form;
pub mod slo_io;
pub mod slo_zone;
pub mod slo_traces;
pub mod slo_logs;
pub mod slo_server;
