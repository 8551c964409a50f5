//! Text arithmetic for the editor: UTF-16 offsets (what the DOM counts) against byte offsets
//! (what core's spans count), and a light INF tokenizer for the colouring overlay.

/// The UTF-16 offset of byte offset `byte` (clamped to the text, rounded down to a character).
pub fn byte_to_utf16(text: &str, byte: usize) -> u32 {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if i >= byte {
            break;
        }
        units = units.saturating_add(c.len_utf16() as u32);
    }
    units
}

/// The byte offset of UTF-16 offset `units` (clamped; inside a surrogate pair rounds down).
pub fn utf16_to_byte(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        let next = seen.saturating_add(c.len_utf16() as u32);
        if next > units {
            return i;
        }
        seen = next;
    }
    text.len()
}

/// What a piece of INF text is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `[Section]`.
    Section,
    /// A key, left of `=`.
    Key,
    /// `=`.
    Equals,
    /// Unquoted value text.
    Value,
    /// A double-quoted string, quotes included.
    Str,
    /// `%name%`, a `[Strings]` substitution.
    Var,
    /// `; …` to the end of the line.
    Comment,
    /// Blanks and anything else.
    Plain,
}

impl Kind {
    /// The CSS class for the overlay (`tok-…`).
    pub fn class(self) -> &'static str {
        match self {
            Kind::Section => "tok-section",
            Kind::Key => "tok-key",
            Kind::Equals => "tok-eq",
            Kind::Value => "tok-value",
            Kind::Str => "tok-str",
            Kind::Var => "tok-var",
            Kind::Comment => "tok-comment",
            Kind::Plain => "tok-plain",
        }
    }
}

/// Splits one line (without its terminator) into coloured pieces that concatenate back to the
/// line exactly. Only colours: the real reader is `certreq_inf`.
pub fn tokenize_line(line: &str) -> Vec<(Kind, &str)> {
    let mut out: Vec<(Kind, &str)> = Vec::new();
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if !indent.is_empty() {
        out.push((Kind::Plain, indent));
    }
    if trimmed.starts_with('[') {
        let (head, rest) = match trimmed.find(']') {
            Some(i) => trimmed.split_at(i + 1),
            None => (trimmed, ""),
        };
        out.push((Kind::Section, head));
        rest_of_value(rest, &mut out, Kind::Plain);
        return out;
    }
    // a key runs up to the first `=` outside quotes, unless a comment starts first
    let mut in_quotes = false;
    let mut equals = None;
    for (i, c) in trimmed.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => break,
            '=' if !in_quotes => {
                equals = Some(i);
                break;
            }
            _ => {}
        }
    }
    match equals {
        Some(i) => {
            let (key, rest) = trimmed.split_at(i);
            scan(key, &mut out, Kind::Key);
            out.push((Kind::Equals, &rest[..1]));
            rest_of_value(&rest[1..], &mut out, Kind::Value);
        }
        None => rest_of_value(trimmed, &mut out, Kind::Value),
    }
    out
}

/// A value part: quoted strings, `%var%`, and a trailing comment.
fn rest_of_value<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>, plain: Kind) {
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => {
                scan(&text[..i], out, plain);
                out.push((Kind::Comment, &text[i..]));
                return;
            }
            _ => {}
        }
    }
    scan(text, out, plain);
}

/// Splits text without comments into strings, substitutions, blanks and `plain` runs.
fn scan<'a>(text: &'a str, out: &mut Vec<(Kind, &'a str)>, plain: Kind) {
    let mut rest = text;
    while !rest.is_empty() {
        let (kind, len) = if let Some(body) = rest.strip_prefix('"') {
            // a string runs to the next quote ("" inside is an escaped quote, two strings here)
            let len = body.find('"').map_or(rest.len(), |i| i + 2);
            (Kind::Str, len)
        } else if let Some(body) = rest.strip_prefix('%') {
            match body.find('%') {
                Some(i) if !body[..i].contains(char::is_whitespace) => (Kind::Var, i + 2),
                _ => (plain, 1),
            }
        } else if rest.starts_with(char::is_whitespace) {
            let len = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            (Kind::Plain, len)
        } else {
            let len = rest
                .find(|c: char| c == '"' || c == '%' || c.is_whitespace())
                .unwrap_or(rest.len())
                .max(1);
            (plain, len)
        };
        let mut len = len.min(rest.len());
        while !rest.is_char_boundary(len) {
            len += 1;
        }
        let (piece, tail) = rest.split_at(len);
        out.push((kind, piece));
        rest = tail;
    }
}

