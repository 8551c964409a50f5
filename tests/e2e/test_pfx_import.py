"""Importing a PFX in headless Chromium, against the release build in dist/.

The PFX files are made by OpenSSL at test time (its default protection: AES-256-CBC, PBKDF2,
a SHA-256 MAC): a P-256 key with its certificate and the CA that issued it, an RSA key with a
self-signed certificate, and a certificate without its key. Imported keys are checked by
exporting them again (cryptography reads the PFX back) or by asking Web Crypto for them; a
wrong password, a PFX without a key and a key kept already are refused with the store
unchanged.
"""
import pathlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from selenium.webdriver.common.by import By

from browser import all_testid, by_testid, drop_file, open_app, wait_download, wait_for

PASSWORD = "import pässword 2"
SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

# The JS that tries to export the private key of the stored record `arguments[0]` (its id).
EXPORT_KEY = """
const [id, done] = arguments;
const open = indexedDB.open('certreq-web');
open.onerror = () => done({error: 'open failed'});
open.onsuccess = () => {
  const db = open.result;
  const get = db.transaction('requests').objectStore('requests').get(id);
  get.onsuccess = async () => {
    const rec = get.result;
    db.close();
    try {
      await crypto.subtle.exportKey('pkcs8', rec.keys.privateKey);
      done({exported: true, request: rec.request.length});
    } catch (e) {
      done({exported: false, error: e.name, request: rec.request.length});
    }
  };
};
"""

def openssl(*args, cwd):
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"openssl {' '.join(args)}:\n{proc.stderr}"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """OpenSSL's keys, certificates and PFX files."""
    d = tmp_path_factory.mktemp("pfx")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-subj", "/CN=e2e PFX CA", "-days", "30", cwd=d)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=pfx-import.example", cwd=d)
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-set_serial", "7", "-days", "30", "-out", "leaf.pem", cwd=d)
    openssl("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "ca.pem",
            "-name", "imported from OpenSSL", "-passout", f"pass:{PASSWORD}", "-out", "leaf.pfx",
            cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out",
            "rsa.pem", "-subj", "/CN=rsa-import.example", "-days", "30", cwd=d)
    openssl("pkcs12", "-export", "-inkey", "rsa.key", "-in", "rsa.pem", "-passout",
            f"pass:{PASSWORD}", "-out", "rsa.pfx", cwd=d)
    openssl("pkcs12", "-export", "-nokeys", "-in", "leaf.pem", "-passout", f"pass:{PASSWORD}",
            "-out", "nokey.pfx", cwd=d)
    return d


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("pfx-downloads")


@pytest.fixture(scope="module")
def app(downloads):
    with open_app(script_timeout=30, downloads=downloads) as driver:
        yield driver


def entry_ids(driver):
    return [e.get_attribute("data-id") for e in all_testid(driver, "store-item")]


def import_pfx(driver, path: pathlib.Path, password, extractable=False):
    """Opens `path` with the import input, types `password`, sets the checkbox, presses Import."""
    by_testid(driver, "import-pfx").send_keys(str(path))
    dialog = by_testid(driver, "import-dialog")
    assert path.name in dialog.text
    field = by_testid(driver, "import-password")
    field.clear()
    field.send_keys(password)
    box = by_testid(driver, "import-extractable")
    if box.is_selected() != extractable:
        box.click()
    by_testid(driver, "import-save").click()


def problem(driver):
    return wait_for(lambda: (p := all_testid(driver, "import-problem")) and p[0].text,
                    timeout=30, what="the import dialog's problem")


def new_entry(driver, before):
    return wait_for(lambda: [e for e in all_testid(driver, "store-item")
                             if e.get_attribute("data-id") not in before],
                    timeout=30, what="the imported entry")[0]


def field(entry, testid):
    return entry.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').text



def test_a_wrong_password_is_said_and_imports_nothing(app, files):
    before = entry_ids(app)
    import_pfx(app, files / "leaf.pfx", "not the password")
    assert "password is wrong" in problem(app)
    assert entry_ids(app) == before, "the store is unchanged"
    assert by_testid(app, "import-dialog").is_displayed(), "the dialog stays for another try"
    by_testid(app, "import-cancel").click()
    wait_for(lambda: not all_testid(app, "import-dialog"), timeout=10, what="the dialog to close")


