//! Charts drawn with plotters. Drawing functions are generic over the plotters backend (canvas in
//! the browser, SVG in tests); data reaches them already M4-downsampled by the core, so drawing
//! costs O(pixels), not O(points). [`canvas`] handles HiDPI sizing and pointer → time mapping. The [`heatmap`] is drawn
//! without plotters: an RGBA buffer built in Rust and put on the canvas in one call.

pub mod canvas;
pub mod heatmap;
pub mod palette;
pub mod short;
pub mod time_axis;
pub mod timeseries;
pub mod waterfall;
