//! What a CA sends back: a certificate (`.cer`), a certs-only PKCS #7 (`.p7b`), or a CMC full
//! response (`.rsp`, status plus certificates), in PEM of any label or DER.
//!
//! Detection goes by content, never by label: AD CS armors its PKCS #7 chain as
//! `CERTIFICATE`, and a request pasted by mistake is recognised and named as such.
//!
//! ```text
//! bytes ─pem::read─▶ DER blocks ─parse─▶ Response { certificates, CMC status }
//! Response::leaf_for(spki) ─▶ leaf ─chain_for─▶ leaf → issuing CAs → root
//! ```

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence, Tagged};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier};

use crate::pem;

/// `id-signedData`.
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// `id-data`.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// `id-cct-PKIData`: a CMC request.
pub const ID_CCT_PKI_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.12.2");
/// `id-cct-PKIResponse`: a CMC response.
pub const ID_CCT_PKI_RESPONSE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.12.3");
/// `id-cmc-statusInfo`.
pub const ID_CMC_STATUS_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.7.1");
/// `id-cmc-statusInfoV2`.
pub const ID_CMC_STATUS_INFO_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.7.25");

/// A certificate: the exact bytes it came in (thumbprints hash those) and what is read from
/// them once, when it is parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    facts: CertificateFacts,
}

/// Everything asked of a certificate here, read once by [`Certificate::from_der`].
///
/// Kept as plain data so that a certificate can cross [`crate::wire`] without its reader: the
/// web app parses in its lazily loaded module and works with these facts alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateFacts {
    /// The subject in written order (`CN=…, O=…, C=…`).
    pub subject: String,
    /// The issuer in written order.
    pub issuer: String,
    /// The subject `Name`'s DER, for exact comparison with an issuer.
    pub subject_der: Vec<u8>,
    /// The issuer `Name`'s DER.
    pub issuer_der: Vec<u8>,
    /// The serial number's content octets.
    pub serial: Vec<u8>,
    /// Not before, in seconds since 1970.
    pub not_before: i64,
    /// Not after, in seconds since 1970.
    pub not_after: i64,
    /// The SubjectPublicKeyInfo DER (what [`Response::leaf_for`] compares).
    pub spki_der: Vec<u8>,
    /// `RSA 2048`, `ECC P-256`…
    pub key_algorithm: String,
    /// Basic constraints say CA.
    pub is_ca: bool,
    /// The subject key identifier extension's value.
    pub subject_key_id: Option<Vec<u8>>,
    /// The authority key identifier extension's keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
}

impl Certificate {
    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, der::Error> {
        Self::read(der.to_vec(), &x509_cert::Certificate::from_der(der)?)
    }

    /// The facts of a decoded certificate whose DER is `der`.
    fn read(der: Vec<u8>, cert: &x509_cert::Certificate) -> Result<Self, der::Error> {
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let facts = CertificateFacts {
            subject: crate::name::display(tbs.subject()),
            issuer: crate::name::display(tbs.issuer()),
            subject_der: tbs.subject().to_der()?,
            issuer_der: tbs.issuer().to_der()?,
            serial: tbs.serial_number().as_bytes().to_vec(),
            not_before: unix(validity.not_before.to_unix_duration()),
            not_after: unix(validity.not_after.to_unix_duration()),
            spki_der: tbs.subject_public_key_info().to_der()?,
            key_algorithm: key_description_der(&tbs.subject_public_key_info().to_der()?),
            is_ca: matches!(
                tbs.get_extension::<BasicConstraints>(),
                Ok(Some((_, bc))) if bc.ca
            ),
            subject_key_id: match tbs.get_extension::<SubjectKeyIdentifier>() {
                Ok(Some((_, ski))) => Some(ski.0.as_bytes().to_vec()),
                _ => None,
            },
            authority_key_id: match tbs.get_extension::<AuthorityKeyIdentifier>() {
                Ok(Some((_, aki))) => aki.key_identifier.map(|k| k.as_bytes().to_vec()),
                _ => None,
            },
        };
        Ok(Certificate { der, facts })
    }

    /// A certificate read elsewhere, from its DER and the facts [`Certificate::from_der`] read
    /// there (the web app's tools module). Nothing is checked.
    pub fn from_parts(der: Vec<u8>, facts: CertificateFacts) -> Self {
        Certificate { der, facts }
    }

    /// The certificate's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// What was read from it.
    pub fn facts(&self) -> &CertificateFacts {
        &self.facts
    }

