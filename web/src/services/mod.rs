//! Every call into the browser lives here: Web Crypto ([`crypto`]), IndexedDB ([`store`]),
//! files and the clipboard ([`files`]), and the few DOM operations components need ([`dom`]).
//!
//! Components never touch `web_sys` themselves: they send messages, and the app shell turns the
//! reducer's commands into calls of these functions. Everything here is async where the browser
//! is, and returns [`ServiceError`] (a sentence for the user) instead of raw `JsValue`s.

pub mod crypto;
pub mod dom;
pub mod enroll;
pub mod files;
pub mod store;
pub mod tools;

use wasm_bindgen::{JsCast, JsValue};

/// A browser call failed. The text is meant for the status line, so it says what was being done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError(pub String);

impl ServiceError {
    /// Wraps a thrown JavaScript value (usually a `DOMException`) with what we were doing.
    pub fn js(doing: &str, value: JsValue) -> Self {
        ServiceError(format!("{doing}: {}", describe_js(&value)))
    }
}

impl core::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServiceError {}

/// `name: message` of an exception, or its string form.
pub(crate) fn describe_js(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        let name = String::from(err.name());
        let message = String::from(err.message());
        return if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        };
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// A property of a JavaScript object (`undefined` when it is absent or the get throws).
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets a property on a freshly made object (cannot fail for plain objects).
pub(crate) fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// `fetch(request)` in the global scope (a window or a worker): the response, or what fetch
/// rejected with. gloo-net's `Request::send` did the same for 1.2 KiB more of the first
/// download (its scope lookup, its error type and their glue).
pub(crate) async fn fetch(request: &web_sys::Request) -> Result<web_sys::Response, JsValue> {
    let global = js_sys::global();
    let fetch = get(&global, "fetch")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| JsValue::from_str("this browser has no fetch here"))?;
    let promise = js_sys::Promise::resolve(&fetch.call1(&global, request)?);
    let response = wasm_bindgen_futures::JsFuture::from(promise).await?;
    response.dyn_into()
}

/// A response's whole body.
pub(crate) async fn body(response: &web_sys::Response) -> Result<Vec<u8>, JsValue> {
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The host name the page was loaded from (empty for file:// pages).
pub fn page_host() -> String {
    get(&get(&js_sys::global(), "location"), "hostname")
        .as_string()
        .unwrap_or_default()
}

/// Whether `a` and `b` are one name in any case, in any script (Windows compares key container
/// names so). In the browser, JavaScript's `toLowerCase` folds them: Rust's own would put
/// Unicode's case tables, about 8 KiB gzipped, into the app's first download.
pub fn same_name_any_case(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    #[cfg(target_arch = "wasm32")]
    let fold = |s: &str| String::from(js_sys::JsString::from(s).to_lower_case());
    #[cfg(not(target_arch = "wasm32"))]
    let fold = str::to_lowercase;
    !(a.is_ascii() && b.is_ascii()) && fold(a) == fold(b)
}
