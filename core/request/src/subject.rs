//! Subject strings to X.509 names, by the rules of Windows' `CertStrToName`, encoded the way
//! current certreq encodes them.
//!
//! # Grammar
//!
//! ```text
//! subject := ws* [ rdn ( sep rdn )* [sep ws*] ]
//! rdn     := ava ( '+' ava )*
//! ava     := ws* key ws* '=' ws* value ws*
//! key     := name | 'OID.' dotted-oid | dotted-oid          (names case-insensitive)
//! value   := '"' ( any char but '"' | '""' )* '"'           (quoted)
//!          | '#' ( hex digit | ws )*                         (raw octets → OCTET STRING)
//!          | ( any char but sep and '+' )*                   (unquoted, trimmed)
//! sep     := ',' | ';'            (by default; see the X500NameFlags constants)
//! ```
//!
//! # Decisions (where the documentation leaves room)
//!
//! * **Order.** Current certreq writes the RDNs in the reverse of the written order (checked on
//!   three real certreq requests and one AD CS setup request). So with flags 0, and with
//!   [`CERT_NAME_STR_REVERSE_FLAG`], the DER sequence is reversed; [`CERT_NAME_STR_FORWARD_FLAG`]
//!   keeps the written order. With both set, reverse wins (warning).
//! * **String types.** Current certreq forces UTF-8 directory strings: CN, O, OU, L, S, STREET,
//!   T, G, I, SN, … and dotted OIDs not in the table become UTF8String even when every
//!   character is printable. C, SERIALNUMBER, dnQualifier and Phone are PrintableString
//!   (error when a character is not printable); E/Email is IA5String (error when not ASCII); DC
//!   and unstructuredName are IA5String, or UTF8String when not ASCII (req/006 shows DC as
//!   IA5String). With [`CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG`] (and not FORCE) directory
//!   strings follow plain CertStrToName: PrintableString when every character is printable,
//!   else TeletexString (Latin-1 octets) with ENABLE_T61_UNICODE when every character is below
//!   U+0100, else UTF8String with ENABLE_UTF8_UNICODE, else BMPString (UTF8String for characters
//!   beyond the BMP, which BMPString cannot hold). That reproduces the AD CS setup request
//!   req/006 (`CN` as PrintableString).
//! * **Empty values** (`CN=`) are allowed and give an empty string of the attribute's type
//!   (empty UTF8String for CN). TameMyCerts' INFs (corpus 044/045) rely on `Subject="CN="`
//!   being accepted; the exact bytes certreq writes for it are inferred, not checked.
//! * **`#hex`** gives an OCTET STRING holding the octets, whatever the attribute.
//! * **A trailing separator** (`CN=a,`) is ignored with a warning; an empty RDN between
//!   separators (`CN=a,,O=b`) is an error.
//! * **Typographic quotes** (“ ” „ ‘ ’) in an attribute name are an error that says what they
//!   are; inside a value they are kept as characters (certreq would too) with a warning.
//! * An unknown `X500NameFlags` bit is a warning; its diagnostic has code `x500-name-flags`
//!   and an empty range at 0 (see [`check_flags`]).

#[cfg(test)]
mod tests;

use certreq_pkix::name::{ValueKind, by_name, is_ws};

use certreq_inf::codes;
use certreq_inf::diag::{LocalDiag, Severity};
use certreq_pkix::oid::ObjectIdentifier;
use core::ops::Range;
use der::Tag;
use der::asn1::{Any, SetOfVec};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

