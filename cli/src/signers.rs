//! Certificates that sign, and the CA's exchange certificate: what `-new`, `-sign` and
//! `-policy` find in the key store (`-cert CertId`, `RenewalCert`) or fetch (`-xchg`,
//! `-config`), and the signing of a CMS `SignedData` by several keys.

use std::path::Path;

use certreq_pkix::cert::{CertParts, Certificate};
use certreq_pkix::pem;
use certreq_request::model::Hash;
use certreq_request::signed;

use crate::keys::KeyPair;
use crate::store::{CertIdKind, CertMatch, Store, StoredCert};

/// A certificate with its private key, from the store.
pub struct Signing {
    pub cert: Certificate,
    pub key: KeyPair,
}

impl Signing {
    pub fn der(&self) -> &[u8] {
        self.cert.der()
    }
}

/// Why a CertId found no certificate to sign with.
pub enum NotFound {
    None,
    Many(Vec<StoredCert>),
    NoKey(Box<StoredCert>),
}

impl NotFound {
    /// The message, for `what` (`-cert`, `RenewalCert`) naming `id`.
    pub fn message(&self, what: &str, id: &str, store: &Store) -> String {
        match self {
            NotFound::None => format!(
                "{what} `{id}`: no certificate in the key store {} has that thumbprint, serial \
                 number{}",
                store.root.display(),
                if what == "-cert" { " or subject" } else { "" }
            ),
            NotFound::Many(found) => {
                let list: Vec<String> = found.iter().map(describe).collect();
                format!(
                    "{what} `{id}` matches {} certificates; name one by its thumbprint: {}",
                    found.len(),
                    list.join("; ")
                )
            }
            NotFound::NoKey(c) => format!(
                "{what} `{id}` is {}, but the key store does not hold its private key (a CA's \
                 certificate from a chain, or a key removed), so it cannot sign",
                describe(c)
            ),
        }
    }
}

/// `CN=…, thumbprint …, serial …`.
pub fn describe(c: &StoredCert) -> String {
    format!(
        "{} (thumbprint {}, serial {})",
        c.cert.subject(),
        c.cert.thumbprint_sha1().to_ascii_lowercase(),
        c.cert.serial_hex().to_ascii_lowercase()
    )
}

/// The certificate `id` names and its key.
pub fn find(store: &Store, id: &str, kind: CertIdKind) -> Result<Signing, NotFound> {
    let found = match store.find_cert(id, kind) {
        CertMatch::One(c) => *c,
        CertMatch::None => return Err(NotFound::None),
        CertMatch::Many(all) => {
            // the same key's certificate found twice is not ambiguous (one with the key wins)
            let with_key: Vec<StoredCert> =
                all.iter().filter(|c| c.entry.is_some()).cloned().collect();
            match with_key.len() {
                1 => with_key.into_iter().next().ok_or(NotFound::None)?,
                _ => return Err(NotFound::Many(all)),
            }
        }
    };
    let Some(entry) = &found.entry else {
        return Err(NotFound::NoKey(Box::new(found)));
    };
    let key = entry
        .read_key()
        .ok()
        .and_then(|der| KeyPair::from_pkcs8_der(&der).ok());
    match key {
        Some(key) => Ok(Signing {
            cert: found.cert.clone(),
            key,
        }),
        None => Err(NotFound::NoKey(Box::new(found))),
    }
}

/// Signs every new signer of `unsigned` with its key, in order.
pub fn sign_all(unsigned: &signed::Unsigned, keys: &[&KeyPair]) -> Result<Vec<u8>, String> {
    if keys.len() != unsigned.to_be_signed.len() {
        return Err(format!(
            "{} key(s) for {} signer(s)",
            keys.len(),
            unsigned.to_be_signed.len()
        ));
    }
    let mut signatures = Vec::with_capacity(keys.len());
    for ((scheme, bytes), key) in unsigned.to_be_signed.iter().zip(keys) {
        signatures
            .push(key.sign(*scheme, bytes).map_err(|e| {
                format!("cannot sign ({}): {e}", crate::keys::scheme_name(*scheme))
            })?);
    }
    unsigned
        .finish(&signatures)
        .map_err(|e| format!("cannot finish the signed request: {e}"))
}

/// `digest(hash, bytes)` for the engine.
pub fn digest(hash: Hash, bytes: &[u8]) -> Vec<u8> {
    hash.digest(bytes)
}

/// Says on stderr that `cert`, about to sign as `role`, is not valid now (expired or not yet
/// valid), followed by `advice`: the request is still made, as certreq makes it, but a CA
/// refuses its signature (CERT_E_EXPIRED).
pub fn warn_unless_valid(cert: &Certificate, role: &str, advice: &str) {
    if !valid_at(cert, now()) {
        eprintln!(
            "certreq: warning: {role} {} is not valid now; a CA will refuse its signature{advice}",
            cert.subject()
        );
    }
}

/// Whether a certificate is valid at `now` (seconds since 1970).
pub fn valid_at(cert: &Certificate, now: i64) -> bool {
    cert.not_before() <= now && now <= cert.not_after()
}

/// Seconds since 1970.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Whether the certificate lists the Certificate Request Agent purpose.
pub fn is_enrollment_agent(der: &[u8]) -> bool {
    CertParts::read(der)
        .and_then(|p| p.has_eku(&certreq_pkix::oid::ENROLLMENT_AGENT))
        .unwrap_or(false)
}

/// A certificate read from a file (PEM of any label, or DER).
pub fn read_certificate_file(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = crate::submit::read_limited(path)?;
    let blocks = pem::read(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    blocks
        .into_iter()
        .next()
        .map(|b| b.der)
        .ok_or_else(|| format!("{} holds no certificate", path.display()))
}

/// `-HashAlgorithm`: sha1, sha256 (the default), sha384 or sha512.
pub fn hash_option(value: Option<&str>) -> Result<Hash, String> {
    let Some(v) = value else {
        return Ok(Hash::Sha256);
    };
    let norm: String = v
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    match norm.as_str() {
        "sha1" => Ok(Hash::Sha1),
        "sha256" => Ok(Hash::Sha256),
        "sha384" => Ok(Hash::Sha384),
        "sha512" => Ok(Hash::Sha512),
        _ => Err(format!(
            "-HashAlgorithm `{v}` is not a hash this program signs with: use sha256, sha384, \
             sha512 or sha1"
        )),
    }
}

/// The scheme a stored key signs with: RSA PKCS #1 v1.5 or ECDSA, with `hash`.
pub fn scheme_of(key: &KeyPair, hash: Hash) -> certreq_request::model::SignatureScheme {
    use certreq_request::model::{KeyAlgorithm, SignatureScheme};
    match key.algorithm() {
        KeyAlgorithm::Rsa { .. } => SignatureScheme::RsaPkcs1(hash),
        KeyAlgorithm::Ecdsa(_) => SignatureScheme::Ecdsa(hash),
    }
}

/// A request written as `-binary` (DER) or PEM: certreq's NEW CERTIFICATE REQUEST, or with
/// `-rfc7468` CERTIFICATE REQUEST for a PKCS #10 and CMS for a PKCS #7 or CMC request.
pub fn request_output(der: &[u8], binary: bool, rfc7468: bool) -> Vec<u8> {
    if binary {
        return der.to_vec();
    }
    let label = if !rfc7468 {
        pem::Label::NewCertificateRequest
    } else if certreq_pkix::signed::read(der).is_some() {
        pem::Label::Cms
    } else {
        pem::Label::CertificateRequest
    };
    pem::write(label, der).into_bytes()
}
