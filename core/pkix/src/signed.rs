//! A CMS `SignedData` (RFC 5652 §5) read with [`crate::tlv`], whatever it carries and however
//! many signed it: the PKCS #7 requests certreq makes (renewal, on behalf of another user),
//! CMC requests with more than one signer, and the requests `certreq -sign` adds a signature
//! to. Everything is kept as the bytes it came in, so that a signer can be verified over
//! exactly what was signed and a request can be written again with one more signer and the
//! others untouched.
//!
//! Reading checks the structure only; what the signatures and digests say is the reader's to
//! check ([`SignerInfo::signed_bytes`], [`SignerInfo::message_digest`]).

use crate::alg::Hash;
use crate::oid::{self, ObjectIdentifier};
use crate::tlv::{self, Tlv};

/// How a signer is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignerId<'a> {
    /// `[0] SubjectKeyIdentifier` (a version 3 signer): the key's identifier.
    KeyId(&'a [u8]),
    /// `IssuerAndSerialNumber` (a version 1 signer): the issuer `Name` as a whole TLV and the
    /// serial number's content octets.
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
}

impl SignerId<'_> {
    /// Whether this names the certificate `parts`: its issuer and serial number, or its key's
    /// identifier (its subject key identifier, or the RFC 5280 method-1 value).
    pub fn names(&self, parts: &crate::cert::CertParts<'_>) -> bool {
        match self {
            SignerId::IssuerSerial { issuer, serial } => {
                *issuer == parts.issuer && *serial == parts.serial
            }
            SignerId::KeyId(id) => {
                *id == parts.key_id().as_slice()
                    || *id == crate::spki::key_identifier(parts.spki).as_slice()
            }
        }
    }
}

/// One `SignerInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerInfo<'a> {
    /// The whole `SignerInfo` TLV.
    pub whole: &'a [u8],
    pub version: u8,
    pub sid: SignerId<'a>,
    /// The whole `digestAlgorithm` TLV.
    pub digest_algorithm: &'a [u8],
    /// The digest algorithm's OID content octets.
    pub digest_oid: &'a [u8],
    /// The content of `[0] IMPLICIT SignedAttributes`, when present.
    pub signed_attributes: Option<&'a [u8]>,
    /// The whole `signatureAlgorithm` TLV.
    pub signature_algorithm: &'a [u8],
    pub signature: &'a [u8],
    /// The content of `[1] IMPLICIT UnsignedAttributes`, when present.
    pub unsigned_attributes: Option<&'a [u8]>,
}

impl<'a> SignerInfo<'a> {
    /// The hash its digest algorithm names, if it is one of ours, with no parameters or NULL
    /// ones (RFC 5754 §2).
    pub fn hash(&self) -> Option<Hash> {
        let params = tlv::only(self.digest_algorithm, 0x30)
            .and_then(tlv::read)
            .map(|oid| oid.rest)?;
        if !(params.is_empty() || params == [0x05, 0x00]) {
            return None;
        }
        Hash::ALL
            .into_iter()
            .find(|h| h.oid().as_bytes() == self.digest_oid)
    }

    /// What the signature is over: the signed attributes re-tagged as the `SET OF` that was
    /// signed (RFC 5652 §5.4), or, without signed attributes, `content` itself.
    pub fn signed_bytes(&self, content: &[u8]) -> Vec<u8> {
        match self.signed_attributes {
            Some(attrs) => tlv::tlv(0x31, attrs),
            None => content.to_vec(),
        }
    }

    /// The values (the content of the `SET OF`) of the signed attribute of type `oid`; `None`
    /// when there is none, and when there are two (which RFC 5652 forbids for the attributes
    /// read here).
    pub fn signed_attribute(&self, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        attribute(self.signed_attributes?, oid)
    }

    /// The same among the unsigned attributes.
    pub fn unsigned_attribute(&self, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        attribute(self.unsigned_attributes?, oid)
    }

    /// The message-digest attribute's octets.
    pub fn message_digest(&self) -> Option<&'a [u8]> {
        tlv::only(self.signed_attribute(&oid::MESSAGE_DIGEST)?, 0x04)
    }

    /// The content-type attribute's OID content octets.
    pub fn content_type(&self) -> Option<&'a [u8]> {
        tlv::only(self.signed_attribute(&oid::CONTENT_TYPE)?, 0x06)
    }

    /// Whether the signed attributes hold one content type naming `content_type` and one
    /// message digest that is the digest of `content` (RFC 5652 §5.4, §11.1, §11.2); `true`
    /// without signed attributes, where the signature covers the content itself.
    pub fn attributes_cover(&self, content_type: &[u8], content: &[u8]) -> bool {
        if self.signed_attributes.is_none() {
            return true;
        }
        let Some(hash) = self.hash() else {
            return false;
        };
        self.content_type() == Some(content_type)
            && self.message_digest() == Some(hash.digest(content).as_slice())
    }
}

