//! What the request will contain, in words: built from a [`NewRequest`] alone (no key yet).

use certreq_core::model::{Hash, KeyAlgorithm, NewRequest, RequestType, SignatureScheme};
use const_oid::ObjectIdentifier;
use der::{Decode, Tag, Tagged};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};

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
}

/// Describes `request`.
pub fn preview(request: &NewRequest) -> Preview {
    let subject = request
        .subject
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let attribute = certreq_core::name::attribute_label(&atv.oid);
                    let value = certreq_core::name::attribute_text(&atv.value);
                    SubjectPart {
                        attribute,
                        value,
                        string_type: string_type(atv.value.tag()),
                    }
                })
                .collect()
        })
        .collect();
    Preview {
        request_type: match request.request_type {
            RequestType::Pkcs10 => "PKCS #10",
            RequestType::Pkcs7 => "PKCS #7 (renewal)",
            RequestType::Cmc => "CMC",
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
        attributes: request.name_value_pairs.clone(),
        default_attributes: request.default_attributes,
    }
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
    certreq_core::dump::oid_friendly(oid)
        .unwrap_or("extension")
        .to_owned()
}

/// An OID inside an extension value (an EKU, a policy): its name when core knows it, and the
/// dotted form in any case.
fn oid_words(oid: &ObjectIdentifier) -> String {
    match certreq_core::dump::oid_friendly(oid) {
        Some(n) => format!("{n} ({oid})"),
        None => oid.to_string(),
    }
}

fn general_name(name: &GeneralName) -> String {
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
            format!("directory name: {}", certreq_core::name::display(n))
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

fn describe_extension(ext: &Extension) -> ExtensionLine {
    let der = ext.extn_value.as_bytes();
    let oid = ext.extn_id.to_string();
    let details = match oid.as_str() {
        "2.5.29.17" => SubjectAltName::from_der(der)
            .map(|san| san.0.iter().map(general_name).collect())
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
    };
    ExtensionLine {
        name: extension_name(&ext.extn_id),
        oid,
        critical: ext.critical,
        details: details.unwrap_or_else(|| vec![format!("{} bytes", der.len())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_core::model::{Curve, KeyPlan, KeySpec, ValidityPlan};
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
}
