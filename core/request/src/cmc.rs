//! CMC requests (`RequestType = CMC`): the PKCS #10 request in an RFC 5272 Full PKI Request,
//! a CMS `SignedData` signed a second time by the request's own key, laid out as certreq lays
//! it out (research: certreq-semantics §7.2, enrollment-protocols §3.3; the Microsoft-made
//! sample in the corpus, `req/007`).
//!
//! ```text
//! wrap(pkcs10, spki, scheme) ─▶ Content { pki_data }      hash.digest(pki_data) ─▶ d
//! Content::prepare(d) ─▶ Unsigned { to_be_signed (the signed attributes), scheme }
//!                         signer(scheme, to_be_signed) ─▶ signature
//! Unsigned::finish(signature) ─▶ ContentInfo DER       (armor: NEW CERTIFICATE REQUEST)
//! ```
//!
//! The digest comes from the caller, like the signature: [`Hash::digest`] natively, the tools
//! module's in the web app (whose first download links no SHA-2).
//!
//! * `PKIData`: the control sequence holds certreq's "CMC Attributes" (bodyPartID 2,
//!   1.3.6.1.4.1.311.10.10.1) naming the PKIData (0) and the request (1) and carrying the
//!   request's client-information attribute (and an archived key's hash); without anything
//!   to add (`SuppressDefaults`) the control sequence is left empty. With a requester name,
//!   an id-cmc-regInfo control comes second as bodyPartID 2 and the CMC attributes take 3.
//!   The request is the one `tcr` TaggedRequest, bodyPartID 1. No CMS or other messages.
//! * `SignedData` version 3, the hash of the request's signature, the PKIData as eContent
//!   (type id-cct-PKIData), no certificates and no CRLs.
//! * One `SignerInfo`, version 3, identified by the key identifier of the request's key (the
//!   RFC 5280 method-1 value, the same as the request's subject key identifier extension);
//!   signed attributes content type and message digest; RSA PKCS #1 v1.5 named
//!   `rsaEncryption` as certreq names it, PSS and ECDSA by their signature algorithms. An
//!   archived key is its unsigned attribute. Certificates that sign too ([`wrap_with`]: an
//!   enrollment agent, the renewed certificate) follow as version 1 signers named by issuer
//!   and serial number, their certificates in the `SignedData` (research: certreq-facts §5b).

use certreq_pkix::alg::{Hash, SignatureScheme};
use certreq_pkix::oid;
use certreq_pkix::spki::key_identifier;
use certreq_pkix::tlv::{self, Tlv, tlv};

use crate::error::EncodeError;
use crate::signed::{self, Signer, SignerId};

/// The content octets of the OIDs written here (and read by the tests).
const CLIENT_INFO: &[u8] = oid::CLIENT_INFO.as_bytes();
#[cfg(test)]
const SIGNED_DATA: &[u8] = oid::ID_SIGNED_DATA.as_bytes();
#[cfg(test)]
const PKI_DATA: &[u8] = oid::ID_CCT_PKI_DATA.as_bytes();
#[cfg(test)]
const CMC_ATTRIBUTES: &[u8] = oid::CMC_ATTRIBUTES.as_bytes();

/// `rsaEncryption` with NULL parameters, as certreq names a PKCS #1 v1.5 signer.
#[cfg(test)]
fn rsa_encryption_alg() -> Vec<u8> {
    signed::rsa_encryption()
}

/// The bodyPartID of the request, which the CMC attributes refer to.
const REQUEST_PART: u8 = 1;
/// The bodyPartID of the CMC attributes control.
const ATTRIBUTES_PART: u8 = 2;
/// With a requester name: the bodyPartIDs of the regInfo control and of the CMC attributes,
/// which then moves to 3 (Microsoft's CMC EOBO dump, research certreq-facts §5b).
const REG_INFO_PART: u8 = 2;
const ATTRIBUTES_PART_AFTER_REG_INFO: u8 = 3;

/// A CMC request's content, waiting for its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    /// The DER `PKIData`: what to digest with [`Content::hash`].
    pub pki_data: Vec<u8>,
    key_id: [u8; 20],
    scheme: SignatureScheme,
}

/// Wraps a finished PKCS #10 request (`pkcs10`, DER) for its key (`spki`, DER), to be signed
/// with `scheme` like the request itself.
pub fn wrap(pkcs10: &[u8], spki: &[u8], scheme: SignatureScheme) -> Result<Content, EncodeError> {
    Ok(Content {
        pki_data: pki_data(pkcs10, &Extras::default())?,
        key_id: key_identifier(spki),
        scheme,
    })
}

/// A certificate that signs a CMC request beside the request's own key: an enrollment agent's
/// (`RequesterName`), the renewed certificate's (`RenewalCert`), a `-sign` or `-policy`
/// signer's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertSigner {
    /// The certificate, DER; it goes into the request's certificates.
    pub certificate: Vec<u8>,
    /// How its key signs.
    pub scheme: SignatureScheme,
}

