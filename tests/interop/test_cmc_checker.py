"""`check_cmc` itself: it must accept a real Microsoft-made CMC request and CMC requests built
here with other algorithms, and reject tampered or malformed ones.

Tampered copies are made by parsing the DER (checkers.cmc_layout) and changing bytes at the
offsets found, so the cases keep meaning the same thing if the corpus file is re-encoded.
"""
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import univ

from checkers import (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_MS_CMC_ATTRIBUTES, OID_PKI_DATA,
                      OID_RSA_ENCRYPTION, OID_SIGNED_DATA, check_cmc, cmc_layout, der_children, der_tlv,
                      pem_or_der_to_der, to_pem)
from conftest import corpus_dir

MS_CLIENT_INFO = "1.3.6.1.4.1.311.21.20"
SUBJECT_ALT_NAME = "2.5.29.17"


def mmc_cmc() -> bytes:
    path = corpus_dir() / "req" / "007-csrinspector-mmc-cmc-base64.req"
    assert path.exists(), f"no corpus CMC request at {path}"
    return pem_or_der_to_der(path.read_bytes())


def write(tmp_path, der: bytes, name="cmc.req"):
    path = tmp_path / name
    path.write_bytes(der)
    return path


def flip(der: bytes, offset: int) -> bytes:
    return der[:offset] + bytes([der[offset] ^ 0x01]) + der[offset + 1:]


# --- the real Microsoft request ------------------------------------------------------------------

def test_mmc_cmc_request_passes(tmp_path):
    path = corpus_dir() / "req" / "007-csrinspector-mmc-cmc-base64.req"
    checked = check_cmc(path, tmp_path)   # PEM, "NEW CERTIFICATE REQUEST" armor
    assert checked.key_description == "RSA-2048"
    assert checked.digest == "sha1"
    assert checked.signature_algorithm == OID_RSA_ENCRYPTION
    assert checked.control_types == [OID_MS_CMC_ATTRIBUTES]
    assert checked.cert_references == [1]
    assert checked.cmc_attribute_types == [MS_CLIENT_INFO]
    assert checked.subject == ""                       # MMC leaves the subject empty ...
    san = checked.extension(SUBJECT_ALT_NAME)          # ... and names the server in the SAN
    assert san.value.get_values_for_type(x509.DNSName) == ["www.gradenegger.eu"]
    assert MS_CLIENT_INFO in checked.attribute_oids    # also inside the PKCS#10 itself
    assert "id-cct-PKIData" in checked.openssl_cms_text
    # the DER form is accepted the same way
    again = check_cmc(write(tmp_path, checked.cmc_der, "cmc.der"), tmp_path)
    assert again.der == checked.der