/// Splits [`tokenize_line`]'s pieces further at the edges of `marks` (byte ranges within the
/// line, each with a tag, e.g. a diagnostic's severity), so that every piece is either wholly
/// inside the first mark covering it or outside all marks. The pieces still rebuild the line.
pub fn mark_line<'a, T: Copy>(
    line: &'a str,
    marks: &[(core::ops::Range<usize>, T)],
) -> Vec<(Kind, &'a str, Option<T>)> {
    let mut cuts: Vec<usize> = marks
        .iter()
        .flat_map(|(r, _)| [r.start, r.end])
        .filter(|&c| c > 0 && c < line.len() && line.is_char_boundary(c))
        .collect();
    certreq_inf::order::sort_by_u64_key(&mut cuts, |&c| c as u64);
    cuts.dedup();
    let mut out = Vec::new();
    let mut at = 0;
    for (kind, piece) in tokenize_line(line) {
        let end = at + piece.len();
        let mut from = at;
        for &cut in cuts.iter().filter(|&&c| c > at && c < end) {
            out.push((kind, &line[from..cut], mark_at(marks, from)));
            from = cut;
        }
        out.push((kind, &line[from..end], mark_at(marks, from)));
        at = end;
    }
    out
}

fn mark_at<T: Copy>(marks: &[(core::ops::Range<usize>, T)], at: usize) -> Option<T> {
    marks
        .iter()
        .find(|(r, _)| r.start <= at && at < r.end)
        .map(|(_, t)| *t)
}

/// `YYYY-MM-DD HH:MM UTC` for milliseconds since the Unix epoch (proleptic Gregorian).
pub fn format_utc(ms: f64) -> String {
    if !ms.is_finite() {
        return "unknown time".into();
    }
    // f64 → i64 saturates; the range below keeps every step in i64
    let secs = ((ms / 1000.0).floor() as i64).clamp(-1 << 40, 1 << 40);
    let c = certreq_pkix::time::civil(secs);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        c.year, c.month, c.day, c.hour, c.minute
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_round_trip_across_wide_characters() {
        let text = "a=é😀b";
        // a(1) =(1) é(1 unit, 2 bytes) 😀(2 units, 4 bytes) b
        assert_eq!(byte_to_utf16(text, 0), 0);
        assert_eq!(byte_to_utf16(text, 2), 2);
        assert_eq!(byte_to_utf16(text, 4), 3);
        assert_eq!(byte_to_utf16(text, 8), 5);
        assert_eq!(byte_to_utf16(text, 100), 6);
        assert_eq!(utf16_to_byte(text, 3), 4);
        assert_eq!(
            utf16_to_byte(text, 4),
            4,
            "inside a surrogate pair rounds down"
        );
        assert_eq!(utf16_to_byte(text, 5), 8);
        assert_eq!(utf16_to_byte(text, 99), text.len());
    }

    fn kinds(line: &str) -> Vec<(Kind, &str)> {
        let tokens = tokenize_line(line);
        let joined: String = tokens.iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, line, "tokens must rebuild the line");
        tokens
    }

    #[test]
    fn a_key_line_splits_into_key_equals_string_and_comment() {
        assert_eq!(
            kinds(r#"Subject = "CN=a;b" ; note"#),
            vec![
                (Kind::Key, "Subject"),
                (Kind::Plain, " "),
                (Kind::Equals, "="),
                (Kind::Plain, " "),
                (Kind::Str, r#""CN=a;b""#),
                (Kind::Plain, " "),
                (Kind::Comment, "; note"),
            ]
        );
    }

    #[test]
    fn sections_comments_and_substitutions_are_recognised() {
        assert_eq!(
            kinds("  [NewRequest] ; x"),
            vec![
                (Kind::Plain, "  "),
                (Kind::Section, "[NewRequest]"),
                (Kind::Plain, " "),
                (Kind::Comment, "; x"),
            ]
        );
        assert_eq!(
            kinds("; all comment"),
            vec![(Kind::Comment, "; all comment")]
        );
        assert_eq!(
            kinds("Subject=%sub%"),
            vec![
                (Kind::Key, "Subject"),
                (Kind::Equals, "="),
                (Kind::Var, "%sub%")
            ]
        );
    }

    #[test]
    fn utc_times_format_as_calendar_dates() {
        assert_eq!(format_utc(0.0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000.0), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_000_000_000.0), "2026-11-18 11:06 UTC");
        assert_eq!(format_utc(f64::NAN), "unknown time");
    }

    #[test]
    fn marks_split_tokens_at_their_edges() {
        let pieces = mark_line("KeyLength = banana ; x", &[(12..18, 'E')]);
        let rebuilt: String = pieces.iter().map(|(_, t, _)| *t).collect();
        assert_eq!(rebuilt, "KeyLength = banana ; x");
        assert!(pieces.contains(&(Kind::Value, "banana", Some('E'))));
        assert!(pieces.contains(&(Kind::Key, "KeyLength", None)));
        // a mark inside a token splits it; out-of-range and empty marks are harmless
        let pieces = mark_line("abcdef", &[(2..4, 1), (4..4, 2), (50..60, 3)]);
        assert_eq!(
            pieces,
            vec![
                (Kind::Value, "ab", None),
                (Kind::Value, "cd", Some(1)),
                (Kind::Value, "ef", None)
            ]
        );
    }

    #[test]
    fn broken_lines_still_rebuild_exactly() {
        for line in [
            "\"unterminated",
            "%a b%",
            "[open",
            "k=\"é😀",
            "==",
            "%",
            "\t;",
        ] {
            kinds(line);
        }
    }
}
