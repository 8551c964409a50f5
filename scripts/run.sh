#!/usr/bin/env bash
# Builds the app and serves it: prints the URL to open. Installs what is missing first.
#   scripts/run.sh [PORT]      (default 8080; binds 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/setup.sh):$PATH"
port=${1:-8080}
trunk build --release
echo
echo "certreq-web is ready:"
echo "  http://127.0.0.1:$port/                 (the app)"
echo "  $PWD/dist/certreq-web.html  (the same app as one file, for file:// and USB sticks)"
echo "Press Ctrl-C to stop."
exec python3 tools/serve.py dist "$port"
