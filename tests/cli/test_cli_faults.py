"""The command line under faults: `certreq -new`, `-submit` and `-accept` killed with SIGKILL at
random points (50 runs each), and a store directory that is read-only or full.

After a kill there is the old state or the new one: never an output file without its key's
store entry, a store entry without its key, or a truncated file. A staging directory or
temporary file a kill leaves behind is hidden, holds nothing a reader takes for an entry, and
is swept by the next run. Against devca over plain http on 127.0.0.1; every loop is bounded.
"""
import os
import pathlib
import random
import re
import signal
import subprocess
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from conftest import run_certreq
from devca_server import DevcaServer

INF = """[NewRequest]
Subject = "CN={cn},O=Faults"
KeyAlgorithm = {alg}
{length}
HashAlgorithm = sha256
Exportable = TRUE
"""


def write_inf(path: pathlib.Path, cn: str, rsa: bool) -> pathlib.Path:
    path.write_text(INF.format(cn=cn, alg="RSA" if rsa else "ECDSA_P256",
                               length="KeyLength = 2048" if rsa else ""))
    return path


def run_killed(certreq, args, delay: float, env) -> int | None:
    """Runs certreq, SIGKILLs it after `delay` seconds if still running; its exit code, or None
    when it was killed."""
    proc = subprocess.Popen([str(certreq), *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
        return proc.returncode
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return None


def timed(certreq, args, env) -> float:
    t0 = time.monotonic()
    proc = subprocess.run([str(certreq), *map(str, args)], capture_output=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - t0


def entries(store: pathlib.Path) -> dict[str, dict]:
    """The store's visible entries, each checked whole: its meta complete, its key a PKCS #8
    private key, its request and certificate (when there) whole."""
    out = {}
    if not store.exists():
        return out
    for d in sorted(store.iterdir()):
        if d.name.startswith("."):
            continue
        meta_text = (d / "meta").read_text()
        assert meta_text.endswith("\n") and "\nstate=" in meta_text, f"{d.name}: meta {meta_text!r}"
        meta = dict(line.split("=", 1) for line in meta_text.splitlines()
                    if "=" in line and not line.startswith("#"))
        key = serialization.load_der_private_key((d / "key.pk8").read_bytes(), None)
        spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        if (d / "request.der").exists():
            x509.load_der_x509_csr((d / "request.der").read_bytes())
        if meta["state"] == "issued":
            cert = x509.load_pem_x509_certificate((d / "cert.pem").read_bytes())
            assert cert.public_key().public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo) == spki, d.name
            assert (d / "chain.p7b").stat().st_size > 0
        out[d.name] = {"meta": meta, "spki": spki, "dir": d}
    return out


def hidden(store: pathlib.Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if p.name.startswith(".")) \
        if store.exists() else []


def spki_of_request(path: pathlib.Path) -> bytes:
    data = path.read_bytes()
    csr = x509.load_pem_x509_csr(data) if data.startswith(b"-----") \
        else x509.load_der_x509_csr(data)
    return csr.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture
def env(store):
    e = os.environ.copy()
    e["CERTREQ_STORE"] = str(store)
    return e


@pytest.mark.timeout(600)
def test_new_killed_at_random_points(certreq, store, env, tmp_path):
    rng = random.Random(1505)
    inf = write_inf(tmp_path / "rsa.inf", "kill.example", rsa=True)
    # how long a run takes here, to spread the kills over it
    span = max(timed(certreq, ["-new", inf, tmp_path / f"warm{i}.req"], env) for i in range(3))
    killed = finished = 0
    for i in range(50):
        out = tmp_path / f"out{i}.req"
        code = run_killed(certreq, ["-new", inf, out], rng.uniform(0, span * 1.2), env)
        killed += code is None
        finished += code == 0
        assert code in (None, 0), f"run {i} failed on its own: {code}"
        found = entries(store)
        spkis = {e["spki"] for e in found.values()}
        if out.exists():
            # an output file is whole, and its key is in the store
            assert spki_of_request(out) in spkis, f"run {i}: {out.name} without its key"
        elif code == 0:
            raise AssertionError(f"run {i} finished without its output")
        # no temporary output file is left in the output's folder under its real name
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f"out{i}.req.")]
    print(f"\n-new: {killed} killed, {finished} finished, {len(entries(store))} entries")
    assert killed >= 10, "the kills all came too late to test anything"
    # whatever a kill left hidden in the store is swept by the next run
    run_certreq(certreq, "-new", inf, tmp_path / "after.req", check=True)
    assert hidden(store) == [], hidden(store)


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    server = DevcaServer(tmp_path_factory.mktemp("devca-cli-faults"))
    yield server
    server.stop()


