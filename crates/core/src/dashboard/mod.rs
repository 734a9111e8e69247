//! Dashboards: a title and an ordered list of panels, each one PromQL query with a title, a chart
//! style and an optional unit. The whole dashboard travels in the URL (`board=`, compact JSON),
//! so a link is the dashboard — no server stores anything. [`parse`] reads Sightline's own JSON
//! and Grafana dashboard JSON ([`grafana`]); every panel it cannot carry over is named in a note,
//! never dropped silently.
//!
//! The time range and the data source are the page's (the header's picker), as in Grafana.

pub mod grafana;

use crate::units::Unit;
use crate::viewstate::ChartStyle;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most panels a dashboard may hold: each panel is one query, run when the dashboard opens.
pub const MAX_PANELS: usize = 24;
/// Longest panel title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest query, in characters.
pub const MAX_QUERY: usize = 10_000;

/// One panel of a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelDef {
    pub title: String,
    pub query: String,
    pub style: ChartStyle,
    /// `None`: guessed from the query's metric name, as on Explore.
    pub unit: Option<Unit>,
}

/// A dashboard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dashboard {
    pub title: String,
    pub panels: Vec<PanelDef>,
}

/// A parsed dashboard and what could not be carried over.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub dashboard: Dashboard,
    /// One sentence per panel or setting not carried over (or changed), in panel order.
    pub notes: Vec<String>,
}

/// The wire form of Sightline's dashboard JSON.
#[derive(Serialize, Deserialize)]
struct Wire {
    sightline: String,
    version: u32,
    title: String,
    panels: Vec<WirePanel>,
}

#[derive(Serialize, Deserialize)]
struct WirePanel {
    title: String,
    query: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    style: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    unit: String,
}

/// The `sightline` field's value in the JSON form.
const KIND: &str = "dashboard";

