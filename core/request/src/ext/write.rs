//! The DER a request is made of, where its structure is fixed and small (extension values,
//! the extension list, the subject name, certreq's attributes), written with
//! `certreq_pkix::tlv` rather than x509_cert's and der's encoders: the lowering and the
//! encoding run in the embedding module and the web app's first download, where each of those
//! encoders brings der's generic writer for its type (about 1 KB of wasm apiece). Each
//! function is held to what x509_cert or der writes for the same value by a test below.

use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::tlv::{push, push_header, tlv};

const SEQUENCE: u8 = 0x30;

/// Appends a non-negative INTEGER (universal tag 0x02, or `tag` for an IMPLICIT one), in the
/// fewest octets, with a leading zero octet where the high bit would read as a sign.
pub fn push_uint(out: &mut Vec<u8>, tag: u8, n: u64) {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    let digits = &bytes[skip..];
    let pad = digits[0] & 0x80 != 0;
    push_header(out, tag, digits.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
}

/// Appends an OBJECT IDENTIFIER.
pub fn push_oid(out: &mut Vec<u8>, oid: &ObjectIdentifier) {
    push(out, 0x06, oid.as_bytes());
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER
/// (0..MAX) OPTIONAL }` (RFC 5280 §4.2.1.9); cA false is left out, as DER has defaults.
pub fn basic_constraints(ca: bool, path_len: Option<u8>) -> Vec<u8> {
    let mut body = Vec::new();
    if ca {
        body.extend_from_slice(&[0x01, 0x01, 0xff]);
    }
    if let Some(n) = path_len {
        push_uint(&mut body, 0x02, u64::from(n));
    }
    tlv(SEQUENCE, &body)
}

/// `SEQUENCE OF OBJECT IDENTIFIER`: the extended key usage (RFC 5280 §4.2.1.12).
pub fn oid_sequence(oids: &[ObjectIdentifier]) -> Vec<u8> {
    let mut body = Vec::new();
    for oid in oids {
        push_oid(&mut body, oid);
    }
    tlv(SEQUENCE, &body)
}

/// `PolicyMappings ::= SEQUENCE OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }`
/// (RFC 5280 §4.2.1.5).
pub fn policy_mappings(pairs: &[(ObjectIdentifier, ObjectIdentifier)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (issuer, subject) in pairs {
        let mut pair = Vec::new();
        push_oid(&mut pair, issuer);
        push_oid(&mut pair, subject);
        push(&mut body, SEQUENCE, &pair);
    }
    tlv(SEQUENCE, &body)
}

/// `PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL,
/// inhibitPolicyMapping [1] SkipCerts OPTIONAL }`, implicitly tagged (RFC 5280 §4.2.1.11).
pub fn policy_constraints(require_explicit: Option<u32>, inhibit_mapping: Option<u32>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(n) = require_explicit {
        push_uint(&mut body, 0x80, u64::from(n));
    }
    if let Some(n) = inhibit_mapping {
        push_uint(&mut body, 0x81, u64::from(n));
    }
    tlv(SEQUENCE, &body)
}

/// A user-notice policy qualifier (`PolicyQualifierInfo` of id-qt-unotice) whose `UserNotice`
/// carries `text` as its explicit text, a UTF8String (RFC 5280 §4.2.1.4).
pub fn user_notice(text: &str) -> Vec<u8> {
    let notice = tlv(SEQUENCE, &tlv(0x0c, text.as_bytes()));
    qualifier(&oid::USER_NOTICE, &notice)
}

/// A CPS-pointer policy qualifier (id-qt-cps) for `url`, an IA5String; `None` when the URL is
/// not ASCII.
pub fn cps_uri(url: &str) -> Option<Vec<u8>> {
    url.is_ascii()
        .then(|| qualifier(&oid::CPS, &tlv(0x16, url.as_bytes())))
}

fn qualifier(id: &ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    push_oid(&mut body, id);
    body.extend_from_slice(value);
    tlv(SEQUENCE, &body)
}

/// `CertificatePolicies ::= SEQUENCE OF PolicyInformation { policyIdentifier,
/// policyQualifiers SEQUENCE OF PolicyQualifierInfo OPTIONAL }` (RFC 5280 §4.2.1.4): each
/// policy with its qualifiers as [`user_notice`] and [`cps_uri`] write them, none left out.
pub fn certificate_policies(policies: &[(ObjectIdentifier, Vec<Vec<u8>>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (id, qualifiers) in policies {
        let mut info = Vec::new();
        push_oid(&mut info, id);
        if !qualifiers.is_empty() {
            push(&mut info, SEQUENCE, &qualifiers.concat());
        }
        push(&mut body, SEQUENCE, &info);
    }
    tlv(SEQUENCE, &body)
}

/// A GeneralName (RFC 5280 §4.2.1.6), each kind as its context tag makes it.
pub enum Name<'a> {
    /// rfc822Name [1], dNSName [2], uniformResourceIdentifier [6]: IA5String, implicitly
    /// tagged; the caller has checked the text is ASCII.
    Text(u8, &'a str),
    /// iPAddress [7]: the address's octets (with a mask's, in a name constraint).
    Ip(&'a [u8]),
    /// registeredID [8].
    RegisteredId(&'a ObjectIdentifier),
    /// directoryName [4], explicitly tagged (a Name is a CHOICE): the Name's DER.
    Directory(&'a [u8]),
    /// otherName [0]: its type and its value's DER, which goes in an explicit [0].
    Other(&'a ObjectIdentifier, &'a [u8]),
}

/// rfc822Name's tag number.
pub const EMAIL: u8 = 1;
/// dNSName's tag number.
pub const DNS: u8 = 2;
/// uniformResourceIdentifier's tag number.
pub const URI: u8 = 6;

/// The DER of one GeneralName.
pub fn general_name(name: &Name<'_>) -> Vec<u8> {
    match name {
        Name::Text(n, text) => tlv(0x80 | n, text.as_bytes()),
        Name::Ip(octets) => tlv(0x87, octets),
        Name::RegisteredId(id) => tlv(0x88, id.as_bytes()),
        Name::Directory(der) => tlv(0xa4, der),
        Name::Other(id, value) => {
            let mut body = Vec::new();
            push_oid(&mut body, id);
            push(&mut body, 0xa0, value);
            tlv(0xa0, &body)
        }
    }
}

/// `NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
/// excludedSubtrees [1] GeneralSubtrees OPTIONAL }` (RFC 5280 §4.2.1.10) of GeneralNames'
/// DER, each a GeneralSubtree with the minimum and maximum left out (RFC 5280 wants neither).
pub fn name_constraints(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (tag, names) in [(0xa0, permitted), (0xa1, excluded)] {
        if names.is_empty() {
            continue;
        }
        let mut subtrees = Vec::new();
        for name in names {
            push(&mut subtrees, SEQUENCE, name);
        }
        push(&mut body, tag, &subtrees);
    }
    tlv(SEQUENCE, &body)
}

/// `Extensions ::= SEQUENCE OF Extension { extnID, critical BOOLEAN DEFAULT FALSE,
/// extnValue OCTET STRING }` (RFC 5280 §4.1).
pub fn extensions(list: &[x509_cert::ext::Extension]) -> Vec<u8> {
    let mut body = Vec::new();
    for e in list {
        let mut ext = Vec::new();
        push_oid(&mut ext, &e.extn_id);
        if e.critical {
            ext.extend_from_slice(&[0x01, 0x01, 0xff]);
        }
        push(&mut ext, 0x04, e.extn_value.as_bytes());
        push(&mut body, SEQUENCE, &ext);
    }
    tlv(SEQUENCE, &body)
}

/// A `Name` (RFC 5280 §4.1.2.4): a SEQUENCE of RDNs, each a SET OF AttributeTypeAndValue,
/// its members in the order der's `SetOfVec` keeps them, which is DER's.
pub fn name(name: &x509_cert::name::Name) -> Vec<u8> {
    let mut body = Vec::new();
    for rdn in name.iter_rdn() {
        let mut members = Vec::new();
        for atv in rdn.iter() {
            let mut pair = Vec::new();
            push_oid(&mut pair, &atv.oid);
            any(&mut pair, &atv.value);
            push(&mut members, SEQUENCE, &pair);
        }
        push(&mut body, 0x31, &members);
    }
    tlv(SEQUENCE, &body)
}

/// Appends an ANY: its tag in one octet where the number allows (every string type a name
/// holds), else as der writes it.
fn any(out: &mut Vec<u8>, value: &der::asn1::Any) {
    use der::{Tagged, asn1::Any};
    let tag = value.tag();
    let number = tag.number().value();
    if number < 31 {
        let class = match tag.class() {
            der::Class::Universal => 0x00,
            der::Class::Application => 0x40,
            der::Class::ContextSpecific => 0x80,
            der::Class::Private => 0xc0,
        };
        let constructed = if tag.is_constructed() { 0x20 } else { 0 };
        push(out, class | constructed | number as u8, value.value());
    } else if let Ok(der) = der::Encode::to_der(value as &Any) {
        out.extend_from_slice(&der);
    }
}

/// A BMPString's content (UTF-16 big-endian); `None` for a character outside the Basic
/// Multilingual Plane, which a BMPString cannot hold.
pub fn bmp(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        out.extend_from_slice(&u16::try_from(u32::from(c)).ok()?.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use x509_cert::ext::pkix::{
        BasicConstraints, ExtendedKeyUsage, PolicyConstraints, PolicyMapping, PolicyMappings,
    };

    fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }

    #[test]
    fn integers_are_ders() {
        for n in [
            0u64,
            1,
            127,
            128,
            255,
            256,
            32_767,
            32_768,
            65_535,
            u32::MAX.into(),
            u64::MAX,
        ] {
            let mut ours = Vec::new();
            push_uint(&mut ours, 0x02, n);
            assert_eq!(ours, n.to_der().unwrap(), "{n}");
        }
    }

    #[test]
    fn basic_constraints_are_x509_certs() {
        for ca in [false, true] {
            for path_len in [None, Some(0), Some(1), Some(127), Some(128), Some(255)] {
                let theirs = BasicConstraints {
                    ca,
                    path_len_constraint: path_len,
                };
                assert_eq!(
                    basic_constraints(ca, path_len),
                    theirs.to_der().unwrap(),
                    "ca {ca}, path length {path_len:?}"
                );
            }
        }
    }

    #[test]
    fn oid_sequences_are_x509_certs_extended_key_usage() {
        let oids = [
            oid("1.3.6.1.5.5.7.3.1"),
            oid("1.3.6.1.5.5.7.3.2"),
            oid("1.3.6.1.4.1.311.20.2.2"),
            oid("1.2.840.113549.1.9.1234567"),
        ];
        for n in 0..=oids.len() {
            let theirs = ExtendedKeyUsage(oids[..n].to_vec()).to_der().unwrap();
            assert_eq!(oid_sequence(&oids[..n]), theirs, "{n} OIDs");
        }
        // long enough for a two-octet length
        let many = vec![oid("1.3.6.1.4.1.311.21.8.1234.5678"); 20];
        assert_eq!(
            oid_sequence(&many),
            ExtendedKeyUsage(many.clone()).to_der().unwrap()
        );
    }

    #[test]
    fn policy_mappings_are_x509_certs() {
        let pairs = [
            (oid("1.3.6.1.4.1.311.21.8.1"), oid("1.3.6.1.4.1.311.21.8.2")),
            (oid("2.16.840.1.101.3.2.1.48.1"), oid("1.2.3.4")),
        ];
        for n in 1..=pairs.len() {
            let theirs = PolicyMappings(
                pairs[..n]
                    .iter()
                    .map(|(i, s)| PolicyMapping {
                        issuer_domain_policy: *i,
                        subject_domain_policy: *s,
                    })
                    .collect(),
            );
            assert_eq!(
                policy_mappings(&pairs[..n]),
                theirs.to_der().unwrap(),
                "{n}"
            );
        }
    }

    #[test]
    fn policy_constraints_are_x509_certs() {
        let values = [
            None,
            Some(0),
            Some(1),
            Some(128),
            Some(70_000),
            Some(u32::MAX),
        ];
        for require in values {
            for inhibit in values {
                let theirs = PolicyConstraints {
                    require_explicit_policy: require,
                    inhibit_policy_mapping: inhibit,
                };
                assert_eq!(
                    policy_constraints(require, inhibit),
                    theirs.to_der().unwrap(),
                    "{require:?} {inhibit:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod policy_tests {
    use super::*;
    use der::Encode;
    use der::asn1::{Any, Ia5String};
    use x509_cert::ext::pkix::certpolicy::{
        CertificatePolicies, DisplayText, PolicyInformation, PolicyQualifierInfo, UserNotice,
    };

    fn theirs_notice(text: &str) -> PolicyQualifierInfo {
        let notice = UserNotice {
            notice_ref: None,
            explicit_text: Some(DisplayText::Utf8String(text.to_string())),
        };
        PolicyQualifierInfo {
            policy_qualifier_id: oid::USER_NOTICE,
            qualifier: Some(Any::encode_from(&notice).unwrap()),
        }
    }

    fn theirs_cps(url: &str) -> PolicyQualifierInfo {
        PolicyQualifierInfo {
            policy_qualifier_id: oid::CPS,
            qualifier: Some(Any::encode_from(&Ia5String::new(url).unwrap()).unwrap()),
        }
    }

    #[test]
    fn certificate_policies_are_x509_certs() {
        let long = "Légal ".repeat(40);
        let notices = ["", "Legal text", "Ünïcødé 😀", long.as_str()];
        let urls = ["http://pki.example.com/cps", ""];
        let a = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.21.8.1");
        let b = ObjectIdentifier::new_unwrap("2.5.29.32.0");
        for notice in notices {
            for url in urls {
                let ours = certificate_policies(&[
                    (a, vec![user_notice(notice), cps_uri(url).unwrap()]),
                    (b, vec![]),
                    (a, vec![cps_uri(url).unwrap()]),
                ]);
                let theirs = CertificatePolicies(vec![
                    PolicyInformation {
                        policy_identifier: a,
                        policy_qualifiers: Some(vec![theirs_notice(notice), theirs_cps(url)]),
                    },
                    PolicyInformation {
                        policy_identifier: b,
                        policy_qualifiers: None,
                    },
                    PolicyInformation {
                        policy_identifier: a,
                        policy_qualifiers: Some(vec![theirs_cps(url)]),
                    },
                ]);
                assert_eq!(ours, theirs.to_der().unwrap(), "{notice:?} {url:?}");
            }
        }
        assert_eq!(cps_uri("http://ü.example/"), None);
        assert!(
            Ia5String::new("http://ü.example/").is_err(),
            "der refuses it too"
        );
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;
    use der::asn1::{Any, Ia5String, OctetString, Utf8StringRef};
    use der::{Decode, Encode};
    use x509_cert::ext::pkix::NameConstraints;
    use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
    use x509_cert::ext::pkix::name::{GeneralName, OtherName};

    /// Each kind of name, ours and x509_cert's.
    fn names() -> Vec<(Vec<u8>, GeneralName)> {
        let upn = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.3");
        let rid = ObjectIdentifier::new_unwrap("1.2.3.4.5");
        let long = "a".repeat(300);
        let dn = x509_cert::name::Name::from_der(&[
            0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, b'u',
            b's', b'e', b'r',
        ])
        .unwrap();
        let dn_der = dn.to_der().unwrap();
        let utf8 = Utf8StringRef::new("Ünïcødé").unwrap().to_der().unwrap();
        let octets = OctetString::new(vec![1u8; 16]).unwrap().to_der().unwrap();
        let ia5 = |s: &str| Ia5String::new(s).unwrap();
        vec![
            (
                general_name(&Name::Text(DNS, "www.example.com")),
                GeneralName::DnsName(ia5("www.example.com")),
            ),
            (
                general_name(&Name::Text(DNS, &long)),
                GeneralName::DnsName(ia5(&long)),
            ),
            (
                general_name(&Name::Text(EMAIL, "a@example.com")),
                GeneralName::Rfc822Name(ia5("a@example.com")),
            ),
            (
                general_name(&Name::Text(URI, "http://example.com/")),
                GeneralName::UniformResourceIdentifier(ia5("http://example.com/")),
            ),
            (
                general_name(&Name::Ip(&[10, 0, 0, 1])),
                GeneralName::IpAddress(OctetString::new(vec![10, 0, 0, 1]).unwrap()),
            ),
            (
                general_name(&Name::Ip(&[10, 0, 0, 0, 255, 0, 0, 0])),
                GeneralName::IpAddress(OctetString::new(vec![10, 0, 0, 0, 255, 0, 0, 0]).unwrap()),
            ),
            (
                general_name(&Name::RegisteredId(&rid)),
                GeneralName::RegisteredId(rid),
            ),
            (
                general_name(&Name::Directory(&dn_der)),
                GeneralName::DirectoryName(dn),
            ),
            (
                general_name(&Name::Other(&upn, &utf8)),
                GeneralName::OtherName(OtherName {
                    type_id: upn,
                    value: Any::from_der(&utf8).unwrap(),
                }),
            ),
            (
                general_name(&Name::Other(&upn, &octets)),
                GeneralName::OtherName(OtherName {
                    type_id: upn,
                    value: Any::from_der(&octets).unwrap(),
                }),
            ),
        ]
    }

    #[test]
    fn general_names_are_x509_certs() {
        let all = names();
        for (ours, theirs) in &all {
            assert_eq!(ours, &theirs.to_der().unwrap(), "{theirs:?}");
        }
        let ours: Vec<u8> = all.iter().flat_map(|(o, _)| o.clone()).collect();
        let theirs: Vec<GeneralName> = all.into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            tlv(0x30, &ours),
            theirs.to_der().unwrap(),
            "the names together"
        );
    }

    #[test]
    fn name_constraints_are_x509_certs() {
        let all = names();
        let subtree = |n: &GeneralName| GeneralSubtree {
            base: n.clone(),
            minimum: 0,
            maximum: None,
        };
        for (p, e) in [(3, 2), (0, 4), (5, 0), (1, 1), (all.len(), all.len())] {
            let ours = name_constraints(
                &all[..p].iter().map(|(o, _)| o.clone()).collect::<Vec<_>>(),
                &all[..e].iter().map(|(o, _)| o.clone()).collect::<Vec<_>>(),
            );
            let theirs = NameConstraints {
                permitted_subtrees: (p > 0)
                    .then(|| all[..p].iter().map(|(_, t)| subtree(t)).collect()),
                excluded_subtrees: (e > 0)
                    .then(|| all[..e].iter().map(|(_, t)| subtree(t)).collect()),
            };
            assert_eq!(
                ours,
                theirs.to_der().unwrap(),
                "{p} permitted, {e} excluded"
            );
        }
    }
}

#[cfg(test)]
mod request_tests {
    use super::*;
    use der::Encode;
    use der::asn1::{BmpString, OctetString};
    use x509_cert::ext::Extension;

    #[test]
    fn extension_lists_are_x509_certs() {
        let ext = |oid: &str, critical: bool, n: usize| Extension {
            extn_id: ObjectIdentifier::new_unwrap(oid),
            critical,
            extn_value: OctetString::new(vec![0x30; n]).unwrap(),
        };
        let list = [
            ext("2.5.29.15", true, 4),
            ext("2.5.29.17", false, 200),
            ext("1.3.6.1.4.1.311.20.2", false, 0),
            ext("2.5.29.19", true, 70_000),
        ];
        for n in 0..=list.len() {
            assert_eq!(
                extensions(&list[..n]),
                list[..n].to_vec().to_der().unwrap(),
                "{n}"
            );
        }
    }

    #[test]
    fn names_are_x509_certs_with_sets_in_ders_order() {
        // as certreq's subject syntax makes them, with its string types (Printable, UTF-8,
        // BMP, IA5), multi-valued RDNs among them
        for text in [
            "CN=a",
            "CN=www.example.com,O=Example,C=US",
            "CN=b+CN=a+O=z+C=US,OU=one+OU=two,DC=example,DC=com",
            "E=a@example.com, CN=Ünïcødé + SERIALNUMBER=1, O=\"Comma, Inc\", C=US",
            "",
        ] {
            let (n, _) = crate::subject::parse_subject(text, 0);
            let n = n.unwrap_or_default();
            assert_eq!(name(&n), n.to_der().unwrap(), "{text:?}");
        }
        // and a name read from a certificate
        let n = <x509_cert::name::Name as der::Decode>::from_der(&[
            0x30, 0x1c, 0x31, 0x1a, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, b'u',
            b's', b'e', b'r', 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x04, b'o', b'r',
            b'g', b'x',
        ])
        .unwrap();
        assert_eq!(name(&n), n.to_der().unwrap());
    }

    #[test]
    fn bmp_strings_are_ders() {
        for text in ["", "CertificateTemplate", "Ünïcødé テンプレート"] {
            let ours = tlv(0x1e, &bmp(text).unwrap());
            assert_eq!(ours, BmpString::from_utf8(text).unwrap().to_der().unwrap());
        }
        assert_eq!(bmp("a\u{1F600}"), None);
        assert!(BmpString::from_utf8("a\u{1F600}").is_err());
    }
}
