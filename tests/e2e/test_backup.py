"""Backing up and restoring the key store in headless Chromium, against the release build in
dist/ served by devca (which holds a request pending, then issues it when approved).

The store holds an issued entry (RSA, exportable, with the CA's chain), a pending one with its
CA request id (P-256, exportable, a named container) and one whose key was made non-exportable.
The backup is one PKCS #12 file: OpenSSL and `cryptography` open it, and the locked key is not
in it. After the site's data is cleared, a wrong password, a cut or altered file and a file of a
newer format are refused with the store still empty; the right password brings back the
exportable entries with working keys (a new request signed by the restored key verifies with
OpenSSL) and names the locked one as lost; restoring again adds nothing and says so. A renewal
restored into a store that holds what it renews under another id (imported from a PFX) links to
that entry; an unsent request made again with its key since the backup is not restored beside
itself.
"""
import base64
import pathlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser import all_testid, by_testid, fill_editor, persistence_said, wait_for
from test_enroll import (approve_and_retrieve, click, devca_and_app, disposition, entry_button,
                         fresh, generate, item, notice, submit_pending, wait_download)

downloads, ca, app = devca_and_app("backup", policy="pending")

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "backup pässword 7"
BACKUP = "certreq-web-backup.p12"
SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

ISSUED_INF = """[NewRequest]
Subject = "CN=backup-issued.example"
FriendlyName = "issued, exportable"
KeyAlgorithm = RSA
KeyLength = 2048
Exportable = TRUE
"""
PENDING_INF = """[NewRequest]
Subject = "CN=backup-pending.example"
FriendlyName = "pending, exportable"
KeyAlgorithm = ECDSA_P256
KeyContainer = "backup-pending"
Exportable = TRUE
"""
LOCKED_INF = """[NewRequest]
Subject = "CN=backup-locked.example"
FriendlyName = "locked key"
KeyAlgorithm = ECDSA_P256
Exportable = FALSE
"""

# Every record in IndexedDB: id, name, state, request id, the public key (base64 SPKI),
# whether Web Crypto hands out the private key, the certificate and its chain (base64) and the
# CA it was sent to (URL and protocol).
RECORDS = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open('certreq-web');
open.onerror = () => done({error: String(open.error)});
open.onupgradeneeded = () => open.result.createObjectStore('requests', {keyPath: 'id'});
open.onsuccess = () => {
  const db = open.result;
  const all = db.transaction('requests').objectStore('requests').getAll();
  all.onsuccess = async () => {
    db.close();
    const out = [];
    for (const r of all.result) {
      let spki = null, exportable = false;
      if (r.keys) {
        spki = btoa(String.fromCharCode(...new Uint8Array(
          await crypto.subtle.exportKey('spki', r.keys.publicKey))));
        try { await crypto.subtle.exportKey('pkcs8', r.keys.privateKey); exportable = true; }
        catch (e) { exportable = false; }
      }
      const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
      out.push({id: r.id, name: r.friendly_name, state: r.state,
                request_id: r.request_id ?? null, spki, exportable,
                certificate: r.certificate ? b64(r.certificate) : null,
                chain: (r.chain || []).map(b64),
                ca: r.ca_url ? [r.ca_url, r.ca_protocol] : null});
    }
    out.sort((a, b) => a.name < b.name ? -1 : 1);
    done(out);
  };
};
"""


# A write of 100 bytes to a database of its own: "ok", or the error's name.
PROBE_QUOTA = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open('certreq-quota-probe', 1);
open.onupgradeneeded = () => open.result.createObjectStore('s');
open.onsuccess = () => {
  const tx = open.result.transaction('s', 'readwrite');
  tx.objectStore('s').put(new Uint8Array(100), 'k');
  tx.oncomplete = () => { open.result.close(); done('ok'); };
  tx.onabort = () => { open.result.close(); done(tx.error ? tx.error.name : 'abort'); };
};
open.onerror = () => done(String(open.error));
"""


def records(driver):
    got = driver.execute_async_script(RECORDS)
    assert not isinstance(got, dict), got
    return got


def run(*args, stdin=None):
    proc = subprocess.run(list(args), capture_output=True, input=stdin)
    assert proc.returncode == 0, f"{args}: {proc.stderr.decode(errors='replace')}"
    return proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")


