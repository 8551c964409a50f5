//! HTTP to a certification authority with `fetch`: the Web Enrollment form posts, the
//! certificate downloads and EST's posts (what to send and what the answers mean is
//! `certreq_wire::enroll`, asked of the tools module).
//!
//! Requests carry the browser's credentials (`credentials: 'include'`), so a Web Enrollment
//! site behind Windows authentication or Basic auth works when the page is served from its
//! own origin (or the CA allows this origin with credentials). A request the browser blocks
//! (network down, TLS refused, no CORS permission) gives one error that names those causes.

use web_sys::{Headers, RequestCache, RequestCredentials, RequestInit};

use super::{ServiceError, get};

use certreq_wire::enroll::{Answer, HttpRequest};

/// Why `fetch` itself failed, in words a user can act on.
fn unreachable(url: &str) -> ServiceError {
    ServiceError(format!(
        "could not reach the CA at {url}: the network failed, its TLS certificate is not trusted, \
         or it does not let this page's origin ask (CORS). Serve this page from the CA's own \
         origin (same-origin deployment), allow this origin with credentials in the IIS CORS \
         module, or exchange files: download the .req, submit it on the CA's own page and \
         accept the .cer here"
    ))
}

/// Sends `init` to `url` with the window's `fetch` and reads the whole answer.
async fn fetch(url: &str, init: &RequestInit) -> Result<Answer, ServiceError> {
    // a URL fetch would refuse is refused here, in the same words
    let request =
        web_sys::Request::new_with_str_and_init(url, init).map_err(|_| unreachable(url))?;
    let response = super::fetch(&request).await.map_err(|_| unreachable(url))?;
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten().unwrap_or_default();
    let body = super::body(&response)
        .await
        .map_err(|e| ServiceError::js("the CA's answer broke off", e))?;
    Ok(Answer {
        status: response.status(),
        content_type: header("content-type"),
        retry_after: header("retry-after"),
        body,
    })
}

/// Makes the request: `POST` with its body, or `GET`. With the browser's credentials, and
/// past its cache.
pub async fn send(send: &HttpRequest) -> Result<Answer, ServiceError> {
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Include);
    init.set_cache(RequestCache::NoStore);
    match &send.post {
        Some((content_type, body)) => {
            init.set_method("POST");
            let headers =
                Headers::new().map_err(|e| ServiceError::js("cannot make the request", e))?;
            headers
                .set("Content-Type", content_type)
                .map_err(|e| ServiceError::js("cannot make the request", e))?;
            init.set_headers(&headers);
            init.set_body(&body.into());
        }
        None => init.set_method("GET"),
    }
    fetch(&send.url, &init).await
}

/// The page's origin (`https://host:port`), or empty.
pub fn page_origin() -> String {
    get(&get(&js_sys::global(), "location"), "origin")
        .as_string()
        .unwrap_or_default()
}
