//! A small PromQL evaluator: walks the `promql-parser` AST over any [`SampleSource`] with
//! Prometheus' semantics, for the subset the demo source supports.
//!
//! Contract:
//! - Supported: vector selectors (`=`, `!=`, `=~`, `!~`, fully anchored regexes, `{a="x" or b="y"}`),
//!   `offset`; range selectors inside `rate`, `irate`, `increase`, `delta`, `avg_over_time`,
//!   `max_over_time`, `min_over_time`, `sum_over_time`, `count_over_time`; `histogram_quantile`
//!   over classic `le` buckets; aggregations `sum`, `avg`, `min`, `max`, `count`, `topk`,
//!   `bottomk` with `by`/`without`; binary `+ - * / % ^` and comparisons (filtering, or `bool`)
//!   between scalars and vectors, vector/vector one-to-one with `on(...)`/`ignoring(...)`; unary
//!   minus; number and string literals; parentheses. A bare range selector is allowed as the whole
//!   of an instant query (answered as a matrix of raw samples, as Prometheus does).
//! - Anything else is an [`ErrorKind::Execution`] error (HTTP 422) whose message starts with
//!   "the demo source does not support" and lists what is supported. Parse errors are
//!   [`ErrorKind::BadData`] (HTTP 400) with `promql-parser`'s text after `invalid parameter "query": `.
//! - Semantics follow Prometheus 3: instant selectors look back 5 minutes over `(t − 5m, t]`,
//!   range selectors cover `(t − range, t]` (left-open), `rate`/`increase`/`delta` extrapolate as
//!   `extrapolatedRate` in `promql/functions.go`, sums and means use Prometheus' Kahan–Neumaier
//!   summation, `histogram_quantile` follows `promql/quantile.go`, functions, arithmetic, unary
//!   minus and `bool` comparisons drop `__name__`, filtering comparisons keep it.
//!   `_over_time` windows of more than [`functions::DIRECT_WINDOW_MAX`] samples are reduced
//!   block-wise (O(window / 64) per step instead of O(window)); their sums can then differ from
//!   Prometheus in the last bits.
//! - Nothing here panics on any query: nesting deeper than [`MAX_NESTING`] and queries with more
//!   than [`MAX_CODE_CHARS`] characters outside string literals are refused before evaluation
//!   (they could overflow the WASM stack in the parser or in the AST walk), and durations the
//!   parser cannot represent (`foo[1e400]`) are rejected before it sees them.
//! - Cost: O(samples loaded + steps × series) for most queries; loading more than [`MAX_SAMPLES`]
//!   raw samples or holding more than [`MAX_POINTS`] step values is refused with Prometheus' "too
//!   many samples" message.
//! - Output order is deterministic: series sorted by labels; an instant `topk`/`bottomk` at the top
//!   of the query is ordered by value, as Prometheus returns it.

mod aggregate;
mod binary;
pub mod functions;
pub mod quantile;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use promql_parser::label::Matcher;
use promql_parser::parser::{Call, Expr, LabelModifier, MatrixSelector, Offset, VectorSelector};

use crate::series::{InstantSample, Labels, Series};

pub use quantile::bucket_quantile;

/// How far back an instant selector looks for the latest sample (Prometheus' default, 5 min).
pub const LOOKBACK_DELTA_MS: i64 = 5 * 60 * 1000;
/// Deepest AST nesting evaluated.
pub const MAX_NESTING: usize = 64;
/// Longest query accepted, counted in characters outside string literals and comments.
pub const MAX_CODE_CHARS: usize = 4096;
/// Most raw samples one query may load (Prometheus' `--query.max-samples` is 50 M; the demo runs
/// in a browser tab).
pub const MAX_SAMPLES: usize = 10_000_000;
/// Most step values (series × steps) one selector may produce.
pub const MAX_POINTS: usize = 20_000_000;

const TOO_MANY_SAMPLES: &str = "query processing would load too many samples into memory in query execution";

/// Which Prometheus `errorType` an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `bad_data`, HTTP 400: the request or the query text is wrong.
    BadData,
    /// `execution`, HTTP 422: the query is valid but cannot be executed here.
    Execution,
}

impl ErrorKind {
    /// Prometheus' `errorType` string.
    pub fn error_type(self) -> &'static str {
        match self {
            ErrorKind::BadData => "bad_data",
            ErrorKind::Execution => "execution",
        }
    }

    /// The HTTP status Prometheus answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::BadData => 400,
            ErrorKind::Execution => 422,
        }
    }
}

