//! Enrollment: where to send requests (AD CS Web Enrollment or EST), submitting the request
//! just made, a loaded `.req` or a stored entry, retrieving pending ones, and what the CA said.

pub mod jobs;
pub mod view;

use certreq_wire::ca::{Download, Explanation, Finding, TemplateOffer};

use super::files::{export_file_name, pkcs10_subject_and_key};
use super::preview;
use super::status::{Out, Status as AppStatus};
use super::store::{self, CaRef, EntryMeta};

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
    /// The browser's store is neither read nor written: the request is sent as given and the
    /// certificate handed back (the embedding API's `store: false`).
    pub unstored: bool,
}

/// An http: or https: URL (the scheme in any case, as URLs allow).
fn web_url(url: &str) -> bool {
    let url = url.trim();
    ["http://", "https://"].iter().any(|s| {
        url.get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
            && url.len() > s.len()
    })
}

/// The origin of an http(s) URL, lower case, without a default port or user info.
fn origin_of(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.to_ascii_lowercase();
    let default = if scheme == "https" { ":443" } else { ":80" };
    let host = host.strip_suffix(default).unwrap_or(&host);
    format!("{scheme}://{host}")
}

impl Enrollment {
    /// Why the app's own Content-Security-Policy (`connect-src 'self' https:` served, `https:`
    /// in the single file) stops the browser from asking this CA: a plain http URL on
    /// another origin than the page's (any, for the single file, whose origin is none). The
    /// embedding API runs under its portal's policy and never asks this.
    pub fn app_policy_blocks(&self) -> Option<String> {
        let url = self.url.trim();
        let plain = url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
        if !plain || (!self.origin.is_empty() && origin_of(url) == origin_of(&self.origin)) {
            return None;
        }
        Some(if self.origin.is_empty() {
            "this page reaches CAs over https only (its security policy says connect-src \
             https:), so the browser would block a plain http URL: use the CA's https:// URL"
                .to_owned()
        } else {
            format!(
                "this page reaches a CA over plain http only on its own origin ({}); its \
                 security policy (connect-src 'self' https:) makes the browser block any \
                 other http URL: use the CA's https:// URL, or serve this page from the CA's \
                 origin",
                self.origin
            )
        })
    }

    /// Settings for a page at `origin`: AD CS at `origin/certsrv`. A page that is not served
    /// over HTTP(S) (the single file opened from disk: `file://`, or `null`) has no CA of its
    /// own to default to, and the URL starts empty.
    pub fn for_origin(origin: &str) -> Self {
        let origin = if web_url(origin) { origin } else { "" };
        Enrollment {
            url: if origin.is_empty() {
                String::new()
            } else {
                format!("{origin}/certsrv")
            },
            origin: origin.to_owned(),
            ..Enrollment::default()
        }
    }
    /// The endpoint as an entry keeps it.
    pub fn ca(&self) -> CaRef {
        CaRef {
            protocol: self.kind.as_str().to_owned(),
            url: self.url.clone(),
        }
    }

    /// Why the URL cannot be sent to: empty (the single file from disk starts so), or not
    /// http(s) (the one place the app checks before an entry remembers where it was sent).
    pub fn url_problem(&self) -> Option<String> {
        const FORMS: &str = "https://host/certsrv for AD CS Web Enrollment, \
             https://host/.well-known/est for EST";
        let url = self.url.trim();
        if web_url(url) {
            return None;
        }
        Some(if url.is_empty() {
            format!("give the CA's URL first: {FORMS}")
        } else {
            format!("`{url}` is not an http(s) URL: a CA is reached at {FORMS}")
        })
    }

    /// These settings sent to `ca` instead (an entry's own CA): its protocol and URL, the
    /// attributes as set. A CA kept with a URL that is not http(s) (`file:///certsrv`, which
    /// the single file from disk once defaulted to) is passed over for these settings'.
    pub fn at(&self, ca: Option<&CaRef>) -> Enrollment {
        let mut e = self.clone();
        if let Some(ca) = ca.filter(|c| web_url(&c.url)) {
            e.kind = match ca.protocol.as_str() {
                "est" => EndpointKind::Est,
                _ => EndpointKind::AdCs,
            };
            e.url = ca.url.clone();
        }
        e
    }

