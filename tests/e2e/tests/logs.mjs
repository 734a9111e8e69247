// Logs page: the demo source's Loki API (lines, server-side volume, details, the link to the
// line's trace, patterns), a Loki source served by the project's fixture server (real captured
// answers, tests/e2e/lib/trace_server.mjs) checked against values computed here from the fixture
// JSON, a metric LogQL query drawn as a chart, file imports (NDJSON, OTLP/JSON logs) and errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, open, addKindSource, assertChartDrawn } from '../lib/app.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '..', '..', 'fixtures');
const lokiFixture = (file) => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'loki', file), 'utf8'));

/** Entries of a captured streams answer, newest first (stable for equal times), as Sightline orders them. */
function entriesNewestFirst(answer) {
  const all = answer.data.result.flatMap((s) => s.values.map((v) => ({ ts: BigInt(v[0]), line: v[1] })));
  return all.map((e, i) => ({ ...e, i })).sort((a, b) => (a.ts === b.ts ? a.i - b.i : a.ts > b.ts ? -1 : 1));
}

async function waitLogs(page, timeout = 20000) {
  await page.waitForSelector('[data-testid=log-summary], [data-testid=log-error], [data-testid=log-metric]', { timeout });
  const err = await page.$('[data-testid=log-error]');
  if (err) throw new Error(`logs failed: ${(await err.innerText()).trim()}`);
}

async function volumeTotals(page) {
  return page.$$eval('[data-testid^=log-volume-total-]', (els) => Object.fromEntries(els.map((e) => {
    const [level, n] = e.textContent.trim().split(' ');
    return [level, Number(n)];
  })));
}

function needTraceServer(ctx) {
  assert(ctx.trace, 'fixture server not started: run the suite with scripts/e2e.sh (it sets TRACE_URL)');
}

async function importFile(page, file) {
  await page.setInputFiles('[data-testid=log-file]', file);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=log-import-status]');
    return el && !/Reading/.test(el.textContent);
  }, null, { timeout: 10000 });
  return (await page.innerText('[data-testid=log-import-status]')).trim();
}

