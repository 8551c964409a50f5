//! The extensions certreq builds from `[NewRequest]` keys and its defaults: key usage, extended
//! key usage, S/MIME capabilities and the subject key identifier.

use certreq_inf::codes;
use certreq_inf::diag::LocalDiag;
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::spki::key_identifier;
use certreq_pkix::tlv::{push, tlv};
use der::asn1::OctetString;
use x509_cert::ext::Extension;

use super::write::{oid_sequence, push_oid, push_uint};

/// `CERT_*_KEY_USAGE` symbols and their bits (Windows layout: the first DER byte in the low
/// byte, `CERT_DECIPHER_ONLY_KEY_USAGE` in the high byte).
pub const KEY_USAGE_SYMBOLS: &[(&str, u16)] = &[
    ("CERT_DIGITAL_SIGNATURE_KEY_USAGE", 0x80),
    ("CERT_NON_REPUDIATION_KEY_USAGE", 0x40),
    ("CERT_KEY_ENCIPHERMENT_KEY_USAGE", 0x20),
    ("CERT_DATA_ENCIPHERMENT_KEY_USAGE", 0x10),
    ("CERT_KEY_AGREEMENT_KEY_USAGE", 0x08),
    ("CERT_KEY_CERT_SIGN_KEY_USAGE", 0x04),
    ("CERT_OFFLINE_CRL_SIGN_KEY_USAGE", 0x02),
    ("CERT_CRL_SIGN_KEY_USAGE", 0x02),
    ("CERT_ENCIPHER_ONLY_KEY_USAGE", 0x01),
    ("CERT_DECIPHER_ONLY_KEY_USAGE", 0x8000),
];

/// Parses the `KeyUsage` key's syntax: a number (`0xa0`, `0XA0`, `160`), one or more
/// `CERT_*_KEY_USAGE` symbols, or both, joined with `|` (blanks around parts ignored; a value
/// still wrapped in double quotes, like `"0x0000"`, is accepted). Errors are located in `value`.
pub fn key_usage_bits(value: &str) -> Result<u16, LocalDiag> {
    let (start, end) = unquote_range(value);
    let inner = value.get(start..end).unwrap_or("");
    if inner.trim().is_empty() {
        return Err(LocalDiag::error(
            codes::KEY_USAGE_INVALID,
            0..value.len(),
            "the key usage is empty",
        )
        .with_help(key_usage_help()));
    }
    let mut bits: u16 = 0;
    let mut offset = start;
    for part in inner.split('|') {
        let part_start = offset;
        offset += part.len() + 1;
        let lead = part.len() - part.trim_start().len();
        let word = part.trim();
        let range = part_start + lead..part_start + lead + word.len();
        if word.is_empty() {
            return Err(LocalDiag::error(
                codes::KEY_USAGE_INVALID,
                part_start..part_start + part.len(),
                "empty part in the key usage: `|` must stand between two values",
            )
            .with_help(key_usage_help()));
        }
        if let Some(n) = parse_number(word) {
            let Ok(n) = u16::try_from(n) else {
                return Err(LocalDiag::error(
                    codes::KEY_USAGE_INVALID,
                    range,
                    format!("key usage `{word}` is too large: the largest is 0xffff"),
                )
                .with_help(key_usage_help()));
            };
            bits |= n;
            continue;
        }
        match KEY_USAGE_SYMBOLS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
        {
            Some((_, b)) => bits |= b,
            None => {
                let looks_numeric = word.starts_with(|c: char| c.is_ascii_digit());
                let message = if looks_numeric {
                    format!("`{word}` is not a number")
                } else {
                    format!("unknown key usage `{word}`")
                };
                return Err(LocalDiag::error(codes::KEY_USAGE_INVALID, range, message)
                    .with_help(key_usage_help()));
            }
        }
    }
    Ok(bits)
}

fn key_usage_help() -> String {
    let names: Vec<&str> = KEY_USAGE_SYMBOLS.iter().map(|(n, _)| *n).collect();
    format!(
        "write a hex number such as `0xa0`, or symbols joined with `|` in double quotes: {}",
        names.join(", ")
    )
}

