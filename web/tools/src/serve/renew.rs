//! The INF that renews a stored certificate, read from the certificate itself: what the
//! store's Renew opens in the editor.

use certreq_pkix::alg::{Hash, KeyAlgorithm, SignatureScheme};
use certreq_pkix::cert::CertParts;
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::spki::SpkiParts;
use certreq_pkix::tlv;
use certreq_wire::RenewalInfQuery;

/// The renewal INF for the query's certificate; with `same_key` the renewed certificate's key
/// is kept. What the certificate cannot say comes from the query: the hash an RSA key is bound
/// to (`HashAlgorithm`, when not SHA-256) and PSS (`AlternateSignatureAlgorithm`), which the
/// request and the old key's signature must use, and for a new key `Exportable = TRUE` when
/// the old key is.
pub fn inf(query: &RenewalInfQuery) -> Result<String, String> {
    let (der, same_key) = (query.certificate.as_slice(), query.same_key);
    let parts = CertParts::read(der).ok_or("this is not a certificate, so it cannot be renewed")?;
    let cert = certreq_read::response::certificate(der)
        .map_err(|e| format!("the certificate cannot be read: {e}"))?;
    let key = SpkiParts::read(parts.spki)
        .and_then(|k| k.key_algorithm())
        .ok_or(
            "the certificate's key is of a kind this app does not make, so it cannot renew it",
        )?;
    let mut out = String::from("; Renews the stored certificate ");
    out.push_str(&cert.thumbprint_sha1());
    out.push_str("\r\n[NewRequest]\r\n");
    out.push_str(&format!(
        "Subject = \"{}\"\r\n",
        cert.subject().replace('"', "\"\"")
    ));
    match key {
        KeyAlgorithm::Rsa { bits } => {
            out.push_str(&format!("KeyAlgorithm = RSA\r\nKeyLength = {bits}\r\n"));
        }
        KeyAlgorithm::Ecdsa(curve) => {
            let name = curve.web_crypto_name();
            let bits = name.trim_start_matches("P-");
            out.push_str(&format!(
                "KeyAlgorithm = ECDSA_P{bits}\r\nKeyLength = {bits}\r\n"
            ));
        }
    }
    out.push_str("RequestType = PKCS7\r\n");
    out.push_str(&format!("RenewalCert = \"{}\"\r\n", cert.thumbprint_sha1()));
    if let Some(scheme) = query.binding {
        if let SignatureScheme::RsaPss(_) = scheme {
            out.push_str("AlternateSignatureAlgorithm = TRUE\r\n");
        }
        if scheme.hash() != Hash::Sha256 {
            let name = scheme.hash().web_crypto_name().replace('-', "");
            out.push_str(&format!("HashAlgorithm = {name}\r\n"));
        }
    }
    if query.exportable && !same_key {
        out.push_str("Exportable = TRUE\r\n");
    }
    if same_key {
        out.push_str("UseExistingKeySet = TRUE\r\n");
    }
    let ext = |id: &ObjectIdentifier| parts.extension(id).map(|(_, value)| value);
    let names = ext(&oid::SUBJECT_ALT_NAME)
        .map(alt_names)
        .unwrap_or_default();
    if !names.is_empty() {
        out.push_str("\r\n[Extensions]\r\n2.5.29.17 = \"{text}\"\r\n");
        let last = names.len() - 1;
        for (i, n) in names.iter().enumerate() {
            let more = if i < last { "&" } else { "" };
            out.push_str(&format!("_continue_ = \"{n}{more}\"\r\n"));
        }
    }
    let ekus = ext(&oid::EXT_KEY_USAGE).map(oids).unwrap_or_default();
    if !ekus.is_empty() {
        out.push_str("\r\n[EnhancedKeyUsageExtension]\r\n");
        for e in ekus {
            out.push_str(&format!("OID = {e}\r\n"));
        }
    }
    if let Some(template) = template(&ext) {
        out.push_str(&format!(
            "\r\n[RequestAttributes]\r\nCertificateTemplate = \"{template}\"\r\n"
        ));
    }
    Ok(out)
}

/// The `{text}` entries of a SubjectAltName value: DNS names, e-mail addresses, IP
/// addresses and URLs (other kinds are left out).
fn alt_names(value: &[u8]) -> Vec<String> {
    let Some(items) = tlv::only(value, 0x30).and_then(tlv::items) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (tag, content) in items {
        let text = || String::from_utf8_lossy(content).into_owned();
        match tag {
            0x81 => out.push(format!("email={}", text())),
            0x82 => out.push(format!("dns={}", text())),
            0x86 => out.push(format!("url={}", text())),
            0x87 => {
                if let Some(ip) = ip_text(content) {
                    out.push(format!("ipaddress={ip}"));
                }
            }
            _ => {}
        }
    }
    out
}

fn ip_text(b: &[u8]) -> Option<String> {
    match b.len() {
        4 => Some(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])),
        16 => {
            let groups: Vec<String> = b
                .chunks(2)
                .map(|p| format!("{:x}", u16::from_be_bytes([p[0], p[1]])))
                .collect();
            Some(groups.join(":"))
        }
        _ => None,
    }
}

/// The OIDs of an ExtKeyUsageSyntax value, dotted.
fn oids(value: &[u8]) -> Vec<String> {
    tlv::only(value, 0x30)
        .and_then(tlv::items)
        .unwrap_or_default()
        .into_iter()
        .filter(|(tag, _)| *tag == 0x06)
        .filter_map(|(_, c)| ObjectIdentifier::from_bytes(c).ok())
        .map(|o| o.to_string())
        .collect()
}

/// The template the certificate names: version 1's name (a BMPString), or version 2's OID.
fn template<'a>(ext: &impl Fn(&ObjectIdentifier) -> Option<&'a [u8]>) -> Option<String> {
    if let Some(v) = ext(&oid::CERTIFICATE_TEMPLATE_NAME) {
        let t = tlv::read(v)?;
        if t.tag == 0x1e && t.content.len() % 2 == 0 {
            let units: Vec<u16> = t
                .content
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            return String::from_utf16(&units).ok().filter(|s| !s.is_empty());
        }
    }
    let v = ext(&oid::CERTIFICATE_TEMPLATE_INFO)?;
    let first = tlv::items(tlv::only(v, 0x30)?)?.into_iter().next()?;
    (first.0 == 0x06)
        .then(|| ObjectIdentifier::from_bytes(first.1).ok())
        .flatten()
        .map(|o| o.to_string())
}
