// A deterministic Prometheus `query_range` answer (`resultType: matrix`, samples as
// `[unix_seconds, "value"]`) of many series × many points, for the load measurements
// (tests/e2e/perf/longtasks.mjs, bench/e2e_dash.mjs): values are a slow sine per series plus
// seeded noise, timestamps evenly spread over [startS, endS]. Generated before anything is timed.

/**
 * @param {object} o
 * @param {number} o.series  number of series
 * @param {number} o.points  samples per series
 * @param {number} o.startS  first timestamp (s)
 * @param {number} o.endS    last timestamp (s)
 * @param {(k: number) => string} o.labels  the series' label pairs after `__name__` (JSON, no braces)
 * @param {string} [o.name]  the metric name
 * @param {number} [o.seed]  varies the noise (0 keeps the historical values)
 * @returns {Buffer}
 */
export function bigMatrix({ series, points, startS, endS, labels, name = 'sightline_big', seed = 0 }) {
  const parts = ['{"status":"success","data":{"resultType":"matrix","result":['];
  const span = endS - startS;
  for (let k = 0; k < series; k++) {
    const values = new Array(points);
    let x = (k + 1 + seed * 7919) * 2654435761 % 4294967296;
    for (let i = 0; i < points; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = startS + (span * i) / (points - 1);
      const v = 100 + 40 * Math.sin(i / 500 + k) + (x / 2147483648) * 20 + k;
      values[i] = `[${t.toFixed(3)},"${v.toFixed(6)}"]`;
    }
    parts.push(`${k ? ',' : ''}{"metric":{"__name__":"${name}",${labels(k)}},"values":[${values.join(',')}]}`);
  }
  parts.push(']}}');
  return Buffer.from(parts.join(''));
}
