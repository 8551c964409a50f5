//! The enrollment protocols without the HTTP: what to send to an AD CS Web Enrollment site or an
//! EST server, and what its answers mean (enrollment-protocols.md §1 and §2).
//!
//! Every function is pure: it builds URLs and bodies, or classifies a status, a content type
//! and a body that the caller fetched (the CLI with ureq, the web app with `fetch`). Nothing
//! here fails on input or panics; answers that match nothing are reported as such.
//!
//! AD CS speaks in pages, not statuses: every outcome of a submission is a `200 text/html`
//! page, read by [`classify_page`]. The rules, most reliable first:
//!
//! 1. a `certnew.cer?ReqID=N&` link or script (never translated) → issued, request N;
//! 2. `The disposition message is "…"` with `Your Request Id is N` (or `was denied`) → denied, N;
//! 3. `Your Request Id is N` alone → pending, N;
//! 4. the error page's definition list (`Disposition message:` … two TABs … message; each
//!    term found by its element id, `ID=locDispMsgLabel`, which a localised page keeps, else
//!    by its English words): `Taken Under Submission` there, or the number 5
//!    (`CR_DISP_UNDER_SUBMISSION`, in any language) under `Disposition:`, means pending (what
//!    `certnew.cer` answers for a pending request), the number 2 (`CR_DISP_DENIED`) or a
//!    manager's denial code denied, anything else is the CA's error (`The requested property
//!    value is empty …` for an unknown request id);
//! 5. `still pending` (the `chkpnd` answer) → pending.
//!
//! The English sentences are translated on localised CAs; rule 1 is not, and a page that
//! matches nothing is [`Disposition::Unknown`], named by its title so the user can read it.
//!
//! EST (RFC 7030) speaks in statuses: 200 with a base64 certs-only PKCS #7, 202 with
//! `Retry-After` while the CA waits for an administrator, 4xx/5xx with a plain-text reason
//! ([`classify_est`]).

use der::{Decode, Encode};

use certreq_pkix::cert::{Certificate, Response, ResponseKind};
use certreq_pkix::pem;
use certreq_read::response::{self, ResponseError};

/// `application/x-www-form-urlencoded`, the Web Enrollment form posts.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// `application/pkcs10`, the EST enroll body (base64 DER).
pub const PKCS10_CONTENT_TYPE: &str = "application/pkcs10";
/// The EST path prefix (RFC 7030 §3.2.2).
pub const EST_PREFIX: &str = "/.well-known/est";

/// A CA, from the URL a user gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// AD CS Web Enrollment; `base` has no trailing `/` (`https://host/certsrv`).
    AdCs { base: String },
    /// EST; `base` ends with `/.well-known/est` (`https://host/.well-known/est`), `label` is the
    /// optional CA label segment after it (`User` in `…/.well-known/est/User`).
    Est { base: String, label: Option<String> },
}

/// Why a URL, a request or an attribute string cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnrollError {
    /// Not `http://` or `https://` (a Windows `Host\CAName` config string, for instance).
    NotUrl { given: String },
    /// `https://` with no host name.
    NoHost { given: String },
    /// A query or fragment where a base URL belongs.
    QueryOrFragment { given: String },
    /// An EST CA label of more than one path segment.
    EstLabel { given: String, label: String },
    /// A request-attribute pair without `Name:`.
    Attribute { pair: String },
    /// The request bytes are not PEM, base64 or DER.
    Request(pem::ArmorError),
}

impl core::fmt::Display for EnrollError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EnrollError::NotUrl { given } => write!(
                f,
                "`{given}` is not a URL: enrollment goes over HTTP(S) only (no DCOM/RPC \
                 `Host\\CAName`); give the Web Enrollment URL https://host/certsrv or an EST URL \
                 https://host/.well-known/est"
            ),
            EnrollError::NoHost { given } => write!(
                f,
                "`{given}` has no host name; write it as https://host/certsrv"
            ),
            EnrollError::QueryOrFragment { given } => write!(
                f,
                "`{given}` has a query or fragment; give the base URL only (https://host/certsrv)"
            ),
            EnrollError::EstLabel { given, label } => write!(
                f,
                "`{given}` has the EST CA label `{label}`, but a label is one path segment; \
                 write https://host/.well-known/est/LABEL"
            ),
            EnrollError::Attribute { pair } => write!(
                f,
                "attribute pair `{pair}` is not Name:Value; separate pairs with \\n or new \
                 lines, e.g. CertificateTemplate:WebServer\\nSAN:dns=a.example"
            ),
            EnrollError::Request(e) => write!(f, "the request cannot be read: {e}"),
        }
    }
}

