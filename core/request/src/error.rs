//! Why building a request failed: [`EncodeError`], the engine's one error type for encoding,
//! wrapping and signing (never because of INF text: that was checked when lowering).

use certreq_pkix::alg::AlgError;
use certreq_pkix::spki::KeyMismatch;

/// Why encoding failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The public key is not the one the request plans.
    Key(KeyMismatch),
    /// The signature or its algorithm.
    Algorithm(AlgError),
    /// `der` refused a value; `what` names it.
    Der {
        what: &'static str,
        error: der::Error,
    },
    /// The OS version for certreq's default attribute is not ASCII.
    OsVersionNotAscii,
    /// The provider name does not fit a BMPString.
    ProviderNotBmp,
    /// A `[RequestAttributes]` name or value has characters outside the BMP.
    AttributeNotBmp { name: String },
    /// A serial number takes 8 to 20 random bytes.
    SerialLength(usize),
    /// A certificate time before 1970 or after 9999; `what` is `start` or `end`.
    TimeOutOfRange {
        what: &'static str,
        before_1970: bool,
    },
    /// The certificate would end before it begins.
    EndsBeforeStart,
    /// No signature.
    EmptySignature,
    /// The bytes to sign are not a CertificationRequestInfo or TBSCertificate.
    NotToBeSigned,
    /// What was to be wrapped is not a DER PKCS #10 request.
    NotPkcs10,
    /// A digest of the wrong length for the request's hash.
    DigestLength {
        got: usize,
        hash: certreq_pkix::alg::Hash,
    },
    /// The signed attributes handed back are not a SET.
    NotSignedAttributes,
    /// A `SignedData` with no signer to add.
    NoSigner,
    /// Not one signature per signer.
    SignatureCount { got: usize, signers: usize },
    /// A certificate (the renewed one, a signer's, the CA's) that is not DER X.509.
    NotCertificate { what: &'static str },
    /// A signer's key that is neither RSA nor ECDSA.
    SignerKey { what: &'static str },
    /// A requester name that does not fit a BMPString.
    RequesterNameNotBmp,
    /// What was to be signed again is not a request this program can sign again.
    NotSignedData,
}

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EncodeError::Key(e) => e.fmt(f),
            EncodeError::Algorithm(e) => e.fmt(f),
            EncodeError::Der { what, error } => write!(f, "{what}: {error}"),
            EncodeError::OsVersionNotAscii => {
                f.write_str("the OS version must be ASCII (an IA5String)")
            }
            EncodeError::ProviderNotBmp => {
                f.write_str("the provider name does not fit a BMPString")
            }
            EncodeError::AttributeNotBmp { name } => write!(
                f,
                "request attribute `{name}` has characters outside the Basic Multilingual Plane"
            ),
            EncodeError::SerialLength(n) => {
                write!(f, "a serial number takes 8 to 20 random bytes; got {n}")
            }
            EncodeError::TimeOutOfRange { what, before_1970 } => write!(
                f,
                "the certificate's {what} is {}",
                if *before_1970 {
                    "before 1970"
                } else {
                    "after 9999"
                }
            ),
            EncodeError::EndsBeforeStart => {
                f.write_str("the certificate would end before it begins")
            }
            EncodeError::EmptySignature => f.write_str("the signature is empty"),
            EncodeError::NotToBeSigned => f.write_str(
                "the to-be-signed bytes are not a CertificationRequestInfo or TBSCertificate",
            ),
            EncodeError::NotPkcs10 => f.write_str("the request is not DER PKCS #10"),
            EncodeError::DigestLength { got, hash } => write!(
                f,
                "the digest has {got} bytes; {} takes {}",
                hash.web_crypto_name(),
                hash.output_len()
            ),
            EncodeError::NotSignedAttributes => f.write_str("the signed attributes are not a SET"),
            EncodeError::NoSigner => f.write_str("nobody is to sign the request"),
            EncodeError::SignatureCount { got, signers } => {
                write!(f, "{got} signature(s) for {signers} signer(s)")
            }
            EncodeError::NotCertificate { what } => {
                write!(f, "the {what} is not a DER X.509 certificate")
            }
            EncodeError::SignerKey { what } => write!(
                f,
                "the {what}'s key is neither RSA nor ECDSA, so it cannot sign here"
            ),
            EncodeError::RequesterNameNotBmp => f.write_str(
                "the requester name has characters outside the Basic Multilingual Plane",
            ),
            EncodeError::NotSignedData => {
                f.write_str("the request is not a PKCS #10, PKCS #7 or CMC request")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

impl From<KeyMismatch> for EncodeError {
    fn from(e: KeyMismatch) -> Self {
        EncodeError::Key(e)
    }
}

impl From<AlgError> for EncodeError {
    fn from(e: AlgError) -> Self {
        EncodeError::Algorithm(e)
    }
}

pub(crate) fn der_err(what: &'static str) -> impl FnOnce(der::Error) -> EncodeError {
    move |error| EncodeError::Der { what, error }
}
