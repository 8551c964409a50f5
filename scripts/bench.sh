#!/usr/bin/env bash
# Benchmarks (not tests): the core's INF → DER pipeline under criterion, and `certreq -new`
# against `openssl req -new` for the same request and the same key. Prints ratios measured in
# one run; the machine is shared, so absolute times drift between runs and ratios do not.
# The settings below are the ones README's and docs/performance.md's figures come from: 100
# interleaved CLI runs, 200 interleaved browser rounds and 11 fresh page loads per library and
# key type.
set -euo pipefail
cd "$(dirname "$0")/.."
# (assigned first: `export PATH="$(…)"` would hide setup.sh failing from `set -e`)
tools="$(scripts/setup.sh)"
export PATH="$tools:$PATH"
target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
source scripts/wasm_features.sh
cargo bench -p certreq-request --bench pipeline -- --noplot "${@}"
cargo build --release -p certreq-cli
python3 scripts/bench_cli.py "$target_dir/release/certreq" 100

# The browser benchmark (web/bench/): the embedding API against pkijs and @peculiar/x509 in headless
# Chromium, the first request in a fresh page, and the sizes of the app and of the core.
scripts/build-app.sh                        # dist/*.wasm + dist/*.js: the app's size
scripts/build-embed.sh dist/embed           # after trunk, which replaces dist/
# the core alone: one export running compile + prepare + finish + to_pem, built like the app
# the engine alone (web/bench/core-size), built as the embedding module is (build-embed.sh):
# nightly with the standard library rebuilt and panics aborting at once, the same wasm-opt flags
mkdir -p "$target_dir/core-size"
(
  source scripts/nightly_wasm.sh
  cargo build --manifest-path web/bench/core-size/Cargo.toml --target-dir "$CARGO_TARGET_DIR" \
    --target wasm32-unknown-unknown --profile wasm-release
  wasm-bindgen --target web --no-typescript --out-dir "$target_dir/core-size" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/certreq_core_size.wasm"
)
wasm-opt -Oz --converge --one-caller-inline-max-function-size=20 --low-memory-unused \
  --strip-producers --strip-target-features --strip-debug "${wasm_features[@]}" \
  -o "$target_dir/core-size/certreq_core_size_bg.wasm" "$target_dir/core-size/certreq_core_size_bg.wasm"
(cd web/bench && npm ci --no-audit --no-fund && npm run build)
python scripts/bench_browser.py --embed dist/embed --app-dist dist --n 200 --fresh 11 \
  --core-wasm "$target_dir/core-size/certreq_core_size_bg.wasm"
