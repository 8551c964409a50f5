"""Knowing the CA, in headless Chromium against devca on the app's own origin: why the CA said
no (every refusal devca can give is shown with what it means and what to do), the CA's
templates offered in the template field, and the CA's certificates and CRLs (the CRL checked
by `openssl crl -verify` against the CA, a serial revoked with `devca revoke` listed). (A 401 the
browser cannot answer: tests/e2e/test_negotiate_browser.py; headless Chromium waits forever on
a Basic challenge's prompt, so that one is not driven here.)

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
import base64
import subprocess
import tempfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import DIST, all_testid, by_testid, chromium, wait_for
from devca_server import DevcaServer
from test_enroll import click, disposition, fresh, generate, item, wait_download

# signed in as bob, who may not enroll for User (--allow User=alice)
USERS = [("alice", "secret-a"), ("bob", "secret-b")]

NO_SUBJECT_INF = """[NewRequest]
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
FriendlyName = "no subject"
RequestType = PKCS10
"""


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `trunk build --release` first")
    extra = ["--allow", "User=alice"]
    for user, password in USERS[1:]:
        extra += ["--basic-auth", f"{user}:{password}"]
    server = DevcaServer(tmp_path_factory.mktemp("devca-ca-app"), dist=DIST,
                         basic_auth=USERS[0], extra=extra)
    yield server
    server.stop()


def signed_in_app(origin, user, downloads=None):
    """The app with every request carrying `user`'s Basic credentials (as a browser that
    signed in to the site sends them), saving downloads in `downloads`."""
    driver = chromium(tempfile.mkdtemp(prefix="certreq-e2e-ca-"))
    driver.set_script_timeout(30)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
    if user:
        token = base64.b64encode(f"{user}:{dict(USERS)[user]}".encode()).decode()
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                               {"headers": {"Authorization": f"Basic {token}"}})
    driver.get(origin + "/")
    by_testid(driver, "inf-editor")
    return driver


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("ca-downloads")


@pytest.fixture(scope="module")
def app(ca, downloads):
    driver = signed_in_app(ca.origin, "bob", downloads)
    yield driver
    driver.quit()


def set_field(driver, testid, value):
    field = by_testid(driver, testid)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    if value:
        field.send_keys(value)


def use_endpoint(driver, ca, kind, path=""):
    Select(by_testid(driver, "endpoint-kind")).select_by_value(kind)
    base = ca.certsrv if kind == "adcs" else ca.est
    set_field(driver, "endpoint-url", base + path)


def why(driver):
    """The explanation shown with the disposition: (code, meaning, action)."""
    box = by_testid(driver, "disposition-why", timeout=10)
    return tuple(box.find_element(By.CSS_SELECTOR, f'[data-testid="{t}"]').text
                 for t in ("why-code", "why-meaning", "why-action"))


# (case, endpoint kind, EST label, template, gallery template or INF, the code's symbol)
DENIALS = [
    ("template not on this CA", "adcs", "", "NoSuchTemplate", "tls-server",
     "CERTSRV_E_UNSUPPORTED_CERT_TYPE"),
    ("no enroll permission", "adcs", "", "User", "client-auth", "CERTSRV_E_TEMPLATE_DENIED"),
    ("subject required", "adcs", "", "WebServer", NO_SUBJECT_INF, "CERTSRV_E_BAD_REQUESTSUBJECT"),
    ("archival key required", "adcs", "", "KeyArchival", "smime",
     "CERTSRV_E_ARCHIVED_KEY_REQUIRED"),
    ("key too small", "adcs", "", "StrongKey", "ecdsa-device", "CERTSRV_E_KEY_LENGTH"),
    ("DNS name required", "adcs", "", "DnsRequired", "smime", "CERTSRV_E_SUBJECT_DNS_REQUIRED"),
    # EST's 403 carries no code: its status is explained
    ("archival key required (EST)", "est", "/KeyArchival", "", "smime", "HTTP 403"),
]


@pytest.mark.parametrize("case,kind,label,template,request_from,symbol", DENIALS,
                         ids=[d[0] for d in DENIALS])
def test_a_denial_shows_what_it_means_and_what_to_do(app, ca, case, kind, label, template,
                                                      request_from, symbol):
    use_endpoint(app, ca, kind, label)
    if "\n" in request_from:
        generate(app, inf=request_from)
    else:
        generate(app, request_from)
    if kind == "adcs":
        set_field(app, "template", template)
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status in ("denied", "error"), text
    code, meaning, action = why(app)
    assert symbol in code, (case, code, text)
    assert meaning and action, (case, text)


def test_approval_then_an_administrators_denial_is_explained(app, ca):
    use_endpoint(app, ca, "adcs")
    entry_id, _ = generate(app, "tls-server")
    set_field(app, "template", "Approval")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "pending", text
    assert "administrator" in text
    request_id = int(by_testid(app, "request-id").text)
    denied = ca.cli("deny", request_id)
    assert denied.returncode == 0, denied.stderr
    click(app, item(app, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="retrieve"]'))
    status, text = disposition(app)
    assert status == "denied", text
    code, _, action = why(app)
    assert "CERTSRV_E_ADMIN_DENIED_REQUEST" in code, text
    assert action


def test_an_unknown_request_id_is_explained(app, ca):
    use_endpoint(app, ca, "adcs")
    set_field(app, "retrieve-number", "987654")
    click(app, by_testid(app, "retrieve-number-go"))
    status, text = disposition(app)
    assert status == "error", text
    code, meaning, _ = why(app)
    assert "CERTSRV_E_PROPERTY_EMPTY" in code, text
    assert meaning


def record(ca, request_id):
    """devca's record of a request, as `key: value`."""
    text = (ca.data / "requests" / f"{request_id:08d}.req").read_text()
    return dict(line.split("=", 1) for line in text.splitlines()[1:] if "=" in line)


