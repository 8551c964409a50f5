#!/usr/bin/env bash
# Installs everything certreq-web needs to build, run and test, idempotently:
# each tool is checked by version first and installed only when missing or wrong.
#
#   scripts/setup.sh     installs what is missing; prints the PATH entries to prepend
#
# Rust tools go to $CERTREQ_TOOLS (default ~/.cache/certreq-web/tools) so that
# several clones on one machine share them; nothing is installed into the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
# stdout is the PATH line callers capture: everything the installers print goes to stderr
exec 3>&1 1>&2

TOOLS=${CERTREQ_TOOLS:-$HOME/.cache/certreq-web/tools}
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in web/Cargo.toml
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than 1.95
CARGO_FUZZ_VERSION=0.13.2      # tests/fuzz; runs on the nightly toolchain
BINARYEN_VERSION=132           # Debian's wasm-opt 108 cannot parse wasm-bindgen 0.2.130 output
TYPESCRIPT_VERSION=5.9.3       # tsc checks the embedding package's declarations (examples/portal-ts)
ESBUILD_VERSION=0.28.2         # minifies the app's glue (scripts/trunk_post_build.sh) and the embedding modules' (scripts/build-embed.sh); as web/bench
AXE_VERSION=4.14.1             # axe-core, the accessibility checker the e2e suite injects
GECKODRIVER_VERSION=0.37.1     # Firefox's WebDriver (tests/e2e/test_engines.py); Debian ships none
export PATH="$TOOLS/bin:$TOOLS/npm/node_modules/.bin:$PATH"

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
need_apt=()
command -v chromium >/dev/null     || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
# the other browser engines of tests/e2e/test_engines.py: Firefox ESR, and WebKitGTK's
# MiniBrowser with WebKitWebDriver (package webkit2gtk-driver), which needs an X server (Xvfb)
command -v firefox-esr >/dev/null  || need_apt+=(firefox-esr)
{ command -v WebKitWebDriver && ls /usr/lib/*/webkit2gtk-*/MiniBrowser; } >/dev/null 2>&1 \
  || need_apt+=(webkit2gtk-driver)
command -v Xvfb >/dev/null         || need_apt+=(xvfb)
command -v openssl >/dev/null      || need_apt+=(openssl)
command -v cfssl >/dev/null        || need_apt+=(golang-cfssl)
command -v npm >/dev/null          || need_apt+=(nodejs npm)
# a venv with pip (Debian's own python3 leaves ensurepip to python3-venv)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
command -v gzip >/dev/null         || need_apt+=(gzip)
# MIT Kerberos (a KDC for the Negotiate tests, the GSSAPI headers and libclang for libgssapi)
command -v krb5kdc >/dev/null      || need_apt+=(krb5-kdc)
command -v kadmin.local >/dev/null || need_apt+=(krb5-admin-server)
command -v kinit >/dev/null        || need_apt+=(krb5-user)
[[ -f /usr/include/gssapi/gssapi.h ]] || need_apt+=(libkrb5-dev)
# libclang itself, which bindgen loads (a new machine can have libclang-cpp without it)
ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || need_apt+=(libclang-dev)
command -v pkg-config >/dev/null   || need_apt+=(pkg-config)
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# the package tests run the embedding module in Node.js 20+ (tests/e2e/test_package.py fails
# on an older one); said here too, because Debian 12's own nodejs is 18
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
  log "warning: Node.js $(node --version 2>/dev/null || echo '(none)') found; the package tests need 20 or newer"
fi

# --- Rust targets and tools ------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  # No --locked: the crate's lockfile pins a webpki-roots the registry no longer
  # serves. No default features: the TLS stack is only for remote webdrivers.
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install -q wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --no-default-features --root "$TOOLS"
fi
if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
  log "cargo install trunk $TRUNK_VERSION (about 6 minutes)"
  cargo install -q trunk --version "$TRUNK_VERSION" --locked --root "$TOOLS"
fi
if [[ "$(geckodriver --version 2>/dev/null | head -n1)" != "geckodriver $GECKODRIVER_VERSION"* ]]; then
  log "cargo install geckodriver $GECKODRIVER_VERSION (about 5 minutes)"
  cargo install -q geckodriver --version "=$GECKODRIVER_VERSION" --locked --root "$TOOLS"
