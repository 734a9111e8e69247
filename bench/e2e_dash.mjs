// E2E-DASH (`make bench`, or `scripts/bench.sh --only E2E-DASH`): a cold load of a ten-panel
// dashboard — fetch, decode 54 MB of `query_range` answers (10 panels × 20 series × 10,000
// points), exact p50/p95/p99 of every series (the legends), M4 and draw — in the release app
// (its Dashboards page, served from `--app`, built with `--public-url /app/`), against the
// incumbent pipeline (bench/baselines/dash.mjs: a Grafana-like JS dashboard) in the same
// headless Chromium, on the same answers from the same local server.
//
// Per run, times are read on one clock (epoch ms: the server's `Date.now()` and the page's
// `performance.timeOrigin + performance.now()`, same machine):
// - bytes: when the server handed the last byte of a panel's answer to the socket (loopback);
// - drawn: when the panel's chart had drawn its last line (the app's canvas `data-drawn-ms`);
// - stats: when the panel's legend had its statistics (the app's table `data-stats-ms`).
// Reported, medians over the runs: time to the first chart after the first answer's bytes arrived
// (target ≤ 0.5 s), time to all ten charts and legends after the last answer's bytes, the
// longest main-thread task (Long Tasks API) from the first request to the end (target ≤ 50 ms),
// and the same for the incumbent, with the ratios. Results: target/bench/e2e-dash.json.
//
// node bench/e2e_dash.mjs --app target/bench/app [--runs 10] [--warmup 1] [--out target/bench]

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { bigMatrix } from '../tests/e2e/lib/big_matrix.mjs';
import { addSource } from '../tests/e2e/lib/app.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const appDir = path.resolve(root, args.app ?? 'target/bench/app');
const outDir = path.resolve(root, args.out ?? 'target/bench');
const RUNS = Number(args.runs ?? 10);
const WARMUP = Number(args.warmup ?? 1);
const PANELS = 10;
const SERIES = 20;
const POINTS = 10_000;
const TO_MS = 1_764_000_000_000;
const FROM_MS = TO_MS - 3_600_000;
const FIRST_CHART_TARGET_MS = 500;
const LONG_TASK_TARGET_MS = 50;

// ---------------------------------------------------------------------------------------------
// The answers (generated before anything is timed) and the data server, which records when each
// answer's last byte went out.

const bodies = Array.from({ length: PANELS }, (_, p) => bigMatrix({
  series: SERIES, points: POINTS, startS: FROM_MS / 1000, endS: TO_MS / 1000, name: 'sightline_dash', seed: p + 1,
  labels: (k) => `"panel":"${p}","instance":"host-${String(k).padStart(2, '0')}","job":"dash"`,
}));
const totalBytes = bodies.reduce((n, b) => n + b.length, 0);
let sent = [];
const data = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const m = /panel="(\d+)"/.exec(url.searchParams.get('query') ?? '');
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' };
  if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
  if (!url.pathname.endsWith('/api/v1/query_range') || !m || !bodies[Number(m[1])]) {
    return res.writeHead(404, cors).end('not found');
  }
  const p = Number(m[1]);
  const started = Date.now();
  res.on('finish', () => sent.push({ panel: p, started, bytesAt: Date.now() }));
  res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Content-Length': bodies[p].length });
  res.end(bodies[p]);
});

// The app at /app/ and the incumbent page at /bench/.
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
const files = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const [base, rel] = url.pathname.startsWith('/app/')
    ? [appDir, url.pathname.slice(5) || 'index.html']
    : url.pathname.startsWith('/bench/') ? [path.join(root, 'bench'), url.pathname.slice(7)] : [null, null];
  const file = base && path.resolve(base, rel);
  if (!file || !file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return res.writeHead(404).end('not found');
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
const listen = (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port)));
const dataPort = await listen(data);
const filesPort = await listen(files);
const dataUrl = `http://127.0.0.1:${dataPort}`;
const appUrl = `http://127.0.0.1:${filesPort}/app/`;

// Long tasks from the start of the page, into window.__longtasks.
const OBSERVE = () => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { window.__longtasks = null; }
  // Diagnostics for E2E_DASH_VERBOSE: long animation frames split into script and render time.
  window.__loafs = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__loafs.push({
          start: performance.timeOrigin + e.startTime, duration: e.duration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          scripts: (e.scripts || []).map((x) => `${x.invoker || x.invokerType}:${x.duration.toFixed(0)}`).join(','),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* no diagnostics */ }
};

