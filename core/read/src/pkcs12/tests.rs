use super::*;
use std::path::PathBuf;
use std::process::Command;

use certreq_testsupport::data_der as data;

struct Fixture {
    key: Vec<u8>,
    leaf: Vec<u8>,
    ca: Vec<u8>,
}

fn fixture() -> Fixture {
    Fixture {
        key: data("pfx-leaf.key"),
        leaf: data("pfx-leaf.crt"),
        ca: data("pfx-ca.crt"),
    }
}

/// A deterministic "random" source: a counter.
fn counter() -> impl FnMut(&mut [u8]) {
    let mut n = 0u8;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_add(1);
            *b = n;
        }
    }
}

fn build(f: &Fixture, profile: Profile, password: &str) -> Vec<u8> {
    let chain = [f.ca.as_slice()];
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &chain,
        friendly_name: Some("Test – Zertifikat"),
    };
    write(&input, password, profile, &mut counter()).unwrap()
}

#[test]
fn round_trips_through_own_reader_in_both_profiles() {
    let f = fixture();
    for profile in [Profile::Modern, Profile::Legacy] {
        let pfx = build(&f, profile, "pässword");
        let back = read(&pfx, "pässword").unwrap();
        assert_eq!(back.private_key_pkcs8.as_deref(), Some(f.key.as_slice()));
        assert_eq!(back.certificates, vec![f.leaf.clone(), f.ca.clone()]);
        assert_eq!(back.friendly_name.as_deref(), Some("Test – Zertifikat"));
        assert_eq!(back.local_key_id, Some(Sha1::digest(&f.leaf).to_vec()));
        assert_eq!(read(&pfx, "wrong"), Err(Pkcs12Error::WrongPassword));
    }
}

#[test]
fn same_random_bytes_give_the_same_file() {
    let f = fixture();
    assert_eq!(
        build(&f, Profile::Modern, "x"),
        build(&f, Profile::Modern, "x")
    );
}

#[test]
fn profiles_use_the_promised_algorithms() {
    let f = fixture();
    let modern = build(&f, Profile::Modern, "x");
    let legacy = build(&f, Profile::Legacy, "x");
    let has = |hay: &[u8], oid: ObjectIdentifier| {
        let needle = oid.as_bytes();
        hay.windows(needle.len()).any(|w| w == needle)
    };
    assert!(has(&modern, PBES2) && has(&modern, AES256_CBC) && has(&modern, HMAC_SHA256));
    assert!(has(&modern, SHA256) && !has(&modern, PBE_SHA1_3DES));
    assert!(has(&legacy, PBE_SHA1_3DES) && has(&legacy, SHA1) && !has(&legacy, PBES2));
}

#[test]
fn refuses_bad_input_without_panicking() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: b"not a cert",
        chain: &[],
        friendly_name: None,
    };
    assert!(matches!(
        write(&input, "x", Profile::Modern, &mut counter()),
        Err(Pkcs12Error::Malformed(_))
    ));
    let pfx = build(&f, Profile::Legacy, "x");
    for cut in (0..pfx.len()).step_by(53) {
        assert!(read(pfx.get(..cut).unwrap_or_default(), "x").is_err());
    }
}

fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("skipping the {name} check: {name} is not installed");
    }
    found
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("certreq-pkcs12-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn openssl_reads_both_profiles_and_the_key_matches() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let f = fixture();
    let leaf_pem = certreq_testsupport::data_dir().join("pfx-leaf.crt");
    let cert_pub = run(Command::new(&openssl)
        .args(["x509", "-noout", "-pubkey", "-in"])
        .arg(&leaf_pem));
    for (profile, expect) in [
        (
            Profile::Modern,
            [
                "PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
                "MAC: sha256, Iteration 10000",
            ],
        ),
        (
            Profile::Legacy,
            [
                "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
                "MAC: sha1, Iteration 2048",
            ],
        ),
    ] {
        let pfx = temp_file(&format!("{profile:?}.pfx"), &build(&f, profile, "s3cret"));
        let info = run(Command::new(&openssl)
            .args(["pkcs12", "-info", "-nodes", "-passin", "pass:s3cret", "-in"])
            .arg(&pfx));
        for e in expect {
            assert!(info.contains(e), "{profile:?}: {e:?} missing in\n{info}");
        }
        // OpenSSL 3.0 prints only the ASCII of a BMPString name; Python checks it whole.
        assert!(info.contains("friendlyName: Test"), "{info}");
        assert!(info.contains("subject=CN = pfx-test.example"), "{info}");
        assert!(info.contains("subject=CN = certreq-web Test CA"), "{info}");
        assert!(info.contains("-----BEGIN PRIVATE KEY-----"), "{info}");
        let key = run(Command::new(&openssl)
            .args([
                "pkcs12",
                "-nocerts",
                "-nodes",
                "-passin",
                "pass:s3cret",
                "-in",
            ])
            .arg(&pfx));
        let key_file = temp_file(&format!("{profile:?}.key"), key.as_bytes());
        let key_pub = run(Command::new(&openssl)
            .args(["pkey", "-pubout", "-in"])
            .arg(&key_file));
        assert_eq!(
            key_pub, cert_pub,
            "{profile:?}: the key does not match the certificate"
        );
    }
}