    /// The SubjectPublicKeyInfo DER (what [`Response::leaf_for`] compares).
    pub fn spki_der(&self) -> &[u8] {
        &self.facts.spki_der
    }

    /// SHA-1 of the DER in upper-case hex without separators, as Windows shows the thumbprint.
    pub fn thumbprint_sha1(&self) -> String {
        hex_upper(&Sha1::digest(&self.der))
    }

    /// SHA-256 of the DER in upper-case hex.
    pub fn thumbprint_sha256(&self) -> String {
        hex_upper(&Sha256::digest(&self.der))
    }

    /// The subject in written order (`CN=…, O=…, C=…`).
    pub fn subject(&self) -> String {
        self.facts.subject.clone()
    }

    /// The issuer in written order.
    pub fn issuer(&self) -> String {
        self.facts.issuer.clone()
    }

    /// The serial number in upper-case hex, as certutil prints it.
    pub fn serial_hex(&self) -> String {
        hex_upper(&self.facts.serial)
    }

    /// Not before, in seconds since 1970.
    pub fn not_before(&self) -> i64 {
        self.facts.not_before
    }

    /// Not after, in seconds since 1970.
    pub fn not_after(&self) -> i64 {
        self.facts.not_after
    }

    /// `RSA 2048`, `ECC P-256`…
    pub fn key_algorithm(&self) -> String {
        self.facts.key_algorithm.clone()
    }

    /// Basic constraints say CA.
    pub fn is_ca(&self) -> bool {
        self.facts.is_ca
    }

    /// Subject and issuer are the same name.
    pub fn is_self_issued(&self) -> bool {
        self.facts.subject_der == self.facts.issuer_der
    }

    /// The subject key identifier extension's value.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.facts.subject_key_id.as_deref()
    }

    /// The authority key identifier extension's keyIdentifier.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.facts.authority_key_id.as_deref()
    }

    /// Whether `issuer` plausibly issued this certificate: names match and, where both key
    /// identifiers are present, they match too.
    pub fn issued_by(&self, issuer: &Certificate) -> bool {
        if self.facts.issuer_der != issuer.facts.subject_der {
            return false;
        }
        match (self.authority_key_id(), issuer.subject_key_id()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }
}

fn unix(d: core::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `RSA 2048`, `ECC P-256`, `Ed25519`, or the algorithm OID.
pub fn key_description(spki: &spki::SubjectPublicKeyInfoOwned) -> String {
    key_description_der(&spki.to_der().unwrap_or_default())
}

/// [`key_description`] of a SubjectPublicKeyInfo given as DER (read without a decoder);
/// `key` when it is not one.
pub fn key_description_der(spki_der: &[u8]) -> String {
    let Some(spki) = crate::encode::SpkiParts::read(spki_der) else {
        return "key".to_string();
    };
    let Some(oid) = spki.algorithm_oid() else {
        return "key".to_string();
    };
    let oid = oid.to_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            match crate::encode::rsa_modulus_bits(spki.raw_key()) {
                Some(bits) => format!("RSA {bits}"),
                None => "RSA".to_string(),
            }
        }
        "1.2.840.10045.2.1" => match spki.parameters_oid().map(|c| c.to_string()).as_deref() {
            Some("1.2.840.10045.3.1.7") => "ECC P-256".to_string(),
            Some("1.3.132.0.34") => "ECC P-384".to_string(),
            Some("1.3.132.0.35") => "ECC P-521".to_string(),
            Some(other) => format!("ECC {other}"),
            None => "ECC".to_string(),
        },
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.2.840.10040.4.1" => "DSA".to_string(),
        _ => oid,
    }
}

/// The form the response came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// One certificate (`.cer`).
    Certificate,
    /// Several PEM certificate blocks in one file.
    CertificateBundle,
    /// A certs-only PKCS #7 / CMS SignedData (`.p7b`).
    Pkcs7,
    /// A CMC full PKI response (`.rsp`).
    CmcResponse,
}

/// `CMCStatus` values (RFC 5272 §6.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmcStatus {
    Success,
    Failed,
    Pending,
    NoSupport,
    ConfirmRequired,
    PopRequired,
    Partial,
    Other(u32),
}

impl CmcStatus {
    /// The status for its RFC 5272 number.
    pub fn from_number(n: u32) -> Self {
        match n {
            0 => CmcStatus::Success,
            2 => CmcStatus::Failed,
            3 => CmcStatus::Pending,
            4 => CmcStatus::NoSupport,
            5 => CmcStatus::ConfirmRequired,
            6 => CmcStatus::PopRequired,
            7 => CmcStatus::Partial,
            n => CmcStatus::Other(n),
        }
    }

