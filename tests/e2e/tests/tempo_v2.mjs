// The Tempo v2 switch of a trace source and the PARTIAL notice. No real capture of Tempo's
// /api/v2/traces/{id} exists, so the fixture server serves none: the switch is checked by the
// request it makes (to the v2 path; the server's 404 then shows in the trace panel), and the
// notice by importing a file in the v2 shape documented in wire-formats.md §5.2
// ({"trace":{"resourceSpans":[…]},"status":"PARTIAL","message":…}) whose spans are the real
// captured Tempo trace — a file, not a backend answer.
import { assert, open } from '../lib/app.mjs';
import { fixture, needTraceServer, waitTraceView } from './traces.mjs';

const TEMPO_TRACE = '3ba55609c3cde49649cd77d1f9dcd936';

export default [
  {
    name: 'tempo v2: a Tempo source switched to v2 asks /api/v2/traces/{id} and shows the answer in the trace panel',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await open(page, baseUrl, { page: 'settings' });
      await page.fill('[data-testid=ds-name]', 'tempo2');
      await page.selectOption('[data-testid=ds-kind]', 'tempo');
      await page.fill('[data-testid=ds-url]', `${ctx.trace}/tempo`);
      await page.check('[data-testid=ds-tempo-v2]');
      await page.click('[data-testid=ds-save]');
      const row = page.locator('[data-testid=ds-row]', { hasText: 'tempo2' }).first();
      await row.waitFor({ timeout: 10000 });
      assert(/v2 by id/.test(await row.innerText()), `the source row says it reads v2: ${await row.innerText()}`);
      const asked = [];
      page.on('request', (r) => { if (r.url().startsWith(ctx.trace)) asked.push(new URL(r.url()).pathname); });
      await open(page, baseUrl, { page: 'traces', tds: 'tempo2', trace: TEMPO_TRACE });
      await page.waitForSelector('[data-testid=trace-error]', { timeout: 15000 });
      const err = (await page.innerText('[data-testid=trace-error]')).trim();
      assert(asked.includes(`/tempo/api/v2/traces/${TEMPO_TRACE}`), `requests: ${JSON.stringify(asked)}`);
      assert(!asked.includes(`/tempo/api/traces/${TEMPO_TRACE}`), `v1 was asked too: ${JSON.stringify(asked)}`);
      assert(/HTTP 404/.test(err), `the server's 404 shows in the panel: ${err}`);
    },
  },
  {
    name: 'tempo v2: a PARTIAL trace is opened with a plain alert carrying the backend message',
    async run({ page, baseUrl }) {
      const v1 = fixture('tempo', 'kiali-bookinfo-trace-by-id.json');
      const body = { trace: { resourceSpans: v1.batches }, status: 'PARTIAL', message: 'Trace exceeds maximum size' };
      await open(page, baseUrl, { page: 'traces' });
      await page.setInputFiles('[data-testid=trace-file]', { name: 'partial-v2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(body)) });
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=trace-import-status]');
        return el && !/Reading/.test(el.textContent);
      }, null, { timeout: 10000 });
      const status = (await page.innerText('[data-testid=trace-import-status]')).trim();
      assert(/Detected: Tempo v2/.test(status), `import status: ${status}`);
      await page.locator('[data-testid=trace-imported] [data-testid=trace-row]').first().click();
      await waitTraceView(page);
      const alert = page.locator('[data-testid=trace-partial]');
      await alert.waitFor({ timeout: 5000 });
      const text = (await alert.textContent()).trim();
      assert(/Partial trace/.test(text) && /Trace exceeds maximum size/.test(text) && (await alert.getAttribute('role')) === 'alert',
        `partial alert: ${text}`);
      const spans = (await page.innerText('[data-testid=trace-spans]')).trim();
      assert(spans === '8', `the received spans are still shown: ${spans}`);
      const warnings = await page.$('[data-testid=trace-warnings]');
      const listed = warnings ? await warnings.innerText() : '';
      assert(!/partial trace/i.test(listed), `PARTIAL is said once, in the alert: ${listed}`);
    },
  },
];
