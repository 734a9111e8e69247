//! The columnar series model shared by every decoder, analysis and chart.
//!
//! A [`Series`] is a label set plus two parallel columns: timestamps in milliseconds since the
//! Unix epoch (`i64`) and values (`f64`). Columns always have equal length and timestamps are
//! non-decreasing (decoders sort or reject). Non-finite values (`NaN`, `±Inf`) are kept as they
//! arrived: they are data, shown as `NaN`/`∞`, never silently turned into 0.
//!
//! [`Labels`] are kept sorted by name, so display names, legends and exports are deterministic.

use std::collections::BTreeMap;

/// A series of native histogram samples (labels + `[ts, histogram]` samples in time order); see
/// [`crate::stats::native`] for what is computed from it.
pub use crate::stats::native::HistogramSeries;

/// A label set, sorted by label name. `__name__` holds the metric name, as in Prometheus.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Labels(pub BTreeMap<String, String>);

impl Labels {
    /// The metric name (`__name__`), if any.
    pub fn metric_name(&self) -> Option<&str> {
        self.0.get("__name__").map(String::as_str)
    }

    /// The value of label `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Prometheus' display form: `name{a="x", b="y"}` without `__name__` among the pairs;
    /// `{}` for an empty label set. Values are escaped as in PromQL string literals.
    pub fn display_name(&self) -> String {
        let mut out = String::new();
        if let Some(name) = self.metric_name() {
            out.push_str(name);
        }
        let pairs: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| k.as_str() != "__name__")
            .map(|(k, v)| format!("{k}=\"{}\"", escape_label_value(v)))
            .collect();
        if !pairs.is_empty() || out.is_empty() {
            out.push('{');
            out.push_str(&pairs.join(", "));
            out.push('}');
        }
        out
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Labels {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Labels(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

fn escape_label_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One series: labels and two equal-length columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub labels: Labels,
    /// Sample timestamps, ms since the Unix epoch, non-decreasing.
    pub t_ms: Vec<i64>,
    /// Sample values; may hold `NaN` and `±Inf`.
    pub values: Vec<f64>,
}

impl Series {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.t_ms.len()
    }

    /// True when the series has no samples.
    pub fn is_empty(&self) -> bool {
        self.t_ms.is_empty()
    }

    /// How many values are `NaN` or `±Inf`.
    pub fn non_finite_count(&self) -> usize {
        self.values.iter().filter(|v| !v.is_finite()).count()
    }

    /// The last sample, if any.
    pub fn last(&self) -> Option<(i64, f64)> {
        Some((*self.t_ms.last()?, *self.values.last()?))
    }

    /// Minimum and maximum over finite values; `None` when there is none.
    pub fn finite_min_max(&self) -> Option<(f64, f64)> {
        self.values.iter().filter(|v| v.is_finite()).fold(None, |acc, &v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
    }
}

/// One sample of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantSample {
    pub labels: Labels,
    pub t_ms: i64,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_puts_metric_name_first_and_sorts_labels() {
        let l: Labels = [("job", "api"), ("__name__", "up"), ("instance", "a:9090")].into_iter().collect();
        assert_eq!(l.display_name(), r#"up{instance="a:9090", job="api"}"#);
    }

    #[test]
    fn display_name_of_nameless_series_is_braced() {
        let l: Labels = [("service_name", "email")].into_iter().collect();
        assert_eq!(l.display_name(), r#"{service_name="email"}"#);
        assert_eq!(Labels::default().display_name(), "{}");
    }

    #[test]
    fn display_name_escapes_quotes_and_backslashes() {
        let l: Labels = [("__name__", "m"), ("path", "a\"b\\c\nd")].into_iter().collect();
        assert_eq!(l.display_name(), r#"m{path="a\"b\\c\nd"}"#);
    }

    #[test]
    fn finite_min_max_ignores_non_finite_values() {
        let s = Series { labels: Labels::default(), t_ms: vec![1, 2, 3, 4], values: vec![f64::NAN, 2.0, f64::INFINITY, -1.0] };
        assert_eq!(s.finite_min_max(), Some((-1.0, 2.0)));
        assert_eq!(s.non_finite_count(), 2);
        let empty = Series::default();
        assert_eq!(empty.finite_min_max(), None);
    }
}
