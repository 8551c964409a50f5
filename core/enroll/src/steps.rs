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
    Disposition, Enc, Endpoint, EnrollError, EstOutcome, Retrieval, RetryAfter, body_summary,
    cert_url, classify_est, classify_page, classify_retrieval, newreq_form, simpleenroll,
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
    /// The CA's request id of the request it has just taken (its issued page named it), whose
    /// certificate this request downloads: when no answer comes, the caller still knows the CA
    /// holds that request, and says to retrieve it rather than submit it again. `None` for a
    /// retrieval, whose id the caller gave.
    pub request_id: Option<u64>,
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
    /// Refused; the CA's reason, and the HRESULT it names when it names one (explained by
    /// [`crate::why`]).
    Denied {
        request_id: Option<u64>,
        message: String,
        code: Option<u32>,
    },
    /// Nothing came of it, and why: the caller words it for where it runs ([`Failure`]'s
    /// `Display` is the plain wording).
    Failed(Failure),
}

/// Why an enrollment came to nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The URL cannot be used, or the request or attributes cannot be sent.
    Unusable(EnrollError),
    /// An EST URL given as AD CS (`est: true`), or the other way round.
    WrongProtocol { est: bool },
    /// AD CS retrieval without a request id.
    NoRequestId,
    /// EST retrieval without the request to send again (EST has no request ids).
    NoRequestToResend,
    /// A request with an archived key, which EST's `/simpleenroll` would strip to its
    /// PKCS #10: the certificate would be issued and the key not archived.
    EstWouldDropKey,
    /// The server answered an HTTP error status.
    Http {
        url: String,
        status: u16,
        /// What the body said, shortened.
        summary: String,
    },
    /// The server answered something that is not what was asked for (not a Web Enrollment
    /// page, not a certificate): what it was.
    NotAnAnswer { url: String, what: String },
    /// The CA says the request was issued but handed out no certificate.
    IssuedWithoutCertificate { url: String, request_id: u64 },
    /// A Web Enrollment page that says something other than issued, pending or denied (the
    /// CA's error, or a page that matches no known layout).
    Page(Disposition),
    /// The answer to a submission is a page that matches no known layout (named by its
    /// title): the request may have reached the CA, which would hold it, so the user is told
    /// where to look before sending it again.
    UnknownAfterSubmit { title: String },
    /// The step's state was lost (or is not one this version wrote).
    Lost,
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::Unusable(e) => e.fmt(f),
            Failure::WrongProtocol { est: true } => f.write_str(
                "this URL is an EST endpoint (/.well-known/est), not AD CS Web Enrollment",
            ),
            Failure::WrongProtocol { est: false } => f.write_str(
                "an EST URL ends in /.well-known/est (with an optional CA label); this one is an \
                 AD CS Web Enrollment URL",
            ),
            Failure::NoRequestId => f.write_str(
                "AD CS retrieves a certificate by the request id the CA gave; there is none here",
            ),
            Failure::EstWouldDropKey => f.write_str(
                "this request archives its private key with the CA, and EST takes a PKCS #10 \
                 request alone: the CA would issue the certificate without archiving the key, \
                 so the request was not sent. Send it to the CA's Web Enrollment URL \
                 (…/certsrv), or make it without PrivateKeyArchive for EST",
            ),
            Failure::NoRequestToResend => f.write_str(
                "EST has no request ids: a pending EST request is collected by sending the same \
                 request again",
            ),
            Failure::Http {
                url,
                status,
                summary,
            } => write!(f, "the CA at {url} answered HTTP {status}: {summary}"),
            Failure::NotAnAnswer { url, what } => {
                write!(f, "{url} answered {what}, which is not what was asked for")
            }
            Failure::IssuedWithoutCertificate { url, request_id } => write!(
                f,
                "the CA says request {request_id} was issued but {url} gave no certificate"
            ),
            Failure::Page(page) => f.write_str(&page.message()),
            Failure::UnknownAfterSubmit { title } => write!(
                f,
                "{}. If the request reached the CA, the CA may hold it: before submitting it \
                 again, look for it on the CA's Web Enrollment pages (\"View the status of a \
                 pending certificate request\") or ask the CA's administrator",
                Disposition::Unknown {
                    title: title.clone()
                }
                .message()
            ),
            Failure::Lost => f.write_str("the enrollment step was lost; submit again"),
        }
    }
}

impl std::error::Error for Failure {}

fn failed(failure: Failure) -> Next {
    Next::Failed(failure)
}

