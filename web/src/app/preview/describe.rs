//! What the request will contain, in words: built from a [`NewRequest`] alone (no key yet).

use certreq_pkix::oid::ObjectIdentifier;
use certreq_pkix::tlv::{self, Tlv};
use certreq_request::model::{
    DEFAULT_CERT_LIFETIME, Hash, KeyAlgorithm, NewRequest, Period, RequestType, SignatureScheme,
    ValidityPlan,
};
use der::{Tag, Tagged};
use x509_cert::ext::Extension;

/// One attribute of the subject, in encoded order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectPart {
    /// `CN`, `O`, … or the dotted OID when there is no short name.
    pub attribute: String,
    pub value: String,
    /// The ASN.1 string type it is encoded as (`UTF8String`, `PrintableString`, …).
    pub string_type: &'static str,
}

/// One extension: a name, and its content in words where we can read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionLine {
    pub name: String,
    pub oid: String,
    pub critical: bool,
    pub details: Vec<String>,
}

/// The request described for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub request_type: &'static str,
    /// RDNs in the order they are encoded (certreq reverses the written order); the parts of a
    /// multi-valued RDN are joined with ` + `.
    pub subject: Vec<Vec<SubjectPart>>,
    pub key: String,
    pub exportable: bool,
    pub signature: String,
    pub extensions: Vec<ExtensionLine>,
    pub subject_key_identifier: bool,
    pub attributes: Vec<(String, String)>,
    pub default_attributes: bool,
    /// A self-signed certificate's lifetime in words; `None` for requests (the CA decides).
    pub validity: Option<String>,
}

/// Describes `request`.
pub fn preview(request: &NewRequest) -> Preview {
    let subject = request
        .subject
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let attribute = certreq_pkix::name::attribute_label(&atv.oid);
                    let value = certreq_pkix::name::attribute_text(&atv.value);
                    SubjectPart {
                        attribute,
                        value,
                        string_type: string_type(atv.value.tag()),
                    }
                })
                .collect()
        })
        .collect();
    let self_signed = request.request_type == RequestType::Cert;
    Preview {
        request_type: match request.request_type {
            RequestType::Pkcs10 => "PKCS #10",
            RequestType::Pkcs7 => "PKCS #7 (renewal)",
            RequestType::Cmc => "CMC (the PKCS #10 request, signed again in a CMS wrapper)",
            RequestType::Cert => "self-signed certificate",
            RequestType::Scep => "SCEP",
        },
        subject,
        key: match request.key.algorithm {
            KeyAlgorithm::Rsa { bits } => format!("RSA {bits}-bit"),
            KeyAlgorithm::Ecdsa(curve) => format!("ECDSA {}", curve.web_crypto_name()),
        },
        exportable: request.key.exportable,
        signature: signature_text(request.signature),
        extensions: extension_lines(request),
        subject_key_identifier: request.subject_key_identifier,
        // a certificate carries no request attributes
        attributes: if self_signed {
            Vec::new()
        } else {
            request.name_value_pairs.clone()
        },
        default_attributes: !self_signed && request.default_attributes,
        validity: self_signed.then(|| validity_words(&request.validity)),
    }
}

/// `from when it is made, for 365 days (the default)`, `from … UTC until … UTC`.
fn validity_words(v: &ValidityPlan) -> String {
    let at = |seconds: i64| crate::app::text::format_utc(seconds as f64 * 1000.0);
    let from = v.not_before.map_or_else(
        || "from when it is made".to_owned(),
        |t| format!("from {}", at(t)),
    );
    let to = match (v.not_after, v.period) {
        (Some(t), _) => format!("until {}", at(t)),
        (None, Some(p)) => format!("for {}", period_words(p)),
        (None, None) => format!("for {} (the default)", period_words(DEFAULT_CERT_LIFETIME)),
    };
    format!("{from}, {to}")
}

