#!/usr/bin/env python3
"""The app's editor under large INFs, in headless Chromium against a `trunk build --release` dist.
Not a test: prints one run (bench_browser.py runs it too).

usage: bench_editor.py [--app-dist DIR] [--sections 2000,10000] [--mib 1] [--keys 10]
                       [--timeout 120]

For each INF (N small sections `[Snnnnn]` of one key each, and one of `--mib` MiB of them):
- paste: one input event carrying the whole text → the next frame drawn (ms); the longest main
  thread task meanwhile (Long Tasks API) says how long the tab was frozen;
- keystroke: one character typed at the end of the text (an input event, as the textarea sends)
  → the next frame drawn (ms), `--keys` times 300 ms apart, median and worst; and the longest main
  thread task over the whole typing, deferred work included;
- a key during the re-read: one character typed, then another `delay` ms later for delays across
  the re-read of the text (it starts 250 ms after the first key): the time from when the second
  key is due to the frame drawn after it, what a user typing on while the text is read waits
  (a task holding the page's thread holds the key); median and worst;
- handler: the app's own work for that input event (its handler, then the update and the render
  Yew runs in a microtask), apart from the browser's layout and paint of the textarea;
- bare: for the MiB INFs, the same paste and keystrokes in a bare textarea on the page: what
  a textarea holding the whole text costs the browser (the app's holds only the lines around
  its view above 64 KiB), and how many times the app's keystroke that is.
A paste that has not drawn its frame after `--timeout` s is reported as "> timeout".
"""
import argparse
import json
import pathlib
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import by_testid, open_app  # noqa: E402  (the project's headless Chromium)

HEAD = '[NewRequest]\nSubject = "CN=editor.example"\nKeyLength = 2048\n'


def sections_inf(n):
    """An INF of `n` small sections (about 12 bytes each) after a valid [NewRequest]."""
    return HEAD + "".join(f"[S{i}]\nA=1\n" for i in range(n))


