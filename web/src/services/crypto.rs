//! Web Crypto: key pairs for a [`KeyPlan`], their public keys, and request signatures.
//!
//! The private key is made `extractable` only when the INF says `Exportable = TRUE`; otherwise
//! the browser itself refuses to hand it out ([`private_key_exportable`] checks that by asking).
//! `crypto.subtle` is looked up on the global object, so this also works in a worker.

use certreq_request::model::{Hash, KeyAlgorithm, SignatureScheme};
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};

use super::{ServiceError, get, set};

/// The public exponent every key gets: 65537, big-endian.
const F4: [u8; 3] = [0x01, 0x00, 0x01];

fn subtle() -> Result<SubtleCrypto, ServiceError> {
    thread_local! {
        /// `crypto.subtle`, looked up once (a page's or worker's never changes).
        static SUBTLE: JsValue = get(&get(&js_sys::global(), "crypto"), "subtle");
    }
    let subtle = SUBTLE.with(JsValue::clone);
    if subtle.is_undefined() || subtle.is_null() {
        return Err(ServiceError(
            "Web Crypto is not available here; open the page over https, from localhost or as a file"
                .into(),
        ));
    }
    Ok(subtle.unchecked_into())
}

async fn settle(promise: js_sys::Promise, doing: &str) -> Result<JsValue, ServiceError> {
    JsFuture::from(promise)
        .await
        .map_err(|e| ServiceError::js(doing, e))
}

/// Web Crypto's algorithm name for a signature scheme.
pub fn algorithm_name(scheme: SignatureScheme) -> &'static str {
    match scheme {
        SignatureScheme::RsaPkcs1(_) => "RSASSA-PKCS1-v1_5",
        SignatureScheme::RsaPss(_) => "RSA-PSS",
        SignatureScheme::Ecdsa(_) => "ECDSA",
    }
}

/// `RSA` or `EC`, for messages.
fn algorithm_family(algorithm: KeyAlgorithm) -> &'static str {
    match algorithm {
        KeyAlgorithm::Rsa { .. } => "RSA",
        KeyAlgorithm::Ecdsa(_) => "EC",
    }
}

/// The `generateKey` parameters for a key of `algorithm` used with `scheme`.
fn key_gen_params(
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
) -> Result<Object, ServiceError> {
    let params = Object::new();
    match (algorithm, scheme) {
        (
            KeyAlgorithm::Rsa { bits },
            SignatureScheme::RsaPkcs1(hash) | SignatureScheme::RsaPss(hash),
        ) => {
            set(&params, "name", &algorithm_name(scheme).into());
            set(&params, "modulusLength", &JsValue::from(bits));
            set(&params, "publicExponent", &Uint8Array::from(&F4[..]));
            set(&params, "hash", &hash.web_crypto_name().into());
        }
        (KeyAlgorithm::Ecdsa(curve), SignatureScheme::Ecdsa(_)) => {
            set(&params, "name", &"ECDSA".into());
            set(&params, "namedCurve", &curve.web_crypto_name().into());
        }
        _ => {
            return Err(ServiceError(format!(
                "an {} key cannot sign with {}; the request is inconsistent",
                algorithm_family(algorithm),
                algorithm_name(scheme)
            )));
        }
    }
    Ok(params)
}

/// Generates a key pair for signing requests. `exportable` becomes the private key's
/// `extractable` flag; the public key is always extractable.
pub async fn generate(
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
    exportable: bool,
) -> Result<CryptoKeyPair, ServiceError> {
    let params = key_gen_params(algorithm, scheme)?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let promise = subtle()?
        .generate_key_with_object(&params, exportable, &usages)
        .map_err(|e| ServiceError::js("cannot start key generation", e))?;
    let pair = settle(promise, "key generation failed").await?;
    Ok(pair.unchecked_into())
}

/// Imports a private key, PKCS #8 `PrivateKeyInfo` DER, to sign as `scheme` (an RSA key is
/// bound to the scheme's hash, as Web Crypto does). `extractable` decides whether the browser
/// will ever hand it out again. `importKey` copies the bytes when it is called, so `pkcs8` and
/// the JavaScript copy made for the call are overwritten right then, before its promise is
/// awaited, whatever it answers.
pub async fn import_private_key(
    pkcs8: &mut [u8],
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
    extractable: bool,
) -> Result<CryptoKey, ServiceError> {
    use zeroize::Zeroize;
    let data = Uint8Array::from(&pkcs8[..]);
    let promise = import("pkcs8", &data, algorithm, scheme, extractable, "sign");
    data.fill(0, 0, data.length());
    pkcs8.zeroize();
    let key = settle(promise?, "the browser did not take the private key").await?;
    Ok(key.unchecked_into())
}

