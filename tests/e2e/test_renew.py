"""Renewal in headless Chromium against devca (same origin, as in test_enroll): an issued entry's
Renew opens the renewal INF read from its certificate; Generate makes a PKCS #7 renewal signed
by the old entry's key (OpenSSL verifies it and names the old certificate as its signer);
Submit sends it to the CA, which checks it and issues; the new certificate is attached to the
new entry (same key: the same public key; new key: another), chained to devca's CA, and the
old entry stays, marked renewed. The old key is non-extractable. A reload between Generate and
Submit loses nothing. The expiry reminder's Renew now opens the same renewal. Each entry
remembers its CA: with the endpoint moved to a second devca, a renewal and a retrieval still go
to the first, and the store says so. A renewal with RequestType = CMC is signed by the new key
and the old certificate's. A request on behalf of another user (RequesterName) is signed by
a stored enrollment agent's certificate chosen in the request panel (only agents' are offered,
the others are listed with why not), PKCS #7 or CMC, and devca issues it for that user.

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
import base64
import re
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from selenium.webdriver.common.by import By

import pytest

from browser import all_testid, by_testid, fill_editor, wait_for
from checkers import check_cmc, check_pkcs7
from devca_server import DevcaServer
from test_ca_app import set_field
from test_enroll import (accept_file, approve_and_retrieve, click, devca_and_app, disposition,
                         entry_button, generate, issued_by, item, notice, openssl_verify,
                         press_generate, submit_entry, submit_pending, use_endpoint)


downloads, ca, app = devca_and_app("renew", policy="issue")


def submit_held(driver, entry_id) -> int:
    """Submits stored entry `entry_id` under devca's Approval template, which holds it pending;
    returns the CA's request id."""
    set_field(driver, "template", "Approval")
    try:
        return submit_pending(driver, entry_button(driver, entry_id, "entry-submit"))
    finally:
        set_field(driver, "template", "")


def issue(driver, ca, tmp_path):
    """A client certificate issued for a key kept in the browser: (entry id, certificate)."""
    entry_id, _ = generate(driver, "client-auth")
    request_id = submit_entry(driver, entry_id)
    path = tmp_path / f"{entry_id}.pem"
    path.write_bytes(ca.certificate(request_id))
    return entry_id, x509.load_pem_x509_certificate(path.read_bytes())


def renew(driver, entry_id, same_key: bool, request_type="PKCS7"):
    """Renew on the entry (as `request_type`), then Generate: (new entry id, request DER)."""
    text = open_renewal(driver, entry_id, same_key)
    assert "RequestType = PKCS7" in text
    if request_type != "PKCS7":
        fill_editor(driver, text.replace("RequestType = PKCS7", f"RequestType = {request_type}"))
    return generate_now(driver, renews=entry_id)


def open_renewal(driver, entry_id, same_key: bool):
    """Presses Renew (or Renew with a new key) on the entry; its renewal INF once the editor
    holds it (not an earlier renewal's: the INF names the entry's certificate)."""
    entry = item(driver, entry_id)
    thumbprint = entry.find_element(By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    testid = "entry-renew" if same_key else "entry-renew-new-key"
    entry.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').click()
    editor = by_testid(driver, "inf-editor")
    return wait_for(lambda: (t := editor.get_property("value")) and thumbprint in t
                    and ("UseExistingKeySet = TRUE" in t) == same_key and t,
                    timeout=30, what="the entry's renewal INF in the editor")


def generate_now(driver, renews=None):
    """Generate with what the editor holds: (new entry id, request DER)."""
    new = press_generate(driver)
    new_id = new.get_attribute("data-id")
    assert new.get_attribute("data-renews") == renews
    pem = by_testid(driver, "request-pem").text
    body = re.sub(r"-----[^-]+-----|\s", "", pem)
    return new_id, base64.b64decode(body)


def spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)


