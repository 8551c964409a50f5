"""The browsers of the end-to-end tests (headless Chromium for most; Firefox ESR and WebKitGTK
for the smoke flows of test_engines.py), each watching for CSP violations, and a static server
for dist/."""
import atexit
import contextlib
import functools
import glob
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.firefox.service import Service as FirefoxService
from selenium.webdriver.webkitgtk.service import Service as WebKitService
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


# The watcher every page gets: each Content-Security-Policy violation (a
# `securitypolicyviolation` event) is kept in the page and written to the console with a mark.
# How it gets into the page before the page's own scripts run is the engine's business:
# Chromium's DevTools protocol (Page.addScriptToEvaluateOnNewDocument), WebDriver BiDi's
# script.addPreloadScript in Firefox; WebKitWebDriver has neither, so there it is added by
# WebDriver once each page has loaded (see WebKit below).
CSP_WATCH = """
(() => {
  if (window.__cspViolations) return;
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

ENGINES = ("chromium", "firefox", "webkit")

WATCH_FILE = "__csp-watch.js"


def watched_copy(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """A copy of the site `source` whose HTML pages start the watcher themselves, ahead of
    everything else in them, their Content-Security-Policy meta tag included (which covers only
    what follows it): a page served over HTTP loads it as /__csp-watch.js (its policy's 'self'
    allows that, and a header policy the server sends was checked to), a page opened from a
    file (the single file, whose policy allows no script source) has it inline. WebKit, which
    has no way to run a script in a page before the page's own (see WebKit), sees what the page
    does while it loads only in such a copy; the other engines' watchers are in it as well
    (the watcher starts once per page)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    (target / WATCH_FILE).write_text(CSP_WATCH)
    for page in target.rglob("*.html"):
        text = page.read_text()
        tag = (f"<script>{CSP_WATCH}</script>" if page.name == "certreq-web.html"
               else f'<script src="/{WATCH_FILE}"></script>')
        at = text.lower().find("<head>")
        at = at + len("<head>") if at >= 0 else text.find(">", text.lower().find("<!doctype")) + 1
        page.write_text(text[:at] + tag + text[at:])
    return target


def _violation(message):
    """The report in a console line: Chromium's `console-api L:C "securitypolicyviolation:
    {...}"` (the console text logged as a JSON string) or the plain text Firefox's BiDi log
    gives."""
    try:
        if not message.startswith(CSP_MARK):
            message = json.loads(message[message.index('"'):])
        return json.loads(message[message.index(CSP_MARK) + len(CSP_MARK):])
    except ValueError:
        return {"unparsed": message}


class CspWatched:
    """A driver that watches for Content-Security-Policy violations on every page it opens:
    quit() fails the test if any page reported one, unless the test took them
    (take_csp_violations) because it provoked them. An engine supplies _reported(): every
    violation seen since the browser started, oldest first."""

    engine = None

    def _watch(self):
        self._csp_taken = 0

    def csp_violations(self):
        """Every violation any page reported since this browser started (or since the last
        take_csp_violations), as dicts: page, directive, blocked, source, line, sample."""
        return self._reported()[self._csp_taken:]

    def take_csp_violations(self):
        found = self.csp_violations()
        self._csp_taken += len(found)
        return found

    def quit(self):
        try:
            self._settle()
            violations = self.csp_violations()
        except Exception as e:  # a browser that is gone already cannot be asked
            violations = [f"could not read the violations: {e}"]
        try:
            super().quit()
        finally:
            self._after_quit()
        if violations:
            raise AssertionError(f"Content-Security-Policy violations in {self.engine}:\n"
                                 + "\n".join(map(str, violations)))

    def _after_quit(self):
        pass

    def _settle(self):
        """Waits until the reports of what the page did last have arrived (an engine whose
        reports come asynchronously)."""


