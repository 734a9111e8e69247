//! SLI events on a common evaluation grid: bad and total event counts over any window, from raw
//! counter samples (algorithms.md §5, §6.2, §6.6, §3.2).
//!
//! Two counting modes, named in the UI by [`CountMode::label`]:
//! - **Exact** ([`CountMode::Exact`]): per grid step `k`, the reset-corrected increase of every
//!   counter over `(t_k − step, t_k]` ([`crate::counters::increase_exact`]), summed over series,
//!   then **prefix sums** `P[k]`; any window that is a whole number of steps ending on a grid time
//!   is `P[i] − P[i − w]`, O(1). Increases over adjacent steps add up exactly to the increase over
//!   their union.
//! - **Prometheus-compatible** ([`CountMode::Prometheus`]): a window's count is
//!   `sum(increase(x[w]))` evaluated at its end, with Prometheus' extrapolation
//!   ([`crate::counters::increase_prometheus`], [`crate::counters::counter_series`]): O(log n) per
//!   series for one window, O(n + steps) per series for a window at every grid time.
//!
//! SLI kinds: a ratio of good (or bad) to total events from counters ([`SliEvents::ratio`]); a
//! latency SLI from cumulative `le` bucket counters ([`SliEvents::latency`]): good = requests at or
//! under the threshold, total = the `+Inf` bucket. A threshold between two bucket bounds is
//! linearly interpolated between them and **flagged** ([`LatencyThreshold::interpolated`], with
//! the nearest edges to offer instead, E14).
//!
//! Contract: series are summed per bucket/kind after each series' own increase (reset handling
//! per series, E12). A missing good/bad series counts zero events (as PromQL's `or vector(0)`),
//! and a warning says so. Bad events are clamped to `[0, total]` when a ratio is formed.
//! **Coverage**: a grid step is covered when at least one total counter has an exact increase
//! there (a finite sample inside the step and one before it); no data is never read as good
//! (E43). Choose a step at least as long as the scrape interval. Nothing here panics.

use std::cmp::Ordering;

use crate::counters::{counter_series, increase_exact, increase_prometheus, CounterFn, EvalGrid};
use crate::series::Series;

use super::prefix::PrefixCounts;
use super::SloError;

/// How window counts are computed from counter samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountMode {
    /// Reset-corrected increases of the raw samples, no extrapolation.
    Exact,
    /// Prometheus' `increase()` with its extrapolation to the window edges.
    Prometheus,
}

impl CountMode {
    /// The name shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            CountMode::Exact => "exact from samples",
            CountMode::Prometheus => "Prometheus-compatible increase (extrapolated)",
        }
    }
}

/// Which events the non-total counters count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    /// Good events (`bad = total − good`).
    Good,
    /// Bad events.
    Bad,
}

/// Event counts over one window.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WindowCounts {
    /// Bad events (may be slightly outside `[0, total]` in Prometheus mode; [`Self::error_ratio`]
    /// clamps).
    pub bad: f64,
    /// Valid (total) events.
    pub total: f64,
    /// Grid steps the window spans.
    pub steps: usize,
    /// Of those, steps with data (see the module's coverage rule).
    pub covered_steps: usize,
}

impl WindowCounts {
    /// Good events, `total − bad`.
    pub fn good(&self) -> f64 {
        self.total - self.bad
    }

    /// `bad / total` clamped to `[0, 1]`; `None` ("no data") when there is no event or a count is
    /// not finite.
    pub fn error_ratio(&self) -> Option<f64> {
        (self.total > 0.0 && self.total.is_finite() && self.bad.is_finite()).then(|| (self.bad / self.total).clamp(0.0, 1.0))
    }

    /// Share of the window's steps with data, in `[0, 1]` (0 for an empty window).
    pub fn coverage(&self) -> f64 {
        if self.steps == 0 {
            0.0
        } else {
            self.covered_steps as f64 / self.steps as f64
        }
    }
}

/// Where a latency threshold falls among the bucket bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyThreshold {
    /// The threshold, in the unit of the `le` labels (seconds for Prometheus conventions).
    pub threshold_le: f64,
    /// The bucket bound at or below the threshold (0 below the lowest bucket).
    pub lower_le: f64,
    /// The bucket bound at or above the threshold.
    pub upper_le: f64,
    /// True when the threshold is not a bucket edge: good events are interpolated linearly between
    /// `lower_le` and `upper_le` (an estimate; offer those edges instead, E14).
    pub interpolated: bool,
}

