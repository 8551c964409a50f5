"""devca's HTTP/1.1 server under pressure: slow and oversized clients, many at once, chunked and
`Expect: 100-continue` bodies from curl, and framing that smuggles a second request.

All over https with Basic auth, as the certsrv client (written against real AD CS) uses devca;
raw TLS sockets where a client library would tidy up what is sent. Every test is bounded in
time (pytest-timeout), and traffic goes to 127.0.0.1 only.
"""
import base64
import concurrent.futures
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

import certsrv
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devca_server import DevcaServer

# requests must verify against devca's own root, whatever the environment says
pytestmark = pytest.mark.usefixtures("no_ca_bundle_override")

USER, PASSWORD = "alice", "s3cret"
AUTH = b"Authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()) + b"\r\n"
# devca's limits (devca/src/net.rs, devca/src/http.rs)
HEADER_TIMEOUT = 10
LINGER = 2

_KEY = ec.generate_private_key(ec.SECP256R1())




@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    server = DevcaServer(tmp_path_factory.mktemp("devca-http"), tls=True,
                         basic_auth=(USER, PASSWORD))
    yield server
    server.stop()


def client(ca) -> certsrv.Certsrv:
    return certsrv.Certsrv(ca.host, USER, PASSWORD, cafile=str(ca.ca_pem))


def make_csr(cn: str) -> str:
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(_KEY, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def subject_of(pem: bytes) -> str:
    return x509.load_pem_x509_certificate(pem).subject.rfc4514_string()


def tls_connect(ca, timeout=10) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", ca.port), timeout=timeout)
    context = ssl.create_default_context(cafile=str(ca.ca_pem))
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def read_until_closed(s: ssl.SSLSocket) -> bytes:
    answer = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, ssl.SSLEOFError):
            return answer
        if not chunk:
            return answer
        answer += chunk


def exchange(ca, payload: bytes) -> bytes:
    """Sends `payload` as is on a new TLS connection; all the server sends until it closes."""
    with tls_connect(ca) as s:
        s.sendall(payload)
        return read_until_closed(s)


def statuses(answer: bytes) -> list[bytes]:
    return re.findall(rb"^HTTP/1\.1 (\d{3}) ", answer, re.M)


# --- slow clients -------------------------------------------------------------------------------

@pytest.mark.timeout(90)
def test_twenty_slow_clients_do_not_stop_an_enrollment(ca):
    """20 clients each send one byte of a request head a second; a normal client enrolls in
    a few seconds meanwhile, and the server ends each slow connection after its header
    timeout instead of letting it hold on."""
    slow = [tls_connect(ca) for _ in range(20)]
    head = b"GET /certsrv/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    stop = threading.Event()
    started = time.monotonic()

    def trickle():
        for i in range(len(head)):
            for s in slow:
                try:
                    s.sendall(head[i:i + 1])
                except OSError:
                    pass  # closed by the server: that is the point
            if stop.wait(1):
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        time.sleep(2)  # all 20 are mid-head now
        t0 = time.monotonic()
        pem = client(ca).get_cert(make_csr("busy.example"), "WebServer")
        took = time.monotonic() - t0
        assert subject_of(pem) == "CN=busy.example"
        assert took < 3, f"the enrollment took {took:.1f} s next to 20 slow clients"
        # after the header timeout (and the lingering close) each slow connection is gone
        time.sleep(max(0.0, started + HEADER_TIMEOUT + LINGER + 2 - time.monotonic()))
        still_open = 0
        for s in slow:
            s.settimeout(0.5)
            try:
                read_until_closed(s)
            except (socket.timeout, TimeoutError):
                still_open += 1
        assert still_open == 0, (f"{still_open} of 20 slow clients still connected "
                                 f"{time.monotonic() - started:.0f} s after they started")
    finally:
        stop.set()
        sender.join()
        for s in slow:
            s.close()
    assert ca.alive()


# --- oversized heads ----------------------------------------------------------------------------

@pytest.mark.timeout(60)
@pytest.mark.parametrize("what", ["10000 headers", "a 1 MiB header"])
def test_oversized_heads_get_431_and_the_server_stays_up(ca, what):
    head = b"GET /certsrv/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
    if what == "10000 headers":
        head += b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
    else:
        head += b"X-Big: " + b"a" * (1024 * 1024) + b"\r\n"
    answer = exchange(ca, head + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer[:200]
    assert ca.alive()
    pem = client(ca).get_cert(make_csr("after-431.example"), "WebServer")
    assert subject_of(pem) == "CN=after-431.example"


# --- bodies -------------------------------------------------------------------------------------

def curl(ca, *args, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "-sS", "-v", "--cacert", str(ca.ca_pem), "-u", f"{USER}:{PASSWORD}", *args],
        capture_output=True, text=True, timeout=timeout)