class Chromium(CspWatched, webdriver.Chrome):
    """Chrome driven by chromedriver; the watcher goes in through the DevTools protocol and
    its reports come back through the browser log, which survives navigations. A worker's
    violations (the editor's blob: worker) are Chromium's own log lines from the worker."""

    engine = "chromium"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._browser_log = []
        self._watch()
        self.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})

    def get_log(self, log_type):
        entries = super().get_log(log_type)
        if log_type == "browser":
            self._browser_log.extend(entries)
        return entries

    def _reported(self):
        self.get_log("browser")
        found = []
        for e in self._browser_log:
            message = e.get("message", "")
            if CSP_MARK in message:
                found.append(_violation(message))
            elif e.get("source") == "worker" and "Content Security Policy" in message:
                # a worker's violations do not reach the page's listener: Chromium logs them
                found.append({"worker": message})
        return found

    def allow_downloads(self, folder):
        self.execute_cdp_cmd("Browser.setDownloadBehavior",
                             {"behavior": "allow", "downloadPath": str(folder)})


class _BidiLogEntry:
    """A BiDi log.entryAdded event kept as the dict it came as (selenium's own classes want
    fields Firefox leaves out of some entries)."""

    event_class = "log.entryAdded"

    @staticmethod
    def from_json(params):
        return params


class Firefox(CspWatched, webdriver.Firefox):
    """Firefox (headless) driven by geckodriver; the watcher goes in as a WebDriver BiDi
    preload script (every page and frame, before their scripts) and its reports come back as
    BiDi console entries, kept here across navigations."""

    engine = "firefox"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._watch()
        self._console = []  # BiDi log.entryAdded events as sent (console and javascript)
        self._late = []  # reports a page counted that never came as log entries
        self.script._subscribe_to_log_entries()
        self._websocket_connection.add_callback(_BidiLogEntry, self._console.append)
        self.script._add_preload_script("() => {" + CSP_WATCH + "}")

    def _reported(self):
        return [_violation(e.get("text") or "") for e in list(self._console)
                if CSP_MARK in (e.get("text") or "")] + self._late

    def _settle(self):
        # BiDi log entries come over the socket after the page wrote them: at most 5 s for as
        # many reports from this page as the page itself counted
        try:
            page = self.current_url
            counted = self.execute_script("return (window.__cspViolations || []).length")
        except Exception:  # no page to ask: nothing more to wait for
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if len([r for r in self._reported() if r.get("page") == page]) >= counted:
                return
            time.sleep(0.05)
        # not all came: what the page itself kept is the report
        self._late.extend(json.loads(self.execute_script(
            "return JSON.stringify(window.__cspViolations || [])")))

    def get_log(self, log_type):
        """The console's errors and uncaught exceptions, in the shape of Chromium's browser log
        (level SEVERE)."""
        if log_type != "browser":
            raise ValueError(f"no {log_type} log in Firefox")
        return [{"level": "SEVERE", "message": e.get("text")} for e in list(self._console)
                if e.get("level") == "error"]


class WebKit(CspWatched, webdriver.WebKitGTK):
    """MiniBrowser (WebKitGTK) driven by WebKitWebDriver, in an X server of its own (Xvfb).
    WebKitWebDriver 2.50 speaks neither BiDi nor a DevTools protocol, so nothing can run in a
    page before its own scripts: the watcher is added by WebDriver when get() or refresh()
    returns (the page has loaded), and each page's reports are read from the page itself before
    the next navigation and at quit. A violation while a page was still loading is seen only in
    a page that starts the watcher itself (watched_copy: test_engines serves every site that
    way, and its watcher test holds that a violation in the page's own markup is reported)."""

    engine = "webkit"

    def __init__(self, *args, xvfb=None, **kwargs):
        self._xvfb = xvfb
        try:
            super().__init__(*args, **kwargs)
        except BaseException:
            self._after_quit()
            raise
        self._watch()
        self._earlier = []
        self._on_page = False

    def _page_reports(self):
        found = self.execute_script("return window.__cspViolations ? "
                                    "JSON.stringify(window.__cspViolations) : '[]'")
        return json.loads(found)

    def _leaving(self):
        if not self._on_page:  # no page yet
            return
        try:
            self._earlier.extend(self._page_reports())
        except Exception as e:  # a page whose reports cannot be read is not a clean page
            self._earlier.append({"unread": f"the reports of {self._on_page} could not be "
                                            f"read: {e}"})

    def _arrived(self):
        self.execute_script(CSP_WATCH)
        self._on_page = self.current_url

    def get(self, url):
        self._leaving()
        super().get(url)
        self._arrived()

    def refresh(self):
        self._leaving()
        super().refresh()
        self._arrived()

    def _reported(self):
        return self._earlier + self._page_reports()

    def get_log(self, log_type):
        raise ValueError("WebKitWebDriver keeps no browser log")

    def _after_quit(self):
        if self._xvfb is not None:
            self._xvfb.terminate()
            self._xvfb.wait(10)
            self._xvfb = None


