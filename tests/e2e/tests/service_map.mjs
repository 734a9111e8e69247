// Service map drawn as a graph: the boxes and arrows shown for known captured traces (a Tempo
// trace by id, a Jaeger search's two traces) are checked against edges computed here,
// independently, from the fixture JSON: a call is a child span whose parent span belongs to
// another service; errors are calls whose child span is an error; p95 is the exact 95th
// percentile of the child spans' durations, linear interpolation between closest ranks (the
// definition of the table below the graph). Also: callers are drawn left of their callees, labels
// read "N calls · e % err · p95 X" with X as in the table, and every arrow carries its definitions.
import { assert, open } from '../lib/app.mjs';
import { addTraceSource, fixture, needTraceServer, openTempoTrace } from './traces.mjs';

/** Exact quantile q of numbers, linear interpolation between closest ranks (type 7). */
function quantile(values, q) {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo] + (h - lo) * (x[hi] - x[lo]);
}

/** Edges from flat spans {id, parent, service, durationNs, error}: caller→callee → stats. */
function edgesOf(spans) {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const acc = new Map();
  for (const s of spans) {
    const p = s.parent !== undefined ? byId.get(s.parent) : undefined;
    if (!p || p.service === s.service) continue;
    const key = `${p.service} → ${s.service}`;
    const e = acc.get(key) || { caller: p.service, callee: s.service, durations: [], errors: 0 };
    e.durations.push(s.durationNs);
    e.errors += s.error ? 1 : 0;
    acc.set(key, e);
  }
  return new Map([...acc].map(([k, e]) => [k, {
    caller: e.caller, callee: e.callee, calls: e.durations.length, errors: e.errors, p95: quantile(e.durations, 0.95),
  }]));
}

/** Tempo `batches` (base64 ids are compared as strings, as both sides use the same encoding). */
function tempoSpans(body) {
  const out = [];
  for (const b of body.batches) {
    const service = b.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
    for (const ss of b.scopeSpans || b.instrumentationLibrarySpans) {
      for (const s of ss.spans) {
        out.push({
          id: s.spanId, parent: s.parentSpanId || undefined, service,
          durationNs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)),
          error: s.status && (s.status.code === 'STATUS_CODE_ERROR' || s.status.code === 2),
        });
      }
    }
  }
  return out;
}

/** Jaeger `{data:[trace]}` or a bare trace (hex ids compared as numbers: leading zeros may be stripped). */
function jaegerSpans(body) {
  const t = body.data ? body.data[0] : body;
  const id = (hex) => BigInt(`0x${hex}`);
  return t.spans.map((s) => ({
    id: id(s.spanID), parent: s.references.length ? id(s.references[0].spanID) : undefined,
    service: t.processes[s.processID].serviceName, durationNs: s.duration * 1000,
    error: s.tags.some((g) => g.key === 'error' && (g.value === true || g.value === 'true')),
  }));
}

/** What the graph and the table below it show, inside `scope`. */
async function shown(page, scope) {
  return page.$eval(scope, (root) => {
    const nodes = [...root.querySelectorAll('[data-testid=svc-graph-node]')].map((g) => ({
      service: g.dataset.service, x: Number(g.querySelector('rect').getAttribute('x')), title: g.querySelector('title')?.textContent || '',
    }));
    const edges = [...root.querySelectorAll('[data-testid=svc-graph-edge]')].map((g) => ({
      caller: g.dataset.caller, callee: g.dataset.callee, calls: Number(g.dataset.calls), errors: Number(g.dataset.errors),
      p95: Number(g.dataset.p95Ns), label: g.querySelector('[data-testid=svc-graph-edge-label]').textContent.trim(),
      title: g.querySelector('title')?.textContent || '', titleNs: g.querySelector('title')?.namespaceURI,
      red: g.classList.contains('error'),
    }));
    const rows = [...root.querySelectorAll('[data-testid=service-edge]')].map((r) => [...r.cells].map((c) => c.textContent.trim()));
    const htmlInSvg = [...root.querySelectorAll('[data-testid=svc-graph] *')]
      .filter((el) => el.namespaceURI !== 'http://www.w3.org/2000/svg').map((el) => el.localName);
    return { nodes, edges, rows, text: root.textContent, htmlInSvg };
  });
}