impl Dashboard {
    /// Compact JSON (the URL's `board=` value and the export file).
    pub fn to_json(&self) -> String {
        let wire = Wire {
            sightline: KIND.into(),
            version: 1,
            title: self.title.clone(),
            panels: self
                .panels
                .iter()
                .map(|p| WirePanel {
                    title: p.title.clone(),
                    query: p.query.clone(),
                    style: if p.style == ChartStyle::Lines {
                        String::new()
                    } else {
                        p.style.as_str().to_string()
                    },
                    unit: p.unit.map(|u| u.as_str().to_string()).unwrap_or_default(),
                })
                .collect(),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Checks the limits; the message names the panel concerned.
    pub fn validate(&self) -> Result<(), String> {
        if self.title.chars().count() > MAX_TITLE {
            return Err(format!(
                "The dashboard title is longer than {MAX_TITLE} characters."
            ));
        }
        if self.panels.len() > MAX_PANELS {
            return Err(format!(
                "The dashboard has {} panels; at most {MAX_PANELS} are supported (each panel runs one query when the dashboard opens).",
                self.panels.len()
            ));
        }
        for (i, p) in self.panels.iter().enumerate() {
            let name = panel_name(i, &p.title);
            if p.query.trim().is_empty() {
                return Err(format!("{name} has no query."));
            }
            if p.query.chars().count() > MAX_QUERY {
                return Err(format!(
                    "{name}: the query is longer than {MAX_QUERY} characters."
                ));
            }
            if p.title.chars().count() > MAX_TITLE {
                return Err(format!(
                    "{name}: the title is longer than {MAX_TITLE} characters."
                ));
            }
        }
        Ok(())
    }
}

/// A change to one panel of a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelEdit {
    Replace(PanelDef),
    Remove,
    /// Swap with the panel before it.
    Up,
    /// Swap with the panel after it.
    Down,
}

impl Dashboard {
    /// Applies `edit` to panel `index`; an index out of range, or moving the first panel up or
    /// the last down, changes nothing.
    pub fn apply(&mut self, index: usize, edit: PanelEdit) {
        if index >= self.panels.len() {
            return;
        }
        match edit {
            PanelEdit::Replace(p) => self.panels[index] = p,
            PanelEdit::Remove => {
                self.panels.remove(index);
            }
            PanelEdit::Up if index > 0 => self.panels.swap(index - 1, index),
            PanelEdit::Down if index + 1 < self.panels.len() => self.panels.swap(index, index + 1),
            PanelEdit::Up | PanelEdit::Down => {}
        }
    }
}

/// "Panel 3 ('Latency')" — how messages name a panel (1-based).
pub fn panel_name(index: usize, title: &str) -> String {
    if title.trim().is_empty() {
        format!("Panel {}", index + 1)
    } else {
        format!("Panel {} ('{}')", index + 1, title.trim())
    }
}

/// Reads a dashboard from Sightline's JSON or from Grafana dashboard JSON (the dashboard model,
/// or the HTTP API's `{"dashboard": …}` wrapper), and validates it.
pub fn parse(text: &str) -> Result<Imported, String> {
    let value: Value = serde_json::from_str(text.trim()).map_err(|e| format!("Not JSON: {e}."))?;
    let imported = if value.get("sightline").is_some() {
        Imported {
            dashboard: from_wire(value)?,
            notes: Vec::new(),
        }
    } else if value.get("panels").is_some()
        || value.get("rows").is_some()
        || value.get("dashboard").is_some()
    {
        grafana::import(&value)?
    } else {
        return Err("Neither a Sightline dashboard (a \"sightline\": \"dashboard\" object) nor a Grafana dashboard (an object with \"panels\").".into());
    };
    imported.dashboard.validate()?;
    Ok(imported)
}

fn from_wire(value: Value) -> Result<Dashboard, String> {
    let wire: Wire =
        serde_json::from_value(value).map_err(|e| format!("Not a Sightline dashboard: {e}."))?;
    if wire.sightline != KIND {
        return Err(format!(
            "\"sightline\" is \"{}\", not \"{KIND}\".",
            wire.sightline
        ));
    }
    if wire.version != 1 {
        return Err(format!(
            "Dashboard version {} is not supported (this build reads version 1).",
            wire.version
        ));
    }
    let mut panels = Vec::with_capacity(wire.panels.len());
    for (i, p) in wire.panels.into_iter().enumerate() {
        let style = if p.style.is_empty() {
            ChartStyle::Lines
        } else {
            ChartStyle::parse(&p.style).ok_or_else(|| {
                format!("{}: unknown style '{}'.", panel_name(i, &p.title), p.style)
            })?
        };
        let unit = if p.unit.is_empty() {
            None
        } else {
            Some(Unit::parse(&p.unit).map_err(|e| format!("{}: {e}", panel_name(i, &p.title)))?)
        };
        panels.push(PanelDef {
            title: p.title,
            query: p.query,
            style,
            unit,
        });
    }
    Ok(Dashboard {
        title: wire.title,
        panels,
    })
}

/// The dashboard shown on the demo source when the URL carries none.
pub fn demo() -> Dashboard {
    let p = |title: &str, query: &str, style: ChartStyle, unit: Option<Unit>| PanelDef {
        title: title.into(),
        query: query.into(),
        style,
        unit,
    };
    Dashboard {
        title: "Demo shop: service overview".into(),
        panels: vec![
            p("Requests by service", "sum by (service) (rate(http_requests_total[5m]))", ChartStyle::Lines, None),
            p(
                "Error ratio (5xx) by service",
                "sum by (service) (rate(http_requests_total{status=~\"5..\"}[5m])) / sum by (service) (rate(http_requests_total[5m]))",
                ChartStyle::Lines,
                Some(Unit::PercentUnit),
            ),
            p(
                "p95 latency by service",
                "histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))",
                ChartStyle::Lines,
                Some(Unit::Seconds),
            ),
            p("Latency buckets (all services)", "sum by (le) (rate(http_request_duration_seconds_bucket[5m]))", ChartStyle::Heatmap, None),
            p("Orders by payment method", "sum by (payment_method) (rate(orders_total[5m]))", ChartStyle::Stacked, None),
            p("Resident memory", "process_resident_memory_bytes", ChartStyle::Stat, Some(Unit::Bytes)),
        ],
    }
}

#[cfg(test)]
mod tests;
