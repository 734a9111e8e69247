// Helpers shared by the end-to-end tests: navigation by URL (the app keeps its whole view in the
// query string), adding data sources through the Settings UI, waiting for the query panel, and
// reading what the app shows (legend, result table, canvas pixels). Everything waits with an
// explicit timeout and fails with a message that says what was expected and what was seen.

export const SEL = {
  panel: '[data-testid=panel]',
  panelError: '[data-testid=panel-error]',
  noData: '[data-testid=no-data]',
  panelStatus: '[data-testid=panel-status]',
  chart: 'canvas[data-testid=chart]',
  legendItem: '[data-testid=legend-item]',
  hoverReadout: '[data-testid=hover-readout]',
  resultTable: '[data-testid=result-table]',
  resultRow: '[data-testid=result-row]',
  queryInput: '[data-testid=query-input]',
  queryMode: '[data-testid=query-mode]',
  runQuery: '[data-testid=run-query]',
  dsPicker: '[data-testid=ds-picker]',
  timePicker: '[data-testid=time-picker]',
  timeFrom: '[data-testid=time-from]',
  timeTo: '[data-testid=time-to]',
  timeApply: '[data-testid=time-apply]',
  themeToggle: '[data-testid=theme-toggle]',
  pageNotBuilt: '[data-testid=page-not-built]',
};

export const DATASOURCES_KEY = 'sightline.datasources.v1';

export class AssertionError extends Error {}

export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

export function assertClose(actual, expected, tol, what) {
  assert(Number.isFinite(actual) && Math.abs(actual - expected) <= tol,
    `${what}: expected ${expected} (±${tol}), got ${actual}`);
}

/** The app URL for query parameters `params` (an object; `true` writes a bare flag like `embed`). */
export function appUrl(baseUrl, params = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === false) continue;
    parts.push(v === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return baseUrl + (parts.length ? '?' + parts.join('&') : '');
}

/** The query parameters of the page's current URL, as an object. */
export function urlParams(page) {
  return Object.fromEntries(new URL(page.url()).searchParams.entries());
}

/** Opens the app with `params` and waits until the app has mounted (its header or page content). */
export async function open(page, baseUrl, params = {}, { timeout = 15000 } = {}) {
  await page.goto(appUrl(baseUrl, params), { waitUntil: 'load', timeout });
  await waitMounted(page, timeout);
}

export async function waitMounted(page, timeout = 15000) {
  try {
    await page.waitForSelector('[data-testid=ds-picker], [data-testid=panel], [data-testid=page-not-built], [data-testid=ds-name]', { state: 'attached', timeout });
  } catch {
    const body = (await page.evaluate(() => document.body?.innerText ?? '').catch(() => '')).slice(0, 300);
    throw new AssertionError(`the app did not mount within ${timeout} ms (wasm failed to load?); page text: ${JSON.stringify(body)}`);
  }
}

/**
 * Adds a Prometheus-compatible source through Settings (the app persists it in local storage, so
 * it survives later navigations in the same browser context).
 */
export async function addSource(page, baseUrl, { name, url, auth = '', tenant = '', remember = false }, { timeout = 15000 } = {}) {
  await open(page, baseUrl, { page: 'settings' }, { timeout });
  await page.waitForSelector('[data-testid=ds-name]', { timeout });
  await page.fill('[data-testid=ds-name]', name);
  await page.selectOption('[data-testid=ds-kind]', 'prometheus');
  await page.fill('[data-testid=ds-url]', url);
  if (auth) await page.fill('[data-testid=ds-auth]', auth);
  if (tenant) await page.fill('[data-testid=ds-tenant]', tenant);
  const box = page.locator('[data-testid=ds-remember]');
  if ((await box.isChecked()) !== remember) await box.setChecked(remember);
  await page.click('[data-testid=ds-save]');
  try {
    await page.locator('[data-testid=ds-row]', { hasText: name }).first().waitFor({ timeout });
  } catch {
    const text = (await page.locator('form').first().innerText().catch(() => '')).slice(0, 300);
    throw new AssertionError(`source '${name}' did not appear as a [data-testid=ds-row] after Save; form says: ${JSON.stringify(text)}`);
  }
}

/** The panel's data-state once it is one of `states` (default: data); fails with the panel text otherwise. */
export async function waitPanel(page, states = ['data'], { timeout = 20000 } = {}) {
  if (typeof states === 'string') states = [states];
  const want = states.map((s) => `${SEL.panel}[data-state="${s}"]`).join(', ');
  try {
    await page.waitForSelector(want, { timeout });
  } catch {
    const info = await page.evaluate((sel) => {
      const p = document.querySelector(sel);
      return p ? { state: p.getAttribute('data-state'), text: p.innerText.slice(0, 400) } : null;
    }, SEL.panel).catch(() => null);
    throw new AssertionError(info
      ? `panel data-state ${JSON.stringify(info.state)} (wanted ${states.join('|')} within ${timeout} ms); panel text: ${JSON.stringify(info.text)}`
      : `no ${SEL.panel} on the page within ${timeout} ms`);
  }
  return page.getAttribute(SEL.panel, 'data-state');
}

