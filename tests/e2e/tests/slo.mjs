// User SLOs against real Prometheus (scripts/backends.sh) filled with an incident whose counts are
// known (scripts/gen_testdata.py, expected.json "slo"): create an SLO in the UI, check its tile
// and its page against numbers computed here by hand at the app's grid end — and those hand
// counts against Prometheus' own increase() — then export it, delete it and import it back.
import { assert, assertClose, open, addSource, needBackends } from '../lib/app.mjs';

const SLO_ID = 'e2e-availability';
const OBJECTIVE = '99.5';
const BUDGET = 0.005;
const TIERS = [
  // Google SRE workbook preset: name, long, short (seconds), factor.
  ['page, fast', 3600, 300, 14.4],
  ['page, slow', 6 * 3600, 1800, 6],
  ['ticket, fast', 86400, 7200, 3],
  ['ticket, slow', 3 * 86400, 6 * 3600, 1],
];

/** The two counters' values at `t` seconds (0 before the data starts), from expected.json. */
function model(expected) {
  const { start_s: start, step_s: step } = expected.window;
  const s = expected.slo;
  const steps = (a, b) => Math.max(0, Math.floor((b - a) / step));
  const good = (t) => (t < start ? 0 : s.good_per_step * steps(start, t));
  const bad = (t) => s.bad_per_step * steps(s.incident_start_s, Math.min(Math.max(t, s.incident_start_s), s.incident_end_s));
  const total = (t) => good(t) + bad(t);
  // Exact increase over (a, b]: the counters never reset, so it is v(b) − v(a).
  const over = (b, w) => ({ bad: bad(b) - bad(b - w), total: total(b) - total(b - w) });
  return { over };
}

