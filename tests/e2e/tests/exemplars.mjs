// Exemplars: fetched from query_exemplars for the panel's query and range, drawn as points on the
// chart, with a hover readout; clicking one opens ?page=traces&trace=<id>. Against a real Prometheus
// with exemplar storage (scraping scripts/e2e_exporter.py's OpenMetrics endpoint) and the demo.
import { assert, addSource, explore, assertChartDrawn, urlParams } from '../lib/app.mjs';
import { nativeProm, promExemplars } from '../lib/native.mjs';

const MARKER = '[data-testid=exemplar]';

async function markers(page) {
  await page.waitForSelector(MARKER, { timeout: 10000 });
  return page.$$eval(MARKER, (els) => els.map((e) => ({ trace: e.getAttribute('data-trace-id'), t: Number(e.getAttribute('data-t-ms')), value: Number(e.getAttribute('data-value')) })));
}

/** Hovers the last marker, checks the readout, clicks it and checks the URL. */
async function hoverAndOpen(page) {
  const marker = page.locator(MARKER).last();
  const trace = await marker.getAttribute('data-trace-id');
  assert(/^[0-9a-f]{16,32}$/.test(trace), `marker trace id: ${trace}`);
  await marker.hover();
  const readout = page.locator('[data-testid=exemplar-readout]');
  await readout.waitFor({ state: 'visible', timeout: 5000 });
  const text = await readout.innerText();
  assert(text.includes(trace) && /Exemplar value/.test(text), `readout should show the value and trace id: ${JSON.stringify(text)}`);
  const before = urlParams(page);
  await marker.click();
  await page.waitForFunction((id) => new URL(location.href).searchParams.get('trace') === id, trace, { timeout: 5000 });
  const after = urlParams(page);
  assert(after.page === 'traces' && after.trace === trace, `after the click: ${JSON.stringify(after)}`);
  assert(after.q === before.q && after.ds === before.ds && after.from === before.from,
    `the rest of the view should be kept: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
}

export default [
  {
    name: 'exemplars: prometheus exemplars are points on the chart and open their trace',
    run: async ({ page, baseUrl }) => {
      const url = nativeProm();
      await addSource(page, baseUrl, { name: 'nh', url });
      const to = Date.now() - 1000;
      const from = to - 60000;
      const q = 'histogram_quantile(0.9, sum by (le) (rate(sightline_ex_seconds_bucket[30s])))';
      await explore(page, baseUrl, { ds: 'nh', q, mode: 'range', from: String(from), to: String(to) }, ['data']);
      await assertChartDrawn(page);
      const shown = await markers(page);
      // The window the chart shows (the app aligns the range to its step) is on the marker layer.
      const layer = page.locator('[data-testid=exemplar-layer]');
      const start = Number(await layer.getAttribute('data-start-ms'));
      const end = Number(await layer.getAttribute('data-end-ms'));
      assert(start >= from - 15000 && end <= to + 15000 && start < end, `chart window ${start}..${end} for ${from}..${to}`);
      const stored = await promExemplars(url, q, start / 1000, end / 1000);
      assert(stored.length > 0, 'Prometheus stored no exemplars in the range');
      const ids = new Set(stored.map((e) => e.labels.trace_id));
      assert(shown.length === stored.length, `${shown.length} markers for the ${stored.length} exemplars Prometheus has in ${start}..${end}`);
      for (const m of shown) assert(ids.has(m.trace), `marker trace ${m.trace} is not among Prometheus' exemplars`);
      const values = new Map(stored.map((e) => [e.labels.trace_id, Number(e.value)]));
      for (const m of shown) assert(values.get(m.trace) === m.value, `marker ${m.trace}: value ${m.value}, Prometheus ${values.get(m.trace)}`);
      await hoverAndOpen(page);
    },
  },
  {
    name: 'exemplars: the demo source answers query_exemplars and its points open traces',
    run: async ({ page, baseUrl }) => {
      const q = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';
      await explore(page, baseUrl, { q, mode: 'range', from: 'now-1h', to: 'now' }, ['data']);
      await assertChartDrawn(page);
      const shown = await markers(page);
      assert(shown.length >= 100, `the demo has one exemplar per endpoint instance every 10 minutes: only ${shown.length} markers`);
      const status = await page.locator('[data-testid=exemplar-status]').innerText();
      assert(status.includes(`${shown.length} exemplars`), `status should count the exemplars: ${JSON.stringify(status)}`);
      await hoverAndOpen(page);
    },
  },
];
