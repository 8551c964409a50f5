"""Independent checks of a certificate request: OpenSSL, Python `cryptography`, Go (cfssl).

`check_request(path)` runs all three and returns what `cryptography` read, so tests can assert
on fields after every tool has accepted the request; `check_self_signed(path)` does the same
for a self-signed certificate (`RequestType = Cert`).
"""
import base64
import json
import re
import subprocess
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def pem_or_der_to_der(data: bytes) -> bytes:
    """Request bytes of any armor (certreq's NEW CERTIFICATE REQUEST, RFC 7468) or DER."""
    text = data.lstrip()
    if text.startswith(b"-----BEGIN "):
        m = re.search(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", text, re.S)
        assert m, "malformed PEM armor"
        return base64.b64decode(b"".join(m.group(2).split()))
    return data


def to_pem(der: bytes) -> str:
    b64 = base64.b64encode(der).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE REQUEST-----\n"


@dataclass
class Checked:
    csr: x509.CertificateSigningRequest
    der: bytes
    openssl_text: str
    cfssl: dict = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.csr.subject.rfc4514_string()

    def extension(self, oid: str):
        for ext in self.csr.extensions:
            if ext.oid.dotted_string == oid:
                return ext
        return None

    @property
    def attribute_oids(self) -> list:
        return [a.oid.dotted_string for a in self.csr.attributes]

    @property
    def key_description(self) -> str:
        key = self.csr.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            return f"RSA-{key.key_size}"
        if isinstance(key, ec.EllipticCurvePublicKey):
            return f"EC-{key.curve.name}"
        return type(key).__name__


def openssl_verify(der: bytes) -> str:
    proc = subprocess.run(["openssl", "req", "-inform", "DER", "-verify", "-noout", "-text"],
                          input=der, capture_output=True, timeout=60)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0 and "verify OK" in out, f"openssl rejected the request:\n{out}"
    return out


def cryptography_verify(der: bytes) -> x509.CertificateSigningRequest:
    csr = x509.load_der_x509_csr(der)
    assert csr.is_signature_valid, "cryptography: signature does not verify"
    # touching every extension makes cryptography parse each one
    for ext in csr.extensions:
        _ = ext.value
    return csr


def cfssl_parse(der: bytes, tmp_path) -> dict:
    path = tmp_path / "for-cfssl.csr"
    path.write_text(to_pem(der))
    proc = subprocess.run(["cfssl", "certinfo", "-csr", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"Go's x509 (cfssl) rejected the request:\n{proc.stderr}"
    info = json.loads(proc.stdout)
    assert info.get("RawSubjectPublicKeyInfo"), f"cfssl returned no public key: {proc.stdout[:500]}"
    return info


def check_request(path, tmp_path) -> Checked:
    der = pem_or_der_to_der(pathlib_read(path))
    text = openssl_verify(der)
    csr = cryptography_verify(der)
    info = cfssl_parse(der, tmp_path)
    return Checked(csr=csr, der=der, openssl_text=text, cfssl=info)


def pathlib_read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def check_self_signed(path, tmp_path) -> x509.Certificate:
    """A self-signed certificate (PEM or DER) that OpenSSL verifies against itself with its own
    signature checked, whose signature `cryptography` verifies with its own key, and that Go's
    parser (cfssl) reads. Returns what `cryptography` read."""
    der = pem_or_der_to_der(pathlib_read(path))
    pem = tmp_path / "self-signed.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode()
                   + "-----END CERTIFICATE-----\n")
    proc = subprocess.run(["openssl", "verify", "-check_ss_sig", "-CAfile", str(pem), str(pem)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"openssl rejected the certificate:\n{proc.stdout}{proc.stderr}"
    cert = x509.load_der_x509_certificate(der)
    assert cert.issuer == cert.subject
    # the signature, checked with the certificate's own key (not verify_directly_issued_by,
    # which refuses SHA-1 signatures outright; some real INF files ask for SHA-1)
    key, params = cert.public_key(), cert.signature_algorithm_parameters
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes, params, cert.signature_hash_algorithm)
    else:
        key.verify(cert.signature, cert.tbs_certificate_bytes, params)
    for ext in cert.extensions:
        _ = ext.value
    proc = subprocess.run(["cfssl", "certinfo", "-cert", str(pem)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, f"Go's x509 (cfssl) rejected the certificate:\n{proc.stderr}"
    info = json.loads(proc.stdout)
    assert info.get("serial_number") == str(cert.serial_number), proc.stdout[:500]
    return cert