def newreq_form(path, cn: str):
    form = urllib.parse.urlencode({
        "Mode": "newreq", "CertRequest": make_csr(cn),
        "CertAttrib": "CertificateTemplate:WebServer", "TargetStoreFlags": "0",
        "SaveCert": "yes"})
    path.write_text(form)
    return path


@pytest.mark.timeout(60)
def test_curl_chunked_submission(ca, tmp_path):
    form = newreq_form(tmp_path / "form", "chunked.example")
    page = tmp_path / "page.html"
    proc = curl(ca, "-H", "Transfer-Encoding: chunked",
                "-H", "Content-Type: application/x-www-form-urlencoded",
                "--data-binary", f"@{form}", "-o", str(page), "-w", "%{http_code}",
                f"{ca.origin}/certsrv/certfnsh.asp")
    assert proc.stdout == "200", proc.stderr
    # what curl sent really was chunked
    sent = [line for line in proc.stderr.splitlines() if line.startswith("> ")]
    assert "> Transfer-Encoding: chunked" in sent
    assert not any(line.lower().startswith("> content-length") for line in sent)
    req_id = re.search(r"certnew\.cer\?ReqID=(\d+)&", page.read_text()).group(1)
    assert subject_of(client(ca).get_existing_cert(req_id)) == "CN=chunked.example"


@pytest.mark.timeout(60)
def test_curl_chunked_with_expect_100_continue(ca, tmp_path):
    form = newreq_form(tmp_path / "form", "continue.example")
    page = tmp_path / "page.html"
    proc = curl(ca, "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue",
                "-H", "Content-Type: application/x-www-form-urlencoded",
                "--data-binary", f"@{form}", "-o", str(page),
                "-w", "%{http_code} %{time_total}", f"{ca.origin}/certsrv/certfnsh.asp")
    code, seconds = proc.stdout.split()
    assert code == "200", proc.stderr
    assert "< HTTP/1.1 100 Continue" in proc.stderr.splitlines()
    assert float(seconds) < 0.9  # answered the 100 instead of letting curl wait a second
    assert re.search(r"certnew\.cer\?ReqID=(\d+)&", page.read_text())


@pytest.mark.timeout(60)
def test_content_length_with_transfer_encoding_is_refused(ca):
    """A request framed both ways (how request smuggling starts) gets 400, and the request
    hidden behind it is never answered."""
    smuggled = (b"GET /certsrv/certnew.cer?ReqID=CACert&Renewal=0&Enc=b64 HTTP/1.1\r\n"
                b"Host: 127.0.0.1\r\n" + AUTH + b"\r\n")
    for order in ("CL first", "TE first"):
        lines = [b"Content-Length: 5", b"Transfer-Encoding: chunked"]
        if order == "TE first":
            lines.reverse()
        answer = exchange(ca, b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + AUTH + b"\r\n".join(lines) + b"\r\n\r\n0\r\n\r\n" + smuggled)
        assert statuses(answer) == [b"400"], (order, answer)
        assert b"CERTIFICATE" not in answer
    assert ca.alive() and client(ca).check_credentials()


# --- keep-alive and many clients ----------------------------------------------------------------

@pytest.mark.timeout(60)
def test_keep_alive_answers_several_requests_on_one_connection(ca):
    get = b"GET /certsrv/certcarc.asp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + b"\r\n"
    with tls_connect(ca) as s:
        for _ in range(3):
            s.sendall(get)
            answer = b""
            while b"var nRenewals=0;" not in answer:
                chunk = s.recv(65536)
                assert chunk, "the server closed a kept-alive connection"
                answer += chunk
            assert statuses(answer) == [b"200"]
            assert b"\r\nConnection: keep-alive\r\n" in answer


