//! PromQL series selectors of SLO definitions: checking that a text is one plain selector, adding
//! an `le` matcher for latency SLIs, and finding the counter selector inside the query forms that
//! OpenSLO and Sloth documents use (`x`, `rate(x[5m])`, `sum(rate(x[{{.window}}]))` …).
//!
//! Parsing uses the `promql-parser` crate; texts are re-rendered from its syntax tree, so matcher
//! order and quoting are normalised (`x{b="1",a="2"}` → `x{a="2",b="1"}`).

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr, VectorSelector};

/// Sloth's window placeholder in queries.
pub const SLOTH_WINDOW: &str = "{{.window}}";

/// Parses `text` as one instant-vector selector without `offset` or `@`, or says why not.
pub fn parse_selector(text: &str) -> Result<VectorSelector, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(
            "a series selector is required, such as http_requests_total{service=\"api\"}"
                .to_string(),
        );
    }
    let expr = parser::parse(t).map_err(|e| format!("not valid PromQL: {e}"))?;
    match expr {
        Expr::VectorSelector(vs) if vs.offset.is_none() && vs.at.is_none() => {
            if !vs.matchers.or_matchers.is_empty() {
                return Err("`or` inside a selector is not supported; use one selector".to_string());
            }
            Ok(vs)
        }
        Expr::VectorSelector(_) => Err("offset and @ modifiers are not allowed in an SLO selector".to_string()),
        _ => Err("expected a series selector such as http_requests_total{code=~\"5..\"}, not an expression: \
                  Sightline applies increase() and sum() itself"
            .to_string()),
    }
}

/// The selector's metric name (`__name__`), if it has a plain one.
pub fn metric_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.as_str())
    })
}

/// True when the selector has a matcher on `label`.
pub fn has_matcher(vs: &VectorSelector, label: &str) -> bool {
    vs.matchers.matchers.iter().any(|m| m.name == label)
}

/// The selector with `label="value"` added (replacing any matcher on that label).
pub fn with_equal(vs: &VectorSelector, label: &str, value: &str) -> VectorSelector {
    let mut out = vs.clone();
    out.matchers.matchers.retain(|m| m.name != label);
    out.matchers
        .matchers
        .push(Matcher::new(MatchOp::Equal, label, value));
    out
}

/// The selector without the matcher on `label`, and that matcher's value if it was `=`.
pub fn without(vs: &VectorSelector, label: &str) -> (VectorSelector, Option<String>) {
    let mut out = vs.clone();
    let value = vs
        .matchers
        .matchers
        .iter()
        .find(|m| m.name == label && matches!(m.op, MatchOp::Equal))
        .map(|m| m.value.clone());
    out.matchers.matchers.retain(|m| m.name != label);
    (out, value)
}

/// The `le` label text for a threshold in seconds, as Prometheus client libraries write it
/// (`0.25`, `1`, `2.5`): the shortest decimal that reads back as the number.
pub fn le_text(threshold: f64) -> String {
    format!("{threshold}")
}