impl std::error::Error for EnrollError {}

impl Endpoint {
    /// Reads a CA URL: an EST URL when its path holds the segment `/.well-known/est`
    /// (optionally followed by a CA label and an operation), else an AD CS Web Enrollment base
    /// (a trailing `certfnsh.asp`, `certnew.cer`, `certnew.p7b` or `default.asp` is dropped).
    /// Scheme and prefix are matched case-insensitively; the rest is kept as written.
    pub fn parse(url: &str) -> Result<Endpoint, EnrollError> {
        let given = url.trim();
        let lower = given.to_ascii_lowercase();
        let scheme_len = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(EnrollError::NotUrl {
                given: given.into(),
            });
        };
        let rest = given.get(scheme_len..).unwrap_or("");
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() {
            return Err(EnrollError::NoHost {
                given: given.into(),
            });
        }
        if given.contains(['?', '#']) {
            return Err(EnrollError::QueryOrFragment {
                given: given.into(),
            });
        }
        let trimmed = given.trim_end_matches('/');
        if let Some(at) = est_prefix_end(trimmed) {
            let base = trimmed.get(..at).unwrap_or(trimmed).to_string();
            let mut segments: Vec<&str> = trimmed
                .get(at..)
                .unwrap_or("")
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            if segments.last().is_some_and(|op| {
                ["simpleenroll", "simplereenroll", "cacerts", "csrattrs"]
                    .iter()
                    .any(|o| op.eq_ignore_ascii_case(o))
            }) {
                segments.pop();
            }
            let label = match segments.as_slice() {
                [] => None,
                [one] => Some((*one).to_string()),
                more => {
                    return Err(EnrollError::EstLabel {
                        given: given.into(),
                        label: more.join("/"),
                    });
                }
            };
            return Ok(Endpoint::Est { base, label });
        }
        let mut base = trimmed.to_string();
        for page in [
            "/certfnsh.asp",
            "/certnew.cer",
            "/certnew.p7b",
            "/default.asp",
        ] {
            if ends_with_ignore_case(&base, page) {
                base.truncate(base.len() - page.len());
                break;
            }
        }
        Ok(Endpoint::AdCs { base })
    }

    /// The URL, normalised (for messages and for remembering which CA was asked): the AD CS
    /// base, or the EST base with its label.
    pub fn url(&self) -> String {
        match self {
            Endpoint::AdCs { base } | Endpoint::Est { base, label: None } => base.clone(),
            Endpoint::Est {
                base,
                label: Some(label),
            } => format!("{base}/{label}"),
        }
    }

    /// Plain `http://`: credentials, requests and certificates travel unprotected.
    pub fn is_plain_http(&self) -> bool {
        let base = match self {
            Endpoint::AdCs { base } | Endpoint::Est { base, .. } => base,
        };
        base.get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    }
}

/// Where `/.well-known/est` ends in `url`, when it is a whole path segment.
fn est_prefix_end(url: &str) -> Option<usize> {
    let lower = url.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|r| r.find(EST_PREFIX)) {
        let end = from + i + EST_PREFIX.len();
        if matches!(lower.as_bytes().get(end), None | Some(b'/')) {
            return Some(end);
        }
        from = end;
    }
    None
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text
            .get(text.len() - suffix.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
}

/// A request to send: `POST url` with `body` of `content_type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub url: String,
    pub content_type: &'static str,
    pub body: String,
}

// ---------------------------------------------------------------------------------------------
// AD CS Web Enrollment
// ---------------------------------------------------------------------------------------------

