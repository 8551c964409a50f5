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

use der::Encode;

use crate::encode::{EncodeError, check_ecdsa_der, signature_algorithm};
use crate::model::{Hash, SignatureScheme};
use crate::tlv;

/// `signedData` 1.2.840.113549.1.7.2, content bytes.
const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// `id-cct-PKIData` 1.3.6.1.5.5.7.12.2.
const PKI_DATA: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x0c, 0x02];
/// `contentType` 1.2.840.113549.1.9.3.
const CONTENT_TYPE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03];
/// `messageDigest` 1.2.840.113549.1.9.4.
const MESSAGE_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
/// szOID_CMC_ADD_ATTRIBUTES 1.3.6.1.4.1.311.10.10.1.
const CMC_ADD_ATTRIBUTES: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x0a, 0x01];
/// szOID_REQUEST_CLIENT_INFO 1.3.6.1.4.1.311.21.20.
const CLIENT_INFO: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x15, 0x14];
/// `rsaEncryption` with NULL parameters, as certreq names a PKCS #1 v1.5 signer.
const RSA_ENCRYPTION_ALG: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// The bodyPartID of the request, which the CMC attributes refer to.
const REQUEST_PART: u8 = 1;
/// The bodyPartID of the CMC attributes control.
const ATTRIBUTES_PART: u8 = 2;

fn err(what: &str) -> EncodeError {
    EncodeError(what.to_owned())
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    tlv::push(&mut out, tag, content);
    out
}

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
    let outer = tlv::only(pkcs10, 0x30).ok_or_else(|| err("the request is not DER PKCS #10"))?;
    let (_, info, _, _) = tlv::read(outer).ok_or_else(|| err("the request is not DER PKCS #10"))?;
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
        tagged.extend(tlv(0x06, CMC_ADD_ATTRIBUTES));
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
        key_id: crate::ext::builtin::key_identifier(spki),
        scheme,
    })
}

/// The whole client-information `Attribute` among a `CertificationRequestInfo`'s, if any.
fn client_info_attribute(info: &[u8]) -> Option<&[u8]> {
    let mut rest = info;
    while let Some((tag, content, _, tail)) = tlv::read(rest) {
        if tag == 0xa0 {
            let mut attrs = content;
            while let Some((_, attr, whole, next)) = tlv::read(attrs) {
                if let Some((0x06, oid, _, _)) = tlv::read(attr)
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
            return Err(EncodeError(format!(
                "the digest has {} bytes; {} takes {}",
                digest.len(),
                self.hash().web_crypto_name(),
                self.hash().output_len()
            )));
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
            return Err(err("the signature is empty"));
        }
        if let SignatureScheme::Ecdsa(_) = self.scheme {
            check_ecdsa_der(signature)?;
        }
        let hash = self.scheme.hash();
        let mut digest_alg = tlv(0x06, hash.oid().as_bytes());
        digest_alg.extend([0x05, 0x00]);
        let digest_alg = tlv(0x30, &digest_alg);
        let signature_alg = match self.scheme {
            SignatureScheme::RsaPkcs1(_) => RSA_ENCRYPTION_ALG.to_vec(),
            scheme => signature_algorithm(scheme)?
                .to_der()
                .map_err(|e| EncodeError(format!("signatureAlgorithm: {e}")))?,
        };
        let attrs = tlv::only(&self.to_be_signed, 0x31)
            .ok_or_else(|| err("the signed attributes are not a SET"))?;

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

/// The parts of a CMC request with one signer, as read (not checked: see [`Read::verify_digest`]
/// and the signature, which the reader verifies with the request's key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read<'a> {
    /// The PKCS #10 request inside (the first TaggedRequest's), DER.
    pub request: &'a [u8],
    /// The eContent: the DER `PKIData`.
    pub pki_data: &'a [u8],
    /// The signer's key identifier (`sid` `[0]`); `None` when the signer is named by issuer
    /// and serial number, that is by a certificate.
    pub key_id: Option<&'a [u8]>,
    /// The signer's `digestAlgorithm` OID, content bytes.
    pub digest_oid: &'a [u8],
    /// The signed attributes re-tagged as the `SET OF` that was signed.
    pub signed_attributes: Vec<u8>,
    /// The message-digest attribute's value.
    pub message_digest: &'a [u8],
    /// The signer's whole `signatureAlgorithm` TLV.
    pub signature_algorithm: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
}

impl Read<'_> {
    /// The hash named by the signer's digest algorithm, if it is one of ours.
    pub fn hash(&self) -> Option<Hash> {
        [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512]
            .into_iter()
            .find(|h| h.oid().as_bytes() == self.digest_oid)
    }
}

/// Reads `der` as a CMC request (ContentInfo → SignedData of PKIData with one signer whose
/// signed attributes hold one content type, PKIData, and one message digest); `None` when it
/// is not one.
pub fn read(der: &[u8]) -> Option<Read<'_>> {
    let Located {
        pki_data,
        request,
        digest_algorithms,
        signer_infos,
    } = locate(der)?;
    let signer_info = tlv::only(signer_infos, 0x30)?;
    let signer = tlv::items(signer_info)?;
    let mut fields = signer.iter();
    // version 3 with a key identifier, 1 with issuer and serial number (RFC 5652 §5.3)
    let key_id = match (*fields.next()?, *fields.next()?) {
        ((0x02, [3]), (0x80, id)) => Some(id),
        ((0x02, [1]), (0x30, _)) => None,
        _ => return None,
    };
    let (0x30, digest_alg) = *fields.next()? else {
        return None;
    };
    let (0xa0, attrs) = *fields.next()? else {
        return None;
    };
    let (0x30, _) = *fields.next()? else {
        return None;
    };
    let (0x04, signature) = *fields.next()? else {
        return None;
    };
    // then at most the unsigned attributes
    match (fields.next(), fields.next()) {
        (None, _) | (Some((0xa1, _)), None) => {}
        _ => return None,
    }
    let signature_algorithm = whole_tlv_before(signer_info, signature)?;
    let (0x06, digest_oid, _, _) = tlv::read(digest_alg)? else {
        return None;
    };
    // the SignedData names every digest algorithm its signers use
    let listed = tlv::items(digest_algorithms)?;
    if !listed
        .iter()
        .any(|&(tag, alg)| tag == 0x30 && alg == digest_alg)
    {
        return None;
    }
    // RFC 5652 §11: one content-type attribute naming the content, one message digest
    let (mut message_digest, mut content_type) = (None, None);
    for (tag, attr) in tlv::items(attrs)? {
        let parts = tlv::items(attr)?;
        let (0x30, [(0x06, oid), (0x31, values)]) = (tag, parts.as_slice()) else {
            return None;
        };
        let slot = match *oid {
            MESSAGE_DIGEST => &mut message_digest,
            CONTENT_TYPE => &mut content_type,
            _ => continue,
        };
        if slot.replace(*values).is_some() {
            return None;
        }
    }
    if tlv::only(content_type?, 0x06)? != PKI_DATA {
        return None;
    }
    let message_digest = tlv::only(message_digest?, 0x04)?;
    Some(Read {
        request,
        pki_data,
        key_id,
        digest_oid,
        signed_attributes: tlv(0x31, attrs),
        message_digest,
        signature_algorithm,
        signature,
    })
}

