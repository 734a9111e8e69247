// Traces page: the demo source's search and trace view, a Jaeger source served by the project's
// trace fixture server (real captured answers, tests/e2e/lib/trace_server.mjs), file import, and
// the critical path and statistics of known traces checked against values computed here,
// independently, from the fixture JSON (a port of Jaeger UI's critical-path algorithm and the
// self-time definition).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, open, explore, assertChartDrawn, addKindSource } from '../lib/app.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '..', '..', 'fixtures');
export const fixture = (kind, file) => JSON.parse(fs.readFileSync(path.join(FIXTURES, kind, file), 'utf8'));

export function needTraceServer(ctx) {
  assert(ctx.trace, 'trace fixture server not started: run the suite with scripts/e2e.sh (it sets TRACE_URL)');
}

export const addTraceSource = addKindSource;

export async function waitTraceView(page, timeout = 15000) {
  await page.waitForSelector('[data-testid=trace-summary], [data-testid=trace-error]', { timeout });
  const err = await page.$('[data-testid=trace-error]');
  if (err) throw new Error(`trace view failed: ${(await err.innerText()).trim()}`);
}

/** Adds the fixture server's Tempo as a source and opens its captured trace by id. */
export async function openTempoTrace(ctx) {
  needTraceServer(ctx);
  const { page, baseUrl } = ctx;
  await addTraceSource(page, baseUrl, { name: 'tempo', kind: 'tempo', url: `${ctx.trace}/tempo` });
  await open(page, baseUrl, { page: 'traces', tds: 'tempo', trace: '3ba55609c3cde49649cd77d1f9dcd936' });
  await waitTraceView(page);
}

/** Pixels of the waterfall canvas that are not the background colour. */
async function waterfallInk(page) {
  return page.$eval('[data-testid=trace-waterfall-canvas]', (c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) ink++;
    return ink;
  });
}

// ---------------------------------------------------------------------------------------------
// Independent reference computations over a Jaeger trace object (µs times → ns).

/** Jaeger UI's critical path (packages/jaeger-ui/src/components/TracePage/CriticalPath), total ns. */
export function jaegerCriticalPathNs(trace) {
  return jaegerCriticalPath(trace).totalNs;
}

/** Jaeger UI's critical path: its total length (ns) and its number of (non-empty) sections. */
export function jaegerCriticalPath(trace) {
  const spans = new Map(trace.spans.map((s) => [s.spanID, {
    id: s.spanID, start: s.startTime, end: s.startTime + s.duration,
    parent: (s.references.find((r) => r.refType === 'CHILD_OF') || {}).spanID,
    followsFrom: s.references.length > 0 && !s.references.some((r) => r.refType === 'CHILD_OF'),
    children: [],
  }]));
  for (const s of spans.values()) if (s.parent && spans.has(s.parent) && !s.followsFrom) spans.get(s.parent).children.push(s.id);
  const roots = [...spans.values()].filter((s) => !s.parent || !spans.has(s.parent)).sort((a, b) => a.start - b.start);
  // Sanitise overflowing children in pre-order (drop entirely outside, clamp partially outside).
  const keep = new Set();
  const stack = roots.map((r) => r.id).reverse();
  for (const r of roots) keep.add(r.id);
  while (stack.length) {
    const p = spans.get(stack.pop());
    for (const cid of p.children) {
      const c = spans.get(cid);
      if (c.start >= p.end || c.end <= p.start) continue;
      c.start = Math.max(c.start, p.start);
      c.end = Math.min(c.end, p.end);
      keep.add(cid);
      stack.push(cid);
    }
  }
  let total = 0;
  let sections = 0;
  const walk = (id, limit) => {
    // Iterative version of computeCriticalPath: (span, returning child's start or undefined).
    let cur = id, lim = limit;
    for (;;) {
      const s = spans.get(cur);
      const kids = s.children.filter((k) => keep.has(k)).map((k) => spans.get(k))
        .filter((k) => lim === undefined || k.end < lim)
        .sort((a, b) => b.end - a.end || a.start - b.start);
      const lfc = kids[0];
      const sectionEnd = lim === undefined ? s.end : lim;
      if (lfc) {
        total += sectionEnd - lfc.end;
        if (sectionEnd !== lfc.end) sections += 1;
        cur = lfc.id;
        lim = undefined;
      } else {
        total += sectionEnd - s.start;
        if (sectionEnd !== s.start) sections += 1;
        if (!s.parent || !spans.has(s.parent) || !keep.has(s.parent)) return;
        lim = s.start;
        cur = s.parent;
      }
    }
  };
  for (const r of roots) walk(r.id, undefined);
  return { totalNs: total * 1000, sections };
}

