"""Independent checks of a certificate request: OpenSSL, Python `cryptography`, Go (cfssl).

`check_request(path)` runs all three and returns what `cryptography` read, so tests can assert
on fields after every tool has accepted the request; `check_self_signed(path)` does the same
for a self-signed certificate (`RequestType = Cert`); `check_cmc(path)` checks a CMC request
(RFC 5272/6402 Full PKI Request, as Microsoft certreq writes it: signed by the request's key
and by any certificates it carries, with a requester name or an archived key) and then its
inner PKCS#10; `check_pkcs7(path)` checks a PKCS #7 request (a SignedData of id-data: the
renewal and on-behalf-of requests) the same way.
"""
import base64
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field, fields

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyasn1.codec.der.decoder import decode as der_decode
from pyasn1.codec.der.encoder import encode as der_encode
from pyasn1.type import char, namedtype, univ
from pyasn1_modules import rfc4055, rfc5280, rfc5652, rfc6402


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
    if isinstance(csr.signature_hash_algorithm, hashes.SHA1):
        # cryptography >= 48 reports every SHA-1 signature as invalid (is_signature_valid is
        # False); real Windows requests (e.g. MMC-made CMC) still use SHA-1, so check those with
        # the request's own key directly, as check_self_signed does
        key = csr.public_key()
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(csr.signature, csr.tbs_certrequest_bytes, padding.PKCS1v15(), hashes.SHA1())
            else:
                key.verify(csr.signature, csr.tbs_certrequest_bytes, ec.ECDSA(hashes.SHA1()))
        except InvalidSignature as e:
            raise AssertionError("cryptography: SHA-1 signature does not verify") from e
    else:
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


# --- CMC (RFC 5272 / RFC 6402 Full PKI Request) --------------------------------------------------

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_PKI_DATA = "1.3.6.1.5.5.7.12.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_MS_CMC_ATTRIBUTES = "1.3.6.1.4.1.311.10.10.1"
OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"
OID_MGF1 = "1.2.840.113549.1.1.8"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"

# digestAlgorithm OID -> (hashlib name, cryptography hash class)
CMS_DIGESTS = {
    "1.3.14.3.2.26": ("sha1", hashes.SHA1),
    "2.16.840.1.101.3.4.2.1": ("sha256", hashes.SHA256),
    "2.16.840.1.101.3.4.2.2": ("sha384", hashes.SHA384),
    "2.16.840.1.101.3.4.2.3": ("sha512", hashes.SHA512),
}
RSA_PKCS1_SIGNATURES = {
    "1.2.840.113549.1.1.5": hashes.SHA1,
    "1.2.840.113549.1.1.11": hashes.SHA256,
    "1.2.840.113549.1.1.12": hashes.SHA384,
    "1.2.840.113549.1.1.13": hashes.SHA512,
}
ECDSA_SIGNATURES = {
    "1.2.840.10045.4.1": hashes.SHA1,
    "1.2.840.10045.4.3.2": hashes.SHA256,
    "1.2.840.10045.4.3.3": hashes.SHA384,
    "1.2.840.10045.4.3.4": hashes.SHA512,
}


@dataclass(frozen=True)
class Tlv:
    """Where one DER element sits in a byte string: tag byte at `start`, contents from `content`
    to `end` (exclusive)."""
    tag: int
    start: int
    content: int
    end: int

    def raw(self, data: bytes) -> bytes:
        return data[self.start:self.end]

    def value(self, data: bytes) -> bytes:
        return data[self.content:self.end]


def der_tlv(data: bytes, offset: int = 0) -> Tlv:
    """The DER element starting at `offset` (single-byte tags, definite minimal lengths)."""
    assert offset + 2 <= len(data), f"DER element at offset {offset} is truncated"
    tag = data[offset]
    assert tag & 0x1F != 0x1F, f"multi-byte tag at offset {offset} (not used by CMS/CMC)"
    first = data[offset + 1]
    if first < 0x80:
        length, content = first, offset + 2
    else:
        n = first & 0x7F
        assert n != 0, f"indefinite length at offset {offset}: BER, not DER"
        assert n <= 4 and offset + 2 + n <= len(data), f"bad length octets at offset {offset}"
        length = int.from_bytes(data[offset + 2:offset + 2 + n], "big")
        assert length >= 0x80 and data[offset + 2] != 0, \
            f"non-minimal length encoding at offset {offset}: not DER"
        content = offset + 2 + n
    assert content + length <= len(data), \
        f"DER element at offset {offset} claims {length} bytes, only {len(data) - content} remain"
    return Tlv(tag, offset, content, content + length)