/// The first request to make for `start`, or why there is none.
pub fn start(start: &Start) -> Next {
    let endpoint = match Endpoint::parse(start.url.trim()) {
        Ok(endpoint) => endpoint,
        Err(e) => return failed(Failure::Unusable(e)),
    };
    match (endpoint, start.protocol) {
        (Endpoint::AdCs { base }, Protocol::AdCs) => match &start.action {
            Action::Submit { request } => match newreq_form(&base, request, &start.attrib) {
                Ok(post) => Next::Send(HttpRequest {
                    url: post.url,
                    post: Some((post.content_type.into(), post.body)),
                    state: Asked::Submit { base }.to_state(),
                    request_id: None,
                }),
                Err(e) => failed(Failure::Unusable(e)),
            },
            Action::Retrieve {
                request_id: Some(n),
                ..
            } => fetch(base, *n, false),
            Action::Retrieve {
                request_id: None, ..
            } => failed(Failure::NoRequestId),
        },
        (Endpoint::Est { base, label }, Protocol::Est) => {
            let request = match &start.action {
                Action::Submit { request } => request,
                Action::Retrieve {
                    request: Some(request),
                    ..
                } => request,
                Action::Retrieve { request: None, .. } => {
                    return failed(Failure::NoRequestToResend);
                }
            };
            // EST sends the PKCS #10 alone (RFC 7030 §4.2.1). A renewal's or an agent's
            // signature stays behind (EST re-enrolls by its sign-in; the CA decides), but an
            // archived key is never dropped silently
            if certreq_pkix::cmc::beyond_pkcs10(request) == Some(certreq_pkix::cmc::ARCHIVED_KEY) {
                return failed(Failure::EstWouldDropKey);
            }
            // a URL that names /simplereenroll re-enrolls there; any other enrolls
            let reenroll = crate::names_reenroll(&start.url);
            let post = simpleenroll(&base, label.as_deref(), reenroll, request);
            Next::Send(HttpRequest {
                url: post.url,
                post: Some((post.content_type.into(), post.body)),
                state: Asked::Est.to_state(),
                request_id: None,
            })
        }
        (Endpoint::Est { .. }, Protocol::AdCs) => failed(Failure::WrongProtocol { est: true }),
        (Endpoint::AdCs { .. }, Protocol::Est) => failed(Failure::WrongProtocol { est: false }),
    }
}

/// The download of request `request_id`'s certificate; `taken`: the CA has just taken the
/// request (its issued page named it), so a download that gets no answer still names it.
fn fetch(base: String, request_id: u64, taken: bool) -> Next {
    Next::Send(HttpRequest {
        url: cert_url(&base, request_id, Enc::Bin, true),
        post: None,
        state: Asked::Fetch { base, request_id }.to_state(),
        request_id: taken.then_some(request_id),
    })
}

/// What `answer` to the request at `url` (asked as `state`, from its [`HttpRequest`]) means.
pub fn read(state: &[u8], url: &str, answer: &Answer) -> Next {
    let Some(asked) = Asked::from_state(state) else {
        return failed(Failure::Lost);
    };
    match asked {
        Asked::Submit { base } => match http_error(answer, url) {
            Some(failure) => failed(failure),
            None if !super::is_page(&answer.content_type) => failed(Failure::NotAnAnswer {
                url: url.to_owned(),
                what: describe(answer),
            }),
            None => on_page(
                classify_page(&String::from_utf8_lossy(&answer.body)),
                Some(base),
                None,
                url,
            ),
        },
        Asked::Fetch { request_id, .. } => {
            if let Some(failure) = http_error(answer, url) {
                return failed(failure);
            }
            match classify_retrieval(&answer.content_type, &answer.body) {
                Ok(Retrieval::Object { response, .. }) => Next::Issued {
                    response,
                    request_id: Some(request_id),
                },
                // a page again: pending, denied or an error; never back to fetching
                Ok(Retrieval::Page(Disposition::Issued { .. })) => {
                    failed(Failure::IssuedWithoutCertificate {
                        url: url.to_owned(),
                        request_id,
                    })
                }
                // certnew's pages name no id; the one asked about is it
                Ok(Retrieval::Page(page)) => on_page(page, None, Some(request_id), url),
                Err(e) => failed(Failure::NotAnAnswer {
                    url: url.to_owned(),
                    what: format!("something that is not a certificate ({e})"),
                }),
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
                // EST says no with 400 and its reason; other statuses are the server's errors
                Ok(EstOutcome::Failed {
                    status: 400,
                    message,
                }) => Next::Denied {
                    request_id: None,
                    code: crate::why::find_in(&message).map(|h| h.code),
                    message: format!("{message} (HTTP 400)"),
                },
                Ok(EstOutcome::Failed { status, message }) => failed(Failure::Http {
                    url: url.to_owned(),
                    status,
                    summary: message,
                }),
                Err(e) => failed(Failure::NotAnAnswer {
                    url: url.to_owned(),
                    what: format!("an answer that holds no certificate ({e})"),
                }),
            }
        }
    }
}

/// A Web Enrollment result page: issued leads to its certificate download (when `base` allows
/// one), pending, denied, or the CA's error. `asked`: the request id the page answers for,
/// when the page itself may not name it.
fn on_page(page: Disposition, base: Option<String>, asked: Option<u64>, url: &str) -> Next {
    match page {
        Disposition::Issued { request_id } => match base {
            Some(base) => fetch(base, request_id, true),
            None => failed(Failure::IssuedWithoutCertificate {
                url: url.to_owned(),
                request_id,
            }),
        },
        Disposition::Pending { request_id } => Next::Pending {
            request_id: request_id.or(asked),
            retry_after: None,
            resend: false,
        },
        Disposition::Denied {
            request_id,
            message,
            code,
        } => Next::Denied {
            request_id: request_id.or(asked),
            code: code.or_else(|| crate::why::find_in(&message).map(|h| h.code)),
            message,
        },
        // a submission's answer that says nothing known: the CA may have taken it
        Disposition::Unknown { title } if base.is_some() => {
            failed(Failure::UnknownAfterSubmit { title })
        }
        other => failed(Failure::Page(other)),
    }
}

/// The CA's HTTP status as a failure, for anything but success.
fn http_error(answer: &Answer, url: &str) -> Option<Failure> {
    (!(200..=299).contains(&answer.status)).then(|| Failure::Http {
        url: url.to_owned(),
        status: answer.status,
        summary: body_summary(&answer.content_type, &answer.body),
    })
}

/// What an answer is, in a few words, by its content type.
fn describe(answer: &Answer) -> String {
    match super::media_type(&answer.content_type).as_str() {
        "" => "an answer with no content type".to_owned(),
        t => format!("{t} instead of a Web Enrollment page"),
    }
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