/** Per (service, operation): count, total duration and self total, in ns. */
export function jaegerStats(trace) {
  const service = (s) => trace.processes[s.processID].serviceName;
  const children = new Map();
  for (const s of trace.spans) {
    const p = (s.references.find((r) => r.refType === 'CHILD_OF') || {}).spanID;
    if (p) children.set(p, [...(children.get(p) || []), s]);
  }
  const out = new Map();
  for (const s of trace.spans) {
    const [a, b] = [s.startTime, s.startTime + s.duration];
    const ivs = (children.get(s.spanID) || []).map((c) => [Math.max(a, c.startTime), Math.min(b, c.startTime + c.duration)])
      .filter(([x, y]) => y > x).sort((p, q) => p[0] - q[0]);
    let covered = 0, reach = a;
    for (const [x, y] of ivs) {
      if (y <= reach) continue;
      covered += y - Math.max(x, reach);
      reach = y;
    }
    const key = `${service(s)}\t${s.operationName}`;
    const row = out.get(key) || { count: 0, total: 0, self: 0 };
    row.count += 1;
    row.total += s.duration * 1000;
    row.self += (s.duration - covered) * 1000;
    out.set(key, row);
  }
  return out;
}

async function statsTable(page) {
  return page.$$eval('[data-testid=trace-view] [data-testid=stats-row]', (rows) => rows.map((r) => ({
    key: `${r.querySelector('[data-testid=stats-service]').textContent}\t${r.querySelector('[data-testid=stats-operation]').textContent}`,
    count: Number(r.querySelector('[data-testid=stats-count]').textContent),
    total: Number(r.querySelector('[data-testid=stats-total]').dataset.ns),
    self: Number(r.querySelector('[data-testid=stats-self]').dataset.ns),
  })));
}

async function checkKnownTrace(page, trace) {
  await waitTraceView(page);
  const cpNs = Number(await page.getAttribute('[data-testid=trace-summary]', 'data-critical-ns'));
  const expectedCp = jaegerCriticalPathNs(trace);
  assert(cpNs === expectedCp, `critical path of ${trace.traceID}: page says ${cpNs} ns, Jaeger's algorithm gives ${expectedCp} ns`);
  const shown = await statsTable(page);
  const expected = jaegerStats(trace);
  assert(shown.length === expected.size, `stats rows: page ${shown.length}, expected ${expected.size}`);
  for (const row of shown) {
    const want = expected.get(row.key);
    assert(want, `unexpected stats row ${JSON.stringify(row.key)}`);
    assert(row.count === want.count && row.total === want.total && row.self === want.self,
      `stats ${JSON.stringify(row.key)}: page ${JSON.stringify(row)}, expected ${JSON.stringify(want)}`);
  }
  const bottlenecks = await page.$$eval('[data-testid=bottleneck-critical]', (c) => c.map((x) => Number(x.dataset.ns)));
  const sum = bottlenecks.reduce((a, b) => a + b, 0);
  assert(bottlenecks.length > 0 && sum === expectedCp,
    `bottleneck critical-path times should add up to the critical path (${expectedCp} ns): ${JSON.stringify(bottlenecks)}`);
}