def cms_signer(request_der: bytes, tmp_path) -> x509.Certificate:
    """OpenSSL verifies the renewal's signature (not the chain) and names its signer."""
    req = tmp_path / "renewal.p7"
    req.write_bytes(request_der)
    signer = tmp_path / "signer.pem"
    proc = subprocess.run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER",
                           "-in", str(req), "-signer", str(signer), "-out", str(tmp_path / "inner")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the content is the PKCS #10, which OpenSSL reads as a request
    proc = subprocess.run(["openssl", "req", "-inform", "DER", "-in", str(tmp_path / "inner"),
                           "-noout", "-verify"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return x509.load_pem_x509_certificate(signer.read_bytes())


def test_renew_with_the_same_key_survives_a_reload_and_keeps_the_old_entry(app, ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    assert item(app, old_id).get_attribute("data-renewed") is None
    # the client-auth template says Exportable = FALSE: Web Crypto signs with a key it never
    # hands out
    key = item(app, old_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-key"]').text
    assert "not exportable" in key, key
    new_id, request = renew(app, old_id, same_key=True)
    assert cms_signer(request, tmp_path) == old_cert

    app.refresh()  # between Generate and Submit: nothing is lost
    wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
    entry = item(app, new_id)
    assert entry.get_attribute("data-state") == "pending"
    assert entry.get_attribute("data-renews") == old_id
    # the renewal request (which carries the old certificate) given where the CA's answer
    # goes: refused as a request; it does not "issue" the old certificate to the new entry
    req = tmp_path / "renewal.req"
    req.write_bytes(request)
    accept_file(app, req)
    said = wait_for(lambda: "PKCS #7 certificate request" in (t := notice(app)) and t,
                    timeout=30, what="the refusal")
    assert "not a response" in said, said
    assert item(app, new_id).get_attribute("data-state") == "pending"

    request_id = submit_entry(app, new_id)
    leaf = tmp_path / "renewed.pem"
    leaf.write_bytes(ca.certificate(request_id))
    openssl_verify(ca.ca_pem, leaf)
    new_cert = x509.load_pem_x509_certificate(leaf.read_bytes())
    assert new_cert.serial_number != old_cert.serial_number
    assert spki(new_cert) == spki(old_cert), "same key: the same public key"
    assert new_cert.subject == old_cert.subject
    # attached to the new entry; the old one stays, marked renewed
    thumbprint = item(app, new_id).find_element(
        By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    assert thumbprint == new_cert.fingerprint(hashes.SHA1()).hex().upper()
    old = item(app, old_id)
    assert old.get_attribute("data-state") == "issued"
    wait_for(lambda: item(app, old_id).get_attribute("data-renewed") == "yes", timeout=10,
             what="the old entry to be marked renewed")


def test_renew_with_a_new_key_gets_another_public_key(app, ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    new_id, request = renew(app, old_id, same_key=False)
    assert cms_signer(request, tmp_path) == old_cert
    request_id = submit_entry(app, new_id)
    leaf = tmp_path / "renewed.pem"
    leaf.write_bytes(ca.certificate(request_id))
    openssl_verify(ca.ca_pem, leaf)
    new_cert = x509.load_pem_x509_certificate(leaf.read_bytes())
    assert spki(new_cert) != spki(old_cert), "new key: another public key"
    assert new_cert.subject == old_cert.subject
    assert item(app, old_id).get_attribute("data-renewed") == "yes"
    assert item(app, new_id).get_attribute("data-state") == "issued"


def issued_entry(driver, ca, tmp_path, inf: str, name: str):
    """An entry made from `inf`, submitted and issued: (entry id, its certificate)."""
    entry_id, _ = generate(driver, inf=inf)
    return entry_id, certificate_for(ca, tmp_path, submit_entry(driver, entry_id), name)


def certificate_for(ca, tmp_path, request_id: int, name: str) -> x509.Certificate:
    """The certificate devca issued for `request_id`, also kept as `name`.pem."""
    path = tmp_path / f"{name}.pem"
    path.write_bytes(ca.certificate(request_id))
    return x509.load_pem_x509_certificate(path.read_bytes())


def renewal_signer_info(tmp_path) -> str:
    """What `openssl cms -cmsout -print` says of the last renewal's signers (see cms_signer)."""
    proc = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                           str(tmp_path / "renewal.p7")], capture_output=True, text=True)
    return proc.stdout.split("signerInfos:")[1]


@pytest.mark.parametrize("same_key,new_hash", [(True, None), (False, None), (False, "SHA256")])
def test_an_rsa_key_bound_to_sha384_renews_with_sha384_and_keeps_exportable(app, ca, tmp_path,
                                                                             same_key, new_hash):
    # Web Crypto binds an RSA key to its hash when it is made: the renewal INF says that hash,
    # and the old key's signature on the renewal is made and declared with it, whatever hash
    # the INF is then edited to ask of the new key (`new_hash`)
    entry_id, old_cert = issued_entry(
        app, ca, tmp_path, '[NewRequest]\nSubject = "CN=sha384-renew.example"\n'
        'KeyAlgorithm = RSA\nKeyLength = 2048\nHashAlgorithm = SHA384\nExportable = TRUE\n', "old")
    text = open_renewal(app, entry_id, same_key)
    assert "HashAlgorithm = SHA384" in text, text
    assert ("Exportable = TRUE" in text) == (not same_key), text
    if new_hash:
        fill_editor(app, text.replace("HashAlgorithm = SHA384", f"HashAlgorithm = {new_hash}"))
    new_id, request = generate_now(app, renews=entry_id)
    assert cms_signer(request, tmp_path) == old_cert
    signer_info = renewal_signer_info(tmp_path)
    assert "sha384" in signer_info and "sha256" not in signer_info, signer_info
    inner = x509.load_der_x509_csr((tmp_path / "inner").read_bytes())
    assert inner.signature_hash_algorithm.name == (new_hash or "SHA384").lower()
    new_cert = certificate_for(ca, tmp_path, submit_entry(app, new_id), "renewed")
    assert (spki(new_cert) == spki(old_cert)) == same_key
    key = item(app, new_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-key"]').text
    assert "not exportable" not in key, key


@pytest.mark.parametrize("same_key", [True, False], ids=["same key", "new key"])
def test_an_rsa_pss_key_renews_with_pss_signatures(app, ca, tmp_path, same_key):
    # a key made with AlternateSignatureAlgorithm = TRUE is an RSA-PSS key in Web Crypto, which
    # signs nothing else: its request, and the renewal's wrapper it signs, are RSASSA-PSS (as
    # certreq writes them), and devca verifies both
    entry_id, old_cert = issued_entry(
        app, ca, tmp_path, '[NewRequest]\nSubject = "CN=pss-renew.example"\n'
        'KeyAlgorithm = RSA\nKeyLength = 2048\nAlternateSignatureAlgorithm = TRUE\n', "old")
    text = open_renewal(app, entry_id, same_key)
    assert "AlternateSignatureAlgorithm = TRUE" in text, text
    new_id, request = generate_now(app, renews=entry_id)
    assert cms_signer(request, tmp_path) == old_cert
    signer_info = renewal_signer_info(tmp_path)
    assert "rsassaPss" in signer_info and "sha256" in signer_info, signer_info
    inner = x509.load_der_x509_csr((tmp_path / "inner").read_bytes())
    assert inner.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSASSA_PSS
    new_cert = certificate_for(ca, tmp_path, submit_entry(app, new_id), "renewed")
    assert (spki(new_cert) == spki(old_cert)) == same_key
    assert new_cert.subject == old_cert.subject


def test_the_expiry_reminder_leads_straight_to_renew(app, ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    assert not item(app, old_id).find_elements(By.CSS_SELECTOR, '[data-testid="expiry-reminder"]')
    # the page's clock moved to 10 days before the certificate expires
    left = old_cert.not_valid_after_utc.timestamp() * 1000 - 10 * 86_400_000
    app.execute_script(
        "const shift = arguments[0] - Date.now(); const real = Date.now;"
        "Date.now = () => real.call(Date) + shift;", left)
    by_testid(app, "inf-editor").send_keys(" ")  # any change renders the store again
    reminder = wait_for(
        lambda: item(app, old_id).find_elements(By.CSS_SELECTOR, '[data-testid="expiry-reminder"]'),
        timeout=10, what="the expiry reminder")[0]
    assert "expires in" in reminder.text
    reminder.find_element(By.CSS_SELECTOR, '[data-testid="expiry-renew"]').click()
    editor = by_testid(app, "inf-editor")
    thumbprint = old_cert.fingerprint(hashes.SHA1()).hex()
    # the renewal INF of this entry's certificate (not an earlier test's renewal)
    wait_for(lambda: thumbprint in editor.get_property("value").lower().replace(" ", ""),
             timeout=30, what="the entry's renewal INF in the editor")


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A second devca, on another origin, that the app may call (CORS)."""
    server = DevcaServer(tmp_path_factory.mktemp("devca-other"), policy="issue", cors="any")
    yield server
    server.stop()


def requests_at(server) -> int:
    """How many requests a devca has received (one file each)."""
    return len(list((server.data / "requests").glob("*.req")))


def entry_ca(driver, entry_id):
    """The entry's CA line: (URL, whether it differs from the endpoint set now, text)."""
    line = item(driver, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-ca"]')
    return line.get_attribute("data-url"), line.get_attribute("data-differs") == "yes", line.text


def test_a_renewal_and_a_retrieval_go_to_the_entrys_own_ca(app, ca, other_ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    assert entry_ca(app, old_id)[:2] == (ca.certsrv, False)
    # a request the CA keeps pending (its Approval template), sent to the same CA
    waiting_id, _ = generate(app, "tls-server")
    set_field(app, "template", "Approval")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "pending", text
    pending_request = int(by_testid(app, "request-id").text)
    set_field(app, "template", "")
    try:
        # the endpoint moves to the other CA
        use_endpoint(app, "adcs", other_ca.certsrv)
        url, differs, text = wait_for(
            lambda: (c := entry_ca(app, old_id)) and c[1] and c, timeout=10,
            what="the entry to say its CA is not the endpoint set now")
        assert url == ca.certsrv and ca.certsrv in text and "own CA" in text, text
        at_a, at_b = requests_at(ca), requests_at(other_ca)

        new_id, request = renew(app, old_id, same_key=False)
        assert entry_ca(app, new_id)[:2] == (ca.certsrv, True), "the renewal's CA is shown"
        request_id = submit_entry(app, new_id)
        assert (requests_at(ca), requests_at(other_ca)) == (at_a + 1, at_b), \
            "the renewal went to the CA that issued the renewed certificate"
        leaf = tmp_path / "renewed.pem"
        leaf.write_bytes(ca.certificate(request_id))
        openssl_verify(ca.ca_pem, leaf)
        assert x509.load_pem_x509_certificate(leaf.read_bytes()).subject == old_cert.subject

        # after a reload the pending entry still knows its CA; Retrieve asks it
        app.refresh()
        wait_for(lambda: all_testid(app, "store-item"), timeout=30, what="the store list")
        use_endpoint(app, "adcs", other_ca.certsrv)
        approved = ca.cli("approve", pending_request)
        assert approved.returncode == 0, approved.stderr
        wait_for(lambda: entry_ca(app, waiting_id)[1], timeout=10, what="the CA line")
        issued_by(app, waiting_id, entry_button(app, waiting_id, "retrieve"),
                  what="the pending entry to be issued")
        # never asked: the page's CSP (connect-src 'self' https:) would also have blocked a
        # call to the other CA's http origin, and any such violation fails the test
        assert requests_at(other_ca) == at_b, "the other CA was never asked"
    finally:
        use_endpoint(app, "adcs", ca.certsrv)


def test_a_cmc_renewal_is_signed_by_the_new_key_and_the_old_certificate(app, ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    new_id, request = renew(app, old_id, same_key=False, request_type="CMC")
    path = tmp_path / "renewal.cmc"
    path.write_bytes(request)
    checked = check_cmc(path, tmp_path)
    assert [kind for kind, _ in checked.signers] == ["key", "cert"]
    assert checked.signers[1][1] == old_cert, "the renewed certificate signs second"
    request_id = submit_entry(app, new_id)
    leaf = tmp_path / "renewed.pem"
    leaf.write_bytes(ca.certificate(request_id))
    openssl_verify(ca.ca_pem, leaf)
    new_cert = x509.load_pem_x509_certificate(leaf.read_bytes())
    assert new_cert.subject == old_cert.subject
    assert spki(new_cert) != spki(old_cert)
    assert item(app, old_id).get_attribute("data-renewed") == "yes"


AGENT_INF = ('[NewRequest]\r\nSubject = "CN=Enrollment Agent {n}"\r\nKeyLength = 2048\r\n'
             'HashAlgorithm = SHA256\r\n[RequestAttributes]\r\n'
             'CertificateTemplate = EnrollmentAgent\r\n')
EOBO_INF = ('[NewRequest]\r\nRequestType = {rt}\r\nRequesterName = CONTOSO\\{user}\r\n'
            'KeyLength = 2048\r\nHashAlgorithm = SHA256\r\n[RequestAttributes]\r\n'
            'CertificateTemplate = User\r\n')


def record_of(server, request_id) -> dict:
    """devca's record of request `request_id`: its `key=value` lines."""
    text = (server.data / "requests" / f"{request_id:08}.req").read_text()
    return dict(line.split("=", 1) for line in text.splitlines()[1:] if "=" in line)


@pytest.mark.parametrize("request_type", ["PKCS7", "CMC"])
def test_a_request_on_behalf_of_another_user_is_signed_by_a_stored_agent(app, ca, tmp_path,
                                                                        request_type):
    plain_id, _ = issue(app, ca, tmp_path)
    agent_id, _ = generate(app, inf=AGENT_INF.format(n=request_type))
    request_id = submit_entry(app, agent_id)
    agent_cert = x509.load_pem_x509_certificate(ca.certificate(request_id))
    user = f"alice{request_type.lower()}"
    fill_editor(app, EOBO_INF.format(rt=request_type, user=user))
    picker = by_testid(app, "signer-picker", timeout=30)
    assert f"CONTOSO\\{user}" in picker.text
    offered = {e.get_attribute("data-id") for e in all_testid(app, "signer-option")}
    refused = {e.get_attribute("data-id"): e.text for e in all_testid(app, "signer-refused")}
    assert agent_id in offered
    assert plain_id not in offered, "a certificate that is not an agent's is not offered"
    assert "Certificate Request Agent" in refused[plain_id], refused[plain_id]
    # Generate without a signer chosen makes nothing and says why (the agent chosen for an
    # earlier request stays chosen)
    if not any(e.find_element(By.CSS_SELECTOR, "input").is_selected()
               for e in all_testid(app, "signer-option")):
        before = len(all_testid(app, "store-item"))
        click(app, by_testid(app, "generate"))
        wait_for(lambda: "choose the enrollment agent" in by_testid(app, "notice").text,
                 timeout=10, what="the notice asking for a signer")
        assert len(all_testid(app, "store-item")) == before
    option = [e for e in all_testid(app, "signer-option") if e.get_attribute("data-id") == agent_id]
    option[0].find_element(By.CSS_SELECTOR, "input").click()
    new_id, request = generate_now(app)
    path = tmp_path / "eobo.req"
    path.write_bytes(request)
    if request_type == "PKCS7":
        checked = check_pkcs7(path, tmp_path)
        assert checked.signers == [(agent_cert, True)], "the agent signs attributes"
    else:
        checked = check_cmc(path, tmp_path)
        assert [kind for kind, _ in checked.signers] == ["key", "cert"]
        assert checked.signers[1][1] == agent_cert
    assert checked.requester_name == f"CONTOSO\\{user}"
    issued_id = submit_entry(app, new_id)
    issued = x509.load_pem_x509_certificate(ca.certificate(issued_id))
    assert issued.subject.rfc4514_string() == f"CN={user}", "issued for the requester"
    # devca's record keeps the request as sent, which names the requester
    record = record_of(ca, issued_id)
    assert record["status"] == "issued", record
    kept = tmp_path / "kept.req"
    kept.write_bytes(base64.b64decode(record["request"]))
    kept_checked = check_pkcs7(kept, tmp_path) if request_type == "PKCS7" else check_cmc(kept, tmp_path)
    assert kept_checked.requester_name == f"CONTOSO\\{user}"


ECDSA_INF = ('[NewRequest]\r\nSubject = "CN=ecdsa-renew-{n}.example"\r\nKeyAlgorithm = ECDSA_P256\r\n'
             'HashAlgorithm = SHA256\r\nExportable = FALSE\r\n[RequestAttributes]\r\n'
             'CertificateTemplate = Machine\r\n[Extensions]\r\n'
             '2.5.29.17 = "{{text}}dns=ecdsa-renew-{n}.example"\r\n')


def test_an_ecdsa_p256_certificate_renews_with_the_same_key_and_with_a_new_one(app, ca, tmp_path):
    old_id, _ = generate(app, inf=ECDSA_INF.format(n=1))
    request_id = submit_entry(app, old_id)
    old_cert = x509.load_pem_x509_certificate(ca.certificate(request_id))
    assert isinstance(old_cert.public_key(), ec.EllipticCurvePublicKey)
    assert old_cert.public_key().curve.name == "secp256r1"
    renewed = {}
    for same_key in (True, False):
        new_id, request = renew(app, old_id, same_key=same_key)
        assert "KeyAlgorithm = ECDSA_P256" in by_testid(app, "inf-editor").get_property("value")
        # the old ECDSA key (not exportable) signs the wrapper
        assert cms_signer(request, tmp_path) == old_cert
        issued_id = submit_entry(app, new_id)
        leaf = tmp_path / f"renewed-{same_key}.pem"
        leaf.write_bytes(ca.certificate(issued_id))
        openssl_verify(ca.ca_pem, leaf)
        new_cert = x509.load_pem_x509_certificate(leaf.read_bytes())
        assert new_cert.subject == old_cert.subject
        assert isinstance(new_cert.public_key(), ec.EllipticCurvePublicKey)
        assert new_cert.public_key().curve.name == "secp256r1"
        assert (spki(new_cert) == spki(old_cert)) == same_key, f"same key: {same_key}"
        renewed[same_key] = new_id
        assert item(app, old_id).get_attribute("data-renewed") == "yes"
        assert item(app, new_id).get_attribute("data-state") == "issued"
    assert renewed[True] != renewed[False]


def reload(driver):
    """Reloads the page and waits for the store list."""
    driver.refresh()
    wait_for(lambda: all_testid(driver, "store-item"), timeout=30, what="the store list")


def renewal_state(driver, old_id, new_id):
    """What the store list says of a renewal: (old entry's state, old marked renewed, new
    entry's state, whom the new entry renews)."""
    old, new = item(driver, old_id), item(driver, new_id)
    return (old.get_attribute("data-state"), old.get_attribute("data-renewed") == "yes",
            new.get_attribute("data-state"), new.get_attribute("data-renews"))


def test_a_reload_between_any_two_renewal_steps_loses_nothing(app, ca, tmp_path):
    old_id, old_cert = issue(app, ca, tmp_path)
    reload(app)  # issued → Renew
    assert item(app, old_id).get_attribute("data-state") == "issued"
    new_id, request = renew(app, old_id, same_key=True)
    reload(app)  # Generate → Submit
    assert renewal_state(app, old_id, new_id) == ("issued", False, "pending", old_id)
    request_id = submit_held(app, new_id)
    reload(app)  # Submit (pending) → Retrieve
    assert renewal_state(app, old_id, new_id) == ("issued", False, "pending", old_id)
    approve_and_retrieve(app, ca, new_id, request_id)
    reload(app)  # after the new certificate is attached: both entries, the old one renewed
    wait_for(lambda: item(app, old_id).get_attribute("data-renewed") == "yes", timeout=10,
             what="the old entry to be marked renewed after the reload")
    assert renewal_state(app, old_id, new_id) == ("issued", True, "issued", old_id)
    new_cert = x509.load_pem_x509_certificate(ca.certificate(request_id))
    assert spki(new_cert) == spki(old_cert) and new_cert.subject == old_cert.subject
    thumbprint = item(app, new_id).find_element(
        By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text
    assert thumbprint == new_cert.fingerprint(hashes.SHA1()).hex().upper()
    # the renewed entry still renews: its key signs another renewal after all these reloads
    again_id, request = renew(app, old_id, same_key=False)
    assert cms_signer(request, tmp_path) == old_cert


def test_a_reload_between_the_steps_of_a_request_on_behalf_of_another_loses_nothing(app, ca,
                                                                                  tmp_path):
    agent_id, _ = generate(app, inf=AGENT_INF.format(n="reload"))
    agent_cert = x509.load_pem_x509_certificate(ca.certificate(submit_entry(app, agent_id)))
    reload(app)  # the agent's certificate is issued → choose it
    fill_editor(app, EOBO_INF.format(rt="PKCS7", user="bob"))
    by_testid(app, "signer-picker", timeout=30)
    option = wait_for(lambda: [e for e in all_testid(app, "signer-option")
                               if e.get_attribute("data-id") == agent_id],
                      timeout=30, what="the agent offered after the reload")
    option[0].find_element(By.CSS_SELECTOR, "input").click()
    new_id, request = generate_now(app)
    reload(app)  # Generate → Submit
    assert item(app, new_id).get_attribute("data-state") == "pending"
    request_id = submit_held(app, new_id)
    reload(app)  # Submit (pending) → Retrieve
    assert item(app, new_id).get_attribute("data-state") == "pending"
    assert item(app, agent_id).get_attribute("data-state") == "issued"
    approve_and_retrieve(app, ca, new_id, request_id)
    reload(app)
    assert item(app, new_id).get_attribute("data-state") == "issued"
    issued = x509.load_pem_x509_certificate(ca.certificate(request_id))
    assert issued.subject.rfc4514_string() == "CN=bob", "issued for the requester"
    kept = tmp_path / "kept.req"
    kept.write_bytes(base64.b64decode(record_of(ca, request_id)["request"]))
    checked = check_pkcs7(kept, tmp_path)
    assert checked.signers == [(agent_cert, True)] and checked.requester_name == "CONTOSO\\bob"


def drop_key(driver, entry_id):
    """Takes the key pair out of entry `entry_id`'s IndexedDB record (as when a browser lost
    it), leaving its certificate."""
    error = driver.execute_async_script("""
        const [id, done] = arguments;
        const open = indexedDB.open("certreq-web");
        open.onerror = () => done("open: " + open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction("requests", "readwrite");
          const store = tx.objectStore("requests");
          const get = store.get(id);
          get.onsuccess = () => { const r = get.result; delete r.keys; store.put(r); };
          tx.oncomplete = () => { open.result.close(); done(null); };
          tx.onerror = () => done("write: " + tx.error);
        };""", entry_id)
    assert error is None, error


def stored_records(driver):
    """Every IndexedDB record, as (id, state, whether it has keys), sorted."""
    return sorted(tuple(r) for r in driver.execute_async_script("""
        const done = arguments[0];
        const open = indexedDB.open("certreq-web");
        open.onsuccess = () => {
          const all = open.result.transaction("requests").objectStore("requests").getAll();
          all.onsuccess = () => {
            open.result.close();
            done(all.result.map(r => [r.id, r.state, r.keys !== undefined && r.keys !== null]));
          };
        };"""))


def count_key_generation(driver):
    """From now on, counts the page's calls of crypto.subtle.generateKey."""
    driver.execute_script("""
        window.__keysMade = 0;
        const subtle = crypto.subtle, real = subtle.generateKey.bind(subtle);
        subtle.generateKey = (...args) => { window.__keysMade += 1; return real(...args); };""")


@pytest.mark.parametrize("same_key", [True, False])
def test_renewing_an_entry_whose_key_is_gone_is_refused_before_any_key_is_made(app, ca, tmp_path,
                                                                             same_key):
    old_id, old_cert = issue(app, ca, tmp_path)
    drop_key(app, old_id)
    reload(app)
    before = stored_records(app)
    assert (old_id, "issued", False) in before
    # the store offers no Renew for it (nor the expiry reminder's Renew now)
    entry = item(app, old_id)
    assert not entry.find_elements(By.CSS_SELECTOR, '[data-testid^="entry-renew"]')
    # a renewal INF naming it, written by hand, is refused at Generate
    thumbprint = old_cert.fingerprint(hashes.SHA1()).hex().upper()
    fill_editor(app, f'[NewRequest]\r\nSubject = "{old_cert.subject.rfc4514_string()}"\r\n'
                     f'RequestType = PKCS7\r\nRenewalCert = "{thumbprint}"\r\n'
                     + ("UseExistingKeySet = TRUE\r\n" if same_key else ""))
    count_key_generation(app)
    button = by_testid(app, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    click(app, button)
    message = wait_for(lambda: (t := by_testid(app, "notice").text) and "renew" in t.lower() and t,
                       timeout=30, what="the refusal")
    assert "RenewalCert" in message and "without its key" in message, message
    assert thumbprint in message.replace(" ", "").upper(), message
    assert app.execute_script("return window.__keysMade") == 0, "no key was made"
    assert stored_records(app) == before, "nothing in the store changed"
    assert item(app, old_id).get_attribute("data-renewed") is None