/// The values of the one attribute of type `oid` in `attrs` (the content of a SET OF
/// Attribute); `None` when there is none or more than one, or the SET is malformed.
fn attribute<'a>(attrs: &'a [u8], oid: &ObjectIdentifier) -> Option<&'a [u8]> {
    let mut found = None;
    for (tag, attr) in tlv::items(attrs)? {
        let parts = tlv::items(attr)?;
        let (0x30, [(0x06, ty), (0x31, values)]) = (tag, parts.as_slice()) else {
            return None;
        };
        if *ty == oid.as_bytes() && found.replace(*values).is_some() {
            return None;
        }
    }
    found
}

/// A `ContentInfo` holding a `SignedData`, in its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedData<'a> {
    pub version: u8,
    /// The content of the `digestAlgorithms` SET.
    pub digest_algorithms: &'a [u8],
    /// The `eContentType` OID's content octets.
    pub content_type: &'a [u8],
    /// The `eContent` octets; `None` when detached.
    pub content: Option<&'a [u8]>,
    /// Each certificate of `[0] certificates`, as a whole TLV.
    pub certificates: Vec<&'a [u8]>,
    /// The whole `[1] crls` TLV, when present.
    pub crls: Option<&'a [u8]>,
    pub signers: Vec<SignerInfo<'a>>,
}

impl<'a> SignedData<'a> {
    /// Whether the content is `id-data`.
    pub fn is_data(&self) -> bool {
        self.content_type == oid::ID_DATA.as_bytes()
    }

    /// Whether the content is a CMC `PKIData`.
    pub fn is_pki_data(&self) -> bool {
        self.content_type == oid::ID_CCT_PKI_DATA.as_bytes()
    }

    /// Whether `signer`'s digest algorithm is among the `digestAlgorithms` the `SignedData`
    /// lists, as RFC 5652 §5.1 has it.
    pub fn lists_digest_of(&self, signer: &SignerInfo<'_>) -> bool {
        let mut rest = self.digest_algorithms;
        while let Some(t) = tlv::read(rest) {
            if t.whole == signer.digest_algorithm {
                return true;
            }
            rest = t.rest;
        }
        false
    }

    /// The certificate among [`SignedData::certificates`] that `sid` names (by issuer and
    /// serial number, or by subject key identifier).
    pub fn certificate_for(&self, sid: &SignerId<'_>) -> Option<&'a [u8]> {
        self.certificates
            .iter()
            .copied()
            .find(|c| crate::cert::CertParts::read(c).is_some_and(|parts| sid.names(&parts)))
    }
}

/// Reads `der` as a `ContentInfo` of type `id-signedData`; `None` when it is not one.
pub fn read(der: &[u8]) -> Option<SignedData<'_>> {
    let info = tlv::only(der, 0x30)?;
    let Tlv {
        tag: 0x06,
        content: ty,
        rest,
        ..
    } = tlv::read(info)?
    else {
        return None;
    };
    if ty != oid::ID_SIGNED_DATA.as_bytes() {
        return None;
    }
    let signed = tlv::only(tlv::only(rest, 0xa0)?, 0x30)?;
    let mut fields = signed;
    let mut next = |tag: u8| -> Option<&[u8]> {
        let t = tlv::read(fields)?;
        if t.tag != tag {
            return None;
        }
        fields = t.rest;
        Some(t.content)
    };
    let version = match next(0x02)? {
        [v @ (1 | 3 | 4 | 5)] => *v,
        _ => return None,
    };
    let digest_algorithms = next(0x31)?;
    let encap = next(0x30)?;
    let mut rest = fields;
    // encapContentInfo: eContentType, then eContent [0] EXPLICIT OCTET STRING (optional)
    let Tlv {
        tag: 0x06,
        content: content_type,
        rest: econtent,
        ..
    } = tlv::read(encap)?
    else {
        return None;
    };
    let content = if econtent.is_empty() {
        None
    } else {
        Some(tlv::only(tlv::only(econtent, 0xa0)?, 0x04)?)
    };
    let mut certificates = Vec::new();
    let mut crls = None;
    let mut signer_infos = None;
    let mut last_tag = 0u8;
    while !rest.is_empty() {
        let t = tlv::read(rest)?;
        // [0] certificates, [1] crls, then the signerInfos SET, each at most once, in order
        let order = match t.tag {
            0xa0 => 1,
            0xa1 => 2,
            0x31 => 3,
            _ => return None,
        };
        if order <= last_tag {
            return None;
        }
        last_tag = order;
        match t.tag {
            0xa0 => {
                let mut certs = t.content;
                while !certs.is_empty() {
                    let c = tlv::read(certs)?;
                    if c.tag != 0x30 {
                        return None;
                    }
                    certificates.push(c.whole);
                    certs = c.rest;
                }
            }
            0xa1 => crls = Some(t.whole),
            _ => signer_infos = Some(t.content),
        }
        rest = t.rest;
    }
    let mut signers = Vec::new();
    let mut infos = signer_infos?;
    while !infos.is_empty() {
        let t = tlv::read(infos)?;
        if t.tag != 0x30 {
            return None;
        }
        signers.push(signer_info(t.whole, t.content)?);
        infos = t.rest;
    }
    Some(SignedData {
        version,
        digest_algorithms,
        content_type,
        content,
        certificates,
        crls,
        signers,
    })
}

