"""The app's features in headless Chromium, against the release build in dist/:
the template gallery, opening INF files, the decoder, key reuse (UseExistingKeySet),
non-exportable keys, and deleting stored keys.

Every request the browser makes is checked by OpenSSL, `cryptography` and Go (cfssl).
"""
import pathlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from selenium.webdriver.common.by import By

from browser import (all_testid, browser_errors, by_testid, drop_file, fill_editor, open_app,
                     persistence_said, wait_for)
from checkers import check_request
from conftest import corpus_dir

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = corpus_dir()
TEMPLATES = ROOT / "www" / "templates"

# The JS that reads the newest stored record from IndexedDB and tries to export its private key.
EXPORT_NEWEST_KEY = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open('certreq-web');
open.onerror = () => done({error: 'open failed'});
open.onsuccess = () => {
  const db = open.result;
  const all = db.transaction('requests').objectStore('requests').getAll();
  all.onsuccess = async () => {
    const records = all.result.sort((a, b) => a.created - b.created);
    const rec = records[records.length - 1];
    db.close();
    try {
      const pkcs8 = await crypto.subtle.exportKey('pkcs8', rec.keys.privateKey);
      done({exported: true, name: rec.friendly_name, der: Array.from(new Uint8Array(pkcs8))});
    } catch (e) {
      done({exported: false, name: rec.friendly_name, error: e.name});
    }
  };
};
"""


@pytest.fixture(scope="module")
def app():
    with open_app(script_timeout=30) as driver:
        yield driver


def editor_text(driver):
    return by_testid(driver, "inf-editor").get_property("value")


def current_pem(driver):
    found = all_testid(driver, "request-pem")
    return found[0].text if found else ""


def generate_current(driver, tmp_path, name="request.req"):
    """Clicks Generate, waits for a new PEM, and has three parsers check it."""
    before = current_pem(driver)
    button = by_testid(driver, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()
    pem = wait_for(lambda: (p := current_pem(driver)) != before and "END NEW CERTIFICATE REQUEST" in p and p,
                   timeout=120, what="a new request PEM")
    out = tmp_path / name
    out.write_text(pem)
    return check_request(out, tmp_path), pem


def use_template(driver, template_id):
    gallery = by_testid(driver, "template-gallery")
    gallery.find_element(By.CSS_SELECTOR, f'button[data-template="{template_id}"]').click()
    expected = (TEMPLATES / f"{template_id}.inf").read_text()
    wait_for(lambda: editor_text(driver) == expected, timeout=10, what=f"the {template_id} template")


def eku(checked):
    return set(checked.csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def san(checked):
    return checked.csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def inf_value(text, key):
    """The value of `key` in an INF's [NewRequest] (unquoted, without a trailing comment)."""
    for line in text.splitlines():
        name, eq, value = line.partition("=")
        if eq and name.strip().lower() == key.lower():
            return value.split(";")[0].strip().strip('"')
    return None


def expected_preview(text):
    """What the preview must show for an INF, read from the INF itself: the type, the key (as
    "RSA 2048-bit, not exportable"), the signature and the subject's common name."""
    algorithm = inf_value(text, "KeyAlgorithm") or "RSA"
    if algorithm.upper().startswith("ECDSA_P"):
        key, signature = f"ECDSA P-{algorithm[7:]}", "ecdsa-with-SHA256"
    else:
        key, signature = f"RSA {inf_value(text, 'KeyLength')}-bit", "sha256WithRSAEncryption"
    exportable = (inf_value(text, "Exportable") or "FALSE").upper() == "TRUE"
    key += ", exportable" if exportable else ", not exportable"
    kind = {"PKCS10": "PKCS #10", "CERT": "self-signed certificate"}[
        (inf_value(text, "RequestType") or "PKCS10").upper()]
    cn = inf_value(text, "Subject").split(",")[0].strip()
    return kind, key, signature, cn