impl CertSigner {
    /// The signer for a certificate, signing with `hash` (RSA PKCS #1 v1.5 or ECDSA, by its key).
    pub fn new(
        certificate: &[u8],
        hash: Hash,
        what: &'static str,
    ) -> Result<CertSigner, EncodeError> {
        let parts = certreq_pkix::cert::CertParts::read(certificate)
            .ok_or(EncodeError::NotCertificate { what })?;
        let scheme = signed::scheme_for(parts.spki, hash).ok_or(EncodeError::SignerKey { what })?;
        Ok(CertSigner {
            certificate: certificate.to_vec(),
            scheme,
        })
    }

    /// The CMS signer it makes: version 1, named by issuer and serial number, signing the
    /// content type and message digest.
    pub(crate) fn signer(&self, extra_signed: Vec<Vec<u8>>) -> Result<Signer, EncodeError> {
        let parts = certreq_pkix::cert::CertParts::read(&self.certificate).ok_or(
            EncodeError::NotCertificate {
                what: "signing certificate",
            },
        )?;
        Ok(Signer {
            sid: SignerId::Certificate(parts.issuer_and_serial()),
            scheme: self.scheme,
            signed_attributes: Some(extra_signed),
            unsigned_attributes: Vec::new(),
        })
    }
}

/// What a CMC request carries besides the request and its client information.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras<'a> {
    /// `RequesterName`: an id-cmc-regInfo control (bodyPartID 2) holding
    /// `RequesterName=<name, URL-encoded>&` as certreq writes it; the CMC attributes move to
    /// bodyPartID 3.
    pub requester_name: Option<&'a str>,
    /// Key archival: the archived key's hash joins the CMC attributes (signed), the archived
    /// key itself the request key's unsigned attributes. (Feature `lifecycle`.)
    #[cfg(feature = "lifecycle")]
    pub archived: Option<&'a crate::archive::Archived>,
    /// Certificates that sign beside the request's key, in order.
    pub cosigners: Vec<CertSigner>,
}

/// Wraps a finished PKCS #10 request (`pkcs10`) for its key (`spki`) with what `extras` adds:
/// the request's key signs first (`scheme`), then each co-signer.
pub fn wrap_with(
    pkcs10: &[u8],
    spki: &[u8],
    scheme: SignatureScheme,
    extras: &Extras<'_>,
) -> Result<signed::Content, EncodeError> {
    let mut content = signed::Content::new(oid::ID_CCT_PKI_DATA, pki_data(pkcs10, extras)?);
    content.signers.push(Signer {
        sid: SignerId::KeyId(key_identifier(spki).to_vec()),
        scheme,
        signed_attributes: Some(Vec::new()),
        unsigned_attributes: archived_key(extras),
    });
    for cosigner in &extras.cosigners {
        content.signers.push(cosigner.signer(Vec::new())?);
        content.certificates.push(cosigner.certificate.clone());
    }
    Ok(content)
}

/// The request key's unsigned attributes: the archived key, if any.
fn archived_key(extras: &Extras<'_>) -> Vec<Vec<u8>> {
    #[cfg(feature = "lifecycle")]
    if let Some(a) = extras.archived {
        return vec![a.key_attribute()];
    }
    let _ = extras;
    Vec::new()
}

/// A CMC request for a PKCS #10 its own key cannot sign (`certreq -policy` from another CA's
/// certificate, a request made elsewhere): signed by the certificates alone.
pub fn wrap_signed_by(
    pkcs10: &[u8],
    signers: &[CertSigner],
) -> Result<signed::Content, EncodeError> {
    let mut content =
        signed::Content::new(oid::ID_CCT_PKI_DATA, pki_data(pkcs10, &Extras::default())?);
    for s in signers {
        content.signers.push(s.signer(Vec::new())?);
        content.certificates.push(s.certificate.clone());
    }
    Ok(content)
}