def backup_dialog_problem(driver):
    return wait_for(lambda: (p := all_testid(driver, "backup-problem")) and p[0].text,
                    timeout=60, what="the backup dialog's problem")


def restore(driver, path: pathlib.Path, password):
    """Picks `path` to restore, types `password`, presses Restore."""
    for d in all_testid(driver, "backup-cancel"):
        d.click()
    wait_for(lambda: not all_testid(driver, "backup-dialog"), timeout=10, what="no dialog")
    picker = by_testid(driver, "restore-file")
    driver.execute_script("arguments[0].value = ''", picker)
    picker.send_keys(str(path))
    assert path.name in by_testid(driver, "backup-dialog").text
    by_testid(driver, "backup-password").send_keys(password)
    by_testid(driver, "backup-save").click()


@pytest.fixture(scope="module")
def store(app, ca):
    """The three entries, made through the app; returns their records as IndexedDB has them."""
    issued, _ = generate(app, inf=ISSUED_INF)
    approve_and_retrieve(app, ca, issued, submit_pending(app))

    generate(app, inf=PENDING_INF)
    submit_pending(app)
    generate(app, inf=LOCKED_INF)
    got = records(app)
    assert [(r["name"], r["state"], r["exportable"]) for r in got] == [
        ("issued, exportable", "issued", True),
        ("locked key", "pending", False),
        ("pending, exportable", "pending", True),
    ]
    assert got[2]["request_id"] is not None
    # what a restore must bring back beside the keys: the CA each was sent to (none for the
    # one never sent) and the issued certificate's chain (Web Enrollment's certnew.p7b)
    assert [r["ca"] is not None for r in got] == [True, False, True], got
    assert got[0]["certificate"] and got[0]["chain"], got[0]
    return got


@pytest.fixture(scope="module")
def backup_file(app, store, downloads):
    fresh(downloads, BACKUP)
    by_testid(app, "backup-open").click()
    locked = by_testid(app, "backup-locked").text
    assert "locked key" in locked and "never restorable elsewhere" in locked, locked
    # each named with what tells it from another of the same name
    assert "“locked key” (not sent to a CA)" in locked, locked
    by_testid(app, "backup-password").send_keys(PASSWORD)
    by_testid(app, "backup-confirm").send_keys(PASSWORD + "x")
    by_testid(app, "backup-save").click()
    assert "differ" in backup_dialog_problem(app)
    by_testid(app, "backup-confirm").send_keys(Keys.BACKSPACE)
    by_testid(app, "backup-save").click()
    data = wait_download(downloads, BACKUP, timeout=60)
    said = wait_for(lambda: BACKUP in notice(app) and notice(app), timeout=30, what="the notice")
    assert "3 entries, 2 private keys" in said, said
    assert "“locked key”" in said and "cannot be restored elsewhere" in said, said
    path = downloads / "store-backup.p12"
    path.write_bytes(data)
    return path


def test_the_backup_opens_in_openssl_and_cryptography_without_the_locked_key(
        backup_file, store, ca):
    out = run("openssl", "pkcs12", "-info", "-nodes", "-in", str(backup_file),
              "-passin", f"pass:{PASSWORD}")
    assert out.count("-----BEGIN PRIVATE KEY-----") == 2, out
    assert "MAC: sha256" in out and "AES-256-CBC" in out, out
    assert "Secret bag" in out, "the entries' record"
    subjects = [x509.load_pem_x509_certificate(b).subject.rfc4514_string()
                for b in x509_pems(out)]
    assert "CN=backup-issued.example" in subjects, subjects

    p = pkcs12.load_pkcs12(backup_file.read_bytes(), PASSWORD.encode())
    assert p.cert is not None and p.key is not None
    assert p.cert.certificate.subject.rfc4514_string() == "CN=backup-issued.example"
    assert p.key.public_key().public_bytes(*SPKI) == p.cert.certificate.public_key().public_bytes(
        *SPKI), "the first key is the issued entry's, with its certificate"

    # every private key in the file, as OpenSSL prints them: the two exportable ones only
    keys = [serialization.load_pem_private_key(k, None) for k in key_pems(out)]
    spkis = sorted(base64.b64encode(k.public_key().public_bytes(*SPKI)).decode()
                   for k in keys)
    by_name = {r["name"]: r for r in store}
    assert spkis == sorted([by_name["issued, exportable"]["spki"],
                            by_name["pending, exportable"]["spki"]])
    assert by_name["locked key"]["spki"] not in spkis


