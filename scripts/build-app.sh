#!/usr/bin/env bash
# Builds the web app: `trunk build --release` (→ dist/: index.html, the app's wasm and glue,
# certreq-tools.wasm from Trunk's post_build hook, the single-file certreq-web.html), by the
# nightly toolchain scripts/setup.sh installs, with the standard library rebuilt for wasm32
# (-Zbuild-std) and panics aborting at once (-Cpanic=immediate-abort), as
# scripts/build-embed.sh builds the embedding modules. The standard library's panic messages,
# their formatting and what they reach were 23.6 KiB gzipped of the app's first download and
# 18.2 KiB of the tools module; on wasm32-unknown-unknown nobody could read them (stderr goes
# nowhere and no panic hook is set), so a panic traps as it always did, without writing a
# message first. In the target directory the embedding modules use (target/nightly), so the
# stable builds' artifacts (clippy, the wasm tests) are left alone. Extra arguments go to trunk.
# A plain `trunk build --release` still works, with the stable toolchain and a larger app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/setup.sh):$PATH"
export RUSTUP_TOOLCHAIN=nightly
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
export CARGO_TARGET_DIR
CARGO_TARGET_DIR="$(realpath -m "${CARGO_TARGET_DIR:-target}")/nightly"
exec trunk build --release "$@"