/** Trimmed texts of the legend entries. */
export async function legendTexts(page) {
  return (await page.locator(SEL.legendItem).allInnerTexts()).map((t) => t.trim());
}

/** Result-table rows as { text, cells[] }. */
export async function tableRows(page) {
  return page.$$eval(SEL.resultRow, (rows) => rows.map((r) => ({
    text: r.innerText.trim(),
    cells: Array.from(r.querySelectorAll('td, th')).map((c) => c.innerText.trim()),
  })));
}

/**
 * The numeric value shown in a result row: the first cell that parses fully as a number (Prometheus'
 * spellings NaN/+Inf/-Inf included), searched after the series cell. Falls back to the first
 * number-like token in the row text after the closing brace of the label set.
 */
export function rowValue(row) {
  const parse = (s) => {
    const t = s.replace(/[\u2212]/g, '-').replace(/,/g, '').trim();
    if (/^[+-]?Inf$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (t === 'NaN') return NaN;
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
  };
  for (const cell of row.cells.slice(1)) {
    const v = parse(cell);
    if (v !== undefined) return v;
  }
  const after = row.text.slice(row.text.lastIndexOf('}') + 1);
  const m = after.match(/[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i);
  return m ? Number(m[0]) : NaN;
}

/**
 * Pixel statistics of the chart canvas: total pixels, pixels that differ from the most common
 * colour (the background), and "colourful" pixels (max-min channel spread > 60 — the series
 * palette; axes, grid and text are grey).
 */
export async function canvasInk(page, selector = SEL.chart) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) return { width: c.width, height: c.height, total: 0, ink: 0, colourful: 0 };
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    let bg = 0, best = -1;
    for (const [k, n] of counts) if (n > best) { best = n; bg = k; }
    let ink = 0, colourful = 0;
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
      if (key !== bg) ink++;
      const mx = Math.max(data[i], data[i + 1], data[i + 2]);
      const mn = Math.min(data[i], data[i + 1], data[i + 2]);
      if (data[i + 3] > 128 && mx - mn > 60) colourful++;
    }
    return { width: c.width, height: c.height, total: data.length / 4, ink, colourful };
  });
}

/** Waits for the chart and checks that series were drawn on it. */
export async function assertChartDrawn(page, { minColourful = 150, timeout = 10000 } = {}) {
  await page.waitForSelector(SEL.chart, { timeout });
  // The canvas is drawn by an effect after mount; give it a few frames.
  let stats;
  const deadline = Date.now() + timeout;
  do {
    stats = await canvasInk(page);
    if (stats.colourful >= minColourful) return stats;
    await page.waitForTimeout(100);
  } while (Date.now() < deadline);
  throw new AssertionError(`chart canvas ${stats.width}x${stats.height} has ${stats.ink} non-background and only ${stats.colourful} series-coloured pixels (wanted ≥ ${minColourful})`);
}

/** Types a query into the editor and runs it with the Run button. */
export async function runQuery(page, query, { mode } = {}) {
  await page.fill(SEL.queryInput, query);
  if (mode) await page.selectOption(SEL.queryMode, mode);
  await page.click(SEL.runQuery);
}

/** Opens Explore on source `ds` with `q` in `mode` and waits for the panel to reach one of `states`. */
export async function explore(page, baseUrl, { ds, q, mode = 'range', from, to, extra = {} }, states = ['data'], timeout = 20000) {
  await open(page, baseUrl, { page: 'explore', ds, q, mode, from, to, ...extra });
  return waitPanel(page, states, { timeout });
}

/** Fails when the backends (E2E_STATE) are not available to this run. */
export function needBackends({ expected, prom, vm }) {
  assert(expected && prom && vm,
    'backends not started: E2E_STATE must name a directory prepared by `scripts/backends.sh start` (run the suite with scripts/e2e.sh)');
}

/** Adds a source of `kind` (jaeger, tempo, zipkin, loki …) through Settings. */
export async function addKindSource(page, baseUrl, { name, kind, url }) {
  await open(page, baseUrl, { page: 'settings' });
  await page.fill('[data-testid=ds-name]', name);
  await page.selectOption('[data-testid=ds-kind]', kind);
  await page.fill('[data-testid=ds-url]', url);
  await page.click('[data-testid=ds-save]');
  await page.locator('[data-testid=ds-row]', { hasText: name }).first().waitFor({ timeout: 10000 });
}
