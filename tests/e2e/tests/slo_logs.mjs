// SLOs whose SLI comes from logs. On the demo source (its Loki API answers in the page): the tile
// says how many lines the source counted per minute, the SLO page lists the count_over_time
// queries, and the SLI and budget follow by hand from the window's counts. A user SLO whose SLI
// reads a named Loki source (the project's fixture server, which has no capture for these count
// queries) sends its queries there and shows the source's own error in its tile only.
import { assert, assertClose, open, addKindSource, canvasInk } from '../lib/app.mjs';

const ID = 'payments-logs';
const BUDGET = 0.01; // objective 99 %

async function settled(page, id, timeout = 90000) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.getAttribute('data-state') !== 'loading';
  }, `[data-testid=slo-tile][data-slo=${id}]`, { timeout });
  return page.locator(`[data-testid=slo-tile][data-slo=${id}]`);
}

const num = (t) => Number(t.replace(/[^\d]/g, ''));

export default [
  {
    name: 'demo: an SLO from logs counts lines per minute at the source, says so, and its numbers follow from the counts',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'slos', ds: 'demo' });
      const tile = await settled(page, ID);
      const state = await tile.getAttribute('data-state');
      assert(state === 'data', `the tile ended in ${state}: ${(await tile.innerText()).slice(0, 400)}`);

      // "From logs: N lines of {…} counted by demo per 1 min step over A – B, K of them also passing | level="error"; covered from C."
      const note = await tile.locator('.panel-warnings').innerText();
      const m = /From logs: ([\d,]+) lines of \{service_name="payments"\} counted by demo per 1 min step over .*?, ([\d,]+) of them also passing \| level="error"; covered from \d{4}-/.exec(note);
      assert(m, `the tile states what the source counted: ${note}`);
      const [lines, bad] = [num(m[1]), num(m[2])];
      assert(lines > 1000 && bad > 0 && bad < lines, `counts over the grid: ${bad} bad of ${lines}`);

      // The SLO page: the queries sent, the window's counts, and the arithmetic from them.
      await tile.locator('[data-testid=slo-open]').click();
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=slo-detail]');
        return el && el.getAttribute('data-state') === 'data';
      }, null, { timeout: 90000 });
      const queries = await page.locator('[data-testid=slo-queries]').textContent();
      assert(queries.includes('sum(count_over_time({service_name="payments"} [60s]))'), `valid-lines query: ${queries}`);
      assert(queries.includes('sum(count_over_time({service_name="payments"} | level="error" [60s]))'), `bad-lines query: ${queries}`);
      const counts = await page.locator('[data-testid=slo-counts]').textContent();
      const c = /([\d.]+) bad and ([\d.]+) valid events/.exec(counts);
      assert(c, `the window's counts are shown: ${counts}`);
      const [wBad, wValid] = [Number(c[1]), Number(c[2])];
      // The incident (1 h 40 min to 2 h 40 min ago) is inside the 1 d window; the window is part of the grid.
      assert(wBad > 0 && wValid > 0 && wBad <= bad && wValid <= lines, `window counts ${wBad}/${wValid} within the grid's ${bad}/${lines}`);
      const sli = Number(await page.locator('[data-testid=slo-sli]').getAttribute('data-value'));
      const remaining = Number(await page.locator('[data-testid=slo-remaining]').getAttribute('data-value'));
      assertClose(sli, 1 - wBad / wValid, 1e-9, 'SLI = 1 − bad lines / lines (ratio of sums over the window)');
      assertClose(remaining, 1 - (wBad / wValid) / BUDGET, 1e-6, 'budget remaining = 1 − error ratio / 0.01');
      // The charts draw their lines (their points are thinned to ≤ 1,500, so wider apart than a minute).
      for (const chart of ['budget', 'sli', 'burn']) {
        let ink = { colourful: 0 };
        for (let i = 0; i < 50 && ink.colourful < 150; i++) {
          ink = await canvasInk(page, `[data-testid=slo-chart-${chart}] canvas`);
          if (ink.colourful < 150) await page.waitForTimeout(100);
        }
        assert(ink.colourful >= 150, `the ${chart} chart draws its series: ${JSON.stringify(ink)}`);
      }
      const derivation = await page.locator('[data-testid=slo-derivation]').textContent();
      assert(/log SLI: valid = the lines of \{service_name="payments"\}; bad = those of them passing \| level="error"/.test(derivation), `derivation: ${derivation.slice(0, 300)}`);
    },
  },
  {
    name: 'logs: a user SLO reads its named Loki source, shows that source\'s error in its own tile, and keeps the source when edited',
    async run(ctx) {
      assert(ctx.trace, 'fixture server not started: run the suite with scripts/e2e.sh (it sets TRACE_URL)');
      const { page, baseUrl } = ctx;
      await addKindSource(page, baseUrl, { name: 'loki-slo', kind: 'loki', url: `${ctx.trace}/loki` });
      await open(page, baseUrl, { page: 'slos', ds: 'demo' });
      await page.click('[data-testid=slo-new]');
      await page.fill('[data-testid=slo-f-name]', 'Flow logs');
      await page.fill('[data-testid=slo-f-id]', 'flow-logs');
      await page.selectOption('[data-testid=slo-f-kind]', 'logs');
      await page.selectOption('[data-testid=slo-f-sli-source]', 'loki-slo');
      // A metric query is not a log query: refused next to its field.
      await page.fill('[data-testid=slo-f-log-selector]', 'rate({app="netobserv-flowcollector"}[1m])');
      await page.fill('[data-testid=slo-f-log-bad]', '|= "dropped"');
      await page.fill('[data-testid=slo-f-objective]', '99');
      await page.fill('[data-testid=slo-f-duration]', '1d');
      await page.click('[data-testid=slo-f-save]');
      const err = page.locator('[data-testid=slo-err-sli\\.selector]');
      await err.waitFor({ timeout: 5000 });
      assert(/not a LogQL log query/.test(await err.innerText()), `selector error: ${await err.innerText()}`);
      await page.fill('[data-testid=slo-f-log-selector]', '{app="netobserv-flowcollector"}');
      await page.click('[data-testid=slo-f-save]');

      const tile = await settled(page, 'flow-logs', 30000);
      assert(await tile.getAttribute('data-state') === 'error', `the tile shows an error: ${await tile.innerText()}`);
      const text = await tile.innerText();
      assert(text.includes('no captured Loki answer for the metric query sum(count_over_time({app="netobserv-flowcollector"} [60s]))'),
        `the named source's own message is shown: ${text}`);
      // The rest of the page keeps working: the demo's log SLO still computes.
      const demo = await settled(page, ID);
      assert(await demo.getAttribute('data-state') === 'data', 'the demo log SLO is unaffected');

      // Editing keeps the SLI's source.
      await tile.locator('[data-testid=slo-edit]').click();
      await page.locator('[data-testid=slo-form]').waitFor({ timeout: 5000 });
      const chosen = await page.locator('[data-testid=slo-f-sli-source]').inputValue();
      assert(chosen === 'loki-slo', `the form shows the SLI's source: ${chosen}`);
    },
  },
];
