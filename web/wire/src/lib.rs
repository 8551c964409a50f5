//! The byte protocol between the web app and its lazily loaded tools module (`web/tools`).
//!
//! The app's first download carries the INF engine and the request builder; the decoder, the
//! readers of CA answers and certificates, the enrollment protocols, the PFX writer and the INF
//! reference's prose are only needed once a user decodes something, enrolls, accepts or lists
//! a certificate, exports a key or reads the reference, so they live in a second wasm module
//! that the app instantiates on first use. Two wasm instances share neither memory nor types,
//! so a question is an operation code and bytes, and an answer a status and bytes; values
//! inside are length-prefixed fields ([`Writer`], [`Reader`]).
//!
//! This crate is the contract both sides compile against: the operations, the codec, and the
//! values that cross — certificates and CA answers as `certreq-pkix` values, and for the rest
//! this crate's own types ([`Dump`], [`enroll`]'s steps, [`PfxJob`], [`CmcJob`],
//! [`DocPage`]), and the editor's [`reading::Reading`] of an INF. It depends on `certreq-pkix`
//! and the engine crates the app has anyway (`certreq-inf`, `certreq-request`), so the app,
//! which depends on it, still cannot name the decoder, PKCS #12, enrollment or reference
//! crates; the tools module turns their values into these. Both sides are built together, so the format has no versioning.

use certreq_pkix::alg::{Curve, Hash, KeyAlgorithm, SignatureScheme};
use certreq_pkix::cert::{
    Certificate, CertificateFacts, CmcStatus, CmcStatusInfo, Response, ResponseKind,
};

pub mod backup;
pub mod ca;
pub mod enroll;
pub mod reading;

/// Decode PEM, base64 or DER for display: the input is the raw bytes, the answer a [`Dump`]
/// ([`dump_to_wire`]).
pub const OP_DUMP: u32 = 1;
/// Write a PFX: the input is a [`PfxJob`] ([`PfxJob::to_wire`]), the answer the PFX bytes.
pub const OP_PFX: u32 = 2;
/// Read what a CA sent back: the input is the raw bytes, the answer a [`Response`]
/// ([`response_to_wire`]); a failure is the reader's sentence.
pub const OP_RESPONSE: u32 = 3;
/// Read one DER certificate: the input is its DER, the answer a [`Certificate`] with its facts
/// ([`certificate_to_wire`]).
pub const OP_CERTIFICATE: u32 = 4;
/// Look up the INF reference: the input is a [`DocQuery`] ([`DocQuery::to_wire`]), the answer
/// a [`DocPage`] or nothing ([`doc_to_wire`]). The editor's reference panel uses it, so the
/// reference's prose stays out of the app's first download.
pub const OP_DOC: u32 = 5;
/// Begin an enrollment: the input is an [`enroll::Start`] (its `to_wire`), the answer
/// the first [`enroll::Next`] (its `to_wire`).
pub const OP_ENROLL_START: u32 = 6;
/// Read a CA's answer: the input is [`enroll::read_to_wire`]'s, the answer the
/// [`enroll::Next`] step.
pub const OP_ENROLL_READ: u32 = 7;
/// Wrap a PKCS #10 request as a CMC request: the input is a [`CmcJob`]; without a signature
/// the answer is the bytes to sign, with one the CMC request's DER.
pub const OP_CMC: u32 = 8;

/// Read a PFX to import it: the input is a [`PfxImport`], the answer the [`PfxOpened`]
/// ([`PfxOpened::to_wire`]): the private key and the certificates to keep with it (the key to
/// be imported into Web Crypto, as the user chooses, and then dropped).
pub const OP_PFX_READ: u32 = 9;

