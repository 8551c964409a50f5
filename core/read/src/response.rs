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

use certreq_pkix::cert::{
    Certificate, CertificateFacts, CmcStatus, CmcStatusInfo, Response, ResponseKind,
};
use certreq_pkix::cmc::{PkiResponse, StatusInfo};
use certreq_pkix::oid::{self, ID_CCT_PKI_DATA, ID_CCT_PKI_RESPONSE, ID_DATA, ID_SIGNED_DATA};
use certreq_pkix::{name, pem, spki};
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier};

/// Reads one DER certificate and its facts.
pub fn certificate(der: &[u8]) -> Result<Certificate, der::Error> {
    certificate_from(der.to_vec(), &x509_cert::Certificate::from_der(der)?)
}

/// The facts of a decoded certificate whose DER is `der`.
pub fn certificate_from(
    der: Vec<u8>,
    cert: &x509_cert::Certificate,
) -> Result<Certificate, der::Error> {
    let tbs = cert.tbs_certificate();
    let validity = tbs.validity();
    let spki_der = tbs.subject_public_key_info().to_der()?;
    let facts = CertificateFacts {
        subject: name::display(tbs.subject()),
        issuer: name::display(tbs.issuer()),
        subject_der: tbs.subject().to_der()?,
        issuer_der: tbs.issuer().to_der()?,
        serial: tbs.serial_number().as_bytes().to_vec(),
        not_before: unix(validity.not_before.to_unix_duration()),
        not_after: unix(validity.not_after.to_unix_duration()),
        key_algorithm: spki::key_description(&spki_der),
        spki_der,
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
        request_agent: certreq_pkix::cert::CertParts::read(&der)
            .and_then(|p| p.has_eku(&certreq_pkix::oid::ENROLLMENT_AGENT))
            == Some(true),
    };
    Ok(Certificate::from_parts(der, facts))
}

fn unix(d: core::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Why bytes are not a usable response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseError {
    /// Not PEM, base64 or DER at all.
    Armor(pem::ArmorError),
    /// A PKCS #10 request or a CMC request.
    IsRequest { cmc: bool },
    /// A PKCS #7 SignedData carrying a PKCS #10 request (a renewal, or a request on behalf of
    /// another user): it holds a certificate (the signer's), but it is no answer.
    IsWrappedRequest,
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
            ResponseError::IsWrappedRequest => f.write_str(
                "this is a PKCS #7 certificate request (a renewal, or a request on behalf of another user), not a response: the certificate in it is the signer's; submit it to the CA and open the certificate the CA returns",
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
        cmc_status = worse(cmc_status, status);
        for c in certs {
            if !certificates.iter().any(|e| e.der() == c.der()) {
                certificates.push(c);
            }
        }
    }
    let kind = kind.ok_or(ResponseError::NoCertificates)?;
    if certificates.is_empty() && kind != ResponseKind::CmcResponse {
        return Err(ResponseError::NoCertificates);
    }
    Ok(Response::from_parts(kind, certificates, cmc_status))
}

type Parsed = (ResponseKind, Vec<Certificate>, Option<CmcStatusInfo>);

fn parse_der(der: &[u8]) -> Result<Parsed, ResponseError> {
    let first = parse_strict(der);
    if first.is_err() {
        // BER: RFC 5652 allows it outside signed attributes, and BouncyCastle's CMS writer
        // (EJBCA's EST and Web services among others) sends certs-only PKCS #7 in it.
        if let Some(converted) = crate::ber::to_der(der).filter(|d| d.as_slice() != der) {
            return parse_strict(&converted);
        }
    }
    first
}

fn parse_strict(der: &[u8]) -> Result<Parsed, ResponseError> {
    if let Ok(cert) = certificate(der) {
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
                certs.push(certificate_from(der, c).map_err(malformed)?);
            }
        }
    }
    let econtent_type = sd.encap_content_info.econtent_type;
    let econtent = sd.encap_content_info.econtent.as_ref();
    if econtent_type == ID_CCT_PKI_DATA {
        return Err(ResponseError::IsRequest { cmc: true });
    }
    if econtent_type == ID_CCT_PKI_RESPONSE {
        // A status that cannot be read is never taken for success: a response whose status
        // does not decode is refused, and of several statuses (one per body part, RFC 5272
        // §6.1) the worst is the answer's.
        let mut status = None;
        if let Some(any) = econtent {
            let bytes = any.decode_as::<OctetString>().map_err(|e| {
                ResponseError::Malformed(format!("the CMC response's content does not decode: {e}"))
            })?;
            let resp = PkiResponse::from_der(bytes.as_bytes()).map_err(|e| {
                ResponseError::Malformed(format!("the CMC PKIResponse does not decode: {e}"))
            })?;
            for control in &resp.control_sequence {
                if control.attr_type == oid::ID_CMC_STATUS_INFO
                    || control.attr_type == oid::ID_CMC_STATUS_INFO_V2
                {
                    for value in control.attr_values.iter() {
                        let si = value.decode_as::<StatusInfo>().map_err(|e| {
                            ResponseError::Malformed(format!(
                                "the CMC status in the response does not decode: {e}"
                            ))
                        })?;
                        status = worse(status, Some(si.summary()));
                    }
                }
            }
        }
        return Ok((ResponseKind::CmcResponse, certs, status));
    }
    let data = match econtent {
        Some(any) if econtent_type == ID_DATA => any.decode_as::<OctetString>().ok(),
        _ => None,
    };
    // a request wrapped in PKCS #7 (certreq's renewal or on-behalf-of request) carries the
    // signer's certificate: taken for an answer, it would "issue" the old certificate
    if data
        .as_ref()
        .is_some_and(|b| x509_cert::request::CertReq::from_der(b.as_bytes()).is_ok())
    {
        return Err(ResponseError::IsWrappedRequest);
    }
    // AD CS's chain download also repeats the issued certificate as the id-data content.
    if let Some(c) = data.and_then(|b| certificate(b.as_bytes()).ok())
        && !certs.iter().any(|e| e.der() == c.der())
    {
        certs.insert(0, c);
    }
    if certs.is_empty() {
        return Err(ResponseError::NoCertificates);
    }
    Ok((ResponseKind::Pkcs7, certs, None))
}

/// The worse of two CMC statuses: anything but success over success, failure over the rest.
fn worse(a: Option<CmcStatusInfo>, b: Option<CmcStatusInfo>) -> Option<CmcStatusInfo> {
    let rank = |s: &Option<CmcStatusInfo>| match s.as_ref().map(|s| s.status) {
        None => 0,
        Some(CmcStatus::Success) => 1,
        Some(CmcStatus::Failed) => 3,
        Some(_) => 2,
    };
    if rank(&b) > rank(&a) { b } else { a }
}

#[cfg(test)]
pub(crate) mod tests;
