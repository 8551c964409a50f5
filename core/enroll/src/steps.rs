//! Enrollment as steps without I/O, for the web app: [`start`] says what to send first, and
//! [`read`] what an answer means and what, if anything, to send next. The caller does the HTTP
//! and keeps the keys; everything between (the URL and its kind, the forms, the HTTP statuses,
//! the result pages, the EST statuses, the certificates in the answer) is decided here.
//!
//! The command line drives these with ureq; the web app runs them in its lazily loaded tools
//! module (`certreq-wire`'s `OP_ENROLL_START`, `OP_ENROLL_READ`), so none of it is in its first
//! download. A [`HttpRequest`] carries its `state` (what was asked, as bytes) to give back with
//! the answer; the caller never looks inside.
//!
//! Every path ends: an AD CS submission may lead to one certificate download ([`Asked::Fetch`]),
//! whose answer never asks for another.

use super::{
    Disposition, Enc, Endpoint, EstOutcome, Retrieval, RetryAfter, body_summary, cert_url,
    classify_est, classify_page, classify_retrieval, newreq_form, simpleenroll,
};
use certreq_pkix::cert::Response;

/// Which protocol the user chose for the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// AD CS Web Enrollment (`https://host/certsrv`).
    AdCs,
    /// EST (`https://host/.well-known/est`).
    Est,
}

/// What the user asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send this request (PKCS #10 DER) to the CA.
    Submit { request: Vec<u8> },
    /// Ask for the certificate of an earlier request: by the CA's request id (AD CS), or by
    /// sending the same request again (EST, which has no ids).
    Retrieve {
        request_id: Option<u64>,
        request: Option<Vec<u8>>,
    },
}

/// Everything [`start`] needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Start {
    pub protocol: Protocol,
    /// The CA URL as the user typed it.
    pub url: String,
    /// `Name:Value` pairs for AD CS's `CertAttrib` (ignored by EST).
    pub attrib: String,
    pub action: Action,
}

/// What an answer was to (the `state` of a [`HttpRequest`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// The AD CS form post; its answer is a result page.
    Submit { base: String },
    /// `certnew.p7b` of request `request_id`.
    Fetch { base: String, request_id: u64 },
    /// EST `simpleenroll`.
    Est,
}

/// An HTTP request to make, and what it asks (to hand back to [`read`] with the answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub url: String,
    /// `POST` with this `Content-Type` and body; `GET` when `None`.
    pub post: Option<(String, String)>,
    /// [`Asked`] as bytes.
    pub state: Vec<u8>,
}

/// What the server answered, as the caller received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The `Content-Type` header, or empty.
    pub content_type: String,
    /// The `Retry-After` header, or empty.
    pub retry_after: String,
    pub body: Vec<u8>,
}

/// Where enrollment stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Make this request and [`read`] its answer.
    Send(HttpRequest),
    /// Issued: the certificates the CA sent (to accept for their key).
    Issued {
        response: Response,
        request_id: Option<u64>,
    },
    /// Waiting for an administrator. `resend`: ask again by sending the same request (EST);
    /// otherwise by the request id, when there is one. `retry_after` in words (`10 seconds`).
    Pending {
        request_id: Option<u64>,
        retry_after: Option<String>,
        resend: bool,
    },
    /// Refused; the CA's reason.
    Denied {
        request_id: Option<u64>,
        message: String,
    },
    /// Nothing came of it, and why (an unusable URL, an HTTP error, an unknown page…).
    Failed { message: String },
}

fn failed(message: impl Into<String>) -> Next {
    Next::Failed {
        message: message.into(),
    }
}

/// The first request to make for `start`, or why there is none.
pub fn start(start: &Start) -> Next {
    let endpoint = match Endpoint::parse(start.url.trim()) {
        Ok(endpoint) => endpoint,
        Err(e) => return failed(e.to_string()),
    };
    match (endpoint, start.protocol) {
        (Endpoint::AdCs { base }, Protocol::AdCs) => match &start.action {
            Action::Submit { request } => match newreq_form(&base, request, &start.attrib) {
                Ok(post) => Next::Send(HttpRequest {
                    url: post.url,
                    post: Some((post.content_type.into(), post.body)),
                    state: Asked::Submit { base }.to_state(),
                }),
                Err(e) => failed(e.to_string()),
            },
            Action::Retrieve {
                request_id: Some(n),
                ..
            } => fetch(base, *n),
            Action::Retrieve {
                request_id: None, ..
            } => failed(
                "the CA gave this request no id here; submit it again, or type the request id \
                 in “Retrieve request”",
            ),
        },
        (Endpoint::Est { base, label }, Protocol::Est) => {
            let request = match &start.action {
                Action::Submit { request } => request,
                Action::Retrieve {
                    request: Some(request),
                    ..
                } => request,
                Action::Retrieve { request: None, .. } => {
                    return failed("EST has no request ids; press Retrieve on the pending entry");
                }
            };
            let post = simpleenroll(&base, label.as_deref(), request);
            Next::Send(HttpRequest {
                url: post.url,
                post: Some((post.content_type.into(), post.body)),
                state: Asked::Est.to_state(),
            })
        }
        (Endpoint::Est { .. }, Protocol::AdCs) => {
            failed("this URL is an EST endpoint (/.well-known/est); choose EST as the kind")
        }
        (Endpoint::AdCs { .. }, Protocol::Est) => failed(
            "an EST URL ends in /.well-known/est (with an optional CA label); choose AD CS for \
             a /certsrv URL",
        ),
    }
}

