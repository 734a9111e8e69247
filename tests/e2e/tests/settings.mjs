// Settings: data sources added through the UI, their health check, and where secrets go.
import {
  assert, open, explore, addSource, assertChartDrawn, needBackends, DATASOURCES_KEY,
} from '../lib/app.mjs';

/** Every key and value of localStorage, as one string per entry. */
const localEntries = (page) => page.evaluate(() =>
  Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`));

export default [
  {
    name: 'settings: Test reports a working Prometheus and a failing unreachable source',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      await addSource(page, baseUrl, { name: 'prom', url: ctx.prom });
      await addSource(page, baseUrl, { name: 'down', url: 'http://127.0.0.1:9' });
      const stored = await page.evaluate((k) => localStorage.getItem(k), DATASOURCES_KEY);
      assert(stored && stored.includes('"prom"') && stored.includes(ctx.prom),
        `${DATASOURCES_KEY} should hold the saved source: ${JSON.stringify(stored)}`);
      const resultOf = async (name) => {
        const row = page.locator('[data-testid=ds-row]', { hasText: name }).first();
        await row.locator('[data-testid=ds-test]').click();
        const result = row.locator('[data-testid=ds-test-result]');
        await result.waitFor({ timeout: 10000 });
        // Wait for the final message (a "Testing…" placeholder may come first).
        await page.waitForFunction((el) => !/testing/i.test(el.textContent), await result.elementHandle(), { timeout: 10000 });
        return (await result.innerText()).trim();
      };
      const ok = await resultOf('prom');
      assert(/working|success|\bok\b/i.test(ok) && !/error|fail/i.test(ok), `Test on prom should report success: ${JSON.stringify(ok)}`);
      const bad = await resultOf('down');
      assert(bad !== ok && /network|cors|fetch|reach|connect|refused|error|fail/i.test(bad),
        `Test on an unreachable source should report the failure: ${JSON.stringify(bad)}`);
    },
  },
  {
    name: 'settings: the Authorization value never reaches the URL or localStorage unless remembered',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl } = ctx;
      const secret = 'Bearer e2e-secret-7f3a9c';
      const remembered = 'Bearer e2e-remembered-51be02';
      const sentAuth = [];
      page.on('request', (r) => {
        if (r.url().startsWith(ctx.prom)) sentAuth.push(r.headers().authorization ?? null);
      });

      await addSource(page, baseUrl, { name: 'secured', url: ctx.prom, auth: secret, remember: false });
      assert(!decodeURIComponent(page.url()).includes('e2e-secret'), `secret in the URL after saving: ${page.url()}`);
      let local = await localEntries(page);
      assert(!local.some((e) => e.includes('e2e-secret')), `secret found in localStorage without "remember": ${local.join(' | ')}`);
      assert(local.some((e) => e.startsWith(`${DATASOURCES_KEY}=`) && e.includes('secured')),
        `the source itself (without secret) should be in ${DATASOURCES_KEY}: ${local.join(' | ')}`);

      // The secret is used for queries, and still stays out of the URL.
      await explore(page, baseUrl, { ds: 'secured', q: 'sightline_e2e_requests_total', mode: 'range' }, ['data']);
      await assertChartDrawn(page);
      assert(!decodeURIComponent(page.url()).includes('e2e-secret'), `secret in the URL on Explore: ${page.url()}`);
      assert(sentAuth.includes(secret), `queries to ${ctx.prom} should carry the Authorization header; saw ${JSON.stringify(sentAuth)}`);
      local = await localEntries(page);
      assert(!local.some((e) => e.includes('e2e-secret')), `secret found in localStorage after querying: ${local.join(' | ')}`);
      const inPage = await page.evaluate(() => document.documentElement.outerHTML.includes('e2e-secret'));
      assert(!inPage, 'the secret should not be rendered into the page (settings rows show only whether auth is set)');

      // With "remember" ticked the user asked for it to be kept on this device.
      await addSource(page, baseUrl, { name: 'kept', url: ctx.prom, auth: remembered, remember: true });
      assert(!decodeURIComponent(page.url()).includes('e2e-remembered'), `remembered secret in the URL: ${page.url()}`);
      local = await localEntries(page);
      assert(local.some((e) => e.includes('e2e-remembered')), `with "remember" ticked the secret should be kept in localStorage: ${local.join(' | ')}`);
      await open(page, baseUrl, { page: 'explore', ds: 'kept' });
      assert(!decodeURIComponent(page.url()).includes('e2e-'), `no secret in the URL: ${page.url()}`);
    },
  },
];
