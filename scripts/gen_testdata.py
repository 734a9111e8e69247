#!/usr/bin/env python3
"""Deterministic end-to-end test data for Sightline, with the answers the tests expect.

Usage: scripts/gen_testdata.py OUTDIR [--now EPOCH_SECONDS]

Writes into OUTDIR:
  data.om        OpenMetrics text (timestamps in seconds) for
                 `promtool tsdb create-blocks-from openmetrics data.om <prom-data>`
  data.prom      Prometheus exposition text with millisecond timestamps for VictoriaMetrics'
                 `POST /api/v1/import/prometheus`
  expected.json  the series, the time window and the hand-computed query answers

Time window: `anchor` = now rounded down to the minute. Samples every 15 s from anchor-3h up to
anchor + 1h. The hour after the anchor is deliberate: the app evaluates instant queries at the
browser's "now", which is later than the anchor by the time the backends and the tests take. If the
data stopped at the anchor, Prometheus' rate() would extrapolate over a window whose end has no
samples and answer 1.65 instead of 2 a minute later (measured); with samples on both sides of every 5-minute window
evaluated during the next hour, `rate(x[5m])` of a linear counter is exact on Prometheus
(extrapolation to the window edges is proportional) and on VictoriaMetrics (no extrapolation).
Both backends select samples at or before the evaluation time, so the charts still end at "now".

Same output for the same --now (default: the current time). Stdlib only.

Series (all samples at multiples of 15 s, counters start at 0 at anchor-3h):
  sightline_e2e_requests_total{service="alpha"}   +30 per 15 s (2/s)
  sightline_e2e_requests_total{service="beta"}    +3 per 15 s (0.2/s)
  sightline_e2e_requests_total{service="gamma"}   +15 per 15 s (1/s), reset to 0 at anchor-90m
  sightline_e2e_temperature_celsius{room="lab"}   21.5
  sightline_e2e_latency_seconds_bucket{le=...}    classic histogram, le 0.1 0.25 0.5 1 +Inf,
                                                  with _sum and _count
  sightline_e2e_slo_requests_total{code="200"}    +30 per 15 s (2/s)
  sightline_e2e_slo_requests_total{code="500"}    0, then +3 per 15 s (0.2/s) during the incident
                                                  anchor-60m..anchor-30m, then flat at 360
  The SLO test computes its expected budget and burn rates from these formulas at the app's grid
  end and checks them against Prometheus' increase() (expected.json "slo").
"""

import argparse
import json
import math
import os
import sys
import time

STEP_S = 15
HISTORY_S = 3 * 3600
FUTURE_S = 3600
RESET_BEFORE_ANCHOR_S = 90 * 60

REQUESTS = "sightline_e2e_requests"  # counter family; the series is REQUESTS + "_total"
REQUESTS_PER_STEP = {"alpha": 30, "beta": 3, "gamma": 15}
GAUGE = "sightline_e2e_temperature_celsius"
GAUGE_VALUE = 21.5
HIST = "sightline_e2e_latency_seconds"
# Cumulative bucket increments per 15 s scrape: (le label, upper bound, increment).
BUCKETS = [("0.1", 0.1, 30), ("0.25", 0.25, 75), ("0.5", 0.5, 105), ("1", 1.0, 129), ("+Inf", math.inf, 135)]
# _sum increment per scrape (seconds of latency observed); 0.4 s mean over 135 observations.
HIST_SUM_PER_STEP = 54.0
QUANTILE = 0.9
SLO_REQUESTS = "sightline_e2e_slo_requests"  # counter family for the SLO test
SLO_GOOD_PER_STEP = 30
SLO_BAD_PER_STEP = 3
SLO_INCIDENT_START_BEFORE_ANCHOR_S = 60 * 60
SLO_INCIDENT_END_BEFORE_ANCHOR_S = 30 * 60

RATE_QUERY = f"rate({REQUESTS}_total[5m])"
P90_QUERY = f"histogram_quantile({QUANTILE}, rate({HIST}_bucket[5m]))"


