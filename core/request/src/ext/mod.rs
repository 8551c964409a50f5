//! Extensions: the value forms of `[Extensions]` lines and the extensions certreq adds itself.
//!
//! An `[Extensions]` line is `<oid> = <value>`; the INF reader has already unquoted,
//! substituted and `_continue_`-joined the value. [`parse_value`] decodes it:
//!
//! ```text
//! value   = [ "{critical}" ] body            ; prefixes are case-insensitive
//! body    = base64                           ; DER of extnValue, blanks ignored, padding optional
//!         | "{asn}" base64                   ; the same, spelled out
//!         | "{hex}" hex                      ; DER of extnValue in hex, blanks ignored
//!         | "{asn}{hex}" hex                 ; the same
//!         | "{octet}" base64 | "{octet}{hex}" hex   ; raw bytes, wrapped in an OCTET STRING
//!         | "{utf8}" text                    ; text, wrapped in a UTF8String
//!         | "{text}" grammar                 ; per-OID text grammar, see [`text`]
//! ```
//!
//! Whatever the form, the resulting bytes must be exactly one DER element. The builders for the
//! extensions certreq adds on its own (key usage, SKI, S/MIME capabilities) live in [`builtin`].

pub mod builtin;
pub mod text;
pub mod write;
pub(crate) use text::{NOTICE_LIMIT, cps_uri, user_notice};

#[cfg(test)]
mod tests;

pub use builtin::{
    extended_key_usage, key_usage, key_usage_bits, smime_capabilities, subject_key_identifier,
    template_name,
};

use certreq_inf::codes;
use certreq_inf::diag::LocalDiag;
use core::ops::Range;
use der::Decode;
use der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::ext::Extension;

/// An `[Extensions]` value, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionValue {
    /// `{critical}` was given.
    pub critical: bool,
    /// The DER of the extension value (the contents of `extnValue`).
    pub der: Vec<u8>,
}

impl ExtensionValue {
    /// The X.509 extension with this value. `critical` is OR-ed with [`ExtensionValue::critical`]
    /// (pass the `Critical = oid,…` line's verdict). Fails only for values over 256 MiB.
    pub fn to_extension(
        &self,
        oid: ObjectIdentifier,
        critical: bool,
    ) -> Result<Extension, der::Error> {
        Ok(Extension {
            extn_id: oid,
            critical: self.critical || critical,
            extn_value: OctetString::new(self.der.clone())?,
        })
    }
}

/// The forms an `[Extensions]` value can take, for help texts.
pub(crate) const FORMS_HELP: &str = "an [Extensions] value is the base64 of the DER extension \
    value (e.g. `2.5.29.15=AwIBBg==`), `{hex}` followed by the DER in hex (e.g. `{hex}03 02 01 06`), \
    or `{text}` followed by the text form of extensions that have one (2.5.29.17, 2.5.29.37, \
    2.5.29.19, …); put `{critical}` in front to make the extension critical";

/// Decodes the value of `oid = value` in `[Extensions]`: base64 (padding optional), `{hex}`,
/// `{text}` (per-OID grammar), with an optional leading `{critical}`. Diagnostics are located
/// within `value`; `None` when the value is unusable.
pub fn parse_value(
    oid: &ObjectIdentifier,
    value: &str,
) -> (Option<ExtensionValue>, Vec<LocalDiag>) {
    let mut diags = Vec::new();
    let mut pos = skip_blanks(value, 0);
    let mut critical = false;
    if let Some(end) = prefix_at(value, pos, "{critical}") {
        critical = true;
        pos = skip_blanks(value, end);
    }
    let der = parse_body(oid, value, pos, &mut critical, &mut diags);
    let result = match der {
        Some(der)
            if !diags
                .iter()
                .any(|d| d.severity == certreq_inf::diag::Severity::Error) =>
        {
            Some(ExtensionValue { critical, der })
        }
        _ => None,
    };
    (result, diags)
}

/// Decodes everything after `{critical}`.
fn parse_body(
    oid: &ObjectIdentifier,
    value: &str,
    pos: usize,
    critical: &mut bool,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    let rest = value.get(pos..).unwrap_or("");
    if rest.trim().is_empty() {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_EMPTY,
                pos..value.len(),
                format!("the value of extension {oid} is empty"),
            )
            .with_help(FORMS_HELP),
        );
        return None;
    }
    if let Some(end) = prefix_at(value, pos, "{text}") {
        return text::parse(oid, value, pos..end, end, critical, diags);
    }
    if let Some(end) = prefix_at(value, pos, "{hex}") {
        let bytes = decode_hex(value, end, value.len(), diags)?;
        return check_der(bytes, value, pos..value.len(), diags);
    }
    if let Some(end) = prefix_at(value, pos, "{asn}") {
        let bytes = decode_bytes(value, end, diags)?;
        return check_der(bytes, value, end..value.len(), diags);
    }
    if let Some(end) = prefix_at(value, pos, "{octet}") {
        let bytes = decode_bytes(value, end, diags)?;
        return Some(certreq_pkix::tlv::tlv(0x04, &bytes));
    }
    if let Some(end) = prefix_at(value, pos, "{utf8}") {
        let s = value.get(end..).unwrap_or("");
        return Some(certreq_pkix::tlv::tlv(0x0c, s.as_bytes()));
    }
    if rest.starts_with('{') {
        let close = rest.find('}').map_or(value.len(), |i| pos + i + 1);
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_UNKNOWN_PREFIX,
                pos..close,
                format!(
                    "unknown prefix `{}` in an extension value",
                    value.get(pos..close).unwrap_or("")
                ),
            )
            .with_help(
                "the prefixes are `{critical}`, `{text}`, `{hex}`, `{asn}`, `{octet}` and `{utf8}`",
            ),
        );
        return None;
    }
    let bytes = decode_base64(value, pos, value.len(), diags)?;
    check_der(bytes, value, pos..value.len(), diags)
}

