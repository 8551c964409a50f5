#!/usr/bin/env python3
"""The served app's Content-Security-Policy without 'unsafe-inline': Trunk writes the loader of
the wasm app into index.html as an inline <script type="module">, so its SHA-256 goes into the
policy's script-src, computed here after every build.

www/index.html declares the policy (its <meta http-equiv="Content-Security-Policy">) with no
'unsafe-inline' anywhere; this adds one 'sha256-...' source to script-src for each inline script
of the built page, and refuses a page whose policy or markup would need 'unsafe-inline'
(an inline <style> or a style="" attribute, an inline event handler).

Usage:
    csp.py PAGE.html        rewrites the policy of PAGE.html in place
    csp.py                  as a Trunk post_build hook: $TRUNK_STAGING_DIR/index.html

make_single_html.py uses source_hash() for the single-file page's own policy.
"""

import base64
import hashlib
import html
import os
import re
import sys

META = re.compile(
    r"""(<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=")([^"]*)(")""",
    flags=re.I)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", flags=re.S | re.I)


def fail(message: str) -> None:
    print(f"csp: error: {message}", file=sys.stderr)
    sys.exit(1)


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style element body."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def executable(tag_open: str) -> bool:
    """A <script> whose body runs (JS or a module), as opposed to a data block."""
    m = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", tag_open, flags=re.I)
    return m is None or m.group(1).lower() in ("module", "text/javascript", "application/javascript")


def with_hashes(page: str) -> str:
    metas = META.findall(page)
    if len(metas) != 1:
        fail(f"expected one <meta http-equiv=\"Content-Security-Policy\" content=\"...\">, "
             f"found {len(metas)}")
    policy = html.unescape(metas[0][1])
    if "unsafe-inline" in policy:
        fail(f"the policy allows 'unsafe-inline': {policy}")
    if re.search(r"<style\b", page, flags=re.I) or re.search(r"\sstyle\s*=", page, flags=re.I):
        fail("the page has inline styles; the policy allows none")
    if re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, flags=re.I):
        fail("the page has an inline event handler attribute; the policy allows none")
    hashes = []
    for m in INLINE_SCRIPT.finditer(page):
        if executable(m.group(0)[: m.group(0).index(">") + 1]):
            hashes.append(source_hash(m.group(1)))
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for i, d in enumerate(directives):
        if d.split()[0] == "script-src":
            kept = [s for s in d.split()[1:] if not s.startswith("'sha256-")]
            directives[i] = " ".join(["script-src", *kept, *hashes])
            break
    else:
        fail("the policy has no script-src")
    new_policy = "; ".join(directives)
    return META.sub(lambda m: m.group(1) + html.escape(new_policy, quote=True).replace("&#x27;", "'")
                    + m.group(3), page, count=1)


def rewrite(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        page = f.read()
    new = with_hashes(page)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, path)
    print(f"csp: {path}: {META.search(new).group(2)}")


def main() -> None:
    if len(sys.argv) == 2:
        rewrite(sys.argv[1])
    elif len(sys.argv) == 1:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            fail("no argument and no TRUNK_STAGING_DIR: run as a Trunk hook or pass PAGE.html")
        rewrite(os.path.join(staging, "index.html"))
    else:
        fail("usage: csp.py [PAGE.html]")


if __name__ == "__main__":
    main()
