"""The app's Content-Security-Policy is strict and it is enforced: no 'unsafe-inline' anywhere,
the app starts under it (its own inline loader is allowed by its hash), a script slipped into
the page does not run, and devca's --dist serving sends the same policy as a header.

Every other browser test also fails on any CSP violation a page reports (browser.Chromium).
"""
import html
import re
import shutil
import time
import urllib.request

import pytest

from browser import DIST, by_testid, chromium, serve, wait_for
from devca_server import DevcaServer

CANARY = "<script>window.__canary = 'ran';</script>"


def declared_policy(page: str) -> str:
    m = re.search(r"""<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]*)\"""",
                  page, flags=re.I)
    assert m, "the page declares no Content-Security-Policy"
    return html.unescape(m.group(1))


def directive(policy: str, name: str) -> list:
    for d in policy.split(";"):
        words = d.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy!r}")


def with_canary(page: str) -> str:
    assert "</head>" in page
    return page.replace("</head>", CANARY + "</head>", 1)


def assert_canary_blocked(driver):
    """The app started (its own scripts ran), the injected one did not, and the browser said
    so with a securitypolicyviolation event."""
    by_testid(driver, "inf-editor")
    assert driver.execute_script("return window.__canary === undefined"), \
        "an inline script injected into the page ran"
    reported = wait_for(driver.take_csp_violations, timeout=10, what="the violation report")
    assert [(r["directive"], r["blocked"]) for r in reported] == [("script-src-elem", "inline")], \
        reported


@pytest.mark.parametrize("page", ["index.html", "certreq-web.html"])
def test_the_policies_allow_no_inline_code_but_their_own(page):
    text = (DIST / page).read_text()
    policy = declared_policy(text)
    assert "'unsafe-inline'" not in policy.split() and "'unsafe-eval'" not in policy.split(), policy
    assert "unsafe-inline" not in policy, policy
    scripts = directive(policy, "script-src")
    assert "'wasm-unsafe-eval'" in scripts, policy
    # one hash per inline script the page has, nothing more
    inline = re.findall(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/octet-stream)[^>]*>", text)
    assert len([s for s in scripts if s.startswith("'sha256-")]) == len(inline) >= 1, policy
    assert "style-src" in policy and "unsafe-inline" not in " ".join(directive(policy, "style-src"))
    assert not re.search(r"\sstyle\s*=", text), "the page has a style attribute"
    # workers: only the editor's reading worker, a blob: URL the app makes (no file, no origin)
    assert directive(policy, "worker-src") == ["blob:"], policy


def test_an_injected_inline_script_is_blocked_in_the_served_app(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(DIST, site, ignore=shutil.ignore_patterns("embed"))
    index = site / "index.html"
    index.write_text(with_canary(index.read_text()))
    with serve(site) as url:
        driver = chromium()
        try:
            driver.get(url + "/")
            assert_canary_blocked(driver)
        finally:
            driver.quit()


def test_an_injected_inline_script_is_blocked_in_the_single_file(tmp_path):
    single = tmp_path / "certreq-web.html"
    single.write_text(with_canary((DIST / "certreq-web.html").read_text()))
    driver = chromium()
    try:
        driver.get(single.resolve().as_uri())
        assert_canary_blocked(driver)
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def devca_dist(tmp_path_factory):
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
    server = DevcaServer(tmp_path_factory.mktemp("devca-csp"), dist=DIST)
    yield server
    server.stop()


def test_devca_sends_the_apps_policy_as_a_header(devca_dist):
    want = declared_policy((DIST / "index.html").read_text())
    for path in ("/", "/index.html"):
        with urllib.request.urlopen(devca_dist.origin + path, timeout=30) as r:
            assert r.headers.get("Content-Security-Policy") == want, (path, r.headers.items())
    # and the app runs under the header (the enrollment tests drive it through devca)
    driver = chromium()
    try:
        driver.get(devca_dist.origin + "/")
        by_testid(driver, "inf-editor")
    finally:
        driver.quit()


def canary_before_the_policy(site):
    """index.html with the canary ahead of the page's meta policy, which covers only what
    follows it: there, only a policy sent as a header blocks the canary."""
    index = site / "index.html"
    text = index.read_text()
    at = re.search(r"<meta\s+http-equiv=", text, flags=re.I).start()
    index.write_text(text[:at] + CANARY + text[at:])


def test_devcas_header_blocks_a_script_the_meta_policy_does_not_cover(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(DIST, site, ignore=shutil.ignore_patterns("embed"))
    canary_before_the_policy(site)
    server = DevcaServer(tmp_path / "devca", dist=site)
    try:
        driver = chromium()
        try:
            driver.get(server.origin + "/")
            assert_canary_blocked(driver)
        finally:
            driver.quit()
    finally:
        server.stop()


WORKER_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; worker-src blob:">
<title>worker</title><script src="worker.js"></script></head><body></body></html>
"""
# a blob: worker that connects where its page's policy (which it inherits) forbids
WORKER_JS = """window.startWorker = () => new Worker(URL.createObjectURL(new Blob(
  ["fetch('https://ca.example.invalid/certsrv').catch(() => postMessage('refused'))"],
  { type: "text/javascript" })));
"""


def test_a_violation_in_a_worker_is_reported(tmp_path):
    # the page's securitypolicyviolation listener does not hear its workers; a violation there
    # fails a test all the same (the editor reads long INFs in a blob: worker)
    (tmp_path / "index.html").write_text(WORKER_PAGE)
    (tmp_path / "worker.js").write_text(WORKER_JS)
    with serve(tmp_path) as url:
        driver = chromium()
        try:
            driver.get(url + "/index.html")
            assert driver.csp_violations() == []
            driver.execute_script("window.startWorker()")
            found = wait_for(driver.take_csp_violations, timeout=10, what="the worker's report")
            # Chromium may log the worker's refusal more than once, a later line a moment after
            # the first: those are taken too, not left to fail the quit below
            for _ in range(8):
                time.sleep(0.25)
                found += driver.take_csp_violations()
            assert all("worker" in v and "Content Security Policy" in v["worker"] for v in found), found
        finally:
            driver.quit()
