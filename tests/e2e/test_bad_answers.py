"""A CA's bad answers in headless Chromium, through the app: an EST server whose /csrattrs is
not a CsrAttrs, a CA whose base CRL does not parse and a 401 whose WWW-Authenticate names a
scheme neither the browser nor the app speaks. Each is said clearly where it belongs, the rest
of the app goes on working, and nothing is stored half-way: no .crl saved, the pending entry
and its key kept as they were in IndexedDB.

devca serves the app and the CA; a small proxy in front of it (same origin, as the app's CSP
asks) passes everything on, except the answers a test replaces. (A page without a template
list: tests/e2e/test_ca_app.py.)

Binary: $DEVCA_BIN, default target/release/devca; the app from dist/ (`scripts/build-app.sh`).
"""
import http.client
import http.server
import threading
import time

import pytest
from selenium.webdriver.common.by import By

from browser import DIST, all_testid, by_testid, chromium, fill_editor, scratch_dir, wait_for
from devca_server import DevcaServer
from test_backup import records
from test_ca_app import fits, findings, list_ca_files, save, use_endpoint
from test_enroll import click, disposition, fresh, generate, item

# hop-by-hop headers, not passed on
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authenticate", "proxy-authorization", "content-length"}


class Proxy:
    """An HTTP proxy on loopback in front of `upstream` (host:port): every request goes on to
    it unchanged, unless `replace[(method, path)]` holds (query substring, status, headers,
    body) and the request's query holds that substring (an empty one: any query)."""

    def __init__(self, upstream):
        self.replace = {}
        self.seen = []  # (method, path with query) of each replaced answer
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                canned = proxy.replace.get((self.command, path))
                if canned and canned[0] in query:
                    proxy.seen.append((self.command, self.path))
                    status, headers, out = canned[1:]
                    if status is None:
                        # a CA that never answers (until long after the test has looked)
                        time.sleep(20)
                        self.close_connection = True
                        return
                else:
                    conn = http.client.HTTPConnection(upstream, timeout=120)
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    out = answer.read()
                    status = answer.status
                    headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP]
                    conn.close()
                self.send_response(status)
                for k, v in (headers.items() if isinstance(headers, dict) else headers):
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_HEAD = handle_one

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ProxiedCa:
    """devca behind the proxy: its URLs are the proxy's."""

    def __init__(self, server, proxy):
        self.server = server
        self.proxy = proxy
        self.origin = proxy.origin
        self.certsrv = server.certsrv.replace(server.origin, proxy.origin)
        self.est = server.est.replace(server.origin, proxy.origin)
        self.ca_pem = server.ca_pem
        self.data = server.data


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
    server = DevcaServer(tmp_path_factory.mktemp("devca-bad-answers"), dist=DIST)
    proxy = Proxy(server.host)
    yield ProxiedCa(server, proxy)
    proxy.stop()
    server.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("bad-answers-downloads")


@pytest.fixture(scope="module")
def app(ca, downloads):
    driver = chromium(scratch_dir("bad-answers-"))
    driver.set_script_timeout(30)
    driver.allow_downloads(downloads)
    driver.get(ca.origin + "/")
    by_testid(driver, "inf-editor")
    yield driver
    driver.quit()


@pytest.fixture
def replace(ca):
    """Replaces the CA's answer to (method, path) for one test."""
    def put(method, path, status, headers, body, query=""):
        ca.proxy.replace[(method, path)] = (query, status, headers, body)
    yield put
    ca.proxy.replace.clear()
    ca.proxy.seen.clear()


def est_path(ca, operation):
    return ca.est.removeprefix(ca.origin) + "/" + operation


# base64 of DER that is not a CsrAttrs: a SEQUENCE whose length runs past its end
MALFORMED_CSRATTRS = b"MAcGAyoDBA==\r\n"
KEY_INF = """[NewRequest]
Subject = "CN=bad-csrattrs.example"
KeyAlgorithm = RSA
KeyLength = 1024
"""