/// `1 year`, `18 months`, `90 days`, `1 hour`: the largest unit that divides it.
fn period_words(period: Period) -> String {
    let (n, unit) = match period {
        Period::Months(m) if m % 12 == 0 => (m / 12, "year"),
        Period::Months(m) => (m, "month"),
        Period::Seconds(s) => [(86_400, "day"), (3600, "hour"), (60, "minute")]
            .into_iter()
            .find(|(size, _)| s % size == 0)
            .map_or((s, "second"), |(size, unit)| (s / size, unit)),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The extensions in encoded order, with the subject key identifier where it will go.
fn extension_lines(request: &NewRequest) -> Vec<ExtensionLine> {
    let mut lines: Vec<ExtensionLine> = request.extensions.iter().map(describe_extension).collect();
    if request.subject_key_identifier {
        let at = request.ski_position.min(lines.len());
        lines.insert(
            at,
            ExtensionLine {
                name: "Subject Key Identifier".into(),
                oid: "2.5.29.14".into(),
                critical: false,
                details: vec!["SHA-1 of the public key, once it is made".into()],
            },
        );
    }
    lines
}

fn string_type(tag: Tag) -> &'static str {
    match tag {
        Tag::Utf8String => "UTF8String",
        Tag::PrintableString => "PrintableString",
        Tag::Ia5String => "IA5String",
        Tag::TeletexString => "TeletexString",
        Tag::BmpString => "BMPString",
        _ => "other",
    }
}

fn hash_word(hash: Hash) -> &'static str {
    match hash {
        Hash::Sha1 => "sha1",
        Hash::Sha256 => "sha256",
        Hash::Sha384 => "sha384",
        Hash::Sha512 => "sha512",
    }
}

/// `sha256WithRSAEncryption`, `RSASSA-PSS (SHA-256, salt 32)`, `ecdsa-with-SHA384`.
pub fn signature_text(scheme: SignatureScheme) -> String {
    match scheme {
        SignatureScheme::RsaPkcs1(h) => format!("{}WithRSAEncryption", hash_word(h)),
        SignatureScheme::RsaPss(h) => format!(
            "RSASSA-PSS ({}, MGF1, salt {} bytes)",
            h.web_crypto_name(),
            h.output_len()
        ),
        SignatureScheme::Ecdsa(h) => format!("ecdsa-with-{}", h.web_crypto_name().replace('-', "")),
    }
}

/// The extension's name from core's table (the one the decoder and `certreq -dump` use),
/// else a plain "extension" (its OID is shown beside it).
fn extension_name(oid: &ObjectIdentifier) -> String {
    certreq_pkix::oid::friendly(oid)
        .unwrap_or("extension")
        .to_owned()
}

/// An OID inside an extension value (an EKU, a policy): its name when core knows it, and the
/// dotted form in any case.
fn oid_words(oid: &ObjectIdentifier) -> String {
    match certreq_pkix::oid::friendly(oid) {
        Some(n) => format!("{n} ({oid})"),
        None => oid.to_string(),
    }
}

