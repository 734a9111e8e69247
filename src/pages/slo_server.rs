//! Time slices counted by the backend, for an SLO whose window has too many raw samples: every
//! slice's `sum(increase(sel[<slice>]))` from `query_range` at the slice as step (chunked), turned
//! back into counters on the slice grid by the core ([`counter_of_increments`]) so Timeslices and
//! RatioTimeslices judge each slice as they do with raw samples, in Prometheus-compatible
//! (extrapolated) counts.

use sightline_core::datasource::DataSource;
use sightline_core::formats::prometheus::{PromRequest, ResultData};
use sightline_core::slo::server_counts::{
    counter_of_increments, slice_grid, slice_increase_requests,
};
use sightline_core::slo::spec::SloDefinition;
use sightline_core::slo::{CountMode, ResolvedWindow, SliEvents};
use sightline_core::time::format_prom_duration;
use sightline_core::time::step::MAX_POINTS_PER_SERIES;

use super::slo_compute::{slo_error, utc, window_sli, WindowSli};
use crate::sources::query::{run, PanelError};

/// The SLI over `window` from per-slice counts of both selectors; `why` ends the derivation's
/// first sentence (why the backend counted). Returns the queries sent, as text, too.
pub(super) async fn slices_at_backend(
    source: &DataSource,
    def: &SloDefinition,
    window: ResolvedWindow,
    slice_ms: i64,
    (ev_sel, tot_sel): (&str, &str),
    why: &str,
) -> Result<(WindowSli, Vec<String>), PanelError> {
    let end = window.evaluated_end_ms();
    let grid = slice_grid(window.start_ms, end, slice_ms).ok_or_else(|| PanelError {
        kind: "SLO window".into(),
        message: format!(
            "no whole {} slice has elapsed in the window yet",
            format_prom_duration(slice_ms.max(0) as u64)
        ),
    })?;
    let mut queries = Vec::new();
    let mut answers: Vec<Vec<(i64, f64)>> = Vec::new();
    for sel in [ev_sel, tot_sel] {
        let mut points = Vec::new();
        for req in slice_increase_requests(sel, grid, MAX_POINTS_PER_SERIES) {
            let PromRequest::Range {
                query,
                start_ms,
                end_ms,
                ..
            } = &req
            else {
                continue;
            };
            queries.push(format!(
                "{query} from {} to {} at {} steps",
                utc(*start_ms),
                utc(*end_ms),
                format_prom_duration(slice_ms.max(0) as u64)
            ));
            let resp = run(source, &req, None).await?.ok_or_else(|| PanelError {
                kind: "Cancelled".into(),
                message: "The query was replaced by a newer one.".into(),
            })?;
            let ResultData::Matrix(series) = resp.data else {
                return Err(PanelError {
                    kind: "Unexpected result".into(),
                    message: format!("{query} did not return a matrix."),
                });
            };
            points.extend(
                series
                    .into_iter()
                    .flat_map(|s| s.t_ms.into_iter().zip(s.values)),
            );
        }
        answers.push(points);
    }
    let counters: Vec<_> = answers
        .iter()
        .map(|p| counter_of_increments(p, grid))
        .collect();
    let (ev, tot) = counters.split_at(1);
    let events =
        SliEvents::ratio(def.sli.counted(), ev, tot, grid, CountMode::Exact).map_err(slo_error)?;
    let how = format!(
        "{} over {} whole slices ending {}, each slice's events from the backend's sum(increase(…[{}])) at the slice as step, because {why}",
        def.method.describe(),
        grid.len(),
        utc(end),
        format_prom_duration(slice_ms.max(0) as u64)
    );
    Ok((
        window_sli(def, window, &events, CountMode::Prometheus, how)?,
        queries,
    ))
}
