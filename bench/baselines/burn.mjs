// BURN-30d baselines: the burn rate `(bad / total) / budget` of each window (in minutes) ending
// at the last minute of every SLO's 30 days of per-minute events (algorithms.md §6.6).

/** Incumbent-style (naive windows, as a dashboard evaluating one range query per window would):
 * each SLO's minutes as an Array of `{ t, bad, total }` objects, and per window a `filter` by
 * time and a `reduce` into a fresh object — O(steps) per window instead of O(1). */
export function incumbent(points, windows, budget) {
  const end = points.length > 0 ? points[points.length - 1].t : 0;
  return windows.map((w) => {
    const from = end - w * 60_000;
    const sums = points.filter((p) => p.t > from).reduce((a, p) => ({ bad: a.bad + p.bad, total: a.total + p.total }), { bad: 0, total: 0 });
    return sums.total > 0 ? Math.min(1, Math.max(0, sums.bad / sums.total)) / budget : NaN;
  });
}

/** The incumbent's input: one SLO's minutes as objects (built once, untimed). */
export function toPoints(bad, total, slo, steps) {
  const points = new Array(steps);
  for (let k = 0; k < steps; k++) points[k] = { t: k * 60_000, bad: bad[slo * steps + k], total: total[slo * steps + k] };
  return points;
}

/** Honest: the same algorithm as the core — per SLO, prefix sums into two reused Float64Arrays,
 * then two subtractions per window. Writes `slos × windows.length` rates into `out`. */
export function honest(bad, total, slos, steps, windows, budget, out) {
  const pb = new Float64Array(steps + 1), pt = new Float64Array(steps + 1);
  for (let s = 0; s < slos; s++) {
    const base = s * steps;
    let ab = 0, at = 0;
    for (let k = 0; k < steps; k++) {
      ab += bad[base + k];
      at += total[base + k];
      pb[k + 1] = ab;
      pt[k + 1] = at;
    }
    for (let j = 0; j < windows.length; j++) {
      const lo = Math.max(0, steps - windows[j]);
      const b = pb[steps] - pb[lo], t = pt[steps] - pt[lo];
      out[s * windows.length + j] = t > 0 ? Math.min(1, Math.max(0, b / t)) / budget : NaN;
    }
  }
  return out;
}
