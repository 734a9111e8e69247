//! `sightline-bench-wasm`: the benchmark workloads of `sightline-bench` exported to JavaScript for
//! the bench page (`bench/`). Each workload object generates its input inside WASM from the same
//! seed as the native runner (so the bytes are identical — compare the checksums), checks the
//! kernel against the reference, and exposes `run()` (the kernel), `floor()` (one read of the same
//! bytes) and pointers into WASM memory so the JavaScript baselines can copy the same input.
//! Timing is done in JavaScript around these calls.

use sightline_bench::inputs::{self, BurnInput, HqInput, M4Input, PromJson, SEED_BURN, SEED_HQ, SEED_JSON, SEED_M4, SEED_PCT};
use sightline_bench::{floor, logs, reference, traces, workloads};
use sightline_core::downsample::M4Line;
use sightline_core::formats::prometheus::{PromError, QueryResponse};
use wasm_bindgen::prelude::*;

fn hex(x: u64) -> String {
    format!("{x:016x}")
}

/// PCT-10M: p50/p95/p99 of seeded lognormal samples.
#[wasm_bindgen]
pub struct Pct {
    data: Vec<f64>,
}

#[wasm_bindgen]
impl Pct {
    /// `n` samples from the PCT seed.
    #[wasm_bindgen(constructor)]
    pub fn new(n: usize) -> Pct {
        Pct { data: inputs::lognormal(n, SEED_PCT) }
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum_f64(&self.data))
    }

    pub fn ptr(&self) -> usize {
        self.data.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The kernel on the first `n` samples (all when `n` is larger).
    pub fn run(&self, n: usize) -> Vec<f64> {
        workloads::pct(self.data.get(..n).unwrap_or(&self.data)).unwrap_or_default()
    }

    pub fn floor(&self) -> f64 {
        floor::read_f64(&self.data) as f64
    }

    /// The kernel checked against a full sort of all samples.
    pub fn check(&self) -> Result<String, String> {
        workloads::check_pct(&self.data, Some(&self.run(self.data.len())))
    }

    /// Full-sort references of the first `n` samples: linear ×3, nearest rank ×3, Grafana ×3.
    pub fn reference(&self, n: usize) -> Vec<f64> {
        let r = reference::percentiles_by_sort(self.data.get(..n).unwrap_or(&self.data), &workloads::PCT_QS);
        [r.linear, r.nearest_rank, r.grafana].concat()
    }
}

/// M4-10M: one regular-step series reduced to 1,000 columns.
#[wasm_bindgen]
pub struct M4 {
    input: M4Input,
    line: M4Line,
}

#[wasm_bindgen]
impl M4 {
    #[wasm_bindgen(constructor)]
    pub fn new(n: usize, width_px: u32) -> M4 {
        M4 { input: inputs::m4_series(n, width_px, SEED_M4), line: M4Line::default() }
    }

    pub fn checksum(&self) -> String {
        let m = &self.input;
        hex(inputs::checksum(m.t_ms.iter().map(|&t| t as u64).chain(m.values.iter().map(|v| v.to_bits()))))
    }

    pub fn t_ptr(&self) -> usize {
        self.input.t_ms.as_ptr() as usize
    }

    pub fn v_ptr(&self) -> usize {
        self.input.values.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.input.t_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.input.t_ms.is_empty()
    }

    /// Window start, end and max gap in ms (exact in an f64), and the width in px.
    pub fn params(&self) -> Vec<f64> {
        let m = &self.input;
        vec![m.t0_ms as f64, m.t1_ms as f64, f64::from(m.width_px), m.max_gap_ms.unwrap_or(0) as f64]
    }

    /// The kernel; returns how many points it kept.
    pub fn run(&mut self) -> usize {
        self.line = workloads::m4(&self.input);
        self.line.len()
    }

    pub fn floor(&self) -> f64 {
        floor::read_i64(&self.input.t_ms).wrapping_add(floor::read_f64(&self.input.values)) as f64
    }

