#!/usr/bin/env bash
# Trunk's post_build hook. Trunk starts the hooks of one stage all at once, so the steps that
# depend on each other run here, in order: the lazily loaded decoder/PFX module first, then the
# single-file page that inlines it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build_tools_module.sh
python3 scripts/make_single_html.py
