//! One export that uses everything the web app needs from the engine: INF → request →
//! to-be-signed bytes → signed DER → PEM. Only its size matters (see Cargo.toml).
#![forbid(unsafe_code)]

use certreq_pkix::alg::ecdsa_raw_to_der;
use certreq_pkix::pem::{self, Label};
use certreq_request::encode::{self, ClientInfo};
use wasm_bindgen::prelude::*;

/// Returns the PEM, or the first diagnostic / encoding error as text.
#[wasm_bindgen]
pub fn run(inf: &str, spki: &[u8], signature: &[u8]) -> String {
    let compiled = certreq_request::compile(inf);
    let Some(request) = compiled.request else {
        return compiled
            .diagnostics
            .first()
            .map_or_else(String::new, |d| d.message.clone());
    };
    let client = ClientInfo {
        os_version: "0.0.0".into(),
        machine: "browser".into(),
        user: String::new(),
        process: "certreq-web".into(),
        provider: "Web Crypto API".into(),
    };
    let signature = match request.signature {
        certreq_request::model::SignatureScheme::Ecdsa(_) => {
            match ecdsa_raw_to_der(signature) {
                Ok(s) => s,
                Err(e) => return e.to_string(),
            }
        }
        _ => signature.to_vec(),
    };
    match encode::prepare(&request, spki, &client).and_then(|u| u.finish(&signature)) {
        Ok(der) => pem::write(Label::NewCertificateRequest, &der),
        Err(e) => e.to_string(),
    }
}