/// An evaluation failure: kind + the message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
}

impl EvalError {
    /// A `bad_data` error.
    pub fn bad_data(message: impl Into<String>) -> Self {
        EvalError { kind: ErrorKind::BadData, message: message.into() }
    }

    /// An `execution` error.
    pub fn execution(message: impl Into<String>) -> Self {
        EvalError { kind: ErrorKind::Execution, message: message.into() }
    }

    /// Prometheus' "too many samples" execution error.
    pub fn too_many_samples() -> Self {
        EvalError::execution(TOO_MANY_SAMPLES)
    }

    fn unsupported(what: impl fmt::Display, supported: &str) -> Self {
        EvalError::execution(format!("the demo source does not support {what}; supported: {supported}"))
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.error_type(), self.message)
    }
}

const SUPPORTED_FUNCTIONS: &str = "rate, irate, increase, delta, avg_over_time, max_over_time, min_over_time, \
                                   sum_over_time, count_over_time, histogram_quantile";
const SUPPORTED_AGGREGATIONS: &str = "sum, avg, min, max, count, topk, bottomk (with by or without)";
const SUPPORTED_OPERATORS: &str = "+ - * / % ^ == != > < >= <= (with bool), one-to-one vector matching with on(...) \
                                   or ignoring(...)";
const SUPPORTED_SYNTAX: &str = "vector selectors with = != =~ !~ and offset, range selectors inside functions, \
                                functions rate, irate, increase, delta, avg/max/min/sum/count_over_time, \
                                histogram_quantile, aggregations sum, avg, min, max, count, topk, bottomk, \
                                arithmetic and comparison operators, number literals, parentheses";

/// Where the raw samples come from: a fixed list of series, addressed by index.
pub trait SampleSource {
    /// Label sets of every series, sorted by labels; a series' id is its index here.
    fn series_labels(&self) -> &[Labels];

    /// Raw samples of the series `ids` (same order) with `after_ms < t <= until_ms`, sorted by
    /// time. Must fail with [`EvalError::too_many_samples`] rather than return more than
    /// `max_samples` samples in total.
    fn load(&self, ids: &[usize], after_ms: i64, until_ms: i64, max_samples: usize) -> Result<Vec<Series>, EvalError>;
}

/// An in-memory [`SampleSource`] over a few series (tests, fixtures).
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    labels: Vec<Labels>,
    series: Vec<Series>,
}

impl MemorySource {
    /// Holds `series` (sorted here by labels; timestamps are sorted per series, stably).
    pub fn new(mut series: Vec<Series>) -> Self {
        series.sort_by(|a, b| a.labels.cmp(&b.labels));
        for s in &mut series {
            if s.t_ms.windows(2).any(|w| w.first() > w.get(1)) {
                let mut pairs: Vec<(i64, f64)> = s.t_ms.iter().copied().zip(s.values.iter().copied()).collect();
                pairs.sort_by_key(|p| p.0);
                s.t_ms = pairs.iter().map(|p| p.0).collect();
                s.values = pairs.iter().map(|p| p.1).collect();
            }
        }
        let labels = series.iter().map(|s| s.labels.clone()).collect();
        MemorySource { labels, series }
    }
}

impl SampleSource for MemorySource {
    fn series_labels(&self) -> &[Labels] {
        &self.labels
    }

    fn load(&self, ids: &[usize], after_ms: i64, until_ms: i64, max_samples: usize) -> Result<Vec<Series>, EvalError> {
        let mut total = 0usize;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(s) = self.series.get(id) else {
                out.push(Series::default());
                continue;
            };
            let lo = s.t_ms.partition_point(|&t| t <= after_ms);
            let hi = s.t_ms.partition_point(|&t| t <= until_ms).max(lo);
            total = total.saturating_add(hi - lo);
            if total > max_samples {
                return Err(EvalError::too_many_samples());
            }
            out.push(Series {
                labels: s.labels.clone(),
                t_ms: s.t_ms.get(lo..hi).unwrap_or_default().to_vec(),
                values: s.values.get(lo..hi).unwrap_or_default().to_vec(),
            });
        }
        Ok(out)
    }
}

