// `make bench`, browser half and report: serves bench/ and the wasm-bindgen output on 127.0.0.1,
// runs bench/index.html in headless Chromium (playwright-core from tests/e2e), merges the results
// with the native runner's JSON, prints one table per workload with the ratios and targets, and
// writes target/bench/results.json and target/bench/results.md.
//
// node bench/run.mjs --native target/bench/native.json --pkg target/bench/pkg --out target/bench
//                    [--scale 1] [--runs 15] [--warmup 3] [--slow-runs 10] [--only ID]
// BENCH_JS_FLAGS adds V8 flags (experiments, e.g. --no-liftoff); CHROMIUM overrides /usr/bin/chromium.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const nativePath = path.resolve(root, args.native ?? 'target/bench/native.json');
const pkgDir = path.resolve(root, args.pkg ?? 'target/bench/pkg');
const outDir = path.resolve(root, args.out ?? 'target/bench');
const benchDir = path.join(root, 'bench');

// ---------------------------------------------------------------------------------------------
// Serve bench/ at / and the wasm-bindgen output at /pkg/, cross-origin isolated (5 µs timers).

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const [base, rel] = url.pathname.startsWith('/pkg/') ? [pkgDir, url.pathname.slice(5)] : [benchDir, url.pathname === '/' ? 'index.html' : url.pathname.slice(1)];
  const file = path.resolve(base, rel);
  if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
  });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

// ---------------------------------------------------------------------------------------------
// Run the page.