def test_the_gallery_offers_every_template_file(app):
    ids = sorted(p.stem for p in TEMPLATES.glob("*.inf"))
    assert ids == ["client-auth", "code-signing", "domain-controller", "ecdsa-device",
                   "self-signed", "smime", "subca", "tls-server"]

    # the built app's gallery offers exactly these, and each opens its file in the editor
    # with no problems and the request it describes in the preview
    gallery = by_testid(app, "template-gallery")
    offered = [b.get_attribute("data-template")
               for b in gallery.find_elements(By.CSS_SELECTOR, "button[data-template]")]
    assert sorted(offered) == ids
    for template_id in offered:
        text = (TEMPLATES / f"{template_id}.inf").read_text()
        use_template(app, template_id)
        assert by_testid(app, "diagnostics").find_elements(By.CSS_SELECTOR, "li") == [], \
            f"{template_id}: diagnostics shown"
        assert "no problems found" in app.find_element(By.ID, "h-diag").text, template_id
        kind, key, signature, cn = expected_preview(text)
        preview = wait_for(lambda: (p := by_testid(app, "preview")).tag_name == "dl" and p,
                           timeout=10, what=f"the {template_id} preview")
        facts = dict(zip([dt.text for dt in preview.find_elements(By.CSS_SELECTOR, ":scope > dt")],
                         [dd.text for dd in preview.find_elements(By.CSS_SELECTOR, ":scope > dd")]))
        assert facts["Type"] == kind, (template_id, facts)
        assert facts["Key"] == key, (template_id, facts)
        assert facts["Signature"] == signature, (template_id, facts)
        assert cn in facts["Subject (encoded order)"].split("\n"), (template_id, facts)
        assert ("Validity" in facts) == (kind == "self-signed certificate"), (template_id, facts)
        button = by_testid(app, "generate")
        assert button.is_enabled(), template_id
        assert button.text == ("Generate key and self-signed certificate"
                               if kind == "self-signed certificate"
                               else "Generate key and request"), template_id


def test_tls_server_template(app, tmp_path):
    use_template(app, "tls-server")
    checked, _ = generate_current(app, tmp_path)
    assert checked.key_description == "RSA-2048"
    assert san(checked).get_values_for_type(x509.DNSName) == ["www.example.com", "example.com"]
    assert eku(checked) == {ExtendedKeyUsageOID.SERVER_AUTH}


def test_client_auth_template(app, tmp_path):
    use_template(app, "client-auth")
    checked, _ = generate_current(app, tmp_path)
    assert eku(checked) == {ExtendedKeyUsageOID.CLIENT_AUTH}
    assert san(checked).get_values_for_type(x509.RFC822Name) == ["jane.doe@example.com"]


def test_smime_template_and_its_key_is_exportable(app, tmp_path):
    use_template(app, "smime")
    checked, _ = generate_current(app, tmp_path)
    assert eku(checked) == {ExtendedKeyUsageOID.EMAIL_PROTECTION}
    assert san(checked).get_values_for_type(x509.RFC822Name) == ["jane.doe@example.com"]
    ku = checked.csr.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.key_encipherment
    assert checked.extension("1.2.840.113549.1.9.15") is not None, "S/MIME capabilities"

    # Exportable = TRUE: the stored private key comes out as PKCS#8 for the request's public key
    result = app.execute_async_script(EXPORT_NEWEST_KEY)
    assert result["exported"], result
    assert result["name"] == "Jane Doe S/MIME"
    key = serialization.load_der_private_key(bytes(result["der"]), password=None)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert (key.public_key().public_bytes(serialization.Encoding.DER, public)
            == checked.csr.public_key().public_bytes(serialization.Encoding.DER, public))