def der_children(data: bytes, parent: Tlv) -> list:
    """The elements inside a constructed DER element."""
    assert parent.tag & 0x20, f"element at offset {parent.start} (tag {parent.tag:#04x}) is not constructed"
    out, pos = [], parent.content
    while pos < parent.end:
        child = der_tlv(data, pos)
        assert child.end <= parent.end, f"element at offset {pos} overruns its parent"
        out.append(child)
        pos = child.end
    return out


@dataclass(frozen=True)
class SignerLayout:
    """Where one SignerInfo's parts are (offsets into the ContentInfo `der`)."""
    signer_info: Tlv
    version: int
    digest_algorithm: Tlv
    signed_attrs: object   # Tlv of the [0] IMPLICIT SET OF Attribute, or None
    signature: Tlv         # the signature OCTET STRING


@dataclass(frozen=True)
class CmcLayout:
    """Byte positions of the parts of a CMC request that a checker (or a test tampering with one)
    needs: offsets into the ContentInfo `der`, except `pkcs10`, which is an offset into `econtent`.
    `signer_info`, `digest_algorithm`, `signed_attrs` and `signature` are the first signer's that
    is named by a key identifier (the request's own key), else the first signer's."""
    econtent: Tlv        # the eContent OCTET STRING
    signer_info: Tlv
    digest_algorithm: Tlv
    signed_attrs: Tlv    # the [0] IMPLICIT SET OF Attribute
    signature: Tlv       # the SignerInfo's signature OCTET STRING
    pkcs10: Tlv          # the CertificationRequest inside the PKIData (offsets into eContent)
    signers: tuple = ()  # every SignerLayout


def _signer_layouts(der: bytes, infos: Tlv) -> list:
    out = []
    for signer in der_children(der, infos):
        si = der_children(der, signer)
        assert len(si) >= 5, "SignerInfo has too few fields"
        version = int.from_bytes(si[0].value(der), "big")
        signed = si[3] if si[3].tag == 0xA0 else None
        rest = si[4:] if signed is not None else si[3:]
        assert len(rest) >= 2 and rest[1].tag == 0x04, "SignerInfo signature is not an OCTET STRING"
        out.append(SignerLayout(signer_info=signer, version=version, digest_algorithm=si[2],
                                signed_attrs=signed, signature=rest[1]))
    return out


def signed_data_layout(der: bytes):
    """(SignedData fields, the eContent OCTET STRING, [SignerLayout]) of a ContentInfo."""
    top = der_tlv(der, 0)
    assert top.end == len(der), f"{len(der) - top.end} trailing bytes after the ContentInfo"
    ci = der_children(der, top)
    assert len(ci) == 2 and ci[1].tag == 0xA0, "ContentInfo is not SEQUENCE { OID, [0] content }"
    sd_tlv = der_children(der, ci[1])
    assert len(sd_tlv) == 1 and sd_tlv[0].tag == 0x30, "ContentInfo content is not one SEQUENCE"
    sd = der_children(der, sd_tlv[0])
    assert len(sd) >= 4, "SignedData has too few fields"
    encap = der_children(der, sd[2])
    assert len(encap) == 2 and encap[1].tag == 0xA0, "EncapsulatedContentInfo has no eContent"
    octets = der_children(der, encap[1])
    assert len(octets) == 1 and octets[0].tag == 0x04, \
        "eContent is not one primitive OCTET STRING (constructed strings are BER, not DER)"
    infos = sd[-1]
    assert infos.tag == 0x31, "the last SignedData field is not the signerInfos SET"
    signers = _signer_layouts(der, infos)
    assert signers, "no SignerInfo"
    return sd, octets[0], signers


def cmc_layout(der: bytes) -> CmcLayout:
    _, econtent, signers = signed_data_layout(der)
    first = next((s for s in signers if s.version == 3), signers[0])
    assert first.signed_attrs is not None, \
        "SignerInfo has no signedAttrs [0] after version, sid and digestAlgorithm"
    body = econtent.value(der)
    pki = der_tlv(body, 0)
    assert pki.end == len(body), "trailing bytes after the PKIData inside eContent"
    pki_fields = der_children(body, pki)
    assert len(pki_fields) == 4, f"PKIData has {len(pki_fields)} fields, expected 4"
    reqs = der_children(body, pki_fields[1])
    assert reqs and reqs[0].tag == 0xA0, "reqSequence does not start with a tcr [0] TaggedCertificationRequest"
    tcr = der_children(body, reqs[0])
    assert len(tcr) == 2 and tcr[1].tag == 0x30, "tcr is not { bodyPartID, CertificationRequest }"
    return CmcLayout(econtent=econtent, signer_info=first.signer_info,
                     digest_algorithm=first.digest_algorithm, signed_attrs=first.signed_attrs,
                     signature=first.signature, pkcs10=tcr[1], signers=tuple(signers))


