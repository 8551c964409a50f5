//! `{text}` grammars: the per-OID text forms of `[Extensions]` values.
//!
//! Common rules: tokens are `name=value`, joined by `&`; names are case-insensitive and blanks
//! inside them are ignored (`IP Address`, `path length`); blanks around tokens are trimmed; empty
//! tokens (a trailing `&`) are ignored. Exceptions: the EKU form is a comma-separated OID list,
//! and key usage takes the `KeyUsage` key's syntax.
//!
//! | OID | grammar |
//! |---|---|
//! | 2.5.29.17, 2.5.29.18 | `DNS=`, `Email=`, `UPN=`, `IPAddress=`, `URL=`, `DirectoryName=` (or `DN=`), `RegisteredID=`, `GUID=`, `<oid>=[{utf8}\|{octet}\|{asn}\|{hex}]value` |
//! | 2.5.29.37 | `oid,oid,…` |
//! | 2.5.29.19 | `ca=true\|false\|1\|0`, `pathlength=n` |
//! | 2.5.29.32, 1.3.6.1.4.1.311.21.10 | `OID=` then subordinate `Notice=`, `URL=`, `Flags=`, `GUID=` |
//! | 2.5.29.33, 1.3.6.1.4.1.311.21.11 | `issuerOid=subjectOid` |
//! | 2.5.29.30 | `subtree=include\|exclude` then general-name tokens (`IPAddress=addr,mask`) |
//! | 2.5.29.15 | `KeyUsage` syntax: `0xa0`, `CERT_…_KEY_USAGE \| …` |

use super::is_blank;
use certreq_inf::codes;
use certreq_inf::diag::LocalDiag;
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::tlv::tlv;
use core::ops::Range;

/// otherName type for a user principal name.
pub const UPN_OID: ObjectIdentifier = oid::UPN;
/// otherName type for a directory-object GUID.
pub const GUID_OID: ObjectIdentifier = oid::DIRECTORY_GUID;

const SAN_TOKENS: &str = "`DNS=`, `Email=`, `UPN=`, `IPAddress=`, `URL=`, `DirectoryName=`, \
    `RegisteredID=`, `GUID=`, or a dotted OID (`1.2.3.4={utf8}text`) for an otherName";

/// Decodes `{text}` for `oid`. `prefix` is where `{text}` is; the grammar starts at `start`.
/// A grammar may make the extension critical (`critical`), as certreq does with OpenSSL's
/// basic constraints syntax.
pub(crate) fn parse(
    oid: &ObjectIdentifier,
    value: &str,
    prefix: Range<usize>,
    start: usize,
    critical: &mut bool,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    match *oid {
        oid::SUBJECT_ALT_NAME | oid::ISSUER_ALT_NAME => alt_name(oid, value, start, diags),
        oid::EXT_KEY_USAGE => eku(value, start, diags),
        oid::BASIC_CONSTRAINTS => basic_constraints(value, start, critical, diags),
        oid::CERTIFICATE_POLICIES | oid::APPLICATION_POLICIES => policies(oid, value, start, diags),
        oid::POLICY_MAPPINGS | oid::APPLICATION_POLICY_MAPPINGS => mappings(value, start, diags),
        oid::NAME_CONSTRAINTS => name_constraints(value, start, diags),
        oid::KEY_USAGE => {
            let body = value.get(start..).unwrap_or("");
            match super::key_usage_bits(body) {
                Ok(bits) => Some(super::builtin::key_usage_der(bits)),
                Err(mut d) => {
                    d.range = d.range.start + start..d.range.end + start;
                    diags.push(d);
                    None
                }
            }
        }
        _ => {
            diags.push(
                LocalDiag::error(
                    codes::EXTENSION_NO_TEXT_GRAMMAR,
                    prefix,
                    format!("extension {oid} has no `{{text}}` form"),
                )
                .with_help(
                    "give its DER value in base64 (`oid=MAMCAQA=`) or in hex (`oid={hex}30 03 02 01 00`); \
                     `{text}` works for 2.5.29.17, 2.5.29.18, 2.5.29.37, 2.5.29.19, 2.5.29.32, 2.5.29.33, \
                     2.5.29.30, 2.5.29.15 and the application-policy extensions",
                ),
            );
            None
        }
    }
}

