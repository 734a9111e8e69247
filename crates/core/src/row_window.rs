//! Which rows of a long list to put in the DOM: a virtualised list lays out only the rows in its
//! scrolling box plus a margin above and below, in a box as tall as all rows would be.
//!
//! Contract: rows all have the same height `row_px` (> 0); the result is the half-open range
//! `first..last` of row positions, `last − first ≤ ⌈view_px / row_px⌉ + 1 + 2·margin`, within
//! `0..total`, and it contains every row that intersects `[scroll_top, scroll_top + view_px)`.
//! Any input (negative, NaN or huge scroll offsets, a zero height) gives a valid range. O(1).

/// The rows to lay out (see the module doc).
pub fn row_window(scroll_top: f64, view_px: f64, row_px: f64, margin: usize, total: usize) -> (usize, usize) {
    if row_px.is_nan() || row_px <= 0.0 {
        return (0, total.min(2 * margin + 1));
    }
    let rows = |px: f64| if px.is_finite() && px > 0.0 { (px / row_px) as usize } else { 0 };
    let first = rows(scroll_top).saturating_sub(margin).min(total);
    // A view that starts inside a row shows parts of ⌈view / row⌉ + 1 rows.
    let in_view = if view_px.is_finite() && view_px > 0.0 { (view_px / row_px).ceil() as usize + 1 } else { 1 };
    let last = first.saturating_add(in_view).saturating_add(2 * margin).min(total);
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::row_window;

    #[test]
    fn the_window_covers_the_view_plus_a_margin() {
        // 20 px rows, 220 px view: parts of up to 12 rows in view.
        assert_eq!(row_window(0.0, 220.0, 20.0, 10, 180), (0, 32));
        // Scrolled to row 50 (1000 px): rows 40..(40 + 12 + 20).
        assert_eq!(row_window(1000.0, 220.0, 20.0, 10, 180), (40, 72));
        // Partly visible rows count: 1010..1230 px shows parts of rows 50 to 61.
        assert_eq!(row_window(1010.0, 220.0, 20.0, 0, 180), (50, 62));
        // At the end, clamped to the rows there are.
        assert_eq!(row_window(3400.0, 220.0, 20.0, 10, 180), (160, 180));
        assert_eq!(row_window(1e12, 220.0, 20.0, 10, 180), (180, 180));
        assert_eq!(row_window(0.0, 220.0, 20.0, 10, 5), (0, 5));
    }

    #[test]
    fn odd_inputs_give_valid_ranges() {
        for (top, view, row) in
            [(-50.0, 220.0, 20.0), (f64::NAN, 220.0, 20.0), (0.0, f64::NAN, 20.0), (0.0, 220.0, 0.0), (0.0, 220.0, f64::NAN)]
        {
            let (a, b) = row_window(top, view, row, 3, 100);
            assert!(a <= b && b <= 100, "{top} {view} {row}: {a}..{b}");
        }
        assert_eq!(row_window(f64::INFINITY, 220.0, 20.0, 3, 100), (0, 18));
        assert_eq!(row_window(0.0, 220.0, 20.0, usize::MAX / 2, 100), (0, 100));
    }

    #[test]
    fn every_row_in_view_is_in_the_window() {
        let (row, view, total) = (21.0, 230.0, 500);
        for step in 0..2000 {
            let top = step as f64 * 5.3;
            let (a, b) = row_window(top, view, row, 2, total);
            let first_seen = ((top / row) as usize).min(total);
            let last_seen = (((top + view) / row).ceil() as usize).min(total);
            assert!(a <= first_seen && last_seen <= b, "top {top}: {a}..{b} misses {first_seen}..{last_seen}");
        }
    }
}