    pub fn check(&mut self) -> Result<String, String> {
        self.run();
        workloads::check_m4(&self.input, &self.line)
    }

    /// The kept timestamps (ms as f64) and values of the last run, for checking the JS baselines.
    pub fn out_t(&self) -> Vec<f64> {
        self.line.t_ms.iter().map(|&t| t as f64).collect()
    }

    pub fn out_v(&self) -> Vec<f64> {
        self.line.values.clone()
    }
}

/// HQ-PROM: `histogram_quantile` over series × steps × buckets.
#[wasm_bindgen]
pub struct Hq {
    input: HqInput,
    out: Vec<f64>,
}

#[wasm_bindgen]
impl Hq {
    #[wasm_bindgen(constructor)]
    pub fn new(series: usize, steps: usize, buckets: usize) -> Hq {
        let input = inputs::histograms(series, steps, buckets, SEED_HQ);
        let out = vec![0.0; input.series * input.steps];
        Hq { input, out }
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum_f64(&self.input.counts))
    }

    pub fn counts_ptr(&self) -> usize {
        self.input.counts.as_ptr() as usize
    }

    pub fn counts_len(&self) -> usize {
        self.input.counts.len()
    }

    pub fn out_ptr(&self) -> usize {
        self.out.as_ptr() as usize
    }

    pub fn bounds(&self) -> Vec<f64> {
        self.input.bounds.clone()
    }

    pub fn q(&self) -> f64 {
        self.input.q
    }

    pub fn series(&self) -> usize {
        self.input.series
    }

    pub fn steps(&self) -> usize {
        self.input.steps
    }

    pub fn run(&mut self) {
        workloads::hq(&self.input, &mut self.out);
    }

    pub fn floor(&self) -> f64 {
        floor::read_f64(&self.input.counts) as f64
    }

    pub fn check(&mut self) -> Result<String, String> {
        self.run();
        workloads::check_hq(&self.input, &self.out)
    }
}

/// JSON-PROM: a `query_range` body decoded into columns.
#[wasm_bindgen]
pub struct Json {
    gen: PromJson,
    loaded: Vec<u8>,
    decoded: Option<Result<QueryResponse, PromError>>,
}

#[wasm_bindgen]
impl Json {
    #[wasm_bindgen(constructor)]
    pub fn new(series: usize, points: usize) -> Json {
        Json { gen: inputs::prom_json(series, points, SEED_JSON), loaded: Vec::new(), decoded: None }
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum_bytes(&self.gen.body))
    }

    /// A copy of the generated body (what JavaScript receives from `fetch`).
    pub fn body(&self) -> Vec<u8> {
        self.gen.body.clone()
    }

    /// Takes bytes handed over from JavaScript (the copy into WASM memory happens in the call).
    pub fn load(&mut self, bytes: Vec<u8>) {
        self.loaded = bytes;
    }

    /// Frees the last decoded result (untimed, before each run).
    pub fn clear(&mut self) {
        self.decoded = None;
    }

    /// The kernel on the loaded bytes; returns the number of series.
    pub fn run(&mut self) -> usize {
        let r = workloads::json(&self.loaded);
        let n = match &r {
            Ok(resp) => match &resp.data {
                sightline_core::formats::prometheus::ResultData::Matrix(s) => s.len(),
                _ => 0,
            },
            Err(_) => 0,
        };
        self.decoded = Some(r);
        n
    }

    pub fn floor(&self) -> f64 {
        floor::read_bytes(&self.loaded) as f64
    }

    pub fn check(&mut self) -> Result<String, String> {
        self.run();
        match &self.decoded {
            Some(r) => workloads::check_json(r, &self.gen),
            None => Err("nothing decoded".into()),
        }
    }

    /// The expected columns, for checking the JS baselines: timestamps (ms) of one series, and all
    /// values series after series.
    pub fn expected_t(&self) -> Vec<f64> {
        self.gen.t_ms.iter().map(|&t| t as f64).collect()
    }

    pub fn expected_v_ptr(&self) -> usize {
        self.gen.values.as_ptr() as usize
    }

    pub fn expected_v_len(&self) -> usize {
        self.gen.values.len()
    }
}

