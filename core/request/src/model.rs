//! The typed request: what an INF asks for, independent of any syntax.
//!
//! [`crate::lower`] builds a [`NewRequest`] from a `certreq_inf::Inf`; [`crate::encode`]
//! turns it plus a public key into DER. Nothing here refers back to INF text.

pub use certreq_pkix::alg::{Curve, Hash, KeyAlgorithm, SignatureScheme};
use certreq_pkix::oid::ObjectIdentifier;
use x509_cert::ext::Extension;
use x509_cert::name::Name;

/// `RequestType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestType {
    #[default]
    Pkcs10,
    Pkcs7,
    Cmc,
    /// A self-signed certificate instead of a request.
    Cert,
    Scep,
}

/// `KeySpec`: the legacy CryptoAPI key slot, which also decides certreq's default key usage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeySpec {
    None,
    /// AT_KEYEXCHANGE (1): encryption and signing; default key usage 0xa0.
    KeyExchange,
    /// AT_SIGNATURE (2): signing only; default key usage 0x80. certreq's default.
    #[default]
    Signature,
}

impl KeySpec {
    pub fn number(self) -> u32 {
        match self {
            KeySpec::None => 0,
            KeySpec::KeyExchange => 1,
            KeySpec::Signature => 2,
        }
    }
}

/// Everything about the key: what to generate and how to keep it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPlan {
    pub algorithm: KeyAlgorithm,
    /// `Exportable = TRUE`: the private key may leave the key store (Web Crypto `extractable`).
    pub exportable: bool,
    pub key_spec: KeySpec,
    /// `KeyContainer`: the name to store the key under (and find it by with `UseExistingKeySet`).
    pub container: Option<String>,
    /// `UseExistingKeySet = TRUE`: reuse the stored key named by `container`.
    pub use_existing: bool,
}

/// Validity for `RequestType = Cert`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidityPlan {
    /// `NotBefore` as seconds since the Unix epoch (UTC), if given.
    pub not_before: Option<i64>,
    /// `NotAfter` as seconds since the Unix epoch (UTC), if given.
    pub not_after: Option<i64>,
    /// `ValidityPeriodUnits` × `ValidityPeriod`, if given.
    pub period: Option<Period>,
}

/// A lifetime: calendar months (`Years` are 12) or a fixed number of seconds (`Weeks` and
/// shorter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Months(i64),
    Seconds(i64),
}

/// The lifetime of a self-signed certificate when neither `NotAfter` nor `ValidityPeriod` is
/// given: one calendar year, plus [`DEFAULT_CERT_EXTRA_SECONDS`]. certreq's default is not
/// documented; a certificate certreq made without validity keys (research: certreq-facts §3,
/// sample AK) runs exactly one year and 20 minutes.
pub const DEFAULT_CERT_LIFETIME: Period = Period::Months(12);

/// What certreq adds to its default one-year lifetime: 20 minutes. *Choice:* they are added at
/// the end (`notBefore` is the moment the certificate is made); how certreq splits them between
/// the two ends cannot be told from the certificate.
pub const DEFAULT_CERT_EXTRA_SECONDS: i64 = 20 * 60;

impl ValidityPlan {
    /// A self-signed certificate's `(notBefore, notAfter)`, in seconds since 1970 (UTC), when
    /// made at `now`: `NotBefore`, or now; then `NotAfter`, or `NotBefore` plus
    /// `ValidityPeriodUnits` × `ValidityPeriod` (years and months on the calendar), or plus
    /// [`DEFAULT_CERT_LIFETIME`] and [`DEFAULT_CERT_EXTRA_SECONDS`]. An end too far to count is
    /// `i64::MAX` (which no certificate can carry, so making it fails with a message).
    pub fn resolve(&self, now: i64) -> (i64, i64) {
        let start = self.not_before.unwrap_or(now);
        let end = self.not_after.unwrap_or_else(|| {
            let (period, extra) = match self.period {
                Some(p) => (p, 0),
                None => (DEFAULT_CERT_LIFETIME, DEFAULT_CERT_EXTRA_SECONDS),
            };
            match period {
                Period::Months(n) => certreq_pkix::time::add_months(start, n),
                Period::Seconds(n) => start.checked_add(n),
            }
            .and_then(|end| end.checked_add(extra))
            .unwrap_or(i64::MAX)
        });
        (start, end)
    }
}

