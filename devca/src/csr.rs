//! PKCS#10 requests: decoding, signature check, and the parts the policy needs (subject, public
//! key, subject alternative names, and the Microsoft template name and name/value attributes).

use certreq_pkix::oid::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;
use x509_cert::request::CertReq;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use certreq_pkix::tlv::{Tlv, read as read_tlv};

const OID_EXTENSION_REQUEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");
/// Microsoft's older extension-request attribute (szOID_CERT_EXTENSIONS).
const OID_MS_CERT_EXTENSIONS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.2.1.14");
/// szOID_ENROLLMENT_NAME_VALUE_PAIR: request attributes carried inside the PKCS#10.
const OID_NAME_VALUE_PAIR: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.13.2.1");
/// szOID_ENROLL_CERTTYPE_EXTENSION: the template name as a BMPString.
const OID_CERTTYPE_EXTENSION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// Message for a request that is not DER PKCS#10 (AD CS words it the same way).
pub const MSG_PARSE_BADTAG: &str =
    "Error Parsing Request  ASN1 bad tag value met. 0x8009310b (ASN: 267 CRYPT_E_ASN1_BADTAG)";
pub const MSG_PARSE_EOD: &str =
    "Error Parsing Request  ASN1 unexpected end of data. 0x80093102 (ASN: 258 CRYPT_E_ASN1_EOD)";
pub const MSG_BAD_SIGNATURE: &str = "Error Verifying Request Signature or signing certificate  Invalid Signature. 0x80090006 (-2146893818 NTE_BAD_SIGNATURE)";
pub const MSG_UNKNOWN_ALGO: &str = "Error Verifying Request Signature or signing certificate  Unknown cryptographic algorithm. 0x80091002 (-2146889726 CRYPT_E_UNKNOWN_ALGO)";

/// What the policy needs from a verified request.
#[derive(Debug, Clone)]
pub struct ParsedRequest {
    pub subject: Name,
    pub public_key: SubjectPublicKeyInfoOwned,
    pub san: Vec<GeneralName>,
    /// Template name from the certificate-type extension, if any.
    pub template_ext: Option<String>,
    /// Name/value request attributes carried inside the PKCS#10.
    pub attributes: Vec<(String, String)>,
    /// Every extension the request asks for.
    pub extensions: Vec<Extension>,
    /// The certificates (DER) whose keys signed a PKCS #7 or CMC request, each signature and
    /// message digest checked: an enrollment agent's, a renewed certificate's, a co-signer's.
    /// Whether devca trusts them is `lifecycle::check`'s.
    pub cert_signers: Vec<Vec<u8>>,
    /// The renewal-certificate attribute's certificate (DER), 1.3.6.1.4.1.311.13.1.
    pub renewal_certificate: Option<Vec<u8>>,
    /// `RequesterName`: the signed name-value pair of a PKCS #7 request, or the regInfo
    /// control of a CMC request.
    pub requester_name: Option<String>,
    /// An archived key: the EnvelopedData's `ContentInfo` (1.3.6.1.4.1.311.21.13), its hash
    /// checked against the signed one (1.3.6.1.4.1.311.21.21).
    pub archived_key: Option<Vec<u8>>,
    /// The PKCS #10 carries MS-WCCE's null signature (inside a CMC request whose
    /// certificates vouch for it).
    pub null_signed: bool,
}

/// Why a request was refused before policy: the AD CS disposition message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(pub &'static str);

