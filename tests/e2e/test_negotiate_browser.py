"""Kerberos sign-in in headless Chromium through the app: the release build in dist/ served by
`devca serve --dist dist --auth negotiate --keytab FILE` (one origin, http://localhost, a
secure context), Chromium started with alice's ticket cache (KRB5CCNAME) and its Negotiate
allow-list flag (`--auth-server-allowlist=localhost`); the app submits to /certsrv and the
browser answers the CA's `401 WWW-Authenticate: Negotiate` with a ticket on its own.

A real MIT KDC in a temporary realm (tests/krb5_realm.py); without its programs the test is
skipped, except under CI=true, where it fails. devca: $DEVCA_BIN.

Chromium on Linux loads the GSSAPI library only once its Local State holds
`net.received_http_auth_negotiate_headers: true` (the Kerberos library does not work inside the
network service's sandbox, so Chromium keeps it unloaded until a site has asked for Negotiate).
In a new profile the first Negotiate challenge therefore fails
("Unable to create AuthHandler. Status: net::ERR_UNSUPPORTED_AUTH_SCHEME Challenge: Negotiate",
no AUTH_LIBRARY_LOAD in the net log, nothing in KRB5_TRACE); Chromium then sets that value and
restarts its network service, and the next request signs in. The browser here starts with that
value already in its profile's Local State (ChromeDriver's `localState` option, nothing outside
the profile): a browser that has met a Negotiate site before, as a user's has after one try.

Measured with Chromium 156.0.8078.114 (Debian 12) against devca, `--log-net-log`
(AUTH_HANDLER_CREATE_RESULT) and KRB5_TRACE:
- new profile, with `--auth-server-allowlist=localhost`: `--headless=new`, `--headless=old`, a
  window under Xvfb, and `--headless=new` with each of `--auth-schemes=basic,digest,ntlm,negotiate`,
  `--gssapi-library-name=libgssapi_krb5.so.2`, `--auth-negotiate-delegate-allowlist=localhost`,
  `--enable-features=NetworkServiceInProcess`: ERR_UNSUPPORTED_AUTH_SCHEME, GSSAPI not called
  (`--single-process` exits at start, code 133);
- new profile, the same page loaded a second time in the same browser: signed in; through
  the app, the first submission gets the 401 explanation and the second is issued (the third
  test);
- Local State seeded, allow-list flag given: the library loads (libgssapi_krb5.so.2), the
  ticket for HTTP/localhost is used (SPN `HTTP@localhost`), signed in; also with the network
  service in process;
- Local State seeded, no allow-list flag: ERR_INVALID_RESPONSE (no default credentials for the
  site), no sign-in;
- Local State seeded, http://127.0.0.1 allow-listed: SPN `HTTP@127.0.0.1`, "Server
  HTTP/127.0.0.1@TEST.CERTREQ not found in Kerberos database": the CA is named by host name.
"""
import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from selenium.webdriver.common.by import By

from browser import DIST, Chromium, by_testid, chromium, scratch_dir
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
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
    server = DevcaServer(tmp_path_factory.mktemp("devca-krb-browser"), dist=DIST,
                         extra=["--auth", "negotiate", "--keytab", realm.keytab],
                         env={"KRB5_CONFIG": str(realm.conf)})
    yield server
    server.stop()


def kerberized_chromium(realm, ccache, met_negotiate=True):
    """Headless Chromium (as tests/e2e/browser.py starts it) that may answer Negotiate for
    localhost with the ticket in `ccache`; with `met_negotiate`, in a profile that has met a
    Negotiate site before (Local State `net.received_http_auth_negotiate_headers`: Chromium on
    Linux loads GSSAPI only then), else in a new one."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                "--auth-server-allowlist=localhost", "--disable-auth-negotiate-cname-lookup",
                f"--user-data-dir={scratch_dir('krb-')}"]:
        opts.add_argument(arg)
    if met_negotiate:
        opts.add_experimental_option("localState",
                                     {"net.received_http_auth_negotiate_headers": True})
    # the browser log carries the CSP watcher's reports (browser.Chromium fails on any)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    env = {**realm.env, "KRB5CCNAME": f"FILE:{ccache}"}
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"), env=env)
    return Chromium(options=opts, service=service)


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


def test_in_a_new_profile_submitting_again_signs_in(realm, ca, tmp_path):
    """A new Chromium profile on Linux refuses its first Negotiate challenge (see above): the app
    says the CA asked for a sign-in the browser did not give and to try again; the same
    request submitted again is issued, as alice's. (Should Chromium sign in at once, the first
    submission is issued and that is as good.)"""
    ccache = tmp_path / "cc"
    got = realm.kinit(ccache)
    assert got.returncode == 0, got.stderr
    driver = kerberized_chromium(realm, ccache, met_negotiate=False)
    try:
        driver.set_script_timeout(30)
        driver.get(f"http://localhost:{ca.port}/")
        by_testid(driver, "inf-editor")
        generate(driver, "tls-server")
        by_testid(driver, "template").send_keys("WebServer")
        click(driver, by_testid(driver, "submit"))
        status, text = disposition(driver)
        if status == "error":
            assert "sign in, and try again" in text, text
            why = by_testid(driver, "disposition-why", timeout=10)
            code = why.find_element(By.CSS_SELECTOR, '[data-testid="why-code"]').text
            assert code == "HTTP 401 (Negotiate)", (code, text)
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
