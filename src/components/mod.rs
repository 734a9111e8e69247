//! Reusable UI pieces: the header with its pickers, the query panel with chart, legend and table.

pub mod analysis;
pub mod chart;
pub mod header;
pub mod legend;
pub mod panel;
pub mod result_table;
pub mod time_picker;