/// certreq's `-attrib` string as the CA receives it in `CertAttrib`: pairs separated by the
/// two-character escape `\n` (certreq's documented form) or by real line breaks, joined with
/// CRLF. Empty pairs are dropped; pairs are trimmed (the CA trims values anyway).
pub fn attrib_lines(attrib: &str) -> String {
    attrib
        .replace("\\n", "\n")
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Checks each `Name:Value` pair of an attribute string; the error names the first pair
/// without a colon or without a name.
pub fn check_attrib(attrib: &str) -> Result<(), EnrollError> {
    for pair in attrib_lines(attrib).split("\r\n").filter(|p| !p.is_empty()) {
        match pair.split_once(':') {
            Some((name, _)) if !name.trim().is_empty() => {}
            _ => {
                return Err(EnrollError::Attribute { pair: pair.into() });
            }
        }
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` of name/value pairs (space as `+`; only
/// `A–Z a–z 0–9 - _ . *` unescaped).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
    }
    out
}

/// The DER of the first object in request bytes (PEM of any label, bare base64, or DER).
pub fn request_der(request: &[u8]) -> Result<Vec<u8>, EnrollError> {
    let blocks = pem::read(request).map_err(EnrollError::Request)?;
    blocks
        .into_iter()
        .next()
        .map(|b| b.der)
        .ok_or(EnrollError::Request(pem::ArmorError::Empty))
}

/// The submission: `POST base/certfnsh.asp` with `Mode=newreq`, the request as
/// `CERTIFICATE REQUEST` PEM (CRLF, 64 columns; the CA detects PKCS #10, PKCS #7 and CMC by
/// content), `CertAttrib` from [`attrib_lines`], `TargetStoreFlags=0`, `SaveCert=yes`.
pub fn newreq_form(base: &str, request: &[u8], attrib: &str) -> Result<Post, EnrollError> {
    check_attrib(attrib)?;
    let der = request_der(request)?;
    let pem = pem::write(pem::Label::CertificateRequest, &der);
    let attrib = attrib_lines(attrib);
    Ok(Post {
        url: format!("{base}/certfnsh.asp"),
        content_type: FORM_CONTENT_TYPE,
        body: form_encode(&[
            ("Mode", "newreq"),
            ("CertRequest", &pem),
            ("CertAttrib", &attrib),
            ("TargetStoreFlags", "0"),
            ("SaveCert", "yes"),
        ]),
    })
}

/// Asking after a pending request: `POST base/certfnsh.asp` with
/// `Mode=chkpnd&ReqID=N&TargetStoreFlags=0&SaveCert=yes`; the answer is a result page.
pub fn chkpnd_form(base: &str, request_id: u64) -> Post {
    let id = request_id.to_string();
    Post {
        url: format!("{base}/certfnsh.asp"),
        content_type: FORM_CONTENT_TYPE,
        body: form_encode(&[
            ("Mode", "chkpnd"),
            ("ReqID", &id),
            ("TargetStoreFlags", "0"),
            ("SaveCert", "yes"),
        ]),
    }
}

/// How `certnew.cer`/`certnew.p7b` encode their answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    /// `Enc=bin`: DER.
    Bin,
    /// `Enc=b64`: PEM with CRLF line ends.
    B64,
}

impl Enc {
    /// The query value, `bin` or `b64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Enc::Bin => "bin",
            Enc::B64 => "b64",
        }
    }
}

/// `base/certnew.cer?ReqID=N&Enc=…`, or `certnew.p7b` (the certificate with its chain) when
/// `chain`.
pub fn cert_url(base: &str, request_id: u64, enc: Enc, chain: bool) -> String {
    let file = if chain { "certnew.p7b" } else { "certnew.cer" };
    format!("{base}/{file}?ReqID={request_id}&Enc={}", enc.as_str())
}

