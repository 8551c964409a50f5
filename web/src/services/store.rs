//! The browser key store: IndexedDB records that keep a request together with its key pair.
//!
//! A record is one object in the `requests` store (key path `id`):
//! `{id, friendly_name, created, inf, request, state, container, keys}` (and, once a CA has
//! answered, `certificate` DER, `chain` DER array, `request_id`) where `request` is the
//! request DER (`Uint8Array`) and `keys` the `CryptoKeyPair` itself. IndexedDB keeps the pair by
//! structured clone, so a non-extractable private key is stored without ever leaving Web Crypto
//! and still signs after a reload. Losing a pending record loses its key: nothing here deletes
//! anything unless asked to by id.

use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CryptoKeyPair, IdbDatabase, IdbFactory, IdbObjectStore, IdbObjectStoreParameters,
    IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use super::{ServiceError, describe_js, get, set};

/// The database name. One database per origin; a file:// page has its own.
pub const DB_NAME: &str = "certreq-web";
/// The object store holding requests and their keys.
pub const REQUESTS: &str = "requests";
const DB_VERSION: u32 = 1;

/// Where a stored request is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EntryState {
    /// Made and handed out; the key waits for its certificate.
    #[default]
    Pending,
    /// The certificate has been accepted.
    Issued,
    /// The CA denied the request; the key is kept (an administrator may still issue it, and
    /// the request may be sent again).
    Denied,
}

impl EntryState {
    /// The word stored in IndexedDB (and shown as `data-state`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Issued => "issued",
            EntryState::Denied => "denied",
        }
    }
    /// Reads a stored word; anything unknown is treated as pending (the safe reading: the key
    /// is kept and shown).
    pub fn parse(word: &str) -> Self {
        if word.eq_ignore_ascii_case("issued") {
            EntryState::Issued
        } else if word.eq_ignore_ascii_case("denied") {
            EntryState::Denied
        } else {
            EntryState::Pending
        }
    }
}

/// What a record says about its request, beside the request and the key pair.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordMeta {
    pub id: String,
    pub friendly_name: String,
    /// Milliseconds since the Unix epoch.
    pub created_ms: f64,
    /// The INF text the request was made from.
    pub inf: String,
    pub state: EntryState,
    /// `KeyContainer`, if the INF named one.
    pub container: Option<String>,
    /// The accepted certificate's DER.
    pub certificate: Option<Vec<u8>>,
    /// Its issuers' DER, issuer first.
    pub chain: Vec<Vec<u8>>,
    /// The CA's request id, once a CA has answered "pending".
    pub request_id: Option<u64>,
    /// The id of the entry whose certificate this entry's request renews.
    pub renews: Option<String>,
    /// The CA the request was sent to; `None` for a record older than this field, or one never
    /// sent.
    pub ca: Option<CaRef>,
}

/// A CA endpoint as stored: its protocol's word (`adcs`, `est`) and its base URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaRef {
    pub protocol: String,
    pub url: String,
}

impl RecordMeta {
    /// The same record with another creation time (for comparisons).
    pub fn with_created(mut self, created_ms: f64) -> Self {
        self.created_ms = created_ms;
        self
    }
}

/// A stored request with its key pair.
#[derive(Clone, Debug)]
pub struct StoredRequest {
    pub meta: RecordMeta,
    /// The request DER as it was handed out; empty for a certificate stored without one (a
    /// self-signed certificate, an imported PFX).
    pub request_der: Vec<u8>,
    pub keys: Option<CryptoKeyPair>,
}

impl StoredRequest {
    /// Whether a request is stored with the key.
    pub fn has_request(&self) -> bool {
        !self.request_der.is_empty()
    }
}

/// Waits for an IndexedDB request and returns its result. The promise's own resolve and
/// reject functions are the event handlers, so no Rust closure outlives the call.
async fn finished(request: &IdbRequest, doing: &str) -> Result<JsValue, ServiceError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| ServiceError::js(doing, e)),
        Err(_) => Err(request_error(request, doing)),
    }
}

fn request_error(request: &IdbRequest, doing: &str) -> ServiceError {
    match request.error() {
        Ok(Some(e)) => ServiceError(format!("{doing}: {}", describe_js(&e.into()))),
        _ => ServiceError(format!("{doing}: the browser gave no reason")),
    }
}

/// A promise for a transaction's end: resolved when it commits, rejected when it fails.
fn committed(tx: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    })
}

