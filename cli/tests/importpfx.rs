//! `-importpfx` against PFX files made at test time by tools nobody on this project wrote:
//! OpenSSL (its default PBES2/AES, `-legacy` with RC2 certificates, and 3DES with a SHA-1 MAC)
//! and Python `cryptography` (BestAvailableEncryption and a PBESv1SHA1And3KeyTripleDESCBC
//! builder), with RSA and EC keys. What lands in the store is checked with OpenSSL, and the
//! imported entry must then work: `-accept -pfx` exports it again, and an INF with
//! `UseExistingKeySet` signs a new request with its key. The oracles fail these tests under
//! `CI=true` when missing (certreq-testsupport).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use certreq_read::pkcs12::{self, PfxInput, Profile};
use certreq_read::response;
use certreq_testsupport::{data_dir, python_with, tool};
use common::{Run, TempDir};

const PASSWORD: &str = "pfx pässword";

/// A key and its certificate chain, as PEM files.
struct Material {
    name: &'static str,
    key: PathBuf,
    leaf: PathBuf,
    ca: PathBuf,
    /// `RSA-2048`, `ECDSA-P384`: how certreq describes the key.
    algorithm: &'static str,
    /// The INF's `KeyAlgorithm` for a request with this key.
    inf_algorithm: &'static str,
}

/// The repository's RSA test key and certificate, issued by its test CA.
fn rsa() -> Material {
    let d = data_dir();
    Material {
        name: "rsa",
        key: d.join("pfx-leaf.key"),
        leaf: d.join("pfx-leaf.crt"),
        ca: d.join("pfx-ca.crt"),
        algorithm: "RSA-2048",
        inf_algorithm: "RSA",
    }
}

/// A P-384 key and certificate issued by a P-256 CA, made by OpenSSL in `dir`.
fn ec(openssl: &Path, dir: &Path) -> Material {
    let run = |args: &[&str]| ok(Command::new(openssl).args(args).current_dir(dir));
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=EC Test CA",
        "-keyout",
        "ec-ca.key",
        "-out",
        "ec-ca.crt",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    run(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-nodes",
        "-subj",
        "/CN=ec.example",
        "-keyout",
        "ec-leaf.key",
        "-out",
        "ec-leaf.csr",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "ec-leaf.csr",
        "-CA",
        "ec-ca.crt",
        "-CAkey",
        "ec-ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        "ec-leaf.crt",
    ]);
    Material {
        name: "ec",
        key: dir.join("ec-leaf.key"),
        leaf: dir.join("ec-leaf.crt"),
        ca: dir.join("ec-ca.crt"),
        algorithm: "ECDSA-P384",
        inf_algorithm: "ECDSA_P384",
    }
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How a PFX is made.
#[derive(Clone, Copy, Debug)]
enum Maker {
    OpenSsl,
    OpenSslLegacy,
    OpenSsl3Des,
    PythonBest,
    PythonLegacy,
}

const MAKERS: [Maker; 5] = [
    Maker::OpenSsl,
    Maker::OpenSslLegacy,
    Maker::OpenSsl3Des,
    Maker::PythonBest,
    Maker::PythonLegacy,
];

const PYTHON_EXPORT: &str = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12, PrivateFormat
key_file, leaf_file, ca_file, out, kind, password = sys.argv[1:7]
password = password.encode('utf-8')
key = serialization.load_pem_private_key(open(key_file, 'rb').read(), None)
leaf = x509.load_pem_x509_certificate(open(leaf_file, 'rb').read())
ca = x509.load_pem_x509_certificate(open(ca_file, 'rb').read())
if kind == 'best':
    enc = serialization.BestAvailableEncryption(password)
else:
    enc = (PrivateFormat.PKCS12.encryption_builder()
           .kdf_rounds(2048)
           .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
           .hmac_hash(hashes.SHA1())
           .build(password))
open(out, 'wb').write(pkcs12.serialize_key_and_certificates(b'imported', key, leaf, [ca], enc))
"#;