/// The result of an instant query, in the shapes of Prometheus' `resultType`s.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    Scalar {
        t_ms: i64,
        value: f64,
    },
    String {
        t_ms: i64,
        value: String,
    },
    Vector(Vec<InstantSample>),
    /// Raw samples of a bare range selector.
    Matrix(Vec<Series>),
}

/// Parses `query` with `promql-parser`, after refusing inputs that could make the parser panic
/// or overflow the stack. Parse errors are `bad_data` with Prometheus' `invalid parameter
/// "query": ` prefix.
pub fn parse_query(query: &str) -> Result<Expr, EvalError> {
    precheck(query)?;
    promql_parser::parser::parse(query).map_err(|e| EvalError::bad_data(format!("invalid parameter \"query\": {e}")))
}

/// Evaluates `query` at `t_ms` (an instant query).
pub fn eval_instant(source: &dyn SampleSource, query: &str, t_ms: i64) -> Result<QueryValue, EvalError> {
    let expr = parse_query(query)?;
    let top = strip_parens(&expr);
    let mut ev = Evaluator::new(source, vec![t_ms]);
    if let Expr::MatrixSelector(ms) = top {
        let mut out = ev.raw_matrix(ms)?;
        out.retain(|s| !s.is_empty());
        out.sort_by(|a, b| a.labels.cmp(&b.labels));
        return Ok(QueryValue::Matrix(out));
    }
    match ev.eval(&expr, 0)? {
        Val::Scalar(v) => Ok(QueryValue::Scalar { t_ms, value: v.first().copied().unwrap_or(f64::NAN) }),
        Val::Str(s) => Ok(QueryValue::String { t_ms, value: s }),
        Val::Vector(series) => {
            let mut out: Vec<InstantSample> = series
                .into_iter()
                .filter_map(|s| {
                    let value = s.points.first().copied().flatten()?;
                    Some(InstantSample { labels: s.labels, t_ms, value })
                })
                .collect();
            match top_k_order(top) {
                Some(desc) => {
                    out.sort_by(|a, b| value_order(a.value, b.value, desc).then_with(|| a.labels.cmp(&b.labels)))
                }
                None => out.sort_by(|a, b| a.labels.cmp(&b.labels)),
            }
            Ok(QueryValue::Vector(out))
        }
    }
}

/// Evaluates `query` at `start_ms, start_ms + step_ms, … ≤ end_ms` (a range query). Returns
/// the series that have at least one point, sorted by labels; a scalar result is one series with
/// no labels. The caller validates the range (see [`check_range`]); it is checked again here.
pub fn eval_range(
    source: &dyn SampleSource,
    query: &str,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
) -> Result<Vec<Series>, EvalError> {
    let steps = check_range(start_ms, end_ms, step_ms)?;
    let expr = parse_query(query)?;
    let type_name = match strip_parens(&expr) {
        Expr::MatrixSelector(_) => Some("range vector"),
        Expr::StringLiteral(_) => Some("string"),
        _ => None,
    };
    if let Some(t) = type_name {
        return Err(EvalError::bad_data(format!(
            "invalid expression type \"{t}\" for range query, must be Scalar or instant Vector"
        )));
    }
    let mut ev = Evaluator::new(source, steps.clone());
    let series = match ev.eval(&expr, 0)? {
        Val::Scalar(values) => {
            vec![VSeries { labels: Labels::default(), points: values.into_iter().map(Some).collect() }]
        }
        Val::Vector(v) => v,
        Val::Str(_) => {
            return Err(EvalError::bad_data(
                "invalid expression type \"string\" for range query, must be Scalar or instant Vector",
            ))
        }
    };
    let mut out: Vec<Series> = series
        .into_iter()
        .filter_map(|s| {
            let mut t_ms = Vec::new();
            let mut values = Vec::new();
            for (t, p) in steps.iter().zip(s.points) {
                if let Some(v) = p {
                    t_ms.push(*t);
                    values.push(v);
                }
            }
            (!t_ms.is_empty()).then_some(Series { labels: s.labels, t_ms, values })
        })
        .collect();
    out.sort_by(|a, b| a.labels.cmp(&b.labels));
    Ok(out)
}

/// The most steps a range query may have (Prometheus' 11,000-point rule allows 11,001 steps).
pub const MAX_STEPS: i64 = 11_001;

