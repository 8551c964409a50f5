"""The portal element `<certreq-enroll>` on the sample portal page (examples/portal-element/),
served by devca next to its Web Enrollment pages, under the portal's own strict policy
(`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`, sent by devca as a header): the
user edits only the fields the portal opened (the CN and the DNS names), the element makes the
key with Web Crypto, submits, retrieves and accepts, and tells the page with its events. Issued
and pending (devca --policy pending, then `devca approve`); the key store API on what the
element kept; an INF with errors is shown and nothing is sent. Any CSP violation fails the test
(browser.Chromium).

Needs dist/embed (scripts/build-embed.sh dist/embed: the enrollment module, certreq-tools.wasm
and certreq-enroll.js) and devca ($DEVCA_BIN or target/release/devca).
"""
import base64
import json
import os
import pathlib
import shutil
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from browser import DIST, ROOT, browser_errors, chromium, scratch_dir, wait_download, wait_for
from checkers import check_request
from devca_server import DevcaServer

EMBED = pathlib.Path(os.environ.get("CERTREQ_EMBED", DIST / "embed"))
SAMPLE = ROOT / "examples" / "portal-element"
POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; base-uri 'none'; "
          "form-action 'none'; object-src 'none'")
PASSWORD = "portal pfx 1"

EST_INF = """[NewRequest]
Subject = "CN=est.corp.example.com, O=Example"
KeyAlgorithm = RSA
KeyLength = 2048
HashAlgorithm = SHA256
"""

BAD_INF = '[NewRequest]\nSubject = "CN=x"\nKeyLength = many\n'


def make_site(tmp_path_factory):
    """The sample portal with the built element and modules beside it, in a fresh folder."""
    for name in ("certreq_web_enroll.js", "certreq_web_enroll_bg.wasm", "certreq-tools.wasm",
                 "certreq-enroll.js"):
        if not (EMBED / name).exists():
            pytest.fail(f"{EMBED}/{name} is missing: run scripts/build-embed.sh dist/embed")
    root = tmp_path_factory.mktemp("portal-site")
    for f in SAMPLE.iterdir():
        shutil.copy(f, root)
    shutil.copytree(EMBED, root / "embed")
    (root / "est.inf").write_text(EST_INF)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory)


def start(tmp_path_factory, site, policy):
    return DevcaServer(tmp_path_factory.mktemp(f"devca-portal-{policy}"), policy=policy, dist=site)


@pytest.fixture(scope="module")
def ca(tmp_path_factory, site):
    server = start(tmp_path_factory, site, "issue")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pending_ca(tmp_path_factory, site):
    server = start(tmp_path_factory, site, "pending")
    yield server
    server.stop()


@pytest.fixture
def browser(tmp_path):
    driver = chromium(scratch_dir("portal-"))
    driver.set_script_timeout(60)
    yield driver
    driver.quit()  # fails the test on any CSP violation


def open_portal(driver, origin):
    driver.get(origin + "/index.html")
    wait_for(lambda: shadow(driver, "return !!root.querySelector('button[type=submit]')"),
             what="the element's form", timeout=60)


def shadow(driver, body, *args):
    """Runs `body` with `root` the element's shadow root."""
    return driver.execute_script(
        "const root = document.getElementById('enroll').shadowRoot; if (!root) return null;\n"
        + body, *args)


def events(driver):
    return driver.execute_script("return window.portalEvents")


def event(driver, kind, timeout=60):
    def found():
        seen = events(driver)
        errors = [e for e in seen if e["type"] == "certreq-error"]
        assert kind == "certreq-error" or not errors, f"{errors}; console: {browser_errors(driver)}"
        return next((e for e in seen if e["type"] == kind), None)
    return wait_for(found, timeout=timeout, what=kind)


def fill(driver, name, value):
    shadow(driver, """const el = root.querySelector(`[name="${arguments[0]}"]`);
        el.value = arguments[1]; el.dispatchEvent(new Event('input'));""", name, value)


def click(driver, part):
    shadow(driver, f"root.querySelector('[part~=\"{part}\"]').click()")


def redraw(driver, **attributes):
    """Sets the element's attributes and waits for the form drawn again from them."""
    shadow(driver, "root.querySelector('form').dataset.old = 'yes';"
                   "const el = document.getElementById('enroll');"
                   "for (const [k, v] of Object.entries(arguments[0])) el.setAttribute(k, v);",
           attributes)
    wait_for(lambda: shadow(driver, "return !!root.querySelector('form:not([data-old])')"),
             what=f"the form drawn again for {attributes}")


def issued_entry(driver):
    """Presses Request certificate, waits for the certificate: the entry the store keeps."""
    click(driver, "submit")
    made = event(driver, "certreq-issued")["detail"]
    return api(driver, f"m.get({json.dumps(made['entry'])})")


