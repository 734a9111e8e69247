//! Chart colours per theme. These mirror the CSS custom properties of `style/main.css`
//! (`--bg-panel`, `--text-muted`, `--grid`) so canvas and DOM agree; series colours are a
//! colour-blind-friendly qualitative set (Okabe–Ito first, then Tableau), chosen per theme for
//! ≥ 3:1 contrast against the panel background.

use plotters::style::RGBColor;
use sightline_core::viewstate::Theme;

/// The colours a chart needs.
pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub series: &'static [RGBColor],
}

const SERIES_LIGHT: &[RGBColor] = &[
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(89, 89, 89),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(188, 189, 34),
];

const SERIES_DARK: &[RGBColor] = &[
    RGBColor(86, 180, 233),
    RGBColor(240, 140, 60),
    RGBColor(60, 200, 150),
    RGBColor(230, 150, 200),
    RGBColor(120, 160, 255),
    RGBColor(240, 200, 60),
    RGBColor(200, 200, 200),
    RGBColor(190, 150, 240),
    RGBColor(210, 150, 130),
    RGBColor(210, 210, 90),
];

/// The palette for `theme`.
pub fn for_theme(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            background: RGBColor(255, 255, 255),
            text: RGBColor(60, 64, 72),
            grid: RGBColor(232, 234, 238),
            axis: RGBColor(170, 174, 182),
            series: SERIES_LIGHT,
        },
        Theme::Dark => Palette {
            background: RGBColor(24, 27, 33),
            text: RGBColor(200, 204, 212),
            grid: RGBColor(44, 48, 56),
            axis: RGBColor(90, 96, 106),
            series: SERIES_DARK,
        },
    }
}

/// The colour of series number `i` (cycles through the set).
pub fn series_color(palette: &Palette, i: usize) -> RGBColor {
    let n = palette.series.len().max(1);
    palette.series.get(i % n).copied().unwrap_or(RGBColor(0, 114, 178))
}

/// CSS `rgb(…)` text of a colour, for legend swatches.
pub fn css(c: RGBColor) -> String {
    format!("rgb({}, {}, {})", c.0, c.1, c.2)
}