/// The CA's own certificate (`certnew.cer?ReqID=CACert&Renewal=N&Enc=…`), or its chain
/// (`certnew.p7b`). `renewal` comes from [`parse_renewals`] (0 for a CA never renewed).
pub fn ca_cert_url(base: &str, renewal: u32, enc: Enc, chain: bool) -> String {
    let file = if chain { "certnew.p7b" } else { "certnew.cer" };
    format!(
        "{base}/{file}?ReqID=CACert&Renewal={renewal}&Enc={}",
        enc.as_str()
    )
}

/// The page that tells how often the CA was renewed (`base/certcarc.asp`).
pub fn renewals_url(base: &str) -> String {
    format!("{base}/certcarc.asp")
}

/// `var nRenewals=N;` in the `certcarc.asp` page.
pub fn parse_renewals(html: &str) -> Option<u32> {
    let n = number_after(html, "var nRenewals=")?;
    u32::try_from(n).ok()
}

/// What a Web Enrollment result page says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Issued: fetch it with [`cert_url`].
    Issued { request_id: u64 },
    /// Waiting for an administrator (the id is missing on `certnew.cer`'s error page).
    Pending { request_id: Option<u64> },
    /// Denied; the CA's disposition message (`Denied by Policy Module  0x80094800, …`) and the
    /// HRESULT in it.
    Denied {
        request_id: Option<u64>,
        message: String,
        code: Option<u32>,
    },
    /// The error page: the disposition message, `LastStatus` when present, and the first
    /// non-zero HRESULT in either.
    Error {
        message: String,
        status: Option<String>,
        code: Option<u32>,
    },
    /// Not a page this client recognises; carries the page title (or its start).
    Unknown { title: String },
}

impl Disposition {
    /// The request id the page names.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Disposition::Issued { request_id } => Some(*request_id),
            Disposition::Pending { request_id } | Disposition::Denied { request_id, .. } => {
                *request_id
            }
            Disposition::Error { .. } | Disposition::Unknown { .. } => None,
        }
    }

    /// The outcome in words: the CA's message for denials and errors.
    pub fn message(&self) -> String {
        match self {
            Disposition::Issued { request_id } => format!("request {request_id} was issued"),
            Disposition::Pending { .. } => "Taken Under Submission".into(),
            Disposition::Denied { message, .. } => message.clone(),
            Disposition::Error {
                message,
                status: Some(status),
                ..
            } if status != message => format!("{message} ({status})"),
            Disposition::Error { message, .. } => message.clone(),
            Disposition::Unknown { title } => {
                format!("the CA answered a page this client does not recognise: \"{title}\"")
            }
        }
    }
}

/// `CERTSRV_E_ADMIN_DENIED_REQUEST`: a CA manager denied the request after it was held.
pub const ADMIN_DENIED: u32 = 0x8009_4014;

/// Classifies a Web Enrollment result page (the rules are in the module documentation).
pub fn classify_page(html: &str) -> Disposition {
    const LINK: &str = "certnew.cer?ReqID=";
    let mut from = 0;
    while let Some(i) = html.get(from..).and_then(|r| r.find(LINK)) {
        let start = from + i + LINK.len();
        let after = html.get(start..).unwrap_or("");
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && after.as_bytes().get(digits) == Some(&b'&')
            && let Some(Ok(request_id)) = after.get(..digits).map(str::parse::<u64>)
        {
            return Disposition::Issued { request_id };
        }
        from = start;
    }
    let request_id = number_after(html, "Your Request Id is ");
    if let Some(message) = quoted_after(html, "The disposition message is \"")
        && (request_id.is_some() || html.contains("was denied"))
    {
        let message = unescape_html(&message);
        return Disposition::Denied {
            request_id,
            code: hresult_in(&message),
            message,
        };
    }
    if request_id.is_some() {
        return Disposition::Pending { request_id };
    }
    let shown = error_field(html, "locDispMsgLabel", "Disposition message:");
    let status = error_field(html, "locLastStatLabel", "LastStatus:");
    // the error layout with no disposition message (a request id the CA does not have: the
    // call itself failed, so there is no request row to give one): LastStatus, else Result,
    // says what failed, when it names an error
    let names_error = |v: &String| hresult_in(v).is_some();
    let message = shown.clone().or_else(|| {
        status
            .clone()
            .filter(names_error)
            .or_else(|| error_field(html, "locResultLabel", "Result:").filter(names_error))
    });
    if let Some(message) = message {
        // the disposition's number says it in any language: 5 is CR_DISP_UNDER_SUBMISSION,
        // 2 CR_DISP_DENIED (a localised CA words the message in its own language)
        let disposition = error_field(html, "locDispLabel", "Disposition:");
        let number = disposition
            .as_deref()
            .and_then(|d| d.split_whitespace().next());
        if shown.is_some() && (number == Some("5") || message.contains("Taken Under Submission")) {
            return Disposition::Pending { request_id: None };
        }
        let code = hresult_in(&message).or_else(|| status.as_deref().and_then(hresult_in));
        // certnew.cer reports a denied request with the error layout ("Denied by Policy
        // Module", or a manager's denial with CERTSRV_E_ADMIN_DENIED_REQUEST)
        if number == Some("2") || code == Some(ADMIN_DENIED) || message.starts_with("Denied by") {
            return Disposition::Denied {
                request_id: None,
                message,
                code,
            };
        }
        return Disposition::Error {
            // (a status that stood in for the message is not said twice)
            status: status.filter(|_| shown.is_some()),
            message,
            code,
        };
    }
    if html.contains("still pending") {
        return Disposition::Pending { request_id: None };
    }
    Disposition::Unknown {
        title: page_title(html),
    }
}

