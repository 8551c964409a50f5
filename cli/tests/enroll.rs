//! `-submit`, `-retrieve` and `-accept` against a fake CA on 127.0.0.1 that answers with the
//! pages and objects of enrollment-protocols.md §1 and §2. The certificate it "issues" is
//! core's test certificate `pfx-leaf.crt`, whose key the tests put in the store.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;
#[path = "common/fake_ca.rs"]
mod fake_ca;

use std::path::{Path, PathBuf};
use std::process::Command;

use certreq_pkix::cert::Certificate;
use certreq_read::pkcs12::{self, MacPolicy};
use certreq_read::response;
use common::{Run, TempDir};
use fake_ca::{Answer, FakeCa};

const LEAF_PEM: &str = include_str!("../../tests/data/pfx-leaf.crt");
const CA_PEM: &str = include_str!("../../tests/data/pfx-ca.crt");
const LEAF_KEY_PEM: &str = include_str!("../../tests/data/pfx-leaf.key");
const REQUEST_DER: &[u8] = include_bytes!("../../tests/data/golden-full.der");

fn der_of(pem: &str) -> Vec<u8> {
    certreq_pkix::pem::read(pem.as_bytes()).unwrap()[0]
        .der
        .clone()
}

fn leaf() -> Certificate {
    certreq_read::response::certificate(&der_of(LEAF_PEM)).unwrap()
}