/// Writes `out` from `m` as `maker` makes PFX files, named `imported`; `None` when the tool
/// is missing (a failure under CI=true).
fn make_pfx(maker: Maker, m: &Material, out: &Path, extra: &[&str]) -> Option<()> {
    let openssl_args: &[&str] = match maker {
        Maker::OpenSsl => &[],
        Maker::OpenSslLegacy => &["-legacy"],
        Maker::OpenSsl3Des => &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
        Maker::PythonBest | Maker::PythonLegacy => {
            let python = python_with("cryptography")?;
            let kind = if matches!(maker, Maker::PythonBest) {
                "best"
            } else {
                "legacy"
            };
            ok(Command::new(python)
                .args(["-c", PYTHON_EXPORT])
                .args([&m.key, &m.leaf, &m.ca, out])
                .args([kind, PASSWORD]));
            return Some(());
        }
    };
    let openssl = tool("openssl")?;
    ok(Command::new(openssl)
        .args(["pkcs12", "-export", "-name", "imported", "-passout"])
        .arg(format!("pass:{PASSWORD}"))
        .args(openssl_args)
        .args(extra)
        .arg("-inkey")
        .arg(&m.key)
        .arg("-in")
        .arg(&m.leaf)
        .arg("-certfile")
        .arg(&m.ca)
        .arg("-out")
        .arg(out));
    Some(())
}

/// Runs certreq in `t` with its store and only the environment given (no stray CERTREQ_*).
fn certreq(t: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_certreq"));
    cmd.args(args)
        .current_dir(&t.path)
        .env_clear()
        .env("CERTREQ_STORE", t.store())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().expect("run certreq"))
}

fn der_of(pem_file: &Path) -> Vec<u8> {
    certreq_pkix::pem::read(&std::fs::read(pem_file).unwrap()).unwrap()[0]
        .der
        .clone()
}

/// The store's id for a certificate's key.
fn entry_id(cert_der: &[u8]) -> String {
    use sha2::Digest;
    let cert = response::certificate(cert_der).unwrap();
    sha2::Sha256::digest(cert.spki_der())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// OpenSSL's PEM public key of a certificate, and of a PKCS#8 DER key file.
fn cert_public_key(openssl: &Path, cert: &Path) -> String {
    ok(Command::new(openssl)
        .args(["x509", "-noout", "-pubkey", "-in"])
        .arg(cert))
}

fn key_public_key(openssl: &Path, key_der: &Path) -> String {
    ok(Command::new(openssl)
        .args(["pkey", "-inform", "DER", "-pubout", "-in"])
        .arg(key_der))
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Checks the one entry an import left: files, modes, certificate, chain, meta, and that the
/// key is the certificate's (by OpenSSL). Returns its directory.
fn check_entry(t: &TempDir, openssl: &Path, m: &Material, what: &str) -> PathBuf {
    let leaf = der_of(&m.leaf);
    let entries = t.store_entries();
    let dir = t.store().join(entry_id(&leaf));
    assert_eq!(
        entries,
        std::slice::from_ref(&dir),
        "{what}: one entry, named by its key"
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["cert.pem", "chain.p7b", "key.pk8", "meta"],
        "{what}"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&t.store()), 0o700, "{what}");
        assert_eq!(mode(&dir), 0o700, "{what}");
        for f in &files {
            assert_eq!(mode(&dir.join(f)), 0o600, "{what}: {f}");
        }
    }
    assert_eq!(der_of(&dir.join("cert.pem")), leaf, "{what}");
    // (a certs-only PKCS #7 holds a SET OF certificates: DER sorts them)
    let chain = response::parse(&std::fs::read(dir.join("chain.p7b")).unwrap()).unwrap();
    let mut chain: Vec<&[u8]> = chain.certificates().iter().map(|c| c.der()).collect();
    let ca = der_of(&m.ca);
    let mut expected = vec![leaf.as_slice(), &ca];
    chain.sort();
    expected.sort();
    assert_eq!(chain, expected, "{what}: leaf and CA");
    let meta = std::fs::read_to_string(dir.join("meta")).unwrap();
    let thumbprint = response::certificate(&leaf).unwrap().thumbprint_sha1();
    for line in [
        "state=issued".to_string(),
        "exportable=true".to_string(),
        format!("algorithm={}", m.algorithm),
        format!("thumbprint={thumbprint}"),
        "friendly_name=imported".to_string(),
    ] {
        assert!(meta.lines().any(|l| l == line), "{what}: {line} in\n{meta}");
    }
    assert!(meta.contains("\nimported_from=/"), "{what}: {meta}");
    assert_eq!(
        key_public_key(openssl, &dir.join("key.pk8")),
        cert_public_key(openssl, &m.leaf),
        "{what}: the stored key is the certificate's"
    );
    dir
}