def test_code_signing_template_and_its_key_refuses_export(app, tmp_path):
    use_template(app, "code-signing")
    checked, _ = generate_current(app, tmp_path)
    assert checked.key_description == "RSA-3072"
    assert eku(checked) == {ExtendedKeyUsageOID.CODE_SIGNING}

    # no Exportable = TRUE: Web Crypto itself refuses to hand the key out
    result = app.execute_async_script(EXPORT_NEWEST_KEY)
    assert result["name"] == "Example Ltd code signing"
    assert result == {"exported": False, "name": "Example Ltd code signing",
                      "error": "InvalidAccessError"}


def test_domain_controller_template(app, tmp_path):
    use_template(app, "domain-controller")
    checked, _ = generate_current(app, tmp_path)
    assert eku(checked) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    assert san(checked).get_values_for_type(x509.DNSName) == ["dc01.corp.example.com",
                                                             "corp.example.com"]
    assert "1.3.6.1.4.1.311.13.2.1" in checked.attribute_oids, "enrollment name-value pair"
    assert "DomainController".encode("utf-16-be") in checked.der


def test_ecdsa_device_template(app, tmp_path):
    use_template(app, "ecdsa-device")
    checked, _ = generate_current(app, tmp_path)
    assert checked.key_description == "EC-secp256r1"
    assert checked.csr.signature_algorithm_oid.dotted_string == "1.2.840.10045.4.3.2"


def test_subca_template(app, tmp_path):
    use_template(app, "subca")
    checked, _ = generate_current(app, tmp_path)
    assert checked.key_description == "RSA-4096"
    bc = checked.csr.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 0
    ku = checked.csr.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign and not ku.digital_signature
    assert "SubCA".encode("utf-16-be") in checked.der


def test_a_template_replaces_the_text_and_it_can_be_restored(app):
    fill_editor(app, '[NewRequest]\nSubject = "CN=mine"\n')
    use_template(app, "ecdsa-device")
    by_testid(app, "restore-text").click()
    wait_for(lambda: editor_text(app) == '[NewRequest]\nSubject = "CN=mine"\n', timeout=10,
             what="the previous text back")


def test_opening_a_utf16_inf_file_fills_the_editor(app, tmp_path):
    text = '[NewRequest]\r\nSubject = "CN=Zoë Müller, O=Example"\r\nKeyAlgorithm = ECDSA_P256\r\n'
    path = tmp_path / "unicode.inf"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    by_testid(app, "open-inf").send_keys(str(path))
    wait_for(lambda: editor_text(app) == text.replace("\r\n", "\n") or editor_text(app) == text,
             timeout=10, what="the file's text in the editor")
    status = by_testid(app, "editor-status").text
    assert "unicode.inf" in status and "UTF-16LE" in status
    checked, _ = generate_current(app, tmp_path)
    assert checked.subject == "CN=Zoë Müller,O=Example"


def test_the_decoder_reads_a_real_certificate_file(app):
    cert = CORPUS / "resp" / "002-hvasudeva-certnew-cer.cer"
    assert cert.exists(), f"{cert} is missing (set CERTREQ_CORPUS to the shared corpus)"
    by_testid(app, "decode-file").send_keys(str(cert))
    output = wait_for(lambda: (o := by_testid(app, "decode-output")).get_attribute("data-kind") and o,
                      timeout=10, what="the decoded certificate")
    assert output.get_attribute("data-kind") == "certificate"
    text = output.text
    for fact in ["www.sdhonaz.capgemini.com", "CapgeminiPKIIssuingCA1", "Hyderabad",
                 "dl_sdh_leads.in@capgemini.com"]:
        assert fact in text, f"{fact} missing from:\n{text}"
    assert "BEGIN CERTIFICATE" in by_testid(app, "decode-input").get_property("value")


def test_the_decoder_reads_a_request_just_made(app, tmp_path):
    use_template(app, "tls-server")
    _, pem = generate_current(app, tmp_path)
    box = by_testid(app, "decode-input")
    app.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", box, pem)
    output = wait_for(lambda: (o := by_testid(app, "decode-output")).get_attribute("data-kind") and o,
                      timeout=10, what="the decoded request")
    assert output.get_attribute("data-kind") == "certificate request"
    text = output.text
    for fact in ["www.example.com", "NEW CERTIFICATE REQUEST", "example.com"]:
        assert fact in text, f"{fact} missing from:\n{text}"
    # the tree is keyboard usable: its branches are <details> with focusable summaries
    assert output.find_elements(By.CSS_SELECTOR, "details > summary")


