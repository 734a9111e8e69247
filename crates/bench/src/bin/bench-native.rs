//! The native half of `make bench`: generates each workload's seeded input, checks the kernel's
//! result against the reference, then times the kernel and the bandwidth floor (one read of the
//! same bytes) alternately: warm-up, then `--runs` pairs; median and p95. Writes JSON for
//! `bench/run.mjs`.
//!
//! `bench-native --out target/bench/native.json [--runs 15] [--warmup 2] [--scale 1.0] [--only ID]`

use std::hint::black_box;
use std::time::Instant;

use serde_json::{json, Value};
use sightline_bench::inputs::{self, Sizes, SEED_BURN, SEED_HQ, SEED_JSON, SEED_M4, SEED_PCT};
use sightline_bench::{floor, logs, traces, workloads};

struct Opts {
    out: String,
    runs: usize,
    warmup: usize,
    sizes: Sizes,
    only: Option<String>,
    /// `--scale` as given (the trace workloads scale their span counts by it).
    scale: f64,
}

fn parse_args() -> Result<Opts, String> {
    let mut o = Opts { out: "target/bench/native.json".into(), runs: 15, warmup: 2, sizes: Sizes::FULL, only: None, scale: 1.0 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--out" => o.out = val()?,
            "--runs" => o.runs = val()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--warmup" => o.warmup = val()?.parse().map_err(|e| format!("--warmup: {e}"))?,
            "--scale" => {
                o.scale = val()?.parse().map_err(|e| format!("--scale: {e}"))?;
                o.sizes = Sizes::scaled(o.scale);
            }
            "--only" => o.only = Some(val()?),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(o)
}

/// Median, p95 (nearest rank) and min of a list of times, in ms.
fn summary(mut ms: Vec<f64>, warmup: usize) -> Value {
    ms.sort_by(f64::total_cmp);
    let n = ms.len().max(1);
    let at = |i: usize| ms.get(i).copied().unwrap_or(f64::NAN);
    let p95 = at(((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1);
    json!({ "median_ms": (at((n - 1) / 2) + at(n / 2)) / 2.0, "p95_ms": p95, "min_ms": at(0), "runs": ms.len(),
            "warmup": warmup, "interleaved": true })
}

fn once<R>(f: &mut impl FnMut() -> R) -> f64 {
    let t = Instant::now();
    black_box(f());
    t.elapsed().as_secs_f64() * 1e3
}

/// The kernel and its floor timed alternately (`warmup` untimed calls of each, then `runs` pairs),
/// so load from other processes falls on both sides of the ratio alike.
fn time_pair<A, B>(
    warmup: usize,
    runs: usize,
    mut kernel: impl FnMut() -> A,
    mut floor: impl FnMut() -> B,
) -> (Value, Value) {
    for _ in 0..warmup {
        once(&mut kernel);
        once(&mut floor);
    }
    let (mut k, mut f) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        k.push(once(&mut kernel));
        f.push(once(&mut floor));
    }
    (summary(k, warmup), summary(f, warmup))
}

fn result(check: Result<String, String>, input_bytes: usize, checksum: u64, gen_ms: f64) -> Value {
    let (ok, detail) = match check {
        Ok(d) => (true, d),
        Err(d) => (false, d),
    };
    json!({ "check": { "ok": ok, "detail": detail }, "input_bytes": input_bytes,
            "input_checksum": format!("{checksum:016x}"), "generate_ms": gen_ms })
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-native: {e}");
            std::process::exit(2);
        }
    };
    let want = |id: &str| o.only.as_deref().map_or(true, |only| only == id);
    let (w, r, s) = (o.warmup, o.runs, o.sizes);
    let mut out = serde_json::Map::new();
    let mut failed = false;

    if want(workloads::PCT) {
        let t = Instant::now();
        let x = inputs::lognormal(s.pct_n, SEED_PCT);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let check = workloads::check_pct(&x, workloads::pct(&x).as_deref());
        failed |= check.is_err();
        let mut v = result(check, x.len() * 8, inputs::checksum_f64(&x), gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(w, r, || workloads::pct(&x), || floor::read_f64(&x));
        }
        out.insert(workloads::PCT.into(), v);
        eprintln!("native {}: done", workloads::PCT);
    }
    if want(workloads::M4) {
        let t = Instant::now();
        let m = inputs::m4_series(s.m4_n, s.m4_width, SEED_M4);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let check = workloads::check_m4(&m, &workloads::m4(&m));
        failed |= check.is_err();
        let sum = inputs::checksum(m.t_ms.iter().map(|&t| t as u64).chain(m.values.iter().map(|v| v.to_bits())));
        let mut v = result(check, m.t_ms.len() * 16, sum, gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(
                w,
                r,
                || workloads::m4(&m),
                || floor::read_i64(&m.t_ms).wrapping_add(floor::read_f64(&m.values)),
            );
        }
        out.insert(workloads::M4.into(), v);
        eprintln!("native {}: done", workloads::M4);
    }
    if want(workloads::HQ) {
        let t = Instant::now();
        let h = inputs::histograms(s.hq_series, s.hq_steps, s.hq_buckets, SEED_HQ);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut res = vec![0.0; h.series * h.steps];
        workloads::hq(&h, &mut res);
        let check = workloads::check_hq(&h, &res);
        failed |= check.is_err();
        let mut v = result(check, h.counts.len() * 8, inputs::checksum_f64(&h.counts), gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(w, r, || workloads::hq(&h, &mut res), || floor::read_f64(&h.counts));
        }
        out.insert(workloads::HQ.into(), v);
        eprintln!("native {}: done", workloads::HQ);
    }
    if want(workloads::JSON) {
        let t = Instant::now();
        let j = inputs::prom_json(s.json_series, s.json_points, SEED_JSON);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let check = workloads::check_json(&workloads::json(&j.body), &j);
        failed |= check.is_err();
        let mut v = result(check, j.body.len(), inputs::checksum_bytes(&j.body), gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(w, r, || workloads::json(&j.body), || floor::read_bytes(&j.body));
        }
        out.insert(workloads::JSON.into(), v);
        eprintln!("native {}: done", workloads::JSON);
    }
    for (id, full_lines) in logs::LOKI_LINES {
        if !want(id) {
            continue;
        }
        let t = Instant::now();
        let j = logs::loki_json(((full_lines as f64 * o.scale).round() as usize).max(1), logs::SEED_LOKI);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let check = logs::check_loki(&logs::loki(&j.body), &j);
        failed |= check.is_err();
        let mut v = result(check, j.body.len(), inputs::checksum_bytes(&j.body), gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(w, r, || logs::loki(&j.body), || floor::read_bytes(&j.body));
        }
        out.insert(id.into(), v);
        eprintln!("native {id}: done");
    }
    if want(workloads::BURN) {
        let t = Instant::now();
        let b = inputs::burn_events(s.burn_slos, s.burn_steps, SEED_BURN);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut res = vec![0.0; b.slos * workloads::BURN_WINDOWS.len()];
        workloads::burn(&b, &mut res);
        let check = workloads::check_burn(&b, &res);
        failed |= check.is_err();
        let sum = inputs::checksum_f64(&b.bad) ^ inputs::checksum_f64(&b.total).rotate_left(1);
        let mut v = result(check, (b.bad.len() + b.total.len()) * 8, sum, gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = time_pair(
                w,
                r,
                || workloads::burn(&b, &mut res),
                || floor::read_f64(&b.bad).wrapping_add(floor::read_f64(&b.total)),
            );
        }
        out.insert(workloads::BURN.into(), v);
        eprintln!("native {}: done", workloads::BURN);
    }

    for (id, shape, n) in traces::TRACE_WORKLOADS {
        if !want(id) {
            continue;
        }
        let n = ((n as f64 * o.scale).round() as usize).max(1);
        let t = Instant::now();
        let trace = traces::synthetic_trace(shape, n, traces::SEED_TRACE);
        let gen_ms = t.elapsed().as_secs_f64() * 1e3;
        let self_time = id == traces::SELF_100K;
        let check = if self_time {
            traces::check_self(&trace, &traces::self_and_stats(&trace))
        } else {
            traces::check_cp(&trace, shape, &traces::cp(&trace))
        };
        failed |= check.is_err();
        let sum = inputs::checksum(trace.starts_ns().iter().chain(trace.ends_ns()).copied());
        let mut v = result(check, traces::input_bytes(&trace), sum, gen_ms);
        if v["check"]["ok"] == true {
            (v["kernel"], v["floor"]) = if self_time {
                time_pair(w, r, || traces::self_and_stats(&trace), || traces::floor(&trace))
            } else {
                time_pair(w, r, || traces::cp(&trace), || traces::floor(&trace))
            };
        }
        v["spans"] = json!(trace.len());
        out.insert(id.into(), v);
        eprintln!("native {id}: done");
    }

    let doc = json!({ "runner": "native", "arch": std::env::consts::ARCH, "sizes": format!("{s:?}"),
                      "warmup": w, "workloads": out });
    if let Some(dir) = std::path::Path::new(&o.out).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(&o.out, serde_json::to_string_pretty(&doc).unwrap_or_default()) {
        eprintln!("bench-native: cannot write {}: {e}", o.out);
        std::process::exit(1);
    }
    if failed {
        eprintln!("bench-native: a check failed (see {})", o.out);
        std::process::exit(1);
    }
}
