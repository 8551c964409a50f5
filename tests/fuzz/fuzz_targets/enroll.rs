//! Web Enrollment result pages, certificate downloads, EST answers and the enrollment steps
//! reading an answer in any state. The input: two bytes of HTTP status, one choosing the
//! step's state, one choosing the Content-Type and Retry-After, then the body (so a page or a
//! certificate is a seed as it is, behind four bytes).
#![no_main]
use certreq_enroll::steps;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[&str] = &[
    "text/html",
    "application/pkix-cert",
    "application/pkcs7-mime",
    "application/pkcs7-mime; smime-type=certs-only",
    "application/x-pkcs7-certificates",
    "application/octet-stream",
    "text/plain; charset=utf-8",
    "",
];
const RETRY_AFTER: &[&str] = &["", "10", "1", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "x"];

fuzz_target!(|data: &[u8]| {
    let [hi, lo, which, types, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*hi, *lo]) % 1000;
    let content_type = CONTENT_TYPES[usize::from(*types & 7)];
    let retry_after = RETRY_AFTER[usize::from(*types >> 3) % RETRY_AFTER.len()];
    let text = String::from_utf8_lossy(body);
    let _ = certreq_enroll::classify_page(&text);
    let _ = certreq_enroll::parse_renewals(&text);
    let _ = certreq_enroll::page_title(&text);
    let _ = certreq_enroll::classify_retrieval(content_type, body);
    let retry = Some(retry_after).filter(|s| !s.is_empty());
    let _ = certreq_enroll::classify_est(status, retry, content_type, body);
    let _ = certreq_enroll::body_summary(content_type, body);
    let answer = steps::Answer {
        status,
        content_type: content_type.to_string(),
        retry_after: retry_after.to_string(),
        body: body.to_vec(),
    };
    // a state the steps wrote themselves (what a real caller hands back), or some bytes
    // (the form of `Asked::to_state`)
    let state: Vec<u8> = match which % 4 {
        0 => b"submit\nhttps://ca.example/certsrv".to_vec(),
        1 => format!("fetch\n{}\nhttps://ca.example/certsrv", which >> 2).into_bytes(),
        2 => b"est".to_vec(),
        _ => body
            .iter()
            .take(usize::from(*which >> 2))
            .copied()
            .collect(),
    };
    let _ = steps::read(&state, "https://ca.example/certsrv/certfnsh.asp", &answer);
});
