"""Headless Chromium for the end-to-end tests: a static server for dist/ and a driver."""
import contextlib
import functools
import http.server
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
    return webdriver.Chrome(options=opts, service=service)


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