/// Decodes `der` as PKCS#10, checks its self-signature and extracts what the policy needs.
/// A CMC request (as certreq's `RequestType = CMC` makes) gives the PKCS#10 it carries, once
/// its own signature by that request's key and its message digest check out too.
pub fn parse_and_verify(der: &[u8]) -> Result<ParsedRequest, RequestError> {
    use certreq_pkix::signed::SignerId;
    let Some(sd) = certreq_pkix::signed::read(der) else {
        return parse_and_verify_pkcs10(der);
    };
    let content = sd.content.ok_or(RequestError(MSG_PARSE_BADTAG))?;
    let cmc = sd.is_pki_data();
    if !cmc && !sd.is_data() {
        return Err(RequestError(MSG_PARSE_BADTAG));
    }
    let pkcs10 = if cmc {
        certreq_pkix::cmc::pkcs10_in_any(der)
    } else {
        content
    };
    if cmc && std::ptr::eq(pkcs10, der) {
        return Err(RequestError(MSG_PARSE_BADTAG));
    }
    // a null-signed request only inside CMC, vouched for by certificates below
    let mut inner = parse_pkcs10(pkcs10, cmc)?;
    if sd.signers.is_empty() {
        return Err(RequestError(MSG_BAD_SIGNATURE));
    }
    let spki_der = inner
        .public_key
        .to_der()
        .map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
    let key_id = certreq_pkix::spki::key_identifier(&spki_der);
    for signer in &sd.signers {
        if !sd.lists_digest_of(signer) || !signer.attributes_cover(sd.content_type, content) {
            return Err(RequestError(MSG_BAD_SIGNATURE));
        }
        let signed = signer.signed_bytes(content);
        let hash = signer.hash().ok_or(RequestError(MSG_UNKNOWN_ALGO))?;
        match signer.sid {
            SignerId::KeyId(id) => {
                // the request's own key: not for a null-signed request, whose key never signed
                if id != key_id.as_slice() || inner.null_signed {
                    return Err(RequestError(MSG_BAD_SIGNATURE));
                }
                let alg = signature_alg(signer.signature_algorithm, hash, &inner.public_key)?;
                verify_signature(&inner.public_key, &alg, &signed, signer.signature)?;
            }
            SignerId::IssuerSerial { .. } => {
                let cert = sd
                    .certificate_for(&signer.sid)
                    .ok_or(RequestError(MSG_BAD_SIGNATURE))?;
                let parsed = x509_cert::Certificate::from_der(cert)
                    .map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
                let key = parsed.tbs_certificate().subject_public_key_info();
                let alg = signature_alg(signer.signature_algorithm, hash, key)?;
                verify_signature(key, &alg, &signed, signer.signature)?;
                if inner.requester_name.is_none()
                    && let Some(values) = signer.signed_attribute(&OID_NAME_VALUE_PAIR)
                    && let Some((name, value)) = decode_name_value_pair(values)
                    && name.eq_ignore_ascii_case("RequesterName")
                {
                    inner.requester_name = Some(value);
                }
                inner.cert_signers.push(cert.to_vec());
            }
        }
    }
    if inner.null_signed && inner.cert_signers.is_empty() {
        return Err(RequestError(MSG_BAD_SIGNATURE));
    }
    if cmc {
        read_cmc_controls(content, &sd, &mut inner)?;
    }
    Ok(inner)
}

/// What a CMC request's controls and its request signer's unsigned attributes add: the
/// requester name of an id-cmc-regInfo control (`RequesterName=DOMAIN%5Cuser&`), and an
/// archived key, whose hash among the CMC attributes must be the hash of the unsigned one.
fn read_cmc_controls(
    pki_data: &[u8],
    sd: &certreq_pkix::signed::SignedData<'_>,
    inner: &mut ParsedRequest,
) -> Result<(), RequestError> {
    use certreq_pkix::oid;
    use certreq_pkix::tlv::{items, only};
    let bad = || RequestError(MSG_PARSE_BADTAG);
    let fields = items(only(pki_data, 0x30).ok_or_else(bad)?).ok_or_else(bad)?;
    let (_, controls) = fields.first().ok_or_else(bad)?;
    let mut signed_hash: Option<Vec<u8>> = None;
    for (_, control) in items(controls).ok_or_else(bad)? {
        let parts = items(control).ok_or_else(bad)?;
        let [(0x02, _), (0x06, ty), (0x31, values)] = parts.as_slice() else {
            return Err(bad());
        };
        if *ty == oid::ID_CMC_REG_INFO.as_bytes() {
            for (tag, v) in items(values).ok_or_else(bad)? {
                if tag == 0x04
                    && let Some(name) = reg_info_requester(v)
                {
                    inner.requester_name = Some(name);
                }
            }
        } else if *ty == oid::CMC_ATTRIBUTES.as_bytes() {
            for (_, add) in items(values).ok_or_else(bad)? {
                let add = items(add).ok_or_else(bad)?;
                let Some((0x31, attrs)) = add.get(2) else {
                    return Err(bad());
                };
                for (_, attr) in items(attrs).ok_or_else(bad)? {
                    let a = items(attr).ok_or_else(bad)?;
                    if let [(0x06, t), (0x31, v)] = a.as_slice()
                        && *t == oid::ENCRYPTED_KEY_HASH.as_bytes()
                    {
                        signed_hash = Some(only(v, 0x04).ok_or_else(bad)?.to_vec());
                    }
                }
            }
        }
    }
    let unsigned = sd
        .signers
        .iter()
        .find_map(|s| s.unsigned_attribute(&oid::ENCRYPTED_PRIVATE_KEY));
    match (signed_hash, unsigned) {
        (None, None) => Ok(()),
        (Some(hash), Some(key)) => {
            use sha1::Digest;
            if sha1::Sha1::digest(key).as_slice() != hash.as_slice() {
                return Err(RequestError(MSG_BAD_SIGNATURE));
            }
            inner.archived_key = Some(key.to_vec());
            Ok(())
        }
        // a key without its signed hash, or a hash without its key
        _ => Err(RequestError(MSG_BAD_SIGNATURE)),
    }
}