/// The templates of an AD CS advanced request page (`certrqxt.asp`): the input is the page,
/// the answer [`ca::TemplateFacts`] with its [`ca::TemplateOffer`]s; a page without the list
/// fails with the reason.
pub const OP_TEMPLATE_LIST: u32 = 10;
/// What an EST server asks of requests: the input is its `/csrattrs` answer
/// ([`ca::HttpAnswer`]), the answer the [`ca::TemplateFacts`].
pub const OP_CSRATTRS: u32 = 11;
/// A request checked against what is known of its template: the input is a
/// [`ca::TemplateCheck`] (the INF text, the template and the facts), the answer the
/// [`ca::Finding`]s, located
/// in the INF text ([`ca::findings_to_wire`]).
pub const OP_TEMPLATE_CHECK: u32 = 12;
/// Where the CA's certificates, chains and CRLs are: the input is a [`ca::CaDownloadsQuery`],
/// the answer the [`ca::Download`]s (for AD CS first the `certcarc.asp` page to fetch and
/// hand back).
pub const OP_CA_DOWNLOADS: u32 = 13;
/// A CRL read and checked: the input is a [`ca::CrlQuery`], the answer a [`ca::CrlSummary`].
pub const OP_CRL: u32 = 14;
/// Why the CA said no: the input is an [`ca::ExplainQuery`], the answer an
/// [`ca::Explanation`] or none ([`ca::explanation_to_wire`]).
pub const OP_EXPLAIN: u32 = 15;
/// Wrap a request signed by a stored certificate's key (a renewal, a request on behalf of
/// another user; PKCS #7 or CMC): the input is a [`WrapJob`]; without signatures the answer is
/// a [`ToSign`] (how each signer signs, and what), with them the request's DER.
pub const OP_WRAP: u32 = 16;
/// The INF that renews a certificate: the input is a [`RenewalInfQuery`], the answer the INF
/// text (UTF-8): the certificate's subject, alternative names, EKUs, template, key type and
/// size, `RequestType = PKCS7`, `RenewalCert` = its thumbprint, and with the same key
/// `UseExistingKeySet = TRUE`.
pub const OP_RENEWAL_INF: u32 = 17;
/// Back up the key store: the input is a [`backup::BackupJob`], the answer the backup file (a
/// PKCS #12 PFX; see [`backup`]).
pub const OP_BACKUP: u32 = 18;
/// Open a backup: the input is a [`PfxImport`] (the file and its password), the answer a
/// [`backup::BackupOpened`]; a wrong password, a damaged file, a PFX that is not a backup
/// and a newer format are refused with a sentence saying which.
pub const OP_BACKUP_READ: u32 = 19;
/// Read an INF as the editor does (`certreq_request::compile_for` with `Builds::APP`): the
/// input is the text (UTF-8), the answer a [`reading::Reading`]. The app asks it of a
/// worker holding its own instance of the module, for a text long enough that reading it
/// would hold up typing.
pub const OP_COMPILE: u32 = 20;
/// Where an EST endpoint's CSR attributes are, and its CA label, from the URL as the user gave
/// it (which may name an operation: `…/.well-known/est/label/simpleenroll`): the input is the
/// URL (UTF-8), the answer a [`ca::EstPlaces`].
pub const OP_EST_PLACES: u32 = 21;

/// What [`OP_RENEWAL_INF`] is asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenewalInfQuery {
    /// The certificate renewed (DER).
    pub certificate: Vec<u8>,
    /// Keep its key (`UseExistingKeySet`), or make a new one.
    pub same_key: bool,
    /// How its key signs, as the browser bound it: an RSA key's scheme and hash, which the
    /// request and the key's signature on it must use; `None` for an EC key.
    pub binding: Option<SignatureScheme>,
    /// Its private key is exportable (a new key is made so too).
    pub exportable: bool,
}

impl RenewalInfQuery {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.certificate)
            .flag(self.same_key)
            .flag(self.exportable)
            .flag(self.binding.is_some());
        if let Some(scheme) = self.binding {
            scheme_to_wire(&mut w, scheme);
        }
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let certificate = r.bytes()?.to_vec();
        let same_key = r.flag()?;
        let exportable = r.flag()?;
        let binding = if r.flag()? {
            Some(scheme_from_wire(&mut r)?)
        } else {
            None
        };
        r.end()?;
        Ok(RenewalInfQuery {
            certificate,
            same_key,
            binding,
            exportable,
        })
    }
}

/// The answer is the result.
pub const STATUS_OK: u32 = 0;
/// The answer is a UTF-8 sentence saying why there is no result.
pub const STATUS_FAILED: u32 = 1;

/// Reads an answer: its bytes, or the sentence saying why there are none.
pub fn answer(status: u32, bytes: Vec<u8>) -> Result<Vec<u8>, Refusal> {
    match status {
        STATUS_OK => Ok(bytes),
        _ => Err(Refusal(String::from_utf8_lossy(&bytes).into_owned())),
    }
}

