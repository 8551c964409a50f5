#!/usr/bin/env python3
"""`certreq -new` against `openssl req -new`: the same request, the same RSA-2048 key.

The key is made once by certreq (KeyContainer = bench) and reused by both programs, so key
generation is excluded from both sides. Prints medians and the ratio.

usage: bench_cli.py PATH_TO_CERTREQ [RUNS]
"""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

certreq = pathlib.Path(sys.argv[1]).resolve()
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 40

SUBJECT = "CN=bench.example.com, O=Example, C=US"
INF = """[NewRequest]
Subject = "{subject}"
KeyLength = 2048
HashAlgorithm = SHA256
KeyContainer = bench
{reuse}
SuppressDefaults = TRUE
[Extensions]
2.5.29.17 = "{{text}}dns=bench.example.com&dns=www.bench.example.com"
"""
OPENSSL_CNF = """[req]
distinguished_name = dn
req_extensions = ext
prompt = no
utf8 = yes
string_mask = utf8only
[dn]
C = US
O = Example
CN = bench.example.com
[ext]
subjectAltName = DNS:bench.example.com,DNS:www.bench.example.com
"""


def timed(cmd, env):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    env = {**os.environ, "CERTREQ_STORE": str(tmp / "store")}
    (tmp / "first.inf").write_text(INF.format(subject=SUBJECT, reuse=""))
    subprocess.run([certreq, "-new", "-q", "-f", tmp / "first.inf", tmp / "first.req"], check=True, env=env)
    keys = list((tmp / "store").rglob("*.pk8"))
    assert len(keys) == 1, f"expected one stored key, found {keys}"
    (tmp / "reuse.inf").write_text(INF.format(subject=SUBJECT, reuse="UseExistingKeySet = TRUE"))
    (tmp / "openssl.cnf").write_text(OPENSSL_CNF)
    ours = [certreq, "-new", "-q", "-f", tmp / "reuse.inf", tmp / "ours.req"]
    theirs = ["openssl", "req", "-new", "-config", tmp / "openssl.cnf", "-key", keys[0],
              "-sha256", "-out", tmp / "theirs.req"]
    a, b = [], []
    for _ in range(runs):  # interleaved, so drift on the shared machine hits both alike
        a.append(timed(ours, env))
        b.append(timed(theirs, env))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"certreq -new (reusing the key)   median {ma * 1000:7.2f} ms over {runs} runs")
    print(f"openssl req -new (same key)      median {mb * 1000:7.2f} ms over {runs} runs")
    print(f"ratio certreq / openssl: {ma / mb:.2f}")
