// The project's own small trace backend for end-to-end tests (no Jaeger, Tempo or Zipkin server can
// be installed here): it serves REAL captured responses from tests/fixtures/{jaeger,tempo,zipkin}
// (see each PROVENANCE.md) under the real API paths, below the prefixes /jaeger, /tempo and
// /zipkin, with CORS headers and preflight answers (Authorization and X-Scope-OrgID allowed).
//
// What is served as captured, byte for byte: Tempo /api/search and /api/traces/{id} (the one
// captured trace), Zipkin /api/v2/trace/{id} (each capture is the body of that endpoint).
// What is derived from captures, in the endpoint's real shape (wire-formats.md §4.1, §7):
//   - Jaeger /api/traces/{id}: the captured trace object inside Jaeger's envelope
//     {"data":[trace],"total":0,"limit":0,"offset":0,"errors":null}; /api/traces?service=… the
//     captured traces that have a span of that service (and operation), in the same envelope;
//     /api/services and /api/services/{s}/operations: the names found in those traces;
//     /api/dependencies: the captured dependencies payload inside the envelope.
//   - Zipkin /api/v2/traces: the captured span arrays that contain the service (an array of them);
//     /api/v2/services and /api/v2/spans: names found in the captures.
//   Search time ranges are not applied: the captures are years old. Unknown trace ids answer 404
//   with Jaeger's error envelope, Tempo's plain "trace not found" and Zipkin's "<id> not found".
// Generated, not captured: Jaeger /api/traces/{id} for the id of the seeded 100k-span trace of
// tests/e2e/lib/big_trace.mjs (the captured Jaeger shape, made on first request, ~52 MB) — the
// scale tests' trace. No other route lists it.
// Not served: Tempo /api/v2/traces/{id} — no real capture of it exists (the shared fixtures hold
// none), so it answers the generic 404 like any unknown path.
//
// Loki (below the prefix /loki, so a source URL is <server>/loki): captured answers of a real Loki
// from tests/fixtures/loki (see its PROVENANCE.md), served byte for byte by query:
//   - /loki/api/v1/query_range with a log query: the captured `streams` answer (50 flow records);
//     with a line filter (|= or |~) the captured filtered answer; a query mentioning "dropped" the
//     captured empty answer;
//   - a metric query naming SrcK8S_Namespace: the captured 57-series matrix; a metric query by
//     app: the captured one-series matrix; any other metric query (such as the Logs page's volume
//     query) has no capture: 400 with a plain-text message, as Loki answers errors;
//   - /loki/api/v1/label/<name>/values: the captured namespace list for names containing
//     "Namespace", else the values found in the captured streams; /loki/api/v1/labels: the label
//     names found in the captured streams (the endpoint's real shape).
//   Time ranges are not applied (the captures are from February 2024).
//
//   node tests/e2e/lib/trace_server.mjs      listens on 127.0.0.1:$TRACE_PORT (default 18686)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigTraceId, generateBigTrace } from './big_trace.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(HERE, '..', '..', 'fixtures');

const read = (kind, file) => fs.readFileSync(path.join(FIXTURES, kind, file));

/** The served traces, loaded once. */
export function loadCaptures() {
  const jaegerFiles = ['petclinic-normal.json', 'petclinic-span-longer-than-parent.json', 'ui-model-warnings-followsfrom.json'];
  const jaeger = jaegerFiles.map((f) => JSON.parse(read('jaeger', f)));
  const zipkinFiles = fs.readdirSync(path.join(FIXTURES, 'zipkin')).filter((f) => f.endsWith('.json')).sort();
  const zipkin = zipkinFiles.map((f) => ({ file: f, bytes: read('zipkin', f), spans: JSON.parse(read('zipkin', f)) }));
  return {
    jaeger,
    jaegerDependencies: JSON.parse(read('jaeger', 'dependencies-small.json')),
    tempoSearch: read('tempo', 'kiali-bookinfo-search.json'),
    tempoTrace: read('tempo', 'kiali-bookinfo-trace-by-id.json'),
    tempoTraceId: '3ba55609c3cde49649cd77d1f9dcd936',
    zipkin,
    loki: {
      streams: read('loki', 'netobserv-streams-flow-records.json'),
      streamsFiltered: read('loki', 'netobserv-streams-flow-records-sent.json'),
      streamsEmpty: read('loki', 'netobserv-streams-empty.json'),
      matrixNamespace: read('loki', 'netobserv-matrix-namespace.json'),
      matrixApp: read('loki', 'netobserv-matrix-app.json'),
      namespaces: read('loki', 'netobserv-label-values-namespaces.json'),
    },
  };
}

