#!/usr/bin/env bash
# `make bench`: builds the benchmark kernels natively and for wasm32, runs the native half
# (crates/bench, bench-native) and the browser half (bench/run.mjs: headless Chromium), and prints
# one table per workload; results in target/bench/results.{json,md}.
# Extra arguments go to both runners: --scale 0.1 (smaller inputs), --runs N, --warmup N,
# --only ID (one of PCT-10M, M4-10M, HQ-PROM, JSON-PROM, BURN-30d). BENCH_WASM_OPT=1 runs wasm-opt -O3.
# Log workloads (--only): JSON-LOKI-5k, JSON-LOKI-100k.
# Trace workloads (--only): CP-RAND-100k, CP-RAND-1M, CP-WIDE-10k, CP-WIDE-100k, CP-DEEP-100k, SELF-100k.
# End to end (--only E2E-DASH, and last in a full run): a ten-panel dashboard of 59 MB in the release
# app against a Grafana-like JS pipeline (bench/e2e_dash.mjs; --runs applies, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '[bench] %s\n' "$*"; }

[ -x /usr/bin/chromium ] || { step "chromium missing: scripts/install.sh test"; scripts/install.sh test; }

# The workspace's release profile is tuned for the app's size (opt-level "z"); the benchmark
# measures the kernels at opt-level 3 (same LTO, codegen-units and panic settings).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_TERM_COLOR=never
export RUSTC_VERSION="$(rustc --version)"
native_args=() page_args=() dash_args=() only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; native_args+=("$1" "$2"); page_args+=("$1" "$2"); shift 2 ;;
    --runs|--warmup) native_args+=("$1" "$2"); page_args+=("$1" "$2"); dash_args+=("$1" "$2"); shift 2 ;;
    --scale) native_args+=("$1" "$2"); page_args+=("$1" "$2"); shift 2 ;;
    --slow-runs) page_args+=("$1" "$2"); shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

# E2E-DASH measures the release app as shipped: built with the workspace's own release profile
# (not the opt-level 3 above), served under /app/.
e2e_dash() {
  step "E2E-DASH: release app (trunk build --release --public-url /app/ into target/bench/app)"
  env -u CARGO_PROFILE_RELEASE_OPT_LEVEL trunk build --release --locked --public-url /app/ --dist target/bench/app > target/bench/trunk.log 2>&1 \
    || { tail -20 target/bench/trunk.log; exit 1; }
  node bench/e2e_dash.mjs --app target/bench/app --out target/bench "${dash_args[@]}"
}
if [ "$only" = "E2E-DASH" ]; then
  mkdir -p target/bench
  e2e_dash
  step "wall time $(( $(date +%s) - start )) s"
  exit 0
fi

step "build (native and wasm32, release, opt-level 3)"
cargo build --locked -q --release -p sightline-bench --bin bench-native
cargo build --locked -q --release --target wasm32-unknown-unknown -p sightline-bench-wasm
# Build outputs follow CARGO_TARGET_DIR; results always go to target/bench/.
build_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p target/bench
rm -rf target/bench/pkg
wasm-bindgen --target web --out-dir target/bench/pkg "$build_dir/wasm32-unknown-unknown/release/sightline_bench_wasm.wasm"
if [ "${BENCH_WASM_OPT:-0}" = 1 ]; then
  wasm-opt -O3 target/bench/pkg/sightline_bench_wasm_bg.wasm -o target/bench/pkg/sightline_bench_wasm_bg.wasm
fi

step "native runs"
"$build_dir/release/bench-native" --out target/bench/native.json "${native_args[@]}"
step "browser runs (headless Chromium)"
node bench/run.mjs --native target/bench/native.json --pkg target/bench/pkg --out target/bench "${page_args[@]}"
[ -z "$only" ] && e2e_dash
step "wall time $(( $(date +%s) - start )) s"
