// PCT baselines: p50/p95/p99 of a sample. Written from algorithms.md §2 and performance.md §4.

/** Incumbent-style (Grafana's `fieldReducer.ts` reducers, as described): a plain Array, nulls
 * filtered, one `slice().sort((a, b) => a - b)` per requested percentile, `x[round((n−1)·q)]`. */
export function grafana(values, qs) {
  return qs.map((q) => {
    const sorted = values.filter((v) => v != null && !Number.isNaN(v)).slice().sort((a, b) => a - b);
    return sorted[Math.round((sorted.length - 1) * q)];
  });
}

/** `Float64Array.prototype.sort` of a copy, then linear interpolation (type 7). */
export function typedSort(values, qs) {
  const x = Float64Array.from(values).sort();
  return qs.map((q) => type7(x, q));
}

function type7(sorted, q) {
  const h = (sorted.length - 1) * q;
  const j = Math.floor(h);
  return h > j ? sorted[j] + (h - j) * (sorted[j + 1] - sorted[j]) : sorted[j];
}

/** d3-array `quantile` (Floyd–Rivest quickselect on a Float64Array copy per quantile, type 7). */
export function d3Quantile(values, qs) {
  return qs.map((q) => {
    const x = Float64Array.from(values);
    const n = x.length, i = (n - 1) * q, i0 = Math.floor(i);
    quickselect(x, i0);
    let v0 = -Infinity;
    for (let k = 0; k <= i0; k++) if (x[k] > v0) v0 = x[k];
    if (i0 === i || i0 + 1 >= n) return v0;
    let v1 = Infinity;
    for (let k = i0 + 1; k < n; k++) if (x[k] < v1) v1 = x[k];
    return v0 + (v1 - v0) * (i - i0);
  });
}

/** Floyd–Rivest selection (as d3-array's `quickselect`) on a Float64Array, in place. */
export function quickselect(a, k, left = 0, right = a.length - 1) {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1, m = k - left + 1, z = Math.log(n), s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      quickselect(a, k, newLeft, newRight);
    }
    const t = a[k];
    let i = left, j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j), ++i, --j;
      while (a[i] < t) ++i;
      while (a[j] > t) --j;
    }
    if (a[left] === t) swap(a, left, j);
    else ++j, swap(a, j, right);
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
  return a;
}

function swap(a, i, j) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Honest JS, the same algorithm as the core (crates/core/src/stats/percentile.rs): radix
 * selection over the top 16 bits of each value. A sample predicts the buckets of the needed ranks;
 * one pass counts every bucket and copies the predicted buckets' values; selection runs inside
 * the needed buckets only. Typed arrays throughout; for non-negative finite input (as here) —
 * anything else falls back to sorting a copy, which the check would expose as slow, not wrong. */
