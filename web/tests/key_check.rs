//! The one key check (`services::crypto::check_key_pair`), which Generate (a stored key reused
//! with UseExistingKeySet) and the embedding API (a key pair passed in) both use, in headless
//! Chromium: `cargo test -p certreq-web --target wasm32-unknown-unknown --test key_check`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing
#![cfg(target_arch = "wasm32")]

use certreq_request::model::{Curve, Hash, KeyAlgorithm, SignatureScheme};
use certreq_web::embed::create_request;
use certreq_web::services::crypto::{self, check_key_pair};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::CryptoKeyPair;

wasm_bindgen_test_configure!(run_in_browser);

const RSA_2048: KeyAlgorithm = KeyAlgorithm::Rsa { bits: 2048 };
const PKCS1_SHA256: SignatureScheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
const P256: KeyAlgorithm = KeyAlgorithm::Ecdsa(Curve::P256);
const ECDSA_SHA256: SignatureScheme = SignatureScheme::Ecdsa(Hash::Sha256);

async fn pair(algorithm: KeyAlgorithm, scheme: SignatureScheme) -> (CryptoKeyPair, Vec<u8>) {
    let keys = crypto::generate(algorithm, scheme, false).await.unwrap();
    let spki = crypto::export_spki(&keys.get_public_key()).await.unwrap();
    (keys, spki)
}

/// Why `check_key_pair` refuses, or "" when it takes the pair.
fn why(keys: &CryptoKeyPair, spki: &[u8], plan: KeyAlgorithm, scheme: SignatureScheme) -> String {
    match check_key_pair(spki, &keys.get_private_key(), plan, scheme) {
        Ok(()) => String::new(),
        Err(e) => e.0,
    }
}

#[wasm_bindgen_test]
async fn a_pair_made_as_the_inf_says_is_taken() {
    let (rsa, spki) = pair(RSA_2048, PKCS1_SHA256).await;
    assert_eq!(why(&rsa, &spki, RSA_2048, PKCS1_SHA256), "");
    let (ec, spki) = pair(P256, ECDSA_SHA256).await;
    assert_eq!(why(&ec, &spki, P256, ECDSA_SHA256), "");
    let pss = SignatureScheme::RsaPss(Hash::Sha384);
    let (rsa_pss, spki) = pair(RSA_2048, pss).await;
    assert_eq!(why(&rsa_pss, &spki, RSA_2048, pss), "");
}

#[wasm_bindgen_test]
async fn the_type_size_and_curve_come_from_the_public_key() {
    let (rsa, rsa_spki) = pair(RSA_2048, PKCS1_SHA256).await;
    let size = why(
        &rsa,
        &rsa_spki,
        KeyAlgorithm::Rsa { bits: 3072 },
        PKCS1_SHA256,
    );
    assert_eq!(
        size,
        "the RSA key has 2048 bits, but the request plans 3072"
    );

    let (ec, spki) = pair(P256, ECDSA_SHA256).await;
    let curve = why(&ec, &spki, KeyAlgorithm::Ecdsa(Curve::P384), ECDSA_SHA256);
    assert!(curve.contains("P-384"), "{curve}");

    // an RSA key for an ECDSA plan: refused by its algorithm first
    let kind = why(&rsa, &spki, P256, ECDSA_SHA256);
    assert!(
        kind.contains("RSASSA-PKCS1-v1_5") && kind.contains("ECDSA"),
        "{kind}"
    );
    // an ECDSA private key beside an RSA public key: the public key's own type is refused
    let public = why(&ec, &rsa_spki, P256, ECDSA_SHA256);
    assert_eq!(
        public,
        "the public key is 1.2.840.113549.1.1.1, but the request plans an EC key"
    );
}