def api(driver, call):
    """Calls the embedding module the element loaded (the same module instance) with
    `m` bound to it; byte arrays come back as lists."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('./embed/certreq_web_enroll.js').then(async (m) => {"
        f"  const r = await ({call});"
        "  if (r === undefined) return done(null);"
        "  done(JSON.parse(JSON.stringify(r, (k, v) => v instanceof Uint8Array ? Array.from(v)"
        "    : (k === 'keyPair' ? (v === null ? null : 'pair') : v))));"
        "}).catch((e) => done({ error: String(e) }));")


def locked_values(driver):
    """What the form shows as set by the portal: data-key → text."""
    return shadow(driver, "return Object.fromEntries([...root.querySelectorAll("
                          "'[part=locked] dd')].map((d) => [d.dataset.key, d.textContent]))")


def request_pem(detail, tmp_path):
    path = tmp_path / "portal.req"
    path.write_text(detail["pem"])
    return check_request(path, tmp_path)


def test_the_portal_page_is_served_with_its_strict_policy(ca):
    with urllib.request.urlopen(ca.origin + "/index.html", timeout=30) as r:
        assert r.headers["Content-Security-Policy"] == POLICY
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY.split()


def test_only_the_opened_fields_are_editable(ca, browser):
    open_portal(browser, ca.origin)
    editable = shadow(browser, "return [...root.querySelectorAll('input, textarea, select, "
                               "[contenteditable]')].map((e) => e.name)")
    assert editable == ["cn", "dns"], editable
    # the rest of the INF is shown as text the user cannot change
    locked = locked_values(browser)
    assert locked["Subject"] == "CN=…, OU=Web servers, O=Example, C=US", locked
    assert locked["KeyAlgorithm"] == "ECDSA_P256" and locked["Exportable"] == "TRUE", locked
    # the template the sample says the portal sets
    assert locked["Template"] == "WebServer", locked
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "host.corp.example.com"


def test_the_element_enrolls_and_the_certificate_is_issued(ca, browser, tmp_path):
    open_portal(browser, ca.origin)
    fill(browser, "cn", "web01.corp.example.com")
    fill(browser, "dns", "web01.corp.example.com\nweb01")
    click(browser, "submit")
    issued = event(browser, "certreq-issued")["detail"]
    seen = events(browser)
    assert [e["type"] for e in seen] == ["certreq-request", "certreq-issued"], seen
    made = seen[0]["detail"]
    # the request: the user's CN and names, the portal's locked rest
    checked = request_pem(made, tmp_path)
    assert checked.subject == "CN=web01.corp.example.com,OU=Web servers,O=Example,C=US"
    san = checked.extension("2.5.29.17")
    assert [n.value for n in san.value] == ["web01.corp.example.com", "web01"]
    assert checked.key_description == "EC-secp256r1"
    # the certificate: the CA's, for the request's key, with the request id
    assert isinstance(issued["requestId"], int) and issued["requestId"] > 0, issued
    assert issued["entry"] == made["entry"] and issued["pem"] == made["pem"]
    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    csr = x509.load_pem_x509_csr(made["pem"].encode())
    assert cert.public_key() == csr.public_key()
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value \
        == "web01.corp.example.com"
    issuer = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    assert cert.issuer == issuer.subject
    status = shadow(browser, "return root.querySelector('[part=status]').textContent")
    assert status.startswith("Issued"), status
    # the downloads the INF allows: the certificate, and the PFX (Exportable = TRUE)
    offered = shadow(browser, "return [...root.querySelectorAll('[part=downloads] button')]"
                              ".map((b) => b.getAttribute('part'))")
    assert offered == ["button download", "button export"], offered
    # each gives its file, under the portal's policy (a violation fails the test at quit)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
    click(browser, "download")
    saved = wait_download(downloads, "web01.corp.example.com.cer")
    assert x509.load_pem_x509_certificate(saved) == x509.load_pem_x509_certificate(
        issued["certificate"].encode())
    # no PFX without a password: the button waits for one
    assert shadow(browser, "return root.querySelector('[part~=export]').disabled") is True
    shadow(browser, "const p = root.querySelector('#pfx-password'); p.value = arguments[0];"
                    "p.dispatchEvent(new Event('input'))", PASSWORD)
    click(browser, "export")
    saved = wait_download(downloads, "web01.corp.example.com.pfx")
    _, from_file, _ = pkcs12.load_key_and_certificates(saved, PASSWORD.encode())
    assert from_file.subject == x509.load_pem_x509_certificate(
        issued["certificate"].encode()).subject

    # the key store API sees what the element kept: issued, with its certificate
    entries = api(browser, "m.list()")
    assert [e["id"] for e in entries] == [made["entry"]], entries
    entry = entries[0]
    assert entry["state"] == "issued" and entry["exportable"] is True
    assert entry["certificate"].replace("\r", "") == issued["certificate"].replace("\r", "")
    got = api(browser, f"m.get({json.dumps(made['entry'])})")
    assert got["keyPair"] == "pair" and got["request"].startswith("-----BEGIN NEW CERTIFICATE")
    pfx = bytes(api(browser, f"m.exportPfx({json.dumps(made['entry'])}, "
                             f"{json.dumps(PASSWORD)})"))
    key, leaf, _ = pkcs12.load_key_and_certificates(pfx, PASSWORD.encode())
    assert leaf == cert
    assert key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo) \
        == csr.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    assert api(browser, f"m.remove({json.dumps(made['entry'])})") is None
    assert api(browser, f"m.get({json.dumps(made['entry'])})") is None
    assert api(browser, "m.list()") == []


def test_pending_then_approved_is_retrieved_and_accepted(pending_ca, browser):
    open_portal(browser, pending_ca.origin)
    fill(browser, "cn", "slow.corp.example.com")
    click(browser, "submit")
    pending = event(browser, "certreq-pending")["detail"]
    request_id = pending["requestId"]
    assert isinstance(request_id, int) and request_id > 0, pending
    # the event says what the form says (its words, its Check again), not the API's calls
    status = shadow(browser, "return root.querySelector('[part=status]').textContent")
    assert pending["message"] == status and "retrieve()" not in status, (pending, status)
    assert shadow(browser, "return root.querySelector('[part~=retrieve]').hidden") is False
    entry = api(browser, f"m.get({json.dumps(pending['entry'])})")
    assert entry["state"] == "pending" and entry["requestId"] == request_id, entry
    # the portal points the form at another CA meanwhile: Check again still asks the CA that
    # holds the request
    redraw(browser, ca="/another/certsrv")
    proc = pending_ca.cli("approve", str(request_id))
    assert proc.returncode == 0, proc.stderr
    click(browser, "retrieve")
    issued = event(browser, "certreq-issued")["detail"]
    assert issued["requestId"] == request_id and issued["entry"] == pending["entry"]
    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value \
        == "slow.corp.example.com"
    entry = api(browser, f"m.get({json.dumps(pending['entry'])})")
    assert entry["state"] == "issued"
    # asked for again, an issued entry is said to be issued (sending it again would make the
    # CA issue a second certificate)
    again = api(browser, f"m.retrieve({{ ca: '/certsrv', entry: {json.dumps(pending['entry'])} }})")
    assert "issued already" in again.get("error", ""), again
    # a CA URL that is not a web address is named as such, not asked for
    ftp = api(browser, f"m.submit(null, {{ ca: 'ftp://ca.example/certsrv', "
                       f"entry: {json.dumps(pending['entry'])} }})")
    assert "`ftp://ca.example/certsrv` is not an http(s) URL" in ftp.get("error", ""), ftp


def test_a_request_checked_again_after_its_fields_were_edited_is_still_offered(
        pending_ca, browser, tmp_path):
    # while the request waits, the user edits the form into an INF with errors; the answer is
    # still for the request as it was sent, with its download named from that request
    open_portal(browser, pending_ca.origin)
    fill(browser, "cn", "waiting.corp.example.com")
    click(browser, "submit")
    pending = event(browser, "certreq-pending")["detail"]
    fill(browser, "dns", "b\u00fcro.example")
    # the engine's error about the typed name is said at the DNS field, not by INF line
    said = wait_for(lambda: shadow(browser, "return root.querySelector('#e-dns').textContent"),
                    what="the edited form's error at its field")
    assert "b\u00fcro.example" in said, said
    assert shadow(browser, "return root.querySelector('[name=dns]').getAttribute('aria-invalid')"
                  " + ' ' + root.querySelectorAll('[part=diagnostics] li').length") == "true 0"
    assert pending_ca.cli("approve", str(pending["requestId"])).returncode == 0
    click(browser, "retrieve")
    issued = event(browser, "certreq-issued")["detail"]
    assert issued["requestId"] == pending["requestId"], issued
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
    click(browser, "download")
    saved = wait_for(lambda: list(downloads.glob("*.cer")), what="the .cer download")
    assert [p.name for p in saved] == ["waiting.corp.example.com.cer"], saved


@pytest.mark.parametrize("bad", ["https://[ca.corp.example/certsrv",
                                 "ftp://ca.corp.example/certsrv"])
def test_a_ca_attribute_that_is_not_an_address_is_said_and_nothing_is_sent(ca, browser, bad):
    # not a URL, or one the element cannot send a request to: refused before a key is made
    open_portal(browser, ca.origin)
    redraw(browser, ca=bad)
    click(browser, "submit")
    refused = event(browser, "certreq-error", timeout=20)["detail"]
    assert bad in refused["message"], refused
    assert "not a web address" in shadow(browser, "return root.querySelector('[part=status]')"
                                                  ".textContent")
    assert [e["type"] for e in events(browser)] == ["certreq-error"]
    assert api(browser, "m.list()") == []


def test_with_store_none_the_key_is_handed_back_and_nothing_kept(ca, browser, tmp_path):
    open_portal(browser, ca.origin)
    shadow(browser, "root.querySelector('form').dataset.old = 'yes';"
                    "document.getElementById('enroll').setAttribute('store', 'none')")
    wait_for(lambda: shadow(browser, "return !!root.querySelector('form:not([data-old])')"),
             what="the form drawn again")
    click(browser, "submit")
    issued = event(browser, "certreq-issued")
    made = events(browser)[0]
    assert made["keyPair"] is True and issued["keyPair"] is True
    assert made["detail"]["entry"] is None
    cert = x509.load_pem_x509_certificate(issued["detail"]["certificate"].encode())
    csr = x509.load_pem_x509_csr(made["detail"]["pem"].encode())
    assert cert.public_key() == csr.public_key()
    # the browser's store was not even opened: no database made for this origin
    names = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "indexedDB.databases().then((d) => done(d.map((x) => x.name)));")
    assert names == [], names
    assert api(browser, "m.list()") == []
    # no PFX without a kept key: the certificate only
    offered = shadow(browser, "return [...root.querySelectorAll('[part=downloads] button')]"
                              ".map((b) => b.getAttribute('part'))")
    assert offered == ["button download"], offered


ACCEPT_INF = """[NewRequest]
Subject = "CN=accepted.corp.example.com"
KeyAlgorithm = ECDSA_P256
"""


def test_the_api_accepts_a_certificate_into_the_entry_that_holds_its_key(ca, browser):
    # generate keeps the key; submit with store: false leaves the store alone; accept then
    # takes the CA's certificate, as PEM or as DER bytes, into the entry that holds its key
    open_portal(browser, ca.origin)
    for form in ("pem", "der"):
        got = api(browser, f"""(async () => {{
            const made = await m.generate({json.dumps(ACCEPT_INF)});
            const answer = await m.submit(made.pem, {{ ca: '/certsrv', store: false }});
            const before = (await m.get(made.entry.id)).state;
            const pem = answer.certificate;
            const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\\s/g, '')),
                                        (c) => c.charCodeAt(0));
            const entry = await m.accept({'pem' if form == 'pem' else 'der'});
            return {{ made, answer, before, entry, stored: await m.get(made.entry.id) }};
        }})()""")
        assert "error" not in got, got
        assert got["answer"]["status"] == "issued" and got["answer"]["entry"] is None, got
        assert got["before"] == "pending", got
        entry, stored = got["entry"], got["stored"]
        assert entry["id"] == got["made"]["entry"]["id"], (form, entry)
        assert entry["state"] == "issued" and stored["state"] == "issued", (form, entry)
        norm = lambda pem: pem.replace("\r", "")
        assert norm(stored["certificate"]) == norm(got["answer"]["certificate"]), form
        cert = x509.load_pem_x509_certificate(stored["certificate"].encode())
        csr = x509.load_pem_x509_csr(got["made"]["pem"].encode())
        assert cert.public_key() == csr.public_key(), form
    assert [e["state"] for e in api(browser, "m.list()")] == ["issued", "issued"]


def test_an_inf_with_errors_is_shown_and_nothing_is_sent(ca, browser):
    before = ca.cli("list").stdout
    open_portal(browser, ca.origin)
    shadow(browser, "document.getElementById('enroll').setAttribute('inf', arguments[0])",
           BAD_INF)
    problems = wait_for(lambda: shadow(browser, "return [...root.querySelectorAll("
                                                "'[part=diagnostics] li[data-severity=error]')]"
                                                ".map((li) => li.textContent)"),
                        what="the INF's errors in the form")
    assert problems[0].startswith("line 3:"), problems
    assert shadow(browser, "return root.querySelector('[part~=submit]').disabled") is True
    # pressing Enter in the form anyway: refused with the diagnostics, nothing made or sent
    shadow(browser, "root.querySelector('form').requestSubmit()")
    refused = event(browser, "certreq-error")["detail"]
    assert [d["line"] for d in refused["diagnostics"] if d["severity"] == "error"] == [3], refused
    assert [e["type"] for e in events(browser)] == ["certreq-error"]
    assert api(browser, "m.list()") == []
    assert ca.cli("list").stdout == before


def test_the_element_follows_the_pages_language(ca, browser):
    open_portal(browser, ca.origin)
    fill(browser, "cn", "typed.corp.example.com")
    # the portal's language switcher changes <html lang> only
    browser.execute_script("document.documentElement.lang = 'de'")
    wait_for(lambda: shadow(browser, "return root.querySelector('[part~=submit]')?.textContent")
             == "Zertifikat anfordern", what="the German form")
    assert shadow(browser, "return root.querySelector('form').lang") == "de"
    # drawn again in German, with what the user had typed
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "typed.corp.example.com"


def test_a_dns_field_cannot_add_names_of_other_kinds(ca, browser):
    # `&` joins names in the INF's {text} SAN: typed into the DNS field it would add a UPN the
    # portal never opened (a locked field edited after all); it is said at the field, not sent
    before = ca.cli("list").stdout
    open_portal(browser, ca.origin)
    fill(browser, "dns", "web01.corp.example.com&upn=administrator@corp.example.com")
    said = wait_for(lambda: shadow(browser, "return root.querySelector('#e-dns').textContent"),
                    what="the DNS field's error")
    assert "is not a DNS name" in said and "&upn=" in said, said
    assert shadow(browser, "return root.querySelector('[part~=submit]').disabled") is True
    assert "upn" not in shadow(browser, "return document.getElementById('enroll')._edited()"
                                        ".toLowerCase()")
    shadow(browser, "root.querySelector('form').requestSubmit()")
    refused = event(browser, "certreq-error", timeout=20)["detail"]
    assert refused["pem"] is None, refused
    assert [e["type"] for e in events(browser)] == ["certreq-error"]
    assert api(browser, "m.list()") == []
    assert ca.cli("list").stdout == before
    # a name that is one is written as the only kind it may be
    browser.execute_script("window.portalEvents.length = 0")
    fill(browser, "dns", "web01.corp.example.com www.corp.example.com")
    entry = issued_entry(browser)
    cert = x509.load_pem_x509_certificate(entry["certificate"].encode())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [type(n).__name__ for n in san] == ["DNSName", "DNSName"], san
    assert [n.value for n in san] == ["web01.corp.example.com", "www.corp.example.com"]


def test_a_store_attribute_other_than_indexeddb_or_none_is_refused(ca, browser):
    # store="false" or "memory" does not quietly mean "keep the key in this browser"
    before = ca.cli("list").stdout
    open_portal(browser, ca.origin)
    redraw(browser, store="memory")
    click(browser, "submit")
    refused = event(browser, "certreq-error", timeout=20)["detail"]
    assert 'must be indexeddb or none, not "memory"' in refused["message"], refused
    assert [e["type"] for e in events(browser)] == ["certreq-error"]
    names = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "indexedDB.databases().then((d) => done(d.map((x) => x.name)));")
    assert names == [], names
    assert ca.cli("list").stdout == before


def test_a_pending_request_is_offered_again_after_a_reload(pending_ca, browser):
    open_portal(browser, pending_ca.origin)
    fill(browser, "cn", "reloaded.corp.example.com")
    click(browser, "submit")
    pending = event(browser, "certreq-pending")["detail"]
    # another attribute while it waits: the form is drawn again, the request still offered
    redraw(browser, fields="CN DNS FriendlyName")
    assert shadow(browser, "return root.querySelector('[part~=retrieve]').hidden") is False
    assert str(pending["requestId"]) in shadow(browser, "return root.querySelector("
                                                        "'[part=status]').textContent")
    browser.refresh()
    wait_for(lambda: shadow(browser, "return root.querySelector('[part~=retrieve]')?.hidden === false"),
             what="Check again offered after the reload")
    assert str(pending["requestId"]) in shadow(browser, "return root.querySelector("
                                                        "'[part=status]').textContent")
    assert pending_ca.cli("approve", str(pending["requestId"])).returncode == 0
    click(browser, "retrieve")
    issued = event(browser, "certreq-issued")["detail"]
    assert issued["entry"] == pending["entry"] and issued["requestId"] == pending["requestId"]
    assert [e["type"] for e in events(browser)] == ["certreq-issued"], "no second request made"
    # once issued, nothing is remembered, and a reload offers nothing more
    assert browser.execute_script("return Object.keys(localStorage)"
                                  ".filter((k) => k.startsWith('certreq-enroll pending'))") == []
    browser.refresh()
    open_portal(browser, pending_ca.origin)
    assert shadow(browser, "return root.querySelector('[part~=retrieve]').hidden") is True


def test_an_inf_file_and_an_est_server_work_as_well(ca, browser):
    open_portal(browser, ca.origin)
    redraw(browser, ca=ca.est.removeprefix(ca.origin), inf="est.inf")
    assert shadow(browser, "return root.querySelector('[data-key=KeyLength]').textContent") \
        == "2048"
    fill(browser, "cn", "est-client.corp.example.com")
    click(browser, "submit")
    issued = event(browser, "certreq-issued")["detail"]
    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value \
        == "est-client.corp.example.com"
    assert cert.public_key().key_size == 2048
    # EST gives no request id; the store took the certificate for the kept key
    entries = api(browser, "m.list()")
    assert [e["state"] for e in entries] == ["issued"], entries
    # the key is kept but not exportable (the INF says nothing of Exportable): no PFX offered
    assert entries[0]["exportable"] is False, entries
    offered = shadow(browser, "return [...root.querySelectorAll('[part=downloads] button')]"
                              ".map((b) => b.getAttribute('part'))")
    assert offered == ["button download"], offered


def luminance(css):
    import re
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_the_element_follows_the_pages_color_scheme(ca, browser):
    open_portal(browser, ca.origin)
    colours = {}
    for scheme in ("light", "dark"):
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
        colours[scheme] = browser.execute_script(
            "const s = getComputedStyle(document.getElementById('enroll'));"
            "return [s.color, s.backgroundColor]")
    (light_text, light_back), (dark_text, dark_back) = colours["light"], colours["dark"]
    assert luminance(light_text) < 0.3 < 0.7 < luminance(light_back), colours
    assert luminance(dark_back) < 0.3 < 0.7 < luminance(dark_text), colours
    # the page's own color-scheme rules, not the system's preference: a portal that is light
    # only keeps the element light under a dark system
    browser.execute_script("document.documentElement.style.colorScheme = 'light'")
    text, back = browser.execute_script(
        "const s = getComputedStyle(document.getElementById('enroll'));"
        "return [s.color, s.backgroundColor]")
    assert luminance(text) < 0.3 < 0.7 < luminance(back), (text, back)


def test_the_portal_styles_the_element_by_its_custom_properties_and_parts(ca, browser):
    # portal.css: `--certreq-radius: 10px` on the element, `::part(status)` in bold
    open_portal(browser, ca.origin)
    assert browser.execute_script("return getComputedStyle(document.getElementById('enroll'))"
                                  ".borderTopLeftRadius") == "10px"
    assert shadow(browser, "return getComputedStyle(root.querySelector('[part=status]'))"
                           ".fontWeight") == "600"
    # a property the portal sets anew reaches the element's form at once
    browser.execute_script("document.getElementById('enroll').style"
                           ".setProperty('--certreq-gap', '7px')")
    assert shadow(browser, "return getComputedStyle(root.querySelector('form')).rowGap") == "7px"


@pytest.mark.parametrize("typed", ["web01, O=Evil+OU=x", 'web01; C="DE" O=""'])
def test_the_cn_field_cannot_change_the_locked_rest_of_the_subject(ca, browser, typed):
    # a CN typed with the subject's separators and quotes stays one CN value: the portal's O,
    # OU and C are not joined by others
    open_portal(browser, ca.origin)
    fill(browser, "cn", typed)
    click(browser, "submit")
    made = event(browser, "certreq-request")["detail"]
    csr = x509.load_pem_x509_csr(made["pem"].encode())
    value = lambda oid: [a.value for a in csr.subject.get_attributes_for_oid(oid)]
    assert value(NameOID.COMMON_NAME) == [typed]
    assert value(NameOID.ORGANIZATION_NAME) == ["Example"]
    assert value(NameOID.ORGANIZATIONAL_UNIT_NAME) == ["Web servers"]
    assert value(NameOID.COUNTRY_NAME) == ["US"]
    assert len(csr.subject.rdns) == 4, csr.subject


def test_a_newrequest_key_opened_by_name_is_edited_and_the_rest_stays_locked(ca, browser):
    open_portal(browser, ca.origin)
    shadow(browser, "root.querySelector('form').dataset.old = 'yes';"
                    "document.getElementById('enroll').setAttribute('fields', 'FriendlyName')")
    wait_for(lambda: shadow(browser, "return !!root.querySelector('form:not([data-old])')"),
             what="the form drawn again")
    editable = shadow(browser, "return [...root.querySelectorAll('input, textarea')]"
                               ".map((e) => e.name)")
    assert editable == ["FriendlyName"], editable
    locked = shadow(browser, "return [...root.querySelectorAll('[part=locked] dd')]"
                             ".map((d) => d.dataset.key)")
    assert "FriendlyName" not in locked and "Subject" in locked, locked
    fill(browser, "FriendlyName", "Web server, \"front\"")
    entry = issued_entry(browser)
    assert entry["name"] == "Web server, \"front\"", entry
    assert 'FriendlyName = "Web server, ""front"""' in entry["inf"], entry["inf"]
    assert 'Subject = "CN=host.corp.example.com, OU=Web servers' in entry["inf"], entry["inf"]