/// The range inside one pair of surrounding double quotes, if any.
fn unquote_range(value: &str) -> (usize, usize) {
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let end = lead + trimmed.len();
    if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        (lead + 1, end - 1)
    } else {
        (lead, end)
    }
}

/// `0x…` hex or decimal.
pub(crate) fn parse_number(word: &str) -> Option<u64> {
    if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        return u64::from_str_radix(hex, 16).ok();
    }
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// The DER of a KeyUsage BIT STRING for Windows `CERT_*_KEY_USAGE` bits: the low byte is the
/// first byte of the bit string (0x80 = digitalSignature … 0x01 = encipherOnly), the high byte
/// the second (0x8000 = decipherOnly). Trailing zero bits are dropped (DER named-bit rule), so
/// 0xa0 → `03 02 05 a0`, 0x80 → `03 02 07 80`, 0x8000 → `03 03 07 00 80`, 0 → `03 01 00`.
pub fn key_usage_der(bits: u16) -> Vec<u8> {
    let bytes = [(bits & 0xff) as u8, (bits >> 8) as u8];
    let len = if bytes[1] != 0 {
        2
    } else if bytes[0] != 0 {
        1
    } else {
        0
    };
    let used = &bytes[..len];
    let unused = used.last().map_or(0, |b| b.trailing_zeros() as u8);
    let mut content = vec![unused];
    content.extend_from_slice(used);
    tlv(0x03, &content)
}

/// The critical key usage extension (2.5.29.15) certreq makes from `KeyUsage` or KeySpec.
pub fn key_usage(bits: u16) -> Extension {
    extension(oid::KEY_USAGE, true, key_usage_der(bits))
}

/// The extended key usage extension (2.5.29.37): `SEQUENCE OF KeyPurposeId`.
pub fn extended_key_usage(oids: &[ObjectIdentifier], critical: bool) -> Extension {
    extension(oid::EXT_KEY_USAGE, critical, oid_sequence(oids))
}

/// The S/MIME capabilities extension (non-critical) exactly as current certreq emits it
/// (Windows 11 build 26200, corpus req/001): RC2-CBC 128, RC4 128, DES-CBC, 3DES-CBC, each an
/// `SMIMECapability ::= SEQUENCE { capabilityID OBJECT IDENTIFIER, parameters ANY OPTIONAL }`
/// (RFC 8551 §2.5.2), the key sizes as INTEGER parameters.
pub fn smime_capabilities() -> Extension {
    let mut caps = Vec::new();
    for (id, bits) in [
        (oid::RC2_CBC, Some(128)),
        (oid::RC4, Some(128)),
        (oid::DES_CBC, None),
        (oid::DES_EDE3_CBC, None),
    ] {
        let mut cap = Vec::new();
        push_oid(&mut cap, &id);
        if let Some(bits) = bits {
            push_uint(&mut cap, 0x02, bits);
        }
        push(&mut caps, 0x30, &cap);
    }
    extension(oid::SMIME_CAPABILITIES, false, tlv(0x30, &caps))
}

/// The subject key identifier extension (2.5.29.14, non-critical): the SHA-1 of the
/// subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 method 1), as certreq computes it.
/// `spki_der` is a SubjectPublicKeyInfo; if it does not decode as one, the bytes are taken to be
/// the public key itself.
pub fn subject_key_identifier(spki_der: &[u8]) -> Extension {
    let key_id = key_identifier(spki_der);
    extension(oid::SUBJECT_KEY_IDENTIFIER, false, tlv(0x04, &key_id))
}

/// The certificate template name extension (1.3.6.1.4.1.311.20.2, not critical) certreq adds
/// for `[RequestAttributes] CertificateTemplate`: the name as a BMPString. `None` when the name
/// has characters outside the Basic Multilingual Plane, which a BMPString cannot hold.
///
/// The BMPString is written by `write::bmp`, big-endian UTF-16 code units in a 0x1E TLV, rather
/// than with der's `BmpString`: the lowering runs in the web app's first download, where der's string
/// type and its encoder cost 0.7 KiB gzipped. Held to der's encoding by a test.
pub fn template_name(name: &str) -> Option<Extension> {
    Some(extension(
        oid::CERTIFICATE_TEMPLATE_NAME,
        false,
        tlv(0x1e, &super::write::bmp(name)?),
    ))
}

