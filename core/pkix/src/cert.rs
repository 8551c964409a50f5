//! Certificates and CA answers as values: a certificate is its exact DER plus the facts read
//! from it once ([`CertificateFacts`]); an answer ([`Response`]) is the certificates a CA sent
//! back, in what form, with the CMC status if any.
//!
//! Reading them from bytes is `certreq-read`'s job; these types are plain data so that they
//! cross the web app's tools module without their reader, and so that everything that only
//! looks at certificates (the app's store, the command line's, devca) links no decoder.

use sha1::{Digest, Sha1};
use sha2::Sha256;

use crate::oid;
use crate::tlv;

/// A certificate: the exact bytes it came in (thumbprints hash those) and what is read from
/// them once, when it is parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    facts: CertificateFacts,
}

/// Everything asked of a certificate here, read once (by `certreq-read`).
///
/// Kept as plain data so that a certificate can cross the web app's tools module without its
/// reader: the app parses there and works with these facts alone.
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
    /// Its extended key usage names the Certificate Request Agent purpose (or any purpose):
    /// an enrollment agent's, which may sign requests on behalf of others.
    pub request_agent: bool,
}

impl Certificate {
    /// A certificate from its DER and the facts read from it (by `certreq-read`, natively or
    /// in the web app's tools module). Nothing is checked here.
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

/// A certificate's parts, read with [`tlv`] and kept as the bytes they came in: what signing
/// with a certificate, naming it in a CMS signer or checking what it is for needs, without
/// linking a certificate decoder (`certreq-read` reads [`CertificateFacts`] for display).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertParts<'a> {
    /// The whole `TBSCertificate` TLV (what the issuer signed).
    pub tbs: &'a [u8],
    /// The serial number's content octets.
    pub serial: &'a [u8],
    /// The issuer `Name`, as a whole TLV.
    pub issuer: &'a [u8],
    /// The subject `Name`, as a whole TLV.
    pub subject: &'a [u8],
    /// Not before and not after, in seconds since 1970.
    pub not_before: i64,
    pub not_after: i64,
    /// The whole `SubjectPublicKeyInfo` TLV.
    pub spki: &'a [u8],
    /// The content of the `Extensions` SEQUENCE, when there is one.
    pub extensions: Option<&'a [u8]>,
    /// The whole outer `signatureAlgorithm` TLV.
    pub signature_algorithm: &'a [u8],
    /// The signature BIT STRING's content (the unused-bits octet first).
    pub signature: &'a [u8],
}

impl<'a> CertParts<'a> {
    /// Reads `der` as exactly one X.509 certificate; `None` when it is not one.
    pub fn read(der: &'a [u8]) -> Option<CertParts<'a>> {
        let outer = tlv::only(der, 0x30)?;
        let tbs = tlv::read(outer)?;
        let alg = tlv::read(tbs.rest)?;
        let sig = tlv::read(alg.rest)?;
        if tbs.tag != 0x30 || alg.tag != 0x30 || sig.tag != 0x03 || !sig.rest.is_empty() {
            return None;
        }
        let mut rest = tbs.content;
        let mut take = || -> Option<tlv::Tlv<'a>> {
            let t = tlv::read(rest)?;
            rest = t.rest;
            Some(t)
        };
        let mut t = take()?;
        if t.tag == 0xa0 {
            t = take()?;
        }
        if t.tag != 0x02 {
            return None;
        }
        let serial = t.content;
        if take()?.tag != 0x30 {
            return None;
        }
        let issuer = take()?;
        let validity = take()?;
        let subject = take()?;
        let spki = take()?;
        if issuer.tag != 0x30 || validity.tag != 0x30 || subject.tag != 0x30 || spki.tag != 0x30 {
            return None;
        }
        let from = tlv::read(validity.content)?;
        let until = tlv::read(from.rest)?;
        if !until.rest.is_empty() {
            return None;
        }
        let not_before = crate::time::read_x509_time(from.tag, from.content)?;
        let not_after = crate::time::read_x509_time(until.tag, until.content)?;
        let mut extensions = None;
        while let Some(t) = take() {
            match t.tag {
                0x81 | 0x82 if extensions.is_none() => {}
                0xa3 if extensions.is_none() => extensions = Some(tlv::only(t.content, 0x30)?),
                _ => return None,
            }
        }
        if !rest.is_empty() {
            return None;
        }
        Some(CertParts {
            tbs: tbs.whole,
            serial,
            issuer: issuer.whole,
            subject: subject.whole,
            not_before,
            not_after,
            spki: spki.whole,
            extensions,
            signature_algorithm: alg.whole,
            signature: sig.content,
        })
    }

