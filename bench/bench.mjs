// The browser half of `make bench` (served by bench/run.mjs next to the wasm-bindgen output in
// /pkg/). For every workload: generate the seeded input inside WASM (same bytes as the native
// runner: compare the checksums), check the WASM kernel and each JS baseline against the
// reference, then time WASM, the JS baselines and the bandwidth floors (warm-up, then `runs`
// runs; median and p95). Results end in `window.__benchResults`; progress lines go to the
// console and `window.__benchProgress`.
//
// URL parameters: scale (input sizes × scale, default 1), runs (default 15), warmup (default 3),
// slow_runs (runs of the seconds-long incumbent baselines, default 10), only (one workload id).

import init, * as wasm from './pkg/sightline_bench_wasm.js';
import * as pct from './baselines/pct.mjs';
import * as m4 from './baselines/m4.mjs';
import * as hq from './baselines/hq.mjs';
import * as json from './baselines/json.mjs';
import * as burn from './baselines/burn.mjs';
import * as cp from './baselines/cp.mjs';
import * as loki from './baselines/loki.mjs';

const params = new URLSearchParams(location.search);
const SCALE = Number(params.get('scale') ?? 1);
const RUNS = Number(params.get('runs') ?? 15);
const WARMUP = Number(params.get('warmup') ?? 3);
const SLOW_RUNS = Number(params.get('slow_runs') ?? 10);
const ONLY = params.get('only');
const QS = [0.5, 0.95, 0.99];

const scaled = (n) => Math.max(1, Math.round(n * SCALE));
const SIZES = {
  pct_n: scaled(10_000_000), pct_small_n: scaled(1_000_000),
  m4_n: scaled(10_000_000), m4_width: 1000,
  hq_series: scaled(500), hq_steps: 11_000, hq_buckets: 20, hq_incumbent_series: Math.min(10, scaled(500)),
  json_series: scaled(200), json_points: 10_000,
  burn_slos: scaled(1000), burn_steps: 43_200, burn_incumbent_slos: Math.min(10, scaled(1000)),
  loki: { 'JSON-LOKI-5k': scaled(5_000), 'JSON-LOKI-100k': scaled(100_000) },
  traces: { 'CP-RAND-100k': scaled(100_000), 'CP-RAND-1M': scaled(1_000_000), 'CP-WIDE-10k': scaled(10_000), 'CP-WIDE-100k': scaled(100_000), 'CP-DEEP-100k': scaled(100_000), 'SELF-100k': scaled(100_000) },
};

window.__benchProgress = [];
const log = (msg) => {
  window.__benchProgress.push(msg);
  console.log(`[bench] ${msg}`);
  document.getElementById('log').textContent += `\n${msg}`;
};

const summary = (runs_ms, warmup) => {
  const ms = [...runs_ms].sort((a, b) => a - b);
  const n = ms.length;
  return { median_ms: (ms[(n - 1) >> 1] + ms[n >> 1]) / 2, p95_ms: ms[Math.min(n, Math.max(1, Math.ceil(0.95 * n))) - 1], min_ms: ms[0], runs: n, warmup, runs_ms: runs_ms.map((x) => +x.toFixed(3)) };
};

/** Warm-up: at least `warmup` untimed calls, continued (up to 40 calls or 4 s) until the best
 * time stops improving by more than 3 % over three calls — the engine compiles hot WASM and JS in
 * the background, and a timed run must not catch the baseline tier. Returns the calls made. */
function warm(fn, setup, warmup) {
  let best = Infinity, stale = 0, calls = 0;
  const until = performance.now() + 4000;
  while (calls < warmup || (stale < 3 && calls < 40 && performance.now() < until)) {
    setup();
    const t = performance.now();
    fn();
    const ms = performance.now() - t;
    calls++;
    if (ms < best * 0.97) { best = ms; stale = 0; } else stale++;
  }
  return calls;
}

