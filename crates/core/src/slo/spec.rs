//! User SLO definitions: [`SloSpec`] holds what the user typed (texts, so `99.9` stays `99.9`),
//! serialises as the JSON storage form, and [`SloSpec::validate`] turns it into a checked
//! [`SloDefinition`] — or into every problem at once, one [`FieldError`] per field, so a form can
//! show each message next to its field.
//!
//! Choices where OpenSLO, Sloth and Pyrra are silent or differ (stated in the UI too):
//! - SLI kinds: a ratio of good **or** bad events to valid events from counter selectors; latency
//!   from a histogram's `_bucket` selector and a threshold in seconds (good = the `le` bucket at
//!   the threshold, valid = the `+Inf` bucket). Sightline applies `increase()`/`sum()` itself, so
//!   the user gives selectors, not expressions.
//! - Windows: rolling (a Prometheus duration) or calendar (`1d`, `1w`, `1M`, `1Q`, `1Y`) with a
//!   time zone: `UTC`, a fixed offset (`+02:00`) or an IANA name (`Europe/Berlin`), whose
//!   daylight-saving changes are followed through [`super::zone::ZoneRules`] (the app asks the
//!   browser's `Intl`, which also tells whether the name exists); [`SloDefinition::zone_note`]
//!   says which zone is used.
//! - Alerting: a preset (Google SRE workbook 30 d, Sloth 28 d, Pyrra scaled to the window) or
//!   custom tiers (factor, long and short windows, `for`).
//! - `id`: OpenSLO's `metadata.name` rule (DNS-1123 label: lowercase letters, digits and `-`,
//!   at most 63, starting and ending alphanumeric); [`slugify`] makes one from a display name.

use std::fmt;

use chrono::FixedOffset;
use promql_parser::parser::VectorSelector;
use serde::{Deserialize, Serialize};

use super::alerts::{google_sre_workbook, pyrra, sloth_28d, AlertPreset, Severity, Tier};
use super::budget::BudgetingMethod;
use super::events::Counted;
use super::objective::{Objective, Ratio, SliceTarget};
use super::selector::{has_matcher, le_text, metric_name, parse_selector, with_equal, without};
use super::trace_sli::SpanGood;
use super::window::{CalendarPeriod, SloWindow};
use crate::time::{format_prom_duration, parse_prom_duration};

const DAY_MS: i64 = 86_400_000;

/// One SLO as the user wrote it (the JSON storage form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SloSpec {
    /// Stable identifier (DNS-1123 label, as OpenSLO `metadata.name`).
    pub id: String,
    /// Display name.
    pub name: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub description: String,
    pub sli: SliSpec,
    /// As typed: `99.9`, `99.95%` or `0.999`.
    pub objective: String,
    pub window: WindowSpec,
    #[serde(default)]
    pub budgeting: BudgetingSpec,
    #[serde(default)]
    pub alerting: AlertingSpec,
}

/// Whether the event selector counts good or bad events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedSpec {
    Good,
    Bad,
}

/// What the SLI counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SliSpec {
    /// `events` (good or bad per `counted`) over `total`, both counter selectors.
    Ratio {
        counted: CountedSpec,
        events: String,
        total: String,
    },
    /// Requests at or under `threshold` seconds, from the histogram's `_bucket` selector (without
    /// an `le` matcher).
    Latency { buckets: String, threshold: String },
    /// Spans of `service` (and `operation`, empty = any) in the traces a search returns: good when
    /// at most `threshold` seconds long (`good: latency`) or not an error (`good: not_error`).
    Traces {
        service: String,
        #[serde(default)]
        operation: String,
        good: TraceGoodSpec,
        #[serde(default)]
        threshold: String,
        /// The trace source searched, by name; empty = the SLO page's source.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        source: String,
    },
    /// Log lines a LogQL log query selects (`selector`); bad when they also pass the pipeline
    /// `bad` (`| level="error"`), counted by the log source ([`super::log_sli`]).
    Logs {
        selector: String,
        bad: String,
        /// The log source counted, by name; empty = the SLO page's source.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        source: String,
    },
}

impl SliSpec {
    /// The data source this SLI reads, by name, when it is not the SLO page's source.
    pub fn source_name(&self) -> Option<&str> {
        match self {
            SliSpec::Traces { source, .. } | SliSpec::Logs { source, .. } => {
                Some(source.trim()).filter(|s| !s.is_empty())
            }
            SliSpec::Ratio { .. } | SliSpec::Latency { .. } => None,
        }
    }
}

/// Which spans of a trace SLI are good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceGoodSpec {
    /// At most the threshold long.
    Latency,
    /// Not marked as an error.
    NotError,
}

/// The SLO window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowSpec {
    /// A Prometheus duration: `30d`, `4w`, `24h`.
    Rolling { duration: String },
    /// `1d`, `1w`, `1M`, `1Q` or `1Y` in `time_zone` (`UTC`, `+02:00`, or an IANA name).
    Calendar { period: String, time_zone: String },
}

/// OpenSLO `budgetingMethod`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum BudgetingSpec {
    #[default]
    Occurrences,
    /// `slice` a duration, `slice_target` the per-slice target (`0.95`).
    Timeslices {
        slice: String,
        slice_target: String,
    },
    RatioTimeslices {
        slice: String,
    },
}

