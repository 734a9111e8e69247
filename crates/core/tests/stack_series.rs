//! Stacking: running sums at equal timestamps, gaps kept as gaps and counted as zero above.

use sightline_core::series::{Labels, Series};
use sightline_core::stack::stack;

fn s(name: &str, t: &[i64], v: &[f64]) -> Series {
    Series { labels: [("s", name)].into_iter().collect::<Labels>(), t_ms: t.to_vec(), values: v.to_vec() }
}

#[test]
fn each_series_sits_on_the_sum_of_the_earlier_ones() {
    let out = stack(&[s("a", &[0, 10, 20], &[1.0, 2.0, 3.0]), s("b", &[0, 10, 20], &[10.0, f64::NAN, 30.0]), s("c", &[10, 20], &[100.0, 100.0])]);
    assert_eq!(out[0].values, vec![1.0, 2.0, 3.0]);
    assert_eq!(out[1].values[0], 11.0);
    assert!(out[1].values[1].is_nan(), "b's own gap stays a gap");
    assert_eq!(out[1].values[2], 33.0);
    assert_eq!(out[2].t_ms, vec![10, 20]);
    assert_eq!(out[2].values, vec![102.0, 133.0], "b's gap counts as zero under c");
    assert_eq!(out[2].labels.get("s"), Some("c"));
}

#[test]
fn empty_input_stacks_to_nothing() {
    assert!(stack(&[]).is_empty());
}
