"""A temporary MIT Kerberos realm on loopback for the Negotiate tests (CLI and browser): a KDC
(`kdb5_util`, `kadmin.local`, `krb5kdc` from Debian's krb5-kdc and krb5-admin-server) on a free
port, a keytab for `HTTP/localhost` (and one for another host only), and `kinit` (krb5-user) for
the user alice, everything in one directory.

Without those programs the tests are skipped, except under CI=true, where they fail.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest

REALM = "TEST.CERTREQ"
ALICE_PASSWORD = "alice kerberos pass"
KRB5_TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "kdestroy")


def needs(*tools):
    """The programs a test needs: missing ones skip it, or fail it under CI=true."""
    missing = [t for t in tools if shutil.which(t) is None
               and not pathlib.Path("/usr/sbin", t).exists()]
    if missing:
        why = f"MIT Kerberos programs missing: {', '.join(missing)} (scripts/setup.sh installs them)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(why)
        pytest.skip(why)


def tool(name):
    found = shutil.which(name)
    return found if found else str(pathlib.Path("/usr/sbin", name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Realm:
    """A KDC for TEST.CERTREQ on a free loopback port, everything under `root`."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.port = free_port()
        self.conf = root / "krb5.conf"
        self.conf.write_text(f"""\
[libdefaults]
 default_realm = {REALM}
 dns_lookup_realm = false
 dns_lookup_kdc = false
 dns_canonicalize_hostname = false
 rdns = false
 udp_preference_limit = 1
[realms]
 {REALM} = {{
  kdc = 127.0.0.1:{self.port}
 }}
""")
        kdc_conf = root / "kdc.conf"
        kdc_conf.write_text(f"""\
[kdcdefaults]
 kdc_listen = 127.0.0.1:{self.port}
 kdc_tcp_listen = 127.0.0.1:{self.port}
[realms]
 {REALM} = {{
  database_name = {root}/principal
  key_stash_file = {root}/stash
  acl_file = {root}/kadm5.acl
  max_life = 10h
 }}
[logging]
 kdc = FILE:{root}/kdc.log
""")
        self.env = {**os.environ, "KRB5_CONFIG": str(self.conf),
                    "KRB5_KDC_PROFILE": str(kdc_conf)}
        self.env.pop("KRB5CCNAME", None)
        self.env.pop("KRB5_KTNAME", None)
        self.run("kdb5_util", "create", "-s", "-r", REALM, "-P", "master key pass")
        self.kadmin(f"addprinc -pw \"{ALICE_PASSWORD}\" alice")
        self.keytab = root / "http.keytab"
        self.kadmin("addprinc -randkey HTTP/localhost")
        self.kadmin(f"ktadd -k {self.keytab} HTTP/localhost")
        # a keytab for another host only: a server without the key for HTTP/localhost
        self.other_keytab = root / "other.keytab"
        self.kadmin("addprinc -randkey HTTP/other.example")
        self.kadmin(f"ktadd -k {self.other_keytab} HTTP/other.example")
        self.kdc = subprocess.Popen([tool("krb5kdc"), "-n", "-P", str(root / "kdc.pid")],
                                    env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=open(root / "krb5kdc.err", "w"))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.kdc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("krb5kdc did not start: "
                                         + (root / "krb5kdc.err").read_text()
                                         + (root / "kdc.log").read_text())
                time.sleep(0.1)

    def run(self, name, *args, **kw):
        proc = subprocess.run([tool(name), *map(str, args)], env=kw.pop("env", self.env),
                              capture_output=True, text=True, timeout=60, **kw)
        assert proc.returncode == 0, f"{name} {args}: {proc.stdout}{proc.stderr}"
        return proc

    def kadmin(self, query):
        self.run("kadmin.local", "-r", REALM, "-q", query)

    def kinit(self, ccache: pathlib.Path, password=ALICE_PASSWORD, lifetime=None):
        """`kinit alice` with the password on stdin; the process, whatever its result."""
        args = [tool("kinit")] + (["-l", lifetime] if lifetime else []) + ["alice"]
        return subprocess.run(args, input=password + "\n", capture_output=True, text=True,
                              env={**self.env, "KRB5CCNAME": f"FILE:{ccache}"}, timeout=60)

    def stop(self):
        self.kdc.terminate()
        self.kdc.wait(timeout=30)
