//! The app's state and its reducer: a plain struct, a message enum, and commands out.
//!
//! [`State::update`] is pure: it changes the state and returns the [`Command`]s (browser work)
//! the shell must run. The shell runs them through `services` and feeds the outcome back as
//! another [`Msg`]. Nothing here touches the browser, so it is tested natively.

use certreq_inf::diag::{Diagnostic, LineIndex, Severity};
use certreq_request::model::NewRequest;
use certreq_request::{Compiled, compile};

use certreq_wire::Dump;
use certreq_wire::{DocPage, DocQuery};

use super::text::{byte_to_utf16, utf16_to_byte};

/// The INF the page opens with: the TLS web server template.
pub const DEFAULT_INF: &str = super::templates::TEMPLATES[0].text;

/// Where a stored request is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EntryState {
    /// Made and handed out; the key waits for its certificate.
    #[default]
    Pending,
    /// The certificate has been accepted.
    Issued,
}

impl EntryState {
    /// The word stored in IndexedDB and shown as `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Issued => "issued",
        }
    }
    /// Reads a stored word; anything unknown is treated as pending (the safe reading: the key
    /// is kept and shown).
    pub fn parse(word: &str) -> Self {
        if word.eq_ignore_ascii_case("issued") {
            EntryState::Issued
        } else {
            EntryState::Pending
        }
    }
}

/// What the store list shows about one stored request (its key stays in the store).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryMeta {
    pub id: String,
    pub friendly_name: String,
    /// Milliseconds since the Unix epoch.
    pub created_ms: f64,
    /// The INF text the request was made from.
    pub inf: String,
    pub state: EntryState,
    /// `KeyContainer`, if the INF named one.
    pub container: Option<String>,
    /// The accepted certificate's DER (stored).
    pub certificate: Option<Vec<u8>>,
    /// Its issuers' DER, issuer first (stored).
    pub chain: Vec<Vec<u8>>,
    /// The CA's request id, once a CA has answered "pending" (stored).
    pub request_id: Option<u64>,
    /// Whether the browser hands out the private key; `None` when not asked yet or no key
    /// (asked when the store is read, not stored).
    pub exportable: Option<bool>,
    /// `RSA 2048`, `ECC P-256`… of the stored key (read from it, not stored).
    pub key_algorithm: Option<String>,
    /// What the accepted certificate says (read from it by the tools module when the store
    /// is read or the certificate accepted, not stored); `None` until then, or when there is
    /// no certificate.
    pub details: Option<CertDetails>,
    /// Whether a request is stored with the key (not for a self-signed certificate, which
    /// came without one).
    pub has_request: bool,
}

impl EntryMeta {
    /// The same entry with another creation time (for comparisons).
    pub fn with_created(mut self, created_ms: f64) -> Self {
        self.created_ms = created_ms;
        self
    }
}

/// A request (or, with `RequestType = Cert`, a self-signed certificate) just made.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub meta: EntryMeta,
    pub pem: String,
    /// The suggested file name (`….req`, or `….cer` for a certificate).
    pub file_name: String,
    /// Whether the browser would hand out the private key (checked by asking it).
    pub exportable: bool,
}

impl Generated {
    /// A self-signed certificate (its entry holds the certificate from the start), not a
    /// request: nothing to submit.
    pub fn is_certificate(&self) -> bool {
        self.meta.certificate.is_some()
    }
}

/// A line for the status area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            error: false,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            error: true,
            text: text.into(),
        }
    }
}

/// Everything that can happen to the app.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The INF text changed.
    Edit(String),
    /// The caret moved (UTF-16 offset, as the DOM reports it).
    Caret(u32),
    /// The user picked diagnostic number `n`: put the caret on it.
    JumpTo(usize),
    /// Make the key pair and the request.
    Generate,
    /// The outcome of [`Command::Generate`].
    Generated(Result<Generated, String>),
    /// The outcome of [`Command::LoadStore`].
    StoreLoaded(Result<Vec<EntryMeta>, String>),
    /// Copy the request PEM to the clipboard.
    Copy,
    /// Offer a stored request as a file again.
    DownloadEntry(String),
    /// Delete a stored request and its key (the shell has already asked the user).
    Delete(String),
    /// The outcome of [`Command::Delete`]: the id removed, or why not.
    Deleted(Result<String, String>),
    /// Something to tell the user (copy done, …).
    Notify(Notice),
    /// What the browser said about keeping storage: `Some(true)` persistent, `Some(false)` may
    /// be evicted, `None` cannot tell.
    Persistence(Option<bool>),
    /// Replace the editor text with the template of this id.
    UseTemplate(String),
    /// Put back the text a template or an opened file replaced (and keep the replacement, so
    /// pressing it again swaps back).
    RestorePrevious,
    /// A file's bytes arrived: opened with a file input or dropped on the page.
    FileOpened {
        target: FileTarget,
        name: String,
        bytes: Vec<u8>,
    },
    /// The reference's answer for [`Command::Doc`].
    DocLooked {
        query: DocQuery,
        page: Result<Option<DocPage>, String>,
    },
    /// The decoder's input text changed.
    DecodeInput(String),
    /// The decoder module's answer for decode request `seq`.
    Decoded {
        seq: u32,
        result: Result<Dump, String>,
    },
    /// A certificate response (`.cer`, `.p7b`, PEM or DER) to attach to its stored key.
    AcceptFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// The outcome of [`Command::Accept`]: the updated entry, or why nothing changed.
    Accepted(Result<EntryMeta, String>),
    /// Offer the certificate of entry `id` as a file.
    Export {
        id: String,
        format: ExportFormat,
    },
    /// Open the PFX dialog for entry `id`.
    PfxOpen(String),
    /// The PFX dialog's fields.
    PfxPassword(String),
    PfxConfirm(String),
    PfxProfile(Profile),
    /// Close the PFX dialog without exporting.
    PfxCancel,
    /// Export the PFX with the dialog's password.
    PfxSubmit,
    /// The outcome of an export: what was offered, or why not.
    Exported(Result<String, String>),
    /// The enrollment settings.
    EndpointKind(EndpointKind),
    EndpointUrl(String),
    Template(String),
    ExtraAttributes(String),
    /// The "retrieve request N" box.
    RetrieveNumber(String),
    /// Send the request just made to the CA.
    Submit,
    /// Ask the CA again for pending entry `id`'s certificate.
    Retrieve(String),
    /// Ask the CA for request N (the number box) and accept it for its key.
    RetrieveNumbered,
    /// What the CA answered to [`Command::Submit`] or [`Command::Retrieve`].
    Enrolled(Result<Outcome, String>),
    /// A `.req` file picked to be submitted instead of the request just made.
    SubmitFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// The outcome of [`Command::MatchKey`]: the friendly name of the stored entry whose key
    /// is the loaded request's, if any.
    KeyMatched(Option<String>),
    /// Send stored entry `id`'s request to the CA.
    SubmitEntry(String),
    /// Offer the certificate the CA issued for a request with no stored key.
    DownloadIssued,
}

/// The reference panel beside the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocPanel {
    /// The place the caret is on.
    pub query: DocQuery,
    /// `None` while it is being looked up; `Some(Ok(None))` when the reference has no page.
    pub page: Option<Result<Option<DocPage>, String>>,
}

/// A request loaded from a file to be submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedRequest {
    /// The file name.
    pub name: String,
    /// The PKCS #10 DER.
    pub der: Vec<u8>,
    /// Its subject, as text.
    pub subject: String,
    /// Its public key (SubjectPublicKeyInfo DER).
    pub spki: Vec<u8>,
    /// The stored entry holding its key: `None` not known yet, `Some(None)` no stored key
    /// matches, `Some(Some(name))` the entry's friendly name.
    pub key: Option<Option<String>>,
}

/// Reads a `.req` file: PEM of any label (`NEW CERTIFICATE REQUEST`, `CERTIFICATE REQUEST`…)
/// or DER, holding a PKCS #10 or CMC request; the first block that is one is taken.
pub fn read_request(name: &str, bytes: &[u8]) -> Result<LoadedRequest, String> {
    let blocks = certreq_pkix::pem::read(bytes)
        .map_err(|e| format!("{name} is not a certificate request: {e}"))?;
    for block in blocks {
        // a CMC request goes to the CA as it is; its subject and key are the PKCS #10's inside
        let pkcs10 = certreq_pkix::cmc::pkcs10_of(&block.der);
        if let Some((subject, spki)) = pkcs10_subject_and_key(pkcs10) {
            return Ok(LoadedRequest {
                name: name.to_owned(),
                subject,
                spki,
                der: block.der,
                key: None,
            });
        }
    }
    Err(format!(
        "{name} holds no PKCS #10 or CMC certificate request; choose the .req file that \
         certreq -new or Generate made (a PKCS #7 wrapped request cannot be sent here)"
    ))
}

/// The subject (as text) and SubjectPublicKeyInfo DER of a PKCS #10 request (RFC 2986):
/// `SEQUENCE { CertificationRequestInfo { version 0, subject, subjectPKInfo, [0] attributes },
/// signatureAlgorithm, signature BIT STRING }`, walked with `core::tlv` (the CA that receives
/// it does the full parse; the app links no request decoder for this). `None` for anything
/// else, a certificate included.
fn pkcs10_subject_and_key(der: &[u8]) -> Option<(String, Vec<u8>)> {
    use certreq_pkix::tlv::{self, Tlv};
    let outer = tlv::only(der, 0x30)?;
    let Tlv {
        tag: 0x30,
        content: info,
        rest,
        ..
    } = tlv::read(outer)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30, rest, ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x03,
        rest: [],
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x02,
        content: [0],
        rest,
        ..
    } = tlv::read(info)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        whole: subject,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        whole: spki,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0xa0,
        rest: [],
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    Some((certreq_pkix::name::display_der(subject)?, spki.to_vec()))
}

/// The kind of CA endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EndpointKind {
    /// AD CS Web Enrollment (`…/certsrv`).
    #[default]
    AdCs,
    /// EST (RFC 7030, `…/.well-known/est`).
    Est,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::AdCs => "adcs",
            EndpointKind::Est => "est",
        }
    }
    /// The URL path a CA of this kind usually has on an origin.
    pub fn default_path(self) -> &'static str {
        match self {
            EndpointKind::AdCs => "/certsrv",
            EndpointKind::Est => "/.well-known/est",
        }
    }
}

