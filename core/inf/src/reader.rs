//! The INF reader: text in, sections and entries out, plus diagnostics. Never fails.
//!
//! certreq reads INF files with the Windows Setup API rules plus a few of its own
//! (see ARCHITECTURE.md, "INF grammar"). This module applies all of the *lexical* rules —
//! sections, comments, quoting, `[Strings]` substitution, `_continue_` and `\` continuation —
//! so that later stages see plain key/value text and never look at raw lines again. Every key
//! and value keeps a map back to the source so later stages can point at the exact characters.
//!
//! The rules, in the order they apply:
//!
//! * **Lines** end at CRLF, LF or a lone CR. A `\` that is the last non-blank character of a
//!   line, outside quotes and comments, joins the next physical line (the `\` and the line
//!   break are dropped; nothing else is). Blanks are space, tab, VT and FF.
//! * **Comments**: `;` outside double quotes ends the line. Blank and comment lines are skipped.
//! * **Sections**: `[Name]`, indentation allowed, blanks around the name trimmed, names compared
//!   ASCII-case-insensitively; a repeated section is merged into the first. Text after `]` other
//!   than a comment is ignored with a warning; a header without `]` still opens a section
//!   (name up to the comment or line end). Lines before the first header are ignored with a
//!   warning.
//! * **Entries**: the first `=` outside quotes splits key from value. Keys and values are read
//!   the same way: outer blanks trimmed, `"…"` pieces unquoted (`""` → `"`), pieces
//!   concatenated (`"a" b` → `a b`: blanks between pieces are kept), `%%` → `%`, `%name%`
//!   replaced from `[Strings]`. Commas are kept as written (the value is not split into
//!   Setup API fields). A quote never closed on its line runs to the end of the line; quoted
//!   values never continue onto the next line. A line with no `=` becomes an entry whose key
//!   is the line and whose value is empty.
//! * **`[Strings]`** may come anywhere; its own values are read without substitution (`%%` is
//!   still `%`), substituted text is not scanned again, names are ASCII-case-insensitive and
//!   the first definition of a name wins.
//! * **`_continue_`** (any case) appends its value to the previous entry of the same (merged)
//!   section by plain concatenation, as certreq does.
//!
//! Diagnostic codes (all warnings; the reader never produces errors): `outside-section`,
//! `section-header-junk`, `unclosed-section-header`, `empty-section-name`,
//! `section-name-too-long`, `no-equals`, `empty-key`, `unterminated-quote`,
//! `typographic-quote`, `unknown-string`, `duplicate-string`, `orphan-continue`,
//! `field-too-long`.

use crate::diag::{Diagnostic, LocalDiag, Span};

/// A parsed INF document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inf {
    /// Sections in order of first appearance; repeated sections are merged into the first.
    pub sections: Vec<Section>,
}

/// One section, `[Name]` plus its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The name as first written (without brackets, trimmed).
    pub name: String,
    /// The span of each `[Name]` header that contributed to this section.
    pub headers: Vec<Span>,
    /// Entries in file order; repeated keys are all kept.
    pub entries: Vec<Entry>,
}

/// One `key = value` line, with any `_continue_` lines after it merged in. A line with no `=`
/// is an entry whose key is the whole (trimmed, unquoted, substituted) line and whose value is
/// empty (the reader warns `no-equals`); its value span is the point just past the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key after `%name%` substitution and trimming, as written (case kept).
    pub key: String,
    /// Where the key is in the source.
    pub key_span: Span,
    /// The value, after unquoting, substitution and continuation.
    pub value: Value,
    /// The whole entry in the source, from the key to the end of the value (including any
    /// `_continue_` lines merged into it).
    pub span: Span,
}

/// A value and the map from its text back to the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    /// The value text: quotes removed, `""` → `"`, `%%` → `%`, `%name%` replaced, `_continue_`
    /// pieces appended, blanks before and after the value (outside quotes) trimmed.
    pub text: String,
    /// True when (the first piece of) the value was written in double quotes.
    pub quoted: bool,
    /// Where the value is in the source, quotes included and outer blanks excluded (the first
    /// line's value, for continued values; a point just past `=` for an empty value).
    pub span: Span,
    /// `map[i]` is the source offset of byte `i` of `text`; `map[text.len()]` is the source
    /// offset just past the value (past the last `_continue_` piece, for continued values).
    ///
    /// Bytes copied from the source map byte for byte, so the first byte of each character maps
    /// to that character and a multi-byte character's other bytes to its other bytes (spans made
    /// from the map always fall on character boundaries). `""` → `"` and `%%` → `%` map to the
    /// first of the two characters. Substituted text maps to its `%name%` token: every byte to
    /// the opening `%` except the last, which maps to the closing `%`, so that
    /// [`Value::source_span`] of the whole substitution is the whole token.
    pub map: Vec<usize>,
}

impl Value {
    /// The source span of a byte range of [`Value::text`].
    pub fn source_span(&self, range: core::ops::Range<usize>) -> Span {
        if self.map.is_empty() {
            return self.span.clone();
        }
        let last = self.map.len() - 1;
        let start = self.map[range.start.min(last)];
        let end = if range.end > range.start {
            // end of the last byte of the range, so a range spanning a substitution ends after it
            self.map[(range.end - 1).min(last)] + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// Turns a diagnostic about part of this value into one located in the source.
    pub fn diag(&self, local: LocalDiag) -> Diagnostic {
        Diagnostic {
            severity: local.severity,
            code: local.code,
            message: local.message,
            span: self.source_span(local.range),
            help: local.help,
        }
    }
}

impl Inf {
    /// The section with this name, compared case-insensitively.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

impl Section {
    /// Every entry with this key (case-insensitive), in file order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.key.eq_ignore_ascii_case(key))
    }
    /// The first entry with this key (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
    }
}

/// The Setup API limit on one INF field, in UTF-16 code units including the terminating null.
pub const FIELD_LIMIT: usize = 4096;

/// The certreq key that appends its value to the previous entry (compared case-insensitively).
pub const CONTINUE_KEY: &str = "_continue_";

/// Typographic quotation marks that word processors and web pages put where `"` was meant.
/// certreq does not treat them as quotes.
pub const TYPOGRAPHIC_QUOTES: [char; 5] =
    ['\u{201C}', '\u{201D}', '\u{201E}', '\u{2018}', '\u{2019}'];

/// Reads INF text. Never fails: problems come back as diagnostics.
pub fn parse(text: &str) -> (Inf, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let lines = logical_lines(text);
    let (mut raw, atoms) = read_lines(&lines, &mut diags);
    let fields = Fields {
        lines: &lines,
        atoms: &atoms,
        src: text,
    };

    // [Strings] first (without substitution), so that it may come before or after its uses.
    let strings_at = raw
        .iter()
        .position(|s| s.name.eq_ignore_ascii_case("Strings"));
    let mut strings_section = strings_at.and_then(|i| raw.get_mut(i)).map(|rs| {
        let rs = core::mem::take(rs);
        build_section(rs, &fields, None, &mut diags)
    });
    let table = strings_section
        .as_ref()
        .map(|s| string_table(s, &mut diags))
        .unwrap_or_default();

    let mut sections = Vec::with_capacity(raw.len());
    for (i, rs) in raw.into_iter().enumerate() {
        if Some(i) == strings_at {
            if let Some(s) = strings_section.take() {
                sections.push(s);
            }
        } else {
            sections.push(build_section(rs, &fields, Some(&table), &mut diags));
        }
    }
    crate::codes::cap(&mut diags);
    crate::diag::sort(&mut diags);
    (Inf { sections }, diags)
}

// ---------------------------------------------------------------------------------------------
// Logical lines: physical lines with `\` continuations joined, each byte mapped to the source.

/// One logical line: its text and where each of its bytes is in the source. Most lines are one
/// physical line, borrowed as they are, whose byte `i` is at `base + i`; only a line joined from
/// several (`\` continuations) is copied, with a map of every byte (so an INF of many short
/// lines costs no allocation per line).
struct Line<'s> {
    text: std::borrow::Cow<'s, str>,
    /// Where byte 0 is in the source, for a line that is one physical line.
    base: usize,
    /// For a joined line: `joined[i]` is the source offset of byte `i`, `joined[text.len()]`
    /// the end of the line's content.
    joined: Option<Vec<usize>>,
}

