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
pub mod panel;
pub mod result_table;
pub mod stat;
pub mod time_picker;
