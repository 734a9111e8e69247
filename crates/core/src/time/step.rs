//! The query step for a range chart and the alignment of the range to it.
//!
//! `step = max(ceil(range / width_px), scrape_interval, ceil(range / (MAX_POINTS_PER_SERIES − 2)), 1 s)`,
//! rounded up to whole seconds; start and end are then floored to multiples of the step (as
//! Grafana does, so repeated queries hit the backend's cache and no point lies in the future).
//! Flooring both ends can add one point, hence the `− 2`: an aligned series never exceeds
//! [`MAX_POINTS_PER_SERIES`] points, which is Prometheus' own limit (11,000).

/// Prometheus refuses range queries with more points per series than this.
pub const MAX_POINTS_PER_SERIES: i64 = 11_000;

/// The step in ms for a chart `width_px` wide over `range_ms`, never below `min_step_ms`
/// (the scrape interval) nor 1 s.
pub fn choose_step_ms(range_ms: i64, width_px: u32, min_step_ms: i64) -> i64 {
    let range = range_ms.max(1);
    let width = i64::from(width_px.max(1));
    let per_pixel = ceil_div(range, width);
    let point_cap = ceil_div(range, MAX_POINTS_PER_SERIES - 2);
    let step = per_pixel.max(min_step_ms).max(point_cap).max(1_000);
    ceil_div(step, 1_000).saturating_mul(1_000)
}

/// Floors `start_ms` and `end_ms` to multiples of `step_ms` (a non-positive step leaves them).
pub fn align_range(start_ms: i64, end_ms: i64, step_ms: i64) -> (i64, i64) {
    if step_ms <= 0 {
        return (start_ms, end_ms);
    }
    (start_ms.div_euclid(step_ms) * step_ms, end_ms.div_euclid(step_ms) * step_ms)
}

fn ceil_div(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b != 0)
}
