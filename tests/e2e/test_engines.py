"""The smoke flows in every browser engine besides Chromium (which runs the whole e2e suite):
Firefox ESR through geckodriver, headless, and WebKitGTK's MiniBrowser through WebKitWebDriver
in Xvfb — all three installed by scripts/setup.sh. In each engine, as a new user would:

- the app served by devca: generate a request (RSA and ECDSA keys made by the engine's Web
  Crypto), submit it to devca, which issues; the certificate is accepted for the key kept in the
  engine's IndexedDB, and a reload keeps the issued entry; an exportable key read back from
  IndexedDB after a reload exports as a PKCS #12 download that OpenSSL opens;
- the app served as files: the browser fetches each of them once (WebKit fetched the .wasm
  twice with Trunk's loader), a request made there downloads as a .req file, and a long INF is
  read by the editor's worker (the page's compiled tools module posted to a blob: worker);
- the single file dist/certreq-web.html opened from file:// makes a request that three parsers
  accept;
- the embedding module (dist/embed) imported by a portal page makes requests that verify, and
  the fixed RSA key gives the Rust engine's bytes.

Every browser watches for CSP violations (browser.py) and fails the test on one; every site is
served as a copy whose pages start the watcher themselves (browser.watched_copy), so WebKit too
sees a violation while a page loads. An engine that
is not installed skips its tests, or fails them under CI=true. Each flow is one test taking the
`engine` fixture; backup and restore (into a fresh profile) and the portal element are two
of them.

Binaries: $DEVCA_BIN, default target/release/devca; dist/ from `scripts/build-app.sh`,
dist/embed from scripts/build-embed.sh.
"""
import contextlib
import os
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12
from selenium.webdriver.common.by import By

from browser import (DIST, WATCH_FILE, all_testid, browser, by_testid, engine_missing, serve,
                     wait_for, watched_copy)
from checkers import check_request
from test_app import RSA_INF, generate as generate_checked
from test_embed import DATA, portal_site as write_portal_site
from test_enroll import (PASSWORD, Devca, generate, item, openssl_verify, submit_issued,
                         wait_download)

OTHER_ENGINES = ["firefox", "webkit"]


@pytest.fixture(scope="module", params=OTHER_ENGINES)
def engine(request):
    """The engine's name, once its browser and driver are known to be installed."""
    why = engine_missing(request.param)
    if why:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(why)
        pytest.skip(why)
    return request.param


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """dist/ as every test here serves it: each page starts the CSP watcher itself, so WebKit
    sees what happens while a page loads too (browser.watched_copy)."""
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
    return watched_copy(DIST, tmp_path_factory.mktemp("engines-dist"))


@contextlib.contextmanager
def opened(engine, url, ready="inf-editor", downloads=None):
    """A fresh browser of `engine` on `url`, once the element `ready` is on screen (None: once
    the page has loaded); quitting fails the test on any CSP violation."""
    driver = browser(engine, downloads=downloads)
    try:
        driver.set_script_timeout(30)
        driver.get(url)
        if ready:
            by_testid(driver, ready, timeout=60)
        yield driver
    finally:
        driver.quit()


