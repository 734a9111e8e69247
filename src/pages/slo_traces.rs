//! Computes an SLO whose SLI comes from traces: one search of the source's trace API (the demo,
//! Jaeger, Tempo or Zipkin) over the alert tiers' lookback or the window, at most
//! [`TRACE_LIMIT`] traces ([`TEMPO_TRACE_LIMIT`] from Tempo); the core counts the service's
//! spans per 1-minute step ([`count_spans`]) into the same ratio machinery as counter SLIs, and
//! the derivation says how many traces and spans were counted and from when the fetched traces
//! are complete.

use sightline_core::datasource::DataSource;
use sightline_core::format::group_thousands;
use sightline_core::slo::spec::{SliDef, SloDefinition};
use sightline_core::slo::trace_sli::{count_spans, SpanSli};
use sightline_core::slo::{CountMode, Counted, SliEvents};
use sightline_core::time::format_prom_duration;
use sightline_core::trace::Trace;
use sightline_core::trace_query::{TraceApi, TraceSearch};

use super::slo_compute::{counted_grid, outcome, slo_error, utc, window_sli, GRID_STEP_MS, SloOutcome};
use crate::sources::query::PanelError;
use crate::sources::traces::{api_of, fetch_trace, search};

/// Most traces one trace SLO fetches from Jaeger, Zipkin or the demo (their searches answer whole
/// traces).
pub const TRACE_LIMIT: u32 = 1_500;
/// Most traces from Tempo, whose search answers summaries: each trace is then fetched by id.
pub const TEMPO_TRACE_LIMIT: u32 = 200;

fn cancelled() -> PanelError {
    PanelError {
        kind: "Cancelled".into(),
        message: "The fetch was replaced by a newer one.".into(),
    }
}

/// Computes `def` (an SLI from traces) at `now_ms`.
pub async fn compute(
    source: &DataSource,
    def: &SloDefinition,
    now_ms: i64,
    progress: impl Fn(String),
) -> Result<SloOutcome, PanelError> {
    let SliDef::Traces {
        service,
        operation,
        good,
    } = &def.sli
    else {
        return Err(PanelError {
            kind: "SLO definition".into(),
            message: "not an SLI from traces".into(),
        });
    };
    let api = api_of(source)?;
    let limit = if api == TraceApi::Tempo {
        TEMPO_TRACE_LIMIT
    } else {
        TRACE_LIMIT
    };
    let (window, grid) = counted_grid(def, now_ms)?;
    let (grid_end, span) = (grid.end_ms, grid.end_ms - grid.start_ms + GRID_STEP_MS);
    let search_start = grid.start_ms - GRID_STEP_MS;
    let request = TraceSearch {
        service: service.clone(),
        operation: operation.clone(),
        limit,
        start_ms: search_start,
        end_ms: grid_end,
        ..TraceSearch::default()
    };
    progress(format!("Searching up to {limit} traces of {service}…"));
    let found = search(source, &request, None)
        .await?
        .ok_or_else(cancelled)?;
    let mut warnings = found.notes;
    let mut traces: Vec<std::sync::Arc<Trace>> = found.traces;
    let hits = found.rows.len();
    if api == TraceApi::Tempo {
        // Tempo's search answers summaries: fetch each trace for its spans.
        for (i, row) in found.rows.iter().enumerate() {
            progress(format!("Fetching trace {} of {hits}…", i + 1));
            let loaded = fetch_trace(source, &row.trace_id, None)
                .await?
                .ok_or_else(cancelled)?;
            traces.extend(loaded.traces);
        }
    }
    let complete = hits < limit as usize;
    let earliest_ms = traces
        .iter()
        .map(|t| i64::try_from(t.start_ns() / 1_000_000).unwrap_or(i64::MAX))
        .min();
    let covered_from = match (complete, earliest_ms) {
        (true, _) | (false, None) => search_start,
        (false, Some(t)) => t,
    };
    if !complete {
        warnings.push(format!(
            "The search returned its limit of {limit} traces: only the time since the earliest of them ({}) is counted; earlier steps have no data.",
            utc(covered_from)
        ));
    }
    let sli = SpanSli {
        service,
        operation,
        good: *good,
    };
    let counts = count_spans(traces.iter().map(|t| t.as_ref()), sli, grid, covered_from);
    let good_series = [counts.good_series];
    let total_series = [counts.total_series];
    let events = SliEvents::ratio(
        Counted::Good,
        &good_series,
        &total_series,
        grid,
        CountMode::Exact,
    )
    .map_err(slo_error)?;
    let what = def.sli.describe();
    let counted = format!(
        "{} traces fetched ({} search of {} – {}, at most {limit}); {} matching spans counted by their end time, {} good; {} ended outside the counted time; complete from {} — over the fetched, possibly sampled traces only",
        group_thousands(counts.traces as u64),
        api_name(api),
        utc(search_start),
        utc(grid_end),
        group_thousands(counts.spans),
        group_thousands(counts.good),
        group_thousands(counts.outside),
        utc(covered_from.max(search_start)),
    );
    let queries = vec![format!(
        "trace search: service={service}{} limit={limit} over the last {}",
        if operation.is_empty() {
            String::new()
        } else {
            format!(" operation={operation}")
        },
        format_prom_duration(span.max(0) as u64)
    )];
    let sli_now = window_sli(
        def,
        window,
        &events,
        CountMode::Exact,
        format!(
            "{what}: {} per 1 min step ({counted})",
            def.method.describe()
        ),
    )?;
    let mut out = outcome(
        def,
        window,
        grid,
        &events,
        sli_now,
        "1 min steps the fetched traces are complete for",
        warnings,
        queries,
    )?;
    out.warnings.insert(0, format!("From traces: {counted}."));
    Ok(out)
}

fn api_name(api: TraceApi) -> &'static str {
    match api {
        TraceApi::Jaeger => "Jaeger",
        TraceApi::Tempo => "Tempo",
        TraceApi::Zipkin => "Zipkin",
    }
}