def x509_pems(text):
    return [b"-----BEGIN CERTIFICATE-----" + part.split("-----END CERTIFICATE-----")[0].encode()
            + b"-----END CERTIFICATE-----\n" for part in text.split("-----BEGIN CERTIFICATE-----")[1:]]


def key_pems(text):
    return [b"-----BEGIN PRIVATE KEY-----" + part.split("-----END PRIVATE KEY-----")[0].encode()
            + b"-----END PRIVATE KEY-----\n" for part in text.split("-----BEGIN PRIVATE KEY-----")[1:]]


def test_the_locked_key_is_refused_by_web_crypto(app, store):
    """The backup asks the browser for each key; a non-extractable one is refused there."""
    locked = next(r for r in store if r["name"] == "locked key")
    result = app.execute_async_script("""
const [id, done] = arguments;
const open = indexedDB.open('certreq-web');
open.onsuccess = () => {
  const get = open.result.transaction('requests').objectStore('requests').get(id);
  get.onsuccess = () => crypto.subtle.exportKey('pkcs8', get.result.keys.privateKey)
    .then(() => done('exported'), e => done(e.name));
};""", locked["id"])
    assert result == "InvalidAccessError"


@pytest.fixture(scope="module")
def cleared(app, ca, backup_file, store):
    """The site's data cleared (IndexedDB deleted), the page loaded again."""
    clear_site(app, ca)
    assert not all_testid(app, "store-item")
    return True


def clear_site(app, ca):
    app.execute_cdp_cmd("Storage.clearDataForOrigin",
                        {"origin": ca.origin, "storageTypes": "all"})
    app.refresh()
    by_testid(app, "inf-editor")
    wait_for(lambda: records(app) == [], timeout=30, what="an empty store")


def refused(app, path, password, words, kept=()):
    """Restoring `path` is refused with `words`; the store still holds exactly `kept` (its
    records as `records` gives them) and lists as many entries."""
    restore(app, path, password)
    said = backup_dialog_problem(app)
    assert words in said, said
    assert records(app) == list(kept), "the store is unchanged"
    assert len(all_testid(app, "store-item")) == len(kept)
    by_testid(app, "backup-cancel").click()


def test_a_wrong_password_is_refused_and_restores_nothing(app, cleared, backup_file):
    refused(app, backup_file, "not the password", "the password is wrong")


def test_a_cut_file_is_refused(app, cleared, backup_file, tmp_path):
    cut = tmp_path / "cut.p12"
    cut.write_bytes(backup_file.read_bytes()[:-100])
    refused(app, cut, PASSWORD, "damaged, cut short")


def test_an_altered_file_is_refused(app, cleared, backup_file, tmp_path):
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = tmp_path / "altered.p12"
    altered.write_bytes(bytes(data))
    refused(app, altered, PASSWORD, "the file was altered")


def test_a_newer_format_is_refused(app, cleared):
    # written by the tools module's test `a_newer_format_is_refused_by_name`: format 3
    refused(app, ROOT / "tests/data/backup-format-3.p12", "newer", "newer certreq-web")


def test_a_plain_pfx_is_not_taken_for_a_backup(app, cleared, tmp_path):
    d = tmp_path
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", str(d / "k.pem"), "-out", str(d / "c.pem"), "-subj", "/CN=plain",
        "-days", "2")
    run("openssl", "pkcs12", "-export", "-inkey", str(d / "k.pem"), "-in", str(d / "c.pem"),
        "-passout", "pass:plain", "-out", str(d / "plain.p12"))
    refused(app, d / "plain.p12", "plain", "not a certreq-web backup")


