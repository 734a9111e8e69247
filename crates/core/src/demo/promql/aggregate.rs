//! Aggregation operators over an instant vector evaluated at every step.
//!
//! Contract (Prometheus 3 `promql/engine.go`):
//! - Groups are formed by `by (...)` (keep the listed labels) or `without (...)` (drop them and
//!   `__name__`); no modifier is one group with no labels. Members are visited in input order.
//! - `sum` is a Kahan–Neumaier sum started from the first value; `avg` the same sum divided by the
//!   count (incremental mean after an overflow); `min`/`max` ignore NaN unless every value is NaN;
//!   `count` counts samples. A group has a point at a step when any member has one.
//! - `topk`/`bottomk` keep the full labels (including `__name__`) of the selected series. `k` is
//!   the parameter truncated to an integer at each step; `k < 1` selects nothing; NaN or a value
//!   outside i64 is Prometheus' "Scalar value … overflows int64" error. NaN values rank last; ties
//!   keep input (label) order.
//! - Cost: O(steps × series) plus a sort of each group per step for `topk`/`bottomk`.

use std::collections::BTreeMap;

use promql_parser::parser::LabelModifier;

use super::functions::{kahan_inc, MeanAcc};
use super::{grouping_labels, value_order, EvalError, VSeries};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggOp {
    Sum,
    Avg,
    Min,
    Max,
    Count,
    TopK,
    BottomK,
}

impl AggOp {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sum" => AggOp::Sum,
            "avg" => AggOp::Avg,
            "min" => AggOp::Min,
            "max" => AggOp::Max,
            "count" => AggOp::Count,
            "topk" => AggOp::TopK,
            "bottomk" => AggOp::BottomK,
            _ => return None,
        })
    }
}

pub(crate) fn aggregate(
    op: AggOp,
    input: Vec<VSeries>,
    modifier: Option<&LabelModifier>,
    param: Option<&[f64]>,
    n_steps: usize,
) -> Result<Vec<VSeries>, EvalError> {
    let mut groups: BTreeMap<crate::series::Labels, Vec<usize>> = BTreeMap::new();
    for (i, s) in input.iter().enumerate() {
        groups.entry(grouping_labels(&s.labels, modifier)).or_default().push(i);
    }
    if matches!(op, AggOp::TopK | AggOp::BottomK) {
        let Some(param) = param else {
            return Err(EvalError::bad_data("topk and bottomk need a parameter"));
        };
        return top_k(op == AggOp::TopK, input, &groups, param, n_steps);
    }
    let mut out = Vec::with_capacity(groups.len());
    for (labels, members) in groups {
        let mut points = Vec::with_capacity(n_steps);
        for s in 0..n_steps {
            let mut values =
                members.iter().filter_map(|&i| input.get(i).and_then(|v| v.points.get(s).copied().flatten()));
            let Some(first) = values.next() else {
                points.push(None);
                continue;
            };
            let v = match op {
                AggOp::Sum => {
                    let (mut sum, mut c) = (first, 0.0);
                    for x in values {
                        (sum, c) = kahan_inc(x, sum, c);
                    }
                    sum + c
                }
                AggOp::Avg => {
                    let mut acc = MeanAcc::new(first);
                    for x in values {
                        acc.add(x);
                    }
                    acc.value()
                }
                AggOp::Count => 1.0 + values.count() as f64,
                AggOp::Max => values.fold(first, |best, x| if best < x || best.is_nan() { x } else { best }),
                AggOp::Min => values.fold(first, |best, x| if best > x || best.is_nan() { x } else { best }),
                AggOp::TopK | AggOp::BottomK => first,
            };
            points.push(Some(v));
        }
        out.push(VSeries { labels, points });
    }
    Ok(out)
}

fn top_k(
    top: bool,
    input: Vec<VSeries>,
    groups: &BTreeMap<crate::series::Labels, Vec<usize>>,
    param: &[f64],
    n_steps: usize,
) -> Result<Vec<VSeries>, EvalError> {
    let mut selected: Vec<Vec<Option<f64>>> = vec![vec![None; n_steps]; input.len()];
    for s in 0..n_steps {
        let k_f = param.get(s).copied().unwrap_or(f64::NAN);
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&k_f) {
            return Err(EvalError::execution(format!("Scalar value {} overflows int64", go_float(k_f))));
        }
        let k = k_f.trunc() as i64;
        if k < 1 {
            continue;
        }
        for members in groups.values() {
            let mut present: Vec<(usize, f64)> =
                members.iter().filter_map(|&i| Some((i, input.get(i)?.points.get(s).copied().flatten()?))).collect();
            present.sort_by(|a, b| value_order(a.1, b.1, top));
            for &(i, v) in present.iter().take(usize::try_from(k).unwrap_or(usize::MAX)) {
                if let Some(p) = selected.get_mut(i).and_then(|pts| pts.get_mut(s)) {
                    *p = Some(v);
                }
            }
        }
    }
    Ok(input.into_iter().zip(selected).map(|(s, points)| VSeries { labels: s.labels, points }).collect())
}

/// Go's `%v` for a float in error messages (`NaN`, `+Inf`, `1e+20`, `3.5`).
fn go_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else if v.abs() >= 1e21 {
        format!("{v:e}").replace('e', "e+")
    } else {
        v.to_string()
    }
}