/// One `name=value` token, with its ranges in the whole value text.
#[derive(Clone, Debug)]
struct Token<'a> {
    /// The name, lower-cased, blanks removed.
    key: String,
    /// The name as written (trimmed).
    name: &'a str,
    name_range: Range<usize>,
    /// The value (trimmed); empty when there is no `=`.
    value: &'a str,
    value_range: Range<usize>,
    /// The whole token (trimmed).
    range: Range<usize>,
    has_eq: bool,
}

/// Trims blanks from `s[range]`, returning the trimmed range.
fn trim_range(s: &str, range: Range<usize>) -> Range<usize> {
    let text = s.get(range.clone()).unwrap_or("");
    let lead = text.len() - text.trim_start_matches(is_blank).len();
    let trail = text.len() - text.trim_end_matches(is_blank).len();
    let start = range.start + lead;
    let end = (range.end - trail).max(start);
    start..end
}

/// Splits `value[start..]` into `&`-separated tokens (empty ones dropped).
fn tokens(value: &str, start: usize) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let body = value.get(start..).unwrap_or("");
    let mut at = start;
    for piece in body.split('&') {
        let range = trim_range(value, at..at + piece.len());
        at += piece.len() + 1;
        if range.is_empty() {
            continue;
        }
        let text = value.get(range.clone()).unwrap_or("");
        let (name_range, value_range, has_eq) = match text.find('=') {
            Some(eq) => (
                trim_range(value, range.start..range.start + eq),
                trim_range(value, range.start + eq + 1..range.end),
                true,
            ),
            None => (range.clone(), range.end..range.end, false),
        };
        let name = value.get(name_range.clone()).unwrap_or("");
        out.push(Token {
            key: name
                .chars()
                .filter(|c| !is_blank(*c))
                .map(|c| c.to_ascii_lowercase())
                .collect::<String>(),
            name,
            name_range,
            value: value.get(value_range.clone()).unwrap_or(""),
            value_range,
            range,
            has_eq,
        });
    }
    out
}

fn bad(range: Range<usize>, message: impl Into<String>) -> LocalDiag {
    LocalDiag::error(codes::EXTENSION_BAD_TOKEN, range, message)
}

fn parse_oid(text: &str) -> Option<ObjectIdentifier> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    ObjectIdentifier::new(text).ok()
}

/// Help for a token that should be an OID but is not.
fn oid_help(text: &str) -> String {
    if text.starts_with('%') && text.ends_with('%') && text.len() > 1 {
        format!(
            "`{text}` was not replaced: define `{}` in [Strings]",
            text.trim_matches('%')
        )
    } else {
        "write the dotted object identifier, e.g. `1.3.6.1.5.5.7.3.1`; names are not accepted"
            .into()
    }
}

// ---------------------------------------------------------------------------------------------
// General names (SAN, issuer alt name, name constraints)

/// Token names that, found inside a value right before `=`, mean a missing `&`.
const GLUE_NAMES: &[&str] = &[
    "ip address",
    "ipaddress",
    "dns",
    "email",
    "upn",
    "url",
    "guid",
    "registeredid",
    "directoryname",
];

/// Where a token name plus `=` appears inside `value[range]`: each result covers the name and
/// its `=`, and carries the normalised name.
fn glue_points(value: &str, range: Range<usize>) -> Vec<(Range<usize>, String)> {
    let text = value.get(range.clone()).unwrap_or("");
    let mut out = Vec::new();
    // `=` is one byte, and no other character's UTF-8 holds that byte: a byte loop finds
    // the same places as `char_indices` (a call per character in the size-optimised build)
    for (i, b) in text.bytes().enumerate() {
        if b != b'=' {
            continue;
        }
        // only the few bytes before `=` can hold a token name (keeps this linear)
        let mut from = i.saturating_sub(16);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = text.get(from..i).unwrap_or("").to_ascii_lowercase();
        if let Some(name) = GLUE_NAMES
            .iter()
            .filter(|n| before.ends_with(**n))
            .max_by_key(|n| n.len())
        {
            let name_start = range.start + i - name.len();
            // The first glue candidate at the very start is the token's own name, not a glue.
            if name_start > range.start {
                out.push((name_start..range.start + i + 1, name.replace(' ', "")));
            }
        }
    }
    out
}

/// Context for general-name parsing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameUse {
    /// SAN / IAN: IP addresses are plain addresses.
    AltName,
    /// Name constraints: IP addresses are `addr,mask`.
    Constraint,
}

