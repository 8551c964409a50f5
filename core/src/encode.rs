//! Encoding: a [`NewRequest`] plus a public key to PKCS#10 DER, in two phases so the signature
//! can come from outside (Web Crypto signs asynchronously; the CLI signs natively).
//!
//! ```text
//! prepare(request, spki, client) ─▶ Unsigned { to_be_signed, scheme }
//!                         signer(scheme, to_be_signed) ─▶ signature
//! Unsigned::finish(signature) ─▶ DER          to_pem(DER, label) ─▶ text
//! ```
//!
//! What goes in, and in which order, follows the requests certreq.exe made in the corpus
//! (`req/001`–`003`):
//!
//! * attributes form a DER `SET OF`, so they come out sorted by their encodings — which is
//!   certreq's observed order (OS version, client information, CSP, extension request; the
//!   name-value pairs sort between them by length);
//! * each `[RequestAttributes]` line is its own name-value-pair attribute;
//! * the extension request holds [`NewRequest::extensions`] in order, with the subject key
//!   identifier inserted at [`NewRequest::ski_position`]; it is left out when empty.

use der::asn1::{Any, BitString, BmpString, Ia5String, ObjectIdentifier};
use der::asn1::{UintRef, Utf8StringRef};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifier, AlgorithmIdentifierOwned};
use x509_cert::ext::Extension;

use crate::model::{Curve, Hash, KeyAlgorithm, NewRequest, SignatureScheme};
use crate::msattr;

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
    /// The DER of `CertificationRequestInfo` (or, from [`prepare_certificate`],
    /// `TBSCertificate`): the bytes to sign.
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

fn err(what: impl Into<String>) -> EncodeError {
    EncodeError(what.into())
}

fn der_err(context: &str) -> impl FnOnce(der::Error) -> EncodeError + '_ {
    move |e| EncodeError(format!("{context}: {e}"))
}

/// `rsaEncryption`.
pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey`.
pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `id-RSASSA-PSS`.
pub const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// `id-mgf1`.
pub const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

impl Curve {
    /// The named-curve OID in an EC `SubjectPublicKeyInfo`.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
            Curve::P384 => ObjectIdentifier::new_unwrap("1.3.132.0.34"),
            Curve::P521 => ObjectIdentifier::new_unwrap("1.3.132.0.35"),
        }
    }
    /// Length of an uncompressed point (`04 ‖ X ‖ Y`).
    fn point_len(self) -> usize {
        1 + 2 * self.field_len()
    }
    /// Bytes of one coordinate (and of r or s in a raw signature).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

impl Hash {
    /// The digest algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Hash::Sha1 => ObjectIdentifier::new_unwrap("1.3.14.3.2.26"),
            Hash::Sha256 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"),
            Hash::Sha384 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2"),
            Hash::Sha512 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3"),
        }
    }

    /// The digest of `data` (natively: the web app leaves digests to Web Crypto or to its
    /// tools module, and links no SHA-2).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 / X9.62).
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// `RSASSA-PSS-params` (RFC 4055 §3.1). Fields equal to their DEFAULT are left out, as DER
/// requires; `trailerField` is always the default.
#[derive(Sequence)]
struct RsaPssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen_algorithm: Option<AlgorithmIdentifier<AlgorithmIdentifierOwned>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
}

/// A SubjectPublicKeyInfo (RFC 5280) read with [`crate::tlv`], so that making a request links
/// no decoder for it: `SEQUENCE { SEQUENCE { algorithm OID, parameters ANY OPTIONAL },
/// subjectPublicKey BIT STRING }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpkiParts<'a> {
    /// The algorithm OID's content octets.
    pub algorithm: &'a [u8],
    /// The parameters as `(tag, content)`, when present.
    pub parameters: Option<(u8, &'a [u8])>,
    /// The BIT STRING's content: the unused-bits octet, then the key.
    pub bit_string: &'a [u8],
}

impl<'a> SpkiParts<'a> {
    /// Reads `der`; `None` unless it is exactly one SubjectPublicKeyInfo.
    pub fn read(der: &'a [u8]) -> Option<Self> {
        use crate::tlv;
        let (0x30, algorithm, _, rest) = tlv::read(tlv::only(der, 0x30)?)? else {
            return None;
        };
        let (0x03, bit_string @ [_, ..], _, []) = tlv::read(rest)? else {
            return None;
        };
        let (0x06, oid, _, rest) = tlv::read(algorithm)? else {
            return None;
        };
        let parameters = match tlv::read(rest) {
            _ if rest.is_empty() => None,
            Some((tag, content, _, [])) => Some((tag, content)),
            _ => return None,
        };
        Some(SpkiParts {
            algorithm: oid,
            parameters,
            bit_string,
        })
    }

    /// The algorithm OID, if well formed.
    pub fn algorithm_oid(&self) -> Option<ObjectIdentifier> {
        ObjectIdentifier::from_bytes(self.algorithm).ok()
    }

    /// The parameters read as an OID (an EC key's named curve).
    pub fn parameters_oid(&self) -> Option<ObjectIdentifier> {
        match self.parameters {
            Some((0x06, oid)) => ObjectIdentifier::from_bytes(oid).ok(),
            _ => None,
        }
    }

    /// The key's octets, when the BIT STRING has no unused bits.
    pub fn key_bytes(&self) -> Option<&'a [u8]> {
        match self.bit_string {
            [0, key @ ..] => Some(key),
            _ => None,
        }
    }

    /// The key's bits as they are, whatever the unused-bits octet says (what a key identifier
    /// hashes).
    pub fn raw_key(&self) -> &'a [u8] {
        self.bit_string.get(1..).unwrap_or_default()
    }
}

/// The bit length of an `RSAPublicKey`'s modulus (`SEQUENCE { modulus INTEGER,
/// publicExponent INTEGER }`, RFC 8017).
pub fn rsa_modulus_bits(rsa_public_key: &[u8]) -> Option<usize> {
    use crate::tlv;
    let (0x02, modulus, _, rest) = tlv::read(tlv::only(rsa_public_key, 0x30)?)? else {
        return None;
    };
    let (0x02, _, _, []) = tlv::read(rest)? else {
        return None;
    };
    let start = modulus.iter().position(|&b| b != 0)?;
    let first = modulus[start];
    Some((modulus.len() - start - 1) * 8 + (8 - first.leading_zeros() as usize))
}

