#!/usr/bin/env bash
# Trunk's post_build hook. Trunk starts the hooks of one stage all at once, so the steps that
# depend on each other run here, in order: the lazily loaded decoder/PFX module first, then the
# single-file page that inlines it. First of all, the hash of Trunk's inline loader goes into
# index.html's Content-Security-Policy.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/csp.py
bash scripts/build_tools_module.sh
python3 scripts/make_single_html.py
# Last, in a release build: the served app's glue minified by esbuild, as the embedding
# module's is (scripts/build-embed.sh; the names of its exports and of the wasm's imports are
# kept, only whitespace, local names and syntax change): 8,842 → 6,893 bytes gzipped. After the
# single file, whose inlining reads the glue as wasm-bindgen writes it. Trunk's file name stays
# (its hash is of the glue before, which changes whenever the glue after does), and the page
# loads the glue without an integrity hash, so nothing else changes.
if [[ "${TRUNK_PROFILE:-}" == release ]]; then
  staging="${TRUNK_STAGING_DIR:?run as a Trunk hook (TRUNK_STAGING_DIR is not set)}"
  shopt -s nullglob
  glue=("$staging"/certreq-web-*.js)
  if ((${#glue[@]} != 1)); then
    echo "trunk_post_build: expected one certreq-web-*.js in $staging, found ${#glue[@]}" >&2
    exit 1
  fi
  esbuild "${glue[0]}" --minify --format=esm --log-level=warning --allow-overwrite \
    --outfile="${glue[0]}"
fi
