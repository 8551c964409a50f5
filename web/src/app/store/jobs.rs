//! The store's browser work: listing entries with what their keys allow, offering a stored
//! request again, accepting certificates for stored keys, importing a PFX, and exporting
//! (`.cer`, `.p7b`, `.pfx`).

use certreq_pkix::alg::{Hash, KeyAlgorithm, SignatureScheme};
use certreq_pkix::cert as response;
use certreq_pkix::pem::{self, Label};
use certreq_wire::backup::BackupState;
use certreq_wire::{self as wire, PfxImport, PfxJob, PfxOpened};
use zeroize::Zeroize;

use super::{CertDetails, EntryMeta, EntryState, ExportFormat, Profile, match_response};
use crate::app::files::{export_file_name, safe_file_name};
use crate::services::store::{CaRef, RecordMeta, StoredRequest};
use crate::services::{crypto, files, store, tools};

/// `RSA 2048`, `ECC P-256`… of a public key given as SPKI DER.
pub fn key_algorithm(spki: &[u8]) -> Option<String> {
    certreq_pkix::spki::SpkiParts::read(spki).map(|_| certreq_pkix::spki::key_description(spki))
}

/// What the list shows of `record`, with what its key allows (asked of the browser).
pub async fn with_key(record: &StoredRequest) -> EntryMeta {
    let mut meta = EntryMeta::of(record);
    if let Some(keys) = &record.keys {
        meta.exportable = Some(crypto::private_key_exportable(&keys.get_private_key()).await);
        if let Ok(spki) = crypto::export_spki(&keys.get_public_key()).await {
            meta.key_algorithm = key_algorithm(&spki);
        }
    }
    meta
}

/// How entry `id`'s key signs (an RSA key's scheme, as the browser bound it) and whether it
/// is exportable: what a renewal INF needs and the certificate cannot say.
pub async fn renewal_key(id: &str) -> (Option<SignatureScheme>, bool) {
    match store::get_entry(id).await {
        Ok(Some(StoredRequest {
            keys: Some(keys), ..
        })) => {
            let private = keys.get_private_key();
            (
                crypto::rsa_binding(&private),
                crypto::private_key_exportable(&private).await,
            )
        }
        _ => (None, false),
    }
}

/// Every stored entry, with what its key allows (asked of the browser, not stored).
pub async fn load_store() -> Result<Vec<EntryMeta>, String> {
    let records = store::list().await.map_err(|e| e.to_string())?;
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        let mut meta = with_key(&record).await;
        // read by the tools module, which only a store holding certificates loads at start;
        // if it cannot be had, the entry is listed without its certificate's details
        if let Some(der) = &meta.record.certificate {
            meta.details = tools::certificate(der)
                .await
                .ok()
                .map(|c| CertDetails::of(&c));
        }
        entries.push(meta);
    }
    Ok(entries)
}

/// Offers the stored request `id` as a `.req` file.
pub async fn download_entry(id: String) -> Result<(), String> {
    let entry = store::get_entry(&id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "that request is no longer in the store".to_owned())?;
    let pem = pem::write(Label::NewCertificateRequest, &entry.request_der);
    let name = safe_file_name(&entry.meta.friendly_name);
    files::download(&name, "application/pkcs10", pem.as_bytes()).map_err(|e| e.to_string())
}

/// Deletes entry `id` and its key; answers with the id.
pub async fn delete(id: String) -> Result<String, String> {
    store::delete(&id)
        .await
        .map(|()| id)
        .map_err(|e| e.to_string())
}

/// What became of a certificate response.
pub enum Accepting {
    /// Kept with its stored key: the entry as it is now.
    Stored(Box<EntryMeta>),
    /// No stored key matches: the leaf's DER (if the response has one) and why.
    NoKey(Option<Vec<u8>>, String),
}

/// Attaches the certificate in `bytes` (any response) to the stored key it is for.
pub async fn accept(bytes: Vec<u8>) -> Result<EntryMeta, String> {
    let response = tools::response(&bytes)
        .await
        .map_err(|e| match tools::unloaded(&e) {
            true => e.to_string(),
            false => format!("this is not a certificate to accept: {e}"),
        })?;
    match accept_parsed(&response, None).await? {
        Accepting::Stored(meta) => Ok(*meta),
        Accepting::NoKey(_, why) => Err(why),
    }
}

