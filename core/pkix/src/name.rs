//! Distinguished names as certreq names them: the attribute table `CertStrToName` reads
//! (`CN`, `S`, `DC`, …, with their OIDs and the string types certreq gives them), and names
//! shown in written order with those short names. The one naming of names: previews, the
//! decoder and stored certificates all show a name through [`display`] (x509-cert's own
//! `Display` is never used: it links const-oid's whole OID database).
//!
//! Parsing a `Subject` string is the request builder's (`certreq-request`'s `subject`).

use der::asn1::Any;
use der::{Decode, Tag, Tagged};
use x509_cert::name::{Name, RelativeDistinguishedName};

use crate::oid::ObjectIdentifier;
use crate::tlv::{self, Tlv};

/// Which ASN.1 string types an attribute's value may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A DirectoryString: UTF8String in current certreq.
    Directory,
    /// PrintableString only (C, SERIALNUMBER, dnQualifier, Phone).
    Printable,
    /// IA5String only (E / Email).
    Ia5,
    /// IA5String when every character is ASCII, UTF8String otherwise (DC, unstructuredName).
    Ia5OrUtf8,
}

/// One attribute `CertStrToName` knows by name.
#[derive(Clone, Copy, Debug)]
pub struct AttributeInfo {
    /// The accepted spellings (matched case-insensitively); the first is used for display.
    pub names: &'static [&'static str],
    pub oid: ObjectIdentifier,
    pub kind: ValueKind,
}

const fn attr(names: &'static [&'static str], oid: &str, kind: ValueKind) -> AttributeInfo {
    AttributeInfo {
        names,
        oid: ObjectIdentifier::new_unwrap(oid),
        kind,
    }
}

use ValueKind::*;

/// `countryName` (`C`): two letters, PrintableString.
pub const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

/// The table. The CertStrToName documentation lists CN, L, O, OU, E/Email, C, S/ST, STREET,
/// T/Title, G/GivenName, I/Initials, SN and DC; the rest are in the Windows OID information
/// table (`certutil -oid`) as RDN attributes.
pub static ATTRIBUTES: &[AttributeInfo] = &[
    attr(&["CN"], "2.5.4.3", Directory),
    attr(&["SN"], "2.5.4.4", Directory),
    attr(&["SERIALNUMBER"], "2.5.4.5", Printable),
    attr(&["C"], "2.5.4.6", Printable),
    attr(&["L"], "2.5.4.7", Directory),
    attr(&["S", "ST"], "2.5.4.8", Directory),
    attr(&["STREET"], "2.5.4.9", Directory),
    attr(&["O"], "2.5.4.10", Directory),
    attr(&["OU"], "2.5.4.11", Directory),
    attr(&["T", "Title"], "2.5.4.12", Directory),
    attr(&["Description"], "2.5.4.13", Directory),
    attr(&["businessCategory"], "2.5.4.15", Directory),
    attr(&["PostalCode"], "2.5.4.17", Directory),
    attr(&["POBox"], "2.5.4.18", Directory),
    attr(&["Phone"], "2.5.4.20", Printable),
    attr(&["G", "GivenName"], "2.5.4.42", Directory),
    attr(&["I", "Initials"], "2.5.4.43", Directory),
    attr(&["generationQualifier"], "2.5.4.44", Directory),
    attr(&["dnQualifier"], "2.5.4.46", Printable),
    attr(&["pseudonym"], "2.5.4.65", Directory),
    attr(&["E", "Email"], "1.2.840.113549.1.9.1", Ia5),
    attr(&["unstructuredName"], "1.2.840.113549.1.9.2", Ia5OrUtf8),
    attr(&["unstructuredAddress"], "1.2.840.113549.1.9.8", Directory),
    attr(&["DC"], "0.9.2342.19200300.100.1.25", Ia5OrUtf8),
    attr(&["UID", "userid"], "0.9.2342.19200300.100.1.1", Directory),
];

/// Looks an attribute up by name, case-insensitively.
pub fn by_name(name: &str) -> Option<&'static AttributeInfo> {
    ATTRIBUTES
        .iter()
        .find(|a| a.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

/// Looks an attribute up by OID.
pub fn by_oid(oid: &ObjectIdentifier) -> Option<&'static AttributeInfo> {
    ATTRIBUTES.iter().find(|a| &a.oid == oid)
}

/// Spellings other tools use (OpenSSL, LDAP) mapped to the one certreq wants.
const OTHER_SPELLINGS: &[(&str, &str)] = &[
    ("commonName", "CN"),
    ("surname", "SN"),
    ("countryName", "C"),
    ("localityName", "L"),
    ("stateOrProvinceName", "S"),
    ("streetAddress", "STREET"),
    ("organizationName", "O"),
    ("organizationalUnitName", "OU"),
    ("emailAddress", "E"),
    ("mail", "E"),
    ("domainComponent", "DC"),
    ("givenName", "G"),
    ("postalAddress", "STREET"),
    ("telephoneNumber", "Phone"),
    ("postOfficeBox", "POBox"),
];

