//! The reference's examples are lines users copy: each [NewRequest] example, put in an INF
//! of its own, must compile without an error at that line.

use certreq_inf::diag::Severity;

/// Keys whose example needs more than an INF to compile, and what it needs.
const NEEDS_MORE: &[(&str, &str)] = &[
    ("RenewalCert", "a certificate in the store"),
    ("UseExistingKeySet", "a key in the store (KeyContainer)"),
    ("KeyContainer", "a key in the store"),
    ("PrivateKeyArchive", "the CA's exchange certificate (-xchg)"),
    ("RequesterName", "a signing certificate (-cert)"),
];

#[test]
fn every_new_request_example_compiles_without_an_error_at_its_line() {
    for (key, _) in NEEDS_MORE {
        assert!(
            certreq_keydocs::lookup_in("NewRequest", key).is_some(),
            "{key} is no [NewRequest] key of the reference"
        );
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    for doc in certreq_keydocs::keys_in("NewRequest") {
        if NEEDS_MORE
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(doc.key))
        {
            continue;
        }
        // a self-signed certificate where the example's key only applies there
        let text = format!(
            "[NewRequest]\nSubject = \"CN=example\"\nRequestType = Cert\n{}\n",
            doc.example
        );
        let text = if doc.example.to_ascii_lowercase().starts_with("requesttype") {
            format!("[NewRequest]\nSubject = \"CN=example\"\n{}\n", doc.example)
        } else {
            text
        };
        let line = text.find(doc.example).unwrap();
        let line = line..line + doc.example.len();
        let compiled = certreq_request::compile(&text);
        for d in &compiled.diagnostics {
            if d.severity == Severity::Error && d.span.start < line.end && line.start < d.span.end {
                failures.push(format!("{}: {} ({})", doc.key, d.message, doc.example));
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "{checked} examples");
    assert!(failures.is_empty(), "{failures:#?}");
}