def load_templates(driver):
    by_testid(driver, "load-templates").click()
    return wait_for(lambda: [o.get_attribute("value") for o in
                             by_testid(driver, "ca-templates").find_elements(By.TAG_NAME, "option")],
                    timeout=30, what="the CA's templates in the template field")


def test_a_template_chosen_from_the_cas_list_is_issued(app, ca):
    use_endpoint(app, ca, "adcs")
    offered = load_templates(app)
    # bob's list: what devca offers him (not User, which only alice may enroll for)
    assert {"WebServer", "Machine", "KeyArchival"} <= set(offered), offered
    assert "User" not in offered, offered
    assert "templates offered" in by_testid(app, "templates-state").text
    generate(app, "tls-server")
    set_field(app, "template", "Machine")  # a datalist choice is the field's value
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    request_id = int(by_testid(app, "request-id").text)
    assert record(ca, request_id)["attrib"] == "CertificateTemplate:Machine"
    assert not all_testid(app, "template-warnings"), "an offered template has no warning"


def test_a_template_the_ca_does_not_offer_is_a_warning_naming_the_line(app, ca):
    use_endpoint(app, ca, "adcs")
    load_templates(app)
    generate(app, "tls-server")
    set_field(app, "template", "Web Server")  # the display name, not the template's name
    warnings = wait_for(lambda: all_testid(app, "template-warnings"), timeout=30,
                        what="the template warning")[0].text
    assert "line " in warnings and "WebServer" in warnings, warnings
    set_field(app, "template", "WebServer")
    wait_for(lambda: not all_testid(app, "template-warnings"), timeout=30,
             what="the warning to go")


def test_est_csrattrs_are_asked_for(app, ca):
    use_endpoint(app, ca, "est")
    by_testid(app, "load-templates").click()
    state = wait_for(lambda: by_testid(app, "templates-state").text, timeout=30,
                     what="what the EST server asks for")
    assert "Submit checks" in state, state


def ca_file(driver, what, renewal=0):
    return driver.find_element(
        By.CSS_SELECTOR, f'[data-testid="ca-file"][data-what="{what}"][data-renewal="{renewal}"]')


def list_ca_files(driver):
    panel = by_testid(driver, "ca-panel")
    if not panel.get_attribute("open"):
        panel.find_element(By.TAG_NAME, "summary").click()
    by_testid(driver, "list-ca-files").click()
    return wait_for(lambda: all_testid(driver, "ca-file"), timeout=30, what="the CA's files")


def save(driver, downloads, what, name, renewal=0):
    fresh(downloads, name)
    ca_file(driver, what, renewal).find_element(
        By.CSS_SELECTOR, '[data-testid="ca-file-save"]').click()
    return wait_download(downloads, name)


def openssl(*args):
    proc = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_the_ca_panel_saves_the_chain_and_a_crl_that_lists_a_revoked_serial(app, ca, downloads):
    use_endpoint(app, ca, "adcs")
    # a certificate issued through the app, then revoked by the CA's administrator
    generate(app, "tls-server")
    set_field(app, "template", "WebServer")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text
    request_id = int(by_testid(app, "request-id").text)
    issued = x509.load_der_x509_certificate(base64.b64decode(record(ca, request_id)["cert"]))
    revoked = ca.cli("revoke", request_id, "--reason", "keyCompromise")
    assert revoked.returncode == 0, revoked.stderr

    files = list_ca_files(app)
    kinds = {(f.get_attribute("data-what"), f.get_attribute("data-renewal")) for f in files}
    assert {("cert", "0"), ("chain", "0"), ("crl", "0"), ("delta-crl", "0")} <= kinds, kinds

    ca_cert = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    cer = save(app, downloads, "cert", "ca-0.cer")
    assert x509.load_der_x509_certificate(cer) == ca_cert
    chain = save(app, downloads, "chain", "ca-chain-0.p7b")
    assert ca_cert in pkcs7.load_der_pkcs7_certificates(chain)

    save(app, downloads, "crl", "ca-0.crl")
    out = openssl("crl", "-inform", "DER", "-in", downloads / "ca-0.crl",
                  "-CAfile", ca.ca_pem, "-noout", "-text")
    assert "verify OK" in out, out
    serial = f"{issued.serial_number:X}"
    serial = serial if len(serial) % 2 == 0 else "0" + serial
    assert f"Serial Number: {serial}" in out, (serial, out)

    # the decoder opens what the panel lists
    ca_file(app, "crl").find_element(By.CSS_SELECTOR, '[data-testid="ca-file-open"]').click()
    decoded = wait_for(lambda: "CRL" in by_testid(app, "decode-output").text
                       and by_testid(app, "decode-output").text, timeout=30,
                       what="the CRL in the decoder")
    assert serial in decoded.replace(":", "").upper(), decoded[:2000]