fn chain_p7b() -> Vec<u8> {
    certreq_pkix::cert::build_certs_only_pkcs7([leaf().der(), &der_of(CA_PEM)])
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

/// A store entry for `pfx-leaf.key`, as `-new` would have left it.
fn put_leaf_key(t: &TempDir, exportable: bool) -> PathBuf {
    let spki = leaf().spki_der().to_vec();
    let id = entry_id(&spki);
    let dir = t.store().join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key.pk8"), der_of(LEAF_KEY_PEM)).unwrap();
    std::fs::write(dir.join("request.der"), b"not used").unwrap();
    std::fs::write(
        dir.join("meta"),
        format!(
            "# certreq-web pending request\nformat=1\nid={id}\ncontainer={id}\ncreated=0\n\
             state=pending\nalgorithm=RSA-2048\nexportable={exportable}\n"
        ),
    )
    .unwrap();
    dir
}

/// A store entry for the golden request's key (no usable key file needed for -submit).
fn put_request_entry(t: &TempDir) -> PathBuf {
    use der::{Decode, Encode};
    let req = x509_cert::request::CertReq::from_der(REQUEST_DER).unwrap();
    let id = entry_id(&req.info.public_key.to_der().unwrap());
    let dir = t.store().join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key.pk8"), b"key").unwrap();
    std::fs::write(
        dir.join("meta"),
        format!("format=1\nid={id}\ncontainer={id}\nstate=pending\nexportable=false\n"),
    )
    .unwrap();
    dir
}

fn entry_id(spki: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(spki)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn meta(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("meta")).unwrap()
}

fn issued_page(id: u64) -> String {
    format!(
        "<HTML><Head><Title>Certificate Issued</Title></Head><Body>\r\n\
<P>The certificate you requested was issued to you.</P>\r\n\
<A Href=\"certnew.cer?ReqID={id}&amp;Enc=bin\">DER</A><BR>\r\n\
<A Href=\"certnew.p7b?ReqID={id}&amp;Enc=b64\">chain</A></Body></HTML>\r\n"
    )
}

const PENDING_PAGE: &str = "<Title>Certificate Pending</Title><P>Your certificate request has been \
received. However, you must wait for an administrator to issue the certificate you requested.</P>\r\n\
<P>Your Request Id is 13.</P>\r\n";

const DENIED_MESSAGE: &str = "Denied by Policy Module  0x80094800, The request was for a \
certificate template that is not supported by the Active Directory Certificate Services policy: Bogus.";

fn error_page(message: &str) -> String {
    format!(
        "<Title>Certificate Services Error</Title><DL>\r\n<DT><B>Disposition message:</B></DT><DD>\r\n\
\t\t{message}\r\n</DD>\r\n<DT><B>LastStatus:</B></DT><DD>\r\n\t\t{message}\r\n</DD></DL>\r\n"
    )
}

/// A Web Enrollment CA that issues request 42: the issued page, then the certificate with its
/// chain from `certnew.p7b` (what certreq-enroll's steps download, as the web app does).
fn issuing_ca() -> FakeCa {
    FakeCa::start(|seen| match (seen.method.as_str(), seen.target.as_str()) {
        ("POST", "/certsrv/certfnsh.asp") => Answer::html(&issued_page(42)),
        ("GET", "/certsrv/certnew.p7b?ReqID=42&Enc=bin") => {
            Answer::with(200, "application/x-pkcs7-certificates", &chain_p7b())
        }
        _ => Answer::with(404, "text/plain", b"not found"),
    })
}

fn form_field(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

#[test]
fn submit_issued_posts_the_form_and_writes_certificate_and_chain() {
    let t = TempDir::new("submit-issued");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let ca = issuing_ca();
    let config = format!("{}/certsrv/", ca.url);
    let run = certreq(
        &t,
        &[
            "-submit",
            "-config",
            &config,
            "-attrib",
            "CertificateTemplate:User\\nSAN:dns=a.example&dns=b.example",
            "web.req",
            "web.cer",
            "web.p7b",
        ],
        &[],
    );
    run.ok();
    assert_eq!(
        run.stdout,
        format!(
            "RequestId: 42\nRequestId: \"42\"\nCertificate retrieved(Issued) Issued\n\
             Certificate: web.cer\nChain: web.p7b\n  Subject: CN=pfx-test.example\n  \
             Thumbprint: {}\n",
            leaf().thumbprint_sha1().to_ascii_lowercase()
        )
    );
    // the form: Mode, the request (PEM), the attributes with \n turned into CRLF
    let seen = ca.seen();
    let post = &seen[0];
    assert_eq!(
        post.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(post.header("authorization"), None);
    let body = post.body_text();
    assert_eq!(form_field(&body, "Mode").as_deref(), Some("newreq"));
    assert_eq!(
        form_field(&body, "CertAttrib").as_deref(),
        Some("CertificateTemplate%3AUser%0D%0ASAN%3Adns%3Da.example%26dns%3Db.example")
    );
    assert_eq!(form_field(&body, "TargetStoreFlags").as_deref(), Some("0"));
    assert_eq!(form_field(&body, "SaveCert").as_deref(), Some("yes"));
    let request = form_field(&body, "CertRequest").unwrap();
    assert!(request.starts_with("-----BEGIN+CERTIFICATE+REQUEST-----%0D%0A"));
    // the files: the certificate as PEM CERTIFICATE, the chain as PEM PKCS7
    assert_eq!(
        std::fs::read_to_string(t.join("web.cer")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf().der())
    );
    assert_eq!(
        std::fs::read_to_string(t.join("web.p7b")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Pkcs7, &chain_p7b())
    );
    // the store entry remembers the request id and the CA
    let m = meta(&entry);
    assert!(m.contains("request_id=42\n"), "{m}");
    assert!(m.contains(&format!("ca={}/certsrv\n", ca.url)), "{m}");
    assert!(m.contains("disposition=issued\n"), "{m}");
    assert!(m.contains("state=pending\n"), "{m}");
}

#[test]
fn submit_binary_writes_der_and_refuses_existing_outputs_before_sending() {
    let t = TempDir::new("submit-binary");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let ca = issuing_ca();
    let config = format!("{}/certsrv", ca.url);
    certreq(
        &t,
        &["-submit", "-binary", "-config", &config, "web.req"],
        &[],
    )
    .ok();
    // CertOut defaults to the request's name with .cer
    assert_eq!(std::fs::read(t.join("web.cer")).unwrap(), leaf().der());
    let before = ca.seen().len();
    let run = certreq(&t, &["-submit", "-config", &config, "web.req"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: web.cer already exists; use -f to overwrite it\n"
    );
    assert_eq!(ca.seen().len(), before, "nothing may be sent");
    certreq(&t, &["-submit", "-f", "-config", &config, "web.req"], &[]).ok();
}

#[test]
fn submit_refuses_outputs_it_could_not_write_before_sending() {
    let t = TempDir::new("submit-outputs");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let ca = issuing_ca();
    let config = format!("{}/certsrv", ca.url);
    // a chain in a folder that does not exist: refused before the CA is asked, nothing written
    let run = certreq(
        &t,
        &[
            "-submit",
            "-config",
            &config,
            "web.req",
            "web.cer",
            "nodir/web.p7b",
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "certreq: error: cannot write nodir/web.p7b: its folder does not exist\n"
    );
    assert!(!t.join("web.cer").exists());
    // the certificate over the request, named another way: refused, even with -f
    let run = certreq(
        &t,
        &["-submit", "-f", "-config", &config, "web.req", "./web.req"],
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("would overwrite the request"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(t.join("web.req")).unwrap(), REQUEST_DER);
    // a folder where the certificate goes: refused before sending too, -f or not
    std::fs::create_dir(t.join("out.cer")).unwrap();
    let run = certreq(
        &t,
        &["-submit", "-f", "-config", &config, "web.req", "out.cer"],
        &[],
    );
    assert_eq!(
        run.stderr,
        "certreq: error: out.cer is a folder; name a file\n"
    );
    assert!(ca.seen().is_empty(), "nothing may be sent");
}

#[test]
fn an_issued_certificate_that_cannot_be_written_is_recorded_and_said_how_to_fetch() {
    let t = TempDir::new("submit-unwritten");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let ca = issuing_ca();
    let config = format!("{}/certsrv", ca.url);
    // a chain name the file system refuses (longer than a name may be): the check before
    // sending passes, the write after the CA issued fails, so neither file is written
    let chain = format!("{}.p7b", "c".repeat(300));
    let run = certreq(
        &t,
        &["-submit", "-config", &config, "web.req", "web.cer", &chain],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with(&format!("certreq: error: cannot write {chain}: "))
            && run.stderr.ends_with(&format!(
                "; the CA issued the certificate (RequestId 42): fetch it with certreq -retrieve \
                 -config {config} 42 CertOut\n"
            )),
        "{}",
        run.stderr
    );
    assert!(!t.join("web.cer").exists(), "both files or neither");
    let m = meta(&entry);
    assert!(
        m.contains("request_id=42\n") && m.contains("disposition=issued\n"),
        "{m}"
    );
}

#[test]
fn submit_pending_prints_the_request_id_and_records_it() {
    let t = TempDir::new("submit-pending");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let ca = FakeCa::start(|_| Answer::html(PENDING_PAGE));
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-config", &config, "web.req", "web.cer"], &[]);
    run.ok();
    assert_eq!(
        run.stdout,
        format!(
            "RequestId: 13\nRequestId: \"13\"\nCertificate request is pending: Taken Under Submission\n\
             When the CA has issued it: certreq -retrieve -config {config} 13 CertOut, then certreq -accept CertOut\n"
        )
    );
    assert!(!t.join("web.cer").exists());
    let m = meta(&entry);
    assert!(
        m.contains("request_id=13\n") && m.contains("disposition=pending\n"),
        "{m}"
    );
}

#[test]
fn a_certificate_that_does_not_come_after_the_ca_took_the_request_keeps_its_id() {
    // the CA issued request 42, then its certificate's download fails: the request id is kept
    // and the way to fetch it said, so the request is not submitted again (a second one)
    let t = TempDir::new("submit-undelivered");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let ca = FakeCa::start(|seen| match seen.method.as_str() {
        "POST" => Answer::html(&issued_page(42)),
        _ => Answer::with(500, "text/plain", b"the database is busy"),
    });
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-config", &config, "web.req", "web.cer"], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.starts_with("RequestId: 42\n"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("the CA took the request as request 42, but its certificate did not come")
            && run
                .stderr
                .contains(&format!("certreq -retrieve -config {config} 42 CertOut")),
        "{}",
        run.stderr
    );
    let m = meta(&entry);
    assert!(
        m.contains("request_id=42\n") && m.contains("disposition=pending\n"),
        "{m}"
    );
    assert!(!t.join("web.cer").exists());
}

#[test]
fn a_request_sent_again_leaves_an_issued_entry_as_it_was_and_names_a_replaced_pending_id() {
    let t = TempDir::new("submit-again");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let page = format!(
        "<P>Your certificate request was denied.</P>\r\n<P>Your Request Id is 31. The \
         disposition message is \"{DENIED_MESSAGE}\".</P>"
    );
    let ca = FakeCa::start(move |_| Answer::html(&page));
    let config = format!("{}/certsrv", ca.url);
    // an entry whose certificate was accepted: the denial of the same request sent again is
    // said, and not written over what the entry holds
    let accepted = format!(
        "{}request_id=30\ndisposition=issued\nthumbprint=00aa\n",
        meta(&entry).replace("state=pending", "state=issued")
    );
    std::fs::write(entry.join("meta"), &accepted).unwrap();
    let run = certreq(&t, &["-submit", "-config", &config, "web.req"], &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("holds its certificate already (00aa)"),
        "{}",
        run.stderr
    );
    assert_eq!(meta(&entry), accepted);
    // a pending entry sent again and taken as another request: the entry waits for the new
    // id, and the old one is named
    let pending = format!(
        "{}request_id=13\ndisposition=pending\n",
        accepted
            .split("request_id")
            .next()
            .unwrap()
            .replace("state=issued", "state=pending")
    );
    std::fs::write(entry.join("meta"), &pending).unwrap();
    let ca = FakeCa::start(move |_| Answer::html(&PENDING_PAGE.replace("13", "14")));
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-submit", "-config", &config, "web.req"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("sent before as request 13, still pending")
            && run.stderr.contains("certreq -retrieve 13"),
        "{}",
        run.stderr
    );
    let m = meta(&entry);
    assert!(
        m.contains("request_id=14\n") && m.contains("state=pending\n"),
        "{m}"
    );
}

#[test]
fn submit_denied_shows_the_ca_message_exits_1_and_keeps_the_key() {
    let t = TempDir::new("submit-denied");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let entry = put_request_entry(&t);
    let page = format!(
        "<P>Your certificate request was denied.</P>\r\n<P>Your Request Id is 9. The disposition \
         message is \"{DENIED_MESSAGE}\".</P>"
    );
    let ca = FakeCa::start(move |_| Answer::html(&page));
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-submit", "-config", &config, "web.req"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "RequestId: 9\nRequestId: \"9\"\n");
    assert_eq!(
        run.stderr,
        format!(
            // the CA's full stop gives way to what follows
            "certreq: error: the CA denied the request: {}; the key stays in the key store ({})\n  \
             0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE): This CA does not issue the \
             template the request names (it is misspelt, or not published on this CA).\n  \
             what to do: Name a template the CA offers (certreq -templates lists them) with \
             -attrib CertificateTemplate:NAME.\n",
            DENIED_MESSAGE.strip_suffix('.').unwrap(),
            entry.display()
        )
    );
    assert!(entry.join("key.pk8").exists());
    assert!(meta(&entry).contains(&format!("disposition=denied: {DENIED_MESSAGE}\n")));
}

#[test]
fn credentials_are_sent_as_basic_and_401_says_what_to_do() {
    let t = TempDir::new("submit-401");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    // as IIS answers when Basic is enabled and the credentials are wrong
    let ca = FakeCa::start(|_| {
        let mut a = Answer::with(
            401,
            "text/html",
            b"<title>401 - Unauthorized: Access is denied due to invalid credentials.</title>",
        );
        a.extra_headers
            .push(("WWW-Authenticate", "Basic realm=\"ca.example\"".into()));
        a
    });
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(
        &t,
        &["-submit", "-config", &config, "web.req"],
        &[("CERTREQ_USER", "alice"), ("CERTREQ_PASSWORD", "secret")],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.starts_with(&format!(
            "certreq: warning: sending the password over plain http to {config}; use https\n\
             certreq: error: the CA refused the credentials (HTTP 401 at {config}/certfnsh.asp): \
             check -username and -p (or CERTREQ_USER and CERTREQ_PASSWORD)\n"
        )),
        "{}",
        run.stderr
    );
    // base64("alice:secret")
    assert_eq!(
        ca.seen()[0].header("authorization"),
        Some("Basic YWxpY2U6c2VjcmV0")
    );
    // -username/-p win over the environment
    certreq(
        &t,
        &[
            "-submit",
            "-config",
            &config,
            "-username",
            "bob",
            "-p",
            "pw",
            "web.req",
        ],
        &[("CERTREQ_USER", "alice"), ("CERTREQ_PASSWORD", "secret")],
    );
    assert_eq!(ca.seen()[1].header("authorization"), Some("Basic Ym9iOnB3"));
}

#[test]
fn http_errors_and_unreachable_cas_are_explained() {
    let t = TempDir::new("submit-errors");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let ca = FakeCa::start(|_| Answer::with(413, "text/plain", b"too big"));
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-config", &config, "web.req"], &[]);
    assert_eq!(
        run.stderr,
        format!(
            "certreq: error: the CA refused the request as too large (HTTP 413 at {config}/certfnsh.asp)\n"
        )
    );
    // a port nobody listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!("http://127.0.0.1:{port}/certsrv");
    let run = certreq(&t, &["-config", &config, "web.req"], &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.starts_with(&format!(
            "certreq: error: cannot connect to {config}/certfnsh.asp"
        )),
        "{}",
        run.stderr
    );
    // command-line mistakes are exit 2
    for (args, expected) in [
        (
            &["-submit", "web.req"][..],
            "certreq: error: -submit needs the CA: give -config https://host/certsrv (AD CS Web \
             Enrollment) or -config https://host/.well-known/est (EST), or set CERTREQ_CONFIG\n",
        ),
        (
            &[
                "-submit",
                "-config",
                "https://ca/certsrv",
                "-attrib",
                "nocolon",
                "web.req",
            ][..],
            "certreq: error: -attrib pair `nocolon` is not Name:Value; separate pairs with \\n, \
             e.g. -attrib \"CertificateTemplate:WebServer\\nSAN:dns=a.example\"\n",
        ),
        (
            &[
                "-submit",
                "-config",
                "https://ca/certsrv",
                "a",
                "b",
                "c",
                "d",
            ][..],
            "certreq: error: unexpected argument `d`: FullResponseFileOut is not available (Web \
             Enrollment and EST return no CMC full response); certreq -submit takes RequestIn \
             [CertOut [ChainOut]]\n",
        ),
    ] {
        let run = certreq(&t, args, &[]);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert_eq!(run.stderr, expected);
    }
}

#[test]
fn retrieve_pending_unknown_and_issued() {
    let t = TempDir::new("retrieve");
    let ca = FakeCa::start(|seen| match seen.target.as_str() {
        "/certsrv/certnew.p7b?ReqID=13&Enc=bin" => {
            Answer::html(&error_page("Taken Under Submission"))
        }
        "/certsrv/certnew.p7b?ReqID=42&Enc=bin" => {
            Answer::with(200, "application/x-pkcs7-certificates", &chain_p7b())
        }
        _ => Answer::html(&error_page(
            "The requested property value is empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)",
        )),
    });
    let config = format!("{}/certsrv", ca.url);
    let run = certreq(&t, &["-retrieve", "-config", &config, "13", "x.cer"], &[]);
    run.ok();
    assert_eq!(
        run.stdout,
        "RequestId: 13\nRequestId: \"13\"\nCertificate request is pending: Taken Under Submission\n"
    );
    assert!(!t.join("x.cer").exists());

    let run = certreq(&t, &["-retrieve", "-config", &config, "0x63", "x.cer"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: cannot retrieve request 99: The requested property value is \
         empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)\n  \
         0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY): The CA knows no request with this id: \
         what is asked for does not exist.\n  \
         what to do: Check the request id (certreq printed it as RequestId) and that -config names \
         the CA that gave it.\n"
    );

    let entry = put_leaf_key(&t, false);
    certreq(
        &t,
        &["-retrieve", "-q", "-config", &config, "42", "x.cer"],
        &[],
    )
    .ok();
    assert_eq!(
        std::fs::read_to_string(t.join("x.cer")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf().der())
    );
    let m = meta(&entry);
    assert!(
        m.contains("request_id=42\n") && m.contains("disposition=issued\n"),
        "{m}"
    );
}

#[test]
fn est_enroll_issued_and_pending() {
    let t = TempDir::new("est");
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let p7b_b64 = {
        use base64ct::{Base64, Encoding};
        Base64::encode_string(&chain_p7b())
    };
    let ca = FakeCa::start(move |seen| match seen.target.as_str() {
        "/.well-known/est/simpleenroll" => Answer::with(
            200,
            "application/pkcs7-mime; smime-type=certs-only",
            p7b_b64.as_bytes(),
        ),
        t if t.ends_with("/cacerts") => Answer::with(
            200,
            "application/pkcs7-mime; smime-type=certs-only",
            p7b_b64.as_bytes(),
        ),
        _ => {
            let mut a = Answer::with(202, "text/plain", b"");
            a.extra_headers.push(("Retry-After", "10".into()));
            a
        }
    });
    let config = format!("{}/.well-known/est", ca.url);
    let run = certreq(
        &t,
        &[
            "-submit", "-q", "-config", &config, "web.req", "a.cer", "a.p7b",
        ],
        &[],
    );
    run.ok();
    assert_eq!(run.stdout, "Certificate retrieved(Issued) Issued\n");
    // the CA certificates first, for the chain (an answer that holds it already keeps its own)
    assert_eq!(
        (ca.seen()[0].method.as_str(), ca.seen()[0].target.as_str()),
        ("GET", "/.well-known/est/cacerts")
    );
    let seen = &ca.seen()[1];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("content-type"), Some("application/pkcs10"));
    {
        use base64ct::{Base64, Encoding};
        let body: String = seen.body_text().split_whitespace().collect();
        assert_eq!(Base64::decode_vec(&body).unwrap(), REQUEST_DER);
    }
    assert_eq!(
        std::fs::read_to_string(t.join("a.cer")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf().der())
    );
    assert_eq!(
        std::fs::read_to_string(t.join("a.p7b")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Pkcs7, &chain_p7b())
    );

    // a labelled EST base and a 202: pending, no request id
    let entry = put_request_entry(&t);
    let config = format!("{}/.well-known/est/User", ca.url);
    let run = certreq(
        &t,
        &["-submit", "-config", &config, "web.req", "b.cer"],
        &[],
    );
    run.ok();
    assert_eq!(
        run.stdout,
        "Certificate request is pending: Taken Under Submission (the server asks to wait 10 seconds)\n\
         EST has no request id: run the same `certreq -submit` again later to collect the certificate\n"
    );
    assert_eq!(ca.seen()[2].target, "/.well-known/est/User/cacerts");
    assert_eq!(ca.seen()[3].target, "/.well-known/est/User/simpleenroll");
    assert!(meta(&entry).contains("disposition=est-pending\n"));
    // -retrieve has nothing to ask EST
    let run = certreq(&t, &["-retrieve", "-config", &config, "1"], &[]);
    assert_eq!(run.code, Some(2));
}

#[test]
fn accept_binds_the_leaf_of_a_chain_listing_its_ca_first_when_the_cas_key_is_stored_too() {
    let t = TempDir::new("accept-ca-first");
    let leaf_entry = put_leaf_key(&t, false);
    // the CA's key is in the store too (its user issues with `-new -cert`): an entry for it
    let ca = certreq_read::response::certificate(&der_of(CA_PEM)).unwrap();
    let id = entry_id(ca.spki_der());
    let ca_entry = t.store().join(&id);
    std::fs::create_dir_all(&ca_entry).unwrap();
    std::fs::write(ca_entry.join("key.pk8"), b"key").unwrap();
    let ca_meta = format!(
        "format=1\nid={id}\ncontainer={id}\nstate=issued\nexportable=false\nthumbprint={}\n",
        ca.thumbprint_sha1()
    );
    std::fs::write(ca_entry.join("meta"), &ca_meta).unwrap();
    // the CA's certificate first, then the leaf
    let p7b = certreq_pkix::cert::build_certs_only_pkcs7([&der_of(CA_PEM)[..], leaf().der()]);
    std::fs::write(
        t.join("chain.p7b"),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Pkcs7, &p7b),
    )
    .unwrap();
    let run = certreq(&t, &["-accept", "chain.p7b"], &[]);
    run.ok();
    assert!(
        run.stdout.contains("Subject: CN=pfx-test.example"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(leaf_entry.join("cert.pem")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf().der())
    );
    assert!(meta(&leaf_entry).contains("state=issued\n"));
    assert_eq!(meta(&ca_entry), ca_meta, "the CA's entry is left as it was");
    assert!(!ca_entry.join("cert.pem").exists());
    // the same certificate again: nothing replaced, nothing said of it
    let run = certreq(&t, &["-accept", "chain.p7b"], &[]);
    run.ok();
    assert!(!run.stderr.contains("replaced"), "{}", run.stderr);
    // another certificate for the key (self-signed by OpenSSL): the one it held is said to be
    // replaced, by its thumbprint
    let Some(openssl) = certreq_testsupport::tool("openssl") else {
        return;
    };
    std::fs::write(t.join("leaf.key"), LEAF_KEY_PEM).unwrap();
    let made = Command::new(openssl)
        .current_dir(&t.path)
        .args([
            "req",
            "-x509",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=other",
            "-days",
            "2",
        ])
        .args(["-out", "other.cer"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let run = certreq(&t, &["-accept", "other.cer"], &[]);
    run.ok();
    let old = leaf().thumbprint_sha1().to_ascii_lowercase();
    assert!(
        run.stderr
            .contains(&format!("the key's certificate {old} is replaced")),
        "{}",
        run.stderr
    );
}

#[test]
fn accept_attaches_the_certificate_and_exports_a_pfx() {
    let t = TempDir::new("accept");
    let entry = put_leaf_key(&t, true);
    // a .p7b with leaf and CA, as AD CS's certnew.p7b
    std::fs::write(
        t.join("chain.p7b"),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, &chain_p7b()),
    )
    .unwrap();
    let run = certreq(
        &t,
        &["-accept", "-pfx", "out.pfx", "-p", "pw 1", "chain.p7b"],
        &[],
    );
    run.ok();
    let leaf = leaf();
    assert!(
        run.stdout.starts_with(&format!(
            "Installed Certificate:\n  Serial Number: {}\n  Subject: CN=pfx-test.example\n",
            leaf.serial_hex().to_ascii_lowercase()
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!(
        "  Thumbprint: {}\n",
        leaf.thumbprint_sha1().to_ascii_lowercase()
    )));
    assert!(
        run.stdout
            .ends_with("PFX: out.pfx (AES-256, SHA-256 MAC)\n")
    );
    // the entry: certificate, chain leaf → CA, state issued
    assert_eq!(
        std::fs::read_to_string(entry.join("cert.pem")).unwrap(),
        certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf.der())
    );
    let chain = response::parse(&std::fs::read(entry.join("chain.p7b")).unwrap()).unwrap();
    assert_eq!(chain.certificates().len(), 2);
    let m = meta(&entry);
    assert!(m.contains("state=issued\n"), "{m}");
    assert!(
        m.contains(&format!("thumbprint={}\n", leaf.thumbprint_sha1())),
        "{m}"
    );
    // the PFX: the stored key, the leaf and the CA, under the password
    let pfx = std::fs::read(t.join("out.pfx")).unwrap();
    let contents = pkcs12::read(&pfx, "pw 1", MacPolicy::Required).unwrap();
    assert_eq!(
        contents.private_key_pkcs8.as_ref().map(|k| k.to_vec()),
        Some(der_of(LEAF_KEY_PEM))
    );
    assert_eq!(contents.certificates.len(), 2);
    assert!(pkcs12::read(&pfx, "wrong", MacPolicy::Required).is_err());

    // again, legacy, password from the environment, -f to replace
    let run = certreq(
        &t,
        &[
            "-accept",
            "-pfx",
            "out.pfx",
            "-legacy",
            "-f",
            "-q",
            "chain.p7b",
        ],
        &[("CERTREQ_PFX_PASSWORD", "envpw")],
    );
    run.ok();
    assert!(run.stdout.is_empty());
    let pfx = std::fs::read(t.join("out.pfx")).unwrap();
    assert!(pkcs12::read(&pfx, "envpw", MacPolicy::Required).is_ok());
}

#[test]
fn accept_pfx_with_a_friendly_name_beyond_the_bmp_writes_the_pfx_without_it() {
    // -new takes any FriendlyName; a PFX's BMPString has no room for an emoji
    let t = TempDir::new("accept-emoji");
    let entry = put_leaf_key(&t, true);
    let meta_path = entry.join("meta");
    let mut m = std::fs::read_to_string(&meta_path).unwrap();
    m.push_str("friendly_name=Web \u{1F512} server\n");
    std::fs::write(&meta_path, m).unwrap();
    t.write("leaf.cer", LEAF_PEM);
    let run = certreq(
        &t,
        &["-accept", "-pfx", "o.pfx", "-p", "x", "leaf.cer"],
        &[],
    );
    run.ok();
    assert!(
        run.stderr.contains("warning: the PFX has no friendly name"),
        "{}",
        run.stderr
    );
    let pfx = std::fs::read(t.join("o.pfx")).unwrap();
    let contents = pkcs12::read(&pfx, "x", MacPolicy::Required).unwrap();
    assert_eq!(
        contents.private_key_pkcs8.as_ref().map(|k| k.to_vec()),
        Some(der_of(LEAF_KEY_PEM))
    );
    assert_eq!(contents.friendly_name, None);
    assert!(meta(&entry).contains("state=issued\n"));
}

#[test]
fn accept_refuses_a_certificate_without_a_stored_key_and_changes_nothing() {
    let t = TempDir::new("accept-mismatch");
    let entry = put_leaf_key(&t, true);
    let before = meta(&entry);
    t.write("ca.cer", CA_PEM);
    let run = certreq(&t, &["-accept", "ca.cer"], &[]);
    assert_eq!(run.code, Some(1));
    let ca = certreq_read::response::certificate(&der_of(CA_PEM)).unwrap();
    assert_eq!(
        run.stderr,
        format!(
            "certreq: error: no key in the key store {} matches the certificate (CN=certreq-web \
             Test CA, thumbprint {}): it was requested with another key, on another machine, or \
             by another user; nothing was changed\n",
            t.store().display(),
            ca.thumbprint_sha1().to_ascii_lowercase()
        )
    );
    assert_eq!(meta(&entry), before);
    assert!(!entry.join("cert.pem").exists());
    // a request is not a certificate
    std::fs::write(t.join("web.req"), REQUEST_DER).unwrap();
    let run = certreq(&t, &["-accept", "web.req"], &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("this is a certificate request, not a response")
    );
}

#[test]
fn accept_pfx_needs_an_exportable_key_and_a_password() {
    let t = TempDir::new("accept-export");
    let entry = put_leaf_key(&t, false);
    t.write("leaf.cer", LEAF_PEM);
    let before = meta(&entry);
    let run = certreq(
        &t,
        &["-accept", "-pfx", "o.pfx", "-p", "x", "leaf.cer"],
        &[],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: the key of CN=pfx-test.example is not exportable: its INF did not say \
         Exportable = TRUE; make a new request with Exportable = TRUE to get a PFX; nothing was changed\n"
    );
    assert!(!t.join("o.pfx").exists());
    assert_eq!(meta(&entry), before);
    let run = certreq(&t, &["-accept", "-pfx", "o.pfx", "leaf.cer"], &[]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "certreq: error: -pfx needs a password to protect the key: give -p Password or set CERTREQ_PFX_PASSWORD\n"
    );
    // without -pfx the certificate is accepted
    certreq(&t, &["-accept", "leaf.cer"], &[]).ok();
    assert!(meta(&entry).contains("state=issued\n"));
}

#[test]
fn verb_help_shows_syntax_and_options() {
    let t = TempDir::new("verb-help");
    for (verb, first, option) in [
        (
            "-submit",
            "Usage:\n  CertReq [-Submit] [Options] RequestFileIn [CertFileOut [CertChainFileOut]]\n",
            "  -attrib AttributeString\n",
        ),
        (
            "-retrieve",
            "Usage:\n  CertReq -Retrieve [Options] RequestId [CertFileOut [CertChainFileOut]]\n",
            "  -config URL ",
        ),
        (
            "-accept",
            "Usage:\n  CertReq -Accept [Options] [CertChainFileIn | FullResponseFileIn | CertFileIn]\n",
            "  -pfx PfxFileOut ",
        ),
        (
            "-importpfx",
            "Usage:\n  CertReq -ImportPFX [Options] PfxFileIn\n",
            "  -allownomac ",
        ),
    ] {
        let run = certreq(&t, &[verb, "-?"], &[]);
        run.ok();
        assert!(run.stdout.starts_with(first), "{}", run.stdout);
        assert!(run.stdout.contains(option), "{}", run.stdout);
    }
    let run = certreq(&t, &["-v", "-?"], &[]);
    for needle in [
        "  -cafile File ",
        "  -username UserName, -p Password\n",
        "  -legacy ",
        "  -allownomac ",
    ] {
        assert!(run.stdout.contains(needle), "{needle:?} in {}", run.stdout);
    }
}
