//! CMC (RFC 5272) as this project reads it: the ASN.1 types of a PKI request and response
//! (`der`-derived, the requests kept raw), and a CMC request with one signer read with
//! [`crate::tlv`] — how devca checks one, how the web app finds the PKCS #10 inside a loaded
//! `.req`, and how EST is sent the PKCS #10 a CMC request carries. Building a CMC request is
//! `certreq-request`'s `cmc`.

use der::asn1::{Any, SetOfVec};
use der::{Sequence, Tagged};

use crate::alg::Hash;
use crate::cert::{CmcStatus, CmcStatusInfo};
use crate::oid::{self, ObjectIdentifier};
use crate::tlv::{self, Tlv, tlv};

/// The content octets of OIDs the reader matches in patterns.
const SIGNED_DATA: &[u8] = oid::ID_SIGNED_DATA.as_bytes();
const PKI_DATA: &[u8] = oid::ID_CCT_PKI_DATA.as_bytes();

/// CMC `TaggedAttribute`.
#[derive(Clone, Debug, Sequence)]
pub struct TaggedAttribute {
    pub body_part_id: u32,
    pub attr_type: ObjectIdentifier,
    pub attr_values: SetOfVec<Any>,
}

/// CMC `PKIResponse`.
#[derive(Clone, Debug, Sequence)]
pub struct PkiResponse {
    pub control_sequence: Vec<TaggedAttribute>,
    pub cms_sequence: Vec<Any>,
    pub other_msg_sequence: Vec<Any>,
}

/// CMC `PKIData`; requests are kept raw (`tcr [0]`, `crm [1]`, `orm [2]`).
#[derive(Clone, Debug, Sequence)]
pub struct PkiData {
    pub control_sequence: Vec<TaggedAttribute>,
    pub req_sequence: Vec<Any>,
    pub cms_sequence: Vec<Any>,
    pub other_msg_sequence: Vec<Any>,
}

/// `CMCStatusInfo` / `CMCStatusInfoV2`, with the parts that differ kept raw.
#[derive(Clone, Debug, Sequence)]
pub struct StatusInfo {
    pub status: u32,
    pub body_list: Vec<Any>,
    #[asn1(optional = "true")]
    pub status_string: Option<String>,
    #[asn1(optional = "true")]
    pub other_info: Option<Any>,
}

impl StatusInfo {
    pub fn summary(&self) -> CmcStatusInfo {
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
    let Tlv {
        tag: 0x06,
        content: digest_oid,
        ..
    } = tlv::read(digest_alg)?
    else {
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
        let slot = if *oid == oid::MESSAGE_DIGEST.as_bytes() {
            &mut message_digest
        } else if *oid == oid::CONTENT_TYPE.as_bytes() {
            &mut content_type
        } else {
            continue;
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
/// itself. (The web app's reader of `.req` files, which sends PKCS #10 and CMC requests; a
/// PKCS #7 one is [`pkcs10_in_any`]'s.)
pub fn pkcs10_of(request_der: &[u8]) -> &[u8] {
    locate(request_der).map_or(request_der, |found| found.request)
}

/// The PKCS #10 request in `request_der`: the one a CMC request carries, or a PKCS #7 request
/// (a `SignedData` of `id-data`, as certreq's renewal and on-behalf-of requests are), else
/// `request_der` itself.
pub fn pkcs10_in_any(request_der: &[u8]) -> &[u8] {
    if let Some(found) = locate(request_der) {
        return found.request;
    }
    pkcs7_content(request_der).unwrap_or(request_der)
}

/// [`beyond_pkcs10`]'s words for a key archived in the request.
pub const ARCHIVED_KEY: &str = "an archived private key";

/// What a CMC or PKCS #7 request carries beside its PKCS #10 that a channel taking the PKCS #10
/// alone (EST's `/simpleenroll`) would drop, in words ([`ARCHIVED_KEY`], or a second signer's
/// signature); `None` for a PKCS #10 request, or a CMC request signed by its own key alone
/// with nothing more.
pub fn beyond_pkcs10(request_der: &[u8]) -> Option<&'static str> {
    const COSIGNED: &str = "the signature of the certificate it renews or of an enrollment agent";
    let Some(found) = locate(request_der) else {
        return pkcs7_content(request_der).map(|_| COSIGNED);
    };
    let signers = tlv::items(found.signer_infos).unwrap_or_default();
    let [(0x30, signer)] = signers.as_slice() else {
        return Some(COSIGNED);
    };
    let fields = tlv::items(signer).unwrap_or_default();
    match fields.as_slice() {
        // version 1: a signer named by a certificate's issuer and serial number
        [(0x02, [1]), ..] => Some(COSIGNED),
        // certreq's archival: the encrypted key is the request key's unsigned attribute
        [.., (0xa1, _)] => Some(ARCHIVED_KEY),
        _ => None,
    }
}

/// The content of a PKCS #7 `SignedData` of `id-data` whose content is one SEQUENCE. Walked
/// with `tlv` rather than `signed::read`: the web app reads every `.req` file this way and
/// need not link the CMS reader for it.
fn pkcs7_content(der: &[u8]) -> Option<&[u8]> {
    let Tlv {
        tag: 0x06,
        content: SIGNED_DATA,
        rest,
        ..
    } = tlv::read(tlv::only(der, 0x30)?)?
    else {
        return None;
    };
    let signed = tlv::only(tlv::only(rest, 0xa0)?, 0x30)?;
    let (_version, rest) = Tlv::expect(signed, 0x02)?;
    let (_digest_algorithms, rest) = Tlv::expect(rest, 0x31)?;
    let (encap, _) = Tlv::expect(rest, 0x30)?;
    let (content_type, rest) = Tlv::expect(encap, 0x06)?;
    if content_type != oid::ID_DATA.as_bytes() {
        return None;
    }
    let content = tlv::only(tlv::only(rest, 0xa0)?, 0x04)?;
    tlv::only(content, 0x30).map(|_| content)
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
    let Tlv {
        tag: 0x06,
        content: SIGNED_DATA,
        rest,
        ..
    } = tlv::read(tlv::only(der, 0x30)?)?
    else {
        return None;
    };
    let signed = tlv::only(tlv::only(rest, 0xa0)?, 0x30)?;
    let Tlv {
        tag: 0x02,
        content: [3],
        rest,
        ..
    } = tlv::read(signed)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x31,
        content: digest_algorithms,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        content: encap,
        mut rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    // optional [0] certificates and [1] CRLs, then the SignerInfos
    let mut signer_infos = None;
    while !rest.is_empty() {
        let Tlv {
            tag,
            content,
            rest: tail,
            ..
        } = tlv::read(rest)?;
        signer_infos = (tag == 0x31).then_some(content);
        rest = tail;
    }
    let Tlv {
        tag: 0x06,
        content: PKI_DATA,
        rest,
        ..
    } = tlv::read(encap)?
    else {
        return None;
    };
    let pki_data = tlv::only(tlv::only(rest, 0xa0)?, 0x04)?;
    let Tlv {
        tag: 0x30, rest, ..
    } = tlv::read(tlv::only(pki_data, 0x30)?)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        content: requests,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0xa0,
        content: tcr,
        ..
    } = tlv::read(requests)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x02,
        rest: request,
        ..
    } = tlv::read(tcr)?
    else {
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
    while let Some(Tlv {
        tag,
        content,
        whole,
        rest: tail,
    }) = tlv::read(rest)
    {
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
