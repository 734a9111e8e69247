//! The timed kernels — thin calls into `sightline-core`, exactly what the app calls — and the
//! checks each result must pass against [`crate::reference`] before anything is timed.

use sightline_core::downsample::{self, M4Line};
use sightline_core::formats::prometheus::{self, PromError, QueryResponse};
use sightline_core::stats::{self, BucketLayout, QuantileMethod};

use sightline_core::slo::{Counted, PrefixCounts};

use crate::inputs::{BurnInput, HqInput, M4Input, PromJson};
use crate::reference;

/// The workload ids of performance.md §9 that `make bench` runs.
pub const PCT: &str = "PCT-10M";
pub const M4: &str = "M4-10M";
pub const HQ: &str = "HQ-PROM";
pub const JSON: &str = "JSON-PROM";
pub const BURN: &str = "BURN-30d";

/// BURN-30d's windows in one-minute steps: the Google SRE workbook tiers' long and short windows
/// (5 m, 30 m, 1 h, 2 h, 6 h, 1 d, 3 d) and the 30-day SLO window.
pub const BURN_WINDOWS: [usize; 8] = [5, 30, 60, 120, 360, 1_440, 4_320, 43_200];
/// BURN-30d's error budget (a 99.9 % objective).
pub const BURN_BUDGET: f64 = 0.001;

/// PCT-10M asks for p50, p95 and p99, exact, linear interpolation (type 7).
pub const PCT_QS: [f64; 3] = [0.5, 0.95, 0.99];

/// PCT: the three quantiles (`None` only for an input without finite samples).
pub fn pct(values: &[f64]) -> Option<Vec<f64>> {
    stats::quantiles(values, &PCT_QS, QuantileMethod::Linear).ok()?.values
}

/// M4: the app's call (`src/charts/timeseries.rs`).
pub fn m4(input: &M4Input) -> M4Line {
    downsample::m4(&input.t_ms, &input.values, input.t0_ms, input.t1_ms, input.width_px, input.max_gap_ms)
}

/// HQ: `histogram_quantile(q)` of every series and step into `out` (`series × steps`), one
/// [`BucketLayout`] per series as the app would build it.
pub fn hq(input: &HqInput, out: &mut [f64]) {
    let per_series = input.steps * input.bounds.len();
    if per_series == 0 {
        return;
    }
    for (counts, out) in input.counts.chunks_exact(per_series).zip(out.chunks_mut(input.steps)) {
        BucketLayout::new(&input.bounds).quantiles(input.q, counts, out);
    }
}

/// JSON: the app's decoder on the whole body.
pub fn json(body: &[u8]) -> Result<QueryResponse, PromError> {
    prometheus::decode_response(200, body)
}

/// PCT result vs a full sort: bit-identical.
pub fn check_pct(values: &[f64], got: Option<&[f64]>) -> Result<String, String> {
    let want = reference::percentiles_by_sort(values, &PCT_QS).linear;
    match got {
        Some(got) if bits(got) == bits(&want) => Ok(format!("p50/p95/p99 = {got:?} equal a full sort bit for bit")),
        other => Err(format!("got {other:?}, a full sort gives {want:?}")),
    }
}

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// M4 result vs the per-point definition: identical points.
pub fn check_m4(input: &M4Input, got: &M4Line) -> Result<String, String> {
    let (t, v) = reference::m4(&input.t_ms, &input.values, input.t0_ms, input.t1_ms, input.width_px, input.max_gap_ms);
    let same_v = v.len() == got.values.len()
        && v.iter().zip(&got.values).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
    if t == got.t_ms && same_v {
        Ok(format!("{} points kept, identical to the per-point definition", got.len()))
    } else {
        Err(format!("{} points kept, the per-point definition keeps {}", got.len(), t.len()))
    }
}