    /// Whether `ca` is another endpoint than these settings'.
    pub fn differs(&self, ca: &CaRef) -> bool {
        web_url(&ca.url) && *ca != self.ca()
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
    /// What a refusal or an error means and what to do (the tools module's table).
    pub explanation: Option<Explanation>,
    /// For a pending request, how its certificate is fetched later: each front end words it
    /// in its own terms (the app's buttons, the embedding API's calls) after `message`.
    pub then: Option<Then>,
}

/// How a pending request's certificate is fetched once an administrator approves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// An EST server keeps nothing pending: the same request is sent again (from its stored
    /// entry when there is one).
    SendAgain,
    /// The stored entry keeps the key and the request id: retrieve through it.
    RetrieveEntry,
    /// No entry keeps the key: retrieve by the request id.
    RetrieveId(u64),
    /// No entry and no request id: submit the request again.
    SubmitAgain,
}

impl Outcome {
    /// `message` with what to do next in the app's words (its Retrieve buttons).
    pub fn app_message(&self) -> String {
        let next = match self.then {
            None => return self.message.clone(),
            Some(Then::SendAgain) => "press Submit to send it again".to_owned(),
            Some(Then::RetrieveEntry) => {
                "the key stays here, press Retrieve on its entry once it is approved".to_owned()
            }
            Some(Then::RetrieveId(n)) => {
                format!("once it is approved, fetch it with “Retrieve request” and the id {n}")
            }
            Some(Then::SubmitAgain) => "once it is approved, submit the request again".to_owned(),
        };
        format!("{}; {next}", self.message)
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
        explanation: None,
        then: None,
    }
}

/// The file name a CA download is saved as: `ca-1.cer`, `ca-chain-1.p7b`, `ca-1.crl`,
/// `ca-delta-1.crl` (by renewal), `cacerts.p7b` (EST); certificates are saved as DER.
pub fn ca_file_name(d: &Download) -> String {
    let r = d.renewal;
    match d.what.as_str() {
        "cert" => format!("ca-{r}.cer"),
        "chain" => format!("ca-chain-{r}.p7b"),
        "crl" => format!("ca-{r}.crl"),
        "delta-crl" => format!("ca-delta-{r}.crl"),
        _ => "cacerts.p7b".into(),
    }
}

/// What the CA said of its templates: the templates it offers (AD CS), and the facts as the
/// tools module wrote them, which the app hands back to it unread to check an INF.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaFacts {
    pub offered: Option<Vec<TemplateOffer>>,
    pub wire: Vec<u8>,
    /// EST: the CA label of the URL the facts are for (empty for none), which stands for the
    /// template in the check; `None` for AD CS.
    pub label: Option<String>,
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
/// or DER, holding a PKCS #10, CMC or PKCS #7 request (certreq's renewal and on-behalf-of
/// requests); the first block that is one is taken.
pub fn read_request(name: &str, bytes: &[u8]) -> Result<LoadedRequest, String> {
    let blocks = certreq_pkix::pem::read(bytes)
        .map_err(|e| format!("{name} is not a certificate request: {e}"))?;
    for block in blocks {
        // a CMC or PKCS #7 request goes to the CA as it is; its subject and key are the
        // PKCS #10's inside
        let pkcs10 = certreq_pkix::cmc::pkcs10_in_any(&block.der);
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
        "{name} holds no PKCS #10, CMC or PKCS #7 certificate request; choose the .req file \
         that certreq -new or Generate made"
    ))
}

/// What can happen in enrollment.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The enrollment settings.
    EndpointKind(EndpointKind),
    EndpointUrl(String),
    Template(String),
    ExtraAttributes(String),
    /// The "retrieve request N" box.
    RetrieveNumber(String),
    /// Send the request just made (or the loaded `.req`) to the CA.
    Submit,
    /// Ask the CA again for pending entry `id`'s certificate.
    Retrieve(String),
    /// Ask the CA for request N (the number box) and accept it for its key.
    RetrieveNumbered,
    /// Ask the CA which templates it offers (AD CS) or what it asks of requests (EST).
    LoadTemplates,
    /// What [`Command::LoadTemplates`] learnt.
    TemplatesLoaded(Result<Box<CaFacts>, String>),
    /// [`Command::CheckTemplate`]'s mismatches in the INF text `inf` (at its byte spans), or
    /// why it could not be checked.
    TemplateChecked {
        inf: String,
        found: Result<Vec<Finding>, String>,
    },
    /// List the CA's certificates, chains and CRLs.
    ListCaFiles,
    /// What [`Command::ListCaFiles`] found.
    CaFilesListed(Result<Vec<Download>, String>),
    /// Fetch the CA's file `n` (of the list) and save it, or open it in the decoder.
    CaFile {
        n: usize,
        open: bool,
    },
    /// Why the CA's file `name` was neither saved nor opened (it could not be fetched, or a
    /// CRL does not parse).
    CaFileRefused {
        name: String,
        why: String,
    },
    /// What the CA answered to [`Command::Submit`], [`Command::SubmitRequest`] or
    /// [`Command::Retrieve`].
    Enrolled(Result<Box<Outcome>, String>),
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
    /// A new request was made: Submit sends it, not the loaded `.req`.
    ForgetLoaded,
}

