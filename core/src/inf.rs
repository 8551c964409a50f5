//! The INF reader: text in, sections and entries out, plus diagnostics. Never fails.
//!
//! certreq reads INF files with the Windows Setup API rules plus a few of its own
//! (see ARCHITECTURE.md, "INF grammar"). This module applies all of the *lexical* rules —
//! sections, comments, quoting, `[Strings]` substitution, `_continue_` and `\` continuation —
//! so that later stages see plain key/value text and never look at raw lines again. Every key
//! and value keeps a map back to the source so later stages can point at the exact characters.

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

/// One `key = value` line (or a line with no `=`, which has an empty key span and the whole
/// line as value; the reader warns about those outside `[Strings]`-free contexts).
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
    /// pieces appended, surrounding blanks of unquoted parts trimmed.
    pub text: String,
    /// True when (the first piece of) the value was written in double quotes.
    pub quoted: bool,
    /// Where the value is in the source (the first line's value, for continued values).
    pub span: Span,
    /// `map[i]` is the source offset of byte `i` of `text`; `map[text.len()]` is the source
    /// offset just past the value. Substituted text maps to its `%name%` token.
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

/// Reads INF text. Never fails: problems come back as diagnostics.
pub fn parse(text: &str) -> (Inf, Vec<Diagnostic>) {
    let _ = text;
    unimplemented!("inf::parse")
}
