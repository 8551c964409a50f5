//! The INF editor: the text, its compilation (diagnostics and the request), the caret and the
//! reference panel that follows it, templates and opened files.

pub mod view;

use certreq_inf::codes;
use certreq_inf::diag::{Diagnostic, LineIndex, Severity};
use certreq_request::Compiled;
use certreq_request::model::{NewRequest, RequestType};
use certreq_wire::ca::Finding;
use certreq_wire::reading::Reading;
use certreq_wire::{DocPage, DocQuery};

use super::templates;
use super::text::{byte_to_utf16, utf16_to_byte};

/// The INF the page opens with: the TLS web server template.
pub const DEFAULT_INF: &str = templates::TEMPLATES[0].text;

/// The app's compiler: the lowering for a front end that builds renewals and requests on
/// behalf of others (PKCS #7 or CMC, the tools module writing the wrapper, a stored
/// certificate's key signing) and nothing else of the life cycle.
pub fn compile(text: &str) -> Compiled {
    certreq_request::compile_for(text, certreq_wire::reading::BUILDS)
}

/// What can happen in the editor.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The textarea's text changed to this: the whole INF, or for a long one the lines the
    /// textarea holds ([`State::window`]), spliced back into the INF.
    Edit(String),
    /// What the textarea's input event reports: its text (as [`Msg::Edit`]), its selection
    /// after the edit (as [`Msg::Selected`]), and which lines it held ([`State::shown`], read
    /// from the textarea when the event came): an edit of lines the window has since left is
    /// dropped, not spliced in where other lines are now.
    Input {
        text: String,
        start: u32,
        end: u32,
        shown: u32,
    },
    /// The caret moved: the textarea's selection is now `start..end` (UTF-16 offsets into it,
    /// as the DOM counts).
    Selected { start: u32, end: u32 },
    /// Select-all was pressed: for a long INF the whole INF is selected (the textarea shows
    /// its lines selected) until the selection changes.
    SelectAll,
    /// Put this text in place of the selection (of the whole INF after a select-all): what
    /// typing, deleting, cutting or pasting does when the textarea cannot (a long INF wholly
    /// selected, a caret outside the lines the textarea holds, a large paste).
    Replace(String),
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
    /// The time to read a long text again after an edit has come: have it read if no edit
    /// came since ([`Command::Recompile`], then [`Command::Read`]).
    Recompile(u64),
    /// The worker's reading of the text of edit `generation` ([`Command::Read`]); an error
    /// (no worker here) has the text read now, on the page's thread.
    Read {
        generation: u64,
        reading: Result<Reading, String>,
    },
    /// The editor scrolled: line `top` (0-based) is at the top of its box, which shows `rows`
    /// lines; `selection` is the textarea's selection as it is now, when the textarea holds
    /// the caret (a held arrow key moves it with no event that says so until the key is up).
    View {
        top: usize,
        rows: usize,
        selection: Option<(u32, u32)>,
    },
    /// A key went down while the caret is on a line the textarea does not hold (the view was
    /// scrolled away from it): the textarea is given the lines around the caret, with the
    /// selection in them, before the key acts, so the key acts where the caret is, as it would
    /// in a textarea holding the whole text.
    Reattach,
    /// Ctrl+Home (`false`) or Ctrl+End (`true`) in a windowed text: the caret to the text's
    /// start or end (the textarea's own would stop at its window's).
    Home(bool),
}

/// Browser work the editor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Select `start..end` (UTF-16 offsets into the textarea) in the editor once it is drawn;
    /// with `focus`, focus it and scroll the caret's line into view, else (the textarea holds
    /// other lines now: its selection put back) leave the view where it is.
    Select { start: u32, end: u32, focus: bool },
    /// Look up the reference page for the caret's place (in the lazily loaded module); answer
    /// with [`Msg::DocLooked`].
    Doc(DocQuery),
    /// Answer with [`Msg::Recompile`] after `after_ms`: a long text is read again once typing
    /// pauses, so no keystroke waits for it.
    Recompile { generation: u64, after_ms: u32 },
    /// Read `text` (of edit `generation`) off the page's thread, in the tools module's worker;
    /// answer with [`Msg::Read`].
    Read { generation: u64, text: String },
}

