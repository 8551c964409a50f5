"""Headless Chromium for the end-to-end tests: a static server for dist/ and a driver."""
import contextlib
import functools
import http.server
import json
import os
import pathlib
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = pathlib.Path(os.environ.get("CERTREQ_DIST", ROOT / "dist"))


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory=DIST):
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# Installed in every page and frame before the page's own scripts run (CDP
# Page.addScriptToEvaluateOnNewDocument): each Content-Security-Policy violation is kept in the
# page and written to the console, whose log survives navigations.
CSP_WATCH = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__cspViolations", { value: seen });
  window.addEventListener("securitypolicyviolation", (e) => {
    const v = { page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
                source: e.sourceFile, line: e.lineNumber, sample: e.sample };
    seen.push(v);
    console.error(CSP_MARK + JSON.stringify(v));
  }, true);
})();
"""
CSP_MARK = "securitypolicyviolation: "
CSP_WATCH = CSP_WATCH.replace("CSP_MARK", repr(CSP_MARK))


def _violation(message):
    """The report in a console line `console-api L:C "securitypolicyviolation: {...}"` (the
    console text is logged as a JSON string)."""
    try:
        text = json.loads(message[message.index('"'):])
        return json.loads(text[text.index(CSP_MARK) + len(CSP_MARK):])
    except ValueError:
        return {"unparsed": message}


class Chromium(webdriver.Chrome):
    """Chrome driven by chromedriver that watches for Content-Security-Policy violations on
    every page it opens: quit() fails the test if any page reported one, unless the test took
    them (take_csp_violations) because it provoked them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._browser_log = []
        self._csp_taken = 0
        self.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})

    def get_log(self, log_type):
        entries = super().get_log(log_type)
        if log_type == "browser":
            self._browser_log.extend(entries)
        return entries

    def csp_violations(self):
        """Every violation any page reported since this browser started (or since the last
        take_csp_violations), as dicts: page, directive, blocked, source, line, sample."""
        self.get_log("browser")
        found = [_violation(e["message"]) for e in self._browser_log
                 if CSP_MARK in e.get("message", "")]
        return found[self._csp_taken:]

    def take_csp_violations(self):
        found = self.csp_violations()
        self._csp_taken += len(found)
        return found

    def quit(self):
        try:
            violations = self.csp_violations()
        except Exception as e:  # a browser that is gone already cannot be asked
            violations = [f"could not read the browser log: {e}"]
        super().quit()
        if violations:
            raise AssertionError("Content-Security-Policy violations:\n"
                                 + "\n".join(map(str, violations)))


def chromium(profile_dir=None):
    """A headless Chromium as root on a machine with no network beyond loopback."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                f"--user-data-dir={profile_dir or tempfile.mkdtemp(prefix='certreq-e2e-')}"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return Chromium(options=opts, service=service)


@contextlib.contextmanager
def open_app(script_timeout=None, dist=DIST):
    """The release build in `dist` (dist/), served over http and open in a fresh headless
    Chromium with the editor on screen."""
    if not (dist / "index.html").exists():
        raise AssertionError(f"{dist}/index.html is missing: run `trunk build --release` first")
    with serve(dist) as url:
        driver = chromium()
        if script_timeout:
            driver.set_script_timeout(script_timeout)
        try:
            driver.get(url + "/")
            by_testid(driver, "inf-editor")
            yield driver
        finally:
            driver.quit()


def by_testid(driver, name, timeout=30):
    return WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'[data-testid="{name}"]'))


def all_testid(driver, name):
    return driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{name}"]')


def fill_editor(driver, text):
    """Replaces the editor's text the way a paste does (one input event)."""
    editor = by_testid(driver, "inf-editor")
    driver.execute_script(
        "const el = arguments[0]; el.focus(); el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", editor, text)
    return editor


def wait_for(predicate, timeout=60, interval=0.1, what="condition"):
    """Polls `predicate` until it returns something true. An element that the app re-rendered
    between being found and being read (stale) counts as "not yet": answers arrive async."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def browser_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