/// A request, fully decided, waiting only for a public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub request_type: RequestType,
    /// The subject as it will be encoded (already in certreq's reversed RDN order).
    pub subject: Name,
    pub key: KeyPlan,
    pub signature: SignatureScheme,
    /// Extensions in the order they will be encoded, without the subject key identifier
    /// (which depends on the public key; see `subject_key_identifier`).
    pub extensions: Vec<Extension>,
    /// Add a subject key identifier (SHA-1 of the public key bits) — a certreq default.
    pub subject_key_identifier: bool,
    /// Where the subject key identifier goes: the index in `extensions` it is inserted before
    /// (clamped to the length). certreq puts the extensions the INF asks for first, then its
    /// default S/MIME capabilities, then the SKI, then its default key usage (corpus req/001–003).
    pub ski_position: usize,
    /// `[RequestAttributes]`: enrollment name-value pairs, in file order.
    pub name_value_pairs: Vec<(String, String)>,
    /// Add certreq's default attributes (OS version, client information, CSP). Off with
    /// `SuppressDefaults = TRUE`.
    pub default_attributes: bool,
    /// `FriendlyName`: a label for the key store entry; not part of the request.
    pub friendly_name: Option<String>,
    /// `RequestType = Cert` only.
    pub validity: ValidityPlan,
    /// `RenewalCert`, as written (thumbprint or serial): the certificate this request renews,
    /// which the caller finds (the CLI in its store) and passes to
    /// [`crate::encode::prepare_with`]; the request is then wrapped and signed with its key
    /// ([`crate::pkcs7`], [`crate::cmc`]).
    pub renewal_cert: Option<String>,
    /// `RequesterName`: made on behalf of this user (`DOMAIN\user`), read by a front end
    /// that builds such requests ([`crate::Builds::on_behalf`]); signed by an enrollment agent.
    pub requester_name: Option<String>,
}

/// What goes around the PKCS #10 besides its own signature and what certreq's renewal adds
/// ([`NewRequest::renewal_cert`]): on whose behalf it is made and whether its key is archived.
/// Decided by the lowering with the request ([`crate::Compiled::wrapping`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wrapping {
    /// `RequesterName = DOMAIN\user`: a request on behalf of that user, signed by an
    /// enrollment agent's certificate (the CLI's `-cert`). Only with `RequestType = PKCS7` or
    /// `CMC`.
    pub requester_name: Option<String>,
    /// `PrivateKeyArchive = TRUE`: the private key goes to the CA, encrypted to its exchange
    /// certificate ([`crate::archive`]). Only with `RequestType = CMC`.
    pub archive: Option<ArchivePlan>,
}

/// How the key is archived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchivePlan {
    /// `EncryptionAlgorithm` and `EncryptionLength`: the cipher the key is encrypted with.
    pub cipher: Cipher,
}

/// A content-encryption algorithm for key archival (CBC mode, PKCS #7 padding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cipher {
    /// Three-key triple DES (des-ede3-cbc, 1.2.840.113549.3.7): what certreq uses by default.
    #[default]
    TripleDes,
    Aes128,
    Aes192,
    Aes256,
}

impl Cipher {
    /// The content-encryption algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        use certreq_pkix::oid;
        match self {
            Cipher::TripleDes => oid::DES_EDE3_CBC,
            Cipher::Aes128 => oid::AES128_CBC,
            Cipher::Aes192 => oid::AES192_CBC,
            Cipher::Aes256 => oid::AES256_CBC,
        }
    }

    /// The key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Cipher::TripleDes | Cipher::Aes192 => 24,
            Cipher::Aes128 => 16,
            Cipher::Aes256 => 32,
        }
    }

    /// The block (and initialisation vector) length in bytes.
    pub fn iv_len(self) -> usize {
        match self {
            Cipher::TripleDes => 8,
            _ => 16,
        }
    }

    /// `3DES`, `AES-128`, …
    pub fn name(self) -> &'static str {
        match self {
            Cipher::TripleDes => "3DES",
            Cipher::Aes128 => "AES-128",
            Cipher::Aes192 => "AES-192",
            Cipher::Aes256 => "AES-256",
        }
    }
}

impl NewRequest {
    /// The extension with this OID, if the request has it.
    pub fn extension(&self, oid: &ObjectIdentifier) -> Option<&Extension> {
        self.extensions.iter().find(|e| &e.extn_id == oid)
    }
}