/// Good/bad and total events of one SLI on an evaluation grid. Borrows the input series (the
/// Prometheus mode reads them per window); results computed from it are owned.
#[derive(Debug, Clone)]
pub struct SliEvents<'a> {
    grid: EvalGrid,
    mode: CountMode,
    counted: Counted,
    /// Exact mode: bad and total events in steps `0..k` (empty in Prometheus mode).
    prefix: PrefixCounts,
    /// Both modes: covered steps in `0..k`.
    prefix_covered: Vec<u32>,
    /// Prometheus mode: weighted good-or-bad series and total series.
    counted_terms: Vec<(f64, &'a Series)>,
    total_terms: Vec<&'a Series>,
    latency: Option<LatencyThreshold>,
    warnings: Vec<String>,
}

impl<'a> SliEvents<'a> {
    /// A ratio SLI: `events` count good (or bad, per `counted`) events, `total` all valid events.
    pub fn ratio(
        counted: Counted,
        events: &'a [Series],
        total: &'a [Series],
        grid: EvalGrid,
        mode: CountMode,
    ) -> Result<SliEvents<'a>, SloError> {
        let terms: Vec<(f64, &Series)> = events.iter().map(|s| (1.0, s)).collect();
        let mut warnings = Vec::new();
        if events.is_empty() {
            warnings.push(match counted {
                Counted::Good => "no good-event series: every event counts as bad".to_string(),
                Counted::Bad => "no bad-event series: counted as zero bad events".to_string(),
            });
        }
        SliEvents::build(counted, terms, total.iter().collect(), grid, mode, None, warnings)
    }

    /// A latency SLI from cumulative bucket counters (`x_bucket` with an `le` label, all summed by
    /// `le`): good = requests with a value ≤ `threshold_le`, total = the `+Inf` bucket. A threshold
    /// between bounds is interpolated and flagged; above the largest finite bound, not positive or
    /// not finite, it is refused.
    pub fn latency(buckets: &'a [Series], threshold_le: f64, grid: EvalGrid, mode: CountMode) -> Result<SliEvents<'a>, SloError> {
        if !(threshold_le.is_finite() && threshold_le > 0.0) {
            return Err(SloError::Threshold { threshold_le, reason: "the latency threshold must be a positive number".to_string() });
        }
        let mut warnings = Vec::new();
        let mut parsed: Vec<(f64, &Series)> = Vec::with_capacity(buckets.len());
        let mut bad_le = 0usize;
        for s in buckets {
            match s.labels.get("le").and_then(parse_le) {
                Some(le) => parsed.push((le, s)),
                None => bad_le += 1,
            }
        }
        if bad_le > 0 {
            warnings.push(format!("{bad_le} series without a numeric le label were skipped"));
        }
        parsed.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
        let total: Vec<&Series> = parsed.iter().filter(|(le, _)| *le == f64::INFINITY).map(|(_, s)| *s).collect();
        if total.is_empty() {
            return Err(SloError::NoInfBucket);
        }
        let mut edges: Vec<f64> = parsed.iter().map(|(le, _)| *le).filter(|le| le.is_finite()).collect();
        edges.dedup();
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        let terms_at = |le: f64, w: f64| -> Vec<(f64, &'a Series)> {
            parsed.iter().filter(|(b, _)| *b == le).map(|(_, s)| (w, *s)).collect()
        };
        let (info, terms) = if let Some(&edge) = edges.iter().find(|&&e| same(e, threshold_le)) {
            let info = LatencyThreshold { threshold_le, lower_le: edge, upper_le: edge, interpolated: false };
            (info, terms_at(edge, 1.0))
        } else {
            let upper = edges.iter().copied().find(|&e| e > threshold_le);
            let Some(upper) = upper else {
                return Err(SloError::Threshold {
                    threshold_le,
                    reason: match edges.last() {
                        Some(max) => format!("the threshold is above the largest finite bucket bound {max}; nothing is known between it and +Inf"),
                        None => "the histogram has no finite bucket bound".to_string(),
                    },
                });
            };
            let lower = edges.iter().copied().rfind(|&e| e < threshold_le);
            let lower_le = lower.unwrap_or(0.0).max(0.0);
            let w = (threshold_le - lower_le) / (upper - lower_le);
            let mut terms = terms_at(upper, w);
            if let Some(lower) = lower.filter(|&l| l >= 0.0) {
                terms.extend(terms_at(lower, 1.0 - w));
            }
            warnings.push(format!(
                "the threshold {threshold_le} is not a bucket edge: good events are interpolated between le={lower_le} and le={upper}; use one of those edges for an exact SLI"
            ));
            (LatencyThreshold { threshold_le, lower_le, upper_le: upper, interpolated: true }, terms)
        };
        SliEvents::build(Counted::Good, terms, total, grid, mode, Some(info), warnings)
    }

    fn build(
        counted: Counted,
        counted_terms: Vec<(f64, &'a Series)>,
        total_terms: Vec<&'a Series>,
        grid: EvalGrid,
        mode: CountMode,
        latency: Option<LatencyThreshold>,
        mut warnings: Vec<String>,
    ) -> Result<SliEvents<'a>, SloError> {
        let steps = grid.len();
        if steps == 0 || steps > MAX_STEPS {
            return Err(SloError::Grid { steps, max: MAX_STEPS });
        }
        if total_terms.is_empty() {
            warnings.push("no total-event series: no data".to_string());
        }
        let mut total = vec![0.0; steps];
        let mut covered = vec![false; steps];
        for s in &total_terms {
            add_exact_increments(s, grid, 1.0, &mut total, Some(&mut covered));
        }
        let mut prefix_covered = Vec::with_capacity(steps + 1);
        prefix_covered.push(0u32);
        let mut acc = 0u32;
        for c in &covered {
            acc += u32::from(*c);
            prefix_covered.push(acc);
        }
        let mut prefix = PrefixCounts::default();
        if mode == CountMode::Exact {
            let mut counted_inc = vec![0.0; steps];
            for (w, s) in &counted_terms {
                add_exact_increments(s, grid, *w, &mut counted_inc, None);
            }
            prefix = PrefixCounts::from_increments(counted, &counted_inc, &total);
        }
        Ok(SliEvents { grid, mode, counted, prefix, prefix_covered, counted_terms, total_terms, latency, warnings })
    }

    /// The evaluation grid.
    pub fn grid(&self) -> EvalGrid {
        self.grid
    }

    /// The counting mode.
    pub fn mode(&self) -> CountMode {
        self.mode
    }

    /// For a latency SLI, where the threshold falls among the bucket bounds.
    pub fn latency_threshold(&self) -> Option<LatencyThreshold> {
        self.latency
    }

    /// Problems with the input that did not stop the computation (shown next to the SLO).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Index of the last grid time at or before `t_ms`.
    fn index_at_or_before(&self, t_ms: i64) -> Option<usize> {
        let g = self.grid;
        if t_ms < g.start_ms || g.step_ms <= 0 {
            return None;
        }
        let k = (i128::from(t_ms) - i128::from(g.start_ms)) / i128::from(g.step_ms);
        let last = self.grid.len().checked_sub(1)?;
        Some(usize::try_from(k).unwrap_or(usize::MAX).min(last))
    }

    /// Steps a window of `window_ms` spans (rounded down, at least 1).
    fn window_steps(&self, window_ms: i64) -> usize {
        usize::try_from(window_ms / self.grid.step_ms.max(1)).unwrap_or(usize::MAX).max(1)
    }

    fn covered_in(&self, end_idx: usize, w: usize) -> usize {
        let hi = end_idx + 1;
        let lo = hi.saturating_sub(w);
        let (a, b) = (self.prefix_covered.get(lo).copied().unwrap_or(0), self.prefix_covered.get(hi).copied().unwrap_or(0));
        b.saturating_sub(a) as usize
    }

    /// Counts over the window of `window_ms` ending at `end_ms`. Exact mode: the window ends at
    /// the last grid time at or before `end_ms` and spans `⌊window/step⌋` steps (at least one);
    /// steps before the grid's start have no data. Prometheus mode: `sum(increase(x[window]))`
    /// at `end_ms`. `None` when `end_ms` is before the grid or `window_ms ≤ 0`.
    pub fn counts_at(&self, end_ms: i64, window_ms: i64) -> Option<WindowCounts> {
        if window_ms <= 0 {
            return None;
        }
        let idx = self.index_at_or_before(end_ms)?;
        let w = self.window_steps(window_ms);
        let covered_steps = self.covered_in(idx, w);
        match self.mode {
            CountMode::Exact => {
                let (bad, total) = self.prefix.window(idx, w);
                Some(WindowCounts { bad, total, steps: w, covered_steps })
            }
            CountMode::Prometheus => {
                let sum = |terms: &mut dyn Iterator<Item = (f64, &Series)>| -> f64 {
                    terms.filter_map(|(w, s)| increase_prometheus(&s.t_ms, &s.values, end_ms, window_ms).map(|v| w * v)).sum()
                };
                let total = sum(&mut self.total_terms.iter().map(|s| (1.0, *s)));
                let counted = sum(&mut self.counted_terms.iter().copied());
                let bad = match self.counted {
                    Counted::Bad => counted,
                    Counted::Good => total - counted,
                };
                Some(WindowCounts { bad, total, steps: w, covered_steps })
            }
        }
    }

    /// Counts over the window of `window_ms` ending at every grid time (one entry per grid time).
    /// Exact mode O(steps); Prometheus mode O(n + steps) per series.
    pub fn window_series(&self, window_ms: i64) -> Vec<WindowCounts> {
        let steps = self.grid.len();
        let w = self.window_steps(window_ms.max(1));
        let mut out: Vec<WindowCounts> =
            (0..steps).map(|i| WindowCounts { bad: 0.0, total: 0.0, steps: w, covered_steps: self.covered_in(i, w) }).collect();
        if window_ms <= 0 {
            return out;
        }
        match self.mode {
            CountMode::Exact => {
                for (i, c) in out.iter_mut().enumerate() {
                    (c.bad, c.total) = self.prefix.window(i, w);
                }
            }
            CountMode::Prometheus => {
                let mut counted = vec![0.0; steps];
                let mut total = vec![0.0; steps];
                for s in &self.total_terms {
                    add_window_increases(s, window_ms, self.grid, 1.0, &mut total);
                }
                for (wt, s) in &self.counted_terms {
                    add_window_increases(s, window_ms, self.grid, *wt, &mut counted);
                }
                for ((c, cnt), tot) in out.iter_mut().zip(&counted).zip(&total) {
                    c.total = *tot;
                    c.bad = match self.counted {
                        Counted::Bad => *cnt,
                        Counted::Good => tot - cnt,
                    };
                }
            }
        }
        out
    }

    /// Covered steps and grid steps in `(start_ms, end_ms]` (grid times inside the interval).
    pub fn covered_steps_between(&self, start_ms: i64, end_ms: i64) -> (usize, usize) {
        let Some(hi) = self.index_at_or_before(end_ms) else { return (0, 0) };
        let lo = self.index_at_or_before(start_ms).map_or(0, |i| i + 1);
        if lo > hi {
            return (0, 0);
        }
        let w = hi + 1 - lo;
        (self.covered_in(hi, w), w)
    }
}