/// Imports a public key, `SubjectPublicKeyInfo` DER, to verify as `scheme`.
pub async fn import_public_key(
    spki: &[u8],
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
) -> Result<CryptoKey, ServiceError> {
    public_key_imported(start_public_key_import(spki, algorithm, scheme)?).await
}

/// [`import_public_key`] started, so that other work can go on while Web Crypto imports;
/// [`public_key_imported`] takes its promise.
pub fn start_public_key_import(
    spki: &[u8],
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
) -> Result<js_sys::Promise, ServiceError> {
    import(
        "spki",
        &Uint8Array::from(spki),
        algorithm,
        scheme,
        true,
        "verify",
    )
}

/// The public key [`start_public_key_import`]'s promise settles with.
pub async fn public_key_imported(importing: js_sys::Promise) -> Result<CryptoKey, ServiceError> {
    let key = settle(importing, "the browser did not take the public key").await?;
    Ok(key.unchecked_into())
}

fn import(
    format: &str,
    data: &Uint8Array,
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
    extractable: bool,
    usage: &str,
) -> Result<js_sys::Promise, ServiceError> {
    // generateKey's parameters hold importKey's (name, hash or curve); the rest is ignored
    let params = key_gen_params(algorithm, scheme)?;
    subtle()?
        .import_key_with_object(
            format,
            data,
            &params,
            extractable,
            &Array::of1(&usage.into()),
        )
        .map_err(|e| ServiceError::js("cannot start the key import", e))
}

/// The public key as `SubjectPublicKeyInfo` DER.
pub async fn export_spki(public_key: &CryptoKey) -> Result<Vec<u8>, ServiceError> {
    let promise = subtle()?
        .export_key("spki", public_key)
        .map_err(|e| ServiceError::js("cannot export the public key", e))?;
    let buffer = settle(promise, "cannot export the public key").await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The digest of `data` with `hash` (the embedding build's CMC message digest).
#[cfg(certreq_embed)]
pub async fn digest(
    hash: certreq_request::model::Hash,
    data: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    let promise = subtle()?
        .digest_with_str_and_u8_array(hash.web_crypto_name(), data)
        .map_err(|e| ServiceError::js("cannot start the digest", e))?;
    let buffer = settle(promise, "the digest failed").await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The algorithm parameters for `sign`/`verify` under `scheme`: the last scheme's are kept
/// and handed out again (Web Crypto reads them when it is called, and nothing else sees them).
fn sign_params(scheme: SignatureScheme) -> Object {
    thread_local! {
        static LAST: core::cell::RefCell<Option<(SignatureScheme, Object)>> =
            const { core::cell::RefCell::new(None) };
    }
    if let Some(params) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(kept, _)| *kept == scheme)
            .map(|(_, params)| params.clone())
    }) {
        return params;
    }
    let params = new_sign_params(scheme);
    LAST.set(Some((scheme, params.clone())));
    params
}

fn new_sign_params(scheme: SignatureScheme) -> Object {
    let params = Object::new();
    set(&params, "name", &algorithm_name(scheme).into());
    match scheme {
        SignatureScheme::RsaPkcs1(_) => {}
        SignatureScheme::RsaPss(hash) => {
            set(
                &params,
                "saltLength",
                &JsValue::from(hash.output_len() as u32),
            );
        }
        SignatureScheme::Ecdsa(hash) => {
            set(&params, "hash", &hash.web_crypto_name().into());
        }
    }
    params
}

/// Signs `data` as `scheme` says. The result is what a request carries: PKCS#1 / PSS bytes for
/// RSA, DER `Ecdsa-Sig-Value` for ECDSA (Web Crypto's raw r‖s is converted).
pub async fn sign(
    private_key: &CryptoKey,
    scheme: SignatureScheme,
    data: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    let promise = start_signing(private_key, scheme, data)?;
    carried(signature(JsFuture::from(promise).await)?, scheme)
}

