//! Per-step event counts as cumulative counter series: the bridge from counted events (spans,
//! log lines) into [`super::SliEvents::ratio`], which reads counters. A series starts with a zero
//! baseline one step before its first covered step and then carries the running sum at every later
//! grid time, so the exact increase of step `k` is exactly `inc[k]` and steps before `first` have
//! no data (coverage says so).

use crate::counters::EvalGrid;
use crate::series::{Labels, Series};

/// A counter series named `name` of `inc` (one count per grid step) summed from step `first` on;
/// empty when `first` is past the grid.
pub fn cumulative(name: &str, inc: &[u64], first: usize, grid: EvalGrid) -> Series {
    let mut labels = Labels::default();
    labels.0.insert("__name__".to_string(), name.to_string());
    let mut t_ms = Vec::with_capacity(inc.len().saturating_sub(first) + 1);
    let mut values = Vec::with_capacity(t_ms.capacity());
    if first < inc.len() {
        let base_t = grid
            .start_ms
            .saturating_add(grid.step_ms.saturating_mul(first as i64))
            .saturating_sub(grid.step_ms);
        t_ms.push(base_t);
        values.push(0.0);
    }
    let mut acc = 0u64;
    for (k, t) in grid.times().enumerate().skip(first) {
        acc = acc.saturating_add(inc.get(k).copied().unwrap_or(0));
        t_ms.push(t);
        values.push(acc as f64);
    }
    Series {
        labels,
        t_ms,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_then_running_sum_from_first() {
        let grid = EvalGrid {
            start_ms: 60_000,
            end_ms: 240_000,
            step_ms: 60_000,
        };
        let s = cumulative("x", &[5, 1, 2, 3], 1, grid);
        assert_eq!(s.t_ms, [60_000, 120_000, 180_000, 240_000]);
        assert_eq!(s.values, [0.0, 1.0, 3.0, 6.0]);
        assert_eq!(s.labels.get("__name__"), Some("x"));
        assert!(cumulative("x", &[1, 2, 3, 4], 4, grid).t_ms.is_empty());
    }
}