#[test]
fn python_cryptography_reads_both_profiles() {
    let venv = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/certreq-web/venv/bin/python"))
        .filter(|p| p.is_file());
    let Some(python) = venv.or_else(|| tool("python3")) else {
        return;
    };
    let probe = Command::new(&python)
        .args(["-c", "import cryptography"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipping the Python check: the cryptography package is not installed");
        return;
    }
    let f = fixture();
    let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
data = open(sys.argv[1], 'rb').read()
p = pkcs12.load_pkcs12(data, b's3cret')
pub = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
assert pub(p.key.public_key()) == pub(p.cert.certificate.public_key()), 'key mismatch'
print(p.cert.friendly_name.decode('utf-8'))
print(len(p.additional_certs))
print(p.additional_certs[0].certificate.subject.rfc4514_string())
"#;
    for profile in [Profile::Modern, Profile::Legacy] {
        let pfx = temp_file(
            &format!("py-{profile:?}.pfx"),
            &build(&f, profile, "s3cret"),
        );
        let out = run(Command::new(&python).args(["-c", script]).arg(&pfx));
        assert_eq!(
            out, "Test – Zertifikat\n1\nCN=certreq-web Test CA\n",
            "{profile:?}"
        );
    }
}

#[test]
fn reads_what_openssl_exports() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let f = fixture();
    let dir = certreq_testsupport::data_dir();
    let out = temp_file("openssl-export.pfx", b"");
    run(Command::new(&openssl)
        .args([
            "pkcs12",
            "-export",
            "-passout",
            "pass:s3cret",
            "-name",
            "From OpenSSL",
            "-inkey",
        ])
        .arg(dir.join("pfx-leaf.key"))
        .arg("-in")
        .arg(dir.join("pfx-leaf.crt"))
        .arg("-certfile")
        .arg(dir.join("pfx-ca.crt"))
        .arg("-out")
        .arg(&out));
    let back = read(&std::fs::read(&out).unwrap(), "s3cret").unwrap();
    assert_eq!(back.private_key_pkcs8.as_deref(), Some(f.key.as_slice()));
    assert_eq!(back.friendly_name.as_deref(), Some("From OpenSSL"));
    assert_eq!(back.certificates.len(), 2);
    assert!(back.certificates.contains(&f.leaf) && back.certificates.contains(&f.ca));
}

#[test]
fn absurd_iteration_counts_are_refused_when_reading() {
    let f = fixture();
    let pfx = build(&f, Profile::Legacy, "x");
    // Replace the MAC's iteration count (the last field of MacData) with 2^31 - 1.
    let mut items = Vec::<Any>::from_der(&pfx).unwrap();
    let mac = items.pop().unwrap();
    let mut mac_items = Vec::<Any>::from_der(&mac.to_der().unwrap()).unwrap();
    assert_eq!(mac_items.pop().unwrap().decode_as::<u32>().unwrap(), 2048);
    mac_items.push(Any::encode_from(&0x7fff_ffffu32).unwrap());
    items.push(Any::encode_from(&mac_items).unwrap());
    let hostile = items.to_der().unwrap();
    assert_eq!(
        read(&hostile, "x"),
        Err(Pkcs12Error::Unsupported(
            "an iteration count of 2147483647 (at most 10000000 is read)".into()
        ))
    );
}

#[test]
fn refuses_a_key_that_is_not_pkcs8() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.leaf,
        leaf: &f.leaf,
        chain: &[],
        friendly_name: None,
    };
    assert_eq!(
        write(&input, "x", Profile::Modern, &mut counter()),
        Err(Pkcs12Error::Malformed(
            "the private key is not PKCS #8 PrivateKeyInfo DER".into()
        ))
    );
}
