//! Diagnostics as text for a terminal:
//!
//! ```text
//! request.inf:3:1: error: unknown key `KeyLenght`
//!   3 | KeyLenght = 2048
//!     | ^~~~~~~~~
//!     = help: did you mean `KeyLength`?
//! ```
//!
//! Columns count characters (as [`LineIndex`] does). In the echoed source line a tab becomes
//! spaces up to the next multiple of [`TAB_WIDTH`] and other control characters become `?`, so
//! the caret line stays under the right characters.

use certreq_inf::diag::{Diagnostic, LineIndex};

/// Tab stops in the echoed source line.
pub const TAB_WIDTH: usize = 4;

/// Renders one diagnostic about `text` (the decoded INF), with `path` as the file name.
pub fn render(path: &str, text: &str, index: &LineIndex, diag: &Diagnostic) -> String {
    let start = clamp_to_char(text, diag.span.start);
    let end = clamp_to_char(text, diag.span.end.max(start));
    let (line_no, col) = index.line_col(text, start);
    let mut out = format!(
        "{path}:{line_no}:{col}: {}: {}\n",
        diag.severity.as_str(),
        diag.message
    );

    let line_range = index.line_range(text, line_no - 1);
    let line = text.get(line_range.clone()).unwrap_or("");
    // The underlined part of this line: from the span start to the span end or the line end.
    let local_start = start.saturating_sub(line_range.start).min(line.len());
    let local_end = end
        .min(line_range.end)
        .saturating_sub(line_range.start)
        .max(local_start)
        .min(line.len());

    let number = line_no.to_string();
    let gutter = " ".repeat(number.len());
    let (shown, caret_from, caret_to) = expand(line, local_start, local_end);
    out.push_str(&format!(" {number} | {shown}\n"));
    let width = caret_to.saturating_sub(caret_from).max(1);
    let mut carets = String::with_capacity(width);
    carets.push('^');
    carets.extend(std::iter::repeat_n('~', width - 1));
    out.push_str(&format!(" {gutter} | {}{carets}\n", " ".repeat(caret_from)));
    if let Some(help) = &diag.help {
        let mut lines = help.lines();
        if let Some(first) = lines.next() {
            out.push_str(&format!(" {gutter} = help: {first}\n"));
        }
        for more in lines {
            out.push_str(&format!(" {gutter}         {more}\n"));
        }
    }
    out
}