/// Which alert preset, or custom tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertingSpec {
    Preset { preset: PresetName },
    Custom { tiers: Vec<TierSpec> },
}

impl Default for AlertingSpec {
    fn default() -> Self {
        AlertingSpec::Preset {
            preset: PresetName::GoogleSre,
        }
    }
}

/// The shipped presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PresetName {
    #[serde(rename = "google_sre")]
    GoogleSre,
    #[serde(rename = "sloth_28d")]
    Sloth28d,
    #[serde(rename = "pyrra")]
    Pyrra,
}

impl PresetName {
    /// Every preset, in menu order.
    pub const ALL: [PresetName; 3] = [
        PresetName::GoogleSre,
        PresetName::Sloth28d,
        PresetName::Pyrra,
    ];

    /// The storage key (`google_sre`).
    pub fn key(self) -> &'static str {
        match self {
            PresetName::GoogleSre => "google_sre",
            PresetName::Sloth28d => "sloth_28d",
            PresetName::Pyrra => "pyrra",
        }
    }

    /// Reads a storage key.
    pub fn from_key(key: &str) -> Option<PresetName> {
        PresetName::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            PresetName::GoogleSre => {
                "Google SRE workbook (30 d): 14.4× 1h/5m, 6× 6h/30m, 3× 1d/2h, 1× 3d/6h"
            }
            PresetName::Sloth28d => {
                "Sloth (28 d): 13.44× 1h/5m, 5.6× 6h/30m, 2.8× 1d/2h, 0.933× 3d/6h"
            }
            PresetName::Pyrra => {
                "Pyrra: 14×, 7×, 2×, 1× with windows scaled from the SLO window, with for:"
            }
        }
    }
}

/// One custom alert tier, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierSpec {
    pub name: String,
    pub severity: SeveritySpec,
    /// Burn-rate factor (`14.4`).
    pub factor: String,
    /// Long window (`1h`).
    pub long: String,
    /// Short window (`5m`).
    pub short: String,
    /// `for:` duration, empty for none.
    #[serde(default, rename = "for")]
    pub for_: String,
}

/// Tier severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeveritySpec {
    Page,
    Ticket,
}

impl From<SeveritySpec> for Severity {
    fn from(s: SeveritySpec) -> Severity {
        match s {
            SeveritySpec::Page => Severity::Page,
            SeveritySpec::Ticket => Severity::Ticket,
        }
    }
}

/// A problem with one field. `field` is a path (`objective`, `sli.total`, `alerting.tiers[1].long`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The time zone calendar periods are computed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
    /// An IANA zone name (`Europe/Berlin`); its offsets come from a [`super::zone::ZoneRules`].
    Named(String),
}

/// A checked SLI.
#[derive(Debug, Clone, PartialEq)]
pub enum SliDef {
    Ratio {
        counted: Counted,
        events: String,
        total: String,
    },
    /// `good` selects the bucket at the threshold, `total` the `+Inf` bucket, `buckets` all of them.
    Latency {
        threshold_le: f64,
        buckets: String,
        good: String,
        total: String,
    },
    /// Spans from a trace source ([`super::trace_sli`]); no Prometheus selectors.
    Traces {
        service: String,
        operation: String,
        good: SpanGood,
    },
    /// Lines from a log source ([`super::log_sli`]): `selector` the valid lines, `selector bad`
    /// the bad ones; no Prometheus selectors.
    Logs { selector: String, bad: String },
}

impl SliDef {
    /// (events, total) selectors; for latency (the threshold bucket, the `+Inf` bucket); `None`
    /// for an SLI from traces, which has no series.
    pub fn metric_selectors(&self) -> Option<(&str, &str)> {
        match self {
            SliDef::Ratio { events, total, .. } => Some((events, total)),
            SliDef::Latency { good, total, .. } => Some((good, total)),
            SliDef::Traces { .. } | SliDef::Logs { .. } => None,
        }
    }

    /// Why Prometheus rules and the OpenSLO/Sloth formats cannot carry this SLI, if they cannot.
    pub fn not_expressible(&self) -> Option<&'static str> {
        match self {
            SliDef::Traces { .. } => Some(
                "an SLI from trace spans is not expressible as Prometheus series (spans are not metrics), so no rules or OpenSLO/Sloth metric queries can carry it",
            ),
            SliDef::Logs { .. } => Some(
                "an SLI from log lines is counted by LogQL, not by Prometheus series, so no Prometheus rules or OpenSLO/Sloth metric queries can carry it",
            ),
            SliDef::Ratio { .. } | SliDef::Latency { .. } => None,
        }
    }

    /// Whether the first selector counts good or bad events.
    pub fn counted(&self) -> Counted {
        match self {
            SliDef::Ratio { counted, .. } => *counted,
            SliDef::Latency { .. } | SliDef::Traces { .. } => Counted::Good,
            SliDef::Logs { .. } => Counted::Bad,
        }
    }

    /// One line saying what is counted.
    pub fn describe(&self) -> String {
        match self {
            SliDef::Ratio {
                counted: Counted::Bad,
                events,
                total,
            } => format!("ratio SLI; bad events: {events}; valid events: {total}"),
            SliDef::Ratio {
                counted: Counted::Good,
                events,
                total,
            } => format!("ratio SLI; good events: {events}; valid events: {total}"),
            SliDef::Latency {
                threshold_le,
                good,
                total,
                ..
            } => {
                format!("latency SLI: good = requests ≤ {threshold_le} s ({good}); valid = all requests ({total})")
            }
            SliDef::Traces {
                service,
                operation,
                good,
            } => {
                let spans = if operation.is_empty() {
                    format!("spans of {service}")
                } else {
                    format!("spans of {service} / {operation}")
                };
                let good = match good {
                    SpanGood::Within { threshold_ns } => {
                        format!("at most {} s long", *threshold_ns as f64 / 1e9)
                    }
                    SpanGood::NotError => "not an error".to_string(),
                };
                format!("trace SLI: valid = {spans} in the fetched traces; good = those {good}")
            }
            SliDef::Logs { selector, bad } => {
                format!("log SLI: valid = the lines of {selector}; bad = those of them passing {bad}")
            }
        }
    }
}

