// A deterministic, realistic 100k-span trace in Jaeger's JSON shape, exactly as the captured
// fixtures have it (tests/fixtures/jaeger/*.json: traceID, spanID, flags, operationName,
// references [{refType, traceID, spanID}], startTime and duration in µs, typed tags, logs,
// processID, warnings; processes keyed p1, p2 … with serviceName and tags), for the scale tests.
//
// The story: the demo shop's checkout service runs a batch of orders. The root span
// (checkout "POST /checkout/batch") starts WORKERS workers (internal spans, in parallel), each
// processing orders one after another; an order calls cart "GET /cart/items" (then redis),
// catalog "GET /products/:id" for 1–6 items in parallel (each then PostgreSQL), and payments
// "POST /charge" (a fraud check, then PostgreSQL) — every call as a client span in the caller and
// a server span in the callee, as instrumented services report them. About 0.4 % of charges fail
// (HTTP 503, error=true and an error log on both sides). Services, routes and the span tags are
// the demo's (crates/core/src/demo/traces). Spans are generated until there are exactly `spans`
// of them (the last order may be cut short); parents always come before their children.
//
// Seeded (mulberry32), so the same (spans, seed) gives byte-identical output on every run.
//
//   generateBigTrace({ spans, seed }) → { traceId, trace }   (the trace server wraps `trace` in
//   Jaeger's API envelope, as it does the captured traces)

export const BIG_TRACE_SPANS = 100_000;
export const BIG_TRACE_SEED = 20261203;
const WORKERS = 16;
/** 2026-12-03T12:00:00Z in µs. */
const T0_US = 1_796_299_200_000_000;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (n) => (n >>> 0).toString(16).padStart(8, '0');

