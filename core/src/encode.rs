//! Encoding: a [`NewRequest`] plus a public key to PKCS#10 DER, in two phases so the signature
//! can come from outside (Web Crypto signs asynchronously; the CLI signs natively).
//!
//! ```text
//! prepare(request, spki, client) ─▶ Unsigned { to_be_signed, scheme }
//!                         signer(scheme, to_be_signed) ─▶ signature
//! Unsigned::finish(signature) ─▶ DER          to_pem(DER, label) ─▶ text
//! ```

use crate::model::{NewRequest, SignatureScheme};

/// Who is asking, for certreq's default attributes (OS version, client information, CSP).
/// Callers fill in honest values for where they run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    /// Goes into the OS-version attribute (IA5String), e.g. `"6.1.0"` (a kernel release).
    pub os_version: String,
    /// Machine name for the client-information attribute.
    pub machine: String,
    /// User name for the client-information attribute.
    pub user: String,
    /// Program name for the client-information attribute (`certreq`, `certreq-web`).
    pub process: String,
    /// Key provider name for the enrollment-CSP attribute.
    pub provider: String,
}

/// A request ready to be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsigned {
    /// The DER of `CertificationRequestInfo`: the bytes to sign.
    pub to_be_signed: Vec<u8>,
    /// How to sign them.
    pub scheme: SignatureScheme,
}

/// Why encoding failed (never because of INF text: that was checked when lowering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

/// Builds the to-be-signed request for a public key (`SubjectPublicKeyInfo` DER).
pub fn prepare(
    request: &NewRequest,
    spki_der: &[u8],
    client: &ClientInfo,
) -> Result<Unsigned, EncodeError> {
    let _ = (request, spki_der, client);
    unimplemented!("encode::prepare")
}

impl Unsigned {
    /// Attaches the signature (ECDSA: DER `Ecdsa-Sig-Value`) and returns the request DER.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        let _ = signature;
        unimplemented!("Unsigned::finish")
    }
}

/// The PEM label to armor a request with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PemLabel {
    /// `NEW CERTIFICATE REQUEST`, as certreq writes.
    #[default]
    Certreq,
    /// `CERTIFICATE REQUEST` (RFC 7468), which more tools accept.
    Rfc7468,
}

/// Armors request DER as PEM text (64-column base64, CRLF line ends as certreq writes).
pub fn to_pem(der: &[u8], label: PemLabel) -> String {
    let _ = (der, label);
    unimplemented!("encode::to_pem")
}