impl Line<'_> {
    /// The source offset of byte `i` of the line (`text.len()`: the end of its content).
    fn src(&self, i: usize) -> usize {
        match &self.joined {
            Some(map) => map.get(i).or(map.last()).copied().unwrap_or(self.base),
            None => self.base + i,
        }
    }

    /// Appends the source offsets of the line's bytes `start..end` to `map`: for a line that
    /// is one physical line, a range (no per-byte lookup).
    fn extend_map(&self, map: &mut Vec<usize>, start: usize, end: usize) {
        match &self.joined {
            Some(_) => map.extend((start..end).map(|i| self.src(i))),
            None => map.extend(self.base + start..self.base + end),
        }
    }

    /// The source span of a byte range of the line.
    fn span(&self, start: usize, end: usize) -> Span {
        let s = self.src(start);
        if end > start {
            s..self.src(end - 1) + 1
        } else {
            s..s
        }
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{0B}' | '\u{0C}')
}

/// Splits at CRLF, LF and lone CR and joins lines that end in `\` outside quotes and comments.
fn logical_lines(src: &str) -> Vec<Line<'_>> {
    let bytes = src.as_bytes();
    // (content start, content end); one line a line feed or carriage return at most, so
    // counted first the vector is allocated once
    let breaks = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    let mut physical = Vec::with_capacity(breaks + 1);
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                physical.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                physical.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        physical.push((start, bytes.len()));
    }

    let mut lines = Vec::with_capacity(physical.len());
    // the pieces of a line being joined, while `\` continuations go on
    let mut text = String::new();
    let mut map: Vec<usize> = Vec::new();
    for (n, &(s, e)) in physical.iter().enumerate() {
        let content = &src[s..e];
        let join_at = continuation_backslash(content).filter(|_| n + 1 < physical.len());
        let take = join_at.unwrap_or(content.len());
        if join_at.is_none() && map.is_empty() {
            lines.push(Line {
                text: std::borrow::Cow::Borrowed(content),
                base: s,
                joined: None,
            });
            continue;
        }
        text.push_str(&content[..take]);
        map.extend(s..s + take);
        if join_at.is_none() {
            map.push(e);
            lines.push(Line {
                text: std::borrow::Cow::Owned(core::mem::take(&mut text)),
                base: map.first().copied().unwrap_or(s),
                joined: Some(core::mem::take(&mut map)),
            });
        }
    }
    lines
}

/// The offset of a `\` that is the last non-blank character of the line, outside quotes and
/// outside a comment.
fn continuation_backslash(line: &str) -> Option<usize> {
    // most lines do not end in `\`: no need to look for quotes and comments in them
    if !line[..trim_end(line, 0, line.len())].ends_with('\\') {
        return None;
    }
    let mut in_quote = false;
    let mut last = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            ';' if !in_quote => return None,
            _ => {}
        }
        if !is_blank(c) {
            last = Some((i, c));
        }
    }
    match last {
        Some((i, '\\')) if !in_quote => Some(i),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Pass 1: lines to raw sections and fields (quotes and `%` tokens lexed, nothing substituted).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AtomKind {
    /// Text copied from the source: a run of characters, up to the next quote or `%`.
    Char,
    /// `""` → `"` or `%%` → `%`.
    Escape(char),
    /// `%name%`.
    Token,
}

/// A piece of a field, as a byte range of its logical line.
#[derive(Clone, Copy, Debug)]
struct Atom {
    kind: AtomKind,
    start: usize,
    end: usize,
    /// Outside quotes (or inside an unterminated quote): blanks at the ends are trimmed.
    unquoted: bool,
}

/// A key or value as written: its atoms (a range of the atoms [`read_lines`] returns, so that
/// a field costs no allocation of its own), on line `line`.
struct RawField {
    line: usize,
    atoms: core::ops::Range<usize>,
    quoted: bool,
    /// The written field in the source (quotes included, outer blanks excluded).
    span: Span,
}

struct RawEntry {
    key: RawField,
    /// `None` for a line without `=`.
    value: Option<RawField>,
    span: Span,
}

#[derive(Default)]
struct RawSection {
    name: String,
    headers: Vec<Span>,
    entries: Vec<RawEntry>,
}

fn skip_blanks(t: &str, mut i: usize, end: usize) -> usize {
    // the blanks are ASCII, and no byte of a longer character is
    let b = t.as_bytes();
    while i < end && b.get(i).is_some_and(|&c| is_blank(char::from(c))) {
        i += 1;
    }
    i
}

fn trim_end(t: &str, start: usize, mut end: usize) -> usize {
    // the blanks are ASCII (as in skip_blanks)
    let b = t.as_bytes();
    while end > start && b.get(end - 1).is_some_and(|&c| is_blank(char::from(c))) {
        end -= 1;
    }
    end
}

/// The first `%` or `"` in `t[i..e]`, else `e`. A plain loop over bytes (both are ASCII):
/// in the size-optimised wasm build a `str::find` with a pattern is several calls a character.
fn next_special(t: &str, mut i: usize, e: usize) -> usize {
    let b = t.as_bytes();
    while i < e && !matches!(b.get(i), Some(b'%' | b'"') | None) {
        i += 1;
    }
    i
}

/// A section name as a map key, compared ASCII-case-insensitively as certreq compares them.
#[derive(Clone, Copy)]
struct Caseless<'a>(&'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl core::hash::Hash for Caseless<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

/// The sections as written, and the atoms their fields are ranges of.
fn read_lines<'a>(lines: &'a [Line], diags: &mut Vec<Diagnostic>) -> (Vec<RawSection>, Vec<Atom>) {
    let mut sections: Vec<RawSection> = Vec::new();
    // a key and a value of a run of text each, on most lines
    let mut atoms: Vec<Atom> = Vec::with_capacity(2 * lines.len());
    // each section's index by its name: a repeated header merges into the first without a
    // search through every section so far (an INF of many sections stays linear), and with no
    // copy of the name (the key borrows it from its line)
    let mut by_name: std::collections::HashMap<Caseless<'a>, usize> =
        std::collections::HashMap::new();
    let mut current: Option<usize> = None;
    let mut prev_unterminated = false;
    for (n, line) in lines.iter().enumerate() {
        let t: &str = &line.text;
        // A byte order mark left in the text (by a caller that decoded it itself) is not content.
        let bom = if n == 0 && t.starts_with('\u{FEFF}') {
            3
        } else {
            0
        };
        let p = skip_blanks(t, bom, t.len());
        if p == t.len() || t[p..].starts_with(';') {
            continue;
        }
        if t[p..].starts_with('[') {
            prev_unterminated = false;
            current = Some(read_header(line, p, &mut sections, &mut by_name, diags));
            continue;
        }

        // `=` and `;` outside double quotes.
        let mut in_quote = false;
        let mut eq = None;
        let mut end = t.len();
        for (i, c) in t.as_bytes()[p..].iter().enumerate() {
            match c {
                b'"' => in_quote = !in_quote,
                b'=' if !in_quote && eq.is_none() => eq = Some(p + i),
                b';' if !in_quote => {
                    end = p + i;
                    break;
                }
                _ => {}
            }
        }
        let content_end = trim_end(t, p, end);

        let Some(section) = current else {
            diags.push(
                Diagnostic::warning(
                    crate::codes::OUTSIDE_SECTION,
                    line.span(p, content_end),
                    "this line comes before any [section] header and is ignored",
                )
                .with_help("move it under a section header such as [NewRequest], or start it with `;` to make it a comment"),
            );
            continue;
        };

        let mut unterminated = Vec::new();
        let entry = match eq {
            Some(eq) => {
                let key = lex_field(
                    line,
                    n,
                    p,
                    trim_end(t, p, eq),
                    &mut unterminated,
                    &mut atoms,
                );
                if key.atoms.is_empty() && key.span.is_empty() {
                    diags.push(
                        Diagnostic::warning(
                            crate::codes::EMPTY_KEY,
                            line.span(eq, eq + 1),
                            "there is no key before `=`",
                        )
                        .with_help("write `key = value`"),
                    );
                }
                let vstart = skip_blanks(t, eq + 1, content_end);
                let value = lex_field(line, n, vstart, content_end, &mut unterminated, &mut atoms);
                let span = key.span.start..value.span.end.max(line.span(eq, eq + 1).end);
                RawEntry {
                    key,
                    value: Some(value),
                    span,
                }
            }
            None => {
                let key = lex_field(line, n, p, content_end, &mut unterminated, &mut atoms);
                diags.push(
                    Diagnostic::warning(
                        crate::codes::NO_EQUALS,
                        key.span.clone(),
                        "this line has no `=`, so it is read as a key with an empty value",
                    )
                    .with_help(
                        "write `key = value`, or start the line with `;` to make it a comment",
                    ),
                );
                let span = key.span.clone();
                RawEntry {
                    key,
                    value: None,
                    span,
                }
            }
        };

        let this_unterminated = !unterminated.is_empty();
        for open in unterminated {
            let help = if prev_unterminated {
                "this quote seems to close the quoted value begun on the line above, but quoted values cannot span lines: put the whole quoted value on one line"
            } else if next_content_line(lines, n).is_some_and(|l| l.text.contains('"')) {
                "quoted values cannot span lines: certreq reads the next line as a separate entry, so put the whole quoted value on one line"
            } else {
                "add a closing double quote (\") at the end of the value"
            };
            diags.push(
                Diagnostic::warning(
                    crate::codes::UNTERMINATED_QUOTE,
                    line.span(open, open + 1),
                    "this double quote is never closed, so the value runs to the end of the line",
                )
                .with_help(help),
            );
        }
        prev_unterminated = this_unterminated;
        if let Some(s) = sections.get_mut(section) {
            s.entries.push(entry);
        }
    }
    (sections, atoms)
}

