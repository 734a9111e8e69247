#!/usr/bin/env bash
# Real metric backends for the end-to-end tests, on loopback, filled with known data.
#
#   scripts/backends.sh start STATEDIR   generate data (scripts/gen_testdata.py), backfill Prometheus,
#                                        start Prometheus on 127.0.0.1:19090 and VictoriaMetrics on
#                                        127.0.0.1:18428, import into VictoriaMetrics, wait until both
#                                        answer a query for the data (≤ 60 s)
#   scripts/backends.sh stop STATEDIR    stop both (by the PIDs in STATEDIR); fine if not running
#   scripts/backends.sh status STATEDIR  print what runs
#
# STATEDIR receives: expected.json (the answers), backends.json ({"prom": URL, "vm": URL}), data
# files, prom-data/ and vm-data/, *.pid and *.log. `start` on a STATEDIR whose backends still run
# stops them first and starts afresh (new data relative to the new "now").
# Ports: PROM_PORT (default 19090), VM_PORT (default 18428).
# Native histograms and exemplars: a second Prometheus (NH_PROM_PORT, default PROM_PORT + 2) started
# with --enable-feature=native-histograms,exemplar-storage scrapes scripts/e2e_exporter.py
# (EXPORTER_PORT, default PROM_PORT + 3; runs with different PROM_PORTs do not collide) every second: /metrics-proto (a native histogram, protobuf) and
# /metrics-om (a classic histogram with exemplars, OpenMetrics); its URL is "promnh" in backends.json.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PROM_PORT="${PROM_PORT:-19090}"
VM_PORT="${VM_PORT:-18428}"
PROM_URL="http://127.0.0.1:${PROM_PORT}"
VM_URL="http://127.0.0.1:${VM_PORT}"
WAIT_SECS="${BACKENDS_WAIT_SECS:-60}"
NH_PROM_PORT="${NH_PROM_PORT:-$((PROM_PORT + 2))}"
EXPORTER_PORT="${EXPORTER_PORT:-$((PROM_PORT + 3))}"
NH_PROM_URL="http://127.0.0.1:${NH_PROM_PORT}"

say() { echo "backends: $*" >&2; }
STARTED=0
die() {
  echo "backends: ERROR: $*" >&2
  if ((STARTED)); then do_stop; fi  # leave nothing half-started behind
  exit 1
}