/// A GeneralName (RFC 5280) given as its context tag and content, in words.
fn general_name(tag: u8, content: &[u8]) -> Option<String> {
    // IA5String: ASCII only
    let text = || {
        content
            .is_ascii()
            .then(|| core::str::from_utf8(content).ok())?
    };
    Some(match tag {
        0x81 => format!("email: {}", text()?),
        0x82 => format!("DNS: {}", text()?),
        0x86 => format!("URL: {}", text()?),
        0x87 => match content.len() {
            4 => {
                let b = content;
                format!("IP: {}.{}.{}.{}", b[0], b[1], b[2], b[3])
            }
            16 => {
                let mut words = [0u16; 8];
                for (w, pair) in words.iter_mut().zip(content.chunks_exact(2)) {
                    *w = u16::from_be_bytes([pair[0], pair[1]]);
                }
                format!("IP: {}", ipv6_text(&words))
            }
            n => format!("IP: {n} bytes"),
        },
        0xa4 => format!(
            "directory name: {}",
            certreq_pkix::name::display_der(content)?
        ),
        0x88 => format!(
            "registered ID: {}",
            ObjectIdentifier::from_bytes(content).ok()?
        ),
        0xa0 => {
            let Tlv {
                tag: 0x06,
                content: type_id,
                ..
            } = tlv::read(content)?
            else {
                return None;
            };
            match ObjectIdentifier::from_bytes(type_id)
                .ok()?
                .to_string()
                .as_str()
            {
                "1.3.6.1.4.1.311.20.2.3" => "UPN (other name)".to_owned(),
                "1.3.6.1.4.1.311.25.1" => "GUID (other name)".to_owned(),
                other => format!("other name {other}"),
            }
        }
        0xa5 => "EDI party name".to_owned(),
        _ => return None,
    })
}

/// `KeyUsage` bits in order (RFC 5280 §4.2.1.3).
const KEY_USAGE_BITS: [&str; 9] = [
    "DigitalSignature",
    "NonRepudiation",
    "KeyEncipherment",
    "DataEncipherment",
    "KeyAgreement",
    "KeyCertSign",
    "CRLSign",
    "EncipherOnly",
    "DecipherOnly",
];

/// The content of the extensions the preview reads, in words. Read with `core::tlv` rather
/// than x509-cert's decoders, which would more than double what decoding costs the app's
/// first download; `None` (shown as a byte count) for anything else or anything malformed.
fn extension_details(oid: &str, der: &[u8]) -> Option<Vec<String>> {
    match oid {
        "2.5.29.17" => tlv::items(tlv::only(der, 0x30)?)?
            .into_iter()
            .map(|(tag, content)| general_name(tag, content))
            .collect(),
        "2.5.29.37" => tlv::items(tlv::only(der, 0x30)?)?
            .into_iter()
            .map(|(tag, content)| match tag {
                0x06 => ObjectIdentifier::from_bytes(content)
                    .ok()
                    .map(|o| oid_words(&o)),
                _ => None,
            })
            .collect(),
        "2.5.29.15" => {
            let (&unused, bits) = tlv::only(der, 0x03)?.split_first()?;
            if unused > 7 || (bits.is_empty() && unused != 0) {
                return None;
            }
            let used = bits.len() * 8 - usize::from(unused);
            // bits in the unused tail are not part of the value
            let set =
                |i: usize| i < used && bits.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0);
            Some(
                (0..KEY_USAGE_BITS.len())
                    .filter(|&i| set(i))
                    .map(|i| KEY_USAGE_BITS[i].to_owned())
                    .collect(),
            )
        }
        "2.5.29.19" => {
            let (ca, path_len) = match tlv::items(tlv::only(der, 0x30)?)?[..] {
                [] => (false, None),
                [(0x01, [0xff])] => (true, None),
                [(0x01, [0x00])] => (false, None), // the default, written out
                [(0x02, n)] | [(0x01, [0x00]), (0x02, n)] => (false, Some(small_uint(n)?)),
                [(0x01, [0xff]), (0x02, n)] => (true, Some(small_uint(n)?)),
                _ => return None,
            };
            Some(vec![match (ca, path_len) {
                (true, Some(n)) => format!("CA, path length {n}"),
                (true, None) => "CA".to_owned(),
                (false, _) => "end entity".to_owned(),
            }])
        }
        _ => None,
    }
}

/// A DER INTEGER from 0 to 255 (the range of a path length constraint).
fn small_uint(content: &[u8]) -> Option<u8> {
    match *content {
        [n] if n < 0x80 => Some(n),
        [0, n] if n >= 0x80 => Some(n),
        _ => None,
    }
}

