//! Binary operators between scalars and instant vectors, evaluated at every step.
//!
//! Contract (Prometheus `promql/engine.go`):
//! - Arithmetic `+ - * / % ^` with IEEE semantics (`%` is Go's `math.Mod`, the same as Rust's
//!   `%` on floats; division by zero gives ±Inf or NaN). Comparisons `== != > < >= <=` filter
//!   (keeping the vector side's value and labels) or, with `bool`, return 0/1.
//! - Arithmetic and `bool` drop `__name__`; filtering comparisons keep it.
//! - Vector/vector: one-to-one matching on the labels minus `__name__`, or `on(...)` (only the
//!   listed labels, and the result keeps only those) / `ignoring(...)` (the result drops them).
//!   Duplicates on the right, or two left series matching the same right one, are Prometheus'
//!   many-to-many / many-to-one errors.
//! - Cost: O(steps × series).

use std::collections::BTreeMap;

use promql_parser::parser::{BinModifier, LabelModifier};

use super::{drop_name, merge_same_labels, EvalError, VSeries, Val};
use crate::series::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

impl BinOp {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "^" => BinOp::Pow,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            ">" => BinOp::Gt,
            "<" => BinOp::Lt,
            ">=" => BinOp::Ge,
            "<=" => BinOp::Le,
            _ => return None,
        })
    }

    fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Gt | BinOp::Lt | BinOp::Ge | BinOp::Le)
    }

    /// `(value, keep)` as Prometheus' `vectorElemBinop`: comparisons return the left value.
    fn apply(self, l: f64, r: f64) -> (f64, bool) {
        match self {
            BinOp::Add => (l + r, true),
            BinOp::Sub => (l - r, true),
            BinOp::Mul => (l * r, true),
            BinOp::Div => (l / r, true),
            BinOp::Mod => (l % r, true),
            BinOp::Pow => (l.powf(r), true),
            BinOp::Eq => (l, l == r),
            BinOp::Ne => (l, l != r),
            BinOp::Gt => (l, l > r),
            BinOp::Lt => (l, l < r),
            BinOp::Ge => (l, l >= r),
            BinOp::Le => (l, l <= r),
        }
    }
}

pub(crate) fn binary(op: BinOp, lhs: Val, rhs: Val, modifier: Option<&BinModifier>) -> Result<Val, EvalError> {
    let return_bool = modifier.is_some_and(|m| m.return_bool);
    match (lhs, rhs) {
        (Val::Scalar(a), Val::Scalar(b)) => {
            if op.is_comparison() && !return_bool {
                return Err(EvalError::bad_data("comparisons between scalars must use BOOL modifier"));
            }
            Ok(Val::Scalar(
                a.into_iter()
                    .zip(b)
                    .map(|(l, r)| {
                        let (v, keep) = op.apply(l, r);
                        if op.is_comparison() {
                            if keep {
                                1.0
                            } else {
                                0.0
                            }
                        } else {
                            v
                        }
                    })
                    .collect(),
            ))
        }
        (Val::Vector(v), Val::Scalar(s)) => Ok(Val::Vector(vector_scalar(op, v, &s, false, return_bool)?)),
        (Val::Scalar(s), Val::Vector(v)) => Ok(Val::Vector(vector_scalar(op, v, &s, true, return_bool)?)),
        (Val::Vector(l), Val::Vector(r)) => {
            let matching = modifier.and_then(|m| m.matching.as_ref());
            Ok(Val::Vector(vector_vector(op, l, r, matching, return_bool)?))
        }
        _ => Err(EvalError::bad_data("binary expression must contain only scalar and instant vector types")),
    }
}

fn vector_scalar(
    op: BinOp,
    v: Vec<VSeries>,
    s: &[f64],
    swap: bool,
    return_bool: bool,
) -> Result<Vec<VSeries>, EvalError> {
    let drop = !op.is_comparison() || return_bool;
    let out: Vec<VSeries> = v
        .into_iter()
        .map(|series| {
            let points = series
                .points
                .into_iter()
                .zip(s)
                .map(|(p, &sv)| {
                    let x = p?;
                    let (l, r) = if swap { (sv, x) } else { (x, sv) };
                    let (mut val, mut keep) = op.apply(l, r);
                    if op.is_comparison() && swap {
                        val = r;
                    }
                    if return_bool {
                        val = if keep { 1.0 } else { 0.0 };
                        keep = true;
                    }
                    keep.then_some(val)
                })
                .collect();
            VSeries { labels: if drop { drop_name(series.labels) } else { series.labels }, points }
        })
        .collect();
    if drop {
        merge_same_labels(out)
    } else {
        Ok(out)
    }
}