/// `CERT_SIMPLE_NAME_STR`, `CERT_OID_NAME_STR`, `CERT_X500_NAME_STR`: output formats of
/// `CertNameToStr`; accepted and ignored when parsing.
pub const CERT_NAME_STR_TYPE_MASK: u32 = 0xff;
/// Only `;` separates RDNs.
pub const CERT_NAME_STR_SEMICOLON_FLAG: u32 = 0x4000_0000;
/// `+` is an ordinary character (no multi-valued RDNs).
pub const CERT_NAME_STR_NO_PLUS_FLAG: u32 = 0x2000_0000;
/// `"` is an ordinary character (no quoted values).
pub const CERT_NAME_STR_NO_QUOTING_FLAG: u32 = 0x1000_0000;
/// Only CR and LF separate RDNs.
pub const CERT_NAME_STR_CRLF_FLAG: u32 = 0x0800_0000;
/// Only `,` separates RDNs.
pub const CERT_NAME_STR_COMMA_FLAG: u32 = 0x0400_0000;
/// Encode the RDNs in the reverse of the written order (certreq's default anyway).
pub const CERT_NAME_STR_REVERSE_FLAG: u32 = 0x0200_0000;
/// Encode the RDNs in the written order.
pub const CERT_NAME_STR_FORWARD_FLAG: u32 = 0x0100_0000;
/// Affects decoding only; accepted and ignored.
pub const CERT_NAME_STR_DISABLE_IE4_UTF8_FLAG: u32 = 0x0001_0000;
/// Non-printable directory strings become TeletexString when every character fits in 8 bits.
pub const CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG: u32 = 0x0002_0000;
/// Non-printable directory strings become UTF8String instead of BMPString.
pub const CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG: u32 = 0x0004_0000;
/// Directory strings are UTF8String (certreq's behaviour anyway).
pub const CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG: u32 = 0x0008_0000;
/// Directory strings are PrintableString when possible (plain CertStrToName behaviour).
pub const CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG: u32 = 0x0010_0000;
/// Punycode for internationalised E/DC values; accepted, but no conversion is done.
pub const CERT_NAME_STR_ENABLE_PUNYCODE_FLAG: u32 = 0x0020_0000;

/// Every bit this module knows.
pub const KNOWN_FLAGS: u32 = CERT_NAME_STR_TYPE_MASK
    | CERT_NAME_STR_SEMICOLON_FLAG
    | CERT_NAME_STR_NO_PLUS_FLAG
    | CERT_NAME_STR_NO_QUOTING_FLAG
    | CERT_NAME_STR_CRLF_FLAG
    | CERT_NAME_STR_COMMA_FLAG
    | CERT_NAME_STR_REVERSE_FLAG
    | CERT_NAME_STR_FORWARD_FLAG
    | CERT_NAME_STR_DISABLE_IE4_UTF8_FLAG
    | CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG
    | CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG
    | CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG
    | CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG
    | CERT_NAME_STR_ENABLE_PUNYCODE_FLAG;

/// Diagnostics about the flags themselves (unknown bits, contradictory pairs). Their ranges are
/// empty at 0: the caller may relocate them to the `X500NameFlags` value. [`parse_subject`]
/// includes them in its own output.
pub fn check_flags(flags: u32) -> Vec<LocalDiag> {
    let mut out = Vec::new();
    let unknown = flags & !KNOWN_FLAGS;
    if unknown != 0 {
        out.push(
            LocalDiag::warning(
                codes::X500_NAME_FLAGS,
                0..0,
                format!("X500NameFlags has unknown bits 0x{unknown:x}; they are ignored"),
            )
            .with_help("the known bits are the CERT_NAME_STR_* flags of CertStrToName"),
        );
    }
    let both = CERT_NAME_STR_REVERSE_FLAG | CERT_NAME_STR_FORWARD_FLAG;
    if flags & both == both {
        out.push(LocalDiag::warning(
            codes::X500_NAME_FLAGS,
            0..0,
            "X500NameFlags has both REVERSE and FORWARD; the reverse order is used",
        ));
    }
    let utf8 = CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG | CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG;
    if flags & utf8 == utf8 {
        out.push(LocalDiag::warning(
            codes::X500_NAME_FLAGS,
            0..0,
            "X500NameFlags has both FORCE_UTF8_DIR_STR and DISABLE_UTF8_DIR_STR; UTF-8 is used",
        ));
    }
    out
}

/// Parses a `Subject` value. `flags` are the INF's `X500NameFlags` (`CERT_NAME_STR_*` bits);
/// 0 means certreq's default. The returned name is in encoding order (the reverse of the
/// written order, unless `CERT_NAME_STR_FORWARD_FLAG` says otherwise). Errors and warnings are
/// located within `value`.
pub fn parse_subject(value: &str, flags: u32) -> (Option<Name>, Vec<LocalDiag>) {
    let mut diags = check_flags(flags);
    let cfg = Config::new(flags);
    let mut p = Parser {
        s: value,
        pos: 0,
        cfg,
        diags: &mut diags,
        failed: false,
    };
    let rdns = p.subject();
    let failed = p.failed;
    if failed || diags.iter().any(|d| d.severity == Severity::Error) {
        return (None, diags);
    }
    match build_name(rdns, cfg.forward) {
        Ok(name) => (Some(name), diags),
        Err(e) => {
            diags.push(LocalDiag::error(
                codes::SUBJECT_ENCODING,
                0..value.len(),
                format!("the subject cannot be DER-encoded: {e}"),
            ));
            (None, diags)
        }
    }
}

