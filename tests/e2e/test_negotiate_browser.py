"""Kerberos sign-in in headless Chromium through the app: the release build in dist/ served by
`devca serve --dist dist --auth negotiate --keytab FILE` (one origin, http://localhost, a
secure context), Chromium started with alice's ticket cache (KRB5CCNAME) and its Negotiate
allow-list flag (`--auth-server-allowlist=localhost`); the app submits to /certsrv and the
browser answers the CA's `401 WWW-Authenticate: Negotiate` with a ticket on its own.

A real MIT KDC in a temporary realm (tests/krb5_realm.py); without its programs the test is
skipped, except under CI=true, where it fails. devca: $DEVCA_BIN.

Known gap (strict xfail, so it is noticed when it starts passing): Debian's Chromium 156 logs
"Unable to create AuthHandler. Status: net::ERR_UNSUPPORTED_AUTH_SCHEME Challenge: Negotiate"
for this CA with --auth-server-allowlist=localhost, over http and https, and never calls GSSAPI
(KRB5_TRACE stays empty); the app then shows what the user and the administrator can do,
which the second test checks with a browser that may not sign in there. certreq and devca
speak Negotiate to each other (tests/interop/test_negotiate.py).
"""
import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from selenium.webdriver.common.by import By

from browser import DIST, by_testid, chromium, scratch_dir
from devca_server import DevcaServer
from krb5_realm import KRB5_TOOLS, Realm, needs
from test_enroll import click, disposition, generate


@pytest.fixture(scope="module")
def realm(tmp_path_factory):
    needs(*KRB5_TOOLS)
    r = Realm(tmp_path_factory.mktemp("krb5-browser"))
    yield r
    r.stop()


@pytest.fixture(scope="module")
def ca(tmp_path_factory, realm):
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `trunk build --release` first")
    server = DevcaServer(tmp_path_factory.mktemp("devca-krb-browser"), dist=DIST,
                         extra=["--auth", "negotiate", "--keytab", realm.keytab],
                         env={"KRB5_CONFIG": str(realm.conf)})
    yield server
    server.stop()


def kerberized_chromium(realm, ccache):
    """Headless Chromium (as tests/e2e/browser.py starts it) that may answer Negotiate for
    localhost with the ticket in `ccache`."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                "--auth-server-allowlist=localhost", "--disable-auth-negotiate-cname-lookup",
                f"--user-data-dir={scratch_dir('krb-')}"]:
        opts.add_argument(arg)
    env = {**realm.env, "KRB5CCNAME": f"FILE:{ccache}"}
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"), env=env)
    return webdriver.Chrome(options=opts, service=service)


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="Chromium 156 here: ERR_UNSUPPORTED_AUTH_SCHEME for Negotiate")
def test_the_app_enrolls_through_negotiate_in_chromium(realm, ca, tmp_path):
    ccache = tmp_path / "cc"
    got = realm.kinit(ccache)
    assert got.returncode == 0, got.stderr
    origin = f"http://localhost:{ca.port}"
    driver = kerberized_chromium(realm, ccache)
    try:
        driver.set_script_timeout(30)
        driver.get(origin + "/")
        by_testid(driver, "inf-editor")
        assert by_testid(driver, "endpoint-url").get_property("value") == origin + "/certsrv"
        generate(driver, "tls-server")
        by_testid(driver, "template").send_keys("WebServer")
        click(driver, by_testid(driver, "submit"))
        status, text = disposition(driver)
        assert status == "issued", text
        request_id = int(by_testid(driver, "request-id").text)
    finally:
        driver.quit()
    record = (ca.data / "requests" / f"{request_id:08d}.req").read_text()
    assert "requester=alice\n" in record, record


def test_a_negotiate_sign_in_the_browser_cannot_give_says_what_to_do(ca):
    """A browser that may not sign in here (no Negotiate allow-list, no ticket): the CA's 401
    `WWW-Authenticate: Negotiate` is shown with what the user and the administrator can do."""
    driver = chromium(scratch_dir("krb-none-"))
    try:
        driver.set_script_timeout(30)
        driver.get(f"http://localhost:{ca.port}/")
        by_testid(driver, "inf-editor")
        generate(driver, "tls-server")
        click(driver, by_testid(driver, "submit"))
        status, text = disposition(driver)
        assert status == "error", text
        box = by_testid(driver, "disposition-why", timeout=10)
        code = box.find_element(By.CSS_SELECTOR, '[data-testid="why-code"]').text
        action = box.find_element(By.CSS_SELECTOR, '[data-testid="why-action"]').text
        assert code == "HTTP 401 (Negotiate)", (code, text)
        assert "AuthServerAllowlist" in action and "Administrator" in action, action
    finally:
        driver.quit()
