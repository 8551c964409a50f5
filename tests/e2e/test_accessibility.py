"""What the issue asks of every user, checked against the release build in dist/ in headless
Chromium: axe-core (the accessibility engine from npm, installed by scripts/setup.sh) finds no
serious or critical problem on any screen or state of the app, in light and in dark colours;
the whole flow works from the keyboard; the page still reads at 200% zoom.

The app is served by devca (`--dist`, policy "pending") so that a request can be submitted and
left pending at a CA, under the same Content-Security-Policy header a deployment sends.
"""
import os
import pathlib
import shutil
import subprocess

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from browser import (DIST, ROOT, all_testid, by_testid, chromium, fill_editor, scratch_dir,
                     wait_for)
from checkers import check_request
from devca_server import DevcaServer

TOOLS = pathlib.Path(os.environ.get("CERTREQ_TOOLS", pathlib.Path.home() / ".cache" / "certreq-web" / "tools"))
AXE = TOOLS / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")

# axe.run over the whole page: the violations that matter to a user (serious, critical),
# each with the nodes it found them on, and how many rules passed (none: axe checked nothing)
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ["violations"] })
  .then((r) => done({ passed: r.passes.length, violations: r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary) })) }))
  .catch((e) => done({ error: String(e) }));
"""

# The editor's text is the highlighted copy under its transparent textarea, which axe cannot
# see through (its contrast would come back "incomplete"): with the textarea's window hidden for
# a moment, axe's contrast rule is run on the highlighted text alone. No editor: null.
RUN_AXE_EDITOR_TEXT = """
const done = arguments[arguments.length - 1];
const window_ = document.querySelector(".code .window");
if (!window_) return done(null);
window_.style.visibility = "hidden";
axe.run({ include: [".code"] }, { runOnly: ["color-contrast"] })
  .then((r) => done({ checked: r.passes.concat(r.violations).reduce((n, v) => n + v.nodes.length, 0),
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary) })) }))
  .catch((e) => done({ error: String(e) }))
  .finally(() => { window_.style.visibility = ""; });