/// How the flags shape the syntax and the encoding.
#[derive(Clone, Copy, Debug)]
struct Config {
    comma: bool,
    semicolon: bool,
    crlf: bool,
    plus: bool,
    quoting: bool,
    forward: bool,
    /// Directory strings follow plain CertStrToName (Printable first) instead of UTF-8.
    printable_first: bool,
    t61: bool,
    utf8_unicode: bool,
}

impl Config {
    fn new(flags: u32) -> Self {
        let has = |f: u32| flags & f != 0;
        let (mut comma, mut semicolon, crlf) = (
            has(CERT_NAME_STR_COMMA_FLAG),
            has(CERT_NAME_STR_SEMICOLON_FLAG),
            has(CERT_NAME_STR_CRLF_FLAG),
        );
        if !comma && !semicolon && !crlf {
            comma = true;
            semicolon = true;
        }
        Config {
            comma,
            semicolon,
            crlf,
            plus: !has(CERT_NAME_STR_NO_PLUS_FLAG),
            quoting: !has(CERT_NAME_STR_NO_QUOTING_FLAG),
            forward: has(CERT_NAME_STR_FORWARD_FLAG) && !has(CERT_NAME_STR_REVERSE_FLAG),
            printable_first: has(CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG)
                && !has(CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG),
            t61: has(CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG),
            utf8_unicode: has(CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG),
        }
    }

    fn is_sep(&self, c: char) -> bool {
        (self.comma && c == ',')
            || (self.semicolon && c == ';')
            || (self.crlf && (c == '\r' || c == '\n'))
    }

    /// Ends a key or an unquoted value.
    fn is_delim(&self, c: char) -> bool {
        self.is_sep(c) || (self.plus && c == '+')
    }

    /// Whitespace that is not a separator.
    fn is_ws(&self, c: char) -> bool {
        is_ws(c) && !self.is_sep(c)
    }
}

/// Characters that look like quotes but are not ASCII `"`.
fn typographic_quote(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{201c}' => "a left double quotation mark (U+201C)",
        '\u{201d}' => "a right double quotation mark (U+201D)",
        '\u{201e}' => "a double low-9 quotation mark (U+201E)",
        '\u{201f}' => "a double high-reversed-9 quotation mark (U+201F)",
        '\u{2033}' => "a double prime (U+2033)",
        '\u{00ab}' | '\u{00bb}' => "a guillemet",
        '\u{2018}' => "a left single quotation mark (U+2018)",
        '\u{2019}' => "a right single quotation mark (U+2019)",
        '\u{ff02}' => "a fullwidth quotation mark (U+FF02)",
        _ => return None,
    })
}

use certreq_pkix::name::COUNTRY;

const X500: &str = "CRYPT_E_INVALID_X500_STRING, 0x80092023";
const PRINTABLE: &str = "CRYPT_E_INVALID_PRINTABLE_STRING, 0x80092021";
const IA5: &str = "CRYPT_E_INVALID_IA5_STRING, 0x80092022";

/// One parsed attribute value before encoding: its characters with their byte positions.
enum RawValue {
    Text(Vec<(usize, char)>),
    Octets(Vec<u8>),
}

