// E2E-DASH, incumbent pipeline: what a Grafana-like dashboard does with the same ten panels, on
// the page's main thread — `fetch` all panels at once, `response.json()` (a JS string and
// `JSON.parse`), a data frame per series (`number[]` times and values via `parseFloat`), the
// chart drawn as uPlot draws a line (per pixel column the first, lowest, highest and last point)
// on a 2D canvas, then the legend's reducers as Grafana's `fieldReducer` computes them
// (mean/min/max/last in one pass; each percentile a comparator sort of a copy, nearest rank) in
// a DOM table. Written from those descriptions (reference/performance.md §4, §9), not copied.
// Records per panel when its chart and its legend were done (`performance.now()`).

const QUANTILES = [0.5, 0.95, 0.99];

/** Grafana-style percentile: a sorted copy per call, nearest rank. */
function percentile(values, q) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)];
}

function frames(json) {
  return json.data.result.map((s) => {
    const times = [];
    const values = [];
    for (const [t, v] of s.values) {
      times.push(t * 1000);
      values.push(parseFloat(v));
    }
    return { name: JSON.stringify(s.metric), times, values };
  });
}

function reducers(f) {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of f.values) { sum += v; if (v < min) min = v; if (v > max) max = v; }
  return { mean: sum / f.values.length, min, max, last: f.values[f.values.length - 1], pcts: QUANTILES.map((q) => percentile(f.values, q)) };
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function draw(canvas, series, t0, t1) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s.values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const x = (t) => ((t - t0) / (t1 - t0)) * (w - 1);
  const y = (v) => h - 1 - ((v - lo) / (hi - lo || 1)) * (h - 1);
  ctx.clearRect(0, 0, w, h);
  series.forEach((s, k) => {
    ctx.beginPath();
    ctx.strokeStyle = COLOURS[k % COLOURS.length];
    let col = -1;
    let first = 0; let min = 0; let max = 0; let last = 0;
    const flush = () => {
      if (col < 0) return;
      ctx.lineTo(col, y(first)); ctx.lineTo(col, y(min)); ctx.lineTo(col, y(max)); ctx.lineTo(col, y(last));
    };
    for (let i = 0; i < s.times.length; i++) {
      const px = Math.round(x(s.times[i]));
      const v = s.values[i];
      if (px !== col) { flush(); col = px; first = min = max = last = v; if (i === 0) ctx.moveTo(px, y(v)); } else { if (v < min) min = v; if (v > max) max = v; last = v; }
    }
    flush();
    ctx.stroke();
  });
}

function legend(table, series, stats) {
  table.textContent = '';
  const head = table.insertRow();
  for (const t of ['Series', 'Mean', 'Min', 'Max', 'Last', 'p50', 'p95', 'p99']) head.insertCell().textContent = t;
  series.forEach((s, k) => {
    const r = table.insertRow();
    const st = stats[k];
    for (const v of [s.name, st.mean, st.min, st.max, st.last, ...st.pcts]) r.insertCell().textContent = typeof v === 'number' ? v.toPrecision(6) : v;
  });
}

/** Loads every panel; resolves with per-panel { drawnMs, statsMs, bytes }. */
export async function loadDashboard({ dataUrl, panels, from, to, root }) {
  const cells = panels.map((p, i) => {
    const cell = document.createElement('div');
    cell.className = 'cell';
    const canvas = document.createElement('canvas');
    canvas.width = 560; canvas.height = 240;
    const table = document.createElement('table');
    cell.append(canvas, table);
    root.append(cell);
    return { canvas, table, i };
  });
  const step = Math.max(1, Math.round((to - from) / 1000 / 560));
  const results = await Promise.all(panels.map(async (query, i) => {
    const url = `${dataUrl}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${from / 1000}&end=${to / 1000}&step=${step}`;
    const res = await fetch(url);
    const json = await res.json();
    const series = frames(json);
    draw(cells[i].canvas, series, from, to);
    const drawnMs = performance.now();
    const stats = series.map(reducers);
    legend(cells[i].table, series, stats);
    const statsMs = performance.now();
    return { drawnMs, statsMs, series: series.length };
  }));
  return results;
}
