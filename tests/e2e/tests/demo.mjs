// The app on its built-in demo source (no backend), and the chrome around the panel: hover
// readout, theme toggle, pages not built yet, embed mode.
import {
  SEL, assert, open, waitPanel, legendTexts, assertChartDrawn, urlParams,
} from '../lib/app.mjs';

const UNBUILT = ['alerts'];

export default [
  {
    name: 'demo: default view draws a chart with 5 services and no backend',
    async run({ page, baseUrl }) {
      const origin = new URL(baseUrl).origin;
      const foreign = [];
      page.on('request', (r) => {
        const u = r.url();
        if (/^https?:/.test(u) && new URL(u).origin !== origin) foreign.push(u);
      });
      await open(page, baseUrl);
      await waitPanel(page, 'data');
      const stats = await assertChartDrawn(page, { minColourful: 300 });
      const legend = await legendTexts(page);
      assert(legend.length === 5, `legend should list 5 series for the default query, got ${legend.length}: ${JSON.stringify(legend)}`);
      assert(legend.every((t) => t.includes('service=')), `legend entries should be service label sets: ${JSON.stringify(legend)}`);
      assert(new Set(legend).size === 5, `legend entries should be distinct: ${JSON.stringify(legend)}`);
      assert(foreign.length === 0, `the demo source must not call any server; requests: ${foreign.slice(0, 3).join(', ')}`);
      assert(stats.ink > stats.colourful, 'chart should also have axes/labels');
    },
  },
  {
    name: 'demo: hovering the chart shows a readout with time and values',
    async run({ page, baseUrl }) {
      await open(page, baseUrl);
      await waitPanel(page, 'data');
      await assertChartDrawn(page);
      const box = await page.locator(SEL.chart).boundingBox();
      assert(box && box.width > 100 && box.height > 50, `chart box too small: ${JSON.stringify(box)}`);
      // Move across the plot area (right of the y axis labels) so mousemove events fire.
      const y = box.y + box.height * 0.45;
      await page.mouse.move(box.x + box.width * 0.55, y);
      await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
      const readout = page.locator(SEL.hoverReadout);
      await readout.waitFor({ state: 'visible', timeout: 5000 });
      const text = (await readout.innerText()).trim();
      assert(/\d{1,2}:\d{2}/.test(text), `hover readout should show a time (hh:mm): ${JSON.stringify(text)}`);
      const numbers = text.replace(/\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(:\d{2})?/g, ' ').match(/\d+(\.\d+)?/g) || [];
      assert(numbers.length >= 1, `hover readout should show series values: ${JSON.stringify(text)}`);
      assert(/service=/.test(text), `hover readout should name the series: ${JSON.stringify(text)}`);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 150);
      await readout.waitFor({ state: 'hidden', timeout: 5000 });
    },
  },
  {
    name: 'theme toggle switches data-theme on <html> and theme= in the URL',
    async run({ page, baseUrl }) {
      await open(page, baseUrl);
      const themeOf = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
      const before = await themeOf();
      assert(before === 'light' || before === 'dark', `<html data-theme> should be light or dark at start, got ${JSON.stringify(before)}`);
      const other = before === 'light' ? 'dark' : 'light';
      await page.click(SEL.themeToggle);
      await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, other, { timeout: 5000 })
        .catch(async () => { throw new Error(`data-theme should become ${other}, is ${await themeOf()}`); });
      assert(urlParams(page).theme === other, `URL should carry theme=${other}: ${page.url()}`);
      await page.click(SEL.themeToggle);
      await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, before, { timeout: 5000 })
        .catch(async () => { throw new Error(`second toggle should restore ${before}, is ${await themeOf()}`); });
      assert(urlParams(page).theme === before, `URL should carry theme=${before}: ${page.url()}`);
      // The URL's theme wins on load.
      await open(page, baseUrl, { theme: other });
      await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, other, { timeout: 5000 })
        .catch(async () => { throw new Error(`?theme=${other} should load with data-theme=${other}, got ${await themeOf()}`); });
    },
  },
  {
    name: 'the unbuilt page (alerts) says so',
    async run({ page, baseUrl }) {
      for (const p of UNBUILT) {
        await open(page, baseUrl, { page: p });
        await page.locator(SEL.pageNotBuilt).waitFor({ state: 'visible', timeout: 5000 })
          .catch(() => { throw new Error(`?page=${p} shows no [data-testid=page-not-built]`); });
        assert(await page.locator(SEL.dsPicker).isVisible(), `?page=${p}: the header should still be there`);
      }
      // Navigation through the header works too and lands back on a working Explore.
      await open(page, baseUrl);
      await page.click('[data-testid=nav-alerts]');
      await page.locator(SEL.pageNotBuilt).waitFor({ state: 'visible', timeout: 5000 });
      assert(urlParams(page).page === 'alerts', `nav-alerts should put page=alerts in the URL: ${page.url()}`);
      await page.click('[data-testid=nav-explore]');
      await waitPanel(page, 'data');
      assert(await page.locator(SEL.pageNotBuilt).count() === 0, 'page-not-built should be gone on Explore');
    },
  },
  {
    name: 'demo: the SLO page computes the example SLOs in the browser',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'slos' });
      const tiles = page.locator('[data-testid=slo-tile]');
      await page.waitForFunction(() => {
        const t = [...document.querySelectorAll('[data-testid=slo-tile]')];
        return t.length > 0 && t.every((x) => x.querySelector('[data-testid=slo-remaining]'));
      }, null, { timeout: 20000 }).catch(async () => { throw new Error(`SLO tiles did not finish: ${await page.locator('main, body').first().innerText()}`); });
      assert(await tiles.count() === 7, `seven demo SLOs (five from metrics, one from traces, one from logs), got ${await tiles.count()}`);
      const payments = page.locator('[data-testid=slo-tile][data-slo=payments-availability]');
      const remaining = (await payments.locator('[data-testid=slo-remaining]').innerText()).trim();
      assert(/^[-−]?[0-9.]+ ?%$/.test(remaining), `payments' remaining budget is a percentage: ${JSON.stringify(remaining)}`);
      const derivation = await payments.locator('[data-testid=slo-derivation]').textContent();
      assert(/exact|increase/i.test(derivation), `the tile says how it was computed: ${JSON.stringify(derivation.slice(0, 200))}`);
    },
  },
  {
    name: 'embed mode hides the header and editor but shows the chart',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { embed: true });
      await waitPanel(page, 'data');
      await assertChartDrawn(page);
      const pickers = page.locator(SEL.dsPicker);
      assert((await pickers.count()) === 0 || !(await pickers.first().isVisible()), 'embed: the data-source picker (header) should not be visible');
      const editor = page.locator(SEL.queryInput);
      assert((await editor.count()) === 0 || !(await editor.first().isVisible()), 'embed: the query editor should not be visible');
      assert((await page.locator(SEL.legendItem).count()) > 0, 'embed: the legend should still be shown');
    },
  },
];