struct Parser<'a, 'd> {
    s: &'a str,
    pos: usize,
    cfg: Config,
    diags: &'d mut Vec<LocalDiag>,
    failed: bool,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<char> {
        // most subjects are ASCII: one byte read, not a slice and a decode, a character
        match self.s.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            _ => self.s.get(self.pos..).and_then(|r| r.chars().next()),
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if !self.cfg.is_ws(c) {
                break;
            }
            self.bump();
        }
    }

    fn char_range(&self, at: usize) -> Range<usize> {
        let len = self
            .s
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        at..at + len
    }

    fn error(&mut self, d: LocalDiag) {
        self.failed = true;
        self.diags.push(d);
    }

    /// Skips to the next delimiter (for recovery after an error); returns where the skipped
    /// text ends without trailing whitespace.
    fn skip_to_delim(&mut self) -> usize {
        let mut end = self.pos;
        while let Some(c) = self.peek() {
            if self.cfg.is_delim(c) {
                break;
            }
            self.bump();
            if !self.cfg.is_ws(c) {
                end = self.pos;
            }
        }
        end
    }

    /// The whole subject: RDNs in written order.
    fn subject(&mut self) -> Vec<Vec<AttributeTypeAndValue>> {
        let mut rdns = Vec::new();
        self.skip_ws();
        if self.peek().is_none() {
            return rdns;
        }
        let mut rdn = Vec::new();
        loop {
            if let Some(atv) = self.ava() {
                rdn.push(atv);
            }
            match self.peek() {
                None => {
                    rdns.push(core::mem::take(&mut rdn));
                    break;
                }
                Some('+') if self.cfg.plus => {
                    self.bump();
                }
                Some(c) if self.cfg.is_sep(c) => {
                    let sep_at = self.pos;
                    self.bump();
                    if self.cfg.crlf && c == '\r' && self.peek() == Some('\n') {
                        self.bump();
                    }
                    rdns.push(core::mem::take(&mut rdn));
                    self.skip_ws();
                    if self.peek().is_none() {
                        self.diags.push(
                            LocalDiag::warning(
                                codes::SUBJECT_TRAILING_SEPARATOR,
                                self.char_range(sep_at),
                                "separator at the end of the subject; it is ignored",
                            )
                            .with_help("remove it"),
                        );
                        break;
                    }
                }
                Some(_) => {
                    // ava() always stops at a delimiter or the end; be safe anyway.
                    self.bump();
                }
            }
        }
        rdns.retain(|r| !r.is_empty());
        rdns
    }

    /// One `key=value`; the parser is left at a delimiter or at the end.
    fn ava(&mut self) -> Option<AttributeTypeAndValue> {
        self.skip_ws();
        let key_start = self.pos;
        let mut key_end = self.pos;
        while let Some(c) = self.peek() {
            if c == '=' || self.cfg.is_delim(c) {
                break;
            }
            self.bump();
            if !self.cfg.is_ws(c) {
                key_end = self.pos;
            }
        }
        let key = self.s.get(key_start..key_end).unwrap_or("");
        if self.peek() != Some('=') {
            if key.is_empty() {
                let at = self.char_range(self.pos);
                let what = match self.peek() {
                    Some('+') => "nothing before `+`: a multi-valued RDN needs an attribute here",
                    Some(_) => "empty relative distinguished name between separators",
                    None => "nothing after `+`: a multi-valued RDN needs an attribute here",
                };
                self.error(
                    LocalDiag::error(codes::SUBJECT_EMPTY_RDN, at, format!("{what} ({X500})"))
                        .with_help("remove the extra separator or add an attribute such as CN=…"),
                );
            } else if let Some(d) = self.key_typographic(key, key_start) {
                self.error(d);
            } else {
                let help = if key_start > 0 {
                    "if the separator before this text belongs to the previous value, quote \
                     that value (O=\"Example, Inc.\"); otherwise write NAME=value"
                } else {
                    "write each attribute as NAME=value, e.g. CN=www.example.com"
                };
                self.error(
                    LocalDiag::error(
                        codes::SUBJECT_MISSING_EQUALS,
                        key_start..key_end,
                        format!("`{key}` has no `=`: expected NAME=value ({X500})"),
                    )
                    .with_help(help),
                );
            }
            return None;
        }
        let eq_at = self.pos;
        self.bump();
        let attr = self.resolve_key(key, key_start, eq_at);

        self.skip_ws();
        let value_start = self.pos;
        let raw = match self.peek() {
            Some('"') if self.cfg.quoting => self.quoted(),
            Some('#') => self.hex(),
            _ => Some(self.unquoted()),
        };
        let value_end = self.pos;
        let (oid, kind) = attr?;
        let raw = raw?;
        let value = match raw {
            RawValue::Octets(bytes) => Any::new(Tag::OctetString, bytes),
            RawValue::Text(chars) => self.encode_text(kind, &oid, key, &chars)?,
        };
        match value {
            Ok(value) => Some(AttributeTypeAndValue { oid, value }),
            Err(e) => {
                self.error(LocalDiag::error(
                    codes::SUBJECT_ENCODING,
                    value_start..value_end,
                    format!("this value cannot be encoded: {e}"),
                ));
                None
            }
        }
    }

    fn key_typographic(&self, key: &str, key_start: usize) -> Option<LocalDiag> {
        let (i, c, what) = key
            .char_indices()
            .find_map(|(i, c)| typographic_quote(c).map(|w| (i, c, w)))?;
        let at = key_start + i;
        Some(
            LocalDiag::error(
                codes::SUBJECT_TYPOGRAPHIC_QUOTE,
                at..at + c.len_utf8(),
                format!("`{c}` is {what}, not a quote ({X500})"),
            )
            .with_help(
                "this often comes from copying an example out of a web page or word processor; \
                 use the ASCII double quote `\"` or none at all",
            ),
        )
    }

    /// Maps an attribute name or OID to its OID and value kind.
    fn resolve_key(
        &mut self,
        key: &str,
        key_start: usize,
        eq_at: usize,
    ) -> Option<(ObjectIdentifier, ValueKind)> {
        if key.is_empty() {
            self.error(
                LocalDiag::error(
                    codes::SUBJECT_EMPTY_NAME,
                    eq_at..eq_at + 1,
                    format!("no attribute name before `=` ({X500})"),
                )
                .with_help("write NAME=value, e.g. CN=www.example.com"),
            );
            return None;
        }
        if let Some(d) = self.key_typographic(key, key_start) {
            self.error(d);
            return None;
        }
        if let Some(i) = key.find('"') {
            self.error(
                LocalDiag::error(
                    codes::SUBJECT_QUOTED_NAME,
                    key_start + i..key_start + i + 1,
                    format!("`\"` cannot appear in an attribute name ({X500})"),
                )
                .with_help(
                    "quote only the value, as in CN=\"a, b\"; if the whole subject is quoted twice, \
                     remove one pair of quotes",
                ),
            );
            return None;
        }
        let range = key_start..key_start + key.len();
        let oid_text = match key.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("OID.") => key.get(4..).map(|t| (t, 4)),
            _ if key.starts_with(|c: char| c.is_ascii_digit()) => Some((key, 0)),
            _ => None,
        };
        if let Some((text, skip)) = oid_text {
            return match ObjectIdentifier::new(text) {
                Ok(oid) => {
                    let kind =
                        certreq_pkix::name::by_oid(&oid).map_or(ValueKind::Directory, |a| a.kind);
                    Some((oid, kind))
                }
                Err(e) => {
                    self.error(
                        LocalDiag::error(
                            codes::SUBJECT_BAD_OID,
                            key_start + skip..range.end,
                            format!("`{text}` is not a valid object identifier: {e} ({X500})"),
                        )
                        .with_help("write an OID as dotted decimal numbers, e.g. 2.5.4.3"),
                    );
                    None
                }
            };
        }
        if let Some(a) = by_name(key) {
            return Some((a.oid, a.kind));
        }
        let mut d = LocalDiag::error(
            codes::SUBJECT_UNKNOWN_ATTRIBUTE,
            range,
            format!("unknown attribute name `{key}` ({X500})"),
        );
        d = match certreq_pkix::name::suggest(key) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None if key.chars().any(char::is_whitespace) => d.with_help(
                "an attribute name cannot contain spaces; if this is part of the previous value, \
                 quote that value",
            ),
            None => d.with_help(
                "use CN, O, OU, L, S, C, E, STREET, T, G, I, SN, DC, SERIALNUMBER, … \
                 or a dotted OID such as 2.5.4.15",
            ),
        };
        self.error(d);
        None
    }

    /// A quoted value; the parser is at the opening quote.
    fn quoted(&mut self) -> Option<RawValue> {
        let open = self.pos;
        self.bump();
        let mut chars = Vec::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None => {
                    self.error(
                        LocalDiag::error(
                            codes::SUBJECT_UNTERMINATED_QUOTE,
                            open..open + 1,
                            format!("this quote is never closed ({X500})"),
                        )
                        .with_help(
                            "add the closing `\"`; inside a quoted value write a quote as `\"\"`",
                        ),
                    );
                    return None;
                }
                Some('"') if self.peek() == Some('"') => {
                    self.bump();
                    chars.push((at, '"'));
                }
                Some('"') => break,
                Some(c) => chars.push((at, c)),
            }
        }
        self.skip_ws();
        match self.peek() {
            Some(c) if !self.cfg.is_delim(c) => {
                let start = self.pos;
                let end = self.skip_to_delim();
                self.error(
                    LocalDiag::error(
                        codes::SUBJECT_AFTER_QUOTE,
                        start..end.max(start + c.len_utf8()),
                        format!("unexpected text after the closing quote ({X500})"),
                    )
                    .with_help(
                        "put the whole value inside the quotes, and write a quote inside it as `\"\"`",
                    ),
                );
                None
            }
            _ => Some(RawValue::Text(chars)),
        }
    }

    /// A `#hex` value; the parser is at the `#`.
    fn hex(&mut self) -> Option<RawValue> {
        let hash = self.pos;
        self.bump();
        let mut nibbles: Vec<u8> = Vec::new();
        let mut bad = None;
        while let Some(c) = self.peek() {
            if self.cfg.is_delim(c) {
                break;
            }
            let at = self.pos;
            self.bump();
            if is_ws(c) {
                continue;
            }
            match c.to_digit(16) {
                Some(d) => nibbles.push(d as u8),
                None => {
                    if bad.is_none() {
                        bad = Some((at, c));
                    }
                }
            }
        }
        if let Some((at, c)) = bad {
            self.error(
                LocalDiag::error(
                    codes::SUBJECT_BAD_HEX,
                    at..at + c.len_utf8(),
                    format!("`{c}` is not a hexadecimal digit ({X500})"),
                )
                .with_help(
                    "a value starting with `#` is hexadecimal octets; \
                     to start a text value with `#`, quote it (CN=\"#1\")",
                ),
            );
            return None;
        }
        let end = self.pos;
        if nibbles.is_empty() || !nibbles.len().is_multiple_of(2) {
            let msg = if nibbles.is_empty() {
                "no hexadecimal digits after `#`"
            } else {
                "odd number of hexadecimal digits: each octet needs two"
            };
            let mut end = end;
            while end > hash + 1
                && self
                    .s
                    .get(end - 1..end)
                    .is_some_and(|t| t.starts_with(is_ws))
            {
                end -= 1;
            }
            self.error(
                LocalDiag::error(codes::SUBJECT_BAD_HEX, hash..end, format!("{msg} ({X500})"))
                    .with_help("to start a text value with `#`, quote it (CN=\"#1\")"),
            );
            return None;
        }
        let bytes = nibbles
            .chunks_exact(2)
            .map(|p| (p[0] << 4) | p[1])
            .collect();
        Some(RawValue::Octets(bytes))
    }

    /// An unquoted value, trimmed.
    fn unquoted(&mut self) -> RawValue {
        // room for a usual value at once, not grown from 4 (bounded: a long subject's values
        // would each reserve the rest of it)
        let mut chars: Vec<(usize, char)> =
            Vec::with_capacity(self.s.len().saturating_sub(self.pos).min(64));
        while let Some(c) = self.peek() {
            if self.cfg.is_delim(c) {
                break;
            }
            chars.push((self.pos, c));
            self.bump();
        }
        while chars.last().is_some_and(|&(_, c)| is_ws(c)) {
            chars.pop();
        }
        for &(at, c) in &chars {
            if c == '"' && self.cfg.quoting {
                self.diags.push(
                    LocalDiag::warning(
                        codes::SUBJECT_STRAY_QUOTE,
                        at..at + 1,
                        "a quote inside an unquoted value is kept as an ordinary character",
                    )
                    .with_help(
                        "to quote a value, start it with `\"`; to put a quote in it, quote the \
                         whole value and double the quote (CN=\"a \"\"b\"\"\")",
                    ),
                );
                break;
            }
            if c == '=' {
                self.diags.push(
                    LocalDiag::warning(
                        codes::SUBJECT_UNQUOTED_EQUALS,
                        at..at + 1,
                        "`=` inside an unquoted value is kept as an ordinary character",
                    )
                    .with_help("quote the value (CN=\"a=b\") so every tool reads it the same way"),
                );
                break;
            }
        }
        RawValue::Text(chars)
    }

    /// Chooses the string type and checks the characters; `None` after an error.
    fn encode_text(
        &mut self,
        kind: ValueKind,
        oid: &ObjectIdentifier,
        key: &str,
        chars: &[(usize, char)],
    ) -> Option<der::Result<Any>> {
        if let Some(&(at, c)) = chars.iter().find(|(_, c)| typographic_quote(*c).is_some()) {
            let what = typographic_quote(c).unwrap_or("a typographic quote");
            self.diags.push(
                LocalDiag::warning(
                    codes::SUBJECT_TYPOGRAPHIC_QUOTE,
                    at..at + c.len_utf8(),
                    format!("`{c}` is {what}, not a quote; it becomes part of the value"),
                )
                .with_help("if you meant to quote the value, use the ASCII double quote `\"`"),
            );
        }
        let text: String = chars.iter().map(|&(_, c)| c).collect();
        let first_bad = |ok: fn(char) -> bool| chars.iter().copied().find(|&(_, c)| !ok(c));
        let tag = match kind {
            ValueKind::Printable => {
                if let Some((at, c)) = first_bad(is_printable) {
                    self.error(
                        LocalDiag::error(
                            codes::SUBJECT_NOT_PRINTABLE,
                            at..at + c.len_utf8(),
                            format!(
                                "`{c}` is not allowed in {key}: its value must be a \
                                 PrintableString ({PRINTABLE})"
                            ),
                        )
                        .with_help(
                            "PrintableString allows A-Z a-z 0-9, space and ' ( ) + , - . / : = ?",
                        ),
                    );
                    return None;
                }
                if *oid == COUNTRY && chars.len() != 2 {
                    let range = match (chars.first(), chars.last()) {
                        (Some(&(a, _)), Some(&(b, c))) => a..b + c.len_utf8(),
                        _ => self.pos..self.pos,
                    };
                    self.diags.push(
                        LocalDiag::warning(
                            codes::SUBJECT_COUNTRY_LENGTH,
                            range,
                            format!("country `{text}` is not a two-letter code"),
                        )
                        .with_help(
                            "certreq accepts it, but CAs expect an ISO 3166 code such as US or DE",
                        ),
                    );
                }
                Tag::PrintableString
            }
            ValueKind::Ia5 => {
                if let Some((at, c)) = first_bad(|c| c.is_ascii()) {
                    self.error(
                        LocalDiag::error(
                            codes::SUBJECT_NOT_IA5,
                            at..at + c.len_utf8(),
                            format!(
                                "`{c}` is not allowed in {key}: its value must be an \
                                 IA5String (ASCII) ({IA5})"
                            ),
                        )
                        .with_help("write internationalised domain names in their xn-- form"),
                    );
                    return None;
                }
                Tag::Ia5String
            }
            ValueKind::Ia5OrUtf8 => {
                if text.is_ascii() {
                    Tag::Ia5String
                } else {
                    Tag::Utf8String
                }
            }
            ValueKind::Directory => return Some(self.directory(&text)),
        };
        Some(Any::new(tag, text.into_bytes()))
    }

    fn directory(&self, text: &str) -> der::Result<Any> {
        if !self.cfg.printable_first {
            return Any::new(Tag::Utf8String, text.as_bytes());
        }
        if text.chars().all(is_printable) {
            Any::new(Tag::PrintableString, text.as_bytes())
        } else if self.cfg.t61 && text.chars().all(|c| u32::from(c) < 0x100) {
            let latin1: Vec<u8> = text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect();
            Any::new(Tag::TeletexString, latin1)
        } else if self.cfg.utf8_unicode || text.chars().any(|c| u32::from(c) > 0xffff) {
            Any::new(Tag::Utf8String, text.as_bytes())
        } else {
            let bmp: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            Any::new(Tag::BmpString, bmp)
        }
    }
}

/// The PrintableString alphabet.
fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ' ' | '\'' | '(' | ')' | '+' | ',' | '-' | '.' | '/' | ':' | '=' | '?'
        )
}

/// Builds the `Name` from RDNs in written order.
fn build_name(rdns: Vec<Vec<AttributeTypeAndValue>>, forward: bool) -> der::Result<Name> {
    let mut seq = Vec::with_capacity(rdns.len());
    for rdn in rdns {
        seq.push(RelativeDistinguishedName::from(SetOfVec::try_from(rdn)?));
    }
    if !forward {
        seq.reverse();
    }
    // x509-cert keeps this constructor behind `hazmat` because it checks nothing of RFC 5280's
    // string types; certreq's choice of types (TeletexString, BMPString with some flags) is
    // what this module is for. Each RDN's SET OF is already sorted by `SetOfVec`.
    Ok(Name::hazmat_from_rdn_sequence(RdnSequence::from(seq)))
}