/// A validated SLO: the spec plus its parsed parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SloDefinition {
    pub spec: SloSpec,
    pub objective: Objective,
    pub window: SloWindow,
    pub zone: Zone,
    pub sli: SliDef,
    pub method: BudgetingMethod,
    pub alerts: AlertPreset,
}

impl SloDefinition {
    /// The nominal period in ms: the rolling duration, or for a calendar window 1 d, 7 d, 30 d,
    /// 90 d or 365 d (used for alert presets and exported rules; the budget itself uses the
    /// actual length of the calendar period).
    pub fn nominal_period_ms(&self) -> i64 {
        nominal_period_ms(self.window)
    }

    /// The Prometheus selectors an export writes, or the note it writes instead of this SLO
    /// (`<id>: not exported: …`).
    pub fn export_selectors(&self) -> Result<(&str, &str), String> {
        match (self.sli.metric_selectors(), self.sli.not_expressible()) {
            (Some(s), None) => Ok(s),
            (_, why) => Err(format!(
                "{}: not exported: {}",
                self.spec.id,
                why.unwrap_or("it has no Prometheus selectors")
            )),
        }
    }

    /// For calendar windows, which zone is used, in words; `None` for rolling windows.
    pub fn zone_note(&self) -> Option<String> {
        if matches!(self.window, SloWindow::Rolling { .. }) {
            return None;
        }
        Some(match &self.zone {
            Zone::Utc => "calendar periods are computed in UTC".to_string(),
            Zone::Fixed(o) => format!("calendar periods are computed at the fixed offset UTC{o} (no daylight-saving changes)"),
            Zone::Named(name) => format!(
                "calendar periods are computed in the time zone {name}, daylight-saving changes included (offsets from the browser's time-zone data)"
            ),
        })
    }
}

/// See [`SloDefinition::nominal_period_ms`].
pub fn nominal_period_ms(window: SloWindow) -> i64 {
    match window {
        SloWindow::Rolling { duration_ms } => duration_ms,
        SloWindow::Calendar(p) => {
            DAY_MS
                * match p {
                    CalendarPeriod::Day => 1,
                    CalendarPeriod::Week => 7,
                    CalendarPeriod::Month => 30,
                    CalendarPeriod::Quarter => 90,
                    CalendarPeriod::Year => 365,
                }
        }
    }
}

/// A DNS-1123 label from a display name: lowercase, runs of other characters become `-`, at most
/// 63 characters; `slo` when nothing is left.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "slo".to_string()
    } else {
        out
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ends_ok = id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric());
    if id.is_empty() {
        Err("an id is required (lowercase letters, digits and -)".to_string())
    } else if id.len() > 63 || !ok_chars || !ends_ok {
        Err(format!("{id:?} is not a valid id: use at most 63 lowercase letters, digits and -, starting and ending with a letter or digit"))
    } else {
        Ok(())
    }
}

/// Parses a time zone: `UTC`/`Etc/UTC`/`GMT`/`Z`, a fixed offset (`+02:00`, `-0530`, `UTC+2`),
/// or an IANA-style name (`Europe/Berlin`: ASCII letters, digits, `/ _ - +`); whether the name
/// exists is for the [`super::zone::ZoneRules`] to say.
pub fn parse_zone(text: &str) -> Result<Zone, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(
            "a time zone is required for a calendar window (UTC, +02:00, or a zone name)"
                .to_string(),
        );
    }
    if matches!(
        t,
        "UTC" | "utc" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Z" | "UTC+0" | "+00:00"
    ) {
        return Ok(Zone::Utc);
    }
    let off = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    if let Some(sign) = off.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = off.get(1..).unwrap_or("");
        let (h, m) = match body.split_once(':') {
            Some((h, m)) => (h, m),
            None if body.len() == 4 => (body.get(..2).unwrap_or(""), body.get(2..).unwrap_or("")),
            None => (body, "0"),
        };
        let parsed = (h.parse::<i32>(), m.parse::<i32>());
        if let (Ok(h), Ok(m)) = parsed {
            if (0..=14).contains(&h) && (0..60).contains(&m) && h.to_string().len() <= 2 {
                let secs = (h * 3600 + m * 60) * if sign == '-' { -1 } else { 1 };
                if let Some(o) = FixedOffset::east_opt(secs) {
                    return Ok(if secs == 0 { Zone::Utc } else { Zone::Fixed(o) });
                }
            }
        }
        return Err(format!("{t:?} is not an offset such as +02:00 or -05:30"));
    }
    let name_chars = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !name_chars || !t.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!(
            "{t:?} is not a time zone name such as Europe/Berlin (or UTC, or an offset such as +02:00)"
        ));
    }
    Ok(Zone::Named(t.to_string()))
}