/// Parses one general-name token into its DER; `None` if it is not a general-name token at
/// all (the caller reports it) — errors about a known token's value are pushed and also give
/// `Some(None)`.
fn general_name(
    tok: &Token<'_>,
    value: &str,
    usage: NameUse,
    diags: &mut Vec<LocalDiag>,
) -> Option<Option<Vec<u8>>> {
    use super::write::{self, Name};
    let v = tok.value;
    let vr = tok.value_range.clone();
    let ia5 = |what: &str, tag: u8, diags: &mut Vec<LocalDiag>| -> Option<Vec<u8>> {
        if v.is_empty() {
            diags.push(bad(tok.range.clone(), format!("empty {what}")));
            return None;
        }
        match v.is_ascii() {
            true => Some(write::general_name(&Name::Text(tag, v))),
            false => {
                diags.push(
                    bad(vr.clone(), format!("{what} `{v}` contains characters outside ASCII"))
                        .with_help("this field is an IA5String: use ASCII only (punycode `xn--…` for international domain names)"),
                );
                None
            }
        }
    };
    let name = match tok.key.as_str() {
        "dns" => {
            check_glue_and_dns(value, tok, usage, diags);
            ia5("DNS name", write::DNS, diags)
        }
        "email" => {
            warn_glue(value, vr.clone(), diags);
            ia5("email address", write::EMAIL, diags)
        }
        "url" => ia5("URL", write::URI, diags),
        "upn" => {
            warn_glue(value, vr.clone(), diags);
            if v.is_empty() {
                diags.push(bad(tok.range.clone(), "empty UPN"));
                None
            } else {
                Some(other_name(&UPN_OID, &tlv(0x0c, v.as_bytes())))
            }
        }
        "ipaddress" => ip_name(tok, value, usage, diags),
        "directoryname" | "dn" => directory_name(tok, diags),
        "registeredid" => match parse_oid(v) {
            Some(oid) => Some(write::general_name(&Name::RegisteredId(&oid))),
            None => {
                diags.push(
                    bad(vr.clone(), format!("`{v}` is not an object identifier"))
                        .with_help(oid_help(v)),
                );
                None
            }
        },
        "guid" => match parse_guid(v) {
            Some(bytes) => Some(other_name(&GUID_OID, &tlv(0x04, &bytes))),
            None => {
                diags.push(bad(vr.clone(), format!("`{v}` is not a GUID")).with_help(
                    "write a GUID as 32 hex digits, e.g. `{50cee385-3e34-4ced-b91a-d0e060ece574}`",
                ));
                None
            }
        },
        _ => {
            let oid = parse_oid(tok.name)?;
            other_value(tok, value, diags).map(|a| other_name(&oid, &a))
        }
    };
    Some(name)
}

/// One line of a name-constraints subtree section (`DNS = example.com`, policy.inf's
/// `[NameConstraintsPermitted]`): the key `kind` is the name's kind, as a `{text}` token's name
/// would be; diagnostics are located in `value`. `None` when `kind` is not a kind of name (the
/// caller reports the key); `Some(None)` when the value is wrong (reported).
pub(crate) fn constraint_name(
    kind: &str,
    value: &str,
    diags: &mut Vec<LocalDiag>,
) -> Option<Option<Vec<u8>>> {
    let range = trim_range(value, 0..value.len());
    let tok = Token {
        key: kind
            .chars()
            .filter(|c| !is_blank(*c))
            .collect::<String>()
            .to_ascii_lowercase(),
        name: kind.trim(),
        name_range: 0..0,
        value: value.get(range.clone()).unwrap_or(""),
        value_range: range.clone(),
        range,
        has_eq: true,
    };
    general_name(&tok, value, NameUse::Constraint, diags)
}

/// An otherName's DER: its type and its value's DER.
fn other_name(type_id: &ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    super::write::general_name(&super::write::Name::Other(type_id, value))
}

