//! The seeded inputs of every workload. Only [`crate::rng`] and integer or correctly rounded
//! float operations are used, so a seed gives the same bytes natively and in WASM; the runners
//! print [`checksum_f64`]/[`checksum_bytes`] of each input to prove it.

use std::fmt::Write as _;

use crate::rng::Rng;

/// Sizes of the workloads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// PCT-10M: lognormal samples.
    pub pct_n: usize,
    /// The prefix of the PCT input the incumbent-style JS baseline is measured on (its comparator
    /// sorts take seconds per million).
    pub pct_small_n: usize,
    /// M4-10M: points at a regular step.
    pub m4_n: usize,
    /// M4-10M: pixel columns.
    pub m4_width: u32,
    /// HQ-PROM: histogram series, steps, buckets per histogram (the last is +Inf).
    pub hq_series: usize,
    pub hq_steps: usize,
    pub hq_buckets: usize,
    /// JSON-PROM: series and points per series.
    pub json_series: usize,
    pub json_points: usize,
    /// BURN-30d: SLOs, and one-minute steps per SLO (30 days).
    pub burn_slos: usize,
    pub burn_steps: usize,
}

impl Sizes {
    /// The sizes of performance.md §9.
    pub const FULL: Sizes = Sizes {
        pct_n: 10_000_000,
        pct_small_n: 1_000_000,
        m4_n: 10_000_000,
        m4_width: 1000,
        hq_series: 500,
        hq_steps: 11_000,
        hq_buckets: 20,
        json_series: 200,
        json_points: 10_000,
        burn_slos: 1000,
        burn_steps: 43_200,
    };

    /// Every count multiplied by `f` (at least 1; for quick runs and tests).
    pub fn scaled(f: f64) -> Sizes {
        let s = |n: usize| ((n as f64 * f).round() as usize).max(1);
        let full = Sizes::FULL;
        Sizes {
            pct_n: s(full.pct_n),
            pct_small_n: s(full.pct_small_n),
            m4_n: s(full.m4_n),
            m4_width: full.m4_width,
            hq_series: s(full.hq_series),
            hq_steps: full.hq_steps,
            hq_buckets: full.hq_buckets,
            json_series: s(full.json_series),
            json_points: full.json_points,
            burn_slos: s(full.burn_slos),
            burn_steps: full.burn_steps,
        }
    }
}

/// Seeds, one per workload.
pub const SEED_PCT: u64 = 0x5EED_0001;
pub const SEED_M4: u64 = 0x5EED_0002;
pub const SEED_HQ: u64 = 0x5EED_0003;
pub const SEED_JSON: u64 = 0x5EED_0004;
pub const SEED_BURN: u64 = 0x5EED_0005;

/// `n` lognormal latencies in ms: median 50 ms, σ = 1 (performance.md §0).
pub fn lognormal(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| 50.0 * crate::rng::exp(rng.normal())).collect()
}

/// One series at a regular step, and the chart it is drawn into.
#[derive(Debug, Clone, PartialEq)]
pub struct M4Input {
    pub t_ms: Vec<i64>,
    pub values: Vec<f64>,
    pub t0_ms: i64,
    pub t1_ms: i64,
    pub width_px: u32,
    /// What the app passes: twice the step (a line breaks across a missing scrape).
    pub max_gap_ms: Option<i64>,
}

/// First timestamp and step of the M4 and JSON series.
pub const T0_MS: i64 = 1_700_000_000_000;
pub const STEP_MS: i64 = 15_000;

/// `n` points 15 s apart: a random walk around 100 with rare spikes; all finite.
pub fn m4_series(n: usize, width_px: u32, seed: u64) -> M4Input {
    let mut rng = Rng::new(seed);
    let t_ms: Vec<i64> = (0..n as i64).map(|i| T0_MS + i * STEP_MS).collect();
    let mut level = 100.0;
    let values = (0..n)
        .map(|_| {
            let r = rng.next_u64();
            level += ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.8;
            if r % 10_000 == 0 {
                level * 5.0
            } else {
                level
            }
        })
        .collect();
    M4Input { t_ms, values, t0_ms: T0_MS, t1_ms: T0_MS + n as i64 * STEP_MS, width_px, max_gap_ms: Some(2 * STEP_MS) }
}