COMMENTED_INF = """[NewRequest] ; what the portal asks for
Subject = "CN=commented.corp.example.com, O=Example" ; the user's CN goes here
KeyAlgorithm = ECDSA_P256 ; P-256
FriendlyName = "Commented; but quoted"
[Extensions] ; names
2.5.29.17 = "{text}"       ; subject alternative name
_continue_ = "dns=a.corp.example.com&" ; first
_continue_ = "dns=b.corp.example.com"  ; second
"""


def test_an_inf_with_comments_is_read_and_written_without_losing_them(ca, browser, tmp_path):
    # `;` outside double quotes starts a comment on any line, headers included: the fields
    # show the values alone, and what the user does not touch reaches the CA as written
    open_portal(browser, ca.origin)
    redraw(browser, inf=COMMENTED_INF)
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "commented.corp.example.com"
    assert shadow(browser, "return root.querySelector('[name=dns]').value") \
        == "a.corp.example.com\nb.corp.example.com"
    locked = locked_values(browser)
    assert locked["KeyAlgorithm"] == "ECDSA_P256", locked
    assert locked["FriendlyName"] == "Commented; but quoted", locked
    fill(browser, "cn", "edited.corp.example.com")
    click(browser, "submit")
    made = event(browser, "certreq-issued")["detail"]
    checked = request_pem(made, tmp_path)
    assert checked.subject == "CN=edited.corp.example.com,O=Example"
    san = checked.extension("2.5.29.17")
    assert [n.value for n in san.value] == ["a.corp.example.com", "b.corp.example.com"]
    inf = api(browser, f"m.get({json.dumps(made['entry'])})")["inf"]
    assert 'Subject = "CN=edited.corp.example.com, O=Example" ; the user\'s CN goes here' \
        in inf, inf
    assert "[NewRequest] ; what the portal asks for" in inf, inf


