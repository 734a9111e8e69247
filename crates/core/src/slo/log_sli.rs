//! SLIs from logs: the valid events are the lines a LogQL log query selects (`{service_name=
//! "payments"}`, optionally with line filters and parsers); the bad ones are those that also pass
//! a further pipeline (`| level="error"`, `| logfmt | status=~"5.."`). The backend counts them:
//! per evaluation step, `sum(count_over_time(<query> [<step>]))` for the valid lines and the same
//! with the bad pipeline appended, in `query_range` requests at the grid's step (Loki counts the
//! lines of `(t − step, t]` at each point `t`, so consecutive points never count a line twice).
//!
//! A request covers at most [`MAX_POINTS_PER_QUERY`] grid times (Loki refuses more than 11,000
//! points per series). The counts become two cumulative counter series ([`cumulative`]), so
//! [`super::SliEvents::ratio`] and everything after it — budget, burn rates, alert tiers,
//! coverage — apply unchanged, in exact mode.
//!
//! Loki leaves out points where no line matched, so a missing point is zero lines. Coverage starts
//! at the first step with a valid line: steps before it have no data (a young stream shows "2 of
//! 30 days covered"), later quiet steps are covered with zero events. Nothing is dropped silently:
//! points off the grid or outside their request, values that are not counts, and steps where the
//! bad count exceeds the valid one (lines ingested between the two queries) are counted and
//! reported in [`LogCounts::warnings`].

use super::step_series::cumulative;
use crate::counters::EvalGrid;
use crate::series::Series;

/// Grid times one `query_range` request covers, at most.
pub const MAX_POINTS_PER_QUERY: usize = 10_000;

/// Which lines an SLI from logs counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSli<'a> {
    /// The valid lines: a LogQL log query (stream selector, then any pipeline).
    pub selector: &'a str,
    /// Pipeline stages appended to `selector` to select the bad lines.
    pub bad: &'a str,
}

/// Which count a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCount {
    Valid,
    Bad,
}

/// One `query_range` request: its parameters and the grid indices it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogCountRequest {
    pub count: LineCount,
    pub query: String,
    /// First and last grid index covered (inclusive).
    pub first: usize,
    pub last: usize,
    /// `query`, `start`, `end` (Unix ns), `step`.
    pub params: Vec<(String, String)>,
}

impl LogSli<'_> {
    /// The metric query counting `count`'s lines per step of `step_secs` seconds.
    pub fn query(&self, count: LineCount, step_secs: i64) -> String {
        let sel = self.selector.trim();
        let lines = match count {
            LineCount::Valid => sel.to_string(),
            LineCount::Bad => format!("{sel} {}", self.bad.trim()),
        };
        format!("sum(count_over_time({lines} [{step_secs}s]))")
    }

    /// The requests counting valid and bad lines on `grid`, chunked; an error when the grid's
    /// step is not a whole number of seconds (LogQL ranges are in seconds here).
    pub fn requests(&self, grid: EvalGrid) -> Result<Vec<LogCountRequest>, String> {
        if grid.step_ms <= 0 || grid.step_ms % 1000 != 0 {
            return Err(format!(
                "the evaluation step {} ms is not a whole number of seconds",
                grid.step_ms
            ));
        }
        let secs = grid.step_ms / 1000;
        let n = grid.len();
        let mut out = Vec::new();
        for count in [LineCount::Valid, LineCount::Bad] {
            let query = self.query(count, secs);
            let mut first = 0;
            while first < n {
                let last = (first + MAX_POINTS_PER_QUERY - 1).min(n - 1);
                let ns = |k: usize| {
                    let ms = i128::from(grid.start_ms) + i128::from(grid.step_ms) * k as i128;
                    (ms * 1_000_000).to_string()
                };
                out.push(LogCountRequest {
                    count,
                    query: query.clone(),
                    first,
                    last,
                    params: vec![
                        ("query".into(), query.clone()),
                        ("start".into(), ns(first)),
                        ("end".into(), ns(last)),
                        ("step".into(), format!("{secs}s")),
                    ],
                });
                first = last + 1;
            }
        }
        Ok(out)
    }
}

