// Helpers for the native histogram and exemplar tests: the URL of the Prometheus that scrapes
// scripts/e2e_exporter.py (backends.json "promnh"), and instant queries to it from the test.
import fs from 'node:fs';
import path from 'node:path';
import { assert } from './app.mjs';

/** The native-histogram Prometheus' URL, or a failure saying how to start it. */
export function nativeProm() {
  const dir = process.env.E2E_STATE;
  let url = process.env.NH_PROM_URL || null;
  if (!url && dir) {
    try {
      url = JSON.parse(fs.readFileSync(path.join(dir, 'backends.json'), 'utf8')).promnh || null;
    } catch { /* reported below */ }
  }
  assert(url, 'the native-histogram Prometheus is not running: run the suite with scripts/e2e.sh (backends.sh records it as "promnh" in backends.json)');
  return url;
}

/** Prometheus' own answer to an instant query at `timeSec`: [{metric, value}] with numbers. */
export async function promInstant(url, query, timeSec) {
  const u = `${url}/api/v1/query?query=${encodeURIComponent(query)}&time=${timeSec}`;
  const body = await (await fetch(u)).json();
  assert(body.status === 'success', `Prometheus answered ${JSON.stringify(body).slice(0, 300)} to ${query}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Prometheus' own query_exemplars answer over [startSec, endSec]. */
export async function promExemplars(url, query, startSec, endSec) {
  const u = `${url}/api/v1/query_exemplars?query=${encodeURIComponent(query)}&start=${startSec}&end=${endSec}`;
  const body = await (await fetch(u)).json();
  assert(body.status === 'success', `query_exemplars answered ${JSON.stringify(body).slice(0, 300)}`);
  return (body.data || []).flatMap((s) => s.exemplars.map((e) => ({ ...e, seriesLabels: s.seriesLabels })));
}

/** Relative closeness: |a − b| ≤ tol · max(1, |b|). */
export function close(a, b, tol = 1e-9) {
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