# the subject alternative name as Microsoft's examples write it: its OID a [Strings] name
STRINGS_SAN_INF = """[Version]
Signature="$Windows NT$"
[Strings]
szOID_SUBJECT_ALT_NAME2 = "2.5.29.17"
[NewRequest]
Subject = "CN=www.contoso.com, O=Contoso"
KeyAlgorithm = ECDSA_P256
[Extensions]
%szOID_SUBJECT_ALT_NAME2% = "{text}dns=www.contoso.com&dns=contoso.com&email=admin@contoso.com"
"""


def test_a_san_line_named_through_strings_is_read_and_edited(ca, browser, tmp_path):
    open_portal(browser, ca.origin)
    redraw(browser, inf=STRINGS_SAN_INF)
    assert shadow(browser, "return root.querySelector('[name=dns]').value") \
        == "www.contoso.com\ncontoso.com"
    locked = locked_values(browser)
    assert locked.get("SAN") == "email=admin@contoso.com", locked
    fill(browser, "dns", "www.contoso.com shop.contoso.com")
    assert shadow(browser, "return root.querySelector('#e-dns').textContent") == ""
    click(browser, "submit")
    made = event(browser, "certreq-issued")["detail"]
    san = request_pem(made, tmp_path).extension("2.5.29.17")
    assert [n.value for n in san.value] == ["www.contoso.com", "shop.contoso.com",
                                            "admin@contoso.com"]
    inf = api(browser, f"m.get({json.dumps(made['entry'])})")["inf"]
    assert "%szOID_SUBJECT_ALT_NAME2% = " in inf, inf