def test_use_existing_key_set_reuses_the_named_key(app, tmp_path):
    first = '[NewRequest]\nSubject = "CN=first"\nKeyAlgorithm = ECDSA_P256\nKeyContainer = "e2e-key"\n'
    fill_editor(app, first)
    a, _ = generate_current(app, tmp_path, "a.req")
    fill_editor(app, '[NewRequest]\nSubject = "CN=second"\nKeyAlgorithm = ECDSA_P256\n'
                     'KeyContainer = "e2e-key"\nUseExistingKeySet = TRUE\n')
    b, _ = generate_current(app, tmp_path, "b.req")
    assert b.subject == "CN=second"
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert (a.csr.public_key().public_bytes(serialization.Encoding.DER, public)
            == b.csr.public_key().public_bytes(serialization.Encoding.DER, public)), "the same key"
    texts = app.execute_script(
        "return [...document.querySelectorAll('[data-testid=store-item]')].map(e => e.textContent)")
    assert len([t for t in texts if "e2e-key" in t]) == 1, "the entry is updated in place"

    fill_editor(app, '[NewRequest]\nSubject = "CN=third"\nKeyAlgorithm = ECDSA_P256\n'
                     'KeyContainer = "nobody-has-this"\nUseExistingKeySet = TRUE\n')
    count = app.execute_script("return document.querySelectorAll('[data-testid=store-item]').length")
    by_testid(app, "generate").click()
    notice = wait_for(lambda: (n := all_testid(app, "notice")) and "nobody-has-this" in n[0].text and n[0],
                      timeout=10, what="the missing-key notice")
    assert "error" in notice.get_attribute("class")
    assert app.execute_script(
        "return document.querySelectorAll('[data-testid=store-item]').length") == count, "no key made"


def test_persistence_is_reported_and_deleting_asks_first(app, tmp_path):
    use_template(app, "ecdsa-device")
    generate_current(app, tmp_path)
    # a key is kept: the browser was asked to keep storage, and the panel says its answer
    persistence_said(app)
    ids = "return [...document.querySelectorAll('[data-testid=store-item]')].map(e => e.dataset.id)"
    doomed = wait_for(lambda: app.execute_script(ids), timeout=10, what="a stored entry")[0]
    # the newest is listed first; look the button up afresh (the list re-renders)
    app.find_element(By.CSS_SELECTOR, f'[data-id="{doomed}"] button.danger').click()
    alert = app.switch_to.alert
    assert "private key" in alert.text
    alert.accept()
    wait_for(lambda: doomed not in app.execute_script(ids), timeout=10, what="the entry to go")
    assert not browser_errors(app)