/// The tools module's answer when it has no result: the sentence saying why, written for the
/// user (what the engine's own error says), shown as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// A field was missing, too long for what was left, or not UTF-8 where text was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError;

impl core::fmt::Display for WireError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the tools module was handed malformed data")
    }
}

impl std::error::Error for WireError {}

/// Appends fields: numbers as 4 bytes little-endian, byte strings after their length.
#[derive(Default)]
pub struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    pub fn u32(&mut self, n: u32) -> &mut Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        // a field of 4 GiB or more cannot be in a wasm32 memory; its length is capped so that
        // the reader, finding too few bytes, refuses the message
        self.u32(u32::try_from(b.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(b);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn i64(&mut self, n: i64) -> &mut Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }

    pub fn flag(&mut self, b: bool) -> &mut Self {
        self.u32(u32::from(b))
    }

    /// A flag, then the text when there is some.
    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        self.opt_bytes(s.map(str::as_bytes))
    }

    /// A flag, then the bytes when there are some.
    pub fn opt_bytes(&mut self, b: Option<&[u8]>) -> &mut Self {
        self.flag(b.is_some());
        if let Some(b) = b {
            self.bytes(b);
        }
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Takes fields in the order a [`Writer`] put them.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.rest.len() {
            return Err(WireError);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub fn u32(&mut self) -> Result<u32, WireError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], WireError> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub fn str(&mut self) -> Result<&'a str, WireError> {
        core::str::from_utf8(self.bytes()?).map_err(|_| WireError)
    }

    pub fn i64(&mut self) -> Result<i64, WireError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }

    pub fn u64(&mut self) -> Result<u64, WireError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// `0` or `1`; anything else is malformed.
    pub fn flag(&mut self) -> Result<bool, WireError> {
        match self.u32()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(WireError),
        }
    }

    pub fn opt_bytes(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        if self.flag()? {
            Ok(Some(self.bytes()?))
        } else {
            Ok(None)
        }
    }

    pub fn opt_str(&mut self) -> Result<Option<&'a str>, WireError> {
        if self.flag()? {
            Ok(Some(self.str()?))
        } else {
            Ok(None)
        }
    }

    /// How many bytes are left to read.
    pub fn left(&self) -> usize {
        self.rest.len()
    }

    /// Fails unless every byte was read.
    pub fn end(self) -> Result<(), WireError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(WireError)
        }
    }
}

/// One line of a decoded tree: a label, a value, and the lines under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    pub value: String,
    pub children: Vec<Node>,
}

/// What the decoder made of some bytes: what it is (`certificate`, `CRL`, `PFX`, …), a
/// one-line summary, and the tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dump {
    pub kind: String,
    pub title: String,
    pub nodes: Vec<Node>,
}

/// A [`Dump`] as bytes: kind, title, then the node tree depth-first.
pub fn dump_to_wire(d: &Dump) -> Vec<u8> {
    fn nodes(w: &mut Writer, list: &[Node]) {
        w.u32(list.len() as u32);
        for n in list {
            w.str(&n.label).str(&n.value);
            nodes(w, &n.children);
        }
    }
    let mut w = Writer::new();
    w.str(&d.kind).str(&d.title);
    nodes(&mut w, &d.nodes);
    w.finish()
}

/// The [`Dump`] that [`dump_to_wire`] wrote.
pub fn dump_from_wire(bytes: &[u8]) -> Result<Dump, WireError> {
    /// Deeper than any DER the decoder accepts; stops a malformed answer from recursing away.
    const MAX_DEPTH: usize = 128;
    fn nodes(r: &mut Reader<'_>, depth: usize) -> Result<Vec<Node>, WireError> {
        if depth > MAX_DEPTH {
            return Err(WireError);
        }
        let count = r.u32()? as usize;
        let mut out = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            let label = r.str()?.to_owned();
            let value = r.str()?.to_owned();
            let children = nodes(r, depth + 1)?;
            out.push(Node {
                label,
                value,
                children,
            });
        }
        Ok(out)
    }
    let mut r = Reader::new(bytes);
    let kind = r.str()?.to_owned();
    let title = r.str()?.to_owned();
    let nodes = nodes(&mut r, 0)?;
    r.end()?;
    Ok(Dump { kind, title, nodes })
}

fn kind_number(kind: ResponseKind) -> u32 {
    match kind {
        ResponseKind::Certificate => 0,
        ResponseKind::CertificateBundle => 1,
        ResponseKind::Pkcs7 => 2,
        ResponseKind::CmcResponse => 3,
    }
}