/// The matching signature of `labels`.
fn signature(labels: &Labels, matching: Option<&LabelModifier>) -> Labels {
    match matching {
        Some(LabelModifier::Include(on)) => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| on.labels.iter().any(|x| x == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        Some(LabelModifier::Exclude(ign)) => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| k.as_str() != "__name__" && !ign.labels.iter().any(|x| x == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => drop_name(labels.clone()),
    }
}

/// Prometheus' `resultMetric` for one-to-one matching.
fn result_labels(labels: &Labels, op: BinOp, matching: Option<&LabelModifier>, return_bool: bool) -> Labels {
    let mut out = labels.clone();
    if !op.is_comparison() || return_bool {
        out.0.remove("__name__");
    }
    match matching {
        Some(LabelModifier::Include(on)) => out.0.retain(|k, _| on.labels.iter().any(|x| x == k)),
        Some(LabelModifier::Exclude(ign)) => out.0.retain(|k, _| !ign.labels.iter().any(|x| x == k)),
        None => {}
    }
    out
}

/// Prometheus' `labels.String()`: `{__name__="x", a="b"}`.
fn labels_string(l: &Labels) -> String {
    let pairs: Vec<String> = l.0.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

fn vector_vector(
    op: BinOp,
    lhs: Vec<VSeries>,
    rhs: Vec<VSeries>,
    matching: Option<&LabelModifier>,
    return_bool: bool,
) -> Result<Vec<VSeries>, EvalError> {
    let n_steps = lhs.first().or(rhs.first()).map_or(0, |s| s.points.len());
    let mut sig_ids: BTreeMap<Labels, usize> = BTreeMap::new();
    let mut sig_of = |l: &Labels| {
        let sig = signature(l, matching);
        let next = sig_ids.len();
        *sig_ids.entry(sig).or_insert(next)
    };
    let lhs_sig: Vec<usize> = lhs.iter().map(|s| sig_of(&s.labels)).collect();
    let rhs_sig: Vec<usize> = rhs.iter().map(|s| sig_of(&s.labels)).collect();
    let n_sigs = sig_ids.len();
    let mut out_points: Vec<Vec<Option<f64>>> = vec![vec![None; n_steps]; lhs.len()];
    let mut rhs_at: Vec<Option<usize>> = vec![None; n_sigs];
    let mut matched: Vec<bool> = vec![false; n_sigs];
    for s in 0..n_steps {
        rhs_at.iter_mut().for_each(|x| *x = None);
        matched.iter_mut().for_each(|x| *x = false);
        for (j, (r, &sig)) in rhs.iter().zip(&rhs_sig).enumerate() {
            if r.points.get(s).copied().flatten().is_none() {
                continue;
            }
            let Some(slot) = rhs_at.get_mut(sig) else { continue };
            if let Some(prev) = *slot {
                let prev_labels = rhs.get(prev).map(|p| labels_string(&p.labels)).unwrap_or_default();
                let group = labels_string(&signature(&r.labels, matching));
                return Err(EvalError::execution(format!(
                    "found duplicate series for the match group {group} on the right hand-side of the operation: [{}, {prev_labels}];many-to-many matching not allowed: matching labels must be unique on one side",
                    labels_string(&r.labels)
                )));
            }
            *slot = Some(j);
        }
        for (i, (l, &sig)) in lhs.iter().zip(&lhs_sig).enumerate() {
            let Some(lv) = l.points.get(s).copied().flatten() else { continue };
            let Some(j) = rhs_at.get(sig).copied().flatten() else { continue };
            let Some(rv) = rhs.get(j).and_then(|r| r.points.get(s).copied().flatten()) else { continue };
            if let Some(m) = matched.get_mut(sig) {
                if *m {
                    return Err(EvalError::execution(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
                    ));
                }
                *m = true;
            }
            let (mut val, mut keep) = op.apply(lv, rv);
            if return_bool {
                val = if keep { 1.0 } else { 0.0 };
                keep = true;
            }
            if keep {
                if let Some(p) = out_points.get_mut(i).and_then(|pts| pts.get_mut(s)) {
                    *p = Some(val);
                }
            }
        }
    }
    let out = lhs
        .into_iter()
        .zip(out_points)
        .map(|(l, points)| VSeries { labels: result_labels(&l.labels, op, matching, return_bool), points })
        .collect();
    merge_same_labels(out)
}
