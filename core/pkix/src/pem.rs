//! PEM armor, read and written in one place.
//!
//! Reading is lenient: PEM of any label (CRLF or LF, text before and between blocks, RFC 1421
//! headers), bare base64, or DER. The label is reported but never trusted: AD CS writes
//! PKCS #7 under `CERTIFICATE`, and certreq writes CMC requests under `NEW CERTIFICATE
//! REQUEST`. Callers look at the content.
//!
//! Writing has one rule for every output: base64 in 64-column lines, each line (the armor
//! lines too) ended by CRLF, as certreq and AD CS write their files on Windows. The corpus
//! requests have LF line ends, but they were read out of git repositories, which commonly
//! normalise line ends on commit; every PEM reader accepts both. Bare base64 bodies (EST's
//! `application/pkcs10` and `application/pkcs7-mime` bodies, Web Enrollment's form fields)
//! use the same lines without the armor ([`base64_lines`]).

use base64ct::{Base64, Encoding};

/// One decoded object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The PEM label (`CERTIFICATE`, `PKCS7`…), `None` for DER or bare base64.
    pub label: Option<String>,
    /// The DER (or BER) bytes.
    pub der: Vec<u8>,
}

/// Why the input could not be read as PEM, base64 or DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArmorError {
    /// Nothing but whitespace.
    Empty,
    /// A `-----BEGIN` line without its `-----END` line.
    Unterminated { label: String },
    /// The base64 inside a PEM block (or the whole text) does not decode.
    BadBase64 { label: Option<String> },
    /// Neither text with base64 nor binary ASN.1.
    NotPemOrDer,
}

impl core::fmt::Display for ArmorError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ArmorError::Empty => f.write_str("the file is empty"),
            ArmorError::Unterminated { label } => write!(
                f,
                "the PEM block \"{label}\" has no \"-----END {label}-----\" line: the file may be cut short"
            ),
            ArmorError::BadBase64 { label: Some(label) } => write!(
                f,
                "the PEM block \"{label}\" does not hold valid base64: check that it was copied whole"
            ),
            ArmorError::BadBase64 { label: None } => f.write_str(
                "not PEM or DER: the text is neither a -----BEGIN block nor valid base64",
            ),
            ArmorError::NotPemOrDer => {
                f.write_str("not PEM or DER: expected -----BEGIN ... text, base64, or binary ASN.1")
            }
        }
    }
}

impl std::error::Error for ArmorError {}

