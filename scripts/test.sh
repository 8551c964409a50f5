#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing (scripts/setup.sh), then
#   1. formatting and lints (native and wasm32)
#   2. native tests: core (unit, golden requests, corpus pairs), CLI (drives the binary)
#   3. the release web build through Trunk (dist/ and the single-file dist/certreq-web.html),
#      the embedding module (dist/embed/, after Trunk, which replaces dist/) and its npm package
#      folder (dist/package/)
#   4. the web services under wasm-bindgen-test in headless Chromium
#   5. the fuzz targets' smoke (tests/fuzz/run.sh smoke: each target 15 s from its seeds and
#      the regression inputs, on nightly; the long runs are separate, docs/performance.md)
#   6. interoperability, corpus and browser end-to-end tests (pytest): every request checked by
#      OpenSSL, Python `cryptography` and Go's parser (cfssl); devca under load, kill -9 and a
#      full disk; the CLI killed mid-write
# Any failure stops the run with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# (assigned first: `export PATH="$(…)"` would hide setup.sh failing from `set -e`)
tools="$(scripts/setup.sh)"
export PATH="$tools:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() {
  local t0=$SECONDS
  printf '\n=== %s\n' "$*"
  "$@"
  printf '=== done in %d s: %s\n' $((SECONDS - t0)) "$*"
}

step cargo fmt --all -- --check
step cargo clippy --workspace --all-targets -- -D warnings
# the engine's tests and benches are native (they run OpenSSL, use native keys); its libraries
# and everything the browser runs (the app, its protocol, its tools module, the embedding
# build) must be clean for wasm32 too
step cargo clippy -p certreq-inf -p certreq-pkix -p certreq-schema -p certreq-keydocs \
  -p certreq-request -p certreq-read -p certreq-enroll -p certreq-wire -p certreq-web-tools \
  --lib --target wasm32-unknown-unknown -- -D warnings
step cargo clippy -p certreq-web --all-targets --target wasm32-unknown-unknown -- -D warnings
step cargo clippy -p certreq-web --lib --target wasm32-unknown-unknown -- --cfg certreq_embed \
  -D warnings
step cargo clippy -p certreq-web --lib --target wasm32-unknown-unknown -- --cfg certreq_embed \
  --cfg certreq_embed_enroll -D warnings
step cargo test --workspace
step cargo build --release -p certreq-cli -p devca
step scripts/build-app.sh
step scripts/build-embed.sh dist/embed
step scripts/build-package.sh dist/package
step cargo test -p certreq-web --target wasm32-unknown-unknown
step tests/fuzz/run.sh smoke 15
step python -m pytest -q tests --timeout=600 -p no:cacheprovider