def bucket_quantile(q, buckets):
    """Prometheus' classic-histogram quantile (promql/quantile.go, v2.42), `buckets` = [(upper, count)]."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    buckets = sorted(buckets, key=lambda b: b[0])
    if not math.isinf(buckets[-1][0]) or len(buckets) < 2:
        return math.nan
    # ensureMonotonic
    fixed, highest = [], -math.inf
    for upper, count in buckets:
        highest = max(highest, count)
        fixed.append((upper, highest))
    buckets = fixed
    observations = buckets[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    # sort.Search(len(buckets)-1, count >= rank)
    b = next((i for i in range(len(buckets) - 1) if buckets[i][1] >= rank), len(buckets) - 1)
    if b == len(buckets) - 1:
        return buckets[-2][0]
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    bucket_start, bucket_end, count = 0.0, buckets[b][0], buckets[b][1]
    if b > 0:
        bucket_start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return bucket_start + (bucket_end - bucket_start) * (rank / count)


def fmt(v):
    """A sample value as both formats accept it (integers without a fraction)."""
    if float(v).is_integer():
        return str(int(v))
    return repr(float(v))


def labels_text(labels):
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""


def generate(now_s):
    anchor = now_s - now_s % 60
    start = anchor - HISTORY_S
    end = anchor + FUTURE_S
    reset_at = anchor - RESET_BEFORE_ANCHOR_S
    times = list(range(start, end + 1, STEP_S))

    def requests_value(service, t):
        per_step = REQUESTS_PER_STEP[service]
        origin = reset_at if (service == "gamma" and t >= reset_at) else start
        return per_step * (t - origin) // STEP_S

    # families: name -> (type, help, [(series name, labels, [(t, value)])])
    series = []  # (family, type, help, sample name, labels, points)
    for service in REQUESTS_PER_STEP:
        series.append((REQUESTS, "counter", "Requests served (e2e test data).", REQUESTS + "_total",
                       {"service": service}, [(t, requests_value(service, t)) for t in times]))
    series.append((GAUGE, "gauge", "Room temperature (e2e test data).", GAUGE, {"room": "lab"},
                   [(t, GAUGE_VALUE) for t in times]))
    incident = (anchor - SLO_INCIDENT_START_BEFORE_ANCHOR_S, anchor - SLO_INCIDENT_END_BEFORE_ANCHOR_S)

    def slo_bad_value(t):
        return SLO_BAD_PER_STEP * (min(max(t, incident[0]), incident[1]) - incident[0]) // STEP_S

    series.append((SLO_REQUESTS, "counter", "Requests of the SLO test (e2e test data).", SLO_REQUESTS + "_total",
                   {"code": "200"}, [(t, SLO_GOOD_PER_STEP * (t - start) // STEP_S) for t in times]))
    series.append((SLO_REQUESTS, "counter", "Requests of the SLO test (e2e test data).", SLO_REQUESTS + "_total",
                   {"code": "500"}, [(t, slo_bad_value(t)) for t in times]))

    def steps(t):
        return (t - start) // STEP_S

    hist_series = []
    for le, _upper, inc in BUCKETS:
        hist_series.append((HIST + "_bucket", {"le": le}, [(t, inc * steps(t)) for t in times]))
    hist_series.append((HIST + "_sum", {}, [(t, HIST_SUM_PER_STEP * steps(t)) for t in times]))
    hist_series.append((HIST + "_count", {}, [(t, BUCKETS[-1][2] * steps(t)) for t in times]))

    # OpenMetrics: one family after the other; a counter/gauge Metric's points in time order; the
    # histogram as one MetricPoint (all buckets, count, sum) per timestamp.
    om = []
    done = set()
    for family, typ, help_text, _name, _labels, _points in series:
        if family in done:
            continue
        done.add(family)
        om.append(f"# TYPE {family} {typ}")
        om.append(f"# HELP {family} {help_text}")
        for fam2, _t, _h, name, labels, points in series:
            if fam2 == family:
                om.extend(f"{name}{labels_text(labels)} {fmt(v)} {t}" for t, v in points)
    om.append(f"# TYPE {HIST} histogram")
    om.append(f"# HELP {HIST} Request latency (e2e test data).")
    order = [s for s in hist_series if s[0].endswith("_bucket")] + \
            [s for s in hist_series if s[0].endswith("_count")] + \
            [s for s in hist_series if s[0].endswith("_sum")]
    for i, t in enumerate(times):
        for name, labels, points in order:
            om.append(f"{name}{labels_text(labels)} {fmt(points[i][1])} {t}")
    om.append("# EOF")

    # Prometheus text for VictoriaMetrics: `name{labels} value timestamp_ms`.
    prom = []
    for _f, _t, _h, name, labels, points in series:
        prom.extend(f"{name}{labels_text(labels)} {fmt(v)} {t * 1000}" for t, v in points)
    for name, labels, points in hist_series:
        prom.extend(f"{name}{labels_text(labels)} {fmt(v)} {t * 1000}" for t, v in points)

    bucket_rates = [(upper, inc / STEP_S) for _le, upper, inc in BUCKETS]
    p90 = bucket_quantile(QUANTILE, bucket_rates)
    expected = {
        "generated_for_now_s": now_s,
        "window": {
            "step_s": STEP_S,
            "anchor_s": anchor,
            "anchor_ms": anchor * 1000,
            "start_s": start,
            "start_ms": start * 1000,
            "end_s": end,
            "end_ms": end * 1000,
            "samples_per_series": len(times),
            "note": "samples every step_s from start to end inclusive; end = anchor + 1h so that "
                    "rate(...[5m]) at the real now is exact during the hour after generation",
        },
        "series": {
            REQUESTS + "_total": [{"service": s} for s in REQUESTS_PER_STEP],
            GAUGE: [{"room": "lab"}],
            HIST + "_bucket": [{"le": le} for le, _u, _i in BUCKETS],
            HIST + "_sum": [{}],
            HIST + "_count": [{}],
        },
        "queries": {"rate": RATE_QUERY, "p90": P90_QUERY},
        "slo": {
            "metric": SLO_REQUESTS + "_total",
            "good_per_step": SLO_GOOD_PER_STEP,
            "bad_per_step": SLO_BAD_PER_STEP,
            "incident_start_s": incident[0],
            "incident_end_s": incident[1],
            "bad_total": slo_bad_value(end),
            "note": "counters start at 0 at window.start_s; code=200 grows good_per_step every step_s; code=500 grows "
                    "bad_per_step every step_s inside [incident_start_s, incident_end_s]",
        },
        "rate_5m": {s: per_step / STEP_S for s, per_step in REQUESTS_PER_STEP.items()},
        "gauge": {"query": GAUGE, "value": GAUGE_VALUE},
        "gamma_reset_s": reset_at,
        "histogram": {
            "quantile": QUANTILE,
            "bucket_rate_per_s": {le: inc / STEP_S for le, _u, inc in BUCKETS},
            "sum_rate_per_s": HIST_SUM_PER_STEP / STEP_S,
            "p90": p90,
        },
    }
    return "\n".join(om) + "\n", "\n".join(prom) + "\n", expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--now", type=int, default=None, help="epoch seconds (default: current time)")
    args = parser.parse_args()
    now_s = args.now if args.now is not None else int(time.time())
    om, prom, expected = generate(now_s)
    os.makedirs(args.outdir, exist_ok=True)
    for name, text in (("data.om", om), ("data.prom", prom),
                       ("expected.json", json.dumps(expected, indent=2, sort_keys=True) + "\n")):
        tmp = os.path.join(args.outdir, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(args.outdir, name))
    print(f"gen_testdata: {expected['window']['samples_per_series']} samples x 13 series, "
          f"{expected['window']['start_s']}..{expected['window']['end_s']}, p90={expected['histogram']['p90']!r}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
