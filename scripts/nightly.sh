# Sourced by scripts/setup.sh, scripts/nightly_wasm.sh and tests/fuzz/run.sh: which nightly
# toolchain builds the browser modules and the fuzz targets. One nightly, pinned by date, so a
# machine set up later builds the same modules (the size budgets in tests/e2e/test_build.py are
# measured with it) and the unstable flags nightly_wasm.sh passes keep meaning what they mean.
# A toolchain installed as plain `nightly` that is this very build is used as it is (no second
# download); otherwise setup.sh installs nightly-$NIGHTLY_DATE beside it.
# shellcheck shell=bash
NIGHTLY_DATE=2026-05-20   # rustc 1.97.0-nightly (e50aa6fba 2026-05-19)
NIGHTLY_COMMIT=e50aa6fba
if rustup run nightly rustc --version 2>/dev/null | grep -q "($NIGHTLY_COMMIT "; then
  NIGHTLY=nightly
else
  NIGHTLY=nightly-$NIGHTLY_DATE
fi
