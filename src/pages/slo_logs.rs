//! Computes an SLO whose SLI comes from logs: the log source (the demo, or Loki) counts the valid
//! and the bad lines per 1-minute step with `sum(count_over_time(…[60s]))` over the alert tiers'
//! lookback or the window, in `query_range` requests of at most 10,000 steps
//! ([`sightline_core::slo::log_sli`]); the counts go into the same ratio machinery as counter
//! SLIs, in exact mode, and the derivation lists the queries and the lines counted.

use sightline_core::datasource::DataSource;
use sightline_core::format::group_thousands;
use sightline_core::slo::log_sli::{LineSteps, LogSli};
use sightline_core::slo::spec::{SliDef, SloDefinition};
use sightline_core::slo::{CountMode, Counted, SliEvents};

use super::slo_compute::{counted_grid, outcome, slo_error, utc, window_sli, SloOutcome, GRID_STEP_MS};
use crate::sources::logs::metric_range;
use crate::sources::query::PanelError;

/// Computes `def` (an SLI from logs) at `now_ms` on the log `source`.
pub async fn compute(
    source: &DataSource,
    def: &SloDefinition,
    now_ms: i64,
    progress: impl Fn(String),
) -> Result<SloOutcome, PanelError> {
    let SliDef::Logs { selector, bad } = &def.sli else {
        return Err(PanelError { kind: "SLO definition".into(), message: "not an SLI from logs".into() });
    };
    let (window, grid) = counted_grid(def, now_ms)?;
    let grid_end = grid.end_ms;
    let sli = LogSli { selector, bad };
    let requests = sli.requests(grid).map_err(|message| PanelError { kind: "SLO definition".into(), message })?;
    let mut steps = LineSteps::new(grid);
    let mut queries = Vec::with_capacity(requests.len());
    for (i, req) in requests.iter().enumerate() {
        progress(format!("Counting log lines: query {} of {}…", i + 1, requests.len()));
        let what = format!("{} over {} – {}", req.query, utc(grid.start_ms + req.first as i64 * GRID_STEP_MS), utc(grid.start_ms + req.last as i64 * GRID_STEP_MS));
        let series = metric_range(source, &req.params, &req.query).await?.ok_or_else(|| PanelError {
            kind: "Cancelled".into(),
            message: "The query was replaced by a newer one.".into(),
        })?;
        steps.add(req, &series);
        queries.push(format!("GET /loki/api/v1/query_range: {what}, step 60s ({})", source.name));
    }
    let counts = steps.finish();
    let bad_series = [counts.bad_series];
    let valid_series = [counts.valid_series];
    let events = SliEvents::ratio(Counted::Bad, &bad_series, &valid_series, grid, CountMode::Exact).map_err(slo_error)?;
    let counted = format!(
        "{} lines of {selector} counted by {} per 1 min step over {} – {}, {} of them also passing {bad}; covered from {}",
        group_thousands(counts.lines),
        source.name,
        utc(grid.start_ms - GRID_STEP_MS),
        utc(grid_end),
        group_thousands(counts.bad),
        counts.covered_from_ms.map_or_else(|| "— no line matched".to_string(), utc),
    );
    let sli_now = window_sli(
        def,
        window,
        &events,
        CountMode::Exact,
        format!("{}: {} per 1 min step ({counted})", def.sli.describe(), def.method.describe()),
    )?;
    let mut warnings = counts.warnings;
    warnings.extend(events.warnings().iter().cloned());
    let mut out = outcome(
        def,
        window,
        grid,
        &events,
        sli_now,
        "1 min steps from the first minute with a matching line on (a later minute without lines counts zero events)",
        warnings,
        queries,
    )?;
    out.warnings.insert(0, format!("From logs: {counted}."));
    Ok(out)
}