ENCODED_INF = """[NewRequest]\r
Subject = "CN=host.corp.example.com, O=Société Générale"\r
KeyAlgorithm = ECDSA_P256\r
"""


@pytest.mark.parametrize("encoding,bom", [("cp1252", b""), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-8", b"\xef\xbb\xbf")])
def test_an_inf_file_is_read_in_the_encodings_windows_writes(ca, site, browser, tmp_path,
                                                             encoding, bom):
    """Notepad's "ANSI" (Windows-1252) and "Unicode" (UTF-16LE with its BOM) files, and UTF-8
    with a BOM, read as certreq reads them: the subject sent is the one written."""
    name = f"enc-{encoding}.inf"
    (site / name).write_bytes(bom + ENCODED_INF.encode(encoding))
    open_portal(browser, ca.origin)
    redraw(browser, inf=name)
    assert locked_values(browser).get("Subject") == "CN=…, O=Société Générale"
    assert shadow(browser, "return root.querySelector('[part=diagnostics]').textContent") == ""
    made = issued_entry(browser)
    cert = x509.load_pem_x509_certificate(made["certificate"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value \
        == "Société Générale"


STRINGS_VALUES_INF = """[Strings]
host = "str.corp.example.com"
org = "Contoso"
[NewRequest]
Subject = "CN=%host%, O=%org%"
KeyAlgorithm = ECDSA_P256
[Extensions]
2.5.29.17 = "{text}dns=%host%"
[RequestAttributes]
SAN = "dns=attr.corp.example.com&dns=www.attr.corp.example.com"
"""


def test_values_are_shown_and_written_as_certreq_reads_them(ca, browser, tmp_path):
    """[Strings] names in the fields and the locked list as their values; what is typed is
    sent as typed (a `%` in it names nothing); the request's SAN attribute is shown."""
    open_portal(browser, ca.origin)
    redraw(browser, inf=STRINGS_VALUES_INF)
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "str.corp.example.com"
    assert shadow(browser, "return root.querySelector('[name=dns]').value") \
        == "str.corp.example.com"
    assert shadow(browser, "return root.querySelector('#e-dns').textContent") == ""
    locked = locked_values(browser)
    assert locked.get("Subject") == "CN=…, O=Contoso", locked
    assert locked.get("RequestAttributes SAN") \
        == "dns=attr.corp.example.com&dns=www.attr.corp.example.com", locked
    fill(browser, "cn", "%org% 100%")
    click(browser, "submit")
    made = event(browser, "certreq-issued")["detail"]
    req = request_pem(made, tmp_path)
    name = {a.oid: a.value for a in req.csr.subject}
    assert name == {NameOID.COMMON_NAME: "%org% 100%", NameOID.ORGANIZATION_NAME: "Contoso"}
    assert [n.value for n in req.extension("2.5.29.17").value] == ["str.corp.example.com"]


STRINGS_SUBJECT_INF = """[Strings]
subj = "CN=whole.corp.example.com, O=Contoso"
fn = "Renewal 100%%"
fn = "not this one"
[NewRequest]
Subject = "%subj%"
FriendlyName = "%fn%"
KeyAlgorithm = ECDSA_P256
"""


def test_a_subject_from_strings_sent_unedited_is_the_one_certreq_reads(ca, browser, tmp_path):
    """[Strings] as certreq reads it (the first definition, `%%` a `%`), and a CN inside a
    [Strings] name replaced there, not written beside it."""
    open_portal(browser, ca.origin)
    redraw(browser, inf=STRINGS_SUBJECT_INF, fields="CN FriendlyName")
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "whole.corp.example.com"
    assert shadow(browser, "return root.querySelector('[name=FriendlyName]').value") \
        == "Renewal 100%"
    click(browser, "submit")
    made = event(browser, "certreq-issued")["detail"]
    subject = request_pem(made, tmp_path).csr.subject
    assert [a.value for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)] \
        == ["whole.corp.example.com"], subject
    assert api(browser, f"m.get({json.dumps(made['entry'])})")["name"] == "Renewal 100%"


def test_an_inf_with_lone_cr_line_ends_is_read_line_by_line(ca, browser, tmp_path):
    """Lines ended by a lone CR (classic Mac OS files), which certreq and compile's line
    numbers take as line ends: the form shows the INF's values and what is typed is sent."""
    open_portal(browser, ca.origin)
    redraw(browser, inf='[NewRequest]\rSubject = "CN=cr.corp.example.com, O=Contoso"\r'
                        'KeyAlgorithm = ECDSA_P256\r', fields="CN")
    assert shadow(browser, "return root.querySelector('[name=cn]').value") \
        == "cr.corp.example.com"
    fill(browser, "cn", "typed.corp.example.com")
    click(browser, "submit")
    made = event(browser, "certreq-issued")["detail"]
    subject = request_pem(made, tmp_path).csr.subject
    # (certreq encodes the written order reversed)
    assert [(a.oid, a.value) for a in subject] == [
        (NameOID.ORGANIZATION_NAME, "Contoso"), (NameOID.COMMON_NAME, "typed.corp.example.com")]


TWO_FORMS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><script type="module" src="portal.js"></script></head>
<body><main>
<certreq-enroll ca="/certsrv" fields="CN"><template>[NewRequest]
Subject = "CN=first.corp.example.com"
KeyAlgorithm = ECDSA_P256
</template></certreq-enroll>
<certreq-enroll ca="/certsrv" fields="CN"><template>[NewRequest]
Subject = "CN=second.corp.example.com"
KeyAlgorithm = RSA
KeyLength = 2048
</template></certreq-enroll>
<ol id="log"></ol></main></body></html>
"""


# a portal's own component, holding the form in its shadow root (wrap.js, beside the page: the
# page's policy runs no inline script)
WRAP_JS = """customElements.define("portal-wrap", class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: "open" });
    const form = document.createElement("certreq-enroll");
    form.setAttribute("ca", "/certsrv");
    form.setAttribute("fields", "CN");
    form.setAttribute("inf", `[NewRequest]\\nSubject = "CN=${this.getAttribute("cn")}"\\n`
      + "KeyAlgorithm = ECDSA_P256\\n");
    root.append(form);
  }
});
"""
WRAPPED_FORMS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><script type="module" src="portal.js"></script>
<script type="module" src="wrap.js"></script></head>
<body><main><portal-wrap cn="first.corp.example.com"></portal-wrap>
<portal-wrap cn="second.corp.example.com"></portal-wrap><ol id="log"></ol></main></body></html>
"""