class MsCmcAttributes(univ.Sequence):
    """Microsoft's "CMC Attributes" control (1.3.6.1.4.1.311.10.10.1) value."""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("pkiDataReference", univ.Integer()),
        namedtype.NamedType("certReferences", univ.SequenceOf(componentType=univ.Integer())),
        namedtype.NamedType("requestAttributes", univ.SetOf(componentType=rfc5652.Attribute())),
    )


class NameValuePair(univ.Sequence):
    """Microsoft's EnrollmentNameValuePair (1.3.6.1.4.1.311.13.2.1)."""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("name", char.BMPString()),
        namedtype.NamedType("value", char.BMPString()),
    )


OID_REG_INFO = "1.3.6.1.5.5.7.7.18"
OID_NAME_VALUE_PAIR = "1.3.6.1.4.1.311.13.2.1"
OID_ENCRYPTED_KEY_HASH = "1.3.6.1.4.1.311.21.21"
OID_ENCRYPTED_PRIVATE_KEY = "1.3.6.1.4.1.311.21.13"
OID_RENEWAL_CERTIFICATE = "1.3.6.1.4.1.311.13.1"
OID_DATA = "1.2.840.113549.1.7.1"


@dataclass
class CheckedCmc(Checked):
    """What `check_cmc` read: the inner PKCS#10 as `check_request` checked it (all of `Checked`),
    plus facts about the CMC wrapper."""
    cmc_der: bytes = b""
    digest: str = ""                                      # the request key's signer's: "sha1", …
    signature_algorithm: str = ""                         # dotted OID of that SignerInfo's
    control_types: list = field(default_factory=list)     # attrType of each controlSequence entry
    control_parts: list = field(default_factory=list)     # bodyPartID of each control, in order
    cmc_attribute_types: list = field(default_factory=list)  # inside Microsoft's CMC Attributes
    cert_references: list = field(default_factory=list)   # Microsoft's CMC Attributes certReferences
    openssl_cms_text: str = ""
    signers: list = field(default_factory=list)           # ("key", None) or ("cert", x509.Certificate)
    certificates: list = field(default_factory=list)      # the SignedData's, x509.Certificate
    requester_name: str = None                            # from an id-cmc-regInfo control
    archived_key: bytes = None                            # the 1.3.6.1.4.1.311.21.13 ContentInfo
    null_signed: bool = False                             # the inner request's null signature


def _decode_all(data: bytes, spec, what: str):
    try:
        value, rest = der_decode(bytes(data), asn1Spec=spec)
    except Exception as e:  # pyasn1 raises its own error classes
        raise AssertionError(f"{what} does not decode: {e}") from e
    assert not rest, f"{len(rest)} trailing bytes after {what}"
    return value


def _hash_of_algorithm(alg_id, what: str):
    oid = str(alg_id["algorithm"])
    assert oid in CMS_DIGESTS, f"{what}: unsupported digest algorithm {oid}"
    return CMS_DIGESTS[oid][1]


