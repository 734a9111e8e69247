// Native histograms against a real Prometheus (started with --enable-feature=native-histograms,
// scraping scripts/e2e_exporter.py's protobuf endpoint every second): the count, sum and p50/p90/p99
// Sightline shows for a native histogram equal Prometheus' own histogram_count, histogram_sum and
// histogram_quantile at the same time; range results draw quantile lines and a heatmap.
import fs from 'node:fs';
import { SEL, assert, addSource, explore, assertChartDrawn, canvasInk, legendTexts } from '../lib/app.mjs';
import { nativeProm, promInstant, close } from '../lib/native.mjs';

const METRIC = 'sightline_nh_seconds';

/** The quantile cells of the native table: [{q, value}] of its first row, plus count, sum, time. */
async function nativeRow(page) {
  await page.waitForSelector('[data-testid=native-row]', { timeout: 10000 });
  return page.$eval('[data-testid=native-row]', (row) => ({
    t: Number(row.getAttribute('data-t-ms')),
    count: Number(row.querySelector('[data-testid=native-count]').getAttribute('data-value')),
    sum: Number(row.querySelector('[data-testid=native-sum]').getAttribute('data-value')),
    quantiles: Array.from(row.querySelectorAll('[data-testid=native-quantile]')).map((c) => ({
      q: c.getAttribute('data-q'), value: Number(c.getAttribute('data-value')),
    })),
  }));
}

/** Every number in the row equals Prometheus' own answer for `expr` at the row's time. */
async function compareWithProm(url, row, expr) {
  const t = row.t / 1000;
  assert(Number.isFinite(t) && t > 0, `the native row carries no sample time: ${JSON.stringify(row)}`);
  const [count] = await promInstant(url, `histogram_count(${expr})`, t);
  const [sum] = await promInstant(url, `histogram_sum(${expr})`, t);
  assert(count && close(row.count, count.value), `count: Sightline ${row.count}, Prometheus ${count?.value}`);
  assert(sum && close(row.sum, sum.value), `sum: Sightline ${row.sum}, Prometheus ${sum?.value}`);
  assert(row.quantiles.length === 3, `expected p50, p90, p99 cells, got ${JSON.stringify(row.quantiles)}`);
  for (const { q, value } of row.quantiles) {
    const [want] = await promInstant(url, `histogram_quantile(${q}, ${expr})`, t);
    assert(want, `Prometheus has no histogram_quantile(${q}, ${expr}) at ${t}`);
    assert(close(value, want.value), `q=${q}: Sightline ${value}, Prometheus ${want.value} (at ${t})`);
  }
}

export default [
  {
    name: 'native histograms: instant count, sum and quantiles equal Prometheus',
    run: async ({ page, baseUrl }) => {
      const url = nativeProm();
      await addSource(page, baseUrl, { name: 'nh', url });
      const to = Date.now() - 2000;
      await explore(page, baseUrl, { ds: 'nh', q: METRIC, mode: 'instant', from: String(to - 3600000), to: String(to) }, ['data']);
      const row = await nativeRow(page);
      await compareWithProm(url, row, METRIC);
      // The CSV holds the quantiles shown, exactly.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      const exact = await page.$$eval('[data-testid=native-quantile]', (cells) => cells.map((c) => c.getAttribute('data-value')));
      for (const v of exact) assert(csv.includes(`,${v},`) || csv.includes(`,${v}\r`), `CSV should hold ${v}: ${JSON.stringify(csv.slice(0, 400))}`);
      const lines = csv.trim().split(/\r?\n/);
      assert(lines[0].split(',').includes('quantile') && lines.length === 4, `CSV: a quantile column and 3 rows: ${JSON.stringify(csv.slice(0, 400))}`);
      const definition = await page.locator('[data-testid=native-definition]').innerText();
      assert(/Source version: 2\./.test(definition) ? /linearly/.test(definition) : /exponentially/.test(definition),
        `the definition should name the interpolation of the source's version: ${JSON.stringify(definition)}`);
    },
  },
  {
    name: 'native histograms: range quantile lines, heatmap, and the last step equals Prometheus',
    run: async ({ page, baseUrl }) => {
      const url = nativeProm();
      await addSource(page, baseUrl, { name: 'nh', url });
      const to = Date.now() - 2000;
      const expr = `rate(${METRIC}[10s])`;
      await explore(page, baseUrl, { ds: 'nh', q: expr, mode: 'range', from: String(to - 60000), to: String(to) }, ['data']);
      await assertChartDrawn(page, { minColourful: 60 });
      const legend = await legendTexts(page);
      for (const q of ['0.5', '0.9', '0.99']) {
        assert(legend.some((t) => t.includes(`quantile="${q}"`)), `legend should list quantile="${q}": ${JSON.stringify(legend)}`);
      }
      const status = (await page.locator(SEL.panelStatus).innerText()).trim();
      assert(/native histogram/.test(status), `panel status should count native histogram samples: ${JSON.stringify(status)}`);
      await compareWithProm(url, await nativeRow(page), expr);
      await page.goto(page.url() + '&style=heatmap');
      await page.waitForSelector('canvas[data-testid=heatmap]', { timeout: 10000 });
      let ink;
      for (let i = 0; i < 50; i++) {
        ink = await canvasInk(page, 'canvas[data-testid=heatmap]');
        if (ink.colourful > 500) break;
        await page.waitForTimeout(100);
      }
      assert(ink.colourful > 500, `the native heatmap should be drawn: ${JSON.stringify(ink)}`);
      const caption = await page.locator('[data-testid=heatmap-caption]').innerText();
      assert(/buckets × \d+ steps/.test(caption), `heatmap caption: ${JSON.stringify(caption)}`);
    },
  },
];