/// The value of `<oid>=…` in a SAN: `{utf8}text` (the default), `{octet}` base64 or
/// `{octet}{hex}`, `{asn}` base64 DER, `{hex}`/`{asn}{hex}` hex DER; its DER.
fn other_value(tok: &Token<'_>, value: &str, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    use super::{check_der, decode_base64, decode_hex, prefix_at};
    let start = tok.value_range.start;
    let end = tok.value_range.end;
    let bytes_from = |from: usize, diags: &mut Vec<LocalDiag>| -> Option<Vec<u8>> {
        match prefix_at(value, from, "{hex}") {
            Some(h) => decode_hex(value, h, end, diags),
            None => decode_base64(value, from, end, diags),
        }
    };
    // one DER element, checked
    let any_from_der = |der: Vec<u8>, diags: &mut Vec<LocalDiag>| -> Option<Vec<u8>> {
        check_der(der, value, start..end, diags)
    };
    if let Some(p) = prefix_at(value, start, "{octet}") {
        let bytes = bytes_from(p, diags)?;
        return Some(tlv(0x04, &bytes));
    }
    if let Some(p) = prefix_at(value, start, "{asn}") {
        let der = bytes_from(p, diags)?;
        return any_from_der(der, diags);
    }
    if let Some(p) = prefix_at(value, start, "{hex}") {
        let der = decode_hex(value, p, end, diags)?;
        return any_from_der(der, diags);
    }
    let text = match prefix_at(value, start, "{utf8}") {
        Some(p) => value.get(p..end).unwrap_or(""),
        None => tok.value,
    };
    Some(tlv(0x0c, text.as_bytes()))
}

fn directory_name(tok: &Token<'_>, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    let (name, name_diags) = crate::subject::parse_subject(tok.value, 0);
    let offset = tok.value_range.start;
    let mut failed = false;
    for mut d in name_diags {
        failed |= d.severity == certreq_inf::diag::Severity::Error;
        d.range = d.range.start + offset..d.range.end + offset;
        diags.push(d);
    }
    if failed {
        return None;
    }
    match name.map(|n| super::write::name(&n)) {
        Some(n) => Some(super::write::general_name(&super::write::Name::Directory(
            &n,
        ))),
        None => {
            diags.push(bad(tok.range.clone(), "this directory name cannot be used"));
            None
        }
    }
}

fn ip_name(
    tok: &Token<'_>,
    value: &str,
    usage: NameUse,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    use super::write::{Name, general_name};
    let v = tok.value;
    let vr = tok.value_range.clone();
    let glue_help = |diags: &mut Vec<LocalDiag>, d: LocalDiag| {
        let d = if glue_points(value, vr.clone()).is_empty() {
            d
        } else {
            d.with_help(
                "names must be joined with `&`, e.g. `IPAddress=10.0.0.1&DNS=host.example.com`",
            )
        };
        diags.push(d);
    };
    match usage {
        NameUse::AltName => match certreq_pkix::ip::parse(v) {
            Some(ip) => Some(general_name(&Name::Ip(ip.octets()))),
            None => {
                glue_help(
                    diags,
                    bad(vr.clone(), format!("`{v}` is not an IPv4 or IPv6 address"))
                        .with_help("write an address such as `192.168.1.1` or `::1`"),
                );
                None
            }
        },
        NameUse::Constraint => {
            let Some((a, m)) = v.split_once(',') else {
                diags.push(
                    bad(
                        vr.clone(),
                        format!("`{v}` needs an address and a mask: `address,mask`"),
                    )
                    .with_help("e.g. `IPAddress=10.0.0.0,255.0.0.0`"),
                );
                return None;
            };
            let (a, m) = (a.trim(), m.trim());
            use certreq_pkix::ip::{self, Ip};
            let bytes = match (ip::parse(a), ip::parse(m)) {
                (Some(a @ Ip::V4(_)), Some(m @ Ip::V4(_)))
                | (Some(a @ Ip::V6(_)), Some(m @ Ip::V6(_))) => [a.octets(), m.octets()].concat(),
                _ => {
                    diags.push(
                        bad(
                            vr.clone(),
                            format!("`{v}` is not `address,mask` of one IP version"),
                        )
                        .with_help(
                            "e.g. `IPAddress=10.0.0.0,255.0.0.0` or `IPAddress=fd00::,ffff:ffff::`",
                        ),
                    );
                    return None;
                }
            };
            Some(general_name(&Name::Ip(&bytes)))
        }
    }
}

/// Warns about each token name glued into `value[range]` because a `&` is missing.
fn warn_glue(
    value: &str,
    range: Range<usize>,
    diags: &mut Vec<LocalDiag>,
) -> Vec<(Range<usize>, String)> {
    let points = glue_points(value, range);
    for (r, _) in &points {
        let text = value.get(r.clone()).unwrap_or("");
        diags.push(
            LocalDiag::warning(
                codes::MISSING_AMPERSAND,
                r.clone(),
                format!("`{text}` is inside the previous name: a `&` is missing before it"),
            )
            .with_help(
                "names must be joined with `&` (`DNS=a.example.com&DNS=b.example.com`); \
                 without it certreq glues both into one name, as this request does",
            ),
        );
    }
    points
}