async fn open() -> Result<IdbDatabase, ServiceError> {
    const DOING: &str = "cannot open the key store";
    let factory = get(&js_sys::global(), "indexedDB");
    if factory.is_undefined() || factory.is_null() {
        return Err(ServiceError(
            "this browser offers no IndexedDB here, so keys cannot be kept".into(),
        ));
    }
    let factory: IdbFactory = factory.unchecked_into();
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| ServiceError::js(DOING, e))?;
    // the first open (or a version change) creates the object store; the handler goes once
    // the open has finished (a gloo-events listener cost the first download more: see
    // ARCHITECTURE.md, "gloo and raw web-sys")
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        let Some(target) = event.target() else { return };
        let Ok(db) = target.unchecked_into::<IdbRequest>().result() else {
            return;
        };
        let db: IdbDatabase = db.unchecked_into();
        if !db.object_store_names().contains(REQUESTS) {
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&JsValue::from_str("id"));
            let _ = db.create_object_store_with_optional_parameters(REQUESTS, &params);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = finished(&request, DOING).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    Ok(db?.unchecked_into())
}

/// The `requests` store in a new transaction.
fn requests(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
    doing: &str,
) -> Result<(IdbTransaction, IdbObjectStore), ServiceError> {
    let tx = db
        .transaction_with_str_and_mode(REQUESTS, mode)
        .map_err(|e| ServiceError::js(doing, e))?;
    let store = tx
        .object_store(REQUESTS)
        .map_err(|e| ServiceError::js(doing, e))?;
    Ok((tx, store))
}

/// Runs one write (`put` or `delete`) and waits until its transaction has committed.
async fn write(
    doing: &str,
    op: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<(), ServiceError> {
    let db = open().await?;
    let result = async {
        let (tx, store) = requests(&db, IdbTransactionMode::Readwrite, doing)?;
        let done = committed(&tx);
        let request = op(&store).map_err(|e| ServiceError::js(doing, e))?;
        match JsFuture::from(done).await {
            Ok(_) => Ok(()),
            Err(_) => Err(match tx.error() {
                Some(e) if e.name() == "QuotaExceededError" => ServiceError(format!(
                    "{doing}: the browser's storage for this site is full \
                     (QuotaExceededError); nothing was kept. Free disk space, or delete \
                     entries you no longer need, and try again"
                )),
                Some(e) => ServiceError(format!("{doing}: {}", describe_js(&e.into()))),
                None => request_error(&request, doing),
            }),
        }
    }
    .await;
    db.close();
    result
}

/// Runs one read and returns its result.
async fn read(
    doing: &str,
    op: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, ServiceError> {
    let db = open().await?;
    let result = async {
        let (_tx, store) = requests(&db, IdbTransactionMode::Readonly, doing)?;
        let request = op(&store).map_err(|e| ServiceError::js(doing, e))?;
        finished(&request, doing).await
    }
    .await;
    db.close();
    result
}

fn to_js(record: &StoredRequest) -> JsValue {
    let meta = &record.meta;
    let obj = Object::new();
    set(&obj, "id", &meta.id.as_str().into());
    set(&obj, "friendly_name", &meta.friendly_name.as_str().into());
    set(&obj, "created", &JsValue::from_f64(meta.created_ms));
    set(&obj, "inf", &meta.inf.as_str().into());
    set(
        &obj,
        "request",
        &Uint8Array::from(record.request_der.as_slice()),
    );
    set(&obj, "state", &meta.state.as_str().into());
    let container = meta
        .container
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    set(&obj, "container", &container);
    if let Some(keys) = &record.keys {
        set(&obj, "keys", keys.as_ref());
    }
    if let Some(cert) = &meta.certificate {
        set(&obj, "certificate", &Uint8Array::from(cert.as_slice()));
        let chain = js_sys::Array::new();
        for c in &meta.chain {
            chain.push(&Uint8Array::from(c.as_slice()));
        }
        set(&obj, "chain", &chain);
    }
    if let Some(n) = meta.request_id {
        // a JS number holds request ids exactly up to 2^53
        set(&obj, "request_id", &JsValue::from_f64(n as f64));
    }
    if let Some(old) = &meta.renews {
        set(&obj, "renews", &old.as_str().into());
    }
    if let Some(ca) = &meta.ca {
        set(&obj, "ca_url", &ca.url.as_str().into());
        set(&obj, "ca_protocol", &ca.protocol.as_str().into());
    }
    obj.into()
}

fn from_js(value: &JsValue) -> Option<StoredRequest> {
    let text = |key: &'static str| get(value, key).as_string();
    let id = text("id")?;
    let request = get(value, "request");
    let request_der = request
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .unwrap_or_default();
    let keys = get(value, "keys");
    Some(StoredRequest {
        meta: RecordMeta {
            id,
            friendly_name: text("friendly_name").unwrap_or_default(),
            created_ms: get(value, "created").as_f64().unwrap_or(0.0),
            inf: text("inf").unwrap_or_default(),
            state: EntryState::parse(&text("state").unwrap_or_default()),
            container: text("container"),
            certificate: get(value, "certificate")
                .dyn_ref::<Uint8Array>()
                .map(Uint8Array::to_vec),
            chain: get(value, "chain")
                .dyn_ref::<js_sys::Array>()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
                        .collect()
                })
                .unwrap_or_default(),
            request_id: get(value, "request_id")
                .as_f64()
                .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_992.0)
                .map(|n| n as u64),
            renews: text("renews"),
            ca: text("ca_url").map(|url| CaRef {
                url,
                protocol: text("ca_protocol").unwrap_or_default(),
            }),
        },
        request_der,
        keys: (!keys.is_undefined() && !keys.is_null()).then(|| keys.unchecked_into()),
    })
}

