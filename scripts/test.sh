#!/usr/bin/env bash
# Runs every test: native core tests, wasm component tests (headless Chromium), then the release
# build and the end-to-end tests against real Prometheus and VictoriaMetrics. Exits non-zero on any
# failure; cargo's `test result:` lines and the e2e `N passed, N failed` line are printed as they come.
set -euo pipefail
cd "$(dirname "$0")/.."
# promtool (Debian's prometheus package, installed by `scripts/install.sh test`) checks the
# generated SLO rules; under `make test` its absence is a failure, not a skip.
export SIGHTLINE_REQUIRE_PROMTOOL=1
echo "== native tests (core, and the app's pure helpers)"
cargo test --locked -q -p sightline-core 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)'
cargo test --locked -q -p sightline --lib 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)'
echo "== wasm component tests (headless Chromium)"
cargo test --locked -p sightline --target wasm32-unknown-unknown 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)'
echo "== release build (served from a sub-path in the e2e tests)"
trunk build --release --locked --public-url /tools/sightline/
echo "== end-to-end tests"
scripts/e2e.sh
