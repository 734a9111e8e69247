// A client-side expression between two queries against real Prometheus: alpha's rate (2/s) over
// beta's (0.2/s) is 10 at every step, computed in the browser.
import { SEL, assert, assertClose, open, addSource, waitPanel, needBackends } from '../lib/app.mjs';

async function ratioTest({ page, baseUrl }, name, url) {
  await addSource(page, baseUrl, { name, url });
  await open(page, baseUrl, {
    ds: name,
    q: 'rate(sightline_e2e_requests_total{service="alpha"}[5m])',
    qb: 'rate(sightline_e2e_requests_total{service="beta"}[5m])',
    expr: 'A / B',
    from: 'now-1h',
  });
  await waitPanel(page, ['data']);
  const rows = page.locator(SEL.legendItem);
  assert(await rows.count() === 1, `one series each side: one ratio, got ${await rows.count()}`);
  // Columns: series, mean, min, max, last, …
  const cells = await rows.first().locator('td').allInnerTexts();
  for (const [what, i] of [['mean', 1], ['min', 2], ['max', 3], ['last', 4]]) {
    assertClose(Number(cells[i]), 10, 1e-6, `A / B ${what}`);
  }
  const warnings = await page.locator('[data-testid=panel-warnings]').innerText().catch(() => '');
  assert(warnings.includes('computed in the browser'), `the panel says where the numbers come from: ${JSON.stringify(warnings)}`);
}

export default [
  {
    name: 'prometheus: A / B between two queries is computed in the browser',
    run: (ctx) => { needBackends(ctx); return ratioTest(ctx, 'prom', ctx.prom); },
  },
];