fn duration_ms(text: &str) -> Result<i64, String> {
    let ms = parse_prom_duration(text).map_err(|e| e.to_string())?;
    if ms == 0 {
        return Err("must be longer than 0".to_string());
    }
    i64::try_from(ms).map_err(|_| "too long".to_string())
}

fn ratio_of_decimal(text: &str) -> Result<Ratio, String> {
    // A factor is a positive decimal; Objective's parser gives exact digits for values below 1,
    // so scale: parse "a.b" as digits / 10^k directly.
    let t = text.trim();
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    if t.is_empty()
        || !i.bytes().all(|b| b.is_ascii_digit())
        || !f.bytes().all(|b| b.is_ascii_digit())
        || (i.is_empty() && f.is_empty())
    {
        return Err(format!("{t:?} is not a positive decimal such as 14.4"));
    }
    if i.len() + f.len() > 18 {
        return Err(format!("{t:?} has too many digits"));
    }
    let digits: u64 = format!("{i}{f}")
        .parse()
        .map_err(|_| format!("{t:?} is not a number"))?;
    let den = 10u64
        .checked_pow(u32::try_from(f.len()).unwrap_or(u32::MAX))
        .ok_or_else(|| format!("{t:?} has too many decimals"))?;
    let r = Ratio::new(digits, den).ok_or_else(|| format!("{t:?} is not a number"))?;
    if r == Ratio::ZERO {
        return Err("must be above 0".to_string());
    }
    Ok(r)
}

impl SloSpec {
    /// Checks every field; all problems at once.
    pub fn validate(&self) -> Result<SloDefinition, Vec<FieldError>> {
        let mut errs: Vec<FieldError> = Vec::new();
        let mut err = |field: &str, message: String| {
            errs.push(FieldError {
                field: field.to_string(),
                message,
            })
        };
        if let Err(e) = check_id(&self.id) {
            err("id", e);
        }
        if self.name.trim().is_empty() {
            err("name", "a name is required".to_string());
        }
        let objective = Objective::parse(&self.objective)
            .map_err(|e| err("objective", e.to_string()))
            .ok();
        let sli = self.validate_sli(&mut err);
        let (window, zone) = match &self.window {
            WindowSpec::Rolling { duration } => (
                SloWindow::parse_rolling(duration)
                    .map_err(|e| err("window.duration", e.to_string()))
                    .ok(),
                Some(Zone::Utc),
            ),
            WindowSpec::Calendar { period, time_zone } => (
                SloWindow::parse_calendar(period)
                    .map_err(|e| err("window.period", e.to_string()))
                    .ok(),
                parse_zone(time_zone)
                    .map_err(|e| err("window.time_zone", e))
                    .ok(),
            ),
        };
        let method = match &self.budgeting {
            BudgetingSpec::Occurrences => Some(BudgetingMethod::Occurrences),
            BudgetingSpec::Timeslices {
                slice,
                slice_target,
            } => {
                let s = duration_ms(slice)
                    .map_err(|e| err("budgeting.slice", format!("time slice {slice:?}: {e}")))
                    .ok();
                let t = SliceTarget::parse(slice_target)
                    .map_err(|e| err("budgeting.slice_target", e.to_string()))
                    .ok();
                s.zip(t)
                    .map(|(slice_ms, target)| BudgetingMethod::Timeslices { slice_ms, target })
            }
            BudgetingSpec::RatioTimeslices { slice } => duration_ms(slice)
                .map_err(|e| err("budgeting.slice", format!("time slice {slice:?}: {e}")))
                .ok()
                .map(|slice_ms| BudgetingMethod::RatioTimeslices { slice_ms }),
        };
        let alerts = window.and_then(|w| self.validate_alerts(nominal_period_ms(w), &mut err));
        match (objective, sli, window, zone, method, alerts) {
            (Some(objective), Some(sli), Some(window), Some(zone), Some(method), Some(alerts))
                if errs.is_empty() =>
            {
                Ok(SloDefinition {
                    spec: self.clone(),
                    objective,
                    window,
                    zone,
                    sli,
                    method,
                    alerts,
                })
            }
            _ => Err(errs),
        }
    }

