//! Shared helpers for the tests that drive the built `certreq` binary.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// A directory removed when dropped; holds the test's files and its own key store.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "certreq-cli-test-{}-{n}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The key store this test's runs use.
    pub fn store(&self) -> PathBuf {
        self.path.join("store")
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, text).expect("write test file");
        p
    }

    /// Runs certreq with this directory as working directory and its own store.
    pub fn certreq(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_certreq"))
            .args(args)
            .current_dir(&self.path)
            .env("CERTREQ_STORE", self.store())
            .env("USER", "tester")
            .output()
            .expect("run certreq");
        Run::from(out)
    }

    /// Entry directories in the store (ignoring nothing: a leftover staging directory counts).
    pub fn store_entries(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.store()) {
            Ok(dir) => {
                let mut v: Vec<PathBuf> = dir.map(|e| e.expect("dir entry").path()).collect();
                v.sort();
                v
            }
            Err(_) => Vec::new(),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(
            self.code,
            Some(0),
            "certreq failed:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// PEM text to (label, DER).
pub fn pem_decode(text: &[u8]) -> (String, Vec<u8>) {
    let (label, der) = der::pem::decode_vec(text).expect("valid PEM");
    (label.to_string(), der)
}

/// `Some(stdout+stderr)` of `openssl req -verify` on a request file, `None` without openssl.
pub fn openssl_verify(path: &Path, der: bool) -> Option<(bool, String)> {
    let mut cmd = Command::new(certreq_testsupport::tool("openssl")?);
    cmd.args(["req", "-verify", "-noout", "-in"]).arg(path);
    if der {
        cmd.args(["-inform", "DER"]);
    }
    match cmd.output() {
        Ok(out) => Some((
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )),
        Err(e) => panic!("openssl did not run: {e}"),
    }
}

/// The `SubjectPublicKeyInfo` DER of a request (PKCS#10 DER).
pub fn request_spki(request_der: &[u8]) -> Vec<u8> {
    use der::{Decode, Encode};
    let req = x509_cert::request::CertReq::from_der(request_der).expect("PKCS#10 DER");
    req.info.public_key.to_der().expect("SPKI encodes")
}

/// The public half (`SubjectPublicKeyInfo` DER) of a PKCS#8 private key, and its algorithm.
pub fn pkcs8_public(pkcs8: &[u8]) -> (&'static str, Vec<u8>) {
    use pkcs8::{DecodePrivateKey, EncodePublicKey};
    if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(pkcs8) {
        return (
            "RSA",
            k.to_public_key().to_public_key_der().unwrap().into_vec(),
        );
    }
    if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8) {
        return (
            "P-256",
            k.verifying_key().to_public_key_der().unwrap().into_vec(),
        );
    }
    if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8) {
        return (
            "P-384",
            k.verifying_key().to_public_key_der().unwrap().into_vec(),
        );
    }
    if let Ok(k) = p521::ecdsa::SigningKey::from_pkcs8_der(pkcs8) {
        return (
            "P-521",
            k.verifying_key().to_public_key_der().unwrap().into_vec(),
        );
    }
    panic!("key.pk8 is not a PKCS#8 key this program makes");
}
