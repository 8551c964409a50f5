//! The decoder, the response reader, the PFX writer, the INF reference's prose, the
//! enrollment protocols' decisions and the CMC wrapping, in the app's second wasm module
//! (`web/tools`), which is fetched and instantiated the first time one is used, so the first
//! download is smaller.
//!
//! The module comes from `certreq-tools.wasm` beside the page, or, in the single-file page
//! (`dist/certreq-web.html`, opened from `file://` where nothing can be fetched), from the
//! base64 text of its `<script id="certreq-tools-wasm" type="application/octet-stream">` (in
//! `<head>`, which the app leaves alone). It is instantiated once; every later call reuses
//! it. What crosses is `certreq_wire`.

use std::cell::RefCell;

use certreq_pkix::cert::{Certificate, Response};
use certreq_wire::Dump;
use certreq_wire::enroll as steps;
use certreq_wire::{self as wire, DocPage, DocQuery, PfxImport, PfxJob, PfxOpened};
use js_sys::{Function, Object, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroize;

use super::{ServiceError, get};

/// The file the Trunk build puts beside `index.html`.
pub const FILE: &str = "certreq-tools.wasm";
/// The element the single-file page carries the module in.
pub const INLINE_ID: &str = "certreq-tools-wasm";

thread_local! {
    /// Where the module is fetched from instead of [`FILE`] beside the page (the embedding
    /// module's users point it at the copy beside that module: [`set_url`]). Only in the embed
    /// builds: the app's module is always beside its page.
    #[cfg(certreq_embed)]
    static URL: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The instantiation, started on first use and shared by every caller after (a promise
    /// can be awaited any number of times); a failed one is forgotten so a later call retries.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Fetches the module from `url` from now on, in place of [`FILE`] beside the page; an
/// instantiation from elsewhere already made is kept.
#[cfg(certreq_embed)]
pub fn set_url(url: String) {
    URL.set(Some(url));
}

/// Decodes PEM, base64 or DER for display.
pub async fn dump(bytes: &[u8]) -> Result<Dump, ServiceError> {
    read(&ask(wire::OP_DUMP, bytes).await?, wire::dump_from_wire)
}

/// Reads what a CA sent back (certificate, PKCS #7, CMC response; PEM, base64 or DER).
pub async fn response(bytes: &[u8]) -> Result<Response, ServiceError> {
    read(
        &ask(wire::OP_RESPONSE, bytes).await?,
        wire::response_from_wire,
    )
}

/// The INF reference's page for a place in the editor.
pub async fn doc(query: &DocQuery) -> Result<Option<DocPage>, ServiceError> {
    read(
        &ask(wire::OP_DOC, &query.to_wire()).await?,
        wire::doc_from_wire,
    )
}

/// Reads one DER certificate.
pub async fn certificate(der: &[u8]) -> Result<Certificate, ServiceError> {
    read(
        &ask(wire::OP_CERTIFICATE, der).await?,
        wire::one_certificate_from_wire,
    )
}

/// The first step of an enrollment (`certreq_wire::enroll::start`).
pub async fn enroll_start(start: &steps::Start) -> Result<steps::Next, ServiceError> {
    read(
        &ask(wire::OP_ENROLL_START, &start.to_wire()).await?,
        steps::Next::from_wire,
    )
}

/// What a CA's answer to `send` means (`certreq_wire::enroll::read`).
pub async fn enroll_read(
    send: &steps::HttpRequest,
    answer: &steps::Answer,
) -> Result<steps::Next, ServiceError> {
    let question = steps::read_to_wire(&send.state, &send.url, answer);
    read(
        &ask(wire::OP_ENROLL_READ, &question).await?,
        steps::Next::from_wire,
    )
}

/// Writes a PFX. The question (it holds the private key and the password) is overwritten once
/// asked.
pub async fn pfx(job: &PfxJob) -> Result<Vec<u8>, ServiceError> {
    let mut question = job.to_wire();
    let answer = ask(wire::OP_PFX, &question).await;
    question.zeroize();
    answer
}

/// Opens a PFX to import it: its private key (PKCS #8) and certificates. The question (with
/// the password) and the answer's bytes (with the key) are overwritten once read; the caller
/// overwrites the key it is handed once it has imported it.
pub async fn pfx_open(job: &PfxImport) -> Result<PfxOpened, ServiceError> {
    let mut question = job.to_wire();
    let answer = ask(wire::OP_PFX_READ, &question).await;
    question.zeroize();
    let mut answer = answer?;
    let opened = read(&answer, PfxOpened::from_wire);
    answer.zeroize();
    opened
}

/// Writes the store's backup (see [`wire::backup`]). The question (with the keys and the
/// password) is overwritten once asked.
pub async fn backup(job: &wire::backup::BackupJob) -> Result<Vec<u8>, ServiceError> {
    let mut question = job.to_wire();
    let answer = ask(wire::OP_BACKUP, &question).await;
    question.zeroize();
    answer
}

/// Opens a backup: its entries, with the keys it holds. The question and the answer's bytes
/// are overwritten once read; the caller overwrites each key once it has imported it.
pub async fn backup_open(job: &PfxImport) -> Result<wire::backup::BackupOpened, ServiceError> {
    let mut question = job.to_wire();
    let answer = ask(wire::OP_BACKUP_READ, &question).await;
    question.zeroize();
    let mut answer = answer?;
    let opened = read(&answer, wire::backup::BackupOpened::from_wire);
    answer.zeroize();
    opened
}

/// One half of a CMC wrapping (see [`wire::CmcJob`]): the bytes to sign, or the request.
pub async fn cmc(job: &wire::CmcJob) -> Result<Vec<u8>, ServiceError> {
    ask(wire::OP_CMC, &job.to_wire()).await
}

/// The templates an AD CS advanced request page (`certrqxt.asp`) lists, as the facts' bytes
/// (read with `wire::ca::offered_of`; handed back unread to [`template_check`]).
pub async fn template_list(page: &[u8]) -> Result<Vec<u8>, ServiceError> {
    ask(wire::OP_TEMPLATE_LIST, page).await
}

/// The CA label and the `/csrattrs` URL of an EST endpoint, from its URL as given.
pub async fn est_places(url: &str) -> Result<wire::ca::EstPlaces, ServiceError> {
    read(
        &ask(wire::OP_EST_PLACES, url.as_bytes()).await?,
        wire::ca::EstPlaces::from_wire,
    )
}

/// What an EST server's `/csrattrs` answer asks of requests, as the facts' bytes.
pub async fn csrattrs(answer: &wire::ca::HttpAnswer) -> Result<Vec<u8>, ServiceError> {
    ask(wire::OP_CSRATTRS, &answer.to_wire()).await
}

/// An INF's mismatches with what is known of its template, at byte spans of its text.
pub async fn template_check(
    check: &wire::ca::TemplateCheck,
) -> Result<Vec<wire::ca::Finding>, ServiceError> {
    read(
        &ask(wire::OP_TEMPLATE_CHECK, &check.to_wire()).await?,
        wire::ca::findings_from_wire,
    )
}

/// Where the CA's certificates, chains and CRLs are (for AD CS, first the page to fetch).
pub async fn ca_downloads(
    query: &wire::ca::CaDownloadsQuery,
) -> Result<Vec<wire::ca::Download>, ServiceError> {
    read(
        &ask(wire::OP_CA_DOWNLOADS, &query.to_wire()).await?,
        wire::ca::downloads_from_wire,
    )
}

/// What a CA's refusal or error means and what to do, when the table knows.
pub async fn explain(
    query: &wire::ca::ExplainQuery,
) -> Result<Option<wire::ca::Explanation>, ServiceError> {
    read(
        &ask(wire::OP_EXPLAIN, &query.to_wire()).await?,
        wire::ca::explanation_from_wire,
    )
}

/// The INF that renews a certificate.
pub async fn renewal_inf(query: &wire::RenewalInfQuery) -> Result<String, ServiceError> {
    let bytes = ask(wire::OP_RENEWAL_INF, &query.to_wire()).await?;
    String::from_utf8(bytes).map_err(|e| ServiceError(e.to_string()))
}

/// A request wrapped and signed by a stored certificate's key: without signatures, what
/// each signer signs; with them, the DER.
pub async fn wrap(job: &wire::WrapJob) -> Result<Vec<u8>, ServiceError> {
    ask(wire::OP_WRAP, &job.to_wire()).await
}

/// Asks the module one question; its answer's bytes, or its sentence for why there are none.
async fn ask(op: u32, input: &[u8]) -> Result<Vec<u8>, ServiceError> {
    let (status, answer) = call(op, input).await?;
    wire::answer(status, answer).map_err(|why| ServiceError(why.0))
}

/// Whether `query`'s bytes are a CRL of the kind asked for; why not, if not.
pub async fn crl(query: &wire::ca::CrlQuery) -> Result<(), ServiceError> {
    ask(wire::OP_CRL, &query.to_wire()).await.map(drop)
}

/// Takes an answer's bytes apart with `from_wire`.
fn read<T>(
    answer: &[u8],
    from_wire: fn(&[u8]) -> Result<T, wire::WireError>,
) -> Result<T, ServiceError> {
    from_wire(answer).map_err(|e| ServiceError(e.to_string()))
}

async fn call(op: u32, input: &[u8]) -> Result<(u32, Vec<u8>), ServiceError> {
    let exports = exports().await?;
    let memory = get(&exports, "memory");
    let func = |name: &'static str| -> Result<Function, ServiceError> {
        get(&exports, name)
            .dyn_into::<Function>()
            .map_err(|_| ServiceError(format!("the tools module has no {name}")))
    };
    let number = |v: Result<JsValue, JsValue>, what: &str| -> Result<u32, ServiceError> {
        v.map_err(|e| {
            // a trap (out of memory, a bug) may leave the instance half-way: start afresh
            LOADING.set(None);
            ServiceError::js(what, e)
        })?
        .as_f64()
        .map(|n| n as u32)
        .ok_or_else(|| ServiceError(format!("{what}: no number")))
    };
    let len = u32::try_from(input.len())
        .map_err(|_| ServiceError("this is too large to decode here".into()))?;
    let at = number(
        func("tools_input")?.call1(&JsValue::NULL, &len.into()),
        "the tools module cannot take the input",
    )?;
    // the buffer is read after each call: a call may grow memory and detach an older view
    Uint8Array::new(&get(&memory, "buffer"))
        .subarray(at, at + len)
        .copy_from(input);
    let status = number(
        func("tools_run")?.call1(&JsValue::NULL, &op.into()),
        "the tools module failed",
    )?;
    let at = number(
        func("tools_output")?.call0(&JsValue::NULL),
        "the tools module's answer",
    )?;
    let out_len = number(
        func("tools_output_len")?.call0(&JsValue::NULL),
        "the tools module's answer",
    )?;
    let memory = Uint8Array::new(&get(&memory, "buffer"));
    let answer = memory.subarray(at, at + out_len).to_vec();
    // an answer may hold a private key: its buffer (the module's, still its own) is
    // overwritten once read; the module overwrites the question itself once it has answered
    memory.fill(0, at, at + out_len);
    Ok((status, answer))
}

/// The module's exports, instantiating it on first use.
async fn exports() -> Result<JsValue, ServiceError> {
    instantiated()
        .await
        .map(|result| get(&get(&result, "instance"), "exports"))
}

/// The compiled module (a `WebAssembly.Module`), for a worker to instantiate for itself.
pub(super) async fn module() -> Result<JsValue, ServiceError> {
    instantiated().await.map(|result| get(&result, "module"))
}

/// `WebAssembly.instantiate`'s result (`{module, instance}`), started on first use.
async fn instantiated() -> Result<JsValue, ServiceError> {
    let promise = LOADING.with_borrow_mut(|slot| slot.get_or_insert_with(instantiate).clone());
    match JsFuture::from(promise).await {
        Ok(result) => Ok(result),
        Err(e) => {
            LOADING.set(None);
            Err(ServiceError::js(LOAD_FAILED, e))
        }
    }
}

/// Why nothing can be decoded: the app's module sits beside its page; a portal's is where
/// `setToolsUrl` says, else beside the portal's page.
#[cfg(not(certreq_embed))]
const LOAD_FAILED: &str = "the app's decoding module (certreq-tools.wasm) could not be loaded";
#[cfg(certreq_embed)]
const LOAD_FAILED: &str = "the decoding module (certreq-tools.wasm) could not be loaded from \
     where setToolsUrl says (without it: beside the page)";

/// Whether `e` says the module could not be loaded (rather than what it read).
pub fn unloaded(e: &ServiceError) -> bool {
    e.0.starts_with(LOAD_FAILED)
}

/// Starts `WebAssembly.instantiate` on the inlined bytes, or on the fetched file.
fn instantiate() -> Promise {
    wasm_bindgen_futures::future_to_promise(async {
        let bytes = match inline_bytes() {
            Some(inlined) => inlined.map_err(|e| JsValue::from_str(&e))?,
            None => fetch_bytes().await?,
        };
        let instantiating = js_sys::WebAssembly::instantiate_buffer(&bytes, &Object::new());
        JsFuture::from(instantiating).await
    })
}

/// The single-file page's inlined module, if this is that page.
fn inline_bytes() -> Option<Result<Vec<u8>, String>> {
    use base64ct::Encoding;
    let document = get(&js_sys::global(), "document");
    let element = get(&document, "getElementById")
        .dyn_ref::<Function>()?
        .call1(&document, &JsValue::from_str(INLINE_ID))
        .ok()?;
    let text = get(&element, "textContent").as_string()?;
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    Some(
        base64ct::Base64::decode_vec(&clean)
            .map_err(|_| "the page's inlined decoder module is damaged".to_owned()),
    )
}

/// `fetch(FILE)`'s bytes (relative to the page, so it works under any path).
async fn fetch_bytes() -> Result<Vec<u8>, JsValue> {
    // the file's name carries no content hash (Trunk's own files do), so a cached copy from
    // an older release could meet this app; revalidating every time keeps the two together
    let init = Object::new();
    super::set(&init, "cache", &"no-cache".into());
    #[cfg(certreq_embed)]
    let chosen = URL.with_borrow(|url| url.clone());
    #[cfg(certreq_embed)]
    let url = chosen.as_deref().unwrap_or(FILE);
    #[cfg(not(certreq_embed))]
    let url = FILE;
    let response = super::fetch(url, &init).await?;
    if !get(&response, "ok").is_truthy() {
        return Err(JsValue::from_str(&format!(
            "{url} answered HTTP {}",
            super::status(&response)
        )));
    }
    super::body(&response).await
}
