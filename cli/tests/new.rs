//! `certreq -new` end to end: INF in, request out, key in the store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;
use common::{TempDir, openssl_verify, pem_decode, pkcs8_public, request_spki};
use std::path::{Path, PathBuf};

const SIMPLE: &str = "[Version]\r\nSignature = \"$Windows NT$\"\r\n\r\n[NewRequest]\r\nSubject = \"CN=host.example.com, O=Example\"\r\nKeyLength = 2048\r\nHashAlgorithm = SHA256\r\n";

/// The one entry directory in the store.
fn only_entry(t: &TempDir) -> PathBuf {
    let entries = t.store_entries();
    assert_eq!(entries.len(), 1, "store entries: {entries:?}");
    entries.into_iter().next().unwrap()
}

#[track_caller]
fn assert_openssl_accepts(path: &std::path::Path, der: bool) {
    if let Some((ok, text)) = openssl_verify(path, der) {
        assert!(ok, "openssl rejected {}:\n{text}", path.display());
        assert!(text.contains("verify OK"), "{text}");
    }
}

#[test]
fn new_request_is_certreq_pem_that_openssl_verifies_and_its_key_is_stored() {
    let t = TempDir::new("pem");
    t.write("web.inf", SIMPLE);
    let run = t.certreq(&["-new", "web.inf", "web.req"]);
    run.ok();
    let entry = only_entry(&t);
    assert_eq!(
        run.stdout,
        format!(
            "CertReq: Request Created\nRequest: web.req\nKey: RSA-2048 stored in {}\n",
            entry.display()
        )
    );

    let pem = std::fs::read(t.join("web.req")).unwrap();
    assert!(pem.starts_with(b"-----BEGIN NEW CERTIFICATE REQUEST-----\r\n"));
    let (label, der) = pem_decode(&pem);
    assert_eq!(label, "NEW CERTIFICATE REQUEST");
    assert_openssl_accepts(&t.join("web.req"), false);

    // the entry: the key (private to the user) whose public half is in the request
    let key = std::fs::read(entry.join("key.pk8")).unwrap();
    let (alg, public) = pkcs8_public(&key);
    assert_eq!(alg, "RSA");
    assert_eq!(public, request_spki(&der));
    assert_eq!(std::fs::read(entry.join("request.der")).unwrap(), der);
    assert_eq!(
        std::fs::read_to_string(entry.join("request.inf")).unwrap(),
        SIMPLE
    );
    let meta = std::fs::read_to_string(entry.join("meta")).unwrap();
    let id = entry.file_name().unwrap().to_str().unwrap();
    assert_eq!(id.len(), 32);
    for line in [
        "format=1",
        &format!("id={id}"),
        &format!("container={id}"),
        "state=pending",
        "algorithm=RSA-2048",
        "exportable=false",
    ] {
        assert!(
            meta.lines().any(|l| l == line),
            "no {line:?} in meta:\n{meta}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(entry.join("key.pk8")), 0o600);
        assert_eq!(mode(entry.clone()), 0o700);
        assert_eq!(mode(t.store()), 0o700);
    }
}

#[test]
fn binary_writes_der() {
    let t = TempDir::new("der");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=binary\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    let run = t.certreq(&["-new", "-q", "-binary", "a.inf", "a.der"]);
    run.ok();
    assert_eq!(run.stdout, "");
    let der = std::fs::read(t.join("a.der")).unwrap();
    assert_eq!(der.first(), Some(&0x30));
    assert_eq!(
        request_spki(&der),
        pkcs8_public(&std::fs::read(only_entry(&t).join("key.pk8")).unwrap()).1
    );
    assert_openssl_accepts(&t.join("a.der"), true);
}

#[test]
fn archival_options_without_archival_are_said_to_be_unused() {
    let t = TempDir::new("xchg-unused");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=no archive\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    let run = t.certreq(&[
        "-new",
        "-q",
        "-xchg",
        "missing.cer",
        "-config",
        "https://ca.invalid/certsrv",
        "a.inf",
        "a.req",
    ]);
    run.ok();
    assert_eq!(
        run.stderr,
        "certreq: warning: -xchg and -config not used: -new reads them for key archival alone, \
         and the INF does not say PrivateKeyArchive = TRUE\n"
    );
    assert!(t.join("a.req").exists());
}

#[test]
fn rfc7468_uses_the_standard_label() {
    let t = TempDir::new("rfc");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=label\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    t.certreq(&["-new", "-q", "-rfc7468", "a.inf", "a.req"])
        .ok();
    let (label, _) = pem_decode(&std::fs::read(t.join("a.req")).unwrap());
    assert_eq!(label, "CERTIFICATE REQUEST");
    // a CMC request is CMS, not a PKCS#10 request, so it takes RFC 7468's CMS label; without
    // -rfc7468 it has certreq's, as Windows writes it
    t.write(
        "c.inf",
        "[NewRequest]\nSubject = \"CN=label\"\nKeyAlgorithm = ECDSA_P256\nRequestType = CMC\n",
    );
    t.certreq(&["-new", "-q", "-rfc7468", "c.inf", "c.req"])
        .ok();
    let (label, der) = pem_decode(&std::fs::read(t.join("c.req")).unwrap());
    assert_eq!(label, "CMS");
    assert!(certreq_pkix::cmc::read(&der).is_some());
    t.certreq(&["-new", "-q", "c.inf", "d.req"]).ok();
    let (label, _) = pem_decode(&std::fs::read(t.join("d.req")).unwrap());
    assert_eq!(label, "NEW CERTIFICATE REQUEST");
}

#[test]
fn rsa_3072_and_p384_and_p521_and_pss_requests_verify() {
    let cases = [
        (
            "KeyLength = 3072\nHashAlgorithm = SHA384\n",
            "RSA",
            "RSA-3072",
        ),
        (
            "KeyAlgorithm = ECDSA_P384\nHashAlgorithm = SHA384\n",
            "P-384",
            "ECDSA-P384",
        ),
        (
            "KeyAlgorithm = ECDSA_P521\nHashAlgorithm = SHA512\n",
            "P-521",
            "ECDSA-P521",
        ),
        (
            "KeyLength = 2048\nAlternateSignatureAlgorithm = TRUE\n",
            "RSA",
            "RSA-2048",
        ),
    ];
    for (keys, alg, described) in cases {
        let t = TempDir::new("algs");
        t.write(
            "a.inf",
            &format!("[NewRequest]\nSubject = \"CN=alg\"\n{keys}"),
        );
        let run = t.certreq(&["-new", "a.inf", "a.req"]);
        run.ok();
        assert!(
            run.stdout.contains(&format!("Key: {described} stored in ")),
            "{}",
            run.stdout
        );
        let entry = only_entry(&t);
        let (found, public) = pkcs8_public(&std::fs::read(entry.join("key.pk8")).unwrap());
        assert_eq!(found, alg);
        let (_, der) = pem_decode(&std::fs::read(t.join("a.req")).unwrap());
        assert_eq!(public, request_spki(&der));
        assert_openssl_accepts(&t.join("a.req"), false);
    }
}

#[test]
fn existing_output_is_kept_without_f_and_replaced_with_it() {
    let t = TempDir::new("force");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=force\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    t.write("a.req", "precious");
    let run = t.certreq(&["-new", "a.inf", "a.req"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: a.req already exists; use -f to overwrite it\n"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("a.req")).unwrap(),
        "precious"
    );
    assert!(t.store_entries().is_empty());

    t.certreq(&["-new", "-q", "-f", "a.inf", "a.req"]).ok();
    assert!(
        std::fs::read_to_string(t.join("a.req"))
            .unwrap()
            .starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----")
    );
    assert_eq!(t.store_entries().len(), 1);
}

#[cfg(unix)]
#[test]
fn an_output_is_written_through_a_link_and_into_stdout() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let t = TempDir::new("through");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=through\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    std::fs::create_dir(t.join("pki")).unwrap();
    let real = t.join("pki").join("a.req");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    symlink("pki/a.req", t.join("current.req")).unwrap();
    // -f replaces what the link names, not the link, and the file stays as private
    t.certreq(&["-new", "-q", "-f", "a.inf", "current.req"])
        .ok();
    assert_eq!(
        std::fs::read_link(t.join("current.req")).unwrap(),
        Path::new("pki/a.req")
    );
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(written.starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----"));
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // standard output (a pipe here) is written into, with no -f: it holds nothing to replace
    let run = t.certreq(&["-new", "-q", "a.inf", "/dev/stdout"]);
    run.ok();
    assert!(
        run.stdout
            .starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----"),
        "{}",
        run.stdout
    );
    assert_eq!(t.store_entries().len(), 2);
}

#[test]
fn without_an_output_name_the_request_goes_next_to_the_inf_as_req() {
    let t = TempDir::new("default-out");
    std::fs::create_dir(t.join("sub")).unwrap();
    t.write(
        "sub/server.inf",
        "[NewRequest]\nSubject = \"CN=x\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    t.certreq(&["-new", "-q", "sub/server.inf"]).ok();
    assert!(t.join("sub/server.req").is_file());
}

#[test]
fn a_self_signed_certificate_goes_next_to_the_inf_as_cer_and_is_never_overwritten() {
    let t = TempDir::new("default-cer");
    let inf = "[NewRequest]\nSubject = \"CN=lab\"\nKeyAlgorithm = ECDSA_P256\nRequestType = Cert\n";
    t.write("lab.inf", inf);
    // a request made from the INF earlier is not in the way
    t.write("lab.req", "an earlier request");
    let run = t.certreq(&["-new", "lab.inf"]);
    run.ok();
    assert!(
        run.stdout
            .starts_with("CertReq: Certificate Created\nCertificate: lab.cer\n")
    );
    let pem = std::fs::read_to_string(t.join("lab.cer")).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\r\n"));
    assert_eq!(
        std::fs::read_to_string(t.join("lab.req")).unwrap(),
        "an earlier request"
    );
    // a second run would replace lab.cer: refused before a key is made
    let run = t.certreq(&["-new", "lab.inf"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .ends_with("certreq: error: lab.cer already exists; use -f to overwrite it\n"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(t.join("lab.cer")).unwrap(), pem);
    assert_eq!(t.store_entries().len(), 1, "no second key was made");
}

#[test]
fn a_bad_inf_fails_with_located_errors_and_leaves_nothing_behind() {
    let t = TempDir::new("bad");
    t.write(
        "bad.inf",
        "[NewRequest]\nSubject = \"CN=x\"\nKeyLength = banana\n",
    );
    let run = t.certreq(&["-new", "-q", "bad.inf", "bad.req"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    let first = run.stderr.lines().next().unwrap_or("");
    assert!(first.starts_with("bad.inf:3:"), "{}", run.stderr);
    assert!(first.contains(": error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(" 3 | KeyLength = banana\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("   | "), "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("   | ") && l.contains('^')),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("in bad.inf; no request written\n"),
        "{}",
        run.stderr
    );
    assert!(!t.join("bad.req").exists());
    assert!(t.store_entries().is_empty());
}

#[test]
fn reusing_a_missing_key_container_is_a_located_error() {
    let t = TempDir::new("missing-container");
    t.write(
        "reuse.inf",
        "[NewRequest]\nSubject = \"CN=reuse\"\nUseExistingKeySet = TRUE\nKeyContainer = NoSuchKey\nHashAlgorithm = SHA256\n",
    );
    let run = t.certreq(&["-new", "reuse.inf", "reuse.req"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        format!(
            "reuse.inf:4:16: error: no key named `NoSuchKey` in the key store {}\n \
             4 | KeyContainer = NoSuchKey\n   \
             |                ^~~~~~~~~\n   \
             = help: set UseExistingKeySet = FALSE to make a new key, or name a stored key\n",
            t.store().display()
        )
    );
    assert!(!t.join("reuse.req").exists());
    assert!(t.store_entries().is_empty());
}

#[test]
fn key_container_names_the_entry_and_use_existing_key_set_reuses_it() {
    let t = TempDir::new("container");
    t.write(
        "first.inf",
        "[NewRequest]\nSubject = \"CN=first\"\nKeyAlgorithm = ECDSA_P256\nKeyContainer = MyKey\nFriendlyName = \"My key\"\nHashAlgorithm = SHA256\n",
    );
    t.certreq(&["-new", "-q", "first.inf", "first.req"]).ok();
    let entry = only_entry(&t);
    let meta = std::fs::read_to_string(entry.join("meta")).unwrap();
    assert!(meta.lines().any(|l| l == "container=MyKey"), "{meta}");
    assert!(meta.lines().any(|l| l == "friendly_name=My key"), "{meta}");

    // the same name without UseExistingKeySet: refused, nothing changes
    let run = t.certreq(&["-new", "first.inf", "again.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("first.inf:4:16: error: the key store already has a key named `MyKey`\n"),
        "{}",
        run.stderr
    );
    assert!(!t.join("again.req").exists());

    t.write(
        "second.inf",
        "[NewRequest]\nSubject = \"CN=second\"\nKeyAlgorithm = ECDSA_P256\nKeyContainer = mykey\nUseExistingKeySet = TRUE\n",
    );
    let run = t.certreq(&["-new", "second.inf", "second.req"]);
    run.ok();
    assert!(
        run.stdout
            .contains(&format!("Key: ECDSA-P256 reused in {}", entry.display())),
        "{}",
        run.stdout
    );
    assert_eq!(only_entry(&t), entry);
    let spki = |name: &str| request_spki(&pem_decode(&std::fs::read(t.join(name)).unwrap()).1);
    assert_eq!(spki("first.req"), spki("second.req"));
    // the entry now records the latest request
    let (_, second_der) = pem_decode(&std::fs::read(t.join("second.req")).unwrap());
    assert_eq!(
        std::fs::read(entry.join("request.der")).unwrap(),
        second_der
    );
    assert_openssl_accepts(&t.join("second.req"), false);
}

#[test]
fn when_the_output_cannot_be_written_the_new_key_is_removed_again() {
    let t = TempDir::new("rollback");
    t.write(
        "a.inf",
        "[NewRequest]\nSubject = \"CN=x\"\nKeyAlgorithm = ECDSA_P256\n",
    );
    let run = t.certreq(&["-new", "-q", "a.inf", "no/such/dir/a.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("certreq: error: cannot write no/such/dir/a.req: "),
        "{}",
        run.stderr
    );
    assert!(t.store_entries().is_empty(), "{:?}", t.store_entries());
}