/// An extension from already-encoded contents. Every caller passes a few dozen bytes, far
/// below OctetString's 256 MiB limit.
fn extension(oid: ObjectIdentifier, critical: bool, der: Vec<u8>) -> Extension {
    Extension {
        extn_id: oid,
        critical,
        // Over 256 MiB (impossible for these values) would give an empty value, not a panic.
        #[allow(clippy::expect_used)] // an empty OCTET STRING is always within the limit
        extn_value: OctetString::new(der)
            .or_else(|_| OctetString::new(Vec::new()))
            .expect("an empty OCTET STRING is always encodable"),
    }
}

/// Looks up an EKU written by name (`serverAuth`, `Server Authentication`,
/// `szOID_PKIX_KP_SERVER_AUTH`…), for hints: the `{text}` form itself takes only OIDs.
pub fn eku_by_name(name: &str) -> Option<(ObjectIdentifier, &'static str)> {
    const NAMES: &[(&str, &str, ObjectIdentifier)] = &[
        ("serverauth", "szoid_pkix_kp_server_auth", oid::SERVER_AUTH),
        ("clientauth", "szoid_pkix_kp_client_auth", oid::CLIENT_AUTH),
        (
            "codesigning",
            "szoid_pkix_kp_code_signing",
            oid::CODE_SIGNING,
        ),
        (
            "emailprotection",
            "szoid_pkix_kp_email_protection",
            oid::EMAIL_PROTECTION,
        ),
        (
            "timestamping",
            "szoid_pkix_kp_timestamp_signing",
            oid::TIME_STAMPING,
        ),
        (
            "ocspsigning",
            "szoid_pkix_kp_ocsp_signing",
            oid::OCSP_SIGNING,
        ),
        (
            "smartcardlogon",
            "szoid_kp_smartcard_logon",
            oid::SMART_CARD_LOGON,
        ),
        (
            "documentencryption",
            "szoid_document_encryption",
            oid::DOCUMENT_ENCRYPTION,
        ),
        ("kdcauthentication", "szoid_kp_kdc", oid::KDC_AUTH),
    ];
    let key: String = name
        .trim_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    NAMES.iter().find_map(|(short, sz, oid)| {
        let friendly = oid::friendly(oid);
        let long = friendly.map(|f| f.replace(' ', "").to_ascii_lowercase());
        (key == *short || key == *sz || long.as_deref() == Some(key.as_str()))
            .then(|| (*oid, friendly.unwrap_or("")))
    })
}

#[cfg(test)]
mod key_usage_tests {
    use super::key_usage_der;
    use der::Encode;
    use der::asn1::BitString;

    /// Every key usage value is written as der writes the same named-bit BIT STRING.
    #[test]
    fn every_key_usage_is_ders_bit_string() {
        for bits in 0..=u16::MAX {
            let bytes = [(bits & 0xff) as u8, (bits >> 8) as u8];
            let used = &bytes[..if bits > 0xff {
                2
            } else {
                usize::from(bits != 0)
            }];
            let unused = used.last().map_or(0, |b| b.trailing_zeros() as u8);
            let theirs = BitString::new(unused, used).unwrap().to_der().unwrap();
            assert_eq!(key_usage_der(bits), theirs, "{bits:#06x}");
        }
    }
}

#[cfg(test)]
mod template_name_tests {
    use super::template_name;
    use der::Encode;
    use der::asn1::BmpString;

    /// The hand-written BMPString is der's, byte for byte, and refuses what der refuses.
    #[test]
    fn the_template_name_is_ders_bmpstring() {
        let long = "W".repeat(200);
        for name in ["WebServer", "", "Ünïcødé-テンプレート", long.as_str()] {
            let ours = template_name(name).unwrap();
            let theirs = BmpString::from_utf8(name).unwrap().to_der().unwrap();
            assert_eq!(ours.extn_value.as_bytes(), &theirs[..], "{name}");
            assert!(!ours.critical);
        }
        assert!(template_name("a\u{1F600}").is_none());
        assert!(BmpString::from_utf8("a\u{1F600}").is_err());
    }
}