fn describe_extension(ext: &Extension) -> ExtensionLine {
    let der = ext.extn_value.as_bytes();
    let oid = ext.extn_id.to_string();
    let details = extension_details(&oid, der);
    ExtensionLine {
        name: extension_name(&ext.extn_id),
        oid,
        critical: ext.critical,
        details: details.unwrap_or_else(|| vec![format!("{} bytes", der.len())]),
    }
}

/// An IPv6 address as `core::net::Ipv6Addr` shows it (RFC 5952: lowercase hex without leading
/// zeros, the longest run of two or more zero groups as `::`, the first of equal runs; an
/// IPv4-mapped address as `::ffff:a.b.c.d`), written here because std's formatter costs the
/// first download about 2 KB for one line of the preview.
fn ipv6_text(words: &[u16; 8]) -> String {
    use core::fmt::Write;
    let mut out = String::new();
    if words[..5] == [0; 5] && words[5] == 0xffff {
        let [a, b] = words[6].to_be_bytes();
        let [c, d] = words[7].to_be_bytes();
        let _ = write!(out, "::ffff:{a}.{b}.{c}.{d}");
        return out;
    }
    // the longest run of zero groups (at least two)
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let mut i = 0;
    while i < 8 {
        if best.1 >= 2 && i == best.0 {
            out.push_str("::");
            i += best.1;
            continue;
        }
        if i > 0 && !out.ends_with(':') {
            out.push(':');
        }
        let _ = write!(out, "{:x}", words[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_request::model::{Curve, KeyPlan, KeySpec, ValidityPlan};
    use der::Encode;
    use der::asn1::{Ia5String, OctetString};
    use std::str::FromStr;
    use x509_cert::name::Name;

    fn request() -> NewRequest {
        let san = SubjectAltName(vec![
            GeneralName::DnsName(Ia5String::new("www.example.com").unwrap()),
            GeneralName::IpAddress(OctetString::new(vec![192, 0, 2, 1]).unwrap()),
        ]);
        NewRequest {
            request_type: RequestType::Pkcs10,
            // RFC 4514 order: most specific first, so C is encoded first
            subject: Name::from_str("CN=www.example.com,O=Example\\, Ltd,C=US").unwrap(),
            key: KeyPlan {
                algorithm: KeyAlgorithm::Ecdsa(Curve::P256),
                exportable: false,
                key_spec: KeySpec::Signature,
                container: None,
                use_existing: false,
            },
            signature: SignatureScheme::Ecdsa(Hash::Sha256),
            extensions: vec![Extension {
                extn_id: ObjectIdentifier::new_unwrap("2.5.29.17"),
                critical: false,
                extn_value: OctetString::new(san.to_der().unwrap()).unwrap(),
            }],
            subject_key_identifier: true,
            ski_position: 0,
            name_value_pairs: vec![("CertificateTemplate".into(), "WebServer".into())],
            default_attributes: true,
            friendly_name: None,
            validity: ValidityPlan::default(),
            renewal_cert: None,
            requester_name: None,
        }
    }

    #[test]
    fn ipv6_addresses_read_as_std_writes_them() {
        let mut cases: Vec<[u16; 8]> = vec![
            [0; 8],
            [0, 0, 0, 0, 0, 0, 0, 1],
            [1, 0, 0, 0, 0, 0, 0, 0],
            [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
            [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],
            [0x2001, 0, 0, 1, 0, 0, 1, 1],
            [0x2001, 0xdb8, 0, 1, 1, 1, 1, 1],
            [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201],
            [0, 0, 0, 0, 0, 0, 0xc000, 0x0201],
            [0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a],
        ];
        // every pattern of zero and non-zero groups
        for mask in 0u16..256 {
            let mut w = [0u16; 8];
            for (i, g) in w.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *g = 0x10 * i as u16 + 0xa;
                }
            }
            cases.push(w);
        }
        for w in cases {
            assert_eq!(
                ipv6_text(&w),
                core::net::Ipv6Addr::from(w).to_string(),
                "{w:x?}"
            );
        }
    }

    #[test]
    fn subject_is_listed_in_encoded_order_with_string_types() {
        let p = preview(&request());
        let flat: Vec<(String, String)> = p
            .subject
            .iter()
            .flatten()
            .map(|s| (s.attribute.clone(), s.value.clone()))
            .collect();
        assert_eq!(
            flat,
            vec![
                ("C".into(), "US".into()),
                ("O".into(), "Example, Ltd".into()),
                ("CN".into(), "www.example.com".into()),
            ]
        );
        assert_eq!(p.subject[2][0].string_type, "UTF8String");
    }

    #[test]
    fn key_signature_and_san_are_described() {
        let p = preview(&request());
        assert_eq!(p.key, "ECDSA P-256");
        assert_eq!(p.signature, "ecdsa-with-SHA256");
        assert_eq!(p.extensions.len(), 2);
        assert_eq!(
            p.extensions[0].name, "Subject Key Identifier",
            "ski_position 0"
        );
        assert_eq!(p.extensions[1].name, "Subject Alternative Name");
        assert_eq!(
            p.extensions[1].details,
            vec![
                "DNS: www.example.com".to_owned(),
                "IP: 192.0.2.1".to_owned()
            ]
        );
        assert_eq!(
            p.attributes,
            vec![("CertificateTemplate".into(), "WebServer".into())]
        );
    }

    #[test]
    fn rsa_signature_names() {
        assert_eq!(
            signature_text(SignatureScheme::RsaPkcs1(Hash::Sha256)),
            "sha256WithRSAEncryption"
        );
        assert_eq!(
            signature_text(SignatureScheme::RsaPss(Hash::Sha384)),
            "RSASSA-PSS (SHA-384, MGF1, salt 48 bytes)"
        );
    }

    // ---- the TLV reading against x509-cert's decoders ------------------------------------

    use der::{Decode, asn1::BitString};
    use x509_cert::ext::pkix::name::GeneralName as Gn;
    use x509_cert::ext::pkix::name::{GeneralName, OtherName};
    use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};

    /// What the preview showed when it decoded with x509-cert: the oracle.
    fn x509_general_name(name: &GeneralName) -> String {
        match name {
            GeneralName::DnsName(s) => format!("DNS: {s}"),
            GeneralName::Rfc822Name(s) => format!("email: {s}"),
            GeneralName::UniformResourceIdentifier(s) => format!("URL: {s}"),
            GeneralName::IpAddress(bytes) => {
                let b = bytes.as_bytes();
                match b.len() {
                    4 => format!("IP: {}.{}.{}.{}", b[0], b[1], b[2], b[3]),
                    16 => {
                        let mut words = [0u16; 8];
                        for (w, pair) in words.iter_mut().zip(b.chunks_exact(2)) {
                            *w = u16::from_be_bytes([pair[0], pair[1]]);
                        }
                        format!("IP: {}", core::net::Ipv6Addr::from(words))
                    }
                    _ => format!("IP: {} bytes", b.len()),
                }
            }
            GeneralName::DirectoryName(n) => {
                format!("directory name: {}", certreq_pkix::name::display(n))
            }
            GeneralName::RegisteredId(oid) => format!("registered ID: {oid}"),
            GeneralName::OtherName(o) => match o.type_id.to_string().as_str() {
                "1.3.6.1.4.1.311.20.2.3" => "UPN (other name)".to_owned(),
                "1.3.6.1.4.1.311.25.1" => "GUID (other name)".to_owned(),
                other => format!("other name {other}"),
            },
            GeneralName::EdiPartyName(_) => "EDI party name".to_owned(),
        }
    }

    fn x509_details(ext: &Extension) -> Option<Vec<String>> {
        let der = ext.extn_value.as_bytes();
        let oid = ext.extn_id.to_string();
        match oid.as_str() {
            "2.5.29.17" => SubjectAltName::from_der(der)
                .map(|san| san.0.iter().map(x509_general_name).collect())
                .ok(),
            "2.5.29.37" => ExtendedKeyUsage::from_der(der)
                .map(|eku| eku.0.iter().map(oid_words).collect())
                .ok(),
            "2.5.29.15" => KeyUsage::from_der(der)
                .map(|ku| {
                    ku.0.into_iter()
                        .map(|bit| format!("{bit:?}"))
                        .collect::<Vec<_>>()
                })
                .ok(),
            "2.5.29.19" => BasicConstraints::from_der(der)
                .map(|bc| {
                    vec![match (bc.ca, bc.path_len_constraint) {
                        (true, Some(n)) => format!("CA, path length {n}"),
                        (true, None) => "CA".to_owned(),
                        (false, _) => "end entity".to_owned(),
                    }]
                })
                .ok(),
            _ => None,
        }
    }

    fn ext(oid: &str, value: Vec<u8>) -> Extension {
        Extension {
            extn_id: ObjectIdentifier::new_unwrap(oid),
            critical: false,
            extn_value: OctetString::new(value).unwrap(),
        }
    }

    /// Every extension the corpus INF files and the templates make, and hand-made ones that
    /// reach every branch (each name form, bit patterns, defaults, malformed values).
    fn samples() -> Vec<Extension> {
        let mut out = Vec::new();
        let corpus = std::env::var_os("CERTREQ_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let mut texts: Vec<String> = crate::app::templates::TEMPLATES
            .iter()
            .map(|t| t.text.to_owned())
            .collect();
        for entry in std::fs::read_dir(corpus.join("inf")).expect("the corpus beside the repo") {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            texts.push(certreq_inf::text::decode(&bytes).text);
        }
        for text in &texts {
            if let Some(r) = certreq_request::compile(text).request {
                out.extend(r.extensions);
            }
        }
        assert!(out.len() >= 40, "only {} extensions", out.len());
        let dir = certreq_request::subject::parse_subject("CN=a + O=\"b, c\", DC=x", 0)
            .0
            .unwrap();
        let upn = OtherName {
            type_id: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.3"),
            value: der::Any::encode_from(&der::asn1::Utf8StringRef::new("u@x").unwrap()).unwrap(),
        };
        let other = OtherName {
            type_id: ObjectIdentifier::new_unwrap("1.2.3.4"),
            value: der::Any::encode_from(&5u8).unwrap(),
        };
        let guid = OtherName {
            type_id: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.25.1"),
            value: der::Any::encode_from(&OctetString::new(vec![1; 16]).unwrap()).unwrap(),
        };
        let names = vec![
            Gn::DnsName(Ia5String::new("a.example").unwrap()),
            Gn::Rfc822Name(Ia5String::new("m@example.org").unwrap()),
            Gn::UniformResourceIdentifier(Ia5String::new("https://x/y").unwrap()),
            Gn::IpAddress(OctetString::new(vec![10, 0, 0, 1]).unwrap()),
            Gn::IpAddress(
                OctetString::new(
                    [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1].to_vec(),
                )
                .unwrap(),
            ),
            Gn::IpAddress(OctetString::new(vec![1, 2, 3]).unwrap()),
            Gn::DirectoryName(dir),
            Gn::RegisteredId(ObjectIdentifier::new_unwrap("1.2.3.4.5")),
            Gn::OtherName(upn),
            Gn::OtherName(guid),
            Gn::OtherName(other),
        ];
        for n in &names {
            out.push(ext(
                "2.5.29.17",
                SubjectAltName(vec![n.clone()]).to_der().unwrap(),
            ));
        }
        out.push(ext("2.5.29.17", SubjectAltName(names).to_der().unwrap()));
        out.push(ext("2.5.29.17", SubjectAltName(vec![]).to_der().unwrap()));
        let eku = ExtendedKeyUsage(vec![
            ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
            ObjectIdentifier::new_unwrap("1.2.3.4"),
        ]);
        out.push(ext("2.5.29.37", eku.to_der().unwrap()));
        for bits in [
            vec![0x80],
            vec![0xa0],
            vec![0xff, 0x80],
            vec![0x00, 0x80],
            vec![0x06],
            vec![0x01],
            vec![0xff, 0xc0],
            vec![],
        ] {
            for unused in [0u8, 1, 7] {
                if let Ok(b) = BitString::new(unused, bits.clone()) {
                    out.push(ext("2.5.29.15", b.to_der().unwrap()));
                }
            }
        }
        for (ca, len) in [
            (true, None),
            (true, Some(0)),
            (true, Some(200)),
            (false, None),
            (false, Some(3)),
        ] {
            let bc = BasicConstraints {
                ca,
                path_len_constraint: len,
            };
            out.push(ext("2.5.29.19", bc.to_der().unwrap()));
        }
        for raw in [
            vec![0x30, 0x03, 0x01, 0x01, 0x00],       // ca FALSE written out
            vec![0x30, 0x04, 0x02, 0x02, 0x01, 0x00], // path length 256
            vec![0x30, 0x03, 0x02, 0x01, 0xff],       // negative
            vec![0x30, 0x03, 0x82, 0x01, 0x80],       // DNS name not ASCII
            vec![0x30, 0x02, 0x04, 0x00],             // not a GeneralName
            vec![0x30, 0x05, 0x06, 0x03, 0x2b, 0x06], // cut short
            vec![0x03, 0x02, 0x08, 0x00],             // 8 unused bits
            vec![0x03, 0x03, 0x00, 0x00, 0x40],       // a bit past decipherOnly (not shown)
            vec![0x04, 0x00],
        ] {
            for oid in ["2.5.29.17", "2.5.29.37", "2.5.29.15", "2.5.29.19"] {
                out.push(ext(oid, raw.clone()));
            }
        }
        out
    }

    #[test]
    fn extensions_read_as_x509_cert_decodes_them() {
        for e in samples() {
            let ours = extension_details(&e.extn_id.to_string(), e.extn_value.as_bytes());
            assert_eq!(
                ours,
                x509_details(&e),
                "{} {:02x?}",
                e.extn_id,
                e.extn_value.as_bytes()
            );
        }
    }

    #[test]
    fn a_self_signed_certificate_shows_its_validity_and_no_attributes() {
        let of = |extra: &str| {
            let inf = format!(
                "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n{extra}\
                 [RequestAttributes]\nCertificateTemplate = WebServer\n"
            );
            preview(&certreq_request::compile(&inf).request.unwrap())
        };
        let p = of("");
        assert_eq!(p.request_type, "self-signed certificate");
        assert_eq!(
            p.validity.as_deref(),
            Some("from when it is made, for 1 year (the default)")
        );
        assert!(p.attributes.is_empty() && !p.default_attributes, "{p:?}");
        assert_eq!(
            of("ValidityPeriod = Hours\nValidityPeriodUnits = 36\n")
                .validity
                .as_deref(),
            Some("from when it is made, for 36 hours")
        );
        assert_eq!(
            of("ValidityPeriod = Months\nValidityPeriodUnits = 24\n")
                .validity
                .as_deref(),
            Some("from when it is made, for 2 years")
        );
        assert_eq!(
            of("NotBefore = 2026-07-24 10:31\nNotAfter = 2026-07-25 00:00\n")
                .validity
                .as_deref(),
            Some("from 2026-07-24 10:31 UTC, until 2026-07-25 00:00 UTC")
        );
        // a request has no validity of its own: the CA decides it
        let request = certreq_request::compile("[NewRequest]\nSubject = \"CN=x\"\n");
        assert_eq!(preview(&request.request.unwrap()).validity, None);
    }
}