/// `RequesterName=<URL-encoded>&` → the name.
fn reg_info_requester(v: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(v).ok()?;
    for pair in text.split('&') {
        let (name, value) = pair.split_once('=')?;
        if name.eq_ignore_ascii_case("RequesterName") {
            let bytes = value.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'%' => {
                        let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                        out.push(u8::from_str_radix(hex, 16).ok()?);
                        i += 3;
                    }
                    b'+' => {
                        out.push(b' ');
                        i += 1;
                    }
                    b => {
                        out.push(b);
                        i += 1;
                    }
                }
            }
            return String::from_utf8(out).ok();
        }
    }
    None
}

/// A signature algorithm as [`verify_signature`] takes it: named by its OID, or RSASSA-PSS
/// with MGF1 of the same hash and a salt of `salt` bytes (certreq writes the hash's length
/// with `AlternateSignatureAlgorithm = TRUE`; OpenSSL by default the longest the key allows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SigAlg {
    Named(ObjectIdentifier),
    Pss {
        hash: certreq_pkix::alg::Hash,
        salt: usize,
    },
}

impl SigAlg {
    /// A `signatureAlgorithm`. RSASSA-PSS whose parameters cannot be verified here (MGF1 of
    /// another hash than the message's, another mask or trailer, a hash devca does not know)
    /// stays named by its OID, which [`verify_signature`] refuses as an unknown algorithm.
    fn of(alg: &x509_cert::spki::AlgorithmIdentifierOwned) -> SigAlg {
        Self::pss(alg).unwrap_or(SigAlg::Named(alg.oid))
    }

    fn pss(alg: &x509_cert::spki::AlgorithmIdentifierOwned) -> Option<SigAlg> {
        // the rsa crate's PSS masks with the message's own hash
        let (hash, mask, salt) = certreq_pkix::alg::pss_parameters(alg)?;
        (mask == hash).then_some(SigAlg::Pss { hash, salt })
    }
}

/// The signature algorithm a CMS signer names: certreq names a PKCS #1 v1.5 signer
/// `rsaEncryption` and lets the digest algorithm say the hash; a named signature algorithm
/// (ECDSA, RSASSA-PSS) must use that same hash.
fn signature_alg(
    signature_algorithm: &[u8],
    hash: certreq_pkix::alg::Hash,
    key: &SubjectPublicKeyInfoOwned,
) -> Result<SigAlg, RequestError> {
    use certreq_pkix::alg::SignatureScheme;
    let _ = key;
    let alg = x509_cert::spki::AlgorithmIdentifierOwned::from_der(signature_algorithm)
        .map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
    let named = |scheme: SignatureScheme| scheme.algorithm_identifier().map(|a| a.oid).ok();
    let rsa = named(SignatureScheme::RsaPkcs1(hash));
    if alg.oid == OID_RSA {
        rsa.map(SigAlg::Named).ok_or(RequestError(MSG_UNKNOWN_ALGO))
    } else if Some(alg.oid) == rsa || Some(alg.oid) == named(SignatureScheme::Ecdsa(hash)) {
        Ok(SigAlg::Named(alg.oid))
    } else if let pss @ SigAlg::Pss { hash: h, .. } = SigAlg::of(&alg)
        && h == hash
    {
        Ok(pss)
    } else {
        Err(RequestError(MSG_UNKNOWN_ALGO))
    }
}

