//! The browser work behind [`Command`](super::state::Command)s that takes more than one call:
//! making a request (key pair → public key → sign → store) and offering a stored one again.

use certreq_request::encode::{self, ClientInfo};
use certreq_request::model::{NewRequest, RequestType};

use certreq_pkix::cert as response;
use certreq_pkix::pem::{self, Label};
use certreq_wire::PfxProfile as Profile;
use certreq_wire::{self as wire, CmcJob, PfxJob};

use certreq_wire::enroll::{self as steps, Action, Next, Protocol};

use super::state::{
    CertDetails, Enrollment, EntryMeta, EntryState, ExportFormat, Generated, Outcome, Status,
    export_file_name, file_name_for, label_for, match_response, pem, safe_file_name,
};
use crate::services::enroll as http;
use crate::services::{self, crypto, files, store, tools};

/// Makes the key pair (or takes the stored one of entry `reuse`), the signed request (or, for
/// `RequestType = Cert`, the self-signed certificate), and the store record, in that order.
/// The record is written before the result is shown, so nothing is handed out without its
/// key.
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
    let self_signed = request.request_type == RequestType::Cert;
    let what = made(&request);
    let unsigned = prepare(&request, &spki)?;
    let signature = crypto::sign(
        &keys.get_private_key(),
        unsigned.scheme,
        &unsigned.to_be_signed,
    )
    .await
    .map_err(|e| e.to_string())?;
    let der = unsigned
        .finish(&signature)
        .map_err(|e| format!("cannot finish the {what}: {e}"))?;
    let der = wrap(&request, &spki, &keys.get_private_key(), der).await?;
    let exportable = crypto::private_key_exportable(&keys.get_private_key()).await;

    let mut meta = EntryMeta {
        id,
        friendly_name: label_for(&request),
        created_ms: store::now_ms(),
        inf,
        state: EntryState::Pending,
        container: request.key.container.clone(),
        exportable: Some(exportable),
        key_algorithm: key_algorithm(&spki),
        has_request: !self_signed,
        ..EntryMeta::default()
    };
    // a self-signed certificate is kept as an issued entry: its key with its certificate
    let pem = armor(&request, &der);
    let (file_name, request_der) = if self_signed {
        meta.state = EntryState::Issued;
        meta.certificate = Some(der.clone());
        meta.details = tools::certificate(&der)
            .await
            .ok()
            .map(|c| CertDetails::of(&c));
        (export_file_name(&meta.friendly_name, "cer"), Vec::new())
    } else {
        (file_name_for(&request), der)
    };
    store::put(&store::StoredRequest {
        meta: meta.clone(),
        request_der,
        keys: Some(keys),
    })
    .await
    .map_err(|e| {
        format!("the {what} was made but its key could not be kept, so it is not shown: {e}")
    })?;
    Ok(Generated {
        meta,
        pem,
        file_name,
        exportable,
    })
}

/// `"certificate"` for `RequestType = Cert` (a self-signed certificate), else `"request"`.
pub fn made(request: &NewRequest) -> &'static str {
    match request.request_type {
        RequestType::Cert => "certificate",
        _ => "request",
    }
}

/// The bytes to sign for `request` and the public key `spki` (DER): a PKCS #10 request's, or
/// for `RequestType = Cert` a self-signed certificate's, valid from now by the page's clock
/// and with a serial number from the browser's random source. Generate and the embedding API
/// both build through here.
pub fn prepare(request: &NewRequest, spki: &[u8]) -> Result<encode::Unsigned, String> {
    if request.request_type != RequestType::Cert {
        return encode::prepare(request, spki, &client_info())
            .map_err(|e| format!("cannot build the request: {e}"));
    }
    let (not_before, not_after) = request.validity.resolve((store::now_ms() / 1000.0) as i64);
    let mut serial = [0u8; 16];
    crypto::random_fill(&mut serial).map_err(|e| format!("cannot draw a serial number: {e}"))?;
    encode::prepare_certificate(request, spki, not_before, not_after, &serial)
        .map_err(|e| format!("cannot build the certificate: {e}"))
}