/// Reads every object in `bytes`: all PEM blocks in order, else bare base64, else DER.
pub fn read(bytes: &[u8]) -> Result<Vec<Block>, ArmorError> {
    // Binary DER starts with a constructed SEQUENCE; text never does (0x30 is '0', but no PEM,
    // base64 of ASN.1 or certreq output starts with a digit zero followed by a length byte
    // that parses; we still fall back to text when DER framing fails).
    if bytes.first() == Some(&0x30) && der_frame_len(bytes) == Some(bytes.len()) {
        return Ok(vec![Block {
            label: None,
            der: bytes.to_vec(),
        }]);
    }
    let text = decode_text(bytes);
    if text.trim().is_empty() {
        return Err(ArmorError::Empty);
    }
    if text.contains("-----BEGIN") {
        return read_pem(&text);
    }
    // Bare base64 (certreq -submit accepts it; certutil -encode writes it without armor too).
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() || !compact.bytes().all(is_base64_char) {
        // BER with an indefinite length (RFC 5652 allows it; BouncyCastle writes it): the
        // reader makes it DER.
        if bytes.starts_with(&[0x30, 0x80]) {
            return Ok(vec![Block {
                label: None,
                der: bytes.to_vec(),
            }]);
        }
        // Binary with more after the first object: DER files one after another, then at
        // most whitespace or zero padding; else the whole (whose reader says what is wrong).
        if let Some(blocks) = der_objects(bytes) {
            return Ok(blocks);
        }
        if bytes.first() == Some(&0x30) && der_frame_len(bytes).is_some() {
            return Ok(vec![Block {
                label: None,
                der: bytes.to_vec(),
            }]);
        }
        return Err(ArmorError::NotPemOrDer);
    }
    match Base64::decode_vec(&compact) {
        Ok(der) if der.first() == Some(&0x30) => Ok(vec![Block { label: None, der }]),
        _ => Err(ArmorError::BadBase64 { label: None }),
    }
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// UTF-8 (lossy), or UTF-16 with a byte-order mark (what some Windows tools save).
fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |be: bool, rest: &[u8]| {
        let units = rest.chunks_exact(2).map(|c| match c {
            [a, b] if be => u16::from_be_bytes([*a, *b]),
            [a, b] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(false, rest),
        [0xFE, 0xFF, rest @ ..] => utf16(true, rest),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn read_pem(text: &str) -> Result<Vec<Block>, ArmorError> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = armor_label(line, "-----BEGIN ") else {
            continue;
        };
        let mut body = String::new();
        let mut ended = false;
        for inner in lines.by_ref() {
            if armor_label(inner, "-----END ").is_some() {
                ended = true;
                break;
            }
            // RFC 1421 headers (Proc-Type:, DEK-Info:) and blank lines carry no base64.
            if inner.contains(':') {
                continue;
            }
            body.extend(inner.chars().filter(|c| !c.is_whitespace()));
        }
        if !ended {
            return Err(ArmorError::Unterminated { label });
        }
        let der = Base64::decode_vec(&body).map_err(|_| ArmorError::BadBase64 {
            label: Some(label.clone()),
        })?;
        blocks.push(Block {
            label: Some(label),
            der,
        });
    }
    if blocks.is_empty() {
        return Err(ArmorError::NotPemOrDer);
    }
    Ok(blocks)
}

/// `-----BEGIN LABEL-----` → `LABEL` (also tolerates missing trailing dashes).
fn armor_label(line: &str, prefix: &str) -> Option<String> {
    let start = line.find(prefix)?;
    let rest = line.get(start + prefix.len()..)?;
    Some(rest.trim_end_matches('-').trim().to_string())
}

/// The total length of the first DER TLV in `bytes`, when all of it is there.
fn der_frame_len(bytes: &[u8]) -> Option<usize> {
    crate::tlv::Tlv::read(bytes).map(|t| t.whole.len())
}

/// Each DER SEQUENCE in `bytes`, one after another, with nothing but whitespace or NULs after
/// the last; `None` when there is none or something else follows.
fn der_objects(mut bytes: &[u8]) -> Option<Vec<Block>> {
    let mut blocks = Vec::new();
    while bytes.first() == Some(&0x30) {
        let Some(len) = der_frame_len(bytes) else {
            break;
        };
        blocks.push(Block {
            label: None,
            der: bytes[..len].to_vec(),
        });
        bytes = &bytes[len..];
    }
    let padding = bytes.iter().all(|&b| b == 0 || b.is_ascii_whitespace());
    (!blocks.is_empty() && padding).then_some(blocks)
}

/// The labels this project writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Label {
    /// `NEW CERTIFICATE REQUEST`: certreq's label for PKCS #10, CMC and PKCS #7 requests.
    #[default]
    NewCertificateRequest,
    /// `CERTIFICATE REQUEST` (RFC 7468), which more tools accept for a PKCS #10 request.
    CertificateRequest,
    /// `CMS` (RFC 7468): a CMC or PKCS #7 request written with `-rfc7468`.
    Cms,
    /// `CERTIFICATE`: a certificate, and (as AD CS writes it) a certs-only PKCS #7 chain.
    Certificate,
    /// `PKCS7` (RFC 7468): a certs-only PKCS #7.
    Pkcs7,
    /// `X509 CRL`.
    Crl,
}

impl Label {
    /// The text between `-----BEGIN ` and `-----`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::NewCertificateRequest => "NEW CERTIFICATE REQUEST",
            Label::CertificateRequest => "CERTIFICATE REQUEST",
            Label::Cms => "CMS",
            Label::Certificate => "CERTIFICATE",
            Label::Pkcs7 => "PKCS7",
            Label::Crl => "X509 CRL",
        }
    }
}

/// Base64 of `der` in 64-column lines, each ended by CRLF (nothing for nothing).
pub fn base64_lines(der: &[u8]) -> String {
    let b64 = Base64::encode_string(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 32 + 2);
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push_str("\r\n");
        rest = tail;
    }
    out
}