    /// The RFC 5272 number.
    pub fn number(self) -> u32 {
        match self {
            CmcStatus::Success => 0,
            CmcStatus::Failed => 2,
            CmcStatus::Pending => 3,
            CmcStatus::NoSupport => 4,
            CmcStatus::ConfirmRequired => 5,
            CmcStatus::PopRequired => 6,
            CmcStatus::Partial => 7,
            CmcStatus::Other(n) => n,
        }
    }

    /// The RFC name (`success`, `failed`, `pending`…).
    pub fn name(self) -> String {
        match self {
            CmcStatus::Success => "success".into(),
            CmcStatus::Failed => "failed".into(),
            CmcStatus::Pending => "pending".into(),
            CmcStatus::NoSupport => "noSupport".into(),
            CmcStatus::ConfirmRequired => "confirmRequired".into(),
            CmcStatus::PopRequired => "popRequired".into(),
            CmcStatus::Partial => "partial".into(),
            CmcStatus::Other(n) => format!("status {n}"),
        }
    }
}

/// The `CMCStatusInfo` (or V2) control of a CMC response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CmcStatusInfo {
    pub status: CmcStatus,
    /// `statusString`, when the CA sent one.
    pub text: Option<String>,
    /// `failInfo` (RFC 5272 `CMCFailInfo`: 0 badAlg … 13 authDataFail), when failed.
    pub fail_info: Option<u32>,
}

/// A parsed response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub kind: ResponseKind,
    certificates: Vec<Certificate>,
    /// The CMC status, for [`ResponseKind::CmcResponse`].
    pub cmc_status: Option<CmcStatusInfo>,
}

/// Why bytes are not a usable response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseError {
    /// Not PEM, base64 or DER at all.
    Armor(pem::ArmorError),
    /// A PKCS #10 request or a CMC request.
    IsRequest { cmc: bool },
    /// Something else recognisable (`a CRL`, `a private key`…).
    WrongKind(&'static str),
    /// A PKCS #7 or CMC response without a single certificate.
    NoCertificates,
    /// ASN.1 that does not decode as any response.
    Malformed(String),
}

impl core::fmt::Display for ResponseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ResponseError::Armor(e) => e.fmt(f),
            ResponseError::IsRequest { cmc: false } => f.write_str(
                "this is a certificate request, not a response: submit it to the CA and open the certificate the CA returns",
            ),
            ResponseError::IsRequest { cmc: true } => f.write_str(
                "this is a CMC certificate request, not a response: submit it to the CA and open the certificate the CA returns",
            ),
            ResponseError::WrongKind(what) => write!(
                f,
                "this is {what}, not a certificate response: open the .cer, .p7b or .rsp file the CA returned"
            ),
            ResponseError::NoCertificates => f.write_str(
                "the response holds no certificates: the request may still be pending at the CA",
            ),
            ResponseError::Malformed(detail) => write!(
                f,
                "not a certificate, PKCS #7 or CMC response: {detail}"
            ),
        }
    }
}

impl std::error::Error for ResponseError {}

impl From<pem::ArmorError> for ResponseError {
    fn from(e: pem::ArmorError) -> Self {
        ResponseError::Armor(e)
    }
}

/// CMC `TaggedAttribute`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct TaggedAttribute {
    pub body_part_id: u32,
    pub attr_type: ObjectIdentifier,
    pub attr_values: SetOfVec<Any>,
}

/// CMC `PKIResponse`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct PkiResponse {
    pub control_sequence: Vec<TaggedAttribute>,
    pub cms_sequence: Vec<Any>,
    pub other_msg_sequence: Vec<Any>,
}

/// CMC `PKIData`; requests are kept raw (`tcr [0]`, `crm [1]`, `orm [2]`).
#[derive(Clone, Debug, Sequence)]
pub(crate) struct PkiData {
    pub control_sequence: Vec<TaggedAttribute>,
    pub req_sequence: Vec<Any>,
    pub cms_sequence: Vec<Any>,
    pub other_msg_sequence: Vec<Any>,
}

/// `CMCStatusInfo` / `CMCStatusInfoV2`, with the parts that differ kept raw.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct StatusInfo {
    pub status: u32,
    pub body_list: Vec<Any>,
    #[asn1(optional = "true")]
    pub status_string: Option<String>,
    #[asn1(optional = "true")]
    pub other_info: Option<Any>,
}

