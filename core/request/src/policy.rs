//! `certreq -policy RequestIn PolicyFileIn RequestOut [PKCS10Out]`: a policy INF
//! ([`crate::compile_policy`]) applied to an existing request or CA certificate, for qualified
//! subordination and cross-certification (research: certreq-semantics §9, certreq-facts §8).
//!
//! ```text
//! apply(request or certificate, plan) ─▶ Applied { info (CertificationRequestInfo), spki, … }
//!   the request's own key, when the caller has it:   encode::Unsigned { info } ─sign─▶ PKCS #10
//!   else (another CA's certificate, a request made elsewhere):
//!                                        finish_null(hash of info) ─▶ PKCS #10 with MS-WCCE's
//!                                        null signature, inside a CMC request signed by -cert
//! ```
//!
//! * From a request (PKCS #10, or the one a CMC or PKCS #7 request carries): its subject, key
//!   and attributes are kept; the policy's extensions replace those of the same type where
//!   they are, the others are added after them; its `[RequestAttributes]` replace the
//!   name-value pairs of the same name or are added.
//! * From a certificate (cross-certification of another CA): its subject and key, and of its
//!   extensions the key usage, basic constraints and subject key identifier (what describes
//!   the CA itself; the rest names its own issuer), then the policy's as above.

use certreq_pkix::cert::CertParts;
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::tlv;
use der::asn1::BmpString;
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::request::CertReq;

use crate::error::{EncodeError, der_err};
use crate::lower::PolicyPlan;

/// What the new request was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A PKCS #10 request (or the one a CMC or PKCS #7 request carries).
    Request,
    /// A certificate (cross-certification).
    Certificate,
}

/// The request a policy makes of an existing one, waiting to be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The new `CertificationRequestInfo`, DER: what the request's key signs (as
    /// [`crate::encode::Unsigned::to_be_signed`]).
    pub info: Vec<u8>,
    /// The request's `SubjectPublicKeyInfo`, DER.
    pub spki: Vec<u8>,
    pub source: Source,
    /// The extensions the policy replaced, and those it added.
    pub replaced: Vec<ObjectIdentifier>,
    pub added: Vec<ObjectIdentifier>,
}

/// The extensions a cross-certification request keeps of the certificate it is made from.
const KEPT_FROM_CERTIFICATE: [ObjectIdentifier; 3] = [
    oid::KEY_USAGE,
    oid::BASIC_CONSTRAINTS,
    oid::SUBJECT_KEY_IDENTIFIER,
];

/// Applies `plan` to `input` (DER: a PKCS #10, CMC or PKCS #7 request, or a certificate).
pub fn apply(input: &[u8], plan: &PolicyPlan) -> Result<Applied, EncodeError> {
    let pkcs10 = certreq_pkix::cmc::pkcs10_in_any(input);
    let (source, subject, spki, mut extensions, mut attributes) =
        if let Ok(req) = CertReq::from_der(pkcs10) {
            let subject = req.info.subject.to_der().map_err(der_err("subject"))?;
            let spki = req
                .info
                .public_key
                .to_der()
                .map_err(der_err("public key"))?;
            let mut extensions = Vec::new();
            let mut attributes = Vec::new();
            for attr in req.info.attributes.iter() {
                if attr.oid == oid::EXTENSION_REQUEST {
                    for value in attr.values.iter() {
                        let list: Vec<Extension> = value
                            .decode_as()
                            .map_err(der_err("the request's extensions"))?;
                        extensions.extend(list);
                    }
                } else {
                    attributes.push(attr.to_der().map_err(der_err("a request attribute"))?);
                }
            }
            (Source::Request, subject, spki, extensions, attributes)
        } else if let Some(cert) = CertParts::read(input) {
            let mut extensions = Vec::new();
            for id in KEPT_FROM_CERTIFICATE {
                if let Some((critical, value)) = cert.extension(&id) {
                    extensions.push(Extension {
                        extn_id: id,
                        critical,
                        extn_value: der::asn1::OctetString::new(value)
                            .map_err(der_err("an extension"))?,
                    });
                }
            }
            (
                Source::Certificate,
                cert.subject.to_vec(),
                cert.spki.to_vec(),
                extensions,
                Vec::new(),
            )
        } else {
            return Err(EncodeError::NotSignedData);
        };

    let (mut replaced, mut added) = (Vec::new(), Vec::new());
    for ext in &plan.extensions {
        match extensions.iter_mut().find(|e| e.extn_id == ext.extn_id) {
            Some(slot) => {
                *slot = ext.clone();
                replaced.push(ext.extn_id);
            }
            None => {
                extensions.push(ext.clone());
                added.push(ext.extn_id);
            }
        }
    }
    for (name, value) in &plan.name_value_pairs {
        attributes.retain(|a| !is_name_value_pair_named(a, name));
        let bmp = |s: &str| {
            BmpString::from_utf8(s).map_err(|_| EncodeError::AttributeNotBmp { name: name.clone() })
        };
        let pair = certreq_pkix::msattr::NameValuePair {
            name: bmp(name)?,
            value: bmp(value)?,
        };
        attributes.push(crate::signed::attribute(
            oid::NAME_VALUE_PAIR,
            &pair.to_der().map_err(der_err("request attribute"))?,
        ));
    }
    if !extensions.is_empty() {
        let list = extensions.to_der().map_err(der_err("extensions"))?;
        attributes.push(crate::signed::attribute(oid::EXTENSION_REQUEST, &list));
    }

    let mut body = Vec::new();
    tlv::push(&mut body, 0x02, &[0]);
    body.extend_from_slice(&subject);
    body.extend_from_slice(&spki);
    tlv::push(&mut body, 0xa0, &crate::signed::sorted_set(attributes));
    Ok(Applied {
        info: tlv::tlv(0x30, &body),
        spki,
        source,
        replaced,
        added,
    })
}

/// Whether `attribute` (DER) is a name-value pair whose name is `name` (compared as AD CS
/// compares attribute names: letter case, blanks and hyphens ignored).
fn is_name_value_pair_named(attribute: &[u8], name: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let Ok(attr) = x509_cert::attr::Attribute::from_der(attribute) else {
        return false;
    };
    attr.oid == oid::NAME_VALUE_PAIR
        && attr.values.iter().any(|v| {
            v.decode_as::<certreq_pkix::msattr::NameValuePair>()
                .is_ok_and(|p| squash(&p.name.to_string()) == squash(name))
        })
}

#[cfg(test)]
mod tests;