/// Where and how to enroll.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Enrollment {
    pub kind: EndpointKind,
    /// The base URL (AD CS `https://host/certsrv`, EST `https://host/.well-known/est[/label]`).
    pub url: String,
    /// The certificate template (AD CS `CertificateTemplate:` attribute); may be empty.
    pub template: String,
    /// More `Name:Value` attribute lines.
    pub attributes: String,
    /// The page's origin, for the default URLs.
    pub origin: String,
}

impl Enrollment {
    /// Settings for a page at `origin`: AD CS at `origin/certsrv`.
    pub fn for_origin(origin: &str) -> Self {
        Enrollment {
            url: format!("{origin}/certsrv"),
            origin: origin.to_owned(),
            ..Enrollment::default()
        }
    }
    /// The `CertAttrib` text: the template line first, then the extra lines.
    pub fn attrib(&self) -> String {
        let mut lines = Vec::new();
        if !self.template.trim().is_empty() {
            lines.push(format!("CertificateTemplate:{}", self.template.trim()));
        }
        lines.extend(
            self.attributes
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
        lines.join("\n")
    }
}

/// What a CA said, in the app's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Issued,
    Pending,
    Denied,
    Error,
}

impl Status {
    /// `data-status` of the disposition element.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Issued => "issued",
            Status::Pending => "pending",
            Status::Denied => "denied",
            Status::Error => "error",
        }
    }
}

/// The outcome of a submission or retrieval.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// The CA's own message, or ours.
    pub message: String,
    pub request_id: Option<u64>,
    /// The entry as it is now (issued: with its certificate; pending: with its request id).
    pub entry: Option<EntryMeta>,
    /// The issued certificate's DER when no stored key matches it (so it is not stored).
    pub certificate: Option<Vec<u8>>,
}

/// The certificate file formats offered for an issued entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    CerPem,
    /// The certificate, DER.
    CerDer,
    /// A certs-only PKCS #7 with the certificate and its chain (DER).
    P7b,
}

pub use certreq_wire::PfxProfile as Profile;

/// The PFX export dialog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PfxDialog {
    pub id: String,
    pub password: String,
    pub confirm: String,
    pub profile: Profile,
    /// Why the password was not taken.
    pub problem: Option<String>,
}

/// Where an opened file goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileTarget {
    /// The INF editor.
    Editor,
    /// The decoder.
    Decoder,
    /// Dropped on the page: the editor for INF text, the decoder for anything else
    /// ([`route_dropped`]).
    Page,
}

/// Browser work the reducer asks the shell to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Generate a key pair for `request`, sign, store, answer with [`Msg::Generated`].
    /// With `reuse`, the key pair of that stored entry signs instead of a new one, and the
    /// entry is updated in place (same key, new request).
    Generate {
        request: Box<NewRequest>,
        inf: String,
        reuse: Option<String>,
    },
    /// Read the store list, answer with [`Msg::StoreLoaded`].
    LoadStore,
    /// Select `start..end` (UTF-16 offsets) in the editor and focus it.
    Select { start: u32, end: u32 },
    /// Put text on the clipboard, answer with [`Msg::Notify`].
    Copy(String),
    /// Offer the stored request `id` as a file.
    DownloadEntry(String),
    /// Ask the user, then delete the stored request `id`; answer with [`Msg::Deleted`].
    Delete(String),
    /// Ask for persistent storage, answer with [`Msg::Persistence`].
    RequestPersistence,
    /// Match a certificate response to a stored key and attach it; answer with
    /// [`Msg::Accepted`].
    Accept(Vec<u8>),
    /// Offer entry `id`'s certificate as a file; answer with [`Msg::Exported`].
    Export { id: String, format: ExportFormat },
    /// Send entry `id`'s request to the CA; answer with [`Msg::Enrolled`].
    Submit { id: String, enrollment: Enrollment },
    /// Send a loaded request (PKCS #10 DER) to the CA; answer with [`Msg::Enrolled`].
    SubmitRequest {
        der: Vec<u8>,
        enrollment: Enrollment,
    },
    /// Find the stored entry whose public key is `spki`; answer with [`Msg::KeyMatched`].
    MatchKey(Vec<u8>),
    /// Offer a certificate (DER) as a PEM `.cer` file named `name`; answer with
    /// [`Msg::Exported`].
    DownloadCertificate { name: String, der: Vec<u8> },
    /// Ask the CA for a certificate: of pending entry `id` (by its stored request id), or of
    /// request `number`; answer with [`Msg::Enrolled`].
    Retrieve {
        id: Option<String>,
        number: Option<u64>,
        enrollment: Enrollment,
    },
    /// Decode `bytes` for display (in the lazily loaded module); answer with
    /// [`Msg::Decoded`] carrying `seq`.
    Decode { seq: u32, bytes: Vec<u8> },
    /// Look up the reference page for the caret's place (in the lazily loaded module); answer
    /// with [`Msg::DocLooked`].
    Doc(DocQuery),
    /// Export entry `id`'s key and certificate as a PFX; answer with [`Msg::Exported`].
    ExportPfx {
        id: String,
        password: String,
        profile: Profile,
    },
}

/// The whole app state.
#[derive(Clone, Debug)]
pub struct State {
    /// The INF text in the editor.
    pub text: String,
    /// `compile(text)`, redone on every edit.
    pub compiled: Compiled,
    pub lines: LineIndex,
    /// The caret as a byte offset into `text`.
    pub caret: usize,
    /// The reference panel: what the caret is on and its page. Empty until the caret first
    /// moves, so opening the app does not fetch the reference.
    pub doc: Option<DocPanel>,
    /// Whether the caret has moved yet (the panel follows it from then on).
    doc_follows: bool,
    /// `Some(what)` while a key pair is being made.
    pub busy: Option<String>,
    /// The request made last, if any.
    pub result: Option<Generated>,
    /// The stored requests, oldest first.
    pub store: Vec<EntryMeta>,
    pub notice: Option<Notice>,
    /// Whether stored keys survive storage pressure (see [`Msg::Persistence`]).
    pub persistent: Option<bool>,
    /// The text a template or an opened file replaced, while it can be restored.
    pub previous: Option<String>,
    /// Where the editor text came from and how it was read ("opened x.inf (UTF-16LE)").
    pub source: Option<String>,
    /// The decoder's input (PEM, base64; a DER file shows as base64).
    pub decode_input: String,
    /// Where the decoder input came from, if a file.
    pub decode_source: Option<String>,
    /// The decoded tree, or why nothing could be decoded; `None` for an empty input and
    /// while decoding.
    pub decoded: Option<Result<Dump, String>>,
    /// Which decode request the output must answer: an answer for older input is dropped.
    pub decode_seq: u32,
    /// The PFX export dialog, while open.
    pub pfx: Option<PfxDialog>,
    /// The CA to enroll with.
    pub enrollment: Enrollment,
    /// The "retrieve request N" box.
    pub retrieve_number: String,
    /// What the CA said last (or why it could not be asked).
    pub disposition: Option<Outcome>,
    /// How many answers have been shown (`data-answer`, so a test can tell a new one).
    pub answers: u32,
    /// A `.req` loaded to submit (it is what Submit sends), or why the file was not taken.
    pub loaded: Option<Result<LoadedRequest, String>>,
    /// The compiler: [`compile`] in the app, a stand-in in tests.
    compiler: fn(&str) -> Compiled,
}

impl Default for State {
    fn default() -> Self {
        State::new(DEFAULT_INF, compile)
    }
}

impl State {
    /// A state for `text`, compiled with `compiler`.
    pub fn new(text: &str, compiler: fn(&str) -> Compiled) -> Self {
        State {
            text: text.to_owned(),
            compiled: compiler(text),
            lines: LineIndex::new(text),
            caret: 0,
            doc: None,
            doc_follows: false,
            busy: None,
            result: None,
            store: Vec::new(),
            notice: None,
            persistent: None,
            previous: None,
            source: None,
            decode_input: String::new(),
            decode_source: None,
            decoded: None,
            decode_seq: 0,
            pfx: None,
            enrollment: Enrollment::default(),
            retrieve_number: String::new(),
            disposition: None,
            answers: 0,
            loaded: None,
            compiler,
        }
    }

    /// The commands to run when the app starts.
    pub fn init() -> Vec<Command> {
        vec![Command::LoadStore, Command::RequestPersistence]
    }

    /// Whether Submit has a request to send: a loaded `.req`, or the request just made.
    pub fn can_submit(&self) -> bool {
        self.busy.is_none() && (matches!(self.loaded, Some(Ok(_))) || self.submittable().is_some())
    }

    /// Whether the INF asks for a self-signed certificate (`RequestType = Cert`), not a request.
    pub fn makes_certificate(&self) -> bool {
        self.compiled
            .request
            .as_ref()
            .is_some_and(|r| r.request_type == certreq_request::model::RequestType::Cert)
    }

    /// The request just made, when there is one to submit (a self-signed certificate is not).
    pub fn submittable(&self) -> Option<&Generated> {
        self.result.as_ref().filter(|r| !r.is_certificate())
    }

    /// Any error among the diagnostics (then there is no request to make).
    pub fn has_errors(&self) -> bool {
        certreq_inf::diag::has_errors(&self.compiled.diagnostics)
    }

    /// Whether the Generate button does anything now.
    pub fn can_generate(&self) -> bool {
        self.busy.is_none() && self.compiled.request.is_some() && !self.has_errors()
    }

