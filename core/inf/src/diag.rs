//! Diagnostics: what went wrong (or looks suspicious), and where.
//!
//! Every parser in this crate returns its result *and* a list of diagnostics; none of them fails
//! outright on bad input. A diagnostic points at a byte range of the decoded INF text
//! ([`Span`]). Turning that into `file:line:col` text (the CLI) or an inline highlight (the web
//! app) happens at the edge; [`LineIndex`] does the arithmetic for both.

use core::ops::Range;

/// A byte range into the decoded source text.
pub type Span = Range<usize>;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Extra information: a default we chose, a deliberate departure from certreq.
    Note,
    /// The request can still be made, but probably not as the author meant.
    Warning,
    /// No request can be made from this input.
    Error,
}

impl Severity {
    /// The lower-case word used in rendered diagnostics and in the web app's `data-severity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A diagnostic code (every one is declared in `crate::codes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// The stable name (`unknown-key`).
    pub name: &'static str,
    /// The severities a diagnostic with this code may have.
    pub severities: &'static [Severity],
    /// What it means, in one sentence.
    pub meaning: &'static str,
}

impl Code {
    /// Whether a diagnostic of this code may have `severity`.
    pub fn allows(self, severity: Severity) -> bool {
        self.severities.contains(&severity)
    }

    /// The one severity of a code that has one.
    pub fn severity(self) -> Severity {
        self.severities.first().copied().unwrap_or(Severity::Error)
    }
}

/// A diagnostic's code (its name) compared with a registered code.
impl PartialEq<Code> for &str {
    fn eq(&self, code: &Code) -> bool {
        *self == code.name
    }
}

impl PartialEq<Code> for str {
    fn eq(&self, code: &Code) -> bool {
        self == code.name
    }
}

/// One finding about the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The code's stable name (`unknown-key`, `no-newrequest`, …; see `crate::codes`).
    pub code: &'static str,
    /// One sentence, starting lower-case, no trailing full stop (rendered after `error: `).
    pub message: String,
    /// Where in the decoded text. May be empty (a point), never out of bounds.
    pub span: Span,
    /// Further lines of explanation or advice (`help: …`).
    pub help: Option<String>,
}

/// Puts diagnostics in the order of the text: by where they start, then where they end; equal
/// places keep the order they were found in.
pub fn sort(diags: &mut [Diagnostic]) {
    // offsets into one text, far below 2^32
    let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX) as u64;
    crate::order::sort_by_u64_key(diags, |d| (at(d.span.start) << 32) | at(d.span.end));
}

impl Diagnostic {
    /// A diagnostic of a registered [`Code`] (`crate::codes`) with one of its severities.
    pub fn new(severity: Severity, code: Code, span: Span, message: impl Into<String>) -> Self {
        debug_assert!(
            code.allows(severity),
            "{} is not registered as {}",
            code.name,
            severity.as_str()
        );
        Diagnostic {
            severity,
            code: code.name,
            message: message.into(),
            span,
            help: None,
        }
    }
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, span, message)
    }
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, span, message)
    }
    pub fn note(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, span, message)
    }
    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any diagnostic in the list is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters).
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in the INF reader.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let offset = offset.min(text.len()).max(start);
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self.starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_handles_every_line_ending() {
        let text = "a\r\nbb\rccc\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 4), (2, 2));
        assert_eq!(idx.line_col(text, 6), (3, 1));
        assert_eq!(idx.line_col(text, 10), (4, 1));
        assert_eq!(&text[idx.line_range(text, 0)], "a");
        assert_eq!(&text[idx.line_range(text, 1)], "bb");
        assert_eq!(&text[idx.line_range(text, 2)], "ccc");
        assert_eq!(&text[idx.line_range(text, 3)], "d");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é=ü x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, text.find('x').unwrap()), (1, 5));
    }
}

/// A diagnostic about part of one INF value, located by a byte range *within the value text*
/// (after unquoting, substitution and `_continue_` joining). [`crate::Value::diag`] turns it
/// into a [`Diagnostic`] located in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalDiag {
    pub severity: Severity,
    pub code: &'static str,
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl LocalDiag {
    pub fn error(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        debug_assert!(
            code.allows(Severity::Error),
            "{} is not an error",
            code.name
        );
        LocalDiag {
            severity: Severity::Error,
            code: code.name,
            range,
            message: message.into(),
            help: None,
        }
    }
    pub fn warning(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        debug_assert!(
            code.allows(Severity::Warning),
            "{} is not a warning",
            code.name
        );
        LocalDiag {
            severity: Severity::Warning,
            code: code.name,
            range,
            message: message.into(),
            help: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