/// JSON-LOKI: a Loki `streams` answer decoded into the columnar log store.
#[wasm_bindgen]
pub struct Loki {
    gen: logs::LokiJson,
    loaded: Vec<u8>,
    decoded: Option<Result<sightline_core::logs::loki::LokiAnswer, PromError>>,
}

#[wasm_bindgen]
impl Loki {
    #[wasm_bindgen(constructor)]
    pub fn new(lines: usize) -> Loki {
        Loki { gen: logs::loki_json(lines, logs::SEED_LOKI), loaded: Vec::new(), decoded: None }
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum_bytes(&self.gen.body))
    }

    /// A copy of the generated body (what JavaScript receives from `fetch`).
    pub fn body(&self) -> Vec<u8> {
        self.gen.body.clone()
    }

    /// Lines and text bytes the body holds (to check the JS baselines).
    pub fn lines(&self) -> usize {
        self.gen.lines
    }

    pub fn text_bytes(&self) -> usize {
        self.gen.text_bytes
    }

    /// Takes bytes handed over from JavaScript (the copy into WASM memory happens in the call).
    pub fn load(&mut self, bytes: Vec<u8>) {
        self.loaded = bytes;
    }

    /// Frees the last decoded result (untimed, before each run).
    pub fn clear(&mut self) {
        self.decoded = None;
    }

    /// The kernel on the loaded bytes; returns the number of lines.
    pub fn run(&mut self) -> usize {
        let r = logs::loki(&self.loaded);
        let n = match &r {
            Ok(sightline_core::logs::loki::LokiAnswer::Streams { store, .. }) => store.len(),
            _ => 0,
        };
        self.decoded = Some(r);
        n
    }

    pub fn floor(&self) -> f64 {
        floor::read_bytes(&self.loaded) as f64
    }

    pub fn check(&mut self) -> Result<String, String> {
        self.run();
        match &self.decoded {
            Some(r) => logs::check_loki(r, &self.gen),
            None => Err("nothing decoded".into()),
        }
    }
}

/// BURN-30d: burn rates of 8 windows at the end of 30 days of minutes, for many SLOs.
#[wasm_bindgen]
pub struct Burn {
    input: BurnInput,
    out: Vec<f64>,
}

#[wasm_bindgen]
impl Burn {
    #[wasm_bindgen(constructor)]
    pub fn new(slos: usize, steps: usize) -> Burn {
        let input = inputs::burn_events(slos, steps, SEED_BURN);
        let out = vec![0.0; input.slos * workloads::BURN_WINDOWS.len()];
        Burn { input, out }
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum_f64(&self.input.bad) ^ inputs::checksum_f64(&self.input.total).rotate_left(1))
    }

    pub fn bad_ptr(&self) -> usize {
        self.input.bad.as_ptr() as usize
    }

    pub fn total_ptr(&self) -> usize {
        self.input.total.as_ptr() as usize
    }

    pub fn slos(&self) -> usize {
        self.input.slos
    }

    pub fn steps(&self) -> usize {
        self.input.steps
    }

    /// Windows in steps and the budget, for the JS baselines.
    pub fn windows(&self) -> Vec<f64> {
        workloads::BURN_WINDOWS.iter().map(|&w| w as f64).collect()
    }

    pub fn budget(&self) -> f64 {
        workloads::BURN_BUDGET
    }

    pub fn run(&mut self) {
        workloads::burn(&self.input, &mut self.out);
    }

    /// The burn rates of the last run (`slos × 8`).
    pub fn out(&self) -> Vec<f64> {
        self.out.clone()
    }

    pub fn floor(&self) -> f64 {
        floor::read_f64(&self.input.bad).wrapping_add(floor::read_f64(&self.input.total)) as f64
    }

    pub fn check(&mut self) -> Result<String, String> {
        self.run();
        workloads::check_burn(&self.input, &self.out)
    }
}

