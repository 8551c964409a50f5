//! The life cycle's refusals, driving the built `certreq`: a renewal whose certificate the
//! store does not hold, holds twice, or holds without its key; an enrollment agent without the
//! Certificate Request Agent purpose; a CA exchange certificate that is not one; archival of a
//! key that may not be exported. Each is an error at its INF line, made before any key: no
//! output, and the store as it was. (The requests themselves are checked end to end against
//! devca and by OpenSSL in tests/interop/test_cli_lifecycle.py.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;

use common::TempDir;
use std::path::Path;
use std::process::Command;

/// A certificate with its key in the store: `RequestType = Cert`, self-signed, with `extra`
/// INF lines. Returns its SHA-1 thumbprint (from certreq's output).
fn stored_certificate(t: &TempDir, name: &str, subject: &str, extra: &str) -> String {
    let inf = format!(
        "[NewRequest]\nSubject = \"{subject}\"\nRequestType = Cert\nKeyAlgorithm = ECDSA_P256\n\
         HashAlgorithm = SHA256\n{extra}"
    );
    t.write(&format!("{name}.inf"), &inf);
    let run = t.certreq(&["-new", &format!("{name}.inf"), &format!("{name}.cer")]);
    run.ok();
    run.stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Thumbprint: "))
        .expect("a thumbprint line")
        .to_string()
}

/// Runs `-new` on `inf` and checks that it failed with an error at `line:col`, wrote nothing
/// and changed nothing in the store.
#[track_caller]
fn refused(t: &TempDir, inf: &str, extra_args: &[&str], at: &str) -> String {
    t.write("bad.inf", inf);
    let before = listing(&t.store());
    let mut args = vec!["-new"];
    args.extend_from_slice(extra_args);
    args.extend(["bad.inf", "bad.req"]);
    let run = t.certreq(&args);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("bad.inf:{at}: error: ")),
        "expected an error at {at}:\n{}",
        run.stderr
    );
    assert!(!t.join("bad.req").exists(), "no output");
    assert_eq!(listing(&t.store()), before, "the store did not change");
    run.stderr
}

