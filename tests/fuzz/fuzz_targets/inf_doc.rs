//! INF documents built from the schema's sections, keys and tokens (most of them lower), with
//! the same properties as `inf`.
#![no_main]
use certreq_fuzz::infdoc::Doc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|doc: Doc| {
    certreq_fuzz::check_inf_text(&doc.0);
});