/// Decodes `der` as PKCS#10 only (EST's `simpleenroll` takes nothing else, RFC 7030
/// §4.2.1; a CMC request is not one), checks its self-signature and extracts what the policy
/// needs.
pub fn parse_and_verify_pkcs10(der: &[u8]) -> Result<ParsedRequest, RequestError> {
    parse_pkcs10(der, false)
}

/// [`parse_and_verify_pkcs10`]; with `allow_null`, a request whose signature is MS-WCCE's
/// null signature (the algorithm a hash, the signature that hash of the request info) is taken
/// too and marked `null_signed`.
fn parse_pkcs10(der: &[u8], allow_null: bool) -> Result<ParsedRequest, RequestError> {
    // the outer SEQUENCE and the raw bytes of the signed part, exactly as sent
    let Some(Tlv {
        tag: 0x30,
        content: outer,
        rest,
        ..
    }) = read_tlv(der)
    else {
        return Err(RequestError(if der.first() == Some(&0x30) {
            MSG_PARSE_EOD
        } else {
            MSG_PARSE_BADTAG
        }));
    };
    if !rest.is_empty() {
        return Err(RequestError(MSG_PARSE_BADTAG));
    }
    let Some(Tlv {
        tag: 0x30,
        whole: tbs_raw,
        ..
    }) = read_tlv(outer)
    else {
        return Err(RequestError(MSG_PARSE_BADTAG));
    };
    let req = CertReq::from_der(der).map_err(|e| {
        RequestError(match e.kind() {
            der::ErrorKind::Incomplete { .. } => MSG_PARSE_EOD,
            _ => MSG_PARSE_BADTAG,
        })
    })?;
    let sig = req
        .signature
        .as_bytes()
        .ok_or(RequestError(MSG_BAD_SIGNATURE))?;
    let null_hash = certreq_pkix::alg::Hash::from_oid(&req.algorithm.oid);
    let null_signed = match null_hash {
        Some(hash) if allow_null => {
            if hash.digest(tbs_raw) != sig {
                return Err(RequestError(MSG_BAD_SIGNATURE));
            }
            true
        }
        _ => {
            verify_signature(
                &req.info.public_key,
                &SigAlg::of(&req.algorithm),
                tbs_raw,
                sig,
            )?;
            false
        }
    };

    let mut san = Vec::new();
    let mut template_ext = None;
    let mut attributes = Vec::new();
    let mut extensions = Vec::new();
    let mut renewal_certificate = None;
    for attr in req.info.attributes.iter() {
        if attr.oid == certreq_pkix::oid::RENEWAL_CERTIFICATE {
            let cert = attr
                .values
                .get(0)
                .and_then(|v| v.to_der().ok())
                .ok_or(RequestError(MSG_PARSE_BADTAG))?;
            renewal_certificate = Some(cert);
            continue;
        }
        if attr.oid == OID_EXTENSION_REQUEST || attr.oid == OID_MS_CERT_EXTENSIONS {
            for value in attr.values.iter() {
                let Ok(bytes) = value.to_der() else { continue };
                let Ok(exts) = Vec::<Extension>::from_der(&bytes) else {
                    return Err(RequestError(MSG_PARSE_BADTAG));
                };
                for ext in exts {
                    extensions.push(ext.clone());
                    if ext.extn_id == OID_SAN {
                        let names = SubjectAltName::from_der(ext.extn_value.as_bytes())
                            .map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
                        san.extend(names.0);
                    } else if ext.extn_id == OID_CERTTYPE_EXTENSION {
                        template_ext = decode_string(ext.extn_value.as_bytes());
                    }
                }
            }
        } else if attr.oid == OID_NAME_VALUE_PAIR {
            for value in attr.values.iter() {
                let Ok(bytes) = value.to_der() else { continue };
                if let Some(pair) = decode_name_value_pair(&bytes) {
                    attributes.push(pair);
                }
            }
        }
    }
    Ok(ParsedRequest {
        subject: req.info.subject.clone(),
        public_key: req.info.public_key.clone(),
        san,
        template_ext,
        attributes,
        extensions,
        cert_signers: Vec::new(),
        renewal_certificate,
        requester_name: None,
        archived_key: None,
        null_signed,
    })
}

