//! Encoding: a [`NewRequest`] plus a public key to PKCS#10 DER, in two phases so the signature
//! can come from outside (Web Crypto signs asynchronously; the CLI signs natively).
//!
//! ```text
//! prepare(request, spki, client) ─▶ Unsigned { to_be_signed, scheme }
//!                         signer(scheme, to_be_signed) ─▶ signature
//! Unsigned::finish(signature) ─▶ DER          certreq_pkix::pem::write(label, DER) ─▶ text
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

use certreq_pkix::alg::{SignatureScheme, check_ecdsa_der};
use certreq_pkix::msattr;
use certreq_pkix::oid;
use certreq_pkix::spki::check_key;
use certreq_pkix::tlv;
use der::Decode;
use x509_cert::ext::Extension;

use crate::model::NewRequest;

/// Who is asking, for certreq's default attributes (OS version, client information, CSP).
/// Callers fill in honest values for where they run; the default, all empty, is for a request
/// without those attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

impl ClientInfo {
    /// Fixed, recognisable values (`certreq` on `TESTHOST`), for tests, examples and
    /// benchmarks that need requests byte for byte the same from run to run.
    pub fn example() -> Self {
        ClientInfo {
            os_version: "6.1.0".into(),
            machine: "TESTHOST".into(),
            user: "TESTHOST\\tester".into(),
            process: "certreq".into(),
            provider: "certreq-web test provider".into(),
        }
    }
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

pub use crate::error::EncodeError;
pub(crate) use crate::error::der_err;

use crate::ext::write;
use crate::signed::attribute;

/// What a request carries that the INF alone does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Additions<'a> {
    /// The certificate a renewal renews (DER; [`NewRequest::renewal_cert`] names it): it goes
    /// whole into the renewal-certificate attribute (1.3.6.1.4.1.311.13.1, MS-WCCE 2.2.2.7.3).
    pub renewal_certificate: Option<&'a [u8]>,
}

/// Builds the to-be-signed request for a public key (`SubjectPublicKeyInfo` DER).
pub fn prepare(
    request: &NewRequest,
    spki_der: &[u8],
    client: &ClientInfo,
) -> Result<Unsigned, EncodeError> {
    prepare_with(request, spki_der, client, &Additions::default())
}

