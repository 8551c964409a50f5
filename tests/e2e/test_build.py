"""What the release build ships (dist/ from `trunk build --release`)."""
import pytest

from browser import DIST


def app_wasm():
    found = sorted(DIST.glob("certreq-web-*_bg.wasm"))
    if not found:
        pytest.fail(f"no app wasm in {DIST}: run `trunk build --release` first")
    return found[0].read_bytes()


def test_the_app_does_not_ship_an_oid_name_database():
    # const-oid's database comes in through x509-cert's Display for names (27 KiB gzipped);
    # the app names OIDs with core's own tables (ARCHITECTURE.md, invariant 13)
    wasm = app_wasm()
    for name in (b"id-ce-subjectAltName", b"id-holdinstruction-callissuer"):
        assert name not in wasm, f"the app's wasm carries const-oid's database ({name.decode()})"