/// Every file under `dir`, with its size.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(listing(&p));
        } else {
            out.push((
                p.display().to_string(),
                std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn a_renewal_certificate_the_store_does_not_hold_is_refused_at_its_line() {
    let t = TempDir::new("renew-missing");
    stored_certificate(&t, "a", "CN=a.example", "");
    let inf = "[NewRequest]\nRequestType = PKCS7\nRenewalCert = \"01 02 03 04\"\n";
    let err = refused(&t, inf, &[], "3:15");
    assert!(err.contains("no certificate in the key store"), "{err}");
    // RenewalCert takes a thumbprint or serial, not a subject
    let inf = "[NewRequest]\nRequestType = PKCS7\nRenewalCert = a.example\n";
    let err = refused(&t, inf, &[], "3:15");
    assert!(err.contains("is not a certificate thumbprint"), "{err}");
}

#[test]
fn a_renewal_certificate_found_by_thumbprint_in_any_case_with_blanks_as_windows_copies_it() {
    let t = TempDir::new("renew-found");
    let thumb = stored_certificate(&t, "a", "CN=renew.example", "");
    let spaced: String = thumb
        .to_ascii_uppercase()
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    t.write(
        "renew.inf",
        &format!(
            // Windows' certificate dialog copies a thumbprint with a left-to-right mark first
            "[NewRequest]\nRequestType = PKCS7\nRenewalCert = \"\u{200e}{spaced}\"\n\
             KeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n"
        ),
    );
    let run = t.certreq(&["-new", "renew.inf", "renew.req"]);
    run.ok();
    assert!(
        run.stdout.contains("Renews: CN=renew.example"),
        "{}",
        run.stdout
    );
    // the renewal request carries the renewed certificate: given to -accept by mistake, it
    // is refused as a request, and the store keeps what it held
    let before = listing(&t.store());
    let accept = t.certreq(&["-accept", "renew.req"]);
    assert_eq!(accept.code, Some(1), "{}", accept.stdout);
    assert!(
        accept
            .stderr
            .contains("this is a PKCS #7 certificate request"),
        "{}",
        accept.stderr
    );
    assert_eq!(listing(&t.store()), before, "the store did not change");
}

#[test]
fn a_renewal_certificate_without_its_key_is_refused() {
    let t = TempDir::new("renew-nokey");
    let thumb = stored_certificate(&t, "a", "CN=a.example", "");
    // the key goes; the certificate stays
    let entry = t.store_entries().into_iter().next().unwrap();
    std::fs::remove_file(entry.join("key.pk8")).unwrap();
    let inf = format!("[NewRequest]\nRequestType = CMC\nRenewalCert = {thumb}\n");
    let err = refused(&t, &inf, &[], "3:15");
    // (the diagnostic's code, renewal-cert-no-key, is not printed: its message is)
    assert!(err.contains("does not hold its private key"), "{err}");
}

#[test]
fn an_ambiguous_renewal_certificate_is_refused() {
    let Some(openssl) = certreq_testsupport::tool("openssl") else {
        return;
    };
    let t = TempDir::new("renew-twice");
    // two certificates with the same serial number, each with its key, through -importpfx
    for name in ["one", "two"] {
        let status = Command::new(&openssl)
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-set_serial",
                "4660",
            ])
            .args(["-subj", &format!("/CN={name}.example")])
            .args([
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.crt"),
            ])
            .current_dir(&t.path)
            .output()
            .unwrap();
        assert!(status.status.success());
        let status = Command::new(&openssl)
            .args(["pkcs12", "-export", "-passout", "pass:pw"])
            .args([
                "-inkey",
                &format!("{name}.key"),
                "-in",
                &format!("{name}.crt"),
            ])
            .args(["-out", &format!("{name}.pfx")])
            .current_dir(&t.path)
            .output()
            .unwrap();
        assert!(status.status.success());
        t.certreq(&["-importpfx", "-p", "pw", &format!("{name}.pfx")])
            .ok();
    }
    let inf = "[NewRequest]\nRequestType = PKCS7\nRenewalCert = 1234\n";
    let err = refused(&t, inf, &[], "3:15");
    assert!(err.contains("matches 2 certificates"), "{err}");
}

#[test]
fn an_agent_without_the_certificate_request_agent_purpose_is_refused() {
    let t = TempDir::new("agent");
    let plain = stored_certificate(&t, "plain", "CN=Not An Agent", "");
    let inf = "[NewRequest]\nRequestType = CMC\nRequesterName = CONTOSO\\alice\n";
    let err = refused(&t, inf, &["-cert", &plain], "3:17");
    assert!(err.contains("Certificate Request Agent"), "{err}");
    // and without any -cert
    let err = refused(&t, inf, &[], "3:17");
    assert!(
        err.contains("must be signed by an enrollment agent"),
        "{err}"
    );
    // an agent certificate is taken
    let agent = stored_certificate(
        &t,
        "agent",
        "CN=Agent",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.20.2.1\n",
    );
    t.write("eobo.inf", inf);
    let run = t.certreq(&["-new", "-cert", &agent, "eobo.inf", "eobo.req"]);
    run.ok();
    assert!(
        run.stdout.contains("On behalf of CONTOSO\\alice"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_certificate_that_is_not_an_exchange_certificate_is_refused() {
    let t = TempDir::new("xchg");
    stored_certificate(&t, "plain", "CN=Not Xchg", "");
    let inf = "[NewRequest]\nSubject = \"CN=x\"\nRequestType = CMC\nPrivateKeyArchive = TRUE\n";
    let err = refused(&t, inf, &["-xchg", "plain.cer"], "4:21");
    assert!(err.contains("1.3.6.1.4.1.311.21.5"), "{err}");
    // no exchange certificate at all
    let err = refused(&t, inf, &[], "4:21");
    assert!(err.contains("neither -xchg nor -config"), "{err}");
}

#[test]
fn archival_of_a_key_that_may_not_be_exported_is_refused_at_that_line() {
    let t = TempDir::new("noexport");
    let inf = "[NewRequest]\nSubject = \"CN=x\"\nRequestType = CMC\nExportable = FALSE\n\
               PrivateKeyArchive = TRUE\n";
    let err = refused(&t, inf, &[], "4:14");
    assert!(err.contains("must be readable"), "{err}");
}

#[test]
fn pkcs7_needs_a_signer_and_pkcs10_takes_no_cert() {
    let t = TempDir::new("p7signer");
    let err = refused(&t, "[NewRequest]\nRequestType = PKCS7\n", &[], "2:15");
    assert!(err.contains("signed by a certificate's key"), "{err}");
    let thumb = stored_certificate(&t, "a", "CN=a", "");
    t.write("p10.inf", "[NewRequest]\nSubject = \"CN=b\"\n");
    let run = t.certreq(&["-new", "-cert", &thumb, "p10.inf", "p10.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("-cert does not apply to RequestType = PKCS10")
    );
}

#[test]
fn a_ca_certificate_under_an_issuer_of_path_length_0_is_warned_about() {
    let t = TempDir::new("pathlen");
    let ca_lines = "KeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE\"\n\
                    [BasicConstraintsExtension]\nCA = TRUE\nPathLength = 0\nCritical = TRUE\n";
    let root = stored_certificate(&t, "root", "CN=PL Root", ca_lines);
    let warning = "has path length 0, so it may sign no CA certificate";
    // a CA below it: said, and made (certreq makes what it is asked to)
    t.write(
        "int.inf",
        &format!(
            "[NewRequest]\nSubject = \"CN=PL Intermediate\"\nRequestType = Cert\n\
             KeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n{ca_lines}"
        ),
    );
    let run = t.certreq(&["-new", "-cert", &root, "int.inf", "int.cer"]);
    run.ok();
    assert!(run.stderr.contains(warning), "{}", run.stderr);
    assert!(run.stderr.contains("CN=PL Root"), "{}", run.stderr);
    // a leaf below it: nothing to say
    t.write(
        "leaf.inf",
        "[NewRequest]\nSubject = \"CN=pl-leaf\"\nRequestType = Cert\nKeyAlgorithm = ECDSA_P256\n\
         HashAlgorithm = SHA256\n",
    );
    let run = t.certreq(&["-new", "-cert", &root, "leaf.inf", "leaf.cer"]);
    run.ok();
    assert!(!run.stderr.contains(warning), "{}", run.stderr);
}

#[test]
fn a_renewal_or_signing_certificate_that_has_expired_is_warned_about() {
    let t = TempDir::new("renew-expired");
    let validity = "NotBefore = \"1/1/2020 10:00 AM\"\nNotAfter = \"1/1/2021 10:00 AM\"\n";
    let expired = stored_certificate(&t, "old", "CN=expired.example", validity);
    let current = stored_certificate(&t, "new", "CN=current.example", "");
    let warning = "is not valid now; a CA will refuse its signature";
    let renew = |thumb: &str| {
        t.write(
            "renew.inf",
            &format!(
                "[NewRequest]\nRequestType = PKCS7\nRenewalCert = {thumb}\n\
                 KeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n"
            ),
        );
        let run = t.certreq(&["-new", "-f", "renew.inf", "renew.req"]);
        // made, as certreq makes it; the CA decides
        run.ok();
        run.stderr
    };
    let said = renew(&expired);
    assert!(
        said.contains(&format!("RenewalCert CN=expired.example {warning}"))
            && said.contains("make a new request rather than a renewal"),
        "{said}"
    );
    assert!(!renew(&current).contains(warning));
    // -sign says the same of its signer
    let run = t.certreq(&["-sign", "-f", "-cert", &expired, "renew.req", "signed.req"]);
    run.ok();
    assert!(run.stderr.contains(warning), "{}", run.stderr);
    // it renews nothing: no renewal advice
    assert!(!run.stderr.contains("renewal"), "{}", run.stderr);
}
