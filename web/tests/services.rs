//! The browser services, in headless Chromium:
//! `cargo test -p certreq-web --target wasm32-unknown-unknown`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing
#![cfg(target_arch = "wasm32")]

use certreq_request::model::{Curve, Hash, KeyAlgorithm, SignatureScheme};
use certreq_web::services::store::{EntryState, RecordMeta};
use certreq_web::services::{crypto, files, store};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DATA: &[u8] = b"CertificationRequestInfo stand-in";

/// rsaEncryption, 1.2.840.113549.1.1.1, as it appears in an SPKI.
const RSA_OID: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];
/// prime256v1, 1.2.840.10045.3.1.7.
const P256_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// A non-extractable RSA 2048 key pair for RSASSA-PKCS1-v1_5 with SHA-256.
async fn rsa_2048() -> web_sys::CryptoKeyPair {
    let scheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
    crypto::generate(KeyAlgorithm::Rsa { bits: 2048 }, scheme, false)
        .await
        .unwrap()
}

/// A P-256 key pair for ECDSA with SHA-256, extractable or not.
async fn p256(extractable: bool) -> web_sys::CryptoKeyPair {
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    crypto::generate(KeyAlgorithm::Ecdsa(Curve::P256), scheme, extractable)
        .await
        .unwrap()
}

async fn sign_and_verify(algorithm: KeyAlgorithm, scheme: SignatureScheme, sig_len: usize) {
    let keys = crypto::generate(algorithm, scheme, false)
        .await
        .expect("generate");
    let raw = crypto::sign_raw(&keys.get_private_key(), scheme, DATA)
        .await
        .expect("sign");
    assert_eq!(raw.len(), sig_len);
    let public = keys.get_public_key();
    assert!(
        crypto::verify(&public, scheme, &raw, DATA)
            .await
            .expect("verify")
    );
    assert!(
        !crypto::verify(&public, scheme, &raw, b"other data")
            .await
            .expect("verify"),
        "a signature over other data must not verify"
    );
}

#[wasm_bindgen_test]
async fn rsa_2048_pkcs1_key_signs_and_verifies() {
    let scheme = SignatureScheme::RsaPkcs1(Hash::Sha256);
    sign_and_verify(KeyAlgorithm::Rsa { bits: 2048 }, scheme, 256).await;
}

#[wasm_bindgen_test]
async fn rsa_pss_key_signs_and_verifies_with_hash_length_salt() {
    let scheme = SignatureScheme::RsaPss(Hash::Sha384);
    sign_and_verify(KeyAlgorithm::Rsa { bits: 2048 }, scheme, 256).await;
}

#[wasm_bindgen_test]
async fn p256_key_signs_and_verifies() {
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    sign_and_verify(KeyAlgorithm::Ecdsa(Curve::P256), scheme, 64).await;
}

#[wasm_bindgen_test]
async fn spki_exports_carry_the_right_algorithm() {
    let rsa = rsa_2048().await;
    let spki = crypto::export_spki(&rsa.get_public_key()).await.unwrap();
    assert_eq!(spki[0], 0x30);
    assert!(spki.windows(RSA_OID.len()).any(|w| w == RSA_OID));
    assert!(spki.len() > 290, "a 2048-bit modulus: {} bytes", spki.len());

    let ec = p256(false).await;
    let spki = crypto::export_spki(&ec.get_public_key()).await.unwrap();
    assert_eq!(spki.len(), 91, "P-256 SPKI with an uncompressed point");
    assert!(spki.windows(P256_OID.len()).any(|w| w == P256_OID));
}

#[wasm_bindgen_test]
async fn ecdsa_sign_returns_der_that_matches_the_raw_signature() {
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = p256(false).await;
    let der = crypto::sign(&keys.get_private_key(), scheme, DATA)
        .await
        .unwrap();
    assert_eq!(der[0], 0x30, "a SEQUENCE");
    assert_eq!(
        usize::from(der[1]) + 2,
        der.len(),
        "short-form length covers the rest"
    );
    assert!((8..=72).contains(&der.len()));
    // the DER's two INTEGERs, r and s, made Web Crypto's raw r‖s (32 bytes each) again,
    // verify over the data
    let mut raw = [0u8; 64];
    let mut at = 2;
    for end in [32, 64] {
        assert_eq!(der[at], 0x02, "an INTEGER");
        let len = usize::from(der[at + 1]);
        let int = &der[at + 2..at + 2 + len];
        let int = int.strip_prefix(&[0]).unwrap_or(int);
        raw[end - int.len()..end].copy_from_slice(int);
        at += 2 + len;
    }
    assert_eq!(at, der.len(), "r and s are all of it");
    assert!(
        crypto::verify(&keys.get_public_key(), scheme, &raw, DATA)
            .await
            .unwrap(),
        "the DER signature verifies"
    );
}

