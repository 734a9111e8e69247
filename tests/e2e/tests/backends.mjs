// The app against real Prometheus and VictoriaMetrics (scripts/backends.sh), filled with data whose
// answers are in expected.json (scripts/gen_testdata.py).
import {
  SEL, assert, assertClose, open, explore, addSource, waitPanel, legendTexts, tableRows, rowValue,
  assertChartDrawn, runQuery, urlParams, needBackends,
} from '../lib/app.mjs';

const COUNTER = 'sightline_e2e_requests_total';

/** Range query of the counter: one legend entry per service, and the chart drawn. */
async function legendTest({ page, baseUrl, expected }, name, url) {
  await addSource(page, baseUrl, { name, url });
  await explore(page, baseUrl, { ds: name, q: COUNTER, mode: 'range' }, ['data']);
  await assertChartDrawn(page);
  const legend = await legendTexts(page);
  const services = expected.series[COUNTER].map((l) => l.service).sort();
  assert(legend.length === services.length, `legend should have ${services.length} entries, got ${JSON.stringify(legend)}`);
  for (const s of services) {
    assert(legend.some((t) => t.includes(`service="${s}"`)), `legend should include service="${s}": ${JSON.stringify(legend)}`);
  }
  const status = (await page.locator(SEL.panelStatus).innerText()).trim();
  assert(/step/i.test(status), `panel status should show the resolved step: ${JSON.stringify(status)}`);

  // Clicking a legend entry isolates its series: the hover readout then lists only that one.
  const readoutAt = async (fx) => {
    const box = await page.locator(SEL.chart).boundingBox();
    await page.mouse.move(box.x + box.width * (fx - 0.05), box.y + box.height * 0.4);
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.4, { steps: 4 });
    const readout = page.locator(SEL.hoverReadout);
    await readout.waitFor({ state: 'visible', timeout: 5000 });
    return (await readout.innerText()).trim();
  };
  const all = await readoutAt(0.85);
  for (const s of services) assert(all.includes(`service="${s}"`), `hover readout should list ${s} before isolating: ${JSON.stringify(all)}`);
  await page.locator(SEL.legendItem, { hasText: 'service="alpha"' }).click();
  const isolated = await readoutAt(0.8);
  assert(isolated.includes('service="alpha"') && !isolated.includes('service="beta"') && !isolated.includes('service="gamma"'),
    `after clicking alpha in the legend the readout should list only alpha: ${JSON.stringify(isolated)}`);
}

/** Instant rate(): one table row per service with the exact rate. */
async function rateTest({ page, baseUrl, expected }, name, url) {
  await addSource(page, baseUrl, { name, url });
  await explore(page, baseUrl, { ds: name, q: expected.queries.rate, mode: 'instant' }, ['data']);
  await page.waitForSelector(SEL.resultTable, { timeout: 5000 });
  const rows = await tableRows(page);
  const want = expected.rate_5m;
  assert(rows.length === Object.keys(want).length, `expected ${Object.keys(want).length} rows, got ${rows.length}: ${JSON.stringify(rows.map((r) => r.text))}`);
  for (const [service, rate] of Object.entries(want)) {
    const row = rows.find((r) => r.text.includes(`service="${service}"`));
    assert(row, `no result row for service="${service}": ${JSON.stringify(rows.map((r) => r.text))}`);
    assertClose(rowValue(row), rate, 1e-6, `rate for ${service} (row ${JSON.stringify(row.text)})`);
  }
}

/** histogram_quantile(0.9, …) against the hand-computed answer (the table shows 6 significant digits). */
async function p90Test({ page, baseUrl, expected }, name, url) {
  await addSource(page, baseUrl, { name, url });
  await explore(page, baseUrl, { ds: name, q: expected.queries.p90, mode: 'instant' }, ['data']);
  await page.waitForSelector(SEL.resultTable, { timeout: 5000 });
  const rows = await tableRows(page);
  assert(rows.length === 1, `histogram_quantile over one histogram should give 1 row, got ${JSON.stringify(rows.map((r) => r.text))}`);
  const p90 = expected.histogram.p90;
  assertClose(rowValue(rows[0]), p90, 1e-9 + 5e-6 * Math.abs(p90), `p90 (row ${JSON.stringify(rows[0].text)})`);
}