def _verify_cms_signature(key, sig_alg, digest_cls, signature: bytes, signed: bytes) -> None:
    oid = str(sig_alg["algorithm"])
    if oid == OID_RSA_ENCRYPTION or oid in RSA_PKCS1_SIGNATURES:
        assert isinstance(key, rsa.RSAPublicKey), f"signatureAlgorithm {oid} but the signer's key is not RSA"
        h = digest_cls if oid == OID_RSA_ENCRYPTION else RSA_PKCS1_SIGNATURES[oid]
        key.verify(signature, signed, padding.PKCS1v15(), h())
    elif oid == OID_RSASSA_PSS:
        assert isinstance(key, rsa.RSAPublicKey), "signatureAlgorithm RSASSA-PSS but the signer's key is not RSA"
        assert sig_alg["parameters"].isValue, "RSASSA-PSS signatureAlgorithm without parameters"
        params = _decode_all(sig_alg["parameters"], rfc4055.RSASSA_PSS_params(), "RSASSA-PSS parameters")
        h = hashes.SHA1
        if params["hashAlgorithm"].isValue:
            h = _hash_of_algorithm(params["hashAlgorithm"], "RSASSA-PSS hashAlgorithm")
        mgf_h = hashes.SHA1
        if params["maskGenAlgorithm"].isValue:
            mgf = params["maskGenAlgorithm"]
            assert str(mgf["algorithm"]) == OID_MGF1, f"RSASSA-PSS mask generation {mgf['algorithm']} is not MGF1"
            mgf_alg = _decode_all(mgf["parameters"], rfc5280.AlgorithmIdentifier(), "MGF1 parameters")
            mgf_h = _hash_of_algorithm(mgf_alg, "RSASSA-PSS MGF1 hash")
        assert int(params["trailerField"]) == 1, f"RSASSA-PSS trailerField {params['trailerField']} is not 1"
        key.verify(signature, signed, padding.PSS(mgf=padding.MGF1(mgf_h()),
                                                  salt_length=int(params["saltLength"])), h())
    elif oid in ECDSA_SIGNATURES or oid == OID_EC_PUBLIC_KEY:
        assert isinstance(key, ec.EllipticCurvePublicKey), f"signatureAlgorithm {oid} but the signer's key is not EC"
        h = ECDSA_SIGNATURES.get(oid, digest_cls)
        key.verify(signature, signed, ec.ECDSA(h()))
    else:
        raise AssertionError(f"SignerInfo signatureAlgorithm {oid} is not one this checker knows")


# the request key's signer (kept under its old name for the CMC checker's tests)
_verify_cmc_signature = _verify_cms_signature


def _signer_certificate(si, certificates: list):
    """The certificate among `certificates` (x509.Certificate) that an issuerAndSerialNumber
    sid names."""
    assert si["sid"].getName() == "issuerAndSerialNumber", \
        f"SignerInfo version {si['version']} sid is {si['sid'].getName()}, expected issuerAndSerialNumber"
    ias = si["sid"]["issuerAndSerialNumber"]
    issuer = der_encode(ias["issuer"])
    serial = int(ias["serialNumber"])
    for cert in certificates:
        if cert.serial_number == serial and cert.issuer.public_bytes() == issuer:
            return cert
    raise AssertionError(f"no certificate in the SignedData for the signer with serial {serial:x}")


def _check_signed_attrs(si, content_type: str, content: bytes, what: str):
    """The signed attributes: one content type naming `content_type`, one message digest of
    `content`; returns {oid: [values]}."""
    attrs = {}
    for attr in si["signedAttrs"]:
        oid = str(attr["attrType"])
        assert oid not in attrs, f"{what}: signed attribute {oid} appears twice"
        attrs[oid] = list(attr["attrValues"])
    assert OID_CONTENT_TYPE in attrs, f"{what}: signedAttrs lack contentType"
    assert OID_MESSAGE_DIGEST in attrs, f"{what}: signedAttrs lack messageDigest"
    assert len(attrs[OID_CONTENT_TYPE]) == 1, "signed contentType must have exactly one value"
    assert len(attrs[OID_MESSAGE_DIGEST]) == 1, "signed messageDigest must have exactly one value"
    ctype = _decode_all(attrs[OID_CONTENT_TYPE][0], univ.ObjectIdentifier(), "signed contentType")
    assert str(ctype) == content_type, f"{what}: signed contentType is {ctype}, not {content_type}"
    digest_name = CMS_DIGESTS[str(si["digestAlgorithm"]["algorithm"])][0]
    md = bytes(_decode_all(attrs[OID_MESSAGE_DIGEST][0], univ.OctetString(), "signed messageDigest"))
    expected_md = hashlib.new(digest_name, content).digest()
    assert md == expected_md, (f"{what}: messageDigest {md.hex()} does not match the {digest_name} of the "
                               f"eContent ({expected_md.hex()}): the content or the digest was altered")
    return attrs


