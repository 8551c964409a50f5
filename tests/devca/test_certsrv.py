"""Conformance of devca (the development CA) with clients written against real AD CS and EST.

The PyPI `certsrv` client (written against AD CS Web Enrollment) must work unchanged; issued
certificates must verify with `openssl verify`; EST flows are driven with `requests`.
Binary: $DEVCA_BIN, default target/release/devca.
"""
import base64
import os
import pathlib
import re
import subprocess

import certsrv
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from devca_server import DevcaServer

# requests must verify against devca's own root, whatever the environment says
pytestmark = pytest.mark.usefixtures("no_ca_bundle_override")

USER, PASSWORD = "alice", "s3cret:with-colon"


class Devca(DevcaServer):
    """devca over https with Basic auth, as the certsrv client expects."""

    def __init__(self, data: pathlib.Path, policy: str = "issue"):
        super().__init__(data, policy=policy, tls=True, basic_auth=(USER, PASSWORD))

    @property
    def url(self) -> str:
        return self.origin

    def client(self, password=PASSWORD) -> certsrv.Certsrv:
        return certsrv.Certsrv(self.host, USER, password, cafile=str(self.ca_pem))

    def session(self, auth=True) -> requests.Session:
        s = requests.Session()
        s.verify = str(self.ca_pem)
        if auth:
            s.auth = (USER, PASSWORD)
        return s