/// The PKCS #10 request in `request_der`: the one a CMC request carries, else `request_der`
/// itself.
pub fn pkcs10_of(request_der: &[u8]) -> &[u8] {
    locate(request_der).map_or(request_der, |found| found.request)
}

/// Where the parts of a CMC request are.
struct Located<'a> {
    pki_data: &'a [u8],
    /// The first TaggedRequest's PKCS #10, as one SEQUENCE.
    request: &'a [u8],
    /// The content of the `digestAlgorithms` SET.
    digest_algorithms: &'a [u8],
    /// The content of the `SignerInfos` SET.
    signer_infos: &'a [u8],
}

/// Finds the parts of a CMC request (a `SignedData` version 3, as RFC 5652 requires for
/// content other than id-data). Walked without allocating, as the web app reads every `.req`
/// file it is given this way.
fn locate(der: &[u8]) -> Option<Located<'_>> {
    let (0x06, SIGNED_DATA, _, rest) = tlv::read(tlv::only(der, 0x30)?)? else {
        return None;
    };
    let signed = tlv::only(tlv::only(rest, 0xa0)?, 0x30)?;
    let (0x02, [3], _, rest) = tlv::read(signed)? else {
        return None;
    };
    let (0x31, digest_algorithms, _, rest) = tlv::read(rest)? else {
        return None;
    };
    let (0x30, encap, _, mut rest) = tlv::read(rest)? else {
        return None;
    };
    // optional [0] certificates and [1] CRLs, then the SignerInfos
    let mut signer_infos = None;
    while !rest.is_empty() {
        let (tag, content, _, tail) = tlv::read(rest)?;
        signer_infos = (tag == 0x31).then_some(content);
        rest = tail;
    }
    let (0x06, PKI_DATA, _, rest) = tlv::read(encap)? else {
        return None;
    };
    let pki_data = tlv::only(tlv::only(rest, 0xa0)?, 0x04)?;
    let (0x30, _, _, rest) = tlv::read(tlv::only(pki_data, 0x30)?)? else {
        return None;
    };
    let (0x30, requests, _, _) = tlv::read(rest)? else {
        return None;
    };
    let (0xa0, tcr, _, _) = tlv::read(requests)? else {
        return None;
    };
    let (0x02, _, _, request) = tlv::read(tcr)? else {
        return None;
    };
    tlv::only(request, 0x30)?;
    Some(Located {
        pki_data,
        request,
        digest_algorithms,
        signer_infos: signer_infos?,
    })
}

/// Among the fields of a `SignerInfo`, the whole TLV before the OCTET STRING holding
/// `signature`: the signature algorithm.
fn whole_tlv_before<'a>(signer_info: &'a [u8], signature: &[u8]) -> Option<&'a [u8]> {
    let mut rest = signer_info;
    let mut previous = None;
    while let Some((tag, content, whole, tail)) = tlv::read(rest) {
        if tag == 0x04 && core::ptr::eq(content, signature) {
            return previous;
        }
        previous = Some(whole);
        rest = tail;
    }
    None
}

impl Read<'_> {
    /// Whether the message digest is the digest of the PKIData.
    pub fn verify_digest(&self) -> bool {
        self.hash()
            .is_some_and(|h| h.digest(self.pki_data) == self.message_digest)
    }
}

#[cfg(test)]
mod tests;
