//! CMS `SignedData` (RFC 5652 §5) as certreq writes it around a request, with any number of
//! signers, in two phases: the engine hands out what each signer signs and takes the
//! signatures back, so a key that never leaves its store (a Web Crypto key, the CLI's file
//! store) can sign.
//!
//! ```text
//! Content { content, certificates, signers } ─prepare(digest)─▶ Unsigned { to_be_signed[i] }
//!                                  signer i (scheme[i], to_be_signed[i]) ─▶ signature[i]
//! Unsigned::finish(signatures) ─▶ ContentInfo DER
//! ```
//!
//! What certreq writes, and so what this writes (research: certreq-facts §4–§7):
//!
//! * a signer named by its key identifier is a version 3 `SignerInfo`, one named by a
//!   certificate's issuer and serial number version 1; the `SignedData` is version 3 when it
//!   holds another content than `id-data` or any version 3 signer, else version 1 (RFC 5652
//!   §5.1);
//! * every digest algorithm is written with NULL parameters (`sha1 NULL`), and an RSA PKCS #1
//!   v1.5 signer's algorithm is `rsaEncryption` with NULL, as certreq names them; PSS and ECDSA
//!   signers are named by their signature algorithms;
//! * a signer either signs the content as it is, without signed attributes (certreq's PKCS #7
//!   renewal), or signs attributes holding the content type, the message digest and whatever
//!   else it carries (a requester name), sorted as a DER `SET OF`;
//! * the digest algorithms and attributes are DER `SET OF`s, sorted by their encodings; the
//!   certificates and the signers are in the order they were added (the signers already
//!   there, then the new ones), as Windows' CMS writer leaves them: AD CS's own PKCS #7 chains
//!   hold their certificates out of DER order (corpus `resp/001`, `resp/004`), Microsoft's
//!   CMC dumps put the request key's signer first, and MS-WCCE §3.1.1.4.3.2.1 says which
//!   `SignerInfo` of a renewal comes first. RFC 5652 asks DER of the signed attributes alone.
//!
//! Signers already in a request (when `certreq -sign` adds one) are kept byte for byte: their
//! signatures cover the content's digest, which does not change.

use certreq_pkix::alg::{Hash, SignatureScheme, check_ecdsa_der};
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::tlv::{self, tlv};

use crate::error::EncodeError;

/// How a signer is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerId {
    /// By the key identifier of its public key (a version 3 `SignerInfo`): a request's own key.
    KeyId(Vec<u8>),
    /// By a certificate: the whole DER `IssuerAndSerialNumber` (a version 1 `SignerInfo`).
    Certificate(Vec<u8>),
}

/// One signer to be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    pub sid: SignerId,
    pub scheme: SignatureScheme,
    /// `None`: no signed attributes; the signature is over the content itself. `Some(extra)`:
    /// the content type and message digest, plus these (whole DER `Attribute`s).
    pub signed_attributes: Option<Vec<Vec<u8>>>,
    /// Unsigned attributes (whole DER `Attribute`s).
    pub unsigned_attributes: Vec<Vec<u8>>,
}

/// A `SignedData` waiting for its digests and signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    /// The `eContentType`.
    pub content_type: ObjectIdentifier,
    /// The `eContent` octets: what every signer's message digest is of.
    pub content: Vec<u8>,
    /// Certificates to include (whole DER), e.g. the signers'.
    pub certificates: Vec<Vec<u8>>,
    /// The whole `[1] crls` TLV of a request being signed again, kept as it is.
    pub crls: Option<Vec<u8>>,
    /// Signers already there (whole DER `SignerInfo`s), kept as they are.
    pub kept_signers: Vec<Vec<u8>>,
    /// The digest algorithms already listed (whole DER `AlgorithmIdentifier`s).
    pub kept_digest_algorithms: Vec<Vec<u8>>,
    /// The signers to add.
    pub signers: Vec<Signer>,
}

impl Content {
    /// A content with no certificates and no signers yet.
    pub fn new(content_type: ObjectIdentifier, content: Vec<u8>) -> Content {
        Content {
            content_type,
            content,
            certificates: Vec::new(),
            crls: None,
            kept_signers: Vec::new(),
            kept_digest_algorithms: Vec::new(),
            signers: Vec::new(),
        }
    }

