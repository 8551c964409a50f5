//! `[Extensions]` values: base64, `{hex}`, and the `{text}` grammars of every OID that has
//! one. Diagnostics inside the value; a value that parses is one DER element, and the known
//! extensions decode as their x509-cert types.
#![no_main]
#![allow(clippy::unwrap_used, clippy::panic)]
use certreq_pkix::oid::ObjectIdentifier;
use der::Decode;
use libfuzzer_sys::fuzz_target;
use x509_cert::ext::pkix;

const OIDS: &[&str] = &[
    "2.5.29.17",
    "2.5.29.37",
    "2.5.29.19",
    "2.5.29.15",
    "2.5.29.32",
    "2.5.29.30",
    "2.5.29.14",
    "2.5.29.54",
    "2.5.29.36",
    "1.3.6.1.4.1.311.20.2",
    "1.3.6.1.4.1.311.21.7",
    "1.3.6.1.4.1.311.21.10",
    "1.3.6.1.4.1.311.25.2",
    "1.2.840.113549.1.9.15",
    "1.2.3.4",
];

fuzz_target!(|input: (u8, &str)| {
    let (which, value) = input;
    let oid = ObjectIdentifier::new_unwrap(OIDS[usize::from(which) % OIDS.len()]);
    let (parsed, diags) = certreq_request::ext::parse_value(&oid, value);
    certreq_fuzz::check_local(value, &diags);
    let Some(parsed) = parsed else { return };
    // `{text}` values are built by this crate: they must be DER of the extension's type
    let body = value.trim_start();
    let body = match body.get(..10) {
        Some(p) if p.eq_ignore_ascii_case("{critical}") => body[10..].trim_start(),
        _ => body,
    };
    if !body
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("{text}"))
    {
        return;
    }
    let der = &parsed.der;
    let ok = match oid.to_string().as_str() {
        "2.5.29.17" => pkix::SubjectAltName::from_der(der).map(drop),
        "2.5.29.37" => pkix::ExtendedKeyUsage::from_der(der).map(drop),
        "2.5.29.19" => pkix::BasicConstraints::from_der(der).map(drop),
        "2.5.29.32" => pkix::CertificatePolicies::from_der(der).map(drop),
        "2.5.29.30" => pkix::NameConstraints::from_der(der).map(drop),
        "2.5.29.36" => pkix::PolicyConstraints::from_der(der).map(drop),
        _ => der::asn1::AnyRef::from_der(der).map(drop),
    };
    if let Err(e) = ok {
        panic!("{{text}} value for {oid} is not DER of its type: {e}: {der:02x?}");
    }
});
