// CP-* baselines: Jaeger UI's critical path (algorithms.md §7.1) over a trace given as columns
// (start, end in ns as f64, parent index, non-blocking flag), each baseline building what it needs
// untimed, then timed on the walk.

/** Incumbent-style, as Jaeger UI computes it (`CriticalPath/index.ts`): spans as objects in a
 * `Map` keyed by string span id, children id lists copied per span, sanitising with object
 * spreads, `childSpanIds.filter` per dropped child, a linear LFC scan on every return, and one
 * recursive call per step — which overflows the stack on deep or long paths ("too much
 * recursion", jaeger-ui #2720). Returns the sections as `[spanIndex, start, end, …]`. */
export function incumbent(spans, roots) {
  const sections = [];
  for (const root of roots) {
    const map = new Map();
    const stack = [spans[root]];
    while (stack.length) {
      const s = stack.pop();
      if (map.has(s.spanID)) continue;
      const blocking = s.children.filter((c) => !c.nonBlocking);
      map.set(s.spanID, { spanID: s.spanID, index: s.index, startTime: s.startTime, duration: s.duration, parentSpanID: s === spans[root] ? undefined : s.parentSpanID, childSpanIds: blocking.map((c) => c.spanID) });
      for (let i = blocking.length - 1; i >= 0; i--) stack.push(blocking[i]);
    }
    for (const id of [...map.keys()]) {
      const span = map.get(id);
      if (!span || span.parentSpanID === undefined) continue;
      const parent = map.get(span.parentSpanID);
      if (!parent) { map.delete(id); continue; }
      const childEnd = span.startTime + span.duration, parentEnd = parent.startTime + parent.duration;
      const drop = () => { map.delete(id); parent.childSpanIds = parent.childSpanIds.filter((c) => c !== id); };
      if (span.startTime >= parent.startTime) {
        if (span.startTime >= parentEnd) drop();
        else if (childEnd > parentEnd) map.set(id, { ...span, duration: parentEnd - span.startTime });
      } else if (childEnd <= parent.startTime) drop();
      else if (childEnd <= parentEnd) map.set(id, { ...span, startTime: parent.startTime, duration: childEnd - parent.startTime });
      else map.set(id, { ...span, startTime: parent.startTime, duration: parentEnd - parent.startTime });
    }
    const lfc = (span, limit) => {
      let best, max = -1;
      for (const c of span.childSpanIds) {
        const child = map.get(c);
        if (!child) continue;
        const end = child.startTime + child.duration;
        if ((!limit || end < limit) && end > max) { max = end; best = child; }
      }
      return best;
    };
    const walk = (id, limit) => {
      const span = map.get(id);
      if (!span) return;
      const c = lfc(span, limit);
      const end = limit || span.startTime + span.duration;
      if (c) {
        const start = c.startTime + c.duration;
        if (start !== end) sections.push(span.index, start, end);
        walk(c.spanID);
      } else {
        if (span.startTime !== end) sections.push(span.index, span.startTime, end);
        if (span.parentSpanID !== undefined) walk(span.parentSpanID, span.startTime);
      }
    };
    walk(spans[root].spanID);
  }
  return sections;
}

/** The incumbent's input: one object per span with a string id, its children as objects (built
 * once, untimed), and the root indices. */
export function toSpans(starts, ends, parents, nonBlocking) {
  const n = starts.length;
  const spans = new Array(n);
  for (let i = 0; i < n; i++) {
    spans[i] = { index: i, spanID: `span-${i.toString(16).padStart(16, '0')}`, startTime: starts[i], duration: ends[i] - starts[i], nonBlocking: nonBlocking[i] === 1, children: [] };
  }
  const roots = [];
  for (let i = 0; i < n; i++) {
    const p = parents[i];
    if (p === 0xffffffff) roots.push(i);
    else { spans[i].parentSpanID = spans[p].spanID; spans[p].children.push(spans[i]); }
  }
  return { spans, roots };
}

/** Honest: the core's iterative algorithm on typed arrays (algorithms.md §7.2) — sanitise in
 * index (pre-)order, children in CSR form sorted by (end, index descending), one cursor per
 * parent that only moves left. Returns the sections as a Float64Array `[span, start, end, …]`. */
export function honest(starts, ends, parents, nonBlocking) {
  const n = starts.length;
  const cs = Float64Array.from(starts), ce = Float64Array.from(ends);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const p = parents[i];
    if (p === 0xffffffff) continue;
    let keep = alive[p] === 1 && nonBlocking[i] === 0;
    if (keep) {
      const ps = cs[p], pe = ce[p], s = cs[i], e = ce[i];
      if (s >= ps) { if (s >= pe) keep = false; else ce[i] = Math.min(e, pe); }
      else if (e <= ps) keep = false;
      else { cs[i] = ps; ce[i] = Math.min(e, pe); }
    }
    if (!keep) alive[i] = 0;
  }
  const off = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) if (parents[i] !== 0xffffffff && alive[i]) off[parents[i] + 1]++;
  for (let i = 0; i < n; i++) off[i + 1] += off[i];
  const fill = off.slice(0, n), kids = new Uint32Array(off[n]);
  for (let i = 0; i < n; i++) if (parents[i] !== 0xffffffff && alive[i]) kids[fill[parents[i]]++] = i;
  for (let v = 0; v < n; v++) {
    const a = off[v], b = off[v + 1];
    let sorted = true;
    for (let k = a + 1; k < b && sorted; k++) sorted = ce[kids[k - 1]] < ce[kids[k]] || (ce[kids[k - 1]] === ce[kids[k]] && kids[k - 1] > kids[k]);
    if (!sorted) kids.subarray(a, b).sort((x, y) => ce[x] - ce[y] || y - x);
  }
  const cursor = off.slice(1);
  const out = [];
  for (let r = 0; r < n; r++) {
    if (parents[r] !== 0xffffffff) continue;
    let span = r, limit = -1;
    for (;;) {
      const bound = limit >= 0 ? limit : ce[span];
      const lo = off[span];
      if (limit >= 0) while (cursor[span] > lo && ce[kids[cursor[span] - 1]] >= limit) cursor[span]--;
      if (cursor[span] > lo) {
        const c = kids[cursor[span] - 1];
        if (bound > ce[c]) out.push(span, ce[c], bound);
        span = c; limit = -1;
      } else {
        if (bound > cs[span]) out.push(span, cs[span], bound);
        if (parents[span] === 0xffffffff) break;
        limit = cs[span]; span = parents[span];
      }
    }
  }
  return Float64Array.from(out);
}
