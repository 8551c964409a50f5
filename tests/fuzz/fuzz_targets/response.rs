//! What CAs send back: a certificate, several, PKCS #7, a CMC response, in PEM, base64 or DER.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = certreq_read::response::parse(data) {
        let _ = response.leaf();
        for cert in response.certificates() {
            let _ = response.leaf_for(cert.spki_der());
        }
        let _ = certreq_enroll::issued(&response, data, None);
    }
});