/// Texts longer than this (bytes) are read again only once typing pauses
/// ([`Command::Recompile`]); shorter ones on every edit.
pub const DEFER_ABOVE: usize = 32 * 1024;
/// How long typing must pause before a long text is read again (ms).
pub const DEFER_MS: u32 = 250;
/// The most diagnostics the list shows (the summary counts them all, the gutter marks them all).
pub const LISTED: usize = 200;
/// The editor draws its lines in blocks of this many, from a screen above what is visible to
/// one below it, so scrolling redraws only when it crosses a block.
const BLOCK: usize = 64;
/// Above this many bytes, or lines, the textarea holds only the lines around the view (its
/// window, [`State::window`]): a browser lays a textarea's whole text out again on every edit.
pub const WINDOW_ABOVE: usize = 64 * 1024;
pub const WINDOW_LINES: usize = 2048;
/// The window reaches this many lines beyond each side of the view (a multiple of [`BLOCK`]).
const SPAN: usize = 4 * BLOCK;

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
    /// `compile(text)`, redone on every edit of a short text and once typing pauses on a long
    /// one (meanwhile its diagnostics are moved with the text that follows the edit), and the
    /// CA's findings about this text ([`Msg::CaFindings`]), which a new reading drops.
    pub compiled: Reading,
    /// How many times the text was read (so the CA's template is checked again).
    pub version: u32,
    /// Whether `compiled` is from an earlier text (a re-read is coming).
    pub stale: bool,
    /// Whether the text has not been read at all yet: a long text that replaced another
    /// waits for the worker's reading, and `compiled` is empty meanwhile (no diagnostics, no
    /// request) rather than a reading that says anything about it.
    pub unread: bool,
    /// Which re-read is the one to do ([`Msg::Recompile`] of an older edit is dropped).
    generation: u64,
    pub lines: LineIndex,
    /// The 0-based line the editor's box shows at its top, and how many lines it shows.
    top: usize,
    rows: usize,
    /// The 0-based number of the longest line (in bytes), which sets the width of the text.
    pub widest: usize,
    /// The caret as a byte offset into `text`, and the other end of the selection.
    pub caret: usize,
    pub sel_end: usize,
    /// The bytes of `text` the textarea holds: all of it, or for a long text whole lines
    /// around the view (the spacers around the textarea stand for the rest).
    pub window: core::ops::Range<usize>,
    /// Whether the whole text is selected (a select-all in a windowed text).
    pub whole: bool,
    /// Which lines the textarea holds: counted up each time the shell puts other lines in it
    /// ([`State::showing`]); an input event says which it was made in.
    pub shown: u32,
    /// A digest of the text the textarea was last given, or last reported in an input event
    /// that was applied ([`State::put_due`]).
    known: u64,
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
        let text = &fit(text.to_owned());
        let mut state = State {
            text: text.to_owned(),
            compiled: compiler(text).into(),
            version: 0,
            stale: false,
            unread: false,
            generation: 0,
            lines: LineIndex::new(text),
            top: 0,
            rows: 40,
            widest: 0,
            caret: 0,
            sel_end: 0,
            window: 0..0,
            whole: false,
            shown: 0,
            known: 0,
            doc: None,
            doc_follows: false,
            previous: None,
            source: None,
            compiler,
        };
        state.find_widest();
        state.frame(0);
        state
    }

    /// Whether the textarea holds only some lines of the text.
    pub fn windowed(&self) -> bool {
        self.text.len() > WINDOW_ABOVE || self.lines.line_count() > WINDOW_LINES
    }

    /// The text the textarea holds.
    pub fn window_text(&self) -> &str {
        self.text.get(self.window.clone()).unwrap_or("")
    }

    /// The window's first and end (exclusive) lines.
    pub fn window_lines(&self) -> (usize, usize) {
        (
            self.lines.line_of(self.window.start),
            self.lines.line_of(self.window.end) + 1,
        )
    }

    /// Whether typing must be done by the reducer: the whole of a windowed text selected, or
    /// the caret on a line outside the window.
    pub fn detached(&self) -> bool {
        let inside = |b: usize| self.window.start <= b && b <= self.window.end;
        self.whole || !inside(self.caret) || !inside(self.sel_end)
    }

    /// Whether the shell is to put the window's text in the textarea: only when the window
    /// is other than what the textarea was last given or last reported. Yew may handle an
    /// input event's message after the textarea has taken more keys (its scheduler yields
    /// between messages on a busy page): the textarea then holds the window's text with newer
    /// edits whose messages are still queued, and putting the older text back would lose them.
    pub fn put_due(&mut self) -> bool {
        let now = digest(self.window_text());
        let due = now != self.known;
        self.known = now;
        due
    }

    /// The shell puts the window's text in the textarea, in place of other lines: the number
    /// that now names them.
    pub fn showing(&mut self) -> u32 {
        self.shown = self.shown.wrapping_add(1);
        self.shown
    }

    /// Whether a key must first give the textarea the caret's lines ([`Msg::Reattach`]): the
    /// caret is outside the window, or on a line near an edge of it that is not the text's
    /// (a Backspace at the window's first line would find no line before it).
    pub fn reattach(&self) -> bool {
        if self.whole || !self.windowed() {
            return false;
        }
        let (first, end) = self.window_lines();
        let count = self.lines.line_count();
        let near = |b: usize| {
            let line = self.lines.line_of(b);
            first > 0 && line < first + BLOCK || end < count && line + BLOCK >= end
        };
        self.detached() || near(self.caret) || near(self.sel_end)
    }

    /// Byte offset in `text` of UTF-16 offset `units` into the textarea.
    fn byte_at(&self, units: u32) -> usize {
        self.window.start + utf16_to_byte(self.window_text(), units)
    }

    /// UTF-16 offset into the textarea of byte `byte` of `text` (clamped to the window).
    fn units_at(&self, byte: usize) -> u32 {
        byte_to_utf16(
            self.window_text(),
            byte.clamp(self.window.start, self.window.end) - self.window.start,
        )
    }

    /// Lets the textarea hold the lines around line `center`: all of a short text, whole
    /// lines from [`SPAN`] above the view to [`SPAN`] below it (in blocks) of a long one.
    fn frame(&mut self, center: usize) {
        if !self.windowed() {
            self.window = 0..self.text.len();
            return;
        }
        let count = self.lines.line_count();
        let half = self.rows / 2;
        let first = center.saturating_sub(half + SPAN) / BLOCK * BLOCK;
        let end = (center + half + SPAN + 1).div_ceil(BLOCK) * BLOCK;
        let first = first.min(count - 1);
        let end = end.clamp(first + 1, count);
        self.window = self.lines.line_range(&self.text, first).start
            ..self.lines.line_range(&self.text, end - 1).end;
    }

    /// The selection put back in the textarea after the window moved (when it is inside it).
    fn place_selection(&self) -> Option<Command> {
        // a select-all shows as all of the textarea's lines selected
        if self.whole {
            return Some(Command::Select {
                start: 0,
                end: self.units_at(self.window.end),
                focus: false,
            });
        }
        (!self.detached()).then(|| Command::Select {
            start: self.units_at(self.caret),
            end: self.units_at(self.sel_end),
            focus: false,
        })
    }

    /// Selects `start..end` (bytes), moves the window to its line when it is not well inside
    /// and asks the shell to select it there and scroll to it.
    fn select_at(&mut self, start: usize, end: usize) -> Command {
        self.caret = start;
        self.sel_end = end;
        let line = self.lines.line_of(start);
        self.top = line.saturating_sub(self.rows / 2);
        let (first, last) = self.window_lines();
        let count = self.lines.line_count();
        if self.windowed()
            && (first > 0 && line < first + BLOCK
                || last < count && line + BLOCK >= last
                || end > self.window.end)
        {
            self.frame(line);
        }
        Command::Select {
            start: self.units_at(start),
            end: self.units_at(end),
            focus: true,
        }
    }

    /// The textarea's text became `typed` (and its selection `selected`, UTF-16 offsets into
    /// it): splices it into the text in place of the window. The window then holds what was
    /// typed, unless the text became short or long or a paste made the window large: then it
    /// is framed around the caret again and the selection put back once drawn.
    fn edit(&mut self, typed: String, selected: Option<(u32, u32)>) -> Vec<Command> {
        if typed == self.window_text() {
            return Vec::new();
        }
        let was = self.windowed();
        let start = self.window.start;
        let text = splice(&self.text, self.window.clone(), &typed);
        self.whole = false;
        let mut commands: Vec<Command> = self.set_text(text).into_iter().collect();
        // `typed` is in the text at `start` (whole lines: `start` begins one, its end ends one)
        self.window = start..(start + typed.len()).min(self.text.len());
        if let Some((from, to)) = selected {
            self.caret = self.byte_at(from);
            self.sel_end = self.byte_at(to);
        }
        let (first, end) = self.window_lines();
        if !self.windowed() {
            self.window = 0..self.text.len();
        } else if !was || end - first > 2 * (2 * SPAN + self.rows) {
            let line = self.lines.line_of(self.caret);
            self.frame(line);
            // a caret out of view (a text put in by a script) is scrolled to, as a paste is
            if line < self.top || line >= self.top + self.rows {
                commands.push(self.select_at(self.caret, self.sel_end));
                return commands;
            }
        } else {
            return commands;
        }
        if self.windowed() || was {
            commands.extend(self.place_selection());
        }
        commands
    }

    /// The request the text makes, when it has no errors (and none while a re-read of the
    /// text is coming: the last one may not be what the text now says).
    pub fn request(&self) -> Option<&NewRequest> {
        self.compiled
            .request
            .as_ref()
            .filter(|_| !self.stale && !self.has_errors())
    }

    /// The lines to draw: blocks covering a screen above the box's top to a screen below
    /// its bottom.
    pub fn drawn(&self) -> core::ops::Range<usize> {
        drawn(self.top, self.rows, self.lines.line_count())
    }

    /// The diagnostics starting on `lines` (0-based). The compiler gives them in the order of
    /// the text (`diag::sort`), so the gutter and the colouring find the ones on the lines
    /// they draw by bisection.
    pub fn diagnostics_on(&self, lines: core::ops::Range<usize>) -> &[Diagnostic] {
        let all = &self.compiled.diagnostics;
        let line = |d: &Diagnostic| self.lines.line_of(d.span.start);
        let from = all.partition_point(|d| line(d) < lines.start);
        let to = all.partition_point(|d| line(d) < lines.end);
        all.get(from..to.max(from)).unwrap_or(&[])
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
        self.diagnostics_on(line..line + 1)
            .iter()
            .map(|d| d.severity)
            .max()
    }

    /// The section and key of the INF entry under the caret, if any.
    pub fn key_at_caret(&self) -> Option<(&str, &str)> {
        let line = self.lines.line_of(self.caret);
        self.compiled.outline.key_on(&self.text, &self.lines, line)
    }

    /// The section whose `[header]` is on the caret's line, if any.
    pub fn section_at_caret(&self) -> Option<&str> {
        let line = self.lines.line_of(self.caret);
        self.compiled
            .outline
            .header_on(&self.text, &self.lines, line)
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
        if matches!(msg, Msg::Selected { .. } | Msg::JumpTo(_)) {
            self.doc_follows = true;
        }
        let mut commands = self.apply(msg);
        commands.extend(self.follow_caret_doc());
        commands
    }

    fn apply(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Edit(typed) => return self.edit(typed, None),
            Msg::Input {
                text,
                start,
                end,
                shown,
            } if shown == self.shown => {
                // the textarea holds this text (or a newer one, its messages queued)
                let known = digest(&text);
                let commands = self.edit(text, Some((start, end)));
                self.known = known;
                return commands;
            }
            Msg::Input { .. } => {}
            Msg::Selected { start, end } => {
                // a selection inside the textarea leaves a select-all of the whole text only
                // while it is the textarea's whole text
                let all = start == 0 && end == self.units_at(self.window.end);
                self.whole &= all;
                self.caret = self.byte_at(start);
                self.sel_end = self.byte_at(end);
            }
            Msg::SelectAll => self.whole = self.windowed(),
            Msg::Replace(put) => {
                let (from, to) = if self.whole {
                    (0, self.text.len())
                } else {
                    (self.caret.min(self.sel_end), self.caret.max(self.sel_end))
                };
                // line ends made `\n`, as a textarea makes those of a paste
                let put = lf(&put);
                let joined = splice(&self.text, from..to, &put);
                let length = joined.len();
                let text = fit(joined);
                // the caret after what was put (and the text before it, if that changed)
                let mut at = from + put.len();
                if text.len() != length {
                    at = lf(self.text.get(..from).unwrap_or("")).len() + put.len();
                }
                self.whole = false;
                let mut commands: Vec<Command> = self.set_text(text).into_iter().collect();
                let at = at.min(self.text.len());
                commands.push(self.select_at(at, at));
                return commands;
            }
            Msg::Recompile(generation) => {
                if self.stale && generation == self.generation {
                    return vec![Command::Read {
                        generation,
                        text: self.text.clone(),
                    }];
                }
            }
            // a reading of a text edited since is dropped: the edit's own re-read comes
            Msg::Read {
                generation,
                reading,
            } if self.stale && generation == self.generation => {
                self.compiled = match reading {
                    Ok(reading) => reading,
                    Err(_) => (self.compiler)(&self.text).into(),
                };
                self.version = self.version.wrapping_add(1);
                (self.stale, self.unread) = (false, false);
                return self.follow_caret_doc().into_iter().collect();
            }
            Msg::Read { .. } => {}
            Msg::View {
                top,
                rows,
                selection,
            } => {
                if let Some((start, end)) = selection.filter(|_| !self.detached()) {
                    self.caret = self.byte_at(start);
                    self.sel_end = self.byte_at(end);
                }
                self.top = top.min(self.lines.line_count());
                self.rows = rows.clamp(1, 1000);
                // near an edge of the window (not the text's), the window moves to the view
                let (first, end) = self.window_lines();
                let count = self.lines.line_count();
                if self.windowed()
                    && (first > 0 && self.top < first + BLOCK
                        || end < count && self.top + self.rows + BLOCK > end)
                {
                    self.frame(self.top + self.rows / 2);
                    return self.place_selection().into_iter().collect();
                }
            }
            Msg::Reattach if self.reattach() => {
                return vec![self.select_at(self.caret, self.sel_end)];
            }
            Msg::Reattach => {}
            Msg::Home(end) if self.windowed() => {
                let at = if end { self.text.len() } else { 0 };
                self.whole = false;
                return vec![self.select_at(at, at)];
            }
            Msg::Home(_) => {}
            Msg::JumpTo(n) => {
                let Some(d) = self.compiled.diagnostics.get(n) else {
                    return Vec::new();
                };
                let mut start = d.span.start.min(self.text.len());
                let mut end = d.span.end.clamp(start, self.text.len());
                while !self.text.is_char_boundary(start) {
                    start -= 1;
                }
                while !self.text.is_char_boundary(end) {
                    end -= 1;
                }
                self.whole = false;
                // draw (and hold in the textarea) the lines around it, so the shell can
                // select it and scroll to it
                return vec![self.select_at(start, end.max(start))];
            }
            Msg::UseTemplate(id) => {
                let mut read = None;
                if let Some(t) = templates::find(&id) {
                    read = self.replace_text(t.text.to_owned());
                    self.source = Some(format!("template: {}", t.title));
                }
                return read.into_iter().chain(self.place_selection()).collect();
            }
            Msg::RestorePrevious => {
                let mut read = None;
                if let Some(previous) = self.previous.take() {
                    let replaced = core::mem::take(&mut self.text);
                    read = self.take_text(previous);
                    self.previous = Some(replaced);
                    self.at_start();
                    self.source = Some("previous text restored".into());
                }
                return read.into_iter().chain(self.place_selection()).collect();
            }
            Msg::Open { name, bytes } => {
                let decoded = certreq_inf::text::decode(&bytes);
                let read = self.replace_text(decoded.text);
                self.source = Some(format!("{name} ({})", decoded.encoding.name()));
                return read.into_iter().chain(self.place_selection()).collect();
            }
            Msg::Renewal { entry, text } => {
                let read = self.replace_text(text);
                self.source = Some(format!("renewal of “{entry}”"));
                return read.into_iter().chain(self.place_selection()).collect();
            }
            Msg::DocLooked { query, page } => {
                if let Some(panel) = self.doc.as_mut().filter(|d| d.query == query) {
                    panel.page = Some(page);
                }
            }
            // findings about a text edited since are dropped: the re-read checks it again
            Msg::CaFindings(found) if !self.stale => self.show_ca_findings(found),
            Msg::CaFindings(_) => {}
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
        self.compiled
            .diagnostics
            .retain(|d| !CODES.contains(&d.code));
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
        // the sections' places are the last reading's until the text is read again
        if !self.doc_follows || self.stale {
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

    /// Puts `text` in the editor, keeping what it replaces for [`Msg::RestorePrevious`]; a
    /// long one is to be read in the worker (the command).
    fn replace_text(&mut self, text: String) -> Option<Command> {
        if text == self.text {
            return None;
        }
        let replaced = core::mem::take(&mut self.text);
        let read = self.take_text(text);
        self.previous = Some(replaced);
        self.at_start();
        read
    }

    /// Puts in a text that replaces the whole of another: a short one is read now, a long one
    /// at once in the worker ([`Command::Read`]), with no diagnostics or request meanwhile
    /// (nothing of the text it replaced applies to it).
    fn take_text(&mut self, text: String) -> Option<Command> {
        let text = fit(text);
        if text.len() <= DEFER_ABOVE {
            self.compile_now(text);
            return None;
        }
        self.compiled = Reading::default();
        (self.stale, self.unread) = (true, true);
        self.generation += 1;
        self.place(text);
        Some(Command::Read {
            generation: self.generation,
            text: self.text.clone(),
        })
    }

    /// The caret at the start of a text that replaced another: no selection, no select-all.
    fn at_start(&mut self) {
        (self.caret, self.sel_end, self.whole) = (0, 0, false);
    }

    /// Replaces the text after an edit: a short text is read again now; a long one once typing
    /// pauses (the returned command), its diagnostics meanwhile moved with the text around
    /// the edit.
    fn set_text(&mut self, text: String) -> Option<Command> {
        let text = fit(text);
        if text.len() <= DEFER_ABOVE {
            self.compile_now(text);
            return None;
        }
        let old_len = self.text.len();
        let (same_start, same_end) = unchanged_ends(&self.text, &text);
        let new_len = text.len();
        self.compiled.diagnostics.retain_mut(|d| {
            if d.span.end <= same_start {
                true
            } else if d.span.start >= old_len - same_end {
                d.span = d.span.start + new_len - old_len..d.span.end + new_len - old_len;
                true
            } else {
                false
            }
        });
        self.stale = true;
        self.generation += 1;
        self.place(text);
        Some(Command::Recompile {
            generation: self.generation,
            after_ms: DEFER_MS,
        })
    }

    /// Replaces the text and reads it now.
    fn compile_now(&mut self, text: String) {
        let text = fit(text);
        self.compiled = (self.compiler)(&text).into();
        self.version = self.version.wrapping_add(1);
        (self.stale, self.unread) = (false, false);
        self.generation += 1;
        self.place(text);
    }

    /// Puts `text` in, keeping the caret inside it, and indexes its lines.
    fn place(&mut self, text: String) {
        self.lines = LineIndex::new(&text);
        for at in [&mut self.caret, &mut self.sel_end] {
            *at = (*at).min(text.len());
            while !text.is_char_boundary(*at) {
                *at -= 1;
            }
        }
        self.text = text;
        self.top = self.top.min(self.lines.line_count() - 1);
        self.find_widest();
        // a short text is all in the textarea, a long one the lines around the view
        self.frame(self.top + self.rows / 2);
    }

    /// Finds the longest line.
    fn find_widest(&mut self) {
        let lines = &self.lines;
        self.widest = (0..lines.line_count())
            .max_by_key(|&l| lines.line_range(&self.text, l).len())
            .unwrap_or(0);
    }
}

/// A digest (FNV-1a) of `text`, to tell whether the textarea's text is other than the window's
/// without keeping a copy of it.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `text` with `put` in place of bytes `range`.
fn splice(text: &str, range: core::ops::Range<usize>, put: &str) -> String {
    let mut out = String::with_capacity(text.len() + put.len());
    out.push_str(text.get(..range.start).unwrap_or(""));
    out.push_str(put);
    out.push_str(text.get(range.end..).unwrap_or(""));
    out
}

/// `text` with its line ends made `\n`, as a textarea gives them back: the offsets the textarea
/// reports (a click, a selection) then count the same characters as the text they are put in.
fn fit(text: String) -> String {
    if text.contains('\r') { lf(&text) } else { text }
}

/// `text` with its line ends (`\r\n`, a lone `\r`) made `\n`.
fn lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// The lines to draw when line `top` is at the top of a box `rows` lines high, of `count`.
pub fn drawn(top: usize, rows: usize, count: usize) -> core::ops::Range<usize> {
    let start = top.saturating_sub(rows) / BLOCK * BLOCK;
    let end = (top + 2 * rows).div_ceil(BLOCK) * BLOCK;
    start.min(count)..end.min(count)
}

/// How many bytes at the start and at the end `old` and `new` have in common (on character
/// boundaries, and not overlapping in either): what an edit left in place.
fn unchanged_ends(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    let most = a.len().min(b.len()) - start;
    let mut end = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(most)
        .take_while(|(x, y)| x == y)
        .count();
    while !(old.is_char_boundary(a.len() - end) && new.is_char_boundary(b.len() - end)) {
        end -= 1;
    }
    (start, end)
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::{fake, with_header};

    /// Scrolls the editor's box (30 lines high) to put line `top` at its top.
    fn scroll(s: &mut State, top: usize) -> Vec<Command> {
        s.update(Msg::View {
            top,
            rows: 30,
            selection: None,
        })
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
                    end: start + 3,
                    focus: true
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
        s.update(Msg::Selected { start: 3, end: 3 });
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "Subject")));
        s.update(Msg::Selected { start: 12, end: 12 });
        assert_eq!(s.key_at_caret(), None, "blank line");
        s.update(Msg::Selected { start: 20, end: 20 });
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
            s.update(Msg::Selected { start: 15, end: 15 }),
            vec![Command::Doc(subject.clone())]
        );
        assert_eq!(s.doc.as_ref().unwrap().page, None, "looking it up");
        assert!(
            s.update(Msg::Selected { start: 16, end: 16 }).is_empty(),
            "same key: asked once"
        );
        // the caret moves on before the answer comes: the late answer is not shown
        assert_eq!(
            s.update(Msg::Selected { start: 2, end: 2 }),
            vec![Command::Doc(section.clone())]
        );
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
        assert!(s.update(Msg::Selected { start: 25, end: 25 }).is_empty());
        assert_eq!(s.doc, None);
        assert_eq!(
            s.update(Msg::Selected { start: 2, end: 2 }),
            vec![Command::Doc(section.clone())]
        );
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
        s.update(Msg::Selected { start: 15, end: 15 });
        assert_eq!(s.section_at_caret(), None);
        assert_eq!(s.key_at_caret(), Some(("NewRequest", "Subject")));
    }

    /// A long text's re-read once typing paused: asked of the worker, which answers as the
    /// editor's own compiler would.
    fn reread(s: &mut State) {
        let asked = s.update(Msg::Recompile(s.generation));
        let [Command::Read { generation, text }] = &asked[..] else {
            panic!("{asked:?}")
        };
        let reading = (s.compiler)(text).into();
        s.update(Msg::Read {
            generation: *generation,
            reading: Ok(reading),
        });
        assert!(!s.stale);
    }

    /// A text over [`DEFER_ABOVE`] bytes: `n` filler lines, then `tail`.
    fn long(n: usize, tail: &str) -> String {
        let mut text = "; filler line of a long INF\n".repeat(n);
        text.push_str(tail);
        assert!(text.len() > DEFER_ABOVE);
        text
    }

    #[test]
    fn a_long_text_is_read_again_once_typing_pauses_and_only_for_the_last_edit() {
        let first = long(2000, "KeyLength = BAD\n");
        let mut s = State::new(&first, fake);
        assert_eq!(s.counts(), (1, 0, 0));
        // typing above the problem: it moves down with the text, no reading yet
        let second = format!("x{first}");
        let commands = s.update(Msg::Edit(second.clone()));
        assert_eq!(
            commands,
            vec![Command::Recompile {
                generation: s.generation,
                after_ms: DEFER_MS
            }]
        );
        assert!(s.stale);
        assert_eq!(s.request(), None, "no request from an earlier reading");
        let bad = second.find("BAD").unwrap();
        assert_eq!(s.compiled.diagnostics[0].span, bad..bad + 3);
        assert_eq!(s.line_severity(2000), Some(Severity::Error));
        // another edit before the pause: the first timer's answer is dropped
        let third = second.replace("BAD", "2048");
        let again = s.update(Msg::Edit(third.clone()));
        assert!(
            s.compiled.diagnostics.is_empty(),
            "the edited problem is gone"
        );
        assert!(s.update(Msg::Recompile(s.generation - 1)).is_empty());
        assert!(s.stale);
        let Command::Recompile { generation, .. } = again[0].clone() else {
            panic!("{again:?}")
        };
        // the pause came: the text is read in the worker, not here
        let asked = s.update(Msg::Recompile(generation));
        assert_eq!(
            asked,
            vec![Command::Read {
                generation,
                text: third.clone()
            }]
        );
        assert!(s.stale, "read only once the reading comes back");
        // a reading of an earlier text is dropped
        s.update(Msg::Read {
            generation: generation - 1,
            reading: Ok(fake(&first).into()),
        });
        assert!(s.stale);
        assert_eq!(s.counts(), (0, 0, 0));
        s.update(Msg::Read {
            generation,
            reading: Ok(fake(&third).into()),
        });
        assert!(!s.stale);
        assert_eq!(s.counts(), (0, 0, 0));
        assert!(s.request().is_some());
        // a page without the worker reads the text itself
        let fourth = third.replace("2048", "BAD");
        let asked = s.update(Msg::Edit(fourth.clone()));
        let Command::Recompile { generation, .. } = asked[0].clone() else {
            panic!("{asked:?}")
        };
        s.update(Msg::Recompile(generation));
        s.update(Msg::Read {
            generation,
            reading: Err("no worker".into()),
        });
        assert!(!s.stale);
        assert_eq!(s.counts(), (1, 0, 0));
        assert_eq!(s.request(), None);
        // a short text is read on every edit, as before
        assert!(s.update(Msg::Edit("KeyLength = BAD\n".into())).is_empty());
        assert_eq!(s.counts(), (1, 0, 0));
    }

    #[test]
    fn a_long_file_opened_is_read_in_the_worker_at_once() {
        let mut s = State::new("KeyLength = BAD\n", fake);
        assert_eq!(s.counts(), (1, 0, 0));
        let text = long(2000, "Subject = \"CN=a\"\n");
        let commands = s.update(Msg::Open {
            name: "long.inf".into(),
            bytes: text.clone().into_bytes(),
        });
        let Some(Command::Read {
            generation,
            text: asked,
        }) = commands.first().cloned()
        else {
            panic!("{commands:?}")
        };
        assert_eq!(asked, text);
        // nothing of the text it replaced is shown for it, and no request is offered; the
        // panels say it is being read (not "no problems found", not "fix the errors")
        assert!(s.stale && s.unread);
        assert_eq!(s.counts(), (0, 0, 0));
        assert_eq!(s.request(), None);
        s.update(Msg::Read {
            generation,
            reading: Ok(fake(&text).into()),
        });
        assert!(!s.stale && !s.unread);
        assert!(s.request().is_some());
        // an edit of it waits for a re-read, but the text has a reading meanwhile
        let edited = format!("{text}KeyLength = 2048\n");
        s.update(Msg::Edit(edited.clone()));
        assert!(s.stale && !s.unread);
        // a reading that comes after another text replaced it is dropped
        let other = long(2500, "KeyLength = BAD\n");
        let commands = s.update(Msg::Open {
            name: "other.inf".into(),
            bytes: other.clone().into_bytes(),
        });
        let Some(Command::Read { generation, .. }) = commands.first().cloned() else {
            panic!("{commands:?}")
        };
        assert!(
            s.update(Msg::RestorePrevious)
                .iter()
                .any(|c| matches!(c, Command::Read { .. }))
        );
        s.update(Msg::Read {
            generation,
            reading: Ok(fake(&other).into()),
        });
        assert!(s.stale, "the restored text waits for its own reading");
        assert_eq!(s.text, edited);
        // a short text opened is read at once, as before
        let commands = s.update(Msg::Open {
            name: "short.inf".into(),
            bytes: b"KeyLength = BAD\n".to_vec(),
        });
        assert!(!commands.iter().any(|c| matches!(c, Command::Read { .. })));
        assert!(!s.stale);
        assert_eq!(s.counts(), (1, 0, 0));
    }

    #[test]
    fn the_worker_reads_a_text_as_the_page_would() {
        use crate::app::testing::tools;
        let mut texts: Vec<String> = templates::TEMPLATES
            .iter()
            .map(|t| t.text.to_owned())
            .collect();
        // a renewal and a request on behalf of another: the app's builds, in both places
        texts.push("[NewRequest]\nSubject = \"CN=a\"\nRenewalCert = 0011223344556677889900112233445566778899\n".into());
        texts.push(
            "[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\nRequesterName = \"D\\\\u\"\n"
                .into(),
        );
        texts.push(long(
            3000,
            "[NewRequest]\nKeyAlgorithm = NOPE\n[S]\nKey = v\n",
        ));
        for text in texts {
            let page: Reading = compile(&text).into();
            let worker = tools(certreq_wire::OP_COMPILE, text.as_bytes())
                .and_then(|b| Reading::from_wire(&b).map_err(|e| e.to_string()));
            assert_eq!(worker, Ok(page), "{text}");
        }
        // bytes that are not UTF-8 are refused with a reason (the page then reads for itself)
        let refused = tools(certreq_wire::OP_COMPILE, b"[NewRequest]\xff\n");
        assert!(refused.is_err_and(|why| why.contains("UTF-8")));
    }

    #[test]
    fn an_edit_keeps_the_unchanged_ends_on_character_boundaries() {
        assert_eq!(unchanged_ends("abcdef", "abXdef"), (2, 3));
        assert_eq!(unchanged_ends("aaaa", "aaaaa"), (4, 0));
        assert_eq!(unchanged_ends("aaaaa", "aaaa"), (4, 0));
        // "é" and "è" share their first byte and neither end may split them
        assert_eq!(unchanged_ends("xéy", "xèy"), (1, 1));
        assert_eq!(unchanged_ends("", "abc"), (0, 0));
    }

    #[test]
    fn only_the_lines_around_the_view_are_drawn() {
        let text = "Key = v\n".repeat(10_000);
        let mut s = State::new(&text, fake);
        assert_eq!(s.lines.line_count(), 10_001);
        scroll(&mut s, 0);
        assert_eq!(s.drawn(), 0..64);
        scroll(&mut s, 5000);
        let drawn = s.drawn();
        assert!(drawn.start <= 4970 && drawn.end >= 5060, "{drawn:?}");
        assert!(drawn.len() <= 4 * 64, "{drawn:?}");
        scroll(&mut s, 10_001);
        assert_eq!(s.drawn().end, 10_001);
        // jumping to a problem draws its line
        s.update(Msg::SelectAll);
        s.update(Msg::Replace(format!("{text}KeyLength = BAD\n")));
        reread(&mut s);
        scroll(&mut s, 0);
        s.update(Msg::JumpTo(0));
        assert!(s.drawn().contains(&10_000), "{:?}", s.drawn());
    }

    #[test]
    fn shrinking_the_text_keeps_the_caret_inside_it() {
        let mut s = State::new("Subject = x\nKeyLength = 2048\n", fake);
        s.update(Msg::Selected { start: 25, end: 25 });
        s.update(Msg::Edit("Su".into()));
        assert_eq!(s.caret, 2);
        s.update(Msg::Edit("é".into()));
        assert!(s.text.is_char_boundary(s.caret));
    }

    /// The textarea's text and selection after typing `typed` at UTF-16 offset `at` of it.
    fn typed(s: &State, at: usize, typed: &str) -> Msg {
        let mut text = s.window_text().to_owned();
        text.insert_str(at, typed);
        let caret = (at + typed.len()) as u32;
        Msg::Input {
            text,
            start: caret,
            end: caret,
            shown: s.shown,
        }
    }

    #[test]
    fn a_short_text_is_all_in_the_textarea() {
        let mut s = State::new("Subject = x\n", fake);
        assert!(!s.windowed());
        assert_eq!(s.window_text(), "Subject = x\n");
        s.update(typed(&s, 12, "KeyLength = 1\n"));
        assert_eq!(s.window_text(), s.text);
        assert_eq!(s.caret, s.text.len());
        // select-all there is the textarea's own
        s.update(Msg::SelectAll);
        assert!(!s.whole);
    }

    #[test]
    fn input_events_handled_after_the_textarea_took_more_keys_are_not_put_back() {
        // Yew can handle an input's message after the textarea has taken further keys: the
        // lines it reports are not put back over the newer ones, and each queued input is
        // applied in turn
        let text: String = (0..20_000).map(|i| format!("K{i} = v\n")).collect();
        let mut s = State::new(&text, fake);
        scroll(&mut s, 0);
        assert!(s.put_due(), "a new textarea is given the window's lines");
        assert!(!s.put_due(), "and not again");
        let first = typed(&s, 0, "A");
        let second = typed(&s, 0, "Al");
        s.update(first);
        assert!(
            !s.put_due(),
            "the textarea holds these lines, or newer ones"
        );
        s.update(Msg::Recompile(s.generation));
        assert!(!s.put_due(), "a re-read does not put them back either");
        s.update(second);
        assert!(s.text.starts_with("AlK0 = v\n"), "{}", &s.text[..20]);
        assert!(!s.put_due());
        // lines the window moved to are put in
        scroll(&mut s, 10_000);
        assert!(s.put_due());
    }

    #[test]
    fn a_long_text_is_edited_through_a_window_of_lines_at_its_start_middle_and_end() {
        let text: String = (0..20_000).map(|i| format!("K{i} = v\n")).collect();
        let mut s = State::new(&text, fake);
        assert!(s.windowed() && s.text.len() > WINDOW_ABOVE);
        scroll(&mut s, 0);
        let (first, end) = s.window_lines();
        assert_eq!(first, 0);
        assert!(end > 30 + SPAN && end < 30 + 2 * SPAN + BLOCK, "{end}");
        assert!(s.window_text().starts_with("K0 = v\n") && !s.window_text().ends_with('\n'));
        // at the start
        assert!(
            s.update(typed(&s, 0, "x")).len() == 1,
            "a deferred re-read, no move"
        );
        assert!(s.text.starts_with("xK0 = v\nK1 = v\n"));
        assert_eq!((s.caret, s.sel_end), (1, 1));
        // in the middle: scrolling there moves the window, which keeps lines whole
        assert!(scroll(&mut s, 10_000).is_empty(), "caret left behind");
        assert!(s.detached());
        let (first, end) = s.window_lines();
        assert!(
            first <= 10_000 - SPAN && end >= 10_030 + SPAN,
            "{first}..{end}"
        );
        let line = s.lines.line_range(&s.text, 10_000);
        let at = line.start - s.window.start;
        assert_eq!(&s.window_text()[at..at + 9], "K10000 = ");
        s.update(typed(&s, at, "Mid = 1\n"));
        assert!(!s.detached());
        assert_eq!(
            &s.text[line.start..line.start + 18],
            "Mid = 1\nK10000 = v",
            "the edit lands on line 10,001"
        );
        assert_eq!(s.lines.line_count(), 20_002);
        // at the end
        scroll(&mut s, 20_000);
        let (_, end) = s.window_lines();
        assert_eq!(end, 20_002);
        let at = s.window_text().len();
        s.update(typed(&s, at, "Last = 1"));
        assert!(s.text.ends_with("K19999 = v\nLast = 1"));
        assert_eq!(s.text.len(), text.len() + 1 + 8 + 8);
        assert_eq!(s.window_text(), &s.text[s.window.clone()]);
    }

    #[test]
    fn the_window_moves_with_the_view_and_puts_the_selection_back() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 100);
        // select 2 characters of line 150
        let at = s.lines.line_range(&s.text, 150).start;
        let u = byte_to_utf16(s.window_text(), at - s.window.start);
        s.update(Msg::Selected {
            start: u,
            end: u + 2,
        });
        assert_eq!((s.caret, s.sel_end), (at, at + 2));
        let before = s.window.clone();
        let commands = scroll(&mut s, 300);
        assert_ne!(s.window, before, "near the window's edge it moves");
        let u = byte_to_utf16(s.window_text(), at - s.window.start);
        assert_eq!(
            commands,
            vec![Command::Select {
                start: u,
                end: u + 2,
                focus: false
            }]
        );
        assert!(scroll(&mut s, 310).is_empty(), "well inside: no move");
    }

    #[test]
    fn select_all_of_a_long_text_acts_on_all_of_it() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        s.update(Msg::SelectAll);
        // the textarea selects its lines, which keeps the select-all
        let all = byte_to_utf16(s.window_text(), s.window_text().len());
        s.update(Msg::Selected { start: 0, end: all });
        assert!(s.whole && s.detached());
        let commands = s.update(Msg::Replace("x".into()));
        assert_eq!(s.text, "x");
        assert!(!s.windowed() && !s.whole);
        assert_eq!(
            commands,
            vec![Command::Select {
                start: 1,
                end: 1,
                focus: true
            }]
        );
        // another selection drops it
        let mut s = State::new(&text, fake);
        s.update(Msg::SelectAll);
        s.update(Msg::Selected { start: 3, end: 3 });
        assert!(!s.whole);
        s.update(Msg::Replace("y".into()));
        assert_eq!(s.text.len(), text.len() + 1);
        assert!(s.text.starts_with("Keyy = v\n"));
    }

    #[test]
    fn typing_with_the_caret_outside_the_window_types_at_the_caret_and_brings_it_back() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        s.update(Msg::Selected {
            start: 8 * 10 + 3,
            end: 8 * 10 + 3,
        });
        scroll(&mut s, 15_000);
        assert!(s.detached());
        let commands = s.update(Msg::Replace("Z".into()));
        assert!(s.text[80..].starts_with("KeyZ = v\n"));
        assert_eq!(s.caret, 84);
        assert_eq!(s.window_lines().0, 0, "the window is back at the caret");
        assert!(commands.contains(&Command::Select {
            start: 84,
            end: 84,
            focus: true
        }));
        assert!(!s.detached());
    }

    #[test]
    fn jumping_far_in_a_long_text_moves_the_window_to_the_line() {
        let mut text = "; filler\n".repeat(20_000);
        text.push_str("KeyLength = BAD\n");
        let mut s = State::new(&text, fake);
        let commands = s.update(Msg::JumpTo(0));
        let (first, end) = s.window_lines();
        assert!(first <= 20_000 && 20_000 < end, "{first}..{end}");
        let at = text.find("BAD").unwrap() - s.window.start;
        let at = byte_to_utf16(s.window_text(), at);
        assert_eq!(
            commands[0],
            Command::Select {
                start: at,
                end: at + 3,
                focus: true
            }
        );
        assert_eq!(&s.text[s.caret..s.sel_end], "BAD");
    }

    #[test]
    fn the_text_has_its_line_ends_made_lf_as_the_textarea_gives_them_back() {
        let text = "Key = v\r\n".repeat(10_000);
        let s = State::new(&text, fake);
        assert_eq!(s.text, "Key = v\n".repeat(10_000));
        let short = State::new("Key = v\r\nLast = 1\rEnd = 2", fake);
        assert_eq!(
            short.text, "Key = v\nLast = 1\nEnd = 2",
            "and a short one's"
        );
        // and so are those of what is put in it, the caret after it
        let mut s = s;
        s.update(Msg::Selected { start: 3, end: 3 });
        s.update(Msg::Replace("a\r\nb".into()));
        assert!(s.text.starts_with("Keya\nb = v\nKey"));
        assert_eq!((s.caret, s.sel_end), (6, 6));
    }

    #[test]
    fn a_long_text_replaced_by_a_shorter_one_with_the_view_at_its_end_is_framed_inside_it() {
        let text = "Key = v\n".repeat(80_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 79_990);
        // still windowed (over 2,048 lines), far shorter than the view's place
        let shorter = "Key = v\n".repeat(3_000);
        s.update(Msg::Open {
            name: "short.inf".into(),
            bytes: shorter.clone().into_bytes(),
        });
        assert!(s.windowed());
        assert_eq!(s.window.end, s.text.len(), "the window reaches the new end");
        assert!(s.window_text().ends_with("Key = v\n"));
        assert!(
            s.drawn().end == 3_001 && !s.drawn().is_empty(),
            "{:?}",
            s.drawn()
        );
        // and through a select-all and paste too
        let mut s = State::new(&text, fake);
        scroll(&mut s, 79_990);
        s.update(Msg::SelectAll);
        s.update(Msg::Replace(shorter.clone()));
        assert_eq!(s.text, shorter);
        assert_eq!(s.window.end, s.text.len());
    }

    #[test]
    fn a_click_in_a_crlf_text_of_any_length_puts_the_caret_on_the_clicked_character() {
        for n in [
            3,
            WINDOW_LINES - 2,
            WINDOW_LINES - 1,
            WINDOW_LINES,
            WINDOW_LINES + 1,
        ] {
            for end in ["\r\n", "\r"] {
                let mut s = State::new(&format!("K = v{end}").repeat(n), fake);
                assert!(!s.text.contains('\r'), "{n} lines ending {end:?}");
                // the textarea holds the window with its line ends as `\n`: offset 4 of its
                // line 1 (0-based) is the "v" of the text's line that is
                let line = s.lines.line_of(s.window.start) + 1;
                s.update(Msg::Selected {
                    start: 6 + 4,
                    end: 6 + 5,
                });
                let at = s.lines.line_range(&s.text, line).start + 4;
                assert_eq!(
                    (s.caret, s.sel_end),
                    (at, at + 1),
                    "{n} lines ending {end:?}"
                );
                assert_eq!(&s.text[at..at + 1], "v");
            }
        }
    }

    #[test]
    fn a_key_down_with_the_caret_off_the_window_gives_the_textarea_the_caret_s_lines_first() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        s.update(Msg::Selected { start: 83, end: 85 });
        assert_eq!((s.caret, s.sel_end), (83, 85));
        assert!(
            s.update(Msg::Reattach).is_empty(),
            "the caret is held: nothing to do"
        );
        scroll(&mut s, 15_000);
        assert!(s.detached());
        let commands = s.update(Msg::Reattach);
        assert!(!s.detached());
        assert_eq!(s.window_lines().0, 0);
        let (start, end) = (s.units_at(83), s.units_at(85));
        assert_eq!(
            commands,
            vec![Command::Select {
                start,
                end,
                focus: true
            }],
            "the selection is put back where it was, and scrolled to"
        );
        assert_eq!((s.caret, s.sel_end), (83, 85));
        // what the textarea does with the key is then an edit of the caret's lines
        let mut typed = s.window_text().to_owned();
        typed.replace_range(83..85, "");
        s.update(Msg::Input {
            text: typed,
            start: 83,
            end: 83,
            shown: s.shown,
        });
        assert!(s.text[80..].starts_with("Key v\nKey"));
        assert_eq!(s.text.len(), text.len() - 2);
    }

    #[test]
    fn a_window_moved_by_a_held_key_keeps_the_caret_the_key_moved() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 0);
        s.update(Msg::Selected { start: 8, end: 8 });
        // the key is still down: the caret is on line 300 and the box scrolled to it, and
        // only the scroll says so
        let at = s.units_at(s.lines.line_range(&s.text, 300).start);
        let commands = s.update(Msg::View {
            top: 290,
            rows: 30,
            selection: Some((at, at)),
        });
        let line = s.lines.line_range(&s.text, 300).start;
        assert_eq!(s.caret, line);
        let u = s.units_at(line);
        assert_eq!(
            commands,
            vec![Command::Select {
                start: u,
                end: u,
                focus: false
            }]
        );
        // a selection read while the caret was off the window is not the caret's
        scroll(&mut s, 15_000);
        assert!(s.detached());
        s.update(Msg::View {
            top: 15_100,
            rows: 30,
            selection: Some((0, 0)),
        });
        assert_eq!(s.caret, line);
    }

    #[test]
    fn a_text_put_in_by_opening_a_file_starts_with_no_selection_and_no_select_all() {
        let text = "Key = v\n".repeat(20_000);
        let opened = "Other = 1\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 10_000);
        let at = s.units_at(s.lines.line_range(&s.text, 10_010).start);
        s.update(Msg::Selected {
            start: at,
            end: at + 50,
        });
        s.update(Msg::Open {
            name: "other.inf".into(),
            bytes: opened.clone().into_bytes(),
        });
        assert_eq!((s.caret, s.sel_end, s.whole), (0, 0, false));
        // and after a select-all, a template, and the text restored
        s.update(Msg::SelectAll);
        assert!(s.whole);
        s.update(Msg::UseTemplate(templates::TEMPLATES[0].id.into()));
        assert_eq!((s.caret, s.sel_end, s.whole), (0, 0, false));
        s.update(Msg::SelectAll);
        s.update(Msg::RestorePrevious);
        assert_eq!(s.text, opened);
        assert_eq!((s.caret, s.sel_end, s.whole), (0, 0, false));
        // a key then replaces nothing
        s.update(Msg::Replace("x".into()));
        assert_eq!(s.text, format!("x{opened}"));
    }

    #[test]
    fn a_key_at_the_window_s_edge_is_given_the_lines_beyond_it_first() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 10_000);
        let (first, _) = s.window_lines();
        assert!(first > 0);
        // the caret at the start of the window's first line (inside it: not detached)
        s.update(Msg::Selected { start: 0, end: 0 });
        assert!(!s.detached() && s.reattach());
        let commands = s.update(Msg::Reattach);
        let (now, _) = s.window_lines();
        assert!(now + BLOCK <= first, "{now} {first}");
        let at = s.lines.line_range(&s.text, first).start;
        assert_eq!(
            commands,
            vec![Command::Select {
                start: s.units_at(at),
                end: s.units_at(at),
                focus: true
            }]
        );
        // in the middle of the window: nothing to do
        scroll(&mut s, first - 15);
        assert!(!s.reattach());
        assert!(s.update(Msg::Reattach).is_empty());
        // a short text never needs it
        let s = State::new("Key = v\n", fake);
        assert!(!s.reattach());
    }

    #[test]
    fn ctrl_home_and_end_go_to_the_ends_of_a_long_text() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        scroll(&mut s, 10_000);
        s.update(Msg::Home(true));
        assert_eq!((s.caret, s.sel_end), (text.len(), text.len()));
        assert_eq!(s.window.end, text.len());
        s.update(Msg::Home(false));
        assert_eq!((s.caret, s.sel_end), (0, 0));
        assert_eq!(s.window.start, 0);
        // a short text's are the textarea's own
        let mut s = State::new("Key = v\n", fake);
        assert!(s.update(Msg::Home(true)).is_empty());
    }

    #[test]
    fn an_edit_of_lines_the_textarea_no_longer_holds_is_dropped() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        // a key acted on the lines at the start while a file was opening
        let stale = typed(&s, 0, "x");
        s.update(Msg::Open {
            name: "other.inf".into(),
            bytes: "Other = 1\n".repeat(20_000).into_bytes(),
        });
        let shown = s.showing();
        s.update(stale);
        assert_eq!(s.text, "Other = 1\n".repeat(20_000), "nothing spliced in");
        // one made in the lines shown now is kept
        let fresh = typed(&s, 0, "y");
        assert!(matches!(fresh, Msg::Input { shown: n, .. } if n == shown));
        s.update(fresh);
        assert!(s.text.starts_with("yOther = 1\n"));
    }

    #[test]
    fn a_select_all_stays_shown_when_the_window_moves() {
        let text = "Key = v\n".repeat(20_000);
        let mut s = State::new(&text, fake);
        s.update(Msg::SelectAll);
        let commands = scroll(&mut s, 10_000);
        assert!(s.whole);
        assert_eq!(
            commands,
            vec![Command::Select {
                start: 0,
                end: s.units_at(s.window.end),
                focus: false
            }]
        );
    }
}
