#!/usr/bin/env bash
# Installs what Sightline's build and tests need, idempotently, with pinned versions.
# Usage: scripts/install.sh build   -> wasm32 target, wasm-bindgen-cli, trunk, npm tools (for `make serve`)
#        scripts/install.sh test    -> build + chromium, chromium-driver, prometheus, victoria-metrics, alertmanager
# Each step is skipped when the exact version is already present. Never downloads from anywhere but
# the package registries (see shared reference toolchain.md for the traps this avoids).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VER=0.21.14
WB_VER=0.2.130
export DEBIAN_FRONTEND=noninteractive CARGO_TERM_COLOR=never

step() { printf '[install] %s\n' "$*"; }

apt_install() {
  # Install the named Debian packages that are missing; `apt-get update` only when needed.
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_build() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || { step "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB_VER"; then
    step "cargo install wasm-bindgen-cli $WB_VER (several minutes, once)"
    # not --locked: its lockfile pins a webpki-roots version the registry mirror lacks
    cargo install -q wasm-bindgen-cli --version "$WB_VER"
  fi
  if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VER"; then
    step "cargo install trunk $TRUNK_VER (several minutes, once)"
    cargo install -q trunk --version "$TRUNK_VER" --locked
  fi
  # npm tools pinned by tests/e2e/package-lock.json: binaryen 132 (wasm-opt) and playwright-core
  if [ ! -x tests/e2e/node_modules/.bin/wasm-opt ] || ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock.json.copy 2>/dev/null; then
    step "npm ci (binaryen, playwright-core)"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
    cp tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock.json.copy
  fi
}

install_test() {
  install_build
  apt_install chromium chromium-driver prometheus victoria-metrics prometheus-alertmanager
}

case "${1:-build}" in
  build) install_build ;;
  test) install_test ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
