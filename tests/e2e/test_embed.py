"""The embedding module (scripts/build-embed.sh → dist/embed/) used by another page the way the
README's "Embedding" section says: imported as an ES module, initialised both ways (plain
`init()`, and with a module compiled while the glue loads), then `compile` and `createRequest`.
The requests it makes are checked by OpenSSL, `cryptography` and Go's parser; one made with the
fixed RSA key must be the Rust engine's bytes (as in Node: tests/e2e/test_package.py). Every
test runs twice: on dist/embed, and on the package folder (scripts/build-package.sh →
dist/package/) copied next to a plain static page. Each page runs under a portal's strict policy
(its own origin, 'wasm-unsafe-eval' and the hash of the test's one inline script): what
web/package/README.md says the module needs, and no more.
"""
import base64
import os
import pathlib
import shutil
import sys

import pytest

from browser import DIST, ROOT, browser_errors, chromium, serve, wait_for
from checkers import check_cmc, check_request

EMBED = pathlib.Path(os.environ.get("CERTREQ_EMBED", DIST / "embed"))
PACKAGE = pathlib.Path(os.environ.get("CERTREQ_PACKAGE", DIST / "package"))
DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
# the request core's golden test makes from this INF with the fixed RSA key
GOLDEN_INF = '[NewRequest]\nSubject = "CN=bare"\nSuppressDefaults = TRUE\nHashAlgorithm = SHA512\n'

INF = """[NewRequest]
Subject = "CN=portal.example.com, O=Example, C=US"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256

[Extensions]
2.5.29.17 = "{text}dns=portal.example.com"
"""

BAD_INF = '[NewRequest]\nSubject = "CN=x"\nKeyLength = many\n'

# A portal page: plain init() or compile-while-the-glue-loads, as the README shows.
PAGE = """<!doctype html><meta charset="utf-8"><title>portal</title>
<script type="module">
const way = new URLSearchParams(location.search).get("init");
const run = async () => {
  let mod;
  if (way === "parallel") {
    const glue = import("./embed/certreq_web.js");
    const wasm = WebAssembly.compileStreaming(fetch("./embed/certreq_web_bg.wasm"));
    mod = await glue;
    mod.initSync({ module: await wasm });
  } else {
    mod = await import("./embed/certreq_web.js");
    await mod.default();
  }
  const inf = window.atob("%INF%");
  const checked = mod.compile(inf);
  const bad = mod.compile(window.atob("%BAD%"));
  let refusal = null;
  try { await mod.createRequest(window.atob("%BAD%")); } catch (e) {
    refusal = { message: e.message, diagnostics: e.diagnostics.length };
  }
  const made = await mod.createRequest(inf);
  const extractable = made.keyPair.privateKey.extractable;
  const again = await mod.createRequest(inf, made.keyPair);
  // RequestType = CMC: the same key, the request wrapped and signed again
  const cmc = await mod.createRequest(inf.replace("[Extensions]", "RequestType = CMC\\n[Extensions]"),
                                      made.keyPair);
  // the fixed RSA key, imported: RSA PKCS#1 v1.5 is deterministic, so the bytes are comparable
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" };
  const pkcs8 = Uint8Array.from(window.atob("%KEY%"), (c) => c.charCodeAt(0));
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]);
  const { kty, n, e } = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await crypto.subtle.importKey("jwk", { kty, n, e }, algorithm, true, ["verify"]);
  const fixed = await mod.createRequest(window.atob("%GOLDEN%"), { privateKey, publicKey });
  return { ok: checked.ok, subject: checked.preview.subject, bad: bad.diagnostics, badOk: bad.ok,
           refusal, pem: made.pem, again: again.pem, extractable, cmc: cmc.pem, cmcKind: cmc.kind,
           fixed: Array.from(fixed.der) };
};
run().then((r) => { window.__result = r; }, (e) => { window.__result = { error: String(e) }; });
</script>
"""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


sys.path.insert(0, str(ROOT / "scripts"))
from csp import source_hash  # noqa: E402  (the build's own hash of an inline script)

# connect-src also allows a port where nothing listens, for a CA the browser cannot reach
POLICY = ("default-src 'self'; connect-src 'self' https://127.0.0.1:9; "
          "script-src 'self' 'wasm-unsafe-eval' {}; base-uri 'none'; object-src 'none'")


def with_policy(page: str) -> str:
    """The page with a strict policy in a meta tag ahead of its one inline script, which the
    policy allows by its hash."""
    start = page.index('<script type="module">') + len('<script type="module">')
    script = page[start:page.index("</script>", start)]
    policy = POLICY.format(source_hash(script))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return page.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + meta, 1)