impl StatusInfo {
    pub(crate) fn summary(&self) -> CmcStatusInfo {
        let fail_info = self
            .other_info
            .as_ref()
            .filter(|a| a.tag() == der::Tag::Integer)
            .and_then(|a| a.decode_as::<u32>().ok());
        CmcStatusInfo {
            status: CmcStatus::from_number(self.status),
            text: self.status_string.clone(),
            fail_info,
        }
    }
}

/// Reads a response from PEM (any label, any number of blocks), base64 or DER.
pub fn parse(bytes: &[u8]) -> Result<Response, ResponseError> {
    let blocks = pem::read(bytes)?;
    let mut certificates: Vec<Certificate> = Vec::new();
    let mut kind = None;
    let mut cmc_status = None;
    for block in &blocks {
        let (k, certs, status) = parse_der(&block.der)?;
        kind = match kind {
            None => Some(k),
            Some(ResponseKind::Certificate) if k == ResponseKind::Certificate => {
                Some(ResponseKind::CertificateBundle)
            }
            Some(prev) => Some(if k == ResponseKind::Certificate {
                prev
            } else {
                k
            }),
        };
        if status.is_some() {
            cmc_status = status;
        }
        for c in certs {
            if !certificates.iter().any(|e| e.der == c.der) {
                certificates.push(c);
            }
        }
    }
    let kind = kind.ok_or(ResponseError::NoCertificates)?;
    if certificates.is_empty() && kind != ResponseKind::CmcResponse {
        return Err(ResponseError::NoCertificates);
    }
    Ok(Response {
        kind,
        certificates,
        cmc_status,
    })
}

type Parsed = (ResponseKind, Vec<Certificate>, Option<CmcStatusInfo>);

fn parse_der(der: &[u8]) -> Result<Parsed, ResponseError> {
    if let Ok(cert) = Certificate::from_der(der) {
        return Ok((ResponseKind::Certificate, vec![cert], None));
    }
    if let Ok(ci) = ContentInfo::from_der(der) {
        if ci.content_type != ID_SIGNED_DATA {
            return Err(ResponseError::WrongKind(
                "a PKCS #7 message that is not SignedData",
            ));
        }
        let sd: SignedData = ci.content.decode_as().map_err(|e| {
            ResponseError::Malformed(format!("the SignedData does not decode: {e}"))
        })?;
        return parse_signed_data(&sd);
    }
    if x509_cert::request::CertReq::from_der(der).is_ok() {
        return Err(ResponseError::IsRequest { cmc: false });
    }
    if x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der).is_ok() {
        return Err(ResponseError::WrongKind("a certificate revocation list"));
    }
    match crate::dump::classify(der) {
        Some(kind) => Err(ResponseError::WrongKind(kind)),
        None => Err(ResponseError::Malformed(
            match x509_cert::Certificate::from_der(der) {
                Err(e) => format!("it does not decode as a certificate ({e})"),
                Ok(_) => "unrecognised content".into(),
            },
        )),
    }
}

fn parse_signed_data(sd: &SignedData) -> Result<Parsed, ResponseError> {
    let mut certs = Vec::new();
    if let Some(set) = &sd.certificates {
        for choice in set.0.iter() {
            if let cms::cert::CertificateChoices::Certificate(c) = choice {
                let malformed = |e: der::Error| ResponseError::Malformed(e.to_string());
                let der = c.to_der().map_err(malformed)?;
                certs.push(Certificate::read(der, c).map_err(malformed)?);
            }
        }
    }
    let econtent_type = sd.encap_content_info.econtent_type;
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|a| a.decode_as::<OctetString>().ok().map(|o| o.into_bytes()));
    if econtent_type == ID_CCT_PKI_DATA {
        return Err(ResponseError::IsRequest { cmc: true });
    }
    if econtent_type == ID_CCT_PKI_RESPONSE {
        let mut status = None;
        if let Some(bytes) = &econtent {
            let resp = PkiResponse::from_der(bytes).map_err(|e| {
                ResponseError::Malformed(format!("the CMC PKIResponse does not decode: {e}"))
            })?;
            for control in &resp.control_sequence {
                if (control.attr_type == ID_CMC_STATUS_INFO
                    || control.attr_type == ID_CMC_STATUS_INFO_V2)
                    && let Some(si) = control
                        .attr_values
                        .iter()
                        .find_map(|v| v.decode_as::<StatusInfo>().ok())
                {
                    status = Some(si.summary());
                }
            }
        }
        return Ok((ResponseKind::CmcResponse, certs, status));
    }
    // AD CS's chain download also repeats the issued certificate as the id-data content.
    if econtent_type == ID_DATA
        && let Some(c) = econtent.and_then(|b| Certificate::from_der(&b).ok())
        && !certs.iter().any(|e| e.der == c.der)
    {
        certs.insert(0, c);
    }
    if certs.is_empty() {
        return Err(ResponseError::NoCertificates);
    }
    Ok((ResponseKind::Pkcs7, certs, None))
}