const queries = Array.from({ length: PANELS }, (_, p) => `sightline_dash{panel="${p}"}`);
const board = JSON.stringify({
  sightline: 'dashboard', version: 1, title: 'E2E-DASH',
  panels: queries.map((q, p) => ({ title: `Panel ${p}`, query: q })),
});

/** One measured load: per panel bytes/drawn/stats (epoch ms), and the long tasks. */
function summarise(panels, tasks, startedAt) {
  const firstBytes = Math.min(...panels.map((p) => p.bytesAt));
  const lastBytes = Math.max(...panels.map((p) => p.bytesAt));
  const firstDrawn = Math.min(...panels.map((p) => p.drawn));
  const lastDrawn = Math.max(...panels.map((p) => p.drawn));
  const lastStats = Math.max(...panels.map((p) => p.stats));
  const end = Math.max(lastDrawn, lastStats);
  const during = tasks.filter((t) => t.start + t.duration >= startedAt && t.start <= end);
  return {
    firstChartMs: firstDrawn - firstBytes,
    allChartsMs: lastDrawn - lastBytes,
    allDoneMs: end - lastBytes,
    perPanelMs: panels.map((p) => Math.max(p.drawn, p.stats) - p.bytesAt),
    wallMs: end - startedAt,
    longestTaskMs: during.reduce((m, t) => Math.max(m, t.duration), 0),
    longTasks: during.length,
  };
}

async function sightlineRun(page) {
  sent = [];
  const url = `${appUrl}?page=dashboards&ds=dash&from=${FROM_MS}&to=${TO_MS}&tz=utc&board=${encodeURIComponent(board)}`;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction((n) => {
    const drawn = [...document.querySelectorAll('canvas[data-testid=chart]')].filter((c) => c.hasAttribute('data-drawn-ms'));
    const stats = [...document.querySelectorAll('table.legend')].filter((t) => t.hasAttribute('data-stats-ms'));
    return drawn.length === n && stats.length === n;
  }, PANELS, { timeout: 120000, polling: 250 });
  const got = await page.evaluate(() => {
    const at = (ms) => performance.timeOrigin + Number(ms);
    const cells = [...document.querySelectorAll('[data-testid=dash-panel]')];
    return {
      panels: cells.map((c) => ({ drawn: at(c.querySelector('canvas[data-testid=chart]').getAttribute('data-drawn-ms')), stats: at(c.querySelector('table.legend').getAttribute('data-stats-ms')) })),
      tasks: window.__longtasks,
      loafs: window.__loafs,
    };
  });
  return finish(got);
}