/// The line as displayed, and the display columns (0-based) of byte offsets `from` and `to`.
fn expand(line: &str, from: usize, to: usize) -> (String, usize, usize) {
    let mut shown = String::with_capacity(line.len());
    let mut col = 0;
    let (mut col_from, mut col_to) = (None, None);
    for (i, c) in line.char_indices() {
        if i >= from && col_from.is_none() {
            col_from = Some(col);
        }
        if i >= to && col_to.is_none() {
            col_to = Some(col);
        }
        match c {
            '\t' => {
                let n = TAB_WIDTH - col % TAB_WIDTH;
                shown.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            c if c.is_control() => {
                shown.push('?');
                col += 1;
            }
            c => {
                shown.push(c);
                col += 1;
            }
        }
    }
    let col_from = col_from.unwrap_or(col);
    let col_to = col_to.unwrap_or(col);
    (shown, col_from, col_to)
}

/// The largest char boundary of `text` at or before `offset` (spans are never out of bounds by
/// contract; this keeps the renderer safe if one ever is).
fn clamp_to_char(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_inf::codes;
    use certreq_inf::diag::Diagnostic;

    fn r(text: &str, diag: Diagnostic) -> String {
        render("a.inf", text, &LineIndex::new(text), &diag)
    }

    #[test]
    fn multi_character_span_gets_caret_and_tildes_and_help() {
        let text = "[NewRequest]\nKeyLenght = 2048\n";
        let d = Diagnostic::error(codes::INVALID_NUMBER, 13..22, "unknown key `KeyLenght`")
            .with_help("did you mean `KeyLength`?");
        assert_eq!(
            r(text, d),
            "a.inf:2:1: error: unknown key `KeyLenght`\n \
             2 | KeyLenght = 2048\n   \
             | ^~~~~~~~~\n   \
             = help: did you mean `KeyLength`?\n"
        );
    }

    #[test]
    fn tabs_are_expanded_in_line_and_caret_padding() {
        let text = "\tKeySpec =\t9\n";
        let at = text.find('9').unwrap();
        let d = Diagnostic::warning(codes::WEAK_HASH, at..at + 1, "odd value");
        assert_eq!(
            r(text, d),
            "a.inf:1:12: warning: odd value\n 1 |     KeySpec =   9\n   |                 ^\n"
        );
    }

    #[test]
    fn multibyte_characters_take_one_column() {
        let text = "Subject = \"CN=Jürgen Müller, X=1\"";
        let at = text.find("X=").unwrap();
        let d = Diagnostic::error(
            codes::SUBJECT_UNKNOWN_ATTRIBUTE,
            at..at + 1,
            "unknown attribute `X`",
        );
        let out = r(text, d);
        assert!(out.starts_with("a.inf:1:30: error:"), "{out}");
        assert_eq!(
            out.lines().nth(2).unwrap(),
            format!("   | {}^", " ".repeat(29))
        );
    }

    #[test]
    fn empty_span_at_end_of_line_points_after_the_last_character() {
        let text = "Subject = \"CN=x\nKeyLength = 1";
        let at = text.find('\n').unwrap();
        let d = Diagnostic::error(
            codes::SUBJECT_UNTERMINATED_QUOTE,
            at..at,
            "missing closing quote",
        );
        assert_eq!(
            r(text, d),
            "a.inf:1:16: error: missing closing quote\n 1 | Subject = \"CN=x\n   |                ^\n"
        );
    }

    #[test]
    fn span_at_end_of_file_after_final_newline() {
        let text = "[Version]\r\n";
        let d = Diagnostic::error(
            codes::NO_NEWREQUEST,
            text.len()..text.len(),
            "no [NewRequest]",
        );
        assert_eq!(
            r(text, d),
            "a.inf:2:1: error: no [NewRequest]\n 2 | \n   | ^\n"
        );
    }

    #[test]
    fn span_over_several_lines_is_underlined_to_the_end_of_the_first() {
        let text = "A = 1\nB = 2\n";
        let d = Diagnostic::note(codes::DEFAULT_HASH, 4..9, "spans lines");
        assert_eq!(
            r(text, d),
            "a.inf:1:5: note: spans lines\n 1 | A = 1\n   |     ^\n"
        );
    }

    #[test]
    fn wide_line_numbers_widen_the_gutter_and_help_continues() {
        let text = "x\n".repeat(11);
        let d = Diagnostic::error(codes::INVALID_OID, 20..21, "m").with_help("first\nsecond");
        assert_eq!(
            r(&text, d),
            "a.inf:11:1: error: m\n 11 | x\n    | ^\n    = help: first\n            second\n"
        );
    }

    #[test]
    fn out_of_bounds_or_mid_character_spans_do_not_panic() {
        let text = "é";
        let out = r(text, Diagnostic::error(codes::INVALID_OID, 1..50, "m"));
        assert!(out.starts_with("a.inf:1:1: error: m"), "{out}");
        #[allow(clippy::reversed_empty_ranges)]
        let out = r("", Diagnostic::error(codes::INVALID_OID, 3..1, "m"));
        assert_eq!(out, "a.inf:1:1: error: m\n 1 | \n   | ^\n");
    }

    #[test]
    fn control_characters_are_shown_as_question_marks() {
        let text = "A\u{1}B = 1";
        let d = Diagnostic::error(codes::INVALID_OID, 2..3, "m");
        assert_eq!(r(text, d), "a.inf:1:3: error: m\n 1 | A?B = 1\n   |   ^\n");
    }
}