/// Classic histograms in the columnar layout: `counts[(series·steps + step)·buckets + b]` are
/// cumulative counts (per-second rates, so fractional) for the shared `bounds`.
#[derive(Debug, Clone, PartialEq)]
pub struct HqInput {
    pub bounds: Vec<f64>,
    pub counts: Vec<f64>,
    pub series: usize,
    pub steps: usize,
    pub q: f64,
}

/// Bounds 1 ms · 2^k (k = 0…b−2) and +Inf. Each series has its own latency scale; per step the
/// total rate varies. About 1 step in 1024 has no observations (NaN), 1 in 1024 a bucket that
/// decreases (repaired by monotonicity), 1 in 1024 float noise of 1e-13 (ignored as a small delta).
pub fn histograms(series: usize, steps: usize, buckets: usize, seed: u64) -> HqInput {
    let buckets = buckets.max(2);
    let mut bounds = Vec::with_capacity(buckets);
    let mut b = 0.001;
    for _ in 0..buckets - 1 {
        bounds.push(b);
        b *= 2.0;
    }
    bounds.push(f64::INFINITY);
    let mut rng = Rng::new(seed);
    let mut counts = vec![0.0; series * steps * buckets];
    let mut cdf = vec![1.0; buckets];
    for (s, per_series) in counts.chunks_exact_mut(steps * buckets).enumerate() {
        let scale = 0.01 * (1.0 + (s % 23) as f64 * 0.25);
        for (c, &ub) in cdf.iter_mut().zip(&bounds).take(buckets - 1) {
            let x = ub / scale;
            *c = x * x / (1.0 + x * x);
        }
        for step in per_series.chunks_exact_mut(buckets) {
            let r = rng.next_u64();
            let total = 50.0 + (r >> 40) as f64 * (1000.0 / (1u64 << 24) as f64);
            match r & 0x3FF {
                0 => step.fill(0.0),
                kind => {
                    for (c, &f) in step.iter_mut().zip(&cdf) {
                        *c = total * f;
                    }
                    // In u64: `usize` is 32 bits on wasm32, and the input must not depend on it.
                    let k = 1 + ((r >> 12) % (buckets as u64 - 2).max(1)) as usize;
                    if kind == 1 {
                        step[k] *= 0.9;
                    } else if kind == 2 {
                        step[k] = step[k - 1] * (1.0 + 1e-13);
                    }
                }
            }
        }
    }
    HqInput { bounds, counts, series, steps, q: 0.99 }
}

/// A Prometheus `query_range` response body and the columns it must decode to.
#[derive(Debug, Clone, PartialEq)]
pub struct PromJson {
    pub body: Vec<u8>,
    pub series: usize,
    /// Timestamps shared by every series.
    pub t_ms: Vec<i64>,
    /// Values of all series, series after series.
    pub values: Vec<f64>,
}

