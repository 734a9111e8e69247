// Dashboards: the demo dashboard (each panel its own query and style), building one in the UI
// (add, edit, move, remove; the link is the dashboard, so a reload keeps it), importing a Grafana
// dashboard against the real Prometheus with a note for every panel not carried over, a panel's
// Explore and embed links, and a link whose dashboard cannot be read.
import { assert, open, addSource, urlParams, needBackends, assertChartDrawn, SEL } from '../lib/app.mjs';

const CELL = '[data-testid=dash-panel]';
const COUNTER = 'sightline_e2e_requests_total';

/** Waits until every panel of the page has settled in one of `states`. */
async function allPanels(page, states = ['data'], timeout = 30000) {
  await page.waitForFunction((want) => {
    const panels = [...document.querySelectorAll('[data-testid=panel]')];
    return panels.length > 0 && panels.every((p) => want.includes(p.getAttribute('data-state')));
  }, states, { timeout }).catch(async () => {
    const seen = await page.$$eval('[data-testid=panel]', (ps) => ps.map((p) => `${p.getAttribute('data-state')}: ${p.innerText.slice(0, 120)}`));
    throw new Error(`panels did not all reach ${states}: ${JSON.stringify(seen)}`);
  });
}

/** Adds the real Prometheus as source "prom" and opens the Dashboards page on it. */
async function onPrometheus(ctx) {
  needBackends(ctx);
  const { page, baseUrl, prom } = ctx;
  await addSource(page, baseUrl, { name: 'prom', url: prom });
  await open(page, baseUrl, { page: 'dashboards', ds: 'prom' });
  return page;
}

const titles = (page) => page.$$eval(`${CELL} .panel-title`, (ts) => ts.map((t) => t.textContent.trim()));

