// HQ baselines: Prometheus' histogram_quantile (promql/quantile.go, 3.x: bucketQuantile,
// coalesceBuckets, ensureMonotonicAndIgnoreSmallDeltas, util/almost.Equal), per series and step.

const TOL = 1e-12, MIN_NORMAL = 2.2250738585072014e-308;

function almostEqual(a, b) {
  if ((Number.isNaN(a) && Number.isNaN(b)) || a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b), diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < TOL * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < TOL;
}

/** The Go function on an array of `{ upperBound, count }` objects (sorted here). */
export function bucketQuantile(q, buckets) {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (buckets.length === 0 || buckets[buckets.length - 1].upperBound !== Infinity) return NaN;
  const merged = [];
  for (const b of buckets) {
    const last = merged[merged.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else merged.push({ upperBound: b.upperBound, count: b.count });
  }
  let prev = merged[0].count;
  for (let i = 1; i < merged.length; i++) {
    const curr = merged[i].count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr) || curr < prev) { merged[i].count = prev; continue; }
    prev = curr;
  }
  const n = merged.length;
  if (n < 2) return NaN;
  const observations = merged[n - 1].count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let lo = 0, hi = n - 1;
  while (lo < hi) { const h = (lo + hi) >>> 1; if (!(merged[h].count >= rank)) lo = h + 1; else hi = h; }
  const b = lo;
  if (b === n - 1) return merged[n - 2].upperBound;
  if (b === 0 && merged[0].upperBound <= 0) return merged[0].upperBound;
  let start = 0, count = merged[b].count;
  if (b > 0) { start = merged[b - 1].upperBound; count -= merged[b - 1].count; rank -= merged[b - 1].count; }
  return start + (merged[b].upperBound - start) * (rank / count);
}

/** Incumbent-style: the input as Prometheus returns it — one bucket series per `le`, labels as
 * objects, counts as plain Arrays; grouped by a string key of the other labels; per step an array
 * of bucket objects with `le` parsed from its string, sorted by comparator. */
export function incumbent(q, bucketSeries) {
  const groups = new Map();
  for (const s of bucketSeries) {
    const { le, ...rest } = s.metric;
    const key = JSON.stringify(rest);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  const out = [];
  for (const members of groups.values()) {
    const steps = members[0].values.length, values = new Array(steps);
    for (let k = 0; k < steps; k++) {
      const buckets = members.map((m) => ({ upperBound: m.metric.le === '+Inf' ? Infinity : parseFloat(m.metric.le), count: m.values[k] }));
      values[k] = bucketQuantile(q, buckets);
    }
    out.push(values);
  }
  return out;
}

/** Honest JS, the same algorithm as the core (crates/core/src/stats/histogram.rs, columnar):
 * bounds sorted once per series (here they arrive sorted and distinct), counts per step contiguous
 * in a Float64Array, a branch-free "nothing to repair" check, the exact repair only when needed. */
export function honest(q, bounds, counts, series, steps, out) {
  const b = bounds.length, scratch = new Float64Array(b);
  for (let s = 0; s < series; s++) {
    for (let k = 0; k < steps; k++) {
      const base = (s * steps + k) * b;
      let clean = true;
      for (let i = 1; i < b; i++) {
        const prev = counts[base + i - 1], curr = counts[base + i], diff = curr - prev;
        clean = clean && (curr === prev || (diff >= MIN_NORMAL && diff >= 4 * TOL * (Math.abs(curr) + Math.abs(prev))));
      }
      let c = counts, off = base;
      if (!clean) {
        for (let i = 0; i < b; i++) scratch[i] = counts[base + i];
        let prev = scratch[0];
        for (let i = 1; i < b; i++) {
          const curr = scratch[i];
          if (curr === prev) continue;
          if (curr < prev || almostEqual(prev, curr)) { scratch[i] = prev; continue; }
          prev = curr;
        }
        c = scratch; off = 0;
      }
      const observations = c[off + b - 1];
      if (observations === 0) { out[s * steps + k] = NaN; continue; }
      let rank = q * observations;
      let lo = 0, hi = b - 1;
      while (lo < hi) { const h = (lo + hi) >>> 1; if (!(c[off + h] >= rank)) lo = h + 1; else hi = h; }
      let r;
      if (lo === b - 1) r = bounds[b - 2];
      else if (lo === 0 && bounds[0] <= 0) r = bounds[0];
      else {
        let start = 0, count = c[off + lo];
        if (lo > 0) { start = bounds[lo - 1]; count -= c[off + lo - 1]; rank -= c[off + lo - 1]; }
        r = start + (bounds[lo] - start) * (rank / count);
      }
      out[s * steps + k] = r;
    }
  }
}