/// At most this many grid steps (a year at one minute is 525,600).
pub const MAX_STEPS: usize = 2_000_000;

/// Parses an `le` label (`0.25`, `+Inf`, `1e+06`).
fn parse_le(text: &str) -> Option<f64> {
    let v: f64 = text.trim().parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// Adds `weight ×` the exact increase of `s` over each grid step `(t_k − step, t_k]` to `out[k]`
/// and marks the steps with an increase in `covered`. O(n + steps).
fn add_exact_increments(s: &Series, grid: EvalGrid, weight: f64, out: &mut [f64], mut covered: Option<&mut [bool]>) {
    let n = s.t_ms.len().min(s.values.len());
    let (Some(t), Some(v)) = (s.t_ms.get(..n), s.values.get(..n)) else { return };
    let step = grid.step_ms;
    let first_from = grid.start_ms.saturating_sub(step);
    // First sample inside the first step, and the last finite sample before it (the baseline).
    let mut lo = t.partition_point(|&x| x <= first_from);
    let mut base = v.get(..lo).and_then(|head| head.iter().rposition(|x| x.is_finite()));
    for (k, tk) in grid.times().enumerate() {
        let from = tk.saturating_sub(step);
        let rest = t.get(lo..).unwrap_or(&[]);
        let hi = lo + rest.partition_point(|&x| x <= tk);
        if hi > lo {
            let b = base.unwrap_or(lo);
            if let (Some(ts), Some(vs)) = (t.get(b..hi), v.get(b..hi)) {
                if let Some(inc) = increase_exact(ts, vs, from, tk) {
                    if let Some(o) = out.get_mut(k) {
                        *o += weight * inc;
                    }
                    if let Some(c) = covered.as_deref_mut().and_then(|c| c.get_mut(k)) {
                        *c = true;
                    }
                }
            }
            if let Some(j) = v.get(lo..hi).and_then(|w| w.iter().rposition(|x| x.is_finite())) {
                base = Some(lo + j);
            }
        }
        lo = hi;
    }
}

/// Adds `weight × increase(s[window_ms])` at every grid time where Prometheus has a value.
fn add_window_increases(s: &Series, window_ms: i64, grid: EvalGrid, weight: f64, out: &mut [f64]) {
    let inc = counter_series(s, window_ms, grid, CounterFn::Increase);
    for (t, v) in inc.t_ms.iter().zip(&inc.values) {
        let k = (i128::from(*t) - i128::from(grid.start_ms)) / i128::from(grid.step_ms.max(1));
        if let Some(o) = usize::try_from(k).ok().and_then(|k| out.get_mut(k)) {
            *o += weight * v;
        }
    }
}
