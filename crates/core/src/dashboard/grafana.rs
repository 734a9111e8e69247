//! Grafana dashboard JSON → a Sightline [`Dashboard`]: each panel's first PromQL target (`expr`)
//! becomes a panel, in Grafana's order (rows' nested panels included; the old `rows[]` schema too).
//!
//! What maps: `timeseries`/`graph` → lines (stacked when the panel stacks its series; fill is
//! not carried over), `stat`, `singlestat`, `gauge`, `bargauge` → stat tiles, `heatmap` →
//! heatmap; the unit (`fieldConfig.defaults.unit`, a graph's first y-axis format, or a
//! singlestat's `format`) when Sightline knows it.
//! Everything else is said in a note: panels without a PromQL target (text, logs, other data
//! sources), extra targets, other panel types (drawn as lines), unknown units, and queries that use
//! dashboard variables (`$job`, `$__rate_interval`), which Sightline does not have: they are kept
//! as written, so the backend's own error shows in the panel until the query is edited.

use super::{Dashboard, Imported, PanelDef, MAX_PANELS};
use crate::units::Unit;
use crate::viewstate::ChartStyle;
use serde_json::Value;

/// Most panels (rows' nested panels included) looked at, so a huge file cannot stall the page.
const MAX_SCANNED: usize = 10_000;

/// Imports a Grafana dashboard (`value` is the model or the API's `{"dashboard": …}` wrapper).
pub fn import(value: &Value) -> Result<Imported, String> {
    let root = value
        .get("dashboard")
        .filter(|d| d.is_object())
        .unwrap_or(value);
    let title = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("Imported Grafana dashboard")
        .to_string();
    let mut notes = Vec::new();
    let mut panels = Vec::new();
    let all = flatten(root, &mut notes);
    if all.is_empty() {
        return Err("The Grafana dashboard has no panels.".into());
    }
    for (i, panel) in all.iter().enumerate() {
        if let Some(def) = convert(i, panel, &mut notes) {
            if panels.len() == MAX_PANELS {
                notes.push(format!(
                    "{}: not imported, a dashboard holds at most {MAX_PANELS} panels.",
                    describe(i, panel)
                ));
                continue;
            }
            panels.push(def);
        }
    }
    if panels.is_empty() {
        return Err(format!(
            "No panel of the Grafana dashboard has a PromQL query. {}",
            notes.join(" ")
        ));
    }
    Ok(Imported {
        dashboard: Dashboard { title, panels },
        notes,
    })
}

/// Every non-row panel in order: top-level panels, panels nested in (collapsed) rows, and the
/// old schema's `rows[].panels`.
fn flatten<'a>(root: &'a Value, notes: &mut Vec<String>) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let top = root
        .get("panels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let rows = root
        .get("rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let rows_panels = rows
        .filter_map(|r| r.get("panels").and_then(Value::as_array))
        .flatten();
    for panel in top.chain(rows_panels) {
        if panel.get("type").and_then(Value::as_str) == Some("row") {
            out.extend(
                panel
                    .get("panels")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        } else {
            out.push(panel);
        }
        if out.len() >= MAX_SCANNED {
            notes.push(format!("Only the first {MAX_SCANNED} panels were read."));
            break;
        }
    }
    out
}

/// "Panel 3 ('Latency', graph)".
fn describe(index: usize, panel: &Value) -> String {
    let title = panel.get("title").and_then(Value::as_str).unwrap_or("");
    let kind = panel
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("no type");
    if title.trim().is_empty() {
        format!("Panel {} ({kind})", index + 1)
    } else {
        format!("Panel {} ('{}', {kind})", index + 1, title.trim())
    }
}

fn convert(index: usize, panel: &Value, notes: &mut Vec<String>) -> Option<PanelDef> {
    let name = describe(index, panel);
    let targets: Vec<&str> = panel
        .get("targets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("hide").and_then(Value::as_bool) != Some(true))
        .filter_map(|t| t.get("expr").and_then(Value::as_str))
        .filter(|e| !e.trim().is_empty())
        .collect();
    let Some(query) = targets.first() else {
        notes.push(format!("{name}: not imported, it has no PromQL query."));
        return None;
    };
    if targets.len() > 1 {
        notes.push(format!(
            "{name}: has {} queries; imported the first only.",
            targets.len()
        ));
    }
    let kind = panel.get("type").and_then(Value::as_str).unwrap_or("");
    let style = match kind {
        "timeseries" | "graph" if stacks(panel) => ChartStyle::Stacked,
        "timeseries" | "graph" => ChartStyle::Lines,
        "stat" | "singlestat" => ChartStyle::Stat,
        "gauge" | "bargauge" => {
            notes.push(format!("{name}: shown as stat tiles."));
            ChartStyle::Stat
        }
        "heatmap" => ChartStyle::Heatmap,
        _ => {
            notes.push(format!("{name}: this panel type is shown as lines."));
            ChartStyle::Lines
        }
    };
    let unit_id = panel
        .pointer("/fieldConfig/defaults/unit")
        .and_then(Value::as_str)
        .or_else(|| panel.pointer("/yaxes/0/format").and_then(Value::as_str))
        .or_else(|| panel.get("format").and_then(Value::as_str))
        .unwrap_or("");
    let unit = match Unit::parse(unit_id) {
        Ok(Unit::None) => None,
        Ok(u) => Some(u),
        Err(_) => {
            notes.push(format!(
                "{name}: unit '{unit_id}' is not known here; the unit is guessed from the query."
            ));
            None
        }
    };
    if query.contains('$') {
        notes.push(format!(
            "{name}: the query uses dashboard variables ({}); Sightline has no variables, so edit the query.",
            variables(query).join(", ")
        ));
    }
    let title = panel
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some(PanelDef {
        title,
        query: (*query).to_string(),
        style,
        unit,
    })
}

/// Whether a time series panel (field config) or a graph (its `stack` flag) stacks its series.
fn stacks(panel: &Value) -> bool {
    panel
        .pointer("/fieldConfig/defaults/custom/stacking/mode")
        .and_then(Value::as_str)
        .is_some_and(|m| m != "none")
        || panel.get("stack").and_then(Value::as_bool) == Some(true)
}

/// The distinct `$name` / `${name}` references of a query, in order.
fn variables(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = query;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => {
                let end = inner.find('}').unwrap_or(inner.len());
                (&inner[..end], end + 2)
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end + 1)
            }
        };
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        rest = rest.get(at + len..).unwrap_or("");
    }
    out.into_iter().map(|n| format!("${n}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_listed_once_in_order() {
        assert_eq!(
            variables("rate(x{job=\"$job\"}[$__rate_interval]) / ${job}"),
            vec!["$job", "$__rate_interval"]
        );
        assert_eq!(variables("$"), Vec::<String>::new());
        assert_eq!(variables("${unterminated"), vec!["$unterminated"]);
    }
}
