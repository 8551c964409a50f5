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
pub mod reader;
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

/// `text`, a fixed text such as a property name, as a JavaScript string: made the first time
/// and then kept. Passing a string out of wasm decodes it (a `TextDecoder` call) every time,
/// and `createRequest`'s property names cost it more that way than the property accesses
/// themselves. The strings are kept in a small table indexed by where the text lives (a fixed
/// text never moves or changes); a text whose slot is taken replaces what was there.
pub(crate) fn js_str(text: &'static str) -> JsValue {
    const SLOTS: usize = 64;
    thread_local! {
        static TEXTS: core::cell::RefCell<Vec<(usize, usize, JsValue)>> =
            const { core::cell::RefCell::new(Vec::new()) };
    }
    let at = text.as_ptr() as usize;
    let slot = (at as u32).wrapping_mul(0x9E37_79B9) as usize >> (32 - 6);
    TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        if texts.is_empty() {
            texts.resize(SLOTS, (0, 0, JsValue::UNDEFINED));
        }
        let entry = &mut texts[slot % SLOTS];
        if (entry.0, entry.1) != (at, text.len()) {
            *entry = (at, text.len(), JsValue::from_str(text));
        }
        entry.2.clone()
    })
}

/// A property of a JavaScript object (`undefined` when it is absent, when `target` is not an
/// object, or when the get throws). `Reflect.get` throws on anything but an object, so a chain
/// such as `location.hostname` where there is no `location` (Node.js) asks nothing and throws
/// nothing: a caught exception costs more than the rest of a request.
pub(crate) fn get(target: &JsValue, key: &'static str) -> JsValue {
    if !(target.is_object() || target.is_function()) {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(target, &js_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// An object whose properties are set by plain assignment.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Fields;
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn put(this: &Fields, key: &JsValue, value: &JsValue);
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn put_number(this: &Fields, key: &JsValue, value: f64);
}

/// Sets a property on a freshly made object (cannot fail for plain objects): a plain
/// assignment, where `Reflect.set` went through the glue's guard against exceptions.
pub(crate) fn set(target: &js_sys::Object, key: &'static str, value: &JsValue) {
    target.unchecked_ref::<Fields>().put(&js_str(key), value);
}

/// [`set`] for a number, handed over as one (not made into a `JsValue` first).
pub(crate) fn set_number(target: &js_sys::Object, key: &'static str, value: f64) {
    target
        .unchecked_ref::<Fields>()
        .put_number(&js_str(key), value);
}

/// `fetch(url, init)` in the global scope (a window or a worker): the `Response`, or what
/// fetch rejected with. Through `Reflect`, as `get` and `set` are: gloo-net's `Request::send`
/// cost the first download 1.2 KiB more, and web-sys's typed `RequestInit`, `Headers` and
/// `Response` 0.6 KiB more (an import in the JS glue for each setter and getter).
pub(crate) async fn fetch(url: &str, init: &js_sys::Object) -> Result<JsValue, JsValue> {
    let global = js_sys::global();
    let fetch = get(&global, "fetch")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| JsValue::from_str("this browser has no fetch here"))?;
    let promise = fetch.call2(&global, &JsValue::from_str(url), init)?;
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await
}

/// A `Response`'s status (an integer: formatting an f64 would link float printing, 9 KiB).
pub(crate) fn status(response: &JsValue) -> u16 {
    get(response, "status").as_f64().unwrap_or(0.0) as u16
}

/// A `Response`'s whole body.
pub(crate) async fn body(response: &JsValue) -> Result<Vec<u8>, JsValue> {
    let read = get(response, "arrayBuffer")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| JsValue::from_str("the answer has no body"))?
        .call0(response)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&read)).await?;
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