    /// Computes what each new signer signs; `digest(hash, bytes)` is the caller's digest
    /// function (the engine links no hash for it: see the crate documentation).
    pub fn prepare(self, digest: impl Fn(Hash, &[u8]) -> Vec<u8>) -> Result<Unsigned, EncodeError> {
        if self.signers.is_empty() {
            return Err(EncodeError::NoSigner);
        }
        let mut to_be_signed = Vec::with_capacity(self.signers.len());
        let mut signed_attributes = Vec::with_capacity(self.signers.len());
        for signer in &self.signers {
            let hash = signer.scheme.hash();
            match &signer.signed_attributes {
                None => {
                    to_be_signed.push((signer.scheme, self.content.clone()));
                    signed_attributes.push(None);
                }
                Some(extra) => {
                    let d = digest(hash, &self.content);
                    if d.len() != hash.output_len() {
                        return Err(EncodeError::DigestLength { got: d.len(), hash });
                    }
                    let mut attrs = vec![
                        attribute(oid::CONTENT_TYPE, &tlv(0x06, self.content_type.as_bytes())),
                        attribute(oid::MESSAGE_DIGEST, &tlv(0x04, &d)),
                    ];
                    attrs.extend(extra.iter().cloned());
                    let set = sorted_set(attrs);
                    to_be_signed.push((signer.scheme, tlv(0x31, &set)));
                    signed_attributes.push(Some(set));
                }
            }
        }
        Ok(Unsigned {
            to_be_signed,
            signed_attributes,
            content: self,
        })
    }
}

/// A `SignedData` whose signers have still to sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsigned {
    /// For each new signer, in order: how to sign, and the bytes to sign.
    pub to_be_signed: Vec<(SignatureScheme, Vec<u8>)>,
    /// Each signer's signed attributes (the content of the SET), when it has them.
    signed_attributes: Vec<Option<Vec<u8>>>,
    content: Content,
}

impl Unsigned {
    /// Attaches one signature per new signer (ECDSA: DER `Ecdsa-Sig-Value`), in order, and
    /// returns the `ContentInfo` DER.
    pub fn finish(&self, signatures: &[Vec<u8>]) -> Result<Vec<u8>, EncodeError> {
        let content = &self.content;
        if signatures.len() != content.signers.len() {
            return Err(EncodeError::SignatureCount {
                got: signatures.len(),
                signers: content.signers.len(),
            });
        }
        let mut digest_algorithms = content.kept_digest_algorithms.clone();
        let mut signer_infos = content.kept_signers.clone();
        let mut version = if content.content_type == oid::ID_DATA {
            1
        } else {
            3
        };
        // a kept version 3 signer keeps the SignedData at version 3
        let is_v3 = |signer: &Vec<u8>| {
            tlv::only(signer, 0x30)
                .and_then(tlv::read)
                .is_some_and(|v| v.tag == 0x02 && v.content == [3])
        };
        if content.kept_signers.iter().any(is_v3) {
            version = 3;
        }
        for ((signer, signature), attrs) in content
            .signers
            .iter()
            .zip(signatures)
            .zip(&self.signed_attributes)
        {
            if signature.is_empty() {
                return Err(EncodeError::EmptySignature);
            }
            if let SignatureScheme::Ecdsa(_) = signer.scheme {
                check_ecdsa_der(signature)?;
            }
            let digest_alg = digest_algorithm(signer.scheme.hash());
            let signature_alg = match signer.scheme {
                SignatureScheme::RsaPkcs1(_) => rsa_encryption(),
                scheme => scheme.algorithm_identifier_der(),
            };
            let mut info = Vec::new();
            match &signer.sid {
                SignerId::KeyId(id) => {
                    version = 3;
                    tlv::push(&mut info, 0x02, &[3]);
                    tlv::push(&mut info, 0x80, id); // [0] SubjectKeyIdentifier
                }
                SignerId::Certificate(issuer_and_serial) => {
                    tlv::push(&mut info, 0x02, &[1]);
                    info.extend_from_slice(issuer_and_serial);
                }
            }
            info.extend_from_slice(&digest_alg);
            if let Some(attrs) = attrs {
                tlv::push(&mut info, 0xa0, attrs); // [0] IMPLICIT SignedAttributes
            }
            info.extend(signature_alg);
            tlv::push(&mut info, 0x04, signature);
            if !signer.unsigned_attributes.is_empty() {
                let unsigned = sorted_set(signer.unsigned_attributes.clone());
                tlv::push(&mut info, 0xa1, &unsigned); // [1] IMPLICIT UnsignedAttributes
            }
            digest_algorithms.push(digest_alg);
            signer_infos.push(tlv(0x30, &info));
        }

        let mut encap = tlv(0x06, content.content_type.as_bytes());
        encap.extend(tlv(0xa0, &tlv(0x04, &content.content)));

        let mut signed = Vec::new();
        tlv::push(&mut signed, 0x02, &[version]);
        tlv::push(&mut signed, 0x31, &sorted_set(digest_algorithms));
        tlv::push(&mut signed, 0x30, &encap);
        if !content.certificates.is_empty() {
            tlv::push(&mut signed, 0xa0, &in_order_set(&content.certificates));
        }
        if let Some(crls) = &content.crls {
            signed.extend_from_slice(crls);
        }
        tlv::push(&mut signed, 0x31, &in_order_set(&signer_infos));

        let mut info = tlv(0x06, oid::ID_SIGNED_DATA.as_bytes());
        info.extend(tlv(0xa0, &tlv(0x30, &signed)));
        Ok(tlv(0x30, &info))
    }
}

