"""Knowing the CA, end to end: `certreq -templates`, `-cacert`, `-cachain`, `-crl` and the
explanations of denials, against devca (the project's development CA) over HTTPS; CRLs checked
by `openssl crl -verify`, client-certificate sign-in by `requests` and by certreq.

devca is $DEVCA_BIN (default target/release/devca), certreq $CERTREQ_BIN.
"""
import base64
import http.server
import os
import pathlib
import re
import subprocess
import threading

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from devca_server import DevcaServer

ALICE, BOB = ("alice", "a-pass"), ("bob", "b-pass")

INF = """\
[NewRequest]
Subject = "{subject}"
KeyLength = {bits}
HashAlgorithm = SHA256
Exportable = TRUE
"""


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    """devca over https, alice and bob may sign in; only bob may enroll for SubCA."""
    server = DevcaServer(tmp_path_factory.mktemp("knowca"), tls=True, basic_auth=ALICE,
                         extra=["--basic-auth", "{}:{}".format(*BOB), "--allow", "SubCA=bob"])
    yield server
    server.stop()


def run_cli(certreq_bin, ca, *args, user=ALICE, cwd=None, env=None, check=True):
    e = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
    e.update(CERTREQ_STORE=str(pathlib.Path(cwd) / "store"), CERTREQ_CA_FILE=str(ca.ca_pem))
    if user:
        e.update(CERTREQ_USER=user[0], CERTREQ_PASSWORD=user[1])
    e.update(env or {})
    proc = subprocess.run([str(certreq_bin), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"certreq {args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def new_request(certreq_bin, ca, tmp_path, subject="CN=k.example", bits=2048, name="r"):
    (tmp_path / f"{name}.inf").write_text(INF.format(subject=subject, bits=bits))
    run_cli(certreq_bin, ca, "-new", "-q", f"{name}.inf", f"{name}.req", cwd=tmp_path)
    return f"{name}.req"


def openssl(*args):
    proc = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True)
    return proc


# --- templates --------------------------------------------------------------------------------

def test_templates_lists_what_the_user_may_request(certreq, ca, tmp_path):
    out = run_cli(certreq, ca, "-templates", "-config", ca.certsrv, cwd=tmp_path).stdout
    names = [line.split("\t")[0] for line in out.splitlines()]
    assert "WebServer" in names and "User" in names and "StrongKey" in names
    assert "WebServer\tWeb Server" in out.splitlines()
    assert "SubCA" not in names  # alice may not enroll for it
    out = run_cli(certreq, ca, "-templates", "-config", ca.certsrv, user=BOB, cwd=tmp_path).stdout
    assert "SubCA\tSubordinate Certification Authority" in out.splitlines()
    # what public clients read (Metasploit's regex) finds the same names
    page = requests.get(f"{ca.certsrv}/certrqxt.asp", auth=BOB, verify=str(ca.ca_pem)).text
    assert "SubCA" in re.findall(r'(?m)^.*Option Value="[E|O];(.*?);', page)


def test_est_templates_show_the_csr_attributes(certreq, ca, tmp_path):
    out = run_cli(certreq, ca, "-templates", "-config", f"{ca.est}/StrongKey", cwd=tmp_path).stdout
    assert "key: RSA 3072 bits" in out and "signature: sha256RSA" in out


# --- denials, each with its explanation --------------------------------------------------------

@pytest.mark.parametrize("template,subject,bits,code,symbol", [
    ("Bogus", "CN=k.example", 2048, "0x80094800", "CERTSRV_E_UNSUPPORTED_CERT_TYPE"),
    ("SubCA", "CN=sub", 2048, "0x80094012", "CERTSRV_E_TEMPLATE_DENIED"),
    ("SanRequired", "CN=k.example", 2048, "0x80094803", "CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED"),
    ("EmailRequired", "CN=k", 2048, "0x80094812", "CERTSRV_E_SUBJECT_EMAIL_REQUIRED"),
    ("DnsRequired", "CN=k", 2048, "0x8009480f", "CERTSRV_E_SUBJECT_DNS_REQUIRED"),
    ("StrongKey", "CN=k.example", 2048, "0x80094811", "CERTSRV_E_KEY_LENGTH"),
    ("KeyArchival", "CN=k", 2048, "0x80094804", "CERTSRV_E_ARCHIVED_KEY_REQUIRED"),
])
def test_each_denial_shows_its_explanation(certreq, ca, tmp_path, template, subject, bits, code,
                                           symbol):
    req = new_request(certreq, ca, tmp_path, subject, bits)
    proc = run_cli(certreq, ca, "-submit", "-config", ca.certsrv, "-attrib",
                   f"CertificateTemplate:{template}", req, "out.cer", cwd=tmp_path, check=False)
    assert proc.returncode == 1, proc.stdout
    assert f"the CA denied the request: Denied by Policy Module  {code}" in proc.stderr, proc.stderr
    assert symbol in proc.stderr  # the explanation's status line
    assert "what to do:" in proc.stderr
    assert not (tmp_path / "out.cer").exists()


def test_strong_key_is_issued_with_a_large_key(certreq, ca, tmp_path):
    req = new_request(certreq, ca, tmp_path, "CN=strong.example", 3072)
    run_cli(certreq, ca, "-submit", "-config", ca.certsrv, "-attrib",
            "CertificateTemplate:StrongKey", req, "out.cer", cwd=tmp_path)


def test_approval_is_taken_under_submission_and_unknown_ids_are_explained(certreq, ca, tmp_path):
    req = new_request(certreq, ca, tmp_path)
    proc = run_cli(certreq, ca, "-submit", "-config", ca.certsrv, "-attrib",
                   "CertificateTemplate:Approval", req, "out.cer", cwd=tmp_path)
    assert "Certificate request is pending: Taken Under Submission" in proc.stdout
    proc = run_cli(certreq, ca, "-retrieve", "-config", ca.certsrv, "999999", "x.cer",
                   cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)" in proc.stderr, proc.stderr
    assert "Check the request id" in proc.stderr


def test_another_users_request_is_access_denied(certreq, ca, tmp_path):
    req = new_request(certreq, ca, tmp_path)
    proc = run_cli(certreq, ca, "-submit", "-config", ca.certsrv, req, "out.cer", cwd=tmp_path)
    request_id = proc.stdout.split()[1]
    proc = run_cli(certreq, ca, "-retrieve", "-config", ca.certsrv, request_id, "bob.cer",
                   user=BOB, cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)" in proc.stderr, proc.stderr
    assert "the request belongs to someone else" in proc.stderr
    assert not (tmp_path / "bob.cer").exists()


# --- CA certificates, renewals, CRLs -----------------------------------------------------------

def test_ca_certificates_renewals_and_crls(certreq, tmp_path):
    server = DevcaServer(tmp_path / "data", tls=True, basic_auth=ALICE)
    work = tmp_path / "work"
    work.mkdir()
    try:
        first = x509.load_pem_x509_certificate(server.ca_pem.read_bytes())
        run_cli(certreq, server, "-cacert", "-config", server.certsrv, "ca0.cer", cwd=work)
        assert x509.load_pem_x509_certificate((work / "ca0.cer").read_bytes()) == first
        # an issued certificate, revoked: the base CRL lists it, openssl verifies the CRL
        req = new_request(certreq, server, work)
        proc = run_cli(certreq, server, "-submit", "-config", server.certsrv, req, "a.cer",
                       cwd=work)
        first_id = proc.stdout.split()[1]
        serial = format(x509.load_pem_x509_certificate((work / "a.cer").read_bytes())
                        .serial_number, "X")
        assert server.cli("revoke", first_id, "--reason", "keyCompromise").returncode == 0
        listed = {line.split("\t")[0]: line.split("\t")[1:]
                  for line in server.cli("list").stdout.splitlines()}
        # the list says why, as the CRL does
        assert listed[first_id][0] == "revoked", listed
        assert listed[first_id][2] == "revoked: keyCompromise", listed
        out = run_cli(certreq, server, "-crl", "-config", server.certsrv, "base.crl",
                      cwd=work).stdout
        assert serial in out and "keyCompromise" in out
        v = openssl("crl", "-in", work / "base.crl", "-noout", "-verify", "-CAfile",
                    server.ca_pem, "-text")
        assert v.returncode == 0 and "verify OK" in v.stderr + v.stdout, v.stderr
        assert f"Serial Number: {serial}" in v.stdout.replace(" ", " ")
        # a second revocation after the base CRL: the delta CRL lists it, with its indicator
        req = new_request(certreq, server, work, name="r2")
        proc = run_cli(certreq, server, "-submit", "-config", server.certsrv, req, "b.cer",
                       cwd=work)
        second = format(x509.load_pem_x509_certificate((work / "b.cer").read_bytes())
                        .serial_number, "X")
        assert server.cli("revoke", proc.stdout.split()[1]).returncode == 0
        out = run_cli(certreq, server, "-crl", "-delta", "-config", server.certsrv, "delta.crl",
                      cwd=work).stdout
        assert "delta CRL (of base CRL" in out and second in out and serial not in out
        v = openssl("crl", "-in", work / "delta.crl", "-noout", "-verify", "-CAfile",
                    server.ca_pem, "-text")
        assert v.returncode == 0 and "Delta CRL Indicator" in v.stdout, v.stdout + v.stderr
        # the CA is renewed: two certificates; the current one issues, the first stays
        server.stop()
        assert server.cli("renew-ca").returncode == 0
        server.start()
        page = requests.get(f"{server.certsrv}/certcarc.asp", auth=ALICE,
                            verify=str(server.ca_pem)).text
        assert "var nRenewals=1;" in page
        run_cli(certreq, server, "-cacert", "-config", server.certsrv, "ca1.cer", cwd=work)
        run_cli(certreq, server, "-cacert", "-renewal", "0", "-config", server.certsrv,
                "old.cer", cwd=work)
        current = x509.load_pem_x509_certificate((work / "ca1.cer").read_bytes())
        assert current != first and current.subject == first.subject
        assert x509.load_pem_x509_certificate((work / "old.cer").read_bytes()) == first
        # EST's /cacerts carries both (a SET OF, in DER's order): what the old key issued still
        # verifies for a client that takes its trust from there (RFC 7030 §4.1.3)
        r = requests.get(f"{server.est}/cacerts", verify=str(server.ca_pem))
        assert r.status_code == 200, r.text
        from cryptography.hazmat.primitives.serialization import pkcs7
        got = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
        assert sorted(c.serial_number for c in got) == sorted(
            c.serial_number for c in (current, first)), got
        # a renewal the CA does not have: said in -renewal's terms, nothing written
        for verb in ("-cacert", "-cachain", "-crl"):
            proc = run_cli(certreq, server, verb, "-renewal", "5", "-config", server.certsrv,
                           "none.out", cwd=work, check=False)
            assert proc.returncode == 1, proc.stderr
            assert "-renewal 5 may be past the CA's renewals" in proc.stderr, proc.stderr
            assert "request id" not in proc.stderr.lower(), proc.stderr
            assert not (work / "none.out").exists()
        req = new_request(certreq, server, work, name="r3")
        run_cli(certreq, server, "-submit", "-config", server.certsrv, req, "c.cer", "c.p7b",
                cwd=work)
        assert openssl("verify", "-CAfile", work / "ca1.cer", work / "c.cer").returncode == 0
        assert openssl("verify", "-CAfile", work / "old.cer", work / "c.cer").returncode != 0
        run_cli(certreq, server, "-cachain", "-config", server.certsrv, "chain.p7b", cwd=work)
        # the first key's CRL still lists its revocations
        run_cli(certreq, server, "-crl", "-renewal", "0", "-config", server.certsrv, "old.crl",
                cwd=work)
        v = openssl("crl", "-in", work / "old.crl", "-noout", "-verify", "-CAfile",
                    work / "old.cer", "-text")
        assert v.returncode == 0 and serial in v.stdout.replace(":", "")
        # EST hands out the current CA certificate
        run_cli(certreq, server, "-cacert", "-config", server.est, "est.cer", cwd=work)
        assert x509.load_pem_x509_certificate((work / "est.cer").read_bytes()) == current
    finally:
        server.stop()


def test_a_hold_is_released_through_the_delta_crl(certreq, tmp_path):
    """A certificate put on hold is listed certificateHold; `devca unrevoke` releases it, and the
    delta CRL over the base that listed it names it removeFromCRL (RFC 5280 §5.3.1) until the
    next base CRL, which lists it no more. A revocation for another reason is final."""
    server = DevcaServer(tmp_path / "data", tls=True, basic_auth=ALICE)
    work = tmp_path / "work"
    work.mkdir()

    def crl_text(name, *extra):
        run_cli(certreq, server, "-crl", *extra, "-config", server.certsrv, name, cwd=work)
        v = openssl("crl", "-in", work / name, "-noout", "-verify", "-CAfile", server.ca_pem,
                    "-text")
        assert v.returncode == 0 and "verify OK" in v.stderr + v.stdout, v.stderr
        return v.stdout

    def verify(cert, *crls, deltas=True):
        """`openssl verify -crl_check` of `cert` against `crls` (with -use_deltas)."""
        args = ["verify", "-crl_check", "-CAfile", server.ca_pem]
        args += ["-use_deltas"] if deltas else []
        for crl in crls:
            args += ["-CRLfile", work / crl]
        proc = openssl(*args, work / cert)
        return proc.returncode, proc.stdout + proc.stderr

    def entry(text, serial):
        """The reason openssl shows for `serial` in a CRL's text, or None when not listed."""
        m = re.search(rf"Serial Number: 0*{serial}\n(?:.*\n)*?\s+X509v3 CRL Reason Code:\s*\n\s+(.+)",
                      text)
        return m.group(1).strip() if m else None

    try:
        ids, serials = [], []
        for name in ("h", "k"):
            req = new_request(certreq, server, work, name=name)
            proc = run_cli(certreq, server, "-submit", "-config", server.certsrv, req,
                           f"{name}.cer", cwd=work)
            ids.append(proc.stdout.split()[1])
            serials.append(format(x509.load_pem_x509_certificate(
                (work / f"{name}.cer").read_bytes()).serial_number, "X"))
        held, compromised = ids
        assert server.cli("revoke", held, "--reason", "certificateHold").returncode == 0
        assert server.cli("revoke", compromised, "--reason", "keyCompromise").returncode == 0
        base = crl_text("base.crl")
        assert entry(base, serials[0]) == "Certificate Hold", base
        assert entry(base, serials[1]) == "Key Compromise", base
        # released: valid again, listed as such
        done = server.cli("unrevoke", held)
        assert done.returncode == 0 and "released" in done.stdout, done.stderr
        listed = dict(line.split("\t")[:2] for line in server.cli("list").stdout.splitlines())
        assert listed[held] == "issued" and listed[compromised] == "revoked", listed
        said = run_cli(certreq, server, "-crl", "-delta", "-config", server.certsrv,
                       "said.crl", cwd=work).stdout
        # the released hold is counted as released, not as revoked
        assert "0 revoked, 1 released (removeFromCRL)" in said, said
        delta = crl_text("delta.crl", "-delta")
        assert "Delta CRL Indicator" in delta, delta
        assert entry(delta, serials[0]) == "Remove From CRL", delta
        assert entry(delta, serials[1]) is None, delta
        # the base names where its deltas are (Freshest CRL), so OpenSSL applies the delta: the
        # released hold verifies with the two, not with the base alone
        assert "Freshest CRL" in base and "certcrl.crl?Type=delta&Renewal=0" in base, base
        assert verify("h.cer", "base.crl", "delta.crl")[0] == 0, verify("h.cer", "base.crl",
                                                                           "delta.crl")
        code, said = verify("h.cer", "base.crl", "delta.crl", deltas=False)
        assert code != 0 and "revoked" in said, said
        code, said = verify("k.cer", "base.crl", "delta.crl")
        assert code != 0 and "revoked" in said, said
        # a revocation that is not a hold stays; a certificate not revoked has nothing to release
        for rid, why in ((compromised, "only a hold"), (held, "not revoked")):
            proc = server.cli("unrevoke", rid)
            assert proc.returncode != 0 and why in proc.stderr, proc.stderr
        # the next base CRL lists the compromised certificate only
        base = crl_text("base2.crl")
        assert entry(base, serials[0]) is None and serials[0] not in base.replace(":", ""), base
        assert entry(base, serials[1]) == "Key Compromise", base
        # held again and listed so, released, then revoked for good before the next base CRL:
        # the delta says so (base and delta together never leave the hold standing)
        assert server.cli("revoke", held, "--reason", "certificateHold").returncode == 0
        assert entry(crl_text("base3.crl"), serials[0]) == "Certificate Hold"
        assert server.cli("unrevoke", held).returncode == 0
        assert server.cli("revoke", held, "--reason", "keyCompromise").returncode == 0
        delta = crl_text("delta2.crl", "-delta")
        assert entry(delta, serials[0]) == "Key Compromise", delta
        # a hold made final with another reason, without a release, as certutil -revoke allows;
        # the delta over the base that listed the hold gives the new reason
        req = new_request(certreq, server, work, name="f")
        proc = run_cli(certreq, server, "-submit", "-config", server.certsrv, req, "f.cer",
                       cwd=work)
        final = proc.stdout.split()[1]
        serial = format(x509.load_pem_x509_certificate(
            (work / "f.cer").read_bytes()).serial_number, "X")
        assert server.cli("revoke", final, "--reason", "certificateHold").returncode == 0
        proc = server.cli("revoke", final, "--reason", "certificateHold")
        assert proc.returncode != 0 and "already on hold" in proc.stderr, proc.stderr
        assert entry(crl_text("base4.crl"), serial) == "Certificate Hold"
        assert server.cli("revoke", final, "--reason", "keyCompromise").returncode == 0
        proc = server.cli("revoke", final, "--reason", "superseded")
        assert proc.returncode != 0 and "already revoked (reason 1)" in proc.stderr, proc.stderr
        assert entry(crl_text("delta3.crl", "-delta"), serial) == "Key Compromise"
        code, said = verify("f.cer", "base4.crl", "delta3.crl")
        assert code != 0 and "revoked" in said, said
    finally:
        server.stop()


# --- bad answers: a clear message, nothing written ---------------------------------------------

class Stub(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):
        path = self.path.split("?")[0]
        status, headers, body = self.routes.get(path, (404, {}, b"nothing here"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/certsrv"
    server.shutdown()


def test_bad_answers_are_refused_and_nothing_is_written(certreq, stub, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stub CA")])
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    html = {"Content-Type": "text/html"}
    Stub.routes = {
        "/certsrv/certcarc.asp": (200, html, b"<script>var nRenewals=0;</script>"),
        "/certsrv/certnew.cer": (200, {"Content-Type": "application/pkix-cert"},
                                 cert.public_bytes(serialization.Encoding.DER)),
        "/certsrv/certcrl.crl": (200, {"Content-Type": "application/pkix-crl"},
                                 b"\x30\x03\x02\x01\x00"),
        "/certsrv/certrqxt.asp": (200, html, b"<html><title>Choose</title><p>no list</p></html>"),
        "/certsrv/certfnsh.asp": (401, {"WWW-Authenticate": 'Bearer realm="x"', **html}, b"no"),
    }
    (tmp_path / "r.inf").write_text(INF.format(subject="CN=s", bits=2048))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
    env["CERTREQ_STORE"] = str(tmp_path / "store")

    def run(*args):
        return subprocess.run([str(certreq), *args], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=60)

    proc = run("-crl", "-config", stub, "x.crl")
    assert proc.returncode == 1 and "is not a CRL that parses" in proc.stderr, proc.stderr
    assert "nothing was written" in proc.stderr and not (tmp_path / "x.crl").exists()
    proc = run("-templates", "-config", stub)
    assert proc.returncode == 1
    assert 'the page "Choose" has no list of certificate templates' in proc.stderr, proc.stderr
    Stub.routes["/certsrv/certrqxt.asp"] = (200, html, b"<select name=lbCertTemplate></select>")
    proc = run("-templates", "-config", stub)
    assert proc.returncode == 1 and "offers you no certificate templates" in proc.stderr
    assert run("-new", "-q", "r.inf", "r.req").returncode == 0
    proc = run("-submit", "-config", stub, "r.req", "r.cer")
    assert proc.returncode == 1
    assert "offers only bearer, which certreq does not speak" in proc.stderr, proc.stderr
    assert not (tmp_path / "r.cer").exists()


def test_est_cacert_is_the_issuing_ca_of_a_chain_whatever_its_order(certreq, stub, tmp_path):
    import datetime
    from cryptography.hazmat.primitives.serialization import pkcs7
    now = datetime.datetime.now(datetime.timezone.utc)

    def ca(cn, key, issuer=None, issuer_key=None, padding=0, is_ca=True):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        b = (x509.CertificateBuilder().subject_name(name)
             .issuer_name(issuer.subject if issuer else name).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now)
             .not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
        if padding:
            # a longer certificate: its DER sorts after the root's in a SET OF
            b = b.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("x" * padding + ".example")]), critical=False)
        return b.sign(issuer_key or key, hashes.SHA256())

    root_key, sub_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = ca("EST Root", root_key)
    sub = ca("EST Issuing CA", sub_key, root, root_key, padding=200)
    der = lambda c: c.public_bytes(serialization.Encoding.DER)
    assert der(root) < der(sub), "the root comes first in DER order"
    # and an RA's certificate the issuing CA issued, as some EST servers add
    ra = ca("EST RA", ec.generate_private_key(ec.SECP256R1()), sub, sub_key, is_ca=False)
    p7 = pkcs7.serialize_certificates([root, sub, ra], serialization.Encoding.DER)
    import base64
    Stub.routes = {"/.well-known/est/cacerts": (
        200, {"Content-Type": "application/pkcs7-mime"}, base64.encodebytes(p7))}
    est = stub.replace("/certsrv", "/.well-known/est")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
    proc = subprocess.run([str(certreq), "-cacert", "-config", est, "ca.cer"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert x509.load_pem_x509_certificate((tmp_path / "ca.cer").read_bytes()) == sub
    # the whole set with -cachain
    proc = subprocess.run([str(certreq), "-cachain", "-config", est, "chain.p7b"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    got = pkcs7.load_pem_pkcs7_certificates((tmp_path / "chain.p7b").read_bytes())
    assert set(got) == {root, sub, ra}


def test_est_re_enrollment_is_posted_where_the_config_url_names_it(certreq, tmp_path):
    posted = []

    class Est(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            posted.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = b"not this time"
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Est)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    est = f"http://127.0.0.1:{server.server_address[1]}/.well-known/est/Web"
    (tmp_path / "r.inf").write_text(INF.format(subject="CN=re.example", bits=2048))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}
    env["CERTREQ_STORE"] = str(tmp_path / "store")

    def run(*args):
        return subprocess.run([str(certreq), *args], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=60)
    try:
        assert run("-new", "-q", "r.inf", "r.req").returncode == 0
        for config, op in [(est, "simpleenroll"), (est + "/simplereenroll", "simplereenroll"),
                           (est + "/simpleenroll/", "simpleenroll")]:
            proc = run("-submit", "-config", config, "r.req", "r.cer")
            assert proc.returncode != 0 and "not this time" in proc.stderr, proc.stderr
            assert posted[-1] == f"/.well-known/est/Web/{op}", (config, posted)
    finally:
        server.shutdown()


class DigestStub(http.server.BaseHTTPRequestHandler):
    """An EST server that takes only HTTP Digest (RFC 7616), as libest's digest mode does: it
    checks the answer with hashlib, and hands out /cacerts once it is right."""
    realm, nonce, opaque = "estrealm", "b7e3a1f09c", "0pq"
    user, password = "estuser", "est pass"
    algorithms = ("SHA-256", "MD5")
    body = b""
    seen = []

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        self.seen.append(auth.split(" ", 1)[0])
        if auth.startswith("Digest ") and self.valid(auth[7:]):
            self.send_response(200)
            self.send_header("Content-Type", "application/pkcs7-mime")
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            self.wfile.write(self.body)
            return
        self.send_response(401)
        for alg in self.algorithms:
            self.send_header("WWW-Authenticate",
                             f'Digest realm="{self.realm}", qop="auth", algorithm={alg}, '
                             f'nonce="{self.nonce}", opaque="{self.opaque}"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def valid(self, params):
        import hashlib
        p = dict((k.strip(), v.strip().strip('"'))
                 for k, v in (part.split("=", 1) for part in re.split(r",\s*(?=\w+=)", params)))
        h = {"SHA-256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
             "MD5": lambda s: hashlib.md5(s.encode()).hexdigest()}[p["algorithm"]]
        ha1 = h(f"{self.user}:{self.realm}:{self.password}")
        ha2 = h(f"GET:{self.path}")
        want = h(f"{ha1}:{self.nonce}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}")
        return (p["response"] == want and p["uri"] == self.path and p["username"] == self.user
                and p.get("opaque") == self.opaque and p["algorithm"] == "SHA-256")

    def log_message(self, *args):
        pass


def test_est_with_digest_sign_in(certreq, tmp_path):
    import base64
    import datetime
    from cryptography.hazmat.primitives.serialization import pkcs7
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Digest CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    DigestStub.body = base64.encodebytes(
        pkcs7.serialize_certificates([cert], serialization.Encoding.DER))
    DigestStub.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DigestStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    est = f"http://127.0.0.1:{server.server_address[1]}/.well-known/est"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTREQ_")}

    def cacert(password):
        return subprocess.run([str(certreq), "-cacert", "-config", est, "-username",
                               DigestStub.user, "-p", password, "ca.cer"],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    try:
        proc = cacert(DigestStub.password)
        assert proc.returncode == 0, proc.stderr
        assert x509.load_pem_x509_certificate((tmp_path / "ca.cer").read_bytes()) == cert
        # Basic first (sent before any challenge), then the SHA-256 Digest answer
        assert DigestStub.seen == ["Basic", "Digest"], DigestStub.seen
        # a wrong password: refused, said as the credentials, nothing written
        (tmp_path / "ca.cer").unlink()
        proc = cacert("wrong")
        assert proc.returncode == 1
        assert "refused the credentials" in proc.stderr, proc.stderr
        assert not (tmp_path / "ca.cer").exists()
        # a Digest this client does not answer: said so, not blamed on the password
        DigestStub.algorithms = ("SHA-512-256",)
        proc = cacert(DigestStub.password)
        assert proc.returncode == 1
        assert "asks for HTTP Digest in a form certreq does not answer" in proc.stderr, proc.stderr
        assert "refused the credentials" not in proc.stderr
    finally:
        DigestStub.algorithms = ("SHA-256", "MD5")
        server.shutdown()


# --- TLS client certificates -------------------------------------------------------------------

def test_client_certificate_sign_in(certreq, tmp_path, monkeypatch):
    # the CA is made on first start; then it also takes client certificates it issued
    DevcaServer(tmp_path / "data", tls=True, basic_auth=ALICE).stop()
    work = tmp_path / "work"
    work.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "carol")]))
           .sign(key, hashes.SHA256()))
    server = DevcaServer(tmp_path / "data", tls=True, basic_auth=ALICE,
                         extra=["--client-ca", tmp_path / "data" / "ca.pem"])
    try:
        import base64
        body = base64.encodebytes(csr.public_bytes(serialization.Encoding.DER))
        ct = {"Content-Type": "application/pkcs10"}
        r = requests.post(f"{server.est}/User/simpleenroll", auth=ALICE, data=body, headers=ct,
                          verify=str(server.ca_pem))
        assert r.status_code == 200, r.text
        from cryptography.hazmat.primitives.serialization import pkcs7
        (leaf,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
        (work / "carol.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        (work / "carol.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        client_cert = (str(work / "carol.pem"), str(work / "carol.key"))
        # without credentials: 401; with the client certificate: re-enrolled, same subject
        r = requests.post(f"{server.est}/simplereenroll", data=body, headers=ct,
                          verify=str(server.ca_pem))
        assert r.status_code == 401
        r = requests.post(f"{server.est}/simplereenroll", data=body, headers=ct,
                          verify=str(server.ca_pem), cert=client_cert)
        assert r.status_code == 200, r.text
        # at the default label, renewed under the template it was issued with (User: client
        # authentication, so it still signs carol in), not the default WebServer
        (renewed,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
        eku = renewed.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(eku) == list(leaf.extensions.get_extension_for_class(
            x509.ExtendedKeyUsage).value), eku
        assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in eku
        # the template it was issued under, whatever the CA says of it now: when User is no
        # longer its holder's to ask for, the re-enrollment is refused (0x80094012), never
        # issued as a WebServer certificate instead
        server.stop()
        server.options["extra"] += ["--allow", "User=nobody"]
        server.start()
        r = requests.post(f"{server.est}/simplereenroll", data=body, headers=ct,
                          verify=str(server.ca_pem), cert=client_cert)
        assert r.status_code == 403 and "0x80094012" in r.text, r.text
        server.stop()
        server.options["extra"] = server.options["extra"][:-2]
        server.start()
        # another subject may not re-enroll on carol's certificate
        other = (x509.CertificateSigningRequestBuilder()
                 .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mallory")]))
                 .sign(key, hashes.SHA256()))
        r = requests.post(f"{server.est}/simplereenroll", headers=ct, verify=str(server.ca_pem),
                          data=base64.encodebytes(other.public_bytes(serialization.Encoding.DER)),
                          cert=client_cert)
        assert r.status_code == 403
        # nor may the same subject bring other names (RFC 7030 §4.2.2: the subjectAltName
        # too must be the certificate's)
        wider = (x509.CertificateSigningRequestBuilder()
                 .subject_name(csr.subject)
                 .add_extension(x509.SubjectAlternativeName([x509.DNSName("www.bank.example")]),
                                critical=False)
                 .sign(key, hashes.SHA256()))
        r = requests.post(f"{server.est}/simplereenroll", headers=ct, verify=str(server.ca_pem),
                          data=base64.encodebytes(wider.public_bytes(serialization.Encoding.DER)),
                          cert=client_cert)
        assert r.status_code == 403 and "subject alternative names" in r.text, r.text
        # certreq signs in with the certificate from a PFX, no password given
        pfx = pkcs12.serialize_key_and_certificates(b"carol", key, leaf, None,
                                                    serialization.BestAvailableEncryption(b"pw"))
        (work / "carol.pfx").write_bytes(pfx)
        req = new_request(certreq, server, work, "CN=with-cert.example")
        proc = run_cli(certreq, server, "-submit", "-config", server.est, "-ClientCertificate",
                       "carol.pfx", req, "out.cer", user=None, cwd=work,
                       env={"CERTREQ_PFX_PASSWORD": "pw"})
        assert "Certificate retrieved(Issued) Issued" in proc.stdout
        # without it, the CA's 401 is explained
        proc = run_cli(certreq, server, "-submit", "-config", server.est, req, "out2.cer",
                       user=None, cwd=work, check=False)
        assert proc.returncode == 1 and "-username UserName and -p" in proc.stderr, proc.stderr
        # the PyPI certsrv client's client-certificate sign-in (auth_method="cert") enrolls
        # through Web Enrollment too (requests lets these override the client's cafile)
        import certsrv
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)
        client = certsrv.Certsrv(server.host, *client_cert, auth_method="cert",
                                 cafile=str(server.ca_pem))
        web_csr = (x509.CertificateSigningRequestBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                               "web.example")]))
                   .sign(key, hashes.SHA256()))
        issued = x509.load_pem_x509_certificate(client.get_cert(
            web_csr.public_bytes(serialization.Encoding.PEM), "WebServer"))
        assert issued.public_key().public_numbers() == key.public_key().public_numbers()
        with pytest.raises(requests.HTTPError) as refused:
            certsrv.Certsrv(server.host, "nobody", "wrong", cafile=str(server.ca_pem)).get_cert(
                web_csr.public_bytes(serialization.Encoding.PEM), "WebServer")
        assert refused.value.response.status_code == 401
    finally:
        server.stop()
