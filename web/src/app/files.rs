//! Files in and out, as plain Rust: the names files are offered under, what the
//! decoder shows for a file, what a `.req` file holds and whether a file is a PFX (DER walked
//! with `certreq_pkix::tlv`, so the app links no decoder for them).

use certreq_pkix::oid::ObjectIdentifier;
use certreq_pkix::tlv::{self, Tlv};
use certreq_request::model::NewRequest;

/// A file name for an entry's certificate: its label made safe, with `extension`.
pub fn export_file_name(label: &str, extension: &str) -> String {
    let req = safe_file_name(label);
    let stem = req.strip_suffix(".req").unwrap_or(&req);
    let stem = if stem == "request" {
        "certificate"
    } else {
        stem
    };
    format!("{stem}.{extension}")
}

/// The file name to offer a request under: its label ([`label_for`]) made safe.
pub fn file_name_for(request: &NewRequest) -> String {
    safe_file_name(&label_for(request))
}

/// `label.req` with characters unsafe in file names replaced by `_`.
pub fn safe_file_name(label: &str) -> String {
    let safe: String = label
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.trim_matches(|c| c == '.' || c == '_').is_empty() {
        "request.req".into()
    } else {
        format!("{safe}.req")
    }
}

/// id-at-commonName (RFC 4519).
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The label to store a request under: the friendly name, else the subject's common name.
pub fn label_for(request: &NewRequest) -> String {
    request
        .friendly_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| {
            // the first common name, read as the preview reads attribute values (x509-cert's
            // own reading of it links a second decoder of directory strings)
            request
                .subject
                .iter_rdn()
                .flat_map(|rdn| rdn.iter())
                .find(|atv| atv.oid == COMMON_NAME)
                .map(|atv| certreq_pkix::name::attribute_text(&atv.value))
        })
        .unwrap_or_else(|| "unnamed request".into())
}

/// What the decoder's text box shows for a file: its text when it is text (PEM, base64;
/// UTF-8, or UTF-16 with its byte-order mark, as PowerShell 5's `>` writes), otherwise the
/// bytes as base64 in 64-character lines (which decode to the same bytes). Either way the
/// box's text reads as the file does, so Accept sends what was decoded.
pub fn decoder_text(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    use certreq_inf::text::{self, Encoding as Text};
    // the INF reader's decoding, taken only where it is exact: no Windows-1252 guess, nothing
    // replaced, no control characters (binary)
    let decoded = text::decode(bytes);
    match decoded.text {
        text if decoded.encoding != Text::Windows1252
            && !text
                .chars()
                .any(|c| c == '\u{fffd}' || c.is_control() && !matches!(c, '\r' | '\n' | '\t')) =>
        {
            text
        }
        _ => {
            let b64 = base64ct::Base64::encode_string(bytes);
            let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 1);
            for (i, c) in b64.chars().enumerate() {
                if i > 0 && i % 64 == 0 {
                    out.push('\n');
                }
                out.push(c);
            }
            out.push('\n');
            out
        }
    }
}

/// The subject (as text) and SubjectPublicKeyInfo DER of a PKCS #10 request (RFC 2986):
/// `SEQUENCE { CertificationRequestInfo { version 0, subject, subjectPKInfo, [0] attributes },
/// signatureAlgorithm, signature BIT STRING }`, walked with `core::tlv` (the CA that receives
/// it does the full parse; the app links no request decoder for this). `None` for anything
/// else, a certificate included.
pub fn pkcs10_subject_and_key(der: &[u8]) -> Option<(String, Vec<u8>)> {
    use certreq_pkix::tlv::{self, Tlv};
    let outer = tlv::only(der, 0x30)?;
    let Tlv {
        tag: 0x30,
        content: info,
        rest,
        ..
    } = tlv::read(outer)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30, rest, ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x03,
        rest: [],
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x02,
        content: [0],
        rest,
        ..
    } = tlv::read(info)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        whole: subject,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        whole: spki,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0xa0,
        rest: [],
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    Some((certreq_pkix::name::display_der(subject)?, spki.to_vec()))
}