/// The next logical line that is not blank.
fn next_content_line<'a, 's>(lines: &'a [Line<'s>], n: usize) -> Option<&'a Line<'s>> {
    lines
        .iter()
        .skip(n + 1)
        .find(|l| !l.text.trim_matches(is_blank).is_empty())
}

/// Reads a `[Name]` header starting at `p`; returns the index of the (possibly merged) section.
fn read_header<'a>(
    line: &'a Line,
    p: usize,
    sections: &mut Vec<RawSection>,
    by_name: &mut std::collections::HashMap<Caseless<'a>, usize>,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let t: &'a str = &line.text;
    let (name, header) = match t[p..].find(']') {
        Some(off) => {
            let close = p + off;
            let q = skip_blanks(t, close + 1, t.len());
            if q < t.len() && !t[q..].starts_with(';') {
                let junk_end = trim_end(t, q, t[q..].find(';').map_or(t.len(), |o| q + o));
                diags.push(
                    Diagnostic::warning(
                        crate::codes::SECTION_HEADER_JUNK,
                        line.span(q, junk_end),
                        "unexpected text after the section header is ignored",
                    )
                    .with_help("remove it, or start it with `;` to make it a comment"),
                );
            }
            (
                t[p + 1..close].trim_matches(is_blank),
                line.span(p, close + 1),
            )
        }
        None => {
            let end = trim_end(t, p, t[p..].find(';').map_or(t.len(), |o| p + o));
            diags.push(
                Diagnostic::warning(
                    crate::codes::UNCLOSED_SECTION_HEADER,
                    line.span(p, end),
                    "this section header has no closing `]`",
                )
                .with_help("add `]` after the section name"),
            );
            (t[p + 1..end].trim_matches(is_blank), line.span(p, end))
        }
    };
    if name.is_empty() {
        diags.push(Diagnostic::warning(
            crate::codes::EMPTY_SECTION_NAME,
            header.clone(),
            "this section header has no name",
        ));
    } else if name.chars().count() > 255 {
        diags.push(Diagnostic::warning(
            crate::codes::SECTION_NAME_TOO_LONG,
            header.clone(),
            "section names are limited to 255 characters",
        ));
    }
    match by_name.entry(Caseless(name)) {
        std::collections::hash_map::Entry::Occupied(slot) => {
            let i = *slot.get();
            if let Some(s) = sections.get_mut(i) {
                s.headers.push(header);
            }
            i
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            sections.push(RawSection {
                name: name.to_owned(),
                headers: vec![header],
                entries: Vec::new(),
            });
            slot.insert(sections.len() - 1);
            sections.len() - 1
        }
    }
}

/// Lexes the field `s..e` of a line (`s` at its first non-blank character, `e` just past its
/// last): quoted pieces, `""`, `%%` and `%name%`. Opening quotes that are never closed are
/// pushed to `unterminated`.
fn lex_field(
    line: &Line,
    n: usize,
    s: usize,
    e: usize,
    unterminated: &mut Vec<usize>,
    atoms: &mut Vec<Atom>,
) -> RawField {
    let t: &str = &line.text;
    let b = t.as_bytes();
    let begin = atoms.len();
    let mut quoted = false;
    let mut i = s;
    // `"` and `%` are ASCII, so every index below where one is found, or where a run of other
    // text ends, is a character boundary
    while i < e {
        if b[i] == b'"' {
            if i == s {
                quoted = true;
            }
            let open = i;
            let first = atoms.len();
            let mut closed = false;
            i += 1;
            while i < e {
                if b[i] == b'"' {
                    if i + 1 < e && b[i + 1] == b'"' {
                        atoms.push(Atom {
                            kind: AtomKind::Escape('"'),
                            start: i,
                            end: i + 2,
                            unquoted: false,
                        });
                        i += 2;
                        continue;
                    }
                    closed = true;
                    i += 1;
                    break;
                }
                i = lex_text(t, i, e, false, begin, atoms);
            }
            if !closed {
                unterminated.push(open);
                for a in &mut atoms[first..] {
                    a.unquoted = true;
                }
            }
        } else {
            i = lex_text(t, i, e, true, begin, atoms);
        }
    }
    // Trailing blanks outside quotes (and inside an unterminated quote) are not part of the value.
    while atoms.len() > begin {
        let Some(last) = atoms.last_mut() else { break };
        if !(last.unquoted && last.kind == AtomKind::Char) {
            break;
        }
        last.end = trim_end(t, last.start, last.end);
        if last.end > last.start {
            break;
        }
        atoms.pop();
    }
    RawField {
        line: n,
        atoms: begin..atoms.len(),
        quoted,
        span: line.span(s, e),
    }
}

