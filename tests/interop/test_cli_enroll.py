"""`certreq -new → -submit → -retrieve → -accept` end to end against devca, the project's
development CA, over HTTPS with Basic authentication, through both AD CS Web Enrollment and EST.

What comes back is checked by tools nobody on this project wrote: `openssl verify` against the
CA's root, `openssl pkcs12` and Python `cryptography` for the exported PFX.

devca is taken from $DEVCA_BIN (default target/release/devca); without it these tests fail.
"""
import os
import pathlib
import re
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from conftest import ROOT
from devca_server import DevcaServer

USER, PASSWORD = "alice", "s3cret pass"

INF = """\
[Version]
Signature="$Windows NT$"

[NewRequest]
Subject = "CN={cn}, O=Example"
KeyLength = 2048
HashAlgorithm = SHA256
Exportable = {exportable}
FriendlyName = "{cn} web"
"""


class Devca(DevcaServer):
    """devca over https with Basic auth, as `certreq -config` talks to a real CA."""

    def __init__(self, data: pathlib.Path, policy: str):
        super().__init__(data, policy=policy, tls=True, basic_auth=(USER, PASSWORD))

    def admin(self, verb, request_id):
        run = self.cli(verb, request_id, timeout=60)
        assert run.returncode == 0, f"devca {verb} {request_id}: {run.stderr}"


def _ca(tmp_path_factory, policy):
    ca = Devca(tmp_path_factory.mktemp(f"devca-{policy}"), policy)
    yield ca
    ca.stop()


@pytest.fixture(scope="module")
def issuing(tmp_path_factory):
    yield from _ca(tmp_path_factory, "issue")


@pytest.fixture(scope="module")
def holding(tmp_path_factory):
    yield from _ca(tmp_path_factory, "pending")