/// Missing-`&` detection plus DNS-name checks on each glued piece that is meant as a DNS name.
fn check_glue_and_dns(value: &str, tok: &Token<'_>, usage: NameUse, diags: &mut Vec<LocalDiag>) {
    let vr = tok.value_range.clone();
    let points = warn_glue(value, vr.clone(), diags);
    let mut seg_start = vr.start;
    let mut kind = "dns";
    for (r, name) in points
        .iter()
        .map(|(r, n)| (r.clone(), n.as_str()))
        .chain([(vr.end..vr.end, "")])
    {
        if kind == "dns" {
            check_dns(value, seg_start..r.start, usage, diags);
        }
        seg_start = r.end;
        kind = name;
    }
}

/// Warns about a DNS name with characters not valid in host names, or an IP address.
fn check_dns(value: &str, range: Range<usize>, usage: NameUse, diags: &mut Vec<LocalDiag>) {
    let name = value.get(range.clone()).unwrap_or("");
    if name.is_empty() {
        return;
    }
    if certreq_pkix::ip::parse(name).is_some() {
        diags.push(
            LocalDiag::warning(
                codes::DNS_NAME_CHARACTERS,
                range,
                format!("`{name}` is an IP address, not a DNS name"),
            )
            .with_help(format!(
                "it is encoded as a DNS name as written; for an IP address entry write `IPAddress={name}`"
            )),
        );
        return;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '*' | '_');
    let Some(bad_char) = name.chars().find(|c| !allowed(*c)) else {
        return;
    };
    if !bad_char.is_ascii() {
        // reported as an error by the IA5String check
        return;
    }
    let _ = usage;
    let placeholder = name
        .chars()
        .any(|c| matches!(c, '$' | '%' | '{' | '}' | '[' | ']' | '#' | '<' | '>'));
    let shown = if bad_char == ' ' {
        "a space".to_string()
    } else {
        format!("`{bad_char}`")
    };
    let help = if placeholder {
        "this looks like a placeholder that was never filled in; put the real host name here"
    } else if bad_char == ' ' {
        "remove the blanks: a DNS name is letters, digits, `-` and `.` (and `*` for a wildcard)"
    } else {
        "a DNS name is letters, digits, `-` and `.` (and `*` for a wildcard)"
    };
    diags.push(
        LocalDiag::warning(
            codes::DNS_NAME_CHARACTERS,
            range,
            format!("`{name}` is not a valid DNS name: it contains {shown}"),
        )
        .with_help(help),
    );
}

/// Parses a GUID (`{…}` optional, dashes optional) into Microsoft byte order: the first three
/// fields little-endian, the last eight bytes as written.
pub fn parse_guid(text: &str) -> Option<[u8; 16]> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    let digits: String = if t.contains('-') {
        let parts: Vec<&str> = t.split('-').collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        if lens != [8, 4, 4, 4, 12] {
            return None;
        }
        parts.concat()
    } else {
        t.to_string()
    };
    if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut b = [0u8; 16];
    for (i, out) in b.iter_mut().enumerate() {
        let pair = digits.get(2 * i..2 * i + 2)?;
        *out = u8::from_str_radix(pair, 16).ok()?;
    }
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    Some(b)
}

fn unknown_token(tok: &Token<'_>, what: &str, valid: &str) -> LocalDiag {
    if tok.has_eq {
        LocalDiag::error(
            codes::EXTENSION_UNKNOWN_TOKEN,
            tok.name_range.clone(),
            format!("unknown {what} token `{}`", tok.name),
        )
        .with_help(format!("the tokens are {valid}; join them with `&`"))
    } else {
        let text = tok.name;
        let placeholder = text.starts_with(['$', '%', '{', '[', '#', '<']);
        let help = if placeholder {
            format!(
                "`{text}` looks like a placeholder that was never filled in; the tokens are {valid}"
            )
        } else {
            format!("the tokens are {valid}; join them with `&`")
        };
        LocalDiag::error(
            codes::EXTENSION_UNKNOWN_TOKEN,
            tok.range.clone(),
            format!("expected `name=value` in the {what}, found `{text}`"),
        )
        .with_help(help)
    }
}

