//! The embedding API (`web/src/embed.rs`) in headless Chromium:
//! `cargo test -p certreq-web --target wasm32-unknown-unknown --test embed`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing
#![cfg(target_arch = "wasm32")]

use certreq_request::model::{Curve, Hash, KeyAlgorithm, SignatureScheme};
use certreq_web::embed::{compile, create_request, create_request_promise};
use certreq_web::services::crypto;
use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::CryptoKeyPair;
use x509_cert::request::CertReq;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}
fn string(v: &JsValue, key: &str) -> String {
    get(v, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}
fn number(v: &JsValue, key: &str) -> f64 {
    get(v, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

const RSA_INF: &str = "[NewRequest]\r\nSubject = \"CN=bench.example.com, O=Example, C=US\"\r\n\
KeyLength = 2048\r\nHashAlgorithm = SHA256\r\nSuppressDefaults = TRUE\r\n[Extensions]\r\n\
2.5.29.17 = \"{text}dns=bench.example.com&dns=www.bench.example.com\"\r\n";

#[wasm_bindgen_test]
fn compile_locates_errors_at_their_line_and_column() {
    let r = compile("[NewRequest]\nSubject = \"CN=é\"\nKeyLength = 2k\n");
    assert_eq!(get(&r, "ok").as_bool(), Some(false));
    assert!(get(&r, "preview").is_undefined());
    let diags: Array = get(&r, "diagnostics").unchecked_into();
    let d = diags
        .iter()
        .find(|d| string(d, "code") == "invalid-number")
        .expect("an invalid-number diagnostic");
    assert_eq!(string(&d, "severity"), "error");
    assert_eq!(string(&d, "message"), "`2k` is not a number");
    assert_eq!(
        (number(&d, "line"), number(&d, "column")),
        (3.0, 13.0),
        "the diagnostic starts at `2k`"
    );
    assert_eq!(
        (number(&d, "endLine"), number(&d, "endColumn")),
        (3.0, 15.0)
    );
    assert!(string(&d, "help").starts_with("write a decimal number"));
}

#[wasm_bindgen_test]
fn compile_passes_warnings_and_describes_the_request() {
    let r = compile("[NewRequest]\nKeyLenght = 2048\nSubject = \"CN=a\"\n");
    assert_eq!(get(&r, "ok").as_bool(), Some(true));
    let diags: Array = get(&r, "diagnostics").unchecked_into();
    let d = diags
        .iter()
        .find(|d| string(d, "code") == "unknown-key")
        .expect("an unknown-key warning");
    assert_eq!(string(&d, "severity"), "warning");
    assert_eq!((number(&d, "line"), number(&d, "column")), (2.0, 1.0));
    assert_eq!(
        (number(&d, "endLine"), number(&d, "endColumn")),
        (2.0, 10.0)
    );
    assert_eq!(string(&d, "help"), "did you mean `KeyLength`?");
    let preview = get(&r, "preview");
    let subject: Array = get(&preview, "subject").unchecked_into();
    let cn = Array::from(&subject.get(0)).get(0);
    assert_eq!(
        (string(&cn, "attribute"), string(&cn, "value")),
        ("CN".into(), "a".into())
    );
}

/// The DER request, its to-be-signed bytes and its signature bits.
fn parse(result: &JsValue) -> (CertReq, Vec<u8>, Vec<u8>) {
    let der = Uint8Array::new(&get(result, "der")).to_vec();
    let req = CertReq::from_der(&der).expect("the DER is a PKCS#10 request");
    let tbs = req.info.to_der().unwrap();
    let sig = req.signature.as_bytes().unwrap().to_vec();
    (req, tbs, sig)
}

#[wasm_bindgen_test]
async fn create_request_makes_a_key_and_a_request_that_verifies() {
    let r = create_request(RSA_INF.into(), JsValue::UNDEFINED)
        .await
        .expect("a request");
    let pem = string(&r, "pem");
    assert!(pem.starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n"));
    let (req, tbs, sig) = parse(&r);
    assert_eq!(
        req.info.subject.to_string(),
        "CN=bench.example.com,O=Example,C=US"
    );
    assert_eq!(sig.len(), 256);
    let keys: CryptoKeyPair = get(&r, "keyPair").unchecked_into();
    let scheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
    assert!(
        crypto::verify(&keys.get_public_key(), scheme, &sig, &tbs)
            .await
            .unwrap()
    );
    assert!(
        !crypto::verify(&keys.get_public_key(), scheme, &sig, b"other")
            .await
            .unwrap()
    );
    // the INF did not say Exportable: the browser refuses to hand out the private key
    assert!(!crypto::private_key_exportable(&keys.get_private_key()).await);
}

#[derive(Sequence)]
struct EcdsaSig<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

#[wasm_bindgen_test]
async fn create_request_signs_with_a_given_p256_key_pair() {
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
        .await
        .unwrap();
    let inf = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n\
               HashAlgorithm = SHA256\n";
    let r = create_request(inf.into(), keys.clone().into())
        .await
        .expect("a request");
    let returned = get(&get(&r, "keyPair"), "privateKey");
    assert!(
        returned == JsValue::from(keys.get_private_key()),
        "the given key pair is used"
    );
    let (_, tbs, sig) = parse(&r);
    let ecdsa = EcdsaSig::from_der(&sig).expect("DER Ecdsa-Sig-Value");
    let mut raw = vec![0u8; 64];
    for (half, at) in [(ecdsa.r.as_bytes(), 32), (ecdsa.s.as_bytes(), 64)] {
        raw[at - half.len()..at].copy_from_slice(half);
    }
    assert!(
        crypto::verify(&keys.get_public_key(), scheme, &raw, &tbs)
            .await
            .unwrap()
    );
}

#[wasm_bindgen_test]
async fn create_request_puts_each_given_key_pairs_own_public_key_in_its_request() {
    // the public key's SPKI is kept per CryptoKey after the first export: alternating two
    // pairs must still give each request its own key
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let inf = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n\
               HashAlgorithm = SHA256\n";
    let mut pairs = Vec::new();
    for _ in 0..2 {
        let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
            .await
            .unwrap();
        let spki = crypto::export_spki(&keys.get_public_key()).await.unwrap();
        pairs.push((keys, spki));
    }
    assert_ne!(pairs[0].1, pairs[1].1);
    for (keys, spki) in [&pairs[0], &pairs[1], &pairs[0], &pairs[1]] {
        let r = create_request(inf.into(), keys.clone().into())
            .await
            .expect("a request");
        let (req, _, _) = parse(&r);
        assert_eq!(&req.info.public_key.to_der().unwrap(), spki);
    }
}

#[wasm_bindgen_test]
async fn create_request_refuses_a_key_bound_to_another_hash() {
    let keys = crypto::generate(
        KeyAlgorithm::Rsa { bits: 2048 },
        SignatureScheme::RsaPkcs1(Hash::Sha384),
        false,
    )
    .await
    .unwrap();
    let e = create_request(RSA_INF.into(), keys.into())
        .await
        .unwrap_err();
    let message = string(&e, "message");
    assert!(message.contains("bound to SHA-384"), "{message}");
}

#[wasm_bindgen_test]
async fn a_key_pair_that_passed_once_is_still_checked_against_each_infs_plan() {
    // a pair that passed is remembered with what it passed for: the same pair for another
    // hash or curve must be refused all the same, and still pass for the first INF after
    let rsa = crypto::generate(
        KeyAlgorithm::Rsa { bits: 2048 },
        SignatureScheme::RsaPkcs1(Hash::Sha256),
        false,
    )
    .await
    .unwrap();
    let rsa_sha384 = RSA_INF.replace("SHA256", "SHA384");
    create_request(RSA_INF.into(), rsa.clone().into())
        .await
        .expect("the pair passes for the INF it was made for");
    let e = create_request(rsa_sha384, rsa.clone().into())
        .await
        .unwrap_err();
    let message = string(&e, "message");
    assert!(message.contains("bound to SHA-256"), "{message}");
    create_request(RSA_INF.into(), rsa.into())
        .await
        .expect("and again after a refusal");

    let ec = crypto::generate(
        KeyAlgorithm::Ecdsa(Curve::P256),
        SignatureScheme::Ecdsa(Hash::Sha256),
        false,
    )
    .await
    .unwrap();
    let p256 = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n";
    create_request(p256.into(), ec.clone().into())
        .await
        .expect("a P-256 pair for a P-256 INF");
    let e = create_request(p256.replace("P256", "P384"), ec.into())
        .await
        .unwrap_err();
    let message = string(&e, "message");
    assert!(message.contains("P-384"), "{message}");
}

#[wasm_bindgen_test]
async fn create_request_refuses_halves_of_two_key_pairs() {
    // each key on its own is what the INF plans: only a signature checked with the public key
    // tells that they do not belong together
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let inf = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n";
    let mut pairs = Vec::new();
    for _ in 0..2 {
        let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
            .await
            .unwrap();
        pairs.push(keys);
    }
    let mixed = CryptoKeyPair::new(&pairs[0].get_private_key(), &pairs[1].get_public_key());
    for attempt in ["first", "second"] {
        let e = create_request(inf.into(), mixed.clone().into())
            .await
            .expect_err(attempt);
        let message = string(&e, "message");
        assert!(message.contains("not one key pair"), "{attempt}: {message}");
    }
    // the same private key with its own public key still makes a request, after the refusals
    let own = CryptoKeyPair::new(&pairs[0].get_private_key(), &pairs[0].get_public_key());
    for _ in 0..2 {
        create_request(inf.into(), own.clone().into())
            .await
            .expect("a request from a whole pair");
    }
    // and a pair that passed once is refused when its public key is swapped afterwards
    let e = create_request(inf.into(), mixed.into()).await.unwrap_err();
    assert!(string(&e, "message").contains("not one key pair"));

    // a pair made for signing only (its public key has no `verify` usage) is one pair all the
    // same: the check verifies with the public key the request carries
    let params = js_sys::Object::new();
    Reflect::set(&params, &"name".into(), &"ECDSA".into()).unwrap();
    Reflect::set(&params, &"namedCurve".into(), &"P-256".into()).unwrap();
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let generating = subtle
        .generate_key_with_object(&params, false, &Array::of1(&"sign".into()))
        .unwrap();
    let sign_only: CryptoKeyPair = wasm_bindgen_futures::JsFuture::from(generating)
        .await
        .unwrap()
        .unchecked_into();
    create_request(inf.into(), sign_only.into())
        .await
        .expect("a request from a pair whose public key may not verify");
}

#[wasm_bindgen_test]
async fn create_request_follows_each_inf_it_is_given() {
    // the plan of an INF is kept for the next call with the same text: a call with another
    // text must make that text's request, and an INF with errors is refused every time
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
        .await
        .unwrap();
    let inf =
        |cn: &str| format!("[NewRequest]\nSubject = \"CN={cn}\"\nKeyAlgorithm = ECDSA_P256\n");
    for cn in ["a.example", "a.example", "b.example", "a.example"] {
        let r = create_request(inf(cn), keys.clone().into())
            .await
            .expect("a request");
        assert_eq!(parse(&r).0.info.subject.to_string(), format!("CN={cn}"));
    }
    let bad = format!("{}KeyLength = 2k\n", inf("a.example"));
    for attempt in ["first", "second"] {
        let e = create_request(bad.clone(), keys.clone().into())
            .await
            .expect_err(attempt);
        let message = string(&e, "message");
        assert!(
            message.contains("`2k` is not a number"),
            "{attempt}: {message}"
        );
    }
    let r = create_request(inf("a.example"), keys.clone().into())
        .await
        .expect("the INF without the error again");
    assert_eq!(parse(&r).0.info.subject.to_string(), "CN=a.example");
    // what a page without types may pass
    let e = wasm_bindgen_futures::JsFuture::from(create_request_promise(
        &JsValue::from(5),
        keys.into(),
    ))
    .await
    .unwrap_err();
    assert_eq!(string(&e, "message"), "the INF must be text (a string)");
}

#[wasm_bindgen_test]
async fn certificates_from_one_inf_are_each_made_anew() {
    // a kept plan holds no serial number or validity: each certificate draws its own
    let inf = "[NewRequest]\nSubject = \"CN=lab.example\"\nKeyAlgorithm = ECDSA_P256\n\
               RequestType = Cert\n";
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
        .await
        .unwrap();
    let mut serials = Vec::new();
    for _ in 0..2 {
        let r = create_request(inf.into(), keys.clone().into())
            .await
            .expect("a certificate");
        let der = Uint8Array::new(&get(&r, "der")).to_vec();
        let cert = x509_cert::Certificate::from_der(&der).expect("a certificate");
        serials.push(cert.tbs_certificate().serial_number().as_bytes().to_vec());
    }
    assert_ne!(
        serials[0], serials[1],
        "two certificates, one serial number"
    );
}

#[wasm_bindgen_test]
async fn create_request_refuses_an_inf_with_errors_and_says_where() {
    let e = create_request("[NewRequest]\nKeyLength = 2k\n".into(), JsValue::UNDEFINED)
        .await
        .unwrap_err();
    assert_eq!(
        string(&e, "message"),
        "the INF has errors: 2:13: `2k` is not a number"
    );
    let diags: Array = get(&e, "diagnostics").unchecked_into();
    assert!(diags.iter().any(|d| string(&d, "code") == "invalid-number"));
}

#[wasm_bindgen_test]
async fn a_public_key_that_cannot_be_exported_is_said_and_an_infs_errors_come_first() {
    // a pair whose public key was imported as not extractable: Web Crypto refuses its export,
    // and the page is told why
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, false)
        .await
        .unwrap();
    let spki = crypto::export_spki(&keys.get_public_key()).await.unwrap();
    let params = js_sys::Object::new();
    Reflect::set(&params, &"name".into(), &"ECDSA".into()).unwrap();
    Reflect::set(&params, &"namedCurve".into(), &"P-256".into()).unwrap();
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let importing = subtle
        .import_key_with_object(
            "spki",
            &Uint8Array::from(spki.as_slice()),
            &params,
            false,
            &Array::of1(&"verify".into()),
        )
        .unwrap();
    let locked: web_sys::CryptoKey = wasm_bindgen_futures::JsFuture::from(importing)
        .await
        .unwrap()
        .unchecked_into();
    let pair = CryptoKeyPair::new(&keys.get_private_key(), &locked);
    let inf = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n";
    let e = create_request(inf.into(), pair.clone().into())
        .await
        .unwrap_err();
    assert!(
        string(&e, "message").contains("cannot export the public key"),
        "{}",
        string(&e, "message")
    );
    // an INF with errors is refused for its errors, whatever became of the export
    let e = create_request("[NewRequest]\nKeyLength = 2k\n".into(), pair.into())
        .await
        .unwrap_err();
    assert_eq!(
        string(&e, "message"),
        "the INF has errors: 2:13: `2k` is not a number"
    );
}

#[wasm_bindgen_test]
async fn create_request_makes_a_self_signed_certificate_for_request_type_cert() {
    let inf = "[NewRequest]\nSubject = \"CN=lab.example\"\nKeyAlgorithm = ECDSA_P256\n\
               HashAlgorithm = SHA256\nRequestType = Cert\nValidityPeriod = Days\n\
               ValidityPeriodUnits = 7\n";
    let r = create_request(inf.into(), JsValue::UNDEFINED)
        .await
        .expect("a certificate");
    assert_eq!(string(&r, "kind"), "certificate");
    assert!(string(&r, "pem").starts_with("-----BEGIN CERTIFICATE-----\r\n"));
    let der = Uint8Array::new(&get(&r, "der")).to_vec();
    let cert = x509_cert::Certificate::from_der(&der).expect("the DER is a certificate");
    let tbs = cert.tbs_certificate();
    assert_eq!(tbs.issuer(), tbs.subject());
    let validity = tbs.validity();
    let lifetime = validity.not_after.to_unix_duration() - validity.not_before.to_unix_duration();
    assert_eq!(lifetime.as_secs(), 7 * 86_400);
    let now = js_sys::Date::now() / 1000.0;
    let start = validity.not_before.to_unix_duration().as_secs_f64();
    assert!(
        (start - now).abs() < 600.0,
        "valid from now: {start} vs {now}"
    );
    // the signature verifies with the key pair handed back, over the TBSCertificate
    let sig = EcdsaSig::from_der(cert.signature().as_bytes().unwrap()).unwrap();
    let mut raw = vec![0u8; 64];
    for (half, at) in [(sig.r.as_bytes(), 32), (sig.s.as_bytes(), 64)] {
        raw[at - half.len()..at].copy_from_slice(half);
    }
    let keys: CryptoKeyPair = get(&r, "keyPair").unchecked_into();
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let signed = tbs.to_der().unwrap();
    assert!(
        crypto::verify(&keys.get_public_key(), scheme, &raw, &signed)
            .await
            .unwrap()
    );
}