/// What `certnew.cer` or `certnew.p7b` answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retrieval {
    /// A certificate or PKCS #7 chain: parsed, with the DER of the first object as sent (the
    /// `.p7b` to keep when `response.kind` is PKCS #7).
    Object { response: Response, der: Vec<u8> },
    /// A result page instead: still pending, or an error (an unknown request id…).
    Page(Disposition),
}

/// Classifies a `200` answer of `certnew.cer`/`certnew.p7b` by its `Content-Type` (a header
/// value; parameters and case do not matter) and body. HTML is a result page; anything else
/// must be a certificate or chain, by content (AD CS labels PKCS #7 `CERTIFICATE`). A body
/// that is not a certificate but starts with `<` is read as a page too.
pub fn classify_retrieval(content_type: &str, body: &[u8]) -> Result<Retrieval, ResponseError> {
    if is_page(content_type) {
        return Ok(Retrieval::Page(classify_page(&String::from_utf8_lossy(
            body,
        ))));
    }
    classify_parsed_retrieval(body, response::parse(body))
}

/// Whether a `certnew` answer is a result page by its `Content-Type` alone; its body then
/// need not be read as a certificate.
pub fn is_page(content_type: &str) -> bool {
    media_type(content_type) == "text/html"
}

/// [`classify_retrieval`] for an answer that is not a page by its `Content-Type`
/// ([`is_page`]), with the body already read as a response: `parsed` is
/// `response::parse(body)` (any error type).
fn classify_parsed_retrieval<E>(body: &[u8], parsed: Result<Response, E>) -> Result<Retrieval, E> {
    match parsed {
        Ok(response) => {
            let der = first_der(body);
            Ok(Retrieval::Object { response, der })
        }
        Err(e) => {
            let text = String::from_utf8_lossy(body);
            if text.trim_start().starts_with('<') {
                Ok(Retrieval::Page(classify_page(&text)))
            } else {
                Err(e)
            }
        }
    }
}

fn first_der(body: &[u8]) -> Vec<u8> {
    pem::read(body)
        .ok()
        .and_then(|blocks| blocks.into_iter().next())
        .map(|b| b.der)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// EST
// ---------------------------------------------------------------------------------------------

/// `base[/label]/op` for an EST operation (`simpleenroll`, `cacerts`, …).
pub fn est_url(base: &str, label: Option<&str>, op: &str) -> String {
    match label {
        Some(label) => format!("{base}/{label}/{op}"),
        None => format!("{base}/{op}"),
    }
}

/// Whether an EST URL names the re-enrollment operation (`…/simplereenroll`): what is sent
/// there is a re-enrollment (RFC 7030 §4.2.2), which the server authenticates by the
/// certificate renewed (the TLS client certificate) where a first enrollment may ask for
/// other credentials. [`Endpoint::parse`] leaves the operation out of the label.
pub fn names_reenroll(url: &str) -> bool {
    url.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|op| op.eq_ignore_ascii_case("simplereenroll"))
}