async function incumbentRun(page) {
  sent = [];
  await page.goto(`http://127.0.0.1:${filesPort}/bench/dash_incumbent.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.benchReady === true);
  const results = await page.evaluate(async (o) => {
    const r = await window.loadDashboard(o);
    return { panels: r.map((p) => ({ drawn: performance.timeOrigin + p.drawnMs, stats: performance.timeOrigin + p.statsMs })), tasks: window.__longtasks };
  }, { dataUrl, panels: queries, from: FROM_MS, to: TO_MS });
  return finish(results);
}

function finish({ panels, tasks, loafs = [] }) {
  if (!Array.isArray(tasks)) throw new Error('this browser does not report long tasks');
  if (sent.length !== PANELS) throw new Error(`expected ${PANELS} answers sent, saw ${sent.length}`);
  const byPanel = new Map(sent.map((s) => [s.panel, s]));
  const startedAt = Math.min(...sent.map((s) => s.started));
  const rows = panels.map((p, i) => ({ ...p, bytesAt: byPanel.get(i).bytesAt, started: byPanel.get(i).started }));
  if (process.env.E2E_DASH_VERBOSE) {
    const rel = (t) => (t - startedAt).toFixed(0);
    for (const [i, p] of rows.entries()) console.log(`    panel ${i}: request +${rel(p.started)}, bytes +${rel(p.bytesAt)}, drawn +${rel(p.drawn)}, stats +${rel(p.stats)}`);
    for (const f of loafs.filter((f) => f.start >= startedAt && f.duration > 50)) console.log(`    frame +${rel(f.start)}: ${f.duration.toFixed(0)} ms, render ${f.render.toFixed(0)}; scripts ${f.scripts}`);
    console.log(`    long tasks (+start:duration): ${tasks.filter((t) => t.start + t.duration >= startedAt - 2000).map((t) => `+${rel(t.start)}:${t.duration.toFixed(0)}`).join(' ')}`);
  }
  return summarise(rows, tasks, startedAt);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]; };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const loadBefore = os.loadavg();
const results = {};
try {
  for (const [name, run] of [['sightline', sightlineRun], ['incumbent', incumbentRun]]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e-dash] ${name} page error: ${e.message}`));
    if (process.env.E2E_DASH_VERBOSE) page.on('console', (m) => { if (m.text().startsWith('sightline')) console.log(`    ${m.text()}`); });
    await page.addInitScript(OBSERVE);
    if (name === 'sightline') await addSource(page, appUrl, { name: 'dash', url: dataUrl });
    const runs = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const r = await run(page);
      if (i >= WARMUP) runs.push(r);
      process.stdout.write(`[e2e-dash] ${name} run ${i + 1 - WARMUP}: first chart ${r.firstChartMs.toFixed(0)} ms, all done ${r.allDoneMs.toFixed(0)} ms, longest task ${r.longestTaskMs.toFixed(0)} ms${i < WARMUP ? ' (warm-up)' : ''}\n`);
    }
    await context.close();
    const pick = (k) => runs.map((r) => r[k]);
    results[name] = Object.fromEntries(['firstChartMs', 'allChartsMs', 'allDoneMs', 'wallMs', 'longestTaskMs', 'longTasks'].map((k) => [k, { median: median(pick(k)), p95: p95(pick(k)) }]));
    results[name].runs = runs;
  }
} finally {
  await browser.close();
  data.close();
  files.close();
}

const s = results.sightline;
const inc = results.incumbent;
const verdict = (v, target) => (v <= target ? 'met' : '**missed**');
const fmt = (x) => `${x.median.toFixed(0)} ms (p95 ${x.p95.toFixed(0)})`;
const report = {
  workload: 'E2E-DASH', panels: PANELS, seriesPerPanel: SERIES, pointsPerSeries: POINTS, bytes: totalBytes, runs: RUNS,
  chromium: browser.version?.() ?? '', loadBefore, loadAfter: os.loadavg(), date: new Date().toISOString(), results,
};
const lines = [
  `E2E-DASH: ${PANELS} panels × ${SERIES} series × ${POINTS} points, ${(totalBytes / 1e6).toFixed(1)} MB of query_range JSON; medians of ${RUNS} cold loads (load ${loadBefore[0].toFixed(1)} → ${os.loadavg()[0].toFixed(1)})`,
  '',
  '| | Sightline (release app) | incumbent (Grafana-like JS) | incumbent / Sightline |',
  '|---|---|---|---|',
  `| first chart after its bytes arrived | ${fmt(s.firstChartMs)} (≤ ${FIRST_CHART_TARGET_MS}: ${verdict(s.firstChartMs.median, FIRST_CHART_TARGET_MS)}) | ${fmt(inc.firstChartMs)} | ${(inc.firstChartMs.median / s.firstChartMs.median).toFixed(1)}× |`,
  `| all 10 charts after the last bytes | ${fmt(s.allChartsMs)} | ${fmt(inc.allChartsMs)} | ${(inc.allChartsMs.median / s.allChartsMs.median).toFixed(1)}× |`,
  `| all charts and legends (p50/p95/p99) after the last bytes | ${fmt(s.allDoneMs)} | ${fmt(inc.allDoneMs)} | ${(inc.allDoneMs.median / s.allDoneMs.median).toFixed(1)}× |`,
  `| first request → everything shown | ${fmt(s.wallMs)} | ${fmt(inc.wallMs)} | ${(inc.wallMs.median / s.wallMs.median).toFixed(1)}× |`,
  `| longest main-thread task in that time | ${fmt(s.longestTaskMs)} (≤ ${LONG_TASK_TARGET_MS}: ${verdict(s.longestTaskMs.median, LONG_TASK_TARGET_MS)}) | ${fmt(inc.longestTaskMs)} | |`,
  `| tasks ≥ 50 ms in that time | ${s.longTasks.median} | ${inc.longTasks.median} | |`,
];
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'e2e-dash.json'), JSON.stringify(report, null, 2));
fs.writeFileSync(path.join(outDir, 'e2e-dash.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
