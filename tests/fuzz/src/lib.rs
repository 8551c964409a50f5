//! The properties the fuzz targets check, beyond "no panic": diagnostics point inside their
//! text on char boundaries, a request that lowers without errors encodes and decodes back to
//! what was planned, and the decoder never prints private key material.
//!
//! A fuzz target reports a broken property by panicking, so this crate unwraps and asserts
//! freely (the workspace's no-unwrap rule is for the product, and this crate is not in it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use certreq_inf::diag::{Diagnostic, LocalDiag};
use certreq_pkix::alg::{KeyAlgorithm, SignatureScheme};
use certreq_pkix::oid;
use certreq_pkix::tlv::tlv;
use certreq_request::encode::{ClientInfo, EncodeError, prepare, prepare_certificate};
use certreq_request::model::{NewRequest, RequestType};
use der::{Decode, Encode};
use x509_cert::ext::Extension;

pub mod infdoc;

/// Every diagnostic's span lies within `text` and starts and ends on char boundaries.
pub fn check_spans(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        check_range(text, &d.span, d.code);
    }
}

/// The same for diagnostics located within one value.
pub fn check_local(text: &str, diags: &[LocalDiag]) {
    for d in diags {
        check_range(text, &d.range, d.code);
    }
}

fn check_range(text: &str, range: &core::ops::Range<usize>, code: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{code}: span {range:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{code}: span {range:?} not on char boundaries of {text:?}"
    );
}

/// A SubjectPublicKeyInfo of the planned algorithm and size (not a usable key: the signature
/// is a dummy too). `None` for an RSA size no modulus has.
pub fn spki_for(algorithm: KeyAlgorithm) -> Option<Vec<u8>> {
    let (alg, key) = match algorithm {
        KeyAlgorithm::Rsa { bits } => {
            let bits = usize::try_from(bits).ok().filter(|&b| b >= 2)?;
            let mut n = vec![0u8; bits.div_ceil(8)];
            n[0] = 1 << ((bits - 1) % 8);
            *n.last_mut()? |= 1;
            if n[0] & 0x80 != 0 {
                n.insert(0, 0);
            }
            let mut rsa = tlv(0x02, &n);
            rsa.extend(tlv(0x02, &[1, 0, 1]));
            let mut alg = oid::RSA_ENCRYPTION.to_der().ok()?;
            alg.extend([0x05, 0x00]);
            (alg, tlv(0x30, &rsa))
        }
        KeyAlgorithm::Ecdsa(curve) => {
            let mut alg = oid::EC_PUBLIC_KEY.to_der().ok()?;
            alg.extend(curve.oid().to_der().ok()?);
            let mut point = vec![0u8; curve.point_len()];
            point[0] = 4;
            (alg, point)
        }
    };
    let mut bits = vec![0u8];
    bits.extend(key);
    let mut body = tlv(0x30, &alg);
    body.extend(tlv(0x03, &bits));
    Some(tlv(0x30, &body))
}

/// A signature of the right shape for `scheme` (ECDSA: a DER Ecdsa-Sig-Value).
pub fn dummy_signature(scheme: SignatureScheme) -> Vec<u8> {
    match scheme {
        SignatureScheme::Ecdsa(_) => vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
        _ => vec![0x5a; 256],
    }
}

/// The extensions the request should carry: its own, with the subject key identifier at its
/// place.
fn planned_extensions(request: &NewRequest, spki: &[u8]) -> Vec<Extension> {
    let mut extensions = request.extensions.clone();
    if request.subject_key_identifier {
        let at = request.ski_position.min(extensions.len());
        extensions.insert(at, certreq_request::ext::subject_key_identifier(spki));
    }
    extensions
}