/// The EST enroll: `POST base[/label]/simpleenroll` (`/simplereenroll` with `reenroll`),
/// `application/pkcs10`, the request DER as base64 in 64-column CRLF lines.
pub fn simpleenroll(base: &str, label: Option<&str>, reenroll: bool, request_der: &[u8]) -> Post {
    let op = if reenroll {
        "simplereenroll"
    } else {
        "simpleenroll"
    };
    Post {
        url: est_url(base, label, op),
        content_type: PKCS10_CONTENT_TYPE,
        // EST takes PKCS #10 only (RFC 7030 §4.2.1): a CMC request sends the one it carries
        body: pem::base64_lines(certreq_pkix::cmc::pkcs10_in_any(request_der)),
    }
}

/// A `Retry-After` value (RFC 9110 §10.2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delay-seconds.
    Seconds(u64),
    /// An HTTP-date, kept as sent (`Wed, 21 Oct 2026 07:28:00 GMT`).
    Date(String),
}

impl RetryAfter {
    /// Reads a header value; `None` when empty.
    pub fn parse(value: &str) -> Option<RetryAfter> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        if v.bytes().all(|b| b.is_ascii_digit()) {
            // a delay too large for u64 is as good as "much later"
            return Some(RetryAfter::Seconds(v.parse().unwrap_or(u64::MAX)));
        }
        Some(RetryAfter::Date(v.into()))
    }

    /// `10 seconds`, `1 second`, `until DATE`.
    pub fn words(&self) -> String {
        match self {
            RetryAfter::Seconds(1) => "1 second".into(),
            RetryAfter::Seconds(n) => format!("{n} seconds"),
            RetryAfter::Date(d) => format!("until {d}"),
        }
    }
}

/// What an EST enroll answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EstOutcome {
    /// 200: the certificates (a certs-only PKCS #7, base64), with the DER of the first object.
    Issued { response: Response, der: Vec<u8> },
    /// 202: accepted, not issued yet; send the same request again after `retry_after`.
    Pending { retry_after: Option<RetryAfter> },
    /// Any other status, with the server's reason in one line ([`body_summary`]).
    Failed { status: u16, message: String },
}