/// The friendly name of the stored entry whose key pair has the public key `spki`.
pub async fn match_key(spki: Vec<u8>) -> Option<String> {
    let records = store::list().await.ok()?;
    for record in records {
        if let Some(pair) = &record.keys
            && let Ok(stored) = crypto::export_spki(&pair.get_public_key()).await
            && stored == spki
        {
            return Some(record.meta.friendly_name);
        }
    }
    None
}

/// Attaches an answer already read to the stored key it is for, if one is; entry `prefer`
/// (the one whose request was sent) first, when its key is the certificate's.
pub async fn accept_parsed(
    response: &response::Response,
    prefer: Option<&str>,
) -> Result<Accepting, String> {
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
    let (k, leaf, chain) = match match_response(response, &keys, prefer) {
        Ok(matched) => matched,
        Err(why) => {
            let leaf = response.leaf().map(|c| c.der().to_vec());
            return Ok(Accepting::NoKey(leaf, why));
        }
    };
    let index = *indexes.get(k).ok_or("the store changed while accepting")?;
    if index >= records.len() {
        return Err("the store changed while accepting".into());
    }
    let details = response
        .certificates()
        .iter()
        .find(|c| c.der() == leaf.as_slice());
    // an entry holding this very certificate is left as it is
    if let Some(same) = records
        .iter()
        .find(|r| r.meta.certificate.as_deref() == Some(leaf.as_slice()))
    {
        let mut meta = with_key(same).await;
        meta.details = details.map(CertDetails::of);
        return Ok(Accepting::Stored(Box::new(meta)));
    }
    let mut record = records.swap_remove(index);
    if record.meta.state == EntryState::Issued {
        // another certificate for the key of an issued entry (a renewal with the same key,
        // say): a new entry beside it, as Windows keeps both certificates; the issued one and
        // its certificate are not touched
        record.meta = RecordMeta {
            id: store::new_id(),
            created_ms: store::now_ms(),
            friendly_name: record.meta.friendly_name,
            inf: record.meta.inf,
            container: record.meta.container,
            ca: record.meta.ca,
            ..RecordMeta::default()
        };
        record.request_der = Vec::new();
    }
    record.meta.certificate = Some(leaf);
    record.meta.chain = chain;
    record.meta.state = EntryState::Issued;
    store::put(&record)
        .await
        .map_err(|e| format!("the certificate matches but could not be kept: {e}"))?;
    let mut meta = EntryMeta::of(&record);
    meta.details = details.map(CertDetails::of);
    if let Some(pair) = &record.keys {
        meta.exportable = Some(crypto::private_key_exportable(&pair.get_private_key()).await);
        meta.key_algorithm = keys.get(k).and_then(|key| key_algorithm(&key.2));
    }
    Ok(Accepting::Stored(Box::new(meta)))
}

