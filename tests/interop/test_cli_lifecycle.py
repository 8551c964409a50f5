"""The certificate life cycle end to end: `certreq` makes renewal, on-behalf-of, key-archival,
`-sign`, `-policy` and CA-signed requests, tools nobody on this project wrote check them
(`openssl cms -verify`, `openssl verify`, pyasn1-modules' RFC 5652/6402 types through
checkers.check_cmc and check_pkcs7, Python `cryptography`), and devca takes them, or refuses the
ones AD CS would refuse, in AD CS's words.

devca is taken from $DEVCA_BIN (default target/release/devca) and certreq from $CERTREQ_BIN.
"""
import hashlib
import os
import pathlib
import re
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from checkers import (check_cmc, check_pkcs7, check_request, pem_or_der_to_der,
                      renewal_certificate)
from conftest import corpus_dir
from test_cli_enroll import Client, Devca, load_cert, openssl_verify

OID_ENROLLMENT_AGENT = "1.3.6.1.4.1.311.20.2.1"


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    server = Devca(tmp_path_factory.mktemp("devca-lifecycle"), "issue")
    yield server
    server.stop()


def client(certreq, ca, tmp_path, name="store"):
    return Client(certreq, ca, tmp_path, store_name=name)


def issue(c, ca, name, inf_body, template="WebServer"):
    """A certificate from devca for a new key, accepted into the client's store: its
    thumbprint."""
    (c.work / f"{name}.inf").write_text(inf_body)
    c.run("-new", "-q", f"{name}.inf", f"{name}.req")
    c.run("-submit", "-q", "-config", ca.certsrv, "-attrib", f"CertificateTemplate:{template}",
          f"{name}.req", f"{name}.cer")
    c.run("-accept", "-q", f"{name}.cer")
    der = pem_or_der_to_der((c.work / f"{name}.cer").read_bytes())
    return hashlib.sha1(der).hexdigest()


def submit(c, ca, req, cer, *extra, check=True):
    return c.run("-submit", "-config", ca.certsrv, *extra, req, cer, check=check)


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def write_der(path, der):
    path.write_bytes(der)
    return path


INF = """[NewRequest]
Subject = "CN={cn}, O=Example"
KeyLength = 2048
HashAlgorithm = SHA256
Exportable = TRUE
"""


# --- renewal ----------------------------------------------------------------------------------

