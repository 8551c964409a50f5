//! Scalar INF values: booleans, numbers and `|`-joined symbolic flags.
//!
//! certreq's request INFs share the Setup-API conventions (see certreq-semantics §2.5):
//! booleans are `TRUE`/`FALSE`/`YES`/`NO`/`1`/`0` in any case; numbers are decimal or `0x` hex;
//! flag values may name symbols and numbers joined by `|` (`"A | B | 0x10"`). All functions here
//! work on the value text and report problems as [`LocalDiag`]s located within it.

use crate::diag::LocalDiag;

/// Reads a boolean: `TRUE`, `FALSE`, `YES`, `NO`, `1`, `0`, in any case, surrounding blanks
/// ignored. `None` for anything else.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    const TRUE: [&str; 3] = ["true", "yes", "1"];
    const FALSE: [&str; 3] = ["false", "no", "0"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// [`parse_bool`], with a located error when the text is not a boolean.
pub fn expect_bool(text: &str) -> Result<bool, LocalDiag> {
    parse_bool(text).ok_or_else(|| {
        LocalDiag::error(
            crate::codes::INVALID_BOOLEAN,
            trimmed_range(text),
            format!("`{}` is not a boolean", text.trim()),
        )
        .with_help("write TRUE or FALSE (YES/NO and 1/0 are accepted too)")
    })
}

/// Reads an unsigned number: decimal (`2048`) or hexadecimal with `0x` (`0xa0`, `0XA0`).
/// Surrounding blanks are ignored. `None` when it is not a number or does not fit in 64 bits.
pub fn parse_number(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, radix) = match t.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("0x") => (t.get(2..).unwrap_or(""), 16),
        _ => (t, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// [`parse_number`], with a located error when the text is not a number.
pub fn expect_number(text: &str) -> Result<u64, LocalDiag> {
    parse_number(text).ok_or_else(|| {
        LocalDiag::error(
            crate::codes::INVALID_NUMBER,
            trimmed_range(text),
            format!("`{}` is not a number", text.trim()),
        )
        .with_help("write a decimal number (2048) or a hexadecimal one with 0x (0xa0)")
    })
}

/// Reads `|`-joined flags: each part is a number or one of `symbols` (case-insensitive; any of
/// the `prefixes` may be left off or added, so `XCN_NCRYPT_UI_PROTECT_KEY_FLAG` and
/// `NCRYPT_UI_PROTECT_KEY_FLAG` are the same symbol). The result is the OR of all parts.
/// Every unknown part is an error located at that part.
pub fn parse_flags(
    text: &str,
    symbols: &[(&str, u64)],
    prefixes: &[&str],
) -> Result<u64, Vec<LocalDiag>> {
    let mut value = 0u64;
    let mut errors = Vec::new();
    let mut start = 0usize;
    for part in text.split('|') {
        let range = start..start + part.len();
        start = range.end + 1;
        let word = part.trim();
        let lead = part.len() - part.trim_start().len();
        let word_range = range.start + lead..range.start + lead + word.len();
        if word.is_empty() {
            errors.push(
                LocalDiag::error(
                    crate::codes::INVALID_FLAGS,
                    word_range,
                    "empty flag between `|`",
                )
                .with_help("remove the extra `|`"),
            );
            continue;
        }
        if let Some(n) = parse_number(word) {
            value |= n;
            continue;
        }
        match lookup_symbol(word, symbols, prefixes) {
            Some(n) => value |= n,
            None => {
                let names: Vec<&str> = symbols.iter().map(|(n, _)| *n).collect();
                errors.push(
                    LocalDiag::error(
                        crate::codes::INVALID_FLAGS,
                        word_range,
                        format!("unknown flag `{word}`"),
                    )
                    .with_help(format!("use a number or one of: {}", names.join(", "))),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

fn lookup_symbol(word: &str, symbols: &[(&str, u64)], prefixes: &[&str]) -> Option<u64> {
    let strip = |w: &str| -> String {
        let mut w = w.to_ascii_uppercase();
        for p in prefixes {
            let p = p.to_ascii_uppercase();
            if let Some(rest) = w.strip_prefix(&p) {
                w = rest.to_string();
            }
        }
        w
    };
    let want = strip(word);
    symbols
        .iter()
        .find(|(name, _)| strip(name) == want)
        .map(|(_, v)| *v)
}

/// The byte range of `text` without its surrounding blanks (an empty range at 0 for blank text).
pub fn trimmed_range(text: &str) -> core::ops::Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if end <= start { 0..0 } else { start..end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_in_every_spelling_certreq_files_use() {
        for t in ["TRUE", "True", "true", "TrUe", "YES", "yes", "1", " TRUE "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["FALSE", "False", "no", "No", "0"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        for t in ["", "2", "T", "truee", "on"] {
            assert_eq!(parse_bool(t), None, "{t}");
        }
        let e = expect_bool("  maybe ").unwrap_err();
        assert_eq!(e.range, 2..7);
        assert_eq!(e.code, "invalid-boolean");
    }

    #[test]
    fn numbers_are_decimal_or_0x_hex() {
        assert_eq!(parse_number("2048"), Some(2048));
        assert_eq!(parse_number("0xa0"), Some(0xa0));
        assert_eq!(parse_number("0XA0"), Some(0xa0));
        assert_eq!(parse_number("0x0000"), Some(0));
        assert_eq!(parse_number(" 12 "), Some(12));
        for t in ["", "0x", "-1", "+1", "1e3", "0xg", "99999999999999999999"] {
            assert_eq!(parse_number(t), None, "{t}");
        }
    }

    #[test]
    fn flags_join_symbols_and_numbers_with_pipes() {
        let syms = [
            ("NCRYPT_UI_PROTECT_KEY_FLAG", 1),
            ("NCRYPT_UI_FORCE_HIGH_PROTECTION_FLAG", 2),
        ];
        let pre = ["XCN_"];
        assert_eq!(
            parse_flags("NCRYPT_UI_PROTECT_KEY_FLAG", &syms, &pre),
            Ok(1)
        );
        assert_eq!(
            parse_flags("xcn_ncrypt_ui_protect_key_flag | 0x2", &syms, &pre),
            Ok(3)
        );
        let errs = parse_flags("NCRYPT_UI_PROTECT_KEY_FLAG | BOGUS", &syms, &pre).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].range, 29..34);
    }
}