class Client:
    """certreq with its own store, the CA's root trusted and the credentials in the environment."""

    def __init__(self, certreq, ca, work: pathlib.Path, store_name="store"):
        self.certreq, self.work = certreq, work
        self.store = work / store_name
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
        self.env.update(CERTREQ_STORE=str(self.store), CERTREQ_USER=USER,
                        CERTREQ_PASSWORD=PASSWORD)
        if ca is not None:
            self.env["CERTREQ_CA_FILE"] = str(ca.ca_pem)

    def run(self, *args, check=True, env=None):
        proc = subprocess.run([str(self.certreq), *map(str, args)], capture_output=True,
                              text=True, cwd=self.work, env={**self.env, **(env or {})},
                              timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError(f"certreq {args} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def new(self, cn, exportable=True, name="web", extra=""):
        (self.work / f"{name}.inf").write_text(
            INF.format(cn=cn, exportable="TRUE" if exportable else "FALSE") + extra)
        self.run("-new", "-q", f"{name}.inf", f"{name}.req")
        return self.work / f"{name}.req"

    def entries(self):
        return sorted(p for p in self.store.iterdir()) if self.store.exists() else []

    def meta(self, entry):
        return dict(line.split("=", 1) for line in (entry / "meta").read_text().splitlines()
                    if "=" in line)


def openssl_verify(ca_pem, cert):
    proc = subprocess.run(["openssl", "verify", "-CAfile", str(ca_pem), str(cert)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith(": OK"), proc.stdout


def load_cert(path):
    data = pathlib.Path(path).read_bytes()
    return (x509.load_pem_x509_certificate(data) if data.startswith(b"-----")
            else x509.load_der_x509_certificate(data))


def test_submit_issued_certificate_verifies_and_chain_holds_the_root(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("issued.example")
    proc = c.run("-submit", "-config", issuing.certsrv, "-attrib",
                 "CertificateTemplate:WebServer\\nSAN:dns=issued.example&dns=www.issued.example",
                 "web.req", "web.cer", "web.p7b")
    assert re.match(r'RequestId: (\d+)\nRequestId: "\1"\nCertificate retrieved\(Issued\) Issued\n',
                    proc.stdout), proc.stdout
    openssl_verify(issuing.ca_pem, tmp_path / "web.cer")
    cert = load_cert(tmp_path / "web.cer")
    # certreq encodes RDNs in the reverse of the written order; RFC 4514 prints them reversed
    assert cert.subject.rfc4514_string() == "CN=issued.example,O=Example"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["issued.example", "www.issued.example"]
    # the chain file is a PKCS#7 that holds the certificate and the CA
    chain = pkcs7_certs(tmp_path / "web.p7b")
    assert cert in chain and load_cert(issuing.ca_pem) in chain
    # the request id is remembered with the key
    (entry,) = c.entries()
    meta = c.meta(entry)
    assert meta["request_id"] == proc.stdout.split()[1]
    assert meta["disposition"] == "issued"
    assert meta["ca"] == issuing.certsrv


def pkcs7_certs(path):
    from cryptography.hazmat.primitives.serialization import pkcs7
    data = pathlib.Path(path).read_bytes()
    return (pkcs7.load_pem_pkcs7_certificates(data) if data.startswith(b"-----")
            else pkcs7.load_der_pkcs7_certificates(data))


def test_submit_binary_writes_der(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("binary.example")
    c.run("-submit", "-binary", "-q", "-config", issuing.certsrv, "web.req", "web.cer", "web.p7b")
    assert (tmp_path / "web.cer").read_bytes()[:1] == b"\x30"
    openssl_verify(issuing.ca_pem, tmp_path / "web.cer")
    assert len(pkcs7_certs(tmp_path / "web.p7b")) == 2


def test_pending_then_approved_then_retrieved_and_accepted_with_pfx(certreq, holding, tmp_path):
    c = Client(certreq, holding, tmp_path)
    c.new("pending.example")
    proc = c.run("-submit", "-config", holding.certsrv, "web.req", "web.cer")
    m = re.match(r'RequestId: (\d+)\nRequestId: "\1"\n'
                 r"Certificate request is pending: Taken Under Submission\n", proc.stdout)
    assert m, proc.stdout
    request_id = m.group(1)
    assert not (tmp_path / "web.cer").exists()
    (entry,) = c.entries()
    assert c.meta(entry)["request_id"] == request_id

    # still pending: -retrieve says so and writes nothing
    proc = c.run("-retrieve", "-config", holding.certsrv, request_id, "got.cer")
    assert proc.stdout.endswith("Certificate request is pending: Taken Under Submission\n")
    assert not (tmp_path / "got.cer").exists()

    holding.admin("approve", request_id)
    c.run("-retrieve", "-config", holding.certsrv, request_id, "got.cer", "got.p7b")
    openssl_verify(holding.ca_pem, tmp_path / "got.cer")

    proc = c.run("-accept", "-pfx", "web.pfx", "-p", "pfx pw", "got.p7b")
    cert = load_cert(tmp_path / "got.cer")
    thumb = cert.fingerprint(hashes.SHA1()).hex()
    assert "  Subject: CN=pending.example, O=Example\n" in proc.stdout, proc.stdout
    assert f"  Thumbprint: {thumb}\n" in proc.stdout
    meta = c.meta(entry)
    assert meta["state"] == "issued"
    assert load_cert(entry / "cert.pem") == cert

    # the PFX, read by OpenSSL ...
    info = subprocess.run(["openssl", "pkcs12", "-info", "-nodes", "-passin", "pass:pfx pw",
                           "-in", str(tmp_path / "web.pfx")], capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    assert "BEGIN PRIVATE KEY" in info.stdout and info.stdout.count("BEGIN CERTIFICATE") == 2
    assert "friendlyName: pending.example web" in info.stdout
    # ... and by cryptography: the key is the certificate's
    key, leaf, extra = pkcs12.load_key_and_certificates((tmp_path / "web.pfx").read_bytes(),
                                                        b"pfx pw")
    assert leaf == cert
    assert extra == [load_cert(holding.ca_pem)]
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    assert (key.public_key().public_bytes(serialization.Encoding.DER, pub)
            == cert.public_key().public_bytes(serialization.Encoding.DER, pub))

    # the legacy profile reads back too
    c.run("-accept", "-q", "-pfx", "legacy.pfx", "-legacy", "-p", "x", "got.cer")
    info = subprocess.run(["openssl", "pkcs12", "-info", "-nodes", "-passin", "pass:x", "-in",
                           str(tmp_path / "legacy.pfx")], capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    assert "pbeWithSHA1And3-KeyTripleDES-CBC" in info.stderr + info.stdout


def test_a_bare_certificate_accepted_after_its_p7b_keeps_the_chain(certreq, issuing, tmp_path):
    # the .cer alone, accepted again (for a PFX, say), still finds its issuer: the store keeps
    # the CA certificates it was given, as Windows' stores keep what certreq installed
    c = Client(certreq, issuing, tmp_path)
    c.new("chain.example")
    c.run("-submit", "-q", "-config", issuing.certsrv, "web.req", "web.cer", "web.p7b")
    c.run("-accept", "-q", "web.p7b")
    (entry,) = c.entries()
    ca = load_cert(issuing.ca_pem)
    assert pkcs7_certs(entry / "chain.p7b") == pkcs7_certs(tmp_path / "web.p7b")
    c.run("-accept", "-q", "-pfx", "again.pfx", "-p", "pw", "web.cer")
    assert ca in pkcs7_certs(entry / "chain.p7b")
    assert len(pkcs7_certs(entry / "chain.p7b")) == 2
    _, leaf, extra = pkcs12.load_key_and_certificates((tmp_path / "again.pfx").read_bytes(), b"pw")
    assert leaf == load_cert(tmp_path / "web.cer")
    assert extra == [ca]


@pytest.mark.parametrize("how", ["submit", "retrieve"])
def test_the_bare_certificate_accepted_as_certreq_says_gets_its_chain(certreq, issuing, holding,
                                                                      tmp_path, how):
    # `-submit` (or `-retrieve`) writing the .cer alone, then `-accept` of that .cer, as the
    # pending message says to run: the CA certificates the CA sent are kept with the key, so
    # the stored chain and the PFX hold the issuer
    ca_server = issuing if how == "submit" else holding
    c = Client(certreq, ca_server, tmp_path)
    c.new(f"bare-{how}.example")
    proc = c.run("-submit", "-q", "-config", ca_server.certsrv, "web.req", "web.cer")
    if how == "retrieve":
        request_id = proc.stdout.split()[1]
        ca_server.admin("approve", request_id)
        c.run("-retrieve", "-q", "-config", ca_server.certsrv, request_id, "web.cer")
    c.run("-accept", "-q", "-pfx", "bare.pfx", "-p", "pw", "web.cer")
    (entry,) = c.entries()
    ca = load_cert(ca_server.ca_pem)
    chain = pkcs7_certs(entry / "chain.p7b")
    assert len(chain) == 2 and set(chain) == {load_cert(tmp_path / "web.cer"), ca}, chain
    _, leaf, extra = pkcs12.load_key_and_certificates((tmp_path / "bare.pfx").read_bytes(), b"pw")
    assert leaf == load_cert(tmp_path / "web.cer") and extra == [ca]


def test_denied_by_the_ca_keeps_the_key(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("denied.example")
    proc = c.run("-submit", "-config", issuing.certsrv, "-attrib", "CertificateTemplate:Bogus",
                 "web.req", "web.cer", check=False)
    assert proc.returncode == 1
    assert "certreq: error: the CA denied the request: Denied by Policy Module  0x80094800" \
        in proc.stderr, proc.stderr
    assert "the key stays in the key store" in proc.stderr
    (entry,) = c.entries()
    assert (entry / "key.pk8").exists()
    assert c.meta(entry)["disposition"].startswith("denied: Denied by Policy Module")
    assert not (tmp_path / "web.cer").exists()


def test_denied_after_pending_is_reported_by_retrieve(certreq, holding, tmp_path):
    c = Client(certreq, holding, tmp_path)
    c.new("later-denied.example")
    proc = c.run("-submit", "-config", holding.certsrv, "web.req", "web.cer")
    request_id = proc.stdout.split()[1]
    holding.admin("deny", request_id)
    proc = c.run("-retrieve", "-config", holding.certsrv, request_id, "got.cer", check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"certreq: error: the CA has no certificate for request "
                                  f"{request_id}: "), proc.stderr
    # an id the CA never gave
    proc = c.run("-retrieve", "-config", holding.certsrv, "999999", "got.cer", check=False)
    assert proc.returncode == 1
    assert "The requested property value is empty" in proc.stderr


def test_accept_of_a_certificate_for_another_key_changes_nothing(certreq, issuing, tmp_path):
    mine = Client(certreq, issuing, tmp_path, "store-mine")
    other = Client(certreq, issuing, tmp_path, "store-other")
    mine.new("mine.example", name="mine")
    other.new("other.example", name="other")
    other.run("-submit", "-q", "-config", issuing.certsrv, "other.req", "other.cer")
    (entry,) = mine.entries()
    before = {p.name: p.read_bytes() for p in entry.iterdir()}
    proc = mine.run("-accept", "other.cer", check=False)
    assert proc.returncode == 1
    assert "no key in the key store" in proc.stderr and "nothing was changed" in proc.stderr
    assert {p.name: p.read_bytes() for p in entry.iterdir()} == before


def test_pfx_refused_for_a_key_that_is_not_exportable(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("locked.example", exportable=False)
    c.run("-submit", "-q", "-config", issuing.certsrv, "web.req", "web.cer")
    proc = c.run("-accept", "-pfx", "x.pfx", "-p", "pw", "web.cer", check=False)
    assert proc.returncode == 1
    assert "is not exportable: its INF did not say Exportable = TRUE" in proc.stderr
    assert not (tmp_path / "x.pfx").exists()
    (entry,) = c.entries()
    assert c.meta(entry)["state"] == "pending"


def test_est_enrollment(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("est.example")
    proc = c.run("-submit", "-config", issuing.est, "web.req", "web.cer", "web.p7b")
    assert proc.stdout.startswith("Certificate retrieved(Issued) Issued\n"), proc.stdout
    openssl_verify(issuing.ca_pem, tmp_path / "web.cer")
    # EST's answer holds the certificate alone: the chain file has the CA's from /cacerts too
    ca = x509.load_pem_x509_certificate(issuing.ca_pem.read_bytes())
    leaf = x509.load_pem_x509_certificate((tmp_path / "web.cer").read_bytes())
    assert sorted(c.serial_number for c in pkcs7_certs(tmp_path / "web.p7b")) == \
        sorted([leaf.serial_number, ca.serial_number])
    c.run("-accept", "-q", "web.p7b")
    (entry,) = c.entries()
    assert c.meta(entry)["state"] == "issued"
    assert ca in pkcs7_certs(entry / "chain.p7b")


@pytest.mark.parametrize("via", ["certsrv", "est"])
def test_a_cmc_request_is_issued_and_accepted(certreq, issuing, tmp_path, via):
    from checkers import check_cmc
    c = Client(certreq, issuing, tmp_path)
    req = c.new(f"cmc-{via}.example", extra="RequestType = CMC\n")
    check_cmc(req, tmp_path)
    # AD CS takes the CMC request whole (devca checks its signature too); EST is sent the
    # PKCS#10 inside
    proc = c.run("-submit", "-config", getattr(issuing, via), "web.req", "web.cer", "web.p7b")
    assert "Certificate retrieved(Issued) Issued" in proc.stdout, proc.stdout
    openssl_verify(issuing.ca_pem, tmp_path / "web.cer")
    assert load_cert(tmp_path / "web.cer").subject.rfc4514_string() == f"CN=cmc-{via}.example,O=Example"
    c.run("-accept", "-q", "web.p7b")
    (entry,) = c.entries()
    assert c.meta(entry)["state"] == "issued"


def test_est_pending_says_to_submit_again(certreq, holding, tmp_path):
    c = Client(certreq, holding, tmp_path)
    c.new("est-pending.example")
    proc = c.run("-submit", "-config", holding.est, "web.req", "web.cer")
    assert proc.stdout.startswith("Certificate request is pending: Taken Under Submission"), \
        proc.stdout
    assert "run the same `certreq -submit` again later" in proc.stdout
    (entry,) = c.entries()
    assert c.meta(entry)["disposition"] == "est-pending"


def test_wrong_password_and_untrusted_ca_are_explained(certreq, issuing, tmp_path):
    c = Client(certreq, issuing, tmp_path)
    c.new("auth.example")
    proc = c.run("-submit", "-config", issuing.certsrv, "web.req", check=False,
                 env={"CERTREQ_PASSWORD": "wrong"})
    assert proc.returncode == 1
    assert "the CA refused the credentials (HTTP 401" in proc.stderr, proc.stderr
    untrusted = Client(certreq, None, tmp_path)
    proc = untrusted.run("-submit", "-config", issuing.certsrv, "web.req", check=False)
    assert proc.returncode == 1
    assert "TLS failure talking to" in proc.stderr, proc.stderr
    assert "-cafile FILE or CERTREQ_CA_FILE" in proc.stderr
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_bytes((ROOT / "tests/data/pfx-ca.crt").read_bytes())
    proc = untrusted.run("-submit", "-config", issuing.certsrv, "-cafile", other_ca, "web.req",
                         check=False)
    assert proc.returncode == 1
    assert f"trusted neither by {other_ca} nor by the system roots" in proc.stderr, proc.stderr