/** Median, p95 (nearest rank) and min of `runs` timed calls after warm-up. */
function time(fn, { runs = RUNS, warmup = WARMUP, setup = () => {} } = {}) {
  const calls = warm(fn, setup, warmup);
  const runs_ms = [];
  for (let i = 0; i < runs; i++) {
    setup();
    const t = performance.now();
    fn();
    runs_ms.push(performance.now() - t);
  }
  return summary(runs_ms, calls);
}

/** Several variants timed round-robin (run 1 of each, then run 2 of each, …), so load from other
 * processes falls on every side of a ratio alike. `variants`: name → fn or { fn, setup }. */
function timeTogether(variants, { runs = RUNS, warmup = WARMUP } = {}) {
  const list = Object.entries(variants).map(([name, v]) => ({ name, fn: v.fn ?? v, setup: v.setup ?? (() => {}), ms: [] }));
  for (const v of list) v.calls = warm(v.fn, v.setup, warmup);
  for (let i = 0; i < runs; i++) {
    for (const v of list) {
      v.setup();
      const t = performance.now();
      v.fn();
      v.ms.push(performance.now() - t);
    }
  }
  return Object.fromEntries(list.map((v) => [v.name, { ...summary(v.ms, v.calls), interleaved: true }]));
}

/** The JS floor: one read of the same bytes (Float64Array, four accumulators; monomorphic). */
function jsFloor(x) {
  let a = 0, b = 0, c = 0, d = 0;
  const n4 = x.length - (x.length % 4);
  for (let i = 0; i < n4; i += 4) { a += x[i]; b += x[i + 1]; c += x[i + 2]; d += x[i + 3]; }
  for (let i = n4; i < x.length; i++) a += x[i];
  return a + b + c + d;
}

/** The JS floor over bytes: as 64-bit words, plus the last few bytes. */
function jsFloorBytes(words, tail) {
  let s = jsFloor(words);
  for (let i = 0; i < tail.length; i++) s += tail[i];
  return s;
}

const sameBits = (a, b) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]) || (Number.isNaN(x) && Number.isNaN(b[i])));
const close = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
function expect(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  return 'ok';
}

let memory;
const f64 = (ptr, len) => new Float64Array(memory.buffer, ptr, len);

function runPct() {
  const n = SIZES.pct_n, small = Math.min(n, SIZES.pct_small_n);
  const p = new wasm.Pct(n);
  const out = { input: { bytes: n * 8, checksum: p.checksum() }, variants: {}, checks: {} };
  out.checks.wasm = p.check();
  const ref = p.reference(n), refSmall = p.reference(small);
  const data = f64(p.ptr(), n).slice();
  const plain = Array.from(data.subarray(0, small));
  out.checks.js_honest = expect(sameBits(pct.radix(data, QS), ref.subarray(0, 3)), 'JS radix vs full sort');
  out.checks.js_d3 = expect(sameBits(pct.d3Quantile(data, QS), ref.subarray(0, 3)), 'd3 quantile vs full sort');
  out.checks.js_sort = expect(sameBits(pct.typedSort(data, QS), ref.subarray(0, 3)), 'Float64Array.sort vs full sort');
  out.checks.js_incumbent = expect(sameBits(pct.grafana(plain, QS), refSmall.subarray(6, 9)), 'Grafana-style vs round((n−1)q) of a full sort');
  log('PCT: checks passed; timing');
  const v = out.variants;
  Object.assign(v, timeTogether({
    wasm: () => p.run(n), wasm_floor: () => p.floor(), js_honest: () => pct.radix(data, QS), js_floor: () => jsFloor(data), wasm_small: () => p.run(small),
  }));
  v.js_d3 = time(() => pct.d3Quantile(data, QS), { runs: SLOW_RUNS, warmup: 1 });
  v.js_sort = time(() => pct.typedSort(data, QS), { runs: Math.min(SLOW_RUNS, 5), warmup: 1 });
  v.js_incumbent = time(() => pct.grafana(plain, QS), { runs: SLOW_RUNS, warmup: 1 });
  v.js_incumbent.input_n = small;
  p.free();
  return out;
}