def test_pkcs7_renewal_is_signed_by_the_old_key_and_renewed_with_its_subject(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    thumb = issue(c, ca, "old", INF.format(cn="renew.example"))
    old = load_cert(tmp_path / "old.cer")
    (tmp_path / "renew.inf").write_text(
        f"[NewRequest]\nRequestType = PKCS7\nRenewalCert = \"{' '.join(re.findall('..', thumb.upper()))}\"\n"
        "KeyLength = 2048\nHashAlgorithm = SHA256\n")
    proc = c.run("-new", "renew.inf", "renew.req")
    assert "Renews: CN=renew.example, O=Example" in proc.stdout
    checked = check_pkcs7(tmp_path / "renew.req", tmp_path)
    # Microsoft's layout: v1, the old certificate the one certificate, its signer without
    # signed attributes, the renewal attribute holding the whole old certificate
    assert checked.version == 1
    assert checked.certificates == [old]
    assert [(cert, signed) for cert, signed in checked.signers] == [(old, False)]
    assert renewal_certificate(checked) == old
    assert checked.subject == "", "certreq leaves the subject of a renewal empty"
    assert "1.3.6.1.4.1.311.13.1" in checked.attribute_oids
    assert checked.attribute_oids[-1] == "1.3.6.1.4.1.311.13.1", "the renewal attribute sorts last"
    assert "pkcs7-data" in checked.openssl_cms_text
    # devca renews it with the old certificate's subject
    submit(c, ca, "renew.req", "renew.cer")
    openssl_verify(ca.ca_pem, tmp_path / "renew.cer")
    new = load_cert(tmp_path / "renew.cer")
    assert new.subject == old.subject
    assert new.public_key().public_numbers() != old.public_key().public_numbers(), "a new key"


def test_a_renewal_keeps_the_key_with_use_existing_key_set(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    thumb = issue(c, ca, "old", INF.format(cn="keep.example"))
    old = load_cert(tmp_path / "old.cer")
    (tmp_path / "renew.inf").write_text(
        f"[NewRequest]\nRequestType = CMC\nRenewalCert = {thumb}\nUseExistingKeySet = TRUE\n"
        "HashAlgorithm = SHA256\n")
    c.run("-new", "renew.inf", "renew.req")
    checked = check_cmc(tmp_path / "renew.req", tmp_path)
    # CMC renewal: the request key (here the old key) signs, then the old certificate
    assert [kind for kind, _ in checked.signers] == ["key", "cert"]
    assert checked.certificates == [old]
    assert renewal_certificate(checked) == old
    submit(c, ca, "renew.req", "renew.cer")
    new = load_cert(tmp_path / "renew.cer")
    assert new.public_key().public_numbers() == old.public_key().public_numbers(), "the same key"
    assert new.subject == old.subject


def test_tampered_and_foreign_renewals_are_refused(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    thumb = issue(c, ca, "old", INF.format(cn="tamper.example"))
    (tmp_path / "renew.inf").write_text(
        f"[NewRequest]\nRequestType = PKCS7\nRenewalCert = {thumb}\nHashAlgorithm = SHA256\n")
    c.run("-new", "-binary", "renew.inf", "renew.der")
    der = (tmp_path / "renew.der").read_bytes()
    checked = check_pkcs7(tmp_path / "renew.der", tmp_path)
    # a byte of the PKCS#10's subject key changed: the old key's signature fails everywhere
    at = der.index(checked.der) + len(checked.der) // 2
    bad = write_der(tmp_path / "bad.der", flip(der, at))
    with pytest.raises(AssertionError):
        check_pkcs7(bad, tmp_path)
    proc = submit(c, ca, "bad.der", "bad.cer", check=False)
    assert proc.returncode == 1 and "denied" in proc.stderr, proc.stderr
    # a certificate devca did not issue, renewed with its own key: CERT_E_UNTRUSTEDROOT
    (tmp_path / "self.inf").write_text('[NewRequest]\nSubject = "CN=elsewhere"\nRequestType = Cert\n'
                                       'HashAlgorithm = SHA256\n')
    out = c.run("-new", "self.inf", "self.cer").stdout
    foreign = re.search(r"Thumbprint: (\w+)", out).group(1)
    (tmp_path / "foreign.inf").write_text(
        f"[NewRequest]\nRequestType = PKCS7\nRenewalCert = {foreign}\nHashAlgorithm = SHA256\n")
    c.run("-new", "foreign.inf", "foreign.req")
    proc = submit(c, ca, "foreign.req", "foreign.cer", check=False)
    assert proc.returncode == 1
    assert "0x800b0109" in proc.stderr, proc.stderr


# --- on behalf of -----------------------------------------------------------------------------

def agent(c, ca):
    thumb = issue(c, ca, "agent", INF.format(cn="Enrollment Agent"), template="EnrollmentAgent")
    cert = load_cert(c.work / "agent.cer")
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert [o.dotted_string for o in eku] == [OID_ENROLLMENT_AGENT]
    return thumb, cert


@pytest.mark.parametrize("request_type", ["PKCS7", "CMC"])
def test_on_behalf_of_is_signed_by_the_agent_and_issued_for_the_user(certreq, ca, tmp_path, request_type):
    c = client(certreq, ca, tmp_path)
    thumb, agent_cert = agent(c, ca)
    (tmp_path / "eobo.inf").write_text(
        f"[NewRequest]\nRequestType = {request_type}\nRequesterName = CONTOSO\\alice\n"
        "KeyLength = 2048\nHashAlgorithm = SHA256\n[RequestAttributes]\nCertificateTemplate = User\n")
    proc = c.run("-new", "-cert", thumb, "eobo.inf", "eobo.req")
    assert "On behalf of CONTOSO\\alice" in proc.stdout
    if request_type == "PKCS7":
        checked = check_pkcs7(tmp_path / "eobo.req", tmp_path)
        assert checked.version == 1
        assert checked.signers == [(agent_cert, True)], "the agent signs attributes"
        assert checked.requester_name == "CONTOSO\\alice"
        assert "1.3.6.1.4.1.311.13.2.1" in checked.openssl_cms_text
    else:
        checked = check_cmc(tmp_path / "eobo.req", tmp_path)
        assert [kind for kind, _ in checked.signers] == ["key", "cert"]
        assert checked.signers[1][1] == agent_cert
        assert checked.requester_name == "CONTOSO\\alice"
        # Microsoft's order: CMC attributes as body part 3, then regInfo as 2
        assert checked.control_parts == [3, 2]
        assert checked.control_types[1] == "1.3.6.1.5.5.7.7.18"
    # the template name is the first extension, and the name-value pair stays
    assert checked.csr.extensions[0].oid.dotted_string == "1.3.6.1.4.1.311.20.2"
    # EST takes the PKCS #10 alone: the agent's signature would stay behind and the agent get
    # a certificate in alice's name; refused before anything is sent
    before = ca.cli("list").stdout
    for est in (ca.est, ca.est + "/simplereenroll"):  # only a renewal re-enrolls as its PKCS #10
        proc = c.run("-submit", "-config", est, "eobo.req", "est.cer", check=False)
        assert proc.returncode == 1 and "nothing was sent" in proc.stderr, (est, proc.stderr)
        assert "enrollment agent" in proc.stderr and "…/certsrv" in proc.stderr, proc.stderr
    assert ca.cli("list").stdout == before and not (tmp_path / "est.cer").exists()
    submit(c, ca, "eobo.req", "eobo.cer")
    openssl_verify(ca.ca_pem, tmp_path / "eobo.cer")
    issued = load_cert(tmp_path / "eobo.cer")
    assert issued.subject.rfc4514_string() == "CN=alice"


# --- -sign ------------------------------------------------------------------------------------

def test_sign_wraps_a_pkcs10_and_cosigns_a_cmc_request(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    thumb, agent_cert = agent(c, ca)
    c.new("plain.example", name="plain")
    c.run("-sign", "-cert", thumb, "plain.req", "plain-signed.req")
    checked = check_pkcs7(tmp_path / "plain-signed.req", tmp_path)
    assert checked.signers == [(agent_cert, True)]
    assert checked.requester_name is None
    submit(c, ca, "plain-signed.req", "plain.cer")
    # a CMC request: the agent signs beside the request's key; signing again replaces
    (tmp_path / "cmc.inf").write_text(INF.format(cn="cmc.example") + "RequestType = CMC\n")
    c.run("-new", "-q", "cmc.inf", "cmc.req")
    c.run("-sign", "-cert", "Enrollment Agent", "cmc.req", "cmc-signed.req")
    once = check_cmc(tmp_path / "cmc-signed.req", tmp_path)
    assert [kind for kind, _ in once.signers] == ["key", "cert"]
    proc = c.run("-sign", "-f", "-cert", thumb, "cmc-signed.req", "cmc-signed.req")
    assert "made again" in proc.stdout
    again = check_cmc(tmp_path / "cmc-signed.req", tmp_path)
    assert len(again.signers) == 2
    submit(c, ca, "cmc-signed.req", "cmc.cer")
    # a byte of the agent's signature changed
    der = pem_or_der_to_der((tmp_path / "cmc-signed.req").read_bytes())
    bad = write_der(tmp_path / "bad.der", flip(der, len(der) - 10))
    with pytest.raises(AssertionError):
        check_cmc(bad, tmp_path)


# --- -new -cert: a certificate signed by a stored CA (corpus 023 then 024) ----------------------

def corpus_inf(name):
    """A corpus INF without its [Extensions] section: 023 and 024 give 2.5.29.14 and
    2.5.29.35 as bare words, which are no base64 (see tests/corpus/expectations.txt); the
    rest is what certreq -new -cert made the pair from."""
    text = next((corpus_dir() / "inf").glob(f"{name}-*.inf")).read_text()
    return text.split("[Extensions]")[0].split("; The OID")[0]


def test_new_cert_makes_a_certificate_the_stored_ca_signs(certreq, tmp_path, store):
    (tmp_path / "ca.inf").write_text(corpus_inf("023"))
    out = subprocess.run([str(certreq), "-new", "ca.inf", "ca.cer"], cwd=tmp_path,
                         capture_output=True, text=True, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    ca_thumb = re.search(r"Thumbprint: (\w+)", out.stdout).group(1)
    (tmp_path / "leaf.inf").write_text(corpus_inf("024"))
    out = subprocess.run([str(certreq), "-new", "-cert", ca_thumb, "leaf.inf", "leaf.cer"],
                         cwd=tmp_path, capture_output=True, text=True, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    assert "Issuer: CN=AllJoynTestSelfSignedName (-cert)" in out.stdout
    ca_cert, leaf = load_cert(tmp_path / "ca.cer"), load_cert(tmp_path / "leaf.cer")
    assert leaf.issuer == ca_cert.subject
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    # the chain verifies with OpenSSL (the CA is its own root)
    proc = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ca.cer"),
                           str(tmp_path / "leaf.cer")], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip().endswith(": OK"), proc.stdout + proc.stderr
    # the leaf's key signed nothing here: the CA's did
    ca_cert.public_key().verify(leaf.signature, leaf.tbs_certificate_bytes,
                                ec.ECDSA(leaf.signature_hash_algorithm))


# --- -policy ----------------------------------------------------------------------------------

POLICY = """[Version]
Signature = "$Windows NT$"
[BasicConstraintsExtension]
PathLength = 0
Critical = TRUE
[NameConstraintsExtension]
Include = Permitted
[Permitted]
DNS = example.com
[PolicyStatementExtension]
Policies = Internal
[Internal]
OID = 1.3.6.1.4.1.311.21.8.1.1
[RequestAttributes]
CertificateTemplate = SubCA
"""


def test_policy_resigns_a_subordinate_ca_request_with_its_stored_key(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    (tmp_path / "sub.inf").write_text(INF.format(cn="Sub CA") + "[BasicConstraintsExtension]\nCA = TRUE\n")
    c.run("-new", "-q", "sub.inf", "sub.req")
    (tmp_path / "policy.inf").write_text(POLICY)
    proc = c.run("-policy", "sub.req", "policy.inf", "qualified.req", "qualified.p10")
    assert "Signed again with the request's key" in proc.stdout
    checked = check_request(tmp_path / "qualified.req", tmp_path)
    nc = checked.extension("2.5.29.30")
    assert nc.critical and [n.value for n in nc.value.permitted_subtrees] == ["example.com"]
    assert (tmp_path / "qualified.p10").read_bytes() == (tmp_path / "qualified.req").read_bytes()
    submit(c, ca, "qualified.req", "sub.cer")
    openssl_verify(ca.ca_pem, tmp_path / "sub.cer")
    sub = load_cert(tmp_path / "sub.cer")
    bc = sub.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert bc.ca and bc.path_length == 0
    assert sub.extensions.get_extension_for_class(x509.NameConstraints).value.permitted_subtrees
    # with -cert: a CMC request signed by the request's key and the certificate
    thumb = issue(c, ca, "qsub", INF.format(cn="Qualified Subordination"))
    c.run("-policy", "-cert", thumb, "sub.req", "policy.inf", "qualified-cmc.req")
    cmc = check_cmc(tmp_path / "qualified-cmc.req", tmp_path)
    assert [kind for kind, _ in cmc.signers] == ["key", "cert"]
    submit(c, ca, "qualified-cmc.req", "sub2.cer")
    # both outputs or neither: one the other named twice is refused, and a PKCS10FileOut
    # that cannot be written leaves no RequestFileOut behind
    proc = c.run("-policy", "-f", "-cert", thumb, "sub.req", "policy.inf", "twice.req",
                 "./twice.req", check=False)
    assert proc.returncode == 2 and "the same file" in proc.stderr, proc.stderr
    proc = c.run("-policy", "-cert", thumb, "sub.req", "policy.inf", "alone.req",
                 "nodir/alone.p10", check=False)
    assert proc.returncode == 1 and "cannot write nodir/alone.p10" in proc.stderr, proc.stderr
    assert not (tmp_path / "twice.req").exists() and not (tmp_path / "alone.req").exists()


def test_policy_from_another_cas_certificate_null_signs_inside_cmc(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    # another organisation's CA certificate: its key is not ours
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=Partner Root CA", "-keyout", "partner.key", "-out", "partner.pem",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "policy.inf").write_text(POLICY)
    proc = c.run("-policy", "partner.pem", "policy.inf", "cross.req", check=False)
    assert proc.returncode == 1 and "give -cert CertId" in proc.stderr, proc.stderr
    assert not (tmp_path / "cross.req").exists()
    thumb = issue(c, ca, "qsub", INF.format(cn="Cross Signer"))
    proc = c.run("-policy", "-cert", thumb, "partner.pem", "policy.inf", "cross.req")
    assert "null signature" in proc.stdout.lower()
    checked = check_cmc(tmp_path / "cross.req", tmp_path, null_signed_ok=True)
    assert checked.null_signed and [kind for kind, _ in checked.signers] == ["cert"]
    assert checked.subject == "CN=Partner Root CA"
    submit(c, ca, "cross.req", "cross.cer")
    cross = load_cert(tmp_path / "cross.cer")
    partner = load_cert(tmp_path / "partner.pem")
    assert cross.subject == partner.subject
    assert cross.public_key().public_numbers() == partner.public_key().public_numbers()
    openssl_verify(ca.ca_pem, tmp_path / "cross.cer")
    # the partner's key never signed: an end-entity certificate for it is refused, whoever
    # co-signs (a CA template only: a cross or subordinate CA certificate)
    (tmp_path / "leaf.inf").write_text(POLICY.replace("CertificateTemplate = SubCA",
                                                      "CertificateTemplate = WebServer"))
    c.run("-policy", "-cert", thumb, "partner.pem", "leaf.inf", "leaf.req")
    proc = submit(c, ca, "leaf.req", "leaf.cer", check=False)
    assert proc.returncode != 0 and "NTE_BAD_SIGNATURE" in proc.stdout + proc.stderr, proc
    assert not (tmp_path / "leaf.cer").exists()


# --- key archival -----------------------------------------------------------------------------

def blob_modulus(blob: bytes) -> int:
    assert blob[:8] == bytes([7, 2, 0, 0, 0, 0xa4, 0, 0]) and blob[8:12] == b"RSA2"
    bits = int.from_bytes(blob[12:16], "little")
    return int.from_bytes(blob[20:20 + bits // 8], "little")


# User takes an archived key; KeyArchival (the template that archives) requires one
@pytest.mark.parametrize("cipher,oid,template", [
    ("", "1.2.840.113549.3.7", "User"),
    ("EncryptionAlgorithm = AES\n", "2.16.840.1.101.3.4.1.42", "KeyArchival")])
def test_an_archived_key_goes_to_the_ca_and_the_ca_keeps_it(certreq, ca, tmp_path, cipher, oid,
                                                             template):
    c = client(certreq, ca, tmp_path)
    (tmp_path / "arch.inf").write_text(
        INF.format(cn="archived.example") + "RequestType = CMC\nPrivateKeyArchive = TRUE\n" + cipher
        + f"[RequestAttributes]\nCertificateTemplate = {template}\n")
    if cipher:
        # the exchange certificate from a file (here devca's own copy)
        xchg = (ca.data / "ca-xchg.pem").read_bytes()
        (tmp_path / "xchg.cer").write_bytes(xchg)
        proc = c.run("-new", "-xchg", "xchg.cer", "arch.inf", "arch.req")
    else:
        proc = c.run("-new", "-config", ca.certsrv, "arch.inf", "arch.req")
    assert "Key archived" in proc.stdout
    checked = check_cmc(tmp_path / "arch.req", tmp_path)
    assert "1.3.6.1.4.1.311.21.21" in checked.cmc_attribute_types
    assert checked.certificates == []
    # the envelope: OpenSSL opens it with the exchange key; it holds this key's PRIVATEKEYBLOB
    env = write_der(tmp_path / "env.der", checked.archived_key)
    printed = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(env)],
                             capture_output=True, text=True, check=True).stdout
    assert oid in printed or {"1.2.840.113549.3.7": "des-ede3-cbc",
                              "2.16.840.1.101.3.4.1.42": "aes-256-cbc"}[oid] in printed, printed
    subprocess.run(["openssl", "cms", "-decrypt", "-inform", "DER", "-binary", "-in", str(env),
                    "-inkey", str(ca.data / "ca-xchg-key.pem"), "-out", str(tmp_path / "blob")],
                   check=True, capture_output=True)
    (entry,) = c.entries()
    key = serialization.load_der_private_key((entry / "key.pk8").read_bytes(), None)
    assert blob_modulus((tmp_path / "blob").read_bytes()) == key.private_numbers().public_numbers.n
    # devca opens it, checks it is the request's key, issues, and keeps it
    submit(c, ca, "arch.req", "arch.cer")
    kept = ca.data / "archive" / f"{hashlib.sha256(checked.cmc_der).hexdigest()}.pk8"
    assert serialization.load_der_private_key(kept.read_bytes(), None).private_numbers() == \
        key.private_numbers()


def test_an_altered_archived_key_is_refused(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    (tmp_path / "arch.inf").write_text(
        INF.format(cn="altered.example") + "RequestType = CMC\nPrivateKeyArchive = TRUE\n")
    c.run("-new", "-binary", "-config", ca.certsrv, "arch.inf", "arch.der")
    der = (tmp_path / "arch.der").read_bytes()
    checked = check_cmc(tmp_path / "arch.der", tmp_path)
    at = der.index(checked.archived_key) + len(checked.archived_key) - 5
    bad = write_der(tmp_path / "bad.der", flip(der, at))
    with pytest.raises(AssertionError, match="archived key"):
        check_cmc(bad, tmp_path)
    proc = submit(c, ca, "bad.der", "bad.cer", check=False)
    assert proc.returncode == 1 and "denied" in proc.stderr


# --- the CMC full response, and -RenewOnBehalfOf ------------------------------------------------

def test_devca_answers_a_cmc_full_response_certreq_accepts(certreq, ca, tmp_path):
    import base64
    import urllib.request
    import ssl
    from pyasn1.codec.der.decoder import decode
    from pyasn1_modules import rfc5652, rfc6402
    c = client(certreq, ca, tmp_path)
    (tmp_path / "full.inf").write_text(INF.format(cn="full.example") + "RequestType = CMC\n")
    c.run("-new", "-q", "-binary", "full.inf", "full.der")
    body = base64.b64encode((tmp_path / "full.der").read_bytes())
    context = ssl.create_default_context(cafile=str(ca.ca_pem))
    req = urllib.request.Request(f"{ca.est}/fullcmc", data=body, method="POST", headers={
        "Content-Type": "application/pkcs7-mime; smime-type=CMC-request",
        "Authorization": "Basic " + base64.b64encode(b"alice:s3cret pass").decode()})
    with urllib.request.urlopen(req, context=context) as resp:
        assert resp.headers["Content-Type"].startswith("application/pkcs7-mime; smime-type=CMC-response")
        der = base64.b64decode(resp.read())
    (tmp_path / "full.rsp").write_bytes(der)
    ci, _ = decode(der, asn1Spec=rfc5652.ContentInfo())
    sd, _ = decode(ci["content"], asn1Spec=rfc5652.SignedData())
    assert str(sd["encapContentInfo"]["eContentType"]) == "1.3.6.1.5.5.7.12.3"
    pkir, _ = decode(bytes(sd["encapContentInfo"]["eContent"]), asn1Spec=rfc6402.PKIResponse())
    status = pkir["controlSequence"][0]
    assert str(status["attrType"]) == "1.3.6.1.5.5.7.7.1"
    info, _ = decode(status["attrValues"][0], asn1Spec=rfc6402.CMCStatusInfo())
    assert int(info["cMCStatus"]) == 0 and str(info["statusString"]) == "Issued"
    # signed by the CA: OpenSSL verifies it up to devca's root
    proc = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-binary", "-in",
                           str(tmp_path / "full.rsp"), "-CAfile", str(ca.ca_pem), "-out",
                           str(tmp_path / "content")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    c.run("-accept", "full.rsp")
    (entry,) = c.entries()
    assert c.meta(entry)["state"] == "issued"


def test_renew_on_behalf_of_takes_renewals_only(certreq, ca, tmp_path):
    c = client(certreq, ca, tmp_path)
    thumb = issue(c, ca, "old", INF.format(cn="robo.example"))
    (tmp_path / "renew.inf").write_text(
        f"[NewRequest]\nRequestType = PKCS7\nRenewalCert = {thumb}\nHashAlgorithm = SHA256\n")
    c.run("-new", "-q", "renew.inf", "renew.req")
    proc = submit(c, ca, "renew.req", "renew.cer", "-RenewOnBehalfOf")
    assert "RenewOnBehalfOf: renewing CN=robo.example" in proc.stdout
    proc = submit(c, ca, "old.req", "again.cer", "-RenewOnBehalfOf", check=False)
    assert proc.returncode == 1 and "needs a renewal" in proc.stderr