def inf_of_size(size):
    """An INF of small sections, `size` bytes or just over."""
    per = len("[S00000]\nA=1\n")
    n = max(1, (size - len(HEAD)) // per + 1)
    while len(sections_inf(n)) < size:
        n += 1
    return sections_inf(n), n


# Long tasks since the page opened, kept by an observer the first call installs.
WATCH = """
if (!window.__longTasks) {
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e); })
    .observe({ type: "longtask", buffered: true });
}
"""

# One input event (a paste of the whole text, or a keystroke at the end) → the frame after it
# drawn: requestAnimationFrame runs before the frame's style/layout/paint, the task after it
# runs once the frame is out.
INPUT = WATCH + """
const [text, append] = arguments;  // and the textarea's selector (the app's editor if none)
const done = arguments[arguments.length - 1];
const el = document.querySelector(
  arguments.length > 3 ? arguments[2] : '[data-testid="inf-editor"]');
el.focus();
const since = performance.now();
const t0 = performance.now();
if (append) {
  const end = el.value.length;
  el.setRangeText(append, end, end, "end");
} else {
  el.value = text;
}
// the app's own work: its input handler and what it queues (Yew runs the update and the
// render in a microtask queued by the handler, so before the one queued here)
const h0 = performance.now();
if (el.dataset.testid === "inf-editor") {
  el.dispatchEvent(new InputEvent("input", append
    ? { bubbles: true, inputType: "insertText", data: append }
    : { bubbles: true, inputType: "insertFromPaste" }));
}
let handler = null;
queueMicrotask(() => { handler = performance.now() - h0; });
requestAnimationFrame(() => setTimeout(() => {
  const ms = performance.now() - t0;
  const longest = Math.max(0, ...window.__longTasks.filter((e) => e.startTime >= since - 1)
    .map((e) => e.duration));
  done({ ms, handler, longest });
}, 0));
"""

# A key typed, then another `delay` ms later: ms from when the second is due (a busy page's
# thread runs its timer late, as it would handle a real key late) to the frame after it.
DURING = """
const [delay] = arguments;
const done = arguments[arguments.length - 1];
const el = document.querySelector('[data-testid="inf-editor"]');
el.focus();
const type = (c) => {
  const end = el.value.length;
  el.setRangeText(c, end, end, "end");
  el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: c }));
};
type("x");
const due = performance.now() + delay;
setTimeout(() => {
  type("y");
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - due), 0));
}, delay);
"""

# The longest main-thread task since `since` (ms on the page's clock), after waiting `wait` ms so
# deferred work (a re-read of the text) has run.
LONGEST_SINCE = """
const [since, wait] = arguments;
const done = arguments[arguments.length - 1];
setTimeout(() => requestAnimationFrame(() => setTimeout(() => done(Math.max(0,
  ...window.__longTasks.filter((e) => e.startTime >= since).map((e) => e.duration))), 0)), wait);
"""


# A bare textarea as the app's is (no wrapping), outside the app: the browser's own cost of a
# paste and a keystroke in it, the floor under the app's figures.
BARE = """
const t = document.createElement("textarea");
t.id = "bare-textarea"; t.wrap = "off"; t.spellcheck = false;
document.body.appendChild(t);
"""


def floor(dist, text, keys, timeout):
    """The same paste and keystrokes in a bare textarea on the app's page (ms to the frame)."""
    with open_app(script_timeout=timeout, dist=dist) as driver:
        driver.execute_script(BARE)
        paste = driver.execute_async_script(INPUT, text, "", "#bare-textarea")["ms"]
        driver.execute_async_script("setTimeout(arguments[arguments.length - 1], 1000)")
        times = []
        for _ in range(keys):
            times.append(driver.execute_async_script(INPUT, "", "x", "#bare-textarea")["ms"])
            driver.execute_async_script("setTimeout(arguments[arguments.length - 1], 300)")
    return {"pasteMs": paste, "keyMs": times}


def measure(dist, text, keys, timeout):
    """Paste `text`, then type `keys` characters; returns the figures (ms)."""
    out = {"bytes": len(text.encode())}
    with open_app(script_timeout=timeout, dist=dist) as driver:
        by_testid(driver, "inf-editor")
        try:
            paste = driver.execute_async_script(INPUT, text, "")
        except Exception:  # the tab did not draw a frame in time: frozen
            out["pasteMs"] = None
            return out
        out["pasteMs"] = paste["ms"]
        out["pasteHandlerMs"] = paste["handler"]
        # let deferred work after the paste finish, then type
        since = driver.execute_script("return performance.now()")
        out["afterPasteLongestMs"] = driver.execute_async_script(LONGEST_SINCE, 0, 2000)
        since = driver.execute_script("return performance.now()")
        times, handler = [], []
        for _ in range(keys):
            key = driver.execute_async_script(INPUT, "", "x")
            times.append(key["ms"])
            handler.append(key["handler"])
            driver.execute_async_script(
                "setTimeout(arguments[arguments.length - 1], 300)")
        out["keyMs"] = times
        out["keyHandlerMs"] = handler
        out["typingLongestTaskMs"] = driver.execute_async_script(LONGEST_SINCE, since, 2000)
        # keys landing across the re-read (from 250 ms, when it starts, to well past its end
        # at 1 MiB), each pair once the one before has been read
        out["duringReadMs"] = []
        for delay in range(250, 250 + 25 * max(keys, 2), 25):
            out["duringReadMs"].append(driver.execute_async_script(DURING, delay))
            driver.execute_async_script(LONGEST_SINCE, 0, 1000)
    return out


def run(dist, sections, mib, keys, timeout):
    report = {}
    for n in sections:
        report[f"{n} sections"] = measure(dist, sections_inf(n), keys, timeout)
    for m in mib:
        text, n = inf_of_size(int(m * 1024 * 1024))
        report[f"{m} MiB ({n} sections)"] = measure(dist, text, keys, timeout)
        report[f"{m} MiB ({n} sections)"]["bare"] = floor(dist, text, keys, timeout)
    return report


def show(report, timeout):
    print("the app's editor (ms; paste / keystroke → next frame drawn, and the app's own input "
          "handler;\n longest main-thread task after the paste and while typing, deferred "
          "re-reading included):")
    for name, r in report.items():
        kib = r["bytes"] / 1024
        if r["pasteMs"] is None:
            print(f"  {name:28} {kib:5.0f} KiB  paste > {timeout * 1000:.0f} (no frame drawn)")
            continue
        keys, handler = r["keyMs"], r["keyHandlerMs"]
        print(f"  {name:28} {kib:5.0f} KiB  paste {r['pasteMs']:8.1f} (handler "
              f"{r['pasteHandlerMs']:7.1f}; then longest task {r['afterPasteLongestMs']:7.1f})\n"
              f"  {'':34}  keystroke median {statistics.median(keys):7.1f} worst {max(keys):7.1f}"
              f" (handler median {statistics.median(handler):6.1f} worst {max(handler):6.1f});"
              f" longest task while typing {r['typingLongestTaskMs']:7.1f}")
        during = r["duringReadMs"]
        print(f"  {'':34}  a key during the re-read: median {statistics.median(during):7.1f}"
              f" worst {max(during):7.1f} (n={len(during)})")
        if "bare" in r:
            b = r["bare"]
            bare = statistics.median(b['keyMs'])
            print(f"  {'':34}  a bare textarea, same text: paste {b['pasteMs']:8.1f},"
                  f" keystroke median {bare:7.1f} worst {max(b['keyMs']):7.1f}"
                  f" ({bare / statistics.median(keys):.0f}× the app's)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app-dist", default=ROOT / "dist", type=pathlib.Path)
    ap.add_argument("--sections", default="2000,10000",
                    type=lambda s: [int(x) for x in s.split(",") if x])
    ap.add_argument("--mib", default="1", type=lambda s: [float(x) for x in s.split(",") if x])
    ap.add_argument("--keys", default=10, type=int)
    ap.add_argument("--timeout", default=120, type=int)
    ap.add_argument("--json", type=pathlib.Path)
    args = ap.parse_args()
    report = run(args.app_dist, args.sections, args.mib, args.keys, args.timeout)
    show(report, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
