//! Test support shared by the unit tests of every module.

use std::path::PathBuf;

/// The shared corpus of real INF files and certreq output: `$CERTREQ_CORPUS`, or `shared/corpus`
/// beside the repository (where CI puts it). Panics when it is missing, so corpus tests cannot
/// pass vacuously.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CERTREQ_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    assert!(
        dir.join("inf").is_dir(),
        "corpus not found at {}: set CERTREQ_CORPUS to the shared corpus directory",
        dir.display()
    );
    dir
}

/// A file of this crate's own test data (`core/tests/data/NAME`), as stored.
pub fn data_file(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DER of the first PEM block (or the DER) in test data file `name`.
pub fn data_der(name: &str) -> Vec<u8> {
    crate::pem::read(&data_file(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .remove(0)
        .der
}

/// The fixed RSA-2048 test key (`core/tests/data/test-rsa-2048.pk8.pem`).
pub fn rsa_key() -> rsa::PrivateKey {
    use rsa::pkcs8::DecodePrivateKey;
    rsa::PrivateKey::from_pkcs8_pem(include_str!("../tests/data/test-rsa-2048.pk8.pem"))
        .expect("test key")
}

/// An RSA PKCS #1 v1.5 signature of `msg` with `hash`.
pub fn rsa_sign(key: &rsa::PrivateKey, hash: crate::model::Hash, msg: &[u8]) -> Vec<u8> {
    use crate::model::Hash;
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let k = key.clone();
    match hash {
        Hash::Sha1 => SigningKey::<sha1::Sha1>::new(k).sign(msg).to_vec(),
        Hash::Sha256 => SigningKey::<sha2::Sha256>::new(k).sign(msg).to_vec(),
        Hash::Sha384 => SigningKey::<sha2::Sha384>::new(k).sign(msg).to_vec(),
        Hash::Sha512 => SigningKey::<sha2::Sha512>::new(k).sign(msg).to_vec(),
    }
}

/// Fixed client facts for certreq's default attributes.
pub fn client() -> crate::encode::ClientInfo {
    crate::encode::ClientInfo {
        os_version: "6.1.0".into(),
        machine: "TESTHOST".into(),
        user: "TESTHOST\\tester".into(),
        process: "certreq".into(),
        provider: "certreq-web test provider".into(),
    }
}
