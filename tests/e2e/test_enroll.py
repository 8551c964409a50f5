"""Enrollment in headless Chromium, against the release build in dist/ served by devca on the
same origin as its AD CS Web Enrollment pages: accepting a certificate for a key kept in the
browser, refusing one for another key, the entry's details after a reload, and exporting the
certificate (.cer, .p7b) and the key (.pfx, read back by OpenSSL and `cryptography`), and
submitting a loaded `.req` (from this page or `certreq -new`) or a stored pending entry.

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
import os
import pathlib
import re
import subprocess
import urllib.parse
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import (DIST, all_testid, by_testid, chromium, fill_editor, scratch_dir, wait_download,
                     wait_for)
from devca_server import DevcaServer, devca_bin

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "pfx pässword 1"


class Devca(DevcaServer):
    """`devca serve --dist dist` over plain http on loopback (a secure context for Web Crypto),
    so the app and /certsrv share one origin."""

    def __init__(self, data: pathlib.Path, policy: str = "issue", dist: pathlib.Path = DIST):
        if not (dist / "index.html").exists():
            pytest.fail(f"{dist}/index.html is missing: run `scripts/build-app.sh` first")
        super().__init__(data, policy=policy, dist=dist)

    def submit(self, request_pem: str) -> int:
        """Submits a request the way the Web Enrollment form does; returns the request id."""
        body = urllib.parse.urlencode({
            "Mode": "newreq", "CertRequest": request_pem, "CertAttrib": "",
            "TargetStoreFlags": "0", "SaveCert": "yes"}).encode()
        with urllib.request.urlopen(f"{self.origin}/certsrv/certfnsh.asp", body, timeout=30) as r:
            page = r.read().decode("utf-8", "replace")
        m = re.search(r"certnew\.cer\?ReqID=(\d+)&", page)
        assert m, f"not issued: {page[:500]}"
        return int(m.group(1))

    def certificate(self, request_id: int, enc="b64", chain=False) -> bytes:
        file = "certnew.p7b" if chain else "certnew.cer"
        url = f"{self.origin}/certsrv/{file}?ReqID={request_id}&Enc={enc}"
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()


def open_app(origin, downloads):
    driver = chromium(scratch_dir("enroll-"))
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.get(origin + "/")
    by_testid(driver, "inf-editor")
    return driver


@pytest.fixture(scope="module")
def pending_ca(tmp_path_factory):
    server = Devca(tmp_path_factory.mktemp("devca-pending"), policy="pending")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pending_app(pending_ca, downloads):
    driver = open_app(pending_ca.origin, downloads)
    yield driver
    driver.quit()


def devca_and_app(name, policy="pending"):
    """Module fixtures `downloads`, `ca` (devca with `policy`, serving dist/) and `app` (a
    Chromium on it) for a test module of its own: `downloads, ca, app = devca_and_app(...)`."""
    @pytest.fixture(scope="module")
    def downloads(tmp_path_factory):
        return tmp_path_factory.mktemp(f"downloads-{name}")

    @pytest.fixture(scope="module")
    def ca(tmp_path_factory):
        server = Devca(tmp_path_factory.mktemp(f"devca-{name}"), policy=policy)
        yield server
        server.stop()

    @pytest.fixture(scope="module")
    def app(ca, downloads):
        driver = open_app(ca.origin, downloads)
        yield driver
        driver.quit()

    return downloads, ca, app


downloads, ca, app = devca_and_app("enroll", policy="issue")


def newest_item(driver):
    return by_testid(driver, "store-item")  # the list shows the newest first


def item(driver, entry_id):
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="store-item"][data-id="{entry_id}"]')


def press_generate(driver):
    """Presses Generate for what the editor holds; returns the store entry it made."""
    before = {e.get_attribute("data-id") for e in all_testid(driver, "store-item")}
    button = by_testid(driver, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()
    return wait_for(lambda: [e for e in all_testid(driver, "store-item")
                             if e.get_attribute("data-id") not in before],
                    timeout=120, what="a new store entry")[0]


def generate(driver, template="smime", inf=None):
    """Makes a request from a gallery template (or the INF text given); returns (entry id,
    request PEM)."""
    if inf is None:
        by_testid(driver, "template-gallery").find_element(
            By.CSS_SELECTOR, f'button[data-template="{template}"]').click()
    else:
        fill_editor(driver, inf)
    entry = press_generate(driver)
    return entry.get_attribute("data-id"), by_testid(driver, "request-pem").text


def accept_file(driver, path: pathlib.Path):
    by_testid(driver, "accept-file").send_keys(str(path))


def notice(driver):
    found = all_testid(driver, "notice")
    return found[0].text if found else ""


def fresh(folder: pathlib.Path, name: str):
    (folder / name).unlink(missing_ok=True)


def openssl_verify(ca_pem: pathlib.Path, cert: pathlib.Path):
    proc = subprocess.run(["openssl", "verify", "-CAfile", str(ca_pem), str(cert)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_an_accepted_certificate_is_kept_with_its_key_and_exports(app, ca, downloads, tmp_path):
    entry_id, request_pem = generate(app, "smime")
    assert item(app, entry_id).get_attribute("data-state") == "pending"
    request_id = ca.submit(request_pem)
    issued = x509.load_der_x509_certificate(ca.certificate(request_id, enc="bin"))
    p7b = tmp_path / "issued.p7b"
    p7b.write_bytes(ca.certificate(request_id, enc="bin", chain=True))  # DER, with the CA

    accept_file(app, p7b)
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued",
             timeout=30, what="the entry to become issued")
    assert "accepted" in notice(app)

    # a reload loses nothing: the certificate is stored with the key
    app.refresh()
    wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
    entry = item(app, entry_id)
    assert entry.get_attribute("data-state") == "issued"
    thumbprint = issued.fingerprint(hashes.SHA1()).hex().upper()
    assert entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text == thumbprint
    assert "CN=Jane Doe" in entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-subject"]').text
    ca_cert = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    ca_cn = ca_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert f"CN={ca_cn}" in entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-issuer"]').text
    assert "exportable" in entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-key"]').text
    assert not all_testid(app, "expiry-reminder"), "a fresh certificate needs no reminder"

    # .cer (PEM): the same certificate, and it verifies against the CA
    name = "Jane_Doe_S_MIME.cer"  # the friendly name made safe
    fresh(downloads, name)
    entry.find_element(By.CSS_SELECTOR, '[data-testid="export-cer-pem"]').click()
    pem = wait_download(downloads, name)
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    # as certreq and AD CS write PEM: CRLF line ends, 64 columns
    lines = pem.split(b"\r\n")
    assert b"\n" not in pem.replace(b"\r\n", b"") and lines[-1] == b"", pem[:100]
    assert {len(line) for line in lines[1:-3]} == {64}, lines
    assert x509.load_pem_x509_certificate(pem) == issued
    openssl_verify(ca.ca_pem, downloads / name)

    # .p7b: the certificate and the CA's
    p7b_name = name[:-4] + ".p7b"
    fresh(downloads, p7b_name)
    item(app, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="export-p7b"]').click()
    certs = pkcs7.load_der_pkcs7_certificates(wait_download(downloads, p7b_name))
    assert set(certs) == {issued, ca_cert}

    # .pfx in both profiles: OpenSSL and cryptography read key and certificate back
    for profile in ("pfx-modern", "pfx-legacy"):
        pfx_name = name[:-4] + ".pfx"
        fresh(downloads, pfx_name)
        item(app, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="export-pfx"]').click()
        by_testid(app, "pfx-password").send_keys(PASSWORD)
        by_testid(app, "pfx-confirm").send_keys(PASSWORD + "x")
        by_testid(app, "pfx-save").click()
        assert "differ" in by_testid(app, "pfx-problem").text
        by_testid(app, "pfx-confirm").send_keys(Keys.BACKSPACE)
        by_testid(app, profile).click()
        by_testid(app, "pfx-save").click()
        pfx = wait_download(downloads, pfx_name)
        key, cert, extra = pkcs12.load_key_and_certificates(pfx, PASSWORD.encode())
        assert cert == issued
        assert extra == [ca_cert]
        assert key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == \
            issued.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        args = ["openssl", "pkcs12", "-info", "-nodes", "-in", str(downloads / pfx_name),
                "-passin", f"pass:{PASSWORD}"]
        if profile == "pfx-legacy":
            args.append("-legacy")
        proc = subprocess.run(args, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert "BEGIN PRIVATE KEY" in proc.stdout and "BEGIN CERTIFICATE" in proc.stdout
        assert ("PBES2" in proc.stderr + proc.stdout) == (profile == "pfx-modern")


def paste_in_decoder(driver, text: str):
    box = by_testid(driver, "decode-input")
    driver.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", box, text)


def test_a_certificate_pasted_in_the_decoder_is_accepted_for_its_key(app, ca):
    entry_id, request_pem = generate(app, "smime")
    request_id = ca.submit(request_pem)
    # what Web Enrollment's "Base 64 encoded" link gives, pasted as text
    paste_in_decoder(app, ca.certificate(request_id, enc="b64").decode())
    wait_for(lambda: by_testid(app, "decode-output").get_attribute("data-kind") == "certificate",
             timeout=20, what="the decoded certificate")
    by_testid(app, "decode-accept").click()
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued",
             timeout=30, what="the entry to become issued")
    assert "accepted" in notice(app)
    # a pasted request carries no certificate: nothing to accept is offered
    paste_in_decoder(app, request_pem)
    wait_for(lambda: by_testid(app, "decode-output").get_attribute("data-kind")
             == "certificate request", timeout=20, what="the decoded request")
    assert not all_testid(app, "decode-accept")


def test_a_certificate_for_another_key_is_refused(app, ca, tmp_path):
    entry_id, _ = generate(app, "smime")
    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone.else")])).sign(key, hashes.SHA256())
    request_id = ca.submit(csr.public_bytes(serialization.Encoding.PEM).decode())
    cer = tmp_path / "other.cer"
    cer.write_bytes(ca.certificate(request_id))  # base64 PEM
    states = {e.get_attribute("data-id"): e.get_attribute("data-state")
              for e in all_testid(app, "store-item")}
    accept_file(app, cer)
    text = wait_for(lambda: "none of the keys" in (t := notice(app)) and t, timeout=30,
                    what="the refusal")
    assert "someone.else" in text
    assert {e.get_attribute("data-id"): e.get_attribute("data-state")
            for e in all_testid(app, "store-item")} == states, "nothing changed"
    assert item(app, entry_id).get_attribute("data-state") == "pending"


def test_a_non_certificate_file_is_refused(app, tmp_path):
    junk = tmp_path / "junk.cer"
    junk.write_text("this is not a certificate\n")
    accept_file(app, junk)
    wait_for(lambda: "junk.cer is not a certificate" in notice(app), timeout=10,
             what="the refusal")


READ_DISPOSITION = """
const d = document.querySelector('[data-testid="disposition"]');
return d ? [Number(d.getAttribute('data-answer')), d.getAttribute('data-status'), d.innerText]
         : [0, null, null];
