"""Fixtures the devca suites share."""
import os

import pytest


@pytest.fixture(scope="module", autouse=True)
def no_ca_bundle_override():
    """requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's or a call's
    `verify` (the certsrv client's `cafile`), so those are removed while these tests run."""
    saved = {k: os.environ.pop(k) for k in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
             if k in os.environ}
    yield
    os.environ.update(saved)