#[test]
fn imports_what_openssl_and_python_write_with_rsa_and_ec_keys() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let work = TempDir::new("import-material");
    for m in [rsa(), ec(&openssl, &work.path)] {
        for maker in MAKERS {
            let what = format!("{} from {maker:?}", m.name);
            let t = TempDir::new("import");
            let pfx = t.join("in.pfx");
            if make_pfx(maker, &m, &pfx, &[]).is_none() {
                continue;
            }
            let run = certreq(&t, &["-importpfx", "-p", PASSWORD, "in.pfx"], &[]);
            run.ok();
            assert!(
                run.stdout.starts_with("Imported PFX: in.pfx\n"),
                "{what}: {}",
                run.stdout
            );
            assert!(run.stdout.contains("  Chain: 2 certificates\n"), "{what}");
            assert!(
                run.stdout
                    .contains(&format!("Key: {} stored in ", m.algorithm)),
                "{what}: {}",
                run.stdout
            );
            assert!(run.stderr.is_empty(), "{what}: {}", run.stderr);
            check_entry(&t, &openssl, &m, &what);
        }
    }
}

#[test]
fn an_imported_key_exports_again_and_signs_new_requests() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let work = TempDir::new("reuse-material");
    for m in [rsa(), ec(&openssl, &work.path)] {
        let t = TempDir::new("reuse");
        make_pfx(Maker::OpenSsl, &m, &t.join("in.pfx"), &[]);
        certreq(&t, &["-importpfx", "-q", "-p", PASSWORD, "in.pfx"], &[]).ok();
        let container = entry_id(&der_of(&m.leaf));

        // -accept -pfx exports it again: OpenSSL opens it, and it holds that key and the chain
        // (given the chain, as a CA hands it out: here a PEM bundle of leaf and CA)
        let bundle =
            std::fs::read_to_string(&m.leaf).unwrap() + &std::fs::read_to_string(&m.ca).unwrap();
        t.write("chain.pem", &bundle);
        let run = certreq(
            &t,
            &["-accept", "-pfx", "out.pfx", "-p", "again", "chain.pem"],
            &[],
        );
        run.ok();
        let info = ok(Command::new(&openssl)
            .args(["pkcs12", "-nodes", "-passin", "pass:again", "-in"])
            .arg(t.join("out.pfx")));
        assert!(
            info.contains("friendlyName: imported"),
            "{}: {info}",
            m.name
        );
        let key_pem = t.write("out.key", &info);
        let exported_key = ok(Command::new(&openssl)
            .args(["pkey", "-pubout", "-in"])
            .arg(&key_pem));
        assert_eq!(
            exported_key,
            cert_public_key(&openssl, &m.leaf),
            "{}",
            m.name
        );
        let subjects = info.matches("subject=").count();
        assert_eq!(subjects, 2, "{}: leaf and CA in\n{info}", m.name);
        // and the round trip imports back into a fresh store
        let back = TempDir::new("reimport");
        std::fs::copy(t.join("out.pfx"), back.join("out.pfx")).unwrap();
        certreq(&back, &["-importpfx", "-q", "-p", "again", "out.pfx"], &[]).ok();
        let before = std::fs::read(t.store().join(&container).join("cert.pem")).unwrap();
        let after = std::fs::read(back.store().join(&container).join("cert.pem")).unwrap();
        assert_eq!(before, after, "{}", m.name);

        // a new request signed with the imported key (KeyContainer = the printed name)
        t.write(
            "renew.inf",
            &format!(
                "[NewRequest]\nSubject = \"CN=renewed.example\"\nKeyAlgorithm = {}\n\
                 KeyContainer = {container}\nUseExistingKeySet = TRUE\nHashAlgorithm = SHA384\n",
                m.inf_algorithm
            ),
        );
        let run = certreq(&t, &["-new", "renew.inf", "renew.req"], &[]);
        run.ok();
        assert!(
            run.stdout
                .contains(&format!("Key: {} reused in ", m.algorithm)),
            "{}: {}",
            m.name,
            run.stdout
        );
        let verified = Command::new(&openssl)
            .args(["req", "-verify", "-noout", "-in"])
            .arg(t.join("renew.req"))
            .output()
            .unwrap();
        assert!(
            verified.status.success(),
            "{}: the request's signature",
            m.name
        );
        let request_key = ok(Command::new(&openssl)
            .args(["req", "-noout", "-pubkey", "-in"])
            .arg(t.join("renew.req")));
        assert_eq!(
            request_key,
            cert_public_key(&openssl, &m.leaf),
            "{}",
            m.name
        );
        // the entry records the request, and the key stays what it was: exportable, imported
        let meta = std::fs::read_to_string(t.store().join(&container).join("meta")).unwrap();
        assert!(meta.lines().any(|l| l == "state=pending"), "{meta}");
        assert!(meta.lines().any(|l| l == "exportable=true"), "{meta}");
        assert!(meta.contains("\nimported_from=/"), "{meta}");
        // and its certificate, still in the entry, keeps its thumbprint in the record
        let thumbprint = ok(Command::new(&openssl)
            .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
            .arg(t.store().join(&container).join("cert.pem")));
        let thumbprint = thumbprint
            .trim()
            .rsplit('=')
            .next()
            .unwrap()
            .replace(':', "");
        assert!(
            meta.lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("thumbprint={thumbprint}"))),
            "{thumbprint}: {meta}"
        );
    }
}