"""

KEYBOARD_INF = """[NewRequest]
Subject = "CN=keyboard.example.com"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
"""

BROKEN_INF = """[NewRequest]
Subject = "CN=broken.example.com"
KeyAlgorithm = ECDSA_P999
KeyLength = lots
[Extensions]
2.5.29.17 = "{text}dns=broken.example.com"
"""

SELF_SIGNED_INF = """[NewRequest]
Subject = "CN=axe.example.com"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
RequestType = Cert
Exportable = TRUE
"""


def axe_source() -> str:
    if not AXE.exists():
        message = f"{AXE} is missing: run scripts/setup.sh (it installs axe-core)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


class Axe:
    """Runs axe on the page as it is now, in light and in dark colours, and keeps what it
    finds by state."""

    def __init__(self, driver, source):
        self.driver = driver
        self.source = source
        self.found = {}
        self.states = []

    def scheme(self, scheme):
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
        dark = self.driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (scheme == "dark"), f"the {scheme} colour scheme is not emulated"

    def check(self, state):
        self.states.append(state)
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.source)
        for scheme in SCHEMES:
            self.scheme(scheme)
            # colours change with a transition in some places: let them settle
            self.driver.execute_script(
                "return new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300)))")
            result = self.driver.execute_async_script(RUN_AXE)
            assert "error" not in result, f"axe failed in {state}: {result}"
            assert result["passed"] > 0, f"axe checked nothing in {state}"
            found = result["violations"]
            text = self.driver.execute_async_script(RUN_AXE_EDITOR_TEXT)
            if text is not None:
                assert "error" not in text, f"axe failed on the editor's text in {state}: {text}"
                assert text["checked"] > 0, f"axe saw none of the editor's text in {state}"
                found += text["violations"]
            if found:
                self.found[f"{state}, {scheme}"] = found
        self.scheme("light")


@pytest.fixture(scope="module")
def pending_ca(tmp_path_factory):
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST}/index.html is missing: run `scripts/build-app.sh` first")
    server = DevcaServer(tmp_path_factory.mktemp("devca-axe"), policy="pending", dist=DIST)
    yield server
    server.stop()


def pfx_file(folder: pathlib.Path) -> pathlib.Path:
    out = folder / "leaf.pfx"
    data = ROOT / "tests" / "data"
    subprocess.run(["openssl", "pkcs12", "-export", "-inkey", data / "pfx-leaf.key",
                    "-in", data / "pfx-leaf.crt", "-passout", "pass:right", "-out", out],
                   check=True, capture_output=True)
    return out


def disposition(driver, status):
    return wait_for(lambda: (d := all_testid(driver, "disposition"))
                    and d[0].get_attribute("data-status") == status and d[0].text,
                    timeout=60, what=f"the CA's answer: {status}")


def refused(driver, axe, dialog, passwords, state):
    """Types `passwords` into dialog `dialog`'s password fields (the password, then its
    confirmation), saves, waits for the dialog's problem, checks the page as `state`, and
    closes the dialog."""
    for field, password in zip(("password", "confirm"), passwords):
        by_testid(driver, f"{dialog}-{field}").send_keys(password)
    by_testid(driver, f"{dialog}-save").click()
    wait_for(lambda: all_testid(driver, f"{dialog}-problem"), timeout=30,
             what=f"the problem in {state}")
    axe.check(state)
    by_testid(driver, f"{dialog}-cancel").click()


def test_axe_finds_no_serious_problem_on_any_screen_light_or_dark(pending_ca, tmp_path):
    source = axe_source()
    driver = chromium(scratch_dir("axe-"))
    driver.set_script_timeout(60)
    try:
        driver.get(pending_ca.origin + "/")
        by_testid(driver, "inf-editor")
        axe = Axe(driver, source)
        axe.check("fresh page")

        fill_editor(driver, BROKEN_INF)
        wait_for(lambda: driver.find_elements(
            "css selector", '[data-testid="diagnostics"] [data-severity="error"]'), timeout=20,
            what="the editor's errors")
        axe.check("errors in the editor")

        fill_editor(driver, KEYBOARD_INF)
        generate = by_testid(driver, "generate")
        wait_for(lambda: generate.is_enabled(), timeout=10, what="generate to be enabled")
        generate.click()
        wait_for(lambda: "END NEW CERTIFICATE REQUEST" in by_testid(driver, "request-pem").text,
                 timeout=90, what="the request")
        wait_for(lambda: all_testid(driver, "entry-submit"), timeout=20,
                 what="the new entry, not yet sent to a CA")
        axe.check("request made, entry not yet submitted")

        url = by_testid(driver, "endpoint-url")
        own = url.get_property("value")
        url.clear()
        url.send_keys("https://127.0.0.1:9/certsrv")
        by_testid(driver, "submit").click()
        disposition(driver, "error")
        axe.check("the CA cannot be reached")

        url = by_testid(driver, "endpoint-url")  # re-rendered since
        url.clear()
        url.send_keys(own)
        by_testid(driver, "submit").click()
        disposition(driver, "pending")
        wait_for(lambda: all_testid(driver, "retrieve"), timeout=20, what="the pending entry")
        axe.check("pending at the CA")

        # the administrator issues it: retrieved, the entry shows what the CA issued
        held = [line.split("\t") for line in pending_ca.cli("list").stdout.splitlines()]
        pending = [row[0] for row in held if len(row) > 1 and row[1] == "pending"]
        assert len(pending) == 1, held
        assert pending_ca.cli("approve", pending[0]).returncode == 0
        by_testid(driver, "retrieve").click()
        wait_for(lambda: driver.find_elements(
            "css selector", '[data-testid="store-item"][data-state="issued"]'), timeout=60,
            what="the entry the CA issued")
        axe.check("entry issued by the CA")

        fill_editor(driver, SELF_SIGNED_INF)
        generate = by_testid(driver, "generate")
        wait_for(lambda: generate.is_enabled() and "self-signed" in generate.text, timeout=10,
                 what="generate for a self-signed certificate")
        generate.click()
        pem = wait_for(lambda: "END CERTIFICATE-----" in (t := by_testid(driver, "request-pem").text)
                       and t, timeout=90, what="the certificate")
        wait_for(lambda: all_testid(driver, "export-pfx"), timeout=20, what="the issued entry")
        axe.check("issued entry")

        by_testid(driver, "export-pfx").click()
        by_testid(driver, "pfx-dialog")
        axe.check("PFX export dialog")
        refused(driver, axe, "pfx", ["one password", "another"],
                "PFX export dialog with a problem")

        box = by_testid(driver, "decode-input")
        driver.execute_script(
            "const el = arguments[0]; el.value = arguments[1];"
            "el.dispatchEvent(new Event('input', {bubbles: true}));", box, pem)
        wait_for(lambda: by_testid(driver, "decode-output").get_attribute("data-kind") == "certificate",
                 timeout=30, what="the decoded certificate")
        axe.check("decoder with a certificate")

        by_testid(driver, "import-pfx").send_keys(str(pfx_file(tmp_path)))
        by_testid(driver, "import-dialog")
        axe.check("PFX import dialog")
        refused(driver, axe, "import", ["wrong"], "PFX import dialog with a problem")

        by_testid(driver, "backup-open").click()
        by_testid(driver, "backup-locked")  # the keyboard request's key is not exportable
        axe.check("backup dialog")
        refused(driver, axe, "backup", ["one password", "another"],
                "backup dialog with a problem")

        # a PFX that is not a backup
        by_testid(driver, "restore-file").send_keys(str(pfx_file(tmp_path)))
        refused(driver, axe, "backup", ["right"], "restore dialog with a refusal")
    finally:
        driver.quit()
    assert len(axe.states) == 15, axe.states
    assert axe.found == {}, "axe found serious or critical problems:\n" + "\n".join(
        f"{where}: {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for where, found in axe.found.items() for v in found)


PORTAL = ROOT / "examples" / "portal-element"
EMBED = pathlib.Path(os.environ.get("CERTREQ_EMBED", DIST / "embed"))


def element(driver, script, *args):
    return driver.execute_script(
        "const root = document.getElementById('enroll').shadowRoot; if (!root) return null;\n"
        + script, *args)


def test_axe_finds_no_serious_problem_in_the_portal_element_light_or_dark(tmp_path):
    """The <certreq-enroll> element on the sample portal (examples/portal-element), served by
    devca (policy "pending") under the portal's strict policy: the fresh form, an INF with
    errors, a pending request, and the issued certificate with its download buttons."""
    source = axe_source()
    if not (EMBED / "certreq-enroll.js").exists():
        pytest.fail(f"{EMBED}/certreq-enroll.js is missing: run scripts/build-embed.sh dist/embed")
    site = tmp_path / "site"
    shutil.copytree(PORTAL, site)
    shutil.copytree(EMBED, site / "embed")
    server = DevcaServer(tmp_path / "devca", policy="pending", dist=site)
    driver = chromium(scratch_dir("axe-portal-"))
    driver.set_script_timeout(60)
    try:
        driver.get(server.origin + "/index.html")
        wait_for(lambda: element(driver, "return !!root.querySelector('[part~=submit]')"),
                 what="the element's form")
        axe = Axe(driver, source)
        axe.check("portal element: fresh form")

        element(driver, "root.querySelector('[name=dns]').value = 'bad name!';"
                        "root.querySelector('[name=dns]').dispatchEvent(new Event('input'))")
        # said at the field: the input marked invalid and described by the message
        wait_for(lambda: element(driver, "return root.querySelector('#e-dns').textContent"),
                 what="the element's error at the DNS field")
        axe.check("portal element: errors in the form")
        element(driver, "root.querySelector('[name=dns]').value = 'portal.corp.example.com';"
                        "root.querySelector('[name=dns]').dispatchEvent(new Event('input'))")

        element(driver, "root.querySelector('[part~=submit]').click()")
        wait_for(lambda: element(driver, "return !root.querySelector('[part~=retrieve]').hidden"),
                 timeout=60, what="the pending request")
        axe.check("portal element: pending")

        request_id = driver.execute_script(
            "return window.portalEvents.find((e) => e.type === 'certreq-pending')"
            ".detail.requestId")
        assert server.cli("approve", str(request_id)).returncode == 0
        element(driver, "root.querySelector('[part~=retrieve]').click()")
        wait_for(lambda: element(driver, "return root.querySelectorAll("
                                         "'[part=downloads] button').length"),
                 timeout=60, what="the issued certificate's downloads")
        axe.check("portal element: issued, with downloads")
    finally:
        driver.quit()
        server.stop()
    assert len(axe.states) == 4, axe.states
    assert axe.found == {}, "axe found serious or critical problems:\n" + "\n".join(
        f"{where}: {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for where, found in axe.found.items() for v in found)


def tab_to(driver, testid, limit=60):
    """Presses Tab until the element `testid` has the focus (at most `limit` times)."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.execute_script("return document.activeElement.dataset.testid") == testid:
            return
    pytest.fail(f"Tab never reached {testid}")