export function radix(values, qs) {
  const n = values.length;
  const hi = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const ranks = [];
  for (const q of qs) {
    const h = (n - 1) * q, j = Math.floor(h);
    ranks.push(j);
    if (h > j && j + 1 < n) ranks.push(j + 1);
  }
  ranks.sort((a, b) => a - b);
  // Sample: up to 1,024 evenly spaced runs of 64 values.
  const blocks = Math.min(1024, Math.floor(n / 256));
  const stride = Math.floor(n / blocks);
  const sampleHist = new Uint32Array(65536);
  let m = 0;
  for (let b = 0; b < blocks; b++) {
    for (let k = b * stride, end = k + 64; k < end; k++) {
      const bucket = hi[2 * k + 1] >>> 16;
      if (bucket >= 0x7ff0) return typedSort(values, qs); // negative, NaN or ±Inf: not handled here
      sampleHist[bucket]++;
      m++;
    }
  }
  const cum = new Uint32Array(65536);
  for (let b = 0, acc = 0; b < 65536; b++) cum[b] = acc += sampleHist[b];
  const bucketOf = (s) => { let lo = 0, hi2 = 65535; while (lo < hi2) { const mid = (lo + hi2) >>> 1; if (cum[mid] <= s) lo = mid + 1; else hi2 = mid; } return lo; };
  const want = new Uint8Array(65536);
  let expected = 0;
  for (const r of ranks) {
    const p = (r + 0.5) / n, sigma = Math.sqrt(m * p * (1 - p));
    const lo = bucketOf(Math.max(0, Math.floor(p * m - 3 * sigma - 2)));
    const hiB = bucketOf(Math.min(m - 1, Math.max(0, Math.floor(p * m + 3 * sigma + 2))));
    for (let b = lo; b <= hiB; b++) if (!want[b]) { want[b] = 1; expected += sampleHist[b]; }
  }
  expected = Math.floor(expected * (n / m));
  // One pass: histogram + branch-free gather (4 interleaved sub-histograms).
  const lanes = new Uint32Array(4 * 65536);
  let out = new Float64Array(Math.min(n, expected + (expected >> 2) + 4096) + 1);
  const last = out.length - 1;
  let len = 0;
  const n4 = n - (n % 4);
  for (let k = 0; k < n4; k += 4) {
    const b0 = hi[2 * k + 1] >>> 16, b1 = hi[2 * k + 3] >>> 16, b2 = hi[2 * k + 5] >>> 16, b3 = hi[2 * k + 7] >>> 16;
    lanes[b0]++; lanes[65536 + b1]++; lanes[131072 + b2]++; lanes[196608 + b3]++;
    out[len < last ? len : last] = values[k]; len += want[b0];
    out[len < last ? len : last] = values[k + 1]; len += want[b1];
    out[len < last ? len : last] = values[k + 2]; len += want[b2];
    out[len < last ? len : last] = values[k + 3]; len += want[b3];
  }
  for (let k = n4; k < n; k++) {
    const b = hi[2 * k + 1] >>> 16;
    lanes[b]++;
    out[len < last ? len : last] = values[k]; len += want[b];
  }
  const hist = new Float64Array(65536);
  for (let b = 0; b < 65536; b++) hist[b] = lanes[b] + lanes[65536 + b] + lanes[131072 + b] + lanes[196608 + b];
  for (let b = 0x7ff0; b < 65536; b++) if (hist[b]) return typedSort(values, qs);
  // The bucket of each rank.
  const targets = [];
  let below = 0, ri = 0;
  for (let b = 0; b < 0x7ff0 && ri < ranks.length; b++) {
    const c = hist[b];
    while (ri < ranks.length && ranks[ri] < below + c) {
      const t = targets[targets.length - 1];
      if (t && t.bucket === b) t.within.push(ranks[ri] - below);
      else targets.push({ bucket: b, below, within: [ranks[ri] - below] });
      ri++;
    }
    below += c;
  }
  let gathered = out, glen = len;
  if (len > last || targets.some((t) => !want[t.bucket])) {
    // The prediction missed: gather the exact buckets in one more pass.
    const exact = new Uint8Array(65536);
    let total = 0;
    for (const t of targets) { exact[t.bucket] = 1; total += hist[t.bucket]; }
    gathered = new Float64Array(total);
    glen = 0;
    for (let k = 0; k < n; k++) if (exact[hi[2 * k + 1] >>> 16]) gathered[glen++] = values[k];
  }
  const gHi = new Uint32Array(gathered.buffer, 0, gathered.length * 2);
  const found = new Map();
  for (const t of targets) {
    const part = new Float64Array(hist[t.bucket]);
    let k = 0;
    for (let g = 0; g < glen; g++) if (gHi[2 * g + 1] >>> 16 === t.bucket) part[k++] = gathered[g];
    let bound = part.length;
    for (let w = t.within.length - 1; w >= 0; w--) {
      const r = t.within[w];
      quickselect(part, r, 0, bound - 1);
      found.set(t.below + r, part[r]);
      bound = r;
    }
  }
  return qs.map((q) => {
    const h = (n - 1) * q, j = Math.floor(h);
    return h > j && j + 1 < n ? found.get(j) + (h - j) * (found.get(j + 1) - found.get(j)) : found.get(j);
  });
}