def test_flipped_signature_byte_fails(tmp_path):
    der = mmc_cmc()
    sig = cmc_layout(der).signature
    bad = flip(der, sig.content + (sig.end - sig.content) // 2)
    with pytest.raises(AssertionError, match="signature .* does not verify"):
        check_cmc(write(tmp_path, bad), tmp_path)


def test_changed_message_digest_fails(tmp_path):
    der = mmc_cmc()
    attrs = cmc_layout(der).signed_attrs
    md_value = None
    for attr in der_children(der, attrs):
        oid_tlv, values = der_children(der, attr)
        if oid_tlv.raw(der) == der_encode(univ.ObjectIdentifier(OID_MESSAGE_DIGEST)):
            (md_value,) = der_children(der, values)
    assert md_value is not None and md_value.tag == 0x04, "no messageDigest OCTET STRING found"
    bad = flip(der, md_value.content)
    with pytest.raises(AssertionError, match="messageDigest"):
        check_cmc(write(tmp_path, bad), tmp_path)


def test_changed_pkcs10_inside_econtent_fails(tmp_path):
    der = mmc_cmc()
    layout = cmc_layout(der)
    # a byte of the inner request's own signature BIT STRING: the structure still parses, but
    # the eContent no longer hashes to the signed messageDigest
    p10 = layout.pkcs10
    econtent = layout.econtent.value(der)
    p10_sig = der_children(econtent, p10)[2]
    assert p10_sig.tag == 0x03
    bad = flip(der, layout.econtent.content + p10_sig.end - 1)
    with pytest.raises(AssertionError, match="messageDigest"):
        check_cmc(write(tmp_path, bad), tmp_path)


def test_plain_pkcs10_is_not_cmc(tmp_path):
    der = mmc_cmc()
    layout = cmc_layout(der)
    p10 = layout.pkcs10.raw(layout.econtent.value(der))
    with pytest.raises(AssertionError, match="ContentInfo"):
        check_cmc(write(tmp_path, to_pem(p10).encode()), tmp_path)


# --- CMC requests built here: other algorithms, and broken ones ----------------------------------

def tlv(tag: int, *parts: bytes) -> bytes:
    body = b"".join(parts)
    if len(body) < 0x80:
        length = bytes([len(body)])
    else:
        octets = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + length + body


def oid(dotted: str) -> bytes:
    return der_encode(univ.ObjectIdentifier(dotted))


def integer(n: int) -> bytes:
    return der_encode(univ.Integer(n))


def seq(*parts):
    return tlv(0x30, *parts)


def set_of(*parts):
    return tlv(0x31, *sorted(parts))


DIGESTS = {"sha1": ("1.3.14.3.2.26", hashes.SHA1), "sha256": ("2.16.840.1.101.3.4.2.1", hashes.SHA256),
           "sha384": ("2.16.840.1.101.3.4.2.2", hashes.SHA384),
           "sha512": ("2.16.840.1.101.3.4.2.3", hashes.SHA512)}


def build_cmc(key, digest="sha256", scheme="pkcs1", control_part=2, cert_refs=(1,), sid=None,
              signing_key=None) -> bytes:
    """A CMC Full PKI Request the way certreq writes one, built independently of the checker."""
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cmc.example.test")]))
           .sign(key, hashes.SHA256()))
    p10 = csr.public_bytes(serialization.Encoding.DER)
    controls = b""
    if control_part is not None:
        value = seq(integer(0), seq(*map(integer, cert_refs)), set_of())
        controls = seq(integer(control_part), oid(OID_MS_CMC_ATTRIBUTES), set_of(value))
    pki_data = seq(seq(controls), seq(tlv(0xA0, integer(1), p10)), seq(), seq())

    digest_oid, digest_cls = DIGESTS[digest]
    digest_alg = seq(oid(digest_oid))
    md = hashlib.new(digest, pki_data).digest()
    attrs = set_of(seq(oid(OID_CONTENT_TYPE), set_of(oid(OID_PKI_DATA))),
                   seq(oid(OID_MESSAGE_DIGEST), set_of(tlv(0x04, md))))
    signer = signing_key or key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        ecdsa_oids = {"sha256": "1.2.840.10045.4.3.2", "sha384": "1.2.840.10045.4.3.3",
                      "sha512": "1.2.840.10045.4.3.4"}
        sig_alg = seq(oid(ecdsa_oids[digest]))
        signature = signer.sign(attrs, ec.ECDSA(digest_cls()))
    elif scheme == "pss":
        salt = digest_cls.digest_size
        sig_alg = seq(oid("1.2.840.113549.1.1.10"), seq(
            tlv(0xA0, seq(oid(digest_oid))),
            tlv(0xA1, seq(oid("1.2.840.113549.1.1.8"), seq(oid(digest_oid)))),
            tlv(0xA2, integer(salt))))
        signature = signer.sign(attrs, padding.PSS(mgf=padding.MGF1(digest_cls()), salt_length=salt),
                                digest_cls())
    else:
        rsa_oids = {"sha1": "1.2.840.113549.1.1.5", "sha256": "1.2.840.113549.1.1.11",
                    "sha384": "1.2.840.113549.1.1.12", "sha512": "1.2.840.113549.1.1.13"}
        sig_alg = seq(oid(OID_RSA_ENCRYPTION if scheme == "rsaEncryption" else rsa_oids[digest]),
                      tlv(0x05))
        signature = signer.sign(attrs, padding.PKCS1v15(), digest_cls())
    if sid is None:
        sid = x509.SubjectKeyIdentifier.from_public_key(key.public_key()).digest
    signer_info = seq(integer(3), tlv(0x80, sid), digest_alg, b"\xa0" + attrs[1:], sig_alg,
                      tlv(0x04, signature))
    signed_data = seq(integer(3), set_of(digest_alg),
                      seq(oid(OID_PKI_DATA), tlv(0xA0, tlv(0x04, pki_data))),
                      set_of(signer_info))
    return seq(oid(OID_SIGNED_DATA), tlv(0xA0, signed_data))


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("kind,digest,scheme,control_part,sig_oid", [
    ("rsa", "sha256", "pkcs1", 2, "1.2.840.113549.1.1.11"),
    ("rsa", "sha384", "rsaEncryption", 2, OID_RSA_ENCRYPTION),
    ("rsa", "sha512", "pkcs1", None, "1.2.840.113549.1.1.13"),
    ("rsa", "sha256", "pss", 2, "1.2.840.113549.1.1.10"),
    ("p256", "sha256", "ecdsa", 2, "1.2.840.10045.4.3.2"),
    ("p384", "sha384", "ecdsa", None, "1.2.840.10045.4.3.3"),
])
def test_built_cmc_passes(tmp_path, rsa_key, kind, digest, scheme, control_part, sig_oid):
    key = {"rsa": lambda: rsa_key, "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
           "p384": lambda: ec.generate_private_key(ec.SECP384R1())}[kind]()
    der = build_cmc(key, digest=digest, scheme=scheme, control_part=control_part)
    checked = check_cmc(write(tmp_path, der), tmp_path)
    assert checked.digest == digest
    assert checked.signature_algorithm == sig_oid
    assert checked.subject == "CN=cmc.example.test"
    if control_part is None:
        assert checked.control_types == [] and checked.cert_references == []
    else:
        assert checked.control_types == [OID_MS_CMC_ATTRIBUTES] and checked.cert_references == [1]


