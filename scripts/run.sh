#!/usr/bin/env bash
# Builds the app and devca, and serves both on one origin: the app at /, AD CS Web Enrollment at
# /certsrv/, EST at /.well-known/est/. Installs what is missing first. Ctrl-C stops it.
#   scripts/run.sh [PORT]      (default 8080; binds 127.0.0.1)
# devca keeps its CA and requests in $CERTREQ_DEVCA_DATA (default ~/.local/share/certreq-web/devca).
set -euo pipefail
cd "$(dirname "$0")/.."
# (assigned first: `export PATH="$(…)"` would hide setup.sh failing from `set -e`)
tools="$(scripts/setup.sh)"
export PATH="$tools:$PATH"
port=${1:-8080}
data=${CERTREQ_DEVCA_DATA:-$HOME/.local/share/certreq-web/devca}
cargo build --release -p devca -p certreq-cli
scripts/build-app.sh
echo
echo "certreq-web:"
echo "  http://127.0.0.1:$port/                       the app"
echo "  http://127.0.0.1:$port/certsrv/               AD CS Web Enrollment (devca, issues at once)"
echo "  http://127.0.0.1:$port/.well-known/est/       EST (devca)"
echo "  $PWD/dist/certreq-web.html   the app as one file, for file:// and USB sticks"
echo "  $PWD/target/release/certreq  the command line"
echo "devca data: $data"
echo "Press Ctrl-C to stop."
exec target/release/devca serve --listen "127.0.0.1:$port" --data "$data" --dist dist