/// Classifies an EST enroll answer from its status, `Retry-After` header, `Content-Type` and
/// body. A 200 whose body holds no certificate is the `Err`.
pub fn classify_est(
    status: u16,
    retry_after: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Result<EstOutcome, ResponseError> {
    let parsed = (status == EST_ISSUED).then(|| response::parse(body));
    classify_parsed_est(status, retry_after, content_type, body, parsed)
}

/// The status of an EST answer that carries the certificate.
pub const EST_ISSUED: u16 = 200;

/// [`classify_est`] with the body already read as a response when the status is
/// [`EST_ISSUED`]: `parsed` is `Some(response::parse(body))` then (any error type), and is
/// not looked at for any other status. A 200 without it reads as a failed answer rather than
/// an issued one.
fn classify_parsed_est<E>(
    status: u16,
    retry_after: Option<&str>,
    content_type: &str,
    body: &[u8],
    parsed: Option<Result<Response, E>>,
) -> Result<EstOutcome, E> {
    match status {
        EST_ISSUED => match parsed {
            Some(response) => Ok(EstOutcome::Issued {
                der: first_der(body),
                response: response?,
            }),
            None => Ok(EstOutcome::Failed {
                status,
                message: "the answer's certificate was not read".into(),
            }),
        },
        202 => Ok(EstOutcome::Pending {
            retry_after: retry_after.and_then(RetryAfter::parse),
        }),
        _ => Ok(EstOutcome::Failed {
            status,
            message: body_summary(content_type, body),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The certificate and `.p7b` chain a caller keeps from an issued answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub leaf: Certificate,
    /// A certs-only PKCS #7: the answer's own when it was one, else built from the leaf and
    /// the issuers found beside it.
    pub chain_p7b: Vec<u8>,
}

/// Picks the issued certificate from an answer (the one for `request_spki` when given and
/// present, else [`Response::leaf`]) and the chain to keep with it. `der` is the first object
/// as sent ([`Retrieval::Object`], [`EstOutcome::Issued`]).
pub fn issued(response: &Response, der: &[u8], request_spki: Option<&[u8]>) -> Option<Issued> {
    let leaf = request_spki
        .and_then(|s| response.leaf_for(s))
        .or_else(|| response.leaf())?
        .clone();
    let chain_p7b = if response.kind == ResponseKind::Pkcs7 && !der.is_empty() {
        der.to_vec()
    } else {
        certreq_pkix::cert::build_certs_only_pkcs7(
            response.chain_for(&leaf).into_iter().map(|c| c.der()),
        )
    };
    Some(Issued { leaf, chain_p7b })
}

/// A PKCS #10 (or CMC) request's SubjectPublicKeyInfo DER (to find its key or its
/// certificate).
pub fn request_spki(request_der: &[u8]) -> Option<Vec<u8>> {
    let req = x509_cert::request::CertReq::from_der(certreq_pkix::cmc::pkcs10_in_any(request_der))
        .ok()?;
    req.info.public_key.to_der().ok()
}

/// The media type of a `Content-Type` value, lower-case, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// An error body in one line of at most 200 characters: an HTML page's title, else the first
/// non-empty line of text.
pub fn body_summary(content_type: &str, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = if media_type(content_type) == "text/html" {
        page_title(&text)
    } else {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    };
    line.chars().take(200).collect()
}

/// A page's `<title>`, else the first 80 characters of its text without tags.
pub fn page_title(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let Some(open) = lower.find("<title>") {
        let start = open + "<title>".len();
        if let Some(len) = lower.get(start..).and_then(|r| r.find("</title>"))
            && let Some(t) = html.get(start..start + len)
        {
            let t = unescape_html(t.trim());
            if !t.is_empty() {
                return t;
            }
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(if c.is_whitespace() { ' ' } else { c }),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(80).collect()
}

/// The decimal number right after `marker`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest.get(..digits)?.parse().ok()
}

/// The text between `marker` (which ends with a quote) and the next `"`.
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find('"')?;
    let value = rest.get(..end)?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// A value of the error page's definition list, found by its term's element id (`ID=…`,
/// which a localised CA keeps while it translates the term), else by the English term.
fn error_field(html: &str, id: &str, english: &str) -> Option<String> {
    let anchor = format!("ID={id}");
    two_tab_value(html, &anchor).or_else(|| two_tab_value(html, english))
}

/// `Label:` … (no TAB) … two TABs, then the value up to the line end.
fn two_tab_value(text: &str, label: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let rest = text.get(start..)?;
    let tabs = rest.find("\t\t")?;
    if rest.get(..tabs)?.contains('\t') {
        return None;
    }
    let value = rest.get(tabs + 2..)?;
    let end = value.find(['\r', '\n']).unwrap_or(value.len());
    let value = unescape_html(value.get(..end)?.trim());
    (!value.is_empty()).then_some(value)
}

/// The first `0x` + 1–8 hex digits in `text` that is not zero (an HRESULT such as
/// `0x80094800`).
fn hresult_in(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text.get(i..).and_then(|r| r.find("0x")) {
        let start = i + at + 2;
        let hex = bytes
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let before_ok = i + at == 0
            || !bytes
                .get(i + at - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if before_ok
            && (1..=8).contains(&hex)
            && let Some(Ok(n)) = text
                .get(start..start + hex)
                .map(|h| u32::from_str_radix(h, 16))
            && n != 0
        {
            return Some(n);
        }
        i = start;
    }
    None
}

pub(crate) fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub mod cadocs;
pub mod steps;
pub mod template;
pub mod why;

#[cfg(test)]
mod tests;