/// A [`Response`] as bytes: its kind, its certificates ([`certificate_to_wire`]), and the CMC
/// status if any.
pub fn response_to_wire(r: &Response) -> Vec<u8> {
    let mut w = Writer::new();
    w.u32(kind_number(r.kind));
    w.u32(r.certificates().len() as u32);
    for c in r.certificates() {
        certificate_to_wire(&mut w, c);
    }
    match &r.cmc_status {
        None => {
            w.flag(false);
        }
        Some(s) => {
            w.flag(true).u32(s.status.number());
            w.opt_str(s.text.as_deref());
            match s.fail_info {
                Some(n) => w.flag(true).u32(n),
                None => w.flag(false),
            };
        }
    }
    w.finish()
}

/// A certificate as bytes: its DER, then its [`CertificateFacts`] field by field.
pub fn certificate_to_wire(w: &mut Writer, c: &Certificate) {
    let f = c.facts();
    w.bytes(c.der());
    w.str(&f.subject).str(&f.issuer);
    w.bytes(&f.subject_der)
        .bytes(&f.issuer_der)
        .bytes(&f.serial);
    w.i64(f.not_before).i64(f.not_after);
    w.bytes(&f.spki_der).str(&f.key_algorithm).flag(f.is_ca);
    w.opt_bytes(f.subject_key_id.as_deref());
    w.opt_bytes(f.authority_key_id.as_deref());
    w.flag(f.request_agent);
}

/// The certificate [`certificate_to_wire`] wrote, taken as it is (not decoded again).
pub fn certificate_from_wire(r: &mut Reader<'_>) -> Result<Certificate, WireError> {
    let der = r.bytes()?.to_vec();
    let facts = CertificateFacts {
        subject: r.str()?.to_owned(),
        issuer: r.str()?.to_owned(),
        subject_der: r.bytes()?.to_vec(),
        issuer_der: r.bytes()?.to_vec(),
        serial: r.bytes()?.to_vec(),
        not_before: r.i64()?,
        not_after: r.i64()?,
        spki_der: r.bytes()?.to_vec(),
        key_algorithm: r.str()?.to_owned(),
        is_ca: r.flag()?,
        subject_key_id: r.opt_bytes()?.map(<[u8]>::to_vec),
        authority_key_id: r.opt_bytes()?.map(<[u8]>::to_vec),
        request_agent: r.flag()?,
    };
    Ok(Certificate::from_parts(der, facts))
}

/// An [`OP_CERTIFICATE`] answer: one certificate.
pub fn one_certificate_to_wire(c: &Certificate) -> Vec<u8> {
    let mut w = Writer::new();
    certificate_to_wire(&mut w, c);
    w.finish()
}

/// The certificate an [`OP_CERTIFICATE`] answer holds.
pub fn one_certificate_from_wire(bytes: &[u8]) -> Result<Certificate, WireError> {
    let mut r = Reader::new(bytes);
    let c = certificate_from_wire(&mut r)?;
    r.end()?;
    Ok(c)
}

/// The [`Response`] that [`response_to_wire`] wrote; its certificates are not decoded again.
pub fn response_from_wire(bytes: &[u8]) -> Result<Response, WireError> {
    let mut r = Reader::new(bytes);
    let kind = match r.u32()? {
        0 => ResponseKind::Certificate,
        1 => ResponseKind::CertificateBundle,
        2 => ResponseKind::Pkcs7,
        3 => ResponseKind::CmcResponse,
        _ => return Err(WireError),
    };
    let count = r.u32()? as usize;
    let mut certificates = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        certificates.push(certificate_from_wire(&mut r)?);
    }
    let cmc_status = if r.flag()? {
        let status = CmcStatus::from_number(r.u32()?);
        let text = r.opt_str()?.map(str::to_owned);
        let fail_info = if r.flag()? { Some(r.u32()?) } else { None };
        Some(CmcStatusInfo {
            status,
            text,
            fail_info,
        })
    } else {
        None
    };
    r.end()?;
    Ok(Response::from_parts(kind, certificates, cmc_status))
}

/// Random bytes the app hands over with a [`PfxJob`]: salts and IVs come from the page's
/// `crypto.getRandomValues`, as the tools module has no source of its own. More than a PFX
/// ever takes (one MAC salt, and a salt and an IV for each of two bags).
pub const PFX_RANDOM_BYTES: usize = 256;