/// Browser work enrollment asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Send entry `id`'s request to the CA; answer with [`Msg::Enrolled`].
    Submit { id: String, enrollment: Enrollment },
    /// Send a loaded request (PKCS #10 DER) to the CA; answer with [`Msg::Enrolled`].
    SubmitRequest {
        der: Vec<u8>,
        enrollment: Enrollment,
    },
    /// Find the stored entry whose public key is `spki`; answer with [`Msg::KeyMatched`].
    MatchKey(Vec<u8>),
    /// Fetch the CA's template list (AD CS `certrqxt.asp`) or CSR attributes (EST
    /// `csrattrs`); answer with [`Msg::TemplatesLoaded`].
    LoadTemplates(Enrollment),
    /// Check the INF text against what the CA said (`facts`, the tools module's bytes), with
    /// the template chosen or the EST label; answer with [`Msg::TemplateChecked`].
    CheckTemplate {
        inf: String,
        template: Option<String>,
        facts: Vec<u8>,
    },
    /// Find the CA's files at the endpoint `url`; answer with [`Msg::CaFilesListed`].
    ListCaFiles(String),
    /// Fetch a CA file and save it as `name`, or open it in the decoder.
    FetchCaFile {
        url: String,
        name: String,
        open: bool,
    },
    /// Offer a certificate (DER) as a PEM `.cer` file named `name`; answer with a notice.
    DownloadCertificate { name: String, der: Vec<u8> },
    /// Ask the CA for a certificate: of pending entry `id` (by its stored request id), or of
    /// request `number`; answer with [`Msg::Enrolled`].
    Retrieve {
        id: Option<String>,
        number: Option<u64>,
        enrollment: Enrollment,
    },
}

/// What the other features hear from enrollment.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A stored entry changed (issued with its certificate, or pending with a request id).
    Entry(Box<EntryMeta>),
    /// The editor's text mismatches what the CA says of its template here (none: the CA
    /// changed, or nothing is known of it).
    Findings(Vec<Finding>),
}

/// Enrollment's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The CA to enroll with.
    pub settings: Enrollment,
    /// The "retrieve request N" box.
    pub retrieve_number: String,
    /// What the CA said last (or why it could not be asked).
    pub disposition: Option<Outcome>,
    /// How many answers have been shown (`data-answer`, so a test can tell a new one).
    pub answers: u32,
    /// A `.req` loaded to submit (it is what Submit sends), or why the file was not taken.
    pub loaded: Option<Result<LoadedRequest, String>>,
    /// What the CA said of its templates, or why it could not be asked; `None` until asked.
    pub templates: Option<Result<CaFacts, String>>,
    /// How many mismatches the editor's text has with what the CA said (shown in the
    /// editor's diagnostics), or why it could not be checked; `None` until checked.
    pub mismatches: Option<Result<usize, String>>,
    /// The CA's certificates, chains and CRLs, or why they could not be listed.
    pub ca_files: Option<Result<Vec<Download>, String>>,
    /// The CA file last refused (its name) and why, shown at its line in the list.
    pub ca_file_refused: Option<(String, String)>,
}

impl State {
    /// Settings for a page at `origin`.
    pub fn for_origin(origin: &str) -> Self {
        State {
            settings: Enrollment::for_origin(origin),
            ..State::default()
        }
    }