@pytest.mark.timeout(600)
def test_submit_killed_at_random_points(certreq, store, env, tmp_path, ca):
    rng = random.Random(1506)
    reqs = []
    for i in range(50):
        inf = write_inf(tmp_path / f"s{i}.inf", f"submit{i}.example", rsa=False)
        run_certreq(certreq, "-new", inf, tmp_path / f"s{i}.req", check=True)
        reqs.append(tmp_path / f"s{i}.req")
    span = timed(certreq, ["-submit", "-config", ca.certsrv, reqs[0], tmp_path / "s0.cer",
                           tmp_path / "s0.p7b"], env)
    killed = 0
    for i, req in enumerate(reqs[1:], 1):
        cer, p7b = tmp_path / f"s{i}.cer", tmp_path / f"s{i}.p7b"
        code = run_killed(certreq, ["-submit", "-config", ca.certsrv, req, cer, p7b],
                          rng.uniform(0, span * 1.2), env)
        killed += code is None
        assert code in (None, 0), f"run {i} failed on its own: {code}"
        found = entries(store)
        spki = spki_of_request(req)
        assert spki in {e["spki"] for e in found.values()}, "a submission lost its key"
        if cer.exists():
            cert = x509.load_pem_x509_certificate(cer.read_bytes())
            assert cert.public_key().public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo) == spki
        if p7b.exists():
            assert p7b.stat().st_size > 0
            assert cer.exists(), "the chain was written before the certificate"
    print(f"\n-submit: {killed} of 49 killed")
    assert killed >= 10


@pytest.mark.parametrize("stdout", ["closed pipe", "full"])
def test_a_submit_whose_output_cannot_be_written_still_keeps_the_certificate(
        certreq, store, env, tmp_path, ca, stdout):
    """stdout whose reader quit (`| head -1`) or a full disk: the CA took the request, so its
    certificate is still written and the store's entry keeps the CA's request id (for
    -retrieve, and for -accept to find its key); a full disk is said on stderr and fails the
    run, a quit reader is nobody's error. Never a panic."""
    inf = write_inf(tmp_path / "o.inf", f"stdout-{stdout.split()[0]}.example", rsa=False)
    run_certreq(certreq, "-new", inf, tmp_path / "o.req", check=True)
    args = [str(certreq), "-submit", "-config", ca.certsrv, tmp_path / "o.req",
            tmp_path / "o.cer"]
    if stdout == "full":
        with open("/dev/full", "w") as full:
            proc = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                                  timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert "standard output could not be written" in proc.stderr, proc.stderr
    else:
        read, write = os.pipe()
        os.close(read)
        try:
            proc = subprocess.run(args, stdout=write, stderr=subprocess.PIPE, text=True, env=env,
                                  timeout=120)
        finally:
            os.close(write)
        assert proc.returncode == 0, proc.stderr
    assert "panicked" not in proc.stderr, proc.stderr
    cert = x509.load_pem_x509_certificate((tmp_path / "o.cer").read_bytes())
    found = [e for e in entries(store).values()
             if e["spki"] == spki_of_request(tmp_path / "o.req")]
    newest = ca.cli("list").stdout.splitlines()[-1].split("\t")[0]
    assert [e["meta"].get("request_id") for e in found] == [newest], found
    assert cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
        == found[0]["spki"]


