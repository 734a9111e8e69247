// M4 baselines: first/min/max/last per pixel column (algorithms.md §4.2), lines broken at
// non-finite values and at gaps longer than `maxGap`, runs separated by one NaN entry.

/** Incumbent-style: plain Arrays, the column of every point by division, one object per column
 * in a string-keyed Map, kept points sorted back into time order with a comparator. */
export function incumbent(t, v, t0, t1, w, maxGap) {
  const outT = [], outV = [];
  let run = new Map(), pendingBreak = null, prevT = null;
  const flush = () => {
    const kept = [];
    for (const col of run.values()) {
      const seen = new Set();
      for (const p of [col.first, col.min, col.max, col.last]) {
        if (!seen.has(p.i)) { seen.add(p.i); kept.push(p); }
      }
    }
    kept.sort((a, b) => a.i - b.i);
    for (const p of kept) {
      if (pendingBreak !== null) { outT.push(pendingBreak); outV.push(NaN); pendingBreak = null; }
      outT.push(p.t); outV.push(p.v);
    }
    run = new Map();
  };
  for (let i = 0; i < t.length; i++) {
    const ti = t[i], vi = v[i];
    const gap = maxGap > 0 && prevT !== null && ti - prevT > maxGap;
    if (!Number.isFinite(vi) || gap) {
      flush();
      if (outT.length > 0 && pendingBreak === null) pendingBreak = ti;
      if (!Number.isFinite(vi)) { prevT = null; continue; }
    }
    prevT = ti;
    const c = String(Math.min(w - 1, Math.max(0, Math.floor(((ti - t0) * w) / (t1 - t0)))));
    const p = { i, t: ti, v: vi };
    const col = run.get(c);
    if (col === undefined) run.set(c, { first: p, min: p, max: p, last: p });
    else {
      if (vi < col.min.v) col.min = p;
      if (vi > col.max.v) col.max = p;
      col.last = p;
    }
  }
  flush();
  return { t: outT, v: outV };
}

/** Honest JS, the same algorithm as the core (crates/core/src/downsample.rs): typed arrays, the
 * column's time span computed once per column, and for a regular step the column's points are an
 * index range (one division per column) folded by a min/max pass. */
export function honest(t, v, t0, t1, w, maxGap) {
  const n = Math.min(t.length, v.length), span = t1 - t0;
  const outT = new Float64Array(Math.min(n, 4 * w + 64) + 16), outV = new Float64Array(outT.length);
  let len = 0, pendingBreak = null;
  const push = (ti, vi) => {
    if (pendingBreak !== null) { outT[len] = pendingBreak; outV[len++] = NaN; pendingBreak = null; }
    outT[len] = ti; outV[len++] = vi;
  };
  // Open column: indices of first, min, max, last (−1 when none).
  let f = -1, mn = -1, mx = -1, l = -1, lo = Infinity, hi = -Infinity, prevT = null;
  const emit = () => {
    if (f < 0) return;
    const a = Math.min(mn, mx), b = Math.max(mn, mx);
    push(t[f], v[f]);
    if (a !== f) push(t[a], v[a]);
    if (b !== a) push(t[b], v[b]);
    if (l !== b) push(t[l], v[l]);
    f = -1;
  };
  const closeRun = (ti) => { emit(); if (len > 0 && pendingBreak === null) pendingBreak = ti; };
  const colStart = (c) => t0 + Math.ceil((c * span) / w);
  let i = 0;
  while (i < n) {
    const ti = t[i], vi = v[i];
    if (!Number.isFinite(vi)) { closeRun(ti); prevT = null; i++; continue; }
    if (maxGap > 0 && prevT !== null && ti - prevT > maxGap) closeRun(ti);
    prevT = ti;
    if (f >= 0 && lo <= ti && ti < hi) {
      if (vi < v[mn]) mn = i;
      if (vi > v[mx]) mx = i;
      l = i; i++;
      continue;
    }
    emit();
    const c = ti <= t0 ? 0 : Math.min(w - 1, Math.floor(((ti - t0) * w) / span));
    lo = c === 0 ? -Infinity : colStart(c);
    hi = c + 1 >= w ? Infinity : colStart(c + 1);
    f = mn = mx = l = i;
    // Regular step: the rest of the column is an index range.
    const step = t[i + 1] - ti;
    if (i + 1 < n && step > 0 && !(maxGap > 0 && step > maxGap)) {
      const end = Math.min(n, i + 1 + Math.floor((Math.min(hi, 9e15) - 1 - ti) / step));
      if (end >= i + 16) {
        let regular = true;
        for (let k = i + 1, e = ti + step; k < end; k++, e += step) if (t[k] !== e) { regular = false; break; }
        let finite = true, vmin = vi, vmax = vi, kmin = i, kmax = i;
        if (regular) {
          for (let k = i + 1; k < end; k++) {
            const x = v[k];
            if (x < vmin) { vmin = x; kmin = k; } else if (x > vmax) { vmax = x; kmax = k; } else if (x !== x) finite = false;
            if (x === Infinity || x === -Infinity) finite = false;
          }
        }
        if (regular && finite) {
          mn = kmin; mx = kmax; l = end - 1; prevT = t[end - 1];
          i = end;
          continue;
        }
      }
    }
    i++;
  }
  emit();
  return { t: outT.subarray(0, len), v: outV.subarray(0, len) };
}
