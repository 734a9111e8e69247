// JSON-LOKI baselines: a Loki `query_range` log answer (bytes, as `fetch` delivers them) → lines
// newest first with their times and stream labels. Both return { count, textBytes, newest } for
// the checks (the lines are ASCII, so string length = bytes).

/** Incumbent-style, as a Grafana-like data source builds its data frame: `TextDecoder` +
 * `JSON.parse` of the whole document, one row object per entry (time as a Number of ms, as JS
 * dates need, the ns string kept, labels object, line), then a comparator sort by time. */
export function incumbent(bytes) {
  const doc = JSON.parse(new TextDecoder().decode(bytes));
  if (doc.status === 'error' || doc.data.resultType !== 'streams') throw new Error('not streams');
  const rows = [];
  for (const s of doc.data.result) {
    for (const [ts, line] of s.values) {
      rows.push({ tsNs: ts, timeMs: Number(ts) / 1e6, labels: s.stream, line, level: s.stream.level ?? 'unknown' });
    }
  }
  rows.sort((a, b) => (a.tsNs.length !== b.tsNs.length ? b.tsNs.length - a.tsNs.length : a.tsNs < b.tsNs ? 1 : a.tsNs > b.tsNs ? -1 : 0));
  let textBytes = 0;
  for (const r of rows) textBytes += r.line.length;
  return { count: rows.length, textBytes, newest: rows[0]?.tsNs };
}

/** Honest JS, the same layout as the core: `JSON.parse`, then columns — seconds and the ns
 * remainder as two Float64Arrays (exact; a Number of ns is not), the lines in one array, a
 * stream index per line — and an index permutation sorted newest first. */
export function honest(bytes) {
  const doc = JSON.parse(new TextDecoder().decode(bytes));
  if (doc.status === 'error' || doc.data.resultType !== 'streams') throw new Error('not streams');
  let n = 0;
  for (const s of doc.data.result) n += s.values.length;
  const sec = new Float64Array(n), rem = new Float64Array(n), stream = new Uint32Array(n), lines = new Array(n);
  let i = 0;
  doc.data.result.forEach((s, si) => {
    for (const [ts, line] of s.values) {
      const cut = ts.length - 9;
      sec[i] = cut > 0 ? Number(ts.slice(0, cut)) : 0;
      rem[i] = Number(cut > 0 ? ts.slice(cut) : ts);
      stream[i] = si;
      lines[i++] = line;
    }
  });
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => sec[b] - sec[a] || rem[b] - rem[a] || a - b);
  let textBytes = 0;
  for (let k = 0; k < n; k++) textBytes += lines[order[k]].length;
  const top = order[0];
  return { count: n, textBytes, newest: n ? `${sec[top]}${String(rem[top]).padStart(9, '0')}` : undefined };
}
