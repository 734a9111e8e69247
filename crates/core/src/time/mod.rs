//! Time in Sightline: the Grafana time-range grammar, Prometheus durations and the query step.
//!
//! - [`expr`]: one end of a range, [`TimeExpr`]: `now`, `now-6h`, `now/d`, `now-1M/M`,
//!   `2024-01-15 10:00:00` (in the chosen time zone) or epoch milliseconds, and its resolution
//!   to epoch ms in a time zone.
//! - [`range`]: [`TimeRange`] (from + to), its resolution, human description, zoom out and shift,
//!   and Grafana's quick ranges.
//! - [`duration`]: the Prometheus duration grammar (`1h30m`, `15s`, `500ms`) and the refresh
//!   choices.
//! - [`step`]: the query step for a chart of a given pixel width and the alignment of the range to
//!   it.
//! - [`ticks`]: time-axis ticks at round wall-clock instants.
//!
//! All instants are `i64` milliseconds since the Unix epoch. Calendar arithmetic (`d`, `w`, `M`,
//! `y` and rounding) happens in the time zone passed in (the browser's or UTC), so `now/d` is local
//! midnight in the browser's zone. Weeks start on Monday (ISO 8601).

pub mod duration;
pub mod expr;
pub mod range;
pub mod step;
pub mod ticks;

use std::fmt;

pub use duration::{format_prom_duration, parse_prom_duration, RefreshInterval, REFRESH_CHOICES};
pub use expr::{CalendarUnit, TimeExpr};
pub use range::{describe, QuickRange, ResolvedRange, TimeRange, QUICK_RANGES};
pub use step::{align_range, choose_step_ms, MAX_POINTS_PER_SERIES};
pub use ticks::time_ticks;

/// Why a time expression, range or duration was refused. `Display` is the message shown to the
/// user next to the field concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// The field is empty.
    Empty { field: &'static str },
    /// The text does not follow the grammar; `reason` says what was expected.
    Syntax { field: &'static str, text: String, reason: String },
    /// The expression resolves outside the representable calendar (years ±262,000).
    OutOfRange { field: &'static str, text: String },
    /// `from` does not come before `to`.
    Order { from_ms: i64, to_ms: i64 },
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::Empty { field } => write!(f, "{field}: empty; write now-6h, now/d, 2024-01-15 10:00:00 or epoch ms"),
            TimeError::Syntax { field, text, reason } => write!(f, "{field}: cannot read {text:?}: {reason}"),
            TimeError::OutOfRange { field, text } => write!(f, "{field}: {text:?} is outside the supported dates"),
            TimeError::Order { from_ms, to_ms } => {
                write!(f, "the range must start before it ends (from {from_ms} ms is not before to {to_ms} ms)")
            }
        }
    }
}

impl std::error::Error for TimeError {}
