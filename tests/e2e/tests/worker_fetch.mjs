// A panel's query_range request is sent from the background worker (the body is read there, off
// the page's main thread): against a small recording server of this test, the request arrives
// with the source's Authorization header and no credential in its URL; a newer query aborts the
// older request still in flight (the server sees its connection closed before it answered); and
// an unreachable source gives the same panel error from the worker as from the main thread
// (localStorage "sightline.offload" = "main").
//
// The recording server listens on E2E_RECORD_PORT (default 0: any free port) and is closed by the
// test.
import http from 'node:http';
import { SEL, assert, open, addSource, waitPanel, legendTexts, runQuery } from '../lib/app.mjs';

const SECRET = 'Bearer e2e-worker-secret';
const SLOW_MS = 4000;

/** Answers query_range with one series named after the query; `slow_metric` answers after SLOW_MS. */
function startRecordingServer() {
  const seen = [];
  const server = http.createServer((req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'Authorization, X-Scope-OrgID',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.endsWith('/api/v1/query_range')) {
      res.writeHead(404, cors);
      return res.end('not found');
    }
    const query = url.searchParams.get('query') || '';
    const entry = { url: req.url, auth: req.headers.authorization, query, closedEarly: false };
    seen.push(entry);
    const start = Number(url.searchParams.get('start'));
    const body = JSON.stringify({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { __name__: query, job: 'record' }, values: [[start, '1'], [start + 60, '2']] }] },
    });
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end(body);
    };
    res.on('close', () => { if (!res.writableEnded) entry.closedEarly = true; });
    if (query === 'slow_metric') setTimeout(answer, SLOW_MS);
    else answer();
  });
  server.seen = seen;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.E2E_RECORD_PORT || 0), '127.0.0.1', () => resolve(server));
  });
}

async function panelErrorText(page) {
  await waitPanel(page, ['error'], { timeout: 20000 });
  return (await page.locator('.panel-error').first().innerText()).trim();
}

export default [
  {
    name: 'worker fetch: the request carries credentials in headers only, and a newer query aborts the older one',
    timeout: 60000,
    run: async ({ page, baseUrl }) => {
      const server = await startRecordingServer();
      try {
        const info = [];
        page.on('console', (m) => { if (m.text().startsWith('sightline:')) info.push(m.text()); });
        await addSource(page, baseUrl, { name: 'rec', url: `http://127.0.0.1:${server.address().port}`, auth: SECRET });
        await open(page, baseUrl, { page: 'explore', ds: 'rec', mode: 'range', from: 'now-1h', to: 'now' });
        await runQuery(page, 'fast_metric');
        await waitPanel(page, ['data']);
        assert(info.some((l) => /fetched and decoded a response .* in the background worker/.test(l)),
          `the request was not sent from the worker; console: ${JSON.stringify(info)}`);
        const first = server.seen.find((s) => s.query === 'fast_metric');
        assert(first, `the server saw no request for fast_metric: ${JSON.stringify(server.seen)}`);
        assert(first.auth === SECRET, `Authorization header ${JSON.stringify(first.auth)}, wanted the source's`);
        assert(!first.url.includes('e2e-worker-secret'), `the credential is in the URL: ${first.url}`);

        // A newer query aborts the slow one still in flight.
        await runQuery(page, 'slow_metric');
        const deadline = Date.now() + 5000;
        while (!server.seen.some((s) => s.query === 'slow_metric') && Date.now() < deadline) await page.waitForTimeout(50);
        assert(server.seen.some((s) => s.query === 'slow_metric'), 'the slow request never arrived');
        await runQuery(page, 'other_metric');
        await page.waitForFunction(() => /other_metric/.test(document.querySelector('[data-testid=legend-item]')?.textContent || ''), null, { timeout: 10000 });
        await page.waitForTimeout(SLOW_MS + 500);
        const slow = server.seen.find((s) => s.query === 'slow_metric');
        assert(slow.closedEarly, 'the superseded request was not aborted (the server answered it)');
        const legend = await legendTexts(page);
        assert(legend.length === 1 && /other_metric/.test(legend[0]), `legend after the newer query: ${JSON.stringify(legend)}`);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  },
  {
    name: 'worker fetch: an unreachable source gives the same panel error from the worker as from the main thread',
    timeout: 60000,
    run: async ({ page, baseUrl }) => {
      const info = [];
      page.on('console', (m) => { if (m.text().startsWith('sightline:')) info.push(m.text()); });
      // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
      await addSource(page, baseUrl, { name: 'nowhere', url: 'http://127.0.0.1:9', auth: SECRET });
      await open(page, baseUrl, { page: 'explore', ds: 'nowhere', mode: 'range', from: 'now-1h', to: 'now', q: 'up' });
      await runQuery(page, 'up');
      const fromWorker = await panelErrorText(page);
      assert(info.some((l) => /the request failed .* in the background worker/.test(l)), `not sent from the worker; console: ${JSON.stringify(info)}`);
      await page.evaluate(() => localStorage.setItem('sightline.offload', 'main'));
      await open(page, baseUrl, { page: 'explore', ds: 'nowhere', mode: 'range', from: 'now-1h', to: 'now', q: 'up' });
      await runQuery(page, 'up');
      const fromMain = await panelErrorText(page);
      assert(/Network or CORS/i.test(fromWorker) && /could not be reached/.test(fromWorker) && /sends Authorization/.test(fromWorker),
        `worker error: ${fromWorker}`);
      assert(!fromWorker.includes('e2e-worker-secret'), `the error shows the credential: ${fromWorker}`);
      // The URL holds the relative time range resolved at run time; compare without it.
      const strip = (t) => t.replace(/URL: \S+/, 'URL: …');
      assert(strip(fromWorker) === strip(fromMain), `errors differ:\n  worker: ${fromWorker}\n  main:   ${fromMain}`);
    },
  },
];