#[wasm_bindgen_test]
async fn the_public_key_must_be_a_valid_point_of_the_curve() {
    let (ec, mut spki) = pair(P256, ECDSA_SHA256).await;
    // the uncompressed point's leading 0x04 made 0x02 (a compressed point's marker)
    let at = spki.len() - 65;
    assert_eq!(spki[at], 4);
    spki[at] = 2;
    let point = why(&ec, &spki, P256, ECDSA_SHA256);
    assert_eq!(
        point,
        "the EC public key is not an uncompressed P-256 point"
    );
    assert_eq!(
        why(&ec, &[0x30, 0x00], P256, ECDSA_SHA256),
        "the public key is not a SubjectPublicKeyInfo"
    );
}

#[wasm_bindgen_test]
async fn an_rsa_key_is_held_to_the_hash_web_crypto_bound_it_to() {
    let (rsa, spki) = pair(RSA_2048, SignatureScheme::RsaPkcs1(Hash::Sha384)).await;
    assert_eq!(
        why(&rsa, &spki, RSA_2048, PKCS1_SHA256),
        "the private key is bound to SHA-384, but the INF asks for SHA-256 (HashAlgorithm)"
    );
    let pss = why(&rsa, &spki, RSA_2048, SignatureScheme::RsaPss(Hash::Sha384));
    assert!(pss.contains("RSA-PSS"), "the padding is bound too: {pss}");
}

#[wasm_bindgen_test]
async fn an_ec_private_key_on_another_curve_is_refused_even_with_a_matching_public_key() {
    let (p256, spki) = pair(P256, ECDSA_SHA256).await;
    let (p384, _) = pair(KeyAlgorithm::Ecdsa(Curve::P384), ECDSA_SHA256).await;
    let mixed = CryptoKeyPair::new(&p384.get_private_key(), &p256.get_public_key());
    assert_eq!(
        why(&mixed, &spki, P256, ECDSA_SHA256),
        "the private key is on P-384, but the INF asks for P-256 (KeyAlgorithm)"
    );
}

#[wasm_bindgen_test]
async fn a_key_that_may_not_sign_is_refused() {
    // a public key in the private key's place: same algorithm and curve, usage "verify"
    let (ec, spki) = pair(P256, ECDSA_SHA256).await;
    let verify_only = CryptoKeyPair::new(&ec.get_public_key(), &ec.get_public_key());
    assert_eq!(
        why(&verify_only, &spki, P256, ECDSA_SHA256),
        "the private key may not sign (its usages lack \"sign\")"
    );
}

/// `{publicKey, privateKey}` as a page would pass it.
/// Why the embedding API refuses to make the request of `inf` with `keys`: its error's message.
async fn refused(inf: &str, keys: &CryptoKeyPair) -> String {
    let e = create_request(inf.into(), as_js(keys)).await.unwrap_err();
    Reflect::get(&e, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn as_js(keys: &CryptoKeyPair) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"publicKey".into(), &keys.get_public_key()).unwrap();
    Reflect::set(&o, &"privateKey".into(), &keys.get_private_key()).unwrap();
    o.into()
}

#[wasm_bindgen_test]
async fn the_embedding_api_refuses_a_key_on_another_curve() {
    // the embedding API checked the curve already; it now goes through the one check, so
    // the public key's curve is refused even when the private key would do
    let (p384, _) = pair(KeyAlgorithm::Ecdsa(Curve::P384), ECDSA_SHA256).await;
    let inf = "[NewRequest]\nSubject = \"CN=ec.example\"\nKeyAlgorithm = ECDSA_P256\n";
    assert_eq!(
        refused(inf, &p384).await,
        "the EC key is not on P-256, which the request plans"
    );
}

#[wasm_bindgen_test]
async fn the_embedding_api_refuses_an_rsa_key_of_another_size() {
    let (rsa, _) = pair(KeyAlgorithm::Rsa { bits: 3072 }, PKCS1_SHA256).await;
    let inf = "[NewRequest]\nSubject = \"CN=rsa.example\"\nKeyLength = 2048\n";
    assert_eq!(
        refused(inf, &rsa).await,
        "the RSA key has 3072 bits, but the request plans 2048"
    );
}
