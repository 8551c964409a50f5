//! The web app's lazily loaded tools module, as plain functions: what it can be asked to do
//! ([`serve`]) and the byte format questions and answers travel in.
//!
//! The app's first download carries the INF engine and the request builder; the decoder
//! ([`crate::dump`]), the response and certificate readers ([`crate::response`]: PKCS #7, CMC,
//! X.509), the enrollment protocols ([`crate::enroll::steps`]), the PFX writer
//! ([`crate::pkcs12`]) and the INF reference's prose ([`crate::keydocs`]) are only needed once
//! a user decodes something, enrolls, accepts or lists a certificate, exports a key or reads
//! the reference, so they live in a second wasm module (`web/tools`) that the app
//! instantiates on first use. Two wasm instances share neither memory nor types, so a question
//! is an operation code and bytes, and an answer a status and bytes; values inside are
//! length-prefixed fields ([`Writer`], [`Reader`]). Both sides are this crate, so the format
//! has no versioning: app and module are always built together.

use crate::dump::{Dump, Node};
use crate::enroll::steps;
use crate::model::{Hash, SignatureScheme};
use crate::pkcs12::{self, PfxInput, Profile};
use crate::response::{
    self, Certificate, CertificateFacts, CmcStatus, CmcStatusInfo, Response, ResponseKind,
};

/// Decode PEM, base64 or DER for display: the input is the raw bytes, the answer a [`Dump`]
/// ([`dump_to_wire`]).
pub const OP_DUMP: u32 = 1;
/// Write a PFX: the input is a [`PfxJob`] ([`PfxJob::to_wire`]), the answer the PFX bytes.
pub const OP_PFX: u32 = 2;
/// Read what a CA sent back: the input is the raw bytes, the answer a [`Response`]
/// ([`response_to_wire`]); a failure is [`response::ResponseError`]'s sentence.
pub const OP_RESPONSE: u32 = 3;
/// Read one DER certificate: the input is its DER, the answer a [`Certificate`] with its facts
/// ([`certificate_to_wire`]).
pub const OP_CERTIFICATE: u32 = 4;
/// Look up the INF reference: the input is a [`DocQuery`] ([`DocQuery::to_wire`]), the answer
/// a [`DocPage`] or nothing ([`doc_to_wire`]). The editor's reference panel uses it, so the
/// reference's prose stays out of the app's first download.
pub const OP_DOC: u32 = 5;
/// Begin an enrollment: the input is a [`steps::Start`] (its `to_wire`), the answer
/// the first [`steps::Next`] (its `to_wire`).
pub const OP_ENROLL_START: u32 = 6;
/// Read a CA's answer: the input is [`steps::read_to_wire`]'s, the answer the
/// [`steps::Next`] step.
pub const OP_ENROLL_READ: u32 = 7;
/// Wrap a PKCS #10 request as a CMC request: the input is a [`CmcJob`]; without a signature
/// the answer is the bytes to sign, with one the CMC request's DER.
pub const OP_CMC: u32 = 8;

/// The answer is the result.
pub const STATUS_OK: u32 = 0;
/// The answer is a UTF-8 sentence saying why there is no result.
pub const STATUS_FAILED: u32 = 1;

/// Answers one question: `(status, bytes)`.
pub fn serve(op: u32, input: &[u8]) -> (u32, Vec<u8>) {
    let result = match op {
        OP_DUMP => crate::dump::dump(input)
            .map(|d| dump_to_wire(&d))
            .map_err(|e| e.to_string()),
        OP_PFX => PfxJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|job| job.run()),
        OP_RESPONSE => response::parse(input)
            .map(|r| response_to_wire(&r))
            .map_err(|e| e.to_string()),
        OP_CERTIFICATE => Certificate::from_der(input)
            .map(|c| one_certificate_to_wire(&c))
            .map_err(|e| format!("this is not a certificate ({e})")),
        OP_DOC => DocQuery::from_wire(input)
            .map(|q| doc_to_wire(q.page().as_ref()))
            .map_err(|e| e.to_string()),
        OP_ENROLL_START => steps::Start::from_wire(input)
            .map(|s| steps::start(&s).to_wire())
            .map_err(|e| e.to_string()),
        OP_ENROLL_READ => steps::read_from_wire(input)
            .map(|next| next.to_wire())
            .map_err(|e| e.to_string()),
        OP_CMC => CmcJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|job| job.run()),
        _ => Err(format!("the tools module has no operation {op}")),
    };
    match result {
        Ok(bytes) => (STATUS_OK, bytes),
        Err(why) => (STATUS_FAILED, why.into_bytes()),
    }
}

