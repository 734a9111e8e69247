//! Client-side expressions between the results of two queries of one panel: `A / B`, `A - B`,
//! `A + B`, `A * B` (an error ratio from two queries, a difference between two environments …).
//!
//! **Grammar** ([`Expr::parse`]): exactly one binary operation `<name> <op> <name>`, where a name
//! is one query letter `A`–`Z` (case-insensitive, stored upper-case) and `<op>` is one of
//! `+ - * /` (also `×`, `÷`, `−`). Whitespace is optional. No parentheses, constants or chains: a
//! richer expression belongs in the query language of the source (PromQL does all of this).
//!
//! **Matching** ([`apply`]): series are paired by their label sets **without `__name__`** (the
//! result of arithmetic is no longer the metric, as in PromQL, which drops the name too).
//! - [`Matching::OneToOne`]: identical label sets only.
//! - [`Matching::Auto`] (default): as one-to-one, except that when one side has exactly one
//!   series it is paired with every series of the other side (`errors_by_route / total`); when
//!   both sides have one series they are paired whatever their labels.
//!
//! Result labels are the shared label set (one-to-one) or the "many" side's labels (one-to-many),
//! always without `__name__`. Two series of one side with the same label set after dropping
//! `__name__` are ambiguous: [`ExprError::DuplicateLabels`].
//!
//! **Time**: samples are joined on exactly equal `t_ms` (Prometheus range queries with the same
//! start, end and step align). A timestamp present on one side only produces no output sample and
//! is counted in [`ExprOutput::unpaired_samples`]; repeated timestamps pair in order.
//!
//! **Values**: IEEE arithmetic, nothing hidden: `x / 0` is `±Inf`, `0 / 0` is `NaN`, and `NaN`
//! propagates. Series without a partner are not silently dropped: their number is reported in
//! [`ExprOutput::unmatched_left`] / [`ExprOutput::unmatched_right`] (show it next to the panel).
//!
//! Output series are sorted by labels (deterministic legends). Cost O(S log S + n) for S series
//! and n samples; nothing here panics.

use std::collections::BTreeMap;
use std::fmt;

use crate::series::{Labels, Series};

/// An arithmetic operator between two series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `A + B`
    Add,
    /// `A - B`
    Sub,
    /// `A * B`
    Mul,
    /// `A / B`
    Div,
}

impl BinaryOp {
    /// Applies the operator with IEEE semantics.
    pub fn eval(self, a: f64, b: f64) -> f64 {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
        }
    }

    /// The ASCII symbol (`+ - * /`).
    pub fn symbol(self) -> char {
        match self {
            BinaryOp::Add => '+',
            BinaryOp::Sub => '-',
            BinaryOp::Mul => '*',
            BinaryOp::Div => '/',
        }
    }

    fn from_char(c: char) -> Option<BinaryOp> {
        Some(match c {
            '+' => BinaryOp::Add,
            '-' | '−' => BinaryOp::Sub,
            '*' | '×' => BinaryOp::Mul,
            '/' | '÷' => BinaryOp::Div,
            _ => return None,
        })
    }
}

/// How series of the two sides are paired; see the module doc.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Matching {
    /// One-to-one on labels, or one-to-many when a side has exactly one series.
    #[default]
    Auto,
    /// One-to-one on identical label sets (without `__name__`) only.
    OneToOne,
}

/// Which operand of the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left operand (`A` in `A / B`).
    Left,
    /// The right operand.
    Right,
}

/// Why an expression could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExprError {
    /// Two series of one side have the same labels once `__name__` is dropped, so it is unclear
    /// which to pair. Aggregate that query (`sum by (…)`) so each label set occurs once.
    DuplicateLabels {
        /// The side with the duplicates.
        side: Side,
        /// The duplicated label set, in display form.
        labels: String,
    },
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprError::DuplicateLabels { side, labels } => {
                let side = match side {
                    Side::Left => "left",
                    Side::Right => "right",
                };
                write!(
                    f,
                    "the {side} query returns several series with labels {labels} once the metric name is \
                     dropped; aggregate it (sum by (…)) so that each label set occurs once"
                )
            }
        }
    }
}

impl std::error::Error for ExprError {}

/// The result of [`apply`]: the computed series and what could not be paired.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExprOutput {
    /// One series per matched pair, sorted by labels.
    pub series: Vec<Series>,
    /// Left series without a partner (not in the output).
    pub unmatched_left: usize,
    /// Right series without a partner (not in the output).
    pub unmatched_right: usize,
    /// Samples of matched series whose timestamp had no counterpart on the other side.
    pub unpaired_samples: usize,
}