function runM4() {
  const n = SIZES.m4_n;
  const m = new wasm.M4(n, SIZES.m4_width);
  const out = { input: { bytes: n * 16, checksum: m.checksum() }, variants: {}, checks: {} };
  out.checks.wasm = m.check();
  const [t0, t1, w, gap] = m.params();
  const refT = m.out_t(), refV = m.out_v();
  const t = Float64Array.from(new BigInt64Array(memory.buffer, m.t_ptr(), n), Number);
  const v = f64(m.v_ptr(), n).slice();
  const plainT = Array.from(t), plainV = Array.from(v);
  const h = m4.honest(t, v, t0, t1, w, gap);
  out.checks.js_honest = expect(sameBits(h.t, refT) && sameBits(h.v, refV), 'JS M4 vs the core');
  const inc = m4.incumbent(plainT, plainV, t0, t1, w, gap);
  out.checks.js_incumbent = expect(sameBits(inc.t, refT) && sameBits(inc.v, refV), 'incumbent-style M4 vs the core');
  log('M4: checks passed; timing');
  const r = out.variants;
  Object.assign(r, timeTogether({
    wasm: () => m.run(), wasm_floor: () => m.floor(), js_honest: () => m4.honest(t, v, t0, t1, w, gap), js_floor: () => jsFloor(t) + jsFloor(v),
  }));
  r.js_incumbent = time(() => m4.incumbent(plainT, plainV, t0, t1, w, gap), { runs: SLOW_RUNS, warmup: 1 });
  m.free();
  return out;
}

function runHq() {
  const { hq_series: series, hq_steps: steps, hq_buckets: buckets } = SIZES;
  const h = new wasm.Hq(series, steps, buckets);
  const out = { input: { bytes: series * steps * buckets * 8, checksum: h.checksum() }, variants: {}, checks: {} };
  out.checks.wasm = h.check();
  const bounds = h.bounds(), q = h.q();
  const counts = () => f64(h.counts_ptr(), h.counts_len()); // a view: no copy of 880 MB (re-made after any growth)
  const wasmOut = f64(h.out_ptr(), series * steps).slice();
  const honestOut = new Float64Array(series * steps);
  hq.honest(q, bounds, counts(), series, steps, honestOut);
  out.checks.js_honest = expect(honestOut.every((x, i) => close(x, wasmOut[i])), 'JS histogram_quantile vs the core');
  // Incumbent input: the first K histograms as Prometheus returns them (one series per le).
  const K = SIZES.hq_incumbent_series;
  const c = counts(), bucketSeries = [];
  for (let s = 0; s < K; s++) {
    for (let b = 0; b < buckets; b++) {
      const values = new Array(steps);
      for (let k = 0; k < steps; k++) values[k] = c[(s * steps + k) * buckets + b];
      bucketSeries.push({ metric: { __name__: 'http_request_duration_seconds_bucket', service: `svc-${s}`, le: bounds[b] === Infinity ? '+Inf' : String(bounds[b]) }, values });
    }
  }
  const inc = hq.incumbent(q, bucketSeries);
  out.checks.js_incumbent = expect(inc.every((vals, s) => vals.every((x, k) => close(x, wasmOut[s * steps + k]))), 'incumbent-style histogram_quantile vs the core');
  log('HQ: checks passed; timing');
  const r = out.variants;
  let view = counts();
  const fresh = () => { view = counts(); };
  Object.assign(r, timeTogether({
    wasm: () => h.run(), wasm_floor: () => h.floor(),
    js_honest: { fn: () => hq.honest(q, bounds, view, series, steps, honestOut), setup: fresh },
    js_floor: { fn: () => jsFloor(view), setup: fresh },
  }));
  r.js_incumbent = time(() => hq.incumbent(q, bucketSeries), { runs: SLOW_RUNS, warmup: 1 });
  r.js_incumbent.scaled_from_series = K;
  r.js_incumbent.scale = series / K;
  h.free();
  return out;
}

