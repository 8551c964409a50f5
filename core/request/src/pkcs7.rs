//! PKCS #7 requests (`RequestType = PKCS7`): the PKCS #10 as the `id-data` content of a CMS
//! `SignedData` signed with a certificate's key, laid out as certreq lays them out (research:
//! certreq-facts §4 and §5a, held fact by fact to Microsoft's renewal example, corpus
//! `mswstep/pkcs7-renewal-request.b64`), and `certreq -sign`'s signature added to a request.
//!
//! ```text
//! renewal(pkcs10, old certificate, hash)        ─▶ signed::Content ─prepare─▶ …─finish─▶ DER
//! on_behalf_of(pkcs10, agent, "DOMAIN\user", hash)
//! signed_by(pkcs10, certificate, hash)             (certreq -sign of a PKCS #10)
//! sign_again(request, certificate, hash)           (certreq -sign of a PKCS #7 or CMC request)
//! ```
//!
//! * Renewal: `SignedData` version 1; the old certificate is the one certificate; one signer,
//!   version 1, named by the old certificate's issuer and serial number, with **no signed
//!   attributes**: its signature is over the PKCS #10 itself, by the old certificate's key
//!   (RSA PKCS #1 v1.5 named `rsaEncryption`; ECDSA by its signature algorithm).
//! * On behalf of another user: the same, signed by the enrollment agent's certificate, which
//!   is the one certificate; the signer signs attributes: content type (`id-data`), message
//!   digest, and the name-value pair `{"RequesterName", "DOMAIN\user"}` (1.3.6.1.4.1.311.13.2.1,
//!   both BMPStrings, the backslash as it is).

use certreq_pkix::alg::Hash;
use certreq_pkix::cert::CertParts;
use certreq_pkix::oid;
use certreq_pkix::tlv;
use der::Encode;
use der::asn1::BmpString;

use crate::cmc::CertSigner;
use crate::error::EncodeError;
use crate::signed::{self, Signer, SignerId};

/// The renewal of the certificate `old` (DER) by the request `pkcs10` (which carries `old`
/// in its renewal-certificate attribute: [`crate::encode::Additions`]), to be signed with the
/// old certificate's key using `hash`.
pub fn renewal(pkcs10: &[u8], old: &[u8], hash: Hash) -> Result<signed::Content, EncodeError> {
    check_pkcs10(pkcs10)?;
    let what = "renewed certificate";
    let parts = CertParts::read(old).ok_or(EncodeError::NotCertificate { what })?;
    let scheme = signed::scheme_for(parts.spki, hash).ok_or(EncodeError::SignerKey { what })?;
    let mut content = signed::Content::new(oid::ID_DATA, pkcs10.to_vec());
    content.certificates.push(old.to_vec());
    content.signers.push(Signer {
        sid: SignerId::Certificate(parts.issuer_and_serial()),
        scheme,
        signed_attributes: None,
        unsigned_attributes: Vec::new(),
    });
    Ok(content)
}

/// A request made on behalf of `requester_name` (`DOMAIN\user`), signed by the enrollment
/// agent's certificate `agent` (DER) using `hash`.
pub fn on_behalf_of(
    pkcs10: &[u8],
    agent: &[u8],
    requester_name: &str,
    hash: Hash,
) -> Result<signed::Content, EncodeError> {
    check_pkcs10(pkcs10)?;
    let signer = CertSigner::new(agent, hash, "enrollment agent's certificate")?;
    let mut content = signed::Content::new(oid::ID_DATA, pkcs10.to_vec());
    content
        .signers
        .push(signer.signer(vec![requester_name_attribute(requester_name)?])?);
    content.certificates.push(signer.certificate);
    Ok(content)
}

/// A PKCS #10 signed by a certificate (`certreq -sign` of a plain request): as
/// [`on_behalf_of`] without a requester name.
pub fn signed_by(
    pkcs10: &[u8],
    certificate: &[u8],
    hash: Hash,
) -> Result<signed::Content, EncodeError> {
    check_pkcs10(pkcs10)?;
    let signer = CertSigner::new(certificate, hash, "signing certificate")?;
    let mut content = signed::Content::new(oid::ID_DATA, pkcs10.to_vec());
    content.signers.push(signer.signer(Vec::new())?);
    content.certificates.push(signer.certificate);
    Ok(content)
}