export default [
  {
    name: 'prometheus: legend lists alpha, beta, gamma',
    run: (ctx) => { needBackends(ctx); return legendTest(ctx, 'prom', ctx.prom); },
  },
  {
    name: 'victoriametrics: legend lists alpha, beta, gamma',
    run: (ctx) => { needBackends(ctx); return legendTest(ctx, 'vm', ctx.vm); },
  },
  {
    name: 'prometheus: instant rate() table matches expected rates',
    run: (ctx) => { needBackends(ctx); return rateTest(ctx, 'prom', ctx.prom); },
  },
  {
    name: 'victoriametrics: instant rate() table matches expected rates',
    run: (ctx) => { needBackends(ctx); return rateTest(ctx, 'vm', ctx.vm); },
  },
  {
    name: 'prometheus: histogram_quantile p90 matches the hand-computed value',
    run: (ctx) => { needBackends(ctx); return p90Test(ctx, 'prom', ctx.prom); },
  },
  {
    name: 'victoriametrics: histogram_quantile p90 matches the hand-computed value',
    run: (ctx) => { needBackends(ctx); return p90Test(ctx, 'vm', ctx.vm); },
  },
  {
    name: 'URL round trip: query and time range survive a reload',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      await addSource(page, baseUrl, { name: 'prom', url: ctx.prom });
      await open(page, baseUrl, { page: 'explore', ds: 'prom' });
      const defaultLabel = (await page.locator(SEL.timePicker).innerText()).trim();
      await runQuery(page, COUNTER);
      await waitPanel(page, 'data');
      await page.click(SEL.timePicker);
      await page.fill(SEL.timeFrom, 'now-3h');
      await page.fill(SEL.timeTo, 'now');
      await page.click(SEL.timeApply);
      await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === 'now-3h', null, { timeout: 5000 })
        .catch(() => { throw new Error(`from=now-3h should be in the URL after Apply: ${page.url()}`); });
      await waitPanel(page, 'data');
      const params = urlParams(page);
      assert(params.q === COUNTER, `q should be in the URL: ${page.url()}`);
      assert(params.ds === 'prom', `ds=prom should be in the URL: ${page.url()}`);
      const label = (await page.locator(SEL.timePicker).innerText()).trim();
      assert(label !== defaultLabel, `time picker label should change from ${JSON.stringify(defaultLabel)} after applying now-3h`);
      assert(/3/.test(label), `time picker label should describe 3 hours: ${JSON.stringify(label)}`);

      await page.reload({ waitUntil: 'load' });
      await waitPanel(page, 'data');
      assert((await page.inputValue(SEL.queryInput)) === COUNTER, `query input after reload: ${JSON.stringify(await page.inputValue(SEL.queryInput))}`);
      const after = (await page.locator(SEL.timePicker).innerText()).trim();
      assert(after === label, `time picker label after reload ${JSON.stringify(after)}, before ${JSON.stringify(label)}`);
      const again = urlParams(page);
      assert(again.q === COUNTER && again.from === 'now-3h' && again.ds === 'prom', `URL after reload lost state: ${page.url()}`);
      await assertChartDrawn(page);
      assert((await legendTexts(page)).length === 3, 'legend after reload should list 3 series');
    },
  },
  {
    name: 'auto-refresh re-runs the query at the chosen interval and stops when off',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      let ranges = 0;
      page.on('request', (r) => { if (r.url().startsWith(`${ctx.prom}/api/v1/query_range`)) ranges++; });
      await addSource(page, baseUrl, { name: 'prom', url: ctx.prom });
      await explore(page, baseUrl, { ds: 'prom', q: COUNTER, mode: 'range' }, ['data']);
      await page.selectOption('[data-testid=refresh-picker]', '5s');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('refresh') === '5s', null, { timeout: 5000 })
        .catch(() => { throw new Error(`refresh=5s should be in the URL: ${page.url()}`); });
      await page.waitForTimeout(1000);
      const before = ranges;
      const deadline = Date.now() + 8000;
      while (ranges <= before && Date.now() < deadline) await page.waitForTimeout(200);
      assert(ranges > before, `no new query_range request within 8 s of choosing refresh 5s (${ranges} in all)`);
      await waitPanel(page, 'data');
      await page.selectOption('[data-testid=refresh-picker]', 'off');
      await page.waitForTimeout(1000);
      const off = ranges;
      await page.waitForTimeout(6000);
      assert(ranges === off, `refresh off should stop re-running; ${ranges - off} more query_range requests in 6 s`);
    },
  },
  {
    name: "prometheus: a bad query shows Prometheus' own parse error",
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      await addSource(page, baseUrl, { name: 'prom', url: ctx.prom });
      await explore(page, baseUrl, { ds: 'prom', q: 'sum(', mode: 'range' }, ['error']);
      const text = (await page.locator(SEL.panelError).innerText()).trim();
      assert(/parse error/.test(text), `panel error should carry Prometheus' message ("parse error …"), got ${JSON.stringify(text)}`);
      // Fixing the query recovers the panel.
      await runQuery(page, `sum(${COUNTER})`);
      await waitPanel(page, 'data');
    },
  },
  {
    name: 'unreachable source shows a network/CORS error and the header keeps working',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      await addSource(page, baseUrl, { name: 'prom', url: ctx.prom });
      await addSource(page, baseUrl, { name: 'down', url: 'http://127.0.0.1:9/' });
      await explore(page, baseUrl, { ds: 'down', q: COUNTER, mode: 'range' }, ['error'], 20000);
      const text = (await page.locator(SEL.panelError).innerText()).trim();
      assert(text.length > 0, 'panel error should not be empty');
      assert(/network|cors|fetch|reach|connect|refused|offline/i.test(text),
        `panel error should say the source could not be reached (network/CORS): ${JSON.stringify(text)}`);
      assert(!/panicked/i.test(text), `panel error should not be a panic: ${JSON.stringify(text)}`);
      // Header still works: the time picker opens, and switching the source to Prometheus shows data.
      await page.click(SEL.timePicker);
      await page.locator(SEL.timeFrom).waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Escape');
      if (await page.locator(SEL.timeFrom).isVisible()) await page.click(SEL.timePicker); // close the popover
      await page.selectOption(SEL.dsPicker, 'prom');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('ds') === 'prom', null, { timeout: 5000 })
        .catch(() => { throw new Error(`choosing prom in the picker should put ds=prom in the URL: ${page.url()}`); });
      await waitPanel(page, 'data');
      await assertChartDrawn(page);
    },
  },
];
