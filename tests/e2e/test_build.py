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
    # the app names OIDs with core's own tables (ARCHITECTURE.md, invariant 14)
    wasm = app_wasm()
    for name in (b"id-ce-subjectAltName", b"id-holdinstruction-callissuer"):
        assert name not in wasm, f"the app's wasm carries const-oid's database ({name.decode()})"


def test_decoding_answers_pfx_enrollment_and_the_reference_ship_only_in_the_lazily_loaded_module():
    # ARCHITECTURE.md, invariant 13: the first download builds requests; the decoder, the
    # answer reader, the PFX writer, the reference's prose and the enrollment protocols are in
    # certreq-tools.wasm, fetched on first use
    tools = DIST / "certreq-tools.wasm"
    assert tools.exists(), f"{tools} is missing: the release build must write it"
    lazy, app = tools.read_bytes(), app_wasm()
    assert lazy[:4] == b"\0asm"
    for marker in (b"Signer Identifier (Key Id)",          # the decoder (core::dump)
                   b"the response holds no certificates",  # the answer reader (response::parse)
                   b"the certificate does not decode",     # the PFX writer (core::pkcs12::write)
                   b"The size of the key",                 # the INF reference's prose (keydocs)
                   b"The disposition message is",          # the enrollment steps (result pages)
                   b"choose EST as the kind"):             # the enrollment steps (URL and kind)
        assert marker in lazy, f"certreq-tools.wasm lacks {marker.decode()!r}"
        assert marker not in app, f"the app's own wasm carries {marker.decode()!r}"