def test_files_dropped_on_the_page_go_to_the_editor_or_the_decoder(app):
    page = app.find_element(By.CSS_SELECTOR, ".app")
    text = '[NewRequest]\nSubject = "CN=dropped"\n'
    # Windows-1252 ("ANSI") bytes are read as such
    drop_file(app, page, "dropped.inf", (text + "; caf\xe9\n").encode("cp1252"))
    wait_for(lambda: editor_text(app) == text + "; café\n", timeout=10, what="the dropped INF")
    assert "Windows-1252" in by_testid(app, "editor-status").text

    cert = CORPUS / "resp" / "002-hvasudeva-certnew-cer.cer"
    assert cert.exists(), f"{cert} is missing (set CERTREQ_CORPUS to the shared corpus)"
    der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    drop_file(app, page, "cert.der", der)
    wait_for(lambda: by_testid(app, "decode-output").get_attribute("data-kind") == "certificate"
             and "CapgeminiPKIIssuingCA1" in by_testid(app, "decode-output").text,
             timeout=10, what="the dropped DER certificate decoded")
    assert editor_text(app) == text + "; café\n", "a certificate does not replace the INF"

    # a PEM certificate saved as .txt, and UTF-16 with a byte-order mark (PowerShell 5's '>')
    pem = cert.read_bytes().decode()
    drop_file(app, page, "cert.txt", b"\xff\xfe" + pem.encode("utf-16-le"))
    wait_for(lambda: by_testid(app, "decode-output").get_attribute("data-kind") == "certificate"
             and by_testid(app, "decode-input").get_property("value").startswith("-----BEGIN"),
             timeout=10, what="the UTF-16 .txt certificate decoded, its text in the box")
    assert editor_text(app) == text + "; café\n", "a .txt certificate does not replace the INF"
    assert by_testid(app, "decode-input").get_property("value").replace("\r\n", "\n") \
        == pem.replace("\r\n", "\n")


def test_a_large_crl_shows_its_first_entries_and_how_many_more(app):
    """A CA's CRL can list tens of thousands of certificates; the tree shows 200 of them."""
    import datetime
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(x509.Name.from_rfc4514_string("CN=Big CRL CA"))
               .last_update(now).next_update(now + datetime.timedelta(days=7)))
    for serial in range(1, 5001):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    crl = builder.sign(key, hashes.SHA256())
    page = app.find_element(By.CSS_SELECTOR, ".app")
    drop_file(app, page, "big.crl", crl.public_bytes(serialization.Encoding.DER))
    output = wait_for(lambda: (o := by_testid(app, "decode-output")).get_attribute("data-kind")
                      == "CRL" and o, timeout=30, what="the CRL decoded")
    more = by_testid(app, "dump-more")
    assert more.text == "… and 4800 more, not shown"
    serials = app.execute_script(
        "return [...arguments[0].querySelectorAll('.dump-label')]"
        ".filter(e => e.textContent === 'Serial Number').length", output)
    assert serials == 200
    assert "Revoked Certificates: 5000" in output.text
    assert not browser_errors(app)


def test_the_reference_panel_follows_the_caret_and_is_fetched_only_then(app):
    def tools_fetches():
        names = app.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        return [n for n in names if n.endswith("/certreq-tools.wasm")]

    # (this module shares one page, so the decoder tests above may have fetched the tools module
    # already; test_app.py checks that a fresh page does not)
    before = len(tools_fetches())
    text = ('[NewRequest]\nSubject = "CN=doc.example"\nKeyLength = 3072\nExportabel = TRUE\n\n'
            '[Extensions]\n2.5.29.17 = "{text}dns=doc.example"\n')
    editor = fill_editor(app, text)

    def caret_on(word):
        app.execute_script(
            "const el = arguments[0], at = el.value.indexOf(arguments[1]) + 1;"
            "el.focus(); el.setSelectionRange(at, at);"
            "el.dispatchEvent(new MouseEvent('click', {bubbles: true}));", editor, word)

    def panel_says(*parts):
        return wait_for(lambda: all(p in (t := by_testid(app, "key-doc").text) for p in parts) and t,
                        timeout=20, what=f"the reference panel to say {parts}")

    caret_on("KeyLength")
    page = panel_says("[NewRequest] KeyLength", "The size of the key", "Acts on", "KeyLength = 2048")
    assert "Looking it up" not in page
    assert len(tools_fetches()) == max(before, 1)
    caret_on("[Extensions]")
    panel_says("[Extensions]", "one line per extension keyed by its OID")
    caret_on("2.5.29.17")
    panel_says("[Extensions] 2.5.29.17")
    caret_on("Exportabel")
    panel_says("[NewRequest] Exportabel", "certreq does not know this key here.")
    assert len(tools_fetches()) == max(before, 1), "the module is fetched once"
    assert browser_errors(app) == []
