//! The attribute names `CertStrToName` understands, their OIDs and the string types certreq
//! gives their values.

use const_oid::ObjectIdentifier;

/// Which ASN.1 string types an attribute's value may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A DirectoryString: UTF8String in current certreq (see [`super::parse_subject`]).
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