@pytest.mark.timeout(600)
def test_accept_killed_at_random_points(certreq, store, env, tmp_path, ca):
    rng = random.Random(1507)
    certs = []
    for i in range(51):
        inf = write_inf(tmp_path / f"a{i}.inf", f"accept{i}.example", rsa=False)
        run_certreq(certreq, "-new", inf, tmp_path / f"a{i}.req", check=True)
        run_certreq(certreq, "-submit", "-config", ca.certsrv, tmp_path / f"a{i}.req",
                    tmp_path / f"a{i}.cer", tmp_path / f"a{i}.p7b", check=True)
        certs.append(tmp_path / f"a{i}.cer")
    span = timed(certreq, ["-accept", certs[0]], env)
    killed = 0
    for i, cer in enumerate(certs[1:], 1):
        spki = x509.load_pem_x509_certificate(cer.read_bytes()).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        code = run_killed(certreq, ["-accept", cer], rng.uniform(0, span * 1.2), env)
        killed += code is None
        assert code in (None, 0), f"run {i} failed on its own: {code}"
        (entry,) = [e for e in entries(store).values() if e["spki"] == spki]
        # pending (the old state) or issued with its certificate and chain (the new one)
        assert entry["meta"]["state"] in ("pending", "issued"), entry["meta"]
        if code == 0:
            assert entry["meta"]["state"] == "issued"
        elif entry["meta"]["state"] == "pending":
            # accepting again finishes the job
            run_certreq(certreq, "-accept", cer, check=True)
    print(f"\n-accept: {killed} of 50 killed")
    assert killed >= 10
    assert all(e["meta"]["state"] == "issued" for e in entries(store).values()
               if e["meta"].get("request_id") or e["dir"].joinpath("cert.pem").exists())


@pytest.mark.timeout(300)
def test_a_read_only_store_gives_a_clear_message(certreq, store, env, tmp_path):
    if os.geteuid() == 0:
        # root writes through mode bits: a read-only bind mount says no to root too
        ro = tmp_path / "ro"
        ro.mkdir()
        store.mkdir(parents=True, exist_ok=True)
        mount = subprocess.run(["mount", "--bind", "-o", "ro", str(store), str(ro)],
                               capture_output=True, text=True)
        if mount.returncode != 0:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"cannot bind-mount read-only: {mount.stderr}")
            pytest.skip(f"cannot bind-mount read-only: {mount.stderr}")
        target = ro
    else:
        store.mkdir(parents=True, exist_ok=True)
        store.chmod(0o500)
        target = store
    try:
        e = dict(env, CERTREQ_STORE=str(target))
        inf = write_inf(tmp_path / "ro.inf", "ro.example", rsa=False)
        out = tmp_path / "ro.req"
        proc = subprocess.run([str(certreq), "-new", inf, out], capture_output=True, text=True,
                              env=e, timeout=120)
        assert proc.returncode != 0
        assert not out.exists(), "an output was written without its key"
        # one line that names the store and says why
        assert re.fullmatch(r"certreq: error: cannot write the key store entry \S+: "
                            r"(Read-only file system|Permission denied) \(os error \d+\)\n",
                            proc.stderr), proc.stderr
    finally:
        if target != store:
            subprocess.run(["umount", str(target)], capture_output=True)
        store.chmod(0o700)


@pytest.mark.timeout(300)
def test_a_full_store_gives_a_clear_message_and_leaves_nothing(certreq, tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"cannot mount a small tmpfs (needs root): {mount.stderr}")
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mount.stderr}")
    try:
        (full / "filler").write_bytes(b"\0" * (64 * 1024 - 4096 * 2))
        e = dict(os.environ, CERTREQ_STORE=str(full / "store"))
        inf = write_inf(tmp_path / "full.inf", "full.example", rsa=True)
        out = tmp_path / "full.req"
        proc = subprocess.run([str(certreq), "-new", inf, out], capture_output=True, text=True,
                              env=e, timeout=120)
        assert proc.returncode != 0, "a full store took a key"
        assert re.fullmatch(r"certreq: error: cannot write the key store entry \S+: "
                            r"No space left on device \(os error 28\)\n", proc.stderr), proc.stderr
        assert not out.exists()
        leftovers = [p for p in (full / "store").rglob("*")] if (full / "store").exists() else []
        assert leftovers == [], leftovers
    finally:
        subprocess.run(["umount", str(full)], capture_output=True)
