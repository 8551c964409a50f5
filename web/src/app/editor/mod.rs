//! The INF editor: the text, its compilation (diagnostics and the request), the caret and the
//! reference panel that follows it, templates and opened files.

pub mod view;

use certreq_inf::codes;
use certreq_inf::diag::{Diagnostic, LineIndex, Severity};
use certreq_request::Compiled;
use certreq_request::model::{NewRequest, RequestType};
use certreq_wire::ca::Finding;
use certreq_wire::{DocPage, DocQuery};

use super::templates;
use super::text::{byte_to_utf16, utf16_to_byte};

/// The INF the page opens with: the TLS web server template.
pub const DEFAULT_INF: &str = templates::TEMPLATES[0].text;

/// The app's compiler: the lowering for a front end that builds renewals and requests on
/// behalf of others (PKCS #7 or CMC, the tools module writing the wrapper, a stored
/// certificate's key signing) and nothing else of the life cycle.
pub fn compile(text: &str) -> Compiled {
    certreq_request::compile_for(text, certreq_request::Builds::APP)
}

/// What can happen in the editor.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The INF text changed.
    Edit(String),
    /// The caret moved (UTF-16 offset, as the DOM reports it).
    Caret(u32),
    /// The user picked diagnostic number `n`: put the caret on it.
    JumpTo(usize),
    /// Replace the text with the template of this id.
    UseTemplate(String),
    /// Put back the text a template or an opened file replaced (and keep the replacement, so
    /// pressing it again swaps back).
    RestorePrevious,
    /// An INF file's bytes arrived (opened, or dropped on the page).
    Open { name: String, bytes: Vec<u8> },
    /// Open the INF that renews stored entry `entry` (read from its certificate).
    Renewal { entry: String, text: String },
    /// The reference's answer for [`Command::Doc`].
    DocLooked {
        query: DocQuery,
        page: Result<Option<DocPage>, String>,
    },
    /// The text's mismatches with what the CA says of its template, found for the text as it
    /// is now: shown among the diagnostics (in place of earlier ones; none clears them).
    CaFindings(Vec<Finding>),
}

/// Browser work the editor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Select `start..end` (UTF-16 offsets) in the editor and focus it.
    Select { start: u32, end: u32 },
    /// Look up the reference page for the caret's place (in the lazily loaded module); answer
    /// with [`Msg::DocLooked`].
    Doc(DocQuery),
}

/// The reference panel beside the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocPanel {
    /// The place the caret is on.
    pub query: DocQuery,
    /// `None` while it is being looked up; `Some(Ok(None))` when the reference has no page.
    pub page: Option<Result<Option<DocPage>, String>>,
}

/// The editor's state.
#[derive(Clone, Debug)]
pub struct State {
    /// The INF text.
    pub text: String,
    /// `compile(text)`, redone on every edit, and the CA's findings about this text
    /// ([`Msg::CaFindings`]), which an edit drops.
    pub compiled: Compiled,
    /// How many times the text changed (so the CA's template is checked again).
    pub version: u32,
    pub lines: LineIndex,
    /// The caret as a byte offset into `text`.
    pub caret: usize,
    /// The reference panel: what the caret is on and its page. Empty until the caret first
    /// moves, so opening the app does not fetch the reference.
    pub doc: Option<DocPanel>,
    /// Whether the caret has moved yet (the panel follows it from then on).
    doc_follows: bool,
    /// The text a template or an opened file replaced, while it can be restored.
    pub previous: Option<String>,
    /// Where the text came from and how it was read ("opened x.inf (UTF-16LE)").
    pub source: Option<String>,
    /// The compiler: `certreq_request::compile` in the app, a stand-in in tests.
    compiler: fn(&str) -> Compiled,
}

impl Default for State {
    fn default() -> Self {
        State::new(DEFAULT_INF, compile)
    }
}

impl State {
    /// An editor holding `text`, compiled with `compiler`.
    pub fn new(text: &str, compiler: fn(&str) -> Compiled) -> Self {
        State {
            text: text.to_owned(),
            compiled: compiler(text),
            version: 0,
            lines: LineIndex::new(text),
            caret: 0,
            doc: None,
            doc_follows: false,
            previous: None,
            source: None,
            compiler,
        }
    }