/// Applies `op` between the series of two query results; see the module doc.
pub fn apply(op: BinaryOp, a: &[Series], b: &[Series], matching: Matching) -> Result<ExprOutput, ExprError> {
    let mut out = ExprOutput::default();
    let unpaired = &mut out.unpaired_samples;
    let broadcast = matching == Matching::Auto && !a.is_empty() && !b.is_empty() && (a.len() == 1 || b.len() == 1);
    if broadcast {
        match (a, b) {
            ([one_a], [one_b]) => out.series.push(join(op, one_a, one_b, without_name(&one_a.labels), unpaired)),
            ([one], many) => {
                out.series.extend(many.iter().map(|s| join(op, one, s, without_name(&s.labels), unpaired)));
            }
            (many, [one]) => {
                out.series.extend(many.iter().map(|s| join(op, s, one, without_name(&s.labels), unpaired)));
            }
            _ => {}
        }
    } else {
        let left = index_by_labels(a, Side::Left)?;
        let mut right = index_by_labels(b, Side::Right)?;
        for (labels, sa) in left {
            match right.remove(&labels) {
                Some(sb) => out.series.push(join(op, sa, sb, labels, unpaired)),
                None => out.unmatched_left += 1,
            }
        }
        out.unmatched_right = right.len();
    }
    out.series.sort_by(|x, y| x.labels.cmp(&y.labels));
    Ok(out)
}

fn without_name(labels: &Labels) -> Labels {
    let mut l = labels.clone();
    l.0.remove("__name__");
    l
}

fn index_by_labels(series: &[Series], side: Side) -> Result<BTreeMap<Labels, &Series>, ExprError> {
    let mut map = BTreeMap::new();
    for s in series {
        let key = without_name(&s.labels);
        if map.contains_key(&key) {
            return Err(ExprError::DuplicateLabels { side, labels: key.display_name() });
        }
        map.insert(key, s);
    }
    Ok(map)
}

/// Merge-joins two series on equal timestamps.
fn join(op: BinaryOp, a: &Series, b: &Series, labels: Labels, unpaired: &mut usize) -> Series {
    let a_len = a.t_ms.len().min(a.values.len());
    let b_len = b.t_ms.len().min(b.values.len());
    let mut result = Series { labels, t_ms: Vec::with_capacity(a_len.min(b_len)), values: Vec::with_capacity(a_len.min(b_len)) };
    let (mut i, mut j) = (0usize, 0usize);
    while let (Some(&ta), Some(&tb), Some(&va), Some(&vb)) = (a.t_ms.get(i), b.t_ms.get(j), a.values.get(i), b.values.get(j)) {
        match ta.cmp(&tb) {
            std::cmp::Ordering::Less => {
                *unpaired += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                *unpaired += 1;
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                result.t_ms.push(ta);
                result.values.push(op.eval(va, vb));
                i += 1;
                j += 1;
            }
        }
    }
    *unpaired += a_len.saturating_sub(i) + b_len.saturating_sub(j);
    result
}

/// A parsed expression `<left> <op> <right>` over query letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expr {
    /// The left query letter, `A`–`Z`.
    pub left: char,
    /// The operator.
    pub op: BinaryOp,
    /// The right query letter, `A`–`Z`.
    pub right: char,
}

/// Why an expression text is not `<letter> <op> <letter>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprParseError {
    /// Character offset (not byte offset) where the text stopped making sense.
    pub position: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl fmt::Display for ExprParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} at character {} (write one operation between two queries, e.g. A / B)",
            self.expected,
            self.position + 1
        )
    }
}

impl std::error::Error for ExprParseError {}

impl Expr {
    /// Parses `A / B`, `a-b`, `C × D` …; see the module doc for the grammar.
    pub fn parse(text: &str) -> Result<Expr, ExprParseError> {
        let mut chars = text.chars().enumerate().filter(|(_, c)| !c.is_whitespace());
        let end = text.chars().count();
        let letter = |item: Option<(usize, char)>, expected: &'static str| match item {
            Some((_, c)) if c.is_ascii_alphabetic() => Ok(c.to_ascii_uppercase()),
            Some((position, _)) => Err(ExprParseError { position, expected }),
            None => Err(ExprParseError { position: end, expected }),
        };
        let left = letter(chars.next(), "a query letter (A–Z)")?;
        let op = match chars.next() {
            Some((position, c)) => BinaryOp::from_char(c).ok_or(ExprParseError { position, expected: "an operator (+ - * /)" })?,
            None => return Err(ExprParseError { position: end, expected: "an operator (+ - * /)" }),
        };
        let right = letter(chars.next(), "a query letter (A–Z)")?;
        if let Some((position, _)) = chars.next() {
            return Err(ExprParseError { position, expected: "the end of the expression" });
        }
        Ok(Expr { left, op, right })
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.left, self.op.symbol(), self.right)
    }
}

impl std::str::FromStr for Expr {
    type Err = ExprParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Expr::parse(s)
    }
}