export default [
  {
    name: 'logs: demo lines are newest first with their level, the server counts the volume, a line opens its trace',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'logs', from: 'now-15m', llimit: 5000 });
      await waitLogs(page);
      const lines = Number(await page.getAttribute('[data-testid=log-result]', 'data-lines'));
      assert(lines > 20, `the demo logs about 3 lines per 10 s: ${lines} in 15 min`);
      assert(await page.locator('[data-testid=log-limit-note]').count() === 0, 'the limit of 5000 is not reached in 15 min');
      await page.waitForSelector('[data-testid=log-volume][data-origin=server]', { timeout: 15000 });
      const totals = await volumeTotals(page);
      const counted = Object.values(totals).reduce((a, b) => a + b, 0);
      // The volume buckets are aligned to whole minutes, so they cover the range and up to a bucket before it.
      assert(counted >= lines, `volume ${counted} should count at least the ${lines} loaded lines`);
      // Each row's level is the line's own level= field (the demo writes logfmt).
      const rows = await page.$$eval('[data-testid=log-row]', (els) => els.slice(0, 30).map((e) => ({
        level: e.querySelector('.log-level').textContent, text: e.querySelector('.log-text').textContent,
      })));
      assert(rows.length >= 20, `rows rendered: ${rows.length}`);
      for (const r of rows) assert(r.text.startsWith(`level=${r.level} `), `level ${r.level} for ${r.text}`);
      // Newest first.
      const times = await page.$$eval('[data-testid=log-row] .log-time', (els) => els.slice(0, 30).map((e) => e.textContent));
      assert(times.every((t, i) => i === 0 || times[i - 1] >= t), `times not descending: ${times.slice(0, 5)}`);
      // Details and the trace link.
      await page.locator('[data-testid=log-row]').first().click();
      const detail = await page.innerText('[data-testid=log-details-line]');
      const id = /trace_id=([0-9a-f]{32})/.exec(detail)?.[1];
      assert(id, `the demo line carries a trace id: ${detail}`);
      assert((await page.innerText('[data-testid=log-parsed]')).includes('route'), 'logfmt fields are listed');
      await page.click('[data-testid=log-trace-link]');
      await page.waitForSelector('[data-testid=trace-summary], [data-testid=trace-error]', { timeout: 15000 });
      assert(await page.locator('[data-testid=trace-error]').count() === 0, 'the trace of a demo line opens');
      assert(new URL(page.url()).searchParams.get('trace') === id, `trace=${id} in the URL: ${page.url()}`);
      // And back: the root span's details link to its service's logs around it, which hold the line.
      await page.waitForSelector('[data-testid=span-logs]', { timeout: 10000 });
      await page.click('[data-testid=span-logs]');
      await waitLogs(page);
      const lq = new URL(page.url()).searchParams.get('lq');
      assert(/^\{service_name="[a-z]+"\}$/.test(lq || ''), `the span's service query: ${lq}`);
      await page.fill('[data-testid=log-filter]', id);
      await page.waitForFunction(() => /^[1-9]\d* of /.test(document.querySelector('[data-testid=log-shown]')?.textContent || ''), null, { timeout: 10000 })
        .catch(async () => { throw new Error(`no line of trace ${id} in the service's logs: ${await page.innerText('[data-testid=log-shown]')}`); });
    },
  },
  {
    name: 'logs: the patterns tab groups the demo lines and accounts for every line',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'logs', from: 'now-30m', llimit: 5000, ltab: 'patterns' });
      await waitLogs(page);
      const lines = Number(await page.getAttribute('[data-testid=log-result]', 'data-lines'));
      await page.waitForSelector('[data-testid=log-pattern]');
      const patterns = await page.$$eval('[data-testid=log-pattern]', (els) => els.map((e) => ({
        count: Number(e.querySelector('[data-testid=log-pattern-count]').textContent),
        template: e.querySelector('[data-testid=log-pattern-template]').textContent,
      })));
      const sum = patterns.reduce((a, p) => a + p.count, 0);
      assert(sum === lines, `pattern counts ${sum} should add up to the ${lines} lines`);
      assert(patterns[0].template === 'request completed', `most lines complete a request: ${JSON.stringify(patterns[0])}`);
      assert(patterns.length <= 6, `the demo's messages are few: ${patterns.map((p) => p.template)}`);
    },
  },
  {
    name: 'logs: a Loki source (captured answers) lists every captured line newest first; the volume falls back to the loaded lines',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addKindSource(page, baseUrl, { name: 'loki-fx', kind: 'loki', url: `${ctx.trace}/loki` });
      // Settings' Test asks a Loki source for its label names (the captured streams have 13).
      const row = page.locator('[data-testid=ds-row]', { hasText: 'loki-fx' }).first();
      await row.locator('[data-testid=ds-test]').click();
      await row.locator('[data-testid=ds-test-result]', { hasText: 'working' }).waitFor({ timeout: 10000 })
        .catch(async () => { throw new Error(`Test of a Loki source: ${await row.innerText()}`); });
      assert((await row.innerText()).includes('13 log labels listed'), `Test result: ${await row.innerText()}`);
      const answer = lokiFixture('netobserv-streams-flow-records.json');
      const entries = entriesNewestFirst(answer);
      const oldestMs = Number(entries[entries.length - 1].ts / 1000000n);
      const newestMs = Number(entries[0].ts / 1000000n);
      await open(page, baseUrl, { page: 'logs', lds: 'loki-fx', lq: '{app="netobserv-flowcollector"}', from: String(oldestMs - 60000), to: String(newestMs + 60000) });
      await waitLogs(page);
      const summary = await page.innerText('[data-testid=log-summary]');
      assert(summary.startsWith(`${entries.length} line(s) from 'loki-fx'`), `summary: ${summary}`);
      assert(entries.length === 50, `the capture has 50 entries: ${entries.length}`);
      const first = await page.$eval('[data-testid=log-row] .log-text', (e) => e.textContent);
      assert(first === entries[0].line, `first row should be the newest entry:\n${first}\n${entries[0].line}`);
      await page.waitForSelector('[data-testid=log-volume][data-origin=loaded]', { timeout: 15000 });
      const how = await page.innerText('[data-testid=log-volume-how]');
      assert(/loaded line/.test(how) && /count failed/.test(how), `the volume says it counts the loaded lines: ${how}`);
      const totals = await volumeTotals(page);
      assert(totals.unknown === 50, `flow records carry no level: ${JSON.stringify(totals)}`);
      // JSON lines: fields are parsed.
      await page.locator('[data-testid=log-row]').first().click();
      const parsed = await page.innerText('[data-testid=log-parsed]');
      const firstObj = JSON.parse(entries[0].line);
      assert(parsed.includes('SrcK8S_Name') && parsed.includes(String(firstObj.Bytes)), `parsed fields: ${parsed.slice(0, 200)}`);
      // A line filter gets the captured filtered answer.
      const filtered = lokiFixture('netobserv-streams-flow-records-sent.json');
      const nFiltered = filtered.data.result.reduce((a, s) => a + s.values.length, 0);
      await page.fill('[data-testid=log-query]', '{app="netobserv-flowcollector"} |= "Sent"');
      await page.click('[data-testid=log-run]');
      await page.waitForFunction((n) => document.querySelector('[data-testid=log-result]')?.getAttribute('data-lines') === String(n), nFiltered, { timeout: 15000 });
      // The empty capture is "no lines", not an error.
      await page.fill('[data-testid=log-query]', '{app="netobserv-flowcollector"} | json | PktDropBytes="dropped"');
      await page.click('[data-testid=log-run]');
      await page.waitForFunction(() => /No log lines match/.test(document.querySelector('[data-testid=log-summary]')?.textContent || ''), null, { timeout: 15000 });
    },
  },
  {
    name: 'logs: a metric LogQL query (captured matrix) is drawn as a chart',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addKindSource(page, baseUrl, { name: 'loki-m', kind: 'loki', url: `${ctx.trace}/loki` });
      const q = 'topk(50, sum by(SrcK8S_Namespace,DstK8S_Namespace) (rate({app="netobserv-flowcollector"} | json | unwrap Packets [1m])))';
      const m = lokiFixture('netobserv-matrix-namespace.json');
      const ts = m.data.result.flatMap((s) => s.values.map((v) => v[0] * 1000));
      await open(page, baseUrl, { page: 'logs', lds: 'loki-m', lq: q, from: String(Math.min(...ts) - 60000), to: String(Math.max(...ts) + 60000) });
      await page.waitForSelector('[data-testid=log-metric]', { timeout: 20000 });
      await assertChartDrawn(page);
    },
  },
  {
    name: 'logs: importing NDJSON and OTLP/JSON log files says which format it detected; the OTLP record links its trace',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'logs', from: 'now-5m' });
      await waitLogs(page);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-logs-')), 'app.ndjson');
      fs.writeFileSync(file, [
        '{"timestamp":"2024-01-15T10:00:01Z","level":"ERROR","message":"payment 42 declined","service":"payments"}',
        '{"timestamp":"2024-01-15T10:00:02Z","level":"INFO","message":"payment 43 accepted","service":"payments"}',
        '{"timestamp":"2024-01-15T10:00:03Z","level":"INFO","message":"payment 44 accepted","service":"payments"}',
        '',
      ].join('\n'));
      let status = await importFile(page, file);
      assert(/Detected: NDJSON\. 3 line\(s\)/.test(status), `status: ${status}`);
      await page.waitForFunction(() => document.querySelector('[data-testid=log-result]')?.getAttribute('data-lines') === '3');
      const levels = await page.$$eval('[data-testid=log-row] .log-level', (els) => els.map((e) => e.textContent));
      assert(JSON.stringify(levels) === '["info","info","error"]', `levels newest first: ${levels}`);
      const totals = await volumeTotals(page);
      assert(totals.error === 1 && totals.info === 2, `volume of the file: ${JSON.stringify(totals)}`);
      status = await importFile(page, path.join(FIXTURES, 'otlp', 'otlp-proto-example-logs.json'));
      assert(/Detected: OTLP\/JSON logs\. 1 line\(s\)/.test(status), `status: ${status}`);
      await page.locator('[data-testid=log-row]').first().click();
      const link = await page.innerText('[data-testid=log-trace-link]');
      assert(link.includes('5b8efff798038103d269b633813fc60c'), `trace link: ${link}`);
      assert((await page.innerText('[data-testid=log-metadata]')).includes('string.attribute'), 'record attributes are shown');
      status = await importFile(page, path.join(FIXTURES, 'loki', 'netobserv-matrix-app.json'));
      assert(/metric query answer/.test(status), `a metric answer is refused with a reason: ${status}`);
    },
  },
  {
    name: 'logs: an unreachable Loki gives a clear error in the page, and the demo still works after',
    async run({ page, baseUrl }) {
      await addKindSource(page, baseUrl, { name: 'loki-down', kind: 'loki', url: 'http://127.0.0.1:9' });
      await open(page, baseUrl, { page: 'logs', lds: 'loki-down' });
      await page.waitForSelector('[data-testid=log-idle]', { timeout: 10000 });
      await page.fill('[data-testid=log-query]', '{job="x"}');
      await page.click('[data-testid=log-run]');
      await page.waitForSelector('[data-testid=log-error]', { timeout: 40000 });
      const text = await page.innerText('[data-testid=log-error]');
      assert(/Network or CORS/.test(text) && /proxy/.test(text), `error: ${text}`);
      await page.selectOption('[data-testid=log-source]', 'demo');
      await waitLogs(page);
    },
  },
];