/// A CMC wrapping (`certreq-request`'s `cmc`), asked twice: for the bytes to sign, then with
/// their signature for the request. Both answers are worked out afresh from the same inputs (the
/// wrapping has no randomness), so nothing is kept between the two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CmcJob {
    /// The signed PKCS #10 request.
    pub pkcs10: Vec<u8>,
    /// Its key's SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    pub scheme: SignatureScheme,
    /// The signature of the bytes the first answer gave (ECDSA: DER).
    pub signature: Option<Vec<u8>>,
}

impl CmcJob {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.pkcs10).bytes(&self.spki);
        scheme_to_wire(&mut w, self.scheme);
        w.opt_bytes(self.signature.as_deref());
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let pkcs10 = r.bytes()?.to_vec();
        let spki = r.bytes()?.to_vec();
        let scheme = scheme_from_wire(&mut r)?;
        let signature = r.opt_bytes()?.map(<[u8]>::to_vec);
        r.end()?;
        Ok(CmcJob {
            pkcs10,
            spki,
            scheme,
            signature,
        })
    }
}

const HASHES: [Hash; 4] = Hash::ALL;

pub(crate) fn scheme_to_wire(w: &mut Writer, scheme: SignatureScheme) {
    let (kind, hash) = match scheme {
        SignatureScheme::RsaPkcs1(h) => (0, h),
        SignatureScheme::RsaPss(h) => (1, h),
        SignatureScheme::Ecdsa(h) => (2, h),
    };
    let hash = HASHES.iter().position(|&h| h == hash).unwrap_or(0) as u32;
    w.u32(kind).u32(hash);
}

pub(crate) fn scheme_from_wire(r: &mut Reader<'_>) -> Result<SignatureScheme, WireError> {
    let kind = r.u32()?;
    let hash = *HASHES.get(r.u32()? as usize).ok_or(WireError)?;
    match kind {
        0 => Ok(SignatureScheme::RsaPkcs1(hash)),
        1 => Ok(SignatureScheme::RsaPss(hash)),
        2 => Ok(SignatureScheme::Ecdsa(hash)),
        _ => Err(WireError),
    }
}

/// A request wrapped and signed by a stored certificate's key, asked twice: for what each
/// signer signs, then with their signatures for the request. `requester_name` and `cmc`
/// decide the wrapping (`certreq-request`'s):
///
/// * neither: a PKCS #7 renewal (`pkcs7::renewal`: the PKCS #10 carries the renewed
///   certificate `cert`, whose key alone signs, no signed attributes);
/// * a requester name: PKCS #7 on behalf of that user (`pkcs7::on_behalf_of`: `cert` is the
///   enrollment agent's, signing the requester name as an attribute);
/// * `cmc`: CMC (`cmc::wrap_with`), signed first by the request's own key (its SPKI and
///   scheme), then by `cert`'s, with the requester name as a regInfo control when there is
///   one (on behalf of), else as a renewal.
///
/// Both answers are worked out afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrapJob {
    /// The signed PKCS #10 request (a renewal's carries the old certificate).
    pub pkcs10: Vec<u8>,
    /// The certificate whose key signs (DER): the renewed one, or the enrollment agent's.
    pub cert: Vec<u8>,
    pub hash: Hash,
    /// `cert`'s key signs with RSASSA-PSS (a Web Crypto key made for RSA-PSS signs nothing
    /// else); otherwise RSA PKCS #1 v1.5 or ECDSA, as its key is.
    pub pss: bool,
    /// `RequesterName`: the request is made on behalf of this user.
    pub requester_name: Option<String>,
    /// CMC: the request's public key (SPKI DER) and how it signs.
    pub cmc: Option<(Vec<u8>, SignatureScheme)>,
    /// Each signer's signature of the bytes the first answer gave, in its order (ECDSA: DER);
    /// empty for the first question.
    pub signatures: Vec<Vec<u8>>,
}