@pytest.mark.parametrize("page", ["two.html", "wrapped.html"])
def test_two_forms_without_ids_keep_their_own_pending_requests(pending_ca, site, browser, page):
    # side by side on the page, or each in a portal component's shadow root
    (site / "two.html").write_text(TWO_FORMS)
    (site / "wrap.js").write_text(WRAP_JS)
    (site / "wrapped.html").write_text(WRAPPED_FORMS)

    def form(n, body):
        return browser.execute_script(
            "const forms = [...document.querySelectorAll('certreq-enroll')];"
            "for (const w of document.querySelectorAll('portal-wrap'))"
            "  if (w.shadowRoot) forms.push(w.shadowRoot.querySelector('certreq-enroll'));"
            "const root = forms[arguments[0]]?.shadowRoot;"
            "if (!root) return null;\n" + body, n)

    def ready():
        return all(form(n, "return !!root.querySelector('button[type=submit]')")
                   for n in (0, 1))

    browser.get(f"{pending_ca.origin}/{page}")
    wait_for(ready, what="both forms")
    form(1, "root.querySelector('[part~=submit]').click()")
    pending = event(browser, "certreq-pending")["detail"]
    browser.refresh()
    wait_for(ready, what="both forms after the reload")
    wait_for(lambda: form(1, "return root.querySelector('[part~=retrieve]').hidden === false"),
             what="the second form's Check again")
    # the first form sent nothing: it offers nothing
    assert form(0, "return root.querySelector('[part~=retrieve]').hidden") is True
    assert str(pending["requestId"]) not in form(0, "return root.querySelector("
                                                    "'[part=status]').textContent")
    # approved: the second form's own key (RSA) gets the certificate
    assert pending_ca.cli("approve", str(pending["requestId"])).returncode == 0
    form(1, "root.querySelector('[part~=retrieve]').click()")
    issued = event(browser, "certreq-issued")["detail"]
    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value \
        == "second.corp.example.com"


