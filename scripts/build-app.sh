#!/usr/bin/env bash
# Builds the web app: `trunk build --release` (→ dist/: index.html, the app's wasm and glue,
# certreq-tools.wasm from Trunk's post_build hook, the single-file certreq-web.html), with the
# nightly settings every browser module is built with (scripts/nightly_wasm.sh says what and
# why). Extra arguments go to trunk. A plain `trunk build --release` still works, with the
# stable toolchain and a larger app.
set -euo pipefail
cd "$(dirname "$0")/.."
# (assigned first: `export PATH="$(…)"` would hide setup.sh failing from `set -e`)
tools="$(scripts/setup.sh)"
export PATH="$tools:$PATH"
source scripts/nightly_wasm.sh
exec trunk build --release "$@"