impl WrapJob {
    pub fn to_wire(&self) -> Vec<u8> {
        let hash = HASHES.iter().position(|&h| h == self.hash).unwrap_or(0) as u32;
        let mut w = Writer::new();
        w.bytes(&self.pkcs10).bytes(&self.cert).u32(hash);
        w.flag(self.pss);
        w.opt_str(self.requester_name.as_deref());
        w.flag(self.cmc.is_some());
        if let Some((spki, scheme)) = &self.cmc {
            w.bytes(spki);
            scheme_to_wire(&mut w, *scheme);
        }
        w.u32(self.signatures.len() as u32);
        for s in &self.signatures {
            w.bytes(s);
        }
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let pkcs10 = r.bytes()?.to_vec();
        let cert = r.bytes()?.to_vec();
        let hash = *HASHES.get(r.u32()? as usize).ok_or(WireError)?;
        let pss = r.flag()?;
        let requester_name = r.opt_str()?.map(str::to_owned);
        let cmc = if r.flag()? {
            let spki = r.bytes()?.to_vec();
            Some((spki, scheme_from_wire(&mut r)?))
        } else {
            None
        };
        let n = r.u32()?;
        let signatures = (0..n.min(4))
            .map(|_| r.bytes().map(<[u8]>::to_vec))
            .collect::<Result<Vec<_>, _>>()?;
        r.end()?;
        Ok(WrapJob {
            pkcs10,
            cert,
            hash,
            pss,
            requester_name,
            cmc,
            signatures,
        })
    }
}

/// The first [`OP_WRAP`] answer: for each signer in order, how it signs and the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToSign(pub Vec<(SignatureScheme, Vec<u8>)>);

impl ToSign {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(self.0.len() as u32);
        for (scheme, bytes) in &self.0 {
            scheme_to_wire(&mut w, *scheme);
            w.bytes(bytes);
        }
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let n = r.u32()?;
        let mut out = Vec::new();
        for _ in 0..n.min(4) {
            let scheme = scheme_from_wire(&mut r)?;
            out.push((scheme, r.bytes()?.to_vec()));
        }
        r.end()?;
        Ok(ToSign(out))
    }
}

/// Which PKCS #12 protections a PFX gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PfxProfile {
    /// PBES2 with PBKDF2-SHA256 and AES-256-CBC, a SHA-256 MAC: Windows 10 1709+, OpenSSL 3.
    #[default]
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC: older Windows and OpenSSL 1.x.
    Legacy,
}

/// Everything the PFX writer needs, owned, so it can cross to the tools module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PfxJob {
    pub private_key_pkcs8: Vec<u8>,
    pub leaf: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    pub friendly_name: Option<String>,
    pub password: String,
    pub profile: PfxProfile,
    /// [`PFX_RANDOM_BYTES`] random bytes.
    pub random: Vec<u8>,
}

impl PfxJob {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.private_key_pkcs8).bytes(&self.leaf);
        w.u32(self.chain.len() as u32);
        for c in &self.chain {
            w.bytes(c);
        }
        w.opt_str(self.friendly_name.as_deref());
        w.str(&self.password);
        w.u32(match self.profile {
            PfxProfile::Modern => 0,
            PfxProfile::Legacy => 1,
        });
        w.bytes(&self.random);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let private_key_pkcs8 = r.bytes()?.to_vec();
        let leaf = r.bytes()?.to_vec();
        let count = r.u32()? as usize;
        let mut chain = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            chain.push(r.bytes()?.to_vec());
        }
        let friendly_name = r.opt_str()?.map(str::to_owned);
        let password = r.str()?.to_owned();
        let profile = match r.u32()? {
            0 => PfxProfile::Modern,
            1 => PfxProfile::Legacy,
            _ => return Err(WireError),
        };
        let random = r.bytes()?.to_vec();
        r.end()?;
        Ok(PfxJob {
            private_key_pkcs8,
            leaf,
            chain,
            friendly_name,
            password,
            profile,
            random,
        })
    }
}

/// A PFX to open, and its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PfxImport {
    pub pfx: Vec<u8>,
    pub password: String,
}

impl PfxImport {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.pfx).str(&self.password);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let pfx = r.bytes()?.to_vec();
        let password = r.str()?.to_owned();
        r.end()?;
        Ok(PfxImport { pfx, password })
    }
}

/// What a PFX to import holds, read in the tools module so that the first download links
/// none of it: its private key (PKCS #8 DER) and the kind of key that is, its end-entity
/// certificate, that certificate's issuers found in the file (DER, nearest first), and the name
/// to keep it under (the key's friendly name, else the certificate's subject). A PFX without a
/// key, without a certificate, or with a key Web Crypto cannot take is refused with a sentence
/// saying so, and never crosses.
#[derive(Clone, Debug, PartialEq)]
pub struct PfxOpened {
    pub private_key_pkcs8: Vec<u8>,
    pub key: KeyAlgorithm,
    pub certificate: Certificate,
    pub issuers: Vec<Vec<u8>>,
    pub friendly_name: String,
}

