//! A client-side expression between two queries of a panel (`A / B`): both range queries run with
//! the same range and step, and the core's [`apply`] joins them (series matched by label set, or
//! one-to-many when a side has one series; samples joined on equal timestamps; IEEE arithmetic).
//! What could not be matched is reported as a warning next to the result, never dropped silently.

use futures::future::join;
use sightline_core::datasource::DataSource;
use sightline_core::expr::{apply, Expr, Matching};
use sightline_core::formats::prometheus::{PromRequest, QueryResponse, ResultData};
use sightline_core::series::Series;

use super::query::{run, PanelError};

/// A parsed expression over queries A and B; other letters are refused.
pub fn parse(text: &str) -> Result<Expr, PanelError> {
    let expr = Expr::parse(text).map_err(|e| PanelError { kind: "Expression".into(), message: e.to_string() })?;
    for letter in [expr.left, expr.right] {
        if letter != 'A' && letter != 'B' {
            return Err(PanelError {
                kind: "Expression".into(),
                message: format!("the panel has queries A and B; there is no query {letter}"),
            });
        }
    }
    Ok(expr)
}

/// Runs `a` and `b` concurrently and evaluates `expr` on their matrices. `Ok(None)`: superseded.
pub async fn run_expression(
    source: &DataSource,
    expr: Expr,
    a: &PromRequest,
    b: &PromRequest,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<Option<QueryResponse>, PanelError> {
    let (ra, rb) = join(run(source, a, abort), run(source, b, abort)).await;
    let (Some(ra), Some(rb)) = (ra.map_err(|e| labelled("A", e))?, rb.map_err(|e| labelled("B", e))?) else {
        return Ok(None);
    };
    let matrix = |letter: &str, r: &QueryResponse| -> Result<Vec<Series>, PanelError> {
        match &r.data {
            ResultData::Matrix(s) => Ok(s.clone()),
            _ => Err(PanelError { kind: "Expression".into(), message: format!("query {letter} did not return series over time") }),
        }
    };
    let (sa, sb) = (matrix("A", &ra)?, matrix("B", &rb)?);
    let (left, right) = if expr.left == 'A' { (&sa, &sb) } else { (&sb, &sa) };
    let out = apply(expr.op, left, right, Matching::Auto).map_err(|e| PanelError { kind: "Expression".into(), message: e.to_string() })?;
    let mut warnings: Vec<String> = ra.warnings.into_iter().map(|w| format!("A: {w}")).collect();
    warnings.extend(rb.warnings.into_iter().map(|w| format!("B: {w}")));
    if out.unmatched_left + out.unmatched_right > 0 {
        warnings.push(format!(
            "{} series of {} and {} of {} had no partner with the same labels and are not in the result",
            out.unmatched_left, expr.left, out.unmatched_right, expr.right
        ));
    }
    if out.unpaired_samples > 0 {
        warnings.push(format!("{} samples had no sample at the same time on the other side", out.unpaired_samples));
    }
    Ok(Some(QueryResponse { data: ResultData::Matrix(out.series), warnings, infos: vec![format!("{expr} computed in the browser")] }))
}

fn labelled(letter: &str, e: PanelError) -> PanelError {
    PanelError { kind: format!("{} (query {letter})", e.kind), message: e.message }
}