# A page whose own script adds an inline script its policy forbids, when the test says so (the
# page has loaded and every engine's watcher is in: in WebKit it goes in only then).
WATCHED_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; img-src data:">
<link rel="icon" href="data:,"><title>watched</title><script src="inline.js"></script>
</head></html>
"""
# the same policy, and an inline script in the page's own markup: refused while it loads
LOADING_PAGE = WATCHED_PAGE.replace("</head>", "<script>window.__canary = 1</script></head>")
INLINE_JS = """window.addInline = () => {
  const s = document.createElement("script");
  s.textContent = "window.__canary = 1";
  document.body.append(s);
};
"""


def test_the_csp_watcher_reports_a_violation(engine, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.html").write_text(WATCHED_PAGE)
    (pages / "loading.html").write_text(LOADING_PAGE)
    (pages / "inline.js").write_text(INLINE_JS)
    watched = watched_copy(pages, tmp_path / "watched")
    with serve(watched) as url, opened(engine, url + "/loading.html", ready=None) as driver:
        # refused while the page loaded, and reported in every engine
        reported = wait_for(driver.take_csp_violations, timeout=10, what="the loading report")
        assert driver.execute_script("return window.__canary === undefined"), \
            "the inline script ran"
        assert [(r["directive"], r["blocked"]) for r in reported] == \
            [("script-src-elem", "inline")], reported
        driver.get(url + "/index.html")
        assert driver.csp_violations() == []
        driver.execute_script("window.addInline()")
        reported = wait_for(driver.take_csp_violations, timeout=10, what="the violation report")
        assert driver.execute_script("return window.__canary === undefined"), \
            "the inline script ran"
        assert [(r["directive"], r["blocked"]) for r in reported] == \
            [("script-src-elem", "inline")], reported


@pytest.fixture(scope="module")
def ca(tmp_path_factory, site):
    """devca serving dist/ next to its Web Enrollment pages, issuing every request."""
    server = Devca(tmp_path_factory.mktemp("devca-engines"), policy="issue", dist=site)
    yield server
    server.stop()


@pytest.mark.parametrize("template", ["tls-server", "ecdsa-device"])
def test_generate_submit_issued_and_a_reload_keeps_the_entry(engine, ca, template, tmp_path):
    with opened(engine, ca.origin + "/") as app:
        entry_id, _ = generate(app, template)
        assert item(app, entry_id).get_attribute("data-state") == "pending"
        request_id = submit_issued(app, entry_id)
        leaf = tmp_path / "leaf.pem"
        leaf.write_bytes(ca.certificate(request_id))
        openssl_verify(ca.ca_pem, leaf)
        thumbprint = x509.load_pem_x509_certificate(leaf.read_bytes()).fingerprint(
            hashes.SHA1()).hex().upper()

        app.refresh()  # the key and the certificate were stored: nothing is lost
        entry = wait_for(lambda: [e for e in all_testid(app, "store-item")
                                  if e.get_attribute("data-id") == entry_id], timeout=30,
                         what="the entry after reload")[0]
        assert entry.get_attribute("data-state") == "issued"
        shown = wait_for(lambda: item(app, entry_id).find_element(
            By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]').text, timeout=30,
            what="the entry's thumbprint")
        assert shown == thumbprint


def export_pfx(app, entry_id, downloads, what):
    """Exports the issued entry `entry_id` as a PFX under PASSWORD; returns the file's bytes."""
    entry = wait_for(lambda: [e for e in all_testid(app, "store-item")
                              if e.get_attribute("data-id") == entry_id
                              and e.get_attribute("data-state") == "issued"],
                     # after a restore the list is read again, each entry's key and certificate
                     # looked at: as long as the restore's own waits on a loaded machine
                     timeout=60,
                     what=what)[0]
    entry.find_element(By.CSS_SELECTOR, '[data-testid="export-pfx"]').click()
    by_testid(app, "pfx-password").send_keys(PASSWORD)
    by_testid(app, "pfx-confirm").send_keys(PASSWORD)
    by_testid(app, "pfx-save").click()
    return wait_download(downloads, "Jane_Doe_S_MIME.pfx")