const sh = (cmd, argv) => { try { return execFileSync(cmd, argv, { encoding: 'utf8' }).trim(); } catch { return ''; } };
const cpuModel = (sh('lscpu', []).match(/^Model name:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? 'unknown';
const loadBefore = os.loadavg();
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--js-flags=--max-old-space-size=8192 ${process.env.BENCH_JS_FLAGS ?? ''}`.trim()],
});
const page = await browser.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.text().startsWith('[bench]')) console.log(`  browser ${m.text().slice(8)}`); });
const query = new URLSearchParams();
for (const [k, p] of [['scale', 'scale'], ['runs', 'runs'], ['warmup', 'warmup'], ['slow-runs', 'slow_runs'], ['only', 'only']]) if (args[k]) query.set(p, args[k]);
await page.goto(`http://127.0.0.1:${port}/?${query}`);
await page.waitForFunction(() => window.__benchResults, null, { timeout: 15 * 60_000, polling: 500 });
const browserResults = await page.evaluate(() => window.__benchResults);
const browserVersion = browser.version();
await browser.close();
server.close();
if (browserResults.fatal || pageErrors.length) {
  console.error(`bench page failed: ${browserResults.fatal ?? ''}\n${pageErrors.join('\n')}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Merge, compute ratios against targets, print and write.

const native = JSON.parse(fs.readFileSync(nativePath, 'utf8'));
const loadAfter = os.loadavg();
const bundle = (() => {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(dist)) return null;
  const wasmFile = fs.readdirSync(dist).find((f) => f.endsWith('.wasm'));
  if (!wasmFile) return null;
  const bytes = fs.readFileSync(path.join(dist, wasmFile));
  return { file: `dist/${wasmFile}`, raw_bytes: bytes.length, gzip_bytes: zlib.gzipSync(bytes, { level: 9 }).length };
})();

const DESCRIPTIONS = {
  'PCT-10M': 'p50/p95/p99 of 10M seeded lognormal f64 (median 50 ms, σ = 1), exact, linear interpolation (Hyndman–Fan type 7; = d3-array, Prometheus quantile_over_time)',
  'M4-10M': '`downsample::m4` over 10M points at a regular 15 s step into 1,000 px (max gap 2 steps, as the app calls it)',
  'HQ-PROM': '`histogram_quantile(0.99)` over 500 series × 11,000 steps × 20 buckets (columnar `BucketLayout`)',
  'JSON-PROM': '`decode_response` of a 200 series × 10,000 points `query_range` body (`[ts,"value"]`) into columns',
  'JSON-LOKI-5k': '`logs::loki::decode_loki` of a 5,000-line Loki `streams` answer (20 streams, logfmt lines with escaped quotes) into the columnar log store, newest first',
  'JSON-LOKI-100k': '`logs::loki::decode_loki` of a 100,000-line Loki `streams` answer into the columnar log store, newest first',
  'BURN-30d': 'burn rates of 8 windows (5 m, 30 m, 1 h, 2 h, 6 h, 1 d, 3 d, 30 d) at the end of 30 days of one-minute bad/total counts, for 1,000 SLOs (`slo::PrefixCounts`, the exact-mode core of `SliEvents`)',
  'CP-RAND-100k': '`trace::critical_path` (Jaeger UI\'s definition, iterative) of a seeded random 100k-span trace (20 services, skew, FOLLOWS_FROM and PRODUCER→CONSUMER edges)',
  'CP-RAND-1M': '`trace::critical_path` of a seeded random 1M-span trace',
  'CP-WIDE-10k': '`trace::critical_path` of a root with 10k−1 sequential children',
  'CP-WIDE-100k': '`trace::critical_path` of a root with 100k−1 sequential children',
  'CP-DEEP-100k': '`trace::critical_path` of a 100k-deep chain',
  'SELF-100k': '`trace::self_time::self_times` + `trace::stats::operation_stats` (with its critical path) of a seeded random 100k-span trace',
};
const LABELS = {
  native: 'native (Rust, release)', wasm: 'WASM (Chromium)', js_honest: 'JS honest (typed arrays, same algorithm)',
  js_incumbent: 'JS incumbent-style', js_d3: 'JS d3-array quantile (quickselect)', js_sort: 'JS Float64Array.sort',
  wasm_small: 'WASM on the first 1M (for the incumbent ratio)', wasm_copy: 'copy of the body into WASM memory',
  native_floor: 'floor native (read the same bytes)', wasm_floor: 'floor WASM', js_floor: 'floor JS',
};
const INCUMBENT = {
  'PCT-10M': 'Grafana reducer style: plain Array, one comparator sort per percentile, measured on the first 1M (10M takes ~25 s per run)',
  'M4-10M': 'plain Arrays, per-point division, string-keyed Map of column objects, comparator sort',
  'HQ-PROM': 'Prometheus-shaped input (one series per `le`, label objects, plain Arrays), `le` parsed per step, comparator sort; measured on 10 of 500 series and scaled ×50',
  'JSON-PROM': '`TextDecoder` + `JSON.parse` + conversion loop into Float64Arrays',
  'JSON-LOKI-5k': '`TextDecoder` + `JSON.parse`, one row object per line (ms Number, labels, line), comparator sort by time',
  'JSON-LOKI-100k': '`TextDecoder` + `JSON.parse`, one row object per line (ms Number, labels, line), comparator sort by time',
  'BURN-30d': 'naive windows: minutes as `{t, bad, total}` objects, `filter` + `reduce` per window; measured on 10 of 1,000 SLOs and scaled ×100',
  'CP-RAND-100k': 'Jaeger UI\'s algorithm as written: string-keyed Map of span objects, spreads, linear LFC rescans, one recursive call per step',
  'CP-RAND-1M': 'Jaeger UI\'s algorithm as written (see CP-RAND-100k)',
  'CP-WIDE-10k': 'Jaeger UI\'s algorithm as written: O(n²) LFC rescans on this shape',
  'CP-DEEP-100k': 'Jaeger UI\'s algorithm as written: overflows the stack (see the check line)',
};

const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(d));
const workloads = {};
const lines = [];
const md = [];
let missed = 0, failed = 0;
const TRACE_IDS = ['CP-RAND-100k', 'CP-RAND-1M', 'CP-WIDE-10k', 'CP-WIDE-100k', 'CP-DEEP-100k', 'SELF-100k'];
const LOKI_IDS = ['JSON-LOKI-5k', 'JSON-LOKI-100k'];
for (const id of ['PCT-10M', 'M4-10M', 'HQ-PROM', 'JSON-PROM', ...LOKI_IDS, 'BURN-30d', ...TRACE_IDS]) {
  const n = native.workloads?.[id], b = browserResults.workloads?.[id];
  if (!n && !b) continue;
  const rows = [];
  const add = (key, t, note = '') => { if (t) rows.push({ key, label: LABELS[key], ...t, note }); };
  add('native', n?.kernel);
  add('wasm', b?.variants?.wasm);
  add('js_honest', b?.variants?.js_honest);
  add('js_incumbent', b?.variants?.js_incumbent, INCUMBENT[id]);
  add('js_d3', b?.variants?.js_d3);
  add('js_sort', b?.variants?.js_sort);
  add('wasm_small', b?.variants?.wasm_small);
  add('wasm_copy', b?.variants?.wasm_copy, 'timed separately from the decode');
  add('native_floor', n?.floor);
  add('wasm_floor', b?.variants?.wasm_floor);
  add('js_floor', b?.variants?.js_floor);
  const med = (k) => rows.find((r) => r.key === k)?.median_ms;
  const wasmMs = med('wasm');
  const incumbentMs = med('js_incumbent') * (b?.variants?.js_incumbent?.scale ?? 1);
  const incumbentBase = id === 'PCT-10M' ? med('wasm_small') : wasmMs;
  const bytes = b?.input?.bytes ?? n?.input_bytes;
  const ratios = [];
  const ratio = (name, value, target, cmp) => {
    const met = target == null || !Number.isFinite(value) ? null : cmp === '<=' ? value <= target : value >= target;
    if (met === false) missed++;
    ratios.push({ name, value, target: target == null ? null : `${cmp} ${target}`, met });
  };
  ratio('WASM / WASM floor', wasmMs / med('wasm_floor'), { 'PCT-10M': 3, 'M4-10M': 1.2, 'HQ-PROM': 2 }[id] ?? null, '<=');
  ratio('native / native floor', med('native') / med('native_floor'), null);
  ratio('WASM / native', wasmMs / med('native'), 2, '<=');
  ratio('JS-honest / WASM', med('js_honest') / wasmMs, id === 'PCT-10M' ? 5 : null, '>=');
  ratio(id === 'PCT-10M' ? 'JS-incumbent / WASM (both on 1M)' : 'JS-incumbent / WASM', incumbentMs / incumbentBase, id === 'JSON-PROM' ? 10 : null, '>=');
  if (id === 'PCT-10M') {
    ratio('JS d3 quickselect / WASM', med('js_d3') / wasmMs, null);
    ratio('JS Float64Array.sort / WASM', med('js_sort') / wasmMs, 40, '>=');
  }
  if (id === 'JSON-PROM') {
    ratio('WASM throughput, MB/s', bytes / 1e3 / wasmMs, 400, '>=');
    ratio('native throughput, MB/s', bytes / 1e3 / med('native'), null);
    ratio('JS-incumbent throughput, MB/s', bytes / 1e3 / incumbentMs, null);
  }
  if (id === 'BURN-30d') ratio('WASM time, ms', wasmMs, 50, '<=');
  // performance.md: JSON-LOKI-5k ≤ 5 ms; at 100k lines ≥ 5× faster than JSON.parse (incumbent).
  if (id === 'JSON-LOKI-5k') ratio('WASM time, ms', wasmMs, 5, '<=');
  if (id === 'JSON-LOKI-100k') {
    ratio('JS-incumbent / WASM (JSON-LOKI target)', incumbentMs / wasmMs, 5, '>=');
    ratio('WASM time, ms', wasmMs, null);
  }
  // performance.md: CP-RAND-100k ≤ 2 ms in WASM and ≥ 50× the incumbent; CP-WIDE/CP-DEEP at 100k complete in ≤ 2 ms.
  if (TRACE_IDS.includes(id)) ratio('WASM time, ms', wasmMs, ['CP-RAND-100k', 'CP-WIDE-100k', 'CP-DEEP-100k'].includes(id) ? 2 : null, '<=');
  if (id === 'CP-RAND-100k') ratio('JS-incumbent / WASM (CP target)', incumbentMs / wasmMs, 50, '>=');
  ratio('JS floor / WASM floor', med('js_floor') / med('wasm_floor'), null);
  const checks = { native: n?.check, browser: b?.checks, same_input: n?.input_checksum === b?.input?.checksum, checksum: b?.input?.checksum };
  if (!n?.check?.ok || b?.error || !checks.same_input) failed++;
  workloads[id] = { description: DESCRIPTIONS[id], input_bytes: bytes, checks, rows, ratios, error: b?.error };

  lines.push('', `${id} — ${DESCRIPTIONS[id]}`, `  input ${(bytes / 1e6).toFixed(1)} MB, checksum native ${n?.input_checksum} / WASM ${b?.input?.checksum} (${checks.same_input ? 'identical' : 'DIFFERENT'})`);
  lines.push(`  check: native: ${n?.check?.detail}; WASM: ${b?.checks?.wasm ?? b?.error}; JS baselines: ${b?.checks ? Object.entries(b.checks).filter(([k]) => k !== 'wasm').map(([k, v]) => `${k} ${v}`).join(', ') : '–'}`);
  lines.push(`  ${'variant'.padEnd(48)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(9)} ${'runs'.padStart(5)}`);
  for (const r of rows) lines.push(`  ${r.label.padEnd(48)} ${fmt(r.median_ms).padStart(10)} ${fmt(r.p95_ms).padStart(9)} ${String(r.runs).padStart(5)}`);
  for (const r of ratios) lines.push(`  ${r.name.padEnd(48)} ${fmt(r.value).padStart(10)} ${r.target ? `target ${r.target}: ${r.met ? 'met' : 'MISSED'}` : ''}`);

  md.push('', `### ${id}`, '', DESCRIPTIONS[id] + '.', '', `Input ${(bytes / 1e6).toFixed(1)} MB, identical bytes natively and in WASM: ${checks.same_input ? 'yes' : '**no**'} (checksum \`${b?.input?.checksum}\`). Checks before timing — native: ${n?.check?.detail}; WASM: ${b?.checks?.wasm ?? b?.error}.`, '');
  md.push('| variant | median ms | p95 ms | runs | notes |', '|---|---:|---:|---:|---|');
  for (const r of rows) md.push(`| ${r.label} | ${fmt(r.median_ms)} | ${fmt(r.p95_ms)} | ${r.runs} | ${r.note} |`);
  md.push('', '| ratio (medians) | value | target | |', '|---|---:|---|---|');
  for (const r of ratios) md.push(`| ${r.name} | ${fmt(r.value)} | ${r.target ?? ''} | ${r.met == null ? '' : r.met ? 'met' : '**missed**'} |`);
}

const machine = {
  cpu: cpuModel, nproc: os.availableParallelism?.() ?? os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`, node: process.version, chromium: browserVersion, rustc: process.env.RUSTC_VERSION ?? sh('rustc', ['--version']),
  load_average_before: loadBefore.map((x) => +x.toFixed(2)), load_average_after: loadAfter.map((x) => +x.toFixed(2)),
  cross_origin_isolated: browserResults.env?.crossOriginIsolated, wasm_simd128: false,
  build: 'cargo --release with opt-level=3 (CARGO_PROFILE_RELEASE_OPT_LEVEL), lto, codegen-units=1, panic=abort; wasm32-unknown-unknown default features; wasm-bindgen --target web, no wasm-opt',
};
const results = { generated: new Date().toISOString(), machine, bundle, native, browser: browserResults, workloads, targets_missed: missed };
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
const header = [
  `# Sightline benchmark results`, '',
  `${machine.cpu}, ${machine.nproc} CPUs, ${machine.memory_gb} GiB; ${machine.os}; Chromium ${machine.chromium}; Node ${machine.node}; ${machine.rustc}.`,
  `Load average before/after: ${machine.load_average_before.join(' ')} / ${machine.load_average_after.join(' ')}. Build: ${machine.build}.`,
  `Median and p95 of the runs after warm-up (at least ${browserResults.env?.warmup} calls, continued until times stop improving); kernels and their floors timed interleaved; runs as listed. Generated ${results.generated}.`,
  bundle ? `App bundle (${bundle.file}): ${bundle.raw_bytes} B raw, ${bundle.gzip_bytes} B gzip -9.` : 'App bundle: dist/ not built.',
];
// One line per workload: the ratios the targets are stated in (quoted in the README).
const cell = (w, name) => {
  const r = w?.ratios.find((x) => x.name.startsWith(name));
  if (!r || !Number.isFinite(r.value)) return '–';
  const v = name === 'WASM throughput' ? `${fmt(r.value)} MB/s` : name === 'WASM time' ? `${fmt(r.value)} ms` : `${fmt(r.value)}×`;
  return r.met == null ? v : `${v} (${r.met ? 'met' : '**missed**'}: ${r.target})`;
};
const summary = ['', '## Summary (ratios of medians)', '',
  '| workload | WASM / floor | WASM / native | JS-honest / WASM | JS-incumbent / WASM | other |', '|---|---|---|---|---|---|'];
for (const [id, w] of Object.entries(workloads)) {
  const other = id === 'PCT-10M' ? `d3 quickselect / WASM ${cell(w, 'JS d3')}; Float64Array.sort / WASM ${cell(w, 'JS Float64Array.sort')}`
    : id === 'JSON-PROM' ? `WASM ${cell(w, 'WASM throughput')}` : id === 'BURN-30d' || TRACE_IDS.includes(id) || LOKI_IDS.includes(id) ? `WASM ${cell(w, 'WASM time')}` : '';
  const incumbent = cell(w, 'JS-incumbent / WASM') + (id === 'PCT-10M' ? ' (both on the first 1M)' : id === 'HQ-PROM' ? ' (10 of 500 series, scaled)' : id === 'BURN-30d' ? ' (10 of 1,000 SLOs, scaled)' : '');
  summary.push(`| ${id} | ${cell(w, 'WASM / WASM floor')} | ${cell(w, 'WASM / native')} | ${cell(w, 'JS-honest / WASM')} | ${incumbent} | ${other} |`);
}
fs.writeFileSync(path.join(outDir, 'results.md'), [...header, ...summary, ...md, ''].join('\n'));
console.log(lines.join('\n'));
console.log(`\n${machine.cpu}, ${machine.nproc} CPUs; Chromium ${machine.chromium}; load ${machine.load_average_before.join(' ')} → ${machine.load_average_after.join(' ')}`);
if (bundle) console.log(`app bundle ${bundle.file}: ${bundle.raw_bytes} B raw, ${bundle.gzip_bytes} B gzip`);
console.log(`targets missed: ${missed}; wrote ${path.relative(root, path.join(outDir, 'results.md'))} and results.json`);
if (failed) {
  console.error(`${failed} workload(s) failed a check or had different inputs`);
  process.exit(1);
}
