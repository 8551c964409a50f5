//! The browser key store: IndexedDB records that keep a request together with its key pair.
//!
//! A record is one object in the `requests` store (key path `id`):
//! `{id, friendly_name, created, inf, request, state, container, keys}` where `request` is the
//! request DER (`Uint8Array`) and `keys` the `CryptoKeyPair` itself. IndexedDB keeps the pair by
//! structured clone, so a non-extractable private key is stored without ever leaving Web Crypto
//! and still signs after a reload. Losing a pending record loses its key: nothing here deletes
//! anything unless asked to by id.

use js_sys::{Object, Uint8Array};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKeyPair;

use super::{ServiceError, get, set};
use crate::app::state::{EntryMeta, EntryState};

/// The database name. One database per origin; a file:// page has its own.
pub const DB_NAME: &str = "certreq-web";
/// The object store holding requests and their keys.
pub const REQUESTS: &str = "requests";
const DB_VERSION: u32 = 1;

/// A stored request with its key pair.
#[derive(Clone, Debug)]
pub struct StoredRequest {
    pub meta: EntryMeta,
    /// The request DER as it was handed out.
    pub request_der: Vec<u8>,
    pub keys: Option<CryptoKeyPair>,
}

fn idb_error(doing: &str) -> impl Fn(rexie::Error) -> ServiceError + '_ {
    move |e| ServiceError(format!("{doing}: {e:?}"))
}

async fn open() -> Result<Rexie, ServiceError> {
    if get(&js_sys::global(), "indexedDB").is_undefined() {
        return Err(ServiceError(
            "this browser offers no IndexedDB here, so keys cannot be kept".into(),
        ));
    }
    Rexie::builder(DB_NAME)
        .version(DB_VERSION)
        .add_object_store(ObjectStore::new(REQUESTS).key_path("id"))
        .build()
        .await
        .map_err(idb_error("cannot open the key store"))
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
    obj.into()
}

fn from_js(value: &JsValue) -> Option<StoredRequest> {
    let text = |key: &str| get(value, key).as_string();
    let id = text("id")?;
    let request = get(value, "request");
    let request_der = request
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .unwrap_or_default();
    let keys = get(value, "keys");
    Some(StoredRequest {
        meta: EntryMeta {
            id,
            friendly_name: text("friendly_name").unwrap_or_default(),
            created_ms: get(value, "created").as_f64().unwrap_or(0.0),
            inf: text("inf").unwrap_or_default(),
            state: EntryState::parse(&text("state").unwrap_or_default()),
            container: text("container"),
        },
        request_der,
        keys: (!keys.is_undefined() && !keys.is_null()).then(|| keys.unchecked_into()),
    })
}

/// Adds or replaces a record (by `meta.id`).
pub async fn put(record: &StoredRequest) -> Result<(), ServiceError> {
    let db = open().await?;
    let result = async {
        let tx = db
            .transaction(&[REQUESTS], TransactionMode::ReadWrite)
            .map_err(idb_error("cannot save the request"))?;
        let store = tx
            .store(REQUESTS)
            .map_err(idb_error("cannot save the request"))?;
        store
            .put(&to_js(record), None)
            .await
            .map_err(idb_error("cannot save the request"))?;
        tx.done()
            .await
            .map_err(idb_error("cannot save the request"))?;
        Ok(())
    }
    .await;
    db.close();
    result
}

/// One record by id.
pub async fn get_entry(id: &str) -> Result<Option<StoredRequest>, ServiceError> {
    let db = open().await?;
    let result = async {
        let tx = db
            .transaction(&[REQUESTS], TransactionMode::ReadOnly)
            .map_err(idb_error("cannot read the key store"))?;
        let store = tx
            .store(REQUESTS)
            .map_err(idb_error("cannot read the key store"))?;
        let value = store
            .get(JsValue::from_str(id))
            .await
            .map_err(idb_error("cannot read the key store"))?;
        Ok(value.as_ref().and_then(from_js))
    }
    .await;
    db.close();
    result
}

/// Every record, oldest first.
pub async fn list() -> Result<Vec<StoredRequest>, ServiceError> {
    let db = open().await?;
    let result = async {
        let tx = db
            .transaction(&[REQUESTS], TransactionMode::ReadOnly)
            .map_err(idb_error("cannot read the key store"))?;
        let store = tx
            .store(REQUESTS)
            .map_err(idb_error("cannot read the key store"))?;
        let values = store
            .get_all(None, None)
            .await
            .map_err(idb_error("cannot read the key store"))?;
        let mut records: Vec<StoredRequest> = values.iter().filter_map(from_js).collect();
        records.sort_by(|a, b| a.meta.created_ms.total_cmp(&b.meta.created_ms));
        Ok(records)
    }
    .await;
    db.close();
    result
}

/// Removes a record and with it the only copy of a non-exportable key.
pub async fn delete(id: &str) -> Result<(), ServiceError> {
    let db = open().await?;
    let result = async {
        let tx = db
            .transaction(&[REQUESTS], TransactionMode::ReadWrite)
            .map_err(idb_error("cannot delete the request"))?;
        let store = tx
            .store(REQUESTS)
            .map_err(idb_error("cannot delete the request"))?;
        store
            .delete(JsValue::from_str(id))
            .await
            .map_err(idb_error("cannot delete the request"))?;
        tx.done()
            .await
            .map_err(idb_error("cannot delete the request"))?;
        Ok(())
    }
    .await;
    db.close();
    result
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
