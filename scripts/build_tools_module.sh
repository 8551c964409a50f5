#!/usr/bin/env bash
# Run by scripts/trunk_post_build.sh (before make_single_html.py): builds the app's lazily loaded decoder/PFX
# module (web/tools, no JS glue) and puts it beside the app's own wasm as certreq-tools.wasm.
# Always the size-optimised wasm-release profile: the module is fetched on first use.
set -euo pipefail
staging="${TRUNK_STAGING_DIR:?run as a Trunk hook (TRUNK_STAGING_DIR is not set)}"
target_dir="${CARGO_TARGET_DIR:-target}"
source "$(dirname "${BASH_SOURCE[0]}")/wasm_features.sh"
cargo build --quiet -p certreq-web-tools --target wasm32-unknown-unknown --profile wasm-release
# the app's wasm-opt settings (www/index.html says why each): here, leaving functions with one
# caller un-inlined alone took the gzipped module from 254.7 to 212.2 KiB. -Oz, not the app's
# -Os: on the module as it is now it writes 1.8 KiB less gzipped (326,624 → 324,774 bytes,
# gzip -9 as tests/e2e/test_build.py measures), where on the app -Oz writes more
wasm-opt -Oz --converge --one-caller-inline-max-function-size=0 --low-memory-unused \
  --strip-producers --strip-target-features --strip-debug "${wasm_features[@]}" \
  -o "$staging/certreq-tools.wasm" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/certreq_web_tools.wasm"
echo "build_tools_module: $(wc -c < "$staging/certreq-tools.wasm") bytes → $staging/certreq-tools.wasm"