impl Response {
    /// A response read elsewhere (the web app parses in its lazily loaded module and rebuilds
    /// the result here from the certificates [`parse`] found).
    pub fn from_parts(
        kind: ResponseKind,
        certificates: Vec<Certificate>,
        cmc_status: Option<CmcStatusInfo>,
    ) -> Self {
        Response {
            kind,
            certificates,
            cmc_status,
        }
    }

    /// Every certificate, deduplicated, in the order found.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The certificate whose SubjectPublicKeyInfo equals `spki_der` (the stored key's).
    pub fn leaf_for(&self, spki_der: &[u8]) -> Option<&Certificate> {
        self.certificates.iter().find(|c| c.spki_der() == spki_der)
    }

    /// The end-entity certificate when the key is not known: the one that issued no other
    /// certificate in the bundle, preferring non-CA certificates.
    pub fn leaf(&self) -> Option<&Certificate> {
        let issues_none = |c: &&Certificate| {
            !self
                .certificates
                .iter()
                .any(|other| other.der != c.der && other.issued_by(c))
        };
        self.certificates
            .iter()
            .filter(issues_none)
            .find(|c| !c.is_ca())
            .or_else(|| self.certificates.iter().find(issues_none))
            .or_else(|| self.certificates.first())
    }

    /// `leaf` and its issuers found in the bundle, ordered leaf → root. Stops at a
    /// self-issued certificate, a missing issuer, or a loop.
    pub fn chain_for<'a>(&'a self, leaf: &'a Certificate) -> Vec<&'a Certificate> {
        let mut chain = vec![leaf];
        let mut current = leaf;
        while !current.is_self_issued() && chain.len() <= self.certificates.len() {
            let next = self
                .certificates
                .iter()
                .find(|c| current.issued_by(c) && !chain.iter().any(|e| e.der == c.der));
            match next {
                Some(n) => {
                    chain.push(n);
                    current = n;
                }
                None => break,
            }
        }
        chain
    }
}

/// A degenerate certs-only PKCS #7 (`.p7b`) of certificates given as DER: SignedData v1, no
/// digest algorithms, id-data without content, the certificates, no signers. DER sorts the
/// certificate SET (two complete encodings are never prefixes of one another, so byte order
/// is DER's order) and cannot hold one twice, so duplicates are skipped.
///
/// Written directly rather than through the `cms` types, which would need every certificate
/// decoded first.
pub fn build_certs_only_pkcs7<'a>(certs: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    use crate::tlv::push as push_tlv;
    // a handful of certificates: each goes in at its place (not through a sort, which would be
    // one more sort routine in the app; see crate::order)
    let mut sorted: Vec<&[u8]> = Vec::new();
    for cert in certs {
        if let Err(at) = sorted.binary_search(&cert) {
            sorted.insert(at, cert);
        }
    }
    let mut signed_data = Vec::new();
    push_tlv(&mut signed_data, 0x02, &[1]); // version INTEGER 1
    push_tlv(&mut signed_data, 0x31, &[]); // digestAlgorithms: empty SET
    let mut id_data = Vec::new();
    push_tlv(&mut id_data, 0x06, ID_DATA.as_bytes());
    push_tlv(&mut signed_data, 0x30, &id_data); // encapContentInfo
    push_tlv(&mut signed_data, 0xa0, &sorted.concat()); // certificates [0] IMPLICIT SET OF
    push_tlv(&mut signed_data, 0x31, &[]); // signerInfos: empty SET
    let mut sequence = Vec::new();
    push_tlv(&mut sequence, 0x30, &signed_data);
    let mut content_info = Vec::new();
    push_tlv(&mut content_info, 0x06, ID_SIGNED_DATA.as_bytes());
    push_tlv(&mut content_info, 0xa0, &sequence); // content [0] EXPLICIT
    let mut out = Vec::new();
    push_tlv(&mut out, 0x30, &content_info);
    out
}

#[cfg(test)]
pub(crate) mod tests;