export default [
  {
    name: 'traces: demo search shows a scatter and a sortable list; a click opens the waterfall',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'traces', tsvc: 'checkout', tlimit: '8' });
      await page.waitForSelector('[data-testid=trace-row]', { timeout: 15000 });
      const rows = await page.$$('[data-testid=trace-row]');
      assert(rows.length === 8, `8 demo traces expected, got ${rows.length}`);
      await page.waitForSelector('[data-testid=trace-scatter]');
      // Sort by duration (descending): the durations shown must be non-increasing.
      await page.locator('[data-testid=trace-sort]', { hasText: 'Duration' }).click();
      const stats = await page.$$eval('[data-testid=trace-view] [data-testid=stats-row], [data-testid=trace-results] [data-testid=stats-row]', (r) => r.length);
      assert(stats >= 3, `statistics over the search's traces expected (checkout, cart, payments): ${stats} rows`);
      const id = (await page.locator('[data-testid=trace-row-id]').first().innerText()).trim();
      await page.locator('[data-testid=trace-row]').first().click();
      await waitTraceView(page);
      assert(new URL(page.url()).searchParams.get('trace') === id, `the URL should name the opened trace ${id}: ${page.url()}`);
      assert((await page.innerText('[data-testid=trace-spans]')).trim() === '5', 'a checkout trace has 5 spans');
      let ink = 0;
      for (let i = 0; i < 30 && ink < 500; i++) {
        ink = await waterfallInk(page);
        await page.waitForTimeout(100);
      }
      assert(ink >= 500, `the waterfall canvas looks empty (${ink} drawn pixels)`);
      assert(await page.$('[data-testid=span-details]'), 'the root span is selected and its details shown');
      // Collapse the root: only the root row remains.
      await page.click('[data-testid=waterfall-collapse]');
      const shown = (await page.innerText('[data-testid=waterfall-rows]')).trim();
      assert(/^3 of 5 spans shown/.test(shown), `collapsing below level 2 leaves root and its 2 calls: ${shown}`);
    },
  },
  {
    name: 'traces: a trace link opens a captured Jaeger trace; critical path and statistics equal independent values',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'jaeger', kind: 'jaeger', url: `${ctx.trace}/jaeger` });
      for (const file of ['petclinic-normal.json', 'petclinic-span-longer-than-parent.json']) {
        const trace = fixture('jaeger', file);
        await open(page, baseUrl, { page: 'traces', tds: 'jaeger', trace: trace.traceID });
        await checkKnownTrace(page, trace);
      }
    },
  },
  {
    name: 'traces: Jaeger search against the fixture server lists the captured traces of a service',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'jaeger', kind: 'jaeger', url: `${ctx.trace}/jaeger` });
      await open(page, baseUrl, { page: 'traces', tds: 'jaeger', tsvc: 'customers-service' });
      await page.waitForSelector('[data-testid=trace-row]', { timeout: 15000 });
      const ids = (await page.locator('[data-testid=trace-row-id]').allInnerTexts()).map((s) => s.trim()).sort();
      const want = ['petclinic-normal.json', 'petclinic-span-longer-than-parent.json'].map((f) => fixture('jaeger', f).traceID).sort();
      assert(JSON.stringify(ids) === JSON.stringify(want), `search results ${JSON.stringify(ids)}, expected ${JSON.stringify(want)}`);
      const services = await page.$$eval('[data-testid=trace-service] option', (o) => o.map((x) => x.value));
      assert(services.includes('api-gateway') && services.includes('customers-service'), `service list: ${services}`);
    },
  },
  {
    name: 'traces: Tempo search shows the captured summary',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'tempo', kind: 'tempo', url: `${ctx.trace}/tempo` });
      await open(page, baseUrl, { page: 'traces', tds: 'tempo' });
      await page.waitForSelector('[data-testid=trace-row]', { timeout: 15000 });
      const text = await page.innerText('[data-testid=trace-list]');
      assert(text.includes('100cb753c787ed5657c8d88dafc176ed') && text.includes('istio-ingressgateway.istio-system'),
        `the Tempo search summary should be listed: ${text.slice(0, 300)}`);
    },
  },
  {
    name: 'traces: importing a Jaeger file says which format it detected and opens the trace offline',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, { page: 'traces' });
      await page.setInputFiles('[data-testid=trace-file]', path.join(FIXTURES, 'jaeger', 'petclinic-normal.json'));
      await page.waitForSelector('[data-testid=trace-import-status]');
      await page.waitForFunction(() => !/Reading/.test(document.querySelector('[data-testid=trace-import-status]').textContent));
      const status = (await page.innerText('[data-testid=trace-import-status]')).trim();
      assert(/Detected: Jaeger/i.test(status) && /1 trace/.test(status), `import status: ${status}`);
      await page.locator('[data-testid=trace-imported] [data-testid=trace-row]').first().click();
      await checkKnownTrace(page, fixture('jaeger', 'petclinic-normal.json'));
    },
  },
  {
    name: 'traces: a Tempo trace by id (batches, base64 ids) opens from the fixture server',
    async run(ctx) {
      await openTempoTrace(ctx);
      const { page } = ctx;
      const spans = (await page.innerText('[data-testid=trace-spans]')).trim();
      const services = (await page.innerText('[data-testid=trace-services]')).trim();
      assert(spans === '8' && services === '5', `the captured Tempo trace has 8 spans and 5 services: ${spans}, ${services}`);
      const edges = await page.$$('[data-testid=trace-view] [data-testid=service-edge]');
      assert(edges.length > 0, 'the service map of a 5-service trace has edges');
    },
  },
  {
    name: 'traces: Zipkin search and trace view against the fixture server',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'zipkin', kind: 'zipkin', url: `${ctx.trace}/zipkin` });
      await open(page, baseUrl, { page: 'traces', tds: 'zipkin', tsvc: 'routing' });
      await page.waitForSelector('[data-testid=trace-row]', { timeout: 15000 });
      const ids = (await page.locator('[data-testid=trace-row-id]').allInnerTexts()).map((s) => s.trim());
      assert(ids.length === 1 && ids[0] === '0000000000000000a03ee8fff1dcd9b9', `the Yelp trace is the one with service routing: ${ids}`);
      // Open it by URL (fetched from the server, not taken from the search results).
      await open(page, baseUrl, { page: 'traces', tds: 'zipkin', trace: 'a03ee8fff1dcd9b9' });
      await waitTraceView(page);
      const spans = (await page.innerText('[data-testid=trace-spans]')).trim();
      assert(spans === '16', `the Yelp trace has 16 spans: ${spans}`);
    },
  },
  {
    name: 'traces: importing OTLP, NDJSON, Tempo and Zipkin files names each detected format',
    async run({ page, baseUrl }) {
      const cases = [
        ['otlp', 'collector-fileexport-traces.json', /Detected: OTLP\/JSON/, '2 span'],
        ['otlp', 'nodejs-traces-multi.jsonl', /Detected: OTLP\/JSON/, '4 span'],
        ['tempo', 'kiali-bookinfo-trace-by-id.json', /Detected: Tempo/, '8 span'],
        ['zipkin', 'yelp.json', /Detected: Zipkin/, '16 span'],
      ];
      for (const [kind, file, format, spans] of cases) {
        await open(page, baseUrl, { page: 'traces' });
        await page.setInputFiles('[data-testid=trace-file]', path.join(FIXTURES, kind, file));
        await page.waitForFunction(() => {
          const el = document.querySelector('[data-testid=trace-import-status]');
          return el && !/Reading/.test(el.textContent);
        }, null, { timeout: 10000 });
        const status = (await page.innerText('[data-testid=trace-import-status]')).trim();
        assert(format.test(status) && status.includes(`1 trace(s), ${spans}`), `${file}: import status ${JSON.stringify(status)}`);
      }
      // The last one opens offline.
      await page.locator('[data-testid=trace-imported] [data-testid=trace-row]').first().click();
      await waitTraceView(page);
    },
  },
  {
    name: 'traces: comparing two captured Jaeger traces shows their structural diff',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'jaeger', kind: 'jaeger', url: `${ctx.trace}/jaeger` });
      const a = fixture('jaeger', 'petclinic-normal.json');
      const b = fixture('jaeger', 'petclinic-span-longer-than-parent.json');
      await open(page, baseUrl, { page: 'traces', tds: 'jaeger', trace: a.traceID });
      await waitTraceView(page);
      await page.fill('[data-testid=trace-compare-id]', b.traceID);
      await page.click('[data-testid=trace-compare]');
      await page.waitForSelector('[data-testid=diff-row]', { timeout: 10000 });
      assert(new URL(page.url()).searchParams.get('cmp') === b.traceID, `cmp should be in the URL: ${page.url()}`);
      const rows = await page.$$eval('[data-testid=diff-row]', (r) => r.map((x) => ({ change: x.dataset.change, text: x.textContent })));
      // A calls customers-service GET /owners/8/pets/10 once, B four times.
      const changed = rows.find((r) => r.text.includes('customers-service: GET /owners/8/pets/10') && r.change === 'count changed');
      assert(changed && changed.text.includes('1 → 4'), `diff rows: ${JSON.stringify(rows)}`);
    },
  },
  {
    name: 'traces: a demo exemplar clicked in Explore opens its trace, rooted at the exemplar time',
    async run({ page, baseUrl }) {
      const q = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';
      await explore(page, baseUrl, { q, mode: 'range', from: 'now-1h', to: 'now' }, ['data']);
      await assertChartDrawn(page);
      const marker = page.locator('[data-testid=exemplar]').last();
      await marker.waitFor({ timeout: 10000 });
      const trace = await marker.getAttribute('data-trace-id');
      const tMs = Number(await marker.getAttribute('data-t-ms'));
      await marker.click();
      await waitTraceView(page);
      const shownId = (await page.innerText('[data-testid=trace-id]')).trim();
      assert(shownId === trace, `the trace view should show the exemplar's trace ${trace}: ${shownId}`);
      const start = (await page.innerText('[data-testid=span-timing]')).trim();
      assert(/^Start\s*\+0 ns/.test(start), `the root span is selected and starts the trace: ${JSON.stringify(start.slice(0, 80))}`);
      assert(Number.isFinite(tMs) && tMs > 0, `marker time ${tMs}`);
    },
  },
];