/// Valid and bad lines per grid step, filled from the requests' answers.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSteps {
    grid: EvalGrid,
    valid: Vec<u64>,
    bad: Vec<u64>,
    /// Points not on a grid time inside their request's range.
    off_grid: u64,
    /// Values that are not non-negative whole numbers.
    not_counts: u64,
}

impl LineSteps {
    /// Zero counts on `grid`.
    pub fn new(grid: EvalGrid) -> LineSteps {
        let n = grid.len();
        LineSteps {
            grid,
            valid: vec![0; n],
            bad: vec![0; n],
            off_grid: 0,
            not_counts: 0,
        }
    }

    /// Adds the matrix answering `req` (every series summed: `sum` answers one).
    pub fn add(&mut self, req: &LogCountRequest, series: &[Series]) {
        let EvalGrid {
            start_ms, step_ms, ..
        } = self.grid;
        let counts = match req.count {
            LineCount::Valid => &mut self.valid,
            LineCount::Bad => &mut self.bad,
        };
        for s in series {
            for (&t, &v) in s.t_ms.iter().zip(&s.values) {
                let offset = i128::from(t) - i128::from(start_ms);
                let k = (offset % i128::from(step_ms) == 0)
                    .then(|| usize::try_from(offset / i128::from(step_ms)).ok())
                    .flatten()
                    .filter(|k| (req.first..=req.last).contains(k));
                let Some(slot) = k.and_then(|k| counts.get_mut(k)) else {
                    self.off_grid += 1;
                    continue;
                };
                if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
                    *slot = slot.saturating_add(v as u64);
                } else {
                    self.not_counts += 1;
                }
            }
        }
    }

    /// The counts as counter series, with what they say and any warnings.
    pub fn finish(self) -> LogCounts {
        let LineSteps {
            grid,
            valid,
            mut bad,
            off_grid,
            not_counts,
        } = self;
        let mut over = 0usize;
        for (b, v) in bad.iter_mut().zip(&valid) {
            if *b > *v {
                over += 1;
                *b = *v;
            }
        }
        let first = valid.iter().position(|&v| v > 0).unwrap_or(valid.len());
        let mut warnings = Vec::new();
        if off_grid > 0 {
            warnings.push(format!("{off_grid} counted point(s) were not on the 1-step grid of their request and were left out"));
        }
        if not_counts > 0 {
            warnings.push(format!(
                "{not_counts} point(s) were not whole non-negative counts and were left out"
            ));
        }
        if over > 0 {
            warnings.push(format!(
                "at {over} step(s) the bad lines outnumbered the valid ones (lines ingested between the two queries); the bad count was cut to the valid one there"
            ));
        }
        let first_ms = (first < valid.len()).then(|| {
            grid.start_ms
                .saturating_add(grid.step_ms.saturating_mul(first as i64))
                .saturating_sub(grid.step_ms)
        });
        LogCounts {
            lines: valid.iter().sum(),
            bad: bad.iter().sum(),
            covered_from_ms: first_ms,
            bad_series: cumulative("log_lines_bad", &bad, first, grid),
            valid_series: cumulative("log_lines_valid", &valid, first, grid),
            warnings,
        }
    }
}

/// Lines counted for an SLI from logs, and the counter series built from them.
#[derive(Debug, Clone, PartialEq)]
pub struct LogCounts {
    /// Valid lines on the grid.
    pub lines: u64,
    /// Of those, bad.
    pub bad: u64,
    /// Start of the first step with a valid line (`None`: no line at all).
    pub covered_from_ms: Option<i64>,
    /// Cumulative bad lines at each covered grid time (and a zero baseline before).
    pub bad_series: Series,
    /// Cumulative valid lines, sampled like `bad_series`.
    pub valid_series: Series,
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Labels;
    use crate::slo::{CountMode, Counted, SliEvents};