export default [
  {
    name: 'dashboards: the demo dashboard runs six panels, each with its own query and style',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'dashboards', ds: 'demo' });
      await page.locator(CELL).nth(5).waitFor({ timeout: 10000 });
      assert(await page.locator(CELL).count() === 6, 'six demo panels');
      await allPanels(page);
      assert(await page.locator('[data-testid=heatmap]').count() === 1, 'one heatmap panel');
      assert(await page.locator('[data-testid=stat-tile]').count() >= 1, 'stat tiles');
      const t = await titles(page);
      assert(t[0] === 'Requests by service' && t[2] === 'p95 latency by service', `titles: ${JSON.stringify(t)}`);
      // The title's tooltip is the query.
      const tip = await page.locator(`${CELL} .panel-title`).first().getAttribute('title');
      assert(tip === 'sum by (service) (rate(http_requests_total[5m]))', `title tooltip: ${tip}`);
    },
  },
  {
    name: 'dashboards: add, edit, move and remove panels; the link is the dashboard',
    async run(ctx) {
      const page = await onPrometheus(ctx);
      await page.locator('[data-testid=dash-empty]').waitFor({ timeout: 5000 });
      const add = async (title, query) => {
        await page.click('[data-testid=dash-add]');
        await page.fill('[data-testid=dash-panel-title]', title);
        await page.fill('[data-testid=dash-panel-query]', query);
        await page.click('[data-testid=dash-panel-save]');
      };
      await add('Requests', `sum by (service) (rate(${COUNTER}[5m]))`);
      await add('Up', `count(${COUNTER})`);
      await page.locator(CELL).nth(1).waitFor({ timeout: 5000 });
      await allPanels(page);
      let t = await titles(page);
      assert(t.join('|') === 'Requests|Up', `after adding: ${JSON.stringify(t)}`);
      const board = JSON.parse(urlParams(page).board);
      assert(board.sightline === 'dashboard' && board.panels.length === 2, `board in the URL: ${urlParams(page).board}`);

      // Move "Up" first, then edit it into a stat panel.
      await page.locator(CELL).nth(1).locator('[data-testid=dash-up]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=dash-panel] .panel-title')?.textContent.trim() === 'Up');
      await page.locator(CELL).first().locator('[data-testid=dash-edit]').click();
      await page.fill('[data-testid=dash-panel-title]', 'Targets up');
      await page.selectOption('[data-testid=dash-panel-style]', 'stat');
      await page.click('[data-testid=dash-panel-save]');
      await page.locator(`${CELL} [data-testid=stat-tile]`).first().waitFor({ timeout: 15000 });
      t = await titles(page);
      assert(t.join('|') === 'Targets up|Requests', `after moving and editing: ${JSON.stringify(t)}`);

      // A reload keeps it: the URL holds the whole dashboard.
      await page.reload();
      await page.locator(CELL).nth(1).waitFor({ timeout: 10000 });
      await allPanels(page);
      t = await titles(page);
      assert(t.join('|') === 'Targets up|Requests', `after reload: ${JSON.stringify(t)}`);
      await assertChartDrawn(page);

      // Remove the first; the other stays and keeps its data.
      await page.locator(CELL).first().locator('[data-testid=dash-remove]').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=dash-panel]').length === 1);
      t = await titles(page);
      assert(t.join('|') === 'Requests', `after removing: ${JSON.stringify(t)}`);

      // The panel's embed link is Explore's single-panel view (Explore is the default page, so the
      // URL may leave `page` out); its Explore link opens its query on Explore with the same source and range.
      const embedHref = await page.locator('[data-testid=dash-embed]').getAttribute('href');
      const embedParams = new URL(embedHref, page.url()).searchParams;
      assert((embedParams.get('page') ?? 'explore') === 'explore' && embedParams.get('embed') === 'v1' && embedParams.get('ds') === 'prom'
        && embedParams.get('q') === `sum by (service) (rate(${COUNTER}[5m]))`, `embed link: ${embedHref}`);
      assert(!embedParams.has('board'), 'the embed link carries the panel, not the dashboard');
      await page.click('[data-testid=dash-explore]');
      await page.locator(SEL.queryInput).waitFor({ timeout: 5000 });
      const p = urlParams(page);
      assert((p.page ?? 'explore') === 'explore' && p.q === `sum by (service) (rate(${COUNTER}[5m]))` && p.ds === 'prom', `explore link: ${page.url()}`);
    },
  },
  {
    name: 'dashboards: a Grafana dashboard imports against Prometheus, with a note for each panel not carried over',
    async run(ctx) {
      const page = await onPrometheus(ctx);
      const grafana = {
        dashboard: {
          title: 'Imported from Grafana',
          panels: [
            { type: 'timeseries', title: 'Request rate', fieldConfig: { defaults: { unit: 'reqps' } },
              targets: [{ refId: 'A', expr: `sum by (service) (rate(${COUNTER}[5m]))` }] },
            { type: 'text', title: 'Read me', options: { content: '<b>html</b>' } },
            { type: 'row', title: 'More', collapsed: true, panels: [
              { type: 'gauge', title: 'Targets', targets: [{ refId: 'A', expr: `count(${COUNTER})` }] },
            ] },
          ],
        },
      };
      await page.click('[data-testid=dash-import]');
      await page.fill('[data-testid=dash-import-text]', JSON.stringify(grafana));
      await page.click('[data-testid=dash-import-run]');
      await page.locator(CELL).nth(1).waitFor({ timeout: 5000 });
      await allPanels(page);
      const t = await titles(page);
      assert(t.join('|') === 'Request rate|Targets', `imported panels: ${JSON.stringify(t)}`);
      const notes = await page.locator('[data-testid=dash-notes]').innerText();
      assert(notes.includes("Panel 2 ('Read me', text): not imported, it has no PromQL query.") && notes.includes("Panel 3 ('Targets', gauge): shown as stat tiles."),
        `notes: ${notes}`);
      assert((await page.locator('[data-testid=dash-title]').inputValue()) === 'Imported from Grafana', 'title imported');
      // The imported rate panel reads in req/s (the Grafana unit), on the real backend's data.
      const legend = await page.locator(`${CELL} [data-testid=legend-item]`).first().innerText();
      assert(/req\/s/.test(legend), `unit carried over: ${legend}`);

      // Not JSON: a clear message; the dashboard stays.
      await page.click('[data-testid=dash-import]');
      await page.fill('[data-testid=dash-import-text]', '{"panels": [');
      await page.click('[data-testid=dash-import-run]');
      const msg = await page.locator('[data-testid=dash-message]').innerText();
      assert(msg.startsWith('Not JSON'), `bad import message: ${msg}`);
      assert(await page.locator(CELL).count() === 2, 'the dashboard is unchanged');
    },
  },
  {
    name: 'dashboards: a link whose dashboard cannot be read says so, and a new one can be started',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'dashboards', ds: 'demo', board: '{"sightline":"dashboard","version":9,"title":"x","panels":[]}' });
      const err = await page.locator('[data-testid=dash-error]').innerText();
      assert(err.includes('Dashboard version 9 is not supported'), `error: ${err}`);
      await page.click('[data-testid=dash-add]');
      await page.fill('[data-testid=dash-panel-query]', 'sum(rate(http_requests_total[5m]))');
      await page.click('[data-testid=dash-panel-save]');
      await page.locator(CELL).first().waitFor({ timeout: 5000 });
      await allPanels(page);
      assert(await page.locator('[data-testid=dash-error]').count() === 0, 'the error is gone');
    },
  },
];
