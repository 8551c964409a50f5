"""Kerberos sign-in (HTTP Negotiate, RFC 4559) end to end, with real MIT Kerberos: the tests
start a KDC in a temporary realm on loopback (`kdb5_util`, `kadmin.local`, `krb5kdc` from
Debian's krb5-kdc and krb5-admin-server), make a keytab for devca's `HTTP/localhost`, get the
user's ticket with `kinit` (krb5-user), and enroll with `certreq -submit` against
`devca serve --auth negotiate --keytab FILE` (the realm: tests/krb5_realm.py).

Without those programs the tests are skipped, except under CI=true, where they fail.
devca is $DEVCA_BIN (default target/release/devca), certreq $CERTREQ_BIN.
"""
import http.server
import subprocess
import threading
import time

import pytest
import requests

from devca_server import DevcaServer
from krb5_realm import KRB5_TOOLS, Realm, needs

BOB = ("bob", "b-pass")

INF = """\
[NewRequest]
Subject = "CN={cn}"
KeyLength = 2048
HashAlgorithm = SHA256
"""


@pytest.fixture(scope="module")
def realm(tmp_path_factory):
    needs(*KRB5_TOOLS)
    r = Realm(tmp_path_factory.mktemp("krb5"))
    yield r
    r.stop()


def serve(root, realm, keytab, extra=()):
    """devca over https: Kerberos with `keytab`, Basic for bob; alice may enroll for User."""
    return DevcaServer(root, tls=True, basic_auth=BOB,
                       extra=["--auth", "negotiate", "--keytab", keytab,
                              "--allow", "User=alice", *extra],
                       env={"KRB5_CONFIG": str(realm.conf)})


@pytest.fixture(scope="module")
def ca(tmp_path_factory, realm):
    server = serve(tmp_path_factory.mktemp("devca-krb"), realm, realm.keytab)
    yield server
    server.stop()


def localhost(server):
    """The CA's URL by name (the Kerberos service is HTTP/localhost), not by address."""
    return f"https://localhost:{server.port}/certsrv"


def certreq_env(realm, server, work, ccache):
    env = {k: v for k, v in realm.env.items() if not k.startswith("CERTREQ_")}
    env.update(CERTREQ_STORE=str(work / "store"), KRB5CCNAME=f"FILE:{ccache}")
    if server is not None:
        env["CERTREQ_CA_FILE"] = str(server.ca_pem)
    return env


def submit(certreq, realm, server, work, ccache, *extra, env=None, template="User"):
    e = certreq_env(realm, server, work, ccache)
    e.update(env or {})
    (work / "r.inf").write_text(INF.format(cn="alice.example"))
    new = subprocess.run([str(certreq), "-new", "-q", "r.inf", "r.req"], cwd=work, env=e,
                         capture_output=True, text=True, timeout=120)
    assert new.returncode == 0, new.stderr
    return subprocess.run([str(certreq), "-submit", *extra, "-config", localhost(server),
                           "-attrib", f"CertificateTemplate:{template}", "r.req", "r.cer"],
                          cwd=work, env=e, capture_output=True, text=True, timeout=120)


def record(server, request_id):
    path = server.data / "requests" / f"{int(request_id):08d}.req"
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.mark.parametrize("how", ["when-asked", "-Kerberos"])
def test_cli_enrolls_through_negotiate(certreq, realm, ca, tmp_path, how):
    ccache = tmp_path / "cc"
    got = realm.kinit(ccache)
    assert got.returncode == 0, got.stderr
    extra = ["-Kerberos"] if how == "-Kerberos" else []
    proc = submit(certreq, realm, ca, tmp_path, ccache, *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Certificate retrieved(Issued) Issued" in proc.stdout, proc.stdout
    request_id = proc.stdout.split()[1]
    # the principal alice@TEST.CERTREQ is the requester alice, whom --allow User=alice admits
    assert record(ca, request_id)["requester"] == "alice"
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(ca.ca_pem),
                             str(tmp_path / "r.cer")], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_401_offers_negotiate_and_basic_and_basic_still_signs_in(certreq, realm, ca, tmp_path):
    r = requests.get(f"{ca.certsrv}/", verify=str(ca.ca_pem))
    assert r.status_code == 401
    offered = r.headers["WWW-Authenticate"]
    assert "Negotiate" in offered and 'Basic realm="devca"' in offered, offered
    # Basic credentials given: no Kerberos; bob may not enroll for User
    proc = submit(certreq, realm, ca, tmp_path, tmp_path / "no-cache", template="WebServer",
                  env={"CERTREQ_USER": BOB[0], "CERTREQ_PASSWORD": BOB[1]})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert record(ca, proc.stdout.split()[1])["requester"] == "bob"