    fn validate_sli(&self, err: &mut impl FnMut(&str, String)) -> Option<SliDef> {
        match &self.sli {
            SliSpec::Ratio {
                counted,
                events,
                total,
            } => {
                let ev = parse_selector(events)
                    .map_err(|e| err("sli.events", e))
                    .ok();
                let tot = parse_selector(total).map_err(|e| err("sli.total", e)).ok();
                let counted = match counted {
                    CountedSpec::Good => Counted::Good,
                    CountedSpec::Bad => Counted::Bad,
                };
                Some(SliDef::Ratio {
                    counted,
                    events: ev?.to_string(),
                    total: tot?.to_string(),
                })
            }
            SliSpec::Latency { buckets, threshold } => {
                let vs = parse_selector(buckets)
                    .map_err(|e| err("sli.buckets", e))
                    .ok();
                let vs = vs.and_then(|vs| {
                    if !metric_name(&vs).is_some_and(|n| n.ends_with("_bucket")) {
                        err("sli.buckets", "select the histogram's _bucket series (a metric name ending in _bucket)".to_string());
                        None
                    } else if has_matcher(&vs, "le") {
                        err("sli.buckets", "leave out the le matcher: the threshold chooses the bucket".to_string());
                        None
                    } else {
                        Some(vs)
                    }
                });
                let th = threshold
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|t| t.is_finite() && *t > 0.0);
                if th.is_none() {
                    err(
                        "sli.threshold",
                        format!("{threshold:?} is not a positive number of seconds such as 0.25"),
                    );
                }
                let (vs, th) = (vs?, th?);
                Some(SliDef::Latency {
                    threshold_le: th,
                    buckets: vs.to_string(),
                    good: with_equal(&vs, "le", &le_text(th)).to_string(),
                    total: with_equal(&vs, "le", "+Inf").to_string(),
                })
            }
            SliSpec::Traces {
                service,
                operation,
                good,
                threshold,
                ..
            } => {
                let service = service.trim();
                if service.is_empty() {
                    err("sli.service", "a service name is required".to_string());
                }
                let good = match good {
                    TraceGoodSpec::NotError => Some(SpanGood::NotError),
                    TraceGoodSpec::Latency => threshold
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|t| t.is_finite() && *t > 0.0 && *t < 1e6)
                        .map(|t| SpanGood::Within {
                            threshold_ns: (t * 1e9).round() as u64,
                        })
                        .or_else(|| {
                            err(
                                "sli.threshold",
                                format!("{threshold:?} is not a positive number of seconds such as 0.2"),
                            );
                            None
                        }),
                };
                if service.is_empty() {
                    return None;
                }
                Some(SliDef::Traces {
                    service: service.to_string(),
                    operation: operation.trim().to_string(),
                    good: good?,
                })
            }
            SliSpec::Logs { selector, bad, .. } => {
                let (selector, bad) = (selector.trim(), bad.trim());
                let sel_ok = selector.starts_with('{') && selector.contains('}');
                if !sel_ok {
                    err("sli.selector", format!("{selector:?} is not a LogQL log query: start with a stream selector such as {{service_name=\"payments\"}}"));
                }
                let bad_ok = bad.starts_with('|') || bad.starts_with("!=") || bad.starts_with("!~");
                if !bad_ok {
                    err("sli.bad", format!("{bad:?} is not a LogQL pipeline: start with a stage such as | level=\"error\" or |= \"failed\""));
                }
                (sel_ok && bad_ok).then(|| SliDef::Logs { selector: selector.to_string(), bad: bad.to_string() })
            }
        }
    }

    fn validate_alerts(
        &self,
        period_ms: i64,
        err: &mut impl FnMut(&str, String),
    ) -> Option<AlertPreset> {
        match &self.alerting {
            AlertingSpec::Preset {
                preset: PresetName::GoogleSre,
            } => Some(google_sre_workbook()),
            AlertingSpec::Preset {
                preset: PresetName::Sloth28d,
            } => Some(sloth_28d()),
            AlertingSpec::Preset {
                preset: PresetName::Pyrra,
            } => pyrra(period_ms)
                .map_err(|e| err("alerting.preset", e.to_string()))
                .ok(),
            AlertingSpec::Custom { tiers } => {
                if tiers.is_empty() {
                    err(
                        "alerting.tiers",
                        "add at least one tier, or choose a preset".to_string(),
                    );
                    return None;
                }
                let mut out = Vec::new();
                for (i, t) in tiers.iter().enumerate() {
                    let f = |k: &str| format!("alerting.tiers[{i}].{k}");
                    let factor = ratio_of_decimal(&t.factor)
                        .map_err(|e| err(&f("factor"), e))
                        .ok();
                    let long = duration_ms(&t.long)
                        .map_err(|e| err(&f("long"), format!("long window {:?}: {e}", t.long)))
                        .ok();
                    let short = duration_ms(&t.short)
                        .map_err(|e| err(&f("short"), format!("short window {:?}: {e}", t.short)))
                        .ok();
                    let for_ms = if t.for_.trim().is_empty() {
                        Some(0)
                    } else {
                        parse_prom_duration(&t.for_)
                            .map_err(|e| err(&f("for"), e.to_string()))
                            .ok()
                            .and_then(|v| i64::try_from(v).ok())
                    };
                    if t.name.trim().is_empty() {
                        err(&f("name"), "a tier name is required".to_string());
                    }
                    if let (Some(factor), Some(long), Some(short), Some(for_ms)) =
                        (factor, long, short, for_ms)
                    {
                        match Tier::from_factor(
                            t.name.trim(),
                            t.severity.into(),
                            factor,
                            long,
                            short,
                            for_ms,
                        ) {
                            Ok(tier) => out.push(tier),
                            Err(e) => err(&f("short"), e.to_string()),
                        }
                    }
                }
                (out.len() == tiers.len()).then(|| super::alerts::custom("custom", out))
            }
        }
    }
}

impl SliSpec {
    /// The SLI of imported selectors: a latency SLI when the good events are a `_bucket` series
    /// with `le="T"` and the valid events the same histogram's `+Inf` bucket or `_count` (same
    /// other matchers), a ratio otherwise. This is how latency SLIs round-trip through OpenSLO
    /// and Sloth, which have no latency kind of their own.
    pub fn from_selectors(
        counted: CountedSpec,
        events: &VectorSelector,
        total: &VectorSelector,
    ) -> SliSpec {
        if counted == CountedSpec::Good {
            if let Some(latency) = latency_of(events, total) {
                return latency;
            }
        }
        SliSpec::Ratio {
            counted,
            events: events.to_string(),
            total: total.to_string(),
        }
    }
}