/// `{hex}…` or base64 from `start` to the end of `value`.
fn decode_bytes(value: &str, start: usize, diags: &mut Vec<LocalDiag>) -> Option<Vec<u8>> {
    let start = skip_blanks(value, start);
    match prefix_at(value, start, "{hex}") {
        Some(end) => decode_hex(value, end, value.len(), diags),
        None => decode_base64(value, start, value.len(), diags),
    }
}

/// Checks that `bytes` is exactly one DER element.
pub(crate) fn check_der(
    bytes: Vec<u8>,
    value: &str,
    range: Range<usize>,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    let _ = value;
    match der::AnyRef::from_der(&bytes) {
        Ok(_) => Some(bytes),
        Err(e) => {
            diags.push(
                LocalDiag::error(
                    codes::EXTENSION_NOT_DER,
                    range,
                    format!("the decoded bytes are not one complete DER element ({e})"),
                )
                .with_help(FORMS_HELP),
            );
            None
        }
    }
}

/// True for the blanks the INF format trims: space and tab.
pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The first non-blank byte offset at or after `pos`.
pub(crate) fn skip_blanks(s: &str, pos: usize) -> usize {
    match s.get(pos..) {
        Some(rest) => pos + (rest.len() - rest.trim_start_matches(is_blank).len()),
        None => s.len(),
    }
}

/// If `s[pos..]` starts with `prefix` (ASCII case-insensitive), the offset just past it.
pub(crate) fn prefix_at(s: &str, pos: usize, prefix: &str) -> Option<usize> {
    let end = pos.checked_add(prefix.len())?;
    let head = s.get(pos..end)?;
    head.eq_ignore_ascii_case(prefix).then_some(end)
}

/// Decodes hex digits in `value[start..end]`, ignoring blanks and line breaks.
pub(crate) fn decode_hex(
    value: &str,
    start: usize,
    end: usize,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    let text = value.get(start..end).unwrap_or("");
    let mut out = Vec::new();
    let mut high: Option<(u8, usize)> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let at = start + i;
        let Some(d) = c.to_digit(16) else {
            diags.push(
                LocalDiag::error(
                    codes::EXTENSION_BAD_HEX,
                    at..at + c.len_utf8(),
                    format!("`{c}` is not a hex digit"),
                )
                .with_help(
                    "after `{hex}` write the bytes as pairs of hex digits, e.g. `{hex}03 02 01 06`",
                ),
            );
            return None;
        };
        let d = d as u8;
        match high.take() {
            None => high = Some((d, at)),
            Some((h, _)) => out.push(h << 4 | d),
        }
    }
    if let Some((_, at)) = high {
        diags.push(
            LocalDiag::error(
                codes::EXTENSION_BAD_HEX,
                at..at + 1,
                "odd number of hex digits: this digit has no partner",
            )
            .with_help("each byte takes two hex digits, e.g. `06` not `6`"),
        );
        return None;
    }
    if out.is_empty() {
        diags.push(LocalDiag::error(
            codes::EXTENSION_BAD_HEX,
            start..end,
            "no hex bytes after `{hex}`",
        ));
        return None;
    }
    Some(out)
}

/// Decodes base64 in `value[start..end]`: whitespace ignored, padding optional.
pub(crate) fn decode_base64(
    value: &str,
    start: usize,
    end: usize,
    diags: &mut Vec<LocalDiag>,
) -> Option<Vec<u8>> {
    use base64ct::{Base64Unpadded, Encoding};
    let text = value.get(start..end).unwrap_or("");
    let mut clean = String::with_capacity(text.len());
    let mut padding_from: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let at = start + i;
        let ok = c.is_ascii_alphanumeric() || c == '+' || c == '/';
        if c == '=' {
            padding_from.get_or_insert(at);
            continue;
        }
        if !ok || padding_from.is_some() {
            let what = if ok {
                format!("`{c}` after the `=` padding")
            } else {
                format!("`{c}` is not a base64 character")
            };
            diags.push(
                LocalDiag::error(
                    codes::EXTENSION_BAD_BASE64,
                    start..end,
                    format!("this extension value is not base64: {what}"),
                )
                .with_help(FORMS_HELP),
            );
            return None;
        }
        clean.push(c);
    }
    match Base64Unpadded::decode_vec(&clean) {
        Ok(bytes) if !bytes.is_empty() => Some(bytes),
        _ => {
            diags.push(
                LocalDiag::error(
                    codes::EXTENSION_BAD_BASE64,
                    start..end,
                    "this extension value is not valid base64 (its length or last character is wrong)",
                )
                .with_help(FORMS_HELP),
            );
            None
        }
    }
}