def _key_certificate(public_key_der: bytes, ski: bytes, tmp_path) -> str:
    """A throwaway certificate for a public key with subject key identifier `ski`, signed by a
    throwaway key: what `openssl cms -verify -noverify` needs to find a signer named by its key
    identifier (a CMC request carries no certificate for its own key). Returns its PEM path."""
    import datetime
    key = serialization.load_der_public_key(public_key_der)
    issuer_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "request key")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier(ski), critical=False)
            .sign(issuer_key, hashes.SHA256()))
    path = tmp_path / f"key-{ski.hex()[:8]}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def openssl_cms_verify(der: bytes, tmp_path, certfiles=(), expect: bytes = None) -> str:
    """`openssl cms -verify -noverify -binary` (signatures and digests; no chain), the signers'
    certificates from the message or `certfiles`; asserts the content verified is `expect`."""
    src = tmp_path / "cms-verify.der"
    src.write_bytes(der)
    out = tmp_path / "cms-verified"
    args = ["openssl", "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", str(src),
            "-out", str(out)]
    if certfiles:
        bundle = tmp_path / "cms-certs.pem"
        bundle.write_text("".join(open(c).read() for c in certfiles))
        args += ["-certfile", str(bundle)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"openssl cms -verify rejected the request:\n{proc.stdout}{proc.stderr}"
    if expect is not None:
        assert out.read_bytes() == expect, "openssl verified other content than the eContent"
    proc = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(src)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"openssl cms -cmsout -print rejected it:\n{proc.stderr}"
    return proc.stdout


def _inner_request(pkcs10: bytes, tmp_path, null_signed_ok: bool):
    """Checks the PKCS #10 inside a wrapper: as any request, or, when it carries MS-WCCE's null
    signature (allowed inside CMC), its hash. Returns (Checked, null_signed)."""
    p10 = _decode_all(pkcs10, rfc6402.CertificationRequest(), "the PKCS#10 inside")
    alg = str(p10["signatureAlgorithm"]["algorithm"])
    if alg in CMS_DIGESTS:
        assert null_signed_ok, f"the inner request's signature algorithm is the bare hash {alg} (a null signature)"
        info = der_children(pkcs10, der_tlv(pkcs10, 0))[0].raw(pkcs10)
        digest = hashlib.new(CMS_DIGESTS[alg][0], info).digest()
        assert p10["signature"].asOctets() == digest, "the null signature is not the hash of the request info"
        csr = x509.load_der_x509_csr(pkcs10)
        for ext in csr.extensions:
            _ = ext.value
        proc = subprocess.run(["openssl", "req", "-inform", "DER", "-noout", "-text"], input=pkcs10,
                              capture_output=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return Checked(csr=csr, der=pkcs10, openssl_text=proc.stdout.decode()), True
    inner = tmp_path / "inner.req"
    inner.write_bytes(pkcs10)
    return check_request(inner, tmp_path), False


def check_cmc(path, tmp_path, null_signed_ok=False) -> CheckedCmc:
    """A CMC Full PKI Request (PEM of any label, or DER) as Microsoft certreq writes it:
    ContentInfo(SignedData v3 { eContentType id-cct-PKIData, eContent PKIData }) holding one
    PKCS#10 as `tcr` body part 1, signed by the request's own key (sid = its subjectKeyIdentifier)
    and by any certificates the SignedData carries (an enrollment agent's, a renewed
    certificate's: sid = issuerAndSerialNumber). Checks the structure, each signer's signed
    attributes, digest and signature, a requester name (id-cmc-regInfo) and an archived key (its
    hash among the CMC attributes); has OpenSSL verify and parse the CMS; then runs
    `check_request` on the inner PKCS#10 (or, with `null_signed_ok`, checks its null signature).
    Returns `CheckedCmc`: the inner request's `Checked` plus what the wrapper held."""
    der = pem_or_der_to_der(pathlib_read(path))
    layout = cmc_layout(der)

    # ContentInfo / SignedData
    ci = _decode_all(der, rfc5652.ContentInfo(), "CMC ContentInfo")
    assert str(ci["contentType"]) == OID_SIGNED_DATA, \
        f"ContentInfo contentType is {ci['contentType']}, not signedData {OID_SIGNED_DATA}"
    sd = _decode_all(ci["content"], rfc5652.SignedData(), "SignedData")
    assert int(sd["version"]) == 3, f"SignedData version is {sd['version']}, expected 3 (PKIData content)"
    encap = sd["encapContentInfo"]
    assert str(encap["eContentType"]) == OID_PKI_DATA, \
        f"eContentType is {encap['eContentType']}, not id-cct-PKIData {OID_PKI_DATA}"
    assert encap["eContent"].isValue, "SignedData has no eContent (detached), expected the PKIData"
    econtent = bytes(encap["eContent"])
    assert econtent == layout.econtent.value(der), "eContent bytes differ between decoders"
    certificates = []
    if sd["certificates"].isValue:
        for choice in sd["certificates"]:
            assert choice.getName() == "certificate", f"a {choice.getName()} among the certificates"
            certificates.append(x509.load_der_x509_certificate(der_encode(choice["certificate"])))
    assert not sd["crls"].isValue, "SignedData carries CRLs; a CMC request has none"
    digest_set = [der_encode(a) for a in sd["digestAlgorithms"]]

    # PKIData
    pki = _decode_all(econtent, rfc6402.PKIData(), "PKIData (eContent)")
    assert len(pki["reqSequence"]) == 1, f"reqSequence holds {len(pki['reqSequence'])} requests, expected 1"
    req = pki["reqSequence"][0]
    assert req.getName() == "tcr", f"the request is a {req.getName()}, expected tcr (PKCS#10)"
    assert int(req["tcr"]["bodyPartID"]) == 1, f"the tcr bodyPartID is {req['tcr']['bodyPartID']}, expected 1"
    assert len(pki["cmsSequence"]) == 0, "PKIData cmsSequence is not empty"
    assert len(pki["otherMsgSequence"]) == 0, "PKIData otherMsgSequence is not empty"
    pkcs10 = layout.pkcs10.raw(econtent)

    body_parts = [1]
    control_types, control_parts, cmc_attribute_types, cert_references = [], [], [], []
    requester_name, key_hash = None, None
    for ctrl in pki["controlSequence"]:
        part, oid = int(ctrl["bodyPartID"]), str(ctrl["attrType"])
        control_types.append(oid)
        control_parts.append(part)
        assert part not in body_parts, f"control {oid} reuses bodyPartID {part} (must be unique in PKIData)"
        body_parts.append(part)
        if oid == OID_REG_INFO:
            for value in ctrl["attrValues"]:
                text = bytes(_decode_all(value, univ.OctetString(), "regInfo value")).decode("ascii")
                assert text.endswith("&"), f"regInfo {text!r} does not end with & as certreq writes it"
                for pair in text[:-1].split("&"):
                    name, _, val = pair.partition("=")
                    if name == "RequesterName":
                        from urllib.parse import unquote
                        requester_name = unquote(val)
            continue
        if oid != OID_MS_CMC_ATTRIBUTES:
            continue
        assert len(ctrl["attrValues"]) == 1, \
            f"CMC Attributes control has {len(ctrl['attrValues'])} values, expected 1"
        val = _decode_all(ctrl["attrValues"][0], MsCmcAttributes(), "CMC Attributes control value")
        assert int(val["pkiDataReference"]) == 0, \
            f"CMC Attributes pkiDataReference is {val['pkiDataReference']}, expected 0"
        refs = [int(r) for r in val["certReferences"]]
        assert 1 in refs, f"CMC Attributes certReferences {refs} do not name the request (body part 1)"
        assert set(refs) <= {1}, f"CMC Attributes certReferences {refs} name body parts that are no request"
        cert_references.extend(refs)
        for a in val["requestAttributes"]:
            cmc_attribute_types.append(str(a["attrType"]))
            if str(a["attrType"]) == OID_ENCRYPTED_KEY_HASH:
                key_hash = bytes(_decode_all(a["attrValues"][0], univ.OctetString(), "encrypted key hash"))

    # the inner request's key, and its RFC 5280 method-1 key identifier
    p10 = _decode_all(pkcs10, rfc6402.CertificationRequest(), "the PKCS#10 inside the tcr")
    null_signed = str(p10["signatureAlgorithm"]["algorithm"]) in CMS_DIGESTS
    spki = p10["certificationRequestInfo"]["subjectPublicKeyInfo"]
    key_id = hashlib.sha1(spki["subjectPublicKey"].asOctets()).digest()
    spki_tlv = der_children(pkcs10, der_children(pkcs10, der_tlv(pkcs10, 0))[0])[2]
    key = serialization.load_der_public_key(spki_tlv.raw(pkcs10))

    # the SignerInfos
    assert len(sd["signerInfos"]) == len(layout.signers), "SignerInfo counts differ between decoders"
    signers, certfiles, archived_key = [], [], None
    digest_name, sig_oid = "", ""
    for si, sl in zip(sd["signerInfos"], layout.signers):
        d_oid = str(si["digestAlgorithm"]["algorithm"])
        assert d_oid in CMS_DIGESTS, f"SignerInfo digestAlgorithm {d_oid} is not sha1/sha256/sha384/sha512"
        assert der_encode(si["digestAlgorithm"]) in digest_set, \
            f"SignedData digestAlgorithms lacks the SignerInfo's {d_oid}"
        assert si["signedAttrs"].isValue, "SignerInfo has no signedAttrs"
        _check_signed_attrs(si, OID_PKI_DATA, econtent, "CMC signer")
        signed = b"\x31" + der[sl.signed_attrs.start + 1:sl.signed_attrs.end]
        signature = bytes(si["signature"])
        assert signature == sl.signature.value(der), "signature bytes differ between decoders"
        d_cls = CMS_DIGESTS[d_oid][1]
        if int(si["version"]) == 3:
            assert si["sid"].getName() == "subjectKeyIdentifier", \
                f"SignerInfo sid is {si['sid'].getName()}, expected subjectKeyIdentifier [0]"
            sid = bytes(si["sid"]["subjectKeyIdentifier"])
            assert sid == key_id, (f"SignerInfo sid {sid.hex()} is not the request key's identifier "
                                   f"{key_id.hex()} (SHA-1 of the subjectPublicKey bits)")
            assert not null_signed, "the request key signs a null-signed request"
            signer_key, who = key, ("key", None)
            digest_name, sig_oid = CMS_DIGESTS[d_oid][0], str(si["signatureAlgorithm"]["algorithm"])
            certfiles.append(_key_certificate(spki_tlv.raw(pkcs10), sid, tmp_path))
            if si["unsignedAttrs"].isValue:
                for a in si["unsignedAttrs"]:
                    assert str(a["attrType"]) == OID_ENCRYPTED_PRIVATE_KEY, \
                        f"unsigned attribute {a['attrType']} on the request signer"
                    archived_key = bytes(a["attrValues"][0])
        else:
            assert int(si["version"]) == 1, f"SignerInfo version {si['version']}"
            cert = _signer_certificate(si, certificates)
            assert not si["unsignedAttrs"].isValue, "a certificate signer with unsigned attributes"
            signer_key, who = cert.public_key(), ("cert", cert)
        try:
            _verify_cms_signature(signer_key, si["signatureAlgorithm"], d_cls, signature, signed)
        except InvalidSignature as e:
            raise AssertionError(f"the CMC signature ({si['signatureAlgorithm']['algorithm']}, "
                                 f"{CMS_DIGESTS[d_oid][0]}) does not verify with the signer's key") from e
        signers.append(who)
    assert null_signed or ("key", None) in signers, "the request's own key did not sign it"
    cert_signers = [c for kind, c in signers if kind == "cert"]
    for c in certificates:
        assert c in cert_signers, f"the SignedData carries a certificate no signer uses: {c.subject}"
    assert (key_hash is None) == (archived_key is None), \
        "an archived key needs both its signed hash and the unsigned key"
    if archived_key is not None:
        assert hashlib.sha1(archived_key).digest() == key_hash, \
            "the archived key's hash is not the signed encrypted-key hash: it was altered"

    # OpenSSL verifies and parses the same bytes
    cms_text = openssl_cms_verify(der, tmp_path, certfiles, expect=econtent)
    # the inner PKCS#10, checked like any other request (or its null signature)
    inner, _ = _inner_request(pkcs10, tmp_path, null_signed_ok)
    assert "id-cct-PKIData" in cms_text, f"openssl cms did not see id-cct-PKIData:\n{cms_text[:2000]}"
    cms_file = tmp_path / "cmc-request.der"
    cms_file.write_bytes(der)
    for extra in ([], ["-strparse", str(layout.econtent.start)]):
        proc = subprocess.run(["openssl", "asn1parse", "-inform", "DER", "-in", str(cms_file), *extra],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (f"openssl asn1parse {' '.join(extra)} rejected the CMC request "
                                      f"(-strparse: the PKIData in eContent):\n{proc.stderr[-2000:]}")

    return CheckedCmc(**{f.name: getattr(inner, f.name) for f in fields(Checked)},
                      cmc_der=der, digest=digest_name, signature_algorithm=sig_oid,
                      control_types=control_types, control_parts=control_parts,
                      cmc_attribute_types=cmc_attribute_types,
                      cert_references=cert_references, openssl_cms_text=cms_text,
                      signers=signers, certificates=certificates, requester_name=requester_name,
                      archived_key=archived_key, null_signed=null_signed)


@dataclass
class CheckedPkcs7(Checked):
    """What `check_pkcs7` read: the inner PKCS#10 as `check_request` checked it, plus the
    wrapper's facts."""
    p7_der: bytes = b""
    version: int = 0
    signers: list = field(default_factory=list)        # (x509.Certificate, has signed attributes)
    certificates: list = field(default_factory=list)
    requester_name: str = None                          # the signed RequesterName pair
    digests: list = field(default_factory=list)         # each signer's digest name
    openssl_cms_text: str = ""


def check_pkcs7(path, tmp_path) -> CheckedPkcs7:
    """A PKCS #7 request (PEM of any label, or DER) as certreq writes its renewal and
    on-behalf-of requests: ContentInfo(SignedData { eContentType id-data, eContent PKCS#10 })
    signed by certificates it carries (sid = issuerAndSerialNumber), each either over the
    PKCS#10 itself (no signed attributes: the renewal) or over signed attributes with the
    content type, the message digest and optionally the RequesterName pair. Checks each
    signature with the certificate's key, has OpenSSL verify and print the CMS, and runs
    `check_request` on the PKCS#10."""
    der = pem_or_der_to_der(pathlib_read(path))
    _, econtent_tlv, layouts = signed_data_layout(der)
    ci = _decode_all(der, rfc5652.ContentInfo(), "PKCS #7 ContentInfo")
    assert str(ci["contentType"]) == OID_SIGNED_DATA, f"ContentInfo contentType is {ci['contentType']}"
    sd = _decode_all(ci["content"], rfc5652.SignedData(), "SignedData")
    encap = sd["encapContentInfo"]
    assert str(encap["eContentType"]) == OID_DATA, f"eContentType is {encap['eContentType']}, not id-data"
    assert encap["eContent"].isValue, "no eContent"
    econtent = bytes(encap["eContent"])
    assert econtent == econtent_tlv.value(der), "eContent bytes differ between decoders"
    version = int(sd["version"])
    certificates = []
    assert sd["certificates"].isValue, "a PKCS #7 request carries its signers' certificates"
    for choice in sd["certificates"]:
        certificates.append(x509.load_der_x509_certificate(der_encode(choice["certificate"])))
    assert not sd["crls"].isValue, "a PKCS #7 request has no CRLs"
    digest_set = [der_encode(a) for a in sd["digestAlgorithms"]]
    signers, digests, requester_name = [], [], None
    any_v3 = False
    for si, sl in zip(sd["signerInfos"], layouts):
        any_v3 |= int(si["version"]) == 3
        d_oid = str(si["digestAlgorithm"]["algorithm"])
        assert d_oid in CMS_DIGESTS, f"digestAlgorithm {d_oid}"
        assert der_encode(si["digestAlgorithm"]) in digest_set, "digestAlgorithms lacks a signer's"
        cert = _signer_certificate(si, certificates)
        if si["signedAttrs"].isValue:
            attrs = _check_signed_attrs(si, OID_DATA, econtent, "PKCS #7 signer")
            for value in attrs.get(OID_NAME_VALUE_PAIR, []):
                pair = _decode_all(value, NameValuePair(), "a signed name-value pair")
                if str(pair["name"]) == "RequesterName":
                    requester_name = str(pair["value"])
            signed = b"\x31" + der[sl.signed_attrs.start + 1:sl.signed_attrs.end]
        else:
            signed = econtent
        try:
            _verify_cms_signature(cert.public_key(), si["signatureAlgorithm"], CMS_DIGESTS[d_oid][1],
                                  bytes(si["signature"]), signed)
        except InvalidSignature as e:
            raise AssertionError("a PKCS #7 signature does not verify with its certificate's key") from e
        signers.append((cert, si["signedAttrs"].isValue))
        digests.append(CMS_DIGESTS[d_oid][0])
    assert signers, "no signer"
    assert version == (3 if any_v3 else 1), f"SignedData version {version} for id-data and these signers"
    cms_text = openssl_cms_verify(der, tmp_path, expect=econtent)
    inner = tmp_path / "p7-inner.req"
    inner.write_bytes(econtent)
    checked = check_request(inner, tmp_path)
    return CheckedPkcs7(**{f.name: getattr(checked, f.name) for f in fields(Checked)},
                        p7_der=der, version=version, signers=signers, certificates=certificates,
                        requester_name=requester_name, digests=digests, openssl_cms_text=cms_text)


def renewal_certificate(checked: Checked):
    """The certificate a renewal request carries in its renewal-certificate attribute."""
    p10 = _decode_all(checked.der, rfc6402.CertificationRequest(), "PKCS#10")
    for attr in p10["certificationRequestInfo"]["attributes"]:
        if str(attr["attrType"]) == OID_RENEWAL_CERTIFICATE:
            return x509.load_der_x509_certificate(bytes(attr["attrValues"][0]))
    return None