/// HQ result vs the line-by-line port of Prometheus, every step, within 1e-12 (NaN = NaN).
pub fn check_hq(input: &HqInput, got: &[f64]) -> Result<String, String> {
    let b = input.bounds.len();
    let (mut nan, mut max_diff) = (0usize, 0.0f64);
    for (i, (step, &g)) in input.counts.chunks_exact(b).zip(got).enumerate() {
        let want = reference::bucket_quantile(input.q, &input.bounds, step);
        if !reference::close(g, want, 1e-12) {
            return Err(format!("step {i}: {g} != Prometheus' {want}"));
        }
        if want.is_nan() {
            nan += 1;
        } else if g != want {
            max_diff = max_diff.max((g - want).abs());
        }
    }
    let steps = input.counts.len() / b.max(1);
    if got.len() != steps {
        return Err(format!("{} results for {steps} steps", got.len()));
    }
    Ok(format!(
        "{steps} steps equal Prometheus' bucketQuantile (max |diff| {max_diff:e}; {nan} NaN with no observations)"
    ))
}

/// JSON result vs the generator's columns.
pub fn check_json(got: &Result<QueryResponse, PromError>, want: &PromJson) -> Result<String, String> {
    match got {
        Ok(resp) => reference::check_decoded(resp, want)
            .map(|()| format!("{} series × {} points equal the generated columns", want.series, want.t_ms.len())),
        Err(e) => Err(format!("decode failed: {e}")),
    }
}

/// BURN: per SLO, the prefix sums of its minutes (the exact-mode core of the app's `SliEvents`)
/// and the burn rate of each window ending at the last minute, into `out` (`slos × 8`, NaN for a
/// window without events).
pub fn burn(input: &BurnInput, out: &mut [f64]) {
    if input.steps == 0 {
        return;
    }
    let slos = input.bad.chunks_exact(input.steps).zip(input.total.chunks_exact(input.steps));
    let mut prefix = PrefixCounts::default();
    for ((bad, total), out) in slos.zip(out.chunks_exact_mut(BURN_WINDOWS.len())) {
        prefix.refill(Counted::Bad, bad, total);
        for (o, (_, rate)) in out.iter_mut().zip(prefix.burn_rates_at_end(&BURN_WINDOWS, BURN_BUDGET)) {
            *o = rate.unwrap_or(f64::NAN);
        }
    }
}

/// BURN result vs summing every window minute by minute: equal (the counts are whole numbers,
/// so both sums are exact and the burn rates identical).
pub fn check_burn(input: &BurnInput, got: &[f64]) -> Result<String, String> {
    let want = reference::burn_rates(&input.bad, &input.total, input.steps, &BURN_WINDOWS, BURN_BUDGET);
    if want.len() != got.len() {
        return Err(format!("{} burn rates, the window sums give {}", got.len(), want.len()));
    }
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        if g.to_bits() != w.to_bits() && !(g.is_nan() && w.is_nan()) {
            return Err(format!("SLO {} window {}: {g} != {w} from summing the window", i / BURN_WINDOWS.len(), i % BURN_WINDOWS.len()));
        }
    }
    let fast = want.iter().filter(|&&r| r >= 14.4).count();
    Ok(format!("{} burn rates equal summing each window minute by minute ({fast} at or over 14.4×)", want.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{self, SEED_BURN, SEED_HQ, SEED_JSON, SEED_M4, SEED_PCT};

    #[test]
    fn every_kernel_passes_its_check_on_small_inputs() {
        let x = inputs::lognormal(100_000, SEED_PCT);
        check_pct(&x, pct(&x).as_deref()).unwrap();
        let m = inputs::m4_series(50_000, 300, SEED_M4);
        check_m4(&m, &m4(&m)).unwrap();
        let h = inputs::histograms(4, 3000, 20, SEED_HQ);
        let mut out = vec![0.0; 4 * 3000];
        hq(&h, &mut out);
        check_hq(&h, &out).unwrap();
        let j = inputs::prom_json(3, 2000, SEED_JSON);
        check_json(&json(&j.body), &j).unwrap();
        let b = inputs::burn_events(16, 43_200, SEED_BURN);
        let mut rates = vec![0.0; 16 * BURN_WINDOWS.len()];
        burn(&b, &mut rates);
        check_burn(&b, &rates).unwrap();
        assert!(rates.iter().all(|r| r.is_finite() && *r >= 0.0), "every window has events");
        rates[3] += 1.0;
        assert!(check_burn(&b, &rates).is_err(), "the check notices a wrong rate");
    }
}