/// The store has no entry and no half-made (hidden) directory.
fn assert_store_untouched(t: &TempDir, what: &str) {
    assert!(
        t.store_entries().is_empty(),
        "{what}: {:?}",
        t.store_entries()
    );
}

#[test]
fn refusals_say_why_and_change_nothing() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let m = rsa();
    let t = TempDir::new("refusals");
    make_pfx(Maker::OpenSsl, &m, &t.join("good.pfx"), &[]);

    // a wrong password
    let run = certreq(&t, &["-importpfx", "-p", "wrong", "good.pfx"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: good.pfx: the password is wrong: the PFX's integrity check (MAC) does \
         not verify with it; nothing was imported\n"
    );
    assert_store_untouched(&t, "wrong password");

    // no password at all
    let run = certreq(&t, &["-importpfx", "good.pfx"], &[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("give -p Password"), "{}", run.stderr);

    // no key: only certificates
    ok(Command::new(&openssl)
        .args(["pkcs12", "-export", "-nokeys", "-passout", "pass:x", "-in"])
        .arg(&m.leaf)
        .arg("-out")
        .arg(t.join("certs.pfx")));
    let run = certreq(&t, &["-importpfx", "-p", "x", "certs.pfx"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: certs.pfx: it holds no private key, only certificates; nothing was \
         imported\n"
    );
    assert_store_untouched(&t, "no key");

    // a key with a certificate that is not its own (the CA's)
    let key = der_of(&m.key);
    let ca = der_of(&m.ca);
    let input = PfxInput {
        private_key_pkcs8: &key,
        leaf: &ca,
        chain: &[],
        friendly_name: None,
    };
    let mismatched = pkcs12::write(&input, "x", Profile::Modern, &mut |b: &mut [u8]| {
        b.fill(9);
        Ok(())
    })
    .unwrap();
    std::fs::write(t.join("mismatch.pfx"), mismatched).unwrap();
    let run = certreq(&t, &["-importpfx", "-p", "x", "mismatch.pfx"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: mismatch.pfx: its one certificate is not for its RSA-2048 key; \
         nothing was imported\n"
    );
    assert_store_untouched(&t, "no matching certificate");

    // not a PFX at all
    let run = certreq(
        &t,
        &["-importpfx", "-p", "x", m.leaf.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains(": not a valid PFX: the PFX does not decode"),
        "{}",
        run.stderr
    );
    assert_store_untouched(&t, "not a PFX");

    // no MAC: refused unless -allownomac, which imports it with a warning
    make_pfx(Maker::OpenSsl, &m, &t.join("nomac.pfx"), &["-nomac"]);
    let run = certreq(&t, &["-importpfx", "-p", PASSWORD, "nomac.pfx"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: nomac.pfx: the PFX has no integrity check (MAC), so nothing shows it \
         was not altered; give -allownomac to import it all the same; nothing was imported\n"
    );
    assert_store_untouched(&t, "no MAC");
    let run = certreq(
        &t,
        &[
            "-importpfx",
            "-allownomac",
            "-q",
            "-p",
            PASSWORD,
            "nomac.pfx",
        ],
        &[],
    );
    run.ok();
    assert_eq!(
        run.stderr,
        "certreq: warning: nomac.pfx has no integrity check (MAC); imported because \
         -allownomac was given\n"
    );
    assert!(run.stdout.is_empty());
    assert_eq!(t.store_entries().len(), 1);
}

#[test]
fn a_key_already_stored_is_named_and_replaced_only_with_f() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let m = rsa();
    let t = TempDir::new("already");
    make_pfx(Maker::OpenSsl, &m, &t.join("in.pfx"), &[]);
    // the key as -new left it: pending, with its request, under a container name
    let id = entry_id(&der_of(&m.leaf));
    let dir = t.store().join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    for d in [&t.store(), &dir] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(dir.join("key.pk8"), der_of(&m.key)).unwrap();
    std::fs::write(dir.join("request.der"), b"request").unwrap();
    let pending = format!(
        "format=1\nid={id}\ncontainer=WebKey\ncreated=0\nstate=pending\nalgorithm=RSA-2048\n\
         exportable=false\n"
    );
    std::fs::write(dir.join("meta"), &pending).unwrap();

    // from the environment's password (the PFX one first, then the general one)
    let env = [
        ("CERTREQ_PASSWORD", "not this"),
        ("CERTREQ_PFX_PASSWORD", PASSWORD),
    ];
    let run = certreq(&t, &["-importpfx", "in.pfx"], &env);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        format!(
            "certreq: error: in.pfx: its key is already in the key store: entry {id} (container \
             `WebKey`, pending) in {}; give -f to replace that entry; nothing was imported\n",
            dir.display()
        )
    );
    assert_eq!(std::fs::read_to_string(dir.join("meta")).unwrap(), pending);
    assert!(!dir.join("cert.pem").exists());

    let run = certreq(
        &t,
        &["-importpfx", "-f", "in.pfx"],
        &[("CERTREQ_PASSWORD", PASSWORD)],
    );
    run.ok();
    assert!(
        run.stdout.contains(&format!(
            "Key: RSA-2048 replaced in {} (container `WebKey`)\n",
            dir.display()
        )),
        "{}",
        run.stdout
    );
    // the imported entry in its place, under the name INF files know it by
    let meta = std::fs::read_to_string(dir.join("meta")).unwrap();
    assert!(meta.lines().any(|l| l == "container=WebKey"), "{meta}");
    assert!(!dir.join("request.der").exists());
    check_entry(&t, &openssl, &m, "replaced");
}