async function promIncrease(prom, selector, windowText, tS) {
  const q = `sum(increase(${selector}[${windowText}]))`;
  const res = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}&time=${tS}`);
  const body = await res.json();
  assert(body.status === 'success', `Prometheus answered ${JSON.stringify(body).slice(0, 200)} to ${q}`);
  const r = body.data.result;
  return r.length ? Number(r[0].value[1]) : 0;
}

const tile = (page, id = SLO_ID) => page.locator(`[data-testid=slo-tile][data-slo=${id}]`);

async function waitState(page, selector, timeout = 30000) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.getAttribute('data-state') !== 'loading';
  }, selector, { timeout }).catch(async () => {
    throw new Error(`${selector} did not finish: ${(await page.locator('main').innerText()).slice(0, 500)}`);
  });
  const state = await page.locator(selector).getAttribute('data-state');
  assert(state === 'data', `${selector} ended in state ${state}: ${(await page.locator(selector).innerText()).slice(0, 400)}`);
}

/** Checks the tile's SLI and budget remaining (budget `budget`) against the hand counts at its grid end. */
async function checkTile(page, ctx, { id = SLO_ID, budget = BUDGET } = {}) {
  await waitState(page, `[data-testid=slo-tile][data-slo=${id}]`);
  const t = tile(page, id);
  const gridEndS = Number(await t.locator('[data-grid-end]').getAttribute('data-grid-end')) / 1000;
  const { over } = model(ctx.expected);
  const c = over(gridEndS, 86400);
  const e = c.bad / c.total;
  const sli = Number(await t.locator('[data-testid=slo-sli]').getAttribute('data-value'));
  const remaining = Number(await t.locator('[data-testid=slo-remaining]').getAttribute('data-value'));
  assertClose(sli, 1 - e, 1e-12, `SLI at ${gridEndS} (${c.bad} bad of ${c.total})`);
  assertClose(remaining, 1 - e / budget, 1e-9, `budget remaining = 1 − e/B with B = ${budget}`);
  return { gridEndS, c };
}

/**
 * On the SLO page: each tier's long- and short-window burn rate against the hand counts at the
 * page's grid end with budget `budget`, firing iff both exceed the factor; with `prom`, the long
 * window's burn also from Prometheus' increase(). Returns the grid end (s).
 */
async function checkTiers(page, expected, budget, prom) {
  await waitState(page, '[data-testid=slo-detail]');
  const detailEndS = Number(await page.locator('[data-testid=slo-detail] [data-grid-end]').getAttribute('data-grid-end')) / 1000;
  const { over } = model(expected);
  const metric = expected.slo.metric;
  for (const [name, long, short, factor] of TIERS) {
    const row = page.locator(`[data-testid=slo-tier][data-tier="${name}"]`);
    const lc = over(detailEndS, long);
    const sc = over(detailEndS, short);
    const lb = lc.bad / lc.total / budget;
    const sb = sc.bad / sc.total / budget;
    assertClose(Number(await row.locator('[data-testid=slo-tier-long]').getAttribute('data-value')), lb, 1e-9, `${name}: long-window burn`);
    assertClose(Number(await row.locator('[data-testid=slo-tier-short]').getAttribute('data-value')), sb, 1e-9, `${name}: short-window burn`);
    if (prom) {
      const pBad = await promIncrease(prom, `${metric}{code=~"5.."}`, `${long}s`, detailEndS);
      const pTotal = await promIncrease(prom, metric, `${long}s`, detailEndS);
      assertClose(pBad / pTotal / budget, lb, 1e-6, `${name}: long-window burn from Prometheus increase()`);
    }
    const firing = (await row.locator('[data-testid=slo-tier-firing]').innerText()).trim() === 'firing';
    assert(firing === (lb > factor && sb > factor), `${name}: firing ${firing}, but burns are ${lb} and ${sb} against ${factor}`);
  }
  return detailEndS;
}

export default [
  {
    name: 'prometheus: a user SLO created in the UI matches hand counts and Prometheus increase(); its page, export and import',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl, expected, prom } = ctx;
      const metric = expected.slo.metric;
      await addSource(page, baseUrl, { name: 'prom', url: prom });
      await open(page, baseUrl, { page: 'slos', ds: 'prom' });
      await page.locator('[data-testid=slo-empty]').waitFor({ timeout: 15000 });

      // Create it; a 100 % objective is refused next to its field first.
      await page.click('[data-testid=slo-new]');
      await page.fill('[data-testid=slo-f-name]', 'E2E availability');
      await page.fill('[data-testid=slo-f-service]', 'e2e');
      await page.fill('[data-testid=slo-f-events]', `${metric}{code=~"5.."}`);
      await page.fill('[data-testid=slo-f-total]', metric);
      await page.fill('[data-testid=slo-f-objective]', '100');
      await page.fill('[data-testid=slo-f-duration]', '1d');
      await page.click('[data-testid=slo-f-save]');
      const err = page.locator('[data-testid=slo-err-objective]');
      await err.waitFor({ timeout: 5000 });
      assert(/100 %/.test(await err.innerText()), `objective error: ${await err.innerText()}`);
      await page.fill('[data-testid=slo-f-objective]', OBJECTIVE);
      await page.click('[data-testid=slo-f-save]');
      await tile(page).waitFor({ timeout: 10000 });

      // The tile against the hand counts, and the hand counts against Prometheus' increase().
      const { gridEndS, c } = await checkTile(page, ctx);
      const promBad = await promIncrease(prom, `${metric}{code=~"5.."}`, '1d', gridEndS);
      const promTotal = await promIncrease(prom, metric, '1d', gridEndS);
      assertClose(promBad, c.bad, 1e-6, 'Prometheus increase() of the bad events over 1d');
      assertClose(promTotal, c.total, 1e-6, 'Prometheus increase() of all events over 1d');
      assert(c.bad === expected.slo.bad_total, `the whole incident is inside the window: ${c.bad} vs ${expected.slo.bad_total}`);

      // Its page: burn rates per tier, firing, charts, derivation.
      await tile(page).locator('[data-testid=slo-open]').click();
      await checkTiers(page, expected, BUDGET, prom);
      const budgetText = (await page.locator('[data-testid=slo-budget]').innerText()).trim();
      assert(budgetText.startsWith('7m12s'), `error budget in time = 0.5 % of 1 d = 432 s: ${JSON.stringify(budgetText)}`);
      assert(await page.locator('[data-testid=slo-detail] canvas').count() === 3, 'three charts on the SLO page');
      const derivation = await page.locator('[data-testid=slo-derivation]').textContent();
      assert(/exact from samples/.test(derivation), `derivation names the mode: ${derivation.slice(0, 200)}`);
      assert(await page.locator('[data-testid=slo-queries] li').count() > 0, 'the queries sent are listed');
      await page.click('[data-testid=slo-back]');

      // Export: OpenSLO and the rules.
      await page.locator('[data-testid=slo-io] summary').click();
      await page.selectOption('[data-testid=slo-export-kind]', 'rules');
      await page.click('[data-testid=slo-export-show]');
      const rules = await page.locator('[data-testid=slo-export-text]').inputValue();
      assert(rules.includes('alert: SLOErrorBudgetBurn') && rules.includes('> 0.072'), `rules: ${rules.slice(0, 300)}`);
      await page.selectOption('[data-testid=slo-export-kind]', 'openslo');
      await page.click('[data-testid=slo-export-show]');
      const yaml = await page.locator('[data-testid=slo-export-text]').inputValue();
      assert(yaml.includes('apiVersion: openslo/v1') && yaml.includes('target: 0.995') && yaml.includes('kind: SLI'), `OpenSLO export: ${yaml.slice(0, 400)}`);

      // Delete, then import the exported YAML back: the same SLO, the same numbers.
      await tile(page).locator('[data-testid=slo-delete]').click();
      await page.locator('[data-testid=slo-empty]').waitFor({ timeout: 5000 });
      await page.fill('[data-testid=slo-import-text]', yaml);
      await page.click('[data-testid=slo-import-read]');
      await page.locator('[data-testid=slo-import-preview]').waitFor({ timeout: 5000 });
      await page.click('[data-testid=slo-import-add]');
      await checkTile(page, ctx);

      // Stored: a reload keeps it.
      await page.reload();
      await checkTile(page, ctx);
    },
  },
  {
    name: 'prometheus: a user SLO imported through the file picker, then its objective edited: tile and page follow the new budget',
    async run(ctx) {
      needBackends(ctx);
      const { page, baseUrl, expected, prom } = ctx;
      const metric = expected.slo.metric;
      const id = 'e2e-from-file';
      await addSource(page, baseUrl, { name: 'prom', url: prom });
      await open(page, baseUrl, { page: 'slos', ds: 'prom' });
      await page.locator('[data-testid=slo-empty]').waitFor({ timeout: 15000 });

      // An OpenSLO v1 file (99.5 % over a rolling day) chosen in the file input.
      const yaml = [
        'apiVersion: openslo/v1',
        'kind: SLO',
        `metadata: {name: ${id}, displayName: E2E from a file}`,
        'spec:',
        '  service: e2e',
        '  indicator:',
        '    metadata: {name: e2e-from-file-sli}',
        '    spec:',
        '      ratioMetric:',
        '        counter: true',
        `        bad: {metricSource: {type: Prometheus, spec: {query: '${metric}{code=~"5.."}'}}}`,
        `        total: {metricSource: {type: Prometheus, spec: {query: '${metric}'}}}`,
        '  timeWindow: [{duration: 1d, isRolling: true}]',
        '  budgetingMethod: Occurrences',
        '  objectives: [{target: 0.995}]',
        '',
      ].join('\n');
      await page.locator('[data-testid=slo-io] summary').click();
      await page.setInputFiles('[data-testid=slo-import-file]', { name: 'e2e.openslo.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
      const preview = page.locator('[data-testid=slo-import-preview]');
      await preview.waitFor({ timeout: 5000 });
      assert(/OpenSLO/.test(await preview.innerText()) && (await preview.innerText()).includes('E2E from a file'), `preview: ${await preview.innerText()}`);
      await page.click('[data-testid=slo-import-add]');
      const before = await checkTile(page, ctx, { id, budget: 0.005 });
      assert(before.c.bad > 0, 'the incident is inside the window');

      // Edit: objective 99.5 → 99 (budget 0.005 → 0.01). The SLI stays, budget remaining and
      // burn rates follow 1 − e/0.01 and e/0.01.
      await tile(page, id).locator('[data-testid=slo-edit]').click();
      const objective = page.locator('[data-testid=slo-f-objective]');
      await objective.waitFor({ timeout: 5000 });
      assert((await objective.inputValue()) === '0.995', `the form shows the stored objective: ${await objective.inputValue()}`);
      await objective.fill('99');
      await page.click('[data-testid=slo-f-save]');
      await page.waitForFunction((sel) => /Objective 99(\.0+)?\s?%/.test(document.querySelector(sel)?.textContent || ''),
        `[data-testid=slo-tile][data-slo=${id}] [data-testid=slo-objective]`, { timeout: 10000 })
        .catch(async () => { throw new Error(`objective text: ${await tile(page, id).locator('[data-testid=slo-objective]').innerText()}`); });
      const after = await checkTile(page, ctx, { id, budget: 0.01 });
      const remaining = Number(await tile(page, id).locator('[data-testid=slo-remaining]').getAttribute('data-value'));
      const e = after.c.bad / after.c.total;
      assert(Math.abs(remaining - (1 - e / 0.005)) > 1e-6, `budget remaining changed with the objective: ${remaining}`);

      await tile(page, id).locator('[data-testid=slo-open]').click();
      await checkTiers(page, expected, 0.01);
      const budgetText = (await page.locator('[data-testid=slo-budget]').innerText()).trim();
      assert(budgetText.startsWith('14m24s'), `error budget in time = 1 % of 1 d = 864 s: ${JSON.stringify(budgetText)}`);
    },
  },
];