    /// The extension of type `oid`: whether it is critical, and its value (the content of
    /// `extnValue`).
    pub fn extension(&self, oid: &oid::ObjectIdentifier) -> Option<(bool, &'a [u8])> {
        let mut rest = self.extensions?;
        while !rest.is_empty() {
            let ext = tlv::read(rest)?;
            rest = ext.rest;
            let id = tlv::read(ext.content)?;
            if id.tag != 0x06 || id.content != oid.as_bytes() {
                continue;
            }
            let mut next = tlv::read(id.rest)?;
            let mut critical = false;
            if next.tag == 0x01 {
                critical = next.content == [0xff];
                next = tlv::read(next.rest)?;
            }
            return (next.tag == 0x04).then_some((critical, next.content));
        }
        None
    }

    /// The subject key identifier extension's value.
    pub fn subject_key_id(&self) -> Option<&'a [u8]> {
        tlv::only(self.extension(&oid::SUBJECT_KEY_IDENTIFIER)?.1, 0x04)
    }

    /// The key identifier others name this certificate's key by: its subject key identifier
    /// extension, else the RFC 5280 method-1 value computed from its key.
    pub fn key_id(&self) -> Vec<u8> {
        match self.subject_key_id() {
            Some(id) => id.to_vec(),
            None => crate::spki::key_identifier(self.spki).to_vec(),
        }
    }

    /// Whether the extended key usage extension lists `purpose` (or anyExtendedKeyUsage).
    /// `None` when the certificate has no extended key usage extension (it is then good for
    /// any purpose, RFC 5280 §4.2.1.12).
    pub fn has_eku(&self, purpose: &oid::ObjectIdentifier) -> Option<bool> {
        let (_, value) = self.extension(&oid::EXT_KEY_USAGE)?;
        let list = tlv::only(value, 0x30)?;
        let found = tlv::items(list)?.into_iter().any(|(tag, o)| {
            tag == 0x06 && (o == purpose.as_bytes() || o == oid::ANY_EKU.as_bytes())
        });
        Some(found)
    }

    /// The basic constraints (cA, and the path length when there is one), when the
    /// certificate has them and they decode ([`basic_constraints`]).
    fn constraints(&self) -> Option<(bool, Option<u64>)> {
        let (_, value) = self.extension(&oid::BASIC_CONSTRAINTS)?;
        basic_constraints(value)
    }

    /// The basic constraints' path length, when the certificate has one.
    pub fn path_len(&self) -> Option<u64> {
        self.constraints()?.1
    }

    /// Whether the basic constraints extension says this is a CA.
    pub fn is_ca(&self) -> bool {
        self.constraints().is_some_and(|(ca, _)| ca)
    }

    /// The `IssuerAndSerialNumber` naming this certificate (RFC 5652 §10.2.4), DER.
    pub fn issuer_and_serial(&self) -> Vec<u8> {
        let mut body = self.issuer.to_vec();
        tlv::push(&mut body, 0x02, self.serial);
        tlv::tlv(0x30, &body)
    }
}

/// A certificate's thumbprint or serial number as people write it (certreq's `RenewalCert`,
/// `-cert CertId`), without what is not part of the number: blanks, colons, and the invisible
/// left-to-right mark Windows' certificate dialog puts before a thumbprint copied from it.
pub fn cert_id_digits(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '\u{200e}' | '\u{feff}'))
        .collect()
}

