//! The app's state: the features' states side by side, and the one place their messages meet.
//!
//! Each feature — [`editor`], [`preview`] (the request panel), [`decoder`], [`store`] (entries,
//! accepting, exporting) and [`enrollment`] — has its own state, messages, commands and reducer,
//! plain Rust tested natively. [`State::update`] routes a [`Msg`] to its feature and returns
//! the [`Command`]s (browser work) the shell must run; the shell runs them through `services`
//! and feeds the outcome back as another [`Msg`]. What a feature tells the others
//! ([`Out::Tell`]) becomes their messages here, so no feature changes another's state. The app's
//! own [`Status`] (the job under way, the notice) is the only state they share.

use super::status::Out;
use super::{decoder, editor, enrollment, preview, store};
use certreq_request::Compiled;

pub use super::status::{Notice, Status};

/// Everything that can happen to the app: a feature's message, or one for the app itself.
#[derive(Clone, Debug)]
pub enum Msg {
    Editor(editor::Msg),
    Preview(preview::Msg),
    Decoder(decoder::Msg),
    Store(store::Msg),
    Enrollment(enrollment::Msg),
    /// A file's bytes arrived for `target` (dropped on the page: [`route_dropped`] decides).
    FileOpened {
        target: FileTarget,
        name: String,
        bytes: Vec<u8>,
    },
    /// Something to tell the user (copy done, a file that could not be read, …).
    Notify(Notice),
}

/// Browser work a feature asks the shell to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Editor(editor::Command),
    Preview(preview::Command),
    Decoder(decoder::Command),
    Store(store::Command),
    Enrollment(enrollment::Command),
}

macro_rules! feature {
    ($($feature:ident => $variant:ident),*) => {$(
        impl From<$feature::Msg> for Msg {
            fn from(msg: $feature::Msg) -> Self {
                Msg::$variant(msg)
            }
        }
        impl From<$feature::Command> for Command {
            fn from(command: $feature::Command) -> Self {
                Command::$variant(command)
            }
        }
    )*};
}

feature!(editor => Editor, preview => Preview, decoder => Decoder, store => Store,
         enrollment => Enrollment);

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

/// Where a file goes: `Page` drops go to the decoder unless they read as INF text (a file
/// named `.inf`; or text without PEM armor and without the control bytes binary files are
/// full of, named `.txt` or with a `[section]` header). A dropped certificate never replaces
/// the INF being edited because its name ends in `.txt` or a byte of its DER looks like `[`.
pub fn route_dropped(target: FileTarget, name: &str, bytes: &[u8]) -> FileTarget {
    if target != FileTarget::Page {
        return target;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".inf") {
        return FileTarget::Editor;
    }
    let text = certreq_inf::text::decode(bytes).text;
    // C0 control bytes (DER is full of them) but not those a text file may hold: a form
    // feed, DOS's end-of-file Ctrl-Z; C1 characters are what bytes of another code page read
    // as Windows-1252 become, so they say nothing
    let binary = text
        .chars()
        .any(|c| c < ' ' && !matches!(c, '\r' | '\n' | '\t' | '\x0c' | '\x1a'));
    if binary || text.contains("-----BEGIN") {
        return FileTarget::Decoder;
    }
    let looks_inf = lower.ends_with(".txt")
        || text
            .lines()
            .any(|l| l.trim_start().starts_with('[') && l.contains(']'));
    if looks_inf {
        FileTarget::Editor
    } else {
        FileTarget::Decoder
    }
}

/// The whole app state.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub editor: editor::State,
    pub preview: preview::State,
    pub decoder: decoder::State,
    pub store: store::State,
    pub enrollment: enrollment::State,
    /// The job under way and the last notice, which every feature may set.
    pub status: Status,
}

impl State {
    /// A state for `text`, compiled with `compiler`.
    pub fn new(text: &str, compiler: fn(&str) -> Compiled) -> Self {
        State {
            editor: editor::State::new(text, compiler),
            ..State::default()
        }
    }

    /// The commands to run when the app starts.
    pub fn init() -> Vec<Command> {
        store::State::init()
            .into_iter()
            .map(Command::from)
            .collect()
    }

    /// Any error among the editor's diagnostics (then there is no request to make).
    pub fn has_errors(&self) -> bool {
        self.editor.has_errors()
    }

    /// Whether the Generate button does anything now.
    pub fn can_generate(&self) -> bool {
        self.status.idle() && self.editor.request().is_some()
    }

    /// Whether Submit has a request to send: a loaded `.req`, or the request just made.
    pub fn can_submit(&self) -> bool {
        self.enrollment
            .can_submit(&self.status, self.preview.submittable(), &self.store)
    }

    /// Applies a message and whatever the features tell each other because of it; returns
    /// the browser work it all calls for.
    pub fn update(&mut self, msg: impl Into<Msg>) -> Vec<Command> {
        let mut commands = Vec::new();
        self.apply(msg.into(), &mut commands);
        commands
    }