def portal_site(site, folder=EMBED, built_by="scripts/build-embed.sh dist/embed"):
    """Writes the portal page (index.html, PAGE) into `site`, with the embedding module `folder`
    (made by `built_by`) copied beside it as embed/."""
    for name in ("certreq_web.js", "certreq_web_bg.wasm"):
        if not (folder / name).exists():
            pytest.fail(f"{folder}/{name} is missing: run {built_by} first")
    shutil.copytree(folder, site / "embed")
    pem = (DATA / "test-rsa-2048.pk8.pem").read_text()
    pkcs8 = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    page = PAGE.replace("%INF%", b64(INF)).replace("%BAD%", b64(BAD_INF))
    page = page.replace("%KEY%", pkcs8).replace("%GOLDEN%", b64(GOLDEN_INF))
    (site / "index.html").write_text(with_policy(page))


# A page that forgot where the decoding module is: the message names setToolsUrl.
NO_TOOLS_PAGE = """<!doctype html><meta charset="utf-8"><title>no tools</title>
<script type="module">
const run = async () => {
  const mod = await import("./embed/certreq_web_enroll.js");
  await mod.default();
  mod.setToolsUrl(new URL("./nowhere/certreq-tools.wasm", location.href));
  try { await mod.accept(window.atob("%CERT%")); return { accepted: true }; }
  catch (e) { return { message: e.message }; }
};
run().then((r) => { window.__result = r; }, (e) => { window.__result = { error: String(e) }; });
</script>
"""


@pytest.fixture(scope="module", params=["embed", "package"])
def portal(request, tmp_path_factory):
    folder, script = {"embed": (EMBED, "scripts/build-embed.sh dist/embed"),
                      "package": (PACKAGE, "scripts/build-package.sh dist/package")}[request.param]
    site = tmp_path_factory.mktemp("portal")
    portal_site(site, folder, script)
    store = STORE_PAGE.replace("%INF%", b64(INF)).replace("%BAD%", b64(BAD_INF))
    store = store.replace("%CERT%", b64((DATA / "pfx-leaf.crt").read_text()))
    (site / "store.html").write_text(with_policy(store))
    no_tools = NO_TOOLS_PAGE.replace("%CERT%", b64((DATA / "pfx-leaf.crt").read_text()))
    (site / "no-tools.html").write_text(with_policy(no_tools))
    with serve(site) as url:
        driver = chromium()
        try:
            yield driver, url
        finally:
            driver.quit()