function check(seen, want, services) {
  assert(seen.htmlInSvg.length === 0, `elements of the graph outside the SVG namespace: ${seen.htmlInSvg}`);
  for (const n of seen.nodes) assert(/Spans: \d+ — spans of this service/.test(n.title) || /Inferred/.test(n.title), `box title: ${n.title}`);
  const names = seen.nodes.map((n) => n.service).sort();
  assert(JSON.stringify(names) === JSON.stringify([...services].sort()), `graph nodes ${JSON.stringify(names)}, expected ${JSON.stringify([...services].sort())}`);
  assert(seen.edges.length === want.size, `${seen.edges.length} arrows drawn, ${want.size} expected: ${JSON.stringify(seen.edges)}`);
  const x = new Map(seen.nodes.map((n) => [n.service, n.x]));
  for (const e of seen.edges) {
    const w = want.get(`${e.caller} → ${e.callee}`);
    assert(w, `unexpected arrow ${e.caller} → ${e.callee}`);
    assert(e.calls === w.calls && e.errors === w.errors && e.p95 === w.p95,
      `${e.caller} → ${e.callee}: shown calls ${e.calls}, errors ${e.errors}, p95 ${e.p95} ns; expected ${w.calls}, ${w.errors}, ${w.p95}`);
    assert(e.red === (w.errors > 0), `${e.caller} → ${e.callee}: error colour ${e.red} with ${w.errors} errors`);
    const row = seen.rows.find((r) => r[0] === e.caller && r[1] === e.callee);
    assert(row, `the table lists ${e.caller} → ${e.callee}: ${JSON.stringify(seen.rows)}`);
    const pct = `${(w.errors / w.calls * 100).toFixed(1)} %`;
    const label = `${w.calls} ${w.calls === 1 ? 'call' : 'calls'} · ${pct} err · p95 ${row[6]}`;
    assert(e.label === label, `label ${JSON.stringify(e.label)}, expected ${JSON.stringify(label)}`);
    assert(x.get(e.caller) < x.get(e.callee), `${e.caller} (x ${x.get(e.caller)}) is drawn left of ${e.callee} (x ${x.get(e.callee)})`);
    assert(e.titleNs === 'http://www.w3.org/2000/svg' && /parent → child pairs crossing services/.test(e.title) && /95th percentile/.test(e.title),
      `the arrow's SVG title defines its numbers: ${e.titleNs} ${JSON.stringify(e.title)}`);
  }
  assert(!/not drawn|not as a graph/i.test(seen.text), 'the old "not drawn" notice is gone');
}

export default [
  {
    name: 'service map: a Tempo trace is drawn with the edges computed from the capture',
    async run(ctx) {
      await openTempoTrace(ctx);
      const { page } = ctx;
      await page.waitForSelector('[data-testid=trace-view] [data-testid=svc-graph]', { timeout: 10000 });
      const spans = tempoSpans(fixture('tempo', 'kiali-bookinfo-trace-by-id.json'));
      const want = edgesOf(spans);
      assert(want.size === 4, `the bookinfo capture has 4 cross-service edges: ${[...want.keys()]}`);
      const seen = await shown(page, '[data-testid=trace-view]');
      check(seen, want, new Set(spans.map((s) => s.service)));
      // Longest-path layers: gateway, productpage, {details, reviews}, ratings.
      const x = Object.fromEntries(seen.nodes.map((n) => [n.service, n.x]));
      assert(x['details.bookinfo'] === x['reviews.bookinfo'] && x['reviews.bookinfo'] < x['ratings.bookinfo'],
        `details and reviews share a column left of ratings: ${JSON.stringify(x)}`);
    },
  },
  {
    name: 'service map: a Jaeger search pools the calls of its traces in one graph',
    async run(ctx) {
      needTraceServer(ctx);
      const { page, baseUrl } = ctx;
      await addTraceSource(page, baseUrl, { name: 'jaeger', kind: 'jaeger', url: `${ctx.trace}/jaeger` });
      await open(page, baseUrl, { page: 'traces', tds: 'jaeger', tsvc: 'customers-service' });
      await page.waitForSelector('[data-testid=trace-results] [data-testid=svc-graph]', { timeout: 15000 });
      const spans = ['petclinic-normal.json', 'petclinic-span-longer-than-parent.json']
        .flatMap((f, i) => jaegerSpans(fixture('jaeger', f)).map((s) => ({ ...s, id: `${i}:${s.id}`, parent: s.parent === undefined ? undefined : `${i}:${s.parent}` })));
      const want = edgesOf(spans);
      const seen = await shown(page, '[data-testid=trace-results]');
      check(seen, want, new Set(spans.map((s) => s.service)));
      const e = want.get('api-gateway → customers-service');
      assert(e && e.calls === 5, `five gateway → customers calls over the two traces: ${JSON.stringify(e)}`);
    },
  },
];