    const MIN: i64 = 60_000;

    fn grid() -> EvalGrid {
        EvalGrid {
            start_ms: 10 * MIN,
            end_ms: 20 * MIN,
            step_ms: MIN,
        }
    }

    fn matrix(points: &[(i64, f64)]) -> Vec<Series> {
        vec![Series {
            labels: Labels::default(),
            t_ms: points.iter().map(|p| p.0).collect(),
            values: points.iter().map(|p| p.1).collect(),
        }]
    }

    const SLI: LogSli<'static> = LogSli {
        selector: r#" {service_name="payments"} "#,
        bad: r#"| level="error""#,
    };

    #[test]
    fn queries_and_chunked_requests() {
        assert_eq!(
            SLI.query(LineCount::Valid, 60),
            r#"sum(count_over_time({service_name="payments"} [60s]))"#
        );
        assert_eq!(
            SLI.query(LineCount::Bad, 60),
            r#"sum(count_over_time({service_name="payments"} | level="error" [60s]))"#
        );
        let reqs = SLI.requests(grid()).unwrap();
        assert_eq!(reqs.len(), 2);
        assert_eq!(
            (reqs[0].count, reqs[0].first, reqs[0].last),
            (LineCount::Valid, 0, 10)
        );
        assert_eq!(
            reqs[0].params[1],
            ("start".to_string(), "600000000000".to_string())
        );
        assert_eq!(
            reqs[0].params[2],
            ("end".to_string(), "1200000000000".to_string())
        );
        assert_eq!(reqs[0].params[3], ("step".to_string(), "60s".to_string()));

        // 30 days of minutes: 43,201 grid times in five requests per count, none over 10,000.
        let month = EvalGrid {
            start_ms: 0,
            end_ms: 30 * 1440 * MIN,
            step_ms: MIN,
        };
        let reqs = SLI.requests(month).unwrap();
        let valid: Vec<_> = reqs
            .iter()
            .filter(|r| r.count == LineCount::Valid)
            .collect();
        assert_eq!(valid.len(), 5);
        assert!(valid
            .iter()
            .all(|r| r.last - r.first < MAX_POINTS_PER_QUERY));
        assert_eq!(
            valid.iter().map(|r| r.last - r.first + 1).sum::<usize>(),
            43_201
        );
        assert!(valid.windows(2).all(|w| w[1].first == w[0].last + 1));
        assert!(SLI
            .requests(EvalGrid {
                step_ms: 1500,
                ..grid()
            })
            .is_err());
    }

    #[test]
    fn counts_become_the_ratio_sli_with_coverage_from_the_first_line() {
        let reqs = SLI.requests(grid()).unwrap();
        let mut steps = LineSteps::new(grid());
        // No line before 13 min; quiet at 15 (left out, as Loki does); 4 bad of 40 in all.
        steps.add(
            &reqs[0],
            &matrix(&[
                (13 * MIN, 10.0),
                (14 * MIN, 10.0),
                (16 * MIN, 10.0),
                (20 * MIN, 10.0),
            ]),
        );
        steps.add(&reqs[1], &matrix(&[(14 * MIN, 1.0), (20 * MIN, 3.0)]));
        let c = steps.finish();
        assert_eq!((c.lines, c.bad, c.covered_from_ms), (40, 4, Some(12 * MIN)));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let bad = [c.bad_series];
        let valid = [c.valid_series];
        let ev = SliEvents::ratio(Counted::Bad, &bad, &valid, grid(), CountMode::Exact).unwrap();
        let w = ev.counts_at(20 * MIN, 10 * MIN).unwrap();
        assert_eq!((w.bad, w.total), (4.0, 40.0));
        assert_eq!(
            (w.covered_steps, w.steps),
            (8, 10),
            "steps ending 13…20 are covered, 15 with zero lines"
        );
        let w = ev.counts_at(14 * MIN, MIN).unwrap();
        assert_eq!((w.bad, w.total), (1.0, 10.0));
    }

    #[test]
    fn nothing_is_dropped_silently() {
        let reqs = SLI.requests(grid()).unwrap();
        let mut steps = LineSteps::new(grid());
        steps.add(
            &reqs[0],
            &matrix(&[
                (12 * MIN, 2.0),
                (12 * MIN + 1, 5.0),
                (30 * MIN, 5.0),
                (13 * MIN, 1.5),
                (14 * MIN, f64::NAN),
            ]),
        );
        steps.add(&reqs[1], &matrix(&[(12 * MIN, 3.0)]));
        let c = steps.finish();
        assert_eq!((c.lines, c.bad), (2, 2));
        let w = c.warnings.join("; ");
        assert!(
            w.contains("2 counted point(s) were not on the 1-step grid"),
            "{w}"
        );
        assert!(
            w.contains("2 point(s) were not whole non-negative counts"),
            "{w}"
        );
        assert!(w.contains("at 1 step(s) the bad lines outnumbered"), "{w}");
    }

    #[test]
    fn no_line_is_no_data() {
        let c = LineSteps::new(grid()).finish();
        assert_eq!((c.lines, c.covered_from_ms), (0, None));
        let bad = [c.bad_series];
        let valid = [c.valid_series];
        let ev = SliEvents::ratio(Counted::Bad, &bad, &valid, grid(), CountMode::Exact).unwrap();
        assert_eq!(
            ev.counts_at(20 * MIN, 10 * MIN).unwrap().error_ratio(),
            None
        );
    }

    /// The demo's Loki API answers both counts; they equal a recount of the demo's lines.
    #[test]
    fn the_demo_source_counts_match_its_lines() {
        use crate::demo::logs::lines::slot_lines;
        use crate::demo::traces::shapes::SLOT_MS;
        use crate::demo::{incident_window_ms, DemoBackend};
        use crate::formats::prometheus::ResultData;
        use crate::logs::loki::{decode_loki, LokiAnswer};

        // Two hours ending inside the demo's incident window, so some payments lines are errors.
        let now_ms = 1_705_320_000_000;
        let incident = incident_window_ms(now_ms);
        let end = (incident.0 + 30 * MIN).div_euclid(MIN) * MIN;
        let grid = EvalGrid {
            start_ms: end - 120 * MIN,
            end_ms: end,
            step_ms: MIN,
        };
        let mut steps = LineSteps::new(grid);
        let sli = LogSli {
            selector: r#"{service_name="payments"}"#,
            bad: r#"| level="error""#,
        };
        let demo = DemoBackend::new(7);
        for req in sli.requests(grid).unwrap() {
            let resp = demo.respond_logs("/loki/api/v1/query_range", &req.params, now_ms);
            let Ok(LokiAnswer::Metric(m)) = decode_loki(resp.status, &resp.body) else {
                panic!("{}", String::from_utf8_lossy(&resp.body))
            };
            let ResultData::Matrix(series) = m.data else {
                panic!("not a matrix")
            };
            steps.add(&req, &series);
        }
        let c = steps.finish();
        // Recount: payments lines with grid.start − 1 min < ts ≤ grid end (ms exact at whole minutes).
        let (lo_ns, hi_ns) = ((grid.start_ms - MIN) * 1_000_000, grid.end_ms * 1_000_000);
        let (mut lines, mut bad) = (0u64, 0u64);
        for k in (lo_ns / 1_000_000 / SLOT_MS - 1)..=(hi_ns / 1_000_000 / SLOT_MS) {
            for l in slot_lines(7, k, incident) {
                if l.service == "payments" && l.ts_ns > lo_ns && l.ts_ns <= hi_ns {
                    lines += 1;
                    bad += u64::from(l.level == "error");
                }
            }
        }
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!((c.lines, c.bad), (lines, bad));
        assert!(lines > 100 && bad > 0, "{lines} lines, {bad} bad");
    }
}
