#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into OUT/<target>/, in each target's input
form, from the shared corpus (shared/corpus beside the repository, or $CERTREQ_CORPUS), the
repository's test data and templates, a few PFX files and requests made with OpenSSL, and the
regression inputs kept in tests/fuzz/regressions/<target>/ (inputs that once failed).

    tests/fuzz/seeds.py OUT
"""
import base64
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent.parent
TARGETS = ["inf", "inf_doc", "subject", "ext_text", "pem_tlv", "response", "enroll", "dump",
           "dump_secret", "pkcs12", "cmc", "devca_form"]
# ext_text's first byte picks one of these (fuzz_targets/ext_text.rs, same order)
EXT_OIDS = ["2.5.29.17", "2.5.29.37", "2.5.29.19", "2.5.29.15", "2.5.29.32", "2.5.29.30",
            "2.5.29.14", "2.5.29.54", "2.5.29.36", "1.3.6.1.4.1.311.20.2",
            "1.3.6.1.4.1.311.21.7", "1.3.6.1.4.1.311.21.10", "1.3.6.1.4.1.311.25.2",
            "1.2.840.113549.1.9.15", "1.2.3.4"]


def corpus_dir() -> pathlib.Path | None:
    path = pathlib.Path(os.environ.get("CERTREQ_CORPUS", ROOT.parent / "shared" / "corpus"))
    return path if path.is_dir() else None


def der_of(data: bytes) -> bytes:
    """The DER inside PEM or bare base64, or the bytes as they are."""
    text = data.decode("latin-1")
    if "-----BEGIN" in text:
        body = re.search(r"-----BEGIN [^-]*-----(.*?)-----END", text, re.S)
        if body:
            text = re.sub(r"^[A-Za-z-]+:.*$", "", body.group(1), flags=re.M)
    compact = re.sub(r"\s", "", text)
    if compact and re.fullmatch(r"[A-Za-z0-9+/=]+", compact):
        try:
            return base64.b64decode(compact + "=" * (-len(compact) % 4))
        except ValueError:
            pass
    return data


def outer_ber(pfx: bytes) -> bytes | None:
    """The PFX with its outer levels in BER (indefinite lengths, the authSafe's octets in
    pieces), as Java's and macOS's writers send it; None without pyasn1-modules."""
    try:
        from pyasn1.codec.ber import encoder
        from pyasn1.codec.der import decoder
        from pyasn1_modules import rfc7292
    except ImportError:
        return None
    value, _ = decoder.decode(pfx, asn1Spec=rfc7292.PFX())
    return encoder.encode(value, defMode=False, maxChunkSize=64)


def openssl_files(tmp: pathlib.Path) -> dict[str, list[bytes]]:
    """PFX files (PBES2 and legacy, with and without a MAC) and requests (RSA, EC), made
    with OpenSSL when it is there."""
    out: dict[str, list[bytes]] = {"pfx": [], "req": []}
    if shutil.which("openssl") is None:
        return out
    key, crt = ROOT / "tests/data/pfx-leaf.key", ROOT / "tests/data/pfx-leaf.crt"
    ca = ROOT / "tests/data/pfx-ca.crt"
    runs = [["-passout", "pass:password"],
            ["-passout", "pass:password", "-legacy"],
            ["-passout", "pass:", "-nomac"],
            ["-passout", "pass:password", "-keypbe", "NONE", "-certpbe", "NONE"]]
    for i, extra in enumerate(runs):
        pfx = tmp / f"{i}.pfx"
        r = subprocess.run(["openssl", "pkcs12", "-export", "-inkey", key, "-in", crt,
                            "-certfile", ca, "-out", pfx, *extra], capture_output=True)
        if r.returncode == 0:
            out["pfx"].append(pfx.read_bytes())
    out["pfx"] += [ber for ber in map(outer_ber, out["pfx"]) if ber]
    for i, newkey in enumerate(["rsa:1024", "ec", "ec"]):
        req = tmp / f"{i}.req"
        args = ["openssl", "req", "-new", "-nodes", "-subj", "/CN=seed.example/O=Fuzz",
                "-addext", "subjectAltName=DNS:seed.example,IP:127.0.0.1",
                "-keyout", tmp / f"{i}.key", "-out", req, "-outform", "DER"]
        if newkey == "ec":
            args += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        else:
            args += ["-newkey", newkey]
        if subprocess.run(args, capture_output=True).returncode == 0:
            out["req"].append(req.read_bytes())
            out.setdefault("key", []).append(der_of((tmp / f"{i}.key").read_bytes()))
    return out


def main(out: pathlib.Path) -> None:
    seeds: dict[str, list[bytes]] = {t: [] for t in TARGETS}
    infs = sorted((ROOT / "www/templates").glob("*.inf"))
    objects = sorted(p for p in (ROOT / "tests/data").iterdir()
                     if p.suffix in (".der", ".crt", ".pem", ".crl"))
    pages: list[pathlib.Path] = []
    corpus = corpus_dir()
    if corpus:
        infs += sorted((corpus / "inf").glob("*.inf"))
        objects += sorted([*(corpus / "req").iterdir(), *(corpus / "resp").iterdir(),
                           *(corpus / "mswstep").glob("*.b64")])
        pages = sorted((corpus / "pages").iterdir())
    for p in infs:
        data = p.read_bytes()
        seeds["inf"].append(data)
        text = data.decode("utf-8", "replace")
        for m in re.finditer(r'^\s*Subject\s*=\s*"?(.*?)"?\s*$', text, re.M | re.I):
            seeds["subject"].append(b"\0\0\0\0" + m.group(1).encode())
        for m in re.finditer(r'^\s*([0-9.]+)\s*=\s*"?(.*?)"?\s*$', text, re.M):
            if m.group(1) in EXT_OIDS:
                seeds["ext_text"].append(bytes([EXT_OIDS.index(m.group(1))]) + m.group(2).encode())
    for i, oid in enumerate(EXT_OIDS):
        seeds["ext_text"].append(bytes([i]) + b"{text}" + {
            "2.5.29.17": b"dns=a.example&ipaddress=10.0.0.1&email=a@b.example&upn=a@b&url=http://x/",
            "2.5.29.37": b"1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2",
            "2.5.29.19": b"ca=1&pathlength=0",
            "2.5.29.15": b"digitalSignature, keyEncipherment",
        }.get(oid, b"x"))
    with tempfile.TemporaryDirectory() as tmp:
        made = openssl_files(pathlib.Path(tmp))
    for p in objects:
        data = p.read_bytes()
        der = der_of(data)
        for target in ("pem_tlv", "dump", "response"):
            seeds[target] += [data, der] if der != data else [data]
        seeds["cmc"].append(der)
        seeds["enroll"].append(b"\x00\xc8\x01\x03" + data)
    for page in pages:
        seeds["enroll"].append(b"\x00\xc8\x00\x00" + page.read_bytes())
    for req in made["req"]:
        seeds["cmc"].append(req)
        seeds["dump"].append(req)
        form = "Mode=newreq&CertRequest={}&CertAttrib=CertificateTemplate%3AWebServer%0D%0A" \
               "SAN%3Adns%3Da.example&TargetStoreFlags=0&SaveCert=yes".format(
                   base64.b64encode(req).decode().replace("+", "%2B").replace("/", "%2F"))
        seeds["devca_form"].append(form.encode())
    seeds["dump"] += made.get("key", []) + made["pfx"]
    for pfx in made["pfx"]:
        seeds["pkcs12"] += [b"\x01" + pfx, b"\x03" + pfx, b"\x02" + pfx]
    seeds["devca_form"] += [b"Mode=chkpnd&ReqID=1&Enc=b64", b"a=%zz&b=%e2%82&c=+%2B+&&=&d"]

    for target in TARGETS:
        regressions = FUZZ / "regressions" / target
        if regressions.is_dir():
            seeds[target] += [p.read_bytes() for p in sorted(regressions.iterdir())]
        d = out / target
        d.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(seeds[target]):
            (d / f"seed-{i:03}").write_bytes(data)


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
