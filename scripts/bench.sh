#!/usr/bin/env bash
# Benchmarks (not tests): the core's INF → DER pipeline under criterion, and `certreq -new`
# against `openssl req -new` for the same request and the same key. Prints ratios measured in
# one run; the machine is shared, so absolute times drift between runs and ratios do not.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/setup.sh):$PATH"
cargo bench -p certreq-core --bench pipeline -- --noplot "${@}"
cargo build --release -p certreq-cli
python3 tools/bench_cli.py target/release/certreq