function runJson() {
  const j = new wasm.Json(SIZES.json_series, SIZES.json_points);
  const body = j.body();
  const out = { input: { bytes: body.length, checksum: j.checksum() }, variants: {}, checks: {} };
  j.load(body);
  out.checks.wasm = j.check();
  const expT = j.expected_t(), expV = f64(j.expected_v_ptr(), j.expected_v_len()).slice();
  const matches = (decoded) => decoded.length === SIZES.json_series && decoded.every((s, i) =>
    sameBits(s.t, expT) && sameBits(s.v, expV.subarray(i * expT.length, (i + 1) * expT.length)));
  out.checks.js_honest = expect(matches(json.honest(body)), 'JS byte scanner vs the generated columns');
  out.checks.js_incumbent = expect(matches(json.incumbent(body)), 'JSON.parse + convert vs the generated columns');
  log('JSON: checks passed; timing');
  const r = out.variants;
  r.wasm_copy = time(() => j.load(body));
  j.load(body);
  const words = new Float64Array(body.buffer, body.byteOffset, body.length >> 3), tail = body.subarray(words.length * 8);
  Object.assign(r, timeTogether({
    wasm: { fn: () => j.run(), setup: () => j.clear() }, wasm_floor: () => j.floor(),
    js_honest: () => json.honest(body), js_floor: () => jsFloorBytes(words, tail),
  }));
  r.js_incumbent = time(() => json.incumbent(body), { runs: SLOW_RUNS, warmup: 1 });
  j.free();
  return out;
}

function runLoki(id) {
  const l = new wasm.Loki(SIZES.loki[id]);
  const body = l.body();
  const out = { input: { bytes: body.length, checksum: l.checksum() }, variants: {}, checks: {} };
  l.load(body);
  out.checks.wasm = l.check();
  const newest = '1700000000000000000';
  const matches = (r) => r.count === l.lines() && r.textBytes === l.text_bytes() && r.newest === newest;
  out.checks.js_honest = expect(matches(loki.honest(body)), 'JS columns vs the generated lines');
  out.checks.js_incumbent = expect(matches(loki.incumbent(body)), 'JSON.parse + row objects vs the generated lines');
  log(`${id}: checks passed; timing`);
  const r = out.variants;
  r.wasm_copy = time(() => l.load(body));
  l.load(body);
  const words = new Float64Array(body.buffer, body.byteOffset, body.length >> 3), tail = body.subarray(words.length * 8);
  Object.assign(r, timeTogether({
    wasm: { fn: () => l.run(), setup: () => l.clear() }, wasm_floor: () => l.floor(),
    js_honest: () => loki.honest(body), js_floor: () => jsFloorBytes(words, tail),
  }));
  r.js_incumbent = time(() => loki.incumbent(body), { runs: SLOW_RUNS, warmup: 1 });
  l.free();
  return out;
}

function runBurn() {
  const { burn_slos: slos, burn_steps: steps } = SIZES;
  const b = new wasm.Burn(slos, steps);
  const out = { input: { bytes: slos * steps * 16, checksum: b.checksum() }, variants: {}, checks: {} };
  out.checks.wasm = b.check();
  const windows = Array.from(b.windows()), budget = b.budget();
  const wasmOut = b.out();
  const views = () => [f64(b.bad_ptr(), slos * steps), f64(b.total_ptr(), slos * steps)]; // no copy of 691 MB
  let [bad, total] = views();
  const honestOut = new Float64Array(slos * windows.length);
  burn.honest(bad, total, slos, steps, windows, budget, honestOut);
  out.checks.js_honest = expect(sameBits(honestOut, wasmOut), 'JS prefix sums vs the core');
  const K = SIZES.burn_incumbent_slos;
  const points = Array.from({ length: K }, (_, s) => burn.toPoints(bad, total, s, steps));
  const inc = points.map((p) => burn.incumbent(p, windows, budget));
  out.checks.js_incumbent = expect(inc.every((rates, s) => rates.every((x, j) => close(x, wasmOut[s * windows.length + j]))), 'naive windows vs the core');
  log('BURN: checks passed; timing');
  const r = out.variants;
  const fresh = () => { [bad, total] = views(); };
  Object.assign(r, timeTogether({
    wasm: () => b.run(), wasm_floor: () => b.floor(),
    js_honest: { fn: () => burn.honest(bad, total, slos, steps, windows, budget, honestOut), setup: fresh },
    js_floor: { fn: () => jsFloor(bad) + jsFloor(total), setup: fresh },
  }));
  r.js_incumbent = time(() => points.forEach((p) => burn.incumbent(p, windows, budget)), { runs: SLOW_RUNS, warmup: 1 });
  r.js_incumbent.scaled_from_series = K;
  r.js_incumbent.scale = slos / K;
  b.free();
  return out;
}