/** A 32-bit bijection (so span ids never collide). */
function mix32(x) {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The id of the trace generated with (`spans`, `seed`). */
export function bigTraceId({ spans = BIG_TRACE_SPANS, seed = BIG_TRACE_SEED } = {}) {
  return `${hex8(mix32(seed))}${hex8(seed)}${hex8(mix32(seed + 1))}${hex8(spans)}`;
}

export function generateBigTrace({ spans: limit = BIG_TRACE_SPANS, seed = BIG_TRACE_SEED } = {}) {
  const rnd = mulberry32(seed);
  const between = (lo, hi) => Math.round(lo + rnd() * (hi - lo));
  const traceId = bigTraceId({ spans: limit, seed });
  const services = ['checkout', 'cart', 'catalog', 'payments', 'frontend'];
  const processes = {};
  const processOf = {};
  services.forEach((s, k) => {
    for (let inst = 0; inst < 2; inst++) {
      const pid = `p${k * 2 + inst + 1}`;
      processes[pid] = { serviceName: s, tags: [{ key: 'hostname', type: 'string', value: `${s}-${inst}` }] };
      (processOf[s] ??= []).push(pid);
    }
  });
  const out = [];
  const full = () => out.length >= limit;
  /** A span starting at `start` (µs); its duration is set when its children are known. */
  const span = (parent, service, op, kind, start, tags, inst = 0) => {
    if (full()) return null;
    const s = {
      traceID: traceId,
      spanID: `${hex8(mix32(out.length + 1))}${hex8(out.length + 1)}`,
      flags: 1,
      operationName: op,
      references: parent ? [{ refType: 'CHILD_OF', traceID: traceId, spanID: parent.spanID }] : [],
      startTime: start,
      duration: 0,
      tags: [{ key: 'span.kind', type: 'string', value: kind }, ...tags],
      logs: [],
      processID: processOf[service][inst % 2],
      warnings: null,
    };
    out.push(s);
    return s;
  };
  const close = (s, end) => { if (s) s.duration = Math.max(1, end - s.startTime); };
  const http = (method, route, status) => [
    { key: 'http.method', type: 'string', value: method },
    { key: 'http.route', type: 'string', value: route },
    { key: 'http.status_code', type: 'int64', value: status },
  ];
  const fail = (s, method, route, at) => {
    if (!s) return;
    s.tags.push({ key: 'error', type: 'bool', value: true });
    s.logs.push({ timestamp: at, fields: [
      { key: 'event', type: 'string', value: 'error' },
      { key: 'message', type: 'string', value: `${method} ${route} answered 503` },
    ] });
  };
  /** A leaf span of `service` (a database call or internal step) from `start`; returns its end. */
  const leaf = (parent, service, op, kind, start, tags, lo, hi, inst) => {
    const s = span(parent, service, op, kind, start, tags, inst);
    const end = start + between(lo, hi);
    close(s, end);
    return end;
  };
  /**
   * A call from `caller` to `callee`: client span in the caller, server span in the callee,
   * the callee's own steps (`steps(server, t) → end`) inside; returns the client span's end.
   */
  const rpc = (parent, caller, callee, method, route, start, steps, inst, failed = false) => {
    const status = failed ? 503 : 200;
    const client = span(parent, caller, `${method} ${route}`, 'client', start, http(method, route, status), inst);
    if (!client) return start;
    const server = span(client, callee, `${method} ${route}`, 'server', start + between(80, 400), http(method, route, status), inst);
    let end = start + between(200, 600);
    if (server) {
      const stepsEnd = steps(server, server.startTime + between(20, 120));
      const serverEnd = stepsEnd + between(30, 250);
      close(server, serverEnd);
      end = serverEnd + between(60, 400);
      if (failed) fail(server, method, route, serverEnd);
    }
    close(client, end);
    if (failed) fail(client, method, route, end);
    return end;
  };
  const serviceOf = (s) => processes[s.processID].serviceName;
  const instOf = (s) => processOf[serviceOf(s)].indexOf(s.processID);
  /** A database call of the service of `parent`, as a step of it. */
  const db = (system, op, statement, lo, hi) => (parent, t) => leaf(parent, serviceOf(parent), op, 'client', t, [
    { key: 'db.system', type: 'string', value: system },
    { key: 'db.statement', type: 'string', value: statement },
  ], lo, hi, instOf(parent));
  const order = (worker, start, k) => {
    const o = span(worker, 'checkout', 'process order', 'internal', start, [{ key: 'order.items', type: 'int64', value: 0 }], k);
    if (!o) return start;
    let t = start + between(20, 90);
    t = rpc(o, 'checkout', 'cart', 'GET', '/cart/items', t, db('redis', 'redis HGETALL', 'HGETALL cart:{id}', 150, 900), k);
    const items = 1 + Math.floor(rnd() * 6);
    o.tags[1].value = items;
    let itemsEnd = t;
    for (let i = 0; i < items && !full(); i++) {
      const e = rpc(o, 'checkout', 'catalog', 'GET', '/products/:id', t + between(5, 60),
        db('postgresql', 'postgresql SELECT', 'SELECT * FROM products WHERE id = $1', 300, 4000), k + i);
      itemsEnd = Math.max(itemsEnd, e);
    }
    t = itemsEnd + between(10, 60);
    const failed = rnd() < 0.004;
    t = rpc(o, 'checkout', 'payments', 'POST', '/charge', t, (server, at) => {
      const fraudEnd = leaf(server, 'payments', 'fraud check', 'internal', at, [], 500, 6000, k);
      return db('postgresql', 'postgresql INSERT', 'INSERT INTO payments VALUES ($1, $2)', 400, 3000)(server, fraudEnd + between(5, 40));
    }, k, failed);
    const end = t + between(15, 80);
    close(o, end);
    return end;
  };
  const root = span(null, 'checkout', 'POST /checkout/batch', 'server', T0_US, http('POST', '/checkout/batch', 200));
  const workers = [];
  for (let w = 0; w < WORKERS; w++) {
    const ws = span(root, 'checkout', 'order worker', 'internal', T0_US + between(50, 800), [{ key: 'worker', type: 'int64', value: w }], w);
    workers.push({ span: ws, t: ws.startTime + between(10, 100) });
  }
  // Workers take orders in turn (the one that is free first takes the next), until the span
  // budget is spent.
  let k = 0;
  while (!full()) {
    let w = workers[0];
    for (const x of workers) if (x.t < w.t) w = x;
    w.t = order(w.span, w.t, k++) + between(5, 50);
  }
  let end = T0_US;
  for (const w of workers) {
    close(w.span, w.t);
    end = Math.max(end, w.t);
  }
  close(root, end + between(100, 900));
  return { traceId, trace: { traceID: traceId, spans: out, processes, warnings: null } };
}