/// The DER of `Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF { value } }`
/// for one value given as DER.
pub fn attribute(ty: ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    let mut body = tlv(0x06, ty.as_bytes());
    body.extend(tlv(0x31, value));
    tlv(0x30, &body)
}

/// `AlgorithmIdentifier { hash, NULL }`, as certreq writes digest algorithms.
pub fn digest_algorithm(hash: Hash) -> Vec<u8> {
    let mut alg = tlv(0x06, hash.oid().as_bytes());
    alg.extend([0x05, 0x00]);
    tlv(0x30, &alg)
}

/// `rsaEncryption` with NULL parameters, as certreq names a PKCS #1 v1.5 signer.
pub fn rsa_encryption() -> Vec<u8> {
    let mut alg = tlv(0x06, oid::RSA_ENCRYPTION.as_bytes());
    alg.extend([0x05, 0x00]);
    tlv(0x30, &alg)
}

/// The members of a DER `SET OF`, concatenated in the order of their encodings, without
/// duplicates (complete encodings are never prefixes of one another, so byte order is DER's).
pub fn sorted_set(mut members: Vec<Vec<u8>>) -> Vec<u8> {
    let mut sorted: Vec<Vec<u8>> = Vec::with_capacity(members.len());
    for m in members.drain(..) {
        if let Err(at) = sorted.binary_search(&m) {
            sorted.insert(at, m);
        }
    }
    sorted.concat()
}

/// The members of a `SET OF` in the order given, each once (its first time).
pub fn in_order_set(members: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if !members[..i].contains(m) {
            out.extend_from_slice(m);
        }
    }
    out
}

/// The signature scheme for signing with a certificate's key: RSA PKCS #1 v1.5 or ECDSA, with
/// `hash`; `None` for another kind of key.
pub fn scheme_for(spki_der: &[u8], hash: Hash) -> Option<SignatureScheme> {
    let parts = certreq_pkix::spki::SpkiParts::read(spki_der)?;
    let alg = parts.algorithm_oid()?;
    if alg == oid::RSA_ENCRYPTION {
        Some(SignatureScheme::RsaPkcs1(hash))
    } else if alg == oid::EC_PUBLIC_KEY {
        Some(SignatureScheme::Ecdsa(hash))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_deduplicated() {
        let set = sorted_set(vec![
            vec![0x04, 0x01, 0x02],
            vec![0x02, 0x01, 0x05],
            vec![0x04, 0x01, 0x02],
        ]);
        assert_eq!(set, [0x02, 0x01, 0x05, 0x04, 0x01, 0x02]);
    }

    #[test]
    fn one_signature_per_signer() {
        let mut c = Content::new(oid::ID_DATA, vec![0x30, 0x00]);
        c.signers.push(Signer {
            sid: SignerId::KeyId(vec![1; 20]),
            scheme: SignatureScheme::RsaPkcs1(Hash::Sha256),
            signed_attributes: None,
            unsigned_attributes: Vec::new(),
        });
        let u = c.prepare(|h, d| h.digest(d)).unwrap();
        assert_eq!(
            u.to_be_signed[0].1,
            [0x30, 0x00],
            "no signed attributes: the content"
        );
        assert_eq!(
            u.finish(&[]).unwrap_err(),
            EncodeError::SignatureCount { got: 0, signers: 1 }
        );
        assert_eq!(
            u.finish(&[vec![]]).unwrap_err(),
            EncodeError::EmptySignature
        );
        assert!(
            Content::new(oid::ID_DATA, vec![])
                .prepare(|h, d| h.digest(d))
                .is_err()
        );
    }
}