fn alt_name(
    oid: &ObjectIdentifier,
    value: &str,
    start: usize,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    let mut names = Vec::new();
    let mut ok = true;
    for tok in tokens(value, start) {
        if !tok.has_eq {
            diags.push(unknown_token(&tok, "alternative name", SAN_TOKENS));
            ok = false;
            continue;
        }
        match general_name(&tok, value, NameUse::AltName, diags) {
            Some(Some(n)) => names.push(n),
            Some(None) => ok = false,
            None => {
                diags.push(unknown_token(&tok, "alternative name", SAN_TOKENS));
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    if names.is_empty() {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_EMPTY,
                start.min(value.len())..value.len(),
                format!("no names in the `{{text}}` value of extension {oid}"),
            )
            .with_help("add at least one name, e.g. `{text}DNS=www.example.com&DNS=example.com`"),
        );
        return None;
    }
    Some(tlv(0x30, &names.concat()))
}

// ---------------------------------------------------------------------------------------------
// Extended key usage

fn eku(value: &str, start: usize, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    let body = value.get(start..).unwrap_or("");
    let mut oids = Vec::new();
    let mut ok = true;
    let mut at = start;
    for piece in body.split(',') {
        let range = trim_range(value, at..at + piece.len());
        at += piece.len() + 1;
        let text = value.get(range.clone()).unwrap_or("");
        if text.is_empty() {
            continue;
        }
        match parse_oid(text) {
            Some(o) => oids.push(o),
            None => {
                ok = false;
                let placeholder = text.len() > 1 && text.starts_with('%') && text.ends_with('%');
                let help = match super::builtin::eku_by_name(text) {
                    Some((oid, name)) if !placeholder => format!(
                        "{name} is `{oid}`; the `{{text}}` form takes dotted OIDs separated by commas"
                    ),
                    Some((oid, _)) => format!("{} (e.g. `= \"{oid}\"`)", oid_help(text)),
                    None => format!("{}; separate OIDs with commas", oid_help(text)),
                };
                diags.push(
                    bad(range, format!("`{text}` is not an object identifier")).with_help(help),
                );
            }
        }
    }
    if !ok {
        return None;
    }
    if oids.is_empty() {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_EMPTY,
                start.min(value.len())..value.len(),
                "no OIDs in the extended key usage",
            )
            .with_help("list the usages, e.g. `{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2`"),
        );
        return None;
    }
    Some(super::write::oid_sequence(&oids))
}

// ---------------------------------------------------------------------------------------------
// Basic constraints

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

const BC_TOKENS: &str = "`ca=` (true, false, 1 or 0) and `pathlength=` (a number)";

fn basic_constraints(
    value: &str,
    start: usize,
    critical: &mut bool,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    let body_range = trim_range(value, start.min(value.len())..value.len());
    let body = value.get(body_range.clone()).unwrap_or("");
    if body.contains(':') && !body.contains('=') {
        // certreq takes OpenSSL's `critical, CA:TRUE` without complaint and writes a critical,
        // empty basic constraints extension: cA false (research: certreq-facts §2, sample AK).
        // *Inferred:* the "critical" comes from the word in the value.
        let marked = body
            .split(',')
            .any(|w| w.trim().eq_ignore_ascii_case("critical"));
        *critical |= marked;
        diags.push(
            LocalDiag::warning(
                codes::EXTENSION_SUSPICIOUS_VALUE,
                body_range,
                format!(
                    "`{body}` is OpenSSL syntax, which certreq does not read: like certreq, this \
                     writes an empty basic constraints extension{} (cA false, no path length), \
                     which says the certificate is not a CA, probably not what was meant",
                    if marked { ", critical" } else { "" }
                ),
            )
            .with_help(
                "certreq writes basic constraints as `{text}ca=true&pathlength=0`; \
                 for a critical extension: `2.5.29.19 = \"{critical}{text}ca=true&pathlength=0\"`",
            ),
        );
        return Some(super::write::basic_constraints(false, None));
    }
    // cA, pathLenConstraint
    let (mut ca, mut path_len) = (false, None);
    let mut ok = true;
    let mut path_range = None;
    for tok in tokens(value, start) {
        let joined_help = || {
            format!("join tokens with `&`, e.g. `ca=0&pathlength=3`; the tokens are {BC_TOKENS}")
        };
        match tok.key.as_str() {
            "ca" if tok.has_eq => match parse_bool(tok.value) {
                Some(b) => ca = b,
                None => {
                    ok = false;
                    let help = if tok.value.contains('=') {
                        joined_help()
                    } else {
                        "write `ca=true` or `ca=false` (1 and 0 work too)".into()
                    };
                    diags.push(
                        bad(
                            tok.value_range.clone(),
                            format!("`{}` is not true or false", tok.value),
                        )
                        .with_help(help),
                    );
                }
            },
            "pathlength" if tok.has_eq => {
                match super::builtin::parse_number(tok.value).map(u8::try_from) {
                    Some(Ok(n)) => {
                        path_len = Some(n);
                        path_range = Some(tok.range.clone());
                    }
                    Some(Err(_)) => {
                        ok = false;
                        diags.push(bad(
                            tok.value_range.clone(),
                            format!(
                                "path length {} is too large: the largest supported is 255",
                                tok.value
                            ),
                        ));
                    }
                    None => {
                        ok = false;
                        let help = if tok.value.contains('=') {
                            joined_help()
                        } else {
                            "write a whole number, e.g. `pathlength=0`".into()
                        };
                        diags.push(
                            bad(
                                tok.value_range.clone(),
                                format!("`{}` is not a path length", tok.value),
                            )
                            .with_help(help),
                        );
                    }
                }
            }
            _ => {
                ok = false;
                diags.push(unknown_token(&tok, "basic constraints", BC_TOKENS));
            }
        }
    }
    if !ok {
        return None;
    }
    if let (false, Some(r)) = (ca, path_range) {
        // RFC 5280 §4.2.1.9: no pathLenConstraint unless cA is true; strict parsers (Python
        // `cryptography` among them) reject the extension otherwise, so it is left out.
        path_len = None;
        diags.push(
            LocalDiag::warning(
                codes::EXTENSION_SUSPICIOUS_VALUE,
                r,
                "a path length only means something for a CA, and this one says `ca=false`",
            )
            .with_help("it is left out of the request (RFC 5280 allows it only with `ca=true`)"),
        );
    }
    Some(super::write::basic_constraints(ca, path_len))
}

