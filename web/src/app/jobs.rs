//! The browser work behind [`Command`](super::state::Command)s that takes more than one call:
//! making a request (key pair → public key → sign → store) and offering a stored one again.

use certreq_core::encode::{self, ClientInfo, PemLabel};
use certreq_core::model::NewRequest;

use certreq_core::pkcs12::{self, PfxInput, Profile};
use certreq_core::response::{self, Certificate};

use super::state::{
    EntryMeta, EntryState, ExportFormat, Generated, export_file_name, file_name_for, label_for,
    match_response, pem, safe_file_name,
};
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
        exportable: Some(exportable),
        key_algorithm: key_algorithm(&spki),
        ..EntryMeta::default()
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

/// `RSA 2048`, `ECC P-256`… of a public key given as SPKI DER.
fn key_algorithm(spki: &[u8]) -> Option<String> {
    use der::Decode;
    x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(spki)
        .ok()
        .map(|k| response::key_description(&k))
}

/// Every stored entry, with what its key allows (asked of the browser, not stored).
pub async fn load_store() -> Result<Vec<EntryMeta>, String> {
    let records = store::list().await.map_err(|e| e.to_string())?;
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        let mut meta = record.meta;
        if let Some(keys) = &record.keys {
            meta.exportable = Some(crypto::private_key_exportable(&keys.get_private_key()).await);
            if let Ok(spki) = crypto::export_spki(&keys.get_public_key()).await {
                meta.key_algorithm = key_algorithm(&spki);
            }
        }
        entries.push(meta);
    }
    Ok(entries)
}

/// Attaches the certificate in `bytes` (any response) to the stored key it is for.
pub async fn accept(bytes: Vec<u8>) -> Result<EntryMeta, String> {
    let response =
        response::parse(&bytes).map_err(|e| format!("this is not a certificate to accept: {e}"))?;
    let mut records = store::list().await.map_err(|e| e.to_string())?;
    let mut keys = Vec::new();
    let mut indexes = Vec::new();
    for (i, record) in records.iter().enumerate() {
        if let Some(pair) = &record.keys
            && let Ok(spki) = crypto::export_spki(&pair.get_public_key()).await
        {
            keys.push((record.meta.id.clone(), record.meta.state, spki));
            indexes.push(i);
        }
    }
    let (k, leaf, chain) = match_response(&response, &keys)?;
    let index = *indexes.get(k).ok_or("the store changed while accepting")?;
    if index >= records.len() {
        return Err("the store changed while accepting".into());
    }
    let mut record = records.swap_remove(index);
    record.meta.certificate = Some(leaf);
    record.meta.chain = chain;
    record.meta.state = EntryState::Issued;
    store::put(&record)
        .await
        .map_err(|e| format!("the certificate matches but could not be kept: {e}"))?;
    let mut meta = record.meta;
    if let Some(pair) = &record.keys {
        meta.exportable = Some(crypto::private_key_exportable(&pair.get_private_key()).await);
        meta.key_algorithm = keys.get(k).and_then(|key| key_algorithm(&key.2));
    }
    Ok(meta)
}

async fn issued_entry(id: &str) -> Result<store::StoredRequest, String> {
    let entry = store::get_entry(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "that entry is no longer in the store".to_owned())?;
    if entry.meta.certificate.is_none() {
        return Err("that entry has no certificate yet; accept one first".into());
    }
    Ok(entry)
}

/// Offers entry `id`'s certificate in `format`; says what was offered.
pub async fn export(id: String, format: ExportFormat) -> Result<String, String> {
    let entry = issued_entry(&id).await?;
    let leaf = entry.meta.certificate.clone().unwrap_or_default();
    let label = &entry.meta.friendly_name;
    let (name, mime, bytes) = match format {
        ExportFormat::CerPem => (
            export_file_name(label, "cer"),
            "application/pkix-cert",
            pem("CERTIFICATE", &leaf).into_bytes(),
        ),
        ExportFormat::CerDer => (
            export_file_name(label, "cer"),
            "application/pkix-cert",
            leaf,
        ),
        ExportFormat::P7b => {
            let certs = std::iter::once(&leaf)
                .chain(&entry.meta.chain)
                .map(|der| Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the stored certificate does not decode: {e}"))?;
            (
                export_file_name(label, "p7b"),
                "application/x-pkcs7-certificates",
                response::build_certs_only_pkcs7(&certs),
            )
        }
    };
    files::download(&name, mime, &bytes).map_err(|e| e.to_string())?;
    Ok(format!("{name} offered for download"))
}

/// Offers entry `id`'s private key, certificate and chain as a password-protected PFX.
pub async fn export_pfx(id: String, password: String, profile: Profile) -> Result<String, String> {
    let entry = issued_entry(&id).await?;
    let keys = entry
        .keys
        .as_ref()
        .ok_or("this entry has no private key to export")?;
    let pkcs8 = crypto::export_pkcs8(&keys.get_private_key())
        .await
        .map_err(|e| e.to_string())?;
    let leaf = entry.meta.certificate.clone().unwrap_or_default();
    let chain: Vec<&[u8]> = entry.meta.chain.iter().map(Vec::as_slice).collect();
    let mut random_failed = None;
    let mut random = |buf: &mut [u8]| {
        if let Err(e) = crypto::random_fill(buf) {
            random_failed = Some(e);
        }
    };
    let pfx = pkcs12::write(
        &PfxInput {
            private_key_pkcs8: &pkcs8,
            leaf: &leaf,
            chain: &chain,
            friendly_name: Some(&entry.meta.friendly_name),
        },
        &password,
        profile,
        &mut random,
    )
    .map_err(|e| format!("cannot write the PFX: {e}"))?;
    if let Some(e) = random_failed {
        return Err(format!("cannot write the PFX safely: {e}"));
    }
    let name = export_file_name(&entry.meta.friendly_name, "pfx");
    files::download(&name, "application/x-pkcs12", &pfx).map_err(|e| e.to_string())?;
    Ok(format!(
        "{name} offered for download ({})",
        match profile {
            Profile::Modern => "AES-256, for current systems",
            Profile::Legacy => "Triple DES, for older Windows and OpenSSL 1.x",
        }
    ))
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