/// Asks Web Crypto to sign `data` as `scheme` says: the promise of its output (ECDSA: raw
/// r‖s), for [`signature`] to read. [`sign`] awaits it; the embedding API's `createRequest`
/// hands it a callback instead.
pub fn start_signing(
    private_key: &CryptoKey,
    scheme: SignatureScheme,
    data: &[u8],
) -> Result<js_sys::Promise, ServiceError> {
    subtle()?
        .sign_with_object_and_u8_array(&sign_params(scheme), private_key, data)
        .map_err(|e| ServiceError::js("cannot start signing", e))
}

/// Web Crypto's signature, from what [`start_signing`]'s promise settled with (`Err` for a
/// rejection), as Web Crypto made it (ECDSA: raw r‖s): what [`verify`] takes.
pub fn signature(settled: Result<JsValue, JsValue>) -> Result<Vec<u8>, ServiceError> {
    let buffer = settled.map_err(|e| ServiceError::js("signing failed", e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// What a request carries for Web Crypto's `raw` signature: PKCS#1 / PSS bytes for RSA as
/// they are, DER `Ecdsa-Sig-Value` for ECDSA.
pub fn carried(raw: Vec<u8>, scheme: SignatureScheme) -> Result<Vec<u8>, ServiceError> {
    match scheme {
        SignatureScheme::Ecdsa(_) => ecdsa_raw_to_der(&raw),
        _ => Ok(raw),
    }
}

/// Signs with Web Crypto and returns its output unchanged (ECDSA: raw r‖s).
pub async fn sign_raw(
    private_key: &CryptoKey,
    scheme: SignatureScheme,
    data: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    let promise = start_signing(private_key, scheme, data)?;
    let buffer = settle(promise, "signing failed").await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Checks a signature with Web Crypto (`raw_signature` as Web Crypto makes it: r‖s for ECDSA).
pub async fn verify(
    public_key: &CryptoKey,
    scheme: SignatureScheme,
    raw_signature: &[u8],
    data: &[u8],
) -> Result<bool, ServiceError> {
    let promise = subtle()?
        .verify_with_object_and_u8_array_and_u8_array(
            &sign_params(scheme),
            public_key,
            raw_signature,
            data,
        )
        .map_err(|e| ServiceError::js("cannot start verifying", e))?;
    Ok(settle(promise, "verifying failed").await?.as_bool() == Some(true))
}

/// How a stored private key signs, as Web Crypto bound it when it was made or imported: an
/// RSA key's scheme (PKCS #1 v1.5 or PSS) with its hash; `None` for an EC key, whose hash is
/// chosen at each signature.
pub fn rsa_binding(private_key: &CryptoKey) -> Option<SignatureScheme> {
    let algorithm = get(private_key, "algorithm");
    let hash = Hash::from_web_crypto_name(&get(&get(&algorithm, "hash"), "name").as_string()?)?;
    match get(&algorithm, "name").as_string()?.as_str() {
        "RSASSA-PKCS1-v1_5" => Some(SignatureScheme::RsaPkcs1(hash)),
        "RSA-PSS" => Some(SignatureScheme::RsaPss(hash)),
        _ => None,
    }
}

/// Checks that a key pair can make the request an INF plans: the one key check, for a stored
/// key Generate reuses and for a key pair handed to the embedding API.
///
/// - the private key is for the planned signature algorithm (Web Crypto binds it at creation);
/// - the public key, `spki` (its SubjectPublicKeyInfo DER), is the planned kind of key, with
///   the planned RSA size or on the planned curve with a valid point
///   ([`certreq_pkix::spki::check_key`]);
/// - an RSA private key is bound to the planned hash, an EC one is on the planned curve;
/// - the private key may sign (its usages hold `sign`).
pub fn check_key_pair(
    spki: &[u8],
    private_key: &CryptoKey,
    plan: KeyAlgorithm,
    scheme: SignatureScheme,
) -> Result<(), ServiceError> {
    let algorithm = get(private_key, "algorithm");
    let name = get(&algorithm, "name").as_string().unwrap_or_default();
    let wanted = algorithm_name(scheme);
    if name != wanted {
        return Err(ServiceError(format!(
            "the private key is for {name}, but the INF asks for a {wanted} signature \
             (KeyAlgorithm, HashAlgorithm)"
        )));
    }
    certreq_pkix::spki::check_key(spki, plan).map_err(|e| ServiceError(e.to_string()))?;
    match (scheme, plan) {
        (SignatureScheme::RsaPkcs1(hash) | SignatureScheme::RsaPss(hash), _) => {
            let bound = get(&get(&algorithm, "hash"), "name")
                .as_string()
                .unwrap_or_default();
            if bound != hash.web_crypto_name() {
                return Err(ServiceError(format!(
                    "the private key is bound to {bound}, but the INF asks for {} \
                     (HashAlgorithm)",
                    hash.web_crypto_name()
                )));
            }
        }
        (SignatureScheme::Ecdsa(_), KeyAlgorithm::Ecdsa(curve)) => {
            let named = get(&algorithm, "namedCurve")
                .as_string()
                .unwrap_or_default();
            if named != curve.web_crypto_name() {
                return Err(ServiceError(format!(
                    "the private key is on {named}, but the INF asks for {} (KeyAlgorithm)",
                    curve.web_crypto_name()
                )));
            }
        }
        // an EC scheme with an RSA plan: check_key has refused the EC public key already
        (SignatureScheme::Ecdsa(_), KeyAlgorithm::Rsa { .. }) => {}
    }
    let signs = get(private_key, "usages")
        .dyn_ref::<Array>()
        .is_some_and(|u| u.includes(&super::js_str("sign"), 0));
    if !signs {
        return Err(ServiceError(
            "the private key may not sign (its usages lack \"sign\")".into(),
        ));
    }
    Ok(())
}

/// Whether the browser will hand out the private key (PKCS#8). Asks rather than trusting the
/// `extractable` flag, so it also tells the truth about keys read back from IndexedDB.
pub async fn private_key_exportable(private_key: &CryptoKey) -> bool {
    let Ok(subtle) = subtle() else { return false };
    match subtle.export_key("pkcs8", private_key) {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}

/// The private key as PKCS #8 `PrivateKeyInfo` DER; refused by the browser for a key made
/// non-exportable.
pub async fn export_pkcs8(private_key: &CryptoKey) -> Result<Vec<u8>, ServiceError> {
    const DOING: &str = "the browser will not hand out this private key (it was made \
                         non-exportable)";
    let promise = subtle()?
        .export_key("pkcs8", private_key)
        .map_err(|e| ServiceError::js(DOING, e))?;
    let buffer = settle(promise, DOING).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Fills `buf` from `crypto.getRandomValues` (65 536 bytes per call, as the API allows).
pub fn random_fill(buf: &mut [u8]) -> Result<(), ServiceError> {
    let crypto = get(&js_sys::global(), "crypto");
    if crypto.is_undefined() || crypto.is_null() {
        return Err(ServiceError(
            "this browser has no secure random numbers here (crypto.getRandomValues)".into(),
        ));
    }
    let crypto: web_sys::Crypto = crypto.unchecked_into();
    for chunk in buf.chunks_mut(65_536) {
        crypto
            .get_random_values_with_u8_array(chunk)
            .map_err(|e| ServiceError::js("cannot get random numbers", e))?;
    }
    Ok(())
}

/// Converts Web Crypto's ECDSA signature (r‖s, each the curve's byte length) to the DER
/// `Ecdsa-Sig-Value` a request carries (core does the ASN.1).
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, ServiceError> {
    certreq_pkix::alg::ecdsa_raw_to_der(raw)
        .map_err(|e| ServiceError(format!("cannot encode the ECDSA signature: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signatures_become_der_integers() {
        // r has its high bit set (needs a 0x00 pad), s has leading zeros (stripped)
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80;
        raw[31] = 0x01;
        raw[63] = 0x05;
        let der = ecdsa_raw_to_der(&raw).unwrap();
        let mut expected = vec![0x30, 0x26, 0x02, 0x21, 0x00, 0x80];
        expected.extend([0u8; 30]);
        expected.extend([0x01, 0x02, 0x01, 0x05]);
        assert_eq!(der, expected);
    }

    #[test]
    fn odd_or_empty_ecdsa_signatures_are_refused() {
        assert!(ecdsa_raw_to_der(&[]).is_err());
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
    }
}