def page_result(portal, page):
    """Opens `page` of the portal's site and returns what its script made."""
    driver, url = portal
    driver.get(f"{url}/{page}")
    result = wait_for(lambda: driver.execute_script("return window.__result || null"),
                      timeout=60, what=f"the result of {page}")
    assert "error" not in result, f"{result['error']}; console: {browser_errors(driver)}"
    assert "wasm-unsafe-eval" in driver.execute_script(
        "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    return result


def run_page(portal, way):
    """The portal page's result, the module initialised `way` (plain or parallel)."""
    return page_result(portal, f"index.html?init={way}")


@pytest.mark.parametrize("way", ["plain", "parallel"])
def test_a_portal_page_makes_requests_that_verify(portal, way, tmp_path):
    r = run_page(portal, way)
    assert r["ok"] is True
    # the preview lists the subject in encoded order: certreq reverses the written order
    assert [rdn[0]["attribute"] for rdn in r["subject"]] == ["C", "O", "CN"]
    assert r["extractable"] is False, "Exportable was not set, so the key must not be extractable"
    for name in ("pem", "again"):
        assert r[name].startswith("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n")
        path = tmp_path / f"{name}.req"
        path.write_text(r[name])
        checked = check_request(path, tmp_path)
        assert checked.subject == "CN=portal.example.com,O=Example,C=US"
        assert checked.key_description == "EC-secp256r1"
        san = checked.extension("2.5.29.17")
        assert san is not None and [n.value for n in san.value] == ["portal.example.com"]


def test_a_portal_page_makes_cmc_requests(portal, tmp_path):
    r = run_page(portal, "parallel")
    assert r["cmcKind"] == "request"
    path = tmp_path / "cmc.req"
    path.write_text(r["cmc"])
    checked = check_cmc(path, tmp_path)
    assert checked.subject == "CN=portal.example.com,O=Example,C=US"
    assert checked.digest == "sha256"
    assert checked.signature_algorithm == "1.2.840.10045.4.3.2"  # ecdsa-with-SHA256


def test_a_portal_page_gets_line_precise_errors(portal):
    r = run_page(portal, "plain")
    assert r["badOk"] is False
    errors = [d for d in r["bad"] if d["severity"] == "error"]
    assert errors and errors[0]["line"] == 3, r["bad"]
    assert r["refusal"]["message"].startswith("the INF has errors: 3:"), r["refusal"]
    assert r["refusal"]["diagnostics"] == len(r["bad"])


def test_a_portal_page_makes_the_engines_bytes_from_the_same_key(portal):
    r = run_page(portal, "plain")
    golden = (DATA / "golden-suppress-defaults.der").read_bytes()
    assert bytes(r["fixed"]) == golden, "the browser's request differs from the Rust engine's"


# The key store and enrollment API without a CA: generate keeps the key, list/get/remove see
# it, accept refuses a certificate no stored key is for, and submit/retrieve refuse bad options
# before anything is sent.
STORE_PAGE = """<!doctype html><meta charset="utf-8"><title>store</title>
<script type="module">
const run = async () => {
  const mod = await import("./embed/certreq_web_enroll.js");
  await mod.default();
  mod.setToolsUrl(new URL("./embed/certreq-tools.wasm", location.href));
  const inf = window.atob("%INF%");
  const made = await mod.generate(inf);
  const listed = await mod.list();
  const got = await mod.get(made.entry.id);
  const reject = async (p) => { try { await p; return null; } catch (e) { return e.message; } };
  const foreign = await reject(mod.accept(window.atob("%CERT%")));
  const noCa = await reject(mod.submit(made.pem, {}));
  const badProtocol = await reject(mod.submit(made.pem, { ca: "https://ca.example/certsrv", protocol: "scep" }));
  const nothing = await reject(mod.retrieve({ ca: "https://ca.example/certsrv" }));
  const textId = await reject(mod.retrieve({ ca: "https://ca.example/certsrv", requestId: "2" }));
  const unreachable = await reject(mod.submit(made.pem, { ca: "https://127.0.0.1:9/certsrv", store: false }));
  const notIssued = await reject(mod.exportPfx(made.entry.id, "pw"));
  const badInf = await reject(mod.generate(window.atob("%BAD%")));
  await mod.remove(made.entry.id);
  return { pem: made.pem, entry: made.entry, listed, gotRequest: got.request,
           gotPair: got.keyPair.privateKey instanceof CryptoKey,
           extractable: got.keyPair.privateKey.extractable, foreign, noCa, badProtocol, nothing,
           textId, notIssued, badInf, unreachable, after: await mod.list(),
           gone: await mod.get(made.entry.id) };
};
run().then((r) => { window.__result = r; }, (e) => { window.__result = { error: String(e) }; });
</script>
"""


def test_the_key_store_api_keeps_lists_and_removes_what_generate_made(portal, tmp_path):
    r = page_result(portal, "store.html")
    entry = r["entry"]
    assert entry["state"] == "pending" and entry["requestId"] is None
    assert entry["certificate"] is None and entry["chain"] == []
    assert entry["exportable"] is False and entry["keyAlgorithm"] == "ECC P-256", entry
    assert entry["inf"] == INF
    assert [e["id"] for e in r["listed"]] == [entry["id"]]
    assert r["gotPair"] is True and r["extractable"] is False
    # the stored request is the one handed out
    assert r["gotRequest"].replace("\r", "") == r["pem"].replace("\r", "")
    path = tmp_path / "stored.req"
    path.write_text(r["gotRequest"])
    assert check_request(path, tmp_path).subject == "CN=portal.example.com,O=Example,C=US"
    assert "belongs to none of the keys kept in this browser" in r["foreign"], r["foreign"]
    assert r["noCa"].startswith("options.ca must be the CA's URL"), r["noCa"]
    assert r["badProtocol"] == 'options.protocol is "adcs" or "est", not "scep"', r["badProtocol"]
    assert r["nothing"].startswith("retrieve needs options.entry"), r["nothing"]
    # an id given as text is named as such, not taken for no id
    assert r["textId"] == "options.requestId must be a whole number (the CA's request id)", r
    assert r["notIssued"] == "that entry has no certificate yet; accept one first", r["notIssued"]
    assert r["badInf"].startswith("the INF has errors: 3:"), r["badInf"]
    # a CA the browser cannot reach: said in terms a portal has (no app's file buttons)
    assert r["unreachable"].startswith("could not reach the CA at https://127.0.0.1:9/"), r
    assert "IIS CORS module" in r["unreachable"] and ".req" not in r["unreachable"], r
    assert r["after"] == [] and r["gone"] is None


def test_a_decoding_module_not_where_set_tools_url_says_is_named_so(portal):
    r = page_result(portal, "no-tools.html")
    assert r.get("message", "").startswith(
        "the decoding module (certreq-tools.wasm) could not be loaded from where setToolsUrl "
        "says"), r


def test_every_file_the_declarations_point_to_is_beside_them():
    """A static page copies dist/embed as it is: the diagnostics' codes that the declaration
    file names (`diagnostic-codes.md`, beside this file) are there, listing every code."""
    declarations = (EMBED / "certreq_web.d.ts").read_text()
    assert "diagnostic-codes.md" in declarations
    codes = EMBED / "diagnostic-codes.md"
    assert codes.exists(), f"{codes} is missing: scripts/build-embed.sh copies it"
    assert codes.read_bytes() == (ROOT / "docs" / "diagnostic-codes.md").read_bytes()