@pytest.fixture(scope="module")
def restored(app, cleared, backup_file, store):
    restore(app, backup_file, PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the restore's report")
    wait_for(lambda: len(all_testid(app, "store-item")) == 2, timeout=30,
             what="the restored entries listed")
    return report


def test_restore_brings_back_the_exportable_entries_and_names_the_lost(app, restored, store):
    assert "Restored 2 entries." in restored, restored
    lost = by_testid(app, "restore-lost")
    assert "cannot be restored here" in lost.text
    assert "“locked key” (not sent to a CA)" in restored
    assert "“issued, exportable” (issued to " in by_testid(app, "restore-added").text
    got = records(app)
    want = [r for r in store if r["name"] != "locked key"]
    assert got == want, "the same ids, states, request ids, keys, certificates, chains and CAs"
    by_testid(app, "backup-cancel").click()
    issued = item(app, want[0]["id"])
    assert issued.get_attribute("data-state") == "issued"
    assert issued.find_element(By.CSS_SELECTOR, '[data-testid="entry-subject"]').text == \
        "CN=backup-issued.example"
    pending = item(app, want[1]["id"])
    assert pending.find_element(By.CSS_SELECTOR, '[data-testid="request-id"]').text == \
        str(want[1]["request_id"])


def test_a_restored_key_signs_a_new_request_that_openssl_verifies(app, restored, store,
                                                                  tmp_path):
    pending = next(r for r in store if r["name"] == "pending, exportable")
    fill_editor(app, '[NewRequest]\nSubject = "CN=after-restore.example"\n'
                     'KeyAlgorithm = ECDSA_P256\nKeyContainer = "backup-pending"\n'
                     'UseExistingKeySet = TRUE\n')
    button = by_testid(app, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()

    def made():
        found = all_testid(app, "request-pem")
        text = found[0].text if found else ""
        if "BEGIN" not in text:
            return False
        subject = x509.load_pem_x509_csr(text.encode()).subject.rfc4514_string()
        return subject == "CN=after-restore.example" and text
    pem = wait_for(made, timeout=60, what="the request signed by the restored key")
    path = tmp_path / "after.req"
    path.write_text(pem)
    out = run("openssl", "req", "-in", str(path), "-noout", "-verify")
    assert "verify OK" in out or "Certificate request self-signature verify OK" in out, out
    csr = x509.load_pem_x509_csr(pem.encode())
    assert base64.b64encode(csr.public_key().public_bytes(*SPKI)).decode() == \
        pending["spki"], "signed by the restored key"


def test_a_refused_restore_leaves_a_store_with_entries_as_it_was(app, restored, backup_file,
                                                                 tmp_path):
    # the refusals above ran on an empty store; here each meets a store that holds entries,
    # which must come through whole (ids, names, states, keys' SPKI, certificates' sizes)
    before = records(app)
    assert len(before) >= 2, before
    refused(app, backup_file, "not the password", "the password is wrong", kept=before)
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = tmp_path / "altered.p12"
    altered.write_bytes(bytes(data))
    refused(app, altered, PASSWORD, "the file was altered", kept=before)
    cut = tmp_path / "cut.p12"
    cut.write_bytes(backup_file.read_bytes()[:-100])
    refused(app, cut, PASSWORD, "damaged, cut short", kept=before)
    refused(app, ROOT / "tests/data/backup-format-3.p12", "newer", "newer certreq-web",
            kept=before)


def test_restoring_again_skips_what_is_kept_and_says_so(app, restored, backup_file):
    before = records(app)
    restore(app, backup_file, PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the second restore's report")
    assert "Restored 0 entries." in report, report
    skipped = by_testid(app, "restore-skipped").text
    assert skipped.count("kept here already") == 2, skipped
    assert records(app) == before, "nothing overwritten, nothing added"
    by_testid(app, "backup-cancel").click()


def test_a_full_storage_is_said_and_the_key_is_not_half_kept(app, ca, restored):
    before = records(app)
    origin = app.execute_script("return location.origin")
    app.execute_cdp_cmd("Storage.overrideQuotaForOrigin", {"origin": origin, "quotaSize": 1})
    try:
        # the browser checks quota against a figure it caches for a while: wait until a write
        # of its own is refused
        wait_for(lambda: app.execute_async_script(PROBE_QUOTA) == "QuotaExceededError",
                 timeout=60, interval=0.5, what="the quota to be enforced")
        fill_editor(app, '[NewRequest]\nSubject = "CN=no-room.example"\n'
                         'KeyAlgorithm = ECDSA_P256\n')
        button = by_testid(app, "generate")
        wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
        button.click()
        said = wait_for(lambda: ("QuotaExceededError" in notice(app)
                                 or len(records(app)) != len(before)) and notice(app),
                        timeout=60, what="the quota error")
        assert "storage for this site is full" in said and "nothing was kept" in said, said
        assert records(app) == before, "no entry, and no key without its entry"
    finally:
        app.execute_cdp_cmd("Storage.overrideQuotaForOrigin", {"origin": origin})
    # persistent storage was asked for once keys were kept; the page says what the answer means
    persistence_said(app)


# A record's key as PKCS #8 and its certificate, both base64.
KEY_AND_CERT = """
const [id, done] = arguments;
const open = indexedDB.open('certreq-web');
open.onsuccess = () => {
  const get = open.result.transaction('requests').objectStore('requests').get(id);
  get.onsuccess = async () => {
    open.result.close();
    const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
    const key = await crypto.subtle.exportKey('pkcs8', get.result.keys.privateKey);
    done({key: b64(key), certificate: b64(get.result.certificate)});
  };
};
"""

# Sets (or with null reads) record `id`'s `renews`; answers every record's id → renews.
RENEWS = """
const [id, renews, done] = arguments;
const open = indexedDB.open('certreq-web');
open.onsuccess = () => {
  const tx = open.result.transaction('requests', 'readwrite');
  const requests = tx.objectStore('requests');
  if (renews !== null) {
    requests.get(id).onsuccess = (e) => requests.put({...e.target.result, renews});
  }
  const links = {};
  requests.getAll().onsuccess = (e) => {
    for (const r of e.target.result) links[r.id] = r.renews ?? null;
  };
  tx.oncomplete = () => { open.result.close(); done(links); };
};
"""


def back_up(app, downloads, path: pathlib.Path):
    """Backs the store up under PASSWORD into `path`."""
    fresh(downloads, BACKUP)
    by_testid(app, "backup-open").click()
    by_testid(app, "backup-password").send_keys(PASSWORD)
    by_testid(app, "backup-confirm").send_keys(PASSWORD)
    by_testid(app, "backup-save").click()
    path.write_bytes(wait_download(downloads, BACKUP, timeout=60))
    wait_for(lambda: BACKUP in notice(app), timeout=30, what="the backup's notice")


def test_a_restored_renewal_links_to_what_it_renews_under_its_id_here(app, ca, restored,
                                                                      downloads, tmp_path):
    # a renewal restored into a store that holds the certificate it renews under another id
    # (imported from its PFX): the link follows the entry here, not the id in the backup
    for dialog in all_testid(app, "backup-cancel"):
        dialog.click()
    got = records(app)
    renewed = next(r for r in got if r["name"] == "issued, exportable")
    renewal = next(r for r in got if r["name"] == "pending, exportable")
    app.execute_async_script(RENEWS, renewal["id"], renewed["id"])
    exported = app.execute_async_script(KEY_AND_CERT, renewed["id"])
    pfx = pkcs12.serialize_key_and_certificates(
        b"the renewed certificate",
        serialization.load_der_private_key(base64.b64decode(exported["key"]), None),
        x509.load_der_x509_certificate(base64.b64decode(exported["certificate"])),
        None, serialization.BestAvailableEncryption(PASSWORD.encode()))
    (tmp_path / "renewed.pfx").write_bytes(pfx)

    back_up(app, downloads, tmp_path / "linked.p12")

    clear_site(app, ca)
    by_testid(app, "import-pfx").send_keys(str(tmp_path / "renewed.pfx"))
    by_testid(app, "import-password").send_keys(PASSWORD)
    by_testid(app, "import-save").click()
    imported = wait_for(lambda: [r["id"] for r in records(app)], timeout=30,
                        what="the imported certificate")
    assert len(imported) == 1 and imported[0] != renewed["id"], imported

    restore(app, tmp_path / "linked.p12", PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the restore's report")
    assert "“issued, exportable”" in by_testid(app, "restore-skipped").text, report
    links = app.execute_async_script(RENEWS, "", None)
    assert links[renewal["id"]] == imported[0], links
    by_testid(app, "backup-cancel").click()

    # into an empty store, the renewed entry comes back with the renewal: linked once written
    clear_site(app, ca)
    restore(app, tmp_path / "linked.p12", PASSWORD)
    wait_for(lambda: all_testid(app, "restore-report"), timeout=60, what="the restore's report")
    links = app.execute_async_script(RENEWS, "", None)
    assert links[renewal["id"]] == renewed["id"], links
    by_testid(app, "backup-cancel").click()


def test_an_entry_remade_since_the_backup_is_not_restored_beside_itself(app, restored,
                                                                        downloads, tmp_path):
    # a request not sent yet, made again with its key (UseExistingKeySet keeps the entry's id):
    # the backup's older copy is the same entry, not a second one holding the same key
    for dialog in all_testid(app, "backup-cancel"):
        dialog.click()
    inf = ('[NewRequest]\nSubject = "CN={}.example"\nKeyAlgorithm = ECDSA_P256\n'
           'KeyContainer = "remade"\nExportable = TRUE\n')
    entry, first = generate(app, inf=inf.format("first"))
    back_up(app, downloads, tmp_path / "before.p12")
    fill_editor(app, inf.format("second") + "UseExistingKeySet = TRUE\n")
    button = by_testid(app, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()
    wait_for(lambda: "CN=second.example" in x509.load_pem_x509_csr(
        by_testid(app, "request-pem").text.encode()).subject.rfc4514_string(),
        timeout=60, what="the request made again")
    before = records(app)
    assert [r["id"] for r in before].count(entry) == 1, before

    restore(app, tmp_path / "before.p12", PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the restore's report")
    assert "Restored 0 entries." in report, report
    assert records(app) == before, "no second entry with the remade entry's key"
    by_testid(app, "backup-cancel").click()


def test_a_certificate_issued_since_an_older_restore_is_added_to_the_entry_kept(
        app, ca, restored, downloads, tmp_path):
    # a store filled from a backup made while a request was pending; the request was issued
    # since, in the store backed up again: restoring the newer backup gives the kept entry its
    # certificate, not "kept here already" with the certificate left in the file
    for dialog in all_testid(app, "backup-cancel"):
        dialog.click()
    inf = ('[NewRequest]\nSubject = "CN=later-issued.example"\nKeyAlgorithm = ECDSA_P256\n'
           'FriendlyName = "issued later"\nExportable = TRUE\n')
    entry, _ = generate(app, inf=inf)
    request_id = submit_pending(app)
    back_up(app, downloads, tmp_path / "pending.p12")
    approve_and_retrieve(app, ca, entry, request_id)
    back_up(app, downloads, tmp_path / "issued.p12")
    issued = next(r for r in records(app) if r["id"] == entry)

    clear_site(app, ca)
    restore(app, tmp_path / "pending.p12", PASSWORD)
    wait_for(lambda: all_testid(app, "restore-report"), timeout=60, what="the restore's report")
    assert next(r for r in records(app) if r["id"] == entry)["state"] == "pending"
    restore(app, tmp_path / "issued.p12", PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the restore's report")
    assert "“issued later”" in by_testid(app, "restore-updated").text, report
    skipped = all_testid(app, "restore-skipped")
    assert not skipped or "issued later" not in skipped[0].text, report
    now = next(r for r in records(app) if r["id"] == entry)
    assert now["state"] == "issued", now
    assert now == issued, (now, issued)
    wait_for(lambda: item(app, entry).get_attribute("data-state") == "issued", timeout=30,
             what="the entry listed as issued")
    by_testid(app, "backup-cancel").click()


def test_a_denied_entry_comes_back_denied(app, ca, restored, downloads, tmp_path):
    # the denial is part of what the entry says: restored elsewhere, the entry is still denied
    # with its request id (not pending, waiting for a certificate that will not come)
    for dialog in all_testid(app, "backup-cancel"):
        dialog.click()
    inf = ('[NewRequest]\nSubject = "CN=denied.example"\nKeyAlgorithm = ECDSA_P256\n'
           'FriendlyName = "denied one"\nExportable = TRUE\n')
    entry, _ = generate(app, inf=inf)
    request_id = submit_pending(app)
    assert ca.cli("deny", str(request_id)).returncode == 0
    click(app, entry_button(app, entry, "retrieve"))
    status, text = disposition(app)
    assert status == "denied", text
    denied = wait_for(lambda: (r := next(r for r in records(app) if r["id"] == entry))
                      ["state"] == "denied" and r, timeout=30, what="the entry kept denied")
    assert denied["request_id"] == request_id, denied
    back_up(app, downloads, tmp_path / "denied.p12")

    clear_site(app, ca)
    restore(app, tmp_path / "denied.p12", PASSWORD)
    wait_for(lambda: all_testid(app, "restore-report"), timeout=60, what="the restore's report")
    added = by_testid(app, "restore-added").text
    assert f"“denied one” (denied, request {request_id})" in added, added
    assert next(r for r in records(app) if r["id"] == entry) == denied
    wait_for(lambda: item(app, entry).get_attribute("data-state") == "denied", timeout=30,
             what="the entry listed as denied")
    by_testid(app, "backup-cancel").click()