/// Reads an answer from [`serve`].
pub fn answer(status: u32, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    match status {
        STATUS_OK => Ok(bytes),
        _ => Err(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

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
pub struct Writer(Vec<u8>);

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    pub fn u32(&mut self, n: u32) -> &mut Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        let len = u32::try_from(b.len()).expect("a field under 4 GiB");
        self.u32(len);
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

    /// Fails unless every byte was read.
    pub fn end(self) -> Result<(), WireError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(WireError)
        }
    }
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
    w.str(d.kind).str(&d.title);
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
    let kind = r.str()?;
    let kind = crate::dump::KINDS
        .iter()
        .copied()
        .find(|k| *k == kind)
        .ok_or(WireError)?;
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

/// A CMC wrapping ([`crate::cmc`]), asked twice: for the bytes to sign, then with their
/// signature for the request. Both answers are worked out afresh from the same inputs (the
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
        let (kind, hash) = match self.scheme {
            SignatureScheme::RsaPkcs1(h) => (0, h),
            SignatureScheme::RsaPss(h) => (1, h),
            SignatureScheme::Ecdsa(h) => (2, h),
        };
        let hash = HASHES.iter().position(|&h| h == hash).unwrap_or(0) as u32;
        let mut w = Writer::new();
        w.bytes(&self.pkcs10).bytes(&self.spki).u32(kind).u32(hash);
        w.opt_bytes(self.signature.as_deref());
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let pkcs10 = r.bytes()?.to_vec();
        let spki = r.bytes()?.to_vec();
        let kind = r.u32()?;
        let hash = *HASHES.get(r.u32()? as usize).ok_or(WireError)?;
        let scheme = match kind {
            0 => SignatureScheme::RsaPkcs1(hash),
            1 => SignatureScheme::RsaPss(hash),
            2 => SignatureScheme::Ecdsa(hash),
            _ => return Err(WireError),
        };
        let signature = r.opt_bytes()?.map(<[u8]>::to_vec);
        r.end()?;
        Ok(CmcJob {
            pkcs10,
            spki,
            scheme,
            signature,
        })
    }

    /// The bytes to sign, or with the signature the CMC request.
    pub fn run(&self) -> Result<Vec<u8>, String> {
        let content = self.content()?;
        let digest = content.hash().digest(&content.pki_data);
        self.answer(content, &digest)
    }

    /// The wrapping, waiting for the digest of its `pki_data` (for a caller that digests
    /// elsewhere, such as Web Crypto).
    pub fn content(&self) -> Result<crate::cmc::Content, String> {
        crate::cmc::wrap(&self.pkcs10, &self.spki, self.scheme).map_err(cannot_wrap)
    }

    /// [`CmcJob::run`]'s answer from the content and its digest.
    pub fn answer(&self, content: crate::cmc::Content, digest: &[u8]) -> Result<Vec<u8>, String> {
        let unsigned = content.prepare(digest).map_err(cannot_wrap)?;
        match &self.signature {
            None => Ok(unsigned.to_be_signed),
            Some(signature) => unsigned.finish(signature).map_err(cannot_wrap),
        }
    }
}

fn cannot_wrap(e: crate::encode::EncodeError) -> String {
    format!("cannot build the CMC request: {e}")
}

const HASHES: [Hash; 4] = [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512];

/// Everything [`pkcs12::write`] needs, owned, so it can cross to the tools module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PfxJob {
    pub private_key_pkcs8: Vec<u8>,
    pub leaf: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    pub friendly_name: Option<String>,
    pub password: String,
    pub profile: Profile,
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
            Profile::Modern => 0,
            Profile::Legacy => 1,
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
            0 => Profile::Modern,
            1 => Profile::Legacy,
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

    /// Writes the PFX, drawing salts and IVs from [`PfxJob::random`]; refuses rather than
    /// reuse or invent random bytes when they run out.
    pub fn run(&self) -> Result<Vec<u8>, String> {
        let chain: Vec<&[u8]> = self.chain.iter().map(Vec::as_slice).collect();
        let mut pool = self.random.as_slice();
        let mut short = false;
        let mut random = |buf: &mut [u8]| {
            if buf.len() > pool.len() {
                short = true;
                return;
            }
            let (head, tail) = pool.split_at(buf.len());
            buf.copy_from_slice(head);
            pool = tail;
        };
        let pfx = pkcs12::write(
            &PfxInput {
                private_key_pkcs8: &self.private_key_pkcs8,
                leaf: &self.leaf,
                chain: &chain,
                friendly_name: self.friendly_name.as_deref(),
            },
            &self.password,
            self.profile,
            &mut random,
        )
        .map_err(|e| format!("cannot write the PFX: {e}"))?;
        if short {
            return Err(
                "cannot write the PFX: it needs more random bytes than it was given".into(),
            );
        }
        Ok(pfx)
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
    /// A key ([`crate::keydocs::KeyDoc`]); `acts_on` is its [`crate::keydocs::Effect`]'s label.
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
    /// A section ([`crate::keydocs::SectionDoc`]).
    Section {
        name: String,
        summary: String,
        here: String,
        example: String,
    },
}

impl DocQuery {
    /// The page the reference has for this place, if any.
    pub fn page(&self) -> Option<DocPage> {
        use crate::keydocs;
        match &self.key {
            Some(key) => keydocs::lookup_in(&self.section, key).map(|d| DocPage::Key {
                section: d.section.into(),
                key: d.key.into(),
                values: d.values.into(),
                default: d.default.into(),
                acts_on: d.effect.label().into(),
                summary: d.summary.into(),
                here: d.here.into(),
                example: d.example.into(),
            }),
            None => keydocs::section_doc(&self.section).map(|d| DocPage::Section {
                name: d.name.into(),
                summary: d.summary.into(),
                here: d.here.into(),
                example: d.example.into(),
            }),
        }
    }

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
