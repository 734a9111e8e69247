// An SLO whose SLI comes from traces, on the demo source (its traces answer Jaeger's API in the
// page): the tile says it counted the fetched traces only and shows how many spans; its SLI and
// budget follow from those counts by hand; the SLO page lists the trace search and the derivation.
import { assert, assertClose, open } from '../lib/app.mjs';

const ID = 'payments-charge-traces';
const BUDGET = 0.01; // objective 99 %

export default [
  {
    name: 'demo: an SLO from traces counts the fetched spans, says so, and its numbers follow from the counts',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'slos', ds: 'demo' });
      const tile = page.locator(`[data-testid=slo-tile][data-slo=${ID}]`);
      await tile.waitFor({ timeout: 15000 });
      await page.waitForFunction((sel) => {
        const el = document.querySelector(sel);
        return el && el.getAttribute('data-state') !== 'loading';
      }, `[data-testid=slo-tile][data-slo=${ID}]`, { timeout: 60000 });
      const state = await tile.getAttribute('data-state');
      assert(state === 'data', `the tile ended in ${state}: ${(await tile.innerText()).slice(0, 400)}`);

      // "From traces: N traces fetched (…); S matching spans counted by their end time, G good; …"
      const note = await tile.locator('.panel-warnings').innerText();
      const m = /From traces: ([\d,]+) traces fetched \(Jaeger search.*?\); ([\d,]+) matching spans counted by their end time, ([\d,]+) good;/.exec(note);
      assert(m, `the tile states what it counted: ${note}`);
      const num = (t) => Number(t.replace(/[^\d]/g, ''));
      const [traces, spans, good] = [num(m[1]), num(m[2]), num(m[3])];
      assert(traces > 0 && spans > 0 && good <= spans, `counts: ${traces} traces, ${spans} spans, ${good} good`);
      assert(/over the fetched, possibly sampled traces only/.test(note), `the note says the counts are over fetched traces: ${note}`);

      // The window (1 d) holds every counted span, so SLI = good / spans and remaining = 1 − e / B.
      const sli = Number(await tile.locator('[data-testid=slo-sli]').getAttribute('data-value'));
      const remaining = Number(await tile.locator('[data-testid=slo-remaining]').getAttribute('data-value'));
      assertClose(sli, good / spans, 1e-12, 'SLI = good spans / spans');
      assertClose(remaining, 1 - (1 - good / spans) / BUDGET, 1e-9, 'budget remaining = 1 − (1 − SLI) / 0.01');
      const coverage = await tile.locator('[data-testid=slo-coverage]').innerText();
      assert(coverage.trim().length > 0, 'a coverage figure is shown');

      // The page lists the trace search, and the counts.
      await tile.locator('[data-testid=slo-open]').click();
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=slo-detail]');
        return el && el.getAttribute('data-state') === 'data';
      }, null, { timeout: 60000 });
      const queries = await page.locator('[data-testid=slo-queries]').textContent();
      assert(/trace search: service=payments operation=POST \/charge limit=1500/.test(queries), `queries: ${queries}`);
      const derivation = await page.locator('[data-testid=slo-derivation]').textContent();
      assert(/trace SLI: valid = spans of payments \/ POST \/charge in the fetched traces; good = those not an error/.test(derivation), `derivation: ${derivation.slice(0, 300)}`);
    },
  },
];
