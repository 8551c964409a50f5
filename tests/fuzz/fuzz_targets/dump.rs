//! The decoder on any bytes (PEM of any label, base64, DER), rendered as text; a PKCS #8 key in
//! the input never shows in what is printed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dump) = certreq_read::dump::dump(data) else {
        return;
    };
    let _ = certreq_read::dump::render_text(&dump);
    for secret in certreq_fuzz::pkcs8_secrets(data) {
        certreq_fuzz::check_dump_hides(data, &secret);
    }
});
