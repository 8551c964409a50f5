//! Requests as devca reads them: certreq-pkix's CMC reader, then devca's PKCS #10 and CMC
//! parsing and signature checks (the same functions the server calls).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(cmc) = certreq_pkix::cmc::read(data) {
        let _ = cmc.verify_digest();
        let _ = cmc.hash();
    }
    let _ = certreq_pkix::cmc::pkcs10_of(data);
    let _ = certreq_pkix::cmc::pkcs10_in_any(data);
    let _ = devca::csr::parse_and_verify(data);
    let _ = devca::csr::parse_and_verify_pkcs10(data);
    let _ = certreq_enroll::request_spki(data);
});