def test_the_api_resolves_a_page_relative_ca_and_reuses_a_named_pending_key(ca, browser):
    open_portal(browser, ca.origin)
    got = api(browser, """(async () => {
        const inf = '[NewRequest]\\nSubject = "CN=reuse.corp.example.com"\\n'
          + 'KeyAlgorithm = ECDSA_P256\\nKeyContainer = "portal-reuse"\\n';
        const refused = async (text) => {
          try { await m.generate(text); return null; } catch (e) { return e.message; }
        };
        const first = await m.generate(inf);
        const clash = await refused(inf);
        const again = await m.generate(inf + 'UseExistingKeySet = TRUE\\n');
        const missing = await refused(inf.replace('portal-reuse', 'nowhere')
          + 'UseExistingKeySet = TRUE\\n');
        const sent = await m.submit(null, { ca: '/certsrv', entry: again.entry.id });
        let empty = null;
        try { await m.exportPfx(again.entry.id, ''); } catch (e) { empty = e.message; }
        return { first: first.pem, again: again.pem, clash, missing, status: sent.status, empty };
    })()""")
    assert "error" not in got, got
    key = lambda pem: x509.load_pem_x509_csr(pem.encode()).public_key()  # noqa: E731
    assert key(got["again"]) == key(got["first"]), "UseExistingKeySet reuses the named key"
    assert "already kept" in got["clash"], got
    assert "no pending key named “nowhere”" in got["missing"], got
    assert got["status"] == "issued", got
    assert got["empty"] == "a PFX needs a password to protect the private key in it", got


def test_a_failed_submit_is_sent_again_with_the_same_key(ca, browser):
    # the CA unreachable at first: the request and its kept key stay, and pressing the button
    # again sends that request, instead of making another key and another entry each time
    open_portal(browser, ca.origin)
    redraw(browser, ca="/no-such-ca/certsrv")
    click(browser, "submit")
    event(browser, "certreq-error")
    kept = api(browser, "m.list()")
    assert [e["state"] for e in kept] == ["pending"], kept
    redraw(browser, ca="/certsrv")
    browser.execute_script("window.portalEvents.length = 0")
    click(browser, "submit")
    issued = event(browser, "certreq-issued")["detail"]
    assert issued["entry"] == kept[0]["id"], issued
    assert [e["type"] for e in events(browser)] == ["certreq-issued"], "no second request made"
    assert [(e["id"], e["state"]) for e in api(browser, "m.list()")] == [(kept[0]["id"], "issued")]


def test_est_pending_without_a_kept_key_is_collected_by_sending_it_again(pending_ca, browser):
    # EST answers 202 with no request id; with store="none" there is no entry to retrieve by:
    # "Check again" sends the same request again, which is how EST collects it
    open_portal(browser, pending_ca.origin)
    redraw(browser, store="none", ca=pending_ca.est.removeprefix(pending_ca.origin), inf="est.inf")
    fill(browser, "cn", "est-pending.corp.example.com")
    click(browser, "submit")
    pending = event(browser, "certreq-pending")["detail"]
    assert pending["requestId"] is None and pending["entry"] is None, pending
    held = [line.split("\t") for line in pending_ca.cli("list").stdout.splitlines()]
    ids = [row[0] for row in held if row[1] == "pending"]
    assert len(ids) == 1, held
    proc = pending_ca.cli("approve", ids[0])
    assert proc.returncode == 0, proc.stderr
    click(browser, "retrieve")
    issued = event(browser, "certreq-issued")["detail"]
    cert = x509.load_pem_x509_certificate(issued["certificate"].encode())
    csr = x509.load_pem_x509_csr(pending["pem"].encode())
    assert cert.public_key() == csr.public_key()


def test_a_key_the_inf_does_not_set_is_opened_as_an_empty_field(ca, browser):
    open_portal(browser, ca.origin)
    redraw(browser, fields="CN FriendlyName", inf="est.inf")
    assert shadow(browser, "return root.querySelector('[name=FriendlyName]').value") == ""
    # left empty, nothing is added to the INF
    assert "FriendlyName" not in shadow(browser, "return document.getElementById('enroll')"
                                                 "._edited()")
    fill(browser, "FriendlyName", "Named by the user")
    entry = issued_entry(browser)
    assert entry["name"] == "Named by the user", entry
    assert 'FriendlyName = "Named by the user"' in entry["inf"], entry["inf"]


def pending_pair(browser, origin, cn):
    """Two requests for `cn` held by the CA: one of a stored entry (generate, then submit),
    one sent as it is (createRequest, then submit); their answers."""
    open_portal(browser, origin)
    inf = f'[NewRequest]\\nSubject = "CN={cn}"\\nKeyAlgorithm = ECDSA_P256\\n'
    kept = api(browser, f"m.generate('{inf}').then((g) => "
                        "m.submit(null, { ca: '/certsrv', entry: g.entry.id }))")
    loose = api(browser, f"m.createRequest('{inf}').then((r) => "
                         "m.submit(r.pem, { ca: '/certsrv' }))")
    assert kept["status"] == loose["status"] == "pending", (kept, loose)
    return kept, loose