fn signer_info<'a>(whole: &'a [u8], content: &'a [u8]) -> Option<SignerInfo<'a>> {
    let mut rest = content;
    let mut take = || -> Option<Tlv<'a>> {
        let t = tlv::read(rest)?;
        rest = t.rest;
        Some(t)
    };
    let version = match take()? {
        Tlv {
            tag: 0x02,
            content: [v @ (1 | 3)],
            ..
        } => *v,
        _ => return None,
    };
    let sid = take()?;
    let sid = match (version, sid.tag) {
        (3, 0x80) => SignerId::KeyId(sid.content),
        (1, 0x30) => {
            let issuer = tlv::read(sid.content)?;
            let serial = tlv::read(issuer.rest)?;
            if issuer.tag != 0x30 || serial.tag != 0x02 || !serial.rest.is_empty() {
                return None;
            }
            SignerId::IssuerSerial {
                issuer: issuer.whole,
                serial: serial.content,
            }
        }
        _ => return None,
    };
    let digest = take()?;
    if digest.tag != 0x30 {
        return None;
    }
    let Tlv {
        tag: 0x06,
        content: digest_oid,
        ..
    } = tlv::read(digest.content)?
    else {
        return None;
    };
    let mut t = take()?;
    let signed_attributes = if t.tag == 0xa0 {
        let attrs = t.content;
        t = take()?;
        Some(attrs)
    } else {
        None
    };
    if t.tag != 0x30 {
        return None;
    }
    let signature_algorithm = t.whole;
    let signature = take()?;
    if signature.tag != 0x04 {
        return None;
    }
    let unsigned_attributes = match take() {
        None if rest.is_empty() => None,
        Some(Tlv {
            tag: 0xa1,
            content,
            rest: [],
            ..
        }) => Some(content),
        _ => return None,
    };
    Some(SignerInfo {
        whole,
        version,
        sid,
        digest_algorithm: digest.whole,
        digest_oid,
        signed_attributes,
        signature_algorithm,
        signature: signature.content,
        unsigned_attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(name: &str) -> Vec<u8> {
        let path = certreq_testsupport::corpus_dir().join(name);
        let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        crate::pem::read(&text).unwrap().remove(0).der
    }

    /// Microsoft's PKCS #7 renewal request (MS-WSTEP's example, made by CertEnroll): one v1
    /// signer named by issuer and serial, no signed attributes, the old certificate included.
    #[test]
    fn reads_microsofts_pkcs7_renewal_request() {
        let der = corpus("mswstep/pkcs7-renewal-request.b64");
        let sd = read(&der).unwrap();
        assert_eq!(sd.version, 1);
        assert!(sd.is_data());
        assert_eq!(sd.certificates.len(), 1);
        assert_eq!(sd.signers.len(), 1);
        let s = &sd.signers[0];
        assert_eq!(s.version, 1);
        assert!(s.signed_attributes.is_none() && s.unsigned_attributes.is_none());
        assert_eq!(s.hash(), Some(Hash::Sha1));
        let SignerId::IssuerSerial { serial, .. } = s.sid else {
            panic!("{:?}", s.sid)
        };
        assert_eq!(serial, [0x18, 0xd9, 0xdf, 0x06, 0, 0, 0, 0, 0, 0x3e]);
        assert_eq!(sd.certificate_for(&s.sid), Some(sd.certificates[0]));
        let content = sd.content.unwrap();
        assert_eq!(s.signed_bytes(content), content);
        assert!(s.attributes_cover(sd.content_type, content));
    }

    /// The Windows-made CMC request: one v3 signer with signed attributes.
    #[test]
    fn reads_a_cmc_request_and_agrees_with_the_cmc_reader() {
        let der = corpus("req/007-csrinspector-mmc-cmc-base64.req");
        let sd = read(&der).unwrap();
        let cmc = crate::cmc::read(&der).unwrap();
        assert!(sd.is_pki_data());
        assert_eq!(sd.content, Some(cmc.pki_data));
        let s = &sd.signers[0];
        assert_eq!(s.sid, SignerId::KeyId(cmc.key_id.unwrap()));
        assert_eq!(s.signed_bytes(b""), cmc.signed_attributes);
        assert_eq!(s.message_digest(), Some(cmc.message_digest));
        assert!(s.attributes_cover(sd.content_type, cmc.pki_data));
        assert!(!s.attributes_cover(sd.content_type, b"other"));
        assert!(!s.attributes_cover(oid::ID_DATA.as_bytes(), cmc.pki_data));
    }

    #[test]
    fn what_is_not_signed_data_is_none_and_nothing_panics() {
        let der = corpus("mswstep/pkcs7-renewal-request.b64");
        assert!(read(b"").is_none());
        assert!(read(&der[..der.len() - 1]).is_none());
        let mut extra = der.clone();
        extra.push(0);
        assert!(read(&extra).is_none());
        for at in 0..der.len().min(400) {
            let mut bad = der.clone();
            bad[at] ^= 0x55;
            let _ = read(&bad);
        }
        let cert = corpus("resp/002-hvasudeva-certnew-cer.cer");
        assert!(read(&cert).is_none());
    }
}
