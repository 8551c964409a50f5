# Sourced by the scripts that run wasm-opt themselves (trunk tells its own wasm-opt for the app):
# the wasm features rustc's wasm32-unknown-unknown target emits, which wasm-opt must be told of
# or it refuses the module.
# shellcheck disable=SC2034  # used by the scripts that source this file
wasm_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