function lokiStreamLabels(captures) {
  const out = {};
  for (const body of [captures.loki.streams, captures.loki.streamsFiltered]) {
    for (const s of JSON.parse(body).data.result) {
      for (const [k, v] of Object.entries(s.stream)) (out[k] ??= new Set()).add(v);
    }
  }
  return out;
}

function lokiRoute(captures, p, q) {
  const json = (status, v) => [status, 'application/json', v];
  const text = (status, s) => [status, 'text/plain; charset=utf-8', s];
  let m;
  if (p === '/loki/loki/api/v1/query_range') {
    const query = (q.get('query') || '').trim();
    if (!query) return text(400, 'query parameter is required\n');
    if (query.startsWith('{')) {
      if (/dropped/i.test(query)) return json(200, captures.loki.streamsEmpty);
      if (/\|[=~]/.test(query)) return json(200, captures.loki.streamsFiltered);
      return json(200, captures.loki.streams);
    }
    if (query.includes('SrcK8S_Namespace')) return json(200, captures.loki.matrixNamespace);
    if (/by\s*\(\s*app\s*\)/.test(query)) return json(200, captures.loki.matrixApp);
    return text(400, `fixture server: no captured Loki answer for the metric query ${query}\n`);
  }
  if (p === '/loki/loki/api/v1/labels') {
    return json(200, JSON.stringify({ status: 'success', data: Object.keys(lokiStreamLabels(captures)).sort() }));
  }
  if ((m = p.match(/^\/loki\/loki\/api\/v1\/label\/([^/]+)\/values$/))) {
    const name = decodeURIComponent(m[1]);
    if (name.includes('Namespace')) return json(200, captures.loki.namespaces);
    return json(200, JSON.stringify({ status: 'success', data: [...(lokiStreamLabels(captures)[name] ?? [])].sort() }));
  }
  return null;
}

const pad = (id, n) => String(id || '').toLowerCase().padStart(n, '0');
const sameTraceId = (a, b) => pad(a, 32) === pad(b, 32);
const uniqSorted = (xs) => [...new Set(xs)].sort();

function jaegerServiceOf(trace, span) {
  return trace.processes?.[span.processID]?.serviceName ?? '';
}

function jaegerEnvelope(data) {
  return { data, total: Array.isArray(data) ? data.length : 0, limit: 0, offset: 0, errors: null };
}

function jaegerError(code, msg) {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
}

/** The generated 100k-span trace's answer (tests/e2e/lib/big_trace.mjs), made on first request. */
function bigTraceBody(captures) {
  captures.bigTrace ??= Buffer.from(JSON.stringify(jaegerEnvelope([generateBigTrace().trace])));
  return captures.bigTrace;
}