// ---------------------------------------------------------------------------------------------
// Certificate policies and application policies

pub(crate) use super::write::{cps_uri, user_notice};

/// The most characters RFC 5280 lets a notice's explicit text have.
pub(crate) const NOTICE_LIMIT: usize = 200;

const POLICY_TOKENS: &str = "`OID=` followed by its `Notice=`, `URL=`, `Flags=` and `GUID=`";

fn policies(
    oid: &ObjectIdentifier,
    value: &str,
    start: usize,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    // each policy and its qualifiers, written
    let mut list: Vec<(ObjectIdentifier, Vec<Vec<u8>>)> = Vec::new();
    let mut ok = true;
    for tok in tokens(value, start) {
        if !tok.has_eq {
            ok = false;
            diags.push(unknown_token(&tok, "policy", POLICY_TOKENS));
            continue;
        }
        let key = tok.key.as_str();
        if key == "oid" {
            match parse_oid(tok.value) {
                Some(o) => list.push((o, Vec::new())),
                None => {
                    ok = false;
                    diags.push(
                        bad(
                            tok.value_range.clone(),
                            format!("`{}` is not an object identifier", tok.value),
                        )
                        .with_help(oid_help(tok.value)),
                    );
                }
            }
            continue;
        }
        if !matches!(key, "notice" | "url" | "flags" | "guid") {
            ok = false;
            diags.push(unknown_token(&tok, "policy", POLICY_TOKENS));
            continue;
        }
        let Some(current) = list.last_mut() else {
            ok = false;
            diags.push(
                bad(
                    tok.name_range.clone(),
                    format!("`{}=` must follow an `OID=`", tok.name),
                )
                .with_help("start each policy with its OID: `{text}OID=1.2.3.4&Notice=…&URL=…`"),
            );
            continue;
        };
        let qualifier = match key {
            "notice" => {
                if tok.value.chars().count() > NOTICE_LIMIT {
                    diags.push(LocalDiag::warning(
                        codes::EXTENSION_SUSPICIOUS_VALUE,
                        tok.value_range.clone(),
                        "a policy notice may be at most 200 characters (RFC 5280); this one is longer",
                    ));
                }
                Some(user_notice(tok.value))
            }
            "url" => match cps_uri(tok.value) {
                Some(q) => Some(q),
                None => {
                    ok = false;
                    diags.push(bad(tok.value_range.clone(), "a policy URL must be ASCII"));
                    None
                }
            },
            _ => {
                diags.push(
                    LocalDiag::warning(
                        codes::EXTENSION_TOKEN_NO_EFFECT,
                        tok.range.clone(),
                        format!("`{}=` has no effect on the request", tok.name),
                    )
                    .with_help(format!(
                        "extension {oid} carries only policy OIDs, notices and URLs; this token is accepted and ignored"
                    )),
                );
                None
            }
        };
        if let Some(q) = qualifier {
            current.1.push(q);
        }
    }
    if !ok {
        return None;
    }
    if list.is_empty() {
        diags.push(
            LocalDiag::error(codes::EXTENSION_EMPTY, start.min(value.len())..value.len(), "no policies given")
                .with_help("e.g. `{text}OID=1.3.6.1.4.1.311.21.8.1&Notice=Legal text&URL=http://pki.example.com/cps`"),
        );
        return None;
    }
    Some(super::write::certificate_policies(&list))
}