/// A BMPString, UTF8String, IA5String or PrintableString as text.
fn decode_string(der: &[u8]) -> Option<String> {
    let Tlv { tag, content, .. } = read_tlv(der)?;
    match tag {
        0x1e => {
            let units: Vec<u16> = content
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        0x0c | 0x16 | 0x13 => String::from_utf8(content.to_vec()).ok(),
        _ => None,
    }
}

/// EnrollmentNameValuePair ::= SEQUENCE { name BMPString, value BMPString }
pub fn decode_name_value_pair(der: &[u8]) -> Option<(String, String)> {
    let Tlv {
        tag: 0x30, content, ..
    } = read_tlv(der)?
    else {
        return None;
    };
    let Tlv {
        whole: name, rest, ..
    } = read_tlv(content)?;
    let Tlv { whole: value, .. } = read_tlv(rest)?;
    Some((decode_string(name)?, decode_string(value)?))
}

fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &SigAlg,
    tbs: &[u8],
    sig: &[u8],
) -> Result<(), RequestError> {
    use sha2::Digest;
    let alg = match alg {
        SigAlg::Pss { hash, salt } => return verify_pss(spki, *hash, *salt, tbs, sig),
        SigAlg::Named(oid) => oid,
    };
    let (hash, digest_name): (Vec<u8>, &str) = match alg.to_string().as_str() {
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => (sha1::Sha1::digest(tbs).to_vec(), "sha1"),
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" => {
            (sha2::Sha256::digest(tbs).to_vec(), "sha256")
        }
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => {
            (sha2::Sha384::digest(tbs).to_vec(), "sha384")
        }
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => {
            (sha2::Sha512::digest(tbs).to_vec(), "sha512")
        }
        _ => return Err(RequestError(MSG_UNKNOWN_ALGO)),
    };
    let rsa_sig = alg.to_string().starts_with("1.2.840.113549.1.1.");
    let spki_der = spki.to_der().map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
    if spki.algorithm.oid == OID_RSA {
        if !rsa_sig {
            return Err(RequestError(MSG_BAD_SIGNATURE));
        }
        use rsa::pkcs8::DecodePublicKey;
        let key = rsa::PublicKey::from_public_key_der(&spki_der)
            .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
        let scheme = match digest_name {
            "sha1" => rsa::pkcs1v15::Pkcs1v15Sign::new::<sha1::Sha1>(),
            "sha256" => rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha256>(),
            "sha384" => rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha384>(),
            _ => rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha512>(),
        };
        key.verify(scheme, &hash, sig)
            .map_err(|_| RequestError(MSG_BAD_SIGNATURE))
    } else if spki.algorithm.oid == OID_EC {
        if rsa_sig {
            return Err(RequestError(MSG_BAD_SIGNATURE));
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        use p256::pkcs8::DecodePublicKey as _;
        match curve {
            Some(c) if c == OID_P256 => {
                let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
                let s = p256::ecdsa::DerSignature::try_from(sig)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
                key.verify_prehash(&hash, &s)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))
            }
            Some(c) if c == OID_P384 => {
                let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
                let s = p384::ecdsa::DerSignature::try_from(sig)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
                key.verify_prehash(&hash, &s)
                    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))
            }
            _ => Err(RequestError(MSG_UNKNOWN_ALGO)),
        }
    } else {
        Err(RequestError(MSG_UNKNOWN_ALGO))
    }
}