/// Checks an SPKI against the key plan: the algorithm, and the RSA modulus size or the curve.
fn check_spki(spki: &SpkiParts<'_>, plan: KeyAlgorithm) -> Result<(), EncodeError> {
    let key_bytes = spki
        .key_bytes()
        .ok_or_else(|| err("the public key BIT STRING has unused bits"))?;
    let algorithm = spki
        .algorithm_oid()
        .ok_or_else(|| err("the public key's algorithm is not a valid OID"))?;
    match plan {
        KeyAlgorithm::Rsa { bits } => {
            if algorithm != RSA_ENCRYPTION {
                return Err(err(format!(
                    "the public key is {algorithm}, but the request plans an RSA key"
                )));
            }
            let actual = rsa_modulus_bits(key_bytes)
                .ok_or_else(|| err("the RSA public key does not decode"))?;
            if actual != bits as usize {
                return Err(err(format!(
                    "the RSA key has {actual} bits, but the request plans {bits}"
                )));
            }
            Ok(())
        }
        KeyAlgorithm::Ecdsa(curve) => {
            if algorithm != EC_PUBLIC_KEY {
                return Err(err(format!(
                    "the public key is {algorithm}, but the request plans an EC key"
                )));
            }
            if spki.parameters_oid() != Some(curve.oid()) {
                return Err(err(format!(
                    "the EC key is not on {}, which the request plans",
                    curve.web_crypto_name()
                )));
            }
            if key_bytes.len() != curve.point_len() || key_bytes.first() != Some(&4) {
                return Err(err(format!(
                    "the EC public key is not an uncompressed {} point",
                    curve.web_crypto_name()
                )));
            }
            Ok(())
        }
    }
}

/// The DER of `Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF { value } }`.
fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> Result<Vec<u8>, EncodeError> {
    let mut body = oid.to_der().map_err(der_err("attribute type"))?;
    let value = value.to_der().map_err(der_err("attribute value"))?;
    crate::tlv::push(&mut body, 0x31, &value);
    let mut out = Vec::with_capacity(body.len() + 4);
    crate::tlv::push(&mut out, 0x30, &body);
    Ok(out)
}

/// Builds the to-be-signed request for a public key (`SubjectPublicKeyInfo` DER).
pub fn prepare(
    request: &NewRequest,
    spki_der: &[u8],
    client: &ClientInfo,
) -> Result<Unsigned, EncodeError> {
    let spki = SpkiParts::read(spki_der)
        .ok_or_else(|| err("the public key is not a SubjectPublicKeyInfo"))?;
    check_spki(&spki, request.key.algorithm)?;

    let mut attrs: Vec<Vec<u8>> = Vec::new();
    if request.default_attributes {
        let os = Ia5String::new(&client.os_version)
            .map_err(|_| err("the OS version must be ASCII (an IA5String)"))?;
        attrs.push(attribute(msattr::OS_VERSION, &os)?);
        fn utf8(s: &str) -> Result<Utf8StringRef<'_>, EncodeError> {
            Utf8StringRef::new(s).map_err(der_err("client information"))
        }
        let info = msattr::ClientInformation {
            client_id: msattr::CLIENT_ID_CERTREQ,
            machine_name: utf8(&client.machine)?,
            user_name: utf8(&client.user)?,
            process_name: utf8(&client.process)?,
        };
        attrs.push(attribute(msattr::CLIENT_INFO, &info)?);
        let csp = msattr::EnrollmentCsp {
            key_spec: request.key.key_spec.number(),
            csp_name: BmpString::from_utf8(&client.provider)
                .map_err(|_| err("the provider name does not fit a BMPString"))?,
            signature: BitString::from_bytes(&[]).map_err(der_err("CSP attribute"))?,
        };
        attrs.push(attribute(msattr::ENROLLMENT_CSP, &csp)?);
    }
    for (name, value) in &request.name_value_pairs {
        let bmp = |s: &str| {
            BmpString::from_utf8(s).map_err(|_| {
                err(format!(
                    "request attribute `{name}` has characters outside the Basic Multilingual Plane"
                ))
            })
        };
        let pair = msattr::NameValuePair {
            name: bmp(name)?,
            value: bmp(value)?,
        };
        attrs.push(attribute(msattr::NAME_VALUE_PAIR, &pair)?);
    }

    let extensions = extensions_for(request, spki_der);
    if !extensions.is_empty() {
        attrs.push(attribute(msattr::EXTENSION_REQUEST, &extensions)?);
    }

    // CertificationRequestInfo, written around the key's DER as it came (no decode):
    // SEQUENCE { version INTEGER 0, subject, subjectPKInfo, attributes [0] IMPLICIT SET OF }
    let mut body = Vec::new();
    crate::tlv::push(&mut body, 0x02, &[0]);
    body.extend(request.subject.to_der().map_err(der_err("subject"))?);
    body.extend_from_slice(spki_der);
    // attributes [0] IMPLICIT SET OF Attribute: DER sorts a SET by the members' encodings (as
    // octet strings; complete encodings are never prefixes of one another, so byte order is
    // DER's order). Sorted here by insertion, not with der's SetOfVec: a handful of members,
    // and no sort routine linked for them (see crate::order).
    let mut sorted: Vec<&[u8]> = Vec::with_capacity(attrs.len());
    for attr in &attrs {
        let at = sorted
            .binary_search(&attr.as_slice())
            .unwrap_or_else(|at| at);
        sorted.insert(at, attr);
    }
    crate::tlv::push(&mut body, 0xa0, &sorted.concat());
    let mut to_be_signed = Vec::with_capacity(body.len() + 4);
    crate::tlv::push(&mut to_be_signed, 0x30, &body);
    Ok(Unsigned {
        to_be_signed,
        scheme: request.signature,
    })
}

/// The request's extensions for this public key: the subject key identifier goes in at its
/// place.
fn extensions_for(request: &NewRequest, spki_der: &[u8]) -> Vec<Extension> {
    let mut extensions: Vec<Extension> = request.extensions.clone();
    if request.subject_key_identifier {
        let ski = crate::ext::subject_key_identifier(spki_der);
        let at = request.ski_position.min(extensions.len());
        extensions.insert(at, ski);
    }
    extensions
}

