"""The corpus of real INF files: each one gives a request (with `RequestType = Cert`, a
self-signed certificate; with `RequestType = CMC`, a CMC request) that OpenSSL, `cryptography` and Go accept, or is refused with a
located message — as `expectations.txt` records, with why.

A change in behaviour on any real-world file shows up here as a failure, and the expectation
file is where the decision is written down.
"""
import pathlib
import re

import pytest

from checkers import check_cmc, check_request, check_self_signed
from conftest import corpus_dir, run_certreq

HERE = pathlib.Path(__file__).parent


def load_expectations():
    rows = {}
    for n, line in enumerate((HERE / "expectations.txt").read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"(\S+)\s+(request|certificate|cmc|refused)(?:\s+(\d+):(\d+))?\s+--\s+(.+)$", line)
        assert m, f"expectations.txt:{n}: cannot read {line!r}"
        name, verdict, ln, col, why = m.groups()
        rows[name] = (verdict, (int(ln), int(col)) if ln else None, why)
    return rows


EXPECTATIONS = load_expectations()
INF_FILES = sorted((corpus_dir() / "inf").glob("*.inf"))


def test_every_corpus_file_has_an_expectation():
    assert INF_FILES, f"no corpus at {corpus_dir()}"
    names = {p.name for p in INF_FILES}
    assert names == set(EXPECTATIONS), (
        f"missing: {sorted(names - set(EXPECTATIONS))}, stale: {sorted(set(EXPECTATIONS) - names)}")


@pytest.mark.parametrize("inf", INF_FILES, ids=lambda p: p.name[:3])
def test_corpus_file(certreq, store, tmp_path, inf):
    verdict, where, why = EXPECTATIONS[inf.name]
    out = tmp_path / "out.req"
    proc = run_certreq(certreq, "-new", "-q", inf, out)
    if verdict == "request":
        assert proc.returncode == 0, f"{inf.name} should give a request ({why}):\n{proc.stderr}"
        check_request(out, tmp_path)
    elif verdict == "cmc":
        assert proc.returncode == 0, f"{inf.name} should give a CMC request ({why}):\n{proc.stderr}"
        check_cmc(out, tmp_path)
    elif verdict == "certificate":
        assert proc.returncode == 0, f"{inf.name} should give a certificate ({why}):\n{proc.stderr}"
        check_self_signed(out, tmp_path)
    else:
        assert proc.returncode != 0, f"{inf.name} should be refused ({why})"
        assert not out.exists(), "a refused request must not leave an output file"
        assert not any(store.rglob("*.pk8")) if store.exists() else True, "no key may be left behind"
        line, col = where
        assert f"{inf}:{line}:{col}: error" in proc.stderr, (
            f"expected an error at {line}:{col} ({why}); stderr was:\n{proc.stderr}")