    /// Applies `msg`, then the messages it makes for the other features, in order.
    fn apply(&mut self, msg: Msg, commands: &mut Vec<Command>) {
        let mut then: Vec<Msg> = Vec::new();
        match msg {
            Msg::Editor(m) => {
                let version = self.editor.version;
                commands.extend(self.editor.update(m).into_iter().map(Command::from));
                // a new text drops the CA's findings: it is checked again
                if self.editor.version != version {
                    commands.extend(self.enrollment.check(&self.editor.text).map(Command::from));
                }
            }
            Msg::Decoder(decoder::Msg::Accept) => {
                if let Some(bytes) = self.decoder.to_accept() {
                    then.push(
                        store::Msg::AcceptFile {
                            name: "the decoded text".into(),
                            bytes,
                        }
                        .into(),
                    );
                }
            }
            Msg::Decoder(m) => {
                commands.extend(self.decoder.update(m).into_iter().map(Command::from))
            }
            Msg::Preview(m) => {
                let outs = self
                    .preview
                    .update(m, &mut self.status, &self.editor, &self.store);
                for out in outs {
                    match out {
                        Out::Run(c) => commands.push(c.into()),
                        Out::Tell(preview::Event::Made { entry, request }) => {
                            then.push(store::Msg::Added(entry).into());
                            // the request just made is what Submit sends now
                            if request {
                                then.push(enrollment::Msg::ForgetLoaded.into());
                            }
                        }
                    }
                }
            }
            Msg::Store(m) => {
                for out in self.store.update(m, &mut self.status) {
                    match out {
                        Out::Run(c) => commands.push(c.into()),
                        Out::Tell(store::Event::Deleted(id)) => {
                            then.push(preview::Msg::Forget(id).into())
                        }
                        Out::Tell(store::Event::Renewal { name, inf }) => then.push(
                            editor::Msg::Renewal {
                                entry: name,
                                text: inf,
                            }
                            .into(),
                        ),
                    }
                }
            }
            Msg::Enrollment(m) => {
                let outs = self.enrollment.update(
                    m,
                    &mut self.status,
                    self.preview.submittable(),
                    &self.store,
                    &self.editor.text,
                );
                for out in outs {
                    match out {
                        Out::Run(c) => commands.push(c.into()),
                        Out::Tell(enrollment::Event::Entry(entry)) => {
                            then.push(store::Msg::Changed(*entry).into())
                        }
                        Out::Tell(enrollment::Event::Findings(found)) => {
                            then.push(editor::Msg::CaFindings(found).into())
                        }
                    }
                }
            }
            Msg::FileOpened {
                target,
                name,
                bytes,
            } => then.push(match route_dropped(target, &name, &bytes) {
                FileTarget::Decoder => decoder::Msg::Open { name, bytes }.into(),
                _ => editor::Msg::Open { name, bytes }.into(),
            }),
            Msg::Notify(notice) => self.status.notice = Some(notice),
        }
        for msg in then {
            self.apply(msg, commands);
        }
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::enrollment::{Enrollment, Outcome, Status};
    use crate::app::files::file_name_for;
    use crate::app::preview::Generated;
    use crate::app::store::{CertDetails, EntryMeta, EntryState, Profile, RecordMeta};
    use crate::app::testing::{CA_PEM, LEAF_PEM, REQ_DER, cert, fake, pending, pending_record};
    use certreq_inf::diag::Severity;
    use certreq_request::compile;
    use certreq_request::model::{Hash, KeyAlgorithm, SignatureScheme};

    #[test]
    fn errors_disable_generate_and_fixing_them_enables_it() {
        let mut s = State::new("Subject = x\nKeyLength = BAD\n", fake);
        assert!(s.has_errors());
        assert!(!s.can_generate());
        assert!(
            s.update(preview::Msg::Generate).is_empty(),
            "generate does nothing with errors"
        );
        assert_eq!(s.editor.line_severity(1), Some(Severity::Error));
        assert_eq!(
            s.editor.position(&s.editor.compiled.diagnostics[0]),
            (2, 13)
        );

        s.update(editor::Msg::Edit("Subject = x\nKeyLength = 2048\n".into()));
        assert!(s.can_generate());
        assert_eq!(s.editor.counts(), (0, 0, 0));
    }

    #[test]
    fn generate_runs_once_and_reports_progress_until_done() {
        let mut s = State::new("Subject = x\n", fake);
        let commands = s.update(preview::Msg::Generate);
        assert!(matches!(
            commands.as_slice(),
            [Command::Preview(preview::Command::Generate { inf, .. })] if inf == "Subject = x\n"
        ));
        assert_eq!(
            s.status.busy.as_deref(),
            Some("generating an RSA 2048-bit key…")
        );
        assert!(!s.can_generate(), "a second click while busy does nothing");
        assert!(s.update(preview::Msg::Generate).is_empty());

        let meta = EntryMeta {
            record: RecordMeta {
                friendly_name: "web server".into(),
                inf: s.editor.text.clone(),
                ..pending_record("id-1", None)
            },
            ..Default::default()
        };
        s.update(made(
            meta.clone(),
            "-----BEGIN NEW CERTIFICATE REQUEST-----",
            "web_server.req",
        ));
        assert_eq!(s.status.busy, None);
        assert_eq!(s.store.entries, vec![meta]);
        assert!(s.can_generate());
        assert_eq!(
            s.update(preview::Msg::Copy),
            vec![Command::Preview(preview::Command::Copy(
                "-----BEGIN NEW CERTIFICATE REQUEST-----".into()
            ))]
        );
    }

    #[test]
    fn a_self_signed_certificate_is_kept_as_issued_and_never_submitted() {
        let mut s = State::new("[NewRequest]\nSubject = x\nRequestType = Cert\n", fake);
        s.update(preview::Msg::Generate);
        let meta = EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(vec![0x30, 0]),
                ..pending_record("x", None)
            },
            ..Default::default()
        };
        s.update(made(meta.clone(), "-----BEGIN CERTIFICATE-----", "x.cer"));
        assert_eq!(s.store.entries, vec![meta]);
        let notice = s.status.notice.as_ref().unwrap();
        assert!(
            notice.text.starts_with("self-signed certificate made"),
            "{notice:?}"
        );
        assert!(!s.can_submit(), "there is no request to send");
        assert!(s.update(enrollment::Msg::Submit).is_empty());
        assert!(
            s.enrollment.disposition.is_some(),
            "Submit says why it sends nothing"
        );
    }

    #[test]
    fn a_failed_generation_is_reported_and_allows_a_retry() {
        let mut s = State::new("Subject = x\n", fake);
        s.update(preview::Msg::Generate);
        s.update(preview::Msg::Generated(Err(
            "key generation failed: OperationError".into(),
        )));
        assert_eq!(s.status.busy, None);
        assert_eq!(
            s.status.notice,
            Some(Notice::error("key generation failed: OperationError"))
        );
        assert!(s.can_generate());
    }

    /// Has the decoder read what it was given, as the app asks the tools module.
    fn decode(s: &mut State, asked: Vec<Command>) {
        let [Command::Decoder(decoder::Command::Decode { seq, bytes })] = &asked[..] else {
            panic!("nothing to decode: {asked:?}");
        };
        let result = crate::app::testing::tools(certreq_wire::OP_DUMP, bytes)
            .map(|b| certreq_wire::dump_from_wire(&b).expect("a dump"));
        s.update(decoder::Msg::Decoded { seq: *seq, result });
    }

    #[test]
    fn a_certificate_pasted_in_the_decoder_goes_to_the_store_to_be_accepted() {
        let mut s = State::new("", fake);
        let pem = String::from_utf8(LEAF_PEM.to_vec()).unwrap();
        let asked = s.update(decoder::Msg::Input(pem.clone()));
        decode(&mut s, asked);
        assert_eq!(
            s.update(decoder::Msg::Accept),
            vec![Command::Store(store::Command::Accept(pem.into_bytes()))]
        );
        // a request carries no certificate: nothing is offered, nothing happens
        let asked = s.update(decoder::Msg::Open {
            name: "a.req".into(),
            bytes: REQ_DER.to_vec(),
        });
        decode(&mut s, asked);
        assert_eq!(s.decoder.to_accept(), None);
        assert_eq!(s.update(decoder::Msg::Accept), vec![]);
    }

    #[test]
    fn a_chain_is_offered_to_the_store_and_a_bundle_with_a_private_key_is_not() {
        let mut s = State::new("", fake);
        let chain = [LEAF_PEM, CA_PEM].concat();
        let asked = s.update(decoder::Msg::Open {
            name: "chain.pem".into(),
            bytes: chain.clone(),
        });
        decode(&mut s, asked);
        assert_eq!(s.decoder.to_accept(), Some(chain.clone()));
        // a server's PEM file: the certificate and its private key. The store would refuse
        // it ("this is a private key"), so Accept is not offered for it
        let key = include_bytes!("../../../tests/data/pfx-leaf.key");
        let asked = s.update(decoder::Msg::Open {
            name: "server.pem".into(),
            bytes: [chain.as_slice(), key].concat(),
        });
        decode(&mut s, asked);
        assert_eq!(s.decoder.to_accept(), None);
        assert_eq!(s.update(decoder::Msg::Accept), vec![]);
    }

    #[test]
    fn a_store_reading_older_than_a_change_here_does_not_undo_it() {
        // the first reading is slow (a store of certificates waits for the tools module):
        // Generate adds an entry and Delete removes one meanwhile
        let mut s = State::new("", fake);
        let entry = |id: &str| pending(id, None);
        s.update(store::Msg::Loaded(Ok(vec![entry("a"), entry("b")])));
        s.update(store::Msg::Added(entry("c")));
        s.update(store::Msg::Deleted(Ok("a".into())));
        // a reading that left out c and still had a arrives: not applied, the store read again
        let stale = vec![entry("a"), entry("b")];
        assert_eq!(
            s.update(store::Msg::Loaded(Ok(stale))),
            vec![Command::Store(store::Command::Load)]
        );
        let ids = |s: &State| -> Vec<String> {
            s.store
                .entries
                .iter()
                .map(|e| e.record.id.clone())
                .collect()
        };
        assert_eq!(ids(&s), ["b", "c"]);
        // the reading asked for after the changes is the store as it is
        s.update(store::Msg::Loaded(Ok(vec![
            entry("b"),
            entry("c"),
            entry("d"),
        ])));
        assert_eq!(ids(&s), ["b", "c", "d"]);
    }

    #[test]
    fn the_store_list_loads_and_deletes() {
        let mut s = State::new("", fake);
        // persistent storage is asked for once a key is kept, not before
        assert_eq!(State::init(), vec![Command::Store(store::Command::Load)]);
        let entry = |id: &str| pending(id, None);
        assert_eq!(s.update(store::Msg::Loaded(Ok(Vec::new()))), vec![]);
        assert_eq!(
            s.update(store::Msg::Loaded(Ok(vec![entry("a"), entry("b")]))),
            vec![Command::Store(store::Command::RequestPersistence)]
        );
        s.update(store::Msg::Persistence(Some(true)));
        assert_eq!(
            s.update(store::Msg::Added(entry("c"))),
            vec![],
            "not asked again once persistent"
        );
        s.update(store::Msg::Persistence(Some(false)));
        assert_eq!(
            s.update(store::Msg::Added(entry("c"))),
            vec![Command::Store(store::Command::RequestPersistence)],
            "asked again while the browser says no"
        );
        s.update(store::Msg::Deleted(Ok("c".into())));
        let asked: [Command; 1] = s.update(store::Msg::Delete("a".into())).try_into().unwrap();
        let [Command::Store(store::Command::Delete { id, question })] = asked else {
            panic!("no question asked");
        };
        assert_eq!(id, "a");
        // a pending entry: named, and what a later certificate needs
        let name = &s.store.entry("a").unwrap().record.friendly_name;
        assert!(
            question.contains(&format!("the request “{name}”")),
            "{question}"
        );
        assert!(question.contains("issued for it later"), "{question}");
        // an issued one: its certificate goes too
        let mut issued = entry("d");
        issued.record.certificate = Some(vec![0x30]);
        s.update(store::Msg::Added(issued));
        let asked: [Command; 1] = s.update(store::Msg::Delete("d".into())).try_into().unwrap();
        let [Command::Store(store::Command::Delete { question, .. })] = asked else {
            panic!("no question asked");
        };
        assert!(
            question.contains("its certificate and its private key"),
            "{question}"
        );
        // one whose key another entry holds too: the key stays, and the question says so
        s.update(store::Msg::Added(pending("e", Some("shared"))));
        s.update(store::Msg::Added(pending("f", Some("shared"))));
        let asked: [Command; 1] = s.update(store::Msg::Delete("e".into())).try_into().unwrap();
        let [Command::Store(store::Command::Delete { question, .. })] = asked else {
            panic!("no question asked");
        };
        let other = &s.store.entry("f").unwrap().record.friendly_name;
        assert!(
            question.contains(&format!("Its private key stays, for “{other}” uses it too")),
            "{question}"
        );
        for id in ["d", "e", "f", "a"] {
            s.update(store::Msg::Deleted(Ok(id.into())));
        }
        assert_eq!(s.store.entries, vec![entry("b")]);
        s.update(store::Msg::Deleted(Err(
            "cannot delete the request: x".into()
        )));
        assert!(s.status.notice.as_ref().is_some_and(|n| n.error));
    }

    #[test]
    fn the_default_template_is_a_clean_tls_server_request() {
        let mut s = State::default();
        let errors: Vec<_> = s
            .editor
            .compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(s.can_generate());
        let request = s.editor.compiled.request.clone().expect("a request");
        assert_eq!(request.key.algorithm, KeyAlgorithm::Rsa { bits: 2048 });
        assert!(!request.key.exportable);
        assert_eq!(request.signature, SignatureScheme::RsaPkcs1(Hash::Sha256));
        assert_eq!(request.friendly_name.as_deref(), Some("www.example.com"));
        let p = preview::preview(&request);
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
            s.update(preview::Msg::Generate).as_slice(),
            [Command::Preview(preview::Command::Generate { .. })]
        ));
        assert_eq!(file_name_for(&request), "www.example.com.req");
    }

    #[test]
    fn a_template_replaces_the_text_and_the_old_text_can_be_restored() {
        let mut s = State::new("Subject = mine\n", compile);
        s.update(editor::Msg::UseTemplate("subca".into()));
        assert_eq!(
            s.editor.text,
            crate::app::templates::find("subca").unwrap().text
        );
        assert_eq!(s.editor.previous.as_deref(), Some("Subject = mine\n"));
        assert_eq!(s.editor.source.as_deref(), Some("template: Subordinate CA"));
        assert!(s.can_generate());
        s.update(editor::Msg::RestorePrevious);
        assert_eq!(s.editor.text, "Subject = mine\n");
        assert!(
            s.editor.compiled.request.is_none()
                || s.editor.compiled.diagnostics.iter().any(|d| d.is_error()),
            "the restored text is compiled again"
        );
        s.update(editor::Msg::RestorePrevious);
        assert!(
            s.editor.text.contains("Issuing CA"),
            "restoring twice swaps back"
        );
        s.update(editor::Msg::UseTemplate("no-such-template".into()));
        assert!(
            s.editor.text.contains("Issuing CA"),
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
        // its line ends as the textarea gives them back
        assert_eq!(s.editor.text, "[NewRequest]\nSubject = \"CN=é\"\n");
        assert_eq!(s.editor.source.as_deref(), Some("web.inf (UTF-16LE)"));
        assert!(s.can_generate());

        // "ANSI" (Windows-1252) bytes: 0xE9 is é
        s.update(Msg::FileOpened {
            target: FileTarget::Page,
            name: "old.inf".into(),
            bytes: b"[NewRequest]\nSubject = \"CN=\xE9\"\n".to_vec(),
        });
        assert_eq!(s.editor.text, "[NewRequest]\nSubject = \"CN=é\"\n");
        assert_eq!(s.editor.source.as_deref(), Some("old.inf (Windows-1252)"));
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
        // DER with a line that looks like a section header
        assert_eq!(
            route("ca.crl", b"\x30\x82\x01\x00\x02\x01\n[\x01]\x05\x00"),
            FileTarget::Decoder
        );
        // a PEM certificate or an UTF-16 one saved as .txt; an INF saved as .txt
        assert_eq!(
            route("cert.txt", b"-----BEGIN CERTIFICATE-----\r\nMIIB\r\n"),
            FileTarget::Decoder
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "-----BEGIN CERTIFICATE-----\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        assert_eq!(route("cert.txt", &utf16), FileTarget::Decoder);
        assert_eq!(
            route("request.txt", b"Subject = \"CN=x\"\n"),
            FileTarget::Editor
        );
        // an INF of another code page (0x9D is a letter in Windows-1250), a form feed, a Ctrl-Z
        assert_eq!(
            route("cz.txt", b"[NewRequest]\nSubject = \"CN=\x9d\"\n\x0c\n\x1a"),
            FileTarget::Editor
        );
        assert_eq!(
            route_dropped(FileTarget::Decoder, "a.inf", b"[x]"),
            FileTarget::Decoder,
            "an explicit target wins"
        );
    }

    /// Generate's outcome: `meta` made, handed out as `pem` under `file_name`.
    fn made(meta: EntryMeta, pem: &str, file_name: &str) -> preview::Msg {
        preview::Msg::Generated(Ok(Box::new(Generated {
            meta,
            pem: pem.into(),
            file_name: file_name.into(),
            exportable: false,
        })))
    }

    fn issued(id: &str) -> EntryMeta {
        let leaf = cert(LEAF_PEM);
        EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(leaf.der().to_vec()),
                ..pending_record(id, None)
            },
            details: Some(CertDetails::of(&leaf)),
            key_algorithm: Some("RSA 2048".into()),
            ..Default::default()
        }
    }

    /// Renew on an issued entry asks the tools module for the renewal INF, opens it in the
    /// editor (the text it replaced can be restored), and Generate then renews that entry:
    /// its key signs the wrapper, the same key the request when UseExistingKeySet says so.
    #[test]
    fn renew_opens_the_renewal_inf_and_generate_renews_that_entry() {
        use crate::app::testing::tools;
        use certreq_wire::{OP_RENEWAL_INF, RenewalInfQuery};
        let mut s = State::new("Subject = x\n", editor::compile);
        s.store.entries = vec![pending("p", None), issued("old")];
        // a pending entry has no certificate to renew
        assert!(
            s.update(store::Msg::Renew {
                id: "p".into(),
                same_key: true
            })
            .is_empty()
        );
        assert!(s.status.notice.as_ref().is_some_and(|n| n.error));
        for same_key in [true, false] {
            let commands = s.update(store::Msg::Renew {
                id: "old".into(),
                same_key,
            });
            let [
                Command::Store(store::Command::RenewalInf {
                    id,
                    certificate,
                    same_key: asked,
                }),
            ] = commands.as_slice()
            else {
                panic!("{commands:?}");
            };
            assert_eq!((id.as_str(), *asked), ("old", same_key));
            let query = RenewalInfQuery {
                certificate: certificate.clone(),
                same_key,
                binding: None,
                exportable: false,
            };
            let inf = String::from_utf8(tools(OP_RENEWAL_INF, &query.to_wire()).unwrap()).unwrap();
            s.update(store::Msg::RenewalInf {
                id: "old".into(),
                inf: Ok(inf.clone()),
            });
            // with its line ends as the textarea gives them back
            assert_eq!(s.editor.text, inf.replace("\r\n", "\n"));
            assert!(
                s.editor.previous.is_some(),
                "the replaced text can be restored"
            );
            let request = s.editor.request().unwrap();
            assert_eq!(request.key.use_existing, same_key);
            let commands = s.update(preview::Msg::Generate);
            assert!(
                matches!(
                    commands.as_slice(),
                    [Command::Preview(preview::Command::Generate {
                        reuse: None,
                        renews: Some(old),
                        ..
                    })] if old == "old"
                ),
                "{commands:?}"
            );
            let busy = s.status.busy.take().unwrap();
            assert_eq!(busy.contains("renewal"), same_key, "{busy}");
        }
        // a failure to read the certificate is said, and the editor keeps its text
        let text = s.editor.text.clone();
        s.update(store::Msg::RenewalInf {
            id: "old".into(),
            inf: Err("no".into()),
        });
        assert_eq!(s.editor.text, text);
        assert!(s.status.notice.as_ref().is_some_and(|n| n.error));
    }

    /// A request on behalf of another user is signed by the stored entry chosen, and only an
    /// enrollment agent's: Generate asks for one until it is chosen.
    #[test]
    fn a_request_on_behalf_of_another_user_is_signed_by_the_agent_chosen() {
        let text = "[NewRequest]\nSubject = \"CN=bob\"\nRequestType = CMC\n\
                    RequesterName = CONTOSO\\bob\n";
        let mut s = State::new(text, editor::compile);
        assert_eq!(
            s.editor.request().unwrap().requester_name.as_deref(),
            Some("CONTOSO\\bob")
        );
        let mut agent = issued("agent");
        agent.details.as_mut().unwrap().request_agent = true;
        s.store.entries = vec![issued("plain"), agent];
        assert!(s.update(preview::Msg::Generate).is_empty());
        let notice = s.status.notice.take().unwrap();
        assert!(
            notice.error && notice.text.contains("CONTOSO\\bob"),
            "{notice:?}"
        );
        // a certificate that is not an agent's is not taken, even if chosen
        s.update(preview::Msg::Signer("plain".into()));
        assert!(s.update(preview::Msg::Generate).is_empty());
        assert!(s.status.notice.take().is_some_and(|n| n.error));
        s.update(preview::Msg::Signer("agent".into()));
        let commands = s.update(preview::Msg::Generate);
        assert!(
            matches!(
                commands.as_slice(),
                [Command::Preview(preview::Command::Generate {
                    reuse: None,
                    renews: None,
                    signer: Some(id),
                    ..
                })] if id == "agent"
            ),
            "{commands:?}"
        );
        // the agent's entry deleted: it is no longer the signer
        s.status.busy = None;
        s.update(preview::Msg::Forget("agent".into()));
        assert_eq!(s.preview.signer, None);
    }

    /// Which stored entries may sign on behalf of others, and why the rest may not.
    #[test]
    fn only_a_valid_enrollment_agent_with_its_key_is_offered_as_signer() {
        let mut agent = issued("agent");
        let d = agent.details.as_mut().unwrap();
        d.request_agent = true;
        let (from, until) = (d.not_before, d.not_after);
        let ms = |t: i64| t as f64 * 1000.0;
        let fit = |e: &EntryMeta, t| store::State::agent_fitness(e, ms(t));
        assert_eq!(fit(&agent, from + 1), Ok(()));
        assert!(
            fit(&issued("plain"), from + 1)
                .unwrap_err()
                .contains("Certificate Request Agent")
        );
        assert_eq!(fit(&agent, until + 1), Err("expired"));
        assert_eq!(fit(&agent, from - 1), Err("not valid yet"));
        let keyless = EntryMeta {
            key_algorithm: None,
            ..agent.clone()
        };
        assert!(
            fit(&keyless, from + 1)
                .unwrap_err()
                .contains("no private key")
        );
        assert_eq!(
            fit(&pending("p", None), from + 1),
            Err("no certificate yet")
        );
    }

    /// A RenewalCert that names no certificate kept here makes nothing.
    #[test]
    fn a_renewal_of_a_certificate_not_kept_here_is_refused() {
        let text = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\nRenewalCert = 0a1b\n";
        let mut s = State::new(text, editor::compile);
        s.store.entries = vec![issued("old")];
        assert!(s.update(preview::Msg::Generate).is_empty());
        assert!(
            s.status
                .notice
                .as_ref()
                .is_some_and(|n| n.error && n.text.contains("0a1b"))
        );
    }

    /// A RenewalCert naming a certificate kept here without its key, or naming two
    /// certificates, makes nothing (no key, no entry) and says so at RenewalCert.
    #[test]
    fn a_renewal_of_a_certificate_without_its_key_or_of_two_is_refused() {
        let old = issued("old");
        let thumbprint = old.details.as_ref().unwrap().thumbprint_sha1.clone();
        let text = format!(
            "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\nRenewalCert = \"{thumbprint}\"\n"
        );
        let mut s = State::new(&text, editor::compile);
        s.store.entries = vec![EntryMeta {
            key_algorithm: None,
            ..old.clone()
        }];
        assert!(s.update(preview::Msg::Generate).is_empty());
        let notice = s.status.notice.take().unwrap();
        assert!(notice.error, "{notice:?}");
        assert!(
            notice.text.contains("RenewalCert")
                && notice.text.contains(&thumbprint)
                && notice.text.contains("without its key"),
            "{notice:?}"
        );
        assert_eq!(s.status.busy, None);
        // the same certificate kept twice (with keys): which key signs is not guessed
        s.store.entries = vec![old.clone(), issued("twin")];
        assert!(s.update(preview::Msg::Generate).is_empty());
        let notice = s.status.notice.take().unwrap();
        assert!(
            notice.error
                && notice.text.contains("RenewalCert")
                && notice.text.contains("more than one"),
            "{notice:?}"
        );
        // kept once, with its key: renewed, and found by its thumbprint as Windows' certificate
        // dialog copies it (an invisible left-to-right mark first) or with colons
        s.store.entries = vec![old];
        let hex: Vec<String> = thumbprint
            .replace(' ', "")
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).to_uppercase())
            .collect();
        for copied in [format!("\u{200e}{}", hex.join(" ")), hex.join(":")] {
            assert!(s.store.renewal_of(&copied).is_ok(), "{copied:?}");
        }
        assert!(matches!(
            s.update(preview::Msg::Generate).as_slice(),
            [Command::Preview(preview::Command::Generate { renews: Some(id), .. })] if id == "old"
        ));
    }

    /// A signer chosen for a request on behalf of another user whose key is not kept here
    /// makes nothing, and the notice says why at RequesterName.
    #[test]
    fn an_agent_without_its_key_or_its_eku_does_not_sign() {
        let text = "[NewRequest]\nSubject = \"CN=bob\"\nRequestType = PKCS7\n\
                    RequesterName = CONTOSO\\bob\n";
        let mut s = State::new(text, editor::compile);
        let mut agent = issued("agent");
        agent.details.as_mut().unwrap().request_agent = true;
        agent.key_algorithm = None;
        s.store.entries = vec![issued("plain"), agent];
        for (chosen, why) in [
            ("plain", "Certificate Request Agent"),
            ("agent", "no private key"),
        ] {
            s.update(preview::Msg::Signer(chosen.into()));
            assert!(s.update(preview::Msg::Generate).is_empty());
            let notice = s.status.notice.take().unwrap();
            assert!(
                notice.error && notice.text.contains("RequesterName") && notice.text.contains(why),
                "{chosen}: {notice:?}"
            );
        }
    }

    /// The renewed entry stays, marked renewed once the entry renewing it holds its
    /// certificate.
    #[test]
    fn the_old_entry_is_marked_renewed_when_the_new_certificate_arrives() {
        let mut s = State::new("Subject = x\n", fake);
        let renewal = EntryMeta {
            record: RecordMeta {
                renews: Some("old".into()),
                ..pending_record("new", None)
            },
            ..Default::default()
        };
        s.store.entries = vec![issued("old"), renewal.clone()];
        assert!(!s.store.is_renewed("old"));
        s.update(store::Msg::Changed(EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(cert(LEAF_PEM).der().to_vec()),
                ..renewal.record
            },
            ..renewal
        }));
        assert!(s.store.is_renewed("old"));
        assert_eq!(s.store.entries.len(), 2, "the old entry stays");
        assert!(!s.store.is_renewed("new"));
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
            s.update(preview::Msg::Generate).is_empty(),
            "never a new key silently"
        );
        assert!(
            s.status
                .notice
                .as_ref()
                .is_some_and(|n| n.error && n.text.contains("web-key"))
        );
        assert_eq!(s.status.busy, None);

        s.store.entries = vec![pending("old", Some("web-key"))];
        let commands = s.update(preview::Msg::Generate);
        assert!(matches!(
            commands.as_slice(),
            [Command::Preview(preview::Command::Generate { reuse: Some(id), .. })] if id == "old"
        ));
        assert_eq!(
            s.status.busy.as_deref(),
            Some("signing with the stored key…")
        );
    }

    #[test]
    fn accepting_replaces_the_entry_and_a_bad_file_changes_nothing() {
        let mut s = State::new("", fake);
        s.store.entries = vec![pending("a", None)];
        assert!(
            s.update(store::Msg::AcceptFile {
                name: "x.cer".into(),
                bytes: b"hello".to_vec()
            })
            .is_empty()
        );
        let n = s.status.notice.clone().unwrap();
        assert!(
            n.error && n.text.starts_with("x.cer is not a certificate"),
            "{n:?}"
        );
        assert_eq!(s.store.entries, vec![pending("a", None)]);

        assert_eq!(
            s.update(store::Msg::AcceptFile {
                name: "x.cer".into(),
                bytes: LEAF_PEM.to_vec()
            }),
            vec![Command::Store(store::Command::Accept(LEAF_PEM.to_vec()))]
        );
        // while it is accepted (the entry is read, then written back whole), the entry cannot
        // be deleted, nor another certificate accepted
        assert!(!s.status.idle());
        assert_eq!(s.update(store::Msg::Delete("a".into())), vec![]);
        assert_eq!(
            s.update(store::Msg::AcceptFile {
                name: "y.cer".into(),
                bytes: LEAF_PEM.to_vec()
            }),
            vec![]
        );
        let n = s.status.notice.take().unwrap();
        assert!(
            n.error && n.text.starts_with("y.cer was not accepted"),
            "{n:?}"
        );
        let leaf = cert(LEAF_PEM);
        let issued = EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(leaf.der().to_vec()),
                ..pending_record("a", None)
            },
            details: Some(CertDetails::of(&leaf)),
            exportable: Some(true),
            ..Default::default()
        };
        s.update(store::Msg::Accepted(Ok(issued.clone())));
        assert_eq!(s.store.entries, vec![issued.clone()]);
        assert!(s.status.idle());
        assert!(
            s.status
                .notice
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
    fn the_pfx_dialog_needs_an_exportable_key_and_matching_passwords() {
        let mut s = State::new("", fake);
        let with_certificate = |id: &str, exportable| EntryMeta {
            record: RecordMeta {
                certificate: Some(vec![1]),
                ..pending_record(id, None)
            },
            exportable: Some(exportable),
            ..Default::default()
        };
        s.store.entries = vec![
            with_certificate("locked", false),
            with_certificate("open", true),
        ];
        s.update(store::Msg::PfxOpen("locked".into()));
        assert_eq!(s.store.pfx, None);
        assert!(s.status.notice.as_ref().unwrap().error);

        s.update(store::Msg::PfxOpen("open".into()));
        assert!(
            s.update(store::Msg::PfxSubmit).is_empty(),
            "an empty password is refused"
        );
        assert!(s.store.pfx.as_ref().unwrap().problem.is_some());
        s.update(store::Msg::PfxPassword("pw".into()));
        s.update(store::Msg::PfxConfirm("pW".into()));
        assert!(s.update(store::Msg::PfxSubmit).is_empty());
        s.update(store::Msg::PfxConfirm("pw".into()));
        s.update(store::Msg::PfxProfile(Profile::Legacy));
        assert_eq!(
            s.update(store::Msg::PfxSubmit),
            vec![Command::Store(store::Command::ExportPfx {
                id: "open".into(),
                password: "pw".into(),
                profile: Profile::Legacy
            })]
        );
        assert_eq!(
            s.store.pfx, None,
            "the dialog closes and forgets the password"
        );
    }

    #[test]
    fn a_page_opened_from_disk_has_no_default_ca() {
        // the single file from file:// (Chromium's origin `file://`, Firefox's `null`): no
        // `file:///certsrv` to be refused on Submit, whichever kind is chosen
        use enrollment::EndpointKind;
        for origin in ["file://", "null", ""] {
            let mut s = State::new("", fake);
            s.enrollment.settings = Enrollment::for_origin(origin);
            assert_eq!(s.enrollment.settings.url, "", "{origin}");
            s.update(enrollment::Msg::EndpointKind(EndpointKind::Est));
            assert_eq!(s.enrollment.settings.url, "", "{origin}");
            s.update(enrollment::Msg::EndpointUrl("https://ca/certsrv".into()));
            s.update(enrollment::Msg::EndpointKind(EndpointKind::AdCs));
            assert_eq!(s.enrollment.settings.url, "https://ca/certsrv", "{origin}");
        }
    }

    #[test]
    fn the_endpoint_defaults_to_this_origin_and_follows_the_kind() {
        use enrollment::EndpointKind;
        let mut s = State::new("", fake);
        s.enrollment.settings = Enrollment::for_origin("https://ca.example");
        assert_eq!(s.enrollment.settings.url, "https://ca.example/certsrv");
        s.update(enrollment::Msg::EndpointKind(EndpointKind::Est));
        assert_eq!(
            s.enrollment.settings.url,
            "https://ca.example/.well-known/est"
        );
        s.update(enrollment::Msg::EndpointUrl(
            "https://other/.well-known/est/User".into(),
        ));
        s.update(enrollment::Msg::EndpointKind(EndpointKind::AdCs));
        assert_eq!(
            s.enrollment.settings.url, "https://other/.well-known/est/User",
            "a URL the user typed is kept"
        );
        s.update(enrollment::Msg::Template(" WebServer ".into()));
        s.update(enrollment::Msg::ExtraAttributes(
            "SAN:dns=a.example\n\n  x:y ".into(),
        ));
        assert_eq!(
            s.enrollment.settings.attrib(),
            "CertificateTemplate:WebServer\nSAN:dns=a.example\nx:y"
        );
    }

    #[test]
    fn the_cas_templates_are_asked_for_then_the_inf_is_checked_and_mismatches_shown_in_the_editor()
    {
        use certreq_wire::ca::{Finding, TemplateOffer};
        use enrollment::CaFacts;
        let inf = "[NewRequest]\nSubject = \"CN=x\"\n";
        let mut s = State::new(inf, fake);
        s.enrollment.settings = Enrollment::for_origin("https://ca.example");
        assert_eq!(
            s.update(enrollment::Msg::LoadTemplates),
            vec![Command::Enrollment(enrollment::Command::LoadTemplates(
                s.enrollment.settings.clone()
            ))]
        );
        // nothing known yet: choosing a template checks nothing
        assert!(s.update(enrollment::Msg::Template("Web".into())).is_empty());
        // the facts' bytes are the tools module's: the app hands them back unread
        let offered = CaFacts {
            offered: Some(vec![TemplateOffer {
                name: "WebServer".into(),
                display: "Web Server".into(),
            }]),
            wire: vec![1, 2, 3],
            label: None,
        };
        let checked_as = |inf: &str, template: &str| {
            vec![Command::Enrollment(enrollment::Command::CheckTemplate {
                inf: inf.into(),
                template: Some(template.into()),
                facts: vec![1, 2, 3],
            })]
        };
        let checked = |template: &str| checked_as(inf, template);
        assert_eq!(
            s.update(enrollment::Msg::TemplatesLoaded(Ok(Box::new(
                offered.clone()
            )))),
            checked("Web"),
            "the list arrived: the INF is checked with the template chosen"
        );
        // a new choice: the findings about the old one go at once, and the INF is checked
        assert_eq!(
            s.update(enrollment::Msg::Template(" WebServer ".into())),
            checked("WebServer")
        );
        // the tools module's answer: a warning at the Subject line, shown by the editor
        let finding = |start: u32, code: &str| Finding {
            severity: "warning".into(),
            code: code.into(),
            message: "CA template `WebServer`: the server asks for more".into(),
            help: Some("add it".into()),
            start,
            end: start + 8,
        };
        let subject_at = inf.find("Subject").unwrap() as u32;
        s.update(enrollment::Msg::TemplateChecked {
            inf: inf.into(),
            found: Ok(vec![finding(subject_at, "subject-attribute-missing")]),
        });
        assert_eq!(s.enrollment.mismatches, Some(Ok(1)));
        let shown: Vec<_> = s
            .editor
            .compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == "subject-attribute-missing")
            .collect();
        assert_eq!(shown.len(), 1, "{:?}", s.editor.compiled.diagnostics);
        assert_eq!(shown[0].severity, Severity::Warning);
        assert_eq!(
            s.editor.position(shown[0]),
            (2, 1),
            "at the INF line it concerns"
        );
        assert_eq!(
            shown[0].message,
            "CA template `WebServer`: the server asks for more"
        );
        assert_eq!(
            s.editor.line_severity(1),
            Some(Severity::Warning),
            "the gutter"
        );
        assert_eq!(s.editor.counts().1, 1);
        // an edit drops them and asks again, for the new text
        let edited = "[NewRequest]\nSubject = \"CN=y\"\n";
        assert_eq!(
            s.update(editor::Msg::Edit(edited.into())),
            checked_as(edited, "WebServer")
        );
        assert_eq!(s.editor.counts(), (0, 0, 0), "cleared by the edit");
        // a late answer about the old text is dropped; the new text's answer is shown
        s.update(enrollment::Msg::TemplateChecked {
            inf: inf.into(),
            found: Ok(vec![finding(subject_at, "subject-attribute-missing")]),
        });
        assert_eq!(s.editor.counts(), (0, 0, 0), "not about this text");
        s.update(enrollment::Msg::TemplateChecked {
            inf: edited.into(),
            found: Ok(vec![
                finding(0, "template-not-offered"),
                finding(1, "no-such-code"),
            ]),
        });
        assert_eq!(s.editor.counts(), (0, 1, 0), "an unknown code is not shown");
        // a caret move is no edit: nothing is asked
        assert!(
            !s.update(editor::Msg::Selected { start: 3, end: 3 })
                .iter()
                .any(|c| matches!(c, Command::Enrollment(_)))
        );
        // another CA: what this one said is forgotten, in the editor too
        s.update(enrollment::Msg::EndpointUrl("https://other/certsrv".into()));
        assert_eq!(s.enrollment.templates, None);
        assert_eq!(s.enrollment.mismatches, None);
        assert_eq!(s.editor.counts(), (0, 0, 0), "cleared by the CA's change");
        assert!(
            !s.update(editor::Msg::Edit("x = 1\n".into()))
                .iter()
                .any(|c| matches!(c, Command::Enrollment(_))),
            "nothing known of this CA: no check"
        );
        s.update(enrollment::Msg::TemplatesLoaded(Err("no list".into())));
        assert_eq!(s.enrollment.templates, Some(Err("no list".into())));
        assert!(
            !s.update(enrollment::Msg::Template("User".into()))
                .iter()
                .any(|c| matches!(c, Command::Enrollment(_)))
        );
    }

    #[test]
    fn an_est_label_is_the_template_the_csrattrs_are_checked_as() {
        use enrollment::EndpointKind;
        let mut s = State::new("x = 1\n", fake);
        s.enrollment.settings = Enrollment::for_origin("https://ca.example");
        s.update(enrollment::Msg::EndpointKind(EndpointKind::Est));
        // a URL pasted with the operation at its end (as an EST client's settings show it):
        // the tools module says where its CSR attributes are and which label it names
        let url = "https://ca.example/.well-known/est/StrongKey/simpleenroll";
        s.update(enrollment::Msg::EndpointUrl(url.into()));
        let places = crate::app::testing::tools(certreq_wire::OP_EST_PLACES, url.as_bytes())
            .map(|b| certreq_wire::ca::EstPlaces::from_wire(&b).expect("places"))
            .expect("an EST URL");
        assert_eq!(
            places.csrattrs,
            "https://ca.example/.well-known/est/StrongKey/csrattrs"
        );
        let facts = enrollment::CaFacts {
            label: Some(places.label),
            ..Default::default()
        };
        let out = s.update(enrollment::Msg::TemplatesLoaded(Ok(Box::new(facts))));
        assert_eq!(
            out,
            vec![Command::Enrollment(enrollment::Command::CheckTemplate {
                inf: "x = 1\n".into(),
                template: Some("StrongKey".into()),
                facts: Vec::new(),
            })]
        );
        // a check that failed is said in the enrollment panel, and nothing is in the editor
        s.update(enrollment::Msg::TemplateChecked {
            inf: "x = 1\n".into(),
            found: Err("no module".into()),
        });
        assert_eq!(s.enrollment.mismatches, Some(Err("no module".into())));
        assert_eq!(s.editor.counts(), (0, 0, 0));
    }

    #[test]
    fn the_cas_files_are_listed_then_each_is_saved_or_decoded_under_its_name() {
        use certreq_wire::ca::Download;
        let mut s = State::new("", fake);
        s.enrollment.settings = Enrollment::for_origin("https://ca.example");
        assert!(
            s.update(enrollment::Msg::CaFile { n: 0, open: false })
                .is_empty(),
            "nothing listed yet"
        );
        assert_eq!(
            s.update(enrollment::Msg::ListCaFiles),
            vec![Command::Enrollment(enrollment::Command::ListCaFiles(
                "https://ca.example/certsrv".into()
            ))]
        );
        let d = |what: &str, renewal| Download {
            what: what.into(),
            renewal,
            url: format!("https://ca.example/{what}/{renewal}"),
        };
        s.update(enrollment::Msg::CaFilesListed(Ok(vec![
            d("cert", 1),
            d("chain", 1),
            d("crl", 0),
            d("delta-crl", 0),
        ])));
        let fetch = |n, open| s.clone().update(enrollment::Msg::CaFile { n, open });
        let wanted = |url: &str, name: &str, open| {
            vec![Command::Enrollment(enrollment::Command::FetchCaFile {
                url: url.into(),
                name: name.into(),
                open,
            })]
        };
        assert_eq!(
            fetch(0, false),
            wanted("https://ca.example/cert/1", "ca-1.cer", false)
        );
        assert_eq!(
            fetch(1, true),
            wanted("https://ca.example/chain/1", "ca-chain-1.p7b", true)
        );
        assert_eq!(
            fetch(2, false),
            wanted("https://ca.example/crl/0", "ca-0.crl", false)
        );
        assert_eq!(
            fetch(3, false),
            wanted("https://ca.example/delta-crl/0", "ca-delta-0.crl", false)
        );
        assert!(fetch(4, false).is_empty(), "past the list");
        // a file refused (a CRL that does not parse) is said until the next fetch
        let refused = |s: &mut State| {
            s.update(enrollment::Msg::CaFileRefused {
                name: "ca-0.crl".into(),
                why: "not a CRL".into(),
            });
        };
        refused(&mut s);
        assert_eq!(
            s.enrollment.ca_file_refused,
            Some(("ca-0.crl".into(), "not a CRL".into()))
        );
        s.update(enrollment::Msg::CaFile { n: 0, open: false });
        assert_eq!(s.enrollment.ca_file_refused, None);
        refused(&mut s);
        // another CA: the list is forgotten, and what was refused with it
        s.update(enrollment::Msg::EndpointUrl("https://other/certsrv".into()));
        assert_eq!(s.enrollment.ca_files, None);
        assert_eq!(s.enrollment.ca_file_refused, None);
    }

    #[test]
    fn submit_sends_the_request_just_made_and_shows_what_the_ca_said() {
        let mut s = State::new("Subject = x\n", fake);
        assert!(s.update(enrollment::Msg::Submit).is_empty());
        assert_eq!(
            s.enrollment.disposition.as_ref().unwrap().status,
            Status::Error
        );

        s.enrollment.settings = Enrollment::for_origin("http://127.0.0.1:1");
        s.preview.result = Some(Generated {
            meta: pending("a", None),
            pem: String::new(),
            file_name: "a.req".into(),
            exportable: false,
        });
        s.store.entries = vec![pending("a", None)];
        assert_eq!(
            s.update(enrollment::Msg::Submit),
            vec![Command::Enrollment(enrollment::Command::Submit {
                id: "a".into(),
                enrollment: s.enrollment.settings.clone()
            })]
        );
        assert!(
            s.update(enrollment::Msg::Submit).is_empty(),
            "one submission at a time"
        );

        let waiting = EntryMeta {
            record: RecordMeta {
                request_id: Some(7),
                ..pending_record("a", None)
            },
            ..Default::default()
        };
        s.update(enrollment::Msg::Enrolled(Ok(Box::new(Outcome {
            status: Status::Pending,
            message: "Taken Under Submission".into(),
            request_id: Some(7),
            entry: Some(waiting.clone()),
            certificate: None,
            explanation: None,
            then: None,
        }))));
        assert_eq!(s.status.busy, None);
        assert_eq!(
            s.store.entries,
            vec![waiting],
            "the request id is kept on the entry"
        );
        assert_eq!(
            s.enrollment.disposition.as_ref().unwrap().status,
            Status::Pending
        );
        // sent: Submit does not send it again (the CA would take a second request and the
        // entry forget request 7); its entry retrieves it
        assert!(!s.can_submit());
        assert!(s.update(enrollment::Msg::Submit).is_empty());
        assert_eq!(s.store.entries[0].record.request_id, Some(7));
        assert!(
            s.enrollment
                .disposition
                .as_ref()
                .unwrap()
                .message
                .contains("sent already"),
            "{:?}",
            s.enrollment.disposition
        );

        assert!(matches!(
            s.update(enrollment::Msg::Retrieve("a".into())).as_slice(),
            [Command::Enrollment(enrollment::Command::Retrieve { id: Some(id), number: None, .. })]
                if id == "a"
        ));
        s.update(enrollment::Msg::Enrolled(Err(
            "could not reach the CA".into()
        )));
        let d = s.enrollment.disposition.clone().unwrap();
        assert_eq!(
            (d.status, d.message.as_str()),
            (Status::Error, "could not reach the CA")
        );
    }

    #[test]
    fn an_entry_goes_back_to_its_own_ca_whatever_the_endpoint_is_now() {
        use store::CaRef;
        let mut s = State::new("", fake);
        s.enrollment.settings = Enrollment::for_origin("http://a.example");
        let a = s.enrollment.settings.ca();
        assert_eq!(
            a,
            CaRef {
                protocol: "adcs".into(),
                url: "http://a.example/certsrv".into()
            }
        );
        let issued = EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(vec![1]),
                ca: Some(a.clone()),
                ..pending_record("old", None)
            },
            ..Default::default()
        };
        let waiting = EntryMeta {
            record: RecordMeta {
                request_id: Some(7),
                ca: Some(a.clone()),
                ..pending_record("waiting", None)
            },
            ..Default::default()
        };
        let renewal = EntryMeta {
            record: RecordMeta {
                renews: Some("old".into()),
                ..pending_record("renewal", None)
            },
            ..Default::default()
        };
        s.store.entries = vec![issued, waiting, renewal.clone(), pending("new", None)];
        // the endpoint moves to another CA, over EST
        s.update(enrollment::Msg::EndpointUrl(
            "http://b.example/.well-known/est".into(),
        ));
        s.update(enrollment::Msg::EndpointKind(enrollment::EndpointKind::Est));
        let b = s.enrollment.settings.clone();
        assert!(b.differs(&a));
        assert!(!b.differs(&b.ca()));
        let a_settings = Enrollment {
            kind: enrollment::EndpointKind::AdCs,
            url: "http://a.example/certsrv".into(),
            ..b.clone()
        };
        let sent_to = |out: Vec<Command>| match out.as_slice() {
            [Command::Enrollment(enrollment::Command::Retrieve { enrollment, .. })]
            | [
                Command::Enrollment(enrollment::Command::Submit { enrollment, .. }),
                ..,
            ] => enrollment.clone(),
            other => panic!("{other:?}"),
        };
        let mut t = s.clone();
        assert_eq!(
            sent_to(t.update(enrollment::Msg::Retrieve("waiting".into()))),
            a_settings,
            "a pending entry is retrieved from the CA it was sent to"
        );
        let mut t = s.clone();
        assert_eq!(
            sent_to(t.update(enrollment::Msg::SubmitEntry("renewal".into()))),
            a_settings,
            "a renewal goes to the CA the renewed certificate came from"
        );
        let mut t = s.clone();
        t.preview.result = Some(Generated {
            meta: renewal,
            pem: String::new(),
            file_name: "r.req".into(),
            exportable: false,
        });
        assert_eq!(
            sent_to(t.update(enrollment::Msg::Submit)),
            a_settings,
            "the renewal just made, too"
        );
        let mut t = s.clone();
        assert_eq!(
            sent_to(t.update(enrollment::Msg::SubmitEntry("new".into()))),
            b,
            "a new request goes to the endpoint set now"
        );
        // an EST request held pending has no request id: it is collected by sending it
        // again, to the CA that holds it
        let held = EntryMeta {
            record: RecordMeta {
                ca: Some(a.clone()),
                ..pending_record("held", None)
            },
            ..Default::default()
        };
        let mut t = s.clone();
        t.store.entries.push(held);
        assert_eq!(
            sent_to(t.update(enrollment::Msg::SubmitEntry("held".into()))),
            a_settings,
            "a request sent before goes back to its own CA"
        );
        assert_eq!(s.store.ca_of("renewal"), Some(&a));
        assert_eq!(s.store.ca_of("new"), None);
    }

    #[test]
    fn retrieving_by_number_reads_decimal_or_hex() {
        let mut s = State::new("", fake);
        s.update(enrollment::Msg::RetrieveNumber(" 0x1F ".into()));
        assert!(matches!(
            s.update(enrollment::Msg::RetrieveNumbered).as_slice(),
            [Command::Enrollment(enrollment::Command::Retrieve {
                id: None,
                number: Some(31),
                ..
            })]
        ));
        s.update(enrollment::Msg::Enrolled(Err("x".into())));
        s.update(enrollment::Msg::RetrieveNumber("seven".into()));
        assert!(s.update(enrollment::Msg::RetrieveNumbered).is_empty());
        assert!(
            s.enrollment
                .disposition
                .as_ref()
                .unwrap()
                .message
                .contains("“seven”")
        );
    }

    #[test]
    fn a_loaded_req_file_is_what_submit_sends() {
        let mut s = State::new("Subject = x\n", fake);
        s.enrollment.settings = Enrollment::for_origin("http://127.0.0.1:1");
        // certreq's own label; the PEM text is what `certreq -new` writes
        let file =
            certreq_pkix::pem::write(certreq_pkix::pem::Label::NewCertificateRequest, REQ_DER);
        let commands = s.update(enrollment::Msg::SubmitFile {
            name: "server.req".into(),
            bytes: file.into_bytes(),
        });
        let loaded = s.enrollment.loaded.clone().unwrap().unwrap();
        assert_eq!(loaded.der, REQ_DER);
        assert_eq!(loaded.subject, "CN=Ilgis Uzbekov, C=KG");
        assert_eq!(loaded.key, None, "not known until the store is asked");
        assert_eq!(
            commands,
            vec![Command::Enrollment(enrollment::Command::MatchKey(
                loaded.spki.clone()
            ))]
        );
        assert!(s.can_submit());

        s.update(enrollment::Msg::KeyMatched(None));
        assert_eq!(
            s.enrollment.loaded.clone().unwrap().unwrap().key,
            Some(None)
        );
        assert_eq!(
            s.update(enrollment::Msg::Submit),
            vec![Command::Enrollment(enrollment::Command::SubmitRequest {
                der: REQ_DER.to_vec(),
                enrollment: s.enrollment.settings.clone()
            })]
        );
        assert!(!s.can_submit(), "one submission at a time");

        // issued with no stored key: the certificate is offered under the file's name
        s.update(enrollment::Msg::Enrolled(Ok(Box::new(Outcome {
            status: Status::Issued,
            message: "issued".into(),
            request_id: Some(3),
            entry: None,
            certificate: Some(vec![0x30, 0]),
            explanation: None,
            then: None,
        }))));
        assert_eq!(s.store.entries, Vec::new(), "nothing is added to the store");
        assert_eq!(
            s.update(enrollment::Msg::DownloadIssued),
            vec![Command::Enrollment(
                enrollment::Command::DownloadCertificate {
                    name: "server.cer".into(),
                    der: vec![0x30, 0]
                }
            )]
        );
    }

    #[test]
    fn a_der_req_is_read_and_a_new_request_replaces_it() {
        let mut s = State::new("Subject = x\n", fake);
        s.update(enrollment::Msg::SubmitFile {
            name: "r.req".into(),
            bytes: REQ_DER.to_vec(),
        });
        s.update(enrollment::Msg::KeyMatched(Some("web server".into())));
        let loaded = s.enrollment.loaded.clone().unwrap().unwrap();
        assert_eq!(
            (loaded.der.as_slice(), loaded.key),
            (REQ_DER, Some(Some("web server".into())))
        );
        s.update(made(pending("a", None), "", "a.req"));
        assert_eq!(
            s.enrollment.loaded, None,
            "the request just made is sent next"
        );
        assert!(matches!(
            s.update(enrollment::Msg::Submit).as_slice(),
            [Command::Enrollment(enrollment::Command::Submit { id, .. })] if id == "a"
        ));
    }

    #[test]
    fn a_file_that_is_not_a_request_says_so_and_sends_nothing() {
        let mut s = State::new("Subject = x\n", fake);
        let cert =
            certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, cert(LEAF_PEM).der());
        for (name, bytes) in [
            ("leaf.cer", cert.into_bytes()),
            ("notes.txt", b"hello there".to_vec()),
        ] {
            assert!(
                s.update(enrollment::Msg::SubmitFile {
                    name: name.into(),
                    bytes
                })
                .is_empty()
            );
            let why = s.enrollment.loaded.clone().unwrap().unwrap_err();
            assert!(why.starts_with(name), "{why}");
            assert!(!s.can_submit());
            assert!(s.update(enrollment::Msg::Submit).is_empty());
            assert_eq!(
                s.enrollment.disposition.as_ref().unwrap().status,
                Status::Error
            );
        }
        let why = s.enrollment.loaded.clone().unwrap().unwrap_err();
        assert_eq!(
            why,
            "notes.txt is not a certificate request: not PEM or DER: the text is neither a \
             -----BEGIN block nor valid base64"
        );
    }

    #[test]
    fn a_stored_pending_entry_without_a_request_id_can_be_submitted() {
        let mut s = State::new("", fake);
        s.enrollment.settings = Enrollment::for_origin("http://127.0.0.1:1");
        let numbered = EntryMeta {
            record: RecordMeta {
                request_id: Some(9),
                ..pending_record("b", None)
            },
            ..Default::default()
        };
        let issued = EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                ..pending_record("c", None)
            },
            ..Default::default()
        };
        s.store.entries = vec![pending("a", None), numbered, issued];
        assert!(
            s.update(enrollment::Msg::SubmitEntry("b".into()))
                .is_empty()
        );
        assert!(
            s.update(enrollment::Msg::SubmitEntry("c".into()))
                .is_empty()
        );
        assert!(
            s.update(enrollment::Msg::SubmitEntry("gone".into()))
                .is_empty()
        );
        assert_eq!(
            s.update(enrollment::Msg::SubmitEntry("a".into())),
            vec![Command::Enrollment(enrollment::Command::Submit {
                id: "a".into(),
                enrollment: s.enrollment.settings.clone()
            })]
        );
        assert!(
            s.update(enrollment::Msg::SubmitEntry("a".into()))
                .is_empty(),
            "busy"
        );
    }

    #[test]
    fn a_denied_entry_can_be_submitted_again() {
        let mut s = State::new("", fake);
        s.enrollment.settings = Enrollment::for_origin("http://127.0.0.1:1");
        let denied = EntryMeta {
            record: RecordMeta {
                request_id: Some(9),
                state: EntryState::Denied,
                ..pending_record("d", None)
            },
            ..Default::default()
        };
        s.store.entries = vec![denied];
        assert_eq!(
            s.update(enrollment::Msg::SubmitEntry("d".into())),
            vec![Command::Enrollment(enrollment::Command::Submit {
                id: "d".into(),
                enrollment: s.enrollment.settings.clone()
            })]
        );
    }
}
