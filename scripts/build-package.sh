#!/usr/bin/env bash
# The embedding module as an npm package folder, for portals (`npm install ./folder`, or copied
# next to a static page) and Node.js 20+:
#   scripts/build-package.sh [dist/package]
# → certreq_web.js, certreq_web_bg.wasm, certreq_web.d.ts, the enrollment module
#   certreq_web_enroll.js, certreq_web_enroll_bg.wasm, certreq_web_enroll.d.ts, certreq-tools.wasm,
#   certreq-enroll.js, certreq-enroll.d.ts, diagnostic-codes.md (docs/, every diagnostic's code)
#   (scripts/build-embed.sh), certreq_web_node.js and README.md (web/package/), package.json
#   (version from the workspace).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist/package}"
scripts/build-embed.sh "$out"
# (diagnostic-codes.md is there already: build-embed.sh copies it)
cp web/package/certreq_web_node.js web/package/README.md "$out/"
version=$(cargo pkgid -p certreq-web | sed 's/.*[#@]//')
license=$(sed -n 's/^license = "\(.*\)"$/\1/p' Cargo.toml)
cat >"$out/package.json" <<JSON
{
  "name": "certreq-web",
  "version": "$version",
  "description": "certreq's INF reader and request maker (PKCS #10, CMC, self-signed) for web pages and Node.js, with Web Crypto keys",
  "license": "$license",
  "type": "module",
  "exports": {
    ".": {
      "types": "./certreq_web.d.ts",
      "node": "./certreq_web_node.js",
      "import": "./certreq_web.js"
    },
    "./enrollment": {
      "types": "./certreq_web_enroll.d.ts",
      "import": "./certreq_web_enroll.js"
    },
    "./element": {
      "types": "./certreq-enroll.d.ts",
      "import": "./certreq-enroll.js"
    },
    "./certreq_web_bg.wasm": "./certreq_web_bg.wasm",
    "./certreq_web_enroll_bg.wasm": "./certreq_web_enroll_bg.wasm",
    "./certreq-tools.wasm": "./certreq-tools.wasm",
    "./package.json": "./package.json"
  },
  "types": "./certreq_web.d.ts",
  "files": [
    "certreq_web.js",
    "certreq_web_bg.wasm",
    "certreq_web.d.ts",
    "certreq_web_enroll.js",
    "certreq_web_enroll_bg.wasm",
    "certreq_web_enroll.d.ts",
    "certreq-tools.wasm",
    "certreq-enroll.js",
    "certreq-enroll.d.ts",
    "certreq_web_node.js",
    "README.md",
    "diagnostic-codes.md"
  ],
  "engines": { "node": ">=20" }
}
JSON
ls -l "$out"
