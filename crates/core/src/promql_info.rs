//! What Sightline reads from a PromQL query without running it: the first metric it selects and
//! whether that metric is under a per-second function (`rate`, `irate`, `deriv`), so the chart can
//! pick a unit (`http_request_duration_seconds_bucket` → seconds; `rate(x_bytes_total[5m])` →
//! bytes/s) the way Grafana users set it by hand.
//!
//! Contract: unparsable queries give no information (never an error or a panic); the walk over
//! the expression tree is iterative (an explicit stack), so deeply nested queries cannot overflow
//! the stack; the "first" metric is the left-most selector.

use promql_parser::parser::{self, Expr};

use crate::units::{guess_from_metric_name, Unit};

/// The facts read from a query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryInfo {
    /// The left-most selected metric name (`__name__` or the bare name).
    pub metric: Option<String>,
    /// True when that selector sits inside `rate`, `irate` or `deriv`.
    pub per_second: bool,
}

const PER_SECOND: [&str; 3] = ["rate", "irate", "deriv"];

/// Reads `query`; an unparsable query gives [`QueryInfo::default`].
pub fn query_info(query: &str) -> QueryInfo {
    let Ok(expr) = parser::parse(query) else { return QueryInfo::default() };
    // (expression, inside a per-second function); children pushed right to left so the left-most
    // selector is met first.
    let mut stack: Vec<(&Expr, bool)> = vec![(&expr, false)];
    while let Some((e, rated)) = stack.pop() {
        match e {
            Expr::VectorSelector(vs) => {
                if let Some(name) = selector_name(vs) {
                    return QueryInfo { metric: Some(name), per_second: rated };
                }
            }
            Expr::MatrixSelector(ms) => {
                if let Some(name) = selector_name(&ms.vs) {
                    return QueryInfo { metric: Some(name), per_second: rated };
                }
            }
            Expr::Call(c) => {
                let rated = rated || PER_SECOND.contains(&c.func.name);
                stack.extend(c.args.args.iter().rev().map(|a| (a.as_ref(), rated)));
            }
            Expr::Aggregate(a) => {
                stack.push((&a.expr, rated));
                if let Some(p) = &a.param {
                    stack.push((p, rated));
                }
            }
            Expr::Binary(b) => {
                stack.push((&b.rhs, rated));
                stack.push((&b.lhs, rated));
            }
            Expr::Paren(p) => stack.push((&p.expr, rated)),
            Expr::Subquery(s) => stack.push((&s.expr, rated)),
            Expr::Unary(u) => stack.push((&u.expr, rated)),
            _ => {}
        }
    }
    QueryInfo::default()
}

fn selector_name(vs: &promql_parser::parser::VectorSelector) -> Option<String> {
    vs.name.clone().or_else(|| {
        vs.matchers.matchers.iter().find(|m| m.name == "__name__" && m.op.to_string() == "=").map(|m| m.value.clone())
    })
}

/// `query` when it is a plain instant-vector selector (`metric{a="b"}`, no function, operator,
/// offset or `@`): only such a query has raw samples to fetch.
pub fn plain_selector(query: &str) -> Option<String> {
    match parser::parse(query) {
        Ok(Expr::VectorSelector(vs)) if vs.offset.is_none() && vs.at.is_none() => Some(query.trim().to_string()),
        _ => None,
    }
}

/// The unit a chart of `query` should use when the user chose none: from its metric's name
/// (Prometheus naming conventions, see [`guess_from_metric_name`]). Bucket series outside
/// `histogram_quantile` are counts of observations, not durations: no unit.
pub fn guess_unit(query: &str) -> Unit {
    let info = query_info(query);
    let Some(metric) = info.metric else { return Unit::None };
    if metric.ends_with("_bucket") && !query.contains("histogram_quantile") {
        return Unit::None;
    }
    guess_from_metric_name(&metric, info.per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_left_most_metric_and_rate_context() {
        let cases = [
            ("sum by (service) (rate(http_requests_total[5m]))", Some("http_requests_total"), true),
            ("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", Some("http_request_duration_seconds_bucket"), true),
            ("process_resident_memory_bytes", Some("process_resident_memory_bytes"), false),
            ("{__name__=\"up\", job=\"a\"}", Some("up"), false),
            ("rate(a_total[5m]) / rate(b_total[5m])", Some("a_total"), true),
            ("-avg_over_time(temp_celsius[1h])", Some("temp_celsius"), false),
            ("1 + 1", None, false),
            ("sum(", None, false),
        ];
        for (q, metric, rated) in cases {
            let info = query_info(q);
            assert_eq!(info.metric.as_deref(), metric, "{q}");
            assert_eq!(info.per_second, rated, "{q}");
        }
    }

    #[test]
    fn guesses_units_from_the_query() {
        assert_eq!(guess_unit("histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))"), Unit::Seconds);
        assert_eq!(guess_unit("process_resident_memory_bytes"), Unit::Bytes);
        assert_eq!(guess_unit("sum(rate(http_requests_total[5m]))"), Unit::RequestsPerSecond);
        assert_eq!(guess_unit("nonsense("), Unit::None);
        assert_eq!(guess_unit("x_seconds_bucket{le=\"0.1\"}"), Unit::None, "a bucket is a count");
    }

    #[test]
    fn only_plain_selectors_have_raw_samples() {
        assert_eq!(plain_selector(" http_requests_total{service=\"cart\"} ").as_deref(), Some("http_requests_total{service=\"cart\"}"));
        assert_eq!(plain_selector("up offset 5m"), None);
        assert_eq!(plain_selector("rate(up[5m])"), None);
        assert_eq!(plain_selector("up[5m]"), None);
        assert_eq!(plain_selector("sum("), None);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let q = format!("{}up{}", "(".repeat(200), ")".repeat(200));
        // The parser itself may refuse; whatever it does, no panic here.
        let _ = query_info(&q);
    }
}