/// A request that lowered without errors encodes (with a key of the planned kind and a dummy
/// signature), and x509-cert decodes it back to the same subject, key, signature algorithm,
/// extensions and attributes. `RequestType = Cert` also makes a certificate that decodes back
/// to the same subject (as issuer too) and extensions.
pub fn check_request(request: &NewRequest) {
    let Some(spki) = spki_for(request.key.algorithm) else {
        return;
    };
    let client = ClientInfo::example();
    let unsigned = prepare(request, &spki, &client)
        .unwrap_or_else(|e| panic!("a request that lowered without errors does not encode: {e}"));
    let der = unsigned
        .finish(&dummy_signature(unsigned.scheme))
        .expect("finish");
    let req = x509_cert::request::CertReq::from_der(&der)
        .unwrap_or_else(|e| panic!("x509-cert does not decode the request: {e}"));
    assert_eq!(req.info.subject, request.subject, "subject");
    assert_eq!(req.info.public_key.to_der().unwrap(), spki, "public key");
    assert_eq!(
        req.algorithm,
        request.signature.algorithm_identifier().unwrap(),
        "signature algorithm"
    );
    let extensions = planned_extensions(request, &spki);
    let mut found_extensions = None;
    let mut pairs = Vec::new();
    let mut defaults = 0;
    for attr in req.info.attributes.iter() {
        let values: Vec<_> = attr.values.iter().collect();
        assert_eq!(
            values.len(),
            1,
            "attribute {} with {} values",
            attr.oid,
            values.len()
        );
        let value = values[0].to_der().unwrap();
        match attr.oid {
            oid::EXTENSION_REQUEST => {
                assert!(found_extensions.is_none(), "two extension requests");
                found_extensions = Some(Vec::<Extension>::from_der(&value).unwrap());
            }
            oid::NAME_VALUE_PAIR => {
                let pair = certreq_pkix::msattr::NameValuePair::from_der(&value).unwrap();
                pairs.push((pair.name.to_string(), pair.value.to_string()));
            }
            oid::OS_VERSION | oid::CLIENT_INFO | oid::ENROLLMENT_CSP => defaults += 1,
            other => panic!("an attribute nobody asked for: {other}"),
        }
    }
    assert_eq!(
        found_extensions.unwrap_or_default(),
        extensions,
        "extensions"
    );
    let mut planned_pairs = request.name_value_pairs.clone();
    planned_pairs.sort();
    pairs.sort();
    assert_eq!(pairs, planned_pairs, "name-value pairs");
    assert_eq!(
        defaults,
        if request.default_attributes { 3 } else { 0 },
        "default attributes"
    );

    if request.request_type == RequestType::Cert {
        let (start, end) = request.validity.resolve(1_700_000_000);
        let unsigned = match prepare_certificate(request, &spki, start, end, &[0x11; 16]) {
            Ok(unsigned) => unsigned,
            // validity the INF may ask for but no certificate can carry: refused with a
            // message when the certificate is made
            Err(EncodeError::TimeOutOfRange { .. } | EncodeError::EndsBeforeStart) => return,
            Err(e) => panic!("a certificate that lowered without errors does not encode: {e}"),
        };
        let der = unsigned
            .finish(&dummy_signature(unsigned.scheme))
            .expect("finish");
        let cert = x509_cert::Certificate::from_der(&der)
            .unwrap_or_else(|e| panic!("x509-cert does not decode the certificate: {e}"));
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.subject(), &request.subject, "certificate subject");
        assert_eq!(tbs.issuer(), &request.subject, "certificate issuer");
        assert_eq!(
            tbs.extensions().cloned().unwrap_or_default(),
            extensions,
            "certificate extensions"
        );
    }
}

/// Decoded INF text through the reader and the lowering: spans inside the text, and a request
/// without errors encodes back to itself.
pub fn check_inf_text(text: &str) {
    let compiled = certreq_request::compile(text);
    check_spans(text, &compiled.diagnostics);
    if let Some(request) = &compiled.request {
        check_request(request);
    }
}

/// The byte runs the decoder's text shows in hex: the text cut at white space and colons, each
/// piece that is an even number of hex digits read as bytes, consecutive pieces joined (a hex
/// dump goes on across line breaks and indentation); any other piece ends a run. Reading whole
/// bytes keeps the check to what was printed: joining the digits of `ff bf ff` would find
/// `fbff` across two bytes, which no byte in the input holds.
pub fn printed_bytes(text: &str) -> Vec<Vec<u8>> {
    let mut runs = vec![Vec::new()];
    for piece in text.split(|c: char| c.is_whitespace() || c == ':') {
        if piece.is_empty() {
            continue;
        }
        let digits = piece.as_bytes();
        if digits.len() % 2 == 0 && digits.iter().all(u8::is_ascii_hexdigit) {
            let run = runs.last_mut().expect("never empty");
            for pair in digits.chunks(2) {
                let pair = std::str::from_utf8(pair).expect("ascii");
                run.push(u8::from_str_radix(pair, 16).expect("hex digits"));
            }
        } else if !runs.last().expect("never empty").is_empty() {
            runs.push(Vec::new());
        }
    }
    runs
}

/// What the decoder prints of `bytes` never shows `secret` as bytes in hex (in any case, with
/// any spacing or line breaks between the bytes).
pub fn check_dump_hides(bytes: &[u8], secret: &[u8]) {
    let Ok(dump) = certreq_read::dump::dump(bytes) else {
        return;
    };
    let text = certreq_read::dump::render_text(&dump);
    let leaked = printed_bytes(&text)
        .iter()
        .any(|run| run.windows(secret.len()).any(|w| w == secret));
    assert!(
        !leaked,
        "the decoder printed private key bytes {:02x?}:\n{text}",
        secret
    );
}

#[cfg(test)]
mod tests {
    use super::printed_bytes;

    #[test]
    fn printed_bytes_are_read_whole_across_lines_and_never_across_digits() {
        let text = "OCTET STRING: ff FB ff\n      00:01 c5\n  [30]:\n    fbff";
        assert_eq!(
            printed_bytes(text),
            vec![vec![0xff, 0xfb, 0xff, 0x00, 0x01, 0xc5], vec![0xfb, 0xff]]
        );
        // `ff bf ff` holds no byte 0xfb
        assert!(!printed_bytes("ff bf ff").concat().contains(&0xfb));
    }
}

/// The private key octets of every PKCS #8 PrivateKeyInfo (as the `pkcs8` crate reads it) in
/// `der`, the whole of it or the DER of a PEM block, that are long enough not to turn up by
/// chance.
pub fn pkcs8_secrets(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut ders = vec![bytes.to_vec()];
    if let Ok(blocks) = certreq_pkix::pem::read(bytes) {
        ders.extend(blocks.into_iter().map(|b| b.der));
    }
    ders.iter()
        .filter_map(|der| pkcs8::PrivateKeyInfoRef::from_der(der).ok())
        .map(|info| info.private_key.as_bytes().to_vec())
        .filter(|secret| secret.len() >= 12)
        .collect()
}