"""
SEEN = {}


def click(driver, element):
    """Clicks a button that asks the CA; the answer shown before it no longer counts."""
    SEEN[id(driver)] = driver.execute_script(READ_DISPOSITION)[0]
    element.click()


def disposition(driver, timeout=60):
    """Waits for a new answer of the CA (read in one step: the element is re-rendered);
    returns (data-status, text)."""
    seen = SEEN.get(id(driver), 0)
    return tuple(wait_for(lambda: (d := driver.execute_script(READ_DISPOSITION))[0] > seen
                          and d[1:],
                          timeout=timeout, what="the CA's answer"))


def entry_button(driver, entry_id, testid):
    """The button `testid` of entry `entry_id` in the store list."""
    return item(driver, entry_id).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def issued_by(driver, entry_id, button, what="the entry to become issued") -> str:
    """Clicks `button`, which asks the CA about entry `entry_id`; waits until the CA has
    answered "issued" and the entry is listed issued; returns the answer's text."""
    click(driver, button)
    status, text = disposition(driver)
    assert status == "issued", text
    wait_for(lambda: item(driver, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what=what)
    return text


def submit_pending(driver, button=None) -> int:
    """Clicks `button` (the request panel's Submit unless another is given); the CA must hold
    the request pending. Returns the CA's request id."""
    click(driver, button or by_testid(driver, "submit"))
    status, text = disposition(driver)
    assert status == "pending", text
    return int(by_testid(driver, "request-id").text)


def submit_issued(driver, entry_id) -> int:
    """Submits the request just made (entry `entry_id`) with the request panel's Submit; once
    the CA has issued it and the entry is listed issued, returns the CA's request id."""
    issued_by(driver, entry_id, by_testid(driver, "submit"))
    return int(by_testid(driver, "request-id").text)


def submit_entry(driver, entry_id) -> int:
    """Submits stored entry `entry_id` from the store list; waits until it is issued and
    returns the CA's request id."""
    issued_by(driver, entry_id, entry_button(driver, entry_id, "entry-submit"))
    return int(by_testid(driver, "request-id").text)


def approve_and_retrieve(driver, ca, entry_id, request_id):
    """Has devca approve `request_id`, then retrieves it for entry `entry_id` until issued."""
    proc = ca.cli("approve", request_id)
    assert proc.returncode == 0, proc.stderr
    issued_by(driver, entry_id, entry_button(driver, entry_id, "retrieve"),
              what="the held entry to be issued")


def test_submit_to_web_enrollment_issues_and_accepts(app, ca, tmp_path):
    assert by_testid(app, "endpoint-url").get_property("value") == ca.origin + "/certsrv"
    entry_id, _ = generate(app, "tls-server")
    by_testid(app, "template").send_keys("WebServer")
    text = issued_by(app, entry_id, by_testid(app, "submit"))
    assert "accepted automatically" in text
    request_id = int(by_testid(app, "request-id").text)
    cert_path = tmp_path / "leaf.pem"
    cert_path.write_bytes(ca.certificate(request_id))
    openssl_verify(ca.ca_pem, cert_path)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    thumbprint = item(app, entry_id).find_element(
        By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    assert thumbprint == cert.fingerprint(hashes.SHA1()).hex().upper()


def test_pending_then_approved_survives_a_reload(pending_app, pending_ca, tmp_path):
    app = pending_app
    entry_id, _ = generate(app, "client-auth")
    request_id = submit_pending(app)

    app.refresh()  # nothing is lost: the key and the request id are stored
    wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
    entry = item(app, entry_id)
    assert entry.get_attribute("data-state") == "pending"
    assert entry.find_element(By.CSS_SELECTOR, '[data-testid="request-id"]').text == str(request_id)

    # still pending: retrieve says so and changes nothing
    click(app, entry.find_element(By.CSS_SELECTOR, '[data-testid="retrieve"]'))
    status, text = disposition(app)
    assert status == "pending", text

    approve_and_retrieve(app, pending_ca, entry_id, request_id)
    leaf = tmp_path / "leaf.pem"
    leaf.write_bytes(pending_ca.certificate(request_id))
    openssl_verify(pending_ca.ca_pem, leaf)


def test_a_denied_request_shows_the_cas_message_and_keeps_the_key(pending_app, pending_ca):
    app = pending_app
    entry_id, _ = generate(app, "client-auth")
    request_id = submit_pending(app)
    proc = pending_ca.cli("deny", str(request_id), "--message", "not on my watch")
    assert proc.returncode == 0, proc.stderr
    click(app, entry_button(app, entry_id, "retrieve"))
    status, text = disposition(app)
    assert status == "denied", text
    assert "not on my watch" in text
    # the administrator's words name no code, but the certsrv page's disposition does: what
    # it means and what to do are said as for any other denial
    why = by_testid(app, "disposition-why", timeout=10)
    code = why.find_element(By.CSS_SELECTOR, '[data-testid="why-code"]').text
    assert "CERTSRV_E_ADMIN_DENIED_REQUEST" in code, code
    assert why.find_element(By.CSS_SELECTOR, '[data-testid="why-action"]').text
    # the entry says it was denied, and keeps its key and request id, through a reload
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "denied", timeout=30,
             what="the entry to be listed denied")
    app.refresh()
    wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
    entry = item(app, entry_id)
    assert entry.get_attribute("data-state") == "denied"
    assert entry.find_element(By.CSS_SELECTOR, '[data-testid="request-id"]').text == str(request_id)
    assert "Retrieve" in entry_button(app, entry_id, "retrieve").text
    # sent again, the CA takes it as a new request: the entry is pending again, its new id kept
    again = entry_button(app, entry_id, "entry-submit")
    assert again.text == "Submit again"
    second = submit_pending(app, again)
    assert second != request_id
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "pending", timeout=30,
             what="the entry to be pending again")
    assert entry_button(app, entry_id, "request-id").text == str(second)


