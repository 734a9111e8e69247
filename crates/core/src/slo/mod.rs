//! Service level objectives: exact objectives, SLI events from counters and histograms, error
//! budgets, burn rates and multiwindow multi-burn-rate alerts (algorithms.md §6).
//!
//! - [`objective`]: objectives as exact decimals (`99.9` → budget exactly `1/1000`) and exact
//!   [`Ratio`]s for budgets, factors and thresholds; `f64` only at the end.
//! - [`window`]: rolling (`28d`) and calendar (month, week … in a time zone) windows resolved at
//!   a `now`.
//! - [`zone`]: named time zones (`Europe/Berlin`) through a small offset trait the app answers
//!   with the browser's `Intl` (no zone database in the bundle), as a `chrono::TimeZone`.
//! - [`events`]: bad and total events on an evaluation grid from counter samples, exact or
//!   Prometheus-compatible, ratio or latency (histogram bucket) SLIs; prefix sums make any window
//!   O(1); data coverage per step.
//! - [`prefix`]: prefix sums of per-step bad/total events; windows in O(1), burn rates of many
//!   windows at the end of the grid.
//! - [`budget`]: the SLI per OpenSLO budgeting method (Occurrences, Timeslices,
//!   RatioTimeslices), budget consumed/remaining, burn rates, time to exhaustion, coverage.
//! - [`catalog`]: the demo source's example SLOs as data (selectors, objective and window texts).
//! - [`alerts`]: MWMBR tiers, presets (Google SRE workbook, Sloth 28 d, Pyrra, custom) with their
//!   derivations, the "would have fired" timeline and status bands.
//! - [`spec`]: user SLO definitions as typed ([`spec::SloSpec`], the JSON storage form) and their
//!   validation into [`spec::SloDefinition`] with per-field errors; [`selector`] checks selectors.
//! - [`openslo`], [`sloth`]: OpenSLO v1 and Sloth `prometheus/v1` YAML import and export
//!   ([`yaml`] is the shared plumbing); [`rules`]: Prometheus recording and alerting rules
//!   ([`slice_rules`] for the time-slice methods);
//!   [`store`]: the versioned storage document, share links and format-detecting import;
//!   [`history`]: the series of an SLO's charts.
//! - [`server_counts`]: the window's events summed by the backend's `increase()` (whole days
//!   plus the rest) when its raw samples are too many.
//! - [`trace_sli`]: SLIs from traces — a service's (and operation's) spans in the fetched traces,
//!   good by latency or status, counted per step into the same ratio machinery.
//! - [`log_sli`]: SLIs from logs — lines a LogQL query selects, bad by a further pipeline,
//!   counted by the backend per step ([`step_series`] turns per-step counts of either into
//!   counter series).
//!
//! Contract: times are `i64` ms, ratios and SLIs are in `[0, 1]` (percent only for display), no
//! data is `None` (never 100 % or 0), and nothing panics on any input.
//!
//! ```
//! use sightline_core::slo::{Objective, google_sre_workbook};
//! let o = Objective::parse("99.9%").unwrap();
//! assert_eq!(o.budget().to_decimal_string(18), "0.001");
//! let fast = &google_sre_workbook().tiers[0];
//! assert_eq!(fast.error_ratio_threshold(o.budget()).unwrap().to_f64(), 0.0144);
//! ```

pub mod alerts;
pub mod budget;
pub mod catalog;
pub mod events;
pub mod objective;
pub mod prefix;
pub mod window;
pub mod zone;

pub mod history;
pub mod openslo;
pub mod rules;
pub mod selector;
pub mod server_counts;
pub mod slice_rules;
pub mod sloth;
pub mod spec;
pub mod store;
pub mod trace_sli;
pub mod log_sli;
pub mod step_series;
pub mod yaml;

use std::fmt;

pub use alerts::{
    custom, google_sre_workbook, lookback_ms, pyrra, sloth_28d, status_timeline, would_have_fired, AlertPreset, FactorOrigin,
    FiringInterval, PresetId, Severity, Status, StatusPolicy, StatusSpan, Tier, TierTimeline,
};
pub use budget::{
    budget_consumed, budget_consumed_in, burn_rate, measure, slo_report, time_to_exhaustion_ms, BudgetingMethod, BurnRate,
    Coverage, Exhaustion, SliMeasure, SliceCounts, SloReport,
};
pub use events::{CountMode, Counted, LatencyThreshold, SliEvents, WindowCounts};
pub use objective::{Objective, Ratio, SliceTarget};
pub use prefix::PrefixCounts;
pub use window::{CalendarPeriod, ResolvedWindow, SloWindow};

/// Why an SLO definition or computation was refused. `Display` is the message for the user.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SloError {
    /// The field is empty.
    Empty { field: &'static str },
    /// The text does not follow the expected form; `reason` says what is expected.
    Syntax { field: &'static str, text: String, reason: String },
    /// More than 18 significant decimals: write fewer digits.
    TooPrecise { field: &'static str, text: String },
    /// The value is outside its allowed range; `reason` says which.
    OutOfRange { field: &'static str, text: String, reason: String },
    /// The evaluation grid is empty or too long: choose a longer step or a shorter range.
    Grid { steps: usize, max: usize },
    /// The time slice must be a positive multiple of the grid step: change one of them.
    Slice { slice_ms: i64, step_ms: i64 },
    /// The histogram has no `+Inf` bucket, so the total is unknown: select the `_bucket` series
    /// with all their `le` labels.
    NoInfBucket,
    /// The latency threshold cannot be used; `reason` says why.
    Threshold { threshold_le: f64, reason: String },
    /// An alert tier is not valid; `reason` says why.
    Tier { reason: String },
    /// Exact arithmetic overflowed (absurdly long windows or precise objectives).
    Overflow,
}

impl fmt::Display for SloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SloError::Empty { field } => write!(f, "the {field} is empty"),
            SloError::Syntax { field, text, reason } => write!(f, "cannot read the {field} {text:?}: {reason}"),
            SloError::TooPrecise { field, text } => {
                write!(f, "the {field} {text:?} has more than 18 significant digits; write fewer")
            }
            SloError::OutOfRange { field, text, reason } => write!(f, "the {field} {text:?} is out of range: {reason}"),
            SloError::Grid { steps, max } => {
                write!(f, "the evaluation grid has {steps} steps (allowed 1 to {max}); choose a longer step or a shorter range")
            }
            SloError::Slice { slice_ms, step_ms } => write!(
                f,
                "the time slice ({slice_ms} ms) must be a positive multiple of the evaluation step ({step_ms} ms)"
            ),
            SloError::NoInfBucket => {
                write!(f, "the histogram has no +Inf bucket, so the total count is unknown; select all le buckets")
            }
            SloError::Threshold { threshold_le, reason } => write!(f, "latency threshold {threshold_le}: {reason}"),
            SloError::Tier { reason } => write!(f, "invalid alert tier: {reason}"),
            SloError::Overflow => write!(f, "the exact arithmetic overflowed; use shorter windows or fewer decimals"),
        }
    }
}

impl std::error::Error for SloError {}
