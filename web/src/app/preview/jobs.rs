//! Making a request in the browser: key pair → public key → sign → (CMC: sign again) → store.
//! [`prepare`], [`wrap`] and [`armor`] are shared with the embedding API.

use certreq_pkix::pem::{self, Label};
use certreq_request::encode::{self, ClientInfo};
use certreq_request::model::{NewRequest, RequestType, SignatureScheme};
use certreq_wire::CmcJob;

use super::Generated;
use crate::app::files::{export_file_name, file_name_for, label_for};
use crate::app::store::jobs::key_algorithm;
use crate::app::store::{CertDetails, EntryMeta, EntryState, RecordMeta};
use crate::services::{self, crypto, store, tools};

/// Makes the key pair (or takes the stored one of entry `reuse`), the signed request (or, for
/// `RequestType = Cert`, the self-signed certificate), and the store record, in that order.
/// The record is written before the result is shown, so nothing is handed out without its
/// key.
pub async fn generate(
    request: NewRequest,
    inf: String,
    reuse: Option<String>,
    renews: Option<String>,
    signer: Option<String>,
) -> Result<Generated, String> {
    if let Some(old) = renews {
        return signed_by_stored(request, inf, Signer::Renews(old)).await;
    }
    if let Some(agent) = signer {
        return signed_by_stored(request, inf, Signer::Agent(agent)).await;
    }
    let scheme = request.signature;
    let (keys, id, reused) = match reuse {
        Some(id) => {
            let entry = store::get_entry(&id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "the stored key to reuse is no longer in the store".to_owned())?;
            let keys = entry.keys.ok_or_else(|| {
                "the stored entry to reuse has no key pair (it may have been issued)".to_owned()
            })?;
            // a request already sent keeps its entry (the CA may still answer it): the new
            // request with the same key is an entry of its own
            let sent = entry.meta.request_id.is_some() || entry.meta.ca.is_some();
            (keys, if sent { store::new_id() } else { id }, true)
        }
        None => (
            crypto::generate(request.key.algorithm, scheme, request.key.exportable)
                .await
                .map_err(|e| e.to_string())?,
            store::new_id(),
            false,
        ),
    };
    let spki = crypto::export_spki(&keys.get_public_key())
        .await
        .map_err(|e| e.to_string())?;
    if reused {
        crypto::check_key_pair(
            &spki,
            &keys.get_private_key(),
            request.key.algorithm,
            scheme,
        )
        .map_err(|e| {
            format!(
                "the key kept as “{}” cannot make this request: {e}",
                request.key.container.as_deref().unwrap_or_default()
            )
        })?;
    }
    let self_signed = request.request_type == RequestType::Cert;
    let what = made(&request);
    let unsigned = prepare(&request, &spki)?;
    let der = sign_and_finish(&unsigned, &keys.get_private_key(), what).await?;
    let der = wrap(&request, &spki, &keys.get_private_key(), der).await?;
    let exportable = crypto::private_key_exportable(&keys.get_private_key()).await;

    let mut meta = EntryMeta {
        record: RecordMeta {
            id,
            friendly_name: label_for(&request),
            created_ms: store::now_ms(),
            inf,
            state: EntryState::Pending,
            container: request.key.container.clone(),
            ..RecordMeta::default()
        },
        exportable: Some(exportable),
        key_algorithm: key_algorithm(&spki),
        has_request: !self_signed,
        ..EntryMeta::default()
    };
    // a self-signed certificate is kept as an issued entry: its key with its certificate
    let pem = armor(&request, &der);
    let (file_name, request_der) = if self_signed {
        meta.record.state = EntryState::Issued;
        meta.record.certificate = Some(der.clone());
        meta.details = tools::certificate(&der)
            .await
            .ok()
            .map(|c| CertDetails::of(&c));
        (
            export_file_name(&meta.record.friendly_name, "cer"),
            Vec::new(),
        )
    } else {
        (file_name_for(&request), der)
    };
    store::put(&store::StoredRequest {
        meta: meta.record.clone(),
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

/// Which stored entry's certificate and key sign a wrapped request.
enum Signer {
    /// The renewed entry (a renewal).
    Renews(String),
    /// An enrollment agent's entry (a request on behalf of `RequesterName`).
    Agent(String),
}

/// A request wrapped (PKCS #7 or CMC, by the tools module) and signed by a stored entry's
/// key through Web Crypto, so that key may be non-extractable: a renewal of entry `old`'s
/// certificate (the PKCS #10 carrying it, signed by the same key with `UseExistingKeySet`
/// or a new one), or a request on behalf of another user signed by an enrollment agent's
/// entry. CMC is signed by the request's key first, then by the stored one. The new entry
/// remembers which entry it renews; the stored one is untouched.
async fn signed_by_stored(
    request: NewRequest,
    inf: String,
    signer: Signer,
) -> Result<Generated, String> {
    let (id, renewal) = match &signer {
        Signer::Renews(old) => (old, true),
        Signer::Agent(agent) => (agent, false),
    };
    let whose = if renewal {
        "the entry to renew"
    } else {
        "the enrollment agent's entry"
    };
    let entry = store::get_entry(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{whose} is no longer in the store"))?;
    let cert = entry
        .meta
        .certificate
        .clone()
        .ok_or_else(|| format!("{whose} has no certificate"))?;
    let stored_keys = entry
        .keys
        .ok_or_else(|| format!("{whose} has no key to sign with"))?;
    let same_key = renewal && request.key.use_existing;
    let keys = if same_key {
        stored_keys.clone()
    } else {
        crypto::generate(
            request.key.algorithm,
            request.signature,
            request.key.exportable,
        )
        .await
        .map_err(|e| e.to_string())?
    };
    let spki = crypto::export_spki(&keys.get_public_key())
        .await
        .map_err(|e| e.to_string())?;
    if same_key {
        crypto::check_key_pair(
            &spki,
            &keys.get_private_key(),
            request.key.algorithm,
            request.signature,
        )
        .map_err(|e| format!("the renewed certificate's key cannot make this request: {e}"))?;
    }
    let additions = encode::Additions {
        renewal_certificate: renewal.then_some(cert.as_slice()),
    };
    let unsigned = encode::prepare_with(&request, &spki, &client_info(), &additions)
        .map_err(|e| format!("cannot build the request: {e}"))?;
    // the stored key signs as Web Crypto bound it when it was made: with its hash (an RSA key
    // made with HashAlgorithm = SHA384 signs only with SHA-384), and with PSS for a key made
    // with AlternateSignatureAlgorithm = TRUE (it signs nothing else)
    let binding = crypto::rsa_binding(&stored_keys.get_private_key());
    let pss = matches!(binding, Some(SignatureScheme::RsaPss(_)));
    let hash = binding.map_or(request.signature.hash(), SignatureScheme::hash);
    let pkcs10 = sign_and_finish(&unsigned, &keys.get_private_key(), "request").await?;
    let mut job = certreq_wire::WrapJob {
        pkcs10,
        cert,
        hash,
        pss,
        requester_name: if renewal {
            None
        } else {
            request.requester_name.clone()
        },
        cmc: (request.request_type == RequestType::Cmc).then(|| (spki.clone(), request.signature)),
        signatures: Vec::new(),
    };
    let cannot = |e: services::ServiceError| e.to_string();
    let first = tools::wrap(&job).await.map_err(cannot)?;
    let to_sign = certreq_wire::ToSign::from_wire(&first).map_err(|e| e.to_string())?;
    // CMC: the request's own key signs first, then the stored certificate's
    let mut signing = Vec::new();
    if job.cmc.is_some() {
        signing.push(keys.get_private_key());
    }
    signing.push(stored_keys.get_private_key());
    if to_sign.0.len() != signing.len() {
        return Err("the wrapped request asks for other signers than expected".into());
    }
    for ((scheme, bytes), key) in to_sign.0.iter().zip(&signing) {
        job.signatures.push(
            crypto::sign(key, *scheme, bytes)
                .await
                .map_err(|e| format!("the stored certificate's key cannot sign: {e}"))?,
        );
    }
    let der = tools::wrap(&job).await.map_err(cannot)?;
    let exportable = crypto::private_key_exportable(&keys.get_private_key()).await;
    let meta = EntryMeta {
        record: RecordMeta {
            id: store::new_id(),
            friendly_name: label_for(&request),
            created_ms: store::now_ms(),
            inf,
            state: EntryState::Pending,
            renews: renewal.then(|| id.clone()),
            ..RecordMeta::default()
        },
        exportable: Some(exportable),
        key_algorithm: key_algorithm(&spki),
        has_request: true,
        ..EntryMeta::default()
    };
    store::put(&store::StoredRequest {
        meta: meta.record.clone(),
        request_der: der.clone(),
        keys: Some(keys),
    })
    .await
    .map_err(|e| format!("the request was made but could not be kept, so it is not shown: {e}"))?;
    Ok(Generated {
        meta,
        pem: pem::write(Label::NewCertificateRequest, &der),
        file_name: file_name_for(&request),
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

/// Signs `unsigned` with `private` through Web Crypto and finishes it; `what` names what is
/// made in the error.
async fn sign_and_finish(
    unsigned: &encode::Unsigned,
    private: &web_sys::CryptoKey,
    what: &str,
) -> Result<Vec<u8>, String> {
    let signature = crypto::sign(private, unsigned.scheme, &unsigned.to_be_signed)
        .await
        .map_err(|e| e.to_string())?;
    unsigned
        .finish(&signature)
        .map_err(|e| format!("cannot finish the {what}: {e}"))
}

/// The bytes to sign for `request` and the public key `spki` (DER): a PKCS #10 request's, or
/// for `RequestType = Cert` a self-signed certificate's, valid from now by the page's clock
/// and with a serial number from the browser's random source. Generate and the embedding API
/// both build through here.
pub fn prepare(request: &NewRequest, spki: &[u8]) -> Result<encode::Unsigned, String> {
    if request.request_type != RequestType::Cert {
        // who is asking goes only into certreq's default attributes: without them (say
        // `SuppressDefaults = TRUE`) the page's host is not asked for
        let client = if request.default_attributes {
            client_info()
        } else {
            ClientInfo::default()
        };
        return encode::prepare(request, spki, &client)
            .map_err(|e| format!("cannot build the request: {e}"));
    }
    let (not_before, not_after) = request.validity.resolve((store::now_ms() / 1000.0) as i64);
    let mut serial = [0u8; 16];
    crypto::random_fill(&mut serial).map_err(|e| format!("cannot draw a serial number: {e}"))?;
    encode::prepare_certificate(request, spki, not_before, not_after, &serial)
        .map_err(|e| format!("cannot build the certificate: {e}"))
}

/// Whether [`wrap`] does anything for `request` (a CMC request); for any other it hands the
/// signed request back as it is, and the embedding API's `createRequest` skips it.
pub fn wraps(request: &NewRequest) -> bool {
    request.request_type == RequestType::Cmc
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
    if !wraps(request) {
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
