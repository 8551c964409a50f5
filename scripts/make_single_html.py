#!/usr/bin/env python3
"""Build ONE self-contained HTML file from a Trunk build: glue JS, wasm (base64) and CSS inline,
and the lazily loaded decoder/PFX module (certreq-tools.wasm) as base64 the app reads on first use.

The result needs no server: opened from file:// (a USB stick, an e-mail attachment) it runs,
because an inline <script type="module"> is not fetched and the wasm bytes are passed to
wasm-bindgen's init directly. It loads nothing from the network; its Content-Security-Policy
allows connections only to https endpoints, i.e. a CA the user configures (connect-src https:),
and runs only its own inline script and style, by their SHA-256 (no 'unsafe-inline').

Usage:
    make_single_html.py DIR OUT.html      DIR holds Trunk's output (index.html, *.js, *_bg.wasm, *.css,
                                          certreq-tools.wasm) with the glue as wasm-bindgen writes
                                          it: a debug dist/, or a staging folder before the hook
                                          minifies the glue (a release dist/'s is minified)
    make_single_html.py                   as a Trunk post_build hook: $TRUNK_STAGING_DIR →
                                          $TRUNK_STAGING_DIR/certreq-web.html (release builds only)

Exits non-zero with a message when the build is not what it expects, rather than writing a page
that silently fails to start.
"""

import base64
import html
import os
import re
import sys
import textwrap

from csp import source_hash

OUT_NAME = "certreq-web.html"
# the decoder/PFX module and the element the app looks for it in (web/src/services/tools.rs)
TOOLS = "certreq-tools.wasm"
TOOLS_ID = "certreq-tools-wasm"


def fail(message: str) -> None:
    print(f"make_single_html: error: {message}", file=sys.stderr)
    sys.exit(1)


def only(paths: list, what: str, where: str) -> str:
    if len(paths) != 1:
        fail(f"expected exactly one {what} in {where}, found {len(paths)}: {sorted(paths)}")
    return paths[0]


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def module_body(glue: str) -> str:
    """wasm-bindgen `--target web` glue as a plain module body: exports dropped, nothing imported."""
    body = re.sub(r"^\s*export\s+default\s+[\w$]+\s*;\s*$", "", glue, flags=re.M)
    body = re.sub(r"^\s*export\s*\{[^}]*\}\s*;?\s*$", "", body, flags=re.M)
    body = re.sub(r"^export\s+(?=(async\s+)?function|class|const|let|var)", "", body, flags=re.M)
    if re.search(r"^\s*(import|export)\b", body, flags=re.M):
        fail("the glue JS still has import/export statements (wasm-bindgen snippets?); "
             "cannot inline it")
    if "__wbg_init" not in body:
        fail("the glue JS has no __wbg_init; is it wasm-bindgen --target web output?")
    # the glue sits inside <script>: never let it close the element early
    return body.replace("</script", "<\\/script")


def build(src: str, out: str) -> None:
    if not os.path.isdir(src):
        fail(f"{src} is not a directory")
    names = os.listdir(src)
    if os.path.isdir(os.path.join(src, "snippets")) and any(
        files for _, _, files in os.walk(os.path.join(src, "snippets"))
    ):
        fail("the build has wasm-bindgen snippets (JS imported by the glue); inline them first")
    wasm = only([n for n in names if n.endswith("_bg.wasm")], "*_bg.wasm", src)
    js = wasm[: -len("_bg.wasm")] + ".js"
    if js not in names:
        fail(f"no glue {js} next to {wasm} in {src}")
    css_files = sorted(n for n in names if n.endswith(".css"))
    if TOOLS not in names:
        fail(f"no {TOOLS} in {src} (scripts/build_tools_module.sh makes it, as the hook before this)")

    title = "certreq-web"
    index = os.path.join(src, "index.html")
    if os.path.exists(index):
        m = re.search(r"<title>(.*?)</title>", read_text(index), flags=re.S)
        if m:
            title = html.unescape(m.group(1).strip())

    glue = module_body(read_text(os.path.join(src, js)))
    with open(os.path.join(src, wasm), "rb") as f:
        wasm_bytes = f.read()
    if wasm_bytes[:4] != b"\0asm":
        fail(f"{wasm} is not a WebAssembly module")
    b64 = base64.b64encode(wasm_bytes).decode("ascii")
    with open(os.path.join(src, TOOLS), "rb") as f:
        tools_bytes = f.read()
    if tools_bytes[:4] != b"\0asm":
        fail(f"{TOOLS} is not a WebAssembly module")
    tools_b64 = "\n".join(textwrap.wrap(base64.b64encode(tools_bytes).decode("ascii"), 76))
    css = "\n".join(read_text(os.path.join(src, c)) for c in css_files).replace("</style", "<\\/style")

    style = f"\n{css}\n"
    script = f"""
{glue}
const __certreq_wasm = Uint8Array.from(atob("{b64}"), (c) => c.charCodeAt(0));
await __wbg_init({{ module_or_path: __certreq_wasm }});
"""
    # no 'unsafe-inline': the one inline script and the one <style> are allowed by their hashes
    csp = (f"default-src 'none'; script-src {source_hash(script)} 'wasm-unsafe-eval'; "
           f"style-src {source_hash(style)}; img-src data:; connect-src https:; worker-src blob:; form-action 'none'")
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<style>{style}</style>
<!-- the decoder/PFX module, read on first use (in <head>: the app replaces <body>) -->
<script type="application/octet-stream" id="{TOOLS_ID}">
{tools_b64}
</script>
</head>
<body>
<noscript>certreq-web needs JavaScript and WebAssembly to run.</noscript>
<script type="module">{script}</script>
</body>
</html>
"""
    # nothing may point outside the file
    outside = re.findall(r"""(?:src|href)\s*=\s*["'](?!data:|#)[^"']+""", page)
    if outside:
        fail(f"the page still refers to other files: {outside[:5]}")
    tmp = out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, out)
    print(f"make_single_html: wrote {out} ({len(page.encode())} bytes; wasm {len(wasm_bytes)}, "
          f"{TOOLS} {len(tools_bytes)}, css files {len(css_files)})")


def main() -> None:
    if len(sys.argv) == 3:
        build(sys.argv[1], sys.argv[2])
    elif len(sys.argv) == 1:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            fail("no arguments and no TRUNK_STAGING_DIR: run as a Trunk hook or pass DIR OUT.html")
        if os.environ.get("TRUNK_PROFILE") != "release":
            print("make_single_html: debug build, skipping the single-file page")
            return
        build(staging, os.path.join(staging, OUT_NAME))
    else:
        fail(__doc__.strip().splitlines()[0] + " (usage: make_single_html.py [DIR OUT.html])")


if __name__ == "__main__":
    main()