#[wasm_bindgen_test]
async fn a_key_cannot_be_made_for_a_mismatched_scheme() {
    let err = crypto::generate(
        KeyAlgorithm::Ecdsa(Curve::P256),
        SignatureScheme::RsaPkcs1(Hash::Sha256),
        false,
    )
    .await
    .unwrap_err();
    assert!(err.0.contains("inconsistent"), "{err}");
}

fn meta(id: &str) -> RecordMeta {
    RecordMeta {
        id: id.into(),
        friendly_name: format!("test {id}"),
        created_ms: store::now_ms(),
        inf: "[NewRequest]\nSubject = \"CN=test\"\n".into(),
        state: EntryState::Pending,
        container: Some("container-1".into()),
        ..RecordMeta::default()
    }
}

#[wasm_bindgen_test]
async fn a_non_extractable_key_survives_indexeddb_and_still_signs() {
    let scheme = SignatureScheme::Ecdsa(Hash::Sha256);
    let keys = p256(false).await;
    assert!(!crypto::private_key_exportable(&keys.get_private_key()).await);
    let id = store::new_id();
    store::put(&store::StoredRequest {
        meta: meta(&id),
        request_der: vec![0x30, 0x00],
        keys: Some(keys),
    })
    .await
    .expect("put");

    let back = store::get_entry(&id)
        .await
        .expect("get")
        .expect("the record is there");
    assert_eq!(back.meta, meta(&id).with_created(back.meta.created_ms));
    // the records these tests store carry a request
    assert!(back.has_request());
    assert_eq!(back.request_der, vec![0x30, 0x00]);
    let keys = back.keys.expect("the key pair came back");
    let private = keys.get_private_key();
    assert!(!private.extractable());
    assert!(
        !crypto::private_key_exportable(&private).await,
        "exportKey(pkcs8) must be refused"
    );
    let raw = crypto::sign_raw(&private, scheme, DATA)
        .await
        .expect("sign after reload");
    assert!(
        crypto::verify(&keys.get_public_key(), scheme, &raw, DATA)
            .await
            .unwrap()
    );

    let listed = store::list().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r.meta.id == id && r.meta.state == EntryState::Pending)
    );
    store::delete(&id).await.unwrap();
    assert!(store::get_entry(&id).await.unwrap().is_none());
}

/// The CA an entry was sent to is kept with its record; a record written before it was kept
/// (no `ca_url`, no `ca_protocol`) still loads, without one.
#[wasm_bindgen_test]
async fn an_entrys_ca_is_kept_and_a_record_without_one_still_loads() {
    let id = store::new_id();
    let mut with_ca = meta(&id);
    with_ca.ca = Some(store::CaRef {
        protocol: "est".into(),
        url: "https://ca.example/.well-known/est".into(),
    });
    for m in [with_ca, meta(&id)] {
        store::put(&store::StoredRequest {
            meta: m.clone(),
            request_der: vec![0x30, 0x00],
            keys: None,
        })
        .await
        .unwrap();
        let back = store::get_entry(&id).await.unwrap().unwrap();
        assert_eq!(back.meta, m.with_created(back.meta.created_ms));
    }
    store::delete(&id).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_exportable_key_can_be_exported_after_a_round_trip() {
    let keys = p256(true).await;
    let id = store::new_id();
    store::put(&store::StoredRequest {
        meta: meta(&id),
        request_der: Vec::new(),
        keys: Some(keys),
    })
    .await
    .unwrap();
    let entry = store::get_entry(&id).await.unwrap().unwrap();
    // stored without a request (as a self-signed certificate is): no .req is offered for it
    assert!(!entry.has_request());
    let keys = entry.keys.unwrap();
    assert!(crypto::private_key_exportable(&keys.get_private_key()).await);
    store::delete(&id).await.unwrap();
}

#[wasm_bindgen(inline_js = r#"
// Records every link click instead of following it: the link's name and address, and what
// the address held when clicked (fetched at once: the app revokes its blob URL right after).
export function watch_downloads() {
  const clicked = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const held = fetch(this.href).then(r => r.blob())
      .then(b => b.arrayBuffer().then(bytes => [b.type, new Uint8Array(bytes)]));
    clicked.push({ download: this.download, href: this.href, held });
  };
  return { clicked, stop() { HTMLAnchorElement.prototype.click = click; } };
}
export async function still_there(href) {
  try { await fetch(href); return true; } catch (e) { return false; }
}
"#)]
extern "C" {
    fn watch_downloads() -> JsValue;
    async fn still_there(href: &str) -> JsValue;
}