fi
# the fuzz targets (tests/fuzz, run by tests/fuzz/run.sh): a nightly toolchain and cargo-fuzz;
# every browser module is built by the same nightly, with the standard library rebuilt for
# wasm32 (rust-src; scripts/nightly_wasm.sh)
# (scripts/nightly.sh pins which nightly)
source scripts/nightly.sh
if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  log "rustup toolchain install $NIGHTLY (minimal profile)"
  rustup toolchain install "$NIGHTLY" --profile minimal
fi
if ! rustup component list --toolchain "$NIGHTLY" --installed | grep -q '^rust-src'; then
  log "rustup component add rust-src --toolchain $NIGHTLY"
  rustup component add rust-src --toolchain "$NIGHTLY"
fi
if ! rustup target list --toolchain "$NIGHTLY" --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown --toolchain $NIGHTLY"
  rustup target add wasm32-unknown-unknown --toolchain "$NIGHTLY"
fi
# -Zbuild-std builds the standard library's own dependencies (its Cargo.lock in rust-src), and
# Trunk runs cargo offline (Trunk.toml): a machine whose cargo cache never held them could not
# build the app. Fetched here; nothing is downloaded once they are cached.
STD_MANIFEST="$(rustc "+$NIGHTLY" --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
cargo "+$NIGHTLY" fetch -q --manifest-path "$STD_MANIFEST"
# and the workspace's own crates for every target (Trunk's offline build of the app needs the
# wasm32-only ones, which no native build fetches): nothing is downloaded once they are cached
cargo fetch -q --locked
if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  log "cargo install cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes)"
  cargo install -q cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --root "$TOOLS"
fi
if [[ "$(wasm-opt --version 2>/dev/null)" != *"version_$BINARYEN_VERSION"* ]]; then
  log "npm install binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS/npm"
  [[ -f "$TOOLS/npm/package.json" ]] || echo '{"private":true}' >"$TOOLS/npm/package.json"
  npm install --prefix "$TOOLS/npm" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION.0.0"
fi
if [[ "$(tsc --version 2>/dev/null)" != "Version $TYPESCRIPT_VERSION" ]]; then
  log "npm install typescript@$TYPESCRIPT_VERSION"
  mkdir -p "$TOOLS/npm"
  [[ -f "$TOOLS/npm/package.json" ]] || echo '{"private":true}' >"$TOOLS/npm/package.json"
  npm install --prefix "$TOOLS/npm" --no-audit --no-fund --silent "typescript@$TYPESCRIPT_VERSION"
fi
if [[ "$(esbuild --version 2>/dev/null)" != "$ESBUILD_VERSION" ]]; then
  log "npm install esbuild@$ESBUILD_VERSION"
  mkdir -p "$TOOLS/npm"
  [[ -f "$TOOLS/npm/package.json" ]] || echo '{"private":true}' >"$TOOLS/npm/package.json"
  npm install --prefix "$TOOLS/npm" --no-audit --no-fund --silent --save-exact "esbuild@$ESBUILD_VERSION"
fi
# tests/e2e/test_accessibility.py reads $TOOLS/npm/node_modules/axe-core/axe.min.js
if [[ "$(node -p "require('$TOOLS/npm/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_VERSION" ]]; then
  log "npm install axe-core@$AXE_VERSION"
  mkdir -p "$TOOLS/npm"
  [[ -f "$TOOLS/npm/package.json" ]] || echo '{"private":true}' >"$TOOLS/npm/package.json"
  npm install --prefix "$TOOLS/npm" --no-audit --no-fund --silent --save-exact "axe-core@$AXE_VERSION"
fi

# --- Python checkers and browser driver (a venv, keyed by tests/requirements.txt) --------
VENV=${CERTREQ_VENV:-$HOME/.cache/certreq-web/venv}
want=$(sha256sum tests/requirements.txt | cut -c1-16)
if [[ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$want" ]]; then
  log "python venv $VENV (tests/requirements.txt)"
  # a venv left without pip (its making failed half-way) is made again, when it is ours: the
  # default place, or one this script made before (its marker); another is not touched
  if [[ ! -x "$VENV/bin/pip" ]]; then
    if [[ -e "$VENV" && "$VENV" != "$HOME/.cache/certreq-web/venv" && ! -f "$VENV/.requirements" ]]; then
      echo "setup.sh: $VENV (CERTREQ_VENV) has no pip; give a venv with pip, or another path" >&2
      exit 1
    fi
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
  echo "$want" >"$VENV/.requirements"
fi

echo "$VENV/bin:$TOOLS/bin:$TOOLS/npm/node_modules/.bin" >&3