def test_an_openssl_pfx_is_imported_with_its_key_and_chain_and_exports_again(app, files,
                                                                          downloads):
    before = entry_ids(app)
    import_pfx(app, files / "leaf.pfx", PASSWORD, extractable=True)
    entry = new_entry(app, before)
    wait_for(lambda: not all_testid(app, "import-dialog"), timeout=10, what="the dialog to close")
    assert entry.get_attribute("data-state") == "issued"
    assert "imported from OpenSSL" in entry.text, "the PFX's friendly name"
    assert field(entry, "entry-subject") == "CN=pfx-import.example"
    assert field(entry, "entry-issuer") == "CN=e2e PFX CA"
    assert field(entry, "entry-key") == "ECC P-256, exportable"
    assert "1 issuing certificate" in entry.text
    assert "imported" in by_testid(app, "notice").text

    # exported again, the PFX holds OpenSSL's key, its certificate and the CA's
    name = "imported_from_OpenSSL.pfx"  # the friendly name made safe
    (downloads / name).unlink(missing_ok=True)
    entry.find_element(By.CSS_SELECTOR, '[data-testid="export-pfx"]').click()
    by_testid(app, "pfx-password").send_keys(PASSWORD)
    by_testid(app, "pfx-confirm").send_keys(PASSWORD)
    by_testid(app, "pfx-save").click()
    key, cert, extra = pkcs12.load_key_and_certificates(wait_download(downloads, name),
                                                         PASSWORD.encode())
    original = serialization.load_pem_private_key((files / "leaf.key").read_bytes(), None)
    assert key.private_numbers() == original.private_numbers()
    assert cert == x509.load_pem_x509_certificate((files / "leaf.pem").read_bytes())
    assert extra == [x509.load_pem_x509_certificate((files / "ca.pem").read_bytes())]

    # the entry has no request: nothing to download as .req, submit or retrieve
    result = app.execute_async_script(EXPORT_KEY, entry.get_attribute("data-id"))
    assert result == {"exported": True, "request": 0}


def refused(app, pfx, why):
    """Imports `pfx`, which is refused (its dialog says `why`) with the store unchanged;
    closes the dialog."""
    before = entry_ids(app)
    import_pfx(app, pfx, PASSWORD)
    assert why in problem(app)
    assert entry_ids(app) == before
    by_testid(app, "import-cancel").click()


def test_a_key_kept_already_is_not_imported_twice(app, files):
    refused(app, files / "leaf.pfx", "kept here already, as “imported from OpenSSL”")


def test_a_pfx_without_a_key_is_refused(app, files):
    refused(app, files / "nokey.pfx", "holds no private key")


def test_a_certificate_that_is_not_the_keys_is_refused(app, files, tmp_path):
    # a P-256 key of its own beside the leaf certificate of another key (OpenSSL refuses to
    # write such a file; cryptography writes it when the certificate is not named the key's)
    from cryptography.hazmat.primitives.asymmetric import ec
    other = ec.generate_private_key(ec.SECP256R1())
    leaf = x509.load_pem_x509_certificate((files / "leaf.pem").read_bytes())
    pfx = tmp_path / "mismatch.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(
        b"mismatch", other, None, [leaf],
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    refused(app, pfx, "the PFX's certificate is not for its private key")


def test_the_keys_certificate_is_found_behind_another(app, files, tmp_path):
    # another party's end-entity certificate first, as a Java keystore may hold it: the
    # import takes the one for the key, not the first
    import datetime
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP384R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "behind.example")])
    now = datetime.datetime.now(datetime.timezone.utc)
    own = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
           .public_key(key.public_key()).serial_number(x509.random_serial_number())
           .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
           .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
           .sign(key, hashes.SHA384()))
    other = x509.load_pem_x509_certificate((files / "leaf.pem").read_bytes())
    pfx = tmp_path / "behind.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(
        b"behind", key, None, [other, own],
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    before = entry_ids(app)
    import_pfx(app, pfx, PASSWORD)
    entry = new_entry(app, before)
    wait_for(lambda: not all_testid(app, "import-dialog"), timeout=10, what="the dialog to close")
    assert field(entry, "entry-subject") == "CN=behind.example"
    assert field(entry, "entry-key") == "ECC P-384, not exportable"


def test_a_key_imported_as_not_exportable_never_leaves_the_browser(app, files):
    before = entry_ids(app)
    # dropped on the accept box: a PFX there is imported, not accepted
    box = app.find_element(By.CSS_SELECTOR, ".accept-box")
    drop_file(app, box, "rsa.pfx", (files / "rsa.pfx").read_bytes())
    by_testid(app, "import-password").send_keys(PASSWORD)
    assert not by_testid(app, "import-extractable").is_selected(), "not exportable by default"
    by_testid(app, "import-save").click()
    entry = new_entry(app, before)
    assert field(entry, "entry-subject") == "CN=rsa-import.example"
    assert field(entry, "entry-key") == "RSA 2048, not exportable"
    assert not entry.find_elements(By.CSS_SELECTOR, '[data-testid="export-pfx"]')
    entry_id = entry.get_attribute("data-id")
    result = app.execute_async_script(EXPORT_KEY, entry_id)
    assert result == {"exported": False, "error": "InvalidAccessError", "request": 0}

    # it is kept: after a reload the entry is listed with its certificate and key
    app.refresh()
    wait_for(lambda: entry_id in entry_ids(app), timeout=30, what="the entry after a reload")
    entry = app.find_element(By.CSS_SELECTOR, f'[data-testid="store-item"][data-id="{entry_id}"]')
    wait_for(lambda: field(entry, "entry-key") == "RSA 2048, not exportable", timeout=30,
             what="the entry's key and certificate after a reload")
    assert field(entry, "entry-subject") == "CN=rsa-import.example"