#[wasm_bindgen_test]
async fn a_download_is_offered_under_its_name_with_its_bytes_and_type() {
    use js_sys::{Array, Promise, Reflect, Uint8Array};
    use wasm_bindgen_futures::JsFuture;
    let get = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).unwrap();
    let bytes: &[u8] = b"-----BEGIN NEW CERTIFICATE REQUEST-----\r\n\x00\xff";

    let watch = watch_downloads();
    let offered = files::download("test.req", "application/pkcs10", bytes);
    let stop: js_sys::Function = get(&watch, "stop").into();
    stop.call0(&watch).unwrap();
    offered.expect("download");

    let clicked = Array::from(&get(&watch, "clicked"));
    assert_eq!(clicked.length(), 1, "one link clicked");
    let link = clicked.get(0);
    assert_eq!(get(&link, "download").as_string().unwrap(), "test.req");
    let href = get(&link, "href").as_string().unwrap();
    assert!(href.starts_with("blob:"), "{href}");
    let held = JsFuture::from(Promise::from(get(&link, "held")))
        .await
        .expect("the link's address held the file when it was clicked");
    let held = Array::from(&held);
    assert_eq!(held.get(0).as_string().unwrap(), "application/pkcs10");
    assert_eq!(Uint8Array::from(held.get(1)).to_vec(), bytes);
    assert_eq!(
        still_there(&href).await.as_bool(),
        Some(false),
        "the blob URL is revoked once the link is clicked"
    );
}

#[wasm_bindgen_test]
async fn a_stored_rsa_key_fits_only_its_own_scheme_and_hash() {
    let keys = rsa_2048().await;
    let private = keys.get_private_key();
    let spki = crypto::export_spki(&keys.get_public_key()).await.unwrap();
    let rsa = KeyAlgorithm::Rsa { bits: 2048 };
    let fits = |scheme| crypto::check_key_pair(&spki, &private, rsa, scheme);
    assert_eq!(fits(SignatureScheme::RsaPkcs1(Hash::Sha256)), Ok(()));
    let err = fits(SignatureScheme::RsaPkcs1(Hash::Sha384)).unwrap_err();
    assert!(
        err.0.contains("SHA-256") && err.0.contains("SHA-384"),
        "{err}"
    );
    let err = fits(SignatureScheme::Ecdsa(Hash::Sha256)).unwrap_err();
    assert!(
        err.0.contains("RSASSA-PKCS1-v1_5") && err.0.contains("ECDSA"),
        "{err}"
    );

    let ec = p256(false).await;
    let ec_spki = crypto::export_spki(&ec.get_public_key()).await.unwrap();
    // an ECDSA key is not bound to a hash
    assert_eq!(
        crypto::check_key_pair(
            &ec_spki,
            &ec.get_private_key(),
            KeyAlgorithm::Ecdsa(Curve::P256),
            SignatureScheme::Ecdsa(Hash::Sha384)
        ),
        Ok(())
    );
}

#[wasm_bindgen_test]
async fn a_file_is_read_back_byte_for_byte() {
    let bytes: Vec<u8> = vec![0xFF, 0xFE, b'[', 0, b']', 0, 0x80, 0x00];
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, "x.inf").unwrap();
    assert_eq!(
        files::read_file(&file).await.unwrap(),
        ("x.inf".to_owned(), bytes)
    );
}

#[wasm_bindgen_test]
async fn persistence_is_answered() {
    // headless Chromium answers either way; the call must settle and not be "unsupported"
    assert_ne!(
        store::request_persistence().await,
        store::Persistence::Unsupported
    );
}

#[wasm_bindgen_test]
async fn a_missing_entry_reads_as_none() {
    assert!(store::get_entry("no-such-id").await.unwrap().is_none());
    // deleting what is not there is not an error (IndexedDB semantics)
    store::delete("no-such-id").await.unwrap();
}

#[wasm_bindgen_test]
fn container_names_compare_in_any_case_in_any_script() {
    use certreq_web::services::same_name_any_case;
    assert!(same_name_any_case("Web-Key", "wEB-kEY"));
    assert!(same_name_any_case("Schlüssel", "SCHLÜSSEL"));
    assert!(same_name_any_case("ΚΛΕΙΔΙ", "κλειδι"));
    assert!(!same_name_any_case("Schlüssel", "Schlussel"));
    assert!(!same_name_any_case("web-key", "web-key2"));
}