/** Routes one request; returns [status, contentType, body]. */
export function route(captures, method, url) {
  const u = new URL(url, 'http://x');
  const p = u.pathname;
  const q = u.searchParams;
  const json = (status, v) => [status, 'application/json', typeof v === 'string' || Buffer.isBuffer(v) ? v : JSON.stringify(v)];
  const text = (status, s) => [status, 'text/plain; charset=utf-8', s];
  let m;

  if (p.startsWith('/loki/')) {
    const answer = lokiRoute(captures, p, q);
    if (answer) return answer;
  }

  // Jaeger
  if (p === '/jaeger/api/services') {
    return json(200, jaegerEnvelope(uniqSorted(captures.jaeger.flatMap((t) => Object.values(t.processes).map((x) => x.serviceName)))));
  }
  if ((m = p.match(/^\/jaeger\/api\/services\/([^/]+)\/operations$/))) {
    const svc = decodeURIComponent(m[1]);
    const ops = captures.jaeger.flatMap((t) => t.spans.filter((s) => jaegerServiceOf(t, s) === svc).map((s) => s.operationName));
    return json(200, jaegerEnvelope(uniqSorted(ops)));
  }
  if (p === '/jaeger/api/traces') {
    const svc = q.get('service');
    if (!svc) return json(400, jaegerError(400, "parameter 'service' is required"));
    const op = q.get('operation');
    const limit = Number(q.get('limit') || 20);
    const hits = captures.jaeger.filter((t) => t.spans.some((s) => jaegerServiceOf(t, s) === svc && (!op || s.operationName === op)));
    return json(200, jaegerEnvelope(hits.slice(0, limit)));
  }
  if ((m = p.match(/^\/jaeger\/api\/traces\/([^/]+)$/))) {
    if (sameTraceId(m[1], bigTraceId())) return json(200, bigTraceBody(captures));
    const t = captures.jaeger.find((x) => sameTraceId(x.traceID, m[1]));
    return t ? json(200, jaegerEnvelope([t])) : json(404, jaegerError(404, 'trace not found'));
  }
  if (p === '/jaeger/api/dependencies') return json(200, jaegerEnvelope(captures.jaegerDependencies));

  // Tempo
  if (p === '/tempo/api/echo') return text(200, 'echo');
  if (p === '/tempo/api/search') return json(200, captures.tempoSearch);
  if ((m = p.match(/^\/tempo\/api\/traces\/([^/]+)$/))) {
    return sameTraceId(m[1], captures.tempoTraceId) ? json(200, captures.tempoTrace) : text(404, 'trace not found');
  }

  // Zipkin
  const zServices = (spans) => spans.map((s) => s.localEndpoint?.serviceName).filter(Boolean);
  if (p === '/zipkin/api/v2/services') return json(200, uniqSorted(captures.zipkin.flatMap((z) => zServices(z.spans))));
  if (p === '/zipkin/api/v2/spans') {
    const svc = q.get('serviceName');
    const names = captures.zipkin.flatMap((z) => z.spans.filter((s) => s.localEndpoint?.serviceName === svc).map((s) => s.name).filter(Boolean));
    return json(200, uniqSorted(names));
  }
  if (p === '/zipkin/api/v2/traces') {
    const svc = q.get('serviceName');
    const name = q.get('spanName');
    const limit = Number(q.get('limit') || 10);
    const hits = captures.zipkin.filter((z) => z.spans.some((s) => (!svc || s.localEndpoint?.serviceName === svc) && (!name || s.name === name)));
    return json(200, `[${hits.slice(0, limit).map((z) => z.bytes.toString('utf8').trim()).join(',')}]`);
  }
  if ((m = p.match(/^\/zipkin\/api\/v2\/trace\/([^/]+)$/))) {
    const z = captures.zipkin.find((x) => x.spans.length && sameTraceId(x.spans[0].traceId, m[1]));
    return z ? json(200, z.bytes) : text(404, `${m[1]} not found`);
  }
  return text(404, 'Not found\n');
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, X-Scope-OrgID, Content-Type',
  'Access-Control-Max-Age': '600',
};

/** Starts the server; resolves to { url, close() }. */
export function startTraceServer({ port = Number(process.env.TRACE_PORT || 18686), host = '127.0.0.1' } = {}) {
  const captures = loadCaptures();
  const server = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...CORS, Allow: 'GET, OPTIONS' });
      return res.end();
    }
    let status, type, body;
    try {
      [status, type, body] = route(captures, req.method, req.url);
    } catch (e) {
      [status, type, body] = [500, 'text/plain; charset=utf-8', `trace server: ${e.message}`];
    }
    res.writeHead(status, { ...CORS, 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({
      url: `http://${host}:${port}`,
      close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
    }));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  startTraceServer().then(
    (s) => console.error(`trace server: ${s.url} (/jaeger, /tempo, /zipkin)`),
    (e) => { console.error(`trace server: ${e.message}`); process.exit(1); },
  );
}