/// Adds or replaces a record (by `meta.id`).
pub async fn put(record: &StoredRequest) -> Result<(), ServiceError> {
    let value = to_js(record);
    write("cannot save the entry", |store| store.put(&value)).await
}

/// One record by id.
pub async fn get_entry(id: &str) -> Result<Option<StoredRequest>, ServiceError> {
    let value = read("cannot read the key store", |store| {
        store.get(&JsValue::from_str(id))
    })
    .await?;
    Ok(from_js(&value))
}

/// Every record, oldest first.
pub async fn list() -> Result<Vec<StoredRequest>, ServiceError> {
    let values = read("cannot read the key store", |store| store.get_all()).await?;
    let values: js_sys::Array = values.dyn_into().unwrap_or_default();
    let mut records: Vec<StoredRequest> = values.iter().filter_map(|v| from_js(&v)).collect();
    // whole milliseconds since 1970, never negative (`as` saturates; NaN reads as 0)
    certreq_inf::order::sort_by_u64_key(&mut records, |r| r.meta.created_ms as u64);
    Ok(records)
}

/// Removes a record and with it the only copy of a non-exportable key.
pub async fn delete(id: &str) -> Result<(), ServiceError> {
    write("cannot delete the request", |store| {
        store.delete(&JsValue::from_str(id))
    })
    .await
}

/// What the browser said when asked to keep this site's storage through storage pressure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Storage is persistent: the browser will not evict the keys on its own.
    Granted,
    /// The browser may evict the keys when space runs low.
    Denied,
    /// The browser has no `navigator.storage.persist()`.
    Unsupported,
}

/// Asks for persistent storage (`navigator.storage.persist()`) unless it already is
/// (`navigator.storage.persisted()`).
pub async fn request_persistence() -> Persistence {
    let storage = get(&get(&js_sys::global(), "navigator"), "storage");
    // already persistent: nothing to ask
    if let Some(persisted) = get(&storage, "persisted").dyn_ref::<js_sys::Function>()
        && let Ok(promise) = persisted.call0(&storage)
        && let Ok(v) = JsFuture::from(js_sys::Promise::resolve(&promise)).await
        && v.as_bool() == Some(true)
    {
        return Persistence::Granted;
    }
    let persist = get(&storage, "persist");
    let Some(persist) = persist.dyn_ref::<js_sys::Function>() else {
        return Persistence::Unsupported;
    };
    let Ok(promise) = persist.call0(&storage) else {
        return Persistence::Unsupported;
    };
    match JsFuture::from(js_sys::Promise::resolve(&promise)).await {
        Ok(v) if v.as_bool() == Some(true) => Persistence::Granted,
        Ok(_) => Persistence::Denied,
        Err(_) => Persistence::Unsupported,
    }
}

/// A fresh record id: `crypto.randomUUID()`, or the time when that is missing.
pub fn new_id() -> String {
    let crypto = get(&js_sys::global(), "crypto");
    let uuid = get(&crypto, "randomUUID")
        .dyn_ref::<js_sys::Function>()
        .and_then(|f| f.call0(&crypto).ok())
        .and_then(|v| v.as_string());
    uuid.unwrap_or_else(|| format!("req-{}", js_sys::Date::now() as u64))
}

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