/// Lexes from `i` (not a `"`) to the next `"` or `%`, or a `%%` / `%name%` starting at `i`,
/// and returns where it stopped. Text as written goes into a [`AtomKind::Char`] atom, which
/// lengthens the field's (`atoms[field..]`) last atom when that one ends at `i` and is in
/// (or out of) quotes as this text is: a run of plain text is one atom.
fn lex_text(
    t: &str,
    i: usize,
    e: usize,
    unquoted: bool,
    field: usize,
    atoms: &mut Vec<Atom>,
) -> usize {
    let b = t.as_bytes();
    let end = if b[i] == b'%' {
        // The token ends at the next `%` before any double quote.
        let close = Some(next_special(t, i + 1, e)).filter(|&j| j < e && b[j] == b'%');
        if let Some(j) = close {
            let kind = if j == i + 1 {
                AtomKind::Escape('%')
            } else {
                AtomKind::Token
            };
            atoms.push(Atom {
                kind,
                start: i,
                end: j + 1,
                unquoted,
            });
            return j + 1;
        }
        // a `%` that opens no token is a character as written
        i + 1
    } else {
        next_special(t, i, e)
    };
    let in_field = atoms.len() > field;
    match atoms.last_mut() {
        Some(last)
            if in_field
                && last.kind == AtomKind::Char
                && last.end == i
                && last.unquoted == unquoted =>
        {
            last.end = end;
        }
        _ => atoms.push(Atom {
            kind: AtomKind::Char,
            start: i,
            end,
            unquoted,
        }),
    }
    end
}

// ---------------------------------------------------------------------------------------------
// Pass 2: substitution, `_continue_`, and the checks that need the final text.

/// `[Strings]` names (ASCII-lower-cased) to values.
type Strings = std::collections::HashMap<String, String>;

fn string_table(section: &Section, diags: &mut Vec<Diagnostic>) -> Strings {
    let mut table = Strings::new();
    for e in &section.entries {
        use std::collections::hash_map::Entry as Slot;
        match table.entry(e.key.to_ascii_lowercase()) {
            Slot::Vacant(slot) => {
                slot.insert(e.value.text.clone());
            }
            Slot::Occupied(_) => diags.push(
                Diagnostic::warning(
                    crate::codes::DUPLICATE_STRING,
                    e.key_span.clone(),
                    format!(
                        "`{}` is already defined in [Strings]; the first definition is used",
                        e.key
                    ),
                )
                .with_help("remove one of the definitions"),
            ),
        }
    }
    table
}

/// Builds a section's entries. `table` is `None` for `[Strings]` itself, whose `%name%` tokens
/// are not substituted.
fn build_section(
    raw: RawSection,
    fields: &Fields,
    table: Option<&Strings>,
    diags: &mut Vec<Diagnostic>,
) -> Section {
    let mut entries: Vec<Entry> = Vec::with_capacity(raw.entries.len());
    for re in &raw.entries {
        let (key, _) = render(&re.key, fields, table, false, diags);
        check_length(&re.key, &key, fields.src, "key", diags);
        let value = match &re.value {
            Some(f) => {
                let (text, map) = render(f, fields, table, true, diags);
                check_length(f, &text, fields.src, "value", diags);
                check_typographic(f, fields, diags);
                Value {
                    text,
                    quoted: f.quoted,
                    span: f.span.clone(),
                    map,
                }
            }
            None => Value {
                text: String::new(),
                quoted: false,
                span: re.span.end..re.span.end,
                map: vec![re.span.end],
            },
        };
        if key.eq_ignore_ascii_case(CONTINUE_KEY) {
            match entries.last_mut() {
                Some(prev) => {
                    prev.value.text.push_str(&value.text);
                    prev.value.map.pop();
                    prev.value.map.extend_from_slice(&value.map);
                    prev.span.end = prev.span.end.max(re.span.end);
                }
                None => diags.push(
                    Diagnostic::warning(
                        crate::codes::ORPHAN_CONTINUE,
                        re.span.clone(),
                        format!("`_continue_` has no earlier entry in [{}] to continue, so it is ignored", raw.name),
                    )
                    .with_help("put `_continue_` lines right after the entry whose value they continue"),
                ),
            }
            continue;
        }
        entries.push(Entry {
            key,
            key_span: re.key.span.clone(),
            value,
            span: re.span.clone(),
        });
    }
    Section {
        name: raw.name,
        headers: raw.headers,
        entries,
    }
}

/// What [`build_section`] reads fields from: the logical lines, the atoms of every field and
/// the source text.
struct Fields<'f, 's> {
    lines: &'f [Line<'s>],
    atoms: &'f [Atom],
    src: &'f str,
}

impl Fields<'_, '_> {
    /// The atoms of field `f`.
    fn of(&self, f: &RawField) -> &[Atom] {
        self.atoms.get(f.atoms.clone()).unwrap_or_default()
    }
}

