//! HTTP to a certification authority with `fetch`: the Web Enrollment form posts, the
//! certificate downloads and EST's posts (what to send and what the answers mean is
//! `certreq_wire::enroll`, asked of the tools module).
//!
//! Requests carry the browser's credentials (`credentials: 'include'`), so a Web Enrollment
//! site behind Windows authentication or Basic auth works when the page is served from its
//! own origin (or the CA allows this origin with credentials). A request the browser blocks
//! (network down, TLS refused, no CORS permission) gives one error that names those causes.

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::{ServiceError, get, set};

use certreq_wire::enroll::{Answer, HttpRequest};

/// Why `fetch` itself failed, in words a user can act on.
#[cfg(not(certreq_embed))]
fn unreachable(url: &str) -> ServiceError {
    ServiceError(format!(
        "could not reach the CA at {url}: the network failed, its TLS certificate is not trusted, \
         or it does not let this page's origin ask (CORS). Serve this page from the CA's own \
         origin (same-origin deployment), allow this origin with credentials in the IIS CORS \
         module, or exchange files: download the .req, submit it on the CA's own page and \
         accept the .cer here"
    ))
}

/// The same for a portal: its form has none of the app's file buttons to exchange files with.
#[cfg(certreq_embed)]
fn unreachable(url: &str) -> ServiceError {
    ServiceError(format!(
        "could not reach the CA at {url}: the network failed, its TLS certificate is not trusted, \
         or it does not let this page's origin ask (CORS). Serve this page from the CA's own \
         origin (same-origin deployment) or allow this origin with credentials in the IIS CORS \
         module"
    ))
}

/// How long one request to a CA may go unanswered before the app stops waiting and says so
/// (a CA that never answers would otherwise hold every button until the page is reloaded).
const ANSWER_WAIT_MS: u32 = 120_000;

/// `AbortSignal.timeout(ms)`, where the browser has it.
fn time_limit(ms: u32) -> Option<JsValue> {
    let signal = get(&js_sys::global(), "AbortSignal");
    let timeout = get(&signal, "timeout").dyn_into::<Function>().ok()?;
    timeout.call1(&signal, &JsValue::from(ms)).ok()
}

/// Why a CA's answer never came: its time ran out (`TimeoutError`), else `otherwise`.
fn waited_or(url: &str, e: &JsValue, otherwise: ServiceError) -> ServiceError {
    if get(e, "name").as_string().as_deref() != Some("TimeoutError") {
        return otherwise;
    }
    ServiceError(format!(
        "the CA at {url} did not answer within {} seconds, so the app stopped waiting; it may \
         still have taken the request: look for it (Retrieve, or the CA's pending requests) \
         before sending it again",
        ANSWER_WAIT_MS / 1000
    ))
}

/// Sends `init` to `url` with `fetch` and reads the whole answer, and its
/// `WWW-Authenticate` (or empty). The URL goes as it is.
async fn fetch(url: &str, init: &Object) -> Result<(Answer, String), ServiceError> {
    let response = super::fetch(url, init)
        .await
        .map_err(|e| waited_or(url, &e, unreachable(url)))?;
    let headers = get(&response, "headers");
    let header = |name: &str| -> String {
        get(&headers, "get")
            .dyn_ref::<Function>()
            .and_then(|f| f.call1(&headers, &JsValue::from_str(name)).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let body = super::body(&response).await.map_err(|e| {
        let broke = ServiceError::js("the CA's answer broke off", e.clone());
        waited_or(url, &e, broke)
    })?;
    let answer = Answer {
        status: super::status(&response),
        content_type: header("content-type"),
        retry_after: header("retry-after"),
        body,
    };
    Ok((answer, header("www-authenticate")))
}

fn init(method: &str) -> Object {
    let init = Object::new();
    set(&init, "method", &method.into());
    set(&init, "credentials", &"include".into());
    set(&init, "cache", &"no-store".into());
    if let Some(signal) = time_limit(ANSWER_WAIT_MS) {
        set(&init, "signal", &signal);
    }
    init
}

/// Makes the request: `POST` with its body, or `GET`. With the browser's credentials, and
/// past its cache. The answer, and its `WWW-Authenticate` (or empty).
pub async fn send(send: &HttpRequest) -> Result<(Answer, String), ServiceError> {
    let init = match &send.post {
        Some((content_type, body)) => {
            let init = init("POST");
            let headers = Object::new();
            set(&headers, "Content-Type", &content_type.into());
            set(&init, "headers", &headers);
            set(&init, "body", &body.into());
            init
        }
        None => init("GET"),
    };
    fetch(&send.url, &init).await
}

/// `url` resolved against the page's address, as `fetch` resolves it: `/certsrv` on the
/// portal's own server becomes `https://portal.example/certsrv`. An absolute URL, or one that
/// does not resolve, is kept as written (and refused later with the reason).
pub fn page_relative(url: String) -> String {
    let page = get(&get(&js_sys::global(), "location"), "href").as_string();
    page.and_then(|page| web_sys::Url::new_with_base(&url, &page).ok())
        .map_or(url, |resolved| resolved.href())
}

/// The page's origin (`https://host:port`), or empty.
pub fn page_origin() -> String {
    get(&get(&js_sys::global(), "location"), "origin")
        .as_string()
        .unwrap_or_default()
}