/** CP-* and SELF-100k: the trace is built in WASM; the JS baselines get its columns (copied once,
 * untimed). The incumbent is skipped where its O(n²) LFC rescans would take minutes (wide traces
 * above 20k spans); where it overflows the stack, the error is the result. */
function runTrace(id) {
  const n = SIZES.traces[id];
  const t = new wasm.TraceBench(id, n);
  const out = { input: { bytes: t.input_bytes(), checksum: t.checksum() }, variants: {}, checks: {} };
  out.checks.wasm = t.check();
  const r = out.variants;
  if (id === 'SELF-100k') {
    Object.assign(r, timeTogether({ wasm: () => t.run(), wasm_floor: () => t.floor() }));
    t.free();
    return out;
  }
  const starts = Float64Array.from(t.starts()), ends = Float64Array.from(t.ends());
  const parents = Uint32Array.from(t.parents()), nb = Uint8Array.from(t.non_blocking());
  const want = Float64Array.from(t.sections());
  out.checks.js_honest = expect(sameBits(cp.honest(starts, ends, parents, nb), want), 'JS iterative vs the core');
  const wideLarge = id.startsWith('CP-WIDE') && n > 20_000;
  let incumbent = null;
  if (wideLarge) {
    out.checks.js_incumbent = 'not run: its LFC rescans are O(n²) on this shape (minutes per run)';
  } else {
    const { spans, roots } = cp.toSpans(starts, ends, parents, nb);
    try {
      out.checks.js_incumbent = expect(sameBits(Float64Array.from(cp.incumbent(spans, roots)), want), 'Jaeger-UI-style vs the core');
      incumbent = () => cp.incumbent(spans, roots);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      out.checks.js_incumbent = `fails: ${e.message} (recursion per step, as jaeger-ui #2720)`;
    }
  }
  log(`${id}: checks passed; timing`);
  Object.assign(r, timeTogether({
    wasm: () => t.run(), wasm_floor: () => t.floor(),
    js_honest: () => cp.honest(starts, ends, parents, nb), js_floor: () => jsFloor(starts) + jsFloor(ends),
  }));
  if (incumbent) r.js_incumbent = time(incumbent, { runs: n > 200_000 ? 3 : SLOW_RUNS, warmup: 1 });
  t.free();
  return out;
}

async function main() {
  const exports = await init({ module_or_path: './pkg/sightline_bench_wasm_bg.wasm' });
  memory = exports.memory;
  const results = {
    env: {
      userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: self.crossOriginIsolated, simd128: false, sizes: SIZES, runs: RUNS, warmup: WARMUP, slow_runs: SLOW_RUNS,
    },
    workloads: {}, errors: [],
  };
  const traceRuns = Object.keys(SIZES.traces).map((id) => [id, () => runTrace(id)]);
  const lokiRuns = Object.keys(SIZES.loki).map((id) => [id, () => runLoki(id)]);
  for (const [id, run] of [['PCT-10M', runPct], ['M4-10M', runM4], ['HQ-PROM', runHq], ['JSON-PROM', runJson], ...lokiRuns, ['BURN-30d', runBurn], ...traceRuns]) {
    if (ONLY && ONLY !== id) continue;
    log(`${id}: generating and checking`);
    const t = performance.now();
    try {
      results.workloads[id] = run();
    } catch (e) {
      results.errors.push(`${id}: ${e && e.stack ? e.stack : e}`);
      results.workloads[id] = { error: String(e) };
    }
    log(`${id}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  results.env.wasm_memory_bytes = memory.buffer.byteLength;
  window.__benchResults = results;
  log('all done');
}

main().catch((e) => { window.__benchResults = { fatal: String(e && e.stack ? e.stack : e) }; });