/// The text of a field and, when `with_map`, its byte map (see [`Value::map`]; empty
/// otherwise: a key needs none).
fn render(
    f: &RawField,
    fields: &Fields,
    table: Option<&Strings>,
    with_map: bool,
    diags: &mut Vec<Diagnostic>,
) -> (String, Vec<usize>) {
    let atoms = fields.of(f);
    let Some(line) = fields.lines.get(f.line) else {
        return (
            String::new(),
            if with_map {
                vec![f.span.end]
            } else {
                Vec::new()
            },
        );
    };
    // the written length: the final one unless a `%name%` is replaced by a longer value
    let written = atoms
        .last()
        .map_or(0, |l| l.end)
        .saturating_sub(atoms.first().map_or(0, |a| a.start));
    let mut text = String::with_capacity(written);
    let mut map = Vec::with_capacity(if with_map { written + 1 } else { 0 });
    let t: &str = &line.text;
    for a in atoms {
        match a.kind {
            AtomKind::Char => {
                text.push_str(&t[a.start..a.end]);
                if with_map {
                    line.extend_map(&mut map, a.start, a.end);
                }
            }
            AtomKind::Escape(c) => {
                text.push(c);
                if with_map {
                    map.extend(core::iter::repeat_n(line.src(a.start), c.len_utf8()));
                }
            }
            AtomKind::Token => {
                let name = &t[a.start + 1..a.end - 1];
                let found = table.and_then(|tb| tb.get(&name.to_ascii_lowercase()));
                match found {
                    Some(v) => {
                        text.push_str(v);
                        // Every byte maps to the opening `%` except the last, which maps to the
                        // closing one, so a span over the whole substitution covers the token.
                        if with_map && !v.is_empty() {
                            map.extend(core::iter::repeat_n(line.src(a.start), v.len() - 1));
                            map.push(line.src(a.end - 1));
                        }
                    }
                    None => {
                        text.push_str(&t[a.start..a.end]);
                        if with_map {
                            line.extend_map(&mut map, a.start, a.end);
                        }
                        if table.is_some() {
                            diags.push(
                                Diagnostic::warning(
                                    crate::codes::UNKNOWN_STRING,
                                    line.span(a.start, a.end),
                                    format!("`%{name}%` is not defined in [Strings], so it is left as written"),
                                )
                                .with_help(if name.contains(is_blank) {
                                    "write `%%` for each `%` that is meant literally".to_owned()
                                } else {
                                    format!(
                                        "define `{name} = …` in a [Strings] section, or write `%%` for a literal `%`"
                                    )
                                }),
                            );
                        }
                    }
                }
            }
        }
    }
    if with_map {
        map.push(f.span.end);
    }
    (text, map)
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Setup API's field limit, before and after substitution.
fn check_length(f: &RawField, text: &str, src: &str, what: &str, diags: &mut Vec<Diagnostic>) {
    // a string has no more UTF-16 units than UTF-8 bytes
    if f.span.len() < FIELD_LIMIT && text.len() < FIELD_LIMIT {
        return;
    }
    let written = src.get(f.span.clone()).map_or(0, utf16_len);
    let len = written.max(utf16_len(text));
    if len >= FIELD_LIMIT {
        diags.push(
            Diagnostic::warning(
                crate::codes::FIELD_TOO_LONG,
                f.span.clone(),
                format!(
                    "this {what} is {len} characters long, over the INF field limit of {} characters",
                    FIELD_LIMIT - 1
                ),
            )
            .with_help("split the value across `_continue_` lines"),
        );
    }
}

/// Typographic quotes where an unquoted value starts or ends.
fn check_typographic(f: &RawField, fields: &Fields, diags: &mut Vec<Diagnostic>) {
    let Some(line) = fields.lines.get(f.line) else {
        return;
    };
    let atoms = fields.of(f);
    let t: &str = &line.text;
    // the field's first and last character, when each is a character as written outside quotes
    // (a run of such characters is one atom)
    let first = atoms
        .first()
        .and_then(|a| Some((a, t.get(a.start..a.end)?.chars().next()?)))
        .map(|(a, c)| (a, a.start, a.start + c.len_utf8()));
    let last = atoms
        .last()
        .and_then(|a| Some((a, t.get(a.start..a.end)?.chars().next_back()?)))
        .map(|(a, c)| (a, a.end - c.len_utf8(), a.end));
    let last = last.filter(|l| first.is_none_or(|f| f.1 != l.1));
    for (a, start, end) in [first, last].into_iter().flatten() {
        let s = &t[start..end];
        if a.kind == AtomKind::Char
            && a.unquoted
            && s.chars().all(|c| TYPOGRAPHIC_QUOTES.contains(&c))
        {
            diags.push(
                Diagnostic::warning(
                    crate::codes::TYPOGRAPHIC_QUOTE,
                    line.span(start, end),
                    format!(
                        "`{s}` is a typographic quote, which certreq keeps as part of the value"
                    ),
                )
                .with_help("replace with a straight double quote (\")"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    /// The source text a span covers.
    fn at(src: &str, span: &Span) -> String {
        src[span.clone()].to_owned()
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code).collect()
    }

    fn value<'a>(inf: &'a Inf, section: &str, key: &str) -> &'a Value {
        &inf.section(section)
            .unwrap_or_else(|| panic!("no [{section}]"))
            .get(key)
            .unwrap_or_else(|| panic!("no {key} in [{section}]"))
            .value
    }

    /// Every span in bounds and on character boundaries, every map consistent.
    fn check_invariants(src: &str, inf: &Inf, diags: &[Diagnostic]) {
        let ok = |s: &Span| {
            s.start <= s.end
                && s.end <= src.len()
                && src.is_char_boundary(s.start)
                && src.is_char_boundary(s.end)
        };
        for d in diags {
            assert!(
                ok(&d.span),
                "diagnostic span {:?} out of bounds: {d:?}",
                d.span
            );
            assert_ne!(d.severity, Severity::Error, "the reader only warns: {d:?}");
            assert!(
                d.message.starts_with(|c: char| !c.is_uppercase()) && !d.message.ends_with('.'),
                "message style: {}",
                d.message
            );
        }
        for s in &inf.sections {
            assert!(!s.headers.is_empty());
            for h in &s.headers {
                assert!(ok(h), "header span {h:?}");
                assert!(src[h.clone()].starts_with('['));
            }
            for e in &s.entries {
                assert!(ok(&e.key_span) && ok(&e.span) && ok(&e.value.span), "{e:?}");
                assert!(
                    e.span.start <= e.key_span.start && e.key_span.end <= e.span.end,
                    "{e:?}"
                );
                let v = &e.value;
                assert_eq!(v.map.len(), v.text.len() + 1, "{e:?}");
                assert!(v.map.iter().all(|&m| m <= src.len()), "{e:?}");
                let bounds: Vec<usize> = v
                    .text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([v.text.len()])
                    .collect();
                for w in bounds.windows(2) {
                    let span = v.source_span(w[0]..w[1]);
                    assert!(ok(&span), "source_span {span:?} of {e:?}");
                }
                assert!(ok(&v.source_span(0..v.text.len())));
            }
        }
    }

    fn parse_checked(src: &str) -> (Inf, Vec<Diagnostic>) {
        let (inf, diags) = parse(src);
        check_invariants(src, &inf, &diags);
        (inf, diags)
    }

    #[test]
    fn every_line_ending_and_no_final_newline() {
        let src = "[A]\r\na=1\rb=2\nc=3\r\n\r\nd=4";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        let a = inf.section("a").unwrap();
        let kv: Vec<(&str, &str)> = a
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.text.as_str()))
            .collect();
        assert_eq!(kv, [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]);
        assert_eq!(at(src, &a.entries[3].span), "d=4");
        assert_eq!(a.entries[3].value.map, [src.len() - 1, src.len()]);
    }

    #[test]
    fn indentation_blank_lines_and_trailing_blanks() {
        let src = "  [NewRequest]  \n \t \n   Subject  =   CN=x  \n\t[Ext]\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        let nr = inf.section("NEWREQUEST").unwrap();
        assert_eq!(nr.name, "NewRequest");
        assert_eq!(at(src, &nr.headers[0]), "[NewRequest]");
        let e = nr.get("subject").unwrap();
        assert_eq!(e.key, "Subject");
        assert_eq!(e.value.text, "CN=x");
        assert!(!e.value.quoted);
        assert_eq!(at(src, &e.key_span), "Subject");
        assert_eq!(at(src, &e.value.span), "CN=x");
        assert_eq!(at(src, &e.span), "Subject  =   CN=x");
        assert!(inf.section("ext").unwrap().entries.is_empty());
    }

    #[test]
    fn a_leftover_byte_order_mark_is_ignored() {
        let src = "\u{FEFF}[Version]\nSignature=x\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(at(src, &inf.sections[0].headers[0]), "[Version]");
    }

    #[test]
    fn repeated_sections_are_merged_into_the_first() {
        let src = "[A]\na=1\n[B]\nx=2\n[ a ]\nb=3\na=4\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(inf.sections.len(), 2);
        let a = &inf.sections[0];
        assert_eq!(a.name, "A");
        let heads: Vec<String> = a.headers.iter().map(|h| at(src, h)).collect();
        assert_eq!(heads, ["[A]", "[ a ]"]);
        let values: Vec<&str> = a.all("A").map(|e| e.value.text.as_str()).collect();
        assert_eq!(values, ["1", "4"]);
        assert_eq!(a.entries.len(), 3);
    }

    #[test]
    fn junk_after_section_header_is_warned_and_ignored() {
        let src = "[Version] junk here ; comment\nSignature=x\n[B] ; fine\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["section-header-junk"]);
        assert_eq!(at(src, &diags[0].span), "junk here");
        assert_eq!(inf.section("version").unwrap().entries.len(), 1);
        assert!(inf.section("b").is_some());
    }

    #[test]
    fn unclosed_and_empty_section_headers_still_open_sections() {
        let src = "[NewRequest ; oops\nk=v\n[]\nj=w\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(
            codes(&diags),
            ["unclosed-section-header", "empty-section-name"]
        );
        assert_eq!(at(src, &diags[0].span), "[NewRequest");
        assert_eq!(at(src, &diags[1].span), "[]");
        assert_eq!(value(&inf, "NewRequest", "k").text, "v");
        assert_eq!(value(&inf, "", "j").text, "w");
    }

    #[test]
    fn text_before_the_first_section_is_ignored_with_a_warning() {
        let src = "; comments are fine\nstray = 1 ; c\n[A]\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["outside-section"]);
        assert_eq!(at(src, &diags[0].span), "stray = 1");
        assert!(inf.section("A").unwrap().entries.is_empty());
    }

    #[test]
    fn keys_may_contain_spaces_and_keep_their_case() {
        let src = "[NewRequest]\n      Key Exportable = TRUE  ; c\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty());
        let e = &inf.sections[0].entries[0];
        assert_eq!(e.key, "Key Exportable");
        assert_eq!(at(src, &e.key_span), "Key Exportable");
        assert!(inf.sections[0].get("key exportable").is_some());
    }

    #[test]
    fn a_line_without_equals_is_a_key_with_an_empty_value() {
        let src = "[A]\n  {% endif %}  ; c\n";
        let (inf, diags) = parse_checked(src);
        // the Jinja tag's `% endif %` looks like a [Strings] token, and is left as written
        assert_eq!(codes(&diags), ["no-equals", "unknown-string"]);
        assert_eq!(at(src, &diags[0].span), "{% endif %}");
        assert_eq!(at(src, &diags[1].span), "% endif %");
        let e = &inf.sections[0].entries[0];
        assert_eq!(e.key, "{% endif %}");
        assert_eq!(at(src, &e.key_span), "{% endif %}");
        assert_eq!(e.value.text, "");
        assert_eq!(e.value.map, [e.span.end]);
    }

    #[test]
    fn empty_key_is_warned() {
        let src = "[A]\n = v\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["empty-key"]);
        assert_eq!(at(src, &diags[0].span), "=");
        assert_eq!(inf.sections[0].entries[0].value.text, "v");
    }

    #[test]
    fn semicolons_start_comments_except_inside_quotes() {
        let src = "[A]\nq = \"a;b\" ; c\nu = a;b\nv = \"x\"\"; y\" z ; w\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(value(&inf, "A", "q").text, "a;b");
        assert_eq!(value(&inf, "A", "u").text, "a");
        assert_eq!(value(&inf, "A", "v").text, "x\"; y z");
    }

    #[test]
    fn quoted_values_keep_inner_blanks_and_unescape_doubled_quotes() {
        let src = "[A]\nSubject = \"  O=\"\"Acme, Inc\"\" \"   ; c\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty());
        let v = value(&inf, "A", "subject");
        assert_eq!(v.text, "  O=\"Acme, Inc\" ");
        assert!(v.quoted);
        assert_eq!(at(src, &v.span), "\"  O=\"\"Acme, Inc\"\" \"");
        // `""` → `"` maps to the first of the two quotes
        let q = v.text.find('"').unwrap();
        assert_eq!(at(src, &v.source_span(q..q + 1)), "\"");
        assert_eq!(v.source_span(q..q + 1).start, src.find("\"\"Acme").unwrap());
        // a range ending on an unescaped `"` ends after the first of its two source quotes
        assert_eq!(
            at(src, &v.source_span(2..v.text.len() - 1)),
            "O=\"\"Acme, Inc\""
        );
        assert_eq!(*v.map.last().unwrap(), v.span.end);
    }

    #[test]
    fn quoted_and_unquoted_pieces_concatenate() {
        let src = "[A]\na = \"x\" y \"z\"w\nb = p \"q\"\nc = \"\"\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty());
        let a = value(&inf, "A", "a");
        assert_eq!((a.text.as_str(), a.quoted), ("x y zw", true));
        let b = value(&inf, "A", "b");
        assert_eq!((b.text.as_str(), b.quoted), ("p q", false));
        let c = value(&inf, "A", "c");
        assert_eq!((c.text.as_str(), c.quoted), ("", true));
        assert_eq!(at(src, &c.span), "\"\"");
    }

    #[test]
    fn unterminated_quote_runs_to_end_of_line() {
        let src = "[Version]\nSignature=\"$Windows NT$   \n\n[NewRequest]\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["unterminated-quote"]);
        assert_eq!(diags[0].span, 20..21);
        assert_eq!(at(src, &diags[0].span), "\"");
        assert_eq!(
            diags[0].help.as_deref(),
            Some("add a closing double quote (\") at the end of the value")
        );
        let v = value(&inf, "Version", "signature");
        assert_eq!(v.text, "$Windows NT$");
        assert!(v.quoted);
        assert_eq!(at(src, &v.span), "\"$Windows NT$");
    }

    #[test]
    fn quoted_values_do_not_continue_onto_the_next_line() {
        let src = "[NewRequest]\r\nSubject = \"CN=a, OU=b,\r\nO=c, C=d\"\r\nKeySpec = 1\r\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["unterminated-quote", "unterminated-quote"]);
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap()
                .contains("quoted values cannot span lines")
        );
        assert!(
            diags[1]
                .help
                .as_deref()
                .unwrap()
                .contains("quoted values cannot span lines")
        );
        assert_eq!(diags[1].span.start, src.rfind('"').unwrap());
        let nr = inf.section("NewRequest").unwrap();
        assert_eq!(nr.get("subject").unwrap().value.text, "CN=a, OU=b,");
        assert_eq!(nr.get("O").unwrap().value.text, "c, C=d");
        assert_eq!(nr.get("KeySpec").unwrap().value.text, "1");
    }

    #[test]
    fn typographic_quotes_are_kept_and_warned() {
        let src = "[NewRequest]\n      Subject=\u{201D}CN=server.contoso.com\u{201D}\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["typographic-quote", "typographic-quote"]);
        for d in &diags {
            assert_eq!(at(src, &d.span), "\u{201D}");
            assert_eq!(
                d.help.as_deref(),
                Some("replace with a straight double quote (\")")
            );
        }
        assert_eq!(diags[0].span.start, src.find('\u{201D}').unwrap());
        assert_eq!(diags[1].span.start, src.rfind('\u{201D}').unwrap());
        let v = value(&inf, "NewRequest", "Subject");
        assert_eq!(v.text, "\u{201D}CN=server.contoso.com\u{201D}");
        assert!(!v.quoted);
        // inside the value, or inside real quotes, they are not warned about
        let (_, diags) = parse_checked("[A]\na = x\u{2018}y\nb = \"\u{201C}z\u{201D}\"\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn strings_substitute_in_keys_and_values_before_or_after_definition() {
        let src = "[Extensions]\n%szOID_EKU% = \"{text}%Server%,%%x\"\n[Strings]\nszoid_eku = 2.5.29.37 ; c\nSERVER = \" 1.3.6.1.5.5.7.3.1 \"\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        let e = &inf.section("extensions").unwrap().entries[0];
        assert_eq!(e.key, "2.5.29.37");
        assert_eq!(at(src, &e.key_span), "%szOID_EKU%");
        assert_eq!(e.value.text, "{text} 1.3.6.1.5.5.7.3.1 ,%x");
        assert!(e.value.quoted);
        // [Strings] is itself an ordinary section
        assert_eq!(value(&inf, "Strings", "Server").text, " 1.3.6.1.5.5.7.3.1 ");
        // the substituted text points at its token; `%%` at the first `%`
        let v = &e.value;
        let s = v.text.find(' ').unwrap();
        let sub = s..s + " 1.3.6.1.5.5.7.3.1 ".len();
        assert_eq!(at(src, &v.source_span(sub.clone())), "%Server%");
        assert_eq!(at(src, &v.source_span(sub.start..sub.start + 3)), "%");
        let pct = v.text.find('%').unwrap();
        assert_eq!(at(src, &v.source_span(pct..pct + 1)), "%");
        assert_eq!(v.source_span(pct..pct + 1).start, src.find("%%x").unwrap());
        assert_eq!(
            at(src, &v.source_span(0..v.text.len())),
            "{text}%Server%,%%x"
        );
    }

    #[test]
    fn unknown_strings_are_left_as_written_with_a_warning() {
        let src = "[A]\nk = {text}%subst%-%a b%\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["unknown-string", "unknown-string"]);
        assert_eq!(at(src, &diags[0].span), "%subst%");
        assert_eq!(at(src, &diags[1].span), "%a b%");
        assert_eq!(value(&inf, "A", "k").text, "{text}%subst%-%a b%");
        // a lone `%` is an ordinary character
        let (inf, diags) = parse_checked("[A]\nk = 50% off\n");
        assert!(diags.is_empty());
        assert_eq!(value(&inf, "A", "k").text, "50% off");
    }

    #[test]
    fn substitution_is_not_recursive() {
        let src = "[Strings]\na = %b%\nb = x\n[S]\nk = %A%\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(value(&inf, "S", "k").text, "%b%");
    }

    #[test]
    fn repeated_string_names_keep_the_first() {
        let src = "[Strings]\nx = 1\nX = 2\n[S]\nk = %x%\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["duplicate-string"]);
        assert_eq!(at(src, &diags[0].span), "X");
        assert_eq!(value(&inf, "S", "k").text, "1");
    }

    #[test]
    fn continue_appends_without_separator() {
        let src = "[Extensions]\n2.5.29.17 = \"{text}\"\n  _CONTINUE_ = \"dns=a&\" ; c\n_continue_ = dns=b\nx = 1\n";
        let (inf, diags) = parse_checked(src);
        assert!(diags.is_empty(), "{diags:?}");
        let ext = inf.section("Extensions").unwrap();
        assert_eq!(ext.entries.len(), 2);
        let e = &ext.entries[0];
        assert_eq!(e.value.text, "{text}dns=a&dns=b");
        assert!(e.value.quoted);
        assert_eq!(at(src, &e.value.span), "\"{text}\"");
        assert_eq!(
            at(src, &e.span),
            "2.5.29.17 = \"{text}\"\n  _CONTINUE_ = \"dns=a&\" ; c\n_continue_ = dns=b"
        );
        let v = &e.value;
        assert_eq!(at(src, &v.source_span(6..12)), "dns=a&");
        assert_eq!(at(src, &v.source_span(12..17)), "dns=b");
        assert_eq!(
            at(src, &v.source_span(0..17)),
            &src[src.find("{text}").unwrap()..e.span.end]
        );
        assert_eq!(*v.map.last().unwrap(), e.span.end);
    }

    #[test]
    fn continue_with_nothing_before_it_is_dropped() {
        let src = "[A]\n_continue_ = x\n[B]\nk = 1\n[A]\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["orphan-continue"]);
        assert_eq!(at(src, &diags[0].span), "_continue_ = x");
        assert!(inf.section("A").unwrap().entries.is_empty());
        assert_eq!(value(&inf, "B", "k").text, "1");
    }

    #[test]
    fn backslash_joins_the_next_line_outside_quotes_and_comments() {
        let src = "[A]\nk = abc \\  \r\n  def\nq = \"x\\\nr = y ; c \\\ns = z\n";
        let (inf, diags) = parse_checked(src);
        assert_eq!(codes(&diags), ["unterminated-quote"]);
        let a = inf.section("A").unwrap();
        let k = a.get("k").unwrap();
        assert_eq!(k.value.text, "abc   def");
        assert_eq!(at(src, &k.value.span), "abc \\  \r\n  def");
        assert_eq!(at(src, &k.value.source_span(3..9)), " \\  \r\n  def");
        assert_eq!(at(src, &k.value.source_span(4..9)), "  def");
        assert_eq!(a.get("q").unwrap().value.text, "x\\");
        assert_eq!(a.get("r").unwrap().value.text, "y");
        assert_eq!(a.get("s").unwrap().value.text, "z");
    }

    #[test]
    fn fields_over_the_setup_api_limit_are_warned_not_cut() {
        let long = "a".repeat(FIELD_LIMIT);
        let src = format!("[A]\nk = {long}\nok = {}\n", &long[1..]);
        let (inf, diags) = parse_checked(&src);
        assert_eq!(codes(&diags), ["field-too-long"]);
        assert_eq!(at(&src, &diags[0].span), long);
        assert_eq!(value(&inf, "A", "k").text, long);
        // the limit also applies after substitution
        let src = format!("[Strings]\ns = {}\n[A]\nk = %s%%s%\n", &long[..3000]);
        let (_, diags) = parse_checked(&src);
        assert_eq!(codes(&diags), ["field-too-long"]);
        assert_eq!(at(&src, &diags[0].span), "%s%%s%");
    }

    #[test]
    fn map_is_byte_exact_for_multibyte_text() {
        let src = "[A]\nk = \"é\"\"€\" ü ; c\n";
        let (inf, _) = parse_checked(src);
        let v = value(&inf, "A", "k");
        assert_eq!(v.text, "é\"€ ü");
        let e = src.find('é').unwrap();
        assert_eq!(
            v.map,
            [
                e,
                e + 1,
                e + 2,
                e + 4,
                e + 5,
                e + 6,
                e + 8,
                e + 9,
                e + 10,
                e + 11
            ]
        );
        assert_eq!(at(src, &v.source_span(3..6)), "€");
        assert_eq!(at(src, &v.source_span(0..v.text.len())), "é\"\"€\" ü");
    }

    // -----------------------------------------------------------------------------------------

    use certreq_testsupport::Rng;

    #[test]
    fn arbitrary_input_never_panics_and_spans_stay_in_bounds() {
        const PIECES: &[&str] = &[
            "[",
            "]",
            "=",
            ";",
            "\"",
            "\"\"",
            "%",
            "%%",
            "%a%",
            "%S%",
            "\\",
            "\r",
            "\n",
            "\r\n",
            " ",
            "\t",
            "_continue_",
            "[Strings]",
            "[A]",
            "a",
            "S",
            "Key",
            "é",
            "€",
            "\u{201D}",
            "\u{FEFF}",
            "\0",
            "a=b",
            "s = %a%\n",
            "{text}",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..3000 {
            let len = rng.below(120);
            let bytes: Vec<u8> = if round % 3 == 0 {
                (0..len).map(|_| rng.next() as u8).collect()
            } else {
                (0..len)
                    .flat_map(|_| PIECES[rng.below(PIECES.len())].bytes())
                    .collect()
            };
            let text = crate::text::decode(&bytes).text;
            let (inf, diags) = parse(&text);
            check_invariants(&text, &inf, &diags);
        }
    }

    // -----------------------------------------------------------------------------------------

    #[test]
    fn corpus_files_all_read_sensibly() {
        let dir = std::fs::read_dir(certreq_testsupport::corpus_dir().join("inf")).expect("corpus");
        let mut files: Vec<_> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "inf"))
            .collect();
        files.sort();
        assert!(
            files.len() >= 49,
            "expected the 49 corpus files, found {}",
            files.len()
        );
        let mut parsed = std::collections::BTreeMap::new();
        for path in &files {
            let bytes = std::fs::read(path).expect("read corpus file");
            let src = crate::text::decode(&bytes).text;
            let (inf, diags) = parse(&src);
            check_invariants(&src, &inf, &diags);
            for s in &inf.sections {
                for e in &s.entries {
                    let written = &src[e.key_span.clone()];
                    if !written.contains(['%', '"']) {
                        assert_eq!(written, e.key, "{}", path.display());
                    }
                }
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            parsed.insert(name[..3].to_owned(), (src, inf, diags));
        }
        let get = |n: &str| {
            parsed
                .get(n)
                .unwrap_or_else(|| panic!("corpus file {n} missing"))
        };

        // 003: CRLF, indented keys, SAN joined from _continue_ lines, no final newline
        let (_, inf, diags) = get("003");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            value(inf, "Extensions", "2.5.29.17").text,
            "{text}dns=*.example.com&dns=example.com&"
        );
        assert_eq!(
            value(inf, "EnhancedKeyUsageExtension", "OID").text,
            "1.3.6.1.5.5.7.3.1"
        );

        // 017: BOM, trailing blanks after headers, [Strings] after... and before use
        let (src, inf, diags) = get("017");
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = inf.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Version",
                "NewRequest",
                "Strings",
                "Extensions",
                "RequestAttributes"
            ]
        );
        let subject = value(inf, "NewRequest", "Subject");
        assert_eq!(subject.text, "CN=makemeapassword.org");
        assert!(subject.quoted);
        assert_eq!(at(src, &subject.span), "\"CN=makemeapassword.org\"");
        assert_eq!(
            value(inf, "NewRequest", "KeyUsage").text,
            "CERT_DIGITAL_SIGNATURE_KEY_USAGE | CERT_KEY_ENCIPHERMENT_KEY_USAGE | CERT_KEY_AGREEMENT_KEY_USAGE"
        );
        assert_eq!(value(inf, "NewRequest", "HashAlgorithm").text, "sha256");
        let ext = inf.section("Extensions").unwrap();
        assert_eq!(ext.entries[0].key, "2.5.29.17");
        assert_eq!(
            ext.entries[0].value.text,
            "{text}dns=www.makemepassword.org"
        );
        assert_eq!(ext.entries[1].key, "2.5.29.37");
        assert_eq!(
            ext.entries[1].value.text,
            "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2"
        );
        assert_eq!(
            value(inf, "RequestAttributes", "CertificateTemplate").text,
            "WebServer"
        );

        // 021: Signature="$Windows NT$ without its closing quote
        let (src, inf, diags) = get("021");
        assert_eq!(codes(diags), ["unterminated-quote"]);
        assert_eq!(at(src, &diags[0].span), "\"");
        assert_eq!(value(inf, "Version", "Signature").text, "$Windows NT$");
        assert_eq!(
            value(inf, "Extensions", "2.5.29.17").text,
            "{text}dns=$ShortName&dns=$CertName&"
        );

        // 029: UTF-16LE, sections in order, five EKU OIDs, SAN from _continue_
        let (_, inf, diags) = get("029");
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = inf.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Version",
                "NewRequest",
                "RequestAttributes",
                "EnhancedKeyUsageExtension",
                "Extensions"
            ]
        );
        let oids: Vec<&str> = inf
            .section("EnhancedKeyUsageExtension")
            .unwrap()
            .all("oid")
            .map(|e| e.value.text.as_str())
            .collect();
        assert_eq!(
            oids,
            [
                "1.3.6.1.4.1.311.54.1.2",
                "1.3.6.1.5.2.3.5",
                "1.3.6.1.4.1.311.20.2.2",
                "1.3.6.1.5.5.7.3.1",
                "1.3.6.1.5.5.7.3.2"
            ]
        );
        assert_eq!(
            value(inf, "Extensions", "2.5.29.17").text,
            "{text}DNS={LDAPSAN}&DNS={HOSTSAN}&DNS={DOMAINSAN}&DNS={NBNSAN}&"
        );

        // 030: Windows-1252, en dash inside a comment only
        let (_, inf, diags) = get("030");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(value(inf, "NewRequest", "KeySpec").text, "1");
        assert_eq!(
            value(inf, "Extensions", "2.5.29.17").text,
            "{text}##DNSSAN##"
        );

        // 035: unquoted {text} ending in ',' plus unquoted _continue_ with %subst%
        let (src, inf, diags) = get("035");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(value(inf, "Version", "Signature").text, "$Windows NT$");
        assert_eq!(
            value(inf, "NewRequest", "Subject").text,
            "CN=TestSelfSignedCert"
        );
        let eku = inf.section("Extensions").unwrap().get("2.5.29.37").unwrap();
        assert_eq!(eku.value.text, "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2");
        assert!(!eku.value.quoted);
        assert_eq!(at(src, &eku.key_span), "%szOID_ENHANCED_KEY_USAGE%");
        let second = eku.value.text.rfind(',').unwrap() + 1;
        assert_eq!(
            at(src, &eku.value.source_span(second..eku.value.text.len())),
            "%szOID_PKIX_KP_CLIENT_AUTH%"
        );

        // 040: Jinja tags glued to keys are read as written, not dropped
        let (_, inf, _) = get("040");
        assert!(
            inf.sections[0]
                .entries
                .iter()
                .any(|e| e.key == "{% endif %}")
        );

        // 043: the quoted Subject broken over two lines
        let (_, inf, diags) = get("043");
        assert_eq!(codes(diags), ["unterminated-quote", "unterminated-quote"]);
        let nr = inf.section("NewRequest").unwrap();
        assert_eq!(
            nr.get("Subject").unwrap().value.text,
            "CN=app.tudominio.corp, OU=seguridad coorporativa,"
        );
        assert_eq!(
            nr.get("O").unwrap().value.text,
            "tuempresa, L=ciudad, ST=estado, C=pais"
        );

        // 046: user string substituted inside a quoted {text} value
        let (_, inf, diags) = get("046");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(inf.section("NewRequest").is_none());
        assert_eq!(
            value(inf, "Extensions", "2.5.29.17").text,
            "{text}dns=www.intra.tmctests.internal"
        );

        // 047: typographic quotes around the Subject, a key with a space
        let (src, inf, diags) = get("047");
        assert_eq!(codes(diags), ["typographic-quote", "typographic-quote"]);
        assert!(diags.iter().all(|d| at(src, &d.span) == "\u{201D}"));
        assert_eq!(
            value(inf, "NewRequest", "Subject").text,
            "\u{201D}CN=server.contoso.com\u{201D}"
        );
        assert_eq!(value(inf, "NewRequest", "Key Exportable").text, "TRUE");
        assert!(inf.section("RequestAttributes").is_none());

        // files the reader should have nothing to say about
        for n in [
            "001", "004", "005", "008", "009", "011", "012", "015", "019", "020", "023", "027",
            "031", "036", "038", "039", "049",
        ] {
            let (_, _, diags) = get(n);
            assert!(diags.is_empty(), "{n}: {diags:?}");
        }
    }
}
