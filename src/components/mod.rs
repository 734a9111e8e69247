//! Reusable UI pieces: the header with its pickers, the query panel with its displays (chart and
//! legend, heatmap, stat tiles, table, bars).

pub mod analysis;
pub mod bars;
pub mod chart;
pub mod exemplars;
pub mod native;
pub mod header;
pub mod heatmap;
pub mod legend;
pub mod source_picker;
pub mod file_drop;
pub mod log_details;
pub mod log_lines;
pub mod log_patterns;
pub mod log_volume;
pub mod panel;
pub mod panel_view;
pub mod result_table;
pub mod stat;
pub mod time_picker;
pub mod trace_details;
pub mod trace_import;
pub mod trace_list;
pub mod trace_scatter;
pub mod trace_search;
pub mod trace_tables;
pub mod trace_view;
pub mod trace_waterfall;
pub mod service_graph;
pub mod trace_partial;
pub mod later;
