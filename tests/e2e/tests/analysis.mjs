// Client-side analyses against real Prometheus and VictoriaMetrics: histogram_quantile computed in
// the browser from raw _bucket counters must equal the backend's own histogram_quantile on the
// equivalent PromQL the app shows; exact percentiles over raw samples must equal percentiles the
// test computes itself (sort, Hyndman–Fan type 7) from samples it fetches independently.
import { SEL, assert, assertClose, open, addSource, needBackends } from '../lib/app.mjs';

const BUCKETS = 'sightline_e2e_latency_seconds_bucket';
const COUNTER_ALPHA = 'sightline_e2e_requests_total{service="alpha"}';
const ANALYSIS = '[data-testid=analysis]';

async function waitAnalysis(page, timeout = 20000) {
  await page.waitForSelector(`${ANALYSIS}[data-state=data], ${ANALYSIS}[data-state=error]`, { timeout });
  const state = await page.getAttribute(ANALYSIS, 'data-state');
  if (state !== 'data') {
    const msg = await page.locator(`${ANALYSIS} [data-testid=analysis-error]`).innerText().catch(() => '');
    throw new Error(`analysis ended in state ${state}: ${msg}`);
  }
}

/** "843.75 ms" / "1.5 s" / "12345" → a number in the base unit. */
function parseScaled(text) {
  const m = text.trim().match(/^(-?[0-9.e+-]+)\s*(ms|µs|s|ns)?$/);
  assert(m, `cannot read a number from ${JSON.stringify(text)}`);
  const factor = { ms: 1e-3, 'µs': 1e-6, ns: 1e-9, s: 1 }[m[2]] ?? 1;
  return Number(m[1]) * factor;
}

async function promValue(base, query, timeS) {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}${timeS ? `&time=${timeS}` : ''}`;
  const body = await (await fetch(url)).json();
  assert(body.status === 'success', `${url}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

async function histogramTest({ page, baseUrl, expected }, name, url) {
  await addSource(page, baseUrl, { name, url });
  await open(page, baseUrl, { ds: name, q: BUCKETS, analyze: 'histogram', aq: '0.9', from: 'now-1h' });
  await waitAnalysis(page);
  const plan = await page.locator('[data-testid=analysis-plan]').innerText();
  assert(plan.startsWith('exact:'), `small data should be computed exactly in the browser: ${plan}`);
  const rows = page.locator(`${ANALYSIS} ${SEL.legendItem}`);
  assert(await rows.count() === 1, `sum by (le) gives one series, got ${await rows.count()}`);
  // Columns: series, mean, min, max, last, p50, p95, p99, n.
  const cells = await rows.first().locator('td').allInnerTexts();
  const last = parseScaled(cells[4]);
  const min = parseScaled(cells[2]);
  const max = parseScaled(cells[3]);
  // The backend's own answer for the PromQL the app says it computed.
  const equivalent = (await page.locator('[data-testid=analysis-equivalent]').innerText()).trim();
  const data = await promValue(url, equivalent);
  assert(data.result.length === 1, `backend answer: ${JSON.stringify(data)}`);
  const backend = Number(data.result[0].value[1]);
  assertClose(backend, expected.histogram.p90, 1e-9, `${name}'s own ${equivalent}`);
  // Six significant digits on screen: 843.75 ms exactly for this data.
  for (const [what, v] of [['last', last], ['min', min], ['max', max]]) {
    assertClose(v, backend, 1e-6 * backend, `browser-computed p90 (${what}) vs ${name}`);
  }
}

/** Type 7 over finite values, by sort. */
function type7(sorted, q) {
  const h = (sorted.length - 1) * q;
  const j = Math.floor(h);
  return j + 1 < sorted.length ? sorted[j] + (h - j) * (sorted[j + 1] - sorted[j]) : sorted[j];
}

async function percentileTest({ page, baseUrl, expected }, name, url) {
  await addSource(page, baseUrl, { name, url });
  // An absolute range between sample times (samples sit on a 15 s grid), so which samples belong
  // to it is unambiguous: those with start ≤ t ≤ end.
  const start = expected.window.anchor_ms - 2 * 3600e3 + 7000;
  const end = expected.window.anchor_ms - 3600e3 + 7000;
  await open(page, baseUrl, { ds: name, q: COUNTER_ALPHA, analyze: 'percentiles', from: String(start), to: String(end) });
  await waitAnalysis(page);
  // Independent fetch: a wide raw range selector, filtered here.
  const data = await promValue(url, `${COUNTER_ALPHA}[3h]`, (end / 1000).toFixed(3));
  const samples = data.result[0].values
    .filter(([t]) => t * 1000 >= start && t * 1000 <= end)
    .map(([, v]) => Number(v))
    .sort((a, b) => a - b);
  assert(samples.length === 240, `one sample per 15 s over 1 h: got ${samples.length}`);
  const row = page.locator('[data-testid=percentile-row]').first();
  const cells = await row.locator('td').allInnerTexts();
  assert(Number(cells[1]) === samples.length, `n: app ${cells[1]}, test ${samples.length}`);
  // Cells show six significant digits; data-value holds the exact value.
  const exact = await row.locator('td[data-value]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.value)));
  [0.5, 0.9, 0.95, 0.99, 0.999].forEach((q, i) => {
    const want = type7(samples, q);
    assertClose(exact[i], want, 1e-9 * Math.abs(want), `p${q * 100} on ${name}`);
    assertClose(Number(cells[2 + i]), want, 1e-5 * Math.abs(want), `p${q * 100} as shown on ${name}`);
  });
  // Nearest rank: always a value that occurred.
  const linearP50 = exact[0];
  await page.selectOption('[data-testid=percentile-method]', 'nearest');
  let p50 = linearP50;
  for (let i = 0; i < 40 && p50 === linearP50; i++) {
    await page.waitForTimeout(50);
    p50 = Number(await row.locator('td[data-value]').first().getAttribute('data-value'));
  }
  assert(samples.includes(p50), `nearest-rank p50 ${p50} should be one of the samples`);
  assertClose(p50, samples[Math.ceil(0.5 * samples.length) - 1], 1e-9, 'nearest-rank p50');
}

export default [
  {
    name: 'prometheus: histogram_quantile in the browser equals Prometheus\' own answer',
    run: (ctx) => { needBackends(ctx); return histogramTest(ctx, 'prom', ctx.prom); },
  },
  {
    name: 'victoriametrics: histogram_quantile in the browser equals VictoriaMetrics\' own answer',
    run: (ctx) => { needBackends(ctx); return histogramTest(ctx, 'vm', ctx.vm); },
  },
  {
    name: 'prometheus: exact percentiles over raw samples equal an independent sort',
    run: (ctx) => { needBackends(ctx); return percentileTest(ctx, 'prom', ctx.prom); },
  },
  {
    name: 'victoriametrics: exact percentiles over raw samples equal an independent sort',
    run: (ctx) => { needBackends(ctx); return percentileTest(ctx, 'vm', ctx.vm); },
  },
];