/// The selector inside one counter term (`x`, `sum(x)`, `rate(x[w])`, `increase(x[w])`, in
/// any nesting of parentheses and one `sum`), walked iteratively.
fn unwrap_counter(expr: &Expr) -> Option<VectorSelector> {
    let mut e = expr;
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::VectorSelector(vs) => return Some(vs.clone()),
            Expr::Aggregate(a)
                if a.op.to_string() == "sum" && a.param.is_none() && a.modifier.is_none() =>
            {
                e = &a.expr
            }
            Expr::Call(c)
                if matches!(c.func.name, "rate" | "increase") && c.args.args.len() == 1 =>
            {
                return match c.args.args.first().map(|b| &**b) {
                    Some(Expr::MatrixSelector(ms)) => Some(ms.vs.clone()),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
}

/// Parses a counter query (`x`, `sum(x)`, `rate(x[5m])`, `sum(rate(x[{{.window}}]))`,
/// `sum(increase(x[1h]))`) down to its series selector. Anything else is refused with a message.
pub fn counter_selector_of_query(query: &str) -> Result<VectorSelector, String> {
    let expr = parse_query(query)?;
    let vs = unwrap_counter(&expr).ok_or_else(|| unsupported(query))?;
    check_plain(vs)
}

fn check_plain(vs: VectorSelector) -> Result<VectorSelector, String> {
    if vs.offset.is_some() || vs.at.is_some() || !vs.matchers.or_matchers.is_empty() {
        return Err("offset, @ and `or` matchers are not supported in an SLO selector".to_string());
    }
    Ok(vs)
}

fn unsupported(query: &str) -> String {
    format!(
        "cannot import the query {query:?}: Sightline imports a counter selector, optionally as rate(selector[w]) or \
         increase(selector[w]) inside sum(...) without by/without"
    )
}

fn parse_query(query: &str) -> Result<Expr, String> {
    // The window placeholder is not PromQL; any duration stands in for parsing.
    let q = query.replace(SLOTH_WINDOW, "5m");
    parser::parse(q.trim()).map_err(|e| format!("not valid PromQL ({query:?}): {e}"))
}

/// A query of the form `A - B` (possibly in parentheses), each a counter term: the two selectors.
/// Used for Sloth error queries written as `total − good`.
pub fn difference_of_counters(
    query: &str,
) -> Result<Option<(VectorSelector, VectorSelector)>, String> {
    let mut expr = parse_query(query)?;
    while let Expr::Paren(p) = expr {
        expr = *p.expr;
    }
    let Expr::Binary(b) = &expr else {
        return Ok(None);
    };
    if b.op.to_string() != "-" || b.modifier.is_some() {
        return Ok(None);
    }
    match (unwrap_counter(&b.lhs), unwrap_counter(&b.rhs)) {
        (Some(l), Some(r)) => Ok(Some((check_plain(l)?, check_plain(r)?))),
        _ => Err(unsupported(query)),
    }
}

/// `sum(rate(<selector>[<window>]))`: how the generated rules and exported Sloth specs count.
pub fn sum_rate(selector: &str, window: &str) -> String {
    format!("sum(rate({selector}[{window}]))")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_selectors_parse_and_render_normalised() {
        let vs = parse_selector(r#"http_requests_total{service="api",code=~"5.."}"#).unwrap();
        assert_eq!(metric_name(&vs), Some("http_requests_total"));
        assert!(has_matcher(&vs, "code"));
        let text = vs.to_string();
        assert!(text.starts_with("http_requests_total{"), "{text}");
        assert!(
            text.contains(r#"service="api""#) && text.contains(r#"code=~"5..""#),
            "{text}"
        );
    }

    #[test]
    fn expressions_and_modifiers_are_refused_with_a_reason() {
        assert!(parse_selector("").unwrap_err().contains("required"));
        assert!(parse_selector("rate(x[5m])")
            .unwrap_err()
            .contains("not an expression"));
        assert!(parse_selector("x offset 5m")
            .unwrap_err()
            .contains("offset"));
        assert!(parse_selector("x{")
            .unwrap_err()
            .contains("not valid PromQL"));
    }

    #[test]
    fn le_matchers_are_added_and_removed() {
        let vs = parse_selector(r#"h_bucket{job="a"}"#).unwrap();
        let good = with_equal(&vs, "le", &le_text(0.25));
        assert!(good.to_string().contains(r#"le="0.25""#), "{good}");
        let (back, le) = without(&good, "le");
        assert_eq!(le.as_deref(), Some("0.25"));
        assert_eq!(back.to_string(), vs.to_string());
        assert_eq!(le_text(1.0), "1");
        assert_eq!(le_text(2.5), "2.5");
    }

    #[test]
    fn counter_queries_unwrap_to_their_selector() {
        for q in [
            "x_total{a=\"b\"}",
            "sum(x_total{a=\"b\"})",
            "rate(x_total{a=\"b\"}[5m])",
            "sum(rate(x_total{a=\"b\"}[{{.window}}]))",
            "sum(increase(x_total{a=\"b\"}[1h]))",
            "(sum(rate(x_total{a=\"b\"}[{{.window}}])))",
        ] {
            let vs = counter_selector_of_query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(vs.to_string(), "x_total{a=\"b\"}", "{q}");
        }
        assert!(counter_selector_of_query("sum by (a) (rate(x[5m]))")
            .unwrap_err()
            .contains("cannot import"));
        assert!(counter_selector_of_query("histogram_quantile(0.9, x)").is_err());
    }

    #[test]
    fn differences_of_counters_are_recognised() {
        let q = "(\n sum(rate(h_count{v!=\"W\"}[{{.window}}]))\n -\n sum(rate(h_bucket{le=\"0.4\",v!=\"W\"}[{{.window}}]))\n)";
        let (a, b) = difference_of_counters(q).unwrap().unwrap();
        assert_eq!(metric_name(&a), Some("h_count"));
        assert_eq!(metric_name(&b), Some("h_bucket"));
        assert!(difference_of_counters("sum(rate(x[5m]))")
            .unwrap()
            .is_none());
    }
}