fn fetch(base: String, request_id: u64) -> Next {
    Next::Send(HttpRequest {
        url: cert_url(&base, request_id, Enc::Bin, true),
        post: None,
        state: Asked::Fetch { base, request_id }.to_state(),
    })
}

/// What `answer` to the request at `url` (asked as `state`, from its [`HttpRequest`]) means.
pub fn read(state: &[u8], url: &str, answer: &Answer) -> Next {
    let Some(asked) = Asked::from_state(state) else {
        return failed("the enrollment step was lost; submit again");
    };
    match asked {
        Asked::Submit { base } => match http_error(answer, url) {
            Some(message) => failed(message),
            None => on_page(
                classify_page(&String::from_utf8_lossy(&answer.body)),
                Some(base),
                None,
            ),
        },
        Asked::Fetch { request_id, .. } => {
            if let Some(message) = http_error(answer, url) {
                return failed(message);
            }
            match classify_retrieval(&answer.content_type, &answer.body) {
                Ok(Retrieval::Object { response, .. }) => Next::Issued {
                    response,
                    request_id: Some(request_id),
                },
                // a page again: pending, denied or an error; never back to fetching
                Ok(Retrieval::Page(Disposition::Issued { .. })) => failed(format!(
                    "the CA says request {request_id} was issued but {url} gave no certificate"
                )),
                // certnew's pages name no id; the one asked about is it
                Ok(Retrieval::Page(page)) => on_page(page, None, Some(request_id)),
                Err(e) => failed(format!(
                    "{url} answered something that is not a certificate: {e}"
                )),
            }
        }
        Asked::Est => {
            let retry = (!answer.retry_after.is_empty()).then_some(answer.retry_after.as_str());
            match classify_est(answer.status, retry, &answer.content_type, &answer.body) {
                Ok(EstOutcome::Issued { response, .. }) => Next::Issued {
                    response,
                    request_id: None,
                },
                Ok(EstOutcome::Pending { retry_after }) => Next::Pending {
                    request_id: None,
                    retry_after: retry_after.as_ref().map(RetryAfter::words),
                    resend: true,
                },
                Ok(EstOutcome::Failed { status, message }) => match http_error(answer, url) {
                    Some(message) if matches!(status, 401 | 403 | 404) => failed(message),
                    _ if status == 400 => Next::Denied {
                        request_id: None,
                        message: format!("{message} (HTTP {status})"),
                    },
                    _ => failed(format!("{message} (HTTP {status})")),
                },
                Err(e) => failed(format!("the EST server's answer holds no certificate: {e}")),
            }
        }
    }
}

/// A Web Enrollment result page: issued leads to its certificate download (when `base` allows
/// one), pending, denied, or the CA's error. `asked`: the request id the page answers for,
/// when the page itself may not name it.
fn on_page(page: Disposition, base: Option<String>, asked: Option<u64>) -> Next {
    match page {
        Disposition::Issued { request_id } => match base {
            Some(base) => fetch(base, request_id),
            None => failed(format!(
                "the CA says request {request_id} was issued but gave no certificate"
            )),
        },
        Disposition::Pending { request_id } => Next::Pending {
            request_id: request_id.or(asked),
            retry_after: None,
            resend: false,
        },
        Disposition::Denied {
            request_id,
            message,
            ..
        } => Next::Denied {
            request_id: request_id.or(asked),
            message,
        },
        other => failed(other.message()),
    }
}

/// The CA's HTTP status in words, for anything but success.
fn http_error(answer: &Answer, url: &str) -> Option<String> {
    Some(match answer.status {
        200..=299 => return None,
        401 => format!(
            "the CA at {url} asks for a sign-in (HTTP 401); open {url} in this browser, sign \
             in, and submit again (Windows sign-in works when the page is served from the \
             CA's own origin)"
        ),
        403 => format!(
            "the CA at {url} refused this request (HTTP 403): you may not enroll there, or it \
             does not allow this page's origin"
        ),
        404 => format!(
            "nothing at {url} (HTTP 404); check the URL (AD CS Web Enrollment is usually \
             https://host/certsrv)"
        ),
        n => format!(
            "the CA at {url} answered HTTP {n}: {}",
            body_summary(&answer.content_type, &answer.body)
        ),
    })
}

impl Asked {
    /// The state a [`HttpRequest`] carries: one line naming what was asked, then its fields
    /// one a line (a base URL never holds a line break).
    fn to_state(&self) -> Vec<u8> {
        match self {
            Asked::Submit { base } => format!("submit\n{base}"),
            Asked::Fetch { base, request_id } => format!("fetch\n{request_id}\n{base}"),
            Asked::Est => "est".to_owned(),
        }
        .into_bytes()
    }

    /// The [`Asked`] of a state [`Asked::to_state`] wrote; `None` for anything else.
    fn from_state(state: &[u8]) -> Option<Asked> {
        let text = core::str::from_utf8(state).ok()?;
        let mut lines = text.split('\n');
        let asked = match (lines.next()?, lines.next(), lines.next()) {
            ("submit", Some(base), None) => Asked::Submit { base: base.into() },
            ("fetch", Some(id), Some(base)) => Asked::Fetch {
                base: base.into(),
                request_id: id.parse().ok()?,
            },
            ("est", None, None) => Asked::Est,
            _ => return None,
        };
        lines.next().is_none().then_some(asked)
    }
}

#[cfg(test)]
mod tests;
