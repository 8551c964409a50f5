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
//!   request's client-information attribute; without that attribute (`SuppressDefaults`) the
//!   control sequence is left empty, as there is nothing to add. The request is the one
//!   `tcr` TaggedRequest, bodyPartID 1. No CMS or other messages.
//! * `SignedData` version 3, the hash of the request's signature, the PKIData as eContent
//!   (type id-cct-PKIData), no certificates and no CRLs.
//! * One `SignerInfo`, version 3, identified by the key identifier of the request's key (the
//!   RFC 5280 method-1 value, the same as the request's subject key identifier extension);
//!   signed attributes content type and message digest; RSA PKCS #1 v1.5 named
//!   `rsaEncryption` as certreq names it, PSS and ECDSA by their signature algorithms.

use certreq_pkix::alg::{Hash, SignatureScheme, check_ecdsa_der};
use certreq_pkix::oid;
use certreq_pkix::spki::key_identifier;
use certreq_pkix::tlv::{self, Tlv, tlv};

use crate::encode::EncodeError;

/// The content octets of the OIDs written here.
const SIGNED_DATA: &[u8] = oid::ID_SIGNED_DATA.as_bytes();
const PKI_DATA: &[u8] = oid::ID_CCT_PKI_DATA.as_bytes();
const CONTENT_TYPE: &[u8] = oid::CONTENT_TYPE.as_bytes();
const MESSAGE_DIGEST: &[u8] = oid::MESSAGE_DIGEST.as_bytes();
const CMC_ATTRIBUTES: &[u8] = oid::CMC_ATTRIBUTES.as_bytes();
const CLIENT_INFO: &[u8] = oid::CLIENT_INFO.as_bytes();

/// `rsaEncryption` with NULL parameters, as certreq names a PKCS #1 v1.5 signer.
fn rsa_encryption_alg() -> Vec<u8> {
    let mut alg = tlv(0x06, oid::RSA_ENCRYPTION.as_bytes());
    alg.extend([0x05, 0x00]);
    tlv(0x30, &alg)
}

/// The bodyPartID of the request, which the CMC attributes refer to.
const REQUEST_PART: u8 = 1;
/// The bodyPartID of the CMC attributes control.
const ATTRIBUTES_PART: u8 = 2;

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
    let outer = tlv::only(pkcs10, 0x30).ok_or(EncodeError::NotPkcs10)?;
    let Tlv { content: info, .. } = tlv::read(outer).ok_or(EncodeError::NotPkcs10)?;
    let client_info = client_info_attribute(info);

    let mut controls = Vec::new();
    if let Some(attribute) = client_info {
        // CmcAddAttributes ::= SEQUENCE { pkiDataReference BodyPartID (0),
        //   certReferences SEQUENCE OF BodyPartID, attributes SET OF Attribute }
        let mut add = vec![0x02, 0x01, 0x00];
        add.extend(tlv(0x30, &[0x02, 0x01, REQUEST_PART]));
        add.extend(tlv(0x31, attribute));
        // TaggedAttribute ::= SEQUENCE { bodyPartID, attrType, attrValues SET OF }
        let mut tagged = vec![0x02, 0x01, ATTRIBUTES_PART];
        tagged.extend(tlv(0x06, CMC_ATTRIBUTES));
        tagged.extend(tlv(0x31, &tlv(0x30, &add)));
        controls = tlv(0x30, &tagged);
    }
    // TaggedRequest tcr [0] IMPLICIT TaggedCertificationRequest { bodyPartID, request }
    let mut tcr = vec![0x02, 0x01, REQUEST_PART];
    tcr.extend_from_slice(pkcs10);

    let mut body = tlv(0x30, &controls);
    body.extend(tlv(0x30, &tlv(0xa0, &tcr)));
    body.extend([0x30, 0x00, 0x30, 0x00]); // cmsSequence, otherMsgSequence
    Ok(Content {
        pki_data: tlv(0x30, &body),
        key_id: key_identifier(spki),
        scheme,
    })
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
        let mut content_type = tlv(0x06, CONTENT_TYPE);
        content_type.extend(tlv(0x31, &tlv(0x06, PKI_DATA)));
        let mut message_digest = tlv(0x06, MESSAGE_DIGEST);
        message_digest.extend(tlv(0x31, &tlv(0x04, digest)));
        let (a, b) = (tlv(0x30, &content_type), tlv(0x30, &message_digest));
        // a DER SET: members in the order of their encodings
        let attrs = if a <= b {
            [a, b].concat()
        } else {
            [b, a].concat()
        };
        Ok(Unsigned {
            to_be_signed: tlv(0x31, &attrs),
            scheme: self.scheme,
            content: self,
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
    content: Content,
}

impl Unsigned {
    /// Attaches the signature (ECDSA: DER `Ecdsa-Sig-Value`) and returns the CMC request DER.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, EncodeError> {
        if signature.is_empty() {
            return Err(EncodeError::EmptySignature);
        }
        if let SignatureScheme::Ecdsa(_) = self.scheme {
            check_ecdsa_der(signature)?;
        }
        let hash = self.scheme.hash();
        let mut digest_alg = tlv(0x06, hash.oid().as_bytes());
        digest_alg.extend([0x05, 0x00]);
        let digest_alg = tlv(0x30, &digest_alg);
        let signature_alg = match self.scheme {
            SignatureScheme::RsaPkcs1(_) => rsa_encryption_alg(),
            scheme => scheme.algorithm_identifier_der()?,
        };
        let attrs = tlv::only(&self.to_be_signed, 0x31).ok_or(EncodeError::NotSignedAttributes)?;

        let mut signer = vec![0x02, 0x01, 0x03];
        signer.extend(tlv(0x80, &self.content.key_id)); // [0] SubjectKeyIdentifier
        signer.extend_from_slice(&digest_alg);
        signer.extend(tlv(0xa0, attrs)); // [0] IMPLICIT SignedAttributes
        signer.extend(signature_alg);
        signer.extend(tlv(0x04, signature));

        let mut encap = tlv(0x06, PKI_DATA);
        encap.extend(tlv(0xa0, &tlv(0x04, &self.content.pki_data)));

        let mut signed = vec![0x02, 0x01, 0x03];
        signed.extend(tlv(0x31, &digest_alg));
        signed.extend(tlv(0x30, &encap));
        signed.extend(tlv(0x31, &tlv(0x30, &signer)));

        let mut info = tlv(0x06, SIGNED_DATA);
        info.extend(tlv(0xa0, &tlv(0x30, &signed)));
        Ok(tlv(0x30, &info))
    }
}

#[cfg(test)]
mod tests;
