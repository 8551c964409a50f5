# Sourced by scripts/build-app.sh and scripts/build-embed.sh, after scripts/setup.sh has run:
# every browser module (the app, certreq-tools.wasm, the two embedding modules) is built by the
# nightly toolchain setup.sh installs (scripts/nightly.sh pins which), with the standard library
# rebuilt for wasm32 (-Zbuild-std) and panics aborting at once (-Cpanic=immediate-abort). The standard library's
# panic messages, their formatting and what they reach were 23.6 KiB gzipped of the app's first
# download, 18.2 KiB of the tools module and 10.8 KiB of the embedding module; on
# wasm32-unknown-unknown nobody could read them (stderr goes nowhere and no module sets a panic
# hook), so a panic traps as it always did, without writing a message first
# (docs/performance.md, "The embedding module"). In target/nightly, so the stable builds'
# artifacts (clippy, the wasm tests, the CLI) are left alone.
# shellcheck shell=bash
source scripts/nightly.sh
export RUSTUP_TOOLCHAIN=$NIGHTLY
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
CARGO_TARGET_DIR="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
[[ "$CARGO_TARGET_DIR" == */nightly ]] || CARGO_TARGET_DIR="$CARGO_TARGET_DIR/nightly"
export CARGO_TARGET_DIR