impl PfxOpened {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.bytes(&self.private_key_pkcs8);
        match self.key {
            KeyAlgorithm::Rsa { bits } => w.u32(0).u32(bits),
            KeyAlgorithm::Ecdsa(curve) => w.u32(1).u32(curve.bits()),
        };
        certificate_to_wire(&mut w, &self.certificate);
        w.u32(self.issuers.len() as u32);
        for der in &self.issuers {
            w.bytes(der);
        }
        w.str(&self.friendly_name);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let private_key_pkcs8 = r.bytes()?.to_vec();
        let key = match (r.u32()?, r.u32()?) {
            (0, bits) => KeyAlgorithm::Rsa { bits },
            (1, bits) => KeyAlgorithm::Ecdsa(
                Curve::ALL
                    .into_iter()
                    .find(|c| c.bits() == bits)
                    .ok_or(WireError)?,
            ),
            _ => return Err(WireError),
        };
        let certificate = certificate_from_wire(&mut r)?;
        let count = r.u32()? as usize;
        let mut issuers = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            issuers.push(r.bytes()?.to_vec());
        }
        let friendly_name = r.str()?.to_owned();
        r.end()?;
        Ok(PfxOpened {
            private_key_pkcs8,
            key,
            certificate,
            issuers,
            friendly_name,
        })
    }
}

#[cfg(test)]
mod tests;

/// What the editor's reference panel asks about: a key of a section, or a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocQuery {
    /// The section, without brackets.
    pub section: String,
    /// The key, or `None` for the section itself.
    pub key: Option<String>,
}

/// A page of the INF reference, as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocPage {
    /// A key (`certreq-keydocs`' `KeyDoc`); `acts_on` is its effect's label.
    Key {
        section: String,
        key: String,
        values: String,
        default: String,
        acts_on: String,
        summary: String,
        here: String,
        example: String,
    },
    /// A section (`certreq-keydocs`' `SectionDoc`).
    Section {
        name: String,
        summary: String,
        here: String,
        example: String,
    },
}

impl DocQuery {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.str(&self.section);
        w.opt_str(self.key.as_deref());
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let section = r.str()?.to_owned();
        let key = r.opt_str()?.map(str::to_owned);
        r.end()?;
        Ok(DocQuery { section, key })
    }
}

/// A [`DocPage`] (or its absence) as bytes: `0`, or `1` and a key's eight fields, or `2` and a
/// section's four.
pub fn doc_to_wire(page: Option<&DocPage>) -> Vec<u8> {
    let mut w = Writer::new();
    match page {
        None => {
            w.u32(0);
        }
        Some(DocPage::Key {
            section,
            key,
            values,
            default,
            acts_on,
            summary,
            here,
            example,
        }) => {
            w.u32(1);
            for f in [
                section, key, values, default, acts_on, summary, here, example,
            ] {
                w.str(f);
            }
        }
        Some(DocPage::Section {
            name,
            summary,
            here,
            example,
        }) => {
            w.u32(2);
            for f in [name, summary, here, example] {
                w.str(f);
            }
        }
    }
    w.finish()
}

/// The page [`doc_to_wire`] wrote.
pub fn doc_from_wire(bytes: &[u8]) -> Result<Option<DocPage>, WireError> {
    let mut r = Reader::new(bytes);
    let text = |r: &mut Reader<'_>| r.str().map(str::to_owned);
    let page = match r.u32()? {
        0 => None,
        1 => Some(DocPage::Key {
            section: text(&mut r)?,
            key: text(&mut r)?,
            values: text(&mut r)?,
            default: text(&mut r)?,
            acts_on: text(&mut r)?,
            summary: text(&mut r)?,
            here: text(&mut r)?,
            example: text(&mut r)?,
        }),
        2 => Some(DocPage::Section {
            name: text(&mut r)?,
            summary: text(&mut r)?,
            here: text(&mut r)?,
            example: text(&mut r)?,
        }),
        _ => return Err(WireError),
    };
    r.end()?;
    Ok(page)
}
