//! Expressions between two queries (`expr`): label matching (one-to-one, one-to-many, unmatched
//! counts, duplicates), exact timestamp joins, IEEE division, the `A <op> B` parser, and
//! properties against element-wise arithmetic.

use proptest::prelude::*;
use sightline_core::expr::{apply, BinaryOp, Expr, ExprError, Matching, Side};
use sightline_core::series::{Labels, Series};

fn series(labels: &[(&str, &str)], t_ms: &[i64], values: &[f64]) -> Series {
    Series { labels: labels.iter().copied().collect(), t_ms: t_ms.to_vec(), values: values.to_vec() }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn ratio_pairs_series_by_labels_without_the_metric_name() {
    let a = [
        series(&[("__name__", "errors"), ("job", "web")], &[0, 15], &[1.0, 1.0]),
        series(&[("__name__", "errors"), ("job", "api")], &[0, 15, 30], &[1.0, 2.0, 0.0]),
    ];
    let b = [
        series(&[("__name__", "requests"), ("job", "api")], &[0, 15, 30], &[10.0, 0.0, 0.0]),
        series(&[("__name__", "requests"), ("job", "db")], &[0], &[5.0]),
    ];
    let out = apply(BinaryOp::Div, &a, &b, Matching::Auto).unwrap();
    assert_eq!(out.series.len(), 1);
    let s = &out.series[0];
    assert_eq!(s.labels, labels(&[("job", "api")]));
    assert_eq!(s.t_ms, vec![0, 15, 30]);
    assert_eq!(s.values[0], 0.1);
    assert_eq!(s.values[1], f64::INFINITY); // 2 / 0
    assert!(s.values[2].is_nan()); // 0 / 0
    assert_eq!((out.unmatched_left, out.unmatched_right, out.unpaired_samples), (1, 1, 0));
}

#[test]
fn samples_join_on_equal_timestamps_only() {
    let a = [series(&[("job", "x")], &[0, 15, 30, 45], &[1.0, 2.0, 3.0, 4.0])];
    let b = [series(&[("job", "x")], &[15, 30, 60], &[10.0, 20.0, 30.0])];
    let out = apply(BinaryOp::Add, &a, &b, Matching::OneToOne).unwrap();
    assert_eq!(out.series[0].t_ms, vec![15, 30]);
    assert_eq!(out.series[0].values, vec![12.0, 23.0]);
    assert_eq!(out.unpaired_samples, 3); // 0 and 45 on the left, 60 on the right
}

#[test]
fn a_single_series_is_matched_against_every_series_of_the_other_side() {
    let many = [
        series(&[("__name__", "errors"), ("route", "/b")], &[0], &[2.0]),
        series(&[("__name__", "errors"), ("route", "/a")], &[0], &[1.0]),
    ];
    let total = [series(&[("__name__", "requests")], &[0], &[4.0])];
    let out = apply(BinaryOp::Div, &many, &total, Matching::Auto).unwrap();
    let got: Vec<(Labels, f64)> = out.series.iter().map(|s| (s.labels.clone(), s.values[0])).collect();
    assert_eq!(got, vec![(labels(&[("route", "/a")]), 0.25), (labels(&[("route", "/b")]), 0.5)]);
    assert_eq!((out.unmatched_left, out.unmatched_right), (0, 0));

    // The single series on the left: labels come from the many side, operand order is kept.
    let out = apply(BinaryOp::Sub, &total, &many, Matching::Auto).unwrap();
    let got: Vec<(Labels, f64)> = out.series.iter().map(|s| (s.labels.clone(), s.values[0])).collect();
    assert_eq!(got, vec![(labels(&[("route", "/a")]), 3.0), (labels(&[("route", "/b")]), 2.0)]);
}

#[test]
fn one_to_one_matching_does_not_broadcast() {
    let a = [series(&[("job", "a")], &[0], &[1.0])];
    let b = [series(&[("job", "b")], &[0], &[2.0])];
    let out = apply(BinaryOp::Mul, &a, &b, Matching::OneToOne).unwrap();
    assert!(out.series.is_empty());
    assert_eq!((out.unmatched_left, out.unmatched_right), (1, 1));
    // Auto pairs two single series whatever their labels, keeping the left labels.
    let out = apply(BinaryOp::Mul, &a, &b, Matching::Auto).unwrap();
    assert_eq!(out.series[0].labels, labels(&[("job", "a")]));
    assert_eq!(out.series[0].values, vec![2.0]);
}

#[test]
fn an_empty_side_leaves_every_other_series_unmatched() {
    let a = [series(&[("job", "a")], &[0], &[1.0])];
    let out = apply(BinaryOp::Div, &a, &[], Matching::Auto).unwrap();
    assert!(out.series.is_empty());
    assert_eq!((out.unmatched_left, out.unmatched_right), (1, 0));
}

#[test]
fn duplicate_label_sets_without_the_name_are_an_error() {
    let a = [series(&[("__name__", "x"), ("job", "a")], &[0], &[1.0]), series(&[("__name__", "y"), ("job", "a")], &[0], &[1.0])];
    let b = [series(&[("job", "a")], &[0], &[1.0]), series(&[("job", "b")], &[0], &[1.0])];
    let err = apply(BinaryOp::Div, &a, &b, Matching::Auto).unwrap_err();
    assert_eq!(err, ExprError::DuplicateLabels { side: Side::Left, labels: r#"{job="a"}"#.to_string() });
    assert!(err.to_string().contains("sum by"));
}

#[test]
fn expressions_parse_one_operation_between_two_letters() {
    let ok: &[(&str, char, BinaryOp, char)] = &[
        ("A / B", 'A', BinaryOp::Div, 'B'),
        ("a-b", 'A', BinaryOp::Sub, 'B'),
        ("  C × D ", 'C', BinaryOp::Mul, 'D'),
        ("Z+A", 'Z', BinaryOp::Add, 'A'),
        ("B*B", 'B', BinaryOp::Mul, 'B'),
        ("A − B", 'A', BinaryOp::Sub, 'B'),
        ("A ÷ B", 'A', BinaryOp::Div, 'B'),
    ];
    for &(text, left, op, right) in ok {
        assert_eq!(Expr::parse(text), Ok(Expr { left, op, right }), "{text}");
    }
    for bad in ["", "A", "A /", "AB / C", "A / B / C", "1 + B", "A % B", "(A - B) / B", "A / é"] {
        assert!(Expr::parse(bad).is_err(), "{bad}");
    }
    let err = Expr::parse("A % B").unwrap_err();
    assert_eq!(err.position, 2);
    assert!(err.to_string().contains("operator"));
    assert_eq!(Expr::parse("a/b").unwrap().to_string(), "A / B");
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![8 => -1e6..1e6f64, 1 => Just(0.0), 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)]
}

fn op() -> impl Strategy<Value = BinaryOp> {
    prop_oneof![Just(BinaryOp::Add), Just(BinaryOp::Sub), Just(BinaryOp::Mul), Just(BinaryOp::Div)]
}

fn random_side() -> impl Strategy<Value = Vec<Series>> {
    prop::collection::vec(
        (0u8..5, prop::collection::vec((0i64..20, value()), 0..15)).prop_map(|(job, mut samples)| {
            samples.sort_by_key(|p| p.0);
            Series {
                labels: [("job", job.to_string())].into_iter().collect(),
                t_ms: samples.iter().map(|p| p.0 * 15_000).collect(),
                values: samples.iter().map(|p| p.1).collect(),
            }
        }),
        0..5,
    )
}

proptest! {
    #[test]
    fn aligned_series_give_element_wise_ieee_results(
        op in op(),
        pairs in prop::collection::vec((value(), value()), 0..50),
    ) {
        let t: Vec<i64> = (0..pairs.len() as i64).map(|i| 1_700_000_000_000 + i * 15_000).collect();
        let a = [Series { labels: labels(&[("__name__", "a"), ("k", "v")]), t_ms: t.clone(), values: pairs.iter().map(|p| p.0).collect() }];
        let b = [Series { labels: labels(&[("__name__", "b"), ("k", "v")]), t_ms: t.clone(), values: pairs.iter().map(|p| p.1).collect() }];
        let out = apply(op, &a, &b, Matching::OneToOne).unwrap();
        prop_assert_eq!(out.series.len(), 1);
        prop_assert_eq!(&out.series[0].t_ms, &t);
        prop_assert_eq!(out.unpaired_samples, 0);
        for (got, &(x, y)) in out.series[0].values.iter().zip(&pairs) {
            prop_assert!(same(*got, op.eval(x, y)));
        }
    }

    #[test]
    fn every_series_is_either_matched_or_counted(a in random_side(), b in random_side(), auto in any::<bool>()) {
        let matching = if auto { Matching::Auto } else { Matching::OneToOne };
        match apply(BinaryOp::Div, &a, &b, matching) {
            Ok(out) => {
                let broadcast = auto && !a.is_empty() && !b.is_empty() && (a.len() == 1 || b.len() == 1);
                if broadcast {
                    prop_assert_eq!(out.series.len(), a.len().max(b.len()));
                } else {
                    prop_assert_eq!(out.series.len() + out.unmatched_left, a.len());
                    prop_assert_eq!(out.series.len() + out.unmatched_right, b.len());
                }
                prop_assert!(out.series.windows(2).all(|w| w[0].labels <= w[1].labels));
                for s in &out.series {
                    prop_assert_eq!(s.t_ms.len(), s.values.len());
                    prop_assert!(s.t_ms.windows(2).all(|w| w[0] <= w[1]));
                }
            }
            Err(ExprError::DuplicateLabels { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