// ---------------------------------------------------------------------------------------------
// Policy mappings

fn mappings(value: &str, start: usize, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    let mut list = Vec::new();
    let mut ok = true;
    for tok in tokens(value, start) {
        let issuer = parse_oid(tok.name);
        let subject = parse_oid(tok.value);
        match (tok.has_eq, issuer, subject) {
            (true, Some(i), Some(s)) => list.push((i, s)),
            (false, _, _) => {
                ok = false;
                diags.push(
                    bad(tok.range.clone(), format!("expected `issuerOid=subjectOid`, found `{}`", tok.name))
                        .with_help("e.g. `{text}1.3.6.1.4.1.311.21.8.1=1.3.6.1.4.1.311.21.8.2`; join mappings with `&`"),
                );
            }
            (true, None, _) => {
                ok = false;
                diags.push(
                    bad(
                        tok.name_range.clone(),
                        format!("`{}` is not an object identifier", tok.name),
                    )
                    .with_help(oid_help(tok.name)),
                );
            }
            (true, _, None) => {
                ok = false;
                diags.push(
                    bad(
                        tok.value_range.clone(),
                        format!("`{}` is not an object identifier", tok.value),
                    )
                    .with_help(oid_help(tok.value)),
                );
            }
        }
    }
    if !ok {
        return None;
    }
    if list.is_empty() {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_EMPTY,
                start.min(value.len())..value.len(),
                "no policy mappings given",
            )
            .with_help("write `issuerOid=subjectOid` pairs joined with `&`"),
        );
        return None;
    }
    Some(super::write::policy_mappings(&list))
}

// ---------------------------------------------------------------------------------------------
// Name constraints

const NC_TOKENS: &str = "`subtree=include` or `subtree=exclude`, then `DNS=`, `Email=`, `UPN=`, \
    `IPAddress=address,mask`, `URL=`, `DirectoryName=`, `RegisteredID=`";

fn name_constraints(value: &str, start: usize, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    // the GeneralNames' DER
    let mut permitted: Vec<Vec<u8>> = Vec::new();
    let mut excluded: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<bool> = None; // Some(true) = include
    let mut ok = true;
    for tok in tokens(value, start) {
        if tok.has_eq && tok.key == "subtree" {
            match tok.value.to_ascii_lowercase().as_str() {
                "include" => current = Some(true),
                "exclude" => current = Some(false),
                _ => {
                    ok = false;
                    diags.push(
                        bad(
                            tok.value_range.clone(),
                            format!("`{}` is not `include` or `exclude`", tok.value),
                        )
                        .with_help("write `subtree=include` or `subtree=exclude`"),
                    );
                }
            }
            continue;
        }
        if !tok.has_eq {
            ok = false;
            diags.push(unknown_token(&tok, "name constraints", NC_TOKENS));
            continue;
        }
        let name = match general_name(&tok, value, NameUse::Constraint, diags) {
            Some(Some(n)) => n,
            Some(None) => {
                ok = false;
                continue;
            }
            None => {
                ok = false;
                diags.push(unknown_token(&tok, "name constraints", NC_TOKENS));
                continue;
            }
        };
        match current {
            Some(true) => permitted.push(name),
            Some(false) => excluded.push(name),
            None => {
                ok = false;
                diags.push(
                    bad(tok.name_range.clone(), format!("`{}=` comes before any `subtree=`", tok.name))
                        .with_help("start with `subtree=include` or `subtree=exclude`, e.g. `{text}subtree=include&DNS=example.com`"),
                );
            }
        }
    }
    if !ok {
        return None;
    }
    if permitted.is_empty() && excluded.is_empty() {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_EMPTY,
                start.min(value.len())..value.len(),
                "no name constraints given",
            )
            .with_help("e.g. `{text}subtree=include&DNS=example.com`"),
        );
        return None;
    }
    Some(super::write::name_constraints(&permitted, &excluded))
}