/// CP-RAND-100k/1M, CP-WIDE-10k/100k, CP-DEEP-100k and SELF-100k: a seeded synthetic trace built
/// inside WASM (same spans as the native runner: compare the checksums), the app's critical-path
/// (or self-time + statistics) kernel, and the trace's columns for the JavaScript baselines.
#[wasm_bindgen]
pub struct TraceBench {
    trace: sightline_core::trace::Trace,
    shape: traces::Shape,
    self_time: bool,
}

#[wasm_bindgen]
impl TraceBench {
    /// The workload `id` (`CP-RAND-100k` …) with `n` spans; `None` for an unknown id.
    #[wasm_bindgen(constructor)]
    pub fn new(id: &str, n: usize) -> Result<TraceBench, String> {
        let (_, shape, _) =
            traces::TRACE_WORKLOADS.iter().find(|(w, _, _)| *w == id).ok_or_else(|| format!("unknown trace workload {id}"))?;
        let trace = traces::synthetic_trace(*shape, n, traces::SEED_TRACE);
        Ok(TraceBench { trace, shape: *shape, self_time: id == traces::SELF_100K })
    }

    pub fn checksum(&self) -> String {
        hex(inputs::checksum(self.trace.starts_ns().iter().chain(self.trace.ends_ns()).copied()))
    }

    pub fn input_bytes(&self) -> usize {
        traces::input_bytes(&self.trace)
    }

    pub fn len(&self) -> usize {
        self.trace.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trace.is_empty()
    }

    /// The kernel; returns the number of sections (CP) or of table rows (SELF).
    pub fn run(&self) -> usize {
        if self.self_time {
            traces::self_and_stats(&self.trace).1.len()
        } else {
            traces::cp(&self.trace).sections.len()
        }
    }

    pub fn floor(&self) -> f64 {
        traces::floor(&self.trace) as f64
    }

    pub fn check(&self) -> Result<String, String> {
        if self.self_time {
            traces::check_self(&self.trace, &traces::self_and_stats(&self.trace))
        } else {
            traces::check_cp(&self.trace, self.shape, &traces::cp(&self.trace))
        }
    }

    /// Start times (ns; exact in f64 below 2^53).
    pub fn starts(&self) -> Vec<f64> {
        self.trace.starts_ns().iter().map(|&s| s as f64).collect()
    }

    /// End times (ns).
    pub fn ends(&self) -> Vec<f64> {
        self.trace.ends_ns().iter().map(|&e| e as f64).collect()
    }

    /// Parent indices (`u32::MAX` for roots).
    pub fn parents(&self) -> Vec<u32> {
        self.trace.parents().to_vec()
    }

    /// 1 where the edge to the parent does not block it (FOLLOWS_FROM or PRODUCER→CONSUMER).
    pub fn non_blocking(&self) -> Vec<u8> {
        use sightline_core::trace::{RefType, SpanKind};
        let (kinds, refs, parents) = (self.trace.kinds(), self.trace.ref_types(), self.trace.parents());
        (0..self.trace.len())
            .map(|i| {
                let parent_kind = parents.get(i).and_then(|&p| kinds.get(p as usize));
                let pc = parent_kind == Some(&SpanKind::Producer) && kinds.get(i) == Some(&SpanKind::Consumer);
                u8::from(pc || refs.get(i) == Some(&RefType::FollowsFrom))
            })
            .collect()
    }

    /// The sections of the kernel as `[span, start, end, …]` (for checking the JS baselines).
    pub fn sections(&self) -> Vec<f64> {
        traces::cp(&self.trace).sections.iter().flat_map(|s| [f64::from(s.span), s.start_ns as f64, s.end_ns as f64]).collect()
    }
}
