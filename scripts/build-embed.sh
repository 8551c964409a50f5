#!/usr/bin/env bash
# The embedding API (web/src/embed.rs) as ES modules for other pages, in one folder:
#   certreq_web.js + certreq_web_bg.wasm + .d.ts   (wasm-bindgen --target web): compile,
#       createRequest — what a page loads first
#   certreq_web_enroll.js + certreq_web_enroll_bg.wasm + .d.ts: the same and enrollment
#       (generate, submit, retrieve, accept) and the key store (list, get, remove, exportPfx)
#   certreq-tools.wasm: the app's tools module (enrollment protocols, CA answers, PFX writing),
#       which the enrollment module fetches on first use
#   certreq-enroll.js (+ .d.ts): the <certreq-enroll> element (web/package/, minified), which loads the
#       enrollment module on demand
#   diagnostic-codes.md (docs/): every diagnostic's code, which the declarations point to
# Built from the web *library* as a cdylib (`cargo rustc --crate-type cdylib`, so web/Cargo.toml
# and Trunk's build of the app's bin are untouched), wasm-release profile, then wasm-opt -Oz
# (below); wasm-bindgen's glue is minified by esbuild (names of exports and of the wasm's
# imports are kept: only whitespace, local names and syntax change).
#
# Both modules, and the copy of certreq-tools.wasm beside them, are built with the nightly
# settings every browser module is built with (scripts/nightly_wasm.sh says what and why).
set -euo pipefail
cd "$(dirname "$0")/.."
# (assigned first: `export PATH="$(…)"` would hide setup.sh failing from `set -e`)
tools="$(scripts/setup.sh)"
export PATH="$tools:$PATH"
source scripts/nightly_wasm.sh
target_dir="$CARGO_TARGET_DIR"
source scripts/wasm_features.sh
out="${1:-dist/embed}"
mkdir -p "$out"
# name, then the cfgs (for this crate only) that turn embed.rs's functions into wasm exports
build() {
  local name="$1"
  shift
  # LLVM's inlining thresholds at 0 for the link-time optimisation of the whole module (these
  # flags reach only this crate's rustc, which runs the LTO): 423 bytes less gzipped, the
  # requests' speed unchanged (docs/performance.md, "The embedding module")
  cargo rustc -p certreq-web --lib --crate-type cdylib --target wasm32-unknown-unknown \
    --profile wasm-release -- -C llvm-args=-inline-threshold=0 \
    -C llvm-args=-inlinehint-threshold=0 "$@"
  wasm-bindgen --target web --typescript --out-dir "$out" --out-name "$name" \
    "$target_dir/wasm32-unknown-unknown/wasm-release/certreq_web.wasm"
  # each export, called before init, says so (by rejecting, for those that return promises)
  node scripts/guard_glue.mjs "$out/$name.js" "$out/$name.d.ts"
  esbuild "$out/$name.js" --minify --format=esm --log-level=warning --allow-overwrite \
    --outfile="$out/$name.js"
  # as the tools module (scripts/build_tools_module.sh), but functions with one caller are
  # inlined up to 20 bytes: 135,383 → 133,454 bytes gzipped for certreq_web_bg.wasm against
  # plain -Oz (0 or 40 write more; docs/performance.md, "The embedding module")
  wasm-opt -Oz --converge --one-caller-inline-max-function-size=20 --low-memory-unused \
    --strip-producers --strip-target-features --strip-debug "${wasm_features[@]}" \
    -o "$out/${name}_bg.wasm" "$out/${name}_bg.wasm"
}
build certreq_web --cfg certreq_embed
build certreq_web_enroll --cfg certreq_embed --cfg certreq_embed_enroll
TRUNK_STAGING_DIR="$out" bash scripts/build_tools_module.sh
# the element minified as the glue is (its methods' and properties' names kept): 10,020 →
# 6,752 bytes gzipped when it was first minified
esbuild web/package/certreq-enroll.js --minify --format=esm --log-level=warning \
  --outfile="$out/certreq-enroll.js"
cp web/package/certreq-enroll.d.ts "$out/"
# every diagnostic's code, which certreq_web.d.ts says is beside it
cp docs/diagnostic-codes.md "$out/"
ls -l "$out"