/// A certificate's serial number from caller-supplied random bytes (up to 20, RFC 5280
/// §4.1.2.2): the first byte is made 0x40–0x7f, so the INTEGER is positive, needs no leading
/// zero and keeps its length.
fn serial_from(random: &[u8]) -> Result<Vec<u8>, EncodeError> {
    if random.len() < 8 || random.len() > 20 {
        return Err(err(format!(
            "a serial number takes 8 to 20 random bytes; got {}",
            random.len()
        )));
    }
    let mut serial = random.to_vec();
    serial[0] = (serial[0] & 0x3f) | 0x40;
    Ok(serial)
}

/// `Time` for seconds since 1970 (UTC): UTCTime through 2049, GeneralizedTime after
/// (RFC 5280 §4.1.2.5).
fn time_der(seconds: i64, what: &str) -> Result<Vec<u8>, EncodeError> {
    crate::time::x509_time_der(seconds).ok_or_else(|| {
        err(if seconds < 0 {
            format!("the certificate's {what} is before 1970")
        } else {
            format!("the certificate's {what} is after 9999")
        })
    })
}

/// Builds the to-be-signed self-signed certificate (`RequestType = Cert`) for a public key:
/// X.509 v3, the serial number from `serial_random` (8–20 random bytes), the request's
/// signature algorithm, the subject as issuer and subject, `not_before`..`not_after` (seconds
/// since 1970, UTC; see [`crate::model::ValidityPlan::resolve`]), the key, and the request's
/// extensions with its subject key identifier. A request's attributes (certreq's client
/// information, `[RequestAttributes]`) have no place in a certificate and are left out.
pub fn prepare_certificate(
    request: &NewRequest,
    spki_der: &[u8],
    not_before: i64,
    not_after: i64,
    serial_random: &[u8],
) -> Result<Unsigned, EncodeError> {
    let spki = SpkiParts::read(spki_der)
        .ok_or_else(|| err("the public key is not a SubjectPublicKeyInfo"))?;
    check_spki(&spki, request.key.algorithm)?;
    if not_after <= not_before {
        return Err(err("the certificate would end before it begins"));
    }
    let name = request.subject.to_der().map_err(der_err("subject"))?;
    let algorithm = signature_algorithm(request.signature)?
        .to_der()
        .map_err(der_err("signature"))?;
    let mut validity = time_der(not_before, "start")?;
    validity.extend(time_der(not_after, "end")?);

    // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT v3, serialNumber, signature, issuer,
    //   validity, subject, subjectPublicKeyInfo, extensions [3] EXPLICIT (when there are any) }
    let mut body = vec![0xa0, 0x03, 0x02, 0x01, 0x02];
    crate::tlv::push(&mut body, 0x02, &serial_from(serial_random)?);
    body.extend_from_slice(&algorithm);
    body.extend_from_slice(&name);
    crate::tlv::push(&mut body, 0x30, &validity);
    body.extend_from_slice(&name);
    body.extend_from_slice(spki_der);
    let extensions = extensions_for(request, spki_der);
    if !extensions.is_empty() {
        let list = extensions.to_der().map_err(der_err("extensions"))?;
        crate::tlv::push(&mut body, 0xa3, &list);
    }
    let mut to_be_signed = Vec::with_capacity(body.len() + 4);
    crate::tlv::push(&mut to_be_signed, 0x30, &body);
    Ok(Unsigned {
        to_be_signed,
        scheme: request.signature,
    })
}

/// The `signatureAlgorithm` of a request signed with `scheme`.
pub fn signature_algorithm(
    scheme: SignatureScheme,
) -> Result<AlgorithmIdentifierOwned, EncodeError> {
    let null = || Some(Any::null());
    let oid = ObjectIdentifier::new_unwrap;
    Ok(match scheme {
        SignatureScheme::RsaPkcs1(h) => AlgorithmIdentifierOwned {
            oid: match h {
                Hash::Sha1 => oid("1.2.840.113549.1.1.5"),
                Hash::Sha256 => oid("1.2.840.113549.1.1.11"),
                Hash::Sha384 => oid("1.2.840.113549.1.1.12"),
                Hash::Sha512 => oid("1.2.840.113549.1.1.13"),
            },
            parameters: null(),
        },
        SignatureScheme::RsaPss(h) => {
            let hash = AlgorithmIdentifierOwned {
                oid: h.oid(),
                parameters: null(),
            };
            let is_default = h == Hash::Sha1;
            let params = RsaPssParams {
                hash_algorithm: (!is_default).then(|| hash.clone()),
                mask_gen_algorithm: (!is_default).then(|| AlgorithmIdentifier {
                    oid: MGF1,
                    parameters: Some(hash.clone()),
                }),
                salt_length: (h.output_len() != 20).then_some(h.output_len() as u32),
            };
            AlgorithmIdentifierOwned {
                oid: RSASSA_PSS,
                parameters: Some(Any::encode_from(&params).map_err(der_err("PSS parameters"))?),
            }
        }
        SignatureScheme::Ecdsa(h) => AlgorithmIdentifierOwned {
            oid: match h {
                Hash::Sha1 => oid("1.2.840.10045.4.1"),
                Hash::Sha256 => oid("1.2.840.10045.4.3.2"),
                Hash::Sha384 => oid("1.2.840.10045.4.3.3"),
                Hash::Sha512 => oid("1.2.840.10045.4.3.4"),
            },
            parameters: None,
        },
    })
}

/// Checks that `sig` is exactly one DER `Ecdsa-Sig-Value` with positive r and s.
pub(crate) fn check_ecdsa_der(sig: &[u8]) -> Result<(), EncodeError> {
    let value = EcdsaSigValue::from_der(sig).map_err(der_err(
        "the ECDSA signature is not DER (SEQUENCE of two INTEGERs); convert raw r‖s with ecdsa_raw_to_der",
    ))?;
    let zero = |u: &UintRef<'_>| u.as_bytes().iter().all(|&b| b == 0);
    if zero(&value.r) || zero(&value.s) {
        return Err(err("the ECDSA signature has a zero r or s"));
    }
    Ok(())
}