fn latency_of(good: &VectorSelector, total: &VectorSelector) -> Option<SliSpec> {
    let good_name = metric_name(good)?;
    let base = good_name.strip_suffix("_bucket")?;
    let (buckets, le) = without(good, "le");
    let threshold = le?
        .parse::<f64>()
        .ok()
        .filter(|t| t.is_finite() && *t > 0.0)?;
    let (total_rest, total_le) = without(total, "le");
    let total_name = metric_name(total)?;
    let same_histogram = if total_name == good_name {
        total_le.as_deref() == Some("+Inf") && total_rest.to_string() == buckets.to_string()
    } else {
        total_name == format!("{base}_count") && total_le.is_none() && {
            let mut renamed = total_rest.clone();
            renamed.name = Some(good_name.to_string());
            renamed.to_string() == buckets.to_string()
        }
    };
    same_histogram.then(|| SliSpec::Latency {
        buckets: buckets.to_string(),
        threshold: le_text(threshold),
    })
}

impl WindowSpec {
    /// `rolling 30d` / `calendar 1M (UTC)`.
    pub fn describe(&self) -> String {
        match self {
            WindowSpec::Rolling { duration } => format!("rolling {duration}"),
            WindowSpec::Calendar { period, time_zone } => {
                format!("calendar {period} ({time_zone})")
            }
        }
    }
}

/// Custom tiers as the form edits them, one per line: `name; page|ticket; factor; long; short`
/// with an optional `; for`. Blank lines are skipped; a malformed line is an error naming it.
pub fn tiers_from_lines(text: &str) -> Result<Vec<TierSpec>, FieldError> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        let bad = |m: &str| FieldError {
            field: "alerting.tiers".to_string(),
            message: format!("line {}: {m}", i + 1),
        };
        if !(5..=6).contains(&parts.len()) {
            return Err(bad(
                "write name; page or ticket; factor; long window; short window (; for)",
            ));
        }
        let severity = match parts.get(1).copied() {
            Some("page") => SeveritySpec::Page,
            Some("ticket") => SeveritySpec::Ticket,
            _ => return Err(bad("the severity must be page or ticket")),
        };
        let get = |k: usize| parts.get(k).copied().unwrap_or_default().to_string();
        out.push(TierSpec {
            name: get(0),
            severity,
            factor: get(2),
            long: get(3),
            short: get(4),
            for_: get(5),
        });
    }
    Ok(out)
}