def test_malformed_csrattrs_are_said_and_the_request_is_still_made_and_issued(app, ca, replace):
    replace("GET", est_path(ca, "csrattrs"), 200,
            {"Content-Type": "application/csrattrs", "Content-Transfer-Encoding": "base64"},
            MALFORMED_CSRATTRS)
    use_endpoint(app, ca, "est")
    by_testid(app, "load-templates").click()
    said = wait_for(lambda: by_testid(app, "templates-state").text, timeout=30,
                    what="what the app says of the CSR attributes")
    assert ("GET", est_path(ca, "csrattrs")) in ca.proxy.seen, ca.proxy.seen
    # the enrollment panel names the answer and what is wrong with it
    assert "/csrattrs" in said and "not an RFC 7030 CsrAttrs" in said, said
    assert "the INF is checked" not in said, said
    # the template check finds nothing (nothing is known), and says nothing false
    fill_editor(app, KEY_INF)
    time.sleep(1)
    assert not findings(app, "key-not-asked-for"), findings(app, "key-not-asked-for")
    warnings = all_testid(app, "template-warnings")
    assert not warnings or "could not be checked" in warnings[0].text, warnings[0].text
    assert all(f[1] == "" for f in fits(app).values()), fits(app)
    # the request is still made, and submitted to the same EST server
    entry_id, _ = generate(app, "tls-server")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")


# a SEQUENCE holding an INTEGER: DER, but no CRL
NOT_A_CRL = b"\x30\x03\x02\x01\x00"


def panel_says(driver, what):
    """The CA panel's words about its file `what` (renewal 0), or ''."""
    li = driver.find_elements(
        By.CSS_SELECTOR, f'[data-testid="ca-file"][data-what="{what}"][data-renewal="0"]')
    if not li:
        return ""
    return " ".join(e.text for e in li[0].find_elements(
        By.CSS_SELECTOR, '[data-testid="ca-file-error"]'))


def test_a_crl_that_does_not_parse_is_said_and_not_saved(app, ca, downloads, replace):
    replace("GET", "/certsrv/certcrl.crl", 200, {"Content-Type": "application/pkix-crl"},
            NOT_A_CRL, query="Type=base")
    use_endpoint(app, ca, "adcs")
    list_ca_files(app)
    fresh(downloads, "ca-0.crl")
    by_testid(app, "ca-panel").find_element(
        By.CSS_SELECTOR, '[data-testid="ca-file"][data-what="crl"][data-renewal="0"] '
                         '[data-testid="ca-file-save"]').click()
    said = wait_for(lambda: panel_says(app, "crl"), timeout=30,
                    what="the CA panel to say the CRL does not parse")
    assert any(p.startswith("/certsrv/certcrl.crl?") and "Type=base" in p
               for _, p in ca.proxy.seen), ca.proxy.seen
    assert "CRL" in said and "parse" in said, said
    time.sleep(2)  # a download would have landed by now
    assert not list(downloads.glob("ca-0.crl*")), list(downloads.iterdir())
    # the rest of the panel still works: the CA certificate and the delta CRL are saved
    assert save(app, downloads, "cert", "ca-0.cer")[:1] == b"\x30"
    assert save(app, downloads, "delta-crl", "ca-delta-0.crl")[:1] == b"\x30"
    assert not panel_says(app, "delta-crl") and not panel_says(app, "cert")
    assert not list(downloads.glob("ca-0.crl*")), list(downloads.iterdir())


PENDING_INF = """[NewRequest]
Subject = "CN=bearer.example"
FriendlyName = "bearer 401"
KeyAlgorithm = ECDSA_P256
Exportable = TRUE
"""


@pytest.mark.parametrize("challenge", ['Bearer realm="certsrv", error="invalid_token"',
                                       "X-Certreq-Token challenge=abc"],
                         ids=["Bearer", "made-up"])