/// What signing an existing PKCS #7 or CMC request again did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resigned {
    /// The certificate's signature was added to the others.
    Added,
    /// The certificate had signed already: its signature is made again, the others are kept.
    Replaced,
}

/// `certreq -sign` of a PKCS #7 or CMC request (`request`, DER): the content, the
/// certificates and every other signer are kept as they are; `certificate` (DER) signs too, as
/// a version 1 signer with content type and message digest after the others, replacing its
/// own earlier signature if it had one (and signing again what that one signed besides, such
/// as a requester name).
pub fn sign_again(
    request: &[u8],
    certificate: &[u8],
    hash: Hash,
) -> Result<(signed::Content, Resigned), EncodeError> {
    let sd = certreq_pkix::signed::read(request).ok_or(EncodeError::NotSignedData)?;
    let content = sd.content.ok_or(EncodeError::NotSignedData)?;
    let signer = CertSigner::new(certificate, hash, "signing certificate")?;
    let parts = CertParts::read(certificate).ok_or(EncodeError::NotCertificate {
        what: "signing certificate",
    })?;
    let content_type = der::asn1::ObjectIdentifier::from_bytes(sd.content_type)
        .map_err(|_| EncodeError::NotSignedData)?;
    let mut out = signed::Content::new(content_type, content.to_vec());
    let mut resigned = Resigned::Added;
    // what the certificate's earlier signature also signed (a requester name), signed again
    let mut extra = Vec::new();
    for s in &sd.signers {
        if s.sid.names(&parts)
            && matches!(s.sid, certreq_pkix::signed::SignerId::IssuerSerial { .. })
        {
            resigned = Resigned::Replaced;
            let mut rest = s.signed_attributes.unwrap_or_default();
            while !rest.is_empty() {
                let t = tlv::read(rest).ok_or(EncodeError::NotSignedData)?;
                let ty = tlv::read(t.content).ok_or(EncodeError::NotSignedData)?;
                let own = [oid::CONTENT_TYPE, oid::MESSAGE_DIGEST]
                    .iter()
                    .any(|o| ty.content == o.as_bytes());
                if !own {
                    extra.push(t.whole.to_vec());
                }
                rest = t.rest;
            }
        } else {
            out.kept_signers.push(s.whole.to_vec());
        }
    }
    let mut rest = sd.digest_algorithms;
    while !rest.is_empty() {
        let t = tlv::read(rest).ok_or(EncodeError::NotSignedData)?;
        out.kept_digest_algorithms.push(t.whole.to_vec());
        rest = t.rest;
    }
    out.certificates = sd.certificates.iter().map(|c| c.to_vec()).collect();
    out.certificates.push(signer.certificate.clone());
    out.crls = sd.crls.map(<[u8]>::to_vec);
    out.signers.push(signer.signer(extra)?);
    Ok((out, resigned))
}

/// The signed name-value attribute naming the requester.
pub fn requester_name_attribute(requester_name: &str) -> Result<Vec<u8>, EncodeError> {
    let bmp = |s: &str| BmpString::from_utf8(s).map_err(|_| EncodeError::RequesterNameNotBmp);
    let pair = certreq_pkix::msattr::NameValuePair {
        name: bmp("RequesterName")?,
        value: bmp(requester_name)?,
    };
    let value = pair
        .to_der()
        .map_err(crate::error::der_err("requester name"))?;
    Ok(signed::attribute(oid::NAME_VALUE_PAIR, &value))
}

fn check_pkcs10(pkcs10: &[u8]) -> Result<(), EncodeError> {
    tlv::only(pkcs10, 0x30)
        .and_then(tlv::read)
        .filter(|t| t.tag == 0x30)
        .map(|_| ())
        .ok_or(EncodeError::NotPkcs10)
}

#[cfg(test)]
mod tests;
