"""devca's TLS client-certificate sign-in (`--client-ca`): who a certificate signs in as.

devca copies the subject from requests, so a certificate's CN says nothing about who holds it:
bob may enroll for CN=alice. A client certificate therefore signs in as whoever devca recorded
as the requester of the certificate, and only when devca issued that very certificate.
Binary: $DEVCA_BIN, default target/release/devca.
"""
import base64
import datetime

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from devca_server import DevcaServer

# requests must verify against devca's own root, whatever the environment says
pytestmark = pytest.mark.usefixtures("no_ca_bundle_override")

ALICE = ("alice", "alice-pw")
BOB = ("bob", "bob-pw")
EST_CT = {"Content-Type": "application/pkcs10"}


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    # the CA is made on first start; then it takes client certificates chaining to it
    DevcaServer(data, tls=True, basic_auth=ALICE).stop()
    s = DevcaServer(data, tls=True, basic_auth=ALICE,
                    extra=["--basic-auth", "{}:{}".format(*BOB), "--client-ca", data / "ca.pem"])
    yield s
    s.stop()


def csr_der(cn: str, key) -> bytes:
    return (x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .sign(key, hashes.SHA256())
            .public_bytes(serialization.Encoding.DER))


def est_enroll(server, cn: str, key, auth) -> x509.Certificate:
    r = requests.post(f"{server.est}/User/simpleenroll", auth=auth, headers=EST_CT,
                      data=base64.encodebytes(csr_der(cn, key)), verify=str(server.ca_pem))
    assert r.status_code == 200, r.text
    (cert,) = pkcs7.load_der_pkcs7_certificates(base64.b64decode(r.content))
    return cert


def web_enroll(server, cn: str, key, auth) -> int:
    pem = x509.load_der_x509_csr(csr_der(cn, key)).public_bytes(serialization.Encoding.PEM)
    r = requests.post(f"{server.certsrv}/certfnsh.asp", auth=auth, verify=str(server.ca_pem),
                      data={"Mode": "newreq", "CertRequest": pem.decode(),
                            "CertAttrib": "CertificateTemplate:User", "TargetStoreFlags": "0",
                            "SaveCert": "yes"})
    assert r.status_code == 200, r.text
    return int(r.text.split("certnew.cer?ReqID=")[1].split("&")[0])


def as_files(tmp_path, name: str, cert: x509.Certificate, key) -> tuple[str, str]:
    pem, key_pem = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return str(pem), str(key_pem)


def fetch(server, req_id: int, cert) -> requests.Response:
    return requests.get(f"{server.certsrv}/certnew.cer", params={"ReqID": req_id, "Enc": "bin"},
                        cert=cert, verify=str(server.ca_pem))


def is_alices_certificate(r: requests.Response, alices: bytes) -> bool:
    return r.status_code == 200 and r.content == alices


def test_a_certificate_signs_in_as_its_requester_not_as_its_cn(server, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    # alice's own request
    alice_id = web_enroll(server, "alice-laptop", key, ALICE)
    alices = requests.get(f"{server.certsrv}/certnew.cer", auth=ALICE, verify=str(server.ca_pem),
                          params={"ReqID": alice_id, "Enc": "bin"}).content
    assert alices[:1] == b"\x30"
    # bob enrolls for CN=alice: the subject is copied from his request
    bobs = est_enroll(server, "alice", key, BOB)
    assert bobs.subject.rfc4514_string() == "CN=alice"
    bob_cert = as_files(tmp_path, "bob", bobs, key)
    # signed in with it, bob is bob: alice's request is not his
    r = fetch(server, alice_id, bob_cert)
    assert not is_alices_certificate(r, alices)
    assert r.status_code in (401, 403) or "0x80070005" in r.text, r.text
    # and he is signed in as bob: his own request is his
    bob_id = web_enroll(server, "bob-laptop", key, BOB)
    r = fetch(server, bob_id, bob_cert)
    assert r.status_code == 200 and r.content[:1] == b"\x30", r.text


def test_a_certificate_devca_did_not_issue_signs_in_nobody(server, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    alice_id = web_enroll(server, "alice-laptop", key, ALICE)
    alices = requests.get(f"{server.certsrv}/certnew.cer", auth=ALICE, verify=str(server.ca_pem),
                          params={"ReqID": alice_id, "Enc": "bin"}).content
    # chains to --client-ca (made with the CA's own key) but is no certificate devca issued
    ca_cert = x509.load_pem_x509_certificate(server.ca_pem.read_bytes())
    ca_key = serialization.load_pem_private_key((server.data / "ca-key.pem").read_bytes(), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    forged = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "alice")]))
              .issuer_name(ca_cert.subject)
              .public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5))
              .not_valid_after(now + datetime.timedelta(days=1))
              .sign(ca_key, hashes.SHA256()))
    r = fetch(server, alice_id, as_files(tmp_path, "forged", forged, key))
    assert not is_alices_certificate(r, alices)
    assert r.status_code == 401, r.text