    /// Whether Submit has a request to send: a loaded `.req`, or `just_made` while its entry
    /// has not been sent (once sent, its entry retrieves it; sending it again would make the
    /// CA issue twice, or forget the request id it gave).
    pub fn can_submit(
        &self,
        status: &AppStatus,
        just_made: Option<&preview::Generated>,
        store: &store::State,
    ) -> bool {
        let unsent = just_made.is_some_and(|r| store.submittable(&r.meta.record.id).is_some());
        status.idle() && (matches!(self.loaded, Some(Ok(_))) || unsent)
    }

    /// The CA's templates and files are another CA's once the endpoint changes, and the
    /// editor's findings go with them.
    fn forget_templates(&mut self) -> Vec<Out<Command, Event>> {
        self.templates = None;
        self.ca_files = None;
        self.ca_file_refused = None;
        self.forget_findings()
    }

    /// The mismatches found are no longer true (the CA or the template chosen changed).
    fn forget_findings(&mut self) -> Vec<Out<Command, Event>> {
        self.mismatches = None;
        vec![Out::Tell(Event::Findings(Vec::new()))]
    }

    /// Starts a job that asks the CA: busy until [`Msg::Enrolled`].
    fn ask(&mut self, status: &mut AppStatus, doing: impl Into<String>) {
        status.busy = Some(doing.into());
        self.disposition = None;
    }

    /// The INF `inf` checked against what the CA said of its templates, with the template
    /// chosen (AD CS) or the label (EST: the CA label of the URL the facts were asked at);
    /// nothing to do until the CA was asked. The shell calls it when the editor's text changes.
    pub fn check(&self, inf: &str) -> Option<Command> {
        let Some(Ok(facts)) = &self.templates else {
            return None;
        };
        let e = &self.settings;
        let chosen = match e.kind {
            EndpointKind::AdCs => e.template.trim(),
            EndpointKind::Est => facts.label.as_deref().unwrap_or_default(),
        };
        Some(Command::CheckTemplate {
            inf: inf.to_owned(),
            template: (!chosen.is_empty()).then(|| chosen.to_owned()),
            facts: facts.wire.clone(),
        })
    }