/// Armors DER as PEM text: the BEGIN line, the base64 in 64-column lines, the END line, all
/// ended by CRLF. Written by `pem-rfc7468`, RustCrypto's encoder; every [`Label`] is a label
/// it takes (a test holds that), so the empty string it would give otherwise never happens.
pub fn write(label: Label, der: &[u8]) -> String {
    pem_rfc7468::encode_string(label.as_str(), pem_rfc7468::LineEnding::CRLF, der)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_blocks_with_crlf_and_leading_text() {
        let text = "Subject: x\r\n-----BEGIN CERTIFICATE-----\r\nMAMCAQE=\r\n-----END CERTIFICATE-----\r\n\
                    junk\n-----BEGIN PKCS7-----\nMAMCAQI=\n-----END PKCS7-----\n";
        let blocks = read(text.as_bytes()).unwrap();
        assert_eq!(
            blocks,
            vec![
                Block {
                    label: Some("CERTIFICATE".into()),
                    der: vec![0x30, 3, 2, 1, 1]
                },
                Block {
                    label: Some("PKCS7".into()),
                    der: vec![0x30, 3, 2, 1, 2]
                },
            ]
        );
    }

    #[test]
    fn reads_der_and_bare_base64() {
        assert_eq!(
            read(&[0x30, 3, 2, 1, 1]).unwrap()[0].der,
            [0x30, 3, 2, 1, 1]
        );
        assert_eq!(
            read(b"MAMC\r\nAQE=\r\n").unwrap()[0].der,
            [0x30, 3, 2, 1, 1]
        );
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(read(b"  \n"), Err(ArmorError::Empty));
        assert_eq!(read(b"hello, world!"), Err(ArmorError::NotPemOrDer));
        assert_eq!(
            read(b"-----BEGIN X-----\nMAMC\n").unwrap_err().to_string(),
            "the PEM block \"X\" has no \"-----END X-----\" line: the file may be cut short"
        );
        assert_eq!(
            read(b"-----BEGIN X-----\nM!!!\n-----END X-----").unwrap_err(),
            ArmorError::BadBase64 {
                label: Some("X".into())
            }
        );
    }

    #[test]
    fn armors_with_crlf_and_64_columns() {
        let pem = write(Label::Pkcs7, &[0u8; 60]);
        let lines: Vec<&str> = pem.split("\r\n").collect();
        assert_eq!(lines[0], "-----BEGIN PKCS7-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[3], "-----END PKCS7-----");
        assert_eq!(read(pem.as_bytes()).unwrap()[0].der, vec![0u8; 60]);
    }

    #[test]
    fn every_label_is_written_and_read_back() {
        for label in [
            Label::NewCertificateRequest,
            Label::CertificateRequest,
            Label::Cms,
            Label::Certificate,
            Label::Pkcs7,
            Label::Crl,
        ] {
            let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
            let text = write(label, &der);
            assert!(text.starts_with(&format!("-----BEGIN {}-----\r\n", label.as_str())));
            let blocks = read(text.as_bytes()).unwrap();
            assert_eq!(blocks[0].label.as_deref(), Some(label.as_str()));
            assert_eq!(blocks[0].der, der);
        }
    }

    #[test]
    fn bare_base64_lines_are_the_armor_without_its_lines() {
        let der = vec![7u8; 100];
        let text = write(Label::Certificate, &der);
        let body = base64_lines(&der);
        assert!(text.contains(&body));
        assert!(body.ends_with("\r\n"));
        assert_eq!(base64_lines(&[]), "");
    }

    #[test]
    fn pem_is_64_columns_with_crlf_and_the_certreq_label() {
        let der: Vec<u8> = (0u8..=99).collect();
        let pem = write(Label::default(), &der);
        let lines: Vec<&str> = pem.split("\r\n").collect();
        assert_eq!(lines[0], "-----BEGIN NEW CERTIFICATE REQUEST-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 136 - 128);
        assert_eq!(lines[4], "-----END NEW CERTIFICATE REQUEST-----");
        assert_eq!(lines[5], "");
        assert!(!pem.replace("\r\n", "").contains('\n'));
        let pem = write(Label::CertificateRequest, &der);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\r\n"));
        let (label, back) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
        assert_eq!((label, back), ("CERTIFICATE REQUEST", der));
    }
}
