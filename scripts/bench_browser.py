#!/usr/bin/env python3
"""The browser benchmark (web/bench/) in headless Chromium: certreq-web's embedding API against
pkijs and @peculiar/x509, the app's decoder and editor (scripts/bench_editor.py), plus the sizes
of the app and of the core. Not a test: prints one run.

usage: bench_browser.py [--embed DIR] [--app-dist DIR] [--core-wasm FILE] [--n 200] [--fresh 11]

The defaults are the settings README's figures come from (docs/performance.md says where one of
its sections used others): 200 interleaved rounds per library and key type, 11 fresh page loads
per library and key type.

Serves web/bench/ and the embed build (as /embed/) on 127.0.0.1 with no caching (every page load
fetches and compiles everything again) and cross-origin isolation (so performance.now() counts
in steps of 5 µs instead of 100 µs).
"""
import argparse
import functools
import http.server
import json
import pathlib
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import chromium, open_app  # noqa: E402  (the project's headless Chromium)
import bench_editor  # noqa: E402  (the editor under large INFs, scripts/bench_editor.py)

LIBS = ["core", "pkijs", "x509"]
# fresh pages also load the floor: what any library pays here before doing its own work
FRESH = LIBS + ["floor"]
ALGS = ["rsa", "p256"]


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any real server; 1.0 costs a connection per file
    disable_nagle_algorithm = True  # else keep-alive + delayed ACK stalls small responses 40 ms
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}
    embed_dir = None

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith("/embed/"):
            name = clean[len("/embed/"):]
            if "/" not in name and ".." not in name:
                return str(pathlib.Path(self.embed_dir) / name)
        return super().translate_path(path)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(embed_dir):
    handler = functools.partial(type("H", (Handler,), {"embed_dir": str(embed_dir)}),
                                directory=str(ROOT / "web" / "bench"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def results(driver, url, timeout):
    driver.get(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = driver.execute_script("return window.__results || null")
        if r is not None:
            if "error" in r:
                raise SystemExit(f"{url}: {r['error']}")
            return r
        time.sleep(0.2)
    raise SystemExit(f"{url}: no results after {timeout} s")


def gz(paths):
    """Bytes after `gzip -9` (GNU gzip, as the size target is stated; Python's zlib differs)."""
    return sum(len(subprocess.run(["gzip", "-9nc", str(p)], check=True,
                                  capture_output=True).stdout) for p in paths)


def kib(n):
    return f"{n / 1024:.1f} KiB"


# Paste a certificate into the app's decoder and wait for the decoded tree: the first time in a
# page it includes fetching and instantiating certreq-tools.wasm.
DECODE = """
const done = arguments[arguments.length - 1];
const box = document.querySelector('[data-testid="decode-input"]');
const t0 = performance.now();
box.value = arguments[0];
box.dispatchEvent(new Event("input", { bubbles: true }));
const poll = () => {
  const out = document.querySelector('[data-testid="decode-output"]');
  if (out && out.dataset.kind === "certificate") done(performance.now() - t0);
  else setTimeout(poll, 1);
};
poll();
"""


def decode_latency(app_dist, loads):
    """The app's decoder: first use in a fresh page (loads the tools module) and a later use,
    each from pasting the text to the decoded tree on screen (ms)."""
    cert = (ROOT / "tests" / "data" / "pfx-leaf.crt").read_text()
    first, later = [], []
    for _ in range(loads):
        with open_app(script_timeout=60, dist=app_dist) as driver:
            first.append(driver.execute_async_script(DECODE, cert))
            driver.execute_script(
                "const b = document.querySelector('[data-testid=\"decode-input\"]');"
                "b.value = ''; b.dispatchEvent(new Event('input', { bubbles: true }));")
            later.append(driver.execute_async_script(DECODE, cert + "\n"))
    return {"firstMs": first, "laterMs": later}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embed", default=ROOT / "dist" / "embed", type=pathlib.Path)
    ap.add_argument("--app-dist", default=ROOT / "dist", type=pathlib.Path)
    ap.add_argument("--core-wasm", type=pathlib.Path,
                    help="the minimal core-only wasm (web/bench/core-size), after wasm-opt -Oz")
    ap.add_argument("--n", default=200, type=int)
    ap.add_argument("--fresh", default=11, type=int, help="fresh page loads per library and key")
    ap.add_argument("--json", type=pathlib.Path, help="also write everything here")
    args = ap.parse_args()

    report = {}
    server, url = serve(args.embed)
    driver = chromium()
    try:
        report["full"] = results(driver, f"{url}?mode=full&n={args.n}", 900)
        fresh = {}
        for rep in range(args.fresh):
            for alg in ALGS:
                # the same browser, but nothing is cached (no-store); the order rotates so no
                # library always comes first after a switch of key type
                for lib in FRESH[rep % 4:] + FRESH[:rep % 4]:
                    r = results(driver, f"{url}?mode=first&lib={lib}&alg={alg}", 120)
                    if not r["verifies"]:
                        raise SystemExit(f"{lib}/{alg}: the first request does not verify")
                    fresh.setdefault(alg, {}).setdefault(lib, []).append(r)
            report["fresh"] = fresh
    finally:
        driver.quit()
        server.shutdown()
    if (args.app_dist / "index.html").exists():
        report["decode"] = decode_latency(args.app_dist, args.fresh)
        # the editor: a paste and keystrokes on INFs of 2,000 and 20,000 sections and of 1 MiB
        report["editor"] = bench_editor.run(args.app_dist, [2000, 20000], [1], 10, 120)

    # sizes
    sizes = {}
    # what the page loads to start; the decoder/PFX module comes later, on first use
    lazy = args.app_dist / "certreq-tools.wasm"
    app = [p for p in args.app_dist.glob("*") if p.suffix in (".wasm", ".js") and p != lazy]
    if app:
        sizes["app_wasm_js_gzip9"] = gz(app)
        sizes["app_files"] = sorted(p.name for p in app)
    if lazy.exists():
        sizes["app_lazy_tools_wasm_gzip9"] = gz([lazy])
    # the embedding module a page loads first, and the enrollment module it may load later
    # (as tests/e2e/test_build.py measures them)
    sizes["embed_wasm_js_gzip9"] = gz([args.embed / "certreq_web_bg.wasm",
                                       args.embed / "certreq_web.js"])
    enroll = [args.embed / "certreq_web_enroll_bg.wasm", args.embed / "certreq_web_enroll.js"]
    if all(p.exists() for p in enroll):
        sizes["enroll_wasm_js_gzip9"] = gz(enroll)
    if args.core_wasm and args.core_wasm.exists():
        sizes["core_wasm_gzip9"] = gz([args.core_wasm])
    for lib in ("pkijs", "x509"):
        sizes[f"{lib}_bundle_gzip9"] = gz([ROOT / "web" / "bench" / "dist" / f"{lib}.js"])
    report["sizes"] = sizes

    full = report["full"]
    print(f"\nbrowser: {full['userAgent']}")
    print(f"cross-origin isolated (fine timer): {full['crossOriginIsolated']}; "
          f"n = {full['n']} interleaved rounds after {full['warmup']} warm-up\n")
    for alg in ALGS:
        a = full["algorithms"][alg]
        med = a["medianMs"]
        print(f"{'RSA-2048' if alg == 'rsa' else 'P-256'}, SHA-256 — median ms per request "
              f"(p90), ratio vs pkijs, vs @peculiar/x509")
        for lib, label in [("core", "certreq-web core (embed API)"), ("pkijs", "pkijs"),
                           ("x509", "@peculiar/x509"), ("webcrypto", "Web Crypto sign alone")]:
            print(f"  {label:32} {med[lib]:7.3f} ({a['p90Ms'][lib]:.3f})"
                  f"   {med[lib] / med['pkijs']:5.2f}×   {med[lib] / med['x509']:5.2f}×")
        st = a["coreStagesMedianMs"]
        print("  core stages (median ms): " + ", ".join(f"{k} {v:.3f}" for k, v in st.items()))
        print(f"  compile() alone: {a['compileApiMedianMs']:.3f} ms; outputs: "
              + ", ".join(f"{k} {v['bytes']} B{' ok' if v['verifies'] else ' DOES NOT VERIFY'}"
                          for k, v in a["outputs"].items()))
        print()
    print(f"first request in a freshly loaded page, median of {args.fresh} loads (ms):\n"
          "  page  = navigation start → request finished, key generation taken out\n"
          "  lib   = library import starts → request finished (load + first request)\n"
          "  load  = fetch + compile + instantiate the library; first = the first request\n"
          "  floor = a one-line JS module and an empty wasm module fetched at once, then the\n"
          "          SPKI export and the signature: what any library pays here before its own work")
    print(f"  {'key':5} {'library':8} {'page':>8} {'lib':>8} {'load':>8} {'first':>8}"
          f"   lib vs pkijs, vs x509")
    for alg in ALGS:
        med = {}
        for lib in FRESH:
            runs = report["fresh"][alg][lib]
            med[lib] = {k: statistics.median(r[k] for r in runs)
                        for k in ("fromPageStartMs", "loadMs", "requestMs")}
            med[lib]["lib"] = statistics.median(r["loadMs"] + r["requestMs"] for r in runs)
        for lib in FRESH:
            m = med[lib]
            print(f"  {alg:5} {lib:8} {m['fromPageStartMs']:8.2f} {m['lib']:8.2f} "
                  f"{m['loadMs']:8.2f} {m['requestMs']:8.2f}"
                  f"   {m['lib'] / med['pkijs']['lib']:5.2f}×  {m['lib'] / med['x509']['lib']:5.2f}×")
        print(f"  {alg:5} core above the floor: {med['core']['lib'] - med['floor']['lib']:.2f} ms "
              f"(core / floor {med['core']['lib'] / med['floor']['lib']:.2f}×)")
        marks = [r["marks"] for r in report["fresh"][alg]["core"] if r.get("marks")]
        if marks:
            print(f"  {alg:5} core load, ms after the import starts (median): "
                  + ", ".join(f"{k} {statistics.median(m[k] for m in marks):.2f}"
                              for k in ("imported", "compiled", "initialised")))
        stages = [r["stages"] for r in report["fresh"][alg]["core"] if r.get("stages")]
        if stages:
            print(f"  {alg:5} core's first request by its stages (median ms): "
                  + ", ".join(f"{k} {statistics.median(s[k] for s in stages):.2f}"
                              for k in stages[0]))
    if "decode" in report:
        d = report["decode"]
        print(f"\nthe app's decoder, median of {len(d['firstMs'])} page loads (ms, paste → tree):\n"
              f"  first use (fetches and starts certreq-tools.wasm) "
              f"{statistics.median(d['firstMs']):7.1f}\n"
              f"  a later use                                        "
              f"{statistics.median(d['laterMs']):7.1f}")
    if "editor" in report:
        print()
        bench_editor.show(report["editor"], 120)
    print("\nsizes (gzip -9):")
    for k, v in sizes.items():
        print(f"  {k:24} {kib(v) if isinstance(v, int) else v}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