@pytest.mark.timeout(120)
def test_forty_clients_enroll_at_once(ca):
    names = [f"c{i}.example" for i in range(40)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        pems = list(pool.map(lambda n: client(ca).get_cert(make_csr(n), "WebServer"), names))
    certs = [x509.load_pem_x509_certificate(p) for p in pems]
    assert [c.subject.rfc4514_string() for c in certs] == [f"CN={n}" for n in names]
    assert len({c.serial_number for c in certs}) == 40


# --- pipelining and malformed forms -------------------------------------------------------------

@pytest.mark.timeout(60)
def test_pipelined_requests_are_answered_in_order(ca):
    """Four requests sent in one write before any answer is read: a page, a submission, the
    issued certificate of an earlier request, and a page that closes the connection."""
    req_id = int(re.search(r"certnew\.cer\?ReqID=(\d+)&",
                           submit_page(ca, make_csr("pipe0.example"))).group(1))
    form = urllib.parse.urlencode({
        "Mode": "newreq", "CertRequest": make_csr("pipe1.example"),
        "CertAttrib": "CertificateTemplate:WebServer", "TargetStoreFlags": "0",
        "SaveCert": "yes"}).encode()
    head = b"Host: 127.0.0.1\r\n" + AUTH
    payload = (
        b"GET /certsrv/certcarc.asp HTTP/1.1\r\n" + head + b"\r\n"
        + b"POST /certsrv/certfnsh.asp HTTP/1.1\r\n" + head
        + b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(form)}\r\n\r\n".encode() + form
        + f"GET /certsrv/certnew.cer?ReqID={req_id}&Enc=b64 HTTP/1.1\r\n".encode() + head
        + b"\r\n"
        + b"GET /certsrv/certcarc.asp HTTP/1.1\r\n" + head + b"Connection: close\r\n\r\n")
    answer = exchange(ca, payload)
    assert statuses(answer) == [b"200"] * 4, answer[:2000]
    # in the order asked: the CA page, the issued page, the certificate, the CA page
    parts = re.split(rb"(?m)^(?=HTTP/1\.1 \d{3} )", answer)[1:]
    assert len(parts) == 4
    assert b"var nRenewals=0;" in parts[0] and b"var nRenewals=0;" in parts[3]
    assert re.search(rb"certnew\.cer\?ReqID=(\d+)&", parts[1]).group(1) != str(req_id).encode()
    cert = parts[2].split(b"\r\n\r\n", 1)[1]
    assert subject_of(cert) == "CN=pipe0.example"
    assert ca.alive()


def submit_page(ca, pem: str) -> str:
    import requests
    return requests.post(
        f"https://{ca.host}/certsrv/certfnsh.asp", verify=str(ca.ca_pem), timeout=30,
        auth=(USER, PASSWORD), data={"Mode": "newreq", "CertRequest": pem,
              "CertAttrib": "CertificateTemplate:WebServer", "TargetStoreFlags": "0",
              "SaveCert": "yes"}).text


@pytest.mark.timeout(60)
@pytest.mark.parametrize("body", [
    # invalid UTF-8 as raw bytes, and as percent escapes (a lone continuation byte, a sequence
    # cut short, an overlong slash)
    b"Mode=newreq&CertRequest=\xff\xfe\x80garbage&CertAttrib=\xc0\xaf&SaveCert=yes",
    b"Mode=newreq&CertRequest=%80%ff%e2%82&CertAttrib=%C0%AF&SaveCert=yes",
    # broken percent escapes: not hex, cut short at the end, a lone %
    b"Mode=newreq&CertRequest=%zz%4&CertAttrib=%&SaveCert=yes%",
    # a name without a value, empty pairs, a value with '=' in it
    b"Mode=newreq&&=&CertRequest&CertAttrib=a=b=c",
], ids=["raw-invalid-utf8", "percent-invalid-utf8", "broken-escapes", "odd-pairs"])
def test_malformed_forms_get_an_ad_cs_answer_and_the_server_stays_up(ca, body):
    payload = (b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH
               + b"Content-Type: application/x-www-form-urlencoded\r\n"
               + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    answer = exchange(ca, payload)
    assert statuses(answer) == [b"200"], answer[:1000]
    # AD CS's words for a request it cannot read, never a certificate
    assert b"Error Parsing Request" in answer or b"0x80070057" in answer, answer[-1500:]
    assert b"certnew.cer?ReqID=" not in answer
    # and a query string with broken escapes is an error page, not a crash
    answer = exchange(ca, b"GET /certsrv/certnew.cer?ReqID=%zz%ff&Enc=%e2 HTTP/1.1\r\n"
                      b"Host: 127.0.0.1\r\n" + AUTH + b"Connection: close\r\n\r\n")
    assert statuses(answer) == [b"200"], answer[:1000]
    assert ca.alive() and client(ca).check_credentials()