/// Whether a file is a PFX (PKCS #12) to import rather than a certificate to accept: named
/// `.pfx` or `.p12`, or DER `PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, … }`.
pub fn looks_like_pfx(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pfx") || lower.ends_with(".p12") {
        return true;
    }
    let Some(pfx) = tlv::only(bytes, 0x30) else {
        return false;
    };
    matches!(
        tlv::read(pfx),
        Some(Tlv { tag: 0x02, content: [3], rest, .. })
            if tlv::read(rest).is_some_and(|auth_safe| auth_safe.tag == 0x30)
    )
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::request;

    #[test]
    fn file_names_come_from_the_friendly_name_or_the_common_name() {
        assert_eq!(
            file_name_for(&request(Some("web server"))),
            "web_server.req"
        );
        assert_eq!(file_name_for(&request(None)), "www.example.com.req");
        assert_eq!(file_name_for(&request(Some("  "))), "www.example.com.req");
        assert_eq!(safe_file_name("../.."), "request.req");
        assert_eq!(safe_file_name("a/b\\c:d"), "a_b_c_d.req");
    }

    #[test]
    fn certificates_are_offered_under_the_entry_name() {
        assert_eq!(export_file_name("web server", "cer"), "web_server.cer");
        assert_eq!(export_file_name("..", "pfx"), "certificate.pfx");
    }

    #[test]
    fn the_decoder_shows_text_files_as_text_and_the_rest_as_base64_of_the_same_bytes() {
        let pem = core::str::from_utf8(crate::app::testing::LEAF_PEM).unwrap();
        assert_eq!(decoder_text(pem.as_bytes()), pem);
        // UTF-16 with its byte-order mark, either order, and UTF-8 with one: the text
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(pem.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(pem.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bom: Vec<u8> = [0xEF, 0xBB, 0xBF].into_iter().chain(pem.bytes()).collect();
        for bytes in [le, be, bom] {
            assert_eq!(decoder_text(&bytes), pem);
        }
        // binary: base64 that reads back as the same bytes
        let der = certreq_pkix::pem::read(pem.as_bytes())
            .unwrap()
            .remove(0)
            .der;
        let shown = decoder_text(&der);
        assert_eq!(
            certreq_pkix::pem::read(shown.as_bytes()).unwrap()[0].der,
            der
        );
    }

    #[test]
    fn a_pfx_is_told_from_a_certificate_by_name_or_by_its_der() {
        let cert = certreq_pkix::pem::read(crate::app::testing::LEAF_PEM)
            .unwrap()
            .remove(0)
            .der;
        assert!(!looks_like_pfx("leaf.cer", &cert));
        assert!(looks_like_pfx("me.PFX", b"anything"));
        assert!(looks_like_pfx("me.p12", b""));
        // PFX { version 3, authSafe SEQUENCE { … } } under any name
        assert!(looks_like_pfx(
            "download",
            &[0x30, 0x05, 0x02, 0x01, 0x03, 0x30, 0x00]
        ));
        assert!(!looks_like_pfx(
            "download",
            &[0x30, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00]
        ));
    }

    #[test]
    fn a_request_file_is_read_as_x509_cert_reads_it_and_nothing_else_is_taken() {
        use der::{Decode, Encode};
        let corpus = std::env::var_os("CERTREQ_CORPUS").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        );
        let (mut requests, mut others) = (0, 0);
        for dir in ["req", "resp"] {
            for entry in std::fs::read_dir(corpus.join(dir)).expect("the corpus beside the repo") {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                for block in certreq_pkix::pem::read(&bytes).unwrap_or_default() {
                    let ours = pkcs10_subject_and_key(&block.der);
                    match x509_cert::request::CertReq::from_der(&block.der) {
                        Ok(req) => {
                            let subject = certreq_pkix::name::display(&req.info.subject);
                            let spki = req.info.public_key.to_der().unwrap();
                            assert_eq!(ours, Some((subject, spki)));
                            requests += 1;
                            // any cut is refused
                            for cut in [1, 2, block.der.len() / 2, block.der.len() - 1] {
                                assert_eq!(pkcs10_subject_and_key(&block.der[..cut]), None);
                            }
                        }
                        Err(_) => {
                            assert_eq!(ours, None, "{:02x?}", &block.der[..8]);
                            others += 1;
                        }
                    }
                }
            }
        }
        assert!(
            requests >= 6 && others >= 4,
            "{requests} requests, {others} others"
        );
    }
}
