//! Small encoding helpers: base64 and PEM with CRLF, percent-decoding, form and query parsing,
//! HTML escaping, and a minimal DER TLV writer/reader for the few structures built by hand.

use base64ct::{Base64, Encoding};
use certreq_pkix::cert::build_certs_only_pkcs7;
use der::Decode;

/// Base64 of `data` in lines of `width` characters, each ended by CRLF.
pub fn b64_lines(data: &[u8], width: usize) -> String {
    let flat = Base64::encode_string(data);
    let width = width.max(4);
    let mut out = String::with_capacity(flat.len() + flat.len() / width * 2 + 2);
    let bytes = flat.as_bytes();
    for chunk in bytes.chunks(width) {
        // base64 output is ASCII, so every chunk is valid UTF-8
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out
}

/// PEM with CRLF line ends and 64-character lines, as AD CS writes it.
pub fn pem_crlf(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\r\n{}-----END {label}-----\r\n",
        b64_lines(der, 64)
    )
}

/// Decodes base64 that may be wrapped in PEM armour with any label and may contain whitespace.
/// Returns `None` when the text is not base64.
pub fn decode_armoured_base64(text: &str) -> Option<Vec<u8>> {
    let mut b64 = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----") {
            continue;
        }
        b64.extend(line.chars().filter(|c| !c.is_whitespace()));
    }
    if b64.is_empty() {
        return None;
    }
    // tolerate missing padding
    while !b64.len().is_multiple_of(4) {
        if b64.len() % 4 == 1 {
            return None;
        }
        b64.push('=');
    }
    Base64::decode_vec(&b64).ok()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s`; `+` becomes a space when `plus_space` (form encoding). Invalid escapes
/// are kept literally; invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_val);
            let lo = bytes.get(i + 2).copied().and_then(hex_val);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
            out.push(b);
        } else if b == b'+' && plus_space {
            out.push(b' ');
        } else {
            out.push(b);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Name/value pairs of a query string or an `application/x-www-form-urlencoded` body, looked up
/// case-insensitively by name (AD CS accepts `ENC=b64` as well as `Enc=b64`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(s: &str) -> Params {
        let mut pairs = Vec::new();
        for part in s.split('&') {
            if part.is_empty() {
                continue;
            }
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (n, v),
                None => (part, ""),
            };
            pairs.push((percent_decode(name, true), percent_decode(value, true)));
        }
        Params(pairs)
    }

    pub fn parse_bytes(body: &[u8]) -> Params {
        Params::parse(&String::from_utf8_lossy(body))
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A degenerate certs-only CMS SignedData (RFC 5652; MS-WCCE's certificate chain format), with
/// the certificate set in DER order (strict parsers refuse it otherwise). Input that is not a
/// certificate is left out.
pub fn certs_only_pkcs7(certs: &[&[u8]]) -> Vec<u8> {
    build_certs_only_pkcs7(
        certs
            .iter()
            .copied()
            .filter(|c| x509_cert::Certificate::from_der(c).is_ok()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_case_insensitive_and_decoded() {
        let p = Params::parse(
            "ReqID=12&ENC=b64&CertAttrib=CertificateTemplate%3AWebServer%0D%0ASAN%3Adns%3Da.example+x",
        );
        assert_eq!(p.get("reqid"), Some("12"));
        assert_eq!(p.get("Enc"), Some("b64"));
        assert_eq!(
            p.get("certattrib"),
            Some("CertificateTemplate:WebServer\r\nSAN:dns=a.example x")
        );
        assert_eq!(p.get("missing"), None);
    }

    #[test]
    fn percent_decode_keeps_bad_escapes() {
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
        assert_eq!(percent_decode("a%20b+c", false), "a b+c");
        assert_eq!(percent_decode("%ff", true), "\u{fffd}");
    }

    #[test]
    fn pem_uses_crlf_and_64_columns() {
        let pem = pem_crlf("CERTIFICATE", &[0u8; 60]);
        let lines: Vec<&str> = pem.split("\r\n").collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
        assert_eq!(lines[3], "-----END CERTIFICATE-----");
        assert!(!pem.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn armoured_base64_accepts_any_label_and_whitespace() {
        let text = "-----BEGIN NEW CERTIFICATE REQUEST-----\r\nAAEC\r\nAw==\r\n-----END NEW CERTIFICATE REQUEST-----\r\n";
        assert_eq!(decode_armoured_base64(text), Some(vec![0, 1, 2, 3]));
        assert_eq!(decode_armoured_base64("AAECAw"), Some(vec![0, 1, 2, 3]));
        assert_eq!(decode_armoured_base64("not base64 !!"), None);
        assert_eq!(decode_armoured_base64(""), None);
    }

    #[test]
    fn certs_only_pkcs7_holds_every_certificate_in_der_order() {
        let pem = |text: &str| {
            pem_rfc7468::decode_vec(text.as_bytes())
                .expect("test certificate")
                .1
        };
        let leaf = pem(include_str!("../../tests/data/pfx-leaf.crt"));
        let ca = pem(include_str!("../../tests/data/pfx-ca.crt"));
        for order in [[&leaf, &ca], [&ca, &leaf]] {
            let p7 = certs_only_pkcs7(&[order[0], order[1]]);
            let parsed = certreq_read::response::parse(&p7).expect("a PKCS#7 the core reads");
            assert_eq!(parsed.certificates().len(), 2);
            // DER: decoding and re-encoding gives the same bytes, whatever the input order
            let ci = <cms::content_info::ContentInfo as der::Decode>::from_der(&p7).expect("DER");
            assert_eq!(der::Encode::to_der(&ci).unwrap(), p7);
        }
        assert_eq!(
            certs_only_pkcs7(&[&leaf, &ca]),
            certs_only_pkcs7(&[&ca, &leaf])
        );
    }

    #[test]
    fn html_escape_neutralises_markup_and_newlines() {
        assert_eq!(
            html_escape("a<b>\"c\"&\r\n"),
            "a&lt;b&gt;&quot;c&quot;&amp;  "
        );
    }
}
