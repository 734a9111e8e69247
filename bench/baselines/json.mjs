// JSON-PROM baselines: a Prometheus `query_range` body (bytes, as `fetch` delivers them) →
// columnar series (label object, Float64Array of ms timestamps, Float64Array of values).

function sampleValue(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s); // "NaN" → NaN
}

/** Incumbent-style: `TextDecoder` + `JSON.parse` of the whole document, then a conversion loop
 * (`+value` per sample) into typed columns — what a Grafana-like data source does. */
export function incumbent(bytes) {
  const doc = JSON.parse(new TextDecoder().decode(bytes));
  if (doc.status === 'error' || doc.data.resultType !== 'matrix') throw new Error('not a matrix');
  return doc.data.result.map((s) => {
    const n = s.values.length, t = new Float64Array(n), v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = s.values[i];
      t[i] = Math.round(p[0] * 1000);
      v[i] = sampleValue(p[1]);
    }
    return { labels: s.metric, t, v };
  });
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Honest JS, the same algorithm as the core's fast path (crates/core/src/formats/prometheus/
 * fast.rs): one scan over the bytes for the `[ts,"value"]` shape, samples written straight into
 * typed columns. Numbers are parsed from the bytes: exact by integer arithmetic when the decimal
 * has ≤ 15 significant digits (Clinger's fast path, correctly rounded), otherwise by `Number` of
 * a slice of the body decoded once. Labels (small) go through `JSON.parse`. Shape
 * assumptions as the core's (no escapes in values, no exponents in timestamps); anything else
 * throws. The per-series loop is its own function so the engine optimizes it as a whole
 * (one giant loop per call is left to on-stack replacement, which Chromium handles badly). */
export function honest(bytes) {
  const b = bytes, n = b.length;
  const dec = new TextDecoder();
  // For number fallbacks: the body as a string (UTF-8 decoding is the fast path in browsers);
  // byte offsets are string offsets only for an ASCII body, otherwise each slice is decoded.
  const text = dec.decode(bytes);
  const ascii = text.length === n;
  const slice = (a, z) => (ascii ? text.slice(a, z) : dec.decode(b.subarray(a, z)));
  const out = [];
  let i = 0, hint = 1024;
  for (;;) {
    const m = find(b, METRIC, i);
    if (m < 0) break;
    // The label object: up to its closing brace (no braces inside label strings here).
    let e = m + METRIC.length;
    while (b[e] !== 0x7d) e++;
    const labels = JSON.parse(dec.decode(b.subarray(m + METRIC.length, e + 1)));
    const v0 = find(b, VALUES, e);
    if (v0 < 0) throw new Error('no values');
    const s = samples(b, v0 + VALUES.length, hint, slice);
    i = s.end;
    hint = s.len;
    out.push({ labels, t: s.t.subarray(0, s.len), v: s.v.subarray(0, s.len) });
  }
  return out;
}

const METRIC = Uint8Array.from('"metric":', (c) => c.charCodeAt(0));
const VALUES = Uint8Array.from('"values":[', (c) => c.charCodeAt(0));

function find(b, pat, from) {
  const n = b.length, first = pat[0];
  for (let k = from; k <= n - pat.length; k++) {
    if (b[k] !== first) continue;
    let j = 1;
    while (j < pat.length && b[k + j] === pat[j]) j++;
    if (j === pat.length) return k;
  }
  return -1;
}

/** One series' `[[ts,"v"],…]` from byte `i` (just after the opening bracket) into columns. */
function samples(b, i, hint, slice) {
  let t = new Float64Array(hint), v = new Float64Array(hint), len = 0;
  while (b[i] === 0x5b) { // '['
    i++;
    // timestamp: digits[.digits]
    let whole = 0;
    while (b[i] >= 48 && b[i] <= 57) whole = whole * 10 + (b[i++] - 48);
    let ms = whole * 1000;
    if (b[i] === 0x2e) {
      i++;
      let scale = 100;
      while (b[i] >= 48 && b[i] <= 57) { ms += (b[i++] - 48) * scale; scale /= 10; }
    }
    if (b[i++] !== 0x2c || b[i++] !== 0x22) throw new Error('shape');
    // value string
    const start = i;
    let mant = 0, digits = 0, exp10 = 0, dot = false, neg = false, simple = true;
    if (b[i] === 0x2d) { neg = true; i++; }
    for (; b[i] !== 0x22; i++) {
      const c = b[i];
      if (c >= 48 && c <= 57) {
        if (digits > 0 || c !== 48) digits++;
        mant = mant * 10 + (c - 48);
        if (dot) exp10--;
      } else if (c === 0x2e && !dot) dot = true;
      else simple = false;
    }
    const x = simple && digits <= 15 && -exp10 <= 22 ? (neg ? -mant : mant) / POW10[-exp10] : sampleValue(slice(start, i));
    i++; // closing quote
    if (b[i++] !== 0x5d) throw new Error('shape');
    if (len === t.length) {
      const t2 = new Float64Array(len * 2), v2 = new Float64Array(len * 2);
      t2.set(t); v2.set(v); t = t2; v = v2;
    }
    t[len] = ms;
    v[len++] = x;
    if (b[i] === 0x2c) i++;
  }
  return { t, v, len, end: i };
}