def test_wrong_password_at_kinit_means_no_ticket(certreq, realm, ca, tmp_path):
    ccache = tmp_path / "cc"
    got = realm.kinit(ccache, password="not alice's password")
    assert got.returncode != 0 and "Password incorrect" in got.stderr, got.stderr
    proc = submit(certreq, realm, ca, tmp_path, ccache)
    assert proc.returncode != 0
    assert "no Kerberos ticket" in proc.stderr and "kinit" in proc.stderr, proc.stderr
    # this CA takes Basic too (bob), so a password is the other way in
    assert "the CA also takes a password: -username" in proc.stderr, proc.stderr


def test_an_expired_ticket_says_so(certreq, realm, ca, tmp_path):
    ccache = tmp_path / "cc"
    got = realm.kinit(ccache, lifetime="2s")
    assert got.returncode == 0, got.stderr
    time.sleep(4)
    proc = submit(certreq, realm, ca, tmp_path, ccache)
    assert proc.returncode != 0
    assert "Kerberos ticket has expired" in proc.stderr and "kinit" in proc.stderr, proc.stderr


def test_a_server_without_the_key_refuses_clearly_and_stays_up(certreq, realm, tmp_path):
    server = serve(tmp_path / "devca", realm, realm.other_keytab)
    try:
        ccache = tmp_path / "cc"
        assert realm.kinit(ccache).returncode == 0
        proc = submit(certreq, realm, server, tmp_path, ccache)
        assert proc.returncode != 0
        assert "did not accept the Kerberos ticket for HTTP/localhost" in proc.stderr, proc.stderr
        assert "keytab" in proc.stderr, proc.stderr
        assert server.alive()
        assert "Kerberos sign-in refused" in server.log_path.read_text()
        # still answering
        r = requests.get(f"{server.certsrv}/", verify=str(server.ca_pem))
        assert r.status_code == 401
    finally:
        server.stop()


def test_basic_credentials_against_a_kerberos_only_ca_point_to_kinit(certreq, realm, tmp_path):
    server = DevcaServer(tmp_path / "devca", tls=True,
                         extra=["--auth", "negotiate", "--keytab", realm.keytab],
                         env={"KRB5_CONFIG": str(realm.conf)})
    try:
        proc = submit(certreq, realm, server, tmp_path, tmp_path / "no-cache",
                      env={"CERTREQ_USER": "alice", "CERTREQ_PASSWORD": "x"})
        assert proc.returncode != 0
        assert "asks for Kerberos" in proc.stderr and "kinit" in proc.stderr, proc.stderr
    finally:
        server.stop()


def test_devca_refuses_a_missing_keytab(realm, tmp_path):
    from devca_server import devca_bin
    proc = subprocess.run([str(devca_bin()), "serve", "--data", str(tmp_path / "d"),
                           "--listen", "127.0.0.1:0", "--auth", "negotiate",
                           "--keytab", str(tmp_path / "missing.keytab")],
                          capture_output=True, text=True, timeout=60, env=realm.env)
    assert proc.returncode != 0
    assert "cannot read the keytab" in proc.stderr, proc.stderr


class Impostor(http.server.BaseHTTPRequestHandler):
    """Takes any Negotiate token and answers with a mutual-authentication token it made up."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.headers.get("Authorization", "").startswith("Negotiate "):
            self.send_response(401)
            self.send_header("WWW-Authenticate", "Negotiate")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        # a SPNEGO negTokenResp (accept-completed) whose Kerberos AP-REP is garbage
        body = b"<html><body>Certificate Issued</body></html>"
        self.send_response(200)
        self.send_header("WWW-Authenticate", "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_answer_that_does_not_prove_the_server_is_refused(certreq, realm, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Impostor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ccache = tmp_path / "cc"
        assert realm.kinit(ccache).returncode == 0
        e = certreq_env(realm, None, tmp_path, ccache)
        (tmp_path / "r.inf").write_text(INF.format(cn="alice.example"))
        subprocess.run([str(certreq), "-new", "-q", "r.inf", "r.req"], cwd=tmp_path, env=e,
                       check=True, capture_output=True, timeout=120)
        proc = subprocess.run([str(certreq), "-submit", "-config",
                               f"http://localhost:{server.server_address[1]}/certsrv",
                               "r.req", "r.cer"], cwd=tmp_path, env=e, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode != 0
        assert "does not prove it is HTTP/localhost" in proc.stderr, proc.stderr
        assert not (tmp_path / "r.cer").exists()
    finally:
        server.shutdown()