    /// Counts of (errors, warnings, notes).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s: Severity| {
            self.compiled
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }

    /// 1-based (line, column) of a diagnostic's start.
    pub fn position(&self, diagnostic: &Diagnostic) -> (usize, usize) {
        self.lines.line_col(&self.text, diagnostic.span.start)
    }

    /// The worst severity on each 0-based line (for the gutter).
    pub fn line_severity(&self, line: usize) -> Option<Severity> {
        self.compiled
            .diagnostics
            .iter()
            .filter(|d| self.lines.line_of(d.span.start) == line)
            .map(|d| d.severity)
            .max()
    }

    /// The section and key of the INF entry under the caret, if any.
    pub fn key_at_caret(&self) -> Option<(&str, &str)> {
        self.compiled.inf.sections.iter().find_map(|section| {
            section
                .entries
                .iter()
                .find(|e| {
                    !e.key.is_empty()
                        && self.lines.line_of(e.span.start) <= self.lines.line_of(self.caret)
                        && self.lines.line_of(self.caret) <= self.lines.line_of(e.span.end)
                })
                .map(|e| (section.name.as_str(), e.key.as_str()))
        })
    }

    /// The section whose `[header]` is on the caret's line, if any.
    pub fn section_at_caret(&self) -> Option<&str> {
        let line = self.lines.line_of(self.caret);
        self.compiled
            .inf
            .sections
            .iter()
            .find(|s| {
                s.headers
                    .iter()
                    .any(|h| self.lines.line_of(h.start) == line)
            })
            .map(|s| s.name.as_str())
    }

    /// Applies a message; returns the browser work it calls for.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        if matches!(msg, Msg::Caret(_) | Msg::JumpTo(_)) {
            self.doc_follows = true;
        }
        let mut commands = self.apply(msg);
        commands.extend(self.follow_caret_doc());
        commands
    }

    /// What the reference panel should show for the caret's place: the key there, else the
    /// section whose header is there.
    pub fn doc_query(&self) -> Option<DocQuery> {
        if let Some((section, key)) = self.key_at_caret() {
            return Some(DocQuery {
                section: section.to_owned(),
                key: Some(key.to_owned()),
            });
        }
        self.section_at_caret().map(|section| DocQuery {
            section: section.to_owned(),
            key: None,
        })
    }

    /// Points the reference panel at the caret's place; asks for the page when that changed.
    fn follow_caret_doc(&mut self) -> Option<Command> {
        if !self.doc_follows {
            return None;
        }
        let want = self.doc_query();
        if self.doc.as_ref().map(|d| &d.query) == want.as_ref() {
            return None;
        }
        let Some(query) = want else {
            self.doc = None;
            return None;
        };
        self.doc = Some(DocPanel {
            query: query.clone(),
            page: None,
        });
        Some(Command::Doc(query))
    }

    fn apply(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Edit(text) => {
                if text != self.text {
                    self.set_text(text);
                }
                Vec::new()
            }
            Msg::Caret(utf16) => {
                self.caret = utf16_to_byte(&self.text, utf16);
                Vec::new()
            }
            Msg::JumpTo(n) => {
                let Some(d) = self.compiled.diagnostics.get(n) else {
                    return Vec::new();
                };
                let start = d.span.start.min(self.text.len());
                let end = d.span.end.clamp(start, self.text.len());
                self.caret = utf16_to_byte(&self.text, byte_to_utf16(&self.text, start));
                vec![Command::Select {
                    start: byte_to_utf16(&self.text, start),
                    end: byte_to_utf16(&self.text, end),
                }]
            }
            Msg::Generate => {
                if !self.can_generate() {
                    return Vec::new();
                }
                let Some(request) = self.compiled.request.clone() else {
                    return Vec::new();
                };
                let reuse = match self.key_to_use(&request) {
                    Ok(reuse) => reuse,
                    Err(why) => {
                        self.notice = Some(Notice::error(why));
                        return Vec::new();
                    }
                };
                self.busy = Some(match &reuse {
                    Some(_) => "signing with the stored key…".to_owned(),
                    None => progress_text(&request),
                });
                self.notice = None;
                vec![Command::Generate {
                    request: Box::new(request),
                    inf: self.text.clone(),
                    reuse,
                }]
            }
            Msg::Generated(Ok(generated)) => {
                self.busy = None;
                self.store.retain(|e| e.id != generated.meta.id);
                self.store.push(generated.meta.clone());
                self.notice = Some(Notice::info(format!(
                    "{}; its key is kept in this browser as “{}”{}",
                    if generated.is_certificate() {
                        "self-signed certificate made"
                    } else {
                        "request made"
                    },
                    generated.meta.friendly_name,
                    if generated.exportable {
                        " (exportable)"
                    } else {
                        " and cannot be exported"
                    }
                )));
                // the request just made is what Submit sends now (a certificate is not sent)
                if !generated.is_certificate() {
                    self.loaded = None;
                }
                self.result = Some(generated);
                Vec::new()
            }
            Msg::Generated(Err(why)) => {
                self.busy = None;
                self.notice = Some(Notice::error(why));
                Vec::new()
            }
            Msg::StoreLoaded(Ok(entries)) => {
                self.store = entries;
                Vec::new()
            }
            Msg::Copy => match &self.result {
                Some(r) => vec![Command::Copy(r.pem.clone())],
                None => Vec::new(),
            },
            Msg::DownloadEntry(id) => vec![Command::DownloadEntry(id)],
            Msg::Delete(id) => {
                if self.busy.is_some() {
                    return Vec::new();
                }
                vec![Command::Delete(id)]
            }
            Msg::Deleted(Ok(id)) => {
                self.store.retain(|e| e.id != id);
                if self.result.as_ref().is_some_and(|r| r.meta.id == id) {
                    self.result = None;
                }
                self.notice = Some(Notice::info("request and key deleted"));
                Vec::new()
            }
            Msg::Deleted(Err(why)) | Msg::StoreLoaded(Err(why)) => {
                self.notice = Some(Notice::error(why));
                Vec::new()
            }
            Msg::Notify(notice) => {
                self.notice = Some(notice);
                Vec::new()
            }
            Msg::Persistence(persistent) => {
                self.persistent = persistent;
                Vec::new()
            }
            Msg::UseTemplate(id) => {
                if let Some(t) = super::templates::find(&id) {
                    self.replace_text(t.text.to_owned());
                    self.source = Some(format!("template: {}", t.title));
                }
                Vec::new()
            }
            Msg::RestorePrevious => {
                if let Some(previous) = self.previous.take() {
                    let replaced = core::mem::take(&mut self.text);
                    self.set_text(previous);
                    self.previous = Some(replaced);
                    self.source = Some("previous text restored".into());
                }
                Vec::new()
            }
            Msg::FileOpened {
                target,
                name,
                bytes,
            } => {
                match route_dropped(target, &name, &bytes) {
                    FileTarget::Decoder => {
                        self.decode_input = decoder_text(&bytes);
                        self.decode_source = Some(format!("{name}, {} bytes", bytes.len()));
                        return self.decode(bytes);
                    }
                    _ => {
                        let decoded = certreq_inf::text::decode(&bytes);
                        self.replace_text(decoded.text);
                        self.source = Some(format!("{name} ({})", decoded.encoding.name()));
                    }
                }
                Vec::new()
            }
            Msg::DocLooked { query, page } => {
                if let Some(panel) = self.doc.as_mut().filter(|d| d.query == query) {
                    panel.page = Some(page);
                }
                Vec::new()
            }
            Msg::DecodeInput(text) => {
                let bytes = text.as_bytes().to_vec();
                self.decode_input = text;
                self.decode_source = None;
                self.decode(bytes)
            }
            Msg::Decoded { seq, result } => {
                if seq == self.decode_seq {
                    self.decoded = Some(result);
                }
                Vec::new()
            }
            // the certificates are read in the accept job (in the lazily loaded module); here
            // only what is not even PEM, base64 or DER is turned away
            Msg::AcceptFile { name, bytes } => match certreq_pkix::pem::read(&bytes) {
                Ok(_) => vec![Command::Accept(bytes)],
                Err(e) => {
                    self.notice = Some(Notice::error(format!(
                        "{name} is not a certificate to accept: {e}; nothing was changed"
                    )));
                    Vec::new()
                }
            },
            Msg::Accepted(Ok(meta)) => {
                let what = match &meta.details {
                    Some(d) => format!("certificate for {} accepted", d.subject),
                    None => "certificate accepted".to_owned(),
                };
                self.notice = Some(Notice::info(format!(
                    "{what}; it is kept with its key as “{}”",
                    meta.friendly_name
                )));
                match self.store.iter_mut().find(|e| e.id == meta.id) {
                    Some(entry) => *entry = meta,
                    None => self.store.push(meta),
                }
                Vec::new()
            }
            Msg::Accepted(Err(why)) | Msg::Exported(Err(why)) => {
                self.notice = Some(Notice::error(why));
                Vec::new()
            }
            Msg::Exported(Ok(what)) => {
                self.notice = Some(Notice::info(what));
                Vec::new()
            }
            Msg::Export { id, format } => vec![Command::Export { id, format }],
            Msg::EndpointKind(kind) => {
                let e = &mut self.enrollment;
                // a URL still at the old kind's default follows the kind
                let old_default = format!("{}{}", e.origin, e.kind.default_path());
                if e.url.trim().is_empty() || e.url == old_default {
                    e.url = format!("{}{}", e.origin, kind.default_path());
                }
                e.kind = kind;
                Vec::new()
            }
            Msg::EndpointUrl(url) => {
                self.enrollment.url = url;
                Vec::new()
            }
            Msg::Template(t) => {
                self.enrollment.template = t;
                Vec::new()
            }
            Msg::ExtraAttributes(a) => {
                self.enrollment.attributes = a;
                Vec::new()
            }
            Msg::RetrieveNumber(n) => {
                self.retrieve_number = n;
                Vec::new()
            }
            Msg::Submit => {
                if self.busy.is_some() {
                    return Vec::new();
                }
                if let Some(Ok(loaded)) = &self.loaded {
                    let der = loaded.der.clone();
                    self.busy = Some("sending the request to the CA…".into());
                    self.disposition = None;
                    return vec![Command::SubmitRequest {
                        der,
                        enrollment: self.enrollment.clone(),
                    }];
                }
                let Some(result) = self.submittable() else {
                    self.disposition = Some(error_outcome(
                        "make a request or load a .req file first; Submit sends one of them",
                    ));
                    return Vec::new();
                };
                let id = result.meta.id.clone();
                self.busy = Some("sending the request to the CA…".into());
                self.disposition = None;
                vec![Command::Submit {
                    id,
                    enrollment: self.enrollment.clone(),
                }]
            }
            Msg::Retrieve(id) => {
                if self.busy.is_some() {
                    return Vec::new();
                }
                self.busy = Some("asking the CA for the certificate…".into());
                self.disposition = None;
                vec![Command::Retrieve {
                    id: Some(id),
                    number: None,
                    enrollment: self.enrollment.clone(),
                }]
            }
            Msg::RetrieveNumbered => {
                if self.busy.is_some() {
                    return Vec::new();
                }
                match certreq_inf::values::parse_number(&self.retrieve_number) {
                    Some(n) => {
                        self.busy = Some(format!("asking the CA for request {n}…"));
                        self.disposition = None;
                        vec![Command::Retrieve {
                            id: None,
                            number: Some(n),
                            enrollment: self.enrollment.clone(),
                        }]
                    }
                    None => {
                        self.disposition = Some(error_outcome(format!(
                            "“{}” is not a request id; type the number the CA gave \
                             (decimal, or hex with 0x)",
                            self.retrieve_number.trim()
                        )));
                        Vec::new()
                    }
                }
            }
            Msg::Enrolled(outcome) => {
                self.busy = None;
                let outcome = outcome.unwrap_or_else(error_outcome);
                if let Some(entry) = &outcome.entry {
                    match self.store.iter_mut().find(|e| e.id == entry.id) {
                        Some(e) => *e = entry.clone(),
                        None => self.store.push(entry.clone()),
                    }
                }
                self.disposition = Some(outcome);
                self.answers = self.answers.wrapping_add(1);
                Vec::new()
            }
            Msg::SubmitFile { name, bytes } => match read_request(&name, &bytes) {
                Ok(loaded) => {
                    let spki = loaded.spki.clone();
                    self.loaded = Some(Ok(loaded));
                    vec![Command::MatchKey(spki)]
                }
                Err(why) => {
                    self.loaded = Some(Err(why));
                    Vec::new()
                }
            },
            Msg::KeyMatched(name) => {
                if let Some(Ok(loaded)) = self.loaded.as_mut() {
                    loaded.key = Some(name);
                }
                Vec::new()
            }
            Msg::SubmitEntry(id) => {
                if self.busy.is_some() {
                    return Vec::new();
                }
                let waiting = self.store.iter().any(|e| {
                    e.id == id && e.state == EntryState::Pending && e.request_id.is_none()
                });
                if !waiting {
                    return Vec::new();
                }
                self.busy = Some("sending the request to the CA…".into());
                self.disposition = None;
                vec![Command::Submit {
                    id,
                    enrollment: self.enrollment.clone(),
                }]
            }
            Msg::DownloadIssued => {
                let Some(der) = self
                    .disposition
                    .as_ref()
                    .and_then(|d| d.certificate.clone())
                else {
                    return Vec::new();
                };
                let label = match &self.loaded {
                    Some(Ok(l)) => l.name.rsplit_once('.').map_or(l.name.as_str(), |(s, _)| s),
                    _ => "certificate",
                };
                vec![Command::DownloadCertificate {
                    name: export_file_name(label, "cer"),
                    der,
                }]
            }
            Msg::PfxOpen(id) => {
                let exportable = self
                    .store
                    .iter()
                    .any(|e| e.id == id && e.certificate.is_some() && e.exportable == Some(true));
                if exportable {
                    self.pfx = Some(PfxDialog {
                        id,
                        ..PfxDialog::default()
                    });
                } else {
                    self.notice = Some(Notice::error(
                        "this key cannot be exported (it was made with Exportable = FALSE) or \
                         has no certificate yet; export the certificate alone instead",
                    ));
                }
                Vec::new()
            }
            Msg::PfxPassword(p) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.password = p;
                    d.problem = None;
                }
                Vec::new()
            }
            Msg::PfxConfirm(p) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.confirm = p;
                    d.problem = None;
                }
                Vec::new()
            }
            Msg::PfxProfile(profile) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.profile = profile;
                }
                Vec::new()
            }
            Msg::PfxCancel => {
                self.pfx = None;
                Vec::new()
            }
            Msg::PfxSubmit => {
                let Some(d) = self.pfx.as_mut() else {
                    return Vec::new();
                };
                if d.password.is_empty() {
                    d.problem = Some("type a password to protect the private key".into());
                    return Vec::new();
                }
                if d.password != d.confirm {
                    d.problem = Some("the two passwords differ; type them again".into());
                    return Vec::new();
                }
                let Some(d) = self.pfx.take() else {
                    return Vec::new();
                };
                vec![Command::ExportPfx {
                    id: d.id,
                    password: d.password,
                    profile: d.profile,
                }]
            }
        }
    }

    /// Whether the decoder's answer for its current input is still to come (the input is not
    /// blank, and no output is shown for it yet).
    pub fn decoding(&self) -> bool {
        self.decoded.is_none() && !self.decode_input.bytes().all(|b| b.is_ascii_whitespace())
    }

    /// Asks for `bytes` to be decoded (PEM with any label, base64 or DER); blank input
    /// clears the output instead.
    fn decode(&mut self, bytes: Vec<u8>) -> Vec<Command> {
        self.decode_seq = self.decode_seq.wrapping_add(1);
        self.decoded = None;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Vec::new();
        }
        vec![Command::Decode {
            seq: self.decode_seq,
            bytes,
        }]
    }

    /// Puts `text` in the editor, keeping what it replaces for [`Msg::RestorePrevious`].
    fn replace_text(&mut self, text: String) {
        if text == self.text {
            return;
        }
        let replaced = core::mem::take(&mut self.text);
        self.caret = 0;
        self.set_text(text);
        self.previous = Some(replaced);
    }

    /// Replaces the text and recompiles it, keeping the caret inside it.
    fn set_text(&mut self, text: String) {
        self.compiled = (self.compiler)(&text);
        self.lines = LineIndex::new(&text);
        self.caret = self.caret.min(text.len());
        while !text.is_char_boundary(self.caret) {
            self.caret -= 1;
        }
        self.text = text;
    }

    /// Which stored key signs `request`: `Ok(Some(id))` the pending entry whose container
    /// `UseExistingKeySet` names, `Ok(None)` a new key; an error when the named key is not
    /// here, or a new key would take a container name a pending key already has.
    pub fn key_to_use(&self, request: &NewRequest) -> Result<Option<String>, String> {
        let container = request.key.container.as_deref();
        // Windows container names are case-insensitive (the fold is a pure function, done
        // by the browser in the app and by Rust in native tests)
        let pending = |name: &str| {
            self.store.iter().rev().find(|e| {
                e.state == EntryState::Pending
                    && e.container
                        .as_deref()
                        .is_some_and(|c| crate::services::same_name_any_case(c, name))
            })
        };
        match (request.key.use_existing, container) {
            (true, None) => Err("UseExistingKeySet = TRUE needs KeyContainer to name the \
                                 stored key to reuse"
                .into()),
            (true, Some(name)) => match pending(name) {
                Some(entry) => Ok(Some(entry.id.clone())),
                None => Err(format!(
                    "no pending key named “{name}” is kept in this browser; make one first \
                     with KeyContainer = \"{name}\" and UseExistingKeySet = FALSE"
                )),
            },
            (false, Some(name)) if pending(name).is_some() => Err(format!(
                "a pending key named “{name}” is already kept here; set UseExistingKeySet = \
                 TRUE to reuse it, or choose another KeyContainer name"
            )),
            (false, _) => Ok(None),
        }
    }
}

