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