/// The `PKIData`: the controls (certreq's CMC attributes naming the PKIData (0) and the
/// request (1), carrying the request's client information and an archived key's hash; a
/// regInfo with the requester name), the request as the one `tcr` (bodyPartID 1), no CMS or
/// other messages.
fn pki_data(pkcs10: &[u8], extras: &Extras<'_>) -> Result<Vec<u8>, EncodeError> {
    let outer = tlv::only(pkcs10, 0x30).ok_or(EncodeError::NotPkcs10)?;
    let Tlv { content: info, .. } = tlv::read(outer).ok_or(EncodeError::NotPkcs10)?;
    let mut attributes: Vec<Vec<u8>> = Vec::new();
    if let Some(attribute) = client_info_attribute(info) {
        attributes.push(attribute.to_vec());
    }
    #[cfg(feature = "lifecycle")]
    if let Some(archived) = extras.archived {
        attributes.push(archived.hash_attribute());
    }
    let attributes_part = if extras.requester_name.is_some() {
        ATTRIBUTES_PART_AFTER_REG_INFO
    } else {
        ATTRIBUTES_PART
    };

    let mut controls = Vec::new();
    if !attributes.is_empty() {
        // CmcAddAttributes ::= SEQUENCE { pkiDataReference BodyPartID (0),
        //   certReferences SEQUENCE OF BodyPartID, attributes SET OF Attribute }
        let mut add = vec![0x02, 0x01, 0x00];
        add.extend(tlv(0x30, &[0x02, 0x01, REQUEST_PART]));
        add.extend(tlv(0x31, &signed::sorted_set(attributes)));
        // TaggedAttribute ::= SEQUENCE { bodyPartID, attrType, attrValues SET OF }
        let mut tagged = vec![0x02, 0x01, attributes_part];
        tagged.extend(tlv(0x06, oid::CMC_ATTRIBUTES.as_bytes()));
        tagged.extend(tlv(0x31, &tlv(0x30, &add)));
        controls.extend(tlv(0x30, &tagged));
    }
    if let Some(name) = extras.requester_name {
        let mut tagged = vec![0x02, 0x01, REG_INFO_PART];
        tagged.extend(tlv(0x06, oid::ID_CMC_REG_INFO.as_bytes()));
        tagged.extend(tlv(0x31, &tlv(0x04, reg_info(name).as_bytes())));
        controls.extend(tlv(0x30, &tagged));
    }
    // TaggedRequest tcr [0] IMPLICIT TaggedCertificationRequest { bodyPartID, request }
    let mut tcr = vec![0x02, 0x01, REQUEST_PART];
    tcr.extend_from_slice(pkcs10);

    let mut body = tlv(0x30, &controls);
    body.extend(tlv(0x30, &tlv(0xa0, &tcr)));
    body.extend([0x30, 0x00, 0x30, 0x00]); // cmsSequence, otherMsgSequence
    Ok(tlv(0x30, &body))
}

/// A regInfo value as certreq writes the requester name: `RequesterName=` the name
/// URL-encoded (`\` as `%5C`; every byte but ASCII letters, digits and `-_.~` as `%XX`), then
/// `&` (research: certreq-facts §5b; the encoding of other characters is inferred).
pub fn reg_info(requester_name: &str) -> String {
    let mut out = String::from("RequesterName=");
    for b in requester_name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('&');
    out
}

/// The whole client-information `Attribute` among a `CertificationRequestInfo`'s, if any.
fn client_info_attribute(info: &[u8]) -> Option<&[u8]> {
    let mut rest = info;
    while let Some(Tlv {
        tag,
        content,
        rest: tail,
        ..
    }) = tlv::read(rest)
    {
        if tag == 0xa0 {
            let mut attrs = content;
            while let Some(Tlv {
                content: attr,
                whole,
                rest: next,
                ..
            }) = tlv::read(attrs)
            {
                if let Some(Tlv {
                    tag: 0x06,
                    content: oid,
                    ..
                }) = tlv::read(attr)
                    && oid == CLIENT_INFO
                {
                    return Some(whole);
                }
                attrs = next;
            }
        }
        rest = tail;
    }
    None
}

impl Content {
    /// The hash to digest [`Content::pki_data`] with: the request's.
    pub fn hash(&self) -> Hash {
        self.scheme.hash()
    }

    /// The signed attributes for the digest of [`Content::pki_data`], to be signed.
    pub fn prepare(self, digest: &[u8]) -> Result<Unsigned, EncodeError> {
        if digest.len() != self.hash().output_len() {
            return Err(EncodeError::DigestLength {
                got: digest.len(),
                hash: self.hash(),
            });
        }
        let mut content = signed::Content::new(oid::ID_CCT_PKI_DATA, self.pki_data.clone());
        content.signers.push(Signer {
            sid: SignerId::KeyId(self.key_id.to_vec()),
            scheme: self.scheme,
            signed_attributes: Some(Vec::new()),
            unsigned_attributes: Vec::new(),
        });
        let inner = content.prepare(|_, _| digest.to_vec())?;
        let to_be_signed = inner
            .to_be_signed
            .first()
            .map(|(_, bytes)| bytes.clone())
            .unwrap_or_default();
        Ok(Unsigned {
            to_be_signed,
            scheme: self.scheme,
            inner,
        })
    }
}

/// A CMC request ready to be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsigned {
    /// The DER `SET OF` signed attributes: the bytes to sign.
    pub to_be_signed: Vec<u8>,
    /// How to sign them.
    pub scheme: SignatureScheme,
    inner: signed::Unsigned,
}

impl Unsigned {
    /// Attaches the signature (ECDSA: DER `Ecdsa-Sig-Value`) and returns the CMC request DER.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        self.inner.finish(&[signature.to_vec()])
    }
}

#[cfg(test)]
mod tests;