def test_a_revoked_certificate_signs_in_nobody(server, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    bob_id = web_enroll(server, "bob-laptop", key, BOB)
    bobs = requests.get(f"{server.certsrv}/certnew.cer", auth=BOB, verify=str(server.ca_pem),
                        params={"ReqID": bob_id, "Enc": "bin"}).content
    bob_cert = as_files(tmp_path, "bob", x509.load_der_x509_certificate(bobs), key)
    assert fetch(server, bob_id, bob_cert).content == bobs
    revoked = server.cli("revoke", bob_id, "--reason", "keyCompromise")
    assert revoked.returncode == 0, revoked.stderr
    # AD CS's word for it (IIS answers a revoked client certificate with 403)
    r = fetch(server, bob_id, bob_cert)
    assert r.status_code == 403, r.text
    assert "0x80092010" in r.text and "CRYPT_E_REVOKED" in r.text, r.text


def test_client_certificates_alone_are_refused_at_start(tmp_path):
    # a certificate signs in the user devca issued it to; with no other sign-in nobody could
    # ever get one, so devca says so rather than serve a CA nobody can use
    import subprocess
    from devca_server import devca_bin
    data = tmp_path / "data"
    DevcaServer(data, tls=True).stop()
    proc = subprocess.run([str(devca_bin()), "serve", "--data", str(data), "--tls",
                           "--listen", "127.0.0.1:0", "--client-ca", str(data / "ca.pem")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "give --basic-auth or --auth negotiate too" in proc.stderr, proc.stderr


def test_a_certificate_an_earlier_ca_key_issued_still_signs_in_after_renew_ca(server, tmp_path):
    """`renew-ca` replaces DATA/ca.pem, the --client-ca file here: a certificate the earlier
    key issued still signs in (EST's simplereenroll is how it gets renewed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    bob_id = web_enroll(server, "bob-laptop", key, BOB)
    bobs = requests.get(f"{server.certsrv}/certnew.cer", auth=BOB, verify=str(server.ca_pem),
                        params={"ReqID": bob_id, "Enc": "bin"}).content
    bob_cert = as_files(tmp_path, "bob", x509.load_der_x509_certificate(bobs), key)
    old_root = server.ca_pem.read_bytes()
    server.stop()
    renewed = server.cli("renew-ca")
    assert renewed.returncode == 0, renewed.stderr
    assert server.ca_pem.read_bytes() != old_root
    server.start()
    r = fetch(server, bob_id, bob_cert)
    assert r.status_code == 200 and r.content == bobs, r.text
    # and re-enrolls over EST with it, under the new key
    r = requests.post(f"{server.est}/simplereenroll", headers=EST_CT, cert=bob_cert,
                      data=base64.encodebytes(csr_der("bob-laptop", key)),
                      verify=str(server.ca_pem))
    assert r.status_code == 200, r.text
