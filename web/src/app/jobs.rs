//! The browser work behind [`Command`](super::state::Command)s that takes more than one call:
//! making a request (key pair → public key → sign → store) and offering a stored one again.

use certreq_core::encode::{self, ClientInfo, PemLabel};
use certreq_core::model::NewRequest;

use super::state::{EntryMeta, EntryState, Generated, file_name_for, label_for, safe_file_name};
use crate::services::{self, crypto, files, store};

/// Makes the key pair (or takes the stored one of entry `reuse`), the signed request, and the
/// store record, in that order. The record is written before the request is shown, so a
/// request is never handed out without its key.
pub async fn generate(
    request: NewRequest,
    inf: String,
    reuse: Option<String>,
) -> Result<Generated, String> {
    let scheme = request.signature;
    let (keys, id) = match reuse {
        Some(id) => {
            let entry = store::get_entry(&id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "the stored key to reuse is no longer in the store".to_owned())?;
            let keys = entry.keys.ok_or_else(|| {
                "the stored entry to reuse has no key pair (it may have been issued)".to_owned()
            })?;
            crypto::key_fits(&keys.get_private_key(), scheme).map_err(|e| {
                format!(
                    "the key kept as “{}” cannot make this request: {e}",
                    request.key.container.as_deref().unwrap_or_default()
                )
            })?;
            (keys, id)
        }
        None => (
            crypto::generate(request.key.algorithm, scheme, request.key.exportable)
                .await
                .map_err(|e| e.to_string())?,
            store::new_id(),
        ),
    };
    let spki = crypto::export_spki(&keys.get_public_key())
        .await
        .map_err(|e| e.to_string())?;
    let unsigned = encode::prepare(&request, &spki, &client_info())
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let signature = crypto::sign(
        &keys.get_private_key(),
        unsigned.scheme,
        &unsigned.to_be_signed,
    )
    .await
    .map_err(|e| e.to_string())?;
    let der = unsigned
        .finish(&signature)
        .map_err(|e| format!("cannot finish the request: {e}"))?;
    let pem = encode::to_pem(&der, PemLabel::Certreq);
    let exportable = crypto::private_key_exportable(&keys.get_private_key()).await;

    let meta = EntryMeta {
        id,
        friendly_name: label_for(&request),
        created_ms: store::now_ms(),
        inf,
        state: EntryState::Pending,
        container: request.key.container.clone(),
    };
    store::put(&store::StoredRequest {
        meta: meta.clone(),
        request_der: der,
        keys: Some(keys),
    })
    .await
    .map_err(|e| {
        format!("the request was made but its key could not be kept, so it is not shown: {e}")
    })?;
    Ok(Generated {
        meta,
        pem,
        file_name: file_name_for(&request),
        exportable,
    })
}

/// Offers the stored request `id` as a `.req` file.
pub async fn download_entry(id: String) -> Result<(), String> {
    let entry = store::get_entry(&id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "that request is no longer in the store".to_owned())?;
    let pem = encode::to_pem(&entry.request_der, PemLabel::Certreq);
    let name = safe_file_name(&entry.meta.friendly_name);
    files::download(&name, "application/pkcs10", pem.as_bytes()).map_err(|e| e.to_string())
}

/// Who is asking, for certreq's default attributes. Honest values for a browser: the page's
/// host as machine, no user name (the browser does not know it), the app as process, Web Crypto
/// as the key provider. The OS version is not knowable without fingerprinting, so it says so.
pub fn client_info() -> ClientInfo {
    let host = services::page_host();
    ClientInfo {
        os_version: "0.0.0".into(),
        machine: if host.is_empty() {
            "browser".into()
        } else {
            host
        },
        user: String::new(),
        process: "certreq-web".into(),
        provider: "Web Crypto API".into(),
    }
}