/// Validates a range query's `start`, `end` and `step` (all ms) with Prometheus' messages and
/// returns the evaluation timestamps.
pub fn check_range(start_ms: i64, end_ms: i64, step_ms: i64) -> Result<Vec<i64>, EvalError> {
    if end_ms < start_ms {
        return Err(EvalError::bad_data("end timestamp must not be before start time"));
    }
    if step_ms <= 0 {
        return Err(EvalError::bad_data(
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    let span = i128::from(end_ms) - i128::from(start_ms);
    if span / i128::from(step_ms) > 11_000 {
        return Err(EvalError::bad_data(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ));
    }
    let n = span / i128::from(step_ms) + 1;
    let n = usize::try_from(n).map_err(|_| EvalError::bad_data("invalid range"))?;
    let mut steps = Vec::with_capacity(n);
    let mut t = start_ms;
    for _ in 0..n {
        steps.push(t);
        t = t.saturating_add(step_ms);
    }
    Ok(steps)
}

// ---------------------------------------------------------------------------------------------
// Pre-parse guards

/// Refuses inputs that would make `promql-parser` 0.11 panic or overflow the stack: durations
/// given as numbers it converts with `Duration::from_secs_f64` (which panics when out of range),
/// and very long or deeply nested expressions.
fn precheck(query: &str) -> Result<(), EvalError> {
    let bytes = query.as_bytes();
    let mut i = 0usize;
    let mut code_chars = 0usize;
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut expect_duration = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'"' | b'\'' | b'`' => {
                // String literal: skip to the closing quote (backslash escapes except in `raw`).
                i += 1;
                while let Some(&d) = bytes.get(i) {
                    if d == b'\\' && c != b'`' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    if d == c {
                        break;
                    }
                }
                code_chars += 2;
                expect_duration = false;
            }
            b'#' => {
                while let Some(&d) = bytes.get(i) {
                    if d == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'[' | b':' => {
                if c == b'[' {
                    depth += 1;
                    max_depth = max_depth.max(depth);
                }
                code_chars += 1;
                expect_duration = true;
                i += 1;
            }
            b'+' | b'-' if expect_duration => {
                code_chars += 1;
                i += 1;
            }
            b'(' | b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                code_chars += 1;
                expect_duration = false;
                i += 1;
            }
            b')' | b'}' | b']' => {
                depth = depth.saturating_sub(1);
                code_chars += 1;
                expect_duration = false;
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' => {
                let start = i;
                let numeric = c.is_ascii_digit() || c == b'.';
                let hex = numeric && matches!(bytes.get(i..i + 2), Some(b"0x") | Some(b"0X"));
                while let Some(&d) = bytes.get(i) {
                    let exp_sign = numeric
                        && !hex
                        && (d == b'+' || d == b'-')
                        && matches!(bytes.get(i.wrapping_sub(1)), Some(b'e') | Some(b'E'));
                    if d.is_ascii_alphanumeric() || d == b'.' || d == b'_' || exp_sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let word = query.get(start..i).unwrap_or("");
                code_chars += word.len();
                if word.eq_ignore_ascii_case("offset") {
                    expect_duration = true;
                } else {
                    if expect_duration && number_out_of_range(word) {
                        return Err(EvalError::bad_data(format!(
                            "invalid parameter \"query\": duration out of range: \"{word}\""
                        )));
                    }
                    expect_duration = false;
                }
            }
            _ => {
                code_chars += 1;
                expect_duration = false;
                i += 1;
            }
        }
        if code_chars > MAX_CODE_CHARS {
            return Err(EvalError::unsupported(
                format_args!("queries longer than {MAX_CODE_CHARS} characters outside string literals"),
                SUPPORTED_SYNTAX,
            ));
        }
    }
    if max_depth > MAX_NESTING {
        return Err(EvalError::unsupported(
            format_args!("expressions nested more than {MAX_NESTING} levels deep"),
            SUPPORTED_SYNTAX,
        ));
    }
    Ok(())
}

/// True when `word` is a number (decimal, hex, `Inf`, `NaN`) that is not a finite count of
/// seconds below 10^15 (about 31 million years).
fn number_out_of_range(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return match u128::from_str_radix(hex, 16) {
            Ok(v) => v > 1_000_000_000_000_000,
            Err(_) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        };
    }
    match lower.parse::<f64>() {
        Ok(v) => !v.is_finite() || v.abs() > 1e15,
        Err(_) => false,
    }
}

fn strip_parens(mut e: &Expr) -> &Expr {
    // Bounded by the nesting check in `precheck` (parentheses count towards the depth).
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// `Some(true)` for a top-level `topk`, `Some(false)` for `bottomk`.
fn top_k_order(e: &Expr) -> Option<bool> {
    match e {
        Expr::Aggregate(a) => match a.op.to_string().as_str() {
            "topk" => Some(true),
            "bottomk" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Orders values for topk (`desc`) or bottomk, NaN always last.
fn value_order(a: f64, b: f64, desc: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let o = a.partial_cmp(&b).unwrap_or(Ordering::Equal);
            if desc {
                o.reverse()
            } else {
                o
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// One series of an instant vector evaluated at every step (`None`: no sample at that step).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VSeries {
    pub labels: Labels,
    pub points: Vec<Option<f64>>,
}

pub(crate) enum Val {
    Scalar(Vec<f64>),
    Vector(Vec<VSeries>),
    Str(String),
}

struct Evaluator<'a> {
    source: &'a dyn SampleSource,
    steps: Vec<i64>,
    samples_left: usize,
}

impl<'a> Evaluator<'a> {
    fn new(source: &'a dyn SampleSource, steps: Vec<i64>) -> Self {
        Evaluator { source, steps, samples_left: MAX_SAMPLES }
    }

    fn eval(&mut self, e: &Expr, depth: usize) -> Result<Val, EvalError> {
        if depth > MAX_NESTING {
            return Err(EvalError::unsupported(
                format_args!("expressions nested more than {MAX_NESTING} levels deep"),
                SUPPORTED_SYNTAX,
            ));
        }
        match e {
            Expr::NumberLiteral(n) => Ok(Val::Scalar(vec![n.val; self.steps.len()])),
            Expr::StringLiteral(s) => Ok(Val::Str(s.val.clone())),
            Expr::Paren(p) => self.eval(&p.expr, depth + 1),
            Expr::Unary(u) => match self.eval(&u.expr, depth + 1)? {
                Val::Scalar(v) => Ok(Val::Scalar(v.into_iter().map(|x| -x).collect())),
                Val::Vector(v) => {
                    let out = v
                        .into_iter()
                        .map(|s| VSeries {
                            labels: drop_name(s.labels),
                            points: s.points.into_iter().map(|p| p.map(|x| -x)).collect(),
                        })
                        .collect();
                    Ok(Val::Vector(merge_same_labels(out)?))
                }
                Val::Str(_) => {
                    Err(EvalError::bad_data("unary expression only allowed on expressions of type scalar or vector"))
                }
            },
            Expr::VectorSelector(vs) => Ok(Val::Vector(self.instant_selector(vs)?)),
            Expr::MatrixSelector(_) => Err(EvalError::unsupported(
                "range selectors outside of a function (except as the whole of an instant query)",
                SUPPORTED_SYNTAX,
            )),
            Expr::Subquery(_) => Err(EvalError::unsupported("subqueries", SUPPORTED_SYNTAX)),
            Expr::Call(c) => self.call(c, depth),
            Expr::Aggregate(a) => {
                let op = a.op.to_string();
                let param = match &a.param {
                    Some(p) if op == "topk" || op == "bottomk" => match self.eval(p, depth + 1)? {
                        Val::Scalar(v) => Some(v),
                        _ => return Err(EvalError::bad_data(format!("expected type scalar in {op} parameter"))),
                    },
                    _ => None,
                };
                let kind = aggregate::AggOp::from_name(&op).ok_or_else(|| {
                    EvalError::unsupported(format_args!("the aggregation \"{op}\""), SUPPORTED_AGGREGATIONS)
                })?;
                let input = match self.eval(&a.expr, depth + 1)? {
                    Val::Vector(v) => v,
                    _ => return Err(EvalError::bad_data(format!("expected type instant vector in aggregation {op}"))),
                };
                Ok(Val::Vector(aggregate::aggregate(
                    kind,
                    input,
                    a.modifier.as_ref(),
                    param.as_deref(),
                    self.steps.len(),
                )?))
            }
            Expr::Binary(b) => {
                let op = b.op.to_string();
                let bop = binary::BinOp::from_name(&op).ok_or_else(|| {
                    EvalError::unsupported(format_args!("the operator \"{op}\""), SUPPORTED_OPERATORS)
                })?;
                if let Some(m) = &b.modifier {
                    if m.fill_values.lhs.is_some() || m.fill_values.rhs.is_some() {
                        return Err(EvalError::unsupported("fill modifiers", SUPPORTED_OPERATORS));
                    }
                    if !matches!(m.card, promql_parser::parser::VectorMatchCardinality::OneToOne) {
                        return Err(EvalError::unsupported(
                            "group_left/group_right (many-to-one matching)",
                            SUPPORTED_OPERATORS,
                        ));
                    }
                }
                let lhs = self.eval(&b.lhs, depth + 1)?;
                let rhs = self.eval(&b.rhs, depth + 1)?;
                binary::binary(bop, lhs, rhs, b.modifier.as_ref())
            }
            Expr::Extension(_) => Err(EvalError::unsupported("extension expressions", SUPPORTED_SYNTAX)),
        }
    }

    fn call(&mut self, c: &Call, depth: usize) -> Result<Val, EvalError> {
        let name = c.func.name;
        if name == "histogram_quantile" {
            let (Some(q), Some(v), 2) = (c.args.args.first(), c.args.args.get(1), c.args.args.len()) else {
                return Err(EvalError::bad_data("expected 2 arguments for histogram_quantile"));
            };
            let q = match self.eval(q, depth + 1)? {
                Val::Scalar(q) => q,
                _ => {
                    return Err(EvalError::bad_data("expected type scalar in call to function \"histogram_quantile\""))
                }
            };
            let v = match self.eval(v, depth + 1)? {
                Val::Vector(v) => v,
                _ => {
                    return Err(EvalError::bad_data(
                        "expected type instant vector in call to function \"histogram_quantile\"",
                    ))
                }
            };
            return Ok(Val::Vector(quantile::histogram_quantile(&q, v)));
        }
        let Some(kind) = functions::RangeFn::from_name(name) else {
            return Err(EvalError::unsupported(format_args!("the function \"{name}\""), SUPPORTED_FUNCTIONS));
        };
        let (Some(arg), 1) = (c.args.args.first(), c.args.args.len()) else {
            return Err(EvalError::bad_data(format!("expected 1 argument in call to function \"{name}\"")));
        };
        let ms = match strip_parens(arg) {
            Expr::MatrixSelector(ms) => ms,
            Expr::Subquery(_) => return Err(EvalError::unsupported("subqueries", SUPPORTED_SYNTAX)),
            _ => return Err(EvalError::bad_data(format!("expected type range vector in call to function \"{name}\""))),
        };
        let range_ms = duration_ms(&ms.range)?;
        let (offset, ids, raw) = self.load_selector(&ms.vs, range_ms)?;
        let eval_ts: Vec<i64> = self.steps.iter().map(|t| t.saturating_sub(offset)).collect();
        let mut out = Vec::with_capacity(ids.len());
        for s in raw {
            let points = functions::over_steps(kind, &s.t_ms, &s.values, &eval_ts, range_ms);
            out.push(VSeries { labels: drop_name(s.labels), points });
        }
        Ok(Val::Vector(merge_same_labels(out)?))
    }

    /// Matching series ids, the offset in ms, and raw samples covering every step's window of
    /// `window_ms` before `t − offset`.
    fn load_selector(
        &mut self,
        vs: &VectorSelector,
        window_ms: i64,
    ) -> Result<(i64, Vec<usize>, Vec<Series>), EvalError> {
        if vs.at.is_some() {
            return Err(EvalError::unsupported("the @ modifier", SUPPORTED_SYNTAX));
        }
        let offset = match &vs.offset {
            None => 0,
            Some(Offset::Pos(d)) => duration_ms(d)?,
            Some(Offset::Neg(d)) => -duration_ms(d)?,
        };
        let labels = self.source.series_labels();
        let ids: Vec<usize> =
            labels.iter().enumerate().filter(|(_, l)| selector_matches(vs, l)).map(|(i, _)| i).collect();
        if ids.len().saturating_mul(self.steps.len()) > MAX_POINTS {
            return Err(EvalError::too_many_samples());
        }
        let (Some(&first), Some(&last)) = (self.steps.first(), self.steps.last()) else {
            return Ok((offset, ids, Vec::new()));
        };
        let after = first.saturating_sub(offset).saturating_sub(window_ms);
        let until = last.saturating_sub(offset);
        let mut raw = self.source.load(&ids, after, until, self.samples_left)?;
        let loaded: usize = raw.iter().map(Series::len).sum();
        self.samples_left = self.samples_left.saturating_sub(loaded);
        // The source returns the series in `ids` order; make sure labels are the catalog's.
        for (s, id) in raw.iter_mut().zip(&ids) {
            if let Some(l) = labels.get(*id) {
                s.labels = l.clone();
            }
        }
        Ok((offset, ids, raw))
    }

    fn instant_selector(&mut self, vs: &VectorSelector) -> Result<Vec<VSeries>, EvalError> {
        let (offset, _, raw) = self.load_selector(vs, LOOKBACK_DELTA_MS)?;
        let mut out = Vec::with_capacity(raw.len());
        for s in raw {
            let mut points = Vec::with_capacity(self.steps.len());
            let mut next = 0usize; // index of the first sample after the current step
            for &t in &self.steps {
                let t = t.saturating_sub(offset);
                while s.t_ms.get(next).is_some_and(|&x| x <= t) {
                    next += 1;
                }
                let latest = next.checked_sub(1).and_then(|i| Some((*s.t_ms.get(i)?, *s.values.get(i)?)));
                points.push(match latest {
                    Some((ts, v)) if ts > t.saturating_sub(LOOKBACK_DELTA_MS) => Some(v),
                    _ => None,
                });
            }
            out.push(VSeries { labels: s.labels, points });
        }
        Ok(out)
    }

    /// A bare range selector at the single step of an instant query: raw samples in
    /// `(t − offset − range, t − offset]`.
    fn raw_matrix(&mut self, ms: &MatrixSelector) -> Result<Vec<Series>, EvalError> {
        let range_ms = duration_ms(&ms.range)?;
        let (_, _, raw) = self.load_selector(&ms.vs, range_ms)?;
        Ok(raw)
    }
}

fn duration_ms(d: &Duration) -> Result<i64, EvalError> {
    i64::try_from(d.as_millis()).map_err(|_| EvalError::bad_data("invalid parameter \"query\": duration out of range"))
}

/// True when `labels` satisfy the selector's metric name and matchers. A missing label matches
/// as the empty string, as in Prometheus.
pub fn selector_matches(vs: &VectorSelector, labels: &Labels) -> bool {
    if let Some(name) = &vs.name {
        if labels.metric_name() != Some(name.as_str()) {
            return false;
        }
    }
    let all = |ms: &[Matcher]| ms.iter().all(|m| m.is_match(labels.get(&m.name).unwrap_or("")));
    all(&vs.matchers.matchers) && (vs.matchers.or_matchers.is_empty() || vs.matchers.or_matchers.iter().any(|g| all(g)))
}

pub(crate) fn drop_name(mut labels: Labels) -> Labels {
    labels.0.remove("__name__");
    labels
}

/// Merges series that ended up with the same labels (after dropping `__name__`); two values at
/// the same step are Prometheus' "vector cannot contain metrics with the same labelset". The
/// result is sorted by labels.
pub(crate) fn merge_same_labels(series: Vec<VSeries>) -> Result<Vec<VSeries>, EvalError> {
    let mut by: BTreeMap<Labels, Vec<Option<f64>>> = BTreeMap::new();
    for s in series {
        match by.entry(s.labels) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(s.points);
            }
            std::collections::btree_map::Entry::Occupied(mut e) => {
                for (a, b) in e.get_mut().iter_mut().zip(s.points) {
                    if b.is_some() {
                        if a.is_some() {
                            return Err(EvalError::execution("vector cannot contain metrics with the same labelset"));
                        }
                        *a = b;
                    }
                }
            }
        }
    }
    Ok(by.into_iter().map(|(labels, points)| VSeries { labels, points }).collect())
}

/// Labels kept by `by (...)` / removed by `without (...)` (which also removes `__name__`);
/// no modifier groups everything together.
pub(crate) fn grouping_labels(labels: &Labels, modifier: Option<&LabelModifier>) -> Labels {
    match modifier {
        None => Labels::default(),
        Some(LabelModifier::Include(keep)) => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| keep.labels.iter().any(|x| x == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        Some(LabelModifier::Exclude(drop)) => Labels(
            labels
                .0
                .iter()
                .filter(|(k, _)| k.as_str() != "__name__" && !drop.labels.iter().any(|x| x == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}
