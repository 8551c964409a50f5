"""Shared fixtures for the Python test suites: interop, corpus and browser end-to-end.

These suites check certreq-web's output with tools nobody on this project wrote: OpenSSL, Python
`cryptography`, Go's x509 parser (through `cfssl certinfo`) and headless Chromium.
"""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def corpus_dir() -> pathlib.Path:
    """The shared corpus of real INF files, requests and responses (not part of this repo)."""
    return pathlib.Path(os.environ.get("CERTREQ_CORPUS", ROOT.parent / "shared" / "corpus"))


def certreq_bin() -> pathlib.Path:
    return pathlib.Path(os.environ.get("CERTREQ_BIN", ROOT / "target" / "release" / "certreq"))


@pytest.fixture(scope="session")
def certreq():
    path = certreq_bin()
    if not path.exists():
        pytest.fail(f"{path} is missing: build it with `cargo build --release -p certreq-cli`")
    return path


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty pending-key store for one test."""
    d = tmp_path / "store"
    monkeypatch.setenv("CERTREQ_STORE", str(d))
    return d


def run_certreq(certreq, *args, cwd=None, check=False):
    proc = subprocess.run([str(certreq), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=os.environ.copy(), timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"certreq {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def app():
    """The release build, open in a fresh headless Chromium, for the browser tests in e2e/
    (a test file may override it: a longer script timeout, one page per module, a CA)."""
    from browser import open_app  # tests/e2e/browser.py, importable when e2e tests run

    with open_app() as driver:
        yield driver


@pytest.fixture(scope="module")
def no_ca_bundle_override():
    """requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's or a call's
    `verify` (the certsrv client's `cafile`), so the suites that check devca's TLS use this to
    remove them while they run."""
    saved = {k: os.environ.pop(k) for k in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
             if k in os.environ}
    yield
    os.environ.update(saved)