def test_a_kept_key_exports_as_pfx_after_a_reload(engine, ca, tmp_path):
    # the exportable key, read back from IndexedDB after a reload, is exported with Web Crypto
    # and wrapped in a PKCS #12 the browser downloads; OpenSSL and cryptography open it
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with opened(engine, ca.origin + "/", downloads=downloads) as app:
        entry_id, _ = generate(app, "smime")
        issued = x509.load_pem_x509_certificate(ca.certificate(submit_issued(app, entry_id)))
        app.refresh()
        pfx = export_pfx(app, entry_id, downloads, "the issued entry after reload")
    key, cert, extra = pkcs12.load_key_and_certificates(pfx, PASSWORD.encode())
    assert cert == issued
    assert key.public_key().public_numbers() == issued.public_key().public_numbers()
    proc = subprocess.run(["openssl", "pkcs12", "-info", "-nodes", "-in", str(downloads / "Jane_Doe_S_MIME.pfx"),
                           "-passin", f"pass:{PASSWORD}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "BEGIN PRIVATE KEY" in proc.stdout


def test_opening_the_app_fetches_each_of_its_files_once(engine, site):
    # WebKit does not hand a <link rel="preload" as="fetch"> to the loader's fetch(): with
    # Trunk's own loader it downloaded the .wasm twice (Trunk.toml has the app's loader)
    with serve(site) as url, opened(engine, url + "/") as app:
        wait_for(lambda: "Put the cursor on a key" in by_testid(app, "key-doc").text, timeout=10,
                 what="the reference panel's hint")
        names = app.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
    names = [n for n in names if not n.endswith(WATCH_FILE)]
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["css", "js", "wasm"], names


def test_a_long_inf_is_read_in_the_worker(engine, site):
    # the page posts its compiled tools module to a blob: worker, which reads the INF
    from test_editor_load import assert_read_in_the_worker
    with serve(site) as url, opened(engine, url + "/") as app:
        app.set_script_timeout(60)
        assert_read_in_the_worker(app, 128 * 1024)


def test_a_request_is_downloaded_as_a_file(engine, site, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with serve(site) as url, opened(engine, url + "/", downloads=downloads) as app:
        _, pem = generate(app, "ecdsa-device")
        link = by_testid(app, "download-request")
        name = link.get_attribute("download")
        assert name.endswith(".req"), name
        link.click()
        saved = wait_for(lambda: (f := downloads / name).exists() and f.stat().st_size > 0
                         and f.read_text(), timeout=30, what=f"the download {name}")
    assert saved.replace("\r\n", "\n").strip() == pem.replace("\r\n", "\n").strip()
    checked = check_request(downloads / name, tmp_path)
    assert checked.key_description == "EC-secp256r1"


def test_the_single_file_makes_a_request_from_a_file_url(engine, site, tmp_path):
    built = site / "certreq-web.html"
    assert built.exists(), f"{built} is missing: the release build must write it"
    stick = tmp_path / "stick"  # the file alone, nothing of dist/ beside it
    stick.mkdir()
    single = stick / "certreq-web.html"
    shutil.copyfile(built, single)
    with opened(engine, single.resolve().as_uri()) as driver:
        checked = generate_checked(driver, RSA_INF, tmp_path)
        assert checked.key_description == "RSA-2048"
        assert checked.subject == "CN=browser.example.com,O=Example,C=US"
        urls = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == []


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory):
    """The embedding module next to a portal page (test_embed's page: both ways of init)."""
    site = tmp_path_factory.mktemp("engines-portal")
    write_portal_site(site)
    with serve(watched_copy(site, tmp_path_factory.mktemp("engines-portal-watched"))) as url:
        yield url


@pytest.mark.parametrize("way", ["plain", "parallel"])
def test_the_embedding_module_makes_requests(engine, portal_site, way, tmp_path):
    with opened(engine, f"{portal_site}/index.html?init={way}", ready=None) as driver:
        r = wait_for(lambda: driver.execute_script("return window.__result || null"),
                     timeout=60, what="the portal page's result")
    assert "error" not in r, r["error"]
    assert r["ok"] is True and r["badOk"] is False
    assert r["refusal"]["message"].startswith("the INF has errors: 3:"), r["refusal"]
    assert r["extractable"] is False
    for name in ("pem", "again"):
        path = tmp_path / f"{name}.req"
        path.write_text(r[name])
        checked = check_request(path, tmp_path)
        assert checked.subject == "CN=portal.example.com,O=Example,C=US"
        assert checked.key_description == "EC-secp256r1"
    assert r["cmcKind"] == "request"
    golden = (DATA / "golden-suppress-defaults.der").read_bytes()
    assert bytes(r["fixed"]) == golden, "the browser's request differs from the Rust engine's"


@pytest.fixture(scope="module")
def element_ca(tmp_path_factory):
    """devca serving the sample portal with the element, under the portal's strict policy."""
    from test_portal_element import make_site, start
    site = watched_copy(make_site(tmp_path_factory), tmp_path_factory.mktemp("element-watched"))
    server = start(tmp_path_factory, site, "issue")
    yield server
    server.stop()


def test_the_portal_element_enrolls_and_a_reload_keeps_the_entry(engine, element_ca, tmp_path):
    from test_portal_element import api, click, events, fill, open_portal
    with opened(engine, "about:blank", ready=None) as driver:
        driver.set_script_timeout(60)
        open_portal(driver, element_ca.origin)
        fill(driver, "cn", f"{engine}.corp.example.com")
        click(driver, "submit")

        def issued():
            seen = events(driver) or []
            errors = [e for e in seen if e["type"] == "certreq-error"]
            assert not errors, errors
            return next((e["detail"] for e in seen if e["type"] == "certreq-issued"), None)
        detail = wait_for(issued, timeout=90, what="certreq-issued")
        made = events(driver)[0]["detail"]
        cert = x509.load_pem_x509_certificate(detail["certificate"].encode())
        csr = x509.load_pem_x509_csr(made["pem"].encode())
        assert cert.public_key() == csr.public_key()
        assert cert.subject.rfc4514_string().startswith(f"CN={engine}.corp.example.com")
        # the key and its certificate are in the engine's IndexedDB after a reload
        open_portal(driver, element_ca.origin)
        # the element loads the enrollment module when it first needs it: start it here
        entries = api(driver, "m.default().then(() => m.list())")
        assert isinstance(entries, list), entries
        assert [(e["id"], e["state"]) for e in entries] == [(made["entry"], "issued")], entries


def test_a_backup_restores_into_a_fresh_profile(engine, ca, tmp_path):
    # a new laptop: the store backed up in one profile comes back in another, its key working
    from test_backup import BACKUP, restore
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with opened(engine, ca.origin + "/", downloads=downloads) as app:
        entry_id, _ = generate(app, "smime")
        submit_issued(app, entry_id)
        by_testid(app, "backup-open").click()
        by_testid(app, "backup-password").send_keys(PASSWORD)
        by_testid(app, "backup-confirm").send_keys(PASSWORD)
        by_testid(app, "backup-save").click()
        data = wait_download(downloads, BACKUP, timeout=60)
    key, cert, _ = pkcs12.load_key_and_certificates(data, PASSWORD.encode())
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    backup = tmp_path / "store.p12"
    backup.write_bytes(data)
    exported = tmp_path / "again"
    exported.mkdir()
    with opened(engine, ca.origin + "/", downloads=exported) as app:
        assert not all_testid(app, "store-item")
        restore(app, backup, PASSWORD)
        report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                          timeout=60, what="the restore's report")
        assert "Restored 1 entr" in report, report
        # the restored key works: it exports again as the same key and certificate
        again = export_pfx(app, entry_id, exported, "the restored entry")
    key2, cert2, _ = pkcs12.load_key_and_certificates(again, PASSWORD.encode())
    assert cert2 == cert
    assert key2.public_key().public_numbers() == key.public_key().public_numbers()
