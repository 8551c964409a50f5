"""What the issue asks of every user: labelled controls, the whole flow from the keyboard, and a
page that still reads at 200% zoom. Against the release build in dist/, in headless Chromium.
"""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from browser import by_testid, fill_editor, wait_for
from checkers import check_request

# Every visible control and the name assistive technology would read for it: aria-label,
# aria-labelledby, a <label for>, a wrapping <label>, a button's text, or a title.
ACCESSIBLE_NAMES = """
const named = (el) => {
  const text = (s) => (s || "").replace(/\\s+/g, " ").trim();
  if (text(el.getAttribute("aria-label"))) return text(el.getAttribute("aria-label"));
  const by = el.getAttribute("aria-labelledby");
  if (by) return text(by.split(/\\s+/).map((id) => document.getElementById(id)?.textContent).join(" "));
  if (el.id) {
    const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (label && text(label.textContent)) return text(label.textContent);
  }
  const wrap = el.closest("label");
  if (wrap && text(wrap.textContent)) return text(wrap.textContent);
  if ((el.tagName === "BUTTON" || el.tagName === "SUMMARY") && text(el.textContent)) return text(el.textContent);
  if (el.tagName === "A" && text(el.textContent)) return text(el.textContent);
  return text(el.getAttribute("title"));
};
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
return [...document.querySelectorAll("input, select, textarea, button, a[href], summary")]
  .filter((el) => visible(el) && el.type !== "hidden")
  .map((el) => ({ tag: el.tagName.toLowerCase(), type: el.type || "", id: el.id,
                  testid: el.dataset.testid || "", name: named(el) }));
"""

KEYBOARD_INF = """[NewRequest]
Subject = "CN=keyboard.example.com"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
"""


def test_every_control_has_a_name(app):
    # open the parts that only appear later: a generated request and its store entry
    fill_editor(app, KEYBOARD_INF)
    by_testid(app, "generate").click()
    wait_for(lambda: "END NEW CERTIFICATE REQUEST" in by_testid(app, "request-pem").text,
             timeout=60, what="the request")
    wait_for(lambda: app.find_elements("css selector", '[data-testid="store-item"]'),
             timeout=20, what="the store entry")
    controls = app.execute_script(ACCESSIBLE_NAMES)
    assert len(controls) > 15, f"only {len(controls)} controls found: {controls}"
    unnamed = [c for c in controls if not c["name"]]
    assert unnamed == [], f"controls without an accessible name: {unnamed}"


def test_a_request_can_be_made_from_the_keyboard_alone(app, tmp_path):
    fill_editor(app, KEYBOARD_INF)
    editor = by_testid(app, "inf-editor")
    editor.click()
    generate = by_testid(app, "generate")
    wait_for(lambda: generate.is_enabled(), timeout=10, what="generate to be enabled")
    # Tab from the editor until the Generate button has the focus, then press Enter
    actions = ActionChains(app)
    for _ in range(40):
        actions.send_keys(Keys.TAB).perform()
        if app.execute_script("return document.activeElement.dataset.testid") == "generate":
            break
    else:
        pytest.fail("Tab never reached the Generate button")
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
