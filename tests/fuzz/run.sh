#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz, libFuzzer; nightly). Needs the nightly scripts/nightly.sh
# names and cargo-fuzz on PATH (scripts/setup.sh installs both). Without them it fails, never skips.
#
#   tests/fuzz/run.sh smoke [SECONDS]      every target for SECONDS (default 20) each, from its
#                                          seeds (which hold the regression inputs): the CI smoke
#   tests/fuzz/run.sh long TARGET [RUNS] [SECONDS]
#                                          one target for RUNS executions (default 10^7) or
#                                          SECONDS (default 3600), whichever comes first; its
#                                          corpus is kept between runs
#   tests/fuzz/run.sh list                 the targets
#
# Every run: -timeout=10 (a unit slower than 10 s is a finding), -rss_limit_mb=2048,
# -report_slow_units=1, the target's dictionary. Work files go under
# $CARGO_TARGET_DIR/fuzz-work (default target/fuzz-work): seeds/, corpus/, artifacts/, logs/.
# A crash, timeout or out-of-memory stops the run with a non-zero exit and leaves the input in
# artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export CARGO_TARGET_DIR=$TARGET_DIR
WORK=$TARGET_DIR/fuzz-work
source scripts/nightly.sh
if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  echo "run.sh: no $NIGHTLY toolchain (scripts/setup.sh installs it)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "run.sh: no cargo-fuzz on PATH (scripts/setup.sh installs it)" >&2
  exit 1
fi
HOST=$(rustc "+$NIGHTLY" -vV | sed -n 's/^host: //p')
TARGETS=(inf inf_doc subject ext_text pem_tlv response enroll dump dump_secret pkcs12 cmc devca_form)

dict_for() {
  case $1 in
    inf | inf_doc | subject | ext_text) echo tests/fuzz/dict/inf.dict ;;
    enroll | devca_form) echo tests/fuzz/dict/web.dict ;;
    *) echo tests/fuzz/dict/der.dict ;;
  esac
}

seeds() {
  rm -rf "$WORK/seeds"
  python3 tests/fuzz/seeds.py "$WORK/seeds"
}

build() {
  cargo "+$NIGHTLY" fuzz build --fuzz-dir tests/fuzz
}

# run TARGET LOG libFuzzer-options...: the corpus dir first (new inputs go there), then seeds.
# The binary `cargo fuzz run --fuzz-dir tests/fuzz TARGET` runs, called directly once built
# (so a cargo build in the same target dir does not hold a run up).
run() {
  local target=$1 log=$2
  shift 2
  mkdir -p "$WORK/corpus/$target" "$WORK/artifacts/$target" "$(dirname "$log")"
  "$TARGET_DIR/$HOST/release/$target" "$WORK/corpus/$target" "$WORK/seeds/$target" \
    -dict="$(dict_for "$target")" -timeout=10 -rss_limit_mb=2048 -report_slow_units=1 \
    -artifact_prefix="$WORK/artifacts/$target/" -print_final_stats=1 "$@" >"$log" 2>&1
}

case ${1:-} in
  list) printf '%s\n' "${TARGETS[@]}" ;;
  smoke)
    seconds=${2:-20}
    seeds
    build
    failed=()
    for t in "${TARGETS[@]}"; do
      log=$WORK/logs/smoke-$t.log
      if run "$t" "$log" -max_total_time="$seconds"; then
        printf 'fuzz %-12s ok   %s\n' "$t" "$(grep -E '^stat::number_of_executed_units' "$log" |
          awk '{print $2 " execs"}')"
      else
        printf 'fuzz %-12s FAILED (log: %s)\n' "$t" "$log"
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 || true
        failed+=("$t")
      fi
    done
    ((${#failed[@]} == 0)) || {
      echo "fuzz smoke failed: ${failed[*]}"
      exit 1
    }
    ;;
  long)
    target=${2:?usage: run.sh long TARGET [RUNS] [SECONDS]}
    [[ -d $WORK/seeds/$target ]] || seeds
    build
    log=$WORK/logs/long-$target.log
    echo "fuzz $target: log $log"
    run "$target" "$log" -runs="${3:-10000000}" -max_total_time="${4:-3600}"
    grep -E '^stat::|^Done|cov:' "$log" | tail -8
    ;;
  *)
    sed -n '2,18p' "$0"
    exit 2
    ;;
esac
