#!/usr/bin/env bash
# End-to-end tests: start Prometheus and VictoriaMetrics with known data (scripts/backends.sh),
# run the Playwright suite (tests/e2e/run.mjs) against the release build in dist/, stop the
# backends on exit. Exits with the suite's status; its last line is `N passed, M failed`.
#
#   scripts/e2e.sh [SUBSTRING]    only tests whose name contains SUBSTRING
#
# Expects dist/ built with `trunk build --release --public-url /tools/sightline/` (scripts/test.sh
# and `make test-e2e` do that first) and tests/e2e/node_modules installed (`npm ci --prefix tests/e2e`).
# Set E2E_KEEP_STATE=1 to keep the state directory (data, expected.json, backend logs) afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE="${TMPDIR:-/tmp}/sightline-e2e.$$"
mkdir -p "$STATE"
SUITE_RAN=0
cleanup() {
  local rc=$?
  # Quiet, so that the suite's `N passed, M failed` stays the last line of the output.
  scripts/backends.sh stop "$STATE" > /dev/null 2>&1 || true
  if [[ -n "${TRACE_PID:-}" ]]; then kill "$TRACE_PID" 2> /dev/null || true; fi
  if [[ "${E2E_KEEP_STATE:-}" == 1 ]]; then
    ((SUITE_RAN)) || echo "e2e: state, data and backend logs kept in $STATE" >&2
  elif ((SUITE_RAN == 0 && rc != 0)); then
    echo "e2e: backends failed; state, data and logs kept in $STATE" >&2
  else
    rm -rf "$STATE"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -d tests/e2e/node_modules/playwright-core ]]; then
  echo "e2e: tests/e2e/node_modules missing; running npm ci" >&2
  npm ci --prefix tests/e2e --no-audit --no-fund >&2
fi

scripts/backends.sh start "$STATE"

# The trace fixture server (real captured Jaeger/Tempo/Zipkin answers, tests/e2e/lib/trace_server.mjs).
TRACE_PORT="${TRACE_PORT:-18686}"
TRACE_PORT="$TRACE_PORT" node tests/e2e/lib/trace_server.mjs 2> "$STATE/trace-server.log" &
TRACE_PID=$!
for _ in $(seq 1 50); do
  if curl -sf "http://127.0.0.1:${TRACE_PORT}/jaeger/api/services" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$TRACE_PID" 2> /dev/null; then echo "e2e: trace server failed: $(cat "$STATE/trace-server.log")" >&2; exit 1; fi
  sleep 0.2
done
export TRACE_URL="http://127.0.0.1:${TRACE_PORT}"

echo "e2e: state in $STATE (set E2E_KEEP_STATE=1 to keep it)" >&2
rc=0
SUITE_RAN=1
E2E_STATE="$STATE" DIST="${DIST:-$PWD/dist}" node tests/e2e/run.mjs "$@" || rc=$?
exit $rc