impl Unsigned {
    /// Attaches the signature (ECDSA: DER `Ecdsa-Sig-Value`) and returns the request (or
    /// certificate) DER: both are `SEQUENCE { to-be-signed, signatureAlgorithm, BIT STRING }`.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        if signature.is_empty() {
            return Err(err("the signature is empty"));
        }
        if let SignatureScheme::Ecdsa(_) = self.scheme {
            check_ecdsa_der(signature)?;
        }
        // The to-be-signed bytes go in as they are: checking that they are one SEQUENCE is
        // enough, and decoding the whole CertificationRequestInfo only to encode it again
        // would link a full decoder into every build that makes requests.
        let is_sequence = der::asn1::AnyRef::from_der(&self.to_be_signed)
            .is_ok_and(|any| der::Tagged::tag(&any) == der::Tag::Sequence);
        if !is_sequence {
            return Err(err(
                "the to-be-signed bytes are not a CertificationRequestInfo or TBSCertificate",
            ));
        }
        let algorithm = signature_algorithm(self.scheme)?
            .to_der()
            .map_err(der_err("signatureAlgorithm"))?;
        let mut bits = Vec::with_capacity(signature.len() + 1);
        bits.push(0); // no unused bits
        bits.extend_from_slice(signature);
        let mut body = self.to_be_signed.clone();
        body.extend_from_slice(&algorithm);
        crate::tlv::push(&mut body, 0x03, &bits); // BIT STRING
        let mut out = Vec::with_capacity(body.len() + 6);
        crate::tlv::push(&mut out, 0x30, &body); // SEQUENCE
        Ok(out)
    }
}

/// Converts a raw ECDSA signature `r ‖ s` (what Web Crypto returns; both halves the same
/// length) to DER `Ecdsa-Sig-Value`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, EncodeError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 2 * 66 {
        return Err(err(format!(
            "a raw ECDSA signature has two halves of equal length up to 66 bytes; got {} bytes",
            raw.len()
        )));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let strip = |b: &[u8]| -> Vec<u8> {
        let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b.get(first..).unwrap_or_default().to_vec()
    };
    let (r, s) = (strip(r), strip(s));
    if r.is_empty() || s.is_empty() {
        return Err(err("the ECDSA signature has a zero r or s"));
    }
    let value = EcdsaSigValue {
        r: UintRef::new(&r).map_err(der_err("r"))?,
        s: UintRef::new(&s).map_err(der_err("s"))?,
    };
    value.to_der().map_err(der_err("Ecdsa-Sig-Value"))
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

impl PemLabel {
    /// The text between `-----BEGIN ` and `-----`.
    pub fn as_str(self) -> &'static str {
        match self {
            PemLabel::Certreq => "NEW CERTIFICATE REQUEST",
            PemLabel::Rfc7468 => "CERTIFICATE REQUEST",
        }
    }
}

/// Armors request DER as PEM text (64-column base64, CRLF line ends as certreq writes).
///
/// The corpus requests have LF line ends, but they were read out of git repositories, which
/// commonly normalise line ends on commit; certreq.exe writes CRLF on Windows, so we do too
/// (every PEM reader accepts both). The text ends with a line end after the END line.
pub fn to_pem(der: &[u8], label: PemLabel) -> String {
    use base64ct::{Base64, Encoding};
    let b64 = Base64::encode_string(der);
    let label = label.as_str();
    let mut out = String::with_capacity(b64.len() + b64.len() / 32 + 80);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\r\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push_str("\r\n");
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\r\n");
    out
}

#[cfg(test)]
mod tests {
    //! Whole requests: golden bytes (RSA PKCS#1 v1.5 is deterministic), OpenSSL verification,
    //! and comparison with the requests certreq.exe made from the corpus INF files.
    use super::*;
    use crate::request::compile;
    use crate::testing::{client, rsa_key, rsa_sign};
    use rsa::pkcs8::EncodePublicKey;
    use rsa::signature::Signer;
    use x509_cert::request::CertReq;

    /// INF text → signed request DER with the fixed RSA test key.
    fn rsa_request(inf: &str) -> Vec<u8> {
        let compiled = compile(inf);
        let req = compiled
            .request
            .unwrap_or_else(|| panic!("no request: {:#?}", compiled.diagnostics));
        let key = rsa_key();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let unsigned = prepare(&req, spki.as_bytes(), &client()).unwrap();
        let SignatureScheme::RsaPkcs1(h) = unsigned.scheme else {
            panic!("expected PKCS#1 v1.5")
        };
        let sig = rsa_sign(&key, h, &unsigned.to_be_signed);
        unsigned.finish(&sig).unwrap()
    }