def test_a_401_in_a_scheme_nobody_speaks_is_explained_and_nothing_is_stored(
        app, ca, replace, challenge):
    replace("POST", "/certsrv/certfnsh.asp", 401,
            {"Content-Type": "text/html", "WWW-Authenticate": challenge},
            b"<html><body>401 - Unauthorized</body></html>")
    use_endpoint(app, ca, "adcs")
    entry_id, _ = generate(app, inf=PENDING_INF)
    before = records(app)
    mine = [r for r in before if r["id"] == entry_id]
    assert len(mine) == 1 and mine[0]["state"] == "pending" and mine[0]["spki"], before
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "error", text
    assert ("POST", "/certsrv/certfnsh.asp") in ca.proxy.seen, ca.proxy.seen
    box = by_testid(app, "disposition-why", timeout=10)
    code, meaning, action = (box.find_element(By.CSS_SELECTOR, f'[data-testid="{t}"]').text
                             for t in ("why-code", "why-meaning", "why-action"))
    scheme = challenge.split()[0]
    assert code == f"HTTP 401 ({scheme})", (code, text)
    # what it means (browsers answer other schemes only), and what the administrator can do
    assert "browsers answer only Basic, Digest, NTLM and Negotiate" in meaning, meaning
    assert "Administrator: allow Basic over HTTPS" in action, action
    # nothing stored half-way: the entry, its key, its state as they were (the CA it was sent
    # to is remembered, as every Submit does before sending, so a later Retrieve knows it)
    time.sleep(1)
    after = records(app)
    assert [r["ca"] for r in after if r["id"] == entry_id] == [[ca.certsrv, "adcs"]], after
    unlike_ca = lambda rs: [{k: v for k, v in r.items() if k != "ca"} for r in rs]
    assert unlike_ca(after) == unlike_ca(before)
    assert item(app, entry_id).get_attribute("data-state") == "pending"


UNDELIVERED_INF = """[NewRequest]
Subject = "CN=undelivered.example"
FriendlyName = "issued, not delivered"
KeyAlgorithm = ECDSA_P256
"""


def test_a_certificate_that_does_not_come_after_issue_is_retrieved_not_sent_again(
        app, ca, replace):
    # the CA issues the request, then the download of its certificate fails: the entry keeps
    # the request id the CA gave, Submit does not send it again (a second request), and the
    # entry's Retrieve gets the certificate once the CA answers again
    from test_enroll import entry_button, issued_by
    replace("GET", "/certsrv/certnew.p7b", 500, {"Content-Type": "text/plain"},
            b"the database is busy")
    use_endpoint(app, ca, "adcs")
    entry_id, _ = generate(app, inf=UNDELIVERED_INF)
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "error", text
    assert any(p.startswith("/certsrv/certnew.p7b") for _, p in ca.proxy.seen), ca.proxy.seen
    request_id = wait_for(lambda: next((r["request_id"] for r in records(app)
                                        if r["id"] == entry_id and r["request_id"]), None),
                          timeout=30, what="the request id kept on the entry")
    assert f"request {request_id}" in text and "Retrieve" in text, text
    assert not by_testid(app, "submit").is_enabled(), "the request is not sent again"
    ca.proxy.replace.clear()
    issued_by(app, entry_id, entry_button(app, entry_id, "retrieve"))
    mine = [r for r in records(app) if r["id"] == entry_id]
    assert mine[0]["request_id"] == request_id and mine[0]["certificate"], mine


def test_a_ca_that_never_answers_is_given_up_on_and_the_app_works_again(app, ca, replace):
    # the app stops waiting after its time limit (shortened here through the page's
    # AbortSignal.timeout), says the CA may still have the request, and every button works
    replace("POST", "/certsrv/certfnsh.asp", None, {}, b"")
    use_endpoint(app, ca, "adcs")
    entry_id, _ = generate(app, inf=UNDELIVERED_INF.replace("undelivered", "silent"))
    app.execute_script("const t = AbortSignal.timeout.bind(AbortSignal);"
                       "AbortSignal.timeout = () => t(1500);")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app, timeout=15)
    assert status == "error", text
    assert "did not answer within" in text and "before sending it again" in text, text
    assert ("POST", "/certsrv/certfnsh.asp") in ca.proxy.seen, ca.proxy.seen
    # not busy any more: the request can be sent again, another made
    wait_for(lambda: by_testid(app, "submit").is_enabled() and by_testid(app, "generate")
             .is_enabled(), timeout=10, what="the buttons enabled again")
    assert item(app, entry_id).get_attribute("data-state") == "pending"