def test_a_denial_says_the_key_is_kept_only_when_it_is(pending_ca, browser):
    kept, loose = pending_pair(browser, pending_ca.origin, "denied.corp.example.com")
    for answer in (kept, loose):
        proc = pending_ca.cli("deny", answer["requestId"], "--message", "not for you")
        assert proc.returncode == 0, proc.stderr
    kept = api(browser, "m.retrieve({ ca: '/certsrv', entry: "
                        f"{json.dumps(kept['entry']['id'])} }})")
    loose = api(browser, f"m.retrieve({{ ca: '/certsrv', requestId: {loose['requestId']} }})")
    assert kept["status"] == loose["status"] == "denied", (kept, loose)
    assert "the key is kept in this browser's store" in kept["message"], kept
    assert "delete" not in kept["message"] and kept["entry"] is not None, kept
    # the entry handed back says what key it keeps
    assert kept["entry"]["keyAlgorithm"] == "ECC P-256", kept
    assert kept["entry"]["exportable"] is False, kept
    assert "the key is kept" not in loose["message"] and loose["entry"] is None, loose


def test_a_pending_answer_says_how_to_fetch_it_in_the_apis_terms(pending_ca, browser):
    # the API's message names its own calls, not the app's buttons
    kept, loose = pending_pair(browser, pending_ca.origin, "later.corp.example.com")
    for answer in (kept, loose):
        assert answer["message"].startswith("Taken Under Submission"), answer
        assert "press" not in answer["message"], answer
    entry = kept["entry"]["id"]
    assert f'call retrieve() with the same CA options and entry: "{entry}"' in kept["message"], kept
    assert ("call retrieve() with the same CA options and requestId: "
            f"{loose['requestId']}") in loose["message"], loose
    # and the calls named do what they say: the CA still waits
    for options in (f"entry: {json.dumps(entry)}", f"requestId: {loose['requestId']}"):
        again = api(browser, f"m.retrieve({{ ca: '/certsrv', {options} }})")
        assert again["status"] == "pending", again


def test_a_stored_entrys_request_sent_as_pem_is_that_entry(pending_ca, browser):
    open_portal(browser, pending_ca.origin)
    inf = '[NewRequest]\\nSubject = "CN=as-pem.corp.example.com"\\nKeyAlgorithm = ECDSA_P256\\n'
    made = api(browser, f"m.generate('{inf}')")
    entry = made["entry"]["id"]
    # the request's PEM, not the entry's id: its pending id is kept on the entry all the same
    answer = api(browser, f"m.submit({json.dumps(made['pem'])}, {{ ca: '/certsrv' }})")
    assert answer["status"] == "pending" and answer["entry"]["id"] == entry, answer
    assert api(browser, f"m.get({json.dumps(entry)})")["requestId"] == answer["requestId"]
    # and keeps the CA it was sent to, as an entry sent by its id does (the app asks it again)
    record = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const open = indexedDB.open('certreq-web');"
        "open.onsuccess = () => { const get = open.result.transaction('requests')"
        "  .objectStore('requests').get(arguments[0]);"
        "  get.onsuccess = () => { open.result.close(); done(get.result.ca_url ?? null); }; };",
        entry)
    assert record == f"{pending_ca.origin}/certsrv", record
    # the entry object where its id belongs, or both a request and an entry: said, not guessed
    wrong = api(browser, f"m.generate('{inf}').then((g) => "
                         "m.submit(null, { ca: '/certsrv', entry: g.entry }))")
    assert "options.entry must be a stored entry's id, a string (entry.id)" in wrong["error"], wrong
    both = api(browser, f"m.submit({json.dumps(made['pem'])}, "
                        f"{{ ca: '/certsrv', entry: {json.dumps(entry)} }})")
    assert "give the request or options.entry, not both" in both["error"], both


def test_an_issued_certificate_is_handed_back_when_the_browser_keeps_no_storage(ca, browser):
    # a page without storage (IndexedDB refused, as in a sandboxed frame): the certificate the
    # CA issued is handed back with the reason, not lost with the store
    open_portal(browser, ca.origin)
    browser.execute_script("Object.defineProperty(window, 'indexedDB', { configurable: true, "
                           "get() { throw new DOMException('no storage here', 'SecurityError'); } })")
    inf = '[NewRequest]\\nSubject = "CN=no-storage.corp.example.com"\\nKeyAlgorithm = ECDSA_P256\\n'
    answer = api(browser, f"m.createRequest('{inf}').then((r) => "
                          "m.submit(r.pem, { ca: '/certsrv' }))")
    assert answer.get("status") == "issued" and answer["entry"] is None, answer
    assert "was not kept in this browser's store" in answer["message"], answer
    cert = x509.load_pem_x509_certificate(answer["certificate"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value \
        == "no-storage.corp.example.com"


def test_an_argument_that_is_not_text_is_a_rejection_that_names_it(ca, browser):
    # a portal in plain JavaScript gets a rejected promise naming the argument, not a TypeError
    # thrown from the glue
    open_portal(browser, ca.origin)
    calls = {"m.generate(42)": "the INF must be text (a string)",
             "m.get(undefined)": "the entry's id must be text (a string)",
             "m.remove({ id: 'x' })": "the entry's id must be text (a string)",
             "m.exportPfx('x')": "the password must be text (a string)",
             "m.submit('x', { ca: '/certsrv', store: 'none' })":
                 "options.store must be true or false",
             "m.submit(null, { ca: '/certsrv', entry: 'x', store: false })":
                 "options.entry names a stored entry: it cannot go with store: false"}
    for call, said in calls.items():
        outcome = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "import('./embed/certreq_web_enroll.js').then((m) => {"
            f"  let p; try {{ p = {call}; }} catch (e) {{ return done('threw: ' + e.message); }}"
            "  p.then(() => done('resolved'), (e) => done('rejected: ' + e.message));"
            "});")
        assert outcome == f"rejected: {said}", (call, outcome)


def test_a_module_that_failed_to_load_is_loaded_again(tmp_path_factory, browser):
    # the enrollment module's wasm missing at first (a deployment half copied): the element
    # says so; once the file is there, the next start of the element loads it
    site = make_site(tmp_path_factory)
    wasm = site / "embed" / "certreq_web_enroll_bg.wasm"
    aside = site / "aside.wasm"
    wasm.rename(aside)
    server = start(tmp_path_factory, site, "issue")
    try:
        browser.get(server.origin + "/index.html")
        problem = wait_for(lambda: shadow(browser, "return root.querySelector('[part=status]')"
                                                   "?.textContent"), what="the load failure")
        assert problem.startswith("The enrollment form could not be loaded"), problem
        aside.rename(wasm)
        shadow(browser, "document.getElementById('enroll').setAttribute('store', 'indexeddb')")
        wait_for(lambda: shadow(browser, "return !!root.querySelector('button[type=submit]')"),
                 what="the form once the module loads", timeout=60)
    finally:
        server.stop()
