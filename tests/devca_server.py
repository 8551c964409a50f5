"""One running `devca serve` on loopback, in its own data directory, for the test suites.

Shared by the devca conformance tests, the CLI enrollment tests and the browser enrollment
tests, so that starting, reading the URL and stopping the server is written once.
"""
import os
import pathlib
import re
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def devca_bin() -> pathlib.Path:
    default = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "devca"
    return pathlib.Path(os.environ.get("DEVCA_BIN", default))


class DevcaServer:
    """`devca serve --listen 127.0.0.1:0` with the given options; `certsrv`, `est` and `origin`
    are its URLs (no trailing slash), `ca_pem` the root to trust."""

    def __init__(self, data: pathlib.Path, *, policy="issue", tls=False, basic_auth=None,
                 dist=None, cors=None, extra=(), env=None):
        self.data = pathlib.Path(data)
        self.options = {"policy": policy, "tls": tls, "basic_auth": basic_auth, "dist": dist,
                        "cors": cors, "extra": list(extra)}
        # variables added to the inherited environment (KRB5_CONFIG for Kerberos tests)
        self.env = {**os.environ, **(env or {})}
        self.ca_pem = self.data / "ca.pem"
        self.proc = None
        self.start()

    def start(self):
        # a second process would be left running when this one's handle is replaced
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("devca is running already (the constructor starts it): stop() it "
                               "before starting it again")
        binary = devca_bin()
        if not binary.exists():
            pytest.fail(f"{binary} is missing: build it with `cargo build --release -p devca`")
        o = self.options
        args = [str(binary), "serve", "--listen", "127.0.0.1:0", "--data", str(self.data),
                "--policy", o["policy"]]
        if o["tls"]:
            args.append("--tls")
        if o["basic_auth"]:
            args += ["--basic-auth", "{}:{}".format(*o["basic_auth"])]
        if o["dist"]:
            args += ["--dist", str(o["dist"])]
        if o["cors"]:
            args += ["--cors", o["cors"]]
        args += [str(a) for a in o["extra"]]
        # stderr goes to a file: a full pipe nobody reads would stall the server
        self.log_path = self.data.parent / f"{self.data.name}.log"
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     env=self.env)
        self.certsrv = self.est = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and (self.certsrv is None or self.est is None):
            line = self.proc.stdout.readline()
            if not line:
                break
            if m := re.search(r"listening on (\S+)", line):
                self.certsrv = m.group(1).rstrip("/")
            if m := re.search(r"EST at (\S+)", line):
                self.est = m.group(1).rstrip("/")
        if self.certsrv is None or self.est is None:
            self.stop()
            raise AssertionError(f"devca did not start: {self.log_path.read_text()}")
        self.origin = self.certsrv.removesuffix("/certsrv")
        self.host = self.origin.split("://", 1)[1]
        self.port = int(self.host.rsplit(":", 1)[1])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.log.close()
        self.proc = None

    def cli(self, *args, timeout=120) -> subprocess.CompletedProcess:
        """`devca ARGS --data DIR` (approve, deny, list)."""
        return subprocess.run([str(devca_bin()), *map(str, args), "--data", str(self.data)],
                              capture_output=True, text=True, timeout=timeout)
