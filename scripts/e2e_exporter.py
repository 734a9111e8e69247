#!/usr/bin/env python3
"""A tiny metrics exporter for the end-to-end tests of native histograms and exemplars.

Usage: scripts/e2e_exporter.py PORT        (serves on 127.0.0.1:PORT until killed)

Endpoints (stdlib only; the protobuf is encoded by hand):
  /metrics-proto  the protobuf exposition format (`io.prometheus.client.MetricFamily`, varint-length
                  delimited; Content-Type application/vnd.google.protobuf;
                  proto=io.prometheus.client.MetricFamily;encoding=delimited), the only format in
                  which Prometheus 2.x scrapes native histograms. One family:
                    sightline_nh_seconds  native histogram, schema 1 (bucket boundaries 2^(i/2)),
                                          zero threshold 0.001, buckets listed below
  /metrics-om     OpenMetrics text with exemplars (Prometheus stores them with
                  --enable-feature=exemplar-storage). One family:
                    sightline_ex_seconds  classic histogram, le 0.1 0.25 0.5 1 +Inf; each bucket
                                          carries an exemplar {trace_id="<32 hex>"} whose value
                                          lies in that bucket, time-stamped at the scrape.

Counts are deterministic functions of the whole seconds since the exporter started (`s`):
  native bucket i (schema-1 index, upper bound 2^(i/2)), for i in INDEXES: count = W[i] * (s + 1)
  plus a slow wave that moves observations between buckets (monotone by construction);
  zero bucket: 2 * (s + 1).
Trace ids: trace_id = hex of sha256("sightline-e2e/<bucket>/<s>")[:32] (the test reads them back
from Prometheus' own query_exemplars, so only their shape matters).
"""

import hashlib
import math
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.time()
SCHEMA = 1
ZERO_THRESHOLD = 0.001
# schema-1 bucket index -> base count per second; index i covers (2^((i-1)/2), 2^(i/2)]
INDEXES = [-4, -3, -2, -1, 0, 1, 2, 3]
W = {-4: 3, -3: 7, -2: 12, -1: 9, 0: 5, 1: 3, 2: 2, 3: 1}
CLASSIC_LE = [0.1, 0.25, 0.5, 1.0]
CLASSIC_W = [4, 6, 3, 1, 1]  # per second in (…, 0.1], (0.1, 0.25], (0.25, 0.5], (0.5, 1], (1, +Inf)


def seconds():
    return int(time.time() - START)


# --- protobuf wire encoding -----------------------------------------------------------------

def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def key(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_sint(field, n):
    return key(field, 0) + varint(zigzag(n))


def f_double(field, x):
    return key(field, 1) + struct.pack('<d', x)


def f_bytes(field, data):
    return key(field, 2) + varint(len(data)) + data


def f_string(field, s):
    return f_bytes(field, s.encode())


def native_counts(s):
    """Per-bucket counts (not cumulative) of the native histogram at second s."""
    t = s + 1
    counts = {}
    for i in INDEXES:
        # A wave moving observations towards higher buckets and back; monotone because
        # W[i] * t grows faster than the wave can shrink it (|d/dt| of the wave ≤ W[i] / 2).
        wave = W[i] * 10 * (1 - math.cos(t / 20.0 + i)) / 2
        counts[i] = int(W[i] * t + wave)
    return counts, 2 * t


def native_family(s):
    counts, zero = native_counts(s)
    total = sum(counts.values()) + zero
    # sum of observations: each bucket's observations at its geometric middle
    obs_sum = sum(c * 2 ** ((i - 0.5) / 2) for i, c in counts.items())
    hist = b''
    hist += f_varint(1, total)                # sample_count
    hist += f_double(2, obs_sum)              # sample_sum
    hist += f_sint(5, SCHEMA)                 # schema
    hist += f_double(6, ZERO_THRESHOLD)       # zero_threshold
    hist += f_varint(7, zero)                 # zero_count
    # one positive span covering INDEXES (contiguous)
    span = f_sint(1, INDEXES[0]) + f_varint(2, len(INDEXES))
    hist += f_bytes(12, span)                 # positive_span
    prev = 0
    deltas = b''
    for i in INDEXES:
        deltas += varint(zigzag(counts[i] - prev))
        prev = counts[i]
    hist += f_bytes(13, deltas)               # positive_delta (packed sint64)
    metric = f_bytes(1, f_string(1, 'instance_kind') + f_string(2, 'native'))  # label
    metric += f_bytes(7, hist)                # histogram
    fam = f_string(1, 'sightline_nh_seconds')
    fam += f_string(2, 'A native histogram of made-up latencies for the end-to-end tests.')
    fam += f_varint(3, 4)                     # type HISTOGRAM
    fam += f_bytes(4, metric)
    return varint(len(fam)) + fam


def trace_id(bucket, s):
    return hashlib.sha256(f'sightline-e2e/{bucket}/{s}'.encode()).hexdigest()[:32]


def openmetrics(s):
    t = s + 1
    now = START + s
    lines = ['# TYPE sightline_ex_seconds histogram',
             '# HELP sightline_ex_seconds A classic histogram with exemplars for the end-to-end tests.']
    cumulative = 0
    total_sum = 0.0
    bounds = CLASSIC_LE + [math.inf]
    lowers = [0.0] + CLASSIC_LE
    for b, (le, lo, w) in enumerate(zip(bounds, lowers, CLASSIC_W)):
        cumulative += w * t
        hi = le if math.isfinite(le) else 2.0
        value = lo + (hi - lo) * (0.25 + 0.5 * ((s * 7 + b * 3) % 10) / 10)
        total_sum += w * t * (lo + hi) / 2
        le_text = '+Inf' if math.isinf(le) else repr(le)
        lines.append(f'sightline_ex_seconds_bucket{{le="{le_text}"}} {cumulative} '
                     f'# {{trace_id="{trace_id(b, s)}"}} {value:.6f} {now:.3f}')
    lines.append(f'sightline_ex_seconds_count {cumulative}')
    lines.append(f'sightline_ex_seconds_sum {total_sum:.6f}')
    lines.append('# EOF')
    return ('\n'.join(lines) + '\n').encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        s = seconds()
        if self.path.startswith('/metrics-proto'):
            body = native_family(s)
            ctype = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'
        elif self.path.startswith('/metrics-om'):
            body = openmetrics(s)
            ctype = 'application/openmetrics-text; version=1.0.0; charset=utf-8'
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    server = ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler)
    server.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main())