/// Bytes in upper-case hex without separators (thumbprints, serial numbers).
pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
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

impl Response {
    /// A response from its parts (`certreq-read` finds them, natively or in the web app's
    /// tools module).
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
    use tlv::push as push_tlv;
    // a handful of certificates: each goes in at its place (not through a sort, which would be
    // one more sort routine in the app; see certreq-inf's `order`)
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
    push_tlv(&mut id_data, 0x06, oid::ID_DATA.as_bytes());
    push_tlv(&mut signed_data, 0x30, &id_data); // encapContentInfo
    push_tlv(&mut signed_data, 0xa0, &sorted.concat()); // certificates [0] IMPLICIT SET OF
    push_tlv(&mut signed_data, 0x31, &[]); // signerInfos: empty SET
    let mut sequence = Vec::new();
    push_tlv(&mut sequence, 0x30, &signed_data);
    let mut content_info = Vec::new();
    push_tlv(&mut content_info, 0x06, oid::ID_SIGNED_DATA.as_bytes());
    push_tlv(&mut content_info, 0xa0, &sequence); // content [0] EXPLICIT
    let mut out = Vec::new();
    push_tlv(&mut out, 0x30, &content_info);
    out
}

/// A basic constraints extension's value (its `extnValue` content): cA, and the path length
/// when there is one; `None` when it does not decode.
pub fn basic_constraints(value: &[u8]) -> Option<(bool, Option<u64>)> {
    let mut ca = false;
    let mut path_len = None;
    for (tag, content) in tlv::items(tlv::only(value, 0x30)?)? {
        match (tag, content) {
            (0x01, [b]) if path_len.is_none() => ca = *b != 0,
            (0x02, digits) if path_len.is_none() && digits.len() <= 8 => {
                path_len = Some(digits.iter().fold(0u64, |n, d| (n << 8) | u64::from(*d)));
            }
            _ => return None,
        }
    }
    Some((ca, path_len))
}

/// RFC 5280 §5.3.1's CRL entry reason codes by the names certutil and OpenSSL give them (7 is
/// unused). One table for the command line's CRL summary and devca's `--reason` and `list`.
pub const CRL_REASONS: [(&str, u32); 10] = [
    ("unspecified", 0),
    ("keyCompromise", 1),
    ("cACompromise", 2),
    ("affiliationChanged", 3),
    ("superseded", 4),
    ("cessationOfOperation", 5),
    ("certificateHold", 6),
    ("removeFromCRL", REMOVE_FROM_CRL),
    ("privilegeWithdrawn", 9),
    ("aACompromise", 10),
];

/// removeFromCRL: a delta CRL's entry for a hold released (valid again, not a revocation).
pub const REMOVE_FROM_CRL: u32 = 8;

/// The name of CRL reason `code`, when RFC 5280 has one.
pub fn crl_reason_name(code: u32) -> Option<&'static str> {
    CRL_REASONS
        .iter()
        .find(|(_, c)| *c == code)
        .map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};
    use x509_cert::ext::pkix::CrlReason;

    /// The table is x509-cert's `CrlReason`: every code it names, each under its name.
    #[test]
    fn crl_reasons_are_rfc_5280s() {
        for code in 0..=11u8 {
            // a reason as a CRL entry holds it: ENUMERATED
            let known = CrlReason::from_der(&[0x0a, 1, code]).ok();
            let ours = crl_reason_name(u32::from(code));
            match known {
                Some(reason) => {
                    assert_eq!(reason.to_der().unwrap(), [0x0a, 1, code]);
                    let name = ours.unwrap_or_else(|| panic!("no name for {code}"));
                    assert!(
                        format!("{reason:?}").eq_ignore_ascii_case(name),
                        "{code}: {name}"
                    );
                }
                None => assert_eq!(ours, None, "{code}"),
            }
        }
        assert_eq!(crl_reason_name(REMOVE_FROM_CRL), Some("removeFromCRL"));
    }
}
