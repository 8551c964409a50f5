"""Knowing the CA, in headless Chromium against devca on the app's own origin: why the CA said
no (every refusal devca can give is shown with what it means and what to do), the CA's
templates offered in the template field and said of the gallery's INF templates, a mismatch
with them a warning in the editor at its INF line, and the CA's certificates and CRLs (the CRL
checked by `openssl crl -verify` against the CA, a serial revoked with `devca revoke` listed;
after `devca renew-ca`, both CA certificates and both chains; an EST server's /cacerts). (A 401 the
browser cannot answer: tests/e2e/test_negotiate_browser.py; headless Chromium waits forever on
a Basic challenge's prompt, so that one is not driven here.)

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
import base64
import pathlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import DIST, all_testid, by_testid, chromium, fill_editor, scratch_dir, wait_for
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
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
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
    driver = chromium(scratch_dir("ca-"))
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


GALLERY = pathlib.Path(__file__).resolve().parents[2] / "www" / "templates"
# the TLS web server template, naming the template by its display name
NAMED_INF = (GALLERY / "tls-server.inf").read_text() + (
    "\n[RequestAttributes]\nCertificateTemplate = Web Server\n")


def line_of(text, needle):
    """The 1-based line of `text` that holds `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(driver, code):
    """The editor's diagnostics of `code`: (line, severity, text) each."""
    return [(int(d.get_attribute("data-line")), d.get_attribute("data-severity"), d.text)
            for d in driver.find_elements(
                By.CSS_SELECTOR, f'[data-testid="diagnostics"] li[data-code="{code}"]')]


def gutter(driver, line):
    return driver.find_element(By.CSS_SELECTOR,
                               f'[data-gutter-line="{line}"]').get_attribute("class")


def test_a_template_the_ca_does_not_offer_is_a_warning_in_the_editor_at_its_line(app, ca):
    use_endpoint(app, ca, "adcs")
    set_field(app, "template", "")
    load_templates(app)
    fill_editor(app, NAMED_INF)
    line = line_of(NAMED_INF, "CertificateTemplate")
    found = wait_for(lambda: findings(app, "template-not-offered"), timeout=30,
                     what="the template warning in the editor")
    assert len(found) == 1, found
    at, severity, text = found[0]
    assert (at, severity) == (line, "warning"), found
    # it names the CA template the INF gave, and the one it should have named
    assert "`Web Server`" in text and "WebServer" in text, text
    assert "sev-warning" in gutter(app, line), gutter(app, line)
    assert "1 mismatch" in by_testid(app, "template-warnings").text
    # fixed in the INF: the warning goes
    fill_editor(app, NAMED_INF.replace("= Web Server", "= WebServer"))
    wait_for(lambda: not findings(app, "template-not-offered"), timeout=30,
             what="the warning to go after the edit")
    assert "sev-warning" not in gutter(app, line)
    assert not all_testid(app, "template-warnings")
    # an edit that moves the line: the warning follows it
    fill_editor(app, "; moved down\n" + NAMED_INF)
    moved = wait_for(lambda: findings(app, "template-not-offered"), timeout=30,
                     what="the warning on the edited text")
    assert moved[0][0] == line + 1, moved
    # another CA: what this one said is no longer shown
    set_field(app, "endpoint-url", ca.certsrv + "/")
    wait_for(lambda: not findings(app, "template-not-offered"), timeout=30,
             what="the warning to go with the CA")
    # the template field chosen beside the INF is what is checked: at the [NewRequest] header
    set_field(app, "endpoint-url", ca.certsrv)
    load_templates(app)
    fill_editor(app, (GALLERY / "tls-server.inf").read_text())
    set_field(app, "template", "Web Server")
    chosen = wait_for(lambda: findings(app, "template-not-offered"), timeout=30,
                      what="the chosen template's warning")
    assert chosen[0][0] == line_of(NAMED_INF, "[NewRequest]"), chosen
    set_field(app, "template", "WebServer")
    wait_for(lambda: not findings(app, "template-not-offered"), timeout=30,
             what="the warning to go")


# Counts the template checks (certreq_wire::OP_TEMPLATE_CHECK, 12) the page asks of a worker.
# Installed before the first long text, so the app's reading worker is one of these.
CHECK_SPY = """
window.__checks = 0;
const Real = window.Worker;
window.Worker = class extends Real {
  postMessage(message, transfer) {
    if (message && message.op === 12) window.__checks++;
    return super.postMessage(message, transfer);
  }
};
"""


def test_a_long_inf_is_checked_against_the_template_off_the_pages_thread(ca):
    # an INF long enough to be read in the worker: its check against the CA's template reads
    # it again, and is asked of the same worker, not done on the page's thread
    driver = signed_in_app(ca.origin, "bob")
    try:
        driver.execute_script(CHECK_SPY)
        use_endpoint(driver, ca, "adcs")
        set_field(driver, "template", "")
        load_templates(driver)
        text = "".join(f"; line {i:05d} of a long comment {'x' * 40}\n"
                       for i in range(3000)) + NAMED_INF
        assert len(text) > 128 * 1024
        fill_editor(driver, text)
        found = wait_for(lambda: findings(driver, "template-not-offered"), timeout=60,
                         what="the template warning on the long INF")
        assert [(at, severity) for at, severity, _ in found] == [
            (line_of(text, "CertificateTemplate"), "warning")], found
        assert driver.execute_script("return window.__checks") >= 1
        assert driver.execute_script(
            'return performance.getEntriesByName("certreq-web:read-on-page").length') == 0
    finally:
        driver.quit()


# the label's URL, or the same with the operation at its end, as an EST client's settings
# may show it (the operation is not part of the label)
@pytest.mark.parametrize("path", ["/StrongKey", "/StrongKey/simpleenroll/"])
def test_est_csrattrs_mismatch_is_a_warning_at_the_key_line_naming_the_label(app, ca, path):
    use_endpoint(app, ca, "est", path)
    by_testid(app, "load-templates").click()
    by_testid(app, "template-gallery").find_element(
        By.CSS_SELECTOR, 'button[data-template="tls-server"]').click()
    found = wait_for(lambda: findings(app, "key-not-asked-for"), timeout=30,
                     what="the key warning in the editor")
    text = (GALLERY / "tls-server.inf").read_text()
    assert found[0][:2] == (line_of(text, "KeyLength"), "warning"), found
    assert "EST CSR attributes of `StrongKey`" in found[0][2] and "3072" in found[0][2], found


def fits(driver):
    """The gallery's fit notes: template id → (CA template, data-offered, text)."""
    out = {}
    for button in by_testid(driver, "template-gallery").find_elements(
            By.CSS_SELECTOR, "button[data-template]"):
        notes = button.find_elements(By.CSS_SELECTOR, '[data-testid="template-fit"]')
        if notes:
            n = notes[0]
            out[button.get_attribute("data-template")] = (
                n.get_attribute("data-fits"), n.get_attribute("data-offered"), n.text)
    return out


def test_the_gallery_says_which_ca_template_each_fits_and_whether_this_ca_offers_it(app, ca):
    use_endpoint(app, ca, "adcs")
    before = fits(app)
    assert before["tls-server"] == ("WebServer", "", "fits the CA template WebServer"), before
    assert before["subca"][0] == "SubCA" and "self-signed" not in before, before
    load_templates(app)
    after = wait_for(lambda: (f := fits(app))["tls-server"][1] and f, timeout=30,
                     what="the gallery to know the CA's list")
    assert after["tls-server"][1:] == ("yes", "fits the CA template WebServer; this CA offers it")
    # bob may not enroll for User (--allow User=alice)
    assert after["client-auth"][:2] == ("User", "no"), after
    assert "does not offer" in after["client-auth"][2]
    # what it says fits is what the CA issues for it
    generate(app, "tls-server")
    set_field(app, "template", after["tls-server"][0])
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "issued", text


def test_a_page_without_a_template_list_is_said_and_nothing_is_checked(app, ca):
    # the base makes the app ask for the CA certificate page (certcarc.asp), which has no
    # template list, as a sign-in page or a stand-alone CA's page would not
    use_endpoint(app, ca, "adcs", "/certcarc.asp?from=")
    by_testid(app, "load-templates").click()
    said = wait_for(lambda: by_testid(app, "templates-state").text, timeout=30,
                    what="why there is no list")
    assert "has no list of certificate templates" in said, said
    assert not by_testid(app, "ca-templates").find_elements(By.TAG_NAME, "option")
    fill_editor(app, NAMED_INF)
    assert not findings(app, "template-not-offered")
    assert all(f[1] == "" for f in fits(app).values()), fits(app)


def test_est_csrattrs_are_asked_for(app, ca):
    use_endpoint(app, ca, "est")
    by_testid(app, "load-templates").click()
    state = wait_for(lambda: by_testid(app, "templates-state").text, timeout=30,
                     what="what the EST server asks for")
    assert "the INF is checked" in state, state


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


def test_the_ca_panel_of_an_est_server_saves_its_cacerts(app, ca, downloads):
    use_endpoint(app, ca, "est")
    files = list_ca_files(app)
    assert [f.get_attribute("data-what") for f in files] == ["cacerts"]
    saved = save(app, downloads, "cacerts", "cacerts.p7b")
    # EST's /cacerts comes as bare base64 of a certs-only PKCS #7; it is saved as DER, which
    # OpenSSL (and Windows) open as a .p7b
    certs = pkcs7.load_der_pkcs7_certificates(saved)
    assert x509.load_pem_x509_certificate(ca.ca_pem.read_bytes()) in certs
    out = openssl("pkcs7", "-inform", "DER", "-in", downloads / "cacerts.p7b", "-print_certs",
                  "-noout")
    assert "subject=" in out, out


def test_after_the_ca_is_renewed_the_panel_lists_both_certificates_and_their_chains(
        tmp_path_factory):
    data = tmp_path_factory.mktemp("devca-renewed")
    downloads = tmp_path_factory.mktemp("renewed-downloads")
    server = DevcaServer(data, dist=DIST)
    driver = None
    try:
        first = x509.load_pem_x509_certificate(server.ca_pem.read_bytes())
        server.stop()
        renewed = server.cli("renew-ca")
        assert renewed.returncode == 0, renewed.stderr
        server.start()
        current = x509.load_pem_x509_certificate(server.ca_pem.read_bytes())
        assert current != first
        driver = signed_in_app(server.origin, None, downloads)
        use_endpoint(driver, server, "adcs")
        files = list_ca_files(driver)
        kinds = {(f.get_attribute("data-what"), f.get_attribute("data-renewal")) for f in files}
        assert {("cert", "0"), ("cert", "1"), ("chain", "0"), ("chain", "1")} <= kinds, kinds
        old = x509.load_der_x509_certificate(save(driver, downloads, "cert", "ca-0.cer", 0))
        new = x509.load_der_x509_certificate(save(driver, downloads, "cert", "ca-1.cer", 1))
        assert (old, new) == (first, current)
        assert old.subject == new.subject
        chain = pkcs7.load_der_pkcs7_certificates(
            save(driver, downloads, "chain", "ca-chain-1.p7b", 1))
        assert current in chain, chain
        old_chain = pkcs7.load_der_pkcs7_certificates(
            save(driver, downloads, "chain", "ca-chain-0.p7b", 0))
        assert first in old_chain, old_chain
        # the renewed certificate opens in the decoder
        ca_file(driver, "cert", 1).find_element(
            By.CSS_SELECTOR, '[data-testid="ca-file-open"]').click()
        serial = f"{current.serial_number:X}"
        serial = serial if len(serial) % 2 == 0 else "0" + serial
        wait_for(lambda: serial in by_testid(driver, "decode-output").text.replace(":", "")
                 .upper(), timeout=30, what="the renewed CA certificate in the decoder")
    finally:
        if driver is not None:
            driver.quit()
        server.stop()