/// An error outcome: the CA could not be asked, or answered with an error.
pub fn error_outcome(message: impl Into<String>) -> Outcome {
    Outcome {
        status: Status::Error,
        message: message.into(),
        request_id: None,
        entry: None,
        certificate: None,
    }
}

/// What the store shows about an accepted certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertDetails {
    pub subject: String,
    pub issuer: String,
    /// Seconds since 1970.
    pub not_before: i64,
    pub not_after: i64,
    pub thumbprint_sha1: String,
    pub key_algorithm: String,
    pub serial: String,
}

impl CertDetails {
    /// What the store shows about `cert`.
    pub fn of(cert: &certreq_pkix::cert::Certificate) -> Self {
        CertDetails {
            subject: cert.subject(),
            issuer: cert.issuer(),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            thumbprint_sha1: cert.thumbprint_sha1(),
            key_algorithm: cert.key_algorithm(),
            serial: cert.serial_hex(),
        }
    }
}

/// A reminder when a certificate expires within 30 days (or has expired), `now_ms` being the
/// clock in milliseconds since 1970.
pub fn expiry_reminder(not_after: i64, now_ms: f64) -> Option<String> {
    let now = (now_ms / 1000.0) as i64;
    let left = not_after.saturating_sub(now);
    if left < 0 {
        Some("this certificate has expired; request a new one".into())
    } else if left <= 30 * 86_400 {
        let days = left / 86_400;
        Some(match days {
            0 => "this certificate expires within a day; renew it now".into(),
            1 => "this certificate expires in 1 day; renew it soon".into(),
            n => format!("this certificate expires in {n} days; renew it soon"),
        })
    } else {
        None
    }
}

/// A response matched to a stored key: the key's index, the leaf DER, its issuers' DER.
pub type Matched = (usize, Vec<u8>, Vec<Vec<u8>>);

/// Which stored key a response is for: among `keys` (entry id, state, SPKI DER), a pending
/// entry first, then an issued one (accepting again replaces its certificate). Returns the
/// entry's index, the leaf DER and its issuers' DER (issuer first), or why none matches.
pub fn match_response(
    response: &certreq_pkix::cert::Response,
    keys: &[(String, EntryState, Vec<u8>)],
) -> Result<Matched, String> {
    let order = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.1 == EntryState::Pending)
        .chain(
            keys.iter()
                .enumerate()
                .filter(|(_, k)| k.1 != EntryState::Pending),
        );
    for (i, (_, _, spki)) in order {
        if let Some(leaf) = response.leaf_for(spki) {
            let chain = response
                .chain_for(leaf)
                .into_iter()
                .skip(1)
                .map(|c| c.der().to_vec())
                .collect();
            return Ok((i, leaf.der().to_vec(), chain));
        }
    }
    let about = response
        .leaf()
        .map(|c| format!(" (it is for {}, a {} key)", c.subject(), c.key_algorithm()))
        .unwrap_or_default();
    Err(format!(
        "this certificate{about} belongs to none of the keys kept in this browser, so nothing \
         was changed; accept it in the browser (and on the origin) where its request was made"
    ))
}

