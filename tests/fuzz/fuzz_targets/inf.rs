//! A whole INF file as bytes: text decoding, the reader and the lowering. Diagnostics point
//! inside the text; a request that lowers without errors encodes and decodes back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = certreq_inf::text::decode(data);
    certreq_fuzz::check_inf_text(&decoded.text);
});
