#!/usr/bin/env bash
# The embedding API (web/src/embed.rs) as an ES module for other pages:
#   dist/embed/certreq_web.js + dist/embed/certreq_web_bg.wasm  (wasm-bindgen --target web)
# Built from the web *library* as a cdylib (`cargo rustc --crate-type cdylib`, so web/Cargo.toml
# and Trunk's build of the app's bin are untouched), wasm-release profile, then wasm-opt -Oz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/setup.sh):$PATH"
target_dir="${CARGO_TARGET_DIR:-target}"
out="${1:-dist/embed}"
# `--cfg certreq_embed` (for this crate only) turns embed.rs's functions into wasm exports
cargo rustc -p certreq-web --lib --crate-type cdylib --target wasm32-unknown-unknown \
  --profile wasm-release -- --cfg certreq_embed
mkdir -p "$out"
wasm-bindgen --target web --typescript --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/certreq_web.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out/certreq_web_bg.wasm" "$out/certreq_web_bg.wasm"
ls -l "$out"