/// The inverse of [`tiers_from_lines`].
pub fn tiers_to_lines(tiers: &[TierSpec]) -> String {
    tiers
        .iter()
        .map(|t| {
            let sev = if t.severity == SeveritySpec::Page {
                "page"
            } else {
                "ticket"
            };
            let mut line = format!("{}; {sev}; {}; {}; {}", t.name, t.factor, t.long, t.short);
            if !t.for_.trim().is_empty() {
                line.push_str(&format!("; {}", t.for_));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `30d` for a rolling window's duration in ms.
pub fn duration_text(ms: i64) -> String {
    format_prom_duration(ms.max(0) as u64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Asserts that two definitions mean the same SLO (texts may differ in form: `99.9` vs
    /// `0.999`, matcher order).
    pub(crate) fn assert_same(a: &SloDefinition, b: &SloDefinition) {
        assert_eq!(
            (
                &a.spec.id,
                &a.spec.name,
                &a.spec.service,
                &a.spec.description
            ),
            (
                &b.spec.id,
                &b.spec.name,
                &b.spec.service,
                &b.spec.description
            )
        );
        assert_eq!(a.objective, b.objective);
        assert_eq!(a.window, b.window);
        assert_eq!(a.zone, b.zone);
        assert_eq!(a.sli, b.sli);
        assert_eq!(a.method, b.method);
        assert_eq!(a.alerts, b.alerts);
    }

    /// A good-events ratio SLI.
    pub(crate) fn good_ratio_sli() -> SliSpec {
        SliSpec::Ratio {
            counted: CountedSpec::Good,
            events: r#"x_total{code!~"5.."}"#.into(),
            total: "x_total".into(),
        }
    }

    pub(crate) fn ratio_spec() -> SloSpec {
        SloSpec {
            id: "payments-availability".into(),
            name: "Payments availability".into(),
            service: "payments".into(),
            description: "No 5xx".into(),
            sli: SliSpec::Ratio {
                counted: CountedSpec::Bad,
                events: r#"http_requests_total{service="payments",status=~"5.."}"#.into(),
                total: r#"http_requests_total{service="payments"}"#.into(),
            },
            objective: "99.95".into(),
            window: WindowSpec::Rolling {
                duration: "30d".into(),
            },
            budgeting: BudgetingSpec::Occurrences,
            alerting: AlertingSpec::default(),
        }
    }

    #[test]
    fn trace_slis_validate_round_trip_and_stay_out_of_exports() {
        let mut s = ratio_spec();
        s.sli = SliSpec::Traces {
            service: " payments ".into(),
            operation: "POST /charge".into(),
            good: TraceGoodSpec::Latency,
            threshold: "0.2".into(),
            source: String::new(),
        };
        let d = s.validate().unwrap();
        assert_eq!(
            d.sli,
            SliDef::Traces {
                service: "payments".into(),
                operation: "POST /charge".into(),
                good: SpanGood::Within {
                    threshold_ns: 200_000_000
                }
            }
        );
        assert!(d.sli.describe().contains("at most 0.2 s long"), "{}", d.sli.describe());
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""kind":"traces""#) && json.contains(r#""good":"latency""#), "{json}");
        assert_eq!(serde_json::from_str::<SloSpec>(&json).unwrap(), s);
        let note = d.export_selectors().unwrap_err();
        assert!(note.starts_with("payments-availability: not exported: an SLI from trace spans"), "{note}");
        for text in [
            super::super::openslo::export(std::slice::from_ref(&d)),
            super::super::sloth::export(std::slice::from_ref(&d)),
            super::super::rules::rules_yaml(std::slice::from_ref(&d)),
        ] {
            assert!(text.contains("not expressible as Prometheus series"), "{text}");
            assert!(!text.contains("payments-availability-sli") && !text.contains("sightline-slo-payments"), "{text}");
        }

        s.sli = SliSpec::Traces {
            service: "".into(),
            operation: String::new(),
            good: TraceGoodSpec::Latency,
            threshold: "fast".into(),
            source: String::new(),
        };
        let fields: Vec<String> = s.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["sli.service", "sli.threshold"]);
    }

    #[test]
    fn log_slis_validate_round_trip_name_their_source_and_stay_out_of_exports() {
        let mut s = ratio_spec();
        s.sli = SliSpec::Logs {
            selector: r#" {service_name="payments"} "#.into(),
            bad: r#"| level="error""#.into(),
            source: " loki-prod ".into(),
        };
        let d = s.validate().unwrap();
        assert_eq!(
            d.sli,
            SliDef::Logs { selector: r#"{service_name="payments"}"#.into(), bad: r#"| level="error""#.into() }
        );
        assert_eq!(d.sli.counted(), Counted::Bad);
        assert_eq!(s.sli.source_name(), Some("loki-prod"));
        assert!(d.sli.describe().starts_with("log SLI: valid = the lines of {service_name"), "{}", d.sli.describe());
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""kind":"logs""#) && json.contains(r#""source":" loki-prod ""#), "{json}");
        assert_eq!(serde_json::from_str::<SloSpec>(&json).unwrap(), s);
        let note = d.export_selectors().unwrap_err();
        assert!(note.contains("not exported: an SLI from log lines is counted by LogQL"), "{note}");
        for text in [
            super::super::openslo::export(std::slice::from_ref(&d)),
            super::super::rules::rules_yaml(std::slice::from_ref(&d)),
        ] {
            assert!(text.contains("counted by LogQL"), "{text}");
        }

        s.sli = SliSpec::Logs { selector: "rate(x[5m])".into(), bad: "level=error".into(), source: String::new() };
        assert_eq!(s.sli.source_name(), None);
        let fields: Vec<String> = s.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["sli.selector", "sli.bad"]);
    }

    #[test]
    fn a_valid_ratio_spec_validates_with_exact_budget() {
        let d = ratio_spec().validate().unwrap();
        assert_eq!(d.objective.budget().to_decimal_string(18), "0.0005");
        assert_eq!(
            d.window,
            SloWindow::Rolling {
                duration_ms: 30 * DAY_MS
            }
        );
        assert_eq!(d.alerts.tiers.len(), 4);
        assert!(d.zone_note().is_none());
        assert!(matches!(
            d.sli,
            SliDef::Ratio {
                counted: Counted::Bad,
                ..
            }
        ));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut s = ratio_spec();
        s.id = "Bad Id".into();
        s.name = " ".into();
        s.objective = "100".into();
        s.sli = SliSpec::Ratio {
            counted: CountedSpec::Good,
            events: "rate(x[5m])".into(),
            total: "".into(),
        };
        s.window = WindowSpec::Rolling {
            duration: "0d".into(),
        };
        let errs = s.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "name",
                "objective",
                "sli.events",
                "sli.total",
                "window.duration"
            ],
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.message.contains("below 100 %")),
            "{errs:?}"
        );
    }

    #[test]
    fn latency_specs_derive_the_threshold_and_inf_buckets() {
        let mut s = ratio_spec();
        s.sli = SliSpec::Latency {
            buckets: r#"http_request_duration_seconds_bucket{service="frontend"}"#.into(),
            threshold: "0.25".into(),
        };
        let d = s.validate().unwrap();
        let SliDef::Latency {
            threshold_le,
            good,
            total,
            ..
        } = &d.sli
        else {
            panic!()
        };
        assert_eq!(*threshold_le, 0.25);
        assert!(
            good.contains(r#"le="0.25""#) && good.contains(r#"service="frontend""#),
            "{good}"
        );
        assert!(total.contains(r#"le="+Inf""#), "{total}");
        s.sli = SliSpec::Latency {
            buckets: "x_count".into(),
            threshold: "-1".into(),
        };
        let errs = s.validate().unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        s.sli = SliSpec::Latency {
            buckets: r#"x_bucket{le="1"}"#.into(),
            threshold: "1".into(),
        };
        assert!(s.validate().unwrap_err()[0].message.contains("le matcher"));
    }

    #[test]
    fn calendar_zones_are_fixed_offsets_or_named() {
        let mut s = ratio_spec();
        s.window = WindowSpec::Calendar {
            period: "1M".into(),
            time_zone: "+02:00".into(),
        };
        let d = s.validate().unwrap();
        assert_eq!(d.zone, Zone::Fixed(FixedOffset::east_opt(7200).unwrap()));
        assert_eq!(d.nominal_period_ms(), 30 * DAY_MS);
        s.window = WindowSpec::Calendar {
            period: "1w".into(),
            time_zone: "Europe/Berlin".into(),
        };
        let d = s.validate().unwrap();
        assert_eq!(d.zone, Zone::Named("Europe/Berlin".into()));
        let note = d.zone_note().unwrap();
        assert!(
            note.contains("computed in the time zone Europe/Berlin, daylight-saving"),
            "{note}"
        );
        assert!(parse_zone("Europe Berlin").is_err());
        assert!(parse_zone("3/Berlin").is_err());
        assert_eq!(
            parse_zone("America/Argentina/Buenos_Aires").unwrap(),
            Zone::Named("America/Argentina/Buenos_Aires".into())
        );
        assert_eq!(
            parse_zone("UTC-05:30").unwrap(),
            Zone::Fixed(FixedOffset::east_opt(-19800).unwrap())
        );
        assert_eq!(
            parse_zone("-0530").unwrap(),
            Zone::Fixed(FixedOffset::east_opt(-19800).unwrap())
        );
        assert!(parse_zone("+25:00").is_err());
        assert!(parse_zone("").is_err());
        assert_eq!(parse_zone("Etc/UTC").unwrap(), Zone::Utc);
    }

    #[test]
    fn custom_tiers_validate_per_field() {
        let mut s = ratio_spec();
        s.alerting = AlertingSpec::Custom {
            tiers: vec![
                TierSpec {
                    name: "fast".into(),
                    severity: SeveritySpec::Page,
                    factor: "14.4".into(),
                    long: "1h".into(),
                    short: "5m".into(),
                    for_: "2m".into(),
                },
                TierSpec {
                    name: "".into(),
                    severity: SeveritySpec::Ticket,
                    factor: "x".into(),
                    long: "1h".into(),
                    short: "2h".into(),
                    for_: "".into(),
                },
            ],
        };
        let errs = s.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["alerting.tiers[1].factor", "alerting.tiers[1].name"],
            "{errs:?}"
        );
        if let AlertingSpec::Custom { tiers } = &mut s.alerting {
            tiers[1] = TierSpec {
                name: "slow".into(),
                severity: SeveritySpec::Ticket,
                factor: "1".into(),
                long: "3d".into(),
                short: "6h".into(),
                for_: "".into(),
            };
        }
        let d = s.validate().unwrap();
        assert_eq!(d.alerts.tiers[0].factor, Ratio::new(72, 5).unwrap());
        assert_eq!(d.alerts.tiers[0].for_ms, 120_000);
        if let AlertingSpec::Custom { tiers } = &mut s.alerting {
            tiers[1].short = "4d".into();
        }
        assert!(s.validate().unwrap_err()[0]
            .message
            .contains("short window"));
    }

    #[test]
    fn timeslices_need_a_slice_and_a_target() {
        let mut s = ratio_spec();
        s.budgeting = BudgetingSpec::Timeslices {
            slice: "5m".into(),
            slice_target: "0.95".into(),
        };
        assert!(matches!(
            s.validate().unwrap().method,
            BudgetingMethod::Timeslices {
                slice_ms: 300_000,
                ..
            }
        ));
        s.budgeting = BudgetingSpec::Timeslices {
            slice: "".into(),
            slice_target: "0".into(),
        };
        assert_eq!(s.validate().unwrap_err().len(), 2);
    }

    #[test]
    fn pyrra_needs_a_day_long_window() {
        let mut s = ratio_spec();
        s.window = WindowSpec::Rolling {
            duration: "1h".into(),
        };
        s.alerting = AlertingSpec::Preset {
            preset: PresetName::Pyrra,
        };
        assert_eq!(s.validate().unwrap_err()[0].field, "alerting.preset");
    }

    #[test]
    fn tier_lines_round_trip_and_name_bad_lines() {
        let text = "fast; page; 14.4; 1h; 5m; 2m\n\nslow; ticket; 1; 3d; 6h";
        let tiers = tiers_from_lines(text).unwrap();
        assert_eq!(tiers.len(), 2);
        assert_eq!(tiers[0].for_, "2m");
        assert_eq!(
            tiers_to_lines(&tiers),
            "fast; page; 14.4; 1h; 5m; 2m\nslow; ticket; 1; 3d; 6h"
        );
        assert!(tiers_from_lines("a; urgent; 1; 1h; 5m")
            .unwrap_err()
            .message
            .contains("line 1"));
        assert!(tiers_from_lines("a; page")
            .unwrap_err()
            .message
            .contains("name; page or ticket"));
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(
            slugify("Payments availability (EU)"),
            "payments-availability-eu"
        );
        assert_eq!(slugify("!!!"), "slo");
        assert!(check_id(&slugify(&"x".repeat(100))).is_ok());
        assert!(check_id("-a").is_err());
    }

    #[test]
    fn json_storage_form_round_trips() {
        let s = ratio_spec();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""objective":"99.95""#), "{json}");
        assert_eq!(serde_json::from_str::<SloSpec>(&json).unwrap(), s);
    }
}