/// For `RequestType = CMC`, the signed PKCS #10 `pkcs10` wrapped as a CMC request and signed
/// again with the same key; otherwise `pkcs10` as it is. The wrapping (and its digest) is the
/// tools module's, so a first download that makes PKCS #10 requests does without it; the
/// embedding build, which has no tools module, does it itself. Generate and the embedding API
/// both finish through here.
pub async fn wrap(
    request: &NewRequest,
    spki: &[u8],
    private_key: &web_sys::CryptoKey,
    pkcs10: Vec<u8>,
) -> Result<Vec<u8>, String> {
    if request.request_type != RequestType::Cmc {
        return Ok(pkcs10);
    }
    let mut job = CmcJob {
        pkcs10,
        spki: spki.to_vec(),
        scheme: request.signature,
        signature: None,
    };
    let to_be_signed = cmc(&job).await?;
    let signature = crypto::sign(private_key, job.scheme, &to_be_signed)
        .await
        .map_err(|e| format!("cannot sign the CMC request: {e}"))?;
    job.signature = Some(signature);
    cmc(&job).await
}

#[cfg(not(certreq_embed))]
async fn cmc(job: &CmcJob) -> Result<Vec<u8>, String> {
    tools::cmc(job)
        .await
        .map_err(|e| format!("cannot build the CMC request: {e}"))
}

/// The embedding build has no tools module: it wraps here, with Web Crypto's digest (so it
/// links no SHA-2 either).
#[cfg(certreq_embed)]
async fn cmc(job: &CmcJob) -> Result<Vec<u8>, String> {
    let cannot = |e: &dyn std::fmt::Display| format!("cannot build the CMC request: {e}");
    let content =
        certreq_request::cmc::wrap(&job.pkcs10, &job.spki, job.scheme).map_err(|e| cannot(&e))?;
    let digest = crypto::digest(content.hash(), &content.pki_data)
        .await
        .map_err(|e| cannot(&e))?;
    let unsigned = content.prepare(&digest).map_err(|e| cannot(&e))?;
    match &job.signature {
        None => Ok(unsigned.to_be_signed),
        Some(signature) => unsigned.finish(signature).map_err(|e| cannot(&e)),
    }
}

/// What [`prepare`] made, signed, as PEM with CRLF line ends as certreq writes: `NEW
/// CERTIFICATE REQUEST`, or `CERTIFICATE`.
pub fn armor(request: &NewRequest, der: &[u8]) -> String {
    match request.request_type {
        RequestType::Cert => pem::write(Label::Certificate, der),
        _ => pem::write(Label::NewCertificateRequest, der),
    }
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

/// `RSA 2048`, `ECC P-256`… of a public key given as SPKI DER.
fn key_algorithm(spki: &[u8]) -> Option<String> {
    certreq_pkix::spki::SpkiParts::read(spki).map(|_| certreq_pkix::spki::key_description(spki))
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
        // read by the tools module, which only a store holding certificates loads at start;
        // if it cannot be had, the entry is listed without its certificate's details
        if let Some(der) = &meta.certificate {
            meta.details = tools::certificate(der)
                .await
                .ok()
                .map(|c| CertDetails::of(&c));
        }
        entries.push(meta);
    }
    Ok(entries)
}

/// What became of a certificate response.
enum Accepting {
    /// Kept with its stored key: the entry as it is now.
    Stored(Box<EntryMeta>),
    /// No stored key matches: the leaf's DER (if the response has one) and why.
    NoKey(Option<Vec<u8>>, String),
}

