# Sightline — every target installs what it needs (scripts/install.sh: idempotent, pinned).
#   make serve   build and serve the app on http://127.0.0.1:8080 (demo source, no backend needed)
#   make test    native core tests, wasm component tests in headless Chromium, end-to-end tests
#   make test-perf  the Long Tasks measurements of a 54 MB metrics load and a 100k-span trace (load-dependent; not in make test)
#   make dist    release build into dist/ for static hosting (PUBLIC_URL=/sub/path/ to serve from a prefix)

SHELL := /bin/bash
export PATH := $(CURDIR)/tests/e2e/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR := never
export TRUNK_SKIP_VERSION_CHECK := true
export WASM_BINDGEN_TEST_TIMEOUT := 60
export CHROMEDRIVER := /usr/bin/chromedriver
PUBLIC_URL ?= /
E2E_PUBLIC_URL := /tools/sightline/

.PHONY: serve test dist test-core test-wasm test-e2e test-perf install-build install-test fetch clippy bench

install-build:
	@scripts/install.sh build

install-test:
	@scripts/install.sh test

fetch:
	@cargo fetch --locked

serve: install-build fetch
	trunk serve --release --public-url /

dist: install-build fetch
	trunk build --release --locked --public-url $(PUBLIC_URL)

test: install-test fetch
	@scripts/test.sh

test-core: fetch
	cargo test --locked -p sightline-core

test-wasm: install-test fetch
	cargo test --locked -p sightline --target wasm32-unknown-unknown

test-e2e: install-test fetch
	trunk build --release --locked --public-url $(E2E_PUBLIC_URL)
	@scripts/e2e.sh

# Responsiveness measurements that depend on machine load (tests/e2e/perf: the Long Tasks API
# over a 54 MB load); not part of `make test`, whose result must not depend on load.
test-perf: install-test fetch
	trunk build --release --locked --public-url $(E2E_PUBLIC_URL)
	@E2E_TESTS=tests/e2e/perf scripts/e2e.sh

clippy:
	cargo clippy --locked -p sightline-core --all-targets -- -D warnings
	cargo clippy --locked -p sightline --all-targets --target wasm32-unknown-unknown -- -D warnings

bench: install-build fetch
	@scripts/bench.sh
