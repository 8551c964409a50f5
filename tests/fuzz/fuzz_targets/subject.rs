//! `Subject` strings with any `X500NameFlags`: diagnostics inside the value, and a name that
//! parses encodes to DER that decodes back to it.
#![no_main]
#![allow(clippy::unwrap_used)]
use der::{Decode, Encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u32, &str)| {
    let (flags, value) = input;
    // mostly certreq's known flags, sometimes anything
    let known = certreq_request::subject::KNOWN_FLAGS;
    let flags = if flags & 0x8000_0000 != 0 {
        flags
    } else {
        flags & known
    };
    let (name, diags) = certreq_request::subject::parse_subject(value, flags);
    certreq_fuzz::check_local(value, &diags);
    if let Some(name) = name {
        let der = name.to_der().unwrap();
        assert_eq!(x509_cert::name::Name::from_der(&der).unwrap(), name);
    }
});