@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    server = Devca(tmp_path_factory.mktemp("devca-issue"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pending_ca(tmp_path_factory):
    server = Devca(tmp_path_factory.mktemp("devca-pending"), policy="pending")
    yield server
    server.stop()


_KEY = ec.generate_private_key(ec.SECP256R1())
_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_csr(cn="web.example", dns=("web.example",), key=None) -> str:
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    if dns:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    csr = builder.sign(key or _KEY, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def openssl_verify(ca_pem: pathlib.Path, cert_pem: bytes, tmp_path) -> str:
    path = tmp_path / "leaf.pem"
    path.write_bytes(cert_pem)
    proc = subprocess.run(["openssl", "verify", "-CAfile", str(ca_pem), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def ekus(cert: x509.Certificate):
    return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


# --- AD CS Web Enrollment through the certsrv client -------------------------------------------

def test_issued_certificate_verifies_against_the_ca(ca, tmp_path):
    pem = ca.client().get_cert(make_csr(), "WebServer")
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----\r\n")
    assert b"\r\n-----END CERTIFICATE-----\r\n" in pem
    cert = x509.load_pem_x509_certificate(pem)
    assert cert.subject.rfc4514_string() == "CN=web.example"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["web.example"]
    assert ekus(cert) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert len(cert.serial_number.to_bytes(16, "big")) == 16
    ca_cert = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 730
    assert openssl_verify(ca.ca_pem, pem, tmp_path).strip().endswith(": OK")


def test_binary_encoding_and_rsa_request(ca):
    der = ca.client().get_cert(make_csr("rsa.example", ("rsa.example",), _RSA_KEY), "WebServer",
                               encoding="bin")
    cert = x509.load_der_x509_certificate(der)
    assert cert.subject.rfc4514_string() == "CN=rsa.example"
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.key_encipherment


def test_user_template_and_san_attribute(ca):
    pem = ca.client().get_cert(make_csr("someone", ("a.example",)), "User",
                               attributes="SAN:dns=b.example&email=someone@example.org")
    cert = x509.load_pem_x509_certificate(pem)
    assert ekus(cert) == [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["a.example", "b.example"]
    assert san.get_values_for_type(x509.RFC822Name) == ["someone@example.org"]


def test_sub_ca_template(ca):
    cert = x509.load_pem_x509_certificate(ca.client().get_cert(make_csr("Sub CA", ()), "SubCA"))
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign


def test_unknown_template_is_denied_with_ad_cs_message(ca):
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert(make_csr(), "NoSuchTemplate")
    assert str(e.value) == (
        "Denied by Policy Module  0x80094800, The request was for a certificate template that is "
        "not supported by the Active Directory Certificate Services policy: NoSuchTemplate.")


def test_unparsable_request_is_refused_like_ad_cs(ca):
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert("this is not a request", "WebServer")
    assert str(e.value).startswith("Error Parsing Request")
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert(base64.b64encode(b"\x30\x03\x02\x01\x00").decode(), "WebServer")
    assert "Error Parsing Request" in str(e.value) and "CRYPT_E_ASN1" in str(e.value)


def test_bad_signature_is_refused(ca):
    pem = make_csr("sig.example", ())
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    pos = der.find(b"sig.example")
    der[pos] = ord("X")
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert(base64.b64encode(bytes(der)).decode(), "WebServer")
    assert "NTE_BAD_SIGNATURE" in str(e.value)


def pss_csr(cn: str, hash_algorithm, salt_length=None, mgf_hash=None) -> bytes:
    """An RSA request signed with RSASSA-PSS (MGF1 of the same hash unless `mgf_hash`), DER."""
    salt = hash_algorithm.digest_size if salt_length is None else salt_length
    mgf = padding.MGF1(mgf_hash or hash_algorithm)
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(
            _RSA_KEY, hash_algorithm, rsa_padding=padding.PSS(mgf=mgf, salt_length=salt))
    return csr.public_bytes(serialization.Encoding.DER)


def test_rsa_pss_requests_are_issued(ca):
    # what certreq writes with AlternateSignatureAlgorithm = TRUE: RSASSA-PSS, MGF1 of the
    # request's hash, a salt as long as the hash
    for h in (hashes.SHA256(), hashes.SHA384()):
        der = pss_csr(f"pss-{h.name}.example", h)
        pem = ca.client().get_cert(base64.b64encode(der).decode(), "WebServer")
        cert = x509.load_pem_x509_certificate(pem)
        assert cert.subject.rfc4514_string() == f"CN=pss-{h.name}.example"
        assert cert.public_key().public_numbers() == _RSA_KEY.public_key().public_numbers()
    # a broken PSS signature is still a bad signature
    der = bytearray(pss_csr("pss-bad.example", hashes.SHA256()))
    der[der.find(b"pss-bad")] = ord("X")
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert(base64.b64encode(bytes(der)).decode(), "WebServer")
    assert "NTE_BAD_SIGNATURE" in str(e.value)
    # any salt length: none, or the longest the key allows
    for cn, salt in (("pss-nosalt.example", 0), ("pss-maxsalt.example", padding.PSS.MAX_LENGTH)):
        der = pss_csr(cn, hashes.SHA256(), salt_length=salt)
        pem = ca.client().get_cert(base64.b64encode(der).decode(), "WebServer")
        assert x509.load_pem_x509_certificate(pem).subject.rfc4514_string() == f"CN={cn}"
    # MGF1 of another hash than the message's is an algorithm devca does not know, and says so
    der = pss_csr("pss-mgf.example", hashes.SHA256(), mgf_hash=hashes.SHA384())
    with pytest.raises(certsrv.RequestDeniedException) as e:
        ca.client().get_cert(base64.b64encode(der).decode(), "WebServer")
    assert "CRYPT_E_UNKNOWN_ALGO" in str(e.value)


def test_an_openssl_pss_request_with_its_default_parameters_is_issued(ca, tmp_path):
    key = tmp_path / "key.pem"
    key.write_bytes(_RSA_KEY.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    proc = subprocess.run(["openssl", "req", "-new", "-key", str(key), "-subj",
                           "/CN=openssl-pss.example", "-sha256", "-sigopt",
                           "rsa_padding_mode:pss"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert x509.load_pem_x509_csr(proc.stdout.encode()).signature_algorithm_oid == \
        x509.oid.SignatureAlgorithmOID.RSASSA_PSS
    pem = ca.client().get_cert(proc.stdout, "WebServer")
    assert x509.load_pem_x509_certificate(pem).subject.rfc4514_string() == \
        "CN=openssl-pss.example"


def test_unknown_request_id_gives_property_empty(ca):
    with pytest.raises(certsrv.CouldNotRetrieveCertificateException) as e:
        ca.client().get_existing_cert(999999)
    assert str(e.value) == ("The requested property value is empty. "
                            "0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)")


def test_ca_certificate_and_chain(ca):
    client = ca.client()
    ca_pem = client.get_ca_cert()
    on_disk = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    assert x509.load_pem_x509_certificate(ca_pem) == on_disk
    assert x509.load_der_x509_certificate(client.get_ca_cert("bin")) == on_disk
    chain = pkcs7.load_der_pkcs7_certificates(client.get_chain("bin"))
    assert chain == [on_disk]
    b64 = client.get_chain("b64")
    # AD CS labels the base64 PKCS#7 "CERTIFICATE"; the content is still PKCS#7
    assert b64.startswith(b"-----BEGIN CERTIFICATE-----\r\n")
    body = b"".join(b64.split(b"\r\n")[1:-2])
    assert pkcs7.load_der_pkcs7_certificates(base64.b64decode(body)) == [on_disk]


def test_issued_chain_p7b_holds_leaf_and_ca(ca):
    s = ca.session()
    r = s.post(f"{ca.url}/certsrv/certfnsh.asp", data={
        "Mode": "newreq", "CertRequest": make_csr(), "CertAttrib": "CertificateTemplate:WebServer",
        "TargetStoreFlags": "0", "SaveCert": "yes"})
    assert r.headers["Content-Type"] == "text/html; charset=UTF-8"
    req_id = re.search(r"certnew.cer\?ReqID=(\d+)&", r.text).group(1)
    # the script form S3-style clients match, too
    assert f'location="certnew.cer?ReqID={req_id}&"+getEncoding();' in r.text
    r = s.get(f"{ca.url}/certsrv/certnew.p7b", params={"REQID": req_id, "ENC": "bin"})
    assert r.headers["Content-Type"] == "application/x-pkcs7-certificates"
    certs = pkcs7.load_der_pkcs7_certificates(r.content)
    assert [c.subject.rfc4514_string() for c in certs][0] == "CN=web.example"
    assert len(certs) == 2
    # chkpnd on an issued request shows the issued page again
    r = s.post(f"{ca.url}/certsrv/certfnsh.asp",
               data={"Mode": "chkpnd", "ReqID": req_id, "TargetStoreFlags": "0", "SaveCert": "yes"})
    assert f"certnew.cer?ReqID={req_id}&" in r.text


def test_crl_is_signed_by_the_ca(ca):
    r = ca.session().get(f"{ca.url}/certsrv/certcrl.crl",
                         params={"Type": "base", "Renewal": "0", "Enc": "bin"})
    assert r.headers["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(r.content)
    ca_cert = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())
    assert crl.is_signature_valid(ca_cert.public_key())
    assert crl.issuer == ca_cert.subject


def test_check_credentials(ca):
    assert ca.client().check_credentials() is True
    assert ca.client(password="wrong").check_credentials() is False
    r = requests.get(f"{ca.url}/certsrv/", verify=str(ca.ca_pem))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic realm=")


def test_pending_then_approve(pending_ca):
    client = pending_ca.client()
    with pytest.raises(certsrv.CertificatePendingException) as e:
        client.get_cert(make_csr("pending.example", ("pending.example",)), "WebServer")
    req_id = e.value.req_id
    with pytest.raises(certsrv.CouldNotRetrieveCertificateException) as e2:
        client.get_existing_cert(req_id)
    assert str(e2.value) == "Taken Under Submission"
    r = pending_ca.session().post(f"{pending_ca.url}/certsrv/certfnsh.asp",
                                  data={"Mode": "chkpnd", "ReqID": req_id})
    assert "still pending" in r.text and f"Your Request Id is {req_id}." in r.text
    proc = pending_ca.cli("approve", req_id)
    assert proc.returncode == 0, proc.stderr
    cert = x509.load_pem_x509_certificate(client.get_existing_cert(req_id))
    assert cert.subject.rfc4514_string() == "CN=pending.example"
    # approving twice is refused
    assert pending_ca.cli("approve", req_id).returncode == 1


def test_pending_then_deny(pending_ca):
    client = pending_ca.client()
    with pytest.raises(certsrv.CertificatePendingException) as e:
        client.get_cert(make_csr(), "WebServer")
    proc = pending_ca.cli("deny", e.value.req_id, "--message", "Not on the allow list")
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(certsrv.CouldNotRetrieveCertificateException) as e2:
        client.get_existing_cert(e.value.req_id)
    assert str(e2.value) == "Not on the allow list"
    r = pending_ca.session().post(f"{pending_ca.url}/certsrv/certfnsh.asp",
                                  data={"Mode": "chkpnd", "ReqID": e.value.req_id})
    assert 'The disposition message is "Not on the allow list".' in r.text
    # denying is for a request that waits: a denied one keeps its message
    proc = pending_ca.cli("deny", e.value.req_id, "--message", "again")
    assert proc.returncode == 1 and "is not pending" in proc.stderr, proc.stderr
    # the administrator changes their mind (AD CS resubmits a denied request): issued, and
    # retrieved under the same request id
    proc = pending_ca.cli("approve", e.value.req_id)
    assert proc.returncode == 0 and "issued" in proc.stdout, proc.stderr
    cert = x509.load_pem_x509_certificate(client.get_existing_cert(e.value.req_id))
    assert cert.subject.rfc4514_string() == "CN=web.example"


def test_the_list_keeps_a_denial_message_in_its_column(pending_ca):
    """`devca list` is tab-separated, one request a line: a message with tabs and line breaks
    stays in its column."""
    with pytest.raises(certsrv.CertificatePendingException) as e:
        pending_ca.client().get_cert(make_csr(), "WebServer")
    proc = pending_ca.cli("deny", e.value.req_id, "--message", "not\tthis\nhost")
    assert proc.returncode == 0, proc.stderr
    listed = pending_ca.cli("list").stdout.splitlines()
    mine = [line.split("\t") for line in listed if line.split("\t")[0] == e.value.req_id]
    assert mine == [[e.value.req_id, "denied", "web", "not this host"]], listed


# --- EST (RFC 7030) ---------------------------------------------------------------------------

def est_body(pem: str) -> bytes:
    der = x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER)
    return base64.encodebytes(der)


def test_est_cacerts(ca):
    r = ca.session().get(f"{ca.url}/.well-known/est/cacerts")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/pkcs7-mime"
    certs = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
    assert certs == [x509.load_pem_x509_certificate(ca.ca_pem.read_bytes())]


def test_est_simpleenroll(ca, tmp_path):
    s = ca.session()
    for op in ("simpleenroll", "simplereenroll"):
        r = s.post(f"{ca.url}/.well-known/est/{op}", data=est_body(make_csr("est.example")),
                   headers={"Content-Type": "application/pkcs10"})
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "application/pkcs7-mime; smime-type=certs-only"
        (cert,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
        assert cert.subject.rfc4514_string() == "CN=est.example"
        openssl_verify(ca.ca_pem, cert.public_bytes(serialization.Encoding.PEM), tmp_path)
    # the CA label picks the template
    r = s.post(f"{ca.url}/.well-known/est/User/simpleenroll", data=est_body(make_csr("u")),
               headers={"Content-Type": "application/pkcs10"})
    (cert,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in ekus(cert)


def test_est_csrattrs_asks_for_sha256_with_rsa(ca):
    from pyasn1.codec.der import decoder
    from pyasn1.type import namedtype, univ

    # RFC 7030 §4.5.2, decoded by pyasn1 (not by anything devca uses)
    class Attribute(univ.Sequence):
        componentType = namedtype.NamedTypes(
            namedtype.NamedType("type", univ.ObjectIdentifier()),
            namedtype.NamedType("values", univ.SetOf(componentType=univ.Any())))

    class AttrOrOID(univ.Choice):
        componentType = namedtype.NamedTypes(
            namedtype.NamedType("oid", univ.ObjectIdentifier()),
            namedtype.NamedType("attribute", Attribute()))

    class CsrAttrs(univ.SequenceOf):
        componentType = AttrOrOID()

    r = ca.session().get(f"{ca.url}/.well-known/est/csrattrs")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/csrattrs"
    assert r.headers["Content-Transfer-Encoding"] == "base64"
    der = base64.b64decode(r.content, validate=False)
    attrs, rest = decoder.decode(der, asn1Spec=CsrAttrs())
    assert rest == b""
    # one item: an OID, sha256WithRSAEncryption (what devca signs with, and asks for)
    assert [item.getName() for item in attrs] == ["oid"]
    assert [str(item["oid"]) for item in attrs] == ["1.2.840.113549.1.1.11"]


def test_est_wrong_content_type_is_415(ca):
    r = ca.session().post(f"{ca.url}/.well-known/est/simpleenroll", data=est_body(make_csr()),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_est_needs_credentials(ca):
    r = ca.session(auth=False).post(f"{ca.url}/.well-known/est/simpleenroll",
                                    data=est_body(make_csr()),
                                    headers={"Content-Type": "application/pkcs10"})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic ")


def test_est_pending_202_then_approved(pending_ca):
    s = pending_ca.session()
    body = est_body(make_csr("est-pending.example"))
    headers = {"Content-Type": "application/pkcs10"}
    r = s.post(f"{pending_ca.url}/.well-known/est/simpleenroll", data=body, headers=headers)
    assert r.status_code == 202
    assert int(r.headers["Retry-After"]) > 0
    req_id = re.search(r"request (\d+) is pending", r.text).group(1)
    # the same request again: still the same pending request
    r = s.post(f"{pending_ca.url}/.well-known/est/simpleenroll", data=body, headers=headers)
    assert r.status_code == 202 and f"request {req_id} " in r.text
    assert pending_ca.cli("approve", req_id).returncode == 0
    r = s.post(f"{pending_ca.url}/.well-known/est/simpleenroll", data=body, headers=headers)
    assert r.status_code == 200
    (cert,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
    assert cert.subject.rfc4514_string() == "CN=est-pending.example"


# --- robustness and persistence ---------------------------------------------------------------

def test_oversized_body_is_413(ca):
    r = ca.session().post(f"{ca.url}/certsrv/certfnsh.asp", data=b"a" * (2 * 1024 * 1024),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert ca.alive()


def test_garbage_body_gives_the_error_page(ca):
    s = ca.session()
    r = s.post(f"{ca.url}/certsrv/certfnsh.asp", data=os.urandom(4096),
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    assert re.search("Disposition message:[^\t]+\t\t([^\r\n]+)", r.text)
    r = s.post(f"{ca.url}/certsrv/certfnsh.asp", data={"Mode": "chkpnd", "ReqID": "x"})
    assert re.search("LastStatus:[^\t]+\t\t([^\r\n]+)", r.text)
    assert ca.alive() and ca.client().check_credentials()


def test_restart_keeps_state_and_ids_grow(tmp_path):
    server = Devca(tmp_path / "data")
    try:
        client = server.client()
        first = client.get_cert(make_csr("one.example"), "WebServer")
        page = server.session().post(f"{server.url}/certsrv/certfnsh.asp", data={
            "Mode": "newreq", "CertRequest": make_csr("two.example"), "CertAttrib": ""}).text
        id_before = int(re.search(r"certnew.cer\?ReqID=(\d+)&", page).group(1))
        ca_before = server.ca_pem.read_bytes()
        server.stop()
        server.start()
        client = server.client()
        assert server.ca_pem.read_bytes() == ca_before
        assert client.get_existing_cert(id_before - 1) == first
        page = server.session().post(f"{server.url}/certsrv/certfnsh.asp", data={
            "Mode": "newreq", "CertRequest": make_csr("three.example"), "CertAttrib": ""}).text
        id_after = int(re.search(r"certnew.cer\?ReqID=(\d+)&", page).group(1))
        assert id_after == id_before + 1
        files = sorted(p.name for p in (tmp_path / "data" / "requests").iterdir())
        assert files == [f"{i:08}.req" for i in range(1, id_after + 1)]
    finally:
        server.stop()


def test_cors_and_dist_share_the_origin(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<p>app</p>")
    (dist / "app.wasm").write_bytes(b"\0asm\1\0\0\0")
    server = DevcaServer(tmp_path / "data", cors="any", dist=dist)
    try:
        base = server.origin
        r = requests.get(f"{base}/")
        assert r.headers["Content-Type"] == "text/html; charset=utf-8" and r.text == "<p>app</p>"
        assert requests.get(f"{base}/app.wasm").headers["Content-Type"] == "application/wasm"
        origin = "https://app.example"
        r = requests.options(f"{base}/.well-known/est/simpleenroll", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert r.status_code == 204
        assert r.headers["Access-Control-Allow-Origin"] == origin
        assert r.headers["Access-Control-Allow-Credentials"] == "true"
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        r = requests.post(f"{base}/certsrv/certfnsh.asp", headers={"Origin": origin}, data={
            "Mode": "newreq", "CertRequest": make_csr(), "CertAttrib": ""})
        assert r.headers["Access-Control-Allow-Origin"] == origin
        assert re.search(r"certnew.cer\?ReqID=(\d+)&", r.text)
    finally:
        server.stop()


def raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    """GET `target` exactly as given (no client normalises it) on a new plain connection:
    the status and everything the server sent."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0
    return status, answer


def test_static_files_never_leave_dist(tmp_path):
    # tmp/dist is served; tmp/secret.txt, beside it, must never be
    dist = tmp_path / "dist"
    (dist / "sub").mkdir(parents=True)
    (dist / "index.html").write_text("<p>app</p>")
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret beside dist")
    server = DevcaServer(tmp_path / "data", dist=dist)
    try:
        # the raw client reaches files in dist, so a refusal below is the server's
        status, answer = raw_get(server.port, b"/index.html")
        assert status == 200 and answer.endswith(b"<p>app</p>")
        absolute = str(secret).encode()
        for target in [
            b"/../secret.txt",
            b"/" + b"../" * 30 + absolute.lstrip(b"/"),
            b"/%2e%2e/secret.txt",
            b"/%2E%2E/secret.txt",
            b"/.%2e/secret.txt",
            b"/..%2fsecret.txt",
            b"/%2e%2e%2fsecret.txt",
            b"/sub/../../secret.txt",
            b"/sub/%2e%2e/%2e%2e/secret.txt",
            b"/sub%2f..%2f..%2fsecret.txt",
            b"/..%5csecret.txt",
            b"/..\\secret.txt",
            b"/" + absolute,
            b"/%2f" + absolute.lstrip(b"/"),
        ]:
            status, answer = raw_get(server.port, target)
            assert status in (400, 404), (target, answer)
            assert b"the secret" not in answer, target
        assert server.alive()
    finally:
        server.stop()


def test_cors_is_off_by_default(ca):
    r = ca.session().get(f"{ca.url}/certsrv/", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers


def test_hostile_connections_do_not_hurt_the_server(ca):
    import socket
    import ssl

    # not TLS at all
    with socket.create_connection(("127.0.0.1", ca.port), timeout=10) as s:
        s.sendall(os.urandom(2048))
        try:
            s.recv(1024)
        except OSError:
            pass
    ctx = ssl.create_default_context(cafile=str(ca.ca_pem))
    hostile = [
        os.urandom(1024) + b"\r\n\r\n",
        b"GET /certsrv/ HTTP/1.1\r\n" + b"X: " + b"a" * 40000 + b"\r\n\r\n",
        b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"GET /certsrv/certnew.cer?ReqID=%ff%00&Enc=\xff HTTP/1.1\r\n\r\n",
    ]
    for payload in hostile:
        with socket.create_connection(("127.0.0.1", ca.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                s.sendall(payload)
                try:
                    answer = s.recv(4096)
                except OSError:
                    answer = b""
                assert answer == b"" or answer.startswith(b"HTTP/1.1 ")
    assert ca.alive()
    assert ca.client().check_credentials()


def test_curl_with_expect_continue(ca, tmp_path):
    body = tmp_path / "body"
    body.write_bytes(b"Mode=chkpnd&ReqID=1&" + b"x=" + b"y" * 200000)
    proc = subprocess.run(
        ["curl", "-sS", "--cacert", str(ca.ca_pem), "-u", f"{USER}:{PASSWORD}",
         "-H", "Expect: 100-continue", "--data-binary", f"@{body}", "-o", "/dev/null",
         "-w", "%{http_code} %{time_total}", f"{ca.url}/certsrv/certfnsh.asp"],
        capture_output=True, text=True, timeout=60)
    code, seconds = proc.stdout.split()
    assert code == "200"
    assert float(seconds) < 0.9  # answered the 100 instead of letting curl wait a second