/// An RSASSA-PSS signature with MGF1 of `hash` and a salt of `salt` bytes.
fn verify_pss(
    spki: &SubjectPublicKeyInfoOwned,
    hash: certreq_pkix::alg::Hash,
    salt: usize,
    tbs: &[u8],
    sig: &[u8],
) -> Result<(), RequestError> {
    use certreq_pkix::alg::Hash;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::pss::Pss;
    if spki.algorithm.oid != OID_RSA {
        return Err(RequestError(MSG_BAD_SIGNATURE));
    }
    let spki_der = spki.to_der().map_err(|_| RequestError(MSG_PARSE_BADTAG))?;
    let key = rsa::PublicKey::from_public_key_der(&spki_der)
        .map_err(|_| RequestError(MSG_BAD_SIGNATURE))?;
    let digest = hash.digest(tbs);
    match hash {
        Hash::Sha1 => key.verify(Pss::<sha1::Sha1>::new_with_salt(salt), &digest, sig),
        Hash::Sha256 => key.verify(Pss::<sha2::Sha256>::new_with_salt(salt), &digest, sig),
        Hash::Sha384 => key.verify(Pss::<sha2::Sha384>::new_with_salt(salt), &digest, sig),
        Hash::Sha512 => key.verify(Pss::<sha2::Sha512>::new_with_salt(salt), &digest, sig),
    }
    .map_err(|_| RequestError(MSG_BAD_SIGNATURE))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use x509_cert::builder::{Builder, RequestBuilder};
    use x509_cert::ext::pkix::name::GeneralName;

    /// A P-256 CSR for `subject` with the given DNS names, signed with ECDSA-SHA256.
    pub fn ec_csr(subject: &str, dns: &[&str]) -> Vec<u8> {
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let key = <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::generate_from_rng(
            &mut rng,
        );
        let subject: Name = if subject.is_empty() {
            Name::default()
        } else {
            subject.parse().unwrap()
        };
        let mut b = RequestBuilder::new(subject).unwrap();
        if !dns.is_empty() {
            let names = dns
                .iter()
                .map(|d| GeneralName::DnsName(der::asn1::Ia5String::new(d).unwrap()))
                .collect();
            b.add_extension(&SubjectAltName(names)).unwrap();
        }
        let req = b.build::<_, p256::ecdsa::DerSignature>(&key).unwrap();
        req.to_der().unwrap()
    }

    #[test]
    fn good_request_verifies_and_yields_san() {
        let der = ec_csr("CN=web.example", &["web.example", "www.example"]);
        let p = parse_and_verify(&der).unwrap();
        assert_eq!(p.subject.to_string(), "CN=web.example");
        assert_eq!(p.san.len(), 2);
        assert_eq!(p.template_ext, None);
    }

    #[test]
    fn tampered_request_is_refused_with_bad_signature() {
        let mut der = ec_csr("CN=web.example", &[]);
        // flip a byte inside the subject's CN value
        let pos = der.windows(3).position(|w| w == b"web").unwrap();
        der[pos] = b'X';
        assert_eq!(parse_and_verify(&der).unwrap_err().0, MSG_BAD_SIGNATURE);
    }

    #[test]
    fn garbage_is_an_asn1_error() {
        assert_eq!(
            parse_and_verify(b"hello world").unwrap_err().0,
            MSG_PARSE_BADTAG
        );
        assert_eq!(
            parse_and_verify(&[0x30, 0x82, 0x01]).unwrap_err().0,
            MSG_PARSE_EOD
        );
        assert_eq!(parse_and_verify(&[]).unwrap_err().0, MSG_PARSE_BADTAG);
        let der = ec_csr("CN=x", &[]);
        assert!(parse_and_verify(&der[..der.len() - 1]).is_err());
    }

    /// A request certreq's `RequestType = CMC` would make: a P-256 PKCS#10 wrapped in CMC
    /// and signed again with the same key.
    fn ec_cmc(subject: &str) -> Vec<u8> {
        ec_cmc_naming(subject, None)
    }

    /// The same, its signer named by the key identifier of `signer_spki` instead.
    fn ec_cmc_naming(subject: &str, signer_spki: Option<&[u8]>) -> Vec<u8> {
        use certreq_pkix::alg::{Hash, SignatureScheme};
        use certreq_request::cmc;
        use p256::ecdsa::signature::Signer;
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let key = <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::generate_from_rng(
            &mut rng,
        );
        let b = RequestBuilder::new(subject.parse().unwrap()).unwrap();
        let p10 = b
            .build::<_, p256::ecdsa::DerSignature>(&key)
            .unwrap()
            .to_der()
            .unwrap();
        let spki = CertReq::from_der(&p10)
            .unwrap()
            .info
            .public_key
            .to_der()
            .unwrap();
        let named = signer_spki.unwrap_or(&spki);
        let content = cmc::wrap(&p10, named, SignatureScheme::Ecdsa(Hash::Sha256)).unwrap();
        let digest = Hash::Sha256.digest(&content.pki_data);
        let unsigned = content.prepare(&digest).unwrap();
        let sig: p256::ecdsa::DerSignature = key.sign(&unsigned.to_be_signed);
        unsigned.finish(sig.as_bytes()).unwrap()
    }

    #[test]
    fn a_cmc_request_gives_the_request_it_carries() {
        let der = ec_cmc("CN=cmc.example");
        let p = parse_and_verify(&der).unwrap();
        assert_eq!(p.subject.to_string(), "CN=cmc.example");
        // the outer signature is checked: flip its last byte
        let mut bad = der.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(parse_and_verify(&bad).is_err());
        // and the digest: change the subject inside
        let mut bad = der.clone();
        let at = bad.windows(11).position(|w| w == b"cmc.example").unwrap();
        bad[at] = b'x';
        assert_eq!(parse_and_verify(&bad).unwrap_err().0, MSG_BAD_SIGNATURE);
        // a signer named as some other key, though the signature is good
        let other = CertReq::from_der(&ec_csr("CN=other", &[])).unwrap();
        let other = other.info.public_key.to_der().unwrap();
        let misnamed = ec_cmc_naming("CN=cmc.example", Some(&other));
        assert_eq!(
            parse_and_verify(&misnamed).unwrap_err().0,
            MSG_BAD_SIGNATURE
        );
        // EST takes PKCS#10 only
        assert!(parse_and_verify_pkcs10(&der).is_err());
        assert!(parse_and_verify_pkcs10(certreq_pkix::cmc::read(&der).unwrap().request).is_ok());
    }

    #[test]
    fn no_changed_byte_gets_a_cmc_request_through() {
        // devca reads requests from the network: every byte of a CMC request is either
        // checked by a signature or by the reader, so any change is refused (and none panics)
        let der = ec_cmc("CN=flip.example");
        let mut taken = Vec::new();
        for at in 0..der.len() {
            let mut bad = der.clone();
            bad[at] ^= 0x01;
            if parse_and_verify(&bad).is_ok() {
                taken.push(at);
            }
        }
        assert!(
            taken.is_empty(),
            "changes taken at {taken:?} of {}",
            der.len()
        );
    }

    #[test]
    fn the_windows_made_cmc_sample_is_taken() {
        // made by the Windows certificates snap-in (CertEnroll): SHA-1, RSA, rsaEncryption
        let dir = std::env::var_os("CERTREQ_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
            });
        let pem = std::fs::read(dir.join("req/007-csrinspector-mmc-cmc-base64.req"))
            .expect("the shared corpus (set CERTREQ_CORPUS)");
        let der = certreq_pkix::pem::read(&pem).unwrap().remove(0).der;
        let p = parse_and_verify(&der).unwrap();
        assert_eq!(p.template_ext.as_deref(), None);
        assert!(!p.san.is_empty());
    }

    #[test]
    fn bmp_strings_decode() {
        assert_eq!(
            decode_string(&[0x1e, 0x04, 0x00, b'W', 0x00, b'S']),
            Some("WS".into())
        );
        assert_eq!(
            decode_string(&[0x1e, 0x03, 0x00, b'W', 0x00]),
            Some("W".into())
        );
        let pair = [
            0x30, 0x0a, 0x1e, 0x02, 0x00, b'a', 0x1e, 0x04, 0x00, b'b', 0x00, b'c',
        ];
        assert_eq!(
            decode_name_value_pair(&pair),
            Some(("a".to_string(), "bc".to_string()))
        );
    }
}