def test_built_cmc_pem_passes(tmp_path, rsa_key):
    der = build_cmc(rsa_key)
    pem = to_pem(der).replace("CERTIFICATE REQUEST", "CMS").encode()
    assert check_cmc(write(tmp_path, pem), tmp_path).cmc_der == der


@pytest.mark.parametrize("change,message", [
    (dict(sid=b"\x00" * 20), "sid"),
    (dict(control_part=1), "bodyPartID"),
    (dict(cert_refs=(2,)), "certReferences"),
    (dict(cert_refs=(1, 3)), "certReferences"),
])
def test_built_cmc_defects_fail(tmp_path, rsa_key, change, message):
    der = build_cmc(rsa_key, **change)
    with pytest.raises(AssertionError, match=message):
        check_cmc(write(tmp_path, der), tmp_path)


def test_signed_by_another_key_fails(tmp_path, rsa_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = build_cmc(rsa_key, signing_key=other)
    with pytest.raises(AssertionError, match="signature .* does not verify"):
        check_cmc(write(tmp_path, der), tmp_path)


def test_trailing_garbage_fails(tmp_path, rsa_key):
    der = build_cmc(rsa_key) + b"\x00\x00"
    with pytest.raises(AssertionError, match="trailing"):
        check_cmc(write(tmp_path, der), tmp_path)


def test_layout_finds_the_pkcs10(rsa_key):
    der = build_cmc(rsa_key)
    layout = cmc_layout(der)
    p10 = layout.pkcs10.raw(layout.econtent.value(der))
    assert x509.load_der_x509_csr(p10).public_key().public_numbers() == rsa_key.public_key().public_numbers()
    assert der_tlv(der, layout.signed_attrs.start).tag == 0xA0
