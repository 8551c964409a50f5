"""Renewal in headless Chromium against devca (same origin, as in test_enroll): an issued entry's
Renew opens the renewal INF read from its certificate; Generate makes a PKCS #7 renewal signed
by the old entry's key (OpenSSL verifies it and names the old certificate as its signer);
Submit sends it to the CA, which checks it and issues; the new certificate is attached to the
new entry (same key: the same public key; new key: another), chained to devca's CA, and the
old entry stays, marked renewed. The old key is non-extractable. A reload between Generate and
Submit loses nothing. The expiry reminder's Renew now opens the same renewal.

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
import base64
import re
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from selenium.webdriver.common.by import By

from browser import all_testid, by_testid, wait_for
from test_enroll import click, devca_and_app, disposition, generate, item, openssl_verify


downloads, ca, app = devca_and_app("renew", policy="issue")


def submit_entry(driver, entry_id) -> int:
    """Submits stored entry `entry_id` from the store list; waits until it is issued and
    returns the CA's request id."""
    button = item(driver, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-submit"]')
    click(driver, button)
    status, text = disposition(driver)
    assert status == "issued", text
    wait_for(lambda: item(driver, entry_id).get_attribute("data-state") == "issued", timeout=30,
             what="the entry to become issued")
    return int(by_testid(driver, "request-id").text)


def issue(driver, ca, tmp_path):
    """A client certificate issued for a key kept in the browser: (entry id, certificate)."""
    entry_id, _ = generate(driver, "client-auth")
    request_id = submit_entry(driver, entry_id)
    path = tmp_path / f"{entry_id}.pem"
    path.write_bytes(ca.certificate(request_id))
    return entry_id, x509.load_pem_x509_certificate(path.read_bytes())


def renew(driver, entry_id, same_key: bool):
    """Renew on the entry, then Generate: (new entry id, request DER)."""
    editor = by_testid(driver, "inf-editor")
    testid = "entry-renew" if same_key else "entry-renew-new-key"
    item(driver, entry_id).find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').click()
    text = wait_for(lambda: (t := editor.get_property("value")) and "RenewalCert" in t and t,
                    timeout=30, what="the renewal INF in the editor")
    assert ("UseExistingKeySet = TRUE" in text) == same_key, text
    assert "RequestType = PKCS7" in text
    before = {e.get_attribute("data-id") for e in all_testid(driver, "store-item")}
    button = by_testid(driver, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()
    new = wait_for(lambda: [e for e in all_testid(driver, "store-item")
                            if e.get_attribute("data-id") not in before],
                   timeout=120, what="the renewal's store entry")
    new_id = new[0].get_attribute("data-id")
    assert new[0].get_attribute("data-renews") == entry_id
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
    text = wait_for(lambda: (t := editor.get_property("value")) and "RenewalCert" in t and t,
                    timeout=30, what="the renewal INF in the editor")
    assert thumbprint in text.lower().replace(" ", ""), text