def test_a_request_can_be_made_from_the_keyboard_alone(app, tmp_path):
    # the keyboard starts at the top of the page, nothing focused
    app.execute_script("document.activeElement && document.activeElement.blur();"
                       "window.scrollTo(0, 0);")
    # Tab reaches the editor; the INF in it is selected and typed over, key by key
    tab_to(app, "inf-editor")
    ActionChains(app).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL) \
        .send_keys(Keys.DELETE).send_keys(KEYBOARD_INF).perform()
    wait_for(lambda: by_testid(app, "inf-editor").get_property("value") == KEYBOARD_INF,
             timeout=10, what="the typed INF in the editor")
    generate = by_testid(app, "generate")
    wait_for(lambda: generate.is_enabled(), timeout=10, what="generate to be enabled")
    # Tab on from the editor (it does not keep the Tab key) to the Generate button, and Enter
    tab_to(app, "generate", limit=40)
    focused = app.execute_script(
        "const el = document.activeElement; const s = getComputedStyle(el);"
        "return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'")
    assert focused, "the focused Generate button shows no focus indicator"
    ActionChains(app).send_keys(Keys.ENTER).perform()
    pem = wait_for(lambda: "END NEW CERTIFICATE REQUEST" in by_testid(app, "request-pem").text
                   and by_testid(app, "request-pem").text, timeout=60, what="the request")
    out = tmp_path / "keyboard.req"
    out.write_text(pem)
    assert check_request(out, tmp_path).subject == "CN=keyboard.example.com"


def test_the_page_reads_at_200_percent_zoom(app):
    # 200% zoom of a 1280 px wide window lays the page out in 640 CSS pixels
    app.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": 1280, "height": 900, "deviceScaleFactor": 2, "mobile": False,
                         "screenWidth": 1280, "screenHeight": 900})
    app.set_window_size(640, 900)
    app.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": 640, "height": 900, "deviceScaleFactor": 2, "mobile": False})
    fill_editor(app, KEYBOARD_INF)
    sizes = wait_for(lambda: app.execute_script(
        "return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth}"),
        timeout=10, what="the page's width")
    assert sizes["inner"] <= 660, sizes
    assert sizes["scroll"] <= sizes["inner"], f"the page scrolls sideways at 200%: {sizes}"
    # the main controls are still on screen and usable
    for testid in ("inf-editor", "generate", "decode-input", "template-gallery"):
        el = by_testid(app, testid)
        box = app.execute_script("const r = arguments[0].getBoundingClientRect();"
                                 "return {left: r.left, right: r.right, width: r.width}", el)
        assert box["width"] > 0 and box["left"] >= 0 and box["right"] <= sizes["inner"] + 1, \
            f"{testid} does not fit at 200%: {box}"