_SCRATCH = []


def scratch_dir(prefix="profile-"):
    """A fresh folder for a browser profile, inside one folder for the whole test run that is
    removed when the run ends (profiles are tens of megabytes each)."""
    if not _SCRATCH:
        _SCRATCH.append(tempfile.mkdtemp(prefix="certreq-e2e-"))
        atexit.register(shutil.rmtree, _SCRATCH[0], ignore_errors=True)
    return tempfile.mkdtemp(prefix=prefix, dir=_SCRATCH[0])


def _profile(profile_dir):
    return str(profile_dir or scratch_dir())


def chromium(profile_dir=None):
    """A headless Chromium as root on a machine with no network beyond loopback."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                f"--user-data-dir={_profile(profile_dir)}"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return Chromium(options=opts, service=service)


def _firefox_binary():
    return os.environ.get("FIREFOX") or shutil.which("firefox-esr") or "/usr/bin/firefox-esr"


def _geckodriver():
    return os.environ.get("GECKODRIVER") or shutil.which("geckodriver") or "geckodriver"


def firefox(profile_dir=None, downloads=None):
    """A headless Firefox ESR (Debian's firefox-esr) through geckodriver, with no traffic of its
    own (updates, telemetry, safe browsing) on a machine with no network beyond loopback."""
    opts = webdriver.FirefoxOptions()
    opts.binary_location = _firefox_binary()
    opts.add_argument("-headless")
    opts.add_argument("-profile")
    opts.add_argument(_profile(profile_dir))
    opts.add_argument("--width=1280")
    opts.add_argument("--height=900")
    opts.enable_bidi = True
    # with BiDi on, Firefox dismisses a confirm() at once unless told to leave it to the test
    opts.unhandled_prompt_behavior = "ignore"
    for name, value in {
            "app.update.enabled": False, "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.enabled": False,
            "browser.safebrowsing.malware.enabled": False,
            "browser.safebrowsing.phishing.enabled": False, "network.captive-portal-service.enabled": False,
            "browser.download.folderList": 2, "browser.download.useDownloadDir": True,
            "browser.download.always_ask_before_handling_new_types": False,
            "browser.download.manager.showWhenStarting": False}.items():
        opts.set_preference(name, value)
    if downloads is not None:
        opts.set_preference("browser.download.dir", str(downloads))
    service = FirefoxService(_geckodriver(), log_output=os.devnull)
    return Firefox(options=opts, service=service)


def minibrowser():
    """WebKitGTK's MiniBrowser (package webkit2gtk-driver), or $MINIBROWSER."""
    if os.environ.get("MINIBROWSER"):
        return os.environ["MINIBROWSER"]
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-*/MiniBrowser"))
    return found[-1] if found else None


def _xvfb():
    """An X server for one browser on a free display number; returns (process, display)."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        raise AssertionError("Xvfb did not start (it reports its display number on -displayfd)")
    return proc, f":{number}"


def webkit(profile_dir=None, downloads=None):
    """MiniBrowser in automation mode through WebKitWebDriver, each in its own Xvfb display and
    its own HOME (the profile). WebKitWebDriver cannot name a download folder: MiniBrowser saves
    to the desktop's download folder, which `downloads` becomes through the profile's
    user-dirs.dirs (XDG_CONFIG_HOME)."""
    binary = minibrowser()
    if binary is None:
        raise AssertionError("MiniBrowser is missing: install webkit2gtk-driver (scripts/setup.sh)")
    home = pathlib.Path(_profile(profile_dir))
    config = home / ".config"
    config.mkdir(parents=True, exist_ok=True)
    if downloads is not None:
        (config / "user-dirs.dirs").write_text(f'XDG_DOWNLOAD_DIR="{downloads}"\n')
    xvfb, display = _xvfb()
    opts = webdriver.WebKitGTKOptions()
    opts.binary_location = binary
    opts.add_argument("--automation")
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "XDG_CONFIG_HOME": str(config)}
    service = WebKitService(os.environ.get("WEBKITWEBDRIVER", "/usr/bin/WebKitWebDriver"),
                            log_output=os.devnull, env=env)
    driver = WebKit(options=opts, service=service, xvfb=xvfb)
    driver.set_window_size(1280, 900)
    return driver


def browser(engine="chromium", profile_dir=None, downloads=None):
    """A fresh browser of the engine named (one of ENGINES) with the CSP watcher; `downloads`
    is the folder its downloads go to, where the engine lets WebDriver say so."""
    if engine == "chromium":
        driver = chromium(profile_dir)
        if downloads is not None:
            driver.allow_downloads(downloads)
        return driver
    if engine == "firefox":
        return firefox(profile_dir, downloads)
    if engine == "webkit":
        return webkit(profile_dir, downloads)
    raise ValueError(f"unknown engine {engine!r}: one of {ENGINES}")


def engine_missing(engine):
    """Why the engine cannot run here (its browser or driver is not installed), or None."""
    need = {"chromium": [os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                         os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")],
            "firefox": [_firefox_binary(), _geckodriver()],
            "webkit": [minibrowser() or "MiniBrowser",
                       os.environ.get("WEBKITWEBDRIVER", "/usr/bin/WebKitWebDriver"), "Xvfb"]}[engine]
    gone = [n for n in need if not (os.path.exists(n) or shutil.which(n))]
    if gone:
        return f"{engine}: missing {', '.join(gone)} (scripts/setup.sh installs them)"
    return None


@contextlib.contextmanager
def open_app(script_timeout=None, dist=DIST, engine="chromium", downloads=None):
    """The release build in `dist` (dist/), served over http and open in a fresh browser
    (headless Chromium unless another engine is named) with the editor on screen; its
    downloads go to `downloads` when given."""
    if not (dist / "index.html").exists():
        raise AssertionError(f"{dist}/index.html is missing: run `scripts/build-app.sh` first")
    with serve(dist) as url:
        driver = browser(engine, downloads=downloads)
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


def persistence_said(driver):
    """Once a key is kept here the app has asked the browser for persistent storage: waits
    for the answer ("yes" or "no"; "unknown" stays only where the browser cannot say), checks
    the store panel says what that answer means, and returns it."""
    def answer():
        said = by_testid(driver, "persistence").get_attribute("data-persistent")
        return said if said in ("yes", "no") else None
    said = wait_for(answer, timeout=15, what="the browser's answer to the persistence request")
    text = by_testid(driver, "persistence").text
    meaning = "Storage is persistent" if said == "yes" else "did not make storage persistent"
    assert meaning in text, (said, text)
    return said


def wait_download(folder: pathlib.Path, name: str, timeout=30) -> bytes:
    """The bytes of the download `name` in `folder`, once the browser has finished writing it."""
    path = folder / name
    wait_for(lambda: path.exists() and path.stat().st_size > 0
             and not (folder / (name + ".crdownload")).exists(),
             timeout=timeout, what=f"the download {name}")
    time.sleep(0.2)
    return path.read_bytes()


_DROP_FILE = """
const [target, name, bytes] = arguments;
const dt = new DataTransfer();
dt.items.add(new File([new Uint8Array(bytes)], name));
target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
"""


def drop_file(driver, target, name, data: bytes):
    """Drops a file `name` holding `data` on the element `target`, as a drag from the desktop."""
    driver.execute_script(_DROP_FILE, target, name, list(data))


def browser_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