    /// Applies a message. Submit reads the request just made (`just_made`) and the store
    /// (which entries may be sent); the store hears of entries that changed. `inf`: the
    /// editor's text, checked against the CA's templates.
    pub fn update(
        &mut self,
        msg: Msg,
        status: &mut AppStatus,
        just_made: Option<&preview::Generated>,
        store: &store::State,
        inf: &str,
    ) -> Vec<Out<Command, Event>> {
        let run = |c| vec![Out::Run(c)];
        let sending = "sending the request to the CA…";
        match msg {
            Msg::EndpointKind(kind) => {
                let e = &mut self.settings;
                // a URL still at the old kind's default follows the kind
                let old_default = format!("{}{}", e.origin, e.kind.default_path());
                if !e.origin.is_empty() && (e.url.trim().is_empty() || e.url == old_default) {
                    e.url = format!("{}{}", e.origin, kind.default_path());
                }
                e.kind = kind;
                return self.forget_templates();
            }
            Msg::EndpointUrl(url) => {
                self.settings.url = url;
                return self.forget_templates();
            }
            Msg::Template(t) => {
                self.settings.template = t;
                let mut out = self.forget_findings();
                out.extend(self.check(inf).map(Out::Run));
                return out;
            }
            Msg::LoadTemplates => {
                self.templates = None;
                let mut out = self.forget_findings();
                out.push(Out::Run(Command::LoadTemplates(self.settings.clone())));
                return out;
            }
            Msg::TemplatesLoaded(facts) => {
                self.templates = Some(facts.map(|f| *f));
                let mut out = self.forget_findings();
                out.extend(self.check(inf).map(Out::Run));
                return out;
            }
            // an answer for a text the editor no longer holds is dropped: a newer check is
            // under way
            Msg::TemplateChecked { inf: checked, .. } if checked != inf => {}
            Msg::TemplateChecked { found, .. } => {
                self.mismatches = Some(found.as_ref().map(Vec::len).map_err(Clone::clone));
                return vec![Out::Tell(Event::Findings(found.unwrap_or_default()))];
            }
            Msg::ListCaFiles => {
                self.ca_files = None;
                self.ca_file_refused = None;
                return run(Command::ListCaFiles(self.settings.url.clone()));
            }
            Msg::CaFilesListed(list) => self.ca_files = Some(list),
            Msg::CaFileRefused { name, why } => self.ca_file_refused = Some((name, why)),
            Msg::CaFile { n, open } => {
                self.ca_file_refused = None;
                if let Some(Ok(list)) = &self.ca_files
                    && let Some(d) = list.get(n)
                {
                    return run(Command::FetchCaFile {
                        url: d.url.clone(),
                        name: ca_file_name(d),
                        open,
                    });
                }
            }
            Msg::ExtraAttributes(a) => self.settings.attributes = a,
            Msg::RetrieveNumber(n) => self.retrieve_number = n,
            Msg::Submit => {
                if !status.idle() {
                    return Vec::new();
                }
                if let Some(Ok(loaded)) = &self.loaded {
                    let der = loaded.der.clone();
                    self.ask(status, sending);
                    return run(Command::SubmitRequest {
                        der,
                        enrollment: self.settings.clone(),
                    });
                }
                let Some(result) = just_made else {
                    self.disposition = Some(error_outcome(
                        "make a request or load a .req file first; Submit sends one of them",
                    ));
                    return Vec::new();
                };
                let id = result.meta.record.id.clone();
                if store.submittable(&id).is_none() {
                    self.disposition = Some(error_outcome(
                        "this request was sent already: its entry in the store retrieves the \
                         certificate; make a new request to ask for another",
                    ));
                    return Vec::new();
                }
                self.ask(status, sending);
                // an entry sent before goes back to its CA; a renewal to the CA of the
                // certificate it renews
                let enrollment = self.settings.at(store.ca_of(&id));
                return run(Command::Submit { id, enrollment });
            }
            Msg::Retrieve(id) => {
                if !status.idle() {
                    return Vec::new();
                }
                self.ask(status, "asking the CA for the certificate…");
                // the entry's own CA, whatever the endpoint is set to now
                let enrollment = self.settings.at(store.ca_of(&id));
                return run(Command::Retrieve {
                    id: Some(id),
                    number: None,
                    enrollment,
                });
            }
            Msg::RetrieveNumbered => {
                if !status.idle() {
                    return Vec::new();
                }
                match certreq_inf::values::parse_number(&self.retrieve_number) {
                    Some(n) => {
                        self.ask(status, format!("asking the CA for request {n}…"));
                        return run(Command::Retrieve {
                            id: None,
                            number: Some(n),
                            enrollment: self.settings.clone(),
                        });
                    }
                    None => {
                        self.disposition = Some(error_outcome(format!(
                            "“{}” is not a request id; type the number the CA gave \
                             (decimal, or hex with 0x)",
                            self.retrieve_number.trim()
                        )));
                    }
                }
            }
            Msg::Enrolled(outcome) => {
                status.busy = None;
                let outcome = outcome.map_or_else(error_outcome, |o| *o);
                let changed = outcome
                    .entry
                    .clone()
                    .map(|e| Out::Tell(Event::Entry(Box::new(e))));
                self.disposition = Some(outcome);
                self.answers = self.answers.wrapping_add(1);
                return changed.into_iter().collect();
            }
            Msg::SubmitFile { name, bytes } => match read_request(&name, &bytes) {
                Ok(loaded) => {
                    let spki = loaded.spki.clone();
                    self.loaded = Some(Ok(loaded));
                    return run(Command::MatchKey(spki));
                }
                Err(why) => self.loaded = Some(Err(why)),
            },
            Msg::KeyMatched(name) => {
                if let Some(Ok(loaded)) = self.loaded.as_mut() {
                    loaded.key = Some(name);
                }
            }
            Msg::SubmitEntry(id) => {
                if !status.idle() || store.submittable(&id).is_none() {
                    return Vec::new();
                }
                self.ask(status, sending);
                // sent before (an EST request held pending is sent again to collect it): to
                // its own CA; a renewal to the CA of the certificate it renews
                let enrollment = self.settings.at(store.ca_of(&id));
                return run(Command::Submit { id, enrollment });
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
                return run(Command::DownloadCertificate {
                    name: export_file_name(label, "cer"),
                    der,
                });
            }
            Msg::ForgetLoaded => self.loaded = None,
        }
        Vec::new()
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::corpus;

    #[test]
    fn a_pending_answer_says_how_to_fetch_it_with_the_apps_buttons() {
        let mut pending = error_outcome("Taken Under Submission: the CA waits (request 4)");
        pending.status = Status::Pending;
        for (then, next) in [
            (None, ""),
            (Some(Then::SendAgain), "; press Submit to send it again"),
            (
                Some(Then::RetrieveEntry),
                "; the key stays here, press Retrieve on its entry once it is approved",
            ),
            (
                Some(Then::RetrieveId(4)),
                "; once it is approved, fetch it with “Retrieve request” and the id 4",
            ),
            (
                Some(Then::SubmitAgain),
                "; once it is approved, submit the request again",
            ),
        ] {
            pending.then = then;
            assert_eq!(
                pending.app_message(),
                format!("Taken Under Submission: the CA waits (request 4){next}")
            );
        }
    }

    #[test]
    fn no_entry_keeps_a_ca_it_cannot_be_sent_to() {
        let mut e = Enrollment::for_origin("file://");
        assert!(e.url_problem().is_some(), "an empty URL is not sent to");
        for bad in ["file:///certsrv", "ftp://ca/certsrv", "https://", "  "] {
            e.url = bad.into();
            let why = e.url_problem();
            assert!(why.is_some(), "{bad}");
            // a URL given is named, not asked for
            let given = !bad.trim().is_empty();
            assert_eq!(why.unwrap().contains(bad.trim()) && given, given, "{bad}");
        }
        e.url = " HTTPS://ca.example/certsrv".into();
        assert_eq!(e.url_problem(), None);
        // an entry that kept file:///certsrv before: the settings' URL is used, and it is not
        // said to be another endpoint
        let stuck = CaRef {
            protocol: "adcs".into(),
            url: "file:///certsrv".into(),
        };
        assert_eq!(e.at(Some(&stuck)).url, e.url);
        assert!(!e.differs(&stuck));
        let other = CaRef {
            protocol: "est".into(),
            url: "https://other/.well-known/est".into(),
        };
        assert_eq!(e.at(Some(&other)).url, other.url);
        assert!(e.differs(&other));
    }

    #[test]
    fn a_plain_http_ca_elsewhere_is_said_to_be_blocked_by_the_apps_policy() {
        let at = |origin: &str, url: &str| {
            let e = Enrollment {
                url: url.into(),
                ..Enrollment::for_origin(origin)
            };
            e.app_policy_blocks()
        };
        // its own origin, however the URL spells it; https anywhere
        assert_eq!(
            at("http://ca.example:8080", "http://CA.example:8080/certsrv"),
            None
        );
        assert_eq!(
            at("http://ca.example", "http://user@ca.example:80/certsrv"),
            None
        );
        assert_eq!(
            at("http://ca.example", "https://other.example/certsrv"),
            None
        );
        assert_eq!(at("null", "https://other.example/certsrv"), None);
        // plain http elsewhere: another host, another port; any, from the single file
        let elsewhere = at("http://ca.example", "http://other.example/certsrv").unwrap();
        assert!(
            elsewhere.contains("its own origin (http://ca.example)"),
            "{elsewhere}"
        );
        assert!(at("http://ca.example", "http://ca.example:8080/certsrv").is_some());
        let file = at("null", "HTTP://ca.example/certsrv").unwrap();
        assert!(file.contains("over https only"), "{file}");
    }

    #[test]
    fn a_cmc_req_file_is_read_by_the_request_inside_and_sent_whole() {
        // made on Windows by the certificates snap-in (CertEnroll, as certreq's RequestType = CMC)
        let bytes =
            std::fs::read(corpus().join("req/007-csrinspector-mmc-cmc-base64.req")).unwrap();
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
    fn a_pkcs7_renewal_req_file_is_read_by_the_request_inside_and_sent_whole() {
        // certreq's PKCS #7 renewal (Microsoft's MS-WSTEP example): Web Enrollment takes it
        let bytes = std::fs::read(corpus().join("mswstep/pkcs7-renewal-request.b64")).unwrap();
        let whole = certreq_pkix::pem::read(&bytes).unwrap().remove(0).der;
        let loaded = read_request("renewal.req", &bytes).unwrap();
        assert_eq!(loaded.der, whole, "the CA gets the PKCS #7 request whole");
        let inner = certreq_pkix::cmc::pkcs10_in_any(&whole);
        assert_ne!(inner, whole.as_slice());
        assert_eq!(
            Some((loaded.subject, loaded.spki)),
            pkcs10_subject_and_key(inner)
        );
    }
}