/// Attaches the certificate in `bytes` (any response) to the stored key it is for.
pub async fn accept(bytes: Vec<u8>) -> Result<EntryMeta, String> {
    match accept_or_not(bytes).await? {
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

async fn accept_or_not(bytes: Vec<u8>) -> Result<Accepting, String> {
    let response = tools::response(&bytes)
        .await
        .map_err(|e| format!("this is not a certificate to accept: {e}"))?;
    accept_parsed(&response).await
}

/// [`accept_or_not`] for an answer already read.
async fn accept_parsed(response: &response::Response) -> Result<Accepting, String> {
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
    let (k, leaf, chain) = match match_response(response, &keys) {
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
    let mut record = records.swap_remove(index);
    let details = response
        .certificates()
        .iter()
        .find(|c| c.der() == leaf.as_slice());
    record.meta.details = details.map(CertDetails::of);
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
    Ok(Accepting::Stored(Box::new(meta)))
}

/// Offers a certificate as a PEM `.cer` file; says what was offered.
pub fn download_certificate(name: String, der: Vec<u8>) -> Result<String, String> {
    files::download(
        &name,
        "application/pkix-cert",
        pem("CERTIFICATE", &der).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    Ok(format!("{name} offered for download"))
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
pub async fn export_pfx(id: String, password: String, profile: Profile) -> Result<String, String> {
    let entry = issued_entry(&id).await?;
    let keys = entry
        .keys
        .as_ref()
        .ok_or("this entry has no private key to export")?;
    let pkcs8 = crypto::export_pkcs8(&keys.get_private_key())
        .await
        .map_err(|e| e.to_string())?;
    let mut random = vec![0u8; wire::PFX_RANDOM_BYTES];
    crypto::random_fill(&mut random).map_err(|e| format!("cannot write the PFX safely: {e}"))?;
    let job = PfxJob {
        private_key_pkcs8: pkcs8,
        leaf: entry.meta.certificate.clone().unwrap_or_default(),
        chain: entry.meta.chain.clone(),
        friendly_name: Some(entry.meta.friendly_name.clone()),
        password,
        profile,
        random,
    };
    let pfx = tools::pfx(&job).await.map_err(|e| e.to_string())?;
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

/// An issued answer: accepted for its key at once, or shown for download when no stored key
/// matches it.
async fn accept_answer(
    response: &response::Response,
    request_id: Option<u64>,
) -> Result<Outcome, String> {
    let accepting = accept_parsed(response)
        .await
        .map_err(|e| format!("the CA issued a certificate but it was not accepted: {e}"))?;
    let entry = match accepting {
        Accepting::Stored(entry) => *entry,
        Accepting::NoKey(Some(leaf), _) => {
            return Ok(Outcome {
                status: Status::Issued,
                message: format!(
                    "{} was issued; no key kept in this browser matches its public key, so it \
                     was not added to the store: download the certificate (.cer) and install it \
                     where the key is",
                    request_id.map_or_else(|| "the request".to_owned(), |n| format!("request {n}"))
                ),
                request_id,
                entry: None,
                certificate: Some(leaf),
            });
        }
        Accepting::NoKey(None, why) => {
            return Err(format!(
                "the CA issued a certificate but it was not accepted: {why}"
            ));
        }
    };
    Ok(Outcome {
        status: Status::Issued,
        message: match request_id {
            Some(n) => {
                format!("request {n} was issued; the certificate was accepted automatically")
            }
            None => "the certificate was issued and accepted automatically".to_owned(),
        },
        request_id,
        entry: Some(entry),
        certificate: None,
    })
}

/// Keeps the CA's request id on a pending entry.
async fn remember_pending(id: &str, request_id: Option<u64>) -> Result<Option<EntryMeta>, String> {
    let Some(n) = request_id else { return Ok(None) };
    let Some(mut record) = store::get_entry(id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    record.meta.request_id = Some(n);
    store::put(&record).await.map_err(|e| {
        format!("the CA took the request as {n}, but the number could not be kept: {e}")
    })?;
    let mut meta = record.meta;
    if let Some(pair) = &record.keys {
        meta.exportable = Some(crypto::private_key_exportable(&pair.get_private_key()).await);
        if let Ok(spki) = crypto::export_spki(&pair.get_public_key()).await {
            meta.key_algorithm = key_algorithm(&spki);
        }
    }
    Ok(Some(meta))
}

/// Runs an enrollment through the tools module's steps (`certreq_wire::enroll`): makes
/// each HTTP request they ask for, then acts on where they end: accepts an issued
/// certificate, keeps a pending request's id, or says why nothing came of it. `id`: the
/// stored entry the request is, when it is one.
async fn enroll(id: Option<&str>, start: steps::Start) -> Result<Outcome, String> {
    let mut next = tools::enroll_start(&start)
        .await
        .map_err(|e| e.to_string())?;
    // a submission leads to at most one certificate download (the steps end there); the
    // bound only keeps a broken module from looping
    for _ in 0..4 {
        let send = match next {
            Next::Send(send) => send,
            done => return ended(id, done).await,
        };
        let answer = http::send(&send).await.map_err(|e| e.to_string())?;
        next = tools::enroll_read(&send, &answer)
            .await
            .map_err(|e| e.to_string())?;
    }
    Err("the CA's answers kept asking for more requests; stopped".into())
}

/// The outcome of an enrollment that ended as `next`.
async fn ended(id: Option<&str>, next: Next) -> Result<Outcome, String> {
    match next {
        Next::Issued {
            response,
            request_id,
        } => accept_answer(&response, request_id).await,
        Next::Pending {
            retry_after,
            resend: true,
            ..
        } => Ok(Outcome {
            status: Status::Pending,
            message: format!(
                "the EST server accepted the request and waits for an administrator{}; press \
                 Retrieve to send it again",
                retry_after
                    .map(|r| format!(" (try again {r})"))
                    .unwrap_or_default()
            ),
            request_id: None,
            entry: match id {
                Some(id) => store::get_entry(id).await.ok().flatten().map(|r| r.meta),
                None => None,
            },
            certificate: None,
        }),
        Next::Pending { request_id, .. } => {
            let entry = match id {
                Some(id) => remember_pending(id, request_id).await?,
                None => None,
            };
            let request = request_id
                .map(|n| format!(" (request {n})"))
                .unwrap_or_default();
            let next = match (&entry, request_id) {
                (Some(_), _) => "the key stays here, press Retrieve on its entry once it is \
                                 approved"
                    .to_string(),
                (None, Some(n)) => {
                    format!("once it is approved, fetch it with “Retrieve request” and the id {n}")
                }
                (None, None) => "once it is approved, submit the request again".to_string(),
            };
            Ok(Outcome {
                status: Status::Pending,
                message: format!(
                    "Taken Under Submission: the CA waits for an administrator{request}; {next}"
                ),
                request_id,
                entry,
                certificate: None,
            })
        }
        Next::Denied {
            request_id,
            message,
        } => Ok(Outcome {
            status: Status::Denied,
            message: format!("{message} (the key is kept; delete it when it is no longer needed)"),
            request_id,
            entry: None,
            certificate: None,
        }),
        Next::Failed { message } => Err(message),
        Next::Send(_) => Err("the enrollment stopped halfway".into()),
    }
}

/// What the user chose: the protocol, the URL and the attributes, for `action`.
fn start(settings: &Enrollment, action: Action) -> steps::Start {
    steps::Start {
        protocol: match settings.kind {
            super::state::EndpointKind::AdCs => Protocol::AdCs,
            super::state::EndpointKind::Est => Protocol::Est,
        },
        url: settings.url.clone(),
        attrib: settings.attrib(),
        action,
    }
}

/// Sends entry `id`'s request to the CA and acts on the answer.
pub async fn submit(id: String, settings: Enrollment) -> Result<Outcome, String> {
    let entry = store::get_entry(&id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("that request is no longer in the store")?;
    let action = Action::Submit {
        request: entry.request_der,
    };
    enroll(Some(&id), start(&settings, action)).await
}

/// Sends a loaded request (PKCS #10 DER) to the CA; an issued certificate is accepted for its
/// stored key if there is one.
pub async fn submit_request(der: Vec<u8>, settings: Enrollment) -> Result<Outcome, String> {
    enroll(None, start(&settings, Action::Submit { request: der })).await
}

/// Asks the CA for a certificate: pending entry `id`'s (by its request id; EST sends the
/// request again), or request `number`'s (accepted for whichever stored key it is for).
pub async fn retrieve(
    id: Option<String>,
    number: Option<u64>,
    settings: Enrollment,
) -> Result<Outcome, String> {
    let entry = match &id {
        Some(id) => Some(
            store::get_entry(id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("that request is no longer in the store")?,
        ),
        None => None,
    };
    let action = Action::Retrieve {
        request_id: number.or_else(|| entry.as_ref().and_then(|e| e.meta.request_id)),
        request: entry.map(|e| e.request_der),
    };
    enroll(id.as_deref(), start(&settings, action)).await
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
