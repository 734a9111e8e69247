#!/usr/bin/env node
// End-to-end test runner: serves the release build (dist/) under /tools/sightline/ on
// 127.0.0.1:18080, drives Debian's Chromium with playwright-core, runs every test exported by
// tests/*.mjs, and prints `ok - name` / `FAIL - name: reason` lines and a final `N passed, M failed`
// line. Exits 1 if any test failed (or none ran).
//
//   node tests/e2e/run.mjs [SUBSTRING]     run only tests whose name contains SUBSTRING
//
// Environment:
//   DIST        the built app (default <repo>/dist)
//   E2E_STATE   directory prepared by `scripts/backends.sh start` (expected.json, backends.json);
//               without it, tests that need Prometheus/VictoriaMetrics fail with a clear message
//   E2E_PORT    port of the static server (default 18080)
//   CHROMIUM    browser binary (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS  per-test timeout (default 30000)
//   E2E_TESTS   directory of test modules (default tests/e2e/tests)
//   TRACE_URL   the trace fixture server (tests/e2e/lib/trace_server.mjs), passed to tests as ctx.trace
//
// A test module exports `default` (or `tests`): an array of
// `{ name, run: async ({ page, context, baseUrl, expected, prom, vm }) => … }`; a test fails when
// `run` throws, times out, or the page raises an uncaught error (`pageerror`) or logs a console
// error containing "panicked"; a test may ask for a longer `timeout` (ms). Each test gets a fresh browser context (empty storage, 1280x800).
// Screenshots go to artifacts/<test>.png (pass or fail), plus artifacts/<test>.log (console output)
// on failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStaticServer } from './lib/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const DIST = path.resolve(process.env.DIST || path.join(REPO, 'dist'));
const PORT = Number(process.env.E2E_PORT || 18080);
const PREFIX = '/tools/sightline/';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TEST_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 30000);
const ARTIFACTS = path.join(HERE, 'artifacts');
const filter = process.argv[2] || '';

function loadState() {
  const dir = process.env.E2E_STATE;
  if (!dir) return { expected: null, prom: process.env.PROM_URL || null, vm: process.env.VM_URL || null };
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  let backends = {};
  try {
    backends = JSON.parse(fs.readFileSync(path.join(dir, 'backends.json'), 'utf8'));
  } catch { /* defaults below */ }
  return {
    expected,
    prom: process.env.PROM_URL || backends.prom || 'http://127.0.0.1:19090',
    vm: process.env.VM_URL || backends.vm || 'http://127.0.0.1:18428',
  };
}

async function loadTests() {
  const dir = path.resolve(process.env.E2E_TESTS || path.join(HERE, 'tests'));
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const all = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(dir, f)).href);
    const list = mod.default ?? mod.tests;
    if (!Array.isArray(list)) throw new Error(`${f} exports no test array (export default [...])`);
    for (const t of list) {
      if (!t || typeof t.name !== 'string' || typeof t.run !== 'function') throw new Error(`${f}: every test needs {name, run}`);
      all.push({ ...t, file: f });
    }
  }
  const names = new Set();
  for (const t of all) {
    if (names.has(t.name)) throw new Error(`duplicate test name: ${t.name}`);
    names.add(t.name);
  }
  return all.filter((t) => t.name.includes(filter));
}

const safeName = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100) || 'test';
const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim().slice(0, 600);

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runOne(browser, test, ctx) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.setDefaultNavigationTimeout(15000);
  const fatal = [];
  const consoleLog = [];
  page.on('pageerror', (e) => fatal.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    consoleLog.push(`[${m.type()}] ${text}`);
    if (m.type() === 'error' && text.includes('panicked')) fatal.push(`panic: ${text}`);
  });
  page.on('requestfailed', (r) => consoleLog.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  let error = null;
  try {
    await withTimeout(Promise.resolve().then(() => test.run({ page, context, ...ctx })), Math.max(TEST_TIMEOUT_MS, test.timeout ?? 0), 'test');
  } catch (e) {
    error = e;
  }
  // Let late errors (a panic right after the last assertion) surface.
  await page.waitForTimeout(50).catch(() => {});
  const shot = path.join(ARTIFACTS, `${safeName(test.name)}.png`);
  await withTimeout(page.screenshot({ path: shot, fullPage: true }), 10000, 'screenshot').catch(() => {});
  let reason = null;
  if (fatal.length) reason = fatal[0] + (error ? ` (and: ${error.message})` : '');
  else if (error) reason = error.message || String(error);
  if (reason) {
    const log = [`test: ${test.name} (${test.file})`, `url: ${page.url()}`, `reason: ${reason}`,
      ...(error?.stack ? ['', error.stack] : []), '', 'console:', ...consoleLog, ...fatal.map((f) => `[fatal] ${f}`)].join('\n');
    fs.writeFileSync(path.join(ARTIFACTS, `${safeName(test.name)}.log`), log + '\n');
  }
  await withTimeout(context.close(), 10000, 'closing the context').catch(() => {});
  return reason;
}

async function main() {
  let tests;
  try {
    tests = await loadTests();
  } catch (e) {
    console.log(`FAIL - loading tests: ${oneLine(e.message)}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (tests.length === 0) {
    console.log(`FAIL - no test matches ${JSON.stringify(filter)}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const failAll = (why) => {
    for (const t of tests) console.log(`FAIL - ${t.name}: ${why}`);
    console.log(`0 passed, ${tests.length} failed`);
    return 1;
  };
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    return failAll(`no ${path.join(DIST, 'index.html')}: build first (trunk build --release --public-url ${PREFIX})`);
  }
  let state;
  try {
    state = loadState();
  } catch (e) {
    return failAll(`cannot read E2E_STATE (${process.env.E2E_STATE}): ${oneLine(e.message)}`);
  }

  let server;
  try {
    server = await startStaticServer({ dist: DIST, prefix: PREFIX, port: PORT });
  } catch (e) {
    return failAll(`static server: ${oneLine(e.message)}`);
  }

  let browser;
  try {
    const { chromium } = await import('playwright-core');
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30000,
    });
  } catch (e) {
    await server.close();
    return failAll(`cannot launch Chromium: ${oneLine(e.message)}`);
  }

  const ctx = { baseUrl: server.url, expected: state.expected, prom: state.prom, vm: state.vm };
  // The trace fixture server (scripts/e2e.sh starts it and sets TRACE_URL).
  ctx.trace = process.env.TRACE_URL || null;
  let passed = 0, failed = 0;
  const timings = [];
  const started = Date.now();
  for (const test of tests) {
    const t0 = Date.now();
    let reason;
    try {
      reason = await runOne(browser, test, ctx);
    } catch (e) {
      reason = `runner: ${e.message}`;
    }
    timings.push(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${test.name}`);
    if (reason) {
      failed++;
      console.log(`FAIL - ${test.name}: ${oneLine(reason)}`);
    } else {
      passed++;
      console.log(`ok - ${test.name}`);
    }
  }
  await withTimeout(browser.close(), 10000, 'closing the browser').catch(() => {});
  await server.close();
  fs.writeFileSync(path.join(ARTIFACTS, 'timings.txt'), timings.join('\n') + '\n');
  console.error(`e2e: ${tests.length} tests in ${((Date.now() - started) / 1000).toFixed(1)} s (per test: ${path.join(ARTIFACTS, 'timings.txt')})`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.log(`FAIL - runner: ${oneLine(e.stack || e.message)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