def test_an_issued_entrys_request_sent_again_leaves_the_entry_issued(pending_app, pending_ca,
                                                                    tmp_path):
    # the .req of an issued entry, loaded and sent again, is held pending at the CA: the entry
    # keeps its certificate and stays issued (its next certificate goes beside it)
    app = pending_app
    entry_id, request_pem = generate(app, "client-auth")
    approve_and_retrieve(app, pending_ca, entry_id, submit_pending(app))
    thumbprint = item(app, entry_id).find_element(
        By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    req = tmp_path / "issued-again.req"
    req.write_text(request_pem)
    by_testid(app, "submit-file").send_keys(str(req))
    submit_which(app, "yes")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "pending", text
    # fetched by its number, as the answer says: the issued entry waits for nothing
    assert "“Retrieve request” and the id" in text, text
    app.refresh()
    wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
    entry = item(app, entry_id)
    assert entry.get_attribute("data-state") == "issued"
    assert entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text \
        == thumbprint


def submit_new_request_to(driver, url):
    """Makes a new request (one sent before goes back to its own CA) and submits it to `url`;
    returns (status, text) of the answer."""
    generate(driver, "smime")
    box = by_testid(driver, "endpoint-url")
    box.clear()
    box.send_keys(url)
    click(driver, by_testid(driver, "submit"))
    return disposition(driver)


def test_an_unreachable_ca_is_explained(app):
    # https: the page's policy allows connections to its own origin and to https CAs
    status, text = submit_new_request_to(app, "https://127.0.0.1:9/certsrv")
    assert status == "error"
    assert "could not reach the CA" in text and "CORS" in text
    assert "exchange files" in text
    # a plain http CA on another origin never gets that far: the page's own policy blocks it,
    # and that is what is said (not the network, TLS or CORS)
    status, text = submit_new_request_to(app, "http://127.0.0.1:9/certsrv")
    assert status == "error"
    assert "security policy" in text and "https://" in text, text
    assert "CORS" not in text, text


def test_retrieve_request_by_number_accepts_it_for_its_key(pending_app, pending_ca):
    app = pending_app
    entry_id, request_pem = generate(app, "client-auth")
    # submitted elsewhere (the CA's own page, here straight to devca): the app never saw the id
    body = urllib.parse.urlencode({"Mode": "newreq", "CertRequest": request_pem, "CertAttrib": "",
                                   "TargetStoreFlags": "0", "SaveCert": "yes"}).encode()
    with urllib.request.urlopen(f"{pending_ca.origin}/certsrv/certfnsh.asp", body) as r:
        request_id = int(re.search(r"Your Request Id is (\d+)", r.read().decode()).group(1))
    assert pending_ca.cli("approve", str(request_id)).returncode == 0
    by_testid(app, "retrieve-number").send_keys(str(request_id))
    click(app, by_testid(app, "retrieve-number-go"))
    status, text = disposition(app)
    assert status == "issued", text
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")


def use_endpoint(driver, kind, url):
    """Sets the CA endpoint's kind (`adcs` or `est`) and URL."""
    Select(by_testid(driver, "endpoint-kind")).select_by_value(kind)
    field = by_testid(driver, "endpoint-url")
    field.clear()
    field.send_keys(url)


def test_est_enroll_issues_and_accepts(app, ca, tmp_path):
    entry_id, _ = generate(app, "ecdsa-device")
    use_endpoint(app, "est", ca.origin + "/.well-known/est")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")
    thumbprint = item(app, entry_id).find_element(
        By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    assert len(thumbprint) == 40


CMC_INF = """[NewRequest]
Subject = "CN=cmc-{kind}.example"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
RequestType = CMC
"""


@pytest.mark.parametrize("kind", ["adcs", "est"])
def test_a_cmc_request_is_issued_and_accepted(app, ca, kind):
    entry_id, pem = generate(app, inf=CMC_INF.format(kind=kind))
    assert "BEGIN NEW CERTIFICATE REQUEST" in pem
    use_endpoint(app, kind, ca.origin + ("/.well-known/est" if kind == "est" else "/certsrv"))
    # AD CS is sent the CMC request (devca checks both signatures); EST the PKCS#10 inside
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")
    subject = item(app, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-subject"]')
    assert f"CN=cmc-{kind}.example" in subject.text


def certreq_bin() -> pathlib.Path:
    return devca_bin().parent / "certreq"


def submit_which(driver, match, timeout=30):
    """Waits until the line that says what Submit sends knows about its key; returns it."""
    line = by_testid(driver, "submit-which")
    wait_for(lambda: line.get_attribute("data-key-match") == match, timeout=timeout,
             what=f"data-key-match={match}")
    return line.text


def test_a_loaded_req_is_submitted_and_accepted_for_its_stored_key(app, ca, tmp_path):
    entry_id, request_pem = generate(app, "tls-server")
    req = tmp_path / "again.req"
    req.write_text(request_pem)
    app.get(ca.origin + "/")  # a reload: the page no longer holds the request just made
    by_testid(app, "inf-editor")
    assert not by_testid(app, "submit").is_enabled()
    by_testid(app, "submit-file").send_keys(str(req))
    text = submit_which(app, "yes")
    assert "again.req" in text and "CN=" in text, text
    by_testid(app, "template").send_keys("WebServer")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    assert "accepted automatically" in text
    wait_for(lambda: item(app, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")
    cert_path = tmp_path / "leaf.pem"
    cert_path.write_bytes(ca.certificate(int(by_testid(app, "request-id").text)))
    openssl_verify(ca.ca_pem, cert_path)


def test_a_cli_request_is_issued_and_offered_when_no_key_is_kept_here(app, ca, downloads,
                                                                       tmp_path):
    (tmp_path / "cli.inf").write_text(
        '[NewRequest]\nSubject = "CN=cli.example.test"\nKeyLength = 2048\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
    env["CERTREQ_STORE"] = str(tmp_path / "store")
    proc = subprocess.run([str(certreq_bin()), "-new", "-q", "cli.inf", "cli.req"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "NEW CERTIFICATE REQUEST" in (tmp_path / "cli.req").read_text()
    stored = {e.get_attribute("data-id") for e in all_testid(app, "store-item")}
    by_testid(app, "submit-file").send_keys(str(tmp_path / "cli.req"))
    text = submit_which(app, "no")
    assert "CN=cli.example.test" in text and "no key kept in this browser" in text, text
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    assert "was not added to the store" in text
    assert {e.get_attribute("data-id") for e in all_testid(app, "store-item")} == stored
    fresh(downloads, "cli.cer")
    by_testid(app, "disposition-download").click()
    cert_path = tmp_path / "cli.cer"
    cert_path.write_bytes(wait_download(downloads, "cli.cer"))
    openssl_verify(ca.ca_pem, cert_path)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "cli.example.test"


def test_a_file_that_is_not_a_request_is_explained(app, tmp_path):
    junk = tmp_path / "notes.req"
    junk.write_text("this is not a request\n")
    by_testid(app, "submit-file").send_keys(str(junk))
    error = by_testid(app, "submit-file-error")
    assert error.text.startswith("notes.req is not a certificate request"), error.text


def test_a_stored_pending_entry_is_submitted_from_the_store(app, tmp_path):
    entry_id, _ = generate(app, "client-auth")
    submit_entry(app, entry_id)


def test_the_self_signed_template_needs_no_ca_and_exports_as_pfx(app, downloads, tmp_path):
    from checkers import check_self_signed
    entry_id, pem = generate(app, "self-signed")
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    (tmp_path / "self.cer").write_text(pem)
    cert = check_self_signed(tmp_path / "self.cer", tmp_path)
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 90
    entry = item(app, entry_id)
    assert entry.get_attribute("data-state") == "issued"
    assert "self-signed certificate made" in notice(app)
    # the template's key is exportable: key and certificate leave together as a PFX
    name = "lab.example.com__self-signed_.pfx"  # the friendly name made safe
    fresh(downloads, name)
    entry.find_element(By.CSS_SELECTOR, '[data-testid="export-pfx"]').click()
    by_testid(app, "pfx-password").send_keys(PASSWORD)
    by_testid(app, "pfx-confirm").send_keys(PASSWORD)
    by_testid(app, "pfx-modern").click()
    by_testid(app, "pfx-save").click()
    key, got, extra = pkcs12.load_key_and_certificates(wait_download(downloads, name),
                                                       PASSWORD.encode())
    assert got == cert and extra == []
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    assert key.public_key().public_bytes(serialization.Encoding.DER, spki) == \
        cert.public_key().public_bytes(serialization.Encoding.DER, spki)