    /// The request the text makes, when it has no errors.
    pub fn request(&self) -> Option<&NewRequest> {
        self.compiled
            .request
            .as_ref()
            .filter(|_| !self.has_errors())
    }

    /// Whether the INF asks for a self-signed certificate (`RequestType = Cert`), not a request.
    pub fn makes_certificate(&self) -> bool {
        self.compiled
            .request
            .as_ref()
            .is_some_and(|r| r.request_type == RequestType::Cert)
    }

    /// Any error among the diagnostics (then there is no request to make).
    pub fn has_errors(&self) -> bool {
        certreq_inf::diag::has_errors(&self.compiled.diagnostics)
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

    /// Applies a message; returns the browser work it calls for.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        if matches!(msg, Msg::Caret(_) | Msg::JumpTo(_)) {
            self.doc_follows = true;
        }
        let mut commands = self.apply(msg);
        commands.extend(self.follow_caret_doc());
        commands
    }

    fn apply(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Edit(text) => {
                if text != self.text {
                    self.set_text(text);
                }
            }
            Msg::Caret(utf16) => self.caret = utf16_to_byte(&self.text, utf16),
            Msg::JumpTo(n) => {
                let Some(d) = self.compiled.diagnostics.get(n) else {
                    return Vec::new();
                };
                let start = d.span.start.min(self.text.len());
                let end = d.span.end.clamp(start, self.text.len());
                self.caret = utf16_to_byte(&self.text, byte_to_utf16(&self.text, start));
                return vec![Command::Select {
                    start: byte_to_utf16(&self.text, start),
                    end: byte_to_utf16(&self.text, end),
                }];
            }
            Msg::UseTemplate(id) => {
                if let Some(t) = templates::find(&id) {
                    self.replace_text(t.text.to_owned());
                    self.source = Some(format!("template: {}", t.title));
                }
            }
            Msg::RestorePrevious => {
                if let Some(previous) = self.previous.take() {
                    let replaced = core::mem::take(&mut self.text);
                    self.set_text(previous);
                    self.previous = Some(replaced);
                    self.source = Some("previous text restored".into());
                }
            }
            Msg::Open { name, bytes } => {
                let decoded = certreq_inf::text::decode(&bytes);
                self.replace_text(decoded.text);
                self.source = Some(format!("{name} ({})", decoded.encoding.name()));
            }
            Msg::Renewal { entry, text } => {
                self.replace_text(text);
                self.source = Some(format!("renewal of “{entry}”"));
            }
            Msg::DocLooked { query, page } => {
                if let Some(panel) = self.doc.as_mut().filter(|d| d.query == query) {
                    panel.page = Some(page);
                }
            }
            Msg::CaFindings(found) => self.show_ca_findings(found),
        }
        Vec::new()
    }

    /// The compiler's diagnostics and `found`, in the text's order. A finding whose code is
    /// not one of the template check's is left out (the codes are `&'static`, from the
    /// registry); its span is kept inside the text.
    fn show_ca_findings(&mut self, found: Vec<Finding>) {
        const CODES: [&str; 7] = [
            codes::TEMPLATE_NOT_OFFERED.name,
            codes::TEMPLATE_MISSING.name,
            codes::KEY_NOT_ASKED_FOR.name,
            codes::SIGNATURE_NOT_ASKED_FOR.name,
            codes::SUBJECT_ATTRIBUTE_MISSING.name,
            codes::EXTENSION_MISSING.name,
            codes::ATTRIBUTE_NOT_SENT.name,
        ];
        self.compiled = (self.compiler)(&self.text);
        let len = self.text.len();
        for f in found {
            let Some(code) = CODES.into_iter().find(|c| *c == f.code) else {
                continue;
            };
            let start = (f.start as usize).min(len);
            self.compiled.diagnostics.push(Diagnostic {
                severity: if f.severity == "note" {
                    Severity::Note
                } else {
                    Severity::Warning
                },
                code,
                message: f.message,
                span: start..(f.end as usize).clamp(start, len),
                help: f.help,
            });
        }
        certreq_inf::diag::sort(&mut self.compiled.diagnostics);
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
        self.version = self.version.wrapping_add(1);
        self.lines = LineIndex::new(&text);
        self.caret = self.caret.min(text.len());
        while !text.is_char_boundary(self.caret) {
            self.caret -= 1;
        }
        self.text = text;
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::{fake, with_header};

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
}