/// PEM text with `label` (`CERTIFICATE`…), 64 characters a line.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64ct::Encoding;
    let b64 = base64ct::Base64::encode_string(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for (i, c) in b64.chars().enumerate() {
        if i > 0 && i % 64 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push_str(&format!("\n-----END {label}-----\n"));
    out
}

/// A file name for an entry's certificate: its label made safe, with `extension`.
pub fn export_file_name(label: &str, extension: &str) -> String {
    let req = safe_file_name(label);
    let stem = req.strip_suffix(".req").unwrap_or(&req);
    let stem = if stem == "request" {
        "certificate"
    } else {
        stem
    };
    format!("{stem}.{extension}")
}

/// Where a file goes: `Page` drops go to the decoder unless they read as INF text (a file
/// named `.inf`/`.txt`, or text with a `[section]` header and no PEM armor).
pub fn route_dropped(target: FileTarget, name: &str, bytes: &[u8]) -> FileTarget {
    if target != FileTarget::Page {
        return target;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".inf") || lower.ends_with(".txt") {
        return FileTarget::Editor;
    }
    let text = certreq_inf::text::decode(bytes).text;
    let looks_inf = !text.contains("-----BEGIN")
        && text
            .lines()
            .any(|l| l.trim_start().starts_with('[') && l.contains(']'));
    if looks_inf {
        FileTarget::Editor
    } else {
        FileTarget::Decoder
    }
}

/// What the decoder's text box shows for a file: its text when it is text (PEM, base64),
/// otherwise the bytes as base64 in 64-character lines (which decode to the same bytes).
pub fn decoder_text(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    match core::str::from_utf8(bytes) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')) =>
        {
            text.to_owned()
        }
        _ => {
            let b64 = base64ct::Base64::encode_string(bytes);
            let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 1);
            for (i, c) in b64.chars().enumerate() {
                if i > 0 && i % 64 == 0 {
                    out.push('\n');
                }
                out.push(c);
            }
            out.push('\n');
            out
        }
    }
}

/// What the progress line says while the key is made (RSA takes a while).
pub fn progress_text(request: &NewRequest) -> String {
    use certreq_request::model::KeyAlgorithm;
    match request.key.algorithm {
        KeyAlgorithm::Rsa { bits } if bits >= 4096 => {
            format!("generating an RSA {bits}-bit key; this can take a while…")
        }
        KeyAlgorithm::Rsa { bits } => format!("generating an RSA {bits}-bit key…"),
        KeyAlgorithm::Ecdsa(curve) => {
            format!("generating an ECDSA {} key…", curve.web_crypto_name())
        }
    }
}

/// The file name to offer a request under: its label ([`label_for`]) made safe.
pub fn file_name_for(request: &NewRequest) -> String {
    safe_file_name(&label_for(request))
}

/// `label.req` with characters unsafe in file names replaced by `_`.
pub fn safe_file_name(label: &str) -> String {
    let safe: String = label
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.trim_matches(|c| c == '.' || c == '_').is_empty() {
        "request.req".into()
    } else {
        format!("{safe}.req")
    }
}

/// The label to store a request under: the friendly name, else the subject's common name.
pub fn label_for(request: &NewRequest) -> String {
    request
        .friendly_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| {
            request
                .subject
                .common_name()
                .ok()
                .flatten()
                .map(|cn| cn.value().into_owned())
        })
        .unwrap_or_else(|| "unnamed request".into())
}

