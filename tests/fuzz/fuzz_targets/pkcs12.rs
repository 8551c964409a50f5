//! The PFX reader, with no password and with the seeds' password, MAC required or not.
#![no_main]
use certreq_read::pkcs12::{MacPolicy, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, pfx)) = data.split_first() else {
        return;
    };
    let password = if selector & 1 == 0 { "" } else { "password" };
    let policy = if selector & 2 == 0 {
        MacPolicy::Required
    } else {
        MacPolicy::AllowMissing
    };
    if let Ok(contents) = read(pfx, password, policy) {
        // what the reader decrypted is never printed by the decoder either
        if let Some(key) = &contents.private_key_pkcs8 {
            for secret in certreq_fuzz::pkcs8_secrets(key) {
                certreq_fuzz::check_dump_hides(key, &secret);
            }
        }
    }
});