/// [`prepare`], with what the caller adds: the renewed certificate.
pub fn prepare_with(
    request: &NewRequest,
    spki_der: &[u8],
    client: &ClientInfo,
    additions: &Additions<'_>,
) -> Result<Unsigned, EncodeError> {
    check_key(spki_der, request.key.algorithm)?;

    // certreq's attributes, as `msattr`'s types describe them (written here with the TLV
    // writer, held to those types' encoding by the golden requests)
    let mut attrs: Vec<Vec<u8>> = Vec::new();
    if request.default_attributes {
        if !client.os_version.is_ascii() {
            return Err(EncodeError::OsVersionNotAscii);
        }
        attrs.push(attribute(
            oid::OS_VERSION,
            &tlv::tlv(0x16, client.os_version.as_bytes()),
        ));
        // ClientInformation ::= SEQUENCE { clientId INTEGER, MachineName, UserName,
        // ProcessName UTF8String }
        let mut info = Vec::new();
        write::push_uint(&mut info, 0x02, u64::from(msattr::CLIENT_ID_CERTREQ));
        for text in [&client.machine, &client.user, &client.process] {
            tlv::push(&mut info, 0x0c, text.as_bytes());
        }
        attrs.push(attribute(oid::CLIENT_INFO, &tlv::tlv(0x30, &info)));
        // CSPProvider ::= SEQUENCE { keySpec INTEGER, cspName BMPString, signature BIT STRING }
        let mut csp = Vec::new();
        write::push_uint(&mut csp, 0x02, u64::from(request.key.key_spec.number()));
        let provider = write::bmp(&client.provider).ok_or(EncodeError::ProviderNotBmp)?;
        tlv::push(&mut csp, 0x1e, &provider);
        csp.extend_from_slice(&[0x03, 0x01, 0x00]);
        attrs.push(attribute(oid::ENROLLMENT_CSP, &tlv::tlv(0x30, &csp)));
    }
    for (name, value) in &request.name_value_pairs {
        // EnrollmentNameValuePair ::= SEQUENCE { name BMPString, value BMPString }
        let mut pair = Vec::new();
        for text in [name, value] {
            let bmp = write::bmp(text)
                .ok_or_else(|| EncodeError::AttributeNotBmp { name: name.clone() })?;
            tlv::push(&mut pair, 0x1e, &bmp);
        }
        attrs.push(attribute(oid::NAME_VALUE_PAIR, &tlv::tlv(0x30, &pair)));
    }

    let extensions = extensions_for(request, spki_der, None);
    if !extensions.is_empty() {
        attrs.push(attribute(
            oid::EXTENSION_REQUEST,
            &write::extensions(&extensions),
        ));
    }
    if let Some(cert) = additions.renewal_certificate {
        if certreq_pkix::cert::CertParts::read(cert).is_none() {
            return Err(EncodeError::NotCertificate {
                what: "renewed certificate",
            });
        }
        attrs.push(crate::signed::attribute(oid::RENEWAL_CERTIFICATE, cert));
    }

    // CertificationRequestInfo, written around the key's DER as it came (no decode):
    // SEQUENCE { version INTEGER 0, subject, subjectPKInfo, attributes [0] IMPLICIT SET OF }
    let mut body = Vec::new();
    tlv::push(&mut body, 0x02, &[0]);
    body.extend(write::name(&request.subject));
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
    tlv::push(&mut body, 0xa0, &sorted.concat());
    let mut to_be_signed = Vec::with_capacity(body.len() + 4);
    tlv::push(&mut to_be_signed, 0x30, &body);
    Ok(Unsigned {
        to_be_signed,
        scheme: request.signature,
    })
}

/// The request's extensions for this public key: the subject key identifier goes in at its
/// place, and an issuer's authority key identifier (a certificate signed by a CA) just before
/// it, unless the INF gives one itself.
fn extensions_for(
    request: &NewRequest,
    spki_der: &[u8],
    authority: Option<Extension>,
) -> Vec<Extension> {
    let mut extensions: Vec<Extension> = request.extensions.clone();
    let mut at = request.ski_position.min(extensions.len());
    if let Some(aki) = authority
        && request.extension(&oid::AUTHORITY_KEY_IDENTIFIER).is_none()
    {
        extensions.insert(at, aki);
        at += 1;
    }
    if request.subject_key_identifier {
        let ski = crate::ext::subject_key_identifier(spki_der);
        extensions.insert(at, ski);
    }
    extensions
}

/// The CA that signs a certificate instead of its own key (certreq's `-new -cert CertId` with
/// `RequestType = Cert`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    /// The CA's subject `Name`, DER: the certificate's issuer.
    pub name: Vec<u8>,
    /// The CA key's identifier (its subject key identifier, else computed from its key): the
    /// certificate's authority key identifier.
    pub key_id: Vec<u8>,
    /// How the CA's key signs.
    pub scheme: SignatureScheme,
}

impl Issuer {
    /// The issuer a CA certificate (DER) makes, signing with `hash`.
    pub fn from_certificate(
        ca_der: &[u8],
        hash: certreq_pkix::alg::Hash,
    ) -> Result<Issuer, EncodeError> {
        let ca =
            certreq_pkix::cert::CertParts::read(ca_der).ok_or(EncodeError::NotCertificate {
                what: "issuing CA's certificate",
            })?;
        let scheme = crate::signed::scheme_for(ca.spki, hash)
            .ok_or(EncodeError::SignerKey { what: "issuing CA" })?;
        Ok(Issuer {
            name: ca.subject.to_vec(),
            key_id: ca.key_id(),
            scheme,
        })
    }