// native only: these tests answer as the tools module does, which the wasm test build does
// not link
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use certreq_inf::{Entry, Inf, Section, Value};
    use certreq_request::model::{Curve, Hash, KeyAlgorithm, KeyPlan, KeySpec, RequestType};
    use certreq_request::model::{SignatureScheme, ValidityPlan};
    use std::str::FromStr;
    use x509_cert::name::Name;

    fn request(friendly: Option<&str>) -> NewRequest {
        NewRequest {
            request_type: RequestType::Pkcs10,
            subject: Name::from_str("CN=www.example.com,O=Example").unwrap(),
            key: KeyPlan {
                algorithm: KeyAlgorithm::Rsa { bits: 2048 },
                exportable: false,
                key_spec: KeySpec::KeyExchange,
                container: None,
                use_existing: false,
            },
            signature: SignatureScheme::RsaPkcs1(Hash::Sha256),
            extensions: Vec::new(),
            subject_key_identifier: true,
            ski_position: 0,
            name_value_pairs: Vec::new(),
            default_attributes: true,
            friendly_name: friendly.map(str::to_owned),
            validity: ValidityPlan::default(),
            renewal_cert: None,
        }
    }

    /// A stand-in compiler: text containing "BAD" has an error on the word; anything else
    /// yields a request. One `[NewRequest]` entry per `key = value` line.
    fn fake(text: &str) -> Compiled {
        let mut entries = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some((key, _)) = line.split_once('=') {
                let key = key.trim();
                entries.push(Entry {
                    key: key.to_owned(),
                    key_span: offset..offset + key.len(),
                    value: Value::default(),
                    span: offset..offset + line.trim_end().len(),
                });
            }
            offset += line.len();
        }
        let inf = Inf {
            sections: vec![Section {
                name: "NewRequest".into(),
                headers: Vec::new(),
                entries,
            }],
        };
        match text.find("BAD") {
            Some(at) => Compiled {
                inf,
                request: None,
                diagnostics: vec![Diagnostic::error(
                    certreq_inf::codes::INVALID_NUMBER,
                    at..at + 3,
                    "this is bad",
                )],
            },
            None => Compiled {
                inf,
                request: Some(request(Some("web server"))),
                diagnostics: Vec::new(),
            },
        }
    }

    #[test]
    fn errors_disable_generate_and_fixing_them_enables_it() {
        let mut s = State::new("Subject = x\nKeyLength = BAD\n", fake);
        assert!(s.has_errors());
        assert!(!s.can_generate());
        assert!(
            s.update(Msg::Generate).is_empty(),
            "generate does nothing with errors"
        );
        assert_eq!(s.line_severity(1), Some(Severity::Error));
        assert_eq!(s.position(&s.compiled.diagnostics[0]), (2, 13));

        s.update(Msg::Edit("Subject = x\nKeyLength = 2048\n".into()));
        assert!(s.can_generate());
        assert_eq!(s.counts(), (0, 0, 0));
    }

    #[test]
    fn generate_runs_once_and_reports_progress_until_done() {
        let mut s = State::new("Subject = x\n", fake);
        let commands = s.update(Msg::Generate);
        assert!(matches!(
            commands.as_slice(),
            [Command::Generate { inf, .. }] if inf == "Subject = x\n"
        ));
        assert_eq!(s.busy.as_deref(), Some("generating an RSA 2048-bit key…"));
        assert!(!s.can_generate(), "a second click while busy does nothing");
        assert!(s.update(Msg::Generate).is_empty());

        let meta = EntryMeta {
            id: "id-1".into(),
            friendly_name: "web server".into(),
            created_ms: 0.0,
            inf: s.text.clone(),
            state: EntryState::Pending,
            container: None,
            ..Default::default()
        };
        s.update(Msg::Generated(Ok(Generated {
            meta: meta.clone(),
            pem: "-----BEGIN NEW CERTIFICATE REQUEST-----".into(),
            file_name: "web_server.req".into(),
            exportable: false,
        })));
        assert_eq!(s.busy, None);
        assert_eq!(s.store, vec![meta]);
        assert!(s.can_generate());
        assert_eq!(
            s.update(Msg::Copy),
            vec![Command::Copy(
                "-----BEGIN NEW CERTIFICATE REQUEST-----".into()
            )]
        );
    }

    #[test]
    fn a_self_signed_certificate_is_kept_as_issued_and_never_submitted() {
        let mut s = State::new("[NewRequest]\nSubject = x\nRequestType = Cert\n", fake);
        s.update(Msg::Generate);
        let meta = EntryMeta {
            id: "id-1".into(),
            friendly_name: "x".into(),
            state: EntryState::Issued,
            certificate: Some(vec![0x30, 0]),
            ..Default::default()
        };
        s.update(Msg::Generated(Ok(Generated {
            meta: meta.clone(),
            pem: "-----BEGIN CERTIFICATE-----".into(),
            file_name: "x.cer".into(),
            exportable: false,
        })));
        assert_eq!(s.store, vec![meta]);
        let notice = s.notice.as_ref().unwrap();
        assert!(
            notice.text.starts_with("self-signed certificate made"),
            "{notice:?}"
        );
        assert!(!s.can_submit(), "there is no request to send");
        assert!(s.update(Msg::Submit).is_empty());
        assert!(s.disposition.is_some(), "Submit says why it sends nothing");
    }

    #[test]
    fn a_failed_generation_is_reported_and_allows_a_retry() {
        let mut s = State::new("Subject = x\n", fake);
        s.update(Msg::Generate);
        s.update(Msg::Generated(Err(
            "key generation failed: OperationError".into()
        )));
        assert_eq!(s.busy, None);
        assert_eq!(
            s.notice,
            Some(Notice::error("key generation failed: OperationError"))
        );
        assert!(s.can_generate());
    }

    #[test]
    fn jumping_to_a_diagnostic_selects_its_utf16_range() {
        // "é" is two bytes but one UTF-16 unit: the selection must count units
        let mut s = State::new("Subject = é\nKeyLength = BAD\n", fake);
        let commands = s.update(Msg::JumpTo(0));
        let start = "Subject = é\nKeyLength = ".encode_utf16().count() as u32;
        assert_eq!(
            commands,
            vec![
                Command::Select {
                    start,
                    end: start + 3
                },
                // and the reference panel turns to the key the caret is now on
                Command::Doc(DocQuery {
                    section: "NewRequest".into(),
                    key: Some("KeyLength".into()),
                }),
            ]
        );
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "KeyLength")));
        assert!(s.update(Msg::JumpTo(7)).is_empty(), "no such diagnostic");
    }

    #[test]
    fn the_caret_picks_the_key_for_the_docs_panel() {
        let mut s = State::new("Subject = x\n\nExportable = TRUE\n", fake);
        s.update(Msg::Caret(3));
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "Subject")));
        s.update(Msg::Caret(12));
        assert_eq!(s.key_at_caret(), None, "blank line");
        s.update(Msg::Caret(20));
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "Exportable")));
    }

    #[test]
    fn the_reference_panel_follows_the_caret_once_it_moves_and_keeps_only_current_answers() {
        fn with_header(text: &str) -> Compiled {
            let mut c = fake(text);
            c.inf.sections[0].headers.push(0..12);
            c
        }
        let mut s = State::new(
            "[NewRequest]\nSubject = x\n\nExportable = TRUE\n",
            with_header,
        );
        assert_eq!(s.doc, None, "nothing is looked up before the caret moves");
        let subject = DocQuery {
            section: "NewRequest".into(),
            key: Some("Subject".into()),
        };
        let section = DocQuery {
            section: "NewRequest".into(),
            key: None,
        };
        assert_eq!(
            s.update(Msg::Caret(15)),
            vec![Command::Doc(subject.clone())]
        );
        assert_eq!(s.doc.as_ref().unwrap().page, None, "looking it up");
        assert!(s.update(Msg::Caret(16)).is_empty(), "same key: asked once");
        // the caret moves on before the answer comes: the late answer is not shown
        assert_eq!(s.update(Msg::Caret(2)), vec![Command::Doc(section.clone())]);
        let page = DocPage::Section {
            name: "NewRequest".into(),
            summary: "s".into(),
            here: String::new(),
            example: String::new(),
        };
        s.update(Msg::DocLooked {
            query: subject,
            page: Ok(None),
        });
        assert_eq!(s.doc.as_ref().unwrap().page, None);
        s.update(Msg::DocLooked {
            query: section.clone(),
            page: Ok(Some(page.clone())),
        });
        assert_eq!(s.doc.as_ref().unwrap().page, Some(Ok(Some(page))));
        // a blank line has no page; a failed lookup is kept to be said
        assert!(s.update(Msg::Caret(25)).is_empty());
        assert_eq!(s.doc, None);
        assert_eq!(s.update(Msg::Caret(2)), vec![Command::Doc(section.clone())]);
        s.update(Msg::DocLooked {
            query: section,
            page: Err("no module".into()),
        });
        assert_eq!(s.doc.as_ref().unwrap().page, Some(Err("no module".into())));
    }

    #[test]
    fn the_caret_on_a_header_picks_the_section() {
        fn with_header(text: &str) -> Compiled {
            let mut c = fake(text);
            c.inf.sections[0].headers.push(0..12);
            c
        }
        let mut s = State::new("[NewRequest]\nSubject = x\n", with_header);
        assert_eq!(s.section_at_caret(), Some("NewRequest"));
        s.update(Msg::Caret(15));
        assert_eq!(s.section_at_caret(), None);
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "Subject")));
    }

    #[test]
    fn shrinking_the_text_keeps_the_caret_inside_it() {
        let mut s = State::new("Subject = x\nKeyLength = 2048\n", fake);
        s.update(Msg::Caret(25));
        s.update(Msg::Edit("Su".into()));
        assert_eq!(s.caret, 2);
        s.update(Msg::Edit("é".into()));
        assert!(s.text.is_char_boundary(s.caret));
    }

    #[test]
    fn the_store_list_loads_and_deletes() {
        let mut s = State::new("", fake);
        assert_eq!(
            State::init(),
            vec![Command::LoadStore, Command::RequestPersistence]
        );
        let entry = |id: &str| EntryMeta {
            id: id.into(),
            friendly_name: id.into(),
            created_ms: 1.0,
            inf: String::new(),
            state: EntryState::Pending,
            container: Some("c".into()),
            ..Default::default()
        };
        s.update(Msg::StoreLoaded(Ok(vec![entry("a"), entry("b")])));
        assert_eq!(
            s.update(Msg::Delete("a".into())),
            vec![Command::Delete("a".into())]
        );
        s.update(Msg::Deleted(Ok("a".into())));
        assert_eq!(s.store, vec![entry("b")]);
        s.update(Msg::Deleted(Err("cannot delete the request: x".into())));
        assert!(s.notice.as_ref().is_some_and(|n| n.error));
    }

    #[test]
    fn the_default_template_is_a_clean_tls_server_request() {
        let mut s = State::default();
        let errors: Vec<_> = s
            .compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(s.can_generate());
        let request = s.compiled.request.clone().expect("a request");
        assert_eq!(request.key.algorithm, KeyAlgorithm::Rsa { bits: 2048 });
        assert!(!request.key.exportable);
        assert_eq!(request.signature, SignatureScheme::RsaPkcs1(Hash::Sha256));
        assert_eq!(request.friendly_name.as_deref(), Some("www.example.com"));
        let p = super::super::preview::preview(&request);
        let subject: Vec<&str> = p
            .subject
            .iter()
            .flatten()
            .map(|a| a.attribute.as_str())
            .collect();
        assert_eq!(
            subject,
            ["C", "S", "L", "O", "CN"],
            "certreq reverses the written order"
        );
        let san = p
            .extensions
            .iter()
            .find(|e| e.oid == "2.5.29.17")
            .expect("a SAN");
        assert_eq!(san.details, ["DNS: www.example.com", "DNS: example.com"]);
        assert!(matches!(
            s.update(Msg::Generate).as_slice(),
            [Command::Generate { .. }]
        ));
        assert_eq!(file_name_for(&request), "www.example.com.req");
    }

    fn pending(id: &str, container: Option<&str>) -> EntryMeta {
        EntryMeta {
            id: id.into(),
            friendly_name: id.into(),
            created_ms: 1.0,
            inf: String::new(),
            state: EntryState::Pending,
            container: container.map(str::to_owned),
            ..Default::default()
        }
    }

    #[test]
    fn a_template_replaces_the_text_and_the_old_text_can_be_restored() {
        let mut s = State::new("Subject = mine\n", compile);
        s.update(Msg::UseTemplate("subca".into()));
        assert_eq!(s.text, super::super::templates::find("subca").unwrap().text);
        assert_eq!(s.previous.as_deref(), Some("Subject = mine\n"));
        assert_eq!(s.source.as_deref(), Some("template: Subordinate CA"));
        assert!(s.can_generate());
        s.update(Msg::RestorePrevious);
        assert_eq!(s.text, "Subject = mine\n");
        assert!(
            s.compiled.request.is_none() || s.compiled.diagnostics.iter().any(|d| d.is_error()),
            "the restored text is compiled again"
        );
        s.update(Msg::RestorePrevious);
        assert!(s.text.contains("Issuing CA"), "restoring twice swaps back");
        s.update(Msg::UseTemplate("no-such-template".into()));
        assert!(
            s.text.contains("Issuing CA"),
            "an unknown id changes nothing"
        );
    }

    #[test]
    fn an_opened_utf16_file_fills_the_editor_and_names_its_encoding() {
        let mut s = State::new("", compile);
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "[NewRequest]\r\nSubject = \"CN=é\"\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        s.update(Msg::FileOpened {
            target: FileTarget::Editor,
            name: "web.inf".into(),
            bytes,
        });
        assert_eq!(s.text, "[NewRequest]\r\nSubject = \"CN=é\"\r\n");
        assert_eq!(s.source.as_deref(), Some("web.inf (UTF-16LE)"));
        assert!(s.can_generate());

        // "ANSI" (Windows-1252) bytes: 0xE9 is é
        s.update(Msg::FileOpened {
            target: FileTarget::Page,
            name: "old.inf".into(),
            bytes: b"[NewRequest]\nSubject = \"CN=\xE9\"\n".to_vec(),
        });
        assert_eq!(s.text, "[NewRequest]\nSubject = \"CN=é\"\n");
        assert_eq!(s.source.as_deref(), Some("old.inf (Windows-1252)"));
    }

    #[test]
    fn dropped_files_go_to_the_editor_or_the_decoder_by_what_they_are() {
        let route = |name: &str, bytes: &[u8]| route_dropped(FileTarget::Page, name, bytes);
        assert_eq!(route("a.inf", b"anything"), FileTarget::Editor);
        assert_eq!(
            route("request", b"[NewRequest]\nSubject=x"),
            FileTarget::Editor
        );
        assert_eq!(
            route("x.req", b"-----BEGIN NEW CERTIFICATE REQUEST-----\n"),
            FileTarget::Decoder
        );
        assert_eq!(
            route("x.cer", &[0x30, 0x82, 0x01, 0x00]),
            FileTarget::Decoder
        );
        assert_eq!(
            route_dropped(FileTarget::Decoder, "a.inf", b"[x]"),
            FileTarget::Decoder,
            "an explicit target wins"
        );
    }

    /// What the decoder module answers, asked as the app asks it.
    fn answer(command: &Command) -> Msg {
        let Command::Decode { seq, bytes } = command else {
            panic!("not a decode request: {command:?}");
        };
        let (status, answer) = certreq_web_tools::serve(certreq_wire::OP_DUMP, bytes);
        Msg::Decoded {
            seq: *seq,
            result: certreq_wire::answer(status, answer)
                .map(|bytes| certreq_wire::dump_from_wire(&bytes).expect("a dump")),
        }
    }

    /// Whether `text` is anywhere in the decoded tree.
    fn dump_shows(dump: &certreq_wire::Dump, text: &str) -> bool {
        fn in_nodes(nodes: &[certreq_wire::Node], text: &str) -> bool {
            nodes.iter().any(|n| {
                n.label.contains(text) || n.value.contains(text) || in_nodes(&n.children, text)
            })
        }
        dump.title.contains(text) || in_nodes(&dump.nodes, text)
    }

    #[test]
    fn the_decoder_reads_pem_base64_and_der_alike() {
        // a tiny DER structure: SEQUENCE { INTEGER 5 }
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let mut s = State::new("", fake);
        let asked = s.update(Msg::FileOpened {
            target: FileTarget::Decoder,
            name: "thing.der".into(),
            bytes: der.to_vec(),
        });
        assert_eq!(s.decode_input, "MAMCAQU=\n", "DER shows as base64");
        assert_eq!(s.decode_source.as_deref(), Some("thing.der, 5 bytes"));
        assert!(
            s.decoding() && s.decoded.is_none(),
            "decoding, nothing shown yet"
        );
        assert!(
            matches!(&asked[..], [Command::Decode { bytes, .. }] if bytes == &der),
            "the file's own bytes are decoded: {asked:?}"
        );
        s.update(answer(&asked[0]));
        assert!(!s.decoding());
        let from_der = s.decoded.clone().expect("decoded").expect("ok");
        let asked = s.update(Msg::DecodeInput(
            "-----BEGIN WHATEVER-----\nMAMCAQU=\n-----END WHATEVER-----\n".into(),
        ));
        s.update(answer(&asked[0]));
        let from_pem = s.decoded.clone().expect("decoded").expect("ok");
        assert_eq!(from_pem.kind, from_der.kind);
        assert!(dump_shows(&from_pem, "WHATEVER"), "the PEM label is shown");
        assert!(s.update(Msg::DecodeInput("  \n".into())).is_empty());
        assert_eq!(s.decoded, None, "blank input shows nothing");
        assert!(!s.decoding());
        assert_eq!(s.decode_source, None);
    }

    #[test]
    fn an_answer_for_older_input_is_dropped() {
        let mut s = State::new("", fake);
        let first = s.update(Msg::DecodeInput("MAMCAQU=".into()));
        let second = s.update(Msg::DecodeInput("not base64 at all!".into()));
        // the answers come back out of order: the newer one first
        s.update(answer(&second[0]));
        let shown = s.decoded.clone();
        assert!(matches!(shown, Some(Err(_))), "{shown:?}");
        s.update(answer(&first[0]));
        assert_eq!(
            s.decoded, shown,
            "the late answer for the old input is ignored"
        );
        assert!(!s.decoding());
    }

    #[test]
    fn use_existing_key_set_reuses_the_pending_key_with_that_container() {
        let mut s = State::new("Subject = x\n", fake);
        s.store = vec![
            pending("old", Some("web-key")),
            pending("other", Some("Other")),
        ];
        let mut r = request(None);
        r.key.use_existing = true;
        r.key.container = Some("WEB-KEY".into());
        assert_eq!(
            s.key_to_use(&r),
            Ok(Some("old".into())),
            "names match case-insensitively"
        );

        s.store.push(pending("umlaut", Some("Schlüssel")));
        r.key.container = Some("SCHLÜSSEL".into());
        assert_eq!(
            s.key_to_use(&r),
            Ok(Some("umlaut".into())),
            "beyond ASCII too"
        );

        r.key.container = Some("missing".into());
        let err = s.key_to_use(&r).unwrap_err();
        assert!(err.contains("“missing”"), "{err}");

        r.key.container = None;
        assert!(s.key_to_use(&r).unwrap_err().contains("KeyContainer"));

        // an issued entry's key is not offered for reuse
        s.store = vec![EntryMeta {
            state: EntryState::Issued,
            ..pending("done", Some("web-key"))
        }];
        r.key.container = Some("web-key".into());
        assert!(s.key_to_use(&r).is_err());

        // a new key may not take a pending key's name
        s.store = vec![pending("old", Some("web-key"))];
        r.key.use_existing = false;
        assert!(s.key_to_use(&r).unwrap_err().contains("already kept"));
        r.key.container = Some("fresh".into());
        assert_eq!(s.key_to_use(&r), Ok(None));
    }

    #[test]
    fn generate_with_a_missing_stored_key_says_so_and_makes_nothing() {
        fn reusing(text: &str) -> Compiled {
            let mut c = fake(text);
            if let Some(r) = c.request.as_mut() {
                r.key.use_existing = true;
                r.key.container = Some("web-key".into());
            }
            c
        }
        let mut s = State::new("Subject = x\n", reusing);
        assert!(
            s.update(Msg::Generate).is_empty(),
            "never a new key silently"
        );
        assert!(
            s.notice
                .as_ref()
                .is_some_and(|n| n.error && n.text.contains("web-key"))
        );
        assert_eq!(s.busy, None);

        s.store = vec![pending("old", Some("web-key"))];
        let commands = s.update(Msg::Generate);
        assert!(matches!(
            commands.as_slice(),
            [Command::Generate { reuse: Some(id), .. }] if id == "old"
        ));
        assert_eq!(s.busy.as_deref(), Some("signing with the stored key…"));
    }

    #[test]
    fn entry_states_read_back_safely() {
        assert_eq!(EntryState::parse("issued"), EntryState::Issued);
        assert_eq!(EntryState::parse("pending"), EntryState::Pending);
        assert_eq!(EntryState::parse("garbage"), EntryState::Pending);
        assert_eq!(EntryState::Pending.as_str(), "pending");
    }

    #[test]
    fn file_names_come_from_the_friendly_name_or_the_common_name() {
        assert_eq!(
            file_name_for(&request(Some("web server"))),
            "web_server.req"
        );
        assert_eq!(file_name_for(&request(None)), "www.example.com.req");
        assert_eq!(file_name_for(&request(Some("  "))), "www.example.com.req");
        assert_eq!(safe_file_name("../.."), "request.req");
        assert_eq!(safe_file_name("a/b\\c:d"), "a_b_c_d.req");
    }

    #[test]
    fn progress_text_warns_about_slow_keys() {
        let mut r = request(None);
        r.key.algorithm = KeyAlgorithm::Rsa { bits: 4096 };
        assert!(progress_text(&r).contains("can take a while"));
        r.key.algorithm = KeyAlgorithm::Ecdsa(Curve::P384);
        assert_eq!(progress_text(&r), "generating an ECDSA P-384 key…");
    }

    const LEAF_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-leaf.crt");
    const CA_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-ca.crt");

    fn cert(pem: &[u8]) -> certreq_pkix::cert::Certificate {
        let r = certreq_read::response::parse(pem).expect("a certificate");
        r.certificates()[0].clone()
    }

    #[test]
    fn a_p7b_is_matched_to_the_pending_key_with_its_chain() {
        let (leaf, ca) = (cert(LEAF_PEM), cert(CA_PEM));
        let p7b = certreq_pkix::cert::build_certs_only_pkcs7([ca.der(), leaf.der()]);
        let response = certreq_read::response::parse(&p7b).unwrap();
        let keys = vec![
            ("other".to_owned(), EntryState::Pending, vec![0x30, 0x00]),
            (
                "issued".to_owned(),
                EntryState::Issued,
                leaf.spki_der().to_vec(),
            ),
            (
                "mine".to_owned(),
                EntryState::Pending,
                leaf.spki_der().to_vec(),
            ),
        ];
        let (i, leaf_der, chain) = match_response(&response, &keys).unwrap();
        assert_eq!(
            i, 2,
            "the pending entry wins over an issued one with the same key"
        );
        assert_eq!(leaf_der, leaf.der());
        assert_eq!(chain, vec![ca.der().to_vec()]);

        let err = match_response(&response, &keys[..1])
            .map(|_| ())
            .unwrap_err();
        assert!(err.contains("CN=pfx-test.example"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
    }

    #[test]
    fn accepting_replaces_the_entry_and_a_bad_file_changes_nothing() {
        let mut s = State::new("", fake);
        s.store = vec![pending("a", None)];
        assert!(
            s.update(Msg::AcceptFile {
                name: "x.cer".into(),
                bytes: b"hello".to_vec()
            })
            .is_empty()
        );
        let n = s.notice.clone().unwrap();
        assert!(
            n.error && n.text.starts_with("x.cer is not a certificate"),
            "{n:?}"
        );
        assert_eq!(s.store, vec![pending("a", None)]);

        assert_eq!(
            s.update(Msg::AcceptFile {
                name: "x.cer".into(),
                bytes: LEAF_PEM.to_vec()
            }),
            vec![Command::Accept(LEAF_PEM.to_vec())]
        );
        let leaf = cert(LEAF_PEM);
        let issued = EntryMeta {
            state: EntryState::Issued,
            certificate: Some(leaf.der().to_vec()),
            details: Some(CertDetails::of(&leaf)),
            exportable: Some(true),
            ..pending("a", None)
        };
        s.update(Msg::Accepted(Ok(issued.clone())));
        assert_eq!(s.store, vec![issued.clone()]);
        assert!(
            s.notice
                .as_ref()
                .unwrap()
                .text
                .contains("CN=pfx-test.example")
        );

        let d = issued.details.unwrap();
        assert_eq!(d.subject, "CN=pfx-test.example");
        assert_eq!(d.issuer, "CN=certreq-web Test CA");
        assert_eq!(d.thumbprint_sha1.len(), 40);
        assert_eq!(d.key_algorithm, "RSA 2048");
    }

    #[test]
    fn expiry_reminders_start_thirty_days_before() {
        let day = 86_400_i64;
        let now_ms = 1_000_000.0 * 1000.0;
        let now = 1_000_000_i64;
        assert_eq!(expiry_reminder(now + 31 * day, now_ms), None);
        assert_eq!(
            expiry_reminder(now + 30 * day, now_ms).as_deref(),
            Some("this certificate expires in 30 days; renew it soon")
        );
        assert!(
            expiry_reminder(now - 1, now_ms)
                .unwrap()
                .contains("expired")
        );
    }

    #[test]
    fn the_pfx_dialog_needs_an_exportable_key_and_matching_passwords() {
        let mut s = State::new("", fake);
        s.store = vec![
            EntryMeta {
                certificate: Some(vec![1]),
                exportable: Some(false),
                ..pending("locked", None)
            },
            EntryMeta {
                certificate: Some(vec![1]),
                exportable: Some(true),
                ..pending("open", None)
            },
        ];
        s.update(Msg::PfxOpen("locked".into()));
        assert_eq!(s.pfx, None);
        assert!(s.notice.as_ref().unwrap().error);

        s.update(Msg::PfxOpen("open".into()));
        assert!(
            s.update(Msg::PfxSubmit).is_empty(),
            "an empty password is refused"
        );
        assert!(s.pfx.as_ref().unwrap().problem.is_some());
        s.update(Msg::PfxPassword("pw".into()));
        s.update(Msg::PfxConfirm("pW".into()));
        assert!(s.update(Msg::PfxSubmit).is_empty());
        s.update(Msg::PfxConfirm("pw".into()));
        s.update(Msg::PfxProfile(Profile::Legacy));
        assert_eq!(
            s.update(Msg::PfxSubmit),
            vec![Command::ExportPfx {
                id: "open".into(),
                password: "pw".into(),
                profile: Profile::Legacy
            }]
        );
        assert_eq!(s.pfx, None, "the dialog closes and forgets the password");
    }

    #[test]
    fn certificates_are_offered_under_the_entry_name() {
        assert_eq!(export_file_name("web server", "cer"), "web_server.cer");
        assert_eq!(export_file_name("..", "pfx"), "certificate.pfx");
        let text = pem("CERTIFICATE", &[0u8; 60]);
        assert!(text.starts_with("-----BEGIN CERTIFICATE-----\nAAAA"));
        assert_eq!(text.lines().nth(1).unwrap().len(), 64);
        assert!(text.ends_with("-----END CERTIFICATE-----\n"));
    }

    #[test]
    fn the_endpoint_defaults_to_this_origin_and_follows_the_kind() {
        let mut s = State::new("", fake);
        s.enrollment = Enrollment::for_origin("https://ca.example");
        assert_eq!(s.enrollment.url, "https://ca.example/certsrv");
        s.update(Msg::EndpointKind(EndpointKind::Est));
        assert_eq!(s.enrollment.url, "https://ca.example/.well-known/est");
        s.update(Msg::EndpointUrl(
            "https://other/.well-known/est/User".into(),
        ));
        s.update(Msg::EndpointKind(EndpointKind::AdCs));
        assert_eq!(
            s.enrollment.url, "https://other/.well-known/est/User",
            "a URL the user typed is kept"
        );
        s.update(Msg::Template(" WebServer ".into()));
        s.update(Msg::ExtraAttributes("SAN:dns=a.example\n\n  x:y ".into()));
        assert_eq!(
            s.enrollment.attrib(),
            "CertificateTemplate:WebServer\nSAN:dns=a.example\nx:y"
        );
    }

    #[test]
    fn submit_sends_the_request_just_made_and_shows_what_the_ca_said() {
        let mut s = State::new("Subject = x\n", fake);
        assert!(s.update(Msg::Submit).is_empty());
        assert_eq!(s.disposition.as_ref().unwrap().status, Status::Error);

        s.enrollment = Enrollment::for_origin("http://127.0.0.1:1");
        s.result = Some(Generated {
            meta: pending("a", None),
            pem: String::new(),
            file_name: "a.req".into(),
            exportable: false,
        });
        s.store = vec![pending("a", None)];
        assert_eq!(
            s.update(Msg::Submit),
            vec![Command::Submit {
                id: "a".into(),
                enrollment: s.enrollment.clone()
            }]
        );
        assert!(s.update(Msg::Submit).is_empty(), "one submission at a time");

        let waiting = EntryMeta {
            request_id: Some(7),
            ..pending("a", None)
        };
        s.update(Msg::Enrolled(Ok(Outcome {
            status: Status::Pending,
            message: "Taken Under Submission".into(),
            request_id: Some(7),
            entry: Some(waiting.clone()),
            certificate: None,
        })));
        assert_eq!(s.busy, None);
        assert_eq!(
            s.store,
            vec![waiting],
            "the request id is kept on the entry"
        );
        assert_eq!(s.disposition.as_ref().unwrap().status, Status::Pending);

        assert!(matches!(
            s.update(Msg::Retrieve("a".into())).as_slice(),
            [Command::Retrieve { id: Some(id), number: None, .. }] if id == "a"
        ));
        s.update(Msg::Enrolled(Err("could not reach the CA".into())));
        let d = s.disposition.clone().unwrap();
        assert_eq!(
            (d.status, d.message.as_str()),
            (Status::Error, "could not reach the CA")
        );
    }

    #[test]
    fn retrieving_by_number_reads_decimal_or_hex() {
        let mut s = State::new("", fake);
        s.update(Msg::RetrieveNumber(" 0x1F ".into()));
        assert!(matches!(
            s.update(Msg::RetrieveNumbered).as_slice(),
            [Command::Retrieve {
                id: None,
                number: Some(31),
                ..
            }]
        ));
        s.update(Msg::Enrolled(Err("x".into())));
        s.update(Msg::RetrieveNumber("seven".into()));
        assert!(s.update(Msg::RetrieveNumbered).is_empty());
        assert!(s.disposition.as_ref().unwrap().message.contains("“seven”"));
    }

    const REQ_DER: &[u8] = include_bytes!("../../../tests/data/golden-008-minimal.der");

    #[test]
    fn a_request_file_is_read_as_x509_cert_reads_it_and_nothing_else_is_taken() {
        use der::{Decode, Encode};
        let corpus = std::env::var_os("CERTREQ_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let (mut requests, mut others) = (0, 0);
        for dir in ["req", "resp"] {
            for entry in std::fs::read_dir(corpus.join(dir)).expect("the corpus beside the repo") {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                for block in certreq_pkix::pem::read(&bytes).unwrap_or_default() {
                    let ours = pkcs10_subject_and_key(&block.der);
                    match x509_cert::request::CertReq::from_der(&block.der) {
                        Ok(req) => {
                            let subject = certreq_pkix::name::display(&req.info.subject);
                            let spki = req.info.public_key.to_der().unwrap();
                            assert_eq!(ours, Some((subject, spki)));
                            requests += 1;
                            // any cut is refused
                            for cut in [1, 2, block.der.len() / 2, block.der.len() - 1] {
                                assert_eq!(pkcs10_subject_and_key(&block.der[..cut]), None);
                            }
                        }
                        Err(_) => {
                            assert_eq!(ours, None, "{:02x?}", &block.der[..8]);
                            others += 1;
                        }
                    }
                }
            }
        }
        assert!(
            requests >= 6 && others >= 4,
            "{requests} requests, {others} others"
        );
    }

    #[test]
    fn a_cmc_req_file_is_read_by_the_request_inside_and_sent_whole() {
        let corpus = std::env::var_os("CERTREQ_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        );
        // made on Windows by the certificates snap-in (CertEnroll, as certreq's RequestType = CMC)
        let bytes = std::fs::read(corpus.join("req/007-csrinspector-mmc-cmc-base64.req")).unwrap();
        let whole = certreq_pkix::pem::read(&bytes).unwrap().remove(0).der;
        let loaded = read_request("cmc.req", &bytes).unwrap();
        assert_eq!(
            loaded.der, whole,
            "the CA gets the CMC request, not its content"
        );
        let inner = certreq_pkix::cmc::read(&whole).unwrap().request;
        assert_eq!(
            Some((loaded.subject, loaded.spki)),
            pkcs10_subject_and_key(inner)
        );
    }

    #[test]
    fn a_loaded_req_file_is_what_submit_sends() {
        let mut s = State::new("Subject = x\n", fake);
        s.enrollment = Enrollment::for_origin("http://127.0.0.1:1");
        // certreq's own label; the PEM text is what `certreq -new` writes
        let file = pem("NEW CERTIFICATE REQUEST", REQ_DER).replace('\n', "\r\n");
        let commands = s.update(Msg::SubmitFile {
            name: "server.req".into(),
            bytes: file.into_bytes(),
        });
        let loaded = s.loaded.clone().unwrap().unwrap();
        assert_eq!(loaded.der, REQ_DER);
        assert_eq!(loaded.subject, "CN=Ilgis Uzbekov, C=KG");
        assert_eq!(loaded.key, None, "not known until the store is asked");
        assert_eq!(commands, vec![Command::MatchKey(loaded.spki.clone())]);
        assert!(s.can_submit());

        s.update(Msg::KeyMatched(None));
        assert_eq!(s.loaded.clone().unwrap().unwrap().key, Some(None));
        assert_eq!(
            s.update(Msg::Submit),
            vec![Command::SubmitRequest {
                der: REQ_DER.to_vec(),
                enrollment: s.enrollment.clone()
            }]
        );
        assert!(!s.can_submit(), "one submission at a time");

        // issued with no stored key: the certificate is offered under the file's name
        s.update(Msg::Enrolled(Ok(Outcome {
            status: Status::Issued,
            message: "issued".into(),
            request_id: Some(3),
            entry: None,
            certificate: Some(vec![0x30, 0]),
        })));
        assert_eq!(s.store, Vec::new(), "nothing is added to the store");
        assert_eq!(
            s.update(Msg::DownloadIssued),
            vec![Command::DownloadCertificate {
                name: "server.cer".into(),
                der: vec![0x30, 0]
            }]
        );
    }

    #[test]
    fn a_der_req_is_read_and_a_new_request_replaces_it() {
        let mut s = State::new("Subject = x\n", fake);
        s.update(Msg::SubmitFile {
            name: "r.req".into(),
            bytes: REQ_DER.to_vec(),
        });
        s.update(Msg::KeyMatched(Some("web server".into())));
        let loaded = s.loaded.clone().unwrap().unwrap();
        assert_eq!(
            (loaded.der.as_slice(), loaded.key),
            (REQ_DER, Some(Some("web server".into())))
        );
        s.update(Msg::Generated(Ok(Generated {
            meta: pending("a", None),
            pem: String::new(),
            file_name: "a.req".into(),
            exportable: false,
        })));
        assert_eq!(s.loaded, None, "the request just made is sent next");
        assert!(matches!(
            s.update(Msg::Submit).as_slice(),
            [Command::Submit { id, .. }] if id == "a"
        ));
    }

    #[test]
    fn a_file_that_is_not_a_request_says_so_and_sends_nothing() {
        let mut s = State::new("Subject = x\n", fake);
        let cert = pem("CERTIFICATE", cert(LEAF_PEM).der());
        for (name, bytes) in [
            ("leaf.cer", cert.into_bytes()),
            ("notes.txt", b"hello there".to_vec()),
        ] {
            assert!(
                s.update(Msg::SubmitFile {
                    name: name.into(),
                    bytes
                })
                .is_empty()
            );
            let why = s.loaded.clone().unwrap().unwrap_err();
            assert!(why.starts_with(name), "{why}");
            assert!(!s.can_submit());
            assert!(s.update(Msg::Submit).is_empty());
            assert_eq!(s.disposition.as_ref().unwrap().status, Status::Error);
        }
        let why = s.loaded.clone().unwrap().unwrap_err();
        assert_eq!(
            why,
            "notes.txt is not a certificate request: not PEM or DER: the text is neither a \
             -----BEGIN block nor valid base64"
        );
    }

    #[test]
    fn a_stored_pending_entry_without_a_request_id_can_be_submitted() {
        let mut s = State::new("", fake);
        s.enrollment = Enrollment::for_origin("http://127.0.0.1:1");
        let numbered = EntryMeta {
            request_id: Some(9),
            ..pending("b", None)
        };
        let issued = EntryMeta {
            state: EntryState::Issued,
            ..pending("c", None)
        };
        s.store = vec![pending("a", None), numbered, issued];
        assert!(s.update(Msg::SubmitEntry("b".into())).is_empty());
        assert!(s.update(Msg::SubmitEntry("c".into())).is_empty());
        assert!(s.update(Msg::SubmitEntry("gone".into())).is_empty());
        assert_eq!(
            s.update(Msg::SubmitEntry("a".into())),
            vec![Command::Submit {
                id: "a".into(),
                enrollment: s.enrollment.clone()
            }]
        );
        assert!(s.update(Msg::SubmitEntry("a".into())).is_empty(), "busy");
    }
}