/// Keeps the CA's request id (when it gave one: EST gives none) on pending entry `id`, and
/// a denied entry sent again is pending again; the entry as it is now.
pub async fn remember_pending(
    id: &str,
    request_id: Option<u64>,
) -> Result<Option<EntryMeta>, String> {
    let Some(mut record) = store::get_entry(id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    // an issued entry whose request was sent again stays as it is, its request id the one
    // that issued it (the next certificate, retrieved by its number, is an entry of its own
    // beside it): no entry waits for this answer
    if record.meta.state == EntryState::Issued {
        return Ok(None);
    }
    let denied = record.meta.state == EntryState::Denied;
    if request_id.is_none() && !denied {
        return Ok(Some(with_key(&record).await));
    }
    if denied {
        record.meta.state = EntryState::Pending;
    }
    record.meta.request_id = request_id.or(record.meta.request_id);
    store::put(&record).await.map_err(|e| match request_id {
        Some(n) => format!("the CA took the request as {n}, but the number could not be kept: {e}"),
        None => format!("the CA took the request, but the entry could not be marked pending: {e}"),
    })?;
    Ok(Some(with_key(&record).await))
}

/// Marks entry `id` denied, with the CA's request id when the answer gave one; the entry as it
/// is now. An issued entry is left as it is (a denied renewal is another entry).
pub async fn remember_denied(
    id: &str,
    request_id: Option<u64>,
) -> Result<Option<EntryMeta>, String> {
    let Some(mut record) = store::get_entry(id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    if record.meta.state != EntryState::Issued {
        record.meta.state = EntryState::Denied;
        record.meta.request_id = request_id.or(record.meta.request_id);
        store::put(&record)
            .await
            .map_err(|e| format!("the CA denied the request, and that could not be kept: {e}"))?;
    }
    Ok(Some(with_key(&record).await))
}

/// The store's state of a backup's entry.
fn state_of(state: BackupState) -> EntryState {
    match state {
        BackupState::Pending => EntryState::Pending,
        BackupState::Issued => EntryState::Issued,
        BackupState::Denied => EntryState::Denied,
    }
}

/// Entry `id` as stored, with its key's kind, when there is one.
pub async fn entry(id: &str) -> Option<EntryMeta> {
    let record = store::get_entry(id).await.ok().flatten()?;
    Some(with_key(&record).await)
}

/// Offers a certificate as a PEM `.cer` file; says what was offered.
pub fn download_certificate(name: String, der: Vec<u8>) -> Result<String, String> {
    files::download(
        &name,
        "application/pkix-cert",
        pem::write(Label::Certificate, &der).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    Ok(format!("{name} offered for download"))
}

async fn issued_entry(id: &str) -> Result<StoredRequest, String> {
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
            pem::write(Label::Certificate, &leaf).into_bytes(),
        ),
        ExportFormat::CerDer => (
            export_file_name(label, "cer"),
            "application/pkix-cert",
            leaf,
        ),
        ExportFormat::P7b => {
            let certs = std::iter::once(&leaf).chain(&entry.meta.chain);
            (
                export_file_name(label, "p7b"),
                "application/x-pkcs7-certificates",
                response::build_certs_only_pkcs7(certs.map(Vec::as_slice)),
            )
        }
    };
    files::download(&name, mime, &bytes).map_err(|e| e.to_string())?;
    Ok(format!("{name} offered for download"))
}

/// Offers entry `id`'s private key, certificate and chain as a password-protected PFX.
pub fn export_pfx(
    id: String,
    password: String,
    profile: Profile,
) -> impl std::future::Future<Output = Result<String, String>> {
    // the future of `pfx_file` itself, not one more around it (the app's first download)
    pfx_file(id, password, profile, offer_pfx)
}

/// Offers a written PFX for download; says what was offered.
fn offer_pfx(name: String, pfx: Vec<u8>, profile: Profile) -> Result<String, String> {
    files::download(&name, "application/x-pkcs12", &pfx).map_err(|e| e.to_string())?;
    Ok(format!(
        "{name} offered for download ({})",
        match profile {
            Profile::Modern => "AES-256, for current systems",
            Profile::Legacy => "Triple DES, for older Windows and OpenSSL 1.x",
        }
    ))
}

/// Entry `id`'s private key, certificate and chain as a password-protected PFX (written by
/// the tools module), handed with the file name it is offered as to `then`. The key's bytes
/// and the password are overwritten once the PFX is written.
pub async fn pfx_file<T>(
    id: String,
    password: String,
    profile: Profile,
    then: fn(String, Vec<u8>, Profile) -> Result<T, String>,
) -> Result<T, String> {
    // both wiped however the job ends, an early `?` included
    let mut password = zeroize::Zeroizing::new(password);
    let entry = issued_entry(&id).await?;
    let keys = entry
        .keys
        .as_ref()
        .ok_or("this entry has no private key to export")?;
    let mut pkcs8 = zeroize::Zeroizing::new(
        crypto::export_pkcs8(&keys.get_private_key())
            .await
            .map_err(|e| e.to_string())?,
    );
    let mut random = vec![0u8; wire::PFX_RANDOM_BYTES];
    crypto::random_fill(&mut random).map_err(|e| format!("cannot write the PFX safely: {e}"))?;
    let job = PfxJob {
        private_key_pkcs8: std::mem::take(&mut *pkcs8),
        leaf: entry.meta.certificate.clone().unwrap_or_default(),
        chain: entry.meta.chain.clone(),
        friendly_name: Some(entry.meta.friendly_name.clone()),
        password: std::mem::take(&mut *password),
        profile,
        random,
    };
    let pfx = tools::pfx(&job).await.map_err(|e| e.to_string());
    let PfxJob {
        mut private_key_pkcs8,
        mut password,
        ..
    } = job;
    private_key_pkcs8.zeroize();
    password.zeroize();
    let pfx = pfx?;
    then(
        export_file_name(&entry.meta.friendly_name, "pfx"),
        pfx,
        profile,
    )
}

/// What an imported key signs a probe with to show its certificate is its own: PKCS #1 v1.5
/// or ECDSA, with SHA-256 (an RSA key is bound to it here, as a key made with HashAlgorithm =
/// SHA256 would be).
fn probe_scheme(algorithm: KeyAlgorithm) -> SignatureScheme {
    match algorithm {
        KeyAlgorithm::Rsa { .. } => SignatureScheme::RsaPkcs1(Hash::Sha256),
        KeyAlgorithm::Ecdsa(_) => SignatureScheme::Ecdsa(Hash::Sha256),
    }
}

/// Opens the PFX `pfx` with `password` and keeps its private key (made extractable only if
/// `extractable`) with its certificate and that certificate's issuers as a new issued entry.
/// Nothing is stored when the password is wrong, the PFX holds no key, its certificate is not
/// the key's (what the key signs, the certificate's public key must verify), or the key is
/// kept here already (the same public key). The key's bytes are overwritten as soon as Web
/// Crypto has them.
pub async fn import_pfx(
    pfx: Vec<u8>,
    password: String,
    extractable: bool,
) -> Result<EntryMeta, String> {
    let nothing = |why: &dyn std::fmt::Display| format!("nothing was imported: {why}");
    let job = PfxImport { pfx, password };
    let opened = tools::pfx_open(&job).await;
    let PfxImport { mut password, .. } = job;
    password.zeroize();
    let PfxOpened {
        private_key_pkcs8: mut pkcs8,
        key: algorithm,
        certificate: leaf,
        issuers,
        friendly_name,
    } = opened.map_err(|e| nothing(&e))?;
    let spki = leaf.spki_der();
    let scheme = probe_scheme(algorithm);
    let (private, public) =
        match import_pair(&mut pkcs8, algorithm, scheme, extractable, spki).await {
            Ok(pair) => pair,
            Err(Unpaired::Refused(e)) => return Err(nothing(&e)),
            Err(Unpaired::NotPair) => {
                return Err(nothing(&format!(
                    "its certificate ({}) is not for its private key",
                    leaf.subject()
                )));
            }
        };
    if let Some(name) = match_key(spki.to_vec()).await {
        return Err(nothing(&format!(
            "this key is kept here already, as “{name}”"
        )));
    }
    let record = StoredRequest {
        meta: RecordMeta {
            id: store::new_id(),
            friendly_name,
            created_ms: store::now_ms(),
            state: EntryState::Issued,
            certificate: Some(leaf.der().to_vec()),
            chain: issuers,
            ..RecordMeta::default()
        },
        request_der: Vec::new(),
        keys: Some(web_sys::CryptoKeyPair::new(&private, &public)),
    };
    store::put(&record)
        .await
        .map_err(|e| format!("the PFX was read but its key could not be kept: {e}"))?;
    let mut meta = EntryMeta::of(&record);
    meta.exportable = Some(crypto::private_key_exportable(&private).await);
    meta.key_algorithm = key_algorithm(spki);
    meta.details = Some(CertDetails::of(&leaf));
    Ok(meta)
}

/// How a restored key signs: as its INF says when the INF still compiles to a request for
/// that kind of key (an RSA key is bound to its hash, and to PSS or PKCS #1 v1.5, in Web
/// Crypto), else as an imported PFX's key does.
fn restored_scheme(inf: &str, algorithm: KeyAlgorithm) -> SignatureScheme {
    let planned = certreq_request::compile_for(inf, certreq_request::Builds::APP)
        .request
        .map(|r| r.signature);
    match (planned, algorithm) {
        (
            Some(s @ (SignatureScheme::RsaPkcs1(_) | SignatureScheme::RsaPss(_))),
            KeyAlgorithm::Rsa { .. },
        )
        | (Some(s @ SignatureScheme::Ecdsa(_)), KeyAlgorithm::Ecdsa(_)) => s,
        _ => probe_scheme(algorithm),
    }
}

/// Whom a certificate (DER) is issued to, as the tools module reads it; `None` without one,
/// or when it cannot be read.
async fn subject_of(certificate: Option<&[u8]>) -> Option<String> {
    tools::certificate(certificate?)
        .await
        .ok()
        .map(|c| c.subject())
}

/// Backs the whole store up under `password` (see [`wire::backup`]) and offers the file;
/// says what it holds and, by name, which entries it cannot (their keys never leave this
/// browser). Every key's bytes are overwritten once the file is made.
pub async fn backup(password: String) -> Result<String, String> {
    use wire::backup::{BackupEntry, BackupJob, BackupKey};
    // wiped however the job ends (the keys' bytes are, by `BackupKey`'s own drop)
    let mut password = zeroize::Zeroizing::new(password);
    let records = store::list().await.map_err(|e| e.to_string())?;
    let mut entries = Vec::with_capacity(records.len());
    let mut lost = Vec::new();
    for record in &records {
        let m = &record.meta;
        let (spki, key) = match &record.keys {
            None => (Vec::new(), BackupKey::None),
            Some(pair) => {
                let spki = crypto::export_spki(&pair.get_public_key())
                    .await
                    .map_err(|e| e.to_string())?;
                // the browser's answer decides: a key made non-exportable is never asked for
                // its bytes twice, and never written
                let key = match crypto::export_pkcs8(&pair.get_private_key()).await {
                    Ok(der) => BackupKey::Pkcs8 {
                        der,
                        algorithm: None,
                    },
                    Err(_) => {
                        let subject = subject_of(m.certificate.as_deref()).await;
                        lost.push(super::entry_label(
                            &m.friendly_name,
                            if m.certificate.is_some() {
                                EntryState::Issued
                            } else {
                                m.state
                            },
                            subject.as_deref(),
                            m.request_id,
                        ));
                        BackupKey::Kept
                    }
                };
                (spki, key)
            }
        };
        entries.push(BackupEntry {
            id: m.id.clone(),
            friendly_name: m.friendly_name.clone(),
            created_ms: m.created_ms,
            inf: m.inf.clone(),
            state: match m.state {
                EntryState::Pending => BackupState::Pending,
                EntryState::Issued => BackupState::Issued,
                EntryState::Denied => BackupState::Denied,
            },
            container: m.container.clone(),
            certificate: m.certificate.clone(),
            chain: m.chain.clone(),
            request: record.request_der.clone(),
            request_id: m.request_id,
            renews: m.renews.clone(),
            ca: m.ca.as_ref().map(|c| wire::backup::BackupCa {
                protocol: c.protocol.clone(),
                url: c.url.clone(),
            }),
            spki,
            key,
        });
    }
    let keys = entries
        .iter()
        .filter(|e| matches!(e.key, BackupKey::Pkcs8 { .. }))
        .count();
    let mut random = vec![0u8; wire::backup::backup_random_bytes(keys)];
    let filled = crypto::random_fill(&mut random);
    let mut job = BackupJob {
        entries,
        password: std::mem::take(&mut *password),
        random,
    };
    let file = match filled {
        Ok(()) => tools::backup(&job).await.map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot write the backup safely: {e}")),
    };
    job.password.zeroize();
    let file = file?;
    let name = "certreq-web-backup.p12";
    files::download(name, "application/x-pkcs12", &file).map_err(|e| e.to_string())?;
    let mut said = format!(
        "{name} offered for download: {} entr{}, {keys} private key{}",
        job.entries.len(),
        if job.entries.len() == 1 { "y" } else { "ies" },
        if keys == 1 { "" } else { "s" },
    );
    if !lost.is_empty() {
        said.push_str(&format!(
            ". Not in it: the keys of {}, which cannot leave this browser; those entries \
             cannot be restored elsewhere",
            lost.join(", ")
        ));
    }
    Ok(said)
}

/// Adds a backup entry's certificate (with its chain, request id and CA, where the entry
/// here has none) to kept entry `id`, which waits for it; the entry as written.
async fn add_certificate(id: &str, from: &wire::backup::BackupEntry) -> Result<RecordMeta, String> {
    let mut record = store::get_entry(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("it is no longer in the store")?;
    if record.meta.certificate.is_some() {
        return Err("kept here already, with a certificate".into());
    }
    let meta = &mut record.meta;
    meta.certificate = from.certificate.clone();
    meta.chain = from.chain.clone();
    meta.state = EntryState::Issued;
    meta.request_id = meta.request_id.or(from.request_id);
    if meta.ca.is_none() {
        meta.ca = from.ca.as_ref().map(|c| CaRef {
            protocol: c.protocol.clone(),
            url: c.url.clone(),
        });
    }
    store::put(&record).await.map_err(|e| e.to_string())?;
    Ok(record.meta)
}

/// Opens the backup `file` with `password` and adds to the store each entry it does not hold
/// yet: an entry whose certificate or request is kept here already, or whose id and public
/// key are (one with neither certificate nor request: its public key), is skipped, and so is
/// one whose key does not sign for its public key (a kept entry still waiting for the
/// certificate the backup holds takes it instead, [`add_certificate`]); each entry added is its own IndexedDB
/// transaction. A renewal links to the entry it renews as that entry is known here
/// ([`super::relinked`]), once that entry is written. Nothing is changed when the file cannot
/// be opened.
pub async fn restore(file: Vec<u8>, password: String) -> Result<super::RestoreReport, String> {
    use wire::backup::BackupKey;
    let job = PfxImport {
        pfx: file,
        password,
    };
    let opened = tools::backup_open(&job).await;
    let PfxImport { mut password, .. } = job;
    password.zeroize();
    let mut opened = opened.map_err(|e| format!("nothing was restored: {e}"))?;
    let mut kept = Vec::new();
    for record in store::list().await.map_err(|e| e.to_string())? {
        let spki = match &record.keys {
            Some(pair) => crypto::export_spki(&pair.get_public_key())
                .await
                .unwrap_or_default(),
            None => Vec::new(),
        };
        kept.push((record.meta, spki, record.request_der));
    }
    let before: Vec<String> = kept.iter().map(|(m, ..)| m.id.clone()).collect();
    let mut report = super::RestoreReport::default();
    // each backup entry's id and the id it has here, for the renewals' links; the records to
    // write once every entry's id is known (a renewal may come before what it renews)
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut restoring = Vec::new();
    for entry in &mut opened.entries {
        let subject = subject_of(entry.certificate.as_deref()).await;
        let name = super::entry_label(
            &entry.friendly_name,
            state_of(entry.state),
            subject.as_deref(),
            entry.request_id,
        );
        // the same entry: the same certificate, or the same request, or the same id and key
        // (ids are random: the entry itself, changed since the backup, as a request not sent
        // yet and made again with its key, which keeps its id); only an entry with neither
        // certificate nor request is known by its key alone (two entries may share a key: a
        // renewal that kept it)
        let same = kept.iter().find(|(m, spki, request)| {
            let same_key = !entry.spki.is_empty() && *spki == entry.spki;
            (entry.certificate.is_some() && m.certificate == entry.certificate)
                || (!entry.request.is_empty() && *request == entry.request)
                || (same_key && m.id == entry.id)
                || (same_key && entry.certificate.is_none() && entry.request.is_empty())
        });
        if let Some((m, ..)) = same {
            ids.push((entry.id.clone(), m.id.clone()));
            // kept here still waiting for the certificate the backup holds (issued since
            // this store was filled from an older backup): the certificate is added to it;
            // nothing the entry holds is replaced
            let waiting = m.certificate.is_none() && entry.state == BackupState::Issued;
            let why = match waiting {
                true => add_certificate(&m.id, entry).await,
                false => Err(format!("kept here already as “{}”", m.friendly_name)),
            };
            match why {
                Ok(meta) => {
                    report.updated.push(format!(
                        "{name}: its certificate added to the entry kept here"
                    ));
                    if let Some(k) = kept.iter_mut().find(|(k, ..)| k.id == meta.id) {
                        k.0 = meta;
                    }
                }
                Err(why) => report.skipped.push(format!("{name}: {why}")),
            }
            continue;
        }
        let keys = match &mut entry.key {
            BackupKey::Kept => {
                report.lost.push(name);
                continue;
            }
            BackupKey::None => None,
            BackupKey::Pkcs8 { der, algorithm } => {
                let Some(algorithm) = *algorithm else {
                    report
                        .skipped
                        .push(format!("{name}: its key is of an unknown kind"));
                    continue;
                };
                let scheme = restored_scheme(&entry.inf, algorithm);
                match import_pair(der, algorithm, scheme, true, &entry.spki).await {
                    Ok((private, public)) => Some(web_sys::CryptoKeyPair::new(&private, &public)),
                    Err(why) => {
                        let why = match why {
                            Unpaired::Refused(e) => e,
                            Unpaired::NotPair => {
                                "its private key is not the one for its public key".into()
                            }
                        };
                        report.skipped.push(format!("{name}: {why}"));
                        continue;
                    }
                }
            }
        };
        // an id taken here by another entry is not overwritten: the restored one gets a new id
        let id = if kept.iter().any(|(m, ..)| m.id == entry.id) {
            store::new_id()
        } else {
            entry.id.clone()
        };
        let record = StoredRequest {
            meta: RecordMeta {
                id,
                friendly_name: entry.friendly_name.clone(),
                created_ms: entry.created_ms,
                inf: entry.inf.clone(),
                state: state_of(entry.state),
                container: entry.container.clone(),
                certificate: entry.certificate.clone(),
                chain: entry.chain.clone(),
                request_id: entry.request_id,
                renews: entry.renews.clone(),
                ca: entry.ca.as_ref().map(|c| CaRef {
                    protocol: c.protocol.clone(),
                    url: c.url.clone(),
                }),
            },
            request_der: entry.request.clone(),
            keys,
        };
        ids.push((entry.id.clone(), record.meta.id.clone()));
        kept.push((
            record.meta.clone(),
            entry.spki.clone(),
            record.request_der.clone(),
        ));
        restoring.push((record, name));
    }
    // a renewal of an entry this restore adds is linked once that entry is written, so that a
    // write that fails leaves no link to nothing
    let coming: Vec<String> = restoring.iter().map(|(r, _)| r.meta.id.clone()).collect();
    let mut written = Vec::new();
    let mut to_link = Vec::new();
    for (mut record, name) in restoring {
        let target = super::relinked(record.meta.renews.as_deref(), &ids, &before);
        let later = target.clone().filter(|t| coming.contains(t));
        record.meta.renews = target.filter(|_| later.is_none());
        match store::put(&record).await {
            Ok(()) => {
                written.push(record.meta.id.clone());
                if let Some(target) = later {
                    to_link.push((record, target, name.clone()));
                }
                report.added.push(name);
            }
            Err(e) => report.skipped.push(format!("{name}: {e}")),
        }
    }
    for (mut record, target, name) in to_link {
        if written.contains(&target) {
            record.meta.renews = Some(target);
            if let Err(e) = store::put(&record).await {
                report.skipped.push(format!(
                    "{name}: added, but not linked to the entry it renews: {e}"
                ));
            }
        }
    }
    // the keys' bytes are wiped as `opened` goes (`BackupKey`'s drop)
    Ok(report)
}

/// Why [`import_pair`] gave no pair.
enum Unpaired {
    /// The browser did not take the private key (its message).
    Refused(String),
    /// The public key is not the private key's (or could not be checked against it).
    NotPair,
}

/// Imports the private key `pkcs8` (overwritten; extractable only if `extractable`) and the
/// public key `spki` for `scheme`, and checks that they are one pair: what the private key
/// signs, the public key must verify. What a PFX's import and a backup's restore both do.
async fn import_pair(
    pkcs8: &mut [u8],
    algorithm: KeyAlgorithm,
    scheme: SignatureScheme,
    extractable: bool,
    spki: &[u8],
) -> Result<(web_sys::CryptoKey, web_sys::CryptoKey), Unpaired> {
    let private = crypto::import_private_key(pkcs8, algorithm, scheme, extractable)
        .await
        .map_err(|e| Unpaired::Refused(e.to_string()))?;
    const PROBE: &[u8] = b"certreq-web: are these keys one pair?";
    let public = crypto::import_public_key(spki, algorithm, scheme)
        .await
        .map_err(|_| Unpaired::NotPair)?;
    let signature = crypto::sign_raw(&private, scheme, PROBE)
        .await
        .map_err(|_| Unpaired::NotPair)?;
    if crypto::verify(&public, scheme, &signature, PROBE).await != Ok(true) {
        return Err(Unpaired::NotPair);
    }
    Ok((private, public))
}
