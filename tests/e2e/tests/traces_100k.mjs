// A 100k-span trace (the seeded generator of tests/e2e/lib/big_trace.mjs, in the captured Jaeger
// shape, served by the trace fixture server under Jaeger's /api/traces/{id}) opens through a
// Jaeger source (in the background worker, then with the worker switched off) and through a file
// import (in the worker); each time, what the page shows — span count, critical-path total and
// number of sections, one statistics row (count, total, self total, p95, errors) — equals values
// computed here, independently, from the same bytes (traces.mjs' port of Jaeger UI's critical
// path and self time; a sort for the p95).
// Functional only: how fast it is, and whether the page stays responsive, is tests/e2e/perf.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assert, open } from '../lib/app.mjs';
import { bigTraceId, BIG_TRACE_SPANS } from '../lib/big_trace.mjs';
import { addTraceSource, jaegerCriticalPath, jaegerStats, needTraceServer, waitTraceView } from './traces.mjs';

/** The row checked in the statistics table. */
const ROW = ['payments', 'POST /charge'];

/** The served answer's bytes and the trace in it. */
export async function fetchBigTrace(traceUrl) {
  const res = await fetch(`${traceUrl}/jaeger/api/traces/${bigTraceId()}`);
  assert(res.ok, `the trace server answered ${res.status} for the generated trace`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const trace = JSON.parse(bytes.toString('utf8')).data[0];
  return { bytes, trace };
}

/** Exact p-quantile by linear interpolation between closest ranks (Hyndman–Fan 7). */
function quantile(sorted, q) {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** What the page must show for `trace`, computed here. */
export function expectedOf(trace) {
  const cp = jaegerCriticalPath(trace);
  const [service, operation] = ROW;
  const row = jaegerStats(trace).get(`${service}\t${operation}`);
  const spans = trace.spans.filter((s) => trace.processes[s.processID].serviceName === service && s.operationName === operation);
  const durations = spans.map((s) => s.duration * 1000).sort((a, b) => a - b);
  return {
    spans: trace.spans.length,
    criticalNs: cp.totalNs,
    sections: cp.sections,
    row: { ...row, p95: quantile(durations, 0.95), errors: spans.filter((s) => s.tags.some((t) => t.key === 'error' && t.value === true)).length },
  };
}

/** What the page shows (trace view open). */
export async function shownOf(page) {
  const summary = await page.$eval('[data-testid=trace-summary]', (d) => ({
    spans: Number(d.querySelector('[data-testid=trace-spans]').textContent),
    criticalNs: Number(d.dataset.criticalNs),
    sections: Number(d.dataset.criticalSections),
  }));
  const row = await page.$$eval('[data-testid=trace-view] [data-testid=stats-row]', (rows, [service, operation]) => {
    const r = rows.find((x) => x.querySelector('[data-testid=stats-service]').textContent === service
      && x.querySelector('[data-testid=stats-operation]').textContent === operation);
    if (!r) return null;
    const ns = (id) => Number(r.querySelector(`[data-testid=${id}]`).dataset.ns);
    return {
      count: Number(r.querySelector('[data-testid=stats-count]').textContent),
      total: ns('stats-total'),
      self: ns('stats-self'),
      p95: ns('stats-p95'),
      errors: Number(r.querySelector('[data-testid=stats-errors]').textContent),
    };
  }, ROW);
  return { ...summary, row };
}

export function compare(shown, want, how) {
  for (const k of ['spans', 'criticalNs', 'sections']) {
    assert(shown[k] === want[k], `${how}: ${k} is ${shown[k]} on the page, ${want[k]} computed independently`);
  }
  assert(shown.row, `${how}: no statistics row for ${ROW.join(' ')}`);
  for (const k of ['count', 'total', 'self', 'errors']) {
    assert(shown.row[k] === want.row[k], `${how}: ${ROW.join(' ')} ${k} is ${shown.row[k]} on the page, ${want.row[k]} computed independently`);
  }
  assert(Math.abs(shown.row.p95 - want.row.p95) <= 0.5, `${how}: p95 is ${shown.row.p95} ns on the page, ${want.row.p95} ns computed independently`);
}

export default [
  {
    name: 'traces 100k: a generated 100k-span trace opens from a Jaeger source (worker and main thread) and from a file; numbers equal independent ones',
    timeout: 240000,
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      const info = [];
      page.on('console', (m) => { if (m.text().startsWith('sightline:')) info.push(m.text()); });
      const { bytes, trace } = await fetchBigTrace(ctx.trace);
      const want = expectedOf(trace);
      assert(want.spans === BIG_TRACE_SPANS, `the generator made ${want.spans} spans`);
      assert(want.row.errors > 0 && want.sections > 100, `the generated trace should have errors and a long critical path: ${JSON.stringify(want)}`);

      await addTraceSource(page, baseUrl, { name: 'jaeger', kind: 'jaeger', url: `${ctx.trace}/jaeger` });
      await open(page, baseUrl, { page: 'traces', tds: 'jaeger', trace: bigTraceId() });
      await waitTraceView(page, 120000);
      compare(await shownOf(page), want, 'from the Jaeger source');
      assert(info.some((l) => /decoded and analysed traces \(\d+\.\d MB\) in the background worker/.test(l)),
        `the trace was not decoded in the worker; console: ${JSON.stringify(info)}`);

      // The same load with the worker switched off: the page runs the same core code itself.
      info.length = 0;
      await page.evaluate(() => localStorage.setItem('sightline.offload', 'main'));
      await open(page, baseUrl, { page: 'traces', tds: 'jaeger', trace: bigTraceId() });
      await waitTraceView(page, 120000);
      compare(await shownOf(page), want, 'on the main thread');
      assert(info.some((l) => /decoded and analysed traces \(\d+\.\d MB\) on the main thread/.test(l)),
        `the trace was not decoded on the main thread with the worker switched off; console: ${JSON.stringify(info)}`);
      await page.evaluate(() => localStorage.removeItem('sightline.offload'));

      const file = path.join(os.tmpdir(), `sightline-100k-${process.pid}.json`);
      fs.writeFileSync(file, bytes);
      try {
        info.length = 0;
        await open(page, baseUrl, { page: 'traces' });
        await page.setInputFiles('[data-testid=trace-file]', file);
        await page.waitForFunction(() => {
          const s = document.querySelector('[data-testid=trace-import-status]');
          return s && !/Reading/.test(s.textContent);
        }, null, { timeout: 120000 });
        const status = (await page.innerText('[data-testid=trace-import-status]')).trim();
        assert(status.startsWith(`Detected: Jaeger JSON. 1 trace(s), ${BIG_TRACE_SPANS} span(s)`), `import status: ${status}`);
        assert(info.some((l) => /decoded and analysed traces .* in the background worker/.test(l)),
          `the file was not decoded in the worker; console: ${JSON.stringify(info)}`);
        await page.locator('[data-testid=trace-imported] [data-testid=trace-row]').first().click();
        await waitTraceView(page, 60000);
        compare(await shownOf(page), want, 'from the imported file');
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  },
];