usage() { echo "usage: $0 start|stop|status STATEDIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd="$1"
if [[ "$cmd" == start ]]; then
  mkdir -p "$2"
elif [[ ! -d "$2" ]]; then
  [[ "$cmd" == stop ]] && exit 0  # nothing was started there
  echo "$2: no such state directory" >&2
  exit 1
fi
STATE="$(cd "$2" && pwd)"

# pid of a server we started, if it still runs (and is still that program: PIDs get reused)
alive_pid() {
  local name="$1" pidfile="$STATE/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name" || return 1
  echo "$pid"
}

do_stop() {  # SIGTERM both, wait up to 10 s, then SIGKILL what is left
  local name pid i n names=() pids=()
  for name in prometheus victoria-metrics prom-nh e2e_exporter; do
    if pid="$(alive_pid "$name")"; then
      kill "$pid" 2>/dev/null || true
      names+=("$name")
      pids+=("$pid")
    fi
    rm -f "$STATE/$name.pid"
  done
  for i in "${!pids[@]}"; do
    pid="${pids[$i]}"
    for ((n = 0; n < 100; n++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "${names[$i]} (pid $pid) did not stop within 10 s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped ${names[$i]} (pid $pid)"
  done
}

need() {
  local bin="$1" pkg="$2"
  command -v "$bin" >/dev/null 2>&1 \
    || die "'$bin' not found on PATH. Install it: apt-get install -y --no-install-recommends $pkg (or run 'make install-test')."
}

port_free() {
  # nothing may answer on the port (a server left behind by an earlier run, or another program)
  ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null
}

# curl GET with a PromQL query; prints the body
query() {
  curl -sS --max-time 5 -G "$1/api/v1/query" --data-urlencode "query=$2" 2>/dev/null
}

# first value of an instant-vector answer, or empty
first_value() {
  python3 -c 'import json,sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")'
}

wait_for() {  # wait_for DESCRIPTION DEADLINE COMMAND...
  local what="$1" deadline="$2"
  shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.2
  done
}

has_data() {  # has_data URL: both the counters and the histogram are queryable
  [[ "$(query "$1" 'count(sightline_e2e_requests_total)' | first_value)" == "3" ]] &&
    [[ "$(query "$1" 'count(sightline_e2e_latency_seconds_bucket)' | first_value)" == "5" ]]
}

do_start() {
  need python3 python3
  need curl curl
  need promtool prometheus
  need prometheus prometheus
  need victoria-metrics victoria-metrics

  do_stop
  port_free "$PROM_PORT" || die "port $PROM_PORT already answers (another Prometheus left running?). Stop it, or set PROM_PORT."
  port_free "$VM_PORT" || die "port $VM_PORT already answers (another VictoriaMetrics left running?). Stop it, or set VM_PORT."

  local t0=$SECONDS
  STARTED=1
  launch_native  # first, so it has scraped a while by the time the others are ready
  rm -rf "$STATE/prom-data" "$STATE/vm-data"
  python3 "$HERE/gen_testdata.py" "$STATE" 2> "$STATE/gen_testdata.log" \
    || die "gen_testdata.py failed: $(cat "$STATE/gen_testdata.log")"

  # Backfill: the blocks must be in the data dir before Prometheus opens it.
  promtool tsdb create-blocks-from openmetrics "$STATE/data.om" "$STATE/prom-data" > "$STATE/promtool.log" 2>&1 \
    || die "promtool backfill failed (see $STATE/promtool.log): $(tail -3 "$STATE/promtool.log")"

  printf 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\nscrape_configs: []\n' > "$STATE/prometheus.yml"
  # --web.cors.origin defaults to '.*' (Access-Control-Allow-Origin: *); set explicitly anyway.
  STARTED=1
  nohup prometheus \
    --config.file="$STATE/prometheus.yml" \
    --storage.tsdb.path="$STATE/prom-data" \
    --storage.tsdb.retention.time=30d \
    --web.listen-address="127.0.0.1:$PROM_PORT" \
    --web.cors.origin='.*' \
    < /dev/null > "$STATE/prometheus.log" 2>&1 &
  echo $! > "$STATE/prometheus.pid"

  # VictoriaMetrics sends Access-Control-Allow-Origin: * by default (1.79 has no flag to turn it off).
  nohup victoria-metrics \
    -storageDataPath="$STATE/vm-data" \
    -httpListenAddr="127.0.0.1:$VM_PORT" \
    -retentionPeriod=100y \
    -search.latencyOffset=0s \
    < /dev/null > "$STATE/victoria-metrics.log" 2>&1 &
  echo $! > "$STATE/victoria-metrics.pid"

  local deadline=$((t0 + WAIT_SECS))
  # shellcheck disable=SC2317
  prom_ready() { kill -0 "$(cat "$STATE/prometheus.pid")" 2>/dev/null || die "prometheus exited at start; last log lines:
$(tail -5 "$STATE/prometheus.log")"; curl -sf -o /dev/null --max-time 2 "$PROM_URL/-/ready"; }
  # shellcheck disable=SC2317
  vm_ready() { kill -0 "$(cat "$STATE/victoria-metrics.pid")" 2>/dev/null || die "victoria-metrics exited at start; last log lines:
$(tail -5 "$STATE/victoria-metrics.log")"; curl -sf -o /dev/null --max-time 2 "$VM_URL/health"; }

  wait_for "Prometheus ready" "$deadline" prom_ready \
    || die "Prometheus not ready on $PROM_URL after ${WAIT_SECS}s (log: $STATE/prometheus.log)"
  wait_for "VictoriaMetrics healthy" "$deadline" vm_ready \
    || die "VictoriaMetrics not healthy on $VM_URL after ${WAIT_SECS}s (log: $STATE/victoria-metrics.log)"

  local code
  code="$(curl -sS -o "$STATE/vm-import.log" -w '%{http_code}' --max-time 30 -X POST \
    --data-binary @"$STATE/data.prom" "$VM_URL/api/v1/import/prometheus")" \
    || die "import into VictoriaMetrics failed (curl error)"
  [[ "$code" == 204 ]] || die "VictoriaMetrics import answered HTTP $code: $(cat "$STATE/vm-import.log")"
  curl -sS -o /dev/null --max-time 10 "$VM_URL/internal/force_flush" || die "VictoriaMetrics force_flush failed"

  wait_for "Prometheus data" "$deadline" has_data "$PROM_URL" \
    || die "Prometheus on $PROM_URL answers no query for the backfilled data after ${WAIT_SECS}s (logs: $STATE/promtool.log, $STATE/prometheus.log)"
  wait_for "VictoriaMetrics data" "$deadline" has_data "$VM_URL" \
    || die "VictoriaMetrics on $VM_URL answers no query for the imported data after ${WAIT_SECS}s (log: $STATE/victoria-metrics.log)"

  printf '{"prom": "%s", "vm": "%s"}\n' "$PROM_URL" "$VM_URL" > "$STATE/backends.json"
  wait_native "$deadline"
  say "ready in $((SECONDS - t0)) s: Prometheus $PROM_URL (pid $(cat "$STATE/prometheus.pid")), VictoriaMetrics $VM_URL (pid $(cat "$STATE/victoria-metrics.pid")); state in $STATE"
}

has_native() {  # the native histogram has ≥ 40 s of samples (range tests chart a minute) and the exemplar histogram is there
  [[ "$(query "$NH_PROM_URL" 'count(histogram_count(sightline_nh_seconds offset 40s))' | first_value)" == "1" ]] &&
    [[ "$(query "$NH_PROM_URL" 'count(sightline_ex_seconds_bucket)' | first_value)" == "5" ]]
}

launch_native() {  # the exporter and the Prometheus scraping it (wait_native waits for them)
  port_free "$NH_PROM_PORT" || die "port $NH_PROM_PORT already answers (another Prometheus left running?). Stop it, or set NH_PROM_PORT."
  port_free "$EXPORTER_PORT" || die "port $EXPORTER_PORT already answers. Stop it, or set EXPORTER_PORT."
  nohup python3 "$HERE/e2e_exporter.py" "$EXPORTER_PORT" < /dev/null > "$STATE/e2e_exporter.log" 2>&1 &
  echo $! > "$STATE/e2e_exporter.pid"
  rm -rf "$STATE/prom-nh-data"
  cat > "$STATE/prom-nh.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: native
    metrics_path: /metrics-proto
    static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]
  - job_name: exemplars
    metrics_path: /metrics-om
    static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]
YAML
  nohup prometheus \
    --config.file="$STATE/prom-nh.yml" \
    --storage.tsdb.path="$STATE/prom-nh-data" \
    --web.listen-address="127.0.0.1:$NH_PROM_PORT" \
    --web.cors.origin='.*' \
    --enable-feature=native-histograms,exemplar-storage \
    < /dev/null > "$STATE/prom-nh.log" 2>&1 &
  echo $! > "$STATE/prom-nh.pid"
}

wait_native() {  # wait_native DEADLINE
  # shellcheck disable=SC2317
  nh_ready() { kill -0 "$(cat "$STATE/prom-nh.pid")" 2>/dev/null || die "the native-histogram prometheus exited at start; last log lines:
$(tail -5 "$STATE/prom-nh.log")"; curl -sf -o /dev/null --max-time 2 "$NH_PROM_URL/-/ready"; }
  wait_for "native Prometheus ready" "$1" nh_ready \
    || die "native-histogram Prometheus not ready on $NH_PROM_URL (log: $STATE/prom-nh.log)"
  wait_for "native histogram scraped" "$1" has_native \
    || die "native-histogram Prometheus on $NH_PROM_URL has no native histogram or exemplar histogram after the wait (logs: $STATE/prom-nh.log, $STATE/e2e_exporter.log)"
  python3 - "$STATE/backends.json" "$NH_PROM_URL" <<'PY'
import json, sys
path, url = sys.argv[1], sys.argv[2]
with open(path) as f:
    data = json.load(f)
data["promnh"] = url
with open(path, "w") as f:
    json.dump(data, f)
    f.write("\n")
PY
  say "native histograms and exemplars: Prometheus $NH_PROM_URL scraping the exporter on port $EXPORTER_PORT"
}

do_status() {
  local name pid rc=0
  for name in prometheus victoria-metrics; do
    if pid="$(alive_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
      rc=1
    fi
  done
  return $rc
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