/// A spelling certreq accepts that is close to the unknown `name`, if any.
pub fn suggest(name: &str) -> Option<&'static str> {
    if let Some((_, to)) = OTHER_SPELLINGS
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(name))
    {
        return Some(to);
    }
    let lower = name.to_ascii_lowercase();
    let max = match lower.chars().count() {
        0..=2 => return None,
        3..=5 => 1,
        _ => 2,
    };
    ATTRIBUTES
        .iter()
        .flat_map(|a| a.names.iter())
        .filter(|n| n.len() > 1)
        .map(|n| (edit_distance(&lower, &n.to_ascii_lowercase()), *n))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (optimal
/// string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_exact_mut(w).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

/// Renders a name for previews in written (certreq) order, e.g.
/// `CN=www.example.com, O=Example, C=US`: RDNs joined by `, `, the values of a multi-valued RDN
/// by ` + `, known attributes by their short name, others as dotted OIDs. Values that need it
/// are quoted as `CertStrToName` reads them; values that are not strings appear as `#hex`.
/// The string parses back (with flags 0) to the same name, except for string types chosen by
/// other flags.
pub fn display(name: &Name) -> String {
    let rdns: Vec<&RelativeDistinguishedName> = name.iter_rdn().collect();
    written_order(rdns.iter().map(|rdn| {
        rdn.iter()
            .map(|atv| (attribute_label(&atv.oid), display_value(&atv.value)))
            .collect()
    }))
}

/// [`display`] of a `Name` given as DER, read with [`crate::tlv`] alone (for builds that link
/// no name decoder); `None` when it is not one.
pub fn display_der(name: &[u8]) -> Option<String> {
    let mut rdns: Vec<Vec<(String, String)>> = Vec::new();
    for (tag, set) in tlv::items(tlv::only(name, 0x30)?)? {
        if tag != 0x31 {
            return None;
        }
        let mut parts = Vec::new();
        for (tag, atv) in tlv::items(set)? {
            let (
                0x30,
                Tlv {
                    tag: 0x06,
                    content: oid,
                    rest,
                    ..
                },
            ) = (tag, tlv::read(atv)?)
            else {
                return None;
            };
            let Tlv {
                whole: value,
                rest: [],
                ..
            } = tlv::read(rest)?
            else {
                return None;
            };
            let oid = ObjectIdentifier::from_bytes(oid).ok()?;
            let value = Any::from_der(value).ok()?;
            parts.push((attribute_label(&oid), display_value(&value)));
        }
        rdns.push(parts);
    }
    Some(written_order(rdns.into_iter()))
}

/// RDNs given in encoded order as `(label, value)` pairs, written last first.
fn written_order(rdns: impl DoubleEndedIterator<Item = Vec<(String, String)>>) -> String {
    rdns.rev()
        .map(|parts| {
            parts
                .iter()
                .map(|(label, value)| format!("{label}={value}"))
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The short name certreq uses for an attribute OID, or the dotted OID.
pub fn attribute_label(oid: &ObjectIdentifier) -> String {
    match by_oid(oid) {
        Some(a) => a
            .names
            .first()
            .map_or_else(|| oid.to_string(), |n| (*n).to_string()),
        None => oid.to_string(),
    }
}

/// An attribute value as text: the characters of a string type, else `#` and the value's
/// octets in hexadecimal (how certreq and RFC 4514 write a value with no text form).
pub fn attribute_text(value: &Any) -> String {
    string_value(value).unwrap_or_else(|| {
        let mut out = String::from("#");
        for b in value.value() {
            out.push_str(&format!("{b:02X}"));
        }
        out
    })
}

fn string_value(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => String::from_utf8(bytes.to_vec()).ok(),
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString if bytes.len().is_multiple_of(2) => {
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

fn display_value(value: &Any) -> String {
    match string_value(value) {
        Some(t) => quote_if_needed(&t),
        None => attribute_text(value),
    }
}

fn quote_if_needed(t: &str) -> String {
    let needs = t.starts_with('#')
        || t.starts_with(is_ws)
        || t.ends_with(is_ws)
        || t.contains([',', ';', '+', '=', '"', '\r', '\n']);
    if needs {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_string()
    }
}

/// The whitespace `CertStrToName` skips around keys and values.
pub fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_aliases_share_an_oid() {
        assert_eq!(
            by_name("cn").map(|a| a.oid.to_string()).as_deref(),
            Some("2.5.4.3")
        );
        assert_eq!(by_name("st").map(|a| a.oid), by_name("S").map(|a| a.oid));
        assert_eq!(by_name("EMAIL").map(|a| a.oid), by_name("e").map(|a| a.oid));
        assert_eq!(
            by_name("UserID").map(|a| a.oid.to_string()).as_deref(),
            Some("0.9.2342.19200300.100.1.1")
        );
        assert!(by_name("X").is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("emailAddress"), Some("E"));
        assert_eq!(suggest("organizationName"), Some("O"));
        assert_eq!(suggest("STRET"), Some("STREET"));
        assert_eq!(suggest("Tilte"), Some("Title"));
        assert_eq!(suggest("XY"), None);
        assert_eq!(suggest("Frobnicate"), None);
    }

    #[test]
    fn oids_are_unique() {
        for (i, a) in ATTRIBUTES.iter().enumerate() {
            assert!(
                ATTRIBUTES[i + 1..].iter().all(|b| b.oid != a.oid),
                "{:?}",
                a.names
            );
        }
    }
}