    /// Runs `openssl ARGS FILE…` on `contents` written to a temporary file (named once per
    /// occurrence in `args` as `{}`) and asserts success; skipped with a note when openssl is
    /// not installed.
    fn run_openssl(args: &[&str], contents: &[u8], what: &str) {
        let dir = std::env::temp_dir().join(format!("certreq-core-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}", sha2_digest(contents)));
        std::fs::write(&path, contents).unwrap();
        let out = std::process::Command::new("openssl")
            .args(args.iter().map(|a| {
                if *a == "{}" {
                    path.as_os_str()
                } else {
                    std::ffi::OsStr::new(a)
                }
            }))
            .output();
        match out {
            Err(_) => eprintln!("note: openssl not found; {what} not verified by OpenSSL"),
            Ok(o) => assert!(
                o.status.success(),
                "openssl {} failed: {}{}",
                args[0],
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        }
        let _ = std::fs::remove_file(&path);
    }

    /// `openssl req -verify`.
    fn openssl_verify(der: &[u8]) {
        let args = ["req", "-inform", "DER", "-verify", "-noout", "-in", "{}"];
        run_openssl(&args, der, "request");
    }

    fn sha2_digest(b: &[u8]) -> u64 {
        use sha2::Digest;
        let d = sha2::Sha256::digest(b);
        u64::from_be_bytes(d[..8].try_into().unwrap())
    }

    /// Compares with `core/tests/data/<name>`; `UPDATE_GOLDEN=1` rewrites the file.
    fn golden(name: &str, bytes: &[u8]) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, bytes).unwrap();
            return;
        }
        let want = std::fs::read(&path)
            .unwrap_or_else(|_| panic!("{} missing; run with UPDATE_GOLDEN=1", path.display()));
        assert!(
            want == bytes,
            "{name} differs from the golden file; if the change is intended, rerun with UPDATE_GOLDEN=1"
        );
    }

    const INF_008: &str = "[NewRequest]\r\nSubject=\"CN=Ilgis Uzbekov, C=KG\"\r\nKeyLength=2048\r\nExportable=TRUE\r\nRequestType=PKCS10\r\n";
    const INF_009: &str = "[NewRequest]\nSubject = \"CN=NEXAPP Studio, O=NEXAPP, C=JO\"\nKeyLength = 2048\nKeySpec = 1\nKeyUsage = 0x80\nExportable = True\nMachineKeySet = False\nRequestType = PKCS10\nProviderName = \"Microsoft Enhanced Cryptographic Provider v1.0\"";
    const INF_037: &str = "[Version]\nSignature=\"$Windows NT$\"\n\n[NewRequest]\nSubject = \"CN=ARRoomTransformer, O=AppleDeveloper, C=TR\"\nKeySpec = 1\nKeyLength = 2048\nExportable = TRUE\nMachineKeySet = FALSE\nSMIME = False\nPrivateKeyArchive = FALSE\nUserProtected = FALSE\nUseExistingKeySet = FALSE\nProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"\nProviderType = 12\nRequestType = PKCS10\nKeyUsage = 0xa0\n\n[EnhancedKeyUsageExtension]\nOID=1.3.6.1.5.5.7.3.3\n";
    const INF_FULL: &str = "[NewRequest]\nSubject = \"CN=www.example.com, OU=Web, O=Example, C=US\"\nHashAlgorithm = sha384\nKeySpec = AT_KEYEXCHANGE\nKeyUsage = \"CERT_DIGITAL_SIGNATURE_KEY_USAGE | CERT_KEY_ENCIPHERMENT_KEY_USAGE\"\nSMIME = FALSE\n[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\nOID = 1.3.6.1.5.5.7.3.2\n[Extensions]\n2.5.29.17 = MCaCEnd3dzAxLmZhYnJpa2FtLmNvbYIQd3d3LmZhYnJpa2FtLmNvbQ\nCritical = 2.5.29.17\n[RequestAttributes]\nCertificateTemplate= WebServer\nSAN = \"dns=www.example.com&dns=example.com\"\n";
    const INF_SUPPRESS: &str =
        "[NewRequest]\nSubject = \"CN=bare\"\nSuppressDefaults = TRUE\nHashAlgorithm = SHA512\n";

    #[test]
    fn golden_requests_match_byte_for_byte_and_verify() {
        for (name, inf) in [
            ("golden-008-minimal.der", INF_008),
            ("golden-037-codesign.der", INF_037),
            ("golden-full.der", INF_FULL),
            ("golden-suppress-defaults.der", INF_SUPPRESS),
        ] {
            let der = rsa_request(inf);
            openssl_verify(&der);
            golden(name, &der);
        }
    }

    /// What a request says, for comparing ours with certreq's: subject DER, extensions
    /// (OID, critical, value — `None` for SKI and S/MIME, compared by presence), attribute types.
    type Summary = (Vec<u8>, Vec<(String, bool, Option<Vec<u8>>)>, Vec<String>);

    fn summarize(der: &[u8]) -> Summary {
        let req = CertReq::from_der(der).unwrap();
        let subject = req.info.subject.to_der().unwrap();
        let mut exts = Vec::new();
        let mut types: Vec<String> = Vec::new();
        for a in req.info.attributes.iter() {
            types.push(a.oid.to_string());
            if a.oid == msattr::EXTENSION_REQUEST {
                let v = a.values.get(0).unwrap();
                let list: Vec<Extension> = v.decode_as().unwrap();
                for e in list {
                    let by_presence = e.extn_id.to_string() == "2.5.29.14"
                        || e.extn_id.to_string() == "1.2.840.113549.1.9.15";
                    exts.push((
                        e.extn_id.to_string(),
                        e.critical,
                        (!by_presence).then(|| e.extn_value.as_bytes().to_vec()),
                    ));
                }
            }
        }
        types.sort();
        (subject, exts, types)
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const DEFAULT_ATTRS: [&str; 4] = [
        "1.2.840.113549.1.9.14",
        "1.3.6.1.4.1.311.13.2.2",
        "1.3.6.1.4.1.311.13.2.3",
        "1.3.6.1.4.1.311.21.20",
    ];

    #[test]
    fn corpus_008_matches_certreq_req_002() {
        let (subject, exts, types) = summarize(&rsa_request(INF_008));
        assert_eq!(
            subject,
            hex("3025310b3009060355040613024b473116301406035504030c0d496c67697320557a62656b6f76")
        );
        assert_eq!(
            exts,
            vec![
                ("2.5.29.14".into(), false, None),
                ("2.5.29.15".into(), true, Some(hex("03020780"))),
            ]
        );
        assert_eq!(types, DEFAULT_ATTRS);
    }

    #[test]
    fn corpus_009_matches_certreq_req_001() {
        let (subject, exts, types) = summarize(&rsa_request(INF_009));
        assert_eq!(
            subject,
            hex(
                "3036310b3009060355040613024a4f310f300d060355040a0c064e45584150503116301406035504030c0d4e45584150502053747564696f"
            )
        );
        assert_eq!(
            exts,
            vec![
                ("2.5.29.15".into(), true, Some(hex("03020780"))),
                ("1.2.840.113549.1.9.15".into(), false, None),
                ("2.5.29.14".into(), false, None),
            ]
        );
        assert_eq!(types, DEFAULT_ATTRS);
    }

    #[test]
    fn corpus_037_matches_certreq_req_003() {
        let (subject, exts, types) = summarize(&rsa_request(INF_037));
        assert_eq!(
            subject,
            hex(
                "3042310b300906035504061302545231173015060355040a0c0e4170706c65446576656c6f706572311a301806035504030c114152526f6f6d5472616e73666f726d6572"
            )
        );
        assert_eq!(
            exts,
            vec![
                ("2.5.29.15".into(), true, Some(hex("030205a0"))),
                (
                    "2.5.29.37".into(),
                    false,
                    Some(hex("300a06082b06010505070303"))
                ),
                ("2.5.29.14".into(), false, None),
            ]
        );
        assert_eq!(types, DEFAULT_ATTRS);
    }

    #[test]
    fn subject_key_identifier_is_sha1_of_the_key_bits() {
        // corpus req/002: SKI a22d18… is SHA-1 of that request's subjectPublicKey contents.
        let path = crate::testing::corpus_dir().join("req/002-axeronisd-minimal-inf-pkcs10.req");
        let pem = std::fs::read_to_string(path).unwrap();
        let (_, der) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
        let req = CertReq::from_der(&der).unwrap();
        let spki = req.info.public_key.to_der().unwrap();
        let ski = crate::ext::subject_key_identifier(&spki);
        assert_eq!(
            ski.extn_value.as_bytes(),
            &hex("0414a22d18394f34025ca618941fd66b83788423d212")[..]
        );
    }

    #[test]
    fn name_value_pairs_and_suppressed_defaults() {
        let req = CertReq::from_der(&rsa_request(INF_FULL)).unwrap();
        let pairs: Vec<(String, String)> = req
            .info
            .attributes
            .iter()
            .filter(|a| a.oid == msattr::NAME_VALUE_PAIR)
            .map(|a| {
                let p: msattr::NameValuePair = a.values.get(0).unwrap().decode_as().unwrap();
                (p.name.to_string(), p.value.to_string())
            })
            .collect();
        assert!(pairs.contains(&("CertificateTemplate".into(), "WebServer".into())));
        assert!(pairs.contains(&("SAN".into(), "dns=www.example.com&dns=example.com".into())));
        assert_eq!(pairs.len(), 2);

        let (_, exts, types) = summarize(&rsa_request(INF_SUPPRESS));
        assert!(exts.is_empty(), "{exts:?}");
        assert!(types.is_empty(), "{types:?}");
    }

    #[test]
    fn ecdsa_p256_to_be_signed_bytes_are_stable_and_verify() {
        use p256::ecdsa::{Signature, SigningKey as EcKey};
        use p256::pkcs8::EncodePublicKey as _;
        let inf = "[NewRequest]\nSubject = \"CN=ec.example.com, O=Example\"\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = sha256\n";
        let req = compile(inf).request.unwrap();
        let key = EcKey::from_slice(&[0x11; 32]).unwrap();
        let spki = key.verifying_key().to_public_key_der().unwrap();
        let unsigned = prepare(&req, spki.as_bytes(), &client()).unwrap();
        assert_eq!(unsigned.scheme, SignatureScheme::Ecdsa(Hash::Sha256));
        golden("golden-ecdsa-p256.tbs.der", &unsigned.to_be_signed);
        let sig: Signature = key.sign(&unsigned.to_be_signed);
        // Web Crypto hands back r‖s; the conversion must give the same DER the library makes.
        let der_sig = ecdsa_raw_to_der(&sig.to_bytes()).unwrap();
        assert_eq!(der_sig, sig.to_der().as_bytes());
        let der = unsigned.finish(&der_sig).unwrap();
        openssl_verify(&der);
        // the raw form is refused by finish: it is not DER
        assert!(unsigned.finish(&sig.to_bytes()).is_err());
    }

    #[test]
    fn prepare_refuses_a_key_that_does_not_match_the_plan() {
        let key = rsa_key();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let mut req = compile("[NewRequest]\nKeyLength = 4096\n").request.unwrap();
        let e = prepare(&req, spki.as_bytes(), &client()).unwrap_err();
        assert!(e.0.contains("2048 bits"), "{e}");
        req.key.algorithm = KeyAlgorithm::Ecdsa(Curve::P256);
        assert!(prepare(&req, spki.as_bytes(), &client()).is_err());
        assert!(prepare(&req, b"\x30\x00", &client()).is_err());
    }

    #[test]
    fn spki_parts_read_what_the_spki_crate_decodes_and_refuse_the_rest() {
        use p256::pkcs8::EncodePublicKey as _;
        use spki::SubjectPublicKeyInfoOwned;
        let ec = p256::ecdsa::SigningKey::from_slice(&[0x11; 32]).unwrap();
        let mut keys: Vec<Vec<u8>> = vec![
            rsa_key()
                .to_public_key()
                .to_public_key_der()
                .unwrap()
                .to_vec(),
            ec.verifying_key().to_public_key_der().unwrap().to_vec(),
        ];
        for entry in std::fs::read_dir(crate::testing::corpus_dir().join("req")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for block in crate::pem::read(&bytes).unwrap_or_default() {
                if let Ok(req) = CertReq::from_der(&block.der) {
                    keys.push(req.info.public_key.to_der().unwrap());
                }
            }
        }
        assert!(keys.len() >= 6, "{} keys", keys.len());
        let (mut rsa, mut ec) = (0, 0);
        for der in &keys {
            let parts = SpkiParts::read(der).unwrap();
            let by_crate = SubjectPublicKeyInfoOwned::from_der(der).unwrap();
            assert_eq!(parts.algorithm_oid(), Some(by_crate.algorithm.oid));
            assert_eq!(parts.raw_key(), by_crate.subject_public_key.raw_bytes());
            let curve = by_crate
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            assert_eq!(parts.parameters_oid(), curve);
            if by_crate.algorithm.oid == RSA_ENCRYPTION {
                let bits = rsa_modulus_bits(parts.key_bytes().unwrap()).unwrap();
                assert!([1024, 2048, 3072, 4096].contains(&bits), "{bits}");
                rsa += 1;
            } else {
                ec += 1;
            }
            for cut in [1, der.len() / 2, der.len() - 1] {
                assert_eq!(SpkiParts::read(&der[..cut]), None);
            }
            let mut longer = der.clone();
            longer.push(0);
            assert_eq!(SpkiParts::read(&longer), None, "bytes after it");
        }
        assert!(rsa >= 4 && ec >= 1, "{rsa} RSA, {ec} EC");
        assert_eq!(rsa_modulus_bits(&hex("3007020200ff020103")), Some(8));
        assert_eq!(rsa_modulus_bits(&hex("300702020100020103")), Some(9));
        assert_eq!(rsa_modulus_bits(&hex("3003020100")), None, "no exponent");
    }

    #[test]
    fn finish_wraps_the_signed_bytes_unchanged_and_refuses_what_is_not_one_sequence() {
        let scheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
        // a short body, a 1-byte long-form length (≥ 128) and a 2-byte one (≥ 256)
        for n in [3usize, 200, 300] {
            let mut wrapped = Vec::new();
            crate::tlv::push(&mut wrapped, 0x04, &vec![0xab; n]);
            let mut tbs = Vec::new();
            crate::tlv::push(&mut tbs, 0x30, &wrapped);
            let unsigned = Unsigned {
                to_be_signed: tbs.clone(),
                scheme,
            };
            let der = unsigned.finish(&[1, 2, 3]).unwrap();
            let any = der::asn1::AnyRef::from_der(&der).unwrap();
            let mut reader = der::SliceReader::new(any.value()).unwrap();
            let info: der::asn1::AnyRef<'_> = der::Decode::decode(&mut reader).unwrap();
            assert_eq!(info.to_der().unwrap(), tbs);
            let alg: AlgorithmIdentifierOwned = der::Decode::decode(&mut reader).unwrap();
            assert_eq!(alg, signature_algorithm(scheme).unwrap());
            let sig: BitString = der::Decode::decode(&mut reader).unwrap();
            assert_eq!(sig.raw_bytes(), [1, 2, 3]);
            assert!(der::Reader::is_finished(&reader));
        }
        for bad in [
            &b""[..],
            &[0x31, 0x00],
            &[0x30, 0x02, 0x05],
            &[0x30, 0x00, 0x00],
        ] {
            let unsigned = Unsigned {
                to_be_signed: bad.to_vec(),
                scheme,
            };
            let e = unsigned.finish(&[1]).unwrap_err();
            assert!(
                e.0.contains("not a CertificationRequestInfo"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn signature_algorithm_identifiers_are_exact() {
        let enc = |s| signature_algorithm(s).unwrap().to_der().unwrap();
        assert_eq!(
            enc(SignatureScheme::RsaPkcs1(Hash::Sha256)),
            hex("300d06092a864886f70d01010b0500")
        );
        assert_eq!(
            enc(SignatureScheme::RsaPkcs1(Hash::Sha1)),
            hex("300d06092a864886f70d0101050500")
        );
        assert_eq!(
            enc(SignatureScheme::Ecdsa(Hash::Sha384)),
            hex("300a06082a8648ce3d040303")
        );
        // RFC 4055 PSS with SHA-256: hash, MGF1(SHA-256), salt 32; trailer left at its default.
        assert_eq!(
            enc(SignatureScheme::RsaPss(Hash::Sha256)),
            hex(
                "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"
            )
        );
        // PSS with SHA-1 is all defaults: an empty parameter SEQUENCE.
        assert_eq!(
            enc(SignatureScheme::RsaPss(Hash::Sha1)),
            hex("300d06092a864886f70d01010a3000")
        );
    }

    #[test]
    fn ecdsa_raw_to_der_handles_high_bits_and_leading_zeros() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80; // r needs a 0x00 pad
        raw[31] = 1;
        raw[63] = 5; // s = 5 after stripping zeros
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x21, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x05]);
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
        assert!(ecdsa_raw_to_der(&[0; 64]).is_err());
        assert!(ecdsa_raw_to_der(&[]).is_err());
    }

    #[test]
    fn pem_is_64_columns_with_crlf_and_the_certreq_label() {
        let der: Vec<u8> = (0u8..=99).collect();
        let pem = to_pem(&der, PemLabel::default());
        let lines: Vec<&str> = pem.split("\r\n").collect();
        assert_eq!(lines[0], "-----BEGIN NEW CERTIFICATE REQUEST-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 136 - 128);
        assert_eq!(lines[4], "-----END NEW CERTIFICATE REQUEST-----");
        assert_eq!(lines[5], "");
        assert!(!pem.replace("\r\n", "").contains('\n'));
        let pem = to_pem(&der, PemLabel::Rfc7468);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\r\n"));
        let (label, back) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
        assert_eq!((label, back), ("CERTIFICATE REQUEST", der));
    }

    // ---- self-signed certificates (RequestType = Cert) ----

    /// `openssl verify` of a self-signed certificate against itself, its own signature
    /// checked too (the test dates are fixed, so not against the clock).
    fn openssl_verify_self_signed(der: &[u8]) {
        let args = [
            "verify",
            "-check_ss_sig",
            "-no_check_time",
            "-CAfile",
            "{}",
            "{}",
        ];
        run_openssl(
            &args,
            crate::pem::armor("CERTIFICATE", der).as_bytes(),
            "certificate",
        );
    }

    const SERIAL: [u8; 16] = [0xff; 16];
    /// 2026-07-24 10:31:00 UTC.
    const JULY_2026: i64 = 1_784_889_060;

    fn rsa_certificate(inf: &str, not_before: i64, not_after: i64) -> Vec<u8> {
        let req = compile(inf).request.unwrap();
        assert_eq!(req.request_type, crate::model::RequestType::Cert);
        let key = rsa_key();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let unsigned =
            prepare_certificate(&req, spki.as_bytes(), not_before, not_after, &SERIAL).unwrap();
        let SignatureScheme::RsaPkcs1(h) = unsigned.scheme else {
            panic!("expected PKCS#1 v1.5")
        };
        unsigned
            .finish(&rsa_sign(&key, h, &unsigned.to_be_signed))
            .unwrap()
    }

    #[test]
    fn a_self_signed_certificate_carries_the_requests_name_key_and_extensions() {
        use x509_cert::Certificate;
        let inf = "[NewRequest]\nSubject = \"CN=www.example.com, O=Example\"\nRequestType = Cert\n\
                   HashAlgorithm = SHA256\n[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n\
                   [Extensions]\n2.5.29.17 = \"{text}dns=www.example.com\"\n";
        let der = rsa_certificate(inf, JULY_2026, JULY_2026 + 86_400);
        openssl_verify_self_signed(&der);
        let cert = Certificate::from_der(&der).unwrap();
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.version(), x509_cert::certificate::Version::V3);
        assert_eq!(
            tbs.issuer(),
            tbs.subject(),
            "self-signed: the subject is the issuer"
        );
        assert_eq!(
            crate::name::display(tbs.subject()),
            "CN=www.example.com, O=Example"
        );
        let serial = tbs.serial_number().as_bytes();
        assert_eq!(serial.len(), 16);
        assert_eq!(serial[0], 0x7f, "positive, no leading zero: {serial:02x?}");
        let validity = tbs.validity();
        assert_eq!(
            validity.not_before.to_unix_duration().as_secs() as i64,
            JULY_2026
        );
        assert_eq!(
            validity.not_after.to_unix_duration().as_secs() as i64,
            JULY_2026 + 86_400
        );
        let oids: Vec<String> = tbs
            .extensions()
            .unwrap()
            .iter()
            .map(|e| e.extn_id.to_string())
            .collect();
        assert!(oids.contains(&"2.5.29.37".to_string()), "EKU: {oids:?}");
        assert!(oids.contains(&"2.5.29.17".to_string()), "SAN: {oids:?}");
        assert!(
            oids.contains(&"2.5.29.14".to_string()),
            "key identifier: {oids:?}"
        );
        assert_eq!(
            cert.signature_algorithm().oid.to_string(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(tbs.signature(), cert.signature_algorithm());
    }

    #[test]
    fn validity_is_utctime_through_2049_and_generalizedtime_after() {
        // 2049-12-31 23:59:59 and 2050-01-01 00:00:00 UTC
        let (end_2049, start_2050) = (2_524_607_999, 2_524_608_000);
        let der = rsa_certificate(
            "[NewRequest]\nSubject = \"CN=t\"\nRequestType = Cert\n",
            end_2049,
            start_2050,
        );
        let utc = b"\x17\x0d491231235959Z";
        let generalized = b"\x18\x0f20500101000000Z";
        let find = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
        assert!(find(utc) && find(generalized));
        openssl_verify_self_signed(&der);
    }

    #[test]
    fn a_p256_self_signed_certificate_verifies() {
        use p256::ecdsa::{Signature, SigningKey as EcKey};
        use p256::pkcs8::EncodePublicKey as _;
        let inf = "[NewRequest]\nSubject = \"CN=Device CA\"\nKeyAlgorithm = ECDSA_P256\n\
                   RequestType = cert\nKeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_DIGITAL_SIGNATURE_KEY_USAGE\"\n\
                   [BasicConstraintsExtension]\nCA = TRUE\nCritical = TRUE\n";
        let req = compile(inf).request.unwrap();
        let key = EcKey::from_slice(&[0x11; 32]).unwrap();
        let spki = key.verifying_key().to_public_key_der().unwrap();
        let (start, end) = req.validity.resolve(JULY_2026);
        assert_eq!(end - start, 365 * 86_400, "a calendar year from July 2026");
        let unsigned = prepare_certificate(&req, spki.as_bytes(), start, end, &SERIAL).unwrap();
        let sig: Signature = key.sign(&unsigned.to_be_signed);
        let der = unsigned.finish(sig.to_der().as_bytes()).unwrap();
        openssl_verify_self_signed(&der);
        let cert = x509_cert::Certificate::from_der(&der).unwrap();
        let bc = cert
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::BasicConstraints>()
            .unwrap()
            .unwrap();
        assert!(bc.0, "critical");
        assert!(bc.1.ca);
    }

    #[test]
    fn validity_comes_from_the_inf_or_a_year_from_now() {
        let plan = |inf: &str| {
            compile(&format!(
                "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n{inf}"
            ))
            .request
            .unwrap()
            .validity
        };
        let now = JULY_2026;
        let year = |y: i64| (crate::time::days_from_civil(y, 7, 24) - 20_658) * 86_400;
        assert_eq!(plan("").resolve(now), (now, now + year(2027)));
        // years on the calendar: 30 of them hold 8 leap days
        assert_eq!(
            plan("ValidityPeriod = Years\nValidityPeriodUnits = 30\n").resolve(now),
            (now, now + (30 * 365 + 8) * 86_400)
        );
        assert_eq!(year(2056), (30 * 365 + 8) * 86_400);
        assert_eq!(
            plan("ValidityPeriod = Months\nValidityPeriodUnits = 1\n").resolve(now),
            (now, now + 31 * 86_400),
            "July has 31 days"
        );
        let (start, end) =
            plan("NotBefore = 7/24/2026 10:31 AM\nNotAfter = 7/25/2026 10:31 AM\n").resolve(0);
        assert_eq!((start, end), (JULY_2026, JULY_2026 + 86_400));
        let (start, end) = plan(
            "NotBefore = 7/24/2026 10:31 AM\nValidityPeriod = Days\nValidityPeriodUnits = 2\n",
        )
        .resolve(0);
        assert_eq!((start, end), (JULY_2026, JULY_2026 + 2 * 86_400));
    }

    #[test]
    fn impossible_certificates_are_refused_not_made() {
        let req = compile("[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n")
            .request
            .unwrap();
        let spki = rsa_key().to_public_key().to_public_key_der().unwrap();
        let make = |start, end, serial: &[u8]| {
            prepare_certificate(&req, spki.as_bytes(), start, end, serial).map(|_| ())
        };
        assert!(
            make(JULY_2026, JULY_2026, &SERIAL).is_err(),
            "ends as it begins"
        );
        assert!(
            make(-1, JULY_2026, &SERIAL)
                .unwrap_err()
                .0
                .contains("before 1970")
        );
        assert!(
            make(JULY_2026, i64::MAX, &SERIAL)
                .unwrap_err()
                .0
                .contains("after 9999")
        );
        assert!(
            make(JULY_2026, JULY_2026 + 1, &[1; 7]).is_err(),
            "too few random bytes"
        );
        assert!(
            make(JULY_2026, JULY_2026 + 1, &[1; 21]).is_err(),
            "too many"
        );
        assert!(make(JULY_2026, JULY_2026 + 1, &[0; 8]).is_ok());
    }
}