    /// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }`
    /// (RFC 5280 §4.2.1.1), the key identifier alone.
    fn authority_key_identifier(&self) -> Result<Extension, EncodeError> {
        let aki = tlv::tlv(0x30, &tlv::tlv(0x80, &self.key_id));
        Ok(Extension {
            extn_id: oid::AUTHORITY_KEY_IDENTIFIER,
            critical: false,
            extn_value: der::asn1::OctetString::new(aki)
                .map_err(der_err("authority key identifier"))?,
        })
    }
}

/// A certificate's serial number from caller-supplied random bytes (up to 20, RFC 5280
/// §4.1.2.2): the first byte is made 0x40–0x7f, so the INTEGER is positive, needs no leading
/// zero and keeps its length.
fn serial_from(random: &[u8]) -> Result<Vec<u8>, EncodeError> {
    if random.len() < 8 || random.len() > 20 {
        return Err(EncodeError::SerialLength(random.len()));
    }
    let mut serial = random.to_vec();
    serial[0] = (serial[0] & 0x3f) | 0x40;
    Ok(serial)
}

/// `Time` for seconds since 1970 (UTC): UTCTime through 2049, GeneralizedTime after
/// (RFC 5280 §4.1.2.5).
fn time_der(seconds: i64, what: &'static str) -> Result<Vec<u8>, EncodeError> {
    certreq_pkix::time::x509_time_der(seconds).ok_or(EncodeError::TimeOutOfRange {
        what,
        before_1970: seconds < 0,
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
    prepare_certificate_by(
        request,
        spki_der,
        not_before,
        not_after,
        serial_random,
        None,
    )
}

/// [`prepare_certificate`], signed by `issuer` when given (certreq's `-new -cert CertId`):
/// the issuer is the CA's subject, the authority key identifier its key's (just before the
/// subject key identifier, as certreq's issuer-signed certificates have them), the signature
/// algorithm its key's with the request's hash; the signature is then the CA key's.
pub fn prepare_certificate_by(
    request: &NewRequest,
    spki_der: &[u8],
    not_before: i64,
    not_after: i64,
    serial_random: &[u8],
    issuer: Option<&Issuer>,
) -> Result<Unsigned, EncodeError> {
    check_key(spki_der, request.key.algorithm)?;
    if not_after <= not_before {
        return Err(EncodeError::EndsBeforeStart);
    }
    let name = write::name(&request.subject);
    let scheme = issuer.map_or(request.signature, |i| i.scheme);
    let issuer_name = issuer.map_or_else(|| name.clone(), |i| i.name.clone());
    let algorithm = scheme.algorithm_identifier_der();
    let mut validity = time_der(not_before, "start")?;
    validity.extend(time_der(not_after, "end")?);

    // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT v3, serialNumber, signature, issuer,
    //   validity, subject, subjectPublicKeyInfo, extensions [3] EXPLICIT (when there are any) }
    let mut body = vec![0xa0, 0x03, 0x02, 0x01, 0x02];
    tlv::push(&mut body, 0x02, &serial_from(serial_random)?);
    body.extend_from_slice(&algorithm);
    body.extend_from_slice(&issuer_name);
    tlv::push(&mut body, 0x30, &validity);
    body.extend_from_slice(&name);
    body.extend_from_slice(spki_der);
    let authority = issuer.map(Issuer::authority_key_identifier).transpose()?;
    let extensions = extensions_for(request, spki_der, authority);
    if !extensions.is_empty() {
        tlv::push(&mut body, 0xa3, &write::extensions(&extensions));
    }
    let mut to_be_signed = Vec::with_capacity(body.len() + 4);
    tlv::push(&mut to_be_signed, 0x30, &body);
    Ok(Unsigned {
        to_be_signed,
        scheme,
    })
}

impl Unsigned {
    /// A request with MS-WCCE's null signature (2.2.2.6.5): the signature algorithm is the
    /// hash's identifier and the signature the hash of the request info (`digest`, the
    /// caller's: the engine links no hash). Only inside a CMC or PKCS #7 request signed by a
    /// certificate, where the request's own key is not there to sign (`certreq -policy` from a
    /// CA certificate).
    pub fn finish_null(&self, digest: &[u8]) -> Result<Vec<u8>, EncodeError> {
        let hash = self.scheme.hash();
        if digest.len() != hash.output_len() {
            return Err(EncodeError::DigestLength {
                got: digest.len(),
                hash,
            });
        }
        self.assemble(&crate::signed::digest_algorithm(hash), digest)
    }

    /// Attaches the signature (ECDSA: DER `Ecdsa-Sig-Value`) and returns the request (or
    /// certificate) DER: both are `SEQUENCE { to-be-signed, signatureAlgorithm, BIT STRING }`.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        if signature.is_empty() {
            return Err(EncodeError::EmptySignature);
        }
        if let SignatureScheme::Ecdsa(_) = self.scheme {
            check_ecdsa_der(signature)?;
        }
        let algorithm = self.scheme.algorithm_identifier_der();
        self.assemble(&algorithm, signature)
    }

    fn assemble(&self, algorithm: &[u8], signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        // The to-be-signed bytes go in as they are: checking that they are one SEQUENCE is
        // enough, and decoding the whole CertificationRequestInfo only to encode it again
        // would link a full decoder into every build that makes requests.
        let is_sequence = der::asn1::AnyRef::from_der(&self.to_be_signed)
            .is_ok_and(|any| der::Tagged::tag(&any) == der::Tag::Sequence);
        if !is_sequence {
            return Err(EncodeError::NotToBeSigned);
        }
        let mut bits = Vec::with_capacity(signature.len() + 1);
        bits.push(0); // no unused bits
        bits.extend_from_slice(signature);
        let mut body = self.to_be_signed.clone();
        body.extend_from_slice(algorithm);
        tlv::push(&mut body, 0x03, &bits); // BIT STRING
        let mut out = Vec::with_capacity(body.len() + 6);
        tlv::push(&mut out, 0x30, &body); // SEQUENCE
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    //! Whole requests: golden bytes (RSA PKCS#1 v1.5 is deterministic), OpenSSL verification,
    //! and comparison with the requests certreq.exe made from the corpus INF files.
    use super::*;
    use crate::compile;
    use crate::model::{Curve, Hash, KeyAlgorithm};
    use certreq_pkix::alg::ecdsa_raw_to_der;
    use certreq_testsupport::{rsa_key, rsa_sign};
    use der::Encode;
    use der::asn1::BitString;
    use rsa::pkcs8::EncodePublicKey;
    use rsa::signature::Signer;
    use spki::AlgorithmIdentifierOwned;
    use x509_cert::request::CertReq;

    fn client() -> ClientInfo {
        ClientInfo::example()
    }

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
        let sig = rsa_sign(&key, h.web_crypto_name(), &unsigned.to_be_signed);
        unsigned.finish(&sig).unwrap()
    }

    /// Runs `openssl ARGS FILE…` on `contents` written to a temporary file (each `{}` in
    /// `args`) and asserts success (certreq_testsupport: fails under CI=true without OpenSSL).
    fn run_openssl(args: &[&str], contents: &[u8], what: &str) {
        certreq_testsupport::openssl_ok(args, contents, what);
    }

    /// `openssl req -verify`.
    fn openssl_verify(der: &[u8]) {
        let args = ["req", "-inform", "DER", "-verify", "-noout", "-in", "{}"];
        run_openssl(&args, der, "request");
    }

    /// Compares with `tests/data/<name>`; `UPDATE_GOLDEN=1` rewrites the file.
    fn golden(name: &str, bytes: &[u8]) {
        let path = certreq_testsupport::data_dir().join(name);
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

    /// `golden-full.der` changed once on purpose: certreq writes `[RequestAttributes]
    /// CertificateTemplate` a second time, as the template-name extension, first. Taking exactly
    /// that extension out of the request gives back the golden request of before, byte for
    /// byte (`golden-full-no-template-ext.der`): nothing else changed.
    #[test]
    fn the_template_extension_is_the_one_change_to_the_full_golden() {
        let mut req = compile(INF_FULL).request.unwrap();
        let first = &req.extensions[0];
        assert_eq!(first.extn_id, oid::CERTIFICATE_TEMPLATE_NAME);
        assert!(!first.critical);
        // BMPString "WebServer"
        assert_eq!(
            first.extn_value.as_bytes(),
            &hex("1e12005700650062005300650072007600650072")[..]
        );
        req.extensions.remove(0);
        req.ski_position -= 1;
        let key = rsa_key();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        let unsigned = prepare(&req, spki.as_bytes(), &client()).unwrap();
        let sig = rsa_sign(&key, "SHA-384", &unsigned.to_be_signed);
        let without = unsigned.finish(&sig).unwrap();
        let before =
            std::fs::read(certreq_testsupport::data_dir().join("golden-full-no-template-ext.der"))
                .unwrap();
        assert!(
            without == before,
            "the request without the template extension changed"
        );
        // and the name-value attribute stays, as certreq keeps it
        let (_, exts, types) = summarize(&rsa_request(INF_FULL));
        assert!(types.contains(&"1.3.6.1.4.1.311.13.2.1".to_string()));
        assert_eq!(exts[0].0, "1.3.6.1.4.1.311.20.2");
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
            if a.oid == oid::EXTENSION_REQUEST {
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
        let path =
            certreq_testsupport::corpus_dir().join("req/002-axeronisd-minimal-inf-pkcs10.req");
        let pem = std::fs::read_to_string(path).unwrap();
        let der = certreq_pkix::pem::read(pem.as_bytes())
            .unwrap()
            .remove(0)
            .der;
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
            .filter(|a| a.oid == oid::NAME_VALUE_PAIR)
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
        assert!(e.to_string().contains("2048 bits"), "{e}");
        req.key.algorithm = KeyAlgorithm::Ecdsa(Curve::P256);
        assert!(prepare(&req, spki.as_bytes(), &client()).is_err());
        assert!(prepare(&req, b"\x30\x00", &client()).is_err());
    }

    #[test]
    fn finish_wraps_the_signed_bytes_unchanged_and_refuses_what_is_not_one_sequence() {
        let scheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
        // a short body, a 1-byte long-form length (≥ 128) and a 2-byte one (≥ 256)
        for n in [3usize, 200, 300] {
            let mut wrapped = Vec::new();
            tlv::push(&mut wrapped, 0x04, &vec![0xab; n]);
            let mut tbs = Vec::new();
            tlv::push(&mut tbs, 0x30, &wrapped);
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
            assert_eq!(alg, scheme.algorithm_identifier().unwrap());
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
            assert_eq!(e, EncodeError::NotToBeSigned, "{bad:?}");
        }
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
            certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, der).as_bytes(),
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
            .finish(&rsa_sign(&key, h.web_crypto_name(), &unsigned.to_be_signed))
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
            certreq_pkix::name::display(tbs.subject()),
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
        assert_eq!(
            end - start,
            365 * 86_400 + 20 * 60,
            "a calendar year and 20 minutes from July 2026"
        );
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
    fn validity_comes_from_the_inf_or_a_year_and_20_minutes_from_now() {
        let plan = |inf: &str| {
            compile(&format!(
                "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n{inf}"
            ))
            .request
            .unwrap()
            .validity
        };
        let now = JULY_2026;
        let year = |y: i64| (certreq_pkix::time::days_from_civil(y, 7, 24) - 20_658) * 86_400;
        // certreq's default: one year and 20 minutes (research: certreq-facts §3)
        assert_eq!(plan("").resolve(now), (now, now + year(2027) + 20 * 60));
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
                .to_string()
                .contains("before 1970")
        );
        assert!(
            make(JULY_2026, i64::MAX, &SERIAL)
                .unwrap_err()
                .to_string()
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