/// `series × points` samples in Prometheus' `[ts,"value"]` shape (`jsonutil` formatting: whole
/// seconds, shortest round-trip values, `"NaN"`): 20 % counters, 40 % decimals, 40 % full-precision
/// rates, 1 in 10,000 NaN — about 27 bytes per sample (54 MB at 200 × 10,000).
pub fn prom_json(series: usize, points: usize, seed: u64) -> PromJson {
    let mut rng = Rng::new(seed);
    let mut body = String::with_capacity(series * points * 28 + 4096);
    let t_ms: Vec<i64> = (0..points as i64).map(|i| T0_MS + i * STEP_MS).collect();
    let mut values = Vec::with_capacity(series * points);
    body.push_str(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
    for s in 0..series {
        if s > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"metric":{{"__name__":"http_requests_total","instance":"host-{:03}:9100","job":"node","method":"{}","status":"{}"}},"values":["#,
            s,
            METHODS[s % 4],
            200 + (s % 5) * 100
        );
        for (i, &t) in t_ms.iter().enumerate() {
            let r = rng.next_u64();
            let v = match r % 10_000 {
                0 => f64::NAN,
                1..=1999 => ((r >> 16) % 1_000_000) as f64,
                2000..=5999 => ((r >> 16) % 100_000_000) as f64 / [1.0, 10.0, 100.0, 1000.0][((r >> 8) % 4) as usize],
                _ => ((r >> 16) % 1_000_000) as f64 / 7.0,
            };
            values.push(v);
            if i > 0 {
                body.push(',');
            }
            let _ = if v.is_nan() {
                write!(body, "[{},\"NaN\"]", t / 1000)
            } else {
                write!(body, "[{},\"{}\"]", t / 1000, v)
            };
        }
        body.push_str("]}");
    }
    body.push_str("]}}");
    PromJson { body: body.into_bytes(), series, t_ms, values }
}

/// Per-minute SLI events of many SLOs, SLO after SLO: `bad[slo·steps + k]` and `total[…]` are the
/// bad and total events of minute `k` (whole numbers, so every sum is exact in an `f64`).
#[derive(Debug, Clone, PartialEq)]
pub struct BurnInput {
    pub slos: usize,
    pub steps: usize,
    pub bad: Vec<f64>,
    pub total: Vec<f64>,
}

/// `slos × steps` minutes: 0–4,095 requests a minute, about 0.1 % bad, and for one SLO in eight
/// an incident (10 % bad) over a seeded stretch of 2 hours to 2 days.
pub fn burn_events(slos: usize, steps: usize, seed: u64) -> BurnInput {
    let mut rng = Rng::new(seed);
    let (mut bad, mut total) = (Vec::with_capacity(slos * steps), Vec::with_capacity(slos * steps));
    for slo in 0..slos {
        let r = rng.next_u64();
        let len = 120 + (r >> 20) % 2_760;
        let start = (r >> 40) % (steps as u64).max(1);
        let incident = |k: u64| slo % 8 == 0 && k >= start && k < start + len;
        for k in 0..steps as u64 {
            let r = rng.next_u64();
            let t = (r & 0xFFF) as f64;
            let per_mille = if incident(k) { 100 } else { 1 };
            let b = ((r >> 12) % 1000 < per_mille) as u64 * (1 + (r >> 32) % 8);
            total.push(t);
            bad.push((b as f64).min(t));
        }
    }
    BurnInput { slos, steps, bad, total }
}

/// A 64-bit checksum of a word stream (multiply-rotate; not cryptographic).
pub fn checksum(words: impl Iterator<Item = u64>) -> u64 {
    words.fold(0x243F_6A88_85A3_08D3, |h, w| (h ^ w).wrapping_mul(0x0000_0100_0000_01B3).rotate_left(23))
}

/// [`checksum`] of `f64` bit patterns.
pub fn checksum_f64(xs: &[f64]) -> u64 {
    checksum(xs.iter().map(|x| x.to_bits()))
}

/// [`checksum`] of bytes, eight at a time (the tail zero-padded) plus the length.
pub fn checksum_bytes(bytes: &[u8]) -> u64 {
    let words = bytes.chunks(8).map(|c| c.iter().rev().fold(0u64, |s, &b| (s << 8) | u64::from(b)));
    checksum(words.chain(std::iter::once(bytes.len() as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_have_the_documented_shape() {
        let x = lognormal(100_001, SEED_PCT);
        let mut s = x.clone();
        s.sort_by(f64::total_cmp);
        assert!((s[50_000] / 50.0 - 1.0).abs() < 0.02, "median ≈ 50 ms: {}", s[50_000]);
        let m = m4_series(1000, 100, SEED_M4);
        assert_eq!((m.t_ms.len(), m.values.len()), (1000, 1000));
        assert!(m.values.iter().all(|v| v.is_finite()));
        let h = histograms(3, 100, 20, SEED_HQ);
        assert_eq!(h.counts.len(), 3 * 100 * 20);
        let j = prom_json(2, 1000, SEED_JSON);
        let per_sample = j.body.len() as f64 / 2000.0;
        assert!((25.0..29.0).contains(&per_sample), "{per_sample} bytes per sample");
    }
}
